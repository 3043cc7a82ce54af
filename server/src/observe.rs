//! Following a request: a span per request with its id, route, status,
//! latency and user; an access-log line; panics answered with a 500; and
//! the counters `/metrics` shows.
//!
//! The span is opened outside every other layer, so whatever is logged
//! while the request runs (a database error, a refused form) carries the
//! request's id; leptos's resources, which run as tasks of their own, get
//! it too (see [`SpanExecutor`]). Only the route's pattern is logged,
//! never the path or query (a query can hold a search or a `next=` URL),
//! and no header but the request id.

use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::server_fn::error::FromServerFnError;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use roster_app::error::AppError;
use roster_app::service::accounts::{same_secret, Session};
use roster_core::db::stats;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::state::AppState;

/// The header a proxy may set and every answer carries.
pub const REQUEST_ID: &str = "x-request-id";

/// The route label of requests no route matched (static files, 404s).
const UNMATCHED: &str = "(unmatched)";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The process's metrics (one registry per process, like Prometheus's own
/// clients: the tests start many routers in one process).
struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<RouteLabels>,
    acquire_waits: HistogramFamily<PoolLabels>,
    writers_waiting: Gauge,
    sessions: Gauge,
    pg_open: Gauge,
    pg_idle: Gauge,
    panics: Counter,
}

fn latency_histogram() -> Histogram {
    // 1 ms to 10 s.
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

fn wait_histogram() -> Histogram {
    // 10 µs to 5 s (the acquire timeout).
    Histogram::new([
        0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0,
    ])
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("roster");
    let requests = Family::<RequestLabels, Counter>::default();
    let latency: HistogramFamily<RouteLabels> = Family::new_with_constructor(latency_histogram);
    let acquire_waits: HistogramFamily<PoolLabels> = Family::new_with_constructor(wait_histogram);
    let writers_waiting = Gauge::default();
    let sessions = Gauge::default();
    let pg_open = Gauge::default();
    let pg_idle = Gauge::default();
    let panics = Counter::default();
    registry.register(
        "http_requests",
        "Requests answered, by method, route pattern and status",
        requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer a request, by route pattern",
        latency.clone(),
    );
    registry.register(
        "db_acquire_wait_seconds",
        "Time a request waited for a database connection (SQLite pools)",
        acquire_waits.clone(),
    );
    registry.register(
        "db_write_queue",
        "Writers waiting for SQLite's write connection",
        writers_waiting.clone(),
    );
    registry.register(
        "sessions_open",
        "Sessions used within the idle timeout",
        sessions.clone(),
    );
    registry.register(
        "db_pg_connections_open",
        "PostgreSQL connections open in this instance's pool",
        pg_open.clone(),
    );
    registry.register(
        "db_pg_connections_idle",
        "PostgreSQL connections open and idle",
        pg_idle.clone(),
    );
    registry.register(
        "http_panics",
        "Requests whose handler panicked (answered with a 500)",
        panics.clone(),
    );
    stats::observe_acquire_waits(|pool, waited| {
        METRICS
            .acquire_waits
            .get_or_create(&PoolLabels { pool: pool.name() })
            .observe(waited.as_secs_f64());
    });
    Metrics {
        registry,
        requests,
        latency,
        acquire_waits,
        writers_waiting,
        sessions,
        pg_open,
        pg_idle,
        panics,
    }
});

/// A request id from outside is kept only if it is short and plain, so a
/// client cannot write what it likes into the logs.
fn plain_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b))
}

async fn drop_unplain_request_id(mut req: Request, next: Next) -> Response {
    if req
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|v| !plain_request_id(v))
    {
        req.headers_mut().remove(REQUEST_ID);
    }
    next.run(req).await
}

fn route_of(req: &Request) -> &str {
    req.extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
}

fn request_span(req: &Request) -> Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        id,
        method = %req.method(),
        route = route_of(req),
        user = tracing::field::Empty,
        status = tracing::field::Empty,
        ms = tracing::field::Empty,
    )
}

/// Counts and logs each answer: the access log (target `roster::access`,
/// level `info`; `RUST_LOG=info,roster::access=off` turns it off).
/// The method as a metric label: HTTP lets a client invent methods, and
/// each label value is a series kept for the life of the process.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

async fn account(req: Request, next: Next) -> Response {
    let method = method_label(req.method());
    let route = route_of(&req).to_owned();
    let start = std::time::Instant::now();
    let response = next.run(req).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let span = Span::current();
    span.record("status", status);
    // Milliseconds to the microsecond.
    span.record("ms", (elapsed.as_secs_f64() * 1e6).round() / 1e3);
    // The status and time are the span's: the line carries them.
    tracing::info!(target: "roster::access", "answered");
    let metrics = &*METRICS;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status,
        })
        .inc();
    response
}

