//! Open items and the one allocation engine: [`allocate`] matches items of one partner
//! and control account, [`unallocate`] reverses a match. Payments, credit notes against
//! invoices, refunds, reversals and bank reconciliation all allocate through here.
//!
//! A match applies an amount (document currency) and a base amount to each of its items,
//! signed as the item. The amounts applied to debit items equal those applied to credit
//! items; the bases may differ when the currency is foreign, and that difference is the
//! realised exchange gain or loss, posted in the match's own entry as one more item of
//! the match, so a match's bases always sum to zero. Hence, at any date, the open bases
//! of a control account's items sum to the account's balance.

use super::model::*;
use crate::accounting::model::{AccountId, EntryDraft, EntryId, JournalKind, LineDraft, Source};
use crate::command::{Ctx, TenantCtx};
use crate::partners::model::PartnerId;
use crate::{Error, FieldCode, Reason, Result, arith, money};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde_json::json;

pub const OPEN: &str = "9999-12-31";

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub id: ItemId,
    pub partner_id: PartnerId,
    pub account_id: AccountId,
    pub date: NaiveDate,
    pub currency: String,
    pub amount: Decimal,
    pub base: Decimal,
    pub open_amount: Decimal,
    pub open_base: Decimal,
}

pub(crate) fn item(db: &Connection, t: &TenantCtx, id: ItemId) -> Result<Option<Item>> {
    Ok(db
        .prepare_cached(
            "SELECT id, partner_id, account_id, date, currency, amount, base, open_amount, open_base FROM open_items WHERE tenant_id = ?1 AND id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(Item {
                id: r.get(0)?,
                partner_id: r.get(1)?,
                account_id: r.get(2)?,
                date: r.get(3)?,
                currency: r.get(4)?,
                amount: money::from_db(r.get(5)?),
                base: money::from_db(r.get(6)?),
                open_amount: money::from_db(r.get(7)?),
                open_base: money::from_db(r.get(8)?),
            })
        })
        .optional()?)
}

