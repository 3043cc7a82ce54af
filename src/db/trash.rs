//! The trash. A delete (`Db::delete`) keeps the row as it was and the rows
//! that went with it (the declaration's cascading [`Children`]) as JSON,
//! by column, in its own transaction; [`Db::undelete`] puts them back with
//! the same ids in one transaction, or changes nothing and says why.
//!
//! The columns kept are the declaration's ([`Table::KEPT`],
//! [`Children::columns`]): never the counters the triggers keep, which the
//! restored dependants count up again.

use serde_json::{Map, Value};

use super::history::{self, By};
use super::list::{bind_args, Arg, ListSql};
use super::table::{checks, Children, Rule, Table};
use super::{write_tx, Backend, Db, DbError, Listed};
use crate::domain::{
    field_changes, to_fields, Action, Kind, TrashEntry, TrashFilter, TrashList, TrashSort,
};

/// A trash entry's INSERT, answering its id.
pub(crate) const INSERT: &str = "INSERT INTO trash \
     (account_id, kind, record_id, title, fields, summary, record, children, batch_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

/// Dependants named in a trash entry's summary, at most.
const SUMMARY_TITLES: usize = 5;
/// A dependant's title in the summary, at most (characters).
const SUMMARY_TITLE_MAX: usize = 40;

/// What a delete did: how many dependants moved to another record first,
/// and the trash entry it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub moved: u64,
    pub trash: i64,
}

/// `{"a": a, "b": b}` of `columns` (and a dependant's title under
/// `_title`) as SQL text.
fn json_object(backend: Backend, title: Option<&str>, columns: &[&str]) -> String {
    let pairs: Vec<String> = title
        .map(|t| format!("'_title', {t}"))
        .into_iter()
        .chain(columns.iter().map(|c| format!("'{c}', {c}")))
        .collect();
    match backend {
        Backend::Sqlite => format!("json_object({})", pairs.join(", ")),
        Backend::Postgres => format!("json_build_object({})", pairs.join(", ")),
    }
}

/// Every column of `T` a deleted record keeps.
fn kept<T: Table>() -> Vec<&'static str> {
    std::iter::once("id")
        .chain(T::WRITES.iter().copied())
        .chain(T::KEPT.iter().copied())
        .collect()
}

/// The row `$1` of `T`, as JSON text.
pub(crate) fn record_sql<T: Table>(backend: Backend) -> String {
    let object = json_object(backend, None, &kept::<T>());
    let cast = if backend == Backend::Postgres {
        "::text"
    } else {
        ""
    };
    format!("SELECT {object}{cast} FROM {} WHERE id = $1", T::TABLE)
}

/// The rows of `child` that name record `$1`, as a JSON array in id order.
pub(crate) fn children_sql(backend: Backend, child: &Children) -> String {
    let object = json_object(backend, Some(child.title), child.columns);
    let (table, column) = (child.table, child.column);
    match backend {
        // The subquery's text loses its JSON type: json() gives it back.
        Backend::Sqlite => format!(
            "SELECT json_group_array(json(o)) FROM \
             (SELECT {object} AS o FROM {table} WHERE {column} = $1 ORDER BY id)"
        ),
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg({object} ORDER BY id), '[]'::json)::text \
             FROM {table} WHERE {column} = $1"
        ),
    }
}

/// The rows `{in}` of `T`, each with its JSON text: `(id, json)` rows.
pub(crate) fn records_sql<T: Table>(backend: Backend) -> String {
    let object = json_object(backend, None, &kept::<T>());
    let cast = if backend == Backend::Postgres {
        "::text"
    } else {
        ""
    };
    format!(
        "SELECT id, {object}{cast} FROM {} WHERE id IN ({{in}})",
        T::TABLE
    )
}

/// The rows of `child` that name records `{in}`, as a JSON array in id
/// order for each record that has any: `(record id, json)` rows.
pub(crate) fn children_of_sql(backend: Backend, child: &Children) -> String {
    let object = json_object(backend, Some(child.title), child.columns);
    let (table, column) = (child.table, child.column);
    match backend {
        Backend::Sqlite => format!(
            "SELECT parent, json_group_array(json(o)) FROM \
             (SELECT {column} AS parent, {object} AS o FROM {table} \
             WHERE {column} IN ({{in}}) ORDER BY id) GROUP BY parent"
        ),
        Backend::Postgres => format!(
            "SELECT {column}, json_agg({object} ORDER BY id)::text \
             FROM {table} WHERE {column} IN ({{in}}) GROUP BY {column}"
        ),
    }
}

/// The INSERT of `n` trash entries (each as [`INSERT`]'s values).
pub(crate) fn insert_many(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|row| {
            let marks: Vec<String> = (row * 9 + 1..=row * 9 + 9)
                .map(|i| format!("${i}"))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO trash \
         (account_id, kind, record_id, title, fields, summary, record, children, batch_id) \
         VALUES {}",
        rows.join(", ")
    )
}

