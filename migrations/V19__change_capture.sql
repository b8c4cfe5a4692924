-- Change capture for the sync exporter (core/src/sync): an outbox in the same file,
-- filled by triggers that core generates from the schema after every migration
-- (sync::capture::install), so a new module's tables are captured without anyone
-- remembering to. Only companies with an enabled sink write change rows.

-- Which file this is: a sink remembers it, so it never mixes two files' changes.
CREATE TABLE sync_source (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    source_id  TEXT NOT NULL,                       -- a random UUID (version 4)
    created_at TEXT NOT NULL
);
INSERT INTO sync_source (id, source_id, created_at)
SELECT 1,
       substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||
       substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT lower(hex(randomblob(16))) AS h);

-- The transaction counter: the dispatcher adds one at the start of every writing
-- transaction while any sink is enabled; each change row carries the value, so an
-- exporter applies a source transaction whole.
CREATE TABLE sync_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tx INTEGER NOT NULL
);
INSERT INTO sync_clock (id, tx) VALUES (1, 0);

-- Where a company's changes go.
CREATE TABLE sync_sinks (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES companies (id),
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,              -- lower-cased name: unique per company
    kind                 TEXT NOT NULL CHECK (kind IN ('files', 'postgres')),
    target               TEXT NOT NULL,              -- a folder, or a PostgreSQL connection string
    enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- 'snapshot': the next run loads the whole company; 'streaming': it sends changes
    -- after acked_seq; 'diverged': the sink is ahead of this file (an older backup was
    -- restored) and waits for a resync.
    state                TEXT NOT NULL DEFAULT 'snapshot' CHECK (state IN ('snapshot', 'streaming', 'diverged')),
    acked_seq            INTEGER NOT NULL DEFAULT 0,  -- the last change the sink holds
    snapshot_seq         INTEGER,                     -- a snapshot being loaded: the change it stands at
    generation           INTEGER NOT NULL DEFAULT 1,  -- + 1 on every resync
    last_run_at          TEXT,
    last_ok_at           TEXT,
    last_error           TEXT,
    failures             INTEGER NOT NULL DEFAULT 0,  -- failed runs in a row (the backoff)
    next_try_at          TEXT,
    created_at           TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name_key)
);
CREATE INDEX sync_sinks_enabled ON sync_sinks (tenant_id) WHERE enabled;

-- The outbox. AUTOINCREMENT: a seq is never reused, also after pruning; SQLite has one
-- writer, so seq order is commit order and a reader of seq > cursor never skips a row.
CREATE TABLE change_log (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      INTEGER NOT NULL REFERENCES companies (id),
    tx             INTEGER NOT NULL,
    at             TEXT NOT NULL,
    tbl            TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    pk             TEXT NOT NULL,                     -- JSON object of the primary key
    row            TEXT NOT NULL,                     -- JSON object of the whole row (the old one for a delete)
    schema_version INTEGER NOT NULL
);
CREATE INDEX change_log_tenant ON change_log (tenant_id, seq);
