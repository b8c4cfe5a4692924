-- Replenishment (issue 10): reorder rules per product and warehouse, and an index for the
-- stock report. V10 and V11 are reserved for work landing in parallel.
--
-- A rule says: when the forecast of a product in a warehouse (on hand − reserved
-- outgoing + incoming ready moves) falls below `min_qty`, order enough to bring it to
-- `max_qty`, in multiples of `multiple`. Quantities are INTEGER ten-thousandths in the
-- product's unit (QTY_SCALE 4), as stock_quants. One rule per (company, product,
-- warehouse); an archived rule suggests nothing and is restored rather than made again.
CREATE TABLE reorder_rules (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES companies (id),
    product_id   INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL,
    min_qty      INTEGER NOT NULL CHECK (min_qty >= 0),
    max_qty      INTEGER NOT NULL,
    multiple     INTEGER NOT NULL CHECK (multiple > 0),
    supplier_id  INTEGER,                     -- the preferred supplier (a partner), if any
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, product_id, warehouse_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, supplier_id) REFERENCES partners (tenant_id, id),
    CHECK (max_qty >= min_qty)
) STRICT;
CREATE INDEX reorder_rules_warehouse ON reorder_rules (tenant_id, warehouse_id, product_id);
CREATE INDEX reorder_rules_supplier ON reorder_rules (tenant_id, supplier_id) WHERE supplier_id IS NOT NULL;

-- Incoming ready moves per product (the forecast adds what is on its way in); the
-- reserved index of V9 is keyed by the location moved from.
CREATE INDEX stock_moves_incoming ON stock_moves (tenant_id, product_id, to_location_id) WHERE state = 'ready';
