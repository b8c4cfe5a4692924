//! Idempotency keys: a mutating trade command may carry a client-supplied key; the same
//! key again (a double click, a retried `cora batch` line) returns the first call's
//! result and writes nothing. A key names one command: reused for another it is refused.

use crate::command::Ctx;
use crate::{Error, FieldCode, Result};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn once<T, F>(ctx: &mut Ctx<'_>, key: Option<&str>, command: &str, f: F) -> Result<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&mut Ctx<'_>) -> Result<T>,
{
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else { return f(ctx) };
    if key.chars().count() > 100 {
        return Err(Error::field("idempotency_key", FieldCode::TooLong.with("max", 100)));
    }
    let t = ctx.tenant()?;
    let seen: Option<(String, String)> = ctx
        .db()
        .prepare_cached("SELECT command, result FROM trade_idempotency WHERE tenant_id = ?1 AND key = ?2")?
        .query_row(params![t.tenant_id(), key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((cmd, result)) = seen {
        if cmd != command {
            return Err(Error::conflict("idempotency_key", FieldCode::Duplicate.with("value", key)));
        }
        ctx.wrote_nothing();
        return serde_json::from_str(&result).map_err(|e| Error::Internal(format!("stored result of {command}: {e}")));
    }
    let out = f(ctx)?;
    let json = serde_json::to_string(&out).map_err(|e| Error::Internal(e.to_string()))?;
    ctx.db()
        .prepare_cached("INSERT INTO trade_idempotency (tenant_id, key, command, result, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![t.tenant_id(), key, command, json, ctx.now])?;
    Ok(out)
}
