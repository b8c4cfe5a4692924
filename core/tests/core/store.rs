//! The file: creation, migration with its backup, refusal of foreign and newer files,
//! backup and restore.

use cora_core::Cora;
use cora_core::store::{self, APPLICATION_ID, FileState, Store, StoreError};
use cora_core::testing::{ADMIN_EMAIL, PASSWORD, TestApp};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

mod embedded {
    refinery::embed_migrations!("../migrations");
}

fn latest() -> i64 {
    store::latest_version()
}

/// The version before the latest: the second-highest migration (numbers may skip some
/// reserved for work landing in parallel, so not always `latest() - 1`).
fn previous() -> i64 {
    let mut v: Vec<i64> = embedded::migrations::runner().get_migrations().iter().map(|m| i64::from(m.version())).collect();
    v.sort_unstable();
    v.dedup();
    v[v.len() - 2]
}

/// The files in a directory, by name.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn app_id(conn: &Connection) -> i32 {
    conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap()
}

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn bak_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pre-v{}.bak", path.display(), latest()))
}

/// A file as the previous Cora version left it: every migration but the last applied
/// by the same runner, plus a table of our own holding a row to find again.
fn previous_version_file(path: &Path) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
    let target = i32::try_from(previous()).unwrap();
    embedded::migrations::runner().set_target(refinery::Target::Version(target)).run(&mut conn).unwrap();
    conn.execute_batch("CREATE TABLE old_marker (note TEXT NOT NULL); INSERT INTO old_marker VALUES ('written by the previous version');")
        .unwrap();
    conn
}

/// A previous-version file holding a dangling reference: the migrations succeed, then
/// `foreign_key_check` must fail.
fn dangling_previous_version_file(path: &Path) -> Connection {
    let conn = previous_version_file(path);
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE old_parent (id INTEGER PRIMARY KEY);
         CREATE TABLE old_child (parent_id INTEGER REFERENCES old_parent (id));
         INSERT INTO old_child VALUES (42);",
    )
    .unwrap();
    conn
}

fn marker(conn: &Connection) -> String {
    conn.query_row("SELECT note FROM old_marker", [], |r| r.get(0)).unwrap()
}

fn version(conn: &Connection) -> i64 {
    conn.query_row("SELECT coalesce(max(version), 0) FROM refinery_schema_history", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_file_gets_every_migration_and_the_cora_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let s = Store::open(&path).unwrap();
    let conn = s.conn();
    assert_eq!(app_id(conn), APPLICATION_ID);
    assert_eq!(version(conn), latest());
    let applied: i64 = conn.query_row("SELECT count(*) FROM refinery_schema_history", [], |r| r.get(0)).unwrap();
    assert_eq!(applied as usize, embedded::migrations::runner().get_migrations().len());
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    drop(s);
    assert_eq!(store::inspect(&path).unwrap(), FileState::Cora { version: latest() });
    // A new file has nothing to lose, so no backup is made.
    assert!(!listing(dir.path()).iter().any(|f| f.ends_with(".bak")), "{:?}", listing(dir.path()));
}

#[test]
fn a_zero_byte_file_counts_as_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let s = Store::open(&path).unwrap();
    assert_eq!(version(s.conn()), latest());
}

#[test]
fn reopening_an_up_to_date_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cora.db");
    {
        let mut cora = Cora::open(&path).unwrap();
        cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let files = listing(dir.path());
    drop(Store::open(&path).unwrap());
    assert!(std::fs::read(&path).unwrap() == before, "Store::open changed an up-to-date file");
    // Cora::open also syncs permissions and seeds; on an up-to-date file that is a no-op too.
    drop(Cora::open(&path).unwrap());
    assert!(std::fs::read(&path).unwrap() == before, "Cora::open changed an up-to-date file");
    assert_eq!(listing(dir.path()), files);
}

