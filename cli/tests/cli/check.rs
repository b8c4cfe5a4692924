//! `cora check`: a sound file passes; a maintained balance corrupted behind Cora's back
//! fails, naming the account.

use crate::Env;

#[test]
fn check_passes_on_sound_books_and_fails_naming_a_drifted_account() {
    let env = Env::new();
    let accounts = env.call(&["account.list", r#"{"search":"1100"}"#, "--company", "ACME"]).ok().json();
    let bank = accounts.as_array().unwrap().iter().find(|a| a["code"] == "1100").unwrap()["id"].as_i64().unwrap();
    let capital = env.call(&["account.list", r#"{"search":"3000"}"#, "--company", "ACME"]).ok().json()[0]["id"].as_i64().unwrap();
    let journals = env.call(&["journal.list", "{}", "--company", "ACME"]).ok().json();
    let general = journals.as_array().unwrap().iter().find(|j| j["code"] == "GEN").unwrap()["id"].as_i64().unwrap();
    let entry = format!(
        r#"{{"journal_id":{general},"date":"2026-02-01","lines":[{{"account_id":{bank},"debit":"250.00"}},{{"account_id":{capital},"credit":"250.00"}}]}}"#
    );
    env.call(&["entry.post_new", &entry, "--company", "ACME"]).ok();

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
