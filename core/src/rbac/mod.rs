//! Roles, permissions and memberships (the seed's RBAC and TenantUser).
//!
//! Invariants:
//! - The `permissions` table holds every permission the commands declare (synced when a
//!   file is opened); permissions it does not know (a newer Cora's) are kept, with their
//!   grants.
//! - Built-in roles (Owner, Accountant, Sales, Purchasing, Warehouse, Viewer) are global
//!   and their grants are derived from the declarations: Owner has every permission,
//!   every built-in role has every `view_` permission that names no roles (one that names
//!   roles, like the audit log's, goes to those only), and a permission names the other
//!   built-in roles it goes to. Nobody can edit or delete a built-in role.
//! - Nobody hands out more than they hold: granting a permission or assigning a role needs
//!   every permission it carries; only Owners (and superusers) assign the Owner role or
//!   change an Owner's membership. `add_`/`change_`/`delete_` bring `view_` along.
//! - A membership's role is global or belongs to the membership's company; SQLite
//!   refuses anything else (trigger `memberships_role_scope_*`).
//! - A user is a member of a company at most once; a company keeps at least one Owner.

pub mod commands;
pub mod model;
pub mod repo;
pub mod service;

/// The built-in roles: key, name, description.
pub const BUILTIN_ROLES: &[(&str, &str, &str)] = &[
    ("owner", "Owner", "Everything in the company"),
    ("accountant", "Accountant", "Books, invoices and payments; sees everything"),
    ("sales", "Sales", "Customers, quotes, orders and deliveries; sees everything"),
    ("purchasing", "Purchasing", "Suppliers, purchase orders and receipts; sees everything"),
    ("warehouse", "Warehouse", "Stock moves, transfers and counts; sees everything"),
    ("viewer", "Viewer", "Sees everything, changes nothing"),
];