/// Names the signed-in user in the request's span (by id: no names in
/// logs). Called where the session is resolved.
pub fn record_user(user_id: i64) {
    Span::current().record("user", user_id);
}

/// Marks the answer a panic produced, so that a server function's caller
/// gets the error as JSON (see [`panics_as_json`]).
#[derive(Clone, Copy)]
struct Panicked;

/// What a panic said, if it said it as text.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    METRICS.panics.inc();
    tracing::error!(panic = %panic_message(&*panic), "answered 500 for a panic in the handler");
    let page = crate::render::plain_page(
        None,
        "Something went wrong",
        &AppError::Internal.to_string(),
        ("/", "Back to the start"),
    );
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, page).into_response();
    response.extensions_mut().insert(Panicked);
    response
}

async fn panics_as_json(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !api || response.extensions().get::<Panicked>().is_none() {
        return response;
    }
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        AppError::Internal.ser(),
    )
        .into_response()
}

/// Wraps `router` (inner layers already added) in the request span, the
/// request id, the access log and the panic guard. The panic guard sits
/// inside the security headers and compression (added by the caller
/// after this), so a 500 page gets them too.
pub fn inner_layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(axum::middleware::from_fn(panics_as_json))
}

/// The outermost layers (see [`inner_layers`]).
pub fn outer_layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(axum::middleware::from_fn(account))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_unplain_request_id))
}

/// Runs leptos's tasks (a page's resources) inside the span of the request
/// that started them, so what they log names the request.
pub struct SpanExecutor;

impl any_spawner::CustomExecutor for SpanExecutor {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        use tracing::Instrument;
        tokio::spawn(fut.in_current_span());
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        use tracing::Instrument;
        tokio::task::spawn_local(fut.in_current_span());
    }

    fn poll_local(&self) {}
}

/// Installs [`SpanExecutor`] as leptos's executor, unless one is set.
pub fn init_executor() {
    let _ = any_spawner::Executor::init_custom_executor(SpanExecutor);
}

/// Logs a panic through `tracing` (inside the span of the request, when
/// there is one) instead of printing it to stderr.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // "panicked": what scripts/bench.sh counts in the server's log.
        tracing::error!(panic = %message, %location, "panicked");
    }));
}

/// Who may read `/metrics`: an administrator's session, or the bearer of
/// `ROSTER_METRICS_TOKEN`.
fn may_read_metrics(headers: &HeaderMap, session: Option<&Session>, token: Option<&str>) -> bool {
    if session.is_some_and(|s| s.user.is_admin) {
        return true;
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same_secret(given.trim(), token))
}

/// `GET /metrics`: Prometheus's text format (OpenMetrics).
pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let session = req.extensions().get::<Session>();
    if !may_read_metrics(
        req.headers(),
        session,
        state.metrics_token.as_ref().map(|t| t.expose()),
    ) {
        return match session {
            Some(_) => (
                StatusCode::FORBIDDEN,
                "Only administrators may read the metrics.",
            )
                .into_response(),
            None => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "Sign in as an administrator, or send the metrics token.",
            )
                .into_response(),
        };
    }
    let metrics = &*METRICS;
    metrics.writers_waiting.set(stats::writers_waiting());
    let since = roster_app::service::accounts::now() - state.auth.idle_secs;
    match state.db.count_sessions(since).await {
        Ok(open) => {
            metrics.sessions.set(open);
        }
        Err(e) => tracing::warn!(error = %e, "could not count the open sessions"),
    }
    if let Some((open, idle)) = state.db.pg_connections() {
        metrics.pg_open.set(i64::from(open));
        metrics.pg_idle.set(idle as i64);
    }
    let mut text = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &metrics.registry) {
        tracing::error!(error = %e, "metrics could not be encoded");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from(text),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let invented = axum::http::Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&invented), "other");
        assert_eq!(method_label(&axum::http::Method::POST), "POST");
    }

    #[test]
    fn only_plain_request_ids_are_kept() {
        assert!(plain_request_id(&HeaderValue::from_static("abc-123_x.y")));
        assert!(!plain_request_id(&HeaderValue::from_static("")));
        assert!(!plain_request_id(&HeaderValue::from_static("a b")));
        assert!(!plain_request_id(&HeaderValue::from_static("a\"b")));
        let long = "a".repeat(129);
        assert!(!plain_request_id(&HeaderValue::from_str(&long).unwrap()));
    }
}
