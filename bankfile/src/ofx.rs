//! OFX 1.x (SGML: leaf elements have no end tag) and 2.x (XML), read by one lenient tree
//! builder: a known leaf, or an element followed by text, ends at the next tag; an aggregate
//! ends at its end tag, which also ends whatever is still open inside it.
//!
//! Written here rather than taken from a crate: `ofxy` is GPL-3.0, and `ofx-rs` (0.2, young)
//! refuses a whole file for one transaction type or element it does not know, requires the
//! sign-on block, and would bring a third version of quick-xml into the build.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::text::{self, non_empty, normalize_account};
use crate::{Format, Line, ParseError, Statement};

/// Elements that hold other elements; text after them is ignored.
const AGGREGATES: &[&str] = &[
    "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "BANKMSGSRSV1", "STMTTRNRS", "STMTRS",
    "BANKACCTFROM", "BANKACCTTO", "BANKTRANLIST", "STMTTRN", "LEDGERBAL", "AVAILBAL",
    "CREDITCARDMSGSRSV1", "CCSTMTTRNRS", "CCSTMTRS", "CCACCTFROM", "CCACCTTO", "PAYEE",
    "CURRENCY", "ORIGCURRENCY", "BALLIST", "BAL",
];

/// Elements that hold a value, even an empty one (so they never swallow what follows).
const LEAVES: &[&str] = &[
    "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID", "SRVRTID",
    "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME", "MEMO", "CURDEF", "ACCTID", "BANKID",
    "BRANCHID", "ACCTTYPE", "ACCTKEY", "DTSTART", "DTEND", "BALAMT", "DTASOF", "TRNUID",
    "CURSYM", "CURRATE", "CODE", "SEVERITY", "MESSAGE", "DTSERVER", "LANGUAGE", "ORG", "FID",
    "CLTCOOKIE", "INV401KSOURCE", "EXTDNAME",
];

pub(crate) fn sniff(head: &str) -> bool {
    let start: String = head.chars().take(8192).collect::<String>().to_ascii_uppercase();
    start.contains("OFXHEADER") || start.contains("<OFX>")
}

fn error(message: impl Into<String>) -> ParseError {
    ParseError::new(Format::Ofx, message)
}

struct Node {
    name: String,
    text: String,
    line: u32,
    leaf: bool,
    parent: usize,
    children: Vec<usize>,
}

/// Real OFX nests a dozen levels; deeper elements are kept flat, so closing a tag never has to
/// search a long list of open elements.
const MAX_DEPTH: usize = 64;

