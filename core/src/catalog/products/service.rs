//! Rules for products: checks, details with the rolled-up cost, and what a document
//! line may use.

use crate::error::FieldCode;
use super::repo::{self, NewProduct};
use crate::catalog::checks::{check_barcode, check_money, check_sku, must_exist, plan};
use crate::catalog::{kits, taxonomy, variants};
use crate::catalog::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, Result, money};
use crate::list::Page;
use crate::validate::Checker;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::collections::HashMap;
use serde_json::json;

pub fn list_products(ctx: &mut Ctx<'_>, a: ListProductsArgs) -> Result<Page<Product>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::PRODUCT_SORTS)?;
    let mut page = repo::list_products(ctx.db(), &t, &a, &plan)?;
    with_effective_costs(ctx.db(), &t, &mut page.items)?;
    Ok(page)
}

/// Sets each kit's `effective_cost` to its rolled-up cost: one query for all the kits.
/// A kit whose cost cannot be computed gets none, and the page is still read.
pub fn with_effective_costs(db: &Connection, t: &TenantCtx, products: &mut [Product]) -> Result<()> {
    let kits: Vec<ProductId> = products.iter().filter(|p| p.is_kit).map(|p| p.id).collect();
    let costs: HashMap<ProductId, Option<Decimal>> = match kits::service::rolled_up_costs(db, t, &kits, "effective_cost") {
        Ok(all) => all.into_iter().map(|(k, c)| (k, Some(c))).collect(),
        // Rare (a file written before the checks): find the kits at fault one by one.
        Err(Error::Validation { .. }) => {
            let mut each = HashMap::new();
            for &k in &kits {
                let cost = match kits::service::rolled_up_cost(db, t, k, "effective_cost") {
                    Ok(c) => Some(c),
                    Err(Error::Validation { .. }) => None,
                    Err(e) => return Err(e),
                };
                each.insert(k, cost);
            }
            each
        }
        Err(e) => return Err(e),
    };
    for p in products.iter_mut() {
        if let Some(c) = costs.get(&p.id) {
            p.effective_cost = *c;
        }
    }
    Ok(())
}

/// The product with its template attributes, variant values, components and rolled-up cost.
pub fn product_detail(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<ProductDetail> {
    let mut product = repo::get_product(db, t, id)?;
    let attributes = if product.is_template { variants::repo::get_template_attributes(db, t, id)? } else { Vec::new() };
    let variant_values = if product.parent_id.is_some() { variants::repo::get_variant_values(db, t, id)? } else { Vec::new() };
    let variant_count = if product.is_template { variants::repo::count_variants(db, t, id)? } else { 0 };
    let components = if product.is_kit { kits::repo::get_components(db, t, id)? } else { Vec::new() };
    let effective_cost = if product.is_kit { kits::service::rolled_up_cost(db, t, id, "effective_cost")? } else { product.cost };
    product.effective_cost = Some(effective_cost);
    Ok(ProductDetail { product, attributes, variant_values, variant_count, components, effective_cost })
}

pub fn get_product(ctx: &mut Ctx<'_>, id: ProductId) -> Result<ProductDetail> {
    product_detail(ctx.db(), &ctx.tenant()?, id)
}

/// The product a document line (order, invoice, stock move) may use: it exists in this
/// company, is active, and is not a variant template. Later modules call this rather
/// than reading the flags themselves.
pub fn transactable_product(db: &Connection, t: &TenantCtx, id: ProductId, field: &str) -> Result<Product> {
    let p = must_exist(repo::get_product(db, t, id), field, "product")?;
    if p.is_template {
        return Err(Error::field(field, FieldCode::IsTemplate.with("sku", &p.sku)));
    }
    if p.archived {
        return Err(Error::field(field, FieldCode::Archived.with("sku", &p.sku)));
    }
    Ok(p)
}

/// The same refusals as [`transactable_product`] (missing, template, archived) from
/// three columns, for callers that already hold what they need of the product (the stock
/// engine re-checking a draft's products when it is done).
pub fn check_transactable(db: &Connection, t: &TenantCtx, id: ProductId, field: &str) -> Result<()> {
    use rusqlite::OptionalExtension;
    let row: Option<(String, bool, bool)> = db
        .prepare_cached("SELECT sku, is_template, archived FROM products WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(rusqlite::params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        None => Err(Error::field(field, FieldCode::NotFound.with("entity", "product"))),
        Some((sku, true, _)) => Err(Error::field(field, FieldCode::IsTemplate.with("sku", &sku))),
        Some((sku, _, true)) => Err(Error::field(field, FieldCode::Archived.with("sku", &sku))),
        Some(_) => Ok(()),
    }
}

fn check_refs(db: &Connection, t: &TenantCtx, category: Option<CategoryId>, brand: Option<BrandId>) -> Result<()> {
    if let Some(cat) = category {
        must_exist(taxonomy::repo::get_category(db, t, cat), "category_id", "category")?;
    }
    if let Some(b) = brand {
        must_exist(taxonomy::repo::get_brand(db, t, b), "brand_id", "brand")?;
    }
    Ok(())
}

pub(crate) fn check_unique(db: &Connection, t: &TenantCtx, p: &NewProduct, except: Option<ProductId>) -> Result<()> {
    if repo::sku_taken(db, t, &p.sku, except)? {
        return Err(Error::conflict("sku", FieldCode::Duplicate.with("entity", "product").with("value", &p.sku)));
    }
    if let Some(b) = &p.barcode
        && repo::barcode_taken(db, t, b, except)?
    {
        return Err(Error::conflict("barcode", FieldCode::Duplicate.with("entity", "product").with("value", b)));
    }
    Ok(())
}

pub fn create_product(ctx: &mut Ctx<'_>, a: CreateProductArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let p = NewProduct {
        sku: check_sku(&mut c, "sku", &a.sku),
        barcode: check_barcode(&mut c, "barcode", a.barcode.as_deref().unwrap_or("")),
        name: c.required("name", &a.name, 200),
        description: c.optional("description", a.description.as_deref().unwrap_or(""), 4000),
        category_id: a.category_id,
        brand_id: a.brand_id,
        unit_id: UnitId(0),
        kind: a.kind.unwrap_or(ProductKind::Stockable),
        is_template: false,
        parent_id: None,
        combination_key: None,
        sale_price: check_money(&mut c, "sale_price", a.sale_price.unwrap_or_default()),
        cost: check_money(&mut c, "cost", a.cost.unwrap_or_default()),
        archived: false,
    };
    c.finish()?;
    check_refs(ctx.db(), &t, p.category_id, p.brand_id)?;
    let unit = match a.unit_id {
        Some(u) => must_exist(taxonomy::repo::get_unit(ctx.db(), &t, u), "unit_id", "unit")?,
        None => taxonomy::repo::get_unit_by_code(ctx.db(), &t, "unit")?,
    };
    let p = NewProduct { unit_id: unit.id, ..p };
    check_unique(ctx.db(), &t, &p, None)?;
    let id = repo::insert_product(ctx.db(), &t, &p, ctx.now)?;
    ctx.audit("product", id, json!({"sku": p.sku, "name": p.name}));
    product_detail(ctx.db(), &t, id)
}

