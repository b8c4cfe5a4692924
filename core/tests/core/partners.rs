//! Locations and partners: addresses in three countries with states checked, numbering,
//! lists, import/export, isolation and bad input.

use crate::{audit_count, code_of, dump};
use cora_core::ErrorCode;
use cora_core::testing::TestApp;
use serde_json::{Value, json};

fn state_id(app: &mut TestApp, code: &str) -> i64 {
    let country = &code[..2];
    let states = app.admin_call("location.list_states", json!({"country_code": country})).unwrap();
    states.as_array().unwrap().iter().find(|s| s["code"] == code).unwrap_or_else(|| panic!("state {code}"))["id"].as_i64().unwrap()
}

fn city(app: &mut TestApp, company: &str, state: i64, name: &str) -> i64 {
    app.admin_in(company, "location.create_city", json!({"state_id": state, "name": name})).unwrap()["id"].as_i64().unwrap()
}

#[test]
fn every_country_and_its_subdivisions_are_seeded_from_the_crate() {
    let mut app = TestApp::new();
    let countries = app.admin_call("location.list_countries", json!({})).unwrap();
    assert_eq!(countries.as_array().unwrap().len(), rust_iso3166::ALL.len());
    let de = app.admin_call("location.list_countries", json!({"search": "germ"})).unwrap();
    assert_eq!(de[0]["code"], "DE");
    assert_eq!(de[0]["alpha3"], "DEU");
    let us = app.admin_call("location.list_states", json!({"country_code": "US"})).unwrap();
    assert_eq!(us.as_array().unwrap().len(), rust_iso3166::US.subdivisions().unwrap().len());
    assert_eq!(code_of(&app.admin_call("location.list_states", json!({"country_code": "XX"}))), Some(ErrorCode::Validation));
}

#[test]
fn cities_are_unique_per_state_without_regard_to_case() {
    let mut app = TestApp::new();
    app.company("A");
    let ca = state_id(&mut app, "US-CA");
    city(&mut app, "A", ca, "San José");
    let again = app.admin_in("A", "location.create_city", json!({"state_id": ca, "name": "  SAN JOSÉ "}));
    assert_eq!(code_of(&again), Some(ErrorCode::Conflict));
    let tx = state_id(&mut app, "US-TX");
    city(&mut app, "A", tx, "San José");
    let found = app.admin_call("location.list_cities", json!({"state_id": ca, "search": "jos"})).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
}

/// Partners in three countries; each address's state must belong to its country and its
/// city to its state.
#[test]
fn partners_in_three_countries_with_states_checked() {
    let mut app = TestApp::new();
    app.company("SHOP");
    let by = state_id(&mut app, "DE-BY");
    let munich = city(&mut app, "SHOP", by, "München");
    let on = state_id(&mut app, "CA-ON");
    let toronto = city(&mut app, "SHOP", on, "Toronto");
    let ny = state_id(&mut app, "US-NY");
    let nyc = city(&mut app, "SHOP", ny, "New York");

    for (name, country, state, city) in [("Bavaria Textil GmbH", "DE", by, munich), ("Maple Retail Inc", "CA", on, toronto), ("Hudson Goods LLC", "US", ny, nyc)] {
        let p = app
            .admin_in("SHOP", "partner.create", json!({
                "name": name, "is_supplier": true,
                "addresses": [{"country_code": country, "state_id": state, "city_id": city, "line1": "1 Main St", "postal_code": "12345"},
                              {"kind": "shipping", "country_code": country, "state_id": state}],
                "contacts": [{"name": "Buyer", "email": "buyer@example.com", "role": "Purchasing"}]
            }))
            .unwrap();
        assert_eq!(p["addresses"].as_array().unwrap().len(), 2);
        assert_eq!(p["addresses"][0]["address"]["country_code"], country);
        assert!(p["addresses"].as_array().unwrap().iter().all(|a| a["is_default"] == true), "first of each kind is its default");
    }
    let codes: Vec<String> = app.admin_in("SHOP", "partner.list", json!({"query": {"sort": "code"}})).unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["P00001", "P00002", "P00003"], "codes are numbered per company without gaps");

    // A state of another country, and a city of another state, are refused.
    let before = dump(app.cora.store().conn(), &["sessions"]);
    let wrong_state = app.admin_in("SHOP", "partner.create", json!({"name": "X", "addresses": [{"country_code": "FR", "state_id": by}]}));
    assert_eq!(code_of(&wrong_state), Some(ErrorCode::Validation));
    assert_eq!(wrong_state.unwrap_err().fields()[0].field, "addresses.0.state_id");
    let wrong_city = app.admin_in("SHOP", "partner.create", json!({"name": "X", "addresses": [{"country_code": "US", "state_id": ny, "city_id": toronto}]}));
    assert_eq!(wrong_city.unwrap_err().fields()[0].field, "addresses.0.city_id");
    assert!(before == dump(app.cora.store().conn(), &["sessions"]), "refused input writes nothing");

    // SQLite itself refuses such an address, whatever the service checks.
    let conn = app.cora.store().conn();
    let raw = conn.execute(
        "INSERT INTO partner_addresses (tenant_id, partner_id, kind, country_code, state_id) VALUES (1, 1, 'other', 'FR', ?1)",
        [by],
    );
    assert!(raw.unwrap_err().to_string().contains("FOREIGN KEY"));
}

