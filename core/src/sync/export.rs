//! The exporter: takes each sink from where it is to the newest committed change.
//!
//! It runs outside the command layer's write transactions (like a backup): it reads the
//! outbox, writes to the sink, and only then records in the file how far the sink got,
//! in a short write of its own. The sink keeps its own position (in its manifest, in a
//! PostgreSQL table committed with the data), so a crash between the two loses nothing
//! and sends nothing twice: the next run asks the sink where it stands first.

use super::capture::{self, TableInfo};
use super::model::{SinkKind, SinkState};
use super::sinks::{self, SinkRow};
use crate::ids::TenantId;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::Digest;
use std::path::Path;

/// Why a run of a sink failed. The run changes nothing in the file but the sink's
/// status; the next run tries again (after a backoff).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The sink cannot be reached or written (a folder, a database server).
    #[error("the sink cannot be written: {0}")]
    Target(String),
    /// The sink holds data of another Cora file.
    #[error("the sink holds another file's data (source {found}, this file is {expected})")]
    ForeignSource { expected: String, found: String },
    /// The sink is ahead of this file: an older backup was restored. Stops until a resync.
    #[error("the sink holds changes up to {sink_seq}, this file has no such change (it stands at {file_seq}): was an older backup restored? Resync the sink")]
    Diverged { sink_seq: i64, file_seq: i64 },
    /// This build cannot write this kind of sink.
    #[error("this program cannot write {} sinks", .0.as_str())]
    Unsupported(SinkKind),
    #[error(transparent)]
    Cora(#[from] crate::Error),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        SyncError::Cora(e.into())
    }
}

/// One captured change, exactly as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub tx: i64,
    pub at: String,
    pub table: String,
    pub op: String,
    /// The primary key, a JSON object.
    pub pk: String,
    /// The whole row (the old one for a delete), a JSON object keyed by column.
    pub row: String,
    pub schema_version: i64,
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

impl Change {
    /// The change as one line of newline-delimited JSON (without the newline): what
    /// the files sink writes and what a position's digest is taken of.
    pub fn line(&self) -> String {
        format!(
            "{{\"seq\":{},\"tx\":{},\"at\":{},\"table\":{},\"op\":{},\"pk\":{},\"row\":{},\"schema_version\":{}}}",
            self.seq,
            self.tx,
            json_str(&self.at),
            json_str(&self.table),
            json_str(&self.op),
            self.pk,
            self.row,
            self.schema_version
        )
    }

    /// SHA-256 of [`Change::line`], hex: identifies this change and no other.
    pub fn digest(&self) -> String {
        hex::encode(sha2::Sha256::digest(self.line().as_bytes()))
    }
}

/// Where a sink stands, as the sink itself records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub source_id: String,
    pub generation: i64,
    /// The last change it holds (a snapshot stands at the change it was taken after).
    pub last_seq: i64,
    /// The digest of that change, when the sink took it as a change (not after a snapshot).
    pub last_digest: Option<String>,
}

/// What a sink is told about the file and the company.
#[derive(Debug, Clone)]
pub struct Meta<'a> {
    pub source_id: &'a str,
    pub tenant_id: TenantId,
    pub company_code: &'a str,
    pub generation: i64,
    pub schema_version: i64,
    /// Every captured table of the current schema.
    pub tables: &'a [TableInfo],
}

/// Changes of whole source transactions, in commit order.
#[derive(Debug, Clone)]
pub struct Batch {
    pub changes: Vec<Change>,
}

impl Batch {
    pub fn first_seq(&self) -> i64 {
        self.changes.first().map_or(0, |c| c.seq)
    }
    pub fn last_seq(&self) -> i64 {
        self.changes.last().map_or(0, |c| c.seq)
    }
}

