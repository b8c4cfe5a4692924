//! `cora bench-production`: production through the command layer, on a fresh file (in a
//! temporary directory unless `--keep` names one), with the figures of issue 13:
//! - a 5-level BOM over 1,000 distinct components (5 made sub-assemblies, 25, 100 and 300
//!   below them, 570 bought parts at the bottom): `bom.explode` of the top for a quantity
//!   and `bom.get` of the top, whose cost roll-up walks every level;
//! - `planning.run` over `sales_lines` open sales-order lines (confirmed orders of 10
//!   lines) and `products` products, a fifth made from 4 bought components each, the rest
//!   bought from a supplier with a lead time, a tenth of those with a reorder rule;
//! - completing a confirmed 50-component production order (`production.produce` of its
//!   whole quantity: 50 components consumed, an operation absorbed, the output in stock,
//!   their stock journal entries): one order committed alone, and `batch` orders in one
//!   atomic batch (the time per order).

use super::Fail;
use super::bench_ledger::{bench_company, on_file, Rng, file_bytes, stats};
use cora_core::command::BatchItem;
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(products: u32, sales_lines: u32, batch: u32, runs: u32, keep: Option<std::path::PathBuf>) -> Result<u8, Fail> {
    on_file("bench-production", keep, |path| measure(path, products, sales_lines, batch, runs))
}

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

    /// Runs `items` in atomic batches of `size`: every result, in order.
    fn atomic(&mut self, items: Vec<BatchItem>, size: usize) -> Result<Vec<Value>, Fail> {
        let mut out = Vec::with_capacity(items.len());
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let chunk: Vec<BatchItem> = items.by_ref().take(size.max(1)).collect();
            let r = self.cora.call_atomic(Some(&self.token), &chunk).map_err(|(_, e)| Fail::Cora(e))?;
            out.extend(r);
        }
        Ok(out)
    }

    /// Creates products `prefix-0..n` (stockable, in pieces) at `cost`: their ids.
    fn products(&mut self, prefix: &str, n: usize, cost: impl Fn(usize) -> String) -> Result<Vec<i64>, Fail> {
        let items: Vec<BatchItem> = (0..n).map(|i| self.item("catalog.create_product", json!({"sku": format!("{prefix}-{i:05}"), "name": format!("{prefix} {i}"), "cost": cost(i)}))).collect();
        Ok(self.atomic(items, 500)?.iter().map(|p| p["product"]["id"].as_i64().unwrap_or_default()).collect())
    }
}

fn timed(runs: u32, mut f: impl FnMut() -> Result<(), Fail>) -> Result<Vec<f64>, Fail> {
    let mut ms = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        f()?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(ms)
}

fn figure(case: &str, ms: Vec<f64>, target_ms: f64, extra: Value) -> Value {
    let mut s = stats(ms);
    s["case"] = json!(case);
    s["target_ms"] = json!(target_ms);
    s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < target_ms);
    if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    eprintln!("{s}");
    s
}

