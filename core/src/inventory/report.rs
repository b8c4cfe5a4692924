//! The stock report: stock across products, now (from the maintained quantities) or at the
//! end of a past day (from the done moves), grouped by product, location or lot.
//!
//! It walks products in SKU order through the `(tenant, sku)` index and reads each one's
//! stock through the product-keyed indexes (`stock_quants_key`, `stock_moves_product_date`),
//! a page at a time, so the first page costs the same at 100 products or 100,000. It
//! counts no total: that would read every product's stock.

use super::model::*;
use super::stock::{in_scope, scope};
use crate::catalog::model::ProductId;
use crate::command::TenantCtx;
use crate::{Error, FieldCode, Result, arith};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// Products read per step of the walk.
const BATCH: i64 = 100;

struct Place {
    location_id: LocationId,
    location: String,
    lot_id: Option<LotId>,
    lot_code: Option<String>,
    expiry: Option<NaiveDate>,
    quantity: i64,
}

/// One product's stock in the scope, per (location, lot), now or at the end of `at`.
/// `CROSS JOIN` keeps SQLite on the product-keyed index first (a company's locations can
/// outnumber one product's quants by far), then each location by its key.
fn places_of(db: &Connection, t: &TenantCtx, path: &str, product: ProductId, at: Option<NaiveDate>) -> Result<Vec<Place>> {
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Place> {
        Ok(Place { location_id: r.get(0)?, location: r.get(1)?, lot_id: r.get(2)?, lot_code: r.get(3)?, expiry: r.get(4)?, quantity: r.get(5)? })
    };
    Ok(match at {
        None => db
            .prepare_cached(&format!(
                "SELECT q.location_id, l.full_name, q.lot_id, lot.code, lot.expiry_date, q.quantity FROM stock_quants q
                 CROSS JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
                 LEFT JOIN stock_lots lot ON lot.tenant_id = q.tenant_id AND lot.id = q.lot_id
                 WHERE q.tenant_id = ?1 AND q.product_id = ?3 AND {} AND q.quantity <> 0",
                in_scope("l")
            ))?
            .query_map(params![t.tenant_id(), path, product], row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(date) => db
            .prepare_cached(&format!(
                "WITH d AS (
                    SELECT m.to_location_id AS loc, m.lot_id, m.quantity AS q FROM stock_moves m
                    CROSS JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.to_location_id
                    WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'done' AND m.date <= ?4 AND {}
                    UNION ALL
                    SELECT m.from_location_id, m.lot_id, -m.quantity FROM stock_moves m
                    CROSS JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.from_location_id
                    WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'done' AND m.date <= ?4 AND {}
                 )
                 SELECT d.loc, l.full_name, d.lot_id, lot.code, lot.expiry_date, sum(d.q) FROM d
                 JOIN stock_locations l ON l.tenant_id = ?1 AND l.id = d.loc
                 LEFT JOIN stock_lots lot ON lot.tenant_id = ?1 AND lot.id = d.lot_id
                 GROUP BY d.loc, d.lot_id HAVING sum(d.q) <> 0",
                in_scope("l"),
                in_scope("l")
            ))?
            .query_map(params![t.tenant_id(), path, product, date], row)?
            .collect::<rusqlite::Result<_>>()?,
    })
}

/// Ready moves of `product` leaving the scope (not to another place inside it).
fn reserved_of(db: &Connection, t: &TenantCtx, path: &str, product: ProductId) -> Result<i64> {
    Ok(db
        .prepare_cached(&format!(
            "SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m CROSS JOIN stock_locations l ON l.tenant_id = m.tenant_id AND l.id = m.from_location_id
             JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
             WHERE m.tenant_id = ?1 AND m.product_id = ?3 AND m.state = 'ready' AND {} AND NOT {}",
            in_scope("l"),
            in_scope("lt")
        ))?
        .query_row(params![t.tenant_id(), path, product], |r| r.get(0))?)
}

fn sum(field: &str, mut it: impl Iterator<Item = i64>) -> Result<i64> {
    it.try_fold(0_i64, |a, b| a.checked_add(b)).ok_or_else(|| Error::field(field, FieldCode::TooLarge))
}

struct ProductHead {
    id: ProductId,
    sku: String,
    name: String,
    unit: String,
}

/// A lot row's place in its product's rows: by code (none first), then id.
type LotKey = (Option<String>, Option<LotId>);