/// A place a company's changes go. Each write is all-or-nothing and records the sink's
/// new position with the data.
pub trait SinkTarget {
    /// Where the sink stands; `None` when it holds nothing of this company yet.
    fn position(&mut self, meta: &Meta<'_>) -> Result<Option<Position>, SyncError>;

    /// A batch the sink began writing and never recorded (a crash): the last change it
    /// covers, so the run writes the same range again. `None` when there is none.
    fn pending_end(&mut self, _meta: &Meta<'_>, _after: i64) -> Result<Option<i64>, SyncError> {
        Ok(None)
    }

    /// Starts loading the whole company as of change `seq` (replacing what it held).
    fn begin_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError>;
    /// Rows of one table: (primary key, row) as JSON objects.
    fn snapshot_rows(&mut self, table: &TableInfo, rows: &[(String, String)]) -> Result<(), SyncError>;
    /// Ends the load; only now does the sink stand at the snapshot.
    fn finish_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError>;

    /// Applies whole source transactions, and stands after the batch's last change.
    fn apply(&mut self, meta: &Meta<'_>, batch: &Batch) -> Result<(), SyncError>;
}

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Changes per batch (a batch is extended to end on a whole source transaction).
    pub batch_size: usize,
    /// Rows per `snapshot_rows` call.
    pub snapshot_chunk: usize,
    /// Try failing sinks now instead of after their backoff.
    pub ignore_backoff: bool,
    /// Stop after this many batches (`None`: until the sink is current).
    pub max_batches: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { batch_size: 5_000, snapshot_chunk: 2_000, ignore_backoff: true, max_batches: None }
    }
}

/// What a run of one sink did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    pub sink_id: i64,
    pub company: String,
    pub name: String,
    pub kind: SinkKind,
    /// Rows loaded by a snapshot.
    pub snapshot_rows: u64,
    pub changes: u64,
    pub batches: u64,
    /// The last change the sink holds now.
    pub acked_seq: i64,
    pub skipped: Option<String>,
    pub error: Option<String>,
    pub diverged: bool,
}

/// Starts a new source transaction for the capture triggers: called by the dispatcher
/// at the start of every writing transaction. Writes nothing while no sink is enabled.
pub fn next_tx(db: &Connection) -> crate::Result<()> {
    db.prepare_cached("UPDATE sync_clock SET tx = tx + 1 WHERE EXISTS (SELECT 1 FROM sync_sinks WHERE enabled)")?.execute([])?;
    Ok(())
}

/// The file's identity.
pub fn source_id(db: &Connection) -> crate::Result<String> {
    Ok(db.query_row("SELECT source_id FROM sync_source WHERE id = 1", [], |r| r.get(0))?)
}

/// Makes the sink for a row: the files sink here, others from crates outside core.
pub type Connect<'a> = dyn Fn(&SinkRow) -> Result<Box<dyn SinkTarget>, SyncError> + 'a;

/// Connects the sinks core can write itself: folders. Others are [`SyncError::Unsupported`].
pub fn connect_files(row: &SinkRow) -> Result<Box<dyn SinkTarget>, SyncError> {
    match row.kind {
        SinkKind::Files => Ok(Box::new(super::files::FilesSink::new(Path::new(&row.target), &row.company_code))),
        kind => Err(SyncError::Unsupported(kind)),
    }
}

