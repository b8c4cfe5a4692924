//! Receivables, payables, payments, bank and reconciliation through the real command
//! layer: open amounts and pay states follow allocations, realised exchange differences
//! are what a hand computation gives, aging equals the control account at any date, a
//! statement imported twice adds nothing, and reconciled items are locked.

use cora_core::testing::TestApp;
use cora_core::{ErrorCode, Reason};
use proptest::prelude::*;
use serde_json::{Value, json};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

fn partner(app: &mut TestApp, co: &str, name: &str, extra: Value) -> i64 {
    let mut args = json!({"name": name});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    app.admin_in(co, "partner.create", args).unwrap()["id"].as_i64().unwrap()
}

fn bank(app: &mut TestApp, co: &str) -> i64 {
    let list = app.admin_in(co, "bank.list_accounts", json!({})).unwrap();
    list.as_array().unwrap().iter().find(|a| a["kind"] == "bank").expect("the chart's bank account")["id"].as_i64().unwrap()
}

/// A posted customer invoice (or supplier bill) of one untaxed line.
fn invoice(app: &mut TestApp, co: &str, side: &str, partner: i64, date: &str, amount: &str, extra: Value) -> Value {
    let mut args = json!({"partner_id": partner, "date": date, "lines": [{"description": "Work", "quantity": "1", "unit_price": amount}]});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    let (create, post) = if side == "sale" { ("sales.create_invoice", "sales.post_invoice") } else { ("purchase.create_bill", "purchase.post_bill") };
    let inv = app.admin_in(co, create, args).unwrap();
    app.admin_in(co, post, json!({"id": inv["id"]})).unwrap()
}

fn item_of(app: &mut TestApp, co: &str, side: &str, entry: &Value) -> Value {
    let items = app.admin_in(co, "finance.open_items", json!({"side": side, "include_closed": true})).unwrap();
    items.as_array().unwrap().iter().find(|i| i["entry_id"] == *entry).cloned().expect("the document's item")
}

fn ledger_ok(app: &mut TestApp, co: &str) {
    let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], true, "{l}");
}

/// The receivable (or payable) control accounts' balance at a date, from the ledger.
fn control_at(app: &mut TestApp, co: &str, subtype: &str, date: &str) -> rust_decimal::Decimal {
    let tenant: i64 = app.cora.store().conn().query_row("SELECT id FROM companies WHERE code = ?1", [co], |r| r.get(0)).unwrap();
    let v: i64 = app
        .cora
        .store()
        .conn()
        .query_row(
            "SELECT COALESCE(sum(l.debit - l.credit), 0) FROM journal_lines l JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
             WHERE l.tenant_id = ?1 AND a.subtype = ?2 AND l.date <= ?3",
            rusqlite::params![tenant, subtype, date],
            |r| r.get(0),
        )
        .unwrap();
    rust_decimal::Decimal::new(v, 4)
}

fn dec(v: &Value) -> rust_decimal::Decimal {
    s(v).parse().unwrap()
}

