//! Queries on `messages`: written by the public contact form, read by
//! administrators. The unread count in `record_counts` is kept by triggers.

use chrono::{DateTime, Utc};

use super::list::{Arg, ListSql};
use super::{write_tx, Backend, Db, DbError, Listed, SerialiseRule};
use crate::domain::{Kind, Message, MessageFilter, MessageList, MessageSort, NewMessage};

impl Listed for MessageList {
    type Row = Message;
    const SELECT: &'static str = "id, name, email, subject, body, created_at, \
         read_at IS NOT NULL AS read, version";
    const FROM: &'static str = "messages";
    const COUNTER: Option<&'static str> = Some("messages");
    const SEARCH: &'static [&'static str] = &["name", "email", "subject"];

    fn order(sort: MessageSort, _: Backend) -> &'static str {
        match sort {
            MessageSort::Newest => "id DESC",
            MessageSort::Oldest => "id ASC",
        }
    }

    fn filter(filter: &MessageFilter, sql: &mut ListSql) {
        if filter.unread {
            sql.condition("read_at IS NULL");
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
        let sql = format!("SELECT {} FROM messages WHERE id = $1", MessageList::SELECT);
        self.first_as(sql, vec![Arg::Int(id)]).await
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