#[test]
fn an_older_file_is_backed_up_then_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    drop(previous_version_file(&path));
    assert_eq!(store::inspect(&path).unwrap(), FileState::Cora { version: previous() });

    let s = Store::open(&path).unwrap();
    assert_eq!(version(s.conn()), latest());
    assert_eq!(marker(s.conn()), "written by the previous version");
    drop(s);

    let bak = bak_path(&path);
    assert!(bak.exists(), "no backup at {}; files: {:?}", bak.display(), listing(dir.path()));
    // The copy is one self-contained SQLite file with the content from before the migration.
    let b = read_only(&bak);
    let mode: String = b.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    let ok: String = b.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(app_id(&b), APPLICATION_ID);
    assert_eq!(version(&b), previous());
    assert_eq!(marker(&b), "written by the previous version");
    assert_eq!(store::inspect(&bak).unwrap(), FileState::Cora { version: previous() });

    // The migrated file is a working Cora file.
    let mut cora = Cora::open(&path).unwrap();
    assert!(cora.needs_setup().unwrap());
    cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD).unwrap();
}

#[test]
fn a_migration_that_fails_its_checks_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    drop(dangling_previous_version_file(&path));
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path).unwrap_err();
    let StoreError::MigrationFailed { backup, reason, .. } = &err else { panic!("expected MigrationFailed, got {err:?}") };
    assert_eq!(backup, &bak_path(&path));
    assert!(reason.contains("foreign key"), "{reason}");
    assert!(err.to_string().contains(&backup.display().to_string()), "the error names the copy: {err}");

    // The file holds its old content again: the old version, no new tables.
    let conn = read_only(&path);
    assert_eq!(version(&conn), previous());
    assert_eq!(marker(&conn), "written by the previous version");
    let tables_before: Vec<String> = {
        let dir2 = tempfile::tempdir().unwrap();
        let p2 = dir2.path().join("copy.db");
        std::fs::write(&p2, &before).unwrap();
        let c = read_only(&p2);
        let mut s = c.prepare("SELECT name FROM sqlite_schema ORDER BY name").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let tables_after: Vec<String> = {
        let mut s = conn.prepare("SELECT name FROM sqlite_schema ORDER BY name").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(tables_after, tables_before);
    drop(conn);
    // And the copy is there and opens.
    assert_eq!(store::inspect(backup).unwrap(), FileState::Cora { version: previous() });
}

/// A Cora file with an administrator and a company, closed.
fn cora_file(dir: &Path) -> PathBuf {
    let path = dir.join("cora.db");
    let mut cora = Cora::open(&path).unwrap();
    cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD).unwrap();
    let token = cora_core::testing::login(&mut cora, ADMIN_EMAIL, PASSWORD).unwrap();
    cora.call(Some(&token), None, "company.create", serde_json::json!({"code": "ACME", "name": "Acme", "base_currency": "EUR"}))
        .unwrap();
    path
}

/// Opening `path` fails as `check` expects and leaves every byte and file as it was.
fn assert_refused_untouched(path: &Path, check: impl Fn(&StoreError)) {
    let dir = path.parent().unwrap();
    let bytes = std::fs::read(path).unwrap();
    let files = listing(dir);
    let err = Store::open(path).unwrap_err();
    check(&err);
    let err = Cora::open(path).unwrap_err();
    assert_eq!(err.code(), cora_core::ErrorCode::Internal);
    assert!(std::fs::read(path).unwrap() == bytes, "{} was modified", path.display());
    assert_eq!(listing(dir), files, "files appeared or vanished");
}

#[test]
fn a_file_from_a_newer_cora_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = cora_file(dir.path());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (9999, 'from_the_future', '2099-01-01', '0')",
            [],
        )
        .unwrap();
    }
    assert_refused_untouched(&path, |e| match e {
        StoreError::TooNew { found, known, .. } => {
            assert_eq!(*found, 9999);
            assert_eq!(*known, latest());
        }
        other => panic!("expected TooNew, got {other:?}"),
    });
    assert!(!bak_path(&path).exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    // Deterministic noise (xorshift), long enough to look like several pages.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..16384)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    assert_refused_untouched(&path, |e| assert!(matches!(e, StoreError::NotCora { .. }), "{e:?}"));
    // A text file is not a database either.
    let txt = dir.path().join("notes.txt");
    std::fs::write(&txt, "name,amount\nwidget,3\n").unwrap();
    assert_refused_untouched(&txt, |e| assert!(matches!(e, StoreError::NotCora { .. }), "{e:?}"));
}