#[test]
fn a_payment_pays_an_invoice_in_part_then_in_full_and_the_aging_follows() {
    let mut app = TestApp::new();
    app.company("ACME");
    let c = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let bk = bank(&mut app, "ACME");
    let inv = invoice(&mut app, "ACME", "sale", c, "2026-03-01", "100", json!({"due_date": "2026-03-31"}));
    assert_eq!((inv["pay_state"].as_str(), s(&inv["open_amount"]).as_str()), (Some("unpaid"), "100"));
    let item = item_of(&mut app, "ACME", "receivable", &inv["entry_id"]);
    assert_eq!(item["due_date"], "2026-03-31");

    // 40 received, allocated to the invoice: partly paid, 60 open.
    let p = app
        .admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-10", "amount": "40",
            "allocations": [{"item_id": item["id"], "amount": "40"}]}))
        .unwrap();
    assert_eq!((s(&p["unallocated"]).as_str(), p["number"].as_str()), ("0", Some("RCPT/00001")));
    assert_eq!(p["allocations"][0]["document"], inv["number"]);
    let inv2 = app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!((inv2["pay_state"].as_str(), s(&inv2["open_amount"]).as_str()), (Some("partial"), "60"));

    // Aging: on 2026-03-05 all 100 is current; on 2026-04-15 the 60 left is 1–30 days overdue.
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-03-05"})).unwrap();
    assert_eq!((s(&a["total"]).as_str(), s(&a["totals"][0]).as_str()), ("100", "100"));
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-04-15"})).unwrap();
    assert_eq!(a["columns"], json!(["current", "1-30", "31-60", "61-90", "90+"]));
    assert_eq!((s(&a["total"]).as_str(), s(&a["totals"][1]).as_str()), ("60", "60"));
    assert_eq!(dec(&a["total"]), control_at(&mut app, "ACME", "receivable", "2026-04-15"));

    // More than is open is refused and changes nothing.
    let e = app
        .admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-20", "amount": "100",
            "allocations": [{"item_id": item["id"], "amount": "61"}]}))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(e.fields()[0].field, "items.0.amount");
    assert!(app.admin_in("ACME", "finance.list_payments", json!({})).unwrap().as_array().unwrap().len() == 1);

    // 100 received with auto allocation: 60 pays the invoice, 40 stays as the client's credit.
    let p2 = app
        .admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-20", "amount": "100", "auto_allocate": true}))
        .unwrap();
    assert_eq!(s(&p2["unallocated"]), "40");
    let inv3 = app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!((inv3["pay_state"].as_str(), s(&inv3["open_amount"]).as_str()), (Some("paid"), "0"));
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-04-15"})).unwrap();
    assert_eq!(s(&a["total"]), "-40");
    assert_eq!(dec(&a["total"]), control_at(&mut app, "ACME", "receivable", "2026-04-15"));
    // The aging back on 2026-03-15 still shows the 60 then open.
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-03-15"})).unwrap();
    assert_eq!(s(&a["total"]), "60");
    ledger_ok(&mut app, "ACME");

    // Unallocating the second payment's match opens the invoice again; cancelling it reverses it.
    let m = p2["allocations"][0]["match_id"].clone();
    app.admin_in("ACME", "finance.unallocate", json!({"match_id": m, "date": "2026-03-25"})).unwrap();
    let inv4 = app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!(s(&inv4["open_amount"]), "60");
    let e = app.admin_in("ACME", "finance.unallocate", json!({"match_id": m})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::AlreadyReversed);
    let c2 = app.admin_in("ACME", "finance.cancel_payment", json!({"id": p2["id"], "date": "2026-03-25"})).unwrap();
    assert_eq!(c2["cancelled"], true);
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-04-15"})).unwrap();
    assert_eq!(s(&a["total"]), "60");
    ledger_ok(&mut app, "ACME");
    // Allocations are append-only, even to SQL.
    let err = app.cora.store().conn().execute("DELETE FROM allocations", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn a_foreign_invoice_paid_at_another_rate_posts_the_realised_difference() {
    let mut app = TestApp::new();
    app.company("ACME");
    app.admin_in("ACME", "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-03-01", "rate": "0.9"})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-04-01", "rate": "0.95"})).unwrap();
    let c = partner(&mut app, "ACME", "US Client", json!({"is_customer": true}));
    let usd = app.admin_in("ACME", "bank.create_account", json!({"kind": "bank", "name": "USD account", "currency": "USD"})).unwrap();
    assert_eq!(usd["currency"], "USD");
    let inv = invoice(&mut app, "ACME", "sale", c, "2026-03-05", "1000", json!({"currency": "USD"}));
    let item = item_of(&mut app, "ACME", "receivable", &inv["entry_id"]);
    assert_eq!((s(&item["open_amount"]).as_str(), s(&item["base"]).as_str()), ("1000", "900"));
    // Paid on 2026-04-10 at 0.95: the bank gets 950 EUR worth; the gain is 50 EUR.
    let p = app
        .admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": usd["id"], "partner_id": c, "date": "2026-04-10", "amount": "1000",
            "allocations": [{"item_id": item["id"], "amount": "1000"}]}))
        .unwrap();
    assert_eq!(s(&p["base"]), "950");
    let m = app.admin_in("ACME", "finance.get_match", json!({"id": p["allocations"][0]["match_id"]})).unwrap();
    assert_eq!(s(&m["fx_amount"]), "50");
    assert_eq!(control_at(&mut app, "ACME", "receivable", "2026-04-10"), rust_decimal::Decimal::ZERO);
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-04-10"})).unwrap();
    assert_eq!(s(&a["total"]), "0");
    ledger_ok(&mut app, "ACME");
    // Unallocating reverses the difference too: 900 open again in base, 1000 USD.
    app.admin_in("ACME", "finance.unallocate", json!({"match_id": m["id"]})).unwrap();
    let it = item_of(&mut app, "ACME", "receivable", &inv["entry_id"]);
    assert_eq!((s(&it["open_amount"]).as_str(), s(&it["open_base"]).as_str()), ("1000", "900"));
    ledger_ok(&mut app, "ACME");
}

