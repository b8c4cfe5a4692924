//! Keys that make codes and names unique without regard to case.
//!
//! A key is [`fold`] of the text, computed here in Rust and nowhere else: never with
//! SQLite's `lower()` (which folds ASCII only, so `ÉCOLE` and `école` would get two keys)
//! and never with `COLLATE NOCASE` (ASCII only too). Each key lives in its own column
//! (`companies.code_key`, `partners.code_key`, `products.sku_key`, `units.code_key`,
//! `brands.name_key`, `categories.name_key`, `attributes.name_key`,
//! `attribute_values.name_key`, `cities.name_key`, `users.email_key`, `roles.name_key`) under a unique
//! index; lookups compare the stored key with `fold(input)`, and imports key their maps
//! the same way, so the database, the commands and the imports always agree.
//!
//! Rows written before a key column existed get their keys when the file is opened
//! ([`backfill`], called by [`crate::Cora::open`]): a NULL key means "not folded yet".

use crate::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// The key of a code or name: trimmed, then lower-cased by Unicode's rules
/// (`str::to_lowercase`), so `" ÉCOLE "` and `"école"` share the key `"école"`. No
/// Unicode normalization is applied: a precomposed `é` and `e` + combining accent stay
/// two keys (inputs arrive precomposed from every keyboard and file we know).
pub fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The tables whose new key columns (V4, V5) start NULL: (table, text column, key column).
const NEW_KEYS: &[(&str, &str, &str)] = &[
    ("categories", "name", "name_key"),
    ("brands", "name", "name_key"),
    ("units", "code", "code_key"),
    ("attributes", "name", "name_key"),
    ("attribute_values", "name", "name_key"),
    ("products", "sku", "sku_key"),
    // V5
    ("roles", "name", "name_key"),
];

/// The tables whose key column predates V4 and held SQLite's ASCII-only `lower()`; V4
/// lists them in `key_refolds` until [`backfill`] has refolded them once.
const REFOLDED_KEYS: &[(&str, &str, &str)] = &[("companies", "code", "code_key"), ("partners", "code", "code_key")];

/// Gives every row its key, in one transaction: rows with a NULL key, and once after V4
/// the rows of `companies` and `partners` whose code is not plain ASCII (the only ones
/// `lower()` may have folded differently). A row whose key another row already holds
/// (two codes that only Unicode case tells apart, allowed before V4) keeps its NULL or
/// old key, and so stays out of key lookups until it is renamed. Cheap when nothing is
/// due: partial indexes hold just the unkeyed rows.
pub fn backfill(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (table, col, key) in NEW_KEYS {
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!("SELECT id, {col} FROM {table} WHERE {key} IS NULL"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        set_keys(&tx, table, key, rows)?;
    }
    for (table, col, key) in REFOLDED_KEYS {
        let due = tx.query_row("SELECT 1 FROM key_refolds WHERE table_name = ?1", [table], |_| Ok(())).optional()?.is_some();
        if !due {
            continue;
        }
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!("SELECT id, {col} FROM {table} WHERE {col} GLOB '*[^ -~]*'"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        set_keys(&tx, table, key, rows)?;
        tx.execute("DELETE FROM key_refolds WHERE table_name = ?1", [table])?;
    }
    tx.commit()?;
    Ok(())
}

fn set_keys(tx: &Connection, table: &str, key: &str, rows: Vec<(i64, String)>) -> Result<()> {
    let mut update = tx.prepare(&format!("UPDATE OR IGNORE {table} SET {key} = ?2 WHERE id = ?1"))?;
    for (id, text) in rows {
        // OR IGNORE: a key another row holds leaves this row as it was (see `backfill`).
        update.execute(params![id, fold(&text)])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_trimmed_unicode_lower_case() {
        assert_eq!(fold(" ÉCOLE "), "école");
        assert_eq!(fold("école"), fold("ÉCOLE"));
        assert_eq!(fold("STRASSE"), "strasse");
        assert_eq!(fold("ΑΘΗΝΑ"), "αθηνα");
        assert_eq!(fold("abc-1"), "abc-1");
    }
}
