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
/// each `view_` permission that names no roles, and each role those that name it.
fn declared_grants(registry: &Registry) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = builtin_keys().map(|k| (k, BTreeSet::new())).collect();
    for p in registry.permissions() {
        let view = p.codename.split_once('.').is_some_and(|(_, action)| action.starts_with("view_"));
        for key in builtin_keys() {
            if key == "owner" || (view && p.roles.is_empty()) || p.roles.contains(&key) {
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

#[test]
fn the_audit_log_is_read_by_owners_and_accountants_only() {
    let mut app = TestApp::new();
    app.company("A");
    for (key, allowed) in [("owner", true), ("accountant", true), ("viewer", false), ("sales", false), ("purchasing", false), ("warehouse", false)] {
        let token = app.member(&format!("{key}-audit@example.com"), "A", key);
        let r = app.call(&token, Some("A"), "audit.list", json!({}));
        assert_eq!(code_of(&r) != Some(ErrorCode::Forbidden), allowed, "{key}: {r:?}");
    }
}

/// Company A with a Manager who may manage members and roles but holds only a few
/// catalog permissions; returns (manager token, manager role id, clerk role id).
fn manager_setup(app: &mut TestApp) -> (String, Value, Value) {
    app.company("A");
    let manager_perms = [
        "membership.view_membership",
        "membership.add_membership",
        "membership.change_membership",
        "membership.delete_membership",
        "role.view_role",
        "role.add_role",
        "role.change_role",
        "catalog.view_product",
        "catalog.change_product",
    ];
    let manager = app.admin_in("A", "role.create", json!({"name": "Manager", "permissions": manager_perms})).unwrap();
    let clerk = app.admin_in("A", "role.create", json!({"name": "Clerk", "permissions": ["catalog.view_product"]})).unwrap();
    app.admin_call("user.create", json!({"email": "mgr@example.com", "display_name": "Mgr", "password": PASSWORD})).unwrap();
    app.admin_in("A", "membership.add", json!({"email": "mgr@example.com", "role_id": manager["id"]})).unwrap();
    let token = cora_core::testing::login(&mut app.cora, "mgr@example.com", PASSWORD).unwrap();
    (token, manager["id"].clone(), clerk["id"].clone())
}

fn builtin_role(app: &mut TestApp, key: &str) -> Value {
    let roles = app.admin_in("A", "role.list", json!({})).unwrap();
    roles.as_array().unwrap().iter().find(|r| r["builtin"] == key).unwrap()["id"].clone()
}

fn membership_of(app: &mut TestApp, email: &str) -> Value {
    let ms = app.admin_in("A", "membership.list", json!({})).unwrap();
    ms.as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["id"].clone()
}

#[test]
fn nobody_assigns_a_role_beyond_their_own_permissions() {
    let mut app = TestApp::new();
    let (mgr, _, clerk) = manager_setup(&mut app);
    let owner_role = builtin_role(&mut app, "owner");
    let accountant = builtin_role(&mut app, "accountant");
    let own = membership_of(&mut app, "mgr@example.com");
    app.admin_call("user.create", json!({"email": "x@example.com", "display_name": "X", "password": PASSWORD})).unwrap();
    app.admin_call("user.create", json!({"email": "y@example.com", "display_name": "Y", "password": PASSWORD})).unwrap();

    // Not the Owner role, to themselves or anyone.
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let r = app.call(&mgr, Some("A"), "membership.change_role", json!({"id": own, "role_id": owner_role}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    let r = app.call(&mgr, Some("A"), "membership.add", json!({"email": "x@example.com", "role_id": owner_role}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    // Not a role carrying permissions they lack.
    let r = app.call(&mgr, Some("A"), "membership.add", json!({"email": "x@example.com", "role_id": accountant}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    assert!(r.unwrap_err().to_string().contains("partner."), "the message names what they lack");
    assert_eq!(crate::dump(app.cora.store().conn(), &["sessions"]), before);

    // A role within their own permissions: yes.
    let added = app.call(&mgr, Some("A"), "membership.add", json!({"email": "x@example.com", "role_id": clerk})).unwrap();
    // And an Owner (not a superuser) may make someone Owner.
    let owner = app.member("owner2@example.com", "A", "owner");
    app.call(&owner, Some("A"), "membership.add", json!({"email": "y@example.com", "role_id": owner_role})).unwrap();
    app.call(&owner, Some("A"), "membership.change_role", json!({"id": added["id"], "role_id": owner_role})).unwrap();

    // Owners are beyond a manager's reach: no demoting, no removing.
    let y = membership_of(&mut app, "y@example.com");
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    let r = app.call(&mgr, Some("A"), "membership.change_role", json!({"id": y, "role_id": clerk}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    let r = app.call(&mgr, Some("A"), "membership.remove", json!({"id": y}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    assert_eq!(crate::dump(app.cora.store().conn(), &["sessions"]), before);
}

#[test]
fn nobody_grants_a_permission_they_do_not_hold() {
    let mut app = TestApp::new();
    let (mgr, manager_role, clerk) = manager_setup(&mut app);
    let before = crate::dump(app.cora.store().conn(), &["sessions"]);
    // Their own role: no new permissions.
    let r = app.call(&mgr, Some("A"), "role.set_permissions", json!({"id": manager_role, "permissions": ["catalog.view_product", "audit.view_auditlog"]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    // Another role: nothing beyond theirs either.
    let r = app.call(&mgr, Some("A"), "role.set_permissions", json!({"id": clerk, "permissions": ["partner.add_partner"]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    let r = app.call(&mgr, Some("A"), "role.create", json!({"name": "Sneaky", "permissions": ["role.delete_role"]}));
    assert_eq!(code_of(&r), Some(ErrorCode::Forbidden), "{r:?}");
    assert_eq!(crate::dump(app.cora.store().conn(), &["sessions"]), before);

    // What they hold, they may hand on; view comes with change.
    let role = app.call(&mgr, Some("A"), "role.set_permissions", json!({"id": clerk, "permissions": ["catalog.change_product"]})).unwrap();
    let perms: Vec<&str> = role["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(perms, ["catalog.change_product", "catalog.view_product"]);
    app.call(&mgr, Some("A"), "role.create", json!({"name": "Helper", "permissions": ["catalog.view_product"]})).unwrap();
}

#[test]
fn view_comes_with_add_change_and_delete_in_core() {
    let mut app = TestApp::new();
    app.company("A");
    let role = app.admin_in("A", "role.create", json!({"name": "Editors", "permissions": ["partner.delete_partner", "catalog.change_brand"]})).unwrap();
    let perms: BTreeSet<&str> = role["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(perms, ["catalog.change_brand", "catalog.view_brand", "partner.delete_partner", "partner.view_partner"].into());
}
