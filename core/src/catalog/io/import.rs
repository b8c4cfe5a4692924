//! CSV imports of products (templates, variants and kits included) and categories.
//!
//! Every row is checked, against the company and against the other rows, before anything
//! is written; the report lists every problem with its row and column. Rows are written
//! only when there is no problem at all and the call is not a dry run, so an import
//! writes all or nothing. An import only creates: a SKU that already exists is a problem.
//!
//! Columns of a products file (see [`super::export::PRODUCT_COLUMNS`]):
//! - `category`: a path such as `Clothing / T-shirts`; missing categories are created.
//! - `brand`: a name; a missing brand is created. `unit`: a unit code (default `unit`).
//! - `variant_of`: the template's SKU (in the file or in the company).
//! - `attributes`: on a template, its attributes and values with optional price extras,
//!   `Size: S, M, L(+2.50); Colour: White, Black`; on a variant, one value per attribute
//!   of its template, `Size: S; Colour: Black`. Missing attributes and values are created.
//! - `components`: on a kit, `SKU=quantity unit; SKU=quantity`.

use crate::error::FieldCode;
use super::export::{CATEGORY_COLUMNS, PRODUCT_COLUMNS};
use super::repo;
use crate::catalog::checks::{check_attribute_name, check_barcode, check_category_name, check_money, check_price_extra, check_quantity, check_sku, parse_decimal};
use crate::catalog::commands::{CHANGE_ATTRIBUTE, CHANGE_BRAND, CHANGE_CATEGORY};
use crate::catalog::{kits, products, taxonomy, variants};
use crate::catalog::model::*;
use crate::catalog::products::repo::NewProduct;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, Result};
use crate::exchange::{CsvInput, ImportReport, parse_bool};
use crate::validate::Checker;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportArgs {
    /// The file's text (UTF-8 CSV with a header row).
    pub csv: String,
    /// Only check: report what is wrong and what would be created; write nothing.
    pub dry_run: bool,
}

/// The key of a SKU, code or name in an import's maps: the very key the company's rows
/// store, so the file and the company agree on what is "the same".
fn key(s: &str) -> String {
    crate::keys::fold(s)
}

/// The key of a category path: the key of each level, so it matches the levels' stored keys.
fn path_key(path: &str) -> String {
    path.split('/').map(key).collect::<Vec<_>>().join("/")
}

/// Moves a row's field errors into the report.
fn collect(report: &mut ImportReport, row: u32, c: Checker) {
    for e in c.errors {
        report.error(row, &e.field, e.issue());
    }
}

/// `Clothing / T-shirts` as its names; pushes an error for a bad level.
fn parse_path(c: &mut Checker, column: &str, s: &str) -> Vec<String> {
    let names: Vec<String> = s.split('/').map(|n| n.trim().to_string()).collect();
    let mut sub = Checker::new();
    let out: Vec<String> = names.iter().map(|n| check_category_name(&mut sub, column, n)).collect();
    if let Some(e) = sub.errors.first() {
        c.push(column, e.issue().with("path", s));
    }
    out
}

// --- categories ----------------------------------------------------------------------------

pub fn import_categories(ctx: &mut Ctx<'_>, a: ImportArgs) -> Result<ImportReport> {
    let t = ctx.tenant()?;
    let input = CsvInput::parse(&a.csv, CATEGORY_COLUMNS, &[])?;
    let mut report = ImportReport::new(a.dry_run, input.len());
    let existing: HashSet<String> = taxonomy::repo::list_category_tree(ctx.db(), &t)?.into_iter().map(|(_, p)| path_key(&p)).collect();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut paths = Vec::new();
    for rec in input.records() {
        let mut c = Checker::new();
        let raw = rec.get("path");
        if raw.is_empty() {
            c.push("path", FieldCode::Required);
        }
        let path = parse_path(&mut c, "path", raw);
        let k = path_key(&path.join("/"));
        if c.errors.is_empty() {
            if let Some(first) = seen.get(&k) {
                c.push("path", FieldCode::RepeatedInFile.with("row", first));
            } else {
                seen.insert(k.clone(), rec.row());
                if existing.contains(&k) { report.unchanged += 1 } else { report.created += 1 }
                paths.push(path);
            }
        }
        collect(&mut report, rec.row(), c);
    }
    if report.is_clean() {
        in_savepoint(ctx.db(), a.dry_run, || {
            let mut cache = CategoryCache::load(ctx.db(), &t)?;
            for p in &paths {
                cache.ensure(ctx.db(), &t, p, ctx.now)?;
            }
            Ok(true)
        })?;
    }
    finish(ctx, "category", report)
}

