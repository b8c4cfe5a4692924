//! SWIFT MT940 customer statements, with or without SWIFT block headers, several per file.
//!
//! Written here rather than taken from the `mt940` crate: that crate rejects tags outside its
//! strict order, transliterates names to the SWIFT character set, dates an entry in the value
//! date's year (wrong across New Year) and pulls a command-line parser into every user.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::text::{self, collapse_whitespace, normalize_account};
use crate::{Format, Line, ParseError, Statement};

/// Tags that start a field; any other `:xx:` at the start of a line is narrative text.
const TAGS: &[&str] = &[
    "13", "13D", "20", "21", "25", "28", "28C", "34F", "60F", "60M", "61", "62F", "62M", "64",
    "65", "86", "90C", "90D", "NS",
];

/// Codes of the `/CODE/value` narrative style (Dutch, Belgian and other SEPA banks).
const CODES: &[&str] = &[
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "ORDP", "BENM", "ULTD", "ULTC", "ULTB",
    "CSID", "MARF", "RTRN", "PURP", "CDTRREFTP", "CDTRREF", "ISDT", "SVCL", "ADDR", "CNTP",
    "ACCW", "PREF", "KREF", "IREF", "ID",
];

/// German SEPA keys inside the `?20`-`?29` purpose lines.
const SEPA_KEYS: &[&str] = &[
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+",
    "COAM+", "OAMT+",
];

/// The length of one `?2x` purpose line: a full line continues in the next without a space.
const SUBFIELD_WIDTH: usize = 27;

pub(crate) fn sniff(head: &str) -> bool {
    let normal = head.replace('\r', "\n");
    let tags: Vec<&str> = fields(&normal).into_iter().map(|f| f.tag).collect();
    tags.contains(&"20")
        && tags.contains(&"25")
        && (tags.contains(&"60F") || tags.contains(&"60M"))
}

fn error(message: impl Into<String>) -> ParseError {
    ParseError::new(Format::Mt940, message)
}

struct Field<'a> {
    tag: &'a str,
    value: String,
    line: u32,
}

/// The fields of the text, continuation lines joined to their field with '\n'.
fn fields(text: &str) -> Vec<Field<'_>> {
    let mut out: Vec<Field> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = strip_blocks(raw);
        if content.trim().is_empty() {
            continue;
        }
        if let Some((tag, value)) = tag_of(content) {
            out.push(Field { tag, value: value.to_string(), line });
        } else if let Some(last) = out.last_mut() {
            last.value.push('\n');
            last.value.push_str(content);
        }
    }
    out
}

/// A line without SWIFT blocks (`{1:…}{2:…}{4:`) and without the message end (`-}`, `-`).
fn strip_blocks(line: &str) -> &str {
    let mut rest = line.trim_end();
    while rest.starts_with('{') {
        if let Some(body) = rest.strip_prefix("{4:") {
            rest = body;
            break;
        }
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        match end {
            Some(end) => rest = &rest[end..],
            None => return "",
        }
    }
    if rest == "-" || rest.starts_with("-}") {
        return "";
    }
    rest
}

fn tag_of(line: &str) -> Option<(&str, &str)> {
    let body = line.strip_prefix(':')?;
    let end = body.bytes().take(4).position(|b| b == b':')?;
    let tag = body.get(..end)?;
    let tag = TAGS.iter().find(|&&known| known == tag)?;
    Some((tag, body.get(end + 1..)?))
}

