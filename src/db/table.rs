//! A record type's storage, declared once: its table, the columns it is
//! read with, the columns a form writes, the rules a write keeps and the
//! rows that depend on it ([`Table`]); a list's columns, search, order and
//! filters ([`Listed`]). Get, list, create, edit and delete are written
//! once, here, over those declarations.

use super::history::{self, By};
use super::list::{bind_args, Arg, ListSql};
use super::trash::{self, Removed};
use super::{stale_or_missing, write_tx, AnyRow, Backend, Db, DbError};
use crate::domain::{
    field_changes, to_fields, Action, FormInput, Kind, Listing, Page, QueryOf, Record,
};

/// The checked values a record's form becomes.
pub type Valid<R> = <<R as Record>::Input as FormInput>::Valid;

/// A rule a create or an edit keeps, checked inside the write's
/// transaction so that it cannot go stale before the write. The database's
/// own constraint (named by `constraint`, which is also what the form
/// shows at the field) stays the final word should two instances race.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// No other row has the same `column`, compared through `fold`
    /// (`"lower"`, `"upper"`).
    Unique {
        column: &'static str,
        fold: &'static str,
        constraint: &'static str,
    },
    /// `column` names a row of `table` (SQLite does not say which foreign
    /// key failed, so this is checked first).
    Parent {
        column: &'static str,
        table: &'static str,
        constraint: &'static str,
    },
    /// An edit is refused when `condition` holds for the stored row, `?`
    /// standing for the new value of `column` (a NULL never refuses).
    Edit {
        column: &'static str,
        condition: &'static str,
        constraint: &'static str,
    },
}

/// What happens to rows of `table` whose `column` names a record being
/// deleted. The foreign key decides (`ON DELETE CASCADE` or not); this
/// declares it for the confirm page and for moving them first.
#[derive(Debug, Clone, Copy)]
pub struct Children {
    pub kind: Kind,
    pub table: &'static str,
    pub column: &'static str,
    /// The foreign key's name (what a move to a missing record reports).
    pub constraint: &'static str,
    /// How a dependant is named in the history (an SQL expression over its
    /// table: `name`).
    pub title: &'static str,
    /// They go with it (the key cascades); otherwise the delete is refused
    /// while any are left, unless they move to another record first.
    pub cascade: bool,
    /// What the trash keeps of each one that goes with it, and puts back:
    /// every column but the counters its triggers keep.
    pub columns: &'static [&'static str],
    /// The other records each one names: a restore is refused while one of
    /// them is gone.
    pub refs: &'static [Ref],
    /// A rule they must keep once put back.
    pub keeps: Option<Keep>,
}

/// A record a dependant names besides the one it depends on (an
/// enrolment's course, for a student's enrolments).
#[derive(Debug, Clone, Copy)]
pub struct Ref {
    pub column: &'static str,
    pub table: &'static str,
    pub kind: Kind,
}

/// A rule dependants put back from the trash must keep: `sql` finds, for
/// the restored record `$1`, the title of what they break (a course now
/// full); `broken` says it, the title in place of `{}`.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    pub sql: &'static str,
    pub broken: &'static str,
}

/// How a record type is stored. The type itself is its row (it derives
/// `sqlx::FromRow` and `Deserialize`): there is one decoder per row type.
pub trait Table: Record + AnyRow {
    /// The table its rows live in.
    const TABLE: &'static str;
    /// The columns a record is read with, as [`Table::FROM`] names them.
    const SELECT: &'static str;
    /// The table, and any joins the columns read (a pet's handler's name).
    const FROM: &'static str = Self::TABLE;
    /// The key, as [`Table::FROM`] names it.
    const KEY: &'static str = "id";
    /// The columns a create or an edit writes, in the order of
    /// [`Table::values`], named as the form's fields: a create's history
    /// entry is the written values, with no record read back to make it.
    const WRITES: &'static [&'static str];
    /// [`Record::title`] as SQL over the table's columns, so that a
    /// create's history entry is written by the create's own round trip.
    const TITLE: &'static str;
    const RULES: &'static [Rule] = &[];
    const CHILDREN: &'static [Children] = &[];
    /// Besides the key and [`Table::WRITES`], the columns the trash keeps
    /// and puts back (not the counters triggers keep: those count again).
    const KEPT: &'static [&'static str] = &["created_at", "version"];

    /// The values of [`Table::WRITES`], from a checked form.
    fn values(new: &Valid<Self>) -> Vec<Arg>;
}

/// How a list is read: one query for a page of rows and the total that
/// match (see [`ListSql`]).
pub trait Listed: Listing {
    /// A row as the list reads it.
    type Row: AnyRow;
    const SELECT: &'static str;
    const FROM: &'static str;
    /// A cheaper FROM for counting, without the joins filters do not need.
    const COUNT_FROM: &'static str = Self::FROM;
    /// The search reads joined tables: a search counts over [`Listed::FROM`].
    const SEARCH_NEEDS_FROM: bool = false;
    /// The `record_counts` row that holds the unfiltered total.
    const COUNTER: Option<&'static str> = None;
    /// What the search box looks in.
    const SEARCH: &'static [&'static str] = &[];
    /// A row's id, as [`Listed::FROM`] names it (what a bulk action chooses
    /// by).
    const KEY: &'static str = "id";
    /// A list that may hold millions of rows (the activity log) counts at
    /// most this many past the page shown: its total then reads "more
    /// than", and a page costs the same however long the list.
    const COUNT_CAP: Option<i64> = None;

    /// The column "added between" reads (when [`Listing::DATED`]).
    ///
    /// [`Listing::DATED`]: crate::domain::Listing::DATED
    const ADDED: Option<Added> = None;

    /// For each of the list's facets (`Listing::FACETS`), by its parameter:
    /// the SQL its rows are grouped by, and what a group shows (a
    /// category's spelling); both the same for a facet with declared
    /// choices, whose values they give.
    const FACET_SQL: &'static [FacetSql] = &[];
    /// The unfiltered counts of the (one) facet with values of its own,
    /// kept by triggers (`(value, count)` rows, most first): an unfiltered
    /// list then counts nothing.
    const FACET_COUNTER: Option<&'static str> = None;

    /// `ORDER BY` for `sort`: each has an index (see the migrations).
    fn order(sort: Self::Sort, backend: Backend) -> &'static str;

    /// Conditions for the list's filters (a parent's id is always bound).
    fn filter(filter: &Self::Filter, sql: &mut ListSql) {
        let _ = (filter, sql);
    }
}

