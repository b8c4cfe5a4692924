//! Bank reconciliation: statement lines matched to the bank account's ledger lines, one to
//! many and many to one. Suggestions look first for existing book lines (a payment already
//! entered is never entered again), then for open invoices and bills by reference, amount
//! and partner, then for rules. A reconciled line and its book line are locked; when a
//! statement is wholly reconciled its closing balance and the book balance are kept as an
//! assertion that `ledger.check` verifies.

use super::model::*;
use super::statements::StatementLine;
use crate::accounting::model::{AccountId, TaxId};
use crate::command::{Ctx, TenantCtx};
use crate::partners::model::PartnerId;
use crate::{Error, FieldCode, Result, arith, keys, money};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// Existing book lines (payments, moves) of the same amount.
    Book,
    /// Open invoices or bills: a payment is made from the line and allocated to them.
    Items,
    /// A rule: an expense or receipt booked to the rule's account.
    Rule,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Suggestion {
    pub statement_line_id: StatementLineId,
    pub kind: SuggestionKind,
    /// 0–100: how sure the match is.
    pub score: u32,
    pub book_line_ids: Vec<JournalLineId>,
    pub items: Vec<ItemAmount>,
    pub partner_id: Option<PartnerId>,
    pub partner_side: Option<PartnerSide>,
    pub rule_id: Option<BankRuleId>,
    pub account_id: Option<AccountId>,
    pub tax_id: Option<TaxId>,
    /// What the suggestion matches, for the screen (document numbers, the rule's name).
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SuggestArgs {
    pub bank_account_id: BankAccountId,
    /// Default: every unreconciled line of the account.
    #[serde(default)]
    pub statement_line_ids: Vec<StatementLineId>,
    /// Book lines this many days either side of a statement line's date (default 10).
    #[serde(default)]
    #[ts(optional)]
    pub days: Option<u32>,
}

/// What to book for the part of the statement lines no existing book line covers.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CreateFromLine {
    /// A payment of the partner, allocated to `items`; the rest stays as their credit.
    Payment { partner_side: PartnerSide, partner_id: PartnerId, #[serde(default)] items: Vec<ItemAmount> },
    /// An expense or receipt without an invoice.
    Move {
        account_id: AccountId,
        #[serde(default)]
        #[ts(optional)]
        partner_id: Option<PartnerId>,
        #[serde(default)]
        #[ts(optional)]
        tax_id: Option<TaxId>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ReconcileArgs {
    pub bank_account_id: BankAccountId,
    pub statement_line_ids: Vec<StatementLineId>,
    #[serde(default)]
    pub book_line_ids: Vec<JournalLineId>,
    #[serde(default)]
    #[ts(optional)]
    pub create: Option<CreateFromLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Reconciliation {
    pub id: BankRecId,
    pub bank_account_id: BankAccountId,
    pub statement_line_ids: Vec<StatementLineId>,
    pub book_line_ids: Vec<JournalLineId>,
    pub payment_id: Option<PaymentId>,
    pub move_id: Option<BankMoveId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BankRule {
    pub id: BankRuleId,
    pub bank_account_id: Option<BankAccountId>,
    pub name: String,
    pub pattern: String,
    pub account_id: AccountId,
    pub partner_id: Option<PartnerId>,
    pub tax_id: Option<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BankRuleInput {
    #[serde(default)]
    #[ts(optional)]
    pub bank_account_id: Option<BankAccountId>,
    pub name: String,
    pub pattern: String,
    pub account_id: AccountId,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    #[ts(optional)]
    pub tax_id: Option<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecReportArgs {
    pub bank_account_id: BankAccountId,
    /// Default: today.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct RecReport {
    pub bank_account_id: BankAccountId,
    pub date: NaiveDate,
    pub currency: String,
    /// The closing balance of the last statement up to the date (with balances).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub statement_balance: Option<Decimal>,
    pub statement_date: Option<NaiveDate>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub book_balance: Decimal,
    /// Book lines up to the date no statement line is matched to.
    pub unreconciled_book: Vec<BookLine>,
    /// Statement lines up to the date matched to no book line.
    pub unreconciled_statement: Vec<StatementLine>,
    /// Book balance − unreconciled book lines + unreconciled statement lines: equals the
    /// statement balance when everything is accounted for.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub adjusted_book_balance: Decimal,
}

fn text_of(l: &StatementLine) -> String {
    keys::fold(&format!("{} {} {} {}", l.reference, l.description, l.counterparty, l.bank_ref))
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase()
}

/// Suggested matches for statement lines, best first per line.
pub fn suggest(db: &Connection, t: &TenantCtx, a: &SuggestArgs) -> Result<Vec<Suggestion>> {
    let acc = super::bank::get(db, t, a.bank_account_id)?;
    let days = i64::from(a.days.unwrap_or(10).min(366));
    let lines: Vec<StatementLine> = if a.statement_line_ids.is_empty() {
        super::statements::lines(db, t, &super::statements::StatementLinesArgs { bank_account_id: acc.id, statement_id: None, unreconciled: Some(true), limit: Some(20_000) })?
    } else {
        let mut v = Vec::new();
        for (i, id) in a.statement_line_ids.iter().enumerate() {
            let (b, l) = super::statements::get_line(db, t, *id).map_err(|_| Error::field(format!("statement_line_ids.{i}"), FieldCode::NotFound))?;
            if b != acc.id {
                return Err(Error::field(format!("statement_line_ids.{i}"), FieldCode::NotFound));
            }
            if l.rec_id.is_none() {
                v.push(l);
            }
        }
        v
    };
    // Book lines not reconciled, by amount.
    let book = super::bank::book_lines(db, t, &BookLinesArgs { bank_account_id: acc.id, unreconciled: Some(true), from: None, to: None, limit: Some(10_000) })?;
    let mut by_amount: HashMap<Decimal, Vec<&BookLine>> = HashMap::new();
    for b in &book {
        by_amount.entry(b.amount.normalize()).or_default().push(b);
    }
    // Open items of both sides in the account's currency, by document and by amount.
    let mut items: Vec<OpenItem> = Vec::new();
    for side in [ItemSide::Receivable, ItemSide::Payable] {
        items.extend(super::items::open_items(
            db,
            t,
            &OpenItemsArgs { side, partner_id: None, currency: Some(acc.currency.clone()), at: None, include_closed: None, limit: None },
        )?);
    }
    let mut by_doc: HashMap<String, &OpenItem> = HashMap::new();
    let mut items_by_amount: HashMap<Decimal, Vec<&OpenItem>> = HashMap::new();
    for it in &items {
        if it.kind == "payment" || it.kind == "refund" || it.kind == "fx" {
            continue;
        }
        by_doc.insert(norm(&it.document), it);
        items_by_amount.entry(it.open_amount.normalize()).or_default().push(it);
    }
    let rules = list_rules(db, t)?;
    let mut out = Vec::new();
    let mut used_book = std::collections::HashSet::new();
    for l in &lines {
        let text = text_of(l);
        let ntext = norm(&text);
        // 1. Existing book lines of the same amount near the date.
        let mut best: Option<(u32, &BookLine)> = None;
        for b in by_amount.get(&l.amount.normalize()).map(|v| v.as_slice()).unwrap_or(&[]) {
            if used_book.contains(&b.id) {
                continue;
            }
            let diff = (b.date - l.date).num_days().abs();
            if diff > days {
                continue;
            }
            let mut score = 70u32.saturating_sub(diff as u32 * 2);
            let refs = [norm(&b.entry_number), norm(&b.reference)];
            if refs.iter().any(|r| r.len() >= 4 && ntext.contains(r.as_str())) {
                score += 25;
            }
            if let Some(p) = &b.partner_name
                && !p.is_empty()
                && text.contains(&keys::fold(p))
            {
                score += 5;
            }
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, b));
            }
        }
        if let Some((score, b)) = best {
            used_book.insert(b.id);
            out.push(Suggestion {
                statement_line_id: l.id,
                kind: SuggestionKind::Book,
                score: score.min(100),
                book_line_ids: vec![b.id],
                items: vec![],
                partner_id: b.partner_id,
                partner_side: None,
                rule_id: None,
                account_id: None,
                tax_id: None,
                label: b.entry_number.clone(),
            });
            continue;
        }
        // 2. Open items named in the text (one or many), or one of the same amount.
        // Money in pays receivables (open > 0); money out pays payables (open < 0).
        let want_positive = l.amount > Decimal::ZERO;
        let named: Vec<&OpenItem> = by_doc
            .iter()
            .filter(|(d, it)| d.len() >= 4 && ntext.contains(d.as_str()) && (it.open_amount > Decimal::ZERO) == want_positive)
            .map(|(_, it)| *it)
            .collect();
        let mut chosen: Vec<&OpenItem> = Vec::new();
        let mut score = 0;
        if !named.is_empty() {
            let p = named[0].partner_id;
            chosen = named.into_iter().filter(|i| i.partner_id == p).collect();
            chosen.sort_by_key(|i| i.id);
            let sum = arith::sum("amount", chosen.iter().map(|i| i.open_amount.abs()))?;
            score = if sum == l.amount.abs() { 95 } else { 75 };
        } else if let Some(c) = items_by_amount.get(&l.amount.normalize()) {
            // The same open amount: sure only if the counterparty names the partner.
            let by_name: Vec<&&OpenItem> = c.iter().filter(|i| !l.counterparty.is_empty() && keys::fold(&l.counterparty).contains(&keys::fold(&i.partner_name))).collect();
            if let Some(i) = by_name.first() {
                chosen = vec![**i];
                score = 85;
            } else if c.len() == 1 {
                chosen = vec![c[0]];
                score = 50;
            }
        }
        if !chosen.is_empty() {
            let mut left = l.amount.abs();
            let mut its = Vec::new();
            for i in &chosen {
                let take = i.open_amount.abs().min(left);
                if take.is_zero() {
                    break;
                }
                left = arith::sub("amount", left, take)?;
                its.push(ItemAmount { item_id: i.id, amount: take });
            }
            out.push(Suggestion {
                statement_line_id: l.id,
                kind: SuggestionKind::Items,
                score,
                book_line_ids: vec![],
                items: its,
                partner_id: Some(chosen[0].partner_id),
                partner_side: Some(if chosen[0].side == ItemSide::Receivable { PartnerSide::Customer } else { PartnerSide::Supplier }),
                rule_id: None,
                account_id: None,
                tax_id: None,
                label: chosen.iter().map(|i| i.document.as_str()).collect::<Vec<_>>().join(", "),
            });
            continue;
        }
        // 3. Rules.
        if let Some(r) = rules.iter().find(|r| (r.bank_account_id.is_none() || r.bank_account_id == Some(acc.id)) && text.contains(&keys::fold(&r.pattern))) {
            out.push(Suggestion {
                statement_line_id: l.id,
                kind: SuggestionKind::Rule,
                score: 80,
                book_line_ids: vec![],
                items: vec![],
                partner_id: r.partner_id,
                partner_side: None,
                rule_id: Some(r.id),
                account_id: Some(r.account_id),
                tax_id: r.tax_id,
                label: r.name.clone(),
            });
        }
    }
    Ok(out)
}

pub fn reconcile(ctx: &mut Ctx<'_>, a: ReconcileArgs) -> Result<Reconciliation> {
    let t = ctx.tenant()?;
    let acc = super::bank::get(ctx.db(), &t, a.bank_account_id)?;
    if a.statement_line_ids.is_empty() {
        return Err(Error::field("statement_line_ids", FieldCode::Required));
    }
    let mut stmt_sum = Decimal::ZERO;
    let mut latest = NaiveDate::MIN;
    let mut first_line: Option<StatementLine> = None;
    for (i, id) in a.statement_line_ids.iter().enumerate() {
        let (b, l) = super::statements::get_line(ctx.db(), &t, *id).map_err(|_| Error::field(format!("statement_line_ids.{i}"), FieldCode::NotFound))?;
        if b != acc.id {
            return Err(Error::field(format!("statement_line_ids.{i}"), FieldCode::NotFound));
        }
        if l.rec_id.is_some() {
            return Err(Error::field(format!("statement_line_ids.{i}"), FieldCode::AlreadyReconciled));
        }
        if a.statement_line_ids[..i].contains(id) {
            return Err(Error::field(format!("statement_line_ids.{i}"), FieldCode::Repeated));
        }
        stmt_sum = arith::add("amount", stmt_sum, l.amount)?;
        latest = latest.max(l.date);
        first_line.get_or_insert(l);
    }
    let mut book_ids = a.book_line_ids.clone();
    let mut book_sum = Decimal::ZERO;
    for (i, id) in book_ids.iter().enumerate() {
        let row: Option<(i64, AccountId, Option<i64>)> = ctx
            .db()
            .prepare_cached(
                "SELECT l.amount_currency, l.account_id, r.rec_id FROM journal_lines l LEFT JOIN bank_rec_book r ON r.tenant_id = l.tenant_id AND r.journal_line_id = l.id
                 WHERE l.tenant_id = ?1 AND l.id = ?2",
            )?
            .query_row(params![t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((amount, account, rec)) = row else { return Err(Error::field(format!("book_line_ids.{i}"), FieldCode::NotFound)) };
        if account != acc.account_id {
            return Err(Error::field(format!("book_line_ids.{i}"), FieldCode::NotFound));
        }
        if rec.is_some() {
            return Err(Error::field(format!("book_line_ids.{i}"), FieldCode::AlreadyReconciled));
        }
        if book_ids[..i].contains(id) {
            return Err(Error::field(format!("book_line_ids.{i}"), FieldCode::Repeated));
        }
        book_sum = arith::add("amount", book_sum, money::from_db(amount))?;
    }
    let rest = arith::sub("amount", stmt_sum, book_sum)?;
    let (mut payment_id, mut move_id) = (None, None);
    if !rest.is_zero() {
        let Some(create) = &a.create else {
            return Err(Error::field("book_line_ids", FieldCode::AmountsDiffer.with("left", stmt_sum.normalize()).with("right", book_sum.normalize())));
        };
        let l = first_line.clone().ok_or_else(|| Error::Internal("no line".into()))?;
        let text = [l.reference.as_str(), l.description.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
        let line_id = match create {
            CreateFromLine::Payment { partner_side, partner_id, items } => {
                let p = super::payments::create(
                    ctx,
                    PaymentInput {
                        partner_side: *partner_side,
                        direction: Some(if rest > Decimal::ZERO { Direction::In } else { Direction::Out }),
                        bank_account_id: acc.id,
                        partner_id: *partner_id,
                        date: latest,
                        amount: rest.abs(),
                        rate: None,
                        reference: l.reference.chars().take(200).collect(),
                        memo: l.description.chars().take(200).collect(),
                        allocations: items.clone(),
                        auto_allocate: None,
                        discount: None,
                        idempotency_key: None,
                    },
                )?;
                payment_id = Some(p.id);
                ctx.db().prepare_cached("SELECT bank_line_id FROM payments WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), p.id], |r| r.get(0))?
            }
            CreateFromLine::Move { account_id, partner_id, tax_id } => {
                let m = super::bank::create_move(
                    ctx,
                    BankMoveInput {
                        bank_account_id: acc.id,
                        kind: if rest > Decimal::ZERO { BankMoveKind::Receipt } else { BankMoveKind::Expense },
                        date: latest,
                        amount: rest.abs(),
                        counter_account_id: *account_id,
                        partner_id: *partner_id,
                        tax_id: *tax_id,
                        description: if text.is_empty() { l.counterparty.clone() } else { text.chars().take(200).collect() },
                        reference: l.bank_ref.chars().take(100).collect(),
                    },
                )?;
                move_id = Some(m.id);
                ctx.db().prepare_cached("SELECT bank_line_id FROM bank_moves WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), m.id], |r| r.get(0))?
            }
        };
        book_ids.push(line_id);
    } else if a.create.is_some() {
        return Err(Error::field("create", FieldCode::Invalid));
    }
    let db = ctx.db();
    db.prepare_cached("INSERT INTO bank_recs (tenant_id, bank_account_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        t.tenant_id(),
        acc.id,
        t.user_id(),
        ctx.now
    ])?;
    let id = BankRecId(db.last_insert_rowid());
    for l in &a.statement_line_ids {
        db.prepare_cached("INSERT INTO bank_rec_lines (tenant_id, rec_id, statement_line_id) VALUES (?1, ?2, ?3)")?.execute(params![t.tenant_id(), id, l])?;
    }
    for b in &book_ids {
        db.prepare_cached("INSERT INTO bank_rec_book (tenant_id, rec_id, journal_line_id) VALUES (?1, ?2, ?3)")?.execute(params![t.tenant_id(), id, b])?;
    }
    // Statements now wholly reconciled keep their balance as an assertion.
    let statements: Vec<StatementId> = db
        .prepare_cached(
            "SELECT DISTINCT s.id FROM bank_rec_lines r JOIN bank_statement_lines l ON l.tenant_id = r.tenant_id AND l.id = r.statement_line_id
             JOIN bank_statements s ON s.tenant_id = l.tenant_id AND s.id = l.statement_id
             WHERE r.tenant_id = ?1 AND r.rec_id = ?2 AND s.closing IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM bank_statement_lines x WHERE x.tenant_id = s.tenant_id AND x.statement_id = s.id
                   AND NOT EXISTS (SELECT 1 FROM bank_rec_lines y WHERE y.tenant_id = x.tenant_id AND y.statement_line_id = x.id))",
        )?
        .query_map(params![t.tenant_id(), id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for s in statements {
        let (date, closing): (NaiveDate, i64) =
            db.prepare_cached("SELECT date, closing FROM bank_statements WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), s], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let book = super::bank::balance_at(db, &t, &acc, date)?;
        db.prepare_cached(
            "INSERT OR IGNORE INTO bank_assertions (tenant_id, statement_id, bank_account_id, date, statement_balance, book_balance, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![t.tenant_id(), s, acc.id, date, closing, money::to_db("book", book)?, ctx.now])?;
    }
    ctx.audit("bank_rec", id, json!({"account": acc.id, "statement_lines": a.statement_line_ids, "book_lines": book_ids}));
    Ok(Reconciliation { id, bank_account_id: acc.id, statement_line_ids: a.statement_line_ids, book_line_ids: book_ids, payment_id, move_id })
}

/// Undoes a reconciliation: the lines are free again (a payment or move it created stays;
/// cancel it apart). The assertions of the statements it completed go with it.
pub fn undo(ctx: &mut Ctx<'_>, id: BankRecId) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    if !db.prepare_cached("SELECT 1 FROM bank_recs WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), id])? {
        return Err(Error::not_found("bank_rec", id));
    }
    db.prepare_cached(
        "DELETE FROM bank_assertions WHERE tenant_id = ?1 AND statement_id IN (SELECT l.statement_id FROM bank_rec_lines r
            JOIN bank_statement_lines l ON l.tenant_id = r.tenant_id AND l.id = r.statement_line_id WHERE r.tenant_id = ?1 AND r.rec_id = ?2)",
    )?
    .execute(params![t.tenant_id(), id])?;
    db.prepare_cached("DELETE FROM bank_rec_lines WHERE tenant_id = ?1 AND rec_id = ?2")?.execute(params![t.tenant_id(), id])?;
    db.prepare_cached("DELETE FROM bank_rec_book WHERE tenant_id = ?1 AND rec_id = ?2")?.execute(params![t.tenant_id(), id])?;
    db.prepare_cached("DELETE FROM bank_recs WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    ctx.audit("bank_rec", id, json!({"undone": true}));
    Ok(crate::command::Done::OK)
}

pub fn report(db: &Connection, t: &TenantCtx, a: &RecReportArgs, today: NaiveDate) -> Result<RecReport> {
    let acc = super::bank::get(db, t, a.bank_account_id)?;
    let date = a.date.unwrap_or(today);
    let last: Option<(NaiveDate, i64)> = db
        .prepare_cached("SELECT date, closing FROM bank_statements WHERE tenant_id = ?1 AND bank_account_id = ?2 AND closing IS NOT NULL AND date <= ?3 ORDER BY date DESC, id DESC LIMIT 1")?
        .query_row(params![t.tenant_id(), acc.id, date], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let book_balance = super::bank::balance_at(db, t, &acc, date)?;
    let unreconciled_book = super::bank::book_lines(db, t, &BookLinesArgs { bank_account_id: acc.id, unreconciled: Some(true), from: None, to: Some(date), limit: Some(10_000) })?;
    let unreconciled_statement: Vec<StatementLine> = super::statements::lines(db, t, &super::statements::StatementLinesArgs { bank_account_id: acc.id, statement_id: None, unreconciled: Some(true), limit: Some(20_000) })?
        .into_iter()
        .filter(|l| l.date <= date)
        .collect();
    let adjusted = arith::add(
        "amount",
        arith::sub("amount", book_balance, arith::sum("amount", unreconciled_book.iter().map(|b| b.amount))?)?,
        arith::sum("amount", unreconciled_statement.iter().map(|l| l.amount))?,
    )?;
    Ok(RecReport {
        bank_account_id: acc.id,
        date,
        currency: acc.currency,
        statement_balance: last.map(|l| money::from_db(l.1)),
        statement_date: last.map(|l| l.0),
        book_balance,
        unreconciled_book,
        unreconciled_statement,
        adjusted_book_balance: adjusted,
    })
}

/// Reconciled statements whose book balance at their date changed since.
pub fn check_assertions(db: &Connection, t: &TenantCtx) -> Result<Vec<String>> {
    let rows: Vec<(i64, String, NaiveDate, i64, AccountId)> = db
        .prepare_cached(
            "SELECT a.statement_id, b.name, a.date, a.book_balance, b.account_id FROM bank_assertions a JOIN bank_accounts b ON b.tenant_id = a.tenant_id AND b.id = a.bank_account_id
             WHERE a.tenant_id = ?1 ORDER BY a.date",
        )?
        .query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (s, name, date, kept, account) in rows {
        let now: i64 = db
            .prepare_cached("SELECT COALESCE(sum(amount_currency), 0) FROM journal_lines WHERE tenant_id = ?1 AND account_id = ?2 AND date <= ?3")?
            .query_row(params![t.tenant_id(), account, date], |r| r.get(0))?;
        if now != kept {
            out.push(format!(
                "{name}: the books at {date} (reconciled statement {s}) were {} and are now {}",
                money::from_db(kept).normalize(),
                money::from_db(now).normalize()
            ));
        }
    }
    Ok(out)
}

pub fn list_rules(db: &Connection, t: &TenantCtx) -> Result<Vec<BankRule>> {
    Ok(db
        .prepare_cached("SELECT id, bank_account_id, name, pattern, account_id, partner_id, tax_id FROM bank_rules WHERE tenant_id = ?1 ORDER BY name, id")?
        .query_map([t.tenant_id()], |r| {
            Ok(BankRule { id: r.get(0)?, bank_account_id: r.get(1)?, name: r.get(2)?, pattern: r.get(3)?, account_id: r.get(4)?, partner_id: r.get(5)?, tax_id: r.get(6)? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn create_rule(ctx: &mut Ctx<'_>, a: BankRuleInput) -> Result<BankRule> {
    let t = ctx.tenant()?;
    let mut c = crate::validate::Checker::new();
    let name = c.required("name", &a.name, 100);
    let pattern = c.required("pattern", &a.pattern, 200);
    c.finish()?;
    let acc = crate::accounting::chart::get_account(ctx.db(), &t, a.account_id).map_err(|_| Error::field("account_id", FieldCode::NotFound))?;
    if acc.is_group {
        return Err(Error::field("account_id", FieldCode::AccountIsGroup));
    }
    if let Some(b) = a.bank_account_id {
        super::bank::get(ctx.db(), &t, b).map_err(|_| Error::field("bank_account_id", FieldCode::NotFound))?;
    }
    let db = ctx.db();
    db.prepare_cached(
        "INSERT INTO bank_rules (tenant_id, bank_account_id, name, pattern, pattern_key, account_id, partner_id, tax_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![t.tenant_id(), a.bank_account_id, name, pattern, keys::fold(&pattern), a.account_id, a.partner_id, a.tax_id, ctx.now])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => Error::field("partner_id", FieldCode::NotFound),
        e => e.into(),
    })?;
    let id = BankRuleId(db.last_insert_rowid());
    ctx.audit("bank_rule", id, json!({"name": name, "pattern": pattern}));
    list_rules(ctx.db(), &t)?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("bank_rule", id))
}

pub fn delete_rule(ctx: &mut Ctx<'_>, id: BankRuleId) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let n = ctx.db().prepare_cached("DELETE FROM bank_rules WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    if n == 0 {
        return Err(Error::not_found("bank_rule", id));
    }
    ctx.audit("bank_rule", id, json!({"deleted": true}));
    Ok(crate::command::Done::OK)
}
