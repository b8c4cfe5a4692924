-- Receivables and payables, payments, bank and cash (issue 12).
--
-- Amounts are INTEGER ten-thousandths (money::SCALE), rates INTEGER at 10 decimals;
-- dates ISO text; every reference is (tenant_id, x).

-- Open items: every ledger line on a receivable or payable account is an item of its
-- partner, written by the trigger below in the posting transaction, whichever code path
-- posted it. The item's id is the ledger line's id. `amount` (document currency) and
-- `base` are signed, debit positive, as the line. `open_amount` / `open_base` are what no
-- allocation has matched yet (maintained with the allocations, same sign or zero);
-- `open_until` is the date from which the item is fully matched ('9999-12-31' while it
-- is open), so reports at a date skip the items closed before it.
CREATE TABLE open_items (
    id          INTEGER PRIMARY KEY,                 -- = journal_lines.id
    tenant_id   INTEGER NOT NULL,
    account_id  INTEGER NOT NULL,
    partner_id  INTEGER NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('receivable', 'payable')),
    entry_id    INTEGER NOT NULL,
    date        TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    base        INTEGER NOT NULL,
    open_amount INTEGER NOT NULL,
    open_base   INTEGER NOT NULL,
    open_until  TEXT NOT NULL DEFAULT '9999-12-31',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, id) REFERENCES journal_lines (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    CHECK (amount <> 0 OR base <> 0),
    CHECK (open_amount = 0 OR (open_amount > 0) = (amount > 0)),
    CHECK (abs(open_amount) <= abs(amount)),
    CHECK (open_base = 0 OR base = 0 OR (open_base > 0) = (base > 0)),
    CHECK (abs(open_base) <= abs(base)),
    CHECK (due_date >= date)
) STRICT;
CREATE UNIQUE INDEX journal_lines_key ON journal_lines (tenant_id, id);
CREATE INDEX open_items_partner ON open_items (tenant_id, side, partner_id, date, id);
CREATE INDEX open_items_open ON open_items (tenant_id, side, open_until, date);
CREATE INDEX open_items_entry ON open_items (tenant_id, entry_id);
-- Items name their document: the invoice posted as their entry.
CREATE INDEX trade_invoices_entry ON trade_invoices (tenant_id, entry_id) WHERE entry_id IS NOT NULL;

CREATE TRIGGER journal_lines_open_item AFTER INSERT ON journal_lines
WHEN (SELECT subtype FROM accounts WHERE tenant_id = NEW.tenant_id AND id = NEW.account_id) IN ('receivable', 'payable')
BEGIN
    INSERT INTO open_items (id, tenant_id, account_id, partner_id, side, entry_id, date, due_date, currency, amount, base, open_amount, open_base)
    VALUES (NEW.id, NEW.tenant_id, NEW.account_id, NEW.partner_id,
            (SELECT subtype FROM accounts WHERE tenant_id = NEW.tenant_id AND id = NEW.account_id),
            NEW.entry_id, NEW.date, NEW.date, NEW.currency, NEW.amount_currency, NEW.debit - NEW.credit,
            NEW.amount_currency, NEW.debit - NEW.credit);
END;
-- An item's identity and amounts never change; only what is open, and the due date.
CREATE TRIGGER open_items_fixed BEFORE UPDATE OF id, tenant_id, account_id, partner_id, side, entry_id, date, currency, amount, base ON open_items
BEGIN
    SELECT RAISE(ABORT, 'an open item''s amounts are its ledger line''s');
END;
CREATE TRIGGER open_items_no_delete BEFORE DELETE ON open_items
BEGIN
    SELECT RAISE(ABORT, 'open items are ledger lines: reverse the entry instead');
END;

-- A match: items of one partner and account whose allocated base amounts sum to zero
-- (a realised exchange difference is posted as an item of the match). Matches are
-- append-only; an unallocation is a new match that reverses an earlier one.
CREATE TABLE matches (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES companies (id),
    partner_id   INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    date         TEXT NOT NULL,
    currency     TEXT NOT NULL,
    fx_entry_id  INTEGER,                             -- the realised exchange difference
    reverses_id  INTEGER,
    payment_id   INTEGER,                             -- the payment that made it, if any
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, reverses_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, fx_entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, reverses_id) REFERENCES matches (tenant_id, id)
) STRICT;
CREATE INDEX matches_partner ON matches (tenant_id, partner_id, date);