/// Runs every enabled sink (of one company, or all) until it is current. A sink that
/// fails is recorded as failing (with a backoff) and the others still run.
pub fn run(db: &mut Connection, tenant: Option<TenantId>, connect: &Connect<'_>, opts: &RunOptions, now: DateTime<Utc>) -> crate::Result<Vec<RunReport>> {
    let rows = sinks::rows(db, tenant)?;
    let mut out = Vec::new();
    for row in rows {
        let mut report = RunReport {
            sink_id: row.id.0,
            company: row.company_code.clone(),
            name: row.name.clone(),
            kind: row.kind,
            snapshot_rows: 0,
            changes: 0,
            batches: 0,
            acked_seq: row.acked_seq,
            skipped: None,
            error: None,
            diverged: false,
        };
        if !row.enabled {
            report.skipped = Some("disabled".into());
            out.push(report);
            continue;
        }
        if row.state == SinkState::Diverged {
            report.skipped = Some("diverged: resync the sink".into());
            report.diverged = true;
            out.push(report);
            continue;
        }
        if !opts.ignore_backoff && row.next_try_at.is_some_and(|t| t > now) {
            report.skipped = Some("waiting after a failure".into());
            out.push(report);
            continue;
        }
        // One exporter per sink at a time (the app's worker, `cora sync watch`, a run
        // asked for by hand): a lock file beside the Cora file, which the system
        // releases when its holder ends, however it ends.
        let _lock = match sink_lock(db, &row)? {
            Lock::Held(l) => Some(l),
            Lock::NoFile => None,
            Lock::Busy => {
                report.skipped = Some("another exporter is running this sink".into());
                out.push(report);
                continue;
            }
        };
        let result = connect(&row).and_then(|mut target| run_one(db, &row, target.as_mut(), opts, &mut report));
        match result {
            Ok(()) => record_ok(db, &row, now)?,
            Err(e) => {
                report.error = Some(e.to_string());
                if let SyncError::Diverged { .. } = e {
                    report.diverged = true;
                }
                record_failure(db, &row, &e, now)?;
            }
        }
        out.push(report);
    }
    Ok(out)
}

enum Lock {
    Held(std::fs::File),
    /// An in-memory database: nobody else can reach it.
    NoFile,
    Busy,
}

fn sink_lock(db: &Connection, row: &SinkRow) -> crate::Result<Lock> {
    let Some(path) = db.path().filter(|p| !p.is_empty()) else { return Ok(Lock::NoFile) };
    let lock_path = format!("{path}.sync-{}.lock", row.id);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| crate::Error::Internal(format!("{lock_path}: {e}")))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock::Held(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(Lock::Busy),
        Err(std::fs::TryLockError::Error(e)) => Err(crate::Error::Internal(format!("{lock_path}: {e}"))),
    }
}

fn record_ok(db: &Connection, row: &SinkRow, now: DateTime<Utc>) -> crate::Result<()> {
    db.prepare_cached("UPDATE sync_sinks SET last_run_at = ?2, last_ok_at = ?2, last_error = NULL, failures = 0, next_try_at = NULL WHERE id = ?1")?
        .execute(params![row.id, now])?;
    Ok(())
}

fn record_failure(db: &Connection, row: &SinkRow, e: &SyncError, now: DateTime<Utc>) -> crate::Result<()> {
    let failures = row.failures.saturating_add(1);
    // 2, 4, 8, ... seconds, at most five minutes.
    let wait = 2i64.saturating_pow(u32::try_from(failures.min(20)).unwrap_or(20)).min(300);
    let diverged = matches!(e, SyncError::Diverged { .. });
    db.prepare_cached(
        "UPDATE sync_sinks SET last_run_at = ?2, last_error = ?3, failures = ?4, next_try_at = ?5, \
         state = CASE WHEN ?6 THEN 'diverged' ELSE state END WHERE id = ?1",
    )?
    .execute(params![row.id, now, e.to_string(), failures, now + chrono::Duration::seconds(wait), diverged])?;
    Ok(())
}

fn schema_version(db: &Connection) -> crate::Result<i64> {
    Ok(db.query_row("SELECT coalesce(max(version), 0) FROM refinery_schema_history", [], |r| r.get(0))?)
}

