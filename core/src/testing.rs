//! Shared builders for tests of every module (behind the `testing` feature): a real
//! Cora file in a temp dir, an administrator, companies and users, and calls through
//! the real command layer.

use crate::{CompanyRef, Cora, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery";

/// A clock a test moves by hand, given to a file with [`ManualClock::install`].
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// Starting at `start` (so two files built the same way hold the same data).
    pub fn at(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Starting now, in whole seconds (so retry-after figures come out exact), and
    /// installed in `cora`.
    pub fn installed(cora: &mut Cora) -> ManualClock {
        let c = ManualClock::at(Utc.timestamp_opt(Utc::now().timestamp(), 0).single().expect("a valid instant"));
        c.install(cora);
        c
    }

    pub fn install(&self, cora: &mut Cora) {
        let inner = self.0.clone();
        cora.set_clock(Arc::new(move || *inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)));
    }

    pub fn advance(&self, d: chrono::Duration) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += d;
    }
}

/// A Cora file in its own temp dir, with a signed-in administrator.
pub struct TestApp {
    pub cora: Cora,
    pub admin: String,
    pub dir: tempfile::TempDir,
}

impl TestApp {
    pub fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cora = Cora::open(dir.path().join("cora.db")).expect("open");
        cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD).expect("bootstrap");
        let admin = login(&mut cora, ADMIN_EMAIL, PASSWORD).expect("admin login");
        TestApp { cora, admin, dir }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("cora.db")
    }

    /// Runs a global command as the administrator.
    pub fn admin_call(&mut self, command: &str, args: Value) -> Result<Value> {
        let token = self.admin.clone();
        self.cora.call(Some(&token), None, command, args)
    }

    /// Runs a command as `token`, in `company` when given (by code).
    pub fn call(&mut self, token: &str, company: Option<&str>, command: &str, args: Value) -> Result<Value> {
        let company = company.map(|c| CompanyRef::Code(c.to_string()));
        self.cora.call(Some(token), company.as_ref(), command, args)
    }

    /// Runs a company-scoped command as the administrator.
    pub fn admin_in(&mut self, company: &str, command: &str, args: Value) -> Result<Value> {
        let token = self.admin.clone();
        self.call(&token, Some(company), command, args)
    }

    /// Creates a company with sensible defaults; returns its id.
    pub fn company(&mut self, code: &str) -> i64 {
        let c = self
            .admin_call("company.create", json!({"code": code, "name": format!("{code} Ltd"), "base_currency": "EUR", "locale": "en-IE", "timezone": "Europe/Dublin"}))
            .expect("company.create");
        c["id"].as_i64().expect("id")
    }

    /// Creates a user, makes them a member of `company` with the built-in role `role_key`
    /// (`owner`, `viewer`, ...) and signs them in; returns their token.
    pub fn member(&mut self, email: &str, company: &str, role_key: &str) -> String {
        self.admin_call("user.create", json!({"email": email, "display_name": email, "password": PASSWORD})).expect("user.create");
        let roles = self.admin_in(company, "role.list", json!({})).expect("role.list");
        let role = roles.as_array().unwrap().iter().find(|r| r["builtin"] == role_key).expect("built-in role")["id"].clone();
        self.admin_in(company, "membership.add", json!({"email": email, "role_id": role})).expect("membership.add");
        login(&mut self.cora, email, PASSWORD).expect("login")
    }
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}

pub fn login(cora: &mut Cora, email: &str, password: &str) -> Result<String> {
    let out = cora.call(None, None, "auth.login", json!({"email": email, "password": password}))?;
    Ok(out["token"].as_str().unwrap_or_default().to_string())
}

/// What sync tests compare: a company in the file, and what a consumer of a files sink
/// rebuilds from its bundles, row by row.
pub mod sync {
    use crate::sync::capture;
    use crate::sync::files::Manifest;
    use rusqlite::Connection;
    use serde_json::Value;
    use std::collections::BTreeMap;
    use std::path::Path;

