//! Personal API tokens: created and shown once, stored hashed, resolved by the
//! dispatcher like a session; revoked, expired and read-only tokens refused.

use crate::code_of;
use chrono::{DateTime, Duration, Utc};
use cora_core::testing::{ManualClock, PASSWORD, TestApp, login};
use cora_core::{ErrorCode, Reason};
use serde_json::{Value, json};

fn reason(r: &cora_core::Result<Value>) -> Reason {
    r.as_ref().expect_err("refused").to_body().reason
}

fn create(app: &mut TestApp, token: &str, args: Value) -> (String, i64) {
    let out = app.call(token, None, "auth.create_api_token", args).expect("auth.create_api_token");
    (out["token"].as_str().unwrap().to_string(), out["api_token"]["id"].as_i64().unwrap())
}

#[test]
fn a_token_is_shown_once_stored_hashed_and_acts_as_its_user() {
    let mut app = TestApp::new();
    app.company("A");
    let owner = app.member("owner@example.com", "A", "owner");
    let out = app.call(&owner, None, "auth.create_api_token", json!({"name": "nightly export"})).unwrap();
    let token = out["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("cora_pat_") && token.len() == 9 + 64, "{token}");
    let rec = &out["api_token"];
    assert_eq!(rec["name"], "nightly export");
    assert_eq!(rec["read_only"], false);
    assert_eq!(rec["active"], true);
    assert_eq!(rec["prefix"], &token[..17]);
    assert_eq!(rec["user_email"], "owner@example.com");
    // 90 days by default.
    let created: DateTime<Utc> = serde_json::from_value(rec["created_at"].clone()).unwrap();
    let expires: DateTime<Utc> = serde_json::from_value(rec["expires_at"].clone()).unwrap();
    assert_eq!(expires - created, Duration::days(90));

    // Only the hash is in the file.
    let stored: String = app.cora.store().conn().query_row("SELECT token_hash FROM api_tokens", [], |r| r.get(0)).unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, cora_core::auth::repo::token_hash(&token));
    // The list never shows it again.
    let list = app.call(&owner, None, "auth.list_api_tokens", json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&token));

    // It works as the owner: reads and writes in the company, with the audit naming them.
    let p = app.call(&token, Some("A"), "partner.create", json!({"name": "Via API", "is_customer": true})).unwrap();
    assert_eq!(p["name"], "Via API");
    let me = app.call(&token, None, "auth.me", json!({})).unwrap();
    assert_eq!(me["user"]["email"], "owner@example.com");
    let used: Option<String> = app.cora.store().conn().query_row("SELECT last_used_at FROM api_tokens", [], |r| r.get(0)).unwrap();
    assert!(used.is_some(), "last_used_at is set");
    // The same permissions as the user: not a member of B, no administrator commands.
    app.company("B");
    assert_eq!(code_of(&app.call(&token, Some("B"), "partner.list", json!({}))), Some(ErrorCode::NotFound));
    assert_eq!(code_of(&app.call(&token, None, "user.list", json!({}))), Some(ErrorCode::Forbidden));
}

#[test]
fn a_revoked_token_is_refused_and_only_its_user_or_an_admin_revokes_it() {
    let mut app = TestApp::new();
    app.company("A");
    let owner = app.member("owner@example.com", "A", "owner");
    let other = app.member("other@example.com", "A", "viewer");
    let (token, id) = create(&mut app, &owner, json!({"name": "ci"}));
    assert!(app.call(&token, Some("A"), "partner.list", json!({})).is_ok());

    // Someone else's token looks like none at all.
    let r = app.call(&other, None, "auth.revoke_api_token", json!({"id": id}));
    assert_eq!(code_of(&r), Some(ErrorCode::NotFound));
    assert!(app.call(&token, Some("A"), "partner.list", json!({})).is_ok());

    let rec = app.call(&owner, None, "auth.revoke_api_token", json!({"id": id})).unwrap();
    assert_eq!(rec["active"], false);
    assert!(rec["revoked_at"].is_string());
    let r = app.call(&token, Some("A"), "partner.list", json!({}));
    assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated));
    assert_eq!(reason(&r), Reason::ApiTokenRevoked);
    // Revoking again changes nothing and is no error.
    assert!(app.call(&owner, None, "auth.revoke_api_token", json!({"id": id})).is_ok());
    // Gone from the list of live tokens, kept with include_inactive.
    assert_eq!(app.call(&owner, None, "auth.list_api_tokens", json!({})).unwrap(), json!([]));
    assert_eq!(app.call(&owner, None, "auth.list_api_tokens", json!({"include_inactive": true})).unwrap().as_array().unwrap().len(), 1);

    // An administrator sees and revokes anyone's.
    let (t2, id2) = create(&mut app, &owner, json!({"name": "second"}));
    let all = app.admin_call("auth.list_api_tokens", json!({"all_users": true})).unwrap();
    assert!(all.as_array().unwrap().iter().any(|t| t["id"] == id2));
    assert_eq!(code_of(&app.call(&owner, None, "auth.list_api_tokens", json!({"all_users": true}))), Some(ErrorCode::Forbidden));
    app.admin_call("auth.revoke_api_token", json!({"id": id2})).unwrap();
    assert_eq!(reason(&app.call(&t2, None, "auth.me", json!({}))), Reason::ApiTokenRevoked);

    // Unknown tokens with the prefix, and a deactivated user's token.
    assert_eq!(reason(&app.call("cora_pat_00", None, "auth.me", json!({}))), Reason::ApiTokenInvalid);
    let (t3, _) = create(&mut app, &other, json!({"name": "third"}));
    let other_id = app.call(&other, None, "auth.me", json!({})).unwrap()["user"]["id"].clone();
    app.admin_call("user.set_active", json!({"id": other_id, "active": false})).unwrap();
    assert_eq!(reason(&app.call(&t3, None, "auth.me", json!({}))), Reason::AccountDeactivated);
}

