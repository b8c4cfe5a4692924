//! The reports of one company: trial balance, general ledger, journal report, profit and
//! loss, balance sheet, partner ledger.

use super::model::*;
use super::repo::{self, AccountNode, Sums, Target, add, sub};
use crate::accounting::model::{AccountId, AccountSubtype, AccountType, EntryId, Source};
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Result, money};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// The shown figure of each postable account, per column.
pub type Figures = BTreeMap<AccountId, Vec<i64>>;

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// `to` on or after `from`.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(Error::field("to", FieldCode::OutOfRange.with("min", from).with("max", "9999-12-31")));
    }
    Ok(())
}

fn day_before(d: NaiveDate) -> Option<NaiveDate> {
    d.pred_opt()
}

fn is_month_end(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|n| n.day() == 1)
}

fn out_of_range(field: &str) -> Error {
    Error::field(field, FieldCode::OutOfRange.with("min", "0001-01-01").with("max", "9999-12-31"))
}

/// `d` moved back `months` months; a month's last day stays the last day.
fn months_back(field: &str, d: NaiveDate, months: u32) -> Result<NaiveDate> {
    let s = d.checked_sub_months(Months::new(months)).ok_or_else(|| out_of_range(field))?;
    if is_month_end(d) {
        let first = NaiveDate::from_ymd_opt(s.year(), s.month(), 1).ok_or_else(|| out_of_range(field))?;
        first.checked_add_months(Months::new(1)).and_then(|n| n.pred_opt()).ok_or_else(|| out_of_range(field))
    } else {
        Ok(s)
    }
}

/// The comparison range of `from..=to`: whole months shift by their number of months,
/// other ranges by their number of days; a year back shifts by twelve months.
pub fn comparison_range(from: NaiveDate, to: NaiveDate, compare: Compare) -> Result<Option<(NaiveDate, NaiveDate)>> {
    Ok(match compare {
        Compare::None => None,
        Compare::PreviousYear => Some((months_back("from", from, 12)?, months_back("to", to, 12)?)),
        Compare::PreviousPeriod => {
            if from.day() == 1 && is_month_end(to) {
                let months = (to.year() * 12 + to.month() as i32) - (from.year() * 12 + from.month() as i32) + 1;
                let m = u32::try_from(months).map_err(|_| out_of_range("to"))?;
                Some((months_back("from", from, m)?, months_back("to", to, m)?))
            } else {
                let days = chrono::Duration::days((to - from).num_days() + 1);
                Some((from.checked_sub_signed(days).ok_or_else(|| out_of_range("from"))?, to.checked_sub_signed(days).ok_or_else(|| out_of_range("to"))?))
            }
        }
    })
}

/// The comparison date of a balance sheet at `date`.
pub fn comparison_date(date: NaiveDate, compare: Compare) -> Result<Option<NaiveDate>> {
    Ok(match compare {
        Compare::None => None,
        Compare::PreviousPeriod => Some(months_back("date", date, 1)?),
        Compare::PreviousYear => Some(months_back("date", date, 12)?),
    })
}

fn dec(v: i64) -> Decimal {
    money::from_db(v)
}

fn base(db: &Connection, t: &TenantCtx) -> Result<String> {
    crate::accounting::chart::require_chart(db, t)?;
    crate::accounting::chart::base_currency(db, t)
}

// ---------------------------------------------------------------- trial balance

