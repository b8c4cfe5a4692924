//! Printed documents: one [`DocumentView`] for every kind of trade document (quotation,
//! sales order, delivery note, customer invoice and credit note; request for quotation,
//! purchase order, supplier bill and debit note), which `cora-render` typesets from one
//! template. `trade.document` gives it to the CLI and the desktop shell.
//!
//! Rules:
//! - **The figures are the stored ones.** Lines, per-tax totals, net, tax, rounding and
//!   total come from [`engine::get_order`] and [`flow::get_invoice`] as they are stored
//!   (and posted); nothing here or in the renderer adds, multiplies or rounds money. An
//!   amount is only padded to its currency's minor units (`92.4` → `92.40`), never
//!   rounded: a value with more decimals is printed as it is.
//! - **Text is ready; numbers are decimal strings.** Every label-free text (names,
//!   addresses, dates as ISO 8601, payment terms) and the template's words (`labels`) are
//!   in the document's language (`lang`: the company's, English or German); amounts,
//!   prices, quantities and discounts stay plain decimal strings (`-1234.50`), which the
//!   renderer groups for the company's locale.
//! - **A document of another company does not exist** (every read is through the
//!   caller's [`TenantCtx`]), and a delivery note is only a delivery made for a sales order.
//! - **The partner's language, else the company's.** A partner with a language (`en`,
//!   `de`) gets its documents in it, words, title, terms and the amount in words alike;
//!   figures are then grouped the way that language does. Without one, the company's
//!   locale decides.
//! - **The company's own parts**: its logo (`company.set_logo`) heads every document; its
//!   payment instructions (`company.update`) are printed on what asks a customer to pay
//!   (quotations, sales orders, invoices), not on credit notes, delivery notes or
//!   purchase documents.

use super::model::*;
use super::{engine, flow};
use crate::accounting::model::{TaxId, TaxTotal};
use crate::command::{Ctx, TenantCtx};
use crate::inventory::model::{PickingId, PickingKind, PickingState};
use crate::partners::model::{AddressKind, Partner, PartnerAddress, PartnerAddressId};
use crate::{Error, FieldCode, Result, money};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which document `trade.document` reads: the order, invoice or delivery of a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSource {
    /// A quotation or sales order (`sales.get_order`).
    SalesOrder,
    /// A request for quotation or purchase order (`purchase.get_order`).
    PurchaseOrder,
    /// A customer invoice or credit note (`sales.get_invoice`).
    Invoice,
    /// A supplier bill or debit note (`purchase.get_bill`).
    Bill,
    /// A delivery made for a sales order (a done or pending delivery picking).
    Delivery,
}

impl DocumentSource {
    fn side(self) -> Side {
        match self {
            DocumentSource::SalesOrder | DocumentSource::Invoice | DocumentSource::Delivery => Side::Sale,
            DocumentSource::PurchaseOrder | DocumentSource::Bill => Side::Purchase,
        }
    }

    /// The entity a not-found error names.
    fn entity(self) -> &'static str {
        match self {
            DocumentSource::SalesOrder => "sales_order",
            DocumentSource::PurchaseOrder => "purchase_order",
            DocumentSource::Invoice => "invoice",
            DocumentSource::Bill => "bill",
            DocumentSource::Delivery => "delivery",
        }
    }
}

/// A document to print, by id or by number (exactly one of them).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentArgs {
    pub doc: DocumentSource,
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<i64>,
    /// The document's number (`INV/00001`, `SO/00003`, `WH/OUT/00002`); quotations and
    /// drafts have none and are read by id.
    #[serde(default)]
    #[ts(optional)]
    pub number: Option<String>,
}

/// What kind of document is printed: it picks the title and which blocks are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Quotation,
    SalesOrder,
    DeliveryNote,
    Invoice,
    CreditNote,
    RequestForQuotation,
    PurchaseOrder,
    SupplierBill,
    DebitNote,
}

impl DocumentKind {
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Quotation => "Quotation",
            DocumentKind::SalesOrder => "Sales order",
            DocumentKind::DeliveryNote => "Delivery note",
            DocumentKind::Invoice => "Invoice",
            DocumentKind::CreditNote => "Credit note",
            DocumentKind::RequestForQuotation => "Request for quotation",
            DocumentKind::PurchaseOrder => "Purchase order",
            DocumentKind::SupplierBill => "Supplier bill",
            DocumentKind::DebitNote => "Debit note",
        }
    }
}

/// The company or the partner as printed: name, address lines, tax id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentParty {
    pub name: String,
    /// The legal name when it differs from the name, else empty.
    pub legal_name: String,
    /// The partner's code (empty for the company).
    pub code: String,
    /// Street lines, postal code and city, region, country: the non-empty ones in order.
    pub address: Vec<String>,
    pub tax_id: String,
    pub email: String,
    pub phone: String,
}