/// The INSERT of `columns` of `table` from JSON `$1`: one object, or (for
/// `many`) an array of them.
fn insert_sql(backend: Backend, table: &str, columns: &[&str], many: bool) -> String {
    let list = columns.join(", ");
    match (backend, many) {
        (Backend::Sqlite, false) => {
            let values: Vec<String> = columns
                .iter()
                .map(|c| format!("json_extract($1, '$.{c}')"))
                .collect();
            format!("INSERT INTO {table} ({list}) SELECT {}", values.join(", "))
        }
        (Backend::Sqlite, true) => {
            let values: Vec<String> = columns
                .iter()
                .map(|c| format!("json_extract(value, '$.{c}')"))
                .collect();
            format!(
                "INSERT INTO {table} ({list}) SELECT {} FROM json_each($1) ORDER BY key",
                values.join(", ")
            )
        }
        (Backend::Postgres, false) => format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM json_populate_record(NULL::{table}, $1::json)"
        ),
        (Backend::Postgres, true) => format!(
            "INSERT INTO {table} ({list}) SELECT {list} \
             FROM json_populate_recordset(NULL::{table}, $1::json) ORDER BY id"
        ),
    }
}

/// A JSON value as a bound value (for the rules a restore keeps).
pub(crate) fn arg_of(value: Option<&Value>) -> Arg {
    match value {
        Some(Value::Number(n)) => n.as_i64().map_or(Arg::NullInt, Arg::Int),
        Some(Value::String(s)) => Arg::Text(s.clone()),
        Some(Value::Bool(b)) => Arg::Int(i64::from(*b)),
        _ => Arg::NullText,
    }
}

/// "2 comments (Good dog, Vaccinated)": what went with a record, from
/// each cascading dependant's rows as [`children_sql`] reads them.
pub(crate) fn summary(gone: &[(&Children, Vec<Value>)]) -> String {
    let parts: Vec<String> = gone
        .iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(child, rows)| {
            let mut titles: Vec<String> = rows
                .iter()
                .take(SUMMARY_TITLES)
                .map(|row| {
                    let title = row.get("_title").and_then(Value::as_str).unwrap_or("");
                    let mut cut: String = title.chars().take(SUMMARY_TITLE_MAX).collect();
                    if cut.len() < title.len() {
                        cut.push('…');
                    }
                    cut
                })
                .collect();
            if rows.len() > SUMMARY_TITLES {
                titles.push("…".into());
            }
            let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            format!("{} ({})", child.kind.count(n), titles.join(", "))
        })
        .collect();
    parts.join("; ")
}

pub(crate) fn unreadable(trash: i64) -> DbError {
    DbError::Config(format!("trash entry {trash} cannot be read"))
}

/// A restore of `T` from the trash, its SQL ready to run in a transaction
/// ([`run_undelete!`]).
pub(crate) struct Undeleting<T: Table> {
    pub(crate) take: &'static str,
    pub(crate) insert: String,
    pub(crate) children: Vec<(&'static Children, String)>,
    pub(crate) bump: String,
    pub(crate) read: String,
    pub(crate) record: std::marker::PhantomData<T>,
}

impl<T: Table> Undeleting<T> {
    pub(crate) fn new(backend: Backend) -> Self {
        let take = "DELETE FROM trash WHERE id = $1 AND kind = $2 \
                    RETURNING title, record_id, record, children";
        let insert = insert_sql(backend, T::TABLE, &kept::<T>(), false);
        let children: Vec<(&Children, String)> = T::CHILDREN
            .iter()
            .filter(|c| c.cascade)
            .map(|c| (c, insert_sql(backend, c.table, c.columns, true)))
            .collect();
        let bump = format!(
            "UPDATE {} SET version = version + 1 WHERE id = $1",
            T::TABLE
        );
        let read = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            T::SELECT,
            T::FROM,
            T::KEY
        );
        Undeleting {
            take,
            insert,
            children,
            bump,
            read,
            record: std::marker::PhantomData,
        }
    }
}