#[test]
fn a_sqlite_file_of_another_application_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Some application's database: tables, no application id.
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x');")
        .unwrap();
    assert_refused_untouched(&other, |e| assert!(matches!(e, StoreError::NotCora { .. }), "{e:?}"));

    // Another application id, even without tables.
    let tagged = dir.path().join("tagged.db");
    Connection::open(&tagged).unwrap().pragma_update(None, "application_id", 0x1234_5678).unwrap();
    assert_refused_untouched(&tagged, |e| assert!(matches!(e, StoreError::NotCora { .. }), "{e:?}"));

    // Cora's id but no migration history: not something Cora wrote.
    let forged = dir.path().join("forged.db");
    {
        let c = Connection::open(&forged).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        c.execute_batch("CREATE TABLE t (x);").unwrap();
    }
    assert_refused_untouched(&forged, |e| assert!(matches!(e, StoreError::NotCora { .. }), "{e:?}"));
}

#[test]
fn backup_copies_a_consistent_file_and_never_overwrites() {
    let mut app = TestApp::new();
    app.company("ACME");
    let dest = app.dir.path().join("copy.db");
    app.cora.store().backup_to(&dest).unwrap();
    assert_eq!(store::inspect(&dest).unwrap(), FileState::Cora { version: latest() });
    let n: i64 = read_only(&dest).query_row("SELECT count(*) FROM companies WHERE code = 'ACME'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    // The copy opens as a Cora file and signs in.
    let mut copy = Cora::open(&dest).unwrap();
    cora_core::testing::login(&mut copy, ADMIN_EMAIL, PASSWORD).unwrap();
    drop(copy);

    let bytes = std::fs::read(&dest).unwrap();
    let err = app.cora.store().backup_to(&dest).unwrap_err();
    assert!(matches!(err, StoreError::Backup(_)), "{err:?}");
    assert!(std::fs::read(&dest).unwrap() == bytes);
}

#[test]
fn restore_swaps_the_copy_in_and_keeps_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = cora_file(dir.path());
    let copy = dir.path().join("copy.db");
    {
        let cora = Cora::open(&path).unwrap();
        cora.store().backup_to(&copy).unwrap();
    }
    // A change after the backup.
    {
        let mut cora = Cora::open(&path).unwrap();
        let token = cora_core::testing::login(&mut cora, ADMIN_EMAIL, PASSWORD).unwrap();
        cora.call(Some(&token), None, "company.create", serde_json::json!({"code": "LATER", "name": "Later", "base_currency": "EUR"}))
            .unwrap();
    }
    let kept = store::restore(&copy, &path).unwrap().expect("the replaced file is kept");
    let codes = |p: &Path| -> Vec<String> {
        let c = read_only(p);
        let mut s = c.prepare("SELECT code FROM companies ORDER BY code").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(codes(&path), vec!["ACME"]);
    assert_eq!(codes(&kept), vec!["ACME", "LATER"]);
    // The restored file opens and works.
    let mut cora = Cora::open(&path).unwrap();
    cora_core::testing::login(&mut cora, ADMIN_EMAIL, PASSWORD).unwrap();
}

#[test]
fn restore_refuses_what_is_not_a_healthy_cora_file_and_leaves_the_target_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = cora_file(dir.path());
    let bytes = std::fs::read(&path).unwrap();

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    assert!(matches!(store::restore(&junk, &path), Err(StoreError::NotCora { .. })));

    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    assert!(matches!(store::restore(&foreign, &path), Err(StoreError::NotCora { .. })));

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(store::restore(&empty, &path), Err(StoreError::NotCora { .. })));

    let newer = dir.path().join("newer.db");
    std::fs::copy(&path, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute("INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (9999, 'x', 'x', '0')", [])
        .unwrap();
    assert!(matches!(store::restore(&newer, &path), Err(StoreError::TooNew { found: 9999, .. })));

    assert!(std::fs::read(&path).unwrap() == bytes, "a refused restore changed the file");
    assert!(!listing(dir.path()).iter().any(|f| f.contains(".replaced-")), "{:?}", listing(dir.path()));
}

