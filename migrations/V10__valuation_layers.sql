-- Valuation in move order (issue 10 §4): one row per done move that changes value (into
-- or out of owned stock: internal and transit locations), per company and product, in
-- valuation order (date, then the order moves were done: `id`). Each row keeps what it
-- moved against its counter-account, the price difference it absorbed (against cost of
-- goods sold), and the cost state after it. A move done with an earlier date than later
-- rows of its product (backdated) is slotted in at its date and only that product's later
-- rows are recomputed; the value differences are posted as a new stock journal entry, so
-- the ledger stays append-only. The move rows themselves (`stock_moves`) never change.
--
-- Quantities INTEGER ten-thousandths (QTY_SCALE 4), signed (+ in, − out); amounts INTEGER
-- ten-thousandths at the base currency's minor units; costs INTEGER millionths.
CREATE TABLE stock_valuation (
    id                 INTEGER PRIMARY KEY,   -- the order moves were valued in, within a date
    tenant_id          INTEGER NOT NULL REFERENCES companies (id),
    product_id         INTEGER NOT NULL,
    move_id            INTEGER NOT NULL,
    date               TEXT NOT NULL,
    quantity           INTEGER NOT NULL CHECK (quantity <> 0),
    base_value         INTEGER,               -- an incoming move's own value (entered quantity × unit cost); NULL: at the cost of its time
    landed             INTEGER NOT NULL DEFAULT 0,   -- landed costs added to an incoming move
    counter_account_id INTEGER,               -- where `moved` is posted against (GRNI, COGS, loss); NULL without books
    moved              INTEGER NOT NULL,      -- value into (+) or out of (−) stock
    difference         INTEGER NOT NULL,      -- price difference absorbed (filling negative stock, the residue at zero)
    qty_after          INTEGER NOT NULL,
    value_after        INTEGER NOT NULL,
    cost_after         INTEGER NOT NULL CHECK (cost_after >= 0),  -- average (or FIFO: last incoming) cost after
    cum_in             INTEGER NOT NULL,      -- incoming quantity so far, this row included (FIFO layers)
    cum_out            INTEGER NOT NULL,      -- outgoing quantity so far, this row included
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, move_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, move_id) REFERENCES stock_moves (tenant_id, id),
    FOREIGN KEY (tenant_id, counter_account_id) REFERENCES accounts (tenant_id, id),
    CHECK (landed = 0 OR quantity > 0)
) STRICT;
CREATE INDEX stock_valuation_order ON stock_valuation (tenant_id, product_id, date, id);
-- FIFO: the incoming rows still holding units are those whose cum_in passed the out so far.
CREATE INDEX stock_valuation_layers ON stock_valuation (tenant_id, product_id, cum_in) WHERE quantity > 0;
-- Valuation at a date.
CREATE INDEX stock_valuation_date ON stock_valuation (tenant_id, date);
CREATE TRIGGER stock_valuation_no_delete BEFORE DELETE ON stock_valuation
BEGIN
    SELECT RAISE(ABORT, 'valuation rows are never deleted: their moves are done');
END;
CREATE TRIGGER stock_valuation_fixed BEFORE UPDATE OF tenant_id, product_id, move_id, date, quantity, base_value, counter_account_id ON stock_valuation
BEGIN
    SELECT RAISE(ABORT, 'a valuation row keeps its move, date, quantity and own value: only its computed state changes');
END;

