//! Stable codes on every error: field codes and reasons, their English messages, and what
//! the command layer answers with them.

use cora_core::testing::{ADMIN_EMAIL, TestApp};
use cora_core::{ErrorCode, FieldCode, Params, Reason};
use serde_json::json;

#[test]
fn every_field_code_has_a_message_and_a_snake_case_name() {
    let mut names = std::collections::BTreeSet::new();
    for code in FieldCode::ALL {
        let name = serde_json::to_value(code).unwrap();
        let name = name.as_str().unwrap().to_string();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code:?} → {name}");
        assert_eq!(name, code.as_str());
        assert!(names.insert(name.clone()), "{name} twice");
        let back: FieldCode = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(back, *code);
        assert!(!code.message(&Params::new()).trim().is_empty(), "{code:?} has no message");
    }
    // Params land in the English text.
    let e = cora_core::FieldError::new("name", FieldCode::TooLong.with("max", 5));
    assert_eq!(e.message, "must be at most 5 characters");
    assert_eq!(serde_json::to_value(&e).unwrap(), json!({"field": "name", "code": "too_long", "params": {"max": "5"}, "message": e.message}));
}

#[test]
fn every_reason_has_a_message_and_a_snake_case_name() {
    let mut names = std::collections::BTreeSet::new();
    for reason in Reason::ALL {
        let name = serde_json::to_value(reason).unwrap().as_str().unwrap().to_string();
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        assert!(names.insert(name.clone()));
        let back: Reason = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(back, *reason);
        // `immutable` repeats SQLite's trigger text, which is its only param.
        let params: Params = [("detail".to_string(), "x".to_string())].into();
        assert!(!reason.message(&params).trim().is_empty(), "{reason:?} has no message");
    }
}

#[test]
fn a_bad_create_answers_field_codes() {
    let mut app = TestApp::new();
    app.company("A");
    let e = app.admin_in("A", "partner.create", json!({"name": "  ", "is_customer": true, "email": "not an email"})).unwrap_err();
    let body = e.to_body();
    assert_eq!(body.code, ErrorCode::Validation);
    assert_eq!(body.reason, Reason::InvalidInput);
    let got: Vec<(&str, FieldCode)> = body.fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
    assert!(got.contains(&("name", FieldCode::Required)), "{got:?}");
    assert!(got.contains(&("email", FieldCode::InvalidEmail)), "{got:?}");
    // The wire shape.
    let v = serde_json::to_value(&body).unwrap();
    assert_eq!(v["reason"], "invalid_input");
    assert!(v["params"].is_object());
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["code"] == "invalid_email" && f["params"] == json!({})));
    // A too-long value carries its limit.
    let e = app.admin_in("A", "partner.create", json!({"name": "x".repeat(300), "is_customer": true})).unwrap_err();
    let f = &e.fields()[0];
    assert_eq!((f.field.as_str(), f.code, f.params["max"].as_str()), ("name", FieldCode::TooLong, "200"));
}

#[test]
fn top_level_errors_carry_a_reason() {
    let mut app = TestApp::new();
    app.company("A");
    // Wrong password: the UI shows a translated "bad credentials", never the raw text.
    let e = app.cora.call(None, None, "auth.login", json!({"email": ADMIN_EMAIL, "password": "nope nope nope"})).unwrap_err();
    assert_eq!((e.code(), e.to_body().reason), (ErrorCode::Unauthenticated, Reason::BadCredentials));
    // No session, and a session that does not exist.
    let e = app.cora.call(None, None, "auth.me", json!({})).unwrap_err();
    assert_eq!(e.to_body().reason, Reason::SignInRequired);
    let e = app.cora.call(Some("not-a-token"), None, "auth.me", json!({})).unwrap_err();
    assert_eq!(e.to_body().reason, Reason::SessionExpired);
    // Forbidden names the permission.
    let viewer = app.member("v@example.com", "A", "viewer");
    let e = app.call(&viewer, Some("A"), "partner.create", json!({"name": "X", "is_customer": true})).unwrap_err();
    let body = e.to_body();
    assert_eq!((body.code, body.reason), (ErrorCode::Forbidden, Reason::Forbidden));
    assert_eq!(body.params["permission"], "partner.add_partner");
    assert_eq!(body.params["command"], "partner.create");
    // Not found names the entity.
    let e = app.admin_in("A", "partner.get", json!({"id": 999_999})).unwrap_err();
    let body = e.to_body();
    assert_eq!((body.reason, body.params["entity"].as_str()), (Reason::NotFound, "partner"));
    // A duplicate is `already_exists`, with the field's code.
    app.admin_in("A", "catalog.create_brand", json!({"name": "Acme"})).unwrap();
    let e = app.admin_in("A", "catalog.create_brand", json!({"name": "ACME"})).unwrap_err();
    let body = e.to_body();
    assert_eq!((body.code, body.reason), (ErrorCode::Conflict, Reason::AlreadyExists));
    assert_eq!((body.fields[0].code, body.fields[0].params["entity"].as_str()), (FieldCode::Duplicate, "brand"));
    // Administrators only.
    let e = app.call(&viewer, None, "user.list", json!({})).unwrap_err();
    assert_eq!((e.to_body().reason, e.to_body().params["command"].as_str()), (Reason::AdminOnly, "user.list"));
}
