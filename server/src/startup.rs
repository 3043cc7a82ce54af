//! Wiring: state, router, listener.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use roster_app::service::accounts::Session;
use roster_app::{shell, App, AssetUrls};
use roster_core::db::Db;

use crate::assets::Assets;
use crate::config::Config;
use crate::render::{provide_app_context, render_page};
use crate::state::{AppState, Shared, BODY_LIMIT};
use crate::{auth, forms, observe, security};

/// The content hashes cargo-leptos put in the asset file names, from the
/// `hash.txt` it writes next to the server binary (lines like `js: abc123`).
fn asset_hashes(config: &Config) -> Vec<(String, String)> {
    let path = match &config.hash_file {
        Some(path) => Some(path.clone()),
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt"))),
    };
    let Some(text) = path.and_then(|path| std::fs::read_to_string(path).ok()) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .filter(|(_, hash)| !hash.is_empty())
        .collect()
}

/// leptos's own settings. Its hashed-name lookup stays off: the page shell
/// links the fingerprinted files itself (see [`AssetUrls`]).
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("roster")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir(config.site_pkg_dir.clone())
        .site_addr(config.site_addr)
        .build()
}

/// The whole application as an axum router, on an already migrated database.
pub fn build_router(config: &Config, db: Db) -> std::io::Result<Router> {
    build_router_with(config, db, |router| router)
}

/// [`build_router`] with routes of the caller's (`extra`) inside the same
/// layers: the tests add a handler that panics.
pub fn build_router_with(
    config: &Config,
    db: Db,
    extra: impl FnOnce(Router<AppState>) -> Router<AppState>,
) -> std::io::Result<Router> {
    observe::init_executor();
    let hashes = asset_hashes(config);
    let options = leptos_options(config);
    let hash_values: Vec<String> = hashes.iter().map(|(_, hash)| hash.clone()).collect();
    let assets = Assets::load(&config.site_root, &hash_values)?;
    let urls = Arc::new(AssetUrls::new(&config.site_pkg_dir, "roster", &hashes));
    tracing::info!(files = assets.len(), "static files found");
    let state = AppState(Arc::new(Shared {
        leptos_options: options,
        db,
        assets: Arc::new(assets),
        urls,
        auth: config.auth.clone(),
        secure_cookie: config.secure_cookie,
        trust_proxy: config.trust_proxy,
        metrics_token: config.metrics_token.clone(),
        probe: Default::default(),
        applying: Default::default(),
    }));
    // Generated once per process: leptos marks the whole process as "route
    // generation running" meanwhile, and a page whose data starts loading in
    // that window never finishes (leptos-rs/leptos#4773). A server builds its
    // router before it listens, but the tests start many apps in one process.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let page_context = {
        let state = state.clone();
        move || provide_app_context(&state)
    };
    let shell_urls = state.urls.clone();

    let router = Router::new()
        .route("/api/{*name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(&state, routes, page_context, move || {
            shell(shell_urls.clone())
        });
    // The same URLs accept plain form POSTs, for browsers without JavaScript.
    let router = extra(crate::import::routes::add(forms::routes(router)))
        .route("/healthz", get(health))
        .route("/metrics", get(observe::metrics))
        .fallback(fallback);
    Ok(layers(router, state))
}

/// Every request's way in, outermost first: its id and span, compression,
/// security headers, the panic guard, cross-site refusal, the outage
/// check, the session, list downloads, and the body limit.
fn layers(router: Router<AppState>, state: AppState) -> Router {
    let router = router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(undecodable_arguments_are_400))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::export::downloads,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::outage::unless_database_gone,
        ))
        .layer(axum::middleware::from_fn(security::reject_cross_site));
    let router = observe::inner_layers(router)
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(
            crate::compress::compress_responses,
        ));
    observe::outer_layers(router).with_state(state)
}

/// Server functions leptos does not know (the known ones are routed by
/// `leptos_routes_with_context`): its own "not found" answer.
async fn server_fn(State(state): State<AppState>, req: Request) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_app_context(&state), req).await
}

/// leptos answers server function arguments it cannot decode with a 500;
/// that is the client's mistake, so say 400 (our own failures stay 500).
async fn undecodable_arguments_are_400(req: Request, next: axum::middleware::Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    if bytes.starts_with(br#"{"Transport""#) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Ready when the database answers: 200 `ok` (or `ok (read-only)` for a
/// SQLite file that cannot be written), else 503.
async fn health(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) if state.db.is_read_only() => (StatusCode::OK, "ok (read-only)").into_response(),
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Static files, then friendly redirects (`/create` → `/create/`), then the
/// app's own 404 page.
async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if let Some(response) = state.assets.respond(req.method(), path, req.headers()) {
        return response;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if req.method() == Method::GET && !path.ends_with('/') && !last.contains('.') {
        let target = match req.uri().query() {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        if let Ok(location) = HeaderValue::from_str(&target) {
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
    }
    let session = req.extensions().get::<Session>().cloned();
    render_page(
        &state,
        req.uri().clone(),
        session,
        || {},
        StatusCode::NOT_FOUND,
    )
    .await
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY a response written in two parts (headers, body)
    // waits for the client's delayed ACK: ~40 ms per request.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    // The peer address is what sign-in throttling counts per client.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