/// One printed line. On a delivery note the price columns are null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentLine {
    pub line_no: u32,
    pub sku: String,
    pub description: String,
    /// 0 for a line, 1 for a kit's component under its kit (delivery notes).
    pub level: u32,
    #[ts(type = "string")]
    pub quantity: Decimal,
    pub unit: String,
    #[ts(type = "string | null")]
    pub unit_price: Option<Decimal>,
    /// Percent; null or 0 for none.
    #[ts(type = "string | null")]
    pub discount: Option<Decimal>,
    /// The names of the line's taxes, comma-separated.
    pub taxes: String,
    #[ts(type = "string | null")]
    pub net: Option<Decimal>,
    /// Lot or serial numbers (delivery notes).
    pub lot: String,
}

/// One tax of the summary: the stored base and amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentTax {
    pub tax_id: TaxId,
    pub name: String,
    #[ts(type = "string")]
    pub rate: Decimal,
    #[ts(type = "string")]
    pub base: Decimal,
    #[ts(type = "string")]
    pub amount: Decimal,
}

/// The stored totals: `net + tax + rounding = total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentTotals {
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string")]
    pub tax: Decimal,
    /// Null when zero (nothing to print).
    #[ts(type = "string | null")]
    pub rounding: Option<Decimal>,
    #[ts(type = "string")]
    pub total: Decimal,
    pub currency: String,
}

/// A trade document ready to print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentView {
    pub kind: DocumentKind,
    pub title: String,
    /// The number, or `Draft` before it has one.
    pub number: String,
    /// `Draft` or `Cancelled` when the document is not (yet) in force; empty otherwise.
    pub status: String,
    /// ISO 8601 dates.
    pub date: String,
    pub due_date: Option<String>,
    /// `30 days`, `Due on receipt`; null where terms do not apply (delivery notes).
    pub payment_terms: Option<String>,
    pub reference: String,
    /// The order a delivery, invoice or credit note was made from.
    pub order_number: Option<String>,
    /// A credit or debit note: the invoice or bill it corrects.
    pub credits_number: Option<String>,
    /// The company's locale (BCP 47): how numbers are grouped when printed.
    pub locale: String,
    /// The language the document is printed in (`en`, `de`): the partner's when it has
    /// one, else the company's locale's, English for any other.
    pub lang: String,
    /// The template's fixed words in that language.
    pub labels: DocumentLabels,
    pub currency: String,
    /// The company's logo, when it has one.
    pub logo: Option<crate::company::model::CompanyLogo>,
    pub company: DocumentParty,
    /// `Bill to`, `Supplier`, `Deliver to`.
    pub partner_label: String,
    pub partner: DocumentParty,
    /// The delivery address, when it is not the partner's address above.
    pub ship_to: Option<DocumentParty>,
    /// False on a delivery note: quantities only, no prices, taxes or totals.
    pub priced: bool,
    pub lines: Vec<DocumentLine>,
    pub taxes: Vec<DocumentTax>,
    pub totals: Option<DocumentTotals>,
    /// The total in words in the document's language (`One hundred and 40/100 EUR`,
    /// `Einhundert und 40/100 EUR`).
    pub amount_in_words: Option<String>,
    pub notes: String,
    /// The company's payment instructions (bank details) on a quotation, sales order or
    /// customer invoice; empty on other documents.
    pub payment_instructions: String,
}

/// The words a printed document's template puts around the data, in the document's
/// language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocumentLabels {
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

