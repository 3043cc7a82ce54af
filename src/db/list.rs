//! One list query for every record type: columns, joins, filters, search,
//! order, a page of rows and the total that match, in one round trip.
//!
//! Values from users (search text, a parent's id, a category) are always
//! bound parameters; only fragments written in this crate are formatted into
//! the SQL.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row};

use super::{with_pool, Backend, Db, DbError};
use crate::domain::{AddedBetween, Page};

/// Pages that start further in than this many rows read (and skip) that
/// many rows first: such a read runs off the async workers.
const DEEP_OFFSET: i64 = 2_000;

/// `$query` (any sqlx query builder) with `$args` bound in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::db::list::Arg::Int(v) => query.bind(*v),
                $crate::db::list::Arg::Text(s) => query.bind(s.as_str()),
                $crate::db::list::Arg::NullInt => query.bind(None::<i64>),
                $crate::db::list::Arg::NullText => query.bind(None::<&str>),
            };
        }
        query
    }};
}
pub(crate) use bind_args;

/// A value bound to a placeholder. A NULL says its column's type:
/// PostgreSQL will not put an untyped NULL into an integer column.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    NullInt,
    NullText,
}

impl Arg {
    pub fn text(value: impl AsRef<str>) -> Self {
        Arg::Text(value.as_ref().to_owned())
    }

    pub fn opt_text(value: Option<impl AsRef<str>>) -> Self {
        value.map_or(Arg::NullText, Arg::text)
    }

    pub fn opt_int(value: Option<impl Into<i64>>) -> Self {
        value.map_or(Arg::NullInt, |v| Arg::Int(v.into()))
    }
}

/// A list query under construction.
pub struct ListSql {
    backend: Backend,
    columns: &'static str,
    from: &'static str,
    count_from: &'static str,
    conditions: Vec<String>,
    args: Vec<Arg>,
    order: &'static str,
    counter: Option<&'static str>,
    /// Count at most this many rows past the page (see `Listed::COUNT_CAP`).
    count_cap: Option<i64>,
    /// A LIKE over a column: may read the whole table.
    searching: bool,
}

/// A row type both sqlx drivers can decode, and the SQLite read path
/// (`sqlite_read`, through its serde `Deserialize`).
pub trait AnyRow:
    for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + serde::de::DeserializeOwned
    + Send
    + Unpin
    + 'static
{
}

impl<T> AnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow>
        + for<'r> FromRow<'r, PgRow>
        + serde::de::DeserializeOwned
        + Send
        + Unpin
        + 'static
{
}

impl ListSql {
    /// `SELECT {columns} FROM {from}`; `from` may join, and names the
    /// tables with the aliases the other fragments use.
    pub fn new(db: &Db, columns: &'static str, from: &'static str) -> Self {
        Self {
            backend: db.backend(),
            columns,
            from,
            count_from: from,
            conditions: Vec::new(),
            args: Vec::new(),
            order: "1",
            counter: None,
            count_cap: None,
            searching: false,
        }
    }

    /// Counts at most `cap` rows past the page (see `Listed::COUNT_CAP`).
    pub fn count_cap(mut self, cap: i64) -> Self {
        self.count_cap = Some(cap);
        self
    }

    /// A cheaper FROM for counting (without joins the filters do not need).
    pub fn count_from(mut self, from: &'static str) -> Self {
        self.count_from = from;
        self
    }

    /// The `record_counts` row that holds the unfiltered total, so that an
    /// unfiltered list does not count every row on every view.
    pub fn counter(mut self, name: &'static str) -> Self {
        self.counter = Some(name);
        self
    }

    pub fn order(mut self, order: &'static str) -> Self {
        self.order = order;
        self
    }

    /// The backend the query is for (a condition may differ between them).
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Adds `condition`, whose one `?` stands for `arg`.
    pub fn filter(&mut self, condition: &str, arg: Arg) {
        self.args.push(arg);
        let placeholder = format!("${}", self.args.len());
        self.conditions
            .push(condition.replacen('?', &placeholder, 1));
    }

    /// Only the rows added from `range.from` to `range.to` (UTC days, both
    /// included), by `column`. SQLite keeps times and days as ISO text,
    /// which compares as the days it starts with.
    pub fn added(&mut self, column: super::table::Added, range: AddedBetween) {
        use super::table::Added;
        let (expr, cast) = match (column, self.backend) {
            (Added::Time(c) | Added::Day(c), Backend::Sqlite) => (c, "?"),
            (Added::Time(c), Backend::Postgres) => (c, "CAST(? AS timestamptz)"),
            (Added::Day(c), Backend::Postgres) => (c, "CAST(? AS date)"),
        };
        let backend = self.backend;
        let day = move |day: crate::domain::Date| match (column, backend) {
            (Added::Time(_), Backend::Postgres) => format!("{day}T00:00:00Z"),
            _ => day.to_string(),
        };
        if let Some(from) = range.from {
            let arg = Arg::Text(day(from));
            self.filter(&format!("{expr} >= {cast}"), arg);
        }
        if let Some(to) = range.to {
            let arg = Arg::Text(day(to.next()));
            self.filter(&format!("{expr} < {cast}"), arg);
        }
    }

