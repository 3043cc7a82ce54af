//! Records from a file, written once over the record declaration: a
//! type that can be imported says which columns its file has
//! ([`Imported`]); each row becomes the type's form input and goes
//! through the form's own parser (so its messages are the form's), is
//! matched to a record by its id or its natural key, and then written by
//! [`Db::save_all`], the same write a form makes, in one transaction.
//!
//! A dry run ([`Db::import_preview`]) writes nothing; an import keeps its
//! rows (`imports`) from the preview until it is applied, so that any
//! instance can apply it, and the apply checks again that nothing it
//! would write changed since.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::history::By;
use super::list::Arg;
use super::table::SaveOf;
use super::{Db, DbError, Rule, Table};
use crate::domain::export::unneutralise;
use crate::domain::import::{
    header_key, ImportCounts, ImportKind, Preview, PreviewRow, RowOutcome,
};
use crate::domain::{constraints, field_changes, from_fields, to_fields, FormInput, Record};

/// How a file's column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// The record's id: the row updates that record, or adds it with that
    /// id when there is none.
    Id,
    /// A form field, named so.
    Field,
    /// When the row leaves form field `field` (an id) empty, the id of the
    /// `table` row whose `column` is this cell, ignoring case (a pet's
    /// handler by email).
    Lookup {
        field: &'static str,
        table: &'static str,
        column: &'static str,
    },
    /// Written by exports for people to read, not read back (a pet's
    /// handler's name).
    Shown,
}

/// A column of a type's file: its header (as exports write it) and use,
/// and what the template's example row has in it.
#[derive(Debug, Clone, Copy)]
pub struct FileColumn {
    pub name: &'static str,
    pub read: Use,
    pub example: &'static str,
}

impl FileColumn {
    pub const fn new(name: &'static str, read: Use, example: &'static str) -> Self {
        FileColumn {
            name,
            read,
            example,
        }
    }
}

/// A record type that files can bring in.
pub trait Imported: Table {
    const IMPORT: ImportKind;
    /// Its file's columns, in the template's order (an export's columns:
    /// an export imports back unchanged).
    const FILE: &'static [FileColumn];
    /// The field a row without an id is matched by, ignoring case (a
    /// student's email): the field of the type's `Rule::Unique`.
    const MATCH: Option<&'static str> = None;
}

/// Why a file cannot be previewed at all.
#[derive(Debug)]
pub enum ImportError {
    /// What is wrong with the file, for the person who sent it.
    File(String),
    Db(DbError),
}

impl From<DbError> for ImportError {
    fn from(error: DbError) -> Self {
        ImportError::Db(error)
    }
}

#[derive(Debug, Deserialize, sqlx::FromRow)]
pub(crate) struct Keyed {
    pub(crate) id: i64,
    pub(crate) key: String,
}

/// Ids of at most this many records per query.
const CHUNK: usize = 500;

/// A dry run's outcome per row, and the checked values of the rows that
/// would be written.
struct Plan<T: Imported> {
    preview: Preview,
    writes: Vec<Option<SaveOf<T>>>,
}

impl Db {
    /// What importing `rows` (each with its line in the file) under
    /// `headers` would do, writing nothing.
    pub async fn import_preview<T: Imported>(
        &self,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
    ) -> Result<Preview, ImportError> {
        Ok(self.plan::<T>(headers, rows).await?.preview)
    }

