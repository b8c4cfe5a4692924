use super::model::*;
use super::{io, kits, products, taxonomy, variants};
use crate::command::{Access, CommandSpec, IdArg, PermissionSpec, Registry};

pub const VIEW_PRODUCT: &str = "catalog.view_product";
pub const CHANGE_PRODUCT: &str = "catalog.change_product";
pub const IMPORT_PRODUCT: &str = "catalog.import_product";
pub const VIEW_CATEGORY: &str = "catalog.view_category";
pub const CHANGE_CATEGORY: &str = "catalog.change_category";
pub const VIEW_BRAND: &str = "catalog.view_brand";
pub const CHANGE_BRAND: &str = "catalog.change_brand";
pub const VIEW_UNIT: &str = "catalog.view_unit";
pub const CHANGE_UNIT: &str = "catalog.change_unit";
pub const VIEW_ATTRIBUTE: &str = "catalog.view_attribute";
pub const CHANGE_ATTRIBUTE: &str = "catalog.change_attribute";

pub fn register(r: &mut Registry) {
    // Purchasing and Warehouse keep the catalog (they bring products in); Sales may
    // organise it (categories, brands) but not change products, prices or costs.
    r.add_permissions(&[
        PermissionSpec { codename: VIEW_PRODUCT, description: "See products, variants and kits, and export them", roles: &[] },
        PermissionSpec { codename: CHANGE_PRODUCT, description: "Create and change products, variants and kits", roles: &["purchasing", "warehouse"] },
        PermissionSpec { codename: IMPORT_PRODUCT, description: "Import products from CSV (creating brands, categories or attributes on the way also takes their change permissions)", roles: &["purchasing"] },
        PermissionSpec { codename: VIEW_CATEGORY, description: "See product categories", roles: &[] },
        PermissionSpec { codename: CHANGE_CATEGORY, description: "Create, rename, move and delete product categories", roles: &["sales", "purchasing", "warehouse"] },
        PermissionSpec { codename: VIEW_BRAND, description: "See brands", roles: &[] },
        PermissionSpec { codename: CHANGE_BRAND, description: "Create and change brands", roles: &["sales", "purchasing"] },
        PermissionSpec { codename: VIEW_UNIT, description: "See units of measure and convert quantities", roles: &[] },
        PermissionSpec { codename: CHANGE_UNIT, description: "Create units of measure", roles: &["purchasing", "warehouse"] },
        PermissionSpec { codename: VIEW_ATTRIBUTE, description: "See product attributes (Size, Colour...)", roles: &[] },
        PermissionSpec { codename: CHANGE_ATTRIBUTE, description: "Create and change product attributes and their values", roles: &["purchasing", "warehouse"] },
    ]);

    let v = Access::Permission;
    r.add(CommandSpec::query("catalog.list_categories", v(VIEW_CATEGORY), "Categories with their paths, in tree order", taxonomy::service::list_categories));
    r.add(CommandSpec::query("catalog.get_category", v(VIEW_CATEGORY), "One category", |ctx, a: IdArg<CategoryId>| taxonomy::service::get_category(ctx, a.id)));
    r.add(CommandSpec::mutation("catalog.create_category", v(CHANGE_CATEGORY), "Create a category, at the root or under another", taxonomy::service::create_category));
    r.add(CommandSpec::mutation("catalog.rename_category", v(CHANGE_CATEGORY), "Rename a category", taxonomy::service::rename_category));
    r.add(CommandSpec::mutation("catalog.move_category", v(CHANGE_CATEGORY), "Move a category under another (never under itself or its own subcategories)", taxonomy::service::move_category));
    r.add(CommandSpec::mutation("catalog.delete_category", v(CHANGE_CATEGORY), "Delete a category without subcategories or products", |ctx, a: IdArg<CategoryId>| taxonomy::service::delete_category(ctx, a.id)));

    r.add(CommandSpec::query("catalog.list_brands", v(VIEW_BRAND), "Brands", taxonomy::service::list_brands));
    r.add(CommandSpec::mutation("catalog.create_brand", v(CHANGE_BRAND), "Create a brand", taxonomy::service::create_brand));
    r.add(CommandSpec::mutation("catalog.update_brand", v(CHANGE_BRAND), "Rename, archive or restore a brand", taxonomy::service::update_brand));

    r.add(CommandSpec::query("catalog.list_units", v(VIEW_UNIT), "Units of measure", taxonomy::service::list_units));
    r.add(CommandSpec::mutation("catalog.create_unit", v(CHANGE_UNIT), "Create a unit of measure in one dimension", taxonomy::service::create_unit));
    r.add(CommandSpec::query("catalog.convert_quantity", v(VIEW_UNIT), "Convert a quantity between two units of one dimension", taxonomy::service::convert_quantity));

    r.add(CommandSpec::query("catalog.list_attributes", v(VIEW_ATTRIBUTE), "Attributes with their ordered values", taxonomy::service::list_attributes));
    r.add(CommandSpec::query("catalog.get_attribute", v(VIEW_ATTRIBUTE), "One attribute with its values", |ctx, a: IdArg<AttributeId>| taxonomy::service::get_attribute(ctx, a.id)));
    r.add(CommandSpec::mutation("catalog.create_attribute", v(CHANGE_ATTRIBUTE), "Create an attribute (Size, Colour...) with ordered values", taxonomy::service::create_attribute));
    r.add(CommandSpec::mutation("catalog.update_attribute", v(CHANGE_ATTRIBUTE), "Rename an attribute, or add, rename, reorder and remove its values", taxonomy::service::update_attribute));

    r.add(CommandSpec::query("catalog.list_products", v(VIEW_PRODUCT), "Products: search, filter, sort, keyset pages", products::service::list_products));
    r.add(CommandSpec::query("catalog.get_product", v(VIEW_PRODUCT), "One product with its attributes, variant values, components and rolled-up cost", |ctx, a: IdArg<ProductId>| products::service::get_product(ctx, a.id)));
    r.add(CommandSpec::mutation("catalog.create_product", v(CHANGE_PRODUCT), "Create a product", products::service::create_product));
    r.add(CommandSpec::mutation("catalog.update_product", v(CHANGE_PRODUCT), "Change a product", products::service::update_product));
    r.add(CommandSpec::mutation("catalog.set_product_archived", v(CHANGE_PRODUCT), "Archive or restore a product (a template with its variants)", products::service::set_product_archived));
    r.add(CommandSpec::mutation("catalog.set_product_attributes", v(CHANGE_PRODUCT), "Make a product a variant template: its attributes, values and price extras", variants::service::set_product_attributes));
    r.add(CommandSpec::mutation("catalog.generate_variants", v(CHANGE_PRODUCT), "Create every missing variant of a template, with SKUs from a pattern", variants::service::generate_variants));
    r.add(CommandSpec::mutation("catalog.create_variant", v(CHANGE_PRODUCT), "Create one variant of a template with one value per attribute", variants::service::create_variant));
    r.add(CommandSpec::mutation("catalog.set_components", v(CHANGE_PRODUCT), "Make a product a kit: its components and quantities", kits::service::set_components));

    r.add(CommandSpec::mutation("catalog.import_products", v(IMPORT_PRODUCT), "Import products (variants and kits included) from CSV: all rows or none", io::import::import_products));
    r.add(CommandSpec::mutation("catalog.import_categories", v(CHANGE_CATEGORY), "Import categories (paths) from CSV: all rows or none", io::import::import_categories));
    r.add(CommandSpec::query("catalog.export_products", v(VIEW_PRODUCT), "Export every product as CSV or XLSX", io::export::export_products));
    r.add(CommandSpec::query("catalog.export_categories", v(VIEW_CATEGORY), "Export every category as CSV or XLSX", io::export::export_categories));
}
