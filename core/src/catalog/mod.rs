//! The product catalog: categories, brands, units of measure, attributes, products,
//! variants and kits, with CSV import and CSV/XLSX export.
//!
//! Invariants:
//! - Every catalog row belongs to one company, and every reference between catalog rows
//!   is a composite foreign key that carries the company: SQLite itself refuses a
//!   category, brand, unit, parent or component of another company.
//! - Categories form a tree: no category is ever under itself or one of its descendants.
//!   Sibling names are unique without regard to case, so a path names one category.
//! - Every company has the standard units (unit, dozen, g, kg, ml, l, cm, m, hour, day),
//!   seeded by a trigger when the company is created. A quantity converts only between
//!   units of one dimension (count, mass, volume, length, time).
//! - SKUs are unique per company without regard to case; a barcode, when given, is a
//!   valid EAN-13 or UPC-A and unique per company.
//! - A variant template declares attributes and values and is never itself sold or
//!   stocked: later modules take a product for a document line through
//!   [`service::transactable_product`], which refuses templates and archived products.
//!   Each variant has exactly one value per attribute of its template, among the
//!   template's values, and no two variants of a template share a combination
//!   (SQLite: `variant_values` keys and foreign keys, and
//!   `UNIQUE (tenant_id, parent_id, combination_key)`).
//! - A kit never contains itself at any depth (checked with a recursive query before a
//!   component is written); a template is never part of a kit. A kit's cost is computed
//!   from its components, recursively, never stored.
//! - Money and quantities are exact: `Decimal` in Rust, strings on the wire, scaled
//!   integers in SQLite (money and quantities ×10⁴, unit factors ×10⁶).
//! - An import writes every row or none; a dry run writes nothing.

pub mod commands;
pub mod export;
pub mod import;
pub mod model;
pub mod repo;
pub mod service;
