use super::service;
use crate::command::{Access, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry};
use crate::ids::{MembershipId, RoleId};

pub const VIEW_ROLE: &str = "role.view_role";
pub const ADD_ROLE: &str = "role.add_role";
pub const CHANGE_ROLE: &str = "role.change_role";
pub const DELETE_ROLE: &str = "role.delete_role";
pub const VIEW_MEMBERSHIP: &str = "membership.view_membership";
pub const ADD_MEMBERSHIP: &str = "membership.add_membership";
pub const CHANGE_MEMBERSHIP: &str = "membership.change_membership";
pub const DELETE_MEMBERSHIP: &str = "membership.delete_membership";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW_ROLE, description: "See roles and their permissions", roles: &[] },
        PermissionSpec { codename: ADD_ROLE, description: "Create company roles", roles: &[] },
        PermissionSpec { codename: CHANGE_ROLE, description: "Rename company roles and set their permissions", roles: &[] },
        PermissionSpec { codename: DELETE_ROLE, description: "Delete unused company roles", roles: &[] },
        PermissionSpec { codename: VIEW_MEMBERSHIP, description: "See who is a member of the company", roles: &[] },
        PermissionSpec { codename: ADD_MEMBERSHIP, description: "Add users to the company", roles: &[] },
        PermissionSpec { codename: CHANGE_MEMBERSHIP, description: "Change members' roles", roles: &[] },
        PermissionSpec { codename: DELETE_MEMBERSHIP, description: "Remove members from the company", roles: &[] },
    ]);
    r.add(CommandSpec::query("permission.list", Access::Authenticated, "Every permission", |ctx, _: NoArgs| service::list_permissions(ctx)));

    r.add(CommandSpec::query("role.list", Access::Permission(VIEW_ROLE), "Global roles and this company's roles", |ctx, _: NoArgs| service::list_roles(ctx)));
    r.add(CommandSpec::query("role.get", Access::Permission(VIEW_ROLE), "One role with its permissions", |ctx, a: IdArg<RoleId>| service::get_role(ctx, a.id)));
    r.add(CommandSpec::mutation("role.create", Access::Permission(ADD_ROLE), "Create a role for this company", service::create_company_role));
    r.add(CommandSpec::mutation("role.update", Access::Permission(CHANGE_ROLE), "Rename or describe one of this company's roles", service::update_company_role));
    r.add(CommandSpec::mutation("role.set_permissions", Access::Permission(CHANGE_ROLE), "Set the permissions of one of this company's roles", service::set_company_role_permissions));
    r.add(CommandSpec::mutation("role.delete", Access::Permission(DELETE_ROLE), "Delete an unused role of this company", |ctx, a: IdArg<RoleId>| service::delete_company_role(ctx, a.id)));

    r.add(CommandSpec::query("role.list_global", Access::Superuser, "Global roles", |ctx, _: NoArgs| service::list_global_roles(ctx)));
    r.add(CommandSpec::mutation("role.create_global", Access::Superuser, "Create a role usable in every company", service::create_global_role));
    r.add(CommandSpec::mutation("role.update_global", Access::Superuser, "Rename or describe a global role", service::update_global_role));
    r.add(CommandSpec::mutation("role.set_global_permissions", Access::Superuser, "Set the permissions of a global role", service::set_global_role_permissions));
    r.add(CommandSpec::mutation("role.delete_global", Access::Superuser, "Delete an unused global role", |ctx, a: IdArg<RoleId>| service::delete_global_role(ctx, a.id)));

    r.add(CommandSpec::query("membership.list", Access::Permission(VIEW_MEMBERSHIP), "Members of this company and their roles", |ctx, _: NoArgs| service::list_memberships(ctx)));
    r.add(CommandSpec::mutation("membership.add", Access::Permission(ADD_MEMBERSHIP), "Make an existing user a member with a role", service::add_membership));
    r.add(CommandSpec::mutation("membership.change_role", Access::Permission(CHANGE_MEMBERSHIP), "Give a member another role", service::change_membership));
    r.add(CommandSpec::mutation("membership.remove", Access::Permission(DELETE_MEMBERSHIP), "Remove a member from this company", |ctx, a: IdArg<MembershipId>| service::remove_membership(ctx, a.id)));
}
