//! Fiscal years and their periods, closing and reopening, the lock date, and the
//! year-end close.
//!
//! A fiscal year starts on the first day of the company's fiscal-year start month and has
//! twelve monthly periods plus a closing period (its last day) that holds only the
//! year-end closing entry. A year is created when first needed: by the chart setup, by
//! `fiscal_year.create`, or by a posting dated in it.

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Reason, Result};
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// Today in the company's time zone.
pub fn today(db: &Connection, t: &TenantCtx, now: chrono::DateTime<chrono::Utc>) -> Result<NaiveDate> {
    let tz: String = db.prepare_cached("SELECT timezone FROM companies WHERE id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    Ok(now.with_timezone(&tz).date_naive())
}

fn start_month(db: &Connection, t: &TenantCtx) -> Result<u32> {
    let m: i64 = db.prepare_cached("SELECT fiscal_year_start_month FROM companies WHERE id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    Ok(u32::try_from(m).unwrap_or(1).clamp(1, 12))
}

fn month_start(year: i32, month: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| Error::field("date", FieldCode::OutOfRange.with("min", "0001-01-01").with("max", "9999-12-31")))
}

/// The first day of the fiscal year containing `date`.
fn year_start_for(date: NaiveDate, start_month: u32) -> Result<NaiveDate> {
    let y = if date.month() >= start_month { date.year() } else { date.year() - 1 };
    month_start(y, start_month)
}

fn add_months(d: NaiveDate, n: u32) -> Result<NaiveDate> {
    d.checked_add_months(chrono::Months::new(n)).ok_or_else(|| Error::field("date", FieldCode::OutOfRange.with("min", "0001-01-01").with("max", "9999-12-31")))
}

/// The fiscal year containing `date`, creating it (with its periods) when missing.
pub fn ensure_year(db: &Connection, t: &TenantCtx, date: NaiveDate) -> Result<FiscalYearId> {
    if let Some(id) = db
        .prepare_cached("SELECT id FROM fiscal_years WHERE tenant_id = ?1 AND start_date <= ?2 AND end_date >= ?2")?
        .query_row(params![t.tenant_id(), date], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    if !(1900..=9000).contains(&date.year()) {
        return Err(Error::field("date", FieldCode::OutOfRange.with("min", "1900-01-01").with("max", "9000-12-31")));
    }
    let start = year_start_for(date, start_month(db, t)?)?;
    let end = add_months(start, 12)?.pred_opt().ok_or_else(|| Error::Internal("date".into()))?;
    // A changed start month may leave this year overlapping one that exists: refuse.
    let overlap: bool = db
        .prepare_cached("SELECT 1 FROM fiscal_years WHERE tenant_id = ?1 AND start_date <= ?3 AND end_date >= ?2")?
        .exists(params![t.tenant_id(), start, end])?;
    if overlap {
        return Err(Error::field("date", FieldCode::FiscalYearOverlap.with("start", start).with("end", end)));
    }
    let name = if start.month() == 1 { start.year().to_string() } else { format!("{}/{}", start.year(), (start.year() + 1) % 100) };
    db.prepare_cached("INSERT INTO fiscal_years (tenant_id, name, start_date, end_date) VALUES (?1, ?2, ?3, ?4)")?.execute(params![t.tenant_id(), name, start, end])?;
    let year = FiscalYearId(db.last_insert_rowid());
    let mut st = db.prepare_cached("INSERT INTO periods (tenant_id, fiscal_year_id, name, start_date, end_date, is_closing) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for i in 0..12 {
        let ps = add_months(start, i)?;
        let pe = add_months(ps, 1)?.pred_opt().ok_or_else(|| Error::Internal("date".into()))?;
        st.execute(params![t.tenant_id(), year, ps.format("%Y-%m").to_string(), ps, pe, false])?;
    }
    st.execute(params![t.tenant_id(), year, format!("{name} closing"), end, end, true])?;
    Ok(year)
}

/// The open regular period for a posting dated `date` (creating its year when needed);
/// refused with the period's name when it is closed, or when the date is on or before
/// the lock date.
pub fn period_for_posting(db: &Connection, t: &TenantCtx, date: NaiveDate, closing: bool) -> Result<(FiscalYearId, PeriodId)> {
    let lock: Option<NaiveDate> = db.prepare_cached("SELECT lock_date FROM accounting_settings WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0)).optional()?.flatten();
    if let Some(lock) = lock
        && date <= lock
    {
        return Err(Error::field("date", FieldCode::BeforeLockDate.with("lock_date", lock)));
    }
    let year = ensure_year(db, t, date)?;
    let (id, name, closed): (PeriodId, String, bool) = db
        .prepare_cached("SELECT id, name, closed FROM periods WHERE tenant_id = ?1 AND fiscal_year_id = ?2 AND start_date <= ?3 AND end_date >= ?3 AND is_closing = ?4")?
        .query_row(params![t.tenant_id(), year, date, closing], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::Internal(format!("no period for {date}")))?;
    if closed {
        return Err(Error::field("date", FieldCode::PeriodClosed.with("period", name)));
    }
    Ok((year, id))
}

fn period_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Period> {
    Ok(Period { id: r.get(0)?, fiscal_year_id: r.get(1)?, name: r.get(2)?, start_date: r.get(3)?, end_date: r.get(4)?, closed: r.get(5)?, is_closing: r.get(6)? })
}

pub fn get_period(db: &Connection, t: &TenantCtx, id: PeriodId) -> Result<Period> {
    db.prepare_cached("SELECT id, fiscal_year_id, name, start_date, end_date, closed, is_closing FROM periods WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], period_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("period", id))
}

pub fn get_year(db: &Connection, t: &TenantCtx, id: FiscalYearId) -> Result<FiscalYear> {
    let mut y = db
        .prepare_cached("SELECT id, name, start_date, end_date, closed, closing_entry_id FROM fiscal_years WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(FiscalYear { id: r.get(0)?, name: r.get(1)?, start_date: r.get(2)?, end_date: r.get(3)?, closed: r.get(4)?, closing_entry_id: r.get(5)?, periods: vec![] })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("fiscal_year", id))?;
    let mut st = db.prepare_cached(
        "SELECT id, fiscal_year_id, name, start_date, end_date, closed, is_closing FROM periods WHERE tenant_id = ?1 AND fiscal_year_id = ?2 ORDER BY start_date, is_closing",
    )?;
    y.periods = st.query_map(params![t.tenant_id(), id], period_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(y)
}

pub fn list_years(ctx: &mut Ctx<'_>) -> Result<Vec<FiscalYear>> {
    let t = ctx.tenant()?;
    let ids: Vec<FiscalYearId> =
        ctx.db().prepare_cached("SELECT id FROM fiscal_years WHERE tenant_id = ?1 ORDER BY start_date DESC")?.query_map([t.tenant_id()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_year(ctx.db(), &t, id)).collect()
}

pub fn create_year(ctx: &mut Ctx<'_>, a: CreateFiscalYearArgs) -> Result<FiscalYear> {
    let t = ctx.tenant()?;
    super::chart::require_chart(ctx.db(), &t)?;
    let id = ensure_year(ctx.db(), &t, a.date)?;
    let y = get_year(ctx.db(), &t, id)?;
    ctx.audit("fiscal_year", id, json!({"name": y.name}));
    Ok(y)
}

/// Closes or reopens one period (its own permission). A period of a closed year reopens
/// only with its year.
pub fn set_period_closed(ctx: &mut Ctx<'_>, a: SetPeriodClosedArgs) -> Result<Period> {
    let t = ctx.tenant()?;
    let p = get_period(ctx.db(), &t, a.id)?;
    let y = get_year(ctx.db(), &t, p.fiscal_year_id)?;
    if y.closed && !a.closed {
        return Err(Error::refused(Reason::YearClosed.with("year", &y.name)));
    }
    if p.is_closing {
        return Err(Error::refused(Reason::ClosingPeriodFollowsYear.with("year", &y.name)));
    }
    ctx.db().prepare_cached("UPDATE periods SET closed = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.closed])?;
    ctx.audit("period", a.id, json!({"name": p.name, "closed": [p.closed, a.closed]}));
    get_period(ctx.db(), &t, a.id)
}

pub fn set_lock_date(ctx: &mut Ctx<'_>, a: SetLockDateArgs) -> Result<AccountingSettings> {
    let t = ctx.tenant()?;
    let old = super::chart::get_settings(ctx.db(), &t)?;
    ctx.db().prepare_cached("UPDATE accounting_settings SET lock_date = ?2, updated_at = ?3 WHERE tenant_id = ?1")?.execute(params![t.tenant_id(), a.lock_date, ctx.now])?;
    ctx.audit("lock_date", t.tenant_id(), json!({"lock_date": [old.lock_date, a.lock_date]}));
    super::chart::get_settings(ctx.db(), &t)
}

/// Year-end close: one entry in the closing journal, dated the year's last day, in the
/// year's closing period, that brings every income and expense account to zero against
/// retained earnings; then the year and all its periods close. Refused while an earlier
/// year is open, or when the retained-earnings default is missing.
pub fn close_year(ctx: &mut Ctx<'_>, a: FiscalYearArg) -> Result<FiscalYear> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let y = get_year(db, &t, a.id)?;
    if y.closed {
        return Err(Error::refused(Reason::YearClosed.with("year", &y.name)));
    }
    let earlier_open: Option<String> = db
        .prepare_cached("SELECT name FROM fiscal_years WHERE tenant_id = ?1 AND start_date < ?2 AND NOT closed ORDER BY start_date LIMIT 1")?
        .query_row(params![t.tenant_id(), y.start_date], |r| r.get(0))
        .optional()?;
    if let Some(name) = earlier_open {
        return Err(Error::refused(Reason::EarlierYearOpen.with("year", name)));
    }
    let settings = super::chart::get_settings(db, &t)?;
    let retained = settings.defaults.retained_earnings.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "retained_earnings")))?;
    let journal = super::journals::by_kind(db, &t, JournalKind::Closing)?;
    // The year's result per income/expense account, from the maintained balances.
    let mut st = db.prepare_cached(
        "SELECT b.account_id, sum(b.debit) - sum(b.credit) FROM account_balances b
         JOIN accounts a ON a.tenant_id = b.tenant_id AND a.id = b.account_id
         JOIN periods p ON p.tenant_id = b.tenant_id AND p.id = b.period_id
         WHERE b.tenant_id = ?1 AND p.fiscal_year_id = ?2 AND a.type IN ('income', 'expense')
         GROUP BY b.account_id HAVING sum(b.debit) - sum(b.credit) <> 0 ORDER BY b.account_id",
    )?;
    let rows: Vec<(AccountId, i64)> = st.query_map(params![t.tenant_id(), y.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut closing_entry = None;
    if !rows.is_empty() {
        let mut lines = Vec::new();
        let mut net: i64 = 0;
        for (account, bal) in rows {
            let amount = crate::money::from_db(bal.abs());
            net = net.checked_add(bal).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            lines.push(LineDraft {
                account_id: Some(account),
                description: format!("Close {}", y.name),
                debit: if bal < 0 { amount } else { rust_decimal::Decimal::ZERO },
                credit: if bal > 0 { amount } else { rust_decimal::Decimal::ZERO },
                ..Default::default()
            });
        }
        if net != 0 {
            let amount = crate::money::from_db(net.abs());
            lines.push(LineDraft {
                account_id: Some(retained),
                description: format!("Result of {}", y.name),
                // `net` is the year's debit balance of income and expense: a loss (net > 0)
                // is debited to retained earnings, a profit credited, which balances the
                // lines above that bring each account to zero.
                debit: if net > 0 { amount } else { rust_decimal::Decimal::ZERO },
                credit: if net < 0 { amount } else { rust_decimal::Decimal::ZERO },
                ..Default::default()
            });
        }
        let draft = EntryDraft { journal_id: journal, date: y.end_date, reference: format!("Close {}", y.name), memo: String::new(), lines };
        let posted = super::ledger::post_with(ctx, draft, Source { module: "accounting".into(), kind: "year_close".into(), id: Some(y.id.0) }, None, true)?;
        closing_entry = Some(posted.id);
    }
    let db = ctx.db();
    db.prepare_cached("UPDATE fiscal_years SET closed = 1, closing_entry_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), y.id, closing_entry])?;
    db.prepare_cached("UPDATE periods SET closed = 1 WHERE tenant_id = ?1 AND fiscal_year_id = ?2")?.execute(params![t.tenant_id(), y.id])?;
    ctx.audit("fiscal_year", y.id, json!({"name": y.name, "closed": true, "closing_entry_id": closing_entry}));
    get_year(ctx.db(), &t, y.id)
}

/// Reopens a closed year: its periods reopen and its closing entry is reversed (never
/// deleted). Refused while a later year is closed.
pub fn reopen_year(ctx: &mut Ctx<'_>, a: FiscalYearArg) -> Result<FiscalYear> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let y = get_year(db, &t, a.id)?;
    if !y.closed {
        return Err(Error::refused(Reason::YearOpen.with("year", &y.name)));
    }
    let later_closed: Option<String> = db
        .prepare_cached("SELECT name FROM fiscal_years WHERE tenant_id = ?1 AND start_date > ?2 AND closed ORDER BY start_date DESC LIMIT 1")?
        .query_row(params![t.tenant_id(), y.start_date], |r| r.get(0))
        .optional()?;
    if let Some(name) = later_closed {
        return Err(Error::refused(Reason::LaterYearClosed.with("year", name)));
    }
    db.prepare_cached("UPDATE periods SET closed = 0 WHERE tenant_id = ?1 AND fiscal_year_id = ?2")?.execute(params![t.tenant_id(), y.id])?;
    db.prepare_cached("UPDATE fiscal_years SET closed = 0, closing_entry_id = NULL WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), y.id])?;
    if let Some(entry) = y.closing_entry_id {
        super::ledger::reverse_entry(ctx, entry, Some(y.end_date), Some(format!("Reopen {}", y.name)), true)?;
    }
    ctx.audit("fiscal_year", y.id, json!({"name": y.name, "closed": false}));
    get_year(ctx.db(), &t, y.id)
}
