//! Every report as one printable [`ReportTable`]: `report.table` gives it to the UI and
//! the PDF renderer, `report.export` writes it as CSV or XLSX. One table, so every format
//! shows the same figures.

use super::model::*;
use super::service;
use crate::command::{Ctx, TenantCtx};
use crate::exchange::{Cell, ExportFile, Table};
use crate::{Error, FieldCode, Result, money};
use rust_decimal::Decimal;
use rusqlite::Connection;

/// How many lines the paged reports read at a time when printed whole.
const PAGE: u32 = 1000;

struct Builder {
    units: usize,
    table: ReportTable,
}

impl Builder {
    fn new(title: String, subtitle: String, currency: &str, columns: &[(&str, bool)]) -> Result<Builder> {
        let units = money::minor_units("currency", currency)? as usize;
        let columns = columns.iter().map(|(l, n)| ReportTableColumn { label: l.to_string(), numeric: *n }).collect();
        Ok(Builder { units, table: ReportTable { title, subtitle, columns, rows: vec![] } })
    }
    fn amt(&self, d: Decimal) -> String {
        format!("{:.*}", self.units, d)
    }
    fn row(&mut self, cells: Vec<String>, level: u32, bold: bool) {
        self.table.rows.push(ReportTableRow { cells, level, bold });
    }
}

fn parse<A: serde::de::DeserializeOwned>(args: serde_json::Value) -> Result<A> {
    crate::command::parse_args(args)
}

fn range(from: Option<chrono::NaiveDate>, to: chrono::NaiveDate) -> String {
    match from {
        Some(f) => format!("{f} – {to}"),
        None => format!("at {to}"),
    }
}

fn trial_balance(db: &Connection, t: &TenantCtx, a: &TrialBalanceArgs) -> Result<ReportTable> {
    let r = service::trial_balance_in(db, t, a)?;
    let mut b = Builder::new(
        "Trial balance".into(),
        format!("{} ({})", range(Some(r.from), r.to), r.currency),
        &r.currency,
        &[("Code", false), ("Account", false), ("Type", false), ("Opening", true), ("Debit", true), ("Credit", true), ("Closing", true)],
    )?;
    for x in &r.rows {
        let cells = vec![x.code.clone(), x.name.clone(), x.account_type.as_str().into(), b.amt(x.opening), b.amt(x.debit), b.amt(x.credit), b.amt(x.closing)];
        b.row(cells, 0, false);
    }
    let s = &r.totals;
    let cells = vec![String::new(), "Total".into(), String::new(), b.amt(s.opening), b.amt(s.debit), b.amt(s.credit), b.amt(s.closing)];
    b.row(cells, 0, true);
    Ok(b.table)
}

fn general_ledger(db: &Connection, t: &TenantCtx, mut a: GeneralLedgerArgs) -> Result<ReportTable> {
    a.limit = Some(PAGE);
    a.cursor = None;
    let first = service::general_ledger_in(db, t, &a)?;
    let mut b = Builder::new(
        format!("General ledger {} {}", first.code, first.name),
        format!("{} ({})", range(Some(first.from), first.to), first.currency),
        &first.currency,
        &[("Date", false), ("Entry", false), ("Journal", false), ("Description", false), ("Partner", false), ("Debit", true), ("Credit", true), ("Balance", true)],
    )?;
    let e = String::new;
    let opening = b.amt(first.opening);
    b.row(vec![a.from.to_string(), e(), e(), "Opening balance".into(), e(), e(), e(), opening], 0, true);
    let mut page = first.clone();
    loop {
        for l in &page.lines {
            let cells = vec![
                l.date.to_string(),
                l.entry_number.clone(),
                l.journal_code.clone(),
                l.description.clone(),
                l.partner_name.clone().unwrap_or_default(),
                if l.debit.is_zero() { e() } else { b.amt(l.debit) },
                if l.credit.is_zero() { e() } else { b.amt(l.credit) },
                b.amt(l.balance),
            ];
            b.row(cells, 0, false);
        }
        match page.next_cursor.take() {
            None => break,
            Some(c) => {
                a.cursor = Some(c);
                page = service::general_ledger_in(db, t, &a)?;
            }
        }
    }
    let cells = vec![a.to.to_string(), e(), e(), "Closing balance".into(), e(), b.amt(first.debit), b.amt(first.credit), b.amt(first.closing)];
    b.row(cells, 0, true);
    Ok(b.table)
}

