//! The one SQLite file that holds every company.
//!
//! Invariants:
//! - A file is opened only if it is empty (a new Cora file) or carries Cora's
//!   `application_id` and a migration history this build knows entirely. A file written
//!   by a newer Cora, or not a Cora file at all, is refused and never modified.
//! - Migrating is one write transaction: the look at the version, the copy of a
//!   non-empty file (SQLite's online backup API, `<file>.pre-v<N>.bak`), the pending
//!   migrations and `PRAGMA integrity_check` + `foreign_key_check` all run under one
//!   write lock, and only a file that passes is committed. Any failure rolls it all back:
//!   old content is never copied back over the file, so no other process's commit can
//!   be lost. Processes opening a file together take turns; the second finds it migrated.
//! - Copies (backups, the pre-migration copy, restore's kept copy) are written under a
//!   temporary name and take their final name only when complete, never replacing an
//!   existing file; a name in use gets `-2`, `-3`, ...
//! - Every connection runs with WAL, `foreign_keys=ON`, `synchronous=FULL` (a returned
//!   commit survives a power cut) and a busy timeout, so the desktop app and a `cora`
//!   command can share the file: writers wait for each other rather than fail.

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("../migrations");
}

/// `PRAGMA application_id` of a Cora file: "Cora" in ASCII.
pub const APPLICATION_ID: i32 = 0x436F_7261;
/// How long a writer waits for another before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a Cora database")]
    NotCora { path: PathBuf },
    #[error("{path} was written by a newer Cora (schema version {found}; this build knows up to {known}); it was not modified")]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("migrating {path} failed: {reason}; the file was left as it was (a copy from before is at {backup})")]
    MigrationFailed { path: PathBuf, backup: PathBuf, reason: String },
    #[error("{path} failed its integrity check: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot open {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("backup or restore failed: {0}")]
    Backup(String),
}

/// The highest schema version this build carries.
pub fn latest_version() -> i64 {
    embedded::migrations::runner().get_migrations().iter().map(|m| i64::from(m.version())).max().unwrap_or(0)
}

/// An open Cora file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What a look at a file without changing it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No schema at all: a new file.
    Empty,
    /// A Cora file at this schema version.
    Cora { version: i64 },
}