const CAMT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-31T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-1</Id><CreDtTm>2026-03-31T18:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">105.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">120.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-12</Dt></BookgDt><ValDt><Dt>2026-03-12</Dt></ValDt><AcctSvcrRef>B-1</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><RltdPties><Dbtr><Nm>Client</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INVOICE_NUMBER</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-31</Dt></BookgDt><AcctSvcrRef>B-2</AcctSvcrRef>
<AddtlNtryInf>ACCOUNT FEE MARCH</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>"#;

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn a_camt_statement_imported_twice_adds_nothing_and_reconciles_against_an_invoice() {
    let mut app = TestApp::new();
    app.company("ACME");
    let c = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let bk = bank(&mut app, "ACME");
    let inv = invoice(&mut app, "ACME", "sale", c, "2026-03-01", "120", json!({}));
    let number = s(&inv["number"]);
    let file = CAMT.replace("INVOICE_NUMBER", &number);
    let r = app.admin_in("ACME", "bank.import_statement", json!({"bank_account_id": bk, "content": b64(&file), "file_name": "march.xml"})).unwrap();
    assert_eq!((r["format"].as_str(), r["lines"].as_u64(), r["duplicates"].as_u64()), (Some("camt053"), Some(2), Some(0)));
    let again = app.admin_in("ACME", "bank.import_statement", json!({"bank_account_id": bk, "content": b64(&file)})).unwrap();
    assert_eq!((again["lines"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(2)));
    assert_eq!(app.admin_in("ACME", "bank.list_statements", json!({"id": bk})).unwrap().as_array().unwrap().len(), 1);

    // The suggestion for the 120 names the invoice; the fee matches a rule.
    let fees = crate::accounting::account(&mut app, "ACME", "6800");
    app.admin_in("ACME", "bank.create_rule", json!({"name": "Bank fees", "pattern": "account fee", "account_id": fees})).unwrap();
    let sug = app.admin_in("ACME", "bank.suggest", json!({"bank_account_id": bk})).unwrap();
    let sug = sug.as_array().unwrap();
    assert_eq!(sug.len(), 2, "{sug:?}");
    let (pay, fee) = if sug[0]["kind"] == "items" { (&sug[0], &sug[1]) } else { (&sug[1], &sug[0]) };
    assert_eq!((pay["kind"].as_str(), pay["label"].as_str(), pay["score"].as_u64()), (Some("items"), Some(number.as_str()), Some(95)));
    assert_eq!(fee["kind"], "rule");
    // Accept both: a payment allocated to the invoice, and the fee as an expense.
    let rec = app
        .admin_in("ACME", "bank.reconcile", json!({"bank_account_id": bk, "statement_line_ids": [pay["statement_line_id"]],
            "create": {"kind": "payment", "partner_side": "customer", "partner_id": c, "items": pay["items"]}}))
        .unwrap();
    assert!(rec["payment_id"].is_number());
    app.admin_in("ACME", "bank.reconcile", json!({"bank_account_id": bk, "statement_line_ids": [fee["statement_line_id"]], "create": {"kind": "move", "account_id": fees}}))
        .unwrap();
    let inv2 = app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap();
    assert_eq!(inv2["pay_state"], "paid");
    let a = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": "2026-03-31"})).unwrap();
    assert_eq!(s(&a["total"]), "0");
    let report = app.admin_in("ACME", "bank.reconciliation_report", json!({"bank_account_id": bk, "date": "2026-03-31"})).unwrap();
    assert_eq!((s(&report["statement_balance"]).as_str(), s(&report["book_balance"]).as_str()), ("105", "105"));
    // No suggestion proposes a payment again for a reconciled line.
    assert_eq!(app.admin_in("ACME", "bank.suggest", json!({"bank_account_id": bk})).unwrap().as_array().unwrap().len(), 0);
    // The reconciled payment is locked.
    let e = app.admin_in("ACME", "finance.cancel_payment", json!({"id": rec["payment_id"]})).unwrap_err();
    assert_eq!(e.refusal().reason, Reason::Reconciled);
    ledger_ok(&mut app, "ACME");
    // A later posting into the reconciled period is flagged by the assertion.
    let cash = crate::accounting::account(&mut app, "ACME", "1100");
    let general = crate::accounting::journal(&mut app, "ACME", "GEN");
    let other = crate::accounting::account(&mut app, "ACME", "6800");
    let d = app
        .admin_in("ACME", "entry.create", json!({"journal_id": general, "date": "2026-03-15", "lines": [
            {"account_id": cash, "debit": "5"}, {"account_id": other, "credit": "5"}]}))
        .unwrap();
    app.admin_in("ACME", "entry.post", json!({"id": d["id"]})).unwrap();
    let l = app.admin_in("ACME", "ledger.check", json!({})).unwrap();
    assert_eq!(l["ok"], false);
    assert_eq!(l["bank_assertions"].as_array().unwrap().len(), 1, "{l}");
    // A statement that does not chain to the last one is refused, naming it.
    let bad = CAMT.replace("INVOICE_NUMBER", "X").replace(">0.00<", ">1.00<").replace("B-1", "B-9").replace("105.00", "106.00");
    let e = app.admin_in("ACME", "bank.import_statement", json!({"bank_account_id": bk, "content": b64(&bad)})).unwrap_err();
    assert_eq!(e.fields()[0].code.as_str(), "statement_chain_broken", "{e:?}");
}

#[test]
fn items_of_another_company_cannot_be_allocated() {
    let mut app = TestApp::new();
    app.company("ACME");
    app.company("BETA");
    let ca = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let cb = partner(&mut app, "BETA", "Client", json!({"is_customer": true}));
    let inv = invoice(&mut app, "ACME", "sale", ca, "2026-03-01", "50", json!({}));
    let item = item_of(&mut app, "ACME", "receivable", &inv["entry_id"]);
    let bb = bank(&mut app, "BETA");
    let e = app
        .admin_in("BETA", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bb, "partner_id": cb, "date": "2026-03-02", "amount": "50",
            "allocations": [{"item_id": item["id"], "amount": "50"}]}))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(e.fields()[0].code.as_str(), "not_found");
    assert_eq!(app.admin_in("BETA", "finance.list_payments", json!({})).unwrap().as_array().unwrap().len(), 0);
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6)
}

