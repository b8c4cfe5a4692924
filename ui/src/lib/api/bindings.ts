// Generated from the Rust types by `cora gen-types`. Do not edit: CI fails when this file is stale.

export type AddMembershipArgs = { 
/**
 * The email of an existing user.
 */
email: string, role_id: RoleId, };

export type AuditId = number;

export type AuditPage = { rows: Array<AuditRow>, 
/**
 * Pass as `before` for the next page; absent on the last page.
 */
next: AuditId | null, };

export type AuditRow = { id: AuditId, at: string, user_id: UserId | null, user_email: string | null, company_id: TenantId | null, command: string, entity: string, entity_id: string | null, summary: JsonValue, };

export type BootstrapArgs = { email: string, display_name: string, password: string, };

export type ChangeMembershipArgs = { id: MembershipId, role_id: RoleId, };

export type ChangePasswordArgs = { old_password: string, new_password: string, };

export type Company = { id: TenantId, code: string, name: string, legal_name: string, tax_id: string, base_currency: string, locale: string, timezone: string, fiscal_year_start_month: number, address: CompanyAddress, color: string, archived: boolean, created_at: string, updated_at: string, };

export type CompanyAddress = { line1: string, line2: string, postal_code: string, city: string, 
/**
 * State, province or region.
 */
region: string, 
/**
 * ISO 3166-1 alpha-2, or empty.
 */
country_code: string, };

export type CompanyPermissions = { company: CompanyRef, permissions: Array<string>, };

export type CompanyRef = number | string;

export type CompanySummary = { id: TenantId, code: string, name: string, color: string, initials: string, base_currency: string, locale: string, archived: boolean, 
/**
 * The caller's role in it (none for a superuser who is not a member).
 */
role: string | null, };

export type CreateCompanyArgs = { code: string, name: string, legal_name?: string, tax_id?: string, base_currency: string, locale?: string, timezone?: string, fiscal_year_start_month?: number, address?: CompanyAddress, color?: string, };

export type CreateRoleArgs = { name: string, description?: string, permissions?: Array<string>, };

export type CreateUserArgs = { email: string, display_name: string, password: string, is_superuser?: boolean, };

export type Done = { ok: boolean, };

export type ErrorBody = { code: ErrorCode, message: string, fields: Array<FieldError>, 
/**
 * Seconds until a throttled sign-in may be tried again.
 */
retry_after_secs?: number, };

export type ErrorCode = "validation" | "not_found" | "forbidden" | "unauthenticated" | "conflict" | "throttled" | "internal";

export type FieldError = { 
/**
 * The field's name as in the command's args (dotted for nested fields: `address.city`).
 */
field: string, message: string, };

