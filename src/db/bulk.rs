//! Bulk actions over any record type with a [`Table`] declaration: the
//! records chosen are deleted into the trash, or each saved with one field
//! changed, in one transaction and through the very writes one record's
//! form runs (`run_delete!`, `run_write!`: rules, version check, history
//! entry). The action is a row of `batches`; every history and trash entry
//! it writes names it, so that the activity log shows it as one line and
//! it can be undone as a whole while none of its records changed since.
//!
//! All or nothing, and nothing behind the person's back: a record with a
//! history entry since the list was loaded (the `mark`, see
//! [`Db::history_mark`]) refuses the whole action, saying which and how.

use std::sync::Mutex;

use serde_json::{Map, Value};

use super::history::{self, By};
use super::list::{bind_args, Arg};
// What the shared write macros name, in scope where they run.
use super::table::{checks, marked, run_deletes, run_edits, Rule};
use super::table::{Children, Edits, Removals, Table, Valid, EDITS_CHUNK};
use super::trash::{self, arg_of, run_undelete, unreadable, Undeleting};
use super::write::FailedAt;
use super::{stale_or_missing, write_tx, Backend, Db, DbError, Listed};
use crate::domain::bulk::Batch;
use crate::domain::{field_changes, from_fields, to_fields, Action, Change, FieldErrors};
use crate::domain::{FormInput, HistoryEntry, Kind, QueryOf, Record};

/// Ids bound per statement when a statement takes many.
pub(super) const CHUNK: usize = 500;

/// One history entry of a record chosen, written after it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedSince {
    pub id: i64,
    pub title: String,
    pub action: Action,
    pub changes: Vec<Change>,
}

impl ChangedSince {
    /// From a row of [`changed_sql`].
    pub(super) fn from_row((id, title, action, changes): (i64, String, String, String)) -> Self {
        ChangedSince {
            id,
            title,
            action: Action::parse(&action).unwrap_or(Action::Edited),
            changes: serde_json::from_str(&changes).unwrap_or_default(),
        }
    }
}

/// The entries of records `$3…` (`n` of them) of kind `$1` from entry `$2`
/// on (the bulk lines aside: their record id is a batch's).
pub(super) fn changed_sql(n: usize) -> String {
    let marks: Vec<String> = (3..3 + n).map(|i| format!("${i}")).collect();
    format!(
        "SELECT record_id, title, action, changes FROM history \
         WHERE kind = $1 AND id >= $2 AND action <> 'bulk' \
         AND record_id IN ({}) ORDER BY id",
        marks.join(", ")
    )
}

/// Why a bulk action (or its undo) changed nothing.
#[derive(Debug)]
pub enum BulkError {
    /// Records changed since they were chosen: each change since.
    Changed(Vec<ChangedSince>),
    /// The write of record `id` (titled so) was refused.
    At {
        id: i64,
        title: String,
        error: DbError,
    },
    /// An undo would put back a value its record's rules refuse now.
    Invalid {
        id: i64,
        title: String,
        errors: FieldErrors,
    },
    /// An undo: the action was undone already.
    AlreadyUndone,
    /// A course has `free` seats left, too few: `left` did not fit.
    Full {
        course: String,
        free: usize,
        left: Vec<String>,
    },
    /// It cannot go ahead, for the reason given.
    Refused(String),
    /// An undo of a delete: this many of its records are no longer in the
    /// trash (restored one by one, or purged).
    NotInTrash(usize),
    Db(DbError),
}

impl From<DbError> for BulkError {
    fn from(e: DbError) -> Self {
        BulkError::Db(e)
    }
}

/// What a refusal inside a transaction noted (the closure may run again),
/// read with the transaction's outcome.
#[derive(Default)]
pub(super) struct Noted(Mutex<Option<BulkError>>);

impl Noted {
    pub(super) fn note(&self, error: BulkError) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
    }

    pub(super) fn name<T>(&self, done: Result<T, DbError>) -> Result<T, BulkError> {
        done.map_err(|error| {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or(BulkError::Db(error))
        })
    }
}

