//! Valuation in move order: backdated moves recompute only their product's later moves
//! and post the differences (the ledger stays append-only), FIFO layers, landed costs and
//! the valuation at a date — each compared with a company that did the same in date order,
//! or with figures worked out by hand.

use crate::inventory::{done, product, virtual_location, warehouse};
use cora_core::ErrorCode;
use cora_core::testing::TestApp;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn balance(app: &mut TestApp, co: &str, code: &str) -> String {
    let id = crate::accounting::account(app, co, code);
    s(&app.admin_in(co, "account.get", json!({"id": id})).unwrap()["balance"])
}

fn checks_ok(app: &mut TestApp, co: &str) {
    let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
    let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], true, "{l}");
}

/// (sku, quantity, unit cost, value) per product of the valuation now or at a date.
fn valuation(app: &mut TestApp, co: &str, at: Option<&str>) -> (Vec<(String, String, String, String)>, String) {
    let args = match at {
        Some(d) => json!({"at": d}),
        None => json!({}),
    };
    let v = app.admin_in(co, "inventory.valuation", args).unwrap();
    let rows = v["rows"].as_array().unwrap().iter().map(|r| (s(&r["sku"]), s(&r["quantity"]), s(&r["average_cost"]), s(&r["value"]))).collect();
    (rows, s(&v["total"]))
}

struct Co {
    wh: i64,
    p: i64,
}

fn setup(app: &mut TestApp, co: &str, method: &str) -> Co {
    app.company(co);
    let (wh, _) = warehouse(app, co);
    app.admin_in(co, "inventory.update_settings", json!({"costing_method": method})).unwrap();
    let p = product(app, co, "P", json!({"cost": "4"}));
    Co { wh, p }
}

fn receipt(c: &Co, date: &str, q: &str, cost: &str) -> Value {
    json!({"kind": "receipt", "warehouse_id": c.wh, "date": date, "lines": [{"product_id": c.p, "quantity": q, "unit_cost": cost}]})
}

fn delivery(c: &Co, date: &str, q: &str) -> Value {
    json!({"kind": "delivery", "warehouse_id": c.wh, "date": date, "lines": [{"product_id": c.p, "quantity": q}]})
}

#[test]
fn a_backdated_receipt_leaves_the_valuation_of_moves_entered_in_order_and_posts_the_difference() {
    let mut app = TestApp::new();
    let late = setup(&mut app, "LATE", "average");
    let ordered = setup(&mut app, "ORDER", "average");
    // LATE: 10 @ 10 on the 1st, 5 delivered on the 10th (COGS 50), then the receipt of the
    // 5th (10 @ 16) is entered. In order: 20 @ 13 on the 5th, the delivery takes 65.
    done(&mut app, "LATE", receipt(&late, "2026-03-01", "10", "10")).unwrap();
    let d = done(&mut app, "LATE", delivery(&late, "2026-03-10", "5")).unwrap();
    assert_eq!(s(&d["moves"][0]["value"]), "-50");
    let back = done(&mut app, "LATE", receipt(&late, "2026-03-05", "10", "16")).unwrap();
    for (date, args) in [("1", receipt(&ordered, "2026-03-01", "10", "10")), ("5", receipt(&ordered, "2026-03-05", "10", "16")), ("10", delivery(&ordered, "2026-03-10", "5"))] {
        done(&mut app, "ORDER", args).unwrap_or_else(|e| panic!("{date}: {e}"));
    }
    assert_eq!(valuation(&mut app, "LATE", None), valuation(&mut app, "ORDER", None));
    assert_eq!(valuation(&mut app, "LATE", None).1, "195");
    for code in ["1300", "2010", "5000"] {
        assert_eq!(balance(&mut app, "LATE", code), balance(&mut app, "ORDER", code), "account {code}");
    }
    assert_eq!(balance(&mut app, "LATE", "5000"), "65");
    // The backdated receipt's entry: its own value and the delivery's difference, dated at
    // the stock journal's last date (its series is chronological), saying so.
    let e = app.admin_in("LATE", "entry.get", json!({"id": back["entry_id"]})).unwrap();
    assert_eq!(e["date"], "2026-03-10");
    assert!(s(&e["memo"]).contains("revaluing 1 later moves") && s(&e["memo"]).contains("dated 2026-03-05"), "{e}");
    // At the 5th, as if in order, in both.
    let at5 = valuation(&mut app, "LATE", Some("2026-03-05"));
    assert_eq!(at5, (vec![("P".into(), "20".into(), "13".into(), "260".into())], "260".into()));
    assert_eq!(at5, valuation(&mut app, "ORDER", Some("2026-03-05")));
    assert_eq!(valuation(&mut app, "LATE", Some("2026-02-28")).1, "0");
    // Printed and exported alike, at that date.
    let table = app.admin_in("LATE", "report.table", json!({"report": "stock_valuation", "args": {"at": "2026-03-05"}})).unwrap();
    assert!(table.to_string().contains("at the end of 2026-03-05") && table.to_string().contains("\"260.00\""), "{table}");
    checks_ok(&mut app, "LATE");
    checks_ok(&mut app, "ORDER");
    // The method is fixed once stock has been valued.
    let e = app.admin_in("LATE", "inventory.update_settings", json!({"costing_method": "fifo"})).unwrap_err();
    assert_eq!(e.fields()[0].code.as_str(), "costing_method_locked");
}

