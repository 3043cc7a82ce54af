//! A connection pool for SQLite that takes connections back without a ping.
//!
//! sqlx's `Pool` tests every connection as it is released: it spawns a task
//! that pings the connection before it goes back to the idle queue. For a
//! network database that catches a dead socket; a SQLite connection lives in
//! this process, and its ping is one more round trip to the thread that owns
//! the connection. Profiled under load, that ping and the task around it
//! were about a tenth of a record page's CPU time. Here a connection goes
//! back synchronously when its guard drops. Everything else is sqlx's own
//! `SqliteConnection`: the worker thread, the statement cache, transactions
//! and their rollback when dropped unfinished.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryFutureExt};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteQueryResult, SqliteRow, SqliteStatement,
    SqliteTypeInfo,
};
use sqlx::{ConnectOptions, Connection, Describe, Either, Execute, Executor, Sqlite};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use super::sqlite_read::ReadPool;
use super::stats;

/// How long a write waits for the one write connection. A save queues
/// behind whatever holds it, and the longest holder is legitimate work:
/// an import applied or undone in one transaction (up to 200,000 rows)
/// takes seconds; a save that waited the readers' few seconds answered
/// 503 while the import was fine. Reads never wait on it (WAL).
const WRITER_QUEUE: Duration = Duration::from_secs(60);

/// Connections to one database file, opened on demand and kept open: for a
/// file, one sqlx connection (writes and the odd read) beside up to `max`
/// read connections (see `sqlite_read`); for an in-memory database, which
/// has no read connections, up to `max` sqlx connections. Cheap to clone.
///
/// One writer because SQLite lets one connection write at a time anyway.
/// With more, a write that finds the lock taken sleeps in SQLite's busy
/// handler (1, 2, 5 … 100 ms naps) instead of queueing: under a burst of
/// form posts the slowest waited most of a second, and every connection
/// kept its own thread and page cache. Here writers queue for the one
/// connection in arrival order.
#[derive(Clone)]
pub struct SqlitePool(Arc<Shared>);

struct Shared {
    options: SqliteConnectOptions,
    /// Connections of its own for reads (`None` for an in-memory database).
    reads: Option<ReadPool>,
    max: u32,
    acquire_timeout: Duration,
    /// The file cannot be written: reads work, writes are refused.
    read_only: bool,
    /// One permit per connection that may be in use.
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<SqliteConnection>>,
}

impl fmt::Debug for SqlitePool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlitePool")
            .field("max", &self.0.max)
            .field("available", &self.0.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl SqlitePool {
    /// Opens the first connection now, so that a bad path or a file that is
    /// not a database is reported at start rather than at the first request.
    /// `in_memory`: the URL asked for a database in memory (sqlx keeps that
    /// in options it does not show).
    pub async fn connect(
        options: SqliteConnectOptions,
        in_memory: bool,
        max: u32,
        acquire_timeout: Duration,
        read_only: bool,
    ) -> Result<Self, sqlx::Error> {
        let first = options.connect().await?;
        let max = max.max(1);
        let reads = ReadPool::new(
            options.get_filename(),
            in_memory,
            max,
            acquire_timeout,
            read_only,
        );
        let (max, acquire_timeout) = match reads {
            Some(_) => (1, acquire_timeout.max(WRITER_QUEUE)),
            None => (max, acquire_timeout),
        };
        Ok(Self(Arc::new(Shared {
            options,
            reads,
            max,
            acquire_timeout,
            read_only,
            permits: Arc::new(Semaphore::new(max as usize)),
            idle: Mutex::new(vec![first]),
        })))
    }

    /// Opened from a file that cannot be written.
    pub fn is_read_only(&self) -> bool {
        self.0.read_only
    }

    /// The read connections, when the database is a file.
    pub(crate) fn reads(&self) -> Option<&ReadPool> {
        self.0.reads.as_ref()
    }

    /// A connection for the caller alone until the guard drops. Waits (in
    /// arrival order) up to the acquire timeout when all are in use.
    pub async fn acquire(&self) -> Result<PooledConnection, sqlx::Error> {
        let shared = &self.0;
        let pool = if shared.reads.is_some() {
            stats::Pool::SqliteWrite
        } else {
            // In memory: every connection reads and writes.
            stats::Pool::SqliteRead
        };
        let start = std::time::Instant::now();
        // The uncontended path sets no timer.
        let permit = match shared.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(sqlx::Error::PoolClosed),
            Err(TryAcquireError::NoPermits) => {
                let _queued = (pool == stats::Pool::SqliteWrite).then(stats::Queued::join);
                let wait = shared.permits.clone().acquire_owned();
                match tokio::time::timeout(shared.acquire_timeout, wait).await {
                    Ok(Ok(permit)) => permit,
                    Ok(Err(_)) => return Err(sqlx::Error::PoolClosed),
                    Err(_) => return Err(sqlx::Error::PoolTimedOut),
                }
            }
        };
        stats::waited(pool, start);
        let idle = shared.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) if in_transaction(&conn) => sound_or_new(shared, conn).await?,
            Some(conn) => conn,
            None => shared.options.connect().await?,
        };
        Ok(PooledConnection {
            conn: Some(conn),
            broken: false,
            shared: Arc::clone(shared),
            _permit: permit,
        })
    }

    /// Waits for the connections in use to come back, refuses new callers
    /// (those already waiting get `PoolClosed`), and closes every connection,
    /// which lets SQLite checkpoint and remove its WAL file.
    pub async fn close(&self) {
        let shared = &self.0;
        // Queued behind everyone already waiting: granted once all are back.
        let all = shared.permits.acquire_many(shared.max).await;
        shared.permits.close();
        drop(all);
        if let Some(reads) = &shared.reads {
            reads.close();
        }
        let idle = std::mem::take(&mut *shared.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in idle {
            if let Err(error) = conn.close().await {
                tracing::warn!(%error, "closing a SQLite connection failed");
            }
        }
    }
}

