//! `cora report`: the same trial balance as CSV and as a PDF, from one posted entry.

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
