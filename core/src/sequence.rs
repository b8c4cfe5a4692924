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
    Ok(row.map(|(prefix, padding, value)| (value, format(&prefix, padding, value))))
}

/// A number as the series writes it: the prefix and the value padded with zeros.
pub fn format(prefix: &str, padding: i64, value: i64) -> String {
    let padding = usize::try_from(padding).unwrap_or(5);
    format!("{prefix}{value:0padding$}")
}

/// A series' state for a caller that hands out many numbers in one transaction (batch
/// posting): it reads the state once with [`peek`], numbers in memory, and writes the
/// next value back with [`set_next`] in the same transaction, so the series stays gapless.
#[derive(Debug, Clone)]
pub struct SeriesState {
    pub prefix: String,
    pub padding: i64,
    pub next_value: i64,
}

/// The series' state, or a new series' (`prefix`, `padding`, next value 1) when it does
/// not exist yet; nothing is written.
pub fn peek(db: &Connection, t: &TenantCtx, series: &str, prefix: &str, padding: u32) -> Result<SeriesState> {
    let row: Option<SeriesState> = db
        .prepare_cached("SELECT prefix, padding, next_value FROM sequences WHERE tenant_id = ?1 AND series = ?2")?
        .query_row(params![t.tenant_id(), series], |r| Ok(SeriesState { prefix: r.get(0)?, padding: r.get(1)?, next_value: r.get(2)? }))
        .optional()?;
    Ok(row.unwrap_or(SeriesState { prefix: prefix.to_string(), padding: i64::from(padding), next_value: 1 }))
}

/// Records that the series' numbers below `s.next_value` are taken (creating the series
/// when [`peek`] found none).
pub fn set_next(db: &Connection, t: &TenantCtx, series: &str, s: &SeriesState) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO sequences (tenant_id, series, prefix, padding, next_value) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id, series) DO UPDATE SET next_value = excluded.next_value",
    )?
    .execute(params![t.tenant_id(), series, s.prefix, s.padding, s.next_value])?;
    Ok(())
}
