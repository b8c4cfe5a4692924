//! SQL for companies.

use super::model::*;
use crate::command::{CompanyRef, Principal};
use crate::ids::TenantId;
use crate::keys::fold;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "id, code, name, legal_name, tax_id, base_currency, locale, timezone, fiscal_year_start_month,
    address_line1, address_line2, postal_code, city, region, country_code, color, archived, created_at, updated_at,
    payment_instructions, EXISTS (SELECT 1 FROM company_logos l WHERE l.tenant_id = companies.id)";

fn row(r: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        legal_name: r.get(3)?,
        tax_id: r.get(4)?,
        base_currency: r.get(5)?,
        locale: r.get(6)?,
        timezone: r.get(7)?,
        fiscal_year_start_month: r.get(8)?,
        address: CompanyAddress {
            line1: r.get(9)?,
            line2: r.get(10)?,
            postal_code: r.get(11)?,
            city: r.get(12)?,
            region: r.get(13)?,
            country_code: r.get(14)?,
        },
        color: r.get(15)?,
        archived: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
        payment_instructions: r.get(19)?,
        has_logo: r.get(20)?,
    })
}

/// Two letters that stand for a company in the sidebar: initials of its first two
/// words, or the first two letters of a one-word name.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphanumeric)).collect();
    let s: String = match words.as_slice() {
        [] => String::new(),
        [one] => one.chars().take(2).collect(),
        [a, b, ..] => a.chars().take(1).chain(b.chars().take(1)).collect(),
    };
    s.to_uppercase()
}

