//! What can go wrong with the database, and how sqlx's errors become ours:
//! constraint names kept (the app maps them to fields), URLs never shown.

use crate::domain::Kind;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Config(String),
    /// The database could not be reached at start.
    #[error("{0}")]
    Unreachable(String),
    /// The database stopped answering, or refuses writes, while serving.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A unique, foreign-key or check constraint refused a write, by the
    /// constraint's name (see `roster_core::domain::constraints`).
    #[error("{}", constraint_text(.0))]
    Constraint(String),
    #[error("no such {}", .0.noun())]
    NotFound(Kind),
    /// The record changed since the version the write named.
    #[error("the record changed meanwhile")]
    Stale,
    /// The record still has `count` records of kind `children` that depend
    /// on it (a handler's pets).
    #[error("still has {count} {}", children.plural())]
    InUse { children: Kind, count: i64 },
    /// A record cannot come back from the trash now: why, in words.
    #[error("cannot restore: {0}")]
    CannotRestore(String),
    /// Every place of the course is taken.
    #[error("the course is full")]
    Full,
    /// The change would leave no active administrator.
    #[error("it would leave no active administrator")]
    LastAdmin,
    #[error("registration is closed")]
    RegistrationClosed,
    /// Not this account's to change (a teacher grading a course they do not
    /// teach): why, in words.
    #[error("{0}")]
    Denied(String),
    /// A rule refuses the write: why, in words the person can act on.
    #[error("{0}")]
    Refused(String),
    /// The writer's role does not allow this.
    #[error("not allowed: {} {}", .1.as_str(), .0.plural())]
    Forbidden(Kind, crate::domain::Op),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    /// A read the database answered with an error of the query's own (a
    /// fault in Roster, not an outage).
    #[error("read failed: {0}")]
    Read(String),
}

/// What a violated constraint means, for messages outside forms (the
/// command line, logs).
fn constraint_text(name: &str) -> String {
    match crate::domain::constraints::field_message(name) {
        Some((field, message)) => format!("{field}: {message}"),
        None => format!("constraint {name} refused the write"),
    }
}

impl From<sqlx::Error> for DbError {
    /// Sorts what went wrong: a constraint (the caller's data), the database
    /// being away or read-only (try again later), or a fault.
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                if let Some(name) = constraint_name(db.as_ref()) {
                    return DbError::Constraint(name);
                }
                let code = db.code().unwrap_or_default();
                let message = db.message();
                // PostgreSQL: read-only transaction (25006), shutting down
                // or gone (57P0x), cannot connect now (08xxx). SQLite:
                // read-only file, or a disk that refuses to write.
                if code == "25006"
                    || code.starts_with("57P")
                    || code.starts_with("08")
                    || message.contains("readonly database")
                    || message.contains("disk I/O error")
                    || message.contains("database or disk is full")
                {
                    return DbError::Unavailable(message.to_owned());
                }
                DbError::Sqlx(e)
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => DbError::Unavailable(e.to_string()),
            _ => DbError::Sqlx(e),
        }
    }
}

/// The name of the constraint a database error reports, if it is a
/// constraint violation. PostgreSQL names it; SQLite says
/// `UNIQUE constraint failed: index 'name'` for unique indexes (Roster names
/// all of its own) and nothing for foreign keys, which is why writes check
/// their references in their transaction before relying on the key.
fn constraint_name(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    let violation =
        db.is_unique_violation() || db.is_foreign_key_violation() || db.is_check_violation();
    if !violation {
        return None;
    }
    if let Some(name) = db.constraint() {
        return Some(name.to_owned());
    }
    let message = db.message();
    if let Some(rest) = message.split("index '").nth(1) {
        return rest.split('\'').next().map(str::to_owned);
    }
    Some(if db.is_foreign_key_violation() {
        "foreign key".to_owned()
    } else {
        message.rsplit(": ").next().unwrap_or(message).to_owned()
    })
}

impl DbError {
    /// Worth running the whole transaction again: PostgreSQL chose it as a
    /// deadlock victim or serialization failure, or SQLite stayed busy past
    /// its timeout.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            DbError::Sqlx(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("40001" | "40P01"))
                    || db.message().contains("database is locked")
            }
            _ => false,
        }
    }
}
