//! Pages loaded on demand. With `cargo leptos build --split`, each view below
//! becomes a wasm chunk of its own, fetched when its route is first visited
//! (or before hydration when a page is opened directly), so the bundle every
//! visitor downloads holds only the list and the frame around it.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::{
    about::AboutPage, create::CreatePage, delete::DeletePage, edit::EditPage, login::LoginPage,
    register::RegisterPage, settings::SettingsPage, student::StudentPage,
};

/// A route whose view is the page component `$page`, loaded lazily. The
/// route needs no data of its own: each page loads what it shows.
macro_rules! lazy_page {
    ($route:ident => $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(StudentRoute => StudentPage);
lazy_page!(CreateRoute => CreatePage);
lazy_page!(EditRoute => EditPage);
lazy_page!(DeleteRoute => DeletePage);
lazy_page!(AboutRoute => AboutPage);
lazy_page!(LoginRoute => LoginPage);
lazy_page!(RegisterRoute => RegisterPage);
lazy_page!(SettingsRoute => SettingsPage);
