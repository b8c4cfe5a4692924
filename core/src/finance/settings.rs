//! Per-company finance settings: early-payment discount terms, the discount, cash
//! difference and unrealised exchange accounts, and the aging buckets.

use crate::accounting::model::AccountId;
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Result, money};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct FinanceSettings {
    /// A payment within this many days of an invoice's date may take the discount (0: none).
    pub discount_days: u32,
    /// Percent off the invoice total.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub discount_percent: Decimal,
    pub discount_given_account_id: Option<AccountId>,
    pub discount_taken_account_id: Option<AccountId>,
    pub cash_difference_account_id: Option<AccountId>,
    pub unrealised_gain_account_id: Option<AccountId>,
    pub unrealised_loss_account_id: Option<AccountId>,
    /// The upper bounds in days of the overdue aging buckets after "current" (30, 60, 90 → 1–30, 31–60, 61–90, 90+).
    pub aging_buckets: Vec<u32>,
}

pub fn get(db: &Connection, t: &TenantCtx) -> Result<FinanceSettings> {
    let row = db
        .prepare_cached(
            "SELECT discount_days, discount_percent, discount_given_account_id, discount_taken_account_id, cash_difference_account_id,
                    unrealised_gain_account_id, unrealised_loss_account_id, aging_buckets FROM finance_settings WHERE tenant_id = ?1",
        )?
        .query_row([t.tenant_id()], |r| {
            let buckets: String = r.get(7)?;
            Ok(FinanceSettings {
                discount_days: r.get(0)?,
                discount_percent: money::from_db(r.get(1)?),
                discount_given_account_id: r.get(2)?,
                discount_taken_account_id: r.get(3)?,
                cash_difference_account_id: r.get(4)?,
                unrealised_gain_account_id: r.get(5)?,
                unrealised_loss_account_id: r.get(6)?,
                aging_buckets: serde_json::from_str(&buckets).unwrap_or_else(|_| vec![30, 60, 90]),
            })
        })
        .optional()?;
    Ok(row.unwrap_or(FinanceSettings {
        discount_days: 0,
        discount_percent: Decimal::ZERO,
        discount_given_account_id: None,
        discount_taken_account_id: None,
        cash_difference_account_id: None,
        unrealised_gain_account_id: None,
        unrealised_loss_account_id: None,
        aging_buckets: vec![30, 60, 90],
    }))
}

pub fn check_buckets(field: &str, b: &[u32]) -> Result<()> {
    if b.is_empty() || b.len() > 8 || b.windows(2).any(|w| w[0] >= w[1]) || b[0] == 0 || b[b.len() - 1] > 3650 {
        return Err(Error::field(field, FieldCode::Invalid));
    }
    Ok(())
}

pub fn update(ctx: &mut Ctx<'_>, a: FinanceSettings) -> Result<FinanceSettings> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if a.discount_days > 365 {
        return Err(Error::field("discount_days", FieldCode::OutOfRange.with("min", 0).with("max", 365)));
    }
    if a.discount_percent < Decimal::ZERO || a.discount_percent > Decimal::ONE_HUNDRED {
        return Err(Error::field("discount_percent", FieldCode::OutOfRange.with("min", 0).with("max", 100)));
    }
    check_buckets("aging_buckets", &a.aging_buckets)?;
    for (f, acc) in [
        ("discount_given_account_id", a.discount_given_account_id),
        ("discount_taken_account_id", a.discount_taken_account_id),
        ("cash_difference_account_id", a.cash_difference_account_id),
        ("unrealised_gain_account_id", a.unrealised_gain_account_id),
        ("unrealised_loss_account_id", a.unrealised_loss_account_id),
    ] {
        if let Some(id) = acc {
            let acc = crate::accounting::chart::get_account(db, &t, id).map_err(|_| Error::field(f, FieldCode::NotFound))?;
            if acc.is_group {
                return Err(Error::field(f, FieldCode::AccountIsGroup));
            }
        }
    }
    let buckets = serde_json::to_string(&a.aging_buckets).map_err(|e| Error::Internal(e.to_string()))?;
    db.prepare_cached(
        "INSERT INTO finance_settings (tenant_id, discount_days, discount_percent, discount_given_account_id, discount_taken_account_id, cash_difference_account_id,
            unrealised_gain_account_id, unrealised_loss_account_id, aging_buckets, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (tenant_id) DO UPDATE SET discount_days = ?2, discount_percent = ?3, discount_given_account_id = ?4, discount_taken_account_id = ?5,
            cash_difference_account_id = ?6, unrealised_gain_account_id = ?7, unrealised_loss_account_id = ?8, aging_buckets = ?9, updated_at = ?10",
    )?
    .execute(params![
        t.tenant_id(),
        a.discount_days,
        money::to_db("discount_percent", a.discount_percent)?,
        a.discount_given_account_id,
        a.discount_taken_account_id,
        a.cash_difference_account_id,
        a.unrealised_gain_account_id,
        a.unrealised_loss_account_id,
        buckets,
        ctx.now
    ])?;
    ctx.audit("finance_settings", t.tenant_id(), json!({"discount_days": a.discount_days, "discount_percent": a.discount_percent}));
    get(ctx.db(), &t)
}
