-- Maintained sums for the sales and purchase reports (issue 11 §8: the report over
-- 100,000 invoices under 100 ms), as `account_balances` is for the ledger: the report
-- reads whole months here and the lines only for the partial months at the edges of its
-- date range. `ledger.check` (and so `cora check`) recomputes every one of them.
--
-- They are kept by triggers, in the transaction of the change they sum, on the only
-- transitions that change what the report counts: an invoice, bill, credit or debit note
-- going from draft to posted (a posted document never changes or leaves `posted`, and a
-- cancelled one was never posted), and a sales order's stock move being done (a done
-- move never changes). Credit and debit notes count negative, as in the report.

-- Per company, side, month of the invoice date, partner, product and unit (a free line
-- has neither): the signed quantity in the line's unit (scale 4) and the signed net in
-- base currency at the invoice's rate (`trade_invoice_lines.net_base`, scale 4).
CREATE TABLE trade_sums (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    side       TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    month      TEXT NOT NULL CHECK (length(month) = 7),   -- YYYY-MM
    partner_id INTEGER NOT NULL,
    product_id INTEGER,
    unit_id    INTEGER,
    quantity   INTEGER NOT NULL DEFAULT 0,
    net        INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK ((product_id IS NULL) = (unit_id IS NULL))
) STRICT;
-- One row per key; a free line's key has no product (0 in the index, which is what the
-- maintaining upsert names).
CREATE UNIQUE INDEX trade_sums_key ON trade_sums (tenant_id, side, month, partner_id, coalesce(product_id, 0), coalesce(unit_id, 0));
-- A report of one partner reads that partner's rows only.
CREATE INDEX trade_sums_partner ON trade_sums (tenant_id, side, partner_id, month);

