//! Moving data in and out as files: the pieces every module's import and export share.
//!
//! - Import reads CSV (RFC 4180, UTF-8, first line = headers) with [`CsvInput`], checks
//!   every row, and answers with an [`ImportReport`] that lists every bad row as a
//!   [`RowError`] (row number as a spreadsheet shows it: the header is row 1, so the first
//!   data row is row 2). An import either writes every row or none: a module writes only
//!   when the report has no error and the call is not a dry run.
//! - Export builds a [`Table`] and turns it into an [`ExportFile`] in the asked
//!   [`ExportFormat`]: CSV as text, XLSX as base64 (JSON carries no bytes).
//! - A text cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) is exported
//!   with a leading `'` so no spreadsheet runs it (OWASP "CSV injection"); numbers are
//!   never escaped. [`CsvRecord::get`] drops that one quote again, so export → import
//!   gives back the same values.
//!
//! Usage (a module's import):
//! ```ignore
//! let input = CsvInput::parse(&args.csv, &["sku", "name"], &["description"])?;
//! let mut report = ImportReport::new(args.dry_run, input.len());
//! for rec in input.records() {
//!     if rec.get("sku").is_empty() { report.error(rec.row(), "sku", FieldCode::Required); }
//! }
//! if report.is_clean() && !args.dry_run { /* write */ report.committed = true; }
//! ```

use crate::error::{FieldCode, Issue, Params};
use crate::{Error, Result};
use base64::Engine;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The largest CSV accepted by one import.
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;

/// One problem in one cell of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct RowError {
    /// The row as a spreadsheet numbers it: headers are row 1, the first data row is 2.
    pub row: u32,
    /// The column's header (empty when the problem is the whole row).
    pub column: String,
    /// What is wrong, as for a field: translate this, not `message`.
    pub code: FieldCode,
    #[ts(type = "Record<string, string>")]
    pub params: Params,
    /// English, derived from `code` and `params`.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ImportReport {
    pub dry_run: bool,
    /// True when the rows were written (no error and not a dry run).
    pub committed: bool,
    /// Data rows read.
    pub rows: u32,
    /// Records created (or, on a dry run, that would be).
    pub created: u32,
    /// Rows that named records that already exist and left them as they are.
    pub unchanged: u32,
    /// Every problem found, in row order. Nothing is written while there is one.
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn new(dry_run: bool, rows: usize) -> Self {
        ImportReport { dry_run, committed: false, rows: rows as u32, created: 0, unchanged: 0, errors: Vec::new() }
    }

    pub fn error(&mut self, row: u32, column: &str, issue: impl Into<Issue>) {
        let Issue { code, params } = issue.into();
        self.errors.push(RowError { row, column: column.to_string(), message: code.message(&params), code, params });
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Sorts the errors by row, keeping each row's errors in the order found.
    pub fn sort(&mut self) {
        self.errors.sort_by_key(|e| e.row);
    }
}

/// A parsed CSV: its headers and records, read in full before any row is checked.
#[derive(Debug)]
pub struct CsvInput {
    columns: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

/// One data row of a [`CsvInput`].
pub struct CsvRecord<'a> {
    input: &'a CsvInput,
    rec: &'a csv::StringRecord,
    row: u32,
}

impl CsvInput {
    /// Reads `text`. Headers are matched without regard to case or surrounding spaces;
    /// every `required` header must be present, and any header that is neither
    /// `required` nor `optional` is refused (so a typo in a header is never ignored).
    /// A file that is not valid CSV is refused as a whole, naming the row.
    pub fn parse(text: &str, required: &[&str], optional: &[&str]) -> Result<CsvInput> {
        if text.len() > MAX_CSV_BYTES {
            return Err(Error::field("csv", FieldCode::FileTooLarge.with("max_mib", MAX_CSV_BYTES / 1024 / 1024)));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| Error::field("csv", FieldCode::InvalidCsv.with("detail", e)))?.clone();
        let mut columns = HashMap::new();
        let (mut unknown, mut repeated, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        for (i, h) in headers.iter().enumerate() {
            let key = h.trim().to_ascii_lowercase();
            if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
                unknown.push(h.trim().to_string());
            } else if columns.insert(key.clone(), i).is_some() {
                repeated.push(key);
            }
        }
        for r in required {
            if !columns.contains_key(*r) {
                missing.push(r.to_string());
            }
        }
        if !(unknown.is_empty() && repeated.is_empty() && missing.is_empty()) {
            let all: Vec<&str> = required.iter().chain(optional).copied().collect();
            let mut issue = FieldCode::InvalidColumns.with("columns", all.join(", "));
            for (k, v) in [("unknown", unknown), ("repeated", repeated), ("missing", missing)] {
                if !v.is_empty() {
                    issue = issue.with(k, v.join(", "));
                }
            }
            return Err(Error::field("csv", issue));
        }
        let mut records = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| {
                let row = e.position().map(|p| p.line()).unwrap_or(i as u64 + 2);
                Error::field("csv", FieldCode::InvalidCsv.with("row", row).with("detail", e))
            })?;
            records.push(rec);
        }
        Ok(CsvInput { columns, records })
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn records(&self) -> impl Iterator<Item = CsvRecord<'_>> {
        // A spreadsheet shows one record per row, line breaks inside a cell included, so
        // the row is the record's index (the header is row 1), not a line number.
        self.records.iter().enumerate().map(move |(i, rec)| CsvRecord { input: self, rec, row: i as u32 + 2 })
    }
}

