//! Following requests: request ids, panics answered with a 500, the access
//! log and its span, `/metrics` and who may read it, and no secret in the
//! logs of a server that has seen passwords, sessions and tokens.

mod common;

use common::process::{self, Server};
use common::{session_cookie, spawn_app, spawn_app_routed, spawn_app_with, ADMIN_PASSWORD};
use roster::config::Secret;

const METRICS_TOKEN: &str = "metrics-token-0123456789abcdef";

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_plain_one_from_a_proxy_is_kept() {
    let app = spawn_app().await;
    let made = app.get("/").await;
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let again = app.get("/").await;
    assert_ne!(
        again.headers()["x-request-id"],
        id.as_str(),
        "one per request"
    );

    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-42.a")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "proxy-42.a");

    for unplain in ["has space", "quote\"d", &"x".repeat(200)] {
        let replaced = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", unplain)
            .send()
            .await
            .unwrap();
        let id = replaced.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, unplain);
        assert_eq!(id.len(), 36, "replaced by a UUID: {id}");
    }
}

fn panicking(router: axum::Router<roster::AppState>) -> axum::Router<roster::AppState> {
    async fn boom() -> &'static str {
        panic!("boom at {}", "the handler")
    }
    router
        .route("/boom/", axum::routing::get(boom))
        .route("/api/boom", axum::routing::post(boom))
}

#[tokio::test]
async fn a_panic_is_a_500_page_or_json_error_and_the_server_carries_on() {
    let mut app = spawn_app_routed(|_| {}, panicking).await;
    let response = app
        .register("admin", "admin@example.com", ADMIN_PASSWORD)
        .await;
    let cookie = session_cookie(&response).unwrap();
    app.client = app.client_with_cookie(&cookie);

    let page = app.get("/boom/").await;
    assert_eq!(page.status().as_u16(), 500);
    assert!(page.headers().contains_key("x-request-id"));
    assert!(
        page.headers().contains_key("content-security-policy"),
        "the 500 page has the security headers"
    );
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Something went wrong"), "{html}");
    assert!(!html.contains("boom"), "the panic's text stays in the log");

    let api = app.client.post(app.url("/api/boom")).send().await.unwrap();
    assert_eq!(api.status().as_u16(), 500);
    assert_eq!(api.headers()["content-type"], "application/json");
    let body = api.text().await.unwrap();
    let error = <roster_app::error::AppError as leptos::server_fn::error::FromServerFnError>::de(
        body.as_bytes().to_vec().into(),
    );
    assert!(
        matches!(error, roster_app::error::AppError::Internal),
        "{body}"
    );

    // Still serving, and counted.
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let panics = metric(&metrics, "roster_http_panics_total");
    assert!(panics >= 2.0, "{metrics}");
}

/// The value of the first sample whose line starts with `name` (labels
/// included in `name` when given).
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(name) && !line.starts_with('#'))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
}

