//! Trade documents (quotations, orders, delivery notes, invoices, credit notes, bills and
//! debit notes) typeset from one template, `templates/document.typ`.
//!
//! [`PrintDocument`] mirrors `cora_core::trade::print::DocumentView` as serde types (this
//! crate never depends on the core): callers deserialize the JSON of `trade.document`
//! into it. Every figure arrives as a decimal string as stored; here it is only checked
//! to be a decimal and grouped for the company's locale (`1234.50` → `1,234.50` or
//! `1.234,50`): nothing is added, multiplied or rounded.

use super::RenderError;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use typst_as_lib::TypstEngine;

static DOCUMENT: &str = include_str!("../templates/document.typ");

/// The company or the partner: name, address lines, tax id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Party {
    pub name: String,
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// One line; the price columns are null on a delivery note.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocumentLine {
    pub line_no: u32,
    #[serde(default)]
    pub sku: String,
    pub description: String,
    /// 1 for a kit's component under its kit.
    #[serde(default)]
    pub level: u32,
    pub quantity: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub unit_price: Option<String>,
    #[serde(default)]
    pub discount: Option<String>,
    #[serde(default)]
    pub taxes: String,
    #[serde(default)]
    pub net: Option<String>,
    #[serde(default)]
    pub lot: String,
}

/// One tax of the summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocumentTax {
    pub name: String,
    #[serde(default)]
    pub rate: String,
    pub base: String,
    pub amount: String,
}

/// The stored totals.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocumentTotals {
    pub net: String,
    pub tax: String,
    #[serde(default)]
    pub rounding: Option<String>,
    pub total: String,
    pub currency: String,
}

/// The company's logo as `trade.document` gives it: a PNG or JPEG file, base64.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Logo {
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    pub data_base64: String,
}

/// A trade document as `trade.document` gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PrintDocument {
    /// `invoice`, `credit_note`, `delivery_note`, ...
    pub kind: String,
    pub title: String,
    pub number: String,
    /// `Draft` or `Cancelled`, printed beside the title; empty for a document in force.
    #[serde(default)]
    pub status: String,
    pub date: String,
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub payment_terms: Option<String>,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub credits_number: Option<String>,
    /// The company's locale (`en-IE`, `de-DE`): how figures are grouped.
    #[serde(default)]
    pub locale: String,
    #[serde(default)]
    pub currency: String,
    /// The company's logo, printed at the head of the first page.
    #[serde(default)]
    pub logo: Option<Logo>,
    pub company: Party,
    #[serde(default)]
    pub partner_label: String,
    pub partner: Party,
    #[serde(default)]
    pub ship_to: Option<Party>,
    /// False on a delivery note: quantities only.
    #[serde(default)]
    pub priced: bool,
    pub lines: Vec<DocumentLine>,
    #[serde(default)]
    pub taxes: Vec<DocumentTax>,
    #[serde(default)]
    pub totals: Option<DocumentTotals>,
    #[serde(default)]
    pub amount_in_words: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub payment_instructions: String,
    /// Language for hyphenation and quotes (`en`, `de`), the one `labels` are in.
    #[serde(default = "super::english")]
    pub lang: String,
    /// The template's fixed words in the document's language (English when absent).
    #[serde(default)]
    pub labels: Labels,
}

/// The words the template puts around the data; the core gives them in the document's
/// language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Labels {
    pub date: String,
    pub due_date: String,
    pub payment_terms: String,
    pub order: String,
    pub corrects: String,
    pub reference: String,
    pub currency: String,
    pub ship_to: String,
    pub tax_id: String,
    pub account: String,
    pub sku: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub discount: String,
    pub taxes: String,
    pub lot: String,
    pub net: String,
    pub tax: String,
    pub base: String,
    pub amount: String,
    pub rounding: String,
    pub total: String,
    pub notes: String,
    pub payment: String,
}

