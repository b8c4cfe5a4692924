//! Valuation: the moving-average cost of each product per company, and the one stock
//! journal entry each value-changing done picking posts through the posting engine.
//!
//! The rules (see the module docs for why) are in [`CostState::incoming`] and
//! [`CostState::outgoing`]; every amount is rounded to the base currency's minor units
//! when it is computed, so the state's value is always exactly what was posted to the
//! inventory account.

use super::model::*;
use crate::accounting::model::{AccountId, EntryDraft, JournalKind, LineDraft, Source};
use crate::catalog::model::ProductId;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, Reason, Result, arith, money};
use rust_decimal::{Decimal, RoundingStrategy};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// A product's cost state in one company.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostState {
    /// Owned quantity (internal and transit locations), in the product's unit.
    pub quantity: Decimal,
    /// Its value in base currency, at the currency's minor units.
    pub value: Decimal,
    /// The moving-average unit cost: what outgoing units are valued at below zero.
    pub average_cost: Decimal,
}

/// What a move does to the value: into stock or out of it, and any price difference the
/// state absorbs (filling negative stock at another cost), all in base currency.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValueChange {
    /// Value entering (+) or leaving (−) stock against the move's counter-account.
    pub moved: Decimal,
    /// Revaluation of the units that filled negative stock, against cost of goods sold
    /// (+ raises the inventory value).
    pub difference: Decimal,
}

fn round_to(v: Decimal, units: u32) -> Decimal {
    v.round_dp_with_strategy(units, RoundingStrategy::MidpointAwayFromZero).normalize()
}

fn avg_of(field: &str, value: Decimal, qty: Decimal) -> Result<Decimal> {
    Ok(round_to(arith::div(field, value, qty)?, COST_SCALE).max(Decimal::ZERO))
}

impl CostState {
    /// `qty` units enter at `value` (rounded to `units` decimals by the caller).
    ///
    /// - At or above zero before: value adds up; the average is value / quantity.
    /// - Below zero before: the units that fill the hole were valued out at the old
    ///   average; they are revalued at this move's cost, the difference posted to cost of
    ///   goods sold, so the average afterwards is this move's cost (never negative, never
    ///   made of two prices). Reaching exactly zero leaves no value; staying below zero
    ///   keeps the old average for the remaining hole.
    pub fn incoming(&mut self, field: &str, qty: Decimal, value: Decimal, units: u32) -> Result<ValueChange> {
        let q0 = self.quantity;
        let q1 = arith::add(field, q0, qty)?;
        let v = arith::add(field, self.value, value)?;
        let mut change = ValueChange { moved: value, difference: Decimal::ZERO };
        if q0 >= Decimal::ZERO {
            self.value = v;
            if q1 > Decimal::ZERO {
                self.average_cost = avg_of(field, v, q1)?;
            }
        } else {
            let cost = avg_of(field, value, qty)?;
            let target = if q1 > Decimal::ZERO {
                round_to(arith::mul(field, q1, arith::div(field, value, qty)?)?, units)
            } else if q1.is_zero() {
                Decimal::ZERO
            } else {
                round_to(arith::mul(field, q1, self.average_cost)?, units)
            };
            change.difference = arith::sub(field, target, v)?;
            self.value = target;
            if q1 >= Decimal::ZERO {
                self.average_cost = cost;
            }
        }
        self.quantity = q1;
        if q1.is_zero() && !self.value.is_zero() {
            // No value sits on zero units: the residue goes with this move.
            change.difference = arith::sub(field, change.difference, self.value)?;
            self.value = Decimal::ZERO;
        }
        Ok(change)
    }

    /// `qty` units leave. Reaching zero takes the whole remaining value (the rounding
    /// residue with it); above zero they leave at value / quantity; the part below zero
    /// leaves at the average, which does not change.
    pub fn outgoing(&mut self, field: &str, qty: Decimal, units: u32) -> Result<ValueChange> {
        let q0 = self.quantity;
        let q1 = arith::sub(field, q0, qty)?;
        let out = if q1.is_zero() {
            self.value
        } else if q0 > Decimal::ZERO && q1 > Decimal::ZERO {
            round_to(arith::div(field, arith::mul(field, qty, self.value)?, q0)?, units)
        } else if q0 > Decimal::ZERO {
            // Through zero: all the value there was, and the rest at the average.
            let below = arith::sub(field, qty, q0)?;
            arith::add(field, self.value, round_to(arith::mul(field, below, self.average_cost)?, units))?
        } else {
            round_to(arith::mul(field, qty, self.average_cost)?, units)
        };
        self.value = arith::sub(field, self.value, out)?;
        self.quantity = q1;
        Ok(ValueChange { moved: -out, difference: Decimal::ZERO })
    }
}

