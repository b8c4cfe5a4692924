//! Exports of the catalog, in the very format the import reads, so an export from one
//! company imports into another unchanged.

use super::repo;
use crate::catalog::model::*;
use crate::catalog::taxonomy;
use crate::command::Ctx;
use crate::exchange::{Cell, ExportFile, ExportFormat, Table};
use crate::{Result, arith, money};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The columns of a products file, in order.
pub const PRODUCT_COLUMNS: &[&str] = &[
    "sku", "name", "description", "category", "brand", "unit", "kind", "sale_price", "cost", "barcode", "archived", "variant_of", "attributes",
    "components",
];

/// The columns of a categories file.
pub const CATEGORY_COLUMNS: &[&str] = &["path"];

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    pub format: ExportFormat,
}

/// `(+2.5)` after a value with a price extra.
fn extra_suffix(extra: i64) -> String {
    if extra == 0 {
        return String::new();
    }
    let d = money::from_db(extra);
    if d.is_sign_negative() { format!("({d})") } else { format!("(+{d})") }
}

/// The products of the company as a table in the import's format.
pub fn products_table(db: &rusqlite::Connection, t: &crate::command::TenantCtx) -> Result<Table> {
    let paths: HashMap<CategoryId, String> = taxonomy::repo::list_category_tree(db, t)?.into_iter().collect();
    let mut template_lines: HashMap<ProductId, Vec<(String, Vec<String>)>> = HashMap::new();
    for (pid, attr, value, extra) in repo::list_all_template_values(db, t)? {
        let lines = template_lines.entry(pid).or_default();
        if lines.last().is_none_or(|(a, _)| *a != attr) {
            lines.push((attr.clone(), Vec::new()));
        }
        if let Some((_, vs)) = lines.last_mut() {
            vs.push(format!("{value}{}", extra_suffix(extra)));
        }
    }
    let mut variant_values: HashMap<ProductId, Vec<String>> = HashMap::new();
    for (vid, attr, value) in repo::list_all_variant_values(db, t)? {
        variant_values.entry(vid).or_default().push(format!("{attr}: {value}"));
    }
    let mut components: HashMap<ProductId, Vec<String>> = HashMap::new();
    for (kit, sku, qty, unit) in repo::list_all_components(db, t)? {
        components.entry(kit).or_default().push(format!("{sku}={} {unit}", arith::from_scaled(qty, QTY_SCALE)));
    }
    let mut table = Table::new(PRODUCT_COLUMNS);
    for r in repo::list_export_rows(db, t)? {
        let attributes = if r.is_template {
            template_lines.get(&r.id).map(|ls| ls.iter().map(|(a, vs)| format!("{a}: {}", vs.join(", "))).collect::<Vec<_>>().join("; "))
        } else {
            variant_values.get(&r.id).map(|vs| vs.join("; "))
        };
        table.push(vec![
            r.sku.into(),
            r.name.into(),
            r.description.into(),
            r.category_id.and_then(|c| paths.get(&c).cloned()).into(),
            r.brand.into(),
            r.unit.into(),
            r.kind.as_str().into(),
            Cell::Number(money::from_db(r.sale_price)),
            Cell::Number(money::from_db(r.cost)),
            r.barcode.into(),
            r.archived.into(),
            r.parent_sku.into(),
            attributes.into(),
            components.get(&r.id).map(|c| c.join("; ")).into(),
        ]);
    }
    Ok(table)
}

pub fn categories_table(db: &rusqlite::Connection, t: &crate::command::TenantCtx) -> Result<Table> {
    let mut table = Table::new(CATEGORY_COLUMNS);
    for (_, path) in taxonomy::repo::list_category_tree(db, t)? {
        table.push(vec![path.into()]);
    }
    Ok(table)
}

pub fn export_products(ctx: &mut Ctx<'_>, a: ExportArgs) -> Result<ExportFile> {
    let t = ctx.tenant()?;
    products_table(ctx.db(), &t)?.export(a.format, "products")
}

pub fn export_categories(ctx: &mut Ctx<'_>, a: ExportArgs) -> Result<ExportFile> {
    let t = ctx.tenant()?;
    categories_table(ctx.db(), &t)?.export(a.format, "categories")
}
