//! `cora sync`: run the exporter once or continuously, show the sinks' status, resync a
//! sink. `run`, `watch` and `status` need the file only (like `cora backup`); `resync`
//! goes through the command layer (`sync.resync_sink`) as a signed-in user.

use super::{Fail, company_ref, open, print_json, sign_in};
use cora_core::sync::sinks::SinkRow;
use cora_core::sync::{RunOptions, RunReport, SinkTarget, SyncError};
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Subcommand)]
pub(crate) enum SyncCmd {
    /// Take every enabled sink (of one company, or all) to the newest change, once.
    /// Exit 1 when a sink failed.
    Run {
        /// The company's code (default: every company).
        #[arg(long)]
        company: Option<String>,
        /// Changes per batch (a batch always ends on a whole source transaction).
        #[arg(long, default_value_t = 5_000)]
        batch_size: usize,
    },
    /// Run continuously: every interval, each sink not waiting after a failure (2 s, 4 s,
    /// … up to 5 minutes) is taken to the newest change. Ctrl-C stops it; a stop at any
    /// point loses and repeats nothing.
    Watch {
        #[arg(long)]
        company: Option<String>,
        #[arg(long, default_value_t = 1_000)]
        interval_ms: u64,
        #[arg(long, default_value_t = 5_000)]
        batch_size: usize,
    },
    /// The sinks with their state, lag (changes and seconds) and last error.
    Status {
        #[arg(long)]
        company: Option<String>,
    },
    /// Load the whole company into a sink again (after a restored backup): the next run
    /// takes a new snapshot, as the next generation.
    Resync {
        #[arg(long)]
        company: String,
        /// The sink's name.
        #[arg(long)]
        sink: String,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
}

/// Makes the sink for a row: folders in core, PostgreSQL in `cora-sync-pg`.
pub(crate) fn connect(row: &SinkRow) -> Result<Box<dyn SinkTarget>, SyncError> {
    cora_sync_pg::connect_any(row)
}

fn run_once(cora: &mut Cora, company: Option<&CompanyRef>, opts: &RunOptions) -> Result<Vec<RunReport>, Fail> {
    Ok(cora.sync_run(company, &connect, opts)?)
}

pub(crate) fn run(db: &Option<PathBuf>, cmd: SyncCmd) -> Result<u8, Fail> {
    match cmd {
        SyncCmd::Run { company, batch_size } => {
            let mut cora = open(db)?;
            let opts = RunOptions { batch_size: batch_size.max(1), ..RunOptions::default() };
            let reports = run_once(&mut cora, company.as_deref().map(company_ref).as_ref(), &opts)?;
            print_json(&serde_json::to_value(&reports).unwrap_or_default())?;
            Ok(u8::from(reports.iter().any(|r| r.error.is_some())))
        }
        SyncCmd::Watch { company, interval_ms, batch_size } => {
            let mut cora = open(db)?;
            let company = company.as_deref().map(company_ref);
            let opts = RunOptions { batch_size: batch_size.max(1), ignore_backoff: false, ..RunOptions::default() };
            loop {
                for r in run_once(&mut cora, company.as_ref(), &opts)? {
                    if r.changes > 0 || r.snapshot_rows > 0 || r.error.is_some() {
                        eprintln!("{}", serde_json::to_string(&r).unwrap_or_default());
                    }
                }
                std::thread::sleep(Duration::from_millis(interval_ms.max(10)));
            }
        }
        SyncCmd::Status { company } => {
            let cora = open(db)?;
            let conn = cora.store().conn();
            let tenant = match company.as_deref() {
                Some(c) => Some(cora_core::company::repo::resolve_any(conn, &company_ref(c))?),
                None => None,
            };
            let sinks = cora_core::sync::sinks::status(conn, tenant, cora.now())?;
            let out: Vec<Value> = sinks
                .into_iter()
                .map(|(code, s)| {
                    let mut v = serde_json::to_value(&s).unwrap_or_default();
                    v["company"] = json!(code);
                    v
                })
                .collect();
            print_json(&Value::Array(out))?;
            Ok(0)
        }
        SyncCmd::Resync { company, sink, user } => {
            let mut cora = open(db)?;
            let token = sign_in(&mut cora, &user)?;
            let co = company_ref(&company);
            let result = (|| -> Result<Value, Fail> {
                let sinks = cora.call(Some(&token), Some(&co), "sync.list_sinks", json!({}))?;
                let found = sinks.as_array().and_then(|a| a.iter().find(|s| s["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&sink))));
                let Some(found) = found else {
                    return Err(Fail::Usage(format!("company {company} has no sink named {sink}")));
                };
                Ok(cora.call(Some(&token), Some(&co), "sync.resync_sink", json!({"id": found["id"]}))?)
            })();
            let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
            print_json(&result?)?;
            Ok(0)
        }
    }
}
