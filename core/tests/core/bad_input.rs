//! Bad input on every command: wrong types, empty and huge strings, bad emails, SQL
//! metacharacters, unicode, unknown commands and companies. The answer is always a clear
//! error (never `internal`), and a refused call writes nothing.
//!
//! The sweep reads each command's args schema from the registry, so a new module's
//! commands are covered as soon as they are registered.

use crate::{SIGN_IN_TABLES, code_of, dump};
use cora_core::testing::{PASSWORD, TestApp};
use cora_core::{CompanyRef, ErrorCode, Registry};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// An id no row has.
const NO_SUCH_ID: i64 = 987_654_321;

const SQL: &[&str] = &[
    "'; DROP TABLE users; --",
    "Robert'); DELETE FROM companies; --",
    "\" OR 1=1 --",
    "%_\\*()[]{}",
];

fn string_values() -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("empty", json!("")),
        ("blank", json!("   ")),
        ("huge", json!("x".repeat(100_000))),
        ("nul", json!("a\u{0}b")),
        ("newline-only", json!("\n")),
        ("unicode", json!("Zoë Ωμέγα 日本語 🚀 \u{202E}txet")),
        ("combining", json!("e\u{301}\u{301}\u{301}")),
        ("bom", json!("\u{FEFF}")),
        ("bad email 1", json!("not-an-email")),
        ("bad email 2", json!("a@")),
        ("bad email 3", json!("@example.com")),
        ("bad email 4", json!("a b@example.com")),
        ("bad email 5", json!("a@b@example.com")),
        ("bad email 6", json!("<script>alert(1)</script>@example.com")),
    ];
    v.extend(SQL.iter().map(|s| ("sql", json!(s))));
    // Amounts, quantities and factors travel as strings: the edges of every range.
    v.extend([
        ("decimal max", json!("79228162514264337593543950335")),
        ("decimal min", json!("-79228162514264337593543950335")),
        ("decimal tiny", json!("0.0000000000000000000000000001")),
        ("decimal eleven nines", json!("99999999999")),
        ("decimal beyond", json!("792281625142643375935439503350")),
        ("decimal exponent", json!("1e28")),
        ("decimal negative zero", json!("-0")),
    ]);
    v
}

fn number_values() -> Vec<(&'static str, Value)> {
    vec![
        ("negative", json!(-1)),
        ("zero", json!(0)),
        ("max", json!(i64::MAX)),
        ("min", json!(i64::MIN)),
        ("beyond u64", serde_json::from_str("18446744073709551616").unwrap()),
        ("float huge", json!(1e300)),
    ]
}

/// A JSON value of each kind, for type confusion.
fn kinds() -> Vec<(&'static str, Value)> {
    vec![
        ("string", json!("12")),
        ("integer", json!(12)),
        ("number", json!(1.5)),
        ("boolean", json!(true)),
        ("array", json!([1])),
        ("object", json!({"x": 1})),
        ("null", Value::Null),
    ]
}

/// The JSON kinds a schema accepts; `None` when it accepts anything (or we cannot tell).
fn accepted(schema: &Value, root: &Value) -> Option<BTreeSet<String>> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next()?;
        return accepted(&root["$defs"][name], root);
    }
    if let Some(t) = schema.get("type") {
        let mut set: BTreeSet<String> = match t {
            Value::String(s) => [s.clone()].into(),
            Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
            _ => return None,
        };
        // An integer is also a number.
        if set.contains("number") {
            set.insert("integer".into());
        }
        return Some(set);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema[key].as_array() {
            let mut set = BTreeSet::new();
            for a in alts {
                set.extend(accepted(a, root)?);
            }
            return Some(set);
        }
    }
    if schema.get("const").is_some() || schema.get("enum").is_some() {
        // Literal values: every other kind is wrong, but we do not know which kind is right.
        return None;
    }
    None
}

struct Prop {
    name: String,
    accepts: Option<BTreeSet<String>>,
    required: bool,
    schema: Value,
}

/// The object schema a property holds directly, optionally or as array items (the
/// `query` of a list, the lines of a kit), with whether it is an array of them.
fn object_schema(schema: &Value, root: &Value) -> Option<(Value, bool)> {
    if let Some(r) = schema["$ref"].as_str() {
        return object_schema(&root["$defs"][r.rsplit('/').next()?], root);
    }
    if schema.get("properties").is_some() {
        return Some((schema.clone(), false));
    }
    if let Some(items) = schema.get("items") {
        return object_schema(items, root).filter(|(_, arr)| !arr).map(|(o, _)| (o, true));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema[key].as_array() {
            return alts.iter().find_map(|a| object_schema(a, root));
        }
    }
    None
}

