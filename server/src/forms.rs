//! Plain HTML form POSTs, for browsers without JavaScript. Each handler does
//! what the matching server function does (through `roster_app::service`),
//! then answers like a classic web app: 303 to the next page on success, or
//! the same page rendered again with the typed values and a message at each
//! field (422, 401, 429…), or the not-found page (404).

use axum::extract::{Extension, OriginalUri, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use leptos::prelude::provide_context;
use roster_app::error::AppError;
use roster_app::form_state::FormState;
use roster_app::service::{self, accounts};
use roster_core::domain::{safe_next, LoginInput, RegisterInput, StudentInput};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::startup::{render_page, AppState};

type MaybeSession = Option<Extension<accounts::Session>>;

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// A 303 that also sets (or clears) the session cookie.
fn see_other_with_cookie(location: String, cookie: String) -> Response {
    let mut response = see_other(location);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Route ids that are not positive whole numbers name no student.
fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The page at `uri` again, showing `input` as typed and `error` at its fields.
async fn rejected<T>(
    state: &AppState,
    uri: axum::http::Uri,
    session: MaybeSession,
    input: T,
    error: AppError,
) -> Response
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let form = FormState {
        input,
        errors: error.field_errors().cloned().unwrap_or_default(),
        message: Some(error.to_string()),
    };
    let mut response = render_page(
        state,
        uri,
        session.map(|s| s.0),
        move || provide_context(form.clone()),
        status_of(&error),
    )
    .await;
    if let Some(secs) = error.retry_after_secs() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

async fn page(
    state: &AppState,
    uri: axum::http::Uri,
    session: MaybeSession,
    status: StatusCode,
) -> Response {
    render_page(state, uri, session.map(|s| s.0), || {}, status).await
}

pub async fn create(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    session: MaybeSession,
    Form(input): Form<StudentInput>,
) -> Response {
    match service::create(&state.db, &input).await {
        Ok(student) => see_other(format!("/?created={}", student.id)),
        Err(error) => rejected(&state, uri, session, input, error).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    session: MaybeSession,
    Path(id): Path<String>,
    Form(input): Form<StudentInput>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page(&state, uri, session, StatusCode::NOT_FOUND).await;
    };
    match service::update(&state.db, id, &input).await {
        Ok(student) => see_other(format!("/{}/?updated=1", student.id)),
        Err(AppError::NotFound) => page(&state, uri, session, StatusCode::NOT_FOUND).await,
        Err(error) => rejected(&state, uri, session, input, error).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    session: MaybeSession,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page(&state, uri, session, StatusCode::NOT_FOUND).await;
    };
    match service::delete(&state.db, id).await {
        Ok(()) => see_other(format!("/?deleted={id}")),
        Err(error) => page(&state, uri, session, status_of(&error)).await,
    }
}

pub async fn login(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Extension(client): Extension<accounts::ClientInfo>,
    session: MaybeSession,
    Form(input): Form<LoginInput>,
) -> Response {
    let previous = session.as_ref().map(|s| &s.0);
    match accounts::login(&state.db, &state.auth, &client, &input, previous).await {
        Ok(new) => see_other_with_cookie(
            safe_next(&input.next),
            accounts::session_cookie(&new.cookie_value, &state.auth, client.https),
        ),
        Err(error) => {
            // The password is never sent back, not even to its owner.
            rejected(&state, uri, None, input.without_password(), error).await
        }
    }
}

pub async fn register(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Extension(client): Extension<accounts::ClientInfo>,
    session: MaybeSession,
    Form(input): Form<RegisterInput>,
) -> Response {
    let previous = session.as_ref().map(|s| &s.0);
    match accounts::register(&state.db, &state.auth, &input, previous).await {
        Ok(new) => see_other_with_cookie(
            safe_next(&input.next),
            accounts::session_cookie(&new.cookie_value, &state.auth, client.https),
        ),
        Err(error) => rejected(&state, uri, None, input.without_passwords(), error).await,
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(client): Extension<accounts::ClientInfo>,
    session: MaybeSession,
) -> Response {
    match accounts::logout(&state.db, session.as_ref().map(|s| &s.0)).await {
        Ok(()) => see_other_with_cookie(
            "/login/?signed_out=1".into(),
            accounts::clear_cookie(client.https),
        ),
        Err(error) => (status_of(&error), error.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    /// A checkbox: present ("on") when ticked, absent otherwise.
    #[serde(default)]
    open_registration: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    session: MaybeSession,
    Form(form): Form<SettingsForm>,
) -> Response {
    let open = form.open_registration.is_some();
    let user = session.as_ref().map(|s| s.0.user.clone());
    match service::set_registration_open(&state.db, &state.auth, user.as_ref(), open).await {
        Ok(()) => see_other("/settings/?saved=1".into()),
        Err(error) => page(&state, uri, session, status_of(&error)).await,
    }
}
