-- Hardening (issue 7).
-- The audit log is append-only also against INSERT OR REPLACE: REPLACE deletes the row
-- it collides with without firing DELETE triggers (recursive_triggers is off), so an
-- insert may never reuse an existing id.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
