//! Authorization, driven by the registry: each built-in role against every command,
//! so a new module's commands are covered as soon as they are registered.

use crate::code_of;
use cora_core::command::Access;
use cora_core::rbac::BUILTIN_ROLES;
use cora_core::testing::{PASSWORD, TestApp};
use cora_core::{CompanyRef, ErrorCode, Registry};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The permissions each built-in role gets by declaration: Owner all of them, every role
/// each `view_` permission, and each role those that name it.
fn declared_grants(registry: &Registry) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = builtin_keys().map(|k| (k, BTreeSet::new())).collect();
    for p in registry.permissions() {
        let view = p.codename.split_once('.').is_some_and(|(_, action)| action.starts_with("view_"));
        for key in builtin_keys() {
            if key == "owner" || view || p.roles.contains(&key) {
                out.get_mut(key).unwrap().insert(p.codename.to_string());
            }
        }
    }
    out
}

fn builtin_keys() -> impl Iterator<Item = &'static str> {
    BUILTIN_ROLES.iter().map(|(k, _, _)| *k)
}

#[test]
fn builtin_roles_hold_exactly_their_declared_permissions() {
    let mut app = TestApp::new();
    app.company("A");
    let registry = Registry::new();
    let declared = declared_grants(&registry);
    let roles = app.admin_in("A", "role.list", json!({})).unwrap();
    for key in builtin_keys() {
        let role = roles.as_array().unwrap().iter().find(|r| r["builtin"] == key).unwrap_or_else(|| panic!("no built-in {key}"));
        let stored: BTreeSet<String> = role["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        assert_eq!(&stored, &declared[key], "permissions of {key}");
    }
    // Every permission named in a declaration names a real built-in role.
    for p in registry.permissions() {
        for r in p.roles {
            assert!(builtin_keys().any(|k| k == *r), "{} grants to unknown role {r}", p.codename);
        }
    }
}

/// Whether calling `command` as someone holding `perms` in the company (and not a
/// superuser) must be refused as forbidden.
fn must_forbid(access: Access, perms: &BTreeSet<String>) -> bool {
    match access {
        Access::Public | Access::Authenticated => false,
        Access::Superuser => true,
        Access::Permission(p) => !perms.contains(p),
    }
}

/// Calls every command with empty args (`{}` and `null`) as `token` in company A and
/// checks the outcome against `forbid`. A validation or not-found error means the
/// dispatcher let the call through to the handler.
fn sweep(app: &mut TestApp, email: &str, token: &mut String, forbid: impl Fn(&cora_core::command::CommandSpec) -> bool) {
    let registry = Registry::new();
    let company = CompanyRef::Code("A".into());
    for spec in registry.commands() {
        for args in [json!({}), Value::Null] {
            let r = app.cora.call(Some(token.as_str()), Some(&company), spec.name, args.clone());
            let code = code_of(&r);
            if forbid(spec) {
                assert_eq!(code, Some(ErrorCode::Forbidden), "{email} ran {} with {args}: {r:?}", spec.name);
            } else {
                assert!(
                    !matches!(code, Some(ErrorCode::Forbidden | ErrorCode::Unauthenticated | ErrorCode::Internal)),
                    "{email} was refused {} with {args}: {r:?}",
                    spec.name
                );
            }
            // A command may end the session (auth.logout does): sign in again.
            if code_of(&app.cora.call(Some(token.as_str()), None, "auth.me", json!({}))) == Some(ErrorCode::Unauthenticated) {
                *token = cora_core::testing::login(&mut app.cora, email, PASSWORD).unwrap();
            }
        }
    }
}

#[test]
fn every_builtin_role_is_allowed_exactly_what_it_declares() {
    let mut app = TestApp::new();
    app.company("A");
    let registry = Registry::new();
    let declared = declared_grants(&registry);
    for key in builtin_keys() {
        let email = format!("{key}@example.com");
        let mut token = app.member(&email, "A", key);
        let perms = declared[key].clone();
        sweep(&mut app, &email, &mut token, |spec| must_forbid(spec.access, &perms));
    }
}

#[test]
fn a_superuser_is_allowed_every_command() {
    let mut app = TestApp::new();
    app.company("A");
    let mut token = app.admin.clone();
    sweep(&mut app, cora_core::testing::ADMIN_EMAIL, &mut token, |_| false);
}

#[test]
fn a_company_role_grants_exactly_its_permissions() {
    // A role made in the company with one permission: only that command family opens.
    let mut app = TestApp::new();
    app.company("A");
    let role = app.admin_in("A", "role.create", json!({"name": "Member viewer", "permissions": ["membership.view_membership"]})).unwrap();
    app.admin_call("user.create", json!({"email": "m@example.com", "display_name": "M", "password": PASSWORD})).unwrap();
    app.admin_in("A", "membership.add", json!({"email": "m@example.com", "role_id": role["id"]})).unwrap();
    let mut token = cora_core::testing::login(&mut app.cora, "m@example.com", PASSWORD).unwrap();
    let perms: BTreeSet<String> = ["membership.view_membership".to_string()].into();
    sweep(&mut app, "m@example.com", &mut token, |spec| must_forbid(spec.access, &perms));
}

#[test]
fn outsiders_and_anonymous_callers_get_nowhere() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    // An Owner of B is a stranger to A: A's commands answer as if A did not exist.
    let mut stranger = app.member("owner.b@example.com", "B", "owner");
    let registry = Registry::new();
    let a = CompanyRef::Code("A".into());
    for spec in registry.commands() {
        let r = app.cora.call(Some(&stranger), Some(&a), spec.name, json!({}));
        match spec.access {
            Access::Permission(_) => assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "{}: {r:?}", spec.name),
            Access::Superuser => assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{}: {r:?}", spec.name),
            _ => {}
        }
        // Nobody signed in: only public commands run.
        let r = app.cora.call(None, Some(&a), spec.name, json!({}));
        if spec.access != Access::Public {
            assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated), "{} without a session: {r:?}", spec.name);
        }
        let r = app.cora.call(Some("not-a-token"), Some(&a), spec.name, json!({}));
        if spec.access != Access::Public {
            assert_eq!(code_of(&r), Some(ErrorCode::Unauthenticated), "{} with a bad token: {r:?}", spec.name);
        }
        if code_of(&app.cora.call(Some(&stranger), None, "auth.me", json!({}))).is_some() {
            stranger = cora_core::testing::login(&mut app.cora, "owner.b@example.com", PASSWORD).unwrap();
        }
    }
}

