//! Text helpers shared by the format readers.

use chrono::NaiveDate;

/// Bytes as text: UTF-8 (BOM dropped), UTF-16 with a BOM, else Windows-1252, the encoding of
/// most older bank exports (ISO 8859-1 is its subset for printable text). Never fails.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// An IBAN or account number as stored: no whitespace, upper case.
pub(crate) fn normalize_account(account: &str) -> String {
    account.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Runs of whitespace (newlines included) become one space; ends trimmed.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `YYYY-MM-DD`, possibly followed by a time (`2026-01-15T10:00:00+01:00`).
pub(crate) fn iso_date(text: &str) -> Option<NaiveDate> {
    let day = text.trim().get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// `Some(text)` when it is not blank, trimmed.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_usual_encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc"), "abc");
        assert_eq!(decode("Müller".as_bytes()), "Müller");
        assert_eq!(decode(b"M\xfcller \x80"), "Müller €");
        assert_eq!(decode(b"\xFF\xFEa\x00\xfc\x00"), "aü");
        assert_eq!(decode(b"\xFE\xFF\x00a\x00"), "a");
    }

    #[test]
    fn normalises_accounts_and_text() {
        assert_eq!(normalize_account(" de89 3704\u{a0}0044 0532 0130 00 "), "DE89370400440532013000");
        assert_eq!(collapse_whitespace("  a\n b\t\tc "), "a b c");
        assert_eq!(iso_date("2026-01-15T10:00:00+01:00"), NaiveDate::from_ymd_opt(2026, 1, 15));
        assert_eq!(iso_date("2026-1-5"), None);
        assert_eq!(iso_date("2026-01-1é"), None);
    }
}
