//! Consolidation: one statement over several companies, for accountants who keep the
//! books of a group. The command is not company-scoped; it checks, company by company,
//! that the caller holds `accounting.view_ledger` there, and a company where they do not
//! looks exactly like one that does not exist (`not_found`).

use super::model::*;
use super::repo::{self, Target, sub};
use super::service::check_range;
use crate::accounting::model::AccountType;
use crate::CompanyRef;
use crate::command::{Ctx, TenantCtx};
use crate::ids::TenantId;
use crate::{Error, FieldCode, Result, arith, money};
use rust_decimal::Decimal;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};

/// The company's context when the caller may read its books; `not_found` otherwise.
fn open_company(ctx: &Ctx<'_>, id: TenantId) -> Result<TenantCtx> {
    let p = ctx.principal()?;
    let (tenant, _) = crate::company::repo::resolve_for_user(ctx.db(), &CompanyRef::Id(id.0), p)?;
    if !p.is_superuser && !crate::rbac::repo::member_has_permission(ctx.db(), tenant, p.user_id, super::super::commands::VIEW)? {
        return Err(Error::not_found("company", id));
    }
    Ok(TenantCtx::new(tenant, p.user_id))
}

/// One company's figures, per account code: (section, name, figure in base currency).
type Figures = BTreeMap<String, (String, String, i64)>;

const EARNINGS_CODE: &str = "";

fn section_of(t: AccountType) -> &'static str {
    match t {
        AccountType::Asset => "assets",
        AccountType::Liability => "liabilities",
        AccountType::Equity => "equity",
        AccountType::Income => "income",
        AccountType::Expense => "expenses",
    }
}

fn figures(db: &Connection, t: &TenantCtx, a: &ConsolidatedArgs) -> Result<Figures> {
    crate::accounting::chart::require_chart(db, t)?;
    let accounts = repo::accounts(db, t)?;
    let mut out = Figures::new();
    match a.report {
        ConsolidatedKind::TrialBalance => {
            let s = repo::sums(db, t, None, a.to, true, Target::Accounts(None))?;
            for acc in accounts.iter().filter(|x| !x.is_group) {
                let b = repo::balance(&s, acc.id.0)?;
                if b != 0 {
                    out.insert(acc.code.clone(), (acc.account_type.as_str().to_string(), acc.name.clone(), b));
                }
            }
        }
        ConsolidatedKind::ProfitAndLoss => {
            let s = repo::sums(db, t, Some(a.from), a.to, false, Target::Accounts(None))?;
            for acc in accounts.iter().filter(|x| !x.is_group && x.account_type.is_profit_and_loss()) {
                let b = repo::balance(&s, acc.id.0)?;
                let shown = if acc.account_type == AccountType::Income { sub(0, b)? } else { b };
                if shown != 0 {
                    out.insert(acc.code.clone(), (section_of(acc.account_type).into(), acc.name.clone(), shown));
                }
            }
        }
        ConsolidatedKind::BalanceSheet => {
            let s = repo::sums(db, t, None, a.to, true, Target::Accounts(None))?;
            let mut earnings = 0_i64;
            for acc in accounts.iter().filter(|x| !x.is_group) {
                let b = repo::balance(&s, acc.id.0)?;
                if acc.account_type.is_profit_and_loss() {
                    earnings = sub(earnings, b)?;
                    continue;
                }
                let shown = if acc.account_type.debit_normal() { b } else { sub(0, b)? };
                if shown != 0 {
                    out.insert(acc.code.clone(), (section_of(acc.account_type).into(), acc.name.clone(), shown));
                }
            }
            if earnings != 0 {
                out.insert(EARNINGS_CODE.into(), ("equity".into(), "Current year earnings".into(), earnings));
            }
        }
    }
    Ok(out)
}

fn section_rank(report: ConsolidatedKind, section: &str) -> usize {
    let order: &[&str] = match report {
        ConsolidatedKind::TrialBalance => &["asset", "liability", "equity", "income", "expense"],
        ConsolidatedKind::ProfitAndLoss => &["income", "expenses"],
        ConsolidatedKind::BalanceSheet => &["assets", "liabilities", "equity"],
    };
    order.iter().position(|s| *s == section).unwrap_or(order.len())
}

