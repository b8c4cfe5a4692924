//! Currencies (ISO 4217, from the `iso_currency` crate's data) and exchange rates per
//! company, currency and date. The rate for a date is the latest on or before it.

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, money};
use chrono::NaiveDate;
use iso_currency::{Currency, IntoEnumIterator};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

pub fn enabled(db: &Connection, t: &TenantCtx) -> Result<Vec<String>> {
    Ok(db.prepare_cached("SELECT currency FROM company_currencies WHERE tenant_id = ?1 ORDER BY currency")?.query_map([t.tenant_id()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

pub fn is_enabled(db: &Connection, t: &TenantCtx, currency: &str) -> Result<bool> {
    Ok(db.prepare_cached("SELECT 1 FROM company_currencies WHERE tenant_id = ?1 AND currency = ?2")?.exists(params![t.tenant_id(), currency])?)
}

/// One unit of `currency` in base currency on `date`: the latest rate on or before it;
/// 1 for the base currency; a `no_exchange_rate` error naming currency and date otherwise.
pub fn rate_for(db: &Connection, t: &TenantCtx, currency: &str, date: NaiveDate) -> Result<Decimal> {
    if currency == super::chart::base_currency(db, t)? {
        return Ok(Decimal::ONE);
    }
    let v: Option<i64> = db
        .prepare_cached("SELECT rate FROM exchange_rates WHERE tenant_id = ?1 AND currency = ?2 AND date <= ?3 ORDER BY date DESC LIMIT 1")?
        .query_row(params![t.tenant_id(), currency, date], |r| r.get(0))
        .optional()?;
    v.map(|v| money::from_db_at(v, money::RATE_SCALE))
        .ok_or_else(|| Error::field("currency", FieldCode::NoExchangeRate.with("currency", currency).with("date", date)))
}

/// Every ISO 4217 currency, with the company's enabled ones first.
pub fn list(ctx: &mut Ctx<'_>) -> Result<Vec<CurrencyInfo>> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let base = super::chart::base_currency(db, &t)?;
    let on = enabled(db, &t)?;
    let mut out: Vec<CurrencyInfo> = Currency::iter()
        .map(|c| {
            let code = c.code().to_string();
            CurrencyInfo {
                enabled: code == base || on.contains(&code),
                base: code == base,
                name: c.name().to_string(),
                minor_units: u32::from(c.exponent().unwrap_or(0)),
                code,
                latest_rate: None,
                latest_rate_date: None,
            }
        })
        .collect();
    for c in out.iter_mut().filter(|c| c.enabled && !c.base) {
        let latest: Option<(NaiveDate, i64)> = db
            .prepare_cached("SELECT date, rate FROM exchange_rates WHERE tenant_id = ?1 AND currency = ?2 ORDER BY date DESC LIMIT 1")?
            .query_row(params![t.tenant_id(), c.code], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((d, r)) = latest {
            c.latest_rate_date = Some(d);
            c.latest_rate = Some(money::from_db_at(r, money::RATE_SCALE));
        }
    }
    out.sort_by(|a, b| b.base.cmp(&a.base).then(b.enabled.cmp(&a.enabled)).then(a.code.cmp(&b.code)));
    Ok(out)
}

pub fn set_enabled(ctx: &mut Ctx<'_>, a: SetCurrencyEnabledArgs) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let code = c.currency("currency", &a.currency);
    c.finish()?;
    if code == super::chart::base_currency(ctx.db(), &t)? {
        return Err(Error::field("currency", FieldCode::IsBaseCurrency));
    }
    if a.enabled {
        ctx.db().prepare_cached("INSERT OR IGNORE INTO company_currencies (tenant_id, currency) VALUES (?1, ?2)")?.execute(params![t.tenant_id(), code])?;
    } else {
        let used = ctx.db().prepare_cached("SELECT 1 FROM journal_lines WHERE tenant_id = ?1 AND currency = ?2 LIMIT 1")?.exists(params![t.tenant_id(), code])?
            || ctx.db().prepare_cached("SELECT 1 FROM journal_draft_lines WHERE tenant_id = ?1 AND currency = ?2 LIMIT 1")?.exists(params![t.tenant_id(), code])?;
        if used {
            return Err(Error::refused(crate::Reason::InUse.with("entity", "currency").with("name", &code)));
        }
        ctx.db().prepare_cached("DELETE FROM company_currencies WHERE tenant_id = ?1 AND currency = ?2")?.execute(params![t.tenant_id(), code])?;
    }
    ctx.audit("currency", &code, json!({"enabled": a.enabled}));
    Ok(crate::command::Done::OK)
}

fn check_rate(db: &Connection, t: &TenantCtx, currency: &str, rate: Option<Decimal>) -> Result<(String, Option<i64>)> {
    let mut c = Checker::new();
    let code = c.currency("currency", currency);
    c.finish()?;
    if !is_enabled(db, t, &code)? {
        return Err(Error::field("currency", FieldCode::CurrencyNotEnabled.with("currency", &code)));
    }
    let scaled = match rate {
        Some(r) if r <= Decimal::ZERO => return Err(Error::field("rate", FieldCode::NotPositive)),
        Some(r) => Some(money::to_db_at("rate", r, money::RATE_SCALE)?),
        None => None,
    };
    if scaled == Some(0) {
        return Err(Error::field("rate", FieldCode::NotPositive));
    }
    Ok((code, scaled))
}

/// Sets the rate of a currency on a date (replacing that date's rate).
pub fn set_rate(ctx: &mut Ctx<'_>, a: SetRateArgs) -> Result<ExchangeRate> {
    let t = ctx.tenant()?;
    let (code, rate) = check_rate(ctx.db(), &t, &a.currency, Some(a.rate))?;
    ctx.db()
        .prepare_cached("INSERT INTO exchange_rates (tenant_id, currency, date, rate) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant_id, currency, date) DO UPDATE SET rate = excluded.rate")?
        .execute(params![t.tenant_id(), code, a.date, rate])?;
    ctx.audit("exchange_rate", format!("{code} {}", a.date), json!({"rate": a.rate}));
    Ok(ExchangeRate { currency: code, date: a.date, rate: a.rate.normalize() })
}

pub fn delete_rate(ctx: &mut Ctx<'_>, a: DeleteRateArgs) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let (code, _) = check_rate(ctx.db(), &t, &a.currency, None)?;
    let n = ctx.db().prepare_cached("DELETE FROM exchange_rates WHERE tenant_id = ?1 AND currency = ?2 AND date = ?3")?.execute(params![t.tenant_id(), code, a.date])?;
    if n == 0 {
        return Err(Error::not_found("exchange_rate", format!("{code} {}", a.date)));
    }
    ctx.audit("exchange_rate", format!("{code} {}", a.date), json!({"deleted": true}));
    Ok(crate::command::Done::OK)
}

pub fn list_rates(ctx: &mut Ctx<'_>, a: ListRatesArgs) -> Result<Vec<ExchangeRate>> {
    let t = ctx.tenant()?;
    let limit = i64::from(a.limit.unwrap_or(500).min(5000));
    let cur = a.currency.map(|c| c.trim().to_ascii_uppercase());
    let mut st = ctx.db().prepare_cached(
        "SELECT currency, date, rate FROM exchange_rates WHERE tenant_id = ?1 AND (?2 IS NULL OR currency = ?2) ORDER BY date DESC, currency LIMIT ?3",
    )?;
    let rows = st.query_map(params![t.tenant_id(), cur, limit], |r| {
        Ok(ExchangeRate { currency: r.get(0)?, date: r.get(1)?, rate: money::from_db_at(r.get(2)?, money::RATE_SCALE) })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn rate(ctx: &mut Ctx<'_>, a: RateForArgs) -> Result<ExchangeRate> {
    let t = ctx.tenant()?;
    let code = a.currency.trim().to_ascii_uppercase();
    let rate = rate_for(ctx.db(), &t, &code, a.date)?;
    Ok(ExchangeRate { currency: code, date: a.date, rate })
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportRatesArgs {
    /// CSV text with the columns currency, date (YYYY-MM-DD), rate.
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports rates from CSV (`currency,date,rate`): every bad row is reported; nothing is
/// written unless every row is good. A rate for a date that has one replaces it.
pub fn import_rates(ctx: &mut Ctx<'_>, a: ImportRatesArgs) -> Result<crate::exchange::ImportReport> {
    let t = ctx.tenant()?;
    let input = crate::exchange::CsvInput::parse(&a.csv, &["currency", "date", "rate"], &[])?;
    let mut report = crate::exchange::ImportReport::new(a.dry_run, input.len());
    let mut good = Vec::new();
    for rec in input.records() {
        let row = rec.row();
        let Ok(date) = NaiveDate::parse_from_str(rec.get("date").trim(), "%Y-%m-%d") else {
            report.error(row, "date", FieldCode::InvalidDate);
            continue;
        };
        let rate = match money::parse("rate", rec.get("rate")) {
            Ok(v) => v,
            Err(_) => {
                report.error(row, "rate", FieldCode::InvalidDecimal);
                continue;
            }
        };
        match check_rate(ctx.db(), &t, rec.get("currency"), Some(rate)) {
            Ok((code, Some(v))) => good.push((code, date, v)),
            Ok(_) => {}
            Err(e) => {
                for f in e.fields() {
                    report.error(row, &f.field, f.issue());
                }
            }
        }
    }
    report.created = good.len() as u32;
    if report.is_clean() && !a.dry_run {
        let mut st = ctx.db().prepare_cached(
            "INSERT INTO exchange_rates (tenant_id, currency, date, rate) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant_id, currency, date) DO UPDATE SET rate = excluded.rate",
        )?;
        for (code, date, v) in &good {
            st.execute(params![t.tenant_id(), code, date, v])?;
        }
        report.committed = true;
        ctx.audit("exchange_rate", "import", json!({"rows": good.len()}));
    } else {
        ctx.wrote_nothing();
    }
    Ok(report)
}
