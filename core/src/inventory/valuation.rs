//! Valuation: each product's cost state per company, moving average or FIFO, kept in
//! valuation order so a backdated move recomputes only what follows it; and the one stock
//! journal entry each value-changing operation posts through the posting engine.
//!
//! - **Rows in order.** Every done move into or out of owned stock has one row in
//!   `stock_valuation`, ordered by (date, the order moves were valued in). A row keeps what
//!   it moved (against its counter-account), the price difference it absorbed (against
//!   cost of goods sold) and the state after it: quantity, value, cost, and the cumulative
//!   quantities in and out that rebuild FIFO layers.
//! - **Backdated moves** are slotted in at their date: the product's state before that
//!   date is read from the row before it (FIFO layers from the incoming rows still holding
//!   units), and only that product's later rows are recomputed, in one pass, in the move's
//!   transaction. What they moved differently is posted in the same stock journal entry,
//!   dated at the move's date or, when the journal already has a later entry, at that
//!   entry's date, so the ledger stays append-only and chronological. Negative stock stays
//!   refused while recomputing: a backdated move that would take the company's quantity
//!   below zero at any later row is refused (`short_at_date`), not valued.
//! - The rules of each method are in [`CostState`] (average) and [`FifoState`]; every
//!   amount is rounded to the base currency's minor units when it is computed, so a
//!   state's value is always exactly what was posted to the inventory account.
//! - **Landed costs** add to a done receipt's rows, spread by value or quantity; the
//!   products are recomputed from the receipt on, and the entry posts inventory / the
//!   account named plus the differences of the units already gone.

use super::model::*;
use crate::accounting::model::{AccountId, EntryDraft, JournalKind, LineDraft, Source};
use crate::catalog::model::ProductId;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Reason, Result, arith, money};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};

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

// --- FIFO ----------------------------------------------------------------------------------

/// A FIFO layer: the units of one incoming move, in arrival order. What is left of it is
/// worth `remaining × value / quantity`, rounded ([`Layer::worth`]): a function of the
/// remaining quantity alone, so a layer's value never depends on how its units left, and
/// the state at any point is rebuilt exactly from the valuation rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layer {
    pub quantity: Decimal,
    pub value: Decimal,
    pub remaining: Decimal,
}

impl Layer {
    fn worth(&self, field: &str, remaining: Decimal, units: u32) -> Result<Decimal> {
        if remaining == self.quantity {
            Ok(self.value)
        } else if remaining.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            Ok(round_to(arith::div(field, arith::mul(field, remaining, self.value)?, self.quantity)?, units))
        }
    }
}

/// A product's FIFO state: the layers still holding units, oldest first, or (below zero)
/// a hole valued at the last incoming cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FifoState {
    pub layers: VecDeque<Layer>,
    pub quantity: Decimal,
    pub value: Decimal,
    /// The last incoming unit cost: what units leaving below zero (and gains without a
    /// cost) are valued at.
    pub last_cost: Decimal,
}

impl FifoState {
    /// `qty` units enter at `value`. Below zero they first fill the hole: those units are
    /// revalued from the last cost to this layer's, the difference to cost of goods sold
    /// (as the average does); the rest become a layer.
    pub fn incoming(&mut self, field: &str, qty: Decimal, value: Decimal, units: u32) -> Result<ValueChange> {
        let before = self.value;
        let q0 = self.quantity;
        let mut layer = Layer { quantity: qty, value, remaining: qty };
        if q0 < Decimal::ZERO {
            let hole = -q0;
            let fill = qty.min(hole);
            let left = arith::sub(field, hole, fill)?;
            let hole_value = if left.is_zero() { Decimal::ZERO } else { round_to(arith::div(field, arith::mul(field, self.value, left)?, hole)?, units) };
            layer.remaining = arith::sub(field, qty, fill)?;
            self.value = arith::add(field, hole_value, layer.worth(field, layer.remaining, units)?)?;
        } else {
            self.value = arith::add(field, before, value)?;
        }
        if layer.remaining > Decimal::ZERO {
            self.layers.push_back(layer);
        }
        self.quantity = arith::add(field, q0, qty)?;
        self.last_cost = avg_of(field, value, qty)?;
        let difference = arith::sub(field, arith::sub(field, self.value, before)?, value)?;
        Ok(ValueChange { moved: value, difference })
    }

    /// `qty` units leave from the oldest layers; what is not there leaves at the last cost.
    pub fn outgoing(&mut self, field: &str, qty: Decimal, units: u32) -> Result<ValueChange> {
        let mut need = qty;
        let mut out = Decimal::ZERO;
        while need > Decimal::ZERO {
            let Some(front) = self.layers.front_mut() else { break };
            let take = front.remaining.min(need);
            let left = arith::sub(field, front.remaining, take)?;
            let taken = arith::sub(field, front.worth(field, front.remaining, units)?, front.worth(field, left, units)?)?;
            out = arith::add(field, out, taken)?;
            front.remaining = left;
            need = arith::sub(field, need, take)?;
            if left.is_zero() {
                self.layers.pop_front();
            }
        }
        if need > Decimal::ZERO {
            out = arith::add(field, out, round_to(arith::mul(field, need, self.last_cost)?, units))?;
        }
        self.value = arith::sub(field, self.value, out)?;
        self.quantity = arith::sub(field, self.quantity, qty)?;
        Ok(ValueChange { moved: -out, difference: Decimal::ZERO })
    }
}

/// A product's cost state under the company's costing method.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Average(CostState),
    Fifo(FifoState),
}