/// Whether sqlx counts the connection as inside a transaction.
fn in_transaction(conn: &SqliteConnection) -> bool {
    use sqlx::TransactionManager;
    <Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(conn) > 0
}

/// A connection that came back inside a transaction. Usually the rollback
/// its dropped transaction queued has not run yet: one round trip lets it
/// run. But when SQLite ended the transaction itself (a write that found
/// the disk full is rolled back on the spot), that rollback fails, sqlx
/// keeps counting the transaction as open, and every later `BEGIN` on the
/// connection would fail: such a connection is closed and replaced.
async fn sound_or_new(
    shared: &Shared,
    mut conn: SqliteConnection,
) -> Result<SqliteConnection, sqlx::Error> {
    if conn.ping().await.is_ok() && !in_transaction(&conn) {
        return Ok(conn);
    }
    tracing::warn!("a SQLite connection was left inside a transaction: replaced");
    drop(conn);
    shared.options.connect().await
}

/// A connection on loan from a [`SqlitePool`]; dereferences to sqlx's
/// `SqliteConnection` and goes back to the pool when dropped.
pub struct PooledConnection {
    conn: Option<SqliteConnection>,
    /// Set when the connection's thread is gone: such a one is not kept.
    broken: bool,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl PooledConnection {
    fn note(&mut self, error: &sqlx::Error) {
        if matches!(error, sqlx::Error::WorkerCrashed | sqlx::Error::Io(_)) {
            self.broken = true;
        }
    }
}

impl Deref for PooledConnection {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("present until dropped")
    }
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // A closed pool keeps nothing: dropping a connection ends its thread,
        // which closes the database handle. The permit is released after
        // this body, so a waiter always finds the connection idle.
        if !self.broken && !self.shared.permits.is_closed() {
            self.shared
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}

/// Queries run straight on the pool, one connection each, as with sqlx's
/// `&Pool`.
impl<'p> Executor<'p> for &'_ SqlitePool {
    type Database = Sqlite;

