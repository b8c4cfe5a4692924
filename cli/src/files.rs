//! `cora import` and `cora export`: CSV files in, CSV or XLSX files out, through the
//! modules' import and export commands (`<module>.import_*` takes `{csv, dry_run}`,
//! `<module>.export_*` takes `{format}` and returns an `ExportFile`).

use super::{EXIT_INPUT, Fail, company_ref, open, print_json, sign_in};
use clap::ValueEnum;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// What a file holds, and the commands that read and write it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    Products,
    Categories,
    Partners,
}

impl Kind {
    fn import_command(self) -> &'static str {
        match self {
            Kind::Products => "catalog.import_products",
            Kind::Categories => "catalog.import_categories",
            Kind::Partners => "partner.import",
        }
    }
    fn export_command(self) -> &'static str {
        match self {
            Kind::Products => "catalog.export_products",
            Kind::Categories => "catalog.export_categories",
            Kind::Partners => "partner.export",
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Csv,
    Xlsx,
}

/// Imports `file` into `company`: prints the report; exit code 4 when a row was refused.
pub(crate) fn import(db: &Option<PathBuf>, user: &str, company: &str, kind: Kind, file: &Path, dry_run: bool) -> Result<u8, Fail> {
    let csv = std::fs::read_to_string(file).map_err(|e| Fail::Usage(format!("cannot read {}: {e}", file.display())))?;
    let mut cora = open(db)?;
    let token = sign_in(&mut cora, user)?;
    let report = cora.call(Some(&token), Some(&company_ref(company)), kind.import_command(), json!({"csv": csv, "dry_run": dry_run}));
    let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
    let report = report?;
    print_json(&report)?;
    Ok(if report["errors"].as_array().is_some_and(|e| !e.is_empty()) { EXIT_INPUT } else { 0 })
}

/// Exports `company`'s records of `kind` into `out` (refuses to overwrite a file).
pub(crate) fn export(db: &Option<PathBuf>, user: &str, company: &str, kind: Kind, format: Format, out: &Path) -> Result<u8, Fail> {
    if out.exists() {
        return Err(Fail::Usage(format!("{} already exists", out.display())));
    }
    let mut cora = open(db)?;
    let token = sign_in(&mut cora, user)?;
    let format = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let file = cora.call(Some(&token), Some(&company_ref(company)), kind.export_command(), json!({"format": format}));
    let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
    let file: cora_core::exchange::ExportFile =
        serde_json::from_value(file?).map_err(|e| Fail::Cora(cora_core::Error::Internal(format!("unexpected export: {e}"))))?;
    std::fs::write(out, file.bytes()?).map_err(|e| Fail::Usage(format!("cannot write {}: {e}", out.display())))?;
    print_json(&json!({"file": out, "rows": file.rows}))?;
    Ok(0)
}
