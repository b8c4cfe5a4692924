//! Reads the sample files of `tests/data/` and checks every value that matters to matching,
//! the errors, the fingerprint rule, and that no input makes a parser panic.

use chrono::NaiveDate;
use cora_bankfile::{
    CsvMapping, Format, Line, ParseError, Statement, detect, fingerprints, parse, preview_csv,
};
use rust_decimal::Decimal;

fn data(name: &str) -> Vec<u8> {
    // The directory cargo runs the test in (set at run time): the one baked in at compile
    // time is stale when a shared build cache was filled by a clone at another path.
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let path = format!("{dir}/tests/data/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// The sample with one ASCII text replaced (the CSV samples are Windows-1252).
fn replaced(name: &str, from: &str, to: &str) -> Vec<u8> {
    let bytes = data(name);
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from} not in {name}"));
    [&bytes[..at], to.as_bytes(), &bytes[at + from.len()..]].concat()
}

fn read(name: &str, format: Format) -> Vec<Statement> {
    parse(&data(name), format, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[allow(clippy::too_many_arguments)]
fn line(
    date: NaiveDate,
    value_date: Option<NaiveDate>,
    amount: &str,
    currency: &str,
    counterparty: &str,
    counterparty_account: &str,
    reference: &str,
    description: &str,
    bank_ref: &str,
) -> Line {
    Line {
        date,
        value_date,
        amount: dec(amount),
        currency: (!currency.is_empty()).then(|| currency.to_string()),
        counterparty: counterparty.into(),
        counterparty_account: counterparty_account.into(),
        reference: reference.into(),
        description: description.into(),
        bank_ref: bank_ref.into(),
    }
}

fn sum(lines: &[Line]) -> Decimal {
    lines.iter().map(|l| l.amount).sum()
}

// ---------------------------------------------------------------------------------------------
// CAMT.053

#[test]
fn camt_v02_reads_two_chained_statements() {
    let statements = read("camt053_001_02.xml", Format::Camt053);
    assert_eq!(statements.len(), 2);
    let (first, second) = (&statements[0], &statements[1]);

    assert_eq!(first.id, "STMT-2026-001");
    assert_eq!(first.account, "DE89370400440532013000");
    assert_eq!(first.currency.as_deref(), Some("EUR"));
    assert_eq!(first.opening, Some(dec("12500.00")));
    assert_eq!(first.closing, Some(dec("13484.60")));
    assert_eq!(first.date, Some(day(2026, 1, 15)));
    let d = day(2026, 1, 15);
    assert_eq!(
        first.lines,
        vec![
            // a customer pays with the structured creditor reference (and an end-to-end id)
            line(d, Some(d), "1190.00", "EUR", "ACME Handels AG", "DE44500105175407324931",
                "RF18539007547034", "", "2026011500001"),
            // we pay a supplier; the IBAN had spaces in the file
            line(d, Some(d), "-430.50", "EUR", "Papier Schulz KG", "DE02120300000000202051",
                "PO-2026-0042", "Rechnung 2026-118 Kundennr 5521", "2026011500002"),
            // NOTPROVIDED is no reference; the invoice number is in the unstructured text
            line(d, Some(day(2026, 1, 16)), "238.00", "EUR", "Jansen Consulting B.V.",
                "NL91ABNA0417164300", "", "INV/2026/00001", "2026011500003"),
            // no transaction details: the additional entry information describes it
            line(d, Some(d), "-12.90", "EUR", "", "", "", "Kontofuehrungsgebuehr Januar 2026",
                "2026011500004"),
        ]
    );

    // chained: the second opens where the first closed
    assert_eq!(second.opening, first.closing);
    assert_eq!(second.id, "STMT-2026-002");
    assert_eq!(second.closing, Some(dec("12629.59")));
    assert_eq!(second.date, Some(day(2026, 1, 16)));
    let d = day(2026, 1, 16);
    assert_eq!(
        second.lines,
        vec![
            // entities decoded, several Ustrd joined
            line(d, Some(d), "595.00", "EUR", "Müller & Söhne OHG", "DE75512108001245126199",
                "MS-20260116-1", "Rechnung RE-2026-0007 Danke", "2026011600001"),
            line(d, Some(d), "-1500.00", "EUR", "Immobilien Verwaltung Nord GmbH",
                "DE27100777770209299700", "", "Miete Februar 2026", "2026011600002"),
            // a returned direct debit: money back in, from the creditor of the original debit
            line(d, Some(d), "49.99", "EUR", "Telco Service GmbH", "DE12500105170648489890",
                "TEL-88123-0126", "RUECKLASTSCHRIFT Vertrag 88123", "2026011600003"),
            // the pending entry (Sts PDNG) is not booked and not read
        ]
    );

    // balances agree with the lines
    for s in &statements {
        assert_eq!(s.opening.unwrap() + sum(&s.lines), s.closing.unwrap(), "{}", s.id);
    }
}

#[test]
fn camt_v08_reads_like_v02() {
    let v02 = read("camt053_001_02.xml", Format::Camt053);
    let v08 = read("camt053_001_08.xml", Format::Camt053);
    // Pty/Nm, Sts/Cd and a BookgDt/DtTm of v08 give the same statements as v02
    assert_eq!(v08, v02);
    assert_eq!(v08[0].lines[0].date, day(2026, 1, 15));
    assert_eq!(v08[0].lines[0].counterparty, "ACME Handels AG");
}

#[test]
fn camt_previous_closing_stands_in_for_the_opening() {
    let text = String::from_utf8(data("camt053_001_02.xml")).unwrap();
    let prcd = text.replace("<Cd>OPBD</Cd>", "<Cd>PRCD</Cd>");
    let statements = parse(prcd.as_bytes(), Format::Camt053, None).unwrap();
    assert_eq!(statements[0].opening, Some(dec("12500.00")));
    assert_eq!(statements[1].opening, Some(dec("13484.60")));
    // a debit balance is negative
    let overdrawn = text.replacen(
        "<Amt Ccy=\"EUR\">12500.00</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>",
        "<Amt Ccy=\"EUR\">12500.00</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>",
        1,
    );
    let statements = parse(overdrawn.as_bytes(), Format::Camt053, None).unwrap();
    assert_eq!(statements[0].opening, Some(dec("-12500.00")));
}

#[test]
fn camt_errors_name_line_and_field() {
    let text = String::from_utf8(data("camt053_001_02.xml")).unwrap();

    let bad_amount = text.replacen("<Amt Ccy=\"EUR\">430.50</Amt>", "<Amt Ccy=\"EUR\">43O.50</Amt>", 1);
    let e = parse(bad_amount.as_bytes(), Format::Camt053, None).unwrap_err();
    let expected_line = text.lines().position(|l| l.contains("430.50")).unwrap() as u32 + 1;
    assert_eq!(e.format, Format::Camt053);
    assert_eq!(e.line, Some(expected_line));
    assert_eq!(e.field.as_deref(), Some("Ntry/Amt"));
    assert!(e.message.contains("43O.50"), "{e}");

    let bad_sign = text.replacen("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DEBIT</CdtDbtInd>", 1);
    let e = parse(bad_sign.as_bytes(), Format::Camt053, None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("Ntry/CdtDbtInd"));

    let broken = &text[..text.len() / 2];
    let e = parse(broken.as_bytes(), Format::Camt053, None).unwrap_err();
    assert!(e.message.contains("XML"), "{e}");
    assert!(e.line.is_some());

    let other = "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"><CstmrCdtTrfInitn/></Document>";
    let e = parse(other.as_bytes(), Format::Camt053, None).unwrap_err();
    assert!(e.message.contains("BkToCstmrStmt"), "{e}");

    let dtd = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]><Document><BkToCstmrStmt/></Document>";
    assert!(parse(dtd.as_bytes(), Format::Camt053, None).is_err(), "no DTDs");
}

// ---------------------------------------------------------------------------------------------
// OFX

#[test]
fn ofx_sgml() {
    let statements = read("statement.ofx", Format::Ofx);
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s.id, "20260201-1");
    assert_eq!(s.account, "4417883092");
    assert_eq!(s.currency.as_deref(), Some("USD"));
    assert_eq!(s.closing, Some(dec("15432.10")));
    // opening = closing − the lines
    assert_eq!(s.opening, Some(dec("13464.59")));
    assert_eq!(s.date, Some(day(2026, 1, 31)));
    assert_eq!(
        s.lines,
        vec![
            line(day(2026, 1, 5), Some(day(2026, 1, 6)), "2500.00", "USD", "ACME Handels AG", "",
                "RF18539007547034", "Invoice INV/2026/00001", "202601050001"),
            // CHECKNUM stands in for the reference; the entity is decoded
            line(day(2026, 1, 12), None, "-430.50", "USD", "Papier Schulz & Co", "", "1042",
                "Check 1042", "202601120002"),
            line(day(2026, 1, 20), None, "-89.99", "USD", "Office Supplies Inc", "00987654321", "",
                "Toner cartridges", "202601200003"),
            // an empty <NAME> does not swallow the <MEMO> after it
            line(day(2026, 1, 31), None, "-12.00", "USD", "", "", "", "Monthly service fee",
                "202601310004"),
        ]
    );
}

#[test]
fn ofx_xml() {
    let statements = read("statement_v2.ofx", Format::Ofx);
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s.id, "1001");
    assert_eq!(s.account, "DE89370400440532013000");
    assert_eq!(s.currency.as_deref(), Some("EUR"));
    assert_eq!(s.closing, Some(dec("12500.00")));
    assert_eq!(s.opening, Some(dec("11763.90")));
    assert_eq!(s.date, Some(day(2026, 1, 31)));
    assert_eq!(
        s.lines,
        vec![
            // the name from the PAYEE aggregate, the date from a timestamp with a time zone
            line(day(2026, 1, 15), Some(day(2026, 1, 15)), "1190.00", "EUR", "ACME Handels AG",
                "", "RF18539007547034", "Rechnung RE-2026-0001", "2026011500001"),
            line(day(2026, 1, 20), None, "-430.50", "EUR", "Papier Schulz & Co KG",
                "DE02120300000000202051", "", "Rechnung 2026-118", "2026012000002"),
            // ORIGCURRENCY is informational: the amount is in CURDEF
            line(day(2026, 1, 25), None, "-23.40", "EUR", "Hotel Zürich", "", "",
                "Kartenzahlung CHF 22.00", "2026012500003"),
        ]
    );
}

