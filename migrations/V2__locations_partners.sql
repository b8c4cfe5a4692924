-- Locations (global reference data), per-company number sequences, and partners
-- (customers and suppliers) with addresses and contacts.

-- ISO 3166-1 countries and ISO 3166-2 subdivisions. Rows are written at start-up from
-- the rust_iso3166 crate (see core/src/locations/seed.rs); the version seeded is kept in
-- reference_data so a newer crate refreshes them.
CREATE TABLE reference_data (
    name    TEXT PRIMARY KEY,
    version TEXT NOT NULL
) STRICT;

CREATE TABLE countries (
    code    TEXT PRIMARY KEY CHECK (length(code) = 2),      -- ISO 3166-1 alpha-2
    alpha3  TEXT NOT NULL UNIQUE,
    numeric INTEGER NOT NULL,
    name    TEXT NOT NULL
) STRICT;

CREATE TABLE states (
    id           INTEGER PRIMARY KEY,
    country_code TEXT NOT NULL REFERENCES countries (code),
    code         TEXT NOT NULL UNIQUE,                       -- ISO 3166-2, e.g. US-CA
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT '',                   -- State, Province, Region, ...
    UNIQUE (id, country_code)
) STRICT;
CREATE INDEX states_country ON states (country_code, name);

-- Cities are shared by every company; anyone with location.add_city may add one.
CREATE TABLE cities (
    id         INTEGER PRIMARY KEY,
    state_id   INTEGER NOT NULL REFERENCES states (id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,                                -- trimmed, lower-cased
    created_at TEXT NOT NULL,
    UNIQUE (state_id, name_key),
    UNIQUE (id, state_id)
) STRICT;

-- Gapless numbers per company and series (partner codes now; documents later).
CREATE TABLE sequences (
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    series     TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    padding    INTEGER NOT NULL DEFAULT 5 CHECK (padding BETWEEN 1 AND 12),
    next_value INTEGER NOT NULL DEFAULT 1 CHECK (next_value >= 1),
    PRIMARY KEY (tenant_id, series)
) STRICT, WITHOUT ROWID;

CREATE TABLE partners (
    id                 INTEGER PRIMARY KEY,
    tenant_id          INTEGER NOT NULL REFERENCES companies (id),
    code               TEXT NOT NULL,
    code_key           TEXT NOT NULL,                        -- lower-cased code
    name               TEXT NOT NULL,
    legal_name         TEXT NOT NULL DEFAULT '',
    tax_id             TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    website            TEXT NOT NULL DEFAULT '',
    is_customer        INTEGER NOT NULL CHECK (is_customer IN (0, 1)),
    is_supplier        INTEGER NOT NULL CHECK (is_supplier IN (0, 1)),
    payment_terms_days INTEGER NOT NULL DEFAULT 0 CHECK (payment_terms_days BETWEEN 0 AND 3650),
    credit_limit       INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),   -- ten-thousandths
    currency           TEXT NOT NULL,
    notes              TEXT NOT NULL DEFAULT '',
    archived           INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (is_customer OR is_supplier),
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, code_key)
) STRICT;
-- The list walks one of these in the order asked for (see partners::repo::list).
CREATE INDEX partners_name ON partners (tenant_id, archived, name COLLATE NOCASE, id);
CREATE INDEX partners_created ON partners (tenant_id, archived, created_at, id);
CREATE INDEX partners_customers ON partners (tenant_id, is_customer, archived, name COLLATE NOCASE, id);
CREATE INDEX partners_suppliers ON partners (tenant_id, is_supplier, archived, name COLLATE NOCASE, id);

-- A state must belong to the address's country and a city to its state: composite
-- foreign keys make SQLite refuse anything else.
CREATE TABLE partner_addresses (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    partner_id   INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('billing', 'shipping', 'other')),
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    line1        TEXT NOT NULL DEFAULT '',
    line2        TEXT NOT NULL DEFAULT '',
    postal_code  TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL REFERENCES countries (code),
    state_id     INTEGER,
    city_id      INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (state_id, country_code) REFERENCES states (id, country_code),
    FOREIGN KEY (city_id, state_id) REFERENCES cities (id, state_id),
    CHECK (city_id IS NULL OR state_id IS NOT NULL)
) STRICT;
CREATE INDEX partner_addresses_partner ON partner_addresses (tenant_id, partner_id);
CREATE INDEX partner_addresses_city ON partner_addresses (city_id, state_id);
CREATE INDEX partner_addresses_state ON partner_addresses (state_id, country_code);

CREATE TABLE partner_contacts (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX partner_contacts_partner ON partner_contacts (tenant_id, partner_id);

-- Full-text search over partners (name, code, email, tax id, legal name, contacts'
-- names are not included: they have their own rows).
CREATE VIRTUAL TABLE partners_fts USING fts5 (
    name, code, email, tax_id, legal_name,
    content = 'partners', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER partners_fts_insert AFTER INSERT ON partners BEGIN
    INSERT INTO partners_fts (rowid, name, code, email, tax_id, legal_name)
    VALUES (NEW.id, NEW.name, NEW.code, NEW.email, NEW.tax_id, NEW.legal_name);
END;
CREATE TRIGGER partners_fts_delete AFTER DELETE ON partners BEGIN
    INSERT INTO partners_fts (partners_fts, rowid, name, code, email, tax_id, legal_name)
    VALUES ('delete', OLD.id, OLD.name, OLD.code, OLD.email, OLD.tax_id, OLD.legal_name);
END;
CREATE TRIGGER partners_fts_update AFTER UPDATE OF name, code, email, tax_id, legal_name ON partners BEGIN
    INSERT INTO partners_fts (partners_fts, rowid, name, code, email, tax_id, legal_name)
    VALUES ('delete', OLD.id, OLD.name, OLD.code, OLD.email, OLD.tax_id, OLD.legal_name);
    INSERT INTO partners_fts (rowid, name, code, email, tax_id, legal_name)
    VALUES (NEW.id, NEW.name, NEW.code, NEW.email, NEW.tax_id, NEW.legal_name);
END;
