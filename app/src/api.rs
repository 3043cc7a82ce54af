//! Server functions: the browser's way in. Each is thin: fetch the database
//! from context, call [`crate::service`], report the outcome.

use leptos::prelude::*;
use roster_core::domain::{ListQuery, Student, StudentInput, StudentPage};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the About page shows. Never the database URL: it may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub version: String,
    pub database: String,
    pub students: i64,
}

#[server(prefix = "/api", endpoint = "students/list")]
pub async fn list_students(query: ListQuery) -> Result<StudentPage, AppError> {
    let db = crate::service::db()?;
    Ok(db.list_students(&query.sanitized()).await?)
}

/// `Ok(None)` when there is no such student: a page that asked decides what
/// that means (a 404 for the student page, nothing for a flash message).
#[server(prefix = "/api", endpoint = "students/get")]
pub async fn get_student(id: i64) -> Result<Option<Student>, AppError> {
    let db = crate::service::db()?;
    Ok(db.get_student(id).await?)
}

#[server(prefix = "/api", endpoint = "students/create")]
pub async fn create_student(input: StudentInput) -> Result<i64, AppError> {
    let db = crate::service::db()?;
    crate::service::respond(crate::service::create(&db, &input).await.map(|s| s.id))
}

#[server(prefix = "/api", endpoint = "students/update")]
pub async fn update_student(id: i64, input: StudentInput) -> Result<i64, AppError> {
    let db = crate::service::db()?;
    crate::service::respond(crate::service::update(&db, id, &input).await.map(|s| s.id))
}

#[server(prefix = "/api", endpoint = "students/delete")]
pub async fn delete_student(id: i64) -> Result<(), AppError> {
    let db = crate::service::db()?;
    crate::service::respond(crate::service::delete(&db, id).await)
}

#[server(prefix = "/api", endpoint = "about")]
pub async fn about_info() -> Result<About, AppError> {
    let db = crate::service::db()?;
    let total = db
        .list_students(&ListQuery {
            per_page: 10,
            ..ListQuery::default()
        })
        .await?
        .total;
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: db.backend().label().to_owned(),
        students: total,
    })
}
