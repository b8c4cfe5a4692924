//! Partner rules: validation, numbering, addresses and contacts, archive or delete.

use crate::error::FieldCode;
use super::model::*;
use super::repo::{self, PartnerData};
use crate::command::{Ctx, Done, TenantCtx};
use crate::keys::fold;
use crate::locations::model::AddressInput;
use crate::locations::service::{CheckedAddress, check_address};
use crate::validate::Checker;
use crate::{Error, Result, money};
use rust_decimal::Decimal;
use rusqlite::Connection;
use serde_json::json;

/// The languages documents print in (`trade::print::Lang`), or '' for the company's.
pub const DOCUMENT_LANGUAGES: &str = "en, de";

fn check_language(c: &mut Checker, v: &str) -> String {
    let v = v.trim().to_ascii_lowercase();
    match v.as_str() {
        "" | "en" | "de" => v,
        _ => {
            c.push("language", FieldCode::NotOneOf.with("allowed", DOCUMENT_LANGUAGES));
            String::new()
        }
    }
}

fn check_phone(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.optional(field, v, 50);
    if !v.chars().all(|ch| ch.is_ascii_digit() || " +-().x/".contains(ch)) {
        c.push(field, FieldCode::InvalidPhone);
    }
    v
}

fn check_website(c: &mut Checker, field: &str, v: &str) -> String {
    let v = c.optional(field, v, 200);
    if !v.is_empty() {
        let with_scheme = if v.contains("://") { v.clone() } else { format!("https://{v}") };
        match url::Url::parse(&with_scheme) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| h.contains('.')) => return u.to_string(),
            _ => c.push(field, FieldCode::InvalidUrl),
        }
    }
    v
}

/// A checked address of a partner: its id when it exists, kind, default flag, address.
type AddressLine = (Option<PartnerAddressId>, AddressKind, bool, CheckedAddress);

/// Checks the address list: each address, and at most one default per kind (the
/// first of a kind becomes its default when none is marked).
fn check_addresses(db: &Connection, c: &mut Checker, list: &[PartnerAddressInput]) -> Result<Vec<AddressLine>> {
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let input = AddressInput {
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            postal_code: a.postal_code.clone(),
            country_code: a.country_code.clone(),
            state_id: a.state_id,
            city_id: a.city_id,
        };
        let checked = check_address(db, c, &format!("addresses.{i}"), &input)?;
        out.push((a.id, a.kind.unwrap_or(AddressKind::Billing), a.is_default.unwrap_or(false), checked));
    }
    for kind in [AddressKind::Billing, AddressKind::Shipping, AddressKind::Other] {
        let defaults = out.iter().filter(|(_, k, d, _)| *k == kind && *d).count();
        if defaults > 1 {
            c.push("addresses", FieldCode::SeveralDefaults.with("kind", kind.as_str()));
        } else if defaults == 0
            && let Some(first) = out.iter_mut().find(|(_, k, _, _)| *k == kind)
        {
            first.2 = true;
        }
    }
    Ok(out)
}

fn check_contacts(c: &mut Checker, list: &[ContactInput]) -> Vec<Contact> {
    list.iter()
        .enumerate()
        .map(|(i, x)| Contact {
            id: x.id.unwrap_or(ContactId(0)),
            name: c.required(&format!("contacts.{i}.name"), &x.name, 100),
            email: c.optional_email(&format!("contacts.{i}.email"), x.email.as_deref().unwrap_or("")),
            phone: check_phone(c, &format!("contacts.{i}.phone"), x.phone.as_deref().unwrap_or("")),
            role: c.optional(&format!("contacts.{i}.role"), x.role.as_deref().unwrap_or(""), 100),
        })
        .collect()
}

/// A partner's checked fields: its data, and its address and contact lists when given.
type CheckedFields = (PartnerData, Option<Vec<AddressLine>>, Option<Vec<Contact>>);

