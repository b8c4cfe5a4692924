//! The background exporter: every few seconds, on a connection of its own to the open
//! file, it runs every enabled sink that is due (`cora_core::sync`). It never takes the
//! shell's lock, so the app's writes never wait for a sink; a sink that fails waits out
//! its backoff. `sync_now` runs one company's sinks at once, for the sync screen, after
//! the command layer has said the signed-in user may manage them.

use crate::{Shell, lock};
use cora_core::sync::{RunOptions, RunReport};
use cora_core::{CompanyRef, Cora, Error, ErrorBody};
use serde_json::json;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};

/// The exporter's own handle on the file (reopened when the app opens another file).
#[derive(Default)]
pub struct Exporter {
    open: Mutex<Option<(PathBuf, Cora)>>,
}

/// Makes the sink for a row: folders here, PostgreSQL through `cora-sync-pg`.
fn connect(row: &cora_core::sync::sinks::SinkRow) -> Result<Box<dyn cora_core::sync::SinkTarget>, cora_core::sync::SyncError> {
    cora_sync_pg::connect_any(row)
}

impl Exporter {
    fn run(&self, path: &Path, company: Option<&CompanyRef>, opts: &RunOptions) -> Result<Vec<RunReport>, Error> {
        let mut guard = lock(&self.open);
        if guard.as_ref().is_none_or(|(p, _)| p != path) {
            *guard = Some((path.to_path_buf(), Cora::open(path)?));
        }
        let Some((_, cora)) = guard.as_mut() else { return Ok(Vec::new()) };
        cora.sync_run(company, &connect, opts)
    }
}

/// Every five seconds: the due sinks of the open file. A run that sent something tells
/// the page (`sync-ran`), so an open sync screen shows the new lag.
pub fn start(app: AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(5));
        let Some(path) = app.state::<Shell>().path() else { continue };
        let opts = RunOptions { ignore_backoff: false, ..RunOptions::default() };
        let exporter = app.state::<Exporter>();
        if let Ok(Ok(reports)) = catch_unwind(AssertUnwindSafe(|| exporter.run(&path, None, &opts)))
            && reports.iter().any(|r| r.changes > 0 || r.snapshot_rows > 0 || r.error.is_some())
        {
            let _ = app.emit("sync-ran", ());
        }
    });
}

/// Runs the sinks of `company` now (backoff or not) and answers what each did.
#[tauri::command]
pub async fn sync_now(shell: State<'_, Shell>, exporter: State<'_, Exporter>, company: Option<CompanyRef>) -> Result<Vec<RunReport>, ErrorBody> {
    // The command layer decides who may: the same permission as the sync screen.
    shell.call("sync.list_sinks", json!({}), company.as_ref())?;
    let company = company.ok_or_else(|| Error::field("company", cora_core::FieldCode::Required).to_body())?;
    let path = shell.path().ok_or_else(|| Error::field("file", cora_core::FieldCode::NoFileOpen).to_body())?;
    let opts = RunOptions::default();
    catch_unwind(AssertUnwindSafe(|| exporter.run(&path, Some(&company), &opts)))
        .map_err(|_| Error::Internal("the exporter failed unexpectedly".into()).to_body())?
        .map_err(|e| e.to_body())
}
