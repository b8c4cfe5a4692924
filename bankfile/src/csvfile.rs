//! CSV exports, read through the user's [`CsvMapping`].

use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::text::{self, normalize_account};
use crate::{CsvMapping, CsvPreview, Format, Line, ParseError, Statement};

const DELIMITERS: [char; 3] = [';', ',', '\t'];

/// Tried in order when the mapping gives no date format; the first that reads every row of
/// the column wins, so a file with 13/04/2026 in it is read day first throughout.
const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d.%m.%y", "%d/%m/%y", "%m/%d/%y", "%d-%m-%y",
];

const IGNORED_IN_AMOUNTS: &[char] = &[
    '\'', '’', '€', '$', '£', '¥', '₹', '₽', '₺', '₩', '₪', '₫', '₴', '₦', '₱', '฿', '¢', '₣', '₤',
    '₡', '₵', '₸', '₼', '₾', '₿',
];

/// Dates outside these years are misreadings (such as "15.01.26" read with `%Y` as year 26).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn error(message: impl Into<String>) -> ParseError {
    ParseError::new(Format::Csv, message)
}

pub(crate) fn sniff(head: &str) -> bool {
    let sample: String = head.chars().take(8192).collect();
    if sample.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        return false;
    }
    detect_delimiter(&sample).is_some_and(|(_, records)| records >= 2)
}

/// The delimiter that splits the first lines into the most columns, consistently: at least
/// half of the lines have the most common column count. With it, how many lines were looked at.
fn detect_delimiter(text: &str) -> Option<(char, usize)> {
    let mut best: Option<(char, usize, usize)> = None; // delimiter, columns, records
    for delimiter in DELIMITERS {
        let counts: Vec<usize> = reader(text, delimiter)
            .records()
            .filter_map(Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .take(20)
            .map(|r| r.len())
            .collect();
        let mut mode = 0;
        let mut mode_count = 0;
        for &count in &counts {
            let n = counts.iter().filter(|&&c| c == count).count();
            if n > mode_count || (n == mode_count && count > mode) {
                mode = count;
                mode_count = n;
            }
        }
        if mode < 2 || mode_count * 2 < counts.len() {
            continue;
        }
        if best.is_none_or(|(_, columns, _)| mode > columns) {
            best = Some((delimiter, mode, counts.len()));
        }
    }
    best.map(|(delimiter, _, records)| (delimiter, records))
}

fn reader(text: &str, delimiter: char) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(u8::try_from(delimiter).unwrap_or(b','))
        .from_reader(text.as_bytes())
}

/// The non-empty records after `skip_rows` lines, each with its 1-based line in the file.
struct Table {
    rows: Vec<(u32, Vec<String>)>,
    delimiter: char,
}

fn load(bytes: &[u8], delimiter: Option<char>, skip_rows: u32) -> Result<Table, ParseError> {
    let text = text::decode(bytes);
    let mut body = text.as_str();
    let mut skipped: u32 = 0;
    while skipped < skip_rows {
        match body.find('\n') {
            Some(end) => {
                body = &body[end + 1..];
                skipped += 1;
            }
            None => {
                body = "";
                break;
            }
        }
    }
    let delimiter = match delimiter {
        Some(c) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => c,
        Some(c) => {
            return Err(error(format!("'{}' cannot separate columns", c.escape_default()))
                .field("delimiter"));
        }
        None => detect_delimiter(body).map_or(',', |(d, _)| d),
    };
    // Lines are counted here: with CRLF line ends the csv crate's line count lags, and its
    // byte offset points at the '\n' ending the previous line, so line ends there are skipped.
    let bytes = body.as_bytes();
    let (mut counted_to, mut line) = (0usize, skipped.saturating_add(1));
    let mut line_at = |position: Option<&csv::Position>| -> u32 {
        let offset = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let mut offset = offset.min(bytes.len()).max(counted_to);
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        let newlines = bytes[counted_to..offset].iter().filter(|&&b| b == b'\n').count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted_to = offset;
        line
    };
    let mut rows = Vec::new();
    for record in reader(body, delimiter).records() {
        let record = record
            .map_err(|e| error(format!("unreadable row: {e}")).at(line_at(e.position())))?;
        let at = line_at(record.position());
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        rows.push((at, fields));
    }
    Ok(Table { rows, delimiter })
}

