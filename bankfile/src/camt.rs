//! ISO 20022 camt.053 (bank-to-customer statement), any version: elements are matched on their
//! local names, so the namespaces of `.001.02` and `.001.08` read alike.

use std::str::FromStr;

use roxmltree::{Document, Node};
use rust_decimal::Decimal;

use crate::text::{self, iso_date, non_empty, normalize_account};
use crate::{Format, Line, ParseError, Statement};

pub(crate) fn sniff(head: &str) -> bool {
    head.starts_with('<') && (head.contains("BkToCstmrStmt") || head.contains(":camt.053."))
}

fn error(message: impl Into<String>) -> ParseError {
    ParseError::new(Format::Camt053, message)
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Statement>, ParseError> {
    let text = text::decode(bytes);
    // DTDs stay refused (roxmltree's default): no entity expansion from a bank file.
    let doc = Document::parse(&text)
        .map_err(|e| error(format!("not well-formed XML: {e}")).at(e.pos().row))?;
    let report = doc
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "BkToCstmrStmt")
        .ok_or_else(|| error("not a camt.053 document (no BkToCstmrStmt element)"))?;
    let statements = children(report, "Stmt")
        .map(|stmt| statement(&doc, stmt))
        .collect::<Result<Vec<_>, _>>()?;
    if statements.is_empty() {
        return Err(error("the document holds no statement (Stmt)"));
    }
    Ok(statements)
}

fn statement(doc: &Document, stmt: Node) -> Result<Statement, ParseError> {
    let account = path(stmt, &["Acct", "Id", "IBAN"])
        .or_else(|| path(stmt, &["Acct", "Id", "Othr", "Id"]))
        .map(|n| normalize_account(&node_text(n)))
        .unwrap_or_default();
    let mut currency = text_at(stmt, &["Acct", "Ccy"]);

    let mut opening = None;
    let mut previous_closing = None;
    let mut closing = None;
    let mut closing_date = None;
    for bal in children(stmt, "Bal") {
        let code = text_at(bal, &["Tp", "CdOrPrtry", "Cd"])
            .or_else(|| text_at(bal, &["Tp", "CdOrPrtry", "Prtry"]))
            .unwrap_or_default()
            .to_ascii_uppercase();
        if !matches!(code.as_str(), "OPBD" | "PRCD" | "CLBD") {
            continue;
        }
        let (amount, ccy, _) = signed_amount(doc, bal)?;
        if currency.is_none() {
            currency = ccy;
        }
        match code.as_str() {
            "OPBD" => opening = opening.or(Some(amount)),
            "PRCD" => previous_closing = previous_closing.or(Some(amount)),
            _ => {
                if closing.is_none() {
                    closing = Some(amount);
                    closing_date = date_of(bal, "Dt");
                }
            }
        }
    }

    let date = closing_date
        .or_else(|| text_at(stmt, &["CreDtTm"]).and_then(|t| iso_date(&t)))
        .or_else(|| text_at(stmt, &["FrToDt", "ToDtTm"]).and_then(|t| iso_date(&t)));

    let mut lines = Vec::new();
    for entry in children(stmt, "Ntry") {
        if let Some(line) = line(doc, entry, currency.as_deref())? {
            lines.push(line);
        }
    }

    Ok(Statement {
        id: text_at(stmt, &["Id"]).unwrap_or_default(),
        account,
        currency,
        opening: opening.or(previous_closing),
        closing,
        date,
        lines,
    })
}

