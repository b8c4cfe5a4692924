//! Rules for categories (a tree), brands, units and conversions, and attributes.

use crate::error::{FieldCode, Reason};
use super::repo;
use crate::catalog::checks::{check_attribute_name, check_category_name, check_factor, must_exist, plan};
use crate::catalog::model::*;
use crate::command::{Ctx, Done, TenantCtx};
use crate::{Error, Result, arith};
use crate::keys::fold;
use crate::list::Page;
use crate::validate::Checker;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashSet;

pub fn list_categories(ctx: &mut Ctx<'_>, a: ListCategoriesArgs) -> Result<Page<Category>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::CATEGORY_SORTS)?;
    repo::list_categories(ctx.db(), &t, &a, &plan)
}

pub fn get_category(ctx: &mut Ctx<'_>, id: CategoryId) -> Result<Category> {
    repo::get_category(ctx.db(), &ctx.tenant()?, id)
}

pub fn create_category(ctx: &mut Ctx<'_>, a: CreateCategoryArgs) -> Result<Category> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let name = check_category_name(&mut c, "name", &a.name);
    c.finish()?;
    if let Some(p) = a.parent_id {
        must_exist(repo::get_category(ctx.db(), &t, p), "parent_id", "category")?;
    }
    if repo::category_name_taken(ctx.db(), &t, a.parent_id, &name, None)? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "category")));
    }
    let id = repo::insert_category(ctx.db(), &t, a.parent_id, &name, ctx.now)?;
    ctx.audit("category", id, json!({"name": name, "parent_id": a.parent_id}));
    repo::get_category(ctx.db(), &t, id)
}

pub fn rename_category(ctx: &mut Ctx<'_>, a: RenameCategoryArgs) -> Result<Category> {
    let t = ctx.tenant()?;
    let old = repo::get_category(ctx.db(), &t, a.id)?;
    let mut c = Checker::new();
    let name = check_category_name(&mut c, "name", &a.name);
    c.finish()?;
    if repo::category_name_taken(ctx.db(), &t, old.parent_id, &name, Some(a.id))? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "category")));
    }
    repo::update_category(ctx.db(), &t, a.id, old.parent_id, &name, ctx.now)?;
    ctx.audit("category", a.id, json!({"name": [old.name, name]}));
    repo::get_category(ctx.db(), &t, a.id)
}

pub fn move_category(ctx: &mut Ctx<'_>, a: MoveCategoryArgs) -> Result<Category> {
    let t = ctx.tenant()?;
    let old = repo::get_category(ctx.db(), &t, a.id)?;
    if let Some(p) = a.parent_id {
        must_exist(repo::get_category(ctx.db(), &t, p), "parent_id", "category")?;
        if repo::is_self_or_descendant(ctx.db(), &t, a.id, p)? {
            return Err(Error::field("parent_id", FieldCode::CategoryCycle));
        }
    }
    if repo::category_name_taken(ctx.db(), &t, a.parent_id, &old.name, Some(a.id))? {
        return Err(Error::conflict("parent_id", FieldCode::DuplicateInParent.with("entity", "category")));
    }
    repo::update_category(ctx.db(), &t, a.id, a.parent_id, &old.name, ctx.now)?;
    ctx.audit("category", a.id, json!({"parent_id": [old.parent_id, a.parent_id]}));
    repo::get_category(ctx.db(), &t, a.id)
}

pub fn delete_category(ctx: &mut Ctx<'_>, id: CategoryId) -> Result<Done> {
    let t = ctx.tenant()?;
    let cat = repo::get_category(ctx.db(), &t, id)?;
    if cat.child_count > 0 || cat.product_count > 0 {
        return Err(Error::refused(
            Reason::CategoryNotEmpty.with("category", &cat.path).with("subcategories", cat.child_count).with("products", cat.product_count),
        ));
    }
    repo::delete_category(ctx.db(), &t, id)?;
    ctx.audit("category", id, json!({"deleted": cat.path}));
    Ok(Done::OK)
}

// --- brands ----------------------------------------------------------------------------------

