//! The ledger's invariants under random sequences of operations over two companies:
//! balanced entries, unbalanced ones, reversals, closing and reopening periods, posting
//! into closed periods, the lock date. After every step: `ledger.check` is ok for both
//! companies, debits equal credits, posted rows never change (they only grow), numbers
//! are gapless per (journal, fiscal year), nothing lands in a closed period, and no line
//! of one company names the other's account or partner.
//!
//! Cases: `PROPTEST_CASES` (default 16).

use crate::accounting::journal;
use cora_core::testing::TestApp;
use proptest::prelude::*;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const COMPANIES: [&str; 2] = ["PA", "PB"];

#[derive(Debug, Clone)]
enum Op {
    /// 2–5 lines: (account pick, amount in cents, debit side); the last line balances.
    Post { co: usize, journal: usize, day: u32, lines: Vec<(usize, u32, bool)> },
    Unbalanced { co: usize, day: u32, lines: Vec<(usize, u32)> },
    Reverse { co: usize, pick: usize, later: u32 },
    SetClosed { co: usize, pick: usize, closed: bool },
    PostIntoClosed { co: usize, pick: usize },
    Lock { co: usize, day: Option<u32> },
}

fn op() -> impl Strategy<Value = Op> {
    let co = 0..2usize;
    prop_oneof![
        6 => (co.clone(), 0..4usize, 0..730u32, prop::collection::vec((any::<usize>(), 1..1_000_000u32, any::<bool>()), 1..5))
            .prop_map(|(co, journal, day, lines)| Op::Post { co, journal, day, lines }),
        1 => (co.clone(), 0..730u32, prop::collection::vec((any::<usize>(), 1..1_000_000u32), 2..5)).prop_map(|(co, day, lines)| Op::Unbalanced { co, day, lines }),
        2 => (co.clone(), any::<usize>(), 0..60u32).prop_map(|(co, pick, later)| Op::Reverse { co, pick, later }),
        2 => (co.clone(), any::<usize>(), any::<bool>()).prop_map(|(co, pick, closed)| Op::SetClosed { co, pick, closed }),
        1 => (co.clone(), any::<usize>()).prop_map(|(co, pick)| Op::PostIntoClosed { co, pick }),
        1 => (co, prop::option::of(0..730u32)).prop_map(|(co, day)| Op::Lock { co, day }),
    ]
}

fn start() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

fn date(day: u32) -> chrono::NaiveDate {
    start() + chrono::Days::new(u64::from(day))
}

/// What the test knows of one company.
struct Books {
    tenant: i64,
    /// Postable accounts a manual line may use: (id, needs a partner).
    accounts: Vec<(i64, bool)>,
    journals: Vec<i64>,
    partner: i64,
    /// Regular periods: (id, start, end).
    periods: Vec<(i64, chrono::NaiveDate, chrono::NaiveDate)>,
    /// Closed periods and their line count when they closed.
    closed: BTreeMap<i64, i64>,
    lock: Option<chrono::NaiveDate>,
    /// Posted entries the test made: (id, date, reversed or a reversal).
    posted: Vec<(i64, chrono::NaiveDate, bool)>,
}

struct World {
    app: TestApp,
    books: Vec<Books>,
}

