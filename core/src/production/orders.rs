//! Production orders: made from a BOM, confirmed (numbered, components reserved),
//! consumed and produced in steps, closed, cancelled or unbuilt. Every quantity moves
//! through the stock-move engine and every value through the posting service; an order
//! keeps only the sums of its steps.

use super::boms::{self, Cache, Roller, round, round_up};
use super::model::*;
use crate::accounting::model::{EntryDraft, JournalKind, LineDraft, Source};
use crate::arith;
use crate::catalog::model::{ProductId, ProductKind, QTY_SCALE};
use crate::command::{Ctx, Done, IdArg};
use crate::error::{Error, FieldCode, FieldError, Reason, Result};
use crate::inventory::engine;
use crate::inventory::model::{LocationId, LocationKind, LotId, MoveInput, PickingId, PickingInput, PickingKind, PickingState, StockSource, Tracking};
use crate::money::{self, PRICE_SCALE};
use crate::command::TenantCtx;
use crate::validate::Checker;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::BTreeMap;

/// The workflow as data: (from, to) pairs allowed.
pub const TRANSITIONS: &[(ProductionState, ProductionState)] = &[
    (ProductionState::Draft, ProductionState::Confirmed),
    (ProductionState::Draft, ProductionState::Cancelled),
    (ProductionState::Confirmed, ProductionState::InProgress),
    (ProductionState::Confirmed, ProductionState::Done),
    (ProductionState::Confirmed, ProductionState::Cancelled),
    (ProductionState::InProgress, ProductionState::InProgress),
    (ProductionState::InProgress, ProductionState::Done),
    (ProductionState::InProgress, ProductionState::Cancelled),
];

fn transition(from: ProductionState, to: ProductionState) -> Result<()> {
    if TRANSITIONS.contains(&(from, to)) {
        Ok(())
    } else {
        Err(Error::refused(Reason::InvalidTransition.with("from", from.as_str()).with("to", to.as_str())))
    }
}

fn q(v: i64) -> Decimal {
    arith::from_scaled(v, QTY_SCALE)
}

fn sq(field: &str, v: Decimal) -> Result<i64> {
    arith::to_scaled(field, v, QTY_SCALE)
}

/// A quantity of the product `f`: positive, at most its unit's decimals.
fn check_qty(c: &mut Checker, field: &str, v: Decimal, decimals: u32) -> Option<i64> {
    if v <= Decimal::ZERO {
        c.push(field, FieldCode::NotPositive);
        return None;
    }
    if v.normalize().scale() > decimals.min(QTY_SCALE) {
        c.push(field, FieldCode::TooManyDecimals.with("max", decimals.min(QTY_SCALE)));
        return None;
    }
    match sq(field, v) {
        Ok(x) => Some(x),
        Err(Error::Validation { fields, .. }) => {
            c.errors.extend(fields);
            None
        }
        Err(_) => None,
    }
}

/// An order's header as the services use it.
#[derive(Debug, Clone)]
struct Head {
    id: ProductionOrderId,
    number: Option<String>,
    state: ProductionState,
    product: ProductId,
    bom: BomId,
    quantity: i64,
    produced: i64,
    unbuilt: i64,
    warehouse: crate::inventory::model::WarehouseId,
    source: LocationId,
    dest: LocationId,
    date_planned: NaiveDate,
    consumed: i64,
    absorbed: i64,
    produced_value: i64,
    returned: i64,
    written_off: i64,
    reservation: Option<PickingId>,
}

impl Head {
    fn wip(&self) -> i64 {
        self.consumed.saturating_add(self.absorbed).saturating_sub(self.produced_value).saturating_sub(self.returned).saturating_sub(self.written_off)
    }
}

