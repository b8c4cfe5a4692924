//! Case-insensitive keys: one Rust fold decides what is "the same" code or name, for the
//! commands, the imports and SQLite's unique indexes alike, Unicode included.

use crate::code_of;
use cora_core::testing::TestApp;
use cora_core::{CompanyRef, Cora, ErrorCode};
use serde_json::{Value, json};

fn id(v: &Value) -> Value {
    v.get("product").map(|p| p["id"].clone()).unwrap_or_else(|| v["id"].clone())
}

#[test]
fn a_company_coded_ecole_is_found_as_ecole_and_has_no_twin() {
    let mut app = TestApp::new();
    app.company("ÉCOLE");
    app.admin_in("école", "catalog.list_units", json!({})).unwrap();
    let token = app.admin.clone();
    app.cora.call(Some(&token), Some(&CompanyRef::Code(" École ".into())), "catalog.list_units", json!({})).unwrap();
    let twin = app.admin_call("company.create", json!({"code": "école", "name": "Twin", "base_currency": "EUR"}));
    assert_eq!(code_of(&twin), Some(ErrorCode::Conflict));
}

#[test]
fn catalog_and_partner_keys_fold_unicode_case_in_the_commands_and_in_sqlite() {
    let mut app = TestApp::new();
    app.company("A");
    let twice = |app: &mut TestApp, cmd: &str, first: Value, second: Value| {
        app.admin_in("A", cmd, first).unwrap();
        let r = app.admin_in("A", cmd, second);
        assert_eq!(code_of(&r), Some(ErrorCode::Conflict), "{cmd}: {r:?}");
    };
    twice(&mut app, "partner.create", json!({"code": "ÉCOLE", "name": "A"}), json!({"code": "école", "name": "B"}));
    twice(&mut app, "catalog.create_product", json!({"sku": "ÉCOLE-1", "name": "A"}), json!({"sku": "école-1", "name": "B"}));
    twice(&mut app, "catalog.create_unit", json!({"code": "ÉCU", "name": "A", "dimension": "count", "factor": "2"}), json!({"code": "écu", "name": "B", "dimension": "count", "factor": "3"}));
    twice(&mut app, "catalog.create_brand", json!({"name": "ÉCLAT"}), json!({"name": "éclat"}));
    twice(&mut app, "catalog.create_category", json!({"name": "ÉTÉ"}), json!({"name": "été"}));
    twice(&mut app, "catalog.create_attribute", json!({"name": "ÉPAISSEUR", "values": ["Ø"]}), json!({"name": "épaisseur", "values": ["ø"]}));
    let dup_values = app.admin_in("A", "catalog.create_attribute", json!({"name": "Taille", "values": ["Ü", "ü"]}));
    assert_eq!(code_of(&dup_values), Some(ErrorCode::Validation));
    // Lookups by key: a unit by code.
    let out = app.admin_in("A", "catalog.convert_quantity", json!({"quantity": "1", "from": "écu", "to": "unit"})).unwrap();
    assert_eq!(out["quantity"], "2");

    // SQLite refuses a twin written past the commands, too.
    let db = app.cora.store().conn();
    let t: i64 = db.query_row("SELECT tenant_id FROM products", [], |r| r.get(0)).unwrap();
    let unit: i64 = db.query_row("SELECT id FROM units WHERE code = 'unit' AND tenant_id = ?1", [t], |r| r.get(0)).unwrap();
    let raw = db.execute(
        "INSERT INTO products (tenant_id, sku, sku_key, name, unit_id, kind, sale_price, cost, created_at, updated_at)
         VALUES (?1, 'École-1', 'école-1', 'Raw', ?2, 'stockable', 0, 0, 'now', 'now')",
        [t, unit],
    );
    assert!(raw.is_err());
}

