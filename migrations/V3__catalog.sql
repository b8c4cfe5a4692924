-- The product catalog: categories (a tree), brands, units of measure, attributes with
-- ordered values, products (simple, variant templates and their variants, kits) and a
-- full-text index over products.
--
-- Every table is company-scoped: `tenant_id` plus `UNIQUE (tenant_id, id)`, and every
-- reference to another company-scoped row is a composite foreign key that carries the
-- tenant, so SQLite itself refuses a reference into another company.
-- Money is INTEGER ten-thousandths (scale 4); quantities likewise; unit factors are
-- INTEGER millionths (scale 6). Nothing is stored as a float.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    parent_id   INTEGER,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES categories (tenant_id, id),
    CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
-- Sibling names are unique without regard to case (so a path names one category).
CREATE UNIQUE INDEX categories_sibling_name ON categories (tenant_id, coalesce(parent_id, 0), lower(name));
CREATE INDEX categories_parent ON categories (tenant_id, parent_id);

CREATE TABLE brands (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;
CREATE UNIQUE INDEX brands_name ON brands (tenant_id, lower(name));

-- A unit belongs to one dimension; `factor` is how many of the dimension's base unit
-- (unit, g, ml, cm, hour) one of it is, in millionths. Converting between units of one
-- dimension is `qty * from.factor / to.factor`; across dimensions it is refused.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    dimension   TEXT NOT NULL CHECK (dimension IN ('count', 'mass', 'volume', 'length', 'time')),
    factor_e6   INTEGER NOT NULL CHECK (factor_e6 > 0),
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    UNIQUE (tenant_id, id)
) STRICT;
CREATE UNIQUE INDEX units_code ON units (tenant_id, lower(code));

-- The standard units, seeded into every company when it is created (and into the
-- companies that exist when this migration runs), so no code path can forget them.
CREATE TABLE standard_units (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    dimension TEXT NOT NULL,
    factor_e6 INTEGER NOT NULL,
    position  INTEGER NOT NULL
) STRICT;
INSERT INTO standard_units (code, name, dimension, factor_e6, position) VALUES
    ('unit',  'Unit',       'count',  1000000,     1),
    ('dozen', 'Dozen',      'count',  12000000,    2),
    ('g',     'Gram',       'mass',   1000000,     3),
    ('kg',    'Kilogram',   'mass',   1000000000,  4),
    ('ml',    'Millilitre', 'volume', 1000000,     5),
    ('l',     'Litre',      'volume', 1000000000,  6),
    ('cm',    'Centimetre', 'length', 1000000,     7),
    ('m',     'Metre',      'length', 100000000,   8),
    ('hour',  'Hour',       'time',   1000000,     9),
    ('day',   'Day',        'time',   24000000,    10);

INSERT INTO units (tenant_id, code, name, dimension, factor_e6, builtin)
    SELECT c.id, s.code, s.name, s.dimension, s.factor_e6, 1 FROM companies c, standard_units s ORDER BY c.id, s.position;

CREATE TRIGGER companies_seed_units AFTER INSERT ON companies
BEGIN
    INSERT INTO units (tenant_id, code, name, dimension, factor_e6, builtin)
        SELECT NEW.id, code, name, dimension, factor_e6, 1 FROM standard_units ORDER BY position;
END;

CREATE TABLE attributes (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;
CREATE UNIQUE INDEX attributes_name ON attributes (tenant_id, lower(name));

CREATE TABLE attribute_values (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, attribute_id, id),
    FOREIGN KEY (tenant_id, attribute_id) REFERENCES attributes (tenant_id, id)
) STRICT;
CREATE UNIQUE INDEX attribute_values_name ON attribute_values (tenant_id, attribute_id, lower(name));

-- kind: stockable (tracked in stock), consumable (not tracked), service.
-- is_template: a variant template (it declares attributes); it is never sold or stocked
-- itself, only its variants are. A variant has parent_id and a combination_key (its
-- attribute value ids, sorted, comma-joined), unique per parent.
CREATE TABLE products (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    sku             TEXT NOT NULL COLLATE NOCASE,
    barcode         TEXT,
    name            TEXT NOT NULL COLLATE NOCASE,
    description     TEXT NOT NULL DEFAULT '',
    category_id     INTEGER,
    brand_id        INTEGER,
    unit_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('stockable', 'consumable', 'service')),
    is_template     INTEGER NOT NULL DEFAULT 0 CHECK (is_template IN (0, 1)),
    parent_id       INTEGER,
    combination_key TEXT,
    sale_price      INTEGER NOT NULL CHECK (sale_price >= 0),   -- ten-thousandths
    cost            INTEGER NOT NULL CHECK (cost >= 0),         -- ten-thousandths
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, id, parent_id),
    UNIQUE (tenant_id, sku),
    UNIQUE (tenant_id, barcode),
    UNIQUE (tenant_id, parent_id, combination_key),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id),
    FOREIGN KEY (tenant_id, brand_id) REFERENCES brands (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES products (tenant_id, id),
    CHECK ((parent_id IS NULL) = (combination_key IS NULL)),
    CHECK (NOT (is_template AND parent_id IS NOT NULL)),
    CHECK (barcode IS NULL OR (length(barcode) IN (12, 13) AND barcode NOT GLOB '*[^0-9]*'))
) STRICT;
-- The indexes behind every sort and filter of the product list. Tenant first, then
-- `archived` (lists leave archived rows out by default), then the sort key and id for the
-- keyset walk. Each filter's index also holds `archived`, `name` and `id`, so counting its
-- matches and sorting them for a page never reads the table itself.
CREATE INDEX products_name ON products (tenant_id, archived, name, id);
CREATE INDEX products_name_all ON products (tenant_id, name, id);
CREATE INDEX products_sku_sort ON products (tenant_id, archived, sku, id);
CREATE INDEX products_price ON products (tenant_id, archived, sale_price, id);
CREATE INDEX products_cost ON products (tenant_id, archived, cost, id);
CREATE INDEX products_updated ON products (tenant_id, archived, updated_at, id);
CREATE INDEX products_category ON products (tenant_id, category_id, archived, name, id);
CREATE INDEX products_brand ON products (tenant_id, brand_id, archived, name, id);
CREATE INDEX products_kind ON products (tenant_id, kind, archived, name, id);
CREATE INDEX products_shape ON products (tenant_id, archived, parent_id, is_template);
CREATE INDEX products_unit ON products (tenant_id, unit_id);

