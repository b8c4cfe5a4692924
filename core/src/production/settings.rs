//! Production settings (the WIP, absorption and variance accounts) and work centres.

use super::model::*;
use crate::accounting::model::AccountId;
use crate::command::{Ctx, SetArchivedArg};
use crate::error::{Error, FieldCode, Result};
use crate::keys;
use crate::money;
use crate::command::TenantCtx;
use crate::validate::Checker;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

fn by_code(db: &Connection, t: &TenantCtx, code: &str) -> Result<Option<AccountId>> {
    Ok(db
        .prepare_cached("SELECT id FROM accounts WHERE tenant_id = ?1 AND code_key = ?2 AND NOT is_group")?
        .query_row(params![t.tenant_id(), code], |r| r.get(0))
        .optional()?)
}

/// The company's settings: its row, or the chart's 1320 / 5060 / 5050 without one.
pub fn get(db: &Connection, t: &TenantCtx) -> Result<Settings> {
    let row: Option<(Option<AccountId>, Option<AccountId>, Option<AccountId>)> = db
        .prepare_cached("SELECT wip_account_id, absorption_account_id, variance_account_id FROM production_settings WHERE tenant_id = ?1")?
        .query_row([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((w, a, v)) => Settings { wip_account_id: w, absorption_account_id: a, variance_account_id: v },
        None => Settings { wip_account_id: by_code(db, t, "1320")?, absorption_account_id: by_code(db, t, "5060")?, variance_account_id: by_code(db, t, "5050")? },
    })
}

/// The WIP account, read by the valuation of production pickings.
pub(crate) fn wip_account(db: &Connection, t: &TenantCtx) -> Result<Option<AccountId>> {
    Ok(get(db, t)?.wip_account_id)
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdateSettingsArgs) -> Result<Settings> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    for (field, id) in [("wip_account_id", a.wip_account_id), ("absorption_account_id", a.absorption_account_id), ("variance_account_id", a.variance_account_id)] {
        let Some(id) = id else { continue };
        let group: Option<bool> = db.prepare_cached("SELECT is_group FROM accounts WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), id], |r| r.get(0)).optional()?;
        match group {
            None => c.push(field, FieldCode::NotFound.with("entity", "account")),
            Some(true) => c.push(field, FieldCode::AccountIsGroup),
            Some(false) => {}
        }
    }
    c.finish()?;
    db.prepare_cached(
        "INSERT INTO production_settings (tenant_id, wip_account_id, absorption_account_id, variance_account_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id) DO UPDATE SET wip_account_id = excluded.wip_account_id, absorption_account_id = excluded.absorption_account_id,
         variance_account_id = excluded.variance_account_id, updated_at = excluded.updated_at",
    )?
    .execute(params![t.tenant_id(), a.wip_account_id, a.absorption_account_id, a.variance_account_id, ctx.now])?;
    ctx.audit("production_settings", t.tenant_id(), json!({"wip": a.wip_account_id, "absorption": a.absorption_account_id, "variance": a.variance_account_id}));
    get(db, &t)
}

// --- work centres ---------------------------------------------------------------------------

fn centre_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<WorkCentre> {
    Ok(WorkCentre { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, cost_per_hour: money::from_db(r.get(3)?), archived: r.get(4)? })
}

pub fn get_centre(db: &Connection, t: &TenantCtx, id: WorkCentreId) -> Result<WorkCentre> {
    db.prepare_cached("SELECT id, code, name, cost_per_hour, archived FROM work_centres WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], centre_row)
        .optional()?
        .ok_or_else(|| Error::not_found("work_centre", id))
}

pub fn list_centres(db: &Connection, t: &TenantCtx, include_archived: bool) -> Result<Vec<WorkCentre>> {
    let mut st = db.prepare_cached("SELECT id, code, name, cost_per_hour, archived FROM work_centres WHERE tenant_id = ?1 AND (?2 OR NOT archived) ORDER BY code_key, id")?;
    let rows = st.query_map(params![t.tenant_id(), include_archived], centre_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check_centre(db: &Connection, t: &TenantCtx, id: Option<WorkCentreId>, a: &WorkCentreInput) -> Result<(String, String, i64)> {
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 20);
    let name = c.required("name", &a.name, 100);
    let cost = if a.cost_per_hour < rust_decimal::Decimal::ZERO {
        c.push("cost_per_hour", FieldCode::Negative);
        0
    } else {
        match money::to_db("cost_per_hour", a.cost_per_hour) {
            Ok(v) => v,
            Err(Error::Validation { fields, .. }) => {
                c.errors.extend(fields);
                0
            }
            Err(e) => return Err(e),
        }
    };
    if !code.is_empty() {
        let taken: Option<WorkCentreId> =
            db.prepare_cached("SELECT id FROM work_centres WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(&code)], |r| r.get(0)).optional()?;
        if taken.is_some_and(|x| Some(x) != id) {
            c.push("code", FieldCode::Duplicate);
        }
    }
    c.finish()?;
    Ok((code, name, cost))
}

pub fn create_centre(ctx: &mut Ctx<'_>, a: WorkCentreInput) -> Result<WorkCentre> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let (code, name, cost) = check_centre(db, &t, None, &a)?;
    db.prepare_cached("INSERT INTO work_centres (tenant_id, code, code_key, name, cost_per_hour, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")?
        .execute(params![t.tenant_id(), code, keys::fold(&code), name, cost, ctx.now])?;
    let id = WorkCentreId(db.last_insert_rowid());
    ctx.audit("work_centre", id, json!({"code": code, "name": name}));
    get_centre(db, &t, id)
}

pub fn update_centre(ctx: &mut Ctx<'_>, a: UpdateWorkCentreArgs) -> Result<WorkCentre> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    get_centre(db, &t, a.id)?;
    let (code, name, cost) = check_centre(db, &t, Some(a.id), &a.centre)?;
    db.prepare_cached("UPDATE work_centres SET code = ?3, code_key = ?4, name = ?5, cost_per_hour = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, code, keys::fold(&code), name, cost, ctx.now])?;
    ctx.audit("work_centre", a.id, json!({"code": code, "name": name}));
    get_centre(db, &t, a.id)
}

pub fn set_centre_archived(ctx: &mut Ctx<'_>, a: SetArchivedArg<WorkCentreId>) -> Result<WorkCentre> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    get_centre(db, &t, a.id)?;
    db.prepare_cached("UPDATE work_centres SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("work_centre", a.id, json!({"archived": a.archived}));
    get_centre(db, &t, a.id)
}
