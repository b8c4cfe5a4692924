//! Inventory through the real command layer: warehouses and locations, the stock-move
//! engine (receipts, transfers, deliveries, adjustments, scrap), refused moves, kits,
//! units and rounding, lots and serials, cancel, immutability and isolation.

use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Reason};
use serde_json::{Value, json};

/// A company with a warehouse `WH` (root `WH/Stock`); returns (warehouse id, root location id).
pub fn warehouse(app: &mut TestApp, co: &str) -> (i64, i64) {
    let w = app.admin_in(co, "warehouse.create", json!({"code": "WH", "name": "Main", "address": "1 Dock Road"})).unwrap();
    (w["id"].as_i64().unwrap(), w["root_location_id"].as_i64().unwrap())
}

pub fn product(app: &mut TestApp, co: &str, sku: &str, extra: Value) -> i64 {
    let mut args = json!({"sku": sku, "name": format!("Product {sku}")});
    if let (Some(a), Some(e)) = (args.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            a.insert(k.clone(), v.clone());
        }
    }
    app.admin_in(co, "catalog.create_product", args).unwrap()["product"]["id"].as_i64().unwrap()
}

pub fn unit(app: &TestApp, co: &str, code: &str) -> i64 {
    app.cora
        .store()
        .conn()
        .query_row("SELECT u.id FROM units u JOIN companies c ON c.id = u.tenant_id WHERE c.code = ?1 AND u.code = ?2", [co, code], |r| r.get(0))
        .unwrap()
}

pub fn virtual_location(app: &mut TestApp, co: &str, kind: &str) -> i64 {
    let all = app.admin_in(co, "location.list", json!({})).unwrap();
    all.as_array().unwrap().iter().find(|l| l["kind"] == kind).unwrap_or_else(|| panic!("{kind}"))["id"].as_i64().unwrap()
}

/// Creates and does a picking; returns it.
pub fn done(app: &mut TestApp, co: &str, args: Value) -> cora_core::Result<Value> {
    let p = app.admin_in(co, "picking.create", args)?;
    app.admin_in(co, "picking.done", json!({"id": p["id"]}))
}

pub fn on_hand(app: &mut TestApp, co: &str, args: Value) -> Value {
    app.admin_in(co, "stock.on_hand", args).unwrap()
}

fn qty(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn check_ok(app: &mut TestApp, co: &str) {
    let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], true, "{c}");
}

fn field_codes(e: &cora_core::Error) -> Vec<(String, String)> {
    e.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect()
}

