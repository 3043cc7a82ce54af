pub mod about;
pub mod create;
pub mod delete;
pub mod edit;
pub mod home;
pub mod not_found;
pub mod student;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route, if it is a positive whole number.
pub fn route_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get_str("id")
                .and_then(|id| id.parse::<i64>().ok())
                .filter(|id| *id > 0)
        })
    })
}
