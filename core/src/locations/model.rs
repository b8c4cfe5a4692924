use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub alpha3: String,
    pub numeric: u16,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct State {
    #[ts(type = "number")]
    pub id: i64,
    pub country_code: String,
    /// ISO 3166-2, e.g. `US-CA`.
    pub code: String,
    pub name: String,
    /// State, Province, Region, ...
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct City {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub state_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCountriesArgs {
    /// Part of the name or code.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListStatesArgs {
    pub country_code: String,
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCitiesArgs {
    #[ts(type = "number")]
    pub state_id: i64,
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// At most this many (default 100, at most 1000).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateCityArgs {
    #[ts(type = "number")]
    pub state_id: i64,
    pub name: String,
}

/// An address as stored and shown: ids plus the names they stand for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub postal_code: String,
    pub country_code: String,
    pub country_name: String,
    #[ts(type = "number | null")]
    pub state_id: Option<i64>,
    pub state_name: Option<String>,
    #[ts(type = "number | null")]
    pub city_id: Option<i64>,
    pub city_name: Option<String>,
}

/// An address as given: the city and state by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    #[serde(default)]
    #[ts(optional)]
    pub line1: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub line2: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub state_id: Option<i64>,
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub city_id: Option<i64>,
}
