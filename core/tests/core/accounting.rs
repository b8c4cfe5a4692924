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

fn balance(app: &mut TestApp, company: &str, code: &str) -> String {
    let id = account(app, company, code);
    app.admin_in(company, "account.get", json!({"id": id})).unwrap()["balance"].as_str().unwrap().to_string()
}

fn field_codes(e: &cora_core::Error) -> Vec<(String, String)> {
    e.fields().iter().map(|f| (f.field.clone(), f.code.as_str())).collect()
}

#[test]
fn drafts_have_no_number_post_in_place_and_posted_entries_cannot_change() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"));
    let d = app
        .admin_in("ACME", "entry.create", json!({"journal_id": general, "date": "2026-04-01", "memo": "seed", "lines": [
            {"account_id": cash, "debit": "50"}, {"account_id": capital, "credit": "40"}
        ]}))
        .unwrap();
    assert_eq!(d["state"], "draft");
    assert!(d["number"].is_null());
    let id = d["id"].as_i64().unwrap();
    // An unbalanced draft is stored but refuses to post, and nothing changes.
    let e = app.admin_in("ACME", "entry.post", json!({"id": id})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines".into(), "unbalanced".into())]);
    let d = app
        .admin_in("ACME", "entry.update", json!({"id": id, "entry": {"journal_id": general, "date": "2026-04-01", "lines": [
            {"account_id": cash, "debit": "50"}, {"account_id": capital, "credit": "50"}
        ]}}))
        .unwrap();
    assert_eq!(d["lines"].as_array().unwrap().len(), 2);
    let p = app.admin_in("ACME", "entry.post", json!({"id": id})).unwrap();
    assert_eq!((p["id"].as_i64().unwrap(), p["number"].as_str().unwrap()), (id, "GEN/2026/00001"));
    for cmd in ["entry.delete", "entry.post"] {
        let e = app.admin_in("ACME", cmd, json!({"id": id})).unwrap_err();
        assert_eq!(e.code(), cora_core::ErrorCode::Conflict, "{cmd}");
    }
    // Even raw SQL cannot change or remove posted rows.
    let conn = app.cora.store().conn();
    for sql in [
        "UPDATE journal_lines SET debit = debit + 1",
        "DELETE FROM journal_lines",
        "UPDATE journal_entries SET memo = 'x' WHERE state = 'posted'",
        "DELETE FROM journal_entries WHERE state = 'posted'",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("immutable") || err.contains("append-only"), "{sql}: {err}");
    }
    // Nor replace them, through the id or through another unique key.
    let line_cols = "tenant_id, entry_id, line_no, journal_id, period_id, date, account_id, debit, credit, currency, amount_currency";
    for sql in [
        format!("INSERT OR REPLACE INTO journal_lines (id, {line_cols}) SELECT id, {line_cols} FROM journal_lines LIMIT 1"),
        format!("REPLACE INTO journal_lines ({line_cols}) SELECT {line_cols} FROM journal_lines LIMIT 1"),
        "INSERT OR REPLACE INTO journal_entries (id, tenant_id, journal_id, state, date, created_at, updated_at)
         SELECT id, tenant_id, journal_id, 'draft', date, created_at, updated_at FROM journal_entries WHERE state = 'posted' LIMIT 1"
            .to_string(),
    ] {
        let err = conn.execute(&sql, []).unwrap_err().to_string();
        assert!(err.contains("immutable") || err.contains("append-only"), "{sql}: {err}");
    }
    // A ledger line joins only a posted entry, with the entry's own journal, period and date.
    let draft = app
        .admin_in("ACME", "entry.create", json!({"journal_id": general, "date": "2026-04-02", "lines": [
            {"account_id": cash, "debit": "1"}, {"account_id": capital, "credit": "1"}]}))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let conn = app.cora.store().conn();
    let (period, date): (i64, String) = conn.query_row("SELECT period_id, date FROM journal_entries WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let insert = "INSERT INTO journal_lines (tenant_id, entry_id, line_no, journal_id, period_id, date, account_id, debit, credit, currency, amount_currency)
                  SELECT tenant_id, ?1, 9, journal_id, ?2, ?3, ?4, 1, 0, 'EUR', 1 FROM journal_entries WHERE id = ?5";
    for (entry, date) in [(draft, date.clone()), (id, "2026-04-02".to_string())] {
        let err = conn.execute(insert, rusqlite::params![entry, period, date, cash, id]).unwrap_err().to_string();
        assert!(err.contains("FOREIGN KEY"), "{entry} {date}: {err}");
    }
    assert_eq!(balance(&mut app, "ACME", "1000"), "50");
}

