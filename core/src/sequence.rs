//! Gapless numbers per company and series (`P00001`, later `INV-2026-00001`).
//!
//! A number is taken inside the caller's transaction: if the command fails, the
//! increment rolls back with it, so no number is ever skipped.

use crate::Result;
use crate::command::TenantCtx;
use rusqlite::{Connection, OptionalExtension, params};

/// The next number of `series` in this company, creating the series with `prefix` and
/// `padding` on first use.
pub fn next(db: &Connection, t: &TenantCtx, series: &str, prefix: &str, padding: u32) -> Result<String> {
    Ok(next_value(db, t, series, prefix, padding)?.1)
}

/// Like [`next`], also returning the number's value in its series (1, 2, ...).
///
/// One statement when the series exists (the usual case: `UPDATE … RETURNING`); the
/// series is created with `prefix` and `padding` first when the update finds no row.
pub fn next_value(db: &Connection, t: &TenantCtx, series: &str, prefix: &str, padding: u32) -> Result<(i64, String)> {
    if let Some(v) = take(db, t, series)? {
        return Ok(v);
    }
    db.prepare_cached(
        "INSERT INTO sequences (tenant_id, series, prefix, padding, next_value) VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (tenant_id, series) DO NOTHING",
    )?
    .execute(params![t.tenant_id(), series, prefix, padding])?;
    take(db, t, series)?.ok_or_else(|| crate::Error::Internal(format!("sequence {series}")))
}

/// Takes the next value of an existing series; `None` when the series does not exist yet.
fn take(db: &Connection, t: &TenantCtx, series: &str) -> Result<Option<(i64, String)>> {
    let row: Option<(String, i64, i64)> = db
        .prepare_cached(
            "UPDATE sequences SET next_value = next_value + 1 WHERE tenant_id = ?1 AND series = ?2
             RETURNING prefix, padding, next_value - 1",
        )?
        .query_row(params![t.tenant_id(), series], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(prefix, padding, value)| {
        let padding = usize::try_from(padding).unwrap_or(5);
        (value, format!("{prefix}{value:0padding$}"))
    }))
}