/// The entries of `kind`'s records `ids` from history entry `mark` on, in
/// transaction `$tx` (the bulk lines themselves aside: their record id is
/// a batch's).
macro_rules! changed_since {
    ($tx:ident, $kind:expr, $ids:expr, $mark:expr) => {{
        let (kind, ids, mark): (Kind, &[i64], i64) = ($kind, $ids, $mark);
        async {
            let mut found: Vec<(i64, String, String, String)> = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                let sql = changed_sql(chunk.len());
                let mut query = sqlx::query_as(&sql).bind(kind.noun()).bind(mark);
                for id in chunk {
                    query = query.bind(*id);
                }
                found.extend(query.fetch_all(&mut *$tx).await?);
            }
            Ok::<Vec<ChangedSince>, DbError>(
                found.into_iter().map(ChangedSince::from_row).collect(),
            )
        }
        .await
    }};
}
pub(super) use changed_since;

/// In transaction `$tx`: refuses the batch (noting why in `$noted`) when
/// one of `$ids` changed from history entry `$mark` on; else adds its row.
/// Answers `$by` naming it.
macro_rules! open_batch {
    ($tx:ident, $noted:expr, $by:expr, $kind:expr, $ids:expr, $mark:expr, $action:expr, $label:expr) => {{
        let changed = changed_since!($tx, $kind, $ids, $mark)?;
        if !changed.is_empty() {
            $noted.note(BulkError::Changed(changed));
            return Err(DbError::Stale);
        }
        let batch: i64 = sqlx::query_scalar(NEW_BATCH)
            .bind($by.account)
            .bind($kind.noun())
            .bind($action)
            .bind($label)
            .bind($ids.len() as i64)
            .fetch_one(&mut *$tx)
            .await?;
        By {
            batch: Some(batch),
            ..$by.clone()
        }
    }};
}
pub(super) use open_batch;

/// Writes batch `$by.batch`'s line in the activity log (its last entry),
/// in transaction `$tx`; answers the batch's id.
macro_rules! close_batch {
    ($tx:ident, $by:expr, $kind:expr, $label:expr) => {{
        let batch = $by.batch.unwrap_or(0);
        let entry = history::entry(&$by, Action::Bulk, $kind, batch, $label, &[]);
        bind_args!(sqlx::query(history::INSERT), &entry)
            .execute(&mut *$tx)
            .await?;
        batch
    }};
}
pub(super) use close_batch;

