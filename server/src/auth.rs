//! Who is asking: the session cookie is resolved once per request, here, and
//! the result travels in the request's extensions to the pages, server
//! functions and form handlers. Also the one place that decides what an
//! anonymous visitor may see, and the CSRF token check for clients that say
//! nothing about where a request comes from.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::FromServerFnError;
use roster_app::auth::{urlencode, CSRF_FIELD};
use roster_app::error::AppError;
use roster_app::service::accounts::{
    clear_cookie, load_session, same_secret, ClientInfo, Session, COOKIE_NAME,
};
use roster_core::domain::urls;

use crate::config::SecureCookie;
use crate::security::has_origin_headers;
use crate::state::{AppState, BODY_LIMIT};

/// Pages and endpoints anyone may use. Everything else needs a session.
fn is_public(path: &str) -> bool {
    let page = match path.ends_with('/') {
        true => std::borrow::Cow::Borrowed(path),
        false => std::borrow::Cow::Owned(format!("{path}/")),
    };
    urls::PUBLIC.iter().any(|p| p.matches(&page).is_some())
        || matches!(
            path,
            "/healthz" | "/metrics" | "/api/about" | "/api/contact/send"
        )
        || path.starts_with("/api/auth/")
}

/// The session cookie's value, if the request has one.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
}

fn client_info(state: &AppState, req: &Request) -> ClientInfo {
    let headers = req.headers();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = || {
        headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let addr = if state.trust_proxy {
        forwarded().or(peer)
    } else {
        peer
    };
    let https = match state.secure_cookie {
        SecureCookie::Always => true,
        SecureCookie::Never => false,
        SecureCookie::Auto => headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")),
    };
    ClientInfo {
        addr: addr.unwrap_or_else(|| "unknown".into()),
        https,
        request_id: headers
            .get(crate::observe::REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    // Static files need no session, and must not cost a database query.
    if matches!(*req.method(), Method::GET | Method::HEAD) && state.assets.contains(&path) {
        return next.run(req).await;
    }
    let client = client_info(&state, &req);
    let cookie = session_cookie(req.headers()).map(str::to_owned);
    let session = match &cookie {
        Some(value) => match load_session(&state.db, &state.auth, value).await {
            Ok(session) => session,
            Err(_) => return unavailable(&state, &path),
        },
        None => None,
    };
    let https = client.https;
    let stale_cookie = cookie.is_some() && session.is_none();

    if req.method() == Method::POST && !has_origin_headers(req.headers()) {
        if let Some(session) = &session {
            req = match check_form_token(req, session).await {
                Ok(req) => req,
                Err(response) => return response,
            };
        }
    }

    req.extensions_mut().insert(client);
    let signed_in = session.is_some();
    if let Some(session) = session {
        crate::observe::record_user(session.user.id);
        req.extensions_mut().insert(session);
    }
    let mut response = if signed_in || is_public(&path) {
        next.run(req).await
    } else {
        refuse_anonymous(&req)
    };
    if stale_cookie {
        // An expired or signed-out session: tell the browser to forget it.
        if let Ok(value) = HeaderValue::from_str(&clear_cookie(https)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Server functions answer 401 (with the error the browser app decodes);
/// pages and form posts send the browser to the sign-in page, which brings
/// it back here afterwards.
fn refuse_anonymous(req: &Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        let body = AppError::Unauthorized.ser();
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let back = match (req.method(), req.uri().query()) {
        (&Method::GET, Some(query)) => format!("{}?{query}", req.uri().path()),
        _ => req.uri().path().to_owned(),
    };
    let location = if back == "/" {
        "/login/".to_owned()
    } else {
        format!("/login/?next={}", urlencode(&back))
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// A POST from a client that sent neither `Origin` nor `Sec-Fetch-Site`
/// must carry the session's token in its form (field `csrf_token`) or in an
/// `X-CSRF-Token` header.
async fn check_form_token(req: Request, session: &Session) -> Result<Request, Response> {
    if let Some(token) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if same_secret(token, &session.csrf_token) {
            Ok(req)
        } else {
            Err(forbidden())
        };
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    match token {
        Some(token) if same_secret(&token, &session.csrf_token) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(forbidden()),
    }
}

fn forbidden() -> Response {
    tracing::warn!("POST without origin headers or a valid form token refused");
    (
        StatusCode::FORBIDDEN,
        "This form has expired or did not come from Roster. Go back, reload the page and try again.",
    )
        .into_response()
}

/// The session could not be looked up: the database is away. A page of
/// its own (the app's pages need the database), JSON for server functions.
fn unavailable(state: &AppState, path: &str) -> Response {
    crate::render::unavailable(&state.urls.css, path.starts_with("/api/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; roster_session=abc123 ; other=1"),
        );
        assert_eq!(session_cookie(&headers), Some("abc123"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn only_auth_pages_are_public() {
        for path in [
            "/login/",
            "/register/",
            "/about/",
            "/contact/",
            "/contact/thanks/",
            "/api/contact/send",
            "/api/auth/login",
            "/healthz",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/",
            "/1/",
            "/create/",
            "/api/students/list",
            "/settings/",
            "/1/delete/",
            "/messages/",
            "/users/",
            "/account/",
            "/api/messages/list",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }
}
