//! `cora bench-ledger`: the ledger at scale, on a fresh file (in a temporary directory
//! unless `--keep` names one). A company with 300 postable accounts gets `lines` journal
//! lines in 3-line entries over two full fiscal years, posted in batches
//! (`entry.post_batch`: one transaction and one posting engine per batch, every check
//! kept); then the financial reports are timed through the command layer, by name, as
//! the UI calls them.

use super::Fail;
use cora_core::{CompanyRef, Cora, Registry};
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(lines: u64, batch: u32, runs: u32, keep: Option<std::path::PathBuf>, cache_mib: Option<u32>) -> Result<u8, Fail> {
    on_file("bench-ledger", keep, |path| measure(path, lines, batch, runs, cache_mib))
}

/// Runs `measure` on `keep` (which must not exist yet) or on a file in a temporary
/// directory named after the benchmark, removed afterwards (shared by the benchmarks).
pub(crate) fn on_file(name: &str, keep: Option<std::path::PathBuf>, measure: impl FnOnce(&std::path::Path) -> Result<u8, Fail>) -> Result<u8, Fail> {
    match keep {
        Some(path) => {
            if path.exists() {
                return Err(Fail::Usage(format!("{} exists; --keep needs a new file", path.display())));
            }
            measure(&path)
        }
        None => {
            let dir = std::env::temp_dir().join(format!("cora-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| Fail::Usage(e.to_string()))?;
            let result = measure(&dir.join("bench.db"));
            let _ = std::fs::remove_dir_all(&dir);
            result
        }
    }
}

/// The benchmark's administrator, signed in, and its company `BENCH` (EUR): the session
/// token and the company (shared by the benchmarks).
pub(crate) fn bench_company(cora: &mut Cora) -> Result<(String, CompanyRef), Fail> {
    let pw = "bench-password-123";
    cora.bootstrap_admin("bench@example.com", "Bench", pw)?;
    let login = cora.call(None, None, "auth.login", json!({"email": "bench@example.com", "password": pw}))?;
    let token = login["token"].as_str().unwrap_or_default().to_string();
    cora.call(Some(&token), None, "company.create", json!({"code": "BENCH", "name": "Bench Ltd", "base_currency": "EUR"}))?;
    let company = CompanyRef::Code("BENCH".into());
    // CORA_BENCH_SINK: a folder or a PostgreSQL connection string that receives every
    // change of the benchmark from the start (the sync tests run each module's benchmark
    // small this way; the figures then include the capture).
    if let Ok(target) = std::env::var("CORA_BENCH_SINK") {
        let kind = if target.starts_with("postgres") || target.contains("dbname=") { "postgres" } else { "files" };
        cora.call(Some(&token), Some(&company), "sync.add_sink", json!({"name": "bench", "kind": kind, "target": target}))?;
        // The (empty) snapshot now, so everything the benchmark writes goes as changes.
        cora.sync_run(Some(&company), &crate::sync::connect, &cora_core::sync::RunOptions::default())?;
    }
    Ok((token, company))
}

/// Milliseconds: median, 95th percentile, max (shared by the other benchmarks).
pub(crate) fn stats(mut ms: Vec<f64>) -> Value {
    if ms.is_empty() {
        return json!({"runs": 0});
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    let r = |v: f64| (v * 1000.0).round() / 1000.0;
    json!({"median_ms": r(at(0.5)), "p95_ms": r(at(0.95)), "max_ms": r(at(1.0)), "runs": ms.len()})
}

/// A small deterministic generator (xorshift64*): the same file every run.
pub(crate) struct Rng(pub u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub(crate) fn file_bytes(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) + std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0)
}

fn measure(path: &std::path::Path, lines: u64, batch: u32, runs: u32, cache_mib: Option<u32>) -> Result<u8, Fail> {
    let runs = runs.max(1);
    let batch = u64::from(batch.clamp(1, 50_000));
    let mut cora = Cora::open(path)?;
    // SQLite's page cache (default 2 MiB): larger, a batch's index pages stay in memory
    // instead of spilling to the WAL mid-transaction.
    if let Some(mib) = cache_mib {
        cora.store().conn().pragma_update(None, "cache_size", -(i64::from(mib) * 1024)).map_err(cora_core::Error::from)?;
    }
    let (token, company) = bench_company(&mut cora)?;
    let mut call = |cmd: &str, args: Value| cora.call(Some(&token), Some(&company), cmd, args);

    // 300 postable accounts: the template's, and enough expense and income accounts to
    // make up the difference, imported as a chart file.
    let postable = call("account.list", json!({"postable_only": true}))?.as_array().map(|a| a.len()).unwrap_or(0);
    let mut csv = String::from("code,name,type,subtype,parent,group\r\n");
    for i in 0..300usize.saturating_sub(postable) {
        let (ty, parent) = if i % 3 == 0 { ("income", "4") } else { ("expense", "6") };
        csv.push_str(&format!("{}{:04},Bench account {i},{ty},{ty},{parent},false\r\n", if ty == "income" { "48" } else { "68" }, i));
    }
    let r = call("account.import", json!({"csv": csv, "dry_run": false}))?;
    if r["committed"] != json!(true) {
        return Err(Fail::Usage(format!("the bench chart was refused: {}", r["errors"])));
    }
    let accounts = call("account.list", json!({"postable_only": true}))?;
    let all: Vec<&Value> = accounts.as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let postable_count = all.len();
    // Lines go to accounts a manual entry may use (no control accounts).
    let usable: Vec<i64> = all
        .iter()
        .filter(|a| !matches!(a["subtype"].as_str(), Some("receivable" | "payable" | "inventory" | "tax_collected" | "tax_paid")) && a["currency"].is_null())
        .filter_map(|a| a["id"].as_i64())
        .collect();
    let journals = call("journal.list", json!({}))?;
    let journal_ids: Vec<i64> = journals
        .as_array()
        .into_iter()
        .flatten()
        .filter(|j| matches!(j["code"].as_str(), Some("GEN" | "SAL" | "PUR")))
        .filter_map(|j| j["id"].as_i64())
        .collect();

    // Two full years before this one.
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let start = chrono::NaiveDate::from_ymd_opt(this_year - 2, 1, 1).ok_or_else(|| Fail::Usage("date".into()))?;
    let days = 730u64;
    let entries = lines.div_ceil(3).max(1);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut posted = 0u64;
    let mut posted_lines = 0u64;
    let mut batch_ms = Vec::new();
    let mut call_secs = 0.0_f64;
    let t0 = Instant::now();
    while posted < entries {
        let n = batch.min(entries - posted);
        let mut drafts = Vec::with_capacity(n as usize);
        for k in 0..n {
            let i = posted + k;
            let date = start + chrono::Days::new(i * days / entries);
            let a = usable[rng.below(usable.len() as u64) as usize];
            let mut b = usable[rng.below(usable.len() as u64) as usize];
            if b == a {
                b = usable[(usable.iter().position(|x| *x == a).unwrap_or(0) + 1) % usable.len()];
            }
            let c = usable[rng.below(usable.len() as u64) as usize];
            let x = 100 + rng.below(500_000);
            let y = 100 + rng.below(200_000);
            let cents = |v: u64| format!("{}.{:02}", v / 100, v % 100);
            drafts.push(json!({
                "journal_id": journal_ids[(i % journal_ids.len() as u64) as usize],
                "date": date,
                "reference": format!("B{i}"),
                "lines": [
                    {"account_id": a, "debit": cents(x + y), "description": "bench"},
                    {"account_id": b, "credit": cents(x)},
                    {"account_id": c, "credit": cents(y)},
                ],
            }));
        }
        // The drafts move into the arguments (`json!` would copy them through serde) before the clock
        // starts: what is timed is the command, from its JSON arguments to its answer.
        let mut args = serde_json::Map::new();
        args.insert("entries".into(), Value::Array(drafts));
        let args = Value::Object(args);
        let t = Instant::now();
        let r = call("entry.post_batch", args)?;
        let took = t.elapsed().as_secs_f64();
        call_secs += took;
        batch_ms.push(took * 1000.0);
        posted += r["posted"].as_u64().unwrap_or(0);
        posted_lines += r["lines"].as_u64().unwrap_or(0);
    }
    let post_secs = t0.elapsed().as_secs_f64();
    drop(call);
    cora.store().conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(cora_core::Error::from)?;
    let bytes = file_bytes(path);
    let mut call = |cmd: &str, args: Value| cora.call(Some(&token), Some(&company), cmd, args);

    // The reports of the second (full) year, and one page of one account's ledger from the
    // middle of the range.
    let year = this_year - 1;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mid = format!("{}-12-31", this_year - 2);
    let busiest = usable[usable.len() / 2];
    let registry = Registry::new();
    let cases: Vec<(&str, &str, Value, f64)> = vec![
        ("trial balance, full year", "report.trial_balance", json!({"from": from, "to": to}), 5.0),
        ("profit and loss, full year", "report.profit_and_loss", json!({"from": from, "to": to}), 5.0),
        ("balance sheet at year end", "report.balance_sheet", json!({"date": to}), 5.0),
        ("general ledger: one page (50 lines) of one account from the middle", "report.general_ledger", json!({"account_id": busiest, "from": mid, "to": to, "limit": 50}), 10.0),
        ("chart of accounts with balances", "account.list", json!({}), f64::NAN),
    ];
    let mut results = Vec::new();
    for (label, cmd, args, target) in cases {
        if !registry.commands().any(|c| c.name == cmd) {
            eprintln!("skipped: {cmd} not available");
            results.push(json!({"case": label, "command": cmd, "skipped": format!("{cmd} not available")}));
            continue;
        }
        call(cmd, args.clone())?;
        let mut ms = Vec::with_capacity(runs as usize);
        for _ in 0..runs {
            let t = Instant::now();
            call(cmd, args.clone())?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut s = stats(ms);
        s["case"] = json!(label);
        s["command"] = json!(cmd);
        if target.is_finite() {
            s["target_ms"] = json!(target);
            s["meets_target"] = json!(s["median_ms"].as_f64().unwrap_or(f64::MAX) < target);
        }
        results.push(s);
    }
    let t = Instant::now();
    let check = call("ledger.check", json!({}))?;
    let check_secs = t.elapsed().as_secs_f64();

    let r1 = |v: f64| (v * 10.0).round() / 10.0;
    let eps = posted as f64 / call_secs;
    let out = json!({
        "benchmark": "ledger at scale through the command layer (release build recommended)",
        "postable_accounts": postable_count,
        "accounts_used_by_lines": usable.len(),
        "entries": posted,
        "lines": posted_lines,
        "batch_entries": batch,
        "sqlite_cache_mib": cache_mib.map(|m| json!(m)).unwrap_or(json!("default (2)")),
        "posting": {
            "seconds": r1(call_secs * 10.0) / 10.0,
            "seconds_with_generating_the_drafts": r1(post_secs * 10.0) / 10.0,
            "entries_per_second": eps.round(),
            "lines_per_second": (posted_lines as f64 / call_secs).round(),
            "target_entries_per_second": 20_000,
            "meets_target": eps > 20_000.0,
            "batch": stats(batch_ms),
        },
        "file_mb": r1(bytes as f64 / 1_048_576.0),
        "file_mb_per_million_lines": r1(bytes as f64 / 1_048_576.0 / (posted_lines.max(1) as f64 / 1e6)),
        "reports": results,
        "ledger_check": {"ok": check["ok"], "seconds": (check_secs * 1000.0).round() / 1000.0},
    });
    super::out(&format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default()))?;
    Ok(0)
}
