//! Plain HTML form POSTs, for browsers without JavaScript. Each handler does
//! what the matching server function does (through `roster_app::service`),
//! then answers like a classic web app: 303 to the next page on success, or
//! the same page rendered again with the typed values and a message at each
//! field (422), or the not-found page (404).

use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use roster_app::error::AppError;
use roster_app::form_state::FormState;
use roster_app::service;
use roster_core::domain::StudentInput;

use crate::startup::{render_page, AppState};

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Route ids that are not positive whole numbers name no student.
fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

async fn rejected(
    state: &AppState,
    uri: axum::http::Uri,
    input: StudentInput,
    error: AppError,
) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let form = FormState {
        input,
        errors: error.field_errors().cloned().unwrap_or_default(),
        message: Some(error.to_string()),
    };
    render_page(state, uri, Some(form), status).await
}

pub async fn create(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Form(input): Form<StudentInput>,
) -> Response {
    match service::create(&state.db, &input).await {
        Ok(student) => see_other(format!("/?created={}", student.id)),
        Err(error) => rejected(&state, uri, input, error).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Form(input): Form<StudentInput>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return render_page(&state, uri, None, StatusCode::NOT_FOUND).await;
    };
    match service::update(&state.db, id, &input).await {
        Ok(student) => see_other(format!("/{}/?updated=1", student.id)),
        Err(AppError::NotFound) => render_page(&state, uri, None, StatusCode::NOT_FOUND).await,
        Err(error) => rejected(&state, uri, input, error).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return render_page(&state, uri, None, StatusCode::NOT_FOUND).await;
    };
    match service::delete(&state.db, id).await {
        Ok(()) => see_other(format!("/?deleted={id}")),
        Err(AppError::NotFound) => render_page(&state, uri, None, StatusCode::NOT_FOUND).await,
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            render_page(&state, uri, None, status).await
        }
    }
}
