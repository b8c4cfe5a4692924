//! Cora's desktop shell. It holds the open file and the session token, and hands every
//! request to the command layer in `cora-core`; it knows no business rule. Besides the
//! generic `call`, it only opens files (default, recent, native dialogs) and tells the
//! page when the file changed underneath it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod files;
mod jsgc;
mod render;
mod sync;

use cora_core::audit::feed::{ChangeFeed, DataChange};
use cora_core::ids::AuditId;
use cora_core::{CompanyRef, Cora, Error, ErrorBody};
use files::FileInfo;
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Manager, State};

/// The open file, the signed-in session and the newest audit row the session was told about.
struct Open {
    cora: Cora,
    path: PathBuf,
    token: Option<String>,
    /// None until someone signs in: the watcher then starts from the newest row.
    seen: Option<AuditId>,
}

#[derive(Default)]
struct Shell {
    open: Mutex<Option<Open>>,
    /// Why the last open failed (shown on the start screen).
    error: Mutex<Option<ErrorBody>>,
    /// Files the native dialogs returned in this run: with the recent files and the
    /// default file, the only ones `file_open` accepts from the page.
    picked: Mutex<Vec<PathBuf>>,
    /// The local HTTP API, when the user switched it on (off at every start).
    http: Mutex<Option<cora_http::Running>>,
    /// When the page's last call ended, until the memory it cached is given back.
    last_call: Mutex<Option<Instant>>,
}

/// How long after the page's last call the shell gives back SQLite's cached pages.
/// SQLite keeps every page it read, up to `cache_size` (64 MiB), for the connection's
/// life: scrolling 10,000 rows into a 100,000-product list grew its cache, and the app
/// process, by 15 MiB (docs/benchmarks/desktop.md). A report or a batch runs within one
/// call, so it keeps its cache while it runs.
const IDLE_RELEASE: Duration = Duration::from_secs(5);

/// Whether the cache is due to be given back at `now`.
fn release_due(last_call: Option<Instant>, now: Instant) -> bool {
    last_call.is_some_and(|t| now.saturating_duration_since(t) >= IDLE_RELEASE)
}

/// Gives the allocator's free pages back to the system: glibc keeps what SQLite freed.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only returns free heap pages.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Locks `m` even when a panic poisoned it. What the shell guards stays consistent across
/// a panic (a transaction the panic interrupted is rolled back when it is dropped), so
/// a panic costs that one call, not every call after it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn not_open() -> ErrorBody {
    Error::field("file", cora_core::FieldCode::NoFileOpen).to_body()
}

/// What the page gets when a call panicked instead of answering.
fn panicked(command: &str) -> ErrorBody {
    let mut body = Error::Internal(format!("{command} failed unexpectedly")).to_body();
    body.params.insert("command".into(), command.into());
    body.message = cora_core::Reason::Internal.message(&body.params);
    body
}

impl Shell {
    /// Runs one command as the signed-in user. Sign-in results leave their token here and
    /// go to the page without it; sign-out forgets it.
    fn call(&self, command: &str, args: Value, company: Option<&CompanyRef>) -> Result<Value, ErrorBody> {
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(not_open)?;
        let out = catch_unwind(AssertUnwindSafe(|| open.cora.call(open.token.as_deref(), company, command, args))).map_err(|_| panicked(command))?;
        if command == "auth.logout" {
            open.token = None;
            open.seen = None;
        }
        *lock(&self.last_call) = Some(Instant::now());
        let mut v = out.map_err(|e| e.to_body())?;
        if let Some(t) = v.get_mut("token").filter(|_| matches!(command, "auth.login" | "setup.bootstrap")) {
            open.token = t.as_str().map(str::to_string);
            *t = Value::String(String::new());
            // The page loads its lists after sign-in; only later writes are news to it.
            open.seen = open.feed(None).map(|f| f.latest);
        }
        Ok(v)
    }

    /// What the signed-in user may see that was written since the last look (by this
    /// window, another one, or `cora`); None when nothing was, nobody is signed in, or
    /// the lock is busy (next time, then).
    fn poll(&self) -> Option<Vec<DataChange>> {
        let mut guard = match self.open.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        let open = guard.as_mut()?;
        if open.token.is_none() {
            open.seen = None;
            return None;
        }
        let after = open.seen;
        let feed = open.feed(after)?;
        open.seen = Some(feed.latest);
        (after.is_some() && !feed.changes.is_empty()).then_some(feed.changes)
    }

    fn set_open(&self, cora: Cora, path: PathBuf) {
        // The HTTP API served the file that is being left: it stops with it.
        if let Some(running) = lock(&self.http).take() {
            let _ = running.stop();
        }
        *lock(&self.open) = Some(Open { cora, path, token: None, seen: None });
    }

