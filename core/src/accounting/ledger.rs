//! The posting engine: the one place that writes ledger rows.
//!
//! Every module that touches the books (manual entries here; stock, purchasing, sales,
//! payments and production later) builds an [`EntryDraft`] and calls [`post`]. It checks
//! everything in one place, in the caller's transaction:
//!
//! - the journal exists and is active; the date's period is open and after the lock date;
//! - every line names an active, non-group account; exactly one of debit and credit;
//!   amounts have no more decimals than the base currency's minor units (and a foreign
//!   amount no more than its currency's); a foreign line's currency is enabled and has a
//!   rate on or before the date (it is converted when no base amount is given); an account
//!   restricted to a currency takes lines in that currency only;
//! - control accounts: a receivable/payable line names its partner; inventory accounts take
//!   lines only from the stock modules; tax accounts take manual lines only with their tax
//!   (opening and closing entries are exempt from both, as they move balances);
//! - debits equal credits in base currency, exactly;
//! - the number comes from the gapless series of the journal and fiscal year, and the date
//!   is not before the last numbered entry of that series.
//!
//! Then it writes the entry, its lines and the maintained balances (per account and
//! period; per account, partner and period for receivable/payable) together. A failure
//! anywhere leaves nothing: the dispatcher rolls the whole transaction back, the series'
//! increment included, so no number is lost.
//!
//! Batch callers keep one [`Poster`] and either post drafts one by one or hand it many
//! new entries at once ([`Poster::post_many`]): each is checked exactly as alone and in
//! order (so each sees the numbers and dates before it), then all are written together,
//! with the balances' increments summed over the batch and each series written once.
//!
//! The schema backs the engine up: posted entries and lines refuse UPDATE and DELETE
//! (triggers; and, as every connection sets `recursive_triggers`, `INSERT OR REPLACE`),
//! and a line's composite foreign key (tenant, entry, journal, period, date) names a
//! posted entry with the line's own journal, period and date (V8).

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::ids::UserId;
use crate::{Error, FieldCode, Reason, Result, arith, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Posts `draft` from `source` (the module, document kind and id it comes from).
pub fn post(ctx: &mut Ctx<'_>, draft: EntryDraft, source: Source) -> Result<PostedEntry> {
    post_with(ctx, draft, source, None, false)
}

pub(crate) fn post_with(ctx: &mut Ctx<'_>, draft: EntryDraft, source: Source, reverses: Option<EntryId>, closing: bool) -> Result<PostedEntry> {
    let t = ctx.tenant()?;
    let user = ctx.principal()?.user_id;
    let posted = Poster::new(ctx.db(), t)?.post(&draft, &source, reverses, closing, None, user, ctx.now)?;
    ctx.audit("journal_entry", posted.id, serde_json::json!({"number": posted.number, "date": posted.date, "total": posted.total, "source": source}));
    Ok(posted)
}

/// What the engine knows about one account while posting.
#[derive(Clone)]
struct AccountFacts {
    code: String,
    subtype: AccountSubtype,
    is_group: bool,
    archived: bool,
    currency: Option<String>,
}

/// The posting engine for one company within one transaction. Batch callers (imports,
/// the benchmark, later modules posting many documents) keep one and post many drafts.
///
/// It remembers what it looked up (accounts, journals, the periods of dates, the last
/// number of each series, partners and taxes that exist) for its own life: that is one
/// transaction in which nothing but this Poster changes the setup. A caller that rolls
/// back part of its transaction makes a new Poster.
pub struct Poster<'a> {
    db: &'a Connection,
    t: TenantCtx,
    base: String,
    base_units: u32,
    accounts: BTreeMap<AccountId, AccountFacts>,
    journals: HashMap<JournalId, Option<(String, JournalKind, bool)>>,
    /// The open period of a (date, closing) already posted to or checked.
    periods: HashMap<(NaiveDate, bool), (FiscalYearId, PeriodId)>,
    year_starts: HashMap<FiscalYearId, NaiveDate>,
    /// The date and number of the last posted entry of each (journal, year) series.
    last_numbered: HashMap<(JournalId, FiscalYearId), Option<(NaiveDate, String)>>,
    partners: HashSet<crate::partners::model::PartnerId>,
    taxes: HashSet<TaxId>,
    /// The sequence series name and number prefix of each (journal, year).
    series: HashMap<(JournalId, FiscalYearId), (String, String)>,
}

