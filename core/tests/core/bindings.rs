//! The UI's TypeScript types are generated from the Rust types; the committed file must
//! be exactly what this build generates.

use cora_core::Registry;
use std::path::Path;

#[test]
fn committed_bindings_match_the_rust_types() {
    // Run-time manifest dir: a shared build cache may have compiled this test in another clone.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());
    let path = dir.join("../ui/src/lib/api/bindings.ts");
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let generated = cora_core::bindings::typescript(&Registry::new());
    if committed != generated {
        let line = committed.lines().zip(generated.lines()).position(|(a, b)| a != b).unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "ui/src/lib/api/bindings.ts is stale (first difference at line {}).\nRun `cargo run -p cora-cli -- gen-types` and commit the result.",
            line + 1
        );
    }
}

#[test]
fn bindings_name_every_command_and_its_permission() {
    let registry = Registry::new();
    let ts = cora_core::bindings::typescript(&registry);
    for spec in registry.commands() {
        assert!(ts.contains(&format!("  \"{}\": {{ args: ", spec.name)), "{} missing from Commands", spec.name);
        if let cora_core::command::Access::Permission(p) = spec.access {
            assert!(ts.contains(&format!("  \"{}\": \"{p}\",", spec.name)), "{} missing from COMMAND_PERMISSION", spec.name);
        }
    }
    // Money and ids never become anything the UI could confuse: no bigint, no `any`.
    assert!(!ts.contains("bigint"), "a 64-bit integer became bigint");
    assert!(!ts.contains(": any"), "an untyped field");
}

#[test]
fn no_two_rust_types_take_one_typescript_name() {
    // A second `ShipArgs` once hid the first: three commands were typed with the wrong args.
    assert_eq!(cora_core::bindings::name_clashes(&Registry::new()), Vec::<String>::new());
}
