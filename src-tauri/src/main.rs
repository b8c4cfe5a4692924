//! Cora's desktop shell. It holds the open file and the session token, and hands every
//! request to the command layer in `cora-core`; it knows no business rule. Besides the
//! generic `call`, it only opens files (default, recent, native dialogs) and tells the
//! page when the file changed underneath it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod files;

use cora_core::{CompanyRef, Cora, Error, ErrorBody};
use files::FileInfo;
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Manager, State};

/// The open file, the signed-in session and the newest audit row seen.
struct Open {
    cora: Cora,
    path: PathBuf,
    token: Option<String>,
    seen: cora_core::ids::AuditId,
}

#[derive(Default)]
struct Shell {
    open: Mutex<Option<Open>>,
    /// Why the last open failed (shown on the start screen).
    error: Mutex<Option<ErrorBody>>,
}

/// One (company, entity) written since the last look; company None for installation-wide rows.
#[derive(Serialize, Clone)]
struct Change {
    company: Option<i64>,
    entity: String,
}

fn not_open() -> ErrorBody {
    Error::field("file", "no Cora file is open").to_body()
}

/// Runs one command as the signed-in user. Sign-in results leave their token here and
/// go to the page without it; sign-out forgets it.
#[tauri::command]
async fn call(shell: State<'_, Shell>, command: String, args: Value, company: Option<CompanyRef>) -> Result<Value, ErrorBody> {
    let mut guard = shell.open.lock().map_err(|_| not_open())?;
    let open = guard.as_mut().ok_or_else(not_open)?;
    let out = open.cora.call(open.token.as_deref(), company.as_ref(), &command, args);
    if command == "auth.logout" {
        open.token = None;
    }
    let mut v = out.map_err(|e| e.to_body())?;
    if let Some(t) = v.get_mut("token").filter(|_| matches!(command.as_str(), "auth.login" | "setup.bootstrap")) {
        open.token = t.as_str().map(str::to_string);
        *t = Value::String(String::new());
    }
    Ok(v)
}

fn open_path(app: &AppHandle, path: PathBuf) -> Result<FileInfo, ErrorBody> {
    let shell = app.state::<Shell>();
    let opened = files::open(&path).map_err(|e| e.to_body());
    *shell.error.lock().map_err(|_| not_open())? = opened.as_ref().err().cloned();
    let cora = opened?;
    let seen = cora_core::audit::repo::changes_since(cora.store().conn(), cora_core::ids::AuditId(i64::MAX)).map(|c| c.0).map_err(|e| e.to_body())?;
    files::remember(app, &path);
    *shell.open.lock().map_err(|_| not_open())? = Some(Open { cora, path, token: None, seen });
    let info = file_info(app);
    let _ = app.emit("file-opened", &info);
    Ok(info)
}

fn file_info(app: &AppHandle) -> FileInfo {
    let shell = app.state::<Shell>();
    let path = shell.open.lock().ok().and_then(|g| g.as_ref().map(|o| o.path.clone()));
    let error = shell.error.lock().ok().and_then(|e| e.clone());
    FileInfo { path, error, recent: files::recent(app), default: files::default_path() }
}

/// The open file, the last error and the recent files.
#[tauri::command]
fn file_state(app: AppHandle) -> FileInfo {
    file_info(&app)
}

/// Opens (or creates) the file at `path`: a recent file or the default one.
#[tauri::command]
async fn file_open(app: AppHandle, path: PathBuf) -> Result<FileInfo, ErrorBody> {
    open_path(&app, path)
}

/// File → New / Open with the native dialog; None when the user cancelled.
#[tauri::command]
async fn file_dialog(app: AppHandle, new: bool) -> Result<Option<FileInfo>, ErrorBody> {
    match files::pick(&app, new) {
        Some(path) => open_path(&app, path).map(Some),
        None => Ok(None),
    }
}

/// Saves an exported file where the user chooses (native Save dialog). Returns the path,
/// or None when the user cancelled.
#[tauri::command]
async fn save_export(app: AppHandle, file: cora_core::exchange::ExportFile) -> Result<Option<PathBuf>, ErrorBody> {
    let Some(path) = files::pick_save(&app, &file.filename) else { return Ok(None) };
    let bytes = file.bytes().map_err(|e| e.to_body())?;
    std::fs::write(&path, bytes).map_err(|e| Error::field("file", format!("cannot write {}: {e}", path.display())).to_body())?;
    Ok(Some(path))
}

/// Every second, asks core what was written since the last look (by this window, another
/// window or `cora`) and tells the page which companies and entities changed.
fn watch(app: AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let shell = app.state::<Shell>();
        let changes = {
            let Ok(mut guard) = shell.open.try_lock() else { continue };
            let Some(open) = guard.as_mut() else { continue };
            match cora_core::audit::repo::changes_since(open.cora.store().conn(), open.seen) {
                Ok((newest, rows)) => {
                    open.seen = newest;
                    rows
                }
                Err(_) => continue,
            }
        };
        if !changes.is_empty() {
            let payload: Vec<Change> = changes.into_iter().map(|(c, entity)| Change { company: c.map(|c| c.0), entity }).collect();
            let _ = app.emit("data-changed", payload);
        }
    });
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<tauri::Wry>> {
    let file = Submenu::with_items(
        app,
        "File",
        true,
        &[
            &MenuItem::with_id(app, "file.new", "New…", true, Some("CmdOrCtrl+Shift+N"))?,
            &MenuItem::with_id(app, "file.open", "Open…", true, Some("CmdOrCtrl+O"))?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::quit(app, Some("Quit"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            &PredefinedMenuItem::undo(app, None)?,
            &PredefinedMenuItem::redo(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::select_all(app, None)?,
        ],
    )?;
    Menu::with_items(app, &[&file, &edit])
}

fn main() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell::default())
        .setup(|app| {
            let handle = app.handle().clone();
            // The default file is opened at start; a failure shows on the start screen.
            let _ = open_path(&handle, files::default_path());
            app.set_menu(menu(&handle)?)?;
            app.on_menu_event(|app, ev| {
                let new = match ev.id().as_ref() {
                    "file.new" => true,
                    "file.open" => false,
                    _ => return,
                };
                let app = app.clone();
                // Dialogs block; never on the main thread.
                std::thread::spawn(move || {
                    if let Some(path) = files::pick(&app, new) {
                        let _ = open_path(&app, path);
                    }
                });
            });
            watch(handle);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call, file_state, file_open, file_dialog, save_export])
        .run(tauri::generate_context!())
        .expect("error while running the Cora desktop app");
}
