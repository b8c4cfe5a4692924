//! The HTTP API against the command layer itself: real files in temp dirs, the real
//! server on an ephemeral loopback port, a real HTTP client with keep-alive.

use chrono::{Duration, TimeZone, Utc};
use cora_core::testing::{ADMIN_EMAIL, ManualClock, PASSWORD, login};
use cora_core::{CompanyRef, Cora};
use cora_http::{Config, Running};
use serde_json::{Value, json};
use std::io::{Read, Write};

/// A file with an administrator, the company A with a customer, and an API token of
/// the administrator. Returns the open file, the admin's session and the API token.
fn build(dir: &std::path::Path, clock: &ManualClock) -> (Cora, String, String) {
    let mut cora = Cora::open(dir.join("cora.db")).unwrap();
    clock.install(&mut cora);
    cora.bootstrap_admin(ADMIN_EMAIL, "Admin", PASSWORD).unwrap();
    let session = login(&mut cora, ADMIN_EMAIL, PASSWORD).unwrap();
    let s = Some(session.as_str());
    cora.call(s, None, "company.create", json!({"code": "A", "name": "A Ltd", "base_currency": "EUR", "locale": "en-IE", "timezone": "Europe/Dublin"})).unwrap();
    let a = CompanyRef::Code("A".into());
    cora.call(s, Some(&a), "partner.create", json!({"name": "Golden Gate Traders", "is_customer": true})).unwrap();
    let t = cora.call(s, None, "auth.create_api_token", json!({"name": "tests"})).unwrap();
    (cora, session, t["token"].as_str().unwrap().to_string())
}

fn config() -> Config {
    Config { port: 0, rate_per_second: 1_000_000, ..Config::default() }
}

struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    fn new(server: &Running) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Client { agent, base: format!("http://{}", server.addr()) }
    }

    /// POSTs a command; returns the status and the JSON body.
    fn call(&self, token: Option<&str>, command: &str, body: &Value) -> (u16, Value) {
        let mut req = self.agent.post(&format!("{}/v1/commands/{command}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.send_json(body).expect("request");
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json::<Value>().expect("a JSON body"))
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let mut resp = self.agent.get(&format!("{}{path}", self.base)).call().expect("request");
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json::<Value>().expect("a JSON body"))
    }
}

/// What `cora call` would print: the result, or the error body (on stderr).
fn direct(cora: &mut Cora, token: &str, company: Option<&str>, command: &str, args: Value) -> (u16, Value) {
    let company = company.map(|c| CompanyRef::Code(c.into()));
    match cora.call(Some(token), company.as_ref(), command, args) {
        Ok(v) => (200, v),
        Err(e) => (cora_http::status_of(e.code()).as_u16(), serde_json::to_value(e.to_body()).unwrap()),
    }
}

/// API tokens are random, so their visible prefixes differ between the two files.
fn mask(v: (u16, Value)) -> (u16, Value) {
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) if s.starts_with("cora_pat_") => *s = "cora_pat_…".into(),
            Value::Object(o) => o.values_mut().for_each(walk),
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let (status, mut body) = v;
    walk(&mut body);
    (status, body)
}

#[test]
fn every_command_answers_over_http_exactly_as_through_the_command_layer() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let (dir_h, dir_d) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (served, _, token_h) = build(dir_h.path(), &clock);
    let (mut cora, _, token_d) = build(dir_d.path(), &clock);
    let names: Vec<&'static str> = cora.registry().commands().map(|c| c.name).collect();
    let server = cora_http::start(served, &config()).unwrap();
    let http = Client::new(&server);

    let mut calls = 0;
    let mut answered_ok = 0;
    for name in &names {
        for company in [None, Some("A")] {
            for args in [Value::Null, json!({})] {
                let mut body = json!({"args": args});
                if let Some(c) = company {
                    body["company"] = json!(c);
                }
                let got = mask(http.call(Some(&token_h), name, &body));
                let want = mask(direct(&mut cora, &token_d, company, name, args));
                assert_eq!(got, want, "{name} in {company:?}");
                calls += 1;
                answered_ok += usize::from(want.0 == 200);
            }
        }
    }
    assert_eq!(calls, names.len() * 4);
    assert!(answered_ok > 20, "some commands answer with no args ({answered_ok})");

    // Real reads and writes with args, and refusals of every kind.
    let cases: Vec<(Option<&str>, &str, Value)> = vec![
        (Some("A"), "partner.create", json!({"name": "Acme Supplies", "is_supplier": true, "email": "buy@acme.example"})),
        (Some("A"), "partner.list", json!({"query": {"search": "acme"}})),
        (Some("A"), "partner.get", json!({"id": 1})),
        (Some("A"), "partner.get", json!({"id": 999})),
        (Some("A"), "partner.create", json!({"name": " ", "is_customer": true, "email": "not an email"})),
        (Some("A"), "partner.create", json!({"name": "x", "bogus": 1})),
        (Some("B"), "partner.list", json!({})),
        (None, "company.get", json!({"id": 1})),
        (None, "company.create", json!({"code": "A", "name": "again", "base_currency": "EUR"})),
        (None, "auth.me", json!({})),
        (None, "auth.create_api_token", json!({"name": "nope"})),
        (None, "no.such_command", json!({})),
        (Some("A"), "partner.list", json!([1, 2])),
    ];
    for (company, name, args) in cases {
        let mut body = json!({"args": args.clone()});
        if let Some(c) = company {
            body["company"] = json!(c);
        }
        let got = mask(http.call(Some(&token_h), name, &body));
        let want = mask(direct(&mut cora, &token_d, company, name, args));
        assert_eq!(got, want, "{name} {body}");
    }
    // Without a token: what the command layer says without a session.
    let got = http.call(None, "auth.me", &json!({}));
    assert_eq!(got.0, 401);
    assert_eq!(got.1, serde_json::to_value(cora.call(None, None, "auth.me", json!({})).unwrap_err().to_body()).unwrap());
    server.stop().unwrap();
}

