//! The report types: what the `report.*` commands take and return. Amounts are base
//! currency (the consolidation: the target currency), exact decimals, strings on the wire.

use crate::accounting::model::{AccountId, AccountType, EntryId, JournalId, Source};
use crate::exchange::ExportFormat;
use crate::ids::TenantId;
use crate::partners::model::PartnerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A comparison column beside the current figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    #[default]
    None,
    /// The range of the same length just before (whole months shift by months).
    PreviousPeriod,
    /// The same range one year earlier.
    PreviousYear,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TrialBalanceArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TrialBalanceRow {
    pub account_id: AccountId,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// Debit minus credit before `from`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    /// Debit minus credit up to and including `to`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BalanceTotals {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TrialBalance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub rows: Vec<TrialBalanceRow>,
    /// Opening and closing totals are zero: every entry balances.
    pub totals: BalanceTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GeneralLedgerArgs {
    pub account_id: AccountId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only lines whose description, entry number, reference or partner contains this;
    /// each keeps the account's true running balance.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

/// One ledger line with the balance after it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LedgerLine {
    #[ts(type = "number")]
    pub line_id: i64,
    pub date: NaiveDate,
    pub entry_id: EntryId,
    pub entry_number: String,
    pub journal_code: String,
    pub account_id: AccountId,
    pub account_code: String,
    /// The line's description, else the entry's memo, else its reference.
    pub description: String,
    pub partner_id: Option<PartnerId>,
    pub partner_name: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    /// Running balance (debit minus credit) after this line.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub balance: Decimal,
    /// The document the entry comes from, so the UI can open it.
    pub source: Source,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct GeneralLedger {
    pub account_id: AccountId,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    /// Debit minus credit before `from`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    /// Debits and credits of the whole range (every page).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
    /// Lines in the range, in (date, line) order: this page.
    pub lines: Vec<LedgerLine>,
    #[ts(type = "number")]
    pub line_count: i64,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct JournalReportArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub journal_id: Option<JournalId>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct JournalReportLine {
    pub line_no: u32,
    pub account_id: AccountId,
    pub account_code: String,
    pub account_name: String,
    pub partner_name: Option<String>,
    pub description: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct JournalReportEntry {
    pub id: EntryId,
    pub number: String,
    pub date: NaiveDate,
    pub journal_code: String,
    pub reference: String,
    pub memo: String,
    pub source: Source,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
    pub lines: Vec<JournalReportLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct JournalReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    /// Posted entries in the range, in (date, id) order: this page.
    pub entries: Vec<JournalReportEntry>,
    /// Entries and the sum of their debits over the whole range.
    #[ts(type = "number")]
    pub count: i64,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProfitAndLossArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub compare: Option<Compare>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BalanceSheetArgs {
    pub date: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub compare: Option<Compare>,
}

/// A figure column of a statement: the current range, then the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StatementColumn {
    /// `current` or `comparison`.
    pub key: String,
    /// None for a balance sheet (balances since the beginning).
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A group account: its figures are the sum of the lines below it.
    Group,
    Account,
    /// A figure no account holds (the current year's earnings).
    Computed,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StatementLine {
    pub kind: LineKind,
    /// The account to drill into (none for a computed line).
    pub account_id: Option<AccountId>,
    pub code: String,
    pub name: String,
    /// Depth in the account tree, for indentation (0 = top).
    pub level: u32,
    /// One figure per column, shown positive when the line adds to its section.
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub amounts: Vec<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StatementSection {
    /// `income`, `expenses`, `assets`, `liabilities` or `equity`.
    pub key: String,
    pub lines: Vec<StatementLine>,
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub totals: Vec<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProfitAndLoss {
    pub currency: String,
    pub columns: Vec<StatementColumn>,
    /// Income, then expenses.
    pub sections: Vec<StatementSection>,
    /// Income minus expenses, per column.
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub net_profit: Vec<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BalanceSheet {
    pub currency: String,
    pub columns: Vec<StatementColumn>,
    /// Assets, liabilities, equity (with the current year's earnings).
    pub sections: Vec<StatementSection>,
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub total_assets: Vec<Decimal>,
    /// Equals `total_assets`, column by column.
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub total_liabilities_and_equity: Vec<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    Receivable,
    Payable,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartnerLedgerArgs {
    pub kind: PartnerKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// One partner: its lines too.
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PartnerLedgerRow {
    pub partner_id: PartnerId,
    pub partner_code: String,
    pub partner_name: String,
    /// Debit minus credit before `from`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub debit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub credit: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PartnerLedger {
    pub kind: PartnerKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub rows: Vec<PartnerLedgerRow>,
    pub totals: BalanceTotals,
    /// With `partner_id`: that partner's lines in the range, with the running balance.
    pub lines: Vec<LedgerLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsolidatedKind {
    TrialBalance,
    ProfitAndLoss,
    BalanceSheet,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CompanyRate {
    pub company_id: TenantId,
    /// Units of the target currency for one unit of the company's base currency.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConsolidatedArgs {
    pub companies: Vec<TenantId>,
    pub report: ConsolidatedKind,
    /// Ignored by the balance sheet, which is at `to`.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The target currency.
    pub currency: String,
    /// One rate per company whose base currency is not `currency`.
    #[serde(default)]
    pub rates: Vec<CompanyRate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConsolidatedColumn {
    pub company_id: TenantId,
    pub code: String,
    pub name: String,
    pub base_currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConsolidatedRow {
    /// The account type (trial balance) or the statement section (`income`, `expenses`,
    /// `assets`, `liabilities`, `equity`).
    pub section: String,
    /// Accounts are matched across companies by code; empty for a computed line.
    pub code: String,
    pub name: String,
    /// One figure per company column, translated and rounded to the target currency.
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub amounts: Vec<Decimal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConsolidatedTotal {
    /// `total` (trial balance), `income`, `expenses`, `net_profit`, `assets`,
    /// `liabilities`, `equity`, `liabilities_and_equity`.
    pub key: String,
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub amounts: Vec<Decimal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Consolidated {
    pub report: ConsolidatedKind,
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub columns: Vec<ConsolidatedColumn>,
    pub rows: Vec<ConsolidatedRow>,
    pub totals: Vec<ConsolidatedTotal>,
}

/// The reports that print as a [`ReportTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    TrialBalance,
    GeneralLedger,
    Journal,
    ProfitAndLoss,
    BalanceSheet,
    PartnerLedger,
    /// Inventory: `stock.report` (every page).
    StockReport,
    /// Inventory: `stock.to_reorder`.
    ToReorder,
    /// Inventory: `inventory.valuation`.
    StockValuation,
    /// Inventory: `stock.moves` of one product (every page).
    StockMoves,
    /// Trade: `sales.report` (by product, customer, category or month, with the margin).
    SalesReport,
    /// Trade: `purchase.report`.
    PurchaseReport,
    /// Trade: `sales.open_lines` (backorders, to invoice).
    SalesOpenLines,
    /// Trade: `purchase.open_lines` (to receive, to bill).
    PurchaseOpenLines,
    /// Finance: `finance.aging` (receivable or payable).
    Aging,
    /// Finance: `finance.partner_statement`.
    PartnerStatement,
    /// Finance: `finance.cash_position`.
    CashPosition,
    /// Finance: `finance.tax_report`.
    TaxReport,
    /// Finance: `finance.cash_flow`.
    CashFlow,
}

impl ReportKind {
    /// The permission a caller needs for this report, besides the `report.*` command's own
    /// (the books' reports need nothing more; stock needs its view; value its own).
    pub fn permission(self) -> &'static str {
        use crate::inventory::commands as inv;
        match self {
            ReportKind::TrialBalance | ReportKind::GeneralLedger | ReportKind::Journal | ReportKind::ProfitAndLoss | ReportKind::BalanceSheet | ReportKind::PartnerLedger => {
                crate::accounting::commands::VIEW
            }
            ReportKind::StockReport | ReportKind::ToReorder | ReportKind::StockMoves => inv::VIEW_STOCK,
            ReportKind::StockValuation => inv::VIEW_VALUATION,
            ReportKind::SalesReport | ReportKind::SalesOpenLines => crate::sales::VIEW,
            ReportKind::PurchaseReport | ReportKind::PurchaseOpenLines => crate::purchasing::VIEW,
            ReportKind::Aging | ReportKind::PartnerStatement | ReportKind::CashPosition | ReportKind::TaxReport | ReportKind::CashFlow => crate::finance::VIEW,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReportTableArgs {
    pub report: ReportKind,
    /// That report's own args.
    #[ts(type = "Record<string, unknown>")]
    pub args: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExportReportArgs {
    pub report: ReportKind,
    #[ts(type = "Record<string, unknown>")]
    pub args: serde_json::Value,
    pub format: ExportFormat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ReportTableColumn {
    pub label: String,
    /// Figures: right-aligned; exported as numbers.
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ReportTableRow {
    /// One text per column; figures as plain decimals (`-1234.50`), empty for none.
    pub cells: Vec<String>,
    /// Indentation of the first text column.
    pub level: u32,
    /// Headers, subtotals and totals.
    pub bold: bool,
}

/// A report as a printable table: CSV, XLSX and PDF all print this, so they show the
/// same figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ReportTable {
    pub title: String,
    pub subtitle: String,
    pub columns: Vec<ReportTableColumn>,
    pub rows: Vec<ReportTableRow>,
}