/// Category paths (lower-cased) to ids; creates the missing levels of a path.
struct CategoryCache {
    by_path: HashMap<String, CategoryId>,
}

impl CategoryCache {
    fn load(db: &Connection, t: &TenantCtx) -> Result<Self> {
        Ok(CategoryCache { by_path: taxonomy::repo::list_category_tree(db, t)?.into_iter().map(|(id, p)| (path_key(&p), id)).collect() })
    }

    fn ensure(&mut self, db: &Connection, t: &TenantCtx, names: &[String], now: DateTime<Utc>) -> Result<CategoryId> {
        let mut parent = None;
        let mut path = String::new();
        for n in names {
            if !path.is_empty() {
                path.push_str(" / ");
            }
            path.push_str(n);
            let k = path_key(&path);
            let id = match self.by_path.get(&k) {
                Some(id) => *id,
                None => {
                    let id = taxonomy::repo::insert_category(db, t, parent, n, now)?;
                    self.by_path.insert(k, id);
                    id
                }
            };
            parent = Some(id);
        }
        parent.ok_or_else(|| Error::Internal("empty category path".into()))
    }
}

// --- products --------------------------------------------------------------------------------

/// One checked row of a products file.
struct Row {
    row: u32,
    p: NewProduct,
    category: Option<Vec<String>>,
    brand: Option<String>,
    unit: Option<Unit>,
    kind: Option<ProductKind>,
    variant_of: Option<String>,
    /// A template's attributes: (attribute, [(value, extra)]).
    template: Vec<(String, Vec<(String, i64)>)>,
    /// A variant's values: (attribute, value).
    values: Vec<(String, String)>,
    /// A kit's lines: (SKU, quantity, unit code).
    components: Vec<(String, i64, Option<String>)>,
}

/// `Size: S, M, L(+2.50); Colour: White` → attributes with values and price extras.
fn parse_template(c: &mut Checker, s: &str) -> Vec<(String, Vec<(String, i64)>)> {
    let mut out: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, values)) = part.split_once(':') else {
            c.push("attributes", FieldCode::InvalidTemplateAttributes.with("part", part));
            continue;
        };
        let name = check_attribute_name(c, "attributes", name);
        if out.iter().any(|(n, _)| key(n) == key(&name)) {
            c.push("attributes", FieldCode::Repeated.with("value", &name));
        }
        let mut vs: Vec<(String, i64)> = Vec::new();
        for v in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            let (v, extra) = match v.strip_suffix(')').and_then(|v| v.rsplit_once('(')) {
                Some((v, e)) => {
                    let d = parse_decimal(c, "attributes", e.trim().trim_start_matches('+'));
                    (v.trim(), check_price_extra(c, "attributes", d))
                }
                None => (v, 0),
            };
            let v = check_attribute_name(c, "attributes", v);
            if vs.iter().any(|(n, _)| key(n) == key(&v)) {
                c.push("attributes", FieldCode::Repeated.with("value", format!("{name}: {v}")));
            }
            vs.push((v, extra));
        }
        if vs.is_empty() {
            c.push("attributes", FieldCode::NeedsValues.with("attribute", &name));
        }
        out.push((name, vs));
    }
    out
}

/// `Size: S; Colour: Black` → one value per attribute.
fn parse_values(c: &mut Checker, s: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once(':') {
            Some((a, v)) if !v.contains(',') => {
                let a = check_attribute_name(c, "attributes", a);
                let v = check_attribute_name(c, "attributes", v);
                if out.iter().any(|(n, _)| key(n) == key(&a)) {
                    c.push("attributes", FieldCode::Repeated.with("value", &a));
                }
                out.push((a, v));
            }
            _ => c.push("attributes", FieldCode::InvalidVariantAttributes.with("part", part)),
        }
    }
    out
}