fn line(doc: &Document, entry: Node, currency: Option<&str>) -> Result<Option<Line>, ParseError> {
    // v02 has <Sts>BOOK</Sts>, v08 <Sts><Cd>BOOK</Cd></Sts>.
    let status = child(entry, "Sts")
        .map(|sts| child(sts, "Cd").map(node_text).unwrap_or_else(|| node_text(sts)))
        .unwrap_or_default()
        .to_ascii_uppercase();
    if matches!(status.as_str(), "PDNG" | "INFO") {
        return Ok(None);
    }
    let (amount, line_currency, credit) = signed_amount(doc, entry)?;
    let date = date_of(entry, "BookgDt").or_else(|| date_of(entry, "ValDt")).ok_or_else(|| {
        error("the entry has no booking date").at(row(doc, entry)).field("Ntry/BookgDt")
    })?;
    let value_date = date_of(entry, "ValDt");

    let details = children(entry, "NtryDtls").flat_map(|d| children(d, "TxDtls")).next();
    let tx_text = |p: &[&str]| details.and_then(|tx| text_at(tx, p));

    let bank_ref = text_at(entry, &["AcctSvcrRef"])
        .or_else(|| tx_text(&["Refs", "AcctSvcrRef"]))
        .unwrap_or_default();
    let end_to_end =
        tx_text(&["Refs", "EndToEndId"]).filter(|id| !id.eq_ignore_ascii_case("NOTPROVIDED"));
    let creditor_reference = details.and_then(|tx| {
        let remittance = child(tx, "RmtInf")?;
        children(remittance, "Strd").find_map(|strd| text_at(strd, &["CdtrRefInf", "Ref"]))
    });
    let unstructured = details
        .and_then(|tx| child(tx, "RmtInf"))
        .map(|rmt| {
            children(rmt, "Ustrd")
                .filter_map(|u| non_empty(&node_text(u)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| !t.is_empty());

    // The other party: who paid us on a credit, whom we paid on a debit. A reversal carries
    // the direction of the booking, so its party is the one of the original, opposite side.
    let reversal = text_at(entry, &["RvslInd"]).is_some_and(|v| v == "true" || v == "1");
    let (party, party_account) =
        if credit != reversal { ("Dbtr", "DbtrAcct") } else { ("Cdtr", "CdtrAcct") };
    let parties = details.and_then(|tx| child(tx, "RltdPties"));
    let counterparty = parties
        .and_then(|p| {
            party_name(p, party).or_else(|| party_name(p, &format!("Ultmt{party}")))
        })
        .unwrap_or_default();
    let counterparty_account = parties
        .and_then(|p| {
            path(p, &[party_account, "Id", "IBAN"])
                .or_else(|| path(p, &[party_account, "Id", "Othr", "Id"]))
        })
        .map(|n| normalize_account(&node_text(n)))
        .unwrap_or_default();

    let description = unstructured
        .or_else(|| text_at(entry, &["AddtlNtryInf"]))
        .or_else(|| tx_text(&["AddtlTxInf"]))
        .unwrap_or_default();

    Ok(Some(Line {
        date,
        value_date,
        amount,
        currency: line_currency.or_else(|| currency.map(str::to_string)),
        counterparty,
        counterparty_account,
        reference: creditor_reference.or(end_to_end).unwrap_or_default(),
        description,
        bank_ref,
    }))
}

/// `Nm` (v02) or `Pty/Nm` (v08) of a related party.
fn party_name(parties: Node, party: &str) -> Option<String> {
    text_at(parties, &[party, "Nm"]).or_else(|| text_at(parties, &[party, "Pty", "Nm"]))
}

/// `Amt` signed by the sibling `CdtDbtInd`, with its `Ccy` and whether it is a credit.
fn signed_amount(
    doc: &Document,
    node: Node,
) -> Result<(Decimal, Option<String>, bool), ParseError> {
    let here = row(doc, node);
    let element = node.tag_name().name();
    let amt = child(node, "Amt")
        .ok_or_else(|| error("no amount").at(here).field(format!("{element}/Amt")))?;
    let raw = node_text(amt);
    let amount = Decimal::from_str(&raw).map_err(|_| {
        error(format!("'{raw}' is not an amount")).at(row(doc, amt)).field(format!("{element}/Amt"))
    })?;
    let indicator = text_at(node, &["CdtDbtInd"]).unwrap_or_default();
    let (signed, credit) = match indicator.as_str() {
        "CRDT" => (amount, true),
        "DBIT" => (-amount, false),
        other => {
            return Err(error(format!("credit/debit indicator '{other}' is neither CRDT nor DBIT"))
                .at(here)
                .field(format!("{element}/CdtDbtInd")));
        }
    };
    let currency = amt.attribute("Ccy").and_then(non_empty).map(|c| c.to_ascii_uppercase());
    Ok((signed, currency, credit))
}

/// `<name><Dt>…</Dt></name>` or `<name><DtTm>…</DtTm></name>`.
fn date_of(node: Node, name: &str) -> Option<chrono::NaiveDate> {
    let holder = child(node, name)?;
    text_at(holder, &["Dt"])
        .or_else(|| text_at(holder, &["DtTm"]))
        .and_then(|t| iso_date(&t))
}

fn row(doc: &Document, node: Node) -> u32 {
    doc.text_pos_at(node.range().start).row
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |current, name| child(current, name))
}

fn node_text(node: Node) -> String {
    node.text().unwrap_or_default().trim().to_string()
}

fn text_at(node: Node, names: &[&str]) -> Option<String> {
    path(node, names).and_then(|n| non_empty(&node_text(n)))
}
