//! Plain HTML form POSTs, for browsers without JavaScript. One handler serves
//! every form action (`roster_app::record::action::FormAction`): it does
//! what the action's server function does, then answers like a classic web
//! app: 303 to the action's next page on success; the form's page again
//! with the typed values and a message at each field (422, 409, 403…); or
//! the not-found page (404).
//!
//! The body is read as form pairs whatever its content type says, the first
//! value of a repeated name counts and missing names are empty: bad input
//! gets the form's own messages, never a 5xx.

mod accounts;
mod courses;
mod messages;
mod pets;

use axum::body::Bytes;
use axum::extract::{Extension, OriginalUri, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use leptos::prelude::provide_context;
use roster_app::error::AppError;
use roster_app::form_state::FormState;
use roster_app::record::action::{FormAction, Ids};
use roster_app::record::crud::{Create, Delete, Edit, RestoreVersion};
use roster_app::record::page::RecordView;
use roster_app::service::accounts::{ClientInfo, Session};
use roster_app::service::{Actor, Ctx};
use roster_app::FIND_FIELD;
use roster_core::domain::{from_fields, FieldErrors};

use crate::render::render_page;
use crate::state::AppState;

/// Every form's POST route: each record type's create, edit and delete
/// (from the registry, `roster_app::record_types!`), and the other actions.
pub fn routes(router: Router<AppState>) -> Router<AppState> {
    macro_rules! records {
        ($($record:ty => $list:ty),* $(,)?) => {{
            $(let router = record::<$record>(router);)*
            router
        }};
    }
    let router = roster_app::record_types!(records);
    let router = pets::routes(router);
    let router = courses::routes(router);
    let router = messages::routes(router);
    let router = action::<roster_app::trash::Undelete>(router);
    let router = action::<roster_app::trash::PurgeTrash>(router);
    let router = action::<roster_app::bulk::UndoBatch>(router);
    let router = action::<roster_app::enrolments::ClassBulkApply>(router);
    let router =
        action::<roster_app::row_bulk::RowBulkApply<roster_core::domain::MessageList>>(router);
    let router =
        action::<roster_app::row_bulk::RowBulkApply<roster_core::domain::AccountList>>(router);
    let router =
        action::<roster_app::row_bulk::RowBulkApply<roster_core::domain::CommentList>>(router);
    accounts::routes(router)
}

/// The POST route of action `A`.
fn action<A: FormAction>(router: Router<AppState>) -> Router<AppState> {
    router.route(&A::ROUTE.axum(), post(handle::<A>))
}

/// The create, edit and delete routes of record type `R`.
fn record<R: RecordView>(router: Router<AppState>) -> Router<AppState> {
    let router = action::<roster_app::bulk::BulkApply<R>>(router);
    let router = action::<Create<R>>(router);
    let router = action::<Edit<R>>(router);
    let router = action::<RestoreVersion<R>>(router);
    action::<Delete<R>>(router)
}

fn see_other(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Runs action `A` for a plain form POST.
async fn handle<A: FormAction>(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    Extension(client): Extension<ClientInfo>,
    session: Option<Extension<Session>>,
    body: Bytes,
) -> Response {
    let session = session.map(|s| s.0);
    let Some(ids) = A::ROUTE
        .matches(uri.path())
        .and_then(|ids| A::Ids::from_path(&ids))
    else {
        return render_page(&state, uri, session, || {}, StatusCode::NOT_FOUND).await;
    };
    let page: axum::http::Uri = A::page(&ids).parse().unwrap_or(uri);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let finding = pairs.iter().any(|(name, _)| name == FIND_FIELD);
    let input: A::Input = from_fields(pairs);

    // A picker's Find button: show the form again with the matches, save
    // nothing.
    if finding {
        let form = FormState {
            input: A::keep(&input),
            errors: FieldErrors::new(),
            message: None,
            conflict: None,
        };
        return render_page(
            &state,
            page,
            session,
            move || provide_context(form.clone()),
            StatusCode::OK,
        )
        .await;
    }

    let ctx = Ctx::new(
        state.db.clone(),
        Actor {
            session: session.clone(),
            client,
        },
        state.auth.clone(),
    );
    let mut response =
        match roster_app::record::action::run::<A>(&ctx, ids.clone(), input.clone()).await {
            Ok(output) => see_other(&A::next(&ids, &output)),
            Err(error) => {
                // A form refused by the sign-in itself is shown signed out.
                let shown_as = if matches!(error, AppError::Unauthorized) {
                    None
                } else {
                    session
                };
                let status = status_of(&error);
                let retry = error.retry_after_secs();
                let form = FormState {
                    input: A::keep(&input),
                    errors: error.field_errors().cloned().unwrap_or_default(),
                    message: Some(error.to_string()),
                    conflict: error.conflict().cloned(),
                };
                let mut response = render_page(
                    &state,
                    page,
                    shown_as,
                    move || provide_context(form.clone()),
                    status,
                )
                .await;
                if let Some(secs) = retry {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                response
            }
        };
    for (name, value) in ctx.take_headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
