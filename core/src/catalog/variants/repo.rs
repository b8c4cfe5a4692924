//! SQL for variant templates (attributes, values, price extras) and their variants.

use crate::catalog::model::*;
use crate::command::TenantCtx;
use crate::{Result, money};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

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

pub fn count_variants(db: &Connection, t: &TenantCtx, parent: ProductId) -> Result<i64> {
    Ok(db
        .prepare_cached("SELECT count(*) FROM products WHERE tenant_id = ?1 AND parent_id = ?2")?
        .query_row(params![t.tenant_id(), parent], |r| r.get(0))?)
}

pub fn update_is_template(db: &Connection, t: &TenantCtx, id: ProductId, is_template: bool, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached("UPDATE products SET is_template = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), id, is_template, now])?;
    Ok(())
}
