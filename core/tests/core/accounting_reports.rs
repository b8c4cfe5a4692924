//! The financial reports through the real command layer: a textbook quarter on the
//! generic chart (opening balances, sales and purchases with 20 % tax, a reversal, a
//! customer payment, rent), every figure computed by hand below, then the year-end close.

use super::accounting::{account, books, journal};
use super::code_of;
use cora_core::ErrorCode;
use cora_core::testing::TestApp;
use serde_json::{Value, json};

fn post(app: &mut TestApp, company: &str, journal: i64, date: &str, lines: Value) -> i64 {
    let e = app.admin_in(company, "entry.post_new", json!({"journal_id": journal, "date": date, "lines": lines})).unwrap_or_else(|e| panic!("post {date}: {e}"));
    e["id"].as_i64().unwrap()
}

fn tax(app: &mut TestApp, company: &str, code: &str) -> i64 {
    let list = app.admin_in(company, "tax.list", json!({})).unwrap();
    list.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].as_i64().unwrap()
}

fn partner(app: &mut TestApp, company: &str, name: &str, customer: bool) -> i64 {
    let kind = if customer { "is_customer" } else { "is_supplier" };
    app.admin_in(company, "partner.create", json!({"name": name, kind: true})).unwrap()["id"].as_i64().unwrap()
}

/// The trial-balance row of an account code: (opening, debit, credit, closing).
fn tb_row(tb: &Value, code: &str) -> Option<(String, String, String, String)> {
    tb["rows"].as_array().unwrap().iter().find(|r| r["code"] == code).map(|r| {
        let s = |k: &str| r[k].as_str().unwrap().to_string();
        (s("opening"), s("debit"), s("credit"), s("closing"))
    })
}

fn row(o: &str, d: &str, c: &str, cl: &str) -> Option<(String, String, String, String)> {
    Some((o.into(), d.into(), c.into(), cl.into()))
}

/// The amounts of a statement line by code (or by name for a computed line).
fn line<'a>(r: &'a Value, section: &str, code: &str) -> Option<&'a Value> {
    let s = r["sections"].as_array().unwrap().iter().find(|s| s["key"] == section).unwrap();
    s["lines"].as_array().unwrap().iter().find(|l| l["code"] == code || (code.is_empty() && l["kind"] == "computed"))
}

