//! The registry entries of `sync.*`.

use super::MANAGE;
use super::model::*;
use super::sinks;
use crate::command::{Access, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry};

pub fn register(r: &mut Registry) {
    r.add_permissions(&[PermissionSpec {
        codename: MANAGE,
        description: "Configure where the company's changes are exported (sinks), see their status, resync them",
        roles: &[],
    }]);
    let m = Access::Permission(MANAGE);
    r.add(CommandSpec::query("sync.list_sinks", m, "The company's sinks with their state and lag", |ctx, _: NoArgs| sinks::list(ctx)));
    r.add(CommandSpec::query("sync.get_sink", m, "One sink with its state and lag", |ctx, a: IdArg<SinkId>| sinks::get(ctx, a)));
    r.add(CommandSpec::mutation("sync.add_sink", m, "Export the company's changes to a folder or a PostgreSQL database", sinks::add));
    r.add(CommandSpec::mutation("sync.update_sink", m, "Rename a sink, change its target, switch it off or on", sinks::update));
    r.add(CommandSpec::mutation("sync.resync_sink", m, "Load the whole company into the sink again (after a restore)", sinks::resync));
    r.add(CommandSpec::mutation("sync.remove_sink", m, "Stop exporting to a sink and drop the changes kept for it", sinks::remove));
}