/// Runs [`Undeleting`] `$undeleting` of trash entry `$trash` in
/// transaction `$tx` (see [`Db::undelete`]); answers the record's id.
macro_rules! run_undelete {
    ($tx:ident, $t:ty, $undeleting:expr, $by:expr, $trash:expr, $parent:expr) => {{
        let Undeleting {
            take,
            insert,
            children,
            bump,
            read,
            ..
        } = &$undeleting;
        let (by, trash, parent): (&By, i64, Option<i64>) = ($by, $trash, $parent);
        async {
            let taken: Option<(String, i64, String, String)> = sqlx::query_as(take)
                .bind(trash)
                .bind(<$t>::KIND.noun())
                .fetch_optional(&mut *$tx)
                .await?;
            let Some((title, id, record, kept_children)) = taken else {
                return Err(DbError::NotFound(Kind::Deleted));
            };
            let mut record: Map<String, Value> =
                serde_json::from_str(&record).map_err(|_| unreadable(trash))?;
            let kept_children: Map<String, Value> =
                serde_json::from_str(&kept_children).map_err(|_| unreadable(trash))?;
            if let Some(parent) = parent {
                for rule in <$t>::RULES {
                    if let Rule::Parent { column, .. } = rule {
                        record.insert((*column).to_owned(), Value::from(parent));
                    }
                }
            }
            let values: Vec<Arg> = <$t>::WRITES
                .iter()
                .map(|c| arg_of(record.get(*c)))
                .collect();
            for check in checks::<T>(&values, None) {
                let query = bind_args!(sqlx::query_scalar::<_, i64>(&check.sql), &check.args);
                let found = query.fetch_optional(&mut *$tx).await?.is_some();
                if found == check.refuse_when_found {
                    return Err(DbError::Constraint(check.constraint.into()));
                }
            }
            let record = Value::Object(record).to_string();
            sqlx::query(insert).bind(&record).execute(&mut *$tx).await?;
            for (child, insert) in children {
                let rows = kept_children
                    .get(child.table)
                    .cloned()
                    .unwrap_or(Value::Array(vec![]));
                for row in rows.as_array().into_iter().flatten() {
                    for named in child.refs {
                        let Some(other) = row.get(named.column).and_then(Value::as_i64) else {
                            continue;
                        };
                        let sql = format!("SELECT id FROM {} WHERE id = $1", named.table);
                        let there: Option<i64> = sqlx::query_scalar(&sql)
                            .bind(other)
                            .fetch_optional(&mut *$tx)
                            .await?;
                        if there.is_none() {
                            let trashed: Option<i64> = sqlx::query_scalar(
                                "SELECT id FROM trash WHERE kind = $1 AND record_id = $2",
                            )
                            .bind(named.kind.noun())
                            .bind(other)
                            .fetch_optional(&mut *$tx)
                            .await?;
                            let what = row.get("_title").and_then(Value::as_str).unwrap_or("");
                            let state = match trashed {
                                Some(_) => "is in the trash: restore it first",
                                None => "was deleted for good",
                            };
                            return Err(DbError::CannotRestore(format!(
                                "the {} of its {} “{what}” {state}",
                                named.kind.noun(),
                                child.kind.noun(),
                            )));
                        }
                    }
                }
                sqlx::query(insert)
                    .bind(rows.to_string())
                    .execute(&mut *$tx)
                    .await?;
                if let Some(keep) = child.keeps {
                    let broken: Option<String> = sqlx::query_scalar(keep.sql)
                        .bind(id)
                        .fetch_optional(&mut *$tx)
                        .await?;
                    if let Some(broken) = broken {
                        return Err(DbError::CannotRestore(keep.broken.replace("{}", &broken)));
                    }
                }
            }
            // A form opened before the delete is stale now.
            sqlx::query(bump).bind(id).execute(&mut *$tx).await?;
            let restored = sqlx::query_as::<_, $t>(read)
                .bind(id)
                .fetch_one(&mut *$tx)
                .await?;
            let changes = field_changes(&[], &to_fields(&restored.to_input()));
            let entry = history::entry(by, Action::Undeleted, <$t>::KIND, id, &title, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry)
                .execute(&mut *$tx)
                .await?;
            Ok::<i64, DbError>(id)
        }
        .await
    }};
}
pub(crate) use run_undelete;

impl Db {
    /// Brings trash entry `trash` (a record of `T`) back with its id and
    /// what went with it, in one transaction, with a history entry; answers
    /// the record's id. `parent` replaces the parent a [`Rule::Parent`]
    /// names (a pet's handler) when that one is gone. A rule the record or
    /// a dependant would break now (an email taken since, a course full
    /// now, a course deleted since) refuses it and changes nothing.
    pub async fn undelete<T: Table>(
        &self,
        by: &By,
        trash: i64,
        parent: Option<i64>,
    ) -> Result<i64, DbError> {
        by.require(T::KIND, crate::domain::Op::Delete)?;
        let undeleting = Undeleting::<T>::new(self.backend());
        write_tx!(self, tx => { run_undelete!(tx, T, undeleting, by, trash, parent)? })
    }

