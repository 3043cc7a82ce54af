//! Server functions: the browser's way in. Each is thin: fetch the database
//! from context, call [`crate::service`], report the outcome.

use leptos::prelude::*;
use roster_core::domain::{
    ListQuery, LoginInput, RegisterInput, Student, StudentInput, StudentPage,
};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::AppError;

/// What the About page shows. Never the database URL: it may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub version: String,
    pub database: String,
    /// Only for a signed-in user: the count is part of the records.
    pub students: Option<i64>,
}

/// What the administrators' settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub registration_open: bool,
    /// Set by `ROSTER_OPEN_REGISTRATION`, which the page cannot change.
    pub registration_forced: bool,
    pub users: i64,
}

#[server(prefix = "/api", endpoint = "students/list")]
pub async fn list_students(query: ListQuery) -> Result<StudentPage, AppError> {
    crate::service::respond(crate::service::accounts::require_user())?;
    let db = crate::service::db()?;
    Ok(db.list_students(&query.sanitized()).await?)
}

/// `Ok(None)` when there is no such student: a page that asked decides what
/// that means (a 404 for the student page, nothing for a flash message).
#[server(prefix = "/api", endpoint = "students/get")]
pub async fn get_student(id: i64) -> Result<Option<Student>, AppError> {
    crate::service::respond(crate::service::accounts::require_user())?;
    let db = crate::service::db()?;
    Ok(db.get_student(id).await?)
}

#[server(prefix = "/api", endpoint = "students/create")]
pub async fn create_student(input: StudentInput) -> Result<i64, AppError> {
    crate::service::respond(crate::service::accounts::require_user())?;
    let db = crate::service::db()?;
    crate::service::respond(crate::service::create(&db, &input).await.map(|s| s.id))
}

#[server(prefix = "/api", endpoint = "students/update")]
pub async fn update_student(id: i64, input: StudentInput) -> Result<i64, AppError> {
    crate::service::respond(crate::service::accounts::require_user())?;
    let db = crate::service::db()?;
    crate::service::respond(crate::service::update(&db, id, &input).await.map(|s| s.id))
}

#[server(prefix = "/api", endpoint = "students/delete")]
pub async fn delete_student(id: i64) -> Result<(), AppError> {
    crate::service::respond(crate::service::accounts::require_user())?;
    let db = crate::service::db()?;
    crate::service::respond(crate::service::delete(&db, id).await)
}

#[server(prefix = "/api", endpoint = "about")]
pub async fn about_info() -> Result<About, AppError> {
    let db = crate::service::db()?;
    let students = match crate::service::accounts::current_session() {
        Some(_) => Some(db.count_students().await?),
        None => None,
    };
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: db.backend().label().to_owned(),
        students,
    })
}

/// Signs in; the session cookie comes with the answer.
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(input: LoginInput) -> Result<Viewer, AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    let client = auth::client_info();
    let started = auth::login(
        &db,
        &auth::auth_settings(),
        &client,
        &input,
        auth::current_session().as_ref(),
    )
    .await;
    let session = crate::service::respond(started)?;
    auth::add_response_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(&session.cookie_value, &auth::auth_settings(), client.https),
    );
    Ok(session.viewer)
}

/// Creates an account and signs it in.
#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(input: RegisterInput) -> Result<Viewer, AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    let settings = auth::auth_settings();
    let started = auth::register(&db, &settings, &input, auth::current_session().as_ref()).await;
    let session = crate::service::respond(started)?;
    auth::add_response_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(&session.cookie_value, &settings, auth::client_info().https),
    );
    Ok(session.viewer)
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    crate::service::respond(auth::logout(&db, auth::current_session().as_ref()).await)?;
    auth::add_response_header(
        http::header::SET_COOKIE,
        &auth::clear_cookie(auth::client_info().https),
    );
    Ok(())
}

/// Whether `/register/` takes new accounts now (public).
#[server(prefix = "/api", endpoint = "auth/registration")]
pub async fn registration_open() -> Result<bool, AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    auth::registration_open(&db, &auth::auth_settings()).await
}

#[server(prefix = "/api", endpoint = "settings/get")]
pub async fn get_site_settings() -> Result<SiteSettings, AppError> {
    use crate::service::accounts as auth;
    crate::service::respond(auth::require_admin())?;
    let db = crate::service::db()?;
    let settings = auth::auth_settings();
    Ok(SiteSettings {
        registration_open: auth::registration_open(&db, &settings).await?,
        registration_forced: settings.forced_open_registration.is_some(),
        users: db.count_users().await?,
    })
}

#[server(prefix = "/api", endpoint = "settings/registration")]
pub async fn set_registration_open(open: bool) -> Result<(), AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    let user = auth::current_session().map(|s| s.user);
    let changed =
        crate::service::set_registration_open(&db, &auth::auth_settings(), user.as_ref(), open)
            .await;
    crate::service::respond(changed)
}
