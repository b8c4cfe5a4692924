-- Inventory (issue 10): warehouses and their location trees, the virtual locations of
-- double-entry stock, lots and serials, pickings and their stock moves, the quantities on
-- hand maintained with every done move, and per-company inventory settings.
--
-- Quantities are INTEGER ten-thousandths (catalog QTY_SCALE 4); unit factors INTEGER
-- millionths (FACTOR_SCALE 6); unit costs INTEGER millionths (money::PRICE_SCALE 6).
-- Dates are ISO `YYYY-MM-DD` text, so they sort. Every table is company-scoped with
-- `UNIQUE (tenant_id, id)` and composite foreign keys that carry the tenant.

-- Units declare how many decimals a stock quantity in them keeps: the quantity derived
-- from what was entered is rounded once, to this. Set from the dimension when a unit is
-- created (pieces 0; kg, l, m 3; hours 2), here for the units that exist.
ALTER TABLE units ADD COLUMN decimals INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 4);
UPDATE units SET decimals = CASE dimension WHEN 'count' THEN 0 WHEN 'time' THEN 2 ELSE 3 END;
CREATE TRIGGER units_decimals_from_dimension AFTER INSERT ON units
BEGIN
    UPDATE units SET decimals = CASE NEW.dimension WHEN 'count' THEN 0 WHEN 'time' THEN 2 ELSE 3 END WHERE id = NEW.id;
END;

-- A product's tracking: none, by lot, or by serial number (one unit per serial).
ALTER TABLE products ADD COLUMN tracking TEXT NOT NULL DEFAULT 'none' CHECK (tracking IN ('none', 'lot', 'serial'));

-- Per-company inventory settings, with the account stock adjustments and scrap post to
-- (loss/gain); inventory, goods received not billed and cost of goods sold are the
-- accounting defaults.
CREATE TABLE inventory_settings (
    tenant_id            INTEGER PRIMARY KEY REFERENCES companies (id),
    allow_negative_stock INTEGER NOT NULL DEFAULT 0 CHECK (allow_negative_stock IN (0, 1)),
    costing_method       TEXT NOT NULL DEFAULT 'average' CHECK (costing_method IN ('average', 'fifo')),
    loss_account_id      INTEGER,
    updated_at           TEXT NOT NULL,
    FOREIGN KEY (tenant_id, loss_account_id) REFERENCES accounts (tenant_id, id)
) STRICT;
-- The companies that exist now: their settings, with the generic chart's "Inventory
-- adjustments" (5040) as the loss/gain account where they have it.
INSERT INTO inventory_settings (tenant_id, loss_account_id, updated_at)
    SELECT c.id, (SELECT a.id FROM accounts a WHERE a.tenant_id = c.id AND a.code_key = '5040' AND NOT a.is_group), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM companies c;

CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    code        TEXT NOT NULL,
    code_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key)
) STRICT;

