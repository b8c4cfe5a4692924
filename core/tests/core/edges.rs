//! Values at the edge of every numeric range, combined across related records: a unit
//! with a huge factor × a huge quantity × a huge cost. One field at a time each value is
//! fine; together they overflowed the kit cost roll-up and panicked. Whatever the order
//! the records come in (commands, an import, a later edit), every call answers with a
//! clear error or a result, never `internal`, and every read keeps working.

use crate::{code_of, dump};
use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Registry};
use serde_json::{Value, json};

const HUGE: &str = "99999999999";

/// Fails on `internal` (a panic caught by the dispatcher, or worse) and on anything but
/// the clear codes; returns the result for further checks.
fn clear(what: &str, r: cora_core::Result<Value>) -> cora_core::Result<Value> {
    if let Err(e) = &r {
        assert!(matches!(e.code(), ErrorCode::Validation | ErrorCode::Conflict | ErrorCode::NotFound), "{what}: {} ({e})", e.code());
    }
    r
}

/// The id of a record as a command returns it (a product comes inside its detail).
fn id(v: &Value) -> Value {
    if v["product"].is_object() { v["product"]["id"].clone() } else { v["id"].clone() }
}

/// Every query command of the registry, with no args or the id of each record made,
/// answers without `internal`.
fn every_read_works(app: &mut TestApp, company: &str, ids: &[Value]) {
    for info in Registry::new().describe() {
        if info.mutating || !info.company_scoped {
            continue;
        }
        let takes_id = info.args_schema["properties"].get("id").is_some();
        let mut args = vec![json!({})];
        if takes_id {
            args = ids.iter().map(|i| json!({"id": i})).collect();
        }
        if info.name.starts_with("catalog.export") || info.name.starts_with("partner.export") {
            args = vec![json!({"format": "csv"}), json!({"format": "xlsx"})];
        }
        for a in args {
            let r = app.admin_in(company, info.name, a.clone());
            if let Err(e) = &r {
                assert_ne!(e.code(), ErrorCode::Internal, "{} {a}: {e}", info.name);
            }
        }
    }
}

#[test]
fn huge_factor_times_huge_quantity_times_huge_cost_is_refused_on_every_path() {
    let mut app = TestApp::new();
    app.company("E");
    let unit = clear("unit", app.admin_in("E", "catalog.create_unit", json!({"code": "BIG", "name": "Big", "dimension": "count", "factor": HUGE}))).unwrap();
    let part = clear("part", app.admin_in("E", "catalog.create_product", json!({"sku": "PART", "name": "Part", "cost": HUGE, "unit_id": id(&unit)}))).unwrap();
    let kit = clear("kit", app.admin_in("E", "catalog.create_product", json!({"sku": "KIT", "name": "Kit"}))).unwrap();

    // 1. Straight through the command: refused, the field named, nothing written.
    let before = dump(app.cora.store().conn(), &[]);
    let r = clear(
        "set_components",
        app.admin_in("E", "catalog.set_components", json!({"product_id": id(&kit), "components": [{"product_id": id(&part), "quantity": HUGE, "unit_id": id(&unit)}]})),
    );
    let e = r.expect_err("a cost beyond any amount must be refused");
    assert_eq!(e.code(), ErrorCode::Validation);
    assert!(!e.fields().is_empty(), "the error names a field: {e:?}");
    assert_eq!(dump(app.cora.store().conn(), &[]), before);

    // 2. A kit that fits, then its component's cost raised until the kit's would not.
    let cheap = clear("cheap", app.admin_in("E", "catalog.create_product", json!({"sku": "CHEAP", "name": "Cheap", "cost": "1"}))).unwrap();
    clear(
        "fitting kit",
        app.admin_in("E", "catalog.set_components", json!({"product_id": id(&kit), "components": [{"product_id": id(&cheap), "quantity": HUGE}]})),
    )
    .unwrap();
    let before = dump(app.cora.store().conn(), &[]);
    let r = clear("raise cost", app.admin_in("E", "catalog.update_product", json!({"id": id(&cheap), "cost": HUGE})));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation), "raising a component's cost past what its kits can hold: {r:?}");
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
    clear("get kit", app.admin_in("E", "catalog.get_product", json!({"id": id(&kit)}))).unwrap();

    // 3. The same through an import, which stores kits in bulk.
    let csv = format!("sku,name,unit,cost,components\nIPART,Import part,BIG,{HUGE},\nIKIT,Import kit,,,IPART={HUGE} BIG\n");
    let before = dump(app.cora.store().conn(), &[]);
    let r = clear("import", app.admin_in("E", "catalog.import_products", json!({"csv": csv, "dry_run": false})));
    match r {
        Err(e) => assert_eq!(e.code(), ErrorCode::Validation),
        Ok(report) => assert!(!report["committed"].as_bool().unwrap() && report["errors"].as_array().is_some_and(|a| !a.is_empty()), "accepted: {report}"),
    }
    assert_eq!(dump(app.cora.store().conn(), &[]), before);

    // 4. Converting through the huge unit and back.
    for (q, from, to) in [(HUGE, json!({"id": id(&unit)}), json!({"code": "unit"})), ("0.0001", json!({"code": "unit"}), json!({"id": id(&unit)}))] {
        clear("convert", app.admin_in("E", "catalog.convert_quantity", json!({"quantity": q, "from": from, "to": to}))).ok();
    }

    // Whatever was accepted, every read of the company still answers.
    every_read_works(&mut app, "E", &[id(&unit), id(&part), id(&kit), id(&cheap)]);
}