#[test]
fn receive_transfer_deliver_adjust_and_scrap_tell_one_story() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock, "name": "Shelf A"})).unwrap();
    let bin = app.admin_in("ACME", "location.create", json!({"parent_id": shelf["id"], "name": "Bin 3"})).unwrap();
    assert_eq!(bin["full_name"], "WH/Stock/Shelf A/Bin 3");
    assert_eq!(bin["depth"], 2);
    let bin = bin["id"].as_i64().unwrap();
    let widget = product(&mut app, "ACME", "WIDGET", json!({}));

    // Receipt: 10 from the supplier into WH/Stock (defaults by kind), numbered at done.
    let draft = app.admin_in("ACME", "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "reference": "PO-1",
        "lines": [{"product_id": widget, "quantity": "10", "unit_cost": "2.5"}]})).unwrap();
    assert_eq!(draft["state"], "draft");
    assert!(draft["number"].is_null());
    assert_eq!(draft["moves"][0]["from_location"], "Virtual/Suppliers");
    assert_eq!(draft["moves"][0]["to_location"], "WH/Stock");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": widget}))["on_hand"]), "0", "a draft moves nothing");
    let r = app.admin_in("ACME", "picking.done", json!({"id": draft["id"]})).unwrap();
    assert_eq!(r["state"], "done");
    assert_eq!(r["number"], "WH/IN/00001");
    assert_eq!(r["moves"][0]["unit_cost"], "2.5");

    // Internal transfer of 4 into the bin; delivery of 3 from the bin.
    let t = done(&mut app, "ACME", json!({"kind": "internal", "warehouse_id": wh, "date": "2026-03-02", "to_location_id": bin,
        "lines": [{"product_id": widget, "quantity": "4"}]})).unwrap();
    assert_eq!(t["number"], "WH/INT/00001");
    let d = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-03", "from_location_id": bin,
        "lines": [{"product_id": widget, "quantity": "3"}]})).unwrap();
    assert_eq!(d["number"], "WH/OUT/00001");
    assert_eq!(d["moves"][0]["to_location"], "Virtual/Customers");

    // Adjustments need a reason; a loss of 1, a gain of 2 (from inventory loss into stock), scrap of 1.
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    let e = app.admin_in("ACME", "picking.create", json!({"kind": "adjustment", "warehouse_id": wh, "date": "2026-03-04",
        "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("reason".to_string(), "required".to_string())]);
    let a1 = done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": wh, "date": "2026-03-04", "reason": "damaged in count",
        "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap();
    assert_eq!(a1["moves"][0]["to_location_id"].as_i64(), Some(loss));
    let a2 = done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": wh, "date": "2026-03-05", "reason": "found",
        "from_location_id": loss, "to_location_id": stock, "lines": [{"product_id": widget, "quantity": "2"}]})).unwrap();
    assert_eq!(a2["number"], "WH/ADJ/00002");
    let s = done(&mut app, "ACME", json!({"kind": "scrap", "warehouse_id": wh, "date": "2026-03-06", "reason": "broken",
        "lines": [{"product_id": widget, "quantity": "1"}]})).unwrap();
    assert_eq!(s["number"], "WH/SCR/00001");

    // 10 − 3 − 1 + 2 − 1 = 7 in the warehouse: 1 in the bin, 6 at WH/Stock itself.
    let all = on_hand(&mut app, "ACME", json!({"product_id": widget}));
    assert_eq!(qty(&all["on_hand"]), "7");
    assert_eq!(qty(&all["available"]), "7");
    let rows: Vec<(String, String)> = all["rows"].as_array().unwrap().iter().map(|r| (r["location"].as_str().unwrap().to_string(), qty(&r["quantity"]))).collect();
    assert_eq!(rows, vec![("WH/Stock".to_string(), "6".to_string()), ("WH/Stock/Shelf A/Bin 3".to_string(), "1".to_string())]);
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": widget, "location_id": shelf["id"]}))["on_hand"]), "1", "a location counts what is under it");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": widget, "warehouse_id": wh}))["on_hand"]), "7");

    // Stock at past dates, from the moves.
    for (date, expected) in [("2026-02-28", "0"), ("2026-03-01", "10"), ("2026-03-03", "7"), ("2026-03-05", "8"), ("2026-12-31", "7")] {
        assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": widget, "date": date}))["on_hand"]), expected, "{date}");
    }
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": widget, "location_id": bin, "date": "2026-03-02"}))["on_hand"]), "4");

    // The history with its running quantity, keyset-paged.
    let p1 = app.admin_in("ACME", "stock.moves", json!({"product_id": widget, "limit": 3})).unwrap();
    assert_eq!(p1["total"], 6);
    let running: Vec<String> = p1["items"].as_array().unwrap().iter().map(|m| qty(&m["running_quantity"])).collect();
    assert_eq!(running, vec!["10", "10", "7"], "the internal transfer changes nothing company-wide");
    let p2 = app.admin_in("ACME", "stock.moves", json!({"product_id": widget, "limit": 3, "cursor": p1["next_cursor"]})).unwrap();
    let running: Vec<String> = p2["items"].as_array().unwrap().iter().map(|m| qty(&m["running_quantity"])).collect();
    assert_eq!(running, vec!["6", "8", "7"]);
    assert!(p2["next_cursor"].is_null());
    let bin_history = app.admin_in("ACME", "stock.moves", json!({"product_id": widget, "location_id": bin})).unwrap();
    let changes: Vec<String> = bin_history["items"].as_array().unwrap().iter().map(|m| qty(&m["change"])).collect();
    assert_eq!(changes, vec!["4", "-3"]);

    let list = app.admin_in("ACME", "picking.list", json!({"kind": "adjustment"})).unwrap();
    assert_eq!(list["total"], 2);
    check_ok(&mut app, "ACME");
}

#[test]
fn negative_stock_is_refused_naming_product_location_and_shortfall_unless_allowed() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "BOLT", json!({}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "2"}]})).unwrap();
    let draft = app.admin_in("ACME", "picking.create", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02",
        "lines": [{"product_id": p, "quantity": "1"}, {"product_id": p, "quantity": "3"}]})).unwrap();
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let e = app.admin_in("ACME", "picking.done", json!({"id": draft["id"]})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(field_codes(&e), vec![("lines.0.quantity".to_string(), "insufficient_stock".to_string())]);
    assert_eq!(e.fields()[0].message, "not enough BOLT in WH/Stock: 2 unit short");
    assert_eq!(before, crate::dump(app.cora.store().conn(), &["sessions"]), "a refused done writes nothing");
    assert_eq!(app.admin_in("ACME", "picking.get", json!({"id": draft["id"]})).unwrap()["state"], "draft");

    app.admin_in("ACME", "inventory.update_settings", json!({"allow_negative_stock": true})).unwrap();
    let d = app.admin_in("ACME", "picking.done", json!({"id": draft["id"]})).unwrap();
    assert_eq!(d["number"], "WH/OUT/00001", "no number was burnt by the refusal");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": p}))["on_hand"]), "-2");
    check_ok(&mut app, "ACME");
    app.admin_in("ACME", "inventory.update_settings", json!({"allow_negative_stock": false})).unwrap();
    let c = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!(c["ok"], false);
    assert_eq!(c["negative"].as_array().unwrap().len(), 1);
}