/// `MUG-1=2; TEA=0.5 kg` → (SKU, quantity, unit).
fn parse_components(c: &mut Checker, s: &str) -> Vec<(String, i64, Option<String>)> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((sku, rest)) = part.split_once('=') else {
            c.push("components", FieldCode::InvalidComponent.with("part", part));
            continue;
        };
        let mut words = rest.split_whitespace();
        let qty = parse_decimal(c, "components", words.next().unwrap_or(""));
        let qty = check_quantity(c, "components", qty);
        let unit = words.next().map(str::to_string);
        if words.next().is_some() {
            c.push("components", FieldCode::InvalidComponent.with("part", part));
        }
        out.push((check_sku(c, "components", sku), qty, unit));
    }
    out
}

fn parse_row(rec: &crate::exchange::CsvRecord<'_>, units: &HashMap<String, Unit>, c: &mut Checker) -> Row {
    let unit = match rec.get("unit") {
        "" => None,
        code => match units.get(&key(code)) {
            Some(u) => Some(u.clone()),
            None => {
                c.push("unit", FieldCode::NotFound.with("entity", "unit").with("value", code));
                None
            }
        },
    };
    let kind = match rec.get("kind") {
        "" => None,
        k => ProductKind::parse(k).or_else(|| {
            c.push("kind", FieldCode::NotOneOf.with("allowed", ProductKind::names()));
            None
        }),
    };
    let variant_of = Some(rec.get("variant_of")).filter(|s| !s.is_empty()).map(|s| check_sku(c, "variant_of", s));
    let (template, values) = match (rec.get("attributes"), &variant_of) {
        ("", _) => (Vec::new(), Vec::new()),
        (s, None) => (parse_template(c, s), Vec::new()),
        (s, Some(_)) => (Vec::new(), parse_values(c, s)),
    };
    let components = parse_components(c, rec.get("components"));
    let sale = parse_decimal(c, "sale_price", Some(rec.get("sale_price")).filter(|s| !s.is_empty()).unwrap_or("0"));
    let cost = parse_decimal(c, "cost", Some(rec.get("cost")).filter(|s| !s.is_empty()).unwrap_or("0"));
    let category = Some(rec.get("category")).filter(|s| !s.is_empty()).map(|s| parse_path(c, "category", s));
    let brand = Some(rec.get("brand")).filter(|s| !s.is_empty()).map(|s| c.required("brand", s, 100));
    let p = NewProduct {
        sku: check_sku(c, "sku", rec.get("sku")),
        barcode: check_barcode(c, "barcode", rec.get("barcode")),
        name: c.required("name", rec.get("name"), 200),
        description: c.optional("description", rec.get("description"), 4000),
        category_id: None,
        brand_id: None,
        unit_id: UnitId(0),
        kind: kind.unwrap_or(ProductKind::Stockable),
        is_template: !template.is_empty(),
        parent_id: None,
        combination_key: None,
        sale_price: check_money(c, "sale_price", sale),
        cost: check_money(c, "cost", cost),
        archived: parse_bool(rec.get("archived")).unwrap_or_else(|m| {
            c.push("archived", m);
            None
        }) == Some(true),
    };
    if p.is_template && !components.is_empty() {
        c.push("components", FieldCode::TemplateCannotBeKit);
    }
    if variant_of.is_some() && values.is_empty() {
        c.push("attributes", FieldCode::VariantNeedsValues);
    }
    Row { row: rec.row(), p, category, brand, unit, kind, variant_of, template, values, components }
}

/// A template known to the import: from the file or from the company.
struct Template {
    unit: Option<UnitId>,
    kind: Option<ProductKind>,
    /// (attribute, [values]) with names lower-cased.
    attrs: Vec<(String, Vec<String>)>,
    /// Combinations already taken, as lower-cased value names in attribute order.
    taken: HashSet<Vec<String>>,
}

