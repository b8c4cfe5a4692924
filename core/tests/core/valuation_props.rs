//! Valuation under random receipts, deliveries and gains entered out of date order (each
//! dated up to four days before the latest), in two companies that refuse negative stock:
//! AVG (moving average) and FIFO. After every step: a move is refused exactly when, in
//! date order, it would take stock below zero at its date or any later one; the product's
//! value equals a reference computed here from the accepted moves sorted by date (the
//! average step by step; FIFO as the worth of the units left at the end of the incoming
//! stream, computed without any sequence of states); `inventory.check` and `ledger.check`
//! are ok. At the end, twin companies take the same moves in date order and must end with
//! the same valuation and the same balances on every stock account.
//!
//! Cases: `PROPTEST_CASES` (default 16).

use cora_core::testing::TestApp;
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy)]
enum Kind {
    Receive { cost: u32 },
    Deliver,
    Gain,
}

#[derive(Debug, Clone, Copy)]
struct Op {
    kind: Kind,
    qty: u32,
    back: u32,
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![3 => (0..500u32).prop_map(|cost| Kind::Receive { cost }), 3 => Just(Kind::Deliver), 1 => Just(Kind::Gain)];
    (kind, 1..15u32, 0..5u32).prop_map(|(kind, qty, back)| Op { kind, qty, back })
}

fn r(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

const CATALOG_COST: i64 = 2;

/// A company with one warehouse and one product; its accepted moves as (date, seq, op).
struct Co {
    code: &'static str,
    fifo: bool,
    wh: i64,
    p: i64,
    loss: i64,
    done: Vec<(u32, usize, Op)>,
}

fn company(app: &mut TestApp, code: &'static str, fifo: bool) -> Co {
    app.company(code);
    let w = app.admin_in(code, "warehouse.create", json!({"code": "WH", "name": "Main"})).unwrap();
    if fifo {
        app.admin_in(code, "inventory.update_settings", json!({"costing_method": "fifo"})).unwrap();
    }
    let p = app.admin_in(code, "catalog.create_product", json!({"sku": "P", "name": "P", "cost": CATALOG_COST.to_string()})).unwrap()["product"]["id"].as_i64().unwrap();
    let loss = app.admin_in(code, "location.list", json!({})).unwrap().as_array().unwrap().iter().find(|l| l["kind"] == "inventory_loss").unwrap()["id"].as_i64().unwrap();
    Co { code, fifo, wh: w["id"].as_i64().unwrap(), p, loss, done: Vec::new() }
}

fn date(day: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Days::new(u64::from(day))).to_string()
}

fn cost(c: u32) -> Decimal {
    Decimal::new(i64::from(c), 2)
}

fn apply(app: &mut TestApp, co: &Co, day: u32, op: Op) -> cora_core::Result<Value> {
    let line = |extra: Value| {
        let mut l = json!({"product_id": co.p, "quantity": op.qty.to_string()});
        for (k, v) in extra.as_object().unwrap() {
            l[k] = v.clone();
        }
        l
    };
    let args = match op.kind {
        Kind::Receive { cost: c } => json!({"kind": "receipt", "warehouse_id": co.wh, "date": date(day), "lines": [line(json!({"unit_cost": cost(c).to_string()}))]}),
        Kind::Deliver => json!({"kind": "delivery", "warehouse_id": co.wh, "date": date(day), "lines": [line(json!({}))]}),
        Kind::Gain => json!({"kind": "adjustment", "warehouse_id": co.wh, "date": date(day), "reason": "found", "from_location_id": co.loss, "lines": [line(json!({}))]}),
    };
    let p = app.admin_in(co.code, "picking.create", args)?;
    app.admin_in(co.code, "picking.done", json!({"id": p["id"]}))
}

fn signed(op: &Op) -> i64 {
    match op.kind {
        Kind::Deliver => -i64::from(op.qty),
        _ => i64::from(op.qty),
    }
}

/// The moves in valuation order: by date, then in the order they were done.
fn sorted(done: &[(u32, usize, Op)]) -> Vec<Op> {
    let mut v = done.to_vec();
    v.sort_by_key(|(d, s, _)| (*d, *s));
    v.into_iter().map(|(_, _, o)| o).collect()
}