/// Merges `f` into `base` (the old partner, or defaults) and checks everything.
fn check_fields(db: &Connection, base: &PartnerData, f: &PartnerFields) -> Result<CheckedFields> {
    let mut c = Checker::new();
    let code = match f.code.as_deref() {
        Some(v) if !v.trim().is_empty() => c.code("code", v, 30),
        _ => base.code.clone(),
    };
    let credit = f.credit_limit.unwrap_or_else(|| money::from_db(base.credit_limit));
    if credit < Decimal::ZERO {
        c.push("credit_limit", FieldCode::Negative);
    }
    let credit_limit = match money::to_db("credit_limit", credit) {
        Ok(v) => v,
        Err(e) => {
            c.errors.extend(e.fields().iter().cloned());
            0
        }
    };
    let d = PartnerData {
        code,
        name: f.name.as_deref().map(|v| c.required("name", v, 200)).unwrap_or_else(|| base.name.clone()),
        legal_name: f.legal_name.as_deref().map(|v| c.optional("legal_name", v, 200)).unwrap_or_else(|| base.legal_name.clone()),
        tax_id: f.tax_id.as_deref().map(|v| c.optional("tax_id", v, 50)).unwrap_or_else(|| base.tax_id.clone()),
        email: f.email.as_deref().map(|v| c.optional_email("email", v)).unwrap_or_else(|| base.email.clone()),
        phone: f.phone.as_deref().map(|v| check_phone(&mut c, "phone", v)).unwrap_or_else(|| base.phone.clone()),
        website: f.website.as_deref().map(|v| check_website(&mut c, "website", v)).unwrap_or_else(|| base.website.clone()),
        is_customer: f.is_customer.unwrap_or(base.is_customer),
        is_supplier: f.is_supplier.unwrap_or(base.is_supplier),
        payment_terms_days: f.payment_terms_days.map(|v| c.range("payment_terms_days", v, 0, 3650).clamp(0, 3650) as u32).unwrap_or(base.payment_terms_days),
        credit_limit,
        currency: f.currency.as_deref().map(|v| c.currency("currency", v)).unwrap_or_else(|| base.currency.clone()),
        language: f.language.as_deref().map(|v| check_language(&mut c, v)).unwrap_or_else(|| base.language.clone()),
        notes: f.notes.as_deref().map(|v| c.optional("notes", v, 5000)).unwrap_or_else(|| base.notes.clone()),
    };
    if d.name.is_empty() && f.name.is_none() {
        c.push("name", FieldCode::Required);
    }
    if !d.is_customer && !d.is_supplier {
        c.push("is_customer", FieldCode::PartnerRoleRequired);
    }
    let addresses = f.addresses.as_deref().map(|a| check_addresses(db, &mut c, a)).transpose()?;
    let contacts = f.contacts.as_deref().map(|x| check_contacts(&mut c, x));
    c.finish()?;
    Ok((d, addresses, contacts))
}

fn next_code(db: &Connection, t: &TenantCtx) -> Result<String> {
    loop {
        let code = crate::sequence::next(db, t, "partner", "P", 5)?;
        if repo::find_by_code(db, t, &code)?.is_none() {
            return Ok(code);
        }
    }
}

fn save_children(
    db: &Connection,
    t: &TenantCtx,
    id: PartnerId,
    addresses: Option<Vec<AddressLine>>,
    contacts: Option<Vec<Contact>>,
) -> Result<()> {
    if let Some(addresses) = addresses {
        let keep: Vec<PartnerAddressId> = addresses.iter().filter_map(|a| a.0).collect();
        repo::delete_addresses_except(db, t, id, &keep)?;
        for (aid, kind, default, a) in &addresses {
            match aid {
                Some(aid) => repo::update_address(db, t, id, *aid, *kind, *default, a)?,
                None => {
                    repo::insert_address(db, t, id, *kind, *default, a)?;
                }
            }
        }
    }
    if let Some(contacts) = contacts {
        let keep: Vec<ContactId> = contacts.iter().filter(|c| c.id.0 != 0).map(|c| c.id).collect();
        repo::delete_contacts_except(db, t, id, &keep)?;
        for c in &contacts {
            if c.id.0 != 0 {
                repo::update_contact(db, t, id, c)?;
            } else {
                repo::insert_contact(db, t, id, c)?;
            }
        }
    }
    Ok(())
}

