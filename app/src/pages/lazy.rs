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

pub struct CreateRoute;

#[lazy_route]
impl LazyRoute for CreateRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <CreatePage/> }.into_any()
    }
}

pub struct EditRoute;

#[lazy_route]
impl LazyRoute for EditRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <EditPage/> }.into_any()
    }
}

pub struct DeleteRoute;

#[lazy_route]
impl LazyRoute for DeleteRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <DeletePage/> }.into_any()
    }
}

pub struct AboutRoute;

#[lazy_route]
impl LazyRoute for AboutRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <AboutPage/> }.into_any()
    }
}

pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <LoginPage/> }.into_any()
    }
}

pub struct RegisterRoute;

#[lazy_route]
impl LazyRoute for RegisterRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <RegisterPage/> }.into_any()
    }
}

pub struct SettingsRoute;

#[lazy_route]
impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <SettingsPage/> }.into_any()
    }
}

pub struct StudentRoute;

#[lazy_route]
impl LazyRoute for StudentRoute {
    fn data() -> Self {
        Self
    }
    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <StudentPage/> }.into_any()
    }
}
