//! Replenishment and the inventory reports through the real command layer: reorder rules
//! (validation, uniqueness, archive, delete), the to-reorder suggestion (multiples,
//! forecast with reserved and incoming moves), isolation between companies, permissions;
//! the stock report (now and at past dates against the running sums, groupings, filters,
//! paging) and its export; the inventory reports through `report.table` / `report.export`;
//! and the shape changes the screens use (`stock.moves` ranges and newest first, `lot.list`
//! paging, picking rows with names, clearing the loss account).

use crate::code_of;
use crate::inventory::{done, product, virtual_location, warehouse};
use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Reason};
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn field_codes(e: &cora_core::Error) -> Vec<(String, String)> {
    e.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect()
}

fn receive(app: &mut TestApp, co: &str, wh: i64, date: &str, product: i64, qty: &str) {
    done(app, co, json!({"kind": "receipt", "warehouse_id": wh, "date": date, "lines": [{"product_id": product, "quantity": qty, "unit_cost": "1"}]})).unwrap();
}

fn supplier(app: &mut TestApp, co: &str, name: &str) -> i64 {
    app.admin_in(co, "partner.create", json!({"name": name, "is_supplier": true})).unwrap()["id"].as_i64().unwrap()
}

fn to_reorder(app: &mut TestApp, co: &str, args: Value) -> Vec<Value> {
    app.admin_in(co, "stock.to_reorder", args).unwrap().as_array().unwrap().clone()
}