#[test]
fn revoked_and_expired_tokens_are_refused() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (cora, session, token) = build(dir.path(), &clock);
    let server = cora_http::start(cora, &config()).unwrap();
    let http = Client::new(&server);
    assert_eq!(http.call(Some(&token), "auth.me", &json!({})).0, 200);

    // A session token works over HTTP too, and may manage tokens (an API token may not).
    let (status, created) = http.call(Some(&session), "auth.create_api_token", &json!({"args": {"name": "short", "expires_in_days": 1}}));
    assert_eq!(status, 200, "{created}");
    let short = created["token"].as_str().unwrap().to_string();
    let (status, body) = http.call(Some(&token), "auth.create_api_token", &json!({"args": {"name": "more"}}));
    assert_eq!((status, body["reason"].as_str()), (403, Some("api_token_not_allowed")));

    // Revoked.
    let id = created["api_token"]["id"].clone();
    let other = http.call(Some(&session), "auth.list_api_tokens", &json!({})).1;
    let first = other.as_array().unwrap().iter().find(|t| t["name"] == "tests").unwrap()["id"].clone();
    assert_eq!(http.call(Some(&session), "auth.revoke_api_token", &json!({"args": {"id": first}})).0, 200);
    let (status, body) = http.call(Some(&token), "auth.me", &json!({}));
    assert_eq!((status, body["code"].as_str(), body["reason"].as_str()), (401, Some("unauthenticated"), Some("api_token_revoked")));

    // Expired: a day later.
    assert_eq!(http.call(Some(&short), "auth.me", &json!({})).0, 200);
    clock.advance(Duration::days(1));
    let (status, body) = http.call(Some(&short), "auth.me", &json!({}));
    assert_eq!((status, body["reason"].as_str()), (401, Some("api_token_expired")), "{id}");
    // A made-up token.
    assert_eq!(http.call(Some("cora_pat_nothing"), "auth.me", &json!({})).1["reason"], "api_token_invalid");
    server.stop().unwrap();
}

#[test]
fn a_read_only_token_reads_but_its_writes_are_refused() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (mut cora, session, _) = build(dir.path(), &clock);
    let ro = cora.call(Some(&session), None, "auth.create_api_token", json!({"name": "reports", "read_only": true})).unwrap();
    let ro = ro["token"].as_str().unwrap().to_string();
    let server = cora_http::start(cora, &config()).unwrap();
    let http = Client::new(&server);
    let (status, list) = http.call(Some(&ro), "partner.list", &json!({"company": "A"}));
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
    let (status, body) = http.call(Some(&ro), "partner.create", &json!({"company": "A", "args": {"name": "X", "is_customer": true}}));
    assert_eq!(status, 403);
    assert_eq!(body["code"], "forbidden");
    assert_eq!(body["reason"], "api_token_read_only");
    assert_eq!(body["params"]["command"], "partner.create");
    assert_eq!(http.call(Some(&ro), "partner.list", &json!({"company": "A"})).1["total"], 1);
    server.stop().unwrap();
}

/// Sends raw bytes and reads the whole answer (the server closes after a 413).
fn raw(server: &Running, request: &[u8]) -> (u16, Value) {
    let mut s = std::net::TcpStream::connect(server.addr()).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status: u16 = text.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // A chunked answer: the JSON is the line that starts with `{`.
    let json = body.lines().find(|l| l.starts_with('{')).unwrap_or("null");
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

#[test]
fn an_oversized_body_is_refused_and_writes_nothing() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (cora, _, token) = build(dir.path(), &clock);
    let server = cora_http::start(cora, &Config { max_body_bytes: 4096, ..config() }).unwrap();
    let http = Client::new(&server);
    let big = json!({"company": "A", "args": {"name": "x".repeat(5000), "is_customer": true}});

    // Declared too long: refused before the body is read.
    let head = format!(
        "POST /v1/commands/partner.create HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"
    );
    let (status, body) = raw(&server, head.as_bytes());
    assert_eq!(status, 413);
    assert_eq!((body["code"].as_str(), body["reason"].as_str()), (Some("validation"), Some("body_too_large")));
    assert_eq!(body["params"]["max"], "4096");

    // The same through a client that sends it all.
    let mut resp = http
        .agent
        .post(&format!("{}/v1/commands/partner.create", http.base))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(&big)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    assert_eq!(resp.body_mut().read_json::<Value>().unwrap()["reason"], "body_too_large");

    // Chunked, with no length declared: refused once the limit is passed.
    let payload = serde_json::to_vec(&big).unwrap();
    let mut req = format!(
        "POST /v1/commands/partner.create HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        payload.len()
    )
    .into_bytes();
    req.extend_from_slice(&payload);
    req.extend_from_slice(b"\r\n0\r\n\r\n");
    let (status, body) = raw(&server, &req);
    assert_eq!((status, body["reason"].as_str()), (413, Some("body_too_large")));

    // Nothing was written.
    assert_eq!(http.call(Some(&token), "partner.list", &json!({"company": "A"})).1["total"], 1);
    server.stop().unwrap();
}

