//! SQL for countries, states and cities (global tables: no tenant).

use super::model::*;
use crate::keys::fold;
use crate::list::like_pattern;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub fn list_countries(db: &Connection, search: Option<&str>) -> Result<Vec<Country>> {
    let mut stmt = db.prepare_cached(
        "SELECT code, alpha3, numeric, name FROM countries
         WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR code LIKE ?1 ESCAPE '\\' OR alpha3 LIKE ?1 ESCAPE '\\'
         ORDER BY name",
    )?;
    let rows = stmt.query_map([search.and_then(like_pattern)], |r| Ok(Country { code: r.get(0)?, alpha3: r.get(1)?, numeric: r.get(2)?, name: r.get(3)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_country(db: &Connection, code: &str) -> Result<Country> {
    db.prepare_cached("SELECT code, alpha3, numeric, name FROM countries WHERE code = ?1")?
        .query_row([code.trim().to_ascii_uppercase()], |r| {
            Ok(Country { code: r.get(0)?, alpha3: r.get(1)?, numeric: r.get(2)?, name: r.get(3)? })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("country", code))
}

fn state_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<State> {
    Ok(State { id: r.get(0)?, country_code: r.get(1)?, code: r.get(2)?, name: r.get(3)?, kind: r.get(4)? })
}

pub fn list_states(db: &Connection, country: &str, search: Option<&str>) -> Result<Vec<State>> {
    let mut stmt = db.prepare_cached(
        "SELECT id, country_code, code, name, kind FROM states
         WHERE country_code = ?1 AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' OR code LIKE ?2 ESCAPE '\\')
         ORDER BY name",
    )?;
    let rows = stmt.query_map(params![country.trim().to_ascii_uppercase(), search.and_then(like_pattern)], state_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_state(db: &Connection, id: i64) -> Result<State> {
    db.prepare_cached("SELECT id, country_code, code, name, kind FROM states WHERE id = ?1")?
        .query_row([id], state_row)
        .optional()?
        .ok_or_else(|| Error::not_found("state", id))
}

pub fn get_state_by_code(db: &Connection, code: &str) -> Result<Option<State>> {
    Ok(db
        .prepare_cached("SELECT id, country_code, code, name, kind FROM states WHERE code = ?1")?
        .query_row([code.trim().to_ascii_uppercase()], state_row)
        .optional()?)
}

fn city_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<City> {
    Ok(City { id: r.get(0)?, state_id: r.get(1)?, name: r.get(2)? })
}

pub fn list_cities(db: &Connection, state: i64, search: Option<&str>, limit: u32) -> Result<Vec<City>> {
    let mut stmt = db.prepare_cached(
        "SELECT id, state_id, name FROM cities WHERE state_id = ?1 AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\')
         ORDER BY name_key LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![state, search.and_then(like_pattern), limit], city_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_city(db: &Connection, id: i64) -> Result<City> {
    db.prepare_cached("SELECT id, state_id, name FROM cities WHERE id = ?1")?
        .query_row([id], city_row)
        .optional()?
        .ok_or_else(|| Error::not_found("city", id))
}

pub fn find_city(db: &Connection, state: i64, name: &str) -> Result<Option<City>> {
    Ok(db
        .prepare_cached("SELECT id, state_id, name FROM cities WHERE state_id = ?1 AND name_key = ?2")?
        .query_row(params![state, fold(name)], city_row)
        .optional()?)
}

pub fn insert_city(db: &Connection, state: i64, name: &str, now: DateTime<Utc>) -> Result<City> {
    db.prepare_cached("INSERT INTO cities (state_id, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![state, name, fold(name), now])?;
    get_city(db, db.last_insert_rowid())
}
