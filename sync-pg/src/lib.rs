//! The PostgreSQL sink of Cora's sync exporter: each company's rows in PostgreSQL
//! tables, loaded once from a consistent snapshot and then kept current change by
//! change.
//!
//! Layout, per Cora file (source):
//! - one schema `cora_<the first 12 hex digits of the file's source id>`
//!   ([`schema_name`]), shared by every company of that file that exports here;
//! - one table per captured Cora table, with the same name and columns (INTEGER →
//!   `bigint`, TEXT → `text`, REAL → `double precision`, BLOB → `text` holding hex),
//!   the same primary key, no other constraint (rows arrive as SQLite holds them), and
//!   `_src_seq bigint NOT NULL`: the change that last wrote the row;
//! - `_cora_sync`: one row per company (tenant) with the cursor — the source, the
//!   generation, the last change applied and its digest, the schema version.
//!
//! Invariants:
//! - A batch (whole source transactions) is applied in one PostgreSQL transaction that
//!   also moves the company's cursor: a consumer sees a source transaction wholly or
//!   not at all, and a crash leaves data and cursor agreeing.
//! - Nothing goes backwards: changes at or before the cursor are skipped (the cursor
//!   row is locked `FOR UPDATE`, so two exporters queue), an upsert replaces a row only
//!   when it is newer (`ON CONFLICT … DO UPDATE … WHERE t._src_seq < EXCLUDED._src_seq`)
//!   and a delete removes a row only when the row is older than the delete. Deletes
//!   leave no tombstone: a replay of an older insert after its delete cannot happen, as
//!   the cursor is committed with the data and older changes are skipped.
//! - Schema changes come before newer rows: tables and columns missing in PostgreSQL
//!   are created before a batch whose changes carry a newer schema version than this
//!   sink has checked (and before every snapshot). A column dropped in Cora stays in
//!   PostgreSQL, nullable, no longer written.
//! - A snapshot replaces only its own company's rows (by the tenant column) in one
//!   transaction, committed with the cursor; the other companies of the file stay.
//! - Every row written carries the sink's company in its tenant column, or the batch is
//!   refused: a company's sink never writes another company's rows.
//!
//! The connection is plain TCP or a Unix socket without TLS (`NoTls`): meant for a
//! server on the same machine or a trusted network.

use cora_core::sync::capture::TableInfo;
use cora_core::sync::sinks::{SinkRow, mask};
use cora_core::sync::{Batch, Change, Meta, Position, SinkTarget, SyncError};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::Duration;

/// The meta table holding each company's cursor.
pub const META_TABLE: &str = "_cora_sync";
/// The column holding the change that last wrote a row.
pub const SEQ_COLUMN: &str = "_src_seq";

/// The schema of one source file: `cora_` and the first 12 hex digits of its id.
pub fn schema_name(source_id: &str) -> String {
    let hex: String = source_id.chars().filter(char::is_ascii_hexdigit).take(12).collect::<String>().to_ascii_lowercase();
    format!("cora_{hex}")
}

/// How a column is held in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgType {
    Int,
    Float,
    Text,
}

