//! Charts of accounts and opening balances in and out as files.
//!
//! - `account.export` writes the chart in the template's columns
//!   (`code,name,type,subtype,parent,group,reconcilable,currency,default`), so an export
//!   imports back as it was.
//! - `account.import` reads the same columns. Parents may come after their children (they
//!   are resolved by code within the file and among existing accounts); a row naming an
//!   existing code leaves it `unchanged` when nothing differs, or changes it within the
//!   rules of `account.update` (an account with postings keeps its type, stays postable,
//!   keeps its currency). Every bad row is reported; nothing is written unless every row
//!   is good. A company without a chart gets its books set up from the file (settings,
//!   accounts, defaults, journals, example taxes, the current fiscal year) as
//!   `accounting.apply_chart` does from a template.
//! - `entry.import_opening` turns a trial balance (`account,debit,credit[,partner][,description]`)
//!   into one posted entry in the opening journal, through the posting engine.
//!
//! Dry runs write inside a savepoint and roll it back, so they find every problem the
//! real run would (the database's checks included) and leave nothing.

use super::chart;
use super::commands::{CHANGE_SETUP, POST_ENTRY, VIEW};
use super::model::*;
use crate::command::{Access, CommandSpec, Ctx, Registry, TenantCtx};
use crate::exchange::{CsvInput, ExportFile, ExportFormat, ImportReport, Table, parse_bool};
use crate::{Error, FieldCode, Result, keys, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

pub fn register(r: &mut Registry) {
    r.add(CommandSpec::mutation(
        "account.import",
        Access::Permission(CHANGE_SETUP),
        "Import a chart of accounts from CSV (the template's columns); sets up the books of a company without a chart. Every bad row is reported; all or nothing",
        import_chart,
    ));
    r.add(CommandSpec::query("account.export", Access::Permission(VIEW), "Export the chart of accounts as CSV or XLSX (the import's columns)", export_chart));
    r.add(CommandSpec::mutation(
        "entry.import_opening",
        Access::Permission(POST_ENTRY),
        "Post opening balances from a trial balance CSV (account,debit,credit[,partner][,description]) as one entry in the opening journal",
        import_opening,
    ));
    r.add(CommandSpec::mutation(
        "entry.post_batch",
        Access::Permission(POST_ENTRY),
        "Post many manual entries in one transaction through one posting engine: all or nothing; an error names the entry (entries.N....)",
        post_batch,
    ));
}

const CHART_COLUMNS: &[&str] = &["code", "name", "type", "subtype", "parent", "group", "reconcilable", "currency", "default"];

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportChartArgs {
    /// CSV with the columns code, name, type, subtype and optionally parent, group,
    /// reconcilable, currency, default.
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExportChartArgs {
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportOpeningArgs {
    /// CSV with the columns account (code), debit, credit and optionally partner (code),
    /// description.
    pub csv: String,
    /// The opening entry's date.
    pub date: NaiveDate,
    #[serde(default)]
    pub dry_run: bool,
    /// The account that takes the difference when debits and credits differ (e.g. 3900
    /// Opening balance equity); without it an unbalanced file is refused.
    #[serde(default)]
    #[ts(optional)]
    pub balance_account_code: Option<String>,
}

/// What `entry.import_opening` found and did: the rows' report, and the entry it posted
/// (or, on a dry run, would post: its number is then only a preview).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ImportOpeningResult {
    pub report: ImportReport,
    pub entry: Option<PostedEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PostBatchArgs {
    /// At most 50,000 entries.
    pub entries: Vec<EntryDraft>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PostBatchResult {
    pub posted: u32,
    #[ts(type = "number")]
    pub lines: u64,
    pub first_id: Option<EntryId>,
    pub last_id: Option<EntryId>,
}

/// The most entries one `entry.post_batch` takes.
pub const MAX_BATCH: usize = 50_000;

// ---------------------------------------------------------------- batch posting

/// Posts every entry through one [`super::ledger::Poster`] (so account facts are looked
/// up once per batch), in the call's transaction: the first refused entry refuses the
/// batch, its fields prefixed with `entries.N.`. One audit row for the batch.
pub fn post_batch(ctx: &mut Ctx<'_>, a: PostBatchArgs) -> Result<PostBatchResult> {
    let t = ctx.tenant()?;
    if a.entries.len() > MAX_BATCH {
        return Err(Error::field("entries", FieldCode::TooLong.with("max", MAX_BATCH)));
    }
    // Whether each journal named is the closing journal, looked up once per journal (a
    // batch names a few journals many times).
    let mut closing: HashMap<JournalId, bool> = HashMap::new();
    for (i, d) in a.entries.iter().enumerate() {
        let is_closing = match closing.get(&d.journal_id) {
            Some(c) => *c,
            None => {
                let c = super::journals::get_journal(ctx.db(), &t, d.journal_id).is_ok_and(|j| j.kind == JournalKind::Closing);
                closing.insert(d.journal_id, c);
                c
            }
        };
        if is_closing {
            return Err(Error::field(&format!("entries.{i}.journal_id"), FieldCode::ClosingJournalReserved));
        }
    }
    let user = ctx.principal()?.user_id;
    let now = ctx.now;
    let source = Source::manual();
    let mut poster = super::ledger::Poster::new(ctx.db(), t)?;
    let posted = poster.post_many(&a.entries, &source, user, now).map_err(|(i, e)| match e {
        Error::Validation { reason, fields } => Error::Validation {
            reason,
            fields: fields.into_iter().map(|f| crate::FieldError::new(format!("entries.{i}.{}", f.field), f.issue())).collect(),
        },
        other => other,
    })?;
    let out = PostBatchResult {
        posted: u32::try_from(posted.len()).unwrap_or(u32::MAX),
        lines: a.entries.iter().map(|d| d.lines.len() as u64).sum(),
        first_id: posted.first().map(|p| p.id),
        last_id: posted.last().map(|p| p.id),
    };
    ctx.audit("journal_entry", "batch", json!({"posted": out.posted, "first_id": out.first_id, "last_id": out.last_id}));
    Ok(out)
}

// ---------------------------------------------------------------- export

pub fn export_chart(ctx: &mut Ctx<'_>, a: ExportChartArgs) -> Result<ExportFile> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let accounts = chart::list_accounts(db, &t, &ListAccountsArgs { include_archived: Some(true), ..Default::default() })?;
    let defaults = defaults_by_account(db, &t)?;
    let mut table = Table::new(CHART_COLUMNS);
    for acc in accounts {
        table.push(vec![
            acc.code.clone().into(),
            acc.name.clone().into(),
            acc.account_type.as_str().into(),
            acc.subtype.as_str().into(),
            acc.parent_code.clone().into(),
            acc.is_group.into(),
            acc.reconcilable.into(),
            acc.currency.clone().into(),
            defaults.get(&acc.id).cloned().into(),
        ]);
    }
    table.export(a.format, "chart_of_accounts")
}

/// The default key (`receivable`, ...) each account is, when any; none when there is no chart.
fn defaults_by_account(db: &Connection, t: &TenantCtx) -> Result<HashMap<AccountId, String>> {
    if !chart::has_chart(db, t)? {
        return Ok(HashMap::new());
    }
    let d = chart::get_settings(db, t)?.defaults;
    let pairs = [
        ("receivable", d.receivable),
        ("payable", d.payable),
        ("sales", d.sales),
        ("purchase", d.purchase),
        ("inventory", d.inventory),
        ("cogs", d.cogs),
        ("grni", d.grni),
        ("rounding", d.rounding),
        ("fx_gain", d.fx_gain),
        ("fx_loss", d.fx_loss),
        ("retained_earnings", d.retained_earnings),
    ];
    let mut out = HashMap::new();
    for (k, id) in pairs {
        if let Some(id) = id {
            // One account may be several defaults; the file has one cell, the first wins.
            out.entry(id).or_insert_with(|| k.to_string());
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- chart import

/// A checked row of a chart file.
struct ChartLine {
    row: u32,
    code: String,
    key: String,
    name: String,
    account_type: AccountType,
    subtype: AccountSubtype,
    parent_key: Option<String>,
    is_group: bool,
    reconcilable: bool,
    currency: Option<String>,
    default: Option<String>,
}

/// What the import needs to know of an existing account.
struct Existing {
    id: AccountId,
    code: String,
    name: String,
    account_type: AccountType,
    subtype: AccountSubtype,
    parent_key: Option<String>,
    is_group: bool,
    reconcilable: bool,
    currency: Option<String>,
    has_postings: bool,
}

fn existing_accounts(db: &Connection, t: &TenantCtx) -> Result<HashMap<String, Existing>> {
    let all = chart::list_accounts(db, t, &ListAccountsArgs { include_archived: Some(true), ..Default::default() })?;
    Ok(all
        .into_iter()
        .map(|a| {
            (
                keys::fold(&a.code),
                Existing {
                    id: a.id,
                    code: a.code,
                    name: a.name,
                    account_type: a.account_type,
                    subtype: a.subtype,
                    parent_key: a.parent_code.as_deref().map(keys::fold),
                    is_group: a.is_group,
                    reconcilable: a.reconcilable,
                    currency: a.currency,
                    has_postings: a.has_postings,
                },
            )
        })
        .collect())
}

pub fn import_chart(ctx: &mut Ctx<'_>, a: ImportChartArgs) -> Result<ImportReport> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let input = CsvInput::parse(&a.csv, &["code", "name", "type", "subtype"], &["parent", "group", "reconcilable", "currency", "default"])?;
    let mut report = ImportReport::new(a.dry_run, input.len());
    let existing = existing_accounts(db, &t)?;

    // 1. Each row on its own.
    let mut lines: Vec<ChartLine> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut seen_default: HashMap<String, u32> = HashMap::new();
    for rec in input.records() {
        let row = rec.row();
        let errors_before = report.errors.len();
        let code = rec.get("code").to_string();
        let key = keys::fold(&code);
        if code.is_empty() {
            report.error(row, "code", FieldCode::Required);
        } else if let Some(first) = seen.get(&key) {
            report.error(row, "code", FieldCode::RepeatedInFile.with("row", first));
        } else {
            seen.insert(key.clone(), row);
        }
        let account_type = AccountType::parse(&rec.get("type").to_ascii_lowercase());
        if account_type.is_none() {
            report.error(row, "type", FieldCode::NotOneOf.with("allowed", AccountType::allowed()));
        }
        let subtype = AccountSubtype::parse(&rec.get("subtype").to_ascii_lowercase());
        match subtype {
            None => report.error(row, "subtype", FieldCode::NotOneOf.with("allowed", AccountSubtype::allowed())),
            Some(s) => {
                if let (Some(want), Some(ty)) = (s.account_type(), account_type)
                    && want != ty
                {
                    report.error(row, "subtype", FieldCode::SubtypeNeedsType.with("type", want.as_str()));
                }
            }
        }
        let mut flag = |col: &str| match parse_bool(rec.get(col)) {
            Ok(v) => v.unwrap_or(false),
            Err(code) => {
                report.error(row, col, code);
                false
            }
        };
        let is_group = flag("group");
        let reconcilable = flag("reconcilable");
        let default = Some(rec.get("default").to_ascii_lowercase()).filter(|d| !d.is_empty());
        if let Some(d) = &default {
            if !chart::default_keys().any(|k| k == d) {
                report.error(row, "default", FieldCode::NotOneOf.with("allowed", chart::default_keys().collect::<Vec<_>>().join(", ")));
            } else if let Some(first) = seen_default.get(d) {
                report.error(row, "default", FieldCode::RepeatedInFile.with("row", first));
            } else {
                seen_default.insert(d.clone(), row);
                if is_group {
                    report.error(row, "default", FieldCode::AccountIsGroup.with("code", &code));
                }
            }
        }
        let parent = rec.get("parent");
        if report.errors.len() > errors_before {
            continue;
        }
        let (Some(account_type), Some(subtype)) = (account_type, subtype) else { continue };
        lines.push(ChartLine {
            row,
            code,
            key,
            name: rec.get("name").to_string(),
            account_type,
            subtype,
            parent_key: (!parent.is_empty()).then(|| keys::fold(parent)),
            is_group,
            reconcilable,
            currency: Some(rec.get("currency").to_ascii_uppercase()).filter(|c| !c.is_empty()),
            default,
        });
    }

    // 2. Parents, against the chart as it will be (the file's rows win over what exists).
    let in_file: HashMap<&str, usize> = lines.iter().enumerate().map(|(i, l)| (l.key.as_str(), i)).collect();
    let parent_of = |key: &str| -> Option<String> {
        match in_file.get(key) {
            Some(&i) => lines[i].parent_key.clone(),
            None => existing.get(key).and_then(|e| e.parent_key.clone()),
        }
    };
    let mut row_errors: Vec<(u32, &str, crate::Issue)> = Vec::new();
    for l in &lines {
        let Some(pk) = &l.parent_key else { continue };
        let parent = match in_file.get(pk.as_str()) {
            Some(&i) => Some((lines[i].code.clone(), lines[i].is_group, lines[i].account_type)),
            None => existing.get(pk).map(|e| (e.code.clone(), e.is_group, e.account_type)),
        };
        let Some((pcode, pgroup, ptype)) = parent else {
            row_errors.push((l.row, "parent", FieldCode::NotFound.with("entity", "account").with("value", pk)));
            continue;
        };
        if !pgroup {
            row_errors.push((l.row, "parent", FieldCode::ParentNotGroup.with("code", pcode)));
        } else if ptype != l.account_type {
            row_errors.push((l.row, "parent", FieldCode::ParentTypeDiffers.with("type", ptype.as_str())));
        } else {
            // Walk up: reaching the row's own code again is a cycle.
            let mut cur = Some(pk.clone());
            let mut steps = 0;
            while let Some(k) = cur {
                if k == l.key || steps > in_file.len() + existing.len() {
                    row_errors.push((l.row, "parent", FieldCode::AccountCycle.into()));
                    break;
                }
                steps += 1;
                cur = parent_of(&k);
            }
        }
    }
    // 3. Rows naming existing accounts: unchanged, or a change `account.update` allows.
    let mut new_children: HashMap<&str, bool> = HashMap::new();
    for l in &lines {
        if let Some(pk) = &l.parent_key {
            new_children.insert(pk.as_str(), true);
        }
    }
    for l in &lines {
        let Some(e) = existing.get(&l.key) else { continue };
        if e.has_postings {
            if e.account_type != l.account_type {
                row_errors.push((l.row, "type", FieldCode::AccountHasPostings.into()));
            }
            if l.is_group && !e.is_group {
                row_errors.push((l.row, "group", FieldCode::AccountHasPostings.into()));
            }
            if l.currency.is_some() && l.currency != e.currency {
                row_errors.push((l.row, "currency", FieldCode::AccountHasPostings.into()));
            }
        }
        if e.is_group && !l.is_group {
            // Children as they will be: the file's rows, and existing accounts the file leaves alone.
            let has_child = new_children.contains_key(l.key.as_str())
                || existing.iter().any(|(k, x)| !in_file.contains_key(k.as_str()) && x.parent_key.as_deref() == Some(l.key.as_str()));
            if has_child {
                row_errors.push((l.row, "group", FieldCode::GroupHasChildren.into()));
            }
        }
    }
    for (row, col, issue) in row_errors {
        report.error(row, col, issue);
    }
    report.sort();

    // 4. Write (a dry run too, in a savepoint it rolls back), catching what the
    //    database-side checks find (lengths, currencies, ...).
    if report.is_clean() {
        let today = super::periods::today(db, &t, ctx.now)?;
        let now = ctx.now;
        let fresh = !chart::has_chart(db, &t)?;
        in_savepoint(db, "account_import", a.dry_run, || {
            if fresh {
                chart::insert_settings(db, &t, "import", now)?;
            }
            let mut ids: HashMap<&str, AccountId> = existing.iter().map(|(k, e)| (k.as_str(), e.id)).collect();
            for l in &lines {
                let input = AccountInput {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    account_type: l.account_type,
                    subtype: l.subtype,
                    parent_id: None,
                    is_group: Some(l.is_group),
                    currency: l.currency.clone(),
                    reconcilable: Some(l.reconcilable),
                };
                match existing.get(&l.key) {
                    None => match chart::insert_account(db, &t, &input, now) {
                        Ok(id) => {
                            ids.insert(l.key.as_str(), id);
                            report.created += 1;
                        }
                        Err(e) => field_errors(&mut report, l.row, e)?,
                    },
                    Some(e) => {
                        let same = e.code == l.code
                            && e.name == l.name
                            && e.account_type == l.account_type
                            && e.subtype == l.subtype
                            && e.parent_key == l.parent_key
                            && e.is_group == l.is_group
                            && e.reconcilable == l.reconcilable
                            && e.currency == l.currency;
                        if same {
                            report.unchanged += 1;
                            continue;
                        }
                        match chart::check_account(db, &t, &input, Some(e.id)) {
                            Ok(c) => {
                                db.prepare_cached(
                                    "UPDATE accounts SET code = ?3, code_key = ?4, name = ?5, type = ?6, subtype = ?7, is_group = ?8, currency = ?9,
                                            reconcilable = ?10, updated_at = ?11 WHERE tenant_id = ?1 AND id = ?2",
                                )?
                                .execute(params![t.tenant_id(), e.id, c.code, keys::fold(&c.code), c.name, c.account_type, c.subtype, l.is_group, c.currency, l.reconcilable, now])?;
                            }
                            Err(err) => field_errors(&mut report, l.row, err)?,
                        }
                    }
                }
            }
            if !report.is_clean() {
                return Ok(false);
            }
            // Parents once every account exists (the file may name them in any order).
            let mut up = db.prepare_cached("UPDATE accounts SET parent_id = ?3 WHERE tenant_id = ?1 AND id = ?2")?;
            for l in &lines {
                let parent = match &l.parent_key {
                    Some(pk) => Some(*ids.get(pk.as_str()).ok_or_else(|| Error::Internal(format!("parent {pk}")))?),
                    None => None,
                };
                up.execute(params![t.tenant_id(), ids.get(l.key.as_str()).copied().ok_or_else(|| Error::Internal("account".into()))?, parent])?;
            }
            for l in &lines {
                if let (Some(d), Some(id)) = (&l.default, ids.get(l.key.as_str())) {
                    chart::set_default(db, &t, d, *id)?;
                }
            }
            if fresh {
                chart::finish_setup(db, &t, today, now)?;
            }
            Ok(true)
        })?;
    }
    report.sort();
    if report.is_clean() && !a.dry_run {
        report.committed = true;
        ctx.audit("chart", "import", json!({"rows": report.rows, "created": report.created, "unchanged": report.unchanged}));
    } else {
        ctx.wrote_nothing();
    }
    Ok(report)
}

/// Reports a rejected row's field errors against its columns; any other error stops the import.
fn field_errors(report: &mut ImportReport, row: u32, e: Error) -> Result<()> {
    if e.fields().is_empty() {
        return Err(e);
    }
    for f in e.fields() {
        let col = match f.field.as_str() {
            "type" | "account_type" => "type",
            "parent_id" => "parent",
            "is_group" => "group",
            other => other,
        };
        report.error(row, col, f.issue());
    }
    Ok(())
}

/// Runs `write` in a savepoint and keeps its writes only when it answers true and this is
/// not a dry run.
fn in_savepoint(db: &Connection, name: &str, dry_run: bool, write: impl FnOnce() -> Result<bool>) -> Result<()> {
    db.execute_batch(&format!("SAVEPOINT {name}"))?;
    match write() {
        Ok(true) if !dry_run => {
            db.execute_batch(&format!("RELEASE {name}"))?;
            Ok(())
        }
        other => {
            db.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
            other.map(|_| ())
        }
    }
}

// ---------------------------------------------------------------- opening balances

pub fn import_opening(ctx: &mut Ctx<'_>, a: ImportOpeningArgs) -> Result<ImportOpeningResult> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    chart::require_chart(db, &t)?;
    let input = CsvInput::parse(&a.csv, &["account", "debit", "credit"], &["partner", "description"])?;
    let mut report = ImportReport::new(a.dry_run, input.len());
    let journal = super::journals::by_kind(db, &t, JournalKind::Opening)?;
    let balance_account = match a.balance_account_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => Some(chart::get_id_by_code(db, &t, code)?.ok_or_else(|| Error::field("balance_account_code", FieldCode::NotFound.with("entity", "account").with("value", code)))?),
    };
    let mut lines: Vec<LineDraft> = Vec::new();
    let mut rows: Vec<u32> = Vec::new();
    let (mut debits, mut credits) = (Decimal::ZERO, Decimal::ZERO);
    for rec in input.records() {
        let row = rec.row();
        let before = report.errors.len();
        let code = rec.get("account");
        let account = if code.is_empty() {
            report.error(row, "account", FieldCode::Required);
            None
        } else {
            let id = chart::get_id_by_code(db, &t, code)?;
            if id.is_none() {
                report.error(row, "account", FieldCode::NotFound.with("entity", "account").with("value", code));
            }
            id
        };
        let mut amount = |col: &str| -> Decimal {
            let cell = rec.get(col);
            if cell.is_empty() {
                return Decimal::ZERO;
            }
            match money::parse(col, cell) {
                Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                    report.error(row, col, FieldCode::Negative);
                    Decimal::ZERO
                }
                Ok(v) => v,
                Err(_) => {
                    report.error(row, col, FieldCode::InvalidDecimal);
                    Decimal::ZERO
                }
            }
        };
        let debit = amount("debit");
        let credit = amount("credit");
        if report.errors.len() == before && debit.is_zero() == credit.is_zero() {
            report.error(row, if debit.is_zero() { "debit" } else { "credit" }, FieldCode::OneOfDebitCredit);
        }
        let partner = match rec.get("partner") {
            "" => None,
            p => {
                let id = crate::partners::repo::find_by_code(db, &t, p)?;
                if id.is_none() {
                    report.error(row, "partner", FieldCode::NotFound.with("entity", "partner").with("value", p));
                }
                id
            }
        };
        if report.errors.len() > before {
            continue;
        }
        debits = crate::arith::add("debit", debits, debit)?;
        credits = crate::arith::add("credit", credits, credit)?;
        lines.push(LineDraft { account_id: account, partner_id: partner, description: rec.get("description").to_string(), debit, credit, ..Default::default() });
        rows.push(row);
    }
    if !report.is_clean() {
        ctx.wrote_nothing();
        return Ok(ImportOpeningResult { report, entry: None });
    }
    let difference = crate::arith::sub("difference", debits, credits)?;
    if !difference.is_zero() {
        let Some(balance) = balance_account else {
            ctx.wrote_nothing();
            return Err(Error::field("csv", FieldCode::Unbalanced.with("debit", debits).with("credit", credits).with("difference", difference)));
        };
        let amount = difference.abs();
        lines.push(LineDraft {
            account_id: Some(balance),
            description: "Opening balance difference".into(),
            debit: if difference.is_sign_negative() { amount } else { Decimal::ZERO },
            credit: if difference.is_sign_positive() { amount } else { Decimal::ZERO },
            ..Default::default()
        });
    }
    let draft = EntryDraft { journal_id: journal, date: a.date, reference: "Opening balances".into(), memo: String::new(), lines };
    let source = Source { module: "accounting".into(), kind: "opening".into(), id: None };
    let mut entry = None;
    let mut refused = None;
    in_savepoint(db, "opening_import", a.dry_run, || match super::ledger::post(ctx, draft, source) {
        Ok(p) => {
            entry = Some(p);
            Ok(true)
        }
        Err(e) => {
            // Line errors go to their rows; anything else (the date's period, ...) refuses the call.
            let mut other = Vec::new();
            for f in e.fields() {
                let located = f.field.strip_prefix("lines.").and_then(|rest| rest.split_once('.')).and_then(|(i, col)| Some((i.parse::<usize>().ok()?, col)));
                match located {
                    Some((i, col)) if i < rows.len() => {
                        let col = match col {
                            "account_id" => "account",
                            "partner_id" => "partner",
                            c => c,
                        };
                        report.error(rows[i], col, f.issue());
                    }
                    Some((_, col)) => {
                        // The balancing line: the argument that named its account.
                        other.push(crate::FieldError::new("balance_account_code", f.issue()));
                        let _ = col;
                    }
                    None => other.push(f.clone()),
                }
            }
            if e.fields().is_empty() || !other.is_empty() {
                refused = Some(if e.fields().is_empty() { e } else { Error::Validation { reason: crate::Reason::InvalidInput.into(), fields: other } });
            }
            Ok(false)
        }
    })?;
    report.sort();
    if let Some(e) = refused {
        ctx.wrote_nothing();
        return Err(e);
    }
    if report.is_clean() {
        report.created = rows.len() as u32;
    }
    if report.is_clean() && !a.dry_run {
        report.committed = true;
    } else {
        ctx.wrote_nothing();
        if !report.is_clean() {
            entry = None;
        }
    }
    Ok(ImportOpeningResult { report, entry })
}
