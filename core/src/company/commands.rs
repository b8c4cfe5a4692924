use super::service;
use crate::command::{Access, CommandSpec, NoArgs, PermissionSpec, Registry};

pub const VIEW: &str = "company.view_company";
pub const CHANGE: &str = "company.change_company";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See the company's settings", roles: &[] },
        PermissionSpec { codename: CHANGE, description: "Change the company's settings", roles: &[] },
    ]);
    r.add(CommandSpec::mutation("company.create", Access::Superuser, "Create a company; its creator becomes its Owner", service::create));
    r.add(CommandSpec::query("company.list", Access::Authenticated, "The companies you can open, most recently used first", service::list));
    r.add(CommandSpec::query("company.get", Access::Permission(VIEW), "The current company's settings", |ctx, _: NoArgs| service::get(ctx)));
    r.add(CommandSpec::mutation("company.update", Access::Permission(CHANGE), "Change the current company's settings", service::update));
    r.add(CommandSpec::query("company.get_logo", Access::Permission(VIEW), "The current company's logo (null when it has none)", |ctx, _: NoArgs| service::get_logo(ctx)));
    r.add(CommandSpec::mutation("company.set_logo", Access::Permission(CHANGE), "Set the current company's logo (PNG or JPEG, at most 512 KiB, base64), printed on its documents", service::set_logo));
    r.add(CommandSpec::mutation("company.remove_logo", Access::Permission(CHANGE), "Remove the current company's logo", |ctx, _: NoArgs| service::remove_logo(ctx)));
    r.add(CommandSpec::mutation("company.set_archived", Access::Superuser, "Archive or unarchive a company", service::set_archived));
}
