//! Shared builders for tests of every module (behind the `testing` feature): a real
//! Cora file in a temp dir, an administrator, companies and users, and calls through
//! the real command layer.

use crate::{CompanyRef, Cora, Result};
use serde_json::{Value, json};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery";

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
