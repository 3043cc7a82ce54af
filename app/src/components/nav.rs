use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Nav() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">"Roster"</A>
                <A href="/create/">"Create"</A>
                <A href="/about/">"About"</A>
            </nav>
        </header>
    }
}