impl CsvRecord<'_> {
    /// The spreadsheet row number.
    pub fn row(&self) -> u32 {
        self.row
    }

    /// The trimmed cell of a column, as it was before export escaped it (see
    /// [`unescape_cell`]); empty when the column is absent.
    pub fn get(&self, column: &str) -> &str {
        unescape_cell(self.input.columns.get(column).and_then(|&i| self.rec.get(i)).map(str::trim).unwrap_or(""))
    }
}

/// A yes/no cell: `true`, `yes`, `1`, `y` or `false`, `no`, `0`, `n` in any case; `None`
/// when empty. The error is the message to report against the column.
pub fn parse_bool(cell: &str) -> std::result::Result<Option<bool>, FieldCode> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "1" | "y" => Ok(Some(true)),
        "false" | "no" | "0" | "n" => Ok(Some(false)),
        _ => Err(FieldCode::InvalidBoolean),
    }
}

/// The characters that make a spreadsheet read a cell as a formula (or, tab and CR,
/// that some strip before doing so): OWASP's CSV injection list.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// True for text that starts with a formula character, after any number of `'`: the
/// texts export escapes (a text such as `'=x` too, so that it comes back as it was).
fn needs_escape(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text cell as exported: one starting with a formula character gets a leading `'`,
/// so a spreadsheet shows it as text and never runs it.
pub fn escape_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_escape(text) { format!("'{text}").into() } else { text.into() }
}

/// The inverse of [`escape_cell`]: drops exactly one leading `'` when what follows starts
/// with a formula character (after its own quotes, if any), so an exported file imports
/// back to the same values.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => cell,
    }
}

/// A file format for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// An exported file, ready to save.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ExportFile {
    /// A suggested file name, e.g. `products.csv`.
    pub filename: String,
    pub content_type: String,
    /// `utf8` (the content is the text) or `base64` (the content is the bytes, encoded).
    pub encoding: String,
    pub content: String,
    #[ts(type = "number")]
    pub rows: i64,
}

