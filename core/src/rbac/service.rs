//! Role and membership rules, and the start-up sync of declared permissions.

use crate::error::{FieldCode, Reason};
use super::model::*;
use super::{BUILTIN_ROLES, repo};
use crate::command::{Ctx, Done, Registry, TenantCtx};
use crate::ids::{MembershipId, RoleId, TenantId};
use crate::validate::Checker;
use crate::{Error, Result};
use rusqlite::{Connection, TransactionBehavior, params};
use serde_json::json;
use std::collections::BTreeSet;

/// The grants built-in roles must have, derived from the declared permissions: Owner
/// gets everything; a `view_` permission that names no roles goes to every built-in role,
/// one that names roles (the audit log) only to those; any other permission to the roles
/// it names.
fn desired_builtin_grants(registry: &Registry) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for p in registry.permissions() {
        let open_view = is_view(p.codename) && p.roles.is_empty();
        for (key, _, _) in BUILTIN_ROLES {
            if *key == "owner" || open_view || p.roles.contains(key) {
                out.insert((key.to_string(), p.codename.to_string()));
            }
        }
    }
    out
}

fn is_view(codename: &str) -> bool {
    codename.split_once('.').is_some_and(|(_, a)| a.starts_with("view_"))
}

/// Makes the `permissions` table and the built-in roles match the declarations.
/// Writes only when something differs, so opening an up-to-date file writes nothing.
///
/// Permissions this build does not declare are left alone: a newer Cora may have
/// written them, and deleting them would cascade away custom roles' grants.
pub fn sync_permissions(conn: &mut Connection, registry: &Registry) -> Result<()> {
    let declared: BTreeSet<String> = registry.permissions().map(|p| p.codename.to_string()).collect();
    let desired = desired_builtin_grants(registry);
    let stored: BTreeSet<String> = repo::list_permission_codenames(conn)?.into_iter().collect();
    // Built-in grants of permissions this build knows; the others are a newer build's.
    let stored_grants: BTreeSet<(String, String)> = repo::list_builtin_grants(conn)?.into_iter().filter(|(_, p)| declared.contains(p)).collect();
    let roles_present: i64 = conn.query_row("SELECT count(*) FROM roles WHERE builtin_key IS NOT NULL", [], |r| r.get(0))?;
    if declared.is_subset(&stored) && stored_grants == desired && roles_present == BUILTIN_ROLES.len() as i64 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = chrono::Utc::now();
    for p in registry.permissions() {
        let module = p.codename.split('.').next().unwrap_or_default();
        tx.execute(
            "INSERT INTO permissions (codename, module, description) VALUES (?1, ?2, ?3)
             ON CONFLICT (codename) DO UPDATE SET module = excluded.module, description = excluded.description",
            params![p.codename, module, p.description],
        )?;
    }
    for (key, name, description) in BUILTIN_ROLES {
        tx.execute(
            "INSERT INTO roles (tenant_id, name, name_key, description, builtin_key, created_at) VALUES (NULL, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (builtin_key) DO UPDATE SET description = excluded.description",
            params![name, crate::keys::fold(name), description, key, now],
        )?;
        let id = repo::get_builtin_role_id(&tx, key)?;
        let current: BTreeSet<String> = repo::list_role_permissions(&tx, id)?.into_iter().collect();
        // Keep the grants of permissions only a newer build knows; derive the rest.
        let perms: Vec<String> =
            current.iter().filter(|p| !declared.contains(*p)).cloned().chain(desired.iter().filter(|(k, _)| k == key).map(|(_, p)| p.clone())).collect();
        repo::replace_role_permissions(&tx, id, &perms)?;
    }
    tx.commit()?;
    Ok(())
}

/// Checks the codenames and completes them: add, change and delete of an entity make
/// no sense without seeing it, so `m.add_x` brings `m.view_x` along (when it exists).
fn check_permissions(db: &Connection, perms: &[String]) -> Result<Vec<String>> {
    if perms.is_empty() {
        return Ok(Vec::new());
    }
    let known: BTreeSet<String> = repo::list_permission_codenames(db)?.into_iter().collect();
    let unknown: Vec<&str> = perms.iter().filter(|p| !known.contains(*p)).map(String::as_str).collect();
    if !unknown.is_empty() {
        return Err(Error::field("permissions", FieldCode::UnknownPermissions.with("permissions", unknown.join(", "))));
    }
    let mut out: BTreeSet<String> = perms.iter().cloned().collect();
    for p in perms {
        if let Some(view) = implied_view(p).filter(|v| known.contains(v)) {
            out.insert(view);
        }
    }
    Ok(out.into_iter().collect())
}