#[test]
fn processes_migrating_one_file_at_once_all_open_it_and_lose_nothing() {
    // The app and a `cora` command starting together after an upgrade: one migrates, the
    // others find the file migrated. Nobody puts the old content back over the new.
    for round in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        drop(previous_version_file(&path));
        let results: Vec<Result<(), String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        let mut cora = Cora::open(&path).map_err(|e| e.to_string())?;
                        // Write straight away, as an app would once open.
                        if cora.needs_setup().map_err(|e| e.to_string())? {
                            let _ = cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD);
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &results {
            assert!(r.is_ok(), "round {round}: {results:?}");
        }
        let conn = read_only(&path);
        assert_eq!(version(&conn), latest(), "round {round}");
        assert_eq!(marker(&conn), "written by the previous version");
        let users: i64 = conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).unwrap();
        assert_eq!(users, 1, "round {round}: the administrator was lost");
    }
}

#[test]
fn a_failed_migration_never_commits_so_nothing_is_put_back_over_other_work() {
    // The check runs before COMMIT, under the same write lock as the migration: a failed
    // check rolls back, and the file is never rewritten from the copy. Another connection
    // sees no commit at all (PRAGMA data_version stays), which a restore would have been.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = dangling_previous_version_file(&path);
    let data_version = |c: &Connection| -> i64 { c.query_row("PRAGMA data_version", [], |r| r.get(0)).unwrap() };
    let seen = data_version(&conn);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::MigrationFailed { .. }), "{err:?}");
    assert_eq!(data_version(&conn), seen, "the failed migration committed something (and then wrote the old content back)");
    // Work this connection does afterwards is the file's, untouched by the failed open.
    conn.execute("INSERT INTO old_marker VALUES ('after')", []).unwrap();
    let _ = Store::open(&path).unwrap_err();
    let n: i64 = conn.query_row("SELECT count(*) FROM old_marker", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);
}

#[test]
fn copies_never_take_an_existing_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    drop(previous_version_file(&path));
    // A copy from an earlier attempt keeps its name and content; the new one gets `-2`.
    std::fs::write(bak_path(&path), b"an earlier copy").unwrap();
    drop(Store::open(&path).unwrap());
    assert_eq!(std::fs::read(bak_path(&path)).unwrap(), b"an earlier copy");
    let second = PathBuf::from(format!("{}.pre-v{}-2.bak", path.display(), latest()));
    assert_eq!(store::inspect(&second).unwrap(), FileState::Cora { version: previous() });
    // No temporary file is left behind.
    assert!(listing(dir.path()).iter().all(|f| !f.ends_with(".tmp")), "{:?}", listing(dir.path()));

    // Two restores in the same second keep two replaced files.
    let src = dir.path().join("src.db");
    Cora::open(&path).unwrap().store().backup_to(&src).unwrap();
    let a = store::restore(&src, &path).unwrap().unwrap();
    let b = store::restore(&src, &path).unwrap().unwrap();
    assert_ne!(a, b);
    assert!(a.exists() && b.exists());
    assert!(listing(dir.path()).iter().all(|f| !f.ends_with(".tmp")), "{:?}", listing(dir.path()));
}

#[test]
fn opening_keeps_permissions_this_build_does_not_know() {
    // A newer Cora declared `future.view_thing` and granted it to a custom role; an older
    // build (same schema) opening the file must not delete it or the grant.
    let dir = tempfile::tempdir().unwrap();
    let path = cora_file(dir.path());
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "INSERT INTO permissions (codename, module, description) VALUES ('future.view_thing', 'future', 'from a newer Cora');
             INSERT INTO roles (tenant_id, name, description, created_at) SELECT id, 'Custom', '', '2026-01-01T00:00:00Z' FROM companies WHERE code = 'ACME';
             INSERT INTO role_permissions (role_id, permission) SELECT id, 'future.view_thing' FROM roles WHERE name = 'Custom';
             INSERT INTO role_permissions (role_id, permission) SELECT id, 'future.view_thing' FROM roles WHERE builtin_key = 'owner';",
        )
        .unwrap();
    }
    drop(Cora::open(&path).unwrap());
    let c = read_only(&path);
    let grants: i64 = c.query_row("SELECT count(*) FROM role_permissions WHERE permission = 'future.view_thing'", [], |r| r.get(0)).unwrap();
    assert_eq!(grants, 2);
}

#[test]
fn every_connection_commits_durably() {
    let app = TestApp::new();
    let sync: i64 = app.cora.store().conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
}