    /// Only the rows whose `key` is one of `ids` (at most a bulk action's
    /// worth, each bound).
    pub fn only(&mut self, key: &str, ids: &[i64]) {
        let marks: Vec<String> = ids
            .iter()
            .map(|id| {
                self.args.push(Arg::Int(*id));
                format!("${}", self.args.len())
            })
            .collect();
        match marks.is_empty() {
            true => self.conditions.push("1 = 0".to_owned()),
            false => self
                .conditions
                .push(format!("{key} IN ({})", marks.join(", "))),
        }
    }

    /// Adds a condition that takes no value.
    pub fn condition(&mut self, condition: &'static str) {
        self.conditions.push(condition.to_owned());
    }

    /// Any of `exprs` contains `text`, ignoring case (SQLite's LIKE ignores
    /// ASCII case, PostgreSQL has ILIKE), LIKE's wildcards taken literally.
    /// A list that declares nothing to search ignores the text.
    pub fn search(&mut self, exprs: &[&str], text: &str) {
        if text.is_empty() || exprs.is_empty() {
            return;
        }
        self.searching = true;
        self.args.push(Arg::Text(like_pattern(text)));
        let n = self.args.len();
        let like = match self.backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        };
        let any: Vec<String> = exprs
            .iter()
            .map(|e| format!("{e} {like} ${n} ESCAPE '\\'"))
            .collect();
        self.conditions.push(format!("({})", any.join(" OR ")));
    }

    fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The count, of at most `upto` rows when given (a number this crate
    /// works out, never a user's text).
    fn total_sql(&self, upto: Option<i64>) -> String {
        match (self.counter, upto) {
            (Some(name), _) if self.conditions.is_empty() => {
                format!("SELECT total FROM record_counts WHERE name = '{name}'")
            }
            (_, Some(upto)) => format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {}{} LIMIT {upto}) upto",
                self.count_from,
                self.where_clause()
            ),
            (_, None) => format!(
                "SELECT COUNT(*) FROM {}{}",
                self.count_from,
                self.where_clause()
            ),
        }
    }

    /// How many rows that match fall in each group of `key` (shown as
    /// `shown`), most first, at most `limit` groups: the query and its
    /// arguments.
    pub(crate) fn grouped(&self, key: &str, shown: &str, limit: i64) -> (String, Vec<Arg>) {
        let sql = format!(
            "SELECT MIN({shown}) AS facet, COUNT(*) AS n FROM {}{} GROUP BY {key} \
             ORDER BY n DESC, facet LIMIT {limit}",
            self.from,
            self.where_clause()
        );
        (sql, self.args.clone())
    }

    /// Every row that matches, as `columns`, in the list's order: the
    /// query and its arguments.
    pub(crate) fn unpaged(&self, columns: &str) -> (String, Vec<Arg>) {
        let sql = format!(
            "SELECT {columns} FROM {}{} ORDER BY {}",
            self.from,
            self.where_clause(),
            self.order
        );
        (sql, self.args.clone())
    }

    /// One page of rows and the total that match. Past the last page, the
    /// total still comes (from a second, counting query).
    pub async fn fetch<R: AnyRow>(
        self,
        db: &Db,
        per_page: u32,
        offset: i64,
    ) -> Result<Page<R>, DbError> {
        let n = self.args.len();
        let limit = i64::from(per_page);
        let upto = self
            .count_cap
            .map(|cap| offset.saturating_add(limit).saturating_add(cap));
        // One row past the limit says there are more.
        let capped = move |total: i64| upto.is_some_and(|upto| total > upto);
        let upto = upto.map(|upto| upto + 1);
        let sql = format!(
            "SELECT {}, ({}) AS roster_total FROM {}{} ORDER BY {} LIMIT ${} OFFSET ${}",
            self.columns,
            self.total_sql(upto),
            self.from,
            self.where_clause(),
            self.order,
            n + 1,
            n + 2
        );
        if let Db::Sqlite(pool) = db {
            if let Some(reads) = pool.reads() {
                let slow = self.searching || offset > DEEP_OFFSET;
                let mut args = self.args.clone();
                args.push(Arg::Int(limit));
                args.push(Arg::Int(offset));
                let total_sql = self.total_sql(upto);
                let count_args = self.args.clone();
                return reads
                    .read(slow, move |conn| {
                        let (rows, total) = conn.rows_and_total::<R>(&sql, &args)?;
                        let total = match total {
                            Some(total) => total,
                            None => conn.scalar(&total_sql, &count_args)?.unwrap_or(0),
                        };
                        Ok(Page {
                            rows,
                            total,
                            capped: capped(total),
                        })
                    })
                    .await;
            }
        }
        let mut rows: Vec<R> = Vec::new();
        let mut total: Option<i64> = None;
        with_pool!(db, pool => {
            let query = bind_args!(sqlx::query(&sql), &self.args);
            let found = query.bind(limit).bind(offset).fetch_all(pool).await?;
            for row in &found {
                total = Some(row.try_get("roster_total")?);
                rows.push(R::from_row(row)?);
            }
        });
        let total = match total {
            Some(total) => total,
            None => self.count(db, upto).await?,
        };
        Ok(Page {
            rows,
            total,
            capped: capped(total),
        })
    }

    async fn count(&self, db: &Db, upto: Option<i64>) -> Result<i64, DbError> {
        let sql = self.total_sql(upto);
        Ok(with_pool!(db, pool => {
            let query = bind_args!(sqlx::query_scalar::<_, i64>(&sql), &self.args);
            query.fetch_optional(pool).await?.unwrap_or(0)
        }))
    }
}

