//! All SQL lives here. Two real backends, SQLite (embedded default) and
//! PostgreSQL, each through its own typed sqlx driver: the `Any` driver cannot
//! decode timestamps. Queries are written once in the SQL both understand
//! (`$n` placeholders, `RETURNING`, `||`); the few dialect differences are
//! spelled out where they occur, via [`Backend`].

mod accounts;
mod backup;
mod bulk;
mod check;
mod class_bulk;
mod class_list;
mod comments;
mod courses;
mod dashboard;
mod decode;
mod enrol_many;
mod error;
pub mod export;
mod facets;
mod handlers;
mod history;
pub mod import;
mod list;
mod messages;
mod pets;
mod roles;
mod row_bulk;
mod row_de;
mod seed;
mod sessions;
mod sqlite_pool;
mod sqlite_read;
pub mod stats;
mod students;
mod table;
mod trash;
mod write;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

pub use accounts::{AccountOrigin, LoginRecord, NewUser};
pub use backup::{check_file, companion_files, latest_migration, sqlite_file, FileCheck};
pub use bulk::{describe_change, BulkError, ChangedSince};
pub use check::{record_counts, row_checks, CheckReport};
pub use class_bulk::ENROLMENT_ACTIONS;
pub use courses::not_taught;
pub use error::DbError;
pub use history::By;
pub use list::{AnyRow, Arg, ListSql};
pub use row_bulk::{MessageOp, ROW_KINDS};
pub use seed::{SeedCounts, SeedReport};
pub use sessions::SessionRecord;
pub use sqlite_pool::SqlitePool;
pub use table::{Added, Children, FacetSql, Keep, Listed, Ref, Rule, Table, Valid};
pub use trash::Removed;
pub(crate) use write::{
    retrying, stale_or_missing, with_pool, write_tx, BeginWrite, SerialiseRule,
};

/// The URL used when `DATABASE_URL` is unset: a file next to where Roster runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://roster.db";

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// A human name, safe to show (never the URL: it may hold a password).
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// Which backend a URL asks for, judged by its scheme alone.
    pub fn of_url(url: &str) -> Result<Self, DbError> {
        let scheme = url.split(':').next().unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(DbError::Config(format!(
                "DATABASE_URL must start with sqlite: or postgres:// (got a URL with scheme {:?})",
                scheme.chars().take(20).collect::<String>()
            ))),
        }
    }
}

/// Pool and timeout settings. `max_connections: None` picks per backend:
/// on SQLite it counts the read connections (writes go through one, see
/// `SqlitePool`), each with its own page cache, and more of them than
/// cores only cost memory; a PostgreSQL connection waits on the network,
/// so more of them pay.
#[derive(Clone, Debug, Default)]
pub struct PoolSettings {
    pub max_connections: Option<u32>,
    /// How long a request waits for a connection; `None` picks per backend.
    pub acquire_timeout: Option<Duration>,
}

impl PoolSettings {
    /// Long enough to queue behind a burst of writers (SQLite) or behind
    /// every pooled connection being busy (PostgreSQL). While PostgreSQL is
    /// down sqlx retries refused connections until this runs out; the
    /// server does not wait that long: it asks [`Db::reachable`] when a
    /// request is slow and answers 503 at once if not.
    fn acquire_for(&self, backend: Backend) -> Duration {
        self.acquire_timeout.unwrap_or(match backend {
            Backend::Sqlite => Duration::from_secs(5),
            Backend::Postgres => Duration::from_secs(10),
        })
    }

    fn max_for(&self, backend: Backend) -> u32 {
        self.max_connections.unwrap_or(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        })
    }
}

impl Db {
    /// PostgreSQL's pool: connections open and of those idle (SQLite's
    /// pools report their waits through [`stats`] instead).
    pub fn pg_connections(&self) -> Option<(u32, usize)> {
        match self {
            Db::Postgres(pool) => Some((pool.size(), pool.num_idle())),
            Db::Sqlite(_) => None,
        }
    }

