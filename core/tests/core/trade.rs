//! Purchasing and sales through the real command layer: a textbook flow per side whose
//! figures are worked out by hand (quotation → order → partial delivery or receipt →
//! invoice or bill → posted → return → credit or debit note), with the stock and the
//! books checked after each step; credit limits, three-way match, idempotency keys,
//! immutability, gapless numbers and isolation.

use crate::inventory::{done, product, warehouse};
use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Reason};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn balance(app: &mut TestApp, co: &str, code: &str) -> String {
    let id = crate::accounting::account(app, co, code);
    s(&app.admin_in(co, "account.get", json!({"id": id})).unwrap()["balance"])
}

fn tax(app: &mut TestApp, co: &str, code: &str) -> i64 {
    let taxes = app.admin_in(co, "tax.list", json!({})).unwrap();
    taxes.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].as_i64().unwrap()
}

fn partner(app: &mut TestApp, co: &str, name: &str, extra: Value) -> i64 {
    let mut args = json!({"name": name});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    app.admin_in(co, "partner.create", args).unwrap()["id"].as_i64().unwrap()
}

fn on_hand(app: &mut TestApp, co: &str, p: i64) -> String {
    s(&app.admin_in(co, "stock.on_hand", json!({"product_id": p})).unwrap()["on_hand"])
}

fn checks_ok(app: &mut TestApp, co: &str) {
    let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
    let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], true, "{l}");
}

fn line<'a>(o: &'a Value, i: usize) -> &'a Value {
    &o["lines"][i]
}

fn codes(e: &cora_core::Error) -> Vec<(String, String)> {
    e.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect()
}

