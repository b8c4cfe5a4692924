//! CSV import and CSV/XLSX export of partners. One row per partner, with its default
//! billing and shipping addresses and its first contact. Export from one company and
//! import into another gives the same partners.

use crate::error::FieldCode;
use super::model::*;
use super::{repo, service};
use crate::command::Ctx;
use crate::exchange::{self, Cell, CsvInput, CsvRecord, ExportFile, ExportFormat, ImportReport, Table};
use crate::list::{ListPlan, ListQuery};
use crate::locations::commands::ADD_CITY;
use crate::locations::repo as loc;
use crate::locations::service::check_city_name;
use crate::validate::Checker;
use crate::{Error, Result, money};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImportPartnersArgs {
    /// The CSV text (UTF-8, header row first).
    pub csv: String,
    /// Check every row and report, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExportPartnersArgs {
    pub format: ExportFormat,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}

const ADDRESS_COLS: [&str; 6] = ["line1", "line2", "postal_code", "city", "state", "country"];

fn columns() -> Vec<String> {
    let mut cols: Vec<String> = [
        "code", "name", "legal_name", "tax_id", "email", "phone", "website", "is_customer", "is_supplier",
        "payment_terms_days", "credit_limit", "currency", "language", "notes", "archived",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for kind in ["billing", "shipping"] {
        cols.extend(ADDRESS_COLS.iter().map(|c| format!("{kind}_{c}")));
    }
    cols.extend(["contact_name", "contact_email", "contact_phone", "contact_role"].map(String::from));
    cols
}

fn bool_cell(report: &mut ImportReport, rec: &CsvRecord<'_>, col: &str) -> Option<bool> {
    exchange::parse_bool(rec.get(col)).unwrap_or_else(|m| {
        report.error(rec.row(), col, m);
        None
    })
}

fn opt(s: &str) -> Option<String> {
    if s.is_empty() { None } else { Some(s.to_string()) }
}

/// Reads the address columns of one kind; cities missing from the shared list are
/// added (a city needs its state).
fn address(ctx: &Ctx<'_>, report: &mut ImportReport, rec: &CsvRecord<'_>, kind: AddressKind) -> Result<Option<PartnerAddressInput>> {
    let k = kind.as_str();
    let col = |c: &str| format!("{k}_{c}");
    let country = rec.get(&col("country"));
    let any = ADDRESS_COLS.iter().any(|c| !rec.get(&col(c)).is_empty());
    if !any {
        return Ok(None);
    }
    if country.is_empty() {
        report.error(rec.row(), &col("country"), FieldCode::RequiredWithAddress);
        return Ok(None);
    }
    let db = ctx.db();
    let mut state_id = None;
    let state = rec.get(&col("state"));
    if !state.is_empty() {
        // ISO 3166-2 code (US-CA), or the state's name within the country.
        let found = match loc::get_state_by_code(db, state)? {
            Some(s) => Some(s),
            None => loc::list_states(db, country, None)?.into_iter().find(|s| s.name.eq_ignore_ascii_case(state)),
        };
        match found {
            Some(s) if s.country_code.eq_ignore_ascii_case(country) => state_id = Some(s.id),
            _ => {
                report.error(rec.row(), &col("state"), FieldCode::StateNotInCountry);
                return Ok(None);
            }
        }
    }
    let mut city_id = None;
    let city = rec.get(&col("city"));
    if !city.is_empty() {
        let Some(sid) = state_id else {
            report.error(rec.row(), &col("city"), FieldCode::CityNeedsState);
            return Ok(None);
        };
        city_id = Some(match loc::find_city(db, sid, city)? {
            Some(c) => c.id,
            None => {
                // A new city joins the list every company shares: the same checks and
                // permission as `location.create_city`.
                let mut c = Checker::new();
                let name = check_city_name(&mut c, &col("city"), city);
                if let Some(e) = c.errors.first() {
                    report.error(rec.row(), &col("city"), e.issue());
                    return Ok(None);
                }
                ctx.require_permission(ADD_CITY, rec.row(), "city", &name)?;
                loc::insert_city(db, sid, &name, ctx.now)?.id
            }
        });
    }
    Ok(Some(PartnerAddressInput {
        id: None,
        kind: Some(kind),
        is_default: Some(true),
        line1: opt(rec.get(&col("line1"))),
        line2: opt(rec.get(&col("line2"))),
        postal_code: opt(rec.get(&col("postal_code"))),
        country_code: country.to_string(),
        state_id,
        city_id,
    }))
}

/// Imports partners all or nothing. Every row is written inside a savepoint so a dry
/// run checks exactly what a real run would (codes repeated within the file included),
/// then rolled back unless the file is clean and this is not a dry run.
pub fn import(ctx: &mut Ctx<'_>, a: ImportPartnersArgs) -> Result<ImportReport> {
    let t = ctx.tenant()?;
    let cols = columns();
    let optional: Vec<&str> = cols.iter().map(String::as_str).filter(|c| *c != "name").collect();
    let input = CsvInput::parse(&a.csv, &["name"], &optional)?;
    let mut report = ImportReport::new(a.dry_run, input.len());
    let db = ctx.db();
    let mut seen = std::collections::HashMap::new();
    db.execute_batch("SAVEPOINT partner_import")?;
    let result = (|| -> Result<()> {
        for rec in input.records() {
            let row = rec.row();
            let code = rec.get("code");
            if !code.is_empty()
                && let Some(first) = seen.insert(crate::keys::fold(code), row)
            {
                report.error(row, "code", FieldCode::RepeatedInFile.with("row", first));
                continue;
            }
            if !code.is_empty() && repo::find_by_code(db, &t, code)?.is_some() {
                report.unchanged += 1;
                continue;
            }
            let credit_limit = match rec.get("credit_limit") {
                "" => None,
                s => match money::parse("credit_limit", s) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        report.error(row, "credit_limit", FieldCode::InvalidDecimal);
                        continue;
                    }
                },
            };
            let payment_terms_days = match rec.get("payment_terms_days") {
                "" => None,
                s => match s.parse::<i64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        report.error(row, "payment_terms_days", FieldCode::InvalidInteger);
                        continue;
                    }
                },
            };
            let before = report.errors.len();
            let is_customer = bool_cell(&mut report, &rec, "is_customer");
            let is_supplier = bool_cell(&mut report, &rec, "is_supplier");
            let archived = bool_cell(&mut report, &rec, "archived").unwrap_or(false);
            let mut addresses = Vec::new();
            // The kind of each address, in order: `addresses.N` errors name its columns.
            let mut kinds = Vec::new();
            for kind in [AddressKind::Billing, AddressKind::Shipping] {
                if let Some(ad) = address(ctx, &mut report, &rec, kind)? {
                    addresses.push(ad);
                    kinds.push(kind);
                }
            }
            if report.errors.len() > before {
                continue;
            }
            let contact = rec.get("contact_name");
            let contacts = if contact.is_empty() {
                vec![]
            } else {
                vec![ContactInput {
                    id: None,
                    name: contact.to_string(),
                    email: opt(rec.get("contact_email")),
                    phone: opt(rec.get("contact_phone")),
                    role: opt(rec.get("contact_role")),
                }]
            };
            let fields = PartnerFields {
                code: opt(code),
                name: Some(rec.get("name").to_string()),
                legal_name: opt(rec.get("legal_name")),
                tax_id: opt(rec.get("tax_id")),
                email: opt(rec.get("email")),
                phone: opt(rec.get("phone")),
                website: opt(rec.get("website")),
                is_customer,
                is_supplier,
                payment_terms_days,
                credit_limit,
                currency: opt(rec.get("currency")),
                language: opt(rec.get("language")),
                notes: opt(rec.get("notes")),
                addresses: Some(addresses),
                contacts: Some(contacts),
            };
            match service::create_in(db, &t, ctx.now, &fields) {
                Ok(id) => {
                    if archived {
                        repo::update_archived(db, &t, id, true, ctx.now)?;
                    }
                    report.created += 1;
                }
                Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
                    if e.fields().is_empty() {
                        // No field to blame (a reference SQLite refused): the reason's words.
                        report.error(row, "", FieldCode::Invalid.with("detail", &e));
                    }
                    for f in e.fields() {
                        // `addresses.0.state_id` → the CSV column the user can fix.
                        let column = map_field(&f.field, &kinds);
                        report.error(row, &column, f.issue());
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        db.execute_batch("ROLLBACK TO partner_import; RELEASE partner_import")?;
        return Err(e);
    }
    report.sort();
    if report.is_clean() && !a.dry_run {
        db.execute_batch("RELEASE partner_import")?;
        report.committed = true;
        ctx.audit("partner", "import", json!({"created": report.created, "unchanged": report.unchanged}));
    } else {
        db.execute_batch("ROLLBACK TO partner_import; RELEASE partner_import")?;
        ctx.wrote_nothing();
    }
    Ok(report)
}

/// The CSV column of a field error: `addresses.1.state_id` is the state column of the
/// second address the row gave (`kinds` says which kind each is).
fn map_field(field: &str, kinds: &[AddressKind]) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["addresses", i, f] => {
            let f = match *f {
                "state_id" => "state",
                "city_id" => "city",
                "country_code" => "country",
                other => other,
            };
            let kind = i.parse::<usize>().ok().and_then(|i| kinds.get(i)).copied().unwrap_or(AddressKind::Billing);
            format!("{}_{f}", kind.as_str())
        }
        ["contacts", _, f] => format!("contact_{f}"),
        _ => field.to_string(),
    }
}