#[test]
fn refused_moves_templates_services_lots_serials_and_locations() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let plain = product(&mut app, "ACME", "PLAIN", json!({}));
    let service = product(&mut app, "ACME", "HOURLY", json!({"kind": "service"}));
    let size = app.admin_in("ACME", "catalog.create_attribute", json!({"name": "Size", "values": ["S", "M"]})).unwrap();
    let tee = product(&mut app, "ACME", "TEE", json!({}));
    app.admin_in("ACME", "catalog.set_product_attributes", json!({"product_id": tee, "attributes": [{"attribute_id": size["id"]}]})).unwrap();
    let receipt = |lines: Value| json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": lines});

    let e = app.admin_in("ACME", "picking.create", receipt(json!([{"product_id": tee, "quantity": "1"}, {"product_id": service, "quantity": "1"},
        {"product_id": plain, "quantity": "1", "lot_code": "L1"}, {"product_id": plain, "quantity": "0"}]))).unwrap_err();
    assert_eq!(field_codes(&e), vec![
        ("lines.0.product_id".to_string(), "is_template".to_string()),
        ("lines.1.product_id".to_string(), "not_stockable".to_string()),
        ("lines.2.lot_code".to_string(), "lot_not_tracked".to_string()),
        ("lines.3.quantity".to_string(), "not_positive".to_string()),
    ]);
    // Receipts come from suppliers (or customers, a return); a move never goes to where
    // it comes from.
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    let e = app.admin_in("ACME", "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "from_location_id": loss,
        "lines": [{"product_id": plain, "quantity": "1"}, {"product_id": plain, "quantity": "1", "from_location_id": stock}]})).unwrap_err();
    let codes = field_codes(&e);
    assert!(codes.contains(&("from_location_id".to_string(), "wrong_location_kind".to_string())), "{codes:?}");
    assert!(codes.contains(&("lines.1.to_location_id".to_string(), "same_location".to_string())), "{codes:?}");

    // Lots: required on a lot-tracked product, created by code on a receipt.
    let milk = product(&mut app, "ACME", "MILK", json!({}));
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": milk, "tracking": "lot"})).unwrap();
    let e = app.admin_in("ACME", "picking.create", receipt(json!([{"product_id": milk, "quantity": "5"}]))).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.lot_code".to_string(), "lot_required".to_string())]);
    done(&mut app, "ACME", receipt(json!([{"product_id": milk, "quantity": "5", "lot_code": "B-0001"}]))).unwrap();
    let lots = app.admin_in("ACME", "lot.list", json!({"product_id": milk})).unwrap();
    assert_eq!(lots[0]["code"], "B-0001");
    assert_eq!(qty(&lots[0]["on_hand"]), "5");
    // A delivery names an existing lot: an unknown code is not created on the way out.
    let e = app.admin_in("ACME", "picking.create", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02",
        "lines": [{"product_id": milk, "quantity": "1", "lot_code": "NOPE"}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.lot_code".to_string(), "not_found".to_string())]);
    // Tracking is fixed once a product has moves.
    let e = app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": milk, "tracking": "none"})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::InUse);

    // Serials: one unit each, never in two places.
    let phone = product(&mut app, "ACME", "PHONE", json!({}));
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": phone, "tracking": "serial"})).unwrap();
    let e = app.admin_in("ACME", "picking.create", receipt(json!([{"product_id": phone, "quantity": "2", "lot_code": "SN-1"}]))).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.quantity".to_string(), "serial_quantity".to_string())]);
    done(&mut app, "ACME", receipt(json!([{"product_id": phone, "quantity": "1", "lot_code": "SN-1"}]))).unwrap();
    let e = done(&mut app, "ACME", receipt(json!([{"product_id": phone, "quantity": "1", "lot_code": "SN-1"}]))).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.lot_code".to_string(), "serial_on_hand".to_string())]);
    assert_eq!(e.fields()[0].message, "the serial number SN-1 of PHONE is already on hand in WH/Stock");
    let e = done(&mut app, "ACME", receipt(json!([{"product_id": phone, "quantity": "1", "lot_code": "SN-2"}, {"product_id": phone, "quantity": "1", "lot_code": "SN-2"}]))).unwrap_err();
    assert_eq!(field_codes(&e)[0].1, "serial_on_hand");
    // Sold, it may come back (a return is a move back).
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": phone, "quantity": "1", "lot_code": "SN-1"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-04", "lines": [{"product_id": phone, "quantity": "1", "lot_code": "SN-1"}]})).unwrap();
    let sn = app.admin_in("ACME", "lot.list", json!({"product_id": phone})).unwrap()[0]["id"].clone();
    let trace = app.admin_in("ACME", "lot.trace", json!({"id": sn})).unwrap();
    let path: Vec<(String, String)> =
        trace["moves"].as_array().unwrap().iter().map(|m| (m["from_location"].as_str().unwrap().to_string(), m["to_location"].as_str().unwrap().to_string())).collect();
    assert_eq!(path, vec![
        ("Virtual/Suppliers".to_string(), "WH/Stock".to_string()),
        ("WH/Stock".to_string(), "Virtual/Customers".to_string()),
        ("Virtual/Suppliers".to_string(), "WH/Stock".to_string()),
    ]);
    assert_eq!(trace["on_hand"].as_array().unwrap().len(), 1);
    check_ok(&mut app, "ACME");

    // An archived product no longer moves, even from a draft made before.
    let d = app.admin_in("ACME", "picking.create", receipt(json!([{"product_id": plain, "quantity": "1"}]))).unwrap();
    app.admin_in("ACME", "catalog.set_product_archived", json!({"id": plain, "archived": true})).unwrap();
    let e = app.admin_in("ACME", "picking.done", json!({"id": d["id"]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.product_id".to_string(), "archived".to_string())]);
}

#[test]
fn another_companys_location_is_refused_by_the_command_and_by_sqlite() {
    let mut app = TestApp::new();
    let a = app.company("A");
    app.company("B");
    let (wh_a, _) = warehouse(&mut app, "A");
    let (_, stock_b) = warehouse(&mut app, "B");
    let p = product(&mut app, "A", "P", json!({}));
    let e = app.admin_in("A", "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01",
        "lines": [{"product_id": p, "quantity": "1", "to_location_id": stock_b}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.to_location_id".to_string(), "not_found".to_string())]);
    let e = app.admin_in("A", "location.create", json!({"parent_id": stock_b, "name": "Mine"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("parent_id".to_string(), "not_found".to_string())]);
    // Past the commands, the composite foreign keys refuse it too.
    let ok = app.admin_in("A", "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "1"}]})).unwrap();
    let conn = app.cora.store().conn();
    let e = conn.execute("UPDATE stock_moves SET to_location_id = ?1 WHERE tenant_id = ?2", rusqlite::params![stock_b, a]).unwrap_err();
    assert!(e.to_string().contains("FOREIGN KEY"), "{e}");
    let picking: i64 = ok["id"].as_i64().unwrap();
    let unit: i64 = conn.query_row("SELECT id FROM units WHERE tenant_id = ?1 AND code = 'unit'", [a], |r| r.get(0)).unwrap();
    let r = conn.execute(
        "INSERT INTO stock_moves (tenant_id, picking_id, line_no, state, product_id, entered_quantity, entered_unit_id, entered_factor_e6, quantity,
            from_location_id, to_location_id, date, created_at) VALUES (?1, ?2, 9, 'draft', ?3, 10000, ?4, 1000000, 10000, ?5, ?6, '2026-03-01', '2026-03-01T00:00:00Z')",
        rusqlite::params![a, picking, p, unit, ok["moves"][0]["from_location_id"].as_i64().unwrap(), stock_b],
    );
    assert!(r.unwrap_err().to_string().contains("FOREIGN KEY"), "a move into another company's location");
}

#[test]
fn a_kit_moves_its_components_with_units_converted_and_holds_no_stock() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let kg = unit(&app, "ACME", "kg");
    let g = unit(&app, "ACME", "g");
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    let flour = product(&mut app, "ACME", "FLOUR", json!({"unit_id": kg}));
    let kit = product(&mut app, "ACME", "KIT", json!({}));
    app.admin_in("ACME", "catalog.set_components", json!({"product_id": kit, "components": [
        {"product_id": bolt, "quantity": "2"}, {"product_id": flour, "quantity": "250", "unit_id": g}
    ]})).unwrap();
    let outer = product(&mut app, "ACME", "BOX", json!({}));
    app.admin_in("ACME", "catalog.set_components", json!({"product_id": outer, "components": [{"product_id": kit, "quantity": "2"}, {"product_id": bolt, "quantity": "1"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01",
        "lines": [{"product_id": bolt, "quantity": "20"}, {"product_id": flour, "quantity": "5"}]})).unwrap();

    let d = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": kit, "quantity": "3"}]})).unwrap();
    let moves: Vec<(String, String, i64)> =
        d["moves"].as_array().unwrap().iter().map(|m| (m["sku"].as_str().unwrap().to_string(), qty(&m["quantity"]), m["kit_id"].as_i64().unwrap())).collect();
    assert_eq!(moves, vec![("BOLT".to_string(), "6".to_string(), kit), ("FLOUR".to_string(), "0.75".to_string(), kit)]);
    assert_eq!(qty(&d["moves"][1]["entered_quantity"]), "3", "each component keeps the kit line as entered");
    // A kit of kits: 1 box = 2 kits + 1 bolt = 5 bolts and 0.5 kg.
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": outer, "quantity": "2"}]})).unwrap();
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": bolt}))["on_hand"]), "4");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": flour}))["on_hand"]), "3.25");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": kit}))["on_hand"]), "0");
    let kit_moves: i64 = app.cora.store().conn().query_row("SELECT count(*) FROM stock_moves WHERE product_id IN (?1, ?2)", [kit, outer], |r| r.get(0)).unwrap();
    assert_eq!(kit_moves, 0, "a kit holds no stock");
    // Not enough for 2 more boxes: refused on the kit's line.
    let e = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": outer, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.quantity".to_string(), "insufficient_stock".to_string())]);
    check_ok(&mut app, "ACME");
}