    /// Once the page has made no call for [`IDLE_RELEASE`], frees SQLite's unused cached
    /// pages and trims the heap, once per idle spell. True when it did.
    fn release_if_idle(&self, now: Instant) -> bool {
        let mut last = lock(&self.last_call);
        if !release_due(*last, now) {
            return false;
        }
        let guard = match self.open.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return false,
        };
        if let Some(open) = guard.as_ref() {
            open.cora.release_memory();
        }
        drop(guard);
        *last = None;
        trim_heap();
        true
    }

    fn path(&self) -> Option<PathBuf> {
        lock(&self.open).as_ref().map(|o| o.path.clone())
    }
}

impl Open {
    /// `audit.changes_since` through the command layer, as the signed-in user.
    fn feed(&mut self, after: Option<AuditId>) -> Option<ChangeFeed> {
        let token = self.token.as_deref()?;
        let args = after.map_or_else(|| json!({}), |a| json!({ "after": a }));
        let v = catch_unwind(AssertUnwindSafe(|| self.cora.call(Some(token), None, "audit.changes_since", args))).ok()?.ok()?;
        serde_json::from_value(v).ok()
    }
}

#[tauri::command]
async fn call(shell: State<'_, Shell>, command: String, args: Value, company: Option<CompanyRef>) -> Result<Value, ErrorBody> {
    shell.call(&command, args, company.as_ref())
}

/// Whether the local HTTP API runs, and where.
#[derive(serde::Serialize)]
struct HttpApiState {
    running: bool,
    address: Option<String>,
}

fn http_state(shell: &Shell) -> HttpApiState {
    let addr = lock(&shell.http).as_ref().map(|r| r.addr().to_string());
    HttpApiState { running: addr.is_some(), address: addr }
}

#[tauri::command]
fn http_api_state(shell: State<'_, Shell>) -> HttpApiState {
    http_state(&shell)
}

/// Starts the local HTTP API (`cora serve`) on 127.0.0.1:`port` over the open file, with a
/// connection of its own; only for someone signed in. Off until started, and it stops
/// with the app or when another file is opened.
#[tauri::command]
async fn http_api_start(shell: State<'_, Shell>, port: u16) -> Result<HttpApiState, ErrorBody> {
    let path = {
        let guard = lock(&shell.open);
        let open = guard.as_ref().ok_or_else(not_open)?;
        if open.token.is_none() {
            return Err(Error::unauthenticated(cora_core::Reason::SignInRequired).to_body());
        }
        open.path.clone()
    };
    let mut http = lock(&shell.http);
    if http.is_none() {
        let cora = Cora::open(&path).map_err(|e| e.to_body())?;
        let config = cora_http::Config { port, ..Default::default() };
        let running = cora_http::start(cora, &config)
            .map_err(|e| Error::field("port", cora_core::FieldCode::Invalid.with("detail", e)).to_body())?;
        *http = Some(running);
    }
    drop(http);
    Ok(http_state(&shell))
}

#[tauri::command]
async fn http_api_stop(shell: State<'_, Shell>) -> Result<HttpApiState, ErrorBody> {
    let running = lock(&shell.http).take();
    if let Some(r) = running {
        let _ = r.stop();
    }
    Ok(http_state(&shell))
}

fn open_path(app: &AppHandle, path: PathBuf) -> Result<FileInfo, ErrorBody> {
    let shell = app.state::<Shell>();
    let opened = files::open(&path).map_err(|e| e.to_body());
    *lock(&shell.error) = opened.as_ref().err().cloned();
    let cora = opened?;
    files::remember(app, &path);
    shell.set_open(cora, path);
    let info = file_info(app);
    let _ = app.emit("file-opened", &info);
    Ok(info)
}

fn file_info(app: &AppHandle) -> FileInfo {
    let shell = app.state::<Shell>();
    let error = lock(&shell.error).clone();
    FileInfo { path: shell.path(), error, recent: files::recent(app), default: files::default_path() }
}

/// The native Open or New dialog; the chosen file is remembered as the user's choice,
/// then opened. None when the user cancelled.
fn pick_and_open(app: &AppHandle, new: bool) -> Option<Result<FileInfo, ErrorBody>> {
    let path = files::pick(app, new)?;
    lock(&app.state::<Shell>().picked).push(path.clone());
    Some(open_path(app, path))
}

/// The open file, the last error and the recent files.
#[tauri::command]
fn file_state(app: AppHandle) -> FileInfo {
    file_info(&app)
}

