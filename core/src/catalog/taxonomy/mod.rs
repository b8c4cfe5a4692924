//! Categories (a tree), brands, units of measure and attributes with ordered values.

pub mod repo;
pub mod service;
