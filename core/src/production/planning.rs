//! Requirements planning: one run per company nets the demand (confirmed sales orders,
//! open production orders' components, reorder rules' minimums) against stock on hand and
//! what is coming in (open purchase orders, open production orders' output), product by
//! product in low-level-code order, so a component is netted once all its parents have
//! placed their demand; each shortfall becomes a proposal to make (with the product's
//! BOM, exploded into its components' demand) or to buy (from its supplier), dated back
//! from the need by the lead time. Every proposal keeps the demands it covers.

use super::boms::{self, Roller, round_up};
use super::model::*;
use crate::arith;
use crate::catalog::model::{ProductId, QTY_SCALE};
use crate::command::{Ctx, TenantCtx};
use crate::error::{Error, FieldCode, Reason, Result};
use crate::partners::model::PartnerId;
use crate::validate::Checker;
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

fn q(v: i64) -> Decimal {
    arith::from_scaled(v, QTY_SCALE)
}

fn sq(v: Decimal) -> Result<i64> {
    arith::to_scaled("quantity", v, QTY_SCALE)
}

#[derive(Debug, Clone)]
struct Demand {
    date: NaiveDate,
    qty: Decimal,
    kind: PegKind,
    source: Option<i64>,
    reference: String,
}

/// Lines in another unit, in the product's: quantity × line factor ÷ product factor.
fn in_product_unit(v: i64, line_f: i64, product_f: i64) -> Result<Decimal> {
    boms::convert("quantity", q(v), line_f, product_f)
}

struct Input {
    demand: HashMap<ProductId, Vec<Demand>>,
    on_hand: HashMap<ProductId, Decimal>,
    incoming: HashMap<ProductId, Decimal>,
    /// (safety = Σ min, target = Σ max, multiple, preferred supplier) per product.
    rules: HashMap<ProductId, (Decimal, Decimal, Decimal, Option<PartnerId>, i64)>,
}

fn add(map: &mut HashMap<ProductId, Decimal>, p: ProductId, v: Decimal) -> Result<()> {
    let e = map.entry(p).or_default();
    *e = arith::add("quantity", *e, v)?;
    Ok(())
}

