//! Pages loaded on demand. With `cargo leptos build --split`, each view below
//! becomes a wasm chunk of its own, fetched when its route is first visited
//! (or before hydration when a page is opened directly), so the bundle every
//! visitor downloads holds only the frame around the pages (router, nav,
//! sign-out) and what every list and form shares.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use roster_core::domain::{
    Course, CourseList, Handler, HandlerList, Pet, PetList, Student, StudentList,
};

use super::about::AboutPage;
use crate::accounts::{AccountPage, LoginPage, RegisterPage, SettingsPage, UsersPage};
use crate::messages::{ContactPage, MessagePage, MessagesPage, ThanksPage};
use crate::record::page::{create_page, delete_page, detail_page, edit_page, list_page};

/// A route whose view is `$view`, loaded lazily. The route needs no data of
/// its own: each page loads what it shows.
macro_rules! lazy_page {
    ($route:ident => $view:expr) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            fn view(this: Self) -> AnyView {
                let _ = this;
                $view.into_any()
            }
        }
    };
}

lazy_page!(StudentsRoute => list_page::<StudentList>());
lazy_page!(StudentRoute => detail_page::<Student>());
lazy_page!(StudentCreateRoute => create_page::<Student>());
lazy_page!(StudentEditRoute => edit_page::<Student>());
lazy_page!(StudentDeleteRoute => delete_page::<Student>());

lazy_page!(HandlersRoute => list_page::<HandlerList>());
lazy_page!(HandlerRoute => detail_page::<Handler>());
lazy_page!(HandlerCreateRoute => create_page::<Handler>());
lazy_page!(HandlerEditRoute => edit_page::<Handler>());
lazy_page!(HandlerDeleteRoute => delete_page::<Handler>());

lazy_page!(PetsRoute => list_page::<PetList>());
lazy_page!(PetRoute => detail_page::<Pet>());
lazy_page!(PetCreateRoute => create_page::<Pet>());
lazy_page!(PetEditRoute => edit_page::<Pet>());
lazy_page!(PetDeleteRoute => delete_page::<Pet>());

lazy_page!(CoursesRoute => list_page::<CourseList>());
lazy_page!(CourseRoute => detail_page::<Course>());
lazy_page!(CourseCreateRoute => create_page::<Course>());
lazy_page!(CourseEditRoute => edit_page::<Course>());
lazy_page!(CourseDeleteRoute => delete_page::<Course>());

lazy_page!(AccountRoute => view! { <AccountPage/> });
lazy_page!(UsersRoute => view! { <UsersPage/> });
lazy_page!(ContactRoute => view! { <ContactPage/> });
lazy_page!(ThanksRoute => view! { <ThanksPage/> });
lazy_page!(MessagesRoute => view! { <MessagesPage/> });
lazy_page!(MessageRoute => view! { <MessagePage/> });

lazy_page!(AboutRoute => view! { <AboutPage/> });
lazy_page!(LoginRoute => view! { <LoginPage/> });
lazy_page!(RegisterRoute => view! { <RegisterPage/> });
lazy_page!(SettingsRoute => view! { <SettingsPage/> });
