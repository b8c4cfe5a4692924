//! Exact amounts. In Rust every amount and quantity is a `Decimal`; on the wire it is a
//! string; in SQLite it is an INTEGER of ten-thousandths (scale 4), so `SUM()` is exact.

use crate::{Error, Result};
use rust_decimal::Decimal;

/// Decimal places kept in storage.
pub const SCALE: u32 = 4;

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
}
