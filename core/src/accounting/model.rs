//! The accounting types: what the commands take and return, and what the posting engine
//! takes from every module ([`EntryDraft`]).

use crate::ids::id_type;
use crate::partners::model::PartnerId;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(AccountId, FiscalYearId, PeriodId, JournalId, EntryId, TaxId, TaxGroupId);

macro_rules! str_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$v),)* _ => None }
            }
            pub fn allowed() -> String {
                [$($s,)*].join(", ")
            }
        }
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("bad {}: {s}", stringify!($name)).into()))
            }
        }
    };
}

str_enum! {
    /// The five account types. Assets and expenses have a debit balance; the others credit.
    pub enum AccountType {
        Asset = "asset",
        Liability = "liability",
        Equity = "equity",
        Income = "income",
        Expense = "expense",
    }
}

impl AccountType {
    /// Income and expense close to retained earnings at year end; the others carry forward.
    pub fn is_profit_and_loss(self) -> bool {
        matches!(self, AccountType::Income | AccountType::Expense)
    }
    /// +1 when the account's natural balance is a debit.
    pub fn debit_normal(self) -> bool {
        matches!(self, AccountType::Asset | AccountType::Expense)
    }
}

str_enum! {
    /// What an account is for: the later modules find their accounts by subtype, and the
    /// control subtypes (receivable, payable, inventory, taxes) carry posting rules.
    pub enum AccountSubtype {
        Bank = "bank",
        Cash = "cash",
        Receivable = "receivable",
        Payable = "payable",
        Inventory = "inventory",
        CurrentAsset = "current_asset",
        Prepayment = "prepayment",
        FixedAsset = "fixed_asset",
        Depreciation = "accumulated_depreciation",
        TaxCollected = "tax_collected",
        TaxPaid = "tax_paid",
        CurrentLiability = "current_liability",
        LongTermLiability = "long_term_liability",
        Grni = "goods_received_not_billed",
        Equity = "equity",
        RetainedEarnings = "retained_earnings",
        CurrentYearEarnings = "current_year_earnings",
        Income = "income",
        OtherIncome = "other_income",
        CostOfGoodsSold = "cost_of_goods_sold",
        Expense = "expense",
        ExchangeGainLoss = "exchange_gain_loss",
        Rounding = "rounding",
        Suspense = "suspense",
    }
}

impl AccountSubtype {
    /// The type an account of this subtype must have (None: any).
    pub fn account_type(self) -> Option<AccountType> {
        use AccountSubtype::*;
        Some(match self {
            Bank | Cash | Receivable | Inventory | CurrentAsset | Prepayment | FixedAsset | Depreciation | TaxPaid => AccountType::Asset,
            Payable | TaxCollected | CurrentLiability | LongTermLiability | Grni => AccountType::Liability,
            Equity | RetainedEarnings | CurrentYearEarnings => AccountType::Equity,
            Income | OtherIncome => AccountType::Income,
            CostOfGoodsSold | Expense => AccountType::Expense,
            ExchangeGainLoss | Rounding | Suspense => return None,
        })
    }
    /// A line on a receivable or payable account names its partner.
    pub fn needs_partner(self) -> bool {
        matches!(self, AccountSubtype::Receivable | AccountSubtype::Payable)
    }
    /// A control account: lines come from the module that owns it (see `ledger::post`).
    pub fn is_control(self) -> bool {
        matches!(self, AccountSubtype::Receivable | AccountSubtype::Payable | AccountSubtype::Inventory | AccountSubtype::TaxCollected | AccountSubtype::TaxPaid)
    }
}

str_enum! {
    pub enum JournalKind {
        Sales = "sales",
        Purchase = "purchase",
        Bank = "bank",
        Cash = "cash",
        Stock = "stock",
        General = "general",
        Opening = "opening",
        Closing = "closing",
    }
}

str_enum! {
    pub enum TaxKind {
        Sales = "sales",
        Purchase = "purchase",
    }
}

str_enum! {
    /// Where the tax of a document is rounded: on each line, or once per tax on the total.
    pub enum TaxRounding {
        Line = "line",
        Document = "document",
    }
}

str_enum! {
    pub enum RoundingMode {
        HalfUp = "half_up",
        HalfEven = "half_even",
    }
}

