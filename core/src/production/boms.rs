//! Bills of materials: validation (no cycle, units of the product's dimension, by-product
//! shares), versions by validity, the explosion level by level with exact unit
//! conversion, the cost roll-up and where-used.

use super::model::*;
use crate::arith;
use crate::catalog::model::{AttributeValueId, ProductId, ProductKind, UnitId, QTY_SCALE};
use crate::command::{Ctx, SetArchivedArg};
use crate::error::{Error, FieldCode, FieldError, Reason, Result};
use crate::money::{self, PRICE_SCALE};
use crate::command::TenantCtx;
use crate::validate::Checker;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Percentages are stored with 4 decimals: 100% = 1,000,000.
pub(crate) const PCT_SCALE: u32 = 4;
const MAX_LINES: usize = 5_000;
const MAX_DEPTH: u32 = 50;

/// What the BOM code needs of a product.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub factor_e6: i64,
    pub dimension: String,
    pub decimals: u32,
    pub kind: ProductKind,
    pub is_template: bool,
    pub parent_id: Option<ProductId>,
    pub is_kit: bool,
    pub archived: bool,
}

pub(crate) fn facts(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<Option<Facts>> {
    Ok(db
        .prepare_cached(
            "SELECT p.id, p.sku, p.name, p.unit_id, u.code, u.factor_e6, u.dimension, u.decimals, p.kind, p.is_template, p.parent_id,
                    EXISTS (SELECT 1 FROM product_components c WHERE c.tenant_id = p.tenant_id AND c.kit_id = p.id), p.archived
             FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE p.tenant_id = ?1 AND p.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(Facts {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                unit_id: r.get(3)?,
                unit_code: r.get(4)?,
                factor_e6: r.get(5)?,
                dimension: r.get(6)?,
                decimals: r.get(7)?,
                kind: r.get(8)?,
                is_template: r.get(9)?,
                parent_id: r.get(10)?,
                is_kit: r.get(11)?,
                archived: r.get(12)?,
            })
        })
        .optional()?)
}

/// Product facts read once per operation.
#[derive(Default)]
pub(crate) struct Cache {
    products: HashMap<ProductId, Option<Facts>>,
    units: HashMap<UnitId, Option<(String, String, i64)>>,
}

impl Cache {
    pub fn product(&mut self, db: &Connection, t: &TenantCtx, id: ProductId) -> Result<Option<&Facts>> {
        if !self.products.contains_key(&id) {
            let f = facts(db, t, id)?;
            self.products.insert(id, f);
        }
        Ok(self.products.get(&id).and_then(Option::as_ref))
    }

