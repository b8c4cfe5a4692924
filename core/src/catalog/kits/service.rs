//! Rules for kits: components, no cycle, and the rolled-up cost.

use crate::error::FieldCode;
use super::repo;
use crate::catalog::checks::check_quantity;
use crate::catalog::model::*;
use crate::catalog::{products, taxonomy};
use crate::command::{Ctx, TenantCtx};
use crate::{Error, Result, arith, money};
use crate::validate::Checker;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{HashMap, HashSet};

pub fn set_components(ctx: &mut Ctx<'_>, a: SetComponentsArgs) -> Result<ProductDetail> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let kit = products::repo::get_product(db, &t, a.product_id)?;
    if kit.is_template && !a.components.is_empty() {
        return Err(Error::field("product_id", FieldCode::TemplateCannotBeKit));
    }
    if !a.components.is_empty()
        && let Some(sku) = crate::inventory::stock::product_with_moves(db, &t, kit.id)?
    {
        return Err(Error::conflict("components", FieldCode::HasStockMoves.with("sku", sku)));
    }
    let mut c = Checker::new();
    let mut lines = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in a.components.iter().enumerate() {
        let field = format!("components.{i}");
        let qty = check_quantity(&mut c, &format!("{field}.quantity"), line.quantity);
        if line.product_id == a.product_id {
            c.push(&format!("{field}.product_id"), FieldCode::KitContainsItself);
            continue;
        }
        if !seen.insert(line.product_id) {
            c.push(&format!("{field}.product_id"), FieldCode::Repeated);
            continue;
        }
        let comp = match products::repo::get_product(db, &t, line.product_id) {
            Ok(p) => p,
            Err(Error::NotFound { .. }) => {
                c.push(&format!("{field}.product_id"), FieldCode::NotFound.with("entity", "product"));
                continue;
            }
            Err(e) => return Err(e),
        };
        if comp.is_template {
            c.push(&format!("{field}.product_id"), FieldCode::IsTemplate.with("sku", &comp.sku));
            continue;
        }
        let comp_unit = taxonomy::repo::get_unit(db, &t, comp.unit_id)?;
        let unit = match line.unit_id {
            None => comp_unit.clone(),
            Some(u) => match taxonomy::repo::get_unit(db, &t, u) {
                Ok(u) => u,
                Err(Error::NotFound { .. }) => {
                    c.push(&format!("{field}.unit_id"), FieldCode::NotFound.with("entity", "unit"));
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        if unit.dimension != comp_unit.dimension {
            c.push(
                &format!("{field}.unit_id"),
                FieldCode::UnitMismatch.with("sku", &comp.sku).with("unit", &comp_unit.code).with("dimension", comp_unit.dimension.as_str()).with("other_unit", &unit.code).with("other_dimension", unit.dimension.as_str()),
            );
            continue;
        }
        if repo::reaches(db, &t, comp.id, kit.id)? {
            c.push(&format!("{field}.product_id"), FieldCode::KitCycle.with("component", &comp.sku).with("kit", &kit.sku));
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
    let detail = products::service::product_detail(db, &t, kit.id)?;
    ctx.audit(
        "product",
        kit.id,
        json!({"sku": kit.sku, "components": detail.components.iter().map(|c| json!([c.sku, c.quantity.to_string(), c.unit_code])).collect::<Vec<_>>()}),
    );
    Ok(detail)
}

/// A kit's cost: the sum over its components of quantity (in the component's unit) times
/// the component's cost, where a component that is itself a kit counts its own rolled-up
/// cost, at any depth. Rounded to 4 decimals at the end only. Every step is checked: a
/// cost that does not fit, or reaches [`MAX_AMOUNT`], is a validation error on `field`.
pub fn rolled_up_cost(db: &Connection, t: &TenantCtx, kit: ProductId, field: &str) -> Result<Decimal> {
    Ok(rolled_up_costs(db, t, &[kit], field)?.get(&kit).copied().unwrap_or(Decimal::ZERO))
}

/// [`rolled_up_cost`] of several kits at once (a list page's): one query for all their
/// component lines, and each shared sub-kit computed once.
pub fn rolled_up_costs(db: &Connection, t: &TenantCtx, kits: &[ProductId], field: &str) -> Result<HashMap<ProductId, Decimal>> {
    if kits.is_empty() {
        return Ok(HashMap::new());
    }
    let edges = repo::list_cost_edges(db, t, kits)?;
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
    let mut out = HashMap::with_capacity(kits.len());
    for &kit in kits {
        let total = cost_of(&mut w, kit)?.round_dp_with_strategy(MONEY_SCALE, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize();
        if total >= Decimal::from(MAX_AMOUNT) {
            return Err(Error::field(field, FieldCode::TooLarge));
        }
        out.insert(kit, total);
    }
    Ok(out)
}

/// Refuses, as a validation error on `field`, a change to `product` (or to its variants)
/// that leaves the rolled-up cost of any kit containing it, at any depth, too large.
pub fn check_kit_costs(db: &Connection, t: &TenantCtx, product: ProductId, field: &str) -> Result<()> {
    for (kit, sku) in repo::list_kits_above(db, t, product)? {
        rolled_up_cost(db, t, kit, field).map_err(|e| match e {
            Error::Validation { .. } => Error::field(field, FieldCode::KitCostTooLarge.with("kit", &sku).with("max", MAX_AMOUNT)),
            other => other,
        })?;
    }
    Ok(())
}