    /// Whether trash entry `trash` (a record of `T`) names a parent that is
    /// gone now: it can only come back with another.
    pub async fn parent_gone<T: Table>(&self, trash: i64) -> Result<bool, DbError> {
        let sql = "SELECT record FROM trash WHERE id = $1";
        let Some((record,)): Option<(String,)> =
            self.first_as(sql.into(), vec![Arg::Int(trash)]).await?
        else {
            return Ok(false);
        };
        let record: Map<String, Value> =
            serde_json::from_str(&record).map_err(|_| unreadable(trash))?;
        for rule in T::RULES {
            if let Rule::Parent { column, table, .. } = rule {
                let Some(id) = record.get(*column).and_then(Value::as_i64) else {
                    continue;
                };
                let sql = format!("SELECT id FROM {table} WHERE id = $1");
                let found: Option<(i64,)> = self.first_as(sql, vec![Arg::Int(id)]).await?;
                if found.is_none() {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Trash entry `trash`.
    pub async fn trash_entry(&self, trash: i64) -> Result<Option<TrashEntry>, DbError> {
        let sql = format!("SELECT {SELECT} FROM {FROM} WHERE t.id = $1");
        self.first_as(sql, vec![Arg::Int(trash)]).await
    }

    /// The trash entry of record `id` of `kind`, if it is there.
    pub async fn trash_of(&self, kind: Kind, id: i64) -> Result<Option<i64>, DbError> {
        let sql = "SELECT id FROM trash WHERE kind = $1 AND record_id = $2";
        let found: Option<(i64,)> = self
            .first_as(sql.into(), vec![Arg::text(kind.noun()), Arg::Int(id)])
            .await?;
        Ok(found.map(|(id,)| id))
    }

    /// Empties the trash of what was deleted more than `days` days ago (of
    /// everything, at `None`), each noted in its record's history; how many
    /// went.
    pub async fn purge_trash(&self, by: &By, days: Option<u32>) -> Result<u64, DbError> {
        by.require(crate::domain::Kind::Deleted, crate::domain::Op::Delete)?;
        // The condition's `?` is the age, bound after the entry's values.
        let older = match (self.backend(), days) {
            (_, None) => None,
            (Backend::Sqlite, Some(days)) => Some((
                "at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
                Arg::Text(format!("-{days} days")),
            )),
            (Backend::Postgres, Some(days)) => Some((
                "at < now() - make_interval(days => CAST(? AS INTEGER))",
                Arg::Int(i64::from(days)),
            )),
        };
        let by_args = vec![Arg::opt_int(by.account), Arg::opt_text(by.request.as_ref())];
        let with_age = |mut args: Vec<Arg>| {
            let cond = match &older {
                Some((cond, age)) => {
                    args.push(age.clone());
                    format!(
                        " WHERE {}",
                        cond.replacen('?', &format!("${}", args.len()), 1)
                    )
                }
                None => String::new(),
            };
            (cond, args)
        };
        let note = "INSERT INTO history \
             (account_id, action, kind, record_id, title, changes, request_id) \
             SELECT $1, 'purged', kind, record_id, title, '[]', $2 FROM";
        let statements = match self.backend() {
            // The write lock is held: nothing enters the trash between the two.
            Backend::Sqlite => {
                let (noted, note_args) = with_age(by_args);
                let (deleted, delete_args) = with_age(Vec::new());
                vec![
                    (format!("{note} trash{noted}"), note_args),
                    (format!("DELETE FROM trash{deleted}"), delete_args),
                ]
            }
            // Under READ COMMITTED one statement notes exactly what it deletes.
            Backend::Postgres => {
                let (cond, args) = with_age(by_args);
                let sql = format!(
                    "WITH gone AS (DELETE FROM trash{cond} RETURNING kind, record_id, title) \
                     {note} gone"
                );
                vec![(sql, args)]
            }
        };
        write_tx!(self, tx => {
            let mut gone = 0;
            for (sql, args) in &statements {
                gone = bind_args!(sqlx::query(sql), args).execute(&mut *tx).await?.rows_affected();
            }
            gone
        })
    }
}

const SELECT: &str = "t.id, t.at, t.kind, t.record_id, t.account_id, \
     COALESCE(d.display_name, u.username) AS who, t.title, t.fields, t.summary";
const FROM: &str = "trash t LEFT JOIN users u ON u.id = t.account_id \
     LEFT JOIN user_details d ON d.user_id = t.account_id";

impl Listed for TrashList {
    type Row = TrashEntry;
    const SELECT: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "trash t";
    const SEARCH: &'static [&'static str] = &["t.title"];

    fn order(sort: TrashSort, _: Backend) -> &'static str {
        // Indexes: the key, (kind, id), (lower(title), id).
        match sort {
            TrashSort::Newest => "t.id DESC",
            TrashSort::Oldest => "t.id ASC",
            TrashSort::Title => "lower(t.title) ASC, t.id ASC",
        }
    }

    fn filter(filter: &TrashFilter, sql: &mut ListSql) {
        if let Some(kind) = filter.kind {
            sql.filter("t.kind = ?", Arg::text(kind.noun()));
        }
    }
}
