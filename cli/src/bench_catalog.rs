//! `cora bench-catalog`: the catalog at scale, on a fresh file in a temporary directory.
//! Generates the demo catalog, then times list, page, filter and search commands through
//! the whole command layer (session check, permission, transaction), as the UI calls them.

use super::Fail;
use super::bench_ledger::{bench_company, on_file, stats};
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(scale: u32, runs: u32) -> Result<u8, Fail> {
    on_file("bench-catalog", None, |path| measure(path, scale, runs.max(1)))
}

fn measure(path: &std::path::Path, scale: u32, runs: u32) -> Result<u8, Fail> {
    let mut cora = Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;

    let start = Instant::now();
    let demo = cora_core::demo::run(&mut cora, &token, &company, scale, 42)?;
    let generate_secs = start.elapsed().as_secs_f64();
    let file_mb = std::fs::metadata(path).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0)
        + std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0);

    let mut call = |cmd: &str, args: Value| cora.call(Some(&token), Some(&company), cmd, args);
    let total = call("catalog.list_products", json!({"query": {"limit": 1, "include_archived": true}}))?["total"].clone();
    let clothing = call("catalog.list_categories", json!({"roots_only": true, "query": {"search": "clothing"}}))?["items"][0]["id"].clone();
    let brand = call("catalog.list_brands", json!({}))?["items"][0]["id"].clone();
    let kit = call("catalog.list_products", json!({"query": {"search": "KIT"}}))?["items"][0]["id"].clone();
    let sample = call("catalog.list_products", json!({"query": {"sort": "sku", "limit": 1, "cursor": "[\"M\", 0]"}}))?["items"][0].clone();
    let sku = sample["sku"].as_str().unwrap_or("X").to_string();
    let barcode = call("catalog.list_products", json!({"query": {"search": "2000000"}}))?["items"][0]["barcode"].as_str().unwrap_or("0").to_string();

    let cases: Vec<(&str, &str, Value)> = vec![
        ("first page by name (50 rows + total)", "catalog.list_products", json!({})),
        ("first page by sale price, descending", "catalog.list_products", json!({"query": {"sort": "sale_price", "desc": true}})),
        ("category filter incl. subcategories (Clothing), by name", "catalog.list_products", json!({"category_id": clothing})),
        ("brand filter, by name", "catalog.list_products", json!({"brand_id": brand})),
        ("kind filter (services)", "catalog.list_products", json!({"kind": "service"})),
        ("templates and plain products only (hide variants)", "catalog.list_products", json!({"hide_variants": true})),
        ("search a common word (\"linen\")", "catalog.list_products", json!({"query": {"search": "linen"}})),
        ("search two words (\"organic tea\")", "catalog.list_products", json!({"query": {"search": "organic tea"}})),
        ("search a 2-letter prefix (\"ch\")", "catalog.list_products", json!({"query": {"search": "ch"}})),
        ("search an exact SKU", "catalog.list_products", json!({"query": {"search": sku}})),
        ("search a barcode", "catalog.list_products", json!({"query": {"search": barcode}})),
        ("one kit with its rolled-up cost", "catalog.get_product", json!({"id": kit})),
        ("partners: first page by name (50 rows + total)", "partner.list", json!({})),
        ("partners: customers only, by code", "partner.list", json!({"role": "customer", "query": {"sort": "code"}})),
        ("partners: search a word (\"harbor\")", "partner.list", json!({"query": {"search": "harbor"}})),
        ("partners: search an email prefix (\"info@atlas\")", "partner.list", json!({"query": {"search": "info@atlas"}})),
        ("partners: one partner with addresses and contacts", "partner.get", json!({"id": 1})),
    ];
    let mut results = Vec::new();
    for (label, cmd, args) in cases {
        let first = call(cmd, args.clone())?;
        let mut ms = Vec::with_capacity(runs as usize);
        for _ in 0..runs {
            let t = Instant::now();
            call(cmd, args.clone())?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut s = stats(ms);
        s["case"] = json!(label);
        if let Some(total) = first.get("total") {
            s["matches"] = total.clone();
        }
        results.push(s);
    }

    // Walking pages with the keyset cursor: page 200 costs what page 1 costs.
    let mut ms = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..runs.max(200) {
        let mut q = json!({"limit": 50});
        if let Some(c) = &cursor {
            q["cursor"] = json!(c);
        }
        let t = Instant::now();
        let page = call("catalog.list_products", json!({"query": q}))?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let pages = ms.len();
    let last = *ms.last().unwrap_or(&0.0);
    let mut s = stats(ms);
    s["case"] = json!(format!("next pages by name via cursor (pages 1–{pages}); last page {:.3} ms", last));
    results.push(s);

    let t = Instant::now();
    let csv = call("catalog.export_products", json!({"format": "csv"}))?;
    let export_csv_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    call("catalog.export_products", json!({"format": "xlsx"}))?;
    let export_xlsx_secs = t.elapsed().as_secs_f64();
    // The export, checked as an import into a second company (a dry run writes every row
    // in a savepoint, then rolls it back).
    cora.call(Some(&token), None, "company.create", json!({"code": "BENCH2", "name": "Bench Two", "base_currency": "EUR"}))?;
    let two = CompanyRef::Code("BENCH2".into());
    let cats = cora.call(Some(&token), Some(&company), "catalog.export_categories", json!({"format": "csv"}))?;
    cora.call(Some(&token), Some(&two), "catalog.import_categories", json!({"csv": cats["content"], "dry_run": false}))?;
    let t = Instant::now();
    let dry = cora.call(Some(&token), Some(&two), "catalog.import_products", json!({"csv": csv["content"], "dry_run": true}))?;
    let import_dry_secs = t.elapsed().as_secs_f64();

    let r3 = |v: f64| (v * 1000.0).round() / 1000.0;
    let out = json!({
        "benchmark": "catalog at scale through the command layer (release build recommended)",
        "scale": scale,
        "products": total,
        "generate_seconds": r3(generate_secs),
        "demo_steps": demo.steps,
        "file_mb": (file_mb * 10.0).round() / 10.0,
        "queries": results,
        "export_csv_seconds": r3(export_csv_secs),
        "export_xlsx_seconds": r3(export_xlsx_secs),
        "import_into_second_company_dry_run_seconds": r3(import_dry_secs),
        "import_into_second_company_dry_run_errors": dry["errors"].as_array().map(|a| a.len()),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(0)
}
