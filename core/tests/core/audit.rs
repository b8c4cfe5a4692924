//! The audit log: each successful change appends rows naming who and where; a failed
//! one appends none; nobody can rewrite or delete a row.

use crate::{audit_count, code_of};
use cora_core::command::BatchItem;
use cora_core::testing::{PASSWORD, TestApp, login};
use cora_core::{CompanyRef, Cora, ErrorCode, Registry};
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[derive(Debug)]
struct Row {
    user_id: Option<i64>,
    tenant_id: Option<i64>,
    command: String,
}

fn rows_after(cora: &Cora, after: i64) -> Vec<Row> {
    let conn = cora.store().conn();
    let mut stmt = conn.prepare("SELECT user_id, tenant_id, command FROM audit_log WHERE id > ?1 ORDER BY id").unwrap();
    stmt.query_map([after], |r| Ok(Row { user_id: r.get(0)?, tenant_id: r.get(1)?, command: r.get(2)? }))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn last_id(cora: &Cora) -> i64 {
    cora.store().conn().query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0)).unwrap()
}

/// Runs a command that must succeed and checks the rows it appended.
struct Recorder {
    covered: BTreeSet<String>,
}

impl Recorder {
    fn run(&mut self, cora: &mut Cora, token: Option<&str>, company: Option<i64>, command: &str, args: Value, user: i64) -> Value {
        let before = last_id(cora);
        let c = company.map(CompanyRef::Id);
        let out = cora.call(token, c.as_ref(), command, args).unwrap_or_else(|e| panic!("{command}: {e}"));
        let rows = rows_after(cora, before);
        assert!(!rows.is_empty(), "{command} appended no audit row");
        assert!(rows.iter().any(|r| r.command == command), "{command}: rows name other commands: {rows:?}");
        for r in &rows {
            assert_eq!(r.user_id, Some(user), "{command}: audit row of the wrong user");
            assert_eq!(r.tenant_id, company, "{command}: audit row of the wrong company");
        }
        self.covered.insert(command.to_string());
        out
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

#[test]
fn every_successful_change_is_audited_with_its_user_and_company() {
    let mut app = TestApp::new();
    let mut rec = Recorder { covered: BTreeSet::new() };
    let admin = app.admin.clone();
    let a_id = app.admin_call("auth.me", json!({})).unwrap()["user"]["id"].as_i64().unwrap();
    let cora = &mut app.cora;
    let t = Some(admin.as_str());

    let signed_in = rec.run(cora, None, None, "auth.login", json!({"email": cora_core::testing::ADMIN_EMAIL, "password": PASSWORD}), a_id);
    // A new company's creation is in that company's own log.
    let before = last_id(cora);
    let company = id(&cora.call(t, None, "company.create", json!({"code": "A", "name": "A Ltd", "base_currency": "EUR"})).unwrap());
    let rows = rows_after(cora, before);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.tenant_id == Some(company) && r.user_id == Some(a_id)), "{rows:?}");
    rec.covered.insert("company.create".to_string());
    rec.run(cora, t, Some(company), "company.update", json!({"name": "A Limited"}), a_id);
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    rec.run(cora, t, Some(company), "company.set_logo", json!({"data_base64": png}), a_id);
    rec.run(cora, t, Some(company), "company.remove_logo", json!({}), a_id);
    // Archiving is written into the company's own log (the call names no company).
    rec.run(cora, t, Some(company), "company.set_archived", json!({"id": company, "archived": true}), a_id);
    rec.run(cora, t, Some(company), "company.set_archived", json!({"id": company, "archived": false}), a_id);

    let u = id(&rec.run(cora, t, None, "user.create", json!({"email": "u@example.com", "display_name": "U", "password": PASSWORD}), a_id));
    rec.run(cora, t, None, "user.update", json!({"id": u, "display_name": "Ursula"}), a_id);
    rec.run(cora, t, None, "user.reset_password", json!({"id": u, "new_password": "a brand new one"}), a_id);
    rec.run(cora, t, None, "user.set_active", json!({"id": u, "active": false}), a_id);
    rec.run(cora, t, None, "user.set_active", json!({"id": u, "active": true}), a_id);

