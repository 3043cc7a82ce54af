//! Sign-in, registration, sign-out, one's own account, the administrators'
//! changes to accounts, and the site settings.

use axum::Router;
use roster_app::accounts::{
    ChangeEmail, ChangePassword, SaveDetails, SaveSettings, SetRole, SetStatus, SignIn, SignOut,
    SignUp,
};

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::action::<SignIn>(router);
    let router = super::action::<SignUp>(router);
    let router = super::action::<SignOut>(router);
    let router = super::action::<SaveDetails>(router);
    let router = super::action::<ChangeEmail>(router);
    let router = super::action::<ChangePassword>(router);
    let router = super::action::<SetRole>(router);
    let router = super::action::<SetStatus>(router);
    let router = super::action::<roster_app::accounts::roles::SaveRole>(router);
    let router = super::action::<roster_app::accounts::roles::AddRole>(router);
    let router = super::action::<roster_app::accounts::roles::DeleteRole>(router);
    super::action::<SaveSettings>(router)
}
