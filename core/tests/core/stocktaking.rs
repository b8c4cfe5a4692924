//! Stocktaking through the real command layer: a count sheet frozen at the start, counts
//! by line, product, barcode and SKU, posting as one adjustment picking (books and
//! valuation agreeing), moves done during the count, blind counts, scopes, lots and
//! serials, refused input that writes nothing, immutability, permissions and isolation.

use crate::inventory::{done, on_hand, product, virtual_location, warehouse};
use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Reason};
use serde_json::{Value, json};

fn qty(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn field_codes(e: &cora_core::Error) -> Vec<(String, String)> {
    e.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect()
}

fn check_ok(app: &mut TestApp, co: &str) -> Value {
    let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
    assert_eq!(c["valuation_total"], c["inventory_account_balance"], "{c}");
    c
}

fn receive(app: &mut TestApp, co: &str, wh: i64, lines: Value) {
    done(app, co, json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": lines})).unwrap();
}

/// The sheet's line of `sku` (at `location` when given).
fn line<'a>(count: &'a Value, sku: &str, location: Option<&str>) -> &'a Value {
    count["lines"].as_array().unwrap().iter().find(|l| l["sku"] == sku && location.is_none_or(|loc| l["location"] == loc)).unwrap_or_else(|| panic!("no line {sku} in {count}"))
}

fn stock(app: &mut TestApp, co: &str, p: i64) -> String {
    qty(&on_hand(app, co, json!({"product_id": p}))["on_hand"])
}

fn dump(app: &TestApp) -> String {
    crate::dump(app.cora.store().conn(), &["sessions"])
}