fn measure(path: &std::path::Path, products: u32, sales_lines: u32, batch: u32, runs: u32) -> Result<u8, Fail> {
    let runs = runs.max(1);
    let mut cora = Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;
    let mut b = Bench { cora, token, company };
    let wh = b.call("warehouse.create", json!({"code": "PW", "name": "Plant"}))?["id"].as_i64().unwrap_or_default();
    let today = chrono::Utc::now().date_naive();
    let mut rng = Rng(0x0bad_5eed_1234_5678);
    let mut figures = Vec::new();

    // 1. A 5-level BOM over 1,000 distinct components.
    let t0 = Instant::now();
    let widths = [5usize, 25, 100, 300];
    let mut levels: Vec<Vec<i64>> = Vec::new();
    let top = b.products("TOP", 1, |_| "0".into())?;
    levels.push(top.clone());
    for (k, w) in widths.iter().enumerate() {
        levels.push(b.products(&format!("L{}", k + 1), *w, |_| "0".into())?);
    }
    let leaves = b.products("LEAF", 570, |i| format!("{}.{:02}", 1 + i % 40, i % 100))?;
    let work = b.call("work_centre.create", json!({"code": "ASM", "name": "Assembly", "cost_per_hour": "42"}))?["id"].clone();
    // Each made item's BOM: its share of the level below (leaves spread over the fourth level).
    let mut boms = Vec::new();
    for depth in 0..levels.len() {
        let parents = levels[depth].clone();
        let below: &[i64] = if depth + 1 < levels.len() { &levels[depth + 1] } else { &leaves };
        for (i, p) in parents.iter().enumerate() {
            let from = below.len() * i / parents.len();
            let to = below.len() * (i + 1) / parents.len();
            let lines: Vec<Value> = below[from..to].iter().map(|c| json!({"product_id": c, "quantity": (1 + rng.below(3)).to_string(), "scrap": "2"})).collect();
            boms.push(b.item(
                "bom.create",
                json!({"product_id": p, "quantity": "1", "lines": lines, "operations": [{"name": "Assemble", "work_centre_id": work, "minutes_per_unit": "3", "minutes_per_batch": "10"}]}),
            ));
        }
    }
    let made = boms.len();
    let created = b.atomic(boms, 100)?;
    let top_bom = created.first().map(|x| x["id"].clone()).unwrap_or(Value::Null);
    eprintln!("5-level BOM: {made} BOMs over {} components written in {:.1} s", widths.iter().sum::<usize>() + leaves.len(), t0.elapsed().as_secs_f64());
    let tree = b.call("bom.explode", json!({"product_id": top[0], "quantity": "3"}))?;
    let nodes = tree["nodes"].as_array().map_or(0, Vec::len);
    let levels_seen = tree["levels"].clone();
    let ms = timed(runs, || b.call("bom.explode", json!({"product_id": top[0], "quantity": "3"})).map(|_| ()))?;
    figures.push(figure("bom.explode of a 5-level BOM over 1,000 distinct components, costs rolled up per node", ms, 20.0, json!({"nodes": nodes, "levels": levels_seen})));
    let ms = timed(runs, || b.call("bom.get", json!({"id": top_bom})).map(|_| ()))?;
    figures.push(figure("bom.get of its top: lines with the cost roll-up through every level", ms, 20.0, json!({})));

    // 2. A requirements run.
    let t0 = Instant::now();
    let n = products as usize;
    let made_n = n / 5;
    let bought = b.products("BUY", n - made_n, |i| format!("{}.{:02}", 1 + i % 30, i % 100))?;
    let makes = b.products("MAKE", made_n, |_| "0".into())?;
    let supplier = b.call("partner.create", json!({"name": "Parts supplier", "is_supplier": true, "currency": "EUR"}))?["id"].clone();
    let customer = b.call("partner.create", json!({"name": "Bench customer", "is_customer": true, "currency": "EUR"}))?["id"].clone();
    let mut items = Vec::new();
    for (i, p) in bought.iter().enumerate() {
        items.push(b.item("supplier_price.create", json!({"partner_id": supplier, "product_id": p, "price": format!("{}.50", 1 + i % 30), "lead_time_days": 2 + i % 9})));
        if i % 10 == 0 {
            items.push(b.item("reorder_rule.create", json!({"product_id": p, "warehouse_id": wh, "min_qty": "20", "max_qty": "50", "multiple": "5"})));
        }
    }
    for p in &makes {
        let lines: Vec<Value> = (0..4).map(|_| json!({"product_id": bought[rng.below(bought.len() as u64) as usize], "quantity": (1 + rng.below(4)).to_string()})).collect();
        items.push(b.item("bom.create", json!({"product_id": p, "quantity": "1", "lead_time_days": 1 + rng.below(5), "lines": lines})));
    }
    b.atomic(items, 500)?;
    let all: Vec<i64> = bought.iter().chain(makes.iter()).copied().collect();
    let orders = (sales_lines as usize).div_ceil(10);
    // 100 orders a transaction; a confirmation names its order's result in that batch.
    for first in (0..orders).step_by(100) {
        let mut items = Vec::new();
        for o in first..(first + 100).min(orders) {
            let lines: Vec<Value> = (0..10).map(|_| json!({"product_id": all[rng.below(all.len() as u64) as usize], "quantity": (1 + rng.below(9)).to_string(), "unit_price": "10"})).collect();
            let date = today + chrono::Days::new(1 + (o % 60) as u64);
            items.push(b.item("sales.create_order", json!({"partner_id": customer, "date": date, "warehouse_id": wh, "lines": lines})));
            let idx = items.len();
            items.push(b.item("sales.confirm_order", json!({"id": {"$ref": format!("{idx}.id")}})));
        }
        b.atomic(items, usize::MAX)?;
    }
    eprintln!("planning data: {} products, {} confirmed sales orders of 10 lines written in {:.1} s", all.len(), orders, t0.elapsed().as_secs_f64());
    let mut proposals = 0;
    let mut pegs = 0;
    let ms = timed(runs.min(10), || {
        let r = b.call("planning.run", json!({"date": today}))?;
        proposals = r["proposals"].as_array().map_or(0, Vec::len);
        pegs = r["proposals"].as_array().map_or(0, |ps| ps.iter().map(|p| p["pegs"].as_array().map_or(0, Vec::len)).sum());
        Ok(())
    })?;
    figures.push(figure(
        &format!("planning.run over {} open sales lines and {} products ({} made, {} bought)", orders * 10, all.len(), makes.len(), bought.len()),
        ms,
        2000.0,
        json!({"proposals": proposals, "pegs": pegs}),
    ));

    // 3. Completing 50-component orders.
    let parts = b.products("PART", 50, |i| format!("{}.25", 1 + i % 20))?;
    let kit = b.products("ASSY", 1, |_| "0".into())?[0];
    let lines: Vec<Value> = parts.iter().map(|p| json!({"product_id": p, "quantity": "2"})).collect();
    b.call("bom.create", json!({"product_id": kit, "quantity": "1", "lines": lines, "operations": [{"name": "Assemble", "work_centre_id": work, "minutes_per_unit": "6"}]}))?;
    let stock: Vec<Value> = parts.iter().map(|p| json!({"product_id": p, "quantity": "1000000", "unit_cost": "1.25"})).collect();
    let r = b.call("picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": today, "lines": stock}))?;
    b.call("picking.done", json!({"id": r["id"]}))?;
    let batch = batch.max(1) as usize;
    let confirmed = |b: &mut Bench, n: usize| -> Result<Vec<Value>, Fail> {
        let mut items = Vec::new();
        for _ in 0..n {
            items.push(b.item("production.create_order", json!({"product_id": kit, "quantity": "4", "warehouse_id": wh, "date_planned": today})));
            let idx = items.len();
            items.push(b.item("production.confirm_order", json!({"id": {"$ref": format!("{idx}.id")}})));
        }
        Ok(b.atomic(items, usize::MAX)?.into_iter().skip(1).step_by(2).map(|o| o["id"].clone()).collect())
    };
    let singles = confirmed(&mut b, runs as usize)?;
    let mut it = singles.into_iter();
    let ms = timed(runs, || {
        let id = it.next().unwrap_or(Value::Null);
        b.call("production.produce", json!({"id": id, "quantity": "4", "date": today})).map(|_| ())
    })?;
    figures.push(figure("completing a 50-component order, committed on its own (production.produce of the whole quantity)", ms, 5.0, json!({})));
    let mut per_order = Vec::new();
    for _ in 0..runs.min(10) {
        let ids = confirmed(&mut b, batch)?;
        let items: Vec<BatchItem> = ids.iter().map(|id| b.item("production.produce", json!({"id": id, "quantity": "4", "date": today}))).collect();
        let t = Instant::now();
        b.cora.call_atomic(Some(&b.token), &items).map_err(|(_, e)| Fail::Cora(e))?;
        per_order.push(t.elapsed().as_secs_f64() * 1000.0 / batch as f64);
    }
    figures.push(figure(&format!("completing a 50-component order in an atomic batch of {batch} (time per order)"), per_order, 5.0, json!({})));
    let check = b.call("production.check", json!({}))?;
    let ledger = b.call("ledger.check", json!({}))?;
    let ok = check["ok"] == true && ledger["ok"] == true;
    let out = json!({"figures": figures, "production_check_ok": check["ok"], "ledger_check_ok": ledger["ok"], "file_bytes": file_bytes(path)});
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(if ok { 0 } else { 1 })
}
