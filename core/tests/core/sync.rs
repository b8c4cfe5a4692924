//! Change capture and the files sink: only companies with a sink write changes, a
//! folder rebuilt from its bundles equals the company in SQLite row by row, another
//! company's rows never reach it, the outbox is pruned, and a restored older backup is
//! detected instead of diverging silently.

use cora_core::sync::export::connect_files;
use cora_core::sync::{RunOptions, capture};
use cora_core::testing::TestApp;
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};

use cora_core::testing::sync::{assert_same, company_rows, rebuild};

fn change_rows(app: &TestApp, tenant: i64) -> i64 {
    app.cora.store().conn().query_row("SELECT count(*) FROM change_log WHERE tenant_id = ?1", [tenant], |r| r.get(0)).unwrap()
}

fn run(cora: &mut Cora, company: &str) -> Vec<cora_core::sync::RunReport> {
    cora.sync_run(Some(&CompanyRef::Code(company.into())), &connect_files, &RunOptions { batch_size: 7, ..RunOptions::default() }).unwrap()
}

fn partner(app: &mut TestApp, co: &str, name: &str) -> Value {
    app.admin_in(co, "partner.create", json!({"name": name, "is_customer": true, "addresses": [{"country_code": "IE"}], "contacts": [{"name": "Ann"}, {"name": "Bob"}]}))
        .unwrap()
}

#[test]
fn only_a_company_with_an_enabled_sink_writes_changes_and_every_table_is_captured() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let b = app.company("B");
    let out = tempfile::tempdir().unwrap();

    // Generated from the schema: three triggers for every table with tenant_id.
    let db = app.cora.store().conn();
    let tables = capture::tables(db).unwrap();
    let with_tenant: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_schema s WHERE s.type = 'table' AND s.name NOT IN ('change_log', 'sync_sinks')
               AND EXISTS (SELECT 1 FROM pragma_table_info(s.name) WHERE name = 'tenant_id')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables.len() as i64, with_tenant + 1, "every company-scoped table and companies");
    let triggers: i64 = db.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync_capture_%'", [], |r| r.get(0)).unwrap();
    assert_eq!(triggers, 3 * tables.len() as i64);

    partner(&mut app, "A", "Before");
    assert_eq!(change_rows(&app, a), 0, "no sink, no change rows");

    let sink = app.admin_in("A", "sync.add_sink", json!({"name": "Lake", "kind": "files", "target": out.path()})).unwrap();
    partner(&mut app, "A", "After");
    partner(&mut app, "B", "Elsewhere");
    assert!(change_rows(&app, a) >= 5, "the partner, its address and contacts, the audit row");
    assert_eq!(change_rows(&app, b), 0, "B has no sink");

    // Switched off: nothing more is kept for it.
    app.admin_in("A", "sync.update_sink", json!({"id": sink["id"], "enabled": false})).unwrap();
    assert_eq!(change_rows(&app, a), 0, "a disabled sink keeps nothing");
    partner(&mut app, "A", "While off");
    assert_eq!(change_rows(&app, a), 0);
    let listed = app.admin_in("A", "sync.list_sinks", json!({})).unwrap();
    assert_eq!(listed[0]["enabled"], false);

    // Bad targets are refused with the field named; nothing is written.
    let rel = app.admin_in("A", "sync.add_sink", json!({"name": "X", "kind": "files", "target": "relative/dir"}));
    assert_eq!(rel.unwrap_err().fields()[0].field, "target");
    let pg = app.admin_in("A", "sync.add_sink", json!({"name": "X", "kind": "postgres", "target": "not a connection"}));
    assert_eq!(pg.unwrap_err().fields()[0].field, "target");
    let dup = app.admin_in("A", "sync.add_sink", json!({"name": "lake", "kind": "files", "target": out.path()}));
    assert_eq!(dup.unwrap_err().code(), cora_core::ErrorCode::Conflict);
    // A password never leaves the file.
    let pw = app.admin_in("A", "sync.add_sink", json!({"name": "PG", "kind": "postgres", "target": "postgresql://cora:s3cret@localhost/lake"})).unwrap();
    assert_eq!(pw["target"], "postgresql://cora:***@localhost/lake");
    // A viewer of the company may not see or add sinks.
    let viewer = app.member("v@example.com", "A", "viewer");
    let r = app.call(&viewer, Some("A"), "sync.list_sinks", json!({}));
    assert_eq!(r.unwrap_err().code(), cora_core::ErrorCode::Forbidden);
}