#[test]
fn a_count_posts_its_differences_as_one_adjustment_and_the_books_agree() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock_loc) = warehouse(&mut app, "ACME");
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock_loc, "name": "Shelf A"})).unwrap()["id"].as_i64().unwrap();
    let bolt = product(&mut app, "ACME", "BOLT", json!({"barcode": "4006381333931", "cost": "2"}));
    let nut = product(&mut app, "ACME", "NUT", json!({"cost": "1"}));
    let washer = product(&mut app, "ACME", "WASHER", json!({"cost": "0.5"}));
    let found = product(&mut app, "ACME", "FOUND", json!({"cost": "3"}));
    receive(&mut app, "ACME", wh, json!([
        {"product_id": bolt, "quantity": "10", "unit_cost": "2"},
        {"product_id": nut, "quantity": "20", "unit_cost": "1", "to_location_id": shelf},
        {"product_id": washer, "quantity": "5", "unit_cost": "0.5"}
    ]));

    let c = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "note": "Year end"})).unwrap();
    assert_eq!(c["state"], "in_progress");
    assert!(c["number"].is_null());
    assert_eq!(c["lines"].as_array().unwrap().len(), 3, "{c}");
    assert_eq!(qty(&line(&c, "NUT", None)["expected"]), "20");
    assert_eq!(line(&c, "NUT", None)["location"], "WH/Stock/Shelf A");
    assert!(line(&c, "BOLT", None)["counted"].is_null());
    let id = c["id"].clone();

    // A scanner types the EAN three times (add one each); the nut line by id; the washer by
    // SKU; a product not on the sheet by SKU (expected 0).
    for _ in 0..3 {
        let r = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"code": "4006381333931", "counted": "1", "add": true}]})).unwrap();
        assert_eq!(r[0]["sku"], "BOLT");
    }
    let nut_line = line(&c, "NUT", None)["id"].clone();
    let r = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [
        {"line_id": nut_line, "counted": "20"},
        {"code": "washer", "counted": "4"},
        {"code": "FOUND", "counted": "2", "location_id": shelf}
    ]})).unwrap();
    assert_eq!(r.as_array().unwrap().len(), 3);
    assert_eq!(r[2]["added"], true);
    assert_eq!(qty(&r[2]["expected"]), "0");
    // Counting the bolts again, as a set: 3 → 7 (two boxes found behind).
    app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": bolt, "counted": "7"}]})).unwrap();
    let c = app.admin_in("ACME", "count.get", json!({"id": id})).unwrap();
    assert_eq!((c["counted"].as_u64(), c["differences"].as_u64()), (Some(4), Some(3)));
    assert_eq!(qty(&line(&c, "BOLT", None)["difference"]), "-3");
    assert_eq!(qty(&line(&c, "BOLT", None)["value"]), "-6", "the admin sees values");
    assert_eq!(qty(&line(&c, "NUT", None)["difference"]), "0");
    assert_eq!(qty(&line(&c, "FOUND", None)["difference"]), "2");
    // Nothing moved yet.
    assert_eq!(stock(&mut app, "ACME", bolt), "10");

    let posted = app.admin_in("ACME", "count.post", json!({"id": id, "date": "2026-03-20"})).unwrap();
    assert_eq!(posted["state"], "done");
    assert_eq!(posted["number"], "WH/CNT/00001");
    let picking = app.admin_in("ACME", "picking.get", json!({"id": posted["picking_id"]})).unwrap();
    assert_eq!((picking["kind"].clone(), picking["state"].clone(), picking["reference"].clone()), (json!("adjustment"), json!("done"), json!("WH/CNT/00001")));
    assert_eq!(picking["reason"], "Stocktaking WH/CNT/00001");
    assert_eq!(picking["source"], json!({"module": "inventory", "kind": "stock_count", "id": id}));
    let moves: Vec<(String, String, String, String)> = picking["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["sku"].as_str().unwrap().into(), m["from_location"].as_str().unwrap().into(), m["to_location"].as_str().unwrap().into(), qty(&m["quantity"])))
        .collect();
    assert_eq!(moves.len(), 3, "no move for the nut, which matched: {moves:?}");
    assert!(moves.contains(&("BOLT".into(), "WH/Stock".into(), "Virtual/Inventory loss".into(), "3".into())));
    assert!(moves.contains(&("WASHER".into(), "WH/Stock".into(), "Virtual/Inventory loss".into(), "1".into())));
    assert!(moves.contains(&("FOUND".into(), "Virtual/Inventory loss".into(), "WH/Stock/Shelf A".into(), "2".into())));
    // On hand equals the counts; the books equal the valuation.
    for (p, expected) in [(bolt, "7"), (nut, "20"), (washer, "4"), (found, "2")] {
        assert_eq!(stock(&mut app, "ACME", p), expected);
    }
    let v = app.admin_in("ACME", "inventory.valuation", json!({})).unwrap();
    assert_eq!(qty(&v["total"]), "42", "14 + 20 + 2 + 6 (FOUND enters at its catalog cost, 3): {v}");
    check_ok(&mut app, "ACME");
    // The posted values are the moves': −6 (bolts), −0.5 (washer), +6 (found).
    let c = app.admin_in("ACME", "count.get", json!({"id": id})).unwrap();
    assert_eq!(qty(&line(&c, "BOLT", None)["value"]), "-6");
    assert_eq!(qty(&c["value"]), "-0.5");

    // Posted is immutable: no more counts, no second post, no cancel; SQLite refuses too.
    let e = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": bolt, "counted": "1"}]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::CountClosed);
    assert_eq!(app.admin_in("ACME", "count.post", json!({"id": id})).unwrap_err().refusal().reason, Reason::InvalidTransition);
    assert_eq!(app.admin_in("ACME", "count.cancel", json!({"id": id})).unwrap_err().refusal().reason, Reason::InvalidTransition);
    let conn = app.cora.store().conn();
    assert!(conn.execute("UPDATE stock_count_lines SET counted = 1 WHERE count_id = ?1", [id.as_i64().unwrap()]).is_err());
    assert!(conn.execute("UPDATE stock_counts SET note = 'x' WHERE id = ?1", [id.as_i64().unwrap()]).is_err());
    assert!(conn.execute("DELETE FROM stock_counts WHERE id = ?1", [id.as_i64().unwrap()]).is_err());
    assert!(conn.execute("DELETE FROM stock_count_lines WHERE count_id = ?1", [id.as_i64().unwrap()]).is_err());

    let list = app.admin_in("ACME", "count.list", json!({})).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!((list["items"][0]["number"].clone(), list["items"][0]["lines"].clone(), list["items"][0]["counted"].clone()), (json!("WH/CNT/00001"), json!(4), json!(4)));
    let ledger = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
    assert_eq!(ledger["ok"], true, "{ledger}");
}

