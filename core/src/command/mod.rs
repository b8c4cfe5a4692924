//! The one command layer.
//!
//! Every operation in Cora is a named command (`company.create`, `role.set_permissions`)
//! with typed args and result, a declared access rule and a handler in core. The desktop
//! shell and the `cora` CLI both call [`crate::Cora::call`]; neither holds business logic.
//!
//! Invariants:
//! - Authentication and authorization happen only in the dispatcher, before a handler
//!   runs. A company-scoped handler receives a [`TenantCtx`] for a company where the
//!   caller is a member with the permission, or is a superuser; nothing else can make one.
//! - One command is one transaction: the handler's writes and its audit rows commit
//!   together or not at all (an atomic batch widens this to the whole batch).
//! - Every permission a command declares exists in the `permissions` table.

mod ctx;
mod dispatch;
mod registry;

pub use ctx::{ApiTokenUse, AuditEntry, Ctx, Principal, TenantCtx};
pub use dispatch::{BatchItem, CompanyRef};
pub use registry::{Access, CommandInfo, CommandSpec, PermissionSpec, Registry};
/// Commands that take another command's args as JSON (`report.export`) parse them alike.
pub(crate) use registry::parse_args;

use serde::{Deserialize, Serialize};

/// Args of a command that takes none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// Result of a command that returns nothing but success.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Done {
    pub ok: bool,
}

impl Done {
    pub const OK: Done = Done { ok: true };
}

/// Args that name one record by id.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct IdArg<T> {
    pub id: T,
}

/// Args that archive or restore one record.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetArchivedArg<T> {
    pub id: T,
    pub archived: bool,
}

/// Args of a short list that hides archived records unless asked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ArchivedArg {
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}
