//! The trade engine's invariants under random order flows over two companies: orders on
//! both sides (several lines, prices, discounts, taxes; TB's customer in US dollars, TB
//! invoicing ordered quantities under the document tax rule), partial deliveries and
//! receipts (some asking for more than is left), returns, invoices and bills, credit and
//! debit notes (from returns and against posted invoices), cancellations. After every
//! step, in both companies:
//! - per line: returned ≤ delivered ≤ ordered − cancelled, credited ≤ invoiced, and what
//!   is invoiced net of credits never exceeds what the policy makes due;
//! - a refusal happened exactly when the request was above what was left;
//! - every posted document's total is its entry's receivable or payable line (in the
//!   document's currency), and the control accounts equal the posted totals;
//! - stock on hand equals the model kept here (opening stock ± what was moved);
//! - `inventory.check` and `ledger.check` are ok; numbers are gapless per series;
//! and at the end, no document of one company is reachable from the other.
//!
//! Cases: `PROPTEST_CASES` (default 16).

use cora_core::testing::TestApp;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::str::FromStr;

const COMPANIES: [&str; 2] = ["TA", "TB"];
const SIDES: [&str; 2] = ["sales", "purchase"];

#[derive(Debug, Clone)]
enum Op {
    Order { co: usize, side: usize, lines: Vec<(usize, u32, u32, u32)> },
    Ship { co: usize, side: usize, order: usize, line: usize, qty: u32 },
    Return { co: usize, side: usize, order: usize, line: usize, qty: u32 },
    Invoice { co: usize, side: usize, order: usize },
    CreditOrder { co: usize, side: usize, order: usize },
    CreditInvoice { co: usize, side: usize, invoice: usize, all: bool },
    Cancel { co: usize, side: usize, order: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let co = 0..2usize;
    let side = 0..2usize;
    let line = (0..3usize, 1..20u32, 1..5000u32, 0..30u32);
    prop_oneof![
        3 => (co.clone(), side.clone(), prop::collection::vec(line, 1..4)).prop_map(|(co, side, lines)| Op::Order { co, side, lines }),
        4 => (co.clone(), side.clone(), 0..8usize, 0..3usize, 1..25u32).prop_map(|(co, side, order, line, qty)| Op::Ship { co, side, order, line, qty }),
        1 => (co.clone(), side.clone(), 0..8usize, 0..3usize, 1..10u32).prop_map(|(co, side, order, line, qty)| Op::Return { co, side, order, line, qty }),
        3 => (co.clone(), side.clone(), 0..8usize).prop_map(|(co, side, order)| Op::Invoice { co, side, order }),
        1 => (co.clone(), side.clone(), 0..8usize).prop_map(|(co, side, order)| Op::CreditOrder { co, side, order }),
        1 => (co.clone(), side.clone(), 0..8usize, any::<bool>()).prop_map(|(co, side, invoice, all)| Op::CreditInvoice { co, side, invoice, all }),
        1 => (co, side, 0..8usize).prop_map(|(co, side, order)| Op::Cancel { co, side, order }),
    ]
}

fn d(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal: {v}"))).unwrap()
}

struct Company {
    wh: i64,
    /// Two stockable products and a service.
    products: Vec<i64>,
    partner: [i64; 2],
    tax: [i64; 2],
    orders: [Vec<i64>; 2],
}

struct World {
    app: TestApp,
    cos: Vec<Company>,
    /// (company, product) → on hand.
    stock: BTreeMap<(usize, usize), Decimal>,
    /// Each step is a day later (posting is chronological per journal).
    day: u64,
}

fn setup() -> World {
    let mut app = TestApp::new();
    let mut cos = Vec::new();
    let mut stock = BTreeMap::new();
    for (ci, code) in COMPANIES.iter().enumerate() {
        app.company(code);
        let wh = app.admin_in(code, "warehouse.create", json!({"code": "WH", "name": "Main"})).unwrap()["id"].as_i64().unwrap();
        let mut products = Vec::new();
        for (i, kind) in ["stockable", "stockable", "service"].iter().enumerate() {
            let p = app.admin_in(code, "catalog.create_product", json!({"sku": format!("P{i}"), "name": format!("Product {i}"), "kind": kind, "cost": "3", "sale_price": "7"})).unwrap();
            products.push(p["product"]["id"].as_i64().unwrap());
        }
        let taxes = app.admin_in(code, "tax.list", json!({})).unwrap();
        let tax_id = |c: &str| taxes.as_array().unwrap().iter().find(|t| t["code"] == c).unwrap()["id"].as_i64().unwrap();
        let tax = [tax_id("S20"), tax_id("P10")];
        let mut customer = json!({"name": "Customer", "is_customer": true});
        if ci == 1 {
            app.admin_in(code, "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
            app.admin_in(code, "currency.set_rate", json!({"currency": "USD", "date": "2026-01-01", "rate": "0.9137"})).unwrap();
            customer["currency"] = json!("USD");
            app.admin_in(code, "trade.update_settings", json!({"invoice_policy": "ordered"})).unwrap();
            app.admin_in(code, "accounting.update_settings", json!({"tax_rounding": "document"})).unwrap();
        }
        let c = app.admin_in(code, "partner.create", customer).unwrap()["id"].as_i64().unwrap();
        let s = app.admin_in(code, "partner.create", json!({"name": "Supplier", "is_supplier": true})).unwrap()["id"].as_i64().unwrap();
        // Opening stock, so that deliveries mostly find goods.
        let lines: Vec<Value> = products[..2].iter().map(|p| json!({"product_id": p, "quantity": "40", "unit_cost": "3"})).collect();
        let r = app.admin_in(code, "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": "2026-01-02", "lines": lines})).unwrap();
        app.admin_in(code, "picking.done", json!({"id": r["id"]})).unwrap();
        for p in 0..2 {
            stock.insert((ci, p), Decimal::from(40));
        }
        cos.push(Company { wh, products, partner: [c, s], tax, orders: [Vec::new(), Vec::new()] });
    }
    World { app, cos, stock, day: 0 }
}