#[test]
fn a_reversal_mirrors_the_entry_links_both_ways_and_only_once() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"));
    let e = post(&mut app, "ACME", general, "2026-05-03", json!([{"account_id": cash, "debit": "120.50"}, {"account_id": capital, "credit": "120.50"}])).unwrap();
    let id = e["id"].as_i64().unwrap();
    let r = app.admin_in("ACME", "entry.reverse", json!({"id": id, "date": "2026-05-20"})).unwrap();
    assert_eq!(r["reverses_id"].as_i64(), Some(id));
    assert_eq!(r["lines"][0]["credit"], "120.5");
    assert_eq!(r["lines"][1]["debit"], "120.5");
    let orig = app.admin_in("ACME", "entry.get", json!({"id": id})).unwrap();
    assert_eq!(orig["reversed_by_id"], r["id"]);
    assert_eq!(orig["reversed_by_number"], r["number"]);
    assert_eq!(balance(&mut app, "ACME", "1000"), "0");
    let again = app.admin_in("ACME", "entry.reverse", json!({"id": id})).unwrap_err();
    assert_eq!(again.refusal().reason, cora_core::Reason::AlreadyReversed);
    assert_eq!(app.admin_in("ACME", "ledger.check", json!({})).unwrap()["ok"], true);
}

