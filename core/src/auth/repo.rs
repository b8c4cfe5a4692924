//! SQL for users, sessions and failed sign-ins. Every function takes the open transaction.

use super::model::{ApiToken, User};
use crate::command::{ApiTokenUse, Principal};
use crate::ids::{ApiTokenId, UserId};
use crate::list::like_pattern;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

const USER_COLS: &str = "id, email, display_name, is_active, is_superuser, created_at, last_login_at, language";

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        display_name: r.get(2)?,
        is_active: r.get(3)?,
        is_superuser: r.get(4)?,
        created_at: r.get(5)?,
        last_login_at: r.get(6)?,
        language: r.get(7)?,
    })
}

/// The key under which an email is unique ([`crate::keys::fold`]).
pub fn email_key(email: &str) -> String {
    crate::keys::fold(email)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn count_users(db: &Connection) -> Result<i64> {
    Ok(db.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub fn get_user(db: &Connection, id: UserId) -> Result<User> {
    db.prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE id = ?1"))?
        .query_row([id], user_row)
        .optional()?
        .ok_or_else(|| Error::not_found("user", id))
}

/// A user with the password hash, by email key.
pub fn get_user_for_login(db: &Connection, key: &str) -> Result<Option<(User, String)>> {
    Ok(db
        .prepare_cached(&format!("SELECT {USER_COLS}, password_hash FROM users WHERE email_key = ?1"))?
        .query_row([key], |r| Ok((user_row(r)?, r.get::<_, String>(8)?)))
        .optional()?)
}

pub fn get_password_hash(db: &Connection, id: UserId) -> Result<String> {
    Ok(db.query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| r.get(0))?)
}

pub fn find_user_by_email(db: &Connection, email: &str) -> Result<Option<User>> {
    Ok(db
        .prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE email_key = ?1"))?
        .query_row([email_key(email)], user_row)
        .optional()?)
}

pub fn email_taken(db: &Connection, email: &str, except: Option<UserId>) -> Result<bool> {
    Ok(db
        .query_row(
            "SELECT 1 FROM users WHERE email_key = ?1 AND id IS NOT ?2",
            params![email_key(email), except],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub fn list_users(db: &Connection, search: Option<&str>, include_inactive: bool) -> Result<Vec<User>> {
    let pattern = search.and_then(like_pattern);
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {USER_COLS} FROM users
         WHERE (?1 IS NULL OR email LIKE ?1 ESCAPE '\\' OR display_name LIKE ?1 ESCAPE '\\')
           AND (?2 OR is_active)
         ORDER BY email_key"
    ))?;
    let rows = stmt.query_map(params![pattern, include_inactive], user_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_user(db: &Connection, email: &str, display_name: &str, hash: &str, superuser: bool, now: DateTime<Utc>) -> Result<UserId> {
    db.prepare_cached(
        "INSERT INTO users (email, email_key, display_name, password_hash, is_superuser, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![email, email_key(email), display_name, hash, superuser, now])?;
    Ok(UserId(db.last_insert_rowid()))
}

pub fn update_user(db: &Connection, id: UserId, email: &str, display_name: &str, superuser: bool) -> Result<()> {
    db.execute(
        "UPDATE users SET email = ?2, email_key = ?3, display_name = ?4, is_superuser = ?5 WHERE id = ?1",
        params![id, email, email_key(email), display_name, superuser],
    )?;
    Ok(())
}

pub fn update_password(db: &Connection, id: UserId, hash: &str) -> Result<()> {
    db.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id, hash])?;
    Ok(())
}

pub fn update_active(db: &Connection, id: UserId, active: bool) -> Result<()> {
    db.execute("UPDATE users SET is_active = ?2 WHERE id = ?1", params![id, active])?;
    Ok(())
}

pub fn update_last_login(db: &Connection, id: UserId, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE users SET last_login_at = ?2 WHERE id = ?1")?.execute(params![id, now])?;
    Ok(())
}

pub fn count_active_superusers(db: &Connection) -> Result<i64> {
    Ok(db.query_row("SELECT count(*) FROM users WHERE is_superuser AND is_active", [], |r| r.get(0))?)
}

// --- failed sign-ins -------------------------------------------------------------------

/// The latest failure for this email key after `since`, if any.
pub fn get_latest_failure(db: &Connection, key: &str, since: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    Ok(db
        .prepare_cached("SELECT max(at) FROM login_failures WHERE email_key = ?1 AND at > ?2")?
        .query_row(params![key, since], |r| r.get(0))?)
}

/// How many failures for this email key fall in `(after, until]`.
pub fn count_failures(db: &Connection, key: &str, after: DateTime<Utc>, until: DateTime<Utc>) -> Result<i64> {
    Ok(db
        .prepare_cached("SELECT count(*) FROM login_failures WHERE email_key = ?1 AND at > ?2 AND at <= ?3")?
        .query_row(params![key, after, until], |r| r.get(0))?)
}

pub fn insert_failure(db: &Connection, key: &str, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("INSERT INTO login_failures (email_key, at) VALUES (?1, ?2)")?.execute(params![key, now])?;
    Ok(())
}

/// Forgets the failed sign-ins of one email.
pub fn delete_failures(db: &Connection, key: &str) -> Result<()> {
    db.prepare_cached("DELETE FROM login_failures WHERE email_key = ?1")?.execute([key])?;
    Ok(())
}

/// Forgets every failed sign-in older than `before`, of any email.
pub fn delete_failures_before(db: &Connection, before: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("DELETE FROM login_failures WHERE at < ?1")?.execute([before])?;
    Ok(())
}

// --- sessions --------------------------------------------------------------------------

pub fn insert_session(db: &Connection, token: &str, user: UserId, now: DateTime<Utc>, expires: DateTime<Utc>) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?3, ?4)",
    )?
    .execute(params![token_hash(token), user, now, expires])?;
    Ok(())
}

pub fn delete_session(db: &Connection, token: &str) -> Result<()> {
    db.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?.execute([token_hash(token)])?;
    Ok(())
}

/// Ends every session of a user, except `keep` when given.
pub fn delete_user_sessions(db: &Connection, user: UserId, keep: Option<&str>) -> Result<()> {
    db.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
        params![user, keep.map(token_hash)],
    )?;
    Ok(())
}

