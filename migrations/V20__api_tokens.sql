-- Personal API tokens for the local HTTP API (`cora serve`). Not company-scoped: a token
-- acts as its user, with that user's memberships and permissions in every company.
-- Only the SHA-256 of the token is kept (like sessions); the token itself is shown once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    -- the first characters of the token (`cora_pat_1a2b3c4d`), to tell tokens apart in lists
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    read_only    INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
    revoked_at   TEXT,
    last_used_at TEXT,
    CHECK (expires_at > created_at)
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