pub fn import_products(ctx: &mut Ctx<'_>, a: ImportArgs) -> Result<ImportReport> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let input = CsvInput::parse(&a.csv, &PRODUCT_COLUMNS[..2], &PRODUCT_COLUMNS[2..])?;
    let mut report = ImportReport::new(a.dry_run, input.len());

    let units: HashMap<String, Unit> = taxonomy::repo::all_units(db, &t)?.into_iter().map(|u| (key(&u.code), u)).collect();
    let units_by_id: HashMap<UnitId, Unit> = units.values().map(|u| (u.id, u.clone())).collect();
    let default_unit = units.get("unit").cloned().ok_or_else(|| Error::Internal("the company has no unit `unit`".into()))?;
    // (id, is_template, unit) of every product of the company, by lower-cased SKU.
    let mut existing: HashMap<String, (ProductId, bool, UnitId)> = HashMap::new();
    let mut barcodes: HashMap<String, u32> = HashMap::new();
    for (id, sku, barcode, is_template, unit) in repo::list_product_keys(db, &t)? {
        existing.insert(sku, (id, is_template, unit));
        if let Some(b) = barcode {
            barcodes.insert(b, 0);
        }
    }

    // 1. Each row on its own.
    let mut rows: Vec<Row> = Vec::with_capacity(input.len());
    let mut checkers: Vec<Checker> = Vec::with_capacity(input.len());
    let mut file_skus: HashMap<String, usize> = HashMap::new();
    for rec in input.records() {
        let mut c = Checker::new();
        let row = parse_row(&rec, &units, &mut c);
        let k = key(&row.p.sku);
        if !row.p.sku.is_empty() {
            if existing.contains_key(&k) {
                c.push("sku", FieldCode::Duplicate.with("entity", "product").with("value", &row.p.sku));
            } else if let Some(&first) = file_skus.get(&k) {
                c.push("sku", FieldCode::RepeatedInFile.with("row", rows[first].row));
            } else {
                file_skus.insert(k, rows.len());
            }
        }
        if let Some(b) = &row.p.barcode {
            match barcodes.get(b) {
                Some(0) => c.push("barcode", FieldCode::Duplicate.with("entity", "product").with("value", b)),
                Some(first) => c.push("barcode", FieldCode::RepeatedInFile.with("row", first)),
                None => {
                    barcodes.insert(b.clone(), row.row);
                }
            }
        }
        rows.push(row);
        checkers.push(c);
    }

    // 2. Templates, in the file and in the company.
    let mut templates: HashMap<String, Template> = HashMap::new();
    for r in rows.iter().filter(|r| r.p.is_template && r.variant_of.is_none()) {
        templates.insert(
            key(&r.p.sku),
            Template {
                unit: r.unit.as_ref().map(|u| u.id).or(Some(default_unit.id)),
                kind: Some(r.kind.unwrap_or(ProductKind::Stockable)),
                attrs: r.template.iter().map(|(a, vs)| (key(a), vs.iter().map(|(v, _)| key(v)).collect())).collect(),
                taken: HashSet::new(),
            },
        );
    }
    for r in &rows {
        if let Some(parent) = &r.variant_of {
            let pk = key(parent);
            if templates.contains_key(&pk) {
                continue;
            }
            if let Some((id, true, unit)) = existing.get(&pk) {
                let product = products::repo::get_product(db, &t, *id)?;
                let attrs = variants::repo::get_template_attributes(db, &t, *id)?;
                let names: HashMap<AttributeValueId, String> =
                    attrs.iter().flat_map(|a| a.values.iter().map(|v| (v.value_id, key(&v.name)))).collect();
                let order: Vec<HashSet<AttributeValueId>> = attrs.iter().map(|a| a.values.iter().map(|v| v.value_id).collect()).collect();
                let mut taken = HashSet::new();
                for combo in variants::repo::list_combination_keys(db, &t, *id)? {
                    let ids: Vec<AttributeValueId> = combo.split(',').filter_map(|s| s.parse().ok()).map(AttributeValueId).collect();
                    let in_order: Vec<String> =
                        order.iter().filter_map(|set| ids.iter().find(|i| set.contains(i)).and_then(|i| names.get(i).cloned())).collect();
                    taken.insert(in_order);
                }
                templates.insert(
                    pk,
                    Template {
                        unit: Some(*unit),
                        kind: Some(product.kind),
                        attrs: attrs.iter().map(|a| (key(&a.name), a.values.iter().map(|v| key(&v.name)).collect())).collect(),
                        taken,
                    },
                );
            }
        }
    }

    // 3. Variants against their templates.
    for (r, c) in rows.iter_mut().zip(checkers.iter_mut()) {
        let Some(parent) = &r.variant_of else { continue };
        if !r.template.is_empty() {
            continue;
        }
        let Some(tpl) = templates.get_mut(&key(parent)) else {
            let issue = if existing.contains_key(&key(parent)) || file_skus.contains_key(&key(parent)) {
                FieldCode::NotATemplate.with("sku", parent)
            } else {
                FieldCode::NotFound.with("entity", "product").with("value", parent)
            };
            c.push("variant_of", issue);
            continue;
        };
        if r.unit.as_ref().is_some_and(|u| Some(u.id) != tpl.unit) {
            c.push("unit", FieldCode::VariantUnitFromTemplate);
        }
        if r.kind.is_some() && r.kind != tpl.kind {
            c.push("kind", FieldCode::VariantKindFromTemplate);
        }
        if r.values.is_empty() {
            continue;
        }
        let mut combo = Vec::new();
        let mut ok = true;
        for (attr, values) in &tpl.attrs {
            match r.values.iter().find(|(a, _)| key(a) == *attr) {
                Some((_, v)) if values.contains(&key(v)) => combo.push(key(v)),
                Some((a, v)) => {
                    c.push("attributes", FieldCode::NotTemplateValue.with("attribute", a).with("value", v));
                    ok = false;
                }
                None => {
                    c.push("attributes", FieldCode::MissingAttributeValue.with("attribute", attr));
                    ok = false;
                }
            }
        }
        for (a, _) in &r.values {
            if !tpl.attrs.iter().any(|(x, _)| *x == key(a)) {
                c.push("attributes", FieldCode::NotTemplateAttribute.with("attribute", a).with("template", parent));
                ok = false;
            }
        }
        if ok && !tpl.taken.insert(combo) {
            c.push("attributes", FieldCode::VariantExists.with("template", parent));
        }
    }

    // 4. Kits: components exist, are no templates, units fit, and no cycle.
    let unit_of_row = |r: &Row| -> UnitId {
        match &r.variant_of {
            Some(p) => templates.get(&key(p)).and_then(|t| t.unit).unwrap_or(default_unit.id),
            None => r.unit.as_ref().map(|u| u.id).unwrap_or(default_unit.id),
        }
    };
    let mut kit_edges: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..rows.len() {
        let r = &rows[i];
        let mut seen = HashSet::new();
        for (sku, _, unit) in &r.components {
            let k = key(sku);
            if k.is_empty() {
                continue;
            }
            if k == key(&r.p.sku) {
                checkers[i].push("components", FieldCode::KitContainsItself);
                continue;
            }
            if !seen.insert(k.clone()) {
                checkers[i].push("components", FieldCode::Repeated.with("value", sku));
                continue;
            }
            let comp_unit = if let Some(&j) = file_skus.get(&k) {
                if rows[j].p.is_template {
                    checkers[i].push("components", FieldCode::IsTemplate.with("sku", sku));
                    continue;
                }
                kit_edges.entry(i).or_default().push(j);
                unit_of_row(&rows[j])
            } else if let Some((_, is_template, u)) = existing.get(&k) {
                if *is_template {
                    checkers[i].push("components", FieldCode::IsTemplate.with("sku", sku));
                    continue;
                }
                *u
            } else {
                checkers[i].push("components", FieldCode::NotFound.with("entity", "product").with("value", sku));
                continue;
            };
            if let Some(code) = unit {
                match (units.get(&key(code)), units_by_id.get(&comp_unit)) {
                    (None, _) => checkers[i].push("components", FieldCode::NotFound.with("entity", "unit").with("value", code)),
                    (Some(u), Some(cu)) if u.dimension != cu.dimension => {
                        checkers[i].push(
                            "components",
                            FieldCode::UnitMismatch
                                .with("sku", sku)
                                .with("unit", &cu.code)
                                .with("dimension", cu.dimension.as_str())
                                .with("other_unit", code)
                                .with("other_dimension", u.dimension.as_str()),
                        )
                    }
                    _ => {}
                }
            }
        }
    }
    // Only rows of this file can form a cycle: a product already in the company never
    // contains one that is being created.
    if let Some(cycle) = find_cycle(&kit_edges, rows.len()) {
        for i in cycle {
            checkers[i].push("components", FieldCode::KitCycle);
        }
    }

    for (r, c) in rows.iter().zip(checkers) {
        collect(&mut report, r.row, c);
    }
    report.sort();
    report.created = rows.len() as u32;
    require_creation_permissions(ctx, &t, &rows)?;

    if report.is_clean() {
        // A dry run writes too, inside a savepoint it then rolls back: it proves that the
        // real run would go through, SQLite's own constraints and kit costs included.
        let mut problems = Vec::new();
        in_savepoint(db, a.dry_run, || {
            problems = write_products(db, &t, &mut rows, &units, &default_unit, ctx.now)?;
            Ok(problems.is_empty())
        })?;
        for (row, column, message) in problems {
            report.error(row, column, message);
        }
    }
    if !report.is_clean() {
        report.created = 0;
    }
    finish(ctx, "product", report)
}

