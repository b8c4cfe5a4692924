//! Reading stock: quantities on hand (now, from the maintained quantities; at a past date,
//! from the done moves), a product's movement history with its running quantity, lots and
//! their trace, tracking, and `inventory.check`.

use super::engine::{find_lot, insert_lot, parse_cursor};
use super::model::*;
use super::places;
use crate::catalog::model::ProductId;
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Reason, Result, arith};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

fn product_unit(db: &Connection, t: &TenantCtx, product: ProductId, field: &str) -> Result<(String, String)> {
    db.prepare_cached("SELECT p.sku, u.code FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE p.tenant_id = ?1 AND p.id = ?2")?
        .query_row(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::field(field, FieldCode::NotFound.with("entity", "product")))
}

/// The `path` prefix of the scope a stock question is about: a location's subtree, a
/// warehouse's, or (`/`) every internal location of the company.
pub(super) fn scope(db: &Connection, t: &TenantCtx, warehouse: Option<WarehouseId>, location: Option<LocationId>) -> Result<String> {
    if let Some(l) = location {
        let loc = places::get_location(db, t, l).map_err(|e| match e {
            Error::NotFound { .. } => Error::field("location_id", FieldCode::NotFound.with("entity", "location")),
            e => e,
        })?;
        if loc.kind != LocationKind::Internal {
            return Err(Error::field("location_id", FieldCode::WrongLocationKind.with("kind", "stock question").with("expected", "internal")));
        }
        if warehouse.is_some_and(|w| loc.warehouse_id != Some(w)) {
            return Err(Error::field("location_id", FieldCode::NotFound.with("entity", "location")));
        }
        return places::location_path(db, t, l);
    }
    if let Some(w) = warehouse {
        let wh = places::get_warehouse(db, t, w).map_err(|e| match e {
            Error::NotFound { .. } => Error::field("warehouse_id", FieldCode::NotFound.with("entity", "warehouse")),
            e => e,
        })?;
        return places::location_path(db, t, wh.root_location_id);
    }
    Ok("/".into())
}

/// `IN_SCOPE(alias)`: the location `alias` is internal and under the scope `?2`.
pub(super) fn in_scope(alias: &str) -> String {
    format!("({alias}.kind = 'internal' AND substr({alias}.path, 1, length(?2)) = ?2)")
}

