//! `trade.document`: the printable view of a trade document carries the stored figures
//! (equal to the document's and to its posted entry's), its lines in order, the partner's
//! billing address and the company's block; delivery notes have quantities only; a
//! document is found by id or number only in its own company; purchase documents need
//! the purchasing view.

use crate::inventory::{done, product, warehouse};
use cora_core::ErrorCode;
use cora_core::testing::TestApp;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(&s(v)).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn tax(app: &mut TestApp, co: &str, code: &str) -> i64 {
    let taxes = app.admin_in(co, "tax.list", json!({})).unwrap();
    taxes.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].as_i64().unwrap()
}

struct Flow {
    order: i64,
    invoice: i64,
}

/// ACME: a customer with a billing and a shipping address, an order of a discounted
/// widget, a service and a free-text line, confirmed, delivered, invoiced and posted.
fn sales_flow(app: &mut TestApp) -> Flow {
    app.company("ACME");
    app.admin_in("ACME", "company.update", json!({"legal_name": "ACME Trading Limited", "tax_id": "IE9876543W", "address": {"line1": "5 Quay Street", "postal_code": "D02", "city": "Dublin", "country_code": "IE"}}))
        .unwrap();
    let (wh, _) = warehouse(app, "ACME");
    let widget = product(app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10.5"}));
    let service = product(app, "ACME", "SETUP", json!({"kind": "service", "sale_price": "50"}));
    let s20 = tax(app, "ACME", "S20");
    app.admin_in("ACME", "trade.set_product_taxes", json!({"product_id": widget, "side": "sale", "tax_ids": [s20]})).unwrap();
    done(app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "4"}]})).unwrap();
    let customer = app
        .admin_in(
            "ACME",
            "partner.create",
            json!({"name": "Golden Gate Traders", "legal_name": "Golden Gate Traders Ltd", "tax_id": "IE1234567T", "is_customer": true, "payment_terms_days": 30, "addresses": [
                {"kind": "shipping", "is_default": true, "line1": "9 Dock Lane", "postal_code": "D04", "country_code": "IE"},
                {"kind": "billing", "is_default": true, "line1": "1 Harbour Road", "postal_code": "D01", "country_code": "IE"}]}),
        )
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let o = app
        .admin_in(
            "ACME",
            "sales.create_order",
            json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "reference": "PO 7781", "notes": "Handle with care", "lines": [
                {"product_id": widget, "quantity": "3", "discount": "10"},
                {"product_id": service, "quantity": "1", "tax_ids": [s20]},
                {"description": "Travel", "quantity": "1", "unit_price": "12.34"}]}),
        )
        .unwrap();
    let order = o["id"].as_i64().unwrap();
    app.admin_in("ACME", "sales.confirm_order", json!({"id": order})).unwrap();
    app.admin_in("ACME", "sales.deliver", json!({"order_id": order, "date": "2026-03-03"})).unwrap();
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": order, "date": "2026-03-04"})).unwrap();
    let inv = app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!(inv["number"], "INV/00001");
    Flow { order, invoice: inv["id"].as_i64().unwrap() }
}