#[test]
fn closed_periods_the_lock_date_and_the_series_order_refuse_the_date_and_leave_no_gap() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"));
    let lines = json!([{"account_id": cash, "debit": "1"}, {"account_id": capital, "credit": "1"}]);
    app.admin_in("ACME", "fiscal_year.create", json!({"date": "2026-01-01"})).unwrap();
    let years = app.admin_in("ACME", "fiscal_year.list", json!({})).unwrap();
    let y2026 = years.as_array().unwrap().iter().find(|y| y["name"] == "2026").unwrap().clone();
    assert_eq!(y2026["periods"].as_array().unwrap().len(), 13);
    let march = y2026["periods"].as_array().unwrap().iter().find(|p| p["name"] == "2026-03").unwrap()["id"].as_i64().unwrap();
    app.admin_in("ACME", "period.set_closed", json!({"id": march, "closed": true})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-03-15", lines.clone()).unwrap_err();
    assert_eq!(field_codes(&e), vec![("date".into(), "period_closed".into())]);
    assert_eq!(e.fields()[0].params["period"], "2026-03");
    // A failed posting takes no number.
    assert_eq!(post(&mut app, "ACME", general, "2026-04-15", lines.clone()).unwrap()["number"], "GEN/2026/00001");
    // Before the last numbered entry of the series: refused.
    let e = post(&mut app, "ACME", general, "2026-04-10", lines.clone()).unwrap_err();
    assert_eq!(field_codes(&e), vec![("date".into(), "before_last_numbered".into())]);
    // Another journal has its own series.
    let bank = journal(&mut app, "ACME", "BNK");
    assert_eq!(post(&mut app, "ACME", bank, "2026-04-10", lines.clone()).unwrap()["number"], "BNK/2026/00001");
    app.admin_in("ACME", "accounting.set_lock_date", json!({"lock_date": "2026-04-30"})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-04-30", lines.clone()).unwrap_err();
    assert_eq!(field_codes(&e), vec![("date".into(), "before_lock_date".into())]);
    assert_eq!(post(&mut app, "ACME", general, "2026-05-01", lines.clone()).unwrap()["number"], "GEN/2026/00002");
    app.admin_in("ACME", "accounting.set_lock_date", json!({"lock_date": null})).unwrap();
    app.admin_in("ACME", "period.set_closed", json!({"id": march, "closed": false})).unwrap();
    assert!(post(&mut app, "ACME", bank, "2026-04-20", lines).is_ok());
    assert_eq!(app.admin_in("ACME", "ledger.check", json!({})).unwrap()["ok"], true);
}

#[test]
fn control_group_and_archived_accounts_are_guarded_line_by_line() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let ar = account(&mut app, "ACME", "1200");
    let inventory = account(&mut app, "ACME", "1300");
    let vat = account(&mut app, "ACME", "2100");
    let group = account(&mut app, "ACME", "10");
    let sales = account(&mut app, "ACME", "4000");
    let e = post(&mut app, "ACME", general, "2026-06-01", json!([
        {"account_id": ar, "debit": "10"},
        {"account_id": inventory, "debit": "10"},
        {"account_id": vat, "credit": "5"},
        {"account_id": group, "credit": "5"},
        {"account_id": sales, "credit": "10"},
        {"debit": "0"}
    ]))
    .unwrap_err();
    let got = field_codes(&e);
    for want in [
        ("lines.0.partner_id", "partner_required"),
        ("lines.1.account_id", "control_account"),
        ("lines.2.tax_id", "tax_required"),
        ("lines.3.account_id", "account_is_group"),
        ("lines.5.account_id", "required"),
    ] {
        assert!(got.contains(&(want.0.to_string(), want.1.to_string())), "{want:?} in {got:?}");
    }
    // A receivable line with its partner and a tax line with its tax post.
    let partner = app.admin_in("ACME", "partner.create", json!({"name": "Client", "is_customer": true})).unwrap()["id"].as_i64().unwrap();
    let taxes = app.admin_in("ACME", "tax.list", json!({})).unwrap();
    let s20 = taxes.as_array().unwrap().iter().find(|t| t["code"] == "S20").unwrap()["id"].as_i64().unwrap();
    let ok = post(&mut app, "ACME", general, "2026-06-01", json!([
        {"account_id": ar, "partner_id": partner, "debit": "120"},
        {"account_id": vat, "tax_id": s20, "tax_base": "100", "credit": "20"},
        {"account_id": sales, "credit": "100"}
    ]));
    assert!(ok.is_ok(), "{ok:?}");
    // The account with a balance can't be archived or deleted.
    let e = app.admin_in("ACME", "account.set_archived", json!({"id": sales, "archived": true})).unwrap_err();
    assert_eq!(field_codes(&e), vec![("archived".into(), "balance_not_zero".into())]);
    let e = app.admin_in("ACME", "account.delete", json!({"id": sales})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::AccountHasPostings);
    // An unused account archives, and then refuses lines.
    let other = account(&mut app, "ACME", "4300");
    app.admin_in("ACME", "account.set_archived", json!({"id": other, "archived": true})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-06-02", json!([{"account_id": other, "debit": "1"}, {"account_id": sales, "credit": "1"}])).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.account_id".into(), "archived".into())]);
}

