//! A request that waits on the database does not hang while the database
//! is gone. Once a request has taken [`PATIENCE`], the server asks whether
//! the database answers a connection of its own ([`Db::reachable`], see [`crate::probe`]); if
//! not, the request is dropped (nothing it began can commit) and the
//! client gets the readable 503 page at once. A database that is only busy
//! answers the question, and its requests go on waiting their turn.
//!
//! One question at a time serves every slow request, and its answer is
//! reused for [`FRESH`]: a hundred waiting requests cost one connection.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use roster_core::db::Db;

use crate::state::AppState;

/// How long a request runs before the server asks about the database.
pub const PATIENCE: Duration = Duration::from_millis(1000);
/// Middleware: runs the request; past [`PATIENCE`], 503 if the database is gone.
pub async fn unless_database_gone(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(state.db, Db::Sqlite(_)) {
        // A file: there when the server is (read-only and full disks have
        // answers of their own).
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    let run = next.run(request);
    tokio::pin!(run);
    loop {
        tokio::select! {
            response = &mut run => return response,
            () = tokio::time::sleep(PATIENCE) => {
                if !state.probe.reachable(&state.db).await {
                    return crate::render::unavailable(&state.urls.css, api);
                }
            }
        }
    }
}