impl ExportFile {
    /// The file's bytes (decoding base64 when needed).
    pub fn bytes(&self) -> Result<Vec<u8>> {
        if self.encoding == "base64" {
            base64::engine::general_purpose::STANDARD.decode(&self.content).map_err(|e| Error::Internal(format!("bad base64: {e}")))
        } else {
            Ok(self.content.clone().into_bytes())
        }
    }
}

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written escaped when it starts like a formula (see [`escape_cell`]).
    Text(String),
    /// Written as text in CSV (exactly) and as a number in XLSX.
    Number(Decimal),
    Bool(bool),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Self {
        Cell::Number(d)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Self {
        o.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// A sheet to export: headers and rows of cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len());
        self.rows.push(row);
    }

    /// RFC 4180 CSV with a header row. Booleans are `true`/`false`; numbers exact.
    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let internal = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
        w.write_record(&self.headers).map_err(internal)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => escape_cell(s).into_owned(),
                Cell::Number(d) => d.normalize().to_string(),
                Cell::Bool(b) => b.to_string(),
                Cell::Empty => String::new(),
            }))
            .map_err(internal)?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(format!("writing CSV: {e}")))
    }

    /// An XLSX workbook with one sheet: bold, frozen headers, autofilter, fitted widths.
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>> {
        use rust_xlsxwriter::{Format, Workbook};
        let x = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("writing XLSX: {e}"));
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(sheet).map_err(x)?;
        let bold = Format::new().set_bold();
        let number = Format::new().set_num_format("0.00##");
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(x)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) if !s.is_empty() => {
                        ws.write_string(r, c, escape_cell(s)).map_err(x)?;
                    }
                    Cell::Number(d) => {
                        // A spreadsheet number is a double; 4-decimal amounts below 10^11 fit exactly enough to display.
                        let f: f64 = d.to_string().parse().unwrap_or(0.0);
                        ws.write_number_with_format(r, c, f, &number).map_err(x)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b).map_err(x)?;
                    }
                    _ => {}
                }
            }
        }
        if !self.headers.is_empty() {
            ws.set_freeze_panes(1, 0).map_err(x)?;
            ws.autofilter(0, 0, self.rows.len() as u32, self.headers.len() as u16 - 1).map_err(x)?;
        }
        ws.autofit();
        wb.save_to_buffer().map_err(x)
    }

    /// The table as a file named `basename.csv` or `basename.xlsx`.
    pub fn export(&self, format: ExportFormat, basename: &str) -> Result<ExportFile> {
        let rows = self.rows.len() as i64;
        Ok(match format {
            ExportFormat::Csv => ExportFile {
                filename: format!("{basename}.csv"),
                content_type: "text/csv; charset=utf-8".into(),
                encoding: "utf8".into(),
                content: self.to_csv()?,
                rows,
            },
            ExportFormat::Xlsx => ExportFile {
                filename: format!("{basename}.xlsx"),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
                encoding: "base64".into(),
                content: base64::engine::general_purpose::STANDARD.encode(self.to_xlsx(basename)?),
                rows,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_headers_are_checked_and_rows_numbered_like_a_spreadsheet() {
        let input = CsvInput::parse("SKU, Name\r\nA,Apple\r\n\"B\",\"Big, \"\"red\"\"\"\r\n\"C\",\"two\nlines\"\r\nD,x\r\n", &["sku", "name"], &[]).unwrap();
        let rows: Vec<(u32, String, String)> = input.records().map(|r| (r.row(), r.get("sku").into(), r.get("name").into())).collect();
        assert_eq!(rows[..2], [(2, "A".into(), "Apple".into()), (3, "B".into(), "Big, \"red\"".into())]);
        assert_eq!(rows[3], (5, "D".into(), "x".into()));
        let err = CsvInput::parse("sku,nmae\n", &["sku", "name"], &[]).unwrap_err();
        let f = &err.fields()[0];
        assert_eq!(f.code, FieldCode::InvalidColumns, "{err}");
        assert_eq!((f.params["unknown"].as_str(), f.params["missing"].as_str(), f.params["columns"].as_str()), ("nmae", "name", "sku, name"));
        assert!(err.to_string().contains("unknown column(s): nmae"), "{err}");
        assert!(CsvInput::parse("sku,name\na,b,c\n", &["sku", "name"], &[]).is_err());
    }

    #[test]
    fn formula_like_text_is_escaped_and_read_back() {
        let risky = ["=1+2", "+SUM(A1)", "-3 apples", "@cmd", "\tx", "\rx", "'=already", "plain", "'quoted", ""];
        let mut t = Table::new(&["text", "n"]);
        for r in risky {
            t.push(vec![r.into(), Decimal::new(-125, 2).into()]);
        }
        let csv = t.to_csv().unwrap();
        assert!(csv.contains("'=1+2,-1.25\r\n"), "{csv}");
        assert!(csv.contains("'-3 apples,-1.25"), "numbers stay numbers: {csv}");
        assert!(csv.contains("plain,-1.25"), "{csv}");
        let input = CsvInput::parse(&csv, &["text", "n"], &[]).unwrap();
        let back: Vec<String> = input.records().map(|r| r.get("text").to_string()).collect();
        assert_eq!(back, risky);
        assert_eq!(escape_cell("'=already"), "''=already");
    }

    #[test]
    fn tables_export_as_csv_and_xlsx() {
        let mut t = Table::new(&["sku", "price", "archived"]);
        t.push(vec!["A,1".into(), Decimal::new(12_500, 4).into(), false.into()]);
        assert_eq!(t.to_csv().unwrap(), "sku,price,archived\r\n\"A,1\",1.25,false\r\n");
        let f = t.export(ExportFormat::Xlsx, "products").unwrap();
        assert_eq!(f.filename, "products.xlsx");
        assert_eq!(&f.bytes().unwrap()[..2], b"PK");
    }
}
