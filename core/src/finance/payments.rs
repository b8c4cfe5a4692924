//! Payments: received from customers, paid to suppliers, and refunds either way. A
//! payment is posted when made (bank or cash line against the partner's control
//! account) and allocated to open items through [`super::items::allocate`]; what is not
//! allocated stays as the partner's credit. Cancelling unallocates and reverses it.

use super::items;
use super::model::*;
use crate::accounting::model::{AccountId, EntryDraft, LineDraft, Source};
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Reason, Result, arith, money};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde_json::json;

pub(crate) fn control_account(db: &Connection, t: &TenantCtx, side: PartnerSide) -> Result<AccountId> {
    let s = crate::accounting::chart::get_settings(db, t)?;
    match side {
        PartnerSide::Customer => s.defaults.receivable.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "receivable"))),
        PartnerSide::Supplier => s.defaults.payable.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "payable"))),
    }
}

pub fn create(ctx: &mut Ctx<'_>, a: PaymentInput) -> Result<Payment> {
    let key = a.idempotency_key.clone();
    crate::trade::idem::once(ctx, key.as_deref(), "finance.create_payment", |ctx| create_now(ctx, a))
}

fn create_now(ctx: &mut Ctx<'_>, a: PaymentInput) -> Result<Payment> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let acc = super::bank::facts(db, &t, a.bank_account_id)?;
    if acc.archived {
        return Err(Error::field("bank_account_id", FieldCode::Archived));
    }
    if !db.prepare_cached("SELECT 1 FROM partners WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), a.partner_id])? {
        return Err(Error::field("partner_id", FieldCode::NotFound));
    }
    let amount = money::check_money("amount", a.amount, &acc.currency)?;
    if amount <= Decimal::ZERO {
        return Err(Error::field("amount", FieldCode::NotPositive));
    }
    let direction = a.direction.unwrap_or(match a.partner_side {
        PartnerSide::Customer => Direction::In,
        PartnerSide::Supplier => Direction::Out,
    });
    let base_ccy = crate::accounting::chart::base_currency(db, &t)?;
    let (base, rate) = super::bank::to_base(db, &t, "amount", amount, &acc.currency, a.date, a.rate)?;
    let control = control_account(db, &t, a.partner_side)?;
    let signed = if direction == Direction::In { amount } else { -amount };
    let foreign = acc.currency != base_ccy;
    let mut lines = vec![super::bank::bank_line(&acc, &base_ccy, signed, base, a.memo.trim())];
    let partner_line = |amt: Decimal, b: Decimal, text: &str| LineDraft {
        account_id: Some(control),
        partner_id: Some(a.partner_id),
        description: text.into(),
        debit: if amt > Decimal::ZERO { b } else { Decimal::ZERO },
        credit: if amt > Decimal::ZERO { Decimal::ZERO } else { b },
        currency: if foreign { Some(acc.currency.clone()) } else { None },
        amount_currency: if foreign { Some(amt) } else { None },
        tax_id: None,
        tax_base: None,
    };
    lines.push(partner_line(-signed, base, a.memo.trim()));
    // An early-payment discount: the partner's account is cleared by it too.
    let discount = match a.discount.filter(|d| !d.is_zero()) {
        None => Decimal::ZERO,
        Some(d) => {
            let d = money::check_money("discount", d, &acc.currency)?;
            if d < Decimal::ZERO {
                return Err(Error::field("discount", FieldCode::Negative));
            }
            let s = super::settings::get(db, &t)?;
            if s.discount_days == 0 || s.discount_percent.is_zero() {
                return Err(Error::field("discount", FieldCode::ExceedsOpen.with("open", 0)));
            }
            // At most the terms' percent of the allocated items within the terms' days.
            let mut allowed = Decimal::ZERO;
            for x in &a.allocations {
                if let Some(it) = items::item(db, &t, x.item_id)? {
                    let days = (a.date - it.date).num_days();
                    if days >= 0 && days <= i64::from(s.discount_days) {
                        let v = arith::mul("discount", it.amount.abs(), arith::div("discount", s.discount_percent, Decimal::ONE_HUNDRED)?)?;
                        allowed = arith::add("discount", allowed, money::round_money("discount", v, &acc.currency, false)?)?;
                    }
                }
            }
            if d > allowed {
                return Err(Error::field("discount", FieldCode::ExceedsOpen.with("open", allowed.normalize())));
            }
            let account = match a.partner_side {
                PartnerSide::Customer => s.discount_given_account_id,
                PartnerSide::Supplier => s.discount_taken_account_id,
            }
            .ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "discount")))?;
            let (db_base, _) = super::bank::to_base(db, &t, "discount", d, &acc.currency, a.date, Some(rate))?;
            let dsigned = if direction == Direction::In { d } else { -d };
            lines.push(super::bank::plain_line(account, if dsigned > Decimal::ZERO { db_base } else { -db_base }, "Early-payment discount"));
            lines.push(partner_line(-dsigned, db_base, "Early-payment discount"));
            d
        }
    };
    let (series, prefix) = if direction == Direction::In { ("payment:in", "RCPT/") } else { ("payment:out", "PAY/") };
    let number = crate::sequence::next(db, &t, series, prefix, 5)?;
    let next: i64 = db.prepare_cached("SELECT COALESCE(max(id), 0) + 1 FROM payments")?.query_row([], |r| r.get(0))?;
    let memo = if a.memo.trim().is_empty() { number.clone() } else { format!("{number} {}", a.memo.trim()) };
    let draft = EntryDraft { journal_id: acc.journal_id, date: a.date, reference: a.reference.trim().into(), memo, lines };
    let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "payment".into(), id: Some(next) })?;
    let db = ctx.db();
    let entry_items = items::items_of_entry(db, &t, posted.id)?;
    let item = *entry_items.first().ok_or_else(|| Error::Internal("payment without an item".into()))?;
    let bank_line = super::bank::line_of(db, &t, posted.id, acc.account_id)?;
    db.prepare_cached(
        "INSERT INTO payments (id, tenant_id, partner_side, direction, number, bank_account_id, partner_id, date, currency, rate, amount, base, discount,
            reference, memo, entry_id, item_id, bank_line_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        next,
        t.tenant_id(),
        a.partner_side,
        direction,
        number,
        acc.id,
        a.partner_id,
        a.date,
        acc.currency,
        money::to_db_at("rate", rate, money::RATE_SCALE)?,
        money::to_db("amount", amount)?,
        money::to_db("base", base)?,
        money::to_db("discount", discount)?,
        a.reference.trim(),
        a.memo.trim(),
        posted.id,
        item,
        bank_line,
        t.user_id(),
        ctx.now
    ])?;
    let id = PaymentId(next);
    ctx.audit("payment", id, json!({"number": number, "amount": amount, "partner": a.partner_id, "entry": posted.id}));
    // Allocations: the ones asked for, then the oldest open items if asked.
    let mut left = arith::add("amount", amount, discount)?;
    let mut plan: Vec<(ItemId, Decimal)> = Vec::new();
    for (i, x) in a.allocations.iter().enumerate() {
        let amt = money::check_money(&format!("allocations.{i}.amount"), x.amount, &acc.currency)?;
        if amt > left {
            return Err(Error::field(format!("allocations.{i}.amount"), FieldCode::ExceedsOpen.with("open", left.normalize())));
        }
        left = arith::sub("amount", left, amt)?;
        plan.push((x.item_id, amt));
    }
    if a.auto_allocate == Some(true) && left > Decimal::ZERO {
        // Money in pays what the partner owes (items open > 0), money out what is owed to them.
        let want_positive = signed > Decimal::ZERO;
        let open = items::open_items(
            ctx.db(),
            &t,
            &OpenItemsArgs { side: a.partner_side.item_side(), partner_id: Some(a.partner_id), currency: Some(acc.currency.clone()), at: None, include_closed: None, limit: None },
        )?;
        for it in open {
            if left.is_zero() {
                break;
            }
            if it.open_amount.is_zero() || (it.open_amount > Decimal::ZERO) != want_positive || it.account_id != control || plan.iter().any(|(p, _)| *p == it.id) {
                continue;
            }
            let take = it.open_amount.abs().min(left);
            left = arith::sub("amount", left, take)?;
            plan.push((it.id, take));
        }
    }
    if !plan.is_empty() {
        let mut amounts = plan.clone();
        let paid = arith::sub("amount", arith::add("amount", amount, discount)?, left)?;
        // The payment's own items: the payment, then the discount (taken first, so what
        // stays as the partner's credit is cash).
        let own = items::items_of_entry(ctx.db(), &t, posted.id)?;
        let d = discount.min(paid);
        let p = arith::sub("amount", paid, d)?;
        if p > Decimal::ZERO {
            amounts.push((item, p));
        }
        if d > Decimal::ZERO {
            let di = *own.get(1).ok_or_else(|| Error::Internal("discount without an item".into()))?;
            amounts.push((di, d));
        }
        items::allocate(ctx, &amounts, Some(a.date), Some(id))?;
    }
    get(ctx.db(), &t, id)
}

