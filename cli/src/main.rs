//! `cora`: set up, administer and script a Cora file. Every operation goes through the
//! command layer in `cora-core`; this file only parses arguments and prints results.

use clap::{Parser, Subcommand};
use cora_core::command::BatchItem;
use cora_core::{CompanyRef, Cora, Error, ErrorCode};
use serde_json::{Value, json};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod bench;
mod bench_catalog;
mod bench_inventory;
mod bench_ledger;
mod bench_finance;
mod bench_trade;
mod bench_production;
mod check;
mod files;
mod print;
mod report;
mod sync;
mod bench_sync_pg;
mod serve;

/// Exit codes: distinct for usage, sign-in/permission, bad input, and internal errors.
const EXIT_USAGE: u8 = 2;
const EXIT_AUTH: u8 = 3;
const EXIT_INPUT: u8 = 4;
const EXIT_INTERNAL: u8 = 5;

#[derive(Parser)]
#[command(name = "cora", version, about = "Cora ERP: set up, administer and script a Cora file", propagate_version = true)]
struct Cli {
    /// The Cora file. Default: $CORA_DB, else the platform data directory
    /// (~/.local/share/cora/cora.db on Linux), the same file the desktop app opens.
    #[arg(long, global = true, env = "CORA_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create or migrate the file; on a new file, create the first administrator.
    Init {
        /// Email of the first administrator (asked for when missing on a new file).
        #[arg(long)]
        admin_email: Option<String>,
        /// Display name of the first administrator.
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
    },
    /// Run one command and print its JSON result.
    Call {
        /// The command's name, e.g. company.create (see `cora commands`).
        command: String,
        /// The command's args as a JSON object.
        args: Option<String>,
        /// Sign in as this user (password from $CORA_PASSWORD or a prompt).
        #[arg(long, env = "CORA_USER")]
        user: String,
        /// The company (code or id) for company-scoped commands.
        #[arg(long)]
        company: Option<String>,
    },
    /// Run one {"command":…,"args":…,"company":…} per stdin line; print one result line each.
    Batch {
        #[arg(long, env = "CORA_USER")]
        user: String,
        /// Run the whole batch in one transaction: all or nothing.
        #[arg(long)]
        atomic: bool,
    },
    /// List every command with its permission and args schema.
    Commands {
        /// Print JSON (with the full args and result schemas).
        #[arg(long)]
        json: bool,
    },
    /// Copy the file consistently (also while the app is running).
    Backup { dest: PathBuf },
    /// Check a backup (integrity, Cora version) and swap it in, keeping the replaced file.
    Restore { src: PathBuf },
    /// Write the UI's TypeScript types generated from the Rust types.
    GenTypes {
        #[arg(long, default_value = "ui/src/lib/api/bindings.ts")]
        out: PathBuf,
        /// Fail instead of writing when the file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Measure the command layer's cost for small company-scoped writes in batch mode.
    Bench {
        /// How many writes to time.
        #[arg(long, default_value_t = 20_000)]
        writes: u32,
    },
    /// Fill a company with realistic demo data: products (variant families and kits
    /// included), categories, brands, and scale/5 customers and suppliers with addresses
    /// and contacts. The same seed gives the same data.
    Demo {
        /// The company's code; it must have no products yet.
        #[arg(long)]
        company: String,
        /// How many products to make.
        #[arg(long, default_value_t = 1_000)]
        scale: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Run as this user (password from $CORA_PASSWORD or a prompt).
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Import a CSV file (products, categories or partners) into a company: every row or none.
    Import {
        kind: files::Kind,
        file: PathBuf,
        /// The company's code.
        #[arg(long)]
        company: String,
        /// Only check the file and report what is wrong; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Write a report (trial_balance, general_ledger, journal, profit_and_loss,
    /// balance_sheet, partner_ledger; stock_report, to_reorder, stock_valuation,
    /// stock_moves) to CSV, XLSX or PDF.
    Report {
        /// The report's name, e.g. trial_balance.
        name: String,
        /// The report's args as JSON, e.g. '{"from":"2026-01-01","to":"2026-12-31"}'.
        #[arg(long, default_value = "{}")]
        args: String,
        /// The file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "pdf")]
        format: report::ReportFormat,
        /// The company's code.
        #[arg(long)]
        company: String,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Print a trade document to PDF: a quotation or sales order, delivery note, customer
    /// invoice or credit note, purchase order, supplier bill or debit note, by its number
    /// (or --id: quotations and drafts have no number).
    Print {
        doc: print::Doc,
        /// The document's number, e.g. INV/00001.
        #[arg(required_unless_present = "id", conflicts_with = "id")]
        number: Option<String>,
        /// The document's id instead of its number.
        #[arg(long)]
        id: Option<i64>,
        /// The PDF file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// The company's code.
        #[arg(long)]
        company: String,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Export a company's products, categories or partners to a CSV or XLSX file.
    Export {
        kind: files::Kind,
        /// The file to write (never overwritten).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "csv")]
        format: files::Format,
        /// The company's code.
        #[arg(long)]
        company: String,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Serve the command layer over HTTP on 127.0.0.1 (the local HTTP API): POST
    /// /v1/commands/NAME with `Authorization: Bearer <API token>`; the OpenAPI document is
    /// at /v1/openapi.json. Runs until stopped.
    Serve {
        #[arg(long, default_value_t = cora_http::DEFAULT_PORT)]
        port: u16,
        /// The largest request body accepted.
        #[arg(long, default_value_t = cora_http::DEFAULT_MAX_BODY_BYTES)]
        max_body_bytes: usize,
        /// Requests per second for the whole server (bursts up to as many).
        #[arg(long, default_value_t = cora_http::DEFAULT_RATE_PER_SECOND)]
        rate_per_second: u32,
    },
    /// Measure the HTTP API's round trip for a small read over a loopback keep-alive
    /// connection, beside the same call made directly.
    BenchHttp {
        #[arg(long, default_value_t = 5_000)]
        calls: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Measure the catalog at scale: demo generation, then list, search and page latency.
    BenchCatalog {
        /// How many products to generate.
        #[arg(long, default_value_t = 100_000)]
        scale: u32,
        /// Times each query is run.
        #[arg(long, default_value_t = 200)]
        runs: u32,
    },
    /// Check a company's books: every entry balances, every maintained balance equals the
    /// sum of its lines, numbers are gapless. Exit 0 when sound, 1 with the problems listed.
    Check {
        /// The company's code.
        #[arg(long)]
        company: String,
        #[arg(long, env = "CORA_USER")]
        user: String,
    },
    /// Measure the ledger at scale: posting throughput in batches through one posting
    /// engine, file size, and the financial reports' latency.
    BenchLedger {
        /// How many journal lines to post (3-line entries over two years).
        #[arg(long, default_value_t = 1_000_000)]
        lines: u64,
        /// Entries per transaction.
        #[arg(long, default_value_t = 10_000)]
        batch: u32,
        /// Times each report is run.
        #[arg(long, default_value_t = 50)]
        runs: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// SQLite page cache in MiB for this run (default: the app's, 2 MiB).
        #[arg(long)]
        cache_mib: Option<u32>,
    },
    /// Measure production: a 5-level BOM over 1,000 components exploded and rolled up, a
    /// requirements run over many open sales lines, and 50-component orders completed.
    BenchProduction {
        /// Products for the requirements run (a fifth made, the rest bought).
        #[arg(long, default_value_t = 5_000)]
        products: u32,
        /// Open sales-order lines for the requirements run.
        #[arg(long, default_value_t = 10_000)]
        sales_lines: u32,
        /// Orders completed in one atomic batch.
        #[arg(long, default_value_t = 20)]
        batch: u32,
        /// Times each measurement is run.
        #[arg(long, default_value_t = 20)]
        runs: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Measure receivables at scale: many invoices with payments, then the aging, a
    /// partner statement, an allocation across 50 invoices and statement suggestions.
    BenchFinance {
        #[arg(long, default_value_t = 2_000)]
        customers: u32,
        /// Invoices to write (90 % of them paid).
        #[arg(long, default_value_t = 100_000)]
        invoices: u64,
        /// Times each measurement is run.
        #[arg(long, default_value_t = 20)]
        runs: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Measure the trade flows: a 3-line sales order and 75- and 500-line purchase orders
    /// from quotation to posted invoice (each step committed, and each flow as one atomic
    /// batch), then the sales report over many posted invoices.
    BenchTrade {
        /// Catalog size (the demo's).
        #[arg(long, default_value_t = 5_000)]
        products: u32,
        /// Posted customer invoices to write before timing the sales report.
        #[arg(long, default_value_t = 100_000)]
        invoices: u64,
        /// Times each flow is run.
        #[arg(long, default_value_t = 50)]
        runs: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Export each company's changes to its sinks (folders, PostgreSQL): run, watch,
    /// status, resync.
    Sync {
        #[command(subcommand)]
        cmd: sync::SyncCmd,
    },
    /// Measure the PostgreSQL sink: the initial load of a demo company and the streaming
    /// export's throughput, against a running server.
    BenchSyncPg {
        /// The server: postgresql://user@host:port/db (scripts/pg-test-server.sh starts one).
        #[arg(long, env = "CORA_TEST_PG")]
        pg: String,
        /// Catalog size of the demo company loaded first.
        #[arg(long, default_value_t = 100_000)]
        products: u32,
        /// Changes to stream after the load (at least).
        #[arg(long, default_value_t = 200_000)]
        changes: u64,
        /// Changes per batch (one PostgreSQL transaction each).
        #[arg(long, default_value_t = 5_000)]
        batch_size: usize,
        /// Keep the file here (and the PostgreSQL schema) instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Measure inventory at scale: done moves per second with their stock journal
    /// entries, a backdated receipt before 10,000 later moves, and the stock queries.
    BenchInventory {
        /// Catalog size (the demo's; its stockable products move).
        #[arg(long, default_value_t = 100_000)]
        products: u32,
        /// How many done moves, over a year.
        #[arg(long, default_value_t = 1_000_000)]
        moves: u64,
        /// Lines (moves) per picking.
        #[arg(long, default_value_t = 100)]
        lines: u32,
        /// Pickings done per transaction (`picking.done_batch`).
        #[arg(long, default_value_t = 10)]
        batch: u32,
        /// Times each query is run.
        #[arg(long, default_value_t = 50)]
        runs: u32,
        /// Keep the file here instead of a temporary directory.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// SQLite page cache in MiB for this run (default: the app's, 64 MiB).
        #[arg(long)]
        cache_mib: Option<u32>,
    },
}

fn default_db() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("cora").join("cora.db")
}

/// A failure to report: a Cora error, or a usage problem.
enum Fail {
    Cora(Error),
    Usage(String),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Cora(e)
    }
}

impl From<cora_core::StoreError> for Fail {
    fn from(e: cora_core::StoreError) -> Self {
        Fail::Cora(e.into())
    }
}

fn exit_code(e: &Error) -> u8 {
    match e.code() {
        ErrorCode::Unauthenticated | ErrorCode::Forbidden | ErrorCode::Throttled => EXIT_AUTH,
        ErrorCode::Validation | ErrorCode::Conflict | ErrorCode::NotFound => EXIT_INPUT,
        ErrorCode::Internal => EXIT_INTERNAL,
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            // Help and version go where clap sends them; a usage error is reported like
            // every other error, as one JSON line on stderr.
            if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand) {
                let _ = e.print();
                return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE));
            }
            report(&json!({"code": "usage", "message": e.render().to_string().trim_end(), "fields": []}));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Fail::Cora(e)) => {
            let mut body = serde_json::to_value(e.to_body()).unwrap_or_default();
            if e.code() == ErrorCode::Internal {
                // The body keeps internals out of sight; the terminal gets them for a report.
                body["detail"] = Value::String(e.to_string());
            }
            report(&body);
            ExitCode::from(exit_code(&e))
        }
        Err(Fail::Usage(msg)) => {
            report(&json!({"code": "usage", "message": msg, "fields": []}));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// An error as one JSON line on stderr (a closed stderr is not worth a panic).
fn report(body: &Value) {
    let _ = writeln!(std::io::stderr(), "{body}");
}

/// Writes to stdout. A reader that went away (`cora commands | head`) is not an error:
/// the rest of the output is dropped quietly.
pub(crate) fn out(text: &str) -> Result<(), Fail> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::Usage(format!("cannot write the output: {e}"))),
    }
}

fn open(db: &Option<PathBuf>) -> Result<Cora, Fail> {
    let path = db.clone().unwrap_or_else(default_db);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Fail::Usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    Ok(Cora::open(&path)?)
}

fn password(prompt: &str) -> Result<String, Fail> {
    if let Ok(p) = std::env::var("CORA_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Fail::Usage("set CORA_PASSWORD or run in a terminal to be asked for the password".into()));
    }
    rpassword::prompt_password(prompt).map_err(|e| Fail::Usage(format!("cannot read the password: {e}")))
}

fn sign_in(cora: &mut Cora, email: &str) -> Result<String, Fail> {
    let pw = password(&format!("Password for {email}: "))?;
    let out = cora.call(None, None, "auth.login", json!({"email": email, "password": pw}))?;
    Ok(out["token"].as_str().unwrap_or_default().to_string())
}

fn company_ref(s: &str) -> CompanyRef {
    CompanyRef::Code(s.to_string())
}

fn print_json(v: &Value) -> Result<(), Fail> {
    out(&format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default()))
}

fn run(cli: Cli) -> Result<u8, Fail> {
    match cli.cmd {
        Cmd::Init { admin_email, admin_name } => {
            let mut cora = open(&cli.db)?;
            if cora.needs_setup()? {
                let email = match admin_email {
                    Some(e) => e,
                    None if std::io::stdin().is_terminal() => {
                        eprint!("Administrator email: ");
                        let mut line = String::new();
                        std::io::stdin().read_line(&mut line).map_err(|e| Fail::Usage(e.to_string()))?;
                        line.trim().to_string()
                    }
                    None => return Err(Fail::Usage("a new file needs --admin-email".into())),
                };
                let pw = password("Password for the administrator: ")?;
                if std::env::var("CORA_PASSWORD").is_err() {
                    let again = password("Once more: ")?;
                    if again != pw {
                        return Err(Fail::Usage("the passwords differ".into()));
                    }
                }
                let user = cora.bootstrap_admin(&email, &admin_name, &pw)?;
                print_json(&json!({"file": cora.store().path(), "created_admin": user}))?;
            } else {
                print_json(&json!({"file": cora.store().path(), "schema_version": cora_core::store::latest_version(), "status": "up to date"}))?;
            }
            Ok(0)
        }
        Cmd::Call { command, args, user, company } => {
            let args: Value = match args.as_deref() {
                None => Value::Null,
                Some(s) => serde_json::from_str(s).map_err(|e| {
                    Fail::Cora(Error::field("args", cora_core::FieldCode::InvalidJson.with("detail", e)))
                })?,
            };
            let mut cora = open(&cli.db)?;
            let token = sign_in(&mut cora, &user)?;
            let company = company.as_deref().map(company_ref);
            let result = cora.call(Some(&token), company.as_ref(), &command, args);
            let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
            print_json(&result?)?;
            Ok(0)
        }
        Cmd::Batch { user, atomic } => {
            let mut cora = open(&cli.db)?;
            let token = sign_in(&mut cora, &user)?;
            let code = run_batch(&mut cora, &token, atomic, std::io::stdin().lock());
            let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
            Ok(code)
        }
        Cmd::Commands { json: as_json } => {
            let registry = cora_core::Registry::new();
            let cmds = registry.describe();
            if as_json {
                print_json(&serde_json::to_value(&cmds).unwrap_or_default())?;
            } else {
                let mut text = String::new();
                for c in cmds {
                    let access = match c.access {
                        cora_core::command::Access::Public => "anyone".to_string(),
                        cora_core::command::Access::Authenticated => "signed-in".to_string(),
                        cora_core::command::Access::Superuser => "administrator".to_string(),
                        cora_core::command::Access::Permission(p) => format!("{p} (company)"),
                    };
                    let fields = c.args_schema["properties"].as_object().map(|o| o.keys().cloned().collect::<Vec<_>>().join(", ")).unwrap_or_default();
                    text.push_str(&format!("{:<32} {:<40} {}\n{:<32} args: {{{}}}\n", c.name, access, c.summary, "", fields));
                }
                out(&text)?;
            }
            Ok(0)
        }
        Cmd::Backup { dest } => {
            let cora = open(&cli.db)?;
            cora.store().backup_to(&dest)?;
            print_json(&json!({"backup": dest}))?;
            Ok(0)
        }
        Cmd::Restore { src } => {
            let dest = cli.db.clone().unwrap_or_else(default_db);
            let kept = cora_core::store::restore(&src, &dest)?;
            print_json(&json!({"restored": dest, "replaced_file_kept_at": kept}))?;
            Ok(0)
        }
        Cmd::GenTypes { out, check } => {
            let ts = cora_core::bindings::typescript(&cora_core::Registry::new());
            if check {
                let cur = std::fs::read_to_string(&out).unwrap_or_default();
                if cur != ts {
                    return Err(Fail::Usage(format!("{} is stale: run `cora gen-types`", out.display())));
                }
            } else {
                if let Some(dir) = out.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                std::fs::write(&out, ts).map_err(|e| Fail::Usage(format!("cannot write {}: {e}", out.display())))?;
            }
            Ok(0)
        }
        Cmd::Bench { writes } => bench::run(writes),
        Cmd::Demo { company, scale, seed, user } => {
            let mut cora = open(&cli.db)?;
            let token = sign_in(&mut cora, &user)?;
            let report = cora_core::demo::run(&mut cora, &token, &company_ref(&company), scale, seed);
            let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
            print_json(&serde_json::to_value(report?).unwrap_or_default())?;
            Ok(0)
        }
        Cmd::Serve { port, max_body_bytes, rate_per_second } => serve::serve(&cli.db, port, max_body_bytes, rate_per_second),
        Cmd::BenchHttp { calls, keep } => serve::bench_http(calls, keep),
        Cmd::BenchCatalog { scale, runs } => bench_catalog::run(scale, runs),
        Cmd::Check { company, user } => check::run(&cli.db, &user, &company),
        Cmd::BenchLedger { lines, batch, runs, keep, cache_mib } => bench_ledger::run(lines, batch, runs, keep, cache_mib),
        Cmd::BenchTrade { products, invoices, runs, keep } => bench_trade::run(products, invoices, runs, keep),
        Cmd::BenchProduction { products, sales_lines, batch, runs, keep } => bench_production::run(products, sales_lines, batch, runs, keep),
        Cmd::BenchFinance { customers, invoices, runs, keep } => bench_finance::run(customers, invoices, runs, keep),
        Cmd::BenchInventory { products, moves, lines, batch, runs, keep, cache_mib } => bench_inventory::run(products, moves, lines, batch, runs, keep, cache_mib),
        Cmd::Sync { cmd } => sync::run(&cli.db, cmd),
        Cmd::BenchSyncPg { pg, products, changes, batch_size, keep } => bench_sync_pg::run(pg, products, changes, batch_size, keep),
        Cmd::Import { kind, file, company, dry_run, user } => files::import(&cli.db, &user, &company, kind, &file, dry_run),
        Cmd::Report { name, args, out, format, company, user } => report::run(&cli.db, &user, &company, &name, &args, format, &out),
        Cmd::Print { doc, number, id, out, company, user } => print::run(&cli.db, &user, &company, doc, number.as_deref(), id, &out),
        Cmd::Export { kind, out, format, company, user } => files::export(&cli.db, &user, &company, kind, format, &out),
    }
}

/// Runs stdin lines as commands; prints one JSON line per input line.
pub(crate) fn run_batch(cora: &mut Cora, token: &str, atomic: bool, input: impl BufRead) -> u8 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut worst = 0u8;
    let mut items = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                let _ = writeln!(out, "{}", json!({"ok": false, "line": i + 1, "error": {"code": "validation", "message": e.to_string(), "fields": []}}));
                worst = worst.max(EXIT_INPUT);
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let item: BatchItem = match serde_json::from_str(&line) {
            Ok(item) => item,
            Err(e) => {
                let err = Error::field("line", cora_core::FieldCode::Invalid.with("detail", e));
                if atomic {
                    let _ = writeln!(out, "{}", json!({"ok": false, "line": i + 1, "error": err.to_body()}));
                    return EXIT_INPUT;
                }
                let _ = writeln!(out, "{}", json!({"ok": false, "line": i + 1, "error": err.to_body()}));
                worst = worst.max(EXIT_INPUT);
                continue;
            }
        };
        if atomic {
            items.push((i + 1, item));
            continue;
        }
        match cora.call(Some(token), item.company.as_ref(), &item.command, item.args) {
            Ok(v) => {
                let _ = writeln!(out, "{}", json!({"ok": true, "result": v}));
            }
            Err(e) => {
                worst = worst.max(exit_code(&e));
                let _ = writeln!(out, "{}", json!({"ok": false, "line": i + 1, "error": e.to_body()}));
            }
        }
    }
    if atomic {
        let (lines, items): (Vec<usize>, Vec<BatchItem>) = items.into_iter().unzip();
        match cora.call_atomic(Some(token), &items) {
            Ok(results) => {
                for v in results {
                    let _ = writeln!(out, "{}", json!({"ok": true, "result": v}));
                }
            }
            Err((idx, e)) => {
                worst = exit_code(&e);
                let line = lines.get(idx).copied().unwrap_or(0);
                let _ = writeln!(out, "{}", json!({"ok": false, "line": line, "error": e.to_body(), "rolled_back": true}));
            }
        }
    }
    worst
}