export type IdArg<T> = { id: T, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type ListAuditArgs = { 
/**
 * Rows older than this id (for the next page).
 */
before?: AuditId, 
/**
 * At most this many rows (default 100, at most 1000).
 */
limit?: number, entity?: string, command?: string, };

export type ListCompaniesArgs = { include_archived?: boolean, };

export type ListUsersArgs = { 
/**
 * Matches email or display name.
 */
search?: string, include_inactive?: boolean, };

export type LoginArgs = { email: string, password: string, };

export type LoginResult = { 
/**
 * Bearer token for later calls; keep it secret.
 */
token: string, expires_at: string, user: User, };

export type Me = { user: User, companies: Array<CompanySummary>, 
/**
 * Permission codenames per company id the user is a member of (all for a superuser).
 */
permissions: Array<CompanyPermissions>, };

export type Membership = { id: MembershipId, user_id: UserId, email: string, display_name: string, user_active: boolean, role_id: RoleId, role_name: string, };

export type MembershipId = number;

export type NoArgs = Record<symbol, never>;

export type Permission = { codename: string, module: string, description: string, };

export type ResetPasswordArgs = { id: UserId, new_password: string, };

export type Role = { id: RoleId, name: string, description: string, 
/**
 * True for a role usable in every company.
 */
global: boolean, 
/**
 * `owner`, `viewer`, ... for built-in roles, which cannot be changed.
 */
builtin: string | null, permissions: Array<string>, };

export type RoleId = number;

export type SetActiveArgs = { id: UserId, active: boolean, };

export type SetArchivedArgs = { id: TenantId, archived: boolean, };

export type SetPermissionsArgs = { id: RoleId, permissions: Array<string>, };

export type SetupStatus = { 
/**
 * True on a file with no user yet: the first-run setup is due.
 */
needs_setup: boolean, schema_version: number, };

export type TenantId = number;

export type UpdateCompanyArgs = { code?: string, name?: string, legal_name?: string, tax_id?: string, base_currency?: string, locale?: string, timezone?: string, fiscal_year_start_month?: number, address?: CompanyAddress, color?: string, };

export type UpdateRoleArgs = { id: RoleId, name?: string, description?: string, };

export type UpdateUserArgs = { id: UserId, email?: string, display_name?: string, is_superuser?: boolean, };

export type User = { id: UserId, email: string, display_name: string, is_active: boolean, is_superuser: boolean, created_at: string, last_login_at: string | null, };

export type UserId = number;

/** Every command: its args and result types. */
export interface Commands {
  "audit.list": { args: ListAuditArgs; result: AuditPage };
  "audit.list_all": { args: ListAuditArgs; result: AuditPage };
  "auth.change_password": { args: ChangePasswordArgs; result: Done };
  "auth.login": { args: LoginArgs; result: LoginResult };
  "auth.logout": { args: NoArgs; result: Done };
  "auth.me": { args: NoArgs; result: Me };
  "company.create": { args: CreateCompanyArgs; result: Company };
  "company.get": { args: NoArgs; result: Company };
  "company.list": { args: ListCompaniesArgs; result: Array<CompanySummary> };
  "company.set_archived": { args: SetArchivedArgs; result: Company };
  "company.update": { args: UpdateCompanyArgs; result: Company };
  "membership.add": { args: AddMembershipArgs; result: Membership };
  "membership.change_role": { args: ChangeMembershipArgs; result: Membership };
  "membership.list": { args: NoArgs; result: Array<Membership> };
  "membership.remove": { args: IdArg<MembershipId>; result: Done };
  "permission.list": { args: NoArgs; result: Array<Permission> };
  "role.create": { args: CreateRoleArgs; result: Role };
  "role.create_global": { args: CreateRoleArgs; result: Role };
  "role.delete": { args: IdArg<RoleId>; result: Done };
  "role.delete_global": { args: IdArg<RoleId>; result: Done };
  "role.get": { args: IdArg<RoleId>; result: Role };
  "role.list": { args: NoArgs; result: Array<Role> };
  "role.list_global": { args: NoArgs; result: Array<Role> };
  "role.set_global_permissions": { args: SetPermissionsArgs; result: Role };
  "role.set_permissions": { args: SetPermissionsArgs; result: Role };
  "role.update": { args: UpdateRoleArgs; result: Role };
  "role.update_global": { args: UpdateRoleArgs; result: Role };
  "setup.bootstrap": { args: BootstrapArgs; result: LoginResult };
  "setup.status": { args: NoArgs; result: SetupStatus };
  "user.create": { args: CreateUserArgs; result: User };
  "user.get": { args: IdArg<UserId>; result: User };
  "user.list": { args: ListUsersArgs; result: Array<User> };
  "user.reset_password": { args: ResetPasswordArgs; result: Done };
  "user.set_active": { args: SetActiveArgs; result: User };
  "user.update": { args: UpdateUserArgs; result: User };
}

export type CommandName = keyof Commands;

/** Commands that run in a company (the call must name one). */
export const COMPANY_SCOPED: ReadonlySet<CommandName> = new Set<CommandName>([
  "audit.list",
  "company.get",
  "company.update",
  "membership.add",
  "membership.change_role",
  "membership.list",
  "membership.remove",
  "role.create",
  "role.delete",
  "role.get",
  "role.list",
  "role.set_permissions",
  "role.update",
]);

/** The permission each company-scoped command needs. */
export const COMMAND_PERMISSION: Partial<Record<CommandName, string>> = {
  "audit.list": "audit.view_auditlog",
  "company.get": "company.view_company",
  "company.update": "company.change_company",
  "membership.add": "membership.add_membership",
  "membership.change_role": "membership.change_membership",
  "membership.list": "membership.view_membership",
  "membership.remove": "membership.delete_membership",
  "role.create": "role.add_role",
  "role.delete": "role.delete_role",
  "role.get": "role.view_role",
  "role.list": "role.view_role",
  "role.set_permissions": "role.change_role",
  "role.update": "role.change_role",
};