pub fn delete_expired_sessions(db: &Connection, now: DateTime<Utc>) -> Result<()> {
    db.execute("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2", params![now, idle_cutoff(now)])?;
    Ok(())
}

/// Sessions last seen at or before this have ended for idleness.
fn idle_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::minutes(super::service::SESSION_IDLE_MINUTES)
}

/// Marks a live session as used now. Writes only when the last mark is older than
/// [`super::service::SESSION_TOUCH_SECONDS`]; an ended session (expired or idle) stays ended.
pub fn touch_session(db: &Connection, token: &str, now: DateTime<Utc>) -> Result<()> {
    let stale = now - chrono::Duration::seconds(super::service::SESSION_TOUCH_SECONDS);
    db.prepare_cached(
        "UPDATE sessions SET last_seen_at = ?2
         WHERE token_hash = ?1 AND expires_at > ?2 AND last_seen_at > ?3 AND last_seen_at <= ?4",
    )?
    .execute(params![token_hash(token), now, idle_cutoff(now), stale])?;
    Ok(())
}

/// The active user behind a live session token.
pub fn get_principal_by_session(db: &Connection, token: &str, now: DateTime<Utc>) -> Result<Principal> {
    db.prepare_cached(
        "SELECT u.id, u.email, u.is_superuser FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3 AND u.is_active",
    )?
    .query_row(params![token_hash(token), now, idle_cutoff(now)], |r| {
        Ok(Principal { user_id: r.get(0)?, email: r.get(1)?, is_superuser: r.get(2)?, api_token: None })
    })
    .optional()?
    .ok_or_else(|| Error::unauthenticated(crate::Reason::SessionExpired))
}

// --- API tokens ------------------------------------------------------------------------

/// What a personal API token starts with, so the dispatcher (and a secret scanner) can
/// tell it from a session token.
pub const API_TOKEN_PREFIX: &str = "cora_pat_";

pub fn is_api_token(token: &str) -> bool {
    token.starts_with(API_TOKEN_PREFIX)
}

const API_TOKEN_COLS: &str = "t.id, t.user_id, u.email, t.name, t.prefix, t.created_at, t.expires_at, t.read_only, t.revoked_at, t.last_used_at";