#[tokio::test]
async fn metrics_are_for_administrators_and_the_token_holder_only() {
    let mut app =
        spawn_app_with(|config| config.metrics_token = Some(Secret::new(METRICS_TOKEN))).await;
    let response = app
        .register("admin", "admin@example.com", ADMIN_PASSWORD)
        .await;
    app.client = app.client_with_cookie(&session_cookie(&response).unwrap());
    // Some traffic to count.
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    assert_eq!(app.get("/1/").await.status().as_u16(), 404);

    let anonymous = app
        .anonymous()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = app
        .anonymous()
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);

    let response = app
        .register_clerk("clerk", "clerk@example.com", "clerk password 123")
        .await;
    let clerk = app.client_with_cookie(&session_cookie(&response).unwrap());
    let refused = clerk.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 403, "not an administrator");

    let scraped = app
        .anonymous()
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status().as_u16(), 200);
    let by_token = scraped.text().await.unwrap();
    let response = app.get("/metrics").await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "an administrator's session"
    );
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    for text in [&by_token, &text] {
        assert!(
            metric(
                text,
                r#"roster_http_requests_total{method="GET",route="/",status="200"}"#
            ) >= 1.0,
            "{text}"
        );
        assert!(
            metric(
                text,
                r#"roster_http_requests_total{method="GET",route="/{id}/",status="404"}"#
            ) >= 1.0,
            "the route's pattern, not its path: {text}"
        );
        assert!(
            text.contains(r#"roster_http_request_duration_seconds_bucket{le="0.001",route="/"}"#)
                || text.contains(
                    r#"roster_http_request_duration_seconds_bucket{route="/",le="0.001"}"#
                ),
            "{text}"
        );
        assert!(metric(text, "roster_sessions_open") >= 2.0, "{text}");
        assert!(text.contains("roster_db_write_queue"), "{text}");
        if common::using_postgres() {
            assert!(
                metric(text, "roster_db_pg_connections_open") >= 1.0,
                "{text}"
            );
        } else {
            assert!(
                text.contains(r#"roster_db_acquire_wait_seconds_count{pool="sqlite_write"}"#),
                "{text}"
            );
        }
        assert!(!text.contains("/1/"), "paths are not labels: {text}");
    }
}

/// A server process with JSON logs at `debug` and every secret we can think
/// of passing through it; its log must hold none of them.
#[tokio::test]
async fn logs_carry_the_request_span_and_no_secret() {
    let dir = process::work_dir("observe");
    let (database_url, _guard) = common::fresh_store(&dir).await;
    process::create_clerk(&database_url, true);
    let server = Server::start_with(
        &dir,
        &database_url,
        &[],
        &[
            ("RUST_LOG", "debug"),
            ("ROSTER_LOG_FORMAT", "json"),
            ("ROSTER_METRICS_TOKEN", METRICS_TOKEN),
        ],
    )
    .await;
    let address = server.address.clone();
    let cookie = process::sign_in(&address, "clerk", process::CLERK_PASSWORD).await;
    let session_value = cookie.split_once('=').unwrap().1.to_owned();
    let clerk = process::browser(&address, &cookie);

    // A page with a request id of ours, a failed sign-in, a password change
    // and a scrape with the token.
    let page = clerk
        .get(format!("{address}/"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wrong_password = "wrong password 987";
    let refused = anonymous
        .post(format!("{address}/login/"))
        .header("origin", &address)
        .form(&[("login", "clerk"), ("password", wrong_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let new_password = "brand new password 456";
    let changed = clerk
        .post(format!("{address}/account/password/"))
        .form(&[
            ("current", process::CLERK_PASSWORD),
            ("password", new_password),
            ("confirm", new_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 303, "password changed");
    let scraped = anonymous
        .get(format!("{address}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status().as_u16(), 200);
    drop(server);

    let log = std::fs::read_to_string(
        dir.join(
            std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .find(|n| n.to_string_lossy().starts_with("server-"))
                .unwrap(),
        ),
    )
    .unwrap();
    // The access line of our request: JSON, in its span, with the route's
    // pattern, the status and the user's id.
    let line = log
        .lines()
        .filter(|line| line.contains("\"roster::access\""))
        .find(|line| line.contains("trace-me-123"))
        .unwrap_or_else(|| panic!("no access line for the request:\n{log}"));
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["level"], "INFO");
    assert_eq!(entry["fields"]["message"], "answered");
    assert_eq!(entry["span"]["status"], 200);
    assert!(
        entry["span"]["ms"].as_f64().is_some_and(|ms| ms > 0.0),
        "{line}"
    );
    assert_eq!(entry["span"]["route"], "/");
    assert_eq!(entry["span"]["method"], "GET");
    assert!(entry["span"]["user"].is_i64(), "{line}");

    let mut secrets = vec![
        process::CLERK_PASSWORD.to_owned(),
        wrong_password.to_owned(),
        new_password.to_owned(),
        session_value,
        METRICS_TOKEN.to_owned(),
    ];
    if let Ok(url) = url::Url::parse(&database_url) {
        if let Some(password) = url.password() {
            secrets.push(password.to_owned());
        }
    }
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a secret in the log ({} characters)",
            secret.len()
        );
    }
    assert!(log.lines().count() > 10, "the log is there: {log}");
}
