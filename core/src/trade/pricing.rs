//! Prices: sales price lists and supplier prices, and the price a new line takes.
//!
//! - **Price lists** are per currency, for the customers they name (none named: every
//!   customer), valid between two optional dates. An item per product and minimum quantity
//!   gives a fixed price per product unit, or a discount on the catalog price. A line takes
//!   the item with the largest minimum quantity not above its quantity (in the product's
//!   unit), from the customer's own list before a general one, the most recently created
//!   list first among equals.
//! - **Supplier prices** are per supplier, product, currency and minimum quantity, with the
//!   supplier's code and lead time; a purchase line takes the one with the largest minimum
//!   quantity not above its quantity.
//! - A line keeps the price it took: changing a list never changes a document.

use super::engine::{self, PRICE, QTY};
use super::model::*;
use crate::catalog::model::ProductId;
use crate::command::{Ctx, TenantCtx};
use crate::partners::model::PartnerId;
use crate::validate::Checker;
use crate::{Error, FieldCode, Result, arith, keys, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::BTreeMap;

/// What a price list or a supplier price gives a line: a price per product unit (in the
/// document's currency) and/or a discount in basis points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub price: Option<Decimal>,
    pub discount_bp: Option<i64>,
}

/// The sales price list item for a product at a quantity (in the product's unit).
pub fn sale_price(db: &Connection, t: &TenantCtx, partner: PartnerId, currency: &str, date: NaiveDate, product: ProductId, quantity: Decimal) -> Result<Option<Found>> {
    let q = arith::to_scaled("quantity", quantity.round_dp(QTY), QTY)?;
    let row: Option<(Option<i64>, Option<i64>)> = db
        .prepare_cached(
            "SELECT i.price, i.discount_bp FROM price_list_items i JOIN price_lists l ON l.tenant_id = i.tenant_id AND l.id = i.price_list_id
             WHERE i.tenant_id = ?1 AND i.product_id = ?2 AND i.min_quantity <= ?3 AND l.currency = ?4 AND NOT l.archived
               AND (l.valid_from IS NULL OR l.valid_from <= ?5) AND (l.valid_to IS NULL OR l.valid_to >= ?5)
               AND (EXISTS (SELECT 1 FROM price_list_partners x WHERE x.tenant_id = l.tenant_id AND x.price_list_id = l.id AND x.partner_id = ?6)
                    OR NOT EXISTS (SELECT 1 FROM price_list_partners x WHERE x.tenant_id = l.tenant_id AND x.price_list_id = l.id))
             ORDER BY EXISTS (SELECT 1 FROM price_list_partners x WHERE x.tenant_id = l.tenant_id AND x.price_list_id = l.id AND x.partner_id = ?6) DESC,
                      i.min_quantity DESC, l.id DESC
             LIMIT 1",
        )?
        .query_row(params![t.tenant_id(), product, q, currency, date, partner], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(p, d)| Found { price: p.map(|p| money::from_db_at(p, PRICE)), discount_bp: d }))
}

/// The supplier's price for a product at a quantity (in the product's unit).
pub fn supplier_price(db: &Connection, t: &TenantCtx, partner: PartnerId, currency: &str, product: ProductId, quantity: Decimal) -> Result<Option<Found>> {
    let q = arith::to_scaled("quantity", quantity.round_dp(QTY), QTY)?;
    let p: Option<i64> = db
        .prepare_cached(
            "SELECT price FROM supplier_prices WHERE tenant_id = ?1 AND partner_id = ?2 AND product_id = ?3 AND currency = ?4 AND min_quantity <= ?5
             ORDER BY min_quantity DESC, id DESC LIMIT 1",
        )?
        .query_row(params![t.tenant_id(), partner, product, currency, q], |r| r.get(0))
        .optional()?;
    Ok(p.map(|p| Found { price: Some(money::from_db_at(p, PRICE)), discount_bp: None }))
}

// --- price lists ------------------------------------------------------------------------------