pub fn update_product(ctx: &mut Ctx<'_>, a: UpdateProductArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let old = repo::get_product(ctx.db(), &t, a.id)?;
    let mut c = Checker::new();
    let p = NewProduct {
        sku: a.sku.as_deref().map(|s| check_sku(&mut c, "sku", s)).unwrap_or_else(|| old.sku.clone()),
        barcode: match a.barcode.as_deref() {
            Some(b) => check_barcode(&mut c, "barcode", b),
            None => old.barcode.clone(),
        },
        name: a.name.as_deref().map(|s| c.required("name", s, 200)).unwrap_or_else(|| old.name.clone()),
        description: a.description.as_deref().map(|s| c.optional("description", s, 4000)).unwrap_or_else(|| old.description.clone()),
        category_id: if a.clear_category == Some(true) { None } else { a.category_id.or(old.category_id) },
        brand_id: if a.clear_brand == Some(true) { None } else { a.brand_id.or(old.brand_id) },
        unit_id: a.unit_id.unwrap_or(old.unit_id),
        kind: a.kind.unwrap_or(old.kind),
        is_template: old.is_template,
        parent_id: old.parent_id,
        combination_key: None,
        sale_price: a.sale_price.map(|v| check_money(&mut c, "sale_price", v)).unwrap_or(money::to_db("sale_price", old.sale_price)?),
        cost: a.cost.map(|v| check_money(&mut c, "cost", v)).unwrap_or(money::to_db("cost", old.cost)?),
        archived: old.archived,
    };
    if old.parent_id.is_some() && a.unit_id.is_some_and(|u| u != old.unit_id) {
        c.push("unit_id", FieldCode::VariantUnitFromTemplate);
    }
    if old.parent_id.is_some() && a.kind.is_some_and(|k| k != old.kind) {
        c.push("kind", FieldCode::VariantKindFromTemplate);
    }
    c.finish()?;
    check_refs(ctx.db(), &t, p.category_id, p.brand_id)?;
    if p.unit_id != old.unit_id
        && let Some(sku) = crate::inventory::stock::product_with_moves(ctx.db(), &t, a.id)?
    {
        return Err(Error::conflict("unit_id", FieldCode::HasStockMoves.with("sku", sku)));
    }
    // Stock moved of a stockable product stays stock: its kind stays too.
    if p.kind != old.kind
        && let Some(sku) = crate::inventory::stock::product_with_moves(ctx.db(), &t, a.id)?
    {
        return Err(Error::conflict("kind", FieldCode::HasStockMoves.with("sku", sku)));
    }
    if p.unit_id != old.unit_id {
        let new_unit = must_exist(taxonomy::repo::get_unit(ctx.db(), &t, p.unit_id), "unit_id", "unit")?;
        let old_unit = taxonomy::repo::get_unit(ctx.db(), &t, old.unit_id)?;
        if new_unit.dimension != old_unit.dimension {
            let kits = kits::repo::list_kits_using(ctx.db(), &t, a.id)?;
            if !kits.is_empty() {
                return Err(Error::conflict(
                    "unit_id",
                    FieldCode::UnitDimensionLocked.with("kits", kits.join(", ")).with("dimension", old_unit.dimension.as_str()),
                ));
            }
        }
    }
    check_unique(ctx.db(), &t, &p, Some(a.id))?;
    repo::update_product(ctx.db(), &t, a.id, &p, ctx.now)?;
    if old.is_template {
        repo::update_variants_unit_kind(ctx.db(), &t, a.id, p.unit_id, p.kind, ctx.now)?;
    }
    // A kit's cost follows its components' costs and units: refuse what would overflow one.
    if p.cost != money::to_db("cost", old.cost)? {
        kits::service::check_kit_costs(ctx.db(), &t, a.id, "cost")?;
    }
    if p.unit_id != old.unit_id {
        kits::service::check_kit_costs(ctx.db(), &t, a.id, "unit_id")?;
    }
    let new = product_detail(ctx.db(), &t, a.id)?;
    ctx.audit("product", a.id, product_diff(&old, &new.product));
    Ok(new)
}