impl Default for Labels {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        Labels {
            date: s("Date"),
            due_date: s("Due date"),
            payment_terms: s("Payment terms"),
            order: s("Order"),
            corrects: s("Corrects"),
            reference: s("Reference"),
            currency: s("Currency"),
            ship_to: s("Ship to"),
            tax_id: s("Tax ID"),
            account: s("Account"),
            sku: s("SKU"),
            description: s("Description"),
            quantity: s("Quantity"),
            unit_price: s("Unit price"),
            discount: s("Disc. %"),
            taxes: s("Taxes"),
            lot: s("Lot / serial"),
            net: s("Net"),
            tax: s("Tax"),
            base: s("Base"),
            amount: s("Amount"),
            rounding: s("Rounding"),
            total: s("Total"),
            notes: s("Notes"),
            payment: s("Payment"),
        }
    }
}

fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(DOCUMENT).fonts(typst_assets::fonts()).build())
}

/// Typesets a trade document as an A4 PDF; long documents run over several pages with the
/// line table's header repeated.
pub fn document_pdf(doc: &PrintDocument) -> Result<Vec<u8>, RenderError> {
    let page = typeset(doc)?;
    typst_pdf::pdf(&page, &typst_pdf::PdfOptions::default()).map_err(|e| RenderError::Typeset(format!("{e:?}")))
}

pub(crate) fn typeset(doc: &PrintDocument) -> Result<typst_layout::PagedDocument, RenderError> {
    use base64::Engine;
    use typst::foundations::{Bytes, Dict, IntoValue, Value};
    let mut input = super::to_dict(&formatted(doc)?)?;
    // The logo goes to the template as the file's bytes (typst reads PNG and JPEG itself)
    // with its pixel size, so the template can fit a wide one by its width.
    input.remove("logo".into(), None).ok();
    if let Some(logo) = &doc.logo {
        let bytes = base64::engine::general_purpose::STANDARD.decode(logo.data_base64.trim()).map_err(|_| RenderError::Invalid("logo is not base64".into()))?;
        if logo.width == 0 || logo.height == 0 {
            return Err(RenderError::Invalid("logo has no size".into()));
        }
        let mut l = Dict::new();
        l.insert("image".into(), Value::Bytes(Bytes::new(bytes)));
        l.insert("width".into(), i64::from(logo.width).into_value());
        l.insert("height".into(), i64::from(logo.height).into_value());
        input.insert("logo".into(), Value::Dict(l));
    }
    engine().compile_with_input(input).output.map_err(|e| RenderError::Typeset(format!("{e:?}")))
}

/// The document with every figure checked and grouped for its locale; a discount of zero
/// becomes empty (nothing to print).
fn formatted(doc: &PrintDocument) -> Result<PrintDocument, RenderError> {
    let seps = separators(&doc.locale);
    let f = |field: &str, v: &str| group(field, v, seps);
    let opt = |field: &str, v: &Option<String>| v.as_deref().map(|v| f(field, v)).transpose();
    let mut d = doc.clone();
    for (i, l) in d.lines.iter_mut().enumerate() {
        let at = |k: &str| format!("lines.{i}.{k}");
        l.quantity = f(&at("quantity"), &l.quantity)?;
        l.unit_price = opt(&at("unit_price"), &l.unit_price)?;
        l.net = opt(&at("net"), &l.net)?;
        l.discount = match opt(&at("discount"), &l.discount)? {
            Some(v) if !is_zero(&v) => Some(v),
            _ => None,
        };
    }
    for (i, x) in d.taxes.iter_mut().enumerate() {
        x.base = f(&format!("taxes.{i}.base"), &x.base)?;
        x.amount = f(&format!("taxes.{i}.amount"), &x.amount)?;
        if !x.rate.is_empty() {
            x.rate = f(&format!("taxes.{i}.rate"), &x.rate)?;
        }
    }
    if let Some(t) = &mut d.totals {
        t.net = f("totals.net", &t.net)?;
        t.tax = f("totals.tax", &t.tax)?;
        t.rounding = opt("totals.rounding", &t.rounding)?;
        t.total = f("totals.total", &t.total)?;
    }
    Ok(d)
}

