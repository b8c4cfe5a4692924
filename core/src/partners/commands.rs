use super::model::PartnerId;
use super::service;
use crate::command::{Access, CommandSpec, IdArg, PermissionSpec, Registry};

pub const VIEW: &str = "partner.view_partner";
pub const ADD: &str = "partner.add_partner";
pub const CHANGE: &str = "partner.change_partner";
pub const DELETE: &str = "partner.delete_partner";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See customers and suppliers", roles: &[] },
        PermissionSpec { codename: ADD, description: "Create customers and suppliers", roles: &["accountant", "sales", "purchasing"] },
        PermissionSpec { codename: CHANGE, description: "Change and archive customers and suppliers", roles: &["accountant", "sales", "purchasing"] },
        PermissionSpec { codename: DELETE, description: "Delete customers and suppliers nothing refers to", roles: &[] },
    ]);
    r.add(CommandSpec::query("partner.list", Access::Permission(VIEW), "Customers and suppliers: search, filter, sort, page", service::list));
    r.add(CommandSpec::query("partner.get", Access::Permission(VIEW), "One partner with addresses and contacts", |ctx, a: IdArg<PartnerId>| service::get(ctx, a.id)));
    r.add(CommandSpec::mutation("partner.create", Access::Permission(ADD), "Create a customer and/or supplier", service::create));
    r.add(CommandSpec::mutation("partner.update", Access::Permission(CHANGE), "Change a partner; given address/contact lists replace the old ones", service::update));
    r.add(CommandSpec::mutation("partner.set_archived", Access::Permission(CHANGE), "Archive or unarchive a partner", service::set_archived));
    r.add(CommandSpec::mutation("partner.import", Access::Permission(ADD), "Import partners from CSV: a dry run reports every bad row; a real run writes all or nothing", super::io::import));
    r.add(CommandSpec::query("partner.export", Access::Permission(VIEW), "Export partners as CSV or XLSX", super::io::export));
    r.add(CommandSpec::mutation("partner.delete", Access::Permission(DELETE), "Delete a partner nothing refers to", |ctx, a: IdArg<PartnerId>| service::delete(ctx, a.id)));
}