#[test]
fn ofx_credit_card_statement() {
    let file = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:151\n\n<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS>\
        <TRNUID>7<CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>4111 1111 1111 1111</CCACCTFROM>\
        <BANKTRANLIST><DTSTART>20260201<DTEND>20260228\
        <STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260203<TRNAMT>-19,90<FITID>CC1<NAME>Buchladen</STMTTRN>\
        </BANKTRANLIST><LEDGERBAL><BALAMT>-19,90<DTASOF>20260228</LEDGERBAL>\
        </CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>";
    assert_eq!(detect(file.as_bytes()), Some(Format::Ofx));
    let s = &parse(file.as_bytes(), Format::Ofx, None).unwrap()[0];
    assert_eq!((s.id.as_str(), s.account.as_str()), ("7", "4111111111111111"));
    // a decimal comma in OFX amounts is read too
    assert_eq!((s.opening, s.closing), (Some(dec("0")), Some(dec("-19.90"))));
    assert_eq!(s.date, Some(day(2026, 2, 28)));
    assert_eq!(
        s.lines,
        vec![line(day(2026, 2, 3), None, "-19.90", "EUR", "Buchladen", "", "", "", "CC1")]
    );
}

#[test]
fn ofx_errors() {
    let text = String::from_utf8(data("statement_v2.ofx")).unwrap();
    let bad = text.replacen("<TRNAMT>-430.50</TRNAMT>", "<TRNAMT>-430.5O</TRNAMT>", 1);
    let e = parse(bad.as_bytes(), Format::Ofx, None).unwrap_err();
    let stmttrn_line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("<STMTTRN>"))
        .nth(1)
        .unwrap()
        .0 as u32
        + 1;
    assert_eq!((e.line, e.field.as_deref()), (Some(stmttrn_line), Some("TRNAMT")));

    let no_date = text.replacen("<DTPOSTED>20260120</DTPOSTED>", "", 1);
    let e = parse(no_date.as_bytes(), Format::Ofx, None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("DTPOSTED"));

    let e = parse(b"OFXHEADER:100\n\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>", Format::Ofx, None)
        .unwrap_err();
    assert!(e.message.contains("STMTRS"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// MT940

#[test]
fn mt940_german_bank_two_statements() {
    let statements = read("statement.mt940", Format::Mt940);
    assert_eq!(statements.len(), 2);
    let (first, second) = (&statements[0], &statements[1]);

    assert_eq!(first.id, "STARTUMS");
    assert_eq!(first.account, "37040044/0532013000");
    assert_eq!(first.currency.as_deref(), Some("EUR"));
    assert_eq!(first.opening, Some(dec("12500.00")));
    assert_eq!(first.closing, Some(dec("13484.60")));
    assert_eq!(first.date, Some(day(2026, 1, 15)));
    let d = day(2026, 1, 15);
    assert_eq!(
        first.lines,
        vec![
            // RF reference in SVWZ+ wins over EREF+; :86: wrapped at 65 characters
            line(d, Some(d), "1190.00", "EUR", "ACME Handels AG", "DE44500105175407324931",
                "RF18539007547034", "RF18 5390 0754 7034", "2026011500001"),
            // ?21 is 27 characters long, so ?22 continues the word
            line(d, Some(d), "-430.50", "EUR", "Papier Schulz KG", "DE02120300000000202051",
                "PO-2026-0042", "Rechnung 2026-118 Kundennr 5521", "2026011500002"),
            // value date 16th, entry (booking) date 15th; NOTPROVIDED and NONREF are no reference
            line(d, Some(day(2026, 1, 16)), "238.00", "EUR", "Jansen Consulting B.V.",
                "NL91ABNA0417164300", "", "INV/2026/00001", "2026011500003"),
            line(d, Some(d), "-12.90", "EUR", "", "", "", "Kontofuehrungsgebuehr Januar 2026",
                "2026011500004"),
        ]
    );

    assert_eq!(second.opening, first.closing);
    assert_eq!(second.closing, Some(dec("12629.59")));
    assert_eq!(second.date, Some(day(2026, 1, 16)));
    let d = day(2026, 1, 16);
    assert_eq!(
        second.lines,
        vec![
            // ISO 8859-1 text decoded
            line(d, Some(d), "595.00", "EUR", "Müller & Söhne OHG", "DE75512108001245126199",
                "MS-20260116-1", "Rechnung RE-2026-0007 Danke", "2026011600001"),
            // ?32 + ?33 make the name
            line(d, Some(d), "-1500.00", "EUR", "Immobilien Verwaltung Nord GmbH",
                "DE27100777770209299700", "", "Miete Februar 2026", "2026011600002"),
            // RD: a reversed debit is money in
            line(d, Some(d), "49.99", "EUR", "Telco Service GmbH", "DE12500105170648489890",
                "TEL-88123-0126", "RUECKLASTSCHRIFT Vertrag 88123", "2026011600003"),
        ]
    );
    for s in &statements {
        assert_eq!(s.opening.unwrap() + sum(&s.lines), s.closing.unwrap());
    }
}

#[test]
fn mt940_tagged_narrative() {
    let statements = read("statement_nl.mt940", Format::Mt940);
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s.id, "940S260301");
    // the currency after the account number is dropped
    assert_eq!(s.account, "NL91ABNA0417164300");
    assert_eq!((s.opening, s.closing), (Some(dec("5120.45")), Some(dec("6265.46"))));
    assert_eq!(s.date, Some(day(2026, 3, 4)));
    assert_eq!(
        s.lines,
        vec![
            line(day(2026, 3, 2), Some(day(2026, 3, 2)), "1250.00", "EUR", "Cora Demo GmbH",
                "DE89370400440532013000", "", "INV/2026/00001", "ABN202603020001"),
            // /REMI/STRD/CUR/… is a structured creditor reference
            line(day(2026, 3, 3), Some(day(2026, 3, 3)), "-89.99", "EUR", "KPN B.V.",
                "NL02ABNA0123456789", "RF18539007547034", "", "ABN202603030002"),
            // free text, no bank reference
            line(day(2026, 3, 4), Some(day(2026, 3, 4)), "-15.00", "EUR", "", "", "",
                "Kosten betalingsverkeer maart", ""),
        ]
    );
}

#[test]
fn mt940_entry_date_across_new_year_and_errors() {
    let file = ":20:X\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:60F:C251231EUR100,00\r\n\
                :61:2601021231D10,NMSCNONREF//B1\r\n:86:Fee\r\n:62F:C260102EUR90,00\r\n-";
    let s = &parse(file.as_bytes(), Format::Mt940, None).unwrap()[0];
    assert_eq!(s.lines[0].date, day(2025, 12, 31));
    assert_eq!(s.lines[0].value_date, Some(day(2026, 1, 2)));
    assert_eq!(s.lines[0].amount, dec("-10"));

    let bad = file.replace("D10,NMSC", "X10,NMSC");
    let e = parse(bad.as_bytes(), Format::Mt940, None).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(5), Some(":61:")));

    let bad = file.replace(":60F:C251231EUR100,00", ":60F:C251231EUR");
    let e = parse(bad.as_bytes(), Format::Mt940, None).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(4), Some(":60F:")));

    let e = parse(b":25:DE89\n:61:260102D1,NMSC", Format::Mt940, None).unwrap_err();
    assert!(e.message.contains(":20:"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// CSV

fn german_mapping() -> CsvMapping {
    CsvMapping {
        delimiter: None,
        has_header: true,
        skip_rows: 3,
        date: "Buchungstag".into(),
        date_format: String::new(),
        value_date: Some("Valuta".into()),
        debit: Some("Soll".into()),
        credit: Some("Haben".into()),
        decimal_comma: true,
        counterparty: Some("Auftraggeber/Empfänger".into()),
        counterparty_account: Some("IBAN".into()),
        reference: Some("Kundenreferenz".into()),
        description: Some("Verwendungszweck".into()),
        currency: Some("Währung".into()),
        ..CsvMapping::default()
    }
}

fn simple_mapping() -> CsvMapping {
    CsvMapping {
        delimiter: Some(','),
        has_header: true,
        date: "date".into(),
        date_format: "%Y-%m-%d".into(),
        amount: Some("amount".into()),
        counterparty: Some("payee".into()),
        reference: Some("reference".into()),
        description: Some("memo".into()),
        bank_ref: Some("id".into()),
        ..CsvMapping::default()
    }
}

#[test]
fn csv_german_export_with_debit_and_credit_columns() {
    let statements = parse(&data("statement.csv"), Format::Csv, Some(&german_mapping())).unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!((s.id.as_str(), s.account.as_str()), ("", ""));
    assert_eq!((s.opening, s.closing), (None, None));
    assert_eq!(s.currency.as_deref(), Some("EUR"));
    assert_eq!(s.date, Some(day(2026, 2, 28)));
    let same = |d: NaiveDate| (d, Some(d));
    let (d1, v1) = same(day(2026, 2, 2));
    let (d2, v2) = same(day(2026, 2, 3));
    let (d4, v4) = same(day(2026, 2, 10));
    let (d5, v5) = same(day(2026, 2, 28));
    assert_eq!(
        s.lines,
        vec![
            line(d1, v1, "1190.00", "EUR", "ACME Handels AG", "DE44500105175407324931",
                "E2E-ACME-4712", "RF18539007547034 Rechnung RE-2026-0001", ""),
            // a quoted ';' stays in the text; the debit column is money out
            line(d2, v2, "-430.50", "EUR", "Papier Schulz KG", "DE02120300000000202051",
                "PO-2026-0051", "Rechnung 2026-131; Kundennr 5521", ""),
            line(day(2026, 2, 5), Some(day(2026, 2, 6)), "-1500.00", "EUR",
                "Immobilien Verwaltung Nord GmbH", "DE27100777770209299700", "",
                "Miete März 2026", ""),
            line(d4, v4, "2380.00", "EUR", "Jansen Consulting B.V.", "NL91ABNA0417164300", "",
                "INV/2026/00002", ""),
            // the empty row before it is skipped
            line(d5, v5, "-12.90", "EUR", "", "", "", "Kontoführungsgebühr Februar", ""),
        ]
    );
}

#[test]
fn csv_simple_signed_amounts() {
    let s = &parse(&data("simple.csv"), Format::Csv, Some(&simple_mapping())).unwrap()[0];
    assert_eq!(s.currency, None);
    assert_eq!(
        s.lines,
        vec![
            line(day(2026, 3, 2), None, "1250.00", "", "ACME Handels AG", "", "RF18539007547034",
                "Invoice INV/2026/00003", "TX-1001"),
            line(day(2026, 3, 3), None, "-4.20", "", "Coffee Corner", "", "", "Card payment", ""),
            line(day(2026, 3, 3), None, "-4.20", "", "Coffee Corner", "", "", "Card payment", ""),
            line(day(2026, 3, 5), None, "-1500.00", "", "Immobilien Verwaltung Nord GmbH", "", "",
                "Rent March", "TX-1003"),
            // (89.99) is negative
            line(day(2026, 3, 9), None, "-89.99", "", "Office Supplies Inc", "", "PO-2026-0060",
                "Toner", "TX-1004"),
        ]
    );
    // columns by 1-based index work as well, with or without a header
    let by_index = CsvMapping {
        date: "1".into(),
        amount: Some("2".into()),
        counterparty: Some("3".into()),
        reference: Some("4".into()),
        description: Some("5".into()),
        bank_ref: Some("6".into()),
        ..simple_mapping()
    };
    assert_eq!(&parse(&data("simple.csv"), Format::Csv, Some(&by_index)).unwrap()[0], s);
    let no_header = CsvMapping { has_header: false, skip_rows: 1, ..by_index };
    assert_eq!(&parse(&data("simple.csv"), Format::Csv, Some(&no_header)).unwrap()[0], s);
}

#[test]
fn csv_preview() {
    let p = preview_csv(&data("statement.csv"), None, true, 3, 2).unwrap();
    assert_eq!(p.delimiter, ';');
    assert_eq!(
        p.headers,
        ["Buchungstag", "Valuta", "Auftraggeber/Empfänger", "IBAN", "Verwendungszweck",
            "Kundenreferenz", "Soll", "Haben", "Währung"]
    );
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.rows[1][4], "Rechnung 2026-131; Kundennr 5521");
    assert_eq!(p.rows[1][6], "430,50");

    let p = preview_csv(&data("simple.csv"), None, false, 0, 100).unwrap();
    assert_eq!(p.delimiter, ',');
    assert_eq!(p.headers, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(p.rows.len(), 6);
    assert_eq!(p.rows[0][0], "date");
    assert_eq!(p.rows[4][1], "-1,500.00");

    let p = preview_csv(b"a\tb\n1\t2\n", None, true, 0, 10).unwrap();
    assert_eq!((p.delimiter, p.headers.len()), ('\t', 2));

    assert!(preview_csv(b"", None, true, 0, 10).is_err());
    assert!(preview_csv(b"a;b", Some('\u{e9}'), true, 0, 10).is_err());
}

#[test]
fn csv_errors_name_row_and_column() {
    // line 7 of the file (after 3 preamble lines and the header) has a bad date
    let bad_date = replaced("statement.csv", "05.02.2026;06.02.2026", "05.13.2026;06.02.2026");
    let e = parse(&bad_date, Format::Csv, Some(&german_mapping())).unwrap_err();
    assert_eq!(e.format, Format::Csv);
    assert_eq!((e.line, e.field.as_deref()), (Some(7), Some("Buchungstag")));
    assert!(e.message.contains("05.13.2026"), "{e}");
    assert_eq!(e.to_string(), "CSV, line 7, Buchungstag: '05.13.2026' is not a date");

    let bad_amount = replaced("statement.csv", ";430,50;", ";430,5x;");
    let e = parse(&bad_amount, Format::Csv, Some(&german_mapping())).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(6), Some("Soll")));

    // a decimal point where the mapping says decimal comma is refused, not read as 100 times more
    let e = parse(&data("simple.csv"), Format::Csv, Some(&CsvMapping { decimal_comma: true, ..simple_mapping() }))
        .unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("amount")));

    let no_amount = replaced("statement.csv", ";1.500,00;;EUR", ";;;EUR");
    let e = parse(&no_amount, Format::Csv, Some(&german_mapping())).unwrap_err();
    assert_eq!(e.line, Some(7));

    let unknown = CsvMapping { date: "Datum".into(), ..german_mapping() };
    let e = parse(&data("statement.csv"), Format::Csv, Some(&unknown)).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (None, Some("date")));

    let no_amount_column = CsvMapping { debit: None, credit: None, ..german_mapping() };
    assert!(parse(&data("statement.csv"), Format::Csv, Some(&no_amount_column)).is_err());

    let e = parse(&data("simple.csv"), Format::Csv, None).unwrap_err();
    assert_eq!(e.format, Format::Csv);
}

