//! Exact amounts. In Rust every amount and quantity is a `Decimal`; on the wire it is a
//! string; in SQLite it is an INTEGER of a fixed scale per kind of number, so `SUM()` is
//! exact.
//!
//! Each kind of number has its declared scale:
//!
//! | kind                | stored scale      | precision accepted                       |
//! |---------------------|-------------------|------------------------------------------|
//! | money               | [`SCALE`] (4)     | the currency's minor units ([`minor_units`]: EUR 2, JPY 0, KWD 3) when posted |
//! | exchange rate       | [`RATE_SCALE`] (10) | up to 10 decimals (JPY→EUR ≈ 0.0062020000) |
//! | tax rate (percent)  | [`SCALE`] (4)     | up to 4 decimals (19.6 %, 8.1234 %)       |
//! | unit price and cost | [`PRICE_SCALE`] (6) | up to 6 decimals (for the trade documents) |
//! | quantity            | [`SCALE`] (4)     | up to 4 decimals                           |
//!
//! A value with more decimals than its kind accepts is refused (`too_many_decimals`), never
//! rounded silently; a value too large for its column is refused (`too_large`).

use crate::{Error, Result};
use rust_decimal::Decimal;

/// Decimal places kept in storage for money, quantities and percentages.
pub const SCALE: u32 = 4;
/// Decimal places kept for exchange rates.
pub const RATE_SCALE: u32 = 10;
/// Decimal places kept for unit prices and costs on documents.
pub const PRICE_SCALE: u32 = 6;

/// The minor units of an ISO 4217 currency (EUR 2, JPY 0, KWD 3); currencies without
/// minor units in the standard (gold, SDR) count 0. Unknown codes are a validation error.
pub fn minor_units(field: &str, currency: &str) -> Result<u32> {
    let c = iso_currency::Currency::from_code(currency).ok_or_else(|| Error::field(field, crate::FieldCode::InvalidCurrency))?;
    Ok(u32::from(c.exponent().unwrap_or(0)).min(SCALE))
}

/// Refuses `v` when it has more decimals than `currency`'s minor units.
pub fn check_money(field: &str, v: Decimal, currency: &str) -> Result<Decimal> {
    let units = minor_units(field, currency)?;
    let n = v.normalize();
    if n.scale() > units {
        return Err(Error::field(field, crate::FieldCode::TooManyDecimals.with("max", units)));
    }
    Ok(n)
}

/// `v` rounded to `currency`'s minor units, half away from zero (the default) or half
/// to even.
pub fn round_money(field: &str, v: Decimal, currency: &str, half_even: bool) -> Result<Decimal> {
    let units = minor_units(field, currency)?;
    let strategy = if half_even { rust_decimal::RoundingStrategy::MidpointNearestEven } else { rust_decimal::RoundingStrategy::MidpointAwayFromZero };
    Ok(v.round_dp_with_strategy(units, strategy).normalize())
}

/// A value stored at `scale`: refuses more decimals than `scale` and values too large.
pub fn to_db_at(field: &str, v: Decimal, scale: u32) -> Result<i64> {
    let n = v.normalize();
    if n.scale() > scale {
        return Err(Error::field(field, crate::FieldCode::TooManyDecimals.with("max", scale)));
    }
    crate::arith::to_scaled(field, n, scale)
}

/// A value stored at `scale` back to a decimal.
pub fn from_db_at(v: i64, scale: u32) -> Decimal {
    Decimal::new(v, scale).normalize()
}

/// An amount as stored: ten-thousandths. Refuses more than 4 decimal places (rather
/// than rounding silently) and amounts that do not fit.
pub fn to_db(field: &str, v: Decimal) -> Result<i64> {
    let n = v.normalize();
    if n.scale() > SCALE {
        return Err(Error::field(field, crate::FieldCode::TooManyDecimals.with("max", SCALE)));
    }
    let too_large = || Error::field(field, crate::FieldCode::TooLarge);
    let scaled = n.checked_mul(Decimal::from(10_i64.pow(SCALE))).ok_or_else(too_large)?;
    i64::try_from(scaled.trunc()).map_err(|_| too_large())
}

/// An amount from storage.
pub fn from_db(v: i64) -> Decimal {
    Decimal::new(v, SCALE).normalize()
}

/// Parses an amount typed by a person or read from a file ("1234.50", " 7 ").
pub fn parse(field: &str, s: &str) -> Result<Decimal> {
    s.trim().parse::<Decimal>().map_err(|_| Error::field(field, crate::FieldCode::InvalidDecimal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn round_trips_and_refuses_excess_precision() {
        let d = Decimal::from_str("1234.5678").unwrap();
        assert_eq!(to_db("x", d).unwrap(), 12_345_678);
        assert_eq!(from_db(12_345_678), d);
        assert_eq!(from_db(to_db("x", Decimal::from_str("-0.1").unwrap()).unwrap()).to_string(), "-0.1");
        assert!(to_db("x", Decimal::from_str("0.00001").unwrap()).is_err());
        assert!(to_db("x", Decimal::MAX).is_err());
    }

    #[test]
    fn each_kind_has_its_scale_and_edges() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // money by currency
        assert_eq!(minor_units("c", "EUR").unwrap(), 2);
        assert_eq!(minor_units("c", "JPY").unwrap(), 0);
        assert_eq!(minor_units("c", "KWD").unwrap(), 3);
        assert!(minor_units("c", "XXQ").is_err());
        assert!(check_money("a", d("10.01"), "EUR").is_ok());
        assert!(check_money("a", d("10.001"), "EUR").is_err());
        assert!(check_money("a", d("10.5"), "JPY").is_err());
        assert!(check_money("a", d("10.125"), "KWD").is_ok());
        assert_eq!(round_money("a", d("0.125"), "EUR", false).unwrap(), d("0.13"));
        assert_eq!(round_money("a", d("0.125"), "EUR", true).unwrap(), d("0.12"));
        assert_eq!(round_money("a", d("-0.125"), "EUR", false).unwrap(), d("-0.13"));
        assert_eq!(round_money("a", d("2.5"), "JPY", true).unwrap(), d("2"));
        // rates keep 10 decimals
        assert_eq!(to_db_at("r", d("0.006202"), RATE_SCALE).unwrap(), 62_020_000);
        assert_eq!(from_db_at(62_020_000, RATE_SCALE), d("0.006202"));
        assert!(to_db_at("r", d("0.00000000001"), RATE_SCALE).is_err());
        // prices keep 6
        assert_eq!(to_db_at("p", d("0.123456"), PRICE_SCALE).unwrap(), 123_456);
        assert!(to_db_at("p", d("0.1234567"), PRICE_SCALE).is_err());
        // the overflow edge of each scale: i64::MAX / 10^scale fits, one more does not
        for scale in [SCALE, RATE_SCALE, PRICE_SCALE] {
            let max = Decimal::from(i64::MAX) / Decimal::from(10_i64.pow(scale));
            let max = max.trunc();
            assert!(to_db_at("x", max, scale).is_ok(), "scale {scale}");
            assert_eq!(to_db_at("x", max + Decimal::ONE, scale).unwrap_err().fields()[0].code, crate::FieldCode::TooLarge);
        }
    }
}
