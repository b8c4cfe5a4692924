//! SQL for categories, brands, units and attributes.

use crate::catalog::model::*;
use crate::catalog::sql::{Where, like_words, page_of};
use crate::command::TenantCtx;
use crate::{Error, Result, arith};
use crate::keys::fold;
use crate::list::{ListPlan, Page, Sort};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use rusqlite::types::Value as SqlValue;
use std::collections::HashMap;

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
