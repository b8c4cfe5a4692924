//! The inventory reports as printable tables ([`ReportTable`]): the stock report, the
//! to-reorder list, the valuation and a product's movement history. `report.table`,
//! `report.export` (CSV, XLSX) and the PDF print take them from here, so every format shows
//! the same figures as the screen. Paged reports are read whole, a page at a time.

use super::model::*;
use crate::accounting::reports::model::{ReportTable, ReportTableColumn, ReportTableRow};
use crate::command::TenantCtx;
use crate::{Result, money};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension};

/// Rows read per page when a paged report is printed whole.
const PAGE: u32 = 500;

fn table(title: String, subtitle: String, columns: &[(&str, bool)]) -> ReportTable {
    ReportTable { title, subtitle, columns: columns.iter().map(|(l, n)| ReportTableColumn { label: l.to_string(), numeric: *n }).collect(), rows: vec![] }
}

fn row(t: &mut ReportTable, cells: Vec<String>, bold: bool) {
    t.rows.push(ReportTableRow { cells, level: 0, bold });
}

/// A quantity as plain decimal text, without trailing zeros.
fn qty(d: Decimal) -> String {
    d.normalize().to_string()
}

fn opt_qty(d: Option<Decimal>) -> String {
    d.map(qty).unwrap_or_default()
}

/// "Warehouse WH", "Location WH/Stock/Shelf A" or "All warehouses".
fn scope_label(db: &Connection, t: &TenantCtx, warehouse: Option<WarehouseId>, location: Option<LocationId>) -> Result<String> {
    if let Some(l) = location {
        return Ok(format!("Location {}", super::places::get_location(db, t, l)?.full_name));
    }
    if let Some(w) = warehouse {
        let w = super::places::get_warehouse(db, t, w)?;
        return Ok(format!("Warehouse {} {}", w.code, w.name));
    }
    Ok("All warehouses".into())
}

pub fn stock_report(db: &Connection, t: &TenantCtx, mut a: StockReportArgs) -> Result<ReportTable> {
    a.limit = Some(PAGE);
    a.cursor = None;
    let group = a.group_by.unwrap_or_default();
    let mut page = super::report::stock_report(db, t, &a)?;
    let when = match a.at {
        Some(d) => format!("at the end of {d}"),
        None => "now".into(),
    };
    let subtitle = format!("{}, {when}", scope_label(db, t, a.warehouse_id, a.location_id)?);
    let columns: &[(&str, bool)] = match (group, a.at) {
        (StockGroupBy::Product, None) => &[("SKU", false), ("Product", false), ("Unit", false), ("On hand", true), ("Reserved", true), ("Available", true)],
        (StockGroupBy::Product, Some(_)) => &[("SKU", false), ("Product", false), ("Unit", false), ("On hand", true)],
        (StockGroupBy::Location, _) => &[("SKU", false), ("Product", false), ("Location", false), ("Unit", false), ("Quantity", true)],
        (StockGroupBy::Lot, _) => &[("SKU", false), ("Product", false), ("Lot", false), ("Expiry", false), ("Unit", false), ("Quantity", true)],
    };
    let mut out = table(format!("Stock by {}", group.as_str()), subtitle, columns);
    loop {
        for r in &page.rows {
            let cells = match (group, a.at) {
                (StockGroupBy::Product, None) => vec![r.sku.clone(), r.name.clone(), r.unit_code.clone(), qty(r.quantity), opt_qty(r.reserved), opt_qty(r.available)],
                (StockGroupBy::Product, Some(_)) => vec![r.sku.clone(), r.name.clone(), r.unit_code.clone(), qty(r.quantity)],
                (StockGroupBy::Location, _) => vec![r.sku.clone(), r.name.clone(), r.location.clone().unwrap_or_default(), r.unit_code.clone(), qty(r.quantity)],
                (StockGroupBy::Lot, _) => vec![
                    r.sku.clone(),
                    r.name.clone(),
                    r.lot_code.clone().unwrap_or_default(),
                    r.expiry_date.map(|d| d.to_string()).unwrap_or_default(),
                    r.unit_code.clone(),
                    qty(r.quantity),
                ],
            };
            row(&mut out, cells, false);
        }
        match page.next_cursor.take() {
            None => break,
            Some(c) => {
                a.cursor = Some(c);
                page = super::report::stock_report(db, t, &a)?;
            }
        }
    }
    Ok(out)
}