#[test]
fn edge_values_in_every_decimal_field_of_related_records() {
    // Each edge value into each money/quantity/factor field of a unit → product → kit
    // chain; then every read. Nothing may answer `internal`.
    let edges = ["99999999999", "99999999999.9999", "0.0001", "0.000001", "79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001", "-0.0001", "0"];
    let mut app = TestApp::new();
    app.company("E");
    let mut ids = Vec::new();
    for (i, factor) in edges.iter().enumerate() {
        let unit = clear("unit", app.admin_in("E", "catalog.create_unit", json!({"code": format!("U{i}"), "name": format!("U{i}"), "dimension": "count", "factor": factor}))).ok();
        for (j, cost) in edges.iter().enumerate() {
            let mut p = json!({"sku": format!("P{i}-{j}"), "name": "p", "cost": cost, "sale_price": cost});
            if let Some(u) = &unit {
                p["unit_id"] = id(u);
            }
            let Ok(part) = clear("product", app.admin_in("E", "catalog.create_product", p)) else { continue };
            ids.push(id(&part));
            for (k, qty) in edges.iter().enumerate() {
                let kit = clear("kit", app.admin_in("E", "catalog.create_product", json!({"sku": format!("K{i}-{j}-{k}"), "name": "k"}))).unwrap();
                let mut line = json!({"product_id": id(&part), "quantity": qty});
                if let Some(u) = &unit {
                    line["unit_id"] = id(u);
                }
                if clear("set_components", app.admin_in("E", "catalog.set_components", json!({"product_id": id(&kit), "components": [line]}))).is_ok() {
                    ids.push(id(&kit));
                    // A kit of kits doubles whatever the first level holds.
                    let outer = clear("outer", app.admin_in("E", "catalog.create_product", json!({"sku": format!("O{i}-{j}-{k}"), "name": "o"}))).unwrap();
                    if clear("outer kit", app.admin_in("E", "catalog.set_components", json!({"product_id": id(&outer), "components": [{"product_id": id(&kit), "quantity": qty}]})))
                        .is_ok()
                    {
                        ids.push(id(&outer));
                    }
                }
            }
            // Raise the part's cost to each edge after its kits exist.
            for cost in edges {
                clear("raise", app.admin_in("E", "catalog.update_product", json!({"id": id(&part), "cost": cost}))).ok();
            }
        }
    }
    for i in &ids {
        clear("get", app.admin_in("E", "catalog.get_product", json!({"id": i}))).unwrap();
    }
    every_read_works(&mut app, "E", &ids[..ids.len().min(20)]);
}

#[test]
fn a_panicking_command_is_rolled_back_and_the_process_keeps_serving() {
    use cora_core::command::{Access, CommandSpec, Done, NoArgs};
    let mut app = TestApp::new();
    app.company("E");
    app.cora.add_test_command(CommandSpec::mutation("test.panic", Access::Authenticated, "writes, then panics", |ctx, _: NoArgs| -> cora_core::Result<Done> {
        ctx.db().execute("UPDATE users SET display_name = 'half-done'", []).unwrap();
        panic!("a bug in a handler");
    }));
    let before = dump(app.cora.store().conn(), &[]);
    let token = app.admin.clone();
    let e = app.cora.call(Some(&token), None, "test.panic", json!({})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Internal);
    assert!(e.to_body().message.contains("test.panic"), "the caller learns which command failed: {}", e.to_body().message);
    assert_eq!(dump(app.cora.store().conn(), &[]), before, "the half-done write was rolled back");

    // In a batch too: everything before the panic is rolled back with it.
    let items: Vec<cora_core::command::BatchItem> = serde_json::from_value(json!([
        {"command": "catalog.create_brand", "args": {"name": "Before the panic"}, "company": "E"},
        {"command": "test.panic"}
    ]))
    .unwrap();
    let (i, e) = app.cora.call_atomic(Some(&token), &items).unwrap_err();
    assert_eq!((i, e.code()), (1, ErrorCode::Internal));
    assert_eq!(dump(app.cora.store().conn(), &[]), before);

    // The same handle goes on working.
    app.admin_in("E", "catalog.create_brand", json!({"name": "After the panic"})).unwrap();
    assert_eq!(app.admin_call("auth.me", json!({})).unwrap()["user"]["display_name"], "Admin");
}

#[test]
fn control_characters_in_a_search_never_reach_sql() {
    let mut app = TestApp::new();
    app.company("E");
    app.admin_in("E", "partner.create", json!({"name": "Golden Gate Traders", "is_customer": true})).unwrap();
    app.admin_in("E", "catalog.create_product", json!({"sku": "GG-1", "name": "Golden tea"})).unwrap();
    for search in ["\u{0}", "gold\u{0}", "\u{0}\"", "gol\u{7}d", "\u{1b}[31m", "\"\u{0}*"] {
        for cmd in ["catalog.list_products", "partner.list", "catalog.list_brands", "catalog.list_units", "catalog.list_attributes"] {
            let r = app.admin_in("E", cmd, json!({"query": {"search": search}}));
            assert!(r.is_ok() || code_of(&r) == Some(ErrorCode::Validation), "{cmd} {search:?}: {r:?}");
        }
    }
    // A NUL separates words like a space.
    let page = app.admin_in("E", "partner.list", json!({"query": {"search": "golden\u{0}gate"}})).unwrap();
    assert_eq!(page["total"], 1);
}
