//! Backups of a SQLite database while it serves, and the checks a restore
//! makes first. PostgreSQL has `pg_dump` and `pg_restore` for this (see the
//! README); Roster adds no format of its own.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{Db, DbError};

/// What a SQLite file holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// `PRAGMA integrity_check` lines other than `ok`.
    pub integrity: Vec<String>,
    /// The Roster migrations applied to it (empty: not a Roster database).
    pub migrations: Vec<i64>,
    pub students: i64,
}

impl Db {
    /// Writes a consistent copy of the live database to `target` with
    /// `VACUUM INTO`: a snapshot of one read transaction, taken beside
    /// writers (WAL lets them go on), compacted, never a file copy.
    pub async fn backup_into(&self, target: &Path) -> Result<(), DbError> {
        let Db::Sqlite(pool) = self else {
            return Err(DbError::Config(
                "roster backup copies SQLite databases; for PostgreSQL use pg_dump \
                 (see the README)"
                    .into(),
            ));
        };
        if target.exists() {
            return Err(DbError::Config(format!(
                "{} already exists; choose a new file name",
                target.display()
            )));
        }
        let target = target
            .to_str()
            .ok_or_else(|| DbError::Config("the backup path must be valid UTF-8".into()))?;
        let mut conn = pool.acquire().await?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Opens `path` read-only (nothing written beside it, not even a WAL) and
/// checks it.
pub async fn check_file(path: &Path) -> Result<FileCheck, DbError> {
    if !path.is_file() {
        return Err(DbError::Config(format!("{} is not a file", path.display())));
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| DbError::Config(format!("{} cannot be read: {e}", path.display())))?;
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| {
            DbError::Config(format!("{} is not a SQLite database: {e}", path.display()))
        })?;
    let integrity = lines.into_iter().filter(|l| l != "ok").collect();
    let migrations: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    conn.close().await.ok();
    Ok(FileCheck {
        integrity,
        migrations,
        students,
    })
}

/// The newest migration this build knows, for telling a backup from a
/// newer Roster apart.
pub fn latest_migration() -> i64 {
    sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// The files SQLite keeps beside a database in WAL mode.
pub fn companion_files(database: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

/// The file a `sqlite:` URL names (`None` for an in-memory database).
pub fn sqlite_file(url: &str) -> Result<Option<PathBuf>, DbError> {
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::Config(format!("invalid SQLite DATABASE_URL: {e}")))?;
    let path = options.get_filename();
    let text = path.to_string_lossy();
    if text.is_empty() || text.starts_with(':') || text.contains("mode=memory") {
        return Ok(None);
    }
    Ok(Some(path.to_owned()))
}
