//! Reads on SQLite without a thread hop per query, through rusqlite.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is a
//! message to that thread, each row comes back over a channel with every
//! value copied and later freed on another thread. Profiled on a 100-row
//! list page that was over a third of the server's CPU time. Reads here
//! run on rusqlite connections of their own (WAL lets readers run beside
//! the writer), on the calling thread for short reads and on the blocking
//! pool for reads that may scan, with statements prepared once per
//! connection (rusqlite's statement cache) and rows decoded by the row
//! types' serde `Deserialize` (see `row_de`), so no row type needs a
//! decoder of its own for this path. Writes keep sqlx's connections, its
//! transactions and `BEGIN IMMEDIATE`.
//!
//! The connections are opened with `query_only`, so nothing here can write.
//!
//! The pool around them is a semaphore and a list of idle connections,
//! because the maintained ones do not fit: r2d2's `get` blocks the thread
//! (an async worker, here) when the pool is empty, and deadpool-sqlite
//! runs every read through `spawn_blocking`, the thread hop this module
//! exists to avoid for short reads.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::list::Arg;
use super::DbError;
use crate::domain::export::Value;

/// Statements kept prepared per connection; more distinct queries than
/// this means something builds SQL it should not.
const STATEMENT_CACHE: usize = 256;

/// Read-only connections to one database file, opened on demand.
#[derive(Clone)]
pub(crate) struct ReadPool(Arc<Shared>);

struct Shared {
    path: String,
    read_only: bool,
    permits: Arc<Semaphore>,
    /// Reads that scan run at most this many at once: on two cores more
    /// of them only queue for the CPU, each on a thread of the blocking
    /// pool with a page cache filling up (memory, for no speed).
    scans: Arc<Semaphore>,
    acquire_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

/// A file path as the path of a `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool").finish_non_exhaustive()
    }
}

/// The database away, locked or its file unreadable is an outage (try
/// again); any other error is the query's own (a fault).
fn failure(error: rusqlite::Error) -> DbError {
    use rusqlite::ErrorCode::*;
    match &error {
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(
                e.code,
                DatabaseBusy
                    | DatabaseLocked
                    | CannotOpen
                    | SystemIoFailure
                    | DatabaseCorrupt
                    | NotADatabase
                    | OutOfMemory
                    | FileLockingProtocolFailed
                    | PermissionDenied
            ) =>
        {
            DbError::Unavailable(format!("SQLite read failed: {error}"))
        }
        _ => DbError::Read(error.to_string()),
    }
}

fn open(path: &str, read_only: bool) -> Result<Connection, DbError> {
    // A database that cannot be written (see `ReadPool::new`) is opened as
    // a URI that says so. NO_MUTEX: the pool lends a connection to one
    // user at a time.
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(failure)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Like the write connections: wait for locks, 1 MiB of page cache;
    // and never write.
    conn.execute_batch(
        "PRAGMA busy_timeout = 5000; PRAGMA cache_size = -1024; PRAGMA query_only = ON;",
    )
    .map_err(failure)?;
    Ok(conn)
}

/// Runs `sql` with `args` bound to `$1`, `$2`… (those it names) and hands
/// each row with the statement's column names to `row`, until it returns
/// false or the rows end.
fn each(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    mut row: impl FnMut(&rusqlite::Row<'_>, &[String]) -> Result<bool, DbError>,
) -> Result<(), DbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(failure)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    for (i, arg) in args.iter().enumerate() {
        let Some(index) = stmt
            .parameter_index(&format!("${}", i + 1))
            .map_err(failure)?
        else {
            continue;
        };
        match arg {
            Arg::Int(v) => stmt.raw_bind_parameter(index, v),
            Arg::Text(s) => stmt.raw_bind_parameter(index, s.as_str()),
            Arg::NullInt | Arg::NullText => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        }
        .map_err(failure)?;
    }
    // Dropping the rows resets the statement; the cache clears its
    // bindings when it takes it back.
    let mut rows = stmt.raw_query();
    while let Some(found) = rows.next().map_err(failure)? {
        if !row(found, &names)? {
            break;
        }
    }
    Ok(())
}

fn decode<T: DeserializeOwned>(row: &rusqlite::Row<'_>, names: &[String]) -> Result<T, DbError> {
    T::deserialize(super::row_de::RowDe { row, names })
        .map_err(|e| DbError::Read(format!("a row did not decode: {e}")))
}