#[test]
fn rules_are_validated_with_field_errors_and_unique_per_product_and_warehouse() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    let hourly = product(&mut app, "ACME", "HOURLY", json!({"kind": "service"}));
    let kit = product(&mut app, "ACME", "KIT", json!({}));
    app.admin_in("ACME", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": bolt, "quantity": "2"}]})).unwrap();
    let customer = app.admin_in("ACME", "partner.create", json!({"name": "Client", "is_customer": true})).unwrap()["id"].as_i64().unwrap();
    let acme_bolts = supplier(&mut app, "ACME", "Bolt Works");

    // min ≥ 0, max ≥ min, multiple > 0, all at once.
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "-1", "max_qty": "5", "multiple": "0"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(field_codes(&e), vec![("min_qty".into(), "negative".into()), ("multiple".into(), "not_positive".into())]);
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "10", "max_qty": "5"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("max_qty".into(), "below_minimum".into())]);
    assert_eq!(e.fields()[0].message, "must be at least the minimum 10");
    // BOLT is counted in pieces (0 decimals): half a bolt is no quantity to order.
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "1", "max_qty": "5", "multiple": "0.5"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("multiple".into(), "too_many_decimals".into())]);
    // Only stockable products that hold stock; a real warehouse; a supplier.
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": hourly, "warehouse_id": wh, "min_qty": "1", "max_qty": "2"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("product_id".into(), "not_stockable".into())]);
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": kit, "warehouse_id": wh, "min_qty": "1", "max_qty": "2"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("product_id".into(), "kit_holds_no_stock".into())]);
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": 999_999, "min_qty": "1", "max_qty": "2", "supplier_id": customer})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("warehouse_id".into(), "not_found".into()), ("supplier_id".into(), "not_supplier".into())]);
    assert_eq!(app.admin_in("ACME", "reorder_rule.list", json!({})).unwrap()["total"], 0, "nothing refused was written");

    let rule = app
        .admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "10", "max_qty": "50", "multiple": "12", "supplier_id": acme_bolts}))
        .unwrap();
    assert_eq!((s(&rule["min_qty"]), s(&rule["max_qty"]), s(&rule["multiple"])), ("10".into(), "50".into(), "12".into()));
    assert_eq!((rule["sku"].as_str(), rule["warehouse_code"].as_str(), rule["supplier_name"].as_str()), (Some("BOLT"), Some("WH"), Some("Bolt Works")));
    let e = app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "1", "max_qty": "2"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(field_codes(&e), vec![("product_id".into(), "duplicate".into())]);

    // Update: absent fields stay; max below the (kept) min is refused; the supplier clears.
    let e = app.admin_in("ACME", "reorder_rule.update", json!({"id": rule["id"], "max_qty": "9"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("max_qty".into(), "below_minimum".into())]);
    let r = app.admin_in("ACME", "reorder_rule.update", json!({"id": rule["id"], "max_qty": "60", "clear_supplier": true})).unwrap();
    assert_eq!((s(&r["min_qty"]), s(&r["max_qty"]), r["supplier_id"].clone()), ("10".into(), "60".into(), Value::Null));

    // Archive hides it from the list (and the suggestions); delete removes it.
    app.admin_in("ACME", "reorder_rule.set_archived", json!({"id": rule["id"], "archived": true})).unwrap();
    assert_eq!(app.admin_in("ACME", "reorder_rule.list", json!({})).unwrap()["total"], 0);
    assert_eq!(app.admin_in("ACME", "reorder_rule.list", json!({"include_archived": true})).unwrap()["total"], 1);
    assert!(to_reorder(&mut app, "ACME", json!({})).is_empty(), "an archived rule suggests nothing");
    app.admin_in("ACME", "reorder_rule.delete", json!({"id": rule["id"]})).unwrap();
    assert_eq!(app.admin_in("ACME", "reorder_rule.get", json!({"id": rule["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    let audit: i64 = app.cora.store().conn().query_row("SELECT count(*) FROM audit_log WHERE entity = 'reorder_rule'", [], |r| r.get(0)).unwrap();
    assert_eq!(audit, 4, "create, update, archive, delete");
}

#[test]
fn suggestions_bring_the_forecast_to_max_in_multiples_counting_reserved_and_incoming() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let w2 = app.admin_in("ACME", "warehouse.create", json!({"code": "W2", "name": "Second"})).unwrap();
    let (w2, w2_stock) = (w2["id"].as_i64().unwrap(), w2["root_location_id"].as_i64().unwrap());
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock, "name": "Shelf"})).unwrap()["id"].as_i64().unwrap();
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    let nut = product(&mut app, "ACME", "NUT", json!({}));
    let litre = crate::inventory::unit(&app, "ACME", "l");
    let oil = product(&mut app, "ACME", "OIL", json!({"unit_id": litre}));
    let sup = supplier(&mut app, "ACME", "Bolt Works");
    let rule = |app: &mut TestApp, p: i64, w: i64, min: &str, max: &str, mul: &str| {
        app.admin_in("ACME", "reorder_rule.create", json!({"product_id": p, "warehouse_id": w, "min_qty": min, "max_qty": max, "multiple": mul, "supplier_id": sup}))
            .unwrap()
    };
    rule(&mut app, bolt, wh, "10", "50", "12");
    rule(&mut app, nut, wh, "5", "20", "1");
    rule(&mut app, bolt, w2, "0", "0", "1");

    // Nothing on hand: BOLT needs 50 → 5 dozen (60); NUT exactly 20; W2's min 0 is met at 0.
    let rows = to_reorder(&mut app, "ACME", json!({}));
    let got: Vec<(String, String, String, String)> = rows.iter().map(|r| (s(&r["warehouse_code"]), s(&r["sku"]), s(&r["forecast"]), s(&r["suggested"]))).collect();
    assert_eq!(got, vec![("WH".into(), "BOLT".into(), "0".into(), "60".into()), ("WH".into(), "NUT".into(), "0".into(), "20".into())]);
    assert_eq!(rows[0]["supplier_name"], "Bolt Works");

    // 30 BOLT on hand (20 of them on a shelf: the whole warehouse counts); 25 reserved by a
    // ready delivery; 6 on their way in by a ready receipt; a ready transfer from the shelf
    // to WH/Stock stays inside the warehouse and changes nothing.
    receive(&mut app, "ACME", wh, "2026-03-01", bolt, "10");
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "to_location_id": shelf, "lines": [{"product_id": bolt, "quantity": "20"}]})).unwrap();
    let confirm = |app: &mut TestApp, args: Value| {
        let p = app.admin_in("ACME", "picking.create", args).unwrap();
        app.admin_in("ACME", "picking.confirm", json!({"id": p["id"]})).unwrap();
    };
    confirm(&mut app, json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-02", "from_location_id": shelf, "lines": [{"product_id": bolt, "quantity": "25"}]}));
    confirm(&mut app, json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": bolt, "quantity": "6"}]}));
    confirm(&mut app, json!({"kind": "internal", "warehouse_id": wh, "date": "2026-03-03", "from_location_id": shelf, "to_location_id": stock, "lines": [{"product_id": bolt, "quantity": "1"}]}));
    // A draft counts for nothing until confirmed.
    app.admin_in("ACME", "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-03", "lines": [{"product_id": bolt, "quantity": "100"}]})).unwrap();
    let rows = to_reorder(&mut app, "ACME", json!({"warehouse_id": wh}));
    let listed: Vec<String> = rows.iter().map(|r| s(&r["sku"])).collect();
    assert_eq!(listed, vec!["NUT"], "BOLT's forecast 30 − 25 + 6 = 11 is not below min 10");

    // A ready delivery of 2 more: forecast 9 < 10 → need 50 − 9 = 41 → 4 dozen = 48.
    confirm(&mut app, json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-04", "lines": [{"product_id": bolt, "quantity": "2"}]}));
    let rows = to_reorder(&mut app, "ACME", json!({"warehouse_id": wh}));
    let b = rows.iter().find(|r| r["sku"] == "BOLT").expect("BOLT to reorder");
    assert_eq!((s(&b["reserved"]), s(&b["forecast"]), s(&b["suggested"])), ("27".into(), "9".into(), "48".into()));

    // A transfer to W2 reserves for WH and is incoming for W2; W2 sees only its own.
    confirm(&mut app, json!({"kind": "internal", "warehouse_id": wh, "date": "2026-03-04", "from_location_id": stock, "to_location_id": w2_stock, "lines": [{"product_id": bolt, "quantity": "3"}]}));
    let b = to_reorder(&mut app, "ACME", json!({"warehouse_id": wh})).into_iter().find(|r| r["sku"] == "BOLT").unwrap();
    assert_eq!((s(&b["reserved"]), s(&b["forecast"]), s(&b["suggested"])), ("30".into(), "6".into(), "48".into()), "50 − 6 = 44 → 48");
    assert!(to_reorder(&mut app, "ACME", json!({"warehouse_id": w2})).is_empty(), "W2: 3 incoming, min 0");

    // Decimal units: 0.75 l on hand, min 2, max 5, multiple 0.5 → need 4.25 → 4.5 exactly.
    rule(&mut app, oil, wh, "2", "5", "0.5");
    receive(&mut app, "ACME", wh, "2026-03-05", oil, "0.75");
    let o = to_reorder(&mut app, "ACME", json!({})).into_iter().find(|r| r["sku"] == "OIL").unwrap();
    assert_eq!((s(&o["forecast"]), s(&o["suggested"]), s(&o["unit_code"])), ("0.75".into(), "4.5".into(), "l".into()));

    // An archived product is not ordered (its rule stays and counts again once restored).
    app.admin_in("ACME", "catalog.set_product_archived", json!({"id": nut, "archived": true})).unwrap();
    assert!(to_reorder(&mut app, "ACME", json!({})).iter().all(|r| r["sku"] != "NUT"));
    app.admin_in("ACME", "catalog.set_product_archived", json!({"id": nut, "archived": false})).unwrap();
    assert!(to_reorder(&mut app, "ACME", json!({})).iter().any(|r| r["sku"] == "NUT"));

    // Nor is a product that has since become a kit (it holds no stock).
    app.admin_in("ACME", "catalog.set_components", json!({"product_id": nut, "components": [{"product_id": bolt, "quantity": "1"}]})).unwrap();
    assert!(to_reorder(&mut app, "ACME", json!({})).iter().all(|r| r["sku"] != "NUT"));

    let e = app.admin_in("ACME", "stock.to_reorder", json!({"warehouse_id": 999_999})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("warehouse_id".into(), "not_found".into())]);
    let reading_writes_nothing = crate::dump(app.cora.store().conn(), &["sessions"]);
    to_reorder(&mut app, "ACME", json!({}));
    assert_eq!(reading_writes_nothing, crate::dump(app.cora.store().conn(), &["sessions"]));
}