fn journal(db: &Connection, t: &TenantCtx, mut a: JournalReportArgs) -> Result<ReportTable> {
    a.limit = Some(PAGE);
    a.cursor = None;
    let mut page = service::journal_report_in(db, t, &a)?;
    let mut b = Builder::new(
        "Journal".into(),
        format!("{} ({})", range(Some(page.from), page.to), page.currency),
        &page.currency,
        &[("Date", false), ("Entry", false), ("Journal", false), ("Account", false), ("Description", false), ("Partner", false), ("Debit", true), ("Credit", true)],
    )?;
    let e = String::new;
    let total = b.amt(page.total);
    loop {
        for en in &page.entries {
            let text = [en.memo.as_str(), en.reference.as_str()].into_iter().find(|s| !s.is_empty()).unwrap_or("").to_string();
            b.row(vec![en.date.to_string(), en.number.clone(), en.journal_code.clone(), e(), text, e(), b.amt(en.total), b.amt(en.total)], 0, true);
            for l in &en.lines {
                let cells = vec![
                    e(),
                    e(),
                    e(),
                    format!("{} {}", l.account_code, l.account_name),
                    l.description.clone(),
                    l.partner_name.clone().unwrap_or_default(),
                    if l.debit.is_zero() { e() } else { b.amt(l.debit) },
                    if l.credit.is_zero() { e() } else { b.amt(l.credit) },
                ];
                b.row(cells, 1, false);
            }
        }
        match page.next_cursor.take() {
            None => break,
            Some(c) => {
                a.cursor = Some(c);
                page = service::journal_report_in(db, t, &a)?;
            }
        }
    }
    b.row(vec![e(), e(), e(), e(), "Total".into(), e(), total.clone(), total], 0, true);
    Ok(b.table)
}

fn section_title(key: &str) -> &'static str {
    match key {
        "income" => "Income",
        "expenses" => "Expenses",
        "assets" => "Assets",
        "liabilities" => "Liabilities",
        "equity" => "Equity",
        _ => "",
    }
}

fn statement(b: &mut Builder, sections: &[StatementSection]) {
    let blanks = b.table.columns.len() - 2;
    for s in sections {
        let title = section_title(&s.key);
        b.row([vec![String::new(), title.to_string()], vec![String::new(); blanks]].concat(), 0, true);
        for l in &s.lines {
            let cells = [vec![l.code.clone(), l.name.clone()], l.amounts.iter().map(|v| b.amt(*v)).collect()].concat();
            b.row(cells, l.level + 1, l.kind == LineKind::Group);
        }
        let cells = [vec![String::new(), format!("Total {}", title.to_lowercase())], s.totals.iter().map(|v| b.amt(*v)).collect()].concat();
        b.row(cells, 0, true);
    }
}

fn statement_columns(columns: &[StatementColumn]) -> Vec<String> {
    columns.iter().map(|c| range(c.from, c.to)).collect()
}

fn profit_and_loss(db: &Connection, t: &TenantCtx, a: &ProfitAndLossArgs) -> Result<ReportTable> {
    let r = service::profit_and_loss_in(db, t, a)?;
    let labels = statement_columns(&r.columns);
    let mut cols: Vec<(&str, bool)> = vec![("Code", false), ("Account", false)];
    cols.extend(labels.iter().map(|l| (l.as_str(), true)));
    let mut b = Builder::new("Profit and loss".into(), format!("{} ({})", labels[0], r.currency), &r.currency, &cols)?;
    statement(&mut b, &r.sections);
    let cells = [vec![String::new(), "Net profit".to_string()], r.net_profit.iter().map(|v| b.amt(*v)).collect()].concat();
    b.row(cells, 0, true);
    Ok(b.table)
}