impl State {
    pub fn quantity(&self) -> Decimal {
        match self {
            State::Average(s) => s.quantity,
            State::Fifo(s) => s.quantity,
        }
    }
    pub fn value(&self) -> Decimal {
        match self {
            State::Average(s) => s.value,
            State::Fifo(s) => s.value,
        }
    }
    /// The cost units leave at below zero, and gains without a cost enter at.
    pub fn cost(&self) -> Decimal {
        match self {
            State::Average(s) => s.average_cost,
            State::Fifo(s) => s.last_cost,
        }
    }
    fn incoming(&mut self, field: &str, qty: Decimal, value: Decimal, units: u32) -> Result<ValueChange> {
        match self {
            State::Average(s) => s.incoming(field, qty, value, units),
            State::Fifo(s) => s.incoming(field, qty, value, units),
        }
    }
    fn outgoing(&mut self, field: &str, qty: Decimal, units: u32) -> Result<ValueChange> {
        match self {
            State::Average(s) => s.outgoing(field, qty, units),
            State::Fifo(s) => s.outgoing(field, qty, units),
        }
    }
}

// --- the valuation rows ---------------------------------------------------------------------

/// One row of `stock_valuation`: a done move's place in its product's valuation order and
/// what it did there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// `None` until inserted.
    pub id: Option<i64>,
    pub move_id: MoveId,
    pub date: NaiveDate,
    /// Signed: + into owned stock, − out of it.
    pub quantity: Decimal,
    /// An incoming move's own value (entered quantity × unit cost); `None`: at the cost of
    /// its time.
    pub base_value: Option<Decimal>,
    pub landed: Decimal,
    pub counter: Option<AccountId>,
    pub moved: Decimal,
    pub difference: Decimal,
    pub qty_after: Decimal,
    pub value_after: Decimal,
    pub cost_after: Decimal,
    pub cum_in: Decimal,
    pub cum_out: Decimal,
}

impl Row {
    fn new(move_id: MoveId, date: NaiveDate, quantity: Decimal, base_value: Option<Decimal>, counter: Option<AccountId>) -> Row {
        let z = Decimal::ZERO;
        Row { id: None, move_id, date, quantity, base_value, landed: z, counter, moved: z, difference: z, qty_after: z, value_after: z, cost_after: z, cum_in: z, cum_out: z }
    }

    fn from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        let q = |i: usize| -> rusqlite::Result<Decimal> { Ok(arith::from_scaled(r.get(i)?, QTY_SCALE)) };
        let m = |i: usize| -> rusqlite::Result<Decimal> { Ok(money::from_db(r.get(i)?)) };
        Ok(Row {
            id: Some(r.get(0)?),
            move_id: r.get(1)?,
            date: r.get(2)?,
            quantity: q(3)?,
            base_value: r.get::<_, Option<i64>>(4)?.map(money::from_db),
            landed: m(5)?,
            counter: r.get(6)?,
            moved: m(7)?,
            difference: m(8)?,
            qty_after: q(9)?,
            value_after: m(10)?,
            cost_after: arith::from_scaled(r.get(11)?, COST_SCALE),
            cum_in: q(12)?,
            cum_out: q(13)?,
        })
    }

    /// Values the row on `state`, which it moves on.
    fn apply(&mut self, state: &mut State, units: u32) -> Result<()> {
        let field = "value";
        let change = if self.quantity > Decimal::ZERO {
            let own = match self.base_value {
                Some(v) => v,
                None => round_to(arith::mul(field, self.quantity, state.cost())?, units),
            };
            self.cum_in = arith::add(field, self.cum_in, self.quantity)?;
            state.incoming(field, self.quantity, arith::add(field, own, self.landed)?, units)?
        } else {
            self.cum_out = arith::sub(field, self.cum_out, self.quantity)?;
            state.outgoing(field, -self.quantity, units)?
        };
        self.moved = change.moved;
        self.difference = change.difference;
        self.qty_after = state.quantity();
        self.value_after = state.value();
        self.cost_after = state.cost();
        Ok(())
    }
}

const ROW_COLUMNS: &str = "id, move_id, date, quantity, base_value, landed, counter_account_id, moved, difference, qty_after, value_after, cost_after, cum_in, cum_out";

/// Where a recomputation starts in a product's valuation order.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// New rows dated `date` go after every row dated on or before it.
    After(NaiveDate),
    /// From this existing row on (landed costs change it).
    At(NaiveDate, i64),
}

