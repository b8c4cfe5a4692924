//! The stock-move engine: the one way stock changes.
//!
//! Pickings are created with [`create_picking`] (lines checked and resolved to moves:
//! products, units, locations, lots, kits exploded), confirmed with [`confirm`] and made
//! effective with [`done`], which numbers the picking and updates the quantities on hand
//! in the caller's transaction. Purchasing and sales call these the way the books call
//! `accounting::ledger::post`; nothing else writes `stock_moves` or `stock_quants`.

use super::model::*;
use super::places;
use crate::catalog::model::{ProductId, ProductKind, UnitId};
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, FieldError, Reason, Result, arith, keys, money};
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

// --- the workflow ---------------------------------------------------------------------------

/// The allowed (from, to) state changes of a picking; [`transition`] refuses the rest.
pub const TRANSITIONS: &[(PickingState, PickingState)] = &[
    (PickingState::Draft, PickingState::Ready),
    (PickingState::Ready, PickingState::Done),
    (PickingState::Draft, PickingState::Cancelled),
    (PickingState::Ready, PickingState::Cancelled),
];

/// `Ok` when a picking may go from `from` to `to`, otherwise `InvalidTransition {from, to}`.
pub fn transition(from: PickingState, to: PickingState) -> Result<()> {
    if TRANSITIONS.contains(&(from, to)) {
        Ok(())
    } else {
        Err(Error::refused(Reason::InvalidTransition.with("from", from.as_str()).with("to", to.as_str())))
    }
}

// --- facts the engine reads -----------------------------------------------------------------

#[derive(Debug, Clone)]
pub(crate) struct UnitFacts {
    pub id: UnitId,
    pub code: String,
    pub dimension: String,
    pub factor_e6: i64,
    pub decimals: u32,
}