    /// (code, dimension, factor_e6) of a unit.
    pub fn unit(&mut self, db: &Connection, t: &TenantCtx, id: UnitId) -> Result<Option<(String, String, i64)>> {
        if let Some(u) = self.units.get(&id) {
            return Ok(u.clone());
        }
        let u = db
            .prepare_cached("SELECT code, dimension, factor_e6 FROM units WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        self.units.insert(id, u.clone());
        Ok(u)
    }
}

/// `q` in a unit of factor `from_e6`, in a unit of factor `to_e6` (exact until rounded).
pub(crate) fn convert(field: &str, q: Decimal, from_e6: i64, to_e6: i64) -> Result<Decimal> {
    if from_e6 == to_e6 {
        return Ok(q);
    }
    arith::div(field, arith::mul(field, q, Decimal::from(from_e6))?, Decimal::from(to_e6))
}

/// Rounds a planned quantity up to `decimals` (never plan less than needed).
pub(crate) fn round_up(q: Decimal, decimals: u32) -> Decimal {
    q.round_dp_with_strategy(decimals.min(QTY_SCALE), RoundingStrategy::AwayFromZero).normalize()
}

fn pct(field: &str, c: &mut Checker, v: Option<Decimal>, max_exclusive: bool) -> i64 {
    let v = v.unwrap_or_default();
    let hundred = Decimal::from(100);
    if v < Decimal::ZERO || v > hundred || (max_exclusive && v == hundred) {
        c.push(field, FieldCode::OutOfRange.with("min", 0).with("max", 100));
        return 0;
    }
    match money::to_db_at(field, v, PCT_SCALE) {
        Ok(x) => x,
        Err(Error::Validation { fields, .. }) => {
            c.errors.extend(fields);
            0
        }
        Err(_) => 0,
    }
}

fn scaled(c: &mut Checker, field: &str, v: Decimal, positive: bool) -> i64 {
    if positive && v <= Decimal::ZERO {
        c.push(field, FieldCode::NotPositive);
        return 0;
    }
    if v < Decimal::ZERO {
        c.push(field, FieldCode::Negative);
        return 0;
    }
    match money::to_db_at(field, v, QTY_SCALE) {
        Ok(x) => x,
        Err(Error::Validation { fields, .. }) => {
            c.errors.extend(fields);
            0
        }
        Err(_) => 0,
    }
}

struct CheckedLine {
    kind: BomLineKind,
    product: ProductId,
    quantity: i64,
    unit: UnitId,
    scrap: i64,
    cost_share: i64,
    values: Vec<(crate::catalog::model::AttributeId, AttributeValueId)>,
}

struct CheckedOp {
    name: String,
    centre: WorkCentreId,
    per_batch: i64,
    per_unit: i64,
    rate: Option<i64>,
}

struct Checked {
    product: Facts,
    name: String,
    quantity: i64,
    unit: UnitId,
    lines: Vec<CheckedLine>,
    ops: Vec<CheckedOp>,
}

/// Every edge product → component of the active BOMs (a variant also reaches through its
/// template's BOMs); used to refuse cycles.
fn component_edges(db: &Connection, t: &TenantCtx, product: ProductId, parent: Option<ProductId>, skip_bom: Option<BomId>) -> Result<Vec<ProductId>> {
    let mut st = db.prepare_cached(
        "SELECT DISTINCT l.product_id FROM boms b JOIN bom_lines l ON l.tenant_id = b.tenant_id AND l.bom_id = b.id
         WHERE b.tenant_id = ?1 AND (b.product_id = ?2 OR b.product_id = ?3) AND NOT b.archived AND l.kind = 'component' AND (?4 IS NULL OR b.id <> ?4)",
    )?;
    let rows = st.query_map(params![t.tenant_id(), product, parent, skip_bom], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The path from `from` down to `target` through the active BOMs, if there is one.
fn path_to(db: &Connection, t: &TenantCtx, cache: &mut Cache, from: ProductId, target: &HashSet<ProductId>, skip_bom: Option<BomId>) -> Result<Option<Vec<ProductId>>> {
    // Breadth-first over products, remembering how each was reached.
    let mut came: HashMap<ProductId, ProductId> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen: HashSet<ProductId> = HashSet::from([from]);
    while let Some(p) = queue.pop_front() {
        if target.contains(&p) {
            let mut path = vec![p];
            let mut cur = p;
            while let Some(prev) = came.get(&cur) {
                path.push(*prev);
                cur = *prev;
            }
            path.reverse();
            return Ok(Some(path));
        }
        let parent = cache.product(db, t, p)?.and_then(|f| f.parent_id);
        for c in component_edges(db, t, p, parent, skip_bom)? {
            if seen.insert(c) {
                came.insert(c, p);
                queue.push_back(c);
            }
        }
    }
    Ok(None)
}

fn check(db: &Connection, t: &TenantCtx, id: Option<BomId>, a: &BomInput) -> Result<Checked> {
    let mut c = Checker::new();
    let mut cache = Cache::default();
    let product = match cache.product(db, t, a.product_id)?.cloned() {
        None => {
            c.push("product_id", FieldCode::NotFound.with("entity", "product"));
            None
        }
        Some(p) if p.archived => {
            c.push("product_id", FieldCode::Archived.with("sku", &p.sku));
            None
        }
        Some(p) if p.kind != ProductKind::Stockable => {
            c.push("product_id", FieldCode::NotStockable.with("sku", &p.sku));
            None
        }
        Some(p) if p.is_kit => {
            c.push("product_id", FieldCode::KitHoldsNoStock.with("sku", &p.sku));
            None
        }
        Some(p) => Some(p),
    };
    let name = c.optional("name", &a.name, 100);
    if a.lead_time_days.is_some_and(|d| d > 3650) {
        c.push("lead_time_days", FieldCode::OutOfRange.with("min", 0).with("max", 3650));
    }
    c.optional("notes", &a.notes, 2000);
    let quantity = scaled(&mut c, "quantity", a.quantity, true);
    let unit = a.unit_id.or(product.as_ref().map(|p| p.unit_id));
    if let (Some(u), Some(p)) = (unit, &product) {
        match cache.unit(db, t, u)? {
            None => c.push("unit_id", FieldCode::NotFound.with("entity", "unit")),
            Some((code, dim, _)) if dim != p.dimension => c.push("unit_id", FieldCode::IncompatibleUnits.with("unit", code).with("expected", &p.dimension)),
            Some(_) => {}
        }
    }
    if let (Some(f), Some(t2)) = (a.valid_from, a.valid_to)
        && f > t2
    {
        c.push("valid_to", FieldCode::OutOfRange.with("min", f));
    }
    if !a.lines.iter().any(|l| l.kind.unwrap_or(BomLineKind::Component) == BomLineKind::Component) {
        c.push("lines", FieldCode::Required);
    }
    if a.lines.len() > MAX_LINES {
        c.push("lines", FieldCode::OutOfRange.with("min", 1).with("max", MAX_LINES));
    }
    // The template's attribute values, for lines that apply to some variants only.
    let template_values: HashMap<AttributeValueId, crate::catalog::model::AttributeId> = match &product {
        Some(p) if p.is_template => {
            let mut st = db.prepare_cached("SELECT value_id, attribute_id FROM product_attribute_values WHERE tenant_id = ?1 AND product_id = ?2")?;
            let rows = st.query_map(params![t.tenant_id(), p.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        }
        _ => HashMap::new(),
    };
    let mut lines = Vec::with_capacity(a.lines.len());
    let mut share_total = 0_i64;
    let mut components: Vec<(usize, ProductId)> = Vec::new();
    for (i, l) in a.lines.iter().enumerate() {
        let f = |n: &str| format!("lines.{i}.{n}");
        let kind = l.kind.unwrap_or(BomLineKind::Component);
        let lp = cache.product(db, t, l.product_id)?.cloned();
        let lp = match lp {
            None => {
                c.push(&f("product_id"), FieldCode::NotFound.with("entity", "product"));
                None
            }
            Some(p) if p.is_template => {
                c.push(&f("product_id"), FieldCode::IsTemplate.with("sku", &p.sku));
                None
            }
            Some(p) if p.archived => {
                c.push(&f("product_id"), FieldCode::Archived.with("sku", &p.sku));
                None
            }
            Some(p) if p.kind != ProductKind::Stockable => {
                c.push(&f("product_id"), FieldCode::NotStockable.with("sku", &p.sku));
                None
            }
            Some(p) if p.is_kit => {
                c.push(&f("product_id"), FieldCode::KitHoldsNoStock.with("sku", &p.sku));
                None
            }
            Some(p) => Some(p),
        };
        if let (Some(lp), Some(p)) = (&lp, &product)
            && (lp.id == p.id || lp.parent_id == Some(p.id))
        {
            c.push(&f("product_id"), FieldCode::BomCycle.with("cycle", format!("{} → {}", p.sku, lp.sku)));
        }
        let quantity = scaled(&mut c, &f("quantity"), l.quantity, true);
        let unit = l.unit_id.or(lp.as_ref().map(|p| p.unit_id));
        if let (Some(u), Some(lp)) = (unit, &lp) {
            match cache.unit(db, t, u)? {
                None => c.push(&f("unit_id"), FieldCode::NotFound.with("entity", "unit")),
                Some((code, dim, _)) if dim != lp.dimension => c.push(&f("unit_id"), FieldCode::IncompatibleUnits.with("unit", code).with("expected", &lp.dimension)),
                Some(_) => {}
            }
        }
        let scrap = pct(&f("scrap"), &mut c, l.scrap, true);
        let cost_share = pct(&f("cost_share"), &mut c, l.cost_share, false);
        if kind == BomLineKind::Component && cost_share != 0 {
            c.push(&f("cost_share"), FieldCode::OutOfRange.with("min", 0).with("max", 0));
        }
        share_total = share_total.saturating_add(cost_share);
        let mut values = Vec::new();
        for (j, v) in l.value_ids.iter().enumerate() {
            match template_values.get(v) {
                Some(attr) => values.push((*attr, *v)),
                None => c.push(&format!("lines.{i}.value_ids.{j}"), FieldCode::NotTemplateValue),
            }
        }
        if kind == BomLineKind::Component
            && let Some(lp) = &lp
        {
            components.push((i, lp.id));
        }
        if let (Some(lp), Some(unit)) = (lp, unit) {
            lines.push(CheckedLine { kind, product: lp.id, quantity, unit, scrap, cost_share, values });
        }
    }
    if share_total > 100 * 10_i64.pow(PCT_SCALE) {
        c.push("lines", FieldCode::OutOfRange.with("min", 0).with("max", 100));
    }
    // No cycle: the product made must not be reachable from any of its components.
    if let Some(p) = &product {
        let mut target: HashSet<ProductId> = HashSet::from([p.id]);
        if let Some(parent) = p.parent_id {
            target.insert(parent);
        }
        for (i, comp) in &components {
            if target.contains(comp) {
                continue;
            }
            if let Some(path) = path_to(db, t, &mut cache, *comp, &target, id)? {
                let mut names = vec![p.sku.clone()];
                for x in path {
                    names.push(cache.product(db, t, x)?.map(|f| f.sku.clone()).unwrap_or_default());
                }
                c.push(&format!("lines.{i}.product_id"), FieldCode::BomCycle.with("cycle", names.join(" → ")));
            }
        }
    }
    let mut ops = Vec::with_capacity(a.operations.len());
    for (i, o) in a.operations.iter().enumerate() {
        let f = |n: &str| format!("operations.{i}.{n}");
        let name = c.required(&f("name"), &o.name, 100);
        let archived: Option<bool> =
            db.prepare_cached("SELECT archived FROM work_centres WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), o.work_centre_id], |r| r.get(0)).optional()?;
        match archived {
            None => c.push(&f("work_centre_id"), FieldCode::NotFound.with("entity", "work_centre")),
            Some(true) => c.push(&f("work_centre_id"), FieldCode::Archived),
            Some(false) => {}
        }
        let per_batch = scaled(&mut c, &f("minutes_per_batch"), o.minutes_per_batch.unwrap_or_default(), false);
        let per_unit = scaled(&mut c, &f("minutes_per_unit"), o.minutes_per_unit.unwrap_or_default(), false);
        let rate = match o.cost_per_hour {
            None => None,
            Some(r) if r < Decimal::ZERO => {
                c.push(&f("cost_per_hour"), FieldCode::Negative);
                None
            }
            Some(r) => match money::to_db(&f("cost_per_hour"), r) {
                Ok(v) => Some(v),
                Err(Error::Validation { fields, .. }) => {
                    c.errors.extend(fields);
                    None
                }
                Err(e) => return Err(e),
            },
        };
        ops.push(CheckedOp { name, centre: o.work_centre_id, per_batch, per_unit, rate });
    }
    c.finish()?;
    let (Some(product), Some(unit)) = (product, unit) else {
        return Err(Error::Internal("bom product".into()));
    };
    Ok(Checked { product, name, quantity, unit, lines, ops })
}

fn write_children(db: &Connection, t: &TenantCtx, bom: BomId, k: &Checked) -> Result<()> {
    db.prepare_cached("DELETE FROM bom_line_values WHERE tenant_id = ?1 AND line_id IN (SELECT id FROM bom_lines WHERE tenant_id = ?1 AND bom_id = ?2)")?
        .execute(params![t.tenant_id(), bom])?;
    db.prepare_cached("DELETE FROM bom_lines WHERE tenant_id = ?1 AND bom_id = ?2")?.execute(params![t.tenant_id(), bom])?;
    db.prepare_cached("DELETE FROM bom_operations WHERE tenant_id = ?1 AND bom_id = ?2")?.execute(params![t.tenant_id(), bom])?;
    for (i, l) in k.lines.iter().enumerate() {
        db.prepare_cached("INSERT INTO bom_lines (tenant_id, bom_id, position, kind, product_id, quantity, unit_id, scrap, cost_share) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![t.tenant_id(), bom, i as i64 + 1, l.kind, l.product, l.quantity, l.unit, l.scrap, l.cost_share])?;
        let line = db.last_insert_rowid();
        for (attr, v) in &l.values {
            db.prepare_cached("INSERT OR IGNORE INTO bom_line_values (tenant_id, line_id, attribute_id, value_id) VALUES (?1, ?2, ?3, ?4)")?.execute(params![t.tenant_id(), line, attr, v])?;
        }
    }
    for (i, o) in k.ops.iter().enumerate() {
        db.prepare_cached(
            "INSERT INTO bom_operations (tenant_id, bom_id, position, name, work_centre_id, minutes_per_batch, minutes_per_unit, cost_per_hour) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![t.tenant_id(), bom, i as i64 + 1, o.name, o.centre, o.per_batch, o.per_unit, o.rate])?;
    }
    Ok(())
}

fn set_default(db: &Connection, t: &TenantCtx, product: ProductId, bom: BomId, wanted: Option<bool>) -> Result<()> {
    let others: bool = db
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM boms WHERE tenant_id = ?1 AND product_id = ?2 AND id <> ?3 AND is_default = 1 AND NOT archived)")?
        .query_row(params![t.tenant_id(), product, bom], |r| r.get(0))?;
    let make_default = wanted.unwrap_or(!others);
    if make_default {
        db.prepare_cached("UPDATE boms SET is_default = 0 WHERE tenant_id = ?1 AND product_id = ?2 AND id <> ?3 AND is_default = 1")?.execute(params![t.tenant_id(), product, bom])?;
    }
    db.prepare_cached("UPDATE boms SET is_default = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), bom, make_default])?;
    Ok(())
}

pub fn create(ctx: &mut Ctx<'_>, a: BomInput) -> Result<Bom> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let k = check(db, &t, None, &a)?;
    db.prepare_cached(
        "INSERT INTO boms (tenant_id, product_id, name, quantity, unit_id, lead_time_days, valid_from, valid_to, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![t.tenant_id(), k.product.id, k.name, k.quantity, k.unit, a.lead_time_days.unwrap_or(0), a.valid_from, a.valid_to, a.notes.trim(), ctx.now])?;
    let id = BomId(db.last_insert_rowid());
    write_children(db, &t, id, &k)?;
    set_default(db, &t, k.product.id, id, a.is_default)?;
    ctx.audit("bom", id, json!({"product": k.product.sku, "lines": k.lines.len(), "operations": k.ops.len()}));
    get(db, &t, id, crate::accounting::periods::today(db, &t, ctx.now)?)
}

/// Replaces a BOM's header, lines and operations. Orders already made from it keep what
/// they copied.
pub fn update(ctx: &mut Ctx<'_>, a: UpdateBomArgs) -> Result<Bom> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_row(db, &t, a.id)?;
    if old.product_id != a.bom.product_id {
        return Err(Error::field("bom.product_id", FieldCode::Invalid));
    }
    let k = check(db, &t, Some(a.id), &a.bom).map_err(|e| prefix(e, "bom."))?;
    db.prepare_cached(
        "UPDATE boms SET name = ?3, quantity = ?4, unit_id = ?5, valid_from = ?6, valid_to = ?7, notes = ?8, lead_time_days = ?9, updated_at = ?10 WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![t.tenant_id(), a.id, k.name, k.quantity, k.unit, a.bom.valid_from, a.bom.valid_to, a.bom.notes.trim(), a.bom.lead_time_days.unwrap_or(0), ctx.now])?;
    write_children(db, &t, a.id, &k)?;
    if a.bom.is_default.is_some() {
        set_default(db, &t, k.product.id, a.id, a.bom.is_default)?;
    }
    ctx.audit("bom", a.id, json!({"product": k.product.sku, "lines": k.lines.len(), "operations": k.ops.len()}));
    get(db, &t, a.id, crate::accounting::periods::today(db, &t, ctx.now)?)
}

/// A validation error's fields under `p` (the caller's own argument path).
pub(crate) fn prefix(e: Error, p: &str) -> Error {
    match e {
        Error::Validation { reason, fields } => Error::Validation { reason, fields: fields.into_iter().map(|f| FieldError::new(format!("{p}{}", f.field), f.issue())).collect() },
        other => other,
    }
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: SetArchivedArg<BomId>) -> Result<Bom> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let row = get_row(db, &t, a.id)?;
    if !a.archived && row.archived {
        // Restoring brings its edges back: they must not close a cycle.
        let input = input_of(db, &t, a.id, crate::accounting::periods::today(db, &t, ctx.now)?)?;
        check(db, &t, Some(a.id), &input)?;
    }
    db.prepare_cached("UPDATE boms SET archived = ?3, is_default = CASE WHEN ?3 THEN 0 ELSE is_default END, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    if !a.archived {
        set_default(db, &t, row.product_id, a.id, None)?;
    }
    ctx.audit("bom", a.id, json!({"archived": a.archived}));
    get(db, &t, a.id, crate::accounting::periods::today(db, &t, ctx.now)?)
}

/// A BOM as input again (to re-check it).
fn input_of(db: &Connection, t: &TenantCtx, id: BomId, today: NaiveDate) -> Result<BomInput> {
    let b = get(db, t, id, today)?;
    Ok(BomInput {
        product_id: b.product_id,
        name: b.name,
        quantity: b.quantity,
        unit_id: Some(b.unit_id),
        is_default: None,
        lead_time_days: Some(b.lead_time_days),
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        notes: b.notes,
        lines: b
            .lines
            .iter()
            .map(|l| BomLineInput { kind: Some(l.kind), product_id: l.product_id, quantity: l.quantity, unit_id: Some(l.unit_id), scrap: Some(l.scrap), cost_share: Some(l.cost_share), value_ids: l.value_ids.clone() })
            .collect(),
        operations: b
            .operations
            .iter()
            .map(|o| BomOperationInput {
                name: o.name.clone(),
                work_centre_id: o.work_centre_id,
                minutes_per_batch: Some(o.minutes_per_batch),
                minutes_per_unit: Some(o.minutes_per_unit),
                cost_per_hour: o.own_rate.then_some(o.cost_per_hour),
            })
            .collect(),
    })
}

// --- reading --------------------------------------------------------------------------------

const ROW_SQL: &str = "SELECT b.id, b.product_id, p.sku, p.name, b.name, b.quantity, u.code, b.is_default, b.valid_from, b.valid_to, b.archived,
    (SELECT count(*) FROM bom_lines l WHERE l.tenant_id = b.tenant_id AND l.bom_id = b.id),
    (SELECT count(*) FROM bom_operations o WHERE o.tenant_id = b.tenant_id AND o.bom_id = b.id)
    FROM boms b JOIN products p ON p.tenant_id = b.tenant_id AND p.id = b.product_id JOIN units u ON u.tenant_id = b.tenant_id AND u.id = b.unit_id";

fn bom_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BomRow> {
    Ok(BomRow {
        id: r.get(0)?,
        product_id: r.get(1)?,
        sku: r.get(2)?,
        product_name: r.get(3)?,
        name: r.get(4)?,
        quantity: arith::from_scaled(r.get(5)?, QTY_SCALE),
        unit_code: r.get(6)?,
        is_default: r.get(7)?,
        valid_from: r.get(8)?,
        valid_to: r.get(9)?,
        archived: r.get(10)?,
        lines: r.get(11)?,
        operations: r.get(12)?,
    })
}

pub fn get_row(db: &Connection, t: &TenantCtx, id: BomId) -> Result<BomRow> {
    db.prepare_cached(&format!("{ROW_SQL} WHERE b.tenant_id = ?1 AND b.id = ?2"))?
        .query_row(params![t.tenant_id(), id], bom_row)
        .optional()?
        .ok_or_else(|| Error::not_found("bom", id))
}

pub fn list(db: &Connection, t: &TenantCtx, a: &ListBomsArgs) -> Result<Vec<BomRow>> {
    let limit = a.limit.unwrap_or(100).clamp(1, 500);
    let search = a.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let mut st = db.prepare_cached(&format!(
        "{ROW_SQL} WHERE b.tenant_id = ?1 AND (?2 OR NOT b.archived) AND (?3 IS NULL OR b.product_id = ?3)
         AND (?4 IS NULL OR p.sku LIKE ?4 ESCAPE '\\' OR p.name LIKE ?4 ESCAPE '\\' OR b.name LIKE ?4 ESCAPE '\\') AND (?5 IS NULL OR b.id > ?5)
         ORDER BY b.id LIMIT ?6"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.include_archived.unwrap_or(false), a.product_id, search, a.after, limit], bom_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stored line, as the explosion reads it.
#[derive(Debug, Clone)]
pub(crate) struct StoredLine {
    pub id: BomLineId,
    pub position: u32,
    pub kind: BomLineKind,
    pub product: ProductId,
    pub quantity: Decimal,
    pub unit: UnitId,
    pub scrap: Decimal,
    pub cost_share: Decimal,
    pub values: Vec<(crate::catalog::model::AttributeId, AttributeValueId)>,
}

pub(crate) fn stored_lines(db: &Connection, t: &TenantCtx, bom: BomId) -> Result<Vec<StoredLine>> {
    let mut st = db.prepare_cached("SELECT id, position, kind, product_id, quantity, unit_id, scrap, cost_share FROM bom_lines WHERE tenant_id = ?1 AND bom_id = ?2 ORDER BY position, id")?;
    let mut lines: Vec<StoredLine> = st
        .query_map(params![t.tenant_id(), bom], |r| {
            Ok(StoredLine {
                id: r.get(0)?,
                position: r.get(1)?,
                kind: r.get(2)?,
                product: r.get(3)?,
                quantity: arith::from_scaled(r.get(4)?, QTY_SCALE),
                unit: r.get(5)?,
                scrap: arith::from_scaled(r.get(6)?, PCT_SCALE),
                cost_share: arith::from_scaled(r.get(7)?, PCT_SCALE),
                values: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut vs = db.prepare_cached(
        "SELECT v.line_id, v.attribute_id, v.value_id FROM bom_line_values v JOIN bom_lines l ON l.tenant_id = v.tenant_id AND l.id = v.line_id
         WHERE v.tenant_id = ?1 AND l.bom_id = ?2 ORDER BY v.line_id, v.attribute_id, v.value_id",
    )?;
    let mut by_line: HashMap<BomLineId, Vec<_>> = HashMap::new();
    for r in vs.query_map(params![t.tenant_id(), bom], |r| Ok((r.get::<_, BomLineId>(0)?, r.get(1)?, r.get(2)?)))? {
        let (l, a, v) = r?;
        by_line.entry(l).or_default().push((a, v));
    }
    for l in &mut lines {
        if let Some(v) = by_line.remove(&l.id) {
            l.values = v;
        }
    }
    Ok(lines)
}

/// Whether a template BOM's line applies to a variant: for each attribute the line names,
/// the variant's value is one of those listed.
pub(crate) fn applies(db: &Connection, t: &TenantCtx, line: &StoredLine, variant: ProductId) -> Result<bool> {
    if line.values.is_empty() {
        return Ok(true);
    }
    let mut st = db.prepare_cached("SELECT attribute_id, value_id FROM variant_values WHERE tenant_id = ?1 AND variant_id = ?2")?;
    let own: HashMap<crate::catalog::model::AttributeId, AttributeValueId> =
        st.query_map(params![t.tenant_id(), variant], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut by_attr: BTreeMap<crate::catalog::model::AttributeId, Vec<AttributeValueId>> = BTreeMap::new();
    for (a, v) in &line.values {
        by_attr.entry(*a).or_default().push(*v);
    }
    Ok(by_attr.iter().all(|(a, vs)| own.get(a).is_some_and(|v| vs.contains(v))))
}

/// The BOM a product is made with on `date`: its own active BOMs valid that day (the
/// default first, then the latest start), else its template's.
pub fn bom_for(db: &Connection, t: &TenantCtx, product: ProductId, parent: Option<ProductId>, date: NaiveDate) -> Result<Option<BomId>> {
    let mut st = db.prepare_cached(
        "SELECT id FROM boms WHERE tenant_id = ?1 AND product_id = ?2 AND NOT archived
         AND (valid_from IS NULL OR valid_from <= ?3) AND (valid_to IS NULL OR valid_to >= ?3)
         ORDER BY is_default DESC, valid_from DESC NULLS LAST, id LIMIT 1",
    )?;
    if let Some(id) = st.query_row(params![t.tenant_id(), product, date], |r| r.get(0)).optional()? {
        return Ok(Some(id));
    }
    match parent {
        Some(p) => Ok(st.query_row(params![t.tenant_id(), p, date], |r| r.get(0)).optional()?),
        None => Ok(None),
    }
}

/// The BOM's header as the explosion needs it: (product, quantity, unit factor).
pub(crate) fn header(db: &Connection, t: &TenantCtx, id: BomId) -> Result<(ProductId, Decimal, i64)> {
    db.prepare_cached("SELECT b.product_id, b.quantity, u.factor_e6 FROM boms b JOIN units u ON u.tenant_id = b.tenant_id AND u.id = b.unit_id WHERE b.tenant_id = ?1 AND b.id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, arith::from_scaled(r.get(1)?, QTY_SCALE), r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("bom", id))
}

/// An operation as stored, with its effective rate.
#[derive(Debug, Clone)]
pub(crate) struct StoredOp {
    pub position: u32,
    pub name: String,
    pub centre: WorkCentreId,
    pub centre_code: String,
    pub per_batch: Decimal,
    pub per_unit: Decimal,
    pub rate: Decimal,
    pub own_rate: bool,
}

pub(crate) fn stored_ops(db: &Connection, t: &TenantCtx, bom: BomId) -> Result<Vec<StoredOp>> {
    let mut st = db.prepare_cached(
        "SELECT o.position, o.name, o.work_centre_id, w.code, o.minutes_per_batch, o.minutes_per_unit, coalesce(o.cost_per_hour, w.cost_per_hour), o.cost_per_hour IS NOT NULL
         FROM bom_operations o JOIN work_centres w ON w.tenant_id = o.tenant_id AND w.id = o.work_centre_id WHERE o.tenant_id = ?1 AND o.bom_id = ?2 ORDER BY o.position, o.id",
    )?;
    let rows = st.query_map(params![t.tenant_id(), bom], |r| {
        Ok(StoredOp {
            position: r.get(0)?,
            name: r.get(1)?,
            centre: r.get(2)?,
            centre_code: r.get(3)?,
            per_batch: arith::from_scaled(r.get(4)?, QTY_SCALE),
            per_unit: arith::from_scaled(r.get(5)?, QTY_SCALE),
            rate: money::from_db(r.get(6)?),
            own_rate: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Minutes of an operation for `qty` of output in the BOM's unit: the set-up once per
/// started run of the BOM's quantity, plus the time per unit.
pub(crate) fn op_minutes(op: &StoredOp, qty_bom_unit: Decimal, bom_qty: Decimal) -> Result<Decimal> {
    let runs = arith::div("quantity", qty_bom_unit, bom_qty)?.ceil();
    arith::add("minutes", arith::mul("minutes", op.per_batch, runs)?, arith::mul("minutes", op.per_unit, qty_bom_unit)?)
}

pub(crate) fn op_cost(minutes: Decimal, rate: Decimal) -> Result<Decimal> {
    arith::div("cost", arith::mul("cost", minutes, rate)?, Decimal::from(60))
}

/// One component's need for `qty` of the made product: (product, quantity in the
/// component's unit, rounded up to its decimals, scrap included).
pub(crate) fn line_need(cache: &mut Cache, db: &Connection, t: &TenantCtx, l: &StoredLine, ratio: Decimal) -> Result<Decimal> {
    let (_, _, line_f) = cache.unit(db, t, l.unit)?.ok_or_else(|| Error::not_found("unit", l.unit))?;
    let comp = cache.product(db, t, l.product)?.cloned().ok_or_else(|| Error::not_found("product", l.product))?;
    let base = arith::mul("quantity", l.quantity, ratio)?;
    let with_scrap = if l.scrap.is_zero() { base } else { arith::add("quantity", base, arith::div("quantity", arith::mul("quantity", base, l.scrap)?, Decimal::from(100))?)? };
    let q = convert("quantity", with_scrap, line_f, comp.factor_e6)?;
    Ok(round_up(q, comp.decimals))
}

/// Costs rolled up per product (per unit of its own unit), read once per operation.
pub(crate) struct Roller<'a> {
    db: &'a Connection,
    t: TenantCtx,
    date: NaiveDate,
    pub cache: Cache,
    unit_costs: HashMap<ProductId, Decimal>,
    boms: HashMap<ProductId, Option<BomId>>,
    stack: HashSet<ProductId>,
}

impl<'a> Roller<'a> {
    pub fn new(db: &'a Connection, t: &TenantCtx, date: NaiveDate) -> Self {
        Roller { db, t: *t, date, cache: Cache::default(), unit_costs: HashMap::new(), boms: HashMap::new(), stack: HashSet::new() }
    }

    pub fn bom_of(&mut self, product: ProductId) -> Result<Option<BomId>> {
        if let Some(b) = self.boms.get(&product) {
            return Ok(*b);
        }
        let parent = self.cache.product(self.db, &self.t, product)?.and_then(|f| f.parent_id);
        let b = bom_for(self.db, &self.t, product, parent, self.date)?;
        self.boms.insert(product, b);
        Ok(b)
    }

    /// A bought product's current cost (moving average, or its catalog cost before it has one).
    fn current_cost(&self, product: ProductId) -> Result<Decimal> {
        Ok(crate::inventory::valuation::get_state(self.db, &self.t, product)?.average_cost)
    }

    /// Per unit of the product's own unit: a made product's roll-up, else its current cost.
    pub fn unit_cost(&mut self, product: ProductId) -> Result<Decimal> {
        if let Some(c) = self.unit_costs.get(&product) {
            return Ok(*c);
        }
        let c = match self.bom_of(product)? {
            Some(b) if self.stack.insert(product) => {
                let r = self.bom_cost(b, product, None);
                self.stack.remove(&product);
                let (comp, ops, qty) = r?;
                round(arith::div("cost", arith::add("cost", comp, ops)?, qty)?, PRICE_SCALE)
            }
            _ => self.current_cost(product)?,
        };
        self.unit_costs.insert(product, c);
        Ok(c)
    }

    /// (components cost, operations cost, output quantity in the product's unit) of one
    /// run of `bom` for `product` (a variant of its template, or the product itself), or
    /// of `qty` when given.
    pub fn bom_cost(&mut self, bom: BomId, product: ProductId, qty: Option<Decimal>) -> Result<(Decimal, Decimal, Decimal)> {
        let (_, bom_qty, bom_f) = header(self.db, &self.t, bom)?;
        let pf = self.cache.product(self.db, &self.t, product)?.cloned().ok_or_else(|| Error::not_found("product", product))?;
        let out = match qty {
            Some(q) => q,
            None => convert("quantity", bom_qty, bom_f, pf.factor_e6)?,
        };
        let qty_bom_unit = convert("quantity", out, pf.factor_e6, bom_f)?;
        let ratio = arith::div("quantity", qty_bom_unit, bom_qty)?;
        let mut comp = Decimal::ZERO;
        for l in stored_lines(self.db, &self.t, bom)? {
            if l.kind != BomLineKind::Component || !applies(self.db, &self.t, &l, product)? {
                continue;
            }
            let need = line_need(&mut self.cache, self.db, &self.t, &l, ratio)?;
            let c = self.unit_cost(l.product)?;
            comp = arith::add("cost", comp, arith::mul("cost", need, c)?)?;
        }
        let mut ops = Decimal::ZERO;
        for o in stored_ops(self.db, &self.t, bom)? {
            ops = arith::add("cost", ops, op_cost(op_minutes(&o, qty_bom_unit, bom_qty)?, o.rate)?)?;
        }
        Ok((comp, ops, out))
    }
}

pub(crate) fn round(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// One BOM with its cost roll-up at `today` (the company's date: components' BOMs valid then).
pub fn get(db: &Connection, t: &TenantCtx, id: BomId, today: NaiveDate) -> Result<Bom> {
    let row = get_row(db, t, id)?;
    let (unit_id, notes, lead_time_days): (UnitId, String, u32) = db
        .prepare_cached("SELECT unit_id, notes, lead_time_days FROM boms WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let currency = crate::accounting::chart::base_currency(db, t)?;
    let units = money::minor_units("currency", &currency)?;
    let mut roller = Roller::new(db, t, today);
    let (_, bom_qty, bom_f) = header(db, t, id)?;
    let ratio = Decimal::ONE;
    let mut lines = Vec::new();
    let mut comp_total = Decimal::ZERO;
    for l in stored_lines(db, t, id)? {
        let f = roller.cache.product(db, t, l.product)?.cloned().ok_or_else(|| Error::not_found("product", l.product))?;
        let (ucode, _, _) = roller.cache.unit(db, t, l.unit)?.ok_or_else(|| Error::not_found("unit", l.unit))?;
        let has_bom = roller.bom_of(l.product)?.is_some();
        let cost = if l.kind == BomLineKind::Component {
            let need = line_need(&mut roller.cache, db, t, &l, ratio)?;
            arith::mul("cost", need, roller.unit_cost(l.product)?)?
        } else {
            Decimal::ZERO
        };
        comp_total = arith::add("cost", comp_total, cost)?;
        lines.push(BomLine {
            id: l.id,
            position: l.position,
            kind: l.kind,
            product_id: l.product,
            sku: f.sku,
            name: f.name,
            quantity: l.quantity,
            unit_id: l.unit,
            unit_code: ucode,
            scrap: l.scrap,
            cost_share: l.cost_share,
            value_ids: l.values.iter().map(|(_, v)| *v).collect(),
            has_bom,
            cost: round(cost, units),
        });
    }
    let mut operations = Vec::new();
    let mut ops_total = Decimal::ZERO;
    for o in stored_ops(db, t, id)? {
        let cost = op_cost(op_minutes(&o, bom_qty, bom_qty)?, o.rate)?;
        ops_total = arith::add("cost", ops_total, cost)?;
        operations.push(BomOperation {
            id: BomOperationId(0),
            position: o.position,
            name: o.name,
            work_centre_id: o.centre,
            work_centre_code: o.centre_code,
            minutes_per_batch: o.per_batch,
            minutes_per_unit: o.per_unit,
            cost_per_hour: o.rate,
            own_rate: o.own_rate,
            cost: round(cost, units),
        });
    }
    let _ = bom_f;
    let total = arith::add("cost", comp_total, ops_total)?;
    Ok(Bom {
        id,
        product_id: row.product_id,
        sku: row.sku,
        product_name: row.product_name,
        name: row.name,
        quantity: row.quantity,
        unit_id,
        unit_code: row.unit_code,
        is_default: row.is_default,
        lead_time_days,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
        notes,
        archived: row.archived,
        lines,
        operations,
        components_cost: round(comp_total, units),
        operations_cost: round(ops_total, units),
        total_cost: round(total, units),
        unit_cost: round(arith::div("cost", total, bom_qty)?, PRICE_SCALE),
    })
}

/// Explodes a product level by level: each made component (one with a BOM valid on the
/// date) is exploded in turn, quantities converted exactly and rounded up once per level
/// to the component's decimals; costs rolled up from the leaves.
pub fn explode(db: &Connection, t: &TenantCtx, a: &ExplodeArgs, today: NaiveDate) -> Result<BomTree> {
    let date = a.date.unwrap_or(today);
    let qty = a.quantity.unwrap_or(Decimal::ONE);
    if qty <= Decimal::ZERO {
        return Err(Error::field("quantity", FieldCode::NotPositive));
    }
    money::to_db_at("quantity", qty, QTY_SCALE)?;
    let currency = crate::accounting::chart::base_currency(db, t)?;
    let units = money::minor_units("currency", &currency)?;
    let mut r = Roller::new(db, t, date);
    let root = r.cache.product(db, t, a.product_id)?.cloned().ok_or_else(|| Error::field("product_id", FieldCode::NotFound.with("entity", "product")))?;
    let bom = match a.bom_id {
        Some(b) => {
            let (p, _, _) = header(db, t, b).map_err(|_| Error::field("bom_id", FieldCode::NotFound.with("entity", "bom")))?;
            if p != root.id && Some(p) != root.parent_id {
                return Err(Error::field("bom_id", FieldCode::Invalid));
            }
            Some(b)
        }
        None => r.bom_of(root.id)?,
    };
    let Some(bom) = bom else {
        return Err(Error::field("product_id", FieldCode::NoBom.with("sku", &root.sku)));
    };
    let mut nodes: Vec<TreeNode> = Vec::new();
    let mut levels = 0;
    walk(&mut r, &mut nodes, &mut levels, root.id, Some(bom), qty, 0, None, units)?;
    let total = nodes.first().map(|n| n.cost).unwrap_or_default();
    Ok(BomTree { nodes, total_cost: total, levels })
}

#[allow(clippy::too_many_arguments)]
fn walk(r: &mut Roller<'_>, nodes: &mut Vec<TreeNode>, levels: &mut u32, product: ProductId, bom: Option<BomId>, qty: Decimal, level: u32, parent: Option<u32>, units: u32) -> Result<Decimal> {
    if level > MAX_DEPTH {
        return Err(Error::refused(Reason::InvalidInput));
    }
    *levels = (*levels).max(level + 1);
    let db = r.db;
    let t = r.t;
    let f = r.cache.product(db, &t, product)?.cloned().ok_or_else(|| Error::not_found("product", product))?;
    let index = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
    nodes.push(TreeNode {
        level,
        parent,
        product_id: product,
        sku: f.sku.clone(),
        name: f.name.clone(),
        quantity: qty,
        unit_code: f.unit_code.clone(),
        bom_id: bom,
        unit_cost: Decimal::ZERO,
        cost: Decimal::ZERO,
        operations_cost: Decimal::ZERO,
    });
    let (cost, ops) = match bom {
        None => {
            let c = r.unit_cost(product)?;
            (arith::mul("cost", qty, c)?, Decimal::ZERO)
        }
        Some(b) => {
            let (_, bom_qty, bom_f) = header(db, &t, b)?;
            let qb = convert("quantity", qty, f.factor_e6, bom_f)?;
            let ratio = arith::div("quantity", qb, bom_qty)?;
            let mut comp = Decimal::ZERO;
            for l in stored_lines(db, &t, b)? {
                if l.kind != BomLineKind::Component || !applies(db, &t, &l, product)? {
                    continue;
                }
                let need = line_need(&mut r.cache, db, &t, &l, ratio)?;
                let sub = r.bom_of(l.product)?;
                comp = arith::add("cost", comp, walk(r, nodes, levels, l.product, sub, need, level + 1, Some(index), units)?)?;
            }
            let mut ops = Decimal::ZERO;
            for o in stored_ops(db, &t, b)? {
                ops = arith::add("cost", ops, op_cost(op_minutes(&o, qb, bom_qty)?, o.rate)?)?;
            }
            (arith::add("cost", comp, ops)?, ops)
        }
    };
    let n = &mut nodes[index as usize];
    n.cost = round(cost, units);
    n.operations_cost = round(ops, units);
    n.unit_cost = round(arith::div("cost", cost, qty)?, PRICE_SCALE);
    Ok(cost)
}

/// The BOMs a product is used in (and, with `all_levels`, the BOMs using those BOMs'
/// products, level by level).
pub fn where_used(db: &Connection, t: &TenantCtx, a: &WhereUsedArgs) -> Result<Vec<WhereUsedRow>> {
    if facts(db, t, a.product_id)?.is_none() {
        return Err(Error::field("product_id", FieldCode::NotFound.with("entity", "product")));
    }
    let mut st = db.prepare_cached(
        "SELECT b.id, b.name, b.product_id, p.sku, p.name, l.quantity, u.code, l.kind, b.archived
         FROM bom_lines l JOIN boms b ON b.tenant_id = l.tenant_id AND b.id = l.bom_id
         JOIN products p ON p.tenant_id = b.tenant_id AND p.id = b.product_id JOIN units u ON u.tenant_id = l.tenant_id AND u.id = l.unit_id
         WHERE l.tenant_id = ?1 AND l.product_id = ?2 ORDER BY p.sku, b.id",
    )?;
    let mut out = Vec::new();
    let mut frontier = vec![a.product_id];
    let mut seen: HashSet<ProductId> = HashSet::from([a.product_id]);
    let mut level = 1;
    while !frontier.is_empty() && level <= MAX_DEPTH {
        let mut next = Vec::new();
        for c in frontier {
            let rows = st.query_map(params![t.tenant_id(), c], |r| {
                Ok(WhereUsedRow {
                    level,
                    bom_id: r.get(0)?,
                    bom_name: r.get(1)?,
                    product_id: r.get(2)?,
                    sku: r.get(3)?,
                    name: r.get(4)?,
                    component_id: c,
                    quantity: arith::from_scaled(r.get(5)?, QTY_SCALE),
                    unit_code: r.get(6)?,
                    kind: r.get(7)?,
                    archived: r.get(8)?,
                })
            })?;
            for row in rows {
                let row = row?;
                if row.kind == BomLineKind::Component && seen.insert(row.product_id) {
                    next.push(row.product_id);
                }
                out.push(row);
            }
        }
        if !a.all_levels.unwrap_or(false) {
            break;
        }
        frontier = next;
        level += 1;
    }
    Ok(out)
}
