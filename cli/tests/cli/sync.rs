//! The exporter as a process: `cora sync run` killed with SIGKILL at random points, 50
//! times, while the company keeps changing, then run to the end: the folder holds every
//! change once, in order, and rebuilds to exactly what the file holds.

use super::{ADMIN, Env};
use cora_core::testing::sync::{assert_same, company_rows, rebuild};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A small deterministic generator: the same kill points every run.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn tenant(env: &Env) -> i64 {
    let db = rusqlite::Connection::open(&env.db).unwrap();
    db.query_row("SELECT id FROM companies WHERE code = 'ACME'", [], |r| r.get(0)).unwrap()
}

#[test]
fn an_exporter_killed_fifty_times_loses_nothing_and_repeats_nothing() {
    let env = Env::new();
    let out = env.dir.path().join("lake");
    std::fs::create_dir_all(&out).unwrap();
    let args = format!(r#"{{"name":"Lake","kind":"files","target":{}}}"#, serde_json::to_string(&out).unwrap());
    env.call(&["sync.add_sink", &args, "--company", "ACME"]).ok();
    // The first (near empty) snapshot now: what follows must go as changes.
    env.run(&["sync", "run", "--company", "ACME"], None).ok();
    // Thousands of changes across the catalog and partners.
    env.run(&["demo", "--company", "ACME", "--scale", "150", "--user", ADMIN], None).ok();

    // How long a whole run takes here, so the kills land all along it.
    let mut rng = Lcg(20261203);
    let mut kills = 0;
    let mut finished = 0;
    let mut longest = Duration::from_millis(400);
    for i in 0..50 {
        {
            // More changes before every run: the exporter is chasing a moving file.
            let lines: String = (0..20)
                .map(|k| format!("{{\"command\":\"partner.create\",\"company\":\"ACME\",\"args\":{{\"name\":\"Late {i}-{k}\",\"addresses\":[{{\"country_code\":\"IE\"}}]}}}}\n"))
                .collect();
            env.run(&["batch", "--user", ADMIN], Some(&lines)).ok();
        }
        let mut child = env.cmd().args(["sync", "run", "--company", "ACME", "--batch-size", "5"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let started = Instant::now();
        let at = Duration::from_millis(rng.below(longest.as_millis() as u64));
        std::thread::sleep(at);
        match child.try_wait().unwrap() {
            Some(_) => {
                finished += 1;
                longest = longest.max(started.elapsed());
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
        }
        // Whatever state a kill left, the folder is consistent at every moment.
        if out.join("ACME").join("manifest.json").exists() {
            rebuild(&out.join("ACME"));
        }
    }
    assert!(kills >= 15, "runs were killed midway ({kills} kills, {finished} finished)");

    let last = env.run(&["sync", "run", "--company", "ACME"], None);
    last.ok();
    let db = rusqlite::Connection::open(&env.db).unwrap();
    let (rows, m) = rebuild(&out.join("ACME"));
    assert_same(&rows, &company_rows(&db, tenant(&env)));
    assert!(m.bundles.iter().filter(|b| b.kind == "changes").count() > 10);
    // No leftover temporary files, and the file kept nothing the sink has taken.
    let temps: Vec<_> = std::fs::read_dir(out.join("ACME")).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(temps.is_empty(), "{temps:?}");
    let kept: i64 = db.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 0);
}

/// Every module's writes reach a folder sink exactly: each benchmark (ledger, inventory,
/// trade, finance, production — catalogs, partners, postings, pickings, invoices,
/// payments, allocations, orders, updates and deletes) runs small with a sink on its
/// company from the start, then the folder rebuilt from its bundles equals the company
/// in the file, row by row.
#[test]
fn every_modules_writes_reach_a_folder_sink_row_by_row() {
    let runs: &[(&str, &[&str])] = &[
        ("ledger", &["bench-ledger", "--lines", "600", "--batch", "40", "--runs", "1"]),
        ("inventory", &["bench-inventory", "--products", "60", "--moves", "400", "--lines", "10", "--batch", "2", "--runs", "1"]),
        ("trade", &["bench-trade", "--products", "2000", "--invoices", "20", "--runs", "1"]),
        ("finance", &["bench-finance", "--customers", "8", "--invoices", "40", "--runs", "1"]),
        ("production", &["bench-production", "--products", "40", "--sales-lines", "30", "--batch", "2", "--runs", "1"]),
    ];
    for (name, args) in runs {
        let env = Env::empty();
        let lake = env.dir.path().join("lake");
        std::fs::create_dir_all(&lake).unwrap();
        let file = env.dir.path().join(format!("{name}.db"));
        let mut all: Vec<&str> = args.to_vec();
        let keep = file.display().to_string();
        all.extend_from_slice(&["--keep", &keep]);
        super::run(env.cmd().env("CORA_BENCH_SINK", &lake).args(&all), None).ok();

        let mut cora = cora_core::Cora::open(&file).unwrap();
        let report = cora.sync_run(None, &cora_core::sync::export::connect_files, &cora_core::sync::RunOptions { batch_size: 500, ..Default::default() }).unwrap();
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].error, None, "{name}: {report:?}");
        assert!(report[0].changes > 100 && report[0].snapshot_rows == 0, "{name}: the benchmark's writes came as changes: {report:?}");
        let tenant: i64 = cora.store().conn().query_row("SELECT id FROM companies WHERE code = 'BENCH'", [], |r| r.get(0)).unwrap();
        eprintln!("{name}: {} changes", report[0].changes);
        let (rows, _) = rebuild(&lake.join("BENCH"));
        assert_same(&rows, &company_rows(cora.store().conn(), tenant));
    }
}

/// The benchmarks that write every module, small: (name, arguments).
const MODULE_RUNS: &[(&str, &[&str])] = &[
    ("ledger", &["bench-ledger", "--lines", "600", "--batch", "40", "--runs", "1"]),
    ("inventory", &["bench-inventory", "--products", "60", "--moves", "400", "--lines", "10", "--batch", "2", "--runs", "1"]),
    ("trade", &["bench-trade", "--products", "2000", "--invoices", "20", "--runs", "1"]),
    ("finance", &["bench-finance", "--customers", "8", "--invoices", "40", "--runs", "1"]),
    ("production", &["bench-production", "--products", "40", "--sales-lines", "30", "--batch", "2", "--runs", "1"]),
];

/// The server `scripts/pg-test-server.sh` starts (`CORA_TEST_PG`); without one the test
/// fails, unless `CORA_SKIP_PG=1` says on purpose that there is none.
fn pg_server() -> Option<String> {
    match std::env::var("CORA_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CORA_SKIP_PG").as_deref() == Ok("1") => None,
        _ => panic!("CORA_TEST_PG is not set: start a server with `eval $(scripts/pg-test-server.sh start)`, or set CORA_SKIP_PG=1 to skip on purpose"),
    }
}