/// `m.view_x` for `m.add_x`, `m.change_x` and `m.delete_x`.
pub fn implied_view(codename: &str) -> Option<String> {
    let (module, action) = codename.split_once('.')?;
    ["add_", "change_", "delete_"].iter().find_map(|pre| action.strip_prefix(pre)).map(|entity| format!("{module}.view_{entity}"))
}

/// What the caller may hand out in company `t` (or globally, for `None`).
enum Granting {
    /// Superusers and the company's Owners: anything.
    Anything,
    /// Everyone else: only permissions they hold themselves, and never the Owner role.
    Only(BTreeSet<String>),
}

fn granting(ctx: &Ctx<'_>, t: Option<&TenantCtx>) -> Result<Granting> {
    let p = ctx.principal()?;
    if p.is_superuser {
        return Ok(Granting::Anything);
    }
    let Some(t) = t else { return Err(Error::forbidden(Reason::GlobalRolesAdminOnly)) };
    if repo::member_is_owner(ctx.db(), t.tenant_id(), p.user_id)? {
        return Ok(Granting::Anything);
    }
    Ok(Granting::Only(repo::list_member_permissions(ctx.db(), t.tenant_id(), p.user_id)?.into_iter().collect()))
}

/// Refuses to grant permissions the caller does not hold.
fn check_may_grant(ctx: &Ctx<'_>, t: Option<&TenantCtx>, perms: &[String]) -> Result<()> {
    if let Granting::Only(held) = granting(ctx, t)? {
        let missing: Vec<&str> = perms.iter().filter(|p| !held.contains(*p)).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(Error::forbidden(Reason::GrantBeyondOwn.with("permissions", missing.join(", "))));
        }
    }
    Ok(())
}

/// Refuses to assign a role carrying permissions the caller does not hold, and the Owner
/// role to anyone but an Owner or a superuser.
fn check_may_assign(ctx: &Ctx<'_>, t: &TenantCtx, role: &Role) -> Result<()> {
    if let Granting::Only(held) = granting(ctx, Some(t))? {
        if role.builtin.as_deref() == Some("owner") {
            return Err(Error::forbidden(Reason::OwnerOnly));
        }
        let missing: Vec<&str> = role.permissions.iter().filter(|p| !held.contains(*p)).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(Error::forbidden(Reason::GrantBeyondOwn.with("role", &role.name).with("permissions", missing.join(", "))));
        }
    }
    Ok(())
}

/// Only an Owner (or a superuser) changes or removes an Owner's membership.
fn check_may_touch(ctx: &Ctx<'_>, t: &TenantCtx, m: &Membership) -> Result<()> {
    let (current, _) = repo::get_role(ctx.db(), m.role_id)?;
    if current.builtin.as_deref() == Some("owner") && matches!(granting(ctx, Some(t))?, Granting::Only(_)) {
        return Err(Error::forbidden(Reason::OwnerOnly));
    }
    Ok(())
}

/// The company context for a role in `tenant` (the command's own company), if any.
fn tenant_ctx(ctx: &Ctx<'_>, tenant: Option<TenantId>) -> Result<Option<TenantCtx>> {
    match tenant {
        None => Ok(None),
        Some(_) => Ok(Some(ctx.tenant()?)),
    }
}

fn create_role(ctx: &mut Ctx<'_>, tenant: Option<TenantId>, a: CreateRoleArgs) -> Result<Role> {
    let mut c = Checker::new();
    let name = c.required("name", &a.name, 100);
    let description = c.optional("description", a.description.as_deref().unwrap_or(""), 500);
    c.finish()?;
    let perms = check_permissions(ctx.db(), a.permissions.as_deref().unwrap_or(&[]))?;
    check_may_grant(ctx, tenant_ctx(ctx, tenant)?.as_ref(), &perms)?;
    if repo::role_name_taken(ctx.db(), tenant, &name, None)? || repo::role_name_taken(ctx.db(), None, &name, None)? {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "role")));
    }
    let id = repo::insert_role(ctx.db(), tenant, &name, &description, None, ctx.now)?;
    repo::replace_role_permissions(ctx.db(), id, &perms)?;
    ctx.audit("role", id, json!({"name": name, "permissions": perms}));
    Ok(repo::get_role(ctx.db(), id)?.0)
}