#[test]
fn import_keys_agree_with_the_stored_keys() {
    let mut app = TestApp::new();
    app.company("A");
    app.admin_in("A", "catalog.create_brand", json!({"name": "éclat"})).unwrap();
    app.admin_in("A", "catalog.create_category", json!({"name": "été"})).unwrap();
    app.admin_in("A", "catalog.create_attribute", json!({"name": "épaisseur", "values": ["ø"]})).unwrap();
    app.admin_in("A", "catalog.create_product", json!({"sku": "école-1", "name": "A"})).unwrap();
    app.admin_in("A", "catalog.create_unit", json!({"code": "écu", "name": "Écu", "dimension": "count", "factor": "2"})).unwrap();
    app.admin_in("A", "partner.create", json!({"code": "ÉCOLE", "name": "A"})).unwrap();

    // A SKU the company has, in other case: a problem.
    let r = app.admin_in("A", "catalog.import_products", json!({"csv": "sku,name\nÉCOLE-1,B\n", "dry_run": true})).unwrap();
    assert_eq!(r["errors"][0]["column"], "sku", "{r}");
    // Brand, category, attribute, value and unit in other case: the existing ones.
    let csv = "sku,name,brand,category,unit,attributes,components\nT-1,T,ÉCLAT,ÉTÉ,ÉCU,ÉPAISSEUR: Ø,\nK-1,K,,,,,ÉCOLE-1=1 ÉCU\n";
    let r = app.admin_in("A", "catalog.import_products", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!(r["committed"], true, "{r}");
    let db = app.cora.store().conn();
    let count = |table: &str| db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!((count("brands"), count("categories"), count("attributes"), count("attribute_values")), (1, 1, 1, 1));
    let t1 = app.admin_in("A", "catalog.list_products", json!({"query": {"search": "T-1"}})).unwrap();
    assert_eq!((t1["items"][0]["brand_name"].as_str(), t1["items"][0]["unit_code"].as_str()), (Some("éclat"), Some("écu")));
    // Categories by path, in other case: unchanged.
    let r = app.admin_in("A", "catalog.import_categories", json!({"csv": "path\nÉTÉ\n", "dry_run": true})).unwrap();
    assert_eq!((r["created"].as_u64(), r["unchanged"].as_u64()), (Some(0), Some(1)));
    // A partner code in other case, in the file and against the company.
    let r = app.admin_in("A", "partner.import", json!({"csv": "code,name\nécole,Again\n", "dry_run": true})).unwrap();
    assert_eq!(r["unchanged"], 1, "{r}");
    let r = app.admin_in("A", "partner.import", json!({"csv": "code,name\nÑ-1,A\nñ-1,B\n", "dry_run": true})).unwrap();
    assert_eq!(r["errors"][0]["row"], 3, "{r}");
}

#[test]
fn rows_written_before_their_key_column_get_their_keys_when_the_file_opens() {
    let mut app = TestApp::new();
    app.company("ÉCOLE");
    let p = app.admin_in("ÉCOLE", "catalog.create_product", json!({"sku": "ÉTÉ-1", "name": "A"})).unwrap();
    app.admin_in("ÉCOLE", "catalog.create_brand", json!({"name": "ÉCLAT"})).unwrap();
    app.admin_in("ÉCOLE", "partner.create", json!({"code": "ÑU", "name": "A"})).unwrap();
    let path = app.path();
    // Undo what V4 and the keys did: NULL new keys, lower()-folded old keys, refold due.
    {
        let db = app.cora.store().conn();
        db.execute_batch(
            "UPDATE products SET sku_key = NULL; UPDATE brands SET name_key = NULL; UPDATE units SET code_key = NULL;
             UPDATE categories SET name_key = NULL; UPDATE attributes SET name_key = NULL; UPDATE attribute_values SET name_key = NULL;
             UPDATE companies SET code_key = lower(code); UPDATE partners SET code_key = lower(code);
             INSERT INTO key_refolds (table_name) VALUES ('companies'), ('partners');",
        )
        .unwrap();
        assert_eq!(db.query_row("SELECT code_key FROM companies", [], |r| r.get::<_, String>(0)).unwrap(), "École");
    }
    drop(app.cora);
    let mut cora = Cora::open(&path).unwrap();
    let db = cora.store().conn();
    let one = |sql: &str| db.query_row(sql, [], |r| r.get::<_, Option<String>>(0)).unwrap();
    assert_eq!(one("SELECT code_key FROM companies").as_deref(), Some("école"));
    assert_eq!(one("SELECT code_key FROM partners").as_deref(), Some("ñu"));
    assert_eq!(one("SELECT sku_key FROM products").as_deref(), Some("été-1"));
    assert_eq!(one("SELECT name_key FROM brands").as_deref(), Some("éclat"));
    assert_eq!(db.query_row("SELECT count(*) FROM units WHERE code_key IS NULL", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    assert_eq!(db.query_row("SELECT count(*) FROM key_refolds", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    let token = cora_core::testing::login(&mut cora, cora_core::testing::ADMIN_EMAIL, cora_core::testing::PASSWORD).unwrap();
    let company = CompanyRef::Code("école".into());
    let got = cora.call(Some(&token), Some(&company), "catalog.get_product", json!({"id": id(&p)})).unwrap();
    assert_eq!(got["product"]["sku"], "ÉTÉ-1");
}

#[test]
fn role_names_fold_unicode_case_too() {
    let mut app = TestApp::new();
    app.company("A");
    app.admin_in("A", "role.create", json!({"name": "ÉQUIPE"})).unwrap();
    let r = app.admin_in("A", "role.create", json!({"name": " équipe "}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    // SQLite refuses the twin by itself, whatever the command checks.
    let r = app.cora.store().conn().execute(
        "INSERT INTO roles (tenant_id, name, name_key, description, created_at) SELECT tenant_id, 'équipe', 'équipe', '', created_at FROM roles WHERE name = 'ÉQUIPE'",
        [],
    );
    assert!(r.is_err(), "the unique index on name_key let a twin in");
    // Built-in roles have their keys too: no company role may be called "owner".
    let r = app.admin_in("A", "role.create", json!({"name": "OWNER"}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
}