#[test]
fn requests_beyond_the_rate_are_refused() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (cora, _, token) = build(dir.path(), &clock);
    let server = cora_http::start(cora, &Config { rate_per_second: 5, ..config() }).unwrap();
    let http = Client::new(&server);
    let mut refused = None;
    for _ in 0..50 {
        let mut resp = http
            .agent
            .post(&format!("{}/v1/commands/auth.me", http.base))
            .header("Authorization", &format!("Bearer {token}"))
            .send_json(json!({}))
            .unwrap();
        if resp.status().as_u16() == 429 {
            let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
            refused = Some((resp.body_mut().read_json::<Value>().unwrap(), retry));
            break;
        }
        assert_eq!(resp.status().as_u16(), 200);
    }
    let (body, retry) = refused.expect("refused within 50 requests at 5 a second");
    assert_eq!(body["code"], "throttled");
    assert_eq!(body["reason"], "rate_limited");
    assert_eq!(body["params"]["per_second"], "5");
    assert!(body["retry_after_secs"].as_i64().unwrap() >= 1);
    assert!(retry.is_some());
    server.stop().unwrap();
}

/// Every `$ref` in `v` names a schema in `components`.
fn refs_resolve(v: &Value, components: &serde_json::Map<String, Value>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("$ref {r}"));
                assert!(components.contains_key(name), "$ref {r} resolves");
            }
            o.values().for_each(|x| refs_resolve(x, components));
        }
        Value::Array(a) => a.iter().for_each(|x| refs_resolve(x, components)),
        _ => {}
    }
}

#[test]
fn the_openapi_document_lists_every_command() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (cora, _, _) = build(dir.path(), &clock);
    let names: Vec<String> = cora.registry().commands().map(|c| c.name.to_string()).collect();
    let server = cora_http::start(cora, &config()).unwrap();
    let http = Client::new(&server);
    let (status, doc) = http.get("/v1/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], format!("http://{}", server.addr()));
    let paths = doc["paths"].as_object().unwrap();
    for n in &names {
        let op = &paths[&format!("/v1/commands/{n}")]["post"];
        assert_eq!(op["operationId"], n.as_str());
        assert!(op["responses"]["200"]["content"]["application/json"]["schema"].is_object(), "{n}");
    }
    assert_eq!(paths.len(), names.len() + 2);
    let pc = &paths["/v1/commands/partner.create"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(pc["required"], json!(["company"]));
    assert!(pc["properties"]["args"]["properties"]["name"].is_object(), "{pc}");
    let components = doc["components"]["schemas"].as_object().unwrap();
    refs_resolve(&doc, components);
    assert!(!doc.to_string().contains("$defs"));

    let (status, health) = http.get("/v1/health");
    assert_eq!((status, health["ok"].as_bool()), (200, Some(true)));
    let (status, body) = http.get("/v1/nothing");
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    server.stop().unwrap();
}

#[test]
fn bad_bodies_are_validation_errors_and_only_loopback_is_served() {
    let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (cora, _, token) = build(dir.path(), &clock);
    let bad = Config { host: "0.0.0.0".parse().unwrap(), ..config() };
    assert_eq!(bad.addr().unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    let server = cora_http::start(cora, &config()).unwrap();
    assert!(server.addr().ip().is_loopback());
    let http = Client::new(&server);
    let resp = |body: &'static str| {
        let mut r = http
            .agent
            .post(&format!("{}/v1/commands/auth.me", http.base))
            .header("Authorization", &format!("Bearer {token}"))
            .send(body)
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_json::<Value>().unwrap())
    };
    let (status, body) = resp("{not json");
    assert_eq!((status, body["fields"][0]["field"].as_str(), body["fields"][0]["code"].as_str()), (422, Some("body"), Some("invalid_json")));
    let (status, body) = resp(r#"{"args": {}, "extra": 1}"#);
    assert_eq!((status, body["code"].as_str()), (422, Some("validation")));
    // An empty body is no args.
    assert_eq!(resp("").0, 200);
    server.stop().unwrap();
}