pub fn to_reorder(db: &Connection, t: &TenantCtx, a: ToReorderArgs) -> Result<ReportTable> {
    let rows = super::replenish::to_reorder(db, t, &a)?;
    let subtitle = scope_label(db, t, a.warehouse_id, None)?;
    let mut out = table(
        "To reorder".into(),
        subtitle,
        &[
            ("Warehouse", false),
            ("SKU", false),
            ("Product", false),
            ("Unit", false),
            ("On hand", true),
            ("Reserved", true),
            ("Incoming", true),
            ("Forecast", true),
            ("Min", true),
            ("Max", true),
            ("Multiple", true),
            ("To order", true),
            ("Supplier", false),
        ],
    );
    for r in rows {
        let cells = vec![
            r.warehouse_code,
            r.sku,
            r.product_name,
            r.unit_code,
            qty(r.on_hand),
            qty(r.reserved),
            qty(r.incoming),
            qty(r.forecast),
            qty(r.min_qty),
            qty(r.max_qty),
            qty(r.multiple),
            qty(r.suggested),
            r.supplier_name.unwrap_or_default(),
        ];
        row(&mut out, cells, false);
    }
    Ok(out)
}

/// The valuation now or at the end of a past day (`at`), every product (paging ignored).
pub fn valuation(db: &Connection, t: &TenantCtx, mut a: ValuationArgs) -> Result<ReportTable> {
    a.limit = None;
    a.after = None;
    let r = super::valuation::valuation(db, t, &a)?;
    let currency = crate::accounting::chart::base_currency(db, t)?;
    let units = money::minor_units("currency", &currency)? as usize;
    let amt = |d: Decimal| format!("{:.*}", units, d);
    let mut out = table(
        "Stock valuation".into(),
        match a.at {
            Some(d) => format!("at the end of {d} ({currency})"),
            None => format!("now ({currency})"),
        },
        &[("SKU", false), ("Product", false), ("Unit", false), ("Quantity", true), ("Unit cost", true), ("Value", true)],
    );
    for x in &r.rows {
        row(&mut out, vec![x.sku.clone(), x.name.clone(), x.unit_code.clone(), qty(x.quantity), qty(x.average_cost), amt(x.value)], false);
    }
    let e = String::new;
    row(&mut out, vec![e(), "Total".into(), e(), e(), e(), amt(r.total)], true);
    if let Some(b) = r.inventory_account_balance {
        row(&mut out, vec![e(), "Inventory account balance".into(), e(), e(), e(), amt(b)], true);
    }
    Ok(out)
}

pub fn moves(db: &Connection, t: &TenantCtx, mut a: StockMovesArgs) -> Result<ReportTable> {
    a.limit = Some(PAGE);
    a.cursor = None;
    let (sku, name): (String, String) = db
        .prepare_cached("SELECT sku, name FROM products WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(rusqlite::params![t.tenant_id(), a.product_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| crate::Error::field("product_id", crate::FieldCode::NotFound.with("entity", "product")))?;
    let range = match (a.from, a.to) {
        (None, None) => "all dates".to_string(),
        (f, t) => format!("{} – {}", f.map(|d| d.to_string()).unwrap_or_default(), t.map(|d| d.to_string()).unwrap_or_default()),
    };
    let subtitle = format!("{}, {range}", scope_label(db, t, a.warehouse_id, a.location_id)?);
    let mut out = table(
        format!("Stock moves {sku} {name}"),
        subtitle,
        &[("Date", false), ("Number", false), ("Kind", false), ("From", false), ("To", false), ("Lot", false), ("Quantity", true), ("Change", true), ("Running", true)],
    );
    let mut page = super::stock::moves(db, t, &a)?;
    loop {
        for m in &page.items {
            let cells = vec![
                m.date.to_string(),
                m.picking_number.clone().unwrap_or_default(),
                m.kind.as_str().to_string(),
                m.from_location.clone(),
                m.to_location.clone(),
                m.lot_code.clone().unwrap_or_default(),
                qty(m.quantity),
                qty(m.change),
                qty(m.running_quantity),
            ];
            row(&mut out, cells, false);
        }
        match page.next_cursor.take() {
            None => break,
            Some(c) => {
                a.cursor = Some(c);
                page = super::stock::moves(db, t, &a)?;
            }
        }
    }
    Ok(out)
}
