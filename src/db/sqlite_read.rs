//! Reads on SQLite without a thread hop per query and a copy per value.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is a
//! message to that thread, each row comes back over a channel with every
//! value copied (`sqlite3_value_dup`) and later freed on another thread.
//! Profiled on a 100-row list page that was over a third of the server's
//! CPU time: the copies, cross-thread frees, wake-ups and per-value decoding,
//! more than SQLite's own work. Reads here run on the calling thread, on
//! connections of their own (WAL lets readers run beside the writer), with
//! statements prepared once per connection, decoding each row straight
//! from SQLite's buffers into the row type (through serde, so the row
//! structs need no second decoder). Writes keep sqlx's connections, its
//! transactions and `BEGIN IMMEDIATE`.
//!
//! The connections are opened with `query_only`, so nothing here can write.

use std::collections::HashMap;
use std::ffi::{c_int, CStr, CString};
use std::ptr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libsqlite3_sys as ffi;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::list::Arg;
use super::DbError;

/// Statements kept prepared per connection; more distinct queries than
/// this means something builds SQL it should not.
const STATEMENT_CACHE: usize = 256;

/// Read-only connections to one database file, opened on demand.
#[derive(Clone)]
pub(crate) struct ReadPool(Arc<Shared>);

struct Shared {
    path: CString,
    read_only: bool,
    permits: Arc<Semaphore>,
    /// Reads that scan run at most this many at once: on two cores more
    /// of them only queue for the CPU, each on a thread of the blocking
    /// pool with a page cache filling up (memory, for no speed).
    scans: Arc<Semaphore>,
    acquire_timeout: Duration,
    idle: Mutex<Vec<Conn>>,
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

/// One raw connection and its prepared statements, each with its column
/// names (copied: SQLite's own strings move when it re-prepares a
/// statement, which a LIKE with a bound pattern does on its first step).
struct Conn {
    db: *mut ffi::sqlite3,
    statements: HashMap<String, Prepared>,
}

struct Prepared {
    stmt: *mut ffi::sqlite3_stmt,
    names: Vec<String>,
}

// SQLite's "multi-thread" mode (SQLITE_OPEN_NOMUTEX): a connection may move
// between threads as long as no two use it at once, which the pool ensures.
unsafe impl Send for Conn {}

impl Drop for Conn {
    fn drop(&mut self) {
        unsafe {
            for (_, prepared) in self.statements.drain() {
                ffi::sqlite3_finalize(prepared.stmt);
            }
            ffi::sqlite3_close(self.db);
        }
    }
}

fn error_text(db: *mut ffi::sqlite3) -> String {
    unsafe {
        let message = ffi::sqlite3_errmsg(db);
        if message.is_null() {
            "unknown SQLite error".into()
        } else {
            CStr::from_ptr(message).to_string_lossy().into_owned()
        }
    }
}

fn failure(db: *mut ffi::sqlite3, code: c_int) -> DbError {
    DbError::Unavailable(format!("SQLite read failed ({code}): {}", error_text(db)))
}

impl Conn {
    fn open(path: &CStr, read_only: bool) -> Result<Self, DbError> {
        let mut db = ptr::null_mut();
        // A database that cannot be written (see `ReadPool::new`) is opened
        // as a URI that says so.
        let flags = if read_only {
            ffi::SQLITE_OPEN_READONLY | ffi::SQLITE_OPEN_URI | ffi::SQLITE_OPEN_NOMUTEX
        } else {
            ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_NOMUTEX
        };
        let code = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, ptr::null()) };
        let conn = Conn {
            db,
            statements: HashMap::new(),
        };
        if code != ffi::SQLITE_OK {
            return Err(failure(db, code));
        }
        // Like the write connections: wait for locks, 1 MiB of page cache;
        // and never write.
        for pragma in [
            "PRAGMA busy_timeout = 5000",
            "PRAGMA cache_size = -1024",
            "PRAGMA query_only = ON",
        ] {
            let sql = CString::new(pragma).unwrap_or_default();
            let code = unsafe {
                ffi::sqlite3_exec(db, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut())
            };
            if code != ffi::SQLITE_OK {
                return Err(failure(db, code));
            }
        }
        Ok(conn)
    }

    fn statement(&mut self, sql: &str) -> Result<&Prepared, DbError> {
        if self.statements.contains_key(sql) {
            return Ok(&self.statements[sql]);
        }
        if self.statements.len() >= STATEMENT_CACHE {
            for (_, prepared) in self.statements.drain() {
                unsafe { ffi::sqlite3_finalize(prepared.stmt) };
            }
        }
        let mut stmt = ptr::null_mut();
        let code = unsafe {
            ffi::sqlite3_prepare_v3(
                self.db,
                sql.as_ptr().cast(),
                sql.len() as c_int,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK || stmt.is_null() {
            return Err(DbError::Unavailable(format!(
                "cannot prepare a read: {}",
                error_text(self.db)
            )));
        }
        let columns = unsafe { ffi::sqlite3_column_count(stmt) };
        let names = (0..columns)
            .map(|i| unsafe {
                let name = ffi::sqlite3_column_name(stmt, i);
                if name.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(name).to_string_lossy().into_owned()
                }
            })
            .collect();
        Ok(self
            .statements
            .entry(sql.to_owned())
            .or_insert(Prepared { stmt, names }))
    }

    /// Runs `sql` with `args` bound to `$1`, `$2`… and hands each row to
    /// `row`, until it returns false or the rows end.
    fn each(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut row: impl FnMut(&Row<'_>) -> Result<bool, DbError>,
    ) -> Result<(), DbError> {
        let db = self.db;
        let prepared = self.statement(sql)?;
        let stmt = prepared.stmt;
        // Whatever happens, the statement is ready for its next use.
        struct Reset(*mut ffi::sqlite3_stmt);
        impl Drop for Reset {
            fn drop(&mut self) {
                unsafe {
                    ffi::sqlite3_reset(self.0);
                    ffi::sqlite3_clear_bindings(self.0);
                }
            }
        }
        let _reset = Reset(stmt);
        for (i, arg) in args.iter().enumerate() {
            let name = CString::new(format!("${}", i + 1)).unwrap_or_default();
            let index = unsafe { ffi::sqlite3_bind_parameter_index(stmt, name.as_ptr()) };
            if index == 0 {
                continue;
            }
            let code = unsafe {
                match arg {
                    Arg::Int(v) => ffi::sqlite3_bind_int64(stmt, index, *v),
                    Arg::Text(s) => ffi::sqlite3_bind_text(
                        stmt,
                        index,
                        s.as_ptr().cast(),
                        s.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                }
            };
            if code != ffi::SQLITE_OK {
                return Err(failure(db, code));
            }
        }
        let names = &prepared.names;
        loop {
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_ROW => {
                    if !row(&Row { stmt, names })? {
                        return Ok(());
                    }
                }
                ffi::SQLITE_DONE => return Ok(()),
                code => return Err(failure(db, code)),
            }
        }
    }
}

/// The current row of a statement.
pub(crate) struct Row<'a> {
    stmt: *mut ffi::sqlite3_stmt,
    names: &'a [String],
}

