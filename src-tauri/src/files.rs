//! Which file the app opens: the default one (the same as `cora`'s), one picked in a
//! native dialog, or a recent one. Recent files are a small JSON list in the app's
//! config directory.

use cora_core::{Cora, ErrorBody};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

const MAX_RECENT: usize = 8;

#[derive(Serialize, Clone)]
pub struct FileInfo {
    /// The open file, if any.
    pub path: Option<PathBuf>,
    /// Why the last attempt to open a file failed.
    pub error: Option<ErrorBody>,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// $CORA_DB, else the platform data directory's cora/cora.db.
    pub default: PathBuf,
}

/// The same default as the `cora` CLI.
pub fn default_path() -> PathBuf {
    match std::env::var_os("CORA_DB") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("cora").join("cora.db"),
    }
}

pub fn open(path: &Path) -> cora_core::Result<Cora> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| cora_core::Error::field("file", cora_core::FieldCode::CannotCreateFolder.with("path", dir.display()).with("detail", e)))?;
    }
    Cora::open(path)
}

/// Whether the page may open `path`: it is one of `known` (the recent files, the default
/// file, the files the native dialogs returned), as written or as the same existing file.
/// A path that only resolves to a known one through `..` or a link is the same file; a path
/// that does not exist must match exactly, so nothing is created elsewhere.
pub fn permitted(path: &Path, known: &[PathBuf]) -> bool {
    if known.iter().any(|k| k == path) {
        return true;
    }
    let Ok(real) = path.canonicalize() else { return false };
    known.iter().any(|k| k.canonicalize().is_ok_and(|k| k == real))
}

fn recent_file(app: &AppHandle) -> Option<PathBuf> {
    app.path().app_config_dir().ok().map(|d| d.join("recent.json"))
}

pub fn recent(app: &AppHandle) -> Vec<PathBuf> {
    recent_file(app)
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

/// Puts `path` first in the recent list (best effort: a read-only config dir only loses the list).
pub fn remember(app: &AppHandle, path: &Path) {
    let Some(file) = recent_file(app) else { return };
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut list = recent(app);
    list.retain(|p| p != &path);
    list.insert(0, path);
    list.truncate(MAX_RECENT);
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = serde_json::to_vec_pretty(&list).map(|b| std::fs::write(file, b));
}

/// The native Open or New (save) dialog. Blocks: call it off the main thread.
pub fn pick(app: &AppHandle, new: bool) -> Option<PathBuf> {
    let dialog = app.dialog().file().add_filter("Cora file", &["db", "cora"]);
    let picked = if new {
        dialog.set_title("New Cora file").set_file_name("cora.db").blocking_save_file()
    } else {
        dialog.set_title("Open a Cora file").blocking_pick_file()
    };
    picked.and_then(|p| p.into_path().ok())
}

/// The native Save dialog for an export, suggesting its file name.
pub fn pick_save(app: &AppHandle, filename: &str) -> Option<PathBuf> {
    let ext = Path::new(filename).extension().and_then(|e| e.to_str()).unwrap_or("csv").to_string();
    app.dialog()
        .file()
        .set_title("Save export")
        .set_file_name(filename)
        .add_filter(ext.to_uppercase(), &[ext.as_str()])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_files_are_permitted() {
        let dir = tempfile::tempdir().unwrap();
        let known_file = dir.path().join("books.db");
        std::fs::write(&known_file, b"").unwrap();
        let not_yet = dir.path().join("new").join("fresh.db");
        let known = vec![known_file.clone(), not_yet.clone()];

        assert!(permitted(&known_file, &known));
        assert!(permitted(&not_yet, &known), "a file chosen in the New dialog need not exist yet");
        // The same existing file by another spelling.
        let dotted = dir.path().join("new").join("..").join("books.db");
        std::fs::create_dir(dir.path().join("new")).unwrap();
        assert!(permitted(&dotted, &known));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.db");
            std::os::unix::fs::symlink(&known_file, &link).unwrap();
            assert!(permitted(&link, &known));
        }

        // Anything else is refused: other files, other spellings of a missing file, relative paths.
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"").unwrap();
        assert!(!permitted(&other, &known));
        assert!(!permitted(&dir.path().join("forged").join("x.db"), &known));
        assert!(!permitted(&dir.path().join("new").join(".").join("fresh.db").join("..").join("fresh.db"), &known));
        assert!(!permitted(Path::new("books.db"), &known));
        assert!(!permitted(&known_file, &[]));
    }
}