fn is_zero(v: &str) -> bool {
    v.chars().all(|c| !c.is_ascii_digit() || c == '0')
}

/// The group and decimal separators of a locale's numbers (BCP 47 `de-DE`, `fr_CH`).
pub fn separators(locale: &str) -> (&'static str, &'static str) {
    let mut parts = locale.split(['-', '_']);
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2).unwrap_or("").to_ascii_uppercase();
    match (lang.as_str(), region.as_str()) {
        ("de" | "fr" | "it" | "rm", "CH" | "LI") => ("\u{2019}", "."),
        ("es", "MX" | "US") | ("pt", "") => (",", "."),
        ("de" | "es" | "it" | "nl" | "pt" | "da" | "id" | "tr" | "el" | "ro" | "hr" | "sl" | "sr" | "is", _) => (".", ","),
        ("fr" | "sv" | "nb" | "nn" | "no" | "fi" | "pl" | "cs" | "sk" | "ru" | "uk" | "hu" | "bg" | "et" | "lv" | "lt", _) => ("\u{a0}", ","),
        _ => (",", "."),
    }
}

/// Groups a decimal string's whole part by thousands and swaps in the locale's decimal
/// separator; refuses anything that is not `-?digits(.digits)?`.
pub fn group(field: &str, v: &str, (sep, point): (&str, &str)) -> Result<String, RenderError> {
    let bad = || RenderError::Invalid(format!("{field} is not a decimal: {v:?}"));
    let (sign, digits) = match v.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", v),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(whole) || frac.is_some_and(|f| !ok(f)) {
        return Err(bad());
    }
    let mut out = String::with_capacity(v.len() + whole.len() / 3 * sep.len() + 1);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push_str(point);
        out.push_str(f);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(name: &str) -> Party {
        Party { name: name.into(), address: vec!["1 Dock Road".into(), "D01 Dublin".into(), "Ireland".into()], tax_id: format!("IE{}", name.len()), ..Default::default() }
    }

    pub(crate) fn invoice(lines: usize) -> PrintDocument {
        PrintDocument {
            kind: "invoice".into(),
            title: "Invoice".into(),
            number: "INV/00042".into(),
            date: "2026-03-04".into(),
            due_date: Some("2026-04-03".into()),
            payment_terms: Some("30 days".into()),
            reference: "PO 7781".into(),
            order_number: Some("SO/00001".into()),
            locale: "en-IE".into(),
            currency: "EUR".into(),
            company: party("ACME Ltd"),
            partner_label: "Bill to".into(),
            partner: party("Golden Gate Traders"),
            priced: true,
            lines: (1..=lines)
                .map(|i| DocumentLine {
                    line_no: i as u32,
                    sku: format!("SKU-{i:04}"),
                    description: format!("Widget model {i}"),
                    quantity: "5".into(),
                    unit: "pcs".into(),
                    unit_price: Some("1000.00".into()),
                    discount: Some(if i % 2 == 0 { "10".into() } else { "0".into() }),
                    taxes: "Sales tax 20%".into(),
                    net: Some("4500.00".into()),
                    ..Default::default()
                })
                .collect(),
            taxes: vec![DocumentTax { name: "Sales tax 20%".into(), rate: "20".into(), base: "1234567.50".into(), amount: "246913.50".into() }],
            totals: Some(DocumentTotals { net: "1234567.50".into(), tax: "246913.50".into(), rounding: Some("0.01".into()), total: "1481481.01".into(), currency: "EUR".into() }),
            amount_in_words: Some("One million four hundred eighty-one thousand four hundred eighty-one and 01/100 EUR".into()),
            notes: "Thank you for your business.".into(),
            lang: "en".into(),
            ..Default::default()
        }
    }

    /// Every run of text typst laid out, page by page.
    fn texts(doc: &typst_layout::PagedDocument) -> Vec<String> {
        fn walk(frame: &typst::layout::Frame, out: &mut String) {
            for (_, item) in frame.items() {
                match item {
                    typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                    typst::layout::FrameItem::Text(t) => {
                        out.push_str(t.text.as_str());
                        out.push(' ');
                    }
                    _ => {}
                }
            }
        }
        doc.pages()
            .iter()
            .map(|p| {
                let mut s = String::new();
                walk(&p.frame, &mut s);
                s
            })
            .collect()
    }

    #[test]
    fn an_invoice_prints_its_number_lines_taxes_and_stored_totals() {
        let doc = invoice(3);
        let pdf = document_pdf(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let laid = typeset(&doc).unwrap();
        assert_eq!(laid.pages().len(), 1);
        let text = texts(&laid).concat();
        for want in [
            "Invoice",
            "INV/00042",
            "ACME Ltd",
            "Golden Gate Traders",
            "BILL TO",
            "IE19",
            "2026-04-03",
            "30 days",
            "SO/00001",
            "PO 7781",
            "Widget model 1",
            "Widget model 2",
            "Widget model 3",
            "SKU-0003",
            "1,000.00",
            "4,500.00",
            "Sales tax 20%",
            "1,234,567.50",
            "246,913.50",
            "0.01",
            "1,481,481.01",
            "EUR",
            "and 01/100 EUR",
            "Thank you for your business.",
        ] {
            assert!(text.contains(want), "{want:?} is not in {text}");
        }
    }

    /// The images placed on each page, as (width, height) in points.
    fn images(doc: &typst_layout::PagedDocument) -> Vec<Vec<(f64, f64)>> {
        fn walk(frame: &typst::layout::Frame, out: &mut Vec<(f64, f64)>) {
            for (_, item) in frame.items() {
                match item {
                    typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                    typst::layout::FrameItem::Image(_, size, _) => out.push((size.x.to_pt(), size.y.to_pt())),
                    _ => {}
                }
            }
        }
        doc.pages()
            .iter()
            .map(|p| {
                let mut v = Vec::new();
                walk(&p.frame, &mut v);
                v
            })
            .collect()
    }

    /// A 1 × 1 PNG and a 40 × 10 one (written with Python's zlib and struct).
    const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const PNG_40X10: &str = "iVBORw0KGgoAAAANSUhEUgAAACgAAAAKCAYAAADGmhxQAAAAJElEQVR4nGOQsznxfzBjhoF2wKgDRx040A4YdeCoAwfaAYQwAOofU74VTCGpAAAAAElFTkSuQmCC";

    #[test]
    fn the_logo_heads_the_first_page_and_payment_instructions_keep_their_lines() {
        let mut doc = invoice(60);
        doc.payment_instructions = "IBAN IE29 AIBK 9311 5212 3456 78\nBIC AIBKIE2D".into();
        let pages = typeset(&doc).unwrap();
        assert!(images(&pages).iter().all(Vec::is_empty), "no logo, no image");
        // A logo is 1.6 cm high, or 6 cm wide when it is wider than 6 : 1.6.
        let cm = 72.0 / 2.54;
        for (file, w, h, want) in [(PNG_1X1, 1, 1, (1.6 * cm, 1.6 * cm)), (PNG_40X10, 40, 10, (6.0 * cm, 1.5 * cm))] {
            doc.logo = Some(Logo { media_type: "image/png".into(), width: w, height: h, data_base64: file.into() });
            let laid = typeset(&doc).unwrap();
            let imgs = images(&laid);
            assert!(laid.pages().len() >= 2);
            assert_eq!(imgs[0].len(), 1, "one image on the first page");
            assert!(imgs[1..].iter().all(Vec::is_empty), "only on the first page");
            let (iw, ih) = imgs[0][0];
            assert!((iw - want.0).abs() < 0.5 && (ih - want.1).abs() < 0.5, "{iw} x {ih} pt, want {want:?}");
        }
        let text = texts(&typeset(&doc).unwrap()).concat();
        assert!(text.contains("IBAN IE29 AIBK 9311 5212 3456 78"), "{text}");
        assert!(text.contains("BIC AIBKIE2D"), "{text}");
        assert!(document_pdf(&doc).unwrap().starts_with(b"%PDF-"));
        doc.logo.as_mut().unwrap().data_base64 = "not base64!".into();
        assert!(matches!(typeset(&doc), Err(RenderError::Invalid(_))));
    }

    #[test]
    fn a_200_line_invoice_runs_over_pages_with_every_line_and_the_total_at_the_end() {
        let doc = invoice(200);
        let laid = typeset(&doc).unwrap();
        let pages = texts(&laid);
        assert!(pages.len() >= 4, "{} pages", pages.len());
        let all = pages.concat();
        for i in 1..=200 {
            assert!(all.contains(&format!("Widget model {i} ")), "line {i} is missing");
        }
        // The table's header repeats on every page; the totals come once, at the end.
        assert!(pages.iter().all(|p| p.contains("Unit price")), "the header repeats");
        assert!(pages.last().unwrap().contains("1,481,481.01"));
        assert!(!pages[0].contains("1,481,481.01"));
        assert!(pages[1].contains("2 / "), "{}", pages[1]);
        assert!(document_pdf(&doc).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn a_delivery_note_prints_quantities_without_prices() {
        let mut doc = invoice(2);
        doc.kind = "delivery_note".into();
        doc.title = "Delivery note".into();
        doc.number = "WH/OUT/00001".into();
        doc.partner_label = "Deliver to".into();
        doc.priced = false;
        doc.totals = None;
        doc.taxes.clear();
        doc.amount_in_words = None;
        for l in &mut doc.lines {
            (l.unit_price, l.discount, l.net, l.lot) = (None, None, None, "LOT-7".into());
        }
        doc.lines[1].quantity = "12500.5".into();
        let text = texts(&typeset(&doc).unwrap()).concat();
        for want in ["Delivery note", "WH/OUT/00001", "DELIVER TO", "Widget model 2", "12,500.5", "LOT-7"] {
            assert!(text.contains(want), "{want:?} is not in {text}");
        }
        for not in ["1,000.00", "Total", "Unit price"] {
            assert!(!text.contains(not), "{not:?} is on a delivery note: {text}");
        }
    }

    #[test]
    fn a_draft_says_so_and_a_german_company_groups_its_own_way() {
        let mut doc = invoice(1);
        doc.number = "Draft".into();
        doc.status = "Draft".into();
        doc.locale = "de-DE".into();
        let text = texts(&typeset(&doc).unwrap()).concat();
        assert!(text.contains("DRAFT"), "{text}");
        assert!(text.contains("1.481.481,01"), "{text}");
    }

    #[test]
    fn figures_are_grouped_never_changed() {
        let en = separators("en-IE");
        assert_eq!(group("x", "1234567.5", en).unwrap(), "1,234,567.5");
        assert_eq!(group("x", "-1234", en).unwrap(), "-1,234");
        assert_eq!(group("x", "123", en).unwrap(), "123");
        assert_eq!(group("x", "0.0001", en).unwrap(), "0.0001");
        assert_eq!(group("x", "1000000.123456", separators("de-DE")).unwrap(), "1.000.000,123456");
        assert_eq!(group("x", "1000.5", separators("fr-FR")).unwrap(), "1\u{a0}000,5");
        assert_eq!(group("x", "1000.5", separators("de-CH")).unwrap(), "1\u{2019}000.5");
        assert_eq!(separators(""), (",", "."));
        for bad in ["", "-", "1e5", "1,000", "1.", ".5", "12a", " 1", "--1", "NaN"] {
            assert!(matches!(group("x", bad, en), Err(RenderError::Invalid(_))), "{bad:?}");
        }
        let mut doc = invoice(1);
        doc.lines[0].net = Some("12 EUR".into());
        assert!(matches!(document_pdf(&doc), Err(RenderError::Invalid(m)) if m.contains("lines.0.net")));
    }

    #[test]
    fn text_that_looks_like_markup_is_printed_as_text() {
        let mut doc = invoice(1);
        doc.lines[0].description = "#panic(\"x\") *bold* $x$ <label> @ref ]".into();
        doc.notes = "#set page(width: 1pt)\nline two".into();
        doc.partner.name = "[#x]".into();
        let text = texts(&typeset(&doc).unwrap()).concat();
        assert!(text.contains("*bold*") && text.contains("[#x]"), "{text}");
    }

    #[test]
    fn a_german_document_prints_the_german_labels_core_gives() {
        let mut doc = invoice(2);
        doc.title = "Rechnung".into();
        doc.partner_label = "Rechnungsempfänger".into();
        doc.payment_terms = Some("30 Tage".into());
        doc.locale = "de-DE".into();
        doc.lang = "de".into();
        doc.labels = Labels {
            date: "Datum".into(),
            due_date: "Fällig am".into(),
            payment_terms: "Zahlungsziel".into(),
            order: "Auftrag".into(),
            description: "Beschreibung".into(),
            quantity: "Menge".into(),
            unit_price: "Einzelpreis".into(),
            net: "Netto".into(),
            tax: "Steuer".into(),
            base: "Bemessungsgrundlage".into(),
            amount: "Betrag".into(),
            rounding: "Rundung".into(),
            total: "Gesamt".into(),
            notes: "Anmerkungen".into(),
            ..Labels::default()
        };
        let text = texts(&typeset(&doc).unwrap()).concat();
        for want in ["Rechnung", "RECHNUNGSEMPFÄNGER", "Datum", "Fällig am", "Zahlungsziel", "30 Tage", "Auftrag", "Beschreibung", "Menge", "Einzelpreis", "Netto", "Steuer",
            "Bemessungsgrundlage", "Betrag", "Rundung", "Gesamt EUR", "ANMERKUNGEN", "1.481.481,01"] {
            assert!(text.contains(want), "{want:?} is not in {text}");
        }
        for not in ["Due date", "Unit price", "Description", "Total EUR", "NOTES"] {
            assert!(!text.contains(not), "{not:?} is English on a German document: {text}");
        }
        // Labels the core did not send are English.
        assert!(serde_json::from_value::<Labels>(serde_json::json!({"date": "Datum"})).unwrap().total == "Total");
    }

    #[test]
    fn it_reads_the_json_core_gives() {
        let json = serde_json::json!({
            "kind": "invoice", "title": "Invoice", "number": "INV/00001", "status": "", "date": "2026-03-04",
            "due_date": "2026-04-03", "payment_terms": "30 days", "reference": "", "order_number": "SO/00001",
            "credits_number": null, "locale": "en-IE", "currency": "EUR", "logo": null,
            "company": {"name": "ACME Ltd", "legal_name": "", "code": "", "address": [], "tax_id": "", "email": "", "phone": ""},
            "partner_label": "Bill to",
            "partner": {"name": "Client", "legal_name": "", "code": "C00001", "address": ["1 Road"], "tax_id": "", "email": "", "phone": ""},
            "ship_to": null, "priced": true,
            "lines": [{"line_no": 1, "sku": "W", "description": "Widget", "level": 0, "quantity": "3", "unit": "pcs",
                       "unit_price": "10.00", "discount": "10", "taxes": "Sales tax 20%", "net": "27.00", "lot": ""}],
            "taxes": [{"tax_id": 1, "name": "Sales tax 20%", "rate": "20", "base": "27.00", "amount": "5.40"}],
            "totals": {"net": "27.00", "tax": "5.40", "rounding": null, "total": "32.40", "currency": "EUR"},
            "amount_in_words": "Thirty-two and 40/100 EUR", "notes": "", "payment_instructions": ""
        });
        let doc: PrintDocument = serde_json::from_value(json).unwrap();
        let text = texts(&typeset(&doc).unwrap()).concat();
        assert!(text.contains("32.40") && text.contains("Widget") && text.contains("INV/00001"), "{text}");
        assert!(!text.contains("Rounding"), "no rounding line when there is none");
    }
}