fn amounts(v: Option<&Value>) -> Vec<String> {
    v.unwrap_or_else(|| panic!("no line"))["amounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

fn totals(r: &Value, section: &str) -> Vec<String> {
    let s = r["sections"].as_array().unwrap().iter().find(|s| s["key"] == section).unwrap();
    s["totals"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

struct Books {
    app: TestApp,
    alpha: i64,
    beta: i64,
    ar: i64,
    bank: i64,
    e6: i64,
}

/// ACME's first quarter of 2026 (amounts in EUR):
/// - E1 OPN 01-01: bank 10000 Dr, receivable (Alpha) 2000 Dr, payable (Beta) 1500 Cr, capital 10500 Cr
/// - E2 GEN 02-10: rent 800 Dr, bank 800 Cr
/// - E3 SAL 02-20: Alpha 600 Dr, sales 500 Cr, VAT 100 Cr
/// - E4 SAL 03-05: Alpha 1200 Dr, sales 1000 Cr, VAT 200 Cr
/// - E5 PUR 03-12: purchases 400 Dr, input VAT 80 Dr, Beta 480 Cr
/// - E6 SAL 03-15: Alpha 360 Dr, sales 300 Cr, VAT 60 Cr — reversed on 03-20 (E7)
/// - E8 BNK 03-25: bank 600 Dr, Alpha 600 Cr (Alpha pays E3)
/// - E9 GEN 03-31: rent 800 Dr, bank 800 Cr
fn quarter() -> Books {
    let mut app = books("ACME");
    let c = "ACME";
    let (opn, gen_, sal, pur, bnk) = (journal(&mut app, c, "OPN"), journal(&mut app, c, "GEN"), journal(&mut app, c, "SAL"), journal(&mut app, c, "PUR"), journal(&mut app, c, "BNK"));
    let [bank, ar, ap, vat, vat_in, capital, sales, purchases, rent] = ["1100", "1200", "2000", "2100", "1450", "3000", "4000", "5010", "6100"].map(|code| account(&mut app, c, code));
    let (s20, p20) = (tax(&mut app, c, "S20"), tax(&mut app, c, "P20"));
    let alpha = partner(&mut app, c, "Alpha Retail", true);
    let beta = partner(&mut app, c, "Beta Supplies", false);
    post(&mut app, c, opn, "2026-01-01", json!([
        {"account_id": bank, "debit": "10000"},
        {"account_id": ar, "partner_id": alpha, "debit": "2000"},
        {"account_id": ap, "partner_id": beta, "credit": "1500"},
        {"account_id": capital, "credit": "10500"}
    ]));
    post(&mut app, c, gen_, "2026-02-10", json!([{"account_id": rent, "debit": "800"}, {"account_id": bank, "credit": "800"}]));
    post(&mut app, c, sal, "2026-02-20", json!([
        {"account_id": ar, "partner_id": alpha, "debit": "600"},
        {"account_id": sales, "credit": "500"},
        {"account_id": vat, "credit": "100", "tax_id": s20, "tax_base": "500"}
    ]));
    post(&mut app, c, sal, "2026-03-05", json!([
        {"account_id": ar, "partner_id": alpha, "debit": "1200", "description": "Invoice 2"},
        {"account_id": sales, "credit": "1000"},
        {"account_id": vat, "credit": "200", "tax_id": s20, "tax_base": "1000"}
    ]));
    post(&mut app, c, pur, "2026-03-12", json!([
        {"account_id": purchases, "debit": "400"},
        {"account_id": vat_in, "debit": "80", "tax_id": p20, "tax_base": "400"},
        {"account_id": ap, "partner_id": beta, "credit": "480"}
    ]));
    let e6 = post(&mut app, c, sal, "2026-03-15", json!([
        {"account_id": ar, "partner_id": alpha, "debit": "360"},
        {"account_id": sales, "credit": "300"},
        {"account_id": vat, "credit": "60", "tax_id": s20, "tax_base": "300"}
    ]));
    app.admin_in(c, "entry.reverse", json!({"id": e6, "date": "2026-03-20"})).unwrap();
    post(&mut app, c, bnk, "2026-03-25", json!([{"account_id": bank, "debit": "600"}, {"account_id": ar, "partner_id": alpha, "credit": "600"}]));
    post(&mut app, c, gen_, "2026-03-31", json!([{"account_id": rent, "debit": "800"}, {"account_id": bank, "credit": "800"}]));
    Books { app, alpha, beta, ar, bank, e6 }
}

#[test]
fn trial_balance_is_exact_for_whole_months_and_for_ranges_that_cut_periods() {
    let Books { mut app, .. } = quarter();
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    // Opening = E1..E3; March = E4..E9.
    assert_eq!(tb_row(&tb, "1100"), row("9200", "600", "800", "9000"));
    assert_eq!(tb_row(&tb, "1200"), row("2600", "1560", "960", "3200"));
    assert_eq!(tb_row(&tb, "1450"), row("0", "80", "0", "80"));
    assert_eq!(tb_row(&tb, "2000"), row("-1500", "0", "480", "-1980"));
    assert_eq!(tb_row(&tb, "2100"), row("-100", "60", "260", "-300"));
    assert_eq!(tb_row(&tb, "3000"), row("-10500", "0", "0", "-10500"));
    assert_eq!(tb_row(&tb, "4000"), row("-500", "300", "1300", "-1500"));
    assert_eq!(tb_row(&tb, "5010"), row("0", "400", "0", "400"));
    assert_eq!(tb_row(&tb, "6100"), row("800", "800", "0", "1600"));
    assert_eq!(tb["rows"].as_array().unwrap().len(), 9, "only accounts with a balance or movement: {tb}");
    assert_eq!(tb_row(&tb, "1000"), None);
    let t = &tb["totals"];
    assert_eq!((t["opening"].as_str(), t["debit"].as_str(), t["credit"].as_str(), t["closing"].as_str()), (Some("0"), Some("3800"), Some("3800"), Some("0")));

    // 10–31 March: E4 (03-05) moves into the opening balance; the rest of March is read
    // line by line from the cut period.
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-03-10", "to": "2026-03-31"})).unwrap();
    assert_eq!(tb_row(&tb, "1200"), row("3800", "360", "960", "3200"));
    assert_eq!(tb_row(&tb, "4000"), row("-1500", "300", "300", "-1500"));
    // Both edges in one period (06–14 March): only E5.
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-03-06", "to": "2026-03-14"})).unwrap();
    assert_eq!(tb_row(&tb, "1200"), row("3800", "0", "0", "3800"));
    assert_eq!(tb_row(&tb, "5010"), row("0", "400", "0", "400"));
    assert_eq!(tb["totals"]["debit"], "480");
    // Across a month boundary (20 Feb – 5 Mar): E3 and E4.
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-02-20", "to": "2026-03-05"})).unwrap();
    assert_eq!(tb_row(&tb, "1200"), row("2000", "1800", "0", "3800"));
    assert_eq!(tb_row(&tb, "6100"), row("800", "0", "0", "800"));

    let bad = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-03-31", "to": "2026-03-01"})).unwrap_err();
    assert_eq!(bad.fields()[0].field, "to");
}

#[test]
fn general_ledger_pages_keep_the_running_balance() {
    let Books { mut app, ar, bank, e6, .. } = quarter();
    let args = |cursor: Value| json!({"account_id": ar, "from": "2026-03-01", "to": "2026-03-31", "limit": 2, "cursor": cursor});
    let p1 = app.admin_in("ACME", "report.general_ledger", args(Value::Null)).unwrap();
    assert_eq!((p1["opening"].as_str(), p1["debit"].as_str(), p1["credit"].as_str(), p1["closing"].as_str()), (Some("2600"), Some("1560"), Some("960"), Some("3200")));
    assert_eq!(p1["line_count"], 4);
    let bal = |p: &Value| p["lines"].as_array().unwrap().iter().map(|l| l["balance"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(bal(&p1), ["3800", "4160"]);
    assert_eq!(p1["lines"][0]["description"], "Invoice 2");
    assert_eq!(p1["lines"][0]["partner_name"], "Alpha Retail");
    assert_eq!(p1["lines"][0]["journal_code"], "SAL");
    assert_eq!(p1["lines"][1]["entry_id"], e6);
    assert_eq!(p1["lines"][1]["source"]["module"], "accounting");
    let p2 = app.admin_in("ACME", "report.general_ledger", args(p1["next_cursor"].clone())).unwrap();
    assert_eq!(bal(&p2), ["3800", "3200"], "page 2 starts from page 1's last balance");
    assert_eq!(p2["lines"][0]["credit"], "360");
    assert!(p2["next_cursor"].is_null());
    // A search shows fewer lines, each with the account's true balance after it.
    let found = app.admin_in("ACME", "report.general_ledger", json!({"account_id": ar, "from": "2026-03-01", "to": "2026-03-31", "search": "SAL/2026/0000"})).unwrap();
    assert_eq!(bal(&found), ["3800", "4160", "3800"], "E4, E6, E7 (not the bank's E8)");
    let found = app.admin_in("ACME", "report.general_ledger", json!({"account_id": ar, "from": "2026-03-01", "to": "2026-03-31", "search": "bnk", "limit": 1})).unwrap();
    assert_eq!((bal(&found), found["line_count"].as_i64()), (vec!["3200".to_string()], Some(1)));
    // A bad cursor is a field error, not a wrong balance.
    let bad = app.admin_in("ACME", "report.general_ledger", args(json!("2026-05-01|1"))).unwrap_err();
    assert_eq!(bad.fields()[0].field, "cursor");
    let bad = app.admin_in("ACME", "report.general_ledger", args(json!("junk"))).unwrap_err();
    assert_eq!(bad.fields()[0].field, "cursor");

    // The bank over the whole year, one line per page.
    let mut cursor = Value::Null;
    let mut seen = Vec::new();
    loop {
        let p = app.admin_in("ACME", "report.general_ledger", json!({"account_id": bank, "from": "2026-01-01", "to": "2026-12-31", "limit": 1, "cursor": cursor})).unwrap();
        seen.extend(bal(&p));
        if p["next_cursor"].is_null() {
            break;
        }
        cursor = p["next_cursor"].clone();
    }
    assert_eq!(seen, ["10000", "9200", "9800", "9000"]);
    assert_eq!(code_of(&app.admin_in("ACME", "report.general_ledger", json!({"account_id": 999_999, "from": "2026-01-01", "to": "2026-12-31"}))), Some(ErrorCode::NotFound));
}

#[test]
fn journal_report_lists_posted_entries_with_their_lines_paged() {
    let Books { mut app, .. } = quarter();
    let all = app.admin_in("ACME", "report.journal", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    // E4 1200, E5 480, E6 360, E7 360, E8 600, E9 800.
    assert_eq!((all["count"].as_i64(), all["total"].as_str()), (Some(6), Some("3800")));
    assert_eq!(all["entries"][0]["lines"].as_array().unwrap().len(), 3);
    assert_eq!(all["entries"][0]["lines"][0]["account_code"], "1200");
    let sal = journal(&mut app, "ACME", "SAL");
    let p1 = app.admin_in("ACME", "report.journal", json!({"from": "2026-03-01", "to": "2026-03-31", "journal_id": sal, "limit": 2})).unwrap();
    assert_eq!((p1["count"].as_i64(), p1["total"].as_str()), (Some(3), Some("1920")));
    let p2 = app.admin_in("ACME", "report.journal", json!({"from": "2026-03-01", "to": "2026-03-31", "journal_id": sal, "limit": 2, "cursor": p1["next_cursor"]})).unwrap();
    let numbers: Vec<Value> = [&p1, &p2].iter().flat_map(|p| p["entries"].as_array().unwrap().iter().map(|e| e["number"].clone())).collect();
    assert_eq!(numbers, [json!("SAL/2026/00002"), json!("SAL/2026/00003"), json!("SAL/2026/00004")]);
    assert!(p2["next_cursor"].is_null());
}

#[test]
fn profit_and_loss_groups_by_the_account_tree_compares_and_survives_the_close() {
    let Books { mut app, .. } = quarter();
    let pl = app.admin_in("ACME", "report.profit_and_loss", json!({"from": "2026-03-01", "to": "2026-03-31", "compare": "previous_period"})).unwrap();
    assert_eq!(pl["columns"][1], json!({"key": "comparison", "from": "2026-02-01", "to": "2026-02-28"}));
    // March: sales 1300 − 300 (reversal) = 1000; February: 500.
    assert_eq!(amounts(line(&pl, "income", "4")), ["1000", "500"]);
    assert_eq!(line(&pl, "income", "4").unwrap()["kind"], "group");
    assert_eq!(amounts(line(&pl, "income", "4000")), ["1000", "500"]);
    assert_eq!(line(&pl, "income", "4000").unwrap()["level"], 1);
    assert!(line(&pl, "income", "4000").unwrap()["account_id"].is_i64());
    assert_eq!(amounts(line(&pl, "expenses", "5")), ["400", "0"]);
    assert_eq!(amounts(line(&pl, "expenses", "5010")), ["400", "0"]);
    assert_eq!(amounts(line(&pl, "expenses", "6")), ["800", "800"]);
    assert_eq!(amounts(line(&pl, "expenses", "6100")), ["800", "800"]);
    assert!(line(&pl, "expenses", "6000").is_none(), "accounts without figures are left out");
    assert_eq!(totals(&pl, "income"), ["1000", "500"]);
    assert_eq!(totals(&pl, "expenses"), ["1200", "800"]);
    assert_eq!(strs(&pl["net_profit"]), ["-200", "-300"]);

    let py = app.admin_in("ACME", "report.profit_and_loss", json!({"from": "2026-03-01", "to": "2026-03-31", "compare": "previous_year"})).unwrap();
    assert_eq!(py["columns"][1], json!({"key": "comparison", "from": "2025-03-01", "to": "2025-03-31"}));
    assert_eq!(strs(&py["net_profit"]), ["-200", "0"]);

    // The year: income 1500; expenses 400 + 1600 = 2000.
    let year = json!({"from": "2026-01-01", "to": "2026-12-31"});
    let before = app.admin_in("ACME", "report.profit_and_loss", year.clone()).unwrap();
    assert_eq!(strs(&before["net_profit"]), ["-500"]);
    let years = app.admin_in("ACME", "fiscal_year.list", json!({})).unwrap();
    let y2026 = years.as_array().unwrap().iter().find(|y| y["name"] == "2026").unwrap()["id"].clone();
    app.admin_in("ACME", "fiscal_year.close", json!({"id": y2026})).unwrap();
    let after = app.admin_in("ACME", "report.profit_and_loss", year).unwrap();
    assert_eq!(after["sections"], before["sections"], "the closing entry is not a profit or loss");
    assert_eq!(strs(&after["net_profit"]), ["-500"]);
    // The trial balance includes the closing period: income and expense end at zero.
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-01-01", "to": "2026-12-31"})).unwrap();
    assert_eq!(tb_row(&tb, "4000"), row("0", "1800", "1800", "0"));
    assert_eq!(tb_row(&tb, "3200"), row("0", "500", "0", "500"));
}

#[test]
fn the_balance_sheet_balances_and_earnings_move_to_retained_earnings_at_the_close() {
    let Books { mut app, .. } = quarter();
    let bs = app.admin_in("ACME", "report.balance_sheet", json!({"date": "2026-03-31", "compare": "previous_period"})).unwrap();
    assert_eq!(bs["columns"][1]["to"], "2026-02-28");
    assert_eq!(amounts(line(&bs, "assets", "1100")), ["9000", "9200"]);
    assert_eq!(amounts(line(&bs, "assets", "1200")), ["3200", "2600"]);
    assert_eq!(amounts(line(&bs, "assets", "1450")), ["80", "0"]);
    assert_eq!(amounts(line(&bs, "assets", "1")), ["12280", "11800"]);
    assert_eq!(line(&bs, "assets", "1100").unwrap()["level"], 2);
    assert_eq!(amounts(line(&bs, "liabilities", "2000")), ["1980", "1500"]);
    assert_eq!(amounts(line(&bs, "liabilities", "2100")), ["300", "100"]);
    assert_eq!(amounts(line(&bs, "equity", "3000")), ["10500", "10500"]);
    // Current year earnings: 1000 + 500 − 400 − 1600 = −500 by March; 500 − 800 = −300 by February.
    assert_eq!(amounts(line(&bs, "equity", "")), ["-500", "-300"]);
    assert_eq!(totals(&bs, "equity"), ["10000", "10200"]);
    assert_eq!(strs(&bs["total_assets"]), ["12280", "11800"]);
    assert_eq!(bs["total_liabilities_and_equity"], bs["total_assets"]);

    let year_end = json!({"date": "2026-12-31"});
    let open = app.admin_in("ACME", "report.balance_sheet", year_end.clone()).unwrap();
    assert_eq!(amounts(line(&open, "equity", "")), ["-500"]);
    assert!(line(&open, "equity", "3200").is_none());
    let years = app.admin_in("ACME", "fiscal_year.list", json!({})).unwrap();
    let y2026 = years.as_array().unwrap().iter().find(|y| y["name"] == "2026").unwrap()["id"].clone();
    app.admin_in("ACME", "fiscal_year.close", json!({"id": y2026})).unwrap();
    let closed = app.admin_in("ACME", "report.balance_sheet", year_end).unwrap();
    assert!(line(&closed, "equity", "").is_none(), "nothing unclosed: {closed}");
    assert_eq!(amounts(line(&closed, "equity", "3200")), ["-500"]);
    assert_eq!(totals(&closed, "equity"), totals(&open, "equity"));
    assert_eq!(strs(&closed["total_assets"]), ["12280"]);
    assert_eq!(closed["total_liabilities_and_equity"], closed["total_assets"]);
}

#[test]
fn partner_ledger_gives_each_partner_its_balances_and_lines() {
    let Books { mut app, alpha, beta, .. } = quarter();
    let r = app.admin_in("ACME", "report.partner_ledger", json!({"kind": "receivable", "from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    let a = &r["rows"][0];
    assert_eq!((a["partner_id"].as_i64(), a["opening"].as_str(), a["debit"].as_str(), a["credit"].as_str(), a["closing"].as_str()), (Some(alpha), Some("2600"), Some("1560"), Some("960"), Some("3200")));
    let p = app.admin_in("ACME", "report.partner_ledger", json!({"kind": "payable", "from": "2026-03-13", "to": "2026-03-31"})).unwrap();
    let b = &p["rows"][0];
    assert_eq!((b["partner_id"].as_i64(), b["opening"].as_str(), b["credit"].as_str(), b["closing"].as_str()), (Some(beta), Some("-1980"), Some("0"), Some("-1980")));
    let one = app.admin_in("ACME", "report.partner_ledger", json!({"kind": "receivable", "from": "2026-03-10", "to": "2026-03-31", "partner_id": alpha})).unwrap();
    let bal: Vec<&str> = one["lines"].as_array().unwrap().iter().map(|l| l["balance"].as_str().unwrap()).collect();
    assert_eq!(bal, ["4160", "3800", "3200"], "from 3800 after E4");
}

#[test]
fn reports_export_the_same_figures_as_csv_and_xlsx() {
    let Books { mut app, ar, .. } = quarter();
    let tb_args = json!({"from": "2026-03-01", "to": "2026-03-31"});
    let f = app.admin_in("ACME", "report.export", json!({"report": "trial_balance", "args": tb_args, "format": "csv"})).unwrap();
    let csv = f["content"].as_str().unwrap();
    assert!(csv.starts_with("Code,Account,Type,Opening,Debit,Credit,Closing\r\n"), "{csv}");
    assert!(csv.contains("1200,Accounts receivable,asset,2600,1560,960,3200\r\n"), "{csv}");
    assert!(csv.contains(",Total,,0,3800,3800,0\r\n"), "{csv}");
    assert_eq!(f["filename"], "trial-balance.csv");
    let table = app.admin_in("ACME", "report.table", json!({"report": "trial_balance", "args": tb_args})).unwrap();
    let r1200 = table["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == "1200").unwrap();
    assert_eq!(r1200["cells"], json!(["1200", "Accounts receivable", "asset", "2600.00", "1560.00", "960.00", "3200.00"]));

    let gl = app.admin_in("ACME", "report.export", json!({"report": "general_ledger", "args": {"account_id": ar, "from": "2026-03-01", "to": "2026-03-31"}, "format": "csv"})).unwrap();
    let gl = gl["content"].as_str().unwrap();
    assert!(gl.contains("Opening balance,,,,2600\r\n"), "{gl}");
    assert!(gl.contains("SAL/2026/00002,SAL,Invoice 2,Alpha Retail,1200,,3800\r\n"), "{gl}");
    assert!(gl.contains("Closing balance,,1560,960,3200\r\n"), "{gl}");

    let pl = app.admin_in("ACME", "report.export", json!({"report": "profit_and_loss", "args": {"from": "2026-03-01", "to": "2026-03-31"}, "format": "csv"})).unwrap();
    let pl = pl["content"].as_str().unwrap();
    assert!(pl.contains("4000,    Sales of goods,1000\r\n"), "{pl}");
    assert!(pl.contains(",Net profit,-200\r\n"), "{pl}");
    let x = app.admin_in("ACME", "report.export", json!({"report": "balance_sheet", "args": {"date": "2026-03-31"}, "format": "xlsx"})).unwrap();
    assert_eq!((x["filename"].as_str(), x["encoding"].as_str()), (Some("balance-sheet.xlsx"), Some("base64")));
    let bad = app.admin_in("ACME", "report.export", json!({"report": "trial_balance", "args": {"from": "2026-03-01"}, "format": "csv"})).unwrap_err();
    assert_eq!(bad.fields()[0].field, "to");
}

#[test]
fn consolidation_translates_each_company_and_sees_only_what_the_caller_may() {
    let Books { mut app, .. } = quarter();
    let acme = app.admin_call("company.list", json!({})).unwrap().as_array().unwrap().iter().find(|c| c["code"] == "ACME").unwrap()["id"].as_i64().unwrap();
    let beta = app
        .admin_call("company.create", json!({"code": "BETA", "name": "Beta Inc", "base_currency": "USD", "locale": "en-US", "timezone": "America/New_York"}))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (opn, sal) = (journal(&mut app, "BETA", "OPN"), journal(&mut app, "BETA", "SAL"));
    let [bank, capital, sales, vat] = ["1100", "3000", "4000", "2100"].map(|c| account(&mut app, "BETA", c));
    let s20 = tax(&mut app, "BETA", "S20");
    post(&mut app, "BETA", opn, "2026-01-01", json!([{"account_id": bank, "debit": "1000"}, {"account_id": capital, "credit": "1000"}]));
    post(&mut app, "BETA", sal, "2026-03-10", json!([
        {"account_id": bank, "debit": "360"},
        {"account_id": sales, "credit": "300"},
        {"account_id": vat, "credit": "60", "tax_id": s20, "tax_base": "300"}
    ]));

    // Isolation: ACME's figures are the same with BETA's books next door.
    let tb = app.admin_in("ACME", "report.trial_balance", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    assert_eq!(tb_row(&tb, "1100"), row("9200", "600", "800", "9000"));
    assert_eq!(tb_row(&tb, "4000"), row("-500", "300", "1300", "-1500"));
    assert_eq!(code_of(&app.admin_in("ACME", "report.general_ledger", json!({"account_id": bank, "from": "2026-01-01", "to": "2026-12-31"}))), Some(ErrorCode::NotFound));

    let args = |report: &str, rates: Value| json!({"companies": [acme, beta], "report": report, "from": "2026-03-01", "to": "2026-03-31", "currency": "EUR", "rates": rates});
    let rate = json!([{"company_id": beta, "rate": "0.91234"}]);
    let missing = app.admin_call("report.consolidated", args("profit_and_loss", json!([]))).unwrap_err();
    assert_eq!((missing.fields()[0].field.as_str(), missing.fields()[0].code.as_str().as_str()), ("rates", "consolidation_rate_missing"));

    let pl = app.admin_call("report.consolidated", args("profit_and_loss", rate.clone())).unwrap();
    assert_eq!(pl["columns"][0]["rate"], "1");
    let sales_row = pl["rows"].as_array().unwrap().iter().find(|r| r["code"] == "4000").unwrap();
    // 300 USD × 0.91234 = 273.702 → 273.70 EUR (decimals travel normalized).
    assert_eq!(strs(&sales_row["amounts"]), ["1000", "273.7"]);
    assert_eq!(sales_row["total"], "1273.7");
    let net = pl["totals"].as_array().unwrap().iter().find(|t| t["key"] == "net_profit").unwrap();
    assert_eq!((strs(&net["amounts"]), net["total"].as_str()), (vec!["-200".to_string(), "273.7".into()], Some("73.7")));

    let bs = app.admin_call("report.consolidated", args("balance_sheet", rate.clone())).unwrap();
    let bank_row = bs["rows"].as_array().unwrap().iter().find(|r| r["code"] == "1100").unwrap();
    // 1360 × 0.91234 = 1240.7824 → 1240.78.
    assert_eq!((strs(&bank_row["amounts"]), bank_row["total"].as_str()), (vec!["9000".to_string(), "1240.78".into()], Some("10240.78")));
    let t = |k: &str| bs["totals"].as_array().unwrap().iter().find(|t| t["key"] == k).unwrap()["amounts"].clone();
    assert_eq!(t("assets"), t("liabilities_and_equity"));

    // A viewer runs ACME's reports, but consolidating BETA (not a member) looks like a
    // company that does not exist.
    let viewer = app.member("viewer@example.com", "ACME", "viewer");
    assert!(app.call(&viewer, Some("ACME"), "report.trial_balance", json!({"from": "2026-03-01", "to": "2026-03-31"})).is_ok());
    let r = app.call(&viewer, None, "report.consolidated", args("trial_balance", rate.clone()));
    assert_eq!(code_of(&r), Some(ErrorCode::NotFound));
    let alone = app.call(&viewer, None, "report.consolidated", json!({"companies": [acme], "report": "trial_balance", "from": "2026-03-01", "to": "2026-03-31", "currency": "EUR"})).unwrap();
    let total = &alone["totals"][0];
    assert_eq!(total["total"], "0", "a trial balance sums to zero: {alone}");
    assert_eq!(code_of(&app.call(&viewer, Some("ACME"), "report.trial_balance", json!({"from": "2026-03-01", "to": "2026-03-31", "x": 1}))), Some(ErrorCode::Validation));
}