#[derive(Default)]
struct Builder {
    /// The line of its `:20:`.
    line: u32,
    id: String,
    account: String,
    currency: Option<String>,
    opening: Option<Decimal>,
    closing: Option<Decimal>,
    date: Option<NaiveDate>,
    lines: Vec<Line>,
    /// The `:61:` customer reference, supplementary details and whether a `:86:` came, of the
    /// last line.
    pending: Option<(String, String, bool)>,
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Statement>, ParseError> {
    let text = text::decode(bytes).replace("\r\n", "\n").replace('\r', "\n");
    let mut statements = Vec::new();
    let mut current: Option<Builder> = None;
    for field in fields(&text) {
        if field.tag == "20" {
            if let Some(done) = current.take() {
                statements.push(done.finish()?);
            }
            current = Some(Builder {
                line: field.line,
                id: field.value.trim().to_string(),
                ..Builder::default()
            });
            continue;
        }
        let Some(builder) = current.as_mut() else {
            return Err(error("a statement must start with :20:")
                .at(field.line)
                .field(format!(":{}:", field.tag)));
        };
        builder.add(&field)?;
    }
    if let Some(done) = current.take() {
        statements.push(done.finish()?);
    }
    if statements.is_empty() {
        return Err(error("no statement (:20:) found"));
    }
    Ok(statements)
}

impl Builder {
    fn add(&mut self, field: &Field) -> Result<(), ParseError> {
        let tag = field.tag;
        if tag != "86" {
            self.close_line();
        }
        match tag {
            "25" => self.account = account(&field.value),
            "60F" | "60M" => {
                let (amount, _, currency) = balance(field)?;
                self.opening = Some(amount);
                self.currency.get_or_insert(currency);
            }
            "62F" | "62M" => {
                let (amount, date, currency) = balance(field)?;
                self.closing = Some(amount);
                self.date = Some(date);
                self.currency.get_or_insert(currency);
            }
            "61" => {
                let (line, customer_ref, supplementary) = statement_line(field)?;
                self.lines.push(line);
                self.pending = Some((customer_ref, supplementary, false));
            }
            "86" => {
                // A :86: after a :61: describes that line; otherwise the whole statement.
                if let (Some(line), Some(pending)) = (self.lines.last_mut(), self.pending.as_mut())
                    && !pending.2
                {
                    pending.2 = true;
                    let narrative = narrative(&field.value);
                    line.description = narrative.description;
                    line.counterparty = narrative.counterparty;
                    line.counterparty_account = normalize_account(&narrative.account);
                    line.reference =
                        narrative.reference.or(narrative.end_to_end).unwrap_or_default();
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The last line's fallbacks: the customer reference, the supplementary details.
    fn close_line(&mut self) {
        if let (Some(line), Some((customer_ref, supplementary, _))) =
            (self.lines.last_mut(), self.pending.take())
        {
            if line.reference.is_empty()
                && !customer_ref.is_empty()
                && !customer_ref.eq_ignore_ascii_case("NONREF")
            {
                line.reference = customer_ref;
            }
            if line.description.is_empty() {
                line.description = supplementary;
            }
        }
    }

    /// The statement; the account and both balances are mandatory, so a cut file fails.
    fn finish(mut self) -> Result<Statement, ParseError> {
        self.close_line();
        let missing = if self.account.is_empty() {
            Some((":25:", "no account"))
        } else if self.opening.is_none() {
            Some((":60F:", "no opening balance"))
        } else if self.closing.is_none() {
            Some((":62F:", "no closing balance"))
        } else {
            None
        };
        if let Some((tag, what)) = missing {
            return Err(error(format!("the statement {} has {what}", self.id))
                .at(self.line)
                .field(tag));
        }
        let currency = self.currency;
        let lines = self
            .lines
            .into_iter()
            .map(|line| Line { currency: currency.clone(), ..line })
            .collect();
        Ok(Statement {
            id: self.id,
            account: self.account,
            currency,
            opening: self.opening,
            closing: self.closing,
            date: self.date,
            lines,
        })
    }
}

/// `:25:` as `IBAN`, `BLZ/account` or `account CUR`: a trailing currency code is dropped.
fn account(value: &str) -> String {
    let first = value.split('\n').next().unwrap_or_default();
    let mut tokens: Vec<&str> = first.split_whitespace().collect();
    if tokens.len() > 1
        && tokens.last().is_some_and(|t| t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        tokens.pop();
    }
    normalize_account(&tokens.concat())
}

/// `C260115EUR1234,56`: signed amount, date, currency.
fn balance(field: &Field) -> Result<(Decimal, NaiveDate, String), ParseError> {
    let value = field.value.split('\n').next().unwrap_or_default().trim();
    let fail = || {
        error(format!("'{value}' is not a balance (C or D, YYMMDD, currency, amount)"))
            .at(field.line)
            .field(format!(":{}:", field.tag))
    };
    let negative = match value.get(..1) {
        Some("C") => false,
        Some("D") => true,
        _ => return Err(fail()),
    };
    let date = value.get(1..7).and_then(yymmdd).ok_or_else(fail)?;
    let currency = value
        .get(7..10)
        .filter(|c| c.bytes().all(|b| b.is_ascii_alphabetic()))
        .ok_or_else(fail)?
        .to_ascii_uppercase();
    let amount = value.get(10..).and_then(swift_amount).ok_or_else(fail)?;
    Ok((if negative { -amount } else { amount }, date, currency))
}

/// `:61:` → the line, its customer reference and its supplementary details.
fn statement_line(field: &Field) -> Result<(Line, String, String), ParseError> {
    let mut parts = field.value.split('\n');
    let first = parts.next().unwrap_or_default().trim();
    let supplementary = collapse_whitespace(&parts.collect::<Vec<_>>().join(" "));
    let fail = |what: &str| error(format!("{what} in '{first}'")).at(field.line).field(":61:");

    let value_date = first.get(..6).and_then(yymmdd).ok_or_else(|| fail("no value date (YYMMDD)"))?;
    let (booking_date, rest) = match first.get(6..10) {
        Some(mmdd) if mmdd.bytes().all(|b| b.is_ascii_digit()) => (
            entry_date(value_date, mmdd).ok_or_else(|| fail("no valid entry date (MMDD)"))?,
            &first[10..],
        ),
        _ => (value_date, first.get(6..).unwrap_or_default()),
    };
    // RC reverses a credit (money out), RD a debit (money in).
    let (negative, rest) = if let Some(rest) = rest.strip_prefix("RC") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix("RD") {
        (false, rest)
    } else if let Some(rest) = rest.strip_prefix('C') {
        (false, rest)
    } else if let Some(rest) = rest.strip_prefix('D') {
        (true, rest)
    } else {
        return Err(fail("no debit/credit mark (C, D, RC, RD)"));
    };
    // An optional funds code: the third letter of the currency code.
    let rest = match rest.as_bytes().first() {
        Some(b) if b.is_ascii_alphabetic() => &rest[1..],
        _ => rest,
    };
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ',')).unwrap_or(rest.len());
    let amount = swift_amount(&rest[..end]).ok_or_else(|| fail("no amount"))?;
    // The transaction type (N, F or S and three characters), then the references.
    let references = rest[end..].char_indices().nth(4).map_or("", |(i, _)| &rest[end + i..]);
    let (customer_ref, bank_ref) = match references.split_once("//") {
        Some((customer, bank)) => (customer.trim(), bank.trim()),
        None => (references.trim(), ""),
    };
    let line = Line {
        date: booking_date,
        value_date: Some(value_date),
        amount: if negative { -amount } else { amount },
        currency: None,
        counterparty: String::new(),
        counterparty_account: String::new(),
        reference: String::new(),
        description: String::new(),
        bank_ref: bank_ref.to_string(),
    };
    Ok((line, customer_ref.to_string(), supplementary))
}

fn yymmdd(text: &str) -> Option<NaiveDate> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = text.get(..2)?.parse().ok()?;
    let month: u32 = text.get(2..4)?.parse().ok()?;
    let day: u32 = text.get(4..6)?.parse().ok()?;
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The entry (booking) date `MMDD` in the year that puts it nearest the value date, so a
/// booking on 31 December valued on 2 January lands in the right year.
fn entry_date(value_date: NaiveDate, mmdd: &str) -> Option<NaiveDate> {
    let month: u32 = mmdd.get(..2)?.parse().ok()?;
    let day: u32 = mmdd.get(2..4)?.parse().ok()?;
    let year = value_date.year();
    [year - 1, year, year + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - value_date).num_days().abs())
}

/// `1234,56` (comma decimal, digits only).
fn swift_amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit() || b == b',')
        || text.bytes().filter(|&b| b == b',').count() > 1
        || !text.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    let normal = text.replace(',', ".");
    Decimal::from_str(normal.trim_end_matches('.')).ok()
}

