//! SQL for products.

use crate::catalog::model::*;
use crate::catalog::sql::Where;
use crate::command::TenantCtx;
use crate::{Error, Result, money};
use crate::keys::fold;
use crate::list::{ListPlan, Page, Sort};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use rusqlite::types::Value as SqlValue;

/// A product row as written.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub brand_id: Option<BrandId>,
    pub unit_id: UnitId,
    pub kind: ProductKind,
    pub is_template: bool,
    pub parent_id: Option<ProductId>,
    pub combination_key: Option<String>,
    pub sale_price: i64,
    pub cost: i64,
    pub archived: bool,
}

const PRODUCT_FROM: &str = "products p
    LEFT JOIN categories c ON c.id = p.category_id
    LEFT JOIN brands b ON b.id = p.brand_id
    JOIN units u ON u.id = p.unit_id";

const PRODUCT_SELECT: &str = "p.id, p.sku, p.barcode, p.name, p.description, p.category_id, c.name, p.brand_id, b.name,
    p.unit_id, u.code, p.kind, p.is_template, p.parent_id,
    EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id),
    p.sale_price, p.cost, p.archived, p.created_at, p.updated_at";

fn product_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        sku: r.get(1)?,
        barcode: r.get(2)?,
        name: r.get(3)?,
        description: r.get(4)?,
        category_id: r.get(5)?,
        category_name: r.get(6)?,
        brand_id: r.get(7)?,
        brand_name: r.get(8)?,
        unit_id: r.get(9)?,
        unit_code: r.get(10)?,
        kind: r.get(11)?,
        is_template: r.get(12)?,
        parent_id: r.get(13)?,
        is_kit: r.get(14)?,
        sale_price: money::from_db(r.get(15)?),
        cost: money::from_db(r.get(16)?),
        // A kit's is filled in by the service (`with_effective_costs`), a page at a time.
        effective_cost: Some(money::from_db(r.get(16)?)),
        archived: r.get(17)?,
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

pub const PRODUCT_SORTS: &[Sort] = &[
    Sort { key: "name", sql: "p.name" },
    Sort { key: "sku", sql: "p.sku" },
    Sort { key: "sale_price", sql: "p.sale_price" },
    Sort { key: "cost", sql: "p.cost" },
    Sort { key: "updated_at", sql: "p.updated_at" },
];

pub fn list_products(db: &Connection, t: &TenantCtx, a: &ListProductsArgs, plan: &ListPlan) -> Result<Page<Product>> {
    let mut w = Where::default();
    let tp = w.bind(t.tenant_id().0);
    w.push(format!("p.tenant_id = {tp}"));
    let q = a.query.clone().unwrap_or_default();
    if q.include_archived != Some(true) {
        w.push("p.archived = 0".into());
    }
    // Filters with an index of their own (holding archived, name and id) leave few
    // enough index entries to sort for a page; the others keep most rows and are cut
    // from a walk along the sort key's index.
    let mut sort_matches = false;
    if let Some(c) = a.category_id {
        let c = w.bind(c.0);
        w.push(format!(
            "p.category_id IN (WITH RECURSIVE sub(id) AS (SELECT {c} UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id WHERE k.tenant_id = {tp}) SELECT id FROM sub)"
        ));
        sort_matches = true;
    }
    if let Some(b) = a.brand_id {
        let b = w.bind(b.0);
        w.push(format!("p.brand_id = {b}"));
        sort_matches = true;
    }
    if let Some(k) = a.kind {
        let k = w.bind(k.as_str().to_string());
        w.push(format!("p.kind = {k}"));
        sort_matches = true;
    }
    if let Some(parent) = a.parent_id {
        let p = w.bind(parent.0);
        w.push(format!("p.parent_id = {p}"));
        sort_matches = true;
    }
    if a.hide_variants == Some(true) {
        w.push("p.parent_id IS NULL".into());
    }
    if a.transactable_only == Some(true) {
        w.push("p.is_template = 0".into());
    }
    let fts = plan.fts.as_ref().map(|f| w.bind(f.clone()));
    page_of_products(db, w, plan, sort_matches, fts)
}

/// Below this many search matches, a page is cut from the sorted matches (found through
/// the full-text index); above it, from a walk along the sort key's index, which meets a
/// page of matches within a few hundred rows.
const SORT_MATCHES_BELOW: i64 = 3_000;

