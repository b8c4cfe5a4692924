//! Catalog rules: checks, the category tree, units and conversions, attributes,
//! products, variant generation and kits.

use super::model::*;
use super::repo::{self, NewProduct};
use crate::command::{Ctx, Done, TenantCtx};
use crate::keys::fold;
use crate::list::{ListPlan, ListQuery, Page};
use crate::validate::Checker;
use crate::{Error, Result, arith, money};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};

// --- checks shared with the import ------------------------------------------------------------

/// Characters that would make a category path, or an attribute line in a CSV, ambiguous.
const CATEGORY_FORBIDDEN: &[char] = &['/'];
const ATTRIBUTE_FORBIDDEN: &[char] = &[',', ';', ':', '(', ')', '='];

pub(crate) fn check_category_name(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.required(field, v, 100);
    if v.contains(CATEGORY_FORBIDDEN) {
        c.push(field, "must not contain '/' (it separates the levels of a category path)");
    }
    v
}

pub(crate) fn check_attribute_name(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.required(field, v, 50);
    if v.contains(ATTRIBUTE_FORBIDDEN) {
        c.push(field, "must not contain any of , ; : ( ) =");
    }
    v
}

pub(crate) fn check_sku(c: &mut Checker, field: &str, v: &str) -> String {
    c.code(field, v, 64)
}

/// True when `code` is an EAN-13 or UPC-A (12 digits) with a correct GS1 check digit.
pub fn valid_gtin(code: &str) -> bool {
    if !(code.len() == 12 || code.len() == 13) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    // From the right, excluding the check digit, weights alternate 3, 1, 3, ...
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    (10 - sum % 10) % 10 == check[0]
}

pub(crate) fn check_barcode(c: &mut Checker, field: &str, v: &str) -> Option<String> {
    let v: String = v.trim().chars().filter(|ch| *ch != ' ' && *ch != '-').collect();
    if v.is_empty() {
        return None;
    }
    if !(v.len() == 12 || v.len() == 13) || !v.bytes().all(|b| b.is_ascii_digit()) {
        c.push(field, "must be an EAN-13 (13 digits) or UPC-A (12 digits)");
    } else if !valid_gtin(&v) {
        c.push(field, "has a wrong check digit");
    }
    Some(v)
}

/// `v` when it has at most `scale` decimals, lies below [`MAX_AMOUNT`] in size and is not
/// negative (unless allowed); otherwise pushes the error and gives `None`.
fn check_bounds(c: &mut Checker, field: &str, v: Decimal, scale: u32, allow_negative: bool) -> Option<Decimal> {
    let n = v.normalize();
    if n.scale() > scale {
        c.push(field, format!("must have at most {scale} decimal places"));
        return None;
    }
    if !allow_negative && n.is_sign_negative() && !n.is_zero() {
        c.push(field, "must not be negative");
        return None;
    }
    if n.abs() >= Decimal::from(MAX_AMOUNT) {
        c.push(field, "is too large");
        return None;
    }
    Some(n)
}

/// The stored form of a checked value, or zero with the error pushed.
fn stored(c: &mut Checker, r: Result<i64>) -> i64 {
    r.unwrap_or_else(|e| {
        c.errors.extend(e.fields().iter().cloned());
        0
    })
}

/// A price or cost, as stored (`money::to_db`).
pub(crate) fn check_money(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    check_bounds(c, field, v, MONEY_SCALE, false).map(|n| stored(c, money::to_db(field, n))).unwrap_or(0)
}

/// A price extra: money that may be negative.
pub(crate) fn check_price_extra(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    check_bounds(c, field, v, MONEY_SCALE, true).map(|n| stored(c, money::to_db(field, n))).unwrap_or(0)
}

/// A quantity greater than zero, as stored.
pub(crate) fn check_quantity(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    positive(c, field, v, QTY_SCALE)
}

/// A unit's conversion factor, greater than zero, as stored.
pub(crate) fn check_factor(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    positive(c, field, v, FACTOR_SCALE)
}

