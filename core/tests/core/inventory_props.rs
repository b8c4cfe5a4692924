//! The stock engine's invariants under random operations over two companies: receipts,
//! deliveries, transfers, adjustments (loss and gain), kits, confirmed-then-cancelled
//! pickings and refused moves. Company PA refuses negative stock, PB allows it. After
//! every step, in both companies: `inventory.check` is ok (on hand = the sum of the done
//! moves per product, location and lot; the valuation total = the inventory account;
//! no negative stock where refused), `ledger.check` is ok, the quantities on hand equal a
//! reference model kept by the test, and a refusal happened exactly when the model says
//! stock was short. In PA (never below zero) each product's value equals a moving-average
//! reference computed here from the same moves.
//!
//! Cases: `PROPTEST_CASES` (default 16).

use cora_core::testing::TestApp;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const COMPANIES: [&str; 2] = ["PA", "PB"];

#[derive(Debug, Clone)]
enum Op {
    Receive { co: usize, product: usize, loc: usize, qty: u32, cost: u32 },
    Deliver { co: usize, product: usize, loc: usize, qty: u32 },
    Transfer { co: usize, product: usize, from: usize, to: usize, qty: u32 },
    Adjust { co: usize, product: usize, loc: usize, qty: u32, gain: bool },
    Kit { co: usize, qty: u32 },
    Cancel { co: usize, product: usize, qty: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    let co = 0..2usize;
    let product = 0..3usize;
    prop_oneof![
        4 => (co.clone(), product.clone(), 0..3usize, 1..50u32, 0..1000u32).prop_map(|(co, product, loc, qty, cost)| Op::Receive { co, product, loc, qty, cost }),
        4 => (co.clone(), product.clone(), 0..3usize, 1..50u32).prop_map(|(co, product, loc, qty)| Op::Deliver { co, product, loc, qty }),
        2 => (co.clone(), product.clone(), 0..3usize, 0..3usize, 1..30u32).prop_map(|(co, product, from, to, qty)| Op::Transfer { co, product, from, to, qty }),
        2 => (co.clone(), product.clone(), 0..3usize, 1..10u32, any::<bool>()).prop_map(|(co, product, loc, qty, gain)| Op::Adjust { co, product, loc, qty, gain }),
        1 => (co.clone(), 1..4u32).prop_map(|(co, qty)| Op::Kit { co, qty }),
        1 => (co, product, 1..10u32).prop_map(|(co, product, qty)| Op::Cancel { co, product, qty }),
    ]
}

struct Company {
    wh: i64,
    locs: Vec<i64>,
    loss: i64,
    /// Products: two counted in units, one in kg (quantities given in g).
    products: Vec<i64>,
    kit: i64,
}

struct World {
    app: TestApp,
    cos: Vec<Company>,
    /// (company, product index, location index) → quantity in the product's unit.
    model: BTreeMap<(usize, usize, usize), Decimal>,
    /// PA's moving-average reference per product: (quantity, value, average cost).
    costs: BTreeMap<usize, (Decimal, Decimal, Decimal)>,
    day: u32,
}

fn round(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

impl World {
    fn new() -> World {
        let mut app = TestApp::new();
        let mut cos = Vec::new();
        for code in COMPANIES {
            app.company(code);
            let w = app.admin_in(code, "warehouse.create", json!({"code": "WH", "name": "Main"})).unwrap();
            let root = w["root_location_id"].as_i64().unwrap();
            let a = app.admin_in(code, "location.create", json!({"parent_id": root, "name": "A"})).unwrap()["id"].as_i64().unwrap();
            let b = app.admin_in(code, "location.create", json!({"parent_id": a, "name": "B"})).unwrap()["id"].as_i64().unwrap();
            let kg: i64 = app.cora.store().conn().query_row("SELECT u.id FROM units u JOIN companies c ON c.id = u.tenant_id WHERE c.code = ?1 AND u.code = 'kg'", [code], |r| r.get(0)).unwrap();
            let mut products = Vec::new();
            for (sku, extra) in [("NUT", json!({"cost": "0.5"})), ("BOLT", json!({})), ("OIL", json!({"unit_id": kg, "cost": "3"}))] {
                let mut args = json!({"sku": sku, "name": sku});
                for (k, v) in extra.as_object().unwrap() {
                    args[k] = v.clone();
                }
                products.push(app.admin_in(code, "catalog.create_product", args).unwrap()["product"]["id"].as_i64().unwrap());
            }
            let kit = app.admin_in(code, "catalog.create_product", json!({"sku": "KIT", "name": "Kit"})).unwrap()["product"]["id"].as_i64().unwrap();
            app.admin_in(code, "catalog.set_components", json!({"product_id": kit, "components": [{"product_id": products[0], "quantity": "2"}, {"product_id": products[1], "quantity": "1"}]})).unwrap();
            if code == "PB" {
                app.admin_in(code, "inventory.update_settings", json!({"allow_negative_stock": true})).unwrap();
            }
            let loss = app.admin_in(code, "location.list", json!({})).unwrap().as_array().unwrap().iter().find(|l| l["kind"] == "inventory_loss").unwrap()["id"].as_i64().unwrap();
            cos.push(Company { wh: w["id"].as_i64().unwrap(), locs: vec![root, a, b], loss, products, kit });
        }
        // Catalog costs: NUT 0.5, BOLT 0, OIL 3 per kg; a product never valued starts there.
        let costs = [(0, Decimal::new(5, 1)), (1, Decimal::ZERO), (2, Decimal::from(3))].into_iter().map(|(p, c)| (p, (Decimal::ZERO, Decimal::ZERO, c))).collect();
        World { app, cos, model: BTreeMap::new(), costs, day: 0 }
    }

    /// The next day: dates only move forward, as the stock journal's numbers do.
    fn date(&mut self) -> String {
        self.day += 1;
        (chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(self.day / 4))).to_string()
    }

    fn qty(product: usize, n: u32) -> (String, Option<&'static str>, Decimal) {
        if product == 2 { (format!("{}", n * 37), Some("g"), Decimal::new(i64::from(n) * 37, 3)) } else { (n.to_string(), None, Decimal::from(n)) }
    }

    fn line(&self, co: usize, product: usize, n: u32) -> (Value, Decimal) {
        let (q, unit, d) = Self::qty(product, n);
        let mut l = json!({"product_id": self.cos[co].products[product], "quantity": q});
        if let Some(u) = unit {
            let id: i64 = self.app.cora.store().conn().query_row("SELECT u.id FROM units u JOIN companies c ON c.id = u.tenant_id WHERE c.code = ?1 AND u.code = ?2", [COMPANIES[co], u], |r| r.get(0)).unwrap();
            l["unit_id"] = json!(id);
        }
        (l, d)
    }

    fn done(&mut self, co: usize, args: Value) -> cora_core::Result<Value> {
        let p = self.app.admin_in(COMPANIES[co], "picking.create", args)?;
        self.app.admin_in(COMPANIES[co], "picking.done", json!({"id": p["id"]}))
    }

    fn have(&self, co: usize, product: usize, loc: usize) -> Decimal {
        self.model.get(&(co, product, loc)).copied().unwrap_or_default()
    }

    fn add(&mut self, co: usize, product: usize, loc: usize, d: Decimal) {
        *self.model.entry((co, product, loc)).or_default() += d;
    }

    /// PA's reference: `q` units enter at `value` (None: at the average).
    fn value_in(&mut self, co: usize, product: usize, q: Decimal, value: Option<Decimal>) {
        if co != 0 {
            return;
        }
        let (q0, v0, avg) = self.costs[&product];
        let value = round(value.unwrap_or(q * avg), 2);
        let (q1, v1) = (q0 + q, v0 + value);
        let avg = if q1 > Decimal::ZERO { round(v1 / q1, 6) } else { avg };
        self.costs.insert(product, (q1, v1, avg));
    }

    /// PA's reference: `q` units leave (never below zero there).
    fn value_out(&mut self, co: usize, product: usize, q: Decimal) {
        if co != 0 {
            return;
        }
        let (q0, v0, avg) = self.costs[&product];
        let q1 = q0 - q;
        let out = if q1.is_zero() { v0 } else { round(q * v0 / q0, 2) };
        self.costs.insert(product, (q1, v0 - out, avg));
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut w = World::new();
    for op in ops {
        let date = w.date();
        match op {
            Op::Receive { co, product, loc, qty, cost } => {
                let (mut l, d) = w.line(co, product, qty);
                l["unit_cost"] = json!(format!("{}.{:02}", cost / 100, cost % 100));
                let args = json!({"kind": "receipt", "warehouse_id": w.cos[co].wh, "date": date, "to_location_id": w.cos[co].locs[loc], "lines": [l]});
                w.done(co, args).map_err(|e| TestCaseError::fail(format!("receipt refused: {e}")))?;
                w.add(co, product, loc, d);
                // The unit cost is per unit entered (g for OIL).
                let entered = if product == 2 { Decimal::from(qty * 37) } else { Decimal::from(qty) };
                w.value_in(co, product, d, Some(entered * Decimal::new(i64::from(cost), 2)));
            }
            Op::Deliver { co, product, loc, qty } => {
                let (l, d) = w.line(co, product, qty);
                let args = json!({"kind": "delivery", "warehouse_id": w.cos[co].wh, "date": date, "from_location_id": w.cos[co].locs[loc], "lines": [l]});
                let short = w.have(co, product, loc) < d;
                let r = w.done(co, args);
                if co == 0 && short {
                    let e = r.err().ok_or_else(|| TestCaseError::fail("a delivery beyond stock was done"))?;
                    prop_assert_eq!(e.fields()[0].code.as_str(), "insufficient_stock");
                } else {
                    r.map_err(|e| TestCaseError::fail(format!("delivery refused: {e}")))?;
                    w.add(co, product, loc, -d);
                    w.value_out(co, product, d);
                }
            }
            Op::Transfer { co, product, from, to, qty } => {
                let (l, d) = w.line(co, product, qty);
                let args = json!({"kind": "internal", "warehouse_id": w.cos[co].wh, "date": date, "from_location_id": w.cos[co].locs[from], "to_location_id": w.cos[co].locs[to], "lines": [l]});
                let r = w.done(co, args);
                if from == to {
                    prop_assert!(r.is_err(), "a move to where it comes from");
                } else if co == 0 && w.have(co, product, from) < d {
                    prop_assert!(r.is_err(), "a transfer beyond stock");
                } else {
                    r.map_err(|e| TestCaseError::fail(format!("transfer refused: {e}")))?;
                    w.add(co, product, from, -d);
                    w.add(co, product, to, d);
                }
            }
            Op::Adjust { co, product, loc, qty, gain } => {
                let (l, d) = w.line(co, product, qty);
                let (from, to) = if gain { (w.cos[co].loss, w.cos[co].locs[loc]) } else { (w.cos[co].locs[loc], w.cos[co].loss) };
                let args = json!({"kind": "adjustment", "warehouse_id": w.cos[co].wh, "date": date, "reason": "count", "from_location_id": from, "to_location_id": to, "lines": [l]});
                let r = w.done(co, args);
                if !gain && co == 0 && w.have(co, product, loc) < d {
                    prop_assert!(r.is_err(), "a loss beyond stock");
                } else {
                    r.map_err(|e| TestCaseError::fail(format!("adjustment refused: {e}")))?;
                    w.add(co, product, loc, if gain { d } else { -d });
                    if gain {
                        w.value_in(co, product, d, None);
                    } else {
                        w.value_out(co, product, d);
                    }
                }
            }
            Op::Kit { co, qty } => {
                let args = json!({"kind": "delivery", "warehouse_id": w.cos[co].wh, "date": date, "lines": [{"product_id": w.cos[co].kit, "quantity": qty.to_string()}]});
                let (n0, n1) = (Decimal::from(qty * 2), Decimal::from(qty));
                let short = w.have(co, 0, 0) < n0 || w.have(co, 1, 0) < n1;
                let r = w.done(co, args);
                if co == 0 && short {
                    prop_assert!(r.is_err(), "a kit beyond its components' stock");
                } else {
                    r.map_err(|e| TestCaseError::fail(format!("kit refused: {e}")))?;
                    w.add(co, 0, 0, -n0);
                    w.add(co, 1, 0, -n1);
                    w.value_out(co, 0, n0);
                    w.value_out(co, 1, n1);
                }
            }
            Op::Cancel { co, product, qty } => {
                let (l, _) = w.line(co, product, qty);
                let p = w.app.admin_in(COMPANIES[co], "picking.create", json!({"kind": "delivery", "warehouse_id": w.cos[co].wh, "date": date, "lines": [l]})).unwrap();
                w.app.admin_in(COMPANIES[co], "picking.confirm", json!({"id": p["id"]})).unwrap();
                w.app.admin_in(COMPANIES[co], "picking.cancel", json!({"id": p["id"]})).unwrap();
                let again = w.app.admin_in(COMPANIES[co], "picking.done", json!({"id": p["id"]}));
                prop_assert!(again.is_err(), "a cancelled picking was done");
            }
        }
        // PA's values equal the moving-average reference.
        let v = w.app.admin_in("PA", "inventory.valuation", json!({})).unwrap();
        for p in 0..3 {
            let pid = w.cos[0].products[p];
            let got: Decimal = v["rows"].as_array().unwrap().iter().find(|r| r["product_id"] == pid).map(|r| r["value"].as_str().unwrap().parse().unwrap()).unwrap_or_default();
            prop_assert_eq!(got, w.costs[&p].1, "PA product {} value", p);
        }
        // The invariants, in both companies.
        for (co, code) in COMPANIES.iter().enumerate() {
            let c = w.app.admin_in(code, "inventory.check", json!({})).unwrap();
            prop_assert_eq!(&c["ok"], &json!(true), "{}: {}", code, c);
            let l = w.app.admin_in(code, "ledger.check", json!({})).unwrap();
            prop_assert_eq!(&l["ok"], &json!(true), "{}: {}", code, l);
            for p in 0..3 {
                let pid = w.cos[co].products[p];
                for (li, loc) in w.cos[co].locs.clone().into_iter().enumerate() {
                    let rows = w.app.admin_in(code, "stock.on_hand", json!({"product_id": pid})).unwrap();
                    let here: Decimal = rows["rows"].as_array().unwrap().iter().filter(|r| r["location_id"] == loc).map(|r| r["quantity"].as_str().unwrap().parse::<Decimal>().unwrap()).sum();
                    prop_assert_eq!(here, w.have(co, p, li), "{} product {} location {}", code, p, li);
                    if co == 0 {
                        prop_assert!(here >= Decimal::ZERO, "negative stock in PA");
                    }
                }
            }
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
    fn stock_keeps_its_invariants_under_random_moves_over_two_companies(ops in prop::collection::vec(op(), 1..25)) {
        run(ops)?;
    }
}
