//! Sign-in: throttling, indistinguishable failures, the password policy, sessions.

use crate::code_of;
use chrono::Duration;
use cora_core::testing::{ADMIN_EMAIL, ManualClock, PASSWORD, TestApp, login};
use cora_core::{Cora, ErrorCode};
use serde_json::json;

fn attempt(cora: &mut Cora, email: &str, password: &str) -> cora_core::Result<serde_json::Value> {
    cora.call(None, None, "auth.login", json!({"email": email, "password": password}))
}

fn retry_after(r: &cora_core::Result<serde_json::Value>) -> i64 {
    match r {
        Err(e) if e.code() == ErrorCode::Throttled => e.to_body().retry_after_secs.expect("retry_after_secs"),
        other => panic!("expected throttled, got {other:?}"),
    }
}

#[test]
fn five_failures_lock_the_email_for_fifteen_minutes() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    for i in 0..5 {
        let r = attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!");
        assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated), "attempt {i}");
    }
    // Even the right password is refused now, without a check.
    let r = attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD);
    assert_eq!(retry_after(&r), 15 * 60);
    let body = serde_json::to_value(r.unwrap_err().to_body()).unwrap();
    assert_eq!(body["code"], "throttled");
    assert_eq!(body["retry_after_secs"], 900);
    assert!(body["message"].as_str().unwrap().contains("15 minute"), "{body}");
    assert_eq!(body["reason"], "throttled");
    assert_eq!(body["params"]["retry_after_minutes"], "15");

    clock.advance(Duration::minutes(14));
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 60);
    clock.advance(Duration::seconds(59));
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 1);
    clock.advance(Duration::seconds(1));
    attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD).expect("unlocked after 15 minutes");

    // A success clears the count: four more failures do not lock.
    for _ in 0..4 {
        attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!").unwrap_err();
    }
    attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD).expect("four failures after a success");
}

#[test]
fn retry_after_tells_exactly_when_a_sign_in_may_succeed_again() {
    // Failures spread over time: four, then a fifth ten minutes later.
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    for _ in 0..4 {
        attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!").unwrap_err();
        clock.advance(Duration::seconds(30));
    }
    clock.advance(Duration::minutes(8));
    attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!").unwrap_err();
    clock.advance(Duration::minutes(1));
    let wait = retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD));
    assert!(wait > 0);
    // One second before the promised time it is still locked; at that time it is open.
    clock.advance(Duration::seconds(wait - 1));
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 1);
    clock.advance(Duration::seconds(1));
    attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD).expect("open at the time retry_after_secs gave");
}

#[test]
fn a_lock_lasts_fifteen_minutes_from_the_fifth_failure() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    for _ in 0..4 {
        attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!").unwrap_err();
    }
    clock.advance(Duration::minutes(14));
    attempt(&mut app.cora, ADMIN_EMAIL, "wrong password!").unwrap_err();
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 15 * 60);
    // The first four failures leave the window, the lock stays.
    clock.advance(Duration::minutes(2));
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 13 * 60);
    // Someone else signing in (which tidies old failures away) does not lift it either.
    app.admin_call("user.create", json!({"email": "other@example.com", "display_name": "O", "password": PASSWORD})).unwrap();
    login(&mut app.cora, "other@example.com", PASSWORD).unwrap();
    assert_eq!(retry_after(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), 13 * 60);
    clock.advance(Duration::minutes(13));
    attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD).expect("open 15 minutes after the fifth failure");
}

#[test]
fn unknown_email_and_wrong_password_look_the_same() {
    let mut app = TestApp::new();
    ManualClock::installed(&mut app.cora);
    let wrong = attempt(&mut app.cora, ADMIN_EMAIL, "not the password").unwrap_err();
    let unknown = attempt(&mut app.cora, "nobody@example.com", "not the password").unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::Unauthenticated);
    assert_eq!(serde_json::to_value(wrong.to_body()).unwrap(), serde_json::to_value(unknown.to_body()).unwrap());
    // Unknown emails are throttled alike, so a lock does not reveal that an account exists.
    for _ in 0..4 {
        attempt(&mut app.cora, "nobody@example.com", "not the password").unwrap_err();
        attempt(&mut app.cora, ADMIN_EMAIL, "not the password").unwrap_err();
    }
    let a = attempt(&mut app.cora, ADMIN_EMAIL, "x").unwrap_err();
    let b = attempt(&mut app.cora, "nobody@example.com", "x").unwrap_err();
    assert_eq!(a.code(), ErrorCode::Throttled);
    assert_eq!(serde_json::to_value(a.to_body()).unwrap(), serde_json::to_value(b.to_body()).unwrap());
}

