//! The sums every report is made of, read from the maintained balances.
//!
//! A date range is exact whatever its bounds: periods that lie wholly inside it are read
//! from `account_balances` / `partner_balances`; a period cut by the range (at most one at
//! each edge) is read from its lines between the range's bounds, through the
//! `(tenant, account, date)` index. So no report scans history.

use crate::accounting::model::{AccountId, AccountSubtype, AccountType};
use crate::command::TenantCtx;
use crate::{Error, FieldCode, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

/// Debits and credits (ten-thousandths) per key.
pub type Sums = BTreeMap<i64, (i64, i64)>;

/// The first date a report may start from (dates are ISO text, so this sorts first).
pub fn beginning() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

pub fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b).ok_or_else(|| Error::field("amount", FieldCode::TooLarge))
}

pub fn sub(a: i64, b: i64) -> Result<i64> {
    a.checked_sub(b).ok_or_else(|| Error::field("amount", FieldCode::TooLarge))
}

fn merge(into: &mut Sums, key: i64, d: i64, c: i64) -> Result<()> {
    let e = into.entry(key).or_default();
    e.0 = add(e.0, d)?;
    e.1 = add(e.1, c)?;
    Ok(())
}

/// What to sum: per account (optionally one), or per partner on the accounts of a
/// control subtype (optionally one partner).
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Accounts(Option<AccountId>),
    Partners(AccountSubtype, Option<i64>),
}

