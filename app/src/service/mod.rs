//! The server side of every request: who is asking ([`Actor`]), the
//! database, and the outcome's HTTP status. Shared by the server functions
//! (JavaScript on) and the plain form handlers (JavaScript off), so the two
//! paths cannot drift apart.

pub mod accounts;

use std::sync::Mutex;

use leptos::prelude::*;
use std::future::Future;

use roster_core::db::{Db, DbError};
use roster_core::domain::{Conflict, CurrentUser, Record};

use crate::error::AppError;
use accounts::{AuthSettings, ClientInfo, Session};

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

/// Who is asking: their session (if signed in) and where from.
#[derive(Clone, Debug)]
pub struct Actor {
    pub session: Option<Session>,
    pub client: ClientInfo,
}

impl Actor {
    pub fn user(&self) -> Option<&CurrentUser> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The signed-in user, or [`AppError::Unauthorized`].
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user().ok_or(AppError::Unauthorized)
    }

    /// A signed-in user whose role allows `op` on records of `kind`, or
    /// 401/403.
    pub fn require(
        &self,
        kind: roster_core::domain::Kind,
        op: roster_core::domain::Op,
    ) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if user.may(kind, op) {
            Ok(user)
        } else {
            Err(AppError::Forbidden(roster_core::domain::role::not_allowed(
                kind, op,
            )))
        }
    }

    /// A signed-in user who may set grades somewhere: the role changes
    /// enrolments, or has the teacher's grant (the write then checks that
    /// the course is one the account teaches), or 401/403.
    pub fn require_grading(&self) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if user.grants.teaches() {
            Ok(user)
        } else {
            self.require(
                roster_core::domain::Kind::Enrolment,
                roster_core::domain::Op::Change,
            )
        }
    }

    /// Whether the account's role lets it change and delete records of
    /// `kind` (which of a row's buttons to show).
    pub fn may_change_delete(&self, kind: roster_core::domain::Kind) -> (bool, bool) {
        self.user().map_or((false, false), |u| {
            (
                u.may(kind, roster_core::domain::Op::Change),
                u.may(kind, roster_core::domain::Op::Delete),
            )
        })
    }

    /// A signed-in administrator, or 401/403.
    pub fn require_admin(&self) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if user.is_admin {
            Ok(user)
        } else {
            Err(AppError::admins_only())
        }
    }
}

impl Ctx {
    /// The signed-in user, if they may set grades in course `course`: their
    /// role changes enrolments, or they teach it; else 401/403. Checked
    /// before the form is read; the write checks again in its transaction.
    pub async fn require_grading_in(&self, course: i64) -> Result<&CurrentUser, AppError> {
        let user = self.actor.require_grading()?;
        if user.may(
            roster_core::domain::Kind::Enrolment,
            roster_core::domain::Op::Change,
        ) || self.db.teaches(user.id, course).await?
        {
            Ok(user)
        } else {
            Err(roster_core::db::not_taught().into())
        }
    }
}

/// What a service call works with: the database, the actor, the operator's
/// settings, and response headers to send (cookies).
pub struct Ctx {
    pub db: Db,
    pub actor: Actor,
    pub auth: AuthSettings,
    headers: Mutex<Vec<(http::HeaderName, String)>>,
}

impl Ctx {
    pub fn new(db: Db, actor: Actor, auth: AuthSettings) -> Self {
        Self {
            db,
            actor,
            auth,
            headers: Mutex::new(Vec::new()),
        }
    }

    /// The context of the server function or page being served.
    pub fn from_context() -> Result<Self, AppError> {
        Ok(Self::new(
            db()?,
            Actor {
                session: accounts::current_session(),
                client: accounts::client_info(),
            },
            accounts::auth_settings(),
        ))
    }

    /// Who is changing something, for the history.
    pub fn by(&self) -> roster_core::db::By {
        roster_core::db::By {
            account: self.actor.user().map(|u| u.id),
            request: self.actor.client.request_id.clone(),
            import: None,
            batch: None,
            grants: self.actor.user().map(|u| u.grants).unwrap_or_default(),
        }
    }

    /// A header for the response (a cookie being set or cleared).
    pub fn add_header(&self, name: http::HeaderName, value: String) {
        if let Ok(mut headers) = self.headers.lock() {
            headers.push((name, value));
        }
    }

    pub fn take_headers(&self) -> Vec<(http::HeaderName, String)> {
        self.headers
            .lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default()
    }

    /// Hands the headers to leptos for the server function's response.
    pub fn send_headers(&self) {
        for (name, value) in self.take_headers() {
            accounts::add_response_header(name, &value);
        }
    }
}

/// A read for a server function: signed in, with the outcome's status.
pub async fn read<T, Fut>(work: impl FnOnce(Ctx) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let ctx = Ctx::from_context()?;
    if let Err(e) = ctx.actor.require_user() {
        return respond(Err(e));
    }
    respond(work(ctx).await)
}

/// Turns "the row changed since that version" into the conflict the form
/// shows: the record as it is now, field by field. `current` reads it.
pub async fn conflict<R, Fut>(error: DbError, current: impl FnOnce() -> Fut) -> AppError
where
    R: Record,
    Fut: Future<Output = Result<Option<R>, DbError>>,
{
    match error {
        DbError::Stale => match current().await {
            Ok(Some(record)) => AppError::Conflict(Conflict::new(&record)),
            Ok(None) => AppError::NotFound(R::KIND),
            Err(e) => e.into(),
        },
        other => other.into(),
    }
}
