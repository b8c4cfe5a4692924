//! Company isolation: random operations over two companies never let one company's
//! listings or lookups show the other's rows, and SQLite itself refuses a forged
//! cross-company reference.

use crate::{code_of, dump};
use cora_core::testing::{PASSWORD, TestApp};
use cora_core::{CompanyRef, ErrorCode};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Who acts: the administrator, the Owner of the company named in the call, or the
/// Owner of the other company (an outsider there).
#[derive(Debug, Clone, Copy)]
enum Actor {
    Admin,
    OwnOwner,
    OtherOwner,
}

#[derive(Debug, Clone)]
enum Op {
    CreateRole { name: u8 },
    RenameRole { pick: usize, name: u8 },
    SetPermissions { pick: usize, perms: Vec<usize> },
    DeleteRole { pick: usize },
    GetRole { pick: usize },
    AddMember { user: usize, role: usize },
    ChangeMember { pick: usize, role: usize },
    RemoveMember { pick: usize },
    UpdateCompany { name: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u8>().prop_map(|name| Op::CreateRole { name }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(pick, name)| Op::RenameRole { pick, name }),
        1 => (any::<usize>(), prop::collection::vec(any::<usize>(), 0..4)).prop_map(|(pick, perms)| Op::SetPermissions { pick, perms }),
        1 => any::<usize>().prop_map(|pick| Op::DeleteRole { pick }),
        2 => any::<usize>().prop_map(|pick| Op::GetRole { pick }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(user, role)| Op::AddMember { user, role }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(pick, role)| Op::ChangeMember { pick, role }),
        1 => any::<usize>().prop_map(|pick| Op::RemoveMember { pick }),
        1 => any::<u8>().prop_map(|name| Op::UpdateCompany { name }),
    ]
}

fn step() -> impl Strategy<Value = (usize, Actor, Op)> {
    (0..2usize, prop_oneof![Just(Actor::Admin), Just(Actor::OwnOwner), Just(Actor::OtherOwner)], op())
}

/// Two companies, each with its own Owner, and three users who belong nowhere yet.
struct World {
    app: TestApp,
    companies: [i64; 2],
    /// (token, user id) of each company's Owner.
    owners: [(String, i64); 2],
    users: Vec<String>,
    perms: Vec<String>,
}

impl World {
    fn new() -> World {
        let mut app = TestApp::new();
        let a = app.company("A");
        let b = app.company("B");
        let mut owners = Vec::new();
        for (email, code) in [("owner.a@example.com", "A"), ("owner.b@example.com", "B")] {
            let token = app.member(email, code, "owner");
            let id = app.call(&token, None, "auth.me", json!({})).unwrap()["user"]["id"].as_i64().unwrap();
            owners.push((token, id));
        }
        let users: Vec<String> = (0..3).map(|i| format!("user{i}@example.com")).collect();
        for u in &users {
            app.admin_call("user.create", json!({"email": u, "display_name": u, "password": PASSWORD})).unwrap();
        }
        let perms = app.cora.registry().permissions().map(|p| p.codename.to_string()).collect();
        let owners: [(String, i64); 2] = owners.try_into().unwrap();
        World { app, companies: [a, b], owners, users, perms }
    }

