-- Production (issue 13): work centres, bills of materials, production orders and their
-- steps. Consumption and output are stock moves of pickings of the new kind
-- 'production' (internal ↔ the company's Production location), done by the stock-move
-- engine; their value goes through the work-in-progress account by the posting service.
-- Nothing here holds a quantity on hand or a ledger amount of its own: an order keeps
-- only what it consumed and produced, as the sums of its steps' moves.

-- 1. Pickings of kind 'production' (the CHECK is rebuilt; the table keeps its rows,
--    indexes and triggers). Migrations run with foreign keys off and are checked by
--    `PRAGMA foreign_key_check` before they commit (see store.rs).
CREATE TABLE pickings_v16 (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES companies (id),
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'delivery', 'internal', 'adjustment', 'scrap', 'production')),
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
    entry_id         INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, from_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, to_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    CHECK ((state = 'done') = (number IS NOT NULL))
) STRICT;
INSERT INTO pickings_v16 (id, tenant_id, kind, state, number, warehouse_id, from_location_id, to_location_id, date, partner_id, reference, reason,
                          source_module, source_kind, source_id, created_by, created_at, updated_at, done_by, done_at, entry_id)
SELECT id, tenant_id, kind, state, number, warehouse_id, from_location_id, to_location_id, date, partner_id, reference, reason,
       source_module, source_kind, source_id, created_by, created_at, updated_at, done_by, done_at, entry_id
FROM pickings ORDER BY id;
DROP TABLE pickings;
PRAGMA legacy_alter_table = ON;
ALTER TABLE pickings_v16 RENAME TO pickings;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX pickings_number ON pickings (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX pickings_date ON pickings (tenant_id, date, id);
CREATE INDEX pickings_state ON pickings (tenant_id, state, date, id);
CREATE INDEX pickings_source ON pickings (tenant_id, source_module, source_kind, source_id) WHERE source_id IS NOT NULL;
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

-- 2. A move's own value when its maker fixes it (a production output carries exactly
--    the value its order consumed and absorbed): money at the ledger's scale. The
--    valuation takes it instead of quantity × unit cost.
ALTER TABLE stock_moves ADD COLUMN fixed_value INTEGER CHECK (fixed_value >= 0);

-- 3. Settings: the work-in-progress account, the account that absorbs operations'
--    labour and overhead, and the production variances account. Without a row, the
--    chart's 1320, 5060 and 5050 are used when present.
CREATE TABLE production_settings (
    tenant_id             INTEGER PRIMARY KEY REFERENCES companies (id),
    wip_account_id        INTEGER,
    absorption_account_id INTEGER,
    variance_account_id   INTEGER,
    updated_at            TEXT NOT NULL,
    FOREIGN KEY (tenant_id, wip_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, variance_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, absorption_account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

-- 4. Work centres: where operations run, at a cost per hour (money, 4 decimals).
CREATE TABLE work_centres (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES companies (id),
    code          TEXT NOT NULL,
    code_key      TEXT NOT NULL,
    name          TEXT NOT NULL,
    cost_per_hour INTEGER NOT NULL CHECK (cost_per_hour >= 0),
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key)
) STRICT;

-- 5. Bills of materials. A BOM makes `quantity` (4 decimals) of `unit_id` of its product
--    (a product, a variant, or a variant template whose lines may apply to some attribute
--    values only). One default per product among the active ones; validity dates choose
--    among versions.
CREATE TABLE boms (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    product_id INTEGER NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_id    INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    lead_time_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 3650),
    valid_from TEXT,
    valid_to   TEXT,
    notes      TEXT NOT NULL DEFAULT '',
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
) STRICT;
CREATE INDEX boms_product ON boms (tenant_id, product_id, archived, id);
CREATE UNIQUE INDEX boms_one_default ON boms (tenant_id, product_id) WHERE is_default = 1 AND archived = 0;

-- Component lines and by-products. Quantities per the BOM's output quantity, in the
-- line's unit; scrap and cost share are percentages with 4 decimals (100% = 1,000,000).
CREATE TABLE bom_lines (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    bom_id     INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('component', 'byproduct')),
    product_id INTEGER NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_id    INTEGER NOT NULL,
    scrap      INTEGER NOT NULL DEFAULT 0 CHECK (scrap >= 0 AND scrap < 1000000),
    cost_share INTEGER NOT NULL DEFAULT 0 CHECK (cost_share >= 0 AND cost_share <= 1000000),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bom_id) REFERENCES boms (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK (kind = 'byproduct' OR cost_share = 0)
) STRICT;
CREATE INDEX bom_lines_bom ON bom_lines (tenant_id, bom_id, position);
CREATE INDEX bom_lines_product ON bom_lines (tenant_id, product_id, bom_id);