/// How a list's facet is counted (see [`Listed::FACET_SQL`]).
#[derive(Debug, Clone, Copy)]
pub struct FacetSql {
    pub param: &'static str,
    pub key: &'static str,
    pub shown: &'static str,
}

/// When a list's records were added: a time, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Time(&'static str),
    Day(&'static str),
}

/// A rule as one query, ready to run in the write's transaction: a row
/// found (or, for a parent, none found) refuses the write.
pub(crate) struct Check {
    pub sql: String,
    pub args: Vec<Arg>,
    pub refuse_when_found: bool,
    pub constraint: &'static str,
    /// A unique index says so itself, by name, when it refuses a write
    /// (on both backends): a create or an edit lets the write be the check.
    pub indexed: bool,
}

pub(crate) fn checks<T: Table>(values: &[Arg], id: Option<i64>) -> Vec<Check> {
    let value = |column: &str| {
        T::WRITES
            .iter()
            .position(|c| *c == column)
            .and_then(|i| values.get(i).cloned())
            .unwrap_or(Arg::NullText)
    };
    let table = T::TABLE;
    T::RULES
        .iter()
        .filter_map(|rule| match *rule {
            Rule::Unique {
                column,
                fold,
                constraint,
            } => Some(Check {
                // Ids start at 1: 0 excludes nobody when creating.
                sql: format!(
                    "SELECT id FROM {table} WHERE {fold}({column}) = {fold}($1) AND id <> $2"
                ),
                args: vec![value(column), Arg::Int(id.unwrap_or(0))],
                refuse_when_found: true,
                constraint,
                indexed: true,
            }),
            Rule::Parent {
                column,
                table: parent,
                constraint,
            } => Some(Check {
                sql: format!("SELECT id FROM {parent} WHERE id = $1"),
                args: vec![value(column)],
                refuse_when_found: false,
                constraint,
                indexed: false,
            }),
            Rule::Edit {
                column,
                condition,
                constraint,
            } => id.map(|id| Check {
                sql: format!(
                    "SELECT id FROM {table} WHERE id = $1 AND {}",
                    condition.replacen('?', "$2", 1)
                ),
                args: vec![Arg::Int(id), value(column)],
                refuse_when_found: true,
                constraint,
                indexed: false,
            }),
        })
        .collect()
}

/// `$from, $from+1, …` for `n` values.
fn placeholders(from: usize, n: usize) -> Vec<String> {
    (from..from + n).map(|i| format!("${i}")).collect()
}

/// A create's form values, as its written columns hold them: the fields
/// its history entry shows, in the order [`to_fields`] gives them.
fn written_fields<T: Table>(values: &[Arg]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = T::WRITES
        .iter()
        .zip(values)
        .map(|(column, value)| {
            let value = match value {
                Arg::Int(v) => v.to_string(),
                Arg::Text(s) => s.clone(),
                Arg::NullInt | Arg::NullText => String::new(),
            };
            ((*column).to_owned(), value)
        })
        .collect();
    fields.sort();
    fields
}

/// Whether `T` is read from its own table alone: then a write answers the
/// record itself (`RETURNING` its columns), one statement less than
/// reading it again.
fn reads_itself<T: Table>() -> bool {
    T::FROM == T::TABLE
}

/// The INSERT (at `None`) or versioned UPDATE of `T`, answering the record
/// (see [`reads_itself`]) or its id. The INSERT writes its history entry
/// too, from [`history::created`]'s values after [`Table::values`]: by a
/// writable CTE on PostgreSQL, by a second statement of the same round trip
/// on SQLite (one trip to its worker thread is most of a statement's cost).
fn write_sql<T: Table>(backend: Backend, at: Option<(i64, i64)>, with_id: bool) -> String {
    let n = T::WRITES.len();
    let returning = if reads_itself::<T>() { T::SELECT } else { "id" };
    let entry = |from: &str| {
        let p = placeholders(n + 1, 7);
        format!(
            "INSERT INTO history \
             (account_id, action, kind, record_id, title, changes, request_id, import_id, \
             batch_id) SELECT {}, {}, {}, id, {}, {}, {}, {}, {} FROM {from}",
            p[0],
            p[1],
            p[2],
            T::TITLE,
            p[3],
            p[4],
            p[5],
            p[6]
        )
    };
    // A given id (an import's) comes after the entry's values.
    let (id_column, id_value) = match with_id {
        true => (", id".to_owned(), format!(", ${}", n + 8)),
        false => (String::new(), String::new()),
    };
    let insert = format!(
        "INSERT INTO {} ({}{id_column}) VALUES ({}{id_value})",
        T::TABLE,
        T::WRITES.join(", "),
        placeholders(1, n).join(", ")
    );
    match (at, backend) {
        (None, Backend::Sqlite) => format!(
            "{insert} RETURNING {returning}; {}",
            entry(&format!("{} WHERE id = last_insert_rowid()", T::TABLE))
        ),
        (None, Backend::Postgres) => format!(
            "WITH saved AS ({insert} RETURNING *), entry AS ({}) SELECT {returning} FROM saved",
            entry("saved")
        ),
        (Some(_), _) => {
            let sets: Vec<String> = T::WRITES
                .iter()
                .zip(placeholders(1, n))
                .map(|(column, p)| format!("{column} = {p}"))
                .collect();
            format!(
                "UPDATE {} SET {}, version = version + 1 WHERE id = ${} AND version = ${} \
                 RETURNING {returning}",
                T::TABLE,
                sets.join(", "),
                n + 1,
                n + 2
            )
        }
    }
}

/// One write of [`Db::save_all`]: an edit of `(id, version)`, or a create
/// (with the id it is to have, if given), of these values.
pub type SaveOf<T> = (Option<(i64, i64)>, Option<i64>, Valid<T>);

/// A create or an edit of `T`, ready to run in a transaction
/// ([`run_write!`]): the checks its rules need, its statement and values,
/// and for a create the fields its history entry shows.
struct Write<'a, T: Table> {
    by: &'a By,
    action: Action,
    at: Option<(i64, i64)>,
    checks: Vec<Check>,
    sql: String,
    args: Vec<Arg>,
    created: Option<Vec<(String, String)>>,
    read: String,
    record: std::marker::PhantomData<T>,
}

