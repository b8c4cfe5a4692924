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

#[test]
fn processes_starting_together_on_a_new_file_all_open_it() {
    // The app and a script starting at once on a file that does not exist yet: each
    // either creates it or finds it made, never a half-made file or a migration error.
    for round in 0..16 {
        let env = crate::Env::empty();
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let mut cmd = env.cmd();
                cmd.args(["init", "--admin-email", ADMIN]);
                std::thread::spawn(move || run(&mut cmd, None))
            })
            .collect();
        let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let mut created = 0;
        for out in &outs {
            if out.code == 0 {
                created += usize::from(out.json()["created_admin"].is_object());
            } else {
                // Lost the race to create the administrator: told so plainly.
                let e = out.fails(4, "conflict");
                assert!(e["message"].as_str().unwrap().contains("already has users"), "round {round}: {e}");
            }
        }
        assert_eq!(created, 1, "round {round}: {outs:?}");
        assert_eq!(env.call(&["user.list"]).ok().json().as_array().unwrap().len(), 1);
        assert_eq!(rusqlite_free_check(&env), "ok");
    }
}