/// Quotation → order → partial delivery → invoice → posted → rest delivered and
/// invoiced → a return → its credit note; figures by hand.
#[test]
fn a_sales_order_from_quotation_to_credit_note_moves_stock_and_books_exactly() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10"}));
    let service = product(&mut app, "ACME", "SETUP", json!({"kind": "service", "sale_price": "50"}));
    let s20 = tax(&mut app, "ACME", "S20");
    app.admin_in("ACME", "trade.set_product_taxes", json!({"product_id": widget, "side": "sale", "tax_ids": [s20]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "4"}]})).unwrap();
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true, "payment_terms_days": 30}));

    // The quotation: 5 × 10 − 10 % = 45.00 (+ 9.00 tax from the product's default);
    // 1 × 50 with the tax named = 50.00 (+ 10.00). No number yet.
    let q = app
        .admin_in(
            "ACME",
            "sales.create_order",
            json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "lines": [
                {"product_id": widget, "quantity": "5", "discount": "10"},
                {"product_id": service, "quantity": "1", "tax_ids": [s20]}]}),
        )
        .unwrap();
    assert_eq!(q["state"], "draft");
    assert!(q["number"].is_null());
    assert_eq!((s(&q["net"]), s(&q["tax"]), s(&q["total"])), ("95".into(), "19".into(), "114".into()));
    assert_eq!((s(&line(&q, 0)["unit_price"]), s(&line(&q, 0)["net"])), ("10".into(), "45".into()));
    assert_eq!(q["taxes"][0]["amount"], "19");

    let o = app.admin_in("ACME", "sales.confirm_order", json!({"id": q["id"]})).unwrap();
    assert_eq!((o["state"].as_str(), o["number"].as_str()), (Some("confirmed"), Some("SO/00001")));
    assert_eq!(o["delivery_status"], "pending");
    // Confirmed lines are immutable, even to SQL.
    let err = app.cora.store().conn().execute("UPDATE trade_order_lines SET quantity = 1 WHERE order_id = ?1", [o["id"].as_i64().unwrap()]).unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
    let e = app.admin_in("ACME", "sales.update_order", json!({"id": o["id"], "order": {"partner_id": customer, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": "1"}]}})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::DocumentNotDraft.into());

    // A partial delivery: 3 of 5; more than what is left is refused and changes nothing.
    let wl = line(&o, 0)["id"].clone();
    let e = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-03", "lines": [{"line_id": wl, "quantity": "6"}]})).unwrap_err();
    assert_eq!(codes(&e), vec![("lines.0.quantity".to_string(), "exceeds_remaining".to_string())]);
    let o = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-03", "lines": [{"line_id": wl, "quantity": "3"}]})).unwrap();
    assert_eq!((s(&line(&o, 0)["delivered"]), s(&line(&o, 0)["to_deliver"])), ("3".into(), "2".into()));
    assert_eq!(o["delivery_status"], "partial");
    assert_eq!(o["pickings"][0]["number"], "WH/OUT/00001");
    assert_eq!(on_hand(&mut app, "ACME", widget), "7");
    assert_eq!(balance(&mut app, "ACME", "5000"), "12", "cost of goods sold: 3 × 4");
    let back = app.admin_in("ACME", "sales.open_lines", json!({"what": "to_deliver"})).unwrap();
    assert_eq!((s(&back[0]["open"]), s(&back[0]["amount"]), back.as_array().unwrap().len()), ("2".into(), "18".into(), 1));

    // Invoice what was delivered (the policy) and the service: 27.00 + 5.40, 50.00 + 10.00.
    assert_eq!((s(&line(&o, 0)["to_invoice"]), s(&line(&o, 1)["to_invoice"])), ("3".into(), "1".into()));
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-03-04"})).unwrap();
    assert_eq!((inv["state"].as_str(), inv["number"].is_null()), (Some("draft"), true));
    assert_eq!((s(&inv["net"]), s(&inv["tax"]), s(&inv["total"])), ("77".into(), "15.4".into(), "92.4".into()));
    assert_eq!(inv["due_date"], "2026-04-03");
    // The draft counts as invoiced: nothing is left to invoice twice.
    let e = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-03-04"})).unwrap_err();
    assert_eq!(codes(&e)[0].1, "too_few_lines");
    let inv = app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!((inv["state"].as_str(), inv["number"].as_str()), (Some("posted"), Some("INV/00001")));
    assert_eq!(balance(&mut app, "ACME", "1200"), "92.4");
    assert_eq!(balance(&mut app, "ACME", "4000"), "-77");
    assert_eq!(balance(&mut app, "ACME", "2100"), "-15.4");
    let err = app.cora.store().conn().execute("UPDATE trade_invoices SET total = 1 WHERE id = ?1", [inv["id"].as_i64().unwrap()]).unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");

    // The backorder, then the rest invoiced: 2 × 9 = 18.00 + 3.60. The order is done.
    let o = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-05"})).unwrap();
    assert_eq!(o["delivery_status"], "full");
    let inv2 = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-03-05"})).unwrap();
    assert_eq!(s(&inv2["total"]), "21.6");
    let inv2 = app.admin_in("ACME", "sales.post_invoice", json!({"id": inv2["id"]})).unwrap();
    assert_eq!(inv2["number"], "INV/00002");
    let o = app.admin_in("ACME", "sales.get_order", json!({"id": o["id"]})).unwrap();
    assert_eq!((o["state"].as_str(), o["invoice_status"].as_str()), (Some("done"), Some("invoiced")));

    // A return of one widget, then its credit note: 9.00 + 1.80.
    let o = app.admin_in("ACME", "sales.return", json!({"order_id": o["id"], "date": "2026-03-06", "lines": [{"line_id": wl, "quantity": "1"}]})).unwrap();
    assert_eq!((s(&line(&o, 0)["returned"]), s(&line(&o, 0)["to_invoice"])), ("1".into(), "-1".into()));
    assert_eq!((o["state"].as_str(), o["invoice_status"].as_str()), (Some("confirmed"), Some("to_credit")));
    assert_eq!(on_hand(&mut app, "ACME", widget), "6");
    assert_eq!(balance(&mut app, "ACME", "5000"), "16", "the returned unit goes back against cost of goods sold");
    let cn = app.admin_in("ACME", "sales.credit_order", json!({"order_id": o["id"], "date": "2026-03-06"})).unwrap();
    assert_eq!((cn["kind"].as_str(), s(&cn["total"])), (Some("credit"), "10.8".to_string()));
    let cn = app.admin_in("ACME", "sales.post_invoice", json!({"id": cn["id"]})).unwrap();
    assert_eq!(cn["number"], "CN/00001");
    assert_eq!(balance(&mut app, "ACME", "1200"), "103.2");
    assert_eq!(balance(&mut app, "ACME", "4000"), "-86");
    assert_eq!(balance(&mut app, "ACME", "1300"), "24");
    let o = app.admin_in("ACME", "sales.get_order", json!({"id": o["id"]})).unwrap();
    assert_eq!(o["state"], "done");
    assert_eq!(o["invoices"].as_array().unwrap().len(), 3);
    checks_ok(&mut app, "ACME");

    // Sales and margin by product: the widget sold 3 + 2 − 1 = 4 for 27 + 18 − 9 = 36 at
    // a cost of 4 × 4; the service 50 at no cost. The total is the income account's.
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    let rows: Vec<(String, String, String, String)> = r["rows"].as_array().unwrap().iter().map(|x| (s(&x["label"]), s(&x["net"]), s(&x["cost"]), s(&x["margin"]))).collect();
    assert_eq!(rows, vec![
        ("SETUP Product SETUP".to_string(), "50".to_string(), "0".to_string(), "50".to_string()),
        ("WIDGET Product WIDGET".to_string(), "36".to_string(), "16".to_string(), "20".to_string()),
    ]);
    assert_eq!(r["rows"][1]["quantity"], "4");
    assert_eq!((s(&r["net"]), s(&r["cost"]), s(&r["margin"])), ("86".into(), "16".into(), "70".into()));
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "partner"})).unwrap();
    assert_eq!((s(&r["rows"][0]["label"]), s(&r["rows"][0]["margin"])), ("Client".into(), "70".into()));
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-04-01", "to": "2026-04-30", "group_by": "month"})).unwrap();
    assert_eq!(r["rows"].as_array().unwrap().len(), 0);
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "month"})).unwrap();
    let rows: Vec<(String, String, String)> = r["rows"].as_array().unwrap().iter().map(|x| (s(&x["label"]), s(&x["net"]), s(&x["cost"]))).collect();
    assert_eq!(rows, vec![("2026-03".to_string(), "86".to_string(), "16".to_string())]);
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-03-01", "to": "2026-03-31", "group_by": "category"})).unwrap();
    let rows: Vec<(String, String, String)> = r["rows"].as_array().unwrap().iter().map(|x| (s(&x["label"]), s(&x["net"]), s(&x["margin"]))).collect();
    assert_eq!(rows, vec![("(no category)".to_string(), "86".to_string(), "70".to_string())]);
    let table = app.admin_in("ACME", "report.table", json!({"report": "sales_report", "args": {"from": "2026-03-01", "to": "2026-03-31"}})).unwrap();
    assert_eq!(table["rows"][2]["cells"], json!(["Total", "", "86.00", "16.00", "70.00"]));

    // Lists by state and open work.
    let list = app.admin_in("ACME", "sales.list_orders", json!({"state": "done"})).unwrap();
    assert_eq!(list["total"], 1);
    let list = app.admin_in("ACME", "sales.list_invoices", json!({"search": "INV/"})).unwrap();
    assert_eq!(list["total"], 2);
}

