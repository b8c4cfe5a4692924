use crate::ids::id_type;
use crate::locations::model::Address;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(PartnerId, PartnerAddressId, ContactId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Billing,
    Shipping,
    Other,
}

impl AddressKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressKind::Billing => "billing",
            AddressKind::Shipping => "shipping",
            AddressKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "billing" => Some(AddressKind::Billing),
            "shipping" => Some(AddressKind::Shipping),
            "other" => Some(AddressKind::Other),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    Customer,
    Supplier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PartnerAddress {
    pub id: PartnerAddressId,
    pub kind: AddressKind,
    pub is_default: bool,
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Their role at the partner (Buyer, Accounts payable, ...).
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Partner {
    pub id: PartnerId,
    pub code: String,
    pub name: String,
    pub legal_name: String,
    pub tax_id: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub is_customer: bool,
    pub is_supplier: bool,
    pub payment_terms_days: u32,
    #[ts(type = "string")]
    pub credit_limit: Decimal,
    pub currency: String,
    /// The language of the documents printed for them (`en`, `de`); '' = the company's.
    pub language: String,
    pub notes: String,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub addresses: Vec<PartnerAddress>,
    pub contacts: Vec<Contact>,
}

/// One line of the partners list.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PartnerRow {
    pub id: PartnerId,
    pub code: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub tax_id: String,
    pub is_customer: bool,
    pub is_supplier: bool,
    /// The city name and country code of the partner's billing address: the default
    /// billing address, else the first billing address, else the first address of any
    /// kind. `city_name` is null when that address names no city.
    pub city_name: Option<String>,
    pub country_code: Option<String>,
    pub currency: String,
    pub archived: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartnerAddressInput {
    /// An existing address's id when updating it; absent for a new one.
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<PartnerAddressId>,
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<AddressKind>,
    #[serde(default)]
    #[ts(optional)]
    pub is_default: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub line1: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub line2: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub postal_code: Option<String>,
    pub country_code: String,
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub state_id: Option<i64>,
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub city_id: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<ContactId>,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub role: Option<String>,
}

/// The fields of a partner. On create, absent fields take their defaults (a customer,
/// no terms, no credit, the company's currency); on update, absent fields stay, and a
/// given `addresses` or `contacts` list replaces the old one (items with an `id` are
/// kept and changed, the others added, the missing removed).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartnerFields {
    #[serde(default)]
    #[ts(optional)]
    pub code: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub legal_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub tax_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub website: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub is_customer: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub is_supplier: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub payment_terms_days: Option<i64>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub credit_limit: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// The language of their printed documents: `en`, `de`, or '' for the company's.
    #[serde(default)]
    #[ts(optional)]
    pub language: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub addresses: Option<Vec<PartnerAddressInput>>,
    #[serde(default)]
    #[ts(optional)]
    pub contacts: Option<Vec<ContactInput>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnerArgs {
    pub id: PartnerId,
    pub changes: PartnerFields,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetPartnerArchivedArgs {
    pub id: PartnerId,
    pub archived: bool,
}

/// Search, sort and paging, plus the partner filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListPartnersArgs {
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<crate::list::ListQuery>,
    /// Only customers, or only suppliers.
    #[serde(default)]
    #[ts(optional)]
    pub role: Option<PartnerRole>,
}