#[test]
fn rules_and_suggestions_stay_in_their_company() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    let (wa, _) = warehouse(&mut app, "A");
    let (wb, _) = warehouse(&mut app, "B");
    let pa = product(&mut app, "A", "BOLT", json!({}));
    let pb = product(&mut app, "B", "BOLT", json!({}));
    let sup_b = supplier(&mut app, "B", "B's supplier");
    let ra = app.admin_in("A", "reorder_rule.create", json!({"product_id": pa, "warehouse_id": wa, "min_qty": "5", "max_qty": "10"})).unwrap();
    app.admin_in("B", "reorder_rule.create", json!({"product_id": pb, "warehouse_id": wb, "min_qty": "1", "max_qty": "3"})).unwrap();
    // A's rule can't name B's product, warehouse or supplier: as if they did not exist.
    let e = app.admin_in("A", "reorder_rule.create", json!({"product_id": pb, "warehouse_id": wb, "min_qty": "1", "max_qty": "2", "supplier_id": sup_b})).unwrap_err();
    assert_eq!(
        field_codes(&e),
        vec![("product_id".into(), "not_found".into()), ("warehouse_id".into(), "not_found".into()), ("supplier_id".into(), "not_found".into())]
    );
    let e = app.admin_in("A", "reorder_rule.update", json!({"id": ra["id"], "supplier_id": sup_b})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("supplier_id".into(), "not_found".into())]);
    // B neither sees nor changes A's rule; stock in B does not feed A's forecast.
    assert_eq!(app.admin_in("B", "reorder_rule.get", json!({"id": ra["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(app.admin_in("B", "reorder_rule.delete", json!({"id": ra["id"]})).unwrap_err().code(), ErrorCode::NotFound);
    receive(&mut app, "B", wb, "2026-03-01", pb, "100");
    let a = to_reorder(&mut app, "A", json!({}));
    assert_eq!(a.len(), 1);
    assert_eq!((s(&a[0]["on_hand"]), s(&a[0]["suggested"])), ("0".into(), "10".into()));
    assert!(to_reorder(&mut app, "B", json!({})).is_empty());
    assert_eq!(app.admin_in("A", "stock.to_reorder", json!({"warehouse_id": wb})).unwrap_err().code(), ErrorCode::Validation);
    let sa = app.admin_in("A", "stock.report", json!({})).unwrap();
    assert!(sa["rows"].as_array().unwrap().is_empty(), "A sees none of B's stock: {sa}");
}

#[test]
fn rules_are_setup_the_list_is_for_everyone_and_valuation_tables_need_its_permission() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    let viewer = app.member("viewer@example.com", "ACME", "viewer");
    let warehouse_man = app.member("wh@example.com", "ACME", "warehouse");
    let create = json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "1", "max_qty": "2"});
    let e = app.call(&viewer, Some("ACME"), "reorder_rule.create", create.clone()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert_eq!(e.refusal().params.get("permission").map(String::as_str), Some("inventory.change_setup"));
    let r = app.call(&warehouse_man, Some("ACME"), "reorder_rule.create", create).unwrap();
    assert_eq!(app.call(&viewer, Some("ACME"), "reorder_rule.list", json!({})).unwrap()["total"], 1);
    assert_eq!(app.call(&viewer, Some("ACME"), "stock.to_reorder", json!({})).unwrap().as_array().unwrap().len(), 1);
    assert_eq!(code_of(&app.call(&viewer, Some("ACME"), "reorder_rule.update", json!({"id": r["id"], "min_qty": "0"}))), Some(ErrorCode::Forbidden));
    assert_eq!(code_of(&app.call(&viewer, Some("ACME"), "reorder_rule.delete", json!({"id": r["id"]}))), Some(ErrorCode::Forbidden));
    // The stock reports print for the viewer; the valuation only for those who see value.
    let t = app.call(&viewer, Some("ACME"), "report.table", json!({"report": "to_reorder", "args": {}})).unwrap();
    assert_eq!(t["rows"].as_array().unwrap().len(), 1);
    app.call(&warehouse_man, Some("ACME"), "report.export", json!({"report": "stock_report", "args": {}, "format": "csv"})).unwrap();
    for cmd in ["report.table", "report.export"] {
        let mut args = json!({"report": "stock_valuation", "args": {}});
        if cmd == "report.export" {
            args["format"] = json!("csv");
        }
        let e = app.call(&warehouse_man, Some("ACME"), cmd, args.clone()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden, "{cmd}");
        assert_eq!(e.refusal().reason, Reason::Forbidden);
        assert_eq!(e.refusal().params.get("permission").map(String::as_str), Some("inventory.view_valuation"));
        app.admin_in("ACME", cmd, args).unwrap();
    }
    // A role that reads the books but not stock prints the books' reports, not stock's.
    let role = app.admin_in("ACME", "role.create", json!({"name": "Books only", "permissions": ["accounting.view_ledger"]})).unwrap();
    app.admin_call("user.create", json!({"email": "books@example.com", "display_name": "Books", "password": cora_core::testing::PASSWORD})).unwrap();
    app.admin_in("ACME", "membership.add", json!({"email": "books@example.com", "role_id": role["id"]})).unwrap();
    let books = cora_core::testing::login(&mut app.cora, "books@example.com", cora_core::testing::PASSWORD).unwrap();
    let e = app.call(&books, Some("ACME"), "report.table", json!({"report": "stock_report", "args": {}})).unwrap_err();
    assert_eq!((e.code(), e.refusal().params.get("permission").map(String::as_str)), (ErrorCode::Forbidden, Some("inventory.view_stock")));
    app.call(&books, Some("ACME"), "report.table", json!({"report": "trial_balance", "args": {"from": "2026-01-01", "to": "2026-01-31"}})).unwrap();
}

/// On hand of `product` in the company at the end of `date`, as the sum of its history's
/// changes up to that day (the running sums).
fn running_at(app: &mut TestApp, co: &str, product: i64, date: &str) -> String {
    let h = app.admin_in(co, "stock.moves", json!({"product_id": product, "to": date, "descending": true, "limit": 1})).unwrap();
    h["items"].as_array().unwrap().first().map(|m| s(&m["running_quantity"])).unwrap_or_else(|| "0".into())
}

#[test]
fn the_stock_report_at_a_date_equals_the_running_sums_and_groups_by_location_and_lot() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock, "name": "Shelf"})).unwrap()["id"].as_i64().unwrap();
    let cat = app.admin_in("ACME", "catalog.create_category", json!({"name": "Hardware"})).unwrap()["id"].as_i64().unwrap();
    let bolt = product(&mut app, "ACME", "BOLT", json!({"category_id": cat}));
    let nut = product(&mut app, "ACME", "NUT", json!({"category_id": cat}));
    let milk = product(&mut app, "ACME", "MILK", json!({}));
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": milk, "tracking": "lot"})).unwrap();
    product(&mut app, "ACME", "EMPTY", json!({}));
    receive(&mut app, "ACME", wh, "2026-03-01", bolt, "10");
    receive(&mut app, "ACME", wh, "2026-03-02", nut, "4");
    done(&mut app, "ACME", json!({"kind": "internal", "warehouse_id": wh, "date": "2026-03-03", "to_location_id": shelf, "lines": [{"product_id": bolt, "quantity": "3"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-04", "lines": [{"product_id": bolt, "quantity": "5"}]})).unwrap();
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-05", "lines": [
        {"product_id": milk, "quantity": "2", "lot_code": "L2", "unit_cost": "1"}, {"product_id": milk, "quantity": "1", "lot_code": "L1", "unit_cost": "1"}]})).unwrap();
    let loss = virtual_location(&mut app, "ACME", "inventory_loss");
    done(&mut app, "ACME", json!({"kind": "adjustment", "warehouse_id": wh, "date": "2026-03-06", "reason": "count", "from_location_id": stock, "to_location_id": loss,
        "lines": [{"product_id": nut, "quantity": "4"}]})).unwrap();

    let report = |app: &mut TestApp, args: Value| app.admin_in("ACME", "stock.report", args).unwrap();
    let by_product = |r: &Value| -> Vec<(String, String)> { r["rows"].as_array().unwrap().iter().map(|x| (s(&x["sku"]), s(&x["quantity"]))).collect() };
    // Now: products with stock, by SKU; NUT went to zero and EMPTY never had any.
    let now = report(&mut app, json!({}));
    assert_eq!(by_product(&now), vec![("BOLT".into(), "5".into()), ("MILK".into(), "3".into())]);
    assert_eq!((s(&now["rows"][0]["reserved"]), s(&now["rows"][0]["available"])), ("0".into(), "5".into()));
    // At each past date: exactly the running sums of each product's history.
    for date in ["2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-12-31"] {
        let r = report(&mut app, json!({"at": date}));
        let rows = by_product(&r);
        for (p, sku) in [(bolt, "BOLT"), (nut, "NUT"), (milk, "MILK")] {
            let expected = running_at(&mut app, "ACME", p, date);
            let got = rows.iter().find(|(k, _)| k == sku).map(|(_, q)| q.clone()).unwrap_or_else(|| "0".into());
            assert_eq!(got, expected, "{sku} at {date}");
        }
        assert!(r["rows"][0]["reserved"].is_null(), "no reservation at a past date");
    }
    assert_eq!(by_product(&report(&mut app, json!({"at": "2026-03-03"}))), vec![("BOLT".into(), "10".into()), ("NUT".into(), "4".into())]);

    // By location (the shelf is a subtree of the warehouse), by lot, filtered.
    let loc = report(&mut app, json!({"group_by": "location", "at": "2026-03-04"}));
    let rows: Vec<(String, String, String)> = loc["rows"].as_array().unwrap().iter().map(|x| (s(&x["sku"]), s(&x["location"]), s(&x["quantity"]))).collect();
    assert_eq!(rows, vec![("BOLT".into(), "WH/Stock".into(), "2".into()), ("BOLT".into(), "WH/Stock/Shelf".into(), "3".into()), ("NUT".into(), "WH/Stock".into(), "4".into())]);
    let shelf_only = report(&mut app, json!({"location_id": shelf}));
    assert_eq!(by_product(&shelf_only), vec![("BOLT".into(), "3".into())]);
    let lots = report(&mut app, json!({"group_by": "lot", "search": "milk"}));
    let rows: Vec<(String, String)> = lots["rows"].as_array().unwrap().iter().map(|x| (s(&x["lot_code"]), s(&x["quantity"]))).collect();
    assert_eq!(rows, vec![("L1".into(), "1".into()), ("L2".into(), "2".into())]);
    assert_eq!(by_product(&report(&mut app, json!({"category_id": cat, "at": "2026-03-02"}))), vec![("BOLT".into(), "10".into()), ("NUT".into(), "4".into())]);
    let e = app.admin_in("ACME", "stock.report", json!({"category_id": 999_999})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("category_id".into(), "not_found".into())]);
    let e = app.admin_in("ACME", "stock.report", json!({"cursor": "nonsense"})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("cursor".into(), "invalid_cursor".into())]);

    // The export prints the same rows.
    let f = app.admin_in("ACME", "report.export", json!({"report": "stock_report", "args": {"group_by": "location", "at": "2026-03-04"}, "format": "csv"})).unwrap();
    assert_eq!(f["filename"], "stock-report.csv");
    let csv = s(&f["content"]);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        vec![
            "SKU,Product,Location,Unit,Quantity",
            "BOLT,Product BOLT,WH/Stock,unit,2",
            "BOLT,Product BOLT,WH/Stock/Shelf,unit,3",
            "NUT,Product NUT,WH/Stock,unit,4"
        ]
    );
    let t = app.admin_in("ACME", "report.table", json!({"report": "stock_report", "args": {}})).unwrap();
    assert_eq!(t["subtitle"], "All warehouses, now");
    let cells: Vec<Value> = t["rows"].as_array().unwrap().iter().map(|r| r["cells"].clone()).collect();
    assert_eq!(cells, vec![json!(["BOLT", "Product BOLT", "unit", "5", "0", "5"]), json!(["MILK", "Product MILK", "unit", "3", "0", "3"])]);
    let x = app.admin_in("ACME", "report.export", json!({"report": "stock_report", "args": {"group_by": "lot"}, "format": "xlsx"})).unwrap();
    assert_eq!((x["filename"].as_str(), x["encoding"].as_str()), (Some("stock-report.xlsx"), Some("base64")));
}

