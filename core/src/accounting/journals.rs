//! Journals: where entries are recorded, each with its own gapless number series per
//! fiscal year (`SAL/2026/00001`).

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, keys};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

const COLS: &str = "id, code, name, kind, account_id, archived";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Journal> {
    Ok(Journal { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, kind: r.get(3)?, account_id: r.get(4)?, archived: r.get(5)? })
}

pub fn get_journal(db: &Connection, t: &TenantCtx, id: JournalId) -> Result<Journal> {
    db.prepare_cached(&format!("SELECT {COLS} FROM journals WHERE tenant_id = ?1 AND id = ?2"))?
        .query_row(params![t.tenant_id(), id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("journal", id))
}

/// The first active journal of `kind` (the closing journal, the opening journal...).
pub fn by_kind(db: &Connection, t: &TenantCtx, kind: JournalKind) -> Result<JournalId> {
    db.prepare_cached("SELECT id FROM journals WHERE tenant_id = ?1 AND kind = ?2 AND NOT archived ORDER BY id LIMIT 1")?
        .query_row(params![t.tenant_id(), kind], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::refused(crate::Reason::NoJournalOfKind.with("kind", kind.as_str())))
}

pub fn list(ctx: &mut Ctx<'_>, a: crate::command::ArchivedArg) -> Result<Vec<Journal>> {
    let t = ctx.tenant()?;
    let mut st = ctx.db().prepare_cached(&format!("SELECT {COLS} FROM journals WHERE tenant_id = ?1 AND (?2 OR NOT archived) ORDER BY code"))?;
    let rows = st.query_map(params![t.tenant_id(), a.include_archived.unwrap_or(false)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check(db: &Connection, t: &TenantCtx, a: &JournalInput, id: Option<JournalId>) -> Result<JournalInput> {
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 10);
    let name = c.required("name", &a.name, 200);
    if let Some(acc) = a.account_id {
        match super::chart::get_account(db, t, acc) {
            Ok(x) if x.is_group => c.push("account_id", FieldCode::AccountIsGroup.with("code", &x.code)),
            Ok(_) => {}
            Err(_) => c.push("account_id", FieldCode::NotFound.with("entity", "account")),
        }
    } else if matches!(a.kind, JournalKind::Bank | JournalKind::Cash) {
        c.push("account_id", FieldCode::Required);
    }
    c.finish()?;
    let other: Option<JournalId> =
        db.prepare_cached("SELECT id FROM journals WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(&code)], |r| r.get(0)).optional()?;
    if other.is_some() && other != id {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "journal").with("value", &code)));
    }
    Ok(JournalInput { code, name, ..a.clone() })
}

fn insert(db: &Connection, t: &TenantCtx, a: &JournalInput, now: chrono::DateTime<chrono::Utc>) -> Result<JournalId> {
    let a = check(db, t, a, None)?;
    db.prepare_cached("INSERT INTO journals (tenant_id, code, code_key, name, kind, account_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")?
        .execute(params![t.tenant_id(), a.code, keys::fold(&a.code), a.name, a.kind, a.account_id, now])?;
    Ok(JournalId(db.last_insert_rowid()))
}

pub fn create(ctx: &mut Ctx<'_>, a: JournalInput) -> Result<Journal> {
    let t = ctx.tenant()?;
    super::chart::require_chart(ctx.db(), &t)?;
    let id = insert(ctx.db(), &t, &a, ctx.now)?;
    ctx.audit("journal", id, json!({"code": a.code, "kind": a.kind}));
    get_journal(ctx.db(), &t, id)
}

/// A journal with entries keeps its code and kind (its numbers carry the code).
pub fn update(ctx: &mut Ctx<'_>, a: UpdateJournalArgs) -> Result<Journal> {
    let t = ctx.tenant()?;
    let old = get_journal(ctx.db(), &t, a.id)?;
    let new = check(ctx.db(), &t, &a.journal, Some(a.id))?;
    let used = ctx.db().prepare_cached("SELECT 1 FROM journal_entries WHERE tenant_id = ?1 AND journal_id = ?2 LIMIT 1")?.exists(params![t.tenant_id(), a.id])?;
    if used && (keys::fold(&new.code) != keys::fold(&old.code) || new.kind != old.kind) {
        return Err(Error::conflict(if new.kind != old.kind { "kind" } else { "code" }, FieldCode::JournalUsed));
    }
    ctx.db()
        .prepare_cached("UPDATE journals SET code = ?3, code_key = ?4, name = ?5, kind = ?6, account_id = ?7, updated_at = ?8 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, new.code, keys::fold(&new.code), new.name, new.kind, new.account_id, ctx.now])?;
    let fresh = get_journal(ctx.db(), &t, a.id)?;
    ctx.audit("journal", a.id, crate::audit::changes(&old, &fresh));
    Ok(fresh)
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: crate::command::SetArchivedArg<JournalId>) -> Result<Journal> {
    let t = ctx.tenant()?;
    let old = get_journal(ctx.db(), &t, a.id)?;
    ctx.db().prepare_cached("UPDATE journals SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("journal", a.id, json!({"archived": [old.archived, a.archived]}));
    get_journal(ctx.db(), &t, a.id)
}

/// The template's journals.
pub(crate) fn seed(db: &Connection, t: &TenantCtx, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let bank = super::chart::get_id_by_code(db, t, "1100")?;
    let cash = super::chart::get_id_by_code(db, t, "1000")?;
    let rows = [
        ("SAL", "Sales", JournalKind::Sales, None),
        ("PUR", "Purchases", JournalKind::Purchase, None),
        ("BNK", "Bank", JournalKind::Bank, bank),
        ("CSH", "Cash", JournalKind::Cash, cash),
        ("STK", "Stock", JournalKind::Stock, None),
        ("GEN", "General", JournalKind::General, None),
        ("OPN", "Opening balances", JournalKind::Opening, None),
        ("CLO", "Year-end closing", JournalKind::Closing, None),
    ];
    for (code, name, kind, account) in rows {
        if matches!(kind, JournalKind::Bank | JournalKind::Cash) && account.is_none() {
            continue;
        }
        insert(db, t, &JournalInput { code: code.into(), name: name.into(), kind, account_id: account }, now)?;
    }
    Ok(())
}