#[test]
fn a_folder_rebuilt_from_its_bundles_equals_the_company_and_never_holds_another() {
    let mut app = TestApp::new();
    let a = app.company("A");
    app.company("B");
    let out = tempfile::tempdir().unwrap();
    // Rows from before the sink reach it by the snapshot.
    let early = partner(&mut app, "A", "Early");
    partner(&mut app, "B", "Not ours");
    app.admin_in("A", "sync.add_sink", json!({"name": "Lake", "kind": "files", "target": out.path()})).unwrap();

    let first = run(&mut app.cora, "A");
    assert_eq!(first[0].error, None);
    assert!(first[0].snapshot_rows > 0);
    let dir = out.path().join("A");
    let (rows, m) = rebuild(&dir);
    assert_same(&rows, &company_rows(app.cora.store().conn(), a));
    assert_eq!(m.generation, 1);

    // Inserts, updates, deletes (a contact dropped by an update, a partner deleted) in A,
    // and writes in B at the same time.
    for i in 0..6 {
        partner(&mut app, "A", &format!("P{i}"));
        partner(&mut app, "B", &format!("Q{i}"));
    }
    let keep_addr = early["addresses"][0]["id"].clone();
    app.admin_in("A", "partner.update", json!({"id": early["id"], "changes": {"name": "Early Ltd", "addresses": [{"id": keep_addr, "country_code": "IE", "line1": "New"}], "contacts": [{"name": "Cy"}]}}))
        .unwrap();
    let gone = partner(&mut app, "A", "Gone");
    app.admin_in("A", "partner.delete", json!({"id": gone["id"]})).unwrap();
    app.admin_in("A", "partner.set_archived", json!({"id": early["id"], "archived": true})).unwrap();
    // A BLOB (the company's logo) travels as hex, like the snapshot's.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    app.admin_in("A", "company.set_logo", json!({"data_base64": png})).unwrap();

    let second = run(&mut app.cora, "A");
    assert_eq!(second[0].error, None);
    assert!(second[0].batches > 3, "small batches: {:?}", second[0]);
    let (rows, m) = rebuild(&dir);
    assert_same(&rows, &company_rows(app.cora.store().conn(), a));
    assert!(!rows["partners"].values().any(|p| p["name"] == "Gone"));
    assert!(rows["partner_contacts"].values().any(|c| c["name"] == "Cy"));
    assert_eq!(rows["company_logos"].len(), 1);
    // B's rows never reach A's folder.
    for b in &m.bundles {
        let text = std::fs::read_to_string(dir.join(&b.file)).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let owner = if v["table"] == "companies" { &v["row"]["id"] } else { &v["row"]["tenant_id"] };
            assert_eq!(owner, &json!(a), "{line}");
        }
    }
    assert!(!out.path().join("B").exists());
    // Each batch ends on a whole source transaction.
    let txs: Vec<(i64, i64)> = m
        .bundles
        .iter()
        .filter(|b| b.kind == "changes")
        .map(|b| {
            let text = std::fs::read_to_string(dir.join(&b.file)).unwrap();
            let tx = |l: &str| serde_json::from_str::<Value>(l).unwrap()["tx"].as_i64().unwrap();
            (tx(text.lines().next().unwrap()), tx(text.lines().last().unwrap()))
        })
        .collect();
    for w in txs.windows(2) {
        assert_ne!(w[0].1, w[1].0, "a transaction split over two bundles");
    }
    // Everything the one sink took is pruned; its status says it is current.
    assert_eq!(change_rows(&app, a), 0);
    let s = &app.admin_in("A", "sync.list_sinks", json!({})).unwrap()[0];
    assert_eq!(s["state"], "streaming");
    assert_eq!(s["lag_changes"], 0);
    assert_eq!(s["last_error"], Value::Null);
    assert_eq!(s["acked_seq"], json!(m.last_seq));

    // A later write shows as lag until the next run.
    partner(&mut app, "A", "Late");
    let s = &app.admin_in("A", "sync.list_sinks", json!({})).unwrap()[0];
    assert!(s["lag_changes"].as_i64().unwrap() > 0);
    run(&mut app.cora, "A");
    assert_same(&rebuild(&dir).0, &company_rows(app.cora.store().conn(), a));
}