#[test]
fn foreign_lines_convert_at_the_rate_on_or_before_their_date() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (bank, income) = (account(&mut app, "ACME", "1100"), account(&mut app, "ACME", "4010"));
    let usd_line = |amount: &str| json!([
        {"account_id": bank, "currency": "USD", "amount_currency": amount},
        {"account_id": income, "currency": "USD", "amount_currency": format!("-{amount}")}
    ]);
    let e = post(&mut app, "ACME", general, "2026-07-01", usd_line("100")).unwrap_err();
    assert_eq!(field_codes(&e)[0], ("lines.0.currency".into(), "currency_not_enabled".into()));
    app.admin_in("ACME", "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-07-01", usd_line("100")).unwrap_err();
    assert_eq!(field_codes(&e)[0], ("lines.0.currency".into(), "no_exchange_rate".into()));
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-06-15", "rate": "0.9215"})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-07-02", "rate": "0.95"})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-07-01", usd_line("100.01")).unwrap();
    // 100.01 × 0.9215 = 92.159215 → 92.16 (the rate of 2026-06-15, the latest on or before)
    assert_eq!(e["lines"][0]["debit"], "92.16");
    assert_eq!(e["lines"][0]["amount_currency"], "100.01");
    assert_eq!(e["lines"][1]["credit"], "92.16");
    let r = app.admin_in("ACME", "currency.rate", json!({"currency": "USD", "date": "2026-07-01"})).unwrap();
    assert_eq!(r["rate"], "0.9215");
    // A JPY rate keeps its decimals; JPY amounts have none.
    app.admin_in("ACME", "currency.set_enabled", json!({"currency": "JPY", "enabled": true})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "JPY", "date": "2026-01-01", "rate": "0.006202"})).unwrap();
    let e = post(&mut app, "ACME", general, "2026-07-03", json!([
        {"account_id": bank, "currency": "JPY", "amount_currency": "1000.5"},
        {"account_id": income, "currency": "JPY", "amount_currency": "-1000.5"}
    ])).unwrap_err();
    assert_eq!(field_codes(&e)[0], ("lines.0.amount_currency".into(), "too_many_decimals".into()));
    let e = post(&mut app, "ACME", general, "2026-07-03", json!([
        {"account_id": bank, "currency": "JPY", "amount_currency": "10000"},
        {"account_id": income, "currency": "JPY", "amount_currency": "-10000"}
    ])).unwrap();
    assert_eq!(e["lines"][0]["debit"], "62.02");
    assert_eq!(app.admin_in("ACME", "rate.bogus", json!({})).unwrap_err().code(), cora_core::ErrorCode::NotFound);
}

#[test]
fn year_end_close_moves_the_result_to_retained_earnings_and_reopening_reverses_it() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, sales, rent) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "4010"), account(&mut app, "ACME", "6100"));
    post(&mut app, "ACME", general, "2025-03-01", json!([{"account_id": cash, "debit": "1000"}, {"account_id": sales, "credit": "1000"}])).unwrap();
    post(&mut app, "ACME", general, "2025-04-01", json!([{"account_id": rent, "debit": "300"}, {"account_id": cash, "credit": "300"}])).unwrap();
    post(&mut app, "ACME", general, "2026-01-10", json!([{"account_id": cash, "debit": "50"}, {"account_id": sales, "credit": "50"}])).unwrap();
    let years = app.admin_in("ACME", "fiscal_year.list", json!({})).unwrap();
    let y = |name: &str| years.as_array().unwrap().iter().find(|y| y["name"] == name).unwrap()["id"].as_i64().unwrap();
    let (y2025, y2026) = (y("2025"), y("2026"));
    let e = app.admin_in("ACME", "fiscal_year.close", json!({"id": y2026})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::EarlierYearOpen);
    let closed = app.admin_in("ACME", "fiscal_year.close", json!({"id": y2025})).unwrap();
    assert_eq!(closed["closed"], true);
    assert!(closed["periods"].as_array().unwrap().iter().all(|p| p["closed"] == true));
    assert_eq!(balance(&mut app, "ACME", "3200"), "-700");
    assert_eq!(balance(&mut app, "ACME", "6100"), "0");
    assert_eq!(balance(&mut app, "ACME", "4010"), "-50");
    let e = post(&mut app, "ACME", general, "2025-12-31", json!([{"account_id": cash, "debit": "1"}, {"account_id": sales, "credit": "1"}])).unwrap_err();
    assert_eq!(field_codes(&e), vec![("date".into(), "period_closed".into())]);
    // The closing entry is reversed by reopening the year, not directly.
    let closing = closed["closing_entry_id"].as_i64().unwrap();
    let e = app.admin_in("ACME", "entry.reverse", json!({"id": closing})).unwrap_err();
    assert_eq!(e.refusal().reason, cora_core::Reason::ClosingEntryFollowsYear);
    let reopened = app.admin_in("ACME", "fiscal_year.reopen", json!({"id": y2025})).unwrap();
    assert_eq!(reopened["closed"], false);
    assert_eq!(balance(&mut app, "ACME", "3200"), "0");
    assert_eq!(balance(&mut app, "ACME", "6100"), "300");
    let again = app.admin_in("ACME", "fiscal_year.close", json!({"id": y2025})).unwrap();
    assert_ne!(again["closing_entry_id"], closed["closing_entry_id"]);
    assert_eq!(balance(&mut app, "ACME", "3200"), "-700");
    assert_eq!(app.admin_in("ACME", "ledger.check", json!({})).unwrap()["ok"], true);
}