impl<'a, T: Table> Write<'a, T> {
    fn new(
        backend: Backend,
        by: &'a By,
        action: Action,
        at: Option<(i64, i64)>,
        given_id: Option<i64>,
        new: &Valid<T>,
    ) -> Self {
        let values = T::values(new);
        debug_assert_eq!(values.len(), T::WRITES.len(), "{} values", T::TABLE);
        let id = at.map(|(id, _)| id);
        // One statement less: the unique index refuses the write itself.
        let mut checks = checks::<T>(&values, id);
        checks.retain(|check| !check.indexed);
        let given_id = given_id.filter(|_| at.is_none());
        let sql = write_sql::<T>(backend, at, given_id.is_some());
        let mut args = values;
        let created = at.is_none().then(|| {
            let fields = written_fields::<T>(&args);
            args.extend(history::created(by, action, T::KIND, &fields));
            fields
        });
        if let Some(id) = given_id {
            args.push(Arg::Int(id));
        }
        let read = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        Write {
            by,
            action,
            at,
            checks,
            sql,
            args,
            created,
            read,
            record: std::marker::PhantomData,
        }
    }
}

/// Runs [`Write`] `$write` in transaction `$tx`: the rules' checks, the
/// write, its history entry. Answers the record as written, or why not.
macro_rules! run_write {
    ($tx:ident, $t:ty, $write:expr) => {{
        let write = &$write;
        let at = write.at;
        let id = at.map(|(id, _)| id);
        async {
            for check in &write.checks {
                let query = bind_args!(sqlx::query_scalar::<_, i64>(&check.sql), &check.args);
                let found = query.fetch_optional(&mut *$tx).await?.is_some();
                if found == check.refuse_when_found {
                    return Err(DbError::Constraint(check.constraint.into()));
                }
            }
            // The record as it was, for its history (the write lock is held).
            let before = match id {
                Some(id) => {
                    sqlx::query_as::<_, $t>(&write.read)
                        .bind(id)
                        .fetch_optional(&mut *$tx)
                        .await?
                }
                None => None,
            };
            // A create answers all its statements' rows: `fetch_optional`
            // would stop SQLite's worker before its history entry.
            let record = if reads_itself::<$t>() {
                let mut query = bind_args!(sqlx::query_as::<_, $t>(&write.sql), &write.args);
                if let Some((id, version)) = at {
                    query = query.bind(id).bind(version);
                }
                query.fetch_all(&mut *$tx).await?.pop()
            } else {
                let mut query = bind_args!(sqlx::query_scalar::<_, i64>(&write.sql), &write.args);
                if let Some((id, version)) = at {
                    query = query.bind(id).bind(version);
                }
                match query.fetch_all(&mut *$tx).await?.pop() {
                    Some(saved) => Some(
                        sqlx::query_as::<_, $t>(&write.read)
                            .bind(saved)
                            .fetch_one(&mut *$tx)
                            .await?,
                    ),
                    None => None,
                }
            };
            let Some(record) = record else {
                return Err(stale_or_missing!(
                    &mut *$tx,
                    <$t>::TABLE,
                    id.unwrap_or(0),
                    <$t as Record>::KIND
                ));
            };
            let now = to_fields(&Record::to_input(&record));
            if let Some(fields) = &write.created {
                debug_assert_eq!(
                    field_changes(&[], fields),
                    field_changes(&[], &now),
                    "{}: WRITES are not named as the form's fields",
                    <$t>::TABLE
                );
            } else {
                let was = before
                    .map(|b: $t| to_fields(&Record::to_input(&b)))
                    .unwrap_or_default();
                let changes = field_changes(&was, &now);
                let entry = history::entry(
                    write.by,
                    write.action,
                    <$t as Record>::KIND,
                    Record::id(&record),
                    &Record::title(&record),
                    &changes,
                );
                bind_args!(sqlx::query(history::INSERT), &entry)
                    .execute(&mut *$tx)
                    .await?;
            }
            #[cfg(debug_assertions)]
            if write.created.is_some() {
                let sql = "SELECT title FROM history WHERE kind = $1 AND record_id = $2 \
                           ORDER BY id DESC LIMIT 1";
                let title: String = sqlx::query_scalar(sql)
                    .bind(<$t as Record>::KIND.noun())
                    .bind(Record::id(&record))
                    .fetch_one(&mut *$tx)
                    .await?;
                debug_assert_eq!(title, Record::title(&record), "TITLE");
            }
            Ok(record)
        }
        .await
    }};
}

/// Edits of `T` written many at a time (a bulk action's): the same rules,
/// version checks and history entries as [`run_write!`], in a few
/// statements per chunk instead of a few per record.
pub(crate) struct Edits<T: Table> {
    /// The records of a chunk as they are, by key (`{in}` for the ids).
    pub(crate) read: String,
    record: std::marker::PhantomData<T>,
}

/// Records per statement of [`run_edits!`]: each binds its written
/// columns and two more, and its history entry nine.
pub(crate) const EDITS_CHUNK: usize = 200;

impl<T: Table> Edits<T> {
    pub(crate) fn new() -> Self {
        Edits {
            read: format!(
                "SELECT {} FROM {} WHERE {} IN ({{in}})",
                T::SELECT,
                T::FROM,
                T::KEY
            ),
            record: std::marker::PhantomData,
        }
    }

    /// The UPDATE of `n` records at once, from a list of (id, version,
    /// values…) rows, answering the ids it wrote.
    pub(crate) fn update(n: usize) -> String {
        let width = T::WRITES.len() + 2;
        let rows: Vec<String> = (0..n)
            .map(|row| format!("({})", placeholders(row * width + 1, width).join(", ")))
            .collect();
        let sets: Vec<String> = T::WRITES
            .iter()
            .map(|c| format!("{c} = roster_edit.{c}"))
            .collect();
        format!(
            "WITH roster_edit (roster_id, roster_version, {}) AS (VALUES {}) \
             UPDATE {table} SET {}, version = {table}.version + 1 FROM roster_edit \
             WHERE {table}.id = roster_edit.roster_id \
             AND {table}.version = roster_edit.roster_version RETURNING {table}.id",
            T::WRITES.join(", "),
            rows.join(", "),
            sets.join(", "),
            table = T::TABLE
        )
    }

