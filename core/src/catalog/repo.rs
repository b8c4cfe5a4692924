//! SQL for the catalog. Every function takes the open transaction and the company.

use super::model::*;
use crate::command::TenantCtx;
use crate::keys::fold;
use crate::list::{ListPlan, Page, Sort, like_pattern};
use crate::{Error, Result, arith, money};
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use std::collections::HashMap;

/// A WHERE clause under construction with numbered parameters.
#[derive(Default)]
struct Where {
    parts: Vec<String>,
    params: Vec<SqlValue>,
}

impl Where {
    fn bind(&mut self, v: impl Into<SqlValue>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }
    fn push(&mut self, part: String) {
        self.parts.push(part);
    }
    fn sql(&self) -> String {
        if self.parts.is_empty() { "1".into() } else { self.parts.join(" AND ") }
    }
    /// Adds the keyset condition (after the count query has used the rest).
    fn keyset(&mut self, plan: &ListPlan, id_col: &str) {
        if plan.after.is_some() {
            let first = self.params.len() + 1;
            let (v, id) = plan.keyset_params();
            self.params.push(v);
            self.params.push(SqlValue::Integer(id));
            self.push(plan.keyset_sql(id_col, first));
        }
    }
}

/// `col LIKE %word%` for each word of a search (for the small lists without FTS).
fn like_words(w: &mut Where, cols: &[&str], search: Option<&str>) {
    for pattern in search.unwrap_or("").split_whitespace().take(8).filter_map(like_pattern) {
        let p = w.bind(pattern);
        let any = cols.iter().map(|c| format!("{c} LIKE {p} ESCAPE '\\'")).collect::<Vec<_>>().join(" OR ");
        w.push(format!("({any})"));
    }
}