/// A kit's demand is its components' (kits hold no stock), at any depth.
fn push_demand(db: &Connection, t: &TenantCtx, input: &mut Input, p: ProductId, d: Demand, depth: u32) -> Result<()> {
    let comps: Vec<(ProductId, i64, i64, i64)> = db
        .prepare_cached(
            "SELECT c.component_id, c.quantity, u.factor_e6, pu.factor_e6 FROM product_components c JOIN units u ON u.tenant_id = c.tenant_id AND u.id = c.unit_id
             JOIN products p ON p.tenant_id = c.tenant_id AND p.id = c.component_id JOIN units pu ON pu.tenant_id = p.tenant_id AND pu.id = p.unit_id
             WHERE c.tenant_id = ?1 AND c.kit_id = ?2 ORDER BY c.position",
        )?
        .query_map(params![t.tenant_id(), p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if comps.is_empty() || depth > 20 {
        input.demand.entry(p).or_default().push(d);
        return Ok(());
    }
    for (c, qty, f, pf) in comps {
        let per = in_product_unit(qty, f, pf)?;
        let sub = Demand { qty: arith::mul("quantity", d.qty, per)?, ..d.clone() };
        push_demand(db, t, input, c, sub, depth + 1)?;
    }
    Ok(())
}

fn read_input(db: &Connection, t: &TenantCtx, horizon: Option<NaiveDate>) -> Result<Input> {
    let mut input = Input { demand: HashMap::new(), on_hand: HashMap::new(), incoming: HashMap::new(), rules: HashMap::new() };
    // Confirmed sales orders: what is left to deliver.
    let sales: Vec<(ProductId, i64, Option<String>, NaiveDate, i64, i64, i64)> = db
        .prepare_cached(
            "SELECT l.product_id, o.id, o.number, o.date, l.quantity - l.cancelled - l.delivered + l.returned, u.factor_e6, pu.factor_e6
             FROM trade_order_lines l JOIN trade_orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
             JOIN units u ON u.tenant_id = l.tenant_id AND u.id = l.unit_id JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
             JOIN units pu ON pu.tenant_id = p.tenant_id AND pu.id = p.unit_id
             WHERE l.tenant_id = ?1 AND o.side = 'sale' AND o.state = 'confirmed' AND p.kind = 'stockable' AND (?2 IS NULL OR o.date <= ?2)
             ORDER BY o.date, o.id, l.line_no",
        )?
        .query_map(params![t.tenant_id(), horizon], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, order, number, date, left, f, pf) in sales {
        if left <= 0 {
            continue;
        }
        let d = Demand { date, qty: in_product_unit(left, f, pf)?, kind: PegKind::SalesOrder, source: Some(order), reference: number.unwrap_or_default() };
        push_demand(db, t, &mut input, p, d, 0)?;
    }
    // Open production orders: their components still to consume, their output still to come.
    let comps: Vec<(ProductId, i64, Option<String>, NaiveDate, i64)> = db
        .prepare_cached(
            "SELECT l.product_id, o.id, o.number, o.date_planned, l.planned - l.done FROM production_order_lines l
             JOIN production_orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
             WHERE l.tenant_id = ?1 AND o.state IN ('confirmed', 'in_progress') AND l.kind = 'component' AND l.planned > l.done ORDER BY o.date_planned, o.id",
        )?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, order, number, date, left) in comps {
        input.demand.entry(p).or_default().push(Demand { date, qty: q(left), kind: PegKind::ProductionOrder, source: Some(order), reference: number.unwrap_or_default() });
    }
    let outputs: Vec<(ProductId, i64)> = db
        .prepare_cached("SELECT product_id, quantity - produced FROM production_orders WHERE tenant_id = ?1 AND state IN ('confirmed', 'in_progress') AND quantity > produced")?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, left) in outputs {
        add(&mut input.incoming, p, q(left))?;
    }
    // Open purchase orders: what they still bring.
    let buys: Vec<(ProductId, i64, i64, i64)> = db
        .prepare_cached(
            "SELECT l.product_id, l.quantity - l.cancelled - l.delivered, u.factor_e6, pu.factor_e6 FROM trade_order_lines l
             JOIN trade_orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id JOIN units u ON u.tenant_id = l.tenant_id AND u.id = l.unit_id
             JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id JOIN units pu ON pu.tenant_id = p.tenant_id AND pu.id = p.unit_id
             WHERE l.tenant_id = ?1 AND o.side = 'purchase' AND o.state IN ('draft', 'sent', 'confirmed') AND l.quantity - l.cancelled - l.delivered > 0",
        )?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, left, f, pf) in buys {
        add(&mut input.incoming, p, in_product_unit(left, f, pf)?)?;
    }
    // Stock on hand (internal locations only hold quantities).
    let stock: Vec<(ProductId, i64)> = db
        .prepare_cached("SELECT product_id, sum(quantity) FROM stock_quants WHERE tenant_id = ?1 GROUP BY product_id")?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, v) in stock {
        input.on_hand.insert(p, q(v));
    }
    // Reorder rules: the minimum is a safety stock, the maximum what to bring it up to.
    let rules: Vec<(ProductId, i64, i64, i64, Option<PartnerId>, i64)> = db
        .prepare_cached("SELECT product_id, min_qty, max_qty, multiple, supplier_id, id FROM reorder_rules WHERE tenant_id = ?1 AND NOT archived ORDER BY id")?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (p, min, max, multiple, supplier, id) in rules {
        let e = input.rules.entry(p).or_insert((Decimal::ZERO, Decimal::ZERO, q(multiple), supplier, id));
        e.0 = arith::add("quantity", e.0, q(min))?;
        e.1 = arith::add("quantity", e.1, q(max))?;
        if e.3.is_none() {
            e.3 = supplier;
        }
    }
    Ok(input)
}

