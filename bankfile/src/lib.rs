//! Reads bank statement files into one model: [`Statement`]s made of [`Line`]s.
//!
//! [`detect`] recognises the format by content; [`parse`] reads it; [`fingerprints`] identify
//! lines so that an import can skip those it already has.
//!
//! # What each format reads
//! - **CAMT.053** (ISO 20022 bank-to-customer statement, any `camt.053.001.xx` version:
//!   elements are matched on local names, so `.001.02` and `.001.08` read alike). One
//!   [`Statement`] per `Stmt`: `Id`; the account's `IBAN` (or `Othr/Id`) and `Ccy`; the opening
//!   booked balance (`OPBD`, else `PRCD`) and the closing booked balance (`CLBD`, whose date is
//!   the statement date, else `CreDtTm`), each signed by its `CdtDbtInd`.
//!   One [`Line`] per booked `Ntry` (status `PDNG` or `INFO` is not booked and is left out):
//!   `Amt` signed by `CdtDbtInd`, `BookgDt` (`Dt` or `DtTm`; else `ValDt`), `ValDt`, and
//!   `AcctSvcrRef` as the bank's reference. From the entry's first `TxDtls`: the structured
//!   creditor reference `RmtInf/Strd/CdtrRefInf/Ref`, else `Refs/EndToEndId` (`NOTPROVIDED`
//!   ignored), as the reference; `RmtInf/Ustrd` (joined by spaces), else `AddtlNtryInf`, as
//!   the description; the other party by `Nm` (v02) or `Pty/Nm` (v08) and its `IBAN` or
//!   `Othr/Id`: the debtor of a credit, the creditor of a debit, the other way round for a
//!   reversal (`RvslInd`). An entry with several `TxDtls` (a batch booking) stays **one** line
//!   with the entry's amount, described by its first transaction.
//! - **OFX** 1.x (SGML, leaf elements without end tags) and 2.x (XML). One [`Statement`] per
//!   `STMTRS` or `CCSTMTRS`: `BANKACCTFROM/ACCTID` (or `CCACCTFROM/ACCTID`, required),
//!   `CURDEF`, `LEDGERBAL/BALAMT` as the closing balance with the opening derived as closing
//!   less the lines, `DTEND` (else `LEDGERBAL/DTASOF`) as the date, the enclosing `TRNUID` as
//!   the id. One [`Line`] per `STMTTRN`: `TRNAMT` (signed in OFX), `DTPOSTED`, `DTAVAIL` as the
//!   value date, `FITID` as the bank's reference, `NAME` (or `PAYEE/NAME`), `BANKACCTTO/ACCTID`,
//!   `MEMO` as the description, `REFNUM` (else `CHECKNUM`) as the reference, `CURRENCY/CURSYM`
//!   (else `CURDEF`) as the currency.
//! - **MT940** (SWIFT customer statement; SWIFT block headers allowed; several per file). One
//!   [`Statement`] per `:20:` (its id), with `:25:` (the account; a trailing currency code is
//!   dropped), `:60F:`/`:60M:` (opening) and `:62F:`/`:62M:` (closing, its date the statement
//!   date) all required, so a cut file fails. One [`Line`] per `:61:`: value date, entry date
//!   (`MMDD`, in the year nearest the value date) as the booking date, mark `C`, `D`, `RC` (a
//!   reversed credit: money out) or `RD` (money in), amount, the bank reference after `//`, and
//!   the customer reference before it as the reference of last resort (not `NONREF`). The
//!   `:86:` after it is read as German structured subfields (`?20`-`?29` and `?60`-`?63`
//!   purpose with SEPA keys `EREF+`, `SVWZ+`…, `?32`/`?33` name, `?38` or `?31` account), else
//!   as `/CODE/value` tags (`/NAME/`, `/IBAN/`, `/REMI/`, `/EREF/`, `/CNTP/`…), else as free
//!   text. An ISO 11649 reference (`RF…`) as the whole remittance text becomes the reference.
//! - **CSV** through a [`CsvMapping`] saved per bank account; [`preview_csv`] shows the columns
//!   to map. One [`Statement`] with no id, account or balances; its date is the latest booking
//!   date. Fully empty rows are skipped; any other row must have a date and an amount.
//!
//! Text is read as UTF-8 (a BOM is dropped), UTF-16 with a BOM, or else Windows-1252, the
//! usual encoding of older bank exports.
//!
//! # Invariants
//! - No public function panics, whatever the bytes (a property test feeds random and mutated
//!   files to each). Bad input gives a [`ParseError`] naming the format and, where known, the
//!   1-based line of the file and the field or column.
//! - Amounts and balances are signed from the account holder's view: positive is money in (a
//!   credit), negative is money out.
//! - A fingerprint ([`fingerprints`]) is the SHA-256 of a line's account, booking date, amount
//!   (at a fixed scale), other party's account, reference, bank reference and description
//!   (whitespace collapsed), plus how many identical lines came before it in the same list.
//!   Two identical payments on one day stay two lines, and the same line read again from an
//!   overlapping later file gets the same fingerprint. The statement id is never part of it:
//!   banks restart their numbering.

