//! PDF printing for Cora. Reports arrive as a [`PrintTable`] (the same rows the CSV and
//! XLSX exports carry, so every format shows the same figures) and are typeset by typst
//! from `templates/report.typ` with the fonts typst ships. Trade documents (quotations,
//! orders, delivery notes, invoices, credit notes, bills) arrive as a [`PrintDocument`]
//! and are typeset from `templates/document.typ` ([`document_pdf`]).
//!
//! This crate is used by the `cora` CLI and the desktop shell; `cora-core` never depends
//! on it, so the core's build and tests never pay for the typesetter.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use typst_as_lib::TypstEngine;

mod document;
pub use document::{DocumentLine, DocumentTax, DocumentTotals, Logo, Party, PrintDocument, document_pdf, group, separators};

static REPORT: &str = include_str!("../templates/report.typ");

/// One column: its header, and whether it holds figures (right-aligned) or text.
/// The same shape as `cora_core::accounting::reports::model::ReportTableColumn`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Column {
    pub label: String,
    #[serde(default)]
    pub numeric: bool,
}

/// One row: its cells as already formatted text, its indentation level, bold for totals.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    #[serde(default)]
    pub level: u32,
    #[serde(default)]
    pub bold: bool,
}

/// What a printed report shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PrintTable {
    pub title: String,
    #[serde(default)]
    pub subtitle: String,
    /// The company's name, printed in the page header.
    #[serde(default)]
    pub company: String,
    /// When and by whom it was printed, in the page footer.
    #[serde(default)]
    pub printed: String,
    /// Language for hyphenation (`en`, `de`).
    #[serde(default = "english")]
    pub lang: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

pub(crate) fn english() -> String {
    "en".into()
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The table or document is not printable (no columns, a row with the wrong number of
    /// cells, a figure that is not a decimal).
    #[error("cannot print this table: {0}")]
    Invalid(String),
    /// typst refused the document (a bug in the template).
    #[error("typesetting failed: {0}")]
    Typeset(String),
}

fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(REPORT).fonts(typst_assets::fonts()).build())
}

/// Typesets `table` as an A4 PDF (landscape past five columns).
pub fn report_pdf(table: &PrintTable) -> Result<Vec<u8>, RenderError> {
    if table.columns.is_empty() {
        return Err(RenderError::Invalid("no columns".into()));
    }
    if let Some((i, r)) = table.rows.iter().enumerate().find(|(_, r)| r.cells.len() != table.columns.len()) {
        return Err(RenderError::Invalid(format!("row {} has {} cells for {} columns", i + 1, r.cells.len(), table.columns.len())));
    }
    let doc = typeset(table)?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|e| RenderError::Typeset(format!("{e:?}")))
}

fn typeset(table: &PrintTable) -> Result<typst_layout::PagedDocument, RenderError> {
    let input = to_dict(table)?;
    engine().compile_with_input(input).output.map_err(|e| RenderError::Typeset(format!("{e:?}")))
}

/// A table or document as a typst dictionary (`sys.inputs`).
pub(crate) fn to_dict<T: Serialize>(table: &T) -> Result<typst::foundations::Dict, RenderError> {
    use typst::foundations::{Array, Dict, IntoValue, Str, Value};
    fn json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::None,
            serde_json::Value::Bool(b) => b.into_value(),
            serde_json::Value::Number(n) => n.as_i64().map(IntoValue::into_value).unwrap_or_else(|| n.to_string().into_value()),
            serde_json::Value::String(s) => s.as_str().into_value(),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(json).collect::<Array>()),
            serde_json::Value::Object(o) => Value::Dict(o.iter().map(|(k, v)| (Str::from(k.as_str()), json(v))).collect::<Dict>()),
        }
    }
    match json(&serde_json::to_value(table).map_err(|e| RenderError::Invalid(e.to_string()))?) {
        Value::Dict(d) => Ok(d),
        _ => Err(RenderError::Invalid("not an object".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize) -> PrintTable {
        PrintTable {
            title: "Trial balance".into(),
            subtitle: "2026-01-01 – 2026-12-31".into(),
            company: "ACME Ltd".into(),
            printed: "2026-12-02".into(),
            lang: "en".into(),
            columns: ["Account", "Opening", "Debit", "Credit", "Closing"].iter().enumerate().map(|(i, l)| Column { label: l.to_string(), numeric: i > 0 }).collect(),
            rows: (0..rows)
                .map(|i| Row { cells: vec![format!("{:04} Account {i}", 1000 + i), "1,000.00".into(), "250.50".into(), "0.00".into(), "1,250.50".into()], level: (i % 3) as u32, bold: i % 10 == 0 })
                .collect(),
        }
    }

    #[test]
    fn prints_a_pdf_with_every_row() {
        let pdf = report_pdf(&table(120)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // 120 rows do not fit one page; 10 do.
        assert!(typeset(&table(120)).unwrap().pages().len() >= 2);
        assert_eq!(typeset(&table(10)).unwrap().pages().len(), 1);
    }

    #[test]
    fn refuses_a_row_with_the_wrong_number_of_cells() {
        let mut t = table(2);
        t.rows[1].cells.pop();
        assert!(matches!(report_pdf(&t), Err(RenderError::Invalid(_))));
        let mut t = table(0);
        t.columns.clear();
        assert!(matches!(report_pdf(&t), Err(RenderError::Invalid(_))));
    }

    #[test]
    fn text_that_looks_like_markup_is_printed_as_text() {
        let mut t = table(1);
        t.rows[0].cells[0] = "#panic(\"x\") *bold* $x$ <label> @ref".into();
        assert!(report_pdf(&t).unwrap().starts_with(b"%PDF-"));
    }
}