/// The periods the range `from..=to` cuts (not wholly inside), with the part inside it.
fn partial_periods(db: &Connection, t: &TenantCtx, from: NaiveDate, to: NaiveDate, include_closing: bool) -> Result<Vec<(i64, NaiveDate, NaiveDate)>> {
    let mut st = db.prepare_cached(
        "SELECT id, max(start_date, ?2), min(end_date, ?3) FROM periods
         WHERE tenant_id = ?1 AND start_date <= ?3 AND end_date >= ?2 AND NOT (start_date >= ?2 AND end_date <= ?3) AND (?4 OR NOT is_closing)",
    )?;
    let rows = st.query_map(params![t.tenant_id(), from, to, include_closing], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Debits and credits posted from `from` (None: the beginning) to `to`, both included.
/// `include_closing: false` leaves out the year-end closing periods (profit and loss).
pub fn sums(db: &Connection, t: &TenantCtx, from: Option<NaiveDate>, to: NaiveDate, include_closing: bool, target: Target) -> Result<Sums> {
    let from = from.unwrap_or_else(beginning);
    let mut out = Sums::new();
    if to < from {
        return Ok(out);
    }
    let (whole_sql, lines_sql, f1, f2): (&str, &str, Option<String>, Option<i64>) = match target {
        // One account: the account named in the WHERE without `?6 IS NULL OR`, so the
        // lines of a cut period are read through the (tenant, account, date) index alone
        // instead of every account's lines of that period.
        Target::Accounts(Some(account)) => (
            "SELECT b.account_id, sum(b.debit), sum(b.credit) FROM periods p
             JOIN account_balances b ON b.tenant_id = p.tenant_id AND b.period_id = p.id
             WHERE p.tenant_id = ?1 AND p.start_date >= ?2 AND p.end_date <= ?3 AND (?4 OR NOT p.is_closing)
               AND ?5 IS NULL AND b.account_id = ?6
             GROUP BY b.account_id",
            "SELECT l.account_id, sum(l.debit), sum(l.credit) FROM journal_lines l
             WHERE l.tenant_id = ?1 AND l.account_id = ?6 AND l.date >= ?2 AND l.date <= ?3 AND l.period_id = ?4 AND ?5 IS NULL
             GROUP BY l.account_id",
            None,
            Some(account.0),
        ),
        Target::Accounts(account) => (
            "SELECT b.account_id, sum(b.debit), sum(b.credit) FROM periods p
             JOIN account_balances b ON b.tenant_id = p.tenant_id AND b.period_id = p.id
             WHERE p.tenant_id = ?1 AND p.start_date >= ?2 AND p.end_date <= ?3 AND (?4 OR NOT p.is_closing)
               AND (?6 IS NULL OR b.account_id = ?6)
             GROUP BY b.account_id",
            "SELECT l.account_id, sum(l.debit), sum(l.credit) FROM accounts a
             JOIN journal_lines l ON l.tenant_id = a.tenant_id AND l.account_id = a.id
             WHERE a.tenant_id = ?1 AND l.date >= ?2 AND l.date <= ?3 AND l.period_id = ?4
               AND (?6 IS NULL OR a.id = ?6)
             GROUP BY l.account_id",
            None,
            account.map(|a| a.0),
        ),
        Target::Partners(subtype, partner) => (
            "SELECT b.partner_id, sum(b.debit), sum(b.credit) FROM periods p
             JOIN partner_balances b ON b.tenant_id = p.tenant_id AND b.period_id = p.id
             JOIN accounts a ON a.tenant_id = b.tenant_id AND a.id = b.account_id
             WHERE p.tenant_id = ?1 AND p.start_date >= ?2 AND p.end_date <= ?3 AND (?4 OR NOT p.is_closing)
               AND a.subtype = ?5 AND (?6 IS NULL OR b.partner_id = ?6)
             GROUP BY b.partner_id",
            "SELECT l.partner_id, sum(l.debit), sum(l.credit) FROM accounts a
             JOIN journal_lines l ON l.tenant_id = a.tenant_id AND l.account_id = a.id
             WHERE a.tenant_id = ?1 AND l.date >= ?2 AND l.date <= ?3 AND l.period_id = ?4
               AND a.subtype = ?5 AND l.partner_id IS NOT NULL AND (?6 IS NULL OR l.partner_id = ?6)
             GROUP BY l.partner_id",
            Some(subtype.as_str().to_string()),
            partner,
        ),
    };
    let mut st = db.prepare_cached(whole_sql)?;
    let rows = st.query_map(params![t.tenant_id(), from, to, include_closing, f1, f2], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    for row in rows {
        let (k, d, c) = row?;
        merge(&mut out, k, d, c)?;
    }
    for (period, lo, hi) in partial_periods(db, t, from, to, include_closing)? {
        let mut st = db.prepare_cached(lines_sql)?;
        let rows = st.query_map(params![t.tenant_id(), lo, hi, period, f1, f2], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
        for row in rows {
            let (k, d, c) = row?;
            merge(&mut out, k, d, c)?;
        }
    }
    Ok(out)
}

/// Per account, what was posted before `from` and from `from` to `to`, both included
/// (closing periods too: the trial balance's opening and movements), read from the
/// maintained balances in one pass when no period is cut by either range; `None` when
/// one is (the caller then asks [`sums`] for each range).
pub fn sums_before_and_within(db: &Connection, t: &TenantCtx, from: NaiveDate, to: NaiveDate) -> Result<Option<(Sums, Sums)>> {
    let Some(before) = from.pred_opt() else { return Ok(None) };
    if to < from || !partial_periods(db, t, beginning(), before, true)?.is_empty() || !partial_periods(db, t, from, to, true)?.is_empty() {
        return Ok(None);
    }
    // The periods up to `to`, each in one of the two ranges (none is cut, so a period
    // starting before `from` ends before it): a few dozen, sorted by id to be searched.
    let mut st = db.prepare_cached("SELECT id, start_date >= ?2 FROM periods WHERE tenant_id = ?1 AND end_date <= ?3 ORDER BY id")?;
    let within: Vec<(i64, bool)> = st.query_map(params![t.tenant_id(), from, to], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let (mut opening, mut moves) = (Sums::new(), Sums::new());
    // The balances come in key order (tenant, account, period): each account's rows are
    // summed in place and stored once, not merged row by row.
    let mut st = db.prepare_cached("SELECT account_id, period_id, debit, credit FROM account_balances WHERE tenant_id = ?1 ORDER BY account_id")?;
    let mut rows = st.query([t.tenant_id()])?;
    let mut current: Option<(i64, (i64, i64), (i64, i64))> = None;
    let flush = |c: Option<(i64, (i64, i64), (i64, i64))>, opening: &mut Sums, moves: &mut Sums| -> Result<()> {
        if let Some((account, o, m)) = c {
            if o != (0, 0) {
                merge(opening, account, o.0, o.1)?;
            }
            if m != (0, 0) {
                merge(moves, account, m.0, m.1)?;
            }
        }
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let (account, period, d, c): (i64, i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let Ok(k) = within.binary_search_by_key(&period, |p| p.0) else { continue };
        if current.as_ref().is_some_and(|x| x.0 != account) {
            flush(current.take(), &mut opening, &mut moves)?;
        }
        let e = current.get_or_insert((account, (0, 0), (0, 0)));
        let sum = if within[k].1 { &mut e.2 } else { &mut e.1 };
        sum.0 = add(sum.0, d)?;
        sum.1 = add(sum.1, c)?;
    }
    flush(current, &mut opening, &mut moves)?;
    Ok(Some((opening, moves)))
}

/// Debit minus credit of one key in `sums` (zero when absent).
pub fn balance(sums: &Sums, key: i64) -> Result<i64> {
    sums.get(&key).map(|(d, c)| sub(*d, *c)).unwrap_or(Ok(0))
}

/// An account as the reports see it.
#[derive(Debug, Clone)]
pub struct AccountNode {
    pub id: AccountId,
    pub code: String,
    pub name: String,
    pub account_type: AccountType,
    pub parent_id: Option<AccountId>,
    pub is_group: bool,
}

/// Every account of the company in code order (a chart has hundreds, not millions).
pub fn accounts(db: &Connection, t: &TenantCtx) -> Result<Vec<AccountNode>> {
    let mut st = db.prepare_cached("SELECT id, code, name, type, parent_id, is_group FROM accounts WHERE tenant_id = ?1 ORDER BY code, id")?;
    let rows = st.query_map([t.tenant_id()], |r| {
        Ok(AccountNode { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, account_type: r.get(3)?, parent_id: r.get(4)?, is_group: r.get(5)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