/// The items of an entry's control lines.
pub(crate) fn items_of_entry(db: &Connection, t: &TenantCtx, entry: EntryId) -> Result<Vec<ItemId>> {
    let ids = db
        .prepare_cached("SELECT id FROM open_items WHERE tenant_id = ?1 AND entry_id = ?2 ORDER BY id")?
        .query_map(params![t.tenant_id(), entry], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<ItemId>>>()?;
    Ok(ids)
}

/// The part of an item's base that `amount` (of its open amount) carries: all of what is
/// open when it closes the item, else in proportion to the item's own rate.
fn base_part(field: &str, it: &Item, amount: Decimal, base_ccy: &str) -> Result<Decimal> {
    if amount == it.open_amount.abs() {
        return Ok(it.open_base.abs());
    }
    if it.amount.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let v = arith::mul(field, amount, arith::div(field, it.base.abs(), it.amount.abs())?)?;
    let v = money::round_money(field, v, base_ccy, false)?;
    Ok(v.min(it.open_base.abs()))
}

/// Matches items of one partner and control account. `amounts` are positive, in the
/// items' currency; those applied to debit items must equal those applied to credit
/// items. Returns the match (with its exchange difference posted, if any).
pub fn allocate(ctx: &mut Ctx<'_>, amounts: &[(ItemId, Decimal)], date: Option<NaiveDate>, payment: Option<PaymentId>) -> Result<MatchId> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if amounts.len() < 2 {
        return Err(Error::field("items", FieldCode::TooFewLines.with("min", 2)));
    }
    let base_ccy = crate::accounting::chart::base_currency(db, &t)?;
    let mut items: Vec<(Item, Decimal)> = Vec::with_capacity(amounts.len());
    let mut seen = std::collections::HashSet::new();
    for (i, (id, amount)) in amounts.iter().enumerate() {
        let f = format!("items.{i}.amount");
        let Some(it) = item(db, &t, *id)? else {
            return Err(Error::field(format!("items.{i}.item_id"), FieldCode::NotFound));
        };
        if !seen.insert(*id) {
            return Err(Error::field(format!("items.{i}.item_id"), FieldCode::Repeated));
        }
        let amount = money::check_money(&f, *amount, &it.currency)?;
        if amount <= Decimal::ZERO {
            return Err(Error::field(f, FieldCode::NotPositive));
        }
        if it.open_amount.is_zero() {
            return Err(Error::field(format!("items.{i}.item_id"), FieldCode::NothingOpen));
        }
        if amount > it.open_amount.abs() {
            return Err(Error::field(f, FieldCode::ExceedsOpen.with("open", it.open_amount.abs().normalize())));
        }
        if let Some((first, _)) = items.first() {
            if it.partner_id != first.partner_id || it.account_id != first.account_id {
                return Err(Error::field(format!("items.{i}.item_id"), FieldCode::OtherPartner.with("partner", first.partner_id)));
            }
            if it.currency != first.currency {
                return Err(Error::field(format!("items.{i}.item_id"), FieldCode::CurrencyDiffers.with("currency", &first.currency)));
            }
        }
        items.push((it, amount));
    }
    let (mut debit, mut credit) = (Decimal::ZERO, Decimal::ZERO);
    for (it, a) in &items {
        if it.amount > Decimal::ZERO { debit = arith::add("items", debit, *a)? } else { credit = arith::add("items", credit, *a)? }
    }
    if debit != credit {
        return Err(Error::field("items", FieldCode::AmountsDiffer.with("left", debit.normalize()).with("right", credit.normalize())));
    }
    let latest = items.iter().map(|(it, _)| it.date).max().unwrap_or_default();
    let mut date = date.unwrap_or(latest);
    if date < latest {
        return Err(Error::field("date", FieldCode::OutOfRange.with("min", latest)));
    }
    // The base each item gives up, signed as the item; their sum is the exchange difference.
    let mut rows: Vec<(ItemId, Decimal, Decimal)> = Vec::with_capacity(items.len() + 1);
    let mut sum = Decimal::ZERO;
    for (i, (it, a)) in items.iter().enumerate() {
        let b = base_part(&format!("items.{i}.amount"), it, *a, &base_ccy)?;
        let (a, b) = if it.amount > Decimal::ZERO || (it.amount.is_zero() && it.base > Decimal::ZERO) { (*a, b) } else { (-*a, -b) };
        sum = arith::add("items", sum, b)?;
        rows.push((it.id, a, b));
    }
    let (partner, account, currency) = (items[0].0.partner_id, items[0].0.account_id, items[0].0.currency.clone());
    let fx_entry = if sum.is_zero() {
        None
    } else {
        // The control account keeps `-sum` more; the counter is a gain when that is a debit.
        let settings = crate::accounting::chart::get_settings(db, &t)?;
        let gain = -sum > Decimal::ZERO;
        let counter = if gain { settings.defaults.fx_gain } else { settings.defaults.fx_loss }
            .ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", if gain { "fx_gain" } else { "fx_loss" })))?;
        let journal = crate::accounting::journals::by_kind(db, &t, JournalKind::General)?;
        // The general journal's series is chronological: a match dated before its last
        // entry is recognised on that entry's date instead (the match with it).
        date = crate::accounting::ledger::earliest_posting_date(db, &t, journal, date)?;
        let v = sum.abs();
        let control = LineDraft {
            account_id: Some(account),
            partner_id: Some(partner),
            description: "Exchange difference".into(),
            debit: if gain { v } else { Decimal::ZERO },
            credit: if gain { Decimal::ZERO } else { v },
            currency: Some(currency.clone()),
            amount_currency: Some(Decimal::ZERO),
            tax_id: None,
            tax_base: None,

        };
        let other = LineDraft {
            account_id: Some(counter),
            partner_id: None,
            description: "Exchange difference".into(),
            debit: if gain { Decimal::ZERO } else { v },
            credit: if gain { v } else { Decimal::ZERO },
            currency: None,
            amount_currency: None,
            tax_id: None,
            tax_base: None,

        };
        let draft = EntryDraft { journal_id: journal, date, reference: "FX".into(), memo: "Realised exchange difference".into(), lines: vec![control, other] };
        let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "fx".into(), id: None })?;
        let fx_items = items_of_entry(ctx.db(), &t, posted.id)?;
        let fx_item = *fx_items.first().ok_or_else(|| Error::Internal("exchange difference without an item".into()))?;
        rows.push((fx_item, Decimal::ZERO, -sum));
        Some(posted.id)
    };
    write_match(ctx, &t, partner, account, &currency, date, fx_entry, None, payment, &rows)
}

