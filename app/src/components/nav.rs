use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::Logout;
use crate::auth::{use_viewer, CsrfField};

#[component]
pub fn Nav() -> impl IntoView {
    let viewer = use_viewer();
    let logout = ServerAction::<Logout>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            viewer.set(None);
            navigate("/login/?signed_out=1", Default::default());
        }
    });
    let on_logout = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        logout.dispatch(Logout {});
    };
    let signed_in = move || viewer.with(|v| v.is_some());
    let is_admin = move || viewer.with(|v| v.as_ref().is_some_and(|v| v.user.is_admin));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">"Roster"</A>
                <Show when=signed_in>
                    <A href="/create/">"Create"</A>
                </Show>
                <A href="/about/">"About"</A>
                <Show when=is_admin>
                    <A href="/settings/">"Settings"</A>
                </Show>
                <span class="nav-gap"></span>
                <Show
                    when=signed_in
                    fallback=|| view! {
                        <A href="/login/">"Sign in"</A>
                        <A href="/register/">"Register"</A>
                    }
                >
                    <span class="who">
                        "Signed in as "
                        <strong class="username">
                            {move || viewer.with(|v| v.as_ref().map(|v| v.user.username.clone()))}
                        </strong>
                    </span>
                    <form class="logout" method="post" action="/logout/" on:submit=on_logout>
                        <CsrfField/>
                        <button type="submit" class="link">"Sign out"</button>
                    </form>
                </Show>
            </nav>
        </header>
    }
}