-- A variant's parent must be a template.
CREATE TRIGGER products_parent_is_template BEFORE INSERT ON products
WHEN NEW.parent_id IS NOT NULL
 AND NOT coalesce((SELECT is_template FROM products WHERE id = NEW.parent_id AND tenant_id = NEW.tenant_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: a variant''s parent must be a variant template');
END;
CREATE TRIGGER products_parent_is_template_update BEFORE UPDATE OF parent_id ON products
WHEN NEW.parent_id IS NOT NULL
 AND NOT coalesce((SELECT is_template FROM products WHERE id = NEW.parent_id AND tenant_id = NEW.tenant_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: a variant''s parent must be a variant template');
END;
-- A template with variants stays a template.
CREATE TRIGGER products_template_keeps_variants BEFORE UPDATE OF is_template ON products
WHEN NOT NEW.is_template AND EXISTS (SELECT 1 FROM products v WHERE v.tenant_id = NEW.tenant_id AND v.parent_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: a template with variants must stay a template');
END;

-- The attributes a template declares, in order, and the values of each it uses, in its
-- own order, with their price extra (ten-thousandths, may be negative).
CREATE TABLE product_attributes (
    tenant_id    INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, product_id, attribute_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, attribute_id) REFERENCES attributes (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_attributes_attribute ON product_attributes (tenant_id, attribute_id);

CREATE TABLE product_attribute_values (
    tenant_id    INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    value_id     INTEGER NOT NULL,
    price_extra  INTEGER NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL DEFAULT 0,                  -- the template's own order
    PRIMARY KEY (tenant_id, product_id, attribute_id, value_id),
    FOREIGN KEY (tenant_id, product_id, attribute_id) REFERENCES product_attributes (tenant_id, product_id, attribute_id),
    FOREIGN KEY (tenant_id, attribute_id, value_id) REFERENCES attribute_values (tenant_id, attribute_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_attribute_values_value ON product_attribute_values (tenant_id, attribute_id, value_id);

-- A variant's value for each attribute of its parent: exactly one per attribute
-- (primary key), and only a value the parent declared (foreign key).
CREATE TABLE variant_values (
    tenant_id    INTEGER NOT NULL,
    variant_id   INTEGER NOT NULL,
    parent_id    INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    value_id     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, variant_id, attribute_id),
    FOREIGN KEY (tenant_id, variant_id, parent_id) REFERENCES products (tenant_id, id, parent_id),
    FOREIGN KEY (tenant_id, parent_id, attribute_id, value_id)
        REFERENCES product_attribute_values (tenant_id, product_id, attribute_id, value_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX variant_values_parent ON variant_values (tenant_id, parent_id, attribute_id, value_id);

-- Kits: a product made of other products. No self-reference here; no cycle at any depth
-- is checked with a recursive query before every insert (see catalog::repo).
CREATE TABLE product_components (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    kit_id       INTEGER NOT NULL,
    component_id INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),       -- ten-thousandths
    unit_id      INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, kit_id, component_id),
    FOREIGN KEY (tenant_id, kit_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, component_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK (kit_id <> component_id)
) STRICT;
CREATE INDEX product_components_component ON product_components (tenant_id, component_id);

-- Neither side of a kit line may be a variant template (a template is never sold).
CREATE TRIGGER product_components_no_template BEFORE INSERT ON product_components
WHEN (SELECT is_template FROM products WHERE id = NEW.component_id) OR (SELECT is_template FROM products WHERE id = NEW.kit_id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: a variant template cannot be part of a kit');
END;

-- Full-text search over name, SKU and barcode, kept in sync by triggers.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    name, sku, barcode,
    content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products
BEGIN
    INSERT INTO products_fts (rowid, name, sku, barcode) VALUES (NEW.id, NEW.name, NEW.sku, coalesce(NEW.barcode, ''));
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products
BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, barcode) VALUES ('delete', OLD.id, OLD.name, OLD.sku, coalesce(OLD.barcode, ''));
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, sku, barcode ON products
BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, barcode) VALUES ('delete', OLD.id, OLD.name, OLD.sku, coalesce(OLD.barcode, ''));
    INSERT INTO products_fts (rowid, name, sku, barcode) VALUES (NEW.id, NEW.name, NEW.sku, coalesce(NEW.barcode, ''));
END;
