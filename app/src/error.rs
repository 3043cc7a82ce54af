use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use roster_core::domain::{Conflict, FieldErrors, Kind};
use serde::{Deserialize, Serialize};

/// Every way a Roster request can fail, as the user and the HTTP client see it.
/// Shared by server and browser: a server function returns it, a form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; each message belongs next to its field.
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("That {} does not exist (it may have been deleted).", .0.noun())]
    NotFound(Kind),
    /// The record changed since the form was opened; nothing was written.
    #[error("{}", conflict_text(.0))]
    Conflict(Conflict),
    /// A rule that depends on other records refused the request (a handler
    /// that still has pets, a course that is full).
    #[error("{0}")]
    Refused(String),
    /// No session: the page or server function needs a signed-in user.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Signed in, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Unknown account and wrong password look the same from outside.
    #[error("That username or email and password do not match an account.")]
    BadCredentials,
    #[error("This account has been disabled. Ask an administrator if you need it again.")]
    AccountDisabled,
    #[error(
        "Too many failed sign-in attempts. Try again in {}.",
        minutes(retry_after_secs)
    )]
    TooManyAttempts { retry_after_secs: i64 },
    /// Too many requests of one kind from one client (the contact form).
    #[error(
        "You have sent too many messages. Try again in {}.",
        minutes(retry_after_secs)
    )]
    RateLimited { retry_after_secs: i64 },
    #[error("Registration is closed. Ask an administrator for an account.")]
    RegistrationClosed,
    /// The database is away or refuses writes; worth trying again soon.
    #[error("The database is not available right now. Nothing was changed; please try again in a moment.")]
    Unavailable,
    /// Details are logged on the server, never sent to the browser.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never got a proper answer (network, encoding).
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) | AppError::Refused(_) => 409,
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden(_) | AppError::RegistrationClosed | AppError::AccountDisabled => {
                403
            }
            AppError::TooManyAttempts { .. } | AppError::RateLimited { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// Only administrators may do this.
    pub fn admins_only() -> Self {
        AppError::Forbidden("Only administrators can do that.".into())
    }

    /// Seconds until a throttled client may try again.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(5),
            _ => None,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }

    pub fn conflict(&self) -> Option<&Conflict> {
        match self {
            AppError::Conflict(conflict) => Some(conflict),
            _ => None,
        }
    }
}

fn conflict_text(conflict: &Conflict) -> String {
    if let Some(said) = &conflict.bulk {
        return said.clone();
    }
    let noun = conflict.kind.noun();
    if conflict.deleting {
        format!(
            "Someone else changed this {noun} since you opened this page, so it was not \
             deleted. Look at it again before deleting it."
        )
    } else {
        format!(
            "Someone else saved changes to this {noun} since you opened it. Their values are \
             shown beside yours: save again to keep yours, or reload the page to start from theirs."
        )
    }
}

/// "1 minute", "15 minutes": whole minutes, rounded up ("0 minutes" helps
/// nobody).
fn minutes(secs: &i64) -> String {
    match (secs + 59) / 60 {
        1 => "1 minute".into(),
        n => format!("{n} minutes"),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<roster_core::db::DbError> for AppError {
    fn from(e: roster_core::db::DbError) -> Self {
        use roster_core::db::DbError;
        use roster_core::domain::constraints::field_message;
        match e {
            DbError::Constraint(name) => match field_message(&name) {
                Some((field, message)) => AppError::Invalid(FieldErrors::single(field, message)),
                None => {
                    tracing::warn!(constraint = %name, "unmapped constraint violation");
                    AppError::Refused(
                        "That conflicts with other records. Reload the page and try again.".into(),
                    )
                }
            },
            DbError::NotFound(kind) => AppError::NotFound(kind),
            DbError::Stale => AppError::Refused(
                "This record changed since you opened it. Reload the page and try again.".into(),
            ),
            DbError::InUse { children, count } => {
                AppError::Refused(format!("It still has {}.", children.count(count)))
            }
            DbError::RegistrationClosed => AppError::RegistrationClosed,
            DbError::Refused(why) => AppError::Refused(why),
            DbError::Denied(why) => AppError::Forbidden(why),
            DbError::Forbidden(kind, op) => {
                AppError::Forbidden(roster_core::domain::role::not_allowed(kind, op))
            }
            DbError::Unavailable(reason) => {
                tracing::warn!(%reason, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database failure");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_record_type() {
        assert_eq!(
            AppError::NotFound(Kind::Pet).to_string(),
            "That pet does not exist (it may have been deleted)."
        );
        assert!(AppError::TooManyAttempts {
            retry_after_secs: 61
        }
        .to_string()
        .ends_with("2 minutes."));
        assert!(AppError::RateLimited {
            retry_after_secs: 30
        }
        .to_string()
        .ends_with("1 minute."));
        assert_eq!(AppError::Unavailable.status(), 503);
    }
}
