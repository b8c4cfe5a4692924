//! The capture triggers, generated from the schema itself (`PRAGMA table_xinfo`).
//!
//! Every table with a `tenant_id` column (and `companies`, whose row is the company)
//! gets three triggers named `sync_capture_<table>_{insert,update,delete}`. Each fires
//! only while the row's company has an enabled sink (one probe of a partial index,
//! empty when no company syncs), and appends the full row image as a JSON object keyed
//! by column name. [`install`] runs after every migration in the migration's own
//! transaction, and [`drop_all`] before it, so a migration may rebuild or drop a column
//! without tripping over a trigger that names it.

use rusqlite::Connection;

/// Tables that are never captured: the outbox and the sinks themselves.
const SKIPPED: &[&str] = &["change_log", "sync_sinks", "sync_source", "sync_clock"];
const PREFIX: &str = "sync_capture_";

/// One captured table as the exporters see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    /// The primary key's columns, in key order.
    pub pk: Vec<String>,
    /// The column holding the company: `tenant_id`, or `id` for `companies`.
    pub tenant_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The declared type (`INTEGER`, `TEXT`, ...), upper-cased.
    pub decl_type: String,
    pub not_null: bool,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Every table the exporters carry, in name order.
pub fn tables(db: &Connection) -> rusqlite::Result<Vec<TableInfo>> {
    let names: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for name in names {
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let mut cols = Vec::new();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut stmt = db.prepare("SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid")?;
        let mut rows = stmt.query([&name])?;
        while let Some(r) = rows.next()? {
            let col: String = r.get(0)?;
            let hidden: i64 = r.get(4)?;
            if hidden != 0 {
                continue;
            }
            let key: i64 = r.get(3)?;
            if key > 0 {
                pk.push((key, col.clone()));
            }
            let decl: String = r.get(1)?;
            cols.push(ColumnInfo { name: col, decl_type: decl.to_ascii_uppercase(), not_null: r.get::<_, i64>(2)? != 0 });
        }
        let tenant_column = if name == "companies" {
            "id"
        } else if cols.iter().any(|c| c.name == "tenant_id") {
            "tenant_id"
        } else {
            continue;
        };
        pk.sort();
        let mut pk: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
        if pk.is_empty() {
            // A table without a declared key (its uniqueness an expression index) is keyed
            // by its rowid, carried in the image as a column `rowid`: stable, since Cora
            // never runs VACUUM. A WITHOUT ROWID table always declares its key.
            if cols.iter().any(|c| c.name.eq_ignore_ascii_case("rowid")) {
                continue;
            }
            cols.insert(0, ColumnInfo { name: "rowid".into(), decl_type: "INTEGER".into(), not_null: true });
            pk = vec!["rowid".into()];
        }
        out.push(TableInfo { name, columns: cols, pk, tenant_column: tenant_column.to_string() });
    }
    Ok(out)
}

/// `json_object('a', <p>.a, ...)` over some columns; a BLOB goes as hex text (JSON holds
/// no bytes).
fn json_of<'a>(prefix: &str, cols: impl Iterator<Item = (&'a str, bool)>) -> String {
    let parts: Vec<String> = cols
        .map(|(c, blob)| {
            let v = format!("{prefix}{}", quote(c));
            let v = if blob { format!("CASE WHEN typeof({v}) = 'blob' THEN hex({v}) ELSE {v} END") } else { v };
            format!("{}, {v}", literal(c))
        })
        .collect();
    format!("json_object({})", parts.join(", "))
}

impl TableInfo {
    fn is_blob(&self, col: &str) -> bool {
        self.columns.iter().any(|c| c.name == col && c.decl_type.contains("BLOB"))
    }

    /// The SQL expression of a row's image, with columns read through `prefix`
    /// (`NEW.`, `OLD.` or a table alias with its dot).
    pub fn row_json(&self, prefix: &str) -> String {
        json_of(prefix, self.columns.iter().map(|c| (c.name.as_str(), c.decl_type.contains("BLOB"))))
    }

    /// The SQL expression of a row's primary key as a JSON object.
    pub fn pk_json(&self, prefix: &str) -> String {
        json_of(prefix, self.pk.iter().map(|c| (c.as_str(), self.is_blob(c))))
    }
}

/// Removes every capture trigger (before a migration).
pub fn drop_all(db: &Connection) -> rusqlite::Result<()> {
    let names: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync\\_capture\\_%' ESCAPE '\\'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for n in names {
        db.execute_batch(&format!("DROP TRIGGER {}", quote(&n)))?;
    }
    Ok(())
}

/// (Re)creates the capture triggers of every captured table for this schema version.
/// Does nothing on a file without the outbox (a schema before V19).
pub fn install(db: &Connection, schema_version: i64) -> rusqlite::Result<()> {
    drop_all(db)?;
    let has_outbox: bool =
        db.query_row("SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'change_log'", [], |r| r.get(0))?;
    if !has_outbox {
        return Ok(());
    }
    let mut sql = String::new();
    for t in tables(db)? {
        let table = quote(&t.name);
        let name = literal(&t.name);
        let tenant = |p: &str| format!("{p}{}", quote(&t.tenant_column));
        let guard = |p: &str| format!("EXISTS (SELECT 1 FROM sync_sinks WHERE tenant_id = {} AND enabled)", tenant(p));
        let row = |p: &str, op: &str| {
            format!(
                "INSERT INTO change_log (tenant_id, tx, at, tbl, op, pk, row, schema_version) \
                 SELECT {}, (SELECT tx FROM sync_clock), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), {name}, '{op}', {}, {}, {schema_version}",
                tenant(p),
                t.pk_json(p),
                t.row_json(p),
            )
        };
        let pk_changed = t.pk.iter().map(|c| format!("NEW.{0} IS NOT OLD.{0}", quote(c))).collect::<Vec<_>>().join(" OR ");
        let trig = |suffix: &str| quote(&format!("{PREFIX}{}_{suffix}", t.name));
        sql.push_str(&format!(
            "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {} BEGIN {}; END;\n",
            trig("insert"),
            guard("NEW."),
            row("NEW.", "insert")
        ));
        // A changed key is the old row gone and a new one there.
        sql.push_str(&format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {table} WHEN {} BEGIN {} WHERE {pk_changed}; {}; END;\n",
            trig("update"),
            guard("NEW."),
            row("OLD.", "delete"),
            row("NEW.", "update")
        ));
        sql.push_str(&format!(
            "CREATE TRIGGER {} AFTER DELETE ON {table} WHEN {} BEGIN {}; END;\n",
            trig("delete"),
            guard("OLD."),
            row("OLD.", "delete")
        ));
    }
    db.execute_batch(&sql)
}
