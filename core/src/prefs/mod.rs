//! Per-user preferences: the UI language and UI state (grid column layouts, ...).
//!
//! Invariants:
//! - Self-service only: every command acts on the signed-in user and takes no user id,
//!   so nobody reads or changes another user's preferences. They are not company-scoped.
//! - A preference key is 1–100 of `a-z 0-9 . _ -`; its value is valid JSON text of at
//!   most [`service::MAX_VALUE_BYTES`] bytes.
//! - The language is one of [`service::LANGUAGES`] or '' (follow the system).
//! - Preferences are not business data: they write no audit row and so raise no change
//!   event (the commands are registered `unaudited`).

pub mod commands;
pub mod model;
pub mod repo;
pub mod service;
