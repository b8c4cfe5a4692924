//! The one computation of a trade document's amounts: each line's amount, then the
//! document's taxes and totals through [`crate::accounting::tax::compute_with`]. The
//! order, the invoice, the posting and the printed document all use it, so the totals
//! shown are the totals posted, and `net + tax + rounding = total` always.

use crate::accounting::model::{RoundingMode, Tax, TaxComputation, TaxId, TaxLineInput, TaxRounding};
use crate::{Result, arith, money};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Basis points in one percent.
pub const BP_PER_PERCENT: i64 = 100;
/// Basis points in a whole (100 %).
pub const BP_WHOLE: i64 = 10_000;

/// A line's amount before tax: quantity × unit price × (1 − discount), rounded once to the
/// currency's minor units by the company's half rule. `discount_bp` is in basis points.
pub fn line_amount(field: &str, quantity: Decimal, unit_price: Decimal, discount_bp: i64, currency: &str, half_even: bool) -> Result<Decimal> {
    let gross = arith::mul(field, quantity, unit_price)?;
    let keep = Decimal::new(BP_WHOLE - discount_bp.clamp(0, BP_WHOLE), 4);
    money::round_money(field, arith::mul(field, gross, keep)?, currency, half_even)
}

/// One line to total: its quantity, price, discount and taxes.
#[derive(Debug, Clone)]
pub struct Priced {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount_bp: i64,
    pub tax_ids: Vec<TaxId>,
}

/// The document's computation: per line net, tax and gross, per tax totals, and the
/// totals, under the rule given.
pub fn compute(currency: &str, lines: &[Priced], taxes: &BTreeMap<TaxId, Tax>, rule: TaxRounding, mode: RoundingMode) -> Result<TaxComputation> {
    let half_even = mode == RoundingMode::HalfEven;
    let mut inputs = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let amount = line_amount(&format!("lines.{i}.quantity"), l.quantity, l.unit_price, l.discount_bp, currency, half_even)?;
        inputs.push(TaxLineInput { amount, tax_ids: l.tax_ids.clone() });
    }
    crate::accounting::tax::compute_with(currency, &inputs, taxes, rule, mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounting::model::TaxKind;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn vat(id: i64, rate: &str, included: bool) -> Tax {
        Tax {
            id: TaxId(id),
            code: format!("T{id}"),
            name: "VAT".into(),
            kind: TaxKind::Sales,
            rate: d(rate),
            price_included: included,
            collected_account_id: None,
            paid_account_id: None,
            archived: false,
        }
    }

    #[test]
    fn a_line_is_rounded_once_after_its_discount() {
        // 3 × 19.99 × (1 − 12.5 %) = 52.473750 → 52.47
        assert_eq!(line_amount("q", d("3"), d("19.99"), 1250, "EUR", false).unwrap(), d("52.47"));
        // 0.5 × 0.05 = 0.025: half up → 0.03, half even → 0.02
        assert_eq!(line_amount("q", d("0.5"), d("0.05"), 0, "EUR", false).unwrap(), d("0.03"));
        assert_eq!(line_amount("q", d("0.5"), d("0.05"), 0, "EUR", true).unwrap(), d("0.02"));
        // JPY has no minor units.
        assert_eq!(line_amount("q", d("3"), d("333.5"), 0, "JPY", false).unwrap(), d("1001"));
        // 100 % discount is a free line.
        assert_eq!(line_amount("q", d("3"), d("9.99"), BP_WHOLE, "EUR", false).unwrap(), d("0"));
    }

    #[test]
    fn the_totals_add_up_under_every_rule() {
        let mut taxes = BTreeMap::new();
        taxes.insert(TaxId(1), vat(1, "19", false));
        taxes.insert(TaxId(2), vat(2, "7", false));
        let lines = vec![
            Priced { quantity: d("3"), unit_price: d("0.33"), discount_bp: 0, tax_ids: vec![TaxId(1)] },
            Priced { quantity: d("7"), unit_price: d("1.15"), discount_bp: 500, tax_ids: vec![TaxId(1)] },
            Priced { quantity: d("1"), unit_price: d("10.05"), discount_bp: 0, tax_ids: vec![TaxId(2)] },
            Priced { quantity: d("2"), unit_price: d("4"), discount_bp: 0, tax_ids: vec![] },
        ];
        for rule in [TaxRounding::Line, TaxRounding::Document] {
            for mode in [RoundingMode::HalfUp, RoundingMode::HalfEven] {
                let c = compute("EUR", &lines, &taxes, rule, mode).unwrap();
                assert_eq!(c.net + c.tax + c.rounding, c.total, "{rule:?} {mode:?}");
                // 0.99 + 7.65 (8.05 × 0.95 = 7.6475) + 10.05 + 8.00
                assert_eq!(c.net, d("26.69"));
            }
        }
        let c = compute("EUR", &lines, &taxes, TaxRounding::Line, RoundingMode::HalfUp).unwrap();
        // 19 % of 0.99 = 0.1881 → 0.19; of 7.65 = 1.4535 → 1.45; 7 % of 10.05 = 0.7035 → 0.70
        assert_eq!(c.tax, d("2.34"));
        assert_eq!(c.total, d("29.03"));
        // Document rule: 19 % of 8.64 = 1.6416 → 1.64; 0.70
        let c = compute("EUR", &lines, &taxes, TaxRounding::Document, RoundingMode::HalfUp).unwrap();
        assert_eq!(c.tax, d("2.34"));
        let mut inc = BTreeMap::new();
        inc.insert(TaxId(3), vat(3, "20", true));
        let lines = vec![Priced { quantity: d("1"), unit_price: d("9.99"), discount_bp: 0, tax_ids: vec![TaxId(3)] }; 3];
        let c = compute("EUR", &lines, &inc, TaxRounding::Document, RoundingMode::HalfUp).unwrap();
        assert_eq!(c.total, d("29.97"));
        assert_eq!(c.net + c.tax + c.rounding, c.total);
    }

    #[test]
    fn overflow_is_a_validation_error_naming_the_field() {
        let e = line_amount("lines.0.quantity", Decimal::MAX, d("2"), 0, "EUR", false).unwrap_err();
        assert_eq!(e.fields()[0].field, "lines.0.quantity");
    }
}