fn props(schema: &Value) -> Vec<Prop> {
    props_in(schema, schema)
}

/// The properties of `schema`, resolving references against `root`.
fn props_in(schema: &Value, root: &Value) -> Vec<Prop> {
    let required: BTreeSet<&str> = schema["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    schema["properties"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| Prop { name: k.clone(), accepts: accepted(v, root), required: required.contains(k.as_str()), schema: v.clone() })
                .collect()
        })
        .unwrap_or_default()
}

/// A harmless value of an accepted kind, for the fields a variant does not vary.
fn filler(p: &Prop) -> Value {
    let a = p.accepts.clone().unwrap_or_default();
    if a.contains("string") {
        json!("filler")
    } else if a.contains("integer") {
        json!(NO_SUCH_ID)
    } else if a.contains("boolean") {
        json!(false)
    } else if a.contains("array") {
        json!([])
    } else if a.contains("object") {
        json!({})
    } else {
        Value::Null
    }
}

struct Case {
    what: String,
    args: Value,
    /// A value no schema allows: the call must fail.
    must_fail: bool,
}

fn cases(schema: &Value, mutating: bool) -> Vec<Case> {
    let props = props(schema);
    let base: serde_json::Map<String, Value> = props.iter().filter(|p| p.required).map(|p| (p.name.clone(), filler(p))).collect();
    let with = |name: &str, v: Value| {
        let mut m = base.clone();
        m.insert(name.to_string(), v);
        Value::Object(m)
    };
    let mut out = vec![
        Case { what: "base".into(), args: Value::Object(base.clone()), must_fail: false },
        Case { what: "an unknown field".into(), args: with("no_such_field", json!(1)), must_fail: true },
    ];
    for (what, v) in [("array", json!([])), ("array of args", json!(["filler", NO_SUCH_ID])), ("string", json!("{}")), ("number", json!(42)), ("boolean", json!(true))] {
        out.push(Case { what: format!("args as {what}"), args: v, must_fail: true });
    }
    for p in &props {
        if let Some(acc) = &p.accepts {
            for (kind, v) in kinds() {
                if !acc.contains(kind) {
                    out.push(Case { what: format!("{} as {kind}", p.name), args: with(&p.name, v), must_fail: true });
                }
            }
            if acc.contains("string") {
                for (what, v) in string_values() {
                    let must_fail = mutating && what == "huge";
                    out.push(Case { what: format!("{} {what}", p.name), args: with(&p.name, v), must_fail });
                }
                // Every string field at once.
                let mut all = base.clone();
                for q in props.iter().filter(|q| q.accepts.as_ref().is_some_and(|a| a.contains("string"))) {
                    all.insert(q.name.clone(), json!(SQL[0]));
                }
                out.push(Case { what: "every string as SQL".into(), args: Value::Object(all), must_fail: false });
            }
            if acc.contains("integer") {
                for (what, v) in number_values() {
                    // Past i64/u64, or a float where only integers go, no integer field accepts it.
                    let must_fail = matches!(what, "beyond u64" | "float huge") && !acc.contains("number");
                    out.push(Case { what: format!("{} {what}", p.name), args: with(&p.name, v), must_fail });
                }
            }
            if acc.contains("array") {
                out.push(Case { what: format!("{} huge array", p.name), args: with(&p.name, json!(vec!["x"; 10_000])), must_fail: false });
            }
        }
        if p.required {
            let mut m = base.clone();
            m.remove(&p.name);
            out.push(Case { what: format!("{} missing", p.name), args: Value::Object(m), must_fail: true });
        }
        // One level down: each string of a nested object (a list's search, a kit line's
        // quantity) gets every string value too.
        if let Some((obj, is_array)) = object_schema(&p.schema, schema) {
            let inner = props_in(&obj, schema);
            let inner_base: serde_json::Map<String, Value> = inner.iter().filter(|q| q.required).map(|q| (q.name.clone(), filler(q))).collect();
            for q in inner.iter().filter(|q| q.accepts.as_ref().is_some_and(|a| a.contains("string"))) {
                for (what, v) in string_values() {
                    let mut o = inner_base.clone();
                    o.insert(q.name.clone(), v);
                    let nested = if is_array { json!([o]) } else { Value::Object(o) };
                    out.push(Case { what: format!("{}.{} {what}", p.name, q.name), args: with(&p.name, nested), must_fail: mutating && what == "huge" });
                }
            }
        }
    }
    out
}

