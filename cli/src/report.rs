//! `cora report`: a financial or inventory report of a company to CSV, XLSX (core's `report.export`) or
//! PDF (core's `report.table`, typeset by `cora-render`), all from the same table.

use super::{Fail, company_ref, open, print_json, sign_in};
use clap::ValueEnum;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReportFormat {
    Csv,
    Xlsx,
    Pdf,
}

/// Writes report `name` (`trial_balance`, `profit_and_loss`, ...) with `args` to `out`.
pub(crate) fn run(db: &Option<PathBuf>, user: &str, company: &str, name: &str, args: &str, format: ReportFormat, out: &Path) -> Result<u8, Fail> {
    if out.exists() {
        return Err(Fail::Usage(format!("{} already exists", out.display())));
    }
    let args: Value = serde_json::from_str(args).map_err(|e| Fail::Usage(format!("--args is not JSON: {e}")))?;
    let mut cora = open(db)?;
    let token = sign_in(&mut cora, user)?;
    let co = company_ref(company);
    let result = (|| -> Result<(Vec<u8>, u64), Fail> {
        match format {
            ReportFormat::Pdf => {
                let table = cora.call(Some(&token), Some(&co), "report.table", json!({"report": name, "args": args}))?;
                let company_name = cora.call(Some(&token), Some(&co), "company.get", json!({}))?["name"].as_str().unwrap_or_default().to_string();
                let mut print: cora_render::PrintTable =
                    serde_json::from_value(table).map_err(|e| Fail::Cora(cora_core::Error::Internal(format!("unexpected report table: {e}"))))?;
                print.company = company_name;
                print.printed = format!("Printed {} by {user}", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
                let rows = print.rows.len() as u64;
                let pdf = cora_render::report_pdf(&print).map_err(|e| Fail::Cora(cora_core::Error::Internal(e.to_string())))?;
                Ok((pdf, rows))
            }
            ReportFormat::Csv | ReportFormat::Xlsx => {
                let format = if matches!(format, ReportFormat::Csv) { "csv" } else { "xlsx" };
                let file = cora.call(Some(&token), Some(&co), "report.export", json!({"report": name, "args": args, "format": format}))?;
                let file: cora_core::exchange::ExportFile =
                    serde_json::from_value(file).map_err(|e| Fail::Cora(cora_core::Error::Internal(format!("unexpected export: {e}"))))?;
                Ok((file.bytes()?, u64::try_from(file.rows).unwrap_or(0)))
            }
        }
    })();
    let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
    let (bytes, rows) = result?;
    std::fs::write(out, bytes).map_err(|e| Fail::Usage(format!("cannot write {}: {e}", out.display())))?;
    print_json(&json!({"file": out, "rows": rows}))?;
    Ok(0)
}
