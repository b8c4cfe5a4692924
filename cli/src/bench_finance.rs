//! `cora bench-finance`: receivables at scale, on a fresh file (in a temporary directory
//! unless `--keep` names one). `customers` customers get `invoices` invoices over the last
//! year (posted in batches with `entry.post_batch`: receivable against sales), and 90 % of
//! them are paid by payments allocated to them (`finance.create_payment` in atomic batches
//! of 500). Then, through the command layer as the UI calls them:
//! - the receivable aging today and at a date mid-year;
//! - one customer's statement over the year;
//! - a payment allocated across 50 open invoices (`finance.allocate`, the payment already
//!   posted), and the same as one `finance.create_payment`;
//! - suggestions for a 1,000-line statement (`bank.suggest`), half of whose lines name an
//!   open invoice or match a payment's amount.

use super::Fail;
use super::bench_ledger::{bench_company, on_file, Rng, file_bytes, stats};
use cora_core::command::BatchItem;
use cora_core::{CompanyRef, Cora};
use serde_json::{Value, json};
use std::time::Instant;

pub(crate) fn run(customers: u32, invoices: u64, runs: u32, keep: Option<std::path::PathBuf>) -> Result<u8, Fail> {
    on_file("bench-finance", keep, |path| measure(path, customers, invoices, runs))
}

struct Bench {
    cora: Cora,
    token: String,
    company: CompanyRef,
}

impl Bench {
    fn call(&mut self, cmd: &str, args: Value) -> Result<Value, Fail> {
        Ok(self.cora.call(Some(&self.token), Some(&self.company), cmd, args)?)
    }
    fn atomic(&mut self, items: Vec<(&str, Value)>) -> Result<Vec<Value>, Fail> {
        let items: Vec<BatchItem> = items.into_iter().map(|(c, a)| BatchItem { command: c.into(), args: a, company: Some(self.company.clone()) }).collect();
        self.cora.call_atomic(Some(&self.token), &items).map_err(|(_, e)| Fail::Cora(e))
    }
    fn timed(&mut self, runs: u32, cmd: &str, args: Value) -> Result<Value, Fail> {
        let mut ms = Vec::new();
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            self.call(cmd, args.clone())?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(stats(ms))
    }
}

