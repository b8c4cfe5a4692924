//! Stocktaking: physical inventory counts, posted as one adjustment through the engine.
//!
//! A count covers one warehouse: all its internal locations, or one location and the ones
//! under it, and optionally only the products of one category (and its subcategories).
//!
//! Invariants (enforced here, and by SQLite where it can be — V11):
//! - **Expected quantities are frozen at the start.** [`create`] writes one line per
//!   (product, internal location, lot) of the scope with a quantity on hand other than
//!   zero, holding that quantity as `expected`, in the transaction that starts the count.
//!   A count is never a draft: it starts `in_progress` when created.
//! - **Counts are entered as a batch** ([`set_counts`]): a line by id, or a product by id or
//!   by the barcode (EAN-13/UPC-A) or SKU a scanner typed, at a location and lot of the
//!   scope; a product not on the sheet gets a line with expected 0. A count replaces the
//!   line's counted quantity, or adds to it (`add`: a scan counts one more); null clears
//!   it. Counted quantities are never negative, have at most the product's unit's decimals,
//!   and a serial is counted 0 or 1. A tracked product's line names its lot; an untracked
//!   product's names none; kits hold no stock and are not counted.
//! - **Moves during the count are accounted for**, exactly, without clocks: when a count
//!   is entered, the line also keeps `book_at_count`, the quantity on hand at that moment
//!   (read in the same transaction as the count, and quantities on hand are maintained in
//!   the transaction of every done move). So what the counter saw includes every move done
//!   between the start and the count (book_at_count − expected of them), and the
//!   adjustment posted for a line is `counted − book_at_count`: the moves done after the
//!   count stay applied on top. After posting, on hand = counted + the net moves done
//!   since the line was counted. `expected` (frozen at the start) is shown for reference.
//! - **Posting is one adjustment picking in one transaction** ([`post`]): the count takes
//!   its number from the warehouse's `CNT` series (`WH/CNT/00001`); every counted line
//!   whose difference is not zero becomes one move of one adjustment picking (a loss from
//!   its location to Inventory loss, a gain the other way, with its lot), created with
//!   [`super::engine::create_picking`] and made effective with [`super::engine::done`] —
//!   so stock, valuation (gains enter at the average) and the stock journal entry
//!   (inventory ↔ the loss/gain account) all go through the one engine. Lines without a
//!   difference move nothing; a count without any difference posts no picking. Lines not
//!   counted are left as they are, or counted as zero when the caller says so
//!   (`zero_uncounted`, their book read at posting). A refusal of the engine (negative
//!   stock, a serial in two places, an archived product, the stock journal's date order)
//!   names the sheet's line (`lines.N.*`, N the line's index in the sheet) and writes
//!   nothing.
//! - **Workflow as data:** in_progress → done, in_progress → cancelled ([`TRANSITIONS`]);
//!   a done or cancelled count and its lines never change and counts are never deleted
//!   (triggers). Entering counts on a closed count is refused (`count_closed`).
//! - **One running count per place.** A count is refused while another running count of
//!   the warehouse covers an overlapping location subtree for overlapping products (no
//!   category on either, or one category within the other), so stock is never adjusted
//!   twice for one physical count (`count_overlap`).
//! - **Blind counts** hide, while they run, `expected`, `book_at_count`, the difference and
//!   the value from every sheet answer ([`get`], [`set_counts`]), unless the caller asks
//!   to review (`review: true`) and holds `inventory.change_setup` (asking without it is
//!   `forbidden`). Once done or cancelled nothing is hidden. This keeps the counter
//!   unbiased on the sheet; it is not a secret (`stock.on_hand` shows stock to whoever may
//!   see it).
//! - **Value** (difference × the product's average cost now; once done, what the posted
//!   move moved) is shown only to callers holding `inventory.view_valuation`.
//! - **Isolation**: every table carries `tenant_id` with composite foreign keys; a count's
//!   location is one of its warehouse's (by foreign key), lines name the company's
//!   products, locations and lots of that product.

use super::commands::{CHANGE_SETUP, VIEW_VALUATION};
use super::model::*;
use super::{engine, places};
use crate::catalog::model::{CategoryId, ProductId, ProductKind};
use crate::command::{Ctx, TenantCtx};
use crate::validate::Checker;
use crate::{Error, FieldCode, FieldError, Reason, Result, arith, keys, money};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// The allowed (from, to) state changes of a count; [`transition`] refuses the rest.
pub const TRANSITIONS: &[(CountState, CountState)] = &[(CountState::InProgress, CountState::Done), (CountState::InProgress, CountState::Cancelled)];