#[test]
fn a_partner_is_a_customer_a_supplier_or_both() {
    let mut app = TestApp::new();
    app.company("A");
    let neither = app.admin_in("A", "partner.create", json!({"name": "Nobody", "is_customer": false, "is_supplier": false}));
    assert_eq!(code_of(&neither), Some(ErrorCode::Validation));
    app.admin_in("A", "partner.create", json!({"name": "Both Ways", "is_customer": true, "is_supplier": true})).unwrap();
    app.admin_in("A", "partner.create", json!({"name": "Only Sells To Us", "is_customer": false, "is_supplier": true})).unwrap();
    let customers = app.admin_in("A", "partner.list", json!({"role": "customer"})).unwrap();
    let suppliers = app.admin_in("A", "partner.list", json!({"role": "supplier"})).unwrap();
    assert_eq!(customers["total"], 1);
    assert_eq!(suppliers["total"], 2);
}

#[test]
fn update_replaces_addresses_and_contacts_and_is_audited() {
    let mut app = TestApp::new();
    app.company("A");
    let p = app
        .admin_in("A", "partner.create", json!({"code": "ACME", "name": "Acme", "credit_limit": "1000.25",
            "addresses": [{"country_code": "IE"}, {"kind": "shipping", "country_code": "IE"}],
            "contacts": [{"name": "Ann"}, {"name": "Bob"}]}))
        .unwrap();
    let id = p["id"].clone();
    let keep_addr = p["addresses"][0]["id"].clone();
    let keep_contact = p["contacts"].as_array().unwrap().iter().find(|c| c["name"] == "Bob").unwrap()["id"].clone();
    let q = app
        .admin_in("A", "partner.update", json!({"id": id, "changes": {"name": "Acme Holdings", "credit_limit": "2500",
            "addresses": [{"id": keep_addr, "country_code": "IE", "line1": "New street"}],
            "contacts": [{"id": keep_contact, "name": "Bob", "role": "Owner"}, {"name": "Cy"}]}}))
        .unwrap();
    assert_eq!(q["name"], "Acme Holdings");
    assert_eq!(q["credit_limit"], "2500");
    assert_eq!(q["addresses"].as_array().unwrap().len(), 1);
    assert_eq!(q["addresses"][0]["id"], keep_addr);
    assert_eq!(q["addresses"][0]["address"]["line1"], "New street");
    let names: Vec<&str> = q["contacts"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Bob", "Cy"]);
    let log = app.admin_in("A", "audit.list", json!({"entity": "partner"})).unwrap();
    assert_eq!(log["rows"][0]["summary"]["name"], json!(["Acme", "Acme Holdings"]));

    // A code already used is refused; credit limits are exact and never negative.
    app.admin_in("A", "partner.create", json!({"code": "OTHER", "name": "Other"})).unwrap();
    let taken = app.admin_in("A", "partner.update", json!({"id": id, "changes": {"code": "other"}}));
    assert_eq!(code_of(&taken), Some(ErrorCode::Conflict));
    let negative = app.admin_in("A", "partner.update", json!({"id": id, "changes": {"credit_limit": "-1"}}));
    assert_eq!(code_of(&negative), Some(ErrorCode::Validation));
    let precise = app.admin_in("A", "partner.update", json!({"id": id, "changes": {"credit_limit": "0.00001"}}));
    assert_eq!(code_of(&precise), Some(ErrorCode::Validation));
}

#[test]
fn archive_hides_from_lists_and_delete_removes_children() {
    let mut app = TestApp::new();
    app.company("A");
    let p = app.admin_in("A", "partner.create", json!({"name": "Old Friend", "addresses": [{"country_code": "PT"}], "contacts": [{"name": "Zé"}]})).unwrap();
    app.admin_in("A", "partner.set_archived", json!({"id": p["id"], "archived": true})).unwrap();
    assert_eq!(app.admin_in("A", "partner.list", json!({})).unwrap()["total"], 0);
    assert_eq!(app.admin_in("A", "partner.list", json!({"query": {"include_archived": true}})).unwrap()["total"], 1);
    app.admin_in("A", "partner.delete", json!({"id": p["id"]})).unwrap();
    let conn = app.cora.store().conn();
    let left: i64 = conn.query_row("SELECT (SELECT count(*) FROM partner_addresses) + (SELECT count(*) FROM partner_contacts)", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    assert_eq!(code_of(&app.admin_in("A", "partner.get", json!({"id": p["id"]}))), Some(ErrorCode::NotFound));
}

#[test]
fn lists_page_by_keyset_and_search_with_fts() {
    let mut app = TestApp::new();
    app.company("A");
    for i in 0..23 {
        app.admin_in("A", "partner.create", json!({"name": format!("Partner {i:02}"), "email": format!("p{i}@shop{}.example", i % 3)})).unwrap();
    }
    app.admin_in("A", "partner.create", json!({"name": "Zürich Café AG", "tax_id": "CHE-123.456.789"})).unwrap();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = json!({"limit": 5, "sort": "name", "desc": true});
        if let Some(c) = &cursor {
            q["cursor"] = json!(c);
        }
        let page = app.admin_in("A", "partner.list", json!({"query": q})).unwrap();
        assert_eq!(page["total"], 24);
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.to_lowercase()));
    assert_eq!(seen, sorted, "pages follow each other in order, with no row twice or missing");
    assert_eq!(seen.len(), 24);

    let hits = app.admin_in("A", "partner.list", json!({"query": {"search": "zurich"}})).unwrap();
    assert_eq!(hits["total"], 1, "diacritics are ignored");
    let hits = app.admin_in("A", "partner.list", json!({"query": {"search": "shop1"}})).unwrap();
    assert_eq!(hits["total"], 8, "email words are found by prefix");
    let hits = app.admin_in("A", "partner.list", json!({"query": {"search": "CHE-123"}})).unwrap();
    assert_eq!(hits["total"], 1, "tax ids are searchable");
    let bad = app.admin_in("A", "partner.list", json!({"query": {"sort": "password"}}));
    assert_eq!(code_of(&bad), Some(ErrorCode::Validation));
    let bad = app.admin_in("A", "partner.list", json!({"query": {"cursor": "not-a-cursor"}}));
    assert_eq!(code_of(&bad), Some(ErrorCode::Validation));
}