#[derive(Default, Debug, PartialEq)]
struct Narrative {
    description: String,
    counterparty: String,
    account: String,
    /// A structured creditor reference (RF…).
    reference: Option<String>,
    end_to_end: Option<String>,
}

fn narrative(value: &str) -> Narrative {
    if let Some(german) = german(value) {
        return german;
    }
    if let Some(tagged) = tagged(value) {
        return tagged;
    }
    Narrative { description: collapse_whitespace(value), ..Narrative::default() }
}

/// `166?00GUTSCHRIFT?20EREF+…?21SVWZ+…?32NAME?38IBAN`: a three-digit business code, then
/// subfields led by a separator (usually `?`) and two digits.
fn german(value: &str) -> Option<Narrative> {
    let joined: String = value.split('\n').collect();
    let code = joined.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let separator = joined.get(3..)?.chars().next().filter(char::is_ascii_punctuation)?;
    let mut subfields: Vec<(u8, String)> = Vec::new();
    for piece in joined.get(4..)?.split(separator) {
        let number = piece
            .get(..2)
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| matches!(n, 0 | 10 | 20..=34 | 38 | 60..=63));
        match (number, subfields.last_mut()) {
            (Some(number), _) => subfields.push((number, piece[2..].to_string())),
            // The separator inside a value: it belongs to the previous subfield. Text whose
            // first "subfield" is none of the known ones is not in this format at all.
            (None, Some(last)) => {
                last.1.push(separator);
                last.1.push_str(piece);
            }
            (None, None) => return None,
        }
    }
    if subfields.is_empty() {
        return None;
    }
    let of = |numbers: &[u8]| -> Vec<&str> {
        let mut picked: Vec<&(u8, String)> =
            subfields.iter().filter(|(n, _)| numbers.contains(n)).collect();
        picked.sort_by_key(|(n, _)| *n);
        picked.into_iter().map(|(_, v)| v.as_str()).collect()
    };
    let purpose_numbers: Vec<u8> = (20..=29).chain(60..=63).collect();
    let purpose = join_subfields(&of(&purpose_numbers));
    let posting_text = join_subfields(&of(&[0]));
    let mut result = Narrative {
        counterparty: join_subfields(&of(&[32, 33])),
        account: of(&[38])
            .first()
            .or(of(&[31]).first())
            .map(|a| a.trim().to_string())
            .unwrap_or_default(),
        ..Narrative::default()
    };

    let keyed = sepa_keys(&purpose);
    if keyed.is_empty() {
        result.description = if purpose.is_empty() { posting_text } else { purpose };
        result.reference = creditor_reference(&result.description);
        return Some(result);
    }
    let get = |key: &str| keyed.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
    let remittance = get("SVWZ+").filter(|v| !v.is_empty());
    result.reference = remittance.as_deref().and_then(creditor_reference);
    result.end_to_end =
        get("EREF+").filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("NOTPROVIDED"));
    if result.account.is_empty() {
        result.account = get("IBAN+").unwrap_or_default();
    }
    result.description = remittance.unwrap_or(purpose);
    Some(result)
}

