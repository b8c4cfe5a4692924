//! Company rules: validation, creation with an Owner membership, updates, archiving.

use super::model::*;
use super::repo;
use crate::command::Ctx;
use crate::validate::Checker;
use crate::{Error, Result};
use serde_json::json;

fn check_address(c: &mut Checker, a: &CompanyAddress) -> CompanyAddress {
    CompanyAddress {
        line1: c.optional("address.line1", &a.line1, 200),
        line2: c.optional("address.line2", &a.line2, 200),
        postal_code: c.optional("address.postal_code", &a.postal_code, 20),
        city: c.optional("address.city", &a.city, 100),
        region: c.optional("address.region", &a.region, 100),
        country_code: c.country("address.country_code", &a.country_code),
    }
}

fn check_month(c: &mut Checker, m: i64) -> u8 {
    c.range("fiscal_year_start_month", m, 1, 12).clamp(1, 12) as u8
}

pub fn create(ctx: &mut Ctx<'_>, a: CreateCompanyArgs) -> Result<Company> {
    let mut c = Checker::new();
    let company = Company {
        id: crate::ids::TenantId(0),
        code: c.code("code", &a.code, 20),
        name: c.required("name", &a.name, 200),
        legal_name: c.optional("legal_name", a.legal_name.as_deref().unwrap_or(""), 200),
        tax_id: c.optional("tax_id", a.tax_id.as_deref().unwrap_or(""), 50),
        base_currency: c.currency("base_currency", &a.base_currency),
        locale: c.locale("locale", a.locale.as_deref().unwrap_or("en-US")),
        timezone: c.timezone("timezone", a.timezone.as_deref().unwrap_or("UTC")),
        fiscal_year_start_month: check_month(&mut c, a.fiscal_year_start_month.unwrap_or(1)),
        address: check_address(&mut c, &a.address.unwrap_or_default()),
        color: c.color("color", a.color.as_deref().unwrap_or("#4f46e5")),
        payment_instructions: String::new(),
        has_logo: false,
        archived: false,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    c.finish()?;
    if repo::code_taken(ctx.db(), &company.code, None)? {
        return Err(Error::conflict("code", crate::FieldCode::Duplicate.with("entity", "company")));
    }
    let id = repo::insert(ctx.db(), &company, ctx.now)?;
    // Whoever creates a company owns it.
    let user = ctx.principal()?.user_id;
    let owner = crate::rbac::repo::get_builtin_role_id(ctx.db(), "owner")?;
    crate::rbac::repo::insert_membership(ctx.db(), id, user, owner, ctx.now)?;
    let t = crate::command::TenantCtx::new(id, user);
    // Its books, from the chosen chart (the fiscal year of today in its time zone).
    let chart = a.chart_template.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or("generic");
    if chart != "none" {
        let today = crate::accounting::periods::today(ctx.db(), &t, ctx.now)?;
        crate::accounting::chart::apply_template(ctx.db(), &t, chart, today, ctx.now).map_err(|e| match e.fields().first() {
            Some(f) if f.field == "template" => Error::field("chart_template", f.issue()),
            _ => e,
        })?;
    }
    // Its virtual stock locations and inventory settings (after the chart: they name its accounts).
    crate::inventory::places::seed_company(ctx.db(), &t, ctx.now)?;
    ctx.audit_in(id, "company", id, json!({"code": company.code, "name": company.name, "base_currency": company.base_currency}));
    repo::get(ctx.db(), id)
}

pub fn get(ctx: &mut Ctx<'_>) -> Result<Company> {
    repo::get(ctx.db(), ctx.tenant()?.tenant_id())
}

pub fn update(ctx: &mut Ctx<'_>, a: UpdateCompanyArgs) -> Result<Company> {
    let t = ctx.tenant()?;
    let old = repo::get(ctx.db(), t.tenant_id())?;
    let mut c = Checker::new();
    let new = Company {
        code: a.code.as_deref().map(|v| c.code("code", v, 20)).unwrap_or_else(|| old.code.clone()),
        name: a.name.as_deref().map(|v| c.required("name", v, 200)).unwrap_or_else(|| old.name.clone()),
        legal_name: a.legal_name.as_deref().map(|v| c.optional("legal_name", v, 200)).unwrap_or_else(|| old.legal_name.clone()),
        tax_id: a.tax_id.as_deref().map(|v| c.optional("tax_id", v, 50)).unwrap_or_else(|| old.tax_id.clone()),
        base_currency: a.base_currency.as_deref().map(|v| c.currency("base_currency", v)).unwrap_or_else(|| old.base_currency.clone()),
        locale: a.locale.as_deref().map(|v| c.locale("locale", v)).unwrap_or_else(|| old.locale.clone()),
        timezone: a.timezone.as_deref().map(|v| c.timezone("timezone", v)).unwrap_or_else(|| old.timezone.clone()),
        fiscal_year_start_month: a.fiscal_year_start_month.map(|m| check_month(&mut c, m)).unwrap_or(old.fiscal_year_start_month),
        address: a.address.as_ref().map(|ad| check_address(&mut c, ad)).unwrap_or_else(|| old.address.clone()),
        color: a.color.as_deref().map(|v| c.color("color", v)).unwrap_or_else(|| old.color.clone()),
        payment_instructions: a
            .payment_instructions
            .as_deref()
            .map(|v| c.optional("payment_instructions", v, 1000))
            .unwrap_or_else(|| old.payment_instructions.clone()),
        ..old.clone()
    };
    c.finish()?;
    if new.code != old.code && repo::code_taken(ctx.db(), &new.code, Some(old.id))? {
        return Err(Error::conflict("code", crate::FieldCode::Duplicate.with("entity", "company")));
    }
    repo::update(ctx.db(), &new, ctx.now)?;
    ctx.audit("company", old.id, crate::audit::changes(&old, &new));
    repo::get(ctx.db(), old.id)
}

/// The largest logo file taken: 512 KiB (a logo prints a few centimetres wide).
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

pub fn get_logo(ctx: &mut Ctx<'_>) -> Result<Option<CompanyLogo>> {
    let t = ctx.tenant()?;
    repo::logo(ctx.db(), t.tenant_id())
}

/// Checks a logo file: base64, at most [`LOGO_MAX_BYTES`], a PNG or JPEG whose header
/// gives a size. Returns its media type, width, height and bytes.
pub fn check_logo(data_base64: &str) -> Result<(&'static str, u32, u32, Vec<u8>)> {
    use base64::Engine;
    let field = "data_base64";
    // Base64 is 4/3 of the file: refuse a huge text before decoding it (twice that, so
    // line-wrapped base64 of a file under the limit is still decoded and measured).
    if data_base64.len() > LOGO_MAX_BYTES / 3 * 8 {
        return Err(Error::field(field, crate::FieldCode::FileTooLarge.with("max_mib", "0.5")));
    }
    let clean: String = data_base64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(clean).map_err(|_| Error::field(field, crate::FieldCode::Invalid.with("detail", "not base64")))?;
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(Error::field(field, crate::FieldCode::FileTooLarge.with("max_mib", "0.5")));
    }
    let media_type = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Png) => "image/png",
        Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
        _ => return Err(Error::field(field, crate::FieldCode::UnsupportedImage)),
    };
    let size = imagesize::blob_size(&bytes).map_err(|_| Error::field(field, crate::FieldCode::UnsupportedImage))?;
    let dim = |v: usize| u32::try_from(v).ok().filter(|v| *v > 0 && *v <= 20_000);
    match (dim(size.width), dim(size.height)) {
        (Some(w), Some(h)) => Ok((media_type, w, h, bytes)),
        _ => Err(Error::field(field, crate::FieldCode::UnsupportedImage)),
    }
}

