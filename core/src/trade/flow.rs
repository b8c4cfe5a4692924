//! The flows of an order: deliveries and receipts (and their returns) through the
//! stock-move engine, invoices and credit notes, and their posting through the ledger.
//! Nothing here writes stock or ledger rows itself: pickings are made with
//! [`crate::inventory::engine::create_picking`] + `done`, entries with
//! [`crate::accounting::ledger::post`], each in the command's transaction.

use super::engine::{self, PRICE, QTY, ResolvedLine};
use super::model::*;
use crate::accounting::model::{AccountId, EntryDraft, JournalKind, LineDraft, Source, Tax, TaxId};
use crate::command::{Ctx, TenantCtx};
use crate::inventory::model::{LocationKind, MoveInput, PickingInput, PickingKind, StockSource};
use crate::validate::Checker;
use crate::{Error, FieldCode, FieldError, Reason, Result, arith, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::BTreeMap;

fn today(ctx: &Ctx<'_>) -> NaiveDate {
    ctx.now.date_naive()
}

fn q_db(field: &str, v: Decimal) -> Result<i64> {
    money::to_db_at(field, v, QTY)
}

fn check_qty(c: &mut Checker, field: &str, v: Decimal) -> bool {
    let v = v.normalize();
    if v <= Decimal::ZERO {
        c.push(field, FieldCode::NotPositive);
        false
    } else if v.scale() > QTY {
        c.push(field, FieldCode::TooManyDecimals.with("max", QTY));
        false
    } else {
        true
    }
}

fn require_open(o: &Order, returns: bool) -> Result<()> {
    let ok = if returns { matches!(o.state, OrderState::Confirmed | OrderState::Done) } else { o.state == OrderState::Confirmed };
    if ok { Ok(()) } else { Err(Error::refused(Reason::OrderNotConfirmed.with("state", o.state.as_str()))) }
}

// --- deliveries, receipts and returns ---------------------------------------------------------

/// Delivers (sales) or receives (purchases) goods of a confirmed order, or returns them
/// (`returns`): one picking through the stock-move engine, done now; the lines' progress
/// grows by the quantities moved. A quantity above what is left is refused.
pub fn ship(ctx: &mut Ctx<'_>, side: Side, a: ShipOrderArgs, returns: bool) -> Result<Order> {
    let verb = match (side, returns) {
        (Side::Sale, false) => "deliver",
        (Side::Purchase, false) => "receive",
        (_, true) => "return",
    };
    let key = a.idempotency_key.clone();
    super::idem::once(ctx, key.as_deref(), &format!("{}.{verb}", side.module()), |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let o = engine::get_order(db, &t, side, a.order_id)?;
        require_open(&o, returns)?;
        let mut c = Checker::new();
        let requested: Vec<QuantityLine> = match (&a.lines, returns) {
            (Some(l), _) => l.clone(),
            (None, false) => o.lines.iter().filter(|l| l.to_deliver > Decimal::ZERO).map(|l| QuantityLine { line_id: l.id.0, quantity: l.to_deliver, lot_code: None }).collect(),
            (None, true) => {
                c.push("lines", FieldCode::Required);
                Vec::new()
            }
        };
        if requested.is_empty() && c.errors.is_empty() {
            c.push("lines", FieldCode::TooFewLines.with("min", 1));
        }
        let mut seen = Vec::new();
        let mut picked: Vec<(&OrderLine, Decimal, Option<String>)> = Vec::new();
        for (i, r) in requested.iter().enumerate() {
            let f = |k: &str| format!("lines.{i}.{k}");
            let Some(l) = o.lines.iter().find(|l| l.id.0 == r.line_id) else {
                c.push(&f("line_id"), FieldCode::NotFound.with("entity", "order_line"));
                continue;
            };
            if seen.contains(&r.line_id) {
                c.push(&f("line_id"), FieldCode::Repeated);
                continue;
            }
            seen.push(r.line_id);
            if !l.ships {
                c.push(&f("line_id"), FieldCode::NotStockable.with("sku", l.sku.as_deref().unwrap_or(&l.description)).with("kind", "service"));
                continue;
            }
            if !check_qty(&mut c, &f("quantity"), r.quantity) {
                continue;
            }
            let left = if returns { l.delivered - l.returned } else { l.to_deliver };
            if r.quantity > left {
                c.push(&f("quantity"), FieldCode::ExceedsRemaining.with("remaining", left.normalize()).with("unit", l.unit_code.as_deref().unwrap_or("")));
                continue;
            }
            picked.push((l, r.quantity.normalize(), r.lot_code.clone()));
        }
        c.finish()?;
        let Some(warehouse) = o.warehouse_id else { return Err(Error::field("warehouse_id", FieldCode::Required)) };
        let date = a.date.unwrap_or_else(|| today(ctx).max(o.date));
        let v = |k| crate::inventory::places::virtual_location(db, &t, k, ctx.now);
        let (kind, from, to) = match (side, returns) {
            (Side::Sale, false) => (PickingKind::Delivery, None, None),
            (Side::Sale, true) => (PickingKind::Receipt, Some(v(LocationKind::Customer)?), None),
            (Side::Purchase, false) => (PickingKind::Receipt, None, None),
            (Side::Purchase, true) => (PickingKind::Delivery, None, Some(v(LocationKind::Supplier)?)),
        };
        let mut lines = Vec::with_capacity(picked.len());
        for (l, qty, lot) in &picked {
            let unit_cost = if side == Side::Purchase && !returns {
                // What the goods cost, net of discount, in base currency: the value received.
                let keep = Decimal::new(super::lines::BP_WHOLE - i64::try_from((l.discount * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0), 4);
                Some(arith::mul("unit_cost", arith::mul("unit_cost", l.unit_price, keep)?, o.rate)?.round_dp(PRICE).normalize())
            } else {
                None
            };
            lines.push(MoveInput {
                product_id: l.product_id.ok_or_else(|| Error::Internal("a shipping line has a product".into()))?,
                quantity: *qty,
                unit_id: l.unit_id,
                from_location_id: None,
                to_location_id: None,
                lot_id: None,
                lot_code: lot.clone(),
                unit_cost,
            });
        }
        let input = PickingInput {
            kind,
            warehouse_id: warehouse,
            from_location_id: from,
            to_location_id: to,
            date,
            partner_id: Some(o.partner_id),
            reference: o.number.clone(),
            reason: None,
            source: Some(StockSource { module: side.module().into(), kind: if returns { "order_return".into() } else { "order".into() }, id: Some(o.id.0) }),
            lines,
        };
        let picking = crate::inventory::engine::create_picking(ctx, input)?;
        crate::inventory::engine::done(ctx, picking.id)?;
        let db = ctx.db();
        for (k, (l, qty, _)) in picked.iter().enumerate() {
            let q = q_db("quantity", *qty)?;
            if returns {
                db.prepare_cached("UPDATE trade_order_lines SET returned = returned + ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), l.id, q])?;
            } else {
                db.prepare_cached("UPDATE trade_order_lines SET delivered = delivered + ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), l.id, q])?;
            }
            if side == Side::Purchase {
                // The value the moves of this line put into (or took out of) stock.
                let value: i64 = db
                    .prepare_cached("SELECT coalesce(sum(abs(value)), 0) FROM stock_moves WHERE tenant_id = ?1 AND picking_id = ?2 AND line_no = ?3")?
                    .query_row(params![t.tenant_id(), picking.id, i64::try_from(k + 1).unwrap_or(i64::MAX)], |r| r.get(0))?;
                let signed = if returns { -value } else { value };
                db.prepare_cached("UPDATE trade_order_lines SET received_value = received_value + ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), l.id, signed])?;
            }
        }
        db.prepare_cached("INSERT INTO trade_order_pickings (tenant_id, order_id, picking_id, is_return) VALUES (?1, ?2, ?3, ?4)")?.execute(params![t.tenant_id(), o.id, picking.id, returns])?;
        ctx.audit("trade_order", o.id, json!({verb: picking.id, "lines": picked.len()}));
        engine::refresh_state(ctx.db(), &t, o.id)?;
        engine::get_order(ctx.db(), &t, side, o.id)
    })
}

// --- invoices: writing ------------------------------------------------------------------------

struct NewInvoice<'a> {
    side: Side,
    kind: InvoiceKind,
    order: Option<OrderId>,
    credited: Option<InvoiceId>,
    partner: crate::partners::model::PartnerId,
    billing: Option<crate::partners::model::PartnerAddressId>,
    currency: &'a str,
    rate: Decimal,
    date: NaiveDate,
    due: NaiveDate,
    reference: &'a str,
    notes: &'a str,
}

fn write_invoice(ctx: &mut Ctx<'_>, h: &NewInvoice<'_>, lines: &[ResolvedLine], taxes: &BTreeMap<TaxId, Tax>) -> Result<InvoiceId> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let calc = engine::compute(db, &t, h.currency, lines, taxes)?;
    let [net, tax, rounding, total] = engine::totals_params(&calc)?;
    let base = crate::accounting::chart::base_currency(db, &t)?;
    let half_even = engine::rounding_rule(db, &t)?.1 == crate::accounting::model::RoundingMode::HalfEven;
    db.prepare_cached(
        "INSERT INTO trade_invoices (tenant_id, side, kind, state, order_id, credited_invoice_id, partner_id, billing_address_id, currency, rate, date, due_date,
            reference, notes, net, tax, rounding, total, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        t.tenant_id(),
        h.side,
        h.kind,
        h.order,
        h.credited,
        h.partner,
        h.billing,
        h.currency,
        money::to_db_at("rate", h.rate, money::RATE_SCALE)?,
        h.date,
        h.due,
        h.reference,
        h.notes,
        net,
        tax,
        rounding,
        total,
        user,
        ctx.now
    ])?;
    let id = InvoiceId(db.last_insert_rowid());
    insert_invoice_lines(db, &t, id, h.kind, h.currency, h.rate, lines, &calc, &base, half_even)?;
    engine::write_taxes(db, &t, "trade_invoice_taxes", "invoice_id", id.0, &calc)?;
    ctx.audit("trade_invoice", id, json!({"side": h.side, "kind": h.kind, "order": h.order, "lines": lines.len(), "total": calc.total.to_string()}));
    Ok(id)
}

/// Writes an invoice's lines with their taxes, and counts them on their order lines
/// (drafts count as invoiced, so nothing is invoiced twice).
#[allow(clippy::too_many_arguments)]
fn insert_invoice_lines(db: &Connection, t: &TenantCtx, id: InvoiceId, kind: InvoiceKind, currency: &str, rate: Decimal, lines: &[ResolvedLine], calc: &crate::accounting::model::TaxComputation, base: &str, half_even: bool) -> Result<()> {
    for (i, (l, r)) in lines.iter().zip(&calc.lines).enumerate() {
        let f = |k: &str| format!("lines.{i}.{k}");
        db.prepare_cached(
            "INSERT INTO trade_invoice_lines (tenant_id, invoice_id, line_no, order_line_id, credited_line_id, product_id, description, unit_id, quantity, unit_price, discount_bp, net, tax, gross, net_base)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            t.tenant_id(),
            id,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            l.order_line,
            l.credited_line,
            l.product,
            l.description,
            l.unit,
            q_db(&f("quantity"), l.quantity)?,
            money::to_db_at(&f("unit_price"), l.unit_price, PRICE)?,
            l.discount_bp,
            money::to_db(&f("net"), r.net)?,
            money::to_db(&f("tax"), r.tax.round_dp(money::SCALE))?,
            money::to_db(&f("gross"), r.gross.round_dp(money::SCALE))?,
            money::to_db(&f("net"), if currency == base { r.net } else { money::round_money(&f("net"), arith::mul(&f("net"), r.net, rate)?, base, half_even)? })?,
        ])?;
        let line = db.last_insert_rowid();
        for tax in &l.tax_ids {
            db.prepare_cached("INSERT INTO trade_invoice_line_taxes (tenant_id, line_id, tax_id) VALUES (?1, ?2, ?3)")?.execute(params![t.tenant_id(), line, tax])?;
        }
        // The order line's progress counts drafts, so nothing is invoiced twice.
        if let Some(ol) = l.order_line {
            let col = if kind == InvoiceKind::Invoice { "invoiced" } else { "credited" };
            db.prepare_cached(&format!("UPDATE trade_order_lines SET {col} = {col} + ?3 WHERE tenant_id = ?1 AND id = ?2"))?.execute(params![
                t.tenant_id(),
                ol,
                q_db(&f("quantity"), l.quantity)?
            ])?;
        }
    }
    Ok(())
}