#[test]
fn moves_done_during_the_count_are_accounted_for() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let a = product(&mut app, "ACME", "A", json!({}));
    let b = product(&mut app, "ACME", "B", json!({}));
    receive(&mut app, "ACME", wh, json!([{"product_id": a, "quantity": "10", "unit_cost": "1"}, {"product_id": b, "quantity": "10", "unit_cost": "1"}]));
    let c = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh})).unwrap();
    let id = c["id"].clone();
    // A: counted 9 first (1 missing), then 3 are delivered: on hand 6 after posting, not 9.
    app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": a, "counted": "9"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": a, "quantity": "3"}]})).unwrap();
    // B: 4 delivered after the start but before it was counted; the counter sees 6 and counts 5.
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": b, "quantity": "4"}]})).unwrap();
    let r = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": b, "counted": "5"}]})).unwrap();
    assert_eq!((qty(&r[0]["expected"]), qty(&r[0]["book_at_count"]), qty(&r[0]["difference"])), ("10".into(), "6".into(), "-1".into()));
    // And 2 more of B received after its count: applied on top.
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": b, "quantity": "2", "unit_cost": "1"}]})).unwrap();
    let posted = app.admin_in("ACME", "count.post", json!({"id": id, "date": "2026-03-20"})).unwrap();
    assert_eq!(qty(&line(&posted, "A", None)["difference"]), "-1");
    assert_eq!(stock(&mut app, "ACME", a), "6", "9 counted − 3 delivered after the count");
    assert_eq!(stock(&mut app, "ACME", b), "7", "5 counted + 2 received after the count");
    check_ok(&mut app, "ACME");
}

#[test]
fn blind_counts_hide_expected_quantities_until_reviewed_or_posted() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "P", json!({}));
    receive(&mut app, "ACME", wh, json!([{"product_id": p, "quantity": "8", "unit_cost": "1"}]));
    let counter = app.member("w@example.com", "ACME", "warehouse");
    let c = app.call(&counter, Some("ACME"), "count.create", json!({"warehouse_id": wh, "blind": true})).unwrap();
    assert_eq!((c["blind"].clone(), c["hidden"].clone()), (json!(true), json!(true)));
    assert!(c["lines"][0]["expected"].is_null(), "{c}");
    let id = c["id"].clone();
    let r = app.call(&counter, Some("ACME"), "count.set_counts", json!({"id": id, "entries": [{"product_id": p, "counted": "7"}]})).unwrap();
    assert!(r[0]["expected"].is_null() && r[0]["difference"].is_null() && r[0]["book_at_count"].is_null(), "{r}");
    assert_eq!(qty(&r[0]["counted"]), "7");
    let g = app.call(&counter, Some("ACME"), "count.get", json!({"id": id})).unwrap();
    assert!(g["lines"][0]["expected"].is_null() && g["differences"].is_null());
    // Review: for whoever may change the setup (the Warehouse role may); not for a viewer.
    let reviewed = app.call(&counter, Some("ACME"), "count.get", json!({"id": id, "review": true})).unwrap();
    assert_eq!((qty(&reviewed["lines"][0]["expected"]), qty(&reviewed["lines"][0]["difference"])), ("8".into(), "-1".into()));
    assert_eq!(reviewed["hidden"], false);
    assert!(reviewed["lines"][0]["value"].is_null(), "the Warehouse role sees no values");
    let viewer = app.member("v@example.com", "ACME", "viewer");
    let e = app.call(&viewer, Some("ACME"), "count.get", json!({"id": id, "review": true})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert!(app.call(&viewer, Some("ACME"), "count.get", json!({"id": id})).unwrap()["lines"][0]["expected"].is_null());
    // The viewer cannot count, post or cancel.
    for (cmd, args) in [("count.create", json!({"warehouse_id": wh})), ("count.set_counts", json!({"id": id, "entries": [{"product_id": p, "counted": "1"}]})), ("count.post", json!({"id": id})), ("count.cancel", json!({"id": id}))] {
        assert_eq!(app.call(&viewer, Some("ACME"), cmd, args).unwrap_err().code(), ErrorCode::Forbidden, "{cmd}");
    }
    // Posted (today by default): nothing is hidden.
    let posted = app.call(&counter, Some("ACME"), "count.post", json!({"id": id})).unwrap();
    assert_eq!((posted["hidden"].clone(), qty(&posted["lines"][0]["expected"])), (json!(false), "8".into()));
    let picking = app.admin_in("ACME", "picking.get", json!({"id": posted["picking_id"]})).unwrap();
    // Today in the company's zone (Europe/Dublin): the UTC date, give or take a day.
    let days: Vec<String> = app.cora.store().conn().query_row("SELECT date('now', '-1 day'), date('now'), date('now', '+1 day')", [], |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?])).unwrap();
    assert!(days.iter().any(|d| picking["date"] == d.as_str()), "{picking}");
    assert_eq!(stock(&mut app, "ACME", p), "7");
    check_ok(&mut app, "ACME");
}