    /// The INSERT of `n` history entries.
    pub(crate) fn entries(n: usize) -> String {
        let rows: Vec<String> = (0..n)
            .map(|row| format!("({})", placeholders(row * 9 + 1, 9).join(", ")))
            .collect();
        format!(
            "INSERT INTO history \
             (account_id, action, kind, record_id, title, changes, request_id, import_id, \
             batch_id) VALUES {}",
            rows.join(", ")
        )
    }
}

/// Runs `$edits` (`(id, version, checked values)` of `T`) in transaction
/// `$tx`, with [`Edits`] `$sql`, noted as `$action` by `$by`: each rule
/// checked (each distinct check once), every record still at its version,
/// one history entry each. A refusal notes the edit (its index) in
/// `$failed`, a [`FailedAt`](super::write::FailedAt).
macro_rules! run_edits {
    ($tx:ident, $t:ty, $sql:expr, $by:expr, $action:expr, $edits:expr, $failed:expr) => {{
        let (sql, by, action): (&Edits<$t>, &By, Action) = (&$sql, $by, $action);
        let edits: &[(i64, i64, Valid<$t>)] = $edits;
        async {
            let mut start = 0;
            for chunk in edits.chunks(EDITS_CHUNK) {
                let values: Vec<Vec<Arg>> =
                    chunk.iter().map(|(_, _, new)| <$t>::values(new)).collect();
                let mut done_checks = std::collections::HashSet::new();
                for (i, ((id, _, _), values)) in chunk.iter().zip(&values).enumerate() {
                    for check in checks::<$t>(values, Some(*id))
                        .into_iter()
                        .filter(|c| !c.indexed)
                    {
                        if !done_checks.insert(format!("{}{:?}", check.sql, check.args)) {
                            continue;
                        }
                        let query =
                            bind_args!(sqlx::query_scalar::<_, i64>(&check.sql), &check.args);
                        let found = query.fetch_optional(&mut *$tx).await?.is_some();
                        if found == check.refuse_when_found {
                            $failed.note(start + i);
                            return Err(DbError::Constraint(check.constraint.into()));
                        }
                    }
                }
                let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                let read = sql.read.replace("{in}", &marks.join(", "));
                let mut query = sqlx::query_as::<_, $t>(&read);
                for (id, _, _) in chunk {
                    query = query.bind(*id);
                }
                let before: std::collections::HashMap<i64, $t> = query
                    .fetch_all(&mut *$tx)
                    .await?
                    .into_iter()
                    .map(|r| (Record::id(&r), r))
                    .collect();
                let mut args = Vec::with_capacity(chunk.len() * (<$t>::WRITES.len() + 2));
                for ((id, version, _), values) in chunk.iter().zip(values) {
                    args.push(Arg::Int(*id));
                    args.push(Arg::Int(*version));
                    args.extend(values);
                }
                let update = Edits::<$t>::update(chunk.len());
                let written: Vec<i64> = bind_args!(sqlx::query_scalar::<_, i64>(&update), &args)
                    .fetch_all(&mut *$tx)
                    .await?;
                if written.len() != chunk.len() {
                    let (i, (id, _, _)) = chunk
                        .iter()
                        .enumerate()
                        .find(|(_, (id, _, _))| !written.contains(id))
                        .unwrap_or((0, &chunk[0]));
                    let why = stale_or_missing!(&mut *$tx, <$t>::TABLE, *id, <$t as Record>::KIND);
                    $failed.note(start + i);
                    return Err(why);
                }
                let mut query = sqlx::query_as::<_, $t>(&read);
                for (id, _, _) in chunk {
                    query = query.bind(*id);
                }
                let after = query.fetch_all(&mut *$tx).await?;
                let mut entries = Vec::with_capacity(after.len() * 9);
                for record in &after {
                    let was = before
                        .get(&Record::id(record))
                        .map(|b| to_fields(&Record::to_input(b)))
                        .unwrap_or_default();
                    let changes = field_changes(&was, &to_fields(&Record::to_input(record)));
                    entries.extend(history::entry(
                        by,
                        action,
                        <$t as Record>::KIND,
                        Record::id(record),
                        &Record::title(record),
                        &changes,
                    ));
                }
                if !after.is_empty() {
                    let insert = Edits::<$t>::entries(after.len());
                    bind_args!(sqlx::query(&insert), &entries)
                        .execute(&mut *$tx)
                        .await?;
                }
                start += chunk.len();
            }
            Ok::<(), DbError>(())
        }
        .await
    }};
}
pub(crate) use run_edits;

