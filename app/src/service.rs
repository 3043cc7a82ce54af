//! What a write does, independent of how it arrived: a server function call
//! (JavaScript on) or a plain form POST (JavaScript off) both end up here, so
//! the two paths cannot drift apart.

pub mod accounts;

use leptos::prelude::*;
use roster_core::db::Db;
use roster_core::domain::{Student, StudentInput};

use crate::error::AppError;

/// The database pool the server put in context.
pub fn db() -> Result<Db, AppError> {
    use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database in context");
        AppError::Internal
    })
}

/// Gives a failed server function the HTTP status its error deserves
/// (422, 404, …) instead of a blanket 500.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(e.status()) {
                options.set_status(status);
            }
            if let Some(secs) = e.retry_after_secs() {
                if let Ok(value) = http::HeaderValue::from_str(&secs.to_string()) {
                    options.insert_header(http::header::RETRY_AFTER, value);
                }
            }
        }
    }
    result
}

pub async fn create(db: &Db, input: &StudentInput) -> Result<Student, AppError> {
    let new = input.parse().map_err(AppError::Invalid)?;
    let student = db.create_student(&new).await?;
    tracing::info!(id = student.id, "student created");
    Ok(student)
}

pub async fn update(db: &Db, id: i64, input: &StudentInput) -> Result<Student, AppError> {
    let new = input.parse().map_err(AppError::Invalid)?;
    let student = db.update_student(id, &new).await?;
    tracing::info!(id, "student updated");
    Ok(student)
}

pub async fn delete(db: &Db, id: i64) -> Result<(), AppError> {
    db.delete_student(id).await?;
    tracing::info!(id, "student deleted");
    Ok(())
}

/// Opens or closes registration; administrators only, and only when the
/// operator left it to them (no `ROSTER_OPEN_REGISTRATION`).
pub async fn set_registration_open(
    db: &Db,
    settings: &accounts::AuthSettings,
    user: Option<&roster_core::domain::CurrentUser>,
    open: bool,
) -> Result<(), AppError> {
    let admin = match user {
        Some(user) if user.is_admin => user,
        Some(_) => return Err(AppError::Forbidden),
        None => return Err(AppError::Unauthorized),
    };
    if settings.forced_open_registration.is_some() {
        return Err(AppError::Forbidden);
    }
    db.set_registration_open(open).await?;
    tracing::info!(admin = admin.id, open, "registration setting changed");
    Ok(())
}