impl World {
    fn new() -> World {
        let mut app = TestApp::new();
        let mut books = Vec::new();
        for code in COMPANIES {
            let tenant = app.company(code);
            for d in ["2025-06-01", "2026-06-01"] {
                app.admin_in(code, "fiscal_year.create", json!({"date": d})).unwrap();
            }
            let list = app.admin_in(code, "account.list", json!({"postable_only": true})).unwrap();
            let accounts = list
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| !matches!(a["subtype"].as_str(), Some("inventory" | "tax_collected" | "tax_paid")) && a["currency"].is_null())
                .map(|a| (a["id"].as_i64().unwrap(), matches!(a["subtype"].as_str(), Some("receivable" | "payable"))))
                .collect();
            let journals = ["GEN", "SAL", "PUR", "BNK"].iter().map(|j| journal(&mut app, code, j)).collect();
            let partner = app.admin_in(code, "partner.create", json!({"name": format!("{code} partner"), "is_customer": true, "is_supplier": true})).unwrap()["id"]
                .as_i64()
                .unwrap();
            let years = app.admin_in(code, "fiscal_year.list", json!({})).unwrap();
            let mut periods = Vec::new();
            for y in years.as_array().unwrap() {
                for p in y["periods"].as_array().unwrap() {
                    if p["is_closing"] == false {
                        let d = |k: &str| p[k].as_str().unwrap().parse::<chrono::NaiveDate>().unwrap();
                        periods.push((p["id"].as_i64().unwrap(), d("start_date"), d("end_date")));
                    }
                }
            }
            periods.sort_by_key(|p| p.1);
            books.push(Books { tenant, accounts, journals, partner, periods, closed: BTreeMap::new(), lock: None, posted: Vec::new() });
        }
        World { app, books }
    }

    fn conn(&self) -> &Connection {
        self.app.cora.store().conn()
    }

    /// Whether posting on `d` must be refused for its date (closed period or lock date).
    fn date_refused(&self, co: usize, d: chrono::NaiveDate) -> bool {
        let b = &self.books[co];
        b.lock.is_some_and(|l| d <= l) || b.periods.iter().any(|(id, s, e)| *s <= d && d <= *e && b.closed.contains_key(id))
    }

    fn line(&self, co: usize, pick: usize, cents: u32, debit: bool) -> Value {
        let b = &self.books[co];
        let (id, needs_partner) = b.accounts[pick % b.accounts.len()];
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        let mut l = if debit { json!({"account_id": id, "debit": amount}) } else { json!({"account_id": id, "credit": amount}) };
        if needs_partner {
            l["partner_id"] = json!(b.partner);
        }
        l
    }

    fn post(&mut self, co: usize, journal: i64, d: chrono::NaiveDate, lines: Vec<Value>) -> cora_core::Result<Value> {
        self.app.admin_in(COMPANIES[co], "entry.post_new", json!({"journal_id": journal, "date": d, "lines": lines}))
    }
}

/// Every posted entry and line, in id order, as text.
fn posted_rows(conn: &Connection) -> (Vec<String>, Vec<String>) {
    let rows = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    (rows("SELECT * FROM journal_entries WHERE state = 'posted' ORDER BY id"), rows("SELECT * FROM journal_lines ORDER BY id"))
}

fn lines_in_period(conn: &Connection, period: i64) -> i64 {
    conn.query_row("SELECT count(*) FROM journal_lines WHERE period_id = ?1", [period], |r| r.get(0)).unwrap()
}

fn assert_invariants(w: &mut World, before: &(Vec<String>, Vec<String>)) -> Result<(Vec<String>, Vec<String>), TestCaseError> {
    for code in COMPANIES {
        let check = w.app.admin_in(code, "ledger.check", json!({})).unwrap();
        prop_assert_eq!(&check["ok"], &json!(true), "{}: {}", code, check);
    }
    let conn = w.conn();
    for b in &w.books {
        let (d, c): (i64, i64) =
            conn.query_row("SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0) FROM journal_lines WHERE tenant_id = ?1", [b.tenant], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        prop_assert_eq!(d, c, "debits and credits of company {}", b.tenant);
    }
    // Posted rows only grow: what was there is still there, unchanged, in the same order.
    let now = posted_rows(conn);
    prop_assert!(now.0.len() >= before.0.len() && now.0[..before.0.len()] == before.0[..], "a posted entry changed or vanished");
    prop_assert!(now.1.len() >= before.1.len() && now.1[..before.1.len()] == before.1[..], "a posted line changed or vanished");
    // Gapless numbers per (company, journal, fiscal year), checked directly.
    let mut st = conn.prepare("SELECT tenant_id, journal_id, fiscal_year_id, seq FROM journal_entries WHERE state = 'posted' ORDER BY tenant_id, journal_id, fiscal_year_id, seq").unwrap();
    let mut series: BTreeMap<(i64, i64, i64), Vec<i64>> = BTreeMap::new();
    for row in st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?))).unwrap() {
        let (k, seq) = row.unwrap();
        series.entry(k).or_default().push(seq);
    }
    for (k, seqs) in series {
        prop_assert_eq!(seqs.clone(), (1..=seqs.len() as i64).collect::<Vec<_>>(), "series {:?}", k);
    }
    // Nothing was added to a period while it was closed.
    for b in &w.books {
        for (period, count) in &b.closed {
            prop_assert_eq!(lines_in_period(conn, *period), *count, "lines added to closed period {}", period);
        }
    }
    // Isolation: no line names another company's account or partner.
    let crossed: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal_lines l JOIN accounts a ON a.id = l.account_id LEFT JOIN partners p ON p.id = l.partner_id
             WHERE a.tenant_id <> l.tenant_id OR (p.id IS NOT NULL AND p.tenant_id <> l.tenant_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    prop_assert_eq!(crossed, 0);
    Ok(now)
}

