//! `cora report`: the same trial balance as CSV and as a PDF, from one posted entry; the
//! inventory reports likewise.

use crate::Env;

#[test]
fn a_trial_balance_prints_to_csv_and_pdf() {
    let env = Env::new();
    crate::post_bank_capital(&env, "1234.56");
    let args = r#"{"from":"2026-01-01","to":"2026-12-31"}"#;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tb.csv");
    let pdf = dir.path().join("tb.pdf");
    for (out, format) in [(&csv, "csv"), (&pdf, "pdf")] {
        let o = env.run(&["report", "trial_balance", "--args", args, "--format", format, "--out", out.to_str().unwrap(), "--company", "ACME", "--user", crate::ADMIN], None);
        o.ok();
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("1100") && text.contains("1234.56"), "{text}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(bytes.len() > 5_000, "with its fonts and table: {} bytes", bytes.len());
    // Never overwrites, and a bad report name is bad input.
    let again = env.run(&["report", "trial_balance", "--args", args, "--out", pdf.to_str().unwrap(), "--company", "ACME", "--user", crate::ADMIN], None);
    assert_eq!(again.code, 2, "{again:?}");
    let bad = env.run(&["report", "nonsense", "--out", dir.path().join("x.pdf").to_str().unwrap(), "--company", "ACME", "--user", crate::ADMIN], None);
    assert_eq!(bad.code, 4, "{bad:?}");
}

#[test]
fn inventory_reports_print_to_csv_and_pdf() {
    let env = Env::new();
    let wh = env.call(&["warehouse.create", r#"{"code":"WH","name":"Main"}"#, "--company", "ACME"]).ok().json()["id"].as_i64().unwrap();
    let p = env.call(&["catalog.create_product", r#"{"sku":"BOLT","name":"Bolt"}"#, "--company", "ACME"]).ok().json()["product"]["id"].as_i64().unwrap();
    let receipt = format!(r#"{{"kind":"receipt","warehouse_id":{wh},"date":"2026-03-01","lines":[{{"product_id":{p},"quantity":"4","unit_cost":"2.5"}}]}}"#);
    let picking = env.call(&["picking.create", &receipt, "--company", "ACME"]).ok().json()["id"].as_i64().unwrap();
    env.call(&["picking.done", &format!(r#"{{"id":{picking}}}"#), "--company", "ACME"]).ok();
    let rule = format!(r#"{{"product_id":{p},"warehouse_id":{wh},"min_qty":"5","max_qty":"10","multiple":"4"}}"#);
    env.call(&["reorder_rule.create", &rule, "--company", "ACME"]).ok();
    let dir = tempfile::tempdir().unwrap();
    // The to-reorder list is the widest table (13 columns): it still typesets.
    for (name, args) in [("stock_report", r#"{"group_by":"location"}"#), ("to_reorder", "{}"), ("stock_valuation", "{}"), ("stock_moves", &format!(r#"{{"product_id":{p}}}"#) as &str)] {
        let csv = dir.path().join(format!("{name}.csv"));
        let pdf = dir.path().join(format!("{name}.pdf"));
        for (out, format) in [(&csv, "csv"), (&pdf, "pdf")] {
            env.run(&["report", name, "--args", args, "--format", format, "--out", out.to_str().unwrap(), "--company", "ACME", "--user", crate::ADMIN], None).ok();
        }
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.contains("BOLT") || text.contains("WH/IN/00001"), "{name}: {text}");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{name}: a PDF");
    }
    let reorder = std::fs::read_to_string(dir.path().join("to_reorder.csv")).unwrap();
    assert!(reorder.contains("WH,BOLT,Bolt,unit,4,0,0,4,5,10,4,8,"), "{reorder}");
}