pub fn on_hand(db: &Connection, t: &TenantCtx, a: &OnHandArgs) -> Result<OnHand> {
    let (_, unit_code) = product_unit(db, t, a.product_id, "product_id")?;
    let path = scope(db, t, a.warehouse_id, a.location_id)?;
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<OnHandRow> {
        Ok(OnHandRow { location_id: r.get(0)?, location: r.get(1)?, lot_id: r.get(2)?, lot_code: r.get(3)?, quantity: arith::from_scaled(r.get(4)?, QTY_SCALE) })
    };
    let rows: Vec<OnHandRow> = match a.date {
        None => db
            .prepare_cached(&format!(
                "SELECT q.location_id, l.full_name, q.lot_id, lot.code, q.quantity FROM stock_quants q
                 JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
                 LEFT JOIN stock_lots lot ON lot.tenant_id = q.tenant_id AND lot.id = q.lot_id
                 WHERE q.tenant_id = ?1 AND q.product_id = ?3 AND {} AND (?4 IS NULL OR q.lot_id = ?4) AND q.quantity <> 0
                 ORDER BY l.full_name, lot.code",
                in_scope("l")
            ))?
            .query_map(params![t.tenant_id(), path, a.product_id, a.lot_id], row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(date) => db
            .prepare_cached(&format!(
                "WITH d AS (
                    SELECT m.to_location_id AS loc, m.lot_id, m.quantity AS q FROM stock_moves m
                    JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.to_location_id
                    WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'done' AND m.date <= ?5 AND {}
                    UNION ALL
                    SELECT m.from_location_id, m.lot_id, -m.quantity FROM stock_moves m
                    JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.from_location_id
                    WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'done' AND m.date <= ?5 AND {}
                 )
                 SELECT d.loc, l.full_name, d.lot_id, lot.code, sum(d.q) FROM d
                 JOIN stock_locations l ON l.tenant_id = ?1 AND l.id = d.loc
                 LEFT JOIN stock_lots lot ON lot.tenant_id = ?1 AND lot.id = d.lot_id
                 WHERE (?4 IS NULL OR d.lot_id = ?4)
                 GROUP BY d.loc, d.lot_id HAVING sum(d.q) <> 0 ORDER BY l.full_name, lot.code",
                in_scope("l"),
                in_scope("l")
            ))?
            .query_map(params![t.tenant_id(), path, a.product_id, a.lot_id, date], row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    let total = arith::sum("on_hand", rows.iter().map(|r| r.quantity))?;
    let (reserved, available) = if a.date.is_none() {
        let r: i64 = db
            .prepare_cached(&format!(
                "SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.from_location_id
                 JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
                 WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'ready' AND {} AND NOT {} AND (?4 IS NULL OR m.lot_id = ?4)",
                in_scope("l"),
                in_scope("lt")
            ))?
            .query_row(params![t.tenant_id(), path, a.product_id, a.lot_id], |r| r.get(0))?;
        let reserved = arith::from_scaled(r, QTY_SCALE);
        (Some(reserved), Some(arith::sub("available", total, reserved)?))
    } else {
        (None, None)
    };
    Ok(OnHand { product_id: a.product_id, unit_code, on_hand: total, reserved, available, rows })
}

const MOVE_ROW_SELECT: &str = "m.id, m.picking_id, p.number, p.kind, m.date, m.product_id, pr.sku, lf.full_name, lt.full_name, lot.code, m.quantity";
const MOVE_ROW_JOINS: &str = "JOIN pickings p ON p.tenant_id = m.tenant_id AND p.id = m.picking_id
     JOIN products pr ON pr.tenant_id = m.tenant_id AND pr.id = m.product_id
     JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
     JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
     LEFT JOIN stock_lots lot ON lot.tenant_id = m.tenant_id AND lot.id = m.lot_id";

fn move_row(r: &rusqlite::Row<'_>, change: i64, running: i64) -> rusqlite::Result<MoveRow> {
    Ok(MoveRow {
        move_id: r.get(0)?,
        picking_id: r.get(1)?,
        picking_number: r.get(2)?,
        kind: r.get(3)?,
        date: r.get(4)?,
        product_id: r.get(5)?,
        sku: r.get(6)?,
        from_location: r.get(7)?,
        to_location: r.get(8)?,
        lot_code: r.get(9)?,
        quantity: arith::from_scaled(r.get(10)?, QTY_SCALE),
        change: arith::from_scaled(change, QTY_SCALE),
        running_quantity: arith::from_scaled(running, QTY_SCALE),
    })
}

/// A product's done moves in or out of the scope, oldest first (or newest first), each
/// with the scope's quantity after it; optionally only those of a date range; keyset-paged
/// by (date, id). The running quantity counts every move before the row, in the range or
/// not, so it is the scope's true quantity on every page.
pub fn moves(db: &Connection, t: &TenantCtx, a: &StockMovesArgs) -> Result<crate::list::Page<MoveRow>> {
    product_unit(db, t, a.product_id, "product_id")?;
    let path = scope(db, t, a.warehouse_id, a.location_id)?;
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    let desc = a.descending.unwrap_or(false);
    let after = match a.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(parse_cursor(c)?),
    };
    let change = format!("CASE WHEN {to} AND NOT {from} THEN m.quantity WHEN {from} AND NOT {to} THEN -m.quantity ELSE 0 END", to = in_scope("lt"), from = in_scope("lf"));
    let touches = format!("({} OR {})", in_scope("lt"), in_scope("lf"));
    let base = format!("FROM stock_moves m {MOVE_ROW_JOINS} WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'done' AND {touches}");
    let range = "(?4 IS NULL OR m.date >= ?4) AND (?5 IS NULL OR m.date <= ?5)";
    let total: i64 = db
        .prepare_cached(&format!("SELECT count(*) {base} AND {range}"))?
        .query_row(params![t.tenant_id(), path, a.product_id, a.from, a.to], |r| r.get(0))?;
    let (cmp, order) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let mut st = db.prepare_cached(&format!(
        "SELECT {MOVE_ROW_SELECT}, {change} {base} AND {range} AND (?6 IS NULL OR (m.date, m.id) {cmp} (?6, ?7)) ORDER BY m.date {order}, m.id {order} LIMIT ?8"
    ))?;
    let mut fetched: Vec<(i64, chrono::NaiveDate, MoveId)> = Vec::new();
    let mut items = Vec::new();
    let mut rows = st.query(params![t.tenant_id(), path, a.product_id, a.from, a.to, after.map(|x| x.0), after.map(|x| x.1), i64::from(limit) + 1])?;
    while let Some(r) = rows.next()? {
        let ch: i64 = r.get(11)?;
        fetched.push((ch, r.get(4)?, r.get(0)?));
        items.push(move_row(r, ch, 0)?);
    }
    drop(rows);
    // The quantity after the page's first row: every change up to it (index on product, date).
    if let Some((_, d, id)) = fetched.first() {
        let mut running: i64 = db
            .prepare_cached(&format!("SELECT coalesce(sum({change}), 0) {base} AND (m.date, m.id) <= (?4, ?5)"))?
            .query_row(params![t.tenant_id(), path, a.product_id, d, id], |r| r.get(0))?;
        for (i, item) in items.iter_mut().enumerate() {
            if i > 0 {
                let step = if desc { fetched[i - 1].0.checked_neg() } else { Some(fetched[i].0) };
                running = step.and_then(|s| running.checked_add(s)).ok_or_else(|| Error::field("running_quantity", FieldCode::TooLarge))?;
            }
            item.running_quantity = arith::from_scaled(running, QTY_SCALE);
        }
    }
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| format!("{}|{}", r.date, r.move_id))
    } else {
        None
    };
    Ok(crate::list::Page { items, total, next_cursor })
}