fn run_one(db: &mut Connection, row: &SinkRow, target: &mut dyn SinkTarget, opts: &RunOptions, report: &mut RunReport) -> Result<(), SyncError> {
    let source = source_id(db)?;
    let tables = capture::tables(db)?;
    let version = schema_version(db)?;
    let meta = Meta {
        source_id: &source,
        tenant_id: row.tenant_id,
        company_code: &row.company_code,
        generation: row.generation,
        schema_version: version,
        tables: &tables,
    };
    let pos = target.position(&meta)?;
    if let Some(p) = &pos
        && p.source_id != source
    {
        return Err(SyncError::ForeignSource { expected: source.clone(), found: p.source_id.clone() });
    }
    let mut acked = row.acked_seq;
    let mut state = row.state;
    if state == SinkState::Snapshot {
        // A snapshot that reached the sink before the file heard of it.
        let landed = matches!((&pos, row.snapshot_seq), (Some(p), Some(s)) if p.generation == row.generation && p.last_seq == s);
        if landed {
            acked = row.snapshot_seq.unwrap_or(0);
        } else {
            acked = snapshot(db, row, target, &meta, opts, report)?;
        }
        db.prepare_cached("UPDATE sync_sinks SET state = 'streaming', acked_seq = ?2, snapshot_seq = NULL WHERE id = ?1")?
            .execute(params![row.id, acked])?;
        sinks::prune(db, row.tenant_id)?;
        state = SinkState::Streaming;
        report.acked_seq = acked;
    } else {
        match &pos {
            // The sink lost what it held (its folder or schema was dropped): load it anew.
            None => {
                db.prepare_cached("UPDATE sync_sinks SET generation = generation + 1, state = 'snapshot', snapshot_seq = NULL WHERE id = ?1")?
                    .execute(params![row.id])?;
                let fresh = sinks::row(db, row.id)?;
                return run_one(db, &fresh, target, opts, report);
            }
            Some(p) if p.generation > row.generation => {
                return Err(SyncError::Diverged { sink_seq: p.last_seq, file_seq: acked });
            }
            Some(p) if p.generation < row.generation => {
                return Err(SyncError::Target(format!("the sink is at generation {} and this file asks for {}", p.generation, row.generation)));
            }
            Some(p) if p.last_seq > acked => {
                // The sink took a batch the file did not record (a crash in between):
                // that change must be here, the same.
                let here = change_at(db, row.tenant_id, p.last_seq)?;
                match (here, &p.last_digest) {
                    (Some(c), Some(d)) if &c.digest() == d => {
                        acked = p.last_seq;
                        ack(db, row, acked)?;
                        report.acked_seq = acked;
                    }
                    _ => return Err(SyncError::Diverged { sink_seq: p.last_seq, file_seq: sinks::max_seq(db)? }),
                }
            }
            Some(p) if p.last_seq < acked => {
                return Err(SyncError::Diverged { sink_seq: p.last_seq, file_seq: acked });
            }
            Some(_) => {}
        }
    }
    debug_assert_eq!(state, SinkState::Streaming);
    let mut batches = 0usize;
    loop {
        if opts.max_batches.is_some_and(|m| batches >= m) {
            break;
        }
        let end = target.pending_end(&meta, acked)?;
        let batch = read_batch(db, row.tenant_id, acked, opts.batch_size, end)?;
        if batch.changes.is_empty() {
            break;
        }
        target.apply(&meta, &batch)?;
        acked = batch.last_seq();
        ack(db, row, acked)?;
        batches += 1;
        report.batches += 1;
        report.changes += batch.changes.len() as u64;
        report.acked_seq = acked;
    }
    Ok(())
}

fn ack(db: &Connection, row: &SinkRow, acked: i64) -> crate::Result<()> {
    let tx = db.unchecked_transaction()?;
    tx.prepare_cached("UPDATE sync_sinks SET acked_seq = ?2 WHERE id = ?1")?.execute(params![row.id, acked])?;
    sinks::prune(&tx, row.tenant_id)?;
    tx.commit()?;
    Ok(())
}

const CHANGE_SQL: &str = "SELECT seq, tx, at, tbl, op, pk, row, schema_version FROM change_log";

fn read_change(r: &rusqlite::Row<'_>) -> rusqlite::Result<Change> {
    Ok(Change {
        seq: r.get(0)?,
        tx: r.get(1)?,
        at: r.get(2)?,
        table: r.get(3)?,
        op: r.get(4)?,
        pk: r.get(5)?,
        row: r.get(6)?,
        schema_version: r.get(7)?,
    })
}

