//! Sinks: their rows in `sync_sinks`, the `sync.*` command handlers, and the pruning of
//! the outbox.

use super::model::*;
use crate::command::{Ctx, IdArg, TenantCtx};
use crate::ids::TenantId;
use crate::{Error, FieldCode, Result, keys, validate};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// A sink's row as the exporter needs it, with the target unmasked.
#[derive(Debug, Clone)]
pub struct SinkRow {
    pub id: SinkId,
    pub tenant_id: TenantId,
    pub company_code: String,
    pub name: String,
    pub kind: SinkKind,
    pub target: String,
    pub enabled: bool,
    pub state: SinkState,
    pub acked_seq: i64,
    pub snapshot_seq: Option<i64>,
    pub generation: i64,
    pub failures: i64,
    pub next_try_at: Option<DateTime<Utc>>,
}

const ROW_SQL: &str = "SELECT s.id, s.tenant_id, c.code, s.name, s.kind, s.target, s.enabled, s.state, s.acked_seq, s.snapshot_seq, \
     s.generation, s.failures, s.next_try_at FROM sync_sinks s JOIN companies c ON c.id = s.tenant_id";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SinkRow> {
    Ok(SinkRow {
        id: r.get(0)?,
        tenant_id: r.get(1)?,
        company_code: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        target: r.get(5)?,
        enabled: r.get(6)?,
        state: r.get(7)?,
        acked_seq: r.get(8)?,
        snapshot_seq: r.get(9)?,
        generation: r.get(10)?,
        failures: r.get(11)?,
        next_try_at: r.get(12)?,
    })
}

