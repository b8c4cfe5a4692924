//! `cora backup` and `cora restore`.

use crate::{ADMIN, Env};
use cora_core::store::{self, FileState};

#[test]
fn backup_writes_a_file_that_opens_with_the_data() {
    let env = Env::new();
    env.call(&["role.create", r#"{"name":"Clerk"}"#, "--company", "ACME"]).ok();
    let dest = env.dir.path().join("copy.db");
    let v = env.run(&["backup", dest.to_str().unwrap()], None).ok().json();
    assert_eq!(v["backup"], dest.to_str().unwrap());
    assert_eq!(store::inspect(&dest).unwrap(), FileState::Cora { version: store::latest_version() });
    // The copy is a working Cora file with the same data.
    let out = crate::run(env.cmd().env("CORA_DB", &dest).args(["call", "role.list", "--company", "ACME", "--user", ADMIN]), None);
    let roles = out.ok().json();
    assert!(roles.as_array().unwrap().iter().any(|r| r["name"] == "Clerk"));
    // It is never overwritten.
    let bytes = std::fs::read(&dest).unwrap();
    env.run(&["backup", dest.to_str().unwrap()], None).fails(5, "internal");
    assert!(std::fs::read(&dest).unwrap() == bytes);
}

#[test]
fn restore_swaps_the_backup_in_and_keeps_the_replaced_file() {
    let env = Env::new();
    let dest = env.dir.path().join("copy.db");
    env.run(&["backup", dest.to_str().unwrap()], None).ok();
    env.call(&["role.create", r#"{"name":"After the backup"}"#, "--company", "ACME"]).ok();

    let v = env.run(&["restore", dest.to_str().unwrap()], None).ok().json();
    let kept = std::path::PathBuf::from(v["replaced_file_kept_at"].as_str().expect("the replaced file is kept"));
    assert!(kept.exists());
    assert_eq!(v["restored"], env.db.to_str().unwrap());
    // The file holds the backup's data; the kept one holds what was replaced.
    assert!(env.role_names().is_empty());
    let out = crate::run(env.cmd().env("CORA_DB", &kept).args(["call", "role.list", "--company", "ACME", "--user", ADMIN]), None);
    assert!(out.ok().json().as_array().unwrap().iter().any(|r| r["name"] == "After the backup"));
}

#[test]
fn restore_refuses_a_file_that_is_not_a_cora_backup() {
    let env = Env::new();
    let before = std::fs::read(&env.db).unwrap();
    let junk = env.dir.path().join("junk.db");
    std::fs::write(&junk, vec![0xABu8; 10_000]).unwrap();
    env.run(&["restore", junk.to_str().unwrap()], None).fails(5, "internal");
    let missing = env.dir.path().join("missing.db");
    let out = env.run(&["restore", missing.to_str().unwrap()], None);
    assert_ne!(out.code, 0);
    out.error();
    assert!(std::fs::read(&env.db).unwrap() == before, "a refused restore changed the file");
    assert!(!missing.exists(), "restore created its source");
}
