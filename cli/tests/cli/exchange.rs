//! `cora import` and `cora export`: files in, files out, through the same commands.

use crate::{ADMIN, Env};

#[test]
fn export_then_import_into_another_company_round_trips_partners_and_products() {
    let env = Env::new();
    env.call(&["company.create", r#"{"code":"COPY","name":"Copy Ltd","base_currency":"EUR"}"#]).ok();
    env.call(&["partner.create", r#"{"code":"GG","name":"Golden Gate, Traders","is_supplier":true,"credit_limit":"1500.25"}"#, "--company", "ACME"]).ok();
    env.call(&["catalog.create_product", r#"{"sku":"MUG-1","name":"Mug","kind":"stockable","sale_price":"9.90","cost":"3.10"}"#, "--company", "ACME"]).ok();
    let dir = env.dir.path();
    for kind in ["partners", "products"] {
        let out = dir.join(format!("{kind}.csv"));
        let out = out.to_str().unwrap();
        env.run(&["export", kind, "--company", "ACME", "--out", out, "--user", ADMIN], None).ok();
        let text = std::fs::read_to_string(out).unwrap();
        assert!(text.lines().count() == 2, "{kind}: a header and one row: {text}");

        let dry = env.run(&["import", kind, out, "--company", "COPY", "--dry-run", "--user", ADMIN], None);
        dry.ok();
        assert_eq!(dry.json()["committed"], false);
        let real = env.run(&["import", kind, out, "--company", "COPY", "--user", ADMIN], None);
        real.ok();
        assert_eq!(real.json()["committed"], true, "{real:?}");

        let again = dir.join(format!("{kind}-copy.csv"));
        let again = again.to_str().unwrap();
        env.run(&["export", kind, "--company", "COPY", "--out", again, "--user", ADMIN], None).ok();
        assert_eq!(text, std::fs::read_to_string(again).unwrap(), "{kind}: exporting the copy gives the same file");
    }
    let xlsx = dir.join("partners.xlsx");
    env.run(&["export", "partners", "--company", "ACME", "--format", "xlsx", "--out", xlsx.to_str().unwrap(), "--user", ADMIN], None).ok();
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK", "an XLSX file is a zip");
}

#[test]
fn an_import_with_bad_rows_reports_them_and_writes_nothing() {
    let env = Env::new();
    let file = env.dir.path().join("bad.csv");
    std::fs::write(&file, "code,name,email\nA1,Good One,a@example.com\nA2,,b@example.com\nA3,Bad Mail,nope\n").unwrap();
    let out = env.run(&["import", "partners", file.to_str().unwrap(), "--company", "ACME", "--user", ADMIN], None);
    assert_eq!(out.code, 4, "bad rows are bad input: {out:?}");
    let report = out.json();
    assert_eq!(report["committed"], false, "{out:?}");
    let rows: Vec<(i64, &str)> = report["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap())).collect();
    assert_eq!(rows, [(3, "name"), (4, "email")]);
    let list = env.call(&["partner.list", "--company", "ACME"]).ok().json();
    assert_eq!(list["total"], 0);
}
