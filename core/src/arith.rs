//! Checked arithmetic on amounts and quantities.
//!
//! Every sum, product or quotient of user-supplied decimals goes through these helpers:
//! `rust_decimal`'s operators panic on overflow, and a panic reachable from input is a
//! bug. Each helper names the field the result belongs to, so an overflow reaches the
//! caller as a `validation` error beside that field ("cost: is too large"), and nothing
//! is written.
//!
//! ```
//! use cora_core::arith;
//! use rust_decimal::Decimal;
//! let total = arith::mul("total", Decimal::from(3), Decimal::new(1250, 2)).unwrap();
//! assert_eq!(total, Decimal::new(3750, 2));
//! assert_eq!(arith::mul("total", Decimal::MAX, Decimal::TWO).unwrap_err().fields()[0].field, "total");
//! ```

use crate::{Error, Result};
use rust_decimal::Decimal;

fn too_large(field: &str) -> Error {
    Error::field(field, crate::FieldCode::TooLarge)
}

/// `a + b`, or a validation error on `field` when it does not fit.
pub fn add(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| too_large(field))
}

/// `a - b`, or a validation error on `field` when it does not fit.
pub fn sub(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(|| too_large(field))
}

/// `a × b`, or a validation error on `field` when it does not fit.
pub fn mul(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(|| too_large(field))
}

/// `a ÷ b`: a validation error on `field` for a zero divisor or a quotient that does not fit.
pub fn div(field: &str, a: Decimal, b: Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(Error::field(field, crate::FieldCode::DivisionByZero));
    }
    a.checked_div(b).ok_or_else(|| too_large(field))
}

/// The sum of `values`, checked at every step.
pub fn sum(field: &str, values: impl IntoIterator<Item = Decimal>) -> Result<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, |acc, v| add(field, acc, v))
}

/// `v` as an integer of `scale` decimal places (storage form), rounding half away from
/// zero; a validation error on `field` when it does not fit in an `i64`.
pub fn to_scaled(field: &str, v: Decimal, scale: u32) -> Result<i64> {
    let factor = 10_i64.checked_pow(scale).ok_or_else(|| too_large(field))?;
    let scaled = mul(field, v, Decimal::from(factor))?.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(scaled).map_err(|_| too_large(field))
}

/// A stored integer of `scale` decimal places back to a decimal.
pub fn from_scaled(v: i64, scale: u32) -> Decimal {
    Decimal::new(v, scale).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_a_validation_error_naming_the_field() {
        for r in [add("a", Decimal::MAX, Decimal::ONE), sub("s", Decimal::MIN, Decimal::ONE), mul("m", Decimal::MAX, Decimal::MAX), div("d", Decimal::MAX, Decimal::new(1, 28))] {
            let e = r.unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::Validation);
            assert_eq!(e.fields().len(), 1);
        }
        assert_eq!(div("q", Decimal::ONE, Decimal::ZERO).unwrap_err().fields()[0].field, "q");
        assert_eq!(sum("t", [Decimal::MAX, Decimal::ONE]).unwrap_err().fields()[0].field, "t");
        assert_eq!(sum("t", [Decimal::ONE, Decimal::TWO]).unwrap(), Decimal::from(3));
    }

    #[test]
    fn scaled_round_trip_and_limits() {
        assert_eq!(to_scaled("x", Decimal::new(12345, 3), 2).unwrap(), 1235);
        assert_eq!(to_scaled("x", Decimal::new(-12345, 3), 2).unwrap(), -1235);
        assert_eq!(from_scaled(1235, 2), Decimal::new(1235, 2));
        assert!(to_scaled("x", Decimal::from(i64::MAX), 4).is_err());
        assert!(to_scaled("x", Decimal::MAX, 0).is_err());
    }
}