fn api_token_row(r: &Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<ApiToken> {
    let expires_at: DateTime<Utc> = r.get(6)?;
    let revoked_at: Option<DateTime<Utc>> = r.get(8)?;
    Ok(ApiToken {
        id: r.get(0)?,
        user_id: r.get(1)?,
        user_email: r.get(2)?,
        name: r.get(3)?,
        prefix: r.get(4)?,
        created_at: r.get(5)?,
        expires_at,
        read_only: r.get(7)?,
        revoked_at,
        last_used_at: r.get(9)?,
        active: revoked_at.is_none() && expires_at > now,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn insert_api_token(
    db: &Connection,
    user: UserId,
    name: &str,
    token: &str,
    prefix: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    read_only: bool,
) -> Result<ApiTokenId> {
    db.prepare_cached(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, read_only)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![user, name, token_hash(token), prefix, now, expires_at, read_only])?;
    Ok(ApiTokenId(db.last_insert_rowid()))
}

pub fn get_api_token(db: &Connection, id: ApiTokenId, now: DateTime<Utc>) -> Result<ApiToken> {
    db.prepare_cached(&format!("SELECT {API_TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1"))?
        .query_row([id], |r| api_token_row(r, now))
        .optional()?
        .ok_or_else(|| Error::not_found("api_token", id))
}

/// Tokens of one user (or of everyone), newest first; only the live ones unless asked.
pub fn list_api_tokens(db: &Connection, user: Option<UserId>, include_inactive: bool, now: DateTime<Utc>) -> Result<Vec<ApiToken>> {
    let mut stmt = db.prepare_cached(&format!(
        "SELECT {API_TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE (?1 IS NULL OR t.user_id = ?1) AND (?2 OR (t.revoked_at IS NULL AND t.expires_at > ?3))
         ORDER BY t.id DESC"
    ))?;
    let rows = stmt.query_map(params![user, include_inactive, now], |r| api_token_row(r, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn revoke_api_token(db: &Connection, id: ApiTokenId, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")?.execute(params![id, now])?;
    Ok(())
}

/// The active user behind a live API token. A revoked, expired or unknown token, or one
/// of a deactivated user, is refused as `unauthenticated`, saying which.
pub fn get_principal_by_api_token(db: &Connection, token: &str, now: DateTime<Utc>) -> Result<Principal> {
    let row = db
        .prepare_cached(
            "SELECT u.id, u.email, u.is_superuser, u.is_active, t.id, t.read_only, t.revoked_at IS NOT NULL, t.expires_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
        )?
        .query_row([token_hash(token)], |r| {
            Ok((
                Principal {
                    user_id: r.get(0)?,
                    email: r.get(1)?,
                    is_superuser: r.get(2)?,
                    api_token: Some(ApiTokenUse { id: r.get(4)?, read_only: r.get(5)? }),
                },
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(6)?,
                r.get::<_, DateTime<Utc>>(7)?,
            ))
        })
        .optional()?;
    let Some((principal, active, revoked, expires_at)) = row else {
        return Err(Error::unauthenticated(crate::Reason::ApiTokenInvalid));
    };
    if revoked {
        return Err(Error::unauthenticated(crate::Reason::ApiTokenRevoked));
    }
    if expires_at <= now {
        return Err(Error::unauthenticated(crate::Reason::ApiTokenExpired));
    }
    if !active {
        return Err(Error::unauthenticated(crate::Reason::AccountDeactivated));
    }
    Ok(principal)
}

/// Marks a live API token as used now, at most once per
/// [`super::service::SESSION_TOUCH_SECONDS`] (a no-op write otherwise, so a read stays cheap).
pub fn touch_api_token(db: &Connection, token: &str, now: DateTime<Utc>) -> Result<()> {
    let stale = now - chrono::Duration::seconds(super::service::SESSION_TOUCH_SECONDS);
    db.prepare_cached(
        "UPDATE api_tokens SET last_used_at = ?2
         WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2 AND (last_used_at IS NULL OR last_used_at <= ?3)",
    )?
    .execute(params![token_hash(token), now, stale])?;
    Ok(())
}

/// The principal behind a bearer token: a personal API token (by its prefix) or a session.
pub fn get_principal(db: &Connection, token: &str, now: DateTime<Utc>) -> Result<Principal> {
    if is_api_token(token) { get_principal_by_api_token(db, token, now) } else { get_principal_by_session(db, token, now) }
}