/// Deletes of `T` many at a time (a bulk action's) into the trash: the
/// same version checks, refusals, history and trash entries as
/// [`run_delete!`] (without moving dependants first), in a few statements
/// per chunk of [`EDITS_CHUNK`] records.
pub(crate) struct Removals<T: Table> {
    pub(crate) versions: String,
    pub(crate) read: String,
    pub(crate) records: String,
    pub(crate) kept: Vec<(&'static Children, String)>,
    pub(crate) gone: Vec<(&'static Children, String)>,
    pub(crate) delete: String,
    pub(crate) record: std::marker::PhantomData<T>,
}

impl<T: Table> Removals<T> {
    pub(crate) fn new(backend: Backend) -> Self {
        Removals {
            versions: format!("SELECT id, version FROM {} WHERE id IN ({{in}})", T::TABLE),
            read: format!(
                "SELECT {} FROM {} WHERE {} IN ({{in}})",
                T::SELECT,
                T::FROM,
                T::KEY
            ),
            records: trash::records_sql::<T>(backend),
            kept: T::CHILDREN
                .iter()
                .filter(|c| !c.cascade)
                .map(|c| {
                    let sql = format!(
                        "SELECT {0}, COUNT(*) FROM {1} WHERE {0} IN ({{in}}) GROUP BY {0}",
                        c.column, c.table
                    );
                    (c, sql)
                })
                .collect(),
            gone: T::CHILDREN
                .iter()
                .filter(|c| c.cascade)
                .map(|c| (c, trash::children_of_sql(backend, c)))
                .collect(),
            delete: format!("DELETE FROM {} WHERE id IN ({{in}})", T::TABLE),
            record: std::marker::PhantomData,
        }
    }
}

/// `sql` with `{in}` for `n` marks from `$1`.
pub(crate) fn marked(sql: &str, n: usize) -> String {
    let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    sql.replace("{in}", &marks.join(", "))
}

/// Runs [`Removals`] `$sql` of `$chosen` (`(id, version)` of `T`) in
/// transaction `$tx` by `$by`; a refusal notes the record (its index) in
/// `$failed`.
macro_rules! run_deletes {
    ($tx:ident, $t:ty, $sql:expr, $by:expr, $chosen:expr, $failed:expr) => {{
        let (sql, by): (&Removals<$t>, &By) = (&$sql, $by);
        let chosen: &[(i64, i64)] = $chosen;
        async {
            let mut start = 0;
            for chunk in chosen.chunks(EDITS_CHUNK) {
                let n = chunk.len();
                let (versions, read) = (marked(&sql.versions, n), marked(&sql.read, n));
                let (records_sql, delete) = (marked(&sql.records, n), marked(&sql.delete, n));
                macro_rules! by_ids {
                    ($query:expr) => {{
                        let mut query = $query;
                        for (id, _) in chunk {
                            query = query.bind(*id);
                        }
                        query
                    }};
                }
                let found: Vec<(i64, i64)> = by_ids!(sqlx::query_as(&versions))
                    .fetch_all(&mut *$tx)
                    .await?;
                for (i, (id, version)) in chunk.iter().enumerate() {
                    match found.iter().find(|(f, _)| f == id) {
                        None => {
                            $failed.note(start + i);
                            return Err(DbError::NotFound(<$t as Record>::KIND));
                        }
                        Some((_, v)) if v != version => {
                            $failed.note(start + i);
                            return Err(DbError::Stale);
                        }
                        Some(_) => {}
                    }
                }
                for (child, count) in &sql.kept {
                    let count = marked(count, n);
                    let counts: Vec<(i64, i64)> =
                        by_ids!(sqlx::query_as(&count)).fetch_all(&mut *$tx).await?;
                    if let Some((parent, count)) = counts.into_iter().find(|(_, c)| *c > 0) {
                        let i = chunk.iter().position(|(id, _)| *id == parent).unwrap_or(0);
                        $failed.note(start + i);
                        return Err(DbError::InUse {
                            children: child.kind,
                            count,
                        });
                    }
                }
                let records: Vec<$t> = by_ids!(sqlx::query_as::<_, $t>(&read))
                    .fetch_all(&mut *$tx)
                    .await?;
                let kept: std::collections::HashMap<i64, String> =
                    by_ids!(sqlx::query_as::<_, (i64, String)>(&records_sql))
                        .fetch_all(&mut *$tx)
                        .await?
                        .into_iter()
                        .collect();
                let mut gone: Vec<(&Children, std::collections::HashMap<i64, String>)> = Vec::new();
                for (child, children) in &sql.gone {
                    let children = marked(children, n);
                    let rows: Vec<(i64, String)> = by_ids!(sqlx::query_as(&children))
                        .fetch_all(&mut *$tx)
                        .await?;
                    gone.push((*child, rows.into_iter().collect()));
                }
                let mut entries = Vec::with_capacity(n * 9);
                let mut trashed = Vec::with_capacity(n * 9);
                for record in &records {
                    let id = Record::id(record);
                    let title = Record::title(record);
                    let changes = field_changes(&to_fields(&Record::to_input(record)), &[]);
                    entries.extend(history::entry(
                        by,
                        Action::Deleted,
                        <$t as Record>::KIND,
                        id,
                        &title,
                        &changes,
                    ));
                    let mut children = serde_json::Map::new();
                    let mut rows = Vec::new();
                    for (child, of) in &gone {
                        let json: serde_json::Value = of
                            .get(&id)
                            .and_then(|j| serde_json::from_str(j).ok())
                            .unwrap_or(serde_json::Value::Array(Vec::new()));
                        rows.push((*child, json.as_array().cloned().unwrap_or_default()));
                        children.insert(child.table.to_owned(), json);
                    }
                    trashed.extend([
                        Arg::opt_int(by.account),
                        Arg::text(<$t as Record>::KIND.noun()),
                        Arg::Int(id),
                        Arg::Text(title),
                        Arg::Text(serde_json::to_string(&changes).unwrap_or_default()),
                        Arg::Text(trash::summary(&rows)),
                        Arg::Text(kept.get(&id).cloned().unwrap_or_default()),
                        Arg::Text(serde_json::Value::Object(children).to_string()),
                        Arg::opt_int(by.batch),
                    ]);
                }
                let insert = Edits::<$t>::entries(records.len());
                bind_args!(sqlx::query(&insert), &entries)
                    .execute(&mut *$tx)
                    .await?;
                let into_trash = trash::insert_many(records.len());
                bind_args!(sqlx::query(&into_trash), &trashed)
                    .execute(&mut *$tx)
                    .await?;
                by_ids!(sqlx::query(&delete)).execute(&mut *$tx).await?;
                start += n;
            }
            Ok::<(), DbError>(())
        }
        .await
    }};
}
pub(crate) use run_deletes;

impl Db {
    /// The record `id` names, if there is one.
    pub async fn get<T: Table>(&self, id: i64) -> Result<Option<T>, DbError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        self.first_as(sql, vec![Arg::Int(id)]).await
    }

    /// One page of list `L` and the total that match.
    pub async fn list<L: Listed>(&self, query: &QueryOf<L>) -> Result<Page<L::Row>, DbError> {
        self.list_sql::<L>(query)
            .fetch(self, query.per_page, query.offset())
            .await
    }

    /// The query of list `L` (its search, filters and sort), before a page
    /// is chosen.
    pub(crate) fn list_sql<L: Listed>(&self, query: &QueryOf<L>) -> ListSql {
        let searching = !query.search.is_empty();
        let count_from = match searching && L::SEARCH_NEEDS_FROM {
            true => L::FROM,
            false => L::COUNT_FROM,
        };
        let mut sql = ListSql::new(self, L::SELECT, L::FROM)
            .count_from(count_from)
            .order(L::order(query.sort, self.backend()));
        if let Some(counter) = L::COUNTER {
            sql = sql.counter(counter);
        }
        if let Some(cap) = L::COUNT_CAP {
            sql = sql.count_cap(cap);
        }
        L::filter(&query.filter, &mut sql);
        if let Some(added) = L::ADDED {
            sql.added(added, query.added);
        }
        sql.search(L::SEARCH, &query.search);
        sql
    }

    /// Adds a record, and its history entry.
    pub async fn create<T: Table>(&self, by: &By, new: &Valid<T>) -> Result<T, DbError> {
        by.require(T::KIND, crate::domain::Op::Add)?;
        self.save::<T>(by, Action::Created, None, new).await
    }

    /// Replaces a record's written columns if it is still at `version`
    /// (`Stale` if it changed since, `NotFound` if it is gone), with a
    /// history entry of each field changed, noted as `action`: an edit, or
    /// an earlier version put back (see [`Db::version_at`]).
    pub async fn update<T: Table>(
        &self,
        by: &By,
        action: Action,
        (id, version): (i64, i64),
        new: &Valid<T>,
    ) -> Result<T, DbError> {
        by.require(T::KIND, crate::domain::Op::Change)?;
        self.save::<T>(by, action, Some((id, version)), new).await
    }

    /// Record `id`'s form values as they were just after history entry
    /// `entry`: its values now, with each later change undone. `None` when
    /// the record or the entry (of this record) is not there.
    pub async fn version_at<T: Table>(
        &self,
        id: i64,
        entry: i64,
    ) -> Result<Option<Vec<(String, String)>>, DbError> {
        let Some(record) = self.get::<T>(id).await? else {
            return Ok(None);
        };
        let sql = "SELECT id, changes FROM history WHERE kind = $1 AND record_id = $2 \
                   AND id >= $3 ORDER BY id DESC";
        let args = vec![Arg::text(T::KIND.noun()), Arg::Int(id), Arg::Int(entry)];
        let later: Vec<(i64, String)> = self.all_as(sql.into(), args).await?;
        if later.last().map(|(found, _)| *found) != Some(entry) {
            return Ok(None);
        }
        let mut fields = to_fields(&record.to_input());
        for (_, changes) in &later[..later.len() - 1] {
            let changes: Vec<crate::domain::Change> =
                serde_json::from_str(changes).unwrap_or_default();
            for change in changes {
                if let Some((_, value)) = fields.iter_mut().find(|(name, _)| *name == change.field)
                {
                    *value = change.was;
                }
            }
        }
        Ok(Some(fields))
    }

    async fn save<T: Table>(
        &self,
        by: &By,
        action: Action,
        at: Option<(i64, i64)>,
        new: &Valid<T>,
    ) -> Result<T, DbError> {
        let write = Write::<T>::new(self.backend(), by, action, at, None, new);
        write_tx!(self, tx => { run_write!(tx, T, write)? })
    }

    /// Writes every one of `writes` (a create, with the id it is given if
    /// any, or a versioned edit) in one transaction, each as [`Db::create`]
    /// or [`Db::update`] would, history entries included: all or none;
    /// import `by.import` noted applied with `counts` in it. `progress`
    /// counts the writes done. A refusal says which write (its index) and
    /// why.
    pub async fn save_all<T: Table>(
        &self,
        by: &By,
        writes: &[SaveOf<T>],
        counts: &crate::domain::import::ImportCounts,
        progress: &super::import::Progress,
    ) -> Result<Vec<i64>, (usize, DbError)> {
        by.require(T::KIND, crate::domain::Op::Import)
            .map_err(|e| (0, e))?;
        let backend = self.backend();
        let prepared: Vec<Write<T>> = writes
            .iter()
            .map(|(at, id, new)| {
                let action = if at.is_some() {
                    Action::Edited
                } else {
                    Action::Created
                };
                Write::<T>::new(backend, by, action, *at, *id, new)
            })
            .collect();
        let given_ids = writes.iter().any(|(_, id, _)| id.is_some());
        let failed = super::write::FailedAt::default();
        let done = write_tx!(self, tx => {
            progress.store(0, std::sync::atomic::Ordering::Relaxed);
            super::import::mark_applied!(tx, backend, by, counts, failed);
            let mut ids = Vec::with_capacity(prepared.len());
            for (i, write) in prepared.iter().enumerate() {
                match run_write!(tx, T, write) {
                    Ok(record) => {
                        ids.push(record.id());
                        progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Err(error) => {
                        failed.note(i);
                        return Err(error);
                    }
                }
            }
            // Ids given on PostgreSQL: its sequence goes past them.
            if given_ids && backend == Backend::Postgres {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     GREATEST((SELECT MAX(id) FROM {0}), 1))",
                    T::TABLE
                );
                sqlx::query(&sql).execute(&mut *tx).await?;
            }
            ids
        });
        failed.name(done)
    }

