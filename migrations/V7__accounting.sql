-- Accounting core (issue 9): chart of accounts, fiscal years and periods, currencies and
-- exchange rates, taxes, journals, journal entries and their lines, and the balances the
-- posting engine maintains in the same transaction as the lines.
--
-- Amounts are INTEGER ten-thousandths (money::SCALE) so SUM() is exact; the posting
-- engine only accepts amounts rounded to the currency's minor units. Exchange rates are
-- INTEGER at 10 decimal places (money::RATE_SCALE). Tax rates are percent at 4 decimals.
-- Dates are ISO `YYYY-MM-DD` text, so they sort.

-- Per-company accounting settings and default accounts (one row per company that has a chart).
CREATE TABLE accounting_settings (
    tenant_id               INTEGER PRIMARY KEY REFERENCES companies (id),
    chart_template          TEXT NOT NULL,
    lock_date               TEXT,                       -- nothing on or before it may change
    tax_rounding            TEXT NOT NULL DEFAULT 'line' CHECK (tax_rounding IN ('line', 'document')),
    tax_rounding_mode       TEXT NOT NULL DEFAULT 'half_up' CHECK (tax_rounding_mode IN ('half_up', 'half_even')),
    receivable_account_id   INTEGER,
    payable_account_id      INTEGER,
    sales_account_id        INTEGER,
    purchase_account_id     INTEGER,
    inventory_account_id    INTEGER,
    cogs_account_id         INTEGER,
    grni_account_id         INTEGER,
    rounding_account_id     INTEGER,
    fx_gain_account_id      INTEGER,
    fx_loss_account_id      INTEGER,
    retained_earnings_account_id INTEGER,
    updated_at              TEXT NOT NULL,
    FOREIGN KEY (tenant_id, receivable_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, payable_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, sales_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, purchase_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, inventory_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, cogs_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, grni_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, rounding_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, fx_gain_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, fx_loss_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, retained_earnings_account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

-- type: asset, liability, equity, income, expense. A group account only groups others
-- for reports; lines post to non-group accounts only.
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES companies (id),
    code         TEXT NOT NULL,
    code_key     TEXT NOT NULL,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    subtype      TEXT NOT NULL,
    parent_id    INTEGER,
    is_group     INTEGER NOT NULL DEFAULT 0 CHECK (is_group IN (0, 1)),
    currency     TEXT,                                  -- lines must be in this currency when set
    reconcilable INTEGER NOT NULL DEFAULT 0 CHECK (reconcilable IN (0, 1)),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES accounts (tenant_id, id)
) STRICT;
CREATE INDEX accounts_code ON accounts (tenant_id, code, id);
CREATE INDEX accounts_parent ON accounts (tenant_id, parent_id);
CREATE INDEX accounts_subtype ON accounts (tenant_id, subtype, archived);

CREATE TABLE fiscal_years (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES companies (id),
    name             TEXT NOT NULL,
    start_date       TEXT NOT NULL,
    end_date         TEXT NOT NULL,
    closed           INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    closing_entry_id INTEGER,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, start_date),
    CHECK (start_date < end_date)
) STRICT;

CREATE TABLE periods (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL,
    fiscal_year_id INTEGER NOT NULL,
    name           TEXT NOT NULL,                       -- 2026-03
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    closed         INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    -- The year's closing period (start = end = the year's last day): it holds only the
    -- year-end closing entry, so profit-and-loss reports leave it out by period.
    is_closing     INTEGER NOT NULL DEFAULT 0 CHECK (is_closing IN (0, 1)),
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, start_date, is_closing),
    FOREIGN KEY (tenant_id, fiscal_year_id) REFERENCES fiscal_years (tenant_id, id),
    CHECK (start_date <= end_date)
) STRICT;
CREATE INDEX periods_year ON periods (tenant_id, fiscal_year_id, start_date);

-- Currencies a company uses besides its base currency.
CREATE TABLE company_currencies (
    tenant_id INTEGER NOT NULL REFERENCES companies (id),
    currency  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, currency)
) STRICT, WITHOUT ROWID;