/// Company B's partners are invisible in A, and SQLite refuses an address or contact in
/// A that points at B's partner.
#[test]
fn partners_are_isolated_between_companies() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let b = app.company("B");
    let pb = app.admin_in("B", "partner.create", json!({"name": "Secret Supplier", "is_supplier": true})).unwrap();
    assert_eq!(app.admin_in("A", "partner.list", json!({"query": {"search": "secret"}})).unwrap()["total"], 0);
    assert_eq!(code_of(&app.admin_in("A", "partner.get", json!({"id": pb["id"]}))), Some(ErrorCode::NotFound));
    assert_eq!(code_of(&app.admin_in("A", "partner.update", json!({"id": pb["id"], "changes": {"name": "Mine"}}))), Some(ErrorCode::NotFound));
    assert_eq!(code_of(&app.admin_in("A", "partner.delete", json!({"id": pb["id"]}))), Some(ErrorCode::NotFound));

    let conn = app.cora.store().conn();
    let forged = conn.execute(
        "INSERT INTO partner_contacts (tenant_id, partner_id, name) VALUES (?1, ?2, 'spy')",
        rusqlite::params![a, pb["id"].as_i64().unwrap()],
    );
    assert!(forged.unwrap_err().to_string().contains("FOREIGN KEY"));
    let forged = conn.execute(
        "INSERT INTO partner_addresses (tenant_id, partner_id, kind, country_code) VALUES (?1, ?2, 'billing', 'GB')",
        rusqlite::params![a, pb["id"].as_i64().unwrap()],
    );
    assert!(forged.unwrap_err().to_string().contains("FOREIGN KEY"));
    let _ = b;
}

