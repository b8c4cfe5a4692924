//! Checks the catalog's commands and its import share: names, SKUs, barcodes, amounts,
//! quantities and factors, each pushing its field error into a [`Checker`].

use crate::error::FieldCode;
use crate::catalog::model::*;
use crate::list::{ListPlan, ListQuery};
use crate::validate::Checker;
use crate::{Error, Result, arith, money};
use rust_decimal::Decimal;

/// Characters that would make a category path, or an attribute line in a CSV, ambiguous.
const CATEGORY_FORBIDDEN: &[char] = &['/'];
const ATTRIBUTE_FORBIDDEN: &[char] = &[',', ';', ':', '(', ')', '='];

pub(crate) fn check_category_name(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.required(field, v, 100);
    if v.contains(CATEGORY_FORBIDDEN) {
        c.push(field, FieldCode::ContainsPathSeparator);
    }
    v
}

pub(crate) fn check_attribute_name(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.required(field, v, 50);
    if v.contains(ATTRIBUTE_FORBIDDEN) {
        c.push(field, FieldCode::ReservedCharacters);
    }
    v
}

pub(crate) fn check_sku(c: &mut Checker, field: &str, v: &str) -> String {
    c.code(field, v, 64)
}

/// True when `code` is an EAN-13 or UPC-A (12 digits) with a correct GS1 check digit.
pub fn valid_gtin(code: &str) -> bool {
    if !(code.len() == 12 || code.len() == 13) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    // From the right, excluding the check digit, weights alternate 3, 1, 3, ...
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    (10 - sum % 10) % 10 == check[0]
}

pub(crate) fn check_barcode(c: &mut Checker, field: &str, v: &str) -> Option<String> {
    let v: String = v.trim().chars().filter(|ch| *ch != ' ' && *ch != '-').collect();
    if v.is_empty() {
        return None;
    }
    if !(v.len() == 12 || v.len() == 13) || !v.bytes().all(|b| b.is_ascii_digit()) {
        c.push(field, FieldCode::InvalidBarcode);
    } else if !valid_gtin(&v) {
        c.push(field, FieldCode::WrongCheckDigit);
    }
    Some(v)
}

/// `v` when it has at most `scale` decimals, lies below [`MAX_AMOUNT`] in size and is not
/// negative (unless allowed); otherwise pushes the error and gives `None`.
fn check_bounds(c: &mut Checker, field: &str, v: Decimal, scale: u32, allow_negative: bool) -> Option<Decimal> {
    let n = v.normalize();
    if n.scale() > scale {
        c.push(field, FieldCode::TooManyDecimals.with("max", scale));
        return None;
    }
    if !allow_negative && n.is_sign_negative() && !n.is_zero() {
        c.push(field, FieldCode::Negative);
        return None;
    }
    if n.abs() >= Decimal::from(MAX_AMOUNT) {
        c.push(field, FieldCode::TooLarge);
        return None;
    }
    Some(n)
}

/// The stored form of a checked value, or zero with the error pushed.
fn stored(c: &mut Checker, r: Result<i64>) -> i64 {
    r.unwrap_or_else(|e| {
        c.errors.extend(e.fields().iter().cloned());
        0
    })
}

/// A price or cost, as stored (`money::to_db`).
pub(crate) fn check_money(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    check_bounds(c, field, v, MONEY_SCALE, false).map(|n| stored(c, money::to_db(field, n))).unwrap_or(0)
}

/// A price extra: money that may be negative.
pub(crate) fn check_price_extra(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    check_bounds(c, field, v, MONEY_SCALE, true).map(|n| stored(c, money::to_db(field, n))).unwrap_or(0)
}

/// A quantity greater than zero, as stored.
pub(crate) fn check_quantity(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    positive(c, field, v, QTY_SCALE)
}

/// A unit's conversion factor, greater than zero, as stored.
pub(crate) fn check_factor(c: &mut Checker, field: &str, v: Decimal) -> i64 {
    positive(c, field, v, FACTOR_SCALE)
}

fn positive(c: &mut Checker, field: &str, v: Decimal, scale: u32) -> i64 {
    let Some(n) = check_bounds(c, field, v, scale, false) else { return 0 };
    let q = stored(c, arith::to_scaled(field, n, scale));
    if q == 0 && c.errors.iter().all(|e| e.field != field) {
        c.push(field, FieldCode::NotPositive);
    }
    q
}

/// Parses a number as typed in a file ("12.50"); pushes an error and gives zero when it is not one.
pub(crate) fn parse_decimal(c: &mut Checker, field: &str, s: &str) -> Decimal {
    match s.trim().parse::<Decimal>() {
        Ok(d) => d,
        Err(_) => {
            c.push(field, FieldCode::InvalidDecimal);
            Decimal::ZERO
        }
    }
}

pub(crate) fn plan(q: &Option<ListQuery>, sorts: &[crate::list::Sort]) -> Result<ListPlan> {
    ListPlan::new(&q.clone().unwrap_or_default(), sorts)
}

/// A reference to a row that must exist in this company, reported against the arg's field.
pub(crate) fn must_exist<T>(r: Result<T>, field: &str, what: &str) -> Result<T> {
    match r {
        Err(Error::NotFound { .. }) => Err(Error::field(field, FieldCode::NotFound.with("entity", what))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits() {
        assert!(valid_gtin("4006381333931")); // EAN-13
        assert!(valid_gtin("036000291452")); // UPC-A
        assert!(!valid_gtin("4006381333932"));
        assert!(!valid_gtin("036000291453"));
        assert!(!valid_gtin("40063813339"));
        assert!(!valid_gtin("400638133393a"));
    }
}
