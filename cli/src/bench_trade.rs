//! `cora bench-trade`: the trade flows through the command layer, on a fresh file with the
//! demo catalog (in a temporary directory unless `--keep` names one). Each flow is timed
//! two ways: every step committed on its own (as the desktop app calls them; the commit
//! costs what the durability setting makes it), and the whole flow in one atomic batch
//! (`cora batch --atomic`, later steps naming earlier results with `{"$ref": "N.path"}`):
//! - a 3-line sales order: create, confirm, deliver, invoice, post;
//! - a 75-line and a 500-line purchase order: create, confirm, receive, bill, post;
//! - `invoices` posted customer invoices are written (atomic batches of 500 free invoices,
//!   written first: posting is chronological), dated evenly from New Year's day to today
//!   into a sales journal of their own (the demo's `SAL` journal already runs to today, so
//!   it is archived while they are written), and the sales report is timed over them, year
//!   to date by product, customer, category and month (whole months from the maintained
//!   sums, this month's days from the lines), and by product from the 15th of January
//!   (two partial months from the lines).

use super::Fail;
use super::bench_ledger::{bench_company, on_file, Rng, file_bytes, stats};
use cora_core::command::BatchItem;
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(products: u32, invoices: u64, runs: u32, keep: Option<std::path::PathBuf>) -> Result<u8, Fail> {
    on_file("bench-trade", keep, |path| measure(path, products, invoices, runs))
}

const STEPS_SALE: [&str; 5] = ["sales.create_order", "sales.confirm_order", "sales.deliver", "sales.invoice_order", "sales.post_invoice"];
const STEPS_PURCHASE: [&str; 5] = ["purchase.create_order", "purchase.confirm_order", "purchase.receive", "purchase.bill_order", "purchase.post_bill"];

struct Bench {
    cora: Cora,
    token: String,
    company: CompanyRef,
}

impl Bench {
    fn call(&mut self, cmd: &str, args: Value) -> Result<Value, Fail> {
        Ok(self.cora.call(Some(&self.token), Some(&self.company), cmd, args)?)
    }

    fn item(&self, cmd: &str, args: Value) -> BatchItem {
        BatchItem { command: cmd.into(), args, company: Some(self.company.clone()) }
    }

    /// One flow, step by step: the milliseconds of each step.
    fn stepwise(&mut self, steps: &[&str; 5], partner: i64, wh: i64, lines: &[Value], date: &str) -> Result<[f64; 5], Fail> {
        let mut ms = [0.0; 5];
        let t = Instant::now();
        let o = self.call(steps[0], json!({"partner_id": partner, "date": date, "warehouse_id": wh, "lines": lines}))?;
        ms[0] = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        self.call(steps[1], json!({"id": o["id"]}))?;
        ms[1] = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        self.call(steps[2], json!({"order_id": o["id"], "date": date}))?;
        ms[2] = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let inv = self.call(steps[3], json!({"order_id": o["id"], "date": date}))?;
        ms[3] = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        self.call(steps[4], json!({"id": inv["id"]}))?;
        ms[4] = t.elapsed().as_secs_f64() * 1000.0;
        Ok(ms)
    }

    /// One flow as one atomic batch: its milliseconds.
    fn atomic(&mut self, steps: &[&str; 5], partner: i64, wh: i64, lines: &[Value], date: &str) -> Result<f64, Fail> {
        let items = vec![
            self.item(steps[0], json!({"partner_id": partner, "date": date, "warehouse_id": wh, "lines": lines})),
            self.item(steps[1], json!({"id": {"$ref": "1.id"}})),
            self.item(steps[2], json!({"order_id": {"$ref": "1.id"}, "date": date})),
            self.item(steps[3], json!({"order_id": {"$ref": "1.id"}, "date": date})),
            self.item(steps[4], json!({"id": {"$ref": "4.id"}})),
        ];
        let t = Instant::now();
        self.cora.call_atomic(Some(&self.token), &items).map_err(|(_, e)| Fail::Cora(e))?;
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    }
}