/// Notes batch `$batch`'s label, its count and what it wrote (`$written`,
/// a slice, for its undo), in `$tx`.
macro_rules! note_written {
    ($tx:ident, $batch:expr, $label:expr, $written:expr) => {{
        let written = $written;
        sqlx::query("UPDATE batches SET label = $1, count = $2, written = $3 WHERE id = $4")
            .bind($label)
            .bind(written.len() as i64)
            .bind(serde_json::to_string(written).unwrap_or_else(|_| "[]".into()))
            .bind($batch)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(super) use note_written;

/// The batch's row, answering its id.
pub(super) const NEW_BATCH: &str = "INSERT INTO batches (account_id, kind, action, label, count) \
     VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// Notes the batch `$batch` undone, if it was not already: answers whether
/// it was (the row is locked from here on PostgreSQL).
macro_rules! mark_undone {
    ($tx:ident, $backend:expr, $batch:expr) => {{
        let now = match $backend {
            Backend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            Backend::Postgres => "now()",
        };
        let sql = format!(
            "UPDATE batches SET status = 'undone', undone_at = {now} \
             WHERE id = $1 AND status = 'applied'"
        );
        sqlx::query(&sql)
            .bind($batch)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1
    }};
}
pub(super) use mark_undone;

const BATCH_SELECT: &str = "SELECT b.id, b.at, b.account_id, \
     COALESCE(d.display_name, u.username) AS who, b.kind, b.action, b.label, b.count, b.status \
     FROM batches b LEFT JOIN users u ON u.id = b.account_id \
     LEFT JOIN user_details d ON d.user_id = b.account_id WHERE b.id = $1";

impl Db {
    /// Where the history stands: the id the next entry will have at least.
    /// A list hands it to its bulk form; entries from it on are changes
    /// made after the list was read.
    pub async fn history_mark(&self) -> Result<i64, DbError> {
        let sql = "SELECT COALESCE(MAX(id), 0) + 1 FROM history";
        let row: Option<(i64,)> = self.first_as(sql.into(), Vec::new()).await?;
        Ok(row.map_or(1, |(mark,)| mark))
    }

    /// Each history entry of `kind`'s records `ids` from entry `mark` on.
    pub async fn changed_since(
        &self,
        kind: Kind,
        ids: &[i64],
        mark: i64,
    ) -> Result<Vec<ChangedSince>, DbError> {
        let mut found = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = changed_sql(chunk.len());
            let mut args = vec![Arg::text(kind.noun()), Arg::Int(mark)];
            args.extend(chunk.iter().map(|id| Arg::Int(*id)));
            let rows: Vec<(i64, String, String, String)> = self.all_as(sql, args).await?;
            found.extend(
                rows.into_iter()
                    .map(|(id, title, action, changes)| ChangedSince {
                        id,
                        title,
                        action: Action::parse(&action).unwrap_or(Action::Edited),
                        changes: serde_json::from_str(&changes).unwrap_or_default(),
                    }),
            );
        }
        Ok(found)
    }

    /// The ids of list `L`'s records that `query` matches (on every page),
    /// in the list's order: at most `limit`.
    pub async fn matching_ids<L: Listed>(
        &self,
        query: &QueryOf<L>,
        limit: usize,
    ) -> Result<Vec<i64>, DbError> {
        let (sql, args) = self.list_sql::<L>(query).unpaged(L::KEY);
        let sql = format!("{sql} LIMIT {}", limit);
        let rows: Vec<(i64,)> = self.all_as(sql, args).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The records of `T` among `ids`, in the order of `ids` (those gone
    /// left out).
    pub async fn records_of<T: Table>(&self, ids: &[i64]) -> Result<Vec<T>, DbError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} IN ({{in}})",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        let found: Vec<T> = self
            .chunked(&sql, ids.iter().map(|id| Arg::Int(*id)).collect())
            .await?;
        let mut by_id: std::collections::HashMap<i64, T> =
            found.into_iter().map(|r| (r.id(), r)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// The rows of list `L` among `ids` (`id_of` says a row's), in the
    /// order of `ids` (those gone left out).
    pub async fn rows_of<L: Listed>(
        &self,
        ids: &[i64],
        id_of: fn(&L::Row) -> i64,
    ) -> Result<Vec<L::Row>, DbError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} IN ({{in}})",
            L::SELECT,
            L::FROM,
            L::KEY
        );
        let found: Vec<L::Row> = self
            .chunked(&sql, ids.iter().map(|id| Arg::Int(*id)).collect())
            .await?;
        let mut by_id: std::collections::HashMap<i64, L::Row> =
            found.into_iter().map(|r| (id_of(&r), r)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// The ids of the rows of `child` that depend on one of `ids`.
    pub async fn dependant_ids(&self, child: &Children, ids: &[i64]) -> Result<Vec<i64>, DbError> {
        let sql = format!(
            "SELECT id FROM {} WHERE {} IN ({{in}}) ORDER BY id",
            child.table, child.column
        );
        let rows: Vec<(i64,)> = self
            .chunked(&sql, ids.iter().map(|id| Arg::Int(*id)).collect())
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// For each dependant `T` declares, how many rows each of `ids` has
    /// (records with none left out).
    pub async fn dependants_of<T: Table>(
        &self,
        ids: &[i64],
    ) -> Result<Vec<std::collections::HashMap<i64, i64>>, DbError> {
        let mut all = Vec::new();
        for child in T::CHILDREN {
            let sql = format!(
                "SELECT {0}, COUNT(*) FROM {1} WHERE {0} IN ({{in}}) GROUP BY {0}",
                child.column, child.table
            );
            let rows: Vec<(i64, i64)> = self
                .chunked(&sql, ids.iter().map(|id| Arg::Int(*id)).collect())
                .await?;
            all.push(rows.into_iter().collect());
        }
        Ok(all)
    }

    /// Deletes `chosen` records of `T` (each still at its version, none
    /// with a history entry from `mark` on) into the trash with what goes
    /// with each, as one batch labelled `label`; answers the batch's id.
    pub async fn bulk_delete<T: Table>(
        &self,
        by: &By,
        label: &str,
        chosen: &[(i64, i64, String)],
        mark: i64,
    ) -> Result<i64, BulkError> {
        by.require(T::KIND, crate::domain::Op::Delete)?;
        let sql = Removals::<T>::new(self.backend());
        let ids: Vec<i64> = chosen.iter().map(|(id, _, _)| *id).collect();
        let at: Vec<(i64, i64)> = chosen
            .iter()
            .map(|(id, version, _)| (*id, *version))
            .collect();
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            let by = open_batch!(tx, noted, by, T::KIND, &ids, mark, "delete", label);
            let failed = FailedAt::default();
            if let Err(error) = run_deletes!(tx, T, sql, &by, &at, failed) {
                let (i, error) = match failed.name::<()>(Err(error)) {
                    Err(named) => named,
                    Ok(()) => (0, DbError::Stale),
                };
                let (id, _, title) = chosen.get(i).cloned().unwrap_or_default();
                noted.note(BulkError::At { id, title, error });
                return Err(DbError::Stale);
            }
            close_batch!(tx, by, T::KIND, label)
        });
        noted.name(done)
    }

    /// Saves each of `edits` (a record of `T` at its version, and its new
    /// values; `titles` names them) as its edit form would, a chunk at a
    /// time ([`run_edits!`]), none with a history entry from `mark` on, as
    /// one batch: `action` as [`BulkAction::param`] says it.
    ///
    /// [`BulkAction::param`]: crate::domain::bulk::BulkAction::param
    pub async fn bulk_save<T: Table>(
        &self,
        by: &By,
        action: &str,
        label: &str,
        edits: &[(i64, i64, Valid<T>)],
        titles: &[String],
        mark: i64,
    ) -> Result<i64, BulkError> {
        by.require(T::KIND, crate::domain::Op::Change)?;
        let ids: Vec<i64> = edits.iter().map(|(id, ..)| *id).collect();
        let sql = Edits::<T>::new();
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            let by = open_batch!(tx, noted, by, T::KIND, &ids, mark, action, label);
            let failed = FailedAt::default();
            if let Err(error) = run_edits!(tx, T, sql, &by, Action::Edited, edits, failed) {
                let (at, error) = match failed.name::<()>(Err(error)) {
                    Err(named) => named,
                    Ok(()) => (0, DbError::Stale),
                };
                let id = ids.get(at).copied().unwrap_or_default();
                let title = titles.get(at).cloned().unwrap_or_default();
                noted.note(BulkError::At { id, title, error });
                return Err(DbError::Stale);
            }
            close_batch!(tx, by, T::KIND, label)
        });
        noted.name(done)
    }

    /// Bulk action `id`.
    pub async fn batch(&self, id: i64) -> Result<Option<Batch>, DbError> {
        self.first_as(BATCH_SELECT.into(), vec![Arg::Int(id)]).await
    }

    /// The history entries bulk action `batch` wrote for its records, in
    /// order: at most `limit`. Those of the kind it wrote first: an
    /// enrolment's entry in its course's history repeats its student's.
    pub async fn batch_entries(
        &self,
        batch: i64,
        limit: u32,
    ) -> Result<Vec<HistoryEntry>, DbError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE h.batch_id = $1 AND h.action <> 'bulk' \
             AND h.kind = (SELECT f.kind FROM history f WHERE f.batch_id = $1 \
             ORDER BY f.id LIMIT 1) ORDER BY h.id LIMIT {limit}",
            history::SELECT,
            history::FROM
        );
        self.all_as(sql, vec![Arg::Int(batch)]).await
    }

    /// Undoes bulk action `batch` (of records of `T`) as a whole: a delete
    /// brings every record back from the trash; a save puts back each
    /// record's values from before it, while none changed since. Anything
    /// in the way refuses it all.
    pub async fn undo_batch<T: Table>(&self, by: &By, batch: &Batch) -> Result<(), BulkError> {
        by.require_undo(T::KIND, &batch.action)?;
        if batch.undone() {
            return Err(BulkError::AlreadyUndone);
        }
        match batch.action.as_str() {
            action if super::class_bulk::ENROLMENT_ACTIONS.contains(&action) => {
                self.undo_enrolment_batch(by, batch).await
            }
            "delete" => self.undo_delete::<T>(by, batch).await,
            _ => self.undo_save::<T>(by, batch).await,
        }
    }

    async fn undo_delete<T: Table>(&self, by: &By, batch: &Batch) -> Result<(), BulkError> {
        let backend = self.backend();
        let undeleting = Undeleting::<T>::new(backend);
        let sql = "SELECT id, title FROM trash WHERE batch_id = $1 ORDER BY id";
        let label = format!("Undone: {}", batch.label);
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            if !mark_undone!(tx, backend, batch.id) {
                noted.note(BulkError::AlreadyUndone);
                return Err(DbError::Stale);
            }
            let kept: Vec<(i64, String)> =
                sqlx::query_as(sql).bind(batch.id).fetch_all(&mut *tx).await?;
            let missing = usize::try_from(batch.count).unwrap_or(0).saturating_sub(kept.len());
            if missing > 0 {
                noted.note(BulkError::NotInTrash(missing));
                return Err(DbError::Stale);
            }
            let by = By { batch: Some(batch.id), ..by.clone() };
            for (trash, title) in &kept {
                if let Err(error) = run_undelete!(tx, T, undeleting, &by, *trash, None) {
                    noted.note(BulkError::At { id: *trash, title: title.clone(), error });
                    return Err(DbError::Stale);
                }
            }
            close_batch!(tx, by, T::KIND, &label);
        });
        noted.name(done)
    }

    async fn undo_save<T: Table>(&self, by: &By, batch: &Batch) -> Result<(), BulkError> {
        let backend = self.backend();
        // The batch's own entries; each record's values before them.
        let entries = self.batch_entries(batch.id, u32::MAX).await?;
        let mark = match self.batch_last_entry(batch.id).await? {
            Some(last) => last + 1,
            None => return Err(BulkError::AlreadyUndone),
        };
        let ids: Vec<i64> = entries.iter().map(|e| e.record_id).collect();
        let records = self.records_of::<T>(&ids).await?;
        let mut edits = Vec::with_capacity(records.len());
        for record in &records {
            let mut fields = to_fields(&record.to_input());
            for entry in entries.iter().filter(|e| e.record_id == record.id()) {
                for change in entry.changes() {
                    if let Some((_, value)) = fields.iter_mut().find(|(n, _)| *n == change.field) {
                        *value = change.was;
                    }
                }
            }
            let input: T::Input = from_fields(fields);
            match input.parse() {
                Ok(valid) => edits.push((record.id(), record.version(), valid)),
                Err(errors) => {
                    return Err(BulkError::Invalid {
                        id: record.id(),
                        title: record.title(),
                        errors,
                    })
                }
            }
        }
        let label = format!("Undone: {}", batch.label);
        let sql = Edits::<T>::new();
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            if !mark_undone!(tx, backend, batch.id) {
                noted.note(BulkError::AlreadyUndone);
                return Err(DbError::Stale);
            }
            let mut changed = changed_since!(tx, T::KIND, &ids, mark)?;
            // A record gone since (deleted, purged) is a change too.
            for id in &ids {
                if !records.iter().any(|r| r.id() == *id) && !changed.iter().any(|c| c.id == *id) {
                    let title = entries.iter().find(|e| e.record_id == *id);
                    changed.push(ChangedSince {
                        id: *id,
                        title: title.map(|e| e.title.clone()).unwrap_or_default(),
                        action: Action::Deleted,
                        changes: Vec::new(),
                    });
                }
            }
            if !changed.is_empty() {
                noted.note(BulkError::Changed(changed));
                return Err(DbError::Stale);
            }
            let by = By { batch: Some(batch.id), ..by.clone() };
            let failed = FailedAt::default();
            if let Err(error) = run_edits!(tx, T, sql, &by, Action::Restored, &edits, failed) {
                let (i, error) = match failed.name::<()>(Err(error)) {
                    Err(named) => named,
                    Ok(()) => (0, DbError::Stale),
                };
                let id = edits.get(i).map_or(0, |(id, ..)| *id);
                let title = records.iter().find(|r| r.id() == id).map(Record::title);
                noted.note(BulkError::At { id, title: title.unwrap_or_default(), error });
                return Err(DbError::Stale);
            }
            close_batch!(tx, by, T::KIND, &label);
        });
        noted.name(done)
    }

    /// The id of the last entry bulk action `batch` wrote (its line in the
    /// activity log, written last).
    async fn batch_last_entry(&self, batch: i64) -> Result<Option<i64>, DbError> {
        let sql = "SELECT MAX(id) FROM history WHERE batch_id = $1";
        let row: Option<(Option<i64>,)> = self.first_as(sql.into(), vec![Arg::Int(batch)]).await?;
        Ok(row.and_then(|(id,)| id))
    }
}

/// A record's changes as its history says them, for a refusal: "name: Rex
/// → Rexy".
pub fn describe_change(changed: &ChangedSince) -> String {
    match changed.action {
        Action::Deleted | Action::Purged => "deleted".to_owned(),
        Action::Created => "added".to_owned(),
        _ if changed.changes.is_empty() => changed.action.label().to_lowercase(),
        _ => changed
            .changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.field, shown(&c.was), shown(&c.now)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "(empty)"
    } else {
        value
    }
}
