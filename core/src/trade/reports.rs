//! Trade reports: sales by product, customer, category or month with the gross margin
//! (revenue from posted invoices less credit notes, cost of goods sold from the stock
//! valuation of the orders' deliveries less returns); purchases by supplier, product,
//! category or month; and the open lines (backorders, to invoice, to bill). Each also
//! prints and exports through `report.table` (see [`table`]).
//!
//! Revenue is in base currency at each invoice's rate (`trade_invoice_lines.net_base`,
//! fixed when the line is written). Cost is dated by the move, revenue by the invoice.

use super::engine::QTY;
use super::model::*;
use crate::accounting::reports::model::{ReportTable, ReportTableColumn, ReportTableRow};
use crate::command::TenantCtx;
use crate::{Error, FieldCode, Result, arith, money};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// The names and units the report shows, read once each.
#[derive(Default)]
struct Names {
    /// Product id (as the report's key) → (SKU and name, category, unit).
    products: std::collections::HashMap<String, Option<(String, Option<i64>, i64)>>,
    categories: std::collections::HashMap<i64, String>,
    partners: std::collections::HashMap<String, String>,
    factors: std::collections::HashMap<i64, Option<i64>>,
}

impl Names {
    fn product(&mut self, db: &Connection, t: &TenantCtx, key: &str) -> Result<Option<&(String, Option<i64>, i64)>> {
        if !self.products.contains_key(key) {
            let row = db
                .prepare_cached("SELECT sku || ' ' || name, category_id, unit_id FROM products WHERE tenant_id = ?1 AND id = ?2")?
                .query_row(params![t.tenant_id(), key.parse::<i64>().unwrap_or(0)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            self.products.insert(key.to_string(), row);
        }
        Ok(self.products.get(key).and_then(Option::as_ref))
    }

    fn category(&mut self, db: &Connection, t: &TenantCtx, id: i64) -> Result<String> {
        if let Some(n) = self.categories.get(&id) {
            return Ok(n.clone());
        }
        let n: String = db
            .prepare_cached("SELECT name FROM categories WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![t.tenant_id(), id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| "(no category)".to_string());
        self.categories.insert(id, n.clone());
        Ok(n)
    }

    fn partner(&mut self, db: &Connection, t: &TenantCtx, key: &str) -> Result<String> {
        if let Some(n) = self.partners.get(key) {
            return Ok(n.clone());
        }
        let n: String = db
            .prepare_cached("SELECT name FROM partners WHERE tenant_id = ?1 AND id = ?2")?
            .query_row(params![t.tenant_id(), key.parse::<i64>().unwrap_or(0)], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        self.partners.insert(key.to_string(), n.clone());
        Ok(n)
    }

    fn factor(&mut self, db: &Connection, t: &TenantCtx, unit: i64) -> Result<Option<i64>> {
        if let Some(f) = self.factors.get(&unit) {
            return Ok(*f);
        }
        let f: Option<i64> = db.prepare_cached("SELECT factor_e6 FROM units WHERE tenant_id = ?1 AND id = ?2")?.query_row(params![t.tenant_id(), unit], |r| r.get(0)).optional()?;
        self.factors.insert(unit, f);
        Ok(f)
    }
}

#[derive(Default)]
struct Acc {
    label: String,
    quantity: Option<Decimal>,
    net: Decimal,
    cost: Decimal,
}

/// A report's date range cut into whole months (read from the maintained sums) and the
/// days of the partial months at its edges (read from the lines).
#[derive(Debug, PartialEq)]
struct Split {
    /// First and last whole month (`YYYY-MM`), when the range holds one.
    months: Option<(String, String)>,
    /// Day ranges outside the whole months (none, one or two).
    days: Vec<(NaiveDate, NaiveDate)>,
}

impl Split {
    fn of(from: NaiveDate, to: NaiveDate) -> Split {
        let month_start = |d: NaiveDate| d.with_day(1);
        // The first day of the first whole month and the last day of the last one.
        let first = if from.day() == 1 { Some(from) } else { month_start(from).and_then(|d| d.checked_add_months(Months::new(1))) };
        let last = match to.succ_opt() {
            Some(next) if next.day() == 1 => Some(to),
            Some(_) => month_start(to).and_then(|d| d.pred_opt()),
            None => None,
        };
        match (first, last) {
            (Some(f), Some(l)) if f <= l => {
                let mut days = Vec::new();
                if from < f
                    && let Some(d) = f.pred_opt()
                {
                    days.push((from, d));
                }
                if l < to
                    && let Some(d) = l.succ_opt()
                {
                    days.push((d, to));
                }
                Split { months: Some((f.format("%Y-%m").to_string(), l.format("%Y-%m").to_string())), days }
            }
            _ => Split { months: None, days: vec![(from, to)] },
        }
    }
}

pub fn report(db: &Connection, t: &TenantCtx, side: Side, a: &TradeReportArgs) -> Result<TradeReport> {
    if a.to < a.from {
        return Err(Error::field("to", FieldCode::OutOfRange.with("min", a.from).with("max", "…")));
    }
    let group = a.group_by.unwrap_or_default();
    let currency = crate::accounting::chart::base_currency(db, t)?;
    let split = Split::of(a.from, a.to);
    // Revenue (or purchases) per group and unit, signed by kind: whole months from the
    // maintained sums, the partial months at the edges from the invoices and their lines
    // (a category's rows group by product first). The integer sums are merged before any
    // conversion, so the result is the one a scan of every line gives. The labels and
    // units are read once per group after it, not joined on every line.
    let mut merged: BTreeMap<(String, Option<i64>), (i64, i64)> = BTreeMap::new();
    let mut merge = |key: String, unit: Option<i64>, net: i64, qty: i64| -> Result<()> {
        let e = merged.entry((key, unit)).or_default();
        e.0 = e.0.checked_add(net).ok_or_else(|| Error::field("net", FieldCode::TooLarge))?;
        e.1 = e.1.checked_add(qty).ok_or_else(|| Error::field("quantity", FieldCode::TooLarge))?;
        Ok(())
    };
    if let Some((m1, m2)) = &split.months {
        let key_sql = match group {
            TradeGroupBy::Product | TradeGroupBy::Category => "coalesce(s.product_id, 0)",
            TradeGroupBy::Partner => "s.partner_id",
            TradeGroupBy::Month => "s.month",
        };
        // One partner: the full key, that partner's rows; every partner: the roll-up the
        // grouping needs (no quantity without a product).
        let sql = match (a.partner_id, group) {
            (Some(_), _) => format!(
                "SELECT CAST({key_sql} AS TEXT), s.unit_id, sum(s.net), sum(s.quantity) FROM trade_sums s
                 WHERE s.tenant_id = ?1 AND s.side = ?2 AND s.partner_id = ?5 AND s.month BETWEEN ?3 AND ?4 GROUP BY 1, 2"
            ),
            (None, TradeGroupBy::Product | TradeGroupBy::Category) => format!(
                "SELECT CAST({key_sql} AS TEXT), s.unit_id, sum(s.net), sum(s.quantity) FROM trade_product_sums s
                 WHERE s.tenant_id = ?1 AND s.side = ?2 AND s.month BETWEEN ?3 AND ?4 AND ?5 IS NULL GROUP BY 1, 2"
            ),
            (None, TradeGroupBy::Partner | TradeGroupBy::Month) => format!(
                "SELECT CAST({key_sql} AS TEXT), NULL, sum(s.net), 0 FROM trade_partner_sums s
                 WHERE s.tenant_id = ?1 AND s.side = ?2 AND s.month BETWEEN ?3 AND ?4 AND ?5 IS NULL GROUP BY 1"
            ),
        };
        let mut st = db.prepare_cached(&sql)?;
        let mut rows = st.query(params![t.tenant_id(), side, m1, m2, a.partner_id])?;
        while let Some(r) = rows.next()? {
            merge(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)?;
        }
    }
    let key_sql = match group {
        TradeGroupBy::Product | TradeGroupBy::Category => "coalesce(l.product_id, 0)",
        TradeGroupBy::Partner => "i.partner_id",
        TradeGroupBy::Month => "substr(i.date, 1, 7)",
    };
    let sql = format!(
        "SELECT CAST({key_sql} AS TEXT), l.unit_id,
            sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END),
            sum(CASE WHEN i.kind = 'credit' THEN -l.quantity ELSE l.quantity END)
         FROM trade_invoices i
         CROSS JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
         WHERE i.tenant_id = ?1 AND i.side = ?2 AND i.state = 'posted' AND i.date BETWEEN ?3 AND ?4 AND (?5 IS NULL OR i.partner_id = ?5)
         GROUP BY 1, 2"
    );
    for (from, to) in &split.days {
        let mut st = db.prepare_cached(&sql)?;
        let mut rows = st.query(params![t.tenant_id(), side, from, to, a.partner_id])?;
        while let Some(r) = rows.next()? {
            merge(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)?;
        }
    }
    let grouped: Vec<(String, Option<i64>, i64, i64)> = merged.into_iter().map(|((k, u), (n, q))| (k, u, n, q)).collect();
    let mut names = Names::default();
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for (key, unit, net_db, qty_db) in grouped {
        let (key, label) = match group {
            TradeGroupBy::Product => {
                let label = names.product(db, t, &key)?.map_or_else(|| "(no product)".to_string(), |p| p.0.clone());
                (key, label)
            }
            TradeGroupBy::Category => {
                let category = names.product(db, t, &key)?.and_then(|p| p.1);
                let label = match category {
                    Some(c) => names.category(db, t, c)?,
                    None => "(no category)".to_string(),
                };
                (category.unwrap_or(0).to_string(), label)
            }
            TradeGroupBy::Partner => {
                let label = names.partner(db, t, &key)?;
                (key, label)
            }
            TradeGroupBy::Month => (key.clone(), key),
        };
        let quantity = if group == TradeGroupBy::Product {
            match (unit, names.product(db, t, &key)?.map(|p| p.2)) {
                (Some(u), Some(pu)) => match (names.factor(db, t, u)?, names.factor(db, t, pu)?) {
                    (Some(f), Some(pf)) => Some(arith::div("quantity", arith::mul("quantity", money::from_db_at(qty_db, QTY), Decimal::from(f))?, Decimal::from(pf))?),
                    _ => None,
                },
                _ => None,
            }
        } else {
            None
        };
        let e = acc.entry(key).or_default();
        e.label = label;
        e.net = arith::add("net", e.net, money::from_db(net_db))?;
        if let Some(q) = quantity {
            e.quantity = Some(arith::add("quantity", e.quantity.unwrap_or_default(), q)?);
        }
    }
    // Cost of goods sold: the value the orders' deliveries took out of stock, less what
    // their returns brought back (a kit's components count for the kit).
    if side == Side::Sale {
        let key_sql = match group {
            TradeGroupBy::Product => "coalesce(m.kit_id, m.product_id)",
            TradeGroupBy::Partner => "o.partner_id",
            TradeGroupBy::Category => "coalesce(p.category_id, 0)",
            TradeGroupBy::Month => "substr(m.date, 1, 7)",
        };
        let label_sql = match group {
            TradeGroupBy::Product => "(SELECT sku || ' ' || name FROM products x WHERE x.tenant_id = m.tenant_id AND x.id = coalesce(m.kit_id, m.product_id))",
            TradeGroupBy::Partner => "(SELECT name FROM partners x WHERE x.tenant_id = o.tenant_id AND x.id = o.partner_id)",
            TradeGroupBy::Category => "coalesce((SELECT name FROM categories c WHERE c.tenant_id = p.tenant_id AND c.id = p.category_id), '(no category)')",
            TradeGroupBy::Month => "substr(m.date, 1, 7)",
        };
        let lines_sql = format!(
            "SELECT CAST({key_sql} AS TEXT), {label_sql}, -sum(m.value)
             FROM stock_moves m
             JOIN trade_orders o ON o.tenant_id = m.tenant_id AND o.id = m.source_id
             JOIN products p ON p.tenant_id = m.tenant_id AND p.id = coalesce(m.kit_id, m.product_id)
             WHERE m.tenant_id = ?1 AND m.source_module = 'sales' AND m.state = 'done' AND m.date BETWEEN ?2 AND ?3
               AND m.value IS NOT NULL AND (?4 IS NULL OR o.partner_id = ?4)
             GROUP BY 1"
        );
        // The same from the maintained sums, for whole months.
        let key_sql = match group {
            TradeGroupBy::Product => "c.product_id",
            TradeGroupBy::Partner => "c.partner_id",
            TradeGroupBy::Category => "coalesce(p.category_id, 0)",
            TradeGroupBy::Month => "c.month",
        };
        let label_sql = match group {
            TradeGroupBy::Product => "(SELECT sku || ' ' || name FROM products x WHERE x.tenant_id = c.tenant_id AND x.id = c.product_id)",
            TradeGroupBy::Partner => "(SELECT name FROM partners x WHERE x.tenant_id = c.tenant_id AND x.id = c.partner_id)",
            TradeGroupBy::Category => "coalesce((SELECT name FROM categories k WHERE k.tenant_id = p.tenant_id AND k.id = p.category_id), '(no category)')",
            TradeGroupBy::Month => "c.month",
        };
        let sums_sql = format!(
            "SELECT CAST({key_sql} AS TEXT), {label_sql}, sum(c.cost)
             FROM trade_cost_sums c
             JOIN products p ON p.tenant_id = c.tenant_id AND p.id = c.product_id
             WHERE c.tenant_id = ?1 AND c.month BETWEEN ?2 AND ?3 AND (?4 IS NULL OR c.partner_id = ?4)
             GROUP BY 1"
        );
        let mut costs: BTreeMap<String, (String, i64)> = BTreeMap::new();
        let mut parts: Vec<(&str, String, String)> = split.days.iter().map(|(f, to)| (lines_sql.as_str(), f.to_string(), to.to_string())).collect();
        if let Some((m1, m2)) = &split.months {
            parts.push((sums_sql.as_str(), m1.clone(), m2.clone()));
        }
        for (sql, from, to) in parts {
            let mut st = db.prepare_cached(sql)?;
            let mut rows = st.query(params![t.tenant_id(), from, to, a.partner_id])?;
            while let Some(r) = rows.next()? {
                let e = costs.entry(r.get(0)?).or_insert_with(|| (String::new(), 0));
                if e.0.is_empty() {
                    e.0 = r.get(1)?;
                }
                e.1 = e.1.checked_add(r.get(2)?).ok_or_else(|| Error::field("cost", FieldCode::TooLarge))?;
            }
        }
        for (key, (label, cost)) in costs {
            let e = acc.entry(key).or_default();
            if e.label.is_empty() {
                e.label = label;
            }
            e.cost = arith::add("cost", e.cost, money::from_db(cost))?;
        }
    }
    let sales = side == Side::Sale;
    let mut out = Vec::with_capacity(acc.len());
    let (mut net, mut cost) = (Decimal::ZERO, Decimal::ZERO);
    for (key, e) in acc {
        net = arith::add("net", net, e.net)?;
        cost = arith::add("cost", cost, e.cost)?;
        out.push(TradeReportRow {
            key,
            label: e.label,
            quantity: e.quantity.map(|q| q.round_dp(QTY).normalize()),
            net: e.net.normalize(),
            cost: sales.then(|| e.cost.normalize()),
            margin: if sales { Some(arith::sub("margin", e.net, e.cost)?.normalize()) } else { None },
        });
    }
    if group != TradeGroupBy::Month {
        out.sort_by(|a, b| b.net.cmp(&a.net).then_with(|| a.label.cmp(&b.label)));
    }
    Ok(TradeReport {
        side,
        currency,
        from: a.from,
        to: a.to,
        group_by: group,
        rows: out,
        net: net.normalize(),
        cost: sales.then(|| cost.normalize()),
        margin: if sales { Some(arith::sub("margin", net, cost)?.normalize()) } else { None },
    })
}

/// Lines of confirmed orders with something to deliver (receive) or to invoice (bill).
pub fn open_lines(db: &Connection, t: &TenantCtx, side: Side, a: &OpenLinesArgs) -> Result<Vec<OpenLine>> {
    let what = a.what.unwrap_or_default();
    let ids: Vec<OrderId> = db
        .prepare_cached("SELECT id FROM trade_orders WHERE tenant_id = ?1 AND side = ?2 AND state = 'confirmed' AND (?3 IS NULL OR partner_id = ?3) ORDER BY date, id")?
        .query_map(params![t.tenant_id(), side, a.partner_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    let half_even = super::engine::rounding_rule(db, t)?.1 == crate::accounting::model::RoundingMode::HalfEven;
    for id in ids {
        let o = super::engine::get_order(db, t, side, id)?;
        for l in &o.lines {
            let open = match what {
                OpenWork::ToDeliver => l.to_deliver,
                OpenWork::ToInvoice => l.to_invoice,
            };
            if open.is_zero() {
                continue;
            }
            let amount = super::lines::line_amount("amount", open, l.unit_price, i64::try_from((l.discount * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0), &o.currency, half_even)?;
            out.push(OpenLine {
                order_id: o.id,
                number: o.number.clone().unwrap_or_default(),
                date: o.date,
                partner_name: o.partner_name.clone(),
                line_no: l.line_no,
                sku: l.sku.clone(),
                description: l.description.clone(),
                unit_code: l.unit_code.clone(),
                ordered: l.quantity,
                open,
                amount,
                currency: o.currency.clone(),
            });
        }
    }
    Ok(out)
}

// --- printable tables -------------------------------------------------------------------------

fn col(label: &str, numeric: bool) -> ReportTableColumn {
    ReportTableColumn { label: label.into(), numeric }
}

fn amt(d: Decimal, units: u32) -> String {
    format!("{:.*}", units as usize, d)
}

pub fn table(db: &Connection, t: &TenantCtx, side: Side, a: &TradeReportArgs) -> Result<ReportTable> {
    let r = report(db, t, side, a)?;
    let units = money::minor_units("currency", &r.currency)?;
    let what = match r.group_by {
        TradeGroupBy::Product => "product",
        TradeGroupBy::Partner => if side == Side::Sale { "customer" } else { "supplier" },
        TradeGroupBy::Category => "category",
        TradeGroupBy::Month => "month",
    };
    let title = format!("{} by {what}", if side == Side::Sale { "Sales" } else { "Purchases" });
    let sales = side == Side::Sale;
    let mut columns = vec![col(if r.group_by == TradeGroupBy::Month { "Month" } else { "Name" }, false)];
    if r.group_by == TradeGroupBy::Product {
        columns.push(col("Quantity", true));
    }
    columns.push(col(&format!("Net ({})", r.currency), true));
    if sales {
        columns.push(col("Cost", true));
        columns.push(col("Margin", true));
    }
    let mut rows = Vec::new();
    let line = |label: String, q: Option<Decimal>, net: Decimal, cost: Option<Decimal>, margin: Option<Decimal>, bold: bool| {
        let mut cells = vec![label];
        if r.group_by == TradeGroupBy::Product {
            cells.push(q.map(|q| q.normalize().to_string()).unwrap_or_default());
        }
        cells.push(amt(net, units));
        if sales {
            cells.push(amt(cost.unwrap_or_default(), units));
            cells.push(amt(margin.unwrap_or_default(), units));
        }
        ReportTableRow { cells, level: 0, bold }
    };
    for x in &r.rows {
        rows.push(line(x.label.clone(), x.quantity, x.net, x.cost, x.margin, false));
    }
    rows.push(line("Total".into(), None, r.net, r.cost, r.margin, true));
    Ok(ReportTable { title, subtitle: format!("{} – {}", r.from, r.to), columns, rows })
}

pub fn open_lines_table(db: &Connection, t: &TenantCtx, side: Side, a: &OpenLinesArgs) -> Result<ReportTable> {
    let rows = open_lines(db, t, side, a)?;
    let title = match (side, a.what.unwrap_or_default()) {
        (Side::Sale, OpenWork::ToDeliver) => "Backorders (to deliver)",
        (Side::Sale, OpenWork::ToInvoice) => "To invoice",
        (Side::Purchase, OpenWork::ToDeliver) => "To receive",
        (Side::Purchase, OpenWork::ToInvoice) => "To bill",
    };
    let columns = vec![col("Order", false), col("Date", false), col("Partner", false), col("Product", false), col("Unit", false), col("Ordered", true), col("Open", true), col("Amount", true), col("Currency", false)];
    let rows = rows
        .into_iter()
        .map(|l| ReportTableRow {
            cells: vec![
                l.number,
                l.date.to_string(),
                l.partner_name,
                l.sku.map(|s| format!("{s} {}", l.description)).unwrap_or(l.description),
                l.unit_code.unwrap_or_default(),
                l.ordered.normalize().to_string(),
                l.open.normalize().to_string(),
                l.amount.normalize().to_string(),
                l.currency,
            ],
            level: 0,
            bold: false,
        })
        .collect();
    Ok(ReportTable { title: title.into(), subtitle: String::new(), columns, rows })
}

// --- maintained sums ---------------------------------------------------------------------------

/// Recomputes the report sums (`trade_sums` and its roll-ups `trade_product_sums` and
/// `trade_partner_sums`, `trade_cost_sums`) from the posted invoices'
/// lines and the sales orders' done moves: one text per key that differs (part of
/// `ledger.check`, so of `cora check`).
pub fn check_sums(db: &Connection, t: &TenantCtx) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let sql = "WITH r AS (SELECT i.side, substr(i.date, 1, 7) AS month, i.partner_id, l.product_id, l.unit_id,
                                 sum(CASE WHEN i.kind = 'credit' THEN -l.quantity ELSE l.quantity END) AS q,
                                 sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END) AS n
                          FROM trade_invoices i JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
                          WHERE i.tenant_id = ?1 AND i.state = 'posted'
                          GROUP BY 1, 2, 3, 4, 5),
                    m AS (SELECT side, month, partner_id, product_id, unit_id, quantity AS q, net AS n FROM trade_sums WHERE tenant_id = ?1)
               SELECT coalesce(m.side, r.side), coalesce(m.month, r.month), coalesce(m.partner_id, r.partner_id), coalesce(m.product_id, r.product_id),
                      coalesce(m.q, 0), coalesce(m.n, 0), coalesce(r.q, 0), coalesce(r.n, 0)
               FROM m FULL OUTER JOIN r ON r.side = m.side AND r.month = m.month AND r.partner_id = m.partner_id
                    AND r.product_id IS m.product_id AND r.unit_id IS m.unit_id
               WHERE coalesce(m.q, 0) <> coalesce(r.q, 0) OR coalesce(m.n, 0) <> coalesce(r.n, 0)";
    let mut st = db.prepare_cached(sql)?;
    let mut rows = st.query([t.tenant_id()])?;
    while let Some(r) = rows.next()? {
        let (side, month, partner, product): (String, String, i64, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (mq, mn, rq, rn): (i64, i64, i64, i64) = (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
        out.push(format!(
            "{side} sums {month} partner #{partner} product {}: maintained quantity {} net {}, lines say quantity {} net {}",
            product.map_or_else(|| "(none)".to_string(), |p| format!("#{p}")),
            money::from_db_at(mq, QTY).normalize(),
            money::from_db(mn).normalize(),
            money::from_db_at(rq, QTY).normalize(),
            money::from_db(rn).normalize()
        ));
    }
    // The roll-ups, each against the lines.
    let sql = "WITH r AS (SELECT i.side, substr(i.date, 1, 7) AS month, l.product_id, l.unit_id,
                                 sum(CASE WHEN i.kind = 'credit' THEN -l.quantity ELSE l.quantity END) AS q,
                                 sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END) AS n
                          FROM trade_invoices i JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
                          WHERE i.tenant_id = ?1 AND i.state = 'posted'
                          GROUP BY 1, 2, 3, 4),
                    m AS (SELECT side, month, product_id, unit_id, quantity AS q, net AS n FROM trade_product_sums WHERE tenant_id = ?1)
               SELECT coalesce(m.side, r.side), coalesce(m.month, r.month), coalesce(m.product_id, r.product_id),
                      coalesce(m.q, 0), coalesce(m.n, 0), coalesce(r.q, 0), coalesce(r.n, 0)
               FROM m FULL OUTER JOIN r ON r.side = m.side AND r.month = m.month AND r.product_id IS m.product_id AND r.unit_id IS m.unit_id
               WHERE coalesce(m.q, 0) <> coalesce(r.q, 0) OR coalesce(m.n, 0) <> coalesce(r.n, 0)";
    let mut st = db.prepare_cached(sql)?;
    let mut rows = st.query([t.tenant_id()])?;
    while let Some(r) = rows.next()? {
        let (side, month, product): (String, String, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (mq, mn, rq, rn): (i64, i64, i64, i64) = (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        out.push(format!(
            "{side} sums {month} product {} (every partner): maintained quantity {} net {}, lines say quantity {} net {}",
            product.map_or_else(|| "(none)".to_string(), |p| format!("#{p}")),
            money::from_db_at(mq, QTY).normalize(),
            money::from_db(mn).normalize(),
            money::from_db_at(rq, QTY).normalize(),
            money::from_db(rn).normalize()
        ));
    }
    let sql = "WITH r AS (SELECT i.side, substr(i.date, 1, 7) AS month, i.partner_id, sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END) AS n
                          FROM trade_invoices i JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
                          WHERE i.tenant_id = ?1 AND i.state = 'posted'
                          GROUP BY 1, 2, 3),
                    m AS (SELECT side, month, partner_id, net AS n FROM trade_partner_sums WHERE tenant_id = ?1)
               SELECT coalesce(m.side, r.side), coalesce(m.month, r.month), coalesce(m.partner_id, r.partner_id), coalesce(m.n, 0), coalesce(r.n, 0)
               FROM m FULL OUTER JOIN r ON r.side = m.side AND r.month = m.month AND r.partner_id = m.partner_id
               WHERE coalesce(m.n, 0) <> coalesce(r.n, 0)";
    let mut st = db.prepare_cached(sql)?;
    let mut rows = st.query([t.tenant_id()])?;
    while let Some(r) = rows.next()? {
        let (side, month, partner, mn, rn): (String, String, i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        out.push(format!(
            "{side} sums {month} partner #{partner} (every product): maintained net {}, lines say net {}",
            money::from_db(mn).normalize(),
            money::from_db(rn).normalize()
        ));
    }
    let sql = "WITH r AS (SELECT substr(m.date, 1, 7) AS month, o.partner_id, coalesce(m.kit_id, m.product_id) AS product_id, -sum(m.value) AS c
                          FROM stock_moves m JOIN trade_orders o ON o.tenant_id = m.tenant_id AND o.id = m.source_id
                          WHERE m.tenant_id = ?1 AND m.source_module = 'sales' AND m.state = 'done' AND m.value IS NOT NULL
                          GROUP BY 1, 2, 3),
                    s AS (SELECT month, partner_id, product_id, cost AS c FROM trade_cost_sums WHERE tenant_id = ?1)
               SELECT coalesce(s.month, r.month), coalesce(s.partner_id, r.partner_id), coalesce(s.product_id, r.product_id), coalesce(s.c, 0), coalesce(r.c, 0)
               FROM s FULL OUTER JOIN r ON r.month = s.month AND r.partner_id = s.partner_id AND r.product_id = s.product_id
               WHERE coalesce(s.c, 0) <> coalesce(r.c, 0)";
    let mut st = db.prepare_cached(sql)?;
    let mut rows = st.query([t.tenant_id()])?;
    while let Some(r) = rows.next()? {
        let (month, partner, product, mc, rc): (String, i64, i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        out.push(format!(
            "cost of sales {month} partner #{partner} product #{product}: maintained {}, moves say {}",
            money::from_db(mc).normalize(),
            money::from_db(rc).normalize()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Split;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days(v: &[(&str, &str)]) -> Vec<(NaiveDate, NaiveDate)> {
        v.iter().map(|(a, b)| (d(a), d(b))).collect()
    }

    #[test]
    fn a_range_splits_into_whole_months_and_the_days_at_its_edges() {
        let m = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(Split::of(d("2026-03-01"), d("2026-03-31")), Split { months: m("2026-03", "2026-03"), days: vec![] });
        assert_eq!(Split::of(d("2026-01-01"), d("2026-12-31")), Split { months: m("2026-01", "2026-12"), days: vec![] });
        assert_eq!(Split::of(d("2026-03-05"), d("2026-03-20")), Split { months: None, days: days(&[("2026-03-05", "2026-03-20")]) });
        assert_eq!(Split::of(d("2026-03-05"), d("2026-04-30")), Split { months: m("2026-04", "2026-04"), days: days(&[("2026-03-05", "2026-03-31")]) });
        assert_eq!(
            Split::of(d("2026-01-31"), d("2026-04-01")),
            Split { months: m("2026-02", "2026-03"), days: days(&[("2026-01-31", "2026-01-31"), ("2026-04-01", "2026-04-01")]) }
        );
        // February of a leap year ends on the 29th.
        assert_eq!(Split::of(d("2028-02-01"), d("2028-02-28")), Split { months: None, days: days(&[("2028-02-01", "2028-02-28")]) });
        assert_eq!(Split::of(d("2028-02-01"), d("2028-02-29")), Split { months: m("2028-02", "2028-02"), days: vec![] });
        // The ends of the calendar never panic.
        assert_eq!(Split::of(NaiveDate::MIN, NaiveDate::MAX).days.len() <= 2, true);
        assert_eq!(Split::of(NaiveDate::MAX, NaiveDate::MAX), Split { months: None, days: vec![(NaiveDate::MAX, NaiveDate::MAX)] });
    }
}