pub fn consolidated(ctx: &mut Ctx<'_>, a: ConsolidatedArgs) -> Result<Consolidated> {
    // Access first, so that nothing about a company the caller may not see leaks out.
    let mut seen = BTreeSet::new();
    let mut companies = Vec::new();
    for id in &a.companies {
        if !seen.insert(*id) {
            return Err(Error::field("companies", FieldCode::Repeated.with("value", id)));
        }
        companies.push(open_company(ctx, *id)?);
    }
    if companies.is_empty() {
        return Err(Error::field("companies", FieldCode::Required));
    }
    check_range(a.from, a.to)?;
    let currency = a.currency.trim().to_ascii_uppercase();
    money::minor_units("currency", &currency)?;
    for (i, r) in a.rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(Error::field(format!("rates.{i}.rate"), FieldCode::NotPositive));
        }
    }
    let db = ctx.db();
    let mut columns = Vec::new();
    let mut all: Vec<Figures> = Vec::new();
    for t in &companies {
        let (code, name, base): (String, String, String) =
            db.prepare_cached("SELECT code, name, base_currency FROM companies WHERE id = ?1")?.query_row([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let rate = if base == currency {
            Decimal::ONE
        } else {
            a.rates
                .iter()
                .find(|r| r.company_id == t.tenant_id())
                .map(|r| r.rate)
                .ok_or_else(|| Error::field("rates", FieldCode::ConsolidationRateMissing.with("company", &code).with("currency", &base)))?
        };
        columns.push(ConsolidatedColumn { company_id: t.tenant_id(), code, name, base_currency: base, rate });
        all.push(figures(db, t, &a)?);
    }
    // Rows by account code, each company's figure translated at its rate and rounded to
    // the target currency's minor units; totals add the rounded figures.
    let n = companies.len();
    let mut rows: BTreeMap<String, ConsolidatedRow> = BTreeMap::new();
    for (i, f) in all.iter().enumerate() {
        for (code, (section, name, v)) in f {
            let translated = arith::mul("rates", money::from_db(*v), columns[i].rate)?;
            let rounded = money::round_money("currency", translated, &currency, false)?;
            let row = rows.entry(code.clone()).or_insert_with(|| ConsolidatedRow {
                section: section.clone(),
                code: code.clone(),
                name: name.clone(),
                amounts: vec![Decimal::ZERO; n],
                total: Decimal::ZERO,
            });
            row.amounts[i] = rounded;
        }
    }
    let mut rows: Vec<ConsolidatedRow> = rows.into_values().collect();
    for r in &mut rows {
        r.total = arith::sum("total", r.amounts.iter().copied())?;
    }
    // The computed earnings line closes the equity section.
    rows.sort_by(|x, y| section_rank(a.report, &x.section).cmp(&section_rank(a.report, &y.section)).then((x.code.is_empty()).cmp(&y.code.is_empty())).then(x.code.cmp(&y.code)));
    let sum_of = |key: &str, pick: &dyn Fn(&ConsolidatedRow) -> bool| -> Result<ConsolidatedTotal> {
        let mut amounts = vec![Decimal::ZERO; n];
        for r in rows.iter().filter(|r| pick(r)) {
            for (x, y) in amounts.iter_mut().zip(&r.amounts) {
                *x = arith::add("total", *x, *y)?;
            }
        }
        let total = arith::sum("total", amounts.iter().copied())?;
        Ok(ConsolidatedTotal { key: key.into(), amounts, total })
    };
    let totals = match a.report {
        ConsolidatedKind::TrialBalance => vec![sum_of("total", &|_| true)?],
        ConsolidatedKind::ProfitAndLoss => {
            let income = sum_of("income", &|r| r.section == "income")?;
            let expenses = sum_of("expenses", &|r| r.section == "expenses")?;
            let mut net = ConsolidatedTotal { key: "net_profit".into(), amounts: vec![Decimal::ZERO; n], total: Decimal::ZERO };
            for i in 0..n {
                net.amounts[i] = arith::sub("total", income.amounts[i], expenses.amounts[i])?;
            }
            net.total = arith::sub("total", income.total, expenses.total)?;
            vec![income, expenses, net]
        }
        ConsolidatedKind::BalanceSheet => {
            let assets = sum_of("assets", &|r| r.section == "assets")?;
            let liabilities = sum_of("liabilities", &|r| r.section == "liabilities")?;
            let equity = sum_of("equity", &|r| r.section == "equity")?;
            let le = sum_of("liabilities_and_equity", &|r| r.section == "liabilities" || r.section == "equity")?;
            vec![assets, liabilities, equity, le]
        }
    };
    Ok(Consolidated { report: a.report, currency, from: a.from, to: a.to, columns, rows, totals })
}
