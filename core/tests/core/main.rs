//! cora-core's integration tests: one binary, one module per area (mirrors `src/`).
//! Every test works on a real SQLite file in a temp dir through the real command layer.

mod accounting;
mod accounting_io;
mod accounting_props;
mod accounting_reports;
mod api_tokens;
mod audit;
mod auth;
mod bad_input;
mod bindings;
mod catalog;
mod edges;
mod finance;
mod errors;
mod inventory;
mod inventory_props;
mod stocktaking;
mod isolation;
mod keys;
mod partners;
mod prefs;
mod production;
mod rbac;
mod replenish;
mod store;
mod sync;
mod trade;
mod trade_print;
mod trade_props;
mod transit;
mod valuation;
mod valuation_props;

use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Result};
use rusqlite::Connection;
use serde_json::Value;

/// The error code of a call's result, `None` when it succeeded.
pub fn code_of(r: &Result<Value>) -> Option<ErrorCode> {
    r.as_ref().err().map(|e| e.code())
}

pub fn audit_count(app: &TestApp) -> i64 {
    app.cora.store().conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
}

/// Every row of every table except `skip`, as text: two equal dumps mean nothing was
/// written. Tables are read in name order and rows in rowid (or key) order.
pub fn dump(conn: &Connection, skip: &[&str]) -> String {
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables.retain(|t| !skip.contains(&t.as_str()) && !is_fts_shadow(conn, t));
    let mut out = String::new();
    for t in tables {
        out.push_str(&format!("## {t}\n"));
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = row.get(i).unwrap();
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
    }
    out
}

/// FTS5 keeps its index in shadow tables whose layout is not ours to compare.
fn is_fts_shadow(conn: &Connection, table: &str) -> bool {
    ["_data", "_idx", "_docsize", "_config", "_content"].iter().any(|s| {
        table.strip_suffix(s).is_some_and(|base| {
            conn.query_row(
                "SELECT 1 FROM sqlite_schema WHERE name = ?1 AND sql LIKE '%VIRTUAL TABLE%'",
                [base],
                |_| Ok(()),
            )
            .is_ok()
        })
    })
}

/// The tables a sign-in writes to by design (sessions; failures are recorded).
pub const SIGN_IN_TABLES: &[&str] = &["sessions", "login_failures"];
