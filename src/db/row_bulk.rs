//! Bulk actions on the lists whose rows are not declared records: messages
//! (marked read or unread, deleted), accounts (disabled, enabled) and a
//! pet's comments (deleted). Each
//! is one batch, written as the one-row forms write (the same history
//! entries, the same guards: never without an active administrator, a
//! disabled account's sessions ended); what it did is kept on the batch
//! (`written`: a deleted message whole) for one Undo of the whole.

use serde::{Deserialize, Serialize};

use super::bulk::{changed_since, changed_sql, close_batch, mark_undone, note_written, open_batch};
use super::bulk::{BulkError, ChangedSince, Noted, CHUNK, NEW_BATCH};
use super::history::{self, By};
use super::list::bind_args;
use super::{write_tx, Backend, Db, DbError, SerialiseRule};
use crate::domain::bulk::Batch;
use crate::domain::{Action, Kind};

/// What a bulk action on messages does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageOp {
    Read,
    Unread,
    Delete,
}

impl MessageOp {
    /// The batch's action, as [`BulkAction::param`] says it.
    ///
    /// [`BulkAction::param`]: crate::domain::bulk::BulkAction::param
    pub fn param(self) -> &'static str {
        match self {
            MessageOp::Read => "set:read",
            MessageOp::Unread => "set:unread",
            MessageOp::Delete => "delete",
        }
    }
}

/// One row's write, kept for the undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum RowWritten {
    /// Message `id` was read at `was` (`None`: unread).
    Read { id: i64, was: Option<i64> },
    /// A message deleted, as it was.
    Message(KeptMessage),
    /// Account `id` was disabled (`was`) or not.
    Disabled { id: i64, was: bool },
    /// A comment deleted, as it was.
    Comment(KeptComment),
}

/// A comment's row, whole (its time as RFC 3339 text on both backends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
struct KeptComment {
    id: i64,
    pet_id: i64,
    pet: String,
    author_id: i64,
    body: String,
    created_at: String,
}

/// A message's row, whole (its time as RFC 3339 text on both backends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
struct KeptMessage {
    id: i64,
    name: String,
    email: String,
    subject: String,
    body: String,
    sender_key: String,
    created_at: String,
    read_at: Option<i64>,
    version: i64,
}

/// The statements that keep and put back a message or a comment whole,
/// for a backend.
struct MessageSql {
    keep: &'static str,
    put_back: &'static str,
    keep_comment: &'static str,
    put_back_comment: &'static str,
}

impl MessageSql {
    fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => MessageSql {
                keep: "SELECT id, name, email, subject, body, sender_key, created_at, read_at, \
                       version FROM messages WHERE id = $1",
                put_back: "INSERT INTO messages (id, name, email, subject, body, sender_key, \
                           created_at, read_at, version) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                keep_comment: "SELECT c.id, c.pet_id, p.name AS pet, c.author_id, c.body, \
                               c.created_at FROM comments c JOIN pets p ON p.id = c.pet_id \
                               WHERE c.id = $1",
                put_back_comment: "INSERT INTO comments (id, pet_id, author_id, body, created_at) \
                                   VALUES ($1, $2, $3, $4, $5)",
            },
            Backend::Postgres => MessageSql {
                keep: "SELECT id, name, email, subject, body, sender_key, \
                       to_char(created_at AT TIME ZONE 'UTC', \
                       'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at, read_at, version \
                       FROM messages WHERE id = $1",
                put_back: "INSERT INTO messages (id, name, email, subject, body, sender_key, \
                           created_at, read_at, version) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8, $9)",
                keep_comment: "SELECT c.id, c.pet_id, p.name AS pet, c.author_id, c.body, \
                               to_char(c.created_at AT TIME ZONE 'UTC', \
                               'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at \
                               FROM comments c JOIN pets p ON p.id = c.pet_id WHERE c.id = $1",
                put_back_comment: "INSERT INTO comments (id, pet_id, author_id, body, created_at) \
                                   VALUES ($1, $2, $3, $4, $5::timestamptz)",
            },
        }
    }
}

/// A message's content as its history entries say it: each field from
/// `was` to `now` (one of them the message, the other empty).
fn message_changes(m: &KeptMessage, gone: bool) -> Vec<crate::domain::Change> {
    [
        ("name", &m.name),
        ("email", &m.email),
        ("subject", &m.subject),
        ("message", &m.body),
    ]
    .into_iter()
    .map(|(field, value)| match gone {
        true => history::change(field, value.clone(), ""),
        false => history::change(field, "", value.clone()),
    })
    .collect()
}