fn head(db: &Connection, t: &TenantCtx, id: ProductionOrderId) -> Result<Head> {
    db.prepare_cached(
        "SELECT id, number, state, product_id, bom_id, quantity, produced, unbuilt, warehouse_id, source_location_id, dest_location_id, date_planned,
                consumed_value, absorbed_value, produced_value, returned_value, written_off_value, reservation_id
         FROM production_orders WHERE tenant_id = ?1 AND id = ?2",
    )?
    .query_row(params![t.tenant_id(), id], |r| {
        Ok(Head {
            id: r.get(0)?,
            number: r.get(1)?,
            state: r.get(2)?,
            product: r.get(3)?,
            bom: r.get(4)?,
            quantity: r.get(5)?,
            produced: r.get(6)?,
            unbuilt: r.get(7)?,
            warehouse: r.get(8)?,
            source: r.get(9)?,
            dest: r.get(10)?,
            date_planned: r.get(11)?,
            consumed: r.get(12)?,
            absorbed: r.get(13)?,
            produced_value: r.get(14)?,
            returned: r.get(15)?,
            written_off: r.get(16)?,
            reservation: r.get(17)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("production_order", id))
}

fn currency_units(db: &Connection, t: &TenantCtx) -> Result<u32> {
    money::minor_units("currency", &crate::accounting::chart::base_currency(db, t)?)
}

fn check_internal(db: &Connection, t: &TenantCtx, c: &mut Checker, field: &str, id: LocationId) -> Result<()> {
    match crate::inventory::places::get_location(db, t, id) {
        Ok(l) if l.archived => c.push(field, FieldCode::Archived),
        Ok(l) if l.kind != LocationKind::Internal => c.push(field, FieldCode::WrongLocationKind.with("kind", "production").with("expected", "internal")),
        Ok(_) => {}
        Err(Error::NotFound { .. }) => c.push(field, FieldCode::NotFound.with("entity", "location")),
        Err(e) => return Err(e),
    }
    Ok(())
}

// --- create ---------------------------------------------------------------------------------

/// A create or update's input, checked.
struct Checked {
    product: ProductId,
    quantity: i64,
    bom: BomId,
    warehouse: crate::inventory::model::WarehouseId,
    source: LocationId,
    dest: LocationId,
    origin: String,
}

fn check_input(db: &Connection, t: &TenantCtx, cache: &mut Cache, a: &CreateOrderArgs) -> Result<Checked> {
    let mut c = Checker::new();
    let product = match cache.product(db, t, a.product_id)?.cloned() {
        None => {
            c.push("product_id", FieldCode::NotFound.with("entity", "product"));
            None
        }
        Some(p) if p.is_template => {
            c.push("product_id", FieldCode::IsTemplate.with("sku", &p.sku));
            None
        }
        Some(p) if p.archived => {
            c.push("product_id", FieldCode::Archived.with("sku", &p.sku));
            None
        }
        Some(p) if p.kind != ProductKind::Stockable || p.is_kit => {
            c.push("product_id", FieldCode::NotStockable.with("sku", &p.sku));
            None
        }
        Some(p) => Some(p),
    };
    let quantity = product.as_ref().and_then(|p| check_qty(&mut c, "quantity", a.quantity, p.decimals));
    let bom = match (&product, a.bom_id) {
        (None, _) => None,
        (Some(p), Some(b)) => match boms::get_row(db, t, b) {
            Ok(row) if row.archived => {
                c.push("bom_id", FieldCode::Archived);
                None
            }
            Ok(row) if row.product_id != p.id && Some(row.product_id) != p.parent_id => {
                c.push("bom_id", FieldCode::Invalid);
                None
            }
            Ok(_) => Some(b),
            Err(Error::NotFound { .. }) => {
                c.push("bom_id", FieldCode::NotFound.with("entity", "bom"));
                None
            }
            Err(e) => return Err(e),
        },
        (Some(p), None) => {
            let b = boms::bom_for(db, t, p.id, p.parent_id, a.date_planned)?;
            if b.is_none() {
                c.push("product_id", FieldCode::NoBom.with("sku", &p.sku));
            }
            b
        }
    };
    let warehouse = match a.warehouse_id {
        Some(w) => crate::inventory::places::active_warehouse(db, t, &mut c, w)?,
        None => {
            let w = crate::inventory::places::list_warehouses(db, t, false)?.into_iter().next();
            if w.is_none() {
                c.push("warehouse_id", FieldCode::Required);
            }
            w
        }
    };
    let source = a.source_location_id.or(warehouse.as_ref().map(|w| w.root_location_id));
    let dest = a.dest_location_id.or(warehouse.as_ref().map(|w| w.root_location_id));
    if let Some(s) = a.source_location_id {
        check_internal(db, t, &mut c, "source_location_id", s)?;
    }
    if let Some(d) = a.dest_location_id {
        check_internal(db, t, &mut c, "dest_location_id", d)?;
    }
    let origin = c.optional("origin", &a.origin, 200);
    c.finish()?;
    let (Some(product), Some(quantity), Some(bom), Some(warehouse), Some(source), Some(dest)) = (product, quantity, bom, warehouse, source, dest) else {
        return Err(Error::Internal("production order".into()));
    };
    Ok(Checked { product: product.id, quantity, bom, warehouse: warehouse.id, source, dest, origin })
}

pub fn create(ctx: &mut Ctx<'_>, a: CreateOrderArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let mut cache = Cache::default();
    let k = check_input(db, &t, &mut cache, &a)?;
    let sku = cache.product(db, &t, k.product)?.map(|p| p.sku.clone()).unwrap_or_default();
    db.prepare_cached(
        "INSERT INTO production_orders (tenant_id, state, product_id, bom_id, quantity, warehouse_id, source_location_id, dest_location_id, date_planned, origin,
            created_by, created_at, updated_at)
         VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![t.tenant_id(), k.product, k.bom, k.quantity, k.warehouse, k.source, k.dest, a.date_planned, k.origin, user, ctx.now])?;
    let id = ProductionOrderId(db.last_insert_rowid());
    copy_bom(db, &t, &mut cache, id, k.product, k.bom, q(k.quantity))?;
    ctx.audit("production_order", id, json!({"product": sku, "quantity": q(k.quantity), "bom": k.bom}));
    get(db, &t, id)
}

/// Changes a draft order: the header replaced, and the lines and operations copied again
/// from the BOM for the new product, quantity or BOM.
pub fn update(ctx: &mut Ctx<'_>, a: UpdateProductionOrderArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    if h.state != ProductionState::Draft {
        return Err(Error::refused(Reason::DocumentNotDraft.with("state", h.state.as_str())));
    }
    let mut cache = Cache::default();
    let k = check_input(db, &t, &mut cache, &a.order)?;
    db.prepare_cached(
        "UPDATE production_orders SET product_id = ?3, bom_id = ?4, quantity = ?5, warehouse_id = ?6, source_location_id = ?7, dest_location_id = ?8,
            date_planned = ?9, origin = ?10, updated_at = ?11 WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![t.tenant_id(), a.id, k.product, k.bom, k.quantity, k.warehouse, k.source, k.dest, a.order.date_planned, k.origin, ctx.now])?;
    db.prepare_cached("DELETE FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    db.prepare_cached("DELETE FROM production_order_operations WHERE tenant_id = ?1 AND order_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    copy_bom(db, &t, &mut cache, a.id, k.product, k.bom, q(k.quantity))?;
    ctx.audit("production_order", a.id, json!({"quantity": [q(h.quantity), q(k.quantity)], "bom": [h.bom, k.bom], "product": [h.product, k.product]}));
    get(db, &t, a.id)
}

/// Copies the BOM's lines (those applying to the product) and operations for `qty`.
fn copy_bom(db: &Connection, t: &TenantCtx, cache: &mut Cache, id: ProductionOrderId, product: ProductId, bom: BomId, qty: Decimal) -> Result<()> {
    let (_, bom_qty, bom_f) = boms::header(db, t, bom)?;
    let pf = cache.product(db, t, product)?.cloned().ok_or_else(|| Error::not_found("product", product))?;
    let qb = boms::convert("quantity", qty, pf.factor_e6, bom_f)?;
    let ratio = arith::div("quantity", qb, bom_qty)?;
    let mut pos = 0;
    for l in boms::stored_lines(db, t, bom)? {
        if !boms::applies(db, t, &l, product)? {
            continue;
        }
        pos += 1;
        let need = boms::line_need(cache, db, t, &l, ratio)?;
        db.prepare_cached("INSERT INTO production_order_lines (tenant_id, order_id, position, kind, product_id, planned, cost_share) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
            .execute(params![t.tenant_id(), id, pos, l.kind, l.product, sq("quantity", need)?, arith::to_scaled("cost_share", l.cost_share, boms::PCT_SCALE)?])?;
    }
    for o in boms::stored_ops(db, t, bom)? {
        let minutes = boms::op_minutes(&o, qb, bom_qty)?;
        db.prepare_cached(
            "INSERT INTO production_order_operations (tenant_id, order_id, position, name, work_centre_id, planned_minutes, cost_per_hour) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![t.tenant_id(), id, o.position, o.name, o.centre, sq("minutes", round(minutes, QTY_SCALE))?, money::to_db("cost_per_hour", o.rate)?])?;
    }
    Ok(())
}

/// Deletes a draft order.
pub fn delete(ctx: &mut Ctx<'_>, a: IdArg<ProductionOrderId>) -> Result<Done> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    if h.state != ProductionState::Draft {
        return Err(Error::refused(Reason::DocumentNotDraft.with("state", h.state.as_str())));
    }
    db.prepare_cached("DELETE FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    db.prepare_cached("DELETE FROM production_order_operations WHERE tenant_id = ?1 AND order_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    db.prepare_cached("DELETE FROM production_orders WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    ctx.audit("production_order", a.id, json!({"deleted": true}));
    Ok(Done::OK)
}

// --- confirm and reserve --------------------------------------------------------------------

/// Numbers the order (gapless, in this transaction), records its standard cost from the
/// BOM's roll-up, and reserves its untracked components in the source location.
pub fn confirm(ctx: &mut Ctx<'_>, a: IdArg<ProductionOrderId>) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    transition(h.state, ProductionState::Confirmed)?;
    let mut roller = Roller::new(db, &t, h.date_planned);
    let (comp, ops, out) = roller.bom_cost(h.bom, h.product, Some(q(h.quantity)))?;
    let standard = round(arith::div("cost", arith::add("cost", comp, ops)?, out)?, PRICE_SCALE);
    let number = crate::sequence::next(db, &t, "production:order", "MO/", 5)?;
    db.prepare_cached("UPDATE production_orders SET state = 'confirmed', number = ?3, standard_cost = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, number, arith::to_scaled("standard_cost", standard, PRICE_SCALE)?, ctx.now])?;
    reserve(ctx, a.id)?;
    ctx.audit("production_order", a.id, json!({"state": ["draft", "confirmed"], "number": number}));
    get(ctx.db(), &t, a.id)
}

fn release(ctx: &mut Ctx<'_>, h: &Head) -> Result<()> {
    if let Some(p) = h.reservation {
        let t = ctx.tenant()?;
        let state: PickingState = ctx.db().prepare_cached("SELECT state FROM pickings WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), p], |r| r.get(0))?;
        if state == PickingState::Ready || state == PickingState::Draft {
            engine::cancel(ctx, p)?;
        }
        ctx.db().prepare_cached("UPDATE production_orders SET reservation_id = NULL WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), h.id])?;
    }
    Ok(())
}

/// Replaces the order's reservation with one for what is left to consume of its
/// untracked components (a tracked component is taken by lot when consumed).
fn reserve(ctx: &mut Ctx<'_>, id: ProductionOrderId) -> Result<()> {
    let t = ctx.tenant()?;
    let h = head(ctx.db(), &t, id)?;
    release(ctx, &h)?;
    let db = ctx.db();
    let rows: Vec<(ProductId, i64)> = db
        .prepare_cached(
            "SELECT l.product_id, l.planned - l.done FROM production_order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
             WHERE l.tenant_id = ?1 AND l.order_id = ?2 AND l.kind = 'component' AND l.planned > l.done AND p.tracking = 'none' ORDER BY l.position",
        )?
        .query_map(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    let production = crate::inventory::places::virtual_location(db, &t, LocationKind::Production, ctx.now)?;
    let p = engine::create_picking(
        ctx,
        PickingInput {
            kind: PickingKind::Production,
            warehouse_id: h.warehouse,
            from_location_id: Some(h.source),
            to_location_id: Some(production),
            date: h.date_planned,
            partner_id: None,
            reference: h.number.clone(),
            reason: None,
            source: Some(StockSource { module: "production".into(), kind: "reservation".into(), id: Some(id.0) }),
            lines: rows.iter().map(|(p, qty)| move_line(*p, q(*qty), None, None)).collect(),
        },
    )?;
    engine::confirm(ctx, p.id)?;
    ctx.db().prepare_cached("UPDATE production_orders SET reservation_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, p.id])?;
    Ok(())
}

fn move_line(product: ProductId, quantity: Decimal, lot_id: Option<LotId>, lot_code: Option<String>) -> MoveInput {
    MoveInput { product_id: product, quantity, unit_id: None, from_location_id: None, to_location_id: None, lot_id, lot_code, unit_cost: None }
}

// --- steps ----------------------------------------------------------------------------------

/// Renames the engine's `lines.N.` fields to the caller's list.
fn rename(e: Error, to: &str) -> Error {
    match e {
        Error::Validation { reason, fields } => Error::Validation {
            reason,
            fields: fields.into_iter().map(|f| FieldError::new(f.field.strip_prefix("lines.").map_or_else(|| f.field.clone(), |rest| format!("{to}.{rest}")), f.issue())).collect(),
        },
        other => other,
    }
}

struct Doneish {
    picking: PickingId,
    /// (product, lot, quantity, value moved: − out of stock, + into it), per move.
    moves: Vec<(ProductId, Option<LotId>, i64, i64)>,
}

/// Makes and does one production picking; `fixed` gives each line's own value.
#[allow(clippy::too_many_arguments)]
fn do_picking(ctx: &mut Ctx<'_>, h: &Head, kind: &str, from: LocationId, to: LocationId, date: NaiveDate, lines: Vec<MoveInput>, fixed: Option<Vec<i64>>, field: &str) -> Result<Doneish> {
    let t = ctx.tenant()?;
    let p = engine::create_picking(
        ctx,
        PickingInput {
            kind: PickingKind::Production,
            warehouse_id: h.warehouse,
            from_location_id: Some(from),
            to_location_id: Some(to),
            date,
            partner_id: None,
            reference: h.number.clone(),
            reason: None,
            source: Some(StockSource { module: "production".into(), kind: kind.into(), id: Some(h.id.0) }),
            lines,
        },
    )
    .map_err(|e| rename(e, field))?;
    if let Some(values) = fixed {
        for (i, v) in values.iter().enumerate() {
            engine::set_fixed_value(ctx.db(), &t, p.id, u32::try_from(i + 1).unwrap_or(u32::MAX), *v)?;
        }
    }
    engine::done(ctx, p.id).map_err(|e| rename(e, field))?;
    let moves = ctx
        .db()
        .prepare_cached("SELECT product_id, lot_id, quantity, coalesce(value, 0) FROM stock_moves WHERE tenant_id = ?1 AND picking_id = ?2 ORDER BY line_no, id")?
        .query_map(params![t.tenant_id(), p.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Doneish { picking: p.id, moves })
}

/// Consumes `lines` into the order: one picking source → production; each product's
/// quantity and value added to its line (a product off the BOM gets a line planned at 0).
fn consume_lines(ctx: &mut Ctx<'_>, h: &Head, date: NaiveDate, lines: &[LotQuantity], field: &str) -> Result<(Option<PickingId>, i64)> {
    if lines.is_empty() {
        return Ok((None, 0));
    }
    let t = ctx.tenant()?;
    let production = crate::inventory::places::virtual_location(ctx.db(), &t, LocationKind::Production, ctx.now)?;
    let inputs = lines.iter().map(|l| move_line(l.product_id, l.quantity, l.lot_id, l.lot_code.clone())).collect();
    let d = do_picking(ctx, h, "consume", h.source, production, date, inputs, None, field)?;
    let db = ctx.db();
    let mut total = 0_i64;
    let mut by_product: BTreeMap<ProductId, (i64, i64)> = BTreeMap::new();
    for (p, _, qty, value) in &d.moves {
        let e = by_product.entry(*p).or_default();
        e.0 = e.0.saturating_add(*qty);
        e.1 = e.1.saturating_add(-value);
        total = total.saturating_add(-value);
    }
    for (p, (qty, value)) in by_product {
        let line: Option<i64> = db
            .prepare_cached("SELECT id FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2 AND product_id = ?3 AND kind = 'component' ORDER BY position, id LIMIT 1")?
            .query_row(params![t.tenant_id(), h.id, p], |r| r.get(0))
            .optional()?;
        match line {
            Some(l) => db.prepare_cached("UPDATE production_order_lines SET done = done + ?3, value = value + ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), l, qty, value])?,
            None => db
                .prepare_cached(
                    "INSERT INTO production_order_lines (tenant_id, order_id, position, kind, product_id, planned, done, value)
                     VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2), 'component', ?3, 0, ?4, ?5)",
                )?
                .execute(params![t.tenant_id(), h.id, p, qty, value])?,
        };
    }
    Ok((Some(d.picking), total))
}

fn insert_step(ctx: &Ctx<'_>, order: ProductionOrderId, kind: StepKind, date: NaiveDate, qty: i64, consume: Option<PickingId>, output: Option<PickingId>, entry: Option<crate::accounting::model::EntryId>, v: (i64, i64, i64)) -> Result<()> {
    let t = ctx.tenant()?;
    let user = ctx.principal()?.user_id;
    ctx.db()
        .prepare_cached(
            "INSERT INTO production_steps (tenant_id, order_id, kind, date, quantity, consume_picking_id, output_picking_id, entry_id, consumed_value, absorbed_value, produced_value, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![t.tenant_id(), order, kind, date, qty, consume, output, entry, v.0, v.1, v.2, user, ctx.now])?;
    Ok(())
}

fn today(ctx: &Ctx<'_>) -> Result<NaiveDate> {
    let t = ctx.tenant()?;
    crate::accounting::periods::today(ctx.db(), &t, ctx.now)
}

/// Posts `amount` (ledger scale, > 0) debit `dr`, credit `cr` on the stock journal, at
/// `date` or the journal's latest date.
fn post(ctx: &mut Ctx<'_>, date: NaiveDate, reference: &str, memo: &str, dr: crate::accounting::model::AccountId, cr: crate::accounting::model::AccountId, amount: i64, order: ProductionOrderId) -> Result<Option<crate::accounting::model::EntryId>> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if amount == 0 || !crate::accounting::chart::has_chart(db, &t)? {
        return Ok(None);
    }
    let (dr, cr, v) = if amount > 0 { (dr, cr, money::from_db(amount)) } else { (cr, dr, money::from_db(-amount)) };
    let journal = crate::accounting::journals::by_kind(db, &t, JournalKind::Stock)?;
    let when = crate::accounting::ledger::earliest_posting_date(db, &t, journal, date)?;
    let line = |account, debit: Decimal, credit: Decimal| LineDraft {
        account_id: Some(account),
        partner_id: None,
        description: memo.to_string(),
        debit,
        credit,
        currency: None,
        amount_currency: None,
        tax_id: None,
        tax_base: None,
    };
    let draft = EntryDraft { journal_id: journal, date: when, reference: reference.to_string(), memo: memo.to_string(), lines: vec![line(dr, v, Decimal::ZERO), line(cr, Decimal::ZERO, v)] };
    let e = crate::accounting::ledger::post(ctx, draft, Source { module: "production".into(), kind: "order".into(), id: Some(order.0) })?;
    Ok(Some(e.id))
}

fn account(which: Option<crate::accounting::model::AccountId>, what: &str) -> Result<crate::accounting::model::AccountId> {
    which.ok_or_else(|| Error::refused(Reason::InventoryAccountMissing.with("default", what)))
}

fn require_open(h: &Head) -> Result<()> {
    match h.state {
        ProductionState::Confirmed | ProductionState::InProgress => Ok(()),
        s => Err(Error::refused(Reason::InvalidTransition.with("from", s.as_str()).with("to", ProductionState::InProgress.as_str()))),
    }
}

/// Records components taken for the order (before or between outputs).
pub fn consume(ctx: &mut Ctx<'_>, a: ConsumeArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let h = head(ctx.db(), &t, a.id)?;
    require_open(&h)?;
    if a.lines.is_empty() {
        return Err(Error::field("lines", FieldCode::Required));
    }
    let date = match a.date {
        Some(d) => d,
        None => today(ctx)?,
    };
    release(ctx, &h)?;
    let (picking, value) = consume_lines(ctx, &h, date, &a.lines, "lines")?;
    insert_step(ctx, a.id, StepKind::Consume, date, 0, picking, None, None, (value, 0, 0))?;
    ctx.db()
        .prepare_cached("UPDATE production_orders SET state = 'in_progress', consumed_value = consumed_value + ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, value, ctx.now])?;
    reserve(ctx, a.id)?;
    ctx.audit("production_order", a.id, json!({"consumed": money::from_db(value)}));
    get(ctx.db(), &t, a.id)
}

/// What each lot of the output gets: `lots` for `product` summing to `qty` (tracked), or
/// one untracked line.
fn output_lines(c: &mut Checker, tracking: Tracking, sku: &str, product: ProductId, qty: i64, lots: &[(usize, &LotQuantity)], field: &str) -> Vec<(i64, Option<LotId>, Option<String>)> {
    if tracking == Tracking::None {
        for (i, _) in lots {
            c.push(&format!("lots.{i}.product_id"), FieldCode::LotNotTracked.with("sku", sku));
        }
        return vec![(qty, None, None)];
    }
    if lots.is_empty() {
        c.push(field, FieldCode::LotRequired.with("sku", sku).with("tracking", tracking.as_str()));
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut total = 0_i64;
    for (i, l) in lots {
        match sq(&format!("lots.{i}.quantity"), l.quantity) {
            Ok(v) if v > 0 => {
                total = total.saturating_add(v);
                out.push((v, l.lot_id, l.lot_code.clone()));
            }
            _ => c.push(&format!("lots.{i}.quantity"), FieldCode::NotPositive),
        }
    }
    let _ = product;
    if total != qty {
        c.push(field, FieldCode::LotsDoNotAddUp.with("expected", q(qty)).with("got", q(total)));
    }
    out
}

/// Splits `total` over `weights` in proportion, at the ledger's scale rounded to the
/// currency's minor units, the remainder on the last share.
fn split(total: i64, weights: &[i64], units: u32) -> Result<Vec<i64>> {
    let sum: i64 = weights.iter().fold(0_i64, |a, b| a.saturating_add(*b));
    let mut out = Vec::with_capacity(weights.len());
    let mut left = total;
    for (i, w) in weights.iter().enumerate() {
        if i + 1 == weights.len() {
            out.push(left);
        } else {
            let v = round(arith::div("value", arith::mul("value", money::from_db(total), Decimal::from(*w))?, Decimal::from(sum.max(1)))?, units);
            let v = money::to_db("value", v)?.min(left);
            left -= v;
            out.push(v);
        }
    }
    Ok(out)
}

/// Produces `quantity` of the product: consumes the components for it (given, or the
/// BOM's share), absorbs the operations, and moves the output into the destination at
/// its share of the order's WIP (all of it when the order closes), by-products at their
/// cost share. One transaction: the pickings, their stock journal entries, and the
/// operations entry.
pub fn produce(ctx: &mut Ctx<'_>, a: ProduceArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    require_open(&h)?;
    let mut cache = Cache::default();
    let pf = cache.product(db, &t, h.product)?.cloned().ok_or_else(|| Error::not_found("product", h.product))?;
    let tracking = engine::tracking_of(db, &t, h.product)?;
    let mut c = Checker::new();
    let qty = check_qty(&mut c, "quantity", a.quantity, pf.decimals).unwrap_or(0);
    let remaining = h.quantity - h.produced;
    if qty > remaining {
        c.push("quantity", FieldCode::ExceedsRemaining.with("remaining", q(remaining)));
    }
    let date = match a.date {
        Some(d) => d,
        None => today(ctx)?,
    };
    let settings = super::settings::get(db, &t)?;
    let units = currency_units(db, &t)?;
    // Lines of the order.
    let lines: Vec<(ProductId, BomLineKind, i64, i64, i64, Tracking, String, u32)> = db
        .prepare_cached(
            "SELECT l.product_id, l.kind, l.planned, l.done, l.cost_share, p.tracking, p.sku, u.decimals FROM production_order_lines l
             JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
             WHERE l.tenant_id = ?1 AND l.order_id = ?2 ORDER BY l.position, l.id",
        )?
        .query_map(params![t.tenant_id(), a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let after = h.produced.saturating_add(qty);
    let share = |planned: i64, of: i64| -> Result<Decimal> { arith::div("quantity", arith::mul("quantity", q(planned), q(of))?, q(h.quantity)) };
    // Consumption: given, or each component's share of the quantity produced so far
    // less what was already consumed.
    let consumption: Vec<LotQuantity> = match &a.consumption {
        Some(v) => v.clone(),
        None => {
            let mut v = Vec::new();
            for (p, kind, planned, done, _, tr, sku, dec) in &lines {
                if *kind != BomLineKind::Component || qty == 0 {
                    continue;
                }
                let want = arith::sub("quantity", round_up(share(*planned, after)?, *dec), q(*done))?;
                if want <= Decimal::ZERO {
                    continue;
                }
                if *tr != Tracking::None {
                    // Not given: the whole consumption is wanted, by lot for this component.
                    c.push("consumption", FieldCode::LotRequired.with("sku", sku).with("tracking", tr.as_str()));
                    continue;
                }
                v.push(LotQuantity { product_id: *p, quantity: want, lot_id: None, lot_code: None });
            }
            v
        }
    };
    // Outputs: the product, then by-products at their share of this quantity.
    let lots: Vec<(usize, &LotQuantity)> = a.lots.iter().enumerate().collect();
    let main_lots: Vec<(usize, &LotQuantity)> = lots.iter().filter(|(_, l)| l.product_id == h.product).copied().collect();
    for (i, l) in &lots {
        if l.product_id != h.product && !lines.iter().any(|x| x.0 == l.product_id && x.1 == BomLineKind::Byproduct) {
            c.push(&format!("lots.{i}.product_id"), FieldCode::Invalid);
        }
    }
    let mut outputs: Vec<(ProductId, i64, Option<LotId>, Option<String>, i64)> = Vec::new(); // product, qty, lot, code, share weight
    if qty > 0 {
        for (qq, lot, code) in output_lines(&mut c, tracking, &pf.sku, h.product, qty, &main_lots, "lots") {
            outputs.push((h.product, qq, lot, code, -1));
        }
        for (p, kind, planned, _, cost_share, tr, sku, dec) in &lines {
            if *kind != BomLineKind::Byproduct {
                continue;
            }
            let made = sq("quantity", round(share(*planned, qty)?, (*dec).min(QTY_SCALE)))?;
            if made <= 0 {
                continue;
            }
            let bl: Vec<(usize, &LotQuantity)> = lots.iter().filter(|(_, l)| l.product_id == *p).copied().collect();
            for (qq, lot, code) in output_lines(&mut c, *tr, sku, *p, made, &bl, "lots") {
                outputs.push((*p, qq, lot, code, *cost_share));
            }
        }
    }
    let op_rows: Vec<(u32, i64, i64, i64)> = db
        .prepare_cached("SELECT position, planned_minutes, cost_per_hour, id FROM production_order_operations WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY position")?
        .query_map(params![t.tenant_id(), a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, m) in a.minutes.iter().enumerate() {
        if !op_rows.iter().any(|o| o.0 == m.position) {
            c.push(&format!("minutes.{i}.position"), FieldCode::NotFound.with("entity", "operation"));
        }
        if m.minutes < Decimal::ZERO {
            c.push(&format!("minutes.{i}.minutes"), FieldCode::Negative);
        } else if let Err(Error::Validation { fields, .. }) = money::to_db_at(&format!("minutes.{i}.minutes"), m.minutes, QTY_SCALE) {
            c.errors.extend(fields);
        }
    }
    c.finish()?;
    release(ctx, &h)?;
    // 1. Consume.
    let (consume_picking, consumed) = consume_lines(ctx, &h, date, &consumption, "consumption")?;
    // 2. Absorb the operations.
    let db = ctx.db();
    let mut absorbed = 0_i64;
    for (pos, planned, rate, id) in &op_rows {
        let minutes = match a.minutes.iter().find(|m| m.position == *pos) {
            Some(m) => m.minutes,
            None => round(share(*planned, qty)?, QTY_SCALE),
        };
        let value = money::to_db("value", round(boms::op_cost(minutes, money::from_db(*rate))?, units))?;
        absorbed = absorbed.saturating_add(value);
        db.prepare_cached("UPDATE production_order_operations SET done_minutes = done_minutes + ?3, value = value + ?4 WHERE tenant_id = ?1 AND id = ?2")?
            .execute(params![t.tenant_id(), id, sq("minutes", minutes)?, value])?;
    }
    let reference = h.number.clone().unwrap_or_default();
    let entry = if absorbed > 0 && crate::accounting::chart::has_chart(db, &t)? {
        let wip = account(settings.wip_account_id, "wip")?;
        let abs = account(settings.absorption_account_id, "absorption")?;
        post(ctx, date, &reference, &format!("Operations {reference}"), wip, abs, absorbed, a.id)?
    } else {
        None
    };
    // 3. Output: this step's operations, and of each component what this quantity
    // needs of what was consumed and not yet carried out (at that stock's value); all
    // that is left in WIP when the order closes.
    let wip_before = h.wip().saturating_add(consumed).saturating_add(absorbed);
    let finish = a.finish.unwrap_or(false) || after >= h.quantity;
    let out_value = if finish {
        db.prepare_cached("UPDATE production_order_lines SET out_qty = done, out_value = value WHERE tenant_id = ?1 AND order_id = ?2 AND kind = 'component'")?
            .execute(params![t.tenant_id(), a.id])?;
        wip_before
    } else {
        let comps: Vec<(i64, i64, i64, i64, i64, i64)> = db
            .prepare_cached("SELECT id, planned, done, value, out_qty, out_value FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2 AND kind = 'component' ORDER BY position, id")?
            .query_map(params![t.tenant_id(), a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut total = absorbed;
        for (id, planned, done, value, out_q, out_v) in comps {
            let (rem_q, rem_v) = (done - out_q, value - out_v);
            if rem_q <= 0 || planned <= 0 {
                continue;
            }
            let need = share(planned, qty)?;
            let take_q = need.min(q(rem_q));
            let take_v = money::to_db("value", round(arith::div("value", arith::mul("value", money::from_db(rem_v), take_q)?, q(rem_q))?, units))?.clamp(0, rem_v.max(0));
            db.prepare_cached("UPDATE production_order_lines SET out_qty = out_qty + ?3, out_value = out_value + ?4 WHERE tenant_id = ?1 AND id = ?2")?
                .execute(params![t.tenant_id(), id, sq("quantity", take_q)?, take_v])?;
            total = total.saturating_add(take_v);
        }
        total.min(wip_before)
    };
    let mut output_picking = None;
    if !outputs.is_empty() {
        // By-products take their cost share; the product made takes the rest, over its lots by quantity.
        let mut values = vec![0_i64; outputs.len()];
        let mut rest = out_value;
        for (i, o) in outputs.iter().enumerate() {
            if o.4 >= 0 {
                let v = money::to_db("value", round(arith::div("value", arith::mul("value", money::from_db(out_value), arith::from_scaled(o.4, boms::PCT_SCALE))?, Decimal::from(100))?, units))?;
                let v = v.min(rest);
                values[i] = v;
                rest -= v;
            }
        }
        let main: Vec<usize> = outputs.iter().enumerate().filter(|(_, o)| o.4 < 0).map(|(i, _)| i).collect();
        let weights: Vec<i64> = main.iter().map(|i| outputs[*i].1).collect();
        for (k, v) in split(rest, &weights, units)?.into_iter().enumerate() {
            values[main[k]] = v;
        }
        let production = crate::inventory::places::virtual_location(ctx.db(), &t, LocationKind::Production, ctx.now)?;
        let inputs = outputs.iter().map(|o| move_line(o.0, q(o.1), o.2, o.3.clone())).collect();
        let d = do_picking(ctx, &h, "produce", production, h.dest, date, inputs, Some(values.clone()), "lots")?;
        output_picking = Some(d.picking);
        let db = ctx.db();
        for (o, v) in outputs.iter().zip(&values) {
            if o.4 >= 0 {
                db.prepare_cached(
                    "UPDATE production_order_lines SET done = done + ?4, value = value + ?5 WHERE id = (SELECT id FROM production_order_lines WHERE tenant_id = ?1 AND order_id = ?2 AND product_id = ?3 AND kind = 'byproduct' ORDER BY position LIMIT 1)",
                )?
                .execute(params![t.tenant_id(), a.id, o.0, o.1, v])?;
            }
        }
    }
    let written_off = if finish { wip_before.saturating_sub(out_value) } else { 0 };
    insert_step(ctx, a.id, StepKind::Produce, date, qty, consume_picking, output_picking, entry, (consumed, absorbed, out_value))?;
    let state = if finish { ProductionState::Done } else { ProductionState::InProgress };
    ctx.db()
        .prepare_cached(
            "UPDATE production_orders SET state = ?3, produced = produced + ?4, consumed_value = consumed_value + ?5, absorbed_value = absorbed_value + ?6,
             produced_value = produced_value + ?7, written_off_value = written_off_value + ?8, date_done = CASE WHEN ?3 = 'done' THEN ?9 END, updated_at = ?10
             WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![t.tenant_id(), a.id, state, qty, consumed, absorbed, out_value, written_off, date, ctx.now])?;
    if !finish {
        reserve(ctx, a.id)?;
    }
    ctx.audit("production_order", a.id, json!({"produced": q(qty), "value": money::from_db(out_value), "state": state}));
    get(ctx.db(), &t, a.id)
}

/// Closes an order short: the reservation is released and what is left in its WIP
/// (components consumed beyond the output) is written off to the variance account.
pub fn finish(ctx: &mut Ctx<'_>, a: FinishArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let h = head(ctx.db(), &t, a.id)?;
    transition(h.state, ProductionState::Done)?;
    let date = match a.date {
        Some(d) => d,
        None => today(ctx)?,
    };
    release(ctx, &h)?;
    let left = h.wip();
    let entry = if left != 0 && crate::accounting::chart::has_chart(ctx.db(), &t)? {
        let s = super::settings::get(ctx.db(), &t)?;
        let reference = h.number.clone().unwrap_or_default();
        post(ctx, date, &reference, &format!("Closing {reference}"), account(s.variance_account_id, "variance")?, account(s.wip_account_id, "wip")?, left, a.id)?
    } else {
        None
    };
    insert_step(ctx, a.id, StepKind::Return, date, 0, None, None, entry, (0, 0, 0))?;
    ctx.db()
        .prepare_cached("UPDATE production_orders SET state = 'done', written_off_value = written_off_value + ?3, date_done = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, left, date, ctx.now])?;
    ctx.audit("production_order", a.id, json!({"state": [h.state, "done"], "written_off": money::from_db(left)}));
    get(ctx.db(), &t, a.id)
}

/// What the order's consumption pickings took, per (product, lot): quantity and value.
fn consumed_by_lot(db: &Connection, t: &TenantCtx, order: ProductionOrderId) -> Result<Vec<(ProductId, Option<LotId>, i64, i64)>> {
    let mut st = db.prepare_cached(
        "SELECT m.product_id, m.lot_id, sum(m.quantity), -sum(coalesce(m.value, 0)) FROM production_steps s
         CROSS JOIN stock_moves m ON m.tenant_id = s.tenant_id AND m.picking_id = s.consume_picking_id
         WHERE s.tenant_id = ?1 AND s.order_id = ?2 AND s.kind IN ('consume', 'produce') AND s.consume_picking_id IS NOT NULL
         GROUP BY m.product_id, m.lot_id ORDER BY min(m.id)",
    )?;
    let rows = st.query_map(params![t.tenant_id(), order], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Cancels an order: a draft or confirmed one (its reservation released), or one in
/// progress before anything was produced, whose consumed components go back to the
/// source location at the value they left with.
pub fn cancel(ctx: &mut Ctx<'_>, a: CancelOrderArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let h = head(ctx.db(), &t, a.id)?;
    transition(h.state, ProductionState::Cancelled)?;
    if h.produced > 0 {
        return Err(Error::refused(Reason::InvalidTransition.with("from", h.state.as_str()).with("to", "cancelled")));
    }
    release(ctx, &h)?;
    let mut returned = 0_i64;
    if h.state == ProductionState::InProgress {
        let date = match a.date {
            Some(d) => d,
            None => today(ctx)?,
        };
        let back = consumed_by_lot(ctx.db(), &t, a.id)?;
        let back: Vec<_> = back.into_iter().filter(|b| b.2 > 0).collect();
        if !back.is_empty() {
            let production = crate::inventory::places::virtual_location(ctx.db(), &t, LocationKind::Production, ctx.now)?;
            let inputs = back.iter().map(|(p, lot, qty, _)| move_line(*p, q(*qty), *lot, None)).collect();
            let values: Vec<i64> = back.iter().map(|b| b.3.max(0)).collect();
            let d = do_picking(ctx, &h, "return", production, h.source, date, inputs, Some(values.clone()), "lines")?;
            returned = values.iter().fold(0_i64, |a, b| a.saturating_add(*b));
            let left = h.wip().saturating_sub(returned);
            let entry = if left != 0 && crate::accounting::chart::has_chart(ctx.db(), &t)? {
                let s = super::settings::get(ctx.db(), &t)?;
                let reference = h.number.clone().unwrap_or_default();
                post(ctx, date, &reference, &format!("Cancelling {reference}"), account(s.variance_account_id, "variance")?, account(s.wip_account_id, "wip")?, left, a.id)?
            } else {
                None
            };
            insert_step(ctx, a.id, StepKind::Return, date, 0, None, Some(d.picking), entry, (0, 0, returned))?;
            ctx.db()
                .prepare_cached("UPDATE production_orders SET written_off_value = written_off_value + ?3 WHERE tenant_id = ?1 AND id = ?2")?
                .execute(params![t.tenant_id(), a.id, left])?;
        }
    }
    ctx.db()
        .prepare_cached("UPDATE production_orders SET state = 'cancelled', returned_value = returned_value + ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, returned, ctx.now])?;
    ctx.audit("production_order", a.id, json!({"state": [h.state, "cancelled"], "returned": money::from_db(returned)}));
    get(ctx.db(), &t, a.id)
}

/// Takes `quantity` of a done order's output apart: the product leaves the destination
/// (at its current cost), with the by-products made alongside in their share, and the
/// components come back to the source at the value they were built with (their share of
/// what the order consumed); the difference goes to the variance account, so the WIP
/// account is left as it was.
pub fn unbuild(ctx: &mut Ctx<'_>, a: UnbuildArgs) -> Result<ProductionOrder> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    if h.state != ProductionState::Done {
        return Err(Error::refused(Reason::InvalidTransition.with("from", h.state.as_str()).with("to", "unbuilt")));
    }
    let pf = boms::facts(db, &t, h.product)?.ok_or_else(|| Error::not_found("product", h.product))?;
    let tracking = engine::tracking_of(db, &t, h.product)?;
    let mut c = Checker::new();
    let qty = check_qty(&mut c, "quantity", a.quantity, pf.decimals).unwrap_or(0);
    let left = h.produced - h.unbuilt;
    if qty > left {
        c.push("quantity", FieldCode::ExceedsRemaining.with("remaining", q(left)));
    }
    let lots: Vec<(usize, &LotQuantity)> = a.lots.iter().enumerate().collect();
    let main_lots: Vec<(usize, &LotQuantity)> = lots.iter().filter(|(_, l)| l.product_id == h.product).copied().collect();
    // The product leaves, and each by-product made with it, in its share of the quantity.
    let mut outs: Vec<(ProductId, i64, Option<LotId>, Option<String>)> = Vec::new();
    if qty > 0 {
        for (qq, lot, code) in output_lines(&mut c, tracking, &pf.sku, h.product, qty, &main_lots, "lots") {
            outs.push((h.product, qq, lot, code));
        }
    }
    let byproducts: Vec<(ProductId, i64, Tracking, String, u32)> = db
        .prepare_cached(
            "SELECT l.product_id, l.done, p.tracking, p.sku, u.decimals FROM production_order_lines l
             JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
             WHERE l.tenant_id = ?1 AND l.order_id = ?2 AND l.kind = 'byproduct' AND l.done > 0 ORDER BY l.position, l.id",
        )?
        .query_map(params![t.tenant_id(), a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, l) in &lots {
        if l.product_id != h.product && !byproducts.iter().any(|b| b.0 == l.product_id) {
            c.push(&format!("lots.{i}.product_id"), FieldCode::Invalid);
        }
    }
    if qty > 0 && qty <= left && h.produced > 0 {
        for (p, done, tr, sku, dec) in &byproducts {
            let take = sq("quantity", round(arith::div("quantity", arith::mul("quantity", q(*done), q(qty))?, q(h.produced))?, (*dec).min(QTY_SCALE)))?;
            if take <= 0 {
                continue;
            }
            let bl: Vec<(usize, &LotQuantity)> = lots.iter().filter(|(_, l)| l.product_id == *p).copied().collect();
            for (qq, lot, code) in output_lines(&mut c, *tr, sku, *p, take, &bl, "lots") {
                outs.push((*p, qq, lot, code));
            }
        }
    }
    c.finish()?;
    let date = match a.date {
        Some(d) => d,
        None => today(ctx)?,
    };
    let units = currency_units(ctx.db(), &t)?;
    let production = crate::inventory::places::virtual_location(ctx.db(), &t, LocationKind::Production, ctx.now)?;
    // 1. The product and its by-products leave.
    let inputs = outs.iter().map(|(p, qq, lot, code)| move_line(*p, q(*qq), *lot, code.clone())).collect();
    let out = do_picking(ctx, &h, "unbuild", h.dest, production, date, inputs, None, "lots")?;
    let out_value: i64 = out.moves.iter().fold(0_i64, |a, m| a.saturating_sub(m.3));
    // 2. The components come back, by lot, at their share of the consumed value.
    let mut back = Vec::new();
    for (p, lot, cq, cv) in consumed_by_lot(ctx.db(), &t, a.id)? {
        if cq <= 0 {
            continue;
        }
        let dec = boms::facts(ctx.db(), &t, p)?.map_or(QTY_SCALE, |f| f.decimals);
        let bq = sq("quantity", round(arith::div("quantity", arith::mul("quantity", q(cq), q(qty))?, q(h.produced))?, dec.min(QTY_SCALE)))?;
        if bq <= 0 {
            continue;
        }
        let bv = money::to_db("value", round(arith::div("value", arith::mul("value", money::from_db(cv.max(0)), q(qty))?, q(h.produced))?, units))?;
        back.push((p, lot, bq, bv));
    }
    let mut in_value = 0_i64;
    let mut in_picking = None;
    if !back.is_empty() {
        let inputs = back.iter().map(|(p, lot, bq, _)| move_line(*p, q(*bq), *lot, None)).collect();
        let values: Vec<i64> = back.iter().map(|b| b.3).collect();
        in_value = values.iter().fold(0_i64, |a, b| a.saturating_add(*b));
        let d = do_picking(ctx, &h, "unbuild", production, h.source, date, inputs, Some(values), "lots")?;
        in_picking = Some(d.picking);
    }
    // 3. The difference leaves WIP for the variance account.
    let diff = out_value.saturating_sub(in_value);
    let entry = if diff != 0 && crate::accounting::chart::has_chart(ctx.db(), &t)? {
        let s = super::settings::get(ctx.db(), &t)?;
        let reference = h.number.clone().unwrap_or_default();
        post(ctx, date, &reference, &format!("Unbuilding {reference}"), account(s.variance_account_id, "variance")?, account(s.wip_account_id, "wip")?, diff, a.id)?
    } else {
        None
    };
    insert_step(ctx, a.id, StepKind::Unbuild, date, qty, Some(out.picking), in_picking, entry, (out_value, diff, in_value))?;
    ctx.db()
        .prepare_cached("UPDATE production_orders SET unbuilt = unbuilt + ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, qty, ctx.now])?;
    ctx.audit("production_order", a.id, json!({"unbuilt": q(qty), "value_out": money::from_db(out_value), "value_back": money::from_db(in_value)}));
    get(ctx.db(), &t, a.id)
}

// --- reading --------------------------------------------------------------------------------

/// What the order put into stock (its produce steps' output pickings) and took back apart
/// (its unbuild steps' first pickings), per product and lot, the product made first.
fn outputs(db: &Connection, t: &TenantCtx, h: &Head) -> Result<Vec<OrderOutput>> {
    let steps: Vec<(StepKind, Option<PickingId>, Option<PickingId>)> = db
        .prepare_cached("SELECT kind, consume_picking_id, output_picking_id FROM production_steps WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY id")?
        .query_map(params![t.tenant_id(), h.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // (product, lot) → (first move, the output row).
    let mut by: BTreeMap<(ProductId, Option<LotId>), (i64, OrderOutput)> = BTreeMap::new();
    let mut moves = db.prepare_cached(
        "SELECT m.id, m.product_id, p.sku, m.lot_id, lt.code, m.quantity, coalesce(m.value, 0) FROM stock_moves m
         JOIN products p ON p.tenant_id = m.tenant_id AND p.id = m.product_id
         LEFT JOIN stock_lots lt ON lt.tenant_id = m.tenant_id AND lt.id = m.lot_id
         WHERE m.tenant_id = ?1 AND m.picking_id = ?2 ORDER BY m.line_no, m.id",
    )?;
    for (kind, consume, output) in steps {
        let (picking, made) = match (kind, consume, output) {
            (StepKind::Produce, _, Some(p)) => (p, true),
            (StepKind::Unbuild, Some(p), _) => (p, false),
            _ => continue,
        };
        let rows = moves.query_map(params![t.tenant_id(), picking], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, ProductId>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<LotId>>(3)?, r.get::<_, Option<String>>(4)?, r.get::<_, i64>(5)?, r.get::<_, i64>(6)?))
        })?;
        for row in rows {
            let (move_id, product, sku, lot, code, qty, value) = row?;
            let e = by.entry((product, lot)).or_insert_with(|| {
                (move_id, OrderOutput { product_id: product, sku, byproduct: product != h.product, lot_id: lot, lot_code: code, produced: Decimal::ZERO, unbuilt: Decimal::ZERO, value: Decimal::ZERO })
            });
            if made {
                e.1.produced = arith::add("quantity", e.1.produced, q(qty))?;
                e.1.value = arith::add("value", e.1.value, money::from_db(value))?;
            } else {
                e.1.unbuilt = arith::add("quantity", e.1.unbuilt, q(qty))?;
            }
        }
    }
    let mut out: Vec<(i64, OrderOutput)> = by.into_values().filter(|(_, o)| !o.produced.is_zero()).collect();
    out.sort_by_key(|(first, o)| (o.byproduct, *first));
    Ok(out.into_iter().map(|(_, o)| o).collect())
}

pub fn get(db: &Connection, t: &TenantCtx, id: ProductionOrderId) -> Result<ProductionOrder> {
    let h = head(db, t, id)?;
    let (sku, name, unit_code, tracking, bom_name, date_done, origin, standard): (String, String, String, Tracking, String, Option<NaiveDate>, String, Option<i64>) = db
        .prepare_cached(
            "SELECT p.sku, p.name, u.code, p.tracking, b.name, o.date_done, o.origin, o.standard_cost FROM production_orders o
             JOIN products p ON p.tenant_id = o.tenant_id AND p.id = o.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
             JOIN boms b ON b.tenant_id = o.tenant_id AND b.id = o.bom_id WHERE o.tenant_id = ?1 AND o.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))?;
    let lines: Vec<OrderLine> = db
        .prepare_cached(
            "SELECT l.id, l.position, l.kind, l.product_id, p.sku, p.name, u.code, p.tracking, l.planned, l.done, l.value, l.cost_share, u.decimals
             FROM production_order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
             WHERE l.tenant_id = ?1 AND l.order_id = ?2 ORDER BY l.position, l.id",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            let planned: i64 = r.get(8)?;
            let done: i64 = r.get(9)?;
            let decimals: u32 = r.get(12)?;
            Ok((
                OrderLine {
                    id: r.get(0)?,
                    position: r.get(1)?,
                    kind: r.get(2)?,
                    product_id: r.get(3)?,
                    sku: r.get(4)?,
                    name: r.get(5)?,
                    unit_code: r.get(6)?,
                    tracking: r.get(7)?,
                    planned: q(planned),
                    expected: Decimal::ZERO,
                    done: q(done),
                    variance: Decimal::ZERO,
                    value: money::from_db(r.get(10)?),
                    cost_share: arith::from_scaled(r.get(11)?, boms::PCT_SCALE),
                },
                decimals,
            ))
        })?
        .map(|r| {
            r.map(|(mut l, dec)| {
                // Values read back from storage; a product too large to represent shows no expectation.
                let expected = l.planned.checked_mul(q(h.produced)).and_then(|x| x.checked_div(q(h.quantity))).map_or(Decimal::ZERO, |x| x.round_dp(dec.min(QTY_SCALE)).normalize());
                l.expected = expected;
                l.variance = l.done.checked_sub(expected).unwrap_or_default().normalize();
                l
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    let operations: Vec<OrderOperation> = db
        .prepare_cached(
            "SELECT o.position, o.name, o.work_centre_id, w.code, o.planned_minutes, o.done_minutes, o.cost_per_hour, o.value FROM production_order_operations o
             JOIN work_centres w ON w.tenant_id = o.tenant_id AND w.id = o.work_centre_id WHERE o.tenant_id = ?1 AND o.order_id = ?2 ORDER BY o.position",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            Ok(OrderOperation {
                position: r.get(0)?,
                name: r.get(1)?,
                work_centre_id: r.get(2)?,
                work_centre_code: r.get(3)?,
                planned_minutes: q(r.get(4)?),
                done_minutes: q(r.get(5)?),
                cost_per_hour: money::from_db(r.get(6)?),
                value: money::from_db(r.get(7)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let steps: Vec<Step> = db
        .prepare_cached(
            "SELECT s.id, s.kind, s.date, s.quantity, s.consume_picking_id, c.number, s.output_picking_id, o.number, s.consumed_value, s.absorbed_value, s.produced_value
             FROM production_steps s LEFT JOIN pickings c ON c.tenant_id = s.tenant_id AND c.id = s.consume_picking_id
             LEFT JOIN pickings o ON o.tenant_id = s.tenant_id AND o.id = s.output_picking_id WHERE s.tenant_id = ?1 AND s.order_id = ?2 ORDER BY s.id",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            Ok(Step {
                id: r.get(0)?,
                kind: r.get(1)?,
                date: r.get(2)?,
                quantity: q(r.get(3)?),
                consume_picking_id: r.get(4)?,
                consume_number: r.get(5)?,
                output_picking_id: r.get(6)?,
                output_number: r.get(7)?,
                consumed_value: money::from_db(r.get(8)?),
                absorbed_value: money::from_db(r.get(9)?),
                produced_value: money::from_db(r.get(10)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let standard_cost = standard.map(|s| arith::from_scaled(s, PRICE_SCALE));
    let produced = q(h.produced);
    let actual = if h.produced > 0 { money::from_db(h.produced_value).checked_div(produced).map(|v| round(v, PRICE_SCALE)) } else { None };
    let variance = match (standard_cost, h.produced > 0) {
        (Some(s), true) => s.checked_mul(produced).and_then(|std| money::from_db(h.produced_value).checked_sub(std.round_dp(4))).map(|v| v.normalize()),
        _ => None,
    };
    let outputs = outputs(db, t, &h)?;
    Ok(ProductionOrder {
        id,
        number: h.number.clone(),
        state: h.state,
        product_id: h.product,
        sku,
        product_name: name,
        tracking,
        bom_id: h.bom,
        bom_name,
        unit_code,
        quantity: q(h.quantity),
        produced,
        unbuilt: q(h.unbuilt),
        remaining: if matches!(h.state, ProductionState::Done | ProductionState::Cancelled) { Decimal::ZERO } else { q(h.quantity - h.produced) },
        warehouse_id: h.warehouse,
        source_location_id: h.source,
        dest_location_id: h.dest,
        date_planned: h.date_planned,
        date_done,
        origin,
        standard_cost,
        consumed_value: money::from_db(h.consumed),
        absorbed_value: money::from_db(h.absorbed),
        produced_value: money::from_db(h.produced_value),
        wip_value: money::from_db(h.wip()),
        actual_unit_cost: actual,
        cost_variance: variance,
        reservation_id: h.reservation,
        lines,
        operations,
        outputs,
        steps,
    })
}

pub fn list(db: &Connection, t: &TenantCtx, a: &ListOrdersArgs) -> Result<Vec<OrderRow>> {
    let limit = a.limit.unwrap_or(100).clamp(1, 500);
    let search = a.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let mut st = db.prepare_cached(
        "SELECT o.id, o.number, o.state, o.product_id, p.sku, p.name, u.code, o.quantity, o.produced, o.date_planned, o.origin FROM production_orders o
         JOIN products p ON p.tenant_id = o.tenant_id AND p.id = o.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
         WHERE o.tenant_id = ?1 AND (?2 IS NULL OR o.state = ?2) AND (?3 IS NULL OR o.product_id = ?3)
         AND (?4 IS NULL OR o.number LIKE ?4 ESCAPE '\\' OR p.sku LIKE ?4 ESCAPE '\\' OR p.name LIKE ?4 ESCAPE '\\' OR o.origin LIKE ?4 ESCAPE '\\')
         AND (?5 IS NULL OR o.id < ?5) ORDER BY o.id DESC LIMIT ?6",
    )?;
    let rows = st.query_map(params![t.tenant_id(), a.state, a.product_id, search, a.before, limit], |r| {
        Ok(OrderRow {
            id: r.get(0)?,
            number: r.get(1)?,
            state: r.get(2)?,
            product_id: r.get(3)?,
            sku: r.get(4)?,
            product_name: r.get(5)?,
            unit_code: r.get(6)?,
            quantity: q(r.get(7)?),
            produced: q(r.get(8)?),
            date_planned: r.get(9)?,
            origin: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The WIP account against the orders' WIP, and each order against its steps.
pub fn check(db: &Connection, t: &TenantCtx) -> Result<ProductionCheck> {
    let orders_wip: i64 = db
        .prepare_cached(
            "SELECT coalesce(sum(consumed_value + absorbed_value - produced_value - returned_value - written_off_value), 0) FROM production_orders WHERE tenant_id = ?1",
        )?
        .query_row([t.tenant_id()], |r| r.get(0))?;
    let wip_balance = match super::settings::get(db, t)?.wip_account_id {
        Some(a) if crate::accounting::chart::has_chart(db, t)? => Some(
            db.prepare_cached("SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2")?
                .query_row(params![t.tenant_id(), a], |r| r.get::<_, i64>(0))?,
        ),
        _ => None,
    };
    let drifting: Vec<String> = db
        .prepare_cached(
            "SELECT coalesce(o.number, '#' || o.id) FROM production_orders o
             LEFT JOIN (SELECT order_id, sum(consumed_value) c, sum(absorbed_value) a, sum(produced_value) p FROM production_steps
                        WHERE tenant_id = ?1 AND kind IN ('consume', 'produce') GROUP BY order_id) s ON s.order_id = o.id
             WHERE o.tenant_id = ?1 AND (o.consumed_value <> coalesce(s.c, 0) OR o.absorbed_value <> coalesce(s.a, 0) OR o.produced_value <> coalesce(s.p, 0))
             ORDER BY o.id LIMIT 100",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let ok = drifting.is_empty() && wip_balance.is_none_or(|b| b == orders_wip);
    Ok(ProductionCheck { wip_balance: wip_balance.map(money::from_db), orders_wip: money::from_db(orders_wip), drifting_orders: drifting, ok })
}

/// A lot and, depth first, the component lots of the orders that made it.
pub fn trace(db: &Connection, t: &TenantCtx, a: &TraceArgs) -> Result<Vec<TraceNode>> {
    let lot = crate::inventory::stock::get_lot(db, t, a.lot_id).map_err(|_| Error::field("lot_id", FieldCode::NotFound.with("entity", "lot")))?;
    let mut out = Vec::new();
    trace_into(db, t, lot.id, Decimal::ZERO, 0, &mut out)?;
    Ok(out)
}

fn trace_into(db: &Connection, t: &TenantCtx, lot: LotId, qty: Decimal, level: u32, out: &mut Vec<TraceNode>) -> Result<()> {
    let (code, product, sku): (String, ProductId, String) = db
        .prepare_cached("SELECT l.code, l.product_id, p.sku FROM stock_lots l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id WHERE l.tenant_id = ?1 AND l.id = ?2")?
        .query_row(params![t.tenant_id(), lot], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    // The orders whose output moves carried this lot.
    let orders: Vec<(ProductionOrderId, Option<String>, i64)> = db
        .prepare_cached(
            "SELECT s.order_id, o.number, sum(m.quantity) FROM stock_moves m CROSS JOIN production_steps s ON s.tenant_id = m.tenant_id AND s.output_picking_id = m.picking_id AND s.kind = 'produce'
             JOIN production_orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id
             WHERE m.tenant_id = ?1 AND m.lot_id = ?2 GROUP BY s.order_id ORDER BY s.order_id",
        )?
        .query_map(params![t.tenant_id(), lot], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let made: i64 = orders.iter().fold(0_i64, |a, o| a.saturating_add(o.2));
    out.push(TraceNode {
        level,
        lot_id: lot,
        lot_code: code,
        product_id: product,
        sku,
        order_id: orders.first().map(|o| o.0),
        order_number: orders.first().and_then(|o| o.1.clone()),
        quantity: if level == 0 { q(made) } else { qty },
    });
    if level >= 50 {
        return Ok(());
    }
    for (order, _, _) in orders {
        let comps: Vec<(LotId, i64)> = db
            .prepare_cached(
                "SELECT m.lot_id, sum(m.quantity) FROM production_steps s CROSS JOIN stock_moves m ON m.tenant_id = s.tenant_id AND m.picking_id = s.consume_picking_id
                 WHERE s.tenant_id = ?1 AND s.order_id = ?2 AND s.kind IN ('consume', 'produce') AND m.lot_id IS NOT NULL GROUP BY m.lot_id ORDER BY min(m.id)",
            )?
            .query_map(params![t.tenant_id(), order], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (l, cq) in comps {
            trace_into(db, t, l, q(cq), level + 1, out)?;
        }
    }
    Ok(())
}