    /// `sql`, whose `{in}` stands for a list of marks, run for `keys` a
    /// chunk at a time.
    pub(crate) async fn chunked<R: super::AnyRow>(
        &self,
        sql: &str,
        keys: Vec<Arg>,
    ) -> Result<Vec<R>, DbError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = sql.replace("{in}", &marks.join(", "));
            found.extend(self.all_as::<R>(sql, chunk.to_vec()).await?);
        }
        Ok(found)
    }

    /// Ids of the `table` rows whose `column` folds to one of `keys`.
    pub(crate) async fn keyed(
        &self,
        table: &str,
        column: &str,
        keys: &HashSet<String>,
    ) -> Result<Vec<Keyed>, DbError> {
        let sql = format!(
            "SELECT id, lower({column}) AS key FROM {table} WHERE lower({column}) IN ({{in}})"
        );
        self.chunked(&sql, keys.iter().map(Arg::text).collect())
            .await
    }

    /// The records of `T` among `ids`.
    async fn records<T: Imported>(&self, ids: &HashSet<i64>) -> Result<HashMap<i64, T>, DbError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} IN ({{in}})",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        let ids = ids.iter().map(|id| Arg::Int(*id)).collect();
        let found: Vec<T> = self.chunked(&sql, ids).await?;
        Ok(found.into_iter().map(|r| (r.id(), r)).collect())
    }

    async fn plan<T: Imported>(
        &self,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
    ) -> Result<Plan<T>, ImportError> {
        let file = Matched::new(T::FILE, headers);
        let cell = |values: &[String], name: &str| file.cell(values, name);

        // Everything the rows name, read a chunk at a time.
        let mut ids = HashSet::new();
        let mut match_keys = HashSet::new();
        let mut lookups: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for (_, values) in rows {
            if let Some(id) = cell(values, "id").and_then(|v| v.parse::<i64>().ok()) {
                ids.insert(id);
            }
            if let Some(key) = T::MATCH.and_then(|m| cell(values, m)) {
                if !key.is_empty() {
                    match_keys.insert(key.to_lowercase());
                }
            }
            for column in T::FILE {
                if let Use::Lookup { .. } = column.read {
                    if let Some(key) = cell(values, column.name).filter(|k| !k.is_empty()) {
                        lookups
                            .entry(column.name)
                            .or_default()
                            .insert(key.to_lowercase());
                    }
                }
            }
        }
        let matched: HashMap<String, i64> = match T::MATCH {
            Some(field) => self
                .keyed(T::TABLE, field, &match_keys)
                .await?
                .into_iter()
                .map(|k| (k.key, k.id))
                .collect(),
            None => HashMap::new(),
        };
        let mut found_lookups: HashMap<&'static str, HashMap<String, Vec<i64>>> = HashMap::new();
        for column in T::FILE {
            if let Use::Lookup {
                table, column: by, ..
            } = column.read
            {
                let keys = lookups.remove(column.name).unwrap_or_default();
                let mut by_key: HashMap<String, Vec<i64>> = HashMap::new();
                for k in self.keyed(table, by, &keys).await? {
                    by_key.entry(k.key).or_default().push(k.id);
                }
                found_lookups.insert(column.name, by_key);
            }
        }
        let wanted: HashSet<i64> = ids.iter().chain(matched.values()).copied().collect();
        let records = self.records::<T>(&wanted).await?;

        // Each row: its fields, its record, what it would do.
        let mut out = Vec::with_capacity(rows.len());
        let mut writes = Vec::with_capacity(rows.len());
        let mut lines_by_key: HashMap<String, usize> = HashMap::new();
        let mut lines_by_id: HashMap<i64, usize> = HashMap::new();
        let mut parents: Vec<(usize, &'static str, &'static str, i64)> = Vec::new();
        for (line, values) in rows {
            let mut cells: Vec<(String, String)> = Vec::new();
            let mut fields: Vec<(String, String)> = Vec::new();
            let mut given_id = None;
            for column in T::FILE {
                let Some(value) = cell(values, column.name) else {
                    continue;
                };
                match column.read {
                    Use::Id if value.is_empty() => {}
                    Use::Id => match value.parse::<i64>() {
                        Ok(id) if id > 0 => given_id = Some(id),
                        _ => cells.push((
                            column.name.into(),
                            "Enter a record's id (a whole number), or leave it empty for a new one."
                                .into(),
                        )),
                    },
                    Use::Field => fields.push((column.name.into(), value)),
                    Use::Lookup { field, .. } => {
                        let has_id = cell(values, field).is_some_and(|v| !v.is_empty());
                        if value.is_empty() || has_id {
                            continue;
                        }
                        let hits = found_lookups
                            .get(column.name)
                            .and_then(|m| m.get(&value.to_lowercase()));
                        match hits.map(Vec::as_slice) {
                            Some([id]) => fields.push((field.into(), id.to_string())),
                            Some([_, _, ..]) => cells.push((
                                column.name.into(),
                                format!("More than one record has this; give the {field} instead."),
                            )),
                            _ => cells.push((
                                column.name.into(),
                                "Nothing has this; check it, or give the id instead.".into(),
                            )),
                        }
                    }
                    Use::Shown => {}
                }
            }
            // Its record: by id, else by its natural key.
            let key = T::MATCH
                .and_then(|m| fields.iter().find(|(n, _)| n == m))
                .map(|(_, v)| v.to_lowercase())
                .filter(|k| !k.is_empty());
            let by_key = key.as_ref().and_then(|k| matched.get(k).copied());
            let current = match given_id {
                Some(id) => records.get(&id),
                None => by_key.and_then(|id| records.get(&id)),
            };
            // The same record, or key, twice in the file.
            if let Some(id) = given_id {
                if let Some(first) = lines_by_id.insert(id, *line) {
                    cells.push(("id".into(), format!("Line {first} is this record too.")));
                }
            }
            if let (Some(key), Some(field)) = (&key, T::MATCH) {
                if let Some(first) = lines_by_key.insert(key.clone(), *line) {
                    cells.push((field.into(), format!("Line {first} has this {field} too.")));
                }
                // Someone else's already.
                if let (Some(owner), Some(id)) = (by_key, current.map(|r| r.id()).or(given_id)) {
                    if owner != id {
                        if let Some(message) = unique_message::<T>() {
                            cells.push((field.into(), message.into()));
                        }
                    }
                }
            }
            let mut input_fields = current
                .map(|r| to_fields(&r.to_input()))
                .unwrap_or_default();
            for (name, value) in fields {
                match input_fields.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = value,
                    None => input_fields.push((name, value)),
                }
            }
            let input: <T as Record>::Input = from_fields(input_fields.clone());
            let parsed = input.parse();
            if let Err(errors) = &parsed {
                for error in &errors.0 {
                    cells.push((error.field.clone(), error.message.clone()));
                }
            }
            let outcome = match (parsed, cells.is_empty()) {
                (Ok(valid), true) => match current {
                    Some(record) => {
                        let changes = field_changes(&to_fields(&record.to_input()), &input_fields);
                        if changes.is_empty() {
                            writes.push(None);
                            RowOutcome::Unchanged { id: record.id() }
                        } else {
                            let version = record.version();
                            writes.push(Some((Some((record.id(), version)), None, valid)));
                            RowOutcome::Update {
                                id: record.id(),
                                version,
                                changes: changes
                                    .into_iter()
                                    .map(|c| (c.field, c.was, c.now))
                                    .collect(),
                            }
                        }
                    }
                    None => {
                        for rule in T::RULES {
                            if let Rule::Parent {
                                column,
                                table,
                                constraint,
                            } = *rule
                            {
                                let id = input_fields
                                    .iter()
                                    .find(|(n, _)| n == column)
                                    .and_then(|(_, v)| v.parse::<i64>().ok());
                                if let Some(id) = id {
                                    parents.push((out.len(), table, constraint, id));
                                }
                            }
                        }
                        writes.push(Some((None, given_id, valid)));
                        RowOutcome::New
                    }
                },
                _ => {
                    writes.push(None);
                    RowOutcome::Error { cells }
                }
            };
            out.push(PreviewRow {
                line: *line,
                values: values.clone(),
                outcome,
            });
        }
        // Parents that are not there (a pet's handler), checked together.
        let mut by_table: HashMap<&str, HashSet<i64>> = HashMap::new();
        for (_, table, _, id) in &parents {
            by_table.entry(table).or_default().insert(*id);
        }
        let mut present: HashMap<&str, HashSet<i64>> = HashMap::new();
        for (table, ids) in by_table {
            let sql = format!("SELECT id, '' AS key FROM {table} WHERE id IN ({{in}})");
            let ids = ids.into_iter().map(Arg::Int).collect();
            let here: Vec<Keyed> = self.chunked(&sql, ids).await?;
            present.insert(table, here.into_iter().map(|k| k.id).collect());
        }
        for (row, table, constraint, id) in parents {
            if present.get(table).is_some_and(|ids| ids.contains(&id)) {
                continue;
            }
            let (field, message) = constraints::field_message(constraint)
                .unwrap_or(("id", "That record does not exist."));
            out[row].outcome = RowOutcome::Error {
                cells: vec![(field.into(), message.into())],
            };
            writes[row] = None;
        }
        Ok(Plan {
            preview: file.preview(out),
            writes,
        })
    }

    /// Writes what a preview of `rows` found, now: every row that would add
    /// or change a record, in one transaction through the forms' own write
    /// ([`Db::save_all`]), each history entry naming import `import`. What
    /// changed since `earlier` (the preview the person saw) is refused.
    /// `all`: nothing at all unless every row is valid.
    pub async fn import_apply<T: Imported>(
        &self,
        by: &By,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
        earlier: &Preview,
        all: bool,
        progress: &Progress,
    ) -> Result<Applied, ImportError> {
        by.require(T::KIND, crate::domain::Op::Import)?;
        let plan = self.plan::<T>(headers, rows).await?;
        let counts = ImportCounts::of(&plan.preview.rows);
        let moved = moved(&plan.preview.rows, &earlier.rows);
        if !moved.is_empty() {
            return Ok(Applied::Moved(moved));
        }
        if all && counts.errors > 0 {
            return Ok(Applied::HasErrors(counts.errors));
        }
        let mut writes: Vec<(usize, SaveOf<T>)> = plan
            .writes
            .into_iter()
            .zip(&plan.preview.rows)
            .filter_map(|(w, row)| w.map(|w| (row.line, w)))
            .collect();
        // Records given their ids are added in id order, first: the order
        // they are added in (a list's default, newest first) is then the
        // one they had where the file came from.
        writes.sort_by_key(|(_, (at, id, _))| match (at, id) {
            (None, Some(id)) => (0, *id),
            _ => (1, 0),
        });
        let (lines, writes): (Vec<usize>, Vec<SaveOf<T>>) = writes.into_iter().unzip();
        let written = self.save_all::<T>(by, &writes, &counts, progress).await;
        refused(written.map(|_| counts), &lines)
    }
}