pub fn list_brands(ctx: &mut Ctx<'_>, a: ListBrandsArgs) -> Result<Page<Brand>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::BRAND_SORTS)?;
    repo::list_brands(ctx.db(), &t, &a, &plan)
}

pub fn create_brand(ctx: &mut Ctx<'_>, a: CreateBrandArgs) -> Result<Brand> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let name = c.required("name", &a.name, 100);
    c.finish()?;
    if repo::brand_name_taken(ctx.db(), &t, &name, None)? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "brand")));
    }
    let id = repo::insert_brand(ctx.db(), &t, &name, ctx.now)?;
    ctx.audit("brand", id, json!({"name": name}));
    repo::get_brand(ctx.db(), &t, id)
}

pub fn update_brand(ctx: &mut Ctx<'_>, a: UpdateBrandArgs) -> Result<Brand> {
    let t = ctx.tenant()?;
    let old = repo::get_brand(ctx.db(), &t, a.id)?;
    let mut c = Checker::new();
    let name = a.name.as_deref().map(|n| c.required("name", n, 100)).unwrap_or_else(|| old.name.clone());
    c.finish()?;
    if repo::brand_name_taken(ctx.db(), &t, &name, Some(a.id))? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "brand")));
    }
    let archived = a.archived.unwrap_or(old.archived);
    repo::update_brand(ctx.db(), &t, a.id, &name, archived, ctx.now)?;
    ctx.audit("brand", a.id, json!({"name": [old.name, name], "archived": [old.archived, archived]}));
    repo::get_brand(ctx.db(), &t, a.id)
}

// --- units -----------------------------------------------------------------------------------

pub fn list_units(ctx: &mut Ctx<'_>, a: ListUnitsArgs) -> Result<Page<Unit>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::UNIT_SORTS)?;
    repo::list_units(ctx.db(), &t, &a, &plan)
}

pub fn create_unit(ctx: &mut Ctx<'_>, a: CreateUnitArgs) -> Result<Unit> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 20);
    let name = c.required("name", &a.name, 50);
    let factor = check_factor(&mut c, "factor", a.factor);
    c.finish()?;
    if repo::get_unit_by_code(ctx.db(), &t, &code).is_ok() {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "unit")));
    }
    let id = repo::insert_unit(ctx.db(), &t, &code, &name, a.dimension, factor)?;
    ctx.audit("unit", id, json!({"code": code, "dimension": a.dimension.as_str(), "factor": a.factor.to_string()}));
    repo::get_unit(ctx.db(), &t, id)
}

pub fn resolve_unit(db: &Connection, t: &TenantCtx, u: &UnitRef, field: &str) -> Result<Unit> {
    let r = match u {
        UnitRef::Id(id) => repo::get_unit(db, t, *id),
        UnitRef::Code(code) => repo::get_unit_by_code(db, t, code),
    };
    must_exist(r, field, "unit")
}

/// `quantity` of `from` expressed in `to`; refused across dimensions.
pub fn convert(quantity: Decimal, from: &Unit, to: &Unit) -> Result<Decimal> {
    if from.dimension != to.dimension {
        return Err(Error::field(
            "to",
            FieldCode::IncompatibleUnits.with("from", &from.code).with("from_dimension", from.dimension.as_str()).with("to", &to.code).with("to_dimension", to.dimension.as_str()),
        ));
    }
    let q = arith::div("quantity", arith::mul("quantity", quantity, from.factor)?, to.factor)?;
    Ok(q.round_dp(10).normalize())
}

pub fn convert_quantity(ctx: &mut Ctx<'_>, a: ConvertQuantityArgs) -> Result<ConvertedQuantity> {
    let t = ctx.tenant()?;
    let from = resolve_unit(ctx.db(), &t, &a.from, "from")?;
    let to = resolve_unit(ctx.db(), &t, &a.to, "to")?;
    Ok(ConvertedQuantity { quantity: convert(a.quantity, &from, &to)?, unit: to })
}

// --- attributes --------------------------------------------------------------------------------

