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
    super::out(&format!(
        "{}\n",
        serde_json::to_string_pretty(&json!({
            "benchmark": "company-scoped write through the command layer (catalog.create_brand: authorize, transaction, insert, audit row, commit), one transaction each",
            "writes": writes,
            "runs": runs,
        }))
        .unwrap_or_default()
    ))?;
    Ok(0)
}