fn positive(c: &mut Checker, field: &str, v: Decimal, scale: u32) -> i64 {
    let Some(n) = check_bounds(c, field, v, scale, false) else { return 0 };
    let q = stored(c, arith::to_scaled(field, n, scale));
    if q == 0 && c.errors.iter().all(|e| e.field != field) {
        c.push(field, "must be greater than zero");
    }
    q
}

/// Parses a number as typed in a file ("12.50"); pushes an error and gives zero when it is not one.
pub(crate) fn parse_decimal(c: &mut Checker, field: &str, s: &str) -> Decimal {
    match s.trim().parse::<Decimal>() {
        Ok(d) => d,
        Err(_) => {
            c.push(field, "is not a number such as 12.50");
            Decimal::ZERO
        }
    }
}

fn plan(q: &Option<ListQuery>, sorts: &[crate::list::Sort]) -> Result<ListPlan> {
    ListPlan::new(&q.clone().unwrap_or_default(), sorts)
}

/// A reference to a row that must exist in this company, reported against the arg's field.
fn must_exist<T>(r: Result<T>, field: &str, what: &str) -> Result<T> {
    match r {
        Err(Error::NotFound { .. }) => Err(Error::field(field, format!("no such {what} in this company"))),
        other => other,
    }
}

// --- categories ------------------------------------------------------------------------------

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
        return Err(Error::conflict("name", "a category with this name already exists here"));
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
        return Err(Error::conflict("name", "a category with this name already exists here"));
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
            return Err(Error::field("parent_id", "a category cannot move under itself or one of its own subcategories"));
        }
    }
    if repo::category_name_taken(ctx.db(), &t, a.parent_id, &old.name, Some(a.id))? {
        return Err(Error::conflict("parent_id", "the new parent already has a category with this name"));
    }
    repo::update_category(ctx.db(), &t, a.id, a.parent_id, &old.name, ctx.now)?;
    ctx.audit("category", a.id, json!({"parent_id": [old.parent_id, a.parent_id]}));
    repo::get_category(ctx.db(), &t, a.id)
}

