//! Taxes, tax groups, and the one tax computation every document uses.
//!
//! [`compute`] applies the company's declared rule: tax rounded per line or once per tax
//! on the document, half-up or half-even, to the currency's minor units. Whatever the
//! rule, `net + tax + rounding = total` holds exactly (EN 16931 BT-114): with taxes
//! included in the price, the document rule can leave a cent between the gross total
//! and the rounded net and tax, and it goes on the explicit `rounding` amount.

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, arith, keys, money};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::BTreeMap;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn tax_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Tax> {
    Ok(Tax {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        rate: money::from_db(r.get(4)?),
        price_included: r.get(5)?,
        collected_account_id: r.get(6)?,
        paid_account_id: r.get(7)?,
        archived: r.get(8)?,
    })
}

const TAX_COLS: &str = "id, code, name, kind, rate, price_included, collected_account_id, paid_account_id, archived";

pub fn get_tax(db: &Connection, t: &TenantCtx, id: TaxId) -> Result<Tax> {
    db.prepare_cached(&format!("SELECT {TAX_COLS} FROM taxes WHERE tenant_id = ?1 AND id = ?2"))?
        .query_row(params![t.tenant_id(), id], tax_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("tax", id))
}

pub fn list(ctx: &mut Ctx<'_>, a: crate::command::ArchivedArg) -> Result<Vec<Tax>> {
    let t = ctx.tenant()?;
    let mut st = ctx.db().prepare_cached(&format!("SELECT {TAX_COLS} FROM taxes WHERE tenant_id = ?1 AND (?2 OR NOT archived) ORDER BY kind DESC, code"))?;
    let rows = st.query_map(params![t.tenant_id(), a.include_archived.unwrap_or(false)], tax_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn check_tax(db: &Connection, t: &TenantCtx, a: &TaxInput, id: Option<TaxId>) -> Result<(TaxInput, i64)> {
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 20);
    let name = c.required("name", &a.name, 200);
    let rate = if a.rate.is_sign_negative() && !a.rate.is_zero() {
        c.push("rate", FieldCode::Negative);
        0
    } else if a.rate > HUNDRED {
        c.push("rate", FieldCode::OutOfRange.with("min", 0).with("max", 100));
        0
    } else {
        match money::to_db("rate", a.rate) {
            Ok(v) => v,
            Err(e) => {
                c.errors.extend(e.fields().iter().cloned());
                0
            }
        }
    };
    let (need, field) = match a.kind {
        TaxKind::Sales => (a.collected_account_id, "collected_account_id"),
        TaxKind::Purchase => (a.paid_account_id, "paid_account_id"),
    };
    if need.is_none() {
        c.push(field, FieldCode::Required);
    }
    for (f, acc) in [("collected_account_id", a.collected_account_id), ("paid_account_id", a.paid_account_id)] {
        if let Some(id) = acc {
            match super::chart::get_account(db, t, id) {
                Ok(x) if x.is_group => c.push(f, FieldCode::AccountIsGroup.with("code", &x.code)),
                Ok(_) => {}
                Err(_) => c.push(f, FieldCode::NotFound.with("entity", "account")),
            }
        }
    }
    c.finish()?;
    let other: Option<TaxId> = db.prepare_cached("SELECT id FROM taxes WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(&code)], |r| r.get(0)).optional()?;
    if other.is_some() && other != id {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "tax").with("value", &code)));
    }
    Ok((TaxInput { code, name, ..a.clone() }, rate))
}

