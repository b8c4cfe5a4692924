//! The registry entries of both sides, from one table of names.

use super::model::*;
use super::{engine, flow, pricing};
use crate::command::SetArchivedArg;
use crate::command::{Access, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry};

/// One side's command names and permissions.
pub struct SideCommands {
    pub side: Side,
    pub view: &'static str,
    pub manage: &'static str,
    pub invoice: &'static str,
    pub list_orders: &'static str,
    pub get_order: &'static str,
    pub create_order: &'static str,
    pub update_order: &'static str,
    pub delete_order: &'static str,
    pub send_order: &'static str,
    pub confirm_order: &'static str,
    pub cancel_order: &'static str,
    pub ship: &'static str,
    pub ret: &'static str,
    pub invoice_order: &'static str,
    pub credit_order: &'static str,
    pub list_invoices: &'static str,
    pub get_invoice: &'static str,
    pub create_invoice: &'static str,
    pub update_invoice: &'static str,
    pub post_invoice: &'static str,
    pub cancel_invoice: &'static str,
    pub credit_invoice: &'static str,
    pub report: &'static str,
    pub open_lines: &'static str,
}

pub fn register_side(r: &mut Registry, n: &'static SideCommands) {
    let side = n.side;
    let v = Access::Permission(n.view);
    let m = Access::Permission(n.manage);
    let inv = Access::Permission(n.invoice);
    let orders = match side {
        Side::Sale => "Sales quotations and orders",
        Side::Purchase => "Requests for quotation and purchase orders",
    };
    r.add(CommandSpec::query(n.list_orders, v, orders, move |ctx, a: ListDocsArgs| {
        let t = ctx.tenant()?;
        engine::list_orders(ctx.db(), &t, side, &a)
    }));
    r.add(CommandSpec::query(n.get_order, v, "One order with its lines, progress, pickings and invoices", move |ctx, a: IdArg<OrderId>| {
        let t = ctx.tenant()?;
        engine::get_order(ctx.db(), &t, side, a.id)
    }));
    r.add(CommandSpec::mutation(n.create_order, m, "Create a quotation (no number until confirmed)", move |ctx, a: OrderInput| engine::create_order(ctx, side, a)));
    r.add(CommandSpec::mutation(n.update_order, m, "Replace a quotation's header and lines", move |ctx, a: UpdateOrderArgs| engine::update_order(ctx, side, a)));
    r.add(CommandSpec::mutation(n.delete_order, m, "Delete a quotation", move |ctx, a: IdArg<OrderId>| engine::delete_order(ctx, side, a.id)));
    r.add(CommandSpec::mutation(n.send_order, m, "Mark a quotation as sent", move |ctx, a: DocActionArgs| engine::send(ctx, side, a)));
    r.add(CommandSpec::mutation(n.confirm_order, m, "Confirm a quotation: it becomes an order with the next number", move |ctx, a: DocActionArgs| engine::confirm(ctx, side, a)));
    r.add(CommandSpec::mutation(n.cancel_order, m, "Cancel a quotation, or the undelivered rest of an order", move |ctx, a: DocActionArgs| engine::cancel(ctx, side, a)));
    r.add(CommandSpec::mutation(
        n.ship,
        m,
        match side {
            Side::Sale => "Deliver goods of an order (all that is left, or some quantities): a delivery done now; the rest stays as a backorder",
            Side::Purchase => "Receive goods of an order (all that is left, or some quantities): a receipt done now; the rest stays as a backorder",
        },
        move |ctx, a: ShipOrderArgs| flow::ship(ctx, side, a, false),
    ));
    r.add(CommandSpec::mutation(
        n.ret,
        m,
        match side {
            Side::Sale => "Take back delivered goods from the customer (a return receipt)",
            Side::Purchase => "Send received goods back to the supplier (a return delivery)",
        },
        move |ctx, a: ShipOrderArgs| flow::ship(ctx, side, a, true),
    ));
    r.add(CommandSpec::mutation(
        n.invoice_order,
        inv,
        match side {
            Side::Sale => "Make a draft customer invoice of what an order has to invoice",
            Side::Purchase => "Make a draft supplier bill of what an order has received and not billed",
        },
        move |ctx, a: InvoiceOrderArgs| flow::invoice_order(ctx, side, a, false),
    ));
    r.add(CommandSpec::mutation(
        n.credit_order,
        inv,
        match side {
            Side::Sale => "Make a draft credit note of what an order invoiced beyond what is due (after a return)",
            Side::Purchase => "Make a draft debit note of what an order was billed beyond what is due (after a return)",
        },
        move |ctx, a: InvoiceOrderArgs| flow::invoice_order(ctx, side, a, true),
    ));
    r.add(CommandSpec::query(
        n.list_invoices,
        v,
        match side {
            Side::Sale => "Customer invoices and credit notes",
            Side::Purchase => "Supplier bills and debit notes",
        },
        move |ctx, a: ListDocsArgs| {
            let t = ctx.tenant()?;
            flow::list_invoices(ctx.db(), &t, side, &a)
        },
    ));
    r.add(CommandSpec::query(n.get_invoice, v, "One invoice or credit note with its lines and taxes", move |ctx, a: IdArg<InvoiceId>| {
        let t = ctx.tenant()?;
        flow::get_invoice(ctx.db(), &t, side, a.id)
    }));
    r.add(CommandSpec::query(
        n.report,
        v,
        match side {
            Side::Sale => "Sales by product, customer, category or month: invoiced less credited, cost of goods sold and gross margin",
            Side::Purchase => "Purchases by product, supplier, category or month: billed less debited",
        },
        move |ctx, a: TradeReportArgs| {
            let t = ctx.tenant()?;
            super::reports::report(ctx.db(), &t, side, &a)
        },
    ));
    r.add(CommandSpec::query(
        n.open_lines,
        v,
        match side {
            Side::Sale => "Open order lines: backorders (to deliver) or to invoice",
            Side::Purchase => "Open order lines: to receive or to bill",
        },
        move |ctx, a: OpenLinesArgs| {
            let t = ctx.tenant()?;
            super::reports::open_lines(ctx.db(), &t, side, &a)
        },
    ));
    r.add(CommandSpec::mutation(n.create_invoice, inv, "Create a draft invoice without an order", move |ctx, a: InvoiceInput| flow::create_invoice(ctx, side, a)));
    r.add(CommandSpec::mutation(n.update_invoice, inv, "Change a draft invoice's date, due date, reference or notes", move |ctx, a: UpdateInvoiceArgs| flow::update_invoice(ctx, side, a)));
    r.add(CommandSpec::mutation(n.post_invoice, inv, "Post a draft invoice or credit note: numbered and posted to the books", move |ctx, a: DocActionArgs| flow::post_invoice(ctx, side, a)));
    r.add(CommandSpec::mutation(n.cancel_invoice, inv, "Cancel a draft invoice (its quantities become invoiceable again)", move |ctx, a: DocActionArgs| flow::cancel_invoice(ctx, side, a)));
    r.add(CommandSpec::mutation(n.credit_invoice, inv, "Make a draft credit note for a posted invoice (all or some quantities)", move |ctx, a: CreditInvoiceArgs| flow::credit_invoice(ctx, side, a)));
}

