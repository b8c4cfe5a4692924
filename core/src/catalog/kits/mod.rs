//! Kits: products made of other products, with a rolled-up cost.

pub mod repo;
pub mod service;