impl PgType {
    /// SQLite's affinity rules on the declared type: INT → bigint; CHAR, CLOB, TEXT →
    /// text; REAL, FLOA, DOUB → double precision; BLOB (hex in the row images), no type
    /// and anything else → text.
    pub fn of_decl(decl: &str) -> PgType {
        let d = decl.to_ascii_uppercase();
        if d.contains("INT") {
            PgType::Int
        } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") || d.contains("BLOB") {
            PgType::Text
        } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
            PgType::Float
        } else {
            PgType::Text
        }
    }

    fn of_pg(data_type: &str) -> PgType {
        match data_type {
            "bigint" | "integer" | "smallint" => PgType::Int,
            "double precision" | "real" => PgType::Float,
            _ => PgType::Text,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            PgType::Int => "bigint",
            PgType::Float => "double precision",
            PgType::Text => "text",
        }
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn pg(e: postgres::Error) -> SyncError {
    match e.as_db_error() {
        Some(db) => SyncError::Target(format!("PostgreSQL: {} ({})", db.message(), db.code().code())),
        None => SyncError::Target(format!("PostgreSQL: {e}")),
    }
}

fn target(msg: impl Into<String>) -> SyncError {
    SyncError::Target(msg.into())
}

/// Makes the sink for any row: PostgreSQL here, folders through core (what the CLI and
/// the desktop app pass to `Cora::sync_run`).
pub fn connect_any(row: &SinkRow) -> Result<Box<dyn SinkTarget>, SyncError> {
    match row.kind {
        cora_core::sync::SinkKind::Postgres => connect(row),
        _ => cora_core::sync::export::connect_files(row),
    }
}

/// Connects the sink of a `postgres` row (`postgresql://…` or `host=… dbname=…`), with
/// a 10-second connect timeout unless the string sets one.
pub fn connect(row: &SinkRow) -> Result<Box<dyn SinkTarget>, SyncError> {
    Ok(Box::new(PgSink::connect(&row.target)?))
}

/// Tables as PostgreSQL holds them in one schema: table → column → type.
type Known = HashMap<String, HashMap<String, PgType>>;

/// A connection to one PostgreSQL database, writing one company at a time.
pub struct PgSink {
    client: Client,
    /// What this sink has seen of the schema, loaded on first use.
    known: Option<(String, Known)>,
    /// The newest Cora schema version whose tables this sink has made sure of.
    checked_version: i64,
    statements: HashMap<String, Statement>,
    snapshot: Option<Snapshot>,
}

struct Snapshot {
    seq: i64,
    tenant: i64,
}

/// One column's values for an `unnest` of arrays.
enum Values {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl Values {
    fn new(t: PgType, n: usize) -> Values {
        match t {
            PgType::Int => Values::Int(Vec::with_capacity(n)),
            PgType::Float => Values::Float(Vec::with_capacity(n)),
            PgType::Text => Values::Text(Vec::with_capacity(n)),
        }
    }

    fn push(&mut self, v: Option<&Value>, table: &str, col: &str) -> Result<(), SyncError> {
        let bad = |v: &Value, what: &str| target(format!("{table}.{col}: {v} is not {what}"));
        match self {
            Values::Int(out) => out.push(match v {
                None | Some(Value::Null) => None,
                Some(v @ Value::Number(n)) => Some(match n.as_i64() {
                    Some(i) => i,
                    None => match n.as_f64() {
                        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => f as i64,
                        _ => return Err(bad(v, "an integer")),
                    },
                }),
                Some(v @ Value::String(s)) => Some(s.trim().parse::<i64>().map_err(|_| bad(v, "an integer"))?),
                Some(Value::Bool(b)) => Some(i64::from(*b)),
                Some(v) => return Err(bad(v, "an integer")),
            }),
            Values::Float(out) => out.push(match v {
                None | Some(Value::Null) => None,
                Some(v @ Value::Number(n)) => Some(n.as_f64().ok_or_else(|| bad(v, "a number"))?),
                Some(v @ Value::String(s)) => Some(s.trim().parse::<f64>().map_err(|_| bad(v, "a number"))?),
                Some(Value::Bool(b)) => Some(f64::from(u8::from(*b))),
                Some(v) => return Err(bad(v, "a number")),
            }),
            Values::Text(out) => out.push(match v {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(v) => Some(v.to_string()),
            }),
        }
        Ok(())
    }

    fn param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Values::Int(v) => v,
            Values::Float(v) => v,
            Values::Text(v) => v,
        }
    }
}

/// A field of `COPY … FROM STDIN` in text format.
fn copy_field(out: &mut Vec<u8>, v: Option<&Value>) {
    let text = match v {
        None | Some(Value::Null) => {
            out.extend_from_slice(b"\\N");
            return;
        }
        Some(Value::String(s)) => std::borrow::Cow::Borrowed(s.as_str()),
        Some(Value::Bool(b)) => std::borrow::Cow::Borrowed(if *b { "1" } else { "0" }),
        Some(v) => std::borrow::Cow::Owned(v.to_string()),
    };
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b => out.push(b),
        }
    }
}