impl<'a> Poster<'a> {
    pub fn new(db: &'a Connection, t: TenantCtx) -> Result<Poster<'a>> {
        super::chart::require_chart(db, &t)?;
        let base = super::chart::base_currency(db, &t)?;
        let base_units = money::minor_units("currency", &base)?;
        Ok(Poster {
            db,
            t,
            base,
            base_units,
            accounts: BTreeMap::new(),
            journals: HashMap::new(),
            periods: HashMap::new(),
            year_starts: HashMap::new(),
            last_numbered: HashMap::new(),
            partners: HashSet::new(),
            taxes: HashSet::new(),
            series: HashMap::new(),
        })
    }

    fn journal(&mut self, id: JournalId) -> Result<Option<(String, JournalKind, bool)>> {
        if let Some(j) = self.journals.get(&id) {
            return Ok(j.clone());
        }
        let j: Option<(String, JournalKind, bool)> = self
            .db
            .prepare_cached("SELECT code, kind, archived FROM journals WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![self.t.tenant_id(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        self.journals.insert(id, j.clone());
        Ok(j)
    }

    /// The open period for `date` ([`super::periods::period_for_posting`]); a date found
    /// open stays open for this Poster's transaction.
    fn period(&mut self, date: NaiveDate, closing: bool) -> Result<(FiscalYearId, PeriodId)> {
        if let Some(p) = self.periods.get(&(date, closing)) {
            return Ok(*p);
        }
        let p = super::periods::period_for_posting(self.db, &self.t, date, closing)?;
        self.periods.insert((date, closing), p);
        Ok(p)
    }

    fn partner_exists(&mut self, id: crate::partners::model::PartnerId) -> Result<bool> {
        if self.partners.contains(&id) {
            return Ok(true);
        }
        let found = self.db.prepare_cached("SELECT 1 FROM partners WHERE tenant_id = ?1 AND id = ?2")?.exists(params![self.t.tenant_id(), id])?;
        if found {
            self.partners.insert(id);
        }
        Ok(found)
    }

    fn tax_exists(&mut self, id: TaxId) -> Result<bool> {
        if self.taxes.contains(&id) {
            return Ok(true);
        }
        let found = self.db.prepare_cached("SELECT 1 FROM taxes WHERE tenant_id = ?1 AND id = ?2")?.exists(params![self.t.tenant_id(), id])?;
        if found {
            self.taxes.insert(id);
        }
        Ok(found)
    }

    fn last_numbered(&mut self, journal: JournalId, year: FiscalYearId) -> Result<Option<(NaiveDate, String)>> {
        if let Some(l) = self.last_numbered.get(&(journal, year)) {
            return Ok(l.clone());
        }
        let last: Option<(NaiveDate, String)> = self
            .db
            .prepare_cached(
                "SELECT date, number FROM journal_entries WHERE tenant_id = ?1 AND journal_id = ?2 AND fiscal_year_id = ?3 AND state = 'posted'
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row(params![self.t.tenant_id(), journal, year], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        self.last_numbered.insert((journal, year), last.clone());
        Ok(last)
    }

    fn year_start(&mut self, year: FiscalYearId) -> Result<NaiveDate> {
        if let Some(d) = self.year_starts.get(&year) {
            return Ok(*d);
        }
        let d: NaiveDate =
            self.db.prepare_cached("SELECT start_date FROM fiscal_years WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![self.t.tenant_id(), year], |r| r.get(0))?;
        self.year_starts.insert(year, d);
        Ok(d)
    }

    fn account(&mut self, id: AccountId) -> Result<Option<AccountFacts>> {
        if let Some(a) = self.accounts.get(&id) {
            return Ok(Some(a.clone()));
        }
        let a = self
            .db
            .prepare_cached("SELECT code, subtype, is_group, archived, currency FROM accounts WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![self.t.tenant_id(), id], |r| {
                Ok(AccountFacts { code: r.get(0)?, subtype: r.get(1)?, is_group: r.get(2)?, archived: r.get(3)?, currency: r.get(4)? })
            })
            .optional()?;
        if let Some(a) = &a {
            self.accounts.insert(id, a.clone());
        }
        Ok(a)
    }

    /// Checks and writes one entry; `draft_id` posts a stored draft in place.
    #[allow(clippy::too_many_arguments)]
    pub fn post(
        &mut self,
        d: &EntryDraft,
        source: &Source,
        reverses: Option<EntryId>,
        closing: bool,
        draft_id: Option<EntryId>,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<PostedEntry> {
        let p = self.prepare(d, source, closing)?;
        let db = self.db;
        let t = self.t;
        let (year, period) = (p.year, p.period);

        // The number, from the journal's series for this fiscal year.
        let (series, prefix) = self.series_of(d.journal_id, year, &p.journal_code)?;
        let (seq, number) = crate::sequence::next_value(db, &t, &series, &prefix, 5)?;

        // The entry.
        let reference = d.reference.trim();
        let memo = d.memo.trim();
        let total_debit = p.total_debit;
        let id = match draft_id {
            Some(id) => {
                db.prepare_cached(
                    "UPDATE journal_entries SET state = 'posted', number = ?3, seq = ?4, fiscal_year_id = ?5, period_id = ?6, date = ?7, reference = ?8,
                            memo = ?9, total = ?10, journal_id = ?11, updated_at = ?12, posted_by = ?13, posted_at = ?12
                     WHERE tenant_id = ?1 AND id = ?2 AND state = 'draft'",
                )?
                .execute(params![t.tenant_id(), id, number, seq, year, period, d.date, reference, memo, total_debit, d.journal_id, now, user])?;
                db.prepare_cached("DELETE FROM journal_draft_lines WHERE tenant_id = ?1 AND entry_id = ?2")?.execute(params![t.tenant_id(), id])?;
                id
            }
            None => {
                db.prepare_cached(
                    "INSERT INTO journal_entries (tenant_id, journal_id, state, number, seq, fiscal_year_id, period_id, date, reference, memo,
                        source_module, source_kind, source_id, reverses_id, total, created_by, created_at, updated_at, posted_by, posted_at)
                     VALUES (?1, ?2, 'posted', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?15, ?16)",
                )?
                .execute(params![
                    t.tenant_id(),
                    d.journal_id,
                    number,
                    seq,
                    year,
                    period,
                    d.date,
                    reference,
                    memo,
                    source.module,
                    source.kind,
                    source.id,
                    reverses,
                    total_debit,
                    user,
                    now
                ])?;
                EntryId(db.last_insert_rowid())
            }
        };

        // The lines and the maintained balances.
        let mut lines = LineWriter::new(db, t)?;
        let mut balances = Balances::default();
        let date = sql_text(&d.date)?;
        for (k, l) in p.resolved.iter().enumerate() {
            lines.push(id, d.journal_id, period, &date, k as i64 + 1, l)?;
            balances.add(period, l)?;
        }
        drop(lines);
        balances.write(db, &t)?;
        self.last_numbered.insert((d.journal_id, year), Some((d.date, number.clone())));
        Ok(PostedEntry { id, number, date: d.date, period_id: period, total: money::from_db(total_debit) })
    }

    /// The sequence series name and number prefix of a journal's fiscal year.
    fn series_of(&mut self, journal: JournalId, year: FiscalYearId, journal_code: &str) -> Result<(String, String)> {
        if let Some(s) = self.series.get(&(journal, year)) {
            return Ok(s.clone());
        }
        let year_start = self.year_start(year)?;
        let s = (format!("journal:{journal}:{year}"), format!("{journal_code}/{}/", chrono::Datelike::year(&year_start)));
        self.series.insert((journal, year), s.clone());
        Ok(s)
    }

    /// Posts many new entries from `source` as one batch, in the caller's transaction:
    /// every entry is checked exactly as [`Poster::post`] checks it (in order, so each
    /// sees the ones before it: the series' date order, the numbers), then all are
    /// written with a few multi-row statements: the entries, their lines, and the
    /// maintained balances summed over the batch; each series' next value is written
    /// once. A refused entry refuses the batch: the error comes with its index.
    pub fn post_many(
        &mut self,
        drafts: &[EntryDraft],
        source: &Source,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> std::result::Result<Vec<PostedEntry>, (usize, Error)> {
        let db = self.db;
        let t = self.t;
        let at = |i: usize| move |e: Error| (i, e);
        // Check every entry and number it in memory.
        let mut series: HashMap<(JournalId, FiscalYearId), (String, crate::sequence::SeriesState)> = HashMap::new();
        let mut checked = Vec::with_capacity(drafts.len());
        for (i, d) in drafts.iter().enumerate() {
            let p = self.prepare(d, source, false).map_err(at(i))?;
            let key = (d.journal_id, p.year);
            if !series.contains_key(&key) {
                let (name, prefix) = self.series_of(d.journal_id, p.year, &p.journal_code).map_err(at(i))?;
                let state = crate::sequence::peek(db, &t, &name, &prefix, 5).map_err(at(i))?;
                series.insert(key, (name, state));
            }
            let (_, state) = series.get_mut(&key).ok_or_else(|| (i, Error::Internal("series".into())))?;
            let seq = state.next_value;
            state.next_value = seq.checked_add(1).ok_or_else(|| (i, Error::Internal("series overflow".into())))?;
            let number = crate::sequence::format(&state.prefix, state.padding, seq);
            self.last_numbered.insert(key, Some((d.date, number.clone())));
            checked.push((p, seq, number));
        }
        let w = |e: Error| (drafts.len().saturating_sub(1), e);
        for (name, state) in series.values() {
            crate::sequence::set_next(db, &t, name, state).map_err(w)?;
        }
        // Ids follow the table's largest: the batch runs in one write transaction, in
        // which nothing else inserts entries (the no-replace trigger would refuse a clash).
        let max_id: i64 = db
            .prepare_cached("SELECT coalesce(max(id), 0) FROM journal_entries")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .map_err(|e| w(e.into()))?;
        let mut out = Vec::with_capacity(drafts.len());
        let mut entries = EntryWriter::new(db, t, source, user, now).map_err(w)?;
        // Each date as SQLite stores it, formatted once per run of equal dates (a batch
        // holds many entries of one day).
        let mut dates: Vec<std::rc::Rc<str>> = Vec::with_capacity(drafts.len());
        for (k, d) in drafts.iter().enumerate() {
            let text = match dates.last() {
                Some(prev) if k > 0 && drafts[k - 1].date == d.date => std::rc::Rc::clone(prev),
                _ => std::rc::Rc::from(sql_text(&d.date).map_err(w)?),
            };
            dates.push(text);
        }
        for (k, (d, (p, seq, number))) in drafts.iter().zip(checked.iter()).enumerate() {
            let id = EntryId(max_id.checked_add(k as i64 + 1).ok_or_else(|| w(Error::Internal("entry id".into())))?);
            entries.push(id, d, &*dates[k], p, *seq, number).map_err(w)?;
            out.push(PostedEntry { id, number: number.clone(), date: d.date, period_id: p.period, total: money::from_db(p.total_debit) });
        }
        let mut lines = LineWriter::new(db, t).map_err(w)?;
        let mut balances = Balances::default();
        for ((d, date), ((p, _, _), posted)) in drafts.iter().zip(dates.iter()).zip(checked.iter().zip(out.iter())) {
            for (k, l) in p.resolved.iter().enumerate() {
                lines.push(posted.id, d.journal_id, p.period, &**date, k as i64 + 1, l).map_err(w)?;
                balances.add(p.period, l).map_err(w)?;
            }
        }
        balances.write(db, &t).map_err(w)?;
        Ok(out)
    }

    /// Checks one entry and resolves its lines to base amounts; writes nothing.
    fn prepare(&mut self, d: &EntryDraft, source: &Source, closing: bool) -> Result<Prepared> {
        let db = self.db;
        let t = self.t;
        let mut errors: Vec<crate::FieldError> = Vec::new();
        fn push(errors: &mut Vec<crate::FieldError>, field: &str, issue: impl Into<crate::Issue>) {
            errors.push(crate::FieldError::new(field, issue));
        }

        // The journal.
        let journal = self.journal(d.journal_id)?;
        let (journal_code, journal_kind) = match journal {
            None => {
                push(&mut errors, "journal_id", FieldCode::NotFound.with("entity", "journal"));
                (String::new(), JournalKind::General)
            }
            Some((code, kind, archived)) => {
                if archived {
                    push(&mut errors, "journal_id", FieldCode::Archived);
                }
                if kind == JournalKind::Closing && !closing {
                    push(&mut errors, "journal_id", FieldCode::ClosingJournalReserved);
                }
                (code, kind)
            }
        };
        let moves_balances = matches!(journal_kind, JournalKind::Opening | JournalKind::Closing);
        let manual = source.module == "accounting";

        if d.lines.len() < 2 {
            push(&mut errors, "lines", FieldCode::TooFewLines.with("min", 2));
        }
        if d.reference.chars().count() > 200 {
            push(&mut errors, "reference", FieldCode::TooLong.with("max", 200));
        }
        if d.memo.chars().count() > 2000 {
            push(&mut errors, "memo", FieldCode::TooLong.with("max", 2000));
        }

        // The lines, checked and resolved to base amounts (scaled integers).
        let mut resolved: Vec<Resolved> = Vec::with_capacity(d.lines.len());
        let (mut total_debit, mut total_credit) = (0_i64, 0_i64);
        for (i, l) in d.lines.iter().enumerate() {
            let f = |name: &str| format!("lines.{i}.{name}");
            let acc = match l.account_id {
                None => {
                    errors.push(crate::FieldError::new(f("account_id"), FieldCode::Required));
                    None
                }
                Some(id) => match self.account(id)? {
                    None => {
                        errors.push(crate::FieldError::new(f("account_id"), FieldCode::NotFound.with("entity", "account")));
                        None
                    }
                    Some(a) => Some((id, a)),
                },
            };
            if let Some((_, a)) = &acc {
                if a.is_group {
                    errors.push(crate::FieldError::new(f("account_id"), FieldCode::AccountIsGroup.with("code", &a.code)));
                }
                if a.archived {
                    errors.push(crate::FieldError::new(f("account_id"), FieldCode::Archived));
                }
            }
            if l.description.chars().count() > 500 {
                errors.push(crate::FieldError::new(f("description"), FieldCode::TooLong.with("max", 500)));
            }
            // Amounts.
            let mut bad = false;
            for (name, v) in [("debit", l.debit), ("credit", l.credit)] {
                if v.is_sign_negative() && !v.is_zero() {
                    errors.push(crate::FieldError::new(f(name), FieldCode::Negative));
                    bad = true;
                } else if v.normalize().scale() > self.base_units {
                    errors.push(crate::FieldError::new(f(name), FieldCode::TooManyDecimals.with("max", self.base_units)));
                    bad = true;
                }
            }
            let currency = l.currency.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).unwrap_or_else(|| self.base.clone());
            let foreign = currency != self.base;
            let (mut debit, mut credit) = (l.debit, l.credit);
            let mut amount_currency = None;
            if foreign {
                if iso_currency::Currency::from_code(&currency).is_none() {
                    errors.push(crate::FieldError::new(f("currency"), FieldCode::InvalidCurrency));
                    bad = true;
                } else if !super::currency::is_enabled(db, &t, &currency)? {
                    errors.push(crate::FieldError::new(f("currency"), FieldCode::CurrencyNotEnabled.with("currency", &currency)));
                    bad = true;
                } else {
                    match l.amount_currency {
                        None => {
                            errors.push(crate::FieldError::new(f("amount_currency"), FieldCode::Required));
                            bad = true;
                        }
                        Some(ac) => match money::check_money(&f("amount_currency"), ac, &currency) {
                            Err(e) => {
                                errors.extend(e.fields().iter().cloned());
                                bad = true;
                            }
                            Ok(ac) => {
                                amount_currency = Some(ac);
                                if debit.is_zero() && credit.is_zero() && !ac.is_zero() {
                                    match super::currency::rate_for(db, &t, &currency, d.date) {
                                        Err(_) => {
                                            errors.push(crate::FieldError::new(
                                                f("currency"),
                                                FieldCode::NoExchangeRate.with("currency", &currency).with("date", d.date),
                                            ));
                                            bad = true;
                                        }
                                        Ok(rate) => {
                                            let base = arith::mul(&f("amount_currency"), ac.abs(), rate)?;
                                            let base = money::round_money(&f("amount_currency"), base, &self.base, false)?;
                                            if ac.is_sign_positive() { debit = base } else { credit = base }
                                        }
                                    }
                                }
                            }
                        },
                    }
                }
            } else if let Some(ac) = l.amount_currency
                && !bad
                && ac != debit - credit
            {
                errors.push(crate::FieldError::new(f("amount_currency"), FieldCode::AmountCurrencyMismatch));
                bad = true;
            }
            if !bad {
                if debit.is_zero() == credit.is_zero() {
                    errors.push(crate::FieldError::new(f(if debit.is_zero() { "debit" } else { "credit" }), FieldCode::OneOfDebitCredit));
                    bad = true;
                } else if let Some(ac) = amount_currency
                    && !ac.is_zero()
                    && (ac.is_sign_positive() != !debit.is_zero())
                {
                    errors.push(crate::FieldError::new(f("amount_currency"), FieldCode::AmountCurrencySign));
                    bad = true;
                }
            }
            if let Some((_, a)) = &acc
                && let Some(restricted) = &a.currency
                && *restricted != currency
            {
                errors.push(crate::FieldError::new(f("currency"), FieldCode::AccountCurrency.with("currency", restricted).with("code", &a.code)));
            }
            // Control accounts.
            let subtype = acc.as_ref().map(|(_, a)| a.subtype);
            let needs_partner = subtype.is_some_and(|s| s.needs_partner());
            if needs_partner && l.partner_id.is_none() && !moves_balances {
                errors.push(crate::FieldError::new(f("partner_id"), FieldCode::PartnerRequired.with("code", acc.as_ref().map(|(_, a)| a.code.as_str()).unwrap_or(""))));
            }
            if !moves_balances
                && subtype == Some(AccountSubtype::Inventory)
                && !matches!(source.module.as_str(), "inventory" | "production")
            {
                errors.push(crate::FieldError::new(f("account_id"), FieldCode::ControlAccount.with("module", "inventory")));
            }
            if !moves_balances && manual && matches!(subtype, Some(AccountSubtype::TaxCollected | AccountSubtype::TaxPaid)) && l.tax_id.is_none() {
                errors.push(crate::FieldError::new(f("tax_id"), FieldCode::TaxRequired));
            }
            if let Some(p) = l.partner_id
                && !self.partner_exists(p)?
            {
                errors.push(crate::FieldError::new(f("partner_id"), FieldCode::NotFound.with("entity", "partner")));
            }
            if let Some(tx) = l.tax_id
                && !self.tax_exists(tx)?
            {
                errors.push(crate::FieldError::new(f("tax_id"), FieldCode::NotFound.with("entity", "tax")));
            }
            let tax_base = match l.tax_base {
                Some(b) => match money::to_db(&f("tax_base"), b) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.extend(e.fields().iter().cloned());
                        None
                    }
                },
                None => None,
            };
            if bad {
                continue;
            }
            let Some((account, _)) = acc else { continue };
            let (db_debit, db_credit) = match (to_db_as(debit, || f("debit")), to_db_as(credit, || f("credit"))) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => {
                    for e in [a.err(), b.err()].into_iter().flatten() {
                        errors.extend(e.fields().iter().cloned());
                    }
                    continue;
                }
            };
            let ac = match amount_currency {
                Some(ac) => match money::to_db(&f("amount_currency"), ac) {
                    Ok(v) => v,
                    Err(e) => {
                        errors.extend(e.fields().iter().cloned());
                        continue;
                    }
                },
                None => db_debit - db_credit,
            };
            total_debit = total_debit.checked_add(db_debit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            total_credit = total_credit.checked_add(db_credit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            resolved.push(Resolved {
                account,
                partner: l.partner_id,
                description: l.description.trim().to_string(),
                debit: db_debit,
                credit: db_credit,
                currency,
                amount_currency: ac,
                tax: l.tax_id,
                tax_base,
                needs_partner,
            });
        }
        if errors.is_empty() && total_debit != total_credit {
            errors.push(crate::FieldError::new(
                "lines",
                FieldCode::Unbalanced.with("debit", money::from_db(total_debit)).with("credit", money::from_db(total_credit)).with(
                    "difference",
                    money::from_db(total_debit - total_credit),
                ),
            ));
        }
        if errors.is_empty() && total_debit == 0 {
            errors.push(crate::FieldError::new("lines", FieldCode::ZeroEntry));
        }
        // The date: open period, after the lock date, not before the series' last number.
        let mut when = None;
        match self.period(d.date, closing) {
            Ok(p) => when = Some(p),
            Err(e) => errors.extend(e.fields().iter().cloned()),
        }
        if let Some((year, _)) = when {
            let last = self.last_numbered(d.journal_id, year)?;
            if let Some((last_date, number)) = last
                && last_date > d.date
            {
                errors.push(crate::FieldError::new("date", FieldCode::BeforeLastNumbered.with("number", number).with("date", last_date)));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation { reason: Reason::InvalidInput.into(), fields: errors });
        }
        let (year, period) = when.ok_or_else(|| Error::Internal("period".into()))?;
        Ok(Prepared { journal_code, year, period, resolved, total_debit })
    }
}

/// One entry checked by [`Poster::prepare`], ready to number and write.
struct Prepared {
    journal_code: String,
    year: FiscalYearId,
    period: PeriodId,
    resolved: Vec<Resolved>,
    total_debit: i64,
}

/// One line checked and resolved to base amounts (scaled integers).
struct Resolved {
    account: AccountId,
    partner: Option<crate::partners::model::PartnerId>,
    description: String,
    debit: i64,
    credit: i64,
    currency: String,
    amount_currency: i64,
    tax: Option<TaxId>,
    tax_base: Option<i64>,
    needs_partner: bool,
}

/// Rows per upsert of maintained balances: a batch's increments are summed first, so
/// these are few; several rows per statement save statement setups.
const ROWS_PER_UPSERT: usize = 32;

/// Buffers the rows of a multi-row statement and runs it when `rows` are buffered:
/// `sql(n)` is the text for n rows, `width` the parameters per row. The SQL text of each
/// size is prepared once and cached (well within the connection's 256-statement cache).
struct RowBuffer<'a> {
    db: &'a Connection,
    sql: fn(usize) -> String,
    width: usize,
    rows: usize,
    values: Vec<rusqlite::types::Value>,
    texts: HashMap<usize, String>,
}

impl<'a> RowBuffer<'a> {
    fn new(db: &'a Connection, sql: fn(usize) -> String, width: usize, rows: usize) -> RowBuffer<'a> {
        RowBuffer { db, sql, width, rows, values: Vec::with_capacity(width * rows), texts: HashMap::new() }
    }

    fn push(&mut self, row: impl IntoIterator<Item = rusqlite::types::Value>) -> Result<()> {
        self.values.extend(row);
        if self.values.len() >= self.width * self.rows {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let n = self.values.len() / self.width;
        if n == 0 {
            return Ok(());
        }
        let sql = self.sql;
        let text = self.texts.entry(n).or_insert_with(|| sql(n));
        let mut st = self.db.prepare_cached(text)?;
        for (k, v) in self.values.drain(..).enumerate() {
            st.raw_bind_parameter(k + 1, v)?;
        }
        st.raw_execute()?;
        Ok(())
    }
}

/// `n` rows of `width` parameters: `(?1, ?2, …), (…)`.
fn rows_sql(n: usize, width: usize) -> String {
    let mut sql = String::with_capacity(n * width * 5);
    for i in 0..n {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for j in 0..width {
            if j > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", i * width + j + 1));
        }
        sql.push(')');
    }
    sql
}

use rusqlite::types::Value as V;

/// Writes new posted entries (batch posting), with their ids: one prepared single-row
/// INSERT, kept for the writer's life, its parameters bound from the values in place.
struct EntryWriter<'a> {
    st: rusqlite::CachedStatement<'a>,
    t: TenantCtx,
    source: &'a Source,
    user: UserId,
    /// `now` as SQLite stores it, formatted once for the batch.
    now: String,
}

/// A date or instant as rusqlite would bind it (chrono's `%F`, `%F %T%.f%:z`), formatted
/// once where a batch binds it many times.
fn sql_text(v: &dyn rusqlite::types::ToSql) -> Result<String> {
    match v.to_sql()? {
        rusqlite::types::ToSqlOutput::Owned(V::Text(s)) => Ok(s),
        rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s)) => Ok(String::from_utf8_lossy(s).into_owned()),
        _ => Err(Error::Internal("a date that is not text".into())),
    }
}

impl<'a> EntryWriter<'a> {
    fn new(db: &'a Connection, t: TenantCtx, source: &'a Source, user: UserId, now: chrono::DateTime<chrono::Utc>) -> Result<EntryWriter<'a>> {
        let st = db.prepare_cached(
            "INSERT INTO journal_entries (id, tenant_id, journal_id, state, number, seq, fiscal_year_id, period_id, date, reference, memo,
                source_module, source_kind, source_id, total, created_by, created_at, updated_at, posted_by, posted_at)
             VALUES (?1, ?2, ?3, 'posted', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?15, ?16)",
        )?;
        Ok(EntryWriter { st, t, source, user, now: sql_text(&now)? })
    }

    fn push(&mut self, id: EntryId, d: &EntryDraft, date: &str, p: &Prepared, seq: i64, number: &str) -> Result<()> {
        let st = &mut self.st;
        st.raw_bind_parameter(1, id)?;
        st.raw_bind_parameter(2, self.t.tenant_id())?;
        st.raw_bind_parameter(3, d.journal_id)?;
        st.raw_bind_parameter(4, number)?;
        st.raw_bind_parameter(5, seq)?;
        st.raw_bind_parameter(6, p.year)?;
        st.raw_bind_parameter(7, p.period)?;
        st.raw_bind_parameter(8, date)?;
        st.raw_bind_parameter(9, d.reference.trim())?;
        st.raw_bind_parameter(10, d.memo.trim())?;
        st.raw_bind_parameter(11, self.source.module.as_str())?;
        st.raw_bind_parameter(12, self.source.kind.as_str())?;
        st.raw_bind_parameter(13, self.source.id)?;
        st.raw_bind_parameter(14, p.total_debit)?;
        st.raw_bind_parameter(15, self.user)?;
        st.raw_bind_parameter(16, self.now.as_str())?;
        st.raw_execute()?;
        Ok(())
    }
}

