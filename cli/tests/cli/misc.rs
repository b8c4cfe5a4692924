//! `cora commands`, `gen-types`, `--help`, and a closed stdout.

use crate::Env;
use cora_core::Registry;
use std::io::Read;
use std::process::Stdio;

#[test]
fn commands_lists_every_command_and_json_parses() {
    let env = Env::empty();
    let v = env.run(&["commands", "--json"], None).ok().json();
    let listed: Vec<&str> = v.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    let registry = Registry::new();
    let expected: Vec<&str> = registry.commands().map(|c| c.name).collect();
    assert_eq!(listed, expected);
    for c in v.as_array().unwrap() {
        assert_eq!(c["args_schema"]["type"], "object", "{}", c["name"]);
        assert!(c["access"]["kind"].is_string());
    }
    let text = env.run(&["commands"], None).ok().stdout.clone();
    for name in expected {
        assert!(text.contains(name), "{name} missing from `cora commands`");
    }
    // Listing commands needs no file.
    assert!(!env.db.exists());
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let env = Env::empty();
    // Like `cora commands --json | head -c 10`: the reader leaves after a few bytes, long
    // before the ~70 KB are written, so cora's next writes meet a broken pipe.
    for args in [&["commands", "--json"][..], &["commands"][..]] {
        let mut child = env.cmd().args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn gen_types_writes_the_bindings_and_check_tells_stale_from_fresh() {
    let env = Env::empty();
    let out_path = env.dir.path().join("ui/bindings.ts");
    let p = out_path.to_str().unwrap();
    // A missing or stale file fails the check, and the check does not write.
    env.run(&["gen-types", "--check", "--out", p], None).fails(2, "usage");
    assert!(!out_path.exists());
    env.run(&["gen-types", "--out", p], None).ok();
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), cora_core::bindings::typescript(&Registry::new()));
    env.run(&["gen-types", "--check", "--out", p], None).ok();
    std::fs::write(&out_path, std::fs::read_to_string(&out_path).unwrap().replace("export", "exported")).unwrap();
    let e = env.run(&["gen-types", "--check", "--out", p], None).fails(2, "usage");
    assert!(e["message"].as_str().unwrap().contains("gen-types"), "{e}");
}

#[test]
fn the_committed_bindings_pass_the_check() {
    let env = Env::empty();
    // Run-time manifest dir: a shared build cache may have compiled this test in another clone.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let committed = dir.join("../ui/src/lib/api/bindings.ts");
    let out = env.run(&["gen-types", "--check", "--out", committed.to_str().unwrap()], None);
    assert_eq!(out.code, 0, "ui/src/lib/api/bindings.ts is stale: run `cargo run -p cora-cli -- gen-types` ({out:?})");
}

#[test]
fn help_and_version_work() {
    let env = Env::empty();
    let out = env.run(&["--help"], None);
    assert!(out.ok().stdout.contains("Usage: cora"), "{out:?}");
    for sub in ["init", "call", "batch", "commands", "backup", "restore", "gen-types", "bench"] {
        let out = env.run(&[sub, "--help"], None);
        assert!(out.ok().stdout.contains(&format!("Usage: cora {sub}")), "{out:?}");
    }
    let out = env.run(&["--version"], None);
    assert!(out.ok().stdout.starts_with("cora "), "{out:?}");
    // No subcommand: help on stderr and the usage exit code.
    let out = env.run(&[], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("Usage: cora"));
}
