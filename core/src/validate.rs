//! Input checks shared by every module. Each returns the cleaned value or pushes a
//! [`FieldError`] so a command can report every bad field at once.

use crate::error::{FieldCode, FieldError, Issue};

/// Collects field errors while a command checks its args.
#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`: a code, with params via [`FieldCode::with`].
    pub fn push(&mut self, field: &str, issue: impl Into<Issue>) {
        self.errors.push(FieldError::new(field, issue));
    }

    /// Trims `value`; refuses it when empty or longer than `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, FieldCode::Required);
        } else {
            self.max_len(field, v, max);
        }
        v.to_string()
    }

    /// Trims `value`; refuses it when longer than `max` characters. Empty is allowed.
    pub fn optional(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        self.max_len(field, v, max);
        v.to_string()
    }

    fn max_len(&mut self, field: &str, v: &str, max: usize) {
        if v.chars().count() > max {
            self.push(field, FieldCode::TooLong.with("max", max));
        }
        if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.push(field, FieldCode::ControlCharacters);
        }
    }

    /// A syntactically valid email address; returns it trimmed.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, FieldCode::Required);
        } else if v.len() > 254 || !email_address::EmailAddress::is_valid(v) {
            self.push(field, FieldCode::InvalidEmail);
        }
        v.to_string()
    }

    /// An email that may be left empty.
    pub fn optional_email(&mut self, field: &str, value: &str) -> String {
        if value.trim().is_empty() { String::new() } else { self.email(field, value) }
    }

    /// A short code: letters, digits, `-`, `_` and `.`, 1 to `max` characters.
    pub fn code(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, FieldCode::Required);
        } else if v.chars().count() > max {
            self.push(field, FieldCode::TooLong.with("max", max));
        } else if !v.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            self.push(field, FieldCode::InvalidCode);
        }
        v.to_string()
    }

    /// An ISO 4217 currency code; returns it upper-cased.
    pub fn currency(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_ascii_uppercase();
        if iso_currency::Currency::from_code(&v).is_none() {
            self.push(field, FieldCode::InvalidCurrency);
        }
        v
    }

    /// A BCP 47 language tag such as `en-US`; returns it in canonical form.
    pub fn locale(&mut self, field: &str, value: &str) -> String {
        match value.trim().parse::<unic_langid::LanguageIdentifier>() {
            Ok(l) if !value.trim().is_empty() && l.language.as_str() != "und" => l.to_string(),
            _ => {
                self.push(field, FieldCode::InvalidLocale);
                value.trim().to_string()
            }
        }
    }

    /// An IANA time zone such as `Europe/Paris`.
    pub fn timezone(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if v.parse::<chrono_tz::Tz>().is_err() {
            self.push(field, FieldCode::InvalidTimezone);
        }
        v.to_string()
    }

    /// An ISO 3166-1 alpha-2 country code, or empty; returns it upper-cased.
    pub fn country(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_ascii_uppercase();
        if !v.is_empty() && rust_iso3166::from_alpha2(&v).is_none() {
            self.push(field, FieldCode::InvalidCountry);
        }
        v
    }

    /// A colour as `#rrggbb`.
    pub fn color(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_ascii_lowercase();
        let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            self.push(field, FieldCode::InvalidColor);
        }
        v
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> i64 {
        if value < min || value > max {
            self.push(field, FieldCode::OutOfRange.with("min", min).with("max", max));
        }
        value
    }

    /// Ends the checks: the errors found, if any, as one validation error.
    pub fn finish(self) -> crate::Result<()> {
        crate::Error::from_fields(self.errors)
    }
}
