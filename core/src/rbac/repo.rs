//! SQL for permissions, roles and memberships.

use super::model::*;
use crate::command::TenantCtx;
use crate::ids::{MembershipId, RoleId, TenantId, UserId};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub fn member_has_permission(db: &Connection, tenant: TenantId, user: UserId, perm: &str) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "SELECT 1 FROM memberships m JOIN role_permissions rp ON rp.role_id = m.role_id
             WHERE m.tenant_id = ?1 AND m.user_id = ?2 AND rp.permission = ?3",
        )?
        .query_row(params![tenant, user, perm], |_| Ok(()))
        .optional()?
        .is_some())
}

/// True when the user's role in the company is the built-in Owner.
pub fn member_is_owner(db: &Connection, tenant: TenantId, user: UserId) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "SELECT 1 FROM memberships m JOIN roles r ON r.id = m.role_id
             WHERE m.tenant_id = ?1 AND m.user_id = ?2 AND r.builtin_key = 'owner'",
        )?
        .query_row(params![tenant, user], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn list_member_permissions(db: &Connection, tenant: TenantId, user: UserId) -> Result<Vec<String>> {
    let mut stmt = db.prepare_cached(
        "SELECT rp.permission FROM memberships m JOIN role_permissions rp ON rp.role_id = m.role_id
         WHERE m.tenant_id = ?1 AND m.user_id = ?2 ORDER BY rp.permission",
    )?;
    let rows = stmt.query_map(params![tenant, user], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_permission_codenames(db: &Connection) -> Result<Vec<String>> {
    let mut stmt = db.prepare_cached("SELECT codename FROM permissions ORDER BY codename")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_permissions(db: &Connection) -> Result<Vec<Permission>> {
    let mut stmt = db.prepare_cached("SELECT codename, module, description FROM permissions ORDER BY module, codename")?;
    let rows = stmt.query_map([], |r| Ok(Permission { codename: r.get(0)?, module: r.get(1)?, description: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every (built-in role key, permission) grant as stored.
pub fn list_builtin_grants(db: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = db.prepare(
        "SELECT r.builtin_key, rp.permission FROM roles r JOIN role_permissions rp ON rp.role_id = r.id
         WHERE r.builtin_key IS NOT NULL ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_builtin_role_id(db: &Connection, key: &str) -> Result<RoleId> {
    db.prepare_cached("SELECT id FROM roles WHERE builtin_key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("role", key))
}

pub fn list_role_permissions(db: &Connection, id: RoleId) -> Result<Vec<String>> {
    let mut stmt = db.prepare_cached("SELECT permission FROM role_permissions WHERE role_id = ?1 ORDER BY permission")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A role with the company it belongs to (`None` for a global role).
pub fn get_role(db: &Connection, id: RoleId) -> Result<(Role, Option<TenantId>)> {
    let (mut role, tenant) = db
        .prepare_cached("SELECT id, name, description, tenant_id, builtin_key FROM roles WHERE id = ?1")?
        .query_row([id], |r| {
            let tenant: Option<TenantId> = r.get(3)?;
            Ok((
                Role { id: r.get(0)?, name: r.get(1)?, description: r.get(2)?, global: tenant.is_none(), builtin: r.get(4)?, permissions: vec![] },
                tenant,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("role", id))?;
    role.permissions = list_role_permissions(db, id)?;
    Ok((role, tenant))
}

/// Global roles and, with a tenant, that company's roles; built-in first, then by name.
pub fn list_roles(db: &Connection, tenant: Option<&TenantCtx>) -> Result<Vec<Role>> {
    let mut stmt = db.prepare_cached(
        "SELECT id FROM roles WHERE tenant_id IS NULL OR tenant_id = ?1
         ORDER BY builtin_key IS NULL, tenant_id IS NOT NULL, name COLLATE NOCASE",
    )?;
    let ids: Vec<RoleId> = stmt.query_map([tenant.map(|t| t.tenant_id())], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_role(db, id).map(|(r, _)| r)).collect()
}

pub fn role_name_taken(db: &Connection, tenant: Option<TenantId>, name: &str, except: Option<RoleId>) -> Result<bool> {
    Ok(db
        .prepare_cached(
            "SELECT 1 FROM roles WHERE coalesce(tenant_id, 0) = coalesce(?1, 0) AND name_key = ?2 AND id IS NOT ?3",
        )?
        .query_row(params![tenant, crate::keys::fold(name), except], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert_role(db: &Connection, tenant: Option<TenantId>, name: &str, description: &str, builtin: Option<&str>, now: DateTime<Utc>) -> Result<RoleId> {
    db.prepare_cached("INSERT INTO roles (tenant_id, name, name_key, description, builtin_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![tenant, name, crate::keys::fold(name), description, builtin, now])?;
    Ok(RoleId(db.last_insert_rowid()))
}

pub fn update_role(db: &Connection, id: RoleId, name: &str, description: &str) -> Result<()> {
    db.execute("UPDATE roles SET name = ?2, name_key = ?3, description = ?4 WHERE id = ?1", params![id, name, crate::keys::fold(name), description])?;
    Ok(())
}

pub fn replace_role_permissions(db: &Connection, id: RoleId, perms: &[String]) -> Result<()> {
    db.prepare_cached("DELETE FROM role_permissions WHERE role_id = ?1")?.execute([id])?;
    let mut ins = db.prepare_cached("INSERT INTO role_permissions (role_id, permission) VALUES (?1, ?2)")?;
    for p in perms {
        ins.execute(params![id, p])?;
    }
    Ok(())
}

pub fn delete_role(db: &Connection, id: RoleId) -> Result<()> {
    db.execute("DELETE FROM roles WHERE id = ?1", [id])?;
    Ok(())
}

pub fn count_role_members(db: &Connection, id: RoleId) -> Result<i64> {
    Ok(db.query_row("SELECT count(*) FROM memberships WHERE role_id = ?1", [id], |r| r.get(0))?)
}

// --- memberships -----------------------------------------------------------------------

pub fn insert_membership(db: &Connection, tenant: TenantId, user: UserId, role: RoleId, now: DateTime<Utc>) -> Result<MembershipId> {
    db.prepare_cached("INSERT INTO memberships (tenant_id, user_id, role_id, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![tenant, user, role, now])?;
    Ok(MembershipId(db.last_insert_rowid()))
}

const MEMBER_SELECT: &str = "SELECT m.id, m.user_id, u.email, u.display_name, u.is_active, m.role_id, r.name
     FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id";

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Membership> {
    Ok(Membership {
        id: r.get(0)?,
        user_id: r.get(1)?,
        email: r.get(2)?,
        display_name: r.get(3)?,
        user_active: r.get(4)?,
        role_id: r.get(5)?,
        role_name: r.get(6)?,
    })
}

pub fn list_memberships(db: &Connection, t: &TenantCtx) -> Result<Vec<Membership>> {
    let mut stmt = db.prepare_cached(&format!("{MEMBER_SELECT} WHERE m.tenant_id = ?1 ORDER BY u.email_key"))?;
    let rows = stmt.query_map([t.tenant_id()], member_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_membership(db: &Connection, t: &TenantCtx, id: MembershipId) -> Result<Membership> {
    db.prepare_cached(&format!("{MEMBER_SELECT} WHERE m.tenant_id = ?1 AND m.id = ?2"))?
        .query_row(params![t.tenant_id(), id], member_row)
        .optional()?
        .ok_or_else(|| Error::not_found("membership", id))
}

pub fn is_member(db: &Connection, t: &TenantCtx, user: UserId) -> Result<bool> {
    Ok(db
        .query_row("SELECT 1 FROM memberships WHERE tenant_id = ?1 AND user_id = ?2", params![t.tenant_id(), user], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn update_membership_role(db: &Connection, t: &TenantCtx, id: MembershipId, role: RoleId) -> Result<()> {
    db.execute("UPDATE memberships SET role_id = ?3 WHERE tenant_id = ?1 AND id = ?2", params![t.tenant_id(), id, role])?;
    Ok(())
}

pub fn delete_membership(db: &Connection, t: &TenantCtx, id: MembershipId) -> Result<()> {
    db.execute("DELETE FROM memberships WHERE tenant_id = ?1 AND id = ?2", params![t.tenant_id(), id])?;
    Ok(())
}

pub fn count_owners(db: &Connection, t: &TenantCtx) -> Result<i64> {
    Ok(db.query_row(
        "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.tenant_id = ?1 AND r.builtin_key = 'owner'",
        [t.tenant_id()],
        |r| r.get(0),
    )?)
}