-- Internal locations form one tree per warehouse (its root is the warehouse's stock);
-- virtual locations (supplier, customer, inventory loss/gain, production, transit) are
-- one of each kind per company, outside any warehouse. `path` is `/root/.../id/` of ids,
-- fixed at creation (a location never changes parent), so a subtree is a prefix.
CREATE TABLE stock_locations (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES companies (id),
    warehouse_id INTEGER,
    parent_id    INTEGER,
    kind         TEXT NOT NULL CHECK (kind IN ('internal', 'supplier', 'customer', 'inventory_loss', 'production', 'transit')),
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    full_name    TEXT NOT NULL,
    path         TEXT NOT NULL,
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, warehouse_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    -- A child is in its parent's warehouse.
    FOREIGN KEY (tenant_id, warehouse_id, parent_id) REFERENCES stock_locations (tenant_id, warehouse_id, id),
    CHECK ((kind = 'internal') = (warehouse_id IS NOT NULL)),
    CHECK (kind = 'internal' OR parent_id IS NULL),
    CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE UNIQUE INDEX stock_locations_virtual ON stock_locations (tenant_id, kind) WHERE kind <> 'internal';
CREATE UNIQUE INDEX stock_locations_root ON stock_locations (tenant_id, warehouse_id) WHERE kind = 'internal' AND parent_id IS NULL;
CREATE UNIQUE INDEX stock_locations_sibling ON stock_locations (tenant_id, warehouse_id, coalesce(parent_id, 0), name_key) WHERE kind = 'internal';
CREATE INDEX stock_locations_path ON stock_locations (tenant_id, path);

-- Every company has its virtual locations; the companies that exist now get them here,
-- new ones when they are created (inventory::places::seed_company).
INSERT INTO stock_locations (tenant_id, kind, name, name_key, full_name, path, created_at, updated_at)
    SELECT c.id, v.kind, v.name, lower(v.name), 'Virtual/' || v.name, '/', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM companies c,
         (SELECT 'supplier' AS kind, 'Suppliers' AS name, 1 AS pos UNION ALL SELECT 'customer', 'Customers', 2
          UNION ALL SELECT 'inventory_loss', 'Inventory loss', 3 UNION ALL SELECT 'production', 'Production', 4
          UNION ALL SELECT 'transit', 'In transit', 5) v
    ORDER BY c.id, v.pos;
UPDATE stock_locations SET path = '/' || id || '/' WHERE kind <> 'internal';

CREATE TABLE stock_lots (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    product_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    code_key    TEXT NOT NULL,
    expiry_date TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, product_id, id),
    UNIQUE (tenant_id, product_id, code_key),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
) STRICT;

-- A picking groups moves: receipt (supplier → internal), delivery (internal → customer),
-- internal transfer, adjustment (internal ↔ inventory loss, with a reason), scrap.
-- Its number is given when it is done, from the series of its warehouse and kind.
CREATE TABLE pickings (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES companies (id),
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'delivery', 'internal', 'adjustment', 'scrap')),
    state            TEXT NOT NULL CHECK (state IN ('draft', 'ready', 'done', 'cancelled')),
    number           TEXT,
    warehouse_id     INTEGER NOT NULL,
    from_location_id INTEGER NOT NULL,
    to_location_id   INTEGER NOT NULL,
    date             TEXT NOT NULL,
    partner_id       INTEGER,
    reference        TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    source_module    TEXT,
    source_kind      TEXT,
    source_id        INTEGER,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    done_by          INTEGER REFERENCES users (id),
    done_at          TEXT,
    entry_id         INTEGER,                     -- the stock journal entry of its value, if any
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, from_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, to_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    CHECK ((state = 'done') = (number IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX pickings_number ON pickings (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX pickings_date ON pickings (tenant_id, date, id);
CREATE INDEX pickings_state ON pickings (tenant_id, state, date, id);

-- A stock move: `quantity` is in the product's own unit, derived exactly from the entered
-- quantity, unit and factor (kept as entered) and rounded once to that unit's decimals.
-- A kit's line is stored as the moves of its components (`kit_id` names the kit).
CREATE TABLE stock_moves (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES companies (id),
    picking_id        INTEGER NOT NULL,
    line_no           INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('draft', 'ready', 'done', 'cancelled')),
    product_id        INTEGER NOT NULL,
    kit_id            INTEGER,
    entered_quantity  INTEGER NOT NULL CHECK (entered_quantity > 0),
    entered_unit_id   INTEGER NOT NULL,
    entered_factor_e6 INTEGER NOT NULL CHECK (entered_factor_e6 > 0),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    from_location_id  INTEGER NOT NULL,
    to_location_id    INTEGER NOT NULL,
    lot_id            INTEGER,
    date              TEXT NOT NULL,
    unit_cost         INTEGER CHECK (unit_cost >= 0),  -- per entered unit
    value             INTEGER,                         -- value it moved in or out of stock, at done
    source_module     TEXT,
    source_kind       TEXT,
    source_id         INTEGER,
    created_at        TEXT NOT NULL,
    done_at           TEXT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, picking_id) REFERENCES pickings (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, kit_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, entered_unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, from_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, to_location_id) REFERENCES stock_locations (tenant_id, id),
    -- A lot is a lot of the move's product.
    FOREIGN KEY (tenant_id, product_id, lot_id) REFERENCES stock_lots (tenant_id, product_id, id),
    CHECK (from_location_id <> to_location_id)
) STRICT;
CREATE INDEX stock_moves_picking ON stock_moves (tenant_id, picking_id, line_no);
-- History and stock at a past date: the done moves of a product by date.
CREATE INDEX stock_moves_product_date ON stock_moves (tenant_id, product_id, date, id);
CREATE INDEX stock_moves_lot ON stock_moves (tenant_id, lot_id, date, id) WHERE lot_id IS NOT NULL;
CREATE INDEX stock_moves_reserved ON stock_moves (tenant_id, product_id, from_location_id) WHERE state = 'ready';

-- Done is immutable: a done (or cancelled) picking and a done move never change and are
-- never deleted; a correction is a new move.
CREATE TRIGGER pickings_done_no_update BEFORE UPDATE ON pickings
WHEN OLD.state IN ('done', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'a done or cancelled picking is immutable: move the stock back with a new picking');
END;
CREATE TRIGGER pickings_done_no_delete BEFORE DELETE ON pickings
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'only a draft picking can be deleted: a picking past draft is immutable');
END;
CREATE TRIGGER stock_moves_done_no_update BEFORE UPDATE ON stock_moves
WHEN OLD.state IN ('done', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'a done stock move is immutable: move the stock back with a new move');
END;
CREATE TRIGGER stock_moves_done_no_delete BEFORE DELETE ON stock_moves
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a done stock move is immutable: move the stock back with a new move');
END;
-- Moves join an open picking only (a done picking gains no move).
CREATE TRIGGER stock_moves_open_picking BEFORE INSERT ON stock_moves
WHEN (SELECT state FROM pickings WHERE id = NEW.picking_id AND tenant_id = NEW.tenant_id) IS NOT 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a picking past draft is immutable: moves join draft pickings only');
END;
CREATE TRIGGER stock_moves_no_replace BEFORE INSERT ON stock_moves
WHEN EXISTS (SELECT 1 FROM stock_moves WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'stock moves are append-only');
END;