#[test]
fn the_stock_report_pages_by_sku_without_gaps_or_repeats() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, stock) = warehouse(&mut app, "ACME");
    let shelf = app.admin_in("ACME", "location.create", json!({"parent_id": stock, "name": "Shelf"})).unwrap()["id"].as_i64().unwrap();
    let mut lines = Vec::new();
    // 130 products (more than one step of the walk), each in two places.
    for i in 0..130 {
        let p = product(&mut app, "ACME", &format!("P{i:03}"), json!({}));
        lines.push(json!({"product_id": p, "quantity": format!("{}", i + 1)}));
        lines.push(json!({"product_id": p, "quantity": "1", "to_location_id": shelf}));
    }
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": lines})).unwrap();
    for (group, per) in [("product", 1), ("location", 2)] {
        let mut seen: Vec<(String, Option<String>)> = Vec::new();
        let mut cursor: Option<Value> = None;
        let mut pages = 0;
        loop {
            let mut args = json!({"group_by": group, "limit": 7});
            if let Some(c) = &cursor {
                args["cursor"] = c.clone();
            }
            let page = app.admin_in("ACME", "stock.report", args).unwrap();
            let rows = page["rows"].as_array().unwrap();
            assert!(rows.len() <= 7);
            seen.extend(rows.iter().map(|r| (s(&r["sku"]), r["location"].as_str().map(str::to_string))));
            pages += 1;
            if page["next_cursor"].is_null() {
                break;
            }
            cursor = Some(page["next_cursor"].clone());
        }
        assert_eq!(seen.len(), 130 * per, "{group}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, seen, "{group}: in order, no repeats");
        assert_eq!(pages, (130 * per).div_ceil(7), "{group}");
    }
    let first = app.admin_in("ACME", "stock.report", json!({"at": "2026-03-01", "limit": 3})).unwrap();
    let q: Vec<String> = first["rows"].as_array().unwrap().iter().map(|r| s(&r["quantity"])).collect();
    assert_eq!(q, vec!["2", "3", "4"]);
}

