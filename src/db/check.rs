//! Whether a database is sound: SQLite's own integrity and foreign-key
//! checks, every counter Roster keeps against a fresh count, and the rules
//! the database cannot state (no course over its capacity). `roster check`,
//! the tests and the stress and crash runs all ask the same questions.

use super::{with_pool, Db, DbError};
use crate::domain::Kind;

/// What [`Db::check`] found. Sound when every list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// SQLite's `PRAGMA integrity_check` lines other than `ok`.
    pub integrity: Vec<String>,
    /// Rows whose foreign key points nowhere, as `table → parent`.
    pub foreign_keys: Vec<String>,
    /// Totals in `record_counts` that differ from a fresh count:
    /// (name, kept, fresh).
    pub counters: Vec<(String, i64, i64)>,
    /// Counters and rules on rows, with how many rows break them.
    pub rows: Vec<(&'static str, i64)>,
    /// How many totals and row checks were compared (for the report).
    pub checked: usize,
}

impl CheckReport {
    pub fn is_sound(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.counters.is_empty()
            && self.rows.is_empty()
    }
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_sound() {
            return write!(
                f,
                "sound: integrity ok, {} counts and rules agree",
                self.checked
            );
        }
        for line in &self.integrity {
            writeln!(f, "integrity: {line}")?;
        }
        for line in &self.foreign_keys {
            writeln!(f, "foreign key: {line}")?;
        }
        for (name, kept, fresh) in &self.counters {
            writeln!(f, "counter {name}: kept {kept}, counted {fresh}")?;
        }
        for (name, rows) in &self.rows {
            writeln!(f, "{name}: wrong on {rows} rows")?;
        }
        Ok(())
    }
}

/// Rules on rows, each a query counting the rows that break it.
const ROW_CHECKS: [(&str, &str); 7] = [
    (
        "handlers.pet_count",
        "SELECT COUNT(*) FROM handlers h WHERE pet_count <> \
         (SELECT COUNT(*) FROM pets p WHERE p.handler_id = h.id)",
    ),
    (
        "pets.comment_count",
        "SELECT COUNT(*) FROM pets p WHERE comment_count <> \
         (SELECT COUNT(*) FROM comments c WHERE c.pet_id = p.id)",
    ),
    (
        "pet_categories.pets",
        "SELECT COUNT(*) FROM pet_categories k WHERE pets <> \
         (SELECT COUNT(*) FROM pets p WHERE lower(p.category) = k.key)",
    ),
    (
        "courses.enrolled",
        "SELECT COUNT(*) FROM courses c WHERE enrolled <> \
         (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id)",
    ),
    (
        "students.course_count",
        "SELECT COUNT(*) FROM students s WHERE course_count <> \
         (SELECT COUNT(*) FROM enrolments e WHERE e.student_id = s.id)",
    ),
    (
        "enrolments.student_name",
        "SELECT COUNT(*) FROM enrolments e JOIN students s ON s.id = e.student_id \
         WHERE e.student_lastname <> s.lastname OR e.student_firstname <> s.firstname",
    ),
    (
        "courses over capacity",
        "SELECT COUNT(*) FROM courses WHERE capacity IS NOT NULL AND enrolled > capacity",
    ),
];

impl Db {
    /// Reads the whole database once; a few seconds on a large one.
    pub async fn check(&self) -> Result<CheckReport, DbError> {
        let mut report = CheckReport::default();
        if let Db::Sqlite(pool) = self {
            let mut conn = pool.acquire().await?;
            let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(&mut *conn)
                .await?;
            report.integrity = lines.into_iter().filter(|l| l != "ok").collect();
            let broken: Vec<(String, Option<i64>, String)> =
                sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await?;
            report.foreign_keys = broken
                .into_iter()
                .map(|(table, rowid, parent)| match rowid {
                    Some(rowid) => format!("{table} row {rowid} → {parent}"),
                    None => format!("{table} → {parent}"),
                })
                .collect();
        }
        for (name, kept, fresh) in record_counts(self).await? {
            report.checked += 1;
            if kept != fresh {
                report.counters.push((name, kept, fresh));
            }
        }
        for (name, rows) in row_checks(self).await? {
            report.checked += 1;
            if rows != 0 {
                report.rows.push((name, rows));
            }
        }
        Ok(report)
    }
}