pub fn list_attributes(ctx: &mut Ctx<'_>, a: ListAttributesArgs) -> Result<Page<Attribute>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::ATTRIBUTE_SORTS)?;
    repo::list_attributes(ctx.db(), &t, &a, &plan)
}

pub fn get_attribute(ctx: &mut Ctx<'_>, id: AttributeId) -> Result<Attribute> {
    repo::get_attribute(ctx.db(), &ctx.tenant()?, id)
}

fn check_value_names<'a>(c: &mut Checker, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, n) in names.enumerate() {
        let field = format!("values.{i}");
        let v = check_attribute_name(c, &field, n);
        if !v.is_empty() && !seen.insert(fold(&v)) {
            c.push(&field, FieldCode::Repeated);
        }
        out.push(v);
    }
    out
}

pub fn create_attribute(ctx: &mut Ctx<'_>, a: CreateAttributeArgs) -> Result<Attribute> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let name = check_attribute_name(&mut c, "name", &a.name);
    let values = check_value_names(&mut c, a.values.iter().map(String::as_str));
    c.finish()?;
    if repo::attribute_name_taken(ctx.db(), &t, &name, None)? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "attribute")));
    }
    let id = repo::insert_attribute(ctx.db(), &t, &name, ctx.now)?;
    for (i, v) in values.iter().enumerate() {
        repo::insert_attribute_value(ctx.db(), &t, id, v, i as u32)?;
    }
    ctx.audit("attribute", id, json!({"name": name, "values": values}));
    repo::get_attribute(ctx.db(), &t, id)
}

pub fn update_attribute(ctx: &mut Ctx<'_>, a: UpdateAttributeArgs) -> Result<Attribute> {
    let t = ctx.tenant()?;
    let old = repo::get_attribute(ctx.db(), &t, a.id)?;
    let mut c = Checker::new();
    let name = a.name.as_deref().map(|n| check_attribute_name(&mut c, "name", n)).unwrap_or_else(|| old.name.clone());
    let values = a.values.as_ref().map(|vs| check_value_names(&mut c, vs.iter().map(|v| v.name.as_str())));
    if let Some(vs) = &a.values {
        for (i, v) in vs.iter().enumerate() {
            if v.id.is_some_and(|id| !old.values.iter().any(|o| o.id == id)) {
                c.push(&format!("values.{i}.id"), FieldCode::NotAttributeValue);
            }
        }
    }
    c.finish()?;
    if repo::attribute_name_taken(ctx.db(), &t, &name, Some(a.id))? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "attribute")));
    }
    repo::update_attribute_name(ctx.db(), &t, a.id, &name)?;
    if let (Some(inputs), Some(names)) = (&a.values, values) {
        let kept: HashSet<AttributeValueId> = inputs.iter().filter_map(|v| v.id).collect();
        for o in &old.values {
            if !kept.contains(&o.id) {
                if repo::attribute_value_in_use(ctx.db(), &t, o.id)? {
                    return Err(Error::conflict("values", FieldCode::ValueInUse.with("value", &o.name)));
                }
                repo::delete_attribute_value(ctx.db(), &t, o.id)?;
            }
        }
        // Park the kept values at high positions first so renames that swap names never clash.
        for (i, input) in inputs.iter().enumerate() {
            if let Some(id) = input.id {
                repo::update_attribute_value(ctx.db(), &t, id, &format!("\u{1}{i}"), 1_000_000 + i as u32)?;
            }
        }
        for (i, (input, n)) in inputs.iter().zip(names).enumerate() {
            match input.id {
                Some(id) => repo::update_attribute_value(ctx.db(), &t, id, &n, i as u32)?,
                None => {
                    repo::insert_attribute_value(ctx.db(), &t, a.id, &n, i as u32)?;
                }
            }
        }
    }
    let new = repo::get_attribute(ctx.db(), &t, a.id)?;
    ctx.audit(
        "attribute",
        a.id,
        json!({"name": [old.name, new.name], "values": [old.values.iter().map(|v| &v.name).collect::<Vec<_>>(), new.values.iter().map(|v| &v.name).collect::<Vec<_>>()]}),
    );
    Ok(new)
}