    pub type Rows = BTreeMap<String, BTreeMap<String, Value>>;

    /// Every captured row of one company in the file: table → primary key → row.
    pub fn company_rows(db: &Connection, tenant: i64) -> Rows {
        let mut out = Rows::new();
        for t in capture::tables(db).unwrap() {
            let sql = format!("SELECT {}, {} FROM \"{}\" AS r WHERE r.\"{}\" = ?1", t.pk_json("r."), t.row_json("r."), t.name, t.tenant_column);
            let mut stmt = db.prepare(&sql).unwrap();
            let rows = stmt.query_map([tenant], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
            for r in rows {
                let (pk, row) = r.unwrap();
                let pk = serde_json::to_string(&serde_json::from_str::<Value>(&pk).unwrap()).unwrap();
                out.entry(t.name.clone()).or_default().insert(pk, serde_json::from_str(&row).unwrap());
            }
        }
        out.retain(|_, v| !v.is_empty());
        out
    }

    /// What a consumer of the folder rebuilds: the newest generation's snapshot, then every
    /// changes bundle after it, in order, as the manifest lists them. Checks the bundles'
    /// hashes and that no change is listed twice.
    pub fn rebuild(dir: &Path) -> (Rows, Manifest) {
        let m: Manifest = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let snap = m.bundles.iter().filter(|b| b.kind == "snapshot" && b.generation == m.generation).last().expect("a snapshot");
        let mut rows = Rows::new();
        let mut last = snap.to_seq;
        let mut seen = std::collections::HashSet::new();
        for b in m.bundles.iter().filter(|b| b.generation == m.generation && (b.file == snap.file || b.kind == "changes" && b.from_seq > snap.to_seq)) {
            let text = std::fs::read_to_string(dir.join(&b.file)).unwrap();
            use sha2::Digest;
            assert_eq!(hex::encode(sha2::Sha256::digest(text.as_bytes())), b.sha256, "{} hash", b.file);
            assert_eq!(text.lines().count() as u64, b.lines);
            if b.kind == "changes" {
                assert!(b.from_seq > last, "bundle {} overlaps the one before", b.file);
                last = b.to_seq;
            }
            for line in text.lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                let table = v["table"].as_str().unwrap().to_string();
                let pk = serde_json::to_string(&v["pk"]).unwrap();
                if let Some(seq) = v["seq"].as_i64() {
                    assert!(seen.insert(seq), "change {seq} listed twice");
                }
                match v["op"].as_str().unwrap() {
                    "snapshot" | "insert" | "update" => {
                        rows.entry(table).or_default().insert(pk, v["row"].clone());
                    }
                    "delete" => {
                        rows.entry(table).or_default().remove(&pk);
                    }
                    op => panic!("unknown op {op}"),
                }
            }
        }
        assert_eq!(m.last_seq, last.max(snap.to_seq));
        rows.retain(|_, v| !v.is_empty());
        (rows, m)
    }

    /// Fails with the rows that differ, not the whole company.
    #[track_caller]
    pub fn assert_same(got: &Rows, want: &Rows) {
        let mut diff = Vec::new();
        for t in got.keys().chain(want.keys()).collect::<std::collections::BTreeSet<_>>() {
            let (g, w) = (got.get(t).cloned().unwrap_or_default(), want.get(t).cloned().unwrap_or_default());
            for k in g.keys().chain(w.keys()).collect::<std::collections::BTreeSet<_>>() {
                if g.get(k) != w.get(k) {
                    diff.push(format!("{t} {k}: sink {:?} / file {:?}", g.get(k), w.get(k)));
                }
            }
        }
        assert!(diff.is_empty(), "{} rows differ:\n{}", diff.len(), diff.iter().take(8).cloned().collect::<Vec<_>>().join("\n"));
    }

}
