//! `cora check`: a sound file passes; a maintained balance corrupted behind Cora's back
//! fails, naming the account.

use crate::Env;

#[test]
fn check_passes_on_sound_books_and_fails_naming_a_drifted_account() {
    let env = Env::new();
    let bank = crate::post_bank_capital(&env, "250.00");

    let out = env.run(&["check", "--company", "ACME", "--user", crate::ADMIN], None);
    out.ok();
    assert!(out.stdout.contains("OK"), "{out:?}");
    assert!(out.stdout.contains("1 posted entries, 2 lines"), "{out:?}");

    // The triggers keep journal_lines immutable; the maintained balances are what a bug
    // (or a hand) could change.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let n = conn.execute("UPDATE account_balances SET debit = debit + 10000 WHERE account_id = ?1", [bank]).unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let out = env.run(&["check", "--company", "ACME", "--user", crate::ADMIN], None);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("FAILED"), "{out:?}");
    assert!(out.stdout.contains("1100 Bank current account"), "the drifted account is named: {out:?}");
    assert!(out.stdout.contains("maintained debit 251"), "{out:?}");
    assert!(out.stdout.contains("lines say debit 250"), "{out:?}");
}

#[test]
fn check_fails_naming_a_drifted_sales_report_sum() {
    let env = Env::new();
    let customer = env.call(&["partner.create", r#"{"name":"Client","is_customer":true}"#, "--company", "ACME"]).ok().json()["id"].as_i64().unwrap();
    let inv = env
        .call(&["sales.create_invoice", &format!(r#"{{"partner_id":{customer},"date":"2026-03-02","lines":[{{"description":"Work","quantity":"2","unit_price":"50"}}]}}"#), "--company", "ACME"])
        .ok()
        .json();
    env.call(&["sales.post_invoice", &format!(r#"{{"id":{}}}"#, inv["id"]), "--company", "ACME"]).ok();
    let out = env.run(&["check", "--company", "ACME", "--user", crate::ADMIN], None);
    out.ok();
    assert!(out.stdout.contains("report sums equal"), "{out:?}");

    let conn = rusqlite::Connection::open(&env.db).unwrap();
    assert_eq!(conn.execute("UPDATE trade_sums SET net = net + 10000 WHERE month = '2026-03'", []).unwrap(), 1);
    drop(conn);
    let out = env.run(&["check", "--company", "ACME", "--user", crate::ADMIN], None);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("FAILED: sales and purchase report sums"), "{out:?}");
    assert!(out.stdout.contains("sale sums 2026-03"), "{out:?}");
    assert!(out.stdout.contains("maintained quantity 2 net 101, lines say quantity 2 net 100"), "{out:?}");
}
