//! The chart of accounts: accounts, the shipped template, the company's accounting
//! settings and default accounts.

use super::model::*;
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, keys, money};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// The charts shipped with Cora: (key, name, CSV in the `account.import` format).
pub const TEMPLATES: &[(&str, &str, &str)] = &[("generic", "Generic small business", include_str!("charts/generic.csv"))];

/// One row of a chart CSV (the template and `account.import` share it).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ChartRow {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: String,
    pub subtype: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub reconcilable: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub default: String,
}

pub fn template_rows(key: &str) -> Result<Vec<ChartRow>> {
    let (_, _, csv) = TEMPLATES.iter().find(|(k, _, _)| *k == key).ok_or_else(|| {
        Error::field("template", FieldCode::NotOneOf.with("allowed", TEMPLATES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")))
    })?;
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.deserialize().collect::<std::result::Result<Vec<ChartRow>, _>>().map_err(|e| Error::Internal(format!("chart template {key}: {e}")))
}

pub fn list_templates() -> Vec<ChartTemplate> {
    TEMPLATES
        .iter()
        .map(|(k, n, csv)| ChartTemplate { key: k.to_string(), name: n.to_string(), accounts: csv.lines().count().saturating_sub(1) as u32 })
        .collect()
}

fn parse_bool(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "x")
}

/// Sets up a company's books from a template: accounts, default accounts, journals,
/// example taxes and the current fiscal year. Refused when the company has accounts.
pub fn apply_template(db: &Connection, t: &TenantCtx, key: &str, today: chrono::NaiveDate, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if has_chart(db, t)? {
        return Err(Error::conflict("template", FieldCode::ChartExists));
    }
    let rows = template_rows(key)?;
    insert_settings(db, t, key, now)?;
    let mut defaults: Vec<(String, AccountId)> = Vec::new();
    for row in &rows {
        let parent = if row.parent.trim().is_empty() { None } else { Some(get_id_by_code(db, t, &row.parent)?.ok_or_else(|| Error::Internal(format!("template parent {}", row.parent)))?) };
        let input = AccountInput {
            code: row.code.clone(),
            name: row.name.clone(),
            account_type: AccountType::parse(&row.account_type).ok_or_else(|| Error::Internal(format!("template type {}", row.account_type)))?,
            subtype: AccountSubtype::parse(&row.subtype).ok_or_else(|| Error::Internal(format!("template subtype {}", row.subtype)))?,
            parent_id: parent,
            is_group: Some(parse_bool(&row.group)),
            currency: (!row.currency.trim().is_empty()).then(|| row.currency.clone()),
            reconcilable: Some(parse_bool(&row.reconcilable)),
        };
        let id = insert_account(db, t, &input, now)?;
        if !row.default.trim().is_empty() {
            defaults.push((row.default.trim().to_string(), id));
        }
    }
    for (key, id) in defaults {
        set_default(db, t, &key, id)?;
    }
    finish_setup(db, t, today, now)
}

/// The first step of setting up a company's books (a template or an imported chart): its
/// settings row. `chart` names where the chart came from.
pub(crate) fn insert_settings(db: &Connection, t: &TenantCtx, chart: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    db.prepare_cached("INSERT INTO accounting_settings (tenant_id, chart_template, updated_at) VALUES (?1, ?2, ?3)")?
        .execute(params![t.tenant_id(), chart, now])?;
    Ok(())
}

/// Points the default `key` (`receivable`, `sales`, ...; see [`default_keys`]) at `id`.
pub(crate) fn set_default(db: &Connection, t: &TenantCtx, key: &str, id: AccountId) -> Result<()> {
    let col = default_column(key).ok_or_else(|| Error::Internal(format!("default {key}")))?;
    db.execute(&format!("UPDATE accounting_settings SET {col} = ?2 WHERE tenant_id = ?1"), params![t.tenant_id(), id])?;
    Ok(())
}

/// The last step of setting up books once the accounts exist: the journals, the example
/// taxes (those whose accounts the chart has) and the current fiscal year.
pub(crate) fn finish_setup(db: &Connection, t: &TenantCtx, today: chrono::NaiveDate, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    super::journals::seed(db, t, now)?;
    crate::finance::bank::adopt_journals(db, t, now)?;
    super::tax::seed(db, t, now)?;
    super::periods::ensure_year(db, t, today)?;
    // Inventory's loss/gain account, when the chart has one (a company that got its chart
    // after it was created).
    crate::inventory::places::seed_company(db, t, now)?;
    Ok(())
}

/// The keys of the `default` column of a chart file.
pub fn default_keys() -> impl Iterator<Item = &'static str> {
    DEFAULT_COLUMNS.iter().map(|(k, _)| *k)
}