fn balance_sheet(db: &Connection, t: &TenantCtx, a: &BalanceSheetArgs) -> Result<ReportTable> {
    let r = service::balance_sheet_in(db, t, a)?;
    let labels = statement_columns(&r.columns);
    let mut cols: Vec<(&str, bool)> = vec![("Code", false), ("Account", false)];
    cols.extend(labels.iter().map(|l| (l.as_str(), true)));
    let mut b = Builder::new("Balance sheet".into(), format!("{} ({})", labels[0], r.currency), &r.currency, &cols)?;
    statement(&mut b, &r.sections);
    let cells = [vec![String::new(), "Total liabilities and equity".to_string()], r.total_liabilities_and_equity.iter().map(|v| b.amt(*v)).collect()].concat();
    b.row(cells, 0, true);
    Ok(b.table)
}

fn partner_ledger(db: &Connection, t: &TenantCtx, a: &PartnerLedgerArgs) -> Result<ReportTable> {
    let r = service::partner_ledger_in(db, t, a)?;
    let title = match r.kind {
        PartnerKind::Receivable => "Customer ledger",
        PartnerKind::Payable => "Supplier ledger",
    };
    let subtitle = format!("{} ({})", range(Some(r.from), r.to), r.currency);
    let e = String::new;
    if a.partner_id.is_some() {
        let mut b = Builder::new(
            format!("{title} {}", r.rows.first().map(|x| x.partner_name.as_str()).unwrap_or("")),
            subtitle,
            &r.currency,
            &[("Date", false), ("Entry", false), ("Account", false), ("Description", false), ("Debit", true), ("Credit", true), ("Balance", true)],
        )?;
        let s = &r.totals;
        let opening = b.amt(s.opening);
        b.row(vec![a.from.to_string(), e(), e(), "Opening balance".into(), e(), e(), opening], 0, true);
        for l in &r.lines {
            let cells = vec![
                l.date.to_string(),
                l.entry_number.clone(),
                l.account_code.clone(),
                l.description.clone(),
                if l.debit.is_zero() { e() } else { b.amt(l.debit) },
                if l.credit.is_zero() { e() } else { b.amt(l.credit) },
                b.amt(l.balance),
            ];
            b.row(cells, 0, false);
        }
        let cells = vec![a.to.to_string(), e(), e(), "Closing balance".into(), b.amt(s.debit), b.amt(s.credit), b.amt(s.closing)];
        b.row(cells, 0, true);
        return Ok(b.table);
    }
    let mut b = Builder::new(
        title.into(),
        subtitle,
        &r.currency,
        &[("Code", false), ("Partner", false), ("Opening", true), ("Debit", true), ("Credit", true), ("Closing", true)],
    )?;
    for x in &r.rows {
        let cells = vec![x.partner_code.clone(), x.partner_name.clone(), b.amt(x.opening), b.amt(x.debit), b.amt(x.credit), b.amt(x.closing)];
        b.row(cells, 0, false);
    }
    let s = &r.totals;
    let cells = vec![e(), "Total".into(), b.amt(s.opening), b.amt(s.debit), b.amt(s.credit), b.amt(s.closing)];
    b.row(cells, 0, true);
    Ok(b.table)
}

