//! Bank and cash accounts (each one ledger account and one journal), money moved without
//! an invoice (receipts, expenses, transfers, cash counts), and the book lines of an
//! account that reconciliation matches statements against.

use super::model::*;
use crate::accounting::model::{AccountId, AccountInput, AccountSubtype, AccountType, EntryDraft, JournalInput, JournalKind, LineDraft, Source};
use crate::command::{Ctx, TenantCtx};
use crate::{Error, FieldCode, Reason, Result, arith, keys, money, validate};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde_json::json;

const COLS: &str = "b.id, b.kind, b.name, b.journal_id, j.code, b.account_id, a.code, b.currency, b.iban, b.number, b.bic, b.csv_mapping, b.archived,
    CASE WHEN b.currency = (SELECT c.base_currency FROM companies c WHERE c.id = b.tenant_id)
         THEN COALESCE((SELECT sum(k.debit) - sum(k.credit) FROM account_balances k WHERE k.tenant_id = b.tenant_id AND k.account_id = b.account_id), 0)
         ELSE COALESCE((SELECT sum(l.amount_currency) FROM journal_lines l WHERE l.tenant_id = b.tenant_id AND l.account_id = b.account_id), 0) END,
    (SELECT count(*) FROM bank_statement_lines s WHERE s.tenant_id = b.tenant_id AND s.bank_account_id = b.id
        AND NOT EXISTS (SELECT 1 FROM bank_rec_lines r WHERE r.tenant_id = s.tenant_id AND r.statement_line_id = s.id))";
/// The same without the balance and the unreconciled count, for the services that only
/// need the account's facts (a payment, a move, an import): no scan of its lines.
const FACTS: &str = "b.id, b.kind, b.name, b.journal_id, j.code, b.account_id, a.code, b.currency, b.iban, b.number, b.bic, b.csv_mapping, b.archived, 0, 0";
const FROM: &str = "bank_accounts b JOIN journals j ON j.tenant_id = b.tenant_id AND j.id = b.journal_id JOIN accounts a ON a.tenant_id = b.tenant_id AND a.id = b.account_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BankAccount> {
    let mapping: Option<String> = r.get(11)?;
    Ok(BankAccount {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        journal_id: r.get(3)?,
        journal_code: r.get(4)?,
        account_id: r.get(5)?,
        account_code: r.get(6)?,
        currency: r.get(7)?,
        iban: r.get(8)?,
        number: r.get(9)?,
        bic: r.get(10)?,
        csv_mapping: mapping.and_then(|m| serde_json::from_str(&m).ok()),
        archived: r.get(12)?,
        balance: money::from_db(r.get(13)?),
        unreconciled: r.get(14)?,
    })
}