pub fn transition(from: CountState, to: CountState) -> Result<()> {
    if TRANSITIONS.contains(&(from, to)) {
        Ok(())
    } else {
        Err(Error::refused(Reason::InvalidTransition.with("from", from.as_str()).with("to", to.as_str())))
    }
}

/// At most this many entries per `count.set_counts` call.
pub const MAX_ENTRIES: usize = 10_000;

struct Head {
    state: CountState,
    warehouse: WarehouseId,
    location: LocationId,
    path: String,
    category: Option<CategoryId>,
    blind: bool,
}

fn head(db: &Connection, t: &TenantCtx, id: CountId) -> Result<Head> {
    db.prepare_cached(
        "SELECT c.state, c.warehouse_id, c.location_id, l.path, c.category_id, c.blind FROM stock_counts c
         JOIN stock_locations l ON l.tenant_id = c.tenant_id AND l.id = c.location_id WHERE c.tenant_id = ?1 AND c.id = ?2",
    )?
    .query_row(params![t.tenant_id(), id], |r| Ok(Head { state: r.get(0)?, warehouse: r.get(1)?, location: r.get(2)?, path: r.get(3)?, category: r.get(4)?, blind: r.get(5)? }))
    .optional()?
    .ok_or_else(|| Error::not_found("stock_count", id))
}