#[test]
fn a_purchase_order_is_received_in_parts_billed_three_way_and_debited_after_a_return() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bolt = product(&mut app, "ACME", "BOLT", json!({"cost": "2"}));
    let p20 = tax(&mut app, "ACME", "P20");
    let supplier = partner(&mut app, "ACME", "Bolts Ltd", json!({"is_supplier": true}));
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    // A customer is not a supplier.
    let e = app.admin_in("ACME", "purchase.create_order", json!({"partner_id": customer, "date": "2026-03-01", "lines": [{"product_id": bolt, "quantity": "1"}]})).unwrap_err();
    assert_eq!(codes(&e)[0], ("partner_id".to_string(), "partner_role_required".to_string()));

    // 100 × 1.50 = 150.00 + 30.00.
    let po = app
        .admin_in("ACME", "purchase.create_order", json!({"partner_id": supplier, "date": "2026-03-01", "warehouse_id": wh, "lines": [{"product_id": bolt, "quantity": "100", "unit_price": "1.5", "tax_ids": [p20]}]}))
        .unwrap();
    assert_eq!(s(&po["total"]), "180");
    let po = app.admin_in("ACME", "purchase.confirm_order", json!({"id": po["id"]})).unwrap();
    assert_eq!(po["number"], "PO/00001");
    let bl = line(&po, 0)["id"].clone();

    // Receive 60: stock valued at the order's price.
    let po = app.admin_in("ACME", "purchase.receive", json!({"order_id": po["id"], "date": "2026-03-02", "lines": [{"line_id": bl, "quantity": "60"}]})).unwrap();
    assert_eq!(on_hand(&mut app, "ACME", bolt), "60");
    assert_eq!(balance(&mut app, "ACME", "1300"), "90");
    assert_eq!(balance(&mut app, "ACME", "2010"), "-90");
    assert_eq!(s(&line(&po, 0)["to_invoice"]), "60");

    // Bill the 60 received: GRNI cleared, input tax, payable.
    let bill = app.admin_in("ACME", "purchase.bill_order", json!({"order_id": po["id"], "date": "2026-03-03"})).unwrap();
    assert_eq!(s(&bill["total"]), "108");
    let bill = app.admin_in("ACME", "purchase.post_bill", json!({"id": bill["id"]})).unwrap();
    assert_eq!(bill["number"], "BILL/00001");
    assert_eq!(balance(&mut app, "ACME", "2010"), "0");
    assert_eq!(balance(&mut app, "ACME", "1450"), "18");
    assert_eq!(balance(&mut app, "ACME", "2000"), "-108");

    // Three-way match: billing 10 more than received is written, but not posted.
    let over = app.admin_in("ACME", "purchase.bill_order", json!({"order_id": po["id"], "date": "2026-03-03", "lines": [{"line_id": bl, "quantity": "10"}]})).unwrap();
    let e = app.admin_in("ACME", "purchase.post_bill", json!({"id": over["id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::BilledAboveReceived.into());
    assert_eq!(codes(&e), vec![("lines.0.quantity".to_string(), "exceeds_remaining".to_string())]);
    assert_eq!(balance(&mut app, "ACME", "2000"), "-108", "nothing was posted");
    let cancelled = app.admin_in("ACME", "purchase.cancel_bill", json!({"id": over["id"]})).unwrap();
    assert_eq!(cancelled["state"], "cancelled");
    let po = app.admin_in("ACME", "purchase.get_order", json!({"id": po["id"]})).unwrap();
    assert_eq!(s(&line(&po, 0)["invoiced"]), "60", "a cancelled draft gives its quantities back");

    // The rest received and billed: 40 × 1.50 = 60.00 + 12.00.
    app.admin_in("ACME", "purchase.receive", json!({"order_id": po["id"], "date": "2026-03-04"})).unwrap();
    let bill2 = app.admin_in("ACME", "purchase.bill_order", json!({"order_id": po["id"], "date": "2026-03-04"})).unwrap();
    app.admin_in("ACME", "purchase.post_bill", json!({"id": bill2["id"]})).unwrap();
    assert_eq!(balance(&mut app, "ACME", "2000"), "-180");
    assert_eq!(balance(&mut app, "ACME", "2010"), "0");
    let po = app.admin_in("ACME", "purchase.get_order", json!({"id": po["id"]})).unwrap();
    assert_eq!(po["state"], "done");

    // Return 10 to the supplier, then the debit note: 15.00 + 3.00.
    let po = app.admin_in("ACME", "purchase.return", json!({"order_id": po["id"], "date": "2026-03-05", "lines": [{"line_id": bl, "quantity": "10"}]})).unwrap();
    assert_eq!(on_hand(&mut app, "ACME", bolt), "90");
    assert_eq!(balance(&mut app, "ACME", "1300"), "135");
    assert_eq!(balance(&mut app, "ACME", "2010"), "15");
    let dn = app.admin_in("ACME", "purchase.debit_order", json!({"order_id": po["id"], "date": "2026-03-05"})).unwrap();
    assert_eq!(s(&dn["total"]), "18");
    let dn = app.admin_in("ACME", "purchase.post_bill", json!({"id": dn["id"]})).unwrap();
    assert_eq!(dn["number"], "DN/00001");
    assert_eq!(balance(&mut app, "ACME", "2000"), "-162");
    assert_eq!(balance(&mut app, "ACME", "2010"), "0");
    assert_eq!(balance(&mut app, "ACME", "1450"), "27");
    checks_ok(&mut app, "ACME");
}

#[test]
fn credit_limits_idempotency_keys_cancellation_and_isolation() {
    let mut app = TestApp::new();
    app.company("ACME");
    app.company("BETA");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "60"}));
    let customer = partner(&mut app, "ACME", "Careful Ltd", json!({"is_customer": true, "credit_limit": "100"}));
    let args = json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "idempotency_key": "k-1", "lines": [{"product_id": widget, "quantity": "2"}]});

    // The same key twice: one quotation.
    let a = app.admin_in("ACME", "sales.create_order", args.clone()).unwrap();
    let b = app.admin_in("ACME", "sales.create_order", args).unwrap();
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.admin_in("ACME", "sales.list_orders", json!({})).unwrap()["total"], 1);
    // A key names one command.
    let e = app.admin_in("ACME", "sales.confirm_order", json!({"id": a["id"], "idempotency_key": "k-1"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);

    // 120 > the limit of 100: refused, with the figures; an override confirms it.
    let e = app.admin_in("ACME", "sales.confirm_order", json!({"id": a["id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::CreditLimitExceeded.into());
    assert_eq!(app.admin_in("ACME", "sales.get_order", json!({"id": a["id"]})).unwrap()["state"], "draft");
    let seller = app.member("seller@acme.test", "ACME", "sales");
    let e = app.call(&seller, Some("ACME"), "sales.confirm_order", json!({"id": a["id"], "allow_over": true})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::CreditLimitExceeded.into(), "the sales role holds no override");
    let o = app.admin_in("ACME", "sales.confirm_order", json!({"id": a["id"], "allow_over": true, "idempotency_key": "c-1"})).unwrap();
    assert_eq!(o["number"], "SO/00001");
    let again = app.admin_in("ACME", "sales.confirm_order", json!({"id": a["id"], "allow_over": true, "idempotency_key": "c-1"})).unwrap();
    assert_eq!(again["number"], "SO/00001");
    // Without the key, a second confirmation is an impossible transition naming the state.
    let e = app.admin_in("ACME", "sales.confirm_order", json!({"id": a["id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::InvalidTransition.into());
    assert!(e.to_string().contains("confirmed"), "{e}");

    // Another company sees none of it.
    let e = app.admin_in("BETA", "sales.get_order", json!({"id": a["id"]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("BETA", "sales.list_orders", json!({})).unwrap()["total"], 0);
    let e = app.admin_in("BETA", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);

    // Cancelling an order nothing was delivered from cancels it; a cancelled order stays so.
    let o = app.admin_in("ACME", "sales.cancel_order", json!({"id": o["id"]})).unwrap();
    assert_eq!(o["state"], "cancelled");
    let e = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::OrderNotConfirmed.into());

    // Cancelling after a partial delivery cancels the rest only.
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "4"}]})).unwrap();
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": "1", "unit_price": "10"}, {"product_id": widget, "quantity": "4", "unit_price": "10"}]})).unwrap();
    let o = app.admin_in("ACME", "sales.confirm_order", json!({"id": q["id"]})).unwrap();
    assert_eq!(o["number"], "SO/00002", "gapless: the cancelled order kept its number, quotations took none");
    let o = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "lines": [{"line_id": line(&o, 1)["id"], "quantity": "1"}]})).unwrap();
    let o = app.admin_in("ACME", "sales.cancel_order", json!({"id": o["id"]})).unwrap();
    assert_eq!(o["state"], "confirmed");
    assert_eq!((s(&line(&o, 0)["cancelled"]), s(&line(&o, 1)["cancelled"])), ("1".into(), "3".into()));
    assert_eq!((s(&line(&o, 1)["to_deliver"]), s(&line(&o, 1)["to_invoice"])), ("0".into(), "1".into()));
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"]})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!(app.admin_in("ACME", "sales.get_order", json!({"id": o["id"]})).unwrap()["state"], "done");
    checks_ok(&mut app, "ACME");
}

#[test]
fn lines_take_prices_from_price_lists_and_supplier_prices_and_reorder_becomes_purchase_orders() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10"}));
    let bolt = product(&mut app, "ACME", "BOLT", json!({"cost": "2"}));
    let vip = partner(&mut app, "ACME", "VIP", json!({"is_customer": true}));
    let walk_in = partner(&mut app, "ACME", "Walk-in", json!({"is_customer": true}));
    let supplier = partner(&mut app, "ACME", "Bolts Ltd", json!({"is_supplier": true}));

    // The VIP's own list with a quantity break; a general list for everyone else; an
    // expired list that applies to nobody.
    app.admin_in("ACME", "price_list.create", json!({"name": "VIP", "partner_ids": [vip], "items": [
        {"product_id": widget, "price": "9"}, {"product_id": widget, "min_quantity": "10", "price": "8"}]})).unwrap();
    app.admin_in("ACME", "price_list.create", json!({"name": "Everyone", "items": [{"product_id": widget, "discount": "5"}]})).unwrap();
    app.admin_in("ACME", "price_list.create", json!({"name": "Old", "valid_to": "2026-01-31", "items": [{"product_id": widget, "price": "1"}]})).unwrap();
    let e = app.admin_in("ACME", "price_list.create", json!({"name": "vip", "items": []})).unwrap_err();
    assert_eq!(codes(&e), vec![("name".to_string(), "duplicate".to_string())]);
    let e = app.admin_in("ACME", "price_list.create", json!({"name": "Bad", "items": [{"product_id": widget, "price": "1", "discount": "2"}]})).unwrap_err();
    assert_eq!(codes(&e)[0].0, "items.0.price");

    let order = |app: &mut TestApp, who: i64, q: &str| {
        app.admin_in("ACME", "sales.create_order", json!({"partner_id": who, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": q}]})).unwrap()
    };
    let o = order(&mut app, vip, "5");
    assert_eq!((s(&line(&o, 0)["unit_price"]), s(&line(&o, 0)["net"])), ("9".into(), "45".into()));
    let o = order(&mut app, vip, "12");
    assert_eq!(s(&line(&o, 0)["unit_price"]), "8");
    let o = order(&mut app, walk_in, "2");
    assert_eq!((s(&line(&o, 0)["unit_price"]), s(&line(&o, 0)["discount"]), s(&line(&o, 0)["net"])), ("10".into(), "5".into(), "19".into()));
    // A price typed on the line wins.
    let o = app.admin_in("ACME", "sales.create_order", json!({"partner_id": vip, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": "1", "unit_price": "7.5"}]})).unwrap();
    assert_eq!(s(&line(&o, 0)["unit_price"]), "7.5");

    // Supplier prices with a quantity break fill purchase lines.
    app.admin_in("ACME", "supplier_price.create", json!({"partner_id": supplier, "product_id": bolt, "supplier_code": "B-1", "price": "1.2", "lead_time_days": 5})).unwrap();
    app.admin_in("ACME", "supplier_price.create", json!({"partner_id": supplier, "product_id": bolt, "min_quantity": "100", "price": "1"})).unwrap();
    let e = app.admin_in("ACME", "supplier_price.create", json!({"partner_id": vip, "product_id": bolt, "price": "1"})).unwrap_err();
    assert_eq!(codes(&e)[0], ("partner_id".to_string(), "partner_role_required".to_string()));
    let po = app.admin_in("ACME", "purchase.create_order", json!({"partner_id": supplier, "date": "2026-03-02", "lines": [{"product_id": bolt, "quantity": "50"}]})).unwrap();
    assert_eq!(s(&line(&po, 0)["unit_price"]), "1.2");
    app.admin_in("ACME", "purchase.delete_order", json!({"id": po["id"]})).unwrap();

    // The to-reorder list becomes one draft purchase order per supplier; open orders count
    // as coming in, so a second run orders nothing more.
    app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "10", "max_qty": "100", "multiple": "25"})).unwrap();
    app.admin_in("ACME", "reorder_rule.create", json!({"product_id": widget, "warehouse_id": wh, "min_qty": "1", "max_qty": "2"})).unwrap();
    let r = app.admin_in("ACME", "purchase.from_reorder", json!({"date": "2026-03-03"})).unwrap();
    assert_eq!(r["orders"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["skipped"][0]["sku"], "WIDGET");
    assert_eq!(r["skipped"][0]["reason"], "no_supplier");
    let po = app.admin_in("ACME", "purchase.get_order", json!({"id": r["orders"][0]["id"]})).unwrap();
    assert_eq!((po["state"].as_str(), po["partner_id"].as_i64()), (Some("draft"), Some(supplier)));
    assert_eq!((s(&line(&po, 0)["quantity"]), s(&line(&po, 0)["unit_price"])), ("100".into(), "1".into()));
    let r = app.admin_in("ACME", "purchase.from_reorder", json!({"date": "2026-03-03"})).unwrap();
    assert_eq!(r["orders"].as_array().unwrap().len(), 0);
    assert!(r["skipped"].as_array().unwrap().iter().any(|x| x["sku"] == "BOLT" && x["reason"] == "on_order"), "{r}");
}

/// A whole flow in one atomic batch: each step names what an earlier one made with
/// `{"$ref": "N.path"}`; a refusal at the last step leaves nothing behind.
#[test]
fn a_whole_sales_flow_runs_as_one_atomic_batch_with_references() {
    use cora_core::CompanyRef;
    use cora_core::command::BatchItem;
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10"}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "4"}]})).unwrap();
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let item = |cmd: &str, args: Value| BatchItem { command: cmd.into(), args, company: Some(CompanyRef::Code("ACME".into())) };
    let flow = |last: Value| {
        vec![
            item("sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "lines": [{"product_id": widget, "quantity": "2"}]})),
            item("sales.confirm_order", json!({"id": {"$ref": "1.id"}})),
            item("sales.deliver", json!({"order_id": {"$ref": "1.id"}, "date": "2026-03-02", "lines": [{"line_id": {"$ref": "2.lines.0.id"}, "quantity": "2"}]})),
            item("sales.invoice_order", json!({"order_id": {"$ref": "1.id"}, "date": "2026-03-02"})),
            item("sales.post_invoice", last),
        ]
    };
    let admin = app.admin.clone();
    let (i, e) = app.cora.call_atomic(Some(&admin), &flow(json!({"id": {"$ref": "9.id"}}))).unwrap_err();
    assert_eq!((i, e.code()), (4, ErrorCode::Validation));
    assert_eq!(app.admin_in("ACME", "sales.list_orders", json!({})).unwrap()["total"], 0, "rolled back");
    assert_eq!(on_hand(&mut app, "ACME", widget), "10");
    let out = app.cora.call_atomic(Some(&admin), &flow(json!({"id": {"$ref": "4.id"}}))).unwrap();
    assert_eq!((out[1]["number"].as_str(), out[4]["number"].as_str(), out[4]["total"].as_str()), (Some("SO/00001"), Some("INV/00001"), Some("20")));
    assert_eq!(on_hand(&mut app, "ACME", widget), "8");
    checks_ok(&mut app, "ACME");
}

#[test]
fn free_invoices_take_new_lines_while_drafts_and_lists_filter_exactly() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10"}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "4"}]})).unwrap();
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));

    // A free invoice's lines are replaced while it is a draft; the totals follow.
    let inv = app.admin_in("ACME", "sales.create_invoice", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "100"}]})).unwrap();
    assert_eq!(s(&inv["total"]), "200");
    let inv = app.admin_in("ACME", "sales.update_invoice", json!({"id": inv["id"], "lines": [{"description": "Consulting", "quantity": "3", "unit_price": "100"}, {"product_id": widget, "quantity": "1"}]})).unwrap();
    assert_eq!((s(&inv["total"]), inv["lines"].as_array().unwrap().len()), ("310".into(), 2));
    let posted = app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    let e = app.admin_in("ACME", "sales.update_invoice", json!({"id": posted["id"], "notes": "late"})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::DocumentNotDraft.into());
    let cn = app.admin_in("ACME", "sales.credit_invoice", json!({"invoice_id": posted["id"], "date": "2026-03-03"})).unwrap();
    let e = app.admin_in("ACME", "sales.update_invoice", json!({"id": cn["id"], "lines": [{"description": "x", "quantity": "1"}]})).unwrap_err();
    assert_eq!(codes(&e)[0].0, "lines");
    let with_widget = app.admin_in("ACME", "sales.list_invoices", json!({"product_id": widget})).unwrap();
    assert_eq!(with_widget["total"], 2, "the invoice and its credit note name the widget");
    let only_credits = app.admin_in("ACME", "sales.list_invoices", json!({"kind": "credit"})).unwrap();
    assert_eq!((only_credits["total"].as_i64(), only_credits["items"][0]["id"].clone()), (Some(1), cn["id"].clone()));

    // "To invoice" counts and pages only orders with something to invoice.
    let mk = |app: &mut TestApp| {
        let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap();
        app.admin_in("ACME", "sales.confirm_order", json!({"id": q["id"]})).unwrap()
    };
    let a = mk(&mut app);
    let _b = mk(&mut app);
    let c = mk(&mut app);
    assert_eq!(a["lines"][0]["tracking"], "none");
    for o in [&a, &c] {
        app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-02"})).unwrap();
    }
    let to_inv = app.admin_in("ACME", "sales.list_orders", json!({"open": "to_invoice", "limit": 1})).unwrap();
    assert_eq!((to_inv["total"].as_i64(), to_inv["items"].as_array().unwrap().len()), (Some(2), 1));
    let next = app.admin_in("ACME", "sales.list_orders", json!({"open": "to_invoice", "limit": 1, "cursor": to_inv["next_cursor"]})).unwrap();
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert!(next["next_cursor"].is_null());

    // Send is idempotent by key too.
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap();
    let s1 = app.admin_in("ACME", "sales.send_order", json!({"id": q["id"], "idempotency_key": "send-1"})).unwrap();
    let s2 = app.admin_in("ACME", "sales.send_order", json!({"id": q["id"], "idempotency_key": "send-1"})).unwrap();
    assert_eq!((s1["state"].as_str(), s2["state"].as_str()), (Some("sent"), Some("sent")));
}