#[test]
fn bad_partner_input_is_refused_and_writes_nothing() {
    let mut app = TestApp::new();
    app.company("A");
    let before_audit = audit_count(&app);
    let before = dump(app.cora.store().conn(), &["sessions"]);
    let huge = "x".repeat(100_000);
    for args in [
        json!({}),
        json!({"name": ""}),
        json!({"name": huge}),
        json!({"name": "A", "email": "not-an-email"}),
        json!({"name": "A", "website": "ftp://files"}),
        json!({"name": "A", "phone": "call me maybe"}),
        json!({"name": "A", "currency": "EURO"}),
        json!({"name": "A", "payment_terms_days": -3}),
        json!({"name": "A", "credit_limit": "lots"}),
        json!({"name": "A", "credit_limit": 12.5}),
        json!({"name": "A", "code": "'; DROP TABLE partners; --"}),
        json!({"name": "A", "addresses": [{"country_code": "ZZ"}]}),
        json!({"name": "A", "contacts": [{"name": ""}]}),
        json!({"name": "A", "contacts": [{"name": "B", "email": "b@"}]}),
        json!({"name": "A", "unknown": 1}),
        json!({"name": 42}),
        json!({"name": "A", "addresses": [{"country_code": "US", "is_default": true}, {"country_code": "US", "is_default": true}]}),
    ] {
        let r = app.admin_in("A", "partner.create", args.clone());
        let code = code_of(&r);
        assert!(matches!(code, Some(ErrorCode::Validation)), "{args} gave {code:?}");
    }
    assert_eq!(audit_count(&app), before_audit);
    assert!(before == dump(app.cora.store().conn(), &["sessions"]));
    // SQL metacharacters and unicode are data, not code.
    let p = app.admin_in("A", "partner.create", json!({"name": "O'Brien \"Ltd\"; DROP TABLE partners; -- 日本"})).unwrap();
    assert_eq!(p["name"], "O'Brien \"Ltd\"; DROP TABLE partners; -- 日本");
}