/// An import creates the brands, categories, attributes and values its rows name that
/// do not exist yet: the caller needs the permissions creating them takes.
fn require_creation_permissions(ctx: &Ctx<'_>, t: &TenantCtx, rows: &[Row]) -> Result<()> {
    let db = ctx.db();
    if !ctx.has_permission(CHANGE_BRAND)? {
        let brands = taxonomy::repo::list_brand_names(db, t)?;
        if let Some(r) = rows.iter().find(|r| r.brand.as_ref().is_some_and(|b| !brands.contains_key(&key(b)))) {
            ctx.require_permission(CHANGE_BRAND, r.row, "brand", r.brand.as_deref().unwrap_or_default())?;
        }
    }
    if !ctx.has_permission(CHANGE_CATEGORY)? {
        let paths: HashSet<String> = taxonomy::repo::list_category_tree(db, t)?.into_iter().map(|(_, p)| path_key(&p)).collect();
        if let Some(r) = rows.iter().find(|r| r.category.as_ref().is_some_and(|p| !paths.contains(&path_key(&p.join("/"))))) {
            ctx.require_permission(CHANGE_CATEGORY, r.row, "category", &r.category.as_deref().unwrap_or_default().join(" / "))?;
        }
    }
    if !ctx.has_permission(CHANGE_ATTRIBUTE)? {
        for r in rows {
            for (name, values) in &r.template {
                let known: HashSet<String> = match taxonomy::repo::find_attribute(db, t, name)? {
                    Some(id) => taxonomy::repo::get_attribute(db, t, id)?.values.iter().map(|v| key(&v.name)).collect(),
                    None => {
                        ctx.require_permission(CHANGE_ATTRIBUTE, r.row, "attribute", name)?;
                        continue;
                    }
                };
                if let Some((v, _)) = values.iter().find(|(v, _)| !known.contains(&key(v))) {
                    ctx.require_permission(CHANGE_ATTRIBUTE, r.row, "attribute_value", &format!("{name}: {v}"))?;
                }
            }
        }
    }
    Ok(())
}

