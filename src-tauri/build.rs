fn main() {
    // The config lives at the repository root; src-tauri/tauri.conf.json is a symlink to it
    // so that tauri-build, generate_context! and the tauri CLI all read the one file.
    tauri_build::build()
}
