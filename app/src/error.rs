use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use roster_core::domain::FieldErrors;
use serde::{Deserialize, Serialize};

/// Every way a Roster request can fail, as the user and the HTTP client see it.
/// Shared by server and browser: a server function returns it, a form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; each message belongs next to its field.
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("That student does not exist (it may have been deleted).")]
    NotFound,
    /// No session: the page or server function needs a signed-in user.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Signed in, but not an administrator.
    #[error("Only administrators can do that.")]
    Forbidden,
    /// Unknown account and wrong password look the same from outside.
    #[error("That username or email and password do not match an account.")]
    BadCredentials,
    #[error("Too many failed sign-in attempts. Try again in {} minute{}.", minutes(*retry_after_secs), if minutes(*retry_after_secs) == 1 { "" } else { "s" })]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("Registration is closed. Ask an administrator for an account.")]
    RegistrationClosed,
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
            AppError::NotFound => 404,
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::RegistrationClosed => 403,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// Seconds until a throttled client may try again.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }
}

/// Whole minutes, rounded up: "try again in 0 minutes" helps nobody.
fn minutes(secs: i64) -> i64 {
    (secs + 59) / 60
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
        match e {
            DbError::EmailTaken => AppError::Invalid(FieldErrors::single(
                "email",
                "Another student already uses this email address.",
            )),
            DbError::NotFound => AppError::NotFound,
            DbError::Taken(field) => AppError::Invalid(FieldErrors::single(
                field,
                if field == "username" {
                    "That username is taken."
                } else {
                    "An account with this email already exists."
                },
            )),
            DbError::RegistrationClosed => AppError::RegistrationClosed,
            other => {
                tracing::error!(error = %other, "database failure");
                AppError::Internal
            }
        }
    }
}