pub fn get_state(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<CostState> {
    let row: Option<(i64, i64, i64)> = db
        .prepare_cached("SELECT quantity, value, average_cost FROM stock_costs WHERE tenant_id = ?1 AND product_id = ?2")?
        .query_row(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((q, v, a)) => CostState { quantity: arith::from_scaled(q, QTY_SCALE), value: money::from_db(v), average_cost: arith::from_scaled(a, COST_SCALE) },
        None => {
            // A product never valued starts at its catalog cost.
            let cost: i64 = db.prepare_cached("SELECT cost FROM products WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product], |r| r.get(0))?;
            CostState { quantity: Decimal::ZERO, value: Decimal::ZERO, average_cost: money::from_db(cost) }
        }
    })
}

fn put_state(db: &Connection, t: &TenantCtx, product: ProductId, s: &CostState) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO stock_costs (tenant_id, product_id, quantity, value, average_cost) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id, product_id) DO UPDATE SET quantity = excluded.quantity, value = excluded.value, average_cost = excluded.average_cost",
    )?
    .execute(params![
        t.tenant_id(),
        product,
        arith::to_scaled("quantity", s.quantity, QTY_SCALE)?,
        money::to_db("value", s.value)?,
        arith::to_scaled("average_cost", s.average_cost, COST_SCALE)?
    ])?;
    Ok(())
}

/// A location where stock is owned (valued): internal or in transit.
pub(crate) fn owned(kind: LocationKind) -> bool {
    matches!(kind, LocationKind::Internal | LocationKind::Transit)
}

/// One done move as valuation sees it.
pub(crate) struct ValuedMove {
    pub id: MoveId,
    pub product: ProductId,
    pub quantity: i64,
    pub from: LocationKind,
    pub to: LocationKind,
    pub entered_quantity: i64,
    pub unit_cost: Option<i64>,
}

fn account_or(found: Option<AccountId>, what: &str) -> Result<AccountId> {
    found.ok_or_else(|| Error::refused(Reason::InventoryAccountMissing.with("default", what)))
}

/// Values the moves of a picking being done, updates the cost states, and posts one stock
/// journal entry (lines per account) when the company keeps books. Called by
/// [`super::engine::done`] in its transaction.
pub(crate) fn value_picking(ctx: &mut Ctx<'_>, picking: PickingId, number: &str, kind: PickingKind, date: chrono::NaiveDate, moves: &[ValuedMove]) -> Result<()> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let books = crate::accounting::chart::has_chart(db, &t)?;
    let currency = crate::accounting::chart::base_currency(db, &t)?;
    let units = money::minor_units("currency", &currency)?;
    // Net per account: debit − credit.
    let mut net: BTreeMap<AccountId, Decimal> = BTreeMap::new();
    let mut accounts: Option<(AccountId, AccountId, AccountId, Option<AccountId>)> = None;
    let mut states: BTreeMap<ProductId, CostState> = BTreeMap::new();
    for m in moves {
        let (into, out_of) = (!owned(m.from) && owned(m.to), owned(m.from) && !owned(m.to));
        if !into && !out_of {
            continue;
        }
        let field = "value";
        let qty = arith::from_scaled(m.quantity, QTY_SCALE);
        let state = match states.get(&m.product) {
            Some(s) => *s,
            None => get_state(db, &t, m.product)?,
        };
        let mut s = state;
        let change = if into {
            let value = match m.unit_cost {
                Some(c) => arith::mul(field, arith::from_scaled(m.entered_quantity, QTY_SCALE), arith::from_scaled(c, COST_SCALE))?,
                None => arith::mul(field, qty, s.average_cost)?,
            };
            s.incoming(field, qty, round_to(value, units), units)?
        } else {
            s.outgoing(field, qty, units)?
        };
        states.insert(m.product, s);
        db.prepare_cached("UPDATE stock_moves SET value = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), m.id, money::to_db("value", change.moved)?])?;
        if !books || (change.moved.is_zero() && change.difference.is_zero()) {
            continue;
        }
        let (inventory, grni, cogs, loss) = match accounts {
            Some(a) => a,
            None => {
                let s = crate::accounting::chart::get_settings(db, &t)?;
                let loss: Option<AccountId> =
                    db.prepare_cached("SELECT loss_account_id FROM inventory_settings WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0)).optional()?.flatten();
                let a = (account_or(s.defaults.inventory, "inventory")?, account_or(s.defaults.grni, "grni")?, account_or(s.defaults.cogs, "cogs")?, loss);
                accounts = Some(a);
                a
            }
        };
        let counter = match kind {
            PickingKind::Receipt => grni,
            PickingKind::Delivery => cogs,
            PickingKind::Adjustment | PickingKind::Scrap => account_or(loss, "loss")?,
            // Transit counts as owned, so a transfer moves no value; a move from or to
            // production (later) will name its own account.
            PickingKind::Internal => cogs,
        };
        let add = |net: &mut BTreeMap<AccountId, Decimal>, a: AccountId, v: Decimal| -> Result<()> {
            let e = net.entry(a).or_default();
            *e = arith::add(field, *e, v)?;
            Ok(())
        };
        add(&mut net, inventory, change.moved)?;
        add(&mut net, counter, -change.moved)?;
        add(&mut net, inventory, change.difference)?;
        add(&mut net, cogs, -change.difference)?;
    }
    for (product, s) in &states {
        put_state(db, &t, *product, s)?;
    }
    let lines: Vec<LineDraft> = net
        .into_iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(account, v)| LineDraft {
            account_id: Some(account),
            partner_id: None,
            description: number.to_string(),
            debit: v.max(Decimal::ZERO),
            credit: (-v).max(Decimal::ZERO),
            currency: None,
            amount_currency: None,
            tax_id: None,
            tax_base: None,
        })
        .collect();
    if lines.len() < 2 {
        return Ok(());
    }
    let journal = crate::accounting::journals::by_kind(db, &t, JournalKind::Stock)?;
    let draft = EntryDraft { journal_id: journal, date, reference: number.to_string(), memo: format!("Stock {} {number}", kind.as_str()), lines };
    let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "inventory".into(), kind: "picking".into(), id: Some(picking.0) })?;
    ctx.db().prepare_cached("UPDATE pickings SET entry_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), picking, posted.id])?;
    Ok(())
}