/// A kit sold is delivered as its components; its margin counts their cost.
#[test]
fn a_kit_is_delivered_as_its_components_and_its_margin_counts_their_cost() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let leg = product(&mut app, "ACME", "LEG", json!({"cost": "2"}));
    let top = product(&mut app, "ACME", "TOP", json!({"cost": "10"}));
    let table = product(&mut app, "ACME", "TABLE", json!({"sale_price": "40"}));
    app.admin_in("ACME", "catalog.set_components", json!({"product_id": table, "components": [{"product_id": leg, "quantity": "4"}, {"product_id": top, "quantity": "1"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [
        {"product_id": leg, "quantity": "40", "unit_cost": "2"}, {"product_id": top, "quantity": "10", "unit_cost": "10"}]})).unwrap();
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-02", "warehouse_id": wh, "lines": [{"product_id": table, "quantity": "2"}]})).unwrap();
    assert_eq!(line(&q, 0)["ships"], true);
    let o = app.admin_in("ACME", "sales.confirm_order", json!({"id": q["id"]})).unwrap();
    let o = app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-03"})).unwrap();
    assert_eq!(s(&line(&o, 0)["delivered"]), "2");
    assert_eq!((on_hand(&mut app, "ACME", leg), on_hand(&mut app, "ACME", top)), ("32".into(), "8".into()));
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-03-03"})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    // 2 tables at 40 = 80; their cost 2 × (4 × 2 + 10) = 36.
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    assert_eq!(r["rows"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!((s(&r["rows"][0]["label"]), s(&r["rows"][0]["net"]), s(&r["rows"][0]["cost"]), s(&r["rows"][0]["margin"])), ("TABLE Product TABLE".into(), "80".into(), "36".into(), "44".into()));
    checks_ok(&mut app, "ACME");
}

#[test]
fn a_posted_invoices_tax_totals_cannot_be_changed_even_in_sql() {
    let mut app = TestApp::new();
    app.company("ACME");
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let s20 = tax(&mut app, "ACME", "S20");
    let inv = app.admin_in("ACME", "sales.create_invoice", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"description": "Work", "quantity": "1", "unit_price": "100", "tax_ids": [s20]}]})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    let id = inv["id"].as_i64().unwrap();
    let conn = app.cora.store().conn();
    for sql in ["UPDATE trade_invoice_taxes SET amount = 1 WHERE invoice_id = ?1", "DELETE FROM trade_invoice_taxes WHERE invoice_id = ?1"] {
        let e = conn.execute(sql, [id]).unwrap_err();
        assert!(e.to_string().contains("immutable") || e.to_string().contains("never updated"), "{sql}: {e}");
    }
}