/// All elements in one flat list (index 0 is a virtual root): no recursion to build, walk or
/// drop it, however deep a hostile file nests.
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn build(text: &str) -> Tree {
        let mut tree = Tree {
            nodes: vec![Node {
                name: String::new(),
                text: String::new(),
                line: 1,
                leaf: false,
                parent: 0,
                children: vec![],
            }],
        };
        let mut open: Vec<usize> = vec![0];
        let mut rest = text;
        let mut line: u32 = 1;
        let newlines = |s: &str| u32::try_from(s.matches('\n').count()).unwrap_or(u32::MAX);
        loop {
            let Some(lt) = rest.find('<') else {
                tree.text(&open, rest, true);
                break;
            };
            let (before, after) = rest.split_at(lt);
            tree.text(&open, before, true);
            line = line.saturating_add(newlines(before));
            rest = after;
            if rest.starts_with("<!--") {
                let end = rest.find("-->").map_or(rest.len(), |i| i + 3);
                let (comment, after) = rest.split_at(end);
                line = line.saturating_add(newlines(comment));
                rest = after;
                continue;
            }
            if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                let end = cdata.find("]]>").unwrap_or(cdata.len());
                let (content, after) = cdata.split_at(end);
                tree.text(&open, content, false);
                line = line.saturating_add(newlines(content));
                rest = after.strip_prefix("]]>").unwrap_or(after);
                continue;
            }
            let Some(gt) = rest.find('>') else { break };
            let (tag, after) = rest.split_at(gt);
            line = line.saturating_add(newlines(tag));
            rest = &after[1..];
            let tag = &tag[1..];
            if tag.starts_with('?') || tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim().to_ascii_uppercase();
                if let Some(at) = open.iter().rposition(|&i| i != 0 && tree.nodes[i].name == name) {
                    open.truncate(at);
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let name = tag
                .trim_end_matches('/')
                .split(char::is_whitespace)
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            if name.is_empty() {
                continue;
            }
            if let Some(&top) = open.last()
                && top != 0
                && tree.nodes[top].leaf
            {
                open.pop();
            }
            let parent = open.last().copied().unwrap_or(0);
            let index = tree.nodes.len();
            let leaf = LEAVES.contains(&name.as_str());
            let text = String::new();
            tree.nodes.push(Node { name, text, line, leaf, parent, children: vec![] });
            tree.nodes[parent].children.push(index);
            if !self_closing && open.len() < MAX_DEPTH {
                open.push(index);
            }
        }
        tree
    }

    /// Text belongs to the open element unless that is an aggregate or already has children.
    fn text(&mut self, open: &[usize], raw: &str, entities: bool) {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return;
        }
        let Some(&top) = open.last() else { return };
        let node = &mut self.nodes[top];
        if top == 0 || AGGREGATES.contains(&node.name.as_str()) || !node.children.is_empty() {
            return;
        }
        if entities {
            node.text.push_str(&decode_entities(trimmed));
        } else {
            node.text.push_str(trimmed);
        }
        node.leaf = true;
    }

    fn all(&self, name: &str) -> impl Iterator<Item = usize> + '_ {
        let name = name.to_string();
        (0..self.nodes.len()).filter(move |&i| self.nodes[i].name == name)
    }

    /// The first element `name` under `node`: its children, then (breadth first) the children
    /// of elements that are not known aggregates, which an SGML leaf without a value may have
    /// swallowed.
    fn find(&self, node: usize, name: &str) -> Option<usize> {
        let mut queue = std::collections::VecDeque::from([node]);
        while let Some(current) = queue.pop_front() {
            for &child in &self.nodes[current].children {
                let child_name = self.nodes[child].name.as_str();
                if child_name == name {
                    return Some(child);
                }
                if !AGGREGATES.contains(&child_name) {
                    queue.push_back(child);
                }
            }
        }
        None
    }

    fn path(&self, node: usize, names: &[&str]) -> Option<usize> {
        names.iter().try_fold(node, |current, name| self.find(current, name))
    }

    fn text_at(&self, node: usize, names: &[&str]) -> Option<String> {
        self.path(node, names).and_then(|i| non_empty(&self.nodes[i].text))
    }

    /// Every `name` element inside the statement `node`, not looking inside a match or
    /// another statement.
    fn descendants(&self, node: usize, name: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut stack: Vec<usize> = self.nodes[node].children.iter().rev().copied().collect();
        while let Some(current) = stack.pop() {
            let current_name = self.nodes[current].name.as_str();
            if current_name == name {
                found.push(current);
            } else if !matches!(current_name, "STMTRS" | "CCSTMTRS") {
                stack.extend(self.nodes[current].children.iter().rev().copied());
            }
        }
        found
    }
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Statement>, ParseError> {
    let text = text::decode(bytes);
    if text.trim().is_empty() {
        return Err(error("the file is empty"));
    }
    let tree = Tree::build(&text);
    let mut responses: Vec<usize> = tree.all("STMTRS").chain(tree.all("CCSTMTRS")).collect();
    if responses.is_empty() {
        return Err(error("no bank or card statement (STMTRS, CCSTMTRS) found"));
    }
    responses.sort_unstable();
    responses.iter().map(|&rs| statement(&tree, rs)).collect()
}

fn statement(tree: &Tree, rs: usize) -> Result<Statement, ParseError> {
    let currency = tree.text_at(rs, &["CURDEF"]).map(|c| c.to_ascii_uppercase());
    let account = tree
        .text_at(rs, &["BANKACCTFROM", "ACCTID"])
        .or_else(|| tree.text_at(rs, &["CCACCTFROM", "ACCTID"]))
        .map(|a| normalize_account(&a))
        .ok_or_else(|| {
            error("the statement names no account")
                .at(tree.nodes[rs].line)
                .field("BANKACCTFROM/ACCTID")
        })?;
    let parent = tree.nodes[rs].parent;
    let id = Some(parent)
        .filter(|&p| matches!(tree.nodes[p].name.as_str(), "STMTTRNRS" | "CCSTMTTRNRS"))
        .and_then(|p| tree.text_at(p, &["TRNUID"]))
        .unwrap_or_default();

    let mut lines = Vec::new();
    for trn in tree.descendants(rs, "STMTTRN") {
        lines.push(line(tree, trn, currency.as_deref())?);
    }

    let closing = match tree.path(rs, &["LEDGERBAL", "BALAMT"]) {
        Some(i) => Some(amount(&tree.nodes[i].text).ok_or_else(|| {
            error(format!("'{}' is not an amount", tree.nodes[i].text))
                .at(tree.nodes[i].line)
                .field("LEDGERBAL/BALAMT")
        })?),
        None => None,
    };
    let opening = closing.and_then(|closing| {
        lines.iter().try_fold(closing, |balance, line| balance.checked_sub(line.amount))
    });
    let date = tree
        .text_at(rs, &["BANKTRANLIST", "DTEND"])
        .or_else(|| tree.text_at(rs, &["LEDGERBAL", "DTASOF"]))
        .and_then(|d| date(&d));

    Ok(Statement { id, account, currency, opening, closing, date, lines })
}