/// Which column of a file is which of a type's (`None`: left out), by
/// header; the headers not known.
pub(crate) struct Matched {
    columns: Vec<Option<&'static FileColumn>>,
    ignored: Vec<String>,
}

impl Matched {
    pub(crate) fn new(file: &'static [FileColumn], headers: &[String]) -> Self {
        let mut columns = Vec::with_capacity(headers.len());
        let mut ignored = Vec::new();
        let mut seen = HashSet::new();
        for header in headers {
            let key = header_key(header);
            let known = file
                .iter()
                .find(|c| header_key(c.name) == key)
                .filter(|c| seen.insert(c.name));
            if known.is_none() && !key.is_empty() {
                ignored.push(header.clone());
            }
            columns.push(known);
        }
        Matched { columns, ignored }
    }

    /// Column `name`'s cell in `values`, as written before an export
    /// neutralised it, trimmed; `None` when the file has no such column.
    pub(crate) fn cell(&self, values: &[String], name: &str) -> Option<String> {
        self.columns
            .iter()
            .position(|c| c.is_some_and(|c| c.name == name))
            .and_then(|i| values.get(i))
            .map(|v| unneutralise(v).trim().to_owned())
    }

    pub(crate) fn preview(&self, rows: Vec<PreviewRow>) -> Preview {
        Preview {
            columns: self
                .columns
                .iter()
                .flatten()
                .map(|c| c.name.to_owned())
                .collect(),
            ignored: self.ignored.clone(),
            rows,
        }
    }
}