    let role = id(&rec.run(cora, t, Some(company), "role.create", json!({"name": "Clerk"}), a_id));
    rec.run(cora, t, Some(company), "role.update", json!({"id": role, "name": "Senior clerk"}), a_id);
    rec.run(cora, t, Some(company), "role.set_permissions", json!({"id": role, "permissions": ["role.view_role"]}), a_id);
    let g = id(&rec.run(cora, t, None, "role.create_global", json!({"name": "Auditor"}), a_id));
    rec.run(cora, t, None, "role.update_global", json!({"id": g, "description": "Reads the books"}), a_id);
    rec.run(cora, t, None, "role.set_global_permissions", json!({"id": g, "permissions": ["audit.view_auditlog"]}), a_id);

    // A member who is not an administrator: the rows name them.
    let m = id(&rec.run(cora, t, Some(company), "membership.add", json!({"email": "u@example.com", "role_id": g}), a_id));
    let roles = cora.call(t, Some(&CompanyRef::Id(company)), "role.list", json!({})).unwrap();
    let owner_role = roles.as_array().unwrap().iter().find(|r| r["builtin"] == "owner").unwrap()["id"].clone();
    rec.run(cora, t, Some(company), "membership.change_role", json!({"id": m, "role_id": owner_role}), a_id);
    let ut = login(cora, "u@example.com", "a brand new one").unwrap();
    let u_t = Some(ut.as_str());
    rec.run(cora, u_t, Some(company), "role.delete", json!({"id": role}), u);
    rec.run(cora, u_t, Some(company), "company.update", json!({"legal_name": "A Limited (Ireland)"}), u);
    let admin_membership = cora.call(u_t, Some(&CompanyRef::Id(company)), "membership.list", json!({})).unwrap().as_array().unwrap()
        .iter().find(|x| x["user_id"] == a_id).unwrap()["id"].as_i64().unwrap();
    rec.run(cora, u_t, Some(company), "membership.remove", json!({"id": admin_membership}), u);
    let tok = id(&rec.run(cora, u_t, None, "auth.create_api_token", json!({"name": "ci"}), u)["api_token"]);
    rec.run(cora, u_t, None, "auth.revoke_api_token", json!({"id": tok}), u);
    rec.run(cora, u_t, None, "auth.change_password", json!({"old_password": "a brand new one", "new_password": "and another one"}), u);
    rec.run(cora, u_t, None, "auth.logout", json!({}), u);

    // The global role is unused once its member moved on.
    rec.run(cora, t, None, "role.delete_global", json!({"id": g}), a_id);
    let _ = signed_in;

    // The first-run setup, on a new file.
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Cora::open(dir.path().join("new.db")).unwrap();
    rec.run(&mut fresh, None, None, "setup.bootstrap", json!({"email": "first@example.com", "display_name": "F", "password": PASSWORD}), 1);

    // Every mutating command of the foundation's modules was run above.
    let foundation = ["auth.", "setup.", "user.", "company.", "role.", "membership.", "audit.", "permission."];
    let missing: Vec<&str> = Registry::new()
        .commands()
        .filter(|s| s.mutating && s.audited && foundation.iter().any(|p| s.name.starts_with(p)))
        .map(|s| s.name)
        .filter(|n| !rec.covered.contains(*n))
        .collect();
    assert!(missing.is_empty(), "no audit check for {missing:?}");
}

