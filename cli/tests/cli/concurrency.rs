//! Two `cora` processes writing to one file at the same time: writers wait for each
//! other (WAL, busy timeout, immediate transactions) instead of failing.

use crate::{ADMIN, Env, run};
use serde_json::json;

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let env = Env::new();
    const EACH: usize = 300;
    let input = |p: usize| -> String {
        (0..EACH).map(|i| json!({"command": "role.create", "args": {"name": format!("p{p} role {i}")}, "company": "ACME"}).to_string() + "\n").collect()
    };
    let handles: Vec<_> = (0..2)
        .map(|p| {
            let mut cmd = env.cmd();
            cmd.args(["batch", "--user", ADMIN]);
            let input = input(p);
            std::thread::spawn(move || run(&mut cmd, Some(&input)))
        })
        .collect();
    let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for out in &outs {
        assert!(!out.stdout.contains("locked") && !out.stderr.contains("locked"), "{out:?}");
        assert_eq!(out.code, 0, "{}", out.stderr);
        let lines = out.lines();
        assert_eq!(lines.len(), EACH);
        assert!(lines.iter().all(|l| l["ok"] == true), "{:?}", lines.iter().find(|l| l["ok"] != true));
    }
    let names = env.role_names();
    assert_eq!(names.len(), 2 * EACH);
    for p in 0..2 {
        for i in 0..EACH {
            assert!(names.contains(&format!("p{p} role {i}")), "p{p} role {i} is missing");
        }
    }
    // And the file is sound.
    let conn = rusqlite_free_check(&env);
    assert_eq!(conn, "ok");
}

/// `PRAGMA integrity_check` through cora-core's own store (no extra dependency).
fn rusqlite_free_check(env: &Env) -> String {
    let store = cora_core::Store::open(&env.db).unwrap();
    store.conn().query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap()
}