#[test]
fn throttling_is_per_email_case_insensitive_and_survives_reopening() {
    let mut app = TestApp::new();
    app.admin_call("user.create", json!({"email": "b@example.com", "display_name": "B", "password": PASSWORD})).unwrap();
    for i in 0..5 {
        // The same address in other cases and with spaces counts as one.
        let email = if i % 2 == 0 { ADMIN_EMAIL.to_uppercase() } else { format!("  {ADMIN_EMAIL} ") };
        attempt(&mut app.cora, &email, "wrong password!").unwrap_err();
    }
    assert_eq!(code_of(&attempt(&mut app.cora, ADMIN_EMAIL, PASSWORD)), Some(ErrorCode::Throttled));
    login(&mut app.cora, "b@example.com", PASSWORD).expect("another email is not locked");
    // Another process opening the file sees the same lock.
    let mut other = Cora::open(app.path()).unwrap();
    assert_eq!(code_of(&attempt(&mut other, ADMIN_EMAIL, PASSWORD)), Some(ErrorCode::Throttled));
}

#[test]
fn the_password_policy_holds_wherever_a_password_is_set() {
    let mut app = TestApp::new();
    let mk = |email: &str, pw: &str| json!({"email": email, "display_name": "U", "password": pw});
    let field_err = |r: cora_core::Result<serde_json::Value>, field: &str| {
        let e = r.expect_err("accepted a bad password");
        assert_eq!(e.code(), ErrorCode::Validation);
        assert!(e.fields().iter().any(|f| f.field == field), "{e:?}");
    };
    field_err(app.admin_call("user.create", mk("u1@example.com", "123456789")), "password");
    field_err(app.admin_call("user.create", mk("u1@example.com", "")), "password");
    field_err(app.admin_call("user.create", mk("longer.address@example.com", "LONGER.ADDRESS@example.com")), "password");
    field_err(app.admin_call("user.create", mk("u1@example.com", &"x".repeat(1025))), "password");
    app.admin_call("user.create", mk("u1@example.com", "1234567890")).expect("ten characters are enough");
    app.admin_call("user.create", mk("u2@example.com", &"é".repeat(10))).expect("characters, not bytes");
    app.admin_call("user.create", mk("u3@example.com", &"x".repeat(1024))).expect("1024 characters are allowed");

    let u1 = login(&mut app.cora, "u1@example.com", "1234567890").unwrap();
    let r = app.cora.call(Some(&u1), None, "auth.change_password", json!({"old_password": "wrong one!!", "new_password": "a fine new password"}));
    field_err(r, "old_password");
    let r = app.cora.call(Some(&u1), None, "auth.change_password", json!({"old_password": "1234567890", "new_password": "short"}));
    field_err(r, "new_password");
    let r = app.cora.call(Some(&u1), None, "auth.change_password", json!({"old_password": "1234567890", "new_password": "U1@EXAMPLE.COM"}));
    field_err(r, "new_password");

    let id = app.admin_call("user.list", json!({"search": "u1@"})).unwrap()[0]["id"].clone();
    field_err(app.admin_call("user.reset_password", json!({"id": id, "new_password": "tiny"})), "new_password");

    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Cora::open(dir.path().join("new.db")).unwrap();
    let e = fresh.bootstrap_admin("first@example.com", "First", "too short").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert!(fresh.needs_setup().unwrap());
}

