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
