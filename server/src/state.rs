//! What every handler shares, and the limits every request meets.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use roster_app::service::accounts::AuthSettings;
use roster_app::AssetUrls;
use roster_core::db::Db;

use crate::assets::Assets;
use crate::config::SecureCookie;

/// Form posts are small; anything larger is refused with 413 before it is read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler shares. Cloned for each request (axum's `State`), so
/// it is one `Arc`.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub assets: Arc<Assets>,
    pub urls: Arc<AssetUrls>,
    pub auth: AuthSettings,
    pub secure_cookie: SecureCookie,
    pub trust_proxy: bool,
    pub metrics_token: Option<crate::config::Secret>,
    /// Whether the database answers, asked when a request is slow.
    pub probe: crate::probe::Probe,
    /// The imports being applied here, and how far each is.
    pub applying: crate::import::Applying,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