mod camt;
mod csvfile;
mod mt940;
mod ofx;
mod text;

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A statement file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Camt053,
    Ofx,
    Mt940,
    Csv,
}

impl Format {
    /// The format's usual name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Camt053 => "CAMT.053",
            Format::Ofx => "OFX",
            Format::Mt940 => "MT940",
            Format::Csv => "CSV",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One statement of one account, as the bank sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// The bank's statement id (not unique over years: informational only).
    pub id: String,
    /// IBAN (spaces removed, upper case) or account number; "" when the file has none.
    pub account: String,
    /// ISO 4217.
    pub currency: Option<String>,
    /// Opening booked balance, signed.
    pub opening: Option<Decimal>,
    /// Closing booked balance, signed.
    pub closing: Option<Decimal>,
    /// Statement date: the closing balance's date, else the creation date.
    pub date: Option<NaiveDate>,
    pub lines: Vec<Line>,
}

/// One booked transaction of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Booking date.
    pub date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    /// Signed: positive is money in (a credit to the account holder), negative money out.
    pub amount: Decimal,
    pub currency: Option<String>,
    /// Name of the other party ("" when absent).
    pub counterparty: String,
    /// The other party's IBAN or account number, normalised ("" when absent).
    pub counterparty_account: String,
    /// Structured creditor reference, end-to-end id or remittance reference: what matching uses.
    pub reference: String,
    /// Unstructured remittance information, memo or narrative.
    pub description: String,
    /// The bank's own transaction reference (AcctSvcrRef, FITID, MT940 bank reference).
    pub bank_ref: String,
}

/// How the columns of one bank's CSV export map to a [`Line`]; saved per bank account as JSON.
///
/// A column is named by its header text (when `has_header`) or by its 1-based index as text.
/// Missing JSON fields take their defaults, so saved mappings survive new fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CsvMapping {
    /// None: detect among `,` `;` and tab.
    pub delimiter: Option<char>,
    pub has_header: bool,
    /// Lines to skip before the header (or the first row), such as a bank's preamble.
    pub skip_rows: u32,
    pub date: String,
    /// A chrono format such as `%d.%m.%Y`; "" tries ISO and then the common formats, choosing
    /// the first that reads every row of the column.
    pub date_format: String,
    pub value_date: Option<String>,
    /// One signed column, or
    pub amount: Option<String>,
    /// separate debit (money out, positive numbers) and
    pub debit: Option<String>,
    /// credit (money in) columns.
    pub credit: Option<String>,
    /// "1.234,56" style numbers.
    pub decimal_comma: bool,
    pub counterparty: Option<String>,
    pub counterparty_account: Option<String>,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub bank_ref: Option<String>,
    /// A column holding each line's ISO 4217 currency code.
    pub currency: Option<String>,
}

/// The first rows of a CSV file, to let the user map its columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvPreview {
    /// The header row, or "1", "2", … (the 1-based column indexes) without a header.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The delimiter used (detected when none was given).
    pub delimiter: char,
}

/// Why a file could not be read.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq, Serialize)]
#[error("{}", describe(*.format, *.line, .field.as_deref(), .message))]
pub struct ParseError {
    pub format: Format,
    /// 1-based line of the file (CSV: the row's line; XML: the element's line), where known.
    pub line: Option<u32>,
    /// The field or column concerned, where known.
    pub field: Option<String>,
    pub message: String,
}

