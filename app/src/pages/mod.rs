pub mod about;
pub mod create;
pub mod delete;
pub mod edit;
pub mod home;
pub mod lazy;
pub mod login;
pub mod not_found;
pub mod register;
pub mod settings;
pub mod student;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use roster_core::domain::Student;

use crate::api::{get_student, DeleteStudent};
use crate::error::AppError;

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

/// The student the current route names (`Ok(None)`: no such student).
pub fn student_resource(id: Memo<Option<i64>>) -> Resource<Result<Option<Student>, AppError>> {
    Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_student(id).await,
                None => Ok(None),
            }
        },
    )
}

/// A delete action that, once it succeeded, goes to the list (which says so).
pub fn delete_then_list(id: Memo<Option<i64>>) -> ServerAction<DeleteStudent> {
    let delete = ServerAction::<DeleteStudent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            if let Some(id) = id.get_untracked() {
                navigate(&format!("/?deleted={id}"), Default::default());
            }
        }
    });
    delete
}