/// The role a company command may change: one of this company's own, user-made roles.
fn own_role(db: &Connection, t: Option<&TenantCtx>, id: RoleId) -> Result<Role> {
    let (role, tenant) = repo::get_role(db, id)?;
    match (t, tenant) {
        (Some(t), Some(owner)) if owner != t.tenant_id() => return Err(Error::not_found("role", id)),
        (Some(_), None) => return Err(Error::forbidden(Reason::GlobalRolesAdminOnly)),
        (None, Some(_)) => return Err(Error::field("id", FieldCode::RoleNotGlobal)),
        _ => {}
    }
    if role.builtin.is_some() {
        return Err(Error::refused(Reason::BuiltinRole.with("role", &role.name)));
    }
    Ok(role)
}

fn update_role(ctx: &mut Ctx<'_>, t: Option<&TenantCtx>, a: UpdateRoleArgs) -> Result<Role> {
    let role = own_role(ctx.db(), t, a.id)?;
    let mut c = Checker::new();
    let name = a.name.as_deref().map(|n| c.required("name", n, 100)).unwrap_or_else(|| role.name.clone());
    let description = a.description.as_deref().map(|d| c.optional("description", d, 500)).unwrap_or_else(|| role.description.clone());
    c.finish()?;
    let tenant = t.map(|t| t.tenant_id());
    if repo::role_name_taken(ctx.db(), tenant, &name, Some(role.id))? || (tenant.is_some() && repo::role_name_taken(ctx.db(), None, &name, None)?) {
        return Err(Error::conflict("name", FieldCode::Duplicate.with("entity", "role")));
    }
    repo::update_role(ctx.db(), role.id, &name, &description)?;
    ctx.audit("role", role.id, json!({"name": [role.name, name], "description": [role.description, description]}));
    Ok(repo::get_role(ctx.db(), role.id)?.0)
}

fn set_permissions(ctx: &mut Ctx<'_>, t: Option<&TenantCtx>, a: SetPermissionsArgs) -> Result<Role> {
    let role = own_role(ctx.db(), t, a.id)?;
    let perms = check_permissions(ctx.db(), &a.permissions)?;
    // Granting is the rule; what the role already had may stay.
    let granted: Vec<String> = perms.iter().filter(|p| !role.permissions.contains(*p)).cloned().collect();
    check_may_grant(ctx, t, &granted)?;
    repo::replace_role_permissions(ctx.db(), role.id, &perms)?;
    let old: BTreeSet<&String> = role.permissions.iter().collect();
    let new: BTreeSet<&String> = perms.iter().collect();
    ctx.audit(
        "role",
        role.id,
        json!({"granted": new.difference(&old).collect::<Vec<_>>(), "revoked": old.difference(&new).collect::<Vec<_>>()}),
    );
    Ok(repo::get_role(ctx.db(), role.id)?.0)
}

fn delete_role(ctx: &mut Ctx<'_>, t: Option<&TenantCtx>, id: RoleId) -> Result<Done> {
    let role = own_role(ctx.db(), t, id)?;
    let members = repo::count_role_members(ctx.db(), id)?;
    if members > 0 {
        return Err(Error::refused(Reason::RoleInUse.with("members", members).with("role", &role.name)));
    }
    repo::delete_role(ctx.db(), id)?;
    ctx.audit("role", id, json!({"deleted": role.name}));
    Ok(Done::OK)
}

// --- command handlers: company roles -----------------------------------------------------

pub fn list_permissions(ctx: &mut Ctx<'_>) -> Result<Vec<Permission>> {
    repo::list_permissions(ctx.db())
}

pub fn list_roles(ctx: &mut Ctx<'_>) -> Result<Vec<Role>> {
    let t = ctx.tenant()?;
    repo::list_roles(ctx.db(), Some(&t))
}

pub fn get_role(ctx: &mut Ctx<'_>, id: RoleId) -> Result<Role> {
    let t = ctx.tenant()?;
    match repo::get_role(ctx.db(), id)? {
        (role, None) => Ok(role),
        (role, Some(owner)) if owner == t.tenant_id() => Ok(role),
        _ => Err(Error::not_found("role", id)),
    }
}

pub fn create_company_role(ctx: &mut Ctx<'_>, a: CreateRoleArgs) -> Result<Role> {
    let t = ctx.tenant()?;
    create_role(ctx, Some(t.tenant_id()), a)
}

pub fn update_company_role(ctx: &mut Ctx<'_>, a: UpdateRoleArgs) -> Result<Role> {
    let t = ctx.tenant()?;
    update_role(ctx, Some(&t), a)
}

pub fn set_company_role_permissions(ctx: &mut Ctx<'_>, a: SetPermissionsArgs) -> Result<Role> {
    let t = ctx.tenant()?;
    set_permissions(ctx, Some(&t), a)
}

