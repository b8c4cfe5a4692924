//! The PostgreSQL sink against a real server (`scripts/pg-test-server.sh start`, which
//! `scripts/test.sh` runs): every write of a company with writes in every module arrives
//! with the same content as SQLite, row by row; two companies share a schema and never
//! each other's rows; a server stopped mid-run leaves data and cursor agreeing and the
//! next run resumes; a batch applied twice changes nothing; a restored older backup is
//! detected and a resync loads generation 2.
//!
//! `CORA_TEST_PG` names the server. Without it these tests fail, unless `CORA_SKIP_PG=1`
//! says on purpose that no server is at hand.

use cora_core::sync::capture;
use cora_core::sync::export::{self, Connect};
use cora_core::sync::sinks::SinkRow;
use cora_core::sync::{Batch, Meta, Position, RunOptions, RunReport, SinkTarget, SyncError};
use cora_core::testing::TestApp;
use cora_core::{CompanyRef, Cora};
use cora_sync_pg::{PgSink, schema_name};
use postgres::{Client, NoTls};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::sync::Mutex;

use cora_core::testing::sync::{Rows, assert_same, company_rows};

/// One test at a time: one of them stops the server.
static SERVER: Mutex<()> = Mutex::new(());

fn server() -> Option<(String, std::sync::MutexGuard<'static, ()>)> {
    let guard = SERVER.lock().unwrap_or_else(|p| p.into_inner());
    match std::env::var("CORA_TEST_PG") {
        Ok(url) if !url.is_empty() => Some((url, guard)),
        _ if std::env::var("CORA_SKIP_PG").as_deref() == Ok("1") => {
            eprintln!("CORA_SKIP_PG=1: skipped, no PostgreSQL server");
            None
        }
        _ => panic!("CORA_TEST_PG is not set: start a server with `eval $(scripts/pg-test-server.sh start)`, or set CORA_SKIP_PG=1 to skip on purpose"),
    }
}

fn script(action: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/pg-test-server.sh");
    let st = std::process::Command::new("bash").arg(path).arg(action).status().expect("run pg-test-server.sh");
    assert!(st.success(), "pg-test-server.sh {action} failed");
}

fn key(pk: &[String], row: &Value) -> String {
    let m: serde_json::Map<String, Value> = pk.iter().map(|c| (c.clone(), row[c].clone())).collect();
    Value::Object(m).to_string()
}

