use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::status::set_not_found;

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found();
    view! {
        <Title text="Not found"/>
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. "<a href="/">"See all students"</a></p>
    }
}
