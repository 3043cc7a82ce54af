//! Every row of a list, for a file: the list's own query (its search,
//! filters and sort, see [`Db::list_sql`]) without a page, with the
//! columns the list declares for files, read a batch at a time into a
//! channel the download drains. Memory holds a few batches whatever the
//! list's length, and a download dropped half way stops the read.

use tokio::sync::mpsc;

use super::list::{bind_args, Arg};
use super::{with_pool, Backend, Db, DbError, Listed};
use crate::domain::export::Value;
use crate::domain::QueryOf;

/// What a column holds, for the SQL that reads it the same on both
/// backends and for the file (a number is a number in Excel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Int,
    Text,
    /// A moment, written ISO 8601 with its offset (UTC).
    Time,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// Yes or no, written `true` or `false`.
    Flag,
}

/// A column of a list's file: its header, named as the import reads it,
/// and its value as SQL over the list's FROM.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub sql: &'static str,
    pub cell: Cell,
}

impl Column {
    pub const fn int(name: &'static str, sql: &'static str) -> Self {
        Column {
            name,
            sql,
            cell: Cell::Int,
        }
    }
    pub const fn text(name: &'static str, sql: &'static str) -> Self {
        Column {
            name,
            sql,
            cell: Cell::Text,
        }
    }
    pub const fn new(name: &'static str, sql: &'static str, cell: Cell) -> Self {
        Column { name, sql, cell }
    }

    /// The column as the SELECT reads it: every value an integer, a text
    /// or NULL, whatever the backend stores.
    fn select(&self, backend: Backend) -> String {
        let sql = self.sql;
        match (self.cell, backend) {
            (Cell::Int, Backend::Sqlite) | (Cell::Text, Backend::Sqlite) => sql.to_owned(),
            (Cell::Int, Backend::Postgres) => format!("CAST({sql} AS BIGINT)"),
            (Cell::Text, Backend::Postgres) => format!("CAST({sql} AS TEXT)"),
            (Cell::Time, Backend::Sqlite) => format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', {sql})"),
            (Cell::Time, Backend::Postgres) => {
                format!("to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')")
            }
            (Cell::Date, Backend::Sqlite) => format!("date({sql})"),
            (Cell::Date, Backend::Postgres) => format!("to_char({sql}, 'YYYY-MM-DD')"),
            (Cell::Flag, _) => format!("CASE WHEN {sql} THEN 'true' ELSE 'false' END"),
        }
    }
}

/// A list that downloads as a file.
pub trait Exported: Listed {
    /// The columns, in the file's order: the record's id, each field
    /// named as its form names it, and the keys of the records it points
    /// to (a pet's handler's id and email), so that the file imports back.
    const COLUMNS: &'static [Column];
}

/// Rows a batch carries through the channel.
const BATCH: usize = 512;
/// Batches read ahead of the download.
const AHEAD: usize = 4;

/// What a download reads: batches of rows, or the error that stopped it.
pub type Rows = mpsc::Receiver<Result<Vec<Vec<Value>>, DbError>>;

impl Db {
    /// Every row of list `L` that `query` matches, in its order; only
    /// those of `only` when given (the rows ticked for a bulk export).
    pub fn export<L: Exported>(&self, query: &QueryOf<L>, only: Option<&[i64]>) -> Rows {
        let backend = self.backend();
        let columns: Vec<String> = L::COLUMNS.iter().map(|c| c.select(backend)).collect();
        let mut list = self.list_sql::<L>(query);
        if let Some(ids) = only {
            list.only(L::KEY, ids);
        }
        let (sql, args) = list.unpaged(&columns.join(", "));
        let (tx, rx) = mpsc::channel(AHEAD);
        let db = self.clone();
        tokio::spawn(async move {
            if let Err(error) = db.send_rows(sql, args, L::COLUMNS, tx.clone()).await {
                let _ = tx.send(Err(error)).await;
            }
        });
        rx
    }

    async fn send_rows(
        &self,
        sql: String,
        args: Vec<Arg>,
        columns: &'static [Column],
        tx: mpsc::Sender<Result<Vec<Vec<Value>>, DbError>>,
    ) -> Result<(), DbError> {
        if let Db::Sqlite(pool) = self {
            if let Some(reads) = pool.reads() {
                return reads
                    .read_long(move |conn| {
                        conn.values(&sql, &args, BATCH, |rows| {
                            tx.blocking_send(Ok(rows)).is_ok()
                        })
                    })
                    .await;
            }
        }
        use futures_util::TryStreamExt;
        use sqlx::Row;
        with_pool!(self, pool => {
            let mut found = bind_args!(sqlx::query(&sql), &args).fetch(pool);
            let mut rows = Vec::with_capacity(BATCH);
            while let Some(row) = found.try_next().await? {
                let mut values = Vec::with_capacity(columns.len());
                for (i, column) in columns.iter().enumerate() {
                    values.push(match column.cell {
                        Cell::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::Int),
                        _ => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::Text),
                    });
                }
                rows.push(values);
                if rows.len() == BATCH {
                    let full = std::mem::replace(&mut rows, Vec::with_capacity(BATCH));
                    if tx.send(Ok(full)).await.is_err() {
                        return Ok(());
                    }
                }
            }
            if !rows.is_empty() {
                let _ = tx.send(Ok(rows)).await;
            }
        });
        Ok(())
    }
}
