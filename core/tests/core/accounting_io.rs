//! Charts of accounts and opening balances as files, through the real command layer.

use crate::accounting::{account, books, journal};
use crate::dump;
use cora_core::testing::TestApp;
use serde_json::{Value, json};

fn chart_of(app: &mut TestApp, company: &str) -> Vec<Value> {
    let list = app.admin_in(company, "account.list", json!({"include_archived": true})).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| json!([a["code"], a["name"], a["type"], a["subtype"], a["parent_code"], a["is_group"], a["reconcilable"], a["currency"]]))
        .collect()
}

fn defaults_by_code(app: &mut TestApp, company: &str) -> Value {
    let s = app.admin_in(company, "accounting.settings", json!({})).unwrap();
    let list = app.admin_in(company, "account.list", json!({"include_archived": true})).unwrap();
    let code = |id: &Value| list.as_array().unwrap().iter().find(|a| &a["id"] == id).map(|a| a["code"].clone()).unwrap_or(Value::Null);
    let mut out = serde_json::Map::new();
    for (k, v) in s["defaults"].as_object().unwrap() {
        out.insert(k.clone(), code(v));
    }
    Value::Object(out)
}

fn errors(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string())).collect()
}

#[test]
fn export_then_import_into_a_company_without_a_chart_sets_up_the_same_books() {
    let mut app = books("ACME");
    let banks = account(&mut app, "ACME", "10");
    app.admin_in("ACME", "account.create", json!({"code": "1105", "name": "=Bank, \"USD\"", "type": "asset", "subtype": "bank", "parent_id": banks, "currency": "USD", "reconcilable": true})).unwrap();
    let file = app.admin_in("ACME", "account.export", json!({"format": "csv"})).unwrap();
    let csv = file["content"].as_str().unwrap().to_string();
    assert!(csv.starts_with("code,name,type,subtype,parent,group,reconcilable,currency,default\r\n"), "{csv}");
    assert_eq!(app.admin_in("ACME", "account.export", json!({"format": "xlsx"})).unwrap()["encoding"], "base64");

    app.admin_call("company.create", json!({"code": "NEW", "name": "New Ltd", "base_currency": "EUR", "chart_template": "none"})).unwrap();
    // No chart yet: a dry run finds nothing wrong and leaves nothing.
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let dry = app.admin_in("NEW", "account.import", json!({"csv": csv, "dry_run": true})).unwrap();
    assert_eq!((dry["committed"].clone(), dry["created"].as_u64()), (json!(false), Some(chart_of(&mut app, "ACME").len() as u64)), "{dry}");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before, "a dry run wrote");
    let r = app.admin_in("NEW", "account.import", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!(r["committed"], true, "{r}");
    assert_eq!(chart_of(&mut app, "NEW"), chart_of(&mut app, "ACME"));
    assert_eq!(defaults_by_code(&mut app, "NEW"), defaults_by_code(&mut app, "ACME"));
    // The rest of the books came with it: journals, example taxes, this fiscal year.
    assert_eq!(app.admin_in("NEW", "journal.list", json!({})).unwrap().as_array().unwrap().len(), 8);
    assert_eq!(app.admin_in("NEW", "tax.list", json!({})).unwrap().as_array().unwrap().len(), 6);
    assert_eq!(app.admin_in("NEW", "fiscal_year.list", json!({})).unwrap().as_array().unwrap().len(), 1);
    // Importing the same file again changes nothing.
    let again = app.admin_in("NEW", "account.import", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(chart_of(&mut app, "NEW").len() as u64)), "{again}");
    assert_eq!(chart_of(&mut app, "NEW"), chart_of(&mut app, "ACME"));
}