    /// Undoes import `import` of `T` in one transaction: `edits` put the
    /// earlier values back as [`Db::update`] would; each of `removals`
    /// (id, version, title, its fields as removed) is deleted if still at
    /// its version, with its history entry; the import is noted undone.
    /// Anything changed meanwhile refuses it all (`Stale`).
    pub(crate) async fn undo_writes<T: Table>(
        &self,
        by: &By,
        import: i64,
        edits: &[SaveOf<T>],
        removals: &[(i64, i64, String, Vec<crate::domain::Change>)],
    ) -> Result<(), DbError> {
        let backend = self.backend();
        let prepared: Vec<Write<T>> = edits
            .iter()
            .map(|(at, id, new)| Write::<T>::new(backend, by, Action::Restored, *at, *id, new))
            .collect();
        let delete = format!("DELETE FROM {} WHERE id = $1 AND version = $2", T::TABLE);
        let entries: Vec<Vec<Arg>> = removals
            .iter()
            .map(|(id, _, title, gone)| {
                history::entry(by, Action::Deleted, T::KIND, *id, title, gone)
            })
            .collect();
        write_tx!(self, tx => {
            for write in &prepared {
                run_write!(tx, T, write)?;
            }
            for ((id, version, _, _), entry) in removals.iter().zip(&entries) {
                let done = sqlx::query(&delete)
                    .bind(id)
                    .bind(version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if done != 1 {
                    return Err(DbError::Stale);
                }
                bind_args!(sqlx::query(history::INSERT), entry).execute(&mut *tx).await?;
            }
            super::import::mark_undone!(tx, import);
        })
    }

    /// Deletes a record still at `version`, with its history entry, into
    /// the trash with what goes with it (see `trash.rs`).
    /// Dependants that do not go with it ([`Children::cascade`] false)
    /// refuse the delete (`InUse`) unless `move_to` names another record:
    /// then they move there first, in the same transaction.
    pub async fn delete<T: Table>(
        &self,
        by: &By,
        id: i64,
        version: i64,
        move_to: Option<i64>,
    ) -> Result<Removed, DbError> {
        by.require(T::KIND, crate::domain::Op::Delete)?;
        let deleting = Deleting::<T>::new(self.backend());
        write_tx!(self, tx => { run_delete!(tx, T, deleting, by, id, version, move_to)? })
    }
}

/// A delete of `T`'s SQL, ready to run in a transaction ([`run_delete!`]).
pub(crate) struct Deleting<T: Table> {
    pub(crate) snapshot: String,
    pub(crate) gone: Vec<(&'static Children, String)>,
    pub(crate) current: String,
    pub(crate) read: String,
    pub(crate) delete: String,
    pub(crate) kept: Vec<(&'static Children, [String; 3])>,
    pub(crate) record: std::marker::PhantomData<T>,
}

impl<T: Table> Deleting<T> {
    pub(crate) fn new(backend: Backend) -> Self {
        let snapshot = trash::record_sql::<T>(backend);
        let gone: Vec<(&Children, String)> = T::CHILDREN
            .iter()
            .filter(|c| c.cascade)
            .map(|c| (c, trash::children_sql(backend, c)))
            .collect();
        let current = format!("SELECT version FROM {} WHERE id = $1", T::TABLE);
        let read = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        let delete = format!("DELETE FROM {} WHERE id = $1", T::TABLE);
        let kept: Vec<(&Children, [String; 3])> = T::CHILDREN
            .iter()
            .filter(|c| !c.cascade)
            .map(|c| {
                let (table, column) = (c.table, c.column);
                let sql = [
                    // Each dependant that moves gets its own history entry.
                    format!(
                        "INSERT INTO history \
                             (account_id, action, kind, record_id, title, changes, request_id, \
                             batch_id) SELECT $1, $2, $3, id, {}, $4, $5, $7 FROM {table} \
                             WHERE {column} = $6",
                        c.title
                    ),
                    format!(
                        "UPDATE {table} SET {column} = $1, version = version + 1 \
                             WHERE {column} = $2"
                    ),
                    format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"),
                ];
                (c, sql)
            })
            .collect();
        Deleting {
            snapshot,
            gone,
            current,
            read,
            delete,
            kept,
            record: std::marker::PhantomData,
        }
    }
}

/// Runs [`Deleting`] `$deleting` of record `$id` at `$version` in
/// transaction `$tx` (see [`Db::delete`]).
macro_rules! run_delete {
    ($tx:ident, $t:ty, $deleting:expr, $by:expr, $id:expr, $version:expr, $move_to:expr) => {{
        let Deleting {
            snapshot,
            gone,
            current,
            read,
            delete,
            kept,
            ..
        } = &$deleting;
        let (by, id, version, move_to): (&By, i64, i64, Option<i64>) =
            ($by, $id, $version, $move_to);
        async {
            let target = move_to.filter(|t| *t != id);
            // The row lock (PostgreSQL) or the write lock (SQLite) is held
            // from here: nothing can add a dependant meanwhile.
            let found: Option<i64> = sqlx::query_scalar(current)
                .bind(id)
                .fetch_optional(&mut *$tx)
                .await?;
            match found {
                None => return Err(DbError::NotFound(<$t>::KIND)),
                Some(v) if v != version => return Err(DbError::Stale),
                Some(_) => {}
            }
            let record = sqlx::query_as::<_, $t>(read)
                .bind(id)
                .fetch_one(&mut *$tx)
                .await?;
            let mut moved = 0;
            for (child, [note_sql, move_sql, count_sql]) in kept {
                if let Some(target) = target {
                    let exists: Option<i64> = sqlx::query_scalar(current)
                        .bind(target)
                        .fetch_optional(&mut *$tx)
                        .await?;
                    if exists.is_none() {
                        return Err(DbError::Constraint(child.constraint.into()));
                    }
                    // Form values (ids), so that a restored version of the
                    // dependant puts its old parent back.
                    let change = [history::change(
                        child.column,
                        id.to_string(),
                        target.to_string(),
                    )];
                    let changes = serde_json::to_string(&change).unwrap_or_default();
                    let args = [
                        Arg::opt_int(by.account),
                        Arg::text(Action::Edited.as_str()),
                        Arg::text(child.kind.noun()),
                        Arg::Text(changes),
                        Arg::opt_text(by.request.as_ref()),
                        Arg::Int(id),
                        Arg::opt_int(by.batch),
                    ];
                    bind_args!(sqlx::query(note_sql), &args)
                        .execute(&mut *$tx)
                        .await?;
                    moved += sqlx::query(move_sql)
                        .bind(target)
                        .bind(id)
                        .execute(&mut *$tx)
                        .await?
                        .rows_affected();
                }
                let left: i64 = sqlx::query_scalar(count_sql)
                    .bind(id)
                    .fetch_one(&mut *$tx)
                    .await?;
                if left > 0 {
                    return Err(DbError::InUse {
                        children: child.kind,
                        count: left,
                    });
                }
            }
            let title = record.title();
            let changes = field_changes(&to_fields(&record.to_input()), &[]);
            let entry = history::entry(by, Action::Deleted, <$t>::KIND, id, &title, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry)
                .execute(&mut *$tx)
                .await?;
            // The row as stored, and what goes with it, for the trash.
            let kept: String = sqlx::query_scalar(snapshot)
                .bind(id)
                .fetch_one(&mut *$tx)
                .await?;
            let mut children = serde_json::Map::new();
            let mut rows = Vec::new();
            for (child, sql) in gone {
                let json: String = sqlx::query_scalar(sql)
                    .bind(id)
                    .fetch_one(&mut *$tx)
                    .await?;
                let json: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
                rows.push((*child, json.as_array().cloned().unwrap_or_default()));
                children.insert(child.table.to_owned(), json);
            }
            let trash_entry: i64 = sqlx::query_scalar(trash::INSERT)
                .bind(by.account)
                .bind(<$t>::KIND.noun())
                .bind(id)
                .bind(&title)
                .bind(serde_json::to_string(&changes).unwrap_or_default())
                .bind(trash::summary(&rows))
                .bind(&kept)
                .bind(serde_json::Value::Object(children).to_string())
                .bind(by.batch)
                .fetch_one(&mut *$tx)
                .await?;
            sqlx::query(delete).bind(id).execute(&mut *$tx).await?;
            Ok::<Removed, DbError>(Removed {
                moved,
                trash: trash_entry,
            })
        }
        .await
    }};
}
pub(crate) use run_delete;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Course, Handler, Pet, Student};