fn load_line_taxes(db: &Connection, t: &TenantCtx, ids: &[TaxId], into: &mut BTreeMap<TaxId, Tax>) -> Result<()> {
    for id in ids {
        if !into.contains_key(id) {
            into.insert(*id, crate::accounting::tax::get_tax(db, t, *id)?);
        }
    }
    Ok(())
}

fn due_date(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(u64::from(days))).unwrap_or(date)
}

/// Makes a draft invoice of what an order has to invoice (or, `credit`, a draft credit
/// note of what it has invoiced beyond what is due, after a return).
pub fn invoice_order(ctx: &mut Ctx<'_>, side: Side, a: InvoiceOrderArgs, credit: bool) -> Result<Invoice> {
    let name = if credit { "credit_order" } else { "invoice_order" };
    let key = a.idempotency_key.clone();
    super::idem::once(ctx, key.as_deref(), &format!("{}.{name}", side.module()), |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let o = engine::get_order(db, &t, side, a.order_id)?;
        require_open(&o, true)?;
        let policy = match (side, a.policy) {
            (Side::Purchase, Some(InvoicePolicy::Ordered)) => return Err(Error::field("policy", FieldCode::NotOneOf.with("allowed", "delivered"))),
            (_, Some(p)) => p,
            (_, None) => engine::policy_for(db, &t, side)?,
        };
        let open = |l: &OrderLine| engine::due(l.ships, policy, l.quantity, l.cancelled, l.delivered, l.returned) - (l.invoiced - l.credited);
        let mut c = Checker::new();
        let requested: Vec<(i64, Decimal)> = match &a.lines {
            Some(ls) => ls.iter().map(|l| (l.line_id, l.quantity)).collect(),
            None => o
                .lines
                .iter()
                .filter_map(|l| {
                    let v = open(l);
                    if credit && v < Decimal::ZERO {
                        Some((l.id.0, -v))
                    } else if !credit && v > Decimal::ZERO {
                        Some((l.id.0, v))
                    } else {
                        None
                    }
                })
                .collect(),
        };
        if requested.is_empty() {
            c.push("lines", FieldCode::TooFewLines.with("min", 1));
        }
        let mut lines = Vec::new();
        let mut taxes = BTreeMap::new();
        let mut seen = Vec::new();
        for (i, (id, qty)) in requested.iter().enumerate() {
            let f = |k: &str| format!("lines.{i}.{k}");
            let Some(l) = o.lines.iter().find(|l| l.id.0 == *id) else {
                c.push(&f("line_id"), FieldCode::NotFound.with("entity", "order_line"));
                continue;
            };
            if seen.contains(id) {
                c.push(&f("line_id"), FieldCode::Repeated);
                continue;
            }
            seen.push(*id);
            if !check_qty(&mut c, &f("quantity"), *qty) {
                continue;
            }
            let left = if credit { (-open(l)).min(l.invoiced - l.credited) } else { open(l) };
            // A bill above what was received is written and flagged; posting it needs the
            // three-way-match override. Invoices and credit notes never exceed what is due.
            if *qty > left && (credit || side == Side::Sale) {
                c.push(&f("quantity"), FieldCode::ExceedsRemaining.with("remaining", left.max(Decimal::ZERO).normalize()).with("unit", l.unit_code.as_deref().unwrap_or("")));
                continue;
            }
            load_line_taxes(db, &t, &l.tax_ids, &mut taxes)?;
            lines.push(ResolvedLine {
                product: l.product_id,
                description: l.description.clone(),
                unit: l.unit_id,
                quantity: qty.normalize(),
                unit_price: l.unit_price,
                discount_bp: i64::try_from((l.discount * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0),
                tax_ids: l.tax_ids.clone(),
                order_line: Some(l.id),
                credited_line: None,
            });
        }
        c.finish()?;
        let date = a.date.unwrap_or_else(|| today(ctx).max(o.date));
        // The partner's own reference (their PO number) travels to the invoice; the order
        // number is on the invoice anyway (`order_number`).
        let reference = if o.reference.is_empty() { o.number.clone().unwrap_or_default() } else { o.reference.clone() };
        let h = NewInvoice {
            side,
            kind: if credit { InvoiceKind::Credit } else { InvoiceKind::Invoice },
            order: Some(o.id),
            credited: None,
            partner: o.partner_id,
            billing: o.billing_address_id,
            currency: &o.currency,
            rate: o.rate,
            date,
            due: due_date(date, o.payment_terms_days),
            reference: &reference,
            notes: "",
        };
        let id = write_invoice(ctx, &h, &lines, &taxes)?;
        engine::refresh_state(ctx.db(), &t, o.id)?;
        get_invoice(ctx.db(), &t, side, id)
    })
}

