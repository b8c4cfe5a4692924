//! The dispatcher: authenticate, authorize, one transaction, handler, audit, commit.

use super::ctx::{Ctx, Principal, TenantCtx};
use super::registry::{Access, CommandSpec};
use crate::ids::TenantId;
use crate::{Cora, Error, Result, auth, company, rbac};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A company named in a call: by id (the UI) or by code (the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(untagged)]
pub enum CompanyRef {
    Id(#[ts(type = "number")] i64),
    Code(String),
}

impl From<TenantId> for CompanyRef {
    fn from(id: TenantId) -> Self {
        CompanyRef::Id(id.0)
    }
}

impl From<&str> for CompanyRef {
    fn from(code: &str) -> Self {
        CompanyRef::Code(code.to_string())
    }
}

/// One line of `cora batch`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    pub command: String,
    #[serde(default)]
    pub args: Value,
    #[serde(default)]
    pub company: Option<CompanyRef>,
}

impl Cora {
    /// Runs one command as the holder of `session` (a token from `auth.login`), in
    /// `company` when the command is company-scoped. Returns the command's JSON result.
    pub fn call(&mut self, session: Option<&str>, company: Option<&CompanyRef>, command: &str, args: Value) -> Result<Value> {
        let registry = self.registry.clone();
        let spec = registry.get(command).ok_or_else(|| Error::not_found("command", command))?;
        let now = (self.clock)();
        self.touch_session(spec, session, now)?;
        let behavior = if spec.mutating || spec.persist_on_error { TransactionBehavior::Immediate } else { TransactionBehavior::Deferred };
        let tx = self.store.conn_mut().transaction_with_behavior(behavior)?;
        if spec.mutating {
            crate::sync::export::next_tx(&tx)?;
        }
        match run(&tx, spec, session, company, args, now) {
            Ok(v) => {
                tx.commit()?;
                Ok(v)
            }
            Err(e) => {
                if spec.persist_on_error {
                    tx.commit()?;
                }
                Err(e)
            }
        }
    }

    /// Runs every item in one transaction: all commit, or none (the first error,
    /// with its index, is returned and everything is rolled back). An argument may be
    /// `{"$ref": "N.path"}`: the value at `path` (dot-separated keys and array indexes)
    /// in the result of item N (1-based, an earlier one), so a whole flow — create an
    /// order, confirm it by its new id, deliver its first line — runs as one batch.
    pub fn call_atomic(&mut self, session: Option<&str>, items: &[BatchItem]) -> std::result::Result<Vec<Value>, (usize, Error)> {
        let registry = self.registry.clone();
        let now = (self.clock)();
        if let Some(spec) = items.first().and_then(|i| registry.get(&i.command)) {
            self.touch_session(spec, session, now).map_err(|e| (0, e))?;
        }
        let tx = self.store.conn_mut().transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| (0, e.into()))?;
        crate::sync::export::next_tx(&tx).map_err(|e| (0, e))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let spec = registry.get(&item.command).ok_or_else(|| (i, Error::not_found("command", &item.command)))?;
            if spec.persist_on_error {
                return Err((i, Error::field("command", crate::FieldCode::NotBatchable)));
            }
            let mut args = item.args.clone();
            resolve_refs(&mut args, &out).map_err(|e| (i, e))?;
            out.push(run(&tx, spec, session, item.company.as_ref(), args, now).map_err(|e| (i, e))?);
        }
        tx.commit().map_err(|e| (items.len(), e.into()))?;
        Ok(out)
    }
}

