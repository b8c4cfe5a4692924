//! Replenishment: reorder rules per product and warehouse, and the "to reorder" list the
//! purchasing module will turn into draft purchase orders.
//!
//! Invariants:
//! - **One rule per (company, product, warehouse)** (unique in `reorder_rules`); an
//!   archived rule suggests nothing and is restored rather than made again.
//! - **Only stock is reordered**: a rule names a stockable, transactable product (never a
//!   kit, which holds no stock, a variant template, an archived product, a service or a
//!   consumable) and a warehouse of the company that is not archived; the preferred
//!   supplier, when named, is a supplier of the company. Composite foreign keys make
//!   SQLite refuse another company's product, warehouse or partner.
//! - **0 ≤ min ≤ max, multiple > 0**, each a quantity in the product's unit with no more
//!   decimals than that unit keeps (SQLite checks the order again).
//! - **The forecast** of a product in a warehouse = on hand in all its internal locations
//!   − ready moves leaving the warehouse (reserved) + ready moves coming into it
//!   (incoming). Moves between two locations of the same warehouse change nothing; drafts
//!   count for nothing until confirmed.
//! - **The suggestion**, when the forecast is below `min`: the smallest multiple of
//!   `multiple` that is at least `max − forecast`. Computed on the stored integers
//!   (ten-thousandths), exactly, with checked arithmetic: never rounded, never saturated.
//! - **Only what can be ordered is suggested**: an archived rule, an archived product or an
//!   archived warehouse suggests nothing (the rule stays, and counts again when restored),
//!   nor a product that has since become a kit or stopped being stockable.
//! - Reading the list writes nothing; turning it into orders is purchasing's job.

use super::model::*;
use crate::catalog::model::{ProductId, ProductKind};
use crate::command::{Ctx, IdArg, SetArchivedArg, TenantCtx};
use crate::partners::model::PartnerId;
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, arith, money};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

const RULE_SELECT: &str = "SELECT r.id, r.product_id, p.sku, p.name, u.code, r.warehouse_id, w.code, r.min_qty, r.max_qty, r.multiple, r.supplier_id, s.name, r.archived
     FROM reorder_rules r
     JOIN products p ON p.tenant_id = r.tenant_id AND p.id = r.product_id
     JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
     JOIN warehouses w ON w.tenant_id = r.tenant_id AND w.id = r.warehouse_id
     LEFT JOIN partners s ON s.tenant_id = r.tenant_id AND s.id = r.supplier_id";

fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReorderRule> {
    Ok(ReorderRule {
        id: r.get(0)?,
        product_id: r.get(1)?,
        sku: r.get(2)?,
        product_name: r.get(3)?,
        unit_code: r.get(4)?,
        warehouse_id: r.get(5)?,
        warehouse_code: r.get(6)?,
        min_qty: arith::from_scaled(r.get(7)?, QTY_SCALE),
        max_qty: arith::from_scaled(r.get(8)?, QTY_SCALE),
        multiple: arith::from_scaled(r.get(9)?, QTY_SCALE),
        supplier_id: r.get(10)?,
        supplier_name: r.get(11)?,
        archived: r.get(12)?,
    })
}

pub fn get_rule(db: &Connection, t: &TenantCtx, id: ReorderRuleId) -> Result<ReorderRule> {
    db.prepare_cached(&format!("{RULE_SELECT} WHERE r.tenant_id = ?1 AND r.id = ?2"))?
        .query_row(params![t.tenant_id(), id], rule_row)
        .optional()?
        .ok_or_else(|| Error::not_found("reorder_rule", id))
}

