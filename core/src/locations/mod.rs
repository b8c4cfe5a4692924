//! Countries, states and cities: reference data shared by every company.
//!
//! Invariants:
//! - Countries (ISO 3166-1) and states (ISO 3166-2 subdivisions) come from the
//!   `rust_iso3166` crate, written at start-up when the seeded version differs; nobody
//!   types them by hand.
//! - A city belongs to one state and is unique there without regard to case.
//! - In every address, the state belongs to the address's country and the city to its
//!   state; composite foreign keys make SQLite refuse anything else.

pub mod commands;
pub mod model;
pub mod repo;
pub mod seed;
pub mod service;
