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

        // The number, from the journal's series for this fiscal year.
        let year_start = self.year_start(year)?;
        let (series, prefix) = self
            .series
            .entry((d.journal_id, year))
            .or_insert_with(|| (format!("journal:{}:{}", d.journal_id, year), format!("{journal_code}/{}/", chrono::Datelike::year(&year_start))));
        let (seq, number) = crate::sequence::next_value(db, &t, series, prefix, 5)?;

        // The entry.
        let reference = d.reference.trim();
        let memo = d.memo.trim();
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

        // The lines and the maintained balances: a few rows per statement (each statement
        // has its own setup and statement journal), chunks of at most ROWS_PER_INSERT.
        let mut by_account: BTreeMap<AccountId, (i64, i64)> = BTreeMap::new();
        let mut by_partner: BTreeMap<(AccountId, crate::partners::model::PartnerId), (i64, i64)> = BTreeMap::new();
        let mut line_no = 0_i64;
        for chunk in resolved.chunks(ROWS_PER_INSERT) {
            let mut ins = db.prepare_cached(&lines_insert_sql(chunk.len()))?;
            ins.raw_bind_parameter(1, t.tenant_id())?;
            ins.raw_bind_parameter(2, id)?;
            ins.raw_bind_parameter(3, d.journal_id)?;
            ins.raw_bind_parameter(4, period)?;
            ins.raw_bind_parameter(5, d.date)?;
            let mut k = 6;
            for l in chunk {
                line_no += 1;
                ins.raw_bind_parameter(k, line_no)?;
                ins.raw_bind_parameter(k + 1, l.account)?;
                ins.raw_bind_parameter(k + 2, l.partner)?;
                ins.raw_bind_parameter(k + 3, l.description.as_str())?;
                ins.raw_bind_parameter(k + 4, l.debit)?;
                ins.raw_bind_parameter(k + 5, l.credit)?;
                ins.raw_bind_parameter(k + 6, l.currency.as_str())?;
                ins.raw_bind_parameter(k + 7, l.amount_currency)?;
                ins.raw_bind_parameter(k + 8, l.tax)?;
                ins.raw_bind_parameter(k + 9, l.tax_base)?;
                k += LINE_PARAMS;
            }
            ins.raw_execute()?;
        }
        for l in &resolved {
            // Each side is a sum of amounts whose total was computed with checked
            // arithmetic above, so these cannot overflow; checked anyway.
            let e = by_account.entry(l.account).or_default();
            e.0 = e.0.checked_add(l.debit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            e.1 = e.1.checked_add(l.credit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            if l.needs_partner
                && let Some(p) = l.partner
            {
                let e = by_partner.entry((l.account, p)).or_default();
                e.0 = e.0.checked_add(l.debit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
                e.1 = e.1.checked_add(l.credit).ok_or_else(|| Error::field("lines", FieldCode::TooLarge))?;
            }
        }
        let by_account: Vec<_> = by_account.into_iter().collect();
        for chunk in by_account.chunks(ROWS_PER_INSERT) {
            let mut up = db.prepare_cached(&account_balances_sql(chunk.len()))?;
            up.raw_bind_parameter(1, t.tenant_id())?;
            up.raw_bind_parameter(2, period)?;
            let mut k = 3;
            for (account, (dr, cr)) in chunk {
                up.raw_bind_parameter(k, account)?;
                up.raw_bind_parameter(k + 1, dr)?;
                up.raw_bind_parameter(k + 2, cr)?;
                k += 3;
            }
            up.raw_execute()?;
        }
        let by_partner: Vec<_> = by_partner.into_iter().collect();
        for chunk in by_partner.chunks(ROWS_PER_INSERT) {
            let mut up = db.prepare_cached(&partner_balances_sql(chunk.len()))?;
            up.raw_bind_parameter(1, t.tenant_id())?;
            up.raw_bind_parameter(2, period)?;
            let mut k = 3;
            for ((account, partner), (dr, cr)) in chunk {
                up.raw_bind_parameter(k, account)?;
                up.raw_bind_parameter(k + 1, partner)?;
                up.raw_bind_parameter(k + 2, dr)?;
                up.raw_bind_parameter(k + 3, cr)?;
                k += 4;
            }
            up.raw_execute()?;
        }
        self.last_numbered.insert((d.journal_id, year), Some((d.date, number.clone())));
        Ok(PostedEntry { id, number, date: d.date, period_id: period, total: money::from_db(total_debit) })
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

/// Rows per multi-row insert of lines or balances: an entry of n lines takes ceil(n / 8)
/// statements; the SQL texts for 1..=8 rows are each prepared once (and cached).
const ROWS_PER_INSERT: usize = 8;
/// Per-line parameters of [`lines_insert_sql`], after the five shared ones.
const LINE_PARAMS: usize = 10;

/// `INSERT INTO journal_lines` of `n` rows: ?1 tenant, ?2 entry, ?3 journal, ?4 period,
/// ?5 date shared; then [`LINE_PARAMS`] per line. The id is never named: SQLite assigns a
/// new rowid.
fn lines_insert_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO journal_lines (tenant_id, entry_id, journal_id, period_id, date, line_no, account_id, partner_id, description, debit, credit,
            currency, amount_currency, tax_id, tax_base) VALUES ",
    );
    for i in 0..n {
        let k = 6 + i * LINE_PARAMS;
        let p: Vec<String> = (k..k + LINE_PARAMS).map(|j| format!("?{j}")).collect();
        sql.push_str(if i == 0 { "" } else { ", " });
        sql.push_str(&format!("(?1, ?2, ?3, ?4, ?5, {})", p.join(", ")));
    }
    sql
}

/// The upsert of `n` account balances of one period: ?1 tenant, ?2 period, then account,
/// debit, credit per row.
fn account_balances_sql(n: usize) -> String {
    let rows: Vec<String> = (0..n).map(|i| format!("(?1, ?{}, ?2, ?{}, ?{})", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i)).collect();
    format!(
        "INSERT INTO account_balances (tenant_id, account_id, period_id, debit, credit) VALUES {}
         ON CONFLICT (tenant_id, account_id, period_id) DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit",
        rows.join(", ")
    )
}

/// The upsert of `n` partner balances of one period: ?1 tenant, ?2 period, then account,
/// partner, debit, credit per row.
fn partner_balances_sql(n: usize) -> String {
    let rows: Vec<String> = (0..n).map(|i| format!("(?1, ?{}, ?{}, ?2, ?{}, ?{})", 3 + 4 * i, 4 + 4 * i, 5 + 4 * i, 6 + 4 * i)).collect();
    format!(
        "INSERT INTO partner_balances (tenant_id, account_id, partner_id, period_id, debit, credit) VALUES {}
         ON CONFLICT (tenant_id, account_id, partner_id, period_id) DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit",
        rows.join(", ")
    )
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

/// Posts the reversal of posted entry `id` and links the two.
pub fn reverse_entry(ctx: &mut Ctx<'_>, id: EntryId, date: Option<NaiveDate>, memo: Option<String>, allow_closing: bool) -> Result<PostedEntry> {
    let t = ctx.tenant()?;
    let (draft, source, closing) = reversal_draft(ctx.db(), &t, id, date, memo)?;
    if closing && !allow_closing {
        return Err(Error::refused(Reason::ClosingEntryFollowsYear));
    }
    post_with(ctx, draft, source, Some(id), closing)
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
    let ok = unbalanced.is_empty() && drift.is_empty() && numbering_gaps.is_empty();
    Ok(LedgerCheck { ok, entries, lines, unbalanced_entries: unbalanced, drift, numbering_gaps })
}

/// Decimal helper for callers building drafts from scaled integers.
pub fn amount(v: i64) -> Decimal {
    money::from_db(v)
}