/// The fields that changed, with the SKU so the row says which product.
fn product_diff(old: &Product, new: &Product) -> serde_json::Value {
    let mut out = crate::audit::changes(old, new);
    out["sku"] = json!(new.sku);
    out
}

pub fn set_product_archived(ctx: &mut Ctx<'_>, a: SetProductArchivedArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let old = repo::get_product(ctx.db(), &t, a.id)?;
    if old.parent_id.is_some() && !a.archived {
        let parent = repo::get_product(ctx.db(), &t, old.parent_id.unwrap_or(a.id))?;
        if parent.archived {
            return Err(Error::conflict("archived", FieldCode::TemplateArchived));
        }
    }
    let n = repo::update_archived(ctx.db(), &t, a.id, a.archived, ctx.now)?;
    ctx.audit("product", a.id, json!({"sku": old.sku, "archived": a.archived, "rows": n}));
    product_detail(ctx.db(), &t, a.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_may_use_variants_but_never_templates_or_archived_products() {
        let dir = tempfile::tempdir().unwrap();
        let mut cora = crate::Cora::open(dir.path().join("t.db")).unwrap();
        let admin = cora.bootstrap_admin("a@example.com", "A", "correct horse battery").unwrap();
        let token = cora.call(None, None, "auth.login", json!({"email": "a@example.com", "password": "correct horse battery"})).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let co = cora.call(Some(&token), None, "company.create", json!({"code": "T", "name": "T", "base_currency": "EUR"})).unwrap();
        let c = crate::CompanyRef::Code("T".into());
        let mut call = |cmd: &str, args: serde_json::Value| cora.call(Some(&token), Some(&c), cmd, args).unwrap();
        let size = call("catalog.create_attribute", json!({"name": "Size", "values": ["S"]}));
        let tpl = call("catalog.create_product", json!({"sku": "TPL", "name": "Template"}))["product"]["id"].as_i64().unwrap();
        call("catalog.set_product_attributes", json!({"product_id": tpl, "attributes": [{"attribute_id": size["id"]}]}));
        let variant = call("catalog.generate_variants", json!({"product_id": tpl}))["created"][0]["id"].as_i64().unwrap();
        let old = call("catalog.create_product", json!({"sku": "OLD", "name": "Old"}))["product"]["id"].as_i64().unwrap();
        call("catalog.set_product_archived", json!({"id": old, "archived": true}));
        let t = TenantCtx::new(crate::ids::TenantId(co["id"].as_i64().unwrap()), admin.id);
        let db = cora.store().conn();
        assert!(transactable_product(db, &t, ProductId(variant), "product_id").is_ok());
        for id in [tpl, old, 999_999] {
            let e = transactable_product(db, &t, ProductId(id), "product_id").unwrap_err();
            assert_eq!((e.code(), e.fields()[0].field.as_str()), (crate::ErrorCode::Validation, "product_id"));
        }
    }
}