#[test]
fn csv_date_format_is_chosen_for_the_whole_column() {
    // 03/04 alone is ambiguous; 13/04 shows the file is day first
    let file = "Date,Amount\n03/04/2026,1.00\n13/04/2026,2.00\n";
    let mapping = CsvMapping {
        has_header: true,
        date: "Date".into(),
        amount: Some("Amount".into()),
        ..CsvMapping::default()
    };
    let s = &parse(file.as_bytes(), Format::Csv, Some(&mapping)).unwrap()[0];
    assert_eq!(s.lines[0].date, day(2026, 4, 3));
    // …and a US file is month first
    let file = "Date,Amount\n03/04/2026,1.00\n04/13/2026,2.00\n";
    let s = &parse(file.as_bytes(), Format::Csv, Some(&mapping)).unwrap()[0];
    assert_eq!(s.lines[0].date, day(2026, 3, 4));
}

#[test]
fn csv_mapping_is_saved_as_json() {
    let json = serde_json::to_string(&german_mapping()).unwrap();
    let back: CsvMapping = serde_json::from_str(&json).unwrap();
    assert_eq!(back, german_mapping());
    // a mapping saved before a field existed still loads
    let old: CsvMapping = serde_json::from_str(r#"{"date":"Datum","amount":"Betrag"}"#).unwrap();
    assert_eq!(old.date, "Datum");
    assert!(!old.has_header && old.delimiter.is_none());
    assert_eq!(serde_json::to_string(&Format::Camt053).unwrap(), "\"camt053\"");
    assert_eq!(serde_json::to_string(&Format::Mt940).unwrap(), "\"mt940\"");
}

// ---------------------------------------------------------------------------------------------
// detect

#[test]
fn detect_by_content() {
    assert_eq!(detect(&data("camt053_001_02.xml")), Some(Format::Camt053));
    assert_eq!(detect(&data("camt053_001_08.xml")), Some(Format::Camt053));
    assert_eq!(detect(&data("statement.ofx")), Some(Format::Ofx));
    assert_eq!(detect(&data("statement_v2.ofx")), Some(Format::Ofx));
    assert_eq!(detect(&data("statement.mt940")), Some(Format::Mt940));
    assert_eq!(detect(&data("statement_nl.mt940")), Some(Format::Mt940));
    assert_eq!(detect(&data("statement.csv")), Some(Format::Csv));
    assert_eq!(detect(&data("simple.csv")), Some(Format::Csv));

    assert_eq!(detect(b""), None);
    assert_eq!(detect(b"   \n"), None);
    assert_eq!(detect(b"%PDF-1.7\n\x00\x01\x02binary"), None);
    assert_eq!(detect(b"<html><body>a,b;c</body></html>"), None);
    assert_eq!(detect(b"just one line of prose"), None);
    // a UTF-8 BOM and leading blank lines do not hide the format
    let mut camt = b"\xEF\xBB\xBF\n".to_vec();
    camt.extend(data("camt053_001_08.xml"));
    assert_eq!(detect(&camt), Some(Format::Camt053));
}

// ---------------------------------------------------------------------------------------------
// fingerprints

#[test]
fn identical_lines_stay_distinct() {
    let s = &parse(&data("simple.csv"), Format::Csv, Some(&simple_mapping())).unwrap()[0];
    let prints = fingerprints("DE89 3704 0044 0532 0130 00", &s.lines);
    assert_eq!(prints.len(), 5);
    assert_eq!(s.lines[1], s.lines[2]);
    assert_ne!(prints[1], prints[2], "two identical coffees are two lines");
    let unique: std::collections::HashSet<_> = prints.iter().collect();
    assert_eq!(unique.len(), 5);
    assert!(prints.iter().all(|p| p.len() == 64 && p.bytes().all(|b| b.is_ascii_hexdigit())));
    // the account is normalised like the lines' accounts
    assert_eq!(prints, fingerprints("de89370400440532013000", &s.lines));
}

#[test]
fn an_overlapping_later_file_gives_the_same_fingerprints() {
    let statements = read("camt053_001_02.xml", Format::Camt053);
    let january: Vec<Line> = statements.iter().flat_map(|s| s.lines.clone()).collect();
    let all = fingerprints(&statements[0].account, &january);

    // a later file repeats the second statement only
    let later = fingerprints(&statements[1].account, &statements[1].lines);
    assert_eq!(later[..], all[4..]);

    // the statement id plays no part: the same lines under another id print alike
    let mut renamed = statements[1].clone();
    renamed.id = "2027-001".into();
    assert_eq!(fingerprints(&renamed.account, &renamed.lines), later);

    // the CSV's two identical coffees, read again from a file that starts with them
    let s = &parse(&data("simple.csv"), Format::Csv, Some(&simple_mapping())).unwrap()[0];
    let first = fingerprints("X", &s.lines);
    let second = fingerprints("X", &s.lines[1..]);
    assert_eq!(second[..], first[1..]);
}

#[test]
fn fingerprints_follow_the_fields() {
    let v02 = read("camt053_001_02.xml", Format::Camt053);
    let v08 = read("camt053_001_08.xml", Format::Camt053);
    // the same content in v02 and v08 gives equal fields, so equal fingerprints
    for (a, b) in v02.iter().zip(&v08) {
        assert_eq!(fingerprints(&a.account, &a.lines), fingerprints(&b.account, &b.lines));
    }
    let base = v02[0].lines[0].clone();
    let print = |line: &Line| fingerprints("DE89370400440532013000", std::slice::from_ref(line))[0].clone();
    let original = print(&base);
    // the amount's scale and the description's spacing do not matter
    assert_eq!(print(&Line { amount: dec("1190"), ..base.clone() }), original);
    let spaced = Line { description: "  Rechnung  RE\n1 ".into(), ..base.clone() };
    let single = Line { description: "Rechnung RE 1".into(), ..base.clone() };
    assert_eq!(print(&spaced), print(&single));
    // the counterparty's name, value date and currency are not part of it
    assert_eq!(print(&Line { counterparty: "ACME".into(), value_date: None, currency: None, ..base.clone() }), original);
    // each listed field is
    assert_ne!(print(&Line { date: day(2026, 1, 16), ..base.clone() }), original);
    assert_ne!(print(&Line { amount: dec("-1190"), ..base.clone() }), original);
    assert_ne!(print(&Line { counterparty_account: "DE02120300000000202051".into(), ..base.clone() }), original);
    assert_ne!(print(&Line { reference: "X".into(), ..base.clone() }), original);
    assert_ne!(print(&Line { bank_ref: "X".into(), ..base.clone() }), original);
    assert_ne!(print(&Line { description: "X".into(), ..base.clone() }), original);
    assert_ne!(fingerprints("DE02120300000000202051", std::slice::from_ref(&base))[0], original);
    assert!(fingerprints("X", &[]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// garbage never panics

const SAMPLES: &[&str] = &[
    "camt053_001_02.xml",
    "camt053_001_08.xml",
    "statement.ofx",
    "statement_v2.ofx",
    "statement.mt940",
    "statement_nl.mt940",
    "statement.csv",
    "simple.csv",
];

/// Every public function on the bytes: it may fail, it must not panic.
fn exercise(bytes: &[u8]) {
    let _ = detect(bytes);
    for format in [Format::Camt053, Format::Ofx, Format::Mt940] {
        if let Ok(statements) = parse(bytes, format, None) {
            for s in statements {
                let _ = fingerprints(&s.account, &s.lines);
            }
        }
    }
    for mapping in [german_mapping(), simple_mapping(), CsvMapping::default()] {
        let _ = parse(bytes, Format::Csv, Some(&mapping));
    }
    let _ = preview_csv(bytes, None, true, 0, 5);
    let _ = preview_csv(bytes, Some(';'), false, 2, 5);
}

#[test]
fn garbage_is_an_error() {
    let garbage: &[&[u8]] = &[b"", b"\x00\xff\xfe garbage", b"<", b"<<<>>>", b":20:", b"{1:", b"&#x110000;"];
    for bytes in garbage {
        exercise(bytes);
        for format in [Format::Camt053, Format::Ofx, Format::Mt940] {
            let result: Result<_, ParseError> = parse(bytes, format, None);
            assert!(result.is_err(), "{format:?} accepted {bytes:?}");
        }
    }
    // deep nesting neither overflows the stack nor is accepted
    let deep = "<STMTRS>".repeat(200_000);
    exercise(deep.as_bytes());
    let deep_xml = "<a>".repeat(100_000);
    exercise(deep_xml.as_bytes());
    let deep_closed = format!("<a>{}</a>", "<b>".repeat(50_000) + &"</b>".repeat(50_000));
    exercise(deep_closed.as_bytes());
    // long runs without separators stay linear
    exercise("&".repeat(200_000).as_bytes());
    let head = ":20:X\n:25:A\n:60F:C260101EUR1,\n:61:260101C1,NTRF\n";
    exercise(format!("{head}:86:{}\n:62F:C260101EUR2,", "/".repeat(200_000)).as_bytes());
    exercise(format!("{head}:86:166{}", "?20".repeat(100_000)).as_bytes());
    exercise("<A>".repeat(100_000).as_bytes());
    exercise(format!("{}{}", "<A>".repeat(100_000), "</B>".repeat(100_000)).as_bytes());
}

#[test]
fn odd_date_formats_are_errors() {
    for format in ["%", "%Q", "%-", "%Y%", "%.3f", "%:z", "%#z", "%s", "%+", "%E", "%%%"] {
        let mapping = CsvMapping { date_format: format.into(), ..simple_mapping() };
        let e = parse(&data("simple.csv"), Format::Csv, Some(&mapping)).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("date")), "{format}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// `PROPTEST_CASES` sets the number of cases (default: a small 64, so the suite stays fast).
    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Flip(usize, u8),
        Insert(usize, Vec<u8>),
        Delete(usize, usize),
        Truncate(usize),
        Duplicate(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        let snippets = prop_oneof![
            proptest::collection::vec(any::<u8>(), 1..8),
            Just(b"<".to_vec()),
            Just(b"</Ntry>".to_vec()),
            Just(b"<STMTTRN>".to_vec()),
            Just(b"\n:61:".to_vec()),
            Just(b"\n:86:?".to_vec()),
            Just(b"?3".to_vec()),
            Just(b"/NAME/".to_vec()),
            Just(b"&amp".to_vec()),
            Just(b"\"".to_vec()),
            Just(b";".to_vec()),
            Just("€".as_bytes().to_vec()),
            Just(b"99999999999999999999999999999".to_vec()),
        ];
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
            (any::<usize>(), snippets).prop_map(|(at, s)| Mutation::Insert(at, s)),
            (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 1usize..200).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        ]
    }

    fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
        let len = bytes.len().max(1);
        match mutation {
            Mutation::Flip(at, b) => {
                if !bytes.is_empty() {
                    bytes[at % len] = *b;
                }
            }
            Mutation::Insert(at, s) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, s.iter().copied());
            }
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            exercise(&bytes);
        }

        #[test]
        fn random_text_never_panics(text in "[ -~\n\r\t:;,<>/?0-9CDR]{0,600}") {
            exercise(text.as_bytes());
        }

        #[test]
        fn mutated_samples_never_panic(
            sample in 0..SAMPLES.len(),
            mutations in proptest::collection::vec(mutation(), 1..6),
        ) {
            let mut bytes = data(SAMPLES[sample]);
            for m in &mutations {
                apply(&mut bytes, m);
            }
            exercise(&bytes);
        }
    }
}
