//! Companies: the tenants that every company-scoped row belongs to.
//!
//! Invariants:
//! - A company code is unique without regard to case; the code, name, currency, locale,
//!   time zone and fiscal-year start month are always valid.
//! - A user sees a company only when they are a member of it (superusers see all); to
//!   anyone else it does not exist (`not_found`, never `forbidden`).
//! - An archived company can be read but not changed until it is unarchived.
//! - Companies are never deleted: every company-scoped row refers to one.

pub mod commands;
pub mod model;
pub mod repo;
pub mod service;