-- Quantities on hand per (product, internal location, lot), maintained in the transaction
-- of every done move; `inventory.check` recomputes them from the done moves.
CREATE TABLE stock_quants (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    product_id  INTEGER NOT NULL,
    location_id INTEGER NOT NULL,
    lot_id      INTEGER,
    quantity    INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id, lot_id) REFERENCES stock_lots (tenant_id, product_id, id)
) STRICT;
CREATE UNIQUE INDEX stock_quants_key ON stock_quants (tenant_id, product_id, location_id, coalesce(lot_id, 0));
CREATE INDEX stock_quants_location ON stock_quants (tenant_id, location_id);
CREATE INDEX stock_quants_lot ON stock_quants (tenant_id, lot_id) WHERE lot_id IS NOT NULL;

-- The cost state of each product, per company (the cost key is (tenant, product),
-- structurally: no cost is ever shared across companies or mixed between them). The
-- quantity owned (internal and in-transit locations), its value in base currency (ten-
-- thousandths, always at the currency's minor units: the sum of what was posted to the
-- inventory account) and the moving-average unit cost (millionths) that values outgoing
-- moves below zero. Maintained by `done`; `inventory.check` recomputes the quantity.
CREATE TABLE stock_costs (
    tenant_id    INTEGER NOT NULL REFERENCES companies (id),
    product_id   INTEGER NOT NULL,
    quantity     INTEGER NOT NULL,
    value        INTEGER NOT NULL,
    average_cost INTEGER NOT NULL CHECK (average_cost >= 0),
    PRIMARY KEY (tenant_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
) STRICT, WITHOUT ROWID;
