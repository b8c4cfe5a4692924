//! SQL for preferences. Keyed by the caller's user id, which only the service passes.

use crate::Result;
use crate::ids::UserId;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub fn get_preference(db: &Connection, user: UserId, key: &str) -> Result<Option<String>> {
    Ok(db
        .prepare_cached("SELECT value FROM user_preferences WHERE user_id = ?1 AND key = ?2")?
        .query_row(params![user, key], |r| r.get(0))
        .optional()?)
}

pub fn upsert_preference(db: &Connection, user: UserId, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO user_preferences (user_id, key, value, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![user, key, value, now])?;
    Ok(())
}

/// True when a row was deleted.
pub fn delete_preference(db: &Connection, user: UserId, key: &str) -> Result<bool> {
    Ok(db.prepare_cached("DELETE FROM user_preferences WHERE user_id = ?1 AND key = ?2")?.execute(params![user, key])? > 0)
}

pub fn update_language(db: &Connection, user: UserId, language: &str) -> Result<()> {
    db.prepare_cached("UPDATE users SET language = ?2 WHERE id = ?1")?.execute(params![user, language])?;
    Ok(())
}