/// The lines whose outcome `now` is not the one the person saw (`then`):
/// their records changed since the preview.
pub(crate) fn moved(now: &[PreviewRow], then: &[PreviewRow]) -> Vec<usize> {
    now.iter()
        .zip(then)
        .filter(|(now, then)| match (&now.outcome, &then.outcome) {
            (RowOutcome::New, RowOutcome::New) => false,
            (
                RowOutcome::Update { id, version, .. },
                RowOutcome::Update {
                    id: i, version: v, ..
                },
            ) => id != i || version != v,
            (RowOutcome::Unchanged { .. }, RowOutcome::Unchanged { .. }) => false,
            (RowOutcome::Error { .. }, RowOutcome::Error { .. }) => false,
            _ => true,
        })
        .map(|(now, _)| now.line)
        .collect()
}

/// What an apply's writes (`lines`: each write's line in the file) did:
/// a refusal names the line, and the field and message a form would show.
pub(crate) fn refused(
    written: Result<ImportCounts, (usize, DbError)>,
    lines: &[usize],
) -> Result<Applied, ImportError> {
    let line = |i: usize| lines.get(i).copied().unwrap_or(0);
    match written {
        Ok(counts) => Ok(Applied::Done(counts)),
        Err((ALREADY, _)) => Ok(Applied::Already),
        Err((i, DbError::Stale)) | Err((i, DbError::NotFound(_))) => {
            Ok(Applied::Moved(vec![line(i)]))
        }
        Err((i, DbError::Full)) => Ok(Applied::Refused {
            line: line(i),
            field: "course_code".into(),
            message: crate::domain::COURSE_FULL.into(),
        }),
        Err((i, DbError::Constraint(name))) => {
            let (field, message) = match name.as_str() {
                "enrolments_pair_key" => ("student_email", crate::domain::ALREADY_ENROLLED),
                name => constraints::field_message(name)
                    .unwrap_or(("id", "This row breaks a rule of the records.")),
            };
            Ok(Applied::Refused {
                line: line(i),
                field: field.into(),
                message: message.into(),
            })
        }
        Err((_, error)) => Err(ImportError::Db(error)),
    }
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Written: the rows' outcomes.
    Done(ImportCounts),
    /// Nothing written: these lines' records changed since the preview.
    Moved(Vec<usize>),
    /// Nothing written: all or nothing was asked for, and rows have errors.
    HasErrors(usize),
    /// Nothing written: another request applied it first.
    Already,
    /// Nothing written: a row broke a rule at the last moment.
    Refused {
        line: usize,
        field: String,
        message: String,
    },
}