const DEFAULT_COLUMNS: &[(&str, &str)] = &[
    ("receivable", "receivable_account_id"),
    ("payable", "payable_account_id"),
    ("sales", "sales_account_id"),
    ("purchase", "purchase_account_id"),
    ("inventory", "inventory_account_id"),
    ("cogs", "cogs_account_id"),
    ("grni", "grni_account_id"),
    ("rounding", "rounding_account_id"),
    ("fx_gain", "fx_gain_account_id"),
    ("fx_loss", "fx_loss_account_id"),
    ("retained_earnings", "retained_earnings_account_id"),
];

fn default_column(key: &str) -> Option<&'static str> {
    DEFAULT_COLUMNS.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
}

pub fn has_chart(db: &Connection, t: &TenantCtx) -> Result<bool> {
    Ok(db.prepare_cached("SELECT 1 FROM accounting_settings WHERE tenant_id = ?1")?.exists([t.tenant_id()])?)
}

/// The company's settings; `not_found` (naming the setup) when it has no chart yet.
pub fn get_settings(db: &Connection, t: &TenantCtx) -> Result<AccountingSettings> {
    let base = base_currency(db, t)?;
    let row = db
        .prepare_cached(
            "SELECT chart_template, lock_date, tax_rounding, tax_rounding_mode, receivable_account_id, payable_account_id, sales_account_id,
                    purchase_account_id, inventory_account_id, cogs_account_id, grni_account_id, rounding_account_id, fx_gain_account_id,
                    fx_loss_account_id, retained_earnings_account_id
             FROM accounting_settings WHERE tenant_id = ?1",
        )?
        .query_row([t.tenant_id()], |r| {
            Ok(AccountingSettings {
                chart_template: r.get(0)?,
                base_currency: base.clone(),
                lock_date: r.get(1)?,
                tax_rounding: r.get(2)?,
                tax_rounding_mode: r.get(3)?,
                defaults: AccountDefaults {
                    receivable: r.get(4)?,
                    payable: r.get(5)?,
                    sales: r.get(6)?,
                    purchase: r.get(7)?,
                    inventory: r.get(8)?,
                    cogs: r.get(9)?,
                    grni: r.get(10)?,
                    rounding: r.get(11)?,
                    fx_gain: r.get(12)?,
                    fx_loss: r.get(13)?,
                    retained_earnings: r.get(14)?,
                },
                currencies: vec![],
            })
        })
        .optional()?;
    let mut s = row.ok_or_else(|| Error::refused(crate::Reason::NoChartOfAccounts))?;
    s.currencies = super::currency::enabled(db, t)?;
    Ok(s)
}

pub fn base_currency(db: &Connection, t: &TenantCtx) -> Result<String> {
    Ok(db.prepare_cached("SELECT base_currency FROM companies WHERE id = ?1")?.query_row([t.tenant_id()], |r| r.get(0))?)
}

// ---------------------------------------------------------------- accounts: repository

const ACCOUNT_COLS: &str = "a.id, a.code, a.name, a.type, a.subtype, a.parent_id, p.code, a.is_group, a.currency, a.reconcilable, a.archived,
     coalesce((SELECT sum(b.debit) - sum(b.credit) FROM account_balances b WHERE b.tenant_id = a.tenant_id AND b.account_id = a.id), 0),
     EXISTS (SELECT 1 FROM account_balances b WHERE b.tenant_id = a.tenant_id AND b.account_id = a.id), a.updated_at";

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        account_type: r.get(3)?,
        subtype: r.get(4)?,
        parent_id: r.get(5)?,
        parent_code: r.get(6)?,
        is_group: r.get(7)?,
        currency: r.get(8)?,
        reconcilable: r.get(9)?,
        archived: r.get(10)?,
        balance: money::from_db(r.get(11)?),
        has_postings: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