/// The languages documents print in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// The language of a locale (`de-DE`, `de_AT`, `de` → German); English otherwise.
    pub fn of_locale(locale: &str) -> Lang {
        match locale.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase().as_str() {
            "de" => Lang::De,
            _ => Lang::En,
        }
    }

    /// The language and number locale of a document for `partner`: the partner's
    /// language when it has one (its numbers grouped as that language does, unless it is
    /// the company's own), else the company's locale.
    fn for_partner(company_locale: &str, partner: &Partner) -> (Lang, String) {
        let company = Lang::of_locale(company_locale);
        match partner.language.as_str() {
            "" => (company, company_locale.to_string()),
            code => {
                let lang = Lang::of_locale(code);
                if lang == company { (lang, company_locale.to_string()) } else { (lang, lang.code().to_string()) }
            }
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn title(self, kind: DocumentKind) -> &'static str {
        if self == Lang::En {
            return kind.title();
        }
        match kind {
            DocumentKind::Quotation => "Angebot",
            DocumentKind::SalesOrder => "Auftragsbestätigung",
            DocumentKind::DeliveryNote => "Lieferschein",
            DocumentKind::Invoice => "Rechnung",
            DocumentKind::CreditNote => "Gutschrift",
            DocumentKind::RequestForQuotation => "Anfrage",
            DocumentKind::PurchaseOrder => "Bestellung",
            DocumentKind::SupplierBill => "Eingangsrechnung",
            DocumentKind::DebitNote => "Lastschrift",
        }
    }

    fn draft(self) -> &'static str {
        match self {
            Lang::En => "Draft",
            Lang::De => "Entwurf",
        }
    }

    fn cancelled(self) -> &'static str {
        match self {
            Lang::En => "Cancelled",
            Lang::De => "Storniert",
        }
    }

    fn partner_label(self, side: Side) -> &'static str {
        match (self, side) {
            (Lang::En, Side::Sale) => "Bill to",
            (Lang::En, Side::Purchase) => "Supplier",
            (Lang::De, Side::Sale) => "Rechnungsempfänger",
            (Lang::De, Side::Purchase) => "Lieferant",
        }
    }

    fn deliver_to(self) -> &'static str {
        match self {
            Lang::En => "Deliver to",
            Lang::De => "Lieferanschrift",
        }
    }

    /// Payment terms in days: `Due on receipt`, `1 day`, `30 days`.
    pub fn terms(self, days: u32) -> String {
        match (self, days) {
            (Lang::En, 0) => "Due on receipt".into(),
            (Lang::En, 1) => "1 day".into(),
            (Lang::En, n) => format!("{n} days"),
            (Lang::De, 0) => "Sofort fällig".into(),
            (Lang::De, 1) => "1 Tag".into(),
            (Lang::De, n) => format!("{n} Tage"),
        }
    }

    pub fn labels(self) -> DocumentLabels {
        let l = |en: &str, de: &str| if self == Lang::De { de.to_string() } else { en.to_string() };
        DocumentLabels {
            date: l("Date", "Datum"),
            due_date: l("Due date", "Fällig am"),
            payment_terms: l("Payment terms", "Zahlungsziel"),
            order: l("Order", "Auftrag"),
            corrects: l("Corrects", "Korrigiert"),
            reference: l("Reference", "Referenz"),
            currency: l("Currency", "Währung"),
            ship_to: l("Ship to", "Lieferanschrift"),
            tax_id: l("Tax ID", "USt-IdNr."),
            account: l("Account", "Kundennr."),
            sku: l("SKU", "Art.-Nr."),
            description: l("Description", "Beschreibung"),
            quantity: l("Quantity", "Menge"),
            unit_price: l("Unit price", "Einzelpreis"),
            discount: l("Disc. %", "Rabatt %"),
            taxes: l("Taxes", "Steuern"),
            lot: l("Lot / serial", "Charge / Seriennr."),
            net: l("Net", "Netto"),
            tax: l("Tax", "Steuer"),
            base: l("Base", "Bemessungsgrundlage"),
            amount: l("Amount", "Betrag"),
            rounding: l("Rounding", "Rundung"),
            total: l("Total", "Gesamt"),
            notes: l("Notes", "Anmerkungen"),
            payment: l("Payment", "Zahlung"),
        }
    }
}

// --- the command ------------------------------------------------------------------------------

/// `trade.document`: the printable view of one document of the caller's company. The
/// command needs the sales view; purchase documents also need the purchasing view.
pub fn document(ctx: &mut Ctx<'_>, a: DocumentArgs) -> Result<DocumentView> {
    if a.doc.side() == Side::Purchase && !ctx.has_permission(crate::purchasing::VIEW)? {
        return Err(Error::forbidden(crate::Reason::Forbidden.with("command", "trade.document").with("permission", crate::purchasing::VIEW)));
    }
    let t = ctx.tenant()?;
    let db = ctx.db();
    let id = match (a.id, a.number.as_deref().map(str::trim)) {
        (Some(id), None) => id,
        (None, Some(number)) if !number.is_empty() => find_by_number(db, &t, a.doc, number)?.ok_or_else(|| Error::not_found(a.doc.entity(), number))?,
        (Some(_), Some(_)) => return Err(Error::field("number", FieldCode::Invalid.with("detail", "give id or number, not both"))),
        (None, _) => return Err(Error::field("id", FieldCode::Required)),
    };
    match a.doc {
        DocumentSource::SalesOrder | DocumentSource::PurchaseOrder => order_view(db, &t, a.doc.side(), OrderId(id)),
        DocumentSource::Invoice | DocumentSource::Bill => invoice_view(db, &t, a.doc.side(), InvoiceId(id)),
        DocumentSource::Delivery => delivery_view(db, &t, PickingId(id)),
    }
}

fn find_by_number(db: &Connection, t: &TenantCtx, doc: DocumentSource, number: &str) -> Result<Option<i64>> {
    let found = match doc {
        DocumentSource::SalesOrder | DocumentSource::PurchaseOrder => db
            .prepare_cached("SELECT id FROM trade_orders WHERE tenant_id = ?1 AND side = ?2 AND number = ?3")?
            .query_row(params![t.tenant_id(), doc.side(), number], |r| r.get(0)),
        // Invoice and credit-note numbers come from series with different prefixes.
        DocumentSource::Invoice | DocumentSource::Bill => db
            .prepare_cached("SELECT id FROM trade_invoices WHERE tenant_id = ?1 AND side = ?2 AND number = ?3 ORDER BY id LIMIT 1")?
            .query_row(params![t.tenant_id(), doc.side(), number], |r| r.get(0)),
        DocumentSource::Delivery => db.prepare_cached("SELECT id FROM pickings WHERE tenant_id = ?1 AND number = ?2")?.query_row(params![t.tenant_id(), number], |r| r.get(0)),
    };
    Ok(found.optional()?)
}

