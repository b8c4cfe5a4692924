//! The catalog: a clothing shop's variants, a gift box kit, the category tree, units,
//! isolation between companies enforced by SQLite, bad input, imports and exports.

use crate::{SIGN_IN_TABLES, audit_count, code_of, dump};
use cora_core::{ErrorCode, FieldCode};
use cora_core::testing::TestApp;
use serde_json::{Value, json};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().or_else(|| v["product"]["id"].as_i64()).unwrap_or_else(|| panic!("no id in {v}"))
}

fn product(app: &mut TestApp, co: &str, sku: &str, args: Value) -> i64 {
    let mut a = json!({"sku": sku, "name": format!("Product {sku}")});
    a.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
    id(&app.admin_in(co, "catalog.create_product", a).unwrap())
}

fn unit(app: &mut TestApp, co: &str, code: &str) -> i64 {
    let units = app.admin_in(co, "catalog.list_units", json!({"query": {"search": code}})).unwrap();
    units["items"].as_array().unwrap().iter().find(|u| u["code"] == code).unwrap_or_else(|| panic!("unit {code}"))["id"].as_i64().unwrap()
}

fn attribute(app: &mut TestApp, co: &str, name: &str, values: &[&str]) -> Value {
    app.admin_in(co, "catalog.create_attribute", json!({"name": name, "values": values})).unwrap()
}

fn raw(app: &TestApp) -> &rusqlite::Connection {
    app.cora.store().conn()
}