fn parse_object(text: &str, what: &str, c: &Change) -> Result<Map<String, Value>, SyncError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(target(format!("change {} ({}): its {what} is not a JSON object", c.seq, c.table))),
    }
}

/// The last change of one row in a batch.
struct Last {
    seq: i64,
    delete: bool,
    pk: Map<String, Value>,
    row: Map<String, Value>,
}

impl PgSink {
    /// Connects to `conn` (`postgresql://…` or `host=… dbname=…`).
    pub fn connect(conn: &str) -> Result<PgSink, SyncError> {
        let mut config: postgres::Config = conn.parse().map_err(|e| target(format!("{}: {e}", mask(conn))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("cora-sync");
        let client = config.connect(NoTls).map_err(|e| target(format!("cannot connect to {}: {}", mask(conn), pg(e))))?;
        Ok(PgSink { client, known: None, checked_version: 0, statements: HashMap::new(), snapshot: None })
    }

    /// The tables and columns PostgreSQL holds in `schema`.
    fn load(client: &mut Client, schema: &str) -> Result<Known, SyncError> {
        let mut known = Known::new();
        for r in client
            .query("SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = $1", &[&schema])
            .map_err(pg)?
        {
            let (t, c, d): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            known.entry(t).or_default().insert(c, PgType::of_pg(&d));
        }
        Ok(known)
    }

    /// Creates the schema, the cursor table, every table of `meta` and every column it
    /// lacks (in one transaction, tried twice: two exporters creating the same schema at
    /// once may collide).
    fn ensure(&mut self, meta: &Meta<'_>) -> Result<(), SyncError> {
        let schema = schema_name(meta.source_id);
        let mut last = None;
        for _ in 0..2 {
            match self.try_ensure(&schema, meta) {
                Ok(()) => {
                    self.checked_version = meta.schema_version;
                    return Ok(());
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| target("the schema could not be made")))
    }

    fn try_ensure(&mut self, schema: &str, meta: &Meta<'_>) -> Result<(), SyncError> {
        let s = quote(schema);
        let mut ddl = format!(
            "CREATE SCHEMA IF NOT EXISTS {s};\n\
             CREATE TABLE IF NOT EXISTS {s}.{META_TABLE} (tenant_id bigint PRIMARY KEY, company text NOT NULL, source_id text NOT NULL, \
             generation bigint NOT NULL, last_seq bigint NOT NULL, last_digest text, schema_version bigint NOT NULL, updated_at timestamptz NOT NULL);\n"
        );
        let known = Self::load(&mut self.client, schema)?;
        for t in meta.tables {
            match known.get(&t.name) {
                None => {
                    let mut cols: Vec<String> = t.columns.iter().map(|c| format!("{} {}", quote(&c.name), PgType::of_decl(&c.decl_type).sql())).collect();
                    cols.push(format!("{SEQ_COLUMN} bigint NOT NULL"));
                    cols.push(format!("PRIMARY KEY ({})", t.pk.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")));
                    ddl.push_str(&format!("CREATE TABLE IF NOT EXISTS {s}.{} ({});\n", quote(&t.name), cols.join(", ")));
                }
                Some(have) => {
                    for c in t.columns.iter().filter(|c| !have.contains_key(&c.name)) {
                        ddl.push_str(&format!("ALTER TABLE {s}.{} ADD COLUMN IF NOT EXISTS {} {};\n", quote(&t.name), quote(&c.name), PgType::of_decl(&c.decl_type).sql()));
                    }
                }
            }
        }
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.batch_execute(&ddl).map_err(pg)?;
        tx.commit().map_err(pg)?;
        let known = Self::load(&mut self.client, schema)?;
        self.known = Some((schema.to_string(), known));
        Ok(())
    }

    /// Makes sure of the tables once per sink, and again when changes carry a newer
    /// schema version than the one checked.
    fn ensure_for(&mut self, meta: &Meta<'_>, version: i64) -> Result<(), SyncError> {
        let schema = schema_name(meta.source_id);
        let stale = !matches!(&self.known, Some((s, _)) if *s == schema);
        if stale || version > self.checked_version {
            self.ensure(meta)?;
        }
        Ok(())
    }

    fn statement(&mut self, key: String, sql: impl FnOnce() -> String) -> Result<Statement, SyncError> {
        if let Some(s) = self.statements.get(&key) {
            return Ok(s.clone());
        }
        let st = self.client.prepare(&sql()).map_err(pg)?;
        self.statements.insert(key, st.clone());
        Ok(st)
    }

    fn rollback_snapshot(&mut self) {
        if self.snapshot.take().is_some() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }

    fn snapshot_rows_inner(&mut self, table: &TableInfo, rows: &[(String, String)]) -> Result<(), SyncError> {
        let snap = self.snapshot.as_ref().ok_or_else(|| target("no snapshot begun"))?;
        let (seq, tenant) = (snap.seq, snap.tenant);
        let schema = self.known.as_ref().map(|(s, _)| s.clone()).ok_or_else(|| target("no snapshot begun"))?;
        let mut buf = Vec::with_capacity(rows.len() * 128);
        for (_, row) in rows {
            let m = match serde_json::from_str::<Value>(row) {
                Ok(Value::Object(m)) => m,
                _ => return Err(target(format!("a snapshot row of {} is not a JSON object", table.name))),
            };
            if m.get(&table.tenant_column).and_then(Value::as_i64) != Some(tenant) {
                return Err(target(format!("a snapshot row of {} belongs to another company", table.name)));
            }
            for c in &table.columns {
                copy_field(&mut buf, m.get(&c.name));
                buf.push(b'\t');
            }
            buf.extend_from_slice(seq.to_string().as_bytes());
            buf.push(b'\n');
        }
        let cols: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).chain([SEQ_COLUMN.to_string()]).collect();
        let sql = format!("COPY {}.{} ({}) FROM STDIN", quote(&schema), quote(&table.name), cols.join(", "));
        let mut w = self.client.copy_in(&sql).map_err(pg)?;
        w.write_all(&buf).map_err(|e| target(format!("PostgreSQL: {e}")))?;
        w.finish().map_err(pg)?;
        Ok(())
    }

    fn apply_inner(&mut self, meta: &Meta<'_>, batch: &Batch) -> Result<(), SyncError> {
        let version = batch.changes.iter().map(|c| c.schema_version).max().unwrap_or(0);
        self.ensure_for(meta, version)?;
        let schema = schema_name(meta.source_id);
        let tenant = meta.tenant_id.0;
        let tenant_col: HashMap<&str, &str> = meta.tables.iter().map(|t| (t.name.as_str(), t.tenant_column.as_str())).collect();

        // The last change of each row, per table, in first-seen order.
        let mut tables: Vec<(String, BTreeMap<String, Last>)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for c in &batch.changes {
            let pk = parse_object(&c.pk, "key", c)?;
            let row = parse_object(&c.row, "row", c)?;
            let owner = tenant_col.get(c.table.as_str()).copied().unwrap_or("tenant_id");
            if row.get(owner).and_then(Value::as_i64) != Some(tenant) {
                return Err(target(format!("change {} ({}) belongs to another company", c.seq, c.table)));
            }
            let key = Value::Object(pk.clone()).to_string();
            let i = *at.entry(c.table.clone()).or_insert_with(|| {
                tables.push((c.table.clone(), BTreeMap::new()));
                tables.len() - 1
            });
            let delete = match c.op.as_str() {
                "delete" => true,
                "insert" | "update" => false,
                op => return Err(target(format!("change {}: unknown operation {op}", c.seq))),
            };
            tables[i].1.insert(key, Last { seq: c.seq, delete, pk, row });
        }

        // Tables and columns the file no longer has but its older changes name.
        let mut ddl = String::new();
        {
            let known = self.known.as_ref().map(|(_, k)| k).ok_or_else(|| target("the schema is not loaded"))?;
            for (table, rows) in &tables {
                let have = known.get(table);
                let mut missing: BTreeMap<&str, ()> = BTreeMap::new();
                for l in rows.values() {
                    for k in l.row.keys().chain(l.pk.keys()) {
                        if have.is_none_or(|h| !h.contains_key(k)) {
                            missing.insert(k.as_str(), ());
                        }
                    }
                }
                if have.is_none() {
                    let pk: Vec<String> = rows.values().next().map(|l| l.pk.keys().map(|k| quote(k)).collect()).unwrap_or_default();
                    let cols: Vec<String> = missing.keys().map(|c| format!("{} text", quote(c))).collect();
                    ddl.push_str(&format!(
                        "CREATE TABLE IF NOT EXISTS {}.{} ({}, {SEQ_COLUMN} bigint NOT NULL, PRIMARY KEY ({}));\n",
                        quote(&schema),
                        quote(table),
                        cols.join(", "),
                        pk.join(", ")
                    ));
                } else {
                    for c in missing.keys() {
                        ddl.push_str(&format!("ALTER TABLE {}.{} ADD COLUMN IF NOT EXISTS {} text;\n", quote(&schema), quote(table), quote(c)));
                    }
                }
            }
        }
        if !ddl.is_empty() {
            self.client.batch_execute(&ddl).map_err(pg)?;
            let known = Self::load(&mut self.client, &schema)?;
            self.known = Some((schema.clone(), known));
        }

        // Statements and their arguments, prepared before the transaction opens.
        let known = self.known.as_ref().map(|(_, k)| k.clone()).unwrap_or_default();
        let mut work: Vec<(Statement, Vec<Values>, i64)> = Vec::new();
        for (table, rows) in &tables {
            let types = known.get(table).ok_or_else(|| target(format!("table {table} is missing in PostgreSQL")))?;
            let ty = |c: &str| types.get(c).copied().unwrap_or(PgType::Text);
            // Upserts grouped by their column set, deletes by their key columns.
            let mut upserts: BTreeMap<(Vec<String>, Vec<String>), Vec<&Last>> = BTreeMap::new();
            let mut deletes: BTreeMap<Vec<String>, Vec<&Last>> = BTreeMap::new();
            for l in rows.values() {
                let pk: Vec<String> = l.pk.keys().cloned().collect();
                if l.delete {
                    deletes.entry(pk).or_default().push(l);
                } else {
                    upserts.entry((l.row.keys().cloned().collect(), pk)).or_default().push(l);
                }
            }
            for ((cols, pk), group) in upserts {
                let key = format!("u\u{1}{table}\u{1}{}\u{1}{}", cols.join("\u{1}"), pk.join("\u{1}"));
                let st = self.statement(key, || {
                    let t = format!("{}.{}", quote(&schema), quote(table));
                    let names: Vec<String> = cols.iter().map(|c| quote(c)).chain([SEQ_COLUMN.to_string()]).collect();
                    let arrays: Vec<String> =
                        cols.iter().map(|c| ty(c).sql()).chain(["bigint"]).enumerate().map(|(i, s)| format!("${}::{s}[]", i + 1)).collect();
                    let sets: Vec<String> = cols
                        .iter()
                        .filter(|c| !pk.contains(c))
                        .map(|c| quote(c))
                        .chain([SEQ_COLUMN.to_string()])
                        .map(|c| format!("{c} = EXCLUDED.{c}"))
                        .collect();
                    format!(
                        "INSERT INTO {t} AS t ({}) SELECT * FROM unnest({}) ON CONFLICT ({}) DO UPDATE SET {} WHERE t.{SEQ_COLUMN} < EXCLUDED.{SEQ_COLUMN}",
                        names.join(", "),
                        arrays.join(", "),
                        pk.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
                        sets.join(", ")
                    )
                })?;
                let mut vals: Vec<Values> = cols.iter().map(|c| Values::new(ty(c), group.len())).collect();
                let mut seqs = Vec::with_capacity(group.len());
                for l in &group {
                    for (c, v) in cols.iter().zip(vals.iter_mut()) {
                        v.push(l.row.get(c), table, c)?;
                    }
                    seqs.push(Some(l.seq));
                }
                vals.push(Values::Int(seqs));
                work.push((st, vals, group.len() as i64));
            }
            for (pk, group) in deletes {
                let key = format!("d\u{1}{table}\u{1}{}", pk.join("\u{1}"));
                let st = self.statement(key, || {
                    let arrays: Vec<String> = pk.iter().map(|c| ty(c).sql()).chain(["bigint"]).enumerate().map(|(i, s)| format!("${}::{s}[]", i + 1)).collect();
                    let names: Vec<String> = pk.iter().map(|c| quote(c)).chain([SEQ_COLUMN.to_string()]).collect();
                    let on: Vec<String> = pk.iter().map(|c| format!("t.{0} = d.{0}", quote(c))).collect();
                    format!(
                        "DELETE FROM {}.{} AS t USING unnest({}) AS d({}) WHERE {} AND t.{SEQ_COLUMN} < d.{SEQ_COLUMN}",
                        quote(&schema),
                        quote(table),
                        arrays.join(", "),
                        names.join(", "),
                        on.join(" AND ")
                    )
                })?;
                let mut vals: Vec<Values> = pk.iter().map(|c| Values::new(ty(c), group.len())).collect();
                let mut seqs = Vec::with_capacity(group.len());
                for l in &group {
                    for (c, v) in pk.iter().zip(vals.iter_mut()) {
                        v.push(l.pk.get(c), table, c)?;
                    }
                    seqs.push(Some(l.seq));
                }
                vals.push(Values::Int(seqs));
                work.push((st, vals, group.len() as i64));
            }
        }

        let s = quote(&schema);
        let mut tx = self.client.transaction().map_err(pg)?;
        let cursor = tx
            .query_opt(&format!("SELECT generation, last_seq FROM {s}.{META_TABLE} WHERE tenant_id = $1 FOR UPDATE"), &[&tenant])
            .map_err(pg)?;
        let Some(cursor) = cursor else {
            return Err(target(format!("PostgreSQL holds no snapshot of company {}: resync the sink", meta.company_code)));
        };
        let (generation, last_seq): (i64, i64) = (cursor.get(0), cursor.get(1));
        if generation != meta.generation {
            return Err(target(format!("PostgreSQL holds generation {generation} of company {}, this run writes {}", meta.company_code, meta.generation)));
        }
        let Some(last) = batch.changes.last() else { return Ok(()) };
        if last.seq <= last_seq {
            // Already applied (another exporter got there first): nothing goes backwards.
            return Ok(());
        }
        if batch.first_seq() <= last_seq {
            // Part of the batch is here already: apply only what follows the cursor.
            let rest = Batch { changes: batch.changes.iter().filter(|c| c.seq > last_seq).cloned().collect() };
            drop(tx);
            return self.apply_inner(meta, &rest);
        }
        for (st, vals, _) in &work {
            let params: Vec<&(dyn ToSql + Sync)> = vals.iter().map(Values::param).collect();
            tx.execute(st, &params).map_err(pg)?;
        }
        tx.execute(
            &format!("UPDATE {s}.{META_TABLE} SET last_seq = $2, last_digest = $3, schema_version = GREATEST(schema_version, $4), updated_at = now() WHERE tenant_id = $1"),
            &[&tenant, &last.seq, &last.digest(), &version],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(())
    }
}

impl SinkTarget for PgSink {
    fn position(&mut self, meta: &Meta<'_>) -> Result<Option<Position>, SyncError> {
        let schema = schema_name(meta.source_id);
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&format!("{}.{META_TABLE}", quote(&schema))])
            .map_err(pg)?
            .get(0);
        if !exists {
            return Ok(None);
        }
        let row = self
            .client
            .query_opt(&format!("SELECT source_id, generation, last_seq, last_digest FROM {}.{META_TABLE} WHERE tenant_id = $1", quote(&schema)), &[&meta.tenant_id.0])
            .map_err(pg)?;
        Ok(row.map(|r| Position { source_id: r.get(0), generation: r.get(1), last_seq: r.get(2), last_digest: r.get(3) }))
    }

    fn begin_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        self.rollback_snapshot();
        self.ensure(meta)?;
        let (schema, known) = self.known.clone().ok_or_else(|| target("the schema is not loaded"))?;
        let s = quote(&schema);
        let tenant = meta.tenant_id.0;
        self.client.batch_execute("BEGIN").map_err(pg)?;
        self.snapshot = Some(Snapshot { seq, tenant });
        let result = (|| {
            // Hold the company's cursor while its rows are replaced.
            self.client
                .execute(&format!("SELECT 1 FROM {s}.{META_TABLE} WHERE tenant_id = $1 FOR UPDATE"), &[&tenant])
                .map_err(pg)?;
            let mut names: Vec<&String> = known.keys().filter(|t| t.as_str() != META_TABLE).collect();
            names.sort();
            for t in names {
                let cols = &known[t];
                let owner = if t == "companies" { "id" } else { "tenant_id" };
                if cols.contains_key(owner) {
                    self.client.execute(&format!("DELETE FROM {s}.{} WHERE {} = $1", quote(t), quote(owner)), &[&tenant]).map_err(pg)?;
                }
            }
            Ok(())
        })();
        if result.is_err() {
            self.rollback_snapshot();
        }
        result
    }

    fn snapshot_rows(&mut self, table: &TableInfo, rows: &[(String, String)]) -> Result<(), SyncError> {
        let result = self.snapshot_rows_inner(table, rows);
        if result.is_err() {
            self.rollback_snapshot();
        }
        result
    }

    fn finish_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        if self.snapshot.is_none() {
            return Err(target("no snapshot begun"));
        }
        let s = quote(&schema_name(meta.source_id));
        let result = self
            .client
            .execute(
                &format!(
                    "INSERT INTO {s}.{META_TABLE} (tenant_id, company, source_id, generation, last_seq, last_digest, schema_version, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6, now()) ON CONFLICT (tenant_id) DO UPDATE SET company = EXCLUDED.company, \
                     source_id = EXCLUDED.source_id, generation = EXCLUDED.generation, last_seq = EXCLUDED.last_seq, last_digest = NULL, \
                     schema_version = EXCLUDED.schema_version, updated_at = EXCLUDED.updated_at"
                ),
                &[&meta.tenant_id.0, &meta.company_code, &meta.source_id, &meta.generation, &seq, &meta.schema_version],
            )
            .map_err(pg)
            .and_then(|_| self.client.batch_execute("COMMIT").map_err(pg));
        match result {
            Ok(()) => {
                self.snapshot = None;
                Ok(())
            }
            Err(e) => {
                self.rollback_snapshot();
                Err(e)
            }
        }
    }

    fn apply(&mut self, meta: &Meta<'_>, batch: &Batch) -> Result<(), SyncError> {
        if batch.changes.is_empty() {
            return Ok(());
        }
        self.apply_inner(meta, batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_named_for_the_source() {
        assert_eq!(schema_name("5F1C2B3A-9d8e-4f00-8abc-0123456789ab"), "cora_5f1c2b3a9d8e");
        assert_eq!(schema_name("x\"; DROP"), "cora_d");
    }

    #[test]
    fn declared_types_follow_sqlite_affinity() {
        assert_eq!(PgType::of_decl("INTEGER"), PgType::Int);
        assert_eq!(PgType::of_decl("bigint"), PgType::Int);
        assert_eq!(PgType::of_decl("VARCHAR(20)"), PgType::Text);
        assert_eq!(PgType::of_decl("REAL"), PgType::Float);
        assert_eq!(PgType::of_decl("BLOB"), PgType::Text);
        assert_eq!(PgType::of_decl(""), PgType::Text);
    }

    #[test]
    fn copy_fields_are_escaped_and_values_checked() {
        let mut out = Vec::new();
        copy_field(&mut out, Some(&Value::String("a\tb\\c\nd".into())));
        copy_field(&mut out, None);
        copy_field(&mut out, Some(&serde_json::json!(42)));
        assert_eq!(out, b"a\\tb\\\\c\\nd\\N42");
        let mut v = Values::new(PgType::Int, 1);
        assert!(v.push(Some(&serde_json::json!("twelve")), "t", "c").is_err());
        assert!(v.push(Some(&serde_json::json!(1.5)), "t", "c").is_err());
        assert!(v.push(Some(&serde_json::json!("12")), "t", "c").is_ok());
        let mut t = Values::new(PgType::Text, 1);
        assert!(t.push(Some(&serde_json::json!(3)), "t", "c").is_ok());
    }
}