// --- the builders -----------------------------------------------------------------------------

/// A quotation or order (request for quotation or purchase order).
pub fn order_view(db: &Connection, t: &TenantCtx, side: Side, id: OrderId) -> Result<DocumentView> {
    let o = engine::get_order(db, t, side, id)?;
    let numbered = o.number.is_some();
    let kind = match (side, numbered) {
        (Side::Sale, false) => DocumentKind::Quotation,
        (Side::Sale, true) => DocumentKind::SalesOrder,
        (Side::Purchase, false) => DocumentKind::RequestForQuotation,
        (Side::Purchase, true) => DocumentKind::PurchaseOrder,
    };
    let partner = crate::partners::repo::get(db, t, o.partner_id)?;
    let c = crate::company::repo::get(db, t.tenant_id())?;
    let (lang, locale) = Lang::for_partner(&c.locale, &partner);
    let status = if o.state == OrderState::Cancelled { lang.cancelled() } else { "" };
    let units = money::minor_units("currency", &o.currency)?;
    let names = TaxNames::load(db, t, o.lines.iter().flat_map(|l| l.tax_ids.iter()).chain(o.taxes.iter().map(|x| &x.tax_id)))?;
    let lines = o
        .lines
        .iter()
        .map(|l| priced_line(l.line_no, l.sku.as_deref(), &l.description, l.quantity, l.unit_code.as_deref(), l.unit_price, l.discount, &l.tax_ids, l.net, units, &names))
        .collect();
    let billing = address_of(&partner, o.billing_address_id, AddressKind::Billing);
    let shipping = o.shipping_address_id.and_then(|a| partner.addresses.iter().find(|x| x.id == a));
    let ship_to = match (side, shipping) {
        (Side::Sale, Some(s)) if Some(s.id) != billing.map(|b| b.id) => Some(DocumentParty { name: partner.name.clone(), address: address_lines(&s.address), ..Default::default() }),
        _ => None,
    };
    Ok(DocumentView {
        kind,
        title: lang.title(kind).into(),
        number: o.number.clone().unwrap_or_else(|| lang.draft().into()),
        status: status.into(),
        date: o.date.to_string(),
        due_date: None,
        payment_terms: Some(lang.terms(o.payment_terms_days)),
        reference: o.reference.clone(),
        order_number: None,
        credits_number: None,
        locale: locale.clone(),
        lang: lang.code().into(),
        labels: lang.labels(),
        currency: o.currency.clone(),
        logo: if c.has_logo { crate::company::repo::logo(db, c.id)? } else { None },
        company: company_party(db, &c)?,
        partner_label: lang.partner_label(side).into(),
        partner: party(&partner, billing),
        ship_to,
        priced: true,
        lines,
        taxes: taxes(&o.taxes, units, &names),
        totals: Some(totals(o.net, o.tax, o.rounding, o.total, &o.currency, units)),
        amount_in_words: Some(amount_in_words(o.total, &o.currency, units, lang)),
        notes: o.notes.clone(),
        payment_instructions: if side == Side::Sale { c.payment_instructions.clone() } else { String::new() },
    })
}