pub fn insert_tax(db: &Connection, t: &TenantCtx, a: &TaxInput, now: chrono::DateTime<chrono::Utc>) -> Result<TaxId> {
    let (a, rate) = check_tax(db, t, a, None)?;
    db.prepare_cached(
        "INSERT INTO taxes (tenant_id, code, code_key, name, kind, rate, price_included, collected_account_id, paid_account_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![t.tenant_id(), a.code, keys::fold(&a.code), a.name, a.kind, rate, a.price_included.unwrap_or(false), a.collected_account_id, a.paid_account_id, now])?;
    Ok(TaxId(db.last_insert_rowid()))
}

pub fn create(ctx: &mut Ctx<'_>, a: TaxInput) -> Result<Tax> {
    let t = ctx.tenant()?;
    super::chart::require_chart(ctx.db(), &t)?;
    let id = insert_tax(ctx.db(), &t, &a, ctx.now)?;
    ctx.audit("tax", id, json!({"code": a.code, "rate": a.rate}));
    get_tax(ctx.db(), &t, id)
}

/// A tax that posted lines keeps its rate and kind (history would change meaning):
/// make a new tax instead.
pub fn update(ctx: &mut Ctx<'_>, a: UpdateTaxArgs) -> Result<Tax> {
    let t = ctx.tenant()?;
    let old = get_tax(ctx.db(), &t, a.id)?;
    let (new, rate) = check_tax(ctx.db(), &t, &a.tax, Some(a.id))?;
    let used = ctx.db().prepare_cached("SELECT 1 FROM journal_lines WHERE tenant_id = ?1 AND tax_id = ?2 LIMIT 1")?.exists(params![t.tenant_id(), a.id])?;
    if used && (money::from_db(rate) != old.rate || new.kind != old.kind || new.price_included.unwrap_or(false) != old.price_included) {
        return Err(Error::conflict("rate", FieldCode::TaxUsed));
    }
    ctx.db()
        .prepare_cached(
            "UPDATE taxes SET code = ?3, code_key = ?4, name = ?5, kind = ?6, rate = ?7, price_included = ?8, collected_account_id = ?9, paid_account_id = ?10,
                    updated_at = ?11 WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![
            t.tenant_id(),
            a.id,
            new.code,
            keys::fold(&new.code),
            new.name,
            new.kind,
            rate,
            new.price_included.unwrap_or(false),
            new.collected_account_id,
            new.paid_account_id,
            ctx.now
        ])?;
    let fresh = get_tax(ctx.db(), &t, a.id)?;
    ctx.audit("tax", a.id, crate::audit::changes(&old, &fresh));
    Ok(fresh)
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: crate::command::SetArchivedArg<TaxId>) -> Result<Tax> {
    let t = ctx.tenant()?;
    let old = get_tax(ctx.db(), &t, a.id)?;
    ctx.db().prepare_cached("UPDATE taxes SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("tax", a.id, json!({"archived": [old.archived, a.archived]}));
    get_tax(ctx.db(), &t, a.id)
}

// ---------------------------------------------------------------- groups

fn get_group(db: &Connection, t: &TenantCtx, id: TaxGroupId) -> Result<TaxGroup> {
    let mut g = db
        .prepare_cached("SELECT id, code, name, kind, archived FROM tax_groups WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| Ok(TaxGroup { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, kind: r.get(3)?, archived: r.get(4)?, tax_ids: vec![] }))
        .optional()?
        .ok_or_else(|| Error::not_found("tax_group", id))?;
    g.tax_ids = db
        .prepare_cached("SELECT tax_id FROM tax_group_members WHERE tenant_id = ?1 AND group_id = ?2 ORDER BY position")?
        .query_map(params![t.tenant_id(), id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(g)
}

pub fn list_groups(ctx: &mut Ctx<'_>) -> Result<Vec<TaxGroup>> {
    let t = ctx.tenant()?;
    let ids: Vec<TaxGroupId> =
        ctx.db().prepare_cached("SELECT id FROM tax_groups WHERE tenant_id = ?1 ORDER BY code")?.query_map([t.tenant_id()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_group(ctx.db(), &t, id)).collect()
}

fn save_group(ctx: &mut Ctx<'_>, id: Option<TaxGroupId>, a: &TaxGroupInput) -> Result<TaxGroup> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 20);
    let name = c.required("name", &a.name, 200);
    if a.tax_ids.is_empty() {
        c.push("tax_ids", FieldCode::Required);
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, tid) in a.tax_ids.iter().enumerate() {
        let f = format!("tax_ids.{i}");
        if !seen.insert(*tid) {
            c.push(&f, FieldCode::Repeated);
            continue;
        }
        match get_tax(db, &t, *tid) {
            Ok(tax) if tax.kind != a.kind => c.push(&f, FieldCode::TaxKindMismatch.with("kind", a.kind.as_str())),
            Ok(_) => {}
            Err(_) => c.push(&f, FieldCode::NotFound.with("entity", "tax")),
        }
    }
    c.finish()?;
    let other: Option<TaxGroupId> =
        db.prepare_cached("SELECT id FROM tax_groups WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(&code)], |r| r.get(0)).optional()?;
    if other.is_some() && other != id {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "tax_group").with("value", &code)));
    }
    let id = match id {
        Some(id) => {
            db.prepare_cached("UPDATE tax_groups SET code = ?3, code_key = ?4, name = ?5, kind = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
                .execute(params![t.tenant_id(), id, code, keys::fold(&code), name, a.kind, ctx.now])?;
            db.prepare_cached("DELETE FROM tax_group_members WHERE tenant_id = ?1 AND group_id = ?2")?.execute(params![t.tenant_id(), id])?;
            id
        }
        None => {
            db.prepare_cached("INSERT INTO tax_groups (tenant_id, code, code_key, name, kind, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")?
                .execute(params![t.tenant_id(), code, keys::fold(&code), name, a.kind, ctx.now])?;
            TaxGroupId(db.last_insert_rowid())
        }
    };
    let mut st = db.prepare_cached("INSERT INTO tax_group_members (tenant_id, group_id, position, tax_id) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, tid) in a.tax_ids.iter().enumerate() {
        st.execute(params![t.tenant_id(), id, i as i64, tid])?;
    }
    ctx.audit("tax_group", id, json!({"code": code, "taxes": a.tax_ids}));
    get_group(ctx.db(), &t, id)
}

pub fn create_group(ctx: &mut Ctx<'_>, a: TaxGroupInput) -> Result<TaxGroup> {
    save_group(ctx, None, &a)
}

pub fn update_group(ctx: &mut Ctx<'_>, a: UpdateTaxGroupArgs) -> Result<TaxGroup> {
    let t = ctx.tenant()?;
    get_group(ctx.db(), &t, a.id)?;
    save_group(ctx, Some(a.id), &a.group)
}

// ---------------------------------------------------------------- seed

/// The template's example taxes (examples, not any country's law).
pub(crate) fn seed(db: &Connection, t: &TenantCtx, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let acc = |code: &str| super::chart::get_id_by_code(db, t, code);
    let examples: [(&str, &str, TaxKind, i64, &str); 6] = [
        ("S20", "Sales tax 20%", TaxKind::Sales, 20, "2100"),
        ("S10", "Sales tax 10% (reduced)", TaxKind::Sales, 10, "2110"),
        ("S0", "Sales exempt 0%", TaxKind::Sales, 0, "2100"),
        ("P20", "Purchase tax 20%", TaxKind::Purchase, 20, "1450"),
        ("P10", "Purchase tax 10% (reduced)", TaxKind::Purchase, 10, "1460"),
        ("P0", "Purchase exempt 0%", TaxKind::Purchase, 0, "1450"),
    ];
    for (code, name, kind, rate, account) in examples {
        let Some(account) = acc(account)? else { continue };
        let input = TaxInput {
            code: code.into(),
            name: name.into(),
            kind,
            rate: Decimal::from(rate),
            price_included: Some(false),
            collected_account_id: (kind == TaxKind::Sales).then_some(account),
            paid_account_id: (kind == TaxKind::Purchase).then_some(account),
        };
        insert_tax(db, t, &input, now)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- computation

/// The company's rounding rule.
pub fn rule(db: &Connection, t: &TenantCtx) -> Result<(TaxRounding, RoundingMode)> {
    let s = super::chart::get_settings(db, t)?;
    Ok((s.tax_rounding, s.tax_rounding_mode))
}

/// Computes a document's taxes under the company's rule (see the module doc).
pub fn compute(db: &Connection, t: &TenantCtx, currency: &str, lines: &[TaxLineInput]) -> Result<TaxComputation> {
    let (rule, mode) = rule(db, t)?;
    let mut taxes = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        for (k, id) in l.tax_ids.iter().enumerate() {
            if let std::collections::btree_map::Entry::Vacant(e) = taxes.entry(*id) {
                let tax = get_tax(db, t, *id).map_err(|_| Error::field(format!("lines.{i}.tax_ids.{k}"), FieldCode::NotFound.with("entity", "tax")))?;
                e.insert(tax);
            }
        }
    }
    compute_with(currency, lines, &taxes, rule, mode)
}

/// The computation itself, on taxes already loaded (pure: the unit tests call it).
pub fn compute_with(currency: &str, lines: &[TaxLineInput], taxes: &BTreeMap<TaxId, Tax>, rule: TaxRounding, mode: RoundingMode) -> Result<TaxComputation> {
    let half_even = mode == RoundingMode::HalfEven;
    let round = |field: &str, v: Decimal| money::round_money(field, v, currency, half_even);
    let mut out_lines = Vec::with_capacity(lines.len());
    // Per tax: base, unrounded sum, per-line rounded sum.
    let mut per_tax: BTreeMap<TaxId, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    let (mut gross_included, mut net_excluded) = (Decimal::ZERO, Decimal::ZERO);
    let mut net_total = Decimal::ZERO;
    for (i, l) in lines.iter().enumerate() {
        let f = format!("lines.{i}.amount");
        let ts: Vec<&Tax> = l.tax_ids.iter().filter_map(|id| taxes.get(id)).collect();
        let included = ts.iter().any(|x| x.price_included);
        if included && ts.iter().any(|x| !x.price_included) {
            return Err(Error::field(format!("lines.{i}.tax_ids"), FieldCode::MixedPriceIncluded));
        }
        let amount = round(&f, l.amount)?;
        let rate_sum = arith::sum(&f, ts.iter().map(|x| x.rate))?;
        let net_exact = if included { arith::div(&f, arith::mul(&f, amount, HUNDRED)?, arith::add(&f, HUNDRED, rate_sum)?)? } else { amount };
        let mut line_tax = Decimal::ZERO;
        let mut line_taxes = Vec::new();
        for x in &ts {
            let exact = arith::div(&f, arith::mul(&f, net_exact, x.rate)?, HUNDRED)?;
            let rounded = round(&f, exact)?;
            line_taxes.push((x.id, exact, rounded));
            line_tax = arith::add(&f, line_tax, if rule == TaxRounding::Line { rounded } else { exact })?;
        }
        let net = if included && rule == TaxRounding::Line {
            arith::sub(&f, amount, line_tax)?
        } else {
            round(&f, net_exact)?
        };
        for (id, exact, rounded) in line_taxes {
            let e = per_tax.entry(id).or_default();
            e.0 = arith::add(&f, e.0, net)?;
            e.1 = arith::add(&f, e.1, exact)?;
            e.2 = arith::add(&f, e.2, rounded)?;
        }
        if included {
            gross_included = arith::add(&f, gross_included, amount)?;
        } else {
            net_excluded = arith::add(&f, net_excluded, amount)?;
        }
        net_total = arith::add(&f, net_total, net)?;
        let gross = if included { amount } else { arith::add(&f, amount, line_tax)? };
        out_lines.push(TaxLineResult { net, tax: line_tax, gross });
    }
    let mut totals = Vec::new();
    let (mut tax_total, mut tax_excluded) = (Decimal::ZERO, Decimal::ZERO);
    for (id, (base, exact, rounded_sum)) in per_tax {
        let amount = match rule {
            TaxRounding::Line => rounded_sum,
            TaxRounding::Document => round("tax", exact)?,
        };
        tax_total = arith::add("tax", tax_total, amount)?;
        if !taxes.get(&id).is_some_and(|x| x.price_included) {
            tax_excluded = arith::add("tax", tax_excluded, amount)?;
        }
        totals.push(TaxTotal { tax_id: id, base, amount });
    }
    let total = arith::add("total", arith::add("total", gross_included, net_excluded)?, tax_excluded)?;
    let rounding = arith::sub("rounding", arith::sub("rounding", total, net_total)?, tax_total)?;
    for l in &mut out_lines {
        (l.net, l.tax, l.gross) = (l.net.normalize(), l.tax.normalize(), l.gross.normalize());
    }
    for x in &mut totals {
        (x.base, x.amount) = (x.base.normalize(), x.amount.normalize());
    }
    Ok(TaxComputation {
        lines: out_lines,
        taxes: totals,
        net: net_total.normalize(),
        tax: tax_total.normalize(),
        rounding: rounding.normalize(),
        total: total.normalize(),
        rule,
        mode,
    })
}

pub fn compute_command(ctx: &mut Ctx<'_>, a: ComputeTaxesArgs) -> Result<TaxComputation> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let cur = c.currency("currency", &a.currency);
    c.finish()?;
    compute(ctx.db(), &t, &cur, &a.lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn taxes(rate: &str, included: bool) -> BTreeMap<TaxId, Tax> {
        let mut m = BTreeMap::new();
        m.insert(
            TaxId(1),
            Tax {
                id: TaxId(1),
                code: "T".into(),
                name: "T".into(),
                kind: TaxKind::Sales,
                rate: d(rate),
                price_included: included,
                collected_account_id: None,
                paid_account_id: None,
                archived: false,
            },
        );
        m
    }

    fn lines(amounts: &[&str]) -> Vec<TaxLineInput> {
        amounts.iter().map(|a| TaxLineInput { amount: d(a), tax_ids: vec![TaxId(1)] }).collect()
    }

    #[test]
    fn akaunting_three_lines_of_0_83_at_20_percent() {
        let t = taxes("20", false);
        let l = lines(&["0.83", "0.83", "0.83"]);
        let per_line = compute_with("EUR", &l, &t, TaxRounding::Line, RoundingMode::HalfUp).unwrap();
        assert_eq!(per_line.tax, d("0.51"));
        assert_eq!(per_line.total, d("3.00"));
        let per_doc = compute_with("EUR", &l, &t, TaxRounding::Document, RoundingMode::HalfUp).unwrap();
        assert_eq!(per_doc.tax, d("0.50"));
        assert_eq!(per_doc.total, d("2.99"));
        for c in [per_line, per_doc] {
            assert_eq!(c.net + c.tax + c.rounding, c.total);
            assert_eq!(c.rounding, Decimal::ZERO);
        }
    }

    #[test]
    fn included_taxes_put_the_cent_on_the_rounding_line() {
        let t = taxes("20", true);
        let l = lines(&["1.00", "1.00", "1.00"]);
        let doc = compute_with("EUR", &l, &t, TaxRounding::Document, RoundingMode::HalfUp).unwrap();
        assert_eq!((doc.net, doc.tax, doc.rounding, doc.total), (d("2.49"), d("0.50"), d("0.01"), d("3.00")));
        let line = compute_with("EUR", &l, &t, TaxRounding::Line, RoundingMode::HalfUp).unwrap();
        assert_eq!((line.net, line.tax, line.rounding, line.total), (d("2.49"), d("0.51"), d("0"), d("3.00")));
    }

    #[test]
    fn half_even_and_half_up_differ_on_the_midpoint() {
        let t = taxes("10", false);
        let l = lines(&["0.25"]); // tax 0.025
        assert_eq!(compute_with("EUR", &l, &t, TaxRounding::Line, RoundingMode::HalfUp).unwrap().tax, d("0.03"));
        assert_eq!(compute_with("EUR", &l, &t, TaxRounding::Line, RoundingMode::HalfEven).unwrap().tax, d("0.02"));
        // JPY has no minor units
        let l = lines(&["105"]);
        assert_eq!(compute_with("JPY", &l, &t, TaxRounding::Line, RoundingMode::HalfEven).unwrap().tax, d("10"));
    }

    #[test]
    fn overflow_is_a_validation_error() {
        let t = taxes("20", false);
        let l = lines(&["79228162514264337593543950335"]);
        let e = compute_with("EUR", &l, &t, TaxRounding::Line, RoundingMode::HalfUp).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Validation);
    }
}