/// Runs `write` in a savepoint, then keeps its writes, or rolls them back for a dry run
/// (and always when it fails or answers that the file has a problem after all).
fn in_savepoint(db: &Connection, dry_run: bool, write: impl FnOnce() -> Result<bool>) -> Result<()> {
    db.execute_batch("SAVEPOINT catalog_import")?;
    match write() {
        Ok(true) if !dry_run => {
            db.execute_batch("RELEASE catalog_import")?;
            Ok(())
        }
        other => {
            db.execute_batch("ROLLBACK TO catalog_import; RELEASE catalog_import")?;
            other.map(|_| ())
        }
    }
}

/// Marks the report committed when rows were written; audits only a real write.
fn finish(ctx: &mut Ctx<'_>, entity: &'static str, mut report: ImportReport) -> Result<ImportReport> {
    if report.is_clean() && !report.dry_run {
        report.committed = true;
        ctx.audit(entity, "import", json!({"rows": report.rows, "created": report.created, "unchanged": report.unchanged}));
    } else {
        ctx.wrote_nothing();
    }
    Ok(report)
}

/// A cycle among file rows' component edges, if any (the rows on it).
fn find_cycle(edges: &HashMap<usize, Vec<usize>>, n: usize) -> Option<Vec<usize>> {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; n];
    let mut starts: Vec<usize> = edges.keys().copied().collect();
    starts.sort_unstable();
    for s in starts {
        if state[s] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        let mut path = vec![s];
        state[s] = 1;
        while let Some((node, idx)) = stack.last_mut() {
            let next = edges.get(node).and_then(|v| v.get(*idx)).copied();
            *idx += 1;
            match next {
                Some(m) if state[m] == 1 => {
                    let from = path.iter().position(|&p| p == m).unwrap_or(0);
                    return Some(path[from..].to_vec());
                }
                Some(m) if state[m] == 0 => {
                    state[m] = 1;
                    stack.push((m, 0));
                    path.push(m);
                }
                Some(_) => {}
                None => {
                    state[*node] = 2;
                    stack.pop();
                    path.pop();
                }
            }
        }
    }
    None
}