fn line(tree: &Tree, trn: usize, currency: Option<&str>) -> Result<Line, ParseError> {
    let here = tree.nodes[trn].line;
    let field = |name: &str| tree.text_at(trn, &[name]);
    let raw_amount = field("TRNAMT")
        .ok_or_else(|| error("the transaction has no amount").at(here).field("TRNAMT"))?;
    let amount = amount(&raw_amount).ok_or_else(|| {
        error(format!("'{raw_amount}' is not an amount")).at(here).field("TRNAMT")
    })?;
    let raw_date = field("DTPOSTED")
        .ok_or_else(|| error("the transaction has no posting date").at(here).field("DTPOSTED"))?;
    let posted = date(&raw_date)
        .ok_or_else(|| error(format!("'{raw_date}' is not a date")).at(here).field("DTPOSTED"))?;
    Ok(Line {
        date: posted,
        value_date: field("DTAVAIL").and_then(|d| date(&d)),
        amount,
        currency: tree
            .text_at(trn, &["CURRENCY", "CURSYM"])
            .map(|c| c.to_ascii_uppercase())
            .or_else(|| currency.map(str::to_string)),
        counterparty: field("NAME")
            .or_else(|| tree.text_at(trn, &["PAYEE", "NAME"]))
            .unwrap_or_default(),
        counterparty_account: tree
            .text_at(trn, &["BANKACCTTO", "ACCTID"])
            .or_else(|| tree.text_at(trn, &["CCACCTTO", "ACCTID"]))
            .map(|a| normalize_account(&a))
            .unwrap_or_default(),
        reference: field("REFNUM").or_else(|| field("CHECKNUM")).unwrap_or_default(),
        description: field("MEMO").unwrap_or_default(),
        bank_ref: field("FITID").unwrap_or_default(),
    })
}

/// `YYYYMMDD[HHMMSS[.XXX]][[gmt offset[:tz name]]]`: the date as the bank wrote it.
fn date(text: &str) -> Option<NaiveDate> {
    let day = text.trim().get(..8)?;
    if !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y%m%d").ok()
}

/// A signed OFX amount; some banks write a decimal comma.
fn amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    let normal = if text.contains(',') && !text.contains('.') {
        text.replace(',', ".")
    } else {
        text.to_string()
    };
    let digits = normal.strip_prefix('-').unwrap_or(&normal);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    Decimal::from_str(&normal).ok()
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // An entity is short: look for its ';' nearby only, so a run of bare '&' stays linear.
        let entity = rest.get(1..).and_then(|r| {
            let end = r.bytes().take(12).position(|b| b == b';')?;
            r.get(..end)
        });
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let hex = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
                let code = match hex {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => name.strip_prefix('#').and_then(|dec| dec.parse::<u32>().ok()),
                };
                code.and_then(char::from_u32)
            }
        });
        match (entity, decoded) {
            (Some(name), Some(c)) => {
                out.push(c);
                rest = &rest[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_amounts() {
        assert_eq!(
            decode_entities("A &amp; B &lt;x&gt; &#252; &#xFC; &bogus; & x"),
            "A & B <x> ü ü &bogus; & x"
        );
        assert_eq!(amount("-12,50"), Some(Decimal::new(-1250, 2)));
        assert_eq!(amount("+3.1"), Some(Decimal::new(31, 1)));
        assert_eq!(amount("1.2.3"), None);
        assert_eq!(amount("-"), None);
        assert_eq!(date("20260115120000.000[-5:EST]"), NaiveDate::from_ymd_opt(2026, 1, 15));
        assert_eq!(date("2026011"), None);
    }

    #[test]
    fn sgml_leaf_without_value_does_not_swallow_fields() {
        let tree = Tree::build("<STMTTRN><NAME><X.CUSTOM><TRNAMT>5</STMTTRN>");
        let trn = tree.all("STMTTRN").next().unwrap();
        assert_eq!(tree.text_at(trn, &["TRNAMT"]).as_deref(), Some("5"));
    }
}
