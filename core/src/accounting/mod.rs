//! Accounting: the chart of accounts, fiscal years and periods, currencies and exchange
//! rates, taxes, journals, journal entries, and the one posting engine every module uses.
//!
//! Invariants (each enforced here and checked by `ledger.check` / `cora check`):
//! - **Only the engine writes ledger rows.** [`ledger::post`] is the one function that
//!   inserts into `journal_lines`; later modules build an [`model::EntryDraft`] and call it.
//! - **Every posted entry balances**: debits equal credits in base currency, exactly, and
//!   every amount is rounded to the base currency's minor units.
//! - **Posted is immutable.** A posted entry and its lines are never updated or deleted
//!   (SQLite triggers refuse it too); a correction is a reversing entry linked to it.
//! - **Numbers are gapless** per company, journal and fiscal year, assigned at posting in
//!   the posting transaction; a posting dated before the last numbered entry of its series
//!   is refused, so each series is chronological. Drafts have no number.
//! - **Nothing lands in a closed period** or on or before the lock date.
//! - **Maintained balances equal the sums of the lines**: per account and period, and per
//!   account, partner and period for receivable/payable accounts, updated in the posting
//!   transaction, so no report scans history.
//! - **Control accounts**: a receivable/payable line names its partner; inventory accounts
//!   take lines only from the stock modules; tax accounts take manual lines only with a tax.
//! - **Isolation**: every table is keyed by `tenant_id` with composite foreign keys, so a
//!   line can never name another company's account, partner, tax, period or entry.

pub mod chart;
pub mod commands;
pub mod currency;
pub mod entries;
pub mod io;
pub mod journals;
pub mod ledger;
pub mod model;
pub mod periods;
pub mod reports;
pub mod tax;