pub fn get_account(db: &Connection, t: &TenantCtx, id: AccountId) -> Result<Account> {
    db.prepare_cached(&format!("SELECT {ACCOUNT_COLS} FROM accounts a LEFT JOIN accounts p ON p.tenant_id = a.tenant_id AND p.id = a.parent_id WHERE a.tenant_id = ?1 AND a.id = ?2"))?
        .query_row(params![t.tenant_id(), id], account_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("account", id))
}

pub fn get_id_by_code(db: &Connection, t: &TenantCtx, code: &str) -> Result<Option<AccountId>> {
    Ok(db.prepare_cached("SELECT id FROM accounts WHERE tenant_id = ?1 AND code_key = ?2")?.query_row(params![t.tenant_id(), keys::fold(code)], |r| r.get(0)).optional()?)
}

/// Every account in code order (a chart has hundreds, not millions: no paging), with its
/// balance from the maintained balances.
pub fn list_accounts(db: &Connection, t: &TenantCtx, a: &ListAccountsArgs) -> Result<Vec<Account>> {
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let limit = i64::from(a.limit.unwrap_or(5000).min(5000));
    let mut st = db.prepare_cached(&format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a LEFT JOIN accounts p ON p.tenant_id = a.tenant_id AND p.id = a.parent_id
         WHERE a.tenant_id = ?1 AND (?2 OR NOT a.archived) AND (NOT ?3 OR NOT a.is_group)
           AND (?4 IS NULL OR a.code LIKE ?4 ESCAPE '\\' OR a.name LIKE ?4 ESCAPE '\\')
         ORDER BY a.code, a.id LIMIT ?5"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.include_archived.unwrap_or(false), a.postable_only.unwrap_or(false), pattern, limit], account_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn check_account(db: &Connection, t: &TenantCtx, a: &AccountInput, id: Option<AccountId>) -> Result<AccountInput> {
    let mut c = Checker::new();
    let code = c.code("code", &a.code, 20);
    let name = c.required("name", &a.name, 200);
    if let Some(want) = a.subtype.account_type()
        && want != a.account_type
    {
        c.push("subtype", FieldCode::SubtypeNeedsType.with("type", want.as_str()));
    }
    let currency = match a.currency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(cur) => Some(c.currency("currency", cur)),
        None => None,
    };
    if let Some(pid) = a.parent_id {
        if Some(pid) == id {
            c.push("parent_id", FieldCode::AccountCycle);
        } else {
            match get_account(db, t, pid) {
                Ok(p) => {
                    if !p.is_group {
                        c.push("parent_id", FieldCode::ParentNotGroup.with("code", &p.code));
                    } else if p.account_type != a.account_type {
                        c.push("parent_id", FieldCode::ParentTypeDiffers.with("type", p.account_type.as_str()));
                    } else if let Some(id) = id
                        && is_descendant(db, t, pid, id)?
                    {
                        c.push("parent_id", FieldCode::AccountCycle);
                    }
                }
                Err(_) => c.push("parent_id", FieldCode::NotFound.with("entity", "account")),
            }
        }
    }
    c.finish()?;
    if let Some(other) = get_id_by_code(db, t, &code)?
        && Some(other) != id
    {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "account").with("value", &code)));
    }
    Ok(AccountInput { code, name, currency, ..a.clone() })
}

/// True when `node` is `ancestor` or lies below it.
fn is_descendant(db: &Connection, t: &TenantCtx, node: AccountId, ancestor: AccountId) -> Result<bool> {
    let mut cur = Some(node);
    let mut guard = 0;
    while let Some(id) = cur {
        if id == ancestor {
            return Ok(true);
        }
        guard += 1;
        if guard > 1000 {
            return Ok(true);
        }
        cur = db.prepare_cached("SELECT parent_id FROM accounts WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), id], |r| r.get(0)).optional()?.flatten();
    }
    Ok(false)
}

pub fn insert_account(db: &Connection, t: &TenantCtx, a: &AccountInput, now: chrono::DateTime<chrono::Utc>) -> Result<AccountId> {
    let a = check_account(db, t, a, None)?;
    db.prepare_cached(
        "INSERT INTO accounts (tenant_id, code, code_key, name, type, subtype, parent_id, is_group, currency, reconcilable, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        t.tenant_id(),
        a.code,
        keys::fold(&a.code),
        a.name,
        a.account_type,
        a.subtype,
        a.parent_id,
        a.is_group.unwrap_or(false),
        a.currency,
        a.reconcilable.unwrap_or(false),
        now
    ])?;
    Ok(AccountId(db.last_insert_rowid()))
}