#[test]
fn scopes_overlaps_lots_serials_and_zeroing_uncounted_lines() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock_loc) = warehouse(&mut app, "ACME");
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock_loc, "name": "Shelf A"})).unwrap()["id"].as_i64().unwrap();
    let bin = app.admin_in("ACME", "location.create", json!({"parent_id": stock_loc, "name": "Bin B"})).unwrap()["id"].as_i64().unwrap();
    let tools = app.admin_in("ACME", "catalog.create_category", json!({"name": "Tools"})).unwrap()["id"].as_i64().unwrap();
    let saws = app.admin_in("ACME", "catalog.create_category", json!({"name": "Saws", "parent_id": tools})).unwrap()["id"].as_i64().unwrap();
    let food = app.admin_in("ACME", "catalog.create_category", json!({"name": "Food"})).unwrap()["id"].as_i64().unwrap();
    let saw = product(&mut app, "ACME", "SAW", json!({"category_id": saws}));
    let milk = product(&mut app, "ACME", "MILK", json!({"category_id": food}));
    let drill = product(&mut app, "ACME", "DRILL", json!({"category_id": tools}));
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": milk, "tracking": "lot"})).unwrap();
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": drill, "tracking": "serial"})).unwrap();
    receive(&mut app, "ACME", wh, json!([
        {"product_id": saw, "quantity": "4", "unit_cost": "10", "to_location_id": shelf},
        {"product_id": saw, "quantity": "1", "unit_cost": "10", "to_location_id": bin},
        {"product_id": milk, "quantity": "6", "unit_cost": "1", "lot_code": "L1", "to_location_id": shelf},
        {"product_id": drill, "quantity": "1", "unit_cost": "50", "lot_code": "SN1", "to_location_id": shelf},
        {"product_id": drill, "quantity": "1", "unit_cost": "50", "lot_code": "SN2", "to_location_id": shelf}
    ]));

    // Tools on Shelf A: the saw (subcategory) and the drills, not the milk, not the bin.
    let tools_count = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": shelf, "category_id": tools})).unwrap();
    let skus: Vec<(String, Option<String>)> = tools_count["lines"].as_array().unwrap().iter().map(|l| (l["sku"].as_str().unwrap().into(), l["lot_code"].as_str().map(String::from))).collect();
    assert_eq!(skus, vec![("DRILL".into(), Some("SN1".into())), ("DRILL".into(), Some("SN2".into())), ("SAW".into(), None)]);
    // Overlaps: the whole warehouse, or tools again, are refused; food on the shelf and tools in the bin are not.
    let before = dump(&app);
    for args in [json!({"warehouse_id": wh}), json!({"warehouse_id": wh, "category_id": saws}), json!({"warehouse_id": wh, "location_id": shelf})] {
        let e = app.admin_in("ACME", "count.create", args.clone()).unwrap_err();
        assert_eq!(e.refusal().reason, Reason::CountOverlap, "{args}");
    }
    assert_eq!(before, dump(&app), "a refused count writes nothing");
    let food_count = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": shelf, "category_id": food})).unwrap();
    app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": bin, "category_id": tools})).unwrap();

    let id = tools_count["id"].clone();
    // Out of scope: milk (category), the bin (location); a serial counted 2; a lot missing.
    let before = dump(&app);
    let e = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [
        {"product_id": milk, "counted": "1", "lot_code": "L1"},
        {"product_id": saw, "counted": "1", "location_id": bin},
        {"product_id": drill, "lot_code": "SN1", "counted": "2"},
        {"product_id": drill, "counted": "1"},
        {"product_id": saw, "counted": "1", "lot_code": "X"}
    ]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![
        ("entries.0.product_id".into(), "not_in_count_scope".into()),
        ("entries.1.location_id".into(), "not_in_count_scope".into()),
        ("entries.2.counted".into(), "serial_count".into()),
        ("entries.3.lot_code".into(), "lot_required".into()),
        ("entries.4.lot_code".into(), "lot_not_tracked".into()),
    ]);
    assert_eq!(before, dump(&app));
    // SN2 is missing, a new serial SN3 is found, saws counted 3 of 4; nothing else counted.
    app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [
        {"product_id": drill, "lot_code": "SN1", "counted": "1"},
        {"product_id": drill, "lot_code": "SN3", "counted": "1"},
        {"product_id": saw, "counted": "3"}
    ]})).unwrap();
    let posted = app.admin_in("ACME", "count.post", json!({"id": id, "date": "2026-03-20", "zero_uncounted": true})).unwrap();
    assert_eq!(qty(&line(&posted, "DRILL", None)["counted"]), "1");
    let drills = app.admin_in("ACME", "lot.list", json!({"product_id": drill})).unwrap();
    let held: Vec<(String, String)> = drills.as_array().unwrap().iter().map(|l| (l["code"].as_str().unwrap().into(), qty(&l["on_hand"]))).collect();
    assert_eq!(held, vec![("SN1".into(), "1".into()), ("SN2".into(), "0".into()), ("SN3".into(), "1".into())]);
    assert_eq!(stock(&mut app, "ACME", saw), "4", "3 on the shelf, 1 in the bin (not in scope)");

    // The food count: nothing counted and not zeroed → done without a picking.
    let posted = app.admin_in("ACME", "count.post", json!({"id": food_count["id"], "date": "2026-03-20"})).unwrap();
    assert!(posted["picking_id"].is_null());
    assert_eq!(posted["number"], "WH/CNT/00002");
    assert_eq!(stock(&mut app, "ACME", milk), "6");
    check_ok(&mut app, "ACME");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "P", json!({}));
    let svc = product(&mut app, "ACME", "SVC", json!({"kind": "service"}));
    receive(&mut app, "ACME", wh, json!([{"product_id": p, "quantity": "5", "unit_cost": "1"}]));
    let before = dump(&app);
    let e = app.admin_in("ACME", "count.create", json!({"warehouse_id": 999_999})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("warehouse_id".into(), "not_found".into())]);
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    let e = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": loss})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("location_id".into(), "wrong_location_kind".into())]);
    assert_eq!(before, dump(&app));

    let c = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh})).unwrap();
    let id = c["id"].clone();
    let before = dump(&app);
    let e = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [
        {"product_id": p, "counted": "-1"},
        {"code": "NOPE-404", "counted": "1"},
        {"product_id": 999_999, "counted": "1"},
        {"product_id": p, "counted": "1.5"},
        {"product_id": svc, "counted": "1"},
        {"line_id": 999_999, "counted": "1"},
        {"counted": "1"}
    ]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![
        ("entries.0.counted".into(), "negative".into()),
        ("entries.1.code".into(), "not_found".into()),
        ("entries.2.product_id".into(), "not_found".into()),
        ("entries.3.counted".into(), "too_many_decimals".into()),
        ("entries.4.product_id".into(), "not_stockable".into()),
        ("entries.5.line_id".into(), "not_found".into()),
        ("entries.6.product_id".into(), "required".into()),
    ]);
    let e = app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": []})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("entries".into(), "too_few_lines".into())]);
    // A good entry beside a bad one is not kept either.
    assert!(app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": p, "counted": "4"}, {"product_id": p, "counted": "-4"}]})).is_err());
    assert_eq!(before, dump(&app));

    // A count below what later deliveries take is refused at posting, naming the sheet's line.
    app.admin_in("ACME", "count.set_counts", json!({"id": id, "entries": [{"product_id": p, "counted": "2"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": p, "quantity": "4"}]})).unwrap();
    let before = dump(&app);
    let e = app.admin_in("ACME", "count.post", json!({"id": id, "date": "2026-03-20"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.counted".into(), "insufficient_stock".into())]);
    assert_eq!(before, dump(&app), "a refused post writes nothing");
    // Cancelled: nothing moves, and it is closed.
    let cancelled = app.admin_in("ACME", "count.cancel", json!({"id": id})).unwrap();
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(app.admin_in("ACME", "count.post", json!({"id": id})).unwrap_err().refusal().reason, Reason::InvalidTransition);
    assert_eq!(stock(&mut app, "ACME", p), "1");
    check_ok(&mut app, "ACME");
}

#[test]
fn another_companys_counts_are_invisible_and_unusable() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    let (wa, _) = warehouse(&mut app, "A");
    let (wb, _) = warehouse(&mut app, "B");
    let pa = product(&mut app, "A", "P", json!({"barcode": "4006381333931"}));
    product(&mut app, "B", "Q", json!({}));
    receive(&mut app, "A", wa, json!([{"product_id": pa, "quantity": "3", "unit_cost": "1"}]));
    let ca = app.admin_in("A", "count.create", json!({"warehouse_id": wa})).unwrap();
    let before = dump(&app);
    // B cannot see, count, post or cancel A's count, nor start a count of A's warehouse.
    assert_eq!(app.admin_in("B", "count.get", json!({"id": ca["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("B", "count.list", json!({})).unwrap()["total"], 0);
    assert_eq!(app.admin_in("B", "count.set_counts", json!({"id": ca["id"], "entries": [{"product_id": pa, "counted": "1"}]})).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("B", "count.post", json!({"id": ca["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("B", "count.cancel", json!({"id": ca["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    let e = app.admin_in("B", "count.create", json!({"warehouse_id": wa})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("warehouse_id".into(), "not_found".into())]);
    assert_eq!(before, dump(&app));
    // B's own count cannot name A's product, even by its barcode.
    let cb = app.admin_in("B", "count.create", json!({"warehouse_id": wb})).unwrap();
    let before = dump(&app);
    let e = app.admin_in("B", "count.set_counts", json!({"id": cb["id"], "entries": [{"product_id": pa, "counted": "1"}, {"code": "4006381333931", "counted": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("entries.0.product_id".into(), "not_found".into()), ("entries.1.code".into(), "not_found".into())]);
    assert_eq!(before, dump(&app));
    // SQLite refuses a line of B's count naming A's product.
    let conn = app.cora.store().conn();
    let r = conn.execute(
        "INSERT INTO stock_count_lines (tenant_id, count_id, product_id, location_id, expected) SELECT c.tenant_id, c.id, ?1, c.location_id, 0 FROM stock_counts c WHERE c.id = ?2",
        [pa, cb["id"].as_i64().unwrap()],
    );
    assert!(r.is_err());
}

#[test]
fn counts_list_newest_first_paged_filtered_and_searched() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock_loc) = warehouse(&mut app, "ACME");
    let mut ids = Vec::new();
    for i in 0..3 {
        let loc = app.admin_in("ACME", "location.create", json!({"parent_id": stock_loc, "name": format!("Aisle {i}")})).unwrap()["id"].clone();
        ids.push(app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": loc, "note": format!("aisle {i}")})).unwrap()["id"].as_i64().unwrap());
    }
    app.admin_in("ACME", "count.cancel", json!({"id": ids[0]})).unwrap();
    app.admin_in("ACME", "count.post", json!({"id": ids[1]})).unwrap();
    let page = app.admin_in("ACME", "count.list", json!({"limit": 2})).unwrap();
    assert_eq!(page["total"], 3);
    let got: Vec<i64> = page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let next = app.admin_in("ACME", "count.list", json!({"limit": 2, "cursor": page["next_cursor"]})).unwrap();
    assert_eq!(next["items"][0]["id"].as_i64(), Some(ids[0]));
    assert!(next["next_cursor"].is_null());
    let done = app.admin_in("ACME", "count.list", json!({"state": "done"})).unwrap();
    assert_eq!((done["total"].clone(), done["items"][0]["number"].clone()), (json!(1), json!("WH/CNT/00001")));
    assert_eq!(app.admin_in("ACME", "count.list", json!({"search": "aisle 2"})).unwrap()["items"][0]["id"].as_i64(), Some(ids[2]));
    assert_eq!(app.admin_in("ACME", "count.list", json!({"search": "CNT/00001"})).unwrap()["total"], 1);
    let e = app.admin_in("ACME", "count.list", json!({"cursor": "nope"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("cursor".into(), "invalid_cursor".into())]);
    // Only the running count (Aisle 2) still covers its place: the whole warehouse, even for
    // one category, overlaps it; the cancelled and the posted counts' aisles are free again.
    let cat = app.admin_in("ACME", "catalog.create_category", json!({"name": "X"})).unwrap()["id"].clone();
    let e = app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "category_id": cat})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::CountOverlap);
    assert_eq!(e.refusal().params.get("location").map(String::as_str), Some("WH/Stock/Aisle 2"));
    let aisle0 = app.admin_in("ACME", "count.get", json!({"id": ids[0]})).unwrap()["location_id"].clone();
    app.admin_in("ACME", "count.create", json!({"warehouse_id": wh, "location_id": aisle0})).unwrap();
}