impl ReadPool {
    /// `None` for a database that is not a file (`sqlite::memory:`,
    /// `?mode=memory`): these connections would open a file of that name.
    pub fn new(
        filename: &std::path::Path,
        in_memory: bool,
        max: u32,
        acquire_timeout: Duration,
        read_only: bool,
    ) -> Option<Self> {
        let path = filename.to_str()?;
        if in_memory || path.is_empty() || path.starts_with(':') || path.contains('\0') {
            return None;
        }
        // A file on a read-only disk: `immutable` tells SQLite that nobody
        // writes it, so it needs no lock files beside it (it could not make
        // them there).
        let path = if read_only {
            format!("file:{}?immutable=1", uri_path(path))
        } else {
            path.to_owned()
        };
        Some(Self(Arc::new(Shared {
            path,
            read_only,
            permits: Arc::new(Semaphore::new(max.max(1) as usize)),
            scans: Arc::new(Semaphore::new((max / 2).max(1) as usize)),
            acquire_timeout,
            idle: Mutex::new(Vec::new()),
        })))
    }

    async fn acquire(&self) -> Result<(Connection, OwnedSemaphorePermit), DbError> {
        let shared = &self.0;
        let start = std::time::Instant::now();
        let permit = Self::permit(&shared.permits, shared.acquire_timeout).await?;
        super::stats::waited(super::stats::Pool::SqliteRead, start);
        let idle = shared.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&shared.path, shared.read_only)?,
        };
        Ok((conn, permit))
    }

    async fn permit(
        permits: &Arc<Semaphore>,
        timeout: Duration,
    ) -> Result<OwnedSemaphorePermit, DbError> {
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        match tokio::time::timeout(timeout, permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(DbError::Unavailable("no connection to read with".into())),
        }
    }

    fn release(&self, conn: Connection) {
        self.0
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
    }

    /// Runs `work` with a connection. Reads that may scan a table
    /// (`slow`) run on the blocking pool; the rest right here, which costs
    /// less than handing them anywhere.
    pub async fn read<T: Send + 'static>(
        &self,
        slow: bool,
        work: impl FnOnce(&mut ReadConn) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let scan = if slow {
            Some(Self::permit(&self.0.scans, self.0.acquire_timeout).await?)
        } else {
            None
        };
        let (conn, permit) = self.acquire().await?;
        let mut conn = ReadConn(conn);
        let (conn, result) = if slow {
            tokio::task::spawn_blocking(move || {
                let result = work(&mut conn);
                (conn, result)
            })
            .await
            .map_err(|e| DbError::Unavailable(format!("a read stopped: {e}")))?
        } else {
            let result = work(&mut conn);
            (conn, result)
        };
        self.release(conn.0);
        drop(permit);
        drop(scan);
        result
    }

    /// Runs `work`, a read as long as a download, on the blocking pool:
    /// outside the scans' limit, which it would hold for as long as the
    /// slowest client takes to read the file.
    pub async fn read_long<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut ReadConn) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let (conn, permit) = self.acquire().await?;
        let mut conn = ReadConn(conn);
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut conn);
            (conn, result)
        })
        .await
        .map_err(|e| DbError::Unavailable(format!("a read stopped: {e}")))?;
        self.release(conn.0);
        drop(permit);
        result
    }

    /// Closes the idle connections (at shutdown).
    pub fn close(&self) {
        self.0.permits.close();
        self.0.scans.close();
        self.0
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// A read connection on loan.
pub(crate) struct ReadConn(Connection);

impl ReadConn {
    /// Every row of `sql` as `T`, and the last column's integer of the
    /// first row (the total a list query carries), if any row came.
    pub fn rows_and_total<T: DeserializeOwned>(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> Result<(Vec<T>, Option<i64>), DbError> {
        let mut rows = Vec::new();
        let mut total = None;
        each(&self.0, sql, args, |row, names| {
            if total.is_none() {
                total = Some(
                    row.get::<_, i64>(names.len().saturating_sub(1))
                        .map_err(failure)?,
                );
            }
            rows.push(decode(row, names)?);
            Ok(true)
        })?;
        Ok((rows, total))
    }

    /// Every row of `sql` as `T`.
    pub fn all<T: DeserializeOwned>(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<T>, DbError> {
        let mut rows = Vec::new();
        each(&self.0, sql, args, |row, names| {
            rows.push(decode(row, names)?);
            Ok(true)
        })?;
        Ok(rows)
    }

    /// Every row of `sql` as plain values, `batch` rows at a time, handed
    /// to `send` until it says stop (the download was dropped).
    pub fn values(
        &mut self,
        sql: &str,
        args: &[Arg],
        batch: usize,
        mut send: impl FnMut(Vec<Vec<Value>>) -> bool,
    ) -> Result<(), DbError> {
        use rusqlite::types::ValueRef;
        let mut rows = Vec::with_capacity(batch);
        let mut open = true;
        each(&self.0, sql, args, |row, names| {
            let mut values = Vec::with_capacity(names.len());
            for i in 0..names.len() {
                values.push(match row.get_ref(i).map_err(failure)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Text(v.to_string()),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            rows.push(values);
            if rows.len() == batch {
                open = send(std::mem::replace(&mut rows, Vec::with_capacity(batch)));
            }
            Ok(open)
        })?;
        if open && !rows.is_empty() {
            send(rows);
        }
        Ok(())
    }

    /// The first column of the first row, as an integer.
    pub fn scalar(&mut self, sql: &str, args: &[Arg]) -> Result<Option<i64>, DbError> {
        let mut found = None;
        each(&self.0, sql, args, |row, _| {
            found = Some(row.get::<_, i64>(0).map_err(failure)?);
            Ok(false)
        })?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_querys_own_error_is_a_fault_and_a_locked_database_an_outage() {
        let conn = Connection::open_in_memory().unwrap();
        let error = conn.prepare("SELECT id FROM nowhere").unwrap_err();
        assert!(matches!(failure(error), DbError::Read(_)));
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(matches!(failure(busy), DbError::Unavailable(_)));
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Thing {
        id: i64,
        name: String,
        note: Option<String>,
        flag: bool,
        at: chrono::DateTime<chrono::Utc>,
    }

    #[tokio::test]
    async fn rows_decode_by_column_name() {
        let dir = std::env::temp_dir().join(format!("roster-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("read.db");
        let url = format!("sqlite://{}", file.display());
        let db = super::super::Db::connect(&url, &Default::default())
            .await
            .unwrap();
        let super::super::Db::Sqlite(pool) = &db else {
            unreachable!()
        };
        sqlx::query(
            "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, note TEXT, flag BOOLEAN, at TEXT)",
        )
        .execute(pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO things VALUES (1, 'a ''b''', NULL, 1, '2026-11-21T06:07:59.123Z'), (2, 'c', 'n', 0, '2026-11-21T06:08:00Z')")
            .execute(pool)
            .await
            .unwrap();
        let reads = ReadPool::new(&file, false, 2, Duration::from_secs(1), false).unwrap();
        let (rows, total) = reads
            .read(false, |conn| {
                conn.rows_and_total::<Thing>(
                    "SELECT id, name, note, flag, at, 7 AS roster_total FROM things WHERE id >= $1 ORDER BY id",
                    &[Arg::Int(1)],
                )
            })
            .await
            .unwrap();
        assert_eq!(total, Some(7));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "a 'b'");
        assert_eq!((rows[0].note.as_deref(), rows[0].flag), (None, true));
        assert_eq!((rows[1].note.as_deref(), rows[1].flag), (Some("n"), false));
        assert_eq!(rows[0].at.timestamp_millis() % 1000, 123);
        // Text arguments, a cached statement, no row.
        for _ in 0..2 {
            let none: Vec<Thing> = reads
                .read(true, |conn| {
                    conn.all(
                        "SELECT * FROM things WHERE name = $1",
                        &[Arg::Text("zz".into())],
                    )
                })
                .await
                .unwrap();
            assert_eq!(none, Vec::new());
        }
        // A pattern used twice, LIKE's escape, and more arguments after it.
        let found: Vec<Thing> = reads
            .read(true, |conn| {
                conn.rows_and_total(
                    "SELECT *, 1 AS roster_total FROM things WHERE (name LIKE $1 ESCAPE '\\' OR note LIKE $1 ESCAPE '\\') LIMIT $2 OFFSET $3",
                    &[Arg::Text("%n%".into()), Arg::Int(10), Arg::Int(0)],
                )
                .map(|(rows, _)| rows)
            })
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        // Nothing written through a read connection.
        let refused = reads
            .read(false, |conn| {
                conn.scalar("DELETE FROM things RETURNING id", &[])
            })
            .await;
        assert!(refused.is_err());
        reads.close();
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
