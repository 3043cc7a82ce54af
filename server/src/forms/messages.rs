//! The contact form (public) and the administrators' inbox.

use axum::Router;
use roster_app::messages::{DeleteMessage, MarkUnread, SendMessage};

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::action::<SendMessage>(router);
    let router = super::action::<MarkUnread>(router);
    super::action::<DeleteMessage>(router)
}