#[test]
fn history_newest_first_in_a_range_keeps_the_true_running_quantity() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    for (d, q) in [("2026-03-01", "10"), ("2026-03-02", "5"), ("2026-03-03", "1"), ("2026-03-04", "2")] {
        receive(&mut app, "ACME", wh, d, bolt, q);
    }
    done(&mut app, "ACME", json!({"kind": "delivery", "warehouse_id": wh, "date": "2026-03-05", "lines": [{"product_id": bolt, "quantity": "3"}]})).unwrap();
    let page = |app: &mut TestApp, args: Value| -> (Vec<(String, String)>, Value, i64) {
        let p = app.admin_in("ACME", "stock.moves", args).unwrap();
        let items = p["items"].as_array().unwrap().iter().map(|m| (s(&m["date"]), s(&m["running_quantity"]))).collect();
        (items, p["next_cursor"].clone(), p["total"].as_i64().unwrap())
    };
    let (p1, c, total) = page(&mut app, json!({"product_id": bolt, "descending": true, "limit": 2}));
    assert_eq!(total, 5);
    assert_eq!(p1, vec![("2026-03-05".into(), "15".into()), ("2026-03-04".into(), "18".into())]);
    let (p2, c, _) = page(&mut app, json!({"product_id": bolt, "descending": true, "limit": 2, "cursor": c}));
    assert_eq!(p2, vec![("2026-03-03".into(), "16".into()), ("2026-03-02".into(), "15".into())]);
    let (p3, c, _) = page(&mut app, json!({"product_id": bolt, "descending": true, "limit": 2, "cursor": c}));
    assert_eq!(p3, vec![("2026-03-01".into(), "10".into())]);
    assert!(c.is_null());
    // A range: only its moves, each with the quantity counting everything before.
    let (r, _, total) = page(&mut app, json!({"product_id": bolt, "from": "2026-03-02", "to": "2026-03-03"}));
    assert_eq!(total, 2);
    assert_eq!(r, vec![("2026-03-02".into(), "15".into()), ("2026-03-03".into(), "16".into())]);
    // The export of the history prints the same running quantities.
    let f = app.admin_in("ACME", "report.export", json!({"report": "stock_moves", "args": {"product_id": bolt, "descending": true}, "format": "csv"})).unwrap();
    let csv = s(&f["content"]);
    let running: Vec<&str> = csv.split("\r\n").skip(1).filter(|l| !l.is_empty()).map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_eq!(running, vec!["15", "18", "16", "15", "10"]);
}