/// The valuation now: each product's owned quantity, average cost and value, the total,
/// and the inventory account's balance it must equal.
pub fn report(db: &Connection, t: &TenantCtx) -> Result<ValuationReport> {
    let mut st = db.prepare_cached(
        "SELECT c.product_id, p.sku, p.name, u.code, c.quantity, c.average_cost, c.value FROM stock_costs c
         JOIN products p ON p.tenant_id = c.tenant_id AND p.id = c.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
         WHERE c.tenant_id = ?1 AND (c.quantity <> 0 OR c.value <> 0) ORDER BY p.sku",
    )?;
    let rows: Vec<ValuationRow> = st
        .query_map([t.tenant_id()], |r| {
            Ok(ValuationRow {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                unit_code: r.get(3)?,
                quantity: arith::from_scaled(r.get(4)?, QTY_SCALE),
                average_cost: arith::from_scaled(r.get(5)?, COST_SCALE),
                value: money::from_db(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let total: i64 = db.prepare_cached("SELECT coalesce(sum(value), 0) FROM stock_costs WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let balance = inventory_balance(db, t)?;
    Ok(ValuationReport { rows, total: money::from_db(total), inventory_account_balance: balance.map(money::from_db) })
}

/// The balance (debit − credit) of the default inventory account, from the maintained
/// balances; `None` for a company without books.
pub(crate) fn inventory_balance(db: &Connection, t: &TenantCtx) -> Result<Option<i64>> {
    if !crate::accounting::chart::has_chart(db, t)? {
        return Ok(None);
    }
    let account: Option<AccountId> =
        db.prepare_cached("SELECT inventory_account_id FROM accounting_settings WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0)).optional()?.flatten();
    let Some(account) = account else { return Ok(None) };
    Ok(Some(
        db.prepare_cached("SELECT coalesce(sum(debit) - sum(credit), 0) FROM account_balances WHERE tenant_id = ?1 AND account_id = ?2")?
            .query_row(params![t.tenant_id(), account], |r| r.get(0))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_average_moves_with_receipts_and_zero_takes_the_residue() {
        let mut s = CostState { quantity: Decimal::ZERO, value: Decimal::ZERO, average_cost: d("1") };
        s.incoming("v", d("3"), d("10.00"), 2).unwrap();
        assert_eq!(s.average_cost, d("3.333333"));
        let out = s.outgoing("v", d("1"), 2).unwrap();
        assert_eq!(out.moved, d("-3.33"));
        let out = s.outgoing("v", d("1"), 2).unwrap();
        assert_eq!(out.moved, d("-3.34"), "6.67 / 2 rounds half away");
        let out = s.outgoing("v", d("1"), 2).unwrap();
        assert_eq!((out.moved, s.value, s.quantity), (d("-3.33"), Decimal::ZERO, Decimal::ZERO), "the last unit takes what is left");
    }

    #[test]
    fn below_zero_the_average_holds_and_a_receipt_revalues_the_hole_at_its_own_cost() {
        let mut s = CostState { quantity: d("2"), value: d("20"), average_cost: d("10") };
        let out = s.outgoing("v", d("5"), 2).unwrap();
        assert_eq!((out.moved, s.quantity, s.value), (d("-50"), d("-3"), d("-30")));
        assert_eq!(s.average_cost, d("10"));
        // 5 arrive at 12: 3 fill the hole (revalued 10 → 12: −6 to cost of goods sold).
        let r = s.incoming("v", d("5"), d("60"), 2).unwrap();
        assert_eq!((r.moved, r.difference), (d("60"), d("-6")));
        assert_eq!((s.quantity, s.value, s.average_cost), (d("2"), d("24"), d("12")));
        // Exactly to zero from below: no value stays.
        let mut z = CostState { quantity: d("-1"), value: d("-10"), average_cost: d("10") };
        let r = z.incoming("v", d("1"), d("11"), 2).unwrap();
        assert_eq!((z.value, r.moved, r.difference), (Decimal::ZERO, d("11"), d("-1")));
        assert!(z.average_cost >= Decimal::ZERO);
    }
}