#[test]
fn import_reports_every_bad_row_and_writes_all_or_nothing() {
    let mut app = TestApp::new();
    app.company("A");
    let mut csv = String::from("code,name,email,is_customer,is_supplier,credit_limit,billing_city,billing_state,billing_country\n");
    let mut bad = Vec::new();
    for i in 0..200 {
        let row = i + 2;
        let line = match i % 40 {
            7 => { bad.push((row, "email")); format!("C{i},Name {i},nope,true,false,10,,,\n") }
            13 => { bad.push((row, "credit_limit")); format!("C{i},Name {i},,true,false,ten,,,\n") }
            21 => { bad.push((row, "billing_state")); format!("C{i},Name {i},,true,false,1,Paris,US-CA,FR\n") }
            29 => { bad.push((row, "name")); format!("C{i},,,true,false,1,,,\n") }
            _ => format!("C{i},Name {i},c{i}@example.com,true,{},{i}.5,Springfield,US-IL,US\n", i % 2 == 0),
        };
        csv.push_str(&line);
    }
    // A code repeated inside the file is a conflict on its second row.
    csv.push_str("C1,Duplicate,,true,false,,,,\n");
    bad.push((202, "code"));

    let before = dump(app.cora.store().conn(), &["sessions"]);
    let report = app.admin_in("A", "partner.import", json!({"csv": csv, "dry_run": true})).unwrap();
    let got: Vec<(i64, String)> = report["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_string())).collect();
    let want: Vec<(i64, String)> = bad.iter().map(|(r, c)| (*r as i64, c.to_string())).collect();
    assert_eq!(got, want);
    assert_eq!(report["committed"], false);
    assert!(before == dump(app.cora.store().conn(), &["sessions"]), "a dry run writes nothing");
    let real = app.admin_in("A", "partner.import", json!({"csv": csv})).unwrap();
    assert_eq!(real["committed"], false, "a file with errors writes nothing");
    assert!(before == dump(app.cora.store().conn(), &["sessions"]));

    let clean: String = csv.lines().enumerate().filter(|(i, _)| *i == 0 || !bad.iter().any(|(r, _)| *r == i + 1)).map(|(_, l)| format!("{l}\n")).collect();
    let ok = app.admin_in("A", "partner.import", json!({"csv": clean})).unwrap();
    assert_eq!(ok["committed"], true);
    assert_eq!(ok["created"].as_i64().unwrap(), 200 - 20);
    assert_eq!(app.admin_in("A", "partner.list", json!({})).unwrap()["total"], 180);
    let unknown_column = app.admin_in("A", "partner.import", json!({"csv": "name,colour\nA,red\n"}));
    assert_eq!(code_of(&unknown_column), Some(ErrorCode::Validation));
}

#[test]
fn export_from_one_company_imports_into_another_as_the_same_partners() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    let be = state_id(&mut app, "BE-VLG");
    let gent = city(&mut app, "A", be, "Gent");
    app.admin_in("A", "partner.create", json!({"code": "FL1", "name": "Flanders Fabrics NV", "legal_name": "Flanders Fabrics NV", "tax_id": "BE0123456789",
        "email": "info@ff.example", "phone": "+32 9 123 45 67", "website": "https://ff.example", "is_supplier": true,
        "payment_terms_days": 30, "credit_limit": "12500.75", "currency": "EUR", "notes": "Ships on Tuesdays,\n\"quoted\"",
        "addresses": [{"country_code": "BE", "state_id": be, "city_id": gent, "line1": "Kouter 1", "postal_code": "9000"},
                      {"kind": "shipping", "country_code": "BE", "state_id": be, "line1": "Dock 7"}],
        "contacts": [{"name": "Els", "email": "els@ff.example", "phone": "+32 9 000", "role": "Sales"}]})).unwrap();
    app.admin_in("A", "partner.create", json!({"code": "US1", "name": "Simple Customer"})).unwrap();
    let archived = app.admin_in("A", "partner.create", json!({"code": "OLD", "name": "Gone", "is_supplier": true, "is_customer": false})).unwrap();
    app.admin_in("A", "partner.set_archived", json!({"id": archived["id"], "archived": true})).unwrap();

    let file = app.admin_in("A", "partner.export", json!({"format": "csv"})).unwrap();
    assert_eq!(file["rows"], 3);
    let report = app.admin_in("B", "partner.import", json!({"csv": file["content"]})).unwrap();
    assert_eq!(report["committed"], true, "{report}");
    let again = app.admin_in("B", "partner.export", json!({"format": "csv"})).unwrap();
    assert_eq!(file["content"], again["content"]);

    let xlsx = app.admin_in("A", "partner.export", json!({"format": "xlsx"})).unwrap();
    assert_eq!(xlsx["encoding"], "base64");
    let strip = |p: Value| {
        let mut p = p;
        for k in ["id", "created_at", "updated_at"] {
            p.as_object_mut().unwrap().remove(k);
        }
        for a in p["addresses"].as_array_mut().unwrap() {
            a.as_object_mut().unwrap().remove("id");
        }
        for c in p["contacts"].as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("id");
        }
        p
    };
    let ida = app.admin_in("A", "partner.list", json!({"query": {"search": "flanders"}})).unwrap()["items"][0]["id"].clone();
    let idb = app.admin_in("B", "partner.list", json!({"query": {"search": "flanders"}})).unwrap()["items"][0]["id"].clone();
    let pa = app.admin_in("A", "partner.get", json!({"id": ida})).unwrap();
    let pb = app.admin_in("B", "partner.get", json!({"id": idb})).unwrap();
    assert_eq!(strip(pa), strip(pb));
}

