//! `cora serve` (the local HTTP API) and `cora bench-http` (its round trip).

use crate::bench_ledger::{bench_company, on_file, stats};
use crate::{Fail, open, print_json};
use cora_core::Cora;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Serves the file on 127.0.0.1:`port` until the process is stopped.
pub(crate) fn serve(db: &Option<PathBuf>, port: u16, max_body_bytes: usize, rate_per_second: u32) -> Result<u8, Fail> {
    let cora = open(db)?;
    let path = cora.store().path().to_path_buf();
    let config = cora_http::Config { port, max_body_bytes, rate_per_second, ..Default::default() };
    let running = cora_http::start(cora, &config).map_err(|e| Fail::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let base = format!("http://{}", running.addr());
    print_json(&json!({"file": path, "listening": base, "openapi": format!("{base}/v1/openapi.json")}))?;
    running.wait().map_err(|e| Fail::Usage(format!("the HTTP server stopped: {e}")))?;
    Ok(0)
}

/// One HTTP/1.1 keep-alive connection, kept minimal so the figure is the server's.
struct Conn {
    reader: BufReader<std::net::TcpStream>,
    writer: std::net::TcpStream,
}

impl Conn {
    fn open(addr: std::net::SocketAddr) -> std::io::Result<Conn> {
        let s = std::net::TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Conn { reader: BufReader::new(s.try_clone()?), writer: s })
    }

    /// POSTs `body` to `path`; returns the status and the body.
    fn post(&mut self, path: &str, token: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        self.writer.write_all(&req)?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut out = vec![0; len];
        self.reader.read_exact(&mut out)?;
        Ok((status, out))
    }
}

/// The round trip of a small company-scoped read (`partner.get`) over a loopback
/// keep-alive connection with an API token, beside the same call made directly.
pub(crate) fn bench_http(calls: u32, keep: Option<PathBuf>) -> Result<u8, Fail> {
    on_file("http", keep, |path| {
        let mut cora = Cora::open(path)?;
        let (session, company) = bench_company(&mut cora)?;
        let s = Some(session.as_str());
        let p = cora.call(s, Some(&company), "partner.create", json!({"name": "Golden Gate Traders", "is_customer": true, "email": "gg@example.com"}))?;
        let token = cora.call(s, None, "auth.create_api_token", json!({"name": "bench"}))?["token"].as_str().unwrap_or_default().to_string();
        let args = json!({"id": p["id"]});

        // The same call straight through the command layer, for the HTTP layer's share.
        let mut direct = Vec::with_capacity(calls as usize);
        for _ in 0..calls {
            let t = Instant::now();
            cora.call(Some(&token), Some(&company), "partner.get", args.clone())?;
            direct.push(t.elapsed().as_secs_f64() * 1000.0);
        }

        let config = cora_http::Config { port: 0, rate_per_second: 1_000_000, ..Default::default() };
        let server = cora_http::start(cora, &config).map_err(|e| Fail::Usage(e.to_string()))?;
        let io = |e: std::io::Error| Fail::Usage(format!("HTTP: {e}"));
        let mut conn = Conn::open(server.addr()).map_err(io)?;
        let body = serde_json::to_vec(&json!({"company": "BENCH", "args": args})).unwrap_or_default();
        let (status, first) = conn.post("/v1/commands/partner.get", &token, &body).map_err(io)?;
        let first: Value = serde_json::from_slice(&first).unwrap_or_default();
        if status != 200 || first["name"] != "Golden Gate Traders" {
            return Err(Fail::Usage(format!("partner.get over HTTP answered {status}: {first}")));
        }
        let mut http = Vec::with_capacity(calls as usize);
        for _ in 0..calls {
            let t = Instant::now();
            let (status, _) = conn.post("/v1/commands/partner.get", &token, &body).map_err(io)?;
            http.push(t.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                return Err(Fail::Usage(format!("partner.get over HTTP answered {status}")));
            }
        }
        let _ = server.stop();
        print_json(&json!({
            "calls": calls,
            "command": "partner.get (company-scoped read, API token, keep-alive connection)",
            "http_round_trip": with_p99(stats(http.clone()), &http),
            "direct_call": with_p99(stats(direct.clone()), &direct),
        }))?;
        Ok(0)
    })
}

fn with_p99(mut v: Value, ms: &[f64]) -> Value {
    let mut s = ms.to_vec();
    s.sort_by(f64::total_cmp);
    if let Some(x) = s.get(((s.len() as f64 - 1.0) * 0.99).round() as usize) {
        v["p99_ms"] = json!((x * 1000.0).round() / 1000.0);
    }
    v
}