/// A template's attribute as the import writes variants: name (lower-cased), id, and
/// value ids by lower-cased name.
type TemplateLine = (String, AttributeId, HashMap<String, AttributeValueId>);

/// A problem only the written rows show: (row, column, message).
type WriteProblem = (u32, &'static str, crate::error::Issue);

/// Writes checked rows: categories, brands and attributes they name, plain products and
/// templates, then variants, then kit lines. Answers the kits whose cost would be too
/// large (the caller then rolls everything back).
fn write_products(
    db: &Connection,
    t: &TenantCtx,
    rows: &mut [Row],
    units: &HashMap<String, Unit>,
    default_unit: &Unit,
    now: DateTime<Utc>,
) -> Result<Vec<WriteProblem>> {
    let mut categories = CategoryCache::load(db, t)?;
    let mut brands = taxonomy::repo::list_brand_names(db, t)?;
    let mut attributes = AttributeCache::default();
    let mut ids: HashMap<String, ProductId> = HashMap::new();
    // (attribute id, {value name → id}) per template SKU, in the template's order.
    let mut template_values: HashMap<String, Vec<TemplateLine>> = HashMap::new();

    for r in rows.iter_mut() {
        if let Some(path) = &r.category {
            r.p.category_id = Some(categories.ensure(db, t, path, now)?);
        }
        if let Some(b) = &r.brand {
            let id = match brands.get(&key(b)) {
                Some(id) => *id,
                None => {
                    let id = taxonomy::repo::insert_brand(db, t, b, now)?;
                    brands.insert(key(b), id);
                    id
                }
            };
            r.p.brand_id = Some(id);
        }
        r.p.unit_id = r.unit.as_ref().map(|u| u.id).unwrap_or(default_unit.id);
    }

    for r in rows.iter().filter(|r| r.variant_of.is_none()) {
        let id = products::repo::insert_product(db, t, &r.p, now)?;
        ids.insert(key(&r.p.sku), id);
        let mut lines = Vec::new();
        for (pos, (attr, values)) in r.template.iter().enumerate() {
            let (aid, vids) = attributes.ensure(db, t, attr, values.iter().map(|(v, _)| v.as_str()), now)?;
            variants::repo::upsert_template_attribute(db, t, id, aid, pos as u32)?;
            // The file's order is the template's order.
            for (i, (v, extra)) in values.iter().enumerate() {
                variants::repo::upsert_template_value(db, t, id, aid, vids[&key(v)], *extra, i as u32)?;
            }
            lines.push((key(attr), aid, vids));
        }
        if !lines.is_empty() {
            template_values.insert(key(&r.p.sku), lines);
        }
    }

    for r in rows.iter_mut().filter(|r| r.variant_of.is_some()) {
        let pk = key(r.variant_of.as_deref().unwrap_or(""));
        let parent_id = match ids.get(&pk) {
            Some(id) => *id,
            None => products::repo::find_product_by_sku(db, t, &pk)?.ok_or_else(|| Error::Internal(format!("template {pk} vanished")))?,
        };
        if !template_values.contains_key(&pk) {
            let lines = variants::repo::get_template_attributes(db, t, parent_id)?
                .into_iter()
                .map(|a| (key(&a.name), a.attribute_id, a.values.iter().map(|v| (key(&v.name), v.value_id)).collect()))
                .collect();
            template_values.insert(pk.clone(), lines);
        }
        let parent = products::repo::get_product(db, t, parent_id)?;
        let lines = &template_values[&pk];
        let mut chosen = Vec::new();
        for (attr, aid, vids) in lines {
            let v = r.values.iter().find(|(a, _)| key(a) == *attr).map(|(_, v)| key(v)).unwrap_or_default();
            let vid = *vids.get(&v).ok_or_else(|| Error::Internal(format!("value {v} of {attr} vanished")))?;
            chosen.push((*aid, vid));
        }
        r.p.parent_id = Some(parent_id);
        r.p.unit_id = parent.unit_id;
        r.p.kind = parent.kind;
        if r.category.is_none() {
            r.p.category_id = parent.category_id;
        }
        if r.brand.is_none() {
            r.p.brand_id = parent.brand_id;
        }
        r.p.combination_key = Some(variants::service::combination_key(chosen.iter().map(|(_, v)| *v)));
        let id = products::repo::insert_product(db, t, &r.p, now)?;
        for (aid, vid) in chosen {
            variants::repo::insert_variant_value(db, t, id, parent_id, aid, vid)?;
        }
        ids.insert(key(&r.p.sku), id);
    }

    for r in rows.iter().filter(|r| !r.components.is_empty()) {
        let kit = ids[&key(&r.p.sku)];
        for (pos, (sku, qty, unit)) in r.components.iter().enumerate() {
            let comp = match ids.get(&key(sku)) {
                Some(id) => *id,
                None => products::repo::find_product_by_sku(db, t, sku)?.ok_or_else(|| Error::Internal(format!("component {sku} vanished")))?,
            };
            let unit_id = match unit {
                Some(code) => units[&key(code)].id,
                None => products::repo::get_product(db, t, comp)?.unit_id,
            };
            kits::repo::insert_component(db, t, kit, comp, *qty, unit_id, pos as u32)?;
        }
    }
    let mut problems = Vec::new();
    for r in rows.iter().filter(|r| !r.components.is_empty()) {
        match kits::service::rolled_up_cost(db, t, ids[&key(&r.p.sku)], "components") {
            Ok(_) => {}
            Err(Error::Validation { .. }) => {
                problems.push((r.row, "components", FieldCode::KitCostTooLarge.with("kit", &r.p.sku).with("max", MAX_AMOUNT)))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(problems)
}

/// Attributes and their values by lower-cased name; creates what is missing.
#[derive(Default)]
struct AttributeCache {
    known: HashMap<String, (AttributeId, HashMap<String, AttributeValueId>, u32)>,
}

impl AttributeCache {
    fn ensure<'a>(
        &mut self,
        db: &Connection,
        t: &TenantCtx,
        name: &str,
        values: impl Iterator<Item = &'a str>,
        now: DateTime<Utc>,
    ) -> Result<(AttributeId, HashMap<String, AttributeValueId>)> {
        let k = key(name);
        if !self.known.contains_key(&k) {
            let entry = match taxonomy::repo::find_attribute(db, t, name)? {
                Some(id) => {
                    let a = taxonomy::repo::get_attribute(db, t, id)?;
                    let next = a.values.iter().map(|v| v.position + 1).max().unwrap_or(0);
                    (id, a.values.into_iter().map(|v| (key(&v.name), v.id)).collect(), next)
                }
                None => (taxonomy::repo::insert_attribute(db, t, name, now)?, HashMap::new(), 0),
            };
            self.known.insert(k.clone(), entry);
        }
        let (id, vals, next) = self.known.get_mut(&k).ok_or_else(|| Error::Internal("attribute cache".into()))?;
        for v in values {
            if let std::collections::hash_map::Entry::Vacant(e) = vals.entry(key(v)) {
                e.insert(taxonomy::repo::insert_attribute_value(db, t, *id, v, *next)?);
                *next += 1;
            }
        }
        Ok((*id, vals.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lines_parse() {
        let mut c = Checker::new();
        let t = parse_template(&mut c, "Size: S, M, L(+2.50); Colour: White, Black(-1)");
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(t[0].1, vec![("S".into(), 0), ("M".into(), 0), ("L".into(), 25_000)]);
        assert_eq!(t[1].1[1], ("Black".into(), -10_000));
        let v = parse_values(&mut c, "Size: S; Colour: Black");
        assert_eq!(v, vec![("Size".into(), "S".into()), ("Colour".into(), "Black".into())]);
        let k = parse_components(&mut c, "MUG-1=2; TEA=0.5 kg");
        assert_eq!(k, vec![("MUG-1".into(), 20_000, None), ("TEA".into(), 5_000, Some("kg".into()))]);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        parse_values(&mut c, "Size: S, M");
        assert_eq!(c.errors.len(), 1);
    }

    #[test]
    fn cycles_are_found() {
        let edges: HashMap<usize, Vec<usize>> = [(0, vec![1]), (1, vec![2]), (2, vec![0]), (3, vec![1])].into_iter().collect();
        let mut c = find_cycle(&edges, 4).unwrap();
        c.sort();
        assert_eq!(c, vec![0, 1, 2]);
        let dag: HashMap<usize, Vec<usize>> = [(0, vec![1, 2]), (1, vec![2])].into_iter().collect();
        assert!(find_cycle(&dag, 3).is_none());
    }
}