    /// Rows are gathered before the connection goes back: every query in
    /// Roster reads one row or a bounded page, nothing streams.
    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<SqliteQueryResult, SqliteRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        let pool = self.clone();
        async move {
            let mut conn = pool.acquire().await?;
            let items: Vec<_> = conn.fetch_many(query).collect().await;
            if let Some(Err(error)) = items.last() {
                conn.note(error);
            }
            Ok(futures_util::stream::iter(items))
        }
        .try_flatten_stream()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<SqliteRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        let pool = self.clone();
        async move {
            let mut conn = pool.acquire().await?;
            let result = conn.fetch_optional(query).await;
            if let Err(error) = &result {
                conn.note(error);
            }
            result
        }
        .boxed()
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [SqliteTypeInfo],
    ) -> BoxFuture<'e, Result<SqliteStatement<'q>, sqlx::Error>>
    where
        'p: 'e,
    {
        let pool = self.clone();
        async move { pool.acquire().await?.prepare_with(sql, parameters).await }.boxed()
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Sqlite>, sqlx::Error>>
    where
        'p: 'e,
    {
        let pool = self.clone();
        async move { pool.acquire().await?.describe(sql).await }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    async fn exec(conn: &mut SqliteConnection, sql: &str) {
        sqlx::query(sql).execute(conn).await.unwrap();
    }

    async fn pool(max: u32) -> SqlitePool {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").unwrap();
        SqlitePool::connect(options, true, max, Duration::from_millis(200), false)
            .await
            .unwrap()
    }

    /// A pool on a new file in a folder of its own (removed by the caller).
    async fn file_pool(name: &str, max: u32) -> (SqlitePool, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("roster-pool-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.join("t.db"))
            .create_if_missing(true);
        let pool = SqlitePool::connect(options, false, max, Duration::from_millis(200), false)
            .await
            .unwrap();
        (pool, dir)
    }

    #[tokio::test]
    async fn connections_are_reused_and_bounded() {
        let pool = pool(2).await;
        // An in-memory database belongs to one connection: a table made on
        // one shows which connection a later query got.
        let mut a = pool.acquire().await.unwrap();
        exec(&mut a, "CREATE TABLE mark (x)").await;
        let b = pool.acquire().await.unwrap();
        let third = pool.acquire().await;
        assert!(
            matches!(third, Err(sqlx::Error::PoolTimedOut)),
            "{:?}",
            third.err()
        );
        drop(b);
        drop(a);
        // The connection returned last is handed out first.
        let mut again = pool.acquire().await.unwrap();
        exec(&mut again, "SELECT x FROM mark").await;
    }

    #[tokio::test]
    async fn a_waiter_gets_the_connection_when_it_comes_back() {
        let pool = pool(1).await;
        let held = pool.acquire().await.unwrap();
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire().await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        waiter.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn an_unfinished_transaction_is_rolled_back_before_reuse() {
        let pool = pool(1).await;
        let mut conn = pool.acquire().await.unwrap();
        exec(&mut conn, "CREATE TABLE t (x)").await;
        {
            let mut tx = conn.begin().await.unwrap();
            exec(&mut tx, "INSERT INTO t VALUES (1)").await;
            // Dropped without commit.
        }
        drop(conn);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
        let mut conn = pool.acquire().await.unwrap();
        // Not left inside a transaction either.
        conn.begin().await.unwrap().commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_file_database_writes_through_one_connection_and_writers_outwait_readers() {
        let (pool, dir) = file_pool("one", 4).await;
        assert!(pool.reads().is_some(), "a file has read connections");
        let first = pool.acquire().await.unwrap();
        // A second writer waits for the first rather than opening another
        // connection that would nap in SQLite's busy handler, and it waits
        // past the readers' timeout (200 ms here): a long import holds the
        // writer for seconds.
        let second = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire().await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            !second.is_finished(),
            "the second writer got a connection too"
        );
        drop(first);
        second.await.unwrap().unwrap();
        pool.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_transaction_that_sqlite_ended_itself_does_not_spoil_the_connection() {
        let (pool, dir) = file_pool("ended", 1).await;
        let mut conn = pool.acquire().await.unwrap();
        exec(&mut conn, "CREATE TABLE t (x)").await;
        {
            let mut tx = conn.begin().await.unwrap();
            // What SQLite does by itself when a write finds the disk full:
            // the transaction is over, though sqlx still counts it open.
            exec(&mut tx, "ROLLBACK").await;
        }
        drop(conn);
        // As every write begins (`BEGIN IMMEDIATE`, which sqlx refuses on
        // a connection it counts as inside a transaction).
        let mut conn = pool.acquire().await.unwrap();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.unwrap();
        exec(&mut tx, "INSERT INTO t VALUES (1)").await;
        tx.commit().await.unwrap();
        drop(conn);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1);
        pool.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn close_waits_for_loans_then_refuses() {
        let pool = pool(2).await;
        let held = pool.acquire().await.unwrap();
        let closing = tokio::spawn({
            let pool = pool.clone();
            async move { pool.close().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!closing.is_finished(), "close must wait for the loan");
        drop(held);
        closing.await.unwrap();
        assert!(matches!(pool.acquire().await, Err(sqlx::Error::PoolClosed)));
    }
}