#[allow(clippy::too_many_arguments)]
fn write_match(
    ctx: &mut Ctx<'_>,
    t: &TenantCtx,
    partner: PartnerId,
    account: AccountId,
    currency: &str,
    date: NaiveDate,
    fx_entry: Option<EntryId>,
    reverses: Option<MatchId>,
    payment: Option<PaymentId>,
    rows: &[(ItemId, Decimal, Decimal)],
) -> Result<MatchId> {
    let db = ctx.db();
    db.prepare_cached(
        "INSERT INTO matches (tenant_id, partner_id, account_id, date, currency, fx_entry_id, reverses_id, payment_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![t.tenant_id(), partner, account, date, currency, fx_entry, reverses, payment, t.user_id(), ctx.now])?;
    let id = MatchId(db.last_insert_rowid());
    let mut ins = db.prepare_cached("INSERT INTO allocations (tenant_id, match_id, item_id, date, amount, base) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    let mut upd = db.prepare_cached(
        "UPDATE open_items SET open_amount = open_amount - ?3, open_base = open_base - ?4,
            open_until = CASE WHEN open_amount - ?3 = 0 AND open_base - ?4 = 0
                THEN (SELECT max(date) FROM allocations WHERE tenant_id = ?1 AND item_id = ?2) ELSE ?5 END
         WHERE tenant_id = ?1 AND id = ?2",
    )?;
    for (item, a, b) in rows {
        let (a, b) = (money::to_db("amount", *a)?, money::to_db("base", *b)?);
        ins.execute(params![t.tenant_id(), id, item, date, a, b])?;
        upd.execute(params![t.tenant_id(), item, a, b, OPEN])?;
    }
    ctx.audit("match", id, json!({"partner": partner, "date": date, "items": rows.len(), "reverses": reverses}));
    Ok(id)
}

/// Reverses a match on `date` (default: today, never before the match): what it applied
/// is open again, and its exchange difference is reversed.
pub fn unallocate(ctx: &mut Ctx<'_>, a: UnallocateArgs) -> Result<Match> {
    let t = ctx.tenant()?;
    let m = get_match(ctx.db(), &t, a.match_id)?;
    if m.reverses_id.is_some() {
        return Err(Error::field("match_id", FieldCode::Invalid));
    }
    if m.reversed_by.is_some() {
        return Err(Error::refused(Reason::AlreadyReversed));
    }
    let today = crate::accounting::periods::today(ctx.db(), &t, ctx.now)?;
    let mut date = a.date.unwrap_or(today.max(m.date));
    if date < m.date {
        return Err(Error::field("date", FieldCode::OutOfRange.with("min", m.date)));
    }
    if m.fx_entry_id.is_some() {
        // The reversal goes to the general journal, whose series is chronological.
        let journal = crate::accounting::journals::by_kind(ctx.db(), &t, JournalKind::General)?;
        date = crate::accounting::ledger::earliest_posting_date(ctx.db(), &t, journal, date)?;
    }
    let fx_items: Vec<ItemId> = match m.fx_entry_id {
        Some(e) => items_of_entry(ctx.db(), &t, e)?,
        None => vec![],
    };
    let mut rows: Vec<(ItemId, Decimal, Decimal)> =
        m.rows.iter().filter(|r| !fx_items.contains(&r.item_id)).map(|r| (r.item_id, -r.amount, -r.base)).collect();
    let fx_reversal = match m.fx_entry_id {
        Some(e) => {
            let posted = crate::accounting::ledger::reverse_entry(ctx, e, Some(date), Some("Unallocated: exchange difference reversed".into()), false)?;
            for it in items_of_entry(ctx.db(), &t, posted.id)? {
                let i = item(ctx.db(), &t, it)?.ok_or_else(|| Error::Internal("reversal item".into()))?;
                rows.push((it, i.open_amount, i.open_base));
            }
            Some(posted.id)
        }
        None => None,
    };
    let id = write_match(ctx, &t, m.partner_id, account_of(ctx.db(), &t, m.id)?, &m.currency, date, fx_reversal, Some(m.id), None, &rows)?;
    get_match(ctx.db(), &t, id)
}

fn account_of(db: &Connection, t: &TenantCtx, id: MatchId) -> Result<AccountId> {
    Ok(db.prepare_cached("SELECT account_id FROM matches WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), id], |r| r.get(0))?)
}

pub fn get_match(db: &Connection, t: &TenantCtx, id: MatchId) -> Result<Match> {
    let head = db
        .prepare_cached(
            "SELECT m.id, m.partner_id, m.date, m.currency, m.fx_entry_id, m.reverses_id,
                    (SELECT r.id FROM matches r WHERE r.tenant_id = m.tenant_id AND r.reverses_id = m.id)
             FROM matches m WHERE m.tenant_id = ?1 AND m.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(Match {
                id: r.get(0)?,
                partner_id: r.get(1)?,
                date: r.get(2)?,
                currency: r.get(3)?,
                fx_entry_id: r.get(4)?,
                fx_amount: Decimal::ZERO,
                reverses_id: r.get(5)?,
                reversed_by: r.get(6)?,
                rows: vec![],
            })
        })
        .optional()?;
    let mut m = head.ok_or_else(|| Error::not_found("match", id))?;
    m.rows = db
        .prepare_cached(
            &format!("SELECT a.item_id, {DOCUMENT}, a.amount, a.base FROM allocations a JOIN open_items i ON i.tenant_id = a.tenant_id AND i.id = a.item_id
             JOIN journal_entries e ON e.tenant_id = i.tenant_id AND e.id = i.entry_id
             WHERE a.tenant_id = ?1 AND a.match_id = ?2 ORDER BY a.id"),
        )?
        .query_map(params![t.tenant_id(), id], |r| Ok(MatchRow { item_id: r.get(0)?, document: r.get(1)?, amount: money::from_db(r.get(2)?), base: money::from_db(r.get(3)?) }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(e) = m.fx_entry_id {
        let fx: i64 = db
            .prepare_cached("SELECT COALESCE(sum(base), 0) FROM open_items WHERE tenant_id = ?1 AND entry_id = ?2")?
            .query_row(params![t.tenant_id(), e], |r| r.get(0))?;
        m.fx_amount = money::from_db(fx);
    }
    Ok(m)
}

/// The SQL of an item's document name, with `i` the item and `e` its entry.
pub(crate) const DOCUMENT: &str = "COALESCE((SELECT ti.number FROM trade_invoices ti WHERE ti.tenant_id = i.tenant_id AND ti.entry_id = i.entry_id),
     (SELECT p.number FROM payments p WHERE p.tenant_id = i.tenant_id AND p.entry_id = i.entry_id), e.number)";

/// The kind of an item's document, with `i` the item and `e` its entry.
const KIND: &str = "COALESCE((SELECT ti.kind FROM trade_invoices ti WHERE ti.tenant_id = i.tenant_id AND ti.entry_id = i.entry_id),
     (SELECT CASE WHEN (p.direction = 'in') = (p.partner_side = 'customer') THEN 'payment' ELSE 'refund' END FROM payments p WHERE p.tenant_id = i.tenant_id AND p.entry_id = i.entry_id),
     CASE WHEN e.source_kind = 'fx' THEN 'fx' ELSE 'entry' END)";

/// Open items of one side (and partner, currency), oldest due first. `at` gives the
/// items open at that date, from the allocations dated up to it.
pub fn open_items(db: &Connection, t: &TenantCtx, a: &OpenItemsArgs) -> Result<Vec<OpenItem>> {
    use rusqlite::types::Value as V;
    let mut sql = format!(
        "SELECT i.id, i.side, i.partner_id, p.name, i.account_id, i.entry_id, {DOCUMENT}, {KIND},
                (SELECT ti.id FROM trade_invoices ti WHERE ti.tenant_id = i.tenant_id AND ti.entry_id = i.entry_id),
                (SELECT py.id FROM payments py WHERE py.tenant_id = i.tenant_id AND py.entry_id = i.entry_id),
                i.date, i.due_date, i.currency, i.amount, i.base, {open_amount}, {open_base}
         FROM open_items i JOIN partners p ON p.tenant_id = i.tenant_id AND p.id = i.partner_id
         JOIN journal_entries e ON e.tenant_id = i.tenant_id AND e.id = i.entry_id
         WHERE i.tenant_id = ?1 AND i.side = ?2",
        open_amount = if a.at.is_some() { "i.amount - COALESCE((SELECT sum(x.amount) FROM allocations x WHERE x.tenant_id = i.tenant_id AND x.item_id = i.id AND x.date <= ?3), 0)" } else { "i.open_amount" },
        open_base = if a.at.is_some() { "i.base - COALESCE((SELECT sum(x.base) FROM allocations x WHERE x.tenant_id = i.tenant_id AND x.item_id = i.id AND x.date <= ?3), 0)" } else { "i.open_base" },
    );
    let mut ps: Vec<V> = vec![V::Integer(t.tenant_id().0), V::Text(a.side.as_str().into())];
    match a.at {
        Some(d) => {
            ps.push(V::Text(d.to_string()));
            sql.push_str(" AND i.date <= ?3");
            if a.include_closed != Some(true) {
                sql.push_str(" AND i.open_until > ?3");
            }
        }
        None => {
            if a.include_closed != Some(true) {
                sql.push_str(&format!(" AND i.open_until = '{OPEN}'"));
            }
        }
    }
    if let Some(p) = a.partner_id {
        ps.push(V::Integer(p.0));
        sql.push_str(&format!(" AND i.partner_id = ?{}", ps.len()));
    }
    if let Some(c) = &a.currency {
        ps.push(V::Text(c.trim().to_ascii_uppercase()));
        sql.push_str(&format!(" AND i.currency = ?{}", ps.len()));
    }
    sql.push_str(" ORDER BY i.due_date, i.date, i.id");
    if let Some(l) = a.limit {
        sql.push_str(&format!(" LIMIT {}", l.min(10_000)));
    }
    let rows = db
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(ps.iter()), |r| {
            Ok(OpenItem {
                id: r.get(0)?,
                side: r.get(1)?,
                partner_id: r.get(2)?,
                partner_name: r.get(3)?,
                account_id: r.get(4)?,
                entry_id: r.get(5)?,
                document: r.get(6)?,
                kind: r.get(7)?,
                invoice_id: r.get(8)?,
                payment_id: r.get(9)?,
                date: r.get(10)?,
                due_date: r.get(11)?,
                currency: r.get(12)?,
                amount: money::from_db(r.get(13)?),
                base: money::from_db(r.get(14)?),
                open_amount: money::from_db(r.get(15)?),
                open_base: money::from_db(r.get(16)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter(|i| a.include_closed == Some(true) || !i.open_amount.is_zero() || !i.open_base.is_zero()).collect())
}

/// The matches an item is in that are not reversed (nor reversals themselves).
pub(crate) fn live_matches(db: &Connection, t: &TenantCtx, item: ItemId) -> Result<Vec<MatchId>> {
    Ok(db
        .prepare_cached(
            "SELECT m.id FROM allocations a JOIN matches m ON m.tenant_id = a.tenant_id AND m.id = a.match_id
             WHERE a.tenant_id = ?1 AND a.item_id = ?2 AND m.reverses_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM matches r WHERE r.tenant_id = m.tenant_id AND r.reverses_id = m.id)
             ORDER BY m.id",
        )?
        .query_map(params![t.tenant_id(), item], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// After an entry is reversed: each of its items still wholly open is matched with its
/// reversal's item, so neither stays open.
pub(crate) fn match_reversal(ctx: &mut Ctx<'_>, original: EntryId, reversal: EntryId) -> Result<()> {
    let t = ctx.tenant()?;
    let a = items_of_entry(ctx.db(), &t, original)?;
    let b = items_of_entry(ctx.db(), &t, reversal)?;
    for (x, y) in a.iter().zip(b.iter()) {
        let (Some(ix), Some(iy)) = (item(ctx.db(), &t, *x)?, item(ctx.db(), &t, *y)?) else { continue };
        if ix.open_amount == ix.amount && ix.open_base == ix.base && iy.open_amount == iy.amount && ix.amount == -iy.amount && ix.base == -iy.base {
            let rows = [(ix.id, ix.amount, ix.base), (iy.id, iy.amount, iy.base)];
            write_match(ctx, &t, ix.partner_id, ix.account_id, &ix.currency, iy.date.max(ix.date), None, None, None, &rows)?;
        }
    }
    Ok(())
}

/// Matches what two documents' items can settle of each other (a credit note against
/// the invoice it credits): the smaller open amount, when they are of opposite signs.
pub(crate) fn settle_entries(ctx: &mut Ctx<'_>, a: EntryId, b: EntryId) -> Result<Option<MatchId>> {
    let t = ctx.tenant()?;
    let (Some(x), Some(y)) = (items_of_entry(ctx.db(), &t, a)?.first().copied(), items_of_entry(ctx.db(), &t, b)?.first().copied()) else { return Ok(None) };
    let (Some(ix), Some(iy)) = (item(ctx.db(), &t, x)?, item(ctx.db(), &t, y)?) else { return Ok(None) };
    if ix.currency != iy.currency || ix.partner_id != iy.partner_id || ix.account_id != iy.account_id || (ix.open_amount > Decimal::ZERO) == (iy.open_amount > Decimal::ZERO) || ix.open_amount.is_zero() || iy.open_amount.is_zero() {
        return Ok(None);
    }
    let v = ix.open_amount.abs().min(iy.open_amount.abs());
    Ok(Some(allocate(ctx, &[(x, v), (y, v)], None, None)?))
}

/// A document's payment state from its item(s): unpaid, partly paid or paid.
pub(crate) fn pay_state(total: Decimal, open: Decimal) -> PayState {
    if open.is_zero() {
        PayState::Paid
    } else if open.abs() >= total.abs() {
        PayState::Unpaid
    } else {
        PayState::Partial
    }
}

/// Checks every item's maintained open amounts against its allocations, every match's
/// bases sum to zero, and each control account's open bases against its balance.
pub fn check(db: &Connection, t: &TenantCtx) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut st = db.prepare_cached(
        "SELECT i.id FROM open_items i LEFT JOIN (SELECT item_id, sum(amount) a, sum(base) b FROM allocations WHERE tenant_id = ?1 GROUP BY item_id) x ON x.item_id = i.id
         WHERE i.tenant_id = ?1 AND (i.open_amount <> i.amount - COALESCE(x.a, 0) OR i.open_base <> i.base - COALESCE(x.b, 0)) LIMIT 20",
    )?;
    for id in st.query_map([t.tenant_id()], |r| r.get::<_, i64>(0))? {
        out.push(format!("open item {} differs from its allocations", id?));
    }
    let mut st = db.prepare_cached("SELECT match_id FROM allocations WHERE tenant_id = ?1 GROUP BY match_id HAVING sum(base) <> 0 LIMIT 20")?;
    for id in st.query_map([t.tenant_id()], |r| r.get::<_, i64>(0))? {
        out.push(format!("match {} does not balance in base currency", id?));
    }
    let mut st = db.prepare_cached(
        "SELECT l.id FROM journal_lines l JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
         WHERE l.tenant_id = ?1 AND a.subtype IN ('receivable', 'payable') AND NOT EXISTS (SELECT 1 FROM open_items i WHERE i.tenant_id = l.tenant_id AND i.id = l.id) LIMIT 20",
    )?;
    for id in st.query_map([t.tenant_id()], |r| r.get::<_, i64>(0))? {
        out.push(format!("ledger line {} of a control account has no open item", id?));
    }
    let mut st = db.prepare_cached(
        "SELECT a.code FROM accounts a WHERE a.tenant_id = ?1 AND a.subtype IN ('receivable', 'payable')
           AND (SELECT COALESCE(sum(open_base), 0) FROM open_items i WHERE i.tenant_id = a.tenant_id AND i.account_id = a.id)
            <> (SELECT COALESCE(sum(debit - credit), 0) FROM journal_lines l WHERE l.tenant_id = a.tenant_id AND l.account_id = a.id)",
    )?;
    for code in st.query_map([t.tenant_id()], |r| r.get::<_, String>(0))? {
        out.push(format!("the open items of account {} do not sum to its balance", code?));
    }
    Ok(out)
}

/// Matches each partner's open debit and credit items against each other, oldest first
/// (same control account and currency): what opening balances, imported entries and
/// manual postings leave open. Returns the matches made.
pub fn auto_allocate(ctx: &mut Ctx<'_>, a: AutoAllocateArgs) -> Result<Vec<MatchId>> {
    let t = ctx.tenant()?;
    let open = open_items(ctx.db(), &t, &OpenItemsArgs { side: a.side, partner_id: a.partner_id, currency: None, at: None, include_closed: None, limit: None })?;
    let mut groups: std::collections::BTreeMap<(PartnerId, AccountId, String), Vec<OpenItem>> = Default::default();
    for i in open {
        if !i.open_amount.is_zero() {
            groups.entry((i.partner_id, i.account_id, i.currency.clone())).or_default().push(i);
        }
    }
    let mut made = Vec::new();
    for (_, mut its) in groups {
        its.sort_by(|x, y| x.date.cmp(&y.date).then(x.id.cmp(&y.id)));
        let mut debits: Vec<(ItemId, Decimal, NaiveDate)> = its.iter().filter(|i| i.open_amount > Decimal::ZERO).map(|i| (i.id, i.open_amount, i.date)).collect();
        let mut credits: Vec<(ItemId, Decimal, NaiveDate)> = its.iter().filter(|i| i.open_amount < Decimal::ZERO).map(|i| (i.id, -i.open_amount, i.date)).collect();
        let (mut di, mut ci) = (0, 0);
        while di < debits.len() && ci < credits.len() {
            let v = debits[di].1.min(credits[ci].1);
            let date = debits[di].2.max(credits[ci].2);
            made.push(allocate(ctx, &[(debits[di].0, v), (credits[ci].0, v)], Some(date), None)?);
            debits[di].1 = arith::sub("amount", debits[di].1, v)?;
            credits[ci].1 = arith::sub("amount", credits[ci].1, v)?;
            if debits[di].1.is_zero() {
                di += 1;
            }
            if credits[ci].1.is_zero() {
                ci += 1;
            }
        }
    }
    if made.is_empty() {
        ctx.wrote_nothing();
    }
    Ok(made)
}