pub fn get(db: &Connection, t: &TenantCtx, id: BankAccountId) -> Result<BankAccount> {
    db.prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE b.tenant_id = ?1 AND b.id = ?2"))?
        .query_row(params![t.tenant_id(), id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("bank_account", id))
}

/// An account's facts without its balance (see [`FACTS`]).
pub(crate) fn facts(db: &Connection, t: &TenantCtx, id: BankAccountId) -> Result<BankAccount> {
    db.prepare_cached(&format!("SELECT {FACTS} FROM {FROM} WHERE b.tenant_id = ?1 AND b.id = ?2"))?
        .query_row(params![t.tenant_id(), id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("bank_account", id))
}

pub fn list(db: &Connection, t: &TenantCtx, a: &crate::command::ArchivedArg) -> Result<Vec<BankAccount>> {
    let all = a.include_archived == Some(true);
    Ok(db
        .prepare_cached(&format!("SELECT {COLS} FROM {FROM} WHERE b.tenant_id = ?1 AND (?2 OR b.archived = 0) ORDER BY b.kind, b.name_key"))?
        .query_map(params![t.tenant_id(), all], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn required_name(name: &str) -> Result<String> {
    let mut c = validate::Checker::new();
    let name = c.required("name", name, 100);
    c.finish()?;
    Ok(name)
}

fn clean_iban(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

fn check_iban(field: &str, iban: &str) -> Result<()> {
    if iban.is_empty() {
        return Ok(());
    }
    // ISO 13616: two letters, two check digits, up to 30 alphanumerics; mod 97 = 1.
    let ok = iban.len() >= 15
        && iban.len() <= 34
        && iban.chars().all(|c| c.is_ascii_alphanumeric())
        && iban[..2].chars().all(|c| c.is_ascii_alphabetic())
        && iban[2..4].chars().all(|c| c.is_ascii_digit())
        && {
            let moved = format!("{}{}", &iban[4..], &iban[..4]);
            let mut rem: u32 = 0;
            for c in moved.chars() {
                let v = c.to_digit(36).unwrap_or(0);
                rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
            }
            rem == 1
        };
    if ok { Ok(()) } else { Err(Error::field(field, FieldCode::Invalid)) }
}

/// The bank and cash journals that have an account and no bank account yet become bank
/// and cash accounts (the chart's seeded `BNK` and `CSH`).
pub(crate) fn adopt_journals(db: &Connection, t: &TenantCtx, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let base = crate::accounting::chart::base_currency(db, t)?;
    let rows: Vec<(crate::accounting::model::JournalId, String, String, AccountId, Option<String>)> = db
        .prepare_cached(
            "SELECT j.id, j.kind, j.name, j.account_id, a.currency FROM journals j JOIN accounts a ON a.tenant_id = j.tenant_id AND a.id = j.account_id
             WHERE j.tenant_id = ?1 AND j.kind IN ('bank', 'cash')
               AND NOT EXISTS (SELECT 1 FROM bank_accounts b WHERE b.tenant_id = j.tenant_id AND (b.journal_id = j.id OR b.account_id = j.account_id))
             ORDER BY j.id",
        )?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (journal, kind, name, account, currency) in rows {
        if db.prepare_cached("SELECT 1 FROM bank_accounts WHERE tenant_id = ?1 AND name_key = ?2")?.exists(params![t.tenant_id(), keys::fold(&name)])? {
            continue;
        }
        db.prepare_cached(
            "INSERT INTO bank_accounts (tenant_id, kind, name, name_key, journal_id, account_id, currency, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![t.tenant_id(), kind, name, keys::fold(&name), journal, account, currency.unwrap_or_else(|| base.clone()), now])?;
    }
    Ok(())
}

/// Creates a bank or cash account: its ledger account (new, under the chart's others of
/// its kind, unless an existing one is given) and its journal.
pub fn create(ctx: &mut Ctx<'_>, a: BankAccountInput) -> Result<BankAccount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    crate::accounting::chart::require_chart(db, &t)?;
    let name = required_name(&a.name)?;
    let iban = clean_iban(&a.iban);
    check_iban("iban", &iban)?;
    let base = crate::accounting::chart::base_currency(db, &t)?;
    let currency = a.currency.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).unwrap_or(base.clone());
    if currency != base && !crate::accounting::currency::is_enabled(db, &t, &currency)? {
        return Err(Error::field("currency", FieldCode::CurrencyNotEnabled.with("currency", &currency)));
    }
    if db.prepare_cached("SELECT 1 FROM bank_accounts WHERE tenant_id = ?1 AND name_key = ?2")?.exists(params![t.tenant_id(), keys::fold(&name)])? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("value", &name)));
    }
    let subtype = if a.kind == BankKind::Bank { AccountSubtype::Bank } else { AccountSubtype::Cash };
    let account = match a.account_id {
        Some(id) => {
            let acc = crate::accounting::chart::get_account(db, &t, id)?;
            if acc.subtype != subtype || acc.is_group {
                return Err(Error::field("account_id", FieldCode::WrongSubtype.with("subtype", subtype.as_str())));
            }
            if db.prepare_cached("SELECT 1 FROM bank_accounts WHERE tenant_id = ?1 AND account_id = ?2")?.exists(params![t.tenant_id(), id])? {
                return Err(Error::conflict("account_id", FieldCode::ValueInUse));
            }
            id
        }
        None => {
            // Under the parent of the last account of this subtype, with the next code.
            let last: Option<(String, Option<AccountId>)> = db
                .prepare_cached("SELECT code, parent_id FROM accounts WHERE tenant_id = ?1 AND subtype = ?2 AND is_group = 0 ORDER BY code DESC LIMIT 1")?
                .query_row(params![t.tenant_id(), subtype], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (mut code, parent) = match last {
                Some((c, p)) => (c, p),
                None => ("1199".into(), None),
            };
            loop {
                code = match code.parse::<u64>() {
                    Ok(n) => (n + 1).to_string(),
                    Err(_) => format!("{code}-1"),
                };
                if crate::accounting::chart::get_id_by_code(db, &t, &code)?.is_none() {
                    break;
                }
            }
            let input = AccountInput {
                code,
                name: name.clone(),
                account_type: AccountType::Asset,
                subtype,
                parent_id: parent,
                is_group: None,
                currency: if currency != base { Some(currency.clone()) } else { None },
                reconcilable: Some(true),
            };
            crate::accounting::chart::insert_account(db, &t, &input, ctx.now)?
        }
    };
    let kind = if a.kind == BankKind::Bank { JournalKind::Bank } else { JournalKind::Cash };
    let journal = match db
        .prepare_cached("SELECT id FROM journals WHERE tenant_id = ?1 AND account_id = ?2 AND kind = ?3")?
        .query_row(params![t.tenant_id(), account, kind], |r| r.get(0))
        .optional()?
    {
        Some(j) => j,
        None => {
            let mut code = a.journal_code.clone().map(|c| c.trim().to_ascii_uppercase()).unwrap_or_default();
            if code.is_empty() {
                let stem: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).take(4).collect::<String>().to_ascii_uppercase();
                let stem = if stem.is_empty() { "BANK".to_string() } else { stem };
                code = stem.clone();
                let mut n = 1;
                while db.prepare_cached("SELECT 1 FROM journals WHERE tenant_id = ?1 AND code_key = ?2")?.exists(params![t.tenant_id(), keys::fold(&code)])? {
                    n += 1;
                    code = format!("{stem}{n}");
                }
            }
            crate::accounting::journals::create(ctx, JournalInput { code, name: name.clone(), kind, account_id: Some(account) })?.id
        }
    };
    let db = ctx.db();
    db.prepare_cached(
        "INSERT INTO bank_accounts (tenant_id, kind, name, name_key, journal_id, account_id, currency, iban, number, bic, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![t.tenant_id(), a.kind, name, keys::fold(&name), journal, account, currency, iban, a.number.trim(), a.bic.trim().to_ascii_uppercase(), ctx.now])?;
    let id = BankAccountId(db.last_insert_rowid());
    ctx.audit("bank_account", id, json!({"name": name, "kind": a.kind, "currency": currency}));
    get(ctx.db(), &t, id)
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdateBankAccountArgs) -> Result<BankAccount> {
    let t = ctx.tenant()?;
    let old = get(ctx.db(), &t, a.id)?;
    let name = required_name(&a.name)?;
    let iban = clean_iban(&a.iban);
    check_iban("iban", &iban)?;
    if ctx
        .db()
        .prepare_cached("SELECT 1 FROM bank_accounts WHERE tenant_id = ?1 AND name_key = ?2 AND id <> ?3")?
        .exists(params![t.tenant_id(), keys::fold(&name), a.id])?
    {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("value", &name)));
    }
    ctx.db()
        .prepare_cached("UPDATE bank_accounts SET name = ?3, name_key = ?4, iban = ?5, number = ?6, bic = ?7, updated_at = ?8 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, name, keys::fold(&name), iban, a.number.trim(), a.bic.trim().to_ascii_uppercase(), ctx.now])?;
    ctx.audit("bank_account", a.id, json!({"name": [old.name, name], "iban": [old.iban, iban]}));
    get(ctx.db(), &t, a.id)
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: crate::command::SetArchivedArg<BankAccountId>) -> Result<BankAccount> {
    let t = ctx.tenant()?;
    get(ctx.db(), &t, a.id)?;
    ctx.db().prepare_cached("UPDATE bank_accounts SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![
        t.tenant_id(),
        a.id,
        a.archived,
        ctx.now
    ])?;
    ctx.audit("bank_account", a.id, json!({"archived": a.archived}));
    get(ctx.db(), &t, a.id)
}

pub fn set_csv_mapping(ctx: &mut Ctx<'_>, a: SetCsvMappingArgs) -> Result<BankAccount> {
    let t = ctx.tenant()?;
    get(ctx.db(), &t, a.id)?;
    let json = match &a.mapping {
        Some(m) => Some(serde_json::to_string(m).map_err(|e| Error::Internal(e.to_string()))?),
        None => None,
    };
    ctx.db().prepare_cached("UPDATE bank_accounts SET csv_mapping = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![
        t.tenant_id(),
        a.id,
        json,
        ctx.now
    ])?;
    ctx.audit("bank_account", a.id, json!({"csv_mapping": a.mapping.is_some()}));
    get(ctx.db(), &t, a.id)
}

/// The base amount of `amount` in `currency` on `date` (rate given or the date's), and the rate.
pub(crate) fn to_base(db: &Connection, t: &TenantCtx, field: &str, amount: Decimal, currency: &str, date: NaiveDate, rate: Option<Decimal>) -> Result<(Decimal, Decimal)> {
    let base = crate::accounting::chart::base_currency(db, t)?;
    if currency == base {
        return Ok((amount, Decimal::ONE));
    }
    let rate = match rate {
        Some(r) if r > Decimal::ZERO => r,
        Some(_) => return Err(Error::field("rate", FieldCode::NotPositive)),
        None => crate::accounting::currency::rate_for(db, t, currency, date)
            .map_err(|_| Error::field("rate", FieldCode::NoExchangeRate.with("currency", currency).with("date", date)))?,
    };
    let v = money::round_money(field, arith::mul(field, amount, rate)?, &base, false)?;
    Ok((v, rate))
}

/// A line on a bank account: `signed` in its currency (+ in), `base` in base currency.
pub(crate) fn bank_line(acc: &BankAccount, base_ccy: &str, signed: Decimal, base: Decimal, text: &str) -> LineDraft {
    LineDraft {
        account_id: Some(acc.account_id),
        partner_id: None,
        description: text.into(),
        debit: if signed > Decimal::ZERO { base } else { Decimal::ZERO },
        credit: if signed > Decimal::ZERO { Decimal::ZERO } else { base },
        currency: if acc.currency != base_ccy { Some(acc.currency.clone()) } else { None },
        amount_currency: if acc.currency != base_ccy { Some(signed) } else { None },
        tax_id: None,
        tax_base: None,
    }
}

pub(crate) fn plain_line(account: AccountId, base: Decimal, text: &str) -> LineDraft {
    LineDraft {
        account_id: Some(account),
        partner_id: None,
        description: text.into(),
        debit: base.max(Decimal::ZERO),
        credit: (-base).max(Decimal::ZERO),
        currency: None,
        amount_currency: None,
        tax_id: None,
        tax_base: None,
    }
}

/// The ledger line of `entry` on `account`.
pub(crate) fn line_of(db: &Connection, t: &TenantCtx, entry: crate::accounting::model::EntryId, account: AccountId) -> Result<JournalLineId> {
    Ok(db
        .prepare_cached("SELECT id FROM journal_lines WHERE tenant_id = ?1 AND entry_id = ?2 AND account_id = ?3 ORDER BY line_no LIMIT 1")?
        .query_row(params![t.tenant_id(), entry, account], |r| r.get(0))?)
}

/// Money in or out without an invoice: the bank line against the counter account (and a
/// tax included in the amount, booked apart).
pub fn create_move(ctx: &mut Ctx<'_>, a: BankMoveInput) -> Result<BankMove> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let acc = facts(db, &t, a.bank_account_id)?;
    if acc.archived {
        return Err(Error::field("bank_account_id", FieldCode::Archived));
    }
    let amount = money::check_money("amount", a.amount, &acc.currency)?;
    if amount <= Decimal::ZERO {
        return Err(Error::field("amount", FieldCode::NotPositive));
    }
    let signed = match a.kind {
        BankMoveKind::Receipt => amount,
        BankMoveKind::Expense => -amount,
        _ => return Err(Error::field("kind", FieldCode::NotOneOf.with("allowed", "receipt, expense"))),
    };
    let base_ccy = crate::accounting::chart::base_currency(db, &t)?;
    let (base, _) = to_base(db, &t, "amount", amount, &acc.currency, a.date, None)?;
    let text = if a.description.trim().is_empty() { a.kind.as_str().to_string() } else { a.description.trim().to_string() };
    let mut lines = vec![bank_line(&acc, &base_ccy, signed, base, &text)];
    // The counter side, net of an included tax.
    let sign = if signed > Decimal::ZERO { Decimal::NEGATIVE_ONE } else { Decimal::ONE };
    let mut net = base;
    if let Some(tax_id) = a.tax_id {
        let tax = crate::accounting::tax::get_tax(db, &t, tax_id)?;
        let account = if signed > Decimal::ZERO { tax.collected_account_id } else { tax.paid_account_id }
            .ok_or_else(|| Error::field("tax_id", FieldCode::TaxKindMismatch.with("kind", if signed > Decimal::ZERO { "sales" } else { "purchase" })))?;
        let hundred = Decimal::ONE_HUNDRED;
        let divisor = arith::add("tax_id", hundred, tax.rate)?;
        net = money::round_money("amount", arith::div("amount", arith::mul("amount", base, hundred)?, divisor)?, &base_ccy, false)?;
        let tax_amount = arith::sub("amount", base, net)?;
        if !tax_amount.is_zero() {
            let mut l = plain_line(account, arith::mul("amount", tax_amount, sign)?, &tax.name);
            l.tax_id = Some(tax_id);
            l.tax_base = Some(net);
            lines.push(l);
        }
    }
    let mut counter = plain_line(a.counter_account_id, arith::mul("amount", net, sign)?, &text);
    counter.partner_id = a.partner_id;
    lines.push(counter);
    let next: i64 = db.prepare_cached("SELECT COALESCE(max(id), 0) + 1 FROM bank_moves")?.query_row([], |r| r.get(0))?;
    let draft = EntryDraft { journal_id: acc.journal_id, date: a.date, reference: a.reference.trim().into(), memo: text.clone(), lines };
    let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "bank_move".into(), id: Some(next) })?;
    let id = insert_move(ctx, &t, &acc, a.kind, a.date, signed, Some(a.counter_account_id), a.partner_id, a.tax_id, &text, a.reference.trim(), None, posted.id)?;
    get_move(ctx.db(), &t, id)
}