pub fn trial_balance_in(db: &Connection, t: &TenantCtx, a: &TrialBalanceArgs) -> Result<TrialBalance> {
    check_range(a.from, a.to)?;
    let currency = base(db, t)?;
    let (opening, moves) = match repo::sums_before_and_within(db, t, a.from, a.to)? {
        Some(both) => both,
        None => {
            let opening = match day_before(a.from) {
                Some(d) => repo::sums(db, t, None, d, true, Target::Accounts(None))?,
                None => Sums::new(),
            };
            (opening, repo::sums(db, t, Some(a.from), a.to, true, Target::Accounts(None))?)
        }
    };
    let (mut to, mut td, mut tc, mut tcl) = (0_i64, 0_i64, 0_i64, 0_i64);
    let mut rows = Vec::new();
    for acc in repo::accounts(db, t)?.into_iter().filter(|a| !a.is_group) {
        let o = repo::balance(&opening, acc.id.0)?;
        let (d, c) = moves.get(&acc.id.0).copied().unwrap_or((0, 0));
        if o == 0 && d == 0 && c == 0 {
            continue;
        }
        let closing = sub(add(o, d)?, c)?;
        to = add(to, o)?;
        td = add(td, d)?;
        tc = add(tc, c)?;
        tcl = add(tcl, closing)?;
        rows.push(TrialBalanceRow {
            account_id: acc.id,
            code: acc.code,
            name: acc.name,
            account_type: acc.account_type,
            opening: dec(o),
            debit: dec(d),
            credit: dec(c),
            closing: dec(closing),
        });
    }
    Ok(TrialBalance { from: a.from, to: a.to, currency, rows, totals: BalanceTotals { opening: dec(to), debit: dec(td), credit: dec(tc), closing: dec(tcl) } })
}

pub fn trial_balance(ctx: &mut Ctx<'_>, a: TrialBalanceArgs) -> Result<TrialBalance> {
    let t = ctx.tenant()?;
    trial_balance_in(ctx.db(), &t, &a)
}

// ---------------------------------------------------------------- ledger lines

fn parse_cursor(c: &str) -> Result<(NaiveDate, i64)> {
    c.split_once('|')
        .and_then(|(d, i)| Some((NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?, i.parse::<i64>().ok()?)))
        .ok_or_else(|| Error::field("cursor", FieldCode::InvalidCursor))
}

const LINE_COLS: &str = "l.id, l.date, e.id, e.number, j.code, l.account_id, a.code, l.description, e.memo, e.reference, l.partner_id, p.name, l.debit, l.credit,
     e.source_module, e.source_kind, e.source_id";
const LINE_JOINS: &str = "journal_lines l
     JOIN journal_entries e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id
     JOIN journals j ON j.tenant_id = l.tenant_id AND j.id = l.journal_id
     JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
     LEFT JOIN partners p ON p.tenant_id = l.tenant_id AND p.id = l.partner_id";

fn line_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(LedgerLine, i64, i64)> {
    let description: String = r.get(7)?;
    let memo: String = r.get(8)?;
    let reference: String = r.get(9)?;
    let description = [description, memo, reference].into_iter().find(|s| !s.is_empty()).unwrap_or_default();
    let (d, c): (i64, i64) = (r.get(12)?, r.get(13)?);
    Ok((
        LedgerLine {
            line_id: r.get(0)?,
            date: r.get(1)?,
            entry_id: r.get::<_, EntryId>(2)?,
            entry_number: r.get(3)?,
            journal_code: r.get(4)?,
            account_id: r.get(5)?,
            account_code: r.get(6)?,
            description,
            partner_id: r.get(10)?,
            partner_name: r.get(11)?,
            debit: dec(d),
            credit: dec(c),
            balance: Decimal::ZERO,
            source: Source { module: r.get(14)?, kind: r.get(15)?, id: r.get(16)? },
        },
        d,
        c,
    ))
}

// ---------------------------------------------------------------- general ledger

