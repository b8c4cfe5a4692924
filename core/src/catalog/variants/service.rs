//! Rules for variant templates and variants: attributes, SKU patterns, generation.

use crate::error::FieldCode;
use super::repo;
use crate::catalog::checks::{check_barcode, check_money, check_price_extra, check_sku};
use crate::catalog::{kits, products, taxonomy};
use crate::catalog::model::*;
use crate::catalog::products::repo::NewProduct;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, Result, arith, money};
use crate::keys::fold;
use crate::validate::Checker;
use rusqlite::Connection;
use serde_json::json;
use std::collections::{BTreeSet, HashSet};

pub fn set_product_attributes(ctx: &mut Ctx<'_>, a: SetProductAttributesArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let product = products::repo::get_product(db, &t, a.product_id)?;
    if product.parent_id.is_some() {
        return Err(Error::field("product_id", FieldCode::VariantCannotDeclareAttributes));
    }
    if !a.attributes.is_empty() && (product.is_kit || kits::repo::is_component(db, &t, a.product_id)?) {
        return Err(Error::conflict("product_id", FieldCode::KitCannotBeTemplate));
    }
    // Check every attribute and value, and work out the wanted lines.
    let mut c = Checker::new();
    let mut wanted: Vec<(AttributeId, Vec<(AttributeValueId, i64)>)> = Vec::new();
    let mut seen_attr = HashSet::new();
    for (i, line) in a.attributes.iter().enumerate() {
        let attr = match taxonomy::repo::get_attribute(db, &t, line.attribute_id) {
            Ok(attr) => attr,
            Err(Error::NotFound { .. }) => {
                c.push(&format!("attributes.{i}.attribute_id"), FieldCode::NotFound.with("entity", "attribute"));
                continue;
            }
            Err(e) => return Err(e),
        };
        if !seen_attr.insert(attr.id) {
            c.push(&format!("attributes.{i}.attribute_id"), FieldCode::Repeated);
        }
        let mut values = Vec::new();
        match &line.values {
            None => values.extend(attr.values.iter().map(|v| (v.id, 0))),
            Some(vs) => {
                let mut seen = HashSet::new();
                for (j, v) in vs.iter().enumerate() {
                    let field = format!("attributes.{i}.values.{j}");
                    if !attr.values.iter().any(|av| av.id == v.value_id) {
                        c.push(&format!("{field}.value_id"), FieldCode::NotAttributeValue.with("attribute", &attr.name));
                    } else if !seen.insert(v.value_id) {
                        c.push(&format!("{field}.value_id"), FieldCode::Repeated);
                    }
                    let extra = check_price_extra(&mut c, &format!("{field}.price_extra"), v.price_extra.unwrap_or_default());
                    values.push((v.value_id, extra));
                }
                // A template's values follow the attribute's own order.
                values.sort_by_key(|(id, _)| attr.values.iter().position(|av| av.id == *id).unwrap_or(usize::MAX));
            }
        }
        if values.is_empty() {
            c.push(&format!("attributes.{i}.values"), FieldCode::NeedsValues);
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
            return Err(Error::conflict("attributes", FieldCode::TemplateAttributesFixed.with("variants", variants)));
        }
    }
    for cur in &current {
        let keep = wanted.iter().find(|w| w.0 == cur.attribute_id);
        for v in &cur.values {
            if keep.is_none_or(|k| !k.1.iter().any(|(id, _)| *id == v.value_id)) {
                if repo::template_value_in_use(db, &t, a.product_id, v.value_id)? {
                    return Err(Error::conflict("attributes", FieldCode::ValueInUse.with("attribute", &cur.name).with("value", &v.name)));
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
    let detail = products::service::product_detail(db, &t, a.product_id)?;
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
            return Err(Error::field("sku_pattern", FieldCode::SkuPatternUnclosed));
        };
        let name = fold(&rest[start + 1..start + len]);
        if !known.contains(&name) {
            return Err(Error::field("sku_pattern", FieldCode::SkuPatternUnknownPlaceholder.with("name", name)));
        }
        used.insert(name);
        rest = &rest[start + len + 1..];
    }
    for a in attrs {
        if !used.contains(&fold(&a.name)) {
            return Err(Error::field("sku_pattern", FieldCode::SkuPatternMissingAttribute.with("attribute", &a.name)));
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
        return Err(Error::field("price_extra", FieldCode::NegativeVariantPrice.with("sku", sku)));
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
    products::service::check_unique(db, t, &p, None)?;
    let id = products::repo::insert_product(db, t, &p, now)?;
    for (a, v) in attrs.iter().zip(combo) {
        repo::insert_variant_value(db, t, id, parent.id, a.attribute_id, v.value_id)?;
    }
    Ok(id)
}

fn template_of(db: &Connection, t: &TenantCtx, id: ProductId) -> Result<(Product, Vec<TemplateAttribute>)> {
    let parent = products::repo::get_product(db, t, id)?;
    if !parent.is_template {
        return Err(Error::field("product_id", FieldCode::NotATemplate));
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
            FieldCode::TooManyVariants.with("count", missing).with("max", MAX_VARIANTS_PER_CALL),
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
        created.push(products::repo::get_product(db, &t, id)?);
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
            [] => return Err(Error::field("values", FieldCode::MissingAttributeValue.with("attribute", &attr.name))),
            _ => return Err(Error::field("values", FieldCode::SeveralAttributeValues.with("attribute", &attr.name))),
        }
    }
    if combo.len() != a.values.len() {
        return Err(Error::field("values", FieldCode::NotTemplateValue));
    }
    let key = combination_key(combo.iter().map(|v| v.value_id));
    if repo::list_combination_keys(db, &t, parent.id)?.contains(&key) {
        return Err(Error::conflict("values", FieldCode::VariantExists));
    }
    let id = insert_variant(db, &t, &parent, &attrs, &combo, sku, barcode, ctx.now)?;
    let detail = products::service::product_detail(db, &t, id)?;
    ctx.audit("product", id, json!({"sku": detail.product.sku, "parent": parent.sku}));
    Ok(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

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