    /// Connects (creating a SQLite file if needed). Errors name the problem
    /// and never repeat the URL, which may hold a password.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, DbError> {
        match Backend::of_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| DbError::Config(format!("invalid SQLite DATABASE_URL: {e}")))?;
                let read_only = cannot_write(options.get_filename());
                let options = if read_only {
                    // A file on a read-only disk (or without write permission):
                    // serve what it holds, refuse writes with 503. Immutable:
                    // nobody can change it, and SQLite could not create its
                    // lock files beside it.
                    tracing::warn!("the SQLite database cannot be written: serving reads only");
                    options.read_only(true).immutable(true)
                } else {
                    options
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                };
                let options = options
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // 1 MiB of page cache per connection (default 2 MiB): the
                    // OS caches the file anyway.
                    .pragma("cache_size", "-1024")
                    // Rows cross from the connection's thread through a
                    // bounded channel. Room for the largest page (100) keeps
                    // that thread from stopping at every row once the
                    // channel fills: 85 context switches per 100-row page
                    // with the default of 50, 5 with this.
                    .row_buffer_size(128);
                let file = options.get_filename().display().to_string();
                // Roster's own pool: sqlx's pings each connection as it
                // comes back (see `sqlite_pool`).
                let pool = SqlitePool::connect(
                    options,
                    in_memory(url),
                    settings.max_for(Backend::Sqlite),
                    settings.acquire_for(Backend::Sqlite),
                    read_only,
                )
                .await
                .map_err(|e| {
                    DbError::Unreachable(format!("cannot open the SQLite database {file}: {e}"))
                })?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(|e| {
                    DbError::Config(format!("invalid PostgreSQL DATABASE_URL: {}", redact(&e)))
                })?;
                let place = format!(
                    "{}:{}/{}",
                    options.get_host(),
                    options.get_port(),
                    options.get_database().unwrap_or("")
                );
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_for(Backend::Postgres))
                    .acquire_timeout(settings.acquire_for(Backend::Postgres))
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        DbError::Unreachable(format!(
                            "cannot reach the PostgreSQL database at {place}: {}",
                            redact(&e)
                        ))
                    })?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Serving a SQLite file that cannot be written (writes answer 503).
    pub fn is_read_only(&self) -> bool {
        matches!(self, Db::Sqlite(pool) if pool.is_read_only())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations this binary carries. Safe to run from several
    /// processes at once (sqlx takes a lock), and never drops data: a later
    /// schema change is a new migration file.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool) if pool.is_read_only() => {
                // Nothing can be applied; what the file holds must already
                // be this version's schema.
                let migrator = sqlx::migrate!("./migrations/sqlite");
                let mut conn = pool.acquire().await?;
                let applied: Vec<i64> =
                    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                        .fetch_all(&mut *conn)
                        .await
                        .unwrap_or_default();
                let missing = migrator
                    .iter()
                    .filter(|m| !applied.contains(&m.version))
                    .count();
                if missing > 0 {
                    return Err(DbError::Config(format!(
                        "the SQLite database cannot be written, and it lacks {missing} of this \
                         version's migrations: start Roster once with write access to it"
                    )));
                }
            }
            Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::migrate!("./migrations/sqlite")
                    .run(&mut *conn)
                    .await?
            }
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether the database answers a new connection of its own within
    /// `limit`, whatever the pool is doing: tells a busy PostgreSQL (every
    /// pooled connection taken) from one that is gone. An SQLite file is
    /// always there.
    pub async fn reachable(&self, limit: Duration) -> bool {
        use sqlx::{ConnectOptions, Connection};
        match self {
            Db::Sqlite(_) => true,
            Db::Postgres(pool) => {
                let options = pool.connect_options();
                let attempt = async {
                    let mut conn = options.connect().await?;
                    conn.ping().await?;
                    conn.close().await
                };
                matches!(tokio::time::timeout(limit, attempt).await, Ok(Ok(())))
            }
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// Whether a SQLite URL asks for a database in memory: `sqlite::memory:`
/// or `mode=memory` among its parameters.
fn in_memory(url: &str) -> bool {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    name == ":memory:" || query.split('&').any(|pair| pair == "mode=memory")
}

/// An existing database file that this process may not write: on a
/// read-only disk, or without write permission.
fn cannot_write(path: &std::path::Path) -> bool {
    path.is_file()
        && std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|e| {
                e.kind() == std::io::ErrorKind::PermissionDenied
                    || e.kind() == std::io::ErrorKind::ReadOnlyFilesystem
            })
}

/// A timestamp as SQLite keeps it (`2026-11-21T06:07:59.123Z`, written by
/// the columns' defaults), read without chrono's general parser, which was
/// a visible share of a list page.
pub(crate) fn fast_utc(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || *b.last()? != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let micros = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', fraction @ ..] if !fraction.is_empty() && fraction.len() <= 9 => {
            let digits = num(20..b.len() - 1)?;
            digits * 10u32.pow(6u32.saturating_sub(fraction.len() as u32))
                / 10u32.pow((fraction.len() as u32).saturating_sub(6))
        }
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time =
        chrono::NaiveTime::from_hms_micro_opt(num(11..13)?, num(14..16)?, num(17..19)?, micros)?;
    Some(date.and_time(time).and_utc())
}