#[test]
fn passwords_are_stored_as_argon2id_and_never_audited() {
    let mut app = TestApp::new();
    app.admin_call("user.create", json!({"email": "u@example.com", "display_name": "U", "password": "first secret pw"})).unwrap();
    let token = login(&mut app.cora, "u@example.com", "first secret pw").unwrap();
    app.cora
        .call(Some(&token), None, "auth.change_password", json!({"old_password": "first secret pw", "new_password": "second secret pw"}))
        .unwrap();
    let id = app.admin_call("user.list", json!({"search": "u@"})).unwrap()[0]["id"].clone();
    app.admin_call("user.reset_password", json!({"id": id, "new_password": "third secret pw"})).unwrap();
    let conn = app.cora.store().conn();
    let hash: String = conn.query_row("SELECT password_hash FROM users WHERE email = 'u@example.com'", [], |r| r.get(0)).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    let everything = crate::dump(conn, &[]);
    for secret in ["first secret pw", "second secret pw", "third secret pw", PASSWORD, &token, &app.admin] {
        assert!(!everything.contains(secret), "{secret} is stored in clear");
    }
}

#[test]
fn sessions_end_on_logout_expiry_reset_and_deactivation() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    app.admin_call("user.create", json!({"email": "u@example.com", "display_name": "U", "password": PASSWORD})).unwrap();
    let me = |app: &mut TestApp, t: &str| code_of(&app.cora.call(Some(t), None, "auth.me", json!({})));

    let t = login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
    app.cora.call(Some(&t), None, "auth.logout", json!({})).unwrap();
    assert_eq!(me(&mut app, &t), Some(ErrorCode::Unauthenticated));

    let t = login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
    // In use all along (a call every 50 minutes keeps it from ending for idleness).
    for _ in 0..14 {
        clock.advance(Duration::minutes(50));
        assert_eq!(me(&mut app, &t), None);
    }
    clock.advance(Duration::minutes(20) - Duration::seconds(1));
    assert_eq!(me(&mut app, &t), None);
    clock.advance(Duration::seconds(1));
    assert_eq!(me(&mut app, &t), Some(ErrorCode::Unauthenticated), "a 12-hour session outlived its expiry");
    app.admin = login(&mut app.cora, ADMIN_EMAIL, PASSWORD).unwrap();

    let t1 = login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
    let t2 = login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
    // Changing one's own password keeps this session and ends the others.
    app.cora.call(Some(&t1), None, "auth.change_password", json!({"old_password": PASSWORD, "new_password": "another password"})).unwrap();
    assert_eq!(me(&mut app, &t1), None);
    assert_eq!(me(&mut app, &t2), Some(ErrorCode::Unauthenticated));

    let id = app.cora.call(Some(&t1), None, "auth.me", json!({})).unwrap()["user"]["id"].clone();
    app.admin_call("user.reset_password", json!({"id": id, "new_password": PASSWORD})).unwrap();
    assert_eq!(me(&mut app, &t1), Some(ErrorCode::Unauthenticated));

    let t = login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
    app.admin_call("user.set_active", json!({"id": id, "active": false})).unwrap();
    assert_eq!(me(&mut app, &t), Some(ErrorCode::Unauthenticated));
    let e = attempt(&mut app.cora, "u@example.com", PASSWORD).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthenticated);
    app.admin_call("user.set_active", json!({"id": id, "active": true})).unwrap();
    login(&mut app.cora, "u@example.com", PASSWORD).unwrap();
}

#[test]
fn there_is_always_an_active_administrator() {
    let mut app = TestApp::new();
    let me = app.admin_call("auth.me", json!({})).unwrap()["user"]["id"].clone();
    assert_eq!(code_of(&app.admin_call("user.set_active", json!({"id": me, "active": false}))), Some(ErrorCode::Conflict));
    assert_eq!(code_of(&app.admin_call("user.update", json!({"id": me, "is_superuser": false}))), Some(ErrorCode::Conflict));
    let other = app
        .admin_call("user.create", json!({"email": "second@example.com", "display_name": "S", "password": PASSWORD, "is_superuser": true}))
        .unwrap()["id"]
        .clone();
    app.admin_call("user.update", json!({"id": me, "is_superuser": false})).expect("another administrator exists");
    let second = login(&mut app.cora, "second@example.com", PASSWORD).unwrap();
    let r = app.cora.call(Some(&second), None, "user.set_active", json!({"id": other, "active": false}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict), "the last administrator deactivated themself");
}