/// Reads a file's kind and version without writing to it.
pub fn inspect(path: &Path) -> Result<FileState, StoreError> {
    let open_err = |e: rusqlite::Error| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(open_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    inspect_conn(&conn, path)
}

/// Runs a read, waiting while another process holds the file busy (switching it to WAL,
/// say, which does not honour the busy timeout).
fn read_waiting<T>(f: impl Fn() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let started = std::time::Instant::now();
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn inspect_conn(conn: &Connection, path: &Path) -> Result<FileState, StoreError> {
    // One read transaction, so the id, the tables and the history are one snapshot:
    // another process creating the file may commit between two separate reads (an id of
    // 0 read before its commit, its tables after would look like a foreign file).
    conn.execute_batch("SAVEPOINT inspect").map_err(|e| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
    let state = inspect_snapshot(conn, path);
    let _ = conn.execute_batch("RELEASE inspect");
    state
}

fn inspect_snapshot(conn: &Connection, path: &Path) -> Result<FileState, StoreError> {
    let not_cora = || StoreError::NotCora { path: path.to_path_buf() };
    // A file that is not SQLite at all fails on its first read with SQLITE_NOTADB; any
    // other failure (a busy file, an unreadable one) is not a verdict on the content.
    let classify = |e: rusqlite::Error| match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => not_cora(),
        _ => StoreError::Open { path: path.to_path_buf(), reason: e.to_string() },
    };
    let app_id: i32 = read_waiting(|| conn.query_row("PRAGMA application_id", [], |r| r.get(0))).map_err(classify)?;
    let tables: i64 = read_waiting(|| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))).map_err(classify)?;
    // No schema yet is a new file, also with Cora's id already set: another process
    // that is creating the file right now writes the id before the first table.
    if tables == 0 && (app_id == 0 || app_id == APPLICATION_ID) {
        return Ok(FileState::Empty);
    }
    if app_id != APPLICATION_ID {
        return Err(not_cora());
    }
    let has_history: bool = read_waiting(|| {
        conn.query_row("SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'refinery_schema_history'", [], |r| r.get(0))
    })
    .map_err(classify)?;
    if !has_history {
        return Err(not_cora());
    }
    let version: i64 = read_waiting(|| conn.query_row("SELECT coalesce(max(version), 0) FROM refinery_schema_history", [], |r| r.get(0)))
        .map_err(classify)?;
    Ok(FileState::Cora { version })
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Switching to WAL needs the file to itself and does not wait for the busy timeout:
    // when another process is switching a new file at the same moment, try again.
    let started = std::time::Instant::now();
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            break;
        }
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => break r?,
        }
    }
    // FULL: a commit is on disk when it returns, so the last posted invoice survives a
    // power cut (NORMAL in WAL mode may lose the last commits; docs/benchmarks/durability.md).
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A REPLACE deletes through the DELETE triggers, so append-only tables (ledger lines,
    // posted entries) refuse `INSERT OR REPLACE` on any of their unique keys (V8).
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    // Statement journals (the undo of one statement inside a longer transaction: every
    // insert with triggers or constraints that may abort) and temporary b-trees in memory
    // rather than in temporary files: posting an entry wrote ~15 pages per entry into a
    // temporary file through pwrite (docs/benchmarks/ledger.md).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A 64 MiB page cache (SQLite's default is 2 MiB): a batch's index pages stay in
    // memory instead of spilling to the WAL mid-transaction; reports read hot pages. It
    // grows only as pages are used.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

/// Copies a live database with SQLite's online backup API.
pub fn backup_connection(src: &Connection, dest: &Path) -> Result<(), StoreError> {
    let err = |e: rusqlite::Error| StoreError::Backup(format!("{}: {e}", dest.display()));
    let mut out = Connection::open(dest).map_err(err)?;
    {
        let b = rusqlite::backup::Backup::new(src, &mut out).map_err(err)?;
        b.run_to_completion(256, Duration::from_millis(5), None).map_err(err)?;
    }
    // The copy keeps the rollback journal so it is one self-contained file.
    out.pragma_update(None, "journal_mode", "DELETE").map_err(err)?;
    Ok(())
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { path: path.to_path_buf(), reason };
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| corrupt(e.to_string()))?;
    if ok != "ok" {
        return Err(corrupt(ok));
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").map_err(|e| corrupt(e.to_string()))?;
    let mut rows = stmt.query([]).map_err(|e| corrupt(e.to_string()))?;
    if let Some(row) = rows.next().map_err(|e| corrupt(e.to_string()))? {
        let table: String = row.get(0).unwrap_or_default();
        return Err(corrupt(format!("foreign key violation in table {table}")));
    }
    Ok(())
}

impl Store {
    /// Creates or opens a Cora file, migrating it to this build's schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let open_err = |e: rusqlite::Error| StoreError::Open { path: path.clone(), reason: e.to_string() };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;

        // Look before writing anything: refuse foreign and newer files untouched.
        let state = inspect_conn(&conn, &path)?;
        let latest = latest_version();
        let current = match state {
            FileState::Empty => 0,
            FileState::Cora { version } => version,
        };
        if current > latest {
            return Err(StoreError::TooNew { path, found: current, known: latest });
        }

        configure(&conn).map_err(open_err)?;
        if current < latest {
            migrate_under_lock(&mut conn, &path, latest)?;
        }
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Copies the whole file to `dest` consistently, also while others write to it.
    /// `dest` must not exist; a partial copy never carries its name.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Backup(format!("{} already exists", dest.display())));
        }
        backup_to_new_file(&self.conn, dest)
    }
}