/// A customer invoice or credit note (supplier bill or debit note).
pub fn invoice_view(db: &Connection, t: &TenantCtx, side: Side, id: InvoiceId) -> Result<DocumentView> {
    let inv = flow::get_invoice(db, t, side, id)?;
    let kind = match (side, inv.kind) {
        (Side::Sale, InvoiceKind::Invoice) => DocumentKind::Invoice,
        (Side::Sale, InvoiceKind::Credit) => DocumentKind::CreditNote,
        (Side::Purchase, InvoiceKind::Invoice) => DocumentKind::SupplierBill,
        (Side::Purchase, InvoiceKind::Credit) => DocumentKind::DebitNote,
    };
    let partner = crate::partners::repo::get(db, t, inv.partner_id)?;
    let c = crate::company::repo::get(db, t.tenant_id())?;
    let (lang, locale) = Lang::for_partner(&c.locale, &partner);
    let status = match inv.state {
        InvoiceState::Draft => lang.draft(),
        InvoiceState::Cancelled => lang.cancelled(),
        InvoiceState::Posted => "",
    };
    let units = money::minor_units("currency", &inv.currency)?;
    let names = TaxNames::load(db, t, inv.lines.iter().flat_map(|l| l.tax_ids.iter()).chain(inv.taxes.iter().map(|x| &x.tax_id)))?;
    let lines = inv
        .lines
        .iter()
        .map(|l| priced_line(l.line_no, l.sku.as_deref(), &l.description, l.quantity, l.unit_code.as_deref(), l.unit_price, l.discount, &l.tax_ids, l.net, units, &names))
        .collect();
    let credits_number = match inv.credited_invoice_id {
        Some(c) => db.prepare_cached("SELECT number FROM trade_invoices WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), c], |r| r.get(0)).optional()?.flatten(),
        None => None,
    };
    let days = (inv.due_date - inv.date).num_days();
    let billing = address_of(&partner, inv.billing_address_id, AddressKind::Billing);
    Ok(DocumentView {
        kind,
        title: lang.title(kind).into(),
        number: inv.number.clone().unwrap_or_else(|| lang.draft().into()),
        status: status.into(),
        date: inv.date.to_string(),
        due_date: Some(inv.due_date.to_string()),
        payment_terms: Some(lang.terms(u32::try_from(days).unwrap_or(0))),
        // An invoice made from an order carries the order's number as its reference:
        // printed once, as the order.
        reference: if inv.order_number.as_deref() == Some(inv.reference.as_str()) { String::new() } else { inv.reference.clone() },
        order_number: inv.order_number.clone(),
        credits_number,
        locale: locale.clone(),
        lang: lang.code().into(),
        labels: lang.labels(),
        currency: inv.currency.clone(),
        logo: if c.has_logo { crate::company::repo::logo(db, c.id)? } else { None },
        company: company_party(db, &c)?,
        partner_label: lang.partner_label(side).into(),
        partner: party(&partner, billing),
        ship_to: None,
        priced: true,
        lines,
        taxes: taxes(&inv.taxes, units, &names),
        totals: Some(totals(inv.net, inv.tax, inv.rounding, inv.total, &inv.currency, units)),
        amount_in_words: Some(amount_in_words(inv.total, &inv.currency, units, lang)),
        notes: inv.notes.clone(),
        payment_instructions: if kind == DocumentKind::Invoice { c.payment_instructions.clone() } else { String::new() },
    })
}

/// A delivery note: a delivery made for a sales order, with quantities only. A kit is
/// printed as its line with the components it was delivered as beneath it.
pub fn delivery_view(db: &Connection, t: &TenantCtx, id: PickingId) -> Result<DocumentView> {
    let not_found = || Error::not_found("delivery", id);
    let p = match crate::inventory::engine::get_picking(db, t, id) {
        Ok(p) => p,
        Err(Error::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e),
    };
    let order_id = match &p.source {
        Some(s) if s.module == Side::Sale.module() && s.kind == "order" && p.kind == PickingKind::Delivery => s.id.ok_or_else(not_found)?,
        _ => return Err(not_found()),
    };
    let o = engine::get_order(db, t, Side::Sale, OrderId(order_id))?;
    let partner = crate::partners::repo::get(db, t, p.partner_id.unwrap_or(o.partner_id))?;
    let mut lines: Vec<DocumentLine> = Vec::with_capacity(p.moves.len());
    let mut kit_lines = std::collections::BTreeSet::new();
    for m in &p.moves {
        let line = |sku: String, description: String, level: u32, quantity: Decimal, unit: String, lot: String| DocumentLine {
            line_no: m.line_no,
            sku,
            description,
            level,
            quantity: quantity.normalize(),
            unit,
            unit_price: None,
            discount: None,
            taxes: String::new(),
            net: None,
            lot,
        };
        let lot = m.lot_code.clone().unwrap_or_default();
        match m.kit_id {
            Some(kit) => {
                if kit_lines.insert(m.line_no) {
                    let (sku, name) = product_names(db, t, kit)?;
                    lines.push(line(sku, name, 0, m.entered_quantity, m.entered_unit_code.clone(), String::new()));
                }
                let (_, name) = product_names(db, t, m.product_id)?;
                lines.push(line(m.sku.clone(), name, 1, m.quantity, m.unit_code.clone(), lot));
            }
            None => {
                let (_, name) = product_names(db, t, m.product_id)?;
                lines.push(line(m.sku.clone(), name, 0, m.entered_quantity, m.entered_unit_code.clone(), lot));
            }
        }
    }
    // Where the goods go: the order's delivery address, else the partner's billing one.
    let shipping = o.shipping_address_id.and_then(|a| partner.addresses.iter().find(|x| x.id == a)).or_else(|| address_of(&partner, o.billing_address_id, AddressKind::Shipping));
    let kind = DocumentKind::DeliveryNote;
    let c = crate::company::repo::get(db, t.tenant_id())?;
    let (lang, locale) = Lang::for_partner(&c.locale, &partner);
    Ok(DocumentView {
        kind,
        title: lang.title(kind).into(),
        number: p.number.clone().unwrap_or_else(|| lang.draft().into()),
        status: match p.state {
            PickingState::Done => "",
            PickingState::Cancelled => lang.cancelled(),
            _ => lang.draft(),
        }
        .into(),
        date: p.date.to_string(),
        due_date: None,
        payment_terms: None,
        reference: o.reference.clone(),
        order_number: o.number.clone(),
        credits_number: None,
        locale: locale.clone(),
        lang: lang.code().into(),
        labels: lang.labels(),
        currency: o.currency.clone(),
        logo: if c.has_logo { crate::company::repo::logo(db, c.id)? } else { None },
        company: company_party(db, &c)?,
        partner_label: lang.deliver_to().into(),
        partner: party(&partner, shipping),
        ship_to: None,
        priced: false,
        lines,
        taxes: Vec::new(),
        totals: None,
        amount_in_words: None,
        notes: String::new(),
        payment_instructions: String::new(),
    })
}

// --- pieces -----------------------------------------------------------------------------------

/// An amount as stored, shown with at least its currency's minor units: trailing zeros
/// are added, digits are never removed (no rounding happens here).
pub fn amount(v: Decimal, units: u32) -> Decimal {
    let mut v = v.normalize();
    if v.scale() < units {
        v.rescale(units);
    }
    v
}

struct TaxNames(BTreeMap<TaxId, (String, Decimal)>);

impl TaxNames {
    fn load<'a>(db: &Connection, t: &TenantCtx, ids: impl Iterator<Item = &'a TaxId>) -> Result<TaxNames> {
        let mut m = BTreeMap::new();
        for id in ids {
            if !m.contains_key(id) {
                let tax = crate::accounting::tax::get_tax(db, t, *id)?;
                m.insert(*id, (tax.name, tax.rate.normalize()));
            }
        }
        Ok(TaxNames(m))
    }

    fn name(&self, id: TaxId) -> String {
        self.0.get(&id).map(|(n, _)| n.clone()).unwrap_or_default()
    }
}