    #[test]
    fn writes_name_each_column_once_in_the_order_of_their_values() {
        // A create writes its history entry in the same round trip, from
        // the values after the record's own ($4..$9).
        assert_eq!(
            write_sql::<Pet>(Backend::Sqlite, None, false),
            "INSERT INTO pets (name, category, handler_id) VALUES ($1, $2, $3) RETURNING id; \
             INSERT INTO history \
             (account_id, action, kind, record_id, title, changes, request_id, import_id, \
             batch_id) SELECT $4, $5, $6, id, name, $7, $8, $9, $10 FROM pets WHERE id = last_insert_rowid()"
        );
        assert_eq!(
            write_sql::<Pet>(Backend::Postgres, None, false),
            "WITH saved AS (INSERT INTO pets (name, category, handler_id) VALUES ($1, $2, $3) \
             RETURNING *), entry AS (INSERT INTO history \
             (account_id, action, kind, record_id, title, changes, request_id, import_id, \
             batch_id) SELECT $4, $5, $6, id, name, $7, $8, $9, $10 FROM saved) SELECT id FROM saved"
        );
        for backend in [Backend::Sqlite, Backend::Postgres] {
            assert_eq!(
                write_sql::<Pet>(backend, Some((4, 2)), false),
                "UPDATE pets SET name = $1, category = $2, handler_id = $3, \
                 version = version + 1 WHERE id = $4 AND version = $5 RETURNING id"
            );
        }
        // A type read from its own table alone gets itself back.
        assert!(
            write_sql::<Handler>(Backend::Sqlite, None, false).starts_with(
                "INSERT INTO handlers (name, email, phone) VALUES ($1, $2, $3) \
             RETURNING id, name, email, phone, created_at, version, pet_count; "
            )
        );
    }