/// A company as PostgreSQL holds it: table → primary key → row, without `_src_seq`.
fn pg_rows(pg: &mut postgres::Client, db: &rusqlite::Connection, tenant: i64) -> cora_core::testing::sync::Rows {
    let schema = cora_sync_pg::schema_name(&cora_core::sync::export::source_id(db).unwrap());
    let mut out = cora_core::testing::sync::Rows::new();
    for t in cora_core::sync::capture::tables(db).unwrap() {
        let sql = format!("SELECT (to_jsonb(t) - '_src_seq')::text FROM \"{schema}\".\"{}\" AS t WHERE t.\"{}\" = $1", t.name, t.tenant_column);
        for r in pg.query(&sql, &[&tenant]).unwrap() {
            let row: serde_json::Value = serde_json::from_str(&r.get::<_, String>(0)).unwrap();
            let pk: serde_json::Map<String, serde_json::Value> = t.pk.iter().map(|c| (c.clone(), row[c].clone())).collect();
            out.entry(t.name.clone()).or_default().insert(serde_json::Value::Object(pk).to_string(), row);
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Every module's writes reach PostgreSQL exactly: the same benchmarks with a PostgreSQL
/// sink on their company from the start, exported, then PostgreSQL read back table by
/// table equals the company in the file, row by row.
#[test]
fn every_modules_writes_reach_postgresql_row_by_row() {
    let Some(url) = pg_server() else { return };
    let mut pg = postgres::Client::connect(&url, postgres::NoTls).expect("the test server");
    for (name, args) in MODULE_RUNS {
        let env = Env::empty();
        let file = env.dir.path().join(format!("{name}.db"));
        let keep = file.display().to_string();
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["--keep", &keep]);
        super::run(env.cmd().env("CORA_BENCH_SINK", &url).args(&all), None).ok();
        let mut cora = cora_core::Cora::open(&file).unwrap();
        let report = cora.sync_run(None, &cora_sync_pg::connect_any, &cora_core::sync::RunOptions::default()).unwrap();
        assert_eq!(report[0].error, None, "{name}: {report:?}");
        assert!(report[0].changes > 100 && report[0].snapshot_rows == 0, "{name}: the benchmark's writes came as changes: {report:?}");
        eprintln!("{name}: {} changes", report[0].changes);
        let tenant: i64 = cora.store().conn().query_row("SELECT id FROM companies WHERE code = 'BENCH'", [], |r| r.get(0)).unwrap();
        assert_same(&pg_rows(&mut pg, cora.store().conn(), tenant), &company_rows(cora.store().conn(), tenant));
    }
}