#[test]
fn units_convert_exactly_and_round_once_to_the_units_decimals() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let (kg, g, dozen, hour) = (unit(&app, "ACME", "kg"), unit(&app, "ACME", "g"), unit(&app, "ACME", "dozen"), unit(&app, "ACME", "hour"));
    let sugar = product(&mut app, "ACME", "SUGAR", json!({"unit_id": kg}));
    let egg = product(&mut app, "ACME", "EGG", json!({}));
    let receipt = |lines: Value| json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": lines});
    let r = done(&mut app, "ACME", receipt(json!([
        {"product_id": sugar, "quantity": "1", "unit_id": g},
        {"product_id": sugar, "quantity": "1.2345", "unit_id": kg},
        {"product_id": egg, "quantity": "1.5", "unit_id": dozen},
        {"product_id": egg, "quantity": "0.3333", "unit_id": dozen}
    ]))).unwrap();
    let m = &r["moves"];
    assert_eq!((qty(&m[0]["quantity"]), qty(&m[0]["entered_quantity"]), m[0]["entered_unit_code"].as_str().unwrap(), qty(&m[0]["entered_factor"])), ("0.001".into(), "1".into(), "g", "1".into()));
    assert_eq!(qty(&m[1]["quantity"]), "1.235", "kg keeps 3 decimals, half away from zero");
    assert_eq!(qty(&m[2]["quantity"]), "18");
    assert_eq!(qty(&m[3]["quantity"]), "4", "3.9996 eggs round once, to 4");
    assert_eq!(qty(&m[3]["entered_factor"]), "12");
    let e = app.admin_in("ACME", "picking.create", receipt(json!([
        {"product_id": sugar, "quantity": "0.4", "unit_id": g},
        {"product_id": egg, "quantity": "0.04", "unit_id": dozen},
        {"product_id": egg, "quantity": "1", "unit_id": hour},
        {"product_id": egg, "quantity": "1.00001"}
    ]))).unwrap_err();
    assert_eq!(field_codes(&e), vec![
        ("lines.0.quantity".to_string(), "quantity_rounds_to_zero".to_string()),
        ("lines.1.quantity".to_string(), "quantity_rounds_to_zero".to_string()),
        ("lines.2.unit_id".to_string(), "unit_mismatch".to_string()),
        ("lines.3.quantity".to_string(), "too_many_decimals".to_string()),
    ]);
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": sugar}))["on_hand"]), "1.236");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": egg}))["on_hand"]), "22");
    // Units declare their decimals by dimension, the ones created later too.
    let conn = app.cora.store().conn();
    let decimals: Vec<(String, i64)> = conn
        .prepare("SELECT code, decimals FROM units WHERE code IN ('unit', 'kg', 'l', 'm', 'hour') AND tenant_id = (SELECT id FROM companies WHERE code = 'ACME') ORDER BY code")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(decimals, vec![("hour".into(), 2), ("kg".into(), 3), ("l".into(), 3), ("m".into(), 3), ("unit".into(), 0)]);
    app.admin_in("ACME", "catalog.create_unit", json!({"code": "lb", "name": "Pound", "dimension": "mass", "factor": "453.59237"})).unwrap();
    let lb: i64 = app.cora.store().conn().query_row("SELECT decimals FROM units WHERE code = 'lb'", [], |r| r.get(0)).unwrap();
    assert_eq!(lb, 3);
}

