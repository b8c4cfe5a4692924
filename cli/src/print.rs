//! `cora print`: a trade document (quotation, order, delivery note, invoice, credit note,
//! bill, debit note) to PDF: core's `trade.document` gives the view with the stored
//! figures, `cora-render` typesets it.

use super::{Fail, company_ref, open, print_json, sign_in};
use clap::ValueEnum;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Doc {
    Quotation,
    SalesOrder,
    Invoice,
    CreditNote,
    Delivery,
    PurchaseOrder,
    Bill,
    DebitNote,
}

impl Doc {
    /// `trade.document`'s `doc`, and the kinds of view that answer to this name.
    fn source(self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            Doc::Quotation | Doc::SalesOrder => ("sales_order", &["quotation", "sales_order"], "sales_order"),
            Doc::Invoice => ("invoice", &["invoice"], "invoice"),
            Doc::CreditNote => ("invoice", &["credit_note"], "credit_note"),
            Doc::Delivery => ("delivery", &["delivery_note"], "delivery"),
            Doc::PurchaseOrder => ("purchase_order", &["request_for_quotation", "purchase_order"], "purchase_order"),
            Doc::Bill => ("bill", &["supplier_bill"], "bill"),
            Doc::DebitNote => ("bill", &["debit_note"], "debit_note"),
        }
    }
}

/// Writes document `doc` named by `number` (or `id`: quotations and drafts have no number)
/// to `out`, which must not exist.
pub(crate) fn run(db: &Option<PathBuf>, user: &str, company: &str, doc: Doc, number: Option<&str>, id: Option<i64>, out: &Path) -> Result<u8, Fail> {
    if out.exists() {
        return Err(Fail::Usage(format!("{} already exists", out.display())));
    }
    let (source, kinds, entity) = doc.source();
    let args = match (number, id) {
        (Some(n), None) => json!({"doc": source, "number": n}),
        (None, Some(id)) => json!({"doc": source, "id": id}),
        _ => return Err(Fail::Usage("give the document's number or --id".into())),
    };
    let mut cora = open(db)?;
    let token = sign_in(&mut cora, user)?;
    let co = company_ref(company);
    let result = (|| -> Result<(Vec<u8>, cora_render::PrintDocument), Fail> {
        let view = cora.call(Some(&token), Some(&co), "trade.document", args)?;
        let view: cora_render::PrintDocument =
            serde_json::from_value(view).map_err(|e| Fail::Cora(cora_core::Error::Internal(format!("unexpected document: {e}"))))?;
        // An invoice's number asked for as a credit note (or the other way round) is not
        // that document.
        if !kinds.contains(&view.kind.as_str()) {
            let key = number.map(str::to_string).or(id.map(|i| i.to_string())).unwrap_or_default();
            return Err(Fail::Cora(cora_core::Error::not_found(entity, key)));
        }
        let pdf = cora_render::document_pdf(&view).map_err(|e| Fail::Cora(cora_core::Error::Internal(e.to_string())))?;
        Ok((pdf, view))
    })();
    let _ = cora.call(Some(&token), None, "auth.logout", Value::Null);
    let (bytes, view) = result?;
    std::fs::write(out, bytes).map_err(|e| Fail::Usage(format!("cannot write {}: {e}", out.display())))?;
    print_json(&json!({"file": out, "kind": view.kind, "number": view.number, "lines": view.lines.len()}))?;
    Ok(0)
}