/// Subfields of 27 characters continue in the next without a space; shorter ones end a word.
fn join_subfields(parts: &[&str]) -> String {
    let mut out = String::new();
    let mut previous_full = true;
    for part in parts {
        if !out.is_empty() && !previous_full {
            out.push(' ');
        }
        out.push_str(part);
        previous_full = part.chars().count() >= SUBFIELD_WIDTH;
    }
    collapse_whitespace(&out)
}

/// `EREF+…SVWZ+…` split at the known keys: (key, trimmed value) in order; empty without keys.
fn sepa_keys(purpose: &str) -> Vec<(&'static str, String)> {
    let mut starts: Vec<(usize, &'static str)> = SEPA_KEYS
        .iter()
        .flat_map(|&key| purpose.match_indices(key).map(move |(at, _)| (at, key)))
        .collect();
    starts.sort_unstable();
    starts
        .iter()
        .enumerate()
        .map(|(i, &(at, key))| {
            let end = starts.get(i + 1).map_or(purpose.len(), |next| next.0);
            let value = purpose.get(at + key.len()..end).unwrap_or_default();
            (key, collapse_whitespace(value))
        })
        .collect()
}

/// An ISO 11649 creditor reference (`RF18 5390 0754 7034`) that makes up the whole text.
fn creditor_reference(text: &str) -> Option<String> {
    let compact = normalize_account(text);
    let valid = compact.bytes().all(|b| b.is_ascii_alphanumeric())
        && compact.len() >= 5
        && compact.len() <= 25
        && compact.starts_with("RF")
        && compact.bytes().skip(2).take(2).all(|b| b.is_ascii_digit());
    valid.then_some(compact)
}

/// `/EREF/…/NAME/…/REMI/USTD//…`: values between known codes.
fn tagged(value: &str) -> Option<Narrative> {
    let joined: String = value.split('\n').collect();
    let bytes = joined.as_bytes();
    let mut found: Vec<(&str, usize, usize)> = Vec::new(); // code, value start, code start
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/'
            && let Some(length) = joined[i + 1..].find('/')
        {
            let code = &joined[i + 1..i + 1 + length];
            if CODES.contains(&code) {
                found.push((code, i + length + 2, i));
                i += length + 2;
                continue;
            }
        }
        i += 1;
    }
    if found.is_empty() {
        return None;
    }
    let values: Vec<(&str, &str)> = found
        .iter()
        .enumerate()
        .map(|(n, &(code, start, _))| {
            let end = found.get(n + 1).map_or(joined.len(), |next| next.2);
            (code, joined.get(start..end).unwrap_or_default().trim().trim_end_matches('/').trim())
        })
        .collect();
    let get = |code: &str| {
        values.iter().find(|(c, v)| *c == code && !v.is_empty()).map(|(_, v)| *v)
    };

    let mut result = Narrative {
        counterparty: get("NAME").unwrap_or_default().to_string(),
        account: get("IBAN").unwrap_or_default().to_string(),
        ..Narrative::default()
    };
    if let Some(counterparty) = get("CNTP") {
        let parts: Vec<&str> = counterparty.split('/').map(str::trim).collect();
        if result.account.is_empty() {
            result.account = parts.first().copied().unwrap_or_default().to_string();
        }
        if result.counterparty.is_empty() {
            result.counterparty = parts.get(2).copied().unwrap_or_default().to_string();
        }
    }
    result.end_to_end = get("EREF")
        .filter(|v| !v.eq_ignore_ascii_case("NOTPROVIDED"))
        .map(str::to_string);
    result.reference = get("CDTRREF").map(normalize_account);
    match get("REMI") {
        Some(remi) => {
            if let Some(text) = remi.strip_prefix("USTD//") {
                result.description = collapse_whitespace(text);
            } else if let Some(structured) = remi.strip_prefix("STRD/") {
                let reference = structured.rsplit('/').next().unwrap_or_default();
                if result.reference.is_none() && !reference.is_empty() {
                    result.reference = Some(normalize_account(reference));
                }
            } else {
                result.description = collapse_whitespace(remi);
            }
        }
        None => result.description = collapse_whitespace(&joined),
    }
    if result.reference.is_none() {
        result.reference = creditor_reference(&result.description);
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_date_crosses_new_year() {
        let value = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert_eq!(entry_date(value, "1231"), NaiveDate::from_ymd_opt(2025, 12, 31));
        let value = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(entry_date(value, "0102"), NaiveDate::from_ymd_opt(2026, 1, 2));
        assert_eq!(entry_date(value, "0230"), None);
    }

    #[test]
    fn german_subfields() {
        let n = german(
            "166?00SEPA-GUTSCHRIFT?100099?20EREF+E2E-ACME-4711?21SVWZ+RE\n 4711 VIELEN DANK?30GENODEF1S04?31DE44500105175407324931?32ACME Handels AG",
        )
        .unwrap();
        assert_eq!(n.end_to_end.as_deref(), Some("E2E-ACME-4711"));
        assert_eq!(n.description, "RE 4711 VIELEN DANK");
        assert_eq!(n.counterparty, "ACME Handels AG");
        assert_eq!(n.account, "DE44500105175407324931");
        assert_eq!(n.reference, None);
    }

    #[test]
    fn free_text_that_starts_with_digits_is_not_structured() {
        assert_eq!(german("123.45 EUR fee"), None);
        assert_eq!(narrative("123.45 EUR fee").description, "123.45 EUR fee");
        let n = german("166?20Ref 2026?99?21more?32Name").unwrap();
        assert_eq!(n.description, "Ref 2026?99 more");
        assert_eq!(n.counterparty, "Name");
    }

    #[test]
    fn full_subfields_continue_without_space() {
        assert_eq!(join_subfields(&["ABCDEFGHIJKLMNOPQRSTUVWXYZ0", "12", "NEXT"]), "ABCDEFGHIJKLMNOPQRSTUVWXYZ012 NEXT");
    }

    #[test]
    fn tagged_narrative() {
        let n = tagged("/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/J. Jansen/REMI/USTD//INV/2026/00001/EREF/NOTPROVIDED").unwrap();
        assert_eq!(n.counterparty, "J. Jansen");
        assert_eq!(n.account, "NL44RABO0123456789");
        assert_eq!(n.description, "INV/2026/00001");
        assert_eq!(n.end_to_end, None);
        let n = tagged("/CNTP/NL44RABO0123456789/RABONL2U/J. Jansen/Utrecht/REMI/STRD/CUR/RF18539007547034/").unwrap();
        assert_eq!(n.counterparty, "J. Jansen");
        assert_eq!(n.reference.as_deref(), Some("RF18539007547034"));
        assert!(tagged("Fees 1/2/3").is_none());
    }

    #[test]
    fn blocks_are_stripped() {
        assert_eq!(strip_blocks("{1:F01ABCDEFGHAXXX0000000000}{2:O940}{4:"), "");
        assert_eq!(strip_blocks("{4::20:ABC"), ":20:ABC");
        assert_eq!(strip_blocks("-}{5:{CHK:123}}"), "");
        assert_eq!(strip_blocks("{1:unclosed"), "");
    }
}
