use crate::ids::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CompanyAddress {
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    /// State, province or region.
    #[serde(default)]
    pub region: String,
    /// ISO 3166-1 alpha-2, or empty.
    #[serde(default)]
    pub country_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Company {
    pub id: TenantId,
    pub code: String,
    pub name: String,
    pub legal_name: String,
    pub tax_id: String,
    pub base_currency: String,
    pub locale: String,
    pub timezone: String,
    pub fiscal_year_start_month: u8,
    pub address: CompanyAddress,
    pub color: String,
    /// Printed under the totals of invoices, orders and quotations: bank details, how to
    /// pay ('' = none).
    pub payment_instructions: String,
    /// Whether the company has a logo (`company.get_logo` gives it; documents print it).
    pub has_logo: bool,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The company's logo, printed at the head of its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CompanyLogo {
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Its size in pixels.
    pub width: u32,
    pub height: u32,
    /// The file, base64 (standard alphabet, padded).
    pub data_base64: String,
}

/// A new logo for the current company: a PNG or JPEG file of at most 512 KiB, base64.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetLogoArgs {
    pub data_base64: String,
}

/// What the company switcher shows.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CompanySummary {
    pub id: TenantId,
    pub code: String,
    pub name: String,
    pub color: String,
    pub initials: String,
    pub base_currency: String,
    pub locale: String,
    /// IANA time zone (`Europe/Berlin`): the UI shows the company's times in it.
    pub timezone: String,
    pub archived: bool,
    /// The caller's role in it (none for a superuser who is not a member).
    pub role: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateCompanyArgs {
    pub code: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub legal_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub tax_id: Option<String>,
    pub base_currency: String,
    #[serde(default)]
    #[ts(optional)]
    pub locale: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub timezone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub fiscal_year_start_month: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<CompanyAddress>,
    #[serde(default)]
    #[ts(optional)]
    pub color: Option<String>,
    /// The chart of accounts to start from (`generic`, the default), or `none` to set up
    /// the books later.
    #[serde(default)]
    #[ts(optional)]
    pub chart_template: Option<String>,
}

/// Changes to the current company; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateCompanyArgs {
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
    pub base_currency: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub locale: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub timezone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub fiscal_year_start_month: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<CompanyAddress>,
    #[serde(default)]
    #[ts(optional)]
    pub color: Option<String>,
    /// Bank details and the like for printed documents ('' clears them).
    #[serde(default)]
    #[ts(optional)]
    pub payment_instructions: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetArchivedArgs {
    pub id: TenantId,
    pub archived: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCompaniesArgs {
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}
