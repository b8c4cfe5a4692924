use crate::ids::{TenantId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// Who is calling: resolved from the session by the dispatcher.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub email: String,
    pub is_superuser: bool,
    /// Set when the call came with a personal API token instead of a session.
    pub api_token: Option<ApiTokenUse>,
}

/// The API token a call came with: the dispatcher refuses a read-only token's writes
/// and any token's credential commands.
#[derive(Debug, Clone, Copy)]
pub struct ApiTokenUse {
    pub id: crate::ids::ApiTokenId,
    pub read_only: bool,
}

/// Proof that the caller may act in one company. Only the dispatcher makes one, after
/// authorization; every company-scoped repository function takes it.
#[derive(Debug, Clone, Copy)]
pub struct TenantCtx {
    tenant_id: TenantId,
    user_id: UserId,
}

impl TenantCtx {
    pub(crate) fn new(tenant_id: TenantId, user_id: UserId) -> Self {
        TenantCtx { tenant_id, user_id }
    }
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }
    pub fn user_id(&self) -> UserId {
        self.user_id
    }
}

/// One row the dispatcher appends to the audit log after the handler succeeds.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// The company the row belongs to, when not the command's own (`company.create`).
    pub company: Option<TenantId>,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub summary: serde_json::Value,
}

/// What a handler works with: the open transaction, the clock, the caller.
pub struct Ctx<'a> {
    pub(crate) db: &'a Connection,
    pub now: DateTime<Utc>,
    pub(crate) principal: Option<Principal>,
    pub(crate) tenant: Option<TenantCtx>,
    pub(crate) session_token: Option<String>,
    pub(crate) audit: Vec<AuditEntry>,
    /// Set by a mutating command that ended up changing nothing (a dry run).
    pub(crate) wrote_nothing: bool,
}

impl<'a> Ctx<'a> {
    /// The open transaction. Handlers never commit: the dispatcher does.
    pub fn db(&self) -> &'a Connection {
        self.db
    }

    /// The signed-in caller. Commands other than `Public` always have one.
    pub fn principal(&self) -> crate::Result<&Principal> {
        self.principal.as_ref().ok_or_else(|| crate::Error::unauthenticated(crate::Reason::SignInRequired))
    }

    /// The company this command runs in; present for every company-scoped command.
    pub fn tenant(&self) -> crate::Result<TenantCtx> {
        self.tenant.ok_or_else(|| crate::Error::Internal("command is not company-scoped".into()))
    }

    /// True when the caller holds `perm` in this command's company (a superuser holds
    /// every permission). For commands that need more than their own permission for part
    /// of what they do (an import that also creates brands or cities).
    pub fn has_permission(&self, perm: &str) -> crate::Result<bool> {
        let p = self.principal()?;
        if p.is_superuser {
            return Ok(true);
        }
        crate::rbac::repo::member_has_permission(self.db, self.tenant()?.tenant_id(), p.user_id, perm)
    }

    /// Refuses the call as `forbidden` unless the caller holds `perm` in this company;
    /// `row`, `entity` and `name` say what needed it (row 3 creates the brand Acme).
    pub fn require_permission(&self, perm: &str, row: u32, entity: &str, name: &str) -> crate::Result<()> {
        if self.has_permission(perm)? {
            return Ok(());
        }
        Err(crate::Error::forbidden(
            crate::Reason::ImportNeedsPermission.with("permission", perm).with("row", row).with("entity", entity).with("name", name),
        ))
    }

    /// Says that this call of a mutating command changed nothing (a dry run, or an
    /// import refused for its bad rows), so it leaves no audit row.
    pub fn wrote_nothing(&mut self) {
        self.wrote_nothing = true;
    }

    /// Records what changed, for the audit log.
    pub fn audit(&mut self, entity: &'static str, entity_id: impl ToString, summary: serde_json::Value) {
        self.audit.push(AuditEntry { company: None, entity, entity_id: Some(entity_id.to_string()), summary });
    }

    /// Records what changed in a company other than the command's own (a company just
    /// created, so its own log shows its creation).
    pub fn audit_in(&mut self, company: TenantId, entity: &'static str, entity_id: impl ToString, summary: serde_json::Value) {
        self.audit.push(AuditEntry { company: Some(company), entity, entity_id: Some(entity_id.to_string()), summary });
    }
}