pub fn delete_category(ctx: &mut Ctx<'_>, id: CategoryId) -> Result<Done> {
    let t = ctx.tenant()?;
    let cat = repo::get_category(ctx.db(), &t, id)?;
    if cat.child_count > 0 || cat.product_count > 0 {
        return Err(Error::conflict_msg(format!(
            "{} still has {} subcategories and {} products; move them first",
            cat.path, cat.child_count, cat.product_count
        )));
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
        return Err(Error::conflict("name", "a brand with this name already exists"));
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
        return Err(Error::conflict("name", "a brand with this name already exists"));
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
        return Err(Error::conflict("code", "a unit with this code already exists"));
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
            format!("cannot convert {} ({}) to {} ({})", from.code, from.dimension.as_str(), to.code, to.dimension.as_str()),
        ));
    }
    let q = quantity.checked_mul(from.factor).and_then(|x| x.checked_div(to.factor)).ok_or_else(|| Error::field("quantity", "is too large"))?;
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
            c.push(&field, "appears twice");
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
        return Err(Error::conflict("name", "an attribute with this name already exists"));
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
                c.push(&format!("values.{i}.id"), "is not a value of this attribute");
            }
        }
    }
    c.finish()?;
    if repo::attribute_name_taken(ctx.db(), &t, &name, Some(a.id))? {
        return Err(Error::conflict("name", "an attribute with this name already exists"));
    }
    repo::update_attribute_name(ctx.db(), &t, a.id, &name)?;
    if let (Some(inputs), Some(names)) = (&a.values, values) {
        let kept: HashSet<AttributeValueId> = inputs.iter().filter_map(|v| v.id).collect();
        for o in &old.values {
            if !kept.contains(&o.id) {
                if repo::attribute_value_in_use(ctx.db(), &t, o.id)? {
                    return Err(Error::conflict("values", format!("{} is used by a product; it cannot be removed", o.name)));
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

// --- products ----------------------------------------------------------------------------------

pub fn list_products(ctx: &mut Ctx<'_>, a: ListProductsArgs) -> Result<Page<Product>> {
    let t = ctx.tenant()?;
    let plan = plan(&a.query, repo::PRODUCT_SORTS)?;
    repo::list_products(ctx.db(), &t, &a, &plan)
}

/// The product with its template attributes, variant values, components and rolled-up cost.
pub fn product_detail(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<ProductDetail> {
    let product = repo::get_product(db, t, id)?;
    let attributes = if product.is_template { repo::get_template_attributes(db, t, id)? } else { Vec::new() };
    let variant_values = if product.parent_id.is_some() { repo::get_variant_values(db, t, id)? } else { Vec::new() };
    let variant_count = if product.is_template { repo::count_variants(db, t, id)? } else { 0 };
    let components = if product.is_kit { repo::get_components(db, t, id)? } else { Vec::new() };
    let effective_cost = if product.is_kit { rolled_up_cost(db, t, id, "effective_cost")? } else { product.cost };
    Ok(ProductDetail { product, attributes, variant_values, variant_count, components, effective_cost })
}

pub fn get_product(ctx: &mut Ctx<'_>, id: ProductId) -> Result<ProductDetail> {
    product_detail(ctx.db(), &ctx.tenant()?, id)
}

/// A kit's cost: the sum over its components of quantity (in the component's unit) times
/// the component's cost, where a component that is itself a kit counts its own rolled-up
/// cost, at any depth. Rounded to 4 decimals at the end only. Every step is checked: a
/// cost that does not fit, or reaches [`MAX_AMOUNT`], is a validation error on `field`.
pub fn rolled_up_cost(db: &Connection, t: &TenantCtx, kit: ProductId, field: &str) -> Result<Decimal> {
    let edges = repo::list_cost_edges(db, t, kit)?;
    let mut by_kit: HashMap<ProductId, Vec<&repo::CostEdge>> = HashMap::new();
    let mut own_cost: HashMap<ProductId, i64> = HashMap::new();
    for e in &edges {
        by_kit.entry(e.kit).or_default().push(e);
        own_cost.insert(e.component, e.component_cost);
    }
    struct Walk<'a> {
        by_kit: HashMap<ProductId, Vec<&'a repo::CostEdge>>,
        own: HashMap<ProductId, i64>,
        memo: HashMap<ProductId, Decimal>,
        path: Vec<ProductId>,
        field: &'a str,
    }
    fn cost_of(w: &mut Walk<'_>, id: ProductId) -> Result<Decimal> {
        if let Some(c) = w.memo.get(&id) {
            return Ok(*c);
        }
        let Some(lines) = w.by_kit.get(&id).cloned() else {
            return Ok(money::from_db(w.own.get(&id).copied().unwrap_or(0)));
        };
        if w.path.contains(&id) {
            return Err(Error::Internal(format!("kit cycle through product {id}")));
        }
        w.path.push(id);
        let f = w.field;
        let mut sum = Decimal::ZERO;
        for e in lines {
            let qty = arith::mul(f, arith::from_scaled(e.quantity, QTY_SCALE), arith::from_scaled(e.line_factor_e6, FACTOR_SCALE))?;
            let qty = arith::div(f, qty, arith::from_scaled(e.component_factor_e6, FACTOR_SCALE))?;
            let line = arith::mul(f, qty, cost_of(w, e.component)?)?;
            sum = arith::add(f, sum, line)?;
        }
        w.path.pop();
        w.memo.insert(id, sum);
        Ok(sum)
    }
    let mut w = Walk { by_kit, own: own_cost, memo: HashMap::new(), path: Vec::new(), field };
    let total = cost_of(&mut w, kit)?.round_dp_with_strategy(MONEY_SCALE, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize();
    if total >= Decimal::from(MAX_AMOUNT) {
        return Err(Error::field(field, "is too large"));
    }
    Ok(total)
}

/// Refuses, as a validation error on `field`, a change to `product` (or to its variants)
/// that leaves the rolled-up cost of any kit containing it, at any depth, too large.
pub fn check_kit_costs(db: &Connection, t: &TenantCtx, product: ProductId, field: &str) -> Result<()> {
    for kit in repo::list_kits_above(db, t, product)? {
        let (kit, sku) = kit;
        rolled_up_cost(db, t, kit, field).map_err(|e| match e {
            Error::Validation { .. } => Error::field(field, format!("would make the cost of the kit {sku} too large (at most {MAX_AMOUNT})")),
            other => other,
        })?;
    }
    Ok(())
}

/// The product a document line (order, invoice, stock move) may use: it exists in this
/// company, is active, and is not a variant template. Later modules call this rather
/// than reading the flags themselves.
pub fn transactable_product(db: &Connection, t: &TenantCtx, id: ProductId, field: &str) -> Result<Product> {
    let p = must_exist(repo::get_product(db, t, id), field, "product")?;
    if p.is_template {
        return Err(Error::field(field, format!("{} is a variant template; choose one of its variants", p.sku)));
    }
    if p.archived {
        return Err(Error::field(field, format!("{} is archived", p.sku)));
    }
    Ok(p)
}

fn check_refs(db: &Connection, t: &TenantCtx, category: Option<CategoryId>, brand: Option<BrandId>) -> Result<()> {
    if let Some(cat) = category {
        must_exist(repo::get_category(db, t, cat), "category_id", "category")?;
    }
    if let Some(b) = brand {
        must_exist(repo::get_brand(db, t, b), "brand_id", "brand")?;
    }
    Ok(())
}

fn check_unique(db: &Connection, t: &TenantCtx, p: &NewProduct, except: Option<ProductId>) -> Result<()> {
    if repo::sku_taken(db, t, &p.sku, except)? {
        return Err(Error::conflict("sku", format!("another product already has the SKU {}", p.sku)));
    }
    if let Some(b) = &p.barcode
        && repo::barcode_taken(db, t, b, except)?
    {
        return Err(Error::conflict("barcode", format!("another product already has the barcode {b}")));
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
        Some(u) => must_exist(repo::get_unit(ctx.db(), &t, u), "unit_id", "unit")?,
        None => repo::get_unit_by_code(ctx.db(), &t, "unit")?,
    };
    let p = NewProduct { unit_id: unit.id, ..p };
    check_unique(ctx.db(), &t, &p, None)?;
    let id = repo::insert_product(ctx.db(), &t, &p, ctx.now)?;
    ctx.audit("product", id, json!({"sku": p.sku, "name": p.name}));
    product_detail(ctx.db(), &t, id)
}

fn used_as_component(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<bool> {
    Ok(db
        .prepare_cached("SELECT 1 FROM product_components WHERE tenant_id = ?1 AND component_id = ?2 LIMIT 1")?
        .query_row(rusqlite::params![t.tenant_id(), id], |_| Ok(()))
        .map(|_| true)
        .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(false) } else { Err(e) })?)
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
        c.push("unit_id", "a variant has its template's unit; change it on the template");
    }
    if old.parent_id.is_some() && a.kind.is_some_and(|k| k != old.kind) {
        c.push("kind", "a variant has its template's kind; change it on the template");
    }
    c.finish()?;
    check_refs(ctx.db(), &t, p.category_id, p.brand_id)?;
    if p.unit_id != old.unit_id {
        let new_unit = must_exist(repo::get_unit(ctx.db(), &t, p.unit_id), "unit_id", "unit")?;
        let old_unit = repo::get_unit(ctx.db(), &t, old.unit_id)?;
        if new_unit.dimension != old_unit.dimension {
            let kits = repo::list_kits_using(ctx.db(), &t, a.id)?;
            if !kits.is_empty() {
                let whose = if old.is_template { "this template's variants" } else { "this product" };
                return Err(Error::conflict(
                    "unit_id",
                    format!("the kits {} use {whose} by quantity; its unit must keep measuring {}", kits.join(", "), old_unit.dimension.as_str()),
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
        check_kit_costs(ctx.db(), &t, a.id, "cost")?;
    }
    if p.unit_id != old.unit_id {
        check_kit_costs(ctx.db(), &t, a.id, "unit_id")?;
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
            return Err(Error::conflict("archived", "its template is archived; restore the template first"));
        }
    }
    let n = repo::update_archived(ctx.db(), &t, a.id, a.archived, ctx.now)?;
    ctx.audit("product", a.id, json!({"sku": old.sku, "archived": a.archived, "rows": n}));
    product_detail(ctx.db(), &t, a.id)
}

// --- templates and variants ---------------------------------------------------------------------

pub fn set_product_attributes(ctx: &mut Ctx<'_>, a: SetProductAttributesArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let product = repo::get_product(db, &t, a.product_id)?;
    if product.parent_id.is_some() {
        return Err(Error::field("product_id", "a variant cannot declare attributes; its template does"));
    }
    if !a.attributes.is_empty() && (product.is_kit || used_as_component(db, &t, a.product_id)?) {
        return Err(Error::conflict("product_id", "a kit or a kit component cannot become a variant template"));
    }
    // Check every attribute and value, and work out the wanted lines.
    let mut c = Checker::new();
    let mut wanted: Vec<(AttributeId, Vec<(AttributeValueId, i64)>)> = Vec::new();
    let mut seen_attr = HashSet::new();
    for (i, line) in a.attributes.iter().enumerate() {
        let attr = match repo::get_attribute(db, &t, line.attribute_id) {
            Ok(attr) => attr,
            Err(Error::NotFound { .. }) => {
                c.push(&format!("attributes.{i}.attribute_id"), "no such attribute in this company");
                continue;
            }
            Err(e) => return Err(e),
        };
        if !seen_attr.insert(attr.id) {
            c.push(&format!("attributes.{i}.attribute_id"), "appears twice");
        }
        let mut values = Vec::new();
        match &line.values {
            None => values.extend(attr.values.iter().map(|v| (v.id, 0))),
            Some(vs) => {
                let mut seen = HashSet::new();
                for (j, v) in vs.iter().enumerate() {
                    let field = format!("attributes.{i}.values.{j}");
                    if !attr.values.iter().any(|av| av.id == v.value_id) {
                        c.push(&format!("{field}.value_id"), format!("is not a value of {}", attr.name));
                    } else if !seen.insert(v.value_id) {
                        c.push(&format!("{field}.value_id"), "appears twice");
                    }
                    let extra = check_price_extra(&mut c, &format!("{field}.price_extra"), v.price_extra.unwrap_or_default());
                    values.push((v.value_id, extra));
                }
                // A template's values follow the attribute's own order.
                values.sort_by_key(|(id, _)| attr.values.iter().position(|av| av.id == *id).unwrap_or(usize::MAX));
            }
        }
        if values.is_empty() {
            c.push(&format!("attributes.{i}.values"), "needs at least one value");
        }
        wanted.push((attr.id, values));
    }
    c.finish()?;
    let current = repo::get_template_attributes(db, &t, a.product_id)?;
    let variants = repo::count_variants(db, &t, a.product_id)?;
    if variants > 0 {
        let cur: BTreeSet<AttributeId> = current.iter().map(|x| x.attribute_id).collect();
        let new: BTreeSet<AttributeId> = wanted.iter().map(|x| x.0).collect();
        if cur != new {
            return Err(Error::conflict("attributes", format!("this template has {variants} variants: it keeps the same attributes (values may change)")));
        }
    }
    for cur in &current {
        let keep = wanted.iter().find(|w| w.0 == cur.attribute_id);
        for v in &cur.values {
            if keep.is_none_or(|k| !k.1.iter().any(|(id, _)| *id == v.value_id)) {
                if repo::template_value_in_use(db, &t, a.product_id, v.value_id)? {
                    return Err(Error::conflict("attributes", format!("variants use {} {}; it cannot be removed", cur.name, v.name)));
                }
                repo::delete_template_value(db, &t, a.product_id, cur.attribute_id, v.value_id)?;
            }
        }
        if keep.is_none() {
            repo::delete_template_attribute(db, &t, a.product_id, cur.attribute_id)?;
        }
    }
    for (pos, (attr, values)) in wanted.iter().enumerate() {
        repo::upsert_template_attribute(db, &t, a.product_id, *attr, pos as u32)?;
        for (i, (value, extra)) in values.iter().enumerate() {
            repo::upsert_template_value(db, &t, a.product_id, *attr, *value, *extra, i as u32)?;
        }
    }
    repo::update_is_template(db, &t, a.product_id, !wanted.is_empty(), ctx.now)?;
    let detail = product_detail(db, &t, a.product_id)?;
    ctx.audit("product", a.product_id, json!({"sku": product.sku, "attributes": detail.attributes}));
    Ok(detail)
}

/// A template's SKU pattern checked against its attributes: every attribute must appear,
/// and only known placeholders may.
fn check_pattern(pattern: &str, attrs: &[TemplateAttribute]) -> Result<()> {
    let mut known: Vec<String> = vec!["parent".into()];
    known.extend(attrs.iter().map(|a| fold(&a.name)));
    let mut rest = pattern;
    let mut used = HashSet::new();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(Error::field("sku_pattern", "has a '{' without its '}'"));
        };
        let name = fold(&rest[start + 1..start + len]);
        if !known.contains(&name) {
            return Err(Error::field("sku_pattern", format!("{{{name}}} is not {{parent}} nor an attribute of this template")));
        }
        used.insert(name);
        rest = &rest[start + len + 1..];
    }
    for a in attrs {
        if !used.contains(&fold(&a.name)) {
            return Err(Error::field("sku_pattern", format!("must contain {{{}}} so every variant gets its own SKU", a.name)));
        }
    }
    Ok(())
}

/// Text for a SKU: spaces become '-', anything a SKU may not hold is dropped.
fn sku_part(s: &str) -> String {
    s.trim().chars().map(|c| if c.is_whitespace() { '-' } else { c }).filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).collect()
}

fn fill_pattern(pattern: &str, parent_sku: &str, attrs: &[TemplateAttribute], combo: &[&TemplateValue]) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let len = rest[start..].find('}').unwrap_or(rest.len() - start);
        let name = fold(&rest[start + 1..start + len]);
        if name == "parent" {
            out.push_str(parent_sku);
        } else if let Some(i) = attrs.iter().position(|a| fold(&a.name) == name) {
            out.push_str(&sku_part(&combo[i].name));
        }
        rest = rest.get(start + len + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The key SQLite keeps unique per template: the value ids, sorted, comma-joined.
pub fn combination_key(values: impl IntoIterator<Item = AttributeValueId>) -> String {
    let mut ids: Vec<i64> = values.into_iter().map(|v| v.0).collect();
    ids.sort_unstable();
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// The most variants one `generate_variants` call creates.
pub const MAX_VARIANTS_PER_CALL: u64 = 1_000;

/// How many combinations of one value per attribute there are (saturating: a count
/// this large is refused anyway).
fn combination_count(attrs: &[TemplateAttribute]) -> u64 {
    attrs.iter().fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64))
}

/// The `k`th combination of one value per attribute, counting in the attributes' value
/// order (the last attribute changes fastest), for `k` below [`combination_count`].
fn combination(attrs: &[TemplateAttribute], mut k: u64) -> Vec<&TemplateValue> {
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs.iter().rev() {
        let n = a.values.len() as u64;
        out.push(&a.values[(k % n) as usize]);
        k /= n;
    }
    out.reverse();
    out
}

/// Writes one variant of `parent` with the given values (one per attribute, in order).
#[allow(clippy::too_many_arguments)]
fn insert_variant(
    db: &Connection,
    t: &TenantCtx,
    parent: &Product,
    attrs: &[TemplateAttribute],
    combo: &[&TemplateValue],
    sku: String,
    barcode: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ProductId> {
    let extra = arith::sum("price_extra", combo.iter().map(|v| v.price_extra))?;
    let price = arith::add("price_extra", parent.sale_price, extra)?;
    if price.is_sign_negative() && !price.is_zero() {
        return Err(Error::field("price_extra", format!("the price extras make the variant {sku} cost less than nothing")));
    }
    let mut c = Checker::new();
    let sale_price = check_money(&mut c, "price_extra", price);
    c.finish()?;
    let names: Vec<&str> = combo.iter().map(|v| v.name.as_str()).collect();
    let p = NewProduct {
        sku,
        barcode,
        name: format!("{} ({})", parent.name, names.join(", ")),
        description: parent.description.clone(),
        category_id: parent.category_id,
        brand_id: parent.brand_id,
        unit_id: parent.unit_id,
        kind: parent.kind,
        is_template: false,
        parent_id: Some(parent.id),
        combination_key: Some(combination_key(combo.iter().map(|v| v.value_id))),
        sale_price,
        cost: money::to_db("cost", parent.cost)?,
        archived: parent.archived,
    };
    check_unique(db, t, &p, None)?;
    let id = repo::insert_product(db, t, &p, now)?;
    for (a, v) in attrs.iter().zip(combo) {
        repo::insert_variant_value(db, t, id, parent.id, a.attribute_id, v.value_id)?;
    }
    Ok(id)
}

fn template_of(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<(Product, Vec<TemplateAttribute>)> {
    let parent = repo::get_product(db, t, id)?;
    if !parent.is_template {
        return Err(Error::field("product_id", "is not a variant template: declare its attributes first"));
    }
    let attrs = repo::get_template_attributes(db, t, id)?;
    Ok((parent, attrs))
}

pub fn generate_variants(ctx: &mut Ctx<'_>, a: GenerateVariantsArgs) -> Result<GeneratedVariants> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let (parent, attrs) = template_of(db, &t, a.product_id)?;
    let pattern = match a.sku_pattern.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => p.to_string(),
        None => std::iter::once("{parent}".to_string()).chain(attrs.iter().map(|a| format!("{{{}}}", a.name))).collect::<Vec<_>>().join("-"),
    };
    check_pattern(&pattern, &attrs)?;
    let existing: HashSet<String> = repo::list_combination_keys(db, &t, parent.id)?.into_iter().collect();
    // Count before building anything: combinations multiply quickly.
    let total = combination_count(&attrs);
    let missing = total.saturating_sub(existing.len() as u64);
    if missing > MAX_VARIANTS_PER_CALL {
        return Err(Error::field(
            "product_id",
            format!("would create {missing} variants; at most {MAX_VARIANTS_PER_CALL} are created per call (use fewer attribute values)"),
        ));
    }
    let mut created = Vec::new();
    for k in 0..total {
        let combo = combination(&attrs, k);
        if existing.contains(&combination_key(combo.iter().map(|v| v.value_id))) {
            continue;
        }
        let sku = fill_pattern(&pattern, &parent.sku, &attrs, &combo);
        let mut c = Checker::new();
        check_sku(&mut c, "sku_pattern", &sku);
        c.finish()?;
        let id = insert_variant(db, &t, &parent, &attrs, &combo, sku, None, ctx.now)?;
        created.push(repo::get_product(db, &t, id)?);
    }
    ctx.audit(
        "product",
        parent.id,
        json!({"sku": parent.sku, "variants_created": created.iter().map(|p| &p.sku).collect::<Vec<_>>()}),
    );
    Ok(GeneratedVariants { created, existing: existing.len() as i64 })
}

pub fn create_variant(ctx: &mut Ctx<'_>, a: CreateVariantArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let sku = check_sku(&mut c, "sku", &a.sku);
    let barcode = check_barcode(&mut c, "barcode", a.barcode.as_deref().unwrap_or(""));
    c.finish()?;
    let (parent, attrs) = template_of(db, &t, a.product_id)?;
    let mut combo = Vec::new();
    for attr in &attrs {
        let chosen: Vec<&TemplateValue> = attr.values.iter().filter(|v| a.values.contains(&v.value_id)).collect();
        match chosen.as_slice() {
            [one] => combo.push(*one),
            [] => return Err(Error::field("values", format!("needs a value of {}", attr.name))),
            _ => return Err(Error::field("values", format!("has more than one value of {}", attr.name))),
        }
    }
    if combo.len() != a.values.len() {
        return Err(Error::field("values", "has values that are not among the template's"));
    }
    let key = combination_key(combo.iter().map(|v| v.value_id));
    if repo::list_combination_keys(db, &t, parent.id)?.contains(&key) {
        return Err(Error::conflict("values", "the template already has a variant with these values"));
    }
    let id = insert_variant(db, &t, &parent, &attrs, &combo, sku, barcode, ctx.now)?;
    let detail = product_detail(db, &t, id)?;
    ctx.audit("product", id, json!({"sku": detail.product.sku, "parent": parent.sku}));
    Ok(detail)
}

// --- kits ----------------------------------------------------------------------------------------

pub fn set_components(ctx: &mut Ctx<'_>, a: SetComponentsArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let kit = repo::get_product(db, &t, a.product_id)?;
    if kit.is_template && !a.components.is_empty() {
        return Err(Error::field("product_id", "a variant template cannot be a kit; make its variants kits"));
    }
    let mut c = Checker::new();
    let mut lines = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in a.components.iter().enumerate() {
        let field = format!("components.{i}");
        let qty = check_quantity(&mut c, &format!("{field}.quantity"), line.quantity);
        if line.product_id == a.product_id {
            c.push(&format!("{field}.product_id"), "a kit cannot contain itself");
            continue;
        }
        if !seen.insert(line.product_id) {
            c.push(&format!("{field}.product_id"), "appears twice");
            continue;
        }
        let comp = match repo::get_product(db, &t, line.product_id) {
            Ok(p) => p,
            Err(Error::NotFound { .. }) => {
                c.push(&format!("{field}.product_id"), "no such product in this company");
                continue;
            }
            Err(e) => return Err(e),
        };
        if comp.is_template {
            c.push(&format!("{field}.product_id"), format!("{} is a variant template; use one of its variants", comp.sku));
            continue;
        }
        let comp_unit = repo::get_unit(db, &t, comp.unit_id)?;
        let unit = match line.unit_id {
            None => comp_unit.clone(),
            Some(u) => match repo::get_unit(db, &t, u) {
                Ok(u) => u,
                Err(Error::NotFound { .. }) => {
                    c.push(&format!("{field}.unit_id"), "no such unit in this company");
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        if unit.dimension != comp_unit.dimension {
            c.push(
                &format!("{field}.unit_id"),
                format!("{} is measured in {} ({}); {} measures {}", comp.sku, comp_unit.code, comp_unit.dimension.as_str(), unit.code, unit.dimension.as_str()),
            );
            continue;
        }
        if repo::reaches(db, &t, comp.id, kit.id)? {
            c.push(&format!("{field}.product_id"), format!("{} already contains {} (at some depth): that would be a cycle", comp.sku, kit.sku));
            continue;
        }
        lines.push((comp.id, qty, unit.id));
    }
    c.finish()?;
    repo::delete_components(db, &t, kit.id)?;
    for (pos, (comp, qty, unit)) in lines.iter().enumerate() {
        repo::insert_component(db, &t, kit.id, *comp, *qty, *unit, pos as u32)?;
    }
    check_kit_costs(db, &t, kit.id, "components")?;
    let detail = product_detail(db, &t, kit.id)?;
    ctx.audit(
        "product",
        kit.id,
        json!({"sku": kit.sku, "components": detail.components.iter().map(|c| json!([c.sku, c.quantity.to_string(), c.unit_code])).collect::<Vec<_>>()}),
    );
    Ok(detail)
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

    #[test]
    fn gtin_check_digits() {
        assert!(valid_gtin("4006381333931")); // EAN-13
        assert!(valid_gtin("036000291452")); // UPC-A
        assert!(!valid_gtin("4006381333932"));
        assert!(!valid_gtin("036000291453"));
        assert!(!valid_gtin("40063813339"));
        assert!(!valid_gtin("400638133393a"));
    }

    #[test]
    fn sku_patterns() {
        let attrs = vec![
            TemplateAttribute { attribute_id: AttributeId(1), name: "Size".into(), values: vec![] },
            TemplateAttribute { attribute_id: AttributeId(2), name: "Colour".into(), values: vec![] },
        ];
        assert!(check_pattern("{parent}-{Size}-{Colour}", &attrs).is_ok());
        assert!(check_pattern("{parent}-{size}", &attrs).is_err());
        assert!(check_pattern("{parent}-{Size}-{Color}", &attrs).is_err());
        let s = TemplateValue { value_id: AttributeValueId(1), name: "S".into(), price_extra: Decimal::ZERO };
        let red = TemplateValue { value_id: AttributeValueId(2), name: "Dark red".into(), price_extra: Decimal::ZERO };
        assert_eq!(fill_pattern("{parent}-{Size}-{Colour}", "TEE", &attrs, &[&s, &red]), "TEE-S-Dark-red");
    }
}