/// Opens (or creates) the file at `path`: a recent file, the default one, or one the
/// user chose in a native dialog in this run. Any other path is refused before anything
/// is created: the page must not be able to make the shell create or open files
/// wherever it likes.
#[tauri::command]
async fn file_open(app: AppHandle, path: PathBuf) -> Result<FileInfo, ErrorBody> {
    let mut known = lock(&app.state::<Shell>().picked).clone();
    known.extend(files::recent(&app));
    known.push(files::default_path());
    if !files::permitted(&path, &known) {
        return Err(Error::forbidden(cora_core::Reason::FileNotChosen.with("path", path.display())).to_body());
    }
    open_path(&app, path)
}

/// File → New / Open with the native dialog; None when the user cancelled.
#[tauri::command]
async fn file_dialog(app: AppHandle, new: bool) -> Result<Option<FileInfo>, ErrorBody> {
    pick_and_open(&app, new).transpose()
}

/// Saves an exported file where the user chooses (native Save dialog). Returns the path,
/// or None when the user cancelled.
#[tauri::command]
async fn save_export(app: AppHandle, file: cora_core::exchange::ExportFile) -> Result<Option<PathBuf>, ErrorBody> {
    let Some(path) = files::pick_save(&app, &file.filename) else { return Ok(None) };
    let bytes = file.bytes().map_err(|e| e.to_body())?;
    std::fs::write(&path, bytes).map_err(|e| Error::field("file", cora_core::FieldCode::CannotWriteFile.with("path", path.display()).with("detail", e)).to_body())?;
    Ok(Some(path))
}

/// Prints a report to PDF where the user chooses: core gives the report's table (the same
/// one CSV and XLSX exports carry), `cora-render` typesets it. `printed` is the footer line
/// the page composes in the user's language. Returns the path, or None when cancelled.
#[tauri::command]
async fn print_report(
    app: AppHandle,
    shell: State<'_, Shell>,
    report: String,
    args: Value,
    company: Option<CompanyRef>,
    printed: String,
    lang: String,
) -> Result<Option<PathBuf>, ErrorBody> {
    let table = shell.call("report.table", json!({"report": report, "args": args}), company.as_ref())?;
    let company_name = shell.call("company.get", json!({}), company.as_ref())?["name"].as_str().unwrap_or_default().to_string();
    let mut print: cora_render::PrintTable = serde_json::from_value(table).map_err(|e| Error::Internal(e.to_string()).to_body())?;
    (print.company, print.printed, print.lang) = (company_name, printed, lang);
    let pdf = cora_render::report_pdf(&print).map_err(|e| Error::Internal(e.to_string()).to_body())?;
    let Some(path) = files::pick_save(&app, &format!("{report}.pdf")) else { return Ok(None) };
    std::fs::write(&path, pdf).map_err(|e| Error::field("file", cora_core::FieldCode::CannotWriteFile.with("path", path.display()).with("detail", e)).to_body())?;
    Ok(Some(path))
}

/// Prints a trade document (quotation, order, delivery note, invoice, credit note, bill,
/// debit note) to PDF where the user chooses: core gives the document with its stored
/// figures (`trade.document`, `doc` as there), `cora-render` typesets it. `lang` is the
/// page's language (hyphenation). Returns the path, or None when cancelled.
#[tauri::command]
async fn print_document(
    app: AppHandle,
    shell: State<'_, Shell>,
    doc: String,
    id: i64,
    company: Option<CompanyRef>,
    lang: String,
) -> Result<Option<PathBuf>, ErrorBody> {
    let view = shell.call("trade.document", json!({"doc": doc, "id": id}), company.as_ref())?;
    let mut print: cora_render::PrintDocument = serde_json::from_value(view).map_err(|e| Error::Internal(e.to_string()).to_body())?;
    print.lang = lang;
    let pdf = cora_render::document_pdf(&print).map_err(|e| Error::Internal(e.to_string()).to_body())?;
    let Some(path) = files::pick_save(&app, &format!("{}.pdf", print.number.replace('/', "-"))) else { return Ok(None) };
    std::fs::write(&path, pdf).map_err(|e| Error::field("file", cora_core::FieldCode::CannotWriteFile.with("path", path.display()).with("detail", e)).to_body())?;
    Ok(Some(path))
}

/// Every second, asks core (as the signed-in user) what was written since the last look
/// and tells the page which of their companies and entities changed. Nobody signed in:
/// nothing is asked and nothing is told. A panic costs one tick, not the watcher.
fn watch(app: AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let shell = app.state::<Shell>();
        if let Ok(Some(changes)) = catch_unwind(AssertUnwindSafe(|| shell.poll())) {
            let _ = app.emit("data-changed", changes);
        }
        let _ = catch_unwind(AssertUnwindSafe(|| shell.release_if_idle(Instant::now())));
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
    render::configure();
    jsgc::configure();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell::default())
        .manage(sync::Exporter::default())
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
                    let _ = pick_and_open(&app, new);
                });
            });
            watch(handle.clone());
            sync::start(handle);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call, file_state, file_open, file_dialog, save_export, print_report, print_document, http_api_state, http_api_start, http_api_stop, sync::sync_now])
        .run(tauri::generate_context!())
        .expect("error while running the Cora desktop app");
}

