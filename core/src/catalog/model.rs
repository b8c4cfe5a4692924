//! Catalog types: what the commands take and return.

use crate::ids::id_type;
use crate::list::ListQuery;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(CategoryId, BrandId, UnitId, AttributeId, AttributeValueId, ProductId);

/// Decimal places of prices and costs in storage (INTEGER ten-thousandths, as
/// [`crate::money`] stores every amount).
pub const MONEY_SCALE: u32 = crate::money::SCALE;
/// Decimal places of quantities in storage.
pub const QTY_SCALE: u32 = 4;
/// Decimal places of unit conversion factors in storage (INTEGER millionths).
pub const FACTOR_SCALE: u32 = 6;
/// The largest price, cost or quantity accepted (keeps every scaled value and sum far
/// inside i64).
pub const MAX_AMOUNT: i64 = 100_000_000_000;

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_ascii_lowercase();
                match s.as_str() { $($s => Some($name::$variant),)* _ => None }
            }
            pub fn names() -> String {
                Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("bad {}: {s}", stringify!($name)).into()))
            }
        }
    };
}

str_enum!(
    /// How a product behaves in stock: tracked (stockable), used up without tracking
    /// (consumable), or not a thing at all (service).
    ProductKind { Stockable = "stockable", Consumable = "consumable", Service = "service" }
);

str_enum!(
    /// What a unit measures. Quantities convert only within one dimension.
    Dimension { Count = "count", Mass = "mass", Volume = "volume", Length = "length", Time = "time" }
);

