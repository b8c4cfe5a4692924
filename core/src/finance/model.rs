//! The finance types: open items and their matches, payments, bank and cash accounts,
//! moves, statements and reconciliations, and the arguments of the `finance.*` and
//! `bank.*` commands.

use crate::accounting::model::{AccountId, EntryId, JournalId, TaxId};
use crate::ids::{id_type, str_enum};
use crate::partners::model::PartnerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(
    /// An open item: the id of its receivable or payable ledger line.
    ItemId,
    MatchId,
    PaymentId,
    BankAccountId,
    BankMoveId,
    StatementId,
    StatementLineId,
    BankRecId,
    BankRuleId,
    JournalLineId,
);

str_enum! {
    /// Whose money an item is: a customer's (receivable) or a supplier's (payable).
    pub enum ItemSide {
        Receivable = "receivable",
        Payable = "payable",
    }
}

str_enum! {
    pub enum PartnerSide {
        Customer = "customer",
        Supplier = "supplier",
    }
}

str_enum! {
    /// Money into the bank or cash account, or out of it.
    pub enum Direction {
        In = "in",
        Out = "out",
    }
}

str_enum! {
    pub enum BankKind {
        Bank = "bank",
        Cash = "cash",
    }
}

str_enum! {
    /// How far a document is paid: derived from its item's open amount.
    pub enum PayState {
        Unpaid = "unpaid",
        Partial = "partial",
        Paid = "paid",
    }
}

str_enum! {
    pub enum BankMoveKind {
        /// Money in without an invoice (interest, a cash sale, a deposit from the owner).
        Receipt = "receipt",
        /// Money out without an invoice (fees, a direct expense, a withdrawal).
        Expense = "expense",
        Transfer = "transfer",
        /// The difference a cash count found.
        Count = "count",
    }
}

impl PartnerSide {
    pub fn item_side(self) -> ItemSide {
        match self {
            PartnerSide::Customer => ItemSide::Receivable,
            PartnerSide::Supplier => ItemSide::Payable,
        }
    }
}

/// One open item as lists and allocation grids show it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OpenItem {
    pub id: ItemId,
    pub side: ItemSide,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub account_id: AccountId,
    pub entry_id: EntryId,
    /// The document's number (invoice, credit note, payment) or the entry's.
    pub document: String,
    /// invoice, credit, payment, refund, fx or entry.
    pub kind: String,
    /// The trade invoice behind the item, if any.
    #[ts(type = "number | null")]
    pub invoice_id: Option<i64>,
    pub payment_id: Option<PaymentId>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    /// Signed: positive is owed to the company (a receivable debit, a payable debit).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub open_amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub open_base: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OpenItemsArgs {
    pub side: ItemSide,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// Only items open at this date (default: now, by the maintained open amounts).
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<NaiveDate>,
    /// Include items fully matched (the partner's whole history).
    #[serde(default)]
    #[ts(optional)]
    pub include_closed: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// What to apply to one item (a positive amount in the item's currency).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ItemAmount {
    pub item_id: ItemId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
}