    fn ids(&self, sql: &str, p: impl rusqlite::Params) -> Vec<i64> {
        let conn = self.app.cora.store().conn();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map(p, |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn pick(&self, table: &str, n: usize) -> Option<i64> {
        let all = self.ids(&format!("SELECT id FROM {table} ORDER BY id"), []);
        if all.is_empty() { None } else { Some(all[n % all.len()]) }
    }

    /// The company a role belongs to (`None`: global).
    fn role_tenant(&self, id: i64) -> Option<i64> {
        self.app.cora.store().conn().query_row("SELECT tenant_id FROM roles WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    }

    fn membership_tenant(&self, id: i64) -> i64 {
        self.app.cora.store().conn().query_row("SELECT tenant_id FROM memberships WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    }

    fn is_member(&self, company: i64, user: i64) -> bool {
        !self.ids("SELECT id FROM memberships WHERE tenant_id = ?1 AND user_id = ?2", [company, user]).is_empty()
    }

    fn call(&mut self, token: &str, company: Option<i64>, command: &str, args: Value) -> cora_core::Result<Value> {
        let company = company.map(CompanyRef::Id);
        self.app.cora.call(Some(token), company.as_ref(), command, args)
    }

    /// Runs one step. Returns whether it named a row of the other company (or was made
    /// by someone who is not a member), in which case it must fail and write nothing.
    fn run(&mut self, co: usize, actor: Actor, op: &Op) -> (bool, cora_core::Result<Value>) {
        let me = self.companies[co];
        let (token, user) = match actor {
            Actor::Admin => (self.app.admin.clone(), 0),
            Actor::OwnOwner => self.owners[co].clone(),
            Actor::OtherOwner => self.owners[1 - co].clone(),
        };
        let mut foreign = !matches!(actor, Actor::Admin) && !self.is_member(me, user);
        let foreign_role = |w: &World, id: i64| w.role_tenant(id).is_some_and(|t| t != me);
        let (command, args) = match op {
            Op::CreateRole { name } => ("role.create", json!({"name": format!("Role {}", name % 5)})),
            Op::RenameRole { pick, name } => {
                let id = self.pick("roles", *pick).unwrap();
                foreign |= foreign_role(self, id);
                ("role.update", json!({"id": id, "name": format!("Role {}", name % 5)}))
            }
            Op::SetPermissions { pick, perms } => {
                let id = self.pick("roles", *pick).unwrap();
                foreign |= foreign_role(self, id);
                let perms: Vec<&String> = perms.iter().map(|i| &self.perms[i % self.perms.len()]).collect();
                ("role.set_permissions", json!({"id": id, "permissions": perms}))
            }
            Op::DeleteRole { pick } => {
                let id = self.pick("roles", *pick).unwrap();
                foreign |= foreign_role(self, id);
                ("role.delete", json!({"id": id}))
            }
            Op::GetRole { pick } => {
                let id = self.pick("roles", *pick).unwrap();
                foreign |= foreign_role(self, id);
                ("role.get", json!({"id": id}))
            }
            Op::AddMember { user, role } => {
                let id = self.pick("roles", *role).unwrap();
                foreign |= foreign_role(self, id);
                ("membership.add", json!({"email": self.users[user % self.users.len()], "role_id": id}))
            }
            Op::ChangeMember { pick, role } => {
                let m = self.pick("memberships", *pick).unwrap();
                let r = self.pick("roles", *role).unwrap();
                foreign |= self.membership_tenant(m) != me || foreign_role(self, r);
                ("membership.change_role", json!({"id": m, "role_id": r}))
            }
            Op::RemoveMember { pick } => {
                let m = self.pick("memberships", *pick).unwrap();
                foreign |= self.membership_tenant(m) != me;
                ("membership.remove", json!({"id": m}))
            }
            Op::UpdateCompany { name } => ("company.update", json!({"name": format!("Company {name}")})),
        };
        (foreign, self.call(&token, Some(me), command, args))
    }

    /// What every company shows holds only its own rows, and all of them.
    fn check_isolation(&mut self) {
        let admin = self.app.admin.clone();
        for co in 0..2 {
            let me = self.companies[co];
            let roles = self.call(&admin, Some(me), "role.list", json!({})).unwrap();
            let listed: BTreeSet<i64> = roles.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
            let expected: BTreeSet<i64> =
                self.ids("SELECT id FROM roles WHERE tenant_id IS NULL OR tenant_id = ?1", [me]).into_iter().collect();
            assert_eq!(listed, expected, "role.list in company {me}");

            let members = self.call(&admin, Some(me), "membership.list", json!({})).unwrap();
            let listed: BTreeSet<i64> = members.as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
            let expected: BTreeSet<i64> = self.ids("SELECT id FROM memberships WHERE tenant_id = ?1", [me]).into_iter().collect();
            assert_eq!(listed, expected, "membership.list in company {me}");

            let audit = self.call(&admin, Some(me), "audit.list", json!({"limit": 1000})).unwrap();
            let rows = audit["rows"].as_array().unwrap();
            assert!(rows.iter().all(|r| r["company_id"] == json!(me)), "audit.list in {me} shows another company's rows");
            let expected = self.ids("SELECT id FROM audit_log WHERE tenant_id = ?1", [me]).len();
            assert_eq!(rows.len(), expected.min(1000));

            assert_eq!(self.call(&admin, Some(me), "company.get", json!({})).unwrap()["id"], json!(me));

            // Every lookup of the other company's own rows through this company fails as if absent.
            let other = self.companies[1 - co];
            for id in self.ids("SELECT id FROM roles WHERE tenant_id = ?1", [other]) {
                let r = self.call(&admin, Some(me), "role.get", json!({"id": id}));
                assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "role {id} of {other} seen from {me}");
            }
        }
        // An Owner sees only the companies they belong to, and what each one shows.
        for co in 0..2 {
            let (token, user) = self.owners[co].clone();
            let mine: BTreeSet<i64> = self.ids("SELECT tenant_id FROM memberships WHERE user_id = ?1", [user]).into_iter().collect();
            let listed = self.call(&token, None, "company.list", json!({})).unwrap();
            let listed: BTreeSet<i64> = listed.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
            assert_eq!(listed, mine);
            let me = self.call(&token, None, "auth.me", json!({})).unwrap();
            for p in me["permissions"].as_array().unwrap() {
                assert!(mine.contains(&p["company"].as_i64().unwrap()));
            }
            for c in self.companies {
                let r = self.call(&token, Some(c), "role.list", json!({}));
                if !mine.contains(&c) {
                    assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "an outsider reached company {c}");
                } else if let Ok(v) = r {
                    for role in v.as_array().unwrap() {
                        let t = self.role_tenant(role["id"].as_i64().unwrap());
                        assert!(t.is_none() || t == Some(c), "role of company {t:?} listed in {c}");
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_company_ever_shows_another_companys_rows(steps in prop::collection::vec(step(), 1..40)) {
        let mut w = World::new();
        for (co, actor, op) in &steps {
            let before = dump(w.app.cora.store().conn(), &[]);
            let (foreign, result) = w.run(*co, *actor, op);
            if let Err(e) = &result {
                prop_assert_ne!(e.code(), ErrorCode::Internal, "{:?} {:?}: {}", actor, op, e);
            }
            if foreign {
                let code = code_of(&result);
                prop_assert!(
                    matches!(code, Some(ErrorCode::NotFound | ErrorCode::Validation | ErrorCode::Forbidden)),
                    "{:?} in company {} by {:?} reached another company's row: {:?}", op, co, actor, result
                );
                prop_assert_eq!(&dump(w.app.cora.store().conn(), &[]), &before, "a refused {:?} wrote", op);
            }
            w.check_isolation();
        }
    }
}

#[test]
fn sqlite_refuses_a_membership_that_points_to_another_companys_role() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let b = app.company("B");
    let role_b = app.admin_in("B", "role.create", json!({"name": "B only"})).unwrap()["id"].as_i64().unwrap();
    let role_a = app.admin_in("A", "role.create", json!({"name": "A only"})).unwrap()["id"].as_i64().unwrap();
    app.admin_call("user.create", json!({"email": "x@example.com", "display_name": "X", "password": PASSWORD})).unwrap();
    let conn = app.cora.store().conn();
    let user: i64 = conn.query_row("SELECT id FROM users WHERE email = 'x@example.com'", [], |r| r.get(0)).unwrap();
    let now = "2026-01-01 00:00:00+00:00";
    let before = dump(conn, &[]);

    let forged = conn.execute(
        "INSERT INTO memberships (tenant_id, user_id, role_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![a, user, role_b, now],
    );
    let err = forged.expect_err("SQLite accepted a membership of A with a role of B");
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");

    // Its own company's role and a global one are fine...
    conn.execute(
        "INSERT INTO memberships (tenant_id, user_id, role_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![a, user, role_a, now],
    )
    .unwrap();
    // ...but moving the membership to B's role, or the membership to B while it keeps A's role, is not.
    let e = conn.execute("UPDATE memberships SET role_id = ?1 WHERE tenant_id = ?2 AND user_id = ?3", rusqlite::params![role_b, a, user]);
    assert!(e.expect_err("role moved across companies").to_string().contains("FOREIGN KEY"));
    let e = conn.execute("UPDATE memberships SET tenant_id = ?1 WHERE tenant_id = ?2 AND user_id = ?3", rusqlite::params![b, a, user]);
    assert!(e.expect_err("membership moved across companies").to_string().contains("FOREIGN KEY"));
    // And plain references to nothing are refused too (foreign_keys is on).
    let e = conn.execute(
        "INSERT INTO memberships (tenant_id, user_id, role_id, created_at) VALUES (999999, ?1, ?2, ?3)",
        rusqlite::params![user, role_a, now],
    );
    assert!(e.expect_err("membership of a company that does not exist").to_string().contains("FOREIGN KEY"));
    conn.execute("DELETE FROM memberships WHERE user_id = ?1", [user]).unwrap();
    assert_eq!(dump(conn, &[]), before);
}

#[test]
fn the_command_layer_refuses_cross_company_references_too() {
    let mut app = TestApp::new();
    app.company("A");
    app.company("B");
    let role_b = app.admin_in("B", "role.create", json!({"name": "B only"})).unwrap()["id"].as_i64().unwrap();
    let owner_a = app.member("owner.a@example.com", "A", "owner");
    app.admin_call("user.create", json!({"email": "x@example.com", "display_name": "X", "password": PASSWORD})).unwrap();
    let before = dump(app.cora.store().conn(), &[]);
    for token in [owner_a.clone(), app.admin.clone()] {
        let r = app.call(&token, Some("A"), "membership.add", json!({"email": "x@example.com", "role_id": role_b}));
        assert_eq!(code_of(&r), Some(ErrorCode::Validation));
        for cmd in ["role.get", "role.delete"] {
            assert_eq!(code_of(&app.call(&token, Some("A"), cmd, json!({"id": role_b}))), Some(ErrorCode::NotFound), "{cmd}");
        }
        let r = app.call(&token, Some("A"), "role.update", json!({"id": role_b, "name": "stolen"}));
        assert_eq!(code_of(&r), Some(ErrorCode::NotFound));
        let r = app.call(&token, Some("A"), "role.set_permissions", json!({"id": role_b, "permissions": []}));
        assert_eq!(code_of(&r), Some(ErrorCode::NotFound));
    }
    // The Owner of A does not even see B.
    assert_eq!(code_of(&app.call(&owner_a, Some("B"), "company.get", json!({}))), Some(ErrorCode::NotFound));
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}