// --- categories and brands ---------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Category {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    /// Names from the root down, joined by " / ".
    pub path: String,
    /// 0 for a root category.
    pub depth: u32,
    #[ts(type = "number")]
    pub child_count: i64,
    /// Products directly in this category.
    #[ts(type = "number")]
    pub product_count: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCategoriesArgs {
    /// Search (words of the name), sort (`path`, `name`), paging.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ListQuery>,
    /// Only the direct children of this category.
    #[serde(default)]
    #[ts(optional)]
    pub parent_id: Option<CategoryId>,
    /// Only root categories.
    #[serde(default)]
    #[ts(optional)]
    pub roots_only: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryArgs {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub parent_id: Option<CategoryId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RenameCategoryArgs {
    pub id: CategoryId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MoveCategoryArgs {
    pub id: CategoryId,
    /// The new parent; absent or null makes it a root category.
    #[serde(default)]
    #[ts(optional)]
    pub parent_id: Option<CategoryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Brand {
    pub id: BrandId,
    pub name: String,
    pub archived: bool,
    #[ts(type = "number")]
    pub product_count: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListBrandsArgs {
    /// Search (words of the name), sort (`name`), paging, include_archived.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ListQuery>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateBrandArgs {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateBrandArgs {
    pub id: BrandId,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub archived: Option<bool>,
}

// --- units ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Unit {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub dimension: Dimension,
    /// How many of the dimension's base unit (unit, g, ml, cm, hour) one of this is.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub factor: Decimal,
    /// One of the standard units every company starts with.
    pub builtin: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListUnitsArgs {
    /// Search (words of the code or name), sort (`dimension`, `code`), paging.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ListQuery>,
    #[serde(default)]
    #[ts(optional)]
    pub dimension: Option<Dimension>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateUnitArgs {
    pub code: String,
    pub name: String,
    pub dimension: Dimension,
    /// How many of the dimension's base unit one of the new unit is (e.g. 453.59237 g for lb).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub factor: Decimal,
}

/// A unit named by id (the UI) or by code (scripts): `3` or `"kg"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(untagged)]
pub enum UnitRef {
    Id(UnitId),
    Code(String),
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConvertQuantityArgs {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub from: UnitRef,
    pub to: UnitRef,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ConvertedQuantity {
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit: Unit,
}

// --- attributes ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct AttributeValue {
    pub id: AttributeValueId,
    pub name: String,
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Attribute {
    pub id: AttributeId,
    pub name: String,
    /// In their order.
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListAttributesArgs {
    /// Search (words of the name), sort (`name`), paging.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ListQuery>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateAttributeArgs {
    pub name: String,
    /// The values, in order.
    pub values: Vec<String>,
}

/// One value in an attribute update: an existing one (by id, possibly renamed) or a new one.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AttributeValueInput {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<AttributeValueId>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateAttributeArgs {
    pub id: AttributeId,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// The complete list in its new order: values left out are removed (refused while a
    /// product uses them).
    #[serde(default)]
    #[ts(optional)]
    pub values: Option<Vec<AttributeValueInput>>,
}

// --- products ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub description: String,
    pub category_id: Option<CategoryId>,
    pub category_name: Option<String>,
    pub brand_id: Option<BrandId>,
    pub brand_name: Option<String>,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub kind: ProductKind,
    /// A variant template: declares attributes; never sold or stocked itself.
    pub is_template: bool,
    /// The template this variant belongs to.
    pub parent_id: Option<ProductId>,
    /// Made of components.
    pub is_kit: bool,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub sale_price: Decimal,
    /// The stored cost (a kit's own is unused: see `effective_cost`).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost: Decimal,
    /// What the product costs: for a kit its components' rolled-up cost, otherwise `cost`.
    /// Null only for a kit whose cost cannot be computed (a line too large, written before
    /// the checks existed); `catalog.get_product` then names the problem.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub effective_cost: Option<Decimal>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    /// Whether documents (orders, invoices, stock moves) may use this product: active,
    /// and not a variant template. Later modules call this before using a product.
    pub fn is_transactable(&self) -> bool {
        !self.archived && !self.is_template
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TemplateValue {
    pub value_id: AttributeValueId,
    pub name: String,
    /// Added to the template's sale price for variants with this value.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub price_extra: Decimal,
}

/// An attribute a template declares, with the values it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TemplateAttribute {
    pub attribute_id: AttributeId,
    pub name: String,
    pub values: Vec<TemplateValue>,
}

/// A variant's value for one attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct VariantValue {
    pub attribute_id: AttributeId,
    pub attribute: String,
    pub value_id: AttributeValueId,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Component {
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_id: UnitId,
    pub unit_code: String,
}

/// A product with everything around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProductDetail {
    pub product: Product,
    /// For a template: its attributes and values.
    pub attributes: Vec<TemplateAttribute>,
    /// For a variant: its value for each attribute of its template.
    pub variant_values: Vec<VariantValue>,
    /// For a template: how many variants it has.
    #[ts(type = "number")]
    pub variant_count: i64,
    /// For a kit: its components.
    pub components: Vec<Component>,
    /// The cost: for a kit, rolled up from its components (recursively), else `cost`.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub effective_cost: Decimal,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListProductsArgs {
    /// Search (name, SKU, barcode), sort (`name`, `sku`, `sale_price`, `cost`,
    /// `updated_at`), paging, include_archived.
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ListQuery>,
    /// Products in this category or any category below it.
    #[serde(default)]
    #[ts(optional)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    #[ts(optional)]
    pub brand_id: Option<BrandId>,
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<ProductKind>,
    /// Only the variants of this template.
    #[serde(default)]
    #[ts(optional)]
    pub parent_id: Option<ProductId>,
    /// Leave variants out (templates stand for them).
    #[serde(default)]
    #[ts(optional)]
    pub hide_variants: Option<bool>,
    /// Only products that can be sold or stocked (no templates).
    #[serde(default)]
    #[ts(optional)]
    pub transactable_only: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateProductArgs {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// EAN-13 or UPC-A with a valid check digit.
    #[serde(default)]
    #[ts(optional)]
    pub barcode: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    #[ts(optional)]
    pub brand_id: Option<BrandId>,
    /// Default: the company's `unit`.
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// Default: stockable.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<ProductKind>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub sale_price: Option<Decimal>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub cost: Option<Decimal>,
}

/// Changes to a product; absent fields stay as they are. `clear_*` empties an optional field.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductArgs {
    pub id: ProductId,
    #[serde(default)]
    #[ts(optional)]
    pub sku: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// Empty string removes the barcode.
    #[serde(default)]
    #[ts(optional)]
    pub barcode: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub category_id: Option<CategoryId>,
    #[serde(default)]
    #[ts(optional)]
    pub clear_category: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub brand_id: Option<BrandId>,
    #[serde(default)]
    #[ts(optional)]
    pub clear_brand: Option<bool>,
    /// For a template, its variants follow.
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// For a template, its variants follow.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<ProductKind>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub sale_price: Option<Decimal>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub cost: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetProductArchivedArgs {
    pub id: ProductId,
    /// Archiving a template archives its variants too.
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TemplateValueInput {
    pub value_id: AttributeValueId,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub price_extra: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TemplateAttributeInput {
    pub attribute_id: AttributeId,
    /// The values the template uses; absent: every value of the attribute, no extra.
    #[serde(default)]
    #[ts(optional)]
    pub values: Option<Vec<TemplateValueInput>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetProductAttributesArgs {
    pub product_id: ProductId,
    /// In order. Empty turns a template without variants back into a plain product.
    pub attributes: Vec<TemplateAttributeInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GenerateVariantsArgs {
    pub product_id: ProductId,
    /// `{parent}` is the template's SKU, `{Size}` the variant's value of the attribute
    /// Size, and so on. Default: `{parent}-{A}-{B}...` over the template's attributes.
    #[serde(default)]
    #[ts(optional)]
    pub sku_pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct GeneratedVariants {
    /// The variants made now (combinations that already had a variant are skipped).
    pub created: Vec<Product>,
    #[ts(type = "number")]
    pub existing: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateVariantArgs {
    /// The template.
    pub product_id: ProductId,
    pub sku: String,
    /// One value for each attribute of the template.
    pub values: Vec<AttributeValueId>,
    #[serde(default)]
    #[ts(optional)]
    pub barcode: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ComponentInput {
    pub product_id: ProductId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// Default: the component's own unit. Must measure the same dimension.
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetComponentsArgs {
    pub product_id: ProductId,
    /// The whole list; empty makes the product a plain product again.
    pub components: Vec<ComponentInput>,
}
