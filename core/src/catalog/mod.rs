//! The product catalog: categories, brands, units of measure, attributes, products,
//! variants and kits, with CSV import and CSV/XLSX export.
//!
//! Parts, each with its `repo.rs` (SQL) and `service.rs` (rules):
//! - [`taxonomy`]: categories (a tree), brands, units and conversions, attributes.
//! - [`products`]: products, their details, and [`transactable_product`] for later modules.
//! - [`variants`]: variant templates (attributes, values, price extras) and their variants.
//! - [`kits`]: components and the rolled-up cost.
//! - [`io`]: the CSV import and the CSV/XLSX export (`import.rs`, `export.rs`, `repo.rs`).
//!
//! `model.rs` holds the wire types, `commands.rs` the registry entries and permissions,
//! `checks.rs` the field checks the commands and the import share, `sql.rs` the list SQL.
//!
//! Invariants:
//! - Every catalog row belongs to one company, and every reference between catalog rows
//!   is a composite foreign key that carries the company: SQLite itself refuses a
//!   category, brand, unit, parent or component of another company.
//! - Categories form a tree: no category is ever under itself or one of its descendants.
//!   Sibling names are unique without regard to case, so a path names one category.
//! - "Without regard to case" is [`crate::keys::fold`] (Unicode lower case) everywhere:
//!   SKUs, unit codes, brand, category, attribute and value names each have a stored key
//!   column under a unique index, and commands and imports look up `fold(input)`.
//! - Every company has the standard units (unit, dozen, g, kg, ml, l, cm, m, hour, day),
//!   seeded by a trigger when the company is created. A quantity converts only between
//!   units of one dimension (count, mass, volume, length, time); a product's unit (a
//!   template's, for its variants) keeps its dimension while a kit holds it.
//! - SKUs are unique per company without regard to case; a barcode, when given, is a
//!   valid EAN-13 or UPC-A and unique per company.
//! - A variant template declares attributes and values and is never itself sold or
//!   stocked: later modules take a product for a document line through
//!   [`transactable_product`], which refuses templates and archived products.
//!   Each variant has exactly one value per attribute of its template, among the
//!   template's values, and no two variants of a template share a combination
//!   (SQLite: `variant_values` keys and foreign keys, and
//!   `UNIQUE (tenant_id, parent_id, combination_key)`). One `generate_variants` call
//!   creates at most [`variants::service::MAX_VARIANTS_PER_CALL`], counted before any is built.
//! - A product with stock moves keeps its unit (its stock is counted in it) and never
//!   becomes a kit (a kit holds no stock): [`crate::inventory::stock::product_with_moves`].
//! - A kit never contains itself at any depth (checked with a recursive query before a
//!   component is written); a template is never part of a kit. A kit's cost is computed
//!   from its components, recursively, never stored, with checked arithmetic
//!   ([`crate::arith`]); it stays below [`model::MAX_AMOUNT`]: a component line, a cost,
//!   a unit or an import that would push any kit beyond is refused, and reading a kit
//!   whose cost cannot be computed is a validation error, never a panic.
//! - Money and quantities are exact: `Decimal` in Rust, strings on the wire, scaled
//!   integers in SQLite (money ×10⁴ through [`crate::money::to_db`], quantities ×10⁴ and
//!   unit factors ×10⁶ through [`crate::arith::to_scaled`]); a value that does not fit is
//!   refused, never saturated.
//! - An import writes every row or none; a dry run writes nothing. An import creates the
//!   brands, categories and attributes it names only for a caller who may create them.
//! - Exports escape text cells that start like a formula ([`crate::exchange`]), and the
//!   import reads them back unchanged.

mod checks;
pub mod commands;
pub mod io;
pub mod kits;
pub mod model;
pub mod products;
mod sql;
pub mod taxonomy;
pub mod variants;

pub use products::service::{check_transactable, transactable_product};