str_enum! {
    pub enum EntryState {
        Draft = "draft",
        Posted = "posted",
    }
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Account {
    pub id: AccountId,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub subtype: AccountSubtype,
    pub parent_id: Option<AccountId>,
    pub parent_code: Option<String>,
    pub is_group: bool,
    pub currency: Option<String>,
    pub reconcilable: bool,
    pub archived: bool,
    /// Debit minus credit over every posted line (base currency).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub balance: Decimal,
    pub has_postings: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub subtype: AccountSubtype,
    #[serde(default)]
    #[ts(optional)]
    pub parent_id: Option<AccountId>,
    #[serde(default)]
    #[ts(optional)]
    pub is_group: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub reconcilable: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountArgs {
    pub id: AccountId,
    pub account: AccountInput,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListAccountsArgs {
    /// Code or name contains (case-insensitive).
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
    /// Only accounts lines can post to (no groups).
    #[serde(default)]
    #[ts(optional)]
    pub postable_only: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// The accounts a company's other modules post to by default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AccountDefaults {
    pub receivable: Option<AccountId>,
    pub payable: Option<AccountId>,
    pub sales: Option<AccountId>,
    pub purchase: Option<AccountId>,
    pub inventory: Option<AccountId>,
    pub cogs: Option<AccountId>,
    pub grni: Option<AccountId>,
    pub rounding: Option<AccountId>,
    pub fx_gain: Option<AccountId>,
    pub fx_loss: Option<AccountId>,
    pub retained_earnings: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AccountingSettings {
    pub chart_template: String,
    pub base_currency: String,
    /// Nothing dated on or before it may be posted.
    pub lock_date: Option<NaiveDate>,
    pub tax_rounding: TaxRounding,
    pub tax_rounding_mode: RoundingMode,
    pub defaults: AccountDefaults,
    /// Currencies enabled besides the base currency.
    pub currencies: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub tax_rounding: Option<TaxRounding>,
    #[serde(default)]
    #[ts(optional)]
    pub tax_rounding_mode: Option<RoundingMode>,
    #[serde(default)]
    #[ts(optional)]
    pub defaults: Option<AccountDefaults>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetLockDateArgs {
    /// None clears the lock date.
    pub lock_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ApplyChartArgs {
    /// `generic` (the only chart shipped); others come in by `account.import`.
    pub template: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ChartTemplate {
    pub key: String,
    pub name: String,
    pub accounts: u32,
}

// ---------------------------------------------------------------- periods

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct FiscalYear {
    pub id: FiscalYearId,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub closed: bool,
    pub closing_entry_id: Option<EntryId>,
    pub periods: Vec<Period>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Period {
    pub id: PeriodId,
    pub fiscal_year_id: FiscalYearId,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub closed: bool,
    /// The year's closing period: it holds only the year-end closing entry.
    pub is_closing: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateFiscalYearArgs {
    /// Any date in the year to create.
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetPeriodClosedArgs {
    pub id: PeriodId,
    pub closed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FiscalYearArg {
    pub id: FiscalYearId,
}

// ---------------------------------------------------------------- currencies

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CurrencyInfo {
    pub code: String,
    pub name: String,
    pub minor_units: u32,
    pub enabled: bool,
    pub base: bool,
    /// The latest rate, with its date.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub latest_rate: Option<Decimal>,
    pub latest_rate_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetCurrencyEnabledArgs {
    pub currency: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ExchangeRate {
    pub currency: String,
    pub date: NaiveDate,
    /// Units of base currency for one unit of `currency`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetRateArgs {
    pub currency: String,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DeleteRateArgs {
    pub currency: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListRatesArgs {
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RateForArgs {
    pub currency: String,
    pub date: NaiveDate,
}

// ---------------------------------------------------------------- taxes

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Tax {
    pub id: TaxId,
    pub code: String,
    pub name: String,
    pub kind: TaxKind,
    /// Percent (19.5 for 19.5 %).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
    pub price_included: bool,
    pub collected_account_id: Option<AccountId>,
    pub paid_account_id: Option<AccountId>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TaxInput {
    pub code: String,
    pub name: String,
    pub kind: TaxKind,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub price_included: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub collected_account_id: Option<AccountId>,
    #[serde(default)]
    #[ts(optional)]
    pub paid_account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaxArgs {
    pub id: TaxId,
    pub tax: TaxInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxGroup {
    pub id: TaxGroupId,
    pub code: String,
    pub name: String,
    pub kind: TaxKind,
    pub tax_ids: Vec<TaxId>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TaxGroupInput {
    pub code: String,
    pub name: String,
    pub kind: TaxKind,
    pub tax_ids: Vec<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaxGroupArgs {
    pub id: TaxGroupId,
    pub group: TaxGroupInput,
}

/// One line of a document for the tax engine: an amount (net, or gross when a tax on it
/// is included in the price) and the taxes that apply to it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TaxLineInput {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[serde(default)]
    pub tax_ids: Vec<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ComputeTaxesArgs {
    pub currency: String,
    pub lines: Vec<TaxLineInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxLineResult {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub net: Decimal,
    /// Tax of this line (rounded per line under the `line` rule; unrounded otherwise).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub tax: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub gross: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxTotal {
    pub tax_id: TaxId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
}

/// A document's taxes: `net + tax + rounding = total`, always (EN 16931 BT-114).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxComputation {
    pub lines: Vec<TaxLineResult>,
    pub taxes: Vec<TaxTotal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub net: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub tax: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rounding: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
    pub rule: TaxRounding,
    pub mode: RoundingMode,
}

// ---------------------------------------------------------------- journals

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Journal {
    pub id: JournalId,
    pub code: String,
    pub name: String,
    pub kind: JournalKind,
    pub account_id: Option<AccountId>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct JournalInput {
    pub code: String,
    pub name: String,
    pub kind: JournalKind,
    #[serde(default)]
    #[ts(optional)]
    pub account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateJournalArgs {
    pub id: JournalId,
    pub journal: JournalInput,
}

// ---------------------------------------------------------------- entries

/// Where a ledger entry comes from: the module, the kind of document, its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Source {
    pub module: String,
    pub kind: String,
    #[ts(type = "number | null")]
    pub id: Option<i64>,
}

impl Source {
    pub fn manual() -> Source {
        Source { module: "accounting".into(), kind: "manual".into(), id: None }
    }
}

/// One line to post. Exactly one of `debit` and `credit` is non-zero, in base currency.
/// A line in another currency gives `currency` and `amount_currency` (signed: positive
/// for a debit); without `debit`/`credit` the engine converts it at the date's rate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LineDraft {
    pub account_id: Option<AccountId>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[serde(default)]
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub amount_currency: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub tax_id: Option<TaxId>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub tax_base: Option<Decimal>,
}

/// What every module hands the posting engine ([`crate::accounting::ledger::post`]).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct EntryDraft {
    pub journal_id: JournalId,
    pub date: NaiveDate,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub memo: String,
    pub lines: Vec<LineDraft>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct EntryLine {
    pub line_no: u32,
    pub account_id: Option<AccountId>,
    pub account_code: Option<String>,
    pub account_name: Option<String>,
    pub partner_id: Option<PartnerId>,
    pub partner_name: Option<String>,
    pub description: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    pub currency: Option<String>,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub amount_currency: Option<Decimal>,
    pub tax_id: Option<TaxId>,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub tax_base: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Entry {
    pub id: EntryId,
    pub journal_id: JournalId,
    pub journal_code: String,
    pub state: EntryState,
    pub number: Option<String>,
    pub date: NaiveDate,
    pub period_id: Option<PeriodId>,
    pub reference: String,
    pub memo: String,
    pub source: Source,
    /// The entry this one reverses.
    pub reverses_id: Option<EntryId>,
    pub reverses_number: Option<String>,
    /// The entry that reverses this one.
    pub reversed_by_id: Option<EntryId>,
    pub reversed_by_number: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total_debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total_credit: Decimal,
    pub lines: Vec<EntryLine>,
    pub created_at: DateTime<Utc>,
    pub posted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct EntryRow {
    pub id: EntryId,
    pub journal_code: String,
    pub state: EntryState,
    pub number: Option<String>,
    pub date: NaiveDate,
    pub reference: String,
    pub memo: String,
    pub source_module: String,
    pub source_kind: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
    pub reverses_id: Option<EntryId>,
    pub reversed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListEntriesArgs {
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub journal_id: Option<JournalId>,
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<EntryState>,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateDraftArgs {
    pub id: EntryId,
    pub entry: EntryDraft,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReverseArgs {
    pub id: EntryId,
    /// The reversal's date (default: the entry's own date).
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub memo: Option<String>,
}

/// What a posting returns.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PostedEntry {
    pub id: EntryId,
    pub number: String,
    pub date: NaiveDate,
    pub period_id: PeriodId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

// ---------------------------------------------------------------- check

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BalanceDrift {
    pub what: String,
    pub account_id: AccountId,
    pub partner_id: Option<PartnerId>,
    pub period_id: PeriodId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub maintained_debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub maintained_credit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub recomputed_debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub recomputed_credit: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LedgerCheck {
    pub ok: bool,
    pub entries: i64,
    pub lines: i64,
    /// Posted entries whose debits and credits differ.
    pub unbalanced_entries: Vec<EntryId>,
    /// Balance rows that differ from the sums of their lines.
    pub drift: Vec<BalanceDrift>,
    /// Series whose numbers skip or repeat a value.
    pub numbering_gaps: Vec<String>,
    /// Receivable and payable items that differ from their allocations or whose open
    /// amounts do not sum to their control account's balance.
    pub subledger: Vec<String>,
    /// Reconciled bank statements whose period changed in the books since.
    pub bank_assertions: Vec<String>,
    /// Sales and purchase report sums (`trade_sums`, `trade_cost_sums`) that differ from
    /// the posted invoices' lines and the sales orders' done moves.
    pub trade_sums: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DuplicateArgs {
    pub id: EntryId,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}