-- One unit of `currency` is worth `rate` units of the company's base currency on `date`
-- and after, until the next rate.
CREATE TABLE exchange_rates (
    tenant_id INTEGER NOT NULL,
    currency  TEXT NOT NULL,
    date      TEXT NOT NULL,
    rate      INTEGER NOT NULL CHECK (rate > 0),        -- 10 decimal places
    PRIMARY KEY (tenant_id, currency, date),
    FOREIGN KEY (tenant_id, currency) REFERENCES company_currencies (tenant_id, currency) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- kind: sales or purchase. rate: percent at 4 decimals (19.5% = 195000).
CREATE TABLE taxes (
    id                    INTEGER PRIMARY KEY,
    tenant_id             INTEGER NOT NULL REFERENCES companies (id),
    code                  TEXT NOT NULL,
    code_key              TEXT NOT NULL,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('sales', 'purchase')),
    rate                  INTEGER NOT NULL CHECK (rate >= 0 AND rate <= 1000000),
    price_included        INTEGER NOT NULL DEFAULT 0 CHECK (price_included IN (0, 1)),
    collected_account_id  INTEGER,
    paid_account_id       INTEGER,
    archived              INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key),
    FOREIGN KEY (tenant_id, collected_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, paid_account_id) REFERENCES accounts (tenant_id, id),
    CHECK (kind <> 'sales' OR collected_account_id IS NOT NULL),
    CHECK (kind <> 'purchase' OR paid_account_id IS NOT NULL)
) STRICT;

CREATE TABLE tax_groups (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    code       TEXT NOT NULL,
    code_key   TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('sales', 'purchase')),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key)
) STRICT;

CREATE TABLE tax_group_members (
    tenant_id INTEGER NOT NULL,
    group_id  INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    tax_id    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, group_id, position),
    UNIQUE (tenant_id, group_id, tax_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES tax_groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- kind: sales, purchase, bank, cash, stock, general, opening, closing.
CREATE TABLE journals (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    code       TEXT NOT NULL,
    code_key   TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('sales', 'purchase', 'bank', 'cash', 'stock', 'general', 'opening', 'closing')),
    account_id INTEGER,                                 -- a bank or cash journal's account
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

-- A journal entry: a draft (no number, editable, deletable) or posted (numbered, never
-- changed again; corrected by a reversal that names it in `reverses_id`).
CREATE TABLE journal_entries (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES companies (id),
    journal_id     INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'posted')),
    number         TEXT,
    seq            INTEGER,                             -- the number's value in its series
    fiscal_year_id INTEGER,
    period_id      INTEGER,
    date           TEXT NOT NULL,
    reference      TEXT NOT NULL DEFAULT '',
    memo           TEXT NOT NULL DEFAULT '',
    source_module  TEXT NOT NULL DEFAULT 'accounting',
    source_kind    TEXT NOT NULL DEFAULT 'manual',
    source_id      INTEGER,
    reverses_id    INTEGER,
    total          INTEGER NOT NULL DEFAULT 0,          -- sum of debits, base currency
    created_by     INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    posted_by      INTEGER REFERENCES users (id),
    posted_at      TEXT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, reverses_id),
    FOREIGN KEY (tenant_id, journal_id) REFERENCES journals (tenant_id, id),
    FOREIGN KEY (tenant_id, fiscal_year_id) REFERENCES fiscal_years (tenant_id, id),
    FOREIGN KEY (tenant_id, period_id) REFERENCES periods (tenant_id, id),
    FOREIGN KEY (tenant_id, reverses_id) REFERENCES journal_entries (tenant_id, id),
    CHECK ((state = 'posted') = (number IS NOT NULL)),
    CHECK ((state = 'posted') = (period_id IS NOT NULL)),
    CHECK ((state = 'posted') = (seq IS NOT NULL))
) STRICT;
CREATE INDEX journal_entries_date ON journal_entries (tenant_id, date, id);
CREATE INDEX journal_entries_series ON journal_entries (tenant_id, journal_id, fiscal_year_id, seq);
CREATE INDEX journal_entries_state ON journal_entries (tenant_id, state, date, id);
CREATE INDEX journal_entries_source ON journal_entries (tenant_id, source_module, source_kind, source_id);

