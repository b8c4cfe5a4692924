//! Period-end revaluation of open foreign-currency receivables and payables: each
//! partner's open items are valued at the date's rate, the difference posted to the
//! control account (an item of amount zero) against unrealised gain or loss, and reversed
//! the next day, so the next period starts from the documents' own rates again.

use crate::accounting::model::{AccountId, EntryDraft, EntryId, JournalKind, LineDraft, Source};
use crate::command::Ctx;
use crate::partners::model::PartnerId;
use crate::{Error, FieldCode, Reason, Result, arith, money};
use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RevalueArgs {
    /// The period end to value at (the reversal is dated the day after).
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Revaluation {
    pub date: NaiveDate,
    pub entry_id: Option<EntryId>,
    pub reversal_entry_id: Option<EntryId>,
    /// Net unrealised difference, base currency (positive: a gain).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub net: Decimal,
    pub items: u32,
}

pub fn revalue(ctx: &mut Ctx<'_>, a: RevalueArgs) -> Result<Revaluation> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if db.prepare_cached("SELECT 1 FROM revaluations WHERE tenant_id = ?1 AND date = ?2")?.exists(params![t.tenant_id(), a.date])? {
        return Err(Error::conflict("date", FieldCode::Duplicate.with("value", a.date)));
    }
    let base = crate::accounting::chart::base_currency(db, &t)?;
    // Items open at the date in a foreign currency, by (account, partner, currency).
    let mut groups: BTreeMap<(AccountId, PartnerId, String), Decimal> = BTreeMap::new();
    let mut count = 0u32;
    {
        let mut st = db.prepare_cached(
            "SELECT i.account_id, i.partner_id, i.currency,
                    i.amount - COALESCE((SELECT sum(x.amount) FROM allocations x WHERE x.tenant_id = i.tenant_id AND x.item_id = i.id AND x.date <= ?3), 0),
                    i.base - COALESCE((SELECT sum(x.base) FROM allocations x WHERE x.tenant_id = i.tenant_id AND x.item_id = i.id AND x.date <= ?3), 0)
             FROM open_items i WHERE i.tenant_id = ?1 AND i.currency <> ?2 AND i.date <= ?3 AND i.open_until > ?3",
        )?;
        let mut q = st.query(params![t.tenant_id(), base, a.date])?;
        let mut rates: BTreeMap<String, Decimal> = BTreeMap::new();
        while let Some(r) = q.next()? {
            let (acc, partner, cur): (AccountId, PartnerId, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let (open, open_base) = (money::from_db(r.get(3)?), money::from_db(r.get(4)?));
            if open.is_zero() {
                continue;
            }
            let rate = match rates.get(&cur) {
                Some(r) => *r,
                None => {
                    let r = crate::accounting::currency::rate_for(db, &t, &cur, a.date)
                        .map_err(|_| Error::field("date", FieldCode::NoExchangeRate.with("currency", &cur).with("date", a.date)))?;
                    rates.insert(cur.clone(), r);
                    r
                }
            };
            let now = money::round_money("amount", arith::mul("amount", open, rate)?, &base, false)?;
            let delta = arith::sub("amount", now, open_base)?;
            count += 1;
            let e = groups.entry((acc, partner, cur)).or_insert(Decimal::ZERO);
            *e = arith::add("amount", *e, delta)?;
        }
    }
    groups.retain(|_, v| !v.is_zero());
    let net = arith::sum("amount", groups.values().copied())?;
    let (mut entry, mut reversal) = (None, None);
    if !groups.is_empty() {
        let s = super::settings::get(db, &t)?;
        let gain = s.unrealised_gain_account_id.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "unrealised_gain")))?;
        let loss = s.unrealised_loss_account_id.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", "unrealised_loss")))?;
        let mut lines = Vec::new();
        let (mut gains, mut losses) = (Decimal::ZERO, Decimal::ZERO);
        for ((acc, partner, cur), delta) in &groups {
            lines.push(LineDraft {
                account_id: Some(*acc),
                partner_id: Some(*partner),
                description: format!("Revaluation {cur}"),
                debit: (*delta).max(Decimal::ZERO),
                credit: (-*delta).max(Decimal::ZERO),
                currency: Some(cur.clone()),
                amount_currency: Some(Decimal::ZERO),
                tax_id: None,
                tax_base: None,
            });
            if *delta > Decimal::ZERO { gains = arith::add("amount", gains, *delta)? } else { losses = arith::sub("amount", losses, *delta)? }
        }
        if !gains.is_zero() {
            lines.push(super::bank::plain_line(gain, -gains, "Unrealised exchange gain"));
        }
        if !losses.is_zero() {
            lines.push(super::bank::plain_line(loss, losses, "Unrealised exchange loss"));
        }
        let journal = crate::accounting::journals::by_kind(db, &t, JournalKind::General)?;
        let draft = EntryDraft { journal_id: journal, date: a.date, reference: "REVAL".into(), memo: format!("Revaluation of open foreign-currency items at {}", a.date), lines };
        let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "revaluation".into(), id: None })?;
        let next = a.date.succ_opt().ok_or_else(|| Error::field("date", FieldCode::InvalidDate))?;
        let rev = crate::accounting::ledger::reverse_entry(ctx, posted.id, Some(next), Some(format!("Reversal of the revaluation at {}", a.date)), false)?;
        entry = Some(posted.id);
        reversal = Some(rev.id);
    }
    ctx.db()
        .prepare_cached("INSERT INTO revaluations (tenant_id, date, entry_id, reversal_entry_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![t.tenant_id(), a.date, entry, reversal, ctx.now])?;
    ctx.audit("revaluation", a.date, json!({"entry": entry, "net": net}));
    Ok(Revaluation { date: a.date, entry_id: entry, reversal_entry_id: reversal, net, items: count })
}
