//! The audit log: who changed what, when, in which company.
//!
//! Invariants:
//! - Every successful mutating command appends at least one row, in the same
//!   transaction as its change; a failed command appends none.
//! - Rows are never updated or deleted (SQLite triggers refuse it).
//! - Summaries never hold a password or a session token.

pub mod commands;
pub mod feed;
pub mod repo;

use crate::ids::{AuditId, TenantId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AuditRow {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub user_email: Option<String>,
    pub company_id: Option<TenantId>,
    pub command: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub summary: serde_json::Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListAuditArgs {
    /// Rows older than this id (for the next page).
    #[serde(default)]
    #[ts(optional)]
    pub before: Option<AuditId>,
    /// At most this many rows (default 100, at most 1000).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub entity: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub command: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next: Option<AuditId>,
}

/// What changed between two versions of a record, as `{field: [old, new]}` over their
/// serialized fields (`updated_at` left out): the summary of an update's audit row.
pub fn changes<T: Serialize>(old: &T, new: &T) -> serde_json::Value {
    let (o, n) = (serde_json::to_value(old).unwrap_or_default(), serde_json::to_value(new).unwrap_or_default());
    let mut out = serde_json::Map::new();
    if let (Some(o), Some(n)) = (o.as_object(), n.as_object()) {
        for (k, v) in n {
            if k != "updated_at" && o.get(k) != Some(v) {
                out.insert(k.clone(), serde_json::json!([o.get(k), v]));
            }
        }
    }
    out.into()
}
