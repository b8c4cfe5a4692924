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
//! - `inventory.check` and `ledger.check` are ok (the latter recomputes the maintained
//!   report sums); numbers are gapless per series;
//! - the sales and purchase reports (read from the maintained sums for whole months and
//!   from the lines at the edges) equal the report computed here from the posted lines and
//!   the done moves, for every grouping, over ranges that cut months and ranges that do not,
//!   for all partners and for one; a draft invoice cancelled counts for nothing;
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
    /// An invoice (bill) of the order made and cancelled as a draft.
    DraftCancelled { co: usize, side: usize, order: usize },
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
        1 => (co.clone(), side.clone(), 0..8usize).prop_map(|(co, side, order)| Op::Cancel { co, side, order }),
        1 => (co, side, 0..8usize).prop_map(|(co, side, order)| Op::DraftCancelled { co, side, order }),
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
    /// Each step is four days later (posting is chronological per journal), so a case
    /// spans several months.
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
    fn today(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Days::new(self.day)
    }

    /// The report of `side` as the lines and moves give it, per key: (net, cost, quantity).
    fn report_from_lines(&self, co: usize, side: usize, group: &str, from: &str, to: &str, partner: Option<i64>) -> BTreeMap<String, (Decimal, Option<Decimal>, Option<Decimal>)> {
        let conn = self.app.cora.store().conn();
        let tenant: i64 = conn.query_row("SELECT id FROM companies WHERE code = ?1", [COMPANIES[co]], |r| r.get(0)).unwrap();
        let key = match group {
            "product" => "coalesce(l.product_id, 0)",
            "category" => "coalesce(p.category_id, 0)",
            "partner" => "i.partner_id",
            _ => "substr(i.date, 1, 7)",
        };
        let sql = format!(
            "SELECT CAST({key} AS TEXT), sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END),
                    sum(CASE WHEN i.kind = 'credit' THEN -l.quantity ELSE l.quantity END), count(DISTINCT l.unit_id), max(l.unit_id IS p.unit_id)
             FROM trade_invoices i JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
             LEFT JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
             WHERE i.tenant_id = ?1 AND i.side = ?2 AND i.state = 'posted' AND i.date BETWEEN ?3 AND ?4 AND (?5 IS NULL OR i.partner_id = ?5)
             GROUP BY 1"
        );
        let mut out = BTreeMap::new();
        let sales = side == 0;
        let mut st = conn.prepare(&sql).unwrap();
        let rows = st
            .query_map(rusqlite::params![tenant, if sales { "sale" } else { "purchase" }, from, to, partner], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<bool>>(4)?))
            })
            .unwrap();
        for row in rows {
            let (k, net, qty, units, own_unit) = row.unwrap();
            // Every line here is in its product's own unit, so no conversion is needed.
            let q = (group == "product" && k != "0").then(|| {
                assert!(units == 1 && own_unit == Some(true));
                Decimal::new(qty, 4).normalize()
            });
            out.insert(k, (Decimal::new(net, 4).normalize(), sales.then_some(Decimal::ZERO), q));
        }
        if sales {
            let key = match group {
                "product" => "coalesce(m.kit_id, m.product_id)",
                "category" => "coalesce(p.category_id, 0)",
                "partner" => "o.partner_id",
                _ => "substr(m.date, 1, 7)",
            };
            let sql = format!(
                "SELECT CAST({key} AS TEXT), -sum(m.value) FROM stock_moves m
                 JOIN trade_orders o ON o.tenant_id = m.tenant_id AND o.id = m.source_id
                 JOIN products p ON p.tenant_id = m.tenant_id AND p.id = coalesce(m.kit_id, m.product_id)
                 WHERE m.tenant_id = ?1 AND m.source_module = 'sales' AND m.state = 'done' AND m.value IS NOT NULL
                   AND m.date BETWEEN ?2 AND ?3 AND (?4 IS NULL OR o.partner_id = ?4)
                 GROUP BY 1"
            );
            let mut st = conn.prepare(&sql).unwrap();
            let rows = st.query_map(rusqlite::params![tenant, from, to, partner], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap();
            for row in rows {
                let (k, cost) = row.unwrap();
                let e = out.entry(k).or_insert((Decimal::ZERO, Some(Decimal::ZERO), None));
                e.1 = Some(Decimal::new(cost, 4).normalize());
            }
        }
        out
    }

    /// Each report equals the one computed from the lines, over ranges that cut months
    /// and ranges that do not.
    fn check_reports(&mut self, co: usize, side: usize) -> Result<(), TestCaseError> {
        let today = self.today().to_string();
        let ranges = [("2026-01-01", "2026-12-31"), ("2026-02-01", today.as_str()), ("2026-02-10", today.as_str()), ("2026-03-01", "2026-03-31"), ("2026-02-15", "2026-04-10"), ("2026-03-03", "2026-03-29")];
        let report = if side == 0 { "sales.report" } else { "purchase.report" };
        for (from, to) in ranges {
            if to < from {
                continue;
            }
            for group in ["product", "partner", "category", "month"] {
                for partner in [None, Some(self.cos[co].partner[side])] {
                    let mut args = json!({"from": from, "to": to, "group_by": group});
                    if let Some(p) = partner {
                        args["partner_id"] = json!(p);
                    }
                    let r = self.call(co, report, args).unwrap();
                    let got: BTreeMap<String, (Decimal, Option<Decimal>, Option<Decimal>)> = r["rows"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| {
                            let opt = |v: &Value| (!v.is_null()).then(|| d(v).normalize());
                            (x["key"].as_str().unwrap().to_string(), (d(&x["net"]).normalize(), opt(&x["cost"]), opt(&x["quantity"])))
                        })
                        .collect();
                    let want = self.report_from_lines(co, side, group, from, to, partner);
                    prop_assert_eq!(&got, &want, "{} {} {}..{} partner {:?}", report, group, from, to, partner);
                    let net: Decimal = want.values().map(|v| v.0).sum();
                    prop_assert_eq!(d(&r["net"]).normalize(), net.normalize());
                    if side == 0 {
                        let cost: Decimal = want.values().filter_map(|v| v.1).sum();
                        prop_assert_eq!(d(&r["cost"]).normalize(), cost.normalize());
                        prop_assert_eq!(d(&r["margin"]).normalize(), (net - cost).normalize());
                    }
                }
            }
        }
        Ok(())
    }

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
        self.day += 4;
        let date = self.today().to_string();
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
            Op::DraftCancelled { co, side, order } => {
                let Some(o) = self.order(*co, *side, *order) else { return Ok(()) };
                let name = if *side == 0 { "sales.invoice_order" } else { "purchase.bill_order" };
                if let Ok(inv) = self.call(*co, name, json!({"order_id": o["id"], "date": date})) {
                    let cancel = if *side == 0 { "sales.cancel_invoice" } else { "purchase.cancel_bill" };
                    self.call(*co, cancel, json!({"id": inv["id"]})).unwrap();
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
                // A credit note settles the invoice it credits; in a foreign currency the
                // match books the realised exchange difference of the rounding (an "FX"
                // entry) on the control account too.
                let fx: i64 = self.app.cora.store().conn().query_row(
                    "SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_lines l JOIN journal_entries e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id
                     WHERE l.account_id = ?1 AND e.reference = 'FX'",
                    [id],
                    |r| r.get(0),
                ).unwrap();
                let bal = d(&self.call(co, "account.get", json!({"id": id})).unwrap()["balance"]);
                prop_assert_eq!(bal, control_sum + Decimal::new(fx, 4));
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
    for (i, op) in ops.iter().enumerate() {
        w.step(op)?;
        w.check()?;
        // The reports after every fifth step and at the end (the sums themselves are
        // recomputed by `ledger.check` after every step).
        if i % 5 == 4 || i + 1 == ops.len() {
            for co in 0..2 {
                for side in 0..2 {
                    w.check_reports(co, side)?;
                }
            }
        }
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