fn page_of<T>(
    db: &Connection,
    from: &str,
    select: &str,
    mut w: Where,
    plan: &ListPlan,
    id_col: &str,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let total: i64 =
        db.prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {}", w.sql()))?.query_row(params_from_iter(&w.params), |r| r.get(0))?;
    w.keyset(plan, id_col);
    let limit = w.bind(plan.fetch_limit());
    let sql = format!(
        "SELECT {select}, {sort} AS sort_value, {id_col} FROM {from} WHERE {} ORDER BY {} LIMIT {limit}",
        w.sql(),
        plan.order_sql(id_col),
        sort = plan.sort.sql
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map(params_from_iter(&w.params), |r| Ok((map(r)?, r.get::<_, SqlValue>(n - 2)?, r.get::<_, i64>(n - 1)?)))?;
    Ok(plan.finish(rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}

// --- categories ------------------------------------------------------------------------------

/// Every category of the company with its path and depth (a recursive walk from the roots).
const CATEGORY_TREE: &str = "WITH RECURSIVE tree(id, parent_id, name, path, depth) AS (
        SELECT id, parent_id, name, name, 0 FROM categories WHERE tenant_id = ?1 AND parent_id IS NULL
        UNION ALL
        SELECT c.id, c.parent_id, c.name, tree.path || ' / ' || c.name, tree.depth + 1
        FROM categories c JOIN tree ON c.parent_id = tree.id WHERE c.tenant_id = ?1
    )";

const CATEGORY_COLS: &str = "tree.id, tree.parent_id, tree.name, tree.path, tree.depth,
    (SELECT count(*) FROM categories k WHERE k.tenant_id = ?1 AND k.parent_id = tree.id),
    (SELECT count(*) FROM products p WHERE p.tenant_id = ?1 AND p.category_id = tree.id)";

fn category_row(r: &Row<'_>) -> rusqlite::Result<Category> {
    Ok(Category {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        name: r.get(2)?,
        path: r.get(3)?,
        depth: r.get(4)?,
        child_count: r.get(5)?,
        product_count: r.get(6)?,
    })
}

pub const CATEGORY_SORTS: &[Sort] = &[Sort { key: "path", sql: "tree.path COLLATE NOCASE" }, Sort { key: "name", sql: "tree.name COLLATE NOCASE" }];

pub fn list_categories(db: &Connection, t: &TenantCtx, a: &ListCategoriesArgs, plan: &ListPlan) -> Result<Page<Category>> {
    let mut w = Where::default();
    w.bind(t.tenant_id().0);
    if let Some(p) = a.parent_id {
        let p = w.bind(p.0);
        w.push(format!("tree.parent_id = {p}"));
    }
    if a.roots_only == Some(true) {
        w.push("tree.parent_id IS NULL".into());
    }
    like_words(&mut w, &["tree.name"], a.query.as_ref().and_then(|q| q.search.as_deref()));
    // The CTE is part of every statement, so prepend it to the FROM clause.
    let total: i64 = db
        .prepare_cached(&format!("{CATEGORY_TREE} SELECT count(*) FROM tree WHERE {}", w.sql()))?
        .query_row(params_from_iter(&w.params), |r| r.get(0))?;
    w.keyset(plan, "tree.id");
    let limit = w.bind(plan.fetch_limit());
    let sql = format!(
        "{CATEGORY_TREE} SELECT {CATEGORY_COLS}, {} AS sort_value, tree.id FROM tree WHERE {} ORDER BY {} LIMIT {limit}",
        plan.sort.sql,
        w.sql(),
        plan.order_sql("tree.id")
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&w.params), |r| Ok((category_row(r)?, r.get::<_, SqlValue>(7)?, r.get::<_, i64>(8)?)))?;
    Ok(plan.finish(rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}

pub fn get_category(db: &Connection, t: &TenantCtx, id: CategoryId) -> Result<Category> {
    db.prepare_cached(&format!("{CATEGORY_TREE} SELECT {CATEGORY_COLS} FROM tree WHERE tree.id = ?2"))?
        .query_row(params![t.tenant_id(), id], category_row)
        .optional()?
        .ok_or_else(|| Error::not_found("category", id))
}

/// Every category as (id, parent, name), for imports and exports.
pub fn list_category_tree(db: &Connection, t: &TenantCtx) -> Result<Vec<(CategoryId, String)>> {
    let mut stmt = db.prepare_cached(&format!("{CATEGORY_TREE} SELECT id, path FROM tree ORDER BY path COLLATE NOCASE"))?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_category(db: &Connection, t: &TenantCtx, parent: Option<CategoryId>, name: &str, now: DateTime<Utc>) -> Result<CategoryId> {
    db.prepare_cached("INSERT INTO categories (tenant_id, parent_id, name, name_key, created_at, updated_at) VALUES (?1, ?2, ?3, ?5, ?4, ?4)")?
        .execute(params![t.tenant_id(), parent, name, now, fold(name)])?;
    Ok(CategoryId(db.last_insert_rowid()))
}

pub fn category_name_taken(db: &Connection, t: &TenantCtx, parent: Option<CategoryId>, name: &str, except: Option<CategoryId>) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "SELECT 1 FROM categories WHERE tenant_id = ?1 AND coalesce(parent_id, 0) = coalesce(?2, 0) AND name_key = ?3 AND id IS NOT ?4",
        )?
        .query_row(params![t.tenant_id(), parent, fold(name), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn update_category(db: &Connection, t: &TenantCtx, id: CategoryId, parent: Option<CategoryId>, name: &str, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE categories SET parent_id = ?3, name = ?4, name_key = ?6, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, parent, name, now, fold(name)])?;
    Ok(())
}

/// True when `candidate` is `id` itself or lies anywhere below it.
pub fn is_self_or_descendant(db: &Connection, t: &TenantCtx, id: CategoryId, candidate: CategoryId) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "WITH RECURSIVE sub(id) AS (
                SELECT ?2
                UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id WHERE c.tenant_id = ?1
             ) SELECT 1 FROM sub WHERE id = ?3",
        )?
        .query_row(params![t.tenant_id(), id, candidate], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn delete_category(db: &Connection, t: &TenantCtx, id: CategoryId) -> Result<()> {
    db.prepare_cached("DELETE FROM categories WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    Ok(())
}

// --- brands ------------------------------------------------------------------------------------

const BRAND_SELECT: &str = "b.id, b.name, b.archived, (SELECT count(*) FROM products p WHERE p.tenant_id = b.tenant_id AND p.brand_id = b.id)";

fn brand_row(r: &Row<'_>) -> rusqlite::Result<Brand> {
    Ok(Brand { id: r.get(0)?, name: r.get(1)?, archived: r.get(2)?, product_count: r.get(3)? })
}

pub const BRAND_SORTS: &[Sort] = &[Sort { key: "name", sql: "b.name COLLATE NOCASE" }];

pub fn list_brands(db: &Connection, t: &TenantCtx, a: &ListBrandsArgs, plan: &ListPlan) -> Result<Page<Brand>> {
    let mut w = Where::default();
    let tp = w.bind(t.tenant_id().0);
    w.push(format!("b.tenant_id = {tp}"));
    let q = a.query.clone().unwrap_or_default();
    if q.include_archived != Some(true) {
        w.push("NOT b.archived".into());
    }
    like_words(&mut w, &["b.name"], q.search.as_deref());
    page_of(db, "brands b", BRAND_SELECT, w, plan, "b.id", brand_row)
}

pub fn get_brand(db: &Connection, t: &TenantCtx, id: BrandId) -> Result<Brand> {
    db.prepare_cached(&format!("SELECT {BRAND_SELECT} FROM brands b WHERE b.tenant_id = ?1 AND b.id = ?2"))?
        .query_row(params![t.tenant_id(), id], brand_row)
        .optional()?
        .ok_or_else(|| Error::not_found("brand", id))
}

pub fn brand_name_taken(db: &Connection, t: &TenantCtx, name: &str, except: Option<BrandId>) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM brands WHERE tenant_id = ?1 AND name_key = ?2 AND id IS NOT ?3")?
        .query_row(params![t.tenant_id(), fold(name), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert_brand(db: &Connection, t: &TenantCtx, name: &str, now: DateTime<Utc>) -> Result<BrandId> {
    db.prepare_cached("INSERT INTO brands (tenant_id, name, name_key, created_at, updated_at) VALUES (?1, ?2, ?4, ?3, ?3)")?
        .execute(params![t.tenant_id(), name, now, fold(name)])?;
    Ok(BrandId(db.last_insert_rowid()))
}

pub fn update_brand(db: &Connection, t: &TenantCtx, id: BrandId, name: &str, archived: bool, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE brands SET name = ?3, name_key = ?6, archived = ?4, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, name, archived, now, fold(name)])?;
    Ok(())
}

/// Every brand by its stored key.
pub fn list_brand_names(db: &Connection, t: &TenantCtx) -> Result<HashMap<String, BrandId>> {
    let mut stmt = db.prepare_cached("SELECT name_key, id FROM brands WHERE tenant_id = ?1 AND name_key IS NOT NULL")?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// --- units -----------------------------------------------------------------------------------------

const UNIT_SELECT: &str = "u.id, u.code, u.name, u.dimension, u.factor_e6, u.builtin";

fn unit_row(r: &Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        dimension: r.get(3)?,
        factor: arith::from_scaled(r.get(4)?, FACTOR_SCALE),
        builtin: r.get(5)?,
    })
}

pub const UNIT_SORTS: &[Sort] = &[
    Sort { key: "dimension", sql: "u.dimension || ':' || printf('%020d', u.factor_e6)" },
    Sort { key: "code", sql: "u.code COLLATE NOCASE" },
];

pub fn list_units(db: &Connection, t: &TenantCtx, a: &ListUnitsArgs, plan: &ListPlan) -> Result<Page<Unit>> {
    let mut w = Where::default();
    let tp = w.bind(t.tenant_id().0);
    w.push(format!("u.tenant_id = {tp}"));
    if let Some(d) = a.dimension {
        let p = w.bind(d.as_str().to_string());
        w.push(format!("u.dimension = {p}"));
    }
    like_words(&mut w, &["u.code", "u.name"], a.query.as_ref().and_then(|q| q.search.as_deref()));
    page_of(db, "units u", UNIT_SELECT, w, plan, "u.id", unit_row)
}

pub fn all_units(db: &Connection, t: &TenantCtx) -> Result<Vec<Unit>> {
    let mut stmt = db.prepare_cached(&format!("SELECT {UNIT_SELECT} FROM units u WHERE u.tenant_id = ?1 ORDER BY u.id"))?;
    let rows = stmt.query_map([t.tenant_id()], unit_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_unit(db: &Connection, t: &TenantCtx, id: UnitId) -> Result<Unit> {
    db.prepare_cached(&format!("SELECT {UNIT_SELECT} FROM units u WHERE u.tenant_id = ?1 AND u.id = ?2"))?
        .query_row(params![t.tenant_id(), id], unit_row)
        .optional()?
        .ok_or_else(|| Error::not_found("unit", id))
}

pub fn get_unit_by_code(db: &Connection, t: &TenantCtx, code: &str) -> Result<Unit> {
    db.prepare_cached(&format!("SELECT {UNIT_SELECT} FROM units u WHERE u.tenant_id = ?1 AND u.code_key = ?2"))?
        .query_row(params![t.tenant_id(), fold(code)], unit_row)
        .optional()?
        .ok_or_else(|| Error::not_found("unit", code))
}

pub fn insert_unit(db: &Connection, t: &TenantCtx, code: &str, name: &str, dim: Dimension, factor_e6: i64) -> Result<UnitId> {
    db.prepare_cached("INSERT INTO units (tenant_id, code, code_key, name, dimension, factor_e6, builtin) VALUES (?1, ?2, ?6, ?3, ?4, ?5, 0)")?
        .execute(params![t.tenant_id(), code, name, dim, factor_e6, fold(code)])?;
    Ok(UnitId(db.last_insert_rowid()))
}

// --- attributes ----------------------------------------------------------------------------------

fn attribute_values(db: &Connection, t: &TenantCtx, id: AttributeId) -> Result<Vec<AttributeValue>> {
    let mut stmt =
        db.prepare_cached("SELECT id, name, position FROM attribute_values WHERE tenant_id = ?1 AND attribute_id = ?2 ORDER BY position, id")?;
    let rows = stmt.query_map(params![t.tenant_id(), id], |r| Ok(AttributeValue { id: r.get(0)?, name: r.get(1)?, position: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub const ATTRIBUTE_SORTS: &[Sort] = &[Sort { key: "name", sql: "a.name COLLATE NOCASE" }];

pub fn list_attributes(db: &Connection, t: &TenantCtx, a: &ListAttributesArgs, plan: &ListPlan) -> Result<Page<Attribute>> {
    let mut w = Where::default();
    let tp = w.bind(t.tenant_id().0);
    w.push(format!("a.tenant_id = {tp}"));
    like_words(&mut w, &["a.name"], a.query.as_ref().and_then(|q| q.search.as_deref()));
    let page = page_of(db, "attributes a", "a.id, a.name", w, plan, "a.id", |r| {
        Ok(Attribute { id: r.get(0)?, name: r.get(1)?, values: Vec::new() })
    })?;
    let mut items = page.items;
    for a in &mut items {
        a.values = attribute_values(db, t, a.id)?;
    }
    Ok(Page { items, total: page.total, next_cursor: page.next_cursor })
}

pub fn get_attribute(db: &Connection, t: &TenantCtx, id: AttributeId) -> Result<Attribute> {
    let name: String = db
        .prepare_cached("SELECT name FROM attributes WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("attribute", id))?;
    Ok(Attribute { id, name, values: attribute_values(db, t, id)? })
}

pub fn find_attribute(db: &Connection, t: &TenantCtx, name: &str) -> Result<Option<AttributeId>> {
    Ok(db
        .prepare_cached("SELECT id FROM attributes WHERE tenant_id = ?1 AND name_key = ?2")?
        .query_row(params![t.tenant_id(), fold(name)], |r| r.get(0))
        .optional()?)
}

pub fn attribute_name_taken(db: &Connection, t: &TenantCtx, name: &str, except: Option<AttributeId>) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM attributes WHERE tenant_id = ?1 AND name_key = ?2 AND id IS NOT ?3")?
        .query_row(params![t.tenant_id(), fold(name), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert_attribute(db: &Connection, t: &TenantCtx, name: &str, now: DateTime<Utc>) -> Result<AttributeId> {
    db.prepare_cached("INSERT INTO attributes (tenant_id, name, name_key, created_at) VALUES (?1, ?2, ?4, ?3)")?
        .execute(params![t.tenant_id(), name, now, fold(name)])?;
    Ok(AttributeId(db.last_insert_rowid()))
}

pub fn update_attribute_name(db: &Connection, t: &TenantCtx, id: AttributeId, name: &str) -> Result<()> {
    db.prepare_cached("UPDATE attributes SET name = ?3, name_key = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, name, fold(name)])?;
    Ok(())
}

pub fn insert_attribute_value(db: &Connection, t: &TenantCtx, attr: AttributeId, name: &str, position: u32) -> Result<AttributeValueId> {
    db.prepare_cached("INSERT INTO attribute_values (tenant_id, attribute_id, name, name_key, position) VALUES (?1, ?2, ?3, ?5, ?4)")?
        .execute(params![t.tenant_id(), attr, name, position, fold(name)])?;
    Ok(AttributeValueId(db.last_insert_rowid()))
}

pub fn update_attribute_value(db: &Connection, t: &TenantCtx, id: AttributeValueId, name: &str, position: u32) -> Result<()> {
    db.prepare_cached("UPDATE attribute_values SET name = ?3, name_key = ?5, position = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, name, position, fold(name)])?;
    Ok(())
}

pub fn delete_attribute_value(db: &Connection, t: &TenantCtx, id: AttributeValueId) -> Result<()> {
    db.prepare_cached("DELETE FROM attribute_values WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    Ok(())
}

pub fn attribute_value_in_use(db: &Connection, t: &TenantCtx, id: AttributeValueId) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM product_attribute_values WHERE tenant_id = ?1 AND value_id = ?2 LIMIT 1")?
        .query_row(params![t.tenant_id(), id], |_| Ok(()))
        .optional()?
        .is_some())
}

// --- products ---------------------------------------------------------------------------------------

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

pub fn update_is_template(db: &Connection, t: &TenantCtx, id: ProductId, is_template: bool, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE products SET is_template = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, is_template, now])?;
    Ok(())
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

pub fn count_variants(db: &Connection, t: &TenantCtx, parent: ProductId) -> Result<i64> {
    Ok(db
        .prepare_cached("SELECT count(*) FROM products WHERE tenant_id = ?1 AND parent_id = ?2")?
        .query_row(params![t.tenant_id(), parent], |r| r.get(0))?)
}

/// A product as an import sees it: id, SKU key, barcode, is_template, unit.
pub type ProductKey = (ProductId, String, Option<String>, bool, UnitId);

/// Every product's key fields, for imports.
pub fn list_product_keys(db: &Connection, t: &TenantCtx) -> Result<Vec<ProductKey>> {
    let mut stmt = db.prepare_cached("SELECT id, sku_key, barcode, is_template, unit_id FROM products WHERE tenant_id = ?1 AND sku_key IS NOT NULL")?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// --- templates and variants ---------------------------------------------------------------------

pub fn get_template_attributes(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<Vec<TemplateAttribute>> {
    let mut stmt = db.prepare_cached(
        "SELECT pa.attribute_id, a.name, v.id, v.name, pav.price_extra
         FROM product_attributes pa
         JOIN attributes a ON a.id = pa.attribute_id
         JOIN product_attribute_values pav ON pav.tenant_id = pa.tenant_id AND pav.product_id = pa.product_id AND pav.attribute_id = pa.attribute_id
         JOIN attribute_values v ON v.id = pav.value_id
         WHERE pa.tenant_id = ?1 AND pa.product_id = ?2
         ORDER BY pa.position, pav.position, v.position, v.id",
    )?;
    let mut out: Vec<TemplateAttribute> = Vec::new();
    let rows = stmt.query_map(params![t.tenant_id(), product], |r| {
        Ok((r.get::<_, AttributeId>(0)?, r.get::<_, String>(1)?, r.get::<_, AttributeValueId>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
    })?;
    for row in rows {
        let (aid, aname, vid, vname, extra) = row?;
        if out.last().is_none_or(|l| l.attribute_id != aid) {
            out.push(TemplateAttribute { attribute_id: aid, name: aname, values: Vec::new() });
        }
        if let Some(last) = out.last_mut() {
            last.values.push(TemplateValue { value_id: vid, name: vname, price_extra: money::from_db(extra) });
        }
    }
    Ok(out)
}

pub fn upsert_template_attribute(db: &Connection, t: &TenantCtx, product: ProductId, attr: AttributeId, position: u32) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO product_attributes (tenant_id, product_id, attribute_id, position) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET position = excluded.position",
    )?
    .execute(params![t.tenant_id(), product, attr, position])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn upsert_template_value(
    db: &Connection,
    t: &TenantCtx,
    product: ProductId,
    attr: AttributeId,
    value: AttributeValueId,
    extra: i64,
    position: u32,
) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO product_attribute_values (tenant_id, product_id, attribute_id, value_id, price_extra, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO UPDATE SET price_extra = excluded.price_extra, position = excluded.position",
    )?
    .execute(params![t.tenant_id(), product, attr, value, extra, position])?;
    Ok(())
}

pub fn delete_template_value(db: &Connection, t: &TenantCtx, product: ProductId, attr: AttributeId, value: AttributeValueId) -> Result<()> {
    db.prepare_cached("DELETE FROM product_attribute_values WHERE tenant_id = ?1 AND product_id = ?2 AND attribute_id = ?3 AND value_id = ?4")?
        .execute(params![t.tenant_id(), product, attr, value])?;
    Ok(())
}

pub fn delete_template_attribute(db: &Connection, t: &TenantCtx, product: ProductId, attr: AttributeId) -> Result<()> {
    db.prepare_cached("DELETE FROM product_attribute_values WHERE tenant_id = ?1 AND product_id = ?2 AND attribute_id = ?3")?
        .execute(params![t.tenant_id(), product, attr])?;
    db.prepare_cached("DELETE FROM product_attributes WHERE tenant_id = ?1 AND product_id = ?2 AND attribute_id = ?3")?
        .execute(params![t.tenant_id(), product, attr])?;
    Ok(())
}

pub fn template_value_in_use(db: &Connection, t: &TenantCtx, parent: ProductId, value: AttributeValueId) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM variant_values WHERE tenant_id = ?1 AND parent_id = ?2 AND value_id = ?3 LIMIT 1")?
        .query_row(params![t.tenant_id(), parent, value], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The combination keys of a template's variants.
pub fn list_combination_keys(db: &Connection, t: &TenantCtx, parent: ProductId) -> Result<Vec<String>> {
    let mut stmt = db.prepare_cached("SELECT combination_key FROM products WHERE tenant_id = ?1 AND parent_id = ?2")?;
    let rows = stmt.query_map(params![t.tenant_id(), parent], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_variant_value(db: &Connection, t: &TenantCtx, variant: ProductId, parent: ProductId, attr: AttributeId, value: AttributeValueId) -> Result<()> {
    db.prepare_cached("INSERT INTO variant_values (tenant_id, variant_id, parent_id, attribute_id, value_id) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![t.tenant_id(), variant, parent, attr, value])?;
    Ok(())
}

pub fn get_variant_values(db: &Connection, t: &TenantCtx, variant: ProductId) -> Result<Vec<VariantValue>> {
    let mut stmt = db.prepare_cached(
        "SELECT vv.attribute_id, a.name, vv.value_id, v.name
         FROM variant_values vv
         JOIN attributes a ON a.id = vv.attribute_id
         JOIN attribute_values v ON v.id = vv.value_id
         JOIN product_attributes pa ON pa.tenant_id = vv.tenant_id AND pa.product_id = vv.parent_id AND pa.attribute_id = vv.attribute_id
         WHERE vv.tenant_id = ?1 AND vv.variant_id = ?2
         ORDER BY pa.position",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), variant], |r| {
        Ok(VariantValue { attribute_id: r.get(0)?, attribute: r.get(1)?, value_id: r.get(2)?, value: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// --- kits ------------------------------------------------------------------------------------------

pub fn get_components(db: &Connection, t: &TenantCtx, kit: ProductId) -> Result<Vec<Component>> {
    let mut stmt = db.prepare_cached(
        "SELECT k.component_id, p.sku, p.name, k.quantity, k.unit_id, u.code
         FROM product_components k JOIN products p ON p.id = k.component_id JOIN units u ON u.id = k.unit_id
         WHERE k.tenant_id = ?1 AND k.kit_id = ?2 ORDER BY k.position, k.id",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), kit], |r| {
        Ok(Component {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            quantity: arith::from_scaled(r.get(3)?, QTY_SCALE),
            unit_id: r.get(4)?,
            unit_code: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete_components(db: &Connection, t: &TenantCtx, kit: ProductId) -> Result<()> {
    db.prepare_cached("DELETE FROM product_components WHERE tenant_id = ?1 AND kit_id = ?2")?.execute(params![t.tenant_id(), kit])?;
    Ok(())
}

pub fn insert_component(db: &Connection, t: &TenantCtx, kit: ProductId, component: ProductId, qty: i64, unit: UnitId, position: u32) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO product_components (tenant_id, kit_id, component_id, quantity, unit_id, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![t.tenant_id(), kit, component, qty, unit, position])?;
    Ok(())
}

/// True when `kit` is reachable from `component` through component lines (so making
/// `component` part of `kit` would close a cycle), at any depth.
pub fn reaches(db: &Connection, t: &TenantCtx, component: ProductId, kit: ProductId) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "WITH RECURSIVE sub(id) AS (
                SELECT ?2
                UNION SELECT k.component_id FROM product_components k JOIN sub ON k.kit_id = sub.id WHERE k.tenant_id = ?1
             ) SELECT 1 FROM sub WHERE id = ?3",
        )?
        .query_row(params![t.tenant_id(), component, kit], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every kit that holds `product` or one of its variants, at any depth (and `product`
/// itself when it is a kit): (id, SKU), by SKU.
pub fn list_kits_above(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<Vec<(ProductId, String)>> {
    let mut stmt = db.prepare_cached(
        "WITH RECURSIVE up(id) AS (
            SELECT id FROM products WHERE tenant_id = ?1 AND (id = ?2 OR parent_id = ?2)
            UNION SELECT k.kit_id FROM product_components k JOIN up ON k.component_id = up.id WHERE k.tenant_id = ?1
         )
         SELECT p.id, p.sku FROM up JOIN products p ON p.id = up.id
         WHERE EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = ?1 AND k.kit_id = up.id)
         ORDER BY p.sku",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SKUs of the kits that hold `product` or one of its variants as a direct component.
pub fn list_kits_using(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<Vec<String>> {
    let mut stmt = db.prepare_cached(
        "SELECT DISTINCT kit.sku FROM product_components k
         JOIN products c ON c.id = k.component_id
         JOIN products kit ON kit.id = k.kit_id
         WHERE k.tenant_id = ?1 AND (c.id = ?2 OR c.parent_id = ?2)
         ORDER BY kit.sku",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), product], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One component line below a kit, at any depth, with what a cost roll-up needs.
pub struct CostEdge {
    pub kit: ProductId,
    pub component: ProductId,
    pub quantity: i64,
    pub line_factor_e6: i64,
    pub component_factor_e6: i64,
    pub component_cost: i64,
}

/// Every component line under `kit`, recursively.
pub fn list_cost_edges(db: &Connection, t: &TenantCtx, kit: ProductId) -> Result<Vec<CostEdge>> {
    let mut stmt = db.prepare_cached(
        "WITH RECURSIVE sub(id) AS (
            SELECT ?2
            UNION SELECT k.component_id FROM product_components k JOIN sub ON k.kit_id = sub.id WHERE k.tenant_id = ?1
         )
         SELECT k.kit_id, k.component_id, k.quantity, lu.factor_e6, cu.factor_e6, p.cost
         FROM sub
         CROSS JOIN product_components k ON k.tenant_id = ?1 AND k.kit_id = sub.id
         JOIN products p ON p.id = k.component_id
         JOIN units lu ON lu.id = k.unit_id
         JOIN units cu ON cu.id = p.unit_id",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), kit], |r| {
        Ok(CostEdge {
            kit: r.get(0)?,
            component: r.get(1)?,
            quantity: r.get(2)?,
            line_factor_e6: r.get(3)?,
            component_factor_e6: r.get(4)?,
            component_cost: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// --- exports ---------------------------------------------------------------------------------------

/// One product as exported.
pub struct ExportRow {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub brand: Option<String>,
    pub unit: String,
    pub kind: ProductKind,
    pub sale_price: i64,
    pub cost: i64,
    pub barcode: Option<String>,
    pub archived: bool,
    pub is_template: bool,
    pub parent_sku: Option<String>,
}

/// Every product, each template followed by its variants, in SKU order.
pub fn list_export_rows(db: &Connection, t: &TenantCtx) -> Result<Vec<ExportRow>> {
    let mut stmt = db.prepare_cached(
        "SELECT p.id, p.sku, p.name, p.description, p.category_id, b.name, u.code, p.kind, p.sale_price, p.cost, p.barcode, p.archived,
                p.is_template, par.sku
         FROM products p
         LEFT JOIN brands b ON b.id = p.brand_id
         JOIN units u ON u.id = p.unit_id
         LEFT JOIN products par ON par.id = p.parent_id
         WHERE p.tenant_id = ?1
         ORDER BY coalesce(par.sku, p.sku), p.parent_id IS NOT NULL, p.sku",
    )?;
    let rows = stmt.query_map([t.tenant_id()], |r| {
        Ok(ExportRow {
            id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            description: r.get(3)?,
            category_id: r.get(4)?,
            brand: r.get(5)?,
            unit: r.get(6)?,
            kind: r.get(7)?,
            sale_price: r.get(8)?,
            cost: r.get(9)?,
            barcode: r.get(10)?,
            archived: r.get(11)?,
            is_template: r.get(12)?,
            parent_sku: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every template attribute line of the company: (product, attribute, value, extra), in order.
pub fn list_all_template_values(db: &Connection, t: &TenantCtx) -> Result<Vec<(ProductId, String, String, i64)>> {
    let mut stmt = db.prepare_cached(
        "SELECT pa.product_id, a.name, v.name, pav.price_extra
         FROM product_attributes pa
         JOIN attributes a ON a.id = pa.attribute_id
         JOIN product_attribute_values pav ON pav.tenant_id = pa.tenant_id AND pav.product_id = pa.product_id AND pav.attribute_id = pa.attribute_id
         JOIN attribute_values v ON v.id = pav.value_id
         WHERE pa.tenant_id = ?1
         ORDER BY pa.product_id, pa.position, pav.position, v.position, v.id",
    )?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every variant value of the company: (variant, attribute, value), in attribute order.
pub fn list_all_variant_values(db: &Connection, t: &TenantCtx) -> Result<Vec<(ProductId, String, String)>> {
    let mut stmt = db.prepare_cached(
        "SELECT vv.variant_id, a.name, v.name
         FROM variant_values vv
         JOIN attributes a ON a.id = vv.attribute_id
         JOIN attribute_values v ON v.id = vv.value_id
         JOIN product_attributes pa ON pa.tenant_id = vv.tenant_id AND pa.product_id = vv.parent_id AND pa.attribute_id = vv.attribute_id
         WHERE vv.tenant_id = ?1
         ORDER BY vv.variant_id, pa.position",
    )?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every component line of the company: (kit, component SKU, quantity, unit code), in order.
pub fn list_all_components(db: &Connection, t: &TenantCtx) -> Result<Vec<(ProductId, String, i64, String)>> {
    let mut stmt = db.prepare_cached(
        "SELECT k.kit_id, p.sku, k.quantity, u.code
         FROM product_components k JOIN products p ON p.id = k.component_id JOIN units u ON u.id = k.unit_id
         WHERE k.tenant_id = ?1 ORDER BY k.kit_id, k.position, k.id",
    )?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
