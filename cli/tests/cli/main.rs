//! Tests of the real `cora` binary against real files in temp dirs.

mod batch;
mod call;
mod check;
mod concurrency;
mod exchange;
mod files;
mod misc;
mod print;
mod report;
mod sync;
mod sync_cli;

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const ADMIN: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery";

/// What a run of `cora` gave back.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Stdout as one JSON document per line.
    pub fn lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("line is not JSON ({e}): {l}"))).collect()
    }

    /// The error on stderr: exactly one JSON line with a code and a message.
    pub fn error(&self) -> Value {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "stderr is not one line: {self:?}");
        let v: Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {self:?}"));
        assert!(v["code"].is_string() && v["message"].is_string() && v["fields"].is_array(), "{v}");
        v
    }

    /// Checks the exit code and the error code; returns the error.
    pub fn fails(&self, exit: i32, code: &str) -> Value {
        assert_eq!(self.code, exit, "{self:?}");
        let e = self.error();
        assert_eq!(e["code"], code, "{self:?}");
        assert!(self.stdout.is_empty(), "a failure printed a result: {self:?}");
        e
    }

    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

/// A temp dir with a Cora file made by `cora init`.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Env {
    /// A new file with the administrator and a company ACME.
    pub fn new() -> Env {
        let env = Env::empty();
        env.run(&["init", "--admin-email", ADMIN], None).ok();
        env.call(&["company.create", r#"{"code":"ACME","name":"Acme Ltd","base_currency":"EUR"}"#]).ok();
        env
    }

    /// A temp dir where the file does not exist yet.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cora.db");
        Env { dir, db }
    }

    /// `cora` with this file, the test password, and nothing from the caller's environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cora"));
        c.env("CORA_DB", &self.db).env("CORA_PASSWORD", PASSWORD).env_remove("CORA_USER").current_dir(self.dir.path());
        c
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Out {
        run(self.cmd().args(args), stdin)
    }

    /// `cora call <args> --user admin`.
    pub fn call(&self, args: &[&str]) -> Out {
        let mut all = vec!["call"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--user", ADMIN]);
        self.run(&all, None)
    }

    /// The custom (non-built-in) roles of ACME, by name.
    pub fn role_names(&self) -> Vec<String> {
        let roles = self.call(&["role.list", "--company", "ACME"]).ok().json();
        roles.as_array().unwrap().iter().filter(|r| r["builtin"].is_null()).map(|r| r["name"].as_str().unwrap().to_string()).collect()
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

pub fn run(cmd: &mut Command, stdin: Option<&str>) -> Out {
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn cora");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_string();
        // Write from a thread so a large input cannot deadlock against a full stdout.
        std::thread::spawn(move || {
            let _ = pipe.write_all(input.as_bytes());
        });
    }
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// Posts one entry in ACME's general journal: `amount` debited to the bank account 1100
/// and credited to share capital 3000, dated 2026-02-01. Returns the bank account's id.
pub fn post_bank_capital(env: &Env, amount: &str) -> i64 {
    let accounts = env.call(&["account.list", r#"{"search":"1100"}"#, "--company", "ACME"]).ok().json();
    let bank = accounts.as_array().unwrap().iter().find(|a| a["code"] == "1100").unwrap()["id"].as_i64().unwrap();
    let capital = env.call(&["account.list", r#"{"search":"3000"}"#, "--company", "ACME"]).ok().json()[0]["id"].as_i64().unwrap();
    let journals = env.call(&["journal.list", "{}", "--company", "ACME"]).ok().json();
    let general = journals.as_array().unwrap().iter().find(|j| j["code"] == "GEN").unwrap()["id"].as_i64().unwrap();
    let entry = format!(
        r#"{{"journal_id":{general},"date":"2026-02-01","lines":[{{"account_id":{bank},"debit":"{amount}"}},{{"account_id":{capital},"credit":"{amount}"}}]}}"#
    );
    env.call(&["entry.post_new", &entry, "--company", "ACME"]).ok();
    bank
}