/// Creates a partner inside the caller's transaction (also used by the import).
pub fn create_in(db: &Connection, t: &TenantCtx, now: chrono::DateTime<chrono::Utc>, f: &PartnerFields) -> Result<PartnerId> {
    let company = crate::company::repo::get(db, t.tenant_id())?;
    let base = PartnerData {
        code: String::new(),
        name: String::new(),
        legal_name: String::new(),
        tax_id: String::new(),
        email: String::new(),
        phone: String::new(),
        website: String::new(),
        is_customer: true,
        is_supplier: false,
        payment_terms_days: 0,
        credit_limit: 0,
        currency: company.base_currency,
        language: String::new(),
        notes: String::new(),
    };
    let (mut d, addresses, contacts) = check_fields(db, &base, f)?;
    if d.code.is_empty() {
        d.code = next_code(db, t)?;
    } else if repo::find_by_code(db, t, &d.code)?.is_some() {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "partner")));
    }
    let id = repo::insert(db, t, &d, now)?;
    save_children(db, t, id, addresses, contacts)?;
    Ok(id)
}

pub fn create(ctx: &mut Ctx<'_>, f: PartnerFields) -> Result<Partner> {
    let t = ctx.tenant()?;
    let id = create_in(ctx.db(), &t, ctx.now, &f)?;
    let p = repo::get(ctx.db(), &t, id)?;
    ctx.audit("partner", id, json!({"code": p.code, "name": p.name, "is_customer": p.is_customer, "is_supplier": p.is_supplier}));
    Ok(p)
}

fn data_of(p: &Partner) -> Result<PartnerData> {
    Ok(PartnerData {
        code: p.code.clone(),
        name: p.name.clone(),
        legal_name: p.legal_name.clone(),
        tax_id: p.tax_id.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        website: p.website.clone(),
        is_customer: p.is_customer,
        is_supplier: p.is_supplier,
        payment_terms_days: p.payment_terms_days,
        credit_limit: money::to_db("credit_limit", p.credit_limit)?,
        currency: p.currency.clone(),
        language: p.language.clone(),
        notes: p.notes.clone(),
    })
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdatePartnerArgs) -> Result<Partner> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let old = repo::get(db, &t, a.id)?;
    let (mut d, addresses, contacts) = check_fields(db, &data_of(&old)?, &a.changes)?;
    if a.changes.code.as_deref().is_some_and(|c| c.trim().is_empty()) {
        d.code = old.code.clone();
    }
    if fold(&d.code) != fold(&old.code) && repo::find_by_code(db, &t, &d.code)?.is_some() {
        return Err(Error::conflict("code", FieldCode::Duplicate.with("entity", "partner")));
    }
    repo::update(db, &t, old.id, &d, ctx.now)?;
    save_children(db, &t, old.id, addresses, contacts)?;
    let new = repo::get(db, &t, old.id)?;
    ctx.audit("partner", old.id, crate::audit::changes(&old, &new));
    Ok(new)
}

pub fn get(ctx: &mut Ctx<'_>, id: PartnerId) -> Result<Partner> {
    let t = ctx.tenant()?;
    repo::get(ctx.db(), &t, id)
}

pub fn list(ctx: &mut Ctx<'_>, a: ListPartnersArgs) -> Result<crate::list::Page<PartnerRow>> {
    let t = ctx.tenant()?;
    let q = a.query.unwrap_or_default();
    let plan = crate::list::ListPlan::new(&q, repo::SORTS)?;
    repo::list(ctx.db(), &t, &plan, q.include_archived.unwrap_or(false), a.role)
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: SetPartnerArchivedArgs) -> Result<Partner> {
    let t = ctx.tenant()?;
    let old = repo::get(ctx.db(), &t, a.id)?;
    repo::update_archived(ctx.db(), &t, a.id, a.archived, ctx.now)?;
    ctx.audit("partner", a.id, json!({"archived": [old.archived, a.archived]}));
    repo::get(ctx.db(), &t, a.id)
}

pub fn delete(ctx: &mut Ctx<'_>, id: PartnerId) -> Result<Done> {
    let t = ctx.tenant()?;
    let old = repo::get(ctx.db(), &t, id)?;
    repo::delete(ctx.db(), &t, id)?;
    ctx.audit("partner", id, json!({"deleted": old.code, "name": old.name}));
    Ok(Done::OK)
}
