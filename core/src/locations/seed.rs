//! Writes ISO 3166 countries and subdivisions from the `rust_iso3166` crate.

use crate::Result;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Names the data source and its version; a change re-seeds.
pub const SOURCE: &str = "rust_iso3166 0.2.0 (ISO 3166-1 and ISO 3166-2)";

pub fn sync(conn: &mut Connection) -> Result<()> {
    let current: Option<String> =
        conn.query_row("SELECT version FROM reference_data WHERE name = 'iso3166'", [], |r| r.get(0)).optional()?;
    if current.as_deref() == Some(SOURCE) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut country = tx.prepare(
            "INSERT INTO countries (code, alpha3, numeric, name) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (code) DO UPDATE SET alpha3 = excluded.alpha3, numeric = excluded.numeric, name = excluded.name",
        )?;
        let mut state = tx.prepare(
            "INSERT INTO states (country_code, code, name, kind) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
        )?;
        for c in rust_iso3166::ALL {
            country.execute(params![c.alpha2, c.alpha3, c.numeric, c.name])?;
            for s in c.subdivisions().unwrap_or(&[]) {
                state.execute(params![c.alpha2, s.code, s.name, s.subdivision_type])?;
            }
        }
    }
    tx.execute(
        "INSERT INTO reference_data (name, version) VALUES ('iso3166', ?1) ON CONFLICT (name) DO UPDATE SET version = excluded.version",
        [SOURCE],
    )?;
    tx.commit()?;
    Ok(())
}