pub fn set_logo(ctx: &mut Ctx<'_>, a: SetLogoArgs) -> Result<Company> {
    let t = ctx.tenant()?;
    let (media_type, width, height, bytes) = check_logo(&a.data_base64)?;
    repo::set_logo(ctx.db(), t.tenant_id(), media_type, width, height, &bytes, ctx.now)?;
    ctx.audit("company", t.tenant_id(), json!({"logo": {"media_type": media_type, "width": width, "height": height, "bytes": bytes.len()}}));
    repo::get(ctx.db(), t.tenant_id())
}

pub fn remove_logo(ctx: &mut Ctx<'_>) -> Result<Company> {
    let t = ctx.tenant()?;
    if repo::remove_logo(ctx.db(), t.tenant_id(), ctx.now)? {
        ctx.audit("company", t.tenant_id(), json!({"logo": null}));
    }
    repo::get(ctx.db(), t.tenant_id())
}

pub fn set_archived(ctx: &mut Ctx<'_>, a: SetArchivedArgs) -> Result<Company> {
    let old = repo::get(ctx.db(), a.id)?;
    repo::update_archived(ctx.db(), a.id, a.archived, ctx.now)?;
    // In the company's own log: its members see when it was archived and by whom.
    ctx.audit_in(a.id, "company", a.id, json!({"archived": [old.archived, a.archived]}));
    repo::get(ctx.db(), a.id)
}

pub fn list(ctx: &mut Ctx<'_>, a: ListCompaniesArgs) -> Result<Vec<CompanySummary>> {
    let p = ctx.principal()?.clone();
    repo::list_for_user(ctx.db(), &p, a.include_archived.unwrap_or(false))
}