/// Error codes that say clearly what is wrong with the input.
fn clear(command: &str, code: ErrorCode) -> bool {
    match code {
        ErrorCode::Validation | ErrorCode::NotFound | ErrorCode::Conflict => true,
        // Sign-in answers bad credentials as such, and locks after five; a wrong old
        // password counts as a failed sign-in, so changing it locks too.
        ErrorCode::Unauthenticated => command == "auth.login",
        ErrorCode::Throttled => matches!(command, "auth.login" | "auth.change_password"),
        _ => false,
    }
}

#[test]
fn every_command_answers_bad_input_with_a_clear_error_and_writes_nothing() {
    let mut app = TestApp::new();
    let a = app.company("A");
    app.company("B");
    app.member("viewer@example.com", "A", "viewer");
    let company = CompanyRef::Id(a);
    let registry = Registry::new();
    let infos = registry.describe();
    let mut problems = Vec::new();
    let mut calls = 0;
    for info in &infos {
        // Signing out is what auth.logout is for; it takes no args to get wrong.
        if info.name == "auth.logout" {
            continue;
        }
        for case in cases(&info.args_schema, info.mutating) {
            // A call marks its session as used (`last_seen_at`, once a minute): activity,
            // not data. Sign-in commands also count failures.
            let skip: &[&str] = if matches!(info.name, "auth.login" | "auth.change_password") || info.name.starts_with("setup.") { SIGN_IN_TABLES } else { &["sessions"] };
            let before = dump(app.cora.store().conn(), skip);
            let token = app.admin.clone();
            let r = app.cora.call(Some(&token), Some(&company), info.name, case.args.clone());
            calls += 1;
            let short = |v: &Value| {
                let s = v.to_string();
                if s.len() > 120 { format!("{}…", &s[..s.char_indices().nth(120).map_or(s.len(), |(i, _)| i)]) } else { s }
            };
            match &r {
                Err(e) if !clear(info.name, e.code()) => {
                    problems.push(format!("{} [{}] {}: {} ({})", info.name, case.what, short(&case.args), e.code(), e));
                }
                Err(_) => {
                    if dump(app.cora.store().conn(), skip) != before {
                        problems.push(format!("{} [{}]: failed but wrote", info.name, case.what));
                    }
                }
                Ok(v) if case.must_fail => {
                    problems.push(format!("{} [{}] {}: accepted, returned {}", info.name, case.what, short(&case.args), short(v)));
                }
                Ok(_) => {}
            }
            if code_of(&app.cora.call(Some(&token), None, "auth.me", json!({}))).is_some() {
                panic!("{} [{}] ended the administrator's session", info.name, case.what);
            }
        }
    }
    assert!(calls > 500, "only {calls} calls: the schema walk found too little");
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));

    let conn = app.cora.store().conn();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let dangling: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(dangling, 0);
    for t in ["users", "companies", "roles", "memberships", "audit_log"] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
        assert!(n > 0, "{t} is empty");
    }
}

#[test]
fn unknown_commands_and_companies_are_not_found() {
    let mut app = TestApp::new();
    app.company("A");
    let token = app.admin.clone();
    let before = dump(app.cora.store().conn(), &[]);
    let huge = "c".repeat(100_000);
    for name in ["", "nope", "role", "ROLE.CREATE", "role.create; DROP TABLE roles", "role.create ", "rôle.créer", huge.as_str()] {
        let r = app.cora.call(Some(&token), None, name, json!({}));
        assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "{name:.40}");
        let r = app.cora.call(None, None, name, json!({}));
        assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "{name:.40} without a session");
    }
    let refs = [
        CompanyRef::Code(String::new()),
        CompanyRef::Code("' OR 1=1 --".into()),
        CompanyRef::Code("%".into()),
        CompanyRef::Code(huge.clone()),
        CompanyRef::Code("Ä".into()),
        CompanyRef::Id(-1),
        CompanyRef::Id(0),
        CompanyRef::Id(i64::MAX),
    ];
    for c in &refs {
        for (cmd, args) in [("role.create", json!({"name": "x"})), ("company.get", json!({})), ("role.list", json!({}))] {
            let r = app.cora.call(Some(&token), Some(c), cmd, args);
            assert_eq!(code_of(&r), Some(ErrorCode::NotFound), "{cmd} in {c:?}");
        }
    }
    // A company named by code ignores case and spaces around it, as codes are unique that way.
    app.cora.call(Some(&token), Some(&CompanyRef::Code(" a ".into())), "company.get", json!({})).unwrap();
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}