-- What a match applied to each item, signed as the item (applying reduces what is open);
-- a match's rows are all dated the match's date and their bases sum to zero.
CREATE TABLE allocations (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    match_id  INTEGER NOT NULL,
    item_id   INTEGER NOT NULL,
    date      TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    base      INTEGER NOT NULL,
    UNIQUE (tenant_id, match_id, item_id),
    FOREIGN KEY (tenant_id, match_id) REFERENCES matches (tenant_id, id),
    FOREIGN KEY (tenant_id, item_id) REFERENCES open_items (tenant_id, id)
) STRICT;
-- Covering: an item's matches and its amounts at a date come from the index alone (the
-- planner would otherwise take the covering UNIQUE index above and walk the company).
CREATE INDEX allocations_item ON allocations (tenant_id, item_id, date, match_id, amount, base);
CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocations are append-only: unallocate instead');
END;
CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocations are append-only: unallocate instead');
END;
CREATE TRIGGER matches_no_update BEFORE UPDATE ON matches
BEGIN
    SELECT RAISE(ABORT, 'matches are append-only: unallocate instead');
END;
CREATE TRIGGER matches_no_delete BEFORE DELETE ON matches
BEGIN
    SELECT RAISE(ABORT, 'matches are append-only: unallocate instead');
END;

-- Bank and cash accounts: each is one ledger account and one journal of its kind.
-- csv_mapping: the column mapping of this bank's CSV statements (JSON).
CREATE TABLE bank_accounts (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES companies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('bank', 'cash')),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    journal_id  INTEGER NOT NULL,
    account_id  INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    iban        TEXT NOT NULL DEFAULT '',
    number      TEXT NOT NULL DEFAULT '',
    bic         TEXT NOT NULL DEFAULT '',
    csv_mapping TEXT,
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name_key),
    UNIQUE (tenant_id, journal_id),
    UNIQUE (tenant_id, account_id),
    FOREIGN KEY (tenant_id, journal_id) REFERENCES journals (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
) STRICT;
CREATE INDEX bank_accounts_iban ON bank_accounts (tenant_id, iban) WHERE iban <> '';

-- Payments received from customers and paid to suppliers (and refunds either way):
-- posted when made, never changed; cancelled by a reversing entry (reversal_entry_id,
-- set once). direction: in (money into the bank account) or out.
CREATE TABLE payments (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES companies (id),
    partner_side      TEXT NOT NULL CHECK (partner_side IN ('customer', 'supplier')),
    direction         TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    number            TEXT NOT NULL,
    bank_account_id   INTEGER NOT NULL,
    partner_id        INTEGER NOT NULL,
    date              TEXT NOT NULL,
    currency          TEXT NOT NULL,
    rate              INTEGER NOT NULL CHECK (rate > 0),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    base              INTEGER NOT NULL CHECK (base > 0),
    discount          INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
    reference         TEXT NOT NULL DEFAULT '',
    memo              TEXT NOT NULL DEFAULT '',
    entry_id          INTEGER NOT NULL,
    item_id           INTEGER NOT NULL,               -- its receivable/payable line
    bank_line_id      INTEGER NOT NULL,               -- its bank/cash line
    reversal_entry_id INTEGER,
    created_by        INTEGER REFERENCES users (id),
    created_at        TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, entry_id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, item_id) REFERENCES open_items (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_line_id) REFERENCES journal_lines (tenant_id, id),
    FOREIGN KEY (tenant_id, reversal_entry_id) REFERENCES journal_entries (tenant_id, id)
) STRICT;
CREATE INDEX payments_list ON payments (tenant_id, date, id);
CREATE INDEX payments_partner ON payments (tenant_id, partner_id, date);
CREATE INDEX payments_bank_line ON payments (tenant_id, bank_line_id);
-- Only the reversal is ever written, once; every other column is fixed.
CREATE TRIGGER payments_fixed BEFORE UPDATE OF id, tenant_id, partner_side, direction, number, bank_account_id, partner_id, date, currency, rate,
    amount, base, discount, reference, memo, entry_id, item_id, bank_line_id, created_by, created_at ON payments
BEGIN
    SELECT RAISE(ABORT, 'a posted payment is immutable: cancel it with a reversal');
END;
CREATE TRIGGER payments_reversed_once BEFORE UPDATE OF reversal_entry_id ON payments
WHEN OLD.reversal_entry_id IS NOT NULL OR NEW.reversal_entry_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a posted payment is immutable: cancel it with a reversal');
END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a posted payment is immutable: cancel it with a reversal');
END;

-- Money moved without an invoice: deposits, withdrawals, direct expenses and receipts,
-- transfers between accounts (two rows, one per side, sharing `transfer_id`), and cash
-- count differences. Each is one posted entry.
CREATE TABLE bank_moves (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    bank_account_id INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'expense', 'transfer', 'count')),
    date            TEXT NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount <> 0),   -- signed, the account's currency
    counter_account_id INTEGER,
    partner_id      INTEGER,
    tax_id          INTEGER,
    description     TEXT NOT NULL DEFAULT '',
    reference       TEXT NOT NULL DEFAULT '',
    transfer_id     INTEGER,
    entry_id        INTEGER NOT NULL,
    bank_line_id    INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, counter_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_line_id) REFERENCES journal_lines (tenant_id, id)
) STRICT;
CREATE INDEX bank_moves_account ON bank_moves (tenant_id, bank_account_id, date, id);
CREATE INDEX bank_moves_bank_line ON bank_moves (tenant_id, bank_line_id);
CREATE TRIGGER bank_moves_fixed BEFORE UPDATE ON bank_moves
BEGIN
    SELECT RAISE(ABORT, 'a posted bank move is immutable: reverse its entry instead');