/// One company's change at `seq`, if the outbox holds it.
pub fn change_at(db: &Connection, tenant: TenantId, seq: i64) -> crate::Result<Option<Change>> {
    Ok(db
        .prepare_cached(&format!("{CHANGE_SQL} WHERE seq = ?1 AND tenant_id = ?2"))?
        .query_row(params![seq, tenant], read_change)
        .optional()?)
}

/// The company's changes after `after`: about `size` of them, ending on a whole source
/// transaction; or exactly up to `end` when a crashed batch is written again.
pub fn read_batch(db: &Connection, tenant: TenantId, after: i64, size: usize, end: Option<i64>) -> crate::Result<Batch> {
    let mut changes: Vec<Change> = match end {
        Some(end) => db
            .prepare_cached(&format!("{CHANGE_SQL} WHERE tenant_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq"))?
            .query_map(params![tenant, after, end], read_change)?
            .collect::<rusqlite::Result<_>>()?,
        None => db
            .prepare_cached(&format!("{CHANGE_SQL} WHERE tenant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"))?
            .query_map(params![tenant, after, i64::try_from(size.max(1)).unwrap_or(i64::MAX)], read_change)?
            .collect::<rusqlite::Result<_>>()?,
    };
    if end.is_none()
        && changes.len() >= size.max(1)
        && let Some(last) = changes.last().cloned()
    {
        // The rest of the last transaction, so it is applied whole.
        let rest: Vec<Change> = db
            .prepare_cached(&format!("{CHANGE_SQL} WHERE tenant_id = ?1 AND seq > ?2 AND tx = ?3 ORDER BY seq"))?
            .query_map(params![tenant, last.seq, last.tx], read_change)?
            .collect::<rusqlite::Result<_>>()?;
        changes.extend(rest);
    }
    Ok(Batch { changes })
}

/// Loads the whole company into the sink from one consistent read of the file, and
/// returns the change it stands at.
fn snapshot(db: &Connection, row: &SinkRow, target: &mut dyn SinkTarget, meta: &Meta<'_>, opts: &RunOptions, report: &mut RunReport) -> Result<i64, SyncError> {
    let path = db.path().map(Path::new).ok_or_else(|| SyncError::Target("the file has no path".into()))?;
    // A second connection holds the read snapshot while this one records where it stands.
    let reader = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    reader.busy_timeout(crate::store::BUSY_TIMEOUT)?;
    reader.execute_batch("BEGIN")?;
    let seq = sinks::max_seq(&reader)?;
    target.begin_snapshot(meta, seq)?;
    db.prepare_cached("UPDATE sync_sinks SET snapshot_seq = ?2 WHERE id = ?1")?.execute(params![row.id, seq])?;
    for t in meta.tables {
        let sql = format!(
            "SELECT {}, {} FROM \"{}\" AS r WHERE r.\"{}\" = ?1 ORDER BY {}",
            t.pk_json("r."),
            t.row_json("r."),
            t.name.replace('"', "\"\""),
            t.tenant_column,
            t.pk.iter().map(|c| format!("r.\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(", ")
        );
        let mut stmt = reader.prepare(&sql)?;
        let mut rows = stmt.query(params![row.tenant_id])?;
        let mut chunk = Vec::with_capacity(opts.snapshot_chunk);
        while let Some(r) = rows.next()? {
            chunk.push((r.get::<_, String>(0)?, r.get::<_, String>(1)?));
            if chunk.len() >= opts.snapshot_chunk.max(1) {
                target.snapshot_rows(t, &chunk)?;
                report.snapshot_rows += chunk.len() as u64;
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            target.snapshot_rows(t, &chunk)?;
            report.snapshot_rows += chunk.len() as u64;
        }
    }
    target.finish_snapshot(meta, seq)?;
    reader.execute_batch("COMMIT")?;
    Ok(seq)
}