pub(crate) fn preview(
    bytes: &[u8],
    delimiter: Option<char>,
    has_header: bool,
    skip_rows: u32,
    max_rows: usize,
) -> Result<CsvPreview, ParseError> {
    let table = load(bytes, delimiter, skip_rows)?;
    if table.rows.is_empty() {
        return Err(error("the file has no rows"));
    }
    let mut records = table.rows.into_iter().map(|(_, fields)| fields);
    let header = if has_header { records.next() } else { None };
    let rows: Vec<Vec<String>> = records.take(max_rows).collect();
    let headers = header.unwrap_or_else(|| {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        (1..=width).map(|i| i.to_string()).collect()
    });
    Ok(CsvPreview { headers, rows, delimiter: table.delimiter })
}

/// A mapped column: its index and the name the user gave it (for messages).
#[derive(Clone)]
struct Column {
    index: usize,
    name: String,
}

enum AmountColumns {
    Signed(Column),
    Split { debit: Option<Column>, credit: Option<Column> },
}

pub(crate) fn parse(bytes: &[u8], mapping: &CsvMapping) -> Result<Statement, ParseError> {
    let table = load(bytes, mapping.delimiter, mapping.skip_rows)?;
    let mut rows = table.rows;
    let headers = if mapping.has_header {
        if rows.is_empty() {
            return Err(error("the file has no header row"));
        }
        Some(rows.remove(0).1)
    } else {
        None
    };
    let headers = headers.as_deref();
    let column = |spec: &str, what: &str| resolve(spec, headers, what);
    let optional = |spec: &Option<String>, what: &str| -> Result<Option<Column>, ParseError> {
        match spec.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(spec) => column(spec, what).map(Some),
            None => Ok(None),
        }
    };

    let date = column(&mapping.date, "date")?;
    let value_date = optional(&mapping.value_date, "value_date")?;
    let amount = match optional(&mapping.amount, "amount")? {
        Some(amount) => AmountColumns::Signed(amount),
        None => {
            let debit = optional(&mapping.debit, "debit")?;
            let credit = optional(&mapping.credit, "credit")?;
            if debit.is_none() && credit.is_none() {
                return Err(error("map an amount column, or debit and credit columns")
                    .field("amount"));
            }
            AmountColumns::Split { debit, credit }
        }
    };
    let counterparty = optional(&mapping.counterparty, "counterparty")?;
    let counterparty_account = optional(&mapping.counterparty_account, "counterparty_account")?;
    let reference = optional(&mapping.reference, "reference")?;
    let description = optional(&mapping.description, "description")?;
    let bank_ref = optional(&mapping.bank_ref, "bank_ref")?;
    let currency = optional(&mapping.currency, "currency")?;

    let cell = |cells: &[String], column: &Column| -> String {
        cells.get(column.index).cloned().unwrap_or_default()
    };
    let text = |cells: &[String], column: &Option<Column>| -> String {
        column.as_ref().map(|c| cell(cells, c)).unwrap_or_default()
    };
    let date_format = date_format_for(&mapping.date_format, &rows, date.index);
    let value_date_format =
        value_date.as_ref().map(|c| date_format_for(&mapping.date_format, &rows, c.index));

    let mut lines = Vec::with_capacity(rows.len());
    for (line, cells) in &rows {
        let line = *line;
        let raw_date = cell(cells, &date);
        let booking = read_date(&raw_date, &date_format)
            .ok_or_else(|| bad(line, &date, &raw_date, "a date"))?;
        let value = match (&value_date, &value_date_format) {
            (Some(column), Some(format)) => {
                let raw = cell(cells, column);
                if raw.is_empty() {
                    None
                } else {
                    Some(read_date(&raw, format).ok_or_else(|| bad(line, column, &raw, "a date"))?)
                }
            }
            _ => None,
        };
        let amount = match &amount {
            AmountColumns::Signed(column) => {
                let raw = cell(cells, column);
                read_amount(&raw, mapping.decimal_comma)
                    .map_err(|why| bad(line, column, &raw, &why))?
            }
            AmountColumns::Split { debit, credit } => {
                let read = |column: &Option<Column>| -> Result<Option<Decimal>, ParseError> {
                    let Some(column) = column else { return Ok(None) };
                    let raw = cell(cells, column);
                    if raw.is_empty() {
                        return Ok(None);
                    }
                    read_amount(&raw, mapping.decimal_comma)
                        .map(Some)
                        .map_err(|why| bad(line, column, &raw, &why))
                };
                let out = read(debit)?.map(|d| d.abs());
                let into = read(credit)?;
                if out.is_none() && into.is_none() {
                    let name = debit.as_ref().or(credit.as_ref()).map(|c| c.name.clone());
                    return Err(error("neither the debit nor the credit column has an amount")
                        .at(line)
                        .field(name.unwrap_or_default()));
                }
                into.unwrap_or_default()
                    .checked_sub(out.unwrap_or_default())
                    .ok_or_else(|| error("the amount is out of range").at(line))?
            }
        };
        lines.push(Line {
            date: booking,
            value_date: value,
            amount,
            currency: Some(text(cells, &currency).to_ascii_uppercase()).filter(|c| !c.is_empty()),
            counterparty: text(cells, &counterparty),
            counterparty_account: normalize_account(&text(cells, &counterparty_account)),
            reference: text(cells, &reference),
            description: text(cells, &description),
            bank_ref: text(cells, &bank_ref),
        });
    }

    let currency = lines.first().and_then(|l| l.currency.clone()).filter(|first| {
        lines.iter().all(|l| l.currency.as_ref() == Some(first))
    });
    Ok(Statement {
        id: String::new(),
        account: String::new(),
        currency,
        opening: None,
        closing: None,
        date: lines.iter().map(|l| l.date).max(),
        lines,
    })
}