impl World {
    fn call(&mut self, co: usize, command: &str, args: Value) -> cora_core::Result<Value> {
        self.app.admin_in(COMPANIES[co], command, args)
    }

    fn order(&mut self, co: usize, side: usize, i: usize) -> Option<Value> {
        let ids = &self.cos[co].orders[side];
        if ids.is_empty() {
            return None;
        }
        let id = ids[i % ids.len()];
        Some(self.call(co, &format!("{}.get_order", SIDES[side]), json!({"id": id})).unwrap())
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        self.day += 1;
        let date = (chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Days::new(self.day)).to_string();
        match op {
            Op::Order { co, side, lines } => {
                let c = &self.cos[*co];
                let lines: Vec<Value> = lines
                    .iter()
                    .map(|(p, q, price, disc)| {
                        json!({"product_id": c.products[*p], "quantity": q.to_string(), "unit_price": Decimal::new(i64::from(*price), 2).to_string(),
                               "discount": disc.to_string(), "tax_ids": [c.tax[*side]]})
                    })
                    .collect();
                let args = json!({"partner_id": c.partner[*side], "date": date, "warehouse_id": c.wh, "lines": lines});
                let o = self.call(*co, &format!("{}.create_order", SIDES[*side]), args).unwrap();
                prop_assert_eq!(d(&o["net"]) + d(&o["tax"]) + d(&o["rounding"]), d(&o["total"]));
                let o = self.call(*co, &format!("{}.confirm_order", SIDES[*side]), json!({"id": o["id"]})).unwrap();
                self.cos[*co].orders[*side].push(o["id"].as_i64().unwrap());
            }
            Op::Ship { co, side, order, line, qty } | Op::Return { co, side, order, line, qty } => {
                let returns = matches!(op, Op::Return { .. });
                let Some(o) = self.order(*co, *side, *order) else { return Ok(()) };
                let lines = o["lines"].as_array().unwrap();
                let l = &lines[*line % lines.len()];
                let product = self.cos[*co].products.iter().position(|p| Some(*p) == l["product_id"].as_i64()).unwrap();
                let q = Decimal::from(*qty);
                let left = if returns { d(&l["delivered"]) - d(&l["returned"]) } else { d(&l["to_deliver"]) };
                let open = matches!(o["state"].as_str(), Some("confirmed")) || (returns && o["state"] == "done");
                // Goods leave stock on a sale and on a return to the supplier.
                let out = (*side == 0) != returns;
                let short = out && self.stock.get(&(*co, product)).copied().unwrap_or_default() < q;
                let verb = match (*side, returns) {
                    (0, false) => "deliver",
                    (1, false) => "receive",
                    _ => "return",
                };
                let r = self.call(*co, &format!("{}.{verb}", SIDES[*side]), json!({"order_id": o["id"], "date": date, "lines": [{"line_id": l["id"], "quantity": q.to_string()}]}));
                let should = open && l["ships"] == true && q <= left && !short;
                prop_assert_eq!(r.is_ok(), should, "{:?} left {} short {} state {} → {:?}", op, left, short, o["state"], r.as_ref().err());
                if r.is_ok() {
                    let e = self.stock.entry((*co, product)).or_default();
                    *e = if out { *e - q } else { *e + q };
                }
            }
            Op::Invoice { co, side, order } | Op::CreditOrder { co, side, order } => {
                let credit = matches!(op, Op::CreditOrder { .. });
                let Some(o) = self.order(*co, *side, *order) else { return Ok(()) };
                let due = o["lines"].as_array().unwrap().iter().any(|l| if credit { d(&l["to_invoice"]) < Decimal::ZERO } else { d(&l["to_invoice"]) > Decimal::ZERO });
                let name = match (*side, credit) {
                    (0, false) => "sales.invoice_order",
                    (0, true) => "sales.credit_order",
                    (1, false) => "purchase.bill_order",
                    _ => "purchase.debit_order",
                };
                let r = self.call(*co, name, json!({"order_id": o["id"], "date": date}));
                let open = matches!(o["state"].as_str(), Some("confirmed" | "done"));
                prop_assert_eq!(r.is_ok(), due && open, "{:?} → {:?}", op, r.as_ref().err());
                if let Ok(inv) = r {
                    let post = if *side == 0 { "sales.post_invoice" } else { "purchase.post_bill" };
                    self.call(*co, post, json!({"id": inv["id"]})).unwrap();
                }
            }
            Op::CreditInvoice { co, side, invoice, all } => {
                let list = if *side == 0 { "sales.list_invoices" } else { "purchase.list_bills" };
                let rows = self.call(*co, list, json!({"state": "posted", "limit": 500})).unwrap();
                let invoices: Vec<&Value> = rows["items"].as_array().unwrap().iter().filter(|r| r["kind"] == "invoice").collect();
                if invoices.is_empty() {
                    return Ok(());
                }
                let id = invoices[*invoice % invoices.len()]["id"].clone();
                let get = if *side == 0 { "sales.get_invoice" } else { "purchase.get_bill" };
                let inv = self.call(*co, get, json!({"id": id})).unwrap();
                let l = &inv["lines"][0];
                let args = if *all { json!({"invoice_id": id, "date": date}) } else { json!({"invoice_id": id, "date": date, "lines": [{"line_id": l["id"], "quantity": "1"}]}) };
                let name = if *side == 0 { "sales.credit_invoice" } else { "purchase.debit_bill" };
                if let Ok(cn) = self.call(*co, name, args) {
                    let post = if *side == 0 { "sales.post_invoice" } else { "purchase.post_bill" };
                    self.call(*co, post, json!({"id": cn["id"]})).unwrap();
                }
            }
            Op::Cancel { co, side, order } => {
                let Some(o) = self.order(*co, *side, *order) else { return Ok(()) };
                let r = self.call(*co, &format!("{}.cancel_order", SIDES[*side]), json!({"id": o["id"]}));
                prop_assert_eq!(r.is_ok(), matches!(o["state"].as_str(), Some("draft" | "sent" | "confirmed")), "{:?} {} → {:?}", op, o["state"], r.as_ref().err());
            }
        }
        Ok(())
    }