fn describe(format: Format, line: Option<u32>, field: Option<&str>, message: &str) -> String {
    let mut out = format.name().to_string();
    if let Some(line) = line {
        out.push_str(&format!(", line {line}"));
    }
    if let Some(field) = field {
        out.push_str(&format!(", {field}"));
    }
    out.push_str(": ");
    out.push_str(message);
    out
}

impl ParseError {
    pub(crate) fn new(format: Format, message: impl Into<String>) -> Self {
        ParseError { format, line: None, field: None, message: message.into() }
    }

    pub(crate) fn at(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// Recognises a statement file by its content (never its name). None: not a format we read.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let text = text::decode(bytes);
    let head = text.trim_start();
    if head.is_empty() {
        return None;
    }
    if camt::sniff(head) {
        return Some(Format::Camt053);
    }
    if ofx::sniff(head) {
        return Some(Format::Ofx);
    }
    if head.starts_with('<') {
        return None;
    }
    if mt940::sniff(head) {
        return Some(Format::Mt940);
    }
    if csvfile::sniff(head) {
        return Some(Format::Csv);
    }
    None
}

/// Reads every statement of a file. CSV needs the account's mapping; the other formats ignore it.
pub fn parse(
    bytes: &[u8],
    format: Format,
    mapping: Option<&CsvMapping>,
) -> Result<Vec<Statement>, ParseError> {
    match format {
        Format::Camt053 => camt::parse(bytes),
        Format::Ofx => ofx::parse(bytes),
        Format::Mt940 => mt940::parse(bytes),
        Format::Csv => match mapping {
            Some(mapping) => csvfile::parse(bytes, mapping).map(|statement| vec![statement]),
            None => Err(ParseError::new(Format::Csv, "a CSV file needs a column mapping")),
        },
    }
}

/// The header and first `max_rows` rows of a CSV file, split by the given or detected delimiter.
pub fn preview_csv(
    bytes: &[u8],
    delimiter: Option<char>,
    has_header: bool,
    skip_rows: u32,
    max_rows: usize,
) -> Result<CsvPreview, ParseError> {
    csvfile::preview(bytes, delimiter, has_header, skip_rows, max_rows)
}

/// One fingerprint per line (same order): the SHA-256 (hex) of the line's normalised content
/// and of the count of identical lines before it in `lines`. See the crate documentation.
pub fn fingerprints(account: &str, lines: &[Line]) -> Vec<String> {
    let account = text::normalize_account(account);
    let mut seen: std::collections::HashMap<Vec<String>, u64> = std::collections::HashMap::new();
    lines
        .iter()
        .map(|line| {
            let tuple = vec![
                account.clone(),
                line.date.format("%Y-%m-%d").to_string(),
                fixed_scale(line.amount),
                text::normalize_account(&line.counterparty_account),
                line.reference.trim().to_string(),
                line.bank_ref.trim().to_string(),
                text::collapse_whitespace(&line.description),
            ];
            let count = seen.entry(tuple.clone()).or_insert(0);
            let occurrence = *count;
            *count += 1;
            // A JSON array keeps the fields apart whatever they contain.
            let payload = serde_json::json!([tuple, occurrence]).to_string();
            hex::encode(Sha256::digest(payload.as_bytes()))
        })
        .collect()
}

/// The amount with at least two decimals and no trailing zeros beyond them ("-5.00", "0.125"),
/// so 5, 5.0 and 5.00 print alike.
fn fixed_scale(amount: Decimal) -> String {
    let text = amount.normalize().to_string();
    match text.split_once('.') {
        None => format!("{text}.00"),
        Some((_, decimals)) if decimals.len() == 1 => format!("{text}0"),
        Some(_) => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_scale_pads_and_trims() {
        assert_eq!(fixed_scale(Decimal::new(5, 0)), "5.00");
        assert_eq!(fixed_scale(Decimal::new(50, 1)), "5.00");
        assert_eq!(fixed_scale(Decimal::new(-1250, 3)), "-1.25");
        assert_eq!(fixed_scale(Decimal::new(125, 3)), "0.125");
        assert_eq!(fixed_scale(Decimal::new(-0, 2)), "0.00");
    }

    #[test]
    fn error_message_names_place() {
        let e = ParseError::new(Format::Csv, "not a date").at(3).field("Datum");
        assert_eq!(e.to_string(), "CSV, line 3, Datum: not a date");
        assert_eq!(ParseError::new(Format::Ofx, "empty").to_string(), "OFX: empty");
    }
}