/// A free invoice (customer invoice or supplier bill without an order).
pub fn create_invoice(ctx: &mut Ctx<'_>, side: Side, a: InvoiceInput) -> Result<Invoice> {
    let key = a.idempotency_key.clone();
    super::idem::once(ctx, key.as_deref(), &format!("{}.create_invoice", side.module()), |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let mut c = Checker::new();
        let h = engine::resolve_header(db, &t, &mut c, side, a.partner_id, a.date, a.currency.as_deref(), a.rate, None, None, None, None, a.reference.as_deref(), a.notes.as_deref())?;
        let mut taxes = BTreeMap::new();
        let pc = engine::PriceCtx { partner: h.partner, currency: &h.currency, date: a.date, rate: h.rate };
        let lines = engine::resolve_lines(db, &t, &mut c, side, &pc, &a.lines, &mut taxes)?;
        let due = a.due_date.unwrap_or_else(|| due_date(a.date, h.terms));
        if due < a.date {
            c.push("due_date", FieldCode::OutOfRange.with("min", a.date).with("max", "…"));
        }
        c.finish()?;
        let n = NewInvoice {
            side,
            kind: InvoiceKind::Invoice,
            order: None,
            credited: None,
            partner: h.partner,
            billing: h.billing,
            currency: &h.currency,
            rate: h.rate,
            date: a.date,
            due,
            reference: &h.reference,
            notes: &h.notes,
        };
        let id = write_invoice(ctx, &n, &lines, &taxes)?;
        get_invoice(ctx.db(), &t, side, id)
    })
}