pub const CHANGE_SETTINGS: &str = "trade.change_settings";
pub const SALES_PRICES: &str = "sales.manage_prices";
pub const SUPPLIER_PRICES: &str = "purchase.manage_prices";

/// The commands both sides share: settings and product taxes.
pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: CHANGE_SETTINGS, description: "Change the sales and purchasing settings (invoicing policy)", roles: &[] },
        PermissionSpec { codename: SALES_PRICES, description: "Create and change sales price lists", roles: &["sales"] },
        PermissionSpec { codename: SUPPLIER_PRICES, description: "Create and change supplier prices", roles: &["purchasing"] },
    ]);
    let sv = Access::Permission(crate::sales::VIEW);
    let pv = Access::Permission(crate::purchasing::VIEW);
    r.add(CommandSpec::query("price_list.list", sv, "Sales price lists with their items, by name; `search`: words in the name or the currency", |ctx, a: ListPriceListsArgs| {
        let t = ctx.tenant()?;
        pricing::list_lists(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("price_list.get", sv, "One price list with its customers and items", |ctx, a: IdArg<PriceListId>| {
        let t = ctx.tenant()?;
        pricing::get_list(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("price_list.create", Access::Permission(SALES_PRICES), "Create a price list (per currency, customers, validity dates; items with quantity breaks)", pricing::create_list));
    r.add(CommandSpec::mutation("price_list.update", Access::Permission(SALES_PRICES), "Replace a price list's header, customers and items", pricing::update_list));
    r.add(CommandSpec::mutation("price_list.set_archived", Access::Permission(SALES_PRICES), "Archive or restore a price list", |ctx, a: SetArchivedArg<PriceListId>| pricing::set_list_archived(ctx, a)));
    r.add(CommandSpec::query("supplier_price.list", pv, "Supplier prices, of a product or of a supplier", |ctx, a: ListSupplierPricesArgs| {
        let t = ctx.tenant()?;
        pricing::list_supplier_prices(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("supplier_price.get", pv, "One supplier price", |ctx, a: IdArg<SupplierPriceId>| {
        let t = ctx.tenant()?;
        pricing::get_supplier_price(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("supplier_price.create", Access::Permission(SUPPLIER_PRICES), "Record a supplier's price for a product (code, minimum quantity, lead time)", pricing::create_supplier_price));
    r.add(CommandSpec::mutation("supplier_price.update", Access::Permission(SUPPLIER_PRICES), "Change a supplier price", pricing::update_supplier_price));
    r.add(CommandSpec::mutation("supplier_price.delete", Access::Permission(SUPPLIER_PRICES), "Delete a supplier price", |ctx, a: IdArg<SupplierPriceId>| pricing::delete_supplier_price(ctx, a.id)));
    r.add(CommandSpec::mutation(
        "purchase.from_reorder",
        Access::Permission(crate::purchasing::MANAGE),
        "Turn the to-reorder list into draft purchase orders, one per supplier and warehouse (open orders count as coming in)",
        pricing::from_reorder,
    ));
    r.add(CommandSpec::query("trade.get_settings", Access::Permission(crate::sales::VIEW), "The sales and purchasing settings", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        engine::get_settings(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("trade.update_settings", Access::Permission(CHANGE_SETTINGS), "Change the invoicing policy (from delivered or from ordered quantities)", engine::update_settings));
    r.add(CommandSpec::query("trade.product_taxes", Access::Permission(crate::catalog::commands::VIEW_PRODUCT), "A product's default sales and purchase taxes", |ctx, a: ProductArg| {
        let t = ctx.tenant()?;
        engine::get_product_taxes(ctx.db(), &t, a.product_id)
    }));
    r.add(CommandSpec::mutation(
        "trade.set_product_taxes",
        Access::Permission(crate::catalog::commands::CHANGE_PRODUCT),
        "Set a product's default taxes on one side (the lines take them)",
        engine::set_product_taxes,
    ));
    r.add(CommandSpec::query(
        "trade.document",
        Access::Permission(crate::sales::VIEW),
        "A quotation, order, delivery note, invoice, credit note, bill or debit note ready to print (by id or number; purchase documents also need the purchasing view)",
        super::print::document,
    ));
}