fn figure(b: &mut Bench, label: &str, steps: &[&str; 5], partner: i64, wh: i64, lines: &[Value], date: &str, runs: u32, target_ms: f64, per_step: bool) -> Result<Value, Fail> {
    let mut each: [Vec<f64>; 5] = Default::default();
    let mut flows = Vec::new();
    let mut atomic = Vec::new();
    for _ in 0..runs {
        let ms = b.stepwise(steps, partner, wh, lines, date)?;
        for (k, v) in ms.iter().enumerate() {
            each[k].push(*v);
        }
        flows.push(ms.iter().sum());
        atomic.push(b.atomic(steps, partner, wh, lines, date)?);
    }
    let steps_out: Vec<Value> = steps
        .iter()
        .zip(each)
        .map(|(name, ms)| {
            let mut s = stats(ms);
            s["command"] = json!(name);
            if per_step {
                s["target_ms"] = json!(target_ms);
                s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < target_ms);
            }
            s
        })
        .collect();
    let mut flow = stats(flows);
    let mut batch = stats(atomic);
    if !per_step {
        for s in [&mut flow, &mut batch] {
            s["target_ms"] = json!(target_ms);
            s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < target_ms);
        }
    }
    let out = json!({"case": label, "lines": lines.len(), "steps_committed_each": steps_out, "flow_committed_each_step": flow, "flow_one_atomic_batch": batch});
    eprintln!("{out}");
    Ok(out)
}