/// Migrates the file in one write transaction: the look at its version, the copy of a
/// non-empty file, every pending migration and the integrity and foreign-key checks all
/// happen under one write lock, and only then does it commit. A failure anywhere rolls
/// everything back, so the file is left exactly as it was: nothing is ever copied back
/// over it, and no other process's work can be lost. A process that comes second finds
/// the file migrated.
fn migrate_under_lock(conn: &mut Connection, path: &Path, latest: i64) -> Result<(), StoreError> {
    let open_err = |e: rusqlite::Error| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() };
    // Foreign keys are enforced by the check before COMMIT instead: a migration that
    // rebuilds a table must not cascade deletes, and the pragma cannot change inside a
    // transaction.
    conn.pragma_update(None, "foreign_keys", "OFF").map_err(open_err)?;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(open_err)?;
    let outcome = (|| {
        let backup = match prepare_migration(conn, path, latest)? {
            Prepared::UpToDate => return Ok(()),
            Prepared::Migrate { backup } => backup,
        };
        let failed = |reason: String| match &backup {
            Some(b) => StoreError::MigrationFailed { path: path.to_path_buf(), backup: b.clone(), reason },
            None => StoreError::MigrationFailed { backup: path.to_path_buf(), path: path.to_path_buf(), reason },
        };
        migrate(conn, path).map_err(failed)
    })();
    let end = if outcome.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute_batch(end).map_err(open_err);
    conn.pragma_update(None, "foreign_keys", "ON").map_err(open_err)?;
    outcome?;
    ended
}

enum Prepared {
    UpToDate,
    Migrate { backup: Option<PathBuf> },
}

/// Inside the write lock: the file's version now, and the pre-migration copy of a
/// non-empty file.
fn prepare_migration(conn: &Connection, path: &Path, latest: i64) -> Result<Prepared, StoreError> {
    let current = match inspect_conn(conn, path)? {
        FileState::Empty => return Ok(Prepared::Migrate { backup: None }),
        FileState::Cora { version } => version,
    };
    if current > latest {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: current, known: latest });
    }
    if current == latest {
        return Ok(Prepared::UpToDate);
    }
    // Copy through a second connection: a connection holding the write lock cannot be a
    // backup's source (SQLite answers SQLITE_LOCKED), while a reader can, in WAL mode.
    let dest = unused_path(&format!("{}.pre-v{latest}", path.display()), ".bak");
    let reader = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.busy_timeout(BUSY_TIMEOUT).map(|()| c))
        .map_err(|e| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
    backup_to_new_file(&reader, &dest)?;
    Ok(Prepared::Migrate { backup: Some(dest) })
}

/// Runs refinery's statements on a connection that is already inside our transaction
/// (refinery's own driver would open and commit transactions of its own).
struct InTransaction<'a>(&'a Connection);

impl refinery_core::traits::sync::Transaction for InTransaction<'_> {
    type Error = rusqlite::Error;
    fn execute<'b, T: Iterator<Item = &'b str>>(&mut self, queries: T) -> Result<usize, Self::Error> {
        let mut n = 0;
        for q in queries {
            self.0.execute_batch(q)?;
            n += 1;
        }
        Ok(n)
    }
}

impl refinery_core::traits::sync::Query<Vec<refinery::Migration>> for InTransaction<'_> {
    fn query(&mut self, query: &str) -> Result<Vec<refinery::Migration>, Self::Error> {
        let mut stmt = self.0.prepare(query)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        let bad = |i: usize, what: &str| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("migration history: bad {what}").into());
        while let Some(row) = rows.next()? {
            let applied_on: String = row.get(2)?;
            let applied_on = time::OffsetDateTime::parse(&applied_on, &time::format_description::well_known::Rfc3339).map_err(|_| bad(2, "date"))?;
            let checksum: String = row.get(3)?;
            let checksum = checksum.parse::<u64>().map_err(|_| bad(3, "checksum"))?;
            out.push(refinery::Migration::applied(row.get(0)?, row.get(1)?, applied_on, checksum));
        }
        Ok(out)
    }
}