#[test]
fn children_before_parents_import_and_every_bad_row_is_reported_with_nothing_written() {
    let mut app = books("ACME");
    let good = "code,name,type,subtype,parent,group\r\n8100,Grant income,income,other_income,81,false\r\n81,Grants,income,income,4,true\r\n";
    let r = app.admin_in("ACME", "account.import", json!({"csv": good, "dry_run": false})).unwrap();
    assert_eq!((r["committed"].clone(), r["created"].as_u64()), (json!(true), Some(2)), "{r}");
    let list = chart_of(&mut app, "ACME");
    assert!(list.iter().any(|a| a[0] == "8100" && a[4] == "81"), "{list:?}");

    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let bad = "code,name,type,subtype,parent,group,reconcilable\r\n\
               8200,Ok row,income,income,4,false,false\r\n\
               8201,Bad type,incomes,income,4,false,false\r\n\
               8202,Mismatch,income,bank,4,false,false\r\n\
               8203,Under a postable,income,income,4000,false,false\r\n\
               8200,Again,income,income,4,false,false\r\n\
               8204,Cycle one,income,income,8205,true,false\r\n\
               8205,Cycle two,income,income,8204,true,false\r\n\
               8206,Unknown parent,income,income,XX,false,false\r\n\
               8207,Bad flag,income,income,4,false,perhaps\r\n\
               8208,Asset under income,asset,current_asset,4,false,false\r\n";
    let r = app.admin_in("ACME", "account.import", json!({"csv": bad, "dry_run": false})).unwrap();
    assert_eq!(r["committed"], false);
    let errs = errors(&r);
    for want in [
        (3, "type", "not_one_of"),
        (4, "subtype", "subtype_needs_type"),
        (5, "parent", "parent_not_group"),
        (6, "code", "repeated_in_file"),
        (7, "parent", "account_cycle"),
        (8, "parent", "account_cycle"),
        (9, "parent", "not_found"),
        (10, "reconcilable", "invalid_boolean"),
        (11, "parent", "parent_type_differs"),
    ] {
        assert!(errs.contains(&(want.0, want.1.to_string(), want.2.to_string())), "missing {want:?} in {errs:?}");
    }
    assert!(!errs.iter().any(|e| e.0 == 2), "row 2 is good: {errs:?}");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before, "a refused import wrote");
}

#[test]
fn an_account_with_postings_keeps_its_type_through_an_import_and_renames_are_allowed() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"));
    app.admin_in("ACME", "entry.post_new", json!({"journal_id": general, "date": "2026-01-05", "lines": [
        {"account_id": cash, "debit": "100"}, {"account_id": capital, "credit": "100"}]})).unwrap();
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let csv = "code,name,type,subtype,parent,group\r\n1000,Cash on hand,expense,expense,,false\r\n";
    let r = app.admin_in("ACME", "account.import", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!(errors(&r), vec![(2, "type".to_string(), "account_has_postings".to_string())]);
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before);
    let csv = "code,name,type,subtype,parent,group,reconcilable\r\n1000,Cash in the till,asset,cash,10,false,true\r\n3000,Share capital,equity,equity,3,false,false\r\n";
    let r = app.admin_in("ACME", "account.import", json!({"csv": csv, "dry_run": false})).unwrap();
    assert_eq!((r["committed"].clone(), r["created"].as_u64(), r["unchanged"].as_u64()), (json!(true), Some(0), Some(1)), "{r}");
    assert_eq!(app.admin_in("ACME", "account.get", json!({"id": cash})).unwrap()["name"], "Cash in the till");
}

fn partner(app: &mut TestApp, company: &str, name: &str) -> String {
    let p = app.admin_in(company, "partner.create", json!({"name": name, "is_customer": true})).unwrap();
    p["code"].as_str().unwrap().to_string()
}

fn balance(app: &mut TestApp, company: &str, code: &str) -> String {
    let id = account(app, company, code);
    app.admin_in(company, "account.get", json!({"id": id})).unwrap()["balance"].as_str().unwrap().to_string()
}

#[test]
fn a_balanced_trial_balance_posts_one_opening_entry_and_the_balances_match() {
    let mut app = books("ACME");
    let customer = partner(&mut app, "ACME", "Harbor Retail");
    let csv = format!(
        "account,debit,credit,partner,description\r\n1100,12000.50,,,Bank\r\n1200,3000,,{customer},Open invoices\r\n1300,5000,,,Stock\r\n2100,,1200,,VAT due\r\n3000,,18800.50,,Capital\r\n"
    );
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let dry = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": true})).unwrap();
    assert_eq!((dry["report"]["committed"].clone(), dry["report"]["created"].as_u64()), (json!(false), Some(5)), "{dry}");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before, "a dry run wrote");

    let r = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": false})).unwrap();
    assert_eq!(r["report"]["committed"], true, "{r}");
    assert_eq!(r["entry"]["number"], "OPN/2026/00001");
    let e = app.admin_in("ACME", "entry.get", json!({"id": r["entry"]["id"]})).unwrap();
    assert_eq!((e["lines"].as_array().unwrap().len(), e["source"]["kind"].as_str()), (5, Some("opening")));
    for (code, want) in [("1100", "12000.5"), ("1200", "3000"), ("1300", "5000"), ("2100", "-1200"), ("3000", "-18800.5")] {
        assert_eq!(balance(&mut app, "ACME", code), want, "{code}");
    }
    assert_eq!(app.admin_in("ACME", "ledger.check", json!({})).unwrap()["ok"], true);
}