/// sqlx's messages do not contain passwords, but a parse error may quote the
/// URL: keep only what precedes any quoted text.
fn redact(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    match text.find(['"', '`', '\'']) {
        Some(i) => format!("{}…", text[..i].trim_end()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_offers_added_between_when_it_says_which_column_holds_it() {
        use crate::domain::*;
        fn same<L: Listed>() {
            assert_eq!(L::DATED, L::ADDED.is_some(), "{}", L::KIND.plural());
        }
        same::<StudentList>();
        same::<CourseList>();
        same::<CourseStudents>();
        same::<StudentCourses>();
        same::<HandlerList>();
        same::<PetList>();
        same::<CommentList>();
        same::<MessageList>();
        same::<AccountList>();
        same::<ActivityList>();
        same::<TrashList>();
    }

    #[test]
    fn in_memory_urls_are_told_from_files() {
        assert!(in_memory("sqlite::memory:"));
        assert!(in_memory("sqlite://x.db?mode=memory&cache=shared"));
        assert!(!in_memory("sqlite://roster.db"));
        assert!(!in_memory("sqlite:///var/lib/memory.db?mode=rwc"));
    }

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://roster.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(Backend::of_url("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of_url("postgres://u:p@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::of_url("postgresql://h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::of_url("mysql://root:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql") && !err.contains("hunter2"), "{err}");
    }

    /// A schema change keeps the rows that were there: a database made by the
    /// first migration alone, with students in it, is brought up to date and
    /// the new counter table starts from the existing rows.
    #[tokio::test]
    async fn later_migrations_keep_existing_rows() {
        let dir = std::env::temp_dir().join(format!("roster-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("old.db").display());
        let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
        let Db::Sqlite(pool) = &db else {
            unreachable!()
        };

        let mut first = sqlx::migrate!("./migrations/sqlite");
        first.migrations = std::borrow::Cow::Owned(first.migrations[..1].to_vec());
        first
            .run(&mut *pool.acquire().await.unwrap())
            .await
            .unwrap();
        for (i, name) in ["Ann", "Ben", "Cy"].iter().enumerate() {
            sqlx::query("INSERT INTO students (firstname, lastname, email) VALUES ($1, 'Old', $2)")
                .bind(name)
                .bind(format!("old{i}@example.com"))
                .execute(pool)
                .await
                .unwrap();
        }

        db.migrate().await.unwrap();
        let page = db
            .list::<crate::domain::StudentList>(&crate::domain::ListQuery::default())
            .await
            .unwrap();
        assert_eq!(page.total, 3);
        assert_eq!(page.rows.len(), 3);
        assert!(page.rows.iter().all(|s| s.version == 1));
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Accounts made before roles keep what they could do: administrators
    /// become administrators, everyone else a clerk.
    #[tokio::test]
    async fn the_roles_migration_maps_administrators_and_members() {
        let dir = std::env::temp_dir().join(format!("roster-roles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("old.db").display());
        let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
        let Db::Sqlite(pool) = &db else {
            unreachable!()
        };
        let mut before = sqlx::migrate!("./migrations/sqlite");
        let roles = before
            .migrations
            .iter()
            .position(|m| m.description == "roles")
            .expect("the roles migration");
        before.migrations = std::borrow::Cow::Owned(before.migrations[..roles].to_vec());
        before
            .run(&mut *pool.acquire().await.unwrap())
            .await
            .unwrap();
        for (name, admin) in [("ann", true), ("ben", false), ("cyd", true)] {
            sqlx::query(
                "INSERT INTO users (username, email, password_hash, is_admin) \
                 VALUES ($1, $1 || '@example.com', '$argon2id$x', $2)",
            )
            .bind(name)
            .bind(admin)
            .execute(pool)
            .await
            .unwrap();
        }

        db.migrate().await.unwrap();
        let roles: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.username, r.name FROM users u JOIN roles r ON r.id = u.role_id ORDER BY u.id",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let roles: Vec<(&str, &str)> = roles
            .iter()
            .map(|(u, r)| (u.as_str(), r.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                ("ann", "administrator"),
                ("ben", "clerk"),
                ("cyd", "administrator")
            ]
        );
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn sqlite_timestamps_read_fast_and_right() {
        for text in [
            "2026-11-21T06:07:59.123Z",
            "2026-11-21T06:07:59Z",
            "2026-11-21T06:07:59.123456Z",
            "2026-02-28T23:59:59.9Z",
        ] {
            let fast = fast_utc(text).unwrap();
            let slow = chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc();
            assert_eq!(fast, slow, "{text}");
        }
        for odd in [
            "2026-11-21 06:07:59",
            "2026-13-21T06:07:59Z",
            "2026-11-21T06:07:59+01:00",
            "x",
        ] {
            assert_eq!(fast_utc(odd), None, "{odd}");
        }
    }

    #[test]
    fn redact_drops_quoted_text() {
        assert_eq!(redact(&"bad url \"postgres://u:secret@h\""), "bad url…");
        assert_eq!(redact(&"plain message"), "plain message");
    }
}
