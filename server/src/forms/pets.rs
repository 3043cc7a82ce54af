//! Pets' forms, and the comments under a pet.

use axum::Router;
use roster_app::comments::{NewComment, RemoveComment};
use roster_core::domain::Pet;

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::record::<Pet>(router);
    let router = super::action::<NewComment>(router);
    super::action::<RemoveComment>(router)
}