#[test]
fn lots_page_pickings_name_their_places_and_the_loss_account_clears() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let milk = product(&mut app, "ACME", "MILK", json!({}));
    app.admin_in("ACME", "inventory.set_tracking", json!({"product_id": milk, "tracking": "lot"})).unwrap();
    for code in ["L3", "L1", "L5", "L2", "L4"] {
        app.admin_in("ACME", "lot.create", json!({"product_id": milk, "code": code})).unwrap();
    }
    let p1 = app.admin_in("ACME", "lot.list", json!({"product_id": milk, "limit": 2})).unwrap();
    let codes = |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|l| s(&l["code"])).collect() };
    assert_eq!(codes(&p1), vec!["L1", "L2"]);
    let p2 = app.admin_in("ACME", "lot.list", json!({"product_id": milk, "limit": 2, "after": p1[1]["id"]})).unwrap();
    assert_eq!(codes(&p2), vec!["L3", "L4"]);
    let p3 = app.admin_in("ACME", "lot.list", json!({"product_id": milk, "limit": 2, "after": p2[1]["id"]})).unwrap();
    assert_eq!(codes(&p3), vec!["L5"]);
    assert_eq!(field_codes(&app.admin_in("ACME", "lot.list", json!({"after": 999_999})).unwrap_err()), vec![("after".into(), "not_found".into())]);

    let sup = supplier(&mut app, "ACME", "Dairy Co");
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "partner_id": sup,
        "lines": [{"product_id": milk, "quantity": "1", "lot_code": "L1", "unit_cost": "1"}]})).unwrap();
    let list = app.admin_in("ACME", "picking.list", json!({})).unwrap();
    let row = &list["items"][0];
    assert_eq!((row["partner_name"].as_str(), row["from_location"].as_str(), row["to_location"].as_str()), (Some("Dairy Co"), Some("Virtual/Suppliers"), Some("WH/Stock")));

    let s0 = app.admin_in("ACME", "inventory.settings", json!({})).unwrap();
    assert!(s0["loss_account_id"].is_i64(), "the chart's 5040: {s0}");
    let kept = app.admin_in("ACME", "inventory.update_settings", json!({"allow_negative_stock": true})).unwrap();
    assert_eq!(kept["loss_account_id"], s0["loss_account_id"], "absent: unchanged");
    let cleared = app.admin_in("ACME", "inventory.update_settings", json!({"clear_loss_account": true})).unwrap();
    assert!(cleared["loss_account_id"].is_null());
    assert!(app.admin_in("ACME", "inventory.settings", json!({})).unwrap()["loss_account_id"].is_null());
    let back = app.admin_in("ACME", "inventory.update_settings", json!({"loss_account_id": s0["loss_account_id"]})).unwrap();
    assert_eq!(back["loss_account_id"], s0["loss_account_id"]);
}