fn bad(line: u32, column: &Column, raw: &str, what: &str) -> ParseError {
    let message = if raw.is_empty() {
        "the cell is empty".to_string()
    } else if what == "a date" {
        format!("'{raw}' is not a date")
    } else {
        format!("'{raw}' is not an amount: {what}")
    };
    error(message).at(line).field(column.name.clone())
}

/// A column by header text (exact, then ignoring case) or by 1-based index.
fn resolve(spec: &str, headers: Option<&[String]>, what: &str) -> Result<Column, ParseError> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(error("no column chosen").field(what));
    }
    let by_name = headers.and_then(|headers| {
        headers.iter().position(|h| h == spec).or_else(|| {
            let wanted = spec.to_lowercase();
            headers.iter().position(|h| h.to_lowercase() == wanted)
        })
    });
    let index = match by_name {
        Some(index) => index,
        None => match spec.parse::<usize>() {
            Ok(n) if n >= 1 => n - 1,
            _ => {
                let hint =
                    if headers.is_some() { "no column named" } else { "not a column number:" };
                return Err(error(format!("{hint} '{spec}'")).field(what));
            }
        },
    };
    Ok(Column { index, name: spec.to_string() })
}

/// The mapping's format, or the first common one that reads the whole column (else the one
/// that reads most of it, so the error names the first row it cannot read).
fn date_format_for(given: &str, rows: &[(u32, Vec<String>)], index: usize) -> String {
    if !given.trim().is_empty() {
        return given.trim().to_string();
    }
    let cells: Vec<&str> = rows
        .iter()
        .filter_map(|(_, cells)| cells.get(index).map(String::as_str))
        .filter(|c| !c.is_empty())
        .collect();
    let read = |format: &str| cells.iter().filter(|c| read_date(c, format).is_some()).count();
    let mut best = (DATE_FORMATS[0], 0);
    for &format in DATE_FORMATS {
        let count = read(format);
        if count == cells.len() {
            return format.to_string();
        }
        if count > best.1 {
            best = (format, count);
        }
    }
    best.0.to_string()
}

/// A date in the format, alone or followed by a time (`15.01.2026 10:22`).
fn read_date(raw: &str, format: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let parse = |text: &str| {
        NaiveDate::parse_from_str(text, format)
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(text, format).ok().map(|t| t.date()))
    };
    parse(raw)
        .or_else(|| raw.split([' ', 'T']).next().and_then(parse))
        .filter(|d| YEARS.contains(&d.year()))
}

