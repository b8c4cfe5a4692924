//! `cora init` and `cora call`, and the exit code of each kind of failure.

use crate::{ADMIN, Env};

#[test]
fn init_creates_the_administrator_once_then_reports_up_to_date() {
    let env = Env::empty();
    let out = env.run(&["init", "--admin-email", ADMIN, "--admin-name", "Ada"], None);
    let v = out.ok().json();
    assert_eq!(v["created_admin"]["email"], ADMIN);
    assert_eq!(v["created_admin"]["display_name"], "Ada");
    assert_eq!(v["created_admin"]["is_superuser"], true);
    assert!(env.db.exists());

    let again = env.run(&["init", "--admin-email", "someone.else@example.com"], None);
    let v = again.ok().json();
    assert_eq!(v["status"], "up to date");
    assert!(v["schema_version"].as_i64().unwrap() >= 1);
    // Still only the first administrator.
    let users = env.call(&["user.list"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[test]
fn init_refuses_what_it_cannot_do() {
    let env = Env::empty();
    // No email and no terminal to ask on.
    env.run(&["init"], None).fails(2, "usage");
    // A password the policy refuses.
    let out = crate::run(env.cmd().env("CORA_PASSWORD", "short").args(["init", "--admin-email", ADMIN]), None);
    let e = out.fails(4, "validation");
    assert_eq!(e["fields"][0]["field"], "password");
    // Not a Cora file: refused, untouched.
    let junk = env.dir.path().join("junk.db");
    std::fs::write(&junk, "not a database at all, just text").unwrap();
    let out = crate::run(env.cmd().env("CORA_DB", &junk).args(["init", "--admin-email", ADMIN]), None);
    out.fails(5, "internal");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), "not a database at all, just text");
}

#[test]
fn call_prints_the_result_as_json() {
    let env = Env::new();
    let role = env.call(&["role.create", r#"{"name":"Clerk"}"#, "--company", "ACME"]).ok().json();
    assert_eq!(role["name"], "Clerk");
    // By id too, and a command without args.
    let me = env.call(&["auth.me"]).ok().json();
    assert_eq!(me["user"]["email"], ADMIN);
    assert_eq!(me["companies"][0]["code"], "ACME");
    assert!(env.role_names().contains(&"Clerk".to_string()));
    // The user can come from the environment.
    let out = crate::run(env.cmd().env("CORA_USER", ADMIN).args(["call", "company.list"]), None);
    assert_eq!(out.ok().json()[0]["code"], "ACME");
}

#[test]
fn failures_exit_with_their_kind_and_a_json_error_on_stderr() {
    let env = Env::new();
    env.run(&["call", "user.create", r#"{"email":"v@example.com","display_name":"V","password":"correct horse battery"}"#, "--user", ADMIN], None).ok();
    let roles = env.call(&["role.list", "--company", "ACME"]).ok().json();
    let viewer = roles.as_array().unwrap().iter().find(|r| r["builtin"] == "viewer").unwrap()["id"].clone();
    env.call(&["membership.add", &format!(r#"{{"email":"v@example.com","role_id":{viewer}}}"#), "--company", "ACME"]).ok();

    // 4: bad input of every kind.
    let e = env.call(&["role.create", "{not json", "--company", "ACME"]).fails(4, "validation");
    assert_eq!(e["fields"][0]["field"], "args");
    env.call(&["role.create", r#"{"name":""}"#, "--company", "ACME"]).fails(4, "validation");
    env.call(&["role.create", r#"{"name":42}"#, "--company", "ACME"]).fails(4, "validation");
    env.call(&["role.create", r#"["Clerk"]"#, "--company", "ACME"]).fails(4, "validation");
    env.call(&["role.create", r#"{"name":"x"}"#]).fails(4, "validation");
    env.call(&["company.create", r#"{"code":"acme","name":"Again","base_currency":"EUR"}"#]).fails(4, "conflict");
    env.call(&["no.such_command"]).fails(4, "not_found");
    env.call(&["role.list", "--company", "NOPE"]).fails(4, "not_found");
    env.call(&["role.get", r#"{"id":999999}"#, "--company", "ACME"]).fails(4, "not_found");

    // 3: who you are and what you may do.
    let out = crate::run(env.cmd().env("CORA_PASSWORD", "wrong password").args(["call", "auth.me", "--user", ADMIN]), None);
    let e = out.fails(3, "unauthenticated");
    let unknown = crate::run(env.cmd().env("CORA_PASSWORD", "wrong password").args(["call", "auth.me", "--user", "ghost@example.com"]), None);
    assert_eq!(unknown.fails(3, "unauthenticated"), e, "an unknown user must look like a wrong password");
    env.run(&["call", "role.create", r#"{"name":"x"}"#, "--company", "ACME", "--user", "v@example.com"], None).fails(3, "forbidden");
    env.run(&["call", "user.list", "--user", "v@example.com"], None).fails(3, "forbidden");

    // 2: the command line itself.
    env.run(&["call"], None).fails(2, "usage");
    env.run(&["call", "auth.me"], None).fails(2, "usage");
    env.run(&["frobnicate"], None).fails(2, "usage");
    env.run(&["call", "auth.me", "--user", ADMIN, "--no-such-flag"], None).fails(2, "usage");
    // Without a password in the environment and no terminal: a usage error, not a hang.
    let out = crate::run(env.cmd().env_remove("CORA_PASSWORD").args(["call", "auth.me", "--user", ADMIN]), None);
    out.fails(2, "usage");

    // Nothing of the above was written.
    assert!(env.role_names().is_empty());
}

#[test]
fn throttling_reaches_the_command_line_with_its_wait() {
    let env = Env::new();
    for _ in 0..5 {
        let out = crate::run(env.cmd().env("CORA_PASSWORD", "wrong password").args(["call", "auth.me", "--user", ADMIN]), None);
        out.fails(3, "unauthenticated");
    }
    let out = env.call(&["auth.me"]);
    let e = out.fails(3, "throttled");
    let wait = e["retry_after_secs"].as_i64().unwrap();
    assert!(wait > 0 && wait <= 900, "{e}");
}
