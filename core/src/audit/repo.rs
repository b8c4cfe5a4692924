//! SQL for the audit log.

use super::{AuditPage, AuditRow, ListAuditArgs};
use crate::ids::{AuditId, TenantId, UserId};
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

#[allow(clippy::too_many_arguments)]
pub fn insert_entry(
    db: &Connection,
    at: DateTime<Utc>,
    user: Option<UserId>,
    tenant: Option<TenantId>,
    command: &str,
    entity: &str,
    entity_id: Option<&str>,
    summary: &serde_json::Value,
) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO audit_log (at, user_id, tenant_id, command, entity, entity_id, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![at, user, tenant, command, entity, entity_id, summary.to_string()])?;
    Ok(())
}

/// Newest first. `tenant` None lists every company's rows and the installation's own.
pub fn list(db: &Connection, tenant: Option<TenantId>, all: bool, a: &ListAuditArgs) -> Result<AuditPage> {
    let limit = a.limit.unwrap_or(100).clamp(1, 1000);
    let mut stmt = db.prepare_cached(
        "SELECT a.id, a.at, a.user_id, u.email, a.tenant_id, a.command, a.entity, a.entity_id, a.summary
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE (?1 OR a.tenant_id = ?2) AND (?3 IS NULL OR a.id < ?3) AND (?4 IS NULL OR a.entity = ?4)
           AND (?5 IS NULL OR a.command = ?5)
         ORDER BY a.id DESC LIMIT ?6",
    )?;
    let rows = stmt.query_map(params![all, tenant, a.before, a.entity, a.command, limit + 1], |r| {
        let summary: String = r.get(8)?;
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            user_id: r.get(2)?,
            user_email: r.get(3)?,
            company_id: r.get(4)?,
            command: r.get(5)?,
            entity: r.get(6)?,
            entity_id: r.get(7)?,
            summary: serde_json::from_str(&summary).unwrap_or(serde_json::Value::Null),
        })
    })?;
    let mut rows: Vec<AuditRow> = rows.collect::<rusqlite::Result<_>>()?;
    let next: Option<AuditId> = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(AuditPage { rows, next })
}