-- A template BOM's line that applies only to variants with these values (for each
-- attribute named, the variant's value must be one of those listed).
CREATE TABLE bom_line_values (
    tenant_id    INTEGER NOT NULL,
    line_id      INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    value_id     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, line_id, value_id),
    FOREIGN KEY (tenant_id, line_id) REFERENCES bom_lines (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, attribute_id, value_id) REFERENCES attribute_values (tenant_id, attribute_id, id)
) STRICT, WITHOUT ROWID;

-- Operations: minutes per batch (one run of the BOM's output quantity) and per unit of
-- output (4 decimals), at the work centre's cost per hour unless the line names its own.
CREATE TABLE bom_operations (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES companies (id),
    bom_id            INTEGER NOT NULL,
    position          INTEGER NOT NULL,
    name              TEXT NOT NULL,
    work_centre_id    INTEGER NOT NULL,
    minutes_per_batch INTEGER NOT NULL DEFAULT 0 CHECK (minutes_per_batch >= 0),
    minutes_per_unit  INTEGER NOT NULL DEFAULT 0 CHECK (minutes_per_unit >= 0),
    cost_per_hour     INTEGER CHECK (cost_per_hour >= 0),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bom_id) REFERENCES boms (tenant_id, id),
    FOREIGN KEY (tenant_id, work_centre_id) REFERENCES work_centres (tenant_id, id)
) STRICT;
CREATE INDEX bom_operations_bom ON bom_operations (tenant_id, bom_id, position);

-- 6. Production orders. Quantities in the product's own unit (4 decimals); values in
--    base currency at the ledger's scale. A number is given at confirmation (gapless per
--    company), so a draft has none and every confirmed order has one (a draft cancelled
--    keeps none). wip = consumed + absorbed − produced − returned − written off: the
--    order's share of the WIP account.
CREATE TABLE production_orders (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES companies (id),
    number              TEXT,
    state               TEXT NOT NULL CHECK (state IN ('draft', 'confirmed', 'in_progress', 'done', 'cancelled')),
    product_id          INTEGER NOT NULL,
    bom_id              INTEGER NOT NULL,
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    produced            INTEGER NOT NULL DEFAULT 0 CHECK (produced >= 0),
    unbuilt             INTEGER NOT NULL DEFAULT 0 CHECK (unbuilt >= 0 AND unbuilt <= produced),
    warehouse_id        INTEGER NOT NULL,
    source_location_id  INTEGER NOT NULL,
    dest_location_id    INTEGER NOT NULL,
    date_planned        TEXT NOT NULL,
    date_done           TEXT,
    origin              TEXT NOT NULL DEFAULT '',
    standard_cost       INTEGER,                -- per unit of the product, at confirmation (6 decimals)
    consumed_value      INTEGER NOT NULL DEFAULT 0,
    absorbed_value      INTEGER NOT NULL DEFAULT 0,
    produced_value      INTEGER NOT NULL DEFAULT 0,
    returned_value      INTEGER NOT NULL DEFAULT 0,  -- components given back by a cancellation
    written_off_value   INTEGER NOT NULL DEFAULT 0,  -- what was left in WIP when the order closed short
    reservation_id      INTEGER,                -- the ready picking that reserves what is left to consume
    created_by          INTEGER NOT NULL REFERENCES users (id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, bom_id) REFERENCES boms (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, source_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, dest_location_id) REFERENCES stock_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, reservation_id) REFERENCES pickings (tenant_id, id),
    CHECK (state <> 'draft' OR number IS NULL),
    CHECK (state IN ('draft', 'cancelled') OR number IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX production_orders_number ON production_orders (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX production_orders_state ON production_orders (tenant_id, state, date_planned, id);
CREATE INDEX production_orders_product ON production_orders (tenant_id, product_id, state);

-- An order's components and by-products: planned for the whole order (scrap included),
-- what was consumed or produced, with its value, and (components) what output carried.
CREATE TABLE production_order_lines (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    order_id    INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('component', 'byproduct')),
    product_id  INTEGER NOT NULL,
    planned     INTEGER NOT NULL CHECK (planned >= 0),
    done        INTEGER NOT NULL DEFAULT 0,
    value       INTEGER NOT NULL DEFAULT 0,
    out_qty     INTEGER NOT NULL DEFAULT 0,          -- of a component: how much of `done` the output has carried
    out_value   INTEGER NOT NULL DEFAULT 0,          -- and its value
    cost_share  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES production_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
) STRICT;
CREATE INDEX production_order_lines_order ON production_order_lines (tenant_id, order_id, position);
CREATE INDEX production_order_lines_product ON production_order_lines (tenant_id, product_id);

-- An order's operations: planned minutes for the whole order, minutes absorbed so far.
CREATE TABLE production_order_operations (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    order_id        INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    work_centre_id  INTEGER NOT NULL,
    planned_minutes INTEGER NOT NULL CHECK (planned_minutes >= 0),
    done_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (done_minutes >= 0),
    cost_per_hour   INTEGER NOT NULL CHECK (cost_per_hour >= 0),
    value           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES production_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, work_centre_id) REFERENCES work_centres (tenant_id, id)
) STRICT;
CREATE INDEX production_order_operations_order ON production_order_operations (tenant_id, order_id, position);

