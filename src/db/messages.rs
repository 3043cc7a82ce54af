//! Queries on `messages`: written by the public contact form, read by
//! administrators. The unread count in `record_counts` is kept by triggers.

use super::export::{Cell, Column, Exported};
use chrono::{DateTime, Utc};

use super::history::{self, By};
use super::list::bind_args;
use super::list::{Arg, ListSql};
use super::{write_tx, Backend, Db, DbError, Listed, SerialiseRule};
use crate::domain::{Action, Kind, Message, MessageFilter, MessageList, MessageSort, NewMessage};

impl Listed for MessageList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("created_at"));
    type Row = Message;
    const SELECT: &'static str = "id, name, email, subject, body, created_at, \
         read_at IS NOT NULL AS read, version";
    const FROM: &'static str = "messages";
    const COUNTER: Option<&'static str> = Some("messages");
    const SEARCH: &'static [&'static str] = &["name", "email", "subject"];
    const FACET_SQL: &'static [super::FacetSql] = &[super::FacetSql {
        param: "unread",
        key: "CASE WHEN read_at IS NULL THEN '1' ELSE '0' END",
        shown: "CASE WHEN read_at IS NULL THEN '1' ELSE '0' END",
    }];

    fn order(sort: MessageSort, _: Backend) -> &'static str {
        match sort {
            MessageSort::Newest => "id DESC",
            MessageSort::Oldest => "id ASC",
        }
    }

    fn filter(filter: &MessageFilter, sql: &mut ListSql) {
        match filter.unread {
            Some(true) => sql.condition("read_at IS NULL"),
            Some(false) => sql.condition("read_at IS NOT NULL"),
            None => {}
        }
    }
}

impl Exported for MessageList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "id"),
        Column::text("name", "name"),
        Column::text("email", "email"),
        Column::text("subject", "subject"),
        Column::text("body", "body"),
        Column::new("received_at", "created_at", Cell::Time),
        Column::new("read", "read_at IS NOT NULL", Cell::Flag),
    ];
}

impl Db {
    /// Stores a message, unless `sender_key` (the sender's hashed address)
    /// already sent `limit` messages in the last `window_secs`: then
    /// `Ok(Err(secs))`, how long until the oldest of those leaves the window.
    pub async fn store_message(
        &self,
        by: &By,
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
            let changes = [
                history::change("name", "", new.name.as_str()),
                history::change("email", "", new.email.as_str()),
                history::change("subject", "", new.subject.as_str()),
                history::change("message", "", new.body.as_str()),
            ];
            let subject = new.subject.as_str();
            let entry = history::entry(by, Action::Created, Kind::Message, id, subject, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            Ok(id)
        })
    }

    /// Marks a message read (`now`: Unix seconds) or unread; a history
    /// entry when that changes it. `NotFound` when there is none.
    async fn set_read(&self, by: &By, id: i64, now: Option<i64>) -> Result<(), DbError> {
        write_tx!(self, tx => {
            let found: Option<(String, bool)> =
                sqlx::query_as("SELECT subject, read_at IS NOT NULL FROM messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((subject, read)) = found else {
                return Err(DbError::NotFound(Kind::Message));
            };
            if read != now.is_some() {
                sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let change = history::change("read", history::yes_no(read), history::yes_no(!read));
                let entry = history::entry(by, Action::Edited, Kind::Message, id, &subject, &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }

    /// A message, marked read as it is opened (`now`: Unix seconds).
    pub async fn open_message(
        &self,
        by: &By,
        id: i64,
        now: i64,
    ) -> Result<Option<Message>, DbError> {
        by.require(crate::domain::Kind::Message, crate::domain::Op::Change)?;
        match self.set_read(by, id, Some(now)).await {
            Err(DbError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
            Ok(()) => self.get_message(id).await,
        }
    }

    pub async fn get_message(&self, id: i64) -> Result<Option<Message>, DbError> {
        let sql = format!("SELECT {} FROM messages WHERE id = $1", MessageList::SELECT);
        self.first_as(sql, vec![Arg::Int(id)]).await
    }

    pub async fn mark_unread(&self, by: &By, id: i64) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Message, crate::domain::Op::Change)?;
        self.set_read(by, id, None).await
    }

    pub async fn delete_message(&self, by: &By, id: i64) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Message, crate::domain::Op::Delete)?;
        let read = format!("SELECT {} FROM messages WHERE id = $1", MessageList::SELECT);
        write_tx!(self, tx => {
            let found = sqlx::query_as::<_, Message>(&read).bind(id).fetch_optional(&mut *tx).await?;
            let Some(m) = found else {
                return Err(DbError::NotFound(Kind::Message));
            };
            sqlx::query("DELETE FROM messages WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let changes = [
                history::change("name", m.name, ""),
                history::change("email", m.email, ""),
                history::change("subject", m.subject.clone(), ""),
                history::change("message", m.body, ""),
            ];
            let entry = history::entry(by, Action::Deleted, Kind::Message, id, &m.subject, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
        })
    }
}
