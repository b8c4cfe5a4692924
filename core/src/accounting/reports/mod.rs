//! Financial reports (trial balance, general ledger, journal report, profit and loss,
//! balance sheet, partner ledger, consolidation), read from the maintained balances.

use crate::command::Registry;

pub fn register(_r: &mut Registry) {}