#[test]
fn a_failed_command_appends_nothing() {
    let mut app = TestApp::new();
    app.company("A");
    let viewer = app.member("v@example.com", "A", "viewer");
    app.admin_in("A", "role.create", json!({"name": "Taken"})).unwrap();
    let before = audit_count(&app);
    // (session, company, command, args, expected error)
    type Failure<'a> = (Option<String>, Option<&'a str>, &'a str, Value, ErrorCode);
    let failures: Vec<Failure> = vec![
        (Some(app.admin.clone()), Some("A"), "role.create", json!({"name": "taken"}), ErrorCode::Conflict),
        (Some(app.admin.clone()), Some("A"), "role.create", json!({"name": ""}), ErrorCode::Validation),
        (Some(app.admin.clone()), Some("A"), "role.create", json!({"name": "ok", "permissions": ["no.such_perm"]}), ErrorCode::Validation),
        (Some(app.admin.clone()), Some("A"), "role.delete", json!({"id": 999_999}), ErrorCode::NotFound),
        (Some(app.admin.clone()), Some("Z"), "role.create", json!({"name": "x"}), ErrorCode::NotFound),
        (Some(viewer.clone()), Some("A"), "role.create", json!({"name": "x"}), ErrorCode::Forbidden),
        (Some(viewer.clone()), None, "user.create", json!({"email": "x@example.com", "display_name": "x", "password": PASSWORD}), ErrorCode::Forbidden),
        (None, Some("A"), "role.create", json!({"name": "x"}), ErrorCode::Unauthenticated),
        (Some("forged".into()), Some("A"), "role.create", json!({"name": "x"}), ErrorCode::Unauthenticated),
        (None, None, "auth.login", json!({"email": "v@example.com", "password": "wrong wrong"}), ErrorCode::Unauthenticated),
        (None, None, "setup.bootstrap", json!({"email": "y@example.com", "display_name": "Y", "password": PASSWORD}), ErrorCode::Conflict),
    ];
    for (token, company, cmd, args, code) in failures {
        let r = app.call_opt(token.as_deref(), company, cmd, args);
        assert_eq!(code_of(&r), Some(code), "{cmd}");
        assert_eq!(audit_count(&app), before, "failed {cmd} was audited");
    }
    // A failed sign-in is still recorded for throttling, just not as an audit row.
    let failures: i64 = app.cora.store().conn().query_row("SELECT count(*) FROM login_failures", [], |r| r.get(0)).unwrap();
    assert_eq!(failures, 1);
}

trait CallOpt {
    fn call_opt(&mut self, token: Option<&str>, company: Option<&str>, command: &str, args: Value) -> cora_core::Result<Value>;
}

impl CallOpt for TestApp {
    fn call_opt(&mut self, token: Option<&str>, company: Option<&str>, command: &str, args: Value) -> cora_core::Result<Value> {
        let company = company.map(|c| CompanyRef::Code(c.into()));
        self.cora.call(token, company.as_ref(), command, args)
    }
}

#[test]
fn an_atomic_batch_commits_all_or_nothing() {
    let mut app = TestApp::new();
    app.company("A");
    let item = |cmd: &str, args: Value| BatchItem { command: cmd.into(), args, company: Some(CompanyRef::Code("A".into())) };
    let roles = |app: &TestApp| -> i64 { app.cora.store().conn().query_row("SELECT count(*) FROM roles", [], |r| r.get(0)).unwrap() };
    let (audit0, roles0) = (audit_count(&app), roles(&app));

    let admin = app.admin.clone();
    let bad = [item("role.create", json!({"name": "One"})), item("role.create", json!({"name": "Two"})), item("role.create", json!({"name": "one"}))];
    let (idx, e) = app.cora.call_atomic(Some(&admin), &bad).unwrap_err();
    assert_eq!((idx, e.code()), (2, ErrorCode::Conflict));
    assert_eq!((audit_count(&app), roles(&app)), (audit0, roles0), "a failed atomic batch left rows behind");

    let unknown = [item("role.create", json!({"name": "One"})), item("no.such", json!({}))];
    let (idx, e) = app.cora.call_atomic(Some(&admin), &unknown).unwrap_err();
    assert_eq!((idx, e.code()), (1, ErrorCode::NotFound));
    assert_eq!((audit_count(&app), roles(&app)), (audit0, roles0));

    let good = [item("role.create", json!({"name": "One"})), item("role.create", json!({"name": "Two"}))];
    let out = app.cora.call_atomic(Some(&admin), &good).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!((audit_count(&app), roles(&app)), (audit0 + 2, roles0 + 2));
}

