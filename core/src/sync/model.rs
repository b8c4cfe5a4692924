//! The sync types: sinks, their state, and the arguments of the `sync.*` commands.

use crate::ids::{id_type, str_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

id_type!(SinkId);

str_enum! {
    /// Where a sink writes.
    pub enum SinkKind {
        /// Newline-delimited JSON bundles in a folder per company, with a manifest.
        Files = "files",
        /// Tables in a PostgreSQL database, one schema per source file.
        Postgres = "postgres",
    }
}

str_enum! {
    /// What a sink's next run does.
    pub enum SinkState {
        /// Load the whole company from one consistent snapshot.
        Snapshot = "snapshot",
        /// Send the changes after the last one the sink holds.
        Streaming = "streaming",
        /// The sink holds changes this file does not (an older backup was restored):
        /// stopped until a resync.
        Diverged = "diverged",
    }
}

/// A sink with its progress, as `sync.list_sinks` shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Sink {
    pub id: SinkId,
    pub name: String,
    pub kind: SinkKind,
    /// The folder or connection string, with any password masked.
    pub target: String,
    pub enabled: bool,
    pub state: SinkState,
    /// The last change the sink holds.
    #[ts(type = "number")]
    pub acked_seq: i64,
    #[ts(type = "number")]
    pub generation: i64,
    /// Changes waiting for this sink.
    #[ts(type = "number")]
    pub lag_changes: i64,
    /// Age of the oldest change waiting, in seconds.
    #[ts(type = "number | null")]
    pub lag_seconds: Option<i64>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_ok_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Failed runs in a row.
    #[ts(type = "number")]
    pub failures: i64,
    /// A failing sink is not tried again before this.
    pub next_try_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddSinkArgs {
    pub name: String,
    pub kind: SinkKind,
    /// An absolute folder (files), or a PostgreSQL connection string
    /// (`postgresql://user:password@host:port/db` or `host=... dbname=...`).
    pub target: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateSinkArgs {
    pub id: SinkId,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// A new target: the sink loads the whole company there on its next run.
    #[serde(default)]
    #[ts(optional)]
    pub target: Option<String>,
    /// Off: no changes are kept for it. On again: it loads the whole company anew.
    #[serde(default)]
    #[ts(optional)]
    pub enabled: Option<bool>,
}