/// Size (S, M, L) × Colour (4 values): 12 variants, once.
#[test]
fn clothing_shop_tshirt_has_twelve_variants_and_never_a_duplicate() {
    let mut app = TestApp::new();
    app.company("SHOP");
    let size = attribute(&mut app, "SHOP", "Size", &["S", "M", "L"]);
    let colour = attribute(&mut app, "SHOP", "Colour", &["White", "Black", "Red", "Navy"]);
    assert_eq!(size["values"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect::<Vec<_>>(), ["S", "M", "L"]);
    let tee = product(&mut app, "SHOP", "TEE", json!({"name": "Classic T-shirt", "sale_price": "20", "cost": "7.5"}));

    let l = size["values"][2]["id"].clone();
    let detail = app
        .admin_in(
            "SHOP",
            "catalog.set_product_attributes",
            json!({"product_id": tee, "attributes": [
                {"attribute_id": size["id"], "values": [{"value_id": size["values"][0]["id"]}, {"value_id": size["values"][1]["id"]}, {"value_id": l, "price_extra": "2.50"}]},
                {"attribute_id": colour["id"]}
            ]}),
        )
        .unwrap();
    assert_eq!(detail["product"]["is_template"], true);
    assert_eq!(detail["attributes"][0]["values"][2]["price_extra"], "2.5");

    let out = app.admin_in("SHOP", "catalog.generate_variants", json!({"product_id": tee, "sku_pattern": "{parent}-{Size}-{Colour}"})).unwrap();
    let created = out["created"].as_array().unwrap();
    assert_eq!(created.len(), 12);
    assert_eq!(created[0]["sku"], "TEE-S-White");
    assert_eq!(created[0]["name"], "Classic T-shirt (S, White)");
    let l_navy = created.iter().find(|p| p["sku"] == "TEE-L-Navy").unwrap();
    assert_eq!(l_navy["sale_price"], "22.5");
    assert_eq!(l_navy["cost"], "7.5");
    assert_eq!(l_navy["parent_id"], tee);

    // Regenerating creates nothing.
    let again = app.admin_in("SHOP", "catalog.generate_variants", json!({"product_id": tee, "sku_pattern": "{parent}-{Size}-{Colour}"})).unwrap();
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["existing"], 12);

    // A duplicate combination is refused by the command...
    let dup = app.admin_in("SHOP", "catalog.create_variant", json!({"product_id": tee, "sku": "TEE-DUP", "values": [l, colour["values"][3]["id"]]}));
    assert_eq!(code_of(&dup), Some(ErrorCode::Conflict));
    // ...and by SQLite itself.
    let t = app.cora.store().conn().query_row("SELECT tenant_id FROM products WHERE id = ?1", [tee], |r| r.get::<_, i64>(0)).unwrap();
    let key: String = raw(&app).query_row("SELECT combination_key FROM products WHERE sku = 'TEE-L-Navy'", [], |r| r.get(0)).unwrap();
    let unit_id = unit(&mut app, "SHOP", "unit");
    let sql = raw(&app).execute(
        "INSERT INTO products (tenant_id, sku, name, unit_id, kind, parent_id, combination_key, sale_price, cost, created_at, updated_at)
         VALUES (?1, 'TEE-RAW', 'Raw', ?2, 'stockable', ?3, ?4, 0, 0, 'now', 'now')",
        rusqlite::params![t, unit_id, tee, key],
    );
    assert!(sql.unwrap_err().to_string().contains("UNIQUE"));
    // A variant cannot take a value its template does not declare, nor two values of one attribute.
    let variant = id(l_navy);
    let bad_value = raw(&app).execute(
        "INSERT INTO variant_values (tenant_id, variant_id, parent_id, attribute_id, value_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![t, variant, tee, size["id"].as_i64(), 999_999],
    );
    assert!(bad_value.is_err());

    // The template is never sold or stocked, nor part of a kit.
    let list = app.admin_in("SHOP", "catalog.list_products", json!({"transactable_only": true, "query": {"limit": 500}})).unwrap();
    assert_eq!(list["total"], 12);
    let kit = product(&mut app, "SHOP", "BUNDLE", json!({}));
    let r = app.admin_in("SHOP", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": tee, "quantity": "1"}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let variants = app.admin_in("SHOP", "catalog.list_products", json!({"parent_id": tee})).unwrap();
    assert_eq!(variants["total"], 12);
    let hidden = app.admin_in("SHOP", "catalog.list_products", json!({"hide_variants": true})).unwrap();
    assert_eq!(hidden["total"], 2);

    // Once variants exist the template keeps its attributes, and used values stay.
    let drop = app.admin_in("SHOP", "catalog.set_product_attributes", json!({"product_id": tee, "attributes": [{"attribute_id": size["id"]}]}));
    assert_eq!(code_of(&drop), Some(ErrorCode::Conflict));
    // Archiving the template archives its variants.
    app.admin_in("SHOP", "catalog.set_product_archived", json!({"id": tee, "archived": true})).unwrap();
    let active = app.admin_in("SHOP", "catalog.list_products", json!({})).unwrap();
    assert_eq!(active["total"], 1);
}

/// A gift box of three products; its cost rolls up, also through a kit inside a kit.
#[test]
fn gift_box_cost_rolls_up_and_cycles_are_refused() {
    let mut app = TestApp::new();
    app.company("GIFT");
    let kg = unit(&mut app, "GIFT", "kg");
    let g = unit(&mut app, "GIFT", "g");
    let l = unit(&mut app, "GIFT", "l");
    let mug = product(&mut app, "GIFT", "MUG", json!({"cost": "4.50", "sale_price": "9"}));
    let tea = product(&mut app, "GIFT", "TEA", json!({"cost": "12", "unit_id": kg}));
    let card = product(&mut app, "GIFT", "CARD", json!({"cost": "0.75"}));
    let boxp = product(&mut app, "GIFT", "GIFTBOX", json!({"name": "Gift box", "sale_price": "24.90"}));
    let detail = app
        .admin_in(
            "GIFT",
            "catalog.set_components",
            json!({"product_id": boxp, "components": [
                {"product_id": mug, "quantity": "1"},
                {"product_id": tea, "quantity": "250", "unit_id": g},
                {"product_id": card, "quantity": "2"}
            ]}),
        )
        .unwrap();
    // 4.50 + 0.25 kg × 12 + 2 × 0.75
    assert_eq!(detail["effective_cost"], "9");
    assert_eq!(detail["product"]["is_kit"], true);
    assert_eq!(detail["components"][1]["unit_code"], "g");

    let hamper = product(&mut app, "GIFT", "HAMPER", json!({}));
    let h = app
        .admin_in("GIFT", "catalog.set_components", json!({"product_id": hamper, "components": [{"product_id": boxp, "quantity": "2"}, {"product_id": card, "quantity": "1"}]}))
        .unwrap();
    assert_eq!(h["effective_cost"], "18.75");
    // A cost change below shows up above.
    app.admin_in("GIFT", "catalog.update_product", json!({"id": mug, "cost": "5.50"})).unwrap();
    assert_eq!(app.admin_in("GIFT", "catalog.get_product", json!({"id": hamper})).unwrap()["effective_cost"], "20.75");

    // Cycles at any depth, and self-reference, are refused; nothing changes.
    for components in [json!([{"product_id": hamper, "quantity": "1"}]), json!([{"product_id": boxp, "quantity": "1"}])] {
        let r = app.admin_in("GIFT", "catalog.set_components", json!({"product_id": boxp, "components": components}));
        assert_eq!(code_of(&r), Some(ErrorCode::Validation), "{r:?}");
    }
    // Tea inside the hamper would put the gift box (which holds tea) inside tea: a cycle two levels down.
    let r = app.admin_in("GIFT", "catalog.set_components", json!({"product_id": tea, "components": [{"product_id": hamper, "quantity": "1"}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    // A product outside the kit's tree may contain it.
    let shelf = product(&mut app, "GIFT", "SHELF", json!({}));
    assert!(app.admin_in("GIFT", "catalog.set_components", json!({"product_id": shelf, "components": [{"product_id": hamper, "quantity": "3"}]})).is_ok());
    let before = dump(raw(&app), SIGN_IN_TABLES);
    // A quantity in a unit of another dimension is refused.
    let r = app.admin_in("GIFT", "catalog.set_components", json!({"product_id": boxp, "components": [{"product_id": tea, "quantity": "1", "unit_id": l}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    assert_eq!(r.unwrap_err().fields()[0].field, "components.0.unit_id");
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));
    // SQLite refuses a self-reference even past the service.
    let t: i64 = raw(&app).query_row("SELECT tenant_id FROM products WHERE id = ?1", [mug], |r| r.get(0)).unwrap();
    let r = raw(&app).execute(
        "INSERT INTO product_components (tenant_id, kit_id, component_id, quantity, unit_id, position) VALUES (?1, ?2, ?2, 10000, ?3, 0)",
        rusqlite::params![t, mug, g],
    );
    assert!(r.is_err());
}

#[test]
fn categories_form_a_tree_and_never_move_under_themselves() {
    let mut app = TestApp::new();
    app.company("TREE");
    let clothing = id(&app.admin_in("TREE", "catalog.create_category", json!({"name": "Clothing"})).unwrap());
    let tops = id(&app.admin_in("TREE", "catalog.create_category", json!({"name": "Tops", "parent_id": clothing})).unwrap());
    let tees = app.admin_in("TREE", "catalog.create_category", json!({"name": "T-shirts", "parent_id": tops})).unwrap();
    assert_eq!(tees["path"], "Clothing / Tops / T-shirts");
    assert_eq!(tees["depth"], 2);
    let tees = id(&tees);
    let before = dump(raw(&app), SIGN_IN_TABLES);
    for (cat, parent) in [(clothing, tees), (clothing, tops), (clothing, clothing), (tops, tees)] {
        let r = app.admin_in("TREE", "catalog.move_category", json!({"id": cat, "parent_id": parent}));
        assert_eq!(code_of(&r), Some(ErrorCode::Validation), "{cat} under {parent}");
    }
    // A sibling with the same name, in any case, is refused.
    let r = app.admin_in("TREE", "catalog.create_category", json!({"name": "tops", "parent_id": clothing}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));
    // Moving to the root is fine; a filter by category includes its subcategories.
    let shirt = product(&mut app, "TREE", "SHIRT", json!({"category_id": tees}));
    let in_clothing = app.admin_in("TREE", "catalog.list_products", json!({"category_id": clothing})).unwrap();
    assert_eq!(in_clothing["items"][0]["id"], shirt);
    app.admin_in("TREE", "catalog.move_category", json!({"id": tees})).unwrap();
    let in_clothing = app.admin_in("TREE", "catalog.list_products", json!({"category_id": clothing})).unwrap();
    assert_eq!(in_clothing["total"], 0);
    let list = app.admin_in("TREE", "catalog.list_categories", json!({})).unwrap();
    let paths: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["Clothing", "Clothing / Tops", "T-shirts"]);
    let r = app.admin_in("TREE", "catalog.delete_category", json!({"id": clothing}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
}

#[test]
fn every_company_has_the_standard_units_and_conversions_stay_in_one_dimension() {
    let mut app = TestApp::new();
    app.company("U");
    let units = app.admin_in("U", "catalog.list_units", json!({"query": {"limit": 100}})).unwrap();
    let codes: Vec<&str> = units["items"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    for c in ["unit", "dozen", "g", "kg", "ml", "l", "cm", "m", "hour", "day"] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    let conv = |app: &mut TestApp, q: &str, from: &str, to: &str| app.admin_in("U", "catalog.convert_quantity", json!({"quantity": q, "from": from, "to": to}));
    assert_eq!(conv(&mut app, "3", "kg", "g").unwrap()["quantity"], "3000");
    assert_eq!(conv(&mut app, "2", "dozen", "unit").unwrap()["quantity"], "24");
    assert_eq!(conv(&mut app, "36", "hour", "day").unwrap()["quantity"], "1.5");
    assert_eq!(conv(&mut app, "250", "ml", "l").unwrap()["quantity"], "0.25");
    assert_eq!(conv(&mut app, "1.5", "m", "cm").unwrap()["quantity"], "150");
    assert_eq!(code_of(&conv(&mut app, "1", "kg", "l")), Some(ErrorCode::Validation));
    assert_eq!(code_of(&conv(&mut app, "1", "kg", "stone")), Some(ErrorCode::Validation));
    // A company's own unit joins its dimension.
    app.admin_in("U", "catalog.create_unit", json!({"code": "lb", "name": "Pound", "dimension": "mass", "factor": "453.59237"})).unwrap();
    assert_eq!(conv(&mut app, "2", "lb", "kg").unwrap()["quantity"], "0.90718474");
    // Money and quantities never arrive as floats.
    assert_eq!(code_of(&app.admin_in("U", "catalog.convert_quantity", json!({"quantity": 1.5, "from": "kg", "to": "g"}))), Some(ErrorCode::Validation));
}

/// References between catalog rows of two companies are refused by SQLite itself.
#[test]
fn cross_company_references_are_refused_by_sqlite() {
    let mut app = TestApp::new();
    let a = app.company("A");
    app.company("B");
    let b_cat = id(&app.admin_in("B", "catalog.create_category", json!({"name": "B only"})).unwrap());
    let b_brand = id(&app.admin_in("B", "catalog.create_brand", json!({"name": "B brand"})).unwrap());
    let b_part = product(&mut app, "B", "BPART", json!({}));
    let a_kit = product(&mut app, "A", "AKIT", json!({}));
    let a_unit = unit(&mut app, "A", "unit");
    let before = dump(raw(&app), SIGN_IN_TABLES);

    // Through the commands: B's rows do not exist in A.
    let r = app.admin_in("A", "catalog.set_components", json!({"product_id": a_kit, "components": [{"product_id": b_part, "quantity": "1"}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let r = app.admin_in("A", "catalog.create_product", json!({"sku": "X", "name": "X", "category_id": b_cat}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let r = app.admin_in("A", "catalog.update_product", json!({"id": a_kit, "brand_id": b_brand}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let r = app.admin_in("A", "catalog.create_category", json!({"name": "Sub", "parent_id": b_cat}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let r = app.admin_in("A", "catalog.get_product", json!({"id": b_part}));
    assert_eq!(code_of(&r), Some(ErrorCode::NotFound));
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));

    // Past the service, straight into SQLite: the composite foreign keys refuse.
    let db = raw(&app);
    let fk = |r: rusqlite::Result<usize>| assert!(r.unwrap_err().to_string().contains("FOREIGN KEY"));
    fk(db.execute(
        "INSERT INTO product_components (tenant_id, kit_id, component_id, quantity, unit_id, position) VALUES (?1, ?2, ?3, 10000, ?4, 0)",
        rusqlite::params![a, a_kit, b_part, a_unit],
    ));
    fk(db.execute(
        "INSERT INTO products (tenant_id, sku, name, category_id, unit_id, kind, sale_price, cost, created_at, updated_at)
         VALUES (?1, 'RAW', 'Raw', ?2, ?3, 'stockable', 0, 0, 'now', 'now')",
        rusqlite::params![a, b_cat, a_unit],
    ));
    fk(db.execute("UPDATE products SET brand_id = ?1 WHERE id = ?2", rusqlite::params![b_brand, a_kit]));
    fk(db.execute(
        "INSERT INTO categories (tenant_id, parent_id, name, created_at, updated_at) VALUES (?1, ?2, 'Sub', 'now', 'now')",
        rusqlite::params![a, b_cat],
    ));
    let b_unit: i64 = db.query_row("SELECT id FROM units WHERE tenant_id <> ?1 LIMIT 1", [a], |r| r.get(0)).unwrap();
    fk(db.execute("UPDATE products SET unit_id = ?1 WHERE id = ?2", rusqlite::params![b_unit, a_kit]));
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));
}

/// Bad input on every catalog command: a clear error, and nothing written.
#[test]
fn bad_input_on_every_catalog_command_writes_nothing() {
    let mut app = TestApp::new();
    app.company("BAD");
    let size = attribute(&mut app, "BAD", "Size", &["S", "M"]);
    let p = product(&mut app, "BAD", "P1", json!({"barcode": "4006381333931"}));
    let tpl = product(&mut app, "BAD", "TPL", json!({}));
    app.admin_in("BAD", "catalog.set_product_attributes", json!({"product_id": tpl, "attributes": [{"attribute_id": size["id"]}]})).unwrap();
    let cat = id(&app.admin_in("BAD", "catalog.create_category", json!({"name": "Cat"})).unwrap());
    let brand = id(&app.admin_in("BAD", "catalog.create_brand", json!({"name": "Acme"})).unwrap());
    let cases: Vec<(&str, Value, ErrorCode)> = vec![
        ("catalog.create_category", json!({"name": ""}), ErrorCode::Validation),
        ("catalog.create_category", json!({"name": "A/B"}), ErrorCode::Validation),
        ("catalog.create_category", json!({"name": "Cat"}), ErrorCode::Conflict),
        ("catalog.create_category", json!({"name": "X", "parent_id": 999_999}), ErrorCode::Validation),
        ("catalog.create_category", json!({"name": "X", "colour": "red"}), ErrorCode::Validation),
        ("catalog.rename_category", json!({"id": cat, "name": " "}), ErrorCode::Validation),
        ("catalog.rename_category", json!({"id": 999_999, "name": "Y"}), ErrorCode::NotFound),
        ("catalog.move_category", json!({"id": cat, "parent_id": cat}), ErrorCode::Validation),
        ("catalog.delete_category", json!({"id": 999_999}), ErrorCode::NotFound),
        ("catalog.get_category", json!({"id": "one"}), ErrorCode::Validation),
        ("catalog.list_categories", json!({"query": {"sort": "colour"}}), ErrorCode::Validation),
        ("catalog.create_brand", json!({"name": "ACME"}), ErrorCode::Conflict),
        ("catalog.create_brand", json!({"name": "x".repeat(101)}), ErrorCode::Validation),
        ("catalog.update_brand", json!({"id": brand, "name": ""}), ErrorCode::Validation),
        ("catalog.list_brands", json!({"query": {"limit": 0}}), ErrorCode::Validation),
        ("catalog.create_unit", json!({"code": "kg", "name": "Kilo", "dimension": "mass", "factor": "1000"}), ErrorCode::Conflict),
        ("catalog.create_unit", json!({"code": "x", "name": "X", "dimension": "mass", "factor": "0"}), ErrorCode::Validation),
        ("catalog.create_unit", json!({"code": "x", "name": "X", "dimension": "mass", "factor": "-2"}), ErrorCode::Validation),
        ("catalog.create_unit", json!({"code": "x", "name": "X", "dimension": "colour", "factor": "1"}), ErrorCode::Validation),
        ("catalog.create_unit", json!({"code": "x", "name": "X", "dimension": "mass", "factor": "0.0000001"}), ErrorCode::Validation),
        ("catalog.list_units", json!({"query": {"cursor": "garbage"}}), ErrorCode::Validation),
        ("catalog.convert_quantity", json!({"quantity": "abc", "from": "kg", "to": "g"}), ErrorCode::Validation),
        ("catalog.create_attribute", json!({"name": "Size", "values": []}), ErrorCode::Conflict),
        ("catalog.create_attribute", json!({"name": "Fit", "values": ["Slim", "slim"]}), ErrorCode::Validation),
        ("catalog.create_attribute", json!({"name": "Fit", "values": ["a,b"]}), ErrorCode::Validation),
        ("catalog.update_attribute", json!({"id": size["id"], "values": [{"name": "XL"}]}), ErrorCode::Conflict),
        ("catalog.update_attribute", json!({"id": size["id"], "values": [{"id": 999_999, "name": "XL"}]}), ErrorCode::Validation),
        ("catalog.get_attribute", json!({"id": 999_999}), ErrorCode::NotFound),
        ("catalog.list_attributes", json!({"query": {"limit": 501}}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P1", "name": "Dup"}), ErrorCode::Conflict),
        ("catalog.create_product", json!({"sku": "p1", "name": "Dup, other case"}), ErrorCode::Conflict),
        ("catalog.create_product", json!({"sku": "P2", "name": "Bad barcode", "barcode": "4006381333932"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "Short barcode", "barcode": "12345"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "Same barcode", "barcode": "4006381333931"}), ErrorCode::Conflict),
        ("catalog.create_product", json!({"sku": "P 2", "name": "Space in SKU"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": ""}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "sale_price": "-1"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "sale_price": "1.00001"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "sale_price": 12.5}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "cost": "1e30"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "kind": "gadget"}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "unit_id": 999_999}), ErrorCode::Validation),
        ("catalog.create_product", json!({"sku": "P2", "name": "N", "brand_id": 999_999}), ErrorCode::Validation),
        ("catalog.update_product", json!({"id": p, "sku": ""}), ErrorCode::Validation),
        ("catalog.update_product", json!({"id": p, "sku": "TPL"}), ErrorCode::Conflict),
        ("catalog.update_product", json!({"id": 999_999, "name": "X"}), ErrorCode::NotFound),
        ("catalog.set_product_archived", json!({"id": 999_999, "archived": true}), ErrorCode::NotFound),
        ("catalog.set_product_attributes", json!({"product_id": p, "attributes": [{"attribute_id": 999_999}]}), ErrorCode::Validation),
        ("catalog.set_product_attributes", json!({"product_id": p, "attributes": [{"attribute_id": size["id"], "values": []}]}), ErrorCode::Validation),
        ("catalog.generate_variants", json!({"product_id": p}), ErrorCode::Validation),
        ("catalog.generate_variants", json!({"product_id": tpl, "sku_pattern": "{parent}"}), ErrorCode::Validation),
        ("catalog.generate_variants", json!({"product_id": tpl, "sku_pattern": "{parent}-{Size}-{Colour}"}), ErrorCode::Validation),
        ("catalog.create_variant", json!({"product_id": tpl, "sku": "TPL-X", "values": []}), ErrorCode::Validation),
        ("catalog.set_components", json!({"product_id": p, "components": [{"product_id": p, "quantity": "1"}]}), ErrorCode::Validation),
        ("catalog.set_components", json!({"product_id": tpl, "components": [{"product_id": p, "quantity": "1"}]}), ErrorCode::Validation),
        ("catalog.set_components", json!({"product_id": p, "components": [{"product_id": tpl, "quantity": "0"}]}), ErrorCode::Validation),
        ("catalog.list_products", json!({"query": {"sort": "secret"}}), ErrorCode::Validation),
        ("catalog.list_products", json!({"kind": "gadget"}), ErrorCode::Validation),
        ("catalog.get_product", json!({}), ErrorCode::Validation),
        ("catalog.import_products", json!({"csv": "sku,nmae\nA,B\n", "dry_run": false}), ErrorCode::Validation),
        ("catalog.import_products", json!({"csv": "sku,name\n\"A,B\n", "dry_run": false}), ErrorCode::Validation),
        ("catalog.import_products", json!({"csv": "sku,name\n"}), ErrorCode::Validation),
        ("catalog.import_categories", json!({"csv": "name\nA\n", "dry_run": false}), ErrorCode::Validation),
        ("catalog.export_products", json!({"format": "pdf"}), ErrorCode::Validation),
        ("catalog.export_categories", json!({}), ErrorCode::Validation),
    ];
    let before = dump(raw(&app), SIGN_IN_TABLES);
    let audit = audit_count(&app);
    for (cmd, args, code) in cases {
        let r = app.admin_in("BAD", cmd, args.clone());
        let e = r.as_ref().err().unwrap_or_else(|| panic!("{cmd} {args} succeeded"));
        assert_eq!(e.code(), code, "{cmd} {args}: {e}");
        assert!(!e.to_string().is_empty());
        if code == ErrorCode::Validation && !cmd.starts_with("catalog.list") && !cmd.starts_with("catalog.import") && !cmd.starts_with("catalog.get") {
            assert!(!e.fields().is_empty() || e.to_string().contains("referenced"), "{cmd} {args}: no field named in {e}");
        }
        assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES), "{cmd} {args} wrote something");
    }
    // A refused import (bad rows, committed or not) writes nothing, not even an audit row.
    let bad = app.admin_in("BAD", "catalog.import_products", json!({"csv": "sku,name,sale_price\nOK1,Fine,1\nBAD1,,x\n", "dry_run": false})).unwrap();
    assert_eq!(bad["committed"], false);
    assert_eq!(bad["errors"].as_array().unwrap().len(), 2);
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));
    assert_eq!(audit, audit_count(&app));

    // Roles: Sales sees products but cannot change them; Purchasing can.
    let sales = app.member("sales@example.com", "BAD", "sales");
    let r = app.call(&sales, Some("BAD"), "catalog.create_product", json!({"sku": "S1", "name": "S"}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden));
    assert!(app.call(&sales, Some("BAD"), "catalog.list_products", json!({})).is_ok());
    assert!(app.call(&sales, Some("BAD"), "catalog.create_brand", json!({"name": "Sales brand"})).is_ok());
    let buyer = app.member("buyer@example.com", "BAD", "purchasing");
    assert!(app.call(&buyer, Some("BAD"), "catalog.create_product", json!({"sku": "B1", "name": "B"})).is_ok());
    let viewer = app.member("viewer@example.com", "BAD", "viewer");
    assert!(app.call(&viewer, Some("BAD"), "catalog.export_products", json!({"format": "csv"})).is_ok());
    let r = app.call(&viewer, Some("BAD"), "catalog.import_products", json!({"csv": "sku,name\n", "dry_run": true}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden));
}

fn ean13(n: u64) -> String {
    let body = format!("{:012}", 200_000_000_000 + n);
    let sum: u32 = body.bytes().rev().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// 10,000 rows, 50 of them bad in different ways: the dry run names exactly those 50.
#[test]
fn import_of_ten_thousand_rows_reports_exactly_the_bad_ones() {
    let mut app = TestApp::new();
    app.company("IMP");
    let mut csv = String::from("sku,name,category,brand,unit,kind,sale_price,cost,barcode\n");
    let mut bad_rows = Vec::new();
    for i in 0..10_000u32 {
        let row = i + 2;
        let bad = i % 200 == 7;
        let (mut sku, mut name, mut unit, mut kind, mut price, mut barcode) =
            (format!("SKU-{i:05}"), format!("Item {i}"), "unit".to_string(), "stockable".to_string(), format!("{}.{:02}", i % 97, i % 100), ean13(u64::from(i)));
        if bad {
            bad_rows.push(row);
            match (i / 200) % 7 {
                0 => name.clear(),
                1 => price = "-3".into(),
                2 => barcode.replace_range(12..13, if barcode.ends_with('0') { "1" } else { "0" }),
                3 => unit = "parsec".into(),
                4 => kind = "gadget".into(),
                5 => sku = "SKU-00000".into(),
                _ => price = "1.234567".into(),
            }
        }
        csv.push_str(&format!("{sku},\"{name}\",Shop / Aisle {},Brand {},{unit},{kind},{price},1,{barcode}\n", i % 20, i % 30));
    }
    let before = dump(raw(&app), SIGN_IN_TABLES);
    let report = app.admin_in("IMP", "catalog.import_products", json!({"csv": csv, "dry_run": true})).unwrap();
    let mut rows: Vec<u64> = report["errors"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect();
    rows.dedup();
    assert_eq!(rows, bad_rows.iter().map(|r| u64::from(*r)).collect::<Vec<_>>());
    assert_eq!(report["rows"], 10_000);
    assert_eq!(report["committed"], false);
    let first = &report["errors"][0];
    assert_eq!((first["row"].as_u64(), first["column"].as_str()), (Some(9), Some("name")));
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES), "a dry run writes nothing");

    // The good rows alone: the dry run says all would go in, the real run writes them.
    let good: String = csv.lines().enumerate().filter(|(i, _)| !bad_rows.contains(&(*i as u32 + 1))).map(|(_, l)| format!("{l}\n")).collect();
    let dry = app.admin_in("IMP", "catalog.import_products", json!({"csv": good, "dry_run": true})).unwrap();
    assert_eq!((dry["errors"].as_array().unwrap().len(), dry["created"].as_u64()), (0, Some(9_950)));
    assert_eq!(before, dump(raw(&app), SIGN_IN_TABLES));
    let done = app.admin_in("IMP", "catalog.import_products", json!({"csv": good, "dry_run": false})).unwrap();
    assert_eq!(done["committed"], true);
    let list = app.admin_in("IMP", "catalog.list_products", json!({"query": {"search": "item 123"}})).unwrap();
    assert!(list["total"].as_i64().unwrap() >= 1);
    assert_eq!(app.admin_in("IMP", "catalog.list_products", json!({})).unwrap()["total"], 9_950);
    // A search with thousands of matches pages along the sort index, in order.
    let mut skus = Vec::new();
    let mut cursor = json!(null);
    for _ in 0..3 {
        let page = app.admin_in("IMP", "catalog.list_products", json!({"query": {"search": "item", "sort": "sku", "desc": true, "limit": 100, "cursor": cursor}})).unwrap();
        assert_eq!(page["total"], 9_950);
        skus.extend(page["items"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap().to_string()));
        cursor = page["next_cursor"].clone();
    }
    let mut sorted = skus.clone();
    sorted.sort();
    sorted.reverse();
    sorted.dedup();
    assert_eq!((skus.len(), skus[0].as_str()), (300, "SKU-09999"));
    assert_eq!(skus, sorted);
    assert_eq!(app.admin_in("IMP", "catalog.list_brands", json!({})).unwrap()["total"], 30);
}

/// Everything a catalog holds, exported from one company and imported into another,
/// exports again identically.
#[test]
fn export_then_import_into_another_company_round_trips() {
    let mut app = TestApp::new();
    app.company("SRC");
    app.company("DST");
    let clothing = id(&app.admin_in("SRC", "catalog.create_category", json!({"name": "Clothing"})).unwrap());
    let tops = id(&app.admin_in("SRC", "catalog.create_category", json!({"name": "Tops", "parent_id": clothing})).unwrap());
    app.admin_in("SRC", "catalog.create_category", json!({"name": "Empty shelf"})).unwrap();
    let brand = id(&app.admin_in("SRC", "catalog.create_brand", json!({"name": "Northwind"})).unwrap());
    let kg = unit(&mut app, "SRC", "kg");
    let g = unit(&mut app, "SRC", "g");
    let size = attribute(&mut app, "SRC", "Size", &["S", "M", "L"]);
    let colour = attribute(&mut app, "SRC", "Colour", &["Red", "Blue"]);
    let tee = product(&mut app, "SRC", "TEE", json!({"name": "Tee, \"organic\"", "description": "Soft\nand light", "category_id": tops, "brand_id": brand, "sale_price": "19.99", "cost": "6.1234"}));
    app.admin_in(
        "SRC",
        "catalog.set_product_attributes",
        json!({"product_id": tee, "attributes": [
            {"attribute_id": size["id"], "values": [{"value_id": size["values"][0]["id"]}, {"value_id": size["values"][2]["id"], "price_extra": "3"}]},
            {"attribute_id": colour["id"], "values": [{"value_id": colour["values"][1]["id"], "price_extra": "-0.5"}]}
        ]}),
    )
    .unwrap();
    app.admin_in("SRC", "catalog.generate_variants", json!({"product_id": tee})).unwrap();
    let variant = app.admin_in("SRC", "catalog.list_products", json!({"parent_id": tee})).unwrap()["items"][0]["id"].as_i64().unwrap();
    app.admin_in("SRC", "catalog.update_product", json!({"id": variant, "barcode": "4006381333931", "sale_price": "25"})).unwrap();
    let tea = product(&mut app, "SRC", "TEA", json!({"unit_id": kg, "cost": "12", "kind": "consumable"}));
    let mug = product(&mut app, "SRC", "MUG", json!({"cost": "4.5", "barcode": "036000291452"}));
    let setp = product(&mut app, "SRC", "SET", json!({"sale_price": "30"}));
    app.admin_in(
        "SRC",
        "catalog.set_components",
        json!({"product_id": setp, "components": [{"product_id": tea, "quantity": "250", "unit_id": g}, {"product_id": mug, "quantity": "2"}, {"product_id": variant, "quantity": "1"}]}),
    )
    .unwrap();
    product(&mut app, "SRC", "SVC", json!({"kind": "service", "sale_price": "50"}));
    let old = product(&mut app, "SRC", "OLD", json!({}));
    app.admin_in("SRC", "catalog.set_product_archived", json!({"id": old, "archived": true})).unwrap();

    let cats = app.admin_in("SRC", "catalog.export_categories", json!({"format": "csv"})).unwrap();
    let prods = app.admin_in("SRC", "catalog.export_products", json!({"format": "csv"})).unwrap();
    assert_eq!(prods["encoding"], "utf8");
    assert_eq!(prods["rows"], 8);
    let r = app.admin_in("DST", "catalog.import_categories", json!({"csv": cats["content"], "dry_run": false})).unwrap();
    assert_eq!((r["committed"].as_bool(), r["created"].as_u64()), (Some(true), Some(3)), "{r}");
    let r = app.admin_in("DST", "catalog.import_products", json!({"csv": prods["content"], "dry_run": false})).unwrap();
    assert_eq!(r["errors"], json!([]));
    assert_eq!(r["committed"], true);

    assert_eq!(app.admin_in("DST", "catalog.export_categories", json!({"format": "csv"})).unwrap()["content"], cats["content"]);
    assert_eq!(app.admin_in("DST", "catalog.export_products", json!({"format": "csv"})).unwrap()["content"], prods["content"]);
    // And the details behind it: costs roll up the same, variants know their values.
    let set_dst = app.admin_in("DST", "catalog.list_products", json!({"query": {"search": "SET"}})).unwrap()["items"][0]["id"].clone();
    let src_set = app.admin_in("SRC", "catalog.get_product", json!({"id": setp})).unwrap();
    let dst_set = app.admin_in("DST", "catalog.get_product", json!({"id": set_dst})).unwrap();
    assert_eq!(src_set["effective_cost"], dst_set["effective_cost"]);
    assert_eq!(src_set["effective_cost"], "18.1234");
    // Importing the same file again refuses every row (an import only creates).
    let again = app.admin_in("DST", "catalog.import_products", json!({"csv": prods["content"], "dry_run": true})).unwrap();
    let mut rows: Vec<u64> = again["errors"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect();
    rows.dedup();
    assert_eq!(rows, (2..=9).collect::<Vec<u64>>());

    let xlsx = app.admin_in("SRC", "catalog.export_products", json!({"format": "xlsx"})).unwrap();
    assert_eq!(xlsx["encoding"], "base64");
    assert!(xlsx["content"].as_str().unwrap().starts_with("UEsD"), "a zip file");
}

/// Keyset pages cover every product once, in order; search finds names, SKUs and barcodes.
#[test]
fn lists_page_search_and_filter_in_sql() {
    let mut app = TestApp::new();
    app.company("L");
    let brand = id(&app.admin_in("L", "catalog.create_brand", json!({"name": "Zeta"})).unwrap());
    let mut csv = String::from("sku,name,sale_price,barcode,brand,kind\n");
    for i in 0..230 {
        let brand = if i % 10 == 0 { "Zeta" } else { "" };
        let kind = if i % 3 == 0 { "service" } else { "stockable" };
        csv.push_str(&format!("S{i:04},{} widget {i},{}.5,{},{brand},{kind}\n", ["Blue", "Red", "Café"][i % 3], i % 17, ean13(i as u64)));
    }
    app.admin_in("L", "catalog.import_products", json!({"csv": csv, "dry_run": false})).unwrap();
    for sort in ["name", "sku", "sale_price", "cost", "updated_at"] {
        for desc in [false, true] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut q = json!({"sort": sort, "desc": desc, "limit": 50});
                if let Some(c) = &cursor {
                    q["cursor"] = json!(c);
                }
                let page = app.admin_in("L", "catalog.list_products", json!({"query": q})).unwrap();
                assert_eq!(page["total"], 230);
                seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap().to_string()));
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 230, "{sort} {desc}");
        }
    }
    // Filtered lists (cut from sorted matches) page the same way, in the same order.
    for (filter, expected) in [(json!({"query": {"search": "cafe"}}), 76), (json!({"brand_id": brand}), 23), (json!({"kind": "service"}), 77)] {
        for desc in [false, true] {
            let mut names = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut args = filter.clone();
                let q = args.as_object_mut().unwrap().entry("query").or_insert(json!({}));
                q["limit"] = json!(7);
                q["desc"] = json!(desc);
                if let Some(c) = &cursor {
                    q["cursor"] = json!(c);
                }
                let page = app.admin_in("L", "catalog.list_products", args).unwrap();
                assert_eq!(page["total"], expected, "{filter}");
                names.extend(page["items"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap().to_lowercase(), p["id"].as_i64().unwrap())));
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
            }
            let mut sorted = names.clone();
            sorted.sort();
            if desc {
                sorted.reverse();
            }
            assert_eq!(names, sorted, "{filter} desc={desc}");
        }
    }
    let by_name = app.admin_in("L", "catalog.list_products", json!({"query": {"search": "cafe wid"}})).unwrap();
    assert_eq!(by_name["total"], 76);
    let by_sku = app.admin_in("L", "catalog.list_products", json!({"query": {"search": "S0042"}})).unwrap();
    assert_eq!(by_sku["items"][0]["sku"], "S0042");
    let code = ean13(42);
    let by_barcode = app.admin_in("L", "catalog.list_products", json!({"query": {"search": code}})).unwrap();
    assert_eq!((by_barcode["total"].as_i64(), by_barcode["items"][0]["sku"].as_str()), (Some(1), Some("S0042")));
    let zeta = app.admin_in("L", "catalog.list_products", json!({"brand_id": brand, "kind": "service"})).unwrap();
    assert_eq!(zeta["total"], 8);
    // The search index follows renames.
    let p = by_sku["items"][0]["id"].clone();
    app.admin_in("L", "catalog.update_product", json!({"id": p, "name": "Gadget"})).unwrap();
    assert_eq!(app.admin_in("L", "catalog.list_products", json!({"query": {"search": "gadget"}})).unwrap()["total"], 1);
    assert_eq!(app.admin_in("L", "catalog.list_products", json!({"query": {"search": "widget 42"}})).unwrap()["total"], 0);
}

/// The demo makes the same catalog for the same seed, through the real commands.
#[test]
fn demo_data_is_deterministic_and_only_fills_an_empty_company() {
    let mut app = TestApp::new();
    app.company("D1");
    app.company("D2");
    let token = app.admin.clone();
    for co in ["D1", "D2"] {
        let report = cora_core::demo::run(&mut app.cora, &token, &co.into(), 400, 7).unwrap();
        assert_eq!(report.steps.iter().find(|s| s.step == "products").unwrap().created, 400);
        assert!(report.steps.iter().find(|s| s.step == "inventory").unwrap().created > 0, "pickings");
        // Its stock story keeps the inventory's invariants and the books agree.
        let c = app.admin_in(co, "inventory.check", json!({})).unwrap();
        assert_eq!(c["ok"], true, "{c}");
        assert_ne!(c["valuation_total"], "0", "{c}");
        let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
        assert_eq!(l["ok"], true, "{l}");
    }
    let value = |app: &mut TestApp, co: &str| app.admin_in(co, "inventory.valuation", json!({})).unwrap()["rows"].clone();
    let (v1, v2) = (value(&mut app, "D1"), value(&mut app, "D2"));
    let strip = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|r| (r["sku"].clone(), r["quantity"].clone(), r["value"].clone())).collect::<Vec<_>>();
    assert_eq!(strip(&v1), strip(&v2), "the same stock for the same seed");
    let export = |app: &mut TestApp, co: &str| app.admin_in(co, "catalog.export_products", json!({"format": "csv"})).unwrap()["content"].clone();
    let (a, b) = (export(&mut app, "D1"), export(&mut app, "D2"));
    assert_eq!(a, b);
    let csv = a.as_str().unwrap();
    assert!(csv.contains(",Size: "), "variant families");
    assert!(csv.lines().any(|l| l.starts_with("KIT-")), "kits");
    // The demo's catalog (templates list their values in their own order) round-trips.
    app.company("D3");
    let cats = app.admin_in("D1", "catalog.export_categories", json!({"format": "csv"})).unwrap()["content"].clone();
    app.admin_in("D3", "catalog.import_categories", json!({"csv": cats, "dry_run": false})).unwrap();
    let r = app.admin_in("D3", "catalog.import_products", json!({"csv": a, "dry_run": false})).unwrap();
    assert_eq!(r["committed"], true, "{r}");
    assert_eq!(export(&mut app, "D3"), a);
    let again = cora_core::demo::run(&mut app.cora, &token, &"D1".into(), 10, 7);
    assert_eq!(again.unwrap_err().code(), ErrorCode::Conflict);
}

/// Attribute values keep their order through renames, additions and removals; a value a
/// template uses stays; one variant can be made by hand.
#[test]
fn attribute_values_are_ordered_and_used_values_stay() {
    let mut app = TestApp::new();
    app.company("ATT");
    let size = attribute(&mut app, "ATT", "Size", &["S", "M", "L"]);
    let v = |i: usize| size["values"][i]["id"].clone();
    // Reverse, rename M to Medium, add XL, keep all.
    let out = app
        .admin_in("ATT", "catalog.update_attribute", json!({"id": size["id"], "values": [{"id": v(2), "name": "L"}, {"id": v(1), "name": "Medium"}, {"id": v(0), "name": "S"}, {"name": "XL"}]}))
        .unwrap();
    let names: Vec<&str> = out["values"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["L", "Medium", "S", "XL"]);
    // Swapping two names in one update does not trip the unique name rule.
    let out = app.admin_in("ATT", "catalog.update_attribute", json!({"id": size["id"], "values": [{"id": v(2), "name": "S"}, {"id": v(1), "name": "Medium"}, {"id": v(0), "name": "L"}]})).unwrap();
    assert_eq!(out["values"].as_array().unwrap().len(), 3);

    let tpl = product(&mut app, "ATT", "CAP", json!({"sale_price": "10"}));
    app.admin_in("ATT", "catalog.set_product_attributes", json!({"product_id": tpl, "attributes": [{"attribute_id": size["id"], "values": [{"value_id": v(0)}, {"value_id": v(1), "price_extra": "1.5"}]}]})).unwrap();
    let one = app.admin_in("ATT", "catalog.create_variant", json!({"product_id": tpl, "sku": "CAP-M", "values": [v(1)], "barcode": "036000291452"})).unwrap();
    assert_eq!(one["product"]["sale_price"], "11.5");
    assert_eq!(one["variant_values"][0]["value"], "Medium");
    // A value outside the template's is refused; so is removing a used value.
    let r = app.admin_in("ATT", "catalog.create_variant", json!({"product_id": tpl, "sku": "CAP-X", "values": [v(2)]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    let r = app.admin_in("ATT", "catalog.update_attribute", json!({"id": size["id"], "values": [{"id": v(0), "name": "L"}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    let r = app.admin_in("ATT", "catalog.set_product_attributes", json!({"product_id": tpl, "attributes": [{"attribute_id": size["id"], "values": [{"value_id": v(0)}]}]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
}

// --- hardening: checked arithmetic, consistency, permissions, formula cells ------------------

/// A count unit of 99,999,999,999 units and a product costing 99,999,999,999 each.
fn huge_unit_and_product(app: &mut TestApp, co: &str) -> (i64, i64) {
    let big = id(&app.admin_in(co, "catalog.create_unit", json!({"code": "big", "name": "Big", "dimension": "count", "factor": "99999999999"})).unwrap());
    let comp = product(app, co, "COMP", json!({"cost": "99999999999"}));
    (big, comp)
}

fn validation_field(r: &cora_core::Result<Value>) -> String {
    let e = r.as_ref().expect_err("refused");
    assert_eq!(e.code(), ErrorCode::Validation, "{e}");
    e.fields()[0].field.clone()
}

#[test]
fn a_kit_cost_that_would_overflow_is_refused_by_set_components_and_writes_nothing() {
    let mut app = TestApp::new();
    app.company("K");
    let (big, comp) = huge_unit_and_product(&mut app, "K");
    let kit = product(&mut app, "K", "KIT", json!({}));
    let before = dump(raw(&app), &[]);
    let r = app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": comp, "quantity": "99999999999", "unit_id": big}]}));
    assert_eq!(validation_field(&r), "components");
    let e = r.unwrap_err();
    assert_eq!(e.fields()[0].code, FieldCode::KitCostTooLarge);
    assert_eq!(e.fields()[0].params["kit"], "KIT");
    assert_eq!(dump(raw(&app), &[]), before);
    // A cost below the limit is fine.
    let d = app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": comp, "quantity": "0.5"}]})).unwrap();
    assert_eq!(d["effective_cost"], "49999999999.5");
}

#[test]
fn raising_a_component_cost_or_changing_its_unit_that_would_overflow_a_kit_is_refused() {
    let mut app = TestApp::new();
    app.company("K");
    let big = id(&app.admin_in("K", "catalog.create_unit", json!({"code": "big", "name": "Big", "dimension": "count", "factor": "99999999999"})).unwrap());
    let comp = product(&mut app, "K", "COMP", json!({"cost": "0"}));
    let kit = product(&mut app, "K", "KIT", json!({}));
    let outer = product(&mut app, "K", "OUTER", json!({}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": comp, "quantity": "99999999999", "unit_id": big}]})).unwrap();
    app.admin_in("K", "catalog.set_components", json!({"product_id": outer, "components": [{"product_id": kit, "quantity": "2"}]})).unwrap();
    let before = dump(raw(&app), &[]);
    // Overflows the arithmetic itself.
    let r = app.admin_in("K", "catalog.update_product", json!({"id": comp, "cost": "99999999999"}));
    assert_eq!(validation_field(&r), "cost");
    let e = r.unwrap_err();
    assert_eq!(e.fields()[0].code, FieldCode::KitCostTooLarge);
    assert_eq!(e.fields()[0].params["kit"], "KIT");
    // Fits the arithmetic but not an amount: 99,999,999,999² × 0.0001.
    let r = app.admin_in("K", "catalog.update_product", json!({"id": comp, "cost": "0.0001"}));
    assert_eq!(validation_field(&r), "cost");
    assert_eq!(dump(raw(&app), &[]), before);

    // A component measured in `big`: 1,000 big at 1 each; measured in a tiny unit instead,
    // the same line holds 10^20 of them.
    let comp2 = product(&mut app, "K", "COMP2", json!({"cost": "1", "unit_id": big}));
    let kit2 = product(&mut app, "K", "KIT2", json!({}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": kit2, "components": [{"product_id": comp2, "quantity": "1000"}]})).unwrap();
    let tiny = id(&app.admin_in("K", "catalog.create_unit", json!({"code": "tiny", "name": "Tiny", "dimension": "count", "factor": "0.000001"})).unwrap());
    let before = dump(raw(&app), &[]);
    let r = app.admin_in("K", "catalog.update_product", json!({"id": comp2, "unit_id": tiny}));
    assert_eq!(validation_field(&r), "unit_id");
    assert_eq!(dump(raw(&app), &[]), before);
    assert_eq!(app.admin_in("K", "catalog.get_product", json!({"id": kit2})).unwrap()["effective_cost"], "1000");
}

#[test]
fn importing_kits_whose_cost_would_overflow_is_refused_and_writes_nothing() {
    let mut app = TestApp::new();
    app.company("K");
    huge_unit_and_product(&mut app, "K");
    let csv = "sku,name,components\nKIT,Kit,COMP=99999999999 big\n";
    let before = dump(raw(&app), &[]);
    for dry_run in [true, false] {
        let report = app.admin_in("K", "catalog.import_products", json!({"csv": csv, "dry_run": dry_run})).unwrap();
        assert_eq!(report["committed"], false);
        assert_eq!(report["errors"][0]["row"], 2);
        assert_eq!(report["errors"][0]["column"], "components");
        assert_eq!(report["errors"][0]["code"], "kit_cost_too_large", "{report}");
        assert!(report["errors"][0]["message"].as_str().unwrap().contains("too large"), "{report}");
    }
    assert_eq!(dump(raw(&app), &[]), before);
}

#[test]
fn reading_a_kit_whose_cost_cannot_be_computed_is_a_validation_error_not_a_panic() {
    let mut app = TestApp::new();
    app.company("K");
    let (big, comp) = huge_unit_and_product(&mut app, "K");
    let kit = product(&mut app, "K", "KIT", json!({}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": comp, "quantity": "1"}]})).unwrap();
    // A file written before the checks existed may hold such a line.
    raw(&app).execute("UPDATE product_components SET quantity = 999999999990000, unit_id = ?1", [big]).unwrap();
    let r = app.admin_in("K", "catalog.get_product", json!({"id": kit}));
    assert_eq!(validation_field(&r), "effective_cost");
    // The list still reads it: that kit's cost is null, the others' are there.
    let page = app.admin_in("K", "catalog.list_products", json!({"query": {"sort": "sku"}})).unwrap();
    let kit_row = page["items"].as_array().unwrap().iter().find(|p| p["id"] == kit).unwrap().clone();
    assert_eq!(kit_row["effective_cost"], Value::Null);
    assert!(page["items"].as_array().unwrap().iter().filter(|p| p["id"] != kit).all(|p| p["effective_cost"].is_string()));
    // Converting a quantity that does not fit is refused the same way.
    let r = app.admin_in("K", "catalog.convert_quantity", json!({"quantity": "79228162514264337593543950335", "from": "big", "to": "unit"}));
    assert_eq!(validation_field(&r), "quantity");
}

#[test]
fn a_template_keeps_its_dimension_while_a_variant_is_in_a_kit() {
    let mut app = TestApp::new();
    app.company("K");
    let size = attribute(&mut app, "K", "Size", &["S", "M"]);
    let tee = product(&mut app, "K", "TEE", json!({}));
    app.admin_in("K", "catalog.set_product_attributes", json!({"product_id": tee, "attributes": [{"attribute_id": size["id"]}]})).unwrap();
    let variant = app.admin_in("K", "catalog.generate_variants", json!({"product_id": tee})).unwrap()["created"][0]["id"].clone();
    let kit = product(&mut app, "K", "GIFT-BOX", json!({}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": variant, "quantity": "2"}]})).unwrap();
    let before = dump(raw(&app), &[]);
    let kg = unit(&mut app, "K", "kg");
    let r = app.admin_in("K", "catalog.update_product", json!({"id": tee, "unit_id": kg}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    assert!(r.unwrap_err().to_string().contains("GIFT-BOX"));
    assert_eq!(dump(raw(&app), &[]), before);
    // Within the dimension it may change (and the kit follows the conversion).
    let dozen = unit(&mut app, "K", "dozen");
    app.admin_in("K", "catalog.update_product", json!({"id": tee, "unit_id": dozen})).unwrap();
}

#[test]
fn generate_variants_counts_before_building_and_refuses_more_than_a_thousand() {
    let mut app = TestApp::new();
    app.company("K");
    let names = |n: usize, p: &str| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
    let a = app.admin_in("K", "catalog.create_attribute", json!({"name": "A", "values": names(11, "a")})).unwrap();
    let b = app.admin_in("K", "catalog.create_attribute", json!({"name": "B", "values": names(10, "b")})).unwrap();
    let c = app.admin_in("K", "catalog.create_attribute", json!({"name": "C", "values": names(10, "c")})).unwrap();
    let tpl = product(&mut app, "K", "TPL", json!({}));
    let attrs = json!([{"attribute_id": a["id"]}, {"attribute_id": b["id"]}, {"attribute_id": c["id"]}]);
    app.admin_in("K", "catalog.set_product_attributes", json!({"product_id": tpl, "attributes": attrs})).unwrap();
    let before = dump(raw(&app), &[]);
    let r = app.admin_in("K", "catalog.generate_variants", json!({"product_id": tpl}));
    assert_eq!(validation_field(&r), "product_id");
    let e = r.unwrap_err();
    assert_eq!(e.fields()[0].code, FieldCode::TooManyVariants);
    assert_eq!(e.fields()[0].params["count"], "1100");
    assert_eq!(dump(raw(&app), &[]), before);
    // 10 × 10 × 10 is within the limit.
    let keep: Vec<Value> = a["values"].as_array().unwrap()[..10].iter().map(|v| json!({"value_id": v["id"]})).collect();
    let attrs = json!([{"attribute_id": a["id"], "values": keep}, {"attribute_id": b["id"]}, {"attribute_id": c["id"]}]);
    app.admin_in("K", "catalog.set_product_attributes", json!({"product_id": tpl, "attributes": attrs})).unwrap();
    let out = app.admin_in("K", "catalog.generate_variants", json!({"product_id": tpl})).unwrap();
    assert_eq!(out["created"].as_array().unwrap().len(), 1000);
    assert_eq!(out["created"][0]["sku"], "TPL-a0-b0-c0");
    assert_eq!(out["created"][999]["sku"], "TPL-a9-b9-c9");
}

/// A member of `co` whose company role holds exactly `perms`.
fn member_with(app: &mut TestApp, co: &str, email: &str, perms: &[&str]) -> String {
    let role = app.admin_in(co, "role.create", json!({"name": format!("Role of {email}"), "permissions": perms})).unwrap();
    app.admin_call("user.create", json!({"email": email, "display_name": email, "password": cora_core::testing::PASSWORD})).unwrap();
    app.admin_in(co, "membership.add", json!({"email": email, "role_id": role["id"]})).unwrap();
    cora_core::testing::login(&mut app.cora, email, cora_core::testing::PASSWORD).unwrap()
}

#[test]
fn imports_need_the_permissions_of_what_they_create() {
    let mut app = TestApp::new();
    app.company("K");
    app.admin_in("K", "catalog.create_brand", json!({"name": "Acme"})).unwrap();
    app.admin_in("K", "catalog.create_category", json!({"name": "Tools"})).unwrap();
    attribute(&mut app, "K", "Size", &["S", "M"]);
    let importer = member_with(&mut app, "K", "importer@example.com", &["catalog.import_product"]);
    let before = dump(raw(&app), SIGN_IN_TABLES);
    let needs = [
        ("sku,name,brand\nA1,A,Globex\n", "catalog.change_brand"),
        ("sku,name,category\nA1,A,Tools / Saws\n", "catalog.change_category"),
        ("sku,name,attributes\nA1,A,Colour: Red\n", "catalog.change_attribute"),
        ("sku,name,attributes\nA1,A,Size: S; Size2: X\n", "catalog.change_attribute"),
        ("sku,name,attributes\nA1,A,\"Size: S, XL\"\n", "catalog.change_attribute"),
    ];
    for (csv, perm) in needs {
        for dry_run in [true, false] {
            let r = app.call(&importer, Some("K"), "catalog.import_products", json!({"csv": csv, "dry_run": dry_run}));
            assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{csv} {r:?}");
            assert!(r.unwrap_err().to_string().contains(perm), "{csv}");
        }
    }
    assert_eq!(dump(raw(&app), SIGN_IN_TABLES), before);
    // What already exists (in any case) needs nothing more.
    let ok = app.call(&importer, Some("K"), "catalog.import_products", json!({"csv": "sku,name,brand,category,attributes\nA1,A,ACME,tools,\"size: s, M\"\n", "dry_run": false})).unwrap();
    assert_eq!(ok["committed"], true, "{ok}");
    // Importing categories is changing categories.
    let r = app.call(&importer, Some("K"), "catalog.import_categories", json!({"csv": "path\nTools\n", "dry_run": true}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden));
    let organiser = member_with(&mut app, "K", "organiser@example.com", &["catalog.change_category"]);
    let ok = app.call(&organiser, Some("K"), "catalog.import_categories", json!({"csv": "path\nGarden / Hoses\n", "dry_run": false})).unwrap();
    assert_eq!(ok["created"], 1);
}

#[test]
fn formula_like_cells_export_escaped_and_import_back_unchanged() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    let name = "=HYPERLINK(\"http://evil.example\",\"click\")";
    product(&mut app, "A", "P1", json!({"name": name, "description": "-2 for one", "sale_price": "3.5"}));
    app.admin_in("A", "catalog.create_brand", json!({"name": "@Acme"})).unwrap();
    app.admin_in("A", "catalog.create_category", json!({"name": "+Plus"})).unwrap();
    let brand = app.admin_in("A", "catalog.list_brands", json!({})).unwrap()["items"][0]["id"].clone();
    let cat = app.admin_in("A", "catalog.list_categories", json!({})).unwrap()["items"][0]["id"].clone();
    product(&mut app, "A", "P2", json!({"name": "'=quoted already", "brand_id": brand, "category_id": cat}));
    let file = app.admin_in("A", "catalog.export_products", json!({"format": "csv"})).unwrap();
    let csv = file["content"].as_str().unwrap();
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    assert!(csv.contains(",'-2 for one,"), "{csv}");
    assert!(csv.contains(",'+Plus,'@Acme,"), "{csv}");
    assert!(csv.contains(",3.5,0,"), "numbers are not escaped: {csv}");
    assert!(!csv.lines().any(|l| l.starts_with('=') || l.contains(",=")), "{csv}");
    let report = app.admin_in("B", "catalog.import_products", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!(report["committed"], true, "{report}");
    let list = |app: &mut TestApp, co: &str| {
        let page = app.admin_in(co, "catalog.list_products", json!({"query": {"sort": "sku"}})).unwrap();
        page["items"].as_array().unwrap().iter().map(|p| (p["sku"].clone(), p["name"].clone(), p["description"].clone(), p["brand_name"].clone(), p["category_name"].clone())).collect::<Vec<_>>()
    };
    assert_eq!(list(&mut app, "A"), list(&mut app, "B"));
    // And XLSX carries the same escaped text.
    let x = app.admin_in("A", "catalog.export_products", json!({"format": "xlsx"})).unwrap();
    assert_eq!(x["rows"], 2);
}

/// The products grid shows what a product costs: a kit's rolled-up cost (its own stored
/// cost is unused), computed for the whole page at once, nested kits included.
#[test]
fn list_rows_carry_each_kits_rolled_up_cost() {
    let mut app = TestApp::new();
    app.company("K");
    let a = product(&mut app, "K", "A", json!({"cost": "2.50"}));
    let b = product(&mut app, "K", "B", json!({"cost": "1.25"}));
    let kit = product(&mut app, "K", "KIT", json!({"cost": "0"}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": a, "quantity": "2"}, {"product_id": b, "quantity": "1"}]})).unwrap();
    let outer = product(&mut app, "K", "OUTER", json!({}));
    app.admin_in("K", "catalog.set_components", json!({"product_id": outer, "components": [{"product_id": kit, "quantity": "3"}, {"product_id": a, "quantity": "1"}]})).unwrap();
    let page = app.admin_in("K", "catalog.list_products", json!({"query": {"sort": "sku"}})).unwrap();
    let got: Vec<(String, String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["sku"].as_str().unwrap().into(), p["cost"].as_str().unwrap().into(), p["effective_cost"].as_str().unwrap().into()))
        .collect();
    let want = [("A", "2.5", "2.5"), ("B", "1.25", "1.25"), ("KIT", "0", "6.25"), ("OUTER", "0", "21.25")];
    let want: Vec<(String, String, String)> = want.iter().map(|(s, c, e)| (s.to_string(), c.to_string(), e.to_string())).collect();
    assert_eq!(got, want);
    // The product's own row, as the detail returns it, agrees.
    let d = app.admin_in("K", "catalog.get_product", json!({"id": outer})).unwrap();
    assert_eq!((d["product"]["effective_cost"].as_str(), d["effective_cost"].as_str()), (Some("21.25"), Some("21.25")));
}