pub fn get(db: &Connection, id: TenantId) -> Result<Company> {
    db.prepare_cached(&format!("SELECT {COLS} FROM companies WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("company", id))
}

pub fn code_taken(db: &Connection, code: &str, except: Option<TenantId>) -> Result<bool> {
    Ok(db
        .query_row("SELECT 1 FROM companies WHERE code_key = ?1 AND id IS NOT ?2", params![fold(code), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert(db: &Connection, c: &Company, now: DateTime<Utc>) -> Result<TenantId> {
    db.execute(
        "INSERT INTO companies (code, code_key, name, legal_name, tax_id, base_currency, locale, timezone, fiscal_year_start_month,
            address_line1, address_line2, postal_code, city, region, country_code, color, archived, created_at, updated_at)
         VALUES (?1, ?17, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0, ?16, ?16)",
        params![
            c.code, c.name, c.legal_name, c.tax_id, c.base_currency, c.locale, c.timezone, c.fiscal_year_start_month,
            c.address.line1, c.address.line2, c.address.postal_code, c.address.city, c.address.region, c.address.country_code,
            c.color, now, fold(&c.code)
        ],
    )?;
    Ok(TenantId(db.last_insert_rowid()))
}

pub fn update(db: &Connection, c: &Company, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE companies SET code = ?2, code_key = ?18, name = ?3, legal_name = ?4, tax_id = ?5, base_currency = ?6,
            locale = ?7, timezone = ?8, fiscal_year_start_month = ?9, address_line1 = ?10, address_line2 = ?11,
            postal_code = ?12, city = ?13, region = ?14, country_code = ?15, color = ?16, updated_at = ?17,
            payment_instructions = ?19
         WHERE id = ?1",
        params![
            c.id, c.code, c.name, c.legal_name, c.tax_id, c.base_currency, c.locale, c.timezone, c.fiscal_year_start_month,
            c.address.line1, c.address.line2, c.address.postal_code, c.address.city, c.address.region, c.address.country_code,
            c.color, now, fold(&c.code), c.payment_instructions
        ],
    )?;
    Ok(())
}

/// The company's logo, if it has one, its file base64 as the wire carries it.
pub fn logo(db: &Connection, id: TenantId) -> Result<Option<CompanyLogo>> {
    use base64::Engine;
    Ok(db
        .prepare_cached("SELECT media_type, width, height, data FROM company_logos WHERE tenant_id = ?1")?
        .query_row([id], |r| {
            let data: Vec<u8> = r.get(3)?;
            Ok(CompanyLogo { media_type: r.get(0)?, width: r.get(1)?, height: r.get(2)?, data_base64: base64::engine::general_purpose::STANDARD.encode(data) })
        })
        .optional()?)
}

pub fn set_logo(db: &Connection, id: TenantId, media_type: &str, width: u32, height: u32, data: &[u8], now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "INSERT INTO company_logos (tenant_id, media_type, data, width, height, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (tenant_id) DO UPDATE SET media_type = excluded.media_type, data = excluded.data, width = excluded.width,
            height = excluded.height, updated_at = excluded.updated_at",
        params![id, media_type, data, width, height, now],
    )?;
    db.execute("UPDATE companies SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Removes the logo; false when there was none.
pub fn remove_logo(db: &Connection, id: TenantId, now: DateTime<Utc>) -> Result<bool> {
    let n = db.execute("DELETE FROM company_logos WHERE tenant_id = ?1", [id])?;
    if n > 0 {
        db.execute("UPDATE companies SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
    }
    Ok(n > 0)
}

pub fn update_archived(db: &Connection, id: TenantId, archived: bool, now: DateTime<Utc>) -> Result<()> {
    db.execute("UPDATE companies SET archived = ?2, updated_at = ?3 WHERE id = ?1", params![id, archived, now])?;
    Ok(())
}

/// The company a caller names, if they may see it: its id and archived flag.
pub fn resolve_for_user(db: &Connection, company: &CompanyRef, p: &Principal) -> Result<(TenantId, bool)> {
    let (id, code): (Option<i64>, Option<String>) = match company {
        CompanyRef::Id(id) => (Some(*id), None),
        CompanyRef::Code(code) => (None, Some(fold(code))),
    };
    db.prepare_cached(
        "SELECT c.id, c.archived FROM companies c
         WHERE (c.id = ?1 OR c.code_key = ?2)
           AND (?4 OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = c.id AND m.user_id = ?3))",
    )?
    .query_row(params![id, code, p.user_id, p.is_superuser], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .ok_or_else(|| {
        Error::NotFound {
            entity: "company",
            key: match company {
                CompanyRef::Id(i) => i.to_string(),
                CompanyRef::Code(c) => c.clone(),
            },
        }
    })
}

/// The company a file-level tool names (the exporter, which needs the file, not a
/// session): its id.
pub fn resolve_any(db: &Connection, company: &CompanyRef) -> Result<TenantId> {
    let (id, code): (Option<i64>, Option<String>) = match company {
        CompanyRef::Id(id) => (Some(*id), None),
        CompanyRef::Code(code) => (None, Some(fold(code))),
    };
    db.prepare_cached("SELECT id FROM companies WHERE id = ?1 OR code_key = ?2")?
        .query_row(params![id, code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "company",
            key: match company {
                CompanyRef::Id(i) => i.to_string(),
                CompanyRef::Code(c) => c.clone(),
            },
        })
}

/// The companies a user may open, most recently used first (then by name).
pub fn list_for_user(db: &Connection, p: &Principal, include_archived: bool) -> Result<Vec<CompanySummary>> {
    let mut stmt = db.prepare_cached(
        "SELECT c.id, c.code, c.name, c.color, c.base_currency, c.locale, c.archived, r.name, c.timezone,
                (SELECT max(a.id) FROM audit_log a WHERE a.tenant_id = c.id AND a.user_id = ?1) AS last_used
         FROM companies c
         LEFT JOIN memberships m ON m.tenant_id = c.id AND m.user_id = ?1
         LEFT JOIN roles r ON r.id = m.role_id
         WHERE (?2 OR m.id IS NOT NULL) AND (?3 OR NOT c.archived)
         ORDER BY last_used DESC NULLS LAST, c.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![p.user_id, p.is_superuser, include_archived], |r| {
        let name: String = r.get(2)?;
        Ok(CompanySummary {
            id: r.get(0)?,
            code: r.get(1)?,
            initials: initials(&name),
            name,
            color: r.get(3)?,
            base_currency: r.get(4)?,
            locale: r.get(5)?,
            archived: r.get(6)?,
            role: r.get(7)?,
            timezone: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
