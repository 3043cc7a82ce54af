//! Sign-in, registration, sign-out and the site settings.

use axum::Router;
use roster_app::accounts::{SaveSettings, SignIn, SignOut, SignUp};

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::action::<SignIn>(router);
    let router = super::action::<SignUp>(router);
    let router = super::action::<SignOut>(router);
    super::action::<SaveSettings>(router)
}