fn is_date_error(e: &cora_core::Error) -> bool {
    e.fields().iter().any(|f| f.field == "date")
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut w = World::new();
    let mut snapshot = posted_rows(w.conn());
    // Most postings move forward in time (as books do); one in five lands on a random
    // date, often before the last number of its series.
    let mut clock = 0u32;
    let mut posted_ok = 0;
    for op in ops {
        match op {
            Op::Post { co, journal, day, lines } => {
                let day = if day % 5 == 0 {
                    day
                } else {
                    clock = (clock + day % 12).min(729);
                    clock
                };
                let d = date(day);
                let mut drafts: Vec<Value> = Vec::new();
                let mut net: i64 = 0;
                for (pick, cents, debit) in &lines {
                    drafts.push(w.line(co, *pick, *cents, *debit));
                    net += if *debit { i64::from(*cents) } else { -i64::from(*cents) };
                }
                if net == 0 {
                    // Make the last line carry something: add a cent on the first.
                    let (pick, cents, debit) = lines[0];
                    drafts[0] = w.line(co, pick, cents + 1, debit);
                    net = if debit { 1 } else { -1 };
                }
                let balancing = net.unsigned_abs() as u32;
                drafts.push(w.line(co, lines.len() * 7 + 3, balancing, net < 0));
                let refused = w.date_refused(co, d);
                let j = w.books[co].journals[journal];
                match w.post(co, j, d, drafts) {
                    Ok(e) => {
                        prop_assert!(!refused, "posted into a closed period or on or before the lock date: {}", e);
                        w.books[co].posted.push((e["id"].as_i64().unwrap(), d, false));
                        posted_ok += 1;
                    }
                    Err(e) => {
                        // The only acceptable refusals here are about the date: closed,
                        // locked, or before the last number of the series.
                        prop_assert!(is_date_error(&e), "{}", e);
                        if !refused {
                            prop_assert_eq!(e.fields()[0].code, cora_core::FieldCode::BeforeLastNumbered, "{}", e);
                        }
                    }
                }
            }
            Op::Unbalanced { co, day, lines } => {
                let drafts: Vec<Value> = lines.iter().enumerate().map(|(i, (p, c))| w.line(co, *p, *c, i % 2 == 0)).collect();
                let total: i64 = lines.iter().enumerate().map(|(i, (_, c))| if i % 2 == 0 { i64::from(*c) } else { -i64::from(*c) }).sum();
                let drafts = if total == 0 { drafts.into_iter().chain([w.line(co, 0, 1, true)]).collect() } else { drafts };
                let j = w.books[co].journals[0];
                prop_assert!(w.post(co, j, date(day), drafts).is_err(), "an unbalanced entry posted");
            }
            Op::Reverse { co, pick, later } => {
                let open: Vec<(usize, i64, chrono::NaiveDate)> =
                    w.books[co].posted.iter().enumerate().filter(|(_, p)| !p.2).map(|(i, p)| (i, p.0, p.1)).collect();
                if open.is_empty() {
                    continue;
                }
                let (i, id, d) = open[pick % open.len()];
                let when = d + chrono::Days::new(u64::from(later));
                let r = w.app.admin_in(COMPANIES[co], "entry.reverse", json!({"id": id, "date": when}));
                match r {
                    Ok(e) => {
                        prop_assert!(!w.date_refused(co, when), "reversed into a closed period: {}", e);
                        w.books[co].posted[i].2 = true;
                        w.books[co].posted.push((e["id"].as_i64().unwrap(), when, true));
                    }
                    Err(e) => prop_assert!(is_date_error(&e), "{}", e),
                }
            }
            Op::SetClosed { co, pick, closed } => {
                let (period, _, _) = w.books[co].periods[pick % w.books[co].periods.len()];
                w.app.admin_in(COMPANIES[co], "period.set_closed", json!({"id": period, "closed": closed})).unwrap();
                if closed {
                    let count = lines_in_period(w.conn(), period);
                    w.books[co].closed.entry(period).or_insert(count);
                } else {
                    w.books[co].closed.remove(&period);
                }
            }
            Op::PostIntoClosed { co, pick } => {
                let closed: Vec<i64> = w.books[co].closed.keys().copied().collect();
                if closed.is_empty() {
                    continue;
                }
                let period = closed[pick % closed.len()];
                let (_, s, _) = *w.books[co].periods.iter().find(|p| p.0 == period).unwrap();
                let j = w.books[co].journals[0];
                let lines = vec![w.line(co, pick, 100, true), w.line(co, pick + 1, 100, false)];
                let e = w.post(co, j, s, lines).expect_err("posted into a closed period");
                prop_assert!(is_date_error(&e), "{}", e);
            }
            Op::Lock { co, day } => {
                let lock = day.map(date);
                w.app.admin_in(COMPANIES[co], "accounting.set_lock_date", json!({"lock_date": lock})).unwrap();
                w.books[co].lock = lock;
            }
        }
        snapshot = assert_invariants(&mut w, &snapshot)?;
    }
    if std::env::var("ACCOUNTING_PROPS_VERBOSE").is_ok() {
        eprintln!("posted {posted_ok} balanced entries");
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_keeps_its_invariants_under_random_operations_over_two_companies(ops in prop::collection::vec(op(), 1..30)) {
        run(ops)?;
    }
}

/// The year-end close brings income and expense to zero against retained earnings, in a
/// balanced entry, for a profit and for a loss.
#[test]
fn closing_a_year_balances_for_a_profit_and_for_a_loss() {
    use crate::accounting::{account, books};
    for (code, sales, costs) in [("PROFIT", "1000", "400"), ("LOSS", "300", "900")] {
        let mut app = books(code);
        let general = journal(&mut app, code, "GEN");
        let (bank, income, rent, retained) = (account(&mut app, code, "1100"), account(&mut app, code, "4010"), account(&mut app, code, "6100"), account(&mut app, code, "3200"));
        app.admin_in(code, "fiscal_year.create", json!({"date": "2025-01-01"})).unwrap();
        for (d, c, amount) in [(bank, income, sales), (rent, bank, costs)] {
            app.admin_in(code, "entry.post_new", json!({"journal_id": general, "date": "2025-03-01", "lines": [
                {"account_id": d, "debit": amount}, {"account_id": c, "credit": amount}]})).unwrap();
        }
        let years = app.admin_in(code, "fiscal_year.list", json!({})).unwrap();
        let y2025 = years.as_array().unwrap().iter().find(|y| y["name"] == "2025").unwrap()["id"].clone();
        let closed = app.admin_in(code, "fiscal_year.close", json!({"id": y2025})).unwrap();
        assert_eq!(closed["closed"], true);
        let balance = |app: &mut TestApp, id: i64| app.admin_in(code, "account.get", json!({"id": id})).unwrap()["balance"].as_str().unwrap().to_string();
        assert_eq!((balance(&mut app, income), balance(&mut app, rent)), ("0".to_string(), "0".to_string()));
        let result = sales.parse::<i64>().unwrap() - costs.parse::<i64>().unwrap();
        assert_eq!(balance(&mut app, retained), (-result).to_string(), "{code}");
        assert_eq!(app.admin_in(code, "ledger.check", json!({})).unwrap()["ok"], true);
    }
}
