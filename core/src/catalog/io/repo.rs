//! SQL for imports and exports: products with everything an export row shows.

use crate::catalog::model::*;
use crate::command::TenantCtx;
use crate::Result;
use rusqlite::Connection;

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

/// A product as an import sees it: id, SKU key, barcode, is_template, unit.
pub type ProductKey = (ProductId, String, Option<String>, bool, UnitId);

/// Every product's key fields, for imports.
pub fn list_product_keys(db: &Connection, t: &TenantCtx) -> Result<Vec<ProductKey>> {
    let mut stmt = db.prepare_cached("SELECT id, sku_key, barcode, is_template, unit_id FROM products WHERE tenant_id = ?1 AND sku_key IS NOT NULL")?;
    let rows = stmt.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
