use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::NavigateOptions;
use roster_core::domain::{urls, Kind, Op};

use crate::accounts::Logout;
use crate::auth::{use_viewer, CsrfField};

/// `use_navigate` for code that navigates from events and effects, which
/// only run in the browser. On the server it is a no-op: a render that a
/// client abandoned (a closed tab, a load generator stopping) goes on for a
/// moment after leptos has disposed of its router context, and
/// `use_navigate` panics there.
pub fn navigator() -> impl Fn(&str, NavigateOptions) + Clone + Send + Sync + 'static {
    #[cfg(feature = "ssr")]
    {
        |_: &str, _: NavigateOptions| {}
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos_router::hooks::use_navigate()
    }
}

#[component]
pub fn Nav() -> impl IntoView {
    let viewer = use_viewer();
    let logout = ServerAction::<Logout>::new();
    let navigate = navigator();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            viewer.set(None);
            navigate(
                &format!("{}?signed_out=1", urls::login()),
                Default::default(),
            );
        }
    });
    let on_logout = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        logout.dispatch(Logout {});
    };
    let signed_in = move || viewer.with(|v| v.is_some());
    let is_admin = move || viewer.with(|v| v.as_ref().is_some_and(|v| v.user.is_admin));
    // Plain links (the router handles their clicks all the same) marked
    // with `aria-current` from one location memo: leptos_router's `<A>`
    // resolves relative paths and keeps memos per link, which these
    // absolute links do not need, on every page render.
    let path = use_location().pathname;
    let current = move |href: &str| {
        path.with(|p| p == href || (href.len() > 1 && p.starts_with(href)))
            .then_some("page")
    };
    let link = move |href: String, label: &'static str| {
        let here = href.clone();
        view! { <a href=href aria-current=move || current(&here)>{label}</a> }
    };
    // Plain reactive closures rather than `<Show>`: the same markup without
    // a memo and an owner per branch on every page render.
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <a href="/" class="brand">"Roster"</a>
                // What the account's role cannot use is not offered.
                {move || viewer.with(|v| v.as_ref().map(|v| (v.user.id, v.user.grants))).map(|(me, grants)| view! {
                    {link(urls::dashboard(), "Dashboard")}
                    {grants.may(Kind::Student, Op::Add).then(|| link(urls::student_create(), "Create"))}
                    {grants.may(Kind::Handler, Op::View).then(|| link(urls::handlers(), "Handlers"))}
                    {grants.may(Kind::Pet, Op::View).then(|| link(urls::pets(), "Pets"))}
                    {grants.may(Kind::Course, Op::View).then(|| link(urls::courses(), "Courses"))}
                    {grants.teaches().then(|| {
                        let mine = roster_core::domain::list::with_query(&urls::courses(), &[("teacher", me.to_string())]);
                        view! { <a href=mine>"My courses"</a> }
                    })}
                    {grants.may_any(Op::Delete).then(|| link(urls::trash(), "Trash"))}
                })}
                {link(urls::about(), "About")}
                {move || is_admin().then(|| {
                    let unread = move || viewer.with(|v| v.as_ref().map_or(0, |v| v.user.unread));
                    let here = urls::messages();
                    view! {
                        <a href=urls::messages() aria-current=move || current(&here)>
                            "Messages"
                            {move || (unread() > 0).then(|| view! {
                                " "<span class="badge" aria-label=format!("{} unread", unread())>{unread()}</span>
                            })}
                        </a>
                        {link(urls::users(), "Accounts")}
                        {link(urls::activity(), "Activity")}
                        {link(urls::roles(), "Roles")}
                        {link(urls::settings(), "Settings")}
                    }
                })}
                <span class="nav-gap"></span>
                {move || if signed_in() {
                    view! {
                        <span class="who">
                            "Signed in as "
                            <a href=urls::account() class="username" aria-current=move || current("/account/")>
                                {move || viewer.with(|v| v.as_ref().map(|v| v.user.display_name.clone()))}
                            </a>
                        </span>
                        <form class="logout" method="post" action=urls::logout() on:submit=on_logout>
                            <CsrfField/>
                            <button type="submit" class="link">"Sign out"</button>
                        </form>
                    }
                    .into_any()
                } else {
                    view! {
                        {link(urls::login(), "Sign in")}
                        {link(urls::register(), "Register")}
                    }
                    .into_any()
                }}
            </nav>
        </header>
    }
}