#[test]
fn a_token_expires_after_its_days() {
    let mut app = TestApp::new();
    let clock = ManualClock::installed(&mut app.cora);
    let admin = app.admin.clone();
    let (token, _) = create(&mut app, &admin, json!({"name": "short", "expires_in_days": 2}));
    clock.advance(Duration::days(2) - Duration::seconds(1));
    assert!(app.call(&token, None, "auth.me", json!({})).is_ok());
    clock.advance(Duration::seconds(1));
    let r = app.call(&token, None, "auth.me", json!({}));
    assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated));
    assert_eq!(reason(&r), Reason::ApiTokenExpired);
    // Its list shows it inactive.
    let admin = login(&mut app.cora, cora_core::testing::ADMIN_EMAIL, PASSWORD).unwrap();
    let list = app.call(&admin, None, "auth.list_api_tokens", json!({"include_inactive": true})).unwrap();
    assert_eq!(list[0]["active"], false);
}

#[test]
fn a_read_only_token_reads_but_never_writes() {
    let mut app = TestApp::new();
    app.company("A");
    let owner = app.member("owner@example.com", "A", "owner");
    let (token, _) = create(&mut app, &owner, json!({"name": "reports", "read_only": true}));
    assert!(app.call(&token, Some("A"), "partner.list", json!({})).is_ok());
    assert!(app.call(&token, None, "auth.me", json!({})).is_ok());
    let before = crate::audit_count(&app);
    let r = app.call(&token, Some("A"), "partner.create", json!({"name": "X", "is_customer": true}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden));
    let body = r.unwrap_err().to_body();
    assert_eq!(body.reason, Reason::ApiTokenReadOnly);
    assert_eq!(body.params["command"], "partner.create");
    assert_eq!(crate::audit_count(&app), before);
    assert_eq!(app.admin_in("A", "partner.list", json!({})).unwrap()["total"], 0);
}

#[test]
fn no_token_makes_tokens_or_touches_credentials() {
    let mut app = TestApp::new();
    let admin = app.admin.clone();
    let (token, id) = create(&mut app, &admin, json!({"name": "full"}));
    for (cmd, args) in [
        ("auth.create_api_token", json!({"name": "another"})),
        ("auth.revoke_api_token", json!({"id": id})),
        ("auth.change_password", json!({"old_password": PASSWORD, "new_password": "a whole new password"})),
        ("auth.logout", json!({})),
        ("user.reset_password", json!({"id": 1, "new_password": "a whole new password"})),
    ] {
        let r = app.call(&token, None, cmd, args);
        assert_eq!(reason(&r), Reason::ApiTokenNotAllowed, "{cmd}");
    }
    // Reads of auth.* are fine, and other administrator writes too.
    assert!(app.call(&token, None, "auth.list_api_tokens", json!({})).is_ok());
    assert!(app.call(&token, None, "company.create", json!({"code": "C", "name": "C", "base_currency": "EUR"})).is_ok());
}

#[test]
fn bad_args_name_their_field() {
    let mut app = TestApp::new();
    let admin = app.admin.clone();
    let e = app.call(&admin, None, "auth.create_api_token", json!({"name": " ", "expires_in_days": 0})).unwrap_err();
    let fields: Vec<(String, cora_core::FieldCode)> = e.fields().iter().map(|f| (f.field.clone(), f.code)).collect();
    assert!(fields.contains(&("name".into(), cora_core::FieldCode::Required)), "{fields:?}");
    assert!(fields.contains(&("expires_in_days".into(), cora_core::FieldCode::OutOfRange)), "{fields:?}");
    let e = app.call(&admin, None, "auth.create_api_token", json!({"name": "x", "expires_in_days": 3651})).unwrap_err();
    assert_eq!(e.fields()[0].code, cora_core::FieldCode::OutOfRange);
}