#[test]
fn valuation_and_to_reorder_print_as_tables() {
    let mut app = TestApp::new();
    app.company("ACME");
    let (wh, _) = warehouse(&mut app, "ACME");
    let bolt = product(&mut app, "ACME", "BOLT", json!({}));
    done(&mut app, "ACME", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-03-01", "lines": [{"product_id": bolt, "quantity": "4", "unit_cost": "2.5"}]})).unwrap();
    app.admin_in("ACME", "reorder_rule.create", json!({"product_id": bolt, "warehouse_id": wh, "min_qty": "5", "max_qty": "10", "multiple": "4"})).unwrap();
    let v = app.admin_in("ACME", "report.table", json!({"report": "stock_valuation", "args": {}})).unwrap();
    let cells: Vec<Value> = v["rows"].as_array().unwrap().iter().map(|r| r["cells"].clone()).collect();
    assert_eq!(cells[0], json!(["BOLT", "Product BOLT", "unit", "4", "2.5", "10.00"]));
    assert_eq!(cells[1], json!(["", "Total", "", "", "", "10.00"]));
    assert_eq!(cells[2], json!(["", "Inventory account balance", "", "", "", "10.00"]));
    let f = app.admin_in("ACME", "report.export", json!({"report": "to_reorder", "args": {"warehouse_id": wh}, "format": "csv"})).unwrap();
    let csv = s(&f["content"]);
    assert!(csv.starts_with("Warehouse,SKU,Product,Unit,On hand,Reserved,Incoming,Forecast,Min,Max,Multiple,To order,Supplier\r\n"), "{csv}");
    assert!(csv.contains("WH,BOLT,Product BOLT,unit,4,0,0,4,5,10,4,8,\r\n"), "{csv}");
    let e = app.admin_in("ACME", "report.table", json!({"report": "stock_valuation", "args": {"nope": 1}})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
}

/// The stock report's cost at 100,000 products and 1,000,000 done moves (made directly in
/// SQL: the engine's checks are not what is measured). Run with
/// `cargo test --release -p cora-core --test core stock_report_at_scale -- --ignored --nocapture`.
#[test]
#[ignore]
fn stock_report_at_scale() {
    let mut app = TestApp::new();
    let co = app.company("BIG");
    let (wh, stock) = warehouse(&mut app, "BIG");
    let supplier = virtual_location(&mut app, "BIG", "supplier");
    let customer = virtual_location(&mut app, "BIG", "customer");
    let unit = crate::inventory::unit(&app, "BIG", "unit");
    let user: i64 = app.cora.store().conn().query_row("SELECT min(id) FROM users", [], |r| r.get(0)).unwrap();
    let started = std::time::Instant::now();
    {
        let db = app.cora.store().conn();
        db.execute_batch("BEGIN").unwrap();
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO products (tenant_id, sku, sku_key, name, unit_id, kind, sale_price, cost, created_at, updated_at)
             SELECT ?1, printf('P%06d', i), lower(printf('P%06d', i)), 'Product ' || i, ?2, 'stockable', 0, 0, '2026-01-01', '2026-01-01' FROM n",
            rusqlite::params![co, unit],
        )
        .unwrap();
        db.execute(
            "INSERT INTO pickings (tenant_id, kind, state, warehouse_id, from_location_id, to_location_id, date, created_by, created_at, updated_at)
             VALUES (?1, 'receipt', 'draft', ?2, ?3, ?4, '2025-01-01', ?5, '2026-01-01', '2026-01-01')",
            rusqlite::params![co, wh, supplier, stock, user],
        )
        .unwrap();
        let picking = db.last_insert_rowid();
        let first: i64 = db.query_row("SELECT min(id) FROM products WHERE tenant_id = ?1", [co], |r| r.get(0)).unwrap();
        // Each product: 10 moves over 2025, 6 receipts of 10 and 4 deliveries of 5.
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
             INSERT INTO stock_moves (tenant_id, picking_id, line_no, state, product_id, entered_quantity, entered_unit_id, entered_factor_e6, quantity,
                                      from_location_id, to_location_id, date, created_at, done_at)
             SELECT ?1, ?2, i + 1, 'done', ?3 + i % 100000, q, ?4, 1000000, q,
                    CASE WHEN k < 6 THEN ?5 ELSE ?6 END, CASE WHEN k < 6 THEN ?6 ELSE ?7 END,
                    date('2025-01-01', '+' || (i / 100000 * 36) || ' days'), '2026-01-01', '2026-01-01'
             FROM (SELECT i, i / 100000 AS k, CASE WHEN i / 100000 < 6 THEN 100000 ELSE 50000 END AS q FROM n)",
            rusqlite::params![co, picking, first, unit, supplier, stock, customer],
        )
        .unwrap();
        db.execute(
            "INSERT INTO stock_quants (tenant_id, product_id, location_id, quantity)
             SELECT ?1, product_id, ?2, sum(CASE WHEN to_location_id = ?2 THEN quantity ELSE -quantity END) FROM stock_moves WHERE tenant_id = ?1 GROUP BY product_id",
            rusqlite::params![co, stock],
        )
        .unwrap();
        db.execute_batch("COMMIT; ANALYZE;").unwrap();
    }
    println!("data made in {:?}", started.elapsed());
    let time = |app: &mut TestApp, label: &str, args: Value| {
        let mut ms: Vec<f64> = Vec::new();
        let mut rows = 0;
        for _ in 0..20 {
            let t = std::time::Instant::now();
            let r = app.admin_in("BIG", "stock.report", args.clone()).unwrap();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = r["rows"].as_array().unwrap().len();
        }
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("| {label} | {rows} | {:.2} ms | {:.2} ms |", ms[ms.len() / 2], ms[ms.len() - 1]);
        ms[ms.len() / 2]
    };
    println!("| what | rows | median | max |\n| --- | ---: | ---: | ---: |");
    let mut worst: f64 = 0.0;
    worst = worst.max(time(&mut app, "by product, now", json!({})));
    worst = worst.max(time(&mut app, "by product, now, warehouse", json!({"warehouse_id": wh})));
    worst = worst.max(time(&mut app, "by location, now", json!({"group_by": "location"})));
    worst = worst.max(time(&mut app, "by lot, now", json!({"group_by": "lot"})));
    worst = worst.max(time(&mut app, "by product at 2025-06-30", json!({"at": "2025-06-30"})));
    worst = worst.max(time(&mut app, "by location at 2025-12-31", json!({"group_by": "location", "at": "2025-12-31"})));
    worst = worst.max(time(&mut app, "search \"P0999\"", json!({"search": "P0999"})));
    let mid = app.admin_in("BIG", "stock.report", json!({"limit": 500})).unwrap()["next_cursor"].clone();
    worst = worst.max(time(&mut app, "a later page by cursor", json!({"cursor": mid})));
    // Rules for every tenth product (10,000), each below its minimum (40 on hand, min 50).
    app.cora
        .store()
        .conn()
        .execute(
            "INSERT INTO reorder_rules (tenant_id, product_id, warehouse_id, min_qty, max_qty, multiple, created_at, updated_at)
             SELECT ?1, id, ?2, 500000, 1000000, 120000, '2026-01-01', '2026-01-01' FROM products WHERE tenant_id = ?1 AND id % 10 = 0",
            rusqlite::params![co, wh],
        )
        .unwrap();
    let t = std::time::Instant::now();
    let rows = app.admin_in("BIG", "stock.to_reorder", json!({})).unwrap().as_array().unwrap().len();
    println!("to_reorder, 10,000 rules: {rows} rows in {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let page = app.admin_in("BIG", "reorder_rule.list", json!({})).unwrap();
    println!("reorder_rule.list first page of {}: {:?}", page["total"], t.elapsed());
    // CORA_KEEP_DB=/tmp/big.db keeps the file, to read the query plans with sqlite3.
    if let Ok(keep) = std::env::var("CORA_KEEP_DB") {
        app.cora.store().conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        std::fs::copy(app.path(), keep).unwrap();
    }
    assert!(worst < 50.0, "a first page took {worst:.1} ms");
}