/// One product's rows in the report, in their order.
fn rows_of(db: &Connection, t: &TenantCtx, path: &str, p: &ProductHead, a: &StockReportArgs, group: StockGroupBy) -> Result<Vec<StockReportRow>> {
    let places = places_of(db, t, path, p.id, a.at)?;
    if places.is_empty() {
        return Ok(vec![]);
    }
    let q = |v: i64| arith::from_scaled(v, QTY_SCALE);
    let base = |quantity: i64| StockReportRow {
        product_id: p.id,
        sku: p.sku.clone(),
        name: p.name.clone(),
        unit_code: p.unit.clone(),
        location_id: None,
        location: None,
        lot_id: None,
        lot_code: None,
        expiry_date: None,
        quantity: q(quantity),
        reserved: None,
        available: None,
    };
    Ok(match group {
        StockGroupBy::Product => {
            let total = sum("quantity", places.iter().map(|x| x.quantity))?;
            if total == 0 {
                return Ok(vec![]);
            }
            let mut row = base(total);
            if a.at.is_none() {
                let reserved = reserved_of(db, t, path, p.id)?;
                row.reserved = Some(q(reserved));
                row.available = Some(q(total.checked_sub(reserved).ok_or_else(|| Error::field("available", FieldCode::TooLarge))?));
            }
            vec![row]
        }
        StockGroupBy::Location => {
            let mut by: BTreeMap<(String, LocationId), i64> = BTreeMap::new();
            for x in &places {
                let e = by.entry((x.location.clone(), x.location_id)).or_default();
                *e = e.checked_add(x.quantity).ok_or_else(|| Error::field("quantity", FieldCode::TooLarge))?;
            }
            by.into_iter()
                .filter(|(_, v)| *v != 0)
                .map(|((name, id), v)| StockReportRow { location_id: Some(id), location: Some(name), ..base(v) })
                .collect()
        }
        StockGroupBy::Lot => {
            let mut by: BTreeMap<LotKey, (Option<NaiveDate>, i64)> = BTreeMap::new();
            for x in &places {
                let e = by.entry((x.lot_code.clone(), x.lot_id)).or_insert((x.expiry, 0));
                e.1 = e.1.checked_add(x.quantity).ok_or_else(|| Error::field("quantity", FieldCode::TooLarge))?;
            }
            by.into_iter()
                .filter(|(_, (_, v))| *v != 0)
                .map(|((code, id), (expiry, v))| StockReportRow { lot_id: id, lot_code: code, expiry_date: expiry, ..base(v) })
                .collect()
        }
    })
}

/// `product_id:rows already given of it`.
fn parse_cursor(c: &str) -> Result<(ProductId, usize)> {
    c.split_once(':')
        .and_then(|(p, n)| Some((ProductId(p.parse().ok()?), n.parse().ok()?)))
        .ok_or_else(|| Error::field("cursor", FieldCode::InvalidCursor))
}

pub fn stock_report(db: &Connection, t: &TenantCtx, a: &StockReportArgs) -> Result<StockReport> {
    let group = a.group_by.unwrap_or_default();
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT) as usize;
    let path = scope(db, t, a.warehouse_id, a.location_id)?;
    if let Some(c) = a.category_id {
        let found = db.prepare_cached("SELECT 1 FROM categories WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), c])?;
        if !found {
            return Err(Error::field("category_id", FieldCode::NotFound.with("entity", "category")));
        }
    }
    let fts = a.search.as_deref().and_then(crate::list::fts_query);
    // Where the walk starts: the cursor's product (its first `skip` rows already given).
    let (mut from_sku, mut skip): (String, Option<(ProductId, usize)>) = match a.cursor.as_deref() {
        None | Some("") => (String::new(), None),
        Some(c) => {
            let (pid, n) = parse_cursor(c)?;
            let sku: String = db
                .prepare_cached("SELECT sku FROM products WHERE tenant_id = ?1 AND id = ?2")?
                .query_row(params![t.tenant_id(), pid], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::field("cursor", FieldCode::InvalidCursor))?;
            (sku, Some((pid, n)))
        }
    };
    let has_stock = match a.at {
        None => "EXISTS (SELECT 1 FROM stock_quants q WHERE q.tenant_id = p.tenant_id AND q.product_id = p.id AND q.quantity <> 0)",
        Some(_) => "EXISTS (SELECT 1 FROM stock_moves m WHERE m.tenant_id = p.tenant_id AND m.product_id = p.id AND m.date <= ?5)",
    };
    let sql = format!(
        "SELECT p.id, p.sku, p.name, u.code FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
         WHERE p.tenant_id = ?1 AND p.sku >= ?2 AND p.kind = 'stockable' AND NOT p.is_template
           AND (?3 IS NULL OR p.category_id IN (WITH RECURSIVE sub(id) AS (SELECT ?3 UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id WHERE k.tenant_id = ?1) SELECT id FROM sub))
           AND (?4 IS NULL OR p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?4))
           AND {has_stock}
         ORDER BY p.sku LIMIT ?6"
    );
    let mut rows: Vec<(StockReportRow, usize)> = Vec::new();
    // The product whose rows end the previous step (excluded from the next one: `>=`).
    let mut last: Option<ProductId> = None;
    'walk: loop {
        let heads: Vec<ProductHead> = db
            .prepare_cached(&sql)?
            .query_map(params![t.tenant_id(), from_sku, a.category_id, fts, a.at, BATCH], |r| {
                Ok(ProductHead { id: r.get(0)?, sku: r.get(1)?, name: r.get(2)?, unit: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let full = heads.len() as i64 == BATCH;
        for p in &heads {
            if last == Some(p.id) {
                continue;
            }
            let start = match skip {
                Some((pid, n)) if pid == p.id => n,
                _ => 0,
            };
            for (i, row) in rows_of(db, t, &path, p, a, group)?.into_iter().enumerate().skip(start) {
                rows.push((row, i));
                if rows.len() > limit {
                    break 'walk;
                }
            }
        }
        skip = None;
        match heads.last() {
            Some(p) if full => {
                from_sku = p.sku.clone();
                last = Some(p.id);
            }
            _ => break,
        }
    }
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(r, i)| format!("{}:{}", r.product_id.0, i + 1))
    } else {
        None
    };
    Ok(StockReport { group_by: group, at: a.at, rows: rows.into_iter().map(|(r, _)| r).collect(), next_cursor })
}
