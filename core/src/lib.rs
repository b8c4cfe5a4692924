//! Cora's core: every domain, data and service module, and the one command layer that
//! the desktop shell and the `cora` CLI both dispatch through. This crate never depends
//! on Tauri.
//!
//! Start at [`Cora`]: open a file, sign in with `auth.login`, then [`Cora::call`] any
//! command by name.

pub mod accounting;
pub mod arith;
pub mod audit;
pub mod auth;
pub mod bindings;
pub mod catalog;
pub mod command;
pub mod company;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod finance;
pub mod production;
pub mod ids;
pub mod inventory;
pub mod keys;
pub mod list;
mod modules;
pub mod money;
pub mod locations;
pub mod partners;
pub mod prefs;
pub mod purchasing;
pub mod rbac;
pub mod sales;
pub mod sequence;
pub mod store;
pub mod sync;
pub mod trade;
#[cfg(feature = "testing")]
pub mod testing;
pub mod validate;

pub use command::{CompanyRef, Registry};
pub use error::{Error, ErrorBody, ErrorCode, FieldCode, FieldError, Issue, Params, Reason, Refusal, Result};
pub use store::{Store, StoreError};

use chrono::{DateTime, Utc};
use std::path::Path;
use std::sync::Arc;

/// Where "now" comes from. Tests may move it; everything else uses the system clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An open Cora file with its command registry: what the shell and the CLI hold.
pub struct Cora {
    pub(crate) store: Store,
    pub(crate) registry: Arc<Registry>,
    pub(crate) clock: Clock,
}

impl std::fmt::Debug for Cora {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cora").field("store", &self.store).finish()
    }
}

impl Cora {
    /// Opens (creating or migrating) the file, syncs the declared permissions and
    /// built-in roles into it, and gives rows written before their key column existed
    /// their case-insensitive keys ([`keys::backfill`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Cora> {
        let mut store = Store::open(path)?;
        let registry = Arc::new(Registry::new());
        rbac::service::sync_permissions(store.conn_mut(), &registry)?;
        locations::seed::sync(store.conn_mut())?;
        keys::backfill(store.conn_mut())?;
        Ok(Cora { store, registry, clock: Arc::new(Utc::now) })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Frees the page cache's unused pages (up to `cache_size`, 64 MiB, kept otherwise
    /// for the connection's life): the desktop shell calls it when the user has been idle
    /// (docs/benchmarks/desktop.md). Later reads take their pages from the file again.
    pub fn release_memory(&self) {
        let _ = self.store.conn().release_memory();
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Adds a command to this handle's registry (tests of the dispatcher itself).
    #[cfg(feature = "testing")]
    pub fn add_test_command(&mut self, spec: command::CommandSpec) {
        Arc::get_mut(&mut self.registry).expect("the registry is not shared yet").add(spec);
    }

    /// Replaces the clock (tests use this to move time forward).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs the sync exporter: every enabled sink of `company` (or of every company)
    /// until it holds the newest committed change. `connect` makes the sink for a row
    /// (see [`sync::export::connect_files`] for folders). Not a command: like a backup it
    /// needs the file, not a session, and it never holds the write lock while a sink
    /// is written.
    pub fn sync_run(&mut self, company: Option<&CompanyRef>, connect: &sync::export::Connect<'_>, opts: &sync::RunOptions) -> Result<Vec<sync::RunReport>> {
        let tenant = match company {
            None => None,
            Some(c) => Some(company::repo::resolve_any(self.store.conn(), c)?),
        };
        let now = self.now();
        sync::export::run(self.store.conn_mut(), tenant, connect, opts, now)
    }

    /// True when the file has no user yet: the first-run setup is due.
    pub fn needs_setup(&self) -> Result<bool> {
        Ok(auth::repo::count_users(self.store.conn())? == 0)
    }

    /// Creates the first administrator of a new file. Refused once any user exists.
    pub fn bootstrap_admin(&mut self, email: &str, display_name: &str, password: &str) -> Result<auth::model::User> {
        let now = self.now();
        let tx = self.store.conn_mut().transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let user = auth::service::bootstrap_admin(&tx, now, email, display_name, password)?;
        tx.commit()?;
        Ok(user)
    }
}
