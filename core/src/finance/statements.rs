//! Bank statement import: CAMT.053, OFX, MT940 and CSV (with a column mapping saved per
//! bank account), parsed by `cora-bankfile`. Lines are deduplicated by a fingerprint of
//! their content, so importing a file twice, or files that overlap, adds each line once;
//! each statement with balances must open at the previous one's closing balance.

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Result, arith, money};
use base64::Engine;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How a bank's CSV statements are laid out (saved per bank account).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[ts(rename = "StatementCsvMapping")]
#[schemars(rename = "StatementCsvMapping")]
pub struct CsvMapping {
    /// `,` `;` or a tab; none: detected.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub delimiter: Option<char>,
    #[serde(default)]
    pub has_header: bool,
    #[serde(default)]
    pub skip_rows: u32,
    /// A column's header (with a header row) or its 1-based position.
    pub date: String,
    /// A chrono format such as `%d.%m.%Y`; empty: ISO and the common ones.
    #[serde(default)]
    pub date_format: String,
    #[serde(default)]
    #[ts(optional)]
    pub value_date: Option<String>,
    /// One signed column, or separate `debit` (money out) and `credit` (money in) columns.
    #[serde(default)]
    #[ts(optional)]
    pub amount: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub debit: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub credit: Option<String>,
    #[serde(default)]
    pub decimal_comma: bool,
    #[serde(default)]
    #[ts(optional)]
    pub counterparty: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub counterparty_account: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub bank_ref: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
}

