//! Manual journal entries: drafts (no number; edited and deleted freely), posting through
//! the engine, reversal, duplication, and the entry list.

use super::model::*;
use crate::command::{Ctx, Done, TenantCtx};
use crate::{Error, FieldCode, Result, money};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

pub fn get_entry(db: &Connection, t: &TenantCtx, id: EntryId) -> Result<Entry> {
    let mut e = db
        .prepare_cached(
            "SELECT e.id, e.journal_id, j.code, e.state, e.number, e.date, e.period_id, e.reference, e.memo, e.source_module, e.source_kind, e.source_id,
                    e.reverses_id, rv.number, rb.id, rb.number, e.created_at, e.posted_at
             FROM journal_entries e JOIN journals j ON j.tenant_id = e.tenant_id AND j.id = e.journal_id
             LEFT JOIN journal_entries rv ON rv.tenant_id = e.tenant_id AND rv.id = e.reverses_id
             LEFT JOIN journal_entries rb ON rb.tenant_id = e.tenant_id AND rb.reverses_id = e.id
             WHERE e.tenant_id = ?1 AND e.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(Entry {
                id: r.get(0)?,
                journal_id: r.get(1)?,
                journal_code: r.get(2)?,
                state: r.get(3)?,
                number: r.get(4)?,
                date: r.get(5)?,
                period_id: r.get(6)?,
                reference: r.get(7)?,
                memo: r.get(8)?,
                source: Source { module: r.get(9)?, kind: r.get(10)?, id: r.get(11)? },
                reverses_id: r.get(12)?,
                reverses_number: r.get(13)?,
                reversed_by_id: r.get(14)?,
                reversed_by_number: r.get(15)?,
                total_debit: Default::default(),
                total_credit: Default::default(),
                lines: vec![],
                created_at: r.get(16)?,
                posted_at: r.get(17)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("journal_entry", id))?;
    let table = if e.state == EntryState::Posted { "journal_lines" } else { "journal_draft_lines" };
    let mut st = db.prepare_cached(&format!(
        "SELECT l.line_no, l.account_id, a.code, a.name, l.partner_id, p.name, l.description, l.debit, l.credit, l.currency, l.amount_currency, l.tax_id, l.tax_base
         FROM {table} l LEFT JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
         LEFT JOIN partners p ON p.tenant_id = l.tenant_id AND p.id = l.partner_id
         WHERE l.tenant_id = ?1 AND l.entry_id = ?2 ORDER BY l.line_no"
    ))?;
    let lines = st.query_map(params![t.tenant_id(), id], |r| {
        Ok(EntryLine {
            line_no: r.get(0)?,
            account_id: r.get(1)?,
            account_code: r.get(2)?,
            account_name: r.get(3)?,
            partner_id: r.get(4)?,
            partner_name: r.get(5)?,
            description: r.get(6)?,
            debit: money::from_db(r.get(7)?),
            credit: money::from_db(r.get(8)?),
            currency: r.get(9)?,
            amount_currency: r.get::<_, Option<i64>>(10)?.map(money::from_db),
            tax_id: r.get(11)?,
            tax_base: r.get::<_, Option<i64>>(12)?.map(money::from_db),
        })
    })?;
    e.lines = lines.collect::<rusqlite::Result<_>>()?;
    e.total_debit = crate::arith::sum("total_debit", e.lines.iter().map(|l| l.debit))?;
    e.total_credit = crate::arith::sum("total_credit", e.lines.iter().map(|l| l.credit))?;
    Ok(e)
}

pub fn get(ctx: &mut Ctx<'_>, id: EntryId) -> Result<Entry> {
    let t = ctx.tenant()?;
    get_entry(ctx.db(), &t, id)
}

/// Checks a draft only as far as storing it needs: the journal, known accounts, partners
/// and taxes, amounts that fit. Balance and periods are the engine's business at posting.
fn check_draft(db: &Connection, t: &TenantCtx, d: &EntryDraft) -> Result<()> {
    let mut c = crate::validate::Checker::new();
    match super::journals::get_journal(db, t, d.journal_id) {
        Ok(j) if j.kind == JournalKind::Closing => c.push("journal_id", FieldCode::ClosingJournalReserved),
        Ok(_) => {}
        Err(_) => c.push("journal_id", FieldCode::NotFound.with("entity", "journal")),
    }
    c.optional("reference", &d.reference, 200);
    c.optional("memo", &d.memo, 2000);
    if d.lines.len() > 10_000 {
        c.push("lines", FieldCode::TooLong.with("max", 10_000));
    }
    for (i, l) in d.lines.iter().enumerate() {
        let f = |n: &str| format!("lines.{i}.{n}");
        if let Some(a) = l.account_id
            && !db.prepare_cached("SELECT 1 FROM accounts WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), a])?
        {
            c.push(&f("account_id"), FieldCode::NotFound.with("entity", "account"));
        }
        if let Some(p) = l.partner_id
            && !db.prepare_cached("SELECT 1 FROM partners WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), p])?
        {
            c.push(&f("partner_id"), FieldCode::NotFound.with("entity", "partner"));
        }
        if let Some(x) = l.tax_id
            && !db.prepare_cached("SELECT 1 FROM taxes WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), x])?
        {
            c.push(&f("tax_id"), FieldCode::NotFound.with("entity", "tax"));
        }
        for (n, v) in [("debit", Some(l.debit)), ("credit", Some(l.credit)), ("amount_currency", l.amount_currency), ("tax_base", l.tax_base)] {
            if let Some(v) = v {
                if (n == "debit" || n == "credit") && v.is_sign_negative() && !v.is_zero() {
                    c.push(&f(n), FieldCode::Negative);
                } else if let Err(e) = money::to_db(&f(n), v) {
                    c.errors.extend(e.fields().iter().cloned());
                }
            }
        }
        c.optional(&f("description"), &l.description, 500);
    }
    c.finish()
}

fn write_draft_lines(db: &Connection, t: &TenantCtx, id: EntryId, d: &EntryDraft) -> Result<()> {
    db.prepare_cached("DELETE FROM journal_draft_lines WHERE tenant_id = ?1 AND entry_id = ?2")?.execute(params![t.tenant_id(), id])?;
    let mut st = db.prepare_cached(
        "INSERT INTO journal_draft_lines (tenant_id, entry_id, line_no, account_id, partner_id, description, debit, credit, currency, amount_currency, tax_id, tax_base)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (i, l) in d.lines.iter().enumerate() {
        let f = |n: &str| format!("lines.{i}.{n}");
        st.execute(params![
            t.tenant_id(),
            id,
            i as i64 + 1,
            l.account_id,
            l.partner_id,
            l.description.trim(),
            money::to_db(&f("debit"), l.debit)?,
            money::to_db(&f("credit"), l.credit)?,
            l.currency.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()),
            l.amount_currency.map(|v| money::to_db(&f("amount_currency"), v)).transpose()?,
            l.tax_id,
            l.tax_base.map(|v| money::to_db(&f("tax_base"), v)).transpose()?,
        ])?;
    }
    Ok(())
}

pub fn create_draft(ctx: &mut Ctx<'_>, d: EntryDraft) -> Result<Entry> {
    let t = ctx.tenant()?;
    super::chart::require_chart(ctx.db(), &t)?;
    check_draft(ctx.db(), &t, &d)?;
    let user = ctx.principal()?.user_id;
    ctx.db()
        .prepare_cached(
            "INSERT INTO journal_entries (tenant_id, journal_id, state, date, reference, memo, created_by, created_at, updated_at)
             VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![t.tenant_id(), d.journal_id, d.date, d.reference.trim(), d.memo.trim(), user, ctx.now])?;
    let id = EntryId(ctx.db().last_insert_rowid());
    write_draft_lines(ctx.db(), &t, id, &d)?;
    ctx.audit("journal_entry", id, json!({"draft": true, "date": d.date, "lines": d.lines.len()}));
    get_entry(ctx.db(), &t, id)
}

fn require_draft(db: &Connection, t: &TenantCtx, id: EntryId) -> Result<Entry> {
    let e = get_entry(db, t, id)?;
    if e.state != EntryState::Draft {
        return Err(Error::refused(crate::Reason::EntryPosted.with("number", e.number.as_deref().unwrap_or(""))));
    }
    Ok(e)
}

pub fn update_draft(ctx: &mut Ctx<'_>, a: UpdateDraftArgs) -> Result<Entry> {
    let t = ctx.tenant()?;
    require_draft(ctx.db(), &t, a.id)?;
    check_draft(ctx.db(), &t, &a.entry)?;
    let d = &a.entry;
    ctx.db()
        .prepare_cached("UPDATE journal_entries SET journal_id = ?3, date = ?4, reference = ?5, memo = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, d.journal_id, d.date, d.reference.trim(), d.memo.trim(), ctx.now])?;
    write_draft_lines(ctx.db(), &t, a.id, d)?;
    ctx.audit("journal_entry", a.id, json!({"draft": true, "date": d.date, "lines": d.lines.len()}));
    get_entry(ctx.db(), &t, a.id)
}

pub fn delete_draft(ctx: &mut Ctx<'_>, id: EntryId) -> Result<Done> {
    let t = ctx.tenant()?;
    require_draft(ctx.db(), &t, id)?;
    ctx.db().prepare_cached("DELETE FROM journal_entries WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    ctx.audit("journal_entry", id, json!({"deleted": true}));
    Ok(Done::OK)
}

fn draft_of(e: &Entry) -> EntryDraft {
    EntryDraft {
        journal_id: e.journal_id,
        date: e.date,
        reference: e.reference.clone(),
        memo: e.memo.clone(),
        lines: e
            .lines
            .iter()
            .map(|l| LineDraft {
                account_id: l.account_id,
                partner_id: l.partner_id,
                description: l.description.clone(),
                debit: l.debit,
                credit: l.credit,
                currency: l.currency.clone(),
                amount_currency: l.amount_currency,
                tax_id: l.tax_id,
                tax_base: l.tax_base,
            })
            .collect(),
    }
}

/// Posts a stored draft: it keeps its id and gets its number.
pub fn post_draft(ctx: &mut Ctx<'_>, id: EntryId) -> Result<Entry> {
    let t = ctx.tenant()?;
    let e = require_draft(ctx.db(), &t, id)?;
    let user = ctx.principal()?.user_id;
    let posted = super::ledger::Poster::new(ctx.db(), t)?.post(&draft_of(&e), &e.source, None, false, Some(id), user, ctx.now)?;
    ctx.audit("journal_entry", id, json!({"posted": posted.number, "total": posted.total}));
    get_entry(ctx.db(), &t, id)
}

/// Posts a manual entry in one step (the CLI and scripts).
pub fn post_new(ctx: &mut Ctx<'_>, d: EntryDraft) -> Result<Entry> {
    let t = ctx.tenant()?;
    if let Ok(j) = super::journals::get_journal(ctx.db(), &t, d.journal_id)
        && j.kind == JournalKind::Closing
    {
        return Err(Error::field("journal_id", FieldCode::ClosingJournalReserved));
    }
    let posted = super::ledger::post(ctx, d, Source::manual())?;
    get_entry(ctx.db(), &t, posted.id)
}

pub fn reverse(ctx: &mut Ctx<'_>, a: ReverseArgs) -> Result<Entry> {
    let t = ctx.tenant()?;
    let posted = super::ledger::reverse_entry(ctx, a.id, a.date, a.memo, false)?;
    get_entry(ctx.db(), &t, posted.id)
}

/// A new draft with the same journal, lines and texts, dated `date` (default: the original's).
pub fn duplicate(ctx: &mut Ctx<'_>, a: DuplicateArgs) -> Result<Entry> {
    let t = ctx.tenant()?;
    let e = get_entry(ctx.db(), &t, a.id)?;
    let mut d = draft_of(&e);
    if let Some(date) = a.date {
        d.date = date;
    }
    if super::journals::get_journal(ctx.db(), &t, d.journal_id)?.kind == JournalKind::Closing {
        return Err(Error::field("id", FieldCode::ClosingJournalReserved));
    }
    create_draft(ctx, d)
}

/// Entries, newest first, keyset-paged by (date, id).
pub fn list(ctx: &mut Ctx<'_>, a: ListEntriesArgs) -> Result<crate::list::Page<EntryRow>> {
    let t = ctx.tenant()?;
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    let after: Option<(NaiveDate, i64)> = match a.cursor.as_deref() {
        None => None,
        Some(c) => {
            let parsed = c.split_once('|').and_then(|(d, i)| Some((NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?, i.parse::<i64>().ok()?)));
            Some(parsed.ok_or_else(|| Error::field("cursor", FieldCode::InvalidCursor))?)
        }
    };
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let filter = "e.tenant_id = ?1 AND (?2 IS NULL OR e.journal_id = ?2) AND (?3 IS NULL OR e.state = ?3) AND (?4 IS NULL OR e.date >= ?4)
                  AND (?5 IS NULL OR e.date <= ?5)
                  AND (?6 IS NULL OR e.number LIKE ?6 ESCAPE '\\' OR e.reference LIKE ?6 ESCAPE '\\' OR e.memo LIKE ?6 ESCAPE '\\')";
    let total: i64 = ctx
        .db()
        .prepare_cached(&format!("SELECT count(*) FROM journal_entries e WHERE {filter}"))?
        .query_row(params![t.tenant_id(), a.journal_id, a.state, a.from, a.to, pattern], |r| r.get(0))?;
    let mut st = ctx.db().prepare_cached(&format!(
        "SELECT e.id, j.code, e.state, e.number, e.date, e.reference, e.memo, e.source_module, e.source_kind,
                CASE WHEN e.state = 'posted' THEN e.total ELSE coalesce((SELECT sum(debit) FROM journal_draft_lines d WHERE d.tenant_id = e.tenant_id AND d.entry_id = e.id), 0) END,
                e.reverses_id, EXISTS (SELECT 1 FROM journal_entries r WHERE r.tenant_id = e.tenant_id AND r.reverses_id = e.id)
         FROM journal_entries e JOIN journals j ON j.tenant_id = e.tenant_id AND j.id = e.journal_id
         WHERE {filter} AND (?7 IS NULL OR (e.date, e.id) < (?7, ?8))
         ORDER BY e.date DESC, e.id DESC LIMIT ?9"
    ))?;
    let rows = st.query_map(
        params![t.tenant_id(), a.journal_id, a.state, a.from, a.to, pattern, after.map(|x| x.0), after.map(|x| x.1), i64::from(limit) + 1],
        |r| {
            Ok(EntryRow {
                id: r.get(0)?,
                journal_code: r.get(1)?,
                state: r.get(2)?,
                number: r.get(3)?,
                date: r.get(4)?,
                reference: r.get(5)?,
                memo: r.get(6)?,
                source_module: r.get(7)?,
                source_kind: r.get(8)?,
                total: money::from_db(r.get(9)?),
                reverses_id: r.get(10)?,
                reversed: r.get(11)?,
            })
        },
    )?;
    let mut items: Vec<EntryRow> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| format!("{}|{}", r.date, r.id))
    } else {
        None
    };
    Ok(crate::list::Page { items, total, next_cursor })
}

pub fn check(ctx: &mut Ctx<'_>) -> Result<LedgerCheck> {
    let t = ctx.tenant()?;
    super::ledger::check(ctx.db(), &t)
}