/// Rules by SKU then warehouse code, keyset-paged; the cursor is the last rule's id.
pub fn list_rules(db: &Connection, t: &TenantCtx, a: &ListReorderRulesArgs) -> Result<crate::list::Page<ReorderRule>> {
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    let after: Option<ReorderRuleId> = match a.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(ReorderRuleId(c.parse::<i64>().map_err(|_| Error::field("cursor", FieldCode::InvalidCursor))?)),
    };
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let filter = "r.tenant_id = ?1 AND (?2 IS NULL OR r.product_id = ?2) AND (?3 IS NULL OR r.warehouse_id = ?3) AND (?4 OR NOT r.archived)
                  AND (?5 IS NULL OR p.sku LIKE ?5 ESCAPE '\\' OR p.name LIKE ?5 ESCAPE '\\')";
    let total: i64 = db
        .prepare_cached(&format!(
            "SELECT count(*) FROM reorder_rules r JOIN products p ON p.tenant_id = r.tenant_id AND p.id = r.product_id WHERE {filter}"
        ))?
        .query_row(params![t.tenant_id(), a.product_id, a.warehouse_id, a.include_archived.unwrap_or(false), pattern], |r| r.get(0))?;
    let mut st = db.prepare_cached(&format!(
        "{RULE_SELECT} WHERE {filter}
         AND (?6 IS NULL OR (p.sku, w.code_key, r.id) > (SELECT p2.sku, w2.code_key, r2.id FROM reorder_rules r2
              JOIN products p2 ON p2.tenant_id = r2.tenant_id AND p2.id = r2.product_id
              JOIN warehouses w2 ON w2.tenant_id = r2.tenant_id AND w2.id = r2.warehouse_id WHERE r2.tenant_id = ?1 AND r2.id = ?6))
         ORDER BY p.sku, w.code_key, r.id LIMIT ?7"
    ))?;
    let rows = st.query_map(
        params![t.tenant_id(), a.product_id, a.warehouse_id, a.include_archived.unwrap_or(false), pattern, after, i64::from(limit) + 1],
        rule_row,
    )?;
    let mut items: Vec<ReorderRule> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| r.id.0.to_string())
    } else {
        None
    };
    Ok(crate::list::Page { items, total, next_cursor })
}

/// A quantity of a rule, checked: not negative (`positive`: above zero), at most the
/// unit's decimals, and fitting storage. `None` (with the error pushed) when wrong.
fn check_qty(c: &mut Checker, field: &str, v: Decimal, positive: bool, unit: &str, decimals: u32) -> Option<i64> {
    if positive && v <= Decimal::ZERO {
        c.push(field, FieldCode::NotPositive);
        return None;
    }
    if v.is_sign_negative() && !v.is_zero() {
        c.push(field, FieldCode::Negative);
        return None;
    }
    if v.normalize().scale() > decimals {
        c.push(field, FieldCode::TooManyDecimals.with("max", decimals).with("unit", unit));
        return None;
    }
    match money::to_db_at(field, v, QTY_SCALE) {
        Ok(n) => Some(n),
        Err(Error::Validation { fields, .. }) => {
            c.errors.extend(fields);
            None
        }
        Err(_) => {
            c.push(field, FieldCode::TooLarge);
            None
        }
    }
}