/// Every total in `record_counts`, as (name, kept total, fresh count), for
/// checks that they agree (tests, the stress run).
pub async fn record_counts(db: &Db) -> Result<Vec<(String, i64, i64)>, DbError> {
    let kept: Vec<(String, i64)> = with_pool!(db, pool => {
        sqlx::query_as("SELECT name, total FROM record_counts ORDER BY name")
            .fetch_all(pool)
            .await?
    });
    let mut out = Vec::new();
    for (name, total) in kept {
        // What each counter counts; the names are Roster's own.
        let fresh_sql = match name.as_str() {
            "unread_messages" => "SELECT COUNT(*) FROM messages WHERE read_at IS NULL".to_owned(),
            table if table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
                format!("SELECT COUNT(*) FROM {table}")
            }
            _ => continue,
        };
        let fresh: i64 =
            with_pool!(db, pool => sqlx::query_scalar(&fresh_sql).fetch_one(pool).await?);
        out.push((name, total, fresh));
    }
    Ok(out)
}

/// Every rule in [`ROW_CHECKS`] with how many rows break it (all zero when
/// nothing drifted).
pub async fn row_checks(db: &Db) -> Result<Vec<(&'static str, i64)>, DbError> {
    let mut out = Vec::new();
    let counted = dashboard_checks(db.backend());
    let all = ROW_CHECKS
        .iter()
        .map(|(name, sql)| (*name, (*sql).to_owned()))
        .chain(counted);
    for (name, sql) in all {
        let rows: i64 = with_pool!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?);
        out.push((name, rows));
    }
    Ok(out)
}

/// The dashboard's counters (`record_days`, `grade_counts`) against a
/// fresh count: each counts the days or grades whose kept figure is wrong
/// or missing.
fn dashboard_checks(backend: super::Backend) -> Vec<(&'static str, String)> {
    let created = match backend {
        super::Backend::Sqlite => "substr(created_at, 1, 10)",
        super::Backend::Postgres => "(created_at AT TIME ZONE 'UTC')::date",
    };
    let days = |name: &'static str, table: &str, day: &str| {
        (
            name,
            format!(
                "SELECT COUNT(*) FROM ( \
                 SELECT f.day FROM ({fresh}) f \
                 LEFT JOIN record_days k ON k.name = '{table}' AND k.day = f.day \
                 WHERE k.n IS NULL OR k.n <> f.n \
                 UNION ALL SELECT k.day FROM record_days k LEFT JOIN ({fresh}) f ON f.day = k.day \
                 WHERE k.name = '{table}' AND k.n <> COALESCE(f.n, 0)) wrong",
                fresh = format!("SELECT {day} AS day, COUNT(*) AS n FROM {table} GROUP BY 1"),
            ),
        )
    };
    vec![
        days("record_days.students", "students", created),
        days("record_days.courses", "courses", created),
        days("record_days.handlers", "handlers", created),
        days("record_days.pets", "pets", created),
        days("record_days.enrolments", "enrolments", "enrolled_on"),
        (
            "grade_counts",
            format!(
                "SELECT COUNT(*) FROM ( \
                 SELECT f.grade FROM ({fresh}) f \
                 LEFT JOIN grade_counts k ON k.grade = f.grade WHERE k.n IS NULL OR k.n <> f.n \
                 UNION ALL SELECT k.grade FROM grade_counts k LEFT JOIN ({fresh}) f \
                 ON f.grade = k.grade WHERE k.n <> COALESCE(f.n, 0)) wrong",
                fresh = "SELECT grade, COUNT(*) AS n FROM enrolments \
                         WHERE grade IS NOT NULL GROUP BY grade",
            ),
        ),
    ]
}

impl Db {
    /// How many records of `kind` carry `marker` in the column that tells
    /// them apart: a student's email, a handler's or pet's name, a
    /// comment's text, a course's code. For runs that log what they were
    /// told was saved and look for it afterwards.
    pub async fn count_marked(&self, kind: Kind, marker: &str) -> Result<i64, DbError> {
        let sql = match kind {
            Kind::Student => "SELECT COUNT(*) FROM students WHERE lower(email) = lower($1)",
            Kind::Handler => "SELECT COUNT(*) FROM handlers WHERE name = $1",
            Kind::Pet => "SELECT COUNT(*) FROM pets WHERE name = $1",
            Kind::Comment => "SELECT COUNT(*) FROM comments WHERE body = $1",
            Kind::Course => "SELECT COUNT(*) FROM courses WHERE upper(code) = upper($1)",
            Kind::Message => "SELECT COUNT(*) FROM messages WHERE subject = $1",
            Kind::Account => "SELECT COUNT(*) FROM users WHERE lower(username) = lower($1)",
            Kind::Enrolment | Kind::Setting | Kind::Role | Kind::Change | Kind::Deleted => {
                return Err(DbError::Config(format!(
                    "{} carry no marker of their own",
                    kind.plural()
                )))
            }
        };
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(sql).bind(marker).fetch_one(pool).await?
        }))
    }
}