CREATE TRIGGER journal_entries_posted_no_update BEFORE UPDATE ON journal_entries
WHEN OLD.state = 'posted'
BEGIN
    SELECT RAISE(ABORT, 'a posted journal entry is immutable: reverse it instead');
END;
CREATE TRIGGER journal_entries_posted_no_delete BEFORE DELETE ON journal_entries
WHEN OLD.state = 'posted'
BEGIN
    SELECT RAISE(ABORT, 'a posted journal entry is immutable: reverse it instead');
END;
CREATE TRIGGER journal_entries_no_replace BEFORE INSERT ON journal_entries
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'journal entries are append-only');
END;

-- The lines of drafts: free to change until the draft is posted (then they move to
-- journal_lines and are deleted here).
CREATE TABLE journal_draft_lines (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL,
    entry_id    INTEGER NOT NULL,
    line_no     INTEGER NOT NULL,
    account_id  INTEGER,
    partner_id  INTEGER,
    description TEXT NOT NULL DEFAULT '',
    debit       INTEGER NOT NULL DEFAULT 0,
    credit      INTEGER NOT NULL DEFAULT 0,
    currency    TEXT,
    amount_currency INTEGER,
    tax_id      INTEGER,
    tax_base    INTEGER,
    UNIQUE (tenant_id, entry_id, line_no),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT;

-- The ledger: lines of posted entries only. Append-only (the triggers below).
-- debit and credit: base currency, ten-thousandths, exactly one of them non-zero.
-- amount_currency: signed (debit positive) in `currency`, ten-thousandths.
CREATE TABLE journal_lines (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL,
    entry_id        INTEGER NOT NULL,
    line_no         INTEGER NOT NULL,
    journal_id      INTEGER NOT NULL,
    period_id       INTEGER NOT NULL,
    date            TEXT NOT NULL,
    account_id      INTEGER NOT NULL,
    partner_id      INTEGER,
    description     TEXT NOT NULL DEFAULT '',
    debit           INTEGER NOT NULL CHECK (debit >= 0),
    credit          INTEGER NOT NULL CHECK (credit >= 0),
    currency        TEXT NOT NULL,
    amount_currency INTEGER NOT NULL,
    tax_id          INTEGER,
    tax_base        INTEGER,
    UNIQUE (tenant_id, entry_id, line_no),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, journal_id) REFERENCES journals (tenant_id, id),
    FOREIGN KEY (tenant_id, period_id) REFERENCES periods (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id),
    CHECK ((debit = 0) <> (credit = 0))
) STRICT;
CREATE INDEX journal_lines_account ON journal_lines (tenant_id, account_id, date, id);
CREATE INDEX journal_lines_partner ON journal_lines (tenant_id, partner_id, account_id, date, id) WHERE partner_id IS NOT NULL;
CREATE INDEX journal_lines_entry ON journal_lines (tenant_id, entry_id, line_no);

CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger lines are append-only: reverse the entry instead');
END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger lines are append-only: reverse the entry instead');
END;
CREATE TRIGGER journal_lines_no_replace BEFORE INSERT ON journal_lines
WHEN EXISTS (SELECT 1 FROM journal_lines WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'ledger lines are append-only');
END;
-- A line joins only a posted entry.
CREATE TRIGGER journal_lines_posted_entry BEFORE INSERT ON journal_lines
WHEN (SELECT state FROM journal_entries WHERE id = NEW.entry_id AND tenant_id = NEW.tenant_id) IS NOT 'posted'
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: ledger lines belong to posted entries');
END;

-- Maintained by the posting engine in the posting transaction: per account and period,
-- and per account, partner and period (receivable/payable). `ledger.check` recomputes them.
CREATE TABLE account_balances (
    tenant_id  INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    period_id  INTEGER NOT NULL,
    debit      INTEGER NOT NULL DEFAULT 0,
    credit     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, account_id, period_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, period_id) REFERENCES periods (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_balances_period ON account_balances (tenant_id, period_id, account_id);

CREATE TABLE partner_balances (
    tenant_id  INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    period_id  INTEGER NOT NULL,
    debit      INTEGER NOT NULL DEFAULT 0,
    credit     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, account_id, partner_id, period_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, period_id) REFERENCES periods (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX partner_balances_partner ON partner_balances (tenant_id, partner_id, account_id, period_id);