/// Low-level codes: each product's deepest level below any product with demand.
fn levels(r: &mut Roller<'_>, db: &Connection, t: &TenantCtx, roots: &[ProductId]) -> Result<HashMap<ProductId, u32>> {
    let mut llc: HashMap<ProductId, u32> = HashMap::new();
    let mut stack: Vec<(ProductId, u32)> = roots.iter().map(|p| (*p, 0)).collect();
    while let Some((p, level)) = stack.pop() {
        if level > 60 {
            return Err(Error::refused(Reason::InvalidInput));
        }
        match llc.get(&p) {
            Some(l) if *l >= level => continue,
            _ => {
                llc.insert(p, level);
            }
        }
        if let Some(bom) = r.bom_of(p)? {
            for l in boms::stored_lines(db, t, bom)? {
                if l.kind == BomLineKind::Component && boms::applies(db, t, &l, p)? {
                    stack.push((l.product, level + 1));
                }
            }
        }
    }
    Ok(llc)
}

struct Planned {
    kind: ProposalKind,
    product: ProductId,
    level: u32,
    quantity: Decimal,
    needed: NaiveDate,
    start: NaiveDate,
    bom: Option<BomId>,
    supplier: Option<PartnerId>,
    on_hand: Decimal,
    incoming: Decimal,
    demand: Decimal,
    safety: Decimal,
    pegs: Vec<Demand>,
}

fn supplier_of(db: &Connection, t: &TenantCtx, product: ProductId, preferred: Option<PartnerId>) -> Result<(Option<PartnerId>, u32)> {
    let row: Option<(PartnerId, u32)> = db
        .prepare_cached(
            "SELECT partner_id, lead_time_days FROM supplier_prices WHERE tenant_id = ?1 AND product_id = ?2 AND (?3 IS NULL OR partner_id = ?3)
             ORDER BY min_quantity, id LIMIT 1",
        )?
        .query_row(params![t.tenant_id(), product, preferred], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match (row, preferred) {
        (Some((p, lead)), _) => (Some(p), lead),
        (None, Some(p)) => (Some(p), 0),
        (None, None) => (None, 0),
    })
}

fn back(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days))).unwrap_or(date)
}