pub fn build(db: &Connection, t: &TenantCtx, report: ReportKind, args: serde_json::Value) -> Result<ReportTable> {
    match report {
        ReportKind::TrialBalance => trial_balance(db, t, &parse(args)?),
        ReportKind::GeneralLedger => general_ledger(db, t, parse(args)?),
        ReportKind::Journal => journal(db, t, parse(args)?),
        ReportKind::ProfitAndLoss => profit_and_loss(db, t, &parse(args)?),
        ReportKind::BalanceSheet => balance_sheet(db, t, &parse(args)?),
        ReportKind::PartnerLedger => partner_ledger(db, t, &parse(args)?),
        ReportKind::StockReport => crate::inventory::tables::stock_report(db, t, parse(args)?),
        ReportKind::ToReorder => crate::inventory::tables::to_reorder(db, t, parse(args)?),
        ReportKind::StockValuation => crate::inventory::tables::valuation(db, t, parse(args)?),
        ReportKind::StockMoves => crate::inventory::tables::moves(db, t, parse(args)?),
        ReportKind::SalesReport => crate::trade::reports::table(db, t, crate::trade::model::Side::Sale, &parse(args)?),
        ReportKind::PurchaseReport => crate::trade::reports::table(db, t, crate::trade::model::Side::Purchase, &parse(args)?),
        ReportKind::SalesOpenLines => crate::trade::reports::open_lines_table(db, t, crate::trade::model::Side::Sale, &parse(args)?),
        ReportKind::PurchaseOpenLines => crate::trade::reports::open_lines_table(db, t, crate::trade::model::Side::Purchase, &parse(args)?),
        ReportKind::Aging => crate::finance::reports::aging_table(db, t, &parse(args)?),
        ReportKind::PartnerStatement => crate::finance::reports::partner_statement_table(db, t, &parse(args)?),
        ReportKind::CashPosition => crate::finance::reports::cash_position_table(db, t, &parse(args)?),
        ReportKind::TaxReport => crate::finance::reports::tax_report_table(db, t, &parse(args)?),
        ReportKind::CashFlow => crate::finance::reports::cash_flow_table(db, t, &parse(args)?),
    }
}

/// Refuses the call unless the caller holds the report's own permission (a stock report
/// needs `inventory.view_stock`, the valuation `inventory.view_valuation`).
fn authorize(ctx: &Ctx<'_>, command: &str, report: ReportKind) -> Result<()> {
    let p = report.permission();
    if ctx.has_permission(p)? {
        return Ok(());
    }
    Err(Error::forbidden(crate::Reason::Forbidden.with("command", command).with("permission", p)))
}

pub fn table(ctx: &mut Ctx<'_>, a: ReportTableArgs) -> Result<ReportTable> {
    authorize(ctx, "report.table", a.report)?;
    let t = ctx.tenant()?;
    build(ctx.db(), &t, a.report, a.args)
}

/// The table as a sheet: indentation as leading spaces, figures as numbers.
pub fn to_sheet(r: &ReportTable) -> Result<Table> {
    let headers: Vec<&str> = r.columns.iter().map(|c| c.label.as_str()).collect();
    let mut sheet = Table::new(&headers);
    for row in &r.rows {
        let mut cells = Vec::with_capacity(row.cells.len());
        let mut first_text = true;
        for (c, text) in r.columns.iter().zip(&row.cells) {
            if c.numeric && !text.is_empty() {
                let v: Decimal = text.parse().map_err(|_| Error::field("args", FieldCode::InvalidDecimal))?;
                cells.push(Cell::Number(v));
            } else if text.is_empty() {
                cells.push(Cell::Empty);
            } else if first_text && !c.numeric && c.label != "Code" {
                first_text = false;
                cells.push(Cell::Text(format!("{}{text}", "  ".repeat(row.level as usize))));
            } else {
                cells.push(Cell::Text(text.clone()));
            }
        }
        sheet.push(cells);
    }
    Ok(sheet)
}

pub fn export(ctx: &mut Ctx<'_>, a: ExportReportArgs) -> Result<ExportFile> {
    authorize(ctx, "report.export", a.report)?;
    let t = ctx.tenant()?;
    let table = build(ctx.db(), &t, a.report, a.args)?;
    let base = serde_json::to_value(a.report).ok().and_then(|v| v.as_str().map(|s| s.replace('_', "-"))).unwrap_or_else(|| "report".into());
    to_sheet(&table)?.export(a.format, &base)
}
