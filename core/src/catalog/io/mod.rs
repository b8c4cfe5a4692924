//! CSV import and CSV/XLSX export of products and categories.

pub mod export;
pub mod import;
pub mod repo;