pub fn export(ctx: &mut Ctx<'_>, a: ExportPartnersArgs) -> Result<ExportFile> {
    let t = ctx.tenant()?;
    let cols = columns();
    let headers: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut table = Table::new(&headers);
    let include_archived = a.include_archived.unwrap_or(true);
    let mut q = ListQuery { sort: Some("code".into()), limit: Some(crate::list::MAX_LIMIT), ..Default::default() };
    loop {
        let plan = ListPlan::new(&q, repo::SORTS)?;
        let page = repo::list(ctx.db(), &t, &plan, include_archived, None)?;
        for row in &page.items {
            let p = repo::get(ctx.db(), &t, row.id)?;
            let mut cells: Vec<Cell> = vec![
                p.code.clone().into(),
                p.name.clone().into(),
                p.legal_name.clone().into(),
                p.tax_id.clone().into(),
                p.email.clone().into(),
                p.phone.clone().into(),
                p.website.clone().into(),
                p.is_customer.into(),
                p.is_supplier.into(),
                Cell::Number(p.payment_terms_days.into()),
                Cell::Number(p.credit_limit),
                p.currency.clone().into(),
                p.language.clone().into(),
                p.notes.clone().into(),
                p.archived.into(),
            ];
            for kind in [AddressKind::Billing, AddressKind::Shipping] {
                let ad = p.addresses.iter().find(|x| x.kind == kind && x.is_default).map(|x| &x.address);
                let state_code = match ad.and_then(|a| a.state_id) {
                    Some(id) => Some(loc::get_state(ctx.db(), id)?.code),
                    None => None,
                };
                cells.push(ad.map(|a| a.line1.clone()).into());
                cells.push(ad.map(|a| a.line2.clone()).into());
                cells.push(ad.map(|a| a.postal_code.clone()).into());
                cells.push(ad.and_then(|a| a.city_name.clone()).into());
                cells.push(state_code.into());
                cells.push(ad.map(|a| a.country_code.clone()).into());
            }
            let c = p.contacts.first();
            cells.push(c.map(|c| c.name.clone()).into());
            cells.push(c.map(|c| c.email.clone()).into());
            cells.push(c.map(|c| c.phone.clone()).into());
            cells.push(c.map(|c| c.role.clone()).into());
            table.push(cells);
        }
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    table.export(a.format, "partners")
}
