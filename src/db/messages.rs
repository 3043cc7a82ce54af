//! Queries on `messages`: written by the public contact form, read by
//! administrators. The unread count in `record_counts` is kept by triggers.

use chrono::{DateTime, Utc};

use super::list::{Arg, ListSql};
use super::{write_tx, Db, DbError, SerialiseRule};
use crate::domain::{
    Kind, Message, MessageList, MessageSort, NewMessage, Page, QueryOf, Timestamp,
};

const COLUMNS: &str = "id, name, email, subject, body, created_at, read_at, version";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct MessageRow {
    id: i64,
    name: String,
    email: String,
    subject: String,
    body: String,
    #[serde(deserialize_with = "super::utc")]
    created_at: DateTime<Utc>,
    read_at: Option<i64>,
    version: i64,
}

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Self {
        Message {
            id: row.id,
            name: row.name,
            email: row.email,
            subject: row.subject,
            body: row.body,
            created_at: Timestamp::from_micros(row.created_at.timestamp_micros()),
            read: row.read_at.is_some(),
            version: row.version,
        }
    }
}

impl Db {
    /// Stores a message, unless `sender_key` (the sender's hashed address)
    /// already sent `limit` messages in the last `window_secs`: then
    /// `Ok(Err(secs))`, how long until the oldest of those leaves the window.
    pub async fn store_message(
        &self,
        new: &NewMessage,
        sender_key: &str,
        window_secs: i64,
        limit: i64,
    ) -> Result<Result<i64, i64>, DbError> {
        let now = Utc::now();
        let since = now - chrono::Duration::seconds(window_secs);
        write_tx!(self, tx => {
            tx.serialise(&format!("contact limit:{sender_key}")).await?;
            let recent: Vec<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT created_at FROM messages WHERE sender_key = $1 AND created_at >= $2 \
                 ORDER BY created_at ASC",
            )
            .bind(sender_key)
            .bind(since)
            .fetch_all(&mut *tx)
            .await?;
            if recent.len() as i64 >= limit {
                let oldest = recent[recent.len() - limit as usize];
                let free_at = oldest + chrono::Duration::seconds(window_secs);
                return Ok(Err((free_at - now).num_seconds().max(1)));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO messages (name, email, subject, body, sender_key) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(new.name.as_str())
            .bind(new.email.as_str())
            .bind(new.subject.as_str())
            .bind(new.body.as_str())
            .bind(sender_key)
            .fetch_one(&mut *tx)
            .await?;
            Ok(id)
        })
    }

    pub async fn list_messages(
        &self,
        query: &QueryOf<MessageList>,
    ) -> Result<Page<Message>, DbError> {
        let order = match query.sort {
            MessageSort::Newest => "id DESC",
            MessageSort::Oldest => "id ASC",
        };
        let mut sql = ListSql::new(self, COLUMNS, "messages")
            .counter("messages")
            .order(order);
        if query.filter.unread {
            sql.condition("read_at IS NULL");
        }
        sql.search(&["name", "email", "subject"], &query.search);
        let page = sql
            .fetch::<MessageRow>(self, query.per_page, query.offset())
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(Message::from).collect(),
            total: page.total,
        })
    }

    /// A message, marked read as it is opened (`now`: Unix seconds).
    pub async fn open_message(&self, id: i64, now: i64) -> Result<Option<Message>, DbError> {
        self.execute(
            "UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL",
            &[Arg::Int(now), Arg::Int(id)],
        )
        .await?;
        self.get_message(id).await
    }

    pub async fn get_message(&self, id: i64) -> Result<Option<Message>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = $1");
        let row: Option<MessageRow> = self.first_as(sql, vec![Arg::Int(id)]).await?;
        Ok(row.map(Message::from))
    }

    pub async fn mark_unread(&self, id: i64) -> Result<(), DbError> {
        let done = self
            .execute(
                "UPDATE messages SET read_at = NULL WHERE id = $1",
                &[Arg::Int(id)],
            )
            .await?;
        if done == 0 {
            return Err(DbError::NotFound(Kind::Message));
        }
        Ok(())
    }

    pub async fn delete_message(&self, id: i64) -> Result<(), DbError> {
        let done = write_tx!(self, tx => {
            let done = sqlx::query("DELETE FROM messages WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            done
        })?;
        if done == 0 {
            return Err(DbError::NotFound(Kind::Message));
        }
        Ok(())
    }
}