fn check_list(db: &Connection, t: &TenantCtx, a: &PriceListInput, id: Option<PriceListId>) -> Result<(String, String, Vec<(ProductId, i64, Option<i64>, Option<i64>)>)> {
    let mut c = Checker::new();
    let name = c.required("name", &a.name, 200);
    if !name.is_empty()
        && db
            .prepare_cached("SELECT 1 FROM price_lists WHERE tenant_id = ?1 AND name_key = ?2 AND id IS NOT ?3")?
            .exists(params![t.tenant_id(), keys::fold(&name), id])?
    {
        c.push("name", FieldCode::Duplicate.with("value", &name));
    }
    let base = crate::accounting::chart::base_currency(db, t)?;
    let currency = a.currency.as_deref().map(|s| s.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()).unwrap_or(base.clone());
    if currency != base && !crate::accounting::currency::is_enabled(db, t, &currency)? {
        c.push("currency", FieldCode::CurrencyNotEnabled.with("currency", &currency));
    }
    if let (Some(f), Some(to)) = (a.valid_from, a.valid_to)
        && to < f
    {
        c.push("valid_to", FieldCode::OutOfRange.with("min", f).with("max", "…"));
    }
    for (i, p) in a.partner_ids.iter().enumerate() {
        let ok: Option<bool> = db.prepare_cached("SELECT is_customer FROM partners WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), p], |r| r.get(0)).optional()?;
        match ok {
            None => c.push(&format!("partner_ids.{i}"), FieldCode::NotFound.with("entity", "partner")),
            Some(false) => c.push(&format!("partner_ids.{i}"), FieldCode::PartnerRoleRequired.with("role", "customer")),
            Some(true) => {}
        }
    }
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, it) in a.items.iter().enumerate() {
        let f = |k: &str| format!("items.{i}.{k}");
        if let Err(Error::Validation { fields, .. }) = crate::catalog::check_transactable(db, t, it.product_id, &f("product_id")) {
            for e in fields {
                c.push(&e.field, e.issue());
            }
            continue;
        }
        let min = it.min_quantity.unwrap_or_default();
        let min_db = if min.is_sign_negative() && !min.is_zero() {
            c.push(&f("min_quantity"), FieldCode::Negative);
            continue;
        } else {
            match money::to_db_at(&f("min_quantity"), min, QTY) {
                Ok(v) => v,
                Err(Error::Validation { fields, .. }) => {
                    for e in fields {
                        c.push(&e.field, e.issue());
                    }
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
        if !seen.insert((it.product_id, min_db)) {
            c.push(&f("min_quantity"), FieldCode::Repeated);
            continue;
        }
        let (price, discount) = match (it.price, it.discount) {
            (Some(p), None) if p.is_sign_negative() && !p.is_zero() => {
                c.push(&f("price"), FieldCode::Negative);
                continue;
            }
            (Some(p), None) => match money::to_db_at(&f("price"), p, PRICE) {
                Ok(v) => (Some(v), None),
                Err(Error::Validation { fields, .. }) => {
                    for e in fields {
                        c.push(&e.field, e.issue());
                    }
                    continue;
                }
                Err(e) => return Err(e),
            },
            (None, Some(d)) if d.is_sign_negative() && !d.is_zero() || d > Decimal::ONE_HUNDRED => {
                c.push(&f("discount"), FieldCode::OutOfRange.with("min", 0).with("max", 100));
                continue;
            }
            (None, Some(d)) if d.normalize().scale() > 2 => {
                c.push(&f("discount"), FieldCode::TooManyDecimals.with("max", 2));
                continue;
            }
            (None, Some(d)) => (None, Some(i64::try_from((d * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0))),
            _ => {
                c.push(&f("price"), FieldCode::Required);
                continue;
            }
        };
        items.push((it.product_id, min_db, price, discount));
    }
    c.finish()?;
    Ok((name, currency, items))
}

fn write_list_children(db: &Connection, t: &TenantCtx, id: PriceListId, a: &PriceListInput, items: &[(ProductId, i64, Option<i64>, Option<i64>)]) -> Result<()> {
    db.prepare_cached("DELETE FROM price_list_partners WHERE tenant_id = ?1 AND price_list_id = ?2")?.execute(params![t.tenant_id(), id])?;
    db.prepare_cached("DELETE FROM price_list_items WHERE tenant_id = ?1 AND price_list_id = ?2")?.execute(params![t.tenant_id(), id])?;
    for p in &a.partner_ids {
        db.prepare_cached("INSERT OR IGNORE INTO price_list_partners (tenant_id, price_list_id, partner_id) VALUES (?1, ?2, ?3)")?.execute(params![t.tenant_id(), id, p])?;
    }
    for (p, min, price, d) in items {
        db.prepare_cached("INSERT INTO price_list_items (tenant_id, price_list_id, product_id, min_quantity, price, discount_bp) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![t.tenant_id(), id, p, min, price, d])?;
    }
    Ok(())
}

pub fn create_list(ctx: &mut Ctx<'_>, a: PriceListInput) -> Result<PriceList> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let (name, currency, items) = check_list(db, &t, &a, None)?;
    db.prepare_cached("INSERT INTO price_lists (tenant_id, name, name_key, currency, valid_from, valid_to, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")?
        .execute(params![t.tenant_id(), name, keys::fold(&name), currency, a.valid_from, a.valid_to, ctx.now])?;
    let id = PriceListId(db.last_insert_rowid());
    write_list_children(db, &t, id, &a, &items)?;
    ctx.audit("price_list", id, json!({"name": name, "items": items.len()}));
    get_list(db, &t, id)
}

pub fn update_list(ctx: &mut Ctx<'_>, a: UpdatePriceListArgs) -> Result<PriceList> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    get_list(db, &t, a.id)?;
    let (name, currency, items) = check_list(db, &t, &a.list, Some(a.id))?;
    db.prepare_cached("UPDATE price_lists SET name = ?3, name_key = ?4, currency = ?5, valid_from = ?6, valid_to = ?7, updated_at = ?8 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, name, keys::fold(&name), currency, a.list.valid_from, a.list.valid_to, ctx.now])?;
    write_list_children(db, &t, a.id, &a.list, &items)?;
    ctx.audit("price_list", a.id, json!({"name": name, "items": items.len()}));
    get_list(db, &t, a.id)
}

pub fn set_list_archived(ctx: &mut Ctx<'_>, a: crate::command::SetArchivedArg<PriceListId>) -> Result<PriceList> {
    let t = ctx.tenant()?;
    get_list(ctx.db(), &t, a.id)?;
    ctx.db().prepare_cached("UPDATE price_lists SET archived = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, a.archived, ctx.now])?;
    ctx.audit("price_list", a.id, json!({"archived": a.archived}));
    get_list(ctx.db(), &t, a.id)
}

pub fn get_list(db: &Connection, t: &TenantCtx, id: PriceListId) -> Result<PriceList> {
    let mut l = db
        .prepare_cached("SELECT id, name, currency, valid_from, valid_to, archived FROM price_lists WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(PriceList { id: r.get(0)?, name: r.get(1)?, currency: r.get(2)?, valid_from: r.get(3)?, valid_to: r.get(4)?, archived: r.get(5)?, partner_ids: vec![], items: vec![] })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("price_list", id))?;
    l.partner_ids = db
        .prepare_cached("SELECT partner_id FROM price_list_partners WHERE tenant_id = ?1 AND price_list_id = ?2 ORDER BY partner_id")?
        .query_map(params![t.tenant_id(), id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    l.items = db
        .prepare_cached(
            "SELECT i.product_id, p.sku, p.name, i.min_quantity, i.price, i.discount_bp FROM price_list_items i JOIN products p ON p.tenant_id = i.tenant_id AND p.id = i.product_id
             WHERE i.tenant_id = ?1 AND i.price_list_id = ?2 ORDER BY p.sku, i.min_quantity",
        )?
        .query_map(params![t.tenant_id(), id], |r| {
            Ok(PriceListItem {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                product_name: r.get(2)?,
                min_quantity: money::from_db_at(r.get(3)?, QTY),
                price: r.get::<_, Option<i64>>(4)?.map(|v| money::from_db_at(v, PRICE)),
                discount: r.get::<_, Option<i64>>(5)?.map(|v| Decimal::new(v, 2).normalize()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(l)
}

pub fn list_lists(db: &Connection, t: &TenantCtx, a: &ListPriceListsArgs) -> Result<Vec<PriceList>> {
    // Each word of the search, folded as the name's key is (so case-insensitive in any
    // script), must be in the name or the currency code.
    let patterns: Vec<String> = a.search.as_deref().unwrap_or("").split_whitespace().take(8).filter_map(|w| crate::list::like_pattern(&crate::keys::fold(w))).collect();
    let mut sql = "SELECT id FROM price_lists WHERE tenant_id = ?1 AND (?2 OR NOT archived)".to_string();
    for i in 0..patterns.len() {
        let p = i + 3;
        sql.push_str(&format!(" AND (name_key LIKE ?{p} ESCAPE '\\' OR currency LIKE ?{p} ESCAPE '\\')"));
    }
    sql.push_str(" ORDER BY name_key");
    let mut values: Vec<rusqlite::types::Value> = vec![t.tenant_id().0.into(), a.include_archived.unwrap_or(false).into()];
    values.extend(patterns.into_iter().map(rusqlite::types::Value::from));
    let ids: Vec<PriceListId> = db.prepare_cached(&sql)?.query_map(rusqlite::params_from_iter(values), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_list(db, t, id)).collect()
}

// --- supplier prices --------------------------------------------------------------------------

fn check_supplier_price(db: &Connection, t: &TenantCtx, a: &SupplierPriceInput, id: Option<SupplierPriceId>) -> Result<(String, String, i64, i64, u32)> {
    let mut c = Checker::new();
    let partner: Option<(bool, String)> = db.prepare_cached("SELECT is_supplier, currency FROM partners WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), a.partner_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    let pcur = match partner {
        None => {
            c.push("partner_id", FieldCode::NotFound.with("entity", "partner"));
            String::new()
        }
        Some((false, _)) => {
            c.push("partner_id", FieldCode::PartnerRoleRequired.with("role", "supplier"));
            String::new()
        }
        Some((true, cur)) => cur,
    };
    if let Err(Error::Validation { fields, .. }) = crate::catalog::check_transactable(db, t, a.product_id, "product_id") {
        for e in fields {
            c.push(&e.field, e.issue());
        }
    }
    let base = crate::accounting::chart::base_currency(db, t)?;
    let currency = a.currency.as_deref().map(|s| s.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()).unwrap_or(if pcur.is_empty() { base.clone() } else { pcur });
    if currency != base && !crate::accounting::currency::is_enabled(db, t, &currency)? {
        c.push("currency", FieldCode::CurrencyNotEnabled.with("currency", &currency));
    }
    let code = c.optional("supplier_code", a.supplier_code.as_deref().unwrap_or(""), 100);
    let mut min = 0;
    match a.min_quantity {
        Some(m) if m.is_sign_negative() && !m.is_zero() => c.push("min_quantity", FieldCode::Negative),
        Some(m) => match money::to_db_at("min_quantity", m, QTY) {
            Ok(v) => min = v,
            Err(e) => c.errors.extend(e.fields().iter().cloned()),
        },
        None => {}
    }
    let mut price = 0;
    if a.price.is_sign_negative() && !a.price.is_zero() {
        c.push("price", FieldCode::Negative);
    } else {
        match money::to_db_at("price", a.price, PRICE) {
            Ok(v) => price = v,
            Err(e) => c.errors.extend(e.fields().iter().cloned()),
        }
    }
    let lead = a.lead_time_days.unwrap_or(0);
    if lead > 3650 {
        c.push("lead_time_days", FieldCode::OutOfRange.with("min", 0).with("max", 3650));
    }
    if db
        .prepare_cached("SELECT 1 FROM supplier_prices WHERE tenant_id = ?1 AND partner_id = ?2 AND product_id = ?3 AND currency = ?4 AND min_quantity = ?5 AND id IS NOT ?6")?
        .exists(params![t.tenant_id(), a.partner_id, a.product_id, currency, min, id])?
    {
        c.push("min_quantity", FieldCode::Duplicate.with("value", money::from_db_at(min, QTY)));
    }
    c.finish()?;
    Ok((code, currency, min, price, lead))
}

pub fn create_supplier_price(ctx: &mut Ctx<'_>, a: SupplierPriceInput) -> Result<SupplierPrice> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let (code, currency, min, price, lead) = check_supplier_price(db, &t, &a, None)?;
    db.prepare_cached(
        "INSERT INTO supplier_prices (tenant_id, partner_id, product_id, supplier_code, currency, min_quantity, price, lead_time_days, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![t.tenant_id(), a.partner_id, a.product_id, code, currency, min, price, lead, ctx.now])?;
    let id = SupplierPriceId(db.last_insert_rowid());
    ctx.audit("supplier_price", id, json!({"partner": a.partner_id, "product": a.product_id, "price": a.price.to_string()}));
    get_supplier_price(db, &t, id)
}

pub fn update_supplier_price(ctx: &mut Ctx<'_>, a: UpdateSupplierPriceArgs) -> Result<SupplierPrice> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    get_supplier_price(db, &t, a.id)?;
    let (code, currency, min, price, lead) = check_supplier_price(db, &t, &a.price, Some(a.id))?;
    db.prepare_cached(
        "UPDATE supplier_prices SET partner_id = ?3, product_id = ?4, supplier_code = ?5, currency = ?6, min_quantity = ?7, price = ?8, lead_time_days = ?9, updated_at = ?10
         WHERE tenant_id = ?1 AND id = ?2",
    )?
    .execute(params![t.tenant_id(), a.id, a.price.partner_id, a.price.product_id, code, currency, min, price, lead, ctx.now])?;
    ctx.audit("supplier_price", a.id, json!({"price": a.price.price.to_string()}));
    get_supplier_price(db, &t, a.id)
}

pub fn delete_supplier_price(ctx: &mut Ctx<'_>, id: SupplierPriceId) -> Result<crate::command::Done> {
    let t = ctx.tenant()?;
    get_supplier_price(ctx.db(), &t, id)?;
    ctx.db().prepare_cached("DELETE FROM supplier_prices WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id])?;
    ctx.audit("supplier_price", id, json!({"deleted": true}));
    Ok(crate::command::Done::OK)
}

const SP_COLS: &str = "s.id, s.partner_id, pa.name, s.product_id, p.sku, s.supplier_code, s.currency, s.min_quantity, s.price, s.lead_time_days
     FROM supplier_prices s JOIN partners pa ON pa.tenant_id = s.tenant_id AND pa.id = s.partner_id JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id";

fn sp_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SupplierPrice> {
    Ok(SupplierPrice {
        id: r.get(0)?,
        partner_id: r.get(1)?,
        partner_name: r.get(2)?,
        product_id: r.get(3)?,
        sku: r.get(4)?,
        supplier_code: r.get(5)?,
        currency: r.get(6)?,
        min_quantity: money::from_db_at(r.get(7)?, QTY),
        price: money::from_db_at(r.get(8)?, PRICE),
        lead_time_days: r.get(9)?,
    })
}

pub fn get_supplier_price(db: &Connection, t: &TenantCtx, id: SupplierPriceId) -> Result<SupplierPrice> {
    db.prepare_cached(&format!("SELECT {SP_COLS} WHERE s.tenant_id = ?1 AND s.id = ?2"))?
        .query_row(params![t.tenant_id(), id], sp_row)
        .optional()?
        .ok_or_else(|| Error::not_found("supplier_price", id))
}

pub fn list_supplier_prices(db: &Connection, t: &TenantCtx, a: &ListSupplierPricesArgs) -> Result<Vec<SupplierPrice>> {
    let mut st = db.prepare_cached(&format!(
        "SELECT {SP_COLS} WHERE s.tenant_id = ?1 AND (?2 IS NULL OR s.product_id = ?2) AND (?3 IS NULL OR s.partner_id = ?3) ORDER BY p.sku, pa.name, s.min_quantity LIMIT 5000"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.product_id, a.partner_id], sp_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// --- the to-reorder list as purchase orders ---------------------------------------------------

/// Turns the to-reorder list into draft purchase orders, one per supplier (the rule's,
/// else the product's first supplier price) and warehouse. Open purchase orders count as
/// coming in: what they bring is taken off the suggestion, so running this twice orders
/// nothing twice. Products without a supplier are listed as skipped.
pub fn from_reorder(ctx: &mut Ctx<'_>, a: FromReorderArgs) -> Result<FromReorderResult> {
    let key = a.idempotency_key.clone();
    super::idem::once(ctx, key.as_deref(), "purchase.from_reorder", |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let date = a.date.unwrap_or_else(|| ctx.now.date_naive());
        let rows = crate::inventory::replenish::to_reorder(db, &t, &crate::inventory::model::ToReorderArgs { warehouse_id: a.warehouse_id })?;
        let mut groups: BTreeMap<(PartnerId, crate::inventory::model::WarehouseId), Vec<LineInput>> = BTreeMap::new();
        let mut skipped = Vec::new();
        for r in rows {
            let supplier = match r.supplier_id {
                Some(s) => Some(s),
                None => db
                    .prepare_cached("SELECT partner_id FROM supplier_prices WHERE tenant_id = ?1 AND product_id = ?2 ORDER BY id LIMIT 1")?
                    .query_row(params![t.tenant_id(), r.product_id], |x| x.get(0))
                    .optional()?,
            };
            let Some(supplier) = supplier else {
                skipped.push(SkippedReorder { product_id: r.product_id, sku: r.sku, reason: "no_supplier".into() });
                continue;
            };
            // Open purchase lines for the product and warehouse, in the product's unit.
            let open = open_purchase_quantity(db, &t, r.product_id, r.warehouse_id)?;
            let need = arith::sub("quantity", r.max_qty, arith::add("quantity", r.forecast, open)?)?;
            if need <= Decimal::ZERO {
                skipped.push(SkippedReorder { product_id: r.product_id, sku: r.sku, reason: "on_order".into() });
                continue;
            }
            let m = if r.multiple > Decimal::ZERO { r.multiple } else { Decimal::ONE };
            let units = arith::div("quantity", need, m)?.ceil();
            let qty = arith::mul("quantity", units, m)?;
            groups.entry((supplier, r.warehouse_id)).or_default().push(LineInput { product_id: Some(r.product_id), quantity: qty, ..Default::default() });
        }
        let mut orders = Vec::new();
        for ((supplier, warehouse), lines) in groups {
            let input = OrderInput {
                partner_id: supplier,
                date,
                currency: None,
                rate: None,
                payment_terms_days: None,
                billing_address_id: None,
                shipping_address_id: None,
                warehouse_id: Some(warehouse),
                reference: Some("Reorder".into()),
                notes: None,
                idempotency_key: None,
                lines,
            };
            let o = engine::create_order(ctx, Side::Purchase, input)?;
            orders.push(OrderRow {
                id: o.id,
                state: o.state,
                number: o.number,
                partner_id: o.partner_id,
                partner_name: o.partner_name,
                date: o.date,
                currency: o.currency,
                total: o.total,
                reference: o.reference,
                delivery_status: o.delivery_status,
                invoice_status: o.invoice_status,
            });
        }
        Ok(FromReorderResult { orders, skipped })
    })
}

/// What open purchase orders (quotations and confirmed orders) still bring of a product
/// into a warehouse, in the product's unit.
pub fn open_purchase_quantity(db: &Connection, t: &TenantCtx, product: ProductId, warehouse: crate::inventory::model::WarehouseId) -> Result<Decimal> {
    let mut st = db.prepare_cached(
        "SELECT l.quantity - l.cancelled - l.delivered, u.factor_e6, pu.factor_e6 FROM trade_order_lines l
         JOIN trade_orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
         JOIN units u ON u.tenant_id = l.tenant_id AND u.id = l.unit_id
         JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
         JOIN units pu ON pu.tenant_id = p.tenant_id AND pu.id = p.unit_id
         WHERE l.tenant_id = ?1 AND l.product_id = ?2 AND o.side = 'purchase' AND o.warehouse_id = ?3 AND o.state IN ('draft', 'sent', 'confirmed')",
    )?;
    let rows = st.query_map(params![t.tenant_id(), product, warehouse], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    let mut total = Decimal::ZERO;
    for row in rows {
        let (q, f, pf) = row?;
        if q <= 0 {
            continue;
        }
        let v = arith::div("quantity", arith::mul("quantity", money::from_db_at(q, QTY), Decimal::from(f))?, Decimal::from(pf))?;
        total = arith::add("quantity", total, v)?;
    }
    Ok(total)
}