#[test]
fn companies_cannot_reach_each_others_accounts_and_viewers_cannot_post() {
    let mut app = books("ACME");
    app.company("BETA");
    let general_b = journal(&mut app, "BETA", "GEN");
    let cash_a = account(&mut app, "ACME", "1000");
    let capital_b = account(&mut app, "BETA", "3000");
    let e = post(&mut app, "BETA", general_b, "2026-02-01", json!([{"account_id": cash_a, "debit": "1"}, {"account_id": capital_b, "credit": "1"}])).unwrap_err();
    assert_eq!(field_codes(&e), vec![("lines.0.account_id".into(), "not_found".into())]);
    let e = app.admin_in("BETA", "account.get", json!({"id": cash_a})).unwrap_err();
    assert_eq!(e.code(), cora_core::ErrorCode::NotFound);
    let viewer = app.member("viewer@example.com", "BETA", "viewer");
    let cash_b = account(&mut app, "BETA", "1000");
    let lines = json!([{"account_id": cash_b, "debit": "1"}, {"account_id": capital_b, "credit": "1"}]);
    let args = json!({"journal_id": general_b, "date": "2026-02-01", "lines": lines});
    let e = app.call(&viewer, Some("BETA"), "entry.post_new", args.clone()).unwrap_err();
    assert_eq!(e.code(), cora_core::ErrorCode::Forbidden);
    assert!(app.call(&viewer, Some("BETA"), "account.list", json!({})).is_ok());
    let accountant = app.member("acc@example.com", "BETA", "accountant");
    assert!(app.call(&accountant, Some("BETA"), "entry.post_new", args).is_ok());
}

#[test]
fn ledger_check_reports_a_maintained_balance_that_drifted() {
    let mut app = books("ACME");
    let general = journal(&mut app, "ACME", "GEN");
    let (cash, capital) = (account(&mut app, "ACME", "1000"), account(&mut app, "ACME", "3000"));
    post(&mut app, "ACME", general, "2026-02-01", json!([{"account_id": cash, "debit": "7"}, {"account_id": capital, "credit": "7"}])).unwrap();
    app.cora.store().conn().execute("UPDATE account_balances SET debit = debit + 1 WHERE account_id = ?1", [cash]).unwrap();
    let c = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
    assert_eq!(c["ok"], false);
    assert_eq!(c["drift"][0]["account_id"].as_i64(), Some(cash));
    assert_eq!(c["drift"][0]["maintained_debit"], "7.0001");
    assert_eq!(c["drift"][0]["recomputed_debit"], "7");
}

#[test]
fn tax_compute_applies_the_company_rule() {
    let mut app = books("ACME");
    let taxes = app.admin_in("ACME", "tax.list", json!({})).unwrap();
    let s20 = taxes.as_array().unwrap().iter().find(|t| t["code"] == "S20").unwrap()["id"].as_i64().unwrap();
    let lines = json!([{"amount": "0.83", "tax_ids": [s20]}, {"amount": "0.83", "tax_ids": [s20]}, {"amount": "0.83", "tax_ids": [s20]}]);
    let r = app.admin_in("ACME", "tax.compute", json!({"currency": "EUR", "lines": lines.clone()})).unwrap();
    assert_eq!((r["rule"].as_str(), r["tax"].as_str(), r["total"].as_str()), (Some("line"), Some("0.51"), Some("3")));
    app.admin_in("ACME", "accounting.update_settings", json!({"tax_rounding": "document"})).unwrap();
    let r = app.admin_in("ACME", "tax.compute", json!({"currency": "EUR", "lines": lines})).unwrap();
    assert_eq!((r["tax"].as_str(), r["total"].as_str()), (Some("0.5"), Some("2.99")));
}
