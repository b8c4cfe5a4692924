//! The registry entries of `bom.*`, `work_centre.*` and `production.*`.

use super::model::*;
use super::{BOMS, ORDERS, SETUP, VIEW};
use super::{boms, orders, planning, settings};
use crate::command::{Access, ArchivedArg, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry};

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See bills of materials, work centres, production orders and their costs", roles: &["warehouse", "accountant"] },
        PermissionSpec { codename: BOMS, description: "Create and change bills of materials and work centres", roles: &["warehouse"] },
        PermissionSpec { codename: ORDERS, description: "Create, confirm, consume, produce, close, cancel and unbuild production orders", roles: &["warehouse"] },
        PermissionSpec { codename: SETUP, description: "Change the production accounts", roles: &["accountant"] },
    ]);
    let v = Access::Permission(VIEW);
    let b = Access::Permission(BOMS);
    let o = Access::Permission(ORDERS);
    let s = Access::Permission(SETUP);

    r.add(CommandSpec::query("production.get_settings", v, "Production settings: the WIP, absorption and variance accounts", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        settings::get(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("production.update_settings", s, "Change the production accounts", settings::update));

    r.add(CommandSpec::query("work_centre.list", v, "Work centres, by code", |ctx, a: ArchivedArg| {
        let t = ctx.tenant()?;
        settings::list_centres(ctx.db(), &t, a.include_archived.unwrap_or(false))
    }));
    r.add(CommandSpec::query("work_centre.get", v, "One work centre", |ctx, a: IdArg<WorkCentreId>| {
        let t = ctx.tenant()?;
        settings::get_centre(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("work_centre.create", b, "Create a work centre with its cost per hour", settings::create_centre));
    r.add(CommandSpec::mutation("work_centre.update", b, "Change a work centre", settings::update_centre));
    r.add(CommandSpec::mutation("work_centre.set_archived", b, "Archive or restore a work centre", settings::set_centre_archived));

    r.add(CommandSpec::query("bom.list", v, "Bills of materials, by product or search", |ctx, a: ListBomsArgs| {
        let t = ctx.tenant()?;
        boms::list(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("bom.get", v, "One bill of materials with its lines, operations and cost roll-up", |ctx, a: IdArg<BomId>| {
        let t = ctx.tenant()?;
        boms::get(ctx.db(), &t, a.id, crate::accounting::periods::today(ctx.db(), &t, ctx.now)?)
    }));
    r.add(CommandSpec::mutation("bom.create", b, "Create a bill of materials (cycles refused, naming the path)", boms::create));
    r.add(CommandSpec::mutation("bom.update", b, "Replace a bill of materials' header, lines and operations", boms::update));
    r.add(CommandSpec::mutation("bom.set_archived", b, "Archive or restore a bill of materials", boms::set_archived));
    r.add(CommandSpec::query("bom.explode", v, "A product's multi-level explosion for a quantity, with the cost roll-up per node", |ctx, a: ExplodeArgs| {
        let t = ctx.tenant()?;
        boms::explode(ctx.db(), &t, &a, crate::accounting::periods::today(ctx.db(), &t, ctx.now)?)
    }));
    r.add(CommandSpec::query("bom.where_used", v, "The bills of materials a product is used in, one level or all", |ctx, a: WhereUsedArgs| {
        let t = ctx.tenant()?;
        boms::where_used(ctx.db(), &t, &a)
    }));

    r.add(CommandSpec::query("production.list_orders", v, "Production orders, newest first", |ctx, a: ListOrdersArgs| {
        let t = ctx.tenant()?;
        orders::list(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("production.get_order", v, "One production order with its lines, operations, steps and costs", |ctx, a: IdArg<ProductionOrderId>| {
        let t = ctx.tenant()?;
        orders::get(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("production.create_order", o, "Create a draft production order from a product's BOM", orders::create));
    r.add(CommandSpec::mutation("production.update_order", o, "Change a draft production order (lines copied again from the BOM)", orders::update));
    r.add(CommandSpec::mutation("production.delete_order", o, "Delete a draft production order", orders::delete));
    r.add(CommandSpec::mutation("production.confirm_order", o, "Confirm: numbered, standard cost recorded, components reserved", orders::confirm));
    r.add(CommandSpec::mutation("production.consume", o, "Take components for an order (by lot where tracked)", orders::consume));
    r.add(CommandSpec::mutation(
        "production.produce",
        o,
        "Produce a quantity: components consumed, operations absorbed, output into stock at its cost",
        orders::produce,
    ));
    r.add(CommandSpec::mutation("production.finish_order", o, "Close an order short; what is left in WIP goes to variances", orders::finish));
    r.add(CommandSpec::mutation("production.cancel_order", o, "Cancel an order before anything is produced; consumed components come back", orders::cancel));
    r.add(CommandSpec::mutation("production.unbuild", o, "Take a done order's output apart into its components at the cost it was built with", orders::unbuild));
    r.add(CommandSpec::query("production.check", v, "The WIP account against the orders in progress", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        orders::check(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation(
        "planning.run",
        o,
        "Run the requirements: net sales, production and reorder demand against stock and supply, level by level, into make and buy proposals",
        planning::run,
    ));
    r.add(CommandSpec::query("planning.get_run", v, "One planning run with its proposals and the demands each covers", |ctx, a: IdArg<PlanningRunId>| {
        let t = ctx.tenant()?;
        planning::get(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::query("planning.latest_run", v, "The latest planning run, if any", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        planning::latest(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("planning.confirm", o, "Turn proposals into production orders and draft purchase orders", planning::confirm));
    r.add(CommandSpec::mutation("planning.dismiss", o, "Dismiss proposals", planning::dismiss));
    r.add(CommandSpec::query("production.trace_lot", v, "A produced lot and the component lots it was made from, at any depth", |ctx, a: TraceArgs| {
        let t = ctx.tenant()?;
        orders::trace(ctx.db(), &t, &a)
    }));
}
