//! Production: bills of materials (cycles, versions, explosion, roll-up, where-used) and
//! production orders through the stock-move engine and the ledger — a textbook scenario
//! worked out by hand, partial and over-consumption, closing short, cancelling, unbuilding,
//! lots traced back, isolation, and random orders across two companies.

use crate::inventory::{done, product, warehouse};
use cora_core::ErrorCode;
use cora_core::testing::TestApp;
use proptest::prelude::*;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn balance(app: &mut TestApp, co: &str, code: &str) -> String {
    let id = crate::accounting::account(app, co, code);
    s(&app.admin_in(co, "account.get", json!({"id": id})).unwrap()["balance"])
}

fn on_hand(app: &mut TestApp, co: &str, p: i64) -> String {
    s(&app.admin_in(co, "stock.on_hand", json!({"product_id": p})).unwrap()["on_hand"])
}

fn checks_ok(app: &mut TestApp, co: &str) {
    let c = app.admin_in(co, "production.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
    let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
    let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], true, "{l}");
}

fn receive(app: &mut TestApp, co: &str, wh: i64, p: i64, q: &str, cost: &str) {
    done(app, co, json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": q, "unit_cost": cost}]})).unwrap();
}

fn field(e: &cora_core::Error) -> (String, String) {
    let f = &e.fields()[0];
    (f.field.clone(), f.code.as_str())
}

struct Shop {
    wh: i64,
    table: i64,
    leg: i64,
    top: i64,
    bom: i64,
}

/// A table is 4 legs (5.00 each) and a top (40.00), assembled in 30 minutes at 30.00 an
/// hour: 60 of materials and 15 of labour, 75 a table.
fn shop(app: &mut TestApp, co: &str) -> Shop {
    app.company(co);
    let (wh, _) = warehouse(app, co);
    let table = product(app, co, "TABLE", json!({"cost": "0"}));
    let leg = product(app, co, "LEG", json!({"cost": "5"}));
    let top = product(app, co, "TOP", json!({"cost": "40"}));
    receive(app, co, wh, leg, "10", "5");
    receive(app, co, wh, top, "5", "40");
    let wc = app.admin_in(co, "work_centre.create", json!({"code": "ASM", "name": "Assembly", "cost_per_hour": "30"})).unwrap();
    let bom = app
        .admin_in(
            co,
            "bom.create",
            json!({"product_id": table, "quantity": "1", "lines": [
                {"product_id": leg, "quantity": "4"},
                {"product_id": top, "quantity": "1"}
            ], "operations": [{"name": "Assemble", "work_centre_id": wc["id"], "minutes_per_unit": "30"}]}),
        )
        .unwrap();
    Shop { wh, table, leg, top, bom: bom["id"].as_i64().unwrap() }
}

fn order(app: &mut TestApp, co: &str, product: i64, qty: &str) -> Value {
    let o = app.admin_in(co, "production.create_order", json!({"product_id": product, "quantity": qty, "date_planned": "2026-03-02"})).unwrap();
    app.admin_in(co, "production.confirm_order", json!({"id": o["id"]})).unwrap()
}

#[test]
fn a_table_made_by_hand_moves_stock_and_values_through_work_in_progress_exactly() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    // The BOM's roll-up, by hand: 4 × 5 + 40 = 60 of components, 0.5 h × 30 = 15 of labour.
    let bom = app.admin_in("ACME", "bom.get", json!({"id": c.bom})).unwrap();
    assert_eq!((s(&bom["components_cost"]), s(&bom["operations_cost"]), s(&bom["total_cost"]), s(&bom["unit_cost"])), ("60".into(), "15".into(), "75".into(), "75".into()));
    assert_eq!(bom["is_default"], true);
    // Two tables: numbered at confirmation, standard 75, untracked components reserved.
    let o = order(&mut app, "ACME", c.table, "2");
    assert_eq!(o["number"], "MO/00001");
    assert_eq!(o["state"], "confirmed");
    assert_eq!(s(&o["standard_cost"]), "75");
    assert_eq!((s(&o["lines"][0]["planned"]), s(&o["lines"][1]["planned"])), ("8".into(), "2".into()));
    let avail = app.admin_in("ACME", "stock.on_hand", json!({"product_id": c.leg})).unwrap();
    assert_eq!((s(&avail["on_hand"]), s(&avail["reserved"])), ("10".into(), "8".into()), "{avail}");
    // The legs are taken first: WIP holds their 20 while nothing is made.
    let id = o["id"].clone();
    let o = app.admin_in("ACME", "production.consume", json!({"id": id, "date": "2026-03-02", "lines": [{"product_id": c.leg, "quantity": "4"}]})).unwrap();
    assert_eq!((o["state"].as_str(), s(&o["wip_value"])), (Some("in_progress"), "20".into()));
    assert_eq!(balance(&mut app, "ACME", "1320"), "20");
    checks_ok(&mut app, "ACME");
    // One table: its top taken by default (the legs already were), 30 minutes absorbed,
    // the table in at 20 + 40 + 15 = 75.
    let o = app.admin_in("ACME", "production.produce", json!({"id": id, "quantity": "1", "date": "2026-03-02"})).unwrap();
    assert_eq!((s(&o["produced"]), s(&o["produced_value"]), s(&o["wip_value"])), ("1".into(), "75".into(), "0".into()));
    assert_eq!(o["state"], "in_progress");
    assert_eq!(on_hand(&mut app, "ACME", c.table), "1");
    // The second table over-consumes a leg (5 instead of 4): 25 + 40 + 15 = 80, the
    // variance shown on the line and against the standard.
    let o = app
        .admin_in("ACME", "production.produce", json!({"id": id, "quantity": "1", "date": "2026-03-03", "consumption": [{"product_id": c.leg, "quantity": "5"}, {"product_id": c.top, "quantity": "1"}]}))
        .unwrap();
    assert_eq!(o["state"], "done");
    assert_eq!((s(&o["produced_value"]), s(&o["actual_unit_cost"]), s(&o["cost_variance"])), ("155".into(), "77.5".into(), "5".into()));
    assert_eq!((s(&o["lines"][0]["done"]), s(&o["lines"][0]["expected"]), s(&o["lines"][0]["variance"])), ("9".into(), "8".into(), "1".into()));
    assert!(o["reservation_id"].is_null());
    // Stock: 10 − 9 legs, 5 − 2 tops, 2 tables; their values and the accounts agree.
    assert_eq!((on_hand(&mut app, "ACME", c.leg), on_hand(&mut app, "ACME", c.top), on_hand(&mut app, "ACME", c.table)), ("1".into(), "3".into(), "2".into()));
    let v = app.admin_in("ACME", "inventory.valuation", json!({})).unwrap();
    assert_eq!(s(&v["total"]), "280", "{v}"); // 5 + 120 + 155
    assert_eq!(balance(&mut app, "ACME", "1300"), "280");
    assert_eq!(balance(&mut app, "ACME", "1320"), "0");
    assert_eq!(balance(&mut app, "ACME", "5060"), "-30");
    let o = app.admin_in("ACME", "production.get_order", json!({"id": id})).unwrap();
    assert_eq!(o["steps"].as_array().unwrap().len(), 3);
    assert!(s(&o["steps"][1]["output_number"]).starts_with("WH/MFG/"), "{o}");
    checks_ok(&mut app, "ACME");
    // Done is done: no more output, no cancel, and the pickings are the order's.
    let e = app.admin_in("ACME", "production.produce", json!({"id": id, "quantity": "1"})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::InvalidTransition);
    let e = app.admin_in("ACME", "production.cancel_order", json!({"id": id})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::InvalidTransition);
    let pick = o["steps"][1]["output_picking_id"].clone();
    let e = app.admin_in("ACME", "picking.cancel", json!({"id": pick})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::Immutable);
    let e = app.admin_in("ACME", "picking.create", json!({"kind": "production", "warehouse_id": c.wh, "date": "2026-03-02", "lines": [{"product_id": c.leg, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field(&e).0, "kind");
}

#[test]
fn a_bom_that_would_contain_itself_is_refused_naming_the_cycle() {
    let mut app = TestApp::new();
    app.company("ACME");
    let a = product(&mut app, "ACME", "A", json!({}));
    let b = product(&mut app, "ACME", "B", json!({}));
    let c = product(&mut app, "ACME", "C", json!({}));
    app.admin_in("ACME", "bom.create", json!({"product_id": a, "quantity": "1", "lines": [{"product_id": b, "quantity": "2"}]})).unwrap();
    app.admin_in("ACME", "bom.create", json!({"product_id": b, "quantity": "1", "lines": [{"product_id": c, "quantity": "3"}]})).unwrap();
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "bom.create", json!({"product_id": c, "quantity": "1", "lines": [{"product_id": a, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field(&e), ("lines.0.product_id".into(), "bom_cycle".into()));
    assert_eq!(e.fields()[0].params["cycle"], "C → A → B → C");
    let e = app.admin_in("ACME", "bom.create", json!({"product_id": c, "quantity": "1", "lines": [{"product_id": c, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field(&e).1, "bom_cycle");
    assert_eq!(before, crate::dump(app.cora.store().conn(), &["sessions"]));
    // Multi-level: 2 A = 4 B = 12 C, rolled up from C's cost; C is used in B, and in A at the second level.
    app.admin_in("ACME", "catalog.update_product", json!({"id": c, "cost": "1.5"})).ok();
    let t = app.admin_in("ACME", "bom.explode", json!({"product_id": a, "quantity": "2"})).unwrap();
    let nodes = t["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert_eq!((s(&nodes[1]["quantity"]), s(&nodes[2]["quantity"])), ("4".into(), "12".into()));
    assert_eq!(t["levels"], 3);
    let used = app.admin_in("ACME", "bom.where_used", json!({"product_id": c, "all_levels": true})).unwrap();
    let skus: Vec<(i64, String)> = used.as_array().unwrap().iter().map(|r| (r["level"].as_i64().unwrap(), s(&r["sku"]))).collect();
    assert_eq!(skus, vec![(1, "B".into()), (2, "A".into())]);
    // No BOM: no order.
    let e = app.admin_in("ACME", "production.create_order", json!({"product_id": c, "quantity": "1", "date_planned": "2026-03-02"})).unwrap_err();
    assert_eq!(field(&e), ("product_id".into(), "no_bom".into()));
}

#[test]
fn scrap_and_units_are_converted_exactly_and_rounded_up_once() {
    let mut app = TestApp::new();
    app.company("ACME");
    warehouse(&mut app, "ACME");
    let kg = crate::inventory::unit(&app, "ACME", "kg");
    let g = crate::inventory::unit(&app, "ACME", "g");
    let bread = product(&mut app, "ACME", "BREAD", json!({}));
    let flour = product(&mut app, "ACME", "FLOUR", json!({"unit_id": kg}));
    // 350 g of flour a loaf, 10% lost: 3 loaves need 1.155 kg.
    app.admin_in("ACME", "bom.create", json!({"product_id": bread, "quantity": "1", "lines": [{"product_id": flour, "quantity": "350", "unit_id": g, "scrap": "10"}]})).unwrap();
    let o = app.admin_in("ACME", "production.create_order", json!({"product_id": bread, "quantity": "3", "date_planned": "2026-03-02"})).unwrap();
    assert_eq!(s(&o["lines"][0]["planned"]), "1.155");
    let t = app.admin_in("ACME", "bom.explode", json!({"product_id": bread, "quantity": "1"})).unwrap();
    assert_eq!(s(&t["nodes"][1]["quantity"]), "0.385");
}

#[test]
fn cancelling_in_progress_returns_what_was_consumed_and_unbuilding_restores_components_at_their_cost() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    let o = order(&mut app, "ACME", c.table, "1");
    app.admin_in("ACME", "production.consume", json!({"id": o["id"], "date": "2026-03-02", "lines": [{"product_id": c.leg, "quantity": "4"}]})).unwrap();
    assert_eq!(on_hand(&mut app, "ACME", c.leg), "6");
    let o = app.admin_in("ACME", "production.cancel_order", json!({"id": o["id"], "date": "2026-03-02"})).unwrap();
    assert_eq!((o["state"].as_str(), s(&o["wip_value"])), (Some("cancelled"), "0".into()));
    assert_eq!(on_hand(&mut app, "ACME", c.leg), "10");
    assert_eq!(balance(&mut app, "ACME", "1320"), "0");
    checks_ok(&mut app, "ACME");
    // Built and taken apart: the legs and top come back at the 60 they left with.
    let o = order(&mut app, "ACME", c.table, "2");
    assert_eq!(o["number"], "MO/00002");
    let id = o["id"].clone();
    app.admin_in("ACME", "production.produce", json!({"id": id, "quantity": "2", "date": "2026-03-02"})).unwrap();
    let before = balance(&mut app, "ACME", "1300");
    assert_eq!(before, "280"); // 2 legs at 5, 3 tops at 40, 2 tables at 75
    let o = app.admin_in("ACME", "production.unbuild", json!({"id": id, "quantity": "1", "date": "2026-03-04"})).unwrap();
    assert_eq!(s(&o["unbuilt"]), "1");
    assert_eq!((on_hand(&mut app, "ACME", c.table), on_hand(&mut app, "ACME", c.leg), on_hand(&mut app, "ACME", c.top)), ("1".into(), "6".into(), "4".into()));
    // The table left at 75; 60 of components came back; the 15 of labour is a variance.
    assert_eq!(balance(&mut app, "ACME", "1300"), "265");
    assert_eq!(balance(&mut app, "ACME", "5050"), "15");
    assert_eq!(balance(&mut app, "ACME", "1320"), "0");
    let e = app.admin_in("ACME", "production.unbuild", json!({"id": id, "quantity": "2"})).unwrap_err();
    assert_eq!(field(&e), ("quantity".into(), "exceeds_remaining".into()));
    checks_ok(&mut app, "ACME");
}

#[test]
fn closing_short_writes_off_what_is_left_in_wip() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    let o = order(&mut app, "ACME", c.table, "2");
    let id = o["id"].clone();
    app.admin_in("ACME", "production.consume", json!({"id": id, "date": "2026-03-02", "lines": [{"product_id": c.leg, "quantity": "8"}]})).unwrap();
    // Half made: the table takes half the legs (20), its top (40) and its labour (15).
    let o = app.admin_in("ACME", "production.produce", json!({"id": id, "quantity": "1", "date": "2026-03-02"})).unwrap();
    assert_eq!((s(&o["produced_value"]), s(&o["wip_value"])), ("75".into(), "20".into()));
    assert_eq!(balance(&mut app, "ACME", "1320"), "20");
    checks_ok(&mut app, "ACME");
    let o = app.admin_in("ACME", "production.finish_order", json!({"id": id, "date": "2026-03-03"})).unwrap();
    assert_eq!((o["state"].as_str(), s(&o["wip_value"]), s(&o["remaining"])), (Some("done"), "0".into(), "0".into()));
    assert_eq!(balance(&mut app, "ACME", "5050"), "20");
    assert_eq!(balance(&mut app, "ACME", "1320"), "0");
    checks_ok(&mut app, "ACME");
}

#[test]
fn a_finished_lot_traces_back_to_its_component_lots() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    let steel = product(&mut app, "ACME", "STEEL", json!({}));
    let frame = product(&mut app, "ACME", "FRAME", json!({}));
    for p in [steel, frame] {
        app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": p, "tracking": "lot"})).unwrap();
    }
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": c.wh, "date": "2026-03-01", "lines": [{"product_id": steel, "quantity": "10", "unit_cost": "2", "lot_code": "S-1"}]})).unwrap();
    app.admin_in("ACME", "bom.create", json!({"product_id": frame, "quantity": "1", "lines": [{"product_id": steel, "quantity": "3"}]})).unwrap();
    let o = order(&mut app, "ACME", frame, "2");
    // A tracked component is not reserved and must be named by lot.
    assert!(o["reservation_id"].is_null());
    let e = app.admin_in("ACME", "production.produce", json!({"id": o["id"], "quantity": "2", "lots": [{"product_id": frame, "quantity": "2", "lot_code": "F-1"}]})).unwrap_err();
    assert_eq!(field(&e), ("consumption".into(), "lot_required".into()));
    assert_eq!(e.fields()[0].params["sku"], "STEEL");
    let e = app
        .admin_in("ACME", "production.produce", json!({"id": o["id"], "quantity": "2", "consumption": [{"product_id": steel, "quantity": "6", "lot_code": "S-1"}], "lots": [{"product_id": frame, "quantity": "1", "lot_code": "F-1"}]}))
        .unwrap_err();
    assert_eq!(field(&e), ("lots".into(), "lots_do_not_add_up".into()));
    assert_eq!((e.fields()[0].params.get("expected").map(String::as_str), e.fields()[0].params.get("got").map(String::as_str)), (Some("2"), Some("1")));
    let e = app.admin_in("ACME", "production.produce", json!({"id": o["id"], "quantity": "2", "consumption": [{"product_id": steel, "quantity": "6", "lot_code": "S-1"}]})).unwrap_err();
    assert_eq!(field(&e), ("lots".into(), "lot_required".into()));
    let o = app
        .admin_in(
            "ACME",
            "production.produce",
            json!({"id": o["id"], "quantity": "2", "date": "2026-03-02", "consumption": [{"product_id": steel, "quantity": "6", "lot_code": "S-1"}], "lots": [{"product_id": frame, "quantity": "2", "lot_code": "F-1"}]}),
        )
        .unwrap();
    assert_eq!((o["state"].as_str(), s(&o["produced_value"])), (Some("done"), "12".into()));
    let lots = app.admin_in("ACME", "lot.list", json!({"product_id": frame})).unwrap();
    let f1 = lots.as_array().or_else(|| lots["rows"].as_array()).unwrap().iter().find(|l| l["code"] == "F-1").unwrap()["id"].clone();
    let t = app.admin_in("ACME", "production.trace_lot", json!({"lot_id": f1})).unwrap();
    let t: Vec<(i64, String, String)> = t.as_array().unwrap().iter().map(|n| (n["level"].as_i64().unwrap(), s(&n["lot_code"]), s(&n["quantity"]))).collect();
    assert_eq!(t, vec![(0, "F-1".into(), "2".into()), (1, "S-1".into(), "6".into())]);
    // The order lists the lot it made.
    let o = app.admin_in("ACME", "production.get_order", json!({"id": o["id"]})).unwrap();
    let outs: Vec<(String, String, String)> = o["outputs"].as_array().unwrap().iter().map(|x| (s(&x["lot_code"]), s(&x["produced"]), s(&x["value"]))).collect();
    assert_eq!(outs, vec![("F-1".into(), "2".into(), "12".into())]);
    checks_ok(&mut app, "ACME");
}

#[test]
fn a_draft_order_is_changed_by_copying_its_bom_again_and_unbuilding_takes_by_products_back() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    let o = app.admin_in("ACME", "production.create_order", json!({"product_id": c.table, "quantity": "1", "date_planned": "2026-03-02"})).unwrap();
    let id = o["id"].clone();
    let o = app.admin_in("ACME", "production.update_order", json!({"id": id, "order": {"product_id": c.table, "quantity": "2", "date_planned": "2026-03-03", "origin": "SO/7"}})).unwrap();
    let planned: Vec<String> = o["lines"].as_array().unwrap().iter().map(|l| s(&l["planned"])).collect();
    assert_eq!((planned, s(&o["quantity"]), s(&o["origin"]), s(&o["date_planned"])), (vec!["8".to_string(), "2".to_string()], "2".into(), "SO/7".into(), "2026-03-03".into()));
    assert_eq!(s(&o["operations"][0]["planned_minutes"]), "60");
    let e = app.admin_in("ACME", "production.update_order", json!({"id": id, "order": {"product_id": c.table, "quantity": "0", "date_planned": "2026-03-03"}})).unwrap_err();
    assert_eq!(field(&e), ("quantity".into(), "not_positive".into()));
    app.admin_in("ACME", "production.confirm_order", json!({"id": id})).unwrap();
    let e = app.admin_in("ACME", "production.update_order", json!({"id": id, "order": {"product_id": c.table, "quantity": "3", "date_planned": "2026-03-03"}})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict, "{e}");

    // A stool makes sawdust alongside: 1 kg a stool, carrying 10 % of the cost.
    let stool = product(&mut app, "ACME", "STOOL", json!({}));
    let dust = product(&mut app, "ACME", "DUST", json!({}));
    app.admin_in(
        "ACME",
        "bom.create",
        json!({"product_id": stool, "quantity": "1", "lines": [
            {"product_id": c.leg, "quantity": "2"},
            {"kind": "byproduct", "product_id": dust, "quantity": "1", "cost_share": "10"}
        ]}),
    )
    .unwrap();
    let o = order(&mut app, "ACME", stool, "2");
    let sid = o["id"].clone();
    let o = app.admin_in("ACME", "production.produce", json!({"id": sid, "quantity": "2", "date": "2026-03-02"})).unwrap();
    // 4 legs at 5 = 20: the dust takes 2, the stools 18.
    let outs: Vec<(String, bool, String, String)> = o["outputs"].as_array().unwrap().iter().map(|x| (s(&x["sku"]), x["byproduct"].as_bool().unwrap(), s(&x["produced"]), s(&x["value"]))).collect();
    assert_eq!(outs, vec![("STOOL".into(), false, "2".into(), "18".into()), ("DUST".into(), true, "2".into(), "2".into())]);
    assert_eq!(on_hand(&mut app, "ACME", dust), "2");
    let o = app.admin_in("ACME", "production.unbuild", json!({"id": sid, "quantity": "1", "date": "2026-03-04"})).unwrap();
    // Half taken apart: one stool and one kg of dust leave, two legs come back.
    assert_eq!((on_hand(&mut app, "ACME", stool), on_hand(&mut app, "ACME", dust)), ("1".into(), "1".into()));
    let unbuilt: Vec<String> = o["outputs"].as_array().unwrap().iter().map(|x| s(&x["unbuilt"])).collect();
    assert_eq!(unbuilt, vec!["1".to_string(), "1".to_string()]);
    // 9 + 1 left, 10 came back: nothing to the variance, nothing left in WIP.
    assert_eq!(balance(&mut app, "ACME", "1320"), "0");
    let e = app.admin_in("ACME", "production.unbuild", json!({"id": sid, "quantity": "1", "lots": [{"product_id": c.top, "quantity": "1", "lot_code": "X"}]})).unwrap_err();
    assert_eq!(field(&e), ("lots.0.product_id".into(), "invalid".into()));
    checks_ok(&mut app, "ACME");
}

#[test]
fn a_company_cannot_make_or_consume_another_companys_products() {
    let mut app = TestApp::new();
    let c = shop(&mut app, "ACME");
    app.company("BETA");
    let mine = product(&mut app, "BETA", "MINE", json!({}));
    let e = app.admin_in("BETA", "bom.create", json!({"product_id": mine, "quantity": "1", "lines": [{"product_id": c.leg, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field(&e), ("lines.0.product_id".into(), "not_found".into()));
    let e = app.admin_in("BETA", "bom.get", json!({"id": c.bom})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = app.admin_in("BETA", "production.create_order", json!({"product_id": c.table, "quantity": "1", "date_planned": "2026-03-02"})).unwrap_err();
    assert_eq!(field(&e).1, "not_found");
    assert!(app.admin_in("BETA", "bom.list", json!({})).unwrap().as_array().unwrap().is_empty());
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(8)
}

#[derive(Debug, Clone)]
enum Op {
    Consume(u8, u8),
    Produce(u8, Option<u8>),
    Finish,
    Cancel,
    Unbuild(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, 1u8..6).prop_map(|(c, q)| Op::Consume(c, q)),
        (1u8..4, proptest::option::of(1u8..9)).prop_map(|(q, x)| Op::Produce(q, x)),
        Just(Op::Finish),
        Just(Op::Cancel),
        (1u8..3).prop_map(Op::Unbuild),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Random two-level BOMs and random steps in two companies: after every step, stock
    /// equals its moves, WIP = the orders in progress, the ledger balances, and the
    /// other company is untouched.
    #[test]
    fn random_orders_keep_stock_wip_and_the_ledger_consistent(
        qa in 1u8..4, qb in 1u8..4, cost_a in 1u8..20, cost_b in 1u8..20, minutes in 0u8..60, ops in proptest::collection::vec(op(), 1..10), qty in 2u8..6)
    {
        let mut app = TestApp::new();
        let mut snapshots = Vec::new();
        for co in ["ONE", "TWO"] {
            app.company(co);
            let (wh, _) = warehouse(&mut app, co);
            let a = product(&mut app, co, "A", json!({}));
            let b = product(&mut app, co, "B", json!({}));
            let sub = product(&mut app, co, "SUB", json!({}));
            let top = product(&mut app, co, "TOP", json!({}));
            receive(&mut app, co, wh, a, "500", &cost_a.to_string());
            receive(&mut app, co, wh, b, "500", &cost_b.to_string());
            let wc = app.admin_in(co, "work_centre.create", json!({"code": "W", "name": "W", "cost_per_hour": "12.5"})).unwrap();
            app.admin_in(co, "bom.create", json!({"product_id": sub, "quantity": "1", "lines": [{"product_id": a, "quantity": qa.to_string()}]})).unwrap();
            app.admin_in(co, "bom.create", json!({"product_id": top, "quantity": "2", "lines": [{"product_id": sub, "quantity": "2"}, {"product_id": b, "quantity": qb.to_string()}],
                "operations": [{"name": "Op", "work_centre_id": wc["id"], "minutes_per_batch": minutes.to_string(), "minutes_per_unit": "3"}]})).unwrap();
            // Subassemblies first, so the top level has what it needs.
            let so = order(&mut app, co, sub, "40");
            app.admin_in(co, "production.produce", json!({"id": so["id"], "quantity": "40", "date": "2026-03-02"})).unwrap();
            let o = order(&mut app, co, top, &qty.to_string());
            let id = o["id"].clone();
            let comps = [a, b, sub];
            for op in &ops {
                let r = match op {
                    Op::Consume(c, q) => app.admin_in(co, "production.consume", json!({"id": id, "date": "2026-03-03", "lines": [{"product_id": comps[*c as usize], "quantity": q.to_string()}]})),
                    Op::Produce(q, extra) => {
                        let mut args = json!({"id": id, "quantity": q.to_string(), "date": "2026-03-03"});
                        if let Some(x) = extra {
                            args["consumption"] = json!([{"product_id": sub, "quantity": x.to_string()}, {"product_id": b, "quantity": "1"}]);
                        }
                        app.admin_in(co, "production.produce", args)
                    }
                    Op::Finish => app.admin_in(co, "production.finish_order", json!({"id": id, "date": "2026-03-04"})),
                    Op::Cancel => app.admin_in(co, "production.cancel_order", json!({"id": id, "date": "2026-03-04"})),
                    Op::Unbuild(q) => app.admin_in(co, "production.unbuild", json!({"id": id, "quantity": q.to_string(), "date": "2026-03-05"})),
                };
                if let Err(e) = &r {
                    prop_assert!(matches!(e.code(), ErrorCode::Validation | ErrorCode::Conflict), "{op:?}: {e}");
                }
                checks_ok(&mut app, co);
                let o = app.admin_in(co, "production.get_order", json!({"id": id})).unwrap();
                if o["state"] == "done" || o["state"] == "cancelled" {
                    prop_assert_eq!(s(&o["wip_value"]), "0");
                }
                // Finished goods carry exactly what was consumed and absorbed (less what
                // came back or was written off).
                let cv: rust_decimal::Decimal = s(&o["consumed_value"]).parse().unwrap();
                let av: rust_decimal::Decimal = s(&o["absorbed_value"]).parse().unwrap();
                let pv: rust_decimal::Decimal = s(&o["produced_value"]).parse().unwrap();
                let wip: rust_decimal::Decimal = s(&o["wip_value"]).parse().unwrap();
                prop_assert!(pv <= cv + av && wip >= rust_decimal::Decimal::ZERO, "{o}");
            }
            snapshots.push(app.admin_in(co, "inventory.valuation", json!({})).unwrap());
        }
        // The first company's figures did not move when the second one worked.
        let again = app.admin_in("ONE", "inventory.valuation", json!({})).unwrap();
        prop_assert_eq!(&again, &snapshots[0]);
    }
}

#[test]
fn a_requirements_run_nets_level_by_level_explains_each_proposal_and_confirms_into_orders() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bike = product(&mut app, "ACME", "BIKE", json!({}));
    let frame = product(&mut app, "ACME", "FRAME", json!({}));
    let wheel = product(&mut app, "ACME", "WHEEL", json!({}));
    let tube = product(&mut app, "ACME", "TUBE", json!({}));
    let customer = app.admin_in("ACME", "partner.create", json!({"name": "Rider", "is_customer": true})).unwrap()["id"].clone();
    let supplier = app.admin_in("ACME", "partner.create", json!({"name": "Parts Ltd", "is_supplier": true})).unwrap()["id"].as_i64().unwrap();
    app.admin_in("ACME", "supplier_price.create", json!({"partner_id": supplier, "product_id": wheel, "price": "10", "lead_time_days": 5})).unwrap();
    app.admin_in("ACME", "supplier_price.create", json!({"partner_id": supplier, "product_id": tube, "price": "2", "lead_time_days": 3})).unwrap();
    app.admin_in("ACME", "bom.create", json!({"product_id": bike, "quantity": "1", "lead_time_days": 2, "lines": [{"product_id": frame, "quantity": "1"}, {"product_id": wheel, "quantity": "2"}]})).unwrap();
    app.admin_in("ACME", "bom.create", json!({"product_id": frame, "quantity": "1", "lead_time_days": 1, "lines": [{"product_id": tube, "quantity": "3"}]})).unwrap();
    app.admin_in("ACME", "reorder_rule.create", json!({"product_id": tube, "warehouse_id": wh, "min_qty": "5", "max_qty": "10", "multiple": "1"})).unwrap();
    receive(&mut app, "ACME", wh, bike, "1", "100");
    receive(&mut app, "ACME", wh, wheel, "1", "10");
    let so = app.admin_in("ACME", "sales.create_order", json!({"partner_id": customer, "date": "2026-04-10", "lines": [{"product_id": bike, "quantity": "3", "unit_price": "300"}]})).unwrap();
    app.admin_in("ACME", "sales.confirm_order", json!({"id": so["id"]})).unwrap();
    let run = app.admin_in("ACME", "planning.run", json!({"date": "2026-04-01"})).unwrap();
    let rows: Vec<(String, String, i64, String, String, String)> = run["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (s(&p["sku"]), s(&p["kind"]), p["level"].as_i64().unwrap(), s(&p["quantity"]), s(&p["date_needed"]), s(&p["date_start"])))
        .collect();
    // 3 bikes less the 1 in stock; each makes a frame and takes two wheels (1 in stock);
    // each frame takes 3 tubes, and the tubes' minimum of 5 brings them up to 10.
    assert_eq!(
        rows,
        vec![
            ("BIKE".into(), "produce".into(), 0, "2".into(), "2026-04-10".into(), "2026-04-08".into()),
            ("FRAME".into(), "produce".into(), 1, "2".into(), "2026-04-08".into(), "2026-04-07".into()),
            ("WHEEL".into(), "purchase".into(), 1, "3".into(), "2026-04-08".into(), "2026-04-03".into()),
            ("TUBE".into(), "purchase".into(), 2, "16".into(), "2026-04-01".into(), "2026-03-29".into()),
        ]
    );
    // Each says what it covers.
    let p = &run["proposals"];
    assert_eq!((p[0]["pegs"][0]["kind"].as_str(), s(&p[0]["pegs"][0]["quantity"]), s(&p[0]["on_hand"])), (Some("sales_order"), "3".into(), "1".into()));
    assert_eq!((p[1]["pegs"][0]["kind"].as_str(), p[1]["pegs"][0]["source_id"].clone()), (Some("proposal"), p[0]["id"].clone()));
    let tube_pegs: Vec<String> = p[3]["pegs"].as_array().unwrap().iter().map(|g| s(&g["kind"])).collect();
    assert_eq!(tube_pegs, vec!["proposal", "reorder_rule"]);
    assert_eq!((p[3]["late"].as_bool(), p[2]["supplier_id"].as_i64()), (Some(true), Some(supplier)));
    // A warehouse clerk may make things but not buy them.
    let clerk = app.member("clerk@acme.test", "ACME", "warehouse");
    let all: Vec<Value> = p.as_array().unwrap().iter().map(|x| json!({"id": x["id"]})).collect();
    let e = app.call(&clerk, Some("ACME"), "planning.confirm", json!({"run_id": run["id"], "proposals": all})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    // An order's refusal names the proposal where the caller sent it.
    let mixed = json!([{"id": p[3]["id"]}, {"id": p[2]["id"]}, {"id": p[1]["id"], "quantity": "2.5"}, {"id": p[0]["id"]}]);
    let e = app.admin_in("ACME", "planning.confirm", json!({"run_id": run["id"], "proposals": mixed})).unwrap_err();
    assert_eq!(field(&e), ("proposals.2.quantity".into(), "too_many_decimals".into()));
    // Confirmed: two production orders (confirmed, reserving), one draft purchase order;
    // the tubes bought in the quantity chosen, which the proposal now carries.
    let mut all = all;
    all[3]["quantity"] = json!("20");
    let run = app.admin_in("ACME", "planning.confirm", json!({"run_id": run["id"], "proposals": all})).unwrap();
    let p = &run["proposals"];
    assert!(p.as_array().unwrap().iter().all(|x| x["state"] == "confirmed"), "{run}");
    assert_eq!((s(&p[3]["quantity"]), p[3]["supplier_id"].as_i64()), ("20".into(), Some(supplier)));
    assert_eq!((p[0]["production_order_number"].as_str(), p[1]["production_order_number"].as_str()), (Some("MO/00001"), Some("MO/00002")));
    assert_eq!(p[2]["purchase_order_id"], p[3]["purchase_order_id"]);
    let po = app.admin_in("ACME", "purchase.get_order", json!({"id": p[2]["purchase_order_id"]})).unwrap();
    assert_eq!((po["state"].as_str(), po["lines"].as_array().unwrap().len()), (Some("draft"), 2));
    let mo = app.admin_in("ACME", "production.get_order", json!({"id": p[1]["production_order_id"]})).unwrap();
    assert_eq!((mo["state"].as_str(), s(&mo["quantity"]), s(&mo["date_planned"])), (Some("confirmed"), "2".into(), "2026-04-07".into()));
    // Run again: what is on order now covers everything.
    let again = app.admin_in("ACME", "planning.run", json!({"date": "2026-04-01"})).unwrap();
    assert!(again["proposals"].as_array().unwrap().is_empty(), "{again}");
    let e = app.admin_in("ACME", "planning.confirm", json!({"run_id": run["id"], "proposals": all})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::Immutable);
    checks_ok(&mut app, "ACME");
}