#[test]
fn ready_reserves_cancel_before_done_and_done_is_immutable() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "P", json!({}));
    let r = done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "10"}]})).unwrap();
    let out = |app: &mut TestApp, q: &str| app.admin_in("ACME", "picking.create", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "lines": [{"product_id": p, "quantity": q}]})).unwrap();

    let d1 = out(&mut app, "4");
    app.admin_in("ACME", "picking.confirm", json!({"id": d1["id"]})).unwrap();
    let s = on_hand(&mut app, "ACME", json!({"product_id": p}));
    assert_eq!((qty(&s["on_hand"]), qty(&s["reserved"]), qty(&s["available"])), ("10".into(), "4".into(), "6".into()));
    let c = app.admin_in("ACME", "picking.cancel", json!({"id": d1["id"]})).unwrap();
    assert_eq!(c["state"], "cancelled");
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": p}))["reserved"]), "0");
    let d2 = out(&mut app, "1");
    app.admin_in("ACME", "picking.cancel", json!({"id": d2["id"]})).unwrap();

    // Transitions outside the table are refused, naming from and to.
    for (cmd, id, from, to) in [("picking.done", &d1["id"], "cancelled", "done"), ("picking.cancel", &r["id"], "done", "cancelled"), ("picking.confirm", &r["id"], "done", "ready")] {
        let e = app.admin_in("ACME", cmd, json!({"id": id})).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Conflict, "{cmd}");
        let refusal = e.refusal();
        assert_eq!(refusal.reason, Reason::InvalidTransition);
        assert_eq!((refusal.params["from"].as_str(), refusal.params["to"].as_str()), (from, to));
    }
    // Only drafts change or are deleted.
    let e = app.admin_in("ACME", "picking.delete", json!({"id": r["id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::PickingNotDraft);
    let e = app.admin_in("ACME", "picking.update", json!({"id": r["id"], "picking": {"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "99"}]}})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::PickingNotDraft);
    let d3 = out(&mut app, "1");
    let u = app.admin_in("ACME", "picking.update", json!({"id": d3["id"], "picking": {"kind": "delivery", "warehouse_id": wh, "date": "2026-03-05", "reference": "SO-9", "lines": [{"product_id": p, "quantity": "2"}, {"product_id": p, "quantity": "1"}]}})).unwrap();
    assert_eq!((u["moves"].as_array().unwrap().len(), u["reference"].as_str()), (2, Some("SO-9")));
    app.admin_in("ACME", "picking.delete", json!({"id": d3["id"]})).unwrap();
    assert_eq!(app.admin_in("ACME", "picking.get", json!({"id": d3["id"]})).unwrap_err().code(), ErrorCode::NotFound);

    // SQLite itself keeps done moves and pickings as they are.
    let conn = app.cora.store().conn();
    let id = r["moves"][0]["id"].as_i64().unwrap();
    for sql in ["UPDATE stock_moves SET quantity = 1 WHERE id = ?1", "DELETE FROM stock_moves WHERE id = ?1"] {
        let e = conn.execute(sql, [id]).unwrap_err().to_string();
        assert!(e.contains("immutable"), "{sql}: {e}");
    }
    let pid = r["id"].as_i64().unwrap();
    assert!(conn.execute("UPDATE pickings SET date = '2020-01-01' WHERE id = ?1", [pid]).unwrap_err().to_string().contains("immutable"));
    assert!(conn.execute("DELETE FROM pickings WHERE id = ?1", [pid]).is_err());
    check_ok(&mut app, "ACME");
}

#[test]
fn warehouses_and_locations_keep_their_rules_and_companies_stay_apart() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    // Every company has its virtual locations from the start.
    for co in ["A", "B"] {
        let kinds: Vec<String> = app.admin_in(co, "location.list", json!({})).unwrap().as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap().to_string()).collect();
        assert_eq!(kinds, vec!["supplier", "customer", "inventory_loss", "production", "transit"]);
    }
    let (wh_a, stock_a) = warehouse(&mut app, "A");
    let (wh_b, _) = warehouse(&mut app, "B");
    let e = app.admin_in("A", "warehouse.create", json!({"code": "wh", "name": "Again"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("code".to_string(), "duplicate".to_string())]);
    let shelf = app.admin_in("A", "location.create", json!({"parent_id": stock_a, "name": "Shelf"})).unwrap();
    let e = app.admin_in("A", "location.create", json!({"parent_id": stock_a, "name": "SHELF"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let customers = virtual_location(&mut app, "A", "customer");
    let e = app.admin_in("A", "location.create", json!({"parent_id": customers, "name": "x"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("parent_id".to_string(), "wrong_location_kind".to_string())]);
    // A new warehouse code renames the tree.
    app.admin_in("A", "warehouse.update", json!({"id": wh_a, "code": "MAIN"})).unwrap();
    let tree: Vec<String> = app.admin_in("A", "location.list", json!({"warehouse_id": wh_a})).unwrap().as_array().unwrap().iter().map(|l| l["full_name"].as_str().unwrap().to_string()).collect();
    assert_eq!(tree, vec!["MAIN/Stock", "MAIN/Stock/Shelf"]);

    // Stock in A is A's: the same SKU in B has none, and B cannot see A's pickings.
    let pa = product(&mut app, "A", "SAME", json!({}));
    let pb = product(&mut app, "B", "SAME", json!({}));
    let r = done(&mut app, "A", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01", "to_location_id": shelf["id"], "lines": [{"product_id": pa, "quantity": "5"}]})).unwrap();
    assert_eq!(r["number"], "MAIN/IN/00001");
    assert_eq!(qty(&on_hand(&mut app, "B", json!({"product_id": pb}))["on_hand"]), "0");
    assert_eq!(app.admin_in("B", "picking.get", json!({"id": r["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("B", "stock.on_hand", json!({"product_id": pa})).unwrap_err().code(), ErrorCode::Validation);
    let e = app.admin_in("B", "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01", "lines": [{"product_id": pb, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e)[0], ("warehouse_id".to_string(), "not_found".to_string()));
    let b = done(&mut app, "B", json!({"kind": "receipt", "warehouse_id": wh_b, "date": "2026-03-01", "lines": [{"product_id": pb, "quantity": "1"}]})).unwrap();
    assert_eq!(b["number"], "WH/IN/00001", "numbers are per company");

    // Nothing holding stock is archived; the root goes with its warehouse.
    assert_eq!(app.admin_in("A", "location.set_archived", json!({"id": shelf["id"], "archived": true})).unwrap_err().refusal().reason, Reason::LocationHasStock);
    assert_eq!(app.admin_in("A", "warehouse.set_archived", json!({"id": wh_a, "archived": true})).unwrap_err().refusal().reason, Reason::LocationHasStock);
    assert_eq!(app.admin_in("A", "location.set_archived", json!({"id": stock_a, "archived": true})).unwrap_err().refusal().reason, Reason::RootLocation);
    let empty = app.admin_in("A", "location.create", json!({"parent_id": stock_a, "name": "Empty"})).unwrap();
    assert_eq!(app.admin_in("A", "location.set_archived", json!({"id": empty["id"], "archived": true})).unwrap()["archived"], true);
    let e = app.admin_in("A", "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01", "to_location_id": empty["id"], "lines": [{"product_id": pa, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e).last().unwrap().1, "archived");

    // Roles: a viewer sees stock but moves nothing; the warehouse role moves it.
    let viewer = app.member("v@example.com", "A", "viewer");
    assert!(app.call(&viewer, Some("A"), "stock.on_hand", json!({"product_id": pa})).is_ok());
    let e = app.call(&viewer, Some("A"), "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-01", "lines": []})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let wh_user = app.member("w@example.com", "A", "warehouse");
    let r = app.call(&wh_user, Some("A"), "picking.create", json!({"kind": "receipt", "warehouse_id": wh_a, "date": "2026-03-02", "lines": [{"product_id": pa, "quantity": "1"}]})).unwrap();
    app.call(&wh_user, Some("A"), "picking.done", json!({"id": r["id"]})).unwrap();
    check_ok(&mut app, "A");
    check_ok(&mut app, "B");
}

fn account_balance(app: &mut TestApp, co: &str, code: &str) -> String {
    let id = crate::accounting::account(app, co, code);
    qty(&app.admin_in(co, "account.get", json!({"id": id})).unwrap()["balance"])
}

#[test]
fn every_value_change_posts_to_the_stock_journal_and_the_books_agree_with_the_valuation() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "P", json!({}));
    let receipt = |date: &str, q: &str, cost: &str| json!({"kind": "receipt", "warehouse_id": wh, "date": date, "lines": [{"product_id": p, "quantity": q, "unit_cost": cost}]});

    let r = done(&mut app, "ACME", receipt("2026-03-01", "10", "2.5")).unwrap();
    assert_eq!(qty(&r["moves"][0]["value"]), "25");
    let entry = app.admin_in("ACME", "entry.get", json!({"id": r["entry_id"]})).unwrap();
    assert_eq!(entry["number"], "STK/2026/00001");
    assert_eq!(entry["reference"], "WH/IN/00001");
    assert_eq!(account_balance(&mut app, "ACME", "1300"), "25");
    done(&mut app, "ACME", receipt("2026-03-02", "5", "4")).unwrap();
    let v = app.admin_in("ACME", "inventory.valuation", json!({})).unwrap();
    assert_eq!((qty(&v["rows"][0]["quantity"]), qty(&v["rows"][0]["average_cost"]), qty(&v["total"])), ("15".into(), "3".into(), "45".into()));

    // Delivery at the average: COGS 12; a loss of 1 (3) and a gain of 2 at the average (6).
    let d = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": p, "quantity": "4"}]})).unwrap();
    assert_eq!(qty(&d["moves"][0]["value"]), "-12");
    assert_eq!(account_balance(&mut app, "ACME", "5000"), "12");
    done(&mut app, "ACME", json!({"kind": "scrap", "warehouse_id": wh, "date": "2026-03-04", "reason": "broken", "lines": [{"product_id": p, "quantity": "1"}]})).unwrap();
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": wh, "date": "2026-03-05", "reason": "found", "from_location_id": loss,
        "lines": [{"product_id": p, "quantity": "2"}]})).unwrap();
    assert_eq!(account_balance(&mut app, "ACME", "5040"), "-3");
    // A transfer moves no value and posts nothing.
    let bin = app.admin_in("ACME", "location.create", json!({"parent_id": r["moves"][0]["to_location_id"], "name": "Bin"})).unwrap();
    let t = done(&mut app, "ACME", json!({"kind": "internal", "warehouse_id": wh, "date": "2026-03-06", "to_location_id": bin["id"], "lines": [{"product_id": p, "quantity": "2"}]})).unwrap();
    assert!(t["entry_id"].is_null());
    let c = app.admin_in("ACME", "inventory.check", json!({})).unwrap();
    assert_eq!((c["ok"].clone(), qty(&c["valuation_total"]), qty(&c["inventory_account_balance"])), (json!(true), "36".into(), "36".into()), "{c}");

    // The last unit out takes what is left: no value on zero units.
    done(&mut app, "ACME", receipt("2026-03-07", "3", "3.333333")).unwrap();
    for (i, q) in ["10", "1", "1", "1"].iter().enumerate() {
        let from = if i == 0 { json!(null) } else { bin["id"].clone() };
        let mut args = json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-08", "lines": [{"product_id": p, "quantity": q}]});
        if !from.is_null() {
            args["from_location_id"] = from;
        }
        let e = done(&mut app, "ACME", args);
        if i == 3 {
            assert!(e.is_err(), "the bin held 2");
        } else {
            e.unwrap();
        }
    }
    // 13 − 10 leave 3 at WH/Stock: the delivery that empties it takes the value left (9.19, not 3 × 3.07).
    let last = done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-09", "lines": [{"product_id": p, "quantity": "3"}]})).unwrap();
    assert_eq!(qty(&last["moves"][0]["value"]), "-9.19");
    let v = app.admin_in("ACME", "inventory.valuation", json!({})).unwrap();
    assert_eq!(qty(&v["total"]), "0");
    assert!(v["rows"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(account_balance(&mut app, "ACME", "1300"), "0");
    check_ok(&mut app, "ACME");
    let ledger = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
    assert_eq!(ledger["ok"], true, "{ledger}");
    // Only Owners and Accountants see the value of stock.
    let wh_user = app.member("w@example.com", "ACME", "warehouse");
    assert_eq!(app.call(&wh_user, Some("ACME"), "inventory.valuation", json!({})).unwrap_err().code(), ErrorCode::Forbidden);
    let accountant = app.member("a@example.com", "ACME", "accountant");
    assert!(app.call(&accountant, Some("ACME"), "inventory.valuation", json!({})).is_ok());
    assert_eq!(app.call(&accountant, Some("ACME"), "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": []})).unwrap_err().code(), ErrorCode::Forbidden);
}

#[test]
fn a_product_with_moves_keeps_its_unit_and_never_becomes_a_kit() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let p = product(&mut app, "ACME", "EGG", json!({}));
    let other = product(&mut app, "ACME", "BOX", json!({}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": p, "quantity": "12"}]})).unwrap();
    let dozen = unit(&app, "ACME", "dozen");
    let e = app.admin_in("ACME", "catalog.update_product", json!({"id": p, "unit_id": dozen})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("unit_id".to_string(), "has_stock_moves".to_string())]);
    let e = app.admin_in("ACME", "catalog.set_components", json!({"product_id": p, "components": [{"product_id": other, "quantity": "1"}]})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("components".to_string(), "has_stock_moves".to_string())]);
    let e = app.admin_in("ACME", "catalog.update_product", json!({"id": p, "kind": "consumable"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("kind".to_string(), "has_stock_moves".to_string())]);
    // A product without moves still may.
    app.admin_in("ACME", "catalog.update_product", json!({"id": other, "unit_id": dozen})).unwrap();
    assert_eq!(qty(&on_hand(&mut app, "ACME", json!({"product_id": p}))["on_hand"]), "12");
}