impl refinery::Migrate for InTransaction<'_> {}

/// Runs the pending migrations and checks the result, inside the caller's transaction.
fn migrate(conn: &Connection, path: &Path) -> Result<(), String> {
    conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(|e| e.to_string())?;
    // The capture triggers name columns: off while the migrations change tables, then
    // generated again from the schema they leave (sync::capture).
    crate::sync::capture::drop_all(conn).map_err(|e| e.to_string())?;
    embedded::migrations::runner()
        .set_grouped(true)
        .set_abort_divergent(true)
        .set_abort_missing(true)
        .run(&mut InTransaction(conn))
        .map_err(|e| e.to_string())?;
    crate::sync::capture::install(conn, latest_version()).map_err(|e| e.to_string())?;
    check_integrity(conn, path).map_err(|e| e.to_string())
}

/// `<base><suffix>`, or `<base>-2<suffix>`, `-3`, ... : the first name no file has.
pub fn unused_path(base: &str, suffix: &str) -> PathBuf {
    let first = PathBuf::from(format!("{base}{suffix}"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| PathBuf::from(format!("{base}-{n}{suffix}"))).find(|p| !p.exists()).unwrap_or(first)
}

/// Writes a consistent copy of `src` to `dest`, which must not exist: the copy is made
/// under a temporary name beside it and only a complete copy takes the name, without
/// ever replacing a file that has it (a hard link refuses an existing name).
pub fn backup_to_new_file(src: &Connection, dest: &Path) -> Result<(), StoreError> {
    let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".cora-copy-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StoreError::Backup(format!("{}: {e}", dir.display())))?
        .into_temp_path();
    backup_connection(src, &tmp)?;
    match std::fs::hard_link(&tmp, dest) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::Backup(format!("{} already exists", dest.display()))),
        // File systems without hard links: rename, after looking once more.
        Err(_) if !dest.exists() => {
            tmp.persist(dest).map_err(|e| StoreError::Backup(format!("{}: {e}", dest.display())))?;
            Ok(())
        }
        Err(e) => Err(StoreError::Backup(format!("{}: {e}", dest.display()))),
    }
}

/// Checks that `src` is a healthy Cora file this build can open, then swaps it in for
/// `dest`, keeping the replaced file beside it. Returns where the old file went.
pub fn restore(src: &Path, dest: &Path) -> Result<Option<PathBuf>, StoreError> {
    match inspect(src)? {
        FileState::Empty => return Err(StoreError::NotCora { path: src.to_path_buf() }),
        FileState::Cora { version } if version > latest_version() => {
            return Err(StoreError::TooNew { path: src.to_path_buf(), found: version, known: latest_version() });
        }
        FileState::Cora { .. } => {}
    }
    {
        let conn = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::Open { path: src.to_path_buf(), reason: e.to_string() })?;
        check_integrity(&conn, src)?;
    }
    let kept = if dest.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let kept = unused_path(&format!("{}.replaced-{stamp}", dest.display()), ".bak");
        // Take a consistent copy of the current file first (it may be in WAL mode).
        {
            let cur = Connection::open(dest).map_err(|e| StoreError::Open { path: dest.to_path_buf(), reason: e.to_string() })?;
            backup_to_new_file(&cur, &kept)?;
        }
        Some(kept)
    } else {
        None
    };
    // Write the restored content through SQLite so a running app's WAL stays coherent.
    let src_conn = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Open { path: src.to_path_buf(), reason: e.to_string() })?;
    let mut dest_conn = Connection::open(dest).map_err(|e| StoreError::Open { path: dest.to_path_buf(), reason: e.to_string() })?;
    dest_conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| StoreError::Backup(e.to_string()))?;
    {
        let b = rusqlite::backup::Backup::new(&src_conn, &mut dest_conn).map_err(|e| StoreError::Backup(e.to_string()))?;
        b.run_to_completion(256, Duration::from_millis(5), None).map_err(|e| StoreError::Backup(e.to_string()))?;
    }
    Ok(kept)
}