/// Writes ledger lines: one prepared single-row INSERT (a single-row INSERT into a table
/// without triggers needs no statement journal: its constraints are checked before it
/// writes), kept for the writer's life. The id is never named: SQLite assigns a new rowid.
struct LineWriter<'a> {
    st: rusqlite::CachedStatement<'a>,
    t: TenantCtx,
}

impl<'a> LineWriter<'a> {
    fn new(db: &'a Connection, t: TenantCtx) -> Result<LineWriter<'a>> {
        let st = db.prepare_cached(
            "INSERT INTO journal_lines (tenant_id, entry_id, journal_id, period_id, date, line_no, account_id, partner_id, description, debit, credit,
                currency, amount_currency, tax_id, tax_base) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        Ok(LineWriter { st, t })
    }

    fn push(&mut self, entry: EntryId, journal: JournalId, period: PeriodId, date: &str, line_no: i64, l: &Resolved) -> Result<()> {
        let st = &mut self.st;
        st.raw_bind_parameter(1, self.t.tenant_id())?;
        st.raw_bind_parameter(2, entry)?;
        st.raw_bind_parameter(3, journal)?;
        st.raw_bind_parameter(4, period)?;
        st.raw_bind_parameter(5, date)?;
        st.raw_bind_parameter(6, line_no)?;
        st.raw_bind_parameter(7, l.account)?;
        st.raw_bind_parameter(8, l.partner)?;
        st.raw_bind_parameter(9, l.description.as_str())?;
        st.raw_bind_parameter(10, l.debit)?;
        st.raw_bind_parameter(11, l.credit)?;
        st.raw_bind_parameter(12, l.currency.as_str())?;
        st.raw_bind_parameter(13, l.amount_currency)?;
        st.raw_bind_parameter(14, l.tax)?;
        st.raw_bind_parameter(15, l.tax_base)?;
        st.raw_execute()?;
        Ok(())
    }
}

/// The maintained balances' increments, summed (checked) before they are written.
#[derive(Default)]
struct Balances {
    accounts: BTreeMap<(AccountId, PeriodId), (i64, i64)>,
    partners: BTreeMap<(AccountId, crate::partners::model::PartnerId, PeriodId), (i64, i64)>,
}

fn add_to(e: &mut (i64, i64), debit: i64, credit: i64) -> Result<()> {
    e.0 = e.0.checked_add(debit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
    e.1 = e.1.checked_add(credit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
    Ok(())
}

fn account_balances_sql(n: usize) -> String {
    format!(
        "INSERT INTO account_balances (tenant_id, account_id, period_id, debit, credit) VALUES {}
         ON CONFLICT (tenant_id, account_id, period_id) DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit",
        rows_sql(n, 5)
    )
}

fn partner_balances_sql(n: usize) -> String {
    format!(
        "INSERT INTO partner_balances (tenant_id, account_id, partner_id, period_id, debit, credit) VALUES {}
         ON CONFLICT (tenant_id, account_id, partner_id, period_id) DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit",
        rows_sql(n, 6)
    )
}

impl Balances {
    fn add(&mut self, period: PeriodId, l: &Resolved) -> Result<()> {
        add_to(self.accounts.entry((l.account, period)).or_default(), l.debit, l.credit)?;
        if l.needs_partner
            && let Some(p) = l.partner
        {
            add_to(self.partners.entry((l.account, p, period)).or_default(), l.debit, l.credit)?;
        }
        Ok(())
    }

    fn write(self, db: &Connection, t: &TenantCtx) -> Result<()> {
        let mut rows = RowBuffer::new(db, account_balances_sql, 5, ROWS_PER_UPSERT);
        for ((account, period), (dr, cr)) in self.accounts {
            rows.push([V::Integer(t.tenant_id().0), V::Integer(account.0), V::Integer(period.0), V::Integer(dr), V::Integer(cr)])?;
        }
        rows.flush()?;
        let mut rows = RowBuffer::new(db, partner_balances_sql, 6, ROWS_PER_UPSERT);
        for ((account, partner, period), (dr, cr)) in self.partners {
            rows.push([V::Integer(t.tenant_id().0), V::Integer(account.0), V::Integer(partner.0), V::Integer(period.0), V::Integer(dr), V::Integer(cr)])?;
        }
        rows.flush()
    }
}

/// [`money::to_db`] with the field's name built only when the amount is refused (the
/// happy path of a batch formats no names).
fn to_db_as(v: Decimal, field: impl Fn() -> String) -> Result<i64> {
    money::to_db("", v).map_err(|e| match e {
        Error::Validation { reason, fields } => {
            Error::Validation { reason, fields: fields.into_iter().map(|x| crate::FieldError::new(field(), x.issue())).collect() }
        }
        other => other,
    })
}

/// The draft that reverses posted entry `id`: the same lines with debit and credit
/// swapped.
fn reversal_draft(db: &Connection, t: &TenantCtx, id: EntryId, date: Option<NaiveDate>, memo: Option<String>) -> Result<(EntryDraft, Source, bool)> {
    let e = super::entries::get_entry(db, t, id)?;
    if e.state != EntryState::Posted {
        return Err(Error::refused(Reason::EntryNotPosted));
    }
    if let Some(n) = &e.reversed_by_number {
        return Err(Error::refused(Reason::AlreadyReversed.with("number", n)));
    }
    let closing = super::periods::get_period(db, t, e.period_id.ok_or_else(|| Error::Internal("period".into()))?)?.is_closing;
    let lines = e
        .lines
        .iter()
        .map(|l| LineDraft {
            account_id: l.account_id,
            partner_id: l.partner_id,
            description: l.description.clone(),
            debit: l.credit,
            credit: l.debit,
            currency: l.currency.clone(),
            amount_currency: l.amount_currency.map(|a| -a),
            tax_id: l.tax_id,
            tax_base: l.tax_base.map(|b| -b),
        })
        .collect();
    let number = e.number.clone().unwrap_or_default();
    let draft = EntryDraft {
        journal_id: e.journal_id,
        date: date.unwrap_or(e.date),
        reference: format!("Reversal of {number}"),
        memo: memo.unwrap_or_else(|| format!("Reverses {number}")),
        lines,
    };
    Ok((draft, e.source, closing))
}

/// The earliest date on or after `date` that `journal`'s series takes: `date` itself, or
/// the date of the series' last numbered entry in `date`'s fiscal year when that is later
/// (each series is chronological). Modules that value a backdated event (a stock move
/// dated last month) post its ledger entry here, so the ledger stays append-only and in
/// order; whether the period is open is still `post`'s to check.
pub fn earliest_posting_date(db: &Connection, t: &TenantCtx, journal: JournalId, date: NaiveDate) -> Result<NaiveDate> {
    let year: Option<FiscalYearId> = db
        .prepare_cached("SELECT id FROM fiscal_years WHERE tenant_id = ?1 AND start_date <= ?2 AND end_date >= ?2")?
        .query_row(params![t.tenant_id(), date], |r| r.get(0))
        .optional()?;
    let Some(year) = year else { return Ok(date) };
    // The series is chronological, so its last number carries its latest date.
    let last: Option<NaiveDate> = db
        .prepare_cached("SELECT date FROM journal_entries WHERE tenant_id = ?1 AND journal_id = ?2 AND fiscal_year_id = ?3 AND state = 'posted' ORDER BY seq DESC LIMIT 1")?
        .query_row(params![t.tenant_id(), journal, year], |r| r.get(0))
        .optional()?;
    Ok(last.map_or(date, |l| l.max(date)))
}

/// Posts the reversal of posted entry `id` and links the two.
pub fn reverse_entry(ctx: &mut Ctx<'_>, id: EntryId, date: Option<NaiveDate>, memo: Option<String>, allow_closing: bool) -> Result<PostedEntry> {
    let t = ctx.tenant()?;
    let (draft, source, closing) = reversal_draft(ctx.db(), &t, id, date, memo)?;
    if closing && !allow_closing {
        return Err(Error::refused(Reason::ClosingEntryFollowsYear));
    }
    // A line reconciled with a bank statement is locked: its entry stays.
    if ctx
        .db()
        .prepare_cached("SELECT 1 FROM journal_lines l JOIN bank_rec_book r ON r.tenant_id = l.tenant_id AND r.journal_line_id = l.id WHERE l.tenant_id = ?1 AND l.entry_id = ?2")?
        .exists(params![t.tenant_id(), id])?
    {
        return Err(Error::refused(Reason::Reconciled));
    }
    let posted = post_with(ctx, draft, source, Some(id), closing)?;
    // Receivable and payable items the reversal cancels out are matched with each other.
    crate::finance::items::match_reversal(ctx, id, posted.id)?;
    Ok(posted)
}

/// Recomputes every maintained balance from the lines, and checks that every posted entry
/// balances and every series is gapless: the report `ledger.check` and `cora check` give.
pub fn check(db: &Connection, t: &TenantCtx) -> Result<LedgerCheck> {
    let entries: i64 = db.prepare_cached("SELECT count(*) FROM journal_entries WHERE tenant_id = ?1 AND state = 'posted'")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let lines: i64 = db.prepare_cached("SELECT count(*) FROM journal_lines WHERE tenant_id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?;
    let unbalanced: Vec<EntryId> = db
        .prepare_cached(
            "SELECT e.id FROM journal_entries e LEFT JOIN journal_lines l ON l.tenant_id = e.tenant_id AND l.entry_id = e.id
             WHERE e.tenant_id = ?1 AND e.state = 'posted' GROUP BY e.id
             HAVING coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0) OR coalesce(sum(l.debit), 0) <> e.total OR count(l.id) < 2",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut drift = Vec::new();
    // Account balances: every (account, period) on either side.
    let sql = "WITH r AS (SELECT account_id, period_id, sum(debit) d, sum(credit) c FROM journal_lines WHERE tenant_id = ?1 GROUP BY account_id, period_id),
                    m AS (SELECT account_id, period_id, debit d, credit c FROM account_balances WHERE tenant_id = ?1)
               SELECT coalesce(m.account_id, r.account_id), coalesce(m.period_id, r.period_id), coalesce(m.d, 0), coalesce(m.c, 0), coalesce(r.d, 0), coalesce(r.c, 0)
               FROM m FULL OUTER JOIN r ON r.account_id = m.account_id AND r.period_id = m.period_id
               WHERE coalesce(m.d, 0) <> coalesce(r.d, 0) OR coalesce(m.c, 0) <> coalesce(r.c, 0)";
    let mut st = db.prepare_cached(sql)?;
    for row in st.query_map([t.tenant_id()], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get::<_, i64>(4)?, r.get::<_, i64>(5)?)))? {
        let (account_id, period_id, md, mc, rd, rc) = row?;
        drift.push(BalanceDrift {
            what: "account".into(),
            account_id,
            partner_id: None,
            period_id,
            maintained_debit: money::from_db(md),
            maintained_credit: money::from_db(mc),
            recomputed_debit: money::from_db(rd),
            recomputed_credit: money::from_db(rc),
        });
    }
    let sql = "WITH r AS (SELECT l.account_id, l.partner_id, l.period_id, sum(l.debit) d, sum(l.credit) c FROM journal_lines l
                          JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
                          WHERE l.tenant_id = ?1 AND l.partner_id IS NOT NULL AND a.subtype IN ('receivable', 'payable')
                          GROUP BY l.account_id, l.partner_id, l.period_id),
                    m AS (SELECT account_id, partner_id, period_id, debit d, credit c FROM partner_balances WHERE tenant_id = ?1)
               SELECT coalesce(m.account_id, r.account_id), coalesce(m.partner_id, r.partner_id), coalesce(m.period_id, r.period_id),
                      coalesce(m.d, 0), coalesce(m.c, 0), coalesce(r.d, 0), coalesce(r.c, 0)
               FROM m FULL OUTER JOIN r ON r.account_id = m.account_id AND r.partner_id = m.partner_id AND r.period_id = m.period_id
               WHERE coalesce(m.d, 0) <> coalesce(r.d, 0) OR coalesce(m.c, 0) <> coalesce(r.c, 0)";
    let mut st = db.prepare_cached(sql)?;
    for row in st.query_map([t.tenant_id()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?, r.get::<_, i64>(4)?, r.get::<_, i64>(5)?, r.get::<_, i64>(6)?))
    })? {
        let (account_id, partner_id, period_id, md, mc, rd, rc) = row?;
        drift.push(BalanceDrift {
            what: "partner".into(),
            account_id,
            partner_id: Some(partner_id),
            period_id,
            maintained_debit: money::from_db(md),
            maintained_credit: money::from_db(mc),
            recomputed_debit: money::from_db(rd),
            recomputed_credit: money::from_db(rc),
        });
    }
    // Gapless series: seq runs 1..n in each (journal, fiscal year).
    let numbering_gaps: Vec<String> = db
        .prepare_cached(
            "SELECT j.code || ' ' || y.name FROM journal_entries e
             JOIN journals j ON j.tenant_id = e.tenant_id AND j.id = e.journal_id
             JOIN fiscal_years y ON y.tenant_id = e.tenant_id AND y.id = e.fiscal_year_id
             WHERE e.tenant_id = ?1 AND e.state = 'posted'
             GROUP BY e.journal_id, e.fiscal_year_id
             HAVING min(e.seq) <> 1 OR max(e.seq) <> count(*) OR count(DISTINCT e.seq) <> count(*)",
        )?
        .query_map([t.tenant_id()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let subledger = crate::finance::items::check(db, t)?;
    let bank_assertions = crate::finance::reconcile::check_assertions(db, t)?;
    let trade_sums = crate::trade::reports::check_sums(db, t)?;
    let ok = unbalanced.is_empty() && drift.is_empty() && numbering_gaps.is_empty() && subledger.is_empty() && bank_assertions.is_empty() && trade_sums.is_empty();
    Ok(LedgerCheck { ok, entries, lines, unbalanced_entries: unbalanced, drift, numbering_gaps, subledger, bank_assertions, trade_sums })
}

/// Decimal helper for callers building drafts from scaled integers.
pub fn amount(v: i64) -> Decimal {
    money::from_db(v)
}