/// A money amount as banks print it: currency symbols or codes, spaces and thousands
/// separators are dropped; `-12.50`, `12.50-` and `(12.50)` are negative.
pub(crate) fn read_amount(raw: &str, decimal_comma: bool) -> Result<Decimal, String> {
    let mut text: String = raw.trim().to_string();
    if text.is_empty() {
        return Err("empty".to_string());
    }
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.to_string();
    }
    // Currency: symbols anywhere, a three-letter code at either end; apostrophes group
    // thousands in Switzerland.
    text.retain(|c| !c.is_whitespace() && !IGNORED_IN_AMOUNTS.contains(&c));
    let letters = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
    if text.get(..3).is_some_and(letters) {
        text.drain(..3);
    }
    if text.len() > 3 && text.get(text.len() - 3..).is_some_and(letters) {
        text.truncate(text.len() - 3);
    }
    let text = text.replace('−', "-");
    let (sign_negative, digits) = if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_suffix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix('+').or_else(|| text.strip_suffix('+')) {
        (false, rest)
    } else {
        (false, text.as_str())
    };
    let (decimal, thousands) = if decimal_comma { (',', '.') } else { ('.', ',') };
    // A thousands separator always has three digits after it: one or two digits after the
    // other mark is a decimal separator, so the mapping has the wrong decimal setting.
    if let Some((_, tail)) = digits.rsplit_once(thousands)
        && !digits.contains(decimal)
        && (1..=2).contains(&tail.len())
        && tail.bytes().all(|b| b.is_ascii_digit())
    {
        let hint =
            if decimal_comma { "a decimal point, not a decimal comma" } else { "a decimal comma" };
        return Err(format!("it has {hint}"));
    }
    let normal: String = digits
        .chars()
        .filter(|&c| c != thousands)
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    let valid = normal.bytes().any(|b| b.is_ascii_digit())
        && normal.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && normal.bytes().filter(|&b| b == b'.').count() <= 1;
    if !valid {
        return Err("unexpected characters".to_string());
    }
    let value = Decimal::from_str(&normal).map_err(|_| "out of range".to_string())?;
    Ok(if negative != sign_negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(raw: &str, comma: bool) -> Option<String> {
        read_amount(raw, comma).ok().map(|d| d.to_string())
    }

    #[test]
    fn amounts_as_banks_print_them() {
        assert_eq!(amount("1.234,56", true).as_deref(), Some("1234.56"));
        assert_eq!(amount("-1.234,56 €", true).as_deref(), Some("-1234.56"));
        assert_eq!(amount("1,234.56", false).as_deref(), Some("1234.56"));
        assert_eq!(amount("(123.45)", false).as_deref(), Some("-123.45"));
        assert_eq!(amount("123.45-", false).as_deref(), Some("-123.45"));
        assert_eq!(amount("EUR 12.00", false).as_deref(), Some("12.00"));
        assert_eq!(amount("12.00 CHF", false).as_deref(), Some("12.00"));
        assert_eq!(amount("1'234.50", false).as_deref(), Some("1234.50"));
        assert_eq!(amount("$ -5", false).as_deref(), Some("-5"));
        assert_eq!(amount("12,50", false), None, "a decimal comma with the flag off");
        assert_eq!(amount("12.50", true), None, "a decimal point with the flag on");
        assert_eq!(amount("1.234", true).as_deref(), Some("1234"));
        assert_eq!(amount("abc", false), None);
        assert_eq!(amount("", false), None);
        assert_eq!(amount("1.2.3", false), None);
        assert_eq!(amount("--5", false), None);
    }

    #[test]
    fn dates_with_time_and_sane_years() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 15);
        assert_eq!(read_date("15.01.2026 10:22", "%d.%m.%Y"), d);
        assert_eq!(read_date("2026-01-15T10:22:00", "%Y-%m-%d"), d);
        assert_eq!(read_date("15.01.26", "%d.%m.%Y"), None);
        assert_eq!(read_date("15.01.26", "%d.%m.%y"), d);
    }
}
#[cfg(test)]
mod line_numbers {
    fn lines(text: &[u8], skip: u32) -> Vec<(u32, String)> {
        super::load(text, Some(','), skip)
            .unwrap()
            .rows
            .into_iter()
            .map(|(line, fields)| (line, fields[0].clone()))
            .collect()
    }

    #[test]
    fn rows_know_their_line_in_the_file() {
        let expected = vec![(1, "a".to_string()), (2, "c".to_string()), (4, "e".to_string())];
        assert_eq!(lines(b"a,b\r\nc,d\r\n\r\ne,f\r\n", 0), expected);
        assert_eq!(lines(b"a,b\nc,d\n\ne,f", 0), expected);
        assert_eq!(lines(b"x\ny\na,b\n\"c\nd\",1\ne,f", 2), vec![
            (3, "a".to_string()),
            (4, "c\nd".to_string()),
            (6, "e".to_string()),
        ]);
    }
}
