//! The accounting core through the real command layer: the posting engine's checks,
//! numbering, immutability, reversals, periods and year-end close, currencies, taxes.

use cora_core::testing::TestApp;
use serde_json::{Value, json};

/// A company with the generic chart; returns the app and a lookup of account ids by code.
pub fn books(code: &str) -> TestApp {
    let mut app = TestApp::new();
    app.company(code);
    app
}

pub fn account(app: &mut TestApp, company: &str, code: &str) -> i64 {
    let list = app.admin_in(company, "account.list", json!({"search": code, "include_archived": true})).unwrap();
    list.as_array().unwrap().iter().find(|a| a["code"] == code).unwrap_or_else(|| panic!("account {code}"))["id"].as_i64().unwrap()
}

pub fn journal(app: &mut TestApp, company: &str, code: &str) -> i64 {
    let list = app.admin_in(company, "journal.list", json!({})).unwrap();
    list.as_array().unwrap().iter().find(|j| j["code"] == code).unwrap()["id"].as_i64().unwrap()
}

fn post(app: &mut TestApp, company: &str, journal: i64, date: &str, lines: Value) -> cora_core::Result<Value> {
    app.admin_in(company, "entry.post_new", json!({"journal_id": journal, "date": date, "lines": lines}))
}

#[test]
fn a_balanced_entry_posts_numbered_and_an_unbalanced_one_is_refused_naming_the_lines() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let cash = account(&mut app, "ACME", "1000");
    let capital = account(&mut app, "ACME", "3000");
    let e = post(&mut app, "ACME", general, "2026-03-01", json!([
        {"account_id": cash, "debit": "1000.00"},
        {"account_id": capital, "credit": "1000.00"}
    ])).unwrap();
    assert_eq!(e["state"], "posted");
    assert_eq!(e["number"], "GEN/2026/00001");
    let bad = post(&mut app, "ACME", general, "2026-03-02", json!([
        {"account_id": cash, "debit": "10.00"},
        {"account_id": capital, "credit": "9.99"}
    ])).unwrap_err();
    assert_eq!(bad.fields()[0].field, "lines");
    let bad = post(&mut app, "ACME", general, "2026-03-02", json!([
        {"account_id": cash, "debit": "10.001"},
        {"account_id": capital, "credit": "10.001"}
    ])).unwrap_err();
    assert_eq!(bad.fields()[0].field, "lines.0.debit");
    let e2 = post(&mut app, "ACME", general, "2026-03-02", json!([
        {"account_id": cash, "debit": "5"},
        {"account_id": capital, "credit": "5"}
    ])).unwrap();
    assert_eq!(e2["number"], "GEN/2026/00002");
    let check = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
    assert_eq!(check["ok"], true, "{check}");
}