END;
CREATE TRIGGER bank_moves_no_delete BEFORE DELETE ON bank_moves
BEGIN
    SELECT RAISE(ABORT, 'a posted bank move is immutable: reverse its entry instead');
END;

-- Imported bank statements, chained per account: each one's opening balance is the
-- previous one's closing balance (checked at import). A file without balances (CSV)
-- gives a statement with NULL balances, outside the chain.
CREATE TABLE bank_statements (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    bank_account_id INTEGER NOT NULL,
    bank_ref        TEXT NOT NULL DEFAULT '',             -- the bank's id: not unique
    date            TEXT NOT NULL,
    opening         INTEGER,
    closing         INTEGER,
    format          TEXT NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    imported_by     INTEGER REFERENCES users (id),
    imported_at     TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id),
    CHECK ((opening IS NULL) = (closing IS NULL))
) STRICT;
CREATE INDEX bank_statements_account ON bank_statements (tenant_id, bank_account_id, date, id);
CREATE TRIGGER bank_statements_fixed BEFORE UPDATE ON bank_statements
BEGIN
    SELECT RAISE(ABORT, 'statements are what the bank said: they never change');
END;

-- Statement lines, deduplicated per bank account by a fingerprint of their content (not
-- the bank's statement id, which banks reuse).
CREATE TABLE bank_statement_lines (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL,
    statement_id         INTEGER NOT NULL,
    bank_account_id      INTEGER NOT NULL,
    line_no              INTEGER NOT NULL,
    date                 TEXT NOT NULL,
    value_date           TEXT,
    amount               INTEGER NOT NULL,                 -- signed, + money in
    counterparty         TEXT NOT NULL DEFAULT '',
    counterparty_account TEXT NOT NULL DEFAULT '',
    reference            TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    bank_ref             TEXT NOT NULL DEFAULT '',
    fingerprint          TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, bank_account_id, fingerprint),
    FOREIGN KEY (tenant_id, statement_id) REFERENCES bank_statements (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id)
) STRICT;
CREATE INDEX bank_statement_lines_statement ON bank_statement_lines (tenant_id, statement_id, line_no);
CREATE INDEX bank_statement_lines_account ON bank_statement_lines (tenant_id, bank_account_id, date);
CREATE TRIGGER bank_statement_lines_fixed BEFORE UPDATE ON bank_statement_lines
BEGIN
    SELECT RAISE(ABORT, 'statement lines are what the bank said: they never change');
END;

-- A reconciliation: statement lines and the bank account's ledger lines whose amounts
-- (in the account's currency) are equal in sum. One-to-many and many-to-one; each line
-- on either side is in at most one reconciliation. Undo deletes it (statement lines and
-- ledger lines are untouched).
CREATE TABLE bank_recs (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    bank_account_id INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id)
) STRICT;
CREATE TABLE bank_rec_lines (
    tenant_id         INTEGER NOT NULL,
    rec_id            INTEGER NOT NULL,
    statement_line_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, statement_line_id),
    FOREIGN KEY (tenant_id, rec_id) REFERENCES bank_recs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, statement_line_id) REFERENCES bank_statement_lines (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX bank_rec_lines_rec ON bank_rec_lines (tenant_id, rec_id);
CREATE TABLE bank_rec_book (
    tenant_id       INTEGER NOT NULL,
    rec_id          INTEGER NOT NULL,
    journal_line_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, journal_line_id),
    FOREIGN KEY (tenant_id, rec_id) REFERENCES bank_recs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, journal_line_id) REFERENCES journal_lines (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX bank_rec_book_rec ON bank_rec_book (tenant_id, rec_id);
CREATE TRIGGER bank_statement_lines_no_delete BEFORE DELETE ON bank_statement_lines
WHEN EXISTS (SELECT 1 FROM bank_rec_lines WHERE tenant_id = OLD.tenant_id AND statement_line_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a reconciled statement line is locked: undo the reconciliation first');
END;

-- Reconciliation rules: a statement line whose text contains `pattern` (folded) books to
-- an account (and partner) when made into an expense or receipt.
CREATE TABLE bank_rules (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES companies (id),
    bank_account_id INTEGER,
    name            TEXT NOT NULL,
    pattern         TEXT NOT NULL CHECK (pattern <> ''),
    pattern_key     TEXT NOT NULL,
    account_id      INTEGER NOT NULL,
    partner_id      INTEGER,
    tax_id          INTEGER,
    created_at      TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id)
) STRICT;

-- When every line of a statement with balances is reconciled, its closing balance and
-- the book balance of the account at its date are kept; `ledger.check` recomputes the
-- book balance and flags a later change to the reconciled period.
CREATE TABLE bank_assertions (
    tenant_id         INTEGER NOT NULL,
    statement_id      INTEGER NOT NULL,
    bank_account_id   INTEGER NOT NULL,
    date              TEXT NOT NULL,
    statement_balance INTEGER NOT NULL,
    book_balance      INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, statement_id),
    FOREIGN KEY (tenant_id, statement_id) REFERENCES bank_statements (tenant_id, id),
    FOREIGN KEY (tenant_id, bank_account_id) REFERENCES bank_accounts (tenant_id, id)
) STRICT, WITHOUT ROWID;