pub fn delete_company_role(ctx: &mut Ctx<'_>, id: RoleId) -> Result<Done> {
    let t = ctx.tenant()?;
    delete_role(ctx, Some(&t), id)
}

// --- command handlers: global roles (superusers) -----------------------------------------

pub fn list_global_roles(ctx: &mut Ctx<'_>) -> Result<Vec<Role>> {
    repo::list_roles(ctx.db(), None)
}

pub fn create_global_role(ctx: &mut Ctx<'_>, a: CreateRoleArgs) -> Result<Role> {
    create_role(ctx, None, a)
}

pub fn update_global_role(ctx: &mut Ctx<'_>, a: UpdateRoleArgs) -> Result<Role> {
    update_role(ctx, None, a)
}

pub fn set_global_role_permissions(ctx: &mut Ctx<'_>, a: SetPermissionsArgs) -> Result<Role> {
    set_permissions(ctx, None, a)
}

pub fn delete_global_role(ctx: &mut Ctx<'_>, id: RoleId) -> Result<Done> {
    delete_role(ctx, None, id)
}

// --- memberships ---------------------------------------------------------------------------

/// A role usable in this company: global, or the company's own.
fn usable_role(db: &Connection, t: &TenantCtx, id: RoleId) -> Result<Role> {
    match repo::get_role(db, id) {
        Ok((role, None)) => Ok(role),
        Ok((role, Some(owner))) if owner == t.tenant_id() => Ok(role),
        Ok(_) | Err(Error::NotFound { .. }) => Err(Error::field("role_id", FieldCode::NotFound.with("entity", "role"))),
        Err(e) => Err(e),
    }
}

pub fn list_memberships(ctx: &mut Ctx<'_>) -> Result<Vec<Membership>> {
    let t = ctx.tenant()?;
    repo::list_memberships(ctx.db(), &t)
}

pub fn add_membership(ctx: &mut Ctx<'_>, a: AddMembershipArgs) -> Result<Membership> {
    let t = ctx.tenant()?;
    let mut c = Checker::new();
    let email = c.email("email", &a.email);
    c.finish()?;
    let user = crate::auth::repo::find_user_by_email(ctx.db(), &email)?.ok_or_else(|| Error::field("email", FieldCode::NotFound.with("entity", "user")))?;
    let role = usable_role(ctx.db(), &t, a.role_id)?;
    check_may_assign(ctx, &t, &role)?;
    if repo::is_member(ctx.db(), &t, user.id)? {
        return Err(Error::conflict("email", FieldCode::AlreadyMember));
    }
    let id = repo::insert_membership(ctx.db(), t.tenant_id(), user.id, role.id, ctx.now)?;
    ctx.audit("membership", id, json!({"email": user.email, "role": role.name}));
    repo::get_membership(ctx.db(), &t, id)
}

fn leaves_no_owner(db: &Connection, t: &TenantCtx, m: &Membership, new_role: Option<&Role>) -> Result<bool> {
    let (old_role, _) = repo::get_role(db, m.role_id)?;
    let was_owner = old_role.builtin.as_deref() == Some("owner");
    let stays_owner = new_role.is_some_and(|r| r.builtin.as_deref() == Some("owner"));
    Ok(was_owner && !stays_owner && repo::count_owners(db, t)? <= 1)
}

pub fn change_membership(ctx: &mut Ctx<'_>, a: ChangeMembershipArgs) -> Result<Membership> {
    let t = ctx.tenant()?;
    let m = repo::get_membership(ctx.db(), &t, a.id)?;
    let role = usable_role(ctx.db(), &t, a.role_id)?;
    check_may_touch(ctx, &t, &m)?;
    check_may_assign(ctx, &t, &role)?;
    if leaves_no_owner(ctx.db(), &t, &m, Some(&role))? {
        return Err(Error::refused(Reason::LastOwner));
    }
    repo::update_membership_role(ctx.db(), &t, m.id, role.id)?;
    ctx.audit("membership", m.id, json!({"email": m.email, "role": [m.role_name, role.name]}));
    repo::get_membership(ctx.db(), &t, m.id)
}

pub fn remove_membership(ctx: &mut Ctx<'_>, id: MembershipId) -> Result<Done> {
    let t = ctx.tenant()?;
    let m = repo::get_membership(ctx.db(), &t, id)?;
    check_may_touch(ctx, &t, &m)?;
    if leaves_no_owner(ctx.db(), &t, &m, None)? {
        return Err(Error::refused(Reason::LastOwner));
    }
    repo::delete_membership(ctx.db(), &t, id)?;
    ctx.audit("membership", id, json!({"removed": m.email, "role": m.role_name}));
    Ok(Done::OK)
}
