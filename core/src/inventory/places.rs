//! Places: warehouses, their trees of internal locations, and the company's virtual
//! locations (suppliers, customers, inventory loss/gain, production, transit).

use super::model::*;
use crate::command::{Ctx, SetArchivedArg, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Reason, Result, keys};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

// --- repo -----------------------------------------------------------------------------------

const WH_COLS: &str = "w.id, w.code, w.name, w.address,
    (SELECT l.id FROM stock_locations l WHERE l.tenant_id = w.tenant_id AND l.warehouse_id = w.id AND l.kind = 'internal' AND l.parent_id IS NULL),
    w.archived";

fn warehouse_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Warehouse> {
    Ok(Warehouse { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, address: r.get(3)?, root_location_id: r.get(4)?, archived: r.get(5)? })
}

pub fn get_warehouse(db: &Connection, t: &TenantCtx, id: WarehouseId) -> Result<Warehouse> {
    db.prepare_cached(&format!("SELECT {WH_COLS} FROM warehouses w WHERE w.tenant_id = ?1 AND w.id = ?2"))?
        .query_row(params![t.tenant_id(), id], warehouse_row)
        .optional()?
        .ok_or_else(|| Error::not_found("warehouse", id))
}

pub fn list_warehouses(db: &Connection, t: &TenantCtx, include_archived: bool) -> Result<Vec<Warehouse>> {
    let mut st = db.prepare_cached(&format!("SELECT {WH_COLS} FROM warehouses w WHERE w.tenant_id = ?1 AND (?2 OR NOT w.archived) ORDER BY w.code_key, w.id"))?;
    let rows = st.query_map(params![t.tenant_id(), include_archived], warehouse_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const LOC_COLS: &str = "l.id, l.kind, l.warehouse_id, l.parent_id, l.name, l.full_name, l.path, l.archived";

fn location_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Location> {
    let path: String = r.get(6)?;
    let depth = path.matches('/').count().saturating_sub(2) as u32;
    Ok(Location {
        id: r.get(0)?,
        kind: r.get(1)?,
        warehouse_id: r.get(2)?,
        parent_id: r.get(3)?,
        name: r.get(4)?,
        full_name: r.get(5)?,
        depth,
        archived: r.get(7)?,
    })
}

/// The warehouse `id` when it exists and is active; otherwise `warehouse_id` gets
/// `not_found` or `archived` in `c` and the answer is `None`.
pub(crate) fn active_warehouse(db: &Connection, t: &TenantCtx, c: &mut Checker, id: WarehouseId) -> Result<Option<Warehouse>> {
    match get_warehouse(db, t, id) {
        Ok(w) if w.archived => {
            c.push("warehouse_id", FieldCode::Archived);
            Ok(None)
        }
        Ok(w) => Ok(Some(w)),
        Err(Error::NotFound { .. }) => {
            c.push("warehouse_id", FieldCode::NotFound.with("entity", "warehouse"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

pub fn get_location(db: &Connection, t: &TenantCtx, id: LocationId) -> Result<Location> {
    db.prepare_cached(&format!("SELECT {LOC_COLS} FROM stock_locations l WHERE l.tenant_id = ?1 AND l.id = ?2"))?
        .query_row(params![t.tenant_id(), id], location_row)
        .optional()?
        .ok_or_else(|| Error::not_found("location", id))
}

/// The location's `path` (`/root/.../id/`): its subtree is every path with this prefix.
pub fn location_path(db: &Connection, t: &TenantCtx, id: LocationId) -> Result<String> {
    db.prepare_cached("SELECT path FROM stock_locations WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("location", id))
}

/// The company's virtual location of `kind`, created at first use when missing (a
/// company created before inventory existed gets them from V9; this is the safety net).
pub fn virtual_location(db: &Connection, t: &TenantCtx, kind: LocationKind, now: DateTime<Utc>) -> Result<LocationId> {
    let found: Option<LocationId> = db
        .prepare_cached("SELECT id FROM stock_locations WHERE tenant_id = ?1 AND kind = ?2")?
        .query_row(params![t.tenant_id(), kind], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let name = LocationKind::VIRTUAL.iter().find(|(k, _)| *k == kind).map(|(_, n)| *n).ok_or_else(|| Error::Internal(format!("{kind:?} is not virtual")))?;
    db.prepare_cached(
        "INSERT INTO stock_locations (tenant_id, kind, name, name_key, full_name, path, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, '/', ?6, ?6)",
    )?
    .execute(params![t.tenant_id(), kind, name, keys::fold(name), format!("Virtual/{name}"), now])?;
    let id = LocationId(db.last_insert_rowid());
    db.prepare_cached("UPDATE stock_locations SET path = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, format!("/{id}/")])?;
    Ok(id)
}

/// Gives a new company its virtual locations and its inventory settings, with the
/// loss/gain account when its chart has one (called by `company.create` after the chart).
pub fn seed_company(db: &Connection, t: &TenantCtx, now: DateTime<Utc>) -> Result<()> {
    for (kind, _) in LocationKind::VIRTUAL {
        virtual_location(db, t, kind, now)?;
    }
    db.prepare_cached("INSERT INTO inventory_settings (tenant_id, updated_at) VALUES (?1, ?2) ON CONFLICT (tenant_id) DO NOTHING")?.execute(params![t.tenant_id(), now])?;
    // The generic chart's "Inventory adjustments" account takes adjustments and scrap.
    db.prepare_cached(
        "UPDATE inventory_settings SET loss_account_id = (SELECT a.id FROM accounts a WHERE a.tenant_id = ?1 AND a.code_key = '5040' AND NOT a.is_group)
         WHERE tenant_id = ?1 AND loss_account_id IS NULL",
    )?
    .execute([t.tenant_id()])?;
    Ok(())
}

fn insert_location(db: &Connection, t: &TenantCtx, warehouse: WarehouseId, parent: Option<(&Location, &str)>, name: &str, wh_code: &str, now: DateTime<Utc>) -> Result<LocationId> {
    let full_name = match parent {
        Some((p, _)) => format!("{}/{name}", p.full_name),
        None => format!("{wh_code}/{name}"),
    };
    db.prepare_cached(
        "INSERT INTO stock_locations (tenant_id, warehouse_id, parent_id, kind, name, name_key, full_name, path, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'internal', ?4, ?5, ?6, '', ?7, ?7)",
    )?
    .execute(params![t.tenant_id(), warehouse, parent.map(|(p, _)| p.id), name, keys::fold(name), full_name, now])?;
    let id = LocationId(db.last_insert_rowid());
    let path = format!("{}{id}/", parent.map(|(_, path)| path).unwrap_or("/"));
    db.prepare_cached("UPDATE stock_locations SET path = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, path])?;
    Ok(id)
}

/// Rewrites the full names of `id` and every location under it (after a rename or a new
/// warehouse code).
fn refresh_full_names(db: &Connection, t: &TenantCtx, warehouse: WarehouseId) -> Result<()> {
    let code: String = db.prepare_cached("SELECT code FROM warehouses WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), warehouse], |r| r.get(0))?;
    // Paths sort parents before children (a prefix sorts first).
    let rows: Vec<(LocationId, Option<LocationId>, String)> = db
        .prepare_cached("SELECT id, parent_id, name FROM stock_locations WHERE tenant_id = ?1 AND warehouse_id = ?2 ORDER BY length(path), path")?
        .query_map(params![t.tenant_id(), warehouse], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut names: std::collections::HashMap<LocationId, String> = std::collections::HashMap::new();
    for (id, parent, name) in rows {
        let full = match parent.and_then(|p| names.get(&p)) {
            Some(pf) => format!("{pf}/{name}"),
            None => format!("{code}/{name}"),
        };
        db.prepare_cached("UPDATE stock_locations SET full_name = ?3 WHERE tenant_id = ?1 AND id = ?2 AND full_name <> ?3")?.execute(params![t.tenant_id(), id, full])?;
        names.insert(id, full);
    }
    Ok(())
}

/// The quantity on hand in `location` and the locations under it, summed over products
/// (non-zero rows count: stock of one product can't cancel another's).
fn holds_stock(db: &Connection, t: &TenantCtx, path: &str) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "SELECT 1 FROM stock_quants q JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
             WHERE q.tenant_id = ?1 AND substr(l.path, 1, length(?2)) = ?2 AND q.quantity <> 0 LIMIT 1",
        )?
        .exists(params![t.tenant_id(), path])?)
}

// --- service --------------------------------------------------------------------------------

pub fn list_locations(db: &Connection, t: &TenantCtx, a: &ListLocationsArgs) -> Result<Vec<Location>> {
    let mut st = db.prepare_cached(&format!(
        "SELECT {LOC_COLS} FROM stock_locations l LEFT JOIN warehouses w ON w.tenant_id = l.tenant_id AND w.id = l.warehouse_id
         WHERE l.tenant_id = ?1 AND (?2 IS NULL OR l.warehouse_id = ?2) AND (?3 OR NOT l.archived)
         ORDER BY l.warehouse_id IS NULL, w.code_key, CASE WHEN l.warehouse_id IS NULL THEN '' ELSE l.full_name END, l.id"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.warehouse_id, a.include_archived.unwrap_or(false)], location_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check_warehouse_code(db: &Connection, t: &TenantCtx, code: &str, except: Option<WarehouseId>) -> Result<()> {
    let other: Option<WarehouseId> =
        db.prepare_cached("SELECT id FROM warehouses WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(code)], |r| r.get(0)).optional()?;
    if other.is_some() && other != except {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "warehouse").with("value", code)));
    }
    Ok(())
}

pub fn create_warehouse(ctx: &mut Ctx<'_>, a: CreateWarehouseArgs) -> Result<Warehouse> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 10);
    let name = c.required("name", &a.name, 200);
    let address = c.optional("address", a.address.as_deref().unwrap_or(""), 1000);
    let root_name = match a.root_name.as_deref() {
        Some(r) => check_location_name(&mut c, "root_name", r),
        None => "Stock".to_string(),
    };
    c.finish()?;
    check_warehouse_code(db, &t, &code, None)?;
    db.prepare_cached("INSERT INTO warehouses (tenant_id, code, code_key, name, address, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")?
        .execute(params![t.tenant_id(), code, keys::fold(&code), name, address, ctx.now])?;
    let id = WarehouseId(db.last_insert_rowid());
    insert_location(db, &t, id, None, &root_name, &code, ctx.now)?;
    // A company made before inventory got its virtual locations from V9; make sure anyway.
    seed_company(db, &t, ctx.now)?;
    ctx.audit("warehouse", id, json!({"code": code, "name": name}));
    get_warehouse(db, &t, id)
}

pub fn update_warehouse(ctx: &mut Ctx<'_>, a: UpdateWarehouseArgs) -> Result<Warehouse> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_warehouse(db, &t, a.id)?;
    let mut c = Checker::new();
    let code = a.code.as_deref().map(|v| c.code("code", v, 10)).unwrap_or_else(|| old.code.clone());
    let name = a.name.as_deref().map(|v| c.required("name", v, 200)).unwrap_or_else(|| old.name.clone());
    let address = a.address.as_deref().map(|v| c.optional("address", v, 1000)).unwrap_or_else(|| old.address.clone());
    c.finish()?;
    check_warehouse_code(db, &t, &code, Some(a.id))?;
    db.prepare_cached("UPDATE warehouses SET code = ?3, code_key = ?4, name = ?5, address = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, code, keys::fold(&code), name, address, ctx.now])?;
    if code != old.code {
        refresh_full_names(db, &t, a.id)?;
    }
    let new = get_warehouse(db, &t, a.id)?;
    ctx.audit("warehouse", a.id, crate::audit::changes(&old, &new));
    Ok(new)
}

/// Archiving a warehouse archives nothing else, but it must hold no stock.
pub fn set_warehouse_archived(ctx: &mut Ctx<'_>, a: SetArchivedArg<WarehouseId>) -> Result<Warehouse> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_warehouse(db, &t, a.id)?;
    if a.archived && !old.archived {
        let path = location_path(db, &t, old.root_location_id)?;
        if holds_stock(db, &t, &path)? {
            return Err(Error::refused(Reason::LocationHasStock.with("location", &old.code)));
        }
    }
    db.prepare_cached("UPDATE warehouses SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("warehouse", a.id, json!({"code": old.code, "archived": [old.archived, a.archived]}));
    get_warehouse(db, &t, a.id)
}

fn check_location_name(c: &mut Checker, field: &str, name: &str) -> String {
    let v = c.required(field, name, 100);
    if v.contains('/') {
        c.push(field, FieldCode::ContainsPathSeparator);
    }
    v
}

fn sibling_taken(db: &Connection, t: &TenantCtx, warehouse: Option<WarehouseId>, parent: Option<LocationId>, name: &str, except: Option<LocationId>) -> Result<bool> {
    let other: Option<LocationId> = db
        .prepare_cached(
            "SELECT id FROM stock_locations WHERE tenant_id = ?1 AND kind = 'internal' AND warehouse_id IS ?2 AND coalesce(parent_id, 0) = coalesce(?3, 0) AND name_key = ?4",
        )?
        .query_row(params![t.tenant_id(), warehouse, parent, keys::fold(name)], |r| r.get(0))
        .optional()?;
    Ok(other.is_some() && other != except)
}

pub fn create_location(ctx: &mut Ctx<'_>, a: CreateLocationArgs) -> Result<Location> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let name = check_location_name(&mut c, "name", &a.name);
    c.finish()?;
    let parent = match get_location(db, &t, a.parent_id) {
        Ok(p) => p,
        Err(Error::NotFound { .. }) => return Err(Error::field("parent_id", FieldCode::NotFound.with("entity", "location"))),
        Err(e) => return Err(e),
    };
    let Some(warehouse) = parent.warehouse_id.filter(|_| parent.kind == LocationKind::Internal) else {
        return Err(Error::field("parent_id", FieldCode::WrongLocationKind.with("kind", "location").with("expected", "internal")));
    };
    if parent.archived {
        return Err(Error::field("parent_id", FieldCode::Archived));
    }
    if sibling_taken(db, &t, Some(warehouse), Some(parent.id), &name, None)? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "location").with("value", &name)));
    }
    let path = location_path(db, &t, parent.id)?;
    let id = insert_location(db, &t, warehouse, Some((&parent, &path)), &name, "", ctx.now)?;
    let loc = get_location(db, &t, id)?;
    ctx.audit("location", id, json!({"full_name": loc.full_name}));
    Ok(loc)
}

/// Renames an internal location (a virtual one keeps its name); it never changes parent.
pub fn update_location(ctx: &mut Ctx<'_>, a: UpdateLocationArgs) -> Result<Location> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_location(db, &t, a.id)?;
    let mut c = Checker::new();
    let name = check_location_name(&mut c, "name", &a.name);
    c.finish()?;
    let Some(warehouse) = old.warehouse_id else {
        return Err(Error::field("id", FieldCode::WrongLocationKind.with("kind", "location").with("expected", "internal")));
    };
    if sibling_taken(db, &t, Some(warehouse), old.parent_id, &name, Some(a.id))? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "location").with("value", &name)));
    }
    db.prepare_cached("UPDATE stock_locations SET name = ?3, name_key = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, name, keys::fold(&name), ctx.now])?;
    refresh_full_names(db, &t, warehouse)?;
    let new = get_location(db, &t, a.id)?;
    ctx.audit("location", a.id, crate::audit::changes(&old, &new));
    Ok(new)
}

/// Archives an internal location and everything under it (none may hold stock), or
/// restores it (under an active parent).
pub fn set_location_archived(ctx: &mut Ctx<'_>, a: SetArchivedArg<LocationId>) -> Result<Location> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_location(db, &t, a.id)?;
    if old.kind != LocationKind::Internal {
        return Err(Error::field("id", FieldCode::WrongLocationKind.with("kind", "location").with("expected", "internal")));
    }
    if old.parent_id.is_none() {
        return Err(Error::refused(Reason::RootLocation));
    }
    let path = location_path(db, &t, a.id)?;
    if a.archived {
        if holds_stock(db, &t, &path)? {
            return Err(Error::refused(Reason::LocationHasStock.with("location", &old.full_name)));
        }
        db.prepare_cached("UPDATE stock_locations SET archived = 1, updated_at = ?3 WHERE tenant_id = ?1 AND substr(path, 1, length(?2)) = ?2 AND NOT archived")?
            .execute(params![t.tenant_id(), path, ctx.now])?;
    } else {
        if let Some(p) = old.parent_id
            && get_location(db, &t, p)?.archived
        {
            return Err(Error::field("id", FieldCode::Archived));
        }
        db.prepare_cached("UPDATE stock_locations SET archived = 0, updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, ctx.now])?;
    }
    ctx.audit("location", a.id, json!({"full_name": old.full_name, "archived": [old.archived, a.archived]}));
    get_location(db, &t, a.id)
}

// --- settings -------------------------------------------------------------------------------

pub fn get_settings(db: &Connection, t: &TenantCtx) -> Result<InventorySettings> {
    Ok(db
        .prepare_cached("SELECT allow_negative_stock, costing_method, loss_account_id FROM inventory_settings WHERE tenant_id = ?1")?
        .query_row([t.tenant_id()], |r| Ok(InventorySettings { allow_negative_stock: r.get(0)?, costing_method: r.get(1)?, loss_account_id: r.get(2)? }))
        .optional()?
        .unwrap_or(InventorySettings { allow_negative_stock: false, costing_method: CostingMethod::Average, loss_account_id: None }))
}

pub fn update_settings(ctx: &mut Ctx<'_>, a: UpdateInventorySettingsArgs) -> Result<InventorySettings> {
    let t = ctx.tenant()?;
    let old = get_settings(ctx.db(), &t)?;
    let new = InventorySettings {
        allow_negative_stock: a.allow_negative_stock.unwrap_or(old.allow_negative_stock),
        costing_method: a.costing_method.unwrap_or(old.costing_method),
        loss_account_id: if a.clear_loss_account == Some(true) { None } else { a.loss_account_id.or(old.loss_account_id) },
    };
    // The cost states and every valued row were computed by one method: it is chosen
    // before the first move is valued, and stays.
    if new.costing_method != old.costing_method
        && ctx.db().prepare_cached("SELECT 1 FROM stock_valuation WHERE tenant_id = ?1 LIMIT 1")?.exists([t.tenant_id()])?
    {
        return Err(Error::field("costing_method", FieldCode::CostingMethodLocked));
    }
    if let Some(acc) = a.loss_account_id.filter(|_| a.clear_loss_account != Some(true)) {
        match crate::accounting::chart::get_account(ctx.db(), &t, acc) {
            Ok(x) if x.is_group => return Err(Error::field("loss_account_id", FieldCode::AccountIsGroup.with("code", &x.code))),
            Ok(_) => {}
            Err(Error::NotFound { .. }) => return Err(Error::field("loss_account_id", FieldCode::NotFound.with("entity", "account"))),
            Err(e) => return Err(e),
        }
    }
    ctx.db()
        .prepare_cached(
            "INSERT INTO inventory_settings (tenant_id, allow_negative_stock, costing_method, loss_account_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tenant_id) DO UPDATE SET allow_negative_stock = excluded.allow_negative_stock, costing_method = excluded.costing_method,
                loss_account_id = excluded.loss_account_id, updated_at = excluded.updated_at",
        )?
        .execute(params![t.tenant_id(), new.allow_negative_stock, new.costing_method, new.loss_account_id, ctx.now])?;
    ctx.audit("inventory_settings", t.tenant_id(), crate::audit::changes(&old, &new));
    Ok(new)
}