/// The reference value of what is left.
fn reference(co: &Co) -> Decimal {
    let moves = sorted(&co.done);
    if co.fifo {
        // The incoming stream, each valued at entry (gains at the last incoming cost).
        let mut last = Decimal::from(CATALOG_COST);
        let mut layers: Vec<(Decimal, Decimal)> = Vec::new();
        let mut out = Decimal::ZERO;
        for m in &moves {
            let q = Decimal::from(m.qty);
            match m.kind {
                Kind::Deliver => out += q,
                Kind::Receive { cost: c } => {
                    let v = r(q * cost(c), 2);
                    layers.push((q, v));
                    last = r(v / q, 6);
                }
                Kind::Gain => {
                    let v = r(q * last, 2);
                    layers.push((q, v));
                    last = r(v / q, 6);
                }
            }
        }
        // What is left is the end of the stream.
        let mut skip = out;
        let mut value = Decimal::ZERO;
        for (q, v) in layers {
            let gone = skip.min(q);
            skip -= gone;
            let rem = q - gone;
            value += if rem == q { v } else if rem.is_zero() { Decimal::ZERO } else { r(rem * v / q, 2) };
        }
        value
    } else {
        let (mut q, mut v, mut avg) = (Decimal::ZERO, Decimal::ZERO, Decimal::from(CATALOG_COST));
        for m in &moves {
            let n = Decimal::from(m.qty);
            match m.kind {
                Kind::Deliver => {
                    let q1 = q - n;
                    let out = if q1.is_zero() { v } else { r(n * v / q, 2) };
                    v -= out;
                    q = q1;
                }
                Kind::Receive { .. } | Kind::Gain => {
                    let value = match m.kind {
                        Kind::Receive { cost: c } => r(n * cost(c), 2),
                        _ => r(n * avg, 2),
                    };
                    v += value;
                    q += n;
                    avg = r(v / q, 6);
                }
            }
        }
        v
    }
}

/// Would the move (inserted after every move dated on or before it) take stock below
/// zero at its date or later?
fn short(done: &[(u32, usize, Op)], day: u32, op: Op) -> bool {
    let mut all = done.to_vec();
    all.push((day, usize::MAX, op));
    all.sort_by_key(|(d, s, _)| (*d, *s));
    let mut q = 0_i64;
    all.iter().any(|(_, _, o)| {
        q += signed(o);
        q < 0
    })
}

fn value_of(app: &mut TestApp, code: &str) -> (Decimal, Decimal) {
    let v = app.admin_in(code, "inventory.valuation", json!({})).unwrap();
    let row = v["rows"].as_array().unwrap().first().cloned();
    let get = |k: &str| row.as_ref().map(|r| r[k].as_str().unwrap().parse::<Decimal>().unwrap()).unwrap_or_default();
    (get("quantity"), get("value"))
}

fn balance(app: &mut TestApp, code: &str, account: &str) -> String {
    let id = crate::accounting::account(app, code, account);
    app.admin_in(code, "account.get", json!({"id": id})).unwrap()["balance"].as_str().unwrap().to_string()
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut app = TestApp::new();
    let mut cos = vec![company(&mut app, "AVG", false), company(&mut app, "FIFO", true)];
    for (seq, op) in ops.into_iter().enumerate() {
        let day = (seq as u32 + 4).saturating_sub(op.back);
        for co in cos.iter_mut() {
            let expect_short = short(&co.done, day, op);
            let res = apply(&mut app, co, day, op);
            match (&res, expect_short) {
                (Ok(_), false) => co.done.push((day, seq, op)),
                (Err(e), true) => {
                    let code = e.fields().first().map(|f| f.code.as_str().to_string()).unwrap_or_default();
                    prop_assert!(code == "insufficient_stock" || code == "short_at_date", "{}: refused with {}", co.code, e);
                }
                (Ok(_), true) => return Err(TestCaseError::fail(format!("{}: {op:?} on day {day} should take stock below zero", co.code))),
                (Err(e), false) => return Err(TestCaseError::fail(format!("{}: {op:?} on day {day} refused: {e}", co.code))),
            }
            let (q, v) = value_of(&mut app, co.code);
            let expected_q: i64 = co.done.iter().map(|(_, _, o)| signed(o)).sum();
            prop_assert_eq!(q, Decimal::from(expected_q), "{} quantity", co.code);
            prop_assert_eq!(v, reference(co), "{} value after {:?}", co.code, op);
            let c = app.admin_in(co.code, "inventory.check", json!({})).unwrap();
            prop_assert_eq!(&c["ok"], &json!(true), "{}: {}", co.code, c);
            let l = app.admin_in(co.code, "ledger.check", json!({})).unwrap();
            prop_assert_eq!(&l["ok"], &json!(true), "{}: {}", co.code, l);
        }
    }
    // Twins: the same accepted moves, entered in date order, end the same.
    for (twin, fifo) in [("AVG2", false), ("FIFO2", true)] {
        let src = if fifo { 1 } else { 0 };
        let mut t = company(&mut app, twin, fifo);
        let mut moves = cos[src].done.clone();
        moves.sort_by_key(|(d, s, _)| (*d, *s));
        for (day, seq, op) in moves {
            apply(&mut app, &t, day, op).map_err(|e| TestCaseError::fail(format!("{twin}: {e}")))?;
            t.done.push((day, seq, op));
        }
        prop_assert_eq!(value_of(&mut app, cos[src].code), value_of(&mut app, twin));
        for account in ["1300", "2010", "5000", "5040"] {
            prop_assert_eq!(balance(&mut app, cos[src].code, account), balance(&mut app, twin, account), "{} vs {} account {}", cos[src].code, twin, account);
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn backdated_moves_value_as_if_entered_in_date_order(ops in prop::collection::vec(op(), 1..30)) {
        run(ops)?;
    }
}