/// The message of `T`'s unique rule, as the form shows it.
fn unique_message<T: Table>() -> Option<&'static str> {
    T::RULES.iter().find_map(|rule| match *rule {
        Rule::Unique { constraint, .. } => constraints::field_message(constraint).map(|(_, m)| m),
        _ => None,
    })
}

/// The columns of `kind`'s file, each with what its template row has.
pub fn columns(kind: ImportKind) -> Vec<(&'static str, &'static str)> {
    fn of<T: Imported>() -> Vec<(&'static str, &'static str)> {
        T::FILE.iter().map(|c| (c.name, c.example)).collect()
    }
    use crate::domain::{Course, Handler, Pet, Student};
    match kind {
        ImportKind::Students => of::<Student>(),
        ImportKind::Courses => of::<Course>(),
        ImportKind::Enrolments => super::class_list::CLASS_LIST
            .iter()
            .map(|c| (c.name, c.example))
            .collect(),
        ImportKind::Handlers => of::<Handler>(),
        ImportKind::Pets => of::<Pet>(),
    }
}

/// An import as it is kept from its preview to its apply.
#[derive(Debug, Clone)]
pub struct Kept {
    pub id: i64,
    pub account_id: Option<i64>,
    pub kind: ImportKind,
    pub file_name: String,
    /// `previewed` or `applied`.
    pub status: String,
    pub headers: Vec<String>,
    pub preview: Preview,
    pub counts: ImportCounts,
}

#[derive(Debug, Deserialize, sqlx::FromRow)]
struct KeptRow {
    id: i64,
    account_id: Option<i64>,
    kind: String,
    file_name: String,
    status: String,
    columns: String,
    rows: String,
    counts: String,
}