-- Period-end revaluations of open foreign-currency items (unrealised differences): the
-- entry posts to each item's control account, and its reversal on the next day.
CREATE TABLE revaluations (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES companies (id),
    date              TEXT NOT NULL,
    entry_id          INTEGER,
    reversal_entry_id INTEGER,
    created_at        TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, date),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, reversal_entry_id) REFERENCES journal_entries (tenant_id, id)
) STRICT;

-- Early-payment discount per company: a payment made within `discount_days` of an
-- invoice's date may take `discount_percent` off it, booked to the discount accounts.
CREATE TABLE finance_settings (
    tenant_id                INTEGER PRIMARY KEY REFERENCES companies (id),
    discount_days            INTEGER NOT NULL DEFAULT 0 CHECK (discount_days BETWEEN 0 AND 365),
    discount_percent         INTEGER NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 1000000),
    discount_given_account_id    INTEGER,
    discount_taken_account_id    INTEGER,
    cash_difference_account_id   INTEGER,
    unrealised_gain_account_id   INTEGER,
    unrealised_loss_account_id   INTEGER,
    aging_buckets            TEXT NOT NULL DEFAULT '[30,60,90]',
    updated_at               TEXT NOT NULL,
    FOREIGN KEY (tenant_id, discount_given_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, discount_taken_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, cash_difference_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, unrealised_gain_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, unrealised_loss_account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

-- Items of receivable/payable lines posted before this migration.
INSERT INTO open_items (id, tenant_id, account_id, partner_id, side, entry_id, date, due_date, currency, amount, base, open_amount, open_base)
SELECT l.id, l.tenant_id, l.account_id, l.partner_id, a.subtype, l.entry_id, l.date, l.date, l.currency, l.amount_currency, l.debit - l.credit,
       l.amount_currency, l.debit - l.credit
FROM journal_lines l JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
WHERE a.subtype IN ('receivable', 'payable') AND l.partner_id IS NOT NULL
ORDER BY l.id;
UPDATE open_items SET due_date = (SELECT i.due_date FROM trade_invoices i WHERE i.tenant_id = open_items.tenant_id AND i.entry_id = open_items.entry_id)
WHERE EXISTS (SELECT 1 FROM trade_invoices i WHERE i.tenant_id = open_items.tenant_id AND i.entry_id = open_items.entry_id AND i.due_date >= open_items.date);

-- The bank and cash journals of existing books become bank and cash accounts.
INSERT INTO bank_accounts (tenant_id, kind, name, name_key, journal_id, account_id, currency, created_at, updated_at)
SELECT j.tenant_id, j.kind, j.name || CASE WHEN EXISTS (SELECT 1 FROM journals k WHERE k.tenant_id = j.tenant_id AND k.kind IN ('bank', 'cash') AND lower(trim(k.name)) = lower(trim(j.name)) AND k.id < j.id) THEN ' (' || j.code || ')' ELSE '' END, lower(trim(j.name)) || lower(CASE WHEN EXISTS (SELECT 1 FROM journals k WHERE k.tenant_id = j.tenant_id AND k.kind IN ('bank', 'cash') AND lower(trim(k.name)) = lower(trim(j.name)) AND k.id < j.id) THEN ' (' || j.code || ')' ELSE '' END), j.id, j.account_id, COALESCE(a.currency, c.base_currency), j.created_at, j.created_at
FROM journals j JOIN accounts a ON a.tenant_id = j.tenant_id AND a.id = j.account_id JOIN companies c ON c.id = j.tenant_id
WHERE j.kind IN ('bank', 'cash') AND j.account_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM journals k WHERE k.tenant_id = j.tenant_id AND k.account_id = j.account_id AND k.id < j.id)
ORDER BY j.id;