/// Match open items of one partner against each other: the amounts applied to the
/// debit items must equal those applied to the credit items.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AllocateArgs {
    pub items: Vec<ItemAmount>,
    /// Default: the latest of the items' dates.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UnallocateArgs {
    pub match_id: MatchId,
    /// Default: today (never before the match).
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct MatchRow {
    pub item_id: ItemId,
    pub document: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Match {
    pub id: MatchId,
    pub partner_id: PartnerId,
    pub date: NaiveDate,
    pub currency: String,
    /// The realised exchange difference posted with it.
    pub fx_entry_id: Option<EntryId>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub fx_amount: Decimal,
    pub reverses_id: Option<MatchId>,
    pub reversed_by: Option<MatchId>,
    pub rows: Vec<MatchRow>,
}

// --- payments ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub partner_side: PartnerSide,
    /// Default: in from a customer, out to a supplier; the other way is a refund.
    #[serde(default)]
    #[ts(optional)]
    pub direction: Option<Direction>,
    pub bank_account_id: BankAccountId,
    pub partner_id: PartnerId,
    pub date: NaiveDate,
    /// In the bank account's currency, positive.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    /// Base currency per unit of the account's currency (default: the rate on the date).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub rate: Option<Decimal>,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub memo: String,
    /// Items to allocate to; none and `auto_allocate` unset: the whole amount stays as
    /// the partner's credit.
    #[serde(default)]
    pub allocations: Vec<ItemAmount>,
    /// Allocate to the oldest open items (by due date) what `allocations` does not.
    #[serde(default)]
    #[ts(optional)]
    pub auto_allocate: Option<bool>,
    /// An early-payment discount taken on the allocated invoices (document currency),
    /// within the company's discount terms.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub discount: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PaymentAllocation {
    pub match_id: MatchId,
    pub item_id: ItemId,
    pub document: String,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Payment {
    pub id: PaymentId,
    pub number: String,
    pub partner_side: PartnerSide,
    pub direction: Direction,
    pub bank_account_id: BankAccountId,
    pub bank_account_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub date: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub discount: Decimal,
    pub reference: String,
    pub memo: String,
    pub entry_id: EntryId,
    pub item_id: ItemId,
    pub cancelled: bool,
    pub reconciled: bool,
    /// What is not allocated yet (the partner's credit from this payment).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unallocated: Decimal,
    pub allocations: Vec<PaymentAllocation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PaymentRow {
    pub id: PaymentId,
    pub number: String,
    pub partner_side: PartnerSide,
    pub direction: Direction,
    pub bank_account_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub date: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unallocated: Decimal,
    pub reference: String,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListPaymentsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub partner_side: Option<PartnerSide>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    #[ts(optional)]
    pub bank_account_id: Option<BankAccountId>,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CancelPaymentArgs {
    pub id: PaymentId,
    /// Default: the payment's date.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

/// Pay every supplier bill due by `due_by` from one bank account: one payment per
/// supplier (and currency of the account), allocated to those bills.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BatchPayArgs {
    pub bank_account_id: BankAccountId,
    pub due_by: NaiveDate,
    pub date: NaiveDate,
    /// Only these suppliers (default: all).
    #[serde(default)]
    pub partner_ids: Vec<PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BatchPayResult {
    pub payments: Vec<PaymentRow>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

// --- bank and cash accounts -------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BankAccount {
    pub id: BankAccountId,
    pub kind: BankKind,
    pub name: String,
    pub journal_id: JournalId,
    pub journal_code: String,
    pub account_id: AccountId,
    pub account_code: String,
    pub currency: String,
    pub iban: String,
    pub number: String,
    pub bic: String,
    pub csv_mapping: Option<super::statements::CsvMapping>,
    pub archived: bool,
    /// The book balance now, in the account's currency.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub balance: Decimal,
    /// Statement lines not reconciled yet.
    pub unreconciled: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BankAccountInput {
    pub kind: BankKind,
    pub name: String,
    /// Default: the base currency.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub bic: String,
    /// An existing bank or cash ledger account with no bank account yet; default: a new
    /// one under the chart's bank (or cash) accounts.
    #[serde(default)]
    #[ts(optional)]
    pub account_id: Option<AccountId>,
    /// The journal's code (default: derived from the name).
    #[serde(default)]
    #[ts(optional)]
    pub journal_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateBankAccountArgs {
    pub id: BankAccountId,
    pub name: String,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub bic: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetCsvMappingArgs {
    pub id: BankAccountId,
    pub mapping: Option<super::statements::CsvMapping>,
}

/// Money in or out without an invoice.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BankMoveInput {
    pub bank_account_id: BankAccountId,
    pub kind: BankMoveKind,
    pub date: NaiveDate,
    /// Positive, in the account's currency; `kind` says in or out.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub counter_account_id: AccountId,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    /// A tax included in the amount (its base and tax are booked apart).
    #[serde(default)]
    #[ts(optional)]
    pub tax_id: Option<TaxId>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    pub from_account_id: BankAccountId,
    pub to_account_id: BankAccountId,
    pub date: NaiveDate,
    /// Leaving the first account, in its currency.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    /// Arriving in the second account, in its currency (required when they differ).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub received: Option<Decimal>,
    /// A bank fee charged on top to the first account, booked to `fee_account_id`.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub fee: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub fee_account_id: Option<AccountId>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CashCountArgs {
    pub bank_account_id: BankAccountId,
    pub date: NaiveDate,
    /// What was counted.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub counted: Decimal,
    /// Where a difference goes (default: the company's cash difference account).
    #[serde(default)]
    #[ts(optional)]
    pub account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashCount {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub book: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub counted: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub difference: Decimal,
    pub move_id: Option<BankMoveId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BankMove {
    pub id: BankMoveId,
    pub bank_account_id: BankAccountId,
    pub kind: BankMoveKind,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub counter_account_id: Option<AccountId>,
    pub partner_id: Option<PartnerId>,
    pub tax_id: Option<TaxId>,
    pub description: String,
    pub reference: String,
    pub entry_id: EntryId,
    pub entry_number: String,
}

/// One ledger line of a bank or cash account (the book side of reconciliation).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BookLine {
    pub id: JournalLineId,
    pub entry_id: EntryId,
    pub entry_number: String,
    pub date: NaiveDate,
    /// Signed, the account's currency: + money in.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub partner_id: Option<PartnerId>,
    pub partner_name: Option<String>,
    pub reference: String,
    pub description: String,
    pub payment_id: Option<PaymentId>,
    pub rec_id: Option<BankRecId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BookLinesArgs {
    pub bank_account_id: BankAccountId,
    #[serde(default)]
    #[ts(optional)]
    pub unreconciled: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AutoAllocateArgs {
    pub side: ItemSide,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}