/// Runs the requirements: supersedes the proposals still open and writes the new ones
/// with their pegs. Reads only; orders are made when proposals are confirmed.
pub fn run(ctx: &mut Ctx<'_>, a: RunPlanningArgs) -> Result<PlanningRun> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let date = match a.date {
        Some(d) => d,
        None => crate::accounting::periods::today(db, &t, ctx.now)?,
    };
    let mut input = read_input(db, &t, a.horizon)?;
    let mut roller = Roller::new(db, &t, date);
    let mut roots: Vec<ProductId> = input.demand.keys().chain(input.rules.keys()).copied().collect();
    roots.sort();
    roots.dedup();
    let llc = levels(&mut roller, db, &t, &roots)?;
    let mut by_level: BTreeMap<u32, Vec<ProductId>> = BTreeMap::new();
    for (p, l) in &llc {
        by_level.entry(*l).or_default().push(*p);
    }
    let mut planned: Vec<Planned> = Vec::new();
    let max_level = by_level.keys().copied().max().unwrap_or(0);
    for level in 0..=max_level {
        let mut products = by_level.remove(&level).unwrap_or_default();
        products.sort();
        for p in products {
            let demands = input.demand.remove(&p).unwrap_or_default();
            let demand = arith::sum("quantity", demands.iter().map(|d| d.qty))?;
            let on_hand = input.on_hand.get(&p).copied().unwrap_or_default();
            let incoming = input.incoming.get(&p).copied().unwrap_or_default();
            let rule = input.rules.get(&p).copied();
            let projected = arith::sub("quantity", arith::add("quantity", on_hand, incoming)?, demand)?;
            let (safety, need) = match rule {
                Some((min, max, _, _, _)) if projected < min => (min, arith::sub("quantity", max.max(min), projected)?),
                Some((min, _, _, _, _)) => (min, Decimal::ZERO),
                None if projected < Decimal::ZERO => (Decimal::ZERO, -projected),
                None => (Decimal::ZERO, Decimal::ZERO),
            };
            if need <= Decimal::ZERO {
                continue;
            }
            let facts = roller.cache.product(db, &t, p)?.cloned().ok_or_else(|| Error::not_found("product", p))?;
            let mut qty = round_up(need, facts.decimals);
            if let Some((_, _, m, _, _)) = rule
                && m > Decimal::ZERO
            {
                qty = arith::mul("quantity", arith::div("quantity", qty, m)?.ceil(), m)?;
            }
            let mut pegs = demands;
            if let Some((min, _, _, _, id)) = rule
                && projected < min
            {
                pegs.push(Demand { date, qty: min, kind: PegKind::ReorderRule, source: Some(id), reference: format!("min {}", min.normalize()) });
            }
            let needed = pegs.iter().map(|d| d.date).min().unwrap_or(date);
            let bom = if facts.is_kit { None } else { roller.bom_of(p)? };
            let index = planned.len();
            match bom {
                Some(b) => {
                    let lead: u32 = db.prepare_cached("SELECT lead_time_days FROM boms WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), b], |r| r.get(0))?;
                    let start = back(needed, lead);
                    // Dependent demand: the components this quantity needs, by its start.
                    let (_, bom_qty, bom_f) = boms::header(db, &t, b)?;
                    let qb = boms::convert("quantity", qty, facts.factor_e6, bom_f)?;
                    let ratio = arith::div("quantity", qb, bom_qty)?;
                    for l in boms::stored_lines(db, &t, b)? {
                        if l.kind != BomLineKind::Component || !boms::applies(db, &t, &l, p)? {
                            continue;
                        }
                        let need_c = boms::line_need(&mut roller.cache, db, &t, &l, ratio)?;
                        input.demand.entry(l.product).or_default().push(Demand {
                            date: start,
                            qty: need_c,
                            kind: PegKind::Proposal,
                            source: Some(index as i64),
                            reference: format!("{} {}", qty.normalize(), facts.sku),
                        });
                    }
                    planned.push(Planned { kind: ProposalKind::Produce, product: p, level, quantity: qty, needed, start, bom: Some(b), supplier: None, on_hand, incoming, demand, safety, pegs });
                }
                None => {
                    let (supplier, lead) = supplier_of(db, &t, p, rule.and_then(|r| r.3))?;
                    planned.push(Planned {
                        kind: ProposalKind::Purchase,
                        product: p,
                        level,
                        quantity: qty,
                        needed,
                        start: back(needed, lead),
                        bom: None,
                        supplier,
                        on_hand,
                        incoming,
                        demand,
                        safety,
                        pegs,
                    });
                }
            }
        }
    }
    // Write: the open proposals are superseded by this run.
    db.prepare_cached("UPDATE planning_proposals SET state = 'superseded' WHERE tenant_id = ?1 AND state = 'proposed'")?.execute([t.tenant_id()])?;
    db.prepare_cached("UPDATE planning_runs SET state = 'superseded' WHERE tenant_id = ?1 AND state = 'open'")?.execute([t.tenant_id()])?;
    db.prepare_cached("INSERT INTO planning_runs (tenant_id, date, horizon, state, created_by, created_at) VALUES (?1, ?2, ?3, 'open', ?4, ?5)")?
        .execute(params![t.tenant_id(), date, a.horizon, user, ctx.now])?;
    let run = PlanningRunId(db.last_insert_rowid());
    let mut ids: Vec<i64> = Vec::with_capacity(planned.len());
    for (i, p) in planned.iter().enumerate() {
        db.prepare_cached(
            "INSERT INTO planning_proposals (tenant_id, run_id, position, kind, state, product_id, level, quantity, date_needed, date_start, bom_id, supplier_id,
                on_hand, incoming, demand, safety) VALUES (?1, ?2, ?3, ?4, 'proposed', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            t.tenant_id(),
            run,
            i as i64 + 1,
            p.kind,
            p.product,
            p.level,
            sq(p.quantity)?,
            p.needed,
            p.start,
            p.bom,
            p.supplier,
            sq(p.on_hand)?,
            sq(p.incoming)?,
            sq(p.demand)?,
            sq(p.safety)?
        ])?;
        let id = db.last_insert_rowid();
        ids.push(id);
        for (j, d) in p.pegs.iter().enumerate() {
            // A component's peg names the proposal it is for.
            let source = match d.kind {
                PegKind::Proposal => d.source.and_then(|k| ids.get(usize::try_from(k).unwrap_or(usize::MAX)).copied()),
                _ => d.source,
            };
            db.prepare_cached("INSERT INTO planning_pegs (tenant_id, proposal_id, position, kind, source_id, reference, date, quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?
                .execute(params![t.tenant_id(), id, j as i64 + 1, d.kind, source, d.reference, d.date, sq(d.qty)?])?;
        }
    }
    ctx.audit("planning_run", run, json!({"proposals": planned.len()}));
    get(ctx.db(), &t, run)
}

