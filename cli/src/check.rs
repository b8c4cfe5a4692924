//! `cora check`: recompute a company's books (`ledger.check`) and print what differs.
//! Exit 0 when the books are sound, 1 when the check found a problem.

use super::{Fail, company_ref, open, out, sign_in};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

/// The exit code of a check that found problems (the books, not the call, are wrong).
pub(crate) const EXIT_CHECK_FAILED: u8 = 1;

pub(crate) fn run(db: &Option<PathBuf>, user: &str, company: &str) -> Result<u8, Fail> {
    let mut cora = open(db)?;
    let token = sign_in(&mut cora, user)?;
    let co = company_ref(company);
    let result = (|| -> Result<(Value, Value, Value), Fail> {
        let check = cora.call(Some(&token), Some(&co), "ledger.check", json!({}))?;
        let accounts = cora.call(Some(&token), Some(&co), "account.list", json!({"include_archived": true}))?;
        let years = cora.call(Some(&token), Some(&co), "fiscal_year.list", json!({}))?;
        Ok((check, accounts, years))
    })();
    let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
    let (check, accounts, years) = result?;
    let text = render(company, &check, &accounts, &years);
    out(&text)?;
    Ok(if check["ok"] == json!(true) { 0 } else { EXIT_CHECK_FAILED })
}

fn render(company: &str, check: &Value, accounts: &Value, years: &Value) -> String {
    let account: HashMap<i64, String> = accounts
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["id"].as_i64()?, format!("{} {}", a["code"].as_str()?, a["name"].as_str()?))))
        .collect();
    let period: HashMap<i64, String> = years
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|y| y["periods"].as_array().into_iter().flatten())
        .filter_map(|p| Some((p["id"].as_i64()?, p["name"].as_str()?.to_string())))
        .collect();
    let s = |v: &Value| v.as_str().unwrap_or("?").to_string();
    let mut t = format!("Ledger check of {company}: {} posted entries, {} lines\n", check["entries"], check["lines"]);
    if check["ok"] == json!(true) {
        t.push_str(
            "OK: every entry balances, every maintained balance equals the sum of its lines, every series is gapless, open items match their allocations and control accounts, reconciled statements still agree with the books, the sales and purchase report sums equal their invoices and moves.\n",
        );
        return t;
    }
    let unbalanced = check["unbalanced_entries"].as_array().cloned().unwrap_or_default();
    if !unbalanced.is_empty() {
        t.push_str(&format!("FAILED: {} unbalanced entries: {}\n", unbalanced.len(), unbalanced.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")));
    }
    let drift = check["drift"].as_array().cloned().unwrap_or_default();
    if !drift.is_empty() {
        t.push_str(&format!("FAILED: {} maintained balances differ from their lines:\n", drift.len()));
        for d in &drift {
            let acc = d["account_id"].as_i64().and_then(|id| account.get(&id).cloned()).unwrap_or_else(|| format!("account #{}", d["account_id"]));
            let per = d["period_id"].as_i64().and_then(|id| period.get(&id).cloned()).unwrap_or_else(|| format!("period #{}", d["period_id"]));
            let partner = if d["partner_id"].is_null() { String::new() } else { format!(" partner #{}", d["partner_id"]) };
            t.push_str(&format!(
                "  {} {acc}{partner} in {per}: maintained debit {} credit {}, lines say debit {} credit {}\n",
                s(&d["what"]),
                s(&d["maintained_debit"]),
                s(&d["maintained_credit"]),
                s(&d["recomputed_debit"]),
                s(&d["recomputed_credit"])
            ));
        }
    }
    let gaps = check["numbering_gaps"].as_array().cloned().unwrap_or_default();
    if !gaps.is_empty() {
        t.push_str(&format!("FAILED: numbering gaps in {}\n", gaps.iter().map(s).collect::<Vec<_>>().join(", ")));
    }
    for (key, what) in [("subledger", "receivables and payables"), ("bank_assertions", "reconciled bank statements"), ("trade_sums", "sales and purchase report sums")] {
        let found = check[key].as_array().cloned().unwrap_or_default();
        if !found.is_empty() {
            t.push_str(&format!("FAILED: {what}:\n"));
            for f in &found {
                t.push_str(&format!("  {}\n", s(f)));
            }
        }
    }
    t
}
