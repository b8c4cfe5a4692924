//! Financial reports (trial balance, general ledger, journal report, profit and loss,
//! balance sheet, partner ledger, consolidation), read from the maintained balances.
//!
//! Invariants:
//! - **No report scans history.** Whole periods come from `account_balances` /
//!   `partner_balances`; only a period cut by the range is read line by line, between the
//!   range's bounds ([`repo::sums`]). Any date range is exact; nothing snaps to periods.
//! - **Profit and loss leaves out closing periods** (they hold only the year-end closing
//!   entry), so a year's result is the same before and after its close. Trial balance,
//!   general ledger and balance sheet include them.
//! - **The balance sheet balances**: assets = liabilities + equity, with the unclosed
//!   result (every income and expense balance up to the date) shown as the current
//!   year's earnings.
//! - **A running balance is right on every page**: the balance before a page is
//!   recomputed from the balances and the lines before the cursor, never carried by it.
//! - **Consolidation sees only what the caller may see**: every listed company needs
//!   `accounting.view_ledger` (a company without it is `not_found`, as if absent); each
//!   company's figures are translated at its stated rate and rounded to the target
//!   currency's minor units, and totals add the rounded figures.
//! - **One table per report** ([`table::build`]): the screen's export (CSV, XLSX) and the
//!   PDF print the same figures.

pub mod consolidated;
pub mod model;
pub mod repo;
pub mod service;
pub mod table;

use crate::command::{Access, CommandSpec, Registry};

pub fn register(r: &mut Registry) {
    let v = Access::Permission(super::commands::VIEW);
    r.add(CommandSpec::query(
        "report.trial_balance",
        v,
        "Trial balance: per account the opening balance, debits, credits and closing balance of a date range",
        service::trial_balance,
    ));
    r.add(CommandSpec::query(
        "report.general_ledger",
        v,
        "General ledger of one account: opening balance, the lines (keyset-paged) with running balance, closing balance",
        service::general_ledger,
    ));
    r.add(CommandSpec::query("report.journal", v, "Journal report: posted entries of a date range with their lines, paged", service::journal_report));
    r.add(CommandSpec::query(
        "report.profit_and_loss",
        v,
        "Profit and loss by the account tree, with an optional comparison column (closing periods left out)",
        service::profit_and_loss,
    ));
    r.add(CommandSpec::query(
        "report.balance_sheet",
        v,
        "Balance sheet at a date with the current year's earnings, with an optional comparison column",
        service::balance_sheet,
    ));
    r.add(CommandSpec::query(
        "report.partner_ledger",
        v,
        "Customer or supplier ledger: per partner opening, debits, credits, closing; with a partner, its lines",
        service::partner_ledger,
    ));
    r.add(CommandSpec::query(
        "report.consolidated",
        Access::Authenticated,
        "Consolidated trial balance, profit and loss or balance sheet over companies where the caller may view the ledger, at stated rates",
        consolidated::consolidated,
    ));
    r.add(CommandSpec::query("report.table", v, "A report as a printable table (the same figures as its export and PDF)", table::table));
    r.add(CommandSpec::query("report.export", v, "Export a report as CSV or XLSX", table::export));
}
