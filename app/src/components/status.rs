use leptos::prelude::*;

/// Marks the response of the page being rendered as "not found" (server only;
/// in the browser the status was decided long ago).
pub fn set_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// A notice at the top of a page: a success ("Added John Doe.") or a problem.
#[component]
pub fn Notice(kind: &'static str, children: Children) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <div class=format!("notice notice-{kind}") role=role>{children()}</div> }
}
