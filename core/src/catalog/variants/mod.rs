//! Variant templates and their variants.

pub mod repo;
pub mod service;