/// The product a rule may name: (sku, unit code, unit decimals).
fn rule_product(db: &Connection, t: &TenantCtx, c: &mut Checker, id: ProductId) -> Result<Option<(String, String, u32)>> {
    let p = match crate::catalog::transactable_product(db, t, id, "product_id") {
        Ok(p) => p,
        Err(Error::Validation { fields, .. }) if !fields.is_empty() => {
            c.errors.extend(fields);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if p.is_kit {
        c.push("product_id", FieldCode::KitHoldsNoStock.with("sku", &p.sku));
        return Ok(None);
    }
    if p.kind != ProductKind::Stockable {
        c.push("product_id", FieldCode::NotStockable.with("sku", &p.sku).with("kind", p.kind.as_str()));
        return Ok(None);
    }
    let Some(unit) = super::engine::unit_facts(db, t, p.unit_id)? else {
        return Err(Error::Internal(format!("unit of product {}", p.id)));
    };
    Ok(Some((p.sku, unit.code, unit.decimals)))
}

fn check_warehouse(db: &Connection, t: &TenantCtx, c: &mut Checker, id: WarehouseId) -> Result<()> {
    super::places::active_warehouse(db, t, c, id)?;
    Ok(())
}

fn check_supplier(db: &Connection, t: &TenantCtx, c: &mut Checker, id: PartnerId) -> Result<()> {
    let found: Option<(String, bool, bool)> = db
        .prepare_cached("SELECT name, is_supplier, archived FROM partners WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match found {
        None => c.push("supplier_id", FieldCode::NotFound.with("entity", "partner")),
        Some((name, false, _)) => c.push("supplier_id", FieldCode::NotSupplier.with("name", name)),
        Some((_, _, true)) => c.push("supplier_id", FieldCode::Archived),
        Some(_) => {}
    }
    Ok(())
}

/// Checks min ≤ max on the stored integers, pushing the error on `max_qty`.
fn check_order(c: &mut Checker, min: Option<i64>, max: Option<i64>) {
    if let (Some(lo), Some(hi)) = (min, max)
        && hi < lo
    {
        c.push("max_qty", FieldCode::BelowMinimum.with("min", arith::from_scaled(lo, QTY_SCALE)));
    }
}

fn taken(db: &Connection, t: &TenantCtx, product: ProductId, warehouse: WarehouseId) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM reorder_rules WHERE tenant_id = ?1 AND product_id = ?2 AND warehouse_id = ?3")?
        .exists(params![t.tenant_id(), product, warehouse])?)
}