/// Sets message `$id`'s `read_at` to `$to` in `$tx`, with its history
/// entry; answers what it was (`None` when the message is not there).
macro_rules! set_read_in {
    ($tx:ident, $by:expr, $id:expr, $to:expr) => {{
        let (id, to): (i64, Option<i64>) = ($id, $to);
        async {
            let found: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT subject, read_at FROM messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *$tx)
                    .await?;
            let Some((subject, was)) = found else {
                return Ok::<Option<Option<i64>>, DbError>(None);
            };
            if was.is_some() != to.is_some() {
                sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2")
                    .bind(to)
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                let change = history::change(
                    "read",
                    history::yes_no(was.is_some()),
                    history::yes_no(to.is_some()),
                );
                let entry =
                    history::entry($by, Action::Edited, Kind::Message, id, &subject, &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry)
                    .execute(&mut *$tx)
                    .await?;
            }
            Ok(Some(was))
        }
        .await
    }};
}

/// Sets account `$id` disabled (`$to`) or not in `$tx`, with its history
/// entry, its sessions ended when disabled; answers what it was (`None`
/// when the account is not there).
macro_rules! set_disabled_in {
    ($tx:ident, $by:expr, $id:expr, $to:expr) => {{
        let (id, to): (i64, bool) = ($id, $to);
        async {
            let found: Option<(String, bool)> =
                sqlx::query_as("SELECT username, disabled FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *$tx)
                    .await?;
            let Some((username, was)) = found else {
                return Ok::<Option<bool>, DbError>(None);
            };
            if was != to {
                sqlx::query("UPDATE users SET disabled = $1, version = version + 1 WHERE id = $2")
                    .bind(to)
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                let change = history::change("disabled", history::yes_no(was), history::yes_no(to));
                let entry =
                    history::entry($by, Action::Edited, Kind::Account, id, &username, &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry)
                    .execute(&mut *$tx)
                    .await?;
            }
            if to {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
            }
            Ok(Some(was))
        }
        .await
    }};
}

/// Refuses (noting why in `$noted`) when no administrator is active now,
/// in `$tx`.
macro_rules! keep_an_admin {
    ($tx:ident, $noted:expr) => {{
        let active: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_admin AND NOT disabled")
                .fetch_one(&mut *$tx)
                .await?;
        if active == 0 {
            $noted.note(BulkError::Refused(
                "That would leave Roster without an active administrator: keep at least one \
                 enabled. Nothing was applied."
                    .into(),
            ));
            return Err(DbError::Stale);
        }
    }};
}

/// "All 3 are read already: there is nothing to do."
fn nothing_to_do(n: usize, state: &str) -> BulkError {
    BulkError::Refused(format!(
        "{} {state} already: there is nothing to do.",
        match n {
            1 => "It is".to_owned(),
            n => format!("All {n} are"),
        }
    ))
}

impl Db {
    /// Marks messages `ids` read (at `now`, Unix seconds) or unread, or
    /// deletes them, none with a history entry from `mark` on, as one
    /// batch; answers its id.
    pub async fn bulk_messages(
        &self,
        by: &By,
        ids: &[i64],
        op: MessageOp,
        mark: i64,
        now: i64,
    ) -> Result<i64, BulkError> {
        by.require(crate::domain::Kind::Message, crate::domain::Op::Change)?;
        let sql = MessageSql::new(self.backend());
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            let by = open_batch!(tx, noted, by, Kind::Message, ids, mark, op.param(), "Messages");
            let mut written = Vec::with_capacity(ids.len());
            for id in ids {
                match op {
                    MessageOp::Read | MessageOp::Unread => {
                        let to = (op == MessageOp::Read).then_some(now);
                        match set_read_in!(tx, &by, *id, to)? {
                            None => {
                                noted.note(BulkError::Db(DbError::NotFound(Kind::Message)));
                                return Err(DbError::Stale);
                            }
                            Some(was) if was.is_some() != to.is_some() => {
                                written.push(RowWritten::Read { id: *id, was });
                            }
                            Some(_) => {}
                        }
                    }
                    MessageOp::Delete => {
                        let kept: Option<KeptMessage> =
                            sqlx::query_as(sql.keep).bind(*id).fetch_optional(&mut *tx).await?;
                        let Some(kept) = kept else {
                            noted.note(BulkError::Db(DbError::NotFound(Kind::Message)));
                            return Err(DbError::Stale);
                        };
                        sqlx::query("DELETE FROM messages WHERE id = $1")
                            .bind(*id)
                            .execute(&mut *tx)
                            .await?;
                        let changes = message_changes(&kept, true);
                        let entry = history::entry(
                            &by, Action::Deleted, Kind::Message, *id, &kept.subject, &changes,
                        );
                        bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
                        written.push(RowWritten::Message(kept));
                    }
                }
            }
            if written.is_empty() {
                let state = if op == MessageOp::Read { "read" } else { "unread" };
                noted.note(nothing_to_do(ids.len(), state));
                return Err(DbError::Stale);
            }
            let n = Kind::Message.count(written.len() as i64);
            let label = match op {
                MessageOp::Read => format!("Marked {n} read"),
                MessageOp::Unread => format!("Marked {n} unread"),
                MessageOp::Delete => format!("Deleted {n}"),
            };
            note_written!(tx, by.batch, &label, &written);
            close_batch!(tx, by, Kind::Message, &label)
        });
        noted.name(done)
    }

    /// Disables accounts `ids` (`disabled`) or enables them, none with a
    /// history entry from `mark` on, as one batch; never leaves Roster
    /// without an active administrator. Answers the batch's id.
    pub async fn bulk_accounts(
        &self,
        by: &By,
        ids: &[i64],
        disabled: bool,
        mark: i64,
    ) -> Result<i64, BulkError> {
        by.require(crate::domain::Kind::Account, crate::domain::Op::Change)?;
        let action = if disabled {
            "set:disable"
        } else {
            "set:enable"
        };
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            tx.serialise("active administrators").await?;
            let by = open_batch!(tx, noted, by, Kind::Account, ids, mark, action, "Accounts");
            let mut written = Vec::with_capacity(ids.len());
            for id in ids {
                match set_disabled_in!(tx, &by, *id, disabled)? {
                    None => {
                        noted.note(BulkError::Db(DbError::NotFound(Kind::Account)));
                        return Err(DbError::Stale);
                    }
                    Some(was) if was != disabled => written.push(RowWritten::Disabled { id: *id, was }),
                    Some(_) => {}
                }
            }
            if written.is_empty() {
                noted.note(nothing_to_do(ids.len(), if disabled { "disabled" } else { "enabled" }));
                return Err(DbError::Stale);
            }
            keep_an_admin!(tx, noted);
            let n = Kind::Account.count(written.len() as i64);
            let label = if disabled { format!("Disabled {n}") } else { format!("Enabled {n}") };
            note_written!(tx, by.batch, &label, &written);
            close_batch!(tx, by, Kind::Account, &label)
        });
        noted.name(done)
    }

    /// Deletes comments `ids` (of the pet `pet`), as one batch: each with
    /// its entry in its pet's history. `author`: only comments of this
    /// account may go (someone else's refuses it all); `None`: any (an
    /// administrator). Answers the batch's id.
    pub async fn bulk_delete_comments(
        &self,
        by: &By,
        pet: i64,
        ids: &[i64],
        author: Option<i64>,
        mark: i64,
    ) -> Result<i64, BulkError> {
        by.require(crate::domain::Kind::Comment, crate::domain::Op::Delete)?;
        let sql = MessageSql::new(self.backend());
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            // Comments are never edited: their only change is to go.
            let by = open_batch!(tx, noted, by, Kind::Comment, ids, mark, "delete", "Comments");
            let mut written = Vec::with_capacity(ids.len());
            let mut others = 0;
            for id in ids {
                let kept: Option<KeptComment> =
                    sqlx::query_as(sql.keep_comment).bind(*id).fetch_optional(&mut *tx).await?;
                let Some(kept) = kept.filter(|c| c.pet_id == pet) else {
                    noted.note(BulkError::Db(DbError::NotFound(Kind::Comment)));
                    return Err(DbError::Stale);
                };
                if author.is_some_and(|author| author != kept.author_id) {
                    others += 1;
                    continue;
                }
                sqlx::query("DELETE FROM comments WHERE id = $1").bind(*id).execute(&mut *tx).await?;
                let entry = history::comment(&by, Action::CommentDeleted, (pet, &kept.pet), &kept.body);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
                written.push(RowWritten::Comment(kept));
            }
            if others > 0 {
                noted.note(BulkError::Refused(format!(
                    "Only its author or an administrator can delete a comment, and {} someone \
                     else's. Nothing was deleted.",
                    match others {
                        1 => "1 of these is".to_owned(),
                        n => format!("{n} of these are"),
                    }
                )));
                return Err(DbError::Stale);
            }
            let label = format!("Deleted {}", Kind::Comment.count(written.len() as i64));
            note_written!(tx, by.batch, &label, &written);
            close_batch!(tx, by, Kind::Comment, &label)
        });
        noted.name(done)
    }

    /// Undoes bulk action `batch` on messages, accounts or comments as a whole, from
    /// what it wrote; refused whole once one of its rows changed since.
    pub async fn undo_row_batch(&self, by: &By, batch: &Batch) -> Result<(), BulkError> {
        // A kind this version does not know is for administrators.
        let kind = crate::domain::Kind::parse(&batch.kind).unwrap_or(crate::domain::Kind::Account);
        by.require_undo(kind, &batch.action)?;
        if batch.undone() {
            return Err(BulkError::AlreadyUndone);
        }
        let backend = self.backend();
        let sql = MessageSql::new(backend);
        let kind = batch.kind().unwrap_or(Kind::Message);
        let label = format!("Undone: {}", batch.label);
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            tx.serialise("active administrators").await?;
            if !mark_undone!(tx, backend, batch.id) {
                noted.note(BulkError::AlreadyUndone);
                return Err(DbError::Stale);
            }
            let raw: Option<String> = sqlx::query_scalar("SELECT written FROM batches WHERE id = $1")
                .bind(batch.id)
                .fetch_one(&mut *tx)
                .await?;
            let written: Vec<RowWritten> =
                serde_json::from_str(raw.as_deref().unwrap_or("[]")).unwrap_or_default();
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM history WHERE batch_id = $1")
                .bind(batch.id)
                .fetch_one(&mut *tx)
                .await?;
            let ids: Vec<i64> = written
                .iter()
                .map(|w| match w {
                    RowWritten::Read { id, .. } | RowWritten::Disabled { id, .. } => *id,
                    RowWritten::Message(m) => m.id,
                    RowWritten::Comment(c) => c.id,
                })
                .collect();
            let changed = changed_since!(tx, kind, &ids, last.unwrap_or(0) + 1)?;
            if !changed.is_empty() {
                noted.note(BulkError::Changed(changed));
                return Err(DbError::Stale);
            }
            let by = By { batch: Some(batch.id), ..by.clone() };
            for w in written.iter().rev() {
                let gone = match w {
                    RowWritten::Read { id, was } => set_read_in!(tx, &by, *id, *was)?.is_none(),
                    RowWritten::Disabled { id, was } => set_disabled_in!(tx, &by, *id, *was)?.is_none(),
                    RowWritten::Message(m) => {
                        sqlx::query(sql.put_back)
                            .bind(m.id)
                            .bind(&m.name)
                            .bind(&m.email)
                            .bind(&m.subject)
                            .bind(&m.body)
                            .bind(&m.sender_key)
                            .bind(&m.created_at)
                            .bind(m.read_at)
                            .bind(m.version)
                            .execute(&mut *tx)
                            .await?;
                        let changes = message_changes(m, false);
                        let entry = history::entry(
                            &by, Action::Restored, Kind::Message, m.id, &m.subject, &changes,
                        );
                        bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
                        false
                    }
                    RowWritten::Comment(c) => {
                        let pet: Option<String> = sqlx::query_scalar("SELECT name FROM pets WHERE id = $1")
                            .bind(c.pet_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        match pet {
                            None => true,
                            Some(pet) => {
                                sqlx::query(sql.put_back_comment)
                                    .bind(c.id)
                                    .bind(c.pet_id)
                                    .bind(c.author_id)
                                    .bind(&c.body)
                                    .bind(&c.created_at)
                                    .execute(&mut *tx)
                                    .await?;
                                let entry =
                                    history::comment(&by, Action::Restored, (c.pet_id, &pet), &c.body);
                                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
                                false
                            }
                        }
                    }
                };
                if gone {
                    noted.note(BulkError::Refused(
                        "It cannot be undone as a whole: one of its records is gone since. \
                         Nothing was undone."
                            .into(),
                    ));
                    return Err(DbError::Stale);
                }
            }
            if kind == Kind::Account {
                keep_an_admin!(tx, noted);
            }
            close_batch!(tx, by, kind, &label);
        });
        noted.name(done)
    }
}

/// The batch kinds whose undo is [`Db::undo_row_batch`].
pub const ROW_KINDS: [Kind; 3] = [Kind::Message, Kind::Account, Kind::Comment];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_batch_wrote_reads_back() {
        let written = vec![
            RowWritten::Read { id: 3, was: None },
            RowWritten::Disabled { id: 4, was: true },
        ];
        let json = serde_json::to_string(&written).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<RowWritten>>(&json).unwrap(),
            written
        );
    }
}