-- What was done to an order, append-only: consumption, output, unbuilding, each with
-- the pickings the engine did and the operations entry posted.
CREATE TABLE production_steps (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES companies (id),
    order_id          INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('consume', 'produce', 'unbuild', 'return')),
    date              TEXT NOT NULL,
    quantity          INTEGER NOT NULL DEFAULT 0,
    consume_picking_id INTEGER,
    output_picking_id INTEGER,
    entry_id          INTEGER,
    consumed_value    INTEGER NOT NULL DEFAULT 0,
    absorbed_value    INTEGER NOT NULL DEFAULT 0,
    produced_value    INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES production_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, consume_picking_id) REFERENCES pickings (tenant_id, id),
    FOREIGN KEY (tenant_id, output_picking_id) REFERENCES pickings (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id)
) STRICT;
CREATE INDEX production_steps_order ON production_steps (tenant_id, order_id, id);
CREATE INDEX production_steps_output ON production_steps (tenant_id, output_picking_id) WHERE output_picking_id IS NOT NULL;

-- 7. Requirements planning. A run keeps what it proposed and why: each proposal (make
--    with a BOM, or buy from a supplier) with the demands it covers (pegs). A proposal is
--    confirmed into a draft production or purchase order, or dismissed; a new run
--    supersedes the proposals still open.
CREATE TABLE planning_runs (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    date       TEXT NOT NULL,
    horizon    TEXT,
    state      TEXT NOT NULL CHECK (state IN ('open', 'superseded')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;
CREATE INDEX planning_runs_list ON planning_runs (tenant_id, id);

CREATE TABLE planning_proposals (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES companies (id),
    run_id        INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('produce', 'purchase')),
    state         TEXT NOT NULL CHECK (state IN ('proposed', 'confirmed', 'dismissed', 'superseded')),
    product_id    INTEGER NOT NULL,
    level         INTEGER NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),          -- the product's unit, 4 decimals
    date_needed   TEXT NOT NULL,
    date_start    TEXT NOT NULL,                                  -- date needed less the lead time
    bom_id        INTEGER,
    supplier_id   INTEGER,
    on_hand       INTEGER NOT NULL,                               -- the netting it came from
    incoming      INTEGER NOT NULL,
    demand        INTEGER NOT NULL,
    safety        INTEGER NOT NULL DEFAULT 0,
    production_order_id INTEGER,
    purchase_order_id   INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, run_id) REFERENCES planning_runs (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, bom_id) REFERENCES boms (tenant_id, id),
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, production_order_id) REFERENCES production_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, purchase_order_id) REFERENCES trade_orders (tenant_id, id),
    CHECK ((kind = 'produce') = (bom_id IS NOT NULL))
) STRICT;
CREATE INDEX planning_proposals_run ON planning_proposals (tenant_id, run_id, position);

-- What a proposal covers: a sales order line, a production order's component, a
-- reorder rule's minimum, or another proposal's component (dependent demand).
CREATE TABLE planning_pegs (
    tenant_id   INTEGER NOT NULL,
    proposal_id INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('sales_order', 'production_order', 'reorder_rule', 'proposal')),
    source_id   INTEGER,
    reference   TEXT NOT NULL,
    date        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, proposal_id, position),
    FOREIGN KEY (tenant_id, proposal_id) REFERENCES planning_proposals (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- Finished is immutable; steps are append-only.
CREATE TRIGGER production_orders_closed BEFORE UPDATE ON production_orders
WHEN OLD.state = 'cancelled' OR (OLD.state = 'done' AND (NEW.unbuilt = OLD.unbuilt OR NEW.state <> 'done'))
BEGIN
    SELECT RAISE(ABORT, 'a done or cancelled production order is immutable: unbuild it instead');
END;
CREATE TRIGGER production_orders_no_delete BEFORE DELETE ON production_orders
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'only a draft production order can be deleted');
END;
CREATE TRIGGER production_steps_no_update BEFORE UPDATE ON production_steps
BEGIN
    SELECT RAISE(ABORT, 'production steps are append-only');
END;
CREATE TRIGGER production_steps_no_delete BEFORE DELETE ON production_steps
BEGIN
    SELECT RAISE(ABORT, 'production steps are append-only');
END;