#[test]
fn audit_rows_cannot_be_changed_or_removed() {
    let mut app = TestApp::new();
    app.company("A");
    let n = audit_count(&app);
    assert!(n > 0);
    let conn = app.cora.store().conn();
    let before = crate::dump(conn, &[]);
    for sql in [
        "UPDATE audit_log SET summary = '{}'",
        "UPDATE audit_log SET user_id = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
    ] {
        let e = conn.execute(sql, []).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    // A summary must be JSON.
    let e = conn.execute("INSERT INTO audit_log (at, command, entity, summary) VALUES ('x', 'x', 'x', 'not json')", []);
    assert!(e.is_err());
    assert_eq!(crate::dump(conn, &[]), before);
}

#[test]
fn the_company_log_lists_newest_first_in_pages() {
    let mut app = TestApp::new();
    app.company("A");
    for i in 0..5 {
        app.admin_in("A", "role.create", json!({"name": format!("R{i}")})).unwrap();
    }
    let mut seen = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let page = app.admin_in("A", "audit.list", json!({"limit": 2, "before": before})).unwrap();
        let rows = page["rows"].as_array().unwrap();
        assert!(rows.len() <= 2);
        seen.extend(rows.iter().map(|r| r["id"].as_i64().unwrap()));
        match page["next"].as_i64() {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "pages overlap or are out of order");
    let expected: i64 = app.cora.store().conn().query_row("SELECT count(*) FROM audit_log WHERE tenant_id = (SELECT id FROM companies WHERE code = 'A')", [], |r| r.get(0)).unwrap();
    assert_eq!(seen.len() as i64, expected);
    assert_eq!(expected, 6, "the company's creation and its five roles");
}

#[test]
fn insert_or_replace_cannot_rewrite_an_audit_row() {
    let mut app = TestApp::new();
    app.company("A");
    let conn = app.cora.store().conn();
    let (id, summary): (i64, String) = conn.query_row("SELECT id, summary FROM audit_log ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    for sql in [
        "INSERT OR REPLACE INTO audit_log (id, at, command, entity, summary) VALUES (?1, 'x', 'forged', 'x', '{}')",
        "REPLACE INTO audit_log (id, at, command, entity, summary) VALUES (?1, 'x', 'forged', 'x', '{}')",
        "INSERT INTO audit_log (id, at, command, entity, summary) VALUES (?1, 'x', 'forged', 'x', '{}') ON CONFLICT (id) DO UPDATE SET command = 'forged'",
    ] {
        let r = conn.execute(sql, [id]);
        assert!(r.is_err(), "{sql} was allowed");
    }
    let still: String = conn.query_row("SELECT summary FROM audit_log WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(still, summary);
    let forged: i64 = conn.query_row("SELECT count(*) FROM audit_log WHERE command = 'forged'", [], |r| r.get(0)).unwrap();
    assert_eq!(forged, 0);
}

#[test]
fn archiving_a_company_is_in_its_own_log() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let before = last_id(&app.cora);
    app.admin_call("company.set_archived", json!({"id": a, "archived": true})).unwrap();
    let rows = rows_after(&app.cora, before);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].tenant_id, Some(a));
    assert_eq!(rows[0].command, "company.set_archived");
}

/// `audit.changes_since` as `token` after `after`: (latest, the (company, entity) pairs).
/// (company, entity) pairs the feed reported.
type Pairs = BTreeSet<(Option<i64>, String)>;

