-- The ledger's tables, cheaper to post into with the same guarantees (one stronger).
--
-- 1. A line names its entry by (tenant, entry, journal, period, date): one composite
--    foreign key to the entry instead of three (entry, journal, period). It proves the
--    line's copies of the entry's journal, period and date equal the entry's, and, as a
--    line's period is NOT NULL and an entry has a period exactly when it is posted
--    (journal_entries' CHECK), that a line joins only a posted entry: the trigger
--    journal_lines_posted_entry is no longer needed.
-- 2. INSERT OR REPLACE: every connection Cora opens sets `recursive_triggers = ON`, so a
--    REPLACE deletes through the DELETE triggers, which refuse it for ledger lines and
--    posted entries whichever unique key the REPLACE hits (the old BEFORE INSERT
--    no-replace triggers only caught a reused id, and made every insert run a trigger).
-- 3. journal_lines_entry repeated the UNIQUE (tenant_id, entry_id, line_no) index.
-- 4. Entries are looked up by state only for drafts (few): a partial index of drafts; by
--    source only with a source id: a partial index of those.

CREATE UNIQUE INDEX journal_entries_line_key ON journal_entries (tenant_id, id, journal_id, period_id, date);

CREATE TABLE journal_lines_v8 (
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
    FOREIGN KEY (tenant_id, entry_id, journal_id, period_id, date) REFERENCES journal_entries (tenant_id, id, journal_id, period_id, date),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, tax_id) REFERENCES taxes (tenant_id, id),
    CHECK ((debit = 0) <> (credit = 0))
) STRICT;
INSERT INTO journal_lines_v8 (id, tenant_id, entry_id, line_no, journal_id, period_id, date, account_id, partner_id, description, debit, credit,
                              currency, amount_currency, tax_id, tax_base)
SELECT id, tenant_id, entry_id, line_no, journal_id, period_id, date, account_id, partner_id, description, debit, credit,
       currency, amount_currency, tax_id, tax_base
FROM journal_lines ORDER BY id;
DROP TABLE journal_lines;
ALTER TABLE journal_lines_v8 RENAME TO journal_lines;

CREATE INDEX journal_lines_account ON journal_lines (tenant_id, account_id, date, id);
CREATE INDEX journal_lines_partner ON journal_lines (tenant_id, partner_id, account_id, date, id) WHERE partner_id IS NOT NULL;

CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger lines are append-only: reverse the entry instead');
END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger lines are append-only: reverse the entry instead');
END;

DROP TRIGGER journal_entries_no_replace;

DROP INDEX journal_entries_state;
CREATE INDEX journal_entries_drafts ON journal_entries (tenant_id, date, id) WHERE state = 'draft';
DROP INDEX journal_entries_source;
CREATE INDEX journal_entries_source ON journal_entries (tenant_id, source_module, source_kind, source_id) WHERE source_id IS NOT NULL;