-- Landed costs (freight, duty) added to a done receipt's value, spread over its incoming
-- moves by value or by quantity; posted inventory / the account named (a clearing or
-- expense account), with the value differences of units already gone.
CREATE TABLE landed_costs (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    picking_id  INTEGER NOT NULL,
    date        TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    split       TEXT NOT NULL CHECK (split IN ('value', 'quantity')),
    account_id  INTEGER,
    description TEXT NOT NULL DEFAULT '',
    entry_id    INTEGER,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, picking_id) REFERENCES pickings (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id)
) STRICT;
CREATE INDEX landed_costs_picking ON landed_costs (tenant_id, picking_id);
CREATE TABLE landed_cost_lines (
    tenant_id      INTEGER NOT NULL REFERENCES companies (id),
    landed_cost_id INTEGER NOT NULL,
    move_id        INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, landed_cost_id, move_id),
    FOREIGN KEY (tenant_id, landed_cost_id) REFERENCES landed_costs (tenant_id, id),
    FOREIGN KEY (tenant_id, move_id) REFERENCES stock_moves (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER landed_costs_no_update BEFORE UPDATE OF id, tenant_id, picking_id, date, amount, split, account_id, description, created_by, created_at ON landed_costs
BEGIN
    SELECT RAISE(ABORT, 'a landed cost is posted: correct it with another');
END;
-- Its entry is linked once, in the transaction that posts it.
CREATE TRIGGER landed_costs_entry_once BEFORE UPDATE OF entry_id ON landed_costs
WHEN OLD.entry_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a landed cost is posted: correct it with another');
END;
CREATE TRIGGER landed_costs_no_delete BEFORE DELETE ON landed_costs
BEGIN
    SELECT RAISE(ABORT, 'a landed cost is posted: correct it with another');
END;
CREATE TRIGGER landed_cost_lines_no_change BEFORE UPDATE ON landed_cost_lines
BEGIN
    SELECT RAISE(ABORT, 'a landed cost is posted: correct it with another');
END;
CREATE TRIGGER landed_cost_lines_no_delete BEFORE DELETE ON landed_cost_lines
BEGIN
    SELECT RAISE(ABORT, 'a landed cost is posted: correct it with another');
END;

-- The moves valued before this migration, in the order they were done, with the value
-- each recorded. Price differences were not kept per move then: each product's last row
-- takes what its cost state holds beyond the sum of the moved values, so every product's
-- last row ends at its cost state. Costs after each earlier row are derived from its
-- quantity and value (the state they had); only a backdated move before them reads them.
INSERT INTO stock_valuation (tenant_id, product_id, move_id, date, quantity, base_value, counter_account_id,
                             moved, difference, qty_after, value_after, cost_after, cum_in, cum_out)
WITH v AS (
    SELECT m.tenant_id, m.product_id, m.id AS move_id, m.date, p.kind AS picking_kind,
           CASE WHEN lt.kind IN ('internal', 'transit') THEN m.quantity ELSE -m.quantity END AS q,
           CASE WHEN lt.kind IN ('internal', 'transit') AND m.unit_cost IS NOT NULL THEN coalesce(m.value, 0) END AS base_value,
           coalesce(m.value, 0) AS moved,
           row_number() OVER (PARTITION BY m.tenant_id, m.product_id ORDER BY m.date, m.done_at, m.id) AS n,
           count(*) OVER (PARTITION BY m.tenant_id, m.product_id) AS c
    FROM stock_moves m
    JOIN pickings p ON p.tenant_id = m.tenant_id AND p.id = m.picking_id
    JOIN stock_locations lf ON lf.tenant_id = m.tenant_id AND lf.id = m.from_location_id
    JOIN stock_locations lt ON lt.tenant_id = m.tenant_id AND lt.id = m.to_location_id
    WHERE m.state = 'done' AND ((lf.kind IN ('internal', 'transit')) <> (lt.kind IN ('internal', 'transit')))
),
r AS (
    SELECT v.*,
           sum(q) OVER w AS qa,
           sum(moved) OVER w AS va,
           sum(max(q, 0)) OVER w AS ci,
           sum(max(-q, 0)) OVER w AS co
    FROM v WINDOW w AS (PARTITION BY tenant_id, product_id ORDER BY n)
)
SELECT r.tenant_id, r.product_id, r.move_id, r.date, r.q, r.base_value,
       CASE WHEN s.tenant_id IS NULL THEN NULL
            WHEN r.picking_kind = 'receipt' THEN s.grni_account_id
            WHEN r.picking_kind IN ('adjustment', 'scrap') THEN coalesce(i.loss_account_id, s.cogs_account_id)
            ELSE s.cogs_account_id END,
       r.moved,
       CASE WHEN r.n = r.c THEN coalesce(k.value, r.va) - r.va ELSE 0 END,
       r.qa,
       CASE WHEN r.n = r.c THEN coalesce(k.value, r.va) ELSE r.va END,
       CASE WHEN r.n = r.c AND k.tenant_id IS NOT NULL THEN k.average_cost
            WHEN r.qa > 0 AND r.va > 0 THEN CAST(round(r.va * 1000000.0 / r.qa) AS INTEGER)
            ELSE 0 END,
       r.ci, r.co
FROM r
LEFT JOIN stock_costs k ON k.tenant_id = r.tenant_id AND k.product_id = r.product_id
LEFT JOIN accounting_settings s ON s.tenant_id = r.tenant_id
LEFT JOIN inventory_settings i ON i.tenant_id = r.tenant_id
ORDER BY r.tenant_id, r.date, r.product_id, r.n;