-- The same rolled up over partners (product and category reports of every partner) and
-- over products (partner and month reports of every partner): a company with many
-- partners buying many products has nearly as many rows of the full key as lines.
CREATE TABLE trade_product_sums (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    side       TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    product_id INTEGER,
    unit_id    INTEGER,
    quantity   INTEGER NOT NULL DEFAULT 0,
    net        INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK ((product_id IS NULL) = (unit_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX trade_product_sums_key ON trade_product_sums (tenant_id, side, month, coalesce(product_id, 0), coalesce(unit_id, 0));

CREATE TABLE trade_partner_sums (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    side       TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    partner_id INTEGER NOT NULL,
    net        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, side, month, partner_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- Cost of goods sold per company, month of the move, customer (the order's partner) and
-- product (a kit's components count for the kit): minus the value the sales orders' done
-- moves took out of stock (deliveries positive, returns negative), scale 4.
CREATE TABLE trade_cost_sums (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    month      TEXT NOT NULL CHECK (length(month) = 7),
    partner_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    cost       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month, partner_id, product_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER trade_sums_posted AFTER UPDATE OF state ON trade_invoices
WHEN NEW.state = 'posted' AND OLD.state <> 'posted'
BEGIN
    INSERT INTO trade_sums (tenant_id, side, month, partner_id, product_id, unit_id, quantity, net)
    SELECT NEW.tenant_id, NEW.side, substr(NEW.date, 1, 7), NEW.partner_id, l.product_id, l.unit_id,
           sum(CASE WHEN NEW.kind = 'credit' THEN -l.quantity ELSE l.quantity END),
           sum(CASE WHEN NEW.kind = 'credit' THEN -l.net_base ELSE l.net_base END)
    FROM trade_invoice_lines l
    WHERE l.tenant_id = NEW.tenant_id AND l.invoice_id = NEW.id
    GROUP BY l.product_id, l.unit_id
    ON CONFLICT (tenant_id, side, month, partner_id, coalesce(product_id, 0), coalesce(unit_id, 0))
    DO UPDATE SET quantity = quantity + excluded.quantity, net = net + excluded.net;
    INSERT INTO trade_product_sums (tenant_id, side, month, product_id, unit_id, quantity, net)
    SELECT NEW.tenant_id, NEW.side, substr(NEW.date, 1, 7), l.product_id, l.unit_id,
           sum(CASE WHEN NEW.kind = 'credit' THEN -l.quantity ELSE l.quantity END),
           sum(CASE WHEN NEW.kind = 'credit' THEN -l.net_base ELSE l.net_base END)
    FROM trade_invoice_lines l
    WHERE l.tenant_id = NEW.tenant_id AND l.invoice_id = NEW.id
    GROUP BY l.product_id, l.unit_id
    ON CONFLICT (tenant_id, side, month, coalesce(product_id, 0), coalesce(unit_id, 0))
    DO UPDATE SET quantity = quantity + excluded.quantity, net = net + excluded.net;
    INSERT INTO trade_partner_sums (tenant_id, side, month, partner_id, net)
    SELECT NEW.tenant_id, NEW.side, substr(NEW.date, 1, 7), NEW.partner_id,
           sum(CASE WHEN NEW.kind = 'credit' THEN -l.net_base ELSE l.net_base END)
    FROM trade_invoice_lines l
    WHERE l.tenant_id = NEW.tenant_id AND l.invoice_id = NEW.id
    GROUP BY l.invoice_id
    ON CONFLICT (tenant_id, side, month, partner_id) DO UPDATE SET net = net + excluded.net;
END;

CREATE TRIGGER trade_cost_sums_done AFTER UPDATE OF state ON stock_moves
WHEN NEW.state = 'done' AND OLD.state <> 'done' AND NEW.source_module = 'sales' AND NEW.value IS NOT NULL
BEGIN
    INSERT INTO trade_cost_sums (tenant_id, month, partner_id, product_id, cost)
    SELECT NEW.tenant_id, substr(NEW.date, 1, 7), o.partner_id, coalesce(NEW.kit_id, NEW.product_id), -NEW.value
    FROM trade_orders o
    WHERE o.tenant_id = NEW.tenant_id AND o.id = NEW.source_id
    ON CONFLICT (tenant_id, month, partner_id, product_id) DO UPDATE SET cost = cost + excluded.cost;
END;

-- Backfill from what is already posted and done.
INSERT INTO trade_sums (tenant_id, side, month, partner_id, product_id, unit_id, quantity, net)
SELECT i.tenant_id, i.side, substr(i.date, 1, 7), i.partner_id, l.product_id, l.unit_id,
       sum(CASE WHEN i.kind = 'credit' THEN -l.quantity ELSE l.quantity END),
       sum(CASE WHEN i.kind = 'credit' THEN -l.net_base ELSE l.net_base END)
FROM trade_invoices i
JOIN trade_invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
WHERE i.state = 'posted'
GROUP BY i.tenant_id, i.side, substr(i.date, 1, 7), i.partner_id, l.product_id, l.unit_id;

INSERT INTO trade_product_sums (tenant_id, side, month, product_id, unit_id, quantity, net)
SELECT tenant_id, side, month, product_id, unit_id, sum(quantity), sum(net)
FROM trade_sums
GROUP BY tenant_id, side, month, product_id, unit_id;

INSERT INTO trade_partner_sums (tenant_id, side, month, partner_id, net)
SELECT tenant_id, side, month, partner_id, sum(net)
FROM trade_sums
GROUP BY tenant_id, side, month, partner_id;

INSERT INTO trade_cost_sums (tenant_id, month, partner_id, product_id, cost)
SELECT m.tenant_id, substr(m.date, 1, 7), o.partner_id, coalesce(m.kit_id, m.product_id), -sum(m.value)
FROM stock_moves m
JOIN trade_orders o ON o.tenant_id = m.tenant_id AND o.id = m.source_id
WHERE m.source_module = 'sales' AND m.state = 'done' AND m.value IS NOT NULL
GROUP BY m.tenant_id, substr(m.date, 1, 7), o.partner_id, coalesce(m.kit_id, m.product_id);