#[test]
fn roles_decide_who_may_change_partners() {
    let mut app = TestApp::new();
    app.company("A");
    let viewer = app.member("viewer@example.com", "A", "viewer");
    let sales = app.member("sales@example.com", "A", "sales");
    let warehouse = app.member("wh@example.com", "A", "warehouse");
    assert!(app.call(&viewer, Some("A"), "partner.list", json!({})).is_ok());
    assert_eq!(code_of(&app.call(&viewer, Some("A"), "partner.create", json!({"name": "V"}))), Some(ErrorCode::Forbidden));
    assert_eq!(code_of(&app.call(&warehouse, Some("A"), "partner.create", json!({"name": "W"}))), Some(ErrorCode::Forbidden));
    let p = app.call(&sales, Some("A"), "partner.create", json!({"name": "S"})).unwrap();
    assert_eq!(code_of(&app.call(&sales, Some("A"), "partner.delete", json!({"id": p["id"]}))), Some(ErrorCode::Forbidden));
}

#[test]
fn import_errors_of_shipping_columns_name_the_shipping_columns() {
    let mut app = TestApp::new();
    app.company("A");
    // Only a shipping address (so it is the partner's first address), its postal code too long.
    let csv = "name,shipping_country,shipping_postal_code\nAcme,IE,123456789012345678901234\n";
    let report = app.admin_in("A", "partner.import", json!({"csv": csv, "dry_run": true})).unwrap();
    assert_eq!(report["errors"][0]["column"], "shipping_postal_code", "{report}");
    let csv = "name,billing_country,shipping_country,shipping_postal_code\nAcme,IE,IE,123456789012345678901234\n";
    let report = app.admin_in("A", "partner.import", json!({"csv": csv, "dry_run": true})).unwrap();
    assert_eq!(report["errors"][0]["column"], "shipping_postal_code", "{report}");
}