    fn check(&mut self) -> Result<(), TestCaseError> {
        for co in 0..2 {
            let policy = if co == 1 { "ordered" } else { "delivered" };
            for side in 0..2 {
                for id in self.cos[co].orders[side].clone() {
                    let o = self.call(co, &format!("{}.get_order", SIDES[side]), json!({"id": id})).unwrap();
                    prop_assert_eq!(d(&o["net"]) + d(&o["tax"]) + d(&o["rounding"]), d(&o["total"]));
                    let per_tax: Decimal = o["taxes"].as_array().unwrap().iter().map(|x| d(&x["amount"])).sum();
                    prop_assert_eq!(per_tax, d(&o["tax"]), "the per-tax totals add up to the tax: {}", o);
                    for l in o["lines"].as_array().unwrap() {
                        let (q, del, ret, inv, cr, can) = (d(&l["quantity"]), d(&l["delivered"]), d(&l["returned"]), d(&l["invoiced"]), d(&l["credited"]), d(&l["cancelled"]));
                        prop_assert!(ret <= del && del <= q - can + Decimal::ZERO.max(del - (q - can)) && cr <= inv, "{l}");
                        prop_assert!(del <= q, "{l}");
                        let ships = l["ships"] == true;
                        let due = if ships && (side == 1 || policy == "delivered") { del - ret } else { q - can - ret };
                        prop_assert_eq!(due - (inv - cr), d(&l["to_invoice"]), "{}", l);
                        if inv - cr > due {
                            // Only returns (or a cancellation after invoicing) leave more invoiced than due.
                            prop_assert!(ret > Decimal::ZERO || can > Decimal::ZERO, "invoiced beyond due without a return: {l}");
                        }
                    }
                }
                // Every posted document: its total is its entry's control line; the control
                // account holds the posted totals.
                let list = if side == 0 { "sales.list_invoices" } else { "purchase.list_bills" };
                let get = if side == 0 { "sales.get_invoice" } else { "purchase.get_bill" };
                let rows = self.call(co, list, json!({"state": "posted", "limit": 500})).unwrap();
                let control = if side == 0 { "1200" } else { "2000" };
                let mut control_sum = Decimal::ZERO;
                let mut numbers: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for r in rows["items"].as_array().unwrap() {
                    let inv = self.call(co, get, json!({"id": r["id"]})).unwrap();
                    let e = self.call(co, "entry.get", json!({"id": inv["entry_id"]})).unwrap();
                    let c: Vec<&Value> = e["lines"].as_array().unwrap().iter().filter(|l| l["account_code"] == control).collect();
                    prop_assert_eq!(c.len(), 1, "{}", e);
                    let base = d(&c[0]["debit"]) - d(&c[0]["credit"]);
                    let doc = if c[0]["amount_currency"].is_null() { base } else { d(&c[0]["amount_currency"]) };
                    let sign = if (side == 0) == (inv["kind"] == "invoice") { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
                    prop_assert_eq!(doc, sign * d(&inv["total"]), "{} {}", inv, e);
                    control_sum += base;
                    let n = inv["number"].as_str().unwrap().to_string();
                    numbers.entry(n.split('/').next().unwrap().to_string()).or_default().push(n);
                }
                let id = self.app.cora.store().conn().query_row(
                    "SELECT a.id FROM accounts a JOIN companies c ON c.id = a.tenant_id WHERE c.code = ?1 AND a.code = ?2",
                    [COMPANIES[co], control],
                    |r| r.get::<_, i64>(0),
                ).unwrap();
                let bal = d(&self.call(co, "account.get", json!({"id": id})).unwrap()["balance"]);
                prop_assert_eq!(bal, control_sum);
                for (prefix, mut ns) in numbers {
                    ns.sort();
                    for (i, n) in ns.iter().enumerate() {
                        prop_assert_eq!(n, &format!("{prefix}/{:05}", i + 1));
                    }
                }
            }
            for p in 0..2 {
                let on_hand = d(&self.call(co, "stock.on_hand", json!({"product_id": self.cos[co].products[p]})).unwrap()["on_hand"]);
                prop_assert_eq!(on_hand, self.stock[&(co, p)]);
            }
            let c = self.call(co, "inventory.check", json!({})).unwrap();
            prop_assert_eq!(&c["ok"], &json!(true), "{}", c);
            let l = self.call(co, "ledger.check", json!({})).unwrap();
            prop_assert_eq!(&l["ok"], &json!(true), "{}", l);
        }
        Ok(())
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut w = setup();
    for op in &ops {
        w.step(op)?;
        w.check()?;
    }
    // Isolation: no order or invoice of one company is reachable from the other.
    for co in 0..2 {
        for side in 0..2 {
            for id in w.cos[co].orders[side].clone() {
                let e = w.call(1 - co, &format!("{}.get_order", SIDES[side]), json!({"id": id})).unwrap_err();
                prop_assert_eq!(e.code(), cora_core::ErrorCode::NotFound);
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
    fn trade_keeps_its_invariants_under_random_flows_over_two_companies(ops in prop::collection::vec(op(), 1..25)) {
        run(ops)?;
    }
}