#[allow(clippy::too_many_arguments)]
fn insert_move(
    ctx: &mut Ctx<'_>,
    t: &TenantCtx,
    acc: &BankAccount,
    kind: BankMoveKind,
    date: NaiveDate,
    signed: Decimal,
    counter: Option<AccountId>,
    partner: Option<crate::partners::model::PartnerId>,
    tax: Option<crate::accounting::model::TaxId>,
    text: &str,
    reference: &str,
    transfer: Option<i64>,
    entry: crate::accounting::model::EntryId,
) -> Result<BankMoveId> {
    let db = ctx.db();
    let line = line_of(db, t, entry, acc.account_id)?;
    db.prepare_cached(
        "INSERT INTO bank_moves (tenant_id, bank_account_id, kind, date, amount, counter_account_id, partner_id, tax_id, description, reference, transfer_id,
            entry_id, bank_line_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![t.tenant_id(), acc.id, kind, date, money::to_db("amount", signed)?, counter, partner, tax, text, reference, transfer, entry, line, t.user_id(), ctx.now])?;
    let id = BankMoveId(db.last_insert_rowid());
    ctx.audit("bank_move", id, json!({"kind": kind, "amount": signed, "account": acc.id, "entry": entry}));
    Ok(id)
}

pub fn get_move(db: &Connection, t: &TenantCtx, id: BankMoveId) -> Result<BankMove> {
    db.prepare_cached(
        "SELECT m.id, m.bank_account_id, m.kind, m.date, m.amount, m.counter_account_id, m.partner_id, m.tax_id, m.description, m.reference, m.entry_id, e.number
         FROM bank_moves m JOIN journal_entries e ON e.tenant_id = m.tenant_id AND e.id = m.entry_id WHERE m.tenant_id = ?1 AND m.id = ?2",
    )?
    .query_row(params![t.tenant_id(), id], |r| {
        Ok(BankMove {
            id: r.get(0)?,
            bank_account_id: r.get(1)?,
            kind: r.get(2)?,
            date: r.get(3)?,
            amount: money::from_db(r.get(4)?),
            counter_account_id: r.get(5)?,
            partner_id: r.get(6)?,
            tax_id: r.get(7)?,
            description: r.get(8)?,
            reference: r.get(9)?,
            entry_id: r.get(10)?,
            entry_number: r.get(11)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("bank_move", id))
}

/// A transfer between two accounts of the company, in one entry of the first account's
/// journal; a fee is charged to the first account on top.
pub fn transfer(ctx: &mut Ctx<'_>, a: TransferInput) -> Result<Vec<BankMove>> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if a.from_account_id == a.to_account_id {
        return Err(Error::field("to_account_id", FieldCode::SameLocation));
    }
    let from = facts(db, &t, a.from_account_id)?;
    let to = facts(db, &t, a.to_account_id)?;
    let amount = money::check_money("amount", a.amount, &from.currency)?;
    if amount <= Decimal::ZERO {
        return Err(Error::field("amount", FieldCode::NotPositive));
    }
    let base_ccy = crate::accounting::chart::base_currency(db, &t)?;
    let received = match a.received {
        Some(r) => money::check_money("received", r, &to.currency)?,
        None if from.currency == to.currency => amount,
        None => return Err(Error::field("received", FieldCode::Required)),
    };
    if received <= Decimal::ZERO {
        return Err(Error::field("received", FieldCode::NotPositive));
    }
    let (base_out, _) = to_base(db, &t, "amount", amount, &from.currency, a.date, None)?;
    let (base_in, _) = to_base(db, &t, "received", received, &to.currency, a.date, None)?;
    let text = if a.description.trim().is_empty() { format!("Transfer {} → {}", from.name, to.name) } else { a.description.trim().to_string() };
    let mut lines = vec![bank_line(&from, &base_ccy, -amount, base_out, &text), bank_line(&to, &base_ccy, received, base_in, &text)];
    let diff = arith::sub("received", base_out, base_in)?;
    if !diff.is_zero() {
        // What the conversion gained or lost.
        let s = crate::accounting::chart::get_settings(db, &t)?;
        let acc = if diff > Decimal::ZERO { s.defaults.fx_loss } else { s.defaults.fx_gain }
            .ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", if diff > Decimal::ZERO { "fx_loss" } else { "fx_gain" })))?;
        lines.push(plain_line(acc, diff, "Exchange difference"));
    }
    if let Some(fee) = a.fee.filter(|f| !f.is_zero()) {
        let fee = money::check_money("fee", fee, &from.currency)?;
        if fee < Decimal::ZERO {
            return Err(Error::field("fee", FieldCode::Negative));
        }
        let account = a.fee_account_id.ok_or_else(|| Error::field("fee_account_id", FieldCode::Required))?;
        let (fee_base, _) = to_base(db, &t, "fee", fee, &from.currency, a.date, None)?;
        lines.push(bank_line(&from, &base_ccy, -fee, fee_base, "Transfer fee"));
        lines.push(plain_line(account, fee_base, "Transfer fee"));
    }
    let next: i64 = db.prepare_cached("SELECT COALESCE(max(id), 0) + 1 FROM bank_moves")?.query_row([], |r| r.get(0))?;
    let draft = EntryDraft { journal_id: from.journal_id, date: a.date, reference: String::new(), memo: text.clone(), lines };
    let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "transfer".into(), id: Some(next) })?;
    let m1 = insert_move(ctx, &t, &from, BankMoveKind::Transfer, a.date, -amount, None, None, None, &text, "", Some(next), posted.id)?;
    let m2 = insert_move(ctx, &t, &to, BankMoveKind::Transfer, a.date, received, None, None, None, &text, "", Some(next), posted.id)?;
    Ok(vec![get_move(ctx.db(), &t, m1)?, get_move(ctx.db(), &t, m2)?])
}