    #[test]
    fn many_edits_are_one_update_from_a_list_of_rows_each_at_its_version() {
        assert_eq!(
            Edits::<Pet>::update(2),
            "WITH roster_edit (roster_id, roster_version, name, category, handler_id) AS \
             (VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10)) UPDATE pets SET \
             name = roster_edit.name, category = roster_edit.category, \
             handler_id = roster_edit.handler_id, version = pets.version + 1 FROM roster_edit \
             WHERE pets.id = roster_edit.roster_id \
             AND pets.version = roster_edit.roster_version RETURNING pets.id"
        );
        assert!(Edits::<Pet>::entries(2).ends_with(
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9), \
             ($10, $11, $12, $13, $14, $15, $16, $17, $18)"
        ));
        assert_eq!(marked("id IN ({in})", 3), "id IN ($1, $2, $3)");
    }

    #[test]
    fn a_creates_history_shows_its_written_values_as_the_form_names_them() {
        let values = [Arg::text("Rex"), Arg::text("dog"), Arg::Int(7)];
        assert_eq!(
            written_fields::<Pet>(&values),
            [("category", "dog"), ("handler_id", "7"), ("name", "Rex")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let values = [
            Arg::text("ENG-1"),
            Arg::text("English"),
            Arg::NullText,
            Arg::NullInt,
        ];
        let fields = written_fields::<Course>(&values);
        assert_eq!(fields[0], ("capacity".to_owned(), String::new()));
    }

    #[test]
    fn rules_become_checks_that_bind_the_written_values() {
        let values = vec![
            Arg::Text("ENG-1".into()),
            Arg::Text("English".into()),
            Arg::NullText,
            Arg::Int(20),
        ];
        let create = checks::<Course>(&values, None);
        // Creating: the code must be free; the capacity rule is for edits.
        assert_eq!(create.len(), 1);
        assert_eq!(
            create[0].sql,
            "SELECT id FROM courses WHERE upper(code) = upper($1) AND id <> $2"
        );
        assert!(matches!(&create[0].args[..], [Arg::Text(code), Arg::Int(0)] if code == "ENG-1"));
        let edit = checks::<Course>(&values, Some(7));
        assert_eq!(edit.len(), 2);
        assert_eq!(
            edit[1].sql,
            "SELECT id FROM courses WHERE id = $1 AND enrolled > $2"
        );
        assert!(matches!(&edit[1].args[..], [Arg::Int(7), Arg::Int(20)]));
        let pet = checks::<Pet>(
            &[
                Arg::Text("Rex".into()),
                Arg::Text("Dog".into()),
                Arg::Int(3),
            ],
            None,
        );
        assert!(!pet[0].refuse_when_found);
        assert!(matches!(&pet[0].args[..], [Arg::Int(3)]));
    }

    #[test]
    fn every_rule_and_dependant_names_a_written_column_of_its_table() {
        fn declared<T: Table>() {
            for rule in T::RULES {
                let (Rule::Unique { column, .. }
                | Rule::Parent { column, .. }
                | Rule::Edit { column, .. }) = *rule;
                assert!(T::WRITES.contains(&column), "{}: {column}", T::TABLE);
            }
            assert!(!T::WRITES.contains(&"id") && !T::WRITES.contains(&"version"));
        }
        declared::<Student>();
        declared::<Handler>();
        declared::<Pet>();
        declared::<Course>();
    }

    /// What a type declares about its dependants is what its foreign keys
    /// do, in both dialects' migrations.
    #[test]
    fn dependants_go_or_stay_as_the_foreign_keys_say() {
        fn migrations(dialect: &str) -> String {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dialect);
            let mut all = String::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                all += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
            }
            all
        }
        fn declared<T: Table>(sql: &str) {
            for child in T::CHILDREN {
                let at = sql.find(&format!("CONSTRAINT {} ", child.constraint));
                let at = at.unwrap_or_else(|| panic!("no constraint {}", child.constraint));
                let clause = &sql[at..at + sql[at..].find(',').unwrap()];
                assert!(
                    clause.contains(&format!("REFERENCES {} (id)", T::TABLE)),
                    "{clause}"
                );
                assert_eq!(
                    clause.contains("ON DELETE CASCADE"),
                    child.cascade,
                    "{clause}"
                );
            }
        }
        for dialect in ["sqlite", "postgres"] {
            let sql = migrations(dialect);
            declared::<Student>(&sql);
            declared::<Handler>(&sql);
            declared::<Pet>(&sql);
            declared::<Course>(&sql);
        }
        assert!(Handler::CHILDREN.iter().any(|c| !c.cascade));
    }
}