#[test]
fn a_posted_invoice_prints_its_stored_totals_lines_and_addresses() {
    let mut app = TestApp::new();
    let f = sales_flow(&mut app);
    let inv = app.admin_in("ACME", "sales.get_invoice", json!({"id": f.invoice})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!(doc, app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "number": "INV/00001"})).unwrap(), "by id or by number");
    assert_eq!((s(&doc["kind"]), s(&doc["title"]), s(&doc["number"]), s(&doc["status"])), ("invoice".into(), "Invoice".into(), "INV/00001".into(), String::new()));
    assert_eq!((s(&doc["date"]), s(&doc["due_date"]), s(&doc["payment_terms"])), ("2026-03-04".into(), "2026-04-03".into(), "30 days".into()));
    // The customer's reference travels from the order to the invoice, beside its number.
    assert_eq!(s(&inv["reference"]), "PO 7781");
    assert_eq!((doc["order_number"].as_str(), s(&doc["reference"]), s(&doc["notes"])), (Some("SO/00001"), "PO 7781".to_string(), String::new()));
    assert_eq!((s(&doc["currency"]), s(&doc["locale"])), ("EUR".into(), "en-IE".into()));

    // The totals are the invoice's, padded to cents: 3 × 10.50 − 10 % = 28.35 (+ 5.67),
    // 50.00 (+ 10.00), 12.34 untaxed.
    let t = &doc["totals"];
    assert_eq!((s(&t["net"]), s(&t["tax"]), s(&t["total"]), s(&t["currency"])), ("90.69".into(), "15.67".into(), "106.36".into(), "EUR".into()));
    assert!(t["rounding"].is_null());
    for k in ["net", "tax", "total"] {
        assert_eq!(dec(&t[k]), dec(&inv[k]), "{k}");
    }
    assert_eq!(s(&doc["amount_in_words"]), "One hundred six and 36/100 EUR");
    let taxes = doc["taxes"].as_array().unwrap();
    assert_eq!(taxes.len(), 1);
    assert_eq!((s(&taxes[0]["name"]), s(&taxes[0]["base"]), s(&taxes[0]["amount"])), ("Sales tax 20%".into(), "78.35".into(), "15.67".into()));
    assert_eq!((dec(&taxes[0]["base"]), dec(&taxes[0]["amount"])), (dec(&inv["taxes"][0]["base"]), dec(&inv["taxes"][0]["amount"])));

    // ... and the posted entry's: receivable = total, income = net, tax = tax.
    let entry = app.admin_in("ACME", "entry.get", json!({"id": inv["entry_id"]})).unwrap();
    let on = |code: &str, side: &str| -> Decimal { entry["lines"].as_array().unwrap().iter().filter(|l| l["account_code"] == code).map(|l| dec(&l[side])).sum() };
    assert_eq!(on("1200", "debit"), dec(&t["total"]));
    assert_eq!(on("4000", "credit"), dec(&t["net"]));
    assert_eq!(on("2100", "credit"), dec(&t["tax"]));

    // The lines in order, as stored.
    let lines = doc["lines"].as_array().unwrap();
    let got: Vec<(String, String, String, String, String, String)> =
        lines.iter().map(|l| (s(&l["sku"]), s(&l["description"]), s(&l["quantity"]), s(&l["unit_price"]), s(&l["discount"]), s(&l["net"]))).collect();
    assert_eq!(
        got,
        vec![
            ("WIDGET".into(), "Product WIDGET".into(), "3".into(), "10.50".into(), "10".into(), "28.35".into()),
            ("SETUP".into(), "Product SETUP".into(), "1".into(), "50.00".into(), "0".into(), "50.00".into()),
            (String::new(), "Travel".into(), "1".into(), "12.34".into(), "0".into(), "12.34".into()),
        ]
    );
    assert_eq!((s(&lines[0]["taxes"]), s(&lines[2]["taxes"])), ("Sales tax 20%".into(), String::new()));
    for (l, stored) in lines.iter().zip(inv["lines"].as_array().unwrap()) {
        assert_eq!((l["line_no"].clone(), dec(&l["net"])), (stored["line_no"].clone(), dec(&stored["net"])));
    }

    // The partner's billing address (not its shipping one), and the company's block.
    let p = &doc["partner"];
    assert_eq!((s(&doc["partner_label"]), s(&p["name"]), s(&p["legal_name"]), s(&p["tax_id"])), ("Bill to".into(), "Golden Gate Traders".into(), "Golden Gate Traders Ltd".into(), "IE1234567T".into()));
    assert_eq!(p["address"], json!(["1 Harbour Road", "D01", "Ireland"]));
    let c = &doc["company"];
    assert_eq!((s(&c["name"]), s(&c["legal_name"]), s(&c["tax_id"])), ("ACME Ltd".into(), "ACME Trading Limited".into(), "IE9876543W".into()));
    assert_eq!(c["address"], json!(["5 Quay Street", "D02 Dublin", "Ireland"]));
    assert!(doc["logo"].is_null());
    assert_eq!(doc["payment_instructions"], "");

    // The order prints as a sales order with a ship-to; its delivery note has quantities only.
    let so = app.admin_in("ACME", "trade.document", json!({"doc": "sales_order", "number": "SO/00001"})).unwrap();
    assert_eq!((s(&so["kind"]), s(&so["reference"]), s(&so["notes"])), ("sales_order".into(), "PO 7781".into(), "Handle with care".into()));
    assert_eq!(dec(&so["totals"]["total"]), dec(&app.admin_in("ACME", "sales.get_order", json!({"id": f.order})).unwrap()["total"]));
    assert_eq!(so["ship_to"]["address"], json!(["9 Dock Lane", "D04", "Ireland"]));
    let dn = app.admin_in("ACME", "trade.document", json!({"doc": "delivery", "number": "WH/OUT/00001"})).unwrap();
    assert_eq!((s(&dn["kind"]), s(&dn["partner_label"]), dn["priced"].as_bool()), ("delivery_note".into(), "Deliver to".into(), Some(false)));
    assert_eq!(dn["partner"]["address"], json!(["9 Dock Lane", "D04", "Ireland"]));
    assert_eq!(dn["order_number"], "SO/00001");
    assert!(dn["totals"].is_null() && dn["taxes"].as_array().unwrap().is_empty());
    let dl = dn["lines"].as_array().unwrap();
    assert_eq!(dl.len(), 1, "only the widget ships: {dn}");
    assert_eq!((s(&dl[0]["sku"]), s(&dl[0]["quantity"]), dl[0]["unit_price"].is_null(), dl[0]["net"].is_null()), ("WIDGET".into(), "3".into(), true, true));
    // A receipt is no delivery note.
    let e = app.admin_in("ACME", "trade.document", json!({"doc": "delivery", "number": "WH/IN/00001"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
}

#[test]
fn a_quotation_and_a_draft_invoice_print_as_drafts() {
    let mut app = TestApp::new();
    let _ = sales_flow(&mut app);
    let partner = app.admin_in("ACME", "partner.list", json!({})).unwrap()["items"][0]["id"].clone();
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": partner, "date": "2026-03-05", "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "100"}]})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "sales_order", "id": q["id"]})).unwrap();
    assert_eq!((s(&doc["kind"]), s(&doc["title"]), s(&doc["number"])), ("quotation".into(), "Quotation".into(), "Draft".into()));
    assert_eq!(s(&doc["totals"]["total"]), "200.00");
    let inv = app.admin_in("ACME", "sales.create_invoice", json!({"partner_id": partner, "date": "2026-03-05", "lines": [{"description": "Consulting", "quantity": "1", "unit_price": "100"}]})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": inv["id"]})).unwrap();
    assert_eq!((s(&doc["number"]), s(&doc["status"])), ("Draft".into(), "Draft".into()));
    // Neither id nor number, or both: refused.
    for args in [json!({"doc": "invoice"}), json!({"doc": "invoice", "id": inv["id"], "number": "INV/00001"}), json!({"doc": "invoice", "number": " "})] {
        assert_eq!(app.admin_in("ACME", "trade.document", args).unwrap_err().code(), ErrorCode::Validation);
    }
}