/// The product's state before `start`, the row it follows (cumulative quantities), and
/// whether that row is the product's last (nothing later to recompute). A start on or
/// after the product's last row reads the cost state alone (`stock_costs` keeps the last
/// row's date and cumulative quantities); an earlier one reads the row before it.
fn state_before(db: &Connection, t: &TenantCtx, product: ProductId, method: CostingMethod, start: Start) -> Result<(State, Decimal, Decimal, bool)> {
    let tail = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(Option<NaiveDate>, Row)> {
        let q = |i: usize| -> rusqlite::Result<Decimal> { Ok(arith::from_scaled(r.get(i)?, QTY_SCALE)) };
        let last: Option<NaiveDate> = r.get(0)?;
        let mut row = Row::new(MoveId(0), last.unwrap_or_default(), Decimal::ZERO, None, None);
        row.qty_after = q(1)?;
        row.value_after = money::from_db(r.get(2)?);
        row.cost_after = arith::from_scaled(r.get(3)?, COST_SCALE);
        row.cum_in = q(4)?;
        row.cum_out = q(5)?;
        Ok((last, row))
    };
    let (prev, at_end): (Option<Row>, bool) = match start {
        Start::After(d) => {
            let state: Option<(Option<NaiveDate>, Row)> = db
                .prepare_cached("SELECT last_date, quantity, value, average_cost, cum_in, cum_out FROM stock_costs WHERE tenant_id = ?1 AND product_id = ?2")?
                .query_row(params![t.tenant_id(), product], tail)
                .optional()?;
            match state {
                Some((Some(last), row)) if last <= d => (Some(row), true),
                _ => (
                    db.prepare_cached(&format!(
                        "SELECT {ROW_COLUMNS} FROM stock_valuation WHERE tenant_id = ?1 AND product_id = ?2 AND date <= ?3 ORDER BY date DESC, id DESC LIMIT 1"
                    ))?
                    .query_row(params![t.tenant_id(), product, d], Row::from_sql)
                    .optional()?,
                    false,
                ),
            }
        }
        Start::At(d, id) => (
            db.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM stock_valuation WHERE tenant_id = ?1 AND product_id = ?2 AND (date, id) < (?3, ?4) ORDER BY date DESC, id DESC LIMIT 1"
            ))?
            .query_row(params![t.tenant_id(), product, d, id], Row::from_sql)
            .optional()?,
            false,
        ),
    };
    let Some(p) = prev else {
        // A product never valued starts at its catalog cost.
        let cost: i64 = db.prepare_cached("SELECT cost FROM products WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product], |r| r.get(0))?;
        let cost = money::from_db(cost);
        let z = Decimal::ZERO;
        let state = match method {
            CostingMethod::Average => State::Average(CostState { quantity: z, value: z, average_cost: cost }),
            CostingMethod::Fifo => State::Fifo(FifoState { last_cost: cost, ..FifoState::default() }),
        };
        return Ok((state, z, z, at_end));
    };
    let state = match method {
        CostingMethod::Average => State::Average(CostState { quantity: p.qty_after, value: p.value_after, average_cost: p.cost_after }),
        CostingMethod::Fifo => {
            let mut layers = VecDeque::new();
            if p.qty_after > Decimal::ZERO {
                // The units still here are the incoming units after the first `cum_out`.
                let out = arith::to_scaled("quantity", p.cum_out, QTY_SCALE)?;
                let upto = arith::to_scaled("quantity", p.cum_in, QTY_SCALE)?;
                let mut st = db.prepare_cached(
                    "SELECT quantity, moved, cum_in FROM stock_valuation WHERE tenant_id = ?1 AND product_id = ?2 AND quantity > 0 AND cum_in > ?3 AND cum_in <= ?4 ORDER BY cum_in",
                )?;
                let rows = st.query_map(params![t.tenant_id(), product, out, upto], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
                for row in rows {
                    let (q, v, cum) = row?;
                    let remaining = cum.saturating_sub(out).min(q);
                    layers.push_back(Layer { quantity: arith::from_scaled(q, QTY_SCALE), value: money::from_db(v), remaining: arith::from_scaled(remaining, QTY_SCALE) });
                }
            }
            State::Fifo(FifoState { layers, quantity: p.qty_after, value: p.value_after, last_cost: p.cost_after })
        }
    };
    Ok((state, p.cum_in, p.cum_out, at_end))
}

/// What recomputing one product changed: its rows (new and recomputed, each with what it
/// had before) and its state at the end.
struct Recomputed {
    rows: Vec<(Row, Option<Row>)>,
    state: State,
}

/// Values `new` rows (dated `start`'s date) and recomputes the product's rows after them,
/// or recomputes from an existing row (`landed` adds to incoming rows by id). Refuses,
/// changing nothing, when negative stock is refused and a row would newly go below zero.
#[allow(clippy::too_many_arguments)]
fn recompute(
    db: &Connection,
    t: &TenantCtx,
    product: ProductId,
    method: CostingMethod,
    units: u32,
    allow_negative: bool,
    start: Start,
    new: Vec<Row>,
    landed: &BTreeMap<i64, Decimal>,
) -> Result<Recomputed> {
    let (mut state, mut cum_in, mut cum_out, at_end) = state_before(db, t, product, method, start)?;
    let later: Vec<Row> = match start {
        Start::After(_) if at_end => Vec::new(),
        Start::After(d) => db
            .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM stock_valuation WHERE tenant_id = ?1 AND product_id = ?2 AND date > ?3 ORDER BY date, id"))?
            .query_map(params![t.tenant_id(), product, d], Row::from_sql)?
            .collect::<rusqlite::Result<_>>()?,
        Start::At(d, id) => db
            .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM stock_valuation WHERE tenant_id = ?1 AND product_id = ?2 AND (date, id) >= (?3, ?4) ORDER BY date, id"))?
            .query_map(params![t.tenant_id(), product, d, id], Row::from_sql)?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut out: Vec<(Row, Option<Row>)> = Vec::with_capacity(new.len() + later.len());
    for row in new.into_iter().map(|r| (r, None)).chain(later.into_iter().map(|r| (r.clone(), Some(r)))) {
        let (mut row, old) = row;
        if let Some(id) = row.id
            && let Some(add) = landed.get(&id)
        {
            row.landed = arith::add("value", row.landed, *add)?;
        }
        row.cum_in = cum_in;
        row.cum_out = cum_out;
        row.apply(&mut state, units)?;
        cum_in = row.cum_in;
        cum_out = row.cum_out;
        if !allow_negative && row.qty_after < Decimal::ZERO && old.as_ref().is_none_or(|o| o.qty_after >= Decimal::ZERO) {
            let (sku, unit): (String, String) = db
                .prepare_cached("SELECT p.sku, u.code FROM products p JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE p.tenant_id = ?1 AND p.id = ?2")?
                .query_row(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?)))?;
            return Err(Error::field(
                "date",
                FieldCode::ShortAtDate.with("date", row.date).with("sku", sku).with("shortfall", -row.qty_after).with("unit", unit),
            ));
        }
        out.push((row, old));
    }
    Ok(Recomputed { rows: out, state })
}

