-- Case-insensitive keys computed in Rust (cora_core::keys::fold: trimmed, Unicode lower
-- case), each in its own column under a unique index. SQLite's lower() and NOCASE fold
-- ASCII only, so they no longer decide what is unique: `ÉCOLE` and `école` are one key.
--
-- SQL cannot fold Unicode, so the new columns start NULL ("not folded yet") and Cora
-- fills them when it opens the file (keys::backfill), as it does on every open for any
-- row still unkeyed; a partial index holds just those rows so the check costs nothing.
-- A NULL never collides in a unique index, so old rows wait without blocking anything.

-- Categories: sibling names.
ALTER TABLE categories ADD COLUMN name_key TEXT;
DROP INDEX categories_sibling_name;
CREATE UNIQUE INDEX categories_sibling_name_key ON categories (tenant_id, coalesce(parent_id, 0), name_key);
CREATE INDEX categories_unkeyed ON categories (id) WHERE name_key IS NULL;

-- Brands: names.
ALTER TABLE brands ADD COLUMN name_key TEXT;
DROP INDEX brands_name;
CREATE UNIQUE INDEX brands_name_key ON brands (tenant_id, name_key);
CREATE INDEX brands_unkeyed ON brands (id) WHERE name_key IS NULL;

-- Units: codes. The standard units a new company gets have lower-case ASCII codes, so
-- their code is their key.
ALTER TABLE units ADD COLUMN code_key TEXT;
DROP INDEX units_code;
CREATE UNIQUE INDEX units_code_key ON units (tenant_id, code_key);
CREATE INDEX units_unkeyed ON units (id) WHERE code_key IS NULL;
DROP TRIGGER companies_seed_units;
CREATE TRIGGER companies_seed_units AFTER INSERT ON companies
BEGIN
    INSERT INTO units (tenant_id, code, code_key, name, dimension, factor_e6, builtin)
        SELECT NEW.id, code, code, name, dimension, factor_e6, 1 FROM standard_units ORDER BY position;
END;

-- Attributes and their values: names.
ALTER TABLE attributes ADD COLUMN name_key TEXT;
DROP INDEX attributes_name;
CREATE UNIQUE INDEX attributes_name_key ON attributes (tenant_id, name_key);
CREATE INDEX attributes_unkeyed ON attributes (id) WHERE name_key IS NULL;

ALTER TABLE attribute_values ADD COLUMN name_key TEXT;
DROP INDEX attribute_values_name;
CREATE UNIQUE INDEX attribute_values_name_key ON attribute_values (tenant_id, attribute_id, name_key);
CREATE INDEX attribute_values_unkeyed ON attribute_values (id) WHERE name_key IS NULL;

-- Products: SKUs. The table's own UNIQUE (tenant_id, sku) (NOCASE, ASCII only) stays, as
-- a table constraint cannot be dropped; it refuses nothing this index does not.
ALTER TABLE products ADD COLUMN sku_key TEXT;
CREATE UNIQUE INDEX products_sku_key ON products (tenant_id, sku_key);
CREATE INDEX products_unkeyed ON products (id) WHERE sku_key IS NULL;

-- Companies and partners already have code_key columns (NOT NULL, unique), written so far
-- with lower(). They are refolded once in Rust: a table listed here is due.
CREATE TABLE key_refolds (
    table_name TEXT PRIMARY KEY
) STRICT;
INSERT INTO key_refolds (table_name) VALUES ('companies'), ('partners');
