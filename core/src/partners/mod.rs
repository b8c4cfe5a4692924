//! Partners: the customers and suppliers of a company (one partner may be both, as in
//! Odoo and Tryton).
//!
//! Invariants:
//! - Every partner belongs to one company; its addresses and contacts belong to the same
//!   company (composite foreign keys `(tenant_id, partner_id)`).
//! - A partner is a customer, a supplier, or both, never neither.
//! - The code is unique per company without regard to case; when none is given the next
//!   gapless number of the company's `partner` series is used.
//! - In every address the state belongs to the country and the city to the state.
//! - The credit limit is an exact amount (ten-thousandths in SQLite), never negative.
//! - A partner that anything refers to cannot be deleted; it is archived instead.

pub mod commands;
pub mod io;
pub mod model;
pub mod repo;
pub mod service;
