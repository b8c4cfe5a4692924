//! `cora bench`: the command layer's cost for one small company-scoped write in batch
//! mode (authenticate, authorize, transaction, handler, audit row, commit), on a fresh
//! file in a temporary directory.

use super::Fail;
use super::bench_ledger::{bench_company, on_file};
use cora_core::Cora;
use serde_json::json;
use std::time::Instant;

pub(crate) fn run(writes: u32) -> Result<u8, Fail> {
    on_file("bench", None, |path| measure(path, writes))
}

fn measure(path: &std::path::Path, writes: u32) -> Result<u8, Fail> {
    let mut cora = Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;

    // Warm up the statement cache and the file.
    for i in 0..200 {
        cora.call(Some(&token), Some(&company), "catalog.create_brand", json!({"name": format!("warm {i}")}))?;
    }
    // Cora runs with synchronous=FULL (every commit on disk when it returns); the same
    // writes at NORMAL show what that durability costs on this disk.
    let mut runs = Vec::new();
    for (label, mode) in [("full", "FULL"), ("normal", "NORMAL")] {
        cora.store().conn().pragma_update(None, "synchronous", mode).map_err(cora_core::Error::from)?;
        let start = Instant::now();
        for i in 0..writes {
            cora.call(Some(&token), Some(&company), "catalog.create_brand", json!({"name": format!("brand {label} {i}")}))?;
        }
        let secs = start.elapsed().as_secs_f64();
        runs.push(json!({
            "synchronous": label,
            "seconds": (secs * 1000.0).round() / 1000.0,
            "writes_per_second": (f64::from(writes) / secs).round(),
            "microseconds_per_write": (secs * 1e6 / f64::from(writes) * 10.0).round() / 10.0,
        }));
    }
    cora.store().conn().pragma_update(None, "synchronous", "FULL").map_err(cora_core::Error::from)?;
    let sync = capture_overhead(&mut cora, &token, writes)?;
    super::out(&format!(
        "{}\n",
        serde_json::to_string_pretty(&json!({
            "benchmark": "company-scoped write through the command layer (catalog.create_brand: authorize, transaction, insert, audit row, commit), one transaction each",
            "writes": writes,
            "runs": runs,
            "change_capture": sync,
        }))
        .unwrap_or_default()
    ))?;
    Ok(0)
}

/// The same writes in a company without a sink and one with a files sink (every row
/// also written to the outbox), alternating in rounds so both see the same file; then
/// the export of what the sink's company captured.
fn capture_overhead(cora: &mut Cora, token: &str, writes: u32) -> Result<serde_json::Value, Fail> {
    cora.call(Some(token), None, "company.create", json!({"code": "SYNC", "name": "Sync Ltd", "base_currency": "EUR"}))?;
    let plain = cora_core::CompanyRef::Code("BENCH".into());
    let synced = cora_core::CompanyRef::Code("SYNC".into());
    let out = tempfile::tempdir().map_err(|e| Fail::Usage(e.to_string()))?;
    cora.call(Some(token), Some(&synced), "sync.add_sink", json!({"name": "bench", "kind": "files", "target": out.path()}))?;
    let opts = cora_core::sync::RunOptions::default();
    cora.sync_run(Some(&synced), &cora_core::sync::export::connect_files, &opts)?;
    let rounds = 10;
    let per = (writes / rounds).max(1);
    let n = f64::from(per * rounds);
    // At FULL the fsync of each commit dominates; at NORMAL what capture itself costs shows.
    let mut modes = Vec::new();
    for (label, mode) in [("full", "FULL"), ("normal", "NORMAL")] {
        cora.store().conn().pragma_update(None, "synchronous", mode).map_err(cora_core::Error::from)?;
        let (mut t_plain, mut t_synced) = (0f64, 0f64);
        for r in 0..rounds {
            for (company, total) in [(&plain, &mut t_plain), (&synced, &mut t_synced)] {
                let start = Instant::now();
                for i in 0..per {
                    cora.call(Some(token), Some(company), "catalog.create_brand", json!({"name": format!("capture {label} {r} {i}")}))?;
                }
                *total += start.elapsed().as_secs_f64();
            }
        }
        modes.push(json!({
            "synchronous": label,
            "microseconds_per_write_without_sink": (t_plain * 1e6 / n * 10.0).round() / 10.0,
            "microseconds_per_write_with_sink": (t_synced * 1e6 / n * 10.0).round() / 10.0,
            "overhead_percent": ((t_synced / t_plain - 1.0) * 1000.0).round() / 10.0,
        }));
    }
    cora.store().conn().pragma_update(None, "synchronous", "FULL").map_err(cora_core::Error::from)?;
    let changes: i64 = cora
        .store()
        .conn()
        .query_row("SELECT count(*) FROM change_log c JOIN companies k ON k.id = c.tenant_id WHERE k.code = 'SYNC'", [], |r| r.get(0))
        .map_err(cora_core::Error::from)?;
    let start = Instant::now();
    let report = cora.sync_run(Some(&synced), &cora_core::sync::export::connect_files, &opts)?;
    let export = start.elapsed().as_secs_f64();
    let exported = report.first().map_or(0, |r| r.changes);
    Ok(json!({
        "writes_each": n,
        "modes": modes,
        "captured_changes": changes,
        "files_export": {"changes": exported, "seconds": (export * 1000.0).round() / 1000.0, "changes_per_second": (exported as f64 / export).round()},
    }))
}