#[test]
fn a_backdated_move_that_would_take_stock_below_zero_later_is_refused_and_writes_nothing() {
    let mut app = TestApp::new();
    let c = setup(&mut app, "ACME", "average");
    done(&mut app, "ACME", receipt(&c, "2026-03-01", "5", "10")).unwrap();
    done(&mut app, "ACME", delivery(&c, "2026-03-10", "5")).unwrap();
    done(&mut app, "ACME", receipt(&c, "2026-03-12", "3", "10")).unwrap();
    // 3 on hand now, but 2 taken on the 5th would leave −2 after the 10th.
    let p = app.admin_in("ACME", "picking.create", delivery(&c, "2026-03-05", "2")).unwrap();
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "picking.done", json!({"id": p["id"]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    let f = &e.fields()[0];
    assert_eq!((f.field.as_str(), f.code.as_str().as_str()), ("date", "short_at_date"));
    assert_eq!(f.params["date"], "2026-03-10");
    assert_eq!(f.params["shortfall"], "2");
    assert_eq!(before, crate::dump(app.cora.store().conn(), &["sessions"]));
    // Dated the 12th it fits.
    app.admin_in("ACME", "picking.delete", json!({"id": p["id"]})).unwrap();
    done(&mut app, "ACME", delivery(&c, "2026-03-12", "2")).unwrap();
    checks_ok(&mut app, "ACME");
}

#[test]
fn fifo_takes_the_oldest_layers_first_and_a_backdated_layer_changes_only_what_follows() {
    let mut app = TestApp::new();
    let late = setup(&mut app, "LATE", "fifo");
    let ordered = setup(&mut app, "ORDER", "fifo");
    done(&mut app, "LATE", receipt(&late, "2026-03-01", "10", "1")).unwrap();
    done(&mut app, "LATE", receipt(&late, "2026-03-02", "10", "2")).unwrap();
    let d = done(&mut app, "LATE", delivery(&late, "2026-03-03", "15")).unwrap();
    assert_eq!(s(&d["moves"][0]["value"]), "-20", "10 × 1 + 5 × 2");
    assert_eq!(valuation(&mut app, "LATE", None), (vec![("P".into(), "5".into(), "2".into(), "10".into())], "10".into()));
    // 5 @ 0.5 dated the 1st: layers 10 @ 1, 5 @ 0.5, 10 @ 2; the delivery takes 12.5.
    done(&mut app, "LATE", receipt(&late, "2026-03-01", "5", "0.5")).unwrap();
    for args in [receipt(&ordered, "2026-03-01", "10", "1"), receipt(&ordered, "2026-03-01", "5", "0.5"), receipt(&ordered, "2026-03-02", "10", "2"), delivery(&ordered, "2026-03-03", "15")] {
        done(&mut app, "ORDER", args).unwrap();
    }
    assert_eq!(valuation(&mut app, "LATE", None), (vec![("P".into(), "10".into(), "2".into(), "20".into())], "20".into()));
    assert_eq!(valuation(&mut app, "LATE", None), valuation(&mut app, "ORDER", None));
    assert_eq!(balance(&mut app, "LATE", "5000"), "12.5");
    assert_eq!(balance(&mut app, "ORDER", "5000"), "12.5");
    checks_ok(&mut app, "LATE");
    checks_ok(&mut app, "ORDER");
}

#[test]
fn fifo_below_zero_leaves_at_the_last_cost_and_the_next_receipt_revalues_the_hole() {
    let mut app = TestApp::new();
    let c = setup(&mut app, "ACME", "fifo");
    app.admin_in("ACME", "inventory.update_settings", json!({"allow_negative_stock": true})).unwrap();
    // Never received: the catalog cost (4) values the 3 going below zero.
    let d = done(&mut app, "ACME", delivery(&c, "2026-03-01", "3")).unwrap();
    assert_eq!(s(&d["moves"][0]["value"]), "-12");
    // 5 @ 5 arrive: 3 fill the hole (revalued 12 → 15, 3 more to COGS), 2 stay at 5.
    done(&mut app, "ACME", receipt(&c, "2026-03-02", "5", "5")).unwrap();
    assert_eq!(valuation(&mut app, "ACME", None), (vec![("P".into(), "2".into(), "5".into(), "10".into())], "10".into()));
    assert_eq!(balance(&mut app, "ACME", "5000"), "15");
    assert_eq!(balance(&mut app, "ACME", "1300"), "10");
    checks_ok(&mut app, "ACME");
}

#[test]
fn a_landed_cost_spreads_over_a_receipt_and_revalues_what_already_left() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let a = product(&mut app, "ACME", "A", json!({}));
    let b = product(&mut app, "ACME", "B", json!({}));
    let r = done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01",
        "lines": [{"product_id": a, "quantity": "10", "unit_cost": "10"}, {"product_id": b, "quantity": "10", "unit_cost": "30"}]})).unwrap();
    let d = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": a, "quantity": "5"}]})).unwrap();
    let freight = crate::accounting::account(&mut app, "ACME", "2210");

    // Refused: not a done receipt, nothing to spread, no account.
    let bad = app.admin_in("ACME", "landed_cost.add", json!({"picking_id": d["id"], "amount": "0", "split": "value"})).unwrap_err();
    let codes: Vec<(String, String)> = bad.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect();
    assert_eq!(codes, vec![("amount".into(), "not_positive".into()), ("picking_id".into(), "not_a_done_receipt".into()), ("account_id".into(), "required".into())]);
    let wh_user = app.member("w@example.com", "ACME", "warehouse");
    let e = app.call(&wh_user, Some("ACME"), "landed_cost.add", json!({"picking_id": r["id"], "amount": "40", "split": "value", "account_id": freight})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);

    // 40 by value: A 100 → 10, B 300 → 30. A's 5 already delivered cost 5 more.
    let l = app.admin_in("ACME", "landed_cost.add", json!({"picking_id": r["id"], "amount": "40", "split": "value", "account_id": freight, "date": "2026-03-03", "description": "Freight"})).unwrap();
    let shares: Vec<(String, String)> = l["lines"].as_array().unwrap().iter().map(|x| (s(&x["sku"]), s(&x["amount"]))).collect();
    assert_eq!(shares, vec![("A".into(), "10".into()), ("B".into(), "30".into())]);
    assert_eq!(
        valuation(&mut app, "ACME", None),
        (vec![("A".into(), "5".into(), "11".into(), "55".into()), ("B".into(), "10".into(), "33".into(), "330".into())], "385".into())
    );
    // Paged by SKU, the total always of every product.
    let page = app.admin_in("ACME", "inventory.valuation", json!({"limit": 1})).unwrap();
    assert_eq!((page["rows"].as_array().unwrap().len(), page["next"].clone(), s(&page["total"])), (1, json!("A"), "385".to_string()));
    let page = app.admin_in("ACME", "inventory.valuation", json!({"limit": 1, "after": "A"})).unwrap();
    assert_eq!((page["rows"][0]["sku"].clone(), page["next"].clone()), (json!("B"), Value::Null));
    assert_eq!(balance(&mut app, "ACME", "2210"), "-40");
    assert_eq!(balance(&mut app, "ACME", "5000"), "55");
    assert_eq!(balance(&mut app, "ACME", "1300"), "385");
    let e = app.admin_in("ACME", "entry.get", json!({"id": l["entry_id"]})).unwrap();
    assert_eq!(e["date"], "2026-03-03");
    // By quantity, 1 on 20 units: 0.5 each.
    let q = app.admin_in("ACME", "landed_cost.add", json!({"picking_id": r["id"], "amount": "1", "split": "quantity", "account_id": freight, "date": "2026-03-03"})).unwrap();
    let shares: Vec<String> = q["lines"].as_array().unwrap().iter().map(|x| s(&x["amount"])).collect();
    assert_eq!(shares, vec!["0.5", "0.5"]);
    let list = app.admin_in("ACME", "landed_cost.list", json!({"id": r["id"]})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    checks_ok(&mut app, "ACME");
    // Posted landed costs are immutable.
    let conn = app.cora.store().conn();
    assert!(conn.execute("UPDATE landed_costs SET amount = 1", []).is_err());
    assert!(conn.execute("DELETE FROM landed_cost_lines", []).is_err());
    assert!(conn.execute("DELETE FROM stock_valuation", []).is_err());
}