#[allow(clippy::too_many_arguments)]
fn priced_line(
    line_no: u32,
    sku: Option<&str>,
    description: &str,
    quantity: Decimal,
    unit: Option<&str>,
    unit_price: Decimal,
    discount: Decimal,
    tax_ids: &[TaxId],
    net: Decimal,
    units: u32,
    names: &TaxNames,
) -> DocumentLine {
    DocumentLine {
        line_no,
        sku: sku.unwrap_or_default().into(),
        description: description.into(),
        level: 0,
        quantity: quantity.normalize(),
        unit: unit.unwrap_or_default().into(),
        unit_price: Some(amount(unit_price, units)),
        discount: Some(discount.normalize()),
        taxes: tax_ids.iter().map(|id| names.name(*id)).collect::<Vec<_>>().join(", "),
        net: Some(amount(net, units)),
        lot: String::new(),
    }
}

fn taxes(taxes: &[TaxTotal], units: u32, names: &TaxNames) -> Vec<DocumentTax> {
    taxes
        .iter()
        .map(|x| {
            let (name, rate) = names.0.get(&x.tax_id).cloned().unwrap_or_default();
            DocumentTax { tax_id: x.tax_id, name, rate, base: amount(x.base, units), amount: amount(x.amount, units) }
        })
        .collect()
}

fn totals(net: Decimal, tax: Decimal, rounding: Decimal, total: Decimal, currency: &str, units: u32) -> DocumentTotals {
    DocumentTotals {
        net: amount(net, units),
        tax: amount(tax, units),
        rounding: (!rounding.is_zero()).then(|| amount(rounding, units)),
        total: amount(total, units),
        currency: currency.into(),
    }
}

fn product_names(db: &Connection, t: &TenantCtx, id: crate::catalog::model::ProductId) -> Result<(String, String)> {
    db.prepare_cached("SELECT sku, name FROM products WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("product", id))
}

/// The address a document names, else the partner's default of `kind`, else its first
/// of `kind`, else its first address.
fn address_of(p: &Partner, named: Option<PartnerAddressId>, kind: AddressKind) -> Option<&PartnerAddress> {
    if let Some(a) = named.and_then(|id| p.addresses.iter().find(|a| a.id == id)) {
        return Some(a);
    }
    p.addresses
        .iter()
        .find(|a| a.kind == kind && a.is_default)
        .or_else(|| p.addresses.iter().find(|a| a.kind == kind))
        .or_else(|| p.addresses.first())
}

fn address_lines(a: &crate::locations::model::Address) -> Vec<String> {
    let city = [a.postal_code.trim(), a.city_name.as_deref().unwrap_or("").trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
    [a.line1.trim(), a.line2.trim(), &city, a.state_name.as_deref().unwrap_or("").trim(), a.country_name.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect()
}

fn party(p: &Partner, address: Option<&PartnerAddress>) -> DocumentParty {
    DocumentParty {
        name: p.name.clone(),
        legal_name: if p.legal_name.trim() == p.name.trim() { String::new() } else { p.legal_name.clone() },
        code: p.code.clone(),
        address: address.map(|a| address_lines(&a.address)).unwrap_or_default(),
        tax_id: p.tax_id.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
    }
}

/// The company's block: name, legal name when it differs, address lines, tax id.
fn company_party(db: &Connection, c: &crate::company::model::Company) -> Result<DocumentParty> {
    let a = &c.address;
    let country: String = if a.country_code.is_empty() {
        String::new()
    } else {
        db.prepare_cached("SELECT name FROM countries WHERE code = ?1")?.query_row(params![a.country_code], |r| r.get(0)).optional()?.unwrap_or_else(|| a.country_code.clone())
    };
    let city = [a.postal_code.trim(), a.city.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
    let address = [a.line1.trim(), a.line2.trim(), &city, a.region.trim(), country.trim()].iter().filter(|s| !s.is_empty()).map(|s| s.to_string()).collect();
    Ok(DocumentParty {
        legal_name: if c.legal_name.trim() == c.name.trim() { String::new() } else { c.legal_name.clone() },
        name: c.name.clone(),
        code: String::new(),
        address,
        tax_id: c.tax_id.clone(),
        email: String::new(),
        phone: String::new(),
    })
}

// --- the amount in words ------------------------------------------------------------------------
// Written here: no well-kept crate spells numbers in German (num2words has English, French
// and Ukrainian; the 120-language ports are young, generated and panic on some paths).

const ONES: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

fn below_thousand(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    let tail = match rest {
        0 => String::new(),
        r if r < 20 => ONES[r as usize].to_string(),
        r if r % 10 == 0 => TENS[(r / 10) as usize].to_string(),
        r => format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize]),
    };
    match (h, tail.is_empty()) {
        (0, _) => tail,
        (h, true) => format!("{} hundred", ONES[h as usize]),
        (h, false) => format!("{} hundred {tail}", ONES[h as usize]),
    }
}

/// The groups of three digits of `n`, lowest first.
fn thousands(n: u64) -> Vec<u64> {
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    groups
}

/// A whole number in English words (`1234` → `one thousand two hundred thirty-four`).
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return ONES[0].into();
    }
    const SCALES: [&str; 7] = ["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"];
    let mut words = Vec::new();
    for (i, g) in thousands(n).iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        let w = below_thousand(*g);
        words.push(if SCALES[i].is_empty() { w } else { format!("{w} {}", SCALES[i]) });
    }
    words.join(" ")
}

