//! `cora bench-sync-pg`: the PostgreSQL sink against a real server, on a fresh file (in a
//! temporary directory unless `--keep` names one) with the demo company at `--products`:
//! - the initial load: the whole company from one snapshot (rows/s, seconds);
//! - streaming: `--changes` changes (partners with an address and two contacts, 500 per
//!   atomic batch, each partner about six changes with its audit row) written while the
//!   sink is current, then exported: changes/s through the real exporter, from the
//!   outbox read to the PostgreSQL commit and the file's acknowledgement.
//! The schema the run made is dropped at the end unless the file is kept.

use super::Fail;
use super::bench_ledger::{bench_company, on_file};
use cora_core::command::BatchItem;
use cora_core::sync::RunOptions;
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(pg: String, products: u32, changes: u64, batch_size: usize, keep: Option<std::path::PathBuf>) -> Result<u8, Fail> {
    let keep_schema = keep.is_some();
    on_file("bench-sync-pg", keep, |path| measure(path, &pg, products, changes, batch_size.max(1), keep_schema))
}

fn measure(path: &std::path::Path, pg: &str, products: u32, changes: u64, batch_size: usize, keep_schema: bool) -> Result<u8, Fail> {
    let mut cora = cora_core::Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;
    let t = Instant::now();
    cora_core::demo::run(&mut cora, &token, &company, products, 42)?;
    eprintln!("demo company of {products} products made in {:.1} s", t.elapsed().as_secs_f64());
    cora.call(Some(&token), Some(&company), "sync.add_sink", json!({"name": "Bench PG", "kind": "postgres", "target": pg}))?;
    let opts = RunOptions { batch_size, ..RunOptions::default() };

    let t = Instant::now();
    let load = cora.sync_run(Some(&company), &super::sync::connect, &opts)?.remove(0);
    let load_secs = t.elapsed().as_secs_f64();
    if let Some(e) = &load.error {
        return Err(Fail::Usage(format!("the initial load failed: {e}")));
    }
    eprintln!("initial load: {} rows in {load_secs:.2} s", load.snapshot_rows);

    // Changes to stream: partners in atomic batches of 500.
    let t = Instant::now();
    let mut made = 0u64;
    let mut n = 0u64;
    let max_seq = |cora: &cora_core::Cora| cora_core::sync::sinks::max_seq(cora.store().conn());
    let start_seq = max_seq(&cora)?;
    while made < changes {
        let items: Vec<BatchItem> = (0..500)
            .map(|i| BatchItem {
                command: "partner.create".into(),
                args: json!({"name": format!("Sync partner {}", n + i), "is_customer": true, "addresses": [{"country_code": "IE", "line1": "1 Main St"}], "contacts": [{"name": "Ann"}, {"name": "Bob"}]}),
                company: Some(company.clone()),
            })
            .collect();
        cora.call_atomic(Some(&token), &items).map_err(|(_, e)| Fail::Cora(e))?;
        n += 500;
        made = u64::try_from(max_seq(&cora)? - start_seq).unwrap_or(0);
    }
    let write_secs = t.elapsed().as_secs_f64();
    eprintln!("{made} changes written ({n} partners) in {write_secs:.1} s");

    let t = Instant::now();
    let stream = cora.sync_run(Some(&company), &super::sync::connect, &opts)?.remove(0);
    let stream_secs = t.elapsed().as_secs_f64();
    if let Some(e) = &stream.error {
        return Err(Fail::Usage(format!("streaming failed: {e}")));
    }
    let per_s = stream.changes as f64 / stream_secs.max(1e-9);
    eprintln!("streamed {} changes in {stream_secs:.2} s: {per_s:.0}/s", stream.changes);

    if !keep_schema {
        let source = cora_core::sync::export::source_id(cora.store().conn())?;
        let schema = cora_sync_pg::schema_name(&source);
        if let Ok(mut c) = postgres::Client::connect(pg, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let out: Value = json!({
        "benchmark": "PostgreSQL sink: initial load and streaming export (release build recommended)",
        "products": products,
        "initial_load": {"rows": load.snapshot_rows, "seconds": round(load_secs), "rows_per_second": (load.snapshot_rows as f64 / load_secs.max(1e-9)).round()},
        "streaming": {
            "changes": stream.changes,
            "batches": stream.batches,
            "batch_size": batch_size,
            "seconds": round(stream_secs),
            "changes_per_second": per_s.round(),
            "target_per_second": 20_000,
            "meets_target": per_s > 20_000.0,
        },
        "changes_written": {"changes": made, "partners": n, "seconds": round(write_secs)},
    });
    super::out(&format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default()))?;
    Ok(0)
}
