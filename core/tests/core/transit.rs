//! Transfers between warehouses through transit: ship now, receive on arrival.

use crate::inventory::{done, on_hand, product, warehouse};
use cora_core::testing::TestApp;
use serde_json::json;

#[test]
fn goods_shipped_through_transit_leave_at_once_arrive_when_received_and_keep_their_value() {
    let mut app = TestApp::new();
    app.company("ACME");
    app.company("OTHER");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let w2 = app.admin_in("ACME", "warehouse.create", json!({"code": "W2", "name": "Second"})).unwrap();
    let (w2, w2_stock) = (w2["id"].as_i64().unwrap(), w2["root_location_id"].as_i64().unwrap());
    let p = product(&mut app, "ACME", "P", json!({}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "10", "unit_cost": "3"}]})).unwrap();
    let value = |app: &mut TestApp| app.admin_in("ACME", "inventory.valuation", json!({})).unwrap()["total"].clone();
    assert_eq!(value(&mut app), "30");

    // Refused, changing nothing: one warehouse; more than is there; another company's place.
    let ship = |from: i64, to: i64, q: &str| json!({"from_location_id": from, "to_location_id": to, "date": "2026-03-02", "lines": [{"product_id": p, "quantity": q}]});
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "transfer.ship", ship(stock, stock, "1")).unwrap_err();
    assert_eq!(e.fields()[0].code.as_str(), "same_warehouse");
    let e = app.admin_in("ACME", "transfer.ship", ship(stock, w2_stock, "11")).unwrap_err();
    assert_eq!(e.fields()[0].code.as_str(), "insufficient_stock");
    let (_, other_stock) = warehouse(&mut app, "OTHER");
    let before_other = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "transfer.ship", ship(stock, other_stock, "1")).unwrap_err();
    assert_eq!((e.fields()[0].field.as_str(), e.fields()[0].code.as_str().as_str()), ("to_location_id", "not_found"));
    assert_eq!(before_other, crate::dump(app.cora.store().conn(), &["sessions"]));
    drop(before);

    // Shipped: out of WH at once, into transit; the receipt waits at W2.
    let s = app.admin_in("ACME", "transfer.ship", ship(stock, w2_stock, "4")).unwrap();
    assert_eq!(s["shipped"]["state"], "done");
    assert_eq!(s["shipped"]["number"], "WH/INT/00001");
    assert_eq!(s["shipped"]["moves"][0]["to_location"], "Virtual/In transit");
    assert!(s["shipped"]["entry_id"].is_null(), "transit stays owned: no value moves");
    let r = &s["receipt"];
    assert_eq!((r["state"].clone(), r["warehouse_id"].as_i64(), r["reference"].clone()), (json!("draft"), Some(w2), json!("WH/INT/00001")));
    assert_eq!(r["source"], json!({"module": "inventory", "kind": "transit", "id": s["shipped"]["id"]}));
    assert_eq!(on_hand(&mut app, "ACME", json!({"product_id": p, "warehouse_id": wh}))["on_hand"], "6");
    assert_eq!(on_hand(&mut app, "ACME", json!({"product_id": p, "warehouse_id": w2}))["on_hand"], "0");
    assert_eq!(value(&mut app), "30", "goods in transit keep their value");
    // Received on arrival, dated then.
    let arrived = app.admin_in("ACME", "picking.update", json!({"id": r["id"], "picking": {"kind": "internal", "warehouse_id": w2, "from_location_id": r["from_location_id"],
        "to_location_id": w2_stock, "date": "2026-03-05", "reference": "WH/INT/00001", "lines": [{"product_id": p, "quantity": "4"}]}})).unwrap();
    let got = app.admin_in("ACME", "picking.done", json!({"id": arrived["id"]})).unwrap();
    assert_eq!(got["number"], "W2/INT/00001");
    assert_eq!(on_hand(&mut app, "ACME", json!({"product_id": p, "warehouse_id": w2}))["on_hand"], "4");
    assert_eq!(value(&mut app), "30");
    let c = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
}

#[test]
fn books_set_up_after_the_company_give_inventory_its_loss_account() {
    let mut app = TestApp::new();
    app.admin_call("company.create", json!({"code": "LATE", "name": "Late Ltd", "base_currency": "EUR", "chart_template": "none"})).unwrap();
    assert!(app.admin_in("LATE", "inventory.settings", json!({})).unwrap()["loss_account_id"].is_null());
    app.admin_in("LATE", "accounting.apply_chart", json!({"template": "generic"})).unwrap();
    let loss = app.admin_in("LATE", "inventory.settings", json!({})).unwrap()["loss_account_id"].as_i64();
    assert_eq!(loss, Some(crate::accounting::account(&mut app, "LATE", "5040")));
}

#[test]
fn pickings_done_in_a_batch_are_all_done_or_none() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "P", json!({}));
    let create = |app: &mut TestApp, kind: &str, q: &str| {
        let mut args = json!({"kind": kind, "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": q}]});
        if kind == "receipt" {
            args["lines"][0]["unit_cost"] = json!("2");
        }
        app.admin_in("ACME", "picking.create", args).unwrap()["id"].clone()
    };
    let (r, d) = (create(&mut app, "receipt", "5"), create(&mut app, "delivery", "6"));
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "picking.done_batch", json!({"ids": [r, d]})).unwrap_err();
    assert_eq!((e.fields()[0].field.as_str(), e.fields()[0].code.as_str().as_str()), ("ids.1.lines.0.quantity", "insufficient_stock"));
    assert_eq!(before, crate::dump(app.cora.store().conn(), &["sessions"]), "the receipt is not done either");
    let d2 = create(&mut app, "delivery", "4");
    let out = app.admin_in("ACME", "picking.done_batch", json!({"ids": [r, d2]})).unwrap();
    assert_eq!(out, json!({"done": 2, "moves": 2, "numbers": ["WH/IN/00001", "WH/OUT/00001"]}));
    assert_eq!(on_hand(&mut app, "ACME", json!({"product_id": p}))["on_hand"], "1");
    let c = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
}
