-- Cora foundation: companies (tenants), users, sessions and login throttling,
-- roles and permissions, memberships, and the append-only audit log.
-- Times are UTC text as written by chrono ("YYYY-MM-DD HH:MM:SS.fff+00:00"), so they sort.

CREATE TABLE companies (
    id                      INTEGER PRIMARY KEY,
    code                    TEXT NOT NULL,
    code_key                TEXT NOT NULL UNIQUE,          -- lower-cased code: unique without regard to case
    name                    TEXT NOT NULL,
    legal_name              TEXT NOT NULL DEFAULT '',
    tax_id                  TEXT NOT NULL DEFAULT '',
    base_currency           TEXT NOT NULL,                 -- ISO 4217
    locale                  TEXT NOT NULL,                 -- BCP 47
    timezone                TEXT NOT NULL,                 -- IANA
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    address_line1           TEXT NOT NULL DEFAULT '',
    address_line2           TEXT NOT NULL DEFAULT '',
    postal_code             TEXT NOT NULL DEFAULT '',
    city                    TEXT NOT NULL DEFAULT '',
    region                  TEXT NOT NULL DEFAULT '',
    country_code            TEXT NOT NULL DEFAULT '',      -- ISO 3166-1 alpha-2 or empty
    color                   TEXT NOT NULL DEFAULT '#4f46e5',
    archived                INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,                    -- trimmed, lower-cased email
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,                           -- argon2id PHC string
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_superuser  INTEGER NOT NULL DEFAULT 0 CHECK (is_superuser IN (0, 1)),
    created_at    TEXT NOT NULL,
    last_login_at TEXT
) STRICT;

-- Failed logins by email key (known or not, so both look alike). Cleared on success.
CREATE TABLE login_failures (
    email_key TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_email ON login_failures (email_key, at);

-- Only a hash of the session token is stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- Synced at start-up from the permissions the commands declare.
CREATE TABLE permissions (
    codename    TEXT PRIMARY KEY,                          -- <module>.<action>_<entity>
    module      TEXT NOT NULL,
    description TEXT NOT NULL
) STRICT;

-- A role is global (tenant_id NULL, usable in every company) or belongs to one company.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER REFERENCES companies (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    builtin_key TEXT UNIQUE,                               -- owner, accountant, ...; NULL for user-made roles
    created_at  TEXT NOT NULL,
    CHECK (builtin_key IS NULL OR tenant_id IS NULL)
) STRICT;
CREATE UNIQUE INDEX roles_name ON roles (coalesce(tenant_id, 0), lower(name));

CREATE TABLE role_permissions (
    role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT NOT NULL REFERENCES permissions (codename) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission)
) STRICT, WITHOUT ROWID;

-- The seed's TenantUser: a user is a member of a company with one role.
CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES companies (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role_id    INTEGER NOT NULL REFERENCES roles (id),
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, user_id)
) STRICT;
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_role ON memberships (role_id);

-- A membership's role must be global or belong to the membership's company.
CREATE TRIGGER memberships_role_scope_insert BEFORE INSERT ON memberships
WHEN (SELECT tenant_id FROM roles WHERE id = NEW.role_id) IS NOT NULL
 AND (SELECT tenant_id FROM roles WHERE id = NEW.role_id) <> NEW.tenant_id
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: role belongs to another company');
END;
CREATE TRIGGER memberships_role_scope_update BEFORE UPDATE OF role_id, tenant_id ON memberships
WHEN (SELECT tenant_id FROM roles WHERE id = NEW.role_id) IS NOT NULL
 AND (SELECT tenant_id FROM roles WHERE id = NEW.role_id) <> NEW.tenant_id
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: role belongs to another company');
END;

-- Append-only: the triggers below refuse any change or removal.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id),
    tenant_id INTEGER REFERENCES companies (id),
    command   TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    summary   TEXT NOT NULL CHECK (json_valid(summary))
) STRICT;
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
