//! SQL for partners, their addresses and contacts. Every function takes the tenant.

use super::model::*;
use crate::command::TenantCtx;
use crate::keys::fold;
use crate::list::{ListPlan, Page, Sort};
use crate::locations::model::Address;
use crate::locations::service::CheckedAddress;
use crate::{Error, Result, money};
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// The stored scalar fields of a partner.
#[derive(Debug, Clone)]
pub struct PartnerData {
    pub code: String,
    pub name: String,
    pub legal_name: String,
    pub tax_id: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub is_customer: bool,
    pub is_supplier: bool,
    pub payment_terms_days: u32,
    pub credit_limit: i64,
    pub currency: String,
    pub language: String,
    pub notes: String,
}

const COLS: &str = "id, code, name, legal_name, tax_id, email, phone, website, is_customer, is_supplier,
    payment_terms_days, credit_limit, currency, notes, archived, created_at, updated_at, language";

fn partner_row(r: &Row<'_>) -> rusqlite::Result<Partner> {
    Ok(Partner {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        legal_name: r.get(3)?,
        tax_id: r.get(4)?,
        email: r.get(5)?,
        phone: r.get(6)?,
        website: r.get(7)?,
        is_customer: r.get(8)?,
        is_supplier: r.get(9)?,
        payment_terms_days: r.get(10)?,
        credit_limit: money::from_db(r.get(11)?),
        currency: r.get(12)?,
        notes: r.get(13)?,
        archived: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        language: r.get(17)?,
        addresses: vec![],
        contacts: vec![],
    })
}

pub fn get(db: &Connection, t: &TenantCtx, id: PartnerId) -> Result<Partner> {
    let mut p = db
        .prepare_cached(&format!("SELECT {COLS} FROM partners WHERE tenant_id = ?1 AND id = ?2"))?
        .query_row(params![t.tenant_id(), id], partner_row)
        .optional()?
        .ok_or_else(|| Error::not_found("partner", id))?;
    p.addresses = list_addresses(db, t, id)?;
    p.contacts = list_contacts(db, t, id)?;
    Ok(p)
}

pub fn find_by_code(db: &Connection, t: &TenantCtx, code: &str) -> Result<Option<PartnerId>> {
    Ok(db
        .prepare_cached("SELECT id FROM partners WHERE tenant_id = ?1 AND code_key = ?2")?
        .query_row(params![t.tenant_id(), fold(code)], |r| r.get(0))
        .optional()?)
}

pub fn insert(db: &Connection, t: &TenantCtx, d: &PartnerData, now: DateTime<Utc>) -> Result<PartnerId> {
    db.prepare_cached(
        "INSERT INTO partners (tenant_id, code, code_key, name, legal_name, tax_id, email, phone, website, is_customer,
            is_supplier, payment_terms_days, credit_limit, currency, notes, created_at, updated_at, language)
         VALUES (?1, ?2, ?16, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?17)",
    )?
    .execute(params![
        t.tenant_id(), d.code, d.name, d.legal_name, d.tax_id, d.email, d.phone, d.website, d.is_customer, d.is_supplier,
        d.payment_terms_days, d.credit_limit, d.currency, d.notes, now, fold(&d.code), d.language
    ])?;
    Ok(PartnerId(db.last_insert_rowid()))
}

pub fn update(db: &Connection, t: &TenantCtx, id: PartnerId, d: &PartnerData, now: DateTime<Utc>) -> Result<()> {
    db.prepare_cached(
        "UPDATE partners SET code = ?3, code_key = ?17, name = ?4, legal_name = ?5, tax_id = ?6, email = ?7, phone = ?8,
            website = ?9, is_customer = ?10, is_supplier = ?11, payment_terms_days = ?12, credit_limit = ?13, currency = ?14,
            notes = ?15, updated_at = ?16, language = ?18
         WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![
        t.tenant_id(), id, d.code, d.name, d.legal_name, d.tax_id, d.email, d.phone, d.website, d.is_customer, d.is_supplier,
        d.payment_terms_days, d.credit_limit, d.currency, d.notes, now, fold(&d.code), d.language
    ])?;
    Ok(())
}

pub fn update_archived(db: &Connection, t: &TenantCtx, id: PartnerId, archived: bool, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE partners SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
        params![t.tenant_id(), id, archived, now],
    )?;
    Ok(())
}

/// Deletes a partner with its addresses and contacts. A partner that other records
/// refer to makes SQLite refuse; that becomes a conflict asking to archive instead.
pub fn delete(db: &Connection, t: &TenantCtx, id: PartnerId) -> Result<()> {
    match db.execute("DELETE FROM partners WHERE tenant_id = ?1 AND id = ?2", params![t.tenant_id(), id]) {
        Ok(_) => Ok(()),
        Err(e) => match Error::from(e) {
            Error::Validation { .. } => Err(Error::refused(crate::Reason::PartnerInUse)),
            other => Err(other),
        },
    }
}

