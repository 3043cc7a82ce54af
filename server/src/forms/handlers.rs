//! Handlers' forms: create, edit, and delete (moving the pets first).

use axum::Router;
use roster_core::domain::Handler;

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    super::record::<Handler>(router)
}