/// Replaces every `{"$ref": "N.path"}` in `args` with that value of result N (1-based).
fn resolve_refs(args: &mut Value, results: &[Value]) -> Result<()> {
    match args {
        Value::Object(map) if map.len() == 1 && map.contains_key("$ref") => {
            let r = map.get("$ref").and_then(Value::as_str).unwrap_or_default().to_string();
            let bad = || Error::field("args", crate::FieldCode::Invalid.with("detail", format!("$ref {r}: name an earlier item's result as N.path")));
            let mut parts = r.split('.');
            let n: usize = parts.next().and_then(|n| n.parse().ok()).ok_or_else(bad)?;
            let mut v = results.get(n.checked_sub(1).ok_or_else(bad)?).ok_or_else(bad)?;
            for p in parts {
                v = match v {
                    Value::Array(a) => a.get(p.parse::<usize>().map_err(|_| bad())?).ok_or_else(bad)?,
                    Value::Object(o) => o.get(p).ok_or_else(bad)?,
                    _ => return Err(bad()),
                };
            }
            *args = v.clone();
        }
        Value::Object(map) => {
            for v in map.values_mut() {
                resolve_refs(v, results)?;
            }
        }
        Value::Array(a) => {
            for v in a {
                resolve_refs(v, results)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The panic boundary: a panic anywhere in a command (a bug, never an answer to input)
/// becomes an `internal` error naming the command. The caller's transaction is then
/// rolled back like for any other error, and the process keeps serving calls.
impl Cora {
    /// A call is activity: it keeps its session from ending for idleness (commands the
    /// shell runs on its own, like the change feed, are not). Its own short write, before
    /// the command's transaction, so a read stays a read.
    fn touch_session(&self, spec: &CommandSpec, session: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        match session {
            Some(token) if spec.activity && spec.access != Access::Public => {
                if auth::repo::is_api_token(token) {
                    auth::repo::touch_api_token(self.store.conn(), token, now)
                } else {
                    auth::repo::touch_session(self.store.conn(), token, now)
                }
            }
            _ => Ok(()),
        }
    }
}

/// Commands an API token may not run: every write of `auth.*` (a token makes no further
/// tokens, changes no password, signs nobody out) and setting another user's password.
fn is_credential_command(name: &str) -> bool {
    name.starts_with("auth.") || name == "user.reset_password"
}

fn run(
    db: &Connection,
    spec: &CommandSpec,
    session: Option<&str>,
    company: Option<&CompanyRef>,
    args: Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Value> {
    // AssertUnwindSafe: after a panic nothing the closure touched is used again except
    // the transaction, which the caller rolls back.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_unguarded(db, spec, session, company, args, now)))
        .unwrap_or_else(|_| Err(Error::Panic { command: spec.name }))
}

fn run_unguarded(
    db: &Connection,
    spec: &CommandSpec,
    session: Option<&str>,
    company: Option<&CompanyRef>,
    args: Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Value> {
    // 1. Who is calling.
    let principal: Option<Principal> = match (spec.access, session) {
        (Access::Public, _) => None,
        (_, None) => return Err(Error::unauthenticated(crate::Reason::SignInRequired)),
        (_, Some(token)) => Some(auth::repo::get_principal(db, token, now)?),
    };

    // 1b. An API token: never for credentials, and a read-only one never writes.
    if let Some(t) = principal.as_ref().and_then(|p| p.api_token) {
        if spec.mutating && is_credential_command(spec.name) {
            return Err(Error::forbidden(crate::Reason::ApiTokenNotAllowed.with("command", spec.name)));
        }
        if spec.mutating && t.read_only {
            return Err(Error::forbidden(crate::Reason::ApiTokenReadOnly.with("command", spec.name)));
        }
    }

    // 2. May they: superuser rule, company membership, permission.
    let mut tenant = None;
    match spec.access {
        Access::Public | Access::Authenticated => {}
        Access::Superuser => {
            if !principal.as_ref().is_some_and(|p| p.is_superuser) {
                return Err(Error::forbidden(crate::Reason::AdminOnly.with("command", spec.name)));
            }
        }
        Access::Permission(perm) => {
            let p = principal.as_ref().ok_or_else(|| Error::unauthenticated(crate::Reason::SignInRequired))?;
            let company = company.ok_or_else(|| Error::field("company", crate::FieldCode::Required))?;
            // A company where the caller is not a member looks exactly like one that does not exist.
            let (tenant_id, archived) = company::repo::resolve_for_user(db, company, p)?;
            if !p.is_superuser && !rbac::repo::member_has_permission(db, tenant_id, p.user_id, perm)? {
                return Err(Error::forbidden(crate::Reason::Forbidden.with("command", spec.name).with("permission", perm)));
            }
            if archived && spec.mutating {
                return Err(Error::refused(crate::Reason::CompanyArchived));
            }
            tenant = Some(TenantCtx::new(tenant_id, p.user_id));
        }
    }

    // 3. The handler, inside the caller's transaction.
    let mut ctx = Ctx { db, now, principal, tenant, session_token: session.map(str::to_string), audit: Vec::new(), wrote_nothing: false };
    let result = (spec.handler)(&mut ctx, args)?;

    // 4. The audit trail, in the same transaction.
    if spec.mutating && spec.audited && !ctx.wrote_nothing {
        let user = ctx.principal.as_ref().map(|p| p.user_id);
        let tenant_id = ctx.tenant.map(|t| t.tenant_id());
        if ctx.audit.is_empty() {
            crate::audit::repo::insert_entry(db, now, user, tenant_id, spec.name, spec.name.split('.').next().unwrap_or(""), None, &Value::Object(Default::default()))?;
        }
        for e in &ctx.audit {
            crate::audit::repo::insert_entry(db, now, user, e.company.or(tenant_id), spec.name, e.entity, e.entity_id.as_deref(), &e.summary)?;
        }
    }
    Ok(result)
}
