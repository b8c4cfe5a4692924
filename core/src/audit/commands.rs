use super::{ListAuditArgs, repo};
use crate::command::{Access, CommandSpec, PermissionSpec, Registry};

pub const VIEW: &str = "audit.view_auditlog";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[PermissionSpec { codename: VIEW, description: "Read the company's audit log", roles: &["accountant"] }]);
    r.add(CommandSpec::query("audit.list", Access::Permission(VIEW), "The company's audit log, newest first", |ctx, a: ListAuditArgs| {
        let t = ctx.tenant()?;
        repo::list(ctx.db(), Some(t.tenant_id()), false, &a)
    }));
    r.add(CommandSpec::query("audit.list_all", Access::Superuser, "The whole installation's audit log, newest first", |ctx, a: ListAuditArgs| {
        repo::list(ctx.db(), None, true, &a)
    }));
    super::feed::register(r);
}