// --- addresses -----------------------------------------------------------------------------

const ADDRESS_SELECT: &str = "SELECT a.id, a.kind, a.is_default, a.line1, a.line2, a.postal_code, a.country_code, c.name,
        a.state_id, s.name, a.city_id, ci.name
     FROM partner_addresses a
     JOIN countries c ON c.code = a.country_code
     LEFT JOIN states s ON s.id = a.state_id
     LEFT JOIN cities ci ON ci.id = a.city_id";

fn address_row(r: &Row<'_>) -> rusqlite::Result<PartnerAddress> {
    let kind: String = r.get(1)?;
    Ok(PartnerAddress {
        id: r.get(0)?,
        kind: AddressKind::parse(&kind).unwrap_or(AddressKind::Other),
        is_default: r.get(2)?,
        address: Address {
            line1: r.get(3)?,
            line2: r.get(4)?,
            postal_code: r.get(5)?,
            country_code: r.get(6)?,
            country_name: r.get(7)?,
            state_id: r.get(8)?,
            state_name: r.get(9)?,
            city_id: r.get(10)?,
            city_name: r.get(11)?,
        },
    })
}

pub fn list_addresses(db: &Connection, t: &TenantCtx, partner: PartnerId) -> Result<Vec<PartnerAddress>> {
    let mut stmt = db.prepare_cached(&format!("{ADDRESS_SELECT} WHERE a.tenant_id = ?1 AND a.partner_id = ?2 ORDER BY a.kind, a.id"))?;
    let rows = stmt.query_map(params![t.tenant_id(), partner], address_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_address(db: &Connection, t: &TenantCtx, partner: PartnerId, kind: AddressKind, is_default: bool, a: &CheckedAddress) -> Result<PartnerAddressId> {
    db.prepare_cached(
        "INSERT INTO partner_addresses (tenant_id, partner_id, kind, is_default, line1, line2, postal_code, country_code, state_id, city_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![t.tenant_id(), partner, kind.as_str(), is_default, a.line1, a.line2, a.postal_code, a.country_code, a.state_id, a.city_id])?;
    Ok(PartnerAddressId(db.last_insert_rowid()))
}

pub fn update_address(db: &Connection, t: &TenantCtx, partner: PartnerId, id: PartnerAddressId, kind: AddressKind, is_default: bool, a: &CheckedAddress) -> Result<()> {
    let n = db
        .prepare_cached(
            "UPDATE partner_addresses SET kind = ?4, is_default = ?5, line1 = ?6, line2 = ?7, postal_code = ?8, country_code = ?9,
                state_id = ?10, city_id = ?11
             WHERE tenant_id = ?1 AND partner_id = ?2 AND id = ?3",
        )?
        .execute(params![t.tenant_id(), partner, id, kind.as_str(), is_default, a.line1, a.line2, a.postal_code, a.country_code, a.state_id, a.city_id])?;
    if n == 0 {
        return Err(Error::not_found("address", id));
    }
    Ok(())
}

pub fn delete_addresses_except(db: &Connection, t: &TenantCtx, partner: PartnerId, keep: &[PartnerAddressId]) -> Result<()> {
    let keep = serde_json::to_string(&keep.iter().map(|k| k.0).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    db.execute(
        "DELETE FROM partner_addresses WHERE tenant_id = ?1 AND partner_id = ?2 AND id NOT IN (SELECT value FROM json_each(?3))",
        params![t.tenant_id(), partner, keep],
    )?;
    Ok(())
}

// --- contacts ------------------------------------------------------------------------------

pub fn list_contacts(db: &Connection, t: &TenantCtx, partner: PartnerId) -> Result<Vec<Contact>> {
    let mut stmt = db.prepare_cached(
        "SELECT id, name, email, phone, role FROM partner_contacts WHERE tenant_id = ?1 AND partner_id = ?2 ORDER BY name, id",
    )?;
    let rows = stmt.query_map(params![t.tenant_id(), partner], |r| {
        Ok(Contact { id: r.get(0)?, name: r.get(1)?, email: r.get(2)?, phone: r.get(3)?, role: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_contact(db: &Connection, t: &TenantCtx, partner: PartnerId, c: &Contact) -> Result<ContactId> {
    db.prepare_cached("INSERT INTO partner_contacts (tenant_id, partner_id, name, email, phone, role) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![t.tenant_id(), partner, c.name, c.email, c.phone, c.role])?;
    Ok(ContactId(db.last_insert_rowid()))
}

pub fn update_contact(db: &Connection, t: &TenantCtx, partner: PartnerId, c: &Contact) -> Result<()> {
    let n = db
        .prepare_cached("UPDATE partner_contacts SET name = ?4, email = ?5, phone = ?6, role = ?7 WHERE tenant_id = ?1 AND partner_id = ?2 AND id = ?3")?
        .execute(params![t.tenant_id(), partner, c.id, c.name, c.email, c.phone, c.role])?;
    if n == 0 {
        return Err(Error::not_found("contact", c.id));
    }
    Ok(())
}

pub fn delete_contacts_except(db: &Connection, t: &TenantCtx, partner: PartnerId, keep: &[ContactId]) -> Result<()> {
    let keep = serde_json::to_string(&keep.iter().map(|k| k.0).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    db.execute(
        "DELETE FROM partner_contacts WHERE tenant_id = ?1 AND partner_id = ?2 AND id NOT IN (SELECT value FROM json_each(?3))",
        params![t.tenant_id(), partner, keep],
    )?;
    Ok(())
}

// --- the list ------------------------------------------------------------------------------

pub const SORTS: &[Sort] = &[
    Sort { key: "name", sql: "p.name COLLATE NOCASE" },
    Sort { key: "code", sql: "p.code_key" },
    Sort { key: "email", sql: "p.email COLLATE NOCASE" },
    Sort { key: "created_at", sql: "p.created_at" },
];

pub fn list(db: &Connection, t: &TenantCtx, plan: &ListPlan, include_archived: bool, role: Option<PartnerRole>) -> Result<Page<PartnerRow>> {
    // Only the conditions asked for go into the SQL, each a plain column test, so SQLite
    // walks an index in the requested order (partners_name, partners_customers, ...)
    // instead of sorting every row.
    let mut filter = String::from("p.tenant_id = ?1");
    let mut args: Vec<SqlValue> = vec![SqlValue::Integer(t.tenant_id().0)];
    if !include_archived {
        filter.push_str(" AND p.archived = 0");
    }
    match role {
        Some(PartnerRole::Customer) => filter.push_str(" AND p.is_customer = 1"),
        Some(PartnerRole::Supplier) => filter.push_str(" AND p.is_supplier = 1"),
        None => {}
    }
    if let Some(fts) = &plan.fts {
        args.push(SqlValue::Text(fts.clone()));
        filter.push_str(&format!(" AND p.id IN (SELECT rowid FROM partners_fts WHERE partners_fts MATCH ?{})", args.len()));
    }
    let total: i64 = db
        .prepare_cached(&format!("SELECT count(*) FROM partners p WHERE {filter}"))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    let keyset = if plan.after.is_some() {
        let (v, id) = plan.keyset_params();
        args.push(v);
        args.push(SqlValue::Integer(id));
        format!(" AND {}", plan.keyset_sql("p.id", args.len() - 1))
    } else {
        String::new()
    };
    args.push(SqlValue::Integer(plan.fetch_limit()));
    let sql = format!(
        "SELECT p.id, p.code, p.name, p.email, p.phone, p.tax_id, p.is_customer, p.is_supplier, p.currency, p.archived,
                (SELECT ci.name FROM partner_addresses a LEFT JOIN cities ci ON ci.id = a.city_id
                  WHERE a.tenant_id = p.tenant_id AND a.partner_id = p.id ORDER BY a.kind <> 'billing', NOT a.is_default, a.id LIMIT 1),
                (SELECT a.country_code FROM partner_addresses a
                  WHERE a.tenant_id = p.tenant_id AND a.partner_id = p.id ORDER BY a.kind <> 'billing', NOT a.is_default, a.id LIMIT 1),
                {sort} AS sort_value
         FROM partners p WHERE {filter}{keyset} ORDER BY {order} LIMIT ?{limit}",
        sort = plan.sort.sql,
        order = plan.order_sql("p.id"),
        limit = args.len(),
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        let id: PartnerId = r.get(0)?;
        Ok((
            PartnerRow {
                id,
                code: r.get(1)?,
                name: r.get(2)?,
                email: r.get(3)?,
                phone: r.get(4)?,
                tax_id: r.get(5)?,
                is_customer: r.get(6)?,
                is_supplier: r.get(7)?,
                currency: r.get(8)?,
                archived: r.get(9)?,
                city_name: r.get(10)?,
                country_code: r.get(11)?,
            },
            r.get::<_, SqlValue>(12)?,
            id.0,
        ))
    })?;
    Ok(plan.finish(rows.collect::<rusqlite::Result<_>>()?, total))
}