#[cfg(test)]
mod tests {
    use super::*;
    use cora_core::testing::{ADMIN_EMAIL, PASSWORD, TestApp};

    /// A shell over a file with companies A and B, and a viewer in A who is not signed in.
    fn shell() -> (Shell, TestApp) {
        let mut app = TestApp::new();
        app.company("A");
        app.company("B");
        app.member("m@example.com", "A", "viewer");
        let shell = Shell::default();
        let cora = Cora::open(app.path()).unwrap();
        shell.set_open(cora, app.path());
        (shell, app)
    }

    fn login(shell: &Shell, email: &str) {
        let out = shell.call("auth.login", json!({ "email": email, "password": PASSWORD }), None).unwrap();
        assert_eq!(out["token"], "", "the token stays in the shell");
    }

    /// A write in `company` by the administrator, from another connection (as `cora` would).
    fn write(app: &mut TestApp, company: &str) {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        app.admin_in(company, "catalog.create_brand", json!({ "name": format!("Brand {n}") })).unwrap();
    }

    #[test]
    fn the_watcher_tells_a_session_only_about_its_own_companies() {
        let (shell, mut app) = shell();
        let a = app.admin_in("A", "company.get", json!({})).unwrap()["id"].as_i64().unwrap();

        // Nobody signed in: nothing is told, however much is written.
        write(&mut app, "A");
        assert!(shell.poll().is_none());
        assert!(shell.poll().is_none());

        // Signed in: what was written before is old news; A's writes are told, B's are not.
        login(&shell, "m@example.com");
        assert!(shell.poll().is_none());
        write(&mut app, "B");
        assert!(shell.poll().is_none(), "B is not the viewer's company");
        write(&mut app, "A");
        let changes = shell.poll().expect("A changed");
        assert_eq!(changes, vec![DataChange { company: Some(cora_core::ids::TenantId(a)), entity: "brand".into() }]);
        assert!(shell.poll().is_none(), "told once");

        // Signed out: silent again.
        shell.call("auth.logout", json!({}), None).unwrap();
        write(&mut app, "A");
        assert!(shell.poll().is_none());
    }

    #[test]
    fn the_cache_is_given_back_once_the_page_has_been_idle() {
        let t = Instant::now();
        assert!(!release_due(None, t + IDLE_RELEASE), "no call since the last release");
        assert!(!release_due(Some(t), t + IDLE_RELEASE - Duration::from_millis(1)));
        assert!(release_due(Some(t), t + IDLE_RELEASE));

        let (shell, _app) = shell();
        login(&shell, ADMIN_EMAIL);
        let now = Instant::now();
        assert!(!shell.release_if_idle(now), "just called");
        assert!(shell.release_if_idle(now + IDLE_RELEASE + Duration::from_secs(1)));
        assert!(!shell.release_if_idle(now + IDLE_RELEASE * 3), "once per idle spell");
        // Calls carry on over the freed cache, and start the next spell.
        assert_eq!(shell.call("auth.me", json!({}), None).unwrap()["user"]["email"], ADMIN_EMAIL);
        assert!(shell.release_if_idle(Instant::now() + IDLE_RELEASE * 2));
    }

    #[test]
    fn a_panic_holding_the_lock_does_not_break_later_calls() {
        let (shell, mut app) = shell();
        login(&shell, ADMIN_EMAIL);
        assert!(shell.poll().is_none());
        std::thread::scope(|s| {
            let poisoner = s.spawn(|| {
                let _held = shell.open.lock();
                panic!("a panic while the shell holds its lock");
            });
            assert!(poisoner.join().is_err());
        });
        assert!(shell.open.is_poisoned());

        // Calls, the file's path and the watcher all carry on.
        let me = shell.call("auth.me", json!({}), None).unwrap();
        assert_eq!(me["user"]["email"], ADMIN_EMAIL);
        assert_eq!(shell.path(), Some(app.path()));
        write(&mut app, "B");
        assert!(shell.poll().is_some_and(|c| c.iter().any(|c| c.entity == "brand")));
        // And a new file can be opened over it.
        shell.set_open(Cora::open(app.path()).unwrap(), app.path());
        assert!(shell.call("auth.me", json!({}), None).is_err_and(|e| e.code == cora_core::ErrorCode::Unauthenticated));
    }
}