// ---------------------------------------------------------------- accounts: service

pub fn create(ctx: &mut Ctx<'_>, a: AccountInput) -> Result<Account> {
    let t = ctx.tenant()?;
    require_chart(ctx.db(), &t)?;
    let id = insert_account(ctx.db(), &t, &a, ctx.now)?;
    ctx.audit("account", id, json!({"code": a.code, "name": a.name}));
    get_account(ctx.db(), &t, id)
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdateAccountArgs) -> Result<Account> {
    let t = ctx.tenant()?;
    let old = get_account(ctx.db(), &t, a.id)?;
    let new = check_account(ctx.db(), &t, &a.account, Some(a.id))?;
    let is_group = new.is_group.unwrap_or(old.is_group);
    if old.has_postings {
        // The history of an account with postings keeps its meaning.
        let mut c = Checker::new();
        if new.account_type != old.account_type {
            c.push("type", FieldCode::AccountHasPostings);
        }
        if is_group {
            c.push("is_group", FieldCode::AccountHasPostings);
        }
        if new.currency != old.currency && new.currency.is_some() {
            c.push("currency", FieldCode::AccountHasPostings);
        }
        c.finish()?;
    }
    if !is_group && old.is_group && has_children(ctx.db(), &t, a.id)? {
        return Err(Error::conflict("is_group", FieldCode::GroupHasChildren));
    }
    ctx.db()
        .prepare_cached(
            "UPDATE accounts SET code = ?3, code_key = ?4, name = ?5, type = ?6, subtype = ?7, parent_id = ?8, is_group = ?9, currency = ?10,
                    reconcilable = ?11, updated_at = ?12 WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![
            t.tenant_id(),
            a.id,
            new.code,
            keys::fold(&new.code),
            new.name,
            new.account_type,
            new.subtype,
            new.parent_id,
            is_group,
            new.currency,
            new.reconcilable.unwrap_or(old.reconcilable),
            ctx.now
        ])?;
    let fresh = get_account(ctx.db(), &t, a.id)?;
    ctx.audit("account", a.id, crate::audit::changes(&old, &fresh));
    Ok(fresh)
}

fn has_children(db: &Connection, t: &TenantCtx, id: AccountId) -> Result<bool> {
    Ok(db.prepare_cached("SELECT 1 FROM accounts WHERE tenant_id = ?1 AND parent_id = ?2")?.exists(params![t.tenant_id(), id])?)
}