/// The same company as PostgreSQL holds it, read back as JSON without `_src_seq`.
fn pg_rows(pg: &mut Client, db: &Connection, tenant: i64) -> Rows {
    let schema = schema_name(&export::source_id(db).unwrap());
    let mut out = Rows::new();
    for t in capture::tables(db).unwrap() {
        let sql = format!("SELECT (to_jsonb(t) - '_src_seq')::text FROM \"{schema}\".\"{}\" AS t WHERE t.\"{}\" = $1", t.name, t.tenant_column);
        for r in pg.query(&sql, &[&tenant]).unwrap() {
            let row: Value = serde_json::from_str(&r.get::<_, String>(0)).unwrap();
            out.entry(t.name.clone()).or_default().insert(key(&t.pk, &row), row);
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

fn same(app: &TestApp, pg: &mut Client, tenant: i64) -> Rows {
    let db = app.cora.store().conn();
    let got = pg_rows(pg, db, tenant);
    assert_same(&got, &company_rows(db, tenant));
    got
}

fn run_with(cora: &mut Cora, company: &str, connect: &Connect<'_>, batch_size: usize) -> Vec<RunReport> {
    cora.sync_run(Some(&CompanyRef::Code(company.into())), connect, &RunOptions { batch_size, snapshot_chunk: 50, ..RunOptions::default() }).unwrap()
}

fn run(cora: &mut Cora, company: &str) -> RunReport {
    let r = run_with(cora, company, &cora_sync_pg::connect, 40).remove(0);
    assert_eq!(r.error, None, "{r:?}");
    r
}

fn add_sink(app: &mut TestApp, company: &str, url: &str) -> Value {
    app.admin_in(company, "sync.add_sink", json!({"name": "Warehouse", "kind": "postgres", "target": url})).unwrap()
}

fn partner(app: &mut TestApp, co: &str, name: &str) -> Value {
    app.admin_in(co, "partner.create", json!({"name": name, "is_customer": true, "addresses": [{"country_code": "IE"}], "contacts": [{"name": "Ann"}, {"name": "Bob"}]}))
        .unwrap()
}

fn cursor(pg: &mut Client, db: &Connection, tenant: i64) -> Option<(i64, i64)> {
    let schema = schema_name(&export::source_id(db).unwrap());
    pg.query_opt(&format!("SELECT generation, last_seq FROM \"{schema}\"._cora_sync WHERE tenant_id = $1"), &[&tenant]).unwrap().map(|r| (r.get(0), r.get(1)))
}

/// A sales flow: a warehouse, stock received, a customer order confirmed, delivered,
/// invoiced and posted.
fn sale(app: &mut TestApp, co: &str) {
    let stockable: Vec<i64> = app
        .cora
        .store()
        .conn()
        .prepare(
            "SELECT p.id FROM products p JOIN companies c ON c.id = p.tenant_id WHERE c.code = ?1 AND p.kind = 'stockable' AND NOT p.is_template
               AND NOT p.archived AND p.tracking = 'none' AND NOT EXISTS (SELECT 1 FROM product_components k WHERE k.tenant_id = p.tenant_id AND k.kit_id = p.id)
             ORDER BY p.id LIMIT 2",
        )
        .unwrap()
        .query_map([co], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stockable.len(), 2, "the demo makes stockable products");
    let taxes = app.admin_in(co, "tax.list", json!({})).unwrap();
    let s20 = taxes.as_array().unwrap().iter().find(|t| t["code"] == "S20").map(|t| t["id"].clone()).unwrap();
    let today = chrono_today();
    let wh = app.admin_in(co, "warehouse.create", json!({"code": "SW", "name": "Sync warehouse"})).unwrap()["id"].clone();
    let lines: Vec<Value> = stockable.iter().map(|p| json!({"product_id": p, "quantity": "50", "unit_cost": "3"})).collect();
    let r = app.admin_in(co, "picking.create", json!({"kind": "receipt", "warehouse_id": wh, "date": today, "lines": lines})).unwrap();
    app.admin_in(co, "picking.done", json!({"id": r["id"]})).unwrap();
    let customer = app.admin_in(co, "partner.create", json!({"name": "Sync customer", "is_customer": true, "currency": "EUR"})).unwrap()["id"].clone();
    let lines: Vec<Value> = stockable.iter().map(|p| json!({"product_id": p, "quantity": "3", "unit_price": "12.50", "tax_ids": [s20]})).collect();
    let o = app.admin_in(co, "sales.create_order", json!({"partner_id": customer, "date": today, "warehouse_id": wh, "lines": lines})).unwrap();
    app.admin_in(co, "sales.confirm_order", json!({"id": o["id"]})).unwrap();
    app.admin_in(co, "sales.deliver", json!({"order_id": o["id"], "date": today})).unwrap();
    let inv = app.admin_in(co, "sales.invoice_order", json!({"order_id": o["id"], "date": today})).unwrap();
    app.admin_in(co, "sales.post_invoice", json!({"id": inv["id"]})).unwrap();
}

fn chrono_today() -> String {
    // The demo's books run to today (UTC), and posting is chronological.
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn every_write_of_every_module_reaches_postgresql_row_by_row() {
    let Some((url, _server)) = server() else { return };
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let mut app = TestApp::new();
    let a = app.company("A");
    // Rows from before the sink arrive by the snapshot: catalog, partners, the books,
    // stock (the demo writes through every module's commands).
    let token = app.admin.clone();
    cora_core::demo::run(&mut app.cora, &token, &CompanyRef::Code("A".into()), 30, 7).unwrap();
    let early = partner(&mut app, "A", "Early");
    add_sink(&mut app, "A", &url);
    let first = run(&mut app.cora, "A");
    assert!(first.snapshot_rows > 100, "{first:?}");
    let got = same(&app, &mut pg, a);
    for t in ["products", "partners", "journal_lines", "stock_moves", "accounts", "companies"] {
        assert!(got.contains_key(t), "{t} reached PostgreSQL");
    }
    assert_eq!(cursor(&mut pg, app.cora.store().conn(), a), Some((1, first.acked_seq)));

    // Streaming: inserts, updates, deletes in several modules.
    for i in 0..4 {
        partner(&mut app, "A", &format!("P{i}"));
    }
    let keep_addr = early["addresses"][0]["id"].clone();
    app.admin_in("A", "partner.update", json!({"id": early["id"], "changes": {"name": "Early Ltd", "addresses": [{"id": keep_addr, "country_code": "IE", "line1": "New"}], "contacts": [{"name": "Cy"}]}}))
        .unwrap();
    let gone = partner(&mut app, "A", "Gone");
    app.admin_in("A", "partner.delete", json!({"id": gone["id"]})).unwrap();
    sale(&mut app, "A");
    let second = run(&mut app.cora, "A");
    assert!(second.batches >= 3 && second.snapshot_rows == 0, "{second:?}");
    let got = same(&app, &mut pg, a);
    assert!(!got["partners"].values().any(|p| p["name"] == "Gone"), "a delete is applied");
    assert!(got["partner_contacts"].values().any(|c| c["name"] == "Cy"));
    for t in ["trade_orders", "trade_invoices", "trade_invoice_lines", "pickings", "journal_entries"] {
        assert!(got.contains_key(t), "{t} streamed to PostgreSQL");
    }
    // Every row carries the change that wrote it, none beyond the cursor.
    let schema = schema_name(&export::source_id(app.cora.store().conn()).unwrap());
    let max: i64 = pg.query_one(&format!("SELECT max(_src_seq) FROM \"{schema}\".partners"), &[]).unwrap().get(0);
    assert!(max <= second.acked_seq && max > first.acked_seq);
    assert_eq!(cursor(&mut pg, app.cora.store().conn(), a), Some((1, second.acked_seq)));

    // A schema change reaches PostgreSQL before newer rows: a column PostgreSQL lacks
    // (dropped behind Cora's back here, while the table holds no row) is added again
    // before the batch that writes it.
    let empty: i64 = pg.query_one(&format!("SELECT count(*) FROM \"{schema}\".work_centres"), &[]).unwrap().get(0);
    assert_eq!(empty, 0);
    pg.batch_execute(&format!("ALTER TABLE \"{schema}\".work_centres DROP COLUMN cost_per_hour")).unwrap();
    app.admin_in("A", "work_centre.create", json!({"code": "ASM", "name": "Assembly", "cost_per_hour": "30"})).unwrap();
    run(&mut app.cora, "A");
    let got = same(&app, &mut pg, a);
    assert_eq!(got["work_centres"].len(), 1);

    // The status the file keeps: current, no error.
    let s = &app.admin_in("A", "sync.list_sinks", json!({})).unwrap()[0];
    assert_eq!(s["state"], "streaming");
    assert_eq!(s["lag_changes"], 0);
    assert_eq!(s["last_error"], Value::Null);
}

#[test]
fn two_companies_share_the_schema_and_never_each_others_rows() {
    let Some((url, _server)) = server() else { return };
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let mut app = TestApp::new();
    let a = app.company("A");
    let b = app.company("B");
    partner(&mut app, "A", "A early");
    partner(&mut app, "B", "B early");
    add_sink(&mut app, "A", &url);
    run(&mut app.cora, "A");
    let schema = schema_name(&export::source_id(app.cora.store().conn()).unwrap());
    let count = |pg: &mut Client, tenant: i64| -> i64 {
        pg.query_one(&format!("SELECT count(*) FROM \"{schema}\".partners WHERE tenant_id = $1"), &[&tenant]).unwrap().get(0)
    };
    assert_eq!(count(&mut pg, a), 1);
    assert_eq!(count(&mut pg, b), 0, "B has no sink: none of its rows");

    add_sink(&mut app, "B", &url);
    for i in 0..3 {
        partner(&mut app, "A", &format!("A{i}"));
        partner(&mut app, "B", &format!("B{i}"));
    }
    // A's run carries only A's changes.
    let ra = run(&mut app.cora, "A");
    assert_eq!(count(&mut pg, a), 4);
    assert_eq!(count(&mut pg, b), 0, "A's sink never writes B's rows");
    let rb = run(&mut app.cora, "B");
    assert!(rb.snapshot_rows > 0);
    same(&app, &mut pg, a);
    same(&app, &mut pg, b);
    // Each company its own cursor, and B's snapshot left A's rows alone.
    let db = app.cora.store().conn();
    assert_eq!(cursor(&mut pg, db, a), Some((1, ra.acked_seq)));
    assert_eq!(cursor(&mut pg, db, b), Some((1, rb.acked_seq)));
    let companies: i64 = pg.query_one(&format!("SELECT count(*) FROM \"{schema}\".companies"), &[]).unwrap().get(0);
    assert_eq!(companies, 2);
    // Every row of every table belongs to one of the two, and each to its own.
    for t in capture::tables(db).unwrap() {
        let n: i64 = pg
            .query_one(&format!("SELECT count(*) FROM \"{schema}\".\"{}\" WHERE \"{}\" NOT IN ($1, $2)", t.name, t.tenant_column), &[&a, &b])
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{}", t.name);
    }

    // A resync of B reloads B only.
    let sinks = app.admin_in("B", "sync.list_sinks", json!({})).unwrap();
    app.admin_in("B", "sync.resync_sink", json!({"id": sinks[0]["id"]})).unwrap();
    partner(&mut app, "A", "A late");
    run(&mut app.cora, "B");
    assert_eq!(count(&mut pg, a), 4, "A's rows untouched by B's reload, A's newest not yet sent");
    assert_eq!(cursor(&mut pg, app.cora.store().conn(), b).map(|c| c.0), Some(2));
    run(&mut app.cora, "A");
    same(&app, &mut pg, a);
    same(&app, &mut pg, b);
}

/// The real sink, with the real server stopped just before its `stop_at`-th batch.
struct StopsServer {
    inner: Box<dyn SinkTarget>,
    applied: usize,
    stop_at: usize,
}

impl SinkTarget for StopsServer {
    fn position(&mut self, meta: &Meta<'_>) -> Result<Option<Position>, SyncError> {
        self.inner.position(meta)
    }
    fn begin_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        self.inner.begin_snapshot(meta, seq)
    }
    fn snapshot_rows(&mut self, table: &capture::TableInfo, rows: &[(String, String)]) -> Result<(), SyncError> {
        self.inner.snapshot_rows(table, rows)
    }
    fn finish_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        self.inner.finish_snapshot(meta, seq)
    }
    fn apply(&mut self, meta: &Meta<'_>, batch: &Batch) -> Result<(), SyncError> {
        self.applied += 1;
        if self.applied == self.stop_at {
            script("halt");
        }
        self.inner.apply(meta, batch)
    }
}

#[test]
fn a_server_stopped_mid_run_leaves_data_and_cursor_agreeing_and_the_next_run_resumes() {
    let Some((url, _server)) = server() else { return };
    let mut app = TestApp::new();
    let a = app.company("A");
    add_sink(&mut app, "A", &url);
    partner(&mut app, "A", "First");
    run(&mut app.cora, "A");
    for i in 0..12 {
        partner(&mut app, "A", &format!("P{i}"));
    }
    let connect = |row: &SinkRow| -> Result<Box<dyn SinkTarget>, SyncError> { Ok(Box::new(StopsServer { inner: cora_sync_pg::connect(row)?, applied: 0, stop_at: 3 })) };
    let report = run_with(&mut app.cora, "A", &connect, 10).remove(0);
    script("resume");
    let err = report.error.clone().expect("the run reports the outage");
    assert!(err.contains("PostgreSQL") || err.contains("connect"), "{err}");
    assert_eq!(report.batches, 2, "two batches went in before the server stopped: {report:?}");
    let s = &app.admin_in("A", "sync.list_sinks", json!({})).unwrap()[0];
    assert_eq!(s["failures"], 1);
    assert!(s["last_error"].as_str().is_some_and(|e| e == err), "{s}");
    assert!(s["lag_changes"].as_i64().unwrap() > 0);

    // Nothing half-applied: the cursor stands where the file's acknowledgement does, and
    // no row was written by a change beyond it.
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let db = app.cora.store().conn();
    let (_, last) = cursor(&mut pg, db, a).unwrap();
    assert_eq!(last, report.acked_seq);
    let schema = schema_name(&export::source_id(db).unwrap());
    for t in capture::tables(db).unwrap() {
        let beyond: i64 = pg.query_one(&format!("SELECT count(*) FROM \"{schema}\".\"{}\" WHERE _src_seq > $1", t.name), &[&last]).unwrap().get(0);
        assert_eq!(beyond, 0, "{}", t.name);
    }

    // Back up: the next run resumes where it stopped.
    let next = run(&mut app.cora, "A");
    assert!(next.changes > 0);
    same(&app, &mut pg, a);
    let s = &app.admin_in("A", "sync.list_sinks", json!({})).unwrap()[0];
    assert_eq!(s["failures"], 0);
    assert_eq!(s["last_error"], Value::Null);
}

#[test]
fn a_batch_applied_twice_changes_nothing_and_nothing_goes_backwards() {
    let Some((url, _server)) = server() else { return };
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let mut app = TestApp::new();
    let a = app.company("A");
    add_sink(&mut app, "A", &url);
    run(&mut app.cora, "A");
    let p = partner(&mut app, "A", "Original");
    app.admin_in("A", "partner.update", json!({"id": p["id"], "changes": {"name": "Renamed"}})).unwrap();
    let gone = partner(&mut app, "A", "Gone");
    app.admin_in("A", "partner.delete", json!({"id": gone["id"]})).unwrap();
    // The change rows before the run prunes them: the batch to apply again later.
    let before = app.dir.path().join("before.db");
    app.cora.store().backup_to(&before).unwrap();
    run(&mut app.cora, "A");
    let want = same(&app, &mut pg, a);
    let db = app.cora.store().conn();
    let at = cursor(&mut pg, db, a).unwrap();

    // The older batch, from the copy, straight into the sink.
    let old = Connection::open(&before).unwrap();
    let batch = export::read_batch(&old, cora_core::ids::TenantId(a), 0, 1_000, None).unwrap();
    assert!(!batch.changes.is_empty());
    let tables = capture::tables(db).unwrap();
    let source = export::source_id(db).unwrap();
    let meta = Meta { source_id: &source, tenant_id: cora_core::ids::TenantId(a), company_code: "A", generation: 1, schema_version: batch.changes[0].schema_version, tables: &tables };
    let mut sink = PgSink::connect(&url).unwrap();
    sink.apply(&meta, &batch).unwrap();
    assert_same(&pg_rows(&mut pg, db, a), &want);
    assert_eq!(cursor(&mut pg, db, a), Some(at), "the cursor never goes backwards");

    // With the cursor moved back behind the sink's back, the rows themselves still
    // refuse older images: an upsert never replaces a newer row.
    let schema = schema_name(&source);
    let digest: String = pg.query_one(&format!("SELECT last_digest FROM \"{schema}\"._cora_sync WHERE tenant_id = $1"), &[&a]).unwrap().get(0);
    pg.execute(&format!("UPDATE \"{schema}\"._cora_sync SET last_seq = 0 WHERE tenant_id = $1"), &[&a]).unwrap();
    // (The partner's own changes: a deleted row keeps no tombstone, so an insert replayed
    // after its delete would come back; the cursor is what rules that out.)
    let pk = json!({"id": p["id"]}).to_string();
    let updates = Batch { changes: batch.changes.iter().filter(|c| c.table == "partners" && serde_json::from_str::<Value>(&c.pk).unwrap().to_string() == pk).cloned().collect() };
    assert_eq!(updates.changes.len(), 2, "the insert and the rename");
    sink.apply(&meta, &updates).unwrap();
    let got = pg_rows(&mut pg, db, a);
    assert_eq!(got["partners"], want["partners"], "the renamed partner stays renamed");
    assert!(got["partners"].values().any(|p| p["name"] == "Renamed"));

    // Applied whole twice through the exporter (the file as before the run): nothing
    // is sent again.
    pg.execute(&format!("UPDATE \"{schema}\"._cora_sync SET last_seq = $2, last_digest = $3 WHERE tenant_id = $1"), &[&a, &at.1, &digest]).unwrap();
    let path = app.path();
    drop(app.cora);
    drop(old);
    cora_core::store::restore(&before, &path).unwrap();
    let mut cora = Cora::open(&path).unwrap();
    let r = run_with(&mut cora, "A", &cora_sync_pg::connect, 40).remove(0);
    assert_eq!(r.error, None, "{r:?}");
    assert_eq!(r.changes, 0, "nothing sent twice: {r:?}");
    assert_eq!(r.acked_seq, at.1);
    assert_same(&pg_rows(&mut pg, cora.store().conn(), a), &want);
}

#[test]
fn a_restored_older_backup_is_detected_and_a_resync_loads_generation_two() {
    let Some((url, _server)) = server() else { return };
    let mut pg = Client::connect(&url, NoTls).unwrap();
    let mut app = TestApp::new();
    let a = app.company("A");
    let sink = add_sink(&mut app, "A", &url);
    partner(&mut app, "A", "One");
    run(&mut app.cora, "A");
    let backup = app.dir.path().join("older.db");
    app.cora.store().backup_to(&backup).unwrap();
    partner(&mut app, "A", "Two");
    run(&mut app.cora, "A");
    let before = pg_rows(&mut pg, app.cora.store().conn(), a);

    let path = app.path();
    drop(app.cora);
    cora_core::store::restore(&backup, &path).unwrap();
    let mut cora = Cora::open(&path).unwrap();
    let token = cora_core::testing::login(&mut cora, cora_core::testing::ADMIN_EMAIL, cora_core::testing::PASSWORD).unwrap();
    let co = CompanyRef::Code("A".into());
    for n in ["Three", "Four", "Five"] {
        cora.call(Some(&token), Some(&co), "partner.create", json!({"name": n})).unwrap();
    }
    let r = run_with(&mut cora, "A", &cora_sync_pg::connect, 40).remove(0);
    assert!(r.diverged, "{r:?}");
    assert!(r.error.as_deref().unwrap().contains("older backup"));
    assert_same(&pg_rows(&mut pg, cora.store().conn(), a), &before);
    assert!(run_with(&mut cora, "A", &cora_sync_pg::connect, 40)[0].diverged, "stays stopped");

    cora.call(Some(&token), Some(&co), "sync.resync_sink", json!({"id": sink["id"]})).unwrap();
    let r = run_with(&mut cora, "A", &cora_sync_pg::connect, 40).remove(0);
    assert_eq!(r.error, None, "{r:?}");
    let db = cora.store().conn();
    assert_eq!(cursor(&mut pg, db, a).map(|c| c.0), Some(2));
    let got = pg_rows(&mut pg, db, a);
    assert_same(&got, &company_rows(db, a));
    assert!(!got["partners"].values().any(|p| p["name"] == "Two"), "the restored file's truth");
}
