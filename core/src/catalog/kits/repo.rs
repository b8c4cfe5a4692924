//! SQL for kits: component lines, cycles and cost edges.

use crate::catalog::model::*;
use crate::command::TenantCtx;
use crate::{Result, arith};
use rusqlite::{Connection, OptionalExtension, params};

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

/// Every component line under the `kits`, recursively: one query for a whole page.
pub fn list_cost_edges(db: &Connection, t: &TenantCtx, kits: &[ProductId]) -> Result<Vec<CostEdge>> {
    let ids = serde_json::Value::from(kits.iter().map(|k| k.0).collect::<Vec<_>>()).to_string();
    let mut stmt = db.prepare_cached(
        "WITH RECURSIVE sub(id) AS (
            SELECT value FROM json_each(?2)
            UNION SELECT k.component_id FROM product_components k JOIN sub ON k.kit_id = sub.id WHERE k.tenant_id = ?1
         )
         SELECT k.kit_id, k.component_id, k.quantity, lu.factor_e6, cu.factor_e6, p.cost
         FROM sub
         CROSS JOIN product_components k ON k.tenant_id = ?1 AND k.kit_id = sub.id
         JOIN products p ON p.id = k.component_id
         JOIN units lu ON lu.id = k.unit_id
         JOIN units cu ON cu.id = p.unit_id",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), ids], |r| {
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

/// True when some kit holds `id` as a component.
pub fn is_component(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM product_components WHERE tenant_id = ?1 AND component_id = ?2 LIMIT 1")?
        .query_row(params![t.tenant_id(), id], |_| Ok(()))
        .optional()?
        .is_some())
}
