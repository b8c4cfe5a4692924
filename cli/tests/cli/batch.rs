//! `cora batch`: one result line per command line; `--atomic` commits all or nothing.

use crate::{ADMIN, Env};
use serde_json::json;

fn create(name: &str) -> String {
    json!({"command": "role.create", "args": {"name": name}, "company": "ACME"}).to_string()
}

#[test]
fn each_line_runs_on_its_own_and_reports_its_outcome() {
    let env = Env::new();
    let input = [
        create("One"),
        "{this is not json".to_string(),
        String::new(),
        json!({"command": "no.such", "args": {}}).to_string(),
        json!({"command": "role.create", "args": {"name": "x"}, "company": "ACME", "extra": 1}).to_string(),
        create("one"),
        create("Two"),
        json!({"command": "company.list"}).to_string(),
    ]
    .join("\n");
    let out = env.run(&["batch", "--user", ADMIN], Some(&input));
    assert_eq!(out.code, 4, "{out:?}");
    let lines = out.lines();
    // One line per non-blank input line.
    assert_eq!(lines.len(), 7, "{out:?}");
    let oks: Vec<bool> = lines.iter().map(|l| l["ok"].as_bool().unwrap()).collect();
    assert_eq!(oks, [true, false, false, false, false, true, true]);
    assert_eq!(lines[0]["result"]["name"], "One");
    assert_eq!((lines[1]["line"].as_i64(), lines[1]["error"]["code"].as_str()), (Some(2), Some("validation")));
    assert_eq!((lines[2]["line"].as_i64(), lines[2]["error"]["code"].as_str()), (Some(4), Some("not_found")));
    assert_eq!(lines[3]["error"]["code"], "validation");
    assert_eq!((lines[4]["line"].as_i64(), lines[4]["error"]["code"].as_str()), (Some(6), Some("conflict")));
    assert_eq!(lines[6]["result"][0]["code"], "ACME");
    let mut names = env.role_names();
    names.sort();
    assert_eq!(names, ["One", "Two"]);
}

#[test]
fn an_atomic_batch_commits_everything() {
    let env = Env::new();
    let input = [create("One"), create("Two"), create("Three")].join("\n");
    let out = env.run(&["batch", "--atomic", "--user", ADMIN], Some(&input));
    let lines = out.ok().lines();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["ok"] == true));
    assert_eq!(env.role_names().len(), 3);
}

#[test]
fn an_atomic_batch_with_a_bad_line_rolls_everything_back() {
    let env = Env::new();
    // The third line conflicts with the first: the first two are undone.
    let input = [create("One"), create("Two"), create("ONE"), create("Four")].join("\n");
    let out = env.run(&["batch", "--atomic", "--user", ADMIN], Some(&input));
    assert_eq!(out.code, 4, "{out:?}");
    let lines = out.lines();
    assert_eq!(lines.len(), 1, "{out:?}");
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[0]["rolled_back"], true);
    assert_eq!(lines[0]["error"]["code"], "conflict");
    assert!(env.role_names().is_empty());

    // A line that is not JSON stops the batch before anything runs.
    let input = [create("One"), "{oops".to_string()].join("\n");
    let out = env.run(&["batch", "--atomic", "--user", ADMIN], Some(&input));
    assert_eq!(out.code, 4);
    assert_eq!(out.lines().last().unwrap()["line"], 2);
    assert!(env.role_names().is_empty());

    // So does a permission failure, with its own exit code.
    env.call(&["user.create", r#"{"email":"v@example.com","display_name":"V","password":"correct horse battery"}"#]).ok();
    let roles = env.call(&["role.list", "--company", "ACME"]).ok().json();
    let viewer = roles.as_array().unwrap().iter().find(|r| r["builtin"] == "viewer").unwrap()["id"].clone();
    env.call(&["membership.add", &json!({"email": "v@example.com", "role_id": viewer}).to_string(), "--company", "ACME"]).ok();
    let input = [json!({"command": "company.get", "company": "ACME"}).to_string(), create("One")].join("\n");
    let out = env.run(&["batch", "--atomic", "--user", "v@example.com"], Some(&input));
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.lines()[0]["error"]["code"], "forbidden");
    assert!(env.role_names().is_empty());
}

#[test]
fn a_batch_needs_a_valid_sign_in_first() {
    let env = Env::new();
    let out = crate::run(env.cmd().env("CORA_PASSWORD", "wrong password").args(["batch", "--user", ADMIN]), Some(&create("One")));
    out.fails(3, "unauthenticated");
    assert!(env.role_names().is_empty());
}