pub fn get(db: &Connection, t: &TenantCtx, id: PlanningRunId) -> Result<PlanningRun> {
    let (date, horizon, state): (NaiveDate, Option<NaiveDate>, RunState) = db
        .prepare_cached("SELECT date, horizon, state FROM planning_runs WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("planning_run", id))?;
    let mut proposals: Vec<Proposal> = db
        .prepare_cached(
            "SELECT x.id, x.position, x.kind, x.state, x.product_id, p.sku, p.name, u.code, x.level, x.quantity, x.date_needed, x.date_start, x.bom_id, x.supplier_id, s.name,
                    x.on_hand, x.incoming, x.demand, x.safety, x.production_order_id, mo.number, x.purchase_order_id, po.number
             FROM planning_proposals x JOIN products p ON p.tenant_id = x.tenant_id AND p.id = x.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
             LEFT JOIN partners s ON s.tenant_id = x.tenant_id AND s.id = x.supplier_id
             LEFT JOIN production_orders mo ON mo.tenant_id = x.tenant_id AND mo.id = x.production_order_id
             LEFT JOIN trade_orders po ON po.tenant_id = x.tenant_id AND po.id = x.purchase_order_id
             WHERE x.tenant_id = ?1 AND x.run_id = ?2 ORDER BY x.position",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            let start: NaiveDate = r.get(11)?;
            Ok(Proposal {
                id: r.get(0)?,
                position: r.get(1)?,
                kind: r.get(2)?,
                state: r.get(3)?,
                product_id: r.get(4)?,
                sku: r.get(5)?,
                name: r.get(6)?,
                unit_code: r.get(7)?,
                level: r.get(8)?,
                quantity: q(r.get(9)?),
                date_needed: r.get(10)?,
                date_start: start,
                late: start < date,
                bom_id: r.get(12)?,
                supplier_id: r.get(13)?,
                supplier_name: r.get(14)?,
                on_hand: q(r.get(15)?),
                incoming: q(r.get(16)?),
                demand: q(r.get(17)?),
                safety: q(r.get(18)?),
                production_order_id: r.get(19)?,
                production_order_number: r.get(20)?,
                purchase_order_id: r.get(21)?,
                purchase_order_number: r.get(22)?,
                pegs: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = db.prepare_cached(
        "SELECT g.proposal_id, g.kind, g.source_id, g.reference, g.date, g.quantity FROM planning_proposals x CROSS JOIN planning_pegs g ON g.tenant_id = x.tenant_id AND g.proposal_id = x.id
         WHERE x.tenant_id = ?1 AND x.run_id = ?2 ORDER BY g.proposal_id, g.position",
    )?;
    let mut pegs: HashMap<ProposalId, Vec<Peg>> = HashMap::new();
    for r in st.query_map(params![t.tenant_id(), id], |r| {
        Ok((r.get::<_, ProposalId>(0)?, Peg { kind: r.get(1)?, source_id: r.get(2)?, reference: r.get(3)?, date: r.get(4)?, quantity: q(r.get(5)?) }))
    })? {
        let (p, g) = r?;
        pegs.entry(p).or_default().push(g);
    }
    for p in &mut proposals {
        p.pegs = pegs.remove(&p.id).unwrap_or_default();
    }
    Ok(PlanningRun { id, date, horizon, state, proposals })
}

/// The latest run, if there was one.
pub fn latest(db: &Connection, t: &TenantCtx) -> Result<Option<PlanningRun>> {
    let id: Option<PlanningRunId> = db.prepare_cached("SELECT max(id) FROM planning_runs WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    id.map(|i| get(db, t, i)).transpose()
}

fn open_proposal(db: &Connection, t: &TenantCtx, run: PlanningRunId, id: ProposalId) -> Result<Option<(ProposalKind, ProposalState, ProductId, i64, NaiveDate, Option<BomId>, Option<PartnerId>)>> {
    Ok(db
        .prepare_cached("SELECT kind, state, product_id, quantity, date_start, bom_id, supplier_id FROM planning_proposals WHERE tenant_id = ?1 AND run_id = ?2 AND id = ?3")?
        .query_row(params![t.tenant_id(), run, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .optional()?)
}

/// Turns proposals into orders: a confirmed production order per make proposal, and
/// draft purchase orders, one per supplier, through the purchasing engine. All or none.
pub fn confirm(ctx: &mut Ctx<'_>, a: ConfirmProposalsArgs) -> Result<PlanningRun> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let state: Option<RunState> = db.prepare_cached("SELECT state FROM planning_runs WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), a.run_id], |r| r.get(0)).optional()?;
    match state {
        None => return Err(Error::not_found("planning_run", a.run_id)),
        Some(RunState::Superseded) => return Err(Error::refused(Reason::Immutable.with("detail", "a later planning run replaced this one"))),
        Some(RunState::Open) => {}
    }
    if a.proposals.is_empty() {
        return Err(Error::field("proposals", FieldCode::Required));
    }
    let mut c = Checker::new();
    let mut makes = Vec::new();
    let mut buys: BTreeMap<PartnerId, Vec<(ProposalId, ProductId, Decimal)>> = BTreeMap::new();
    let mut chosen_supplier: HashMap<ProposalId, PartnerId> = HashMap::new();
    for (i, ch) in a.proposals.iter().enumerate() {
        let f = |n: &str| format!("proposals.{i}.{n}");
        let Some((kind, st, product, qty, start, bom, supplier)) = open_proposal(db, &t, a.run_id, ch.id)? else {
            c.push(&f("id"), FieldCode::NotFound.with("entity", "proposal"));
            continue;
        };
        if st != ProposalState::Proposed {
            c.push(&f("id"), FieldCode::Invalid);
            continue;
        }
        let qty = match ch.quantity {
            Some(v) if v <= Decimal::ZERO => {
                c.push(&f("quantity"), FieldCode::NotPositive);
                continue;
            }
            Some(v) => v,
            None => q(qty),
        };
        match kind {
            ProposalKind::Produce => makes.push((i, ch.id, product, qty, start, bom)),
            ProposalKind::Purchase => match ch.supplier_id.or(supplier) {
                Some(s) => {
                    chosen_supplier.insert(ch.id, s);
                    buys.entry(s).or_default().push((ch.id, product, qty));
                }
                None => c.push(&f("supplier_id"), FieldCode::Required),
            },
        }
    }
    c.finish()?;
    // Buying needs the right to make purchase orders as well.
    if !buys.is_empty() && !ctx.has_permission(crate::purchasing::MANAGE)? {
        return Err(Error::forbidden(Reason::Forbidden.with("command", "purchase.create_order")));
    }
    let warehouse = match a.warehouse_id {
        Some(w) => w,
        None => crate::inventory::places::list_warehouses(db, &t, false)?.into_iter().next().map(|w| w.id).ok_or_else(|| Error::field("warehouse_id", FieldCode::Required))?,
    };
    let origin = format!("Planning run {}", a.run_id);
    // A confirmed proposal carries what was confirmed: its quantity and supplier as chosen.
    for (i, id, product, qty, start, bom) in makes {
        let o = super::orders::create(
            ctx,
            CreateOrderArgs { product_id: product, quantity: qty, bom_id: bom, warehouse_id: Some(warehouse), source_location_id: None, dest_location_id: None, date_planned: start, origin: origin.clone() },
        )
        .map_err(|e| boms::prefix(e, &format!("proposals.{i}.")))?;
        super::orders::confirm(ctx, crate::command::IdArg { id: o.id })?;
        ctx.db()
            .prepare_cached("UPDATE planning_proposals SET state = 'confirmed', production_order_id = ?3, quantity = ?4 WHERE tenant_id = ?1 AND id = ?2")?
            .execute(params![t.tenant_id(), id, o.id, sq(qty)?])?;
    }
    let date = crate::accounting::periods::today(ctx.db(), &t, ctx.now)?;
    for (supplier, lines) in buys {
        let input = crate::trade::model::OrderInput {
            partner_id: supplier,
            date,
            currency: None,
            rate: None,
            payment_terms_days: None,
            billing_address_id: None,
            shipping_address_id: None,
            warehouse_id: Some(warehouse),
            reference: Some(origin.clone()),
            notes: None,
            idempotency_key: None,
            lines: lines.iter().map(|(_, p, qty)| crate::trade::model::LineInput { product_id: Some(*p), quantity: *qty, ..Default::default() }).collect(),
        };
        // The engine names the lines of this order; the caller's list is what it knows.
        let index: Vec<usize> = lines.iter().map(|(id, ..)| a.proposals.iter().position(|c| c.id == *id).unwrap_or(0)).collect();
        let o = crate::trade::engine::create_order(ctx, crate::trade::model::Side::Purchase, input).map_err(|e| by_proposal(e, &index))?;
        for (id, _, qty) in &lines {
            ctx.db()
                .prepare_cached("UPDATE planning_proposals SET state = 'confirmed', purchase_order_id = ?3, quantity = ?4, supplier_id = ?5 WHERE tenant_id = ?1 AND id = ?2")?
                .execute(params![t.tenant_id(), id, o.id, sq(*qty)?, chosen_supplier.get(id)])?;
        }
    }
    ctx.audit("planning_run", a.run_id, json!({"confirmed": a.proposals.len()}));
    get(ctx.db(), &t, a.run_id)
}

/// A purchase order's `lines.N.field` errors, at the proposal line N came from.
fn by_proposal(e: Error, index: &[usize]) -> Error {
    match e {
        Error::Validation { reason, fields } => Error::Validation {
            reason,
            fields: fields
                .into_iter()
                .map(|f| {
                    let renamed = f.field.strip_prefix("lines.").and_then(|rest| {
                        let (n, tail) = rest.split_once('.').unwrap_or((rest, ""));
                        let at = index.get(n.parse::<usize>().ok()?)?;
                        Some(if tail.is_empty() { format!("proposals.{at}") } else { format!("proposals.{at}.{tail}") })
                    });
                    crate::error::FieldError::new(renamed.unwrap_or_else(|| f.field.clone()), f.issue())
                })
                .collect(),
        },
        other => other,
    }
}

pub fn dismiss(ctx: &mut Ctx<'_>, a: DismissProposalsArgs) -> Result<PlanningRun> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    for (i, id) in a.ids.iter().enumerate() {
        match open_proposal(db, &t, a.run_id, *id)? {
            None => c.push(&format!("ids.{i}"), FieldCode::NotFound.with("entity", "proposal")),
            Some((_, st, ..)) if st != ProposalState::Proposed => c.push(&format!("ids.{i}"), FieldCode::Invalid),
            Some(_) => {}
        }
    }
    c.finish()?;
    for id in &a.ids {
        db.prepare_cached("UPDATE planning_proposals SET state = 'dismissed' WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    }
    ctx.audit("planning_run", a.run_id, json!({"dismissed": a.ids.len()}));
    get(ctx.db(), &t, a.run_id)
}
