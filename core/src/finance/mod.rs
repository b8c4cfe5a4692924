//! Finance: receivables and payables as open items, payments and their allocation,
//! realised and unrealised exchange differences, bank and cash accounts, money moved
//! without an invoice, statement import and bank reconciliation, and the reports an
//! accountant closes a month with (aging, partner statements, cash position, tax report,
//! cash flow). Everything posts through [`crate::accounting::ledger::post`].
//!
//! Invariants (enforced here, by SQLite where it can be, and checked by `ledger.check`):
//! - **Every receivable or payable ledger line is an open item** of its partner (a
//!   trigger on `journal_lines` writes it, whichever module posted the line).
//! - **Open = amount − allocations**, maintained with every allocation, same sign or
//!   zero; a document's pay state (unpaid, partly paid, paid) follows from it.
//! - **A match balances in base currency**: the amounts applied to debit and credit
//!   items are equal in the document currency, and the difference of their bases — the
//!   realised exchange gain or loss — is posted as one more item of the match. So the open
//!   bases of a control account's items sum to its balance at every date, and the aging
//!   at any date equals the control accounts' balance at that date.
//! - **Append-only**: matches and allocations are never changed; unallocating is a new
//!   match that reverses one (and its exchange difference). Payments and bank moves are
//!   posted and never changed; cancelling reverses them.
//! - **Statements are deduplicated by line fingerprint** (content, never the bank's
//!   statement id), and chained: each statement with balances opens at the previous
//!   closing, and opening + lines = closing.
//! - **Reconciled is locked**: a reconciled ledger line's entry cannot be reversed and
//!   a reconciled statement line cannot be deleted; each wholly reconciled statement keeps
//!   its book balance as an assertion that `ledger.check` verifies.
//! - **Isolation**: every table carries `tenant_id` with composite foreign keys.

pub mod bank;
pub mod commands;
pub mod fx;
pub mod items;
pub mod model;
pub mod payments;
pub mod reconcile;
pub mod reports;
pub mod settings;
pub mod statements;

pub const VIEW: &str = "finance.view_payments";
pub const PAY: &str = "finance.manage_payments";
pub const BANK: &str = "finance.manage_bank";
pub const RECONCILE: &str = "finance.reconcile_statements";
pub const SETUP: &str = "finance.change_setup";