/// A category and every category under it.
fn category_subtree(db: &Connection, t: &TenantCtx, cat: CategoryId) -> Result<Vec<CategoryId>> {
    let mut st = db.prepare_cached(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE tenant_id = ?1 AND id = ?2
            UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id WHERE c.tenant_id = ?1)
         SELECT id FROM sub",
    )?;
    let rows = st.query_map(params![t.tenant_id(), cat], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn in_category(db: &Connection, t: &TenantCtx, product: ProductId, cat: CategoryId) -> Result<bool> {
    let pc: Option<CategoryId> = db.prepare_cached("SELECT category_id FROM products WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product], |r| r.get(0))?;
    Ok(match pc {
        None => false,
        Some(pc) => category_subtree(db, t, cat)?.contains(&pc),
    })
}

// --- starting -------------------------------------------------------------------------------

/// Starts a count: checks the scope, refuses an overlap with a running count, and freezes
/// the expected quantities of the scope into its lines.
pub fn create(ctx: &mut Ctx<'_>, a: CreateCountArgs) -> Result<StockCount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let mut c = Checker::new();
    let warehouse = places::active_warehouse(db, &t, &mut c, a.warehouse_id)?;
    let location = match a.location_id {
        None => warehouse.as_ref().map(|w| w.root_location_id),
        Some(l) => match places::get_location(db, &t, l) {
            Ok(loc) if loc.kind != LocationKind::Internal => {
                c.push("location_id", FieldCode::WrongLocationKind.with("kind", "stock_count").with("expected", "internal"));
                None
            }
            Ok(loc) if warehouse.as_ref().is_some_and(|w| loc.warehouse_id != Some(w.id)) => {
                c.push("location_id", FieldCode::NotInCountScope.with("entity", "location").with("value", &loc.full_name));
                None
            }
            Ok(loc) if loc.archived => {
                c.push("location_id", FieldCode::Archived);
                None
            }
            Ok(loc) => Some(loc.id),
            Err(Error::NotFound { .. }) => {
                c.push("location_id", FieldCode::NotFound.with("entity", "location"));
                None
            }
            Err(e) => return Err(e),
        },
    };
    if let Some(cat) = a.category_id
        && !db.prepare_cached("SELECT 1 FROM categories WHERE tenant_id = ?1 AND id = ?2")?.exists(params![t.tenant_id(), cat])?
    {
        c.push("category_id", FieldCode::NotFound.with("entity", "category"));
    }
    let note = c.optional("note", a.note.as_deref().unwrap_or(""), 500);
    c.finish()?;
    let (Some(warehouse), Some(location)) = (warehouse, location) else {
        return Err(Error::Internal("count scope".into()));
    };
    let path = places::location_path(db, &t, location)?;
    check_overlap(db, &t, warehouse.id, &path, a.category_id)?;
    db.prepare_cached(
        "INSERT INTO stock_counts (tenant_id, warehouse_id, location_id, category_id, blind, state, note, started_at, started_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'in_progress', ?6, ?7, ?8, ?7)",
    )?
    .execute(params![t.tenant_id(), warehouse.id, location, a.category_id, a.blind.unwrap_or(false), note, ctx.now, user])?;
    let id = CountId(db.last_insert_rowid());
    // Freeze: every quantity on hand of the scope (stockable products of the category).
    let cats: Option<String> = match a.category_id {
        None => None,
        Some(cat) => Some(serde_json::to_string(&category_subtree(db, &t, cat)?.iter().map(|c| c.0).collect::<Vec<_>>()).map_err(|e| Error::Internal(e.to_string()))?),
    };
    let lines = db
        .prepare_cached(
            "INSERT INTO stock_count_lines (tenant_id, count_id, product_id, location_id, lot_id, expected)
             SELECT q.tenant_id, ?2, q.product_id, q.location_id, q.lot_id, q.quantity FROM stock_quants q
             JOIN stock_locations l ON l.tenant_id = q.tenant_id AND l.id = q.location_id
             JOIN products p ON p.tenant_id = q.tenant_id AND p.id = q.product_id
             WHERE q.tenant_id = ?1 AND q.quantity <> 0 AND l.kind = 'internal' AND substr(l.path, 1, length(?3)) = ?3
               AND (?4 IS NULL OR p.category_id IN (SELECT value FROM json_each(?4)))
             ORDER BY l.path, p.sku_key, q.lot_id",
        )?
        .execute(params![t.tenant_id(), id, path, cats])?;
    ctx.audit("stock_count", id, json!({"state": CountState::InProgress, "warehouse": warehouse.code, "location": location, "category": a.category_id, "blind": a.blind.unwrap_or(false), "lines": lines}));
    let show_value = ctx.has_permission(VIEW_VALUATION)?;
    get_count(db, &t, id, a.blind.unwrap_or(false), show_value)
}

/// Refuses a count whose places and products overlap a running count of the warehouse.
fn check_overlap(db: &Connection, t: &TenantCtx, warehouse: WarehouseId, path: &str, category: Option<CategoryId>) -> Result<()> {
    let running: Vec<(CountId, String, String, Option<CategoryId>)> = db
        .prepare_cached(
            "SELECT c.id, l.path, l.full_name, c.category_id FROM stock_counts c JOIN stock_locations l ON l.tenant_id = c.tenant_id AND l.id = c.location_id
             WHERE c.tenant_id = ?1 AND c.warehouse_id = ?2 AND c.state = 'in_progress' ORDER BY c.id",
        )?
        .query_map(params![t.tenant_id(), warehouse], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, other_path, other_name, other_cat) in running {
        if !(other_path.starts_with(path) || path.starts_with(&other_path)) {
            continue;
        }
        let products_overlap = match (category, other_cat) {
            (Some(a), Some(b)) => category_subtree(db, t, a)?.contains(&b) || category_subtree(db, t, b)?.contains(&a),
            _ => true,
        };
        if products_overlap {
            return Err(Error::refused(Reason::CountOverlap.with("location", other_name).with("count", id)));
        }
    }
    Ok(())
}

// --- counting -------------------------------------------------------------------------------

/// The line a count entry names, after its checks; `None` when an error was pushed.
#[allow(clippy::too_many_arguments)]
fn resolve_entry(db: &Connection, t: &TenantCtx, c: &mut Checker, h: &Head, id: CountId, i: usize, e: &CountEntry, now: chrono::DateTime<chrono::Utc>) -> Result<Option<(CountLineId, u32, Tracking, String)>> {
    let f = |name: &str| format!("entries.{i}.{name}");
    if let Some(line) = e.line_id {
        let found: Option<(u32, Tracking, String)> = db
            .prepare_cached(
                "SELECT u.decimals, p.tracking, p.sku FROM stock_count_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
                 JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id WHERE l.tenant_id = ?1 AND l.count_id = ?2 AND l.id = ?3",
            )?
            .query_row(params![t.tenant_id(), id, line], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        return Ok(match found {
            Some((d, tr, sku)) => Some((line, d, tr, sku)),
            None => {
                c.push(&f("line_id"), FieldCode::NotFound.with("entity", "count_line"));
                None
            }
        });
    }
    // The product: by id, or by the barcode or SKU typed.
    let (pid, pfield) = match (e.product_id, e.code.as_deref().map(str::trim)) {
        (Some(p), _) => (p, f("product_id")),
        (None, Some(code)) if !code.is_empty() => {
            if code.chars().count() > 200 || code.chars().any(char::is_control) {
                c.push(&f("code"), FieldCode::NotFound.with("entity", "product"));
                return Ok(None);
            }
            let found: Option<ProductId> = db
                .prepare_cached("SELECT id FROM products WHERE tenant_id = ?1 AND (barcode = ?2 OR sku_key = ?3) ORDER BY barcode = ?2 DESC, id LIMIT 1")?
                .query_row(params![t.tenant_id(), code, keys::fold(code)], |r| r.get(0))
                .optional()?;
            match found {
                Some(p) => (p, f("code")),
                None => {
                    c.push(&f("code"), FieldCode::NotFound.with("entity", "product").with("value", code));
                    return Ok(None);
                }
            }
        }
        _ => {
            c.push(&f("product_id"), FieldCode::Required);
            return Ok(None);
        }
    };
    let product = match crate::catalog::transactable_product(db, t, pid, &pfield) {
        Ok(p) => p,
        Err(Error::Validation { fields, .. }) if !fields.is_empty() => {
            c.errors.extend(fields);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if product.is_kit {
        c.push(&pfield, FieldCode::KitHoldsNoStock.with("sku", &product.sku));
        return Ok(None);
    }
    if product.kind != ProductKind::Stockable {
        c.push(&pfield, FieldCode::NotStockable.with("sku", &product.sku).with("kind", product.kind.as_str()));
        return Ok(None);
    }
    if let Some(cat) = h.category
        && !in_category(db, t, product.id, cat)?
    {
        c.push(&pfield, FieldCode::NotInCountScope.with("entity", "product").with("value", &product.sku));
        return Ok(None);
    }
    // The location: one of the scope's internal locations.
    let location = e.location_id.unwrap_or(h.location);
    match places::get_location(db, t, location) {
        Ok(l) if l.kind == LocationKind::Internal && places::location_path(db, t, l.id)?.starts_with(&h.path) => {
            if l.archived {
                c.push(&f("location_id"), FieldCode::Archived);
                return Ok(None);
            }
        }
        Ok(l) => {
            c.push(&f("location_id"), FieldCode::NotInCountScope.with("entity", "location").with("value", l.full_name));
            return Ok(None);
        }
        Err(Error::NotFound { .. }) => {
            c.push(&f("location_id"), FieldCode::NotFound.with("entity", "location"));
            return Ok(None);
        }
        Err(e) => return Err(e),
    }
    // The lot: a tracked product's line names one; a new code is found stock.
    let tracking = engine::tracking_of(db, t, product.id)?;
    let lot_code = e.lot_code.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let lot = match tracking {
        Tracking::None => {
            if e.lot_id.is_some() || lot_code.is_some() {
                c.push(&f(if e.lot_id.is_some() { "lot_id" } else { "lot_code" }), FieldCode::LotNotTracked.with("sku", &product.sku));
                return Ok(None);
            }
            None
        }
        _ => match (e.lot_id, lot_code) {
            (Some(l), _) => {
                if !db.prepare_cached("SELECT 1 FROM stock_lots WHERE tenant_id = ?1 AND product_id = ?2 AND id = ?3")?.exists(params![t.tenant_id(), product.id, l])? {
                    c.push(&f("lot_id"), FieldCode::NotFound.with("entity", "lot"));
                    return Ok(None);
                }
                Some(l)
            }
            (None, Some(code)) => {
                let code = c.required(&f("lot_code"), code, 100);
                if code.is_empty() || code.chars().count() > 100 || code.chars().any(char::is_control) {
                    return Ok(None);
                }
                match engine::find_lot(db, t, product.id, &code)? {
                    Some(l) => Some(l),
                    None => Some(engine::insert_lot(db, t, product.id, &code, None, now)?),
                }
            }
            (None, None) => {
                c.push(&f("lot_code"), FieldCode::LotRequired.with("sku", &product.sku).with("tracking", tracking.as_str()));
                return Ok(None);
            }
        },
    };
    let decimals: u32 = db.prepare_cached("SELECT decimals FROM units WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), product.unit_id], |r| r.get(0))?;
    let existing: Option<CountLineId> = db
        .prepare_cached("SELECT id FROM stock_count_lines WHERE tenant_id = ?1 AND count_id = ?2 AND product_id = ?3 AND location_id = ?4 AND coalesce(lot_id, 0) = coalesce(?5, 0)")?
        .query_row(params![t.tenant_id(), id, product.id, location, lot], |r| r.get(0))
        .optional()?;
    let line = match existing {
        Some(l) => l,
        None => {
            db.prepare_cached("INSERT INTO stock_count_lines (tenant_id, count_id, product_id, location_id, lot_id, expected, added) VALUES (?1, ?2, ?3, ?4, ?5, 0, 1)")?
                .execute(params![t.tenant_id(), id, product.id, location, lot])?;
            CountLineId(db.last_insert_rowid())
        }
    };
    Ok(Some((line, decimals, tracking, product.sku)))
}

/// Enters a batch of counts; returns each entry's line, in order.
pub fn set_counts(ctx: &mut Ctx<'_>, a: SetCountsArgs) -> Result<Vec<CountLine>> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let h = head(db, &t, a.id)?;
    if h.state != CountState::InProgress {
        return Err(Error::refused(Reason::CountClosed.with("state", h.state.as_str())));
    }
    let mut c = Checker::new();
    if a.entries.is_empty() {
        c.push("entries", FieldCode::TooFewLines.with("min", 1));
    }
    if a.entries.len() > MAX_ENTRIES {
        return Err(Error::field("entries", FieldCode::OutOfRange.with("min", 1).with("max", MAX_ENTRIES)));
    }
    let mut touched: Vec<CountLineId> = Vec::new();
    for (i, e) in a.entries.iter().enumerate() {
        let field = format!("entries.{i}.counted");
        // The quantity's own checks first, so a bad one adds no line.
        let qty = match e.counted {
            None => None,
            Some(q) if q.is_sign_negative() && !q.is_zero() => {
                c.push(&field, FieldCode::Negative);
                continue;
            }
            Some(q) => Some(q),
        };
        let Some((line, decimals, tracking, sku)) = resolve_entry(db, &t, &mut c, &h, a.id, i, e, ctx.now)? else { continue };
        let new = match qty {
            None => None,
            Some(q) => {
                if q.normalize().scale() > decimals {
                    c.push(&field, FieldCode::TooManyDecimals.with("max", decimals));
                    continue;
                }
                let q = if e.add.unwrap_or(false) {
                    let old: Option<i64> = db.prepare_cached("SELECT counted FROM stock_count_lines WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), line], |r| r.get(0))?;
                    arith::add(&field, arith::from_scaled(old.unwrap_or(0), QTY_SCALE), q)?
                } else {
                    q
                };
                if tracking == Tracking::Serial && q != Decimal::ZERO && q != Decimal::ONE {
                    c.push(&field, FieldCode::SerialCount.with("sku", &sku));
                    continue;
                }
                match arith::to_scaled(&field, q, QTY_SCALE) {
                    Ok(v) => Some(v),
                    Err(Error::Validation { fields, .. }) => {
                        c.errors.extend(fields);
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let (product, location, lot): (ProductId, LocationId, Option<LotId>) = db
            .prepare_cached("SELECT product_id, location_id, lot_id FROM stock_count_lines WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![t.tenant_id(), line], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        match new {
            None => db
                .prepare_cached("UPDATE stock_count_lines SET counted = NULL, book_at_count = NULL, counted_at = NULL, counted_by = NULL WHERE tenant_id = ?1 AND id = ?2")?
                .execute(params![t.tenant_id(), line])?,
            Some(v) => {
                let book = super::engine::quant_quantity(db, &t, product, location, lot)?;
                db.prepare_cached("UPDATE stock_count_lines SET counted = ?3, book_at_count = ?4, counted_at = ?5, counted_by = ?6 WHERE tenant_id = ?1 AND id = ?2")?
                    .execute(params![t.tenant_id(), line, v, book, ctx.now, user])?
            }
        };
        touched.push(line);
    }
    c.finish()?;
    db.prepare_cached("UPDATE stock_counts SET updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), a.id, ctx.now])?;
    ctx.audit("stock_count", a.id, json!({"counts": touched.len()}));
    let hide = h.blind;
    let show_value = ctx.has_permission(VIEW_VALUATION)?;
    let mut out = Vec::with_capacity(touched.len());
    for line in touched {
        let mut rows = lines(db, &t, a.id, Some(line), CountState::InProgress, None, hide, show_value)?;
        out.append(&mut rows);
    }
    Ok(out)
}

// --- posting and cancelling -----------------------------------------------------------------

/// Posts the differences as one adjustment picking (through the engine) and closes the count.
pub fn post(ctx: &mut Ctx<'_>, a: PostCountArgs) -> Result<StockCount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let user = ctx.principal()?.user_id;
    let h = head(db, &t, a.id)?;
    transition(h.state, CountState::Done)?;
    let date = match a.date {
        Some(d) => d,
        None => crate::accounting::periods::today(db, &t, ctx.now)?,
    };
    let zero = a.zero_uncounted.unwrap_or(false);
    // The sheet, in its order: (line, product, location, lot, counted, book).
    type SheetLine = (CountLineId, ProductId, LocationId, Option<LotId>, Option<i64>, Option<i64>);
    let sheet: Vec<SheetLine> = db
        .prepare_cached(&format!("SELECT l.id, l.product_id, l.location_id, l.lot_id, l.counted, l.book_at_count {SHEET_FROM} WHERE l.tenant_id = ?1 AND l.count_id = ?2 {SHEET_ORDER}"))?
        .query_map(params![t.tenant_id(), a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let loss = places::virtual_location(db, &t, LocationKind::InventoryLoss, ctx.now)?;
    let mut moves: Vec<MoveInput> = Vec::new();
    // For each move, the index of its line in the sheet.
    let mut rows: Vec<usize> = Vec::new();
    for (idx, (line, product, location, lot, counted, book)) in sheet.iter().enumerate() {
        let (counted, book) = match (counted, book) {
            (Some(c), Some(b)) => (*c, *b),
            _ if zero => {
                let b = super::engine::quant_quantity(db, &t, *product, *location, *lot)?;
                db.prepare_cached("UPDATE stock_count_lines SET counted = 0, book_at_count = ?3, counted_at = ?4, counted_by = ?5 WHERE tenant_id = ?1 AND id = ?2")?
                    .execute(params![t.tenant_id(), line, b, ctx.now, user])?;
                (0, b)
            }
            _ => continue,
        };
        let field = format!("lines.{idx}.counted");
        let diff = counted.checked_sub(book).ok_or_else(|| Error::field(field.clone(), FieldCode::TooLarge))?;
        if diff == 0 {
            continue;
        }
        let qty = arith::from_scaled(diff.checked_abs().ok_or_else(|| Error::field(field, FieldCode::TooLarge))?, QTY_SCALE);
        let (from, to) = if diff < 0 { (*location, loss) } else { (loss, *location) };
        moves.push(MoveInput { product_id: *product, quantity: qty, unit_id: None, from_location_id: Some(from), to_location_id: Some(to), lot_id: *lot, lot_code: None, unit_cost: None });
        rows.push(idx);
    }
    let wh = places::get_warehouse(db, &t, h.warehouse)?;
    let number = crate::sequence::next(db, &t, &format!("stock:{}:count", wh.id), &format!("{}/CNT/", wh.code), 5)?;
    let picking = if moves.is_empty() {
        None
    } else {
        let input = PickingInput {
            kind: PickingKind::Adjustment,
            warehouse_id: wh.id,
            from_location_id: None,
            to_location_id: None,
            date,
            partner_id: None,
            reference: Some(number.clone()),
            reason: Some(format!("Stocktaking {number}")),
            source: Some(StockSource { module: "inventory".into(), kind: "stock_count".into(), id: Some(a.id.0) }),
            lines: moves,
        };
        let p = engine::create_picking(ctx, input).map_err(|e| to_sheet(e, &rows))?;
        engine::done(ctx, p.id).map_err(|e| to_sheet(e, &rows))?;
        Some(p.id)
    };
    db.prepare_cached("UPDATE stock_counts SET state = 'done', number = ?3, picking_id = ?4, done_at = ?5, done_by = ?6, updated_at = ?5 WHERE tenant_id = ?1 AND id = ?2")?
        .execute(params![t.tenant_id(), a.id, number, picking, ctx.now, user])?;
    ctx.audit("stock_count", a.id, json!({"state": [h.state, CountState::Done], "number": number, "picking": picking, "date": date}));
    let show_value = ctx.has_permission(VIEW_VALUATION)?;
    get_count(db, &t, a.id, false, show_value)
}

/// The engine's errors about `lines.N.*` of the adjustment, renamed to the sheet's lines.
fn to_sheet(e: Error, rows: &[usize]) -> Error {
    let rename = |fields: Vec<FieldError>| -> Vec<FieldError> {
        fields
            .into_iter()
            .map(|mut f| {
                if let Some(rest) = f.field.strip_prefix("lines.")
                    && let Some((n, tail)) = rest.split_once('.')
                    && let Some(idx) = n.parse::<usize>().ok().and_then(|n| rows.get(n))
                {
                    let tail = if tail == "quantity" { "counted" } else { tail };
                    f.field = format!("lines.{idx}.{tail}");
                }
                f
            })
            .collect()
    };
    match e {
        Error::Validation { reason, fields } => Error::Validation { reason, fields: rename(fields) },
        Error::Conflict { reason, fields } => Error::Conflict { reason, fields: rename(fields) },
        e => e,
    }
}

pub fn cancel(ctx: &mut Ctx<'_>, id: CountId) -> Result<StockCount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, id)?;
    transition(h.state, CountState::Cancelled)?;
    db.prepare_cached("UPDATE stock_counts SET state = 'cancelled', updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2")?.execute(params![t.tenant_id(), id, ctx.now])?;
    ctx.audit("stock_count", id, json!({"state": [h.state, CountState::Cancelled]}));
    let show_value = ctx.has_permission(VIEW_VALUATION)?;
    get_count(db, &t, id, false, show_value)
}

// --- reading --------------------------------------------------------------------------------

const SHEET_FROM: &str = "FROM stock_count_lines l
    JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
    JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id
    JOIN stock_locations loc ON loc.tenant_id = l.tenant_id AND loc.id = l.location_id
    LEFT JOIN stock_lots lot ON lot.tenant_id = l.tenant_id AND lot.id = l.lot_id";
/// The sheet's order: by location, then SKU, then lot; a line's index in it names it in errors.
const SHEET_ORDER: &str = "ORDER BY loc.full_name, p.sku_key, lot.code_key, l.id";

/// `count.get`: the sheet, hiding a blind count's expected quantities unless reviewed.
pub fn get(ctx: &mut Ctx<'_>, a: GetCountArgs) -> Result<StockCount> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let h = head(db, &t, a.id)?;
    let review = a.review.unwrap_or(false);
    if review && h.blind && h.state == CountState::InProgress && !ctx.has_permission(CHANGE_SETUP)? {
        return Err(Error::forbidden(Reason::Forbidden.with("permission", CHANGE_SETUP).with("command", "count.get")));
    }
    let hide = h.blind && !review;
    let show_value = ctx.has_permission(VIEW_VALUATION)?;
    get_count(db, &t, a.id, hide, show_value)
}

/// A count with its sheet; `hide` (effective only while it runs) leaves out what a blind
/// count keeps from the counter; `show_value` adds values.
pub fn get_count(db: &Connection, t: &TenantCtx, id: CountId, hide: bool, show_value: bool) -> Result<StockCount> {
    let mut c = db
        .prepare_cached(
            "SELECT c.id, c.state, c.number, c.warehouse_id, c.location_id, l.full_name, c.category_id, cat.name, c.blind, c.note, c.started_at, c.done_at, c.picking_id
             FROM stock_counts c JOIN stock_locations l ON l.tenant_id = c.tenant_id AND l.id = c.location_id
             LEFT JOIN categories cat ON cat.tenant_id = c.tenant_id AND cat.id = c.category_id
             WHERE c.tenant_id = ?1 AND c.id = ?2",
        )?
        .query_row(params![t.tenant_id(), id], |r| {
            Ok(StockCount {
                id: r.get(0)?,
                state: r.get(1)?,
                number: r.get(2)?,
                warehouse_id: r.get(3)?,
                location_id: r.get(4)?,
                location: r.get(5)?,
                category_id: r.get(6)?,
                category: r.get(7)?,
                blind: r.get(8)?,
                hidden: false,
                note: r.get(9)?,
                started_at: r.get(10)?,
                done_at: r.get(11)?,
                picking_id: r.get(12)?,
                lines: Vec::new(),
                counted: 0,
                differences: None,
                value: None,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("stock_count", id))?;
    let hide = hide && c.state == CountState::InProgress;
    c.hidden = hide;
    c.lines = lines(db, t, id, None, c.state, c.picking_id, hide, show_value)?;
    c.counted = u32::try_from(c.lines.iter().filter(|l| l.counted.is_some()).count()).unwrap_or(u32::MAX);
    if !hide {
        c.differences = Some(u32::try_from(c.lines.iter().filter(|l| l.difference.is_some_and(|d| !d.is_zero())).count()).unwrap_or(u32::MAX));
        if show_value {
            c.value = Some(arith::sum("value", c.lines.iter().filter_map(|l| l.value))?);
        }
    }
    Ok(c)
}

/// The sheet's lines (or one of them), in sheet order.
#[allow(clippy::too_many_arguments)]
fn lines(db: &Connection, t: &TenantCtx, id: CountId, only: Option<CountLineId>, state: CountState, picking: Option<PickingId>, hide: bool, show_value: bool) -> Result<Vec<CountLine>> {
    let mut st = db.prepare_cached(&format!(
        "SELECT l.id, l.product_id, p.sku, p.name, p.barcode, u.code, u.decimals, p.tracking, l.location_id, loc.full_name, l.lot_id, lot.code,
                l.expected, l.counted, l.book_at_count, l.added,
                (SELECT m.value FROM stock_moves m WHERE m.tenant_id = l.tenant_id AND m.picking_id = ?4 AND m.product_id = l.product_id
                    AND coalesce(m.lot_id, 0) = coalesce(l.lot_id, 0) AND (m.from_location_id = l.location_id OR m.to_location_id = l.location_id))
         {SHEET_FROM} WHERE l.tenant_id = ?1 AND l.count_id = ?2 AND (?3 IS NULL OR l.id = ?3) {SHEET_ORDER}"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), id, only, picking], |r| {
        Ok((
            CountLine {
                id: r.get(0)?,
                product_id: r.get(1)?,
                sku: r.get(2)?,
                name: r.get(3)?,
                barcode: r.get(4)?,
                unit_code: r.get(5)?,
                decimals: r.get(6)?,
                tracking: r.get(7)?,
                location_id: r.get(8)?,
                location: r.get(9)?,
                lot_id: r.get(10)?,
                lot_code: r.get(11)?,
                expected: Some(arith::from_scaled(r.get(12)?, QTY_SCALE)),
                counted: r.get::<_, Option<i64>>(13)?.map(|q| arith::from_scaled(q, QTY_SCALE)),
                book_at_count: r.get::<_, Option<i64>>(14)?.map(|q| arith::from_scaled(q, QTY_SCALE)),
                difference: None,
                value: None,
                added: r.get(15)?,
            },
            r.get::<_, Option<i64>>(16)?,
        ))
    })?;
    let mut out = Vec::new();
    let currency = crate::accounting::chart::base_currency(db, t)?;
    let units = money::minor_units("value", &currency).unwrap_or(2);
    for row in rows {
        let (mut l, posted_value) = row?;
        if let (Some(c), Some(b)) = (l.counted, l.book_at_count) {
            l.difference = Some(arith::sub("difference", c, b)?);
        }
        if hide {
            l.expected = None;
            l.book_at_count = None;
            l.difference = None;
        } else if show_value {
            l.value = match (state, l.difference) {
                (CountState::Done, Some(_)) => Some(posted_value.map(money::from_db).unwrap_or(Decimal::ZERO)),
                (_, Some(d)) if !d.is_zero() => {
                    let avg = super::valuation::get_state(db, t, l.product_id)?.average_cost;
                    Some(arith::mul("value", d, avg)?.round_dp(units))
                }
                (_, Some(_)) => Some(Decimal::ZERO),
                _ => None,
            };
        }
        out.push(l);
    }
    Ok(out)
}

/// Counts, newest first, keyset-paged by id.
pub fn list(db: &Connection, t: &TenantCtx, a: &ListCountsArgs) -> Result<crate::list::Page<CountRow>> {
    let limit = a.limit.unwrap_or(crate::list::DEFAULT_LIMIT).clamp(1, crate::list::MAX_LIMIT);
    let after: Option<i64> = match a.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| Error::field("cursor", FieldCode::InvalidCursor))?),
    };
    let pattern = a.search.as_deref().and_then(crate::list::like_pattern);
    let filter = "c.tenant_id = ?1 AND (?2 IS NULL OR c.state = ?2) AND (?3 IS NULL OR c.warehouse_id = ?3)
                  AND (?4 IS NULL OR c.number LIKE ?4 ESCAPE '\\' OR c.note LIKE ?4 ESCAPE '\\')";
    let total: i64 = db.prepare_cached(&format!("SELECT count(*) FROM stock_counts c WHERE {filter}"))?.query_row(params![t.tenant_id(), a.state, a.warehouse_id, pattern], |r| r.get(0))?;
    let mut st = db.prepare_cached(&format!(
        "SELECT c.id, c.state, c.number, c.warehouse_id, l.full_name, cat.name, c.blind, c.started_at, c.note,
                (SELECT count(*) FROM stock_count_lines x WHERE x.tenant_id = c.tenant_id AND x.count_id = c.id),
                (SELECT count(*) FROM stock_count_lines x WHERE x.tenant_id = c.tenant_id AND x.count_id = c.id AND x.counted IS NOT NULL)
         FROM stock_counts c JOIN stock_locations l ON l.tenant_id = c.tenant_id AND l.id = c.location_id
         LEFT JOIN categories cat ON cat.tenant_id = c.tenant_id AND cat.id = c.category_id
         WHERE {filter} AND (?5 IS NULL OR c.id < ?5) ORDER BY c.id DESC LIMIT ?6"
    ))?;
    let rows = st.query_map(params![t.tenant_id(), a.state, a.warehouse_id, pattern, after, i64::from(limit) + 1], |r| {
        Ok(CountRow {
            id: r.get(0)?,
            state: r.get(1)?,
            number: r.get(2)?,
            warehouse_id: r.get(3)?,
            location: r.get(4)?,
            category: r.get(5)?,
            blind: r.get(6)?,
            started_at: r.get(7)?,
            note: r.get(8)?,
            lines: r.get(9)?,
            counted: r.get(10)?,
        })
    })?;
    let mut items: Vec<CountRow> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| r.id.0.to_string())
    } else {
        None
    };
    Ok(crate::list::Page { items, total, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_transitions_are_data_and_the_rest_is_refused() {
        for from in CountState::ALL {
            for to in CountState::ALL {
                assert_eq!(transition(*from, *to).is_ok(), TRANSITIONS.contains(&(*from, *to)), "{from:?} → {to:?}");
            }
        }
        assert_eq!(transition(CountState::Done, CountState::Cancelled).unwrap_err().refusal().reason, Reason::InvalidTransition);
    }

    #[test]
    fn engine_errors_name_the_sheets_lines() {
        let e = Error::Validation { reason: Reason::InvalidInput.into(), fields: vec![FieldError::new("lines.1.quantity", FieldCode::Negative), FieldError::new("date", FieldCode::Required)] };
        let e = to_sheet(e, &[3, 7]);
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["lines.7.counted", "date"]);
    }
}