// --- lots -----------------------------------------------------------------------------------

const LOT_SELECT: &str = "SELECT l.id, l.product_id, p.sku, l.code, l.expiry_date,
        coalesce((SELECT sum(q.quantity) FROM stock_quants q JOIN stock_locations x ON x.tenant_id = q.tenant_id AND x.id = q.location_id
                  WHERE q.tenant_id = l.tenant_id AND q.lot_id = l.id AND x.kind = 'internal'), 0)
     FROM stock_lots l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id";

fn lot_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Lot> {
    Ok(Lot { id: r.get(0)?, product_id: r.get(1)?, sku: r.get(2)?, code: r.get(3)?, expiry_date: r.get(4)?, on_hand: arith::from_scaled(r.get(5)?, QTY_SCALE) })
}

pub fn get_lot(db: &Connection, t: &TenantCtx, id: LotId) -> Result<Lot> {
    db.prepare_cached(&format!("{LOT_SELECT} WHERE l.tenant_id = ?1 AND l.id = ?2"))?
        .query_row(params![t.tenant_id(), id], lot_row)
        .optional()?
        .ok_or_else(|| Error::not_found("lot", id))
}

/// Lots by SKU then code, a page at a time: `after` the last lot of the previous page.
pub fn list_lots(db: &Connection, t: &TenantCtx, a: &ListLotsArgs) -> Result<Vec<Lot>> {
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let limit = a.limit.unwrap_or(crate::list::MAX_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    if let Some(after) = a.after {
        let found = db.prepare_cached("SELECT 1 FROM stock_lots WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), after])?;
        if !found {
            return Err(Error::field("after", FieldCode::NotFound.with("entity", "lot")));
        }
    }
    let mut st = db.prepare_cached(&format!(
        "{LOT_SELECT} WHERE l.tenant_id = ?1 AND (?2 IS NULL OR l.product_id = ?2) AND (?3 IS NULL OR l.code LIKE ?3 ESCAPE '\\')
           AND (?4 IS NULL OR (p.sku, l.code_key, l.id) > (SELECT p2.sku, l2.code_key, l2.id FROM stock_lots l2
                JOIN products p2 ON p2.tenant_id = l2.tenant_id AND p2.id = l2.product_id WHERE l2.tenant_id = ?1 AND l2.id = ?4))
         ORDER BY p.sku, l.code_key, l.id LIMIT ?5"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.product_id, pattern, a.after, limit], lot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn create_lot(ctx: &mut Ctx<'_>, a: CreateLotArgs) -> Result<Lot> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let code = c.required("code", &a.code, 100);
    c.finish()?;
    let (sku, _) = product_unit(db, &t, a.product_id, "product_id")?;
    if super::engine::tracking_of(db, &t, a.product_id)? == Tracking::None {
        return Err(Error::field("product_id", FieldCode::LotNotTracked.with("sku", &sku)));
    }
    if find_lot(db, &t, a.product_id, &code)?.is_some() {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "lot").with("value", &code)));
    }
    let id = insert_lot(db, &t, a.product_id, &code, a.expiry_date, ctx.now)?;
    ctx.audit("lot", id, json!({"sku": sku, "code": code, "expiry_date": a.expiry_date}));
    get_lot(db, &t, id)
}

/// Where a lot came from and went: every done move of it, oldest first, and where it is now.
pub fn trace(db: &Connection, t: &TenantCtx, id: LotId) -> Result<LotTrace> {
    let lot = get_lot(db, t, id)?;
    let mut st = db.prepare_cached(&format!(
        "SELECT {MOVE_ROW_SELECT},
                CASE WHEN lt.kind = 'internal' AND lf.kind <> 'internal' THEN m.quantity WHEN lf.kind = 'internal' AND lt.kind <> 'internal' THEN -m.quantity ELSE 0 END
         FROM stock_moves m {MOVE_ROW_JOINS}
         WHERE m.tenant_id = ?1 AND m.lot_id = ?2 AND m.state = 'done' ORDER BY m.date, m.id"
    ))?;
    let mut rows = st.query(params![t.tenant_id(), id])?;
    let mut moves = Vec::new();
    let mut running = 0_i64;
    while let Some(r) = rows.next()? {
        let ch: i64 = r.get(11)?;
        running = running.saturating_add(ch);
        moves.push(move_row(r, ch, running)?);
    }
    let on_hand = on_hand(db, t, &OnHandArgs { product_id: lot.product_id, warehouse_id: None, location_id: None, lot_id: Some(id), date: None })?.rows;
    Ok(LotTrace { lot, moves, on_hand })
}

/// The SKU of the first of `product` and its variants that has stock moves (other than
/// cancelled ones): such a product keeps its unit (its stock is counted in it) and never
/// becomes a kit (a kit holds no stock). The catalog asks before changing either.
pub fn product_with_moves(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<Option<String>> {
    Ok(db
        .prepare_cached(
            "SELECT p.sku FROM products p WHERE p.tenant_id = ?1 AND (p.id = ?2 OR p.parent_id = ?2)
             AND EXISTS (SELECT 1 FROM stock_moves m WHERE m.tenant_id = p.tenant_id AND m.product_id = p.id AND m.state <> 'cancelled') ORDER BY p.sku LIMIT 1",
        )?
        .query_row(params![t.tenant_id(), product], |r| r.get(0))
        .optional()?)
}

// --- tracking -------------------------------------------------------------------------------

/// Sets how a product is tracked. A product that has moves (other than cancelled ones)
/// keeps its tracking: its history and lots would no longer agree.
pub fn set_tracking(ctx: &mut Ctx<'_>, a: SetTrackingArgs) -> Result<ProductTracking> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let p = crate::catalog::transactable_product(db, &t, a.product_id, "product_id")?;
    let old = super::engine::tracking_of(db, &t, p.id)?;
    if old != a.tracking {
        let used = db
            .prepare_cached("SELECT 1 FROM stock_moves WHERE tenant_id = ?1 AND product_id = ?2 AND state <> 'cancelled' LIMIT 1")?
            .exists(params![t.tenant_id(), p.id])?;
        if used {
            return Err(Error::refused(Reason::InUse));
        }
        db.prepare_cached("UPDATE products SET tracking = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), p.id, a.tracking])?;
        ctx.audit("product", p.id, json!({"sku": p.sku, "tracking": [old, a.tracking]}));
    } else {
        ctx.wrote_nothing();
    }
    Ok(ProductTracking { product_id: p.id, sku: p.sku, tracking: a.tracking })
}

// --- the check ------------------------------------------------------------------------------

/// Recomputes every quantity on hand from the done moves and compares; lists negative
/// quantities (when not allowed) and serials on hand twice.
pub fn check(db: &Connection, t: &TenantCtx) -> Result<InventoryCheck> {
    let quants: i64 = db.prepare_cached("SELECT count(*) FROM stock_quants WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let done_moves: i64 = db.prepare_cached("SELECT count(*) FROM stock_moves WHERE tenant_id = ?1 AND state = 'done'")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let drift_row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<QuantDrift> {
        Ok(QuantDrift {
            product_id: r.get(0)?,
            location_id: r.get(1)?,
            lot_id: r.get(2)?,
            maintained: arith::from_scaled(r.get(3)?, QTY_SCALE),
            from_moves: arith::from_scaled(r.get(4)?, QTY_SCALE),
        })
    };
    let drift: Vec<QuantDrift> = db
        .prepare_cached(
            // One grouping over the maintained rows and the moves' (no join between two
            // large sets): each key's maintained quantity beside the sum of its moves.
            "WITH x AS (
                SELECT product_id p, location_id loc, coalesce(lot_id, 0) lot, quantity k, 0 r FROM stock_quants WHERE tenant_id = ?1
                UNION ALL
                SELECT m.product_id, m.to_location_id, coalesce(m.lot_id, 0), 0, m.quantity FROM stock_moves m
                JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.to_location_id
                WHERE m.tenant_id = ?1 AND m.state = 'done' AND l.kind = 'internal'
                UNION ALL
                SELECT m.product_id, m.from_location_id, coalesce(m.lot_id, 0), 0, -m.quantity FROM stock_moves m
                JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.from_location_id
                WHERE m.tenant_id = ?1 AND m.state = 'done' AND l.kind = 'internal'
             )
             SELECT p, loc, nullif(lot, 0), sum(k), sum(r) FROM x GROUP BY p, loc, lot HAVING sum(k) <> sum(r)",
        )?
        .query_map([t.tenant_id()], drift_row)?
        .collect::<rusqlite::Result<_>>()?;
    let negative: Vec<QuantDrift> = if places::get_settings(db, t)?.allow_negative_stock {
        Vec::new()
    } else {
        db.prepare_cached("SELECT product_id, location_id, lot_id, quantity, quantity FROM stock_quants WHERE tenant_id = ?1 AND quantity < 0")?
            .query_map([t.tenant_id()], drift_row)?
            .collect::<rusqlite::Result<_>>()?
    };
    let serials_in_two_places: Vec<LotId> = db
        .prepare_cached(
            "SELECT q.lot_id FROM stock_quants q JOIN products p ON p.tenant_id = q.tenant_id AND p.id = q.product_id
             WHERE q.tenant_id = ?1 AND p.tracking = 'serial' AND q.quantity > 0 AND q.lot_id IS NOT NULL
             GROUP BY q.lot_id HAVING count(*) > 1 OR sum(q.quantity) > 10000",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // The cost states: quantity owned (internal and transit) = the done moves'.
    let cost_drift: Vec<ProductId> = db
        .prepare_cached(
            "WITH x AS (
                SELECT product_id p, quantity k, 0 r FROM stock_costs WHERE tenant_id = ?1
                UNION ALL
                SELECT m.product_id, 0, CASE WHEN lt.kind IN ('internal', 'transit') THEN m.quantity ELSE 0 END
                                      - CASE WHEN lf.kind IN ('internal', 'transit') THEN m.quantity ELSE 0 END
                FROM stock_moves m JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
                JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
                WHERE m.tenant_id = ?1 AND m.state = 'done'
             )
             SELECT p FROM x GROUP BY p HAVING sum(k) <> sum(r) ORDER BY 1",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // And the valuation rows agree with the cost states (value and quantity).
    let mut cost_drift = cost_drift;
    cost_drift.extend(super::valuation::drift(db, t)?);
    cost_drift.sort();
    cost_drift.dedup();
    let total: i64 = db.prepare_cached("SELECT coalesce(sum(value), 0) FROM stock_costs WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let balance = super::valuation::inventory_balance(db, t)?;
    let books_agree = balance.is_none_or(|b| b == total);
    let ok = drift.is_empty() && negative.is_empty() && serials_in_two_places.is_empty() && cost_drift.is_empty() && books_agree;
    Ok(InventoryCheck {
        ok,
        quants,
        done_moves,
        drift,
        negative,
        serials_in_two_places,
        cost_drift,
        valuation_total: crate::money::from_db(total),
        inventory_account_balance: balance.map(crate::money::from_db),
    })
}