pub fn create_rule(ctx: &mut Ctx<'_>, a: CreateReorderRuleArgs) -> Result<ReorderRule> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let product = rule_product(db, &t, &mut c, a.product_id)?;
    check_warehouse(db, &t, &mut c, a.warehouse_id)?;
    if let Some(s) = a.supplier_id {
        check_supplier(db, &t, &mut c, s)?;
    }
    let (unit, decimals) = product.as_ref().map(|(_, u, d)| (u.clone(), *d)).unwrap_or_else(|| (String::new(), QTY_SCALE));
    let min = check_qty(&mut c, "min_qty", a.min_qty, false, &unit, decimals);
    let max = check_qty(&mut c, "max_qty", a.max_qty, false, &unit, decimals);
    let multiple = check_qty(&mut c, "multiple", a.multiple.unwrap_or(Decimal::ONE), true, &unit, decimals);
    check_order(&mut c, min, max);
    c.finish()?;
    let (Some((sku, _, _)), Some(min), Some(max), Some(multiple)) = (product, min, max, multiple) else {
        return Err(Error::Internal("reorder rule checked without its values".into()));
    };
    if taken(db, &t, a.product_id, a.warehouse_id)? {
        return Err(Error::conflict("product_id", FieldCode::Duplicate.with("entity", "reorder_rule").with("value", &sku)));
    }
    db.prepare_cached(
        "INSERT INTO reorder_rules (tenant_id, product_id, warehouse_id, min_qty, max_qty, multiple, supplier_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![t.tenant_id(), a.product_id, a.warehouse_id, min, max, multiple, a.supplier_id, ctx.now])?;
    let id = ReorderRuleId(db.last_insert_rowid());
    let rule = get_rule(db, &t, id)?;
    ctx.audit(
        "reorder_rule",
        id,
        json!({"sku": rule.sku, "warehouse": rule.warehouse_code, "min_qty": rule.min_qty, "max_qty": rule.max_qty, "multiple": rule.multiple, "supplier_id": rule.supplier_id}),
    );
    Ok(rule)
}

pub fn update_rule(ctx: &mut Ctx<'_>, a: UpdateReorderRuleArgs) -> Result<ReorderRule> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_rule(db, &t, a.id)?;
    let mut c = Checker::new();
    let decimals: u32 = db
        .prepare_cached("SELECT u.decimals FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE p.tenant_id = ?1 AND p.id = ?2")?
        .query_row(params![t.tenant_id(), old.product_id], |r| r.get(0))?;
    let unit = old.unit_code.clone();
    let min = check_qty(&mut c, "min_qty", a.min_qty.unwrap_or(old.min_qty), false, &unit, decimals);
    let max = check_qty(&mut c, "max_qty", a.max_qty.unwrap_or(old.max_qty), false, &unit, decimals);
    let multiple = check_qty(&mut c, "multiple", a.multiple.unwrap_or(old.multiple), true, &unit, decimals);
    check_order(&mut c, min, max);
    let supplier = if a.clear_supplier == Some(true) { None } else { a.supplier_id.or(old.supplier_id) };
    if let Some(s) = a.supplier_id.filter(|_| a.clear_supplier != Some(true)) {
        check_supplier(db, &t, &mut c, s)?;
    }
    c.finish()?;
    let (Some(min), Some(max), Some(multiple)) = (min, max, multiple) else {
        return Err(Error::Internal("reorder rule checked without its values".into()));
    };
    db.prepare_cached("UPDATE reorder_rules SET min_qty = ?3, max_qty = ?4, multiple = ?5, supplier_id = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, min, max, multiple, supplier, ctx.now])?;
    let new = get_rule(db, &t, a.id)?;
    ctx.audit("reorder_rule", a.id, crate::audit::changes(&old, &new));
    Ok(new)
}

pub fn set_rule_archived(ctx: &mut Ctx<'_>, a: SetArchivedArg<ReorderRuleId>) -> Result<ReorderRule> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_rule(db, &t, a.id)?;
    db.prepare_cached("UPDATE reorder_rules SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("reorder_rule", a.id, json!({"sku": old.sku, "warehouse": old.warehouse_code, "archived": [old.archived, a.archived]}));
    get_rule(db, &t, a.id)
}

/// A rule is configuration, not history: it can be deleted outright.
pub fn delete_rule(ctx: &mut Ctx<'_>, a: IdArg<ReorderRuleId>) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = get_rule(db, &t, a.id)?;
    db.prepare_cached("DELETE FROM reorder_rules WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id])?;
    ctx.audit("reorder_rule", a.id, json!({"deleted": {"sku": old.sku, "warehouse": old.warehouse_code}}));
    Ok(crate::command::Done::OK)
}

/// The smallest multiple of `multiple` that is at least `need` (all ten-thousandths; zero
/// when nothing is needed). Exact integer arithmetic; overflow is a field error.
pub fn round_up_to_multiple(need: i64, multiple: i64) -> Result<i64> {
    if multiple <= 0 {
        return Err(Error::field("multiple", FieldCode::NotPositive));
    }
    if need <= 0 {
        return Ok(0);
    }
    let n = i128::from(need);
    let m = i128::from(multiple);
    let k = n.div_euclid(m) + i128::from(n.rem_euclid(m) != 0);
    let v = k.checked_mul(m).ok_or_else(|| Error::field("suggested", FieldCode::TooLarge))?;
    i64::try_from(v).map_err(|_| Error::field("suggested", FieldCode::TooLarge))
}

fn checked(field: &str, v: Option<i64>) -> Result<i64> {
    v.ok_or_else(|| Error::field(field, FieldCode::TooLarge))
}

/// Every active rule whose forecast is below its minimum, with the quantity to order;
/// by warehouse code, then SKU.
pub fn to_reorder(db: &Connection, t: &TenantCtx, a: &ToReorderArgs) -> Result<Vec<ToReorderRow>> {
    if let Some(w) = a.warehouse_id {
        super::places::get_warehouse(db, t, w).map_err(|e| match e {
            Error::NotFound { .. } => Error::field("warehouse_id", FieldCode::NotFound.with("entity", "warehouse")),
            e => e,
        })?;
    }
    // Internal locations carry their warehouse; virtual ones none, so `warehouse_id = w`
    // means "an internal location of w". Sums per rule through the product-keyed indexes.
    let mut st = db.prepare_cached(
        "SELECT r.id, r.product_id, p.sku, p.name, u.code, r.warehouse_id, w.code, r.min_qty, r.max_qty, r.multiple, r.supplier_id, s.name,
            (SELECT coalesce(sum(q.quantity), 0) FROM stock_quants q JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
             WHERE q.tenant_id = r.tenant_id AND q.product_id = r.product_id AND l.warehouse_id = r.warehouse_id),
            (SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m
             JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
             JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
             WHERE m.tenant_id = r.tenant_id AND m.product_id = r.product_id AND m.state = 'ready'
               AND lf.warehouse_id = r.warehouse_id AND lt.warehouse_id IS NOT r.warehouse_id),
            (SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m
             JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
             JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
             WHERE m.tenant_id = r.tenant_id AND m.product_id = r.product_id AND m.state = 'ready'
               AND lt.warehouse_id = r.warehouse_id AND lf.warehouse_id IS NOT r.warehouse_id)
         FROM reorder_rules r
         JOIN products p ON p.tenant_id = r.tenant_id AND p.id = r.product_id
         JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
         JOIN warehouses w ON w.tenant_id = r.tenant_id AND w.id = r.warehouse_id
         LEFT JOIN partners s ON s.tenant_id = r.tenant_id AND s.id = r.supplier_id
         WHERE r.tenant_id = ?1 AND NOT r.archived AND NOT p.archived AND NOT w.archived AND (?2 IS NULL OR r.warehouse_id = ?2)
           AND p.kind = 'stockable' AND NOT EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id)
         ORDER BY w.code_key, p.sku, r.id",
    )?;
    let mut rows = st.query(params![t.tenant_id(), a.warehouse_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let (min, max, multiple): (i64, i64, i64) = (r.get(7)?, r.get(8)?, r.get(9)?);
        let (on_hand, reserved, incoming): (i64, i64, i64) = (r.get(12)?, r.get(13)?, r.get(14)?);
        let forecast = checked("forecast", on_hand.checked_sub(reserved).and_then(|v| v.checked_add(incoming)))?;
        if forecast >= min {
            continue;
        }
        let need = checked("suggested", max.checked_sub(forecast))?;
        let suggested = round_up_to_multiple(need, multiple)?;
        let q = |v: i64| arith::from_scaled(v, QTY_SCALE);
        out.push(ToReorderRow {
            rule_id: r.get(0)?,
            product_id: r.get(1)?,
            sku: r.get(2)?,
            product_name: r.get(3)?,
            unit_code: r.get(4)?,
            warehouse_id: r.get(5)?,
            warehouse_code: r.get(6)?,
            on_hand: q(on_hand),
            reserved: q(reserved),
            incoming: q(incoming),
            forecast: q(forecast),
            min_qty: q(min),
            max_qty: q(max),
            multiple: q(multiple),
            suggested: q(suggested),
            supplier_id: r.get(10)?,
            supplier_name: r.get(11)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_round_up_to_the_multiple_exactly() {
        assert_eq!(round_up_to_multiple(0, 10).unwrap(), 0);
        assert_eq!(round_up_to_multiple(-5, 10).unwrap(), 0);
        assert_eq!(round_up_to_multiple(1, 10).unwrap(), 10);
        assert_eq!(round_up_to_multiple(10, 10).unwrap(), 10);
        assert_eq!(round_up_to_multiple(11, 10).unwrap(), 20);
        // 0.9 in multiples of 0.3 (ten-thousandths): exactly 0.9, never 1.2.
        assert_eq!(round_up_to_multiple(9_000, 3_000).unwrap(), 9_000);
        assert!(round_up_to_multiple(i64::MAX, i64::MAX - 1).is_err(), "overflow is an error, not a wrap");
        assert!(round_up_to_multiple(5, 0).is_err());
    }
}