#[test]
fn an_unbalanced_file_is_refused_naming_the_difference_unless_an_account_takes_it() {
    let mut app = books("ACME");
    let csv = "account,debit,credit\r\n1100,1000,\r\n3000,,900\r\n";
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let e = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": false})).unwrap_err();
    let f = &e.fields()[0];
    assert_eq!((f.field.as_str(), f.code), ("csv", cora_core::FieldCode::Unbalanced), "{e}");
    assert_eq!(f.params["difference"], "100");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before, "a refused import wrote");
    let r = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": false, "balance_account_code": "3900"})).unwrap();
    assert_eq!(r["report"]["committed"], true, "{r}");
    assert_eq!(balance(&mut app, "ACME", "3900"), "-100");
}

#[test]
fn bad_opening_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let mut app = books("ACME");
    let csv = "account,debit,credit,partner\r\n1100,100,,\r\nNOPE,5,,\r\n1000,abc,,\r\n1000,5,5,\r\n1,10,,\r\n1200,10,,NOBODY\r\n3000,,100,\r\n";
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let r = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": false})).unwrap();
    let errs = errors(&r["report"]);
    for want in [(3, "account", "not_found"), (4, "debit", "invalid_decimal"), (5, "credit", "one_of_debit_credit"), (7, "partner", "not_found")] {
        assert!(errs.contains(&(want.0, want.1.to_string(), want.2.to_string())), "missing {want:?} in {errs:?}");
    }
    assert_eq!(r["entry"], Value::Null);
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before);
    // The rows are fine on their own, but the engine refuses a group account: row 2 here.
    let csv = "account,debit,credit\r\n3000,,10\r\n1,10,\r\n";
    let r = app.admin_in("ACME", "entry.import_opening", json!({"csv": csv, "date": "2026-01-01", "dry_run": false})).unwrap();
    assert_eq!(errors(&r["report"]), vec![(3, "account".to_string(), "account_is_group".to_string())], "{r}");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before);
}

#[test]
fn a_batch_posts_every_entry_numbered_in_order_or_none_naming_the_bad_entry() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital, rent) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"), account(&mut app, "ACME", "6100"));
    let entry = |date: &str, amount: &str| json!({"journal_id": general, "date": date, "lines": [
        {"account_id": rent, "debit": amount}, {"account_id": cash, "credit": amount}]});
    let opening = json!({"journal_id": general, "date": "2026-01-01", "lines": [{"account_id": cash, "debit": "500"}, {"account_id": capital, "credit": "500"}]});
    let r = app.admin_in("ACME", "entry.post_batch", json!({"entries": [opening, entry("2026-01-02", "10"), entry("2026-02-01", "20.5")]})).unwrap();
    assert_eq!((r["posted"].as_u64(), r["lines"].as_u64()), (Some(3), Some(6)), "{r}");
    let last = app.admin_in("ACME", "entry.get", json!({"id": r["last_id"]})).unwrap();
    assert_eq!(last["number"], "GEN/2026/00003");
    let before = dump(app.cora.store().conn(), crate::SIGN_IN_TABLES);
    let e = app
        .admin_in("ACME", "entry.post_batch", json!({"entries": [entry("2026-03-01", "1"), entry("2026-03-02", "-1"), entry("2026-01-15", "1")]}))
        .unwrap_err();
    assert_eq!(e.fields()[0].field, "entries.1.lines.0.debit", "{e}");
    assert_eq!(dump(app.cora.store().conn(), crate::SIGN_IN_TABLES), before, "a refused batch wrote");
    // Within a batch the series stays chronological: a date before the last number is refused.
    let e = app.admin_in("ACME", "entry.post_batch", json!({"entries": [entry("2026-03-01", "1"), entry("2026-02-15", "1")]})).unwrap_err();
    assert_eq!((e.fields()[0].field.as_str(), e.fields()[0].code), ("entries.1.date", cora_core::FieldCode::BeforeLastNumbered), "{e}");
    assert_eq!(app.admin_in("ACME", "ledger.check", json!({})).unwrap()["ok"], true);
}
