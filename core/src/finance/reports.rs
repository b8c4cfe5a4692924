//! Finance reports: receivable and payable aging at any date, partner statements, cash
//! position, the tax report for a period and a direct cash-flow summary. Aging reads the
//! open items as of the date (allocations dated up to it), so its total equals the
//! control accounts' balance at that date.

use super::model::*;
use crate::accounting::model::TaxId;
use crate::command::TenantCtx;
use crate::partners::model::PartnerId;
use crate::{Result, arith, money};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AgingArgs {
    pub side: ItemSide,
    /// Default: today.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Upper bounds in days overdue of the buckets after "current" (default: the company's).
    #[serde(default)]
    #[ts(optional)]
    pub buckets: Option<Vec<u32>>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AgingRow {
    pub partner_id: PartnerId,
    pub partner_name: String,
    /// current, then one per bucket, then over the last bucket (base currency, signed
    /// so that what the partner owes — or is owed, for payables — is positive).
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub amounts: Vec<Decimal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Aging {
    pub side: ItemSide,
    pub date: NaiveDate,
    pub currency: String,
    /// Column titles: "current", "1-30", ..., "90+".
    pub columns: Vec<String>,
    pub rows: Vec<AgingRow>,
    #[ts(type = "string[]")]
    #[schemars(with = "Vec<String>")]
    pub totals: Vec<Decimal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

pub fn aging(db: &Connection, t: &TenantCtx, a: &AgingArgs, today: NaiveDate) -> Result<Aging> {
    let date = a.date.unwrap_or(today);
    let buckets = match &a.buckets {
        Some(b) => {
            super::settings::check_buckets("buckets", b)?;
            b.clone()
        }
        None => super::settings::get(db, t)?.aging_buckets,
    };
    let mut columns = vec!["current".to_string()];
    let mut lo = 1;
    for b in &buckets {
        columns.push(format!("{lo}-{b}"));
        lo = b + 1;
    }
    columns.push(format!("{}+", buckets.last().copied().unwrap_or(0)));
    // Items open at the date: dated up to it and not closed before it; what is open is
    // the base less the allocations dated up to it.
    let sql = "SELECT i.partner_id, p.name, i.due_date,
                      i.base - COALESCE((SELECT sum(x.base) FROM allocations x WHERE x.tenant_id = i.tenant_id AND x.item_id = i.id AND x.date <= ?3), 0)
               FROM open_items i JOIN partners p ON p.tenant_id = i.tenant_id AND p.id = i.partner_id
               WHERE i.tenant_id = ?1 AND i.side = ?2 AND i.open_until > ?3 AND i.date <= ?3 AND (?4 IS NULL OR i.partner_id = ?4)";
    let sign = if a.side == ItemSide::Receivable { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
    let mut rows: std::collections::BTreeMap<PartnerId, AgingRow> = Default::default();
    let mut st = db.prepare_cached(sql)?;
    let mut q = st.query(params![t.tenant_id(), a.side, date, a.partner_id])?;
    let n = columns.len();
    while let Some(r) = q.next()? {
        let open: i64 = r.get(3)?;
        if open == 0 {
            continue;
        }
        let partner: PartnerId = r.get(0)?;
        let due: NaiveDate = r.get(2)?;
        let overdue = (date - due).num_days();
        let col = if overdue <= 0 { 0 } else { 1 + buckets.iter().position(|b| overdue <= i64::from(*b)).unwrap_or(buckets.len()) };
        let row = rows.entry(partner).or_insert_with(|| AgingRow { partner_id: partner, partner_name: String::new(), amounts: vec![Decimal::ZERO; n], total: Decimal::ZERO });
        if row.partner_name.is_empty() {
            row.partner_name = r.get(1)?;
        }
        let v = arith::mul("amount", money::from_db(open), sign)?;
        row.amounts[col] = arith::add("amount", row.amounts[col], v)?;
        row.total = arith::add("amount", row.total, v)?;
    }
    let mut rows: Vec<AgingRow> = rows.into_values().filter(|r| !r.total.is_zero() || r.amounts.iter().any(|a| !a.is_zero())).collect();
    rows.sort_by(|a, b| a.partner_name.to_lowercase().cmp(&b.partner_name.to_lowercase()).then(a.partner_id.cmp(&b.partner_id)));
    let mut totals = vec![Decimal::ZERO; n];
    let mut total = Decimal::ZERO;
    for r in &rows {
        for (k, v) in r.amounts.iter().enumerate() {
            totals[k] = arith::add("amount", totals[k], *v)?;
        }
        total = arith::add("amount", total, r.total)?;
    }
    Ok(Aging { side: a.side, date, currency: crate::accounting::chart::base_currency(db, t)?, columns, rows, totals, total })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartnerStatementArgs {
    pub partner_id: PartnerId,
    pub side: ItemSide,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StatementEntry {
    pub date: NaiveDate,
    pub document: String,
    pub kind: String,
    pub due_date: NaiveDate,
    /// Base currency; positive raises what the partner owes (receivable) or is owed (payable).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub balance: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PartnerStatement {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub side: ItemSide,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    pub entries: Vec<StatementEntry>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
    /// The items open at `to`, oldest due first.
    pub open_items: Vec<OpenItem>,
    pub aging: Aging,
}

pub fn partner_statement(db: &Connection, t: &TenantCtx, a: &PartnerStatementArgs) -> Result<PartnerStatement> {
    if a.to < a.from {
        return Err(crate::Error::field("to", crate::FieldCode::OutOfRange.with("min", a.from)));
    }
    let name: String = db
        .prepare_cached("SELECT name FROM partners WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), a.partner_id], |r| r.get(0))
        .map_err(|_| crate::Error::not_found("partner", a.partner_id))?;
    let sign = if a.side == ItemSide::Receivable { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
    let opening: i64 = db
        .prepare_cached("SELECT COALESCE(sum(base), 0) FROM open_items WHERE tenant_id = ?1 AND side = ?2 AND partner_id = ?3 AND date < ?4")?
        .query_row(params![t.tenant_id(), a.side, a.partner_id, a.from], |r| r.get(0))?;
    let opening = arith::mul("amount", money::from_db(opening), sign)?;
    let mut balance = opening;
    let mut entries = Vec::new();
    let sql = format!(
        "SELECT i.date, {doc}, i.due_date, i.base, e.source_kind FROM open_items i JOIN journal_entries e ON e.tenant_id = i.tenant_id AND e.id = i.entry_id
         WHERE i.tenant_id = ?1 AND i.side = ?2 AND i.partner_id = ?3 AND i.date BETWEEN ?4 AND ?5 ORDER BY i.date, i.id",
        doc = super::items::DOCUMENT
    );
    let mut st = db.prepare_cached(&sql)?;
    let mut q = st.query(params![t.tenant_id(), a.side, a.partner_id, a.from, a.to])?;
    while let Some(r) = q.next()? {
        let amount = arith::mul("amount", money::from_db(r.get(3)?), sign)?;
        balance = arith::add("amount", balance, amount)?;
        entries.push(StatementEntry { date: r.get(0)?, document: r.get(1)?, kind: r.get(4)?, due_date: r.get(2)?, amount, balance });
    }
    let open_items = super::items::open_items(db, t, &OpenItemsArgs { side: a.side, partner_id: Some(a.partner_id), currency: None, at: Some(a.to), include_closed: None, limit: None })?;
    let aging = aging(db, t, &AgingArgs { side: a.side, date: Some(a.to), buckets: None, partner_id: Some(a.partner_id) }, a.to)?;
    Ok(PartnerStatement {
        partner_id: a.partner_id,
        partner_name: name,
        side: a.side,
        from: a.from,
        to: a.to,
        currency: crate::accounting::chart::base_currency(db, t)?,
        opening,
        entries,
        closing: balance,
        open_items,
        aging,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashPositionRow {
    pub bank_account_id: BankAccountId,
    pub name: String,
    pub kind: BankKind,
    pub currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub balance: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashPosition {
    pub date: NaiveDate,
    pub currency: String,
    pub rows: Vec<CashPositionRow>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
}

pub fn cash_position(db: &Connection, t: &TenantCtx, date: NaiveDate) -> Result<CashPosition> {
    let mut rows = Vec::new();
    let mut total = Decimal::ZERO;
    for acc in super::bank::list(db, t, &crate::command::ArchivedArg { include_archived: Some(false) })? {
        let (bal, base): (i64, i64) = db
            .prepare_cached("SELECT COALESCE(sum(amount_currency), 0), COALESCE(sum(debit - credit), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2 AND date <= ?3")?
            .query_row(params![t.tenant_id(), acc.account_id, date], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let base = money::from_db(base);
        total = arith::add("amount", total, base)?;
        rows.push(CashPositionRow { bank_account_id: acc.id, name: acc.name, kind: acc.kind, currency: acc.currency, balance: money::from_db(bal), base });
    }
    Ok(CashPosition { date, currency: crate::accounting::chart::base_currency(db, t)?, rows, total })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PeriodArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxReportRow {
    pub tax_id: TaxId,
    pub code: String,
    pub name: String,
    /// sales or purchase.
    pub kind: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub rate: Decimal,
    /// Net of credit notes, base currency.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub base: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub tax: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TaxReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub rows: Vec<TaxReportRow>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub collected: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub paid: Decimal,
    /// Collected − paid: what is due to the tax office (negative: a refund).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub due: Decimal,
}

/// Per tax over a period, from the ledger's tax lines: the base and the tax, sales taxes
/// as collected (credit positive), purchase taxes as paid (debit positive).
pub fn tax_report(db: &Connection, t: &TenantCtx, a: &PeriodArgs) -> Result<TaxReport> {
    if a.to < a.from {
        return Err(crate::Error::field("to", crate::FieldCode::OutOfRange.with("min", a.from)));
    }
    let mut rows = Vec::new();
    let (mut collected, mut paid) = (Decimal::ZERO, Decimal::ZERO);
    let mut st = db.prepare_cached(
        "SELECT x.id, x.code, x.name, x.kind, x.rate,
                COALESCE(sum(CASE WHEN l.credit > 0 THEN l.tax_base ELSE -l.tax_base END), 0), COALESCE(sum(l.credit - l.debit), 0)
         FROM journal_lines l JOIN taxes x ON x.tenant_id = l.tenant_id AND x.id = l.tax_id
         WHERE l.tenant_id = ?1 AND l.date BETWEEN ?2 AND ?3 AND l.tax_id IS NOT NULL
           AND l.account_id IN (x.collected_account_id, x.paid_account_id)
         GROUP BY x.id ORDER BY x.kind DESC, x.code",
    )?;
    let mut q = st.query(params![t.tenant_id(), a.from, a.to])?;
    while let Some(r) = q.next()? {
        let kind: String = r.get(3)?;
        let s = if kind == "sales" { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
        let base = arith::mul("amount", money::from_db(r.get::<_, Option<i64>>(5)?.unwrap_or(0)), s)?;
        let tax = arith::mul("amount", money::from_db(r.get(6)?), s)?;
        if kind == "sales" {
            collected = arith::add("amount", collected, tax)?;
        } else {
            paid = arith::add("amount", paid, tax)?;
        }
        rows.push(TaxReportRow { tax_id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, kind, rate: Decimal::new(r.get(4)?, 4).normalize(), base, tax });
    }
    Ok(TaxReport { from: a.from, to: a.to, currency: crate::accounting::chart::base_currency(db, t)?, rows, collected, paid, due: arith::sub("amount", collected, paid)? })
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashFlowRow {
    /// customers, suppliers, transfers, or the counter account's type (income, expense, ...).
    pub category: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub inflow: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub outflow: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CashFlow {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub opening: Decimal,
    pub rows: Vec<CashFlowRow>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub closing: Decimal,
}

/// Direct cash flow: money into and out of the bank and cash accounts over a period,
/// by what it was for (the other side of each entry).
pub fn cash_flow(db: &Connection, t: &TenantCtx, a: &PeriodArgs) -> Result<CashFlow> {
    if a.to < a.from {
        return Err(crate::Error::field("to", crate::FieldCode::OutOfRange.with("min", a.from)));
    }
    let opening: i64 = db
        .prepare_cached(
            "SELECT COALESCE(sum(l.debit - l.credit), 0) FROM journal_lines l JOIN bank_accounts b ON b.tenant_id = l.tenant_id AND b.account_id = l.account_id
             WHERE l.tenant_id = ?1 AND l.date < ?2",
        )?
        .query_row(params![t.tenant_id(), a.from], |r| r.get(0))?;
    // Each bank line's entry: the category is that of the entry's largest other line.
    let mut st = db.prepare_cached(
        "SELECT l.debit - l.credit,
            (SELECT CASE WHEN a.subtype = 'receivable' THEN 'customers' WHEN a.subtype = 'payable' THEN 'suppliers'
                         WHEN a.subtype IN ('bank', 'cash') THEN 'transfers' ELSE a.type END
             FROM journal_lines o JOIN accounts a ON a.tenant_id = o.tenant_id AND a.id = o.account_id
             WHERE o.tenant_id = l.tenant_id AND o.entry_id = l.entry_id AND o.id <> l.id
             ORDER BY (o.debit + o.credit) DESC LIMIT 1)
         FROM journal_lines l JOIN bank_accounts b ON b.tenant_id = l.tenant_id AND b.account_id = l.account_id
         WHERE l.tenant_id = ?1 AND l.date BETWEEN ?2 AND ?3",
    )?;
    let mut by: std::collections::BTreeMap<String, (Decimal, Decimal)> = Default::default();
    let mut q = st.query(params![t.tenant_id(), a.from, a.to])?;
    let mut net = Decimal::ZERO;
    while let Some(r) = q.next()? {
        let v = money::from_db(r.get(0)?);
        let cat: Option<String> = r.get(1)?;
        let e = by.entry(cat.unwrap_or_else(|| "other".into())).or_default();
        if v > Decimal::ZERO { e.0 = arith::add("amount", e.0, v)? } else { e.1 = arith::add("amount", e.1, -v)? }
        net = arith::add("amount", net, v)?;
    }
    let opening = money::from_db(opening);
    Ok(CashFlow {
        from: a.from,
        to: a.to,
        currency: crate::accounting::chart::base_currency(db, t)?,
        opening,
        rows: by.into_iter().map(|(category, (inflow, outflow))| CashFlowRow { category, inflow, outflow }).collect(),
        closing: arith::add("amount", opening, net)?,
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CashPositionArgs {
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

// --- printable tables (`report.table`, `report.export`, `cora report`) -------------------------

use crate::accounting::reports::model::{ReportTable, ReportTableColumn, ReportTableRow};

fn col(label: &str, numeric: bool) -> ReportTableColumn {
    ReportTableColumn { label: label.into(), numeric }
}

fn amt(d: Decimal, units: u32) -> String {
    format!("{:.*}", units as usize, d)
}

fn row(cells: Vec<String>, bold: bool) -> ReportTableRow {
    ReportTableRow { cells, level: 0, bold }
}

fn today(db: &Connection, t: &TenantCtx) -> Result<NaiveDate> {
    crate::accounting::periods::today(db, t, chrono::Utc::now())
}

pub fn aging_table(db: &Connection, t: &TenantCtx, a: &AgingArgs) -> Result<ReportTable> {
    let r = aging(db, t, a, today(db, t)?)?;
    let units = money::minor_units("currency", &r.currency)?;
    let mut columns = vec![col(if a.side == ItemSide::Receivable { "Customer" } else { "Supplier" }, false)];
    for c in &r.columns {
        columns.push(col(if c == "current" { "Current" } else { c }, true));
    }
    columns.push(col(&format!("Total ({})", r.currency), true));
    let mut rows: Vec<ReportTableRow> = r
        .rows
        .iter()
        .map(|x| {
            let mut cells = vec![x.partner_name.clone()];
            cells.extend(x.amounts.iter().map(|v| amt(*v, units)));
            cells.push(amt(x.total, units));
            row(cells, false)
        })
        .collect();
    let mut cells = vec!["Total".to_string()];
    cells.extend(r.totals.iter().map(|v| amt(*v, units)));
    cells.push(amt(r.total, units));
    rows.push(row(cells, true));
    let title = if a.side == ItemSide::Receivable { "Receivables aging" } else { "Payables aging" };
    Ok(ReportTable { title: title.into(), subtitle: format!("at {}", r.date), columns, rows })
}

/// A partner statement: the opening balance, each document of the period with the running
/// balance, the closing balance; then the items open at the end with their aging.
pub fn partner_statement_table(db: &Connection, t: &TenantCtx, a: &PartnerStatementArgs) -> Result<ReportTable> {
    let r = partner_statement(db, t, a)?;
    let units = money::minor_units("currency", &r.currency)?;
    let columns = vec![col("Date", false), col("Document", false), col("Due", false), col(&format!("Amount ({})", r.currency), true), col("Balance", true)];
    let e = String::new;
    let mut rows = vec![row(vec![r.from.to_string(), "Opening balance".into(), e(), e(), amt(r.opening, units)], true)];
    for x in &r.entries {
        rows.push(row(vec![x.date.to_string(), x.document.clone(), x.due_date.to_string(), amt(x.amount, units), amt(x.balance, units)], false));
    }
    rows.push(row(vec![r.to.to_string(), "Closing balance".into(), e(), e(), amt(r.closing, units)], true));
    rows.push(row(vec![e(), "Open items".into(), e(), e(), e()], true));
    let sign = if a.side == ItemSide::Receivable { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
    for i in &r.open_items {
        rows.push(row(vec![i.date.to_string(), i.document.clone(), i.due_date.to_string(), amt(arith::mul("amount", i.open_base, sign)?, units), e()], false));
    }
    for (k, c) in r.aging.columns.iter().enumerate() {
        let v = r.aging.totals.get(k).copied().unwrap_or_default();
        rows.push(row(vec![e(), format!("Aging {}", if c == "current" { "current" } else { c }), e(), amt(v, units), e()], false));
    }
    Ok(ReportTable { title: format!("Statement of account: {}", r.partner_name), subtitle: format!("{} – {}", r.from, r.to), columns, rows })
}

pub fn cash_position_table(db: &Connection, t: &TenantCtx, a: &CashPositionArgs) -> Result<ReportTable> {
    let date = match a.date {
        Some(d) => d,
        None => today(db, t)?,
    };
    let r = cash_position(db, t, date)?;
    let units = money::minor_units("currency", &r.currency)?;
    let columns = vec![col("Account", false), col("Kind", false), col("Currency", false), col("Balance", true), col(&format!("In {}", r.currency), true)];
    let mut rows: Vec<ReportTableRow> = Vec::new();
    for x in &r.rows {
        let u = money::minor_units("currency", &x.currency)?;
        rows.push(row(vec![x.name.clone(), x.kind.as_str().into(), x.currency.clone(), amt(x.balance, u), amt(x.base, units)], false));
    }
    rows.push(row(vec!["Total".into(), String::new(), String::new(), String::new(), amt(r.total, units)], true));
    Ok(ReportTable { title: "Cash position".into(), subtitle: format!("at {}", r.date), columns, rows })
}

pub fn tax_report_table(db: &Connection, t: &TenantCtx, a: &PeriodArgs) -> Result<ReportTable> {
    let r = tax_report(db, t, a)?;
    let units = money::minor_units("currency", &r.currency)?;
    let columns = vec![col("Tax", false), col("Name", false), col("Rate %", true), col(&format!("Base ({})", r.currency), true), col("Tax", true)];
    let mut rows = Vec::new();
    for kind in ["sales", "purchase"] {
        rows.push(row(vec![if kind == "sales" { "Sales (collected)".into() } else { "Purchases (paid)".into() }, String::new(), String::new(), String::new(), String::new()], true));
        for x in r.rows.iter().filter(|x| x.kind == kind) {
            rows.push(row(vec![x.code.clone(), x.name.clone(), x.rate.to_string(), amt(x.base, units), amt(x.tax, units)], false));
        }
    }
    rows.push(row(vec!["Collected".into(), String::new(), String::new(), String::new(), amt(r.collected, units)], true));
    rows.push(row(vec!["Paid".into(), String::new(), String::new(), String::new(), amt(r.paid, units)], true));
    rows.push(row(vec!["Due".into(), String::new(), String::new(), String::new(), amt(r.due, units)], true));
    Ok(ReportTable { title: "Tax report".into(), subtitle: format!("{} – {}", r.from, r.to), columns, rows })
}

pub fn cash_flow_table(db: &Connection, t: &TenantCtx, a: &PeriodArgs) -> Result<ReportTable> {
    let r = cash_flow(db, t, a)?;
    let units = money::minor_units("currency", &r.currency)?;
    let columns = vec![col("Category", false), col(&format!("In ({})", r.currency), true), col("Out", true), col("Net", true)];
    let mut rows = vec![row(vec!["Opening cash".into(), String::new(), String::new(), amt(r.opening, units)], true)];
    for x in &r.rows {
        rows.push(row(vec![x.category.clone(), amt(x.inflow, units), amt(x.outflow, units), amt(arith::sub("amount", x.inflow, x.outflow)?, units)], false));
    }
    rows.push(row(vec!["Closing cash".into(), String::new(), String::new(), amt(r.closing, units)], true));
    Ok(ReportTable { title: "Cash flow (direct)".into(), subtitle: format!("{} – {}", r.from, r.to), columns, rows })
}
