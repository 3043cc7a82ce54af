//! Rendering pages outside leptos's own routes: the 404 page, a page shown
//! again after a refused plain form POST, and the page for a database that
//! is not answering.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use leptos::server_fn::error::FromServerFnError;
use roster_app::service::accounts::Session;
use roster_app::shell;

use crate::state::AppState;

/// What pages and server functions find in their context.
pub fn provide_app_context(state: &AppState) {
    provide_context(state.db.clone());
    provide_context(state.auth.clone());
}

/// Renders the app for `uri` as if it had been requested with GET by the
/// holder of `session`, with `provide` adding context (a refused form, say),
/// answering with `status`.
pub async fn render_page(
    state: &AppState,
    uri: axum::http::Uri,
    session: Option<Session>,
    provide: impl Fn() + Clone + Send + Sync + 'static,
    status: StatusCode,
) -> Response {
    let context_state = state.clone();
    let urls = state.urls.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_app_context(&context_state);
            provide();
        },
        move || shell(urls.clone()),
    );
    let mut request = match Request::builder()
        .method(Method::GET)
        .uri(uri)
        .body(Body::empty())
    {
        Ok(request) => request,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    if let Some(session) = session {
        request.extensions_mut().insert(session);
    }
    let mut response = handler(request).await;
    // Keep a status the page chose itself (a 404 for a vanished record).
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// 503 with a page that needs nothing from the database: what a browser
/// gets while the database is away (JSON for a server function). Browsers
/// and clients may try again after `Retry-After`.
pub fn unavailable(css: &str, api: bool) -> Response {
    use axum::http::header;
    let retry = [(header::RETRY_AFTER, "5")];
    if api {
        let body = roster_app::error::AppError::Unavailable.ser();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            retry,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let page = plain_page(
        Some(css),
        "Roster is unavailable",
        &roster_app::error::AppError::Unavailable.to_string(),
        ("", "Try again"),
    );
    (StatusCode::SERVICE_UNAVAILABLE, retry, page).into_response()
}

/// A page that needs nothing but its text: for when the app cannot render
/// (the database is away, a handler panicked). `link` is (href, text).
pub fn plain_page(
    css: Option<&str>,
    title: &str,
    message: &str,
    link: (&str, &str),
) -> axum::response::Html<String> {
    let stylesheet = css
        .map(|css| format!("<link rel=\"stylesheet\" href=\"{css}\">"))
        .unwrap_or_default();
    let (href, text) = link;
    axum::response::Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>{stylesheet}</head>\
         <body><main id=\"main\"><h1>{title}</h1>\
         <p class=\"notice notice-error\" role=\"alert\">{message}</p>\
         <p><a href=\"{href}\">{text}</a></p></main></body></html>"
    ))
}