#[derive(Debug, Clone)]
enum Op {
    Invoice { co: usize, sale: bool, amount: u32 },
    Pay { co: usize, sale: bool, amount: u32, auto: bool },
    Unallocate { co: usize, pick: usize },
    Cancel { co: usize, pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, any::<bool>(), 1..50_000u32).prop_map(|(co, sale, amount)| Op::Invoice { co, sale, amount }),
        (0..2usize, any::<bool>(), 1..50_000u32, any::<bool>()).prop_map(|(co, sale, amount, auto)| Op::Pay { co, sale, amount, auto }),
        (0..2usize, 0..8usize).prop_map(|(co, pick)| Op::Unallocate { co, pick }),
        (0..2usize, 0..8usize).prop_map(|(co, pick)| Op::Cancel { co, pick }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]
    /// Random invoices, bills, payments (foreign and base), allocations, unallocations
    /// and cancellations over two companies: the aging at every date equals the control
    /// accounts' balance at that date, open amounts stay within 0..=total, and the
    /// ledger check (open items against allocations and balances) passes.
    #[test]
    fn aging_equals_the_control_accounts_at_every_date(ops in proptest::collection::vec(op(), 1..25)) {
        let mut app = TestApp::new();
        let cos = ["ACME", "BETA"];
        let mut parties = vec![];
        let mut banks = vec![];
        for co in cos {
            app.company(co);
            app.admin_in(co, "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
            app.admin_in(co, "currency.set_rate", json!({"currency": "USD", "date": "2026-01-01", "rate": "0.9"})).unwrap();
            app.admin_in(co, "currency.set_rate", json!({"currency": "USD", "date": "2026-02-01", "rate": "0.93"})).unwrap();
            let c = partner(&mut app, co, "Client", json!({"is_customer": true}));
            let s_ = partner(&mut app, co, "Supplier", json!({"is_supplier": true}));
            parties.push((c, s_));
            let b = bank(&mut app, co);
            let u = app.admin_in(co, "bank.create_account", json!({"kind": "bank", "name": "USD", "currency": "USD"})).unwrap()["id"].as_i64().unwrap();
            banks.push((b, u));
        }
        let mut payments: Vec<Vec<i64>> = vec![vec![], vec![]];
        let mut day = 0u32;
        for (k, o) in ops.iter().enumerate() {
            day += 1;
            let date = (chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap() + chrono::Days::new(u64::from(day) * 3)).to_string();
            let usd = k % 3 == 0;
            match o {
                Op::Invoice { co, sale, amount } => {
                    let (c, s_) = parties[*co];
                    let p = if *sale { c } else { s_ };
                    let extra = if usd { json!({"currency": "USD"}) } else { json!({}) };
                    invoice(&mut app, cos[*co], if *sale { "sale" } else { "purchase" }, p, &date, &format!("{}.{:02}", amount / 100, amount % 100), extra);
                }
                Op::Pay { co, sale, amount, auto } => {
                    let (c, s_) = parties[*co];
                    let (b, u) = banks[*co];
                    let r = app.admin_in(cos[*co], "finance.create_payment", json!({"partner_side": if *sale { "customer" } else { "supplier" },
                        "bank_account_id": if usd { u } else { b }, "partner_id": if *sale { c } else { s_ }, "date": date,
                        "amount": format!("{}.{:02}", amount / 100, amount % 100), "auto_allocate": auto}));
                    payments[*co].push(r.unwrap()["id"].as_i64().unwrap());
                }
                Op::Unallocate { co, pick } => {
                    if let Some(p) = payments[*co].get(*pick).copied() {
                        let pay = app.admin_in(cos[*co], "finance.get_payment", json!({"id": p})).unwrap();
                        if let Some(m) = pay["allocations"].as_array().unwrap().first() {
                            app.admin_in(cos[*co], "finance.unallocate", json!({"match_id": m["match_id"], "date": date})).unwrap();
                        }
                    }
                }
                Op::Cancel { co, pick } => {
                    if let Some(p) = payments[*co].get(*pick).copied() {
                        let r = app.admin_in(cos[*co], "finance.cancel_payment", json!({"id": p, "date": date}));
                        if let Err(e) = r {
                            prop_assert_eq!(e.refusal().reason, Reason::PaymentCancelled);
                        }
                    }
                }
            }
            for (ci, co) in cos.iter().enumerate() {
                let _ = ci;
                for (side, subtype, sign) in [("receivable", "receivable", 1i64), ("payable", "payable", -1)] {
                    let a = app.admin_in(co, "finance.aging", json!({"side": side, "date": date})).unwrap();
                    let ctl = control_at(&mut app, co, subtype, &date) * rust_decimal::Decimal::from(sign);
                    prop_assert_eq!(dec(&a["total"]), ctl, "{} {} at {}", co, side, date);
                }
                let l = app.admin_in(co, "ledger.check", json!({})).unwrap();
                prop_assert_eq!(&l["ok"], &json!(true), "{}", l);
            }
        }
        // Open amounts stay within their items.
        for co in cos {
            for side in ["receivable", "payable"] {
                let items = app.admin_in(co, "finance.open_items", json!({"side": side, "include_closed": true})).unwrap();
                for i in items.as_array().unwrap() {
                    let (amount, open) = (dec(&i["amount"]), dec(&i["open_amount"]));
                    prop_assert!(open.abs() <= amount.abs() && (open.is_zero() || open.is_sign_positive() == amount.is_sign_positive()), "{}", i);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]
    /// Statements cut from one list of bank lines at random, overlapping, imported in any
    /// order and some twice: each line is in the books once; a reconciled line stays.
    #[test]
    fn overlapping_statements_import_each_line_once(lines in proptest::collection::vec((0..5u32, 1..900u32), 1..30), cuts in proptest::collection::vec((0..30usize, 1..30usize), 1..6)) {
        let mut app = TestApp::new();
        app.company("ACME");
        let bk = bank(&mut app, "ACME");
        let rows: Vec<String> = lines.iter().map(|(d, a)| format!("2026-03-{:02},{},Shop,ref {a}", d + 1, cents(*a))).collect();
        // Identical lines on a day are distinct payments: each occurrence is a line.
        let mut covered = std::collections::BTreeSet::new();
        let mapping = json!({"has_header": true, "date": "date", "amount": "amount", "counterparty": "counterparty", "reference": "reference"});
        let mut imported = 0u64;
        let mut first_rec: Option<Value> = None;
        for (from, len) in &cuts {
            let from = from % rows.len();
            let to = (from + len).min(rows.len());
            // A file holds whole days, as a bank's export does.
            let day = |r: &String| r[..10].to_string();
            let (d0, d1) = (day(&rows[from]), day(&rows[to - 1]));
            let mut part: Vec<&String> = rows.iter().filter(|r| day(r) >= d0.clone().min(d1.clone()) && day(r) <= d0.clone().max(d1.clone())).collect();
            part.sort_by_key(|r| day(r));
            for r in &part {
                covered.insert(day(r));
            }
            let csv = format!("date,amount,counterparty,reference\n{}\n", part.iter().map(|r| r.as_str()).collect::<Vec<_>>().join("\n"));
            let r = app.admin_in("ACME", "bank.import_statement", json!({"bank_account_id": bk, "content": b64(&csv), "format": "csv", "mapping": mapping})).unwrap();
            imported += r["lines"].as_u64().unwrap();
            if first_rec.is_none() {
                let open = app.admin_in("ACME", "bank.statement_lines", json!({"bank_account_id": bk, "unreconciled": true})).unwrap();
                if let Some(l) = open.as_array().unwrap().first() {
                    let fees = crate::accounting::account(&mut app, "ACME", "6800");
                    let rec = app.admin_in("ACME", "bank.reconcile", json!({"bank_account_id": bk, "statement_line_ids": [l["id"]], "create": {"kind": "move", "account_id": fees}})).unwrap();
                    first_rec = Some(l.clone());
                    prop_assert!(rec["move_id"].is_number());
                }
            }
        }
        let all = app.admin_in("ACME", "bank.statement_lines", json!({"bank_account_id": bk})).unwrap();
        let n = all.as_array().unwrap().len() as u64;
        prop_assert_eq!(n, imported);
        // Exactly the lines of the days some file covered, each once.
        let expected = rows.iter().filter(|r| covered.contains(&r[..10].to_string())).count() as u64;
        prop_assert_eq!(n, expected);
        // The reconciled line is still there and locked.
        if let Some(l) = first_rec {
            let err = app.cora.store().conn().execute("DELETE FROM bank_statement_lines WHERE id = ?1", [l["id"].as_i64().unwrap()]).unwrap_err();
            prop_assert!(err.to_string().contains("locked"), "{}", err);
            let err = app.cora.store().conn().execute("UPDATE bank_statement_lines SET amount = 1 WHERE id = ?1", [l["id"].as_i64().unwrap()]).unwrap_err();
            prop_assert!(err.to_string().contains("never change"), "{}", err);
        }
        ledger_ok(&mut app, "ACME");
    }
}

fn cents(v: u32) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// A month of a small company's money, every figure by hand: an early-payment discount,
/// a batch payment of the bills due, a revaluation and its reversal, a transfer with a
/// fee, a cash count, an expense with tax; then the tax report, cash position, cash flow,
/// a partner statement and the aging printed as a table.
#[test]
fn a_month_of_payments_moves_and_reports_adds_up() {
    let mut app = TestApp::new();
    app.company("ACME");
    let acc = |app: &mut TestApp, code: &str| crate::accounting::account(app, "ACME", code);
    let (charges, rent, gain, loss, services) = (acc(&mut app, "6800"), acc(&mut app, "6100"), acc(&mut app, "4400"), acc(&mut app, "7100"), acc(&mut app, "4010"));
    app.admin_in("ACME", "finance.update_settings", json!({"discount_days": 10, "discount_percent": "2", "discount_given_account_id": charges,
        "discount_taken_account_id": services, "cash_difference_account_id": charges, "unrealised_gain_account_id": gain, "unrealised_loss_account_id": loss,
        "aging_buckets": [30, 60, 90]})).unwrap();
    let c = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let s_ = partner(&mut app, "ACME", "Supplier", json!({"is_supplier": true}));
    let bk = bank(&mut app, "ACME");

    // 1000 invoiced on the 1st, paid on the 5th less 2 %: 980 and a discount of 20.
    let inv = invoice(&mut app, "ACME", "sale", c, "2026-03-01", "1000", json!({}));
    let item = item_of(&mut app, "ACME", "receivable", &inv["entry_id"]);
    let args = |d: &str| json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-05", "amount": "980", "discount": d,
        "allocations": [{"item_id": item["id"], "amount": "1000"}]});
    let e = app.admin_in("ACME", "finance.create_payment", args("21")).unwrap_err();
    assert_eq!((e.fields()[0].field.clone(), e.fields()[0].code.as_str()), ("discount".to_string(), "exceeds_open".to_string()));
    let p = app.admin_in("ACME", "finance.create_payment", args("20")).unwrap();
    assert_eq!((s(&p["discount"]).as_str(), s(&p["unallocated"]).as_str()), ("20", "0"));
    assert_eq!(app.admin_in("ACME", "sales.get_invoice", json!({"id": inv["id"]})).unwrap()["pay_state"], "paid");

    // Bills: 300 due on the 15th, 200 due at the end of April; the batch pays what is due by the 31st.
    let a = invoice(&mut app, "ACME", "purchase", s_, "2026-03-01", "300", json!({"due_date": "2026-03-15"}));
    let b = invoice(&mut app, "ACME", "purchase", s_, "2026-03-02", "200", json!({"due_date": "2026-04-30"}));
    let r = app.admin_in("ACME", "finance.batch_pay", json!({"bank_account_id": bk, "due_by": "2026-03-31", "date": "2026-03-20"})).unwrap();
    assert_eq!((r["payments"].as_array().unwrap().len(), s(&r["total"]).as_str()), (1, "300"));
    assert_eq!(app.admin_in("ACME", "purchase.get_bill", json!({"id": a["id"]})).unwrap()["pay_state"], "paid");
    assert_eq!(app.admin_in("ACME", "purchase.get_bill", json!({"id": b["id"]})).unwrap()["pay_state"], "unpaid");

    // A USD invoice of 100 at 0.9 (90), revalued at 1.0 on the 31st: +10, reversed on 1 April.
    app.admin_in("ACME", "currency.set_enabled", json!({"currency": "USD", "enabled": true})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-03-01", "rate": "0.9"})).unwrap();
    app.admin_in("ACME", "currency.set_rate", json!({"currency": "USD", "date": "2026-03-31", "rate": "1"})).unwrap();
    invoice(&mut app, "ACME", "sale", c, "2026-03-10", "100", json!({"currency": "USD"}));
    let rv = app.admin_in("ACME", "finance.revalue", json!({"date": "2026-03-31"})).unwrap();
    assert_eq!((s(&rv["net"]).as_str(), rv["items"].as_u64()), ("10", Some(1)));
    for (date, want) in [("2026-03-31", "100"), ("2026-04-01", "90")] {
        let ag = app.admin_in("ACME", "finance.aging", json!({"side": "receivable", "date": date})).unwrap();
        assert_eq!(s(&ag["total"]), want, "{date}");
        assert_eq!(dec(&ag["total"]), control_at(&mut app, "ACME", "receivable", date), "{date}");
    }
    let e = app.admin_in("ACME", "finance.revalue", json!({"date": "2026-03-31"})).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);

    // A till: 100 moved from the bank with a fee of 2; counted 95 the next day.
    let till = app.admin_in("ACME", "bank.create_account", json!({"kind": "cash", "name": "Till"})).unwrap()["id"].as_i64().unwrap();
    app.admin_in("ACME", "bank.transfer", json!({"from_account_id": bk, "to_account_id": till, "date": "2026-03-21", "amount": "100", "fee": "2", "fee_account_id": charges}))
        .unwrap();
    let cc = app.admin_in("ACME", "bank.cash_count", json!({"bank_account_id": till, "date": "2026-03-22", "counted": "95"})).unwrap();
    assert_eq!((s(&cc["book"]).as_str(), s(&cc["difference"]).as_str()), ("100", "-5"));
    // Rent of 120 with 20 % input tax in it: 100 + 20.
    let p20 = app.admin_in("ACME", "tax.list", json!({})).unwrap().as_array().unwrap().iter().find(|t| t["code"] == "P20").unwrap()["id"].clone();
    app.admin_in("ACME", "bank.create_move", json!({"bank_account_id": bk, "kind": "expense", "date": "2026-03-23", "amount": "120", "counter_account_id": rent,
        "tax_id": p20, "description": "Rent March"})).unwrap();

    let tr = app.admin_in("ACME", "finance.tax_report", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    let p = tr["rows"].as_array().unwrap().iter().find(|r| r["code"] == "P20").unwrap();
    assert_eq!((s(&p["base"]).as_str(), s(&p["tax"]).as_str(), s(&tr["due"]).as_str()), ("100", "20", "-20"));
    // Bank: 980 − 300 − 102 − 120 = 458; till: 100 − 5 = 95.
    let cp = app.admin_in("ACME", "finance.cash_position", json!({"date": "2026-03-31"})).unwrap();
    let bal = |name: &str| s(&cp["rows"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["balance"]);
    assert_eq!((bal("Bank"), bal("Till"), s(&cp["total"])), ("458".into(), "95".into(), "553".into()));
    let cf = app.admin_in("ACME", "finance.cash_flow", json!({"from": "2026-03-01", "to": "2026-03-31"})).unwrap();
    let flows: Vec<(String, String, String)> = cf["rows"].as_array().unwrap().iter().map(|r| (s(&r["category"]), s(&r["inflow"]), s(&r["outflow"]))).collect();
    assert_eq!(flows, vec![
        ("customers".into(), "980".into(), "0".into()),
        ("expense".into(), "0".into(), "125".into()),
        ("suppliers".into(), "0".into(), "300".into()),
        ("transfers".into(), "100".into(), "102".into()),
    ]);
    assert_eq!(s(&cf["closing"]), "553");

    // The client's statement for March: 1000 invoiced, 980 paid, 20 discount; then the USD invoice.
    let st = app.admin_in("ACME", "finance.partner_statement", json!({"partner_id": c, "side": "receivable", "from": "2026-03-01", "to": "2026-03-30"})).unwrap();
    let amounts: Vec<String> = st["entries"].as_array().unwrap().iter().map(|e| s(&e["amount"])).collect();
    assert_eq!(amounts, vec!["1000", "-980", "-20", "90"]);
    assert_eq!((s(&st["opening"]).as_str(), s(&st["closing"]).as_str()), ("0", "90"));
    let t = app.admin_in("ACME", "report.table", json!({"report": "aging", "args": {"side": "receivable", "date": "2026-04-15"}})).unwrap();
    assert_eq!(t["title"], "Receivables aging");
    // The USD invoice fell due on 10 March: 36 days overdue on 15 April.
    let last = t["rows"].as_array().unwrap().last().unwrap()["cells"].clone();
    assert_eq!(last, json!(["Total", "0.00", "0.00", "90.00", "0.00", "0.00", "90.00"]));
    ledger_ok(&mut app, "ACME");
}

#[test]
fn auto_allocation_settles_a_partners_oldest_items_first() {
    let mut app = TestApp::new();
    app.company("ACME");
    let c = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let bk = bank(&mut app, "ACME");
    let i1 = invoice(&mut app, "ACME", "sale", c, "2026-03-01", "50", json!({}));
    let i2 = invoice(&mut app, "ACME", "sale", c, "2026-03-02", "70", json!({}));
    app.admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-03", "amount": "80"})).unwrap();
    let m = app.admin_in("ACME", "finance.auto_allocate", json!({"side": "receivable"})).unwrap();
    assert_eq!(m.as_array().unwrap().len(), 2);
    let open = |app: &mut TestApp, id: &Value| s(&app.admin_in("ACME", "sales.get_invoice", json!({"id": id})).unwrap()["open_amount"]);
    assert_eq!((open(&mut app, &i1["id"]), open(&mut app, &i2["id"])), ("0".into(), "40".into()));
    // Nothing left to match: nothing written.
    assert_eq!(app.admin_in("ACME", "finance.auto_allocate", json!({"side": "receivable"})).unwrap(), json!([]));
    ledger_ok(&mut app, "ACME");
}

#[test]
fn posted_payments_and_statements_cannot_be_changed_in_sql() {
    let mut app = TestApp::new();
    app.company("ACME");
    let c = partner(&mut app, "ACME", "Client", json!({"is_customer": true}));
    let bk = bank(&mut app, "ACME");
    let p = app.admin_in("ACME", "finance.create_payment", json!({"partner_side": "customer", "bank_account_id": bk, "partner_id": c, "date": "2026-03-03", "amount": "80"})).unwrap();
    let conn = app.cora.store().conn();
    let id = p["id"].as_i64().unwrap();
    for sql in ["UPDATE payments SET memo = 'x' WHERE id = ?1", "UPDATE payments SET amount = 1 WHERE id = ?1", "DELETE FROM payments WHERE id = ?1"] {
        let err = conn.execute(sql, [id]).unwrap_err();
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
    let file = CAMT.replace("INVOICE_NUMBER", "X");
    app.admin_in("ACME", "bank.import_statement", json!({"bank_account_id": bk, "content": b64(&file)})).unwrap();
    let err = app.cora.store().conn().execute("UPDATE bank_statements SET closing = 0", []).unwrap_err();
    assert!(err.to_string().contains("never change"), "{err}");
}