fn feed(app: &mut TestApp, token: Option<&str>, after: Option<i64>) -> cora_core::Result<(i64, Pairs)> {
    let args = match after {
        Some(a) => json!({ "after": a }),
        None => json!({}),
    };
    let v = app.cora.call(token, None, "audit.changes_since", args)?;
    let changes = v["changes"].as_array().unwrap().iter().map(|c| (c["company"].as_i64(), c["entity"].as_str().unwrap().to_string())).collect();
    Ok((v["latest"].as_i64().unwrap(), changes))
}

fn pairs(items: &[(Option<i64>, &str)]) -> BTreeSet<(Option<i64>, String)> {
    items.iter().map(|(c, e)| (*c, e.to_string())).collect()
}

#[test]
fn the_change_feed_tells_a_member_only_about_their_own_companies() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let b = app.company("B");
    let member = app.member("m@example.com", "A", "viewer");
    let m = Some(member.as_str());
    let admin = app.admin.clone();
    let me = app.call(&member, None, "auth.me", json!({})).unwrap()["user"]["id"].as_i64().unwrap();

    // Without `after`: where to start, nothing else.
    let (start, changes) = feed(&mut app, m, None).unwrap();
    assert_eq!(start, last_id(&app.cora));
    assert!(changes.is_empty());
    assert_eq!(feed(&mut app, m, Some(start)).unwrap(), (start, BTreeSet::new()), "nothing new");

    app.admin_in("A", "role.create", json!({"name": "Clerk"})).unwrap();
    app.admin_in("B", "role.create", json!({"name": "Clerk"})).unwrap();
    app.admin_call("user.create", json!({"email": "other@example.com", "display_name": "Other", "password": PASSWORD})).unwrap();
    let (latest, changes) = feed(&mut app, m, Some(start)).unwrap();
    assert_eq!(latest, last_id(&app.cora));
    assert_eq!(changes, pairs(&[(Some(a), "role")]), "B's role and another user's account stay hidden");
    let (_, all) = feed(&mut app, Some(&admin), Some(start)).unwrap();
    assert_eq!(all, pairs(&[(Some(a), "role"), (Some(b), "role"), (None, "user")]), "a superuser hears of everything");

    // Rows with no company: global roles, the member's own account, archiving their company.
    let next = latest;
    app.admin_call("role.create_global", json!({"name": "Auditor"})).unwrap();
    let (next2, changes) = feed(&mut app, m, Some(next)).unwrap();
    assert_eq!(changes, pairs(&[(None, "role")]));
    app.admin_call("user.update", json!({"id": me, "display_name": "Em"})).unwrap();
    let (next3, changes) = feed(&mut app, m, Some(next2)).unwrap();
    assert_eq!(changes, pairs(&[(None, "user")]), "their own account");
    app.admin_call("company.set_archived", json!({"id": b, "archived": true})).unwrap();
    app.admin_call("auth.logout", json!({})).unwrap();
    let (next4, changes) = feed(&mut app, m, Some(next3)).unwrap();
    assert!(changes.is_empty(), "B archived and the admin's sign-out are not the member's business: {changes:?}");
    app.admin = login(&mut app.cora, cora_core::testing::ADMIN_EMAIL, PASSWORD).unwrap();
    app.admin_call("company.set_archived", json!({"id": a, "archived": true})).unwrap();
    let (_, changes) = feed(&mut app, m, Some(next4)).unwrap();
    assert_eq!(changes, pairs(&[(Some(a), "company")]), "their company archived (in its own log)");

    // Reading the feed writes nothing.
    let before = crate::dump(app.cora.store().conn(), &[]);
    feed(&mut app, m, Some(start)).unwrap();
    assert_eq!(crate::dump(app.cora.store().conn(), &[]), before);

    // Nobody signed in, or a forged token: refused.
    assert_eq!(feed(&mut app, None, Some(start)).unwrap_err().code(), ErrorCode::Unauthenticated);
    assert_eq!(feed(&mut app, Some("forged"), Some(start)).unwrap_err().code(), ErrorCode::Unauthenticated);
}