#[test]
fn a_document_of_one_company_is_not_found_from_another() {
    let mut app = TestApp::new();
    let f = sales_flow(&mut app);
    app.company("BETA");
    for args in [json!({"doc": "invoice", "id": f.invoice}), json!({"doc": "invoice", "number": "INV/00001"}), json!({"doc": "sales_order", "id": f.order}), json!({"doc": "delivery", "number": "WH/OUT/00001"})] {
        let e = app.admin_in("BETA", "trade.document", args.clone()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotFound, "{args}");
    }
    // The sides are apart too: a customer invoice is no supplier bill.
    let e = app.admin_in("ACME", "trade.document", json!({"doc": "bill", "id": f.invoice})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
}

#[test]
fn purchase_documents_need_the_purchasing_view() {
    let mut app = TestApp::new();
    let _ = sales_flow(&mut app);
    let supplier = app.admin_in("ACME", "partner.create", json!({"name": "Bolts Ltd", "is_supplier": true})).unwrap()["id"].clone();
    let po = app.admin_in("ACME", "purchase.create_order", json!({"partner_id": supplier, "date": "2026-03-01", "lines": [{"description": "Bolts", "quantity": "100", "unit_price": "1.5"}]})).unwrap();
    app.admin_in("ACME", "purchase.confirm_order", json!({"id": po["id"]})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "purchase_order", "number": "PO/00001"})).unwrap();
    assert_eq!((s(&doc["kind"]), s(&doc["partner_label"]), s(&doc["totals"]["total"])), ("purchase_order".into(), "Supplier".into(), "150.00".into()));

    // A role that sees sales only prints sales documents, not purchase ones.
    let role = app.admin_in("ACME", "role.create", json!({"name": "Sales desk", "permissions": ["sales.view_orders"]})).unwrap();
    app.admin_call("user.create", json!({"email": "desk@example.com", "display_name": "Desk", "password": cora_core::testing::PASSWORD})).unwrap();
    app.admin_in("ACME", "membership.add", json!({"email": "desk@example.com", "role_id": role["id"]})).unwrap();
    let desk = cora_core::testing::login(&mut app.cora, "desk@example.com", cora_core::testing::PASSWORD).unwrap();
    assert!(app.call(&desk, Some("ACME"), "trade.document", json!({"doc": "invoice", "number": "INV/00001"})).is_ok());
    let e = app.call(&desk, Some("ACME"), "trade.document", json!({"doc": "purchase_order", "number": "PO/00001"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
}

/// A company whose locale is German prints German titles, words and labels; any other
/// prints English.
#[test]
fn a_german_company_prints_german_words_and_labels() {
    let mut app = TestApp::new();
    let f = sales_flow(&mut app);
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!((s(&doc["lang"]), s(&doc["title"]), s(&doc["labels"]["due_date"]), s(&doc["labels"]["total"])), ("en".into(), "Invoice".into(), "Due date".into(), "Total".into()));
    app.admin_in("ACME", "company.update", json!({"locale": "de-DE"})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!((s(&doc["lang"]), s(&doc["locale"]), s(&doc["title"]), s(&doc["partner_label"])), ("de".into(), "de-DE".into(), "Rechnung".into(), "Rechnungsempfänger".into()));
    assert_eq!(s(&doc["payment_terms"]), "30 Tage");
    assert_eq!((s(&doc["labels"]["date"]), s(&doc["labels"]["unit_price"]), s(&doc["labels"]["total"])), ("Datum".into(), "Einzelpreis".into(), "Gesamt".into()));
    assert_eq!(s(&doc["amount_in_words"]), "Einhundertsechs und 36/100 EUR");
    let dn = app.admin_in("ACME", "trade.document", json!({"doc": "delivery", "number": "WH/OUT/00001"})).unwrap();
    assert_eq!((s(&dn["title"]), s(&dn["partner_label"])), ("Lieferschein".into(), "Lieferanschrift".into()));
    let partner = app.admin_in("ACME", "partner.list", json!({})).unwrap()["items"][0]["id"].clone();
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": partner, "date": "2026-03-05", "lines": [{"description": "Beratung", "quantity": "2", "unit_price": "100"}]})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "sales_order", "id": q["id"]})).unwrap();
    assert_eq!((s(&doc["title"]), s(&doc["number"])), ("Angebot".into(), "Entwurf".into()));
}

/// A partner with a language of its own gets its documents in it, whatever the company's
/// locale; numbers are then grouped the way that language does. A bad language is
/// refused and changes nothing.
#[test]
fn a_partner_language_prints_its_documents_in_it() {
    let mut app = TestApp::new();
    let f = sales_flow(&mut app);
    let inv = app.admin_in("ACME", "sales.get_invoice", json!({"id": f.invoice})).unwrap();
    let partner = inv["partner_id"].clone();
    assert_eq!(app.admin_in("ACME", "partner.get", json!({"id": partner})).unwrap()["language"], "");
    for bad in ["fr", "deutsch", "xx"] {
        let e = app.admin_in("ACME", "partner.update", json!({"id": partner, "changes": {"language": bad}})).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation, "{bad}");
        assert_eq!(e.fields()[0].field, "language");
    }
    assert_eq!(app.admin_in("ACME", "partner.get", json!({"id": partner})).unwrap()["language"], "");
    let p = app.admin_in("ACME", "partner.update", json!({"id": partner, "changes": {"language": " DE "}})).unwrap();
    assert_eq!(p["language"], "de");
    // An English company (en-IE) prints this customer's documents in German.
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!((s(&doc["lang"]), s(&doc["locale"]), s(&doc["title"]), s(&doc["payment_terms"])), ("de".into(), "de".into(), "Rechnung".into(), "30 Tage".into()));
    assert_eq!(s(&doc["amount_in_words"]), "Einhundertsechs und 36/100 EUR");
    let dn = app.admin_in("ACME", "trade.document", json!({"doc": "delivery", "number": "WH/OUT/00001"})).unwrap();
    assert_eq!(s(&dn["title"]), "Lieferschein");
    // A German company prints an English customer's in English, grouped the English way.
    app.admin_in("ACME", "company.update", json!({"locale": "de-DE"})).unwrap();
    app.admin_in("ACME", "partner.update", json!({"id": partner, "changes": {"language": "en"}})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!((s(&doc["lang"]), s(&doc["locale"]), s(&doc["title"])), ("en".into(), "en".into(), "Invoice".into()));
    assert_eq!(s(&doc["amount_in_words"]), "One hundred six and 36/100 EUR");
    // Back to the company's: German, its own locale.
    app.admin_in("ACME", "partner.update", json!({"id": partner, "changes": {"language": ""}})).unwrap();
    let doc = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!((s(&doc["lang"]), s(&doc["locale"])), ("de".into(), "de-DE".into()));
    // The language travels through the partner export and import.
    app.admin_in("ACME", "partner.update", json!({"id": partner, "changes": {"language": "de"}})).unwrap();
    let csv = app.admin_in("ACME", "partner.export", json!({"format": "csv"})).unwrap();
    let text = s(&csv["content"]);
    assert!(text.lines().next().unwrap().contains(",language,"), "{text}");
    app.company("BETA");
    let r = app.admin_in("BETA", "partner.import", json!({"csv": text})).unwrap();
    assert_eq!(r["created"], 1, "{r}");
    let items = app.admin_in("BETA", "partner.list", json!({})).unwrap()["items"].clone();
    let imported = app.admin_in("BETA", "partner.get", json!({"id": items[0]["id"]})).unwrap();
    assert_eq!(imported["language"], "de");
}

/// The company's logo and payment instructions: set through commands (a bad file refused
/// with a field error, nothing stored), printed on what asks a customer to pay, and only
/// for the company's own members with the right to change it.
#[test]
fn the_company_logo_and_payment_instructions_print_on_customer_documents() {
    use base64::Engine;
    use cora_core::FieldCode;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    // A real 40 × 10 PNG and a real 1 × 1 GIF.
    let png = "iVBORw0KGgoAAAANSUhEUgAAACgAAAAKCAYAAADGmhxQAAAAJElEQVR4nGOQsznxfzBjhoF2wKgDRx040A4YdeCoAwfaAYQwAOofU74VTCGpAAAAAElFTkSuQmCC";
    let gif = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
    let mut app = TestApp::new();
    let f = sales_flow(&mut app);
    assert!(app.admin_in("ACME", "company.get_logo", json!({})).unwrap().is_null());
    assert_eq!(app.admin_in("ACME", "company.get", json!({})).unwrap()["has_logo"], false);
    let too_big = b64(&[0u8; 600 * 1024]);
    let mut jpeg_header_only = vec![0xFF, 0xD8, 0xFF];
    jpeg_header_only.extend_from_slice(&[0u8; 16]);
    for (bad, code) in [
        ("not base64!".to_string(), FieldCode::Invalid),
        (gif.to_string(), FieldCode::UnsupportedImage),
        (b64(b"hello, world"), FieldCode::UnsupportedImage),
        (b64(&jpeg_header_only), FieldCode::UnsupportedImage),
        (String::new(), FieldCode::UnsupportedImage),
        (too_big, FieldCode::FileTooLarge),
    ] {
        let e = app.admin_in("ACME", "company.set_logo", json!({"data_base64": bad})).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation);
        assert_eq!((e.fields()[0].field.as_str(), e.fields()[0].code), ("data_base64", code), "{e:?}");
    }
    assert!(app.admin_in("ACME", "company.get_logo", json!({})).unwrap().is_null(), "nothing stored");
    let c = app.admin_in("ACME", "company.set_logo", json!({"data_base64": png})).unwrap();
    assert_eq!(c["has_logo"], true);
    let logo = app.admin_in("ACME", "company.get_logo", json!({})).unwrap();
    assert_eq!(logo, json!({"media_type": "image/png", "width": 40, "height": 10, "data_base64": png}));
    let c = app
        .admin_in("ACME", "company.update", json!({"payment_instructions": "IBAN IE29 AIBK 9311 5212 3456 78\nBIC AIBKIE2D"}))
        .unwrap();
    assert_eq!(c["payment_instructions"], "IBAN IE29 AIBK 9311 5212 3456 78\nBIC AIBKIE2D");
    let e = app.admin_in("ACME", "company.update", json!({"payment_instructions": "x".repeat(1001)})).unwrap_err();
    assert_eq!(e.fields()[0].field, "payment_instructions");

    // On the invoice, the sales order and the quotation; the logo on every document.
    let inv = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert_eq!(inv["logo"], logo);
    assert_eq!(s(&inv["payment_instructions"]), "IBAN IE29 AIBK 9311 5212 3456 78\nBIC AIBKIE2D");
    let so = app.admin_in("ACME", "trade.document", json!({"doc": "sales_order", "id": f.order})).unwrap();
    assert!(!s(&so["payment_instructions"]).is_empty());
    let dn = app.admin_in("ACME", "trade.document", json!({"doc": "delivery", "number": "WH/OUT/00001"})).unwrap();
    assert_eq!((dn["logo"].clone(), s(&dn["payment_instructions"])), (logo.clone(), String::new()));
    // Not on a credit note (it pays the customer) nor on purchase documents.
    let cn = app.admin_in("ACME", "sales.credit_invoice", json!({"invoice_id": f.invoice, "date": "2026-03-06"})).unwrap();
    let cn = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": cn["id"]})).unwrap();
    assert_eq!((s(&cn["kind"]), s(&cn["payment_instructions"])), ("credit_note".into(), String::new()));
    let supplier = app.admin_in("ACME", "partner.create", json!({"name": "Bolts Ltd", "is_supplier": true})).unwrap()["id"].clone();
    let po = app.admin_in("ACME", "purchase.create_order", json!({"partner_id": supplier, "date": "2026-03-01", "lines": [{"description": "Bolts", "quantity": "1", "unit_price": "1"}]})).unwrap();
    let po = app.admin_in("ACME", "trade.document", json!({"doc": "purchase_order", "id": po["id"]})).unwrap();
    assert_eq!((po["logo"].clone(), s(&po["payment_instructions"])), (logo.clone(), String::new()));

    // Another company has neither.
    app.company("BETA");
    assert!(app.admin_in("BETA", "company.get_logo", json!({})).unwrap().is_null());
    // A member who may not change the company cannot set or remove its logo.
    let viewer = app.member("viewer@example.com", "ACME", "viewer");
    for (cmd, args) in [("company.set_logo", json!({"data_base64": png})), ("company.remove_logo", json!({}))] {
        assert_eq!(app.call(&viewer, Some("ACME"), cmd, args).unwrap_err().code(), ErrorCode::Forbidden, "{cmd}");
    }
    let c = app.admin_in("ACME", "company.remove_logo", json!({})).unwrap();
    assert_eq!(c["has_logo"], false);
    let inv = app.admin_in("ACME", "trade.document", json!({"doc": "invoice", "id": f.invoice})).unwrap();
    assert!(inv["logo"].is_null());
}
