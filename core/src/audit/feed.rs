//! The change feed: what was written since a given audit row, limited to what the
//! signed-in caller may see. The desktop shell polls it (through the command layer, with
//! the session's token) to tell open lists to refresh; it replaces reading `audit_log`
//! from outside the command layer.
//!
//! What a caller is told about (only `(company, entity)` pairs, never ids or summaries):
//! - a superuser: every row;
//! - anyone else: rows of the companies they are a member of now, and of the rows with no
//!   company only those about things they can see anyway:
//!   - `role`: global roles (every member sees them in role lists and pickers);
//!   - `company`: the archiving or unarchiving of a company they are a member of (older
//!     files logged it without a company; it is now in the company's own log);
//!   - `user`: their own account (renamed, deactivated, password reset, signed in or out).
//!
//!   Other users' accounts and sign-ins, and everything in other companies, are left out.
//!   A member removed from a company stops hearing about it at once, the removal included.

use crate::Result;
use crate::command::{Access, CommandSpec, Ctx, Registry};
use crate::ids::{AuditId, TenantId};
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChangesSinceArgs {
    /// The `latest` of the previous answer. Absent: only the newest row id is returned
    /// (where a new watcher starts).
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<AuditId>,
}

/// One (company, entity) written since the last look.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DataChange {
    /// None for rows that belong to no company (global roles, user accounts).
    pub company: Option<TenantId>,
    pub entity: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ChangeFeed {
    /// The newest audit row id: pass it as `after` next time.
    pub latest: AuditId,
    /// What changed after `after` up to `latest`, each pair once, in no particular order.
    pub changes: Vec<DataChange>,
}

pub fn register(r: &mut Registry) {
    r.add(CommandSpec::query(
        "audit.changes_since",
        Access::Authenticated,
        "Which companies and entities you can see were written since an audit row (for refreshing open lists)",
        changes_since,
    )
    // The shell polls it on its own: that is not the user's activity, so it must not keep
    // an idle session alive.
    .not_activity());
}

fn changes_since(ctx: &mut Ctx<'_>, a: ChangesSinceArgs) -> Result<ChangeFeed> {
    let p = ctx.principal()?;
    let db = ctx.db();
    // Cheap when nothing changed: max(id) on the primary key.
    let latest: AuditId = db.prepare_cached("SELECT coalesce(max(id), 0) FROM audit_log")?.query_row([], |r| r.get(0))?;
    let Some(after) = a.after.filter(|after| *after < latest) else {
        return Ok(ChangeFeed { latest, changes: Vec::new() });
    };
    let mut stmt = db.prepare_cached(
        "SELECT DISTINCT a.tenant_id, a.entity FROM audit_log a
         WHERE a.id > ?1 AND a.id <= ?2 AND (
             ?3
             OR a.tenant_id IN (SELECT m.tenant_id FROM memberships m WHERE m.user_id = ?4)
             OR (a.tenant_id IS NULL AND (
                    a.entity = 'role'
                 OR (a.entity = 'user' AND a.entity_id = CAST(?4 AS TEXT))
                 OR (a.entity = 'company' AND a.entity_id IN
                        (SELECT CAST(m.tenant_id AS TEXT) FROM memberships m WHERE m.user_id = ?4)))))
         ORDER BY 1, 2",
    )?;
    let changes = stmt
        .query_map(params![after, latest, p.is_superuser, p.user_id], |r| Ok(DataChange { company: r.get(0)?, entity: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ChangeFeed { latest, changes })
}