#[test]
fn a_leftover_bundle_is_written_again_under_its_name_and_a_lost_acknowledgement_is_caught_up() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let out = tempfile::tempdir().unwrap();
    app.admin_in("A", "sync.add_sink", json!({"name": "Lake", "kind": "files", "target": out.path()})).unwrap();
    run(&mut app.cora, "A");
    let dir = out.path().join("A");
    for i in 0..3 {
        partner(&mut app, "A", &format!("P{i}"));
    }

    // A crash after a bundle took its name, before the manifest listed it: a half-written
    // file named for the first transaction waiting.
    let db = app.cora.store().conn();
    let (first_tx, from): (i64, i64) = db.query_row("SELECT tx, seq FROM change_log WHERE tenant_id = ?1 ORDER BY seq LIMIT 1", [a], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let to: i64 = db.query_row("SELECT max(seq) FROM change_log WHERE tenant_id = ?1 AND tx = ?2", [a, first_tx], |r| r.get(0)).unwrap();
    let name = cora_core::sync::files::bundle_name(from, to);
    std::fs::write(dir.join(&name), b"{\"seq\":").unwrap();
    let report = run(&mut app.cora, "A");
    assert_eq!(report[0].error, None);
    let (rows, m) = rebuild(&dir);
    assert_same(&rows, &company_rows(app.cora.store().conn(), a));
    let again = m.bundles.iter().find(|b| b.file == name).unwrap_or_else(|| panic!("the same range under the same name {name}: {:?}", m.bundles));
    let text = std::fs::read_to_string(dir.join(&name)).unwrap();
    let seqs: Vec<i64> = text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["seq"].as_i64().unwrap()).collect();
    assert_eq!((seqs[0], *seqs.last().unwrap()), (from, to));
    assert_eq!(again.lines as usize, seqs.len());
    assert!(m.bundles.iter().any(|b| b.from_seq > to), "the rest followed in its own bundles");

    // A crash after the manifest, before the file recorded it (the file as it was just
    // before the run): the sink is ahead, the change it names is here and the same, so
    // the run catches up instead of stopping.
    partner(&mut app, "A", "More");
    let before = app.dir.path().join("before.db");
    app.cora.store().backup_to(&before).unwrap();
    run(&mut app.cora, "A");
    let (_, m) = rebuild(&dir);
    let path = app.path();
    drop(app.cora);
    cora_core::store::restore(&before, &path).unwrap();
    let mut cora = Cora::open(&path).unwrap();
    let report = run(&mut cora, "A");
    assert_eq!(report[0].error, None, "{report:?}");
    assert_eq!(report[0].acked_seq, m.last_seq);
    assert_eq!(report[0].changes, 0, "nothing sent twice");
    assert_eq!(rebuild(&dir).1, m);
    assert_same(&rebuild(&dir).0, &company_rows(cora.store().conn(), a));
}

#[test]
fn a_restored_older_backup_is_detected_and_a_resync_loads_the_company_again() {
    let mut app = TestApp::new();
    let a = app.company("A");
    let out = tempfile::tempdir().unwrap();
    let sink = app.admin_in("A", "sync.add_sink", json!({"name": "Lake", "kind": "files", "target": out.path()})).unwrap();
    partner(&mut app, "A", "One");
    run(&mut app.cora, "A");
    let backup = app.dir.path().join("older.db");
    app.cora.store().backup_to(&backup).unwrap();
    partner(&mut app, "A", "Two");
    run(&mut app.cora, "A");
    let dir = out.path().join("A");
    let (_, before) = rebuild(&dir);

    // Swap the older copy in and write something new: its changes take seqs the sink has
    // already seen with other content.
    let path = app.path();
    drop(app.cora);
    cora_core::store::restore(&backup, &path).unwrap();
    let mut cora = Cora::open(&path).unwrap();
    let token = cora_core::testing::login(&mut cora, cora_core::testing::ADMIN_EMAIL, cora_core::testing::PASSWORD).unwrap();
    for n in ["Three", "Four", "Five"] {
        cora.call(Some(&token), Some(&CompanyRef::Code("A".into())), "partner.create", json!({"name": n})).unwrap();
    }
    let report = run(&mut cora, "A");
    assert!(report[0].diverged, "{report:?}");
    assert!(report[0].error.as_deref().unwrap().contains("older backup"));
    assert_eq!(rebuild(&dir).1, before, "the folder is left as it was");
    let s = &cora.call(Some(&token), Some(&CompanyRef::Code("A".into())), "sync.list_sinks", json!({})).unwrap()[0];
    assert_eq!(s["state"], "diverged");
    // It stays stopped, run after run.
    assert!(run(&mut cora, "A")[0].diverged);

    cora.call(Some(&token), Some(&CompanyRef::Code("A".into())), "sync.resync_sink", json!({"id": sink["id"]})).unwrap();
    let report = run(&mut cora, "A");
    assert_eq!(report[0].error, None);
    let (rows, m) = rebuild(&dir);
    assert_eq!(m.generation, 2);
    assert_same(&rows, &company_rows(cora.store().conn(), a));
    assert!(!rows["partners"].values().any(|p| p["name"] == "Two"), "the restored file's truth");
}
