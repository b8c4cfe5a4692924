-- Per-user settings that are not business data: the UI language and UI state such as
-- grid column layouts. Never audited (see core/src/prefs/mod.rs).

-- The UI language: 'en', 'de', ... or '' to follow the system.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- One JSON value per user and key (`grid.products`).
CREATE TABLE user_preferences (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT;