fn page_of_products(db: &Connection, mut w: Where, plan: &ListPlan, sort_matches: bool, fts: Option<String>) -> Result<Page<Product>> {
    const FTS_JOIN: &str = "products_fts f CROSS JOIN products p ON p.id = f.rowid";
    let count_sql = match &fts {
        // Driven by the full-text index: one row lookup per match.
        Some(f) => format!("SELECT count(*) FROM {FTS_JOIN} WHERE products_fts MATCH {f} AND {}", w.sql()),
        None => format!("SELECT count(*) FROM products p WHERE {}", w.sql()),
    };
    let total: i64 = db.prepare_cached(&count_sql)?.query_row(params_from_iter(&w.params), |r| r.get(0))?;
    w.keyset(plan, "p.id");
    let limit = w.bind(plan.fetch_limit());
    let order = plan.order_sql("p.id");
    // A unary `+` on the sort key stops SQLite from walking the sort index: it takes the
    // matches and sorts them (keeping only a page's worth as it goes).
    let dir = if plan.desc { "DESC" } else { "ASC" };
    let sorted = format!("+{} COLLATE NOCASE {dir}, p.id {dir}", plan.sort.sql);
    let (from, cond, inner_order) = match &fts {
        Some(f) if total < SORT_MATCHES_BELOW => (FTS_JOIN, format!("products_fts MATCH {f}"), sorted),
        Some(f) => ("products p", format!("p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH {f})"), order.clone()),
        None if sort_matches => ("products p", "1".to_string(), sorted),
        None => ("products p", "1".to_string(), order.clone()),
    };
    // The page's ids come from `products` (and its indexes) alone; the joins run for
    // those rows only.
    let sql = format!(
        "SELECT {PRODUCT_SELECT}, {sort} AS sort_value, p.id FROM {PRODUCT_FROM}
         WHERE p.id IN (SELECT p.id FROM {from} WHERE {cond} AND {} ORDER BY {inner_order} LIMIT {limit})
         ORDER BY {order}",
        w.sql(),
        sort = plan.sort.sql
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&w.params), |r| Ok((product_row(r)?, r.get::<_, SqlValue>(20)?, r.get::<_, i64>(21)?)))?;
    Ok(plan.finish(rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}

pub fn get_product(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<Product> {
    db.prepare_cached(&format!("SELECT {PRODUCT_SELECT} FROM {PRODUCT_FROM} WHERE p.tenant_id = ?1 AND p.id = ?2"))?
        .query_row(params![t.tenant_id(), id], product_row)
        .optional()?
        .ok_or_else(|| Error::not_found("product", id))
}

pub fn insert_product(db: &Connection, t: &TenantCtx, p: &NewProduct, now: DateTime<Utc>) -> Result<ProductId> {
    db.prepare_cached(
        "INSERT INTO products (tenant_id, sku, sku_key, barcode, name, description, category_id, brand_id, unit_id, kind, is_template,
            parent_id, combination_key, sale_price, cost, archived, created_at, updated_at)
         VALUES (?1, ?2, ?17, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        t.tenant_id(),
        p.sku,
        p.barcode,
        p.name,
        p.description,
        p.category_id,
        p.brand_id,
        p.unit_id,
        p.kind,
        p.is_template,
        p.parent_id,
        p.combination_key,
        p.sale_price,
        p.cost,
        p.archived,
        now,
        fold(&p.sku)
    ])?;
    Ok(ProductId(db.last_insert_rowid()))
}

/// Writes the editable fields of a product (not its template/variant structure).
pub fn update_product(db: &Connection, t: &TenantCtx, id: ProductId, p: &NewProduct, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached(
        "UPDATE products SET sku = ?3, sku_key = ?14, barcode = ?4, name = ?5, description = ?6, category_id = ?7, brand_id = ?8,
            unit_id = ?9, kind = ?10, sale_price = ?11, cost = ?12, updated_at = ?13
         WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![
        t.tenant_id(),
        id,
        p.sku,
        p.barcode,
        p.name,
        p.description,
        p.category_id,
        p.brand_id,
        p.unit_id,
        p.kind,
        p.sale_price,
        p.cost,
        now,
        fold(&p.sku)
    ])?;
    Ok(())
}

/// A template's unit and kind pass to its variants.
pub fn update_variants_unit_kind(db: &Connection, t: &TenantCtx, parent: ProductId, unit: UnitId, kind: ProductKind, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached(
        "UPDATE products SET unit_id = ?3, kind = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND parent_id = ?2 AND (unit_id <> ?3 OR kind <> ?4)",
    )?
    .execute(params![t.tenant_id(), parent, unit, kind, now])?;
    Ok(())
}

/// Archives or restores a product and, for a template, its variants.
pub fn update_archived(db: &Connection, t: &TenantCtx, id: ProductId, archived: bool, now: DateTime<Utc>) -> Result<usize> {
    Ok(db
        .prepare_cached("UPDATE products SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND (id = ?2 OR parent_id = ?2) AND archived <> ?3")?
        .execute(params![t.tenant_id(), id, archived, now])?)
}

pub fn find_product_by_sku(db: &Connection, t: &TenantCtx, sku: &str) -> Result<Option<ProductId>> {
    Ok(db
        .prepare_cached("SELECT id FROM products WHERE tenant_id = ?1 AND sku_key = ?2")?
        .query_row(params![t.tenant_id(), fold(sku)], |r| r.get(0))
        .optional()?)
}

pub fn sku_taken(db: &Connection, t: &TenantCtx, sku: &str, except: Option<ProductId>) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM products WHERE tenant_id = ?1 AND sku_key = ?2 AND id IS NOT ?3")?
        .query_row(params![t.tenant_id(), fold(sku), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn barcode_taken(db: &Connection, t: &TenantCtx, barcode: &str, except: Option<ProductId>) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM products WHERE tenant_id = ?1 AND barcode = ?2 AND id IS NOT ?3")?
        .query_row(params![t.tenant_id(), barcode, except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn count_products(db: &Connection, t: &TenantCtx) -> Result<i64> {
    Ok(db.prepare_cached("SELECT count(*) FROM products WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?)
}