/// The report sums (V21): kept by posting invoices and credit notes and by done deliveries
/// and returns (a cancelled draft counts for nothing), read for whole months with the
/// lines at the edges; `ledger.check` finds a drift; the migration's backfill rebuilds
/// them from what was posted before it.
#[test]
fn report_sums_follow_posting_and_crediting_and_the_migration_backfills_them() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let widget = product(&mut app, "ACME", "WIDGET", json!({"cost": "4", "sale_price": "10"}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": widget, "quantity": "20", "unit_cost": "4"}]})).unwrap();
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let q = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-03-10", "warehouse_id": wh, "lines": [{"product_id": widget, "quantity": "10"}]})).unwrap();
    let o = app.admin_in("ACME", "sales.confirm_order", json!({"id": q["id"]})).unwrap();
    let wl = line(&o, 0)["id"].clone();
    // March: 6 delivered and invoiced (60); April: 4 more (40), 1 returned and credited (−10).
    app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-03-20", "lines": [{"line_id": wl, "quantity": "6"}]})).unwrap();
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-03-20"})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    app.admin_in("ACME", "sales.deliver", json!({"order_id": o["id"], "date": "2026-04-05"})).unwrap();
    let draft = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-04-05"})).unwrap();
    app.admin_in("ACME", "sales.cancel_invoice", json!({"id": draft["id"]})).unwrap();
    let inv = app.admin_in("ACME", "sales.invoice_order", json!({"order_id": o["id"], "date": "2026-04-06"})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    app.admin_in("ACME", "sales.return", json!({"order_id": o["id"], "date": "2026-04-20", "lines": [{"line_id": wl, "quantity": "1"}]})).unwrap();
    let cn = app.admin_in("ACME", "sales.credit_order", json!({"order_id": o["id"], "date": "2026-04-21"})).unwrap();
    app.admin_in("ACME", "sales.post_invoice", json!({"id": cn["id"]})).unwrap();
    checks_ok(&mut app, "ACME");

    let sums = |app: &TestApp| -> Vec<(String, String, i64, i64, i64)> {
        let conn = app.cora.store().conn();
        let mut st = conn
            .prepare(
                "SELECT s.side, s.month, s.quantity, s.net, coalesce((SELECT c.cost FROM trade_cost_sums c WHERE c.tenant_id = s.tenant_id AND c.month = s.month
                        AND c.partner_id = s.partner_id AND c.product_id = s.product_id), 0)
                 FROM trade_sums s ORDER BY s.side, s.month",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap().map(Result::unwrap).collect()
    };
    // Quantities and amounts at scale 4: March 6 for 60 at a cost of 24; April 4 − 1 = 3
    // for 40 − 10 = 30 at a cost of 16 − 4 = 12.
    let want = vec![("sale".to_string(), "2026-03".to_string(), 60_000, 600_000, 240_000), ("sale".to_string(), "2026-04".to_string(), 30_000, 300_000, 120_000)];
    assert_eq!(sums(&app), want);
    let rolled = |app: &TestApp| -> (i64, i64) {
        let conn = app.cora.store().conn();
        let a: i64 = conn.query_row("SELECT sum(net) FROM trade_product_sums WHERE month = '2026-04'", [], |r| r.get(0)).unwrap();
        let b: i64 = conn.query_row("SELECT sum(net) FROM trade_partner_sums WHERE month = '2026-04'", [], |r| r.get(0)).unwrap();
        (a, b)
    };
    assert_eq!(rolled(&app), (300_000, 300_000));

    // Whole April from the sums, 15–31 March from the lines: the same as the lines say.
    let rows = |app: &mut TestApp, from: &str, to: &str, group: &str| -> Vec<(String, String, String)> {
        let r = app.admin_in("ACME", "sales.report", json!({"from": from, "to": to, "group_by": group})).unwrap();
        r["rows"].as_array().unwrap().iter().map(|x| (s(&x["key"]), s(&x["net"]), s(&x["cost"]))).collect()
    };
    assert_eq!(rows(&mut app, "2026-03-15", "2026-04-30", "month"), vec![("2026-03".into(), "60".into(), "24".into()), ("2026-04".into(), "30".into(), "12".into())]);
    assert_eq!(rows(&mut app, "2026-03-21", "2026-04-30", "month"), vec![("2026-04".into(), "30".into(), "12".into())]);
    assert_eq!(rows(&mut app, "2026-04-01", "2026-04-20", "partner"), vec![(customer.to_string(), "40".into(), "12".into())]);
    assert_eq!(rows(&mut app, "2026-01-01", "2026-12-31", "product"), vec![(widget.to_string(), "90".into(), "36".into())]);
    let r = app.admin_in("ACME", "sales.report", json!({"from": "2026-01-01", "to": "2026-12-31"})).unwrap();
    assert_eq!(r["rows"][0]["quantity"], "9");

    // A drift in a maintained sum is found by the check.
    for table in ["trade_sums", "trade_product_sums", "trade_partner_sums", "trade_cost_sums"] {
        let column = if table == "trade_cost_sums" { "cost" } else { "net" };
        let conn = app.cora.store().conn();
        assert_eq!(conn.execute(&format!("UPDATE {table} SET {column} = {column} + 1 WHERE month = '2026-04'"), []).unwrap(), 1);
        let l = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
        assert_eq!(l["ok"], false, "{table}");
        assert_eq!(l["trade_sums"].as_array().unwrap().len(), 1, "{table}: {l}");
        assert!(s(&l["trade_sums"][0]).contains("2026-04"), "{l}");
        let conn = app.cora.store().conn();
        conn.execute(&format!("UPDATE {table} SET {column} = {column} - 1 WHERE month = '2026-04'"), []).unwrap();
    }
    checks_ok(&mut app, "ACME");

    // The file as it was before V21, with these invoices and moves: opening it runs the
    // migration, whose backfill gives the same sums. The later migrations are undone
    // too (refinery refuses a gap); the change-capture triggers name every column, so
    // they go first (opening installs them again).
    let conn = app.cora.store().conn();
    cora_core::sync::capture::drop_all(conn).unwrap();
    conn.execute_batch(
        "DROP TRIGGER trade_sums_posted; DROP TRIGGER trade_cost_sums_done;
         DROP TABLE trade_sums; DROP TABLE trade_product_sums; DROP TABLE trade_partner_sums; DROP TABLE trade_cost_sums;
         DROP TABLE company_logos; ALTER TABLE companies DROP COLUMN payment_instructions; ALTER TABLE partners DROP COLUMN language;
         DELETE FROM refinery_schema_history WHERE version >= 21;",
    )
    .unwrap();
    let path = app.path();
    let mut again = cora_core::Cora::open(&path).unwrap();
    let token = cora_core::testing::login(&mut again, cora_core::testing::ADMIN_EMAIL, cora_core::testing::PASSWORD).unwrap();
    let co = cora_core::CompanyRef::Code("ACME".into());
    let l = again.call(Some(&token), Some(&co), "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], true, "{l}");
    assert_eq!(sums(&app), want);
    assert_eq!(rolled(&app), (300_000, 300_000));
}

/// An invoice line says how much of it credit notes take (drafts included, cancelled ones
/// not), so a dialog can start at what is left.
#[test]
fn an_invoice_line_carries_what_credit_notes_take_of_it() {
    let mut app = TestApp::new();
    app.company("ACME");
    let customer = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let inv = app.admin_in("ACME", "sales.create_invoice", json!({"partner_id": customer, "date": "2026-03-02", "lines": [{"description": "Work", "quantity": "5", "unit_price": "10"}]})).unwrap();
    let inv = app.admin_in("ACME", "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
    let l = inv["lines"][0]["id"].clone();
    let credited = |app: &mut TestApp| s(&app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap()["lines"][0]["credited"]);
    assert_eq!(credited(&mut app), "0");
    let cn = app.admin_in("ACME", "sales.credit_invoice", json!({"invoice_id": inv["id"], "date": "2026-03-03", "lines": [{"line_id": l, "quantity": "2"}]})).unwrap();
    assert_eq!(credited(&mut app), "2", "a draft note counts");
    app.admin_in("ACME", "sales.cancel_invoice", json!({"id": cn["id"]})).unwrap();
    assert_eq!(credited(&mut app), "0", "a cancelled one does not");
    let cn = app.admin_in("ACME", "sales.credit_invoice", json!({"invoice_id": inv["id"], "date": "2026-03-03", "lines": [{"line_id": l, "quantity": "1.5"}]})).unwrap();
    let cn = app.admin_in("ACME", "sales.post_invoice", json!({"id": cn["id"]})).unwrap();
    assert_eq!(s(&cn["lines"][0]["credited"]), "0", "a note's own lines credit nothing of themselves");
    assert_eq!(credited(&mut app), "1.5");
    // Without lines, the rest: 3.5.
    let cn = app.admin_in("ACME", "sales.credit_invoice", json!({"invoice_id": inv["id"], "date": "2026-03-03"})).unwrap();
    assert_eq!(s(&cn["lines"][0]["quantity"]), "3.5");
    assert_eq!(credited(&mut app), "5");
}

/// `price_list.list` searches names (folded: any case, any script) and currencies, every
/// word required; `supplier_price.get` reads one supplier price, not another company's.
#[test]
fn price_lists_are_searched_by_name_and_a_supplier_price_is_read_by_id() {
    let mut app = TestApp::new();
    app.company("ACME");
    app.company("OTHER");
    for (name, currency) in [("Großhandel Winter", "EUR"), ("Retail winter", "EUR"), ("Export", "USD"), ("100%_Promo", "EUR")] {
        if currency == "USD" {
            app.admin_in("ACME", "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
        }
        app.admin_in("ACME", "price_list.create", json!({"name": name, "currency": currency, "items": []})).unwrap();
    }
    let names = |app: &mut TestApp, args: Value| -> Vec<String> {
        app.admin_in("ACME", "price_list.list", args).unwrap().as_array().unwrap().iter().map(|l| s(&l["name"])).collect()
    };
    assert_eq!(names(&mut app, json!({})).len(), 4);
    assert_eq!(names(&mut app, json!({"search": "WINTER"})), vec!["Großhandel Winter", "Retail winter"]);
    assert_eq!(names(&mut app, json!({"search": "GROSSHANDEL"})), Vec::<String>::new(), "folding is case, not spelling");
    assert_eq!(names(&mut app, json!({"search": "GROẞHANDEL"})), vec!["Großhandel Winter"], "capital sharp s folds to ß");
    assert_eq!(names(&mut app, json!({"search": "winter retail"})), vec!["Retail winter"]);
    assert_eq!(names(&mut app, json!({"search": "usd"})), vec!["Export"]);
    assert_eq!(names(&mut app, json!({"search": "%_"})), vec!["100%_Promo"], "LIKE wildcards are literal");
    assert_eq!(names(&mut app, json!({"search": "  "})).len(), 4);
    assert_eq!(names(&mut app, json!({"search": "nothing"})).len(), 0);

    let bolt = product(&mut app, "ACME", "BOLT", json!({"cost": "2"}));
    let supplier = partner(&mut app, "ACME", "Bolts Ltd", json!({"is_supplier": true}));
    let sp = app.admin_in("ACME", "supplier_price.create", json!({"partner_id": supplier, "product_id": bolt, "supplier_code": "B-1", "price": "1.2", "min_quantity": "10", "lead_time_days": 5})).unwrap();
    let got = app.admin_in("ACME", "supplier_price.get", json!({"id": sp["id"]})).unwrap();
    assert_eq!(got, sp);
    assert_eq!((s(&got["supplier_code"]), s(&got["price"]), got["lead_time_days"].as_i64()), ("B-1".into(), "1.2".into(), Some(5)));
    let e = app.admin_in("OTHER", "supplier_price.get", json!({"id": sp["id"]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    app.admin_in("ACME", "supplier_price.delete", json!({"id": sp["id"]})).unwrap();
    let e = app.admin_in("ACME", "supplier_price.get", json!({"id": sp["id"]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
}