/// Every sink of the file, or of one company.
pub fn rows(db: &Connection, tenant: Option<TenantId>) -> Result<Vec<SinkRow>> {
    let sql = format!("{ROW_SQL} WHERE ?1 IS NULL OR s.tenant_id = ?1 ORDER BY s.tenant_id, s.id");
    let out = db.prepare(&sql)?.query_map(params![tenant], read_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

pub fn row(db: &Connection, id: SinkId) -> Result<SinkRow> {
    db.prepare_cached(&format!("{ROW_SQL} WHERE s.id = ?1"))?
        .query_row(params![id], read_row)
        .optional()?
        .ok_or_else(|| Error::not_found("sink", id))
}

/// A connection string with its password replaced by `***`.
pub fn mask(target: &str) -> String {
    if let Ok(mut u) = url::Url::parse(target) {
        if u.password().is_some() {
            let _ = u.set_password(Some("***"));
        }
        return u.to_string();
    }
    target
        .split_whitespace()
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_target(kind: SinkKind, target: &str) -> Result<String> {
    let target = target.trim();
    let bad = |detail: &str| Error::field("target", FieldCode::InvalidConnectionString.with("detail", detail));
    if target.is_empty() {
        return Err(Error::field("target", FieldCode::Required));
    }
    if target.len() > 2000 {
        return Err(Error::field("target", FieldCode::TooLong.with("max", 2000)));
    }
    if target.chars().any(char::is_control) {
        return Err(Error::field("target", FieldCode::ControlCharacters));
    }
    match kind {
        SinkKind::Files => {
            if !std::path::Path::new(target).is_absolute() {
                return Err(Error::field("target", FieldCode::NotAbsolutePath));
            }
        }
        SinkKind::Postgres => {
            let is_url = target.starts_with("postgres://") || target.starts_with("postgresql://");
            if is_url {
                url::Url::parse(target).map_err(|e| bad(&format!("not a connection URL: {e}")))?;
            } else if !target.split_whitespace().all(|kv| kv.contains('=')) || !target.contains("dbname=") && !target.contains("host=") {
                return Err(bad("a PostgreSQL connection string: postgresql://user:password@host/db or host=... dbname=..."));
            }
        }
    }
    Ok(target.to_string())
}

/// The newest change of the whole file (0 before the first).
pub fn max_seq(db: &Connection) -> Result<i64> {
    Ok(db
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn public(db: &Connection, r: &SinkRow, now: DateTime<Utc>) -> Result<Sink> {
    let (lag_changes, oldest): (i64, Option<DateTime<Utc>>) = if r.enabled && r.state == SinkState::Streaming {
        db.prepare_cached("SELECT count(*), min(at) FROM change_log WHERE tenant_id = ?1 AND seq > ?2")?
            .query_row(params![r.tenant_id, r.acked_seq], |x| Ok((x.get(0)?, x.get(1)?)))?
    } else {
        (0, None)
    };
    let extra: (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<String>, DateTime<Utc>) = db
        .prepare_cached("SELECT last_run_at, last_ok_at, last_error, created_at FROM sync_sinks WHERE id = ?1")?
        .query_row(params![r.id], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)))?;
    Ok(Sink {
        id: r.id,
        name: r.name.clone(),
        kind: r.kind,
        target: mask(&r.target),
        enabled: r.enabled,
        state: r.state,
        acked_seq: r.acked_seq,
        generation: r.generation,
        lag_changes,
        lag_seconds: oldest.map(|o| (now - o).num_seconds().max(0)),
        last_run_at: extra.0,
        last_ok_at: extra.1,
        last_error: extra.2,
        failures: r.failures,
        next_try_at: r.next_try_at,
        created_at: extra.3,
    })
}

/// Every sink of the file (or of one company) with its company's code and its status,
/// read straight from the file: for `cora sync status`, which like the exporter needs the
/// file, not a session.
pub fn status(db: &Connection, tenant: Option<TenantId>, now: DateTime<Utc>) -> Result<Vec<(String, Sink)>> {
    rows(db, tenant)?.iter().map(|r| Ok((r.company_code.clone(), public(db, r, now)?))).collect()
}

fn own(db: &Connection, t: &TenantCtx, id: SinkId) -> Result<SinkRow> {
    let r = row(db, id)?;
    if r.tenant_id != t.tenant_id() {
        return Err(Error::not_found("sink", id));
    }
    Ok(r)
}

pub fn list(ctx: &mut Ctx<'_>) -> Result<Vec<Sink>> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    rows(db, Some(t.tenant_id()))?.iter().map(|r| public(db, r, ctx.now)).collect()
}

pub fn get(ctx: &mut Ctx<'_>, a: IdArg<SinkId>) -> Result<Sink> {
    let t = ctx.tenant()?;
    let r = own(ctx.db(), &t, a.id)?;
    public(ctx.db(), &r, ctx.now)
}

fn name_free(db: &Connection, t: &TenantCtx, name: &str, except: Option<SinkId>) -> Result<()> {
    let taken = db
        .prepare_cached("SELECT 1 FROM sync_sinks WHERE tenant_id = ?1 AND name_key = ?2 AND id IS NOT ?3")?
        .exists(params![t.tenant_id(), keys::fold(name), except])?;
    if taken {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("value", name)));
    }
    Ok(())
}

pub fn add(ctx: &mut Ctx<'_>, a: AddSinkArgs) -> Result<Sink> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = validate::Checker::new();
    let name = c.required("name", &a.name, 100);
    c.finish()?;
    let target = check_target(a.kind, &a.target)?;
    name_free(db, &t, &name, None)?;
    db.prepare_cached(
        "INSERT INTO sync_sinks (tenant_id, name, name_key, kind, target, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![t.tenant_id(), name, keys::fold(&name), a.kind, target, ctx.now])?;
    let id = SinkId(db.last_insert_rowid());
    ctx.audit("sink", id, json!({"name": name, "kind": a.kind, "target": mask(&target)}));
    let r = row(db, id)?;
    public(db, &r, ctx.now)
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdateSinkArgs) -> Result<Sink> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = own(db, &t, a.id)?;
    let name = match &a.name {
        Some(n) => {
            let mut c = validate::Checker::new();
            let n = c.required("name", n, 100);
            c.finish()?;
            name_free(db, &t, &n, Some(a.id))?;
            n
        }
        None => old.name.clone(),
    };
    let target = match &a.target {
        Some(x) => check_target(old.kind, x)?,
        None => old.target.clone(),
    };
    let enabled = a.enabled.unwrap_or(old.enabled);
    // A new target or a sink switched back on missed changes: it loads the whole
    // company again.
    let reload = target != old.target || (enabled && !old.enabled);
    db.prepare_cached("UPDATE sync_sinks SET name = ?2, name_key = ?3, target = ?4, enabled = ?5 WHERE id = ?1")?
        .execute(params![a.id, name, keys::fold(&name), target, enabled])?;
    if reload {
        start_over(db, a.id)?;
    }
    prune(db, t.tenant_id())?;
    ctx.audit("sink", a.id, json!({"name": [old.name, name], "target": [mask(&old.target), mask(&target)], "enabled": [old.enabled, enabled]}));
    let r = row(db, a.id)?;
    public(db, &r, ctx.now)
}

/// The next run loads the whole company again, as a new generation.
fn start_over(db: &Connection, id: SinkId) -> Result<()> {
    db.prepare_cached(
        "UPDATE sync_sinks SET state = 'snapshot', snapshot_seq = NULL, generation = generation + 1, failures = 0, \
         next_try_at = NULL, last_error = NULL WHERE id = ?1",
    )?
    .execute(params![id])?;
    Ok(())
}

pub fn resync(ctx: &mut Ctx<'_>, a: IdArg<SinkId>) -> Result<Sink> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    own(db, &t, a.id)?;
    start_over(db, a.id)?;
    ctx.audit("sink", a.id, json!({"resync": true}));
    let r = row(db, a.id)?;
    public(db, &r, ctx.now)
}

pub fn remove(ctx: &mut Ctx<'_>, a: IdArg<SinkId>) -> Result<()> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = own(db, &t, a.id)?;
    db.prepare_cached("DELETE FROM sync_sinks WHERE id = ?1")?.execute(params![a.id])?;
    prune(db, t.tenant_id())?;
    ctx.audit("sink", a.id, json!({"name": old.name, "removed": true}));
    Ok(())
}

/// Removes the company's changes that every sink still counting on them has taken: an
/// enabled streaming sink needs what follows its acknowledged change, a sink loading a
/// snapshot what follows the snapshot. A sink yet to take its snapshot needs nothing
/// there is now, and a diverged one waits for a resync. With no sink needing them, no
/// changes are kept.
pub fn prune(db: &Connection, tenant: TenantId) -> Result<usize> {
    let keep_after: Option<i64> = db
        .prepare_cached(
            "SELECT min(CASE state WHEN 'streaming' THEN acked_seq ELSE snapshot_seq END) FROM sync_sinks \
             WHERE tenant_id = ?1 AND enabled AND state <> 'diverged'",
        )?
        .query_row(params![tenant], |r| r.get(0))?;
    let n = match keep_after {
        Some(s) => db.prepare_cached("DELETE FROM change_log WHERE tenant_id = ?1 AND seq <= ?2")?.execute(params![tenant, s])?,
        None => db.prepare_cached("DELETE FROM change_log WHERE tenant_id = ?1")?.execute(params![tenant])?,
    };
    Ok(n)
}
