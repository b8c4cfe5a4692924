//! `cora sync run/status/resync`: the exporter from the command line, on a folder sink
//! (and a PostgreSQL sink that cannot be reached, which fails without stopping the others).

use crate::Env;
use serde_json::json;

#[test]
fn sync_run_status_and_resync_from_the_command_line() {
    let env = Env::new();
    let out = env.dir.path().join("lake");
    env.call(&["sync.add_sink", &json!({"name": "Lake", "kind": "files", "target": out}).to_string(), "--company", "ACME"]).ok();
    env.call(&["partner.create", r#"{"name":"Early"}"#, "--company", "ACME"]).ok();

    // Status needs the file only: the sink waits for its first load.
    let s = env.run(&["sync", "status"], None).ok().json();
    assert_eq!(s[0]["company"], "ACME");
    assert_eq!(s[0]["name"], "Lake");
    assert_eq!(s[0]["state"], "snapshot");

    let r = env.run(&["sync", "run", "--company", "ACME"], None).ok().json();
    assert_eq!(r[0]["error"], serde_json::Value::Null);
    assert!(r[0]["snapshot_rows"].as_u64().unwrap() > 0, "{r}");
    assert!(out.join("ACME").join("manifest.json").exists());

    env.call(&["partner.create", r#"{"name":"Later"}"#, "--company", "ACME"]).ok();
    let s = env.run(&["sync", "status", "--company", "ACME"], None).ok().json();
    assert_eq!(s[0]["state"], "streaming");
    assert!(s[0]["lag_changes"].as_i64().unwrap() > 0, "{s}");
    let r = env.run(&["sync", "run", "--batch-size", "1"], None).ok().json();
    assert!(r[0]["changes"].as_u64().unwrap() > 0, "{r}");
    let s = env.run(&["sync", "status"], None).ok().json();
    assert_eq!(s[0]["lag_changes"], 0);
    assert!(s[0]["lag_seconds"].is_null());

    // A resync signs in and goes through the command layer; the next run loads anew.
    let r = env.run(&["sync", "resync", "--company", "ACME", "--sink", "lake", "--user", crate::ADMIN], None).ok().json();
    assert_eq!((r["state"].as_str(), r["generation"].as_i64()), (Some("snapshot"), Some(2)));
    let bad = env.run(&["sync", "resync", "--company", "ACME", "--sink", "nope", "--user", crate::ADMIN], None);
    assert_ne!(bad.code, 0);
    env.run(&["sync", "run"], None).ok();
    let s = env.run(&["sync", "status"], None).ok().json();
    assert_eq!((s[0]["state"].as_str(), s[0]["generation"].as_i64()), (Some("streaming"), Some(2)));

    // A PostgreSQL sink nobody listens for: the run says so (exit 1), records the error,
    // and the folder sink still ran.
    env.call(&["sync.add_sink", r#"{"name":"PG","kind":"postgres","target":"postgresql://cora@127.0.0.1:1/none?connect_timeout=2"}"#, "--company", "ACME"]).ok();
    env.call(&["partner.create", r#"{"name":"Last"}"#, "--company", "ACME"]).ok();
    let run = env.run(&["sync", "run"], None);
    assert_eq!(run.code, 1, "{run:?}");
    let r = run.json();
    let pg = r.as_array().unwrap().iter().find(|x| x["name"] == "PG").unwrap();
    assert!(pg["error"].as_str().unwrap().contains("cannot connect"), "{pg}");
    let lake = r.as_array().unwrap().iter().find(|x| x["name"] == "Lake").unwrap();
    assert_eq!(lake["error"], serde_json::Value::Null);
    assert!(lake["changes"].as_u64().unwrap() > 0);
    let s = env.run(&["sync", "status"], None).ok().json();
    let pg = s.as_array().unwrap().iter().find(|x| x["name"] == "PG").unwrap();
    assert_eq!(pg["failures"], 1);
    assert!(pg["last_error"].as_str().unwrap().contains("cannot connect"));
    assert!(pg["next_try_at"].is_string());
}