impl Db {
    /// Every row of `sql` (with `args` bound to `$1`, `$2`…) as `R`; on
    /// SQLite through the read connections (see `sqlite_read`). For short
    /// queries, by key or with a `LIMIT`: no table scans here.
    pub(crate) async fn all_as<R: AnyRow>(
        &self,
        sql: String,
        args: Vec<Arg>,
    ) -> Result<Vec<R>, DbError> {
        if let Db::Sqlite(pool) = self {
            if let Some(reads) = pool.reads() {
                return reads.read(false, move |conn| conn.all(&sql, &args)).await;
            }
        }
        Ok(with_pool!(self, pool => {
            let query = bind_args!(sqlx::query_as::<_, R>(&sql), &args);
            query.fetch_all(pool).await?
        }))
    }

    /// The first row of a query that finds one at most (by a key).
    pub(crate) async fn first_as<R: AnyRow>(
        &self,
        sql: String,
        args: Vec<Arg>,
    ) -> Result<Option<R>, DbError> {
        Ok(self.all_as(sql, args).await?.into_iter().next())
    }
}

/// `%text%` for LIKE, with LIKE's own wildcards in the text taken literally.
pub(crate) fn like_pattern(text: &str) -> String {
    format!("%{}", prefix_pattern(&text.to_lowercase()))
}

/// `text%` for LIKE: what starts with `text`, wildcards in it taken literally.
pub(crate) fn prefix_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    // A NUL matches no stored text, and PostgreSQL refuses it in a string.
    for c in text.chars().filter(|&c| c != '\0') {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("Ann"), "%ann%");
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
        assert_eq!(prefix_pattern("Do%"), "Do\\%%");
        assert_eq!(prefix_pattern("a\0b"), "ab%");
    }

    #[test]
    fn a_list_with_nothing_to_search_ignores_the_text() {
        let mut sql = ListSql {
            backend: Backend::Sqlite,
            columns: "id",
            from: "t",
            count_from: "t",
            conditions: Vec::new(),
            args: Vec::new(),
            order: "1",
            counter: None,
            count_cap: None,
            searching: false,
        };
        sql.search(&[], "Ann");
        assert!(sql.conditions.is_empty() && sql.args.is_empty() && !sql.searching);
        sql.search(&["name"], "Ann");
        assert_eq!(sql.conditions, ["(name LIKE $1 ESCAPE '\\')"]);
    }

    #[test]
    fn a_capped_count_stops_past_the_page() {
        let mut sql = ListSql {
            backend: Backend::Sqlite,
            columns: "id",
            from: "history h",
            count_from: "history h",
            conditions: Vec::new(),
            args: Vec::new(),
            order: "1",
            counter: None,
            count_cap: Some(100),
            searching: false,
        };
        sql.filter("h.kind = ?", Arg::text("pet"));
        assert_eq!(
            sql.total_sql(Some(140)),
            "SELECT COUNT(*) FROM (SELECT 1 FROM history h WHERE h.kind = $1 LIMIT 140) upto"
        );
        assert_eq!(
            sql.total_sql(None),
            "SELECT COUNT(*) FROM history h WHERE h.kind = $1"
        );
    }
}
