use crate::error::AppError;
use leptos::prelude::*;

/// Marks the response of the page being rendered as "not found" (server only;
/// in the browser the status was decided long ago).
pub fn set_not_found() {
    set_status(404);
}

/// Sets the HTTP status of the page being rendered (server only).
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// A notice at the top of a page: a success ("Added John Doe.") or a problem.
#[component]
pub fn Notice(kind: &'static str, children: Children) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <div class=format!("notice notice-{kind}") role=role>{children()}</div> }
}

/// A failure while loading, with its status.
pub fn failed(error: AppError) -> AnyView {
    set_status(error.status());
    view! { <Notice kind="error">{error.to_string()}</Notice> }.into_any()
}
