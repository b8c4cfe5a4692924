-- Stocktaking (physical inventory counts): a count sheet per warehouse (all of it, one
-- location's subtree, and/or one category's products), its expected quantities frozen when
-- the count starts, the counted quantities entered while it runs, and the one adjustment
-- picking it posts (through the stock-move engine, which alone changes stock).
--
-- Quantities are INTEGER ten-thousandths (QTY_SCALE 4), as stock_quants. Every table is
-- company-scoped with `UNIQUE (tenant_id, id)` and composite foreign keys that carry the
-- tenant. A done or cancelled count and its lines never change (triggers).

CREATE TABLE stock_counts (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES companies (id),
    warehouse_id  INTEGER NOT NULL,
    -- The scope: every internal location under `location_id` (default: the warehouse's
    -- root), and only the products of `category_id` and its subcategories when given.
    location_id   INTEGER NOT NULL,
    category_id   INTEGER,
    -- A blind count's sheet hides the expected quantities and differences while it runs.
    blind         INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),
    state         TEXT NOT NULL CHECK (state IN ('in_progress', 'done', 'cancelled')),
    -- Given at posting, from the warehouse's `CNT` series (`WH/CNT/00001`).
    number        TEXT,
    note          TEXT NOT NULL DEFAULT '',
    -- When the expected quantities were frozen.
    started_at    TEXT NOT NULL,
    started_by    INTEGER NOT NULL REFERENCES users (id),
    done_at       TEXT,
    done_by       INTEGER REFERENCES users (id),
    -- The adjustment picking posted (none when nothing differed).
    picking_id    INTEGER,
    updated_at    TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    -- The scope's location is an internal location of the count's warehouse.
    FOREIGN KEY (tenant_id, warehouse_id, location_id) REFERENCES stock_locations (tenant_id, warehouse_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id),
    FOREIGN KEY (tenant_id, picking_id) REFERENCES pickings (tenant_id, id),
    CHECK ((state = 'done') = (number IS NOT NULL)),
    CHECK (state = 'done' OR picking_id IS NULL)
) STRICT;
CREATE UNIQUE INDEX stock_counts_number ON stock_counts (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX stock_counts_state ON stock_counts (tenant_id, state, id);

-- One line per (product, internal location, lot) of the sheet. `expected` is the quantity
-- on hand when the count started (0 for a line added while counting); `book_at_count` the
-- quantity on hand in the transaction that last entered `counted` (so the moves done
-- between the start and the count are in what the counter saw, and the ones after it are
-- applied on top); the adjustment posted is `counted - book_at_count`.
CREATE TABLE stock_count_lines (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES companies (id),
    count_id      INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    location_id   INTEGER NOT NULL,
    lot_id        INTEGER,
    expected      INTEGER NOT NULL,
    counted       INTEGER CHECK (counted >= 0),
    book_at_count INTEGER,
    counted_at    TEXT,
    counted_by    INTEGER REFERENCES users (id),
    -- Added while counting (not on hand when the count started).
    added         INTEGER NOT NULL DEFAULT 0 CHECK (added IN (0, 1)),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, count_id) REFERENCES stock_counts (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES stock_locations (tenant_id, id),
    -- A lot is a lot of the line's product.
    FOREIGN KEY (tenant_id, product_id, lot_id) REFERENCES stock_lots (tenant_id, product_id, id),
    CHECK ((counted IS NULL) = (book_at_count IS NULL)),
    CHECK ((counted IS NULL) = (counted_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX stock_count_lines_key ON stock_count_lines (tenant_id, count_id, product_id, location_id, coalesce(lot_id, 0));
CREATE INDEX stock_count_lines_product ON stock_count_lines (tenant_id, product_id);

-- Done is immutable: a done or cancelled count and its lines never change and are never
-- deleted; a running count gains and changes lines, and is cancelled rather than deleted.
CREATE TRIGGER stock_counts_closed_no_update BEFORE UPDATE ON stock_counts
WHEN OLD.state IN ('done', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'a done or cancelled stock count is immutable: count again');
END;
CREATE TRIGGER stock_counts_no_delete BEFORE DELETE ON stock_counts
BEGIN
    SELECT RAISE(ABORT, 'a stock count is immutable: cancel it instead of deleting it');
END;
CREATE TRIGGER stock_counts_no_replace BEFORE INSERT ON stock_counts
WHEN EXISTS (SELECT 1 FROM stock_counts WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'stock counts are append-only');
END;
CREATE TRIGGER stock_count_lines_open_insert BEFORE INSERT ON stock_count_lines
WHEN (SELECT state FROM stock_counts WHERE id = NEW.count_id AND tenant_id = NEW.tenant_id) IS NOT 'in_progress'
    OR EXISTS (SELECT 1 FROM stock_count_lines WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a done or cancelled stock count is immutable: lines join running counts only');
END;
CREATE TRIGGER stock_count_lines_open_update BEFORE UPDATE ON stock_count_lines
WHEN (SELECT state FROM stock_counts WHERE id = OLD.count_id AND tenant_id = OLD.tenant_id) IS NOT 'in_progress'
BEGIN
    SELECT RAISE(ABORT, 'a done or cancelled stock count is immutable');
END;
CREATE TRIGGER stock_count_lines_no_delete BEFORE DELETE ON stock_count_lines
BEGIN
    SELECT RAISE(ABORT, 'stock count lines are immutable: clear the count instead');
END;
