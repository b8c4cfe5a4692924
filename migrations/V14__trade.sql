-- Purchasing and sales: one trade-document engine (core/src/trade) for both sides.
-- Orders (quotation or request for quotation, then order), their lines with the exact
-- progress quantities (delivered, returned, invoiced, credited, cancelled), invoices and
-- credit notes (customer invoice / credit note, supplier bill / debit note), the
-- pickings made for an order, default taxes per product, and idempotency keys.
-- Money is stored at scale 4, unit prices at scale 6, quantities at scale 4 (in the
-- line's own unit), exchange rates at scale 10; every reference is (tenant_id, x).

CREATE TABLE trade_settings (
    tenant_id      INTEGER PRIMARY KEY REFERENCES companies (id),
    -- Customer invoices are made from delivered or from ordered quantities.
    invoice_policy TEXT NOT NULL DEFAULT 'delivered' CHECK (invoice_policy IN ('ordered', 'delivered'))
) STRICT;

-- A product's default taxes on each side (the line takes them; the user may override).
CREATE TABLE product_taxes (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    product_id INTEGER NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    tax_id     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, product_id, side, tax_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE trade_orders (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES companies (id),
    side                TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    state               TEXT NOT NULL CHECK (state IN ('draft', 'sent', 'confirmed', 'done', 'cancelled')),
    number              TEXT,
    partner_id          INTEGER NOT NULL,
    billing_address_id  INTEGER,
    shipping_address_id INTEGER,
    currency            TEXT NOT NULL,
    rate                INTEGER NOT NULL CHECK (rate > 0),       -- base per unit of currency, scale 10
    date                TEXT NOT NULL,
    payment_terms_days  INTEGER NOT NULL DEFAULT 0 CHECK (payment_terms_days BETWEEN 0 AND 3650),
    warehouse_id        INTEGER,
    reference           TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    net                 INTEGER NOT NULL DEFAULT 0,
    tax                 INTEGER NOT NULL DEFAULT 0,
    rounding            INTEGER NOT NULL DEFAULT 0,
    total               INTEGER NOT NULL DEFAULT 0,
    credit_override     INTEGER NOT NULL DEFAULT 0 CHECK (credit_override IN (0, 1)),
    created_by          INTEGER NOT NULL REFERENCES users (id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    confirmed_at        TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, side, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, billing_address_id) REFERENCES partner_addresses (tenant_id, id),
    FOREIGN KEY (tenant_id, shipping_address_id) REFERENCES partner_addresses (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    CHECK (net + tax + rounding = total),
    -- Drafts carry no number; a confirmed order always has one.
    CHECK (state NOT IN ('draft', 'sent') OR number IS NULL),
    CHECK (state NOT IN ('confirmed', 'done') OR number IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX trade_orders_number ON trade_orders (tenant_id, side, number) WHERE number IS NOT NULL;
CREATE INDEX trade_orders_list ON trade_orders (tenant_id, side, date, id);
CREATE INDEX trade_orders_partner ON trade_orders (tenant_id, partner_id, date);

CREATE TABLE trade_order_lines (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    order_id    INTEGER NOT NULL,
    line_no     INTEGER NOT NULL CHECK (line_no > 0),
    product_id  INTEGER,                                  -- NULL: a free-text line
    description TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_price  INTEGER NOT NULL CHECK (unit_price >= 0),  -- scale 6, per unit of the line
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    net         INTEGER NOT NULL,
    tax         INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    -- Progress, in the line's unit; only the flows write these.
    delivered   INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    returned    INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= delivered),
    invoiced    INTEGER NOT NULL DEFAULT 0 CHECK (invoiced >= 0),
    credited    INTEGER NOT NULL DEFAULT 0 CHECK (credited >= 0 AND credited <= invoiced),
    cancelled   INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0 AND cancelled <= quantity),
    -- The value the receipts of a purchase line put into stock (GRNI), base currency.
    received_value INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, order_id, line_no),
    FOREIGN KEY (tenant_id, order_id) REFERENCES trade_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK ((product_id IS NULL) = (unit_id IS NULL)),
    CHECK (product_id IS NOT NULL OR description <> '')
) STRICT;

CREATE TABLE trade_order_line_taxes (
    tenant_id INTEGER NOT NULL,
    line_id   INTEGER NOT NULL,
    tax_id    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, line_id, tax_id),
    FOREIGN KEY (tenant_id, line_id) REFERENCES trade_order_lines (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- A confirmed order's lines never change except their progress; lines join and leave
-- quotations only.
CREATE TRIGGER trade_order_lines_fixed BEFORE UPDATE ON trade_order_lines
WHEN (SELECT state FROM trade_orders WHERE tenant_id = OLD.tenant_id AND id = OLD.order_id) NOT IN ('draft', 'sent')
 AND (NEW.product_id IS NOT OLD.product_id OR NEW.quantity <> OLD.quantity OR NEW.unit_price <> OLD.unit_price
      OR NEW.discount_bp <> OLD.discount_bp OR NEW.net <> OLD.net OR NEW.tax <> OLD.tax OR NEW.gross <> OLD.gross
      OR NEW.unit_id IS NOT OLD.unit_id OR NEW.order_id <> OLD.order_id OR NEW.line_no <> OLD.line_no OR NEW.description <> OLD.description)
BEGIN
    SELECT RAISE(ABORT, 'a confirmed order''s lines are immutable: only deliveries, invoices and cancellation change their progress');
END;
CREATE TRIGGER trade_order_lines_no_delete BEFORE DELETE ON trade_order_lines
WHEN (SELECT state FROM trade_orders WHERE tenant_id = OLD.tenant_id AND id = OLD.order_id) NOT IN ('draft', 'sent')
BEGIN
    SELECT RAISE(ABORT, 'a confirmed order''s lines are immutable');
END;
CREATE TRIGGER trade_order_lines_no_insert BEFORE INSERT ON trade_order_lines
WHEN (SELECT state FROM trade_orders WHERE tenant_id = NEW.tenant_id AND id = NEW.order_id) NOT IN ('draft', 'sent')
BEGIN
    SELECT RAISE(ABORT, 'a confirmed order''s lines are immutable');
END;
CREATE TRIGGER trade_orders_no_delete BEFORE DELETE ON trade_orders
WHEN OLD.state NOT IN ('draft', 'sent')
BEGIN
    SELECT RAISE(ABORT, 'only a quotation can be deleted: cancel an order instead');
END;
CREATE TRIGGER trade_orders_closed BEFORE UPDATE ON trade_orders
WHEN OLD.state = 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'a cancelled order is immutable');
END;

-- The pickings made for an order (deliveries, receipts and their returns).
CREATE TABLE trade_order_pickings (
    tenant_id  INTEGER NOT NULL,
    order_id   INTEGER NOT NULL,
    picking_id INTEGER NOT NULL,
    is_return  INTEGER NOT NULL CHECK (is_return IN (0, 1)),
    PRIMARY KEY (tenant_id, order_id, picking_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES trade_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, picking_id) REFERENCES pickings (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- Customer invoices and credit notes, supplier bills and debit notes. The number is given
-- at posting; a posted invoice is immutable (corrected by a credit note).
CREATE TABLE trade_invoices (
    id                 INTEGER PRIMARY KEY,
    tenant_id          INTEGER NOT NULL REFERENCES companies (id),
    side               TEXT NOT NULL CHECK (side IN ('sale', 'purchase')),
    kind               TEXT NOT NULL CHECK (kind IN ('invoice', 'credit')),
    state              TEXT NOT NULL CHECK (state IN ('draft', 'posted', 'cancelled')),
    number             TEXT,
    order_id           INTEGER,
    credited_invoice_id INTEGER,
    partner_id         INTEGER NOT NULL,
    billing_address_id INTEGER,
    currency           TEXT NOT NULL,
    rate               INTEGER NOT NULL CHECK (rate > 0),
    date               TEXT NOT NULL,
    due_date           TEXT NOT NULL,
    reference          TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    net                INTEGER NOT NULL DEFAULT 0,
    tax                INTEGER NOT NULL DEFAULT 0,
    rounding           INTEGER NOT NULL DEFAULT 0,
    total              INTEGER NOT NULL DEFAULT 0,
    entry_id           INTEGER,
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    posted_at          TEXT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, side, order_id) REFERENCES trade_orders (tenant_id, side, id),
    FOREIGN KEY (tenant_id, credited_invoice_id) REFERENCES trade_invoices (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, billing_address_id) REFERENCES partner_addresses (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    CHECK (net + tax + rounding = total),
    CHECK ((state = 'posted') = (number IS NOT NULL)),
    CHECK (due_date >= date)
) STRICT;
CREATE UNIQUE INDEX trade_invoices_number ON trade_invoices (tenant_id, side, kind, number) WHERE number IS NOT NULL;
CREATE INDEX trade_invoices_list ON trade_invoices (tenant_id, side, date, id);
CREATE INDEX trade_invoices_order ON trade_invoices (tenant_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX trade_invoices_partner ON trade_invoices (tenant_id, partner_id, date);

CREATE TABLE trade_invoice_lines (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES companies (id),
    invoice_id    INTEGER NOT NULL,
    line_no       INTEGER NOT NULL CHECK (line_no > 0),
    order_line_id INTEGER,
    credited_line_id INTEGER,                   -- on a credit note: the invoice line it credits
    product_id    INTEGER,
    description   TEXT NOT NULL DEFAULT '',
    unit_id       INTEGER,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    unit_price    INTEGER NOT NULL CHECK (unit_price >= 0),
    discount_bp   INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    net           INTEGER NOT NULL,
    tax           INTEGER NOT NULL,
    gross         INTEGER NOT NULL,
    net_base      INTEGER NOT NULL,             -- the net in base currency at the invoice's rate (reports)
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, invoice_id, line_no),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES trade_invoices (tenant_id, id),
    FOREIGN KEY (tenant_id, order_line_id) REFERENCES trade_order_lines (tenant_id, id),
    FOREIGN KEY (tenant_id, credited_line_id) REFERENCES trade_invoice_lines (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    CHECK ((product_id IS NULL) = (unit_id IS NULL))
) STRICT;
CREATE INDEX trade_invoice_lines_credited ON trade_invoice_lines (tenant_id, credited_line_id) WHERE credited_line_id IS NOT NULL;
CREATE INDEX trade_invoice_lines_order_line ON trade_invoice_lines (tenant_id, order_line_id) WHERE order_line_id IS NOT NULL;
CREATE INDEX trade_invoice_lines_product ON trade_invoice_lines (tenant_id, product_id) WHERE product_id IS NOT NULL;

CREATE TABLE trade_invoice_line_taxes (
    tenant_id INTEGER NOT NULL,
    line_id   INTEGER NOT NULL,
    tax_id    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, line_id, tax_id),
    FOREIGN KEY (tenant_id, line_id) REFERENCES trade_invoice_lines (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER trade_invoices_posted_no_update BEFORE UPDATE ON trade_invoices
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted or cancelled invoice is immutable: correct it with a credit note');
END;
CREATE TRIGGER trade_invoices_posted_no_delete BEFORE DELETE ON trade_invoices
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted or cancelled invoice is immutable: correct it with a credit note');
END;
CREATE TRIGGER trade_invoice_lines_fixed_update BEFORE UPDATE ON trade_invoice_lines
WHEN (SELECT state FROM trade_invoices WHERE tenant_id = OLD.tenant_id AND id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted invoice''s lines are immutable');
END;
CREATE TRIGGER trade_invoice_lines_fixed_delete BEFORE DELETE ON trade_invoice_lines
WHEN (SELECT state FROM trade_invoices WHERE tenant_id = OLD.tenant_id AND id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted invoice''s lines are immutable');
END;
CREATE TRIGGER trade_invoice_lines_fixed_insert BEFORE INSERT ON trade_invoice_lines
WHEN (SELECT state FROM trade_invoices WHERE tenant_id = NEW.tenant_id AND id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted invoice''s lines are immutable');
END;

-- A client-supplied key per mutating call: the same key again returns the first result.
CREATE TABLE trade_idempotency (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    key        TEXT NOT NULL,
    command    TEXT NOT NULL,
    result     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
) STRICT, WITHOUT ROWID;

-- Sales price lists: per currency, for the customers named (none named: every customer),
-- valid between two dates; items per product and minimum quantity (in the product's
-- unit) give a fixed price (per product unit) or a discount on the catalog price.
CREATE TABLE price_lists (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    currency   TEXT NOT NULL,
    valid_from TEXT,
    valid_to   TEXT,
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name_key),
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
) STRICT;

CREATE TABLE price_list_partners (
    tenant_id     INTEGER NOT NULL,
    price_list_id INTEGER NOT NULL,
    partner_id    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, price_list_id, partner_id),
    FOREIGN KEY (tenant_id, price_list_id) REFERENCES price_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX price_list_partners_partner ON price_list_partners (tenant_id, partner_id);

CREATE TABLE price_list_items (
    tenant_id     INTEGER NOT NULL,
    price_list_id INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    min_quantity  INTEGER NOT NULL CHECK (min_quantity >= 0),   -- scale 4, product unit
    price         INTEGER CHECK (price >= 0),                   -- scale 6, per product unit
    discount_bp   INTEGER CHECK (discount_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (tenant_id, price_list_id, product_id, min_quantity),
    FOREIGN KEY (tenant_id, price_list_id) REFERENCES price_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
    CHECK ((price IS NULL) <> (discount_bp IS NULL))
) STRICT, WITHOUT ROWID;

-- What suppliers charge: per supplier, product and minimum quantity, in a currency, with
-- the supplier's own product code and lead time. Purchase lines take their price here.
CREATE TABLE supplier_prices (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES companies (id),
    partner_id     INTEGER NOT NULL,
    product_id     INTEGER NOT NULL,
    supplier_code  TEXT NOT NULL DEFAULT '',
    currency       TEXT NOT NULL,
    min_quantity   INTEGER NOT NULL DEFAULT 0 CHECK (min_quantity >= 0),
    price          INTEGER NOT NULL CHECK (price >= 0),
    lead_time_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 3650),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, partner_id, product_id, currency, min_quantity),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
) STRICT;
CREATE INDEX supplier_prices_product ON supplier_prices (tenant_id, product_id, id);

-- Each document's totals per tax, as the one computation gave them when its lines were
-- written (read back instead of recomputed; the lines never change once numbered).
CREATE TABLE trade_order_taxes (
    tenant_id INTEGER NOT NULL,
    order_id  INTEGER NOT NULL,
    tax_id    INTEGER NOT NULL,
    base      INTEGER NOT NULL,
    amount    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, order_id, tax_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES trade_orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE trade_invoice_taxes (
    tenant_id  INTEGER NOT NULL,
    invoice_id INTEGER NOT NULL,
    tax_id     INTEGER NOT NULL,
    base       INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id, tax_id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES trade_invoices (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;
-- A numbered document's per-tax totals never change.
CREATE TRIGGER trade_invoice_taxes_fixed BEFORE DELETE ON trade_invoice_taxes
WHEN (SELECT state FROM trade_invoices WHERE tenant_id = OLD.tenant_id AND id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted invoice''s taxes are immutable');
END;
CREATE TRIGGER trade_invoice_taxes_no_insert BEFORE INSERT ON trade_invoice_taxes
WHEN (SELECT state FROM trade_invoices WHERE tenant_id = NEW.tenant_id AND id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a posted invoice''s taxes are immutable');
END;
CREATE TRIGGER trade_invoice_taxes_no_update BEFORE UPDATE ON trade_invoice_taxes
BEGIN
    SELECT RAISE(ABORT, 'per-tax totals are replaced with their lines, never updated');
END;
CREATE TRIGGER trade_order_taxes_fixed BEFORE DELETE ON trade_order_taxes
WHEN (SELECT state FROM trade_orders WHERE tenant_id = OLD.tenant_id AND id = OLD.order_id) NOT IN ('draft', 'sent')
BEGIN
    SELECT RAISE(ABORT, 'a confirmed order''s taxes are immutable');
END;
CREATE TRIGGER trade_order_taxes_no_insert BEFORE INSERT ON trade_order_taxes
WHEN (SELECT state FROM trade_orders WHERE tenant_id = NEW.tenant_id AND id = NEW.order_id) NOT IN ('draft', 'sent')
BEGIN
    SELECT RAISE(ABORT, 'a confirmed order''s taxes are immutable');
END;
CREATE TRIGGER trade_order_taxes_no_update BEFORE UPDATE ON trade_order_taxes
BEGIN
    SELECT RAISE(ABORT, 'per-tax totals are replaced with their lines, never updated');
END;
