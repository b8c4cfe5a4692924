//! Sync: each company's changes, captured in the file, shipped to sinks elsewhere
//! (folders of JSON bundles, a PostgreSQL database) exactly once, resumably.
//!
//! Invariants:
//! - Every company-scoped table (every table with `tenant_id`, and `companies`) is
//!   captured by triggers generated from the schema after every migration
//!   ([`capture::install`]), in the migration's transaction: a new module's tables are
//!   captured without anyone listing them.
//! - A change row is written only while its company has an enabled sink: a company
//!   without one writes none.
//! - `change_log.seq` is AUTOINCREMENT in a file with one writer: seq order is commit
//!   order, a seq is never reused, and a reader of `seq > cursor` skips nothing.
//! - Every change carries its source transaction (`tx`, from `sync_clock`, which the
//!   dispatcher advances once per writing transaction while any sink is enabled); the
//!   exporter hands a sink only whole transactions.
//! - A sink records its own position with its data; the file's `acked_seq` follows. A
//!   sink ahead of the file whose last change the file lacks, or holds differently, is
//!   `diverged` (an older backup was restored) and stops until a resync.
//! - Changes every enabled, non-diverged sink of the company holds are pruned.
//! - Sinks are configured by `sync.*` commands (permission `sync.manage_sink`); the
//!   exporter runs outside the command layer, like a backup, and never holds the write
//!   lock while it talks to a sink.

pub mod capture;
pub mod commands;
pub mod export;
pub mod files;
pub mod model;
pub mod sinks;

pub use export::{Batch, Change, Meta, Position, RunOptions, RunReport, SinkTarget, SyncError};
pub use model::*;

/// Manage sinks and see their status.
pub const MANAGE: &str = "sync.manage_sink";