#[test]
fn company_scoped_commands_need_a_company() {
    let mut app = TestApp::new();
    app.company("A");
    let registry = Registry::new();
    let token = app.admin.clone();
    for spec in registry.commands().filter(|s| s.company_scoped()) {
        let r = app.cora.call(Some(&token), None, spec.name, json!({}));
        let e = r.expect_err(spec.name);
        assert_eq!(e.code(), ErrorCode::Validation, "{}", spec.name);
        assert_eq!(e.fields()[0].field, "company", "{}", spec.name);
    }
}

#[test]
fn an_archived_company_can_be_read_but_not_changed() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let owner = app.member("o@example.com", "A", "owner");
    app.admin_call("company.set_archived", json!({"id": a, "archived": true})).unwrap();
    let r = app.call(&owner, Some("A"), "role.create", json!({"name": "New"}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    let r = app.admin_in("A", "role.create", json!({"name": "New"}));
    assert_eq!(code_of(&r), Some(ErrorCode::Conflict));
    app.call(&owner, Some("A"), "role.list", json!({})).unwrap();
    app.call(&owner, Some("A"), "company.get", json!({})).unwrap();
    app.admin_call("company.set_archived", json!({"id": a, "archived": false})).unwrap();
    app.call(&owner, Some("A"), "role.create", json!({"name": "New"})).unwrap();
}

#[test]
fn a_permission_change_takes_effect_on_the_next_call() {
    let mut app = TestApp::new();
    app.company("A");
    let role = app.admin_in("A", "role.create", json!({"name": "Clerk"})).unwrap();
    app.admin_call("user.create", json!({"email": "c@example.com", "display_name": "C", "password": PASSWORD})).unwrap();
    app.admin_in("A", "membership.add", json!({"email": "c@example.com", "role_id": role["id"]})).unwrap();
    let token = cora_core::testing::login(&mut app.cora, "c@example.com", PASSWORD).unwrap();
    assert_eq!(code_of(&app.call(&token, Some("A"), "role.list", json!({}))), Some(ErrorCode::Forbidden));
    app.admin_in("A", "role.set_permissions", json!({"id": role["id"], "permissions": ["role.view_role"]})).unwrap();
    app.call(&token, Some("A"), "role.list", json!({})).unwrap();
    app.admin_in("A", "role.set_permissions", json!({"id": role["id"], "permissions": []})).unwrap();
    assert_eq!(code_of(&app.call(&token, Some("A"), "role.list", json!({}))), Some(ErrorCode::Forbidden));
}

#[test]
fn builtin_roles_cannot_be_changed_and_a_company_keeps_an_owner() {
    let mut app = TestApp::new();
    app.company("A");
    let roles = app.admin_call("role.list_global", json!({})).unwrap();
    let owner = roles.as_array().unwrap().iter().find(|r| r["builtin"] == "owner").unwrap()["id"].clone();
    for (cmd, args) in [
        ("role.update_global", json!({"id": owner, "name": "Boss"})),
        ("role.set_global_permissions", json!({"id": owner, "permissions": []})),
        ("role.delete_global", json!({"id": owner})),
    ] {
        assert_eq!(code_of(&app.admin_call(cmd, args)), Some(ErrorCode::Conflict), "{cmd}");
    }
    // The creator is A's only Owner: they cannot leave or be demoted.
    let members = app.admin_in("A", "membership.list", json!({})).unwrap();
    let m = members[0]["id"].clone();
    let viewer = roles.as_array().unwrap().iter().find(|r| r["builtin"] == "viewer").unwrap()["id"].clone();
    assert_eq!(code_of(&app.admin_in("A", "membership.remove", json!({"id": m}))), Some(ErrorCode::Conflict));
    assert_eq!(code_of(&app.admin_in("A", "membership.change_role", json!({"id": m, "role_id": viewer}))), Some(ErrorCode::Conflict));
}