fn measure(path: &std::path::Path, products: u32, invoices: u64, runs: u32) -> Result<u8, Fail> {
    let runs = runs.max(1);
    let mut cora = Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;
    cora_core::demo::run(&mut cora, &token, &company, products, 42)?;
    let mut b = Bench { cora, token, company };
    let stockable: Vec<i64> = {
        let conn = b.cora.store().conn();
        let mut st = conn
            .prepare(
                "SELECT p.id FROM products p JOIN companies c ON c.id = p.tenant_id WHERE c.code = 'BENCH' AND p.kind = 'stockable' AND NOT p.is_template AND NOT p.archived
                 AND p.tracking = 'none' AND NOT EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id) ORDER BY p.id LIMIT 2000",
            )
            .map_err(cora_core::Error::from)?;
        st.query_map([], |r| r.get(0)).map_err(cora_core::Error::from)?.collect::<Result<Vec<i64>, _>>().map_err(cora_core::Error::from)?
    };
    if stockable.len() < 500 {
        return Err(Fail::Usage(format!("the demo catalog has {} stockable products; give --products 2000 or more", stockable.len())));
    }
    let taxes = b.call("tax.list", json!({}))?;
    let tax = |code: &str| taxes.as_array().and_then(|a| a.iter().find(|t| t["code"] == code)).map(|t| t["id"].clone()).unwrap_or(Value::Null);
    let (s20, p20) = (tax("S20"), tax("P20"));
    let wh = b.call("warehouse.create", json!({"code": "TW", "name": "Trade warehouse"}))?["id"].as_i64().unwrap_or_default();
    let customer = b.call("partner.create", json!({"name": "Bench customer", "is_customer": true, "currency": "EUR"}))?["id"].as_i64().unwrap_or_default();
    let supplier = b.call("partner.create", json!({"name": "Bench supplier", "is_supplier": true, "currency": "EUR"}))?["id"].as_i64().unwrap_or_default();
    let today = chrono::Utc::now().date_naive().to_string();
    // Stock to sell: the first 20 products, plenty.
    let opening: Vec<Value> = stockable[..20].iter().map(|p| json!({"product_id": p, "quantity": "1000000", "unit_cost": "3"})).collect();
    let r = b.call("picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": today, "lines": opening}))?;
    b.call("picking.done", json!({"id": r["id"]}))?;

    let mut rng = Rng(0x51_7cc1_b727_220a);
    let lines = |n: usize, tax: &Value, rng: &mut Rng| -> Vec<Value> {
        (0..n)
            .map(|i| {
                let p = if n <= 3 { stockable[i] } else { stockable[20 + (i % (stockable.len() - 20))] };
                json!({"product_id": p, "quantity": (1 + rng.below(9)).to_string(), "unit_price": format!("{}.{:02}", 1 + rng.below(99), rng.below(100)), "discount": (rng.below(3) * 5).to_string(), "tax_ids": [tax]})
            })
            .collect()
    };
    // Posted customer invoices for the report, 500 per transaction (the flows come after:
    // posting is chronological per journal).
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Fail::Usage("date".into()))?;
    let end = chrono::Utc::now().date_naive();
    let mut customers: Vec<i64> = vec![customer];
    for i in 0..49 {
        customers.push(b.call("partner.create", json!({"name": format!("Report customer {i}"), "is_customer": true, "currency": "EUR"}))?["id"].as_i64().unwrap_or_default());
    }
    // The demo's sales journal runs to today and posting is chronological per journal:
    // the invoices go to a journal of their own (the first sales journal not archived),
    // spread evenly over the year to date.
    let journals = b.call("journal.list", json!({}))?;
    let sal: Vec<Value> = journals.as_array().into_iter().flatten().filter(|j| j["kind"] == "sales").map(|j| j["id"].clone()).collect();
    for id in &sal {
        b.call("journal.set_archived", json!({"id": id, "archived": true}))?;
    }
    b.call("journal.create", json!({"code": "TRD", "name": "Trade sales", "kind": "sales"}))?;
    let days = u64::try_from((end - start).num_days()).unwrap_or(0) + 1;
    let t0 = Instant::now();
    let mut written = 0u64;
    while written < invoices {
        let n = (invoices - written).min(500);
        let mut items = Vec::with_capacity(n as usize * 2);
        for k in 0..n {
            let date = start + chrono::Days::new((written + k) * days / invoices.max(1));
            let ls: Vec<Value> = (0..3)
                .map(|_| json!({"product_id": stockable[rng.below(stockable.len() as u64) as usize], "quantity": (1 + rng.below(5)).to_string(), "unit_price": format!("{}.{:02}", 1 + rng.below(99), rng.below(100)), "tax_ids": [s20]}))
                .collect();
            let c = customers[rng.below(customers.len() as u64) as usize];
            items.push(b.item("sales.create_invoice", json!({"partner_id": c, "date": date, "lines": ls})));
            let idx = items.len();
            items.push(b.item("sales.post_invoice", json!({"id": {"$ref": format!("{idx}.id")}})));
        }
        b.cora.call_atomic(Some(&b.token), &items).map_err(|(_, e)| Fail::Cora(e))?;
        written += n;
    }
    let write_secs = t0.elapsed().as_secs_f64();
    eprintln!("{written} invoices written in {write_secs:.1} s");
    b.cora.store().conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(cora_core::Error::from)?;
    let mut figures = Vec::new();
    let l3 = lines(3, &s20, &mut rng);
    figures.push(figure(&mut b, "3-line sales order, quotation to posted invoice", &STEPS_SALE, customer, wh, &l3, &today, runs, 1.0, true)?);
    // The same flow without the commit's fsync (synchronous=NORMAL on this connection
    // only): the engine's own work per step, apart from what the disk costs.
    b.cora.store().conn().pragma_update(None, "synchronous", "NORMAL").map_err(cora_core::Error::from)?;
    figures.push(figure(&mut b, "3-line sales order, quotation to posted invoice, without the fsync (synchronous=NORMAL)", &STEPS_SALE, customer, wh, &l3, &today, runs, 1.0, true)?);
    b.cora.store().conn().pragma_update(None, "synchronous", "FULL").map_err(cora_core::Error::from)?;
    let l75 = lines(75, &p20, &mut rng);
    figures.push(figure(&mut b, "75-line purchase order to posted bill", &STEPS_PURCHASE, supplier, wh, &l75, &today, runs.min(20), 20.0, false)?);
    let l500 = lines(500, &p20, &mut rng);
    figures.push(figure(&mut b, "500-line purchase order to posted bill", &STEPS_PURCHASE, supplier, wh, &l500, &today, runs.min(10), 100.0, false)?);

    let mut reports = Vec::new();
    let mid_january = start + chrono::Days::new(14);
    let cases = [("product", start), ("partner", start), ("category", start), ("month", start), ("product", mid_january)];
    for (group, from) in cases {
        let args = json!({"from": from, "to": end, "group_by": group});
        b.call("sales.report", args.clone())?;
        let mut ms = Vec::new();
        for _ in 0..runs.min(20) {
            let t = Instant::now();
            b.call("sales.report", args.clone())?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut s = stats(ms);
        s["case"] = json!(format!("sales report by {group} over {written} invoices, {from} to {end}"));
        s["target_ms"] = json!(100);
        s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < 100.0);
        eprintln!("{s}");
        reports.push(s);
    }
    let check = b.call("ledger.check", json!({}))?;
    let inv_check = b.call("inventory.check", json!({}))?;
    let out = json!({
        "benchmark": "trade flows through the command layer (release build recommended)",
        "durability": "synchronous=FULL (every commit waits for the disk)",
        "flows": figures,
        "invoices_written": {"count": written, "seconds": (write_secs * 10.0).round() / 10.0, "per_second": (written as f64 / write_secs).round()},
        "reports": reports,
        "file_mb": (file_bytes(path) as f64 / 1_048_576.0 * 10.0).round() / 10.0,
        "ledger_check_ok": check["ok"],
        "inventory_check_ok": inv_check["ok"],
    });
    super::out(&format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default()))?;
    Ok(0)
}