/// Archiving keeps the history; it needs a zero balance, so nothing is left on an
/// account nobody can post to any more.
pub fn set_archived(ctx: &mut Ctx<'_>, id: AccountId, archived: bool) -> Result<Account> {
    let t = ctx.tenant()?;
    let old = get_account(ctx.db(), &t, id)?;
    if archived && !old.balance.is_zero() {
        return Err(Error::conflict("archived", FieldCode::BalanceNotZero.with("balance", old.balance)));
    }
    if archived && is_default(ctx.db(), &t, id)? {
        return Err(Error::conflict("archived", FieldCode::AccountIsDefault));
    }
    ctx.db().prepare_cached("UPDATE accounts SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, archived, ctx.now])?;
    ctx.audit("account", id, json!({"archived": [old.archived, archived]}));
    get_account(ctx.db(), &t, id)
}

fn is_default(db: &Connection, t: &TenantCtx, id: AccountId) -> Result<bool> {
    let cond = DEFAULT_COLUMNS.iter().map(|(_, c)| format!("{c} = ?2")).collect::<Vec<_>>().join(" OR ");
    Ok(db.prepare_cached(&format!("SELECT 1 FROM accounting_settings WHERE tenant_id = ?1 AND ({cond})"))?.exists(params![t.tenant_id(), id])?)
}

/// Only an account nothing refers to can be deleted: no postings, drafts, children,
/// taxes, journals or defaults.
pub fn delete(ctx: &mut Ctx<'_>, id: AccountId) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    let old = get_account(ctx.db(), &t, id)?;
    if old.has_postings {
        return Err(Error::refused(crate::Reason::AccountHasPostings.with("code", &old.code)));
    }
    let used = has_children(ctx.db(), &t, id)?
        || is_default(ctx.db(), &t, id)?
        || ctx.db().prepare_cached("SELECT 1 FROM journal_draft_lines WHERE tenant_id = ?1 AND account_id = ?2")?.exists(params![t.tenant_id(), id])?
        || ctx.db().prepare_cached("SELECT 1 FROM taxes WHERE tenant_id = ?1 AND (collected_account_id = ?2 OR paid_account_id = ?2)")?.exists(params![t.tenant_id(), id])?
        || ctx.db().prepare_cached("SELECT 1 FROM journals WHERE tenant_id = ?1 AND account_id = ?2")?.exists(params![t.tenant_id(), id])?;
    if used {
        return Err(Error::refused(crate::Reason::InUse.with("entity", "account").with("name", &old.code)));
    }
    ctx.db().prepare_cached("DELETE FROM accounts WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    ctx.audit("account", id, json!({"deleted": old.code}));
    Ok(crate::command::Done::OK)
}

pub fn require_chart(db: &Connection, t: &TenantCtx) -> Result<()> {
    if has_chart(db, t)? { Ok(()) } else { Err(Error::refused(crate::Reason::NoChartOfAccounts)) }
}

pub fn apply(ctx: &mut Ctx<'_>, a: ApplyChartArgs) -> Result<AccountingSettings> {
    let t = ctx.tenant()?;
    let today = super::periods::today(ctx.db(), &t, ctx.now)?;
    apply_template(ctx.db(), &t, &a.template, today, ctx.now)?;
    ctx.audit("chart", &a.template, json!({"template": a.template}));
    get_settings(ctx.db(), &t)
}

pub fn update_settings(ctx: &mut Ctx<'_>, a: UpdateSettingsArgs) -> Result<AccountingSettings> {
    let t = ctx.tenant()?;
    let old = get_settings(ctx.db(), &t)?;
    if let Some(r) = a.tax_rounding {
        ctx.db().execute("UPDATE accounting_settings SET tax_rounding = ?2 WHERE tenant_id = ?1", params![t.tenant_id(), r])?;
    }
    if let Some(m) = a.tax_rounding_mode {
        ctx.db().execute("UPDATE accounting_settings SET tax_rounding_mode = ?2 WHERE tenant_id = ?1", params![t.tenant_id(), m])?;
    }
    if let Some(d) = &a.defaults {
        let mut c = Checker::new();
        let pairs = [
            ("receivable", d.receivable, Some(AccountSubtype::Receivable)),
            ("payable", d.payable, Some(AccountSubtype::Payable)),
            ("sales", d.sales, None),
            ("purchase", d.purchase, None),
            ("inventory", d.inventory, Some(AccountSubtype::Inventory)),
            ("cogs", d.cogs, None),
            ("grni", d.grni, None),
            ("rounding", d.rounding, None),
            ("fx_gain", d.fx_gain, None),
            ("fx_loss", d.fx_loss, None),
            ("retained_earnings", d.retained_earnings, Some(AccountSubtype::RetainedEarnings)),
        ];
        for (key, id, subtype) in pairs {
            let field = format!("defaults.{key}");
            if let Some(id) = id {
                match get_account(ctx.db(), &t, id) {
                    Ok(acc) if acc.is_group => c.push(&field, FieldCode::AccountIsGroup.with("code", &acc.code)),
                    Ok(acc) if acc.archived => c.push(&field, FieldCode::Archived),
                    Ok(acc) if subtype.is_some_and(|s| s != acc.subtype) => {
                        c.push(&field, FieldCode::WrongSubtype.with("subtype", subtype.map(|s| s.as_str()).unwrap_or("")))
                    }
                    Ok(_) => {}
                    Err(_) => c.push(&field, FieldCode::NotFound.with("entity", "account")),
                }
            }
            let col = default_column(key).ok_or_else(|| Error::Internal(key.into()))?;
            ctx.db().execute(&format!("UPDATE accounting_settings SET {col} = ?2 WHERE tenant_id = ?1"), params![t.tenant_id(), id])?;
        }
        c.finish()?;
    }
    ctx.db().execute("UPDATE accounting_settings SET updated_at = ?2 WHERE tenant_id = ?1", params![t.tenant_id(), ctx.now])?;
    let new = get_settings(ctx.db(), &t)?;
    ctx.audit("accounting_settings", t.tenant_id(), crate::audit::changes(&old, &new));
    Ok(new)
}