/// Writes a recomputation: inserts the new rows, updates the changed ones, and the cost
/// state.
fn write(db: &Connection, t: &TenantCtx, product: ProductId, rc: &Recomputed) -> Result<()> {
    let q = |f: &str, v: Decimal| arith::to_scaled(f, v, QTY_SCALE);
    let m = |f: &str, v: Decimal| money::to_db(f, v);
    let c = |f: &str, v: Decimal| arith::to_scaled(f, v, COST_SCALE);
    for (row, old) in &rc.rows {
        match (row.id, old) {
            (None, _) => {
                db.prepare_cached(
                    "INSERT INTO stock_valuation (tenant_id, product_id, move_id, date, quantity, base_value, landed, counter_account_id, moved, difference,
                     qty_after, value_after, cost_after, cum_in, cum_out) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )?
                .execute(params![
                    t.tenant_id(),
                    product,
                    row.move_id,
                    row.date,
                    q("quantity", row.quantity)?,
                    row.base_value.map(|v| m("value", v)).transpose()?,
                    m("value", row.landed)?,
                    row.counter,
                    m("value", row.moved)?,
                    m("value", row.difference)?,
                    q("quantity", row.qty_after)?,
                    m("value", row.value_after)?,
                    c("cost", row.cost_after)?,
                    q("quantity", row.cum_in)?,
                    q("quantity", row.cum_out)?
                ])?;
            }
            (Some(id), Some(o)) if o != row => {
                db.prepare_cached(
                    "UPDATE stock_valuation SET landed = ?3, moved = ?4, difference = ?5, qty_after = ?6, value_after = ?7, cost_after = ?8, cum_in = ?9, cum_out = ?10
                     WHERE tenant_id = ?1 AND id = ?2",
                )?
                .execute(params![
                    t.tenant_id(),
                    id,
                    m("value", row.landed)?,
                    m("value", row.moved)?,
                    m("value", row.difference)?,
                    q("quantity", row.qty_after)?,
                    m("value", row.value_after)?,
                    c("cost", row.cost_after)?,
                    q("quantity", row.cum_in)?,
                    q("quantity", row.cum_out)?
                ])?;
            }
            _ => {}
        }
    }
    // A recomputation runs to the product's last row: its state is the cost state.
    if let Some((last, _)) = rc.rows.last() {
        put_state(db, t, product, &CostState { quantity: rc.state.quantity(), value: rc.state.value(), average_cost: rc.state.cost() }, last)?;
    }
    Ok(())
}

/// A product's cost state now (a product never valued: nothing, at its catalog cost).
/// The cost is the average, or FIFO's last incoming cost.
pub fn get_state(db: &Connection, t: &TenantCtx, product: ProductId) -> Result<CostState> {
    let row: Option<(i64, i64, i64)> = db
        .prepare_cached("SELECT quantity, value, average_cost FROM stock_costs WHERE tenant_id = ?1 AND product_id = ?2")?
        .query_row(params![t.tenant_id(), product], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((q, v, a)) => CostState { quantity: arith::from_scaled(q, QTY_SCALE), value: money::from_db(v), average_cost: arith::from_scaled(a, COST_SCALE) },
        None => {
            let cost: i64 = db.prepare_cached("SELECT cost FROM products WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product], |r| r.get(0))?;
            CostState { quantity: Decimal::ZERO, value: Decimal::ZERO, average_cost: money::from_db(cost) }
        }
    })
}