#[test]
fn emails_are_unique_without_regard_to_case() {
    let mut app = TestApp::new();
    app.admin_call("user.create", json!({"email": "Bob@Example.com", "display_name": "Bob", "password": PASSWORD})).unwrap();
    let r = app.admin_call("user.create", json!({"email": " bob@example.COM ", "display_name": "Bob 2", "password": PASSWORD}));
    let e = r.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(e.fields()[0].field, "email");
    login(&mut app.cora, "BOB@example.com", PASSWORD).expect("sign-in ignores case");
}

#[test]
fn the_first_administrator_is_made_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut cora = Cora::open(dir.path().join("c.db")).unwrap();
    let st = cora.call(None, None, "setup.status", json!({})).unwrap();
    assert_eq!(st["needs_setup"], true);
    let r = cora.call(None, None, "setup.bootstrap", json!({"email": "a@example.com", "display_name": "A", "password": PASSWORD})).unwrap();
    let token = r["token"].as_str().unwrap().to_string();
    assert_eq!(cora.call(Some(&token), None, "auth.me", json!({})).unwrap()["user"]["is_superuser"], true);
    let again = cora.call(None, None, "setup.bootstrap", json!({"email": "b@example.com", "display_name": "B", "password": PASSWORD}));
    assert_eq!(code_of(&again), Some(ErrorCode::Conflict));
    assert_eq!(cora.bootstrap_admin("c@example.com", "C", PASSWORD).unwrap_err().code(), ErrorCode::Conflict);
    assert_eq!(cora.call(None, None, "setup.status", json!({})).unwrap()["needs_setup"], false);
}

#[test]
fn guessing_the_old_password_from_an_open_session_is_throttled_too() {
    let mut app = TestApp::new();
    app.company("A");
    let token = app.member("guess@example.com", "A", "viewer");
    for _ in 0..5 {
        let r = app.call(&token, None, "auth.change_password", json!({"old_password": "wrong guess 123", "new_password": "new password 456"}));
        assert_eq!(code_of(&r), Some(ErrorCode::Validation));
    }
    let locked = app.call(&token, None, "auth.change_password", json!({"old_password": PASSWORD, "new_password": "new password 456"}));
    assert_eq!(code_of(&locked), Some(ErrorCode::Throttled), "even the right old password waits out the lock");
    assert_eq!(code_of(&attempt(&mut app.cora, "guess@example.com", PASSWORD)), Some(ErrorCode::Throttled), "and so does signing in");
}

#[test]
fn internal_errors_keep_sqlite_text_out_of_the_message() {
    let e = cora_core::Error::from(rusqlite::Error::InvalidColumnName("secret_column".into()));
    let body = e.to_body();
    assert_eq!(body.code, ErrorCode::Internal);
    assert!(!body.message.contains("secret_column"));
    assert!(e.to_string().contains("secret_column"), "the detail stays available for logs");
}

#[test]
fn a_session_ends_after_an_hour_without_use_whatever_the_ui_does() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    let token = login(&mut app.cora, ADMIN_EMAIL, PASSWORD).unwrap();
    let seen = |app: &TestApp| -> String {
        app.cora.store().conn().query_row("SELECT last_seen_at FROM sessions ORDER BY last_seen_at DESC LIMIT 1", [], |r| r.get(0)).unwrap()
    };
    // Used every 50 minutes, it outlives the idle limit many times over (up to 12 hours).
    for _ in 0..5 {
        clock.advance(Duration::minutes(50));
        let before = seen(&app);
        app.cora.call(Some(&token), None, "auth.me", json!({})).unwrap();
        assert!(seen(&app) > before, "last_seen_at is kept");
    }
    // Left alone for an hour, it is over, and using it again does not revive it.
    clock.advance(Duration::minutes(61));
    let r = app.cora.call(Some(&token), None, "auth.me", json!({}));
    assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated));
    let r = app.cora.call(Some(&token), None, "auth.me", json!({}));
    assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated));
}

#[test]
fn the_shells_change_feed_does_not_keep_an_idle_session_alive() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    let token = login(&mut app.cora, ADMIN_EMAIL, PASSWORD).unwrap();
    for _ in 0..3 {
        clock.advance(Duration::minutes(15));
        app.cora.call(Some(&token), None, "audit.changes_since", json!({})).unwrap();
    }
    clock.advance(Duration::minutes(16));
    let r = app.cora.call(Some(&token), None, "auth.me", json!({}));
    assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated), "polling counted as use");
}