fn cents(v: u64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

fn measure(path: &std::path::Path, customers: u32, invoices: u64, runs: u32) -> Result<u8, Fail> {
    let mut cora = Cora::open(path)?;
    let (token, company) = bench_company(&mut cora)?;
    let mut b = Bench { cora, token, company };
    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Days::new(365);
    let account = |b: &mut Bench, code: &str| -> Result<i64, Fail> {
        let list = b.call("account.list", json!({"search": code}))?;
        list.as_array().and_then(|a| a.iter().find(|x| x["code"] == code)).and_then(|x| x["id"].as_i64()).ok_or_else(|| Fail::Usage(format!("account {code}")))
    };
    let receivable = account(&mut b, "1200")?;
    let sales = account(&mut b, "4000")?;
    let journals = b.call("journal.list", json!({}))?;
    let sal = journals.as_array().and_then(|a| a.iter().find(|j| j["code"] == "SAL")).and_then(|j| j["id"].as_i64()).ok_or_else(|| Fail::Usage("journal SAL".into()))?;
    let bank = b.call("bank.list_accounts", json!({}))?;
    let bank = bank.as_array().and_then(|a| a.iter().find(|x| x["kind"] == "bank")).and_then(|x| x["id"].as_i64()).ok_or_else(|| Fail::Usage("bank account".into()))?;

    // Customers.
    let t0 = Instant::now();
    let mut partners: Vec<i64> = Vec::new();
    let mut k = 0;
    while k < customers {
        let n = (customers - k).min(500);
        let items: Vec<(&str, Value)> = (0..n).map(|i| ("partner.create", json!({"name": format!("Customer {:05}", k + i), "is_customer": true}))).collect();
        for r in b.atomic(items)? {
            partners.push(r["id"].as_i64().unwrap_or_default());
        }
        k += n;
    }
    // Invoices: receivable against sales, dated over the last year, in order.
    let mut rng = Rng(0x5eed_f00d_1234_5678);
    let mut amounts: Vec<(i64, u64, chrono::NaiveDate)> = Vec::with_capacity(invoices as usize);
    let mut posted = 0u64;
    while posted < invoices {
        let n = 2_000.min(invoices - posted);
        let mut drafts = Vec::with_capacity(n as usize);
        for i in posted..posted + n {
            let date = start + chrono::Days::new(i * 365 / invoices.max(1));
            let p = partners[rng.below(partners.len() as u64) as usize];
            let v = 1_000 + rng.below(500_000);
            amounts.push((p, v, date));
            drafts.push(json!({"journal_id": sal, "date": date, "reference": format!("INV{i}"), "lines": [
                {"account_id": receivable, "partner_id": p, "debit": cents(v)}, {"account_id": sales, "credit": cents(v)}]}));
        }
        b.call("entry.post_batch", json!({"entries": drafts}))?;
        posted += n;
    }
    let write_invoices = t0.elapsed().as_secs_f64();
    // Their items, in posting order (the item id is the receivable line's).
    let items = {
        let conn = b.cora.store().conn();
        let mut st = conn
            .prepare("SELECT id FROM open_items WHERE side = 'receivable' ORDER BY id")
            .map_err(cora_core::Error::from)?;
        st.query_map([], |r| r.get::<_, i64>(0)).map_err(cora_core::Error::from)?.collect::<Result<Vec<i64>, _>>().map_err(cora_core::Error::from)?
    };
    // 90 % paid, 0–60 days after the invoice, in date order (the bank journal's series is chronological).
    let t1 = Instant::now();
    let mut pays: Vec<(chrono::NaiveDate, usize)> = Vec::new();
    for (i, (_, _, date)) in amounts.iter().enumerate() {
        if rng.below(10) < 9 {
            let d = (*date + chrono::Days::new(rng.below(61))).min(today);
            pays.push((d, i));
        }
    }
    pays.sort();
    for chunk in pays.chunks(500) {
        let batch: Vec<(&str, Value)> = chunk
            .iter()
            .map(|(d, i)| {
                let (p, v, _) = amounts[*i];
                ("finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bank, "partner_id": p, "date": d, "amount": cents(v),
                    "allocations": [{"item_id": items[*i], "amount": cents(v)}]}))
            })
            .collect();
        b.atomic(batch)?;
    }
    let write_payments = t1.elapsed().as_secs_f64();

    let mid = start + chrono::Days::new(182);
    let aging_today = b.timed(runs, "finance.aging", json!({"side": "receivable"}))?;
    let aging_mid = b.timed(runs, "finance.aging", json!({"side": "receivable", "date": mid}))?;
    let p0 = partners[0];
    let statement = b.timed(runs, "finance.partner_statement", json!({"partner_id": p0, "side": "receivable", "from": start, "to": today}))?;

    // A payment across 50 open invoices: a new customer's 50 invoices, the payment posted
    // unallocated, then one allocation timed; and one payment with 50 allocations timed.
    let mut alloc_ms = Vec::new();
    let mut pay50_ms = Vec::new();
    for r in 0..runs.max(1) {
        let p = b.call("partner.create", json!({"name": format!("Fifty {r}"), "is_customer": true}))?["id"].as_i64().unwrap_or_default();
        let drafts: Vec<Value> = (0..100)
            .map(|i| json!({"journal_id": sal, "date": today, "reference": format!("F{r}-{i}"), "lines": [
                {"account_id": receivable, "partner_id": p, "debit": "10.00"}, {"account_id": sales, "credit": "10.00"}]}))
            .collect();
        b.call("entry.post_batch", json!({"entries": drafts}))?;
        let open = b.call("finance.open_items", json!({"side": "receivable", "partner_id": p}))?;
        let ids: Vec<i64> = open.as_array().map(|a| a.iter().filter_map(|x| x["id"].as_i64()).collect()).unwrap_or_default();
        let pay = b.call("finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bank, "partner_id": p, "date": today, "amount": "500.00"}))?;
        let mut args: Vec<Value> = ids[..50.min(ids.len())].iter().map(|i| json!({"item_id": i, "amount": "10.00"})).collect();
        args.push(json!({"item_id": pay["item_id"], "amount": "500.00"}));
        let t = Instant::now();
        b.call("finance.allocate", json!({"items": args}))?;
        alloc_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let rest: Vec<Value> = ids[50.min(ids.len())..].iter().map(|i| json!({"item_id": i, "amount": "10.00"})).collect();
        let t = Instant::now();
        b.call("finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bank, "partner_id": p, "date": today, "amount": "500.00", "allocations": rest}))?;
        pay50_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    // A 1,000-line CSV statement: a quarter name an open invoice's entry, a quarter match a
    // payment's amount, the rest are noise.
    let open = b.call("finance.open_items", json!({"side": "receivable", "limit": 1000}))?;
    let open: Vec<(String, String)> = open.as_array().map(|a| a.iter().map(|x| (x["document"].as_str().unwrap_or("").to_string(), x["open_amount"].as_str().unwrap_or("0").to_string())).collect()).unwrap_or_default();
    let book = b.call("bank.book_lines", json!({"bank_account_id": bank, "unreconciled": true, "limit": 1000}))?;
    let book: Vec<String> = book.as_array().map(|a| a.iter().map(|x| x["amount"].as_str().unwrap_or("0").to_string()).collect()).unwrap_or_default();
    let mut csv = String::from("date,amount,counterparty,reference\n");
    for i in 0..1000usize {
        let (amount, reference) = match i % 4 {
            0 if !open.is_empty() => (open[i % open.len()].1.clone(), open[i % open.len()].0.clone()),
            1 if !book.is_empty() => (book[i % book.len()].clone(), String::new()),
            _ => (cents(100 + rng.below(90_000)), format!("noise {i}")),
        };
        csv.push_str(&format!("{today},{amount},Someone {i},{reference}\n"));
    }
    use base64::Engine;
    let mapping = json!({"has_header": true, "date": "date", "amount": "amount", "counterparty": "counterparty", "reference": "reference"});
    b.call("bank.import_statement", json!({"bank_account_id": bank, "content": base64::engine::general_purpose::STANDARD.encode(&csv), "format": "csv", "mapping": mapping}))?;
    let suggest = b.timed(runs.min(5), "bank.suggest", json!({"bank_account_id": bank}))?;
    let sugs = b.call("bank.suggest", json!({"bank_account_id": bank}))?;

    let check = b.call("ledger.check", json!({}))?;
    let out = json!({
        "customers": customers,
        "invoices": invoices,
        "payments": pays.len(),
        "write_invoices_s": (write_invoices * 10.0).round() / 10.0,
        "write_payments_s": (write_payments * 10.0).round() / 10.0,
        "aging_today": aging_today,
        "aging_mid_year": aging_mid,
        "partner_statement_year": statement,
        "allocate_50": stats(alloc_ms),
        "payment_with_50_allocations": stats(pay50_ms),
        "suggest_1000_lines": suggest,
        "suggestions": sugs.as_array().map(|a| a.len()).unwrap_or(0),
        "ledger_check_ok": check["ok"],
        "file_mb": file_bytes(path) / 1_000_000,
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(if check["ok"] == json!(true) { 0 } else { 1 })
}
