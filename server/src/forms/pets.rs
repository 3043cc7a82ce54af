//! The comments under a pet (its own forms come from the registry).

use axum::Router;
use roster_app::comments::{NewComment, RemoveComment};

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::action::<NewComment>(router);
    super::action::<RemoveComment>(router)
}
