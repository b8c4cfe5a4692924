//! Per-user preferences and language: self-service, checked, never audited.

use crate::{audit_count, dump};
use cora_core::testing::TestApp;
use cora_core::{ErrorCode, FieldCode};
use serde_json::json;

fn field_code(r: cora_core::Result<serde_json::Value>) -> (String, FieldCode) {
    let e = r.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation, "{e}");
    (e.fields()[0].field.clone(), e.fields()[0].code)
}

#[test]
fn a_preference_is_set_read_replaced_and_deleted_without_an_audit_row() {
    let mut app = TestApp::new();
    let audited = audit_count(&app);
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.products"})).unwrap(), json!({"value": null}));
    let layout = r#"{"columns":[{"key":"sku","width":120}]}"#;
    app.admin_call("preference.set", json!({"key": "grid.products", "value": layout})).unwrap();
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.products"})).unwrap(), json!({"value": layout}));
    app.admin_call("preference.set", json!({"key": "grid.products", "value": "[]"})).unwrap();
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.products"})).unwrap()["value"], "[]");
    app.admin_call("preference.delete", json!({"key": "grid.products"})).unwrap();
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.products"})).unwrap()["value"], json!(null));
    // Deleting what is not there is fine.
    app.admin_call("preference.delete", json!({"key": "grid.products"})).unwrap();
    app.admin_call("user.set_language", json!({"language": "de"})).unwrap();
    assert_eq!(audit_count(&app), audited, "preferences are not business data");
}

#[test]
fn bad_keys_values_and_languages_are_refused_with_codes_and_write_nothing() {
    let mut app = TestApp::new();
    let before = dump(app.cora.store().conn(), &[]);
    for key in ["", "Grid.Products", "grid products", "grid/products", "ü", &"k".repeat(101)] {
        let r = app.admin_call("preference.set", json!({"key": key, "value": "1"}));
        assert_eq!(field_code(r), ("key".into(), FieldCode::InvalidPreferenceKey), "{key:?}");
        let r = app.admin_call("preference.get", json!({"key": key}));
        assert_eq!(field_code(r), ("key".into(), FieldCode::InvalidPreferenceKey), "{key:?}");
    }
    app.admin_call("preference.set", json!({"key": "k".repeat(100), "value": "1"})).unwrap();
    app.admin_call("preference.delete", json!({"key": "k".repeat(100)})).unwrap();
    for value in ["", "{", "not json", "{\"a\":1} trailing"] {
        let r = app.admin_call("preference.set", json!({"key": "grid.x", "value": value}));
        assert_eq!(field_code(r), ("value".into(), FieldCode::InvalidJson), "{value:?}");
    }
    let big = format!("\"{}\"", "x".repeat(16 * 1024));
    let e = app.admin_call("preference.set", json!({"key": "grid.x", "value": big})).unwrap_err();
    assert_eq!((e.fields()[0].code, e.fields()[0].params["max"].as_str()), (FieldCode::TooManyBytes, "16384"));
    let fits = format!("\"{}\"", "x".repeat(16 * 1024 - 2));
    app.admin_call("preference.set", json!({"key": "grid.x", "value": fits})).unwrap();
    app.admin_call("preference.delete", json!({"key": "grid.x"})).unwrap();
    for language in ["fr", "EN", "english", "de-DE"] {
        let r = app.admin_call("user.set_language", json!({"language": language}));
        assert_eq!(field_code(r), ("language".into(), FieldCode::UnsupportedLanguage), "{language:?}");
    }
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}

#[test]
fn each_user_sees_only_their_own_preferences() {
    let mut app = TestApp::new();
    app.company("A");
    let other = app.member("o@example.com", "A", "viewer");
    app.admin_call("preference.set", json!({"key": "grid.partners", "value": "\"admin's\""})).unwrap();
    // The same key is another row for another user; there is no argument to name a user.
    assert_eq!(app.call(&other, None, "preference.get", json!({"key": "grid.partners"})).unwrap()["value"], json!(null));
    app.call(&other, None, "preference.set", json!({"key": "grid.partners", "value": "\"mine\""})).unwrap();
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.partners"})).unwrap()["value"], "\"admin's\"");
    app.call(&other, None, "preference.delete", json!({"key": "grid.partners"})).unwrap();
    assert_eq!(app.admin_call("preference.get", json!({"key": "grid.partners"})).unwrap()["value"], "\"admin's\"");
    let e = app.call(&other, None, "preference.get", json!({"key": "grid.partners", "user_id": 1})).unwrap_err();
    assert_eq!((e.fields()[0].field.as_str(), e.fields()[0].code), ("user_id", FieldCode::UnknownField));
    // Signed out: nothing.
    let e = app.cora.call(None, None, "preference.get", json!({"key": "grid.partners"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unauthenticated);
}

#[test]
fn me_carries_the_language_and_each_companys_time_zone() {
    let mut app = TestApp::new();
    app.admin_call("company.create", json!({"code": "B", "name": "B GmbH", "base_currency": "EUR", "timezone": "Europe/Berlin"})).unwrap();
    let me = app.admin_call("auth.me", json!({})).unwrap();
    assert_eq!(me["user"]["language"], "");
    let b = me["companies"].as_array().unwrap().iter().find(|c| c["code"] == "B").unwrap();
    assert_eq!(b["timezone"], "Europe/Berlin");
    app.admin_call("user.set_language", json!({"language": "de"})).unwrap();
    assert_eq!(app.admin_call("auth.me", json!({})).unwrap()["user"]["language"], "de");
    app.admin_call("user.set_language", json!({"language": ""})).unwrap();
    assert_eq!(app.admin_call("auth.me", json!({})).unwrap()["user"]["language"], "");
}
