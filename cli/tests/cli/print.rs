//! `cora print`: a sales flow made with `cora call` (customer, product, order, confirm,
//! deliver, invoice, post), then its documents printed to PDF; a number that does not
//! exist is `not_found` and writes nothing.

use crate::Env;
use serde_json::Value;

fn call_in(env: &Env, command: &str, args: &str) -> Value {
    env.call(&[command, args, "--company", "ACME"]).ok().json()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id: {v}"))
}

#[test]
fn a_posted_invoice_its_order_and_its_delivery_print_to_pdf() {
    let env = Env::new();
    let wh = id(&call_in(&env, "warehouse.create", r#"{"code":"WH","name":"Main"}"#));
    let widget = call_in(&env, "catalog.create_product", r#"{"sku":"WIDGET","name":"Blue widget","sale_price":"10"}"#)["product"]["id"].as_i64().unwrap();
    let receipt = id(&call_in(&env, "picking.create", &format!(r#"{{"kind":"receipt","warehouse_id":{wh},"date":"2026-03-01","lines":[{{"product_id":{widget},"quantity":"10","unit_cost":"4"}}]}}"#)));
    call_in(&env, "picking.done", &format!(r#"{{"id":{receipt}}}"#));
    let customer = id(&call_in(
        &env,
        "partner.create",
        r#"{"name":"Golden Gate Traders","is_customer":true,"payment_terms_days":30,"tax_id":"IE1234567T","addresses":[{"kind":"billing","line1":"1 Harbour Road","postal_code":"D01","country_code":"IE"}]}"#,
    ));
    let order = call_in(&env, "sales.create_order", &format!(r#"{{"partner_id":{customer},"date":"2026-03-02","warehouse_id":{wh},"lines":[{{"product_id":{widget},"quantity":"5","discount":"10"}}]}}"#));
    let quotation = id(&order);
    call_in(&env, "sales.confirm_order", &format!(r#"{{"id":{quotation}}}"#));
    call_in(&env, "sales.deliver", &format!(r#"{{"order_id":{quotation},"date":"2026-03-03"}}"#));
    let inv = id(&call_in(&env, "sales.invoice_order", &format!(r#"{{"order_id":{quotation},"date":"2026-03-04"}}"#)));
    let posted = call_in(&env, "sales.post_invoice", &format!(r#"{{"id":{inv}}}"#));
    assert_eq!(posted["number"], "INV/00001");

    let dir = tempfile::tempdir().unwrap();
    let print = |args: &[&str], file: &str| {
        let out = dir.path().join(file);
        let mut all = vec!["print"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--company", "ACME", "--out", out.to_str().unwrap(), "--user", crate::ADMIN]);
        (env.run(&all, None), out)
    };
    let (o, pdf) = print(&["invoice", "INV/00001"], "x.pdf");
    let v = o.ok().json();
    assert_eq!((v["kind"].as_str(), v["number"].as_str(), v["lines"].as_i64()), (Some("invoice"), Some("INV/00001"), Some(1)));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    assert!(bytes.len() > 5_000, "with its fonts: {} bytes", bytes.len());

    // Its order, its delivery note, and the order by id (as a quotation is printed).
    for (args, file, kind) in [
        (&["sales-order", "SO/00001"][..], "so.pdf", "sales_order"),
        (&["delivery", "WH/OUT/00001"][..], "out.pdf", "delivery_note"),
        (&["quotation", "--id", &quotation.to_string()][..], "q.pdf", "sales_order"),
    ] {
        let (o, pdf) = print(args, file);
        assert_eq!(o.ok().json()["kind"], kind);
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"), "{file}");
    }

    // A number that does not exist, or an invoice asked for as a credit note: not found,
    // and no file.
    for (args, file) in [(&["invoice", "INV/09999"][..], "none.pdf"), (&["credit-note", "INV/00001"][..], "cn.pdf"), (&["delivery", "WH/IN/00001"][..], "in.pdf")] {
        let (o, pdf) = print(args, file);
        let e = o.fails(4, "not_found");
        assert_eq!(e["reason"], "not_found", "{e}");
        assert!(!pdf.exists(), "{file} was written");
    }
    // An existing file is never overwritten.
    let (o, _) = print(&["invoice", "INV/00001"], "x.pdf");
    assert_eq!(o.code, 2, "{o:?}");

    // With the company's logo (a 40 × 10 PNG) and payment instructions, the same invoice
    // prints it: the PDF now holds an image.
    let png = "iVBORw0KGgoAAAANSUhEUgAAACgAAAAKCAYAAADGmhxQAAAAJElEQVR4nGOQsznxfzBjhoF2wKgDRx040A4YdeCoAwfaAYQwAOofU74VTCGpAAAAAElFTkSuQmCC";
    let images = |b: &[u8]| b.windows(b"/Subtype/Image".len()).filter(|w| *w == b"/Subtype/Image").count();
    assert_eq!(images(&bytes), 0, "no logo yet");
    call_in(&env, "company.set_logo", &format!(r#"{{"data_base64":"{png}"}}"#));
    call_in(&env, "company.update", r#"{"payment_instructions":"IBAN IE29AIBK93115212345678"}"#);
    let (o, pdf) = print(&["invoice", "INV/00001"], "logo.pdf");
    o.ok();
    let with = std::fs::read(&pdf).unwrap();
    // The picture, and its alpha channel as a soft mask (the PNG has one).
    assert_eq!(images(&with), 2, "the logo");
    assert!(with.len() > bytes.len());
}