#[test]
fn a_partner_import_adds_a_city_only_with_add_city_and_checks_its_name() {
    let mut app = TestApp::new();
    app.company("A");
    let ca = state_id(&mut app, "US-CA");
    city(&mut app, "A", ca, "Fresno");
    let role = app.admin_in("A", "role.create", json!({"name": "Adder", "permissions": ["partner.add_partner"]})).unwrap();
    app.admin_call("user.create", json!({"email": "adder@example.com", "display_name": "Adder", "password": cora_core::testing::PASSWORD})).unwrap();
    app.admin_in("A", "membership.add", json!({"email": "adder@example.com", "role_id": role["id"]})).unwrap();
    let adder = cora_core::testing::login(&mut app.cora, "adder@example.com", cora_core::testing::PASSWORD).unwrap();
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let new_city = "name,billing_country,billing_state,billing_city\nAcme,US,US-CA,Bakersfield\n";
    for dry_run in [true, false] {
        let r = app.call(&adder, Some("A"), "partner.import", json!({"csv": new_city, "dry_run": dry_run}));
        assert_eq!(code_of(&r), Some(ErrorCode::Forbidden));
        assert!(r.unwrap_err().to_string().contains("location.add_city"));
    }
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before);
    // An existing city (in any case) needs no more.
    let known = "name,billing_country,billing_state,billing_city\nAcme,US,US-CA,FRESNO\n";
    assert_eq!(app.call(&adder, Some("A"), "partner.import", json!({"csv": known})).unwrap()["committed"], true);
    // A new city's name gets create_city's checks.
    let bad = "name,billing_country,billing_state,billing_city\nAcme 2,US,US-CA,\"Bad\u{7}City\"\n";
    let report = app.admin_in("A", "partner.import", json!({"csv": bad})).unwrap();
    assert_eq!(report["committed"], false);
    assert_eq!(report["errors"][0]["column"], "billing_city", "{report}");
}

#[test]
fn formula_like_partner_cells_export_escaped_and_import_back_unchanged() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    app.admin_in("A", "partner.create", json!({"name": "=cmd|' /C calc'!A0", "is_customer": true, "notes": "@risk", "phone": "+353 1 234 5678"})).unwrap();
    let file = app.admin_in("A", "partner.export", json!({"format": "csv"})).unwrap();
    let csv = file["content"].as_str().unwrap();
    assert!(csv.contains("'=cmd|"), "{csv}");
    assert!(csv.contains("'+353 1 234 5678"), "{csv}");
    let report = app.admin_in("B", "partner.import", json!({"csv": csv})).unwrap();
    assert_eq!(report["committed"], true, "{report}");
    let b = app.admin_in("B", "partner.list", json!({})).unwrap();
    let p = app.admin_in("B", "partner.get", json!({"id": b["items"][0]["id"]})).unwrap();
    assert_eq!((p["name"].as_str(), p["notes"].as_str(), p["phone"].as_str()), (Some("=cmd|' /C calc'!A0"), Some("@risk"), Some("+353 1 234 5678")));
}

/// The customers grid shows the billing address's city and country: the default billing
/// address wins over a shipping address listed first and over other billing addresses.
#[test]
fn list_rows_carry_the_billing_city_name_and_country() {
    let mut app = TestApp::new();
    app.company("SHOP");
    let by = state_id(&mut app, "DE-BY");
    let munich = city(&mut app, "SHOP", by, "München");
    let nuremberg = city(&mut app, "SHOP", by, "Nürnberg");
    let be = state_id(&mut app, "DE-BE");
    let berlin = city(&mut app, "SHOP", be, "Berlin");
    app.admin_in("SHOP", "partner.create", json!({
        "name": "Alpen AG", "is_customer": true,
        "addresses": [{"kind": "shipping", "country_code": "DE", "state_id": be, "city_id": berlin},
                      {"kind": "billing", "country_code": "DE", "state_id": by, "city_id": nuremberg},
                      {"kind": "billing", "is_default": true, "country_code": "DE", "state_id": by, "city_id": munich}]
    })).unwrap();
    app.admin_in("SHOP", "partner.create", json!({"name": "Bare Ltd", "is_customer": true, "addresses": [{"country_code": "GB"}]})).unwrap();
    app.admin_in("SHOP", "partner.create", json!({"name": "Nowhere Inc", "is_customer": true})).unwrap();
    let rows = app.admin_in("SHOP", "partner.list", json!({"query": {"sort": "name"}})).unwrap();
    let got: Vec<(Value, Value)> = rows["items"].as_array().unwrap().iter().map(|p| (p["city_name"].clone(), p["country_code"].clone())).collect();
    assert_eq!(got, [(json!("München"), json!("DE")), (json!(null), json!("GB")), (json!(null), json!(null))]);
}
