//! Cora's local HTTP API: the one command layer over HTTP, on 127.0.0.1 only.
//!
//! - `POST /v1/commands/{name}` with `{"args": {...}, "company": "CODE" | id}` and
//!   `Authorization: Bearer <token>` (a personal API token from `auth.create_api_token`,
//!   or a session token) runs [`Cora::call`] and answers its JSON result, or the same
//!   error body `cora call` prints, with an HTTP status from the error's code.
//! - `GET /v1/openapi.json`: an OpenAPI 3.1 document generated from the registry.
//! - `GET /v1/health`.
//!
//! Invariants:
//! - The server listens on 127.0.0.1 and nowhere else ([`Config::host`] refuses others).
//! - Every request goes through the dispatcher: the same authentication, permissions,
//!   transaction and audit as the app and the CLI; this crate holds no business rule.
//! - A body over [`Config::max_body_bytes`] is refused (413) before any command runs;
//!   requests beyond [`Config::rate_per_second`] are refused (429).

mod openapi;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cora_core::{CompanyRef, Cora, ErrorBody, ErrorCode, Params, Reason};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

pub use openapi::openapi;

/// The default port of `cora serve`.
pub const DEFAULT_PORT: u16 = 8765;
/// The default largest request body: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// The default rate limit, requests per second for the whole server (bursts up to as many).
pub const DEFAULT_RATE_PER_SECOND: u32 = 1000;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Must be 127.0.0.1: the API is for programs on this machine.
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub max_body_bytes: usize,
    pub rate_per_second: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config { host: IpAddr::V4(Ipv4Addr::LOCALHOST), port: DEFAULT_PORT, max_body_bytes: DEFAULT_MAX_BODY_BYTES, rate_per_second: DEFAULT_RATE_PER_SECOND }
    }
}

impl Config {
    /// The address to listen on; anything but 127.0.0.1 is refused.
    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        if self.host != IpAddr::V4(Ipv4Addr::LOCALHOST) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("the HTTP API listens on 127.0.0.1 only, not {}", self.host),
            ));
        }
        Ok(SocketAddr::new(self.host, self.port))
    }
}

struct AppState {
    cora: Mutex<Cora>,
    limiter: DefaultDirectRateLimiter,
    rate_per_second: u32,
    max_body_bytes: usize,
    openapi: Vec<u8>,
}

/// The routes over one open file. `Cora::call` takes `&mut self`, so calls run one at a
/// time behind a mutex, each on tokio's blocking pool.
pub fn router(cora: Cora, config: &Config) -> Router {
    let rate = NonZeroU32::new(config.rate_per_second).unwrap_or(NonZeroU32::MIN);
    let port = config.port;
    let doc = serde_json::to_vec(&openapi(cora.registry(), port)).unwrap_or_default();
    let state = Arc::new(AppState {
        cora: Mutex::new(cora),
        limiter: RateLimiter::direct(Quota::per_second(rate)),
        rate_per_second: rate.get(),
        max_body_bytes: config.max_body_bytes,
        openapi: doc,
    });
    Router::new()
        .route("/v1/commands/{name}", post(call))
        .route("/v1/openapi.json", get(openapi_doc))
        .route("/v1/health", get(health))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), limits))
        .with_state(state)
}

/// The rate limit, and a declared body length over the limit refused before it is read.
async fn limits(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if let Err(not_until) = state.limiter.check() {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        let secs = i64::try_from(wait.as_secs()).unwrap_or(i64::MAX).saturating_add(1);
        let mut body = error_body(ErrorCode::Throttled, Reason::RateLimited, &[("per_second", state.rate_per_second.to_string())]);
        body.retry_after_secs = Some(secs);
        let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return resp;
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body_bytes as u64) {
        return too_large(state.max_body_bytes);
    }
    next.run(req).await
}

fn too_large(max: usize) -> Response {
    let body = error_body(ErrorCode::Validation, Reason::BodyTooLarge, &[("max", max.to_string())]);
    let mut resp = (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    // The rest of the body is not read: the client should not send more on this connection.
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn error_body(code: ErrorCode, reason: Reason, params: &[(&str, String)]) -> ErrorBody {
    let params: Params = params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    ErrorBody { code, reason, message: reason.message(&params), params, fields: vec![], retry_after_secs: None }
}

/// The HTTP status of an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Throttled => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_response(e: &cora_core::Error) -> Response {
    let body = e.to_body();
    let retry = body.retry_after_secs;
    let mut resp = (status_of(body.code), axum::Json(body)).into_response();
    if let Some(secs) = retry {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// The body of `POST /v1/commands/{name}`; an empty body is `{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallBody {
    #[serde(default)]
    args: Value,
    #[serde(default)]
    company: Option<CompanyRef>,
}

/// `Authorization: Bearer <token>`; anything else is no token (the dispatcher then asks
/// to sign in, exactly as for a call without a session).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

async fn call(State(state): State<Arc<AppState>>, Path(name): Path<String>, headers: HeaderMap, body: Result<Bytes, axum::extract::rejection::BytesRejection>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(state.max_body_bytes),
        Err(r) => return error_response(&cora_core::Error::field("body", cora_core::FieldCode::Invalid.with("detail", r.body_text()))),
    };
    let parsed: CallBody = if body.iter().all(u8::is_ascii_whitespace) {
        CallBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return error_response(&cora_core::Error::field("body", cora_core::FieldCode::InvalidJson.with("detail", e))),
        }
    };
    let token = bearer(&headers);
    let st = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        // Cora::call answers a panic in a command as an error itself, so a poisoned lock
        // only means a panic outside it; the connection and file are still sound.
        let mut cora = st.cora.lock().unwrap_or_else(|p| p.into_inner());
        cora.call(token.as_deref(), parsed.company.as_ref(), &name, parsed.args)
    })
    .await;
    match result {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(e)) => error_response(&e),
        Err(_) => error_response(&cora_core::Error::Internal("the call's task failed".into())),
    }
}

async fn openapi_doc(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], state.openapi.clone()).into_response()
}

async fn health() -> Response {
    axum::Json(serde_json::json!({"ok": true, "schema_version": cora_core::store::latest_version()})).into_response()
}

async fn not_found(req: Request) -> Response {
    error_response(&cora_core::Error::not_found("route", req.uri().path()))
}

/// A running server: its address, and the way to stop it.
pub struct Running {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets calls in flight finish, and closes the file.
    pub fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.join()
    }

    /// Waits until the server ends (`cora serve` runs until it is killed).
    pub fn wait(mut self) -> std::io::Result<()> {
        self.join()
    }

    fn join(&mut self) -> std::io::Result<()> {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(std::io::Error::other("the HTTP server thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.join();
    }
}

/// Binds 127.0.0.1:`config.port` (refusing any other host) and serves `cora` on a thread
/// of its own with its own runtime, until [`Running::stop`] or drop. Used by `cora serve`,
/// the desktop shell's toggle and the tests.
pub fn start(cora: Cora, config: &Config) -> std::io::Result<Running> {
    let listener = std::net::TcpListener::bind(config.addr()?)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let app = router(cora, &Config { port: addr.port(), ..config.clone() });
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_io().thread_name("cora-http").build()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new().name("cora-http".into()).spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        })
    })?;
    Ok(Running { addr, shutdown: Some(tx), thread: Some(thread) })
}