impl CsvMapping {
    fn to_parser(&self) -> cora_bankfile::CsvMapping {
        cora_bankfile::CsvMapping {
            delimiter: self.delimiter,
            has_header: self.has_header,
            skip_rows: self.skip_rows,
            date: self.date.clone(),
            date_format: self.date_format.clone(),
            value_date: self.value_date.clone(),
            amount: self.amount.clone(),
            debit: self.debit.clone(),
            credit: self.credit.clone(),
            decimal_comma: self.decimal_comma,
            counterparty: self.counterparty.clone(),
            counterparty_account: self.counterparty_account.clone(),
            reference: self.reference.clone(),
            description: self.description.clone(),
            bank_ref: self.bank_ref.clone(),
            currency: self.currency.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StatementFormat {
    Camt053,
    Ofx,
    Mt940,
    Csv,
}

impl StatementFormat {
    fn parser(self) -> cora_bankfile::Format {
        match self {
            StatementFormat::Camt053 => cora_bankfile::Format::Camt053,
            StatementFormat::Ofx => cora_bankfile::Format::Ofx,
            StatementFormat::Mt940 => cora_bankfile::Format::Mt940,
            StatementFormat::Csv => cora_bankfile::Format::Csv,
        }
    }
    fn from_parser(f: cora_bankfile::Format) -> StatementFormat {
        match f {
            cora_bankfile::Format::Camt053 => StatementFormat::Camt053,
            cora_bankfile::Format::Ofx => StatementFormat::Ofx,
            cora_bankfile::Format::Mt940 => StatementFormat::Mt940,
            cora_bankfile::Format::Csv => StatementFormat::Csv,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            StatementFormat::Camt053 => "camt053",
            StatementFormat::Ofx => "ofx",
            StatementFormat::Mt940 => "mt940",
            StatementFormat::Csv => "csv",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportStatementArgs {
    pub bank_account_id: BankAccountId,
    /// The file, base64.
    pub content: String,
    #[serde(default)]
    pub file_name: String,
    /// Default: detected from the content.
    #[serde(default)]
    #[ts(optional)]
    pub format: Option<StatementFormat>,
    /// For CSV: default the account's saved mapping.
    #[serde(default)]
    #[ts(optional)]
    pub mapping: Option<CsvMapping>,
    /// Save `mapping` on the bank account for its next CSV files.
    #[serde(default)]
    #[ts(optional)]
    pub save_mapping: Option<bool>,
    /// Check and report, write nothing.
    #[serde(default)]
    #[ts(optional)]
    pub dry_run: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ImportedStatement {
    pub id: Option<StatementId>,
    pub bank_ref: String,
    pub date: NaiveDate,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub opening: Option<Decimal>,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub closing: Option<Decimal>,
    pub lines: u32,
    /// Lines already imported before (same fingerprint): skipped.
    pub duplicates: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ImportStatementResult {
    pub format: StatementFormat,
    pub dry_run: bool,
    pub statements: Vec<ImportedStatement>,
    pub lines: u32,
    pub duplicates: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PreviewCsvArgs {
    pub content: String,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub delimiter: Option<char>,
    #[serde(default)]
    pub has_header: bool,
    #[serde(default)]
    pub skip_rows: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CsvPreview {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub delimiter: char,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Statement {
    pub id: StatementId,
    pub bank_account_id: BankAccountId,
    pub bank_ref: String,
    pub date: NaiveDate,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub opening: Option<Decimal>,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub closing: Option<Decimal>,
    pub format: String,
    pub file_name: String,
    pub lines: i64,
    pub reconciled: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[ts(rename = "BankStatementLine")]
#[schemars(rename = "BankStatementLine")]
pub struct StatementLine {
    pub id: StatementLineId,
    pub statement_id: StatementId,
    pub date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub counterparty: String,
    pub counterparty_account: String,
    pub reference: String,
    pub description: String,
    pub bank_ref: String,
    pub rec_id: Option<BankRecId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StatementLinesArgs {
    pub bank_account_id: BankAccountId,
    #[serde(default)]
    #[ts(optional)]
    pub statement_id: Option<StatementId>,
    #[serde(default)]
    #[ts(optional)]
    pub unreconciled: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

fn decode(content: &str) -> Result<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(content.trim()).map_err(|_| Error::field("content", FieldCode::Invalid))?;
    if bytes.len() > 50 * 1024 * 1024 {
        return Err(Error::field("content", FieldCode::FileTooLarge.with("max", 50 * 1024 * 1024)));
    }
    Ok(bytes)
}

fn parse_error(format: StatementFormat, e: cora_bankfile::ParseError) -> Error {
    let detail = match &e.field {
        Some(f) => format!("{}: {}", f, e.message),
        None => e.message.clone(),
    };
    Error::field("content", FieldCode::InvalidStatementFile.with("format", format.as_str()).with("detail", detail).with("line", e.line.map(|l| l.to_string()).unwrap_or_default()))
}

pub fn preview_csv(a: PreviewCsvArgs) -> Result<CsvPreview> {
    let bytes = decode(&a.content)?;
    let p = cora_bankfile::preview_csv(&bytes, a.delimiter, a.has_header, a.skip_rows, 20).map_err(|e| parse_error(StatementFormat::Csv, e))?;
    Ok(CsvPreview { headers: p.headers, rows: p.rows, delimiter: p.delimiter })
}

/// The last statement with balances of an account: (its closing, its date).
fn last_closing(db: &Connection, t: &TenantCtx, acc: BankAccountId) -> Result<Option<Decimal>> {
    let v: Option<i64> = db
        .prepare_cached("SELECT closing FROM bank_statements WHERE tenant_id = ?1 AND bank_account_id = ?2 AND closing IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1")?
        .query_row(params![t.tenant_id(), acc], |r| r.get(0))
        .optional()?;
    Ok(v.map(money::from_db))
}

pub fn import(ctx: &mut Ctx<'_>, a: ImportStatementArgs) -> Result<ImportStatementResult> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let acc = super::bank::get(db, &t, a.bank_account_id)?;
    let bytes = decode(&a.content)?;
    let format = match a.format {
        Some(f) => f,
        None => StatementFormat::from_parser(cora_bankfile::detect(&bytes).ok_or_else(|| Error::field("format", FieldCode::Required))?),
    };
    let mapping = match (&a.mapping, format) {
        (Some(m), _) => Some(m.clone()),
        (None, StatementFormat::Csv) => Some(acc.csv_mapping.clone().ok_or_else(|| Error::field("mapping", FieldCode::Required))?),
        _ => None,
    };
    let parser_mapping = mapping.as_ref().map(|m| m.to_parser());
    let parsed = cora_bankfile::parse(&bytes, format.parser(), parser_mapping.as_ref()).map_err(|e| parse_error(format, e))?;
    let dry = a.dry_run == Some(true);
    let mut previous = last_closing(db, &t, acc.id)?;
    let mut out = ImportStatementResult { format, dry_run: dry, statements: vec![], lines: 0, duplicates: 0 };
    let mut seen_in_file = std::collections::HashSet::new();
    for (k, s) in parsed.iter().enumerate() {
        let index = k + 1;
        if let Some(c) = &s.currency
            && !c.eq_ignore_ascii_case(&acc.currency)
        {
            return Err(Error::field(format!("statements.{index}.currency"), FieldCode::CurrencyDiffers.with("currency", &acc.currency)));
        }
        let fps = cora_bankfile::fingerprints(if acc.iban.is_empty() { &s.account } else { &acc.iban }, &s.lines);
        let mut fresh = Vec::new();
        let mut dups = 0u32;
        for (l, fp) in s.lines.iter().zip(fps.iter()) {
            let known = db.prepare_cached("SELECT 1 FROM bank_statement_lines WHERE tenant_id = ?1 AND bank_account_id = ?2 AND fingerprint = ?3")?.exists(params![
                t.tenant_id(),
                acc.id,
                fp
            ])?;
            if known || !seen_in_file.insert(fp.clone()) {
                dups += 1;
            } else {
                money::check_money(&format!("statements.{index}.amount"), l.amount, &acc.currency)?;
                fresh.push((l, fp));
            }
        }
        let sum = arith::sum("amount", s.lines.iter().map(|l| l.amount))?;
        if let (Some(o), Some(c)) = (s.opening, s.closing) {
            if arith::add("amount", o, sum)? != c {
                return Err(Error::field(
                    "content",
                    FieldCode::StatementUnbalanced.with("statement", &s.id).with("opening", o).with("lines", sum).with("closing", c),
                ));
            }
        }
        let date = s.date.or_else(|| s.lines.iter().map(|l| l.date).max()).unwrap_or_else(|| ctx.now.date_naive());
        if fresh.is_empty() && !s.lines.is_empty() {
            // The whole statement was imported before.
            out.duplicates += dups;
            out.statements.push(ImportedStatement { id: None, bank_ref: s.id.clone(), date, opening: s.opening, closing: s.closing, lines: 0, duplicates: dups });
            continue;
        }
        if let (Some(o), Some(p)) = (s.opening, previous)
            && o != p
        {
            return Err(Error::field(
                "content",
                FieldCode::StatementChainBroken.with("statement", &s.id).with("index", index).with("opening", o).with("previous", p),
            ));
        }
        if s.closing.is_some() {
            previous = s.closing;
        }
        let mut id = None;
        if !dry {
            let db = ctx.db();
            db.prepare_cached(
                "INSERT INTO bank_statements (tenant_id, bank_account_id, bank_ref, date, opening, closing, format, file_name, imported_by, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                t.tenant_id(),
                acc.id,
                s.id,
                date,
                s.opening.map(|v| money::to_db("opening", v)).transpose()?,
                s.closing.map(|v| money::to_db("closing", v)).transpose()?,
                format.as_str(),
                a.file_name.trim(),
                t.user_id(),
                ctx.now
            ])?;
            let sid = StatementId(db.last_insert_rowid());
            let mut ins = db.prepare_cached(
                "INSERT INTO bank_statement_lines (tenant_id, statement_id, bank_account_id, line_no, date, value_date, amount, counterparty, counterparty_account,
                    reference, description, bank_ref, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for (n, (l, fp)) in fresh.iter().enumerate() {
                ins.execute(params![
                    t.tenant_id(),
                    sid,
                    acc.id,
                    n as i64 + 1,
                    l.date,
                    l.value_date,
                    money::to_db("amount", l.amount)?,
                    l.counterparty,
                    l.counterparty_account,
                    l.reference,
                    l.description,
                    l.bank_ref,
                    fp
                ])?;
            }
            ctx.audit("bank_statement", sid, json!({"account": acc.id, "lines": fresh.len(), "duplicates": dups, "format": format.as_str()}));
            id = Some(sid);
        }
        out.lines += fresh.len() as u32;
        out.duplicates += dups;
        out.statements.push(ImportedStatement { id, bank_ref: s.id.clone(), date, opening: s.opening, closing: s.closing, lines: fresh.len() as u32, duplicates: dups });
    }
    if !dry && a.save_mapping == Some(true) && format == StatementFormat::Csv && a.mapping.is_some() {
        super::bank::set_csv_mapping(ctx, SetCsvMappingArgs { id: acc.id, mapping: a.mapping.clone() })?;
    }
    if dry || out.lines == 0 {
        ctx.wrote_nothing();
    }
    Ok(out)
}

pub fn list(db: &Connection, t: &TenantCtx, acc: BankAccountId) -> Result<Vec<Statement>> {
    Ok(db
        .prepare_cached(
            "SELECT s.id, s.bank_account_id, s.bank_ref, s.date, s.opening, s.closing, s.format, s.file_name,
                    (SELECT count(*) FROM bank_statement_lines l WHERE l.tenant_id = s.tenant_id AND l.statement_id = s.id),
                    (SELECT count(*) FROM bank_statement_lines l JOIN bank_rec_lines r ON r.tenant_id = l.tenant_id AND r.statement_line_id = l.id
                      WHERE l.tenant_id = s.tenant_id AND l.statement_id = s.id)
             FROM bank_statements s WHERE s.tenant_id = ?1 AND s.bank_account_id = ?2 ORDER BY s.date DESC, s.id DESC",
        )?
        .query_map(params![t.tenant_id(), acc], |r| {
            Ok(Statement {
                id: r.get(0)?,
                bank_account_id: r.get(1)?,
                bank_ref: r.get(2)?,
                date: r.get(3)?,
                opening: r.get::<_, Option<i64>>(4)?.map(money::from_db),
                closing: r.get::<_, Option<i64>>(5)?.map(money::from_db),
                format: r.get(6)?,
                file_name: r.get(7)?,
                lines: r.get(8)?,
                reconciled: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn lines(db: &Connection, t: &TenantCtx, a: &StatementLinesArgs) -> Result<Vec<StatementLine>> {
    super::bank::get(db, t, a.bank_account_id)?;
    Ok(db
        .prepare_cached(
            "SELECT l.id, l.statement_id, l.date, l.value_date, l.amount, l.counterparty, l.counterparty_account, l.reference, l.description, l.bank_ref, r.rec_id
             FROM bank_statement_lines l LEFT JOIN bank_rec_lines r ON r.tenant_id = l.tenant_id AND r.statement_line_id = l.id
             WHERE l.tenant_id = ?1 AND l.bank_account_id = ?2 AND (?3 IS NULL OR l.statement_id = ?3) AND (NOT ?4 OR r.rec_id IS NULL)
             ORDER BY l.date, l.id LIMIT ?5",
        )?
        .query_map(params![t.tenant_id(), a.bank_account_id, a.statement_id, a.unreconciled == Some(true), a.limit.unwrap_or(2000).min(20_000)], line_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn line_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StatementLine> {
    Ok(StatementLine {
        id: r.get(0)?,
        statement_id: r.get(1)?,
        date: r.get(2)?,
        value_date: r.get(3)?,
        amount: money::from_db(r.get(4)?),
        counterparty: r.get(5)?,
        counterparty_account: r.get(6)?,
        reference: r.get(7)?,
        description: r.get(8)?,
        bank_ref: r.get(9)?,
        rec_id: r.get(10)?,
    })
}

pub(crate) fn get_line(db: &Connection, t: &TenantCtx, id: StatementLineId) -> Result<(BankAccountId, StatementLine)> {
    db.prepare_cached(
        "SELECT l.id, l.statement_id, l.date, l.value_date, l.amount, l.counterparty, l.counterparty_account, l.reference, l.description, l.bank_ref, r.rec_id,
                l.bank_account_id
         FROM bank_statement_lines l LEFT JOIN bank_rec_lines r ON r.tenant_id = l.tenant_id AND r.statement_line_id = l.id
         WHERE l.tenant_id = ?1 AND l.id = ?2",
    )?
    .query_row(params![t.tenant_id(), id], |r| Ok((r.get(11)?, line_row(r)?)))
    .optional()?
    .ok_or_else(|| Error::not_found("statement_line", id))
}