impl Db {
    /// Keeps a previewed file (its header and each row's outcome, values
    /// included) until it is applied; its id.
    pub async fn import_keep(
        &self,
        by: &By,
        kind: ImportKind,
        file_name: &str,
        headers: &[String],
        preview: &Preview,
    ) -> Result<i64, DbError> {
        by.require(kind.kind(), crate::domain::Op::Import)?;
        let counts = ImportCounts::of(&preview.rows);
        let args = vec![
            Arg::opt_int(by.account),
            Arg::text(kind.slug()),
            Arg::text(file_name),
            Arg::Text(json(headers)),
            Arg::Text(json(preview)),
            Arg::Text(json(&counts)),
        ];
        let sql = "INSERT INTO imports (account_id, kind, file_name, columns, rows, counts) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        super::write_tx!(self, tx => {
            let query = super::list::bind_args!(sqlx::query_scalar::<_, i64>(sql), &args);
            query.fetch_one(&mut *tx).await?
        })
    }

    /// Import `id` as kept, if there is one.
    pub async fn import_kept(&self, id: i64) -> Result<Option<Kept>, DbError> {
        let sql = "SELECT id, account_id, kind, file_name, status, columns, rows, counts \
                   FROM imports WHERE id = $1";
        let Some(row) = self
            .first_as::<KeptRow>(sql.into(), vec![Arg::Int(id)])
            .await?
        else {
            return Ok(None);
        };
        let broken =
            |what: &str| DbError::Unavailable(format!("import {id}: its {what} do not read"));
        Ok(Some(Kept {
            id: row.id,
            account_id: row.account_id,
            kind: ImportKind::parse(&row.kind).ok_or_else(|| broken("kind"))?,
            file_name: row.file_name,
            status: row.status,
            headers: serde_json::from_str(&row.columns).map_err(|_| broken("columns"))?,
            preview: serde_json::from_str(&row.rows).map_err(|_| broken("rows"))?,
            counts: serde_json::from_str(&row.counts).map_err(|_| broken("counts"))?,
        }))
    }

    /// Replaces a previewed import's header (its columns chosen again) and
    /// preview; false if it is applied already.
    pub async fn import_remap(
        &self,
        id: i64,
        headers: &[String],
        preview: &Preview,
    ) -> Result<bool, DbError> {
        let counts = ImportCounts::of(&preview.rows);
        let sql = "UPDATE imports SET columns = $1, rows = $2, counts = $3 \
                   WHERE id = $4 AND status = 'previewed'";
        let args = [
            Arg::Text(json(headers)),
            Arg::Text(json(preview)),
            Arg::Text(json(&counts)),
            Arg::Int(id),
        ];
        Ok(self.execute(sql, &args).await? == 1)
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Notes applied import `$import` undone, in its undo's transaction
/// `$tx`; `Stale` if it is not applied (another undo got there first).
macro_rules! mark_undone {
    ($tx:ident, $import:expr) => {{
        let marked = sqlx::query(
            "UPDATE imports SET status = 'undone' WHERE id = $1 AND status = 'applied'",
        )
        .bind($import)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if marked != 1 {
            return Err(DbError::Stale);
        }
    }};
}
pub(crate) use mark_undone;

/// How far an apply is: how many of its writes are done (the import's
/// page asks while it runs).
pub type Progress = std::sync::atomic::AtomicUsize;

/// What [`FailedAt`](super::write::FailedAt) names when the import was
/// applied already (by another request), not a write of it.
pub(crate) const ALREADY: usize = usize::MAX;

/// The statement that notes an import applied, with what it did
/// (`$1`), unless it is already (`$2`: its id).
pub(crate) fn applied_sql(backend: super::Backend) -> &'static str {
    match backend {
        super::Backend::Sqlite => {
            "UPDATE imports SET status = 'applied', counts = $1, \
             applied_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
             WHERE id = $2 AND status = 'previewed'"
        }
        super::Backend::Postgres => {
            "UPDATE imports SET status = 'applied', counts = $1, applied_at = now() \
             WHERE id = $2 AND status = 'previewed'"
        }
    }
}

/// Notes import `$by.import` applied with `$counts`, first thing in the
/// transaction `$tx` that writes its rows: on PostgreSQL its row lock
/// makes a second apply of it wait, then find it applied (`ALREADY`).
macro_rules! mark_applied {
    ($tx:ident, $backend:expr, $by:expr, $counts:expr, $failed:expr) => {
        if let Some(import) = $by.import {
            let counts = serde_json::to_string($counts).unwrap_or_else(|_| "{}".into());
            let marked = sqlx::query($crate::db::import::applied_sql($backend))
                .bind(counts)
                .bind(import)
                .execute(&mut *$tx)
                .await?
                .rows_affected();
            if marked != 1 {
                $failed.note($crate::db::import::ALREADY);
                return Err(DbError::Stale);
            }
        }
    };
}
pub(crate) use mark_applied;