pub(crate) fn invoice_state(db: &Connection, t: &TenantCtx, side: Side, id: InvoiceId) -> Result<InvoiceState> {
    db.prepare_cached("SELECT state FROM trade_invoices WHERE tenant_id = ?1 AND id = ?2 AND side = ?3")?
        .query_row(params![t.tenant_id(), id, side], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(if side == Side::Sale { "invoice" } else { "bill" }, id))
}

/// Changes a draft invoice's date, due date, reference or notes.
pub fn update_invoice(ctx: &mut Ctx<'_>, side: Side, a: UpdateInvoiceArgs) -> Result<Invoice> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let state = invoice_state(db, &t, side, a.id)?;
    if state != InvoiceState::Draft {
        return Err(Error::refused(Reason::DocumentNotDraft.with("state", state.as_str())));
    }
    let inv = get_invoice(db, &t, side, a.id)?;
    let mut c = Checker::new();
    let date = a.date.unwrap_or(inv.date);
    let due = a.due_date.unwrap_or(if a.date.is_some() { date.max(inv.due_date) } else { inv.due_date });
    if due < date {
        c.push("due_date", FieldCode::OutOfRange.with("min", date).with("max", "…"));
    }
    let reference = c.optional("reference", a.reference.as_deref().unwrap_or(&inv.reference), 200);
    let notes = c.optional("notes", a.notes.as_deref().unwrap_or(&inv.notes), 5000);
    let mut new_lines = None;
    if let Some(input) = &a.lines {
        if inv.order_id.is_some() || inv.kind != InvoiceKind::Invoice {
            c.push("lines", FieldCode::Invalid.with("detail", "the lines of an invoice made from an order or a credit note follow their source"));
        } else {
            let mut taxes = BTreeMap::new();
            let pc = engine::PriceCtx { partner: inv.partner_id, currency: &inv.currency, date, rate: inv.rate };
            let lines = engine::resolve_lines(db, &t, &mut c, side, &pc, input, &mut taxes)?;
            new_lines = Some((lines, taxes));
        }
    }
    c.finish()?;
    if let Some((lines, taxes)) = new_lines {
        let calc = engine::compute(db, &t, &inv.currency, &lines, &taxes)?;
        let [net, tax, rounding, total] = engine::totals_params(&calc)?;
        let base = crate::accounting::chart::base_currency(db, &t)?;
        let half_even = engine::rounding_rule(db, &t)?.1 == crate::accounting::model::RoundingMode::HalfEven;
        db.prepare_cached("DELETE FROM trade_invoice_lines WHERE tenant_id = ?1 AND invoice_id = ?2")?.execute(params![t.tenant_id(), a.id])?;
        insert_invoice_lines(db, &t, a.id, inv.kind, &inv.currency, inv.rate, &lines, &calc, &base, half_even)?;
        engine::write_taxes(db, &t, "trade_invoice_taxes", "invoice_id", a.id.0, &calc)?;
        db.prepare_cached("UPDATE trade_invoices SET net = ?3, tax = ?4, rounding = ?5, total = ?6 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, net, tax, rounding, total])?;
    }
    db.prepare_cached("UPDATE trade_invoices SET date = ?3, due_date = ?4, reference = ?5, notes = ?6, updated_at = ?7 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, date, due, reference, notes, ctx.now])?;
    ctx.audit("trade_invoice", a.id, json!({"date": date, "due_date": due}));
    get_invoice(db, &t, side, a.id)
}

/// Cancels a draft invoice; its quantities become invoiceable again. A posted invoice is
/// corrected by a credit note instead.
pub fn cancel_invoice(ctx: &mut Ctx<'_>, side: Side, a: DocActionArgs) -> Result<Invoice> {
    let key = a.idempotency_key.clone();
    let name = if side == Side::Sale { "cancel_invoice" } else { "cancel_bill" };
    super::idem::once(ctx, key.as_deref(), &format!("{}.{name}", side.module()), |ctx| cancel_invoice_once(ctx, side, &a))
}

fn cancel_invoice_once(ctx: &mut Ctx<'_>, side: Side, a: &DocActionArgs) -> Result<Invoice> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let id = InvoiceId(a.id);
    let state = invoice_state(db, &t, side, id)?;
    if state != InvoiceState::Draft {
        return Err(Error::refused(Reason::InvalidTransition.with("from", state.as_str()).with("to", "cancelled")));
    }
    let inv = get_invoice(db, &t, side, id)?;
    for l in &inv.lines {
        if let Some(ol) = l.order_line_id {
            let col = if inv.kind == InvoiceKind::Invoice { "invoiced" } else { "credited" };
            db.prepare_cached(&format!("UPDATE trade_order_lines SET {col} = {col} - ?3 WHERE tenant_id = ?1 AND id = ?2"))?.execute(params![t.tenant_id(), ol, q_db("quantity", l.quantity)?])?;
        }
    }
    db.prepare_cached("UPDATE trade_invoices SET state = 'cancelled', updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, ctx.now])?;
    ctx.audit("trade_invoice", id, json!({"state": [state, InvoiceState::Cancelled]}));
    if let Some(o) = inv.order_id {
        engine::refresh_state(db, &t, o)?;
    }
    get_invoice(db, &t, side, id)
}

/// A draft credit note (debit note on the purchase side) for a posted invoice: all of
/// it, or some quantities of its lines; never more than what is not yet credited.
pub fn credit_invoice(ctx: &mut Ctx<'_>, side: Side, a: CreditInvoiceArgs) -> Result<Invoice> {
    let key = a.idempotency_key.clone();
    super::idem::once(ctx, key.as_deref(), &format!("{}.credit_invoice", side.module()), |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let inv = get_invoice(db, &t, side, a.invoice_id)?;
        if inv.state != InvoiceState::Posted || inv.kind != InvoiceKind::Invoice {
            return Err(Error::refused(Reason::InvalidTransition.with("from", inv.state.as_str()).with("to", "credited")));
        }
        let credited_of = |line: InvoiceLineId| -> Result<Decimal> {
            let v: i64 = db
                .prepare_cached(
                    "SELECT coalesce(sum(l.quantity), 0) FROM trade_invoice_lines l JOIN trade_invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
                     WHERE l.tenant_id = ?1 AND l.credited_line_id = ?2 AND i.state <> 'cancelled'",
                )?
                .query_row(params![t.tenant_id(), line], |r| r.get(0))?;
            Ok(money::from_db_at(v, QTY))
        };
        let mut c = Checker::new();
        let mut requested = Vec::new();
        match &a.lines {
            Some(ls) => requested.extend(ls.iter().map(|l| (l.line_id, l.quantity))),
            None => {
                for l in &inv.lines {
                    let left = l.quantity - credited_of(l.id)?;
                    if left > Decimal::ZERO {
                        requested.push((l.id.0, left));
                    }
                }
            }
        }
        if requested.is_empty() {
            c.push("lines", FieldCode::TooFewLines.with("min", 1));
        }
        let mut lines = Vec::new();
        let mut taxes = BTreeMap::new();
        for (i, (id, qty)) in requested.iter().enumerate() {
            let f = |k: &str| format!("lines.{i}.{k}");
            let Some(l) = inv.lines.iter().find(|l| l.id.0 == *id) else {
                c.push(&f("line_id"), FieldCode::NotFound.with("entity", "invoice_line"));
                continue;
            };
            if !check_qty(&mut c, &f("quantity"), *qty) {
                continue;
            }
            let left = l.quantity - credited_of(l.id)?;
            if *qty > left {
                c.push(&f("quantity"), FieldCode::ExceedsRemaining.with("remaining", left.normalize()).with("unit", l.unit_code.as_deref().unwrap_or("")));
                continue;
            }
            load_line_taxes(db, &t, &l.tax_ids, &mut taxes)?;
            lines.push(ResolvedLine {
                product: l.product_id,
                description: l.description.clone(),
                unit: l.unit_id,
                quantity: qty.normalize(),
                unit_price: l.unit_price,
                discount_bp: i64::try_from((l.discount * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0),
                tax_ids: l.tax_ids.clone(),
                order_line: l.order_line_id,
                credited_line: Some(l.id),
            });
        }
        c.finish()?;
        let date = a.date.unwrap_or_else(|| today(ctx).max(inv.date));
        let reference = inv.number.clone().unwrap_or_default();
        let h = NewInvoice {
            side,
            kind: InvoiceKind::Credit,
            order: inv.order_id,
            credited: Some(inv.id),
            partner: inv.partner_id,
            billing: inv.billing_address_id,
            currency: &inv.currency,
            rate: inv.rate,
            date,
            due: date,
            reference: &reference,
            notes: "",
        };
        let id = write_invoice(ctx, &h, &lines, &taxes)?;
        if let Some(o) = inv.order_id {
            engine::refresh_state(ctx.db(), &t, o)?;
        }
        get_invoice(ctx.db(), &t, side, id)
    })
}

// --- posting ----------------------------------------------------------------------------------

fn default_account(v: Option<AccountId>, key: &str) -> Result<AccountId> {
    v.ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", key)))
}

/// Posts a draft invoice or credit note: numbered from its series and posted to the
/// books in one transaction, with the totals the document shows:
/// - customer invoice: receivable (debit, the total) against income per account (the
///   nets), each tax's collected account, and the rounding account;
/// - supplier bill: goods received not billed for received stock (cleared at what the
///   receipts valued, any price difference to the purchase account), the purchase account
///   for the rest, each tax's paid account, against payable (credit, the total);
/// - credit and debit notes: the same, reversed.
///
/// A bill above what was received (three-way match) is refused unless `allow_over` is
/// given by someone with the override permission.
pub fn post_invoice(ctx: &mut Ctx<'_>, side: Side, a: DocActionArgs) -> Result<Invoice> {
    let key = a.idempotency_key.clone();
    let name = if side == Side::Sale { "post_invoice" } else { "post_bill" };
    super::idem::once(ctx, key.as_deref(), &format!("{}.{name}", side.module()), |ctx| {
        let t = ctx.tenant()?;
        let db = ctx.db();
        let id = InvoiceId(a.id);
        let state = invoice_state(db, &t, side, id)?;
        if state != InvoiceState::Draft {
            return Err(Error::refused(Reason::InvalidTransition.with("from", state.as_str()).with("to", "posted")));
        }
        crate::accounting::chart::require_chart(db, &t)?;
        let inv = get_invoice(db, &t, side, id)?;
        if inv.lines.is_empty() {
            return Err(Error::field("lines", FieldCode::TooFewLines.with("min", 1)));
        }
        // Three-way match: billed (with this bill) against received, per order line.
        let mut over: Vec<FieldError> = Vec::new();
        let mut order_lines: BTreeMap<OrderLineId, OrderLine> = BTreeMap::new();
        if let Some(oid) = inv.order_id {
            let o = engine::get_order(db, &t, side, oid)?;
            for l in o.lines {
                order_lines.insert(l.id, l);
            }
        }
        if side == Side::Purchase && inv.kind == InvoiceKind::Invoice {
            for (i, l) in inv.lines.iter().enumerate() {
                let Some(ol) = l.order_line_id.and_then(|x| order_lines.get(&x)) else { continue };
                let due = engine::due(ol.ships, InvoicePolicy::Delivered, ol.quantity, ol.cancelled, ol.delivered, ol.returned);
                let billed = ol.invoiced - ol.credited;
                if billed > due {
                    let remaining = (due - (billed - l.quantity)).max(Decimal::ZERO);
                    over.push(FieldError::new(
                        format!("lines.{i}.quantity"),
                        FieldCode::ExceedsRemaining.with("remaining", remaining.normalize()).with("unit", l.unit_code.as_deref().unwrap_or("")),
                    ));
                }
            }
            if !over.is_empty() && !(a.allow_over == Some(true) && ctx.has_permission(super::ACCEPT_OVER)?) {
                return Err(Error::Validation { reason: Reason::BilledAboveReceived.into(), fields: over });
            }
        }
        let settings = crate::accounting::chart::get_settings(db, &t)?;
        let d = &settings.defaults;
        let base = settings.base_currency.clone();
        let foreign = inv.currency != base;
        let half_even = settings.tax_rounding_mode == crate::accounting::model::RoundingMode::HalfEven;
        let conv = |field: &str, v: Decimal| -> Result<Decimal> { if foreign { money::round_money(field, arith::mul(field, v, inv.rate)?, &base, half_even) } else { Ok(v) } };
        // Signed amounts (debit positive) in document currency per account, with taxes apart.
        let sign = match (side, inv.kind) {
            (Side::Sale, InvoiceKind::Invoice) | (Side::Purchase, InvoiceKind::Credit) => Decimal::NEGATIVE_ONE,
            _ => Decimal::ONE,
        };
        let (control, journal_kind) = match side {
            Side::Sale => (default_account(d.receivable, "receivable")?, JournalKind::Sales),
            Side::Purchase => (default_account(d.payable, "payable")?, JournalKind::Purchase),
        };
        // (account, tax) → (document amount, base amount, tax base in base)
        let mut out: Vec<(AccountId, Decimal, Decimal, Option<TaxId>, Option<Decimal>, String)> = Vec::new();
        let mut by_account: BTreeMap<AccountId, (Decimal, Decimal)> = BTreeMap::new();
        for l in &inv.lines {
            let ol = l.order_line_id.and_then(|x| order_lines.get(&x));
            let net_base = conv("net", l.net)?;
            match side {
                Side::Sale => {
                    let e = by_account.entry(default_account(d.sales, "sales")?).or_default();
                    e.0 = arith::add("net", e.0, l.net)?;
                    e.1 = arith::add("net", e.1, net_base)?;
                }
                Side::Purchase => {
                    let purchase = default_account(d.purchase, "purchase")?;
                    match ol.filter(|ol| ol.ships) {
                        Some(ol) if ol.delivered - ol.returned > Decimal::ZERO => {
                            // Clear GRNI at what the receipts valued this quantity.
                            let grni = default_account(d.grni, "grni")?;
                            let rv: i64 = db.prepare_cached("SELECT received_value FROM trade_order_lines WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), ol.id], |r| r.get(0))?;
                            let per = arith::div("net", money::from_db(rv), ol.delivered - ol.returned)?;
                            let at_receipt = money::round_money("net", arith::mul("net", per, l.quantity)?, &base, half_even)?;
                            let e = by_account.entry(grni).or_default();
                            e.1 = arith::add("net", e.1, at_receipt)?;
                            let diff = arith::sub("net", net_base, at_receipt)?;
                            let e = by_account.entry(purchase).or_default();
                            e.1 = arith::add("net", e.1, diff)?;
                            // The document-currency amount goes with the GRNI line.
                            let e = by_account.entry(grni).or_default();
                            e.0 = arith::add("net", e.0, l.net)?;
                        }
                        _ => {
                            let e = by_account.entry(purchase).or_default();
                            e.0 = arith::add("net", e.0, l.net)?;
                            e.1 = arith::add("net", e.1, net_base)?;
                        }
                    }
                }
            }
        }
        let label = format!("{} {}", if side == Side::Sale { "Invoice" } else { "Bill" }, inv.partner_name);
        for (acc, (doc, b)) in by_account {
            out.push((acc, doc, b, None, None, label.clone()));
        }
        for x in &inv.taxes {
            let tax = crate::accounting::tax::get_tax(db, &t, x.tax_id)?;
            let acc = match side {
                Side::Sale => tax.collected_account_id,
                Side::Purchase => tax.paid_account_id,
            }
            .ok_or_else(|| Error::refused(Reason::DefaultAccountMissing.with("default", format!("tax {}", tax.code))))?;
            out.push((acc, x.amount, conv("tax", x.amount)?, Some(x.tax_id), Some(conv("tax", x.base)?), tax.name.clone()));
        }
        if !inv.rounding.is_zero() {
            out.push((default_account(d.rounding, "rounding")?, inv.rounding, conv("rounding", inv.rounding)?, None, None, "Rounding".into()));
        }
        let mut lines: Vec<LineDraft> = Vec::new();
        let mut base_sum = Decimal::ZERO;
        let to_line = |acc: AccountId, doc: Decimal, b: Decimal, tax: Option<TaxId>, tax_base: Option<Decimal>, text: String, partner: Option<crate::partners::model::PartnerId>| LineDraft {
            account_id: Some(acc),
            partner_id: partner,
            description: text,
            debit: b.max(Decimal::ZERO),
            credit: (-b).max(Decimal::ZERO),
            currency: if foreign { Some(inv.currency.clone()) } else { None },
            amount_currency: if foreign { Some(doc) } else { None },
            tax_id: tax,
            tax_base,
        };
        for (acc, doc, b, tax, tb, text) in out {
            let (doc, b) = (arith::mul("total", doc, sign)?, arith::mul("total", b, sign)?);
            if b.is_zero() {
                continue;
            }
            base_sum = arith::add("total", base_sum, b)?;
            lines.push(to_line(acc, doc, b, tax, tb.map(|v| v.abs()), text, None));
        }
        // The control line takes the total; in base currency it balances the others.
        let control_doc = arith::mul("total", inv.total, -sign)?;
        let control_base = -base_sum;
        if !control_base.is_zero() {
            lines.push(to_line(control, control_doc, control_base, None, None, label.clone(), Some(inv.partner_id)));
        }
        let (series, prefix) = side.invoice_series(inv.kind);
        let number = crate::sequence::next(db, &t, series, prefix, 5)?;
        let entry = if lines.len() >= 2 {
            let journal = crate::accounting::journals::by_kind(db, &t, journal_kind)?;
            let draft = EntryDraft { journal_id: journal, date: inv.date, reference: number.clone(), memo: format!("{number} {}", inv.partner_name), lines };
            let kind = if inv.kind == InvoiceKind::Invoice { "invoice" } else { "credit" };
            Some(crate::accounting::ledger::post(ctx, draft, Source { module: side.module().into(), kind: kind.into(), id: Some(id.0) })?.id)
        } else {
            None
        };
        let db = ctx.db();
        if let Some(e) = entry {
            // The receivable or payable item falls due when the invoice does.
            db.prepare_cached("UPDATE open_items SET due_date = ?3 WHERE tenant_id = ?1 AND entry_id = ?2")?.execute(params![t.tenant_id(), e, inv.due_date])?;
        }
        db.prepare_cached("UPDATE trade_invoices SET state = 'posted', number = ?3, entry_id = ?4, posted_at = ?5, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
            .execute(params![t.tenant_id(), id, number, entry, ctx.now])?;
        ctx.audit("trade_invoice", id, json!({"state": [state, InvoiceState::Posted], "number": number, "entry": entry}));
        // A credit note settles what it can of the invoice it credits.
        if let (Some(e), Some(orig)) = (entry, inv.credited_invoice_id) {
            let orig_entry: Option<crate::accounting::model::EntryId> =
                ctx.db().prepare_cached("SELECT entry_id FROM trade_invoices WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), orig], |r| r.get(0))?;
            if let Some(oe) = orig_entry {
                crate::finance::items::settle_entries(ctx, oe, e)?;
            }
        }
        if let Some(o) = inv.order_id {
            engine::refresh_state(ctx.db(), &t, o)?;
        }
        get_invoice(ctx.db(), &t, side, id)
    })
}

// --- reading ----------------------------------------------------------------------------------

pub fn get_invoice(db: &Connection, t: &TenantCtx, side: Side, id: InvoiceId) -> Result<Invoice> {
    let mut inv = db
        .prepare_cached(
            "SELECT i.id, i.side, i.kind, i.state, i.number, i.order_id, o.number, i.credited_invoice_id, i.partner_id, p.name, i.billing_address_id, i.currency, i.rate,
                i.date, i.due_date, i.reference, i.notes, i.net, i.tax, i.rounding, i.total, i.entry_id,
                (SELECT sum(oi.open_amount) FROM open_items oi WHERE oi.tenant_id = i.tenant_id AND oi.entry_id = i.entry_id)
             FROM trade_invoices i JOIN partners p ON p.tenant_id = i.tenant_id AND p.id = i.partner_id
             LEFT JOIN trade_orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
             WHERE i.tenant_id = ?1 AND i.id = ?2 AND i.side = ?3",
        )?
        .query_row(params![t.tenant_id(), id, side], |r| {
            Ok(Invoice {
                id: r.get(0)?,
                side: r.get(1)?,
                kind: r.get(2)?,
                state: r.get(3)?,
                number: r.get(4)?,
                order_id: r.get(5)?,
                order_number: r.get(6)?,
                credited_invoice_id: r.get(7)?,
                partner_id: r.get(8)?,
                partner_name: r.get(9)?,
                billing_address_id: r.get(10)?,
                currency: r.get(11)?,
                rate: money::from_db_at(r.get(12)?, money::RATE_SCALE),
                date: r.get(13)?,
                due_date: r.get(14)?,
                reference: r.get(15)?,
                notes: r.get(16)?,
                net: money::from_db(r.get(17)?),
                tax: money::from_db(r.get(18)?),
                rounding: money::from_db(r.get(19)?),
                total: money::from_db(r.get(20)?),
                taxes: Vec::new(),
                entry_id: r.get(21)?,
                open_amount: r.get::<_, Option<i64>>(22)?.map(|v| money::from_db(v).abs()),
                pay_state: None,
                lines: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(if side == Side::Sale { "invoice" } else { "bill" }, id))?;
    inv.pay_state = inv.open_amount.map(|o| crate::finance::items::pay_state(inv.total, o));
    let mut st = db.prepare_cached(
        "SELECT l.id, l.line_no, l.order_line_id, l.product_id, p.sku, l.description, l.unit_id, u.code, l.quantity, l.unit_price, l.discount_bp, l.net, l.tax, l.gross,
            (SELECT coalesce(sum(c.quantity), 0) FROM trade_invoice_lines c JOIN trade_invoices ci ON ci.tenant_id = c.tenant_id AND ci.id = c.invoice_id
             WHERE c.tenant_id = l.tenant_id AND c.credited_line_id = l.id AND ci.state <> 'cancelled')
         FROM trade_invoice_lines l
         LEFT JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
         LEFT JOIN units u ON u.tenant_id = l.tenant_id AND u.id = l.unit_id
         WHERE l.tenant_id = ?1 AND l.invoice_id = ?2 ORDER BY l.line_no",
    )?;
    let rows = st.query_map(params![t.tenant_id(), id], |r| {
        Ok(InvoiceLine {
            id: r.get(0)?,
            line_no: r.get(1)?,
            order_line_id: r.get(2)?,
            product_id: r.get(3)?,
            sku: r.get(4)?,
            description: r.get(5)?,
            unit_id: r.get(6)?,
            unit_code: r.get(7)?,
            quantity: money::from_db_at(r.get(8)?, QTY),
            unit_price: money::from_db_at(r.get(9)?, PRICE),
            discount: Decimal::new(r.get(10)?, 2).normalize(),
            tax_ids: Vec::new(),
            net: money::from_db(r.get(11)?),
            tax: money::from_db(r.get(12)?),
            gross: money::from_db(r.get(13)?),
            credited: money::from_db_at(r.get(14)?, QTY),
        })
    })?;
    inv.lines = rows.collect::<rusqlite::Result<_>>()?;
    let mut taxes = engine::taxes_by_line(db, t, "trade_invoice_line_taxes", "trade_invoice_lines", "invoice_id", id.0)?;
    for l in &mut inv.lines {
        l.tax_ids = taxes.remove(&l.id.0).unwrap_or_default();
    }
    inv.taxes = engine::read_taxes(db, t, "trade_invoice_taxes", "invoice_id", id.0)?;
    Ok(inv)
}

const INVOICE_SORTS: &[crate::list::Sort] = &[
    crate::list::Sort { key: "date", sql: "i.date" },
    crate::list::Sort { key: "number", sql: "coalesce(i.number, '')" },
    crate::list::Sort { key: "total", sql: "i.total" },
    crate::list::Sort { key: "partner", sql: "p.name" },
    crate::list::Sort { key: "due_date", sql: "i.due_date" },
];

pub fn list_invoices(db: &Connection, t: &TenantCtx, side: Side, a: &ListDocsArgs) -> Result<crate::list::Page<InvoiceRow>> {
    use rusqlite::types::Value as V;
    let q = crate::list::ListQuery { search: None, sort: a.sort.clone(), desc: Some(a.desc.unwrap_or(a.sort.is_none())), limit: a.limit, cursor: a.cursor.clone(), include_archived: None };
    let plan = crate::list::ListPlan::new(&q, INVOICE_SORTS)?;
    let mut f = engine::doc_filter(t, side, a, "i", &["draft", "posted", "cancelled"])?;
    if let Some(k) = a.kind {
        f.params.push(V::Text(k.as_str().into()));
        f.sql.push_str(&format!(" AND i.kind = ?{}", f.params.len()));
    }
    if a.open.is_some() {
        return Err(Error::field("open", FieldCode::NotOneOf.with("allowed", "")));
    }
    let from = "trade_invoices i JOIN partners p ON p.tenant_id = i.tenant_id AND p.id = i.partner_id LEFT JOIN trade_orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id";
    let total: i64 = db.prepare(&format!("SELECT count(*) FROM {from} WHERE {}", f.sql))?.query_row(rusqlite::params_from_iter(f.params.iter()), |r| r.get(0))?;
    let n = f.params.len();
    let (kv, kid) = plan.keyset_params();
    f.params.push(kv);
    f.params.push(V::Integer(kid));
    f.params.push(V::Integer(plan.fetch_limit()));
    let sql = format!(
        "SELECT i.id, i.kind, i.state, i.number, i.partner_id, p.name, o.number, i.date, i.due_date, i.currency, i.total, i.reference,
                (SELECT sum(oi.open_amount) FROM open_items oi WHERE oi.tenant_id = i.tenant_id AND oi.entry_id = i.entry_id), {sort}
         FROM {from} WHERE {w} AND {ks} ORDER BY {ord} LIMIT ?{lim}",
        sort = plan.sort.sql,
        w = f.sql,
        ks = plan.keyset_sql("i.id", n + 1),
        ord = plan.order_sql("i.id"),
        lim = n + 3
    );
    let rows: Vec<(InvoiceRow, V, i64)> = db
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(f.params.iter()), |r| {
            let id: i64 = r.get(0)?;
            Ok((
                InvoiceRow {
                    id: InvoiceId(id),
                    kind: r.get(1)?,
                    state: r.get(2)?,
                    number: r.get(3)?,
                    partner_id: r.get(4)?,
                    partner_name: r.get(5)?,
                    order_number: r.get(6)?,
                    date: r.get(7)?,
                    due_date: r.get(8)?,
                    currency: r.get(9)?,
                    total: money::from_db(r.get(10)?),
                    reference: r.get(11)?,
                    open_amount: r.get::<_, Option<i64>>(12)?.map(|v| money::from_db(v).abs()),
                    pay_state: None,
                },
                r.get(13)?,
                id,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = rows;
    for (row, _, _) in rows.iter_mut() {
        row.pay_state = row.open_amount.map(|o| crate::finance::items::pay_state(row.total, o));
    }
    Ok(plan.finish(rows, total))
}