impl Row<'_> {
    /// The row as `T`, its fields matched to the columns by name (columns
    /// `T` does not have are skipped).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, DbError> {
        T::deserialize(RowDe { row: self })
            .map_err(|e| DbError::Unavailable(format!("a row did not decode: {e}")))
    }

    pub fn int(&self, column: usize) -> i64 {
        unsafe { ffi::sqlite3_column_int64(self.stmt, column as c_int) }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    fn text(&self, column: c_int) -> &str {
        unsafe {
            let bytes = ffi::sqlite3_column_text(self.stmt, column);
            if bytes.is_null() {
                return "";
            }
            let len = ffi::sqlite3_column_bytes(self.stmt, column) as usize;
            std::str::from_utf8(std::slice::from_raw_parts(bytes, len)).unwrap_or("")
        }
    }
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
        if in_memory || path.is_empty() || path.starts_with(':') {
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
            path: CString::new(path).ok()?,
            read_only,
            permits: Arc::new(Semaphore::new(max.max(1) as usize)),
            scans: Arc::new(Semaphore::new((max / 2).max(1) as usize)),
            acquire_timeout,
            idle: Mutex::new(Vec::new()),
        })))
    }

    async fn acquire(&self) -> Result<(Conn, OwnedSemaphorePermit), DbError> {
        let shared = &self.0;
        let permit = Self::permit(&shared.permits, shared.acquire_timeout).await?;
        let idle = shared.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => Conn::open(&shared.path, shared.read_only)?,
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

    fn release(&self, conn: Conn) {
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
pub(crate) struct ReadConn(Conn);

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
        self.0.each(sql, args, |row| {
            if total.is_none() {
                total = Some(row.int(row.len().saturating_sub(1)));
            }
            rows.push(row.decode()?);
            Ok(true)
        })?;
        Ok((rows, total))
    }

    /// Every row of `sql` as `T`.
    pub fn all<T: DeserializeOwned>(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<T>, DbError> {
        let mut rows = Vec::new();
        self.0.each(sql, args, |row| {
            rows.push(row.decode()?);
            Ok(true)
        })?;
        Ok(rows)
    }

    /// The first column of the first row, as an integer.
    pub fn scalar(&mut self, sql: &str, args: &[Arg]) -> Result<Option<i64>, DbError> {
        let mut found = None;
        self.0.each(sql, args, |row| {
            found = Some(row.int(0));
            Ok(false)
        })?;
        Ok(found)
    }
}

/// serde's view of a row: a map from column names to values.
struct RowDe<'a, 'r> {
    row: &'a Row<'r>,
}

#[derive(Debug)]
struct DecodeError(String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        DecodeError(msg.to_string())
    }
}

impl<'de> de::Deserializer<'de> for RowDe<'_, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_map(Columns {
            row: self.row,
            next: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

struct Columns<'a, 'r> {
    row: &'a Row<'r>,
    next: usize,
}

impl<'de> MapAccess<'de> for Columns<'_, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.row.names.get(self.next) {
            Some(name) => seed
                .deserialize(name.as_str().into_deserializer())
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let column = self.next as c_int;
        self.next += 1;
        seed.deserialize(Value {
            row: self.row,
            column,
        })
    }
}

/// One column's value.
struct Value<'a, 'r> {
    row: &'a Row<'r>,
    column: c_int,
}

impl Value<'_, '_> {
    fn kind(&self) -> c_int {
        unsafe { ffi::sqlite3_column_type(self.row.stmt, self.column) }
    }
}

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let stmt = self.row.stmt;
        match self.kind() {
            ffi::SQLITE_INTEGER => {
                visitor.visit_i64(unsafe { ffi::sqlite3_column_int64(stmt, self.column) })
            }
            ffi::SQLITE_FLOAT => {
                visitor.visit_f64(unsafe { ffi::sqlite3_column_double(stmt, self.column) })
            }
            ffi::SQLITE_NULL => visitor.visit_none(),
            _ => visitor.visit_str(self.row.text(self.column)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.kind() == ffi::SQLITE_NULL {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// SQLite keeps booleans as 0 and 1.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.kind() {
            ffi::SQLITE_INTEGER => visitor
                .visit_bool(unsafe { ffi::sqlite3_column_int64(self.row.stmt, self.column) } != 0),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