const EINS: [&str; 20] = [
    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn",
    "achtzehn", "neunzehn",
];
const ZIG: [&str; 10] = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"];

/// 1–9 as it stands before `hundert`, `tausend` or `und…zig`: `ein`, `zwei`, ...
fn ein(n: u64) -> &'static str {
    if n == 1 { "ein" } else { EINS[n as usize] }
}

/// 0–999 in one German word; `last`: it ends the number (`eins`), else a scale follows
/// (`ein`tausend).
fn unter_tausend(n: u64, last: bool) -> String {
    let (h, r) = (n / 100, n % 100);
    let mut w = if h > 0 { format!("{}hundert", ein(h)) } else { String::new() };
    match r {
        0 => {}
        1 => w.push_str(if last { "eins" } else { "ein" }),
        r if r < 20 => w.push_str(EINS[r as usize]),
        r if r % 10 == 0 => w.push_str(ZIG[(r / 10) as usize]),
        r => {
            w.push_str(ein(r % 10));
            w.push_str("und");
            w.push_str(ZIG[(r / 10) as usize]);
        }
    }
    w
}

/// A whole number in German words as written on cheques and invoices: below a million in
/// one word, millions and above as words of their own (`2001015` → `zwei Millionen
/// eintausendfünfzehn`).
pub fn zahl_in_worten(n: u64) -> String {
    if n == 0 {
        return EINS[0].into();
    }
    const SCALES: [(&str, &str); 5] = [("Million", "Millionen"), ("Milliarde", "Milliarden"), ("Billion", "Billionen"), ("Billiarde", "Billiarden"), ("Trillion", "Trillionen")];
    let groups = thousands(n);
    let mut words = Vec::new();
    for i in (2..groups.len()).rev() {
        let (one, many) = SCALES[i - 2];
        match groups[i] {
            0 => {}
            1 => words.push(format!("eine {one}")),
            g => words.push(format!("{} {many}", unter_tausend(g, false))),
        }
    }
    let (t, u) = (groups.get(1).copied().unwrap_or(0), groups[0]);
    let mut low = String::new();
    if t > 0 {
        low.push_str(&unter_tausend(t, false));
        low.push_str("tausend");
    }
    if u > 0 {
        low.push_str(&unter_tausend(u, true));
    }
    if !low.is_empty() {
        words.push(low);
    }
    words.join(" ")
}