/// The book balance of a bank account at a date, in its currency.
pub fn balance_at(db: &Connection, t: &TenantCtx, acc: &BankAccount, date: NaiveDate) -> Result<Decimal> {
    let v: i64 = db
        .prepare_cached("SELECT COALESCE(sum(amount_currency), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2 AND date <= ?3")?
        .query_row(params![t.tenant_id(), acc.account_id, date], |r| r.get(0))?;
    Ok(money::from_db(v))
}

/// A cash count: the difference between what was counted and the books is posted to the
/// cash difference account.
pub fn cash_count(ctx: &mut Ctx<'_>, a: CashCountArgs) -> Result<CashCount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let acc = facts(db, &t, a.bank_account_id)?;
    if acc.kind != BankKind::Cash {
        return Err(Error::field("bank_account_id", FieldCode::WrongSubtype.with("subtype", "cash")));
    }
    let counted = money::check_money("counted", a.counted, &acc.currency)?;
    if counted < Decimal::ZERO {
        return Err(Error::field("counted", FieldCode::Negative));
    }
    let book = balance_at(db, &t, &acc, a.date)?;
    let difference = arith::sub("counted", counted, book)?;
    if difference.is_zero() {
        ctx.wrote_nothing();
        return Ok(CashCount { book, counted, difference, move_id: None });
    }
    let account = match a.account_id {
        Some(x) => x,
        None => super::settings::get(db, &t)?.cash_difference_account_id.ok_or_else(|| Error::field("account_id", FieldCode::Required))?,
    };
    let base_ccy = crate::accounting::chart::base_currency(db, &t)?;
    let (base, _) = to_base(db, &t, "counted", difference.abs(), &acc.currency, a.date, None)?;
    let signed_base = if difference > Decimal::ZERO { base } else { -base };
    let lines = vec![bank_line(&acc, &base_ccy, difference, base, "Cash count difference"), plain_line(account, -signed_base, "Cash count difference")];
    let next: i64 = db.prepare_cached("SELECT COALESCE(max(id), 0) + 1 FROM bank_moves")?.query_row([], |r| r.get(0))?;
    let draft = EntryDraft { journal_id: acc.journal_id, date: a.date, reference: String::new(), memo: "Cash count".into(), lines };
    let posted = crate::accounting::ledger::post(ctx, draft, Source { module: "finance".into(), kind: "cash_count".into(), id: Some(next) })?;
    let id = insert_move(ctx, &t, &acc, BankMoveKind::Count, a.date, difference, Some(account), None, None, "Cash count difference", "", None, posted.id)?;
    Ok(CashCount { book, counted, difference, move_id: Some(id) })
}

