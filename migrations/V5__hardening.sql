-- Hardening (issue 7).
-- The audit log is append-only also against INSERT OR REPLACE: REPLACE deletes the row
-- it collides with without firing DELETE triggers (recursive_triggers is off), so an
-- insert may never reuse an existing id.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Role names are unique per company (and among global roles) by the key Rust folds
-- (cora_core::keys::fold), not SQLite's ASCII-only lower(); existing rows get their key
-- when the file opens (keys::backfill).
ALTER TABLE roles ADD COLUMN name_key TEXT;
DROP INDEX roles_name;
CREATE UNIQUE INDEX roles_name_key ON roles (coalesce(tenant_id, 0), name_key);
CREATE INDEX roles_unkeyed ON roles (id) WHERE name_key IS NULL;
