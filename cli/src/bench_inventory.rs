//! `cora bench-inventory`: inventory at scale, on a fresh file (in a temporary directory
//! unless `--keep` names one). The demo catalog (`products` of them), three warehouses,
//! and `moves` done stock moves over this year in pickings of `lines` lines — receipts,
//! deliveries and transfers between the warehouses, never below zero — each picking done
//! through the command layer with its stock journal entry. Then one product gets 10,000
//! later moves and a receipt dated before them all is done (the backdated revaluation),
//! and the stock queries are timed as the UI calls them. Pickings are done `batch` at a
//! time (`picking.done_batch`: one transaction, each picking through the same engine and
//! its own stock journal entry).

use super::Fail;
use super::bench_ledger::{bench_company, on_file, Rng, file_bytes, stats};
use cora_core::{Cora, Registry};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Instant;

pub(crate) fn run(products: u32, moves: u64, lines: u32, batch: u32, runs: u32, keep: Option<std::path::PathBuf>, cache_mib: Option<u32>) -> Result<u8, Fail> {
    on_file("bench-inventory", keep, |path| measure(path, products, moves, lines, batch, runs, cache_mib))
}

fn measure(path: &std::path::Path, products: u32, moves: u64, lines: u32, batch: u32, runs: u32, cache_mib: Option<u32>) -> Result<u8, Fail> {
    let runs = runs.max(1);
    let lines = u64::from(lines.clamp(1, 1000));
    let mut cora = Cora::open(path)?;
    if let Some(mib) = cache_mib {
        cora.store().conn().pragma_update(None, "cache_size", -(i64::from(mib) * 1024)).map_err(cora_core::Error::from)?;
    }
    let (token, company) = bench_company(&mut cora)?;
    let t0 = Instant::now();
    cora_core::demo::run(&mut cora, &token, &company, products, 42)?;
    let catalog_secs = t0.elapsed().as_secs_f64();
    // The products that move: stockable, not templates, not kits, not archived.
    let stockable: Vec<i64> = {
        let conn = cora.store().conn();
        let mut st = conn
            .prepare(
                "SELECT p.id FROM products p JOIN companies c ON c.id = p.tenant_id WHERE c.code = 'BENCH' AND p.kind = 'stockable' AND NOT p.is_template AND NOT p.archived
                 AND NOT EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id) ORDER BY p.id",
            )
            .map_err(cora_core::Error::from)?;
        st.query_map([], |r| r.get(0)).map_err(cora_core::Error::from)?.collect::<Result<Vec<i64>, _>>().map_err(cora_core::Error::from)?
    };
    if stockable.len() < 2 {
        return Err(Fail::Usage("the demo catalog has no stockable products".into()));
    }
    let mut call = |cmd: &str, args: Value| cora.call(Some(&token), Some(&company), cmd, args);
    let mut roots = Vec::new();
    let mut whs = Vec::new();
    for i in 1..=3 {
        let w = call("warehouse.create", json!({"code": format!("W{i}"), "name": format!("Warehouse {i}")}))?;
        whs.push(w["id"].as_i64().unwrap_or_default());
        roots.push(w["root_location_id"].as_i64().unwrap_or_default());
    }

    // This year's pickings (the demo closed last year's books), in date order, never
    // below zero.
    let today = chrono::Utc::now().date_naive();
    let start = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).ok_or_else(|| Fail::Usage("date".into()))?;
    let span = u64::try_from((today - start).num_days()).unwrap_or(0).max(1);
    let pickings = moves.div_ceil(lines).max(1);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut have: HashMap<(i64, usize), u64> = HashMap::new();
    let (mut done_moves, mut create_secs, mut done_secs) = (0u64, 0.0_f64, 0.0_f64);
    let mut done_ms = Vec::new();
    let mut kinds = [0u64; 3];
    let batch = batch.max(1) as usize;
    let mut pending: Vec<Value> = Vec::new();
    let mut pending_moves = 0u64;
    let mut i = 0u64;
    while done_moves < moves {
        let date = start + chrono::Days::new((i.min(pickings - 1)) * span / pickings);
        i += 1;
        let wh = rng.below(3) as usize;
        let roll = if i * 5 < pickings { 0 } else { rng.below(10) };
        let kind = if roll < 4 { 0 } else if roll < 8 { 1 } else { 2 };
        let n = lines.min(moves - done_moves);
        let mut ls = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let p = stockable[rng.below(stockable.len() as u64) as usize];
            if kind == 0 {
                let q = 1 + rng.below(100);
                *have.entry((p, wh)).or_default() += q;
                ls.push(json!({"product_id": p, "quantity": q.to_string(), "unit_cost": format!("{}.{:02}", 1 + rng.below(200), rng.below(100))}));
            } else {
                // Something in stock here: a few tries, else a product received now.
                let mut found = None;
                for _ in 0..20 {
                    let p = stockable[rng.below(stockable.len() as u64) as usize];
                    if have.get(&(p, wh)).copied().unwrap_or(0) > 0 {
                        found = Some(p);
                        break;
                    }
                }
                let Some(p) = found else { continue };
                let h = have.entry((p, wh)).or_default();
                let q = 1 + rng.below((*h).min(20));
                *h -= q;
                if kind == 2 {
                    *have.entry((p, (wh + 1) % 3)).or_default() += q;
                }
                ls.push(json!({"product_id": p, "quantity": q.to_string()}));
            }
        }
        if ls.is_empty() {
            continue;
        }
        let count = ls.len() as u64;
        let args = match kind {
            0 => json!({"kind": "receipt", "warehouse_id": whs[wh], "date": date, "lines": ls}),
            1 => json!({"kind": "delivery", "warehouse_id": whs[wh], "date": date, "lines": ls}),
            _ => json!({"kind": "internal", "warehouse_id": whs[wh], "date": date, "from_location_id": roots[wh], "to_location_id": roots[(wh + 1) % 3], "lines": ls}),
        };
        let t = Instant::now();
        let p = call("picking.create", args)?;
        create_secs += t.elapsed().as_secs_f64();
        pending.push(p["id"].clone());
        pending_moves += count;
        kinds[kind] += 1;
        // Done in batches of pickings, in the order they were made (one transaction each).
        if pending.len() >= batch || done_moves + pending_moves >= moves {
            let t = Instant::now();
            call("picking.done_batch", json!({"ids": std::mem::take(&mut pending)}))?;
            let took = t.elapsed().as_secs_f64();
            done_secs += took;
            done_ms.push(took * 1000.0);
            done_moves += pending_moves;
            pending_moves = 0;
        }
    }
    eprintln!("done: {done_moves} moves in {done_secs:.1} s ({:.0}/s), create {create_secs:.1} s", done_moves as f64 / done_secs);
    let end = start + chrono::Days::new(span);

    // The backdated case: one product with 10,000 later moves (receipts and deliveries of
    // 10 each, at the year's end), then receipts dated mid-year are done.
    let hot = stockable[0];
    for k in 0..100u64 {
        let receipt = k % 2 == 0;
        let ls: Vec<Value> = (0..100)
            .map(|_| if receipt { json!({"product_id": hot, "quantity": "10", "unit_cost": "7.5"}) } else { json!({"product_id": hot, "quantity": "10"}) })
            .collect();
        let args = json!({"kind": if receipt { "receipt" } else { "delivery" }, "warehouse_id": whs[0], "date": end, "lines": ls});
        let p = call("picking.create", args)?;
        call("picking.done", json!({"id": p["id"]}))?;
    }
    let mid = start + chrono::Days::new(span / 2);
    let mut backdated_ms = Vec::new();
    let mut later_moves = 0i64;
    for _ in 0..runs.min(20) {
        let p = call("picking.create", json!({"kind": "receipt", "warehouse_id": whs[0], "date": mid, "lines": [{"product_id": hot, "quantity": "1", "unit_cost": "3"}]}))?;
        let t = Instant::now();
        let d = call("picking.done", json!({"id": p["id"]}))?;
        backdated_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Some(e) = d["entry_id"].as_i64() {
            let memo = call("entry.get", json!({"id": e}))?["memo"].as_str().unwrap_or_default().to_string();
            later_moves = memo.split("revaluing ").nth(1).and_then(|s| s.split(' ').next()).and_then(|s| s.parse().ok()).unwrap_or(0);
        }
    }
    eprintln!("backdated: {later_moves} later moves, {}", stats(backdated_ms.clone()));
    drop(call);
    cora.store().conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(cora_core::Error::from)?;
    let bytes = file_bytes(path);
    let mut call = |cmd: &str, args: Value| cora.call(Some(&token), Some(&company), cmd, args);

    // The queries.
    let registry = Registry::new();
    let sample = stockable[stockable.len() / 2];
    let mut results = Vec::new();
    let cases: Vec<(&str, &str, Value, f64)> = vec![
        ("on hand of one product (all warehouses, by location and lot)", "stock.on_hand", json!({"product_id": sample}), 1.0),
        ("on hand of one product in one warehouse", "stock.on_hand", json!({"product_id": sample, "warehouse_id": whs[1]}), 1.0),
        ("stock report: first page", "stock.report", json!({"limit": 50}), 50.0),
        ("valuation: first page (50 products) and the total", "inventory.valuation", json!({"limit": 50}), 50.0),
        ("valuation at mid-year: first page and the total", "inventory.valuation", json!({"limit": 50, "at": mid}), f64::NAN),
        ("movement history of one product: first page", "stock.moves", json!({"product_id": sample}), f64::NAN),
    ];
    for (label, cmd, args, target) in cases {
        if !registry.commands().any(|c| c.name == cmd) {
            results.push(json!({"case": label, "command": cmd, "skipped": format!("{cmd} not available")}));
            continue;
        }
        if let Err(e) = call(cmd, args.clone()) {
            results.push(json!({"case": label, "command": cmd, "skipped": e.to_string()}));
            continue;
        }
        let mut ms = Vec::with_capacity(runs as usize);
        for k in 0..runs {
            // On hand: a different product each run.
            let mut a = args.clone();
            if cmd == "stock.on_hand" {
                a["product_id"] = json!(stockable[(k as usize * 7919) % stockable.len()]);
            }
            let t = Instant::now();
            call(cmd, a)?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut s = stats(ms);
        s["case"] = json!(label);
        s["command"] = json!(cmd);
        if target.is_finite() {
            s["target_ms"] = json!(target);
            s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < target);
        }
        eprintln!("{s}");
        results.push(s);
    }
    let t = Instant::now();
    let check = call("inventory.check", json!({}))?;
    let check_secs = t.elapsed().as_secs_f64();

    let r1 = |v: f64| (v * 10.0).round() / 10.0;
    let per_sec = done_moves as f64 / done_secs;
    let backdated = stats(backdated_ms);
    let out = json!({
        "benchmark": "inventory at scale through the command layer (release build recommended)",
        "products": stockable.len(),
        "catalog_seconds": r1(catalog_secs),
        "warehouses": 3,
        "done_moves": done_moves,
        "pickings": {"receipts": kinds[0], "deliveries": kinds[1], "transfers": kinds[2], "lines_each": lines},
        "done": {
            "seconds": r1(done_secs),
            "moves_per_second": per_sec.round(),
            "target_moves_per_second": 10_000,
            "meets_target": per_sec > 10_000.0,
            "with_create_moves_per_second": (done_moves as f64 / (done_secs + create_secs)).round(),
            "pickings_per_batch": batch,
            "sqlite_cache_mib": cache_mib.unwrap_or(64),
            "batch": stats(done_ms),
        },
        "backdated_receipt": {
            "later_moves_revalued": later_moves,
            "done": backdated.clone(),
            "target_ms": 100,
            "meets_target": backdated["median_ms"].as_f64().unwrap_or(f64::MAX) < 100.0,
        },
        "file_mb": r1(bytes as f64 / 1_048_576.0),
        "queries": results,
        "inventory_check": {"ok": check["ok"], "seconds": (check_secs * 1000.0).round() / 1000.0},
    });
    super::out(&format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default()))?;
    Ok(0)
}