/// The ledger lines of a bank account: what reconciliation matches statement lines to.
pub fn book_lines(db: &Connection, t: &TenantCtx, a: &BookLinesArgs) -> Result<Vec<BookLine>> {
    let acc = facts(db, t, a.bank_account_id)?;
    let from = a.from.map(|d| d.to_string()).unwrap_or_else(|| "0000-01-01".into());
    let to = a.to.map(|d| d.to_string()).unwrap_or_else(|| "9999-12-31".into());
    let only_open = a.unreconciled == Some(true);
    let limit = a.limit.unwrap_or(1000).min(10_000);
    Ok(db
        .prepare_cached(
            "SELECT l.id, l.entry_id, e.number, l.date, l.amount_currency, p.id, p.name, e.reference, COALESCE(NULLIF(l.description, ''), e.memo),
                    (SELECT py.id FROM payments py WHERE py.tenant_id = l.tenant_id AND py.bank_line_id = l.id), r.rec_id
             FROM journal_lines l JOIN journal_entries e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id
             LEFT JOIN payments py2 ON py2.tenant_id = l.tenant_id AND py2.bank_line_id = l.id
             LEFT JOIN partners p ON p.tenant_id = l.tenant_id AND p.id = py2.partner_id
             LEFT JOIN bank_rec_book r ON r.tenant_id = l.tenant_id AND r.journal_line_id = l.id
             WHERE l.tenant_id = ?1 AND l.account_id = ?2 AND l.date BETWEEN ?3 AND ?4 AND (NOT ?5 OR r.rec_id IS NULL)
             ORDER BY l.date, l.id LIMIT ?6",
        )?
        .query_map(params![t.tenant_id(), acc.account_id, from, to, only_open, limit], |r| {
            Ok(BookLine {
                id: r.get(0)?,
                entry_id: r.get(1)?,
                entry_number: r.get(2)?,
                date: r.get(3)?,
                amount: money::from_db(r.get(4)?),
                partner_id: r.get(5)?,
                partner_name: r.get(6)?,
                reference: r.get(7)?,
                description: r.get(8)?,
                payment_id: r.get(9)?,
                rec_id: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}