pub fn get(db: &Connection, t: &TenantCtx, id: PaymentId) -> Result<Payment> {
    let mut p = db
        .prepare_cached(
            "SELECT p.id, p.number, p.partner_side, p.direction, p.bank_account_id, b.name, p.partner_id, r.name, p.date, p.currency, p.rate, p.amount, p.base,
                    p.discount, p.reference, p.memo, p.entry_id, p.item_id, p.reversal_entry_id IS NOT NULL,
                    EXISTS (SELECT 1 FROM bank_rec_book k WHERE k.tenant_id = p.tenant_id AND k.journal_line_id = p.bank_line_id), i.open_amount
             FROM payments p JOIN bank_accounts b ON b.tenant_id = p.tenant_id AND b.id = p.bank_account_id
             JOIN partners r ON r.tenant_id = p.tenant_id AND r.id = p.partner_id
             JOIN open_items i ON i.tenant_id = p.tenant_id AND i.id = p.item_id
             WHERE p.tenant_id = ?1 AND p.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(Payment {
                id: r.get(0)?,
                number: r.get(1)?,
                partner_side: r.get(2)?,
                direction: r.get(3)?,
                bank_account_id: r.get(4)?,
                bank_account_name: r.get(5)?,
                partner_id: r.get(6)?,
                partner_name: r.get(7)?,
                date: r.get(8)?,
                currency: r.get(9)?,
                rate: money::from_db_at(r.get(10)?, money::RATE_SCALE),
                amount: money::from_db(r.get(11)?),
                base: money::from_db(r.get(12)?),
                discount: money::from_db(r.get(13)?),
                reference: r.get(14)?,
                memo: r.get(15)?,
                entry_id: r.get(16)?,
                item_id: r.get(17)?,
                cancelled: r.get(18)?,
                reconciled: r.get(19)?,
                unallocated: money::from_db(r.get::<_, i64>(20)?).abs(),
                allocations: vec![],
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("payment", id))?;
    // The other items of its live matches: what the payment paid.
    let matches = items::live_matches(db, t, p.item_id)?;
    for m in matches {
        let full = items::get_match(db, t, m)?;
        for row in full.rows {
            if row.item_id == p.item_id || row.amount.is_zero() {
                continue;
            }
            let own: bool = db
                .prepare_cached("SELECT 1 FROM open_items WHERE tenant_id = ?1 AND id = ?2 AND entry_id = ?3")?
                .exists(params![t.tenant_id(), row.item_id, p.entry_id])?;
            if own {
                continue;
            }
            p.allocations.push(PaymentAllocation { match_id: m, item_id: row.item_id, document: row.document, date: full.date, amount: row.amount.abs() });
        }
    }
    Ok(p)
}

pub fn list(db: &Connection, t: &TenantCtx, a: &ListPaymentsArgs) -> Result<Vec<PaymentRow>> {
    use rusqlite::types::Value as V;
    let mut sql = String::from(
        "SELECT p.id, p.number, p.partner_side, p.direction, b.name, p.partner_id, r.name, p.date, p.currency, p.amount, i.open_amount, p.reference,
                p.reversal_entry_id IS NOT NULL
         FROM payments p JOIN bank_accounts b ON b.tenant_id = p.tenant_id AND b.id = p.bank_account_id
         JOIN partners r ON r.tenant_id = p.tenant_id AND r.id = p.partner_id
         JOIN open_items i ON i.tenant_id = p.tenant_id AND i.id = p.item_id WHERE p.tenant_id = ?1",
    );
    let mut ps: Vec<V> = vec![V::Integer(t.tenant_id().0)];
    let add = |cond: &str, v: V, ps: &mut Vec<V>, sql: &mut String| {
        ps.push(v);
        sql.push_str(&cond.replace('?', &format!("?{}", ps.len())));
    };
    if let Some(s) = a.partner_side {
        add(" AND p.partner_side = ?", V::Text(s.as_str().into()), &mut ps, &mut sql);
    }
    if let Some(p) = a.partner_id {
        add(" AND p.partner_id = ?", V::Integer(p.0), &mut ps, &mut sql);
    }
    if let Some(b) = a.bank_account_id {
        add(" AND p.bank_account_id = ?", V::Integer(b.0), &mut ps, &mut sql);
    }
    if let Some(d) = a.from {
        add(" AND p.date >= ?", V::Text(d.to_string()), &mut ps, &mut sql);
    }
    if let Some(d) = a.to {
        add(" AND p.date <= ?", V::Text(d.to_string()), &mut ps, &mut sql);
    }
    if let Some(s) = a.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        ps.push(V::Text(like));
        let n = ps.len();
        sql.push_str(&format!(" AND (p.number LIKE ?{n} ESCAPE '\\' OR r.name LIKE ?{n} ESCAPE '\\' OR p.reference LIKE ?{n} ESCAPE '\\')"));
    }
    sql.push_str(&format!(" ORDER BY p.date DESC, p.id DESC LIMIT {} OFFSET {}", a.limit.unwrap_or(200).min(1000), a.offset.unwrap_or(0)));
    Ok(db
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(ps.iter()), |r| {
            Ok(PaymentRow {
                id: r.get(0)?,
                number: r.get(1)?,
                partner_side: r.get(2)?,
                direction: r.get(3)?,
                bank_account_name: r.get(4)?,
                partner_id: r.get(5)?,
                partner_name: r.get(6)?,
                date: r.get(7)?,
                currency: r.get(8)?,
                amount: money::from_db(r.get(9)?),
                unallocated: money::from_db(r.get::<_, i64>(10)?).abs(),
                reference: r.get(11)?,
                cancelled: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Cancels a payment: its allocations are reversed, then its entry, and the payment's
/// item is matched with its reversal. A payment reconciled with the bank is refused.
pub fn cancel(ctx: &mut Ctx<'_>, a: CancelPaymentArgs) -> Result<Payment> {
    let t = ctx.tenant()?;
    let p = get(ctx.db(), &t, a.id)?;
    if p.cancelled {
        return Err(Error::refused(Reason::PaymentCancelled));
    }
    if p.reconciled {
        return Err(Error::refused(Reason::Reconciled));
    }
    let date = a.date.unwrap_or(p.date);
    for it in items::items_of_entry(ctx.db(), &t, p.entry_id)? {
        for m in items::live_matches(ctx.db(), &t, it)? {
            items::unallocate(ctx, UnallocateArgs { match_id: m, date: Some(date) })?;
        }
    }
    let posted = crate::accounting::ledger::reverse_entry(ctx, p.entry_id, Some(date), Some(format!("Cancelled {}", p.number)), false)?;
    ctx.db().prepare_cached("UPDATE payments SET reversal_entry_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), p.id, posted.id])?;
    ctx.audit("payment", p.id, json!({"cancelled": true, "reversal": posted.id}));
    get(ctx.db(), &t, p.id)
}

/// Pays every supplier bill due by a date from one bank account: one payment per
/// supplier, allocated to its bills (net of its debit notes and credits).
pub fn batch_pay(ctx: &mut Ctx<'_>, a: BatchPayArgs) -> Result<BatchPayResult> {
    let t = ctx.tenant()?;
    let acc = super::bank::facts(ctx.db(), &t, a.bank_account_id)?;
    let control = control_account(ctx.db(), &t, PartnerSide::Supplier)?;
    let open = items::open_items(
        ctx.db(),
        &t,
        &OpenItemsArgs { side: ItemSide::Payable, partner_id: None, currency: Some(acc.currency.clone()), at: None, include_closed: None, limit: None },
    )?;
    let mut by_partner: std::collections::BTreeMap<crate::partners::model::PartnerId, Vec<OpenItem>> = Default::default();
    for it in open {
        if it.account_id != control || (!a.partner_ids.is_empty() && !a.partner_ids.contains(&it.partner_id)) {
            continue;
        }
        // Bills due by the date, and every credit (debit notes, advances) of the supplier.
        if it.open_amount < Decimal::ZERO && it.due_date > a.due_by {
            continue;
        }
        by_partner.entry(it.partner_id).or_default().push(it);
    }
    let mut out = Vec::new();
    let mut total = Decimal::ZERO;
    for (partner, its) in by_partner {
        let owed = arith::sum("amount", its.iter().map(|i| -i.open_amount))?;
        if owed <= Decimal::ZERO || !its.iter().any(|i| i.open_amount < Decimal::ZERO) {
            continue;
        }
        let mut allocations: Vec<ItemAmount> = Vec::new();
        for i in &its {
            if i.open_amount < Decimal::ZERO {
                allocations.push(ItemAmount { item_id: i.id, amount: -i.open_amount });
            }
        }
        // Credits of the supplier are matched first, then the payment pays the rest.
        let credits: Vec<(ItemId, Decimal)> = its.iter().filter(|i| i.open_amount > Decimal::ZERO).map(|i| (i.id, i.open_amount)).collect();
        if !credits.is_empty() {
            let mut plan = credits.clone();
            let mut left = arith::sum("amount", credits.iter().map(|c| c.1))?;
            for x in allocations.iter_mut() {
                if left.is_zero() {
                    break;
                }
                let take = x.amount.min(left);
                plan.push((x.item_id, take));
                x.amount = arith::sub("amount", x.amount, take)?;
                left = arith::sub("amount", left, take)?;
            }
            items::allocate(ctx, &plan, Some(a.date.max(its.iter().map(|i| i.date).max().unwrap_or(a.date))), None)?;
            allocations.retain(|x| !x.amount.is_zero());
        }
        let p = create_now(
            ctx,
            PaymentInput {
                partner_side: PartnerSide::Supplier,
                direction: Some(Direction::Out),
                bank_account_id: a.bank_account_id,
                partner_id: partner,
                date: a.date,
                amount: owed,
                rate: None,
                reference: String::new(),
                memo: format!("Batch payment of bills due by {}", a.due_by),
                allocations,
                auto_allocate: None,
                discount: None,
                idempotency_key: None,
            },
        )?;
        total = arith::add("total", total, p.amount)?;
        out.push(PaymentRow {
            id: p.id,
            number: p.number,
            partner_side: p.partner_side,
            direction: p.direction,
            bank_account_name: p.bank_account_name,
            partner_id: p.partner_id,
            partner_name: p.partner_name,
            date: p.date,
            currency: p.currency,
            amount: p.amount,
            unallocated: p.unallocated,
            reference: p.reference,
            cancelled: false,
        });
    }
    Ok(BatchPayResult { payments: out, total })
}
