//! Location rules: city creation and address checks.

use crate::error::FieldCode;
use super::model::*;
use super::repo;
use crate::command::Ctx;
use crate::validate::Checker;
use crate::{Error, Result};
use rusqlite::Connection;
use serde_json::json;

pub fn list_countries(ctx: &mut Ctx<'_>, a: ListCountriesArgs) -> Result<Vec<Country>> {
    repo::list_countries(ctx.db(), a.search.as_deref())
}

pub fn list_states(ctx: &mut Ctx<'_>, a: ListStatesArgs) -> Result<Vec<State>> {
    repo::get_country(ctx.db(), &a.country_code).map_err(|_| Error::field("country_code", FieldCode::InvalidCountry))?;
    repo::list_states(ctx.db(), &a.country_code, a.search.as_deref())
}

pub fn list_cities(ctx: &mut Ctx<'_>, a: ListCitiesArgs) -> Result<Vec<City>> {
    repo::get_state(ctx.db(), a.state_id).map_err(|_| Error::field("state_id", FieldCode::NotFound.with("entity", "state")))?;
    repo::list_cities(ctx.db(), a.state_id, a.search.as_deref(), a.limit.unwrap_or(100).clamp(1, 1000))
}

/// A city's name as `create_city` takes it: trimmed, 1 to 100 characters, no control
/// characters. Every path that adds a city (a partner import too) checks it here.
pub fn check_city_name(c: &mut Checker, field: &str, name: &str) -> String {
    c.required(field, name, 100)
}

pub fn create_city(ctx: &mut Ctx<'_>, a: CreateCityArgs) -> Result<City> {
    let mut c = Checker::new();
    let name = check_city_name(&mut c, "name", &a.name);
    c.finish()?;
    repo::get_state(ctx.db(), a.state_id).map_err(|_| Error::field("state_id", FieldCode::NotFound.with("entity", "state")))?;
    if repo::find_city(ctx.db(), a.state_id, &name)?.is_some() {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "city")));
    }
    let city = repo::insert_city(ctx.db(), a.state_id, &name, ctx.now)?;
    ctx.audit("city", city.id, json!({"name": city.name, "state_id": city.state_id}));
    Ok(city)
}

/// An address that passed its checks, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAddress {
    pub line1: String,
    pub line2: String,
    pub postal_code: String,
    pub country_code: String,
    pub state_id: Option<i64>,
    pub city_id: Option<i64>,
}

/// Checks an address: a known country, a state of that country, a city of that state.
/// Field errors are named `{prefix}.country_code` and so on.
pub fn check_address(db: &Connection, c: &mut Checker, prefix: &str, a: &AddressInput) -> Result<CheckedAddress> {
    let f = |name: &str| format!("{prefix}.{name}");
    let line1 = c.optional(&f("line1"), a.line1.as_deref().unwrap_or(""), 200);
    let line2 = c.optional(&f("line2"), a.line2.as_deref().unwrap_or(""), 200);
    let postal_code = c.optional(&f("postal_code"), a.postal_code.as_deref().unwrap_or(""), 20);
    let country_code = a.country_code.trim().to_ascii_uppercase();
    if repo::get_country(db, &country_code).is_err() {
        c.push(&f("country_code"), FieldCode::InvalidCountry);
    } else if let Some(state_id) = a.state_id {
        match repo::get_state(db, state_id) {
            Ok(s) if s.country_code == country_code => {}
            Ok(_) => c.push(&f("state_id"), FieldCode::StateNotInCountry),
            Err(_) => c.push(&f("state_id"), FieldCode::NotFound.with("entity", "state")),
        }
    }
    if let Some(city_id) = a.city_id {
        match (repo::get_city(db, city_id), a.state_id) {
            (Err(_), _) => c.push(&f("city_id"), FieldCode::NotFound.with("entity", "city")),
            (Ok(_), None) => c.push(&f("state_id"), FieldCode::RequiredWithCity),
            (Ok(city), Some(s)) if city.state_id != s => c.push(&f("city_id"), FieldCode::CityNotInState),
            _ => {}
        }
    }
    Ok(CheckedAddress { line1, line2, postal_code, country_code, state_id: a.state_id, city_id: a.city_id })
}