/// Writes the cost state after the product's last row, with that row's date and
/// cumulative quantities (what a later move is valued from).
fn put_state(db: &Connection, t: &TenantCtx, product: ProductId, s: &CostState, last: &Row) -> Result<()> {
    db.prepare_cached(
        "INSERT INTO stock_costs (tenant_id, product_id, quantity, value, average_cost, last_date, cum_in, cum_out) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (tenant_id, product_id) DO UPDATE SET quantity = excluded.quantity, value = excluded.value, average_cost = excluded.average_cost,
         last_date = excluded.last_date, cum_in = excluded.cum_in, cum_out = excluded.cum_out",
    )?
    .execute(params![
        t.tenant_id(),
        product,
        arith::to_scaled("quantity", s.quantity, QTY_SCALE)?,
        money::to_db("value", s.value)?,
        arith::to_scaled("average_cost", s.average_cost, COST_SCALE)?,
        last.date,
        arith::to_scaled("quantity", last.cum_in, QTY_SCALE)?,
        arith::to_scaled("quantity", last.cum_out, QTY_SCALE)?
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
    /// The move's own value fixed by its maker (a production output), at the ledger's
    /// scale; taken instead of quantity × unit cost.
    pub fixed_value: Option<i64>,
}

fn account_or(found: Option<AccountId>, what: &str) -> Result<AccountId> {
    found.ok_or_else(|| Error::refused(Reason::InventoryAccountMissing.with("default", what)))
}

/// The company's stock accounts (inventory, goods received not billed, cost of goods
/// sold, loss/gain), read once per operation.
#[derive(Clone, Copy)]
struct Accounts {
    inventory: AccountId,
    grni: AccountId,
    cogs: AccountId,
    loss: Option<AccountId>,
}

fn accounts(db: &Connection, t: &TenantCtx) -> Result<Accounts> {
    let s = crate::accounting::chart::get_settings(db, t)?;
    let loss: Option<AccountId> = db.prepare_cached("SELECT loss_account_id FROM inventory_settings WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0)).optional()?.flatten();
    Ok(Accounts { inventory: account_or(s.defaults.inventory, "inventory")?, grni: account_or(s.defaults.grni, "grni")?, cogs: account_or(s.defaults.cogs, "cogs")?, loss })
}

/// Debit − credit per account, for one stock journal entry.
#[derive(Default)]
struct Net(BTreeMap<AccountId, Decimal>);

impl Net {
    fn add(&mut self, a: AccountId, v: Decimal) -> Result<()> {
        if v.is_zero() {
            return Ok(());
        }
        let e = self.0.entry(a).or_default();
        *e = arith::add("value", *e, v)?;
        Ok(())
    }

    /// What a new or recomputed row posts: its change in `moved` against its counter
    /// account (landed costs against `landed_account`), its change in `difference`
    /// against cost of goods sold.
    fn row(&mut self, acc: &Accounts, row: &Row, old: Option<&Row>, landed_account: Option<AccountId>) -> Result<()> {
        let z = Decimal::ZERO;
        let (moved0, diff0, landed0) = old.map_or((z, z, z), |o| (o.moved, o.difference, o.landed));
        let d_landed = arith::sub("value", row.landed, landed0)?;
        let d_moved = arith::sub("value", arith::sub("value", row.moved, moved0)?, d_landed)?;
        let d_diff = arith::sub("value", row.difference, diff0)?;
        if !d_landed.is_zero() {
            self.add(acc.inventory, d_landed)?;
            self.add(landed_account.unwrap_or(acc.grni), -d_landed)?;
        }
        self.add(acc.inventory, d_moved)?;
        self.add(row.counter.unwrap_or(acc.cogs), -d_moved)?;
        self.add(acc.inventory, d_diff)?;
        self.add(acc.cogs, -d_diff)?;
        Ok(())
    }

    fn lines(self, description: &str) -> Vec<LineDraft> {
        self.0
            .into_iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(account, v)| LineDraft {
                account_id: Some(account),
                partner_id: None,
                description: description.to_string(),
                debit: v.max(Decimal::ZERO),
                credit: (-v).max(Decimal::ZERO),
                currency: None,
                amount_currency: None,
                tax_id: None,
                tax_base: None,
            })
            .collect()
    }
}

/// Posts one stock journal entry dated `date`, or the stock journal's latest date when a
/// later entry exists (the series is chronological; the ledger stays append-only).
fn post(ctx: &mut Ctx<'_>, date: NaiveDate, reference: &str, memo: String, lines: Vec<LineDraft>, source: Source) -> Result<Option<crate::accounting::model::EntryId>> {
    if lines.len() < 2 {
        return Ok(None);
    }
    let t = ctx.tenant()?;
    let db = ctx.db();
    let journal = crate::accounting::journals::by_kind(db, &t, JournalKind::Stock)?;
    let when = crate::accounting::ledger::earliest_posting_date(db, &t, journal, date)?;
    let memo = if when == date { memo } else { format!("{memo} (dated {date})") };
    let draft = EntryDraft { journal_id: journal, date: when, reference: reference.to_string(), memo, lines };
    Ok(Some(crate::accounting::ledger::post(ctx, draft, source)?.id))
}

/// Values the moves of a picking being done and posts one stock journal entry (lines per
/// account) when the company keeps books. Each product's new rows go at the picking's
/// date; when the product has rows dated later (a backdated move), only that product's
/// later rows are recomputed and their value differences join the entry. Called by
/// [`super::engine::done`] in its transaction.
pub(crate) fn value_picking(ctx: &mut Ctx<'_>, picking: PickingId, number: &str, kind: PickingKind, date: NaiveDate, moves: &[ValuedMove]) -> Result<()> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let books = crate::accounting::chart::has_chart(db, &t)?;
    let currency = crate::accounting::chart::base_currency(db, &t)?;
    let units = money::minor_units("currency", &currency)?;
    let settings = super::places::get_settings(db, &t)?;
    let acc = if books { Some(accounts(db, &t)?) } else { None };
    let counter = match acc {
        None => None,
        Some(a) => Some(match kind {
            PickingKind::Receipt => a.grni,
            PickingKind::Delivery => a.cogs,
            PickingKind::Adjustment | PickingKind::Scrap => account_or(a.loss, "loss")?,
            // Transit counts as owned, so a transfer moves no value.
            PickingKind::Internal => a.cogs,
            // Consumption and output go through work in progress.
            PickingKind::Production => account_or(crate::production::settings::wip_account(db, &t)?, "wip")?,
        }),
    };
    let mut by_product: BTreeMap<ProductId, Vec<Row>> = BTreeMap::new();
    for m in moves {
        let (into, out_of) = (!owned(m.from) && owned(m.to), owned(m.from) && !owned(m.to));
        if !into && !out_of {
            continue;
        }
        let qty = arith::from_scaled(m.quantity, QTY_SCALE);
        let base = match (into, m.unit_cost) {
            _ if into && m.fixed_value.is_some() => m.fixed_value.map(money::from_db),
            (true, Some(c)) => Some(round_to(arith::mul("value", arith::from_scaled(m.entered_quantity, QTY_SCALE), arith::from_scaled(c, COST_SCALE))?, units)),
            _ => None,
        };
        // Goods coming back from a customer go against cost of goods sold, goods going
        // back to a supplier against goods received not billed, whatever the picking kind.
        let counter = match (&acc, into) {
            (Some(a), true) if m.from == LocationKind::Customer => Some(a.cogs),
            (Some(a), false) if m.to == LocationKind::Supplier => Some(a.grni),
            _ => counter,
        };
        by_product.entry(m.product).or_default().push(Row::new(m.id, date, if into { qty } else { -qty }, base, counter));
    }
    let mut net = Net::default();
    let mut later = 0_usize;
    for (product, rows) in by_product {
        let n = rows.len();
        let rc = recompute(db, &t, product, settings.costing_method, units, settings.allow_negative_stock, Start::After(date), rows, &BTreeMap::new())?;
        later += rc.rows.len() - n;
        write(db, &t, product, &rc)?;
        for (row, old) in &rc.rows {
            if let Some(a) = &acc {
                net.row(a, row, old.as_ref(), None)?;
            }
        }
    }
    if !books {
        return Ok(());
    }
    let memo = if later > 0 { format!("Stock {} {number}, revaluing {later} later moves", kind.as_str()) } else { format!("Stock {} {number}", kind.as_str()) };
    let entry = post(ctx, date, number, memo, net.lines(number), Source { module: "inventory".into(), kind: "picking".into(), id: Some(picking.0) })?;
    if let Some(e) = entry {
        ctx.db().prepare_cached("UPDATE pickings SET entry_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), picking, e])?;
    }
    Ok(())
}

// --- landed costs ---------------------------------------------------------------------------

/// Adds a landed cost (freight, duty) to a done receipt: spread over its incoming moves
/// by value or by quantity (rounded to the currency's minor units, the remainder to the
/// largest share), each product recomputed from the receipt on, and posted in one stock
/// journal entry: inventory / the account named, with the differences of the units that
/// have already left (cost of goods sold, loss).
pub fn add_landed_cost(ctx: &mut Ctx<'_>, a: AddLandedCostArgs) -> Result<LandedCost> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let books = crate::accounting::chart::has_chart(db, &t)?;
    let currency = crate::accounting::chart::base_currency(db, &t)?;
    let units = money::minor_units("currency", &currency)?;
    let mut c = crate::validate::Checker::new();
    let amount = a.amount;
    if amount <= Decimal::ZERO {
        c.push("amount", FieldCode::NotPositive);
    } else if amount.normalize().scale() > units {
        c.push("amount", FieldCode::TooManyDecimals.with("max", units));
    }
    let description = c.optional("description", a.description.as_deref().unwrap_or(""), 200);
    let picking: Option<(PickingKind, PickingState, NaiveDate, Option<String>)> = db
        .prepare_cached("SELECT kind, state, date, number FROM pickings WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), a.picking_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let number = match picking {
        None => {
            c.push("picking_id", FieldCode::NotFound);
            String::new()
        }
        Some((kind, state, _, number)) => {
            if kind != PickingKind::Receipt || state != PickingState::Done {
                c.push("picking_id", FieldCode::NotADoneReceipt);
            }
            number.unwrap_or_default()
        }
    };
    match a.account_id {
        Some(id) => {
            let leaf: Option<bool> =
                db.prepare_cached("SELECT NOT is_group FROM accounts WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), id], |r| r.get(0)).optional()?;
            match leaf {
                None => c.push("account_id", FieldCode::NotFound),
                Some(false) => c.push("account_id", FieldCode::AccountIsGroup),
                Some(true) => {}
            }
        }
        None if books => c.push("account_id", FieldCode::Required),
        None => {}
    }
    c.finish()?;
    let date = a.date.unwrap_or_else(|| ctx.now.date_naive());
    // The receipt's incoming rows, and their weights.
    let rows: Vec<(i64, ProductId, MoveId, NaiveDate, i64, i64)> = db
        .prepare_cached(
            "SELECT v.id, v.product_id, v.move_id, v.date, v.quantity, v.moved - v.landed FROM stock_moves m
             CROSS JOIN stock_valuation v ON v.tenant_id = m.tenant_id AND v.move_id = m.id
             WHERE m.tenant_id = ?1 AND m.picking_id = ?2 AND v.quantity > 0 ORDER BY v.id",
        )?
        .query_map(params![t.tenant_id(), a.picking_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Err(Error::field("picking_id", FieldCode::NotADoneReceipt));
    }
    let by_value = a.split == LandedSplit::Value && rows.iter().any(|r| r.5 > 0);
    let weights: Vec<Decimal> = rows.iter().map(|r| if by_value { money::from_db(r.5.max(0)) } else { arith::from_scaled(r.4, QTY_SCALE) }).collect();
    let shares = spread("amount", amount, &weights, units)?;
    let mut landed: BTreeMap<i64, Decimal> = BTreeMap::new();
    let mut starts: BTreeMap<ProductId, (NaiveDate, i64)> = BTreeMap::new();
    for (r, s) in rows.iter().zip(&shares) {
        landed.insert(r.0, *s);
        let e = starts.entry(r.1).or_insert((r.3, r.0));
        if (r.3, r.0) < *e {
            *e = (r.3, r.0);
        }
    }
    let settings = super::places::get_settings(db, &t)?;
    let acc = if books { Some(accounts(db, &t)?) } else { None };
    let mut net = Net::default();
    for (product, (d, id)) in &starts {
        let rc = recompute(db, &t, *product, settings.costing_method, units, true, Start::At(*d, *id), Vec::new(), &landed)?;
        write(db, &t, *product, &rc)?;
        if let Some(acc) = &acc {
            for (row, old) in &rc.rows {
                net.row(acc, row, old.as_ref(), a.account_id)?;
            }
        }
    }
    let user = ctx.principal()?.user_id;
    let db = ctx.db();
    db.prepare_cached(
        "INSERT INTO landed_costs (tenant_id, picking_id, date, amount, split, account_id, description, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![t.tenant_id(), a.picking_id, date, money::to_db("amount", amount)?, a.split.as_str(), a.account_id, description, user, ctx.now])?;
    let id = db.last_insert_rowid();
    for (r, s) in rows.iter().zip(&shares) {
        db.prepare_cached("INSERT INTO landed_cost_lines (tenant_id, landed_cost_id, move_id, amount) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
            t.tenant_id(),
            id,
            r.2,
            money::to_db("amount", *s)?
        ])?;
    }
    if books {
        let memo = if description.is_empty() { format!("Landed cost on {number}") } else { format!("Landed cost on {number}: {description}") };
        if let Some(e) = post(ctx, date, &number, memo, net.lines(&number), Source { module: "inventory".into(), kind: "landed_cost".into(), id: Some(id) })? {
            ctx.db().prepare_cached("UPDATE landed_costs SET entry_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, e])?;
        }
    }
    ctx.audit("landed_cost", id, json!({"picking_id": a.picking_id, "amount": amount.to_string(), "split": a.split.as_str()}));
    get_landed_cost(ctx.db(), &t, id)
}

/// `total` spread over `weights` in proportion, each share rounded to `units` decimals and
/// the rounding remainder given to the largest weight, so the shares sum to `total`
/// exactly. Zero weights everywhere spread evenly.
pub(crate) fn spread(field: &str, total: Decimal, weights: &[Decimal], units: u32) -> Result<Vec<Decimal>> {
    if weights.is_empty() {
        return Ok(Vec::new());
    }
    let sum = arith::sum(field, weights.iter().copied())?;
    let even = sum.is_zero();
    let mut shares = Vec::with_capacity(weights.len());
    for w in weights {
        let s = if even {
            arith::div(field, total, Decimal::from(weights.len()))?
        } else {
            arith::div(field, arith::mul(field, total, *w)?, sum)?
        };
        shares.push(round_to(s, units));
    }
    let rest = arith::sub(field, total, arith::sum(field, shares.iter().copied())?)?;
    let largest = weights.iter().enumerate().fold(0, |best, (i, w)| if *w > weights[best] { i } else { best });
    shares[largest] = arith::add(field, shares[largest], rest)?;
    Ok(shares)
}

pub fn get_landed_cost(db: &Connection, t: &TenantCtx, id: i64) -> Result<LandedCost> {
    let mut l = db
        .prepare_cached("SELECT id, picking_id, date, amount, split, account_id, description, entry_id FROM landed_costs WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(LandedCost {
                id: r.get(0)?,
                picking_id: r.get(1)?,
                date: r.get(2)?,
                amount: money::from_db(r.get(3)?),
                split: r.get(4)?,
                account_id: r.get(5)?,
                description: r.get(6)?,
                entry_id: r.get(7)?,
                lines: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("landed_cost", id))?;
    l.lines = db
        .prepare_cached(
            "SELECT m.id, m.product_id, p.sku, l.amount FROM landed_cost_lines l JOIN stock_moves m ON m.tenant_id = l.tenant_id AND m.id = l.move_id
             JOIN products p ON p.tenant_id = m.tenant_id AND p.id = m.product_id WHERE l.tenant_id = ?1 AND l.landed_cost_id = ?2 ORDER BY m.line_no, m.id",
        )?
        .query_map(params![t.tenant_id(), id], |r| Ok(LandedCostLine { move_id: r.get(0)?, product_id: r.get(1)?, sku: r.get(2)?, amount: money::from_db(r.get(3)?) }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(l)
}

/// The landed costs of a receipt, oldest first.
pub fn list_landed_costs(db: &Connection, t: &TenantCtx, picking: PickingId) -> Result<Vec<LandedCost>> {
    let ids: Vec<i64> = db
        .prepare_cached("SELECT id FROM landed_costs WHERE tenant_id = ?1 AND picking_id = ?2 ORDER BY id")?
        .query_map(params![t.tenant_id(), picking], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_landed_cost(db, t, id)).collect()
}

// --- reports ---------------------------------------------------------------------------------

/// The valuation now (from the maintained cost states), or at the end of a past day (each
/// product's last valuation row on or before it): quantity, unit cost, value per product
/// by SKU, paged when asked; the total of every product; and the inventory account's
/// balance it equals — now always; at a past date unless a backdated move's differences
/// were posted after that date.
pub fn valuation(db: &Connection, t: &TenantCtx, a: &ValuationArgs) -> Result<ValuationReport> {
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<ValuationRow> {
        Ok(ValuationRow {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            unit_code: r.get(3)?,
            quantity: arith::from_scaled(r.get(4)?, QTY_SCALE),
            average_cost: arith::from_scaled(r.get(5)?, COST_SCALE),
            value: money::from_db(r.get(6)?),
        })
    };
    let limit = a.limit.map(|l| l.clamp(1, 1000) as usize);
    let after = a.after.clone().unwrap_or_default();
    let (mut rows, total, balance) = match a.at {
        None => {
            let rows: Vec<ValuationRow> = db
                .prepare_cached(
                    "SELECT c.product_id, p.sku, p.name, u.code, c.quantity, c.average_cost, c.value FROM products p
                     JOIN stock_costs c ON c.tenant_id = p.tenant_id AND c.product_id = p.id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
                     WHERE p.tenant_id = ?1 AND p.sku > ?2 AND (c.quantity <> 0 OR c.value <> 0) ORDER BY p.sku LIMIT ?3",
                )?
                .query_map(params![t.tenant_id(), after, limit.map_or(-1, |l| l as i64 + 1)], row)?
                .collect::<rusqlite::Result<_>>()?;
            let total: i64 = db.prepare_cached("SELECT coalesce(sum(value), 0) FROM stock_costs WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
            (rows, money::from_db(total), inventory_balance(db, t)?)
        }
        Some(at) => {
            let all: Vec<ValuationRow> = db
                .prepare_cached(
                    "WITH last AS (
                        SELECT product_id, qty_after, cost_after, value_after,
                               row_number() OVER (PARTITION BY product_id ORDER BY date DESC, id DESC) AS n
                        FROM stock_valuation WHERE tenant_id = ?1 AND date <= ?2
                     )
                     SELECT l.product_id, p.sku, p.name, u.code, l.qty_after, l.cost_after, l.value_after FROM last l
                     JOIN products p ON p.tenant_id = ?1 AND p.id = l.product_id JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
                     WHERE l.n = 1 AND (l.qty_after <> 0 OR l.value_after <> 0) ORDER BY p.sku",
                )?
                .query_map(params![t.tenant_id(), at], row)?
                .collect::<rusqlite::Result<_>>()?;
            let total = arith::sum("value", all.iter().map(|r| r.value))?;
            let rows: Vec<ValuationRow> = all.into_iter().filter(|r| r.sku > after).take(limit.map_or(usize::MAX, |l| l + 1)).collect();
            (rows, total, inventory_balance_at(db, t, Some(at))?)
        }
    };
    let next = match limit {
        Some(l) if rows.len() > l => {
            rows.truncate(l);
            rows.last().map(|r| r.sku.clone())
        }
        _ => None,
    };
    Ok(ValuationReport { rows, total, inventory_account_balance: balance.map(money::from_db), next })
}

/// The whole valuation now: each product's owned quantity, unit cost and value, the
/// total, and the inventory account's balance it must equal.
pub fn report(db: &Connection, t: &TenantCtx) -> Result<ValuationReport> {
    valuation(db, t, &ValuationArgs::default())
}

/// The balance (debit − credit) of the default inventory account, from the maintained
/// balances; `None` for a company without books.
pub(crate) fn inventory_balance(db: &Connection, t: &TenantCtx) -> Result<Option<i64>> {
    inventory_balance_at(db, t, None)
}

fn inventory_balance_at(db: &Connection, t: &TenantCtx, at: Option<NaiveDate>) -> Result<Option<i64>> {
    if !crate::accounting::chart::has_chart(db, t)? {
        return Ok(None);
    }
    let account: Option<AccountId> =
        db.prepare_cached("SELECT inventory_account_id FROM accounting_settings WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0)).optional()?.flatten();
    let Some(account) = account else { return Ok(None) };
    Ok(Some(match at {
        None => db
            .prepare_cached("SELECT coalesce(sum(debit) - sum(credit), 0) FROM account_balances WHERE tenant_id = ?1 AND account_id = ?2")?
            .query_row(params![t.tenant_id(), account], |r| r.get(0))?,
        Some(d) => db
            .prepare_cached("SELECT coalesce(sum(debit) - sum(credit), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2 AND date <= ?3")?
            .query_row(params![t.tenant_id(), account, d], |r| r.get(0))?,
    }))
}

/// The valuation rows agree with the cost states: per product, the sum of what its rows
/// moved and absorbed is its value, and its last row's quantity its quantity; the cost
/// state's last date and cumulative quantities are its last row's. Products that
/// disagree, for `inventory.check`.
pub(crate) fn drift(db: &Connection, t: &TenantCtx) -> Result<Vec<ProductId>> {
    Ok(db
        .prepare_cached(
            "WITH x AS (
                SELECT product_id p, value v, quantity q FROM stock_costs WHERE tenant_id = ?1
                UNION ALL
                SELECT product_id, -(moved + difference), -quantity FROM stock_valuation WHERE tenant_id = ?1
             )
             SELECT p FROM x GROUP BY p HAVING sum(v) <> 0 OR sum(q) <> 0
             UNION
             SELECT k.product_id FROM stock_costs k WHERE k.tenant_id = ?1 AND CASE
                 WHEN k.last_date IS NULL THEN EXISTS (SELECT 1 FROM stock_valuation v WHERE v.tenant_id = k.tenant_id AND v.product_id = k.product_id)
                 ELSE (k.last_date, k.cum_in, k.cum_out) IS NOT (
                     SELECT v.date, v.cum_in, v.cum_out FROM stock_valuation v WHERE v.tenant_id = k.tenant_id AND v.product_id = k.product_id ORDER BY v.date DESC, v.id DESC LIMIT 1)
             END
             ORDER BY 1",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
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

    #[test]
    fn fifo_layers_are_worth_their_remaining_quantity_whatever_the_path() {
        let mut a = FifoState { last_cost: d("1"), ..FifoState::default() };
        a.incoming("v", d("3"), d("10"), 2).unwrap();
        let mut b = a.clone();
        // One unit, then another, or two at once: the same value left.
        let x = a.outgoing("v", d("1"), 2).unwrap().moved;
        let y = a.outgoing("v", d("1"), 2).unwrap().moved;
        let z = b.outgoing("v", d("2"), 2).unwrap().moved;
        assert_eq!((x, y, z), (d("-3.33"), d("-3.34"), d("-6.67")));
        assert_eq!((a.value, b.value), (d("3.33"), d("3.33")));
        assert_eq!(a, b);
        // Through zero: the last layer, then the last cost.
        let out = a.outgoing("v", d("3"), 2).unwrap();
        assert_eq!((out.moved, a.quantity, a.value), (d("-10.00"), d("-2"), d("-6.67")));
    }

    #[test]
    fn spread_sums_exactly_with_the_remainder_on_the_largest_share() {
        assert_eq!(spread("a", d("10"), &[d("1"), d("1"), d("1")], 2).unwrap(), vec![d("3.34"), d("3.33"), d("3.33")]);
        assert_eq!(spread("a", d("40"), &[d("100"), d("300")], 2).unwrap(), vec![d("10"), d("30")]);
        assert_eq!(spread("a", d("1"), &[d("0"), d("0")], 2).unwrap(), vec![d("0.5"), d("0.5")]);
    }
}