fn get_account(db: &Connection, t: &TenantCtx, id: AccountId) -> Result<AccountNode> {
    db.prepare_cached("SELECT id, code, name, type, parent_id, is_group FROM accounts WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(AccountNode { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, account_type: r.get(3)?, parent_id: r.get(4)?, is_group: r.get(5)? })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("account", id))
}

pub fn general_ledger_in(db: &Connection, t: &TenantCtx, a: &GeneralLedgerArgs) -> Result<GeneralLedger> {
    check_range(a.from, a.to)?;
    let currency = base(db, t)?;
    let acc = get_account(db, t, a.account_id)?;
    let target = Target::Accounts(Some(acc.id));
    let before = |d: NaiveDate| -> Result<i64> {
        match day_before(d) {
            Some(p) => repo::balance(&repo::sums(db, t, None, p, true, target)?, acc.id.0),
            None => Ok(0),
        }
    };
    let opening = before(a.from)?;
    let (debit, credit) = repo::sums(db, t, Some(a.from), a.to, true, target)?.get(&acc.id.0).copied().unwrap_or((0, 0));
    let closing = sub(add(opening, debit)?, credit)?;
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let filter = "l.tenant_id = ?1 AND l.account_id = ?2 AND l.date >= ?3 AND l.date <= ?4
         AND (?5 IS NULL OR l.description LIKE ?5 ESCAPE '\\' OR e.number LIKE ?5 ESCAPE '\\' OR e.reference LIKE ?5 ESCAPE '\\'
              OR e.memo LIKE ?5 ESCAPE '\\' OR p.name LIKE ?5 ESCAPE '\\')";
    // Without a search, the count needs no join: every line has exactly one entry, journal
    // and account (NOT NULL foreign keys to unique keys), so the joins neither add nor drop
    // rows, and the count is read from the index on (tenant, account, date) alone.
    let line_count: i64 = match pattern {
        None => db
            .prepare_cached("SELECT count(*) FROM journal_lines l WHERE l.tenant_id = ?1 AND l.account_id = ?2 AND l.date >= ?3 AND l.date <= ?4")?
            .query_row(params![t.tenant_id(), acc.id, a.from, a.to], |r| r.get(0))?,
        Some(_) => db
            .prepare_cached(&format!("SELECT count(*) FROM {LINE_JOINS} WHERE {filter}"))?
            .query_row(params![t.tenant_id(), acc.id, a.from, a.to, pattern], |r| r.get(0))?,
    };
    // The balance after line (date, id): the balance before that date, plus that date's
    // lines up to it.
    let balance_after = |date: NaiveDate, id: i64| -> Result<i64> {
        let same_day: i64 = db
            .prepare_cached("SELECT coalesce(sum(debit) - sum(credit), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2 AND date = ?3 AND id <= ?4")?
            .query_row(params![t.tenant_id(), acc.id, date, id], |r| r.get(0))?;
        add(before(date)?, same_day)
    };
    let after = a.cursor.as_deref().map(parse_cursor).transpose()?;
    let mut running = match after {
        None => opening,
        Some((date, id)) => {
            if date < a.from || date > a.to {
                return Err(Error::field("cursor", FieldCode::InvalidCursor));
            }
            balance_after(date, id)?
        }
    };
    let limit = a.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let mut st = db.prepare_cached(&format!(
        "SELECT {LINE_COLS} FROM {LINE_JOINS}
         WHERE {filter} AND (?6 IS NULL OR (l.date, l.id) > (?6, ?7))
         ORDER BY l.date, l.id LIMIT ?8"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), acc.id, a.from, a.to, pattern, after.map(|x| x.0), after.map(|x| x.1), i64::from(limit) + 1], line_from_row)?;
    let mut lines = Vec::new();
    for row in rows {
        let (l, d, c) = row?;
        lines.push((l, d, c));
    }
    let lines: Vec<LedgerLine> = if pattern.is_none() {
        // Every line is shown: the balance runs on from the page's start.
        let mut out = Vec::with_capacity(lines.len());
        for (mut l, d, c) in lines {
            running = sub(add(running, d)?, c)?;
            l.balance = dec(running);
            out.push(l);
        }
        out
    } else {
        // Lines between the shown ones are hidden by the search: each shown line's balance
        // is computed on its own.
        let mut out = Vec::with_capacity(lines.len());
        for (mut l, _, _) in lines {
            l.balance = dec(balance_after(l.date, l.line_id)?);
            out.push(l);
        }
        out
    };
    let mut lines = lines;
    let next_cursor = if lines.len() > limit as usize {
        lines.truncate(limit as usize);
        lines.last().map(|l| format!("{}|{}", l.date, l.line_id))
    } else {
        None
    };
    Ok(GeneralLedger {
        account_id: acc.id,
        code: acc.code,
        name: acc.name,
        account_type: acc.account_type,
        from: a.from,
        to: a.to,
        currency,
        opening: dec(opening),
        debit: dec(debit),
        credit: dec(credit),
        closing: dec(closing),
        lines,
        line_count,
        next_cursor,
    })
}

pub fn general_ledger(ctx: &mut Ctx<'_>, a: GeneralLedgerArgs) -> Result<GeneralLedger> {
    let t = ctx.tenant()?;
    general_ledger_in(ctx.db(), &t, &a)
}

// ---------------------------------------------------------------- journal report

pub fn journal_report_in(db: &Connection, t: &TenantCtx, a: &JournalReportArgs) -> Result<JournalReport> {
    check_range(a.from, a.to)?;
    let currency = base(db, t)?;
    let after = a.cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = a.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = "e.tenant_id = ?1 AND e.state = 'posted' AND e.date >= ?2 AND e.date <= ?3 AND (?4 IS NULL OR e.journal_id = ?4)";
    let (count, total): (i64, i64) = db
        .prepare_cached(&format!("SELECT count(*), coalesce(sum(e.total), 0) FROM journal_entries e WHERE {filter}"))?
        .query_row(params![t.tenant_id(), a.from, a.to, a.journal_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut st = db.prepare_cached(&format!(
        "SELECT e.id, e.number, e.date, j.code, e.reference, e.memo, e.source_module, e.source_kind, e.source_id, e.total
         FROM journal_entries e JOIN journals j ON j.tenant_id = e.tenant_id AND j.id = e.journal_id
         WHERE {filter} AND (?5 IS NULL OR (e.date, e.id) > (?5, ?6))
         ORDER BY e.date, e.id LIMIT ?7"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.from, a.to, a.journal_id, after.map(|x| x.0), after.map(|x| x.1), i64::from(limit) + 1], |r| {
        Ok(JournalReportEntry {
            id: r.get(0)?,
            number: r.get(1)?,
            date: r.get(2)?,
            journal_code: r.get(3)?,
            reference: r.get(4)?,
            memo: r.get(5)?,
            source: Source { module: r.get(6)?, kind: r.get(7)?, id: r.get(8)? },
            total: dec(r.get(9)?),
            lines: vec![],
        })
    })?;
    let mut entries: Vec<JournalReportEntry> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|e| format!("{}|{}", e.date, e.id))
    } else {
        None
    };
    let mut st = db.prepare_cached(
        "SELECT l.line_no, l.account_id, a.code, a.name, p.name, l.description, l.debit, l.credit
         FROM journal_lines l JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
         LEFT JOIN partners p ON p.tenant_id = l.tenant_id AND p.id = l.partner_id
         WHERE l.tenant_id = ?1 AND l.entry_id = ?2 ORDER BY l.line_no",
    )?;
    for e in &mut entries {
        let rows = st.query_map(params![t.tenant_id(), e.id], |r| {
            Ok(JournalReportLine {
                line_no: r.get(0)?,
                account_id: r.get(1)?,
                account_code: r.get(2)?,
                account_name: r.get(3)?,
                partner_name: r.get(4)?,
                description: r.get(5)?,
                debit: dec(r.get(6)?),
                credit: dec(r.get(7)?),
            })
        })?;
        e.lines = rows.collect::<rusqlite::Result<_>>()?;
    }
    Ok(JournalReport { from: a.from, to: a.to, currency, entries, count, total: dec(total), next_cursor })
}

pub fn journal_report(ctx: &mut Ctx<'_>, a: JournalReportArgs) -> Result<JournalReport> {
    let t = ctx.tenant()?;
    journal_report_in(ctx.db(), &t, &a)
}

// ---------------------------------------------------------------- statements

/// The sign that shows an account's balance positive in its section: debit-normal
/// accounts (assets, expenses) as debit minus credit, the others as credit minus debit.
fn shown(account_type: AccountType, balance: i64) -> Result<i64> {
    if account_type.debit_normal() { Ok(balance) } else { sub(0, balance) }
}

/// Lines of one section grouped by the account tree: each group account heads its
/// sub-accounts with their subtotal; accounts with no figure in any column are left out.
/// `figures` holds the shown figure of each postable account per column.
pub fn section_lines(accounts: &[AccountNode], types: &[AccountType], figures: &Figures, columns: usize) -> Result<(Vec<StatementLine>, Vec<i64>)> {
    let mut children: BTreeMap<Option<AccountId>, Vec<&AccountNode>> = BTreeMap::new();
    let ids: std::collections::BTreeSet<AccountId> = accounts.iter().filter(|a| types.contains(&a.account_type)).map(|a| a.id).collect();
    for a in accounts.iter().filter(|a| types.contains(&a.account_type)) {
        // A parent outside this section (never the case in a valid chart) makes a root.
        let parent = a.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(a);
    }
    fn visit(
        a: &AccountNode,
        level: u32,
        children: &BTreeMap<Option<AccountId>, Vec<&AccountNode>>,
        figures: &Figures,
        columns: usize,
        depth: u32,
    ) -> Result<Option<(Vec<StatementLine>, Vec<i64>)>> {
        if depth > 64 {
            return Ok(None);
        }
        if !a.is_group {
            let f = figures.get(&a.id).cloned().unwrap_or_else(|| vec![0; columns]);
            if f.iter().all(|v| *v == 0) {
                return Ok(None);
            }
            let line = StatementLine { kind: LineKind::Account, account_id: Some(a.id), code: a.code.clone(), name: a.name.clone(), level, amounts: f.iter().map(|v| dec(*v)).collect() };
            return Ok(Some((vec![line], f)));
        }
        let mut sub_lines = Vec::new();
        let mut total = vec![0_i64; columns];
        for c in children.get(&Some(a.id)).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some((lines, t)) = visit(c, level + 1, children, figures, columns, depth + 1)? {
                sub_lines.extend(lines);
                for (x, y) in total.iter_mut().zip(t) {
                    *x = add(*x, y)?;
                }
            }
        }
        if sub_lines.is_empty() {
            return Ok(None);
        }
        let mut lines = vec![StatementLine { kind: LineKind::Group, account_id: Some(a.id), code: a.code.clone(), name: a.name.clone(), level, amounts: total.iter().map(|v| dec(*v)).collect() }];
        lines.extend(sub_lines);
        Ok(Some((lines, total)))
    }
    let mut lines = Vec::new();
    let mut total = vec![0_i64; columns];
    for root in children.get(&None).map(Vec::as_slice).unwrap_or(&[]) {
        if let Some((l, t)) = visit(root, 0, &children, figures, columns, 0)? {
            lines.extend(l);
            for (x, y) in total.iter_mut().zip(t) {
                *x = add(*x, y)?;
            }
        }
    }
    Ok((lines, total))
}

fn section(key: &str, lines: Vec<StatementLine>, totals: &[i64]) -> StatementSection {
    StatementSection { key: key.into(), lines, totals: totals.iter().map(|v| dec(*v)).collect() }
}

/// The shown figure of every income/expense account over each range, closing periods left
/// out (they hold only the closing entry, which would zero the year).
fn pl_figures(db: &Connection, t: &TenantCtx, accounts: &[AccountNode], ranges: &[(NaiveDate, NaiveDate)]) -> Result<Figures> {
    let mut figures = Figures::new();
    for (i, (from, to)) in ranges.iter().enumerate() {
        let s = repo::sums(db, t, Some(*from), *to, false, Target::Accounts(None))?;
        for a in accounts.iter().filter(|a| a.account_type.is_profit_and_loss() && !a.is_group) {
            let v = shown(a.account_type, repo::balance(&s, a.id.0)?)?;
            figures.entry(a.id).or_insert_with(|| vec![0; ranges.len()])[i] = v;
        }
    }
    Ok(figures)
}

pub fn profit_and_loss_in(db: &Connection, t: &TenantCtx, a: &ProfitAndLossArgs) -> Result<ProfitAndLoss> {
    check_range(a.from, a.to)?;
    let currency = base(db, t)?;
    let mut ranges = vec![(a.from, a.to)];
    let mut columns = vec![StatementColumn { key: "current".into(), from: Some(a.from), to: a.to }];
    if let Some((f, to)) = comparison_range(a.from, a.to, a.compare.unwrap_or_default())? {
        ranges.push((f, to));
        columns.push(StatementColumn { key: "comparison".into(), from: Some(f), to });
    }
    let accounts = repo::accounts(db, t)?;
    let figures = pl_figures(db, t, &accounts, &ranges)?;
    let n = ranges.len();
    let (income, ti) = section_lines(&accounts, &[AccountType::Income], &figures, n)?;
    let (expenses, te) = section_lines(&accounts, &[AccountType::Expense], &figures, n)?;
    let net: Vec<Decimal> = ti.iter().zip(&te).map(|(i, e)| sub(*i, *e).map(dec)).collect::<Result<_>>()?;
    Ok(ProfitAndLoss { currency, columns, sections: vec![section("income", income, &ti), section("expenses", expenses, &te)], net_profit: net })
}

pub fn profit_and_loss(ctx: &mut Ctx<'_>, a: ProfitAndLossArgs) -> Result<ProfitAndLoss> {
    let t = ctx.tenant()?;
    profit_and_loss_in(ctx.db(), &t, &a)
}

/// The balance-sheet figures at each date: balances since the beginning, closing periods
/// included; plus the unclosed result (all income and expense up to the date: closing
/// entries have zeroed the closed years).
fn bs_figures(db: &Connection, t: &TenantCtx, accounts: &[AccountNode], dates: &[NaiveDate]) -> Result<(Figures, Vec<i64>)> {
    let mut figures = Figures::new();
    let mut earnings = vec![0_i64; dates.len()];
    for (i, date) in dates.iter().enumerate() {
        let s = repo::sums(db, t, None, *date, true, Target::Accounts(None))?;
        for a in accounts.iter().filter(|a| !a.is_group) {
            let b = repo::balance(&s, a.id.0)?;
            if a.account_type.is_profit_and_loss() {
                earnings[i] = sub(earnings[i], b)?;
            } else {
                figures.entry(a.id).or_insert_with(|| vec![0; dates.len()])[i] = shown(a.account_type, b)?;
            }
        }
    }
    Ok((figures, earnings))
}

pub fn balance_sheet_in(db: &Connection, t: &TenantCtx, a: &BalanceSheetArgs) -> Result<BalanceSheet> {
    let currency = base(db, t)?;
    let mut dates = vec![a.date];
    let mut columns = vec![StatementColumn { key: "current".into(), from: None, to: a.date }];
    if let Some(d) = comparison_date(a.date, a.compare.unwrap_or_default())? {
        dates.push(d);
        columns.push(StatementColumn { key: "comparison".into(), from: None, to: d });
    }
    let accounts = repo::accounts(db, t)?;
    let (figures, earnings) = bs_figures(db, t, &accounts, &dates)?;
    let n = dates.len();
    let (assets, ta) = section_lines(&accounts, &[AccountType::Asset], &figures, n)?;
    let (liabilities, tl) = section_lines(&accounts, &[AccountType::Liability], &figures, n)?;
    let (mut equity, mut tq) = section_lines(&accounts, &[AccountType::Equity], &figures, n)?;
    if earnings.iter().any(|v| *v != 0) {
        equity.push(StatementLine {
            kind: LineKind::Computed,
            account_id: None,
            code: String::new(),
            name: "Current year earnings".into(),
            level: 0,
            amounts: earnings.iter().map(|v| dec(*v)).collect(),
        });
        for (x, y) in tq.iter_mut().zip(&earnings) {
            *x = add(*x, *y)?;
        }
    }
    let le: Vec<i64> = tl.iter().zip(&tq).map(|(l, q)| add(*l, *q)).collect::<Result<_>>()?;
    Ok(BalanceSheet {
        currency,
        columns,
        sections: vec![section("assets", assets, &ta), section("liabilities", liabilities, &tl), section("equity", equity, &tq)],
        total_assets: ta.iter().map(|v| dec(*v)).collect(),
        total_liabilities_and_equity: le.iter().map(|v| dec(*v)).collect(),
    })
}

pub fn balance_sheet(ctx: &mut Ctx<'_>, a: BalanceSheetArgs) -> Result<BalanceSheet> {
    let t = ctx.tenant()?;
    balance_sheet_in(ctx.db(), &t, &a)
}

// ---------------------------------------------------------------- partner ledger

pub fn partner_ledger_in(db: &Connection, t: &TenantCtx, a: &PartnerLedgerArgs) -> Result<PartnerLedger> {
    check_range(a.from, a.to)?;
    let currency = base(db, t)?;
    let subtype = match a.kind {
        PartnerKind::Receivable => AccountSubtype::Receivable,
        PartnerKind::Payable => AccountSubtype::Payable,
    };
    if let Some(p) = a.partner_id
        && !db.prepare_cached("SELECT 1 FROM partners WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), p])?
    {
        return Err(Error::not_found("partner", p));
    }
    let target = Target::Partners(subtype, a.partner_id.map(|p| p.0));
    let opening = match day_before(a.from) {
        Some(d) => repo::sums(db, t, None, d, true, target)?,
        None => Sums::new(),
    };
    let moves = repo::sums(db, t, Some(a.from), a.to, true, target)?;
    let keys: std::collections::BTreeSet<i64> = opening.keys().chain(moves.keys()).copied().collect();
    let mut st = db.prepare_cached("SELECT code, name FROM partners WHERE tenant_id = ?1 AND id = ?2")?;
    let mut rows = Vec::new();
    let mut totals = (0_i64, 0_i64, 0_i64, 0_i64);
    for k in keys {
        let o = repo::balance(&opening, k)?;
        let (d, c) = moves.get(&k).copied().unwrap_or((0, 0));
        if o == 0 && d == 0 && c == 0 {
            continue;
        }
        let closing = sub(add(o, d)?, c)?;
        let (code, name): (String, String) = st.query_row(params![t.tenant_id(), k], |r| Ok((r.get(0)?, r.get(1)?)))?;
        totals = (add(totals.0, o)?, add(totals.1, d)?, add(totals.2, c)?, add(totals.3, closing)?);
        rows.push(PartnerLedgerRow {
            partner_id: crate::partners::model::PartnerId(k),
            partner_code: code,
            partner_name: name,
            opening: dec(o),
            debit: dec(d),
            credit: dec(c),
            closing: dec(closing),
        });
    }
    rows.sort_by(|x, y| x.partner_name.cmp(&y.partner_name).then(x.partner_id.cmp(&y.partner_id)));
    let mut lines = Vec::new();
    if let Some(p) = a.partner_id {
        let mut running = repo::balance(&opening, p.0)?;
        let mut st = db.prepare_cached(&format!(
            "SELECT {LINE_COLS} FROM {LINE_JOINS}
             WHERE l.tenant_id = ?1 AND a.subtype = ?2 AND l.partner_id = ?3 AND l.date >= ?4 AND l.date <= ?5
             ORDER BY l.date, l.id"
        ))?;
        let found = st.query_map(params![t.tenant_id(), subtype, p, a.from, a.to], line_from_row)?;
        for row in found {
            let (mut l, d, c) = row?;
            running = sub(add(running, d)?, c)?;
            l.balance = dec(running);
            lines.push(l);
        }
    }
    Ok(PartnerLedger {
        kind: a.kind,
        from: a.from,
        to: a.to,
        currency,
        rows,
        totals: BalanceTotals { opening: dec(totals.0), debit: dec(totals.1), credit: dec(totals.2), closing: dec(totals.3) },
        lines,
    })
}

pub fn partner_ledger(ctx: &mut Ctx<'_>, a: PartnerLedgerArgs) -> Result<PartnerLedger> {
    let t = ctx.tenant()?;
    partner_ledger_in(ctx.db(), &t, &a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn comparison_ranges_keep_whole_months_whole() {
        assert_eq!(comparison_range(d("2026-03-01"), d("2026-03-31"), Compare::PreviousPeriod).unwrap(), Some((d("2026-02-01"), d("2026-02-28"))));
        assert_eq!(comparison_range(d("2026-01-01"), d("2026-06-30"), Compare::PreviousPeriod).unwrap(), Some((d("2025-07-01"), d("2025-12-31"))));
        assert_eq!(comparison_range(d("2026-03-10"), d("2026-03-19"), Compare::PreviousPeriod).unwrap(), Some((d("2026-02-28"), d("2026-03-09"))));
        assert_eq!(comparison_range(d("2024-02-01"), d("2024-02-29"), Compare::PreviousYear).unwrap(), Some((d("2023-02-01"), d("2023-02-28"))));
        assert_eq!(comparison_range(d("2026-02-01"), d("2026-02-28"), Compare::None).unwrap(), None);
        assert_eq!(comparison_date(d("2026-03-31"), Compare::PreviousPeriod).unwrap(), Some(d("2026-02-28")));
        assert_eq!(comparison_date(d("2026-02-28"), Compare::PreviousPeriod).unwrap(), Some(d("2026-01-31")));
        assert_eq!(comparison_date(d("2026-03-15"), Compare::PreviousYear).unwrap(), Some(d("2025-03-15")));
    }
}
