//! Who is signed in, as the pages see it (server and browser alike).

use leptos::prelude::*;
use roster_core::domain::CurrentUser;
use serde::{Deserialize, Serialize};

/// The signed-in user, and the token that forms carry for clients that send
/// no `Origin` header (see the server's CSRF check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: CurrentUser,
    pub csrf_token: String,
}

/// The field name forms use for the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// Puts the viewer in context as a signal: the server reads it from the
/// request, the browser from the page's hydration data; signing in or out
/// in the browser updates it.
pub fn provide_viewer() -> RwSignal<Option<Viewer>> {
    let initial = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            crate::service::accounts::current_session().map(|s| Viewer::from(&s))
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<Viewer>
        }
    })
    .into_inner();
    let viewer = RwSignal::new(initial);
    provide_context(viewer);
    viewer
}

pub fn use_viewer() -> RwSignal<Option<Viewer>> {
    use_context::<RwSignal<Option<Viewer>>>().unwrap_or_else(|| RwSignal::new(None))
}

/// May the signed-in account do `op` with records of `kind`? (What the
/// pages offer; the server checks again where the write happens.)
pub fn viewer_may(kind: roster_core::domain::Kind, op: roster_core::domain::Op) -> bool {
    use_viewer().with_untracked(|v| v.as_ref().is_some_and(|v| v.user.may(kind, op)))
}

/// Has the signed-in account's role the teacher's grant (grades in the
/// courses it teaches)?
pub fn viewer_teaches() -> bool {
    use_viewer().with_untracked(|v| v.as_ref().is_some_and(|v| v.user.grants.teaches()))
}

/// A form page the account's role cannot use: 403, and why.
pub fn forbidden_view(kind: roster_core::domain::Kind, op: roster_core::domain::Op) -> AnyView {
    crate::components::status::set_status(403);
    view! {
        <crate::components::status::Notice kind="error">
            {roster_core::domain::role::not_allowed(kind, op)}
        </crate::components::status::Notice>
    }
    .into_any()
}

/// The hidden form field with the session's CSRF token.
#[component]
pub fn CsrfField() -> impl IntoView {
    let viewer = use_viewer();
    let token = move || viewer.with(|v| v.as_ref().map(|v| v.csrf_token.clone()));
    view! { <input type="hidden" name=CSRF_FIELD value=token/> }
}

/// Percent-encodes a query value (everything but unreserved characters and `/`).
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
