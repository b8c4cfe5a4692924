use super::model::*;
use super::{count, engine, places, replenish, report, stock};
use crate::command::{Access, ArchivedArg, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry, SetArchivedArg};

pub const VIEW_STOCK: &str = "inventory.view_stock";
pub const MOVE_STOCK: &str = "inventory.move_stock";
pub const CHANGE_SETUP: &str = "inventory.change_setup";
pub const VIEW_VALUATION: &str = "inventory.view_valuation";
pub const LANDED_COSTS: &str = "inventory.landed_costs";

pub fn register(r: &mut Registry) {
    // Everyone sees stock levels; the Warehouse role moves stock and keeps the setup;
    // the value of stock is for Owners and Accountants.
    r.add_permissions(&[
        PermissionSpec { codename: VIEW_STOCK, description: "See warehouses, locations, pickings, lots and stock on hand", roles: &[] },
        PermissionSpec { codename: MOVE_STOCK, description: "Create, confirm, do and cancel pickings (receipts, deliveries, transfers, adjustments, scrap) and lots", roles: &["warehouse"] },
        PermissionSpec { codename: CHANGE_SETUP, description: "Change warehouses, locations, product tracking and the inventory settings", roles: &["warehouse"] },
        PermissionSpec { codename: VIEW_VALUATION, description: "See the value of stock and its costs", roles: &["accountant"] },
        PermissionSpec { codename: LANDED_COSTS, description: "Add landed costs (freight, duty) to done receipts, posted to the books", roles: &["accountant"] },
    ]);
    let v = Access::Permission(VIEW_STOCK);
    let mv = Access::Permission(MOVE_STOCK);
    let setup = Access::Permission(CHANGE_SETUP);

    // Places.
    r.add(CommandSpec::query("warehouse.list", v, "Warehouses, by code", |ctx, a: ArchivedArg| {
        let t = ctx.tenant()?;
        places::list_warehouses(ctx.db(), &t, a.include_archived.unwrap_or(false))
    }));
    r.add(CommandSpec::query("warehouse.get", v, "One warehouse", |ctx, a: IdArg<WarehouseId>| {
        let t = ctx.tenant()?;
        places::get_warehouse(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("warehouse.create", setup, "Create a warehouse with its root stock location", places::create_warehouse));
    r.add(CommandSpec::mutation("warehouse.update", setup, "Change a warehouse's code, name or address", places::update_warehouse));
    r.add(CommandSpec::mutation("warehouse.set_archived", setup, "Archive (holding no stock) or restore a warehouse", places::set_warehouse_archived));
    r.add(CommandSpec::query("location.list", v, "Locations: each warehouse's tree, then the virtual ones", |ctx, a: ListLocationsArgs| {
        let t = ctx.tenant()?;
        places::list_locations(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::mutation("location.create", setup, "Create an internal location under another (Stock → Shelf A → Bin 3)", places::create_location));
    r.add(CommandSpec::mutation("location.update", setup, "Rename an internal location", places::update_location));
    r.add(CommandSpec::mutation("location.set_archived", setup, "Archive (holding no stock, with what is under it) or restore an internal location", |ctx, a: SetArchivedArg<LocationId>| {
        places::set_location_archived(ctx, a)
    }));

    // Pickings: the stock-move engine.
    r.add(CommandSpec::query("picking.list", v, "Pickings, newest first", |ctx, a: ListPickingsArgs| {
        let t = ctx.tenant()?;
        engine::list_pickings(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("picking.get", v, "One picking with its moves", |ctx, a: IdArg<PickingId>| {
        let t = ctx.tenant()?;
        engine::get_picking(ctx.db(), &t, a.id)
    }));
    // Production pickings are made and moved by their production orders only.
    let manual = |ctx: &crate::command::Ctx<'_>, id: PickingId| -> crate::Result<()> {
        let t = ctx.tenant()?;
        engine::require_manual(ctx.db(), &t, id)
    };
    let not_production = |kind: PickingKind| -> crate::Result<()> {
        if kind == PickingKind::Production {
            return Err(crate::Error::field("kind", crate::FieldCode::Invalid));
        }
        Ok(())
    };
    r.add(CommandSpec::mutation("picking.create", mv, "Create a draft picking (kits become their components' moves)", move |ctx, a: PickingInput| {
        not_production(a.kind)?;
        engine::create_picking(ctx, a)
    }));
    r.add(CommandSpec::mutation("picking.update", mv, "Replace a draft picking's header and lines", move |ctx, a: UpdatePickingArgs| {
        manual(ctx, a.id)?;
        not_production(a.picking.kind)?;
        engine::update_picking(ctx, a)
    }));
    r.add(CommandSpec::mutation("picking.delete", mv, "Delete a draft picking", move |ctx, a: IdArg<PickingId>| {
        manual(ctx, a.id)?;
        engine::delete_picking(ctx, a.id)
    }));
    r.add(CommandSpec::mutation("picking.confirm", mv, "Draft → ready: its outgoing moves reserve stock", move |ctx, a: IdArg<PickingId>| {
        manual(ctx, a.id)?;
        engine::confirm(ctx, a.id)
    }));
    r.add(CommandSpec::mutation("picking.done", mv, "Make a picking effective: numbered, stock on hand updated, moves immutable", move |ctx, a: IdArg<PickingId>| {
        manual(ctx, a.id)?;
        engine::done(ctx, a.id)
    }));
    r.add(CommandSpec::mutation(
        "picking.done_batch",
        mv,
        "Do many pickings in one transaction, in order: all done, or none when one is refused",
        move |ctx, a: DoneBatchArgs| {
            for id in &a.ids {
                manual(ctx, *id)?;
            }
            engine::done_batch(ctx, a)
        },
    ));
    r.add(CommandSpec::mutation(
        "transfer.ship",
        mv,
        "Ship goods to another warehouse through transit: the shipment is done now, the receipt at the destination drafted for its arrival",
        super::transit::ship,
    ));
    r.add(CommandSpec::mutation("picking.cancel", mv, "Cancel a draft or ready picking", move |ctx, a: IdArg<PickingId>| {
        manual(ctx, a.id)?;
        engine::cancel(ctx, a.id)
    }));

    // Stocktaking: count sheets, posted as one adjustment through the engine.
    r.add(CommandSpec::query("count.list", v, "Stock counts, newest first", |ctx, a: ListCountsArgs| {
        let t = ctx.tenant()?;
        count::list(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("count.get", v, "One stock count with its sheet (a blind count hides expected quantities while it runs, unless reviewed)", count::get));
    r.add(CommandSpec::mutation("count.create", mv, "Start a stock count of a warehouse, location or category: expected quantities frozen now", count::create));
    r.add(CommandSpec::mutation("count.set_counts", mv, "Enter counted quantities (by line, product, barcode or SKU; set or add)", count::set_counts));
    r.add(CommandSpec::mutation("count.post", mv, "Post a stock count: its differences become one adjustment picking, done", count::post));
    r.add(CommandSpec::mutation("count.cancel", mv, "Cancel a running stock count (nothing moves)", |ctx, a: IdArg<CountId>| count::cancel(ctx, a.id)));

    // Stock.
    r.add(CommandSpec::query("stock.on_hand", v, "A product's stock on hand, reserved and available (or at the end of a past day), by location and lot", |ctx, a: OnHandArgs| {
        let t = ctx.tenant()?;
        stock::on_hand(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("stock.moves", v, "A product's movement history with its running quantity, oldest or newest first, optionally in a date range", |ctx, a: StockMovesArgs| {
        let t = ctx.tenant()?;
        stock::moves(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("stock.report", v, "Stock across products, now or at the end of a past day, by product, location or lot; keyset-paged by SKU", |ctx, a: StockReportArgs| {
        let t = ctx.tenant()?;
        report::stock_report(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("lot.list", v, "Lots and serial numbers with their quantity on hand, by SKU and code, paged", |ctx, a: ListLotsArgs| {
        let t = ctx.tenant()?;
        stock::list_lots(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::mutation("lot.create", mv, "Create a lot or serial number of a tracked product", stock::create_lot));
    r.add(CommandSpec::query("lot.trace", v, "Trace a lot through its moves: where it came from, where it went, where it is", |ctx, a: IdArg<LotId>| {
        let t = ctx.tenant()?;
        stock::trace(ctx.db(), &t, a.id)
    }));

    // Replenishment.
    r.add(CommandSpec::query("reorder_rule.list", v, "Reorder rules (min, max, multiple per product and warehouse), by SKU", |ctx, a: ListReorderRulesArgs| {
        let t = ctx.tenant()?;
        replenish::list_rules(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("reorder_rule.get", v, "One reorder rule", |ctx, a: IdArg<ReorderRuleId>| {
        let t = ctx.tenant()?;
        replenish::get_rule(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("reorder_rule.create", setup, "Create a reorder rule for a stockable product in a warehouse", replenish::create_rule));
    r.add(CommandSpec::mutation("reorder_rule.update", setup, "Change a reorder rule's min, max, multiple or preferred supplier", replenish::update_rule));
    r.add(CommandSpec::mutation("reorder_rule.set_archived", setup, "Archive (it suggests nothing) or restore a reorder rule", replenish::set_rule_archived));
    r.add(CommandSpec::mutation("reorder_rule.delete", setup, "Delete a reorder rule", replenish::delete_rule));
    r.add(CommandSpec::query(
        "stock.to_reorder",
        v,
        "What to order: each active rule whose forecast (on hand − reserved + incoming) is below its minimum, with the quantity up to its maximum in multiples",
        |ctx, a: ToReorderArgs| {
            let t = ctx.tenant()?;
            replenish::to_reorder(ctx.db(), &t, &a)
        },
    ));

    // Settings and checks.
    r.add(CommandSpec::query("inventory.settings", v, "The company's inventory settings", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        places::get_settings(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("inventory.update_settings", setup, "Allow or refuse negative stock; choose the costing method; set or clear the loss/gain account", places::update_settings));
    r.add(CommandSpec::mutation("inventory.set_tracking", setup, "Track a product by lot, by serial number, or not (before it has moves)", stock::set_tracking));
    r.add(CommandSpec::query(
        "inventory.valuation",
        Access::Permission(VIEW_VALUATION),
        "Stock value now or at the end of a past day: quantity, unit cost and value per product; the total equals the inventory account",
        |ctx, a: ValuationArgs| {
            let t = ctx.tenant()?;
            super::valuation::valuation(ctx.db(), &t, &a)
        },
    ));
    r.add(CommandSpec::mutation(
        "landed_cost.add",
        Access::Permission(LANDED_COSTS),
        "Add a landed cost to a done receipt, spread by value or quantity; revalues its products from the receipt on and posts the difference",
        super::valuation::add_landed_cost,
    ));
    r.add(CommandSpec::query("landed_cost.list", Access::Permission(VIEW_VALUATION), "The landed costs of a receipt", |ctx, a: IdArg<PickingId>| {
        let t = ctx.tenant()?;
        super::valuation::list_landed_costs(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::query("inventory.check", v, "Recompute stock on hand from the done moves; report drift, negative stock and serials in two places", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        stock::check(ctx.db(), &t)
    }));
}