/// The stored total in words in the document's language: the whole units in words, the
/// minor units as a fraction of its digits (`One hundred ninety and 40/100 EUR`,
/// `Einhundertneunzig und 40/100 EUR`). Nothing is rounded: the digits are the stored
/// total's.
pub fn amount_in_words(total: Decimal, currency: &str, units: u32, lang: Lang) -> String {
    let v = amount(total, units);
    let text = v.abs().to_string();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (and, minus) = match lang {
        Lang::En => ("and", "minus"),
        Lang::De => ("und", "minus"),
    };
    let mut words = match whole.parse::<u64>() {
        Ok(n) if lang == Lang::De => zahl_in_worten(n),
        Ok(n) => number_in_words(n),
        Err(_) => whole.to_string(),
    };
    if v.is_sign_negative() && !v.is_zero() {
        words = format!("{minus} {words}");
    }
    let mut chars = words.chars();
    if let Some(first) = chars.next() {
        words = first.to_uppercase().chain(chars).collect();
    }
    if frac.is_empty() { format!("{words} {currency}") } else { format!("{words} {and} {frac}/1{} {currency}", "0".repeat(frac.len())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_padded_never_rounded() {
        assert_eq!(amount(Decimal::new(924, 1), 2).to_string(), "92.40");
        assert_eq!(amount(Decimal::new(92, 0), 2).to_string(), "92.00");
        assert_eq!(amount(Decimal::new(92_4567, 4), 2).to_string(), "92.4567");
        assert_eq!(amount(Decimal::new(1500, 0), 0).to_string(), "1500");
        assert_eq!(amount(Decimal::new(-5, 2), 2).to_string(), "-0.05");
    }

    #[test]
    fn a_locale_picks_the_language_and_its_words() {
        assert_eq!(Lang::of_locale("de-DE"), Lang::De);
        assert_eq!(Lang::of_locale("de_AT"), Lang::De);
        assert_eq!(Lang::of_locale("DE"), Lang::De);
        assert_eq!(Lang::of_locale("en-IE"), Lang::En);
        assert_eq!(Lang::of_locale("fr-FR"), Lang::En);
        assert_eq!(Lang::of_locale(""), Lang::En);
        assert_eq!((Lang::De.terms(0), Lang::De.terms(1), Lang::De.terms(14)), ("Sofort fällig".into(), "1 Tag".into(), "14 Tage".into()));
        assert_eq!((Lang::En.terms(0), Lang::En.terms(1), Lang::En.terms(14)), ("Due on receipt".into(), "1 day".into(), "14 days".into()));
        assert_eq!(Lang::De.title(DocumentKind::CreditNote), "Gutschrift");
        assert_eq!(Lang::En.title(DocumentKind::CreditNote), "Credit note");
        // Every German label differs from the English one but the shared abbreviation.
        let (en, de) = (serde_json::to_value(Lang::En.labels()).unwrap(), serde_json::to_value(Lang::De.labels()).unwrap());
        for (k, v) in en.as_object().unwrap() {
            assert!(!v.as_str().unwrap().is_empty());
            assert_ne!(&de[k], v, "{k}");
        }
    }

    #[test]
    fn numbers_read_in_english() {
        assert_eq!(number_in_words(0), "zero");
        assert_eq!(number_in_words(7), "seven");
        assert_eq!(number_in_words(40), "forty");
        assert_eq!(number_in_words(92), "ninety-two");
        assert_eq!(number_in_words(100), "one hundred");
        assert_eq!(number_in_words(1_234), "one thousand two hundred thirty-four");
        assert_eq!(number_in_words(2_000_015), "two million fifteen");
        assert_eq!(number_in_words(u64::MAX).split(' ').next(), Some("eighteen"));
        assert_eq!(amount_in_words(Decimal::new(924, 1), "EUR", 2, Lang::En), "Ninety-two and 40/100 EUR");
        assert_eq!(amount_in_words(Decimal::new(1500, 0), "JPY", 0, Lang::En), "One thousand five hundred JPY");
        assert_eq!(amount_in_words(Decimal::new(1_005, 3), "KWD", 3, Lang::En), "One and 005/1000 KWD");
        assert_eq!(amount_in_words(Decimal::new(-5, 2), "EUR", 2, Lang::En), "Minus zero and 05/100 EUR");
    }

    #[test]
    fn numbers_read_in_german() {
        let cases: [(u64, &str); 24] = [
            (0, "null"),
            (1, "eins"),
            (7, "sieben"),
            (11, "elf"),
            (16, "sechzehn"),
            (17, "siebzehn"),
            (20, "zwanzig"),
            (21, "einundzwanzig"),
            (30, "dreißig"),
            (99, "neunundneunzig"),
            (100, "einhundert"),
            (101, "einhunderteins"),
            (111, "einhundertelf"),
            (1_000, "eintausend"),
            (1_001, "eintausendeins"),
            (1_234, "eintausendzweihundertvierunddreißig"),
            (21_000, "einundzwanzigtausend"),
            (999_999, "neunhundertneunundneunzigtausendneunhundertneunundneunzig"),
            (1_000_000, "eine Million"),
            (1_000_001, "eine Million eins"),
            (2_001_015, "zwei Millionen eintausendfünfzehn"),
            (101_000_000, "einhundertein Millionen"),
            (3_000_000_000, "drei Milliarden"),
            (1_000_000_000_000, "eine Billion"),
        ];
        for (n, w) in cases {
            assert_eq!(zahl_in_worten(n), w, "{n}");
        }
        assert_eq!(zahl_in_worten(u64::MAX).split(' ').take(2).collect::<Vec<_>>(), ["achtzehn", "Trillionen"]);
        assert_eq!(amount_in_words(Decimal::new(924, 1), "EUR", 2, Lang::De), "Zweiundneunzig und 40/100 EUR");
        assert_eq!(amount_in_words(Decimal::new(100_000, 2), "EUR", 2, Lang::De), "Eintausend und 00/100 EUR");
        assert_eq!(amount_in_words(Decimal::new(-1_050, 2), "CHF", 2, Lang::De), "Minus zehn und 50/100 CHF");
        assert_eq!(amount_in_words(Decimal::new(1_000_000, 0), "JPY", 0, Lang::De), "Eine Million JPY");
    }
}