pub(crate) fn unit_facts(db: &Connection, t: &TenantCtx, id: UnitId) -> Result<Option<UnitFacts>> {
    Ok(db
        .prepare_cached("SELECT id, code, dimension, factor_e6, decimals FROM units WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok(UnitFacts { id: r.get(0)?, code: r.get(1)?, dimension: r.get(2)?, factor_e6: r.get(3)?, decimals: r.get(4)? }))
        .optional()?)
}

pub(crate) fn tracking_of(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<Tracking> {
    Ok(db.prepare_cached("SELECT tracking FROM products WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product], |r| r.get(0)).optional()?.unwrap_or(Tracking::None))
}

/// The direct components of a kit: (component, quantity per one kit unit, its unit).
fn components(db: &Connection, t: &TenantCtx, kit: ProductId) -> Result<Vec<(ProductId, i64, UnitId)>> {
    let mut st = db.prepare_cached("SELECT component_id, quantity, unit_id FROM product_components WHERE tenant_id = ?1 AND kit_id = ?2 ORDER BY position, id")?;
    let rows = st.query_map(params![t.tenant_id(), kit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `qty` (exact, in a unit of factor `from_e6`) in a unit of factor `to_e6`, exactly.
fn convert(field: &str, qty: Decimal, from_e6: i64, to_e6: i64) -> Result<Decimal> {
    let f = arith::mul(field, qty, Decimal::from(from_e6))?;
    arith::div(field, f, Decimal::from(to_e6))
}

/// The one rounding of a stock quantity: to its unit's decimals, half away from zero.
fn round_stock(qty: Decimal, decimals: u32) -> Decimal {
    qty.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero).normalize()
}

// --- resolving a picking's lines ------------------------------------------------------------

/// A move ready to be written.
#[derive(Debug, Clone)]
struct NewMove {
    line_no: u32,
    product: ProductId,
    kit: Option<ProductId>,
    entered_quantity: i64,
    entered_unit: UnitId,
    entered_factor_e6: i64,
    quantity: i64,
    from: LocationId,
    to: LocationId,
    lot: Option<LotId>,
    unit_cost: Option<i64>,
}

struct Header {
    warehouse: Warehouse,
    from: LocationId,
    to: LocationId,
    reference: String,
    reason: String,
}

/// The kinds of location a picking kind moves between: (from, to) pairs allowed.
fn allowed_pairs(kind: PickingKind) -> &'static [(LocationKind, LocationKind)] {
    use LocationKind::*;
    match kind {
        // A receipt from Customers is a customer return; a delivery to Suppliers, a return
        // to the supplier.
        PickingKind::Receipt => &[(Supplier, Internal), (Customer, Internal)],
        PickingKind::Delivery => &[(Internal, Customer), (Internal, Supplier)],
        PickingKind::Internal => &[(Internal, Internal), (Internal, Transit), (Transit, Internal)],
        PickingKind::Adjustment => &[(Internal, InventoryLoss), (InventoryLoss, Internal)],
        PickingKind::Scrap => &[(Internal, InventoryLoss)],
        PickingKind::Production => &[(Internal, Production), (Production, Internal)],
    }
}

/// Pushes every field error of a failed check into `c`; passes other errors on.
fn absorb<T>(c: &mut Checker, r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::Validation { fields, .. }) if !fields.is_empty() => {
            c.errors.extend(fields);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

struct Resolver<'a> {
    db: &'a Connection,
    t: TenantCtx,
    now: DateTime<Utc>,
    kind: PickingKind,
    locations: HashMap<LocationId, Option<Location>>,
}

impl Resolver<'_> {
    fn location(&mut self, id: LocationId) -> Result<Option<Location>> {
        if let Some(l) = self.locations.get(&id) {
            return Ok(l.clone());
        }
        let l = match places::get_location(self.db, &self.t, id) {
            Ok(l) => Some(l),
            Err(Error::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.locations.insert(id, l.clone());
        Ok(l)
    }

    /// Checks one location of a move; `None` (with an error pushed) when unusable.
    fn check_location(&mut self, c: &mut Checker, field: &str, id: LocationId) -> Result<Option<Location>> {
        match self.location(id)? {
            None => {
                c.push(field, FieldCode::NotFound.with("entity", "location"));
                Ok(None)
            }
            Some(l) if l.archived => {
                c.push(field, FieldCode::Archived);
                Ok(None)
            }
            Some(l) => Ok(Some(l)),
        }
    }

    fn check_pair(&self, c: &mut Checker, prefix: &str, from: &Location, to: &Location) {
        if from.id == to.id {
            c.push(&format!("{prefix}to_location_id"), FieldCode::SameLocation);
            return;
        }
        let pairs = allowed_pairs(self.kind);
        if pairs.contains(&(from.kind, to.kind)) {
            return;
        }
        // Name the side that is wrong: the one no allowed pair accepts with the other.
        let (field, expected) = if pairs.iter().any(|(f, _)| *f == from.kind) {
            ("to_location_id", pairs.iter().filter(|(f, _)| *f == from.kind).map(|(_, t)| t.as_str()).collect::<Vec<_>>())
        } else {
            ("from_location_id", pairs.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>())
        };
        let mut expected = expected;
        expected.dedup();
        c.push(&format!("{prefix}{field}"), FieldCode::WrongLocationKind.with("kind", self.kind.as_str()).with("expected", expected.join(" or ")));
    }

    /// The lot of a tracked move: by id, or by code (created when the move brings stock
    /// into the company and the code is new).
    fn lot(&mut self, c: &mut Checker, prefix: &str, product: ProductId, l: &MoveInput, incoming: bool) -> Result<Option<LotId>> {
        if let Some(id) = l.lot_id {
            let found = self
                .db
                .prepare_cached("SELECT 1 FROM stock_lots WHERE tenant_id = ?1 AND product_id = ?2 AND id = ?3")?
                .exists(params![self.t.tenant_id(), product, id])?;
            if !found {
                c.push(&format!("{prefix}lot_id"), FieldCode::NotFound.with("entity", "lot"));
                return Ok(None);
            }
            return Ok(Some(id));
        }
        let field = format!("{prefix}lot_code");
        let code = c.required(&field, l.lot_code.as_deref().unwrap_or(""), 100);
        if code.is_empty() || code.chars().count() > 100 || code.chars().any(char::is_control) {
            return Ok(None);
        }
        if let Some(id) = find_lot(self.db, &self.t, product, &code)? {
            return Ok(Some(id));
        }
        if !incoming {
            c.push(&field, FieldCode::NotFound.with("entity", "lot").with("value", &code));
            return Ok(None);
        }
        Ok(Some(insert_lot(self.db, &self.t, product, &code, None, self.now)?))
    }

    /// Resolves line `i` into its moves (several for a kit).
    fn line(&mut self, c: &mut Checker, i: usize, l: &MoveInput, h: &Header, out: &mut Vec<NewMove>) -> Result<()> {
        let prefix = format!("lines.{i}.");
        let f = |name: &str| format!("{prefix}{name}");
        let db = self.db;
        let t = self.t;
        let product = absorb(c, crate::catalog::transactable_product(db, &t, l.product_id, &f("product_id")))?;
        // The quantity as entered.
        let mut bad_qty = false;
        if l.quantity <= Decimal::ZERO {
            c.push(&f("quantity"), FieldCode::NotPositive);
            bad_qty = true;
        }
        let entered = if bad_qty { None } else { absorb(c, money::to_db_at(&f("quantity"), l.quantity, QTY_SCALE))? };
        let unit_cost = match l.unit_cost {
            None => None,
            Some(v) if v.is_sign_negative() && !v.is_zero() => {
                c.push(&f("unit_cost"), FieldCode::Negative);
                None
            }
            Some(v) => absorb(c, money::to_db_at(&f("unit_cost"), v, COST_SCALE))?,
        };
        // Locations.
        let from_id = l.from_location_id.unwrap_or(h.from);
        let to_id = l.to_location_id.unwrap_or(h.to);
        let from = self.check_location(c, &f("from_location_id"), from_id)?;
        let to = self.check_location(c, &f("to_location_id"), to_id)?;
        if let (Some(from), Some(to)) = (&from, &to) {
            self.check_pair(c, &prefix, from, to);
        }
        let incoming = matches!((&from, &to), (Some(a), Some(b)) if a.kind != LocationKind::Internal && b.kind == LocationKind::Internal);
        let Some(product) = product else { return Ok(()) };
        // The unit: any of the product's dimension.
        let Some(product_unit) = unit_facts(db, &t, product.unit_id)? else {
            return Err(Error::Internal(format!("unit of product {}", product.id)));
        };
        let unit = match l.unit_id {
            None => Some(product_unit.clone()),
            Some(u) => match unit_facts(db, &t, u)? {
                None => {
                    c.push(&f("unit_id"), FieldCode::NotFound.with("entity", "unit"));
                    None
                }
                Some(u) if u.dimension != product_unit.dimension => {
                    c.push(
                        &f("unit_id"),
                        FieldCode::UnitMismatch
                            .with("sku", &product.sku)
                            .with("unit", &product_unit.code)
                            .with("dimension", &product_unit.dimension)
                            .with("other_unit", &u.code)
                            .with("other_dimension", &u.dimension),
                    );
                    None
                }
                Some(u) => Some(u),
            },
        };
        let (Some(unit), Some(entered), Some(from), Some(to)) = (unit, entered, from, to) else { return Ok(()) };
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // The quantity in the product's own unit, exact.
        let exact = convert(&f("quantity"), l.quantity, unit.factor_e6, product_unit.factor_e6)?;
        let mut leaves: Vec<(ProductId, Decimal)> = Vec::new();
        if product.is_kit {
            if l.lot_id.is_some() || l.lot_code.is_some() {
                c.push(&f("lot_code"), FieldCode::LotNotTracked.with("sku", &product.sku));
                return Ok(());
            }
            self.explode(c, &f("quantity"), product.id, exact, 0, &mut leaves)?;
        } else {
            leaves.push((product.id, exact));
        }
        for (pid, qty) in leaves {
            let (sku, kind, unit_id) = if pid == product.id {
                (product.sku.clone(), product.kind, product.unit_id)
            } else {
                let p = match absorb(c, crate::catalog::transactable_product(db, &t, pid, &f("product_id")))? {
                    Some(p) => p,
                    None => continue,
                };
                (p.sku, p.kind, p.unit_id)
            };
            if kind != ProductKind::Stockable {
                c.push(&f("product_id"), FieldCode::NotStockable.with("sku", &sku).with("kind", kind.as_str()));
                continue;
            }
            let Some(pu) = unit_facts(db, &t, unit_id)? else { return Err(Error::Internal(format!("unit of product {pid}"))) };
            let rounded = round_stock(qty, pu.decimals);
            if rounded.is_zero() {
                c.push(&f("quantity"), FieldCode::QuantityRoundsToZero.with("unit", &pu.code).with("decimals", pu.decimals));
                continue;
            }
            let Some(quantity) = absorb(c, arith::to_scaled(&f("quantity"), rounded, QTY_SCALE))? else { continue };
            let tracking = tracking_of(db, &t, pid)?;
            let lot = match tracking {
                Tracking::None => {
                    if l.lot_id.is_some() || l.lot_code.as_deref().is_some_and(|s| !s.trim().is_empty()) {
                        c.push(&f(if l.lot_id.is_some() { "lot_id" } else { "lot_code" }), FieldCode::LotNotTracked.with("sku", &sku));
                        continue;
                    }
                    None
                }
                _ if pid != product.id => {
                    // A kit line names no lot: its tracked components move on their own lines.
                    c.push(&f("product_id"), FieldCode::LotRequired.with("sku", &sku).with("tracking", tracking.as_str()));
                    continue;
                }
                _ => {
                    if tracking == Tracking::Serial && rounded != Decimal::ONE {
                        c.push(&f("quantity"), FieldCode::SerialQuantity.with("sku", &sku));
                        continue;
                    }
                    if l.lot_id.is_none() && l.lot_code.as_deref().is_none_or(|s| s.trim().is_empty()) {
                        c.push(&f("lot_code"), FieldCode::LotRequired.with("sku", &sku).with("tracking", tracking.as_str()));
                        continue;
                    }
                    match self.lot(c, &prefix, pid, l, incoming)? {
                        Some(id) => Some(id),
                        None => continue,
                    }
                }
            };
            out.push(NewMove {
                line_no,
                product: pid,
                kit: (pid != product.id).then_some(product.id),
                entered_quantity: entered,
                entered_unit: unit.id,
                entered_factor_e6: unit.factor_e6,
                quantity,
                from: from.id,
                to: to.id,
                lot,
                unit_cost: if pid == product.id { unit_cost } else { None },
            });
        }
        Ok(())
    }

    /// The stocked products a kit quantity (exact, in the kit's unit) is made of, at any
    /// depth, each quantity exact in its product's own unit.
    fn explode(&mut self, c: &mut Checker, field: &str, kit: ProductId, qty: Decimal, depth: u32, out: &mut Vec<(ProductId, Decimal)>) -> Result<()> {
        if depth > 32 {
            return Err(Error::Internal(format!("kit {kit} nests too deep")));
        }
        for (comp, per_kit, line_unit) in components(self.db, &self.t, kit)? {
            let (comp_unit, is_kit): (UnitId, bool) = self.db.prepare_cached(
                "SELECT unit_id, EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id) FROM products p WHERE tenant_id = ?1 AND id = ?2",
            )?
            .query_row(params![self.t.tenant_id(), comp], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let (Some(lu), Some(cu)) = (unit_facts(self.db, &self.t, line_unit)?, unit_facts(self.db, &self.t, comp_unit)?) else {
                return Err(Error::Internal(format!("units of kit {kit}")));
            };
            let in_line_unit = arith::mul(field, qty, arith::from_scaled(per_kit, QTY_SCALE))?;
            let in_comp_unit = convert(field, in_line_unit, lu.factor_e6, cu.factor_e6)?;
            if is_kit {
                self.explode(c, field, comp, in_comp_unit, depth + 1, out)?;
            } else if let Some(e) = out.iter_mut().find(|(p, _)| *p == comp) {
                e.1 = arith::add(field, e.1, in_comp_unit)?;
            } else {
                out.push((comp, in_comp_unit));
            }
        }
        Ok(())
    }
}

pub(crate) fn find_lot(db: &Connection, t: &TenantCtx, product: ProductId, code: &str) -> Result<Option<LotId>> {
    Ok(db
        .prepare_cached("SELECT id FROM stock_lots WHERE tenant_id = ?1 AND product_id = ?2 AND code_key = ?3")?
        .query_row(params![t.tenant_id(), product, keys::fold(code)], |r| r.get(0))
        .optional()?)
}

pub(crate) fn insert_lot(db: &Connection, t: &TenantCtx, product: ProductId, code: &str, expiry: Option<chrono::NaiveDate>, now: DateTime<Utc>) -> Result<LotId> {
    db.prepare_cached("INSERT INTO stock_lots (tenant_id, product_id, code, code_key, expiry_date, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![t.tenant_id(), product, code, keys::fold(code), expiry, now])?;
    Ok(LotId(db.last_insert_rowid()))
}

/// Checks a picking's header and lines; returns the header facts and the moves to write.
fn resolve(db: &Connection, t: &TenantCtx, now: DateTime<Utc>, p: &PickingInput) -> Result<(Header, Vec<NewMove>)> {
    let mut c = Checker::new();
    let warehouse = places::active_warehouse(db, t, &mut c, p.warehouse_id)?;
    let reference = c.optional("reference", p.reference.as_deref().unwrap_or(""), 200);
    let reason = match p.kind {
        PickingKind::Adjustment | PickingKind::Scrap => c.required("reason", p.reason.as_deref().unwrap_or(""), 500),
        _ => c.optional("reason", p.reason.as_deref().unwrap_or(""), 500),
    };
    if let Some(s) = &p.source {
        c.required("source.module", &s.module, 50);
        c.required("source.kind", &s.kind, 50);
    }
    if let Some(partner) = p.partner_id
        && !db.prepare_cached("SELECT 1 FROM partners WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), partner])?
    {
        c.push("partner_id", FieldCode::NotFound.with("entity", "partner"));
    }
    if p.lines.is_empty() {
        c.push("lines", FieldCode::TooFewLines.with("min", 1));
    }
    if p.lines.len() > 10_000 {
        c.push("lines", FieldCode::OutOfRange.with("min", 1).with("max", 10_000));
    }
    let Some(warehouse) = warehouse else {
        c.finish()?;
        return Err(Error::Internal("warehouse".into()));
    };
    // Default locations by kind.
    let root = warehouse.root_location_id;
    let v = |k| places::virtual_location(db, t, k, now);
    // An adjustment goes out to inventory loss unless it names the loss location as its
    // source (a gain); a gain's destination defaults to the warehouse's stock.
    let loss = v(LocationKind::InventoryLoss)?;
    let from = match (p.from_location_id, p.kind) {
        (Some(l), _) => l,
        (None, PickingKind::Receipt) => v(LocationKind::Supplier)?,
        (None, PickingKind::Adjustment) if p.to_location_id.is_some_and(|to| to != loss) => loss,
        (None, _) => root,
    };
    let to = match (p.to_location_id, p.kind) {
        (Some(l), _) => l,
        (None, PickingKind::Receipt) => root,
        (None, PickingKind::Delivery) => v(LocationKind::Customer)?,
        (None, PickingKind::Adjustment) if from == loss => root,
        (None, PickingKind::Adjustment | PickingKind::Scrap) => loss,
        (None, PickingKind::Production) if from == root => v(LocationKind::Production)?,
        (None, PickingKind::Production) => root,
        (None, PickingKind::Internal) => {
            c.push("to_location_id", FieldCode::Required);
            root
        }
    };
    let header = Header { warehouse, from, to, reference, reason };
    let mut r = Resolver { db, t: *t, now, kind: p.kind, locations: HashMap::new() };
    // The header's own locations must make sense (each line may override them).
    let hf = r.check_location(&mut c, "from_location_id", from)?;
    let ht = r.check_location(&mut c, "to_location_id", to)?;
    if let (Some(a), Some(b)) = (&hf, &ht)
        && c.errors.iter().all(|e| e.field != "to_location_id")
    {
        r.check_pair(&mut c, "", a, b);
    }
    let mut moves = Vec::new();
    for (i, l) in p.lines.iter().enumerate() {
        r.line(&mut c, i, l, &header, &mut moves)?;
    }
    c.finish()?;
    Ok((header, moves))
}

fn insert_moves(db: &Connection, t: &TenantCtx, picking: PickingId, state: PickingState, date: chrono::NaiveDate, source: Option<&StockSource>, moves: &[NewMove], now: DateTime<Utc>) -> Result<()> {
    let mut st = db.prepare_cached(
        "INSERT INTO stock_moves (tenant_id, picking_id, line_no, state, product_id, kit_id, entered_quantity, entered_unit_id, entered_factor_e6, quantity,
            from_location_id, to_location_id, lot_id, date, unit_cost, source_module, source_kind, source_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    for m in moves {
        st.execute(params![
            t.tenant_id(),
            picking,
            m.line_no,
            state,
            m.product,
            m.kit,
            m.entered_quantity,
            m.entered_unit,
            m.entered_factor_e6,
            m.quantity,
            m.from,
            m.to,
            m.lot,
            date,
            m.unit_cost,
            source.map(|s| s.module.as_str()),
            source.map(|s| s.kind.as_str()),
            source.and_then(|s| s.id),
            now
        ])?;
    }
    Ok(())
}

/// Refuses a production picking to the picking commands: only its order moves it.
pub(crate) fn require_manual(db: &Connection, t: &TenantCtx, id: PickingId) -> Result<()> {
    let kind: Option<PickingKind> = db.prepare_cached("SELECT kind FROM pickings WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), id], |r| r.get(0)).optional()?;
    if kind == Some(PickingKind::Production) {
        return Err(Error::refused(Reason::Immutable.with("detail", "a production picking is moved by its production order")));
    }
    Ok(())
}

/// Fixes the own value (ledger scale) of a draft picking's line `line_no`: the valuation
/// takes it instead of quantity × unit cost when the move brings stock in (a production
/// output carries exactly the value its order consumed and absorbed).
pub(crate) fn set_fixed_value(db: &Connection, t: &TenantCtx, picking: PickingId, line_no: u32, value: i64) -> Result<()> {
    require_draft(db, t, picking)?;
    db.prepare_cached("UPDATE stock_moves SET fixed_value = ?4 WHERE tenant_id = ?1 AND picking_id = ?2 AND line_no = ?3")?.execute(params![t.tenant_id(), picking, line_no, value.max(0)])?;
    Ok(())
}

/// Creates a draft picking with its moves. The engine's entry point for later modules.
pub fn create_picking(ctx: &mut Ctx<'_>, p: PickingInput) -> Result<Picking> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let (h, moves) = resolve(db, &t, ctx.now, &p)?;
    let src = p.source.as_ref();
    db.prepare_cached(
        "INSERT INTO pickings (tenant_id, kind, state, warehouse_id, from_location_id, to_location_id, date, partner_id, reference, reason,
            source_module, source_kind, source_id, created_by, created_at, updated_at)
         VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?
    .execute(params![
        t.tenant_id(),
        p.kind,
        h.warehouse.id,
        h.from,
        h.to,
        p.date,
        p.partner_id,
        h.reference,
        h.reason,
        src.map(|s| s.module.trim()),
        src.map(|s| s.kind.trim()),
        src.and_then(|s| s.id),
        user,
        ctx.now
    ])?;
    let id = PickingId(db.last_insert_rowid());
    insert_moves(db, &t, id, PickingState::Draft, p.date, src, &moves, ctx.now)?;
    ctx.audit("picking", id, json!({"kind": p.kind, "warehouse": h.warehouse.code, "date": p.date, "moves": moves.len()}));
    get_picking(db, &t, id)
}

fn state_of(db: &Connection, t: &TenantCtx, id: PickingId) -> Result<PickingState> {
    db.prepare_cached("SELECT state FROM pickings WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("picking", id))
}

fn require_draft(db: &Connection, t: &TenantCtx, id: PickingId) -> Result<()> {
    let s = state_of(db, t, id)?;
    if s != PickingState::Draft {
        return Err(Error::refused(Reason::PickingNotDraft.with("state", s.as_str())));
    }
    Ok(())
}

/// Replaces a draft picking's header and lines.
pub fn update_picking(ctx: &mut Ctx<'_>, a: UpdatePickingArgs) -> Result<Picking> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    require_draft(db, &t, a.id)?;
    let old = get_picking(db, &t, a.id)?;
    let p = a.picking;
    let (h, moves) = resolve(db, &t, ctx.now, &p)?;
    let src = p.source.as_ref();
    db.prepare_cached(
        "UPDATE pickings SET kind = ?3, warehouse_id = ?4, from_location_id = ?5, to_location_id = ?6, date = ?7, partner_id = ?8, reference = ?9, reason = ?10,
            source_module = ?11, source_kind = ?12, source_id = ?13, updated_at = ?14 WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![
        t.tenant_id(),
        a.id,
        p.kind,
        h.warehouse.id,
        h.from,
        h.to,
        p.date,
        p.partner_id,
        h.reference,
        h.reason,
        src.map(|s| s.module.trim()),
        src.map(|s| s.kind.trim()),
        src.and_then(|s| s.id),
        ctx.now
    ])?;
    db.prepare_cached("DELETE FROM stock_moves WHERE tenant_id = ?1 AND picking_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    insert_moves(db, &t, a.id, PickingState::Draft, p.date, src, &moves, ctx.now)?;
    let new = get_picking(db, &t, a.id)?;
    ctx.audit("picking", a.id, crate::audit::changes(&old, &new));
    Ok(new)
}

pub fn delete_picking(ctx: &mut Ctx<'_>, id: PickingId) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    require_draft(db, &t, id)?;
    db.prepare_cached("DELETE FROM stock_moves WHERE tenant_id = ?1 AND picking_id = ?2")?.execute(params![t.tenant_id(), id])?;
    db.prepare_cached("DELETE FROM pickings WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    ctx.audit("picking", id, json!({"deleted": true}));
    Ok(crate::command::Done::OK)
}

fn set_state(db: &Connection, t: &TenantCtx, id: PickingId, to: PickingState, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE pickings SET state = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, to, now])?;
    db.prepare_cached("UPDATE stock_moves SET state = ?3 WHERE tenant_id = ?1 AND picking_id = ?2")?.execute(params![t.tenant_id(), id, to])?;
    Ok(())
}

/// Draft → ready: its outgoing moves now reserve stock.
pub fn confirm(ctx: &mut Ctx<'_>, id: PickingId) -> Result<Picking> {
    let t = ctx.tenant()?;
    let from = state_of(ctx.db(), &t, id)?;
    transition(from, PickingState::Ready)?;
    set_state(ctx.db(), &t, id, PickingState::Ready, ctx.now)?;
    ctx.audit("picking", id, json!({"state": [from, PickingState::Ready]}));
    get_picking(ctx.db(), &t, id)
}

pub fn cancel(ctx: &mut Ctx<'_>, id: PickingId) -> Result<Picking> {
    let t = ctx.tenant()?;
    let from = state_of(ctx.db(), &t, id)?;
    transition(from, PickingState::Cancelled)?;
    set_state(ctx.db(), &t, id, PickingState::Cancelled, ctx.now)?;
    ctx.audit("picking", id, json!({"state": [from, PickingState::Cancelled]}));
    get_picking(ctx.db(), &t, id)
}

/// A stored move, as `done` applies it.
struct StoredMove {
    line_no: u32,
    product: ProductId,
    quantity: i64,
    from: LocationId,
    to: LocationId,
    lot: Option<LotId>,
}

/// Adds `delta` to the quantity on hand of (product, location, lot). No `RETURNING`: a
/// returning statement buffers its rows in a temporary b-tree, which costs more than
/// reading the quantity once afterwards ([`quant_quantity`]).
fn add_quant(db: &Connection, t: &TenantCtx, product: ProductId, location: LocationId, lot: Option<LotId>, delta: i64) -> Result<()> {
    let updated = db
        .prepare_cached("UPDATE stock_quants SET quantity = quantity + ?5 WHERE tenant_id = ?1 AND product_id = ?2 AND location_id = ?3 AND coalesce(lot_id, 0) = coalesce(?4, 0)")?
        .execute(params![t.tenant_id(), product, location, lot, delta])?;
    if updated == 0 {
        db.prepare_cached("INSERT INTO stock_quants (tenant_id, product_id, location_id, lot_id, quantity) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![t.tenant_id(), product, location, lot, delta])?;
    }
    Ok(())
}

/// The quantity on hand now (scaled) of (product, location, lot).
pub(crate) fn quant_quantity(db: &Connection, t: &TenantCtx, product: ProductId, location: LocationId, lot: Option<LotId>) -> Result<i64> {
    Ok(db
        .prepare_cached("SELECT quantity FROM stock_quants WHERE tenant_id = ?1 AND product_id = ?2 AND location_id = ?3 AND coalesce(lot_id, 0) = coalesce(?4, 0)")?
        .query_row(params![t.tenant_id(), product, location, lot], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Ready (or draft, confirmed on the way) → done: the picking takes its number, its moves
/// become immutable, and the quantities on hand change, all in the caller's transaction.
/// Refused, with nothing written, when an internal location would go below zero (unless
/// the company allows it) or a serial would be on hand twice.
pub fn done(ctx: &mut Ctx<'_>, id: PickingId) -> Result<Picking> {
    done_one(ctx, id)?;
    let t = ctx.tenant()?;
    get_picking(ctx.db(), &t, id)
}

/// Does many pickings in the call's transaction, in the order given: the first refused
/// one refuses the batch (its fields prefixed with `ids.N.`), so either all are done or
/// none. Answers with their numbers rather than the whole pickings.
pub fn done_batch(ctx: &mut Ctx<'_>, a: DoneBatchArgs) -> Result<DoneBatchResult> {
    if a.ids.len() > 10_000 {
        return Err(Error::field("ids", FieldCode::TooLong.with("max", 10_000)));
    }
    let mut numbers = Vec::with_capacity(a.ids.len());
    let mut moves = 0u64;
    for (i, id) in a.ids.iter().enumerate() {
        let (number, n) = done_one(ctx, *id).map_err(|e| match e {
            Error::Validation { reason, fields } => {
                Error::Validation { reason, fields: fields.into_iter().map(|f| FieldError::new(format!("ids.{i}.{}", f.field), f.issue())).collect() }
            }
            other => other,
        })?;
        numbers.push(number);
        moves += n as u64;
    }
    Ok(DoneBatchResult { done: u32::try_from(numbers.len()).unwrap_or(u32::MAX), moves, numbers })
}

/// `done` without reading the picking back: its number and how many moves it made.
fn done_one(ctx: &mut Ctx<'_>, id: PickingId) -> Result<(String, usize)> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let mut from_state = state_of(db, &t, id)?;
    if from_state == PickingState::Draft {
        transition(from_state, PickingState::Ready)?;
        from_state = PickingState::Ready;
    }
    transition(from_state, PickingState::Done)?;
    let p: DoneHeader = db
        .prepare_cached("SELECT kind, warehouse_id, date FROM pickings WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok(DoneHeader { kind: r.get(0)?, warehouse_id: r.get(1)?, date: r.get(2)? }))?;
    // Products may have been archived since the picking was drafted.
    let mut c = Checker::new();
    let mut checked: HashMap<ProductId, ()> = HashMap::new();
    let moves: Vec<StoredMove> = db
        .prepare_cached("SELECT line_no, product_id, quantity, from_location_id, to_location_id, lot_id FROM stock_moves WHERE tenant_id = ?1 AND picking_id = ?2 ORDER BY line_no, id")?
        .query_map(params![t.tenant_id(), id], |r| Ok(StoredMove { line_no: r.get(0)?, product: r.get(1)?, quantity: r.get(2)?, from: r.get(3)?, to: r.get(4)?, lot: r.get(5)? }))?
        .collect::<rusqlite::Result<_>>()?;
    for m in &moves {
        if checked.insert(m.product, ()).is_none() {
            let field = format!("lines.{}.product_id", m.line_no.saturating_sub(1));
            absorb(&mut c, crate::catalog::check_transactable(db, &t, m.product, &field))?;
        }
    }
    c.finish()?;
    // Apply: internal locations only keep quantities on hand.
    let mut kinds: HashMap<LocationId, bool> = HashMap::new();
    let mut internal = |l: LocationId| -> Result<bool> {
        if let Some(k) = kinds.get(&l) {
            return Ok(*k);
        }
        let k: bool = db.prepare_cached("SELECT kind = 'internal' FROM stock_locations WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), l], |r| r.get(0))?;
        kinds.insert(l, k);
        Ok(k)
    };
    // (product, location, lot) taken from → the first line taking from it.
    let mut taken: BTreeMap<(ProductId, LocationId, Option<LotId>), u32> = BTreeMap::new();
    for m in &moves {
        if internal(m.from)? {
            add_quant(db, &t, m.product, m.from, m.lot, -m.quantity)?;
            taken.entry((m.product, m.from, m.lot)).or_insert(m.line_no);
        }
        if internal(m.to)? {
            add_quant(db, &t, m.product, m.to, m.lot, m.quantity)?;
        }
    }
    let allow_negative = places::get_settings(db, &t)?.allow_negative_stock;
    let mut errors: Vec<FieldError> = Vec::new();
    if !allow_negative {
        // Only a place something was taken from can have gone below zero.
        for ((product, location, lot), line) in &taken {
            let q = quant_quantity(db, &t, *product, *location, *lot)?;
            if q < 0 {
                let (sku, unit): (String, String) = db
                    .prepare_cached("SELECT p.sku, u.code FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE p.tenant_id = ?1 AND p.id = ?2")?
                    .query_row(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let loc = places::get_location(db, &t, *location)?;
                let line = line.saturating_sub(1);
                errors.push(FieldError::new(
                    format!("lines.{line}.quantity"),
                    FieldCode::InsufficientStock.with("sku", sku).with("location", loc.full_name).with("shortfall", arith::from_scaled(-q, QTY_SCALE)).with("unit", unit),
                ));
            }
        }
    }
    // A serial is on hand in one place at most, one unit.
    let mut lots: Vec<(LotId, u32)> = Vec::new();
    for m in &moves {
        if let Some(l) = m.lot
            && !lots.iter().any(|(x, _)| *x == l)
        {
            lots.push((l, m.line_no));
        }
    }
    for (lot, line_no) in lots {
        let (tracking, code, sku): (Tracking, String, String) = db
            .prepare_cached("SELECT p.tracking, l.code, p.sku FROM stock_lots l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id WHERE l.tenant_id = ?1 AND l.id = ?2")?
            .query_row(params![t.tenant_id(), lot], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if tracking != Tracking::Serial {
            continue;
        }
        let places_held: Vec<(String, i64)> = db
            .prepare_cached(
                "SELECT l.full_name, q.quantity FROM stock_quants q JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
                 WHERE q.tenant_id = ?1 AND q.lot_id = ?2 AND q.quantity > 0 ORDER BY q.id",
            )?
            .query_map(params![t.tenant_id(), lot], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let total: i64 = places_held.iter().map(|(_, q)| *q).fold(0_i64, |a, b| a.saturating_add(b));
        if places_held.len() > 1 || total > 10_i64.pow(QTY_SCALE) {
            let where_ = places_held.first().map(|(l, _)| l.clone()).unwrap_or_default();
            errors.push(FieldError::new(
                format!("lines.{}.lot_code", line_no.saturating_sub(1)),
                FieldCode::SerialOnHand.with("serial", code).with("sku", sku).with("location", where_),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation { reason: Reason::InvalidInput.into(), fields: errors });
    }
    let wh = places::get_warehouse(db, &t, p.warehouse_id)?;
    let series = format!("stock:{}:{}", wh.id, p.kind.as_str());
    let number = crate::sequence::next(db, &t, &series, &format!("{}/{}/", wh.code, p.kind.series_code()), 5)?;
    // Value: the cost states and the stock journal entry, in this transaction.
    let valued: Vec<super::valuation::ValuedMove> = db
        .prepare_cached(
            "SELECT m.id, m.product_id, m.quantity, lf.kind, lt.kind, m.entered_quantity, m.unit_cost, m.fixed_value FROM stock_moves m
             JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
             JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
             WHERE m.tenant_id = ?1 AND m.picking_id = ?2 ORDER BY m.line_no, m.id",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            Ok(super::valuation::ValuedMove { id: r.get(0)?, product: r.get(1)?, quantity: r.get(2)?, from: r.get(3)?, to: r.get(4)?, entered_quantity: r.get(5)?, unit_cost: r.get(6)?, fixed_value: r.get(7)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    super::valuation::value_picking(ctx, id, &number, p.kind, p.date, &valued)?;
    // Each move keeps the value its valuation row moved (none for a move between owned
    // locations), written with its state in one pass over the picking.
    db.prepare_cached(
        "UPDATE stock_moves SET state = 'done', done_at = ?3,
         value = (SELECT v.moved FROM stock_valuation v WHERE v.tenant_id = stock_moves.tenant_id AND v.move_id = stock_moves.id)
         WHERE tenant_id = ?1 AND picking_id = ?2",
    )?
    .execute(params![t.tenant_id(), id, ctx.now])?;
    db.prepare_cached("UPDATE pickings SET state = 'done', number = ?3, done_by = ?4, done_at = ?5, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, number, user, ctx.now])?;
    ctx.audit("picking", id, json!({"state": [from_state, PickingState::Done], "number": number, "moves": moves.len()}));
    Ok((number, moves.len()))
}

/// What `done` needs of a picking's header.
struct DoneHeader {
    kind: PickingKind,
    warehouse_id: WarehouseId,
    date: chrono::NaiveDate,
}

// --- reading --------------------------------------------------------------------------------

pub fn get_picking(db: &Connection, t: &TenantCtx, id: PickingId) -> Result<Picking> {
    let mut p = db
        .prepare_cached(
            "SELECT id, kind, state, number, warehouse_id, from_location_id, to_location_id, date, partner_id, reference, reason, source_module, source_kind, source_id, entry_id
             FROM pickings WHERE tenant_id = ?1 AND id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            let module: Option<String> = r.get(11)?;
            let kind: Option<String> = r.get(12)?;
            Ok(Picking {
                id: r.get(0)?,
                kind: r.get(1)?,
                state: r.get(2)?,
                number: r.get(3)?,
                warehouse_id: r.get(4)?,
                from_location_id: r.get(5)?,
                to_location_id: r.get(6)?,
                date: r.get(7)?,
                partner_id: r.get(8)?,
                reference: r.get(9)?,
                reason: r.get(10)?,
                source: match (module, kind) {
                    (Some(module), Some(kind)) => Some(StockSource { module, kind, id: r.get(13)? }),
                    _ => None,
                },
                entry_id: r.get(14)?,
                moves: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("picking", id))?;
    let mut st = db.prepare_cached(
        "SELECT m.id, m.line_no, m.state, m.product_id, p.sku, m.kit_id, m.entered_quantity, m.entered_unit_id, eu.code, m.entered_factor_e6, m.quantity, pu.code,
                m.from_location_id, lf.full_name, m.to_location_id, lt.full_name, m.lot_id, lot.code, m.date, m.unit_cost, m.value
         FROM stock_moves m
         JOIN products p ON p.tenant_id = m.tenant_id AND p.id = m.product_id
         JOIN units pu ON pu.tenant_id = p.tenant_id AND pu.id = p.unit_id
         JOIN units eu ON eu.tenant_id = m.tenant_id AND eu.id = m.entered_unit_id
         JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
         JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
         LEFT JOIN stock_lots lot ON lot.tenant_id = m.tenant_id AND lot.id = m.lot_id
         WHERE m.tenant_id = ?1 AND m.picking_id = ?2 ORDER BY m.line_no, m.id",
    )?;
    let rows = st.query_map(params![t.tenant_id(), id], |r| {
        Ok(Move {
            id: r.get(0)?,
            line_no: r.get(1)?,
            state: r.get(2)?,
            product_id: r.get(3)?,
            sku: r.get(4)?,
            kit_id: r.get(5)?,
            entered_quantity: arith::from_scaled(r.get(6)?, QTY_SCALE),
            entered_unit_id: r.get(7)?,
            entered_unit_code: r.get(8)?,
            entered_factor: arith::from_scaled(r.get(9)?, FACTOR_SCALE),
            quantity: arith::from_scaled(r.get(10)?, QTY_SCALE),
            unit_code: r.get(11)?,
            from_location_id: r.get(12)?,
            from_location: r.get(13)?,
            to_location_id: r.get(14)?,
            to_location: r.get(15)?,
            lot_id: r.get(16)?,
            lot_code: r.get(17)?,
            date: r.get(18)?,
            unit_cost: r.get::<_, Option<i64>>(19)?.map(|c| arith::from_scaled(c, COST_SCALE)),
            value: r.get::<_, Option<i64>>(20)?.map(money::from_db),
        })
    })?;
    p.moves = rows.collect::<rusqlite::Result<_>>()?;
    Ok(p)
}

/// Pickings, newest first, keyset-paged by (date, id).
pub fn list_pickings(db: &Connection, t: &TenantCtx, a: &ListPickingsArgs) -> Result<crate::list::Page<PickingRow>> {
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    let after: Option<(chrono::NaiveDate, i64)> = match a.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(parse_cursor(c)?),
    };
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let filter = "p.tenant_id = ?1 AND (?2 IS NULL OR p.kind = ?2) AND (?3 IS NULL OR p.state = ?3) AND (?4 IS NULL OR p.warehouse_id = ?4)
                  AND (?5 IS NULL OR p.number LIKE ?5 ESCAPE '\\' OR p.reference LIKE ?5 ESCAPE '\\')";
    let total: i64 = db
        .prepare_cached(&format!("SELECT count(*) FROM pickings p WHERE {filter}"))?
        .query_row(params![t.tenant_id(), a.kind, a.state, a.warehouse_id, pattern], |r| r.get(0))?;
    let mut st = db.prepare_cached(&format!(
        "SELECT p.id, p.kind, p.state, p.number, p.warehouse_id, p.date, p.reference,
                (SELECT count(*) FROM stock_moves m WHERE m.tenant_id = p.tenant_id AND m.picking_id = p.id),
                p.partner_id, pa.name, lf.full_name, lt.full_name
         FROM pickings p
         LEFT JOIN partners pa ON pa.tenant_id = p.tenant_id AND pa.id = p.partner_id
         JOIN stock_locations lf ON lf.tenant_id = p.tenant_id AND lf.id = p.from_location_id
         JOIN stock_locations lt ON lt.tenant_id = p.tenant_id AND lt.id = p.to_location_id
         WHERE {filter} AND (?6 IS NULL OR (p.date, p.id) < (?6, ?7))
         ORDER BY p.date DESC, p.id DESC LIMIT ?8"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.kind, a.state, a.warehouse_id, pattern, after.map(|x| x.0), after.map(|x| x.1), i64::from(limit) + 1], |r| {
        Ok(PickingRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            state: r.get(2)?,
            number: r.get(3)?,
            warehouse_id: r.get(4)?,
            date: r.get(5)?,
            reference: r.get(6)?,
            moves: r.get(7)?,
            partner_id: r.get(8)?,
            partner_name: r.get(9)?,
            from_location: r.get(10)?,
            to_location: r.get(11)?,
        })
    })?;
    let mut items: Vec<PickingRow> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| format!("{}|{}", r.date, r.id))
    } else {
        None
    };
    Ok(crate::list::Page { items, total, next_cursor })
}

/// A `date|id` cursor.
pub(crate) fn parse_cursor(c: &str) -> Result<(chrono::NaiveDate, i64)> {
    c.split_once('|')
        .and_then(|(d, i)| Some((chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?, i.parse::<i64>().ok()?)))
        .ok_or_else(|| Error::field("cursor", FieldCode::InvalidCursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_data_and_the_rest_is_refused() {
        use PickingState::*;
        for from in PickingState::ALL {
            for to in PickingState::ALL {
                let ok = transition(*from, *to).is_ok();
                assert_eq!(ok, TRANSITIONS.contains(&(*from, *to)), "{from:?} → {to:?}");
            }
        }
        let e = transition(Done, Draft).unwrap_err();
        assert_eq!(e.refusal().reason, Reason::InvalidTransition);
        assert_eq!(e.refusal().params.get("from").map(String::as_str), Some("done"));
        assert_eq!(e.refusal().params.get("to").map(String::as_str), Some("draft"));
        assert!(transition(Cancelled, Done).is_err());
    }

    #[test]
    fn stock_quantities_round_once_half_away_from_zero() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 1.5 dozen = 18 units; 0.0005 kg → 0.001 kg (3 decimals); 0.4 unit → 0.
        let q = convert("q", d("1.5"), 12_000_000, 1_000_000).unwrap();
        assert_eq!(round_stock(q, 0), d("18"));
        let g_to_kg = convert("q", d("0.5"), 1_000_000, 1_000_000_000).unwrap();
        assert_eq!(round_stock(g_to_kg, 3), d("0.001"));
        assert_eq!(round_stock(d("0.4"), 0), Decimal::ZERO);
        // exact before rounding: 1/3 of a dozen is 4 units, not 3.9999.
        let third = convert("q", Decimal::ONE / Decimal::from(3), 12_000_000, 1_000_000).unwrap();
        assert_eq!(round_stock(third, 0), d("4"));
    }
}