/// What undoing an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    /// Its records taken out again and its edits put back.
    Done { removed: usize, restored: usize },
    /// Nothing undone: these records (their titles) changed since.
    Changed(Vec<String>),
    /// Nothing undone: it is not applied (or undone already).
    NotApplied,
}

#[derive(Debug, Deserialize, sqlx::FromRow)]
struct Written {
    id: i64,
    action: String,
    record_id: i64,
    title: String,
    changes: String,
    latest: i64,
}

impl Db {
    /// Undoes applied import `import` of `T` as a whole, in one
    /// transaction: the records it added are deleted, the ones it changed
    /// get their earlier values back (each with its history entry). Only
    /// while none of them changed since (its entry is still each record's
    /// latest); otherwise nothing is undone and the changed ones are named.
    pub async fn import_undo<T: Imported>(&self, by: &By, import: i64) -> Result<Undone, DbError> {
        by.require(T::KIND, crate::domain::Op::Import)?;
        use crate::domain::{Action, Change};
        let status: Option<String> = self
            .first_as::<Keyed>(
                "SELECT id, status AS key FROM imports WHERE id = $1".into(),
                vec![Arg::Int(import)],
            )
            .await?
            .map(|k| k.key);
        if status.as_deref() != Some("applied") {
            return Ok(Undone::NotApplied);
        }
        let sql = "SELECT h.id, h.action, h.record_id, h.title, h.changes, \
                   (SELECT MAX(l.id) FROM history l \
                    WHERE l.kind = h.kind AND l.record_id = h.record_id) AS latest \
                   FROM history h WHERE h.import_id = $1 AND h.kind = $2 ORDER BY h.id";
        let written: Vec<Written> = self
            .all_as(
                sql.into(),
                vec![Arg::Int(import), Arg::text(T::KIND.noun())],
            )
            .await?;
        let changed: Vec<String> = written
            .iter()
            .filter(|w| w.latest != w.id)
            .map(|w| w.title.clone())
            .collect();
        if !changed.is_empty() {
            return Ok(Undone::Changed(changed));
        }
        let ids: HashSet<i64> = written.iter().map(|w| w.record_id).collect();
        let records = self.records::<T>(&ids).await?;
        let mut edits = Vec::new();
        let mut removals = Vec::new();
        for w in &written {
            let Some(record) = records.get(&w.record_id) else {
                // Deleted since: that is a change too.
                return Ok(Undone::Changed(vec![w.title.clone()]));
            };
            let mut fields = to_fields(&record.to_input());
            if w.action == Action::Created.as_str() {
                let gone = field_changes(&fields, &[]);
                removals.push((record.id(), record.version(), record.title(), gone));
                continue;
            }
            let changes: Vec<Change> = serde_json::from_str(&w.changes).unwrap_or_default();
            for change in changes {
                if let Some(slot) = fields.iter_mut().find(|(n, _)| *n == change.field) {
                    slot.1 = change.was;
                }
            }
            let input: <T as Record>::Input = from_fields(fields);
            match input.parse() {
                Ok(valid) => edits.push((Some((record.id(), record.version())), None, valid)),
                Err(_) => return Ok(Undone::Changed(vec![w.title.clone()])),
            }
        }
        let (removed, restored) = (removals.len(), edits.len());
        match self.undo_writes::<T>(by, import, &edits, &removals).await {
            Ok(()) => Ok(Undone::Done { removed, restored }),
            // Changed or used since (a pet added to an imported handler).
            Err(DbError::Stale) | Err(DbError::NotFound(_)) => Ok(Undone::Changed(Vec::new())),
            Err(DbError::InUse { .. }) | Err(DbError::Constraint(_)) => {
                Ok(Undone::Changed(Vec::new()))
            }
            Err(error) => Err(error),
        }
    }
}