#[test]
fn a_gain_without_cost_enters_at_the_cost_of_its_date_when_backdated() {
    let mut app = TestApp::new();
    let c = setup(&mut app, "ACME", "average");
    done(&mut app, "ACME", receipt(&c, "2026-03-01", "10", "10")).unwrap();
    done(&mut app, "ACME", receipt(&c, "2026-03-10", "10", "20")).unwrap();
    // A gain of 2 found on the 5th, entered late: at the 5th's average (10), not today's (15).
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": c.wh, "date": "2026-03-05", "reason": "found", "from_location_id": loss,
        "lines": [{"product_id": c.p, "quantity": "2"}]})).unwrap();
    assert_eq!(valuation(&mut app, "ACME", None).1, "320");
    assert_eq!(balance(&mut app, "ACME", "5040"), "-20");
    checks_ok(&mut app, "ACME");
}

#[test]
fn the_migration_backfills_the_rows_the_engine_writes_for_a_history_in_order() {
    let mut app = TestApp::new();
    let c = setup(&mut app, "ACME", "average");
    let q = product(&mut app, "ACME", "Q", json!({}));
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    done(&mut app, "ACME", receipt(&c, "2026-03-01", "10", "2.5")).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": c.wh, "date": "2026-03-01", "lines": [{"product_id": q, "quantity": "3", "unit_cost": "1.111"}, {"product_id": c.p, "quantity": "5", "unit_cost": "4"}]})).unwrap();
    done(&mut app, "ACME", delivery(&c, "2026-03-02", "4")).unwrap();
    done(&mut app, "ACME", json!({"kind": "scrap", "warehouse_id": c.wh, "date": "2026-03-03", "reason": "broken", "lines": [{"product_id": q, "quantity": "1"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": c.wh, "date": "2026-03-04", "reason": "found", "from_location_id": loss, "lines": [{"product_id": c.p, "quantity": "2"}]})).unwrap();
    done(&mut app, "ACME", delivery(&c, "2026-03-05", "13")).unwrap();
    let conn = app.cora.store().conn();
    let rows = |conn: &rusqlite::Connection| -> Vec<Vec<Option<i64>>> {
        let mut st = conn
            .prepare(
                "SELECT product_id, move_id, quantity, base_value, counter_account_id, moved, difference, qty_after, value_after, cum_in, cum_out,
                        CASE WHEN id = (SELECT max(id) FROM stock_valuation x WHERE x.product_id = v.product_id) THEN cost_after END
                 FROM stock_valuation v ORDER BY product_id, date, id",
            )
            .unwrap();
        st.query_map([], |r| (0..12).map(|i| r.get::<_, Option<i64>>(i)).collect()).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let written = rows(conn);
    assert_eq!(written.len(), 7);
    // As a file from before V10 had them: no rows. The migration's backfill writes them.
    let sql = include_str!("../../../migrations/V10__valuation_layers.sql");
    let backfill = &sql[sql.find("INSERT INTO stock_valuation").unwrap()..];
    conn.execute_batch("DROP TRIGGER stock_valuation_no_delete; DELETE FROM stock_valuation;").unwrap();
    conn.execute_batch(backfill).unwrap();
    assert_eq!(rows(conn), written);
}

#[test]
fn the_cost_state_keeps_where_the_rows_end_and_the_check_sees_it_drift() {
    let mut app = TestApp::new();
    let c = setup(&mut app, "ACME", "fifo");
    done(&mut app, "ACME", receipt(&c, "2026-03-01", "10", "2.5")).unwrap();
    done(&mut app, "ACME", receipt(&c, "2026-03-04", "5", "4")).unwrap();
    done(&mut app, "ACME", delivery(&c, "2026-03-05", "12")).unwrap();
    // Backdated: the state before it comes from the rows, not the cost state's tail.
    done(&mut app, "ACME", delivery(&c, "2026-03-02", "1")).unwrap();
    let tail = |app: &TestApp| -> (String, i64, i64, i64) {
        app.cora
            .store()
            .conn()
            .query_row("SELECT last_date, cum_in, cum_out, quantity FROM stock_costs WHERE product_id = ?1", [c.p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
    };
    let scale = 10_i64.pow(cora_core::inventory::model::QTY_SCALE);
    assert_eq!(tail(&app), ("2026-03-05".to_string(), 15 * scale, 13 * scale, 2 * scale));
    // Two units left, from the 4.00 layer: a delivery after the last row takes them at 4.
    let d = done(&mut app, "ACME", delivery(&c, "2026-03-06", "2")).unwrap();
    assert_eq!(s(&d["moves"][0]["value"]), "-8");
    checks_ok(&mut app, "ACME");
    let written = tail(&app);
    // V13's backfill gives a file from before it the same tail.
    let conn = app.cora.store().conn();
    conn.execute_batch("UPDATE stock_costs SET last_date = NULL, cum_in = 0, cum_out = 0").unwrap();
    let c2 = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!(c2["ok"], false, "{c2}");
    let sql = include_str!("../../../migrations/V13__cost_state_tail.sql");
    app.cora.store().conn().execute_batch(&sql[sql.find("UPDATE stock_costs").unwrap()..]).unwrap();
    assert_eq!(tail(&app), written);
    checks_ok(&mut app, "ACME");
    // A tail that drifted from the last row is reported.
    app.cora.store().conn().execute_batch("UPDATE stock_costs SET cum_out = cum_out + 1").unwrap();
    let c3 = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!(c3["ok"], false, "{c3}");
}