#[test]
fn bad_emails_are_refused_on_the_email_field() {
    let mut app = TestApp::new();
    app.company("A");
    let viewer = app.admin_in("A", "role.list", json!({})).unwrap().as_array().unwrap().iter().find(|r| r["builtin"] == "viewer").unwrap()["id"].clone();
    let before = dump(app.cora.store().conn(), &[]);
    let long = format!("{}@example.com", "a".repeat(250));
    let bad = ["", "   ", "plain", "a@", "@example.com", "a b@example.com", "a@b@example.com", "a@exa mple.com", "a\n@example.com", long.as_str()];
    for email in bad {
        let r = app.admin_call("user.create", json!({"email": email, "display_name": "X", "password": PASSWORD}));
        let e = r.expect_err(email);
        assert_eq!(e.code(), ErrorCode::Validation, "{email}");
        assert!(e.fields().iter().any(|f| f.field == "email"), "{email}: {e:?}");

        let r = app.admin_in("A", "membership.add", json!({"email": email, "role_id": viewer}));
        let e = r.expect_err(email);
        assert_eq!(e.code(), ErrorCode::Validation, "{email}");
        assert!(e.fields().iter().any(|f| f.field == "email"), "{email}: {e:?}");

        let r = app.admin_call("user.update", json!({"id": 1, "email": email}));
        assert_eq!(code_of(&r), Some(ErrorCode::Validation), "{email}");
    }
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}

#[test]
fn a_company_reports_every_bad_field_at_once() {
    let mut app = TestApp::new();
    let before = dump(app.cora.store().conn(), &[]);
    let r = app.admin_call(
        "company.create",
        json!({
            "code": "has space", "name": " ", "base_currency": "EURO", "locale": "xx-!!", "timezone": "Mars/Olympus",
            "fiscal_year_start_month": 13, "color": "red", "address": {"country_code": "ZZ", "city": "c".repeat(101)}
        }),
    );
    let e = r.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    let fields: BTreeSet<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
    for f in ["code", "name", "base_currency", "locale", "timezone", "fiscal_year_start_month", "color", "address.country_code", "address.city"] {
        assert!(fields.contains(f), "{f} not reported: {fields:?}");
    }
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}

#[test]
fn sql_metacharacters_and_unicode_are_stored_literally() {
    let mut app = TestApp::new();
    app.company("A");
    let mut names: Vec<String> = SQL.iter().map(|s| s.to_string()).collect();
    names.push("Zoë Ωμέγα 日本語 🚀".into());
    names.push("e\u{301}".into());
    for n in &names {
        let role = app.admin_in("A", "role.create", json!({"name": n, "description": n})).unwrap();
        assert_eq!(&role["name"], &json!(n));
        let got = app.admin_in("A", "role.get", json!({"id": role["id"]})).unwrap();
        assert_eq!(&got["description"], &json!(n));
    }
    let listed: Vec<String> = app.admin_in("A", "role.list", json!({})).unwrap().as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect();
    for n in &names {
        assert!(listed.contains(n), "{n} missing from {listed:?}");
    }
    let c = app.admin_in("A", "company.update", json!({"name": SQL[1], "legal_name": "Ωμέγα GmbH"})).unwrap();
    assert_eq!(c["name"], SQL[1]);
    assert_eq!(c["legal_name"], "Ωμέγα GmbH");
    // The tables the metacharacters name are all still there.
    assert!(app.admin_call("user.list", json!({})).unwrap().as_array().unwrap().len() == 1);
    assert_eq!(app.admin_call("company.list", json!({})).unwrap().as_array().unwrap().len(), 1);
    // LIKE wildcards in a search match themselves only.
    for s in ["%", "_", "\\"] {
        assert_eq!(app.admin_call("user.list", json!({"search": s})).unwrap().as_array().unwrap().len(), 0, "search {s}");
    }
}

#[test]
fn control_characters_and_overlong_text_are_refused() {
    let mut app = TestApp::new();
    app.company("A");
    let before = dump(app.cora.store().conn(), &[]);
    for name in ["", "  ", "tab\u{7}bell", "nul\u{0}", "esc\u{1b}[31m", &"n".repeat(101)] {
        let e = app.admin_in("A", "role.create", json!({"name": name})).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation, "{name:?}");
        assert_eq!(e.fields()[0].field, "name");
    }
    assert_eq!(dump(app.cora.store().conn(), &[]), before);
}
