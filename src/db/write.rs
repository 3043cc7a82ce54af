//! How Roster writes: one helper for every write transaction, its retry,
//! and the per-backend pieces it needs (beginning a write, serialising a
//! rule).

use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Transaction};

use std::time::Duration;

use super::DbError;

/// Runs a write (a whole transaction) and runs it again, up to three times
/// in all, when the database asks for that (deadlock, serialization
/// failure). Two people moving pets between the same two handlers at once
/// can deadlock on PostgreSQL; neither should see an error for it.
pub(crate) async fn retrying<T, F, Fut>(mut write: F) -> Result<T, DbError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, DbError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match write().await {
            Err(e) if e.is_transient() && attempt < 3 => {
                tracing::warn!(attempt, error = %e, "write retried");
                tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool: the body is compiled
/// once per backend, so every query in it is checked against both drivers.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// The one way Roster writes: a connection from the pool, a transaction
/// begun for writing (`BEGIN IMMEDIATE` on SQLite), `$body` with `$tx`
/// bound to that transaction, the commit; and the whole of it run again
/// when the database asks for that (deadlock, serialisation failure: see
/// [`retrying`]). `$body` gives the result; `?` or `return Err(..)` in it
/// rolls the transaction back. Compiled once per backend, like
/// [`with_pool!`].
macro_rules! write_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        $crate::db::retrying(|| async {
            $crate::db::with_pool!($db, pool => {
                let mut conn = pool.acquire().await?;
                #[allow(unused_mut)]
                let mut $tx = $crate::db::BeginWrite::begin_write(&mut *conn).await?;
                let out = $body;
                $tx.commit().await?;
                Ok(out)
            })
        })
        .await
    };
}
pub(crate) use write_tx;

/// Why a write that named row `$id` of `$table` at some version touched
/// nothing (inside its transaction `$conn`): the row is gone
/// (`NotFound($kind)`), or it is there at another version (`Stale`).
macro_rules! stale_or_missing {
    ($conn:expr, $table:expr, $id:expr, $kind:expr) => {{
        let sql = format!("SELECT id FROM {} WHERE id = $1", $table);
        match sqlx::query_scalar::<_, i64>(&sql)
            .bind($id)
            .fetch_optional($conn)
            .await
        {
            Ok(Some(_)) => $crate::db::DbError::Stale,
            Ok(None) => $crate::db::DbError::NotFound($kind),
            Err(e) => e.into(),
        }
    }};
}
pub(crate) use stale_or_missing;

/// Starting a transaction that will write, on a connection taken from the
/// pool. On SQLite it must take the write lock up front (`BEGIN IMMEDIATE`):
/// a deferred transaction that reads and then writes fails with SQLITE_BUSY
/// instead of waiting when another writer got there first.
pub(crate) trait BeginWrite: Connection {
    fn begin_write(
        &mut self,
    ) -> impl std::future::Future<Output = Result<Transaction<'_, Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqliteConnection {
    async fn begin_write(&mut self) -> Result<Transaction<'_, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgConnection {
    async fn begin_write(&mut self) -> Result<Transaction<'_, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// A rule checked by reading before writing ("at least one active
/// administrator", "the first account is an administrator", "five messages
/// an hour") holds under concurrency only if the transactions that check it
/// run one after another. On SQLite they do: every write transaction holds
/// the write lock from its start (`BEGIN IMMEDIATE`). On PostgreSQL (READ
/// COMMITTED) two can read the same state and both write; `serialise`
/// takes a transaction-scoped advisory lock named `rule`, released at
/// commit or rollback, so that the next one reads what the first wrote.
pub(crate) trait SerialiseRule {
    fn serialise(
        &mut self,
        rule: &str,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send;
}

impl SerialiseRule for SqliteConnection {
    async fn serialise(&mut self, _rule: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

impl SerialiseRule for PgConnection {
    async fn serialise(&mut self, rule: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("roster:{rule}"))
            .execute(self)
            .await
            .map(drop)
    }
}

impl super::Db {
    /// One statement that writes (`$1`, `$2`… bound to `args`), through
    /// [`write_tx!`]; how many rows it touched.
    pub(crate) async fn execute(
        &self,
        sql: &str,
        args: &[super::list::Arg],
    ) -> Result<u64, DbError> {
        write_tx!(self, tx => {
            let query = super::list::bind_args!(sqlx::query(sql), args);
            query.execute(&mut *tx).await?.rows_affected()
        })
    }
}

/// Which write of a batch failed: noted inside the batch's transaction
/// (whose closure may run again), read with the transaction's outcome.
#[derive(Default)]
pub(crate) struct FailedAt(std::sync::Mutex<Option<usize>>);

impl FailedAt {
    pub(crate) fn note(&self, i: usize) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(i);
    }

    /// Refusal `error`, with the write it came from.
    pub(crate) fn at(&self, error: DbError) -> (usize, DbError) {
        let at = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or(0);
        (at, error)
    }

    /// `done`, a refusal naming the write it came from.
    pub(crate) fn name<T>(&self, done: Result<T, DbError>) -> Result<T, (usize, DbError)> {
        done.map_err(|error| {
            let at = self
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or(0);
            (at, error)
        })
    }
}
