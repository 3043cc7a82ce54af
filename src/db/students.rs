//! Queries on the `students` table.

use chrono::{DateTime, Utc};

use super::{with_pool, Backend, BeginWrite, Db, DbError};
use crate::domain::{ListQuery, NewStudent, SortKey, Student, StudentPage, Timestamp};

const COLUMNS: &str = "id, firstname, lastname, email, age, created_at, bio";
/// The number of students, kept by triggers (a COUNT(*) would scan them all).
const TOTAL_SQL: &str = "SELECT total FROM student_count WHERE id = 1";
/// Cards on the list show the start of a bio; the detail page shows all of it.
pub const BIO_PREVIEW_CHARS: usize = 300;

#[derive(sqlx::FromRow)]
struct StudentRow {
    id: i64,
    firstname: String,
    lastname: String,
    email: String,
    age: Option<i32>,
    created_at: DateTime<Utc>,
    bio: Option<String>,
}

/// A row of an unfiltered list, with the total number of students.
#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    student: StudentRow,
    total: i64,
}

impl From<StudentRow> for Student {
    fn from(row: StudentRow) -> Self {
        Student {
            id: row.id,
            firstname: row.firstname,
            lastname: row.lastname,
            email: row.email,
            age: row.age,
            created_at: Timestamp::from_micros(row.created_at.timestamp_micros()),
            bio: row.bio,
        }
    }
}

fn order_by(backend: Backend, sort: SortKey) -> &'static str {
    // Ages may be missing; those students go last in both directions. SQLite
    // has an index on exactly `(age IS NULL), age, id` for the ascending case.
    match (sort, backend) {
        (SortKey::NewestFirst, _) => "created_at DESC, id DESC",
        (SortKey::OldestFirst, _) => "created_at ASC, id ASC",
        (SortKey::NameAsc, _) => "lastname ASC, firstname ASC, id ASC",
        (SortKey::NameDesc, _) => "lastname DESC, firstname DESC, id DESC",
        (SortKey::AgeAsc, Backend::Sqlite) => "(age IS NULL) ASC, age ASC, id ASC",
        (SortKey::AgeDesc, Backend::Sqlite) => "(age IS NULL) ASC, age DESC, id DESC",
        (SortKey::AgeAsc, Backend::Postgres) => "age ASC NULLS LAST, id ASC",
        (SortKey::AgeDesc, Backend::Postgres) => "age DESC NULLS LAST, id DESC",
    }
}

/// Name or email contains `$1` (a [`like_pattern`]), ignoring case. SQLite's
/// LIKE already ignores ASCII case (and, like its lower(), only ASCII case);
/// PostgreSQL has ILIKE. Either way no function runs per row.
fn search_filter(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "WHERE firstname || ' ' || lastname LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'"
        }
        Backend::Postgres => {
            "WHERE firstname || ' ' || lastname ILIKE $1 ESCAPE '\\' OR email ILIKE $1 ESCAPE '\\'"
        }
    }
}

/// `%text%` for LIKE, with LIKE's own wildcards in the text taken literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn map_unique(e: sqlx::Error) -> DbError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => DbError::EmailTaken,
        _ => DbError::Sqlx(e),
    }
}

impl Db {
    /// One page of students, with the total that match.
    pub async fn list_students(&self, query: &ListQuery) -> Result<StudentPage, DbError> {
        let searching = !query.search.is_empty();
        let filter = if searching {
            search_filter(self.backend())
        } else {
            ""
        };
        let (limit_at, offset_at) = if searching { (2, 3) } else { (1, 2) };
        // Unfiltered, the trigger-maintained total comes along with the rows:
        // one query instead of two.
        let total_column = if searching {
            String::new()
        } else {
            format!(", ({TOTAL_SQL}) AS total")
        };
        let list_sql = format!(
            "SELECT id, firstname, lastname, email, age, created_at, \
             substr(bio, 1, {preview}) AS bio{total_column} FROM students {filter} \
             ORDER BY {order} LIMIT ${limit_at} OFFSET ${offset_at}",
            preview = BIO_PREVIEW_CHARS + 1,
            order = order_by(self.backend(), query.sort),
        );
        let limit = i64::from(query.per_page);
        let offset = query.offset();

        let (rows, total) = if searching {
            let count_sql = format!("SELECT COUNT(*) FROM students {filter}");
            let pattern = like_pattern(&query.search);
            with_pool!(self, pool => {
                let list = sqlx::query_as::<_, StudentRow>(&list_sql)
                    .bind(pattern.as_str())
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(pool);
                let count = sqlx::query_scalar::<_, i64>(&count_sql)
                    .bind(pattern.as_str())
                    .fetch_one(pool);
                tokio::try_join!(list, count)?
            })
        } else {
            let rows: Vec<CountedRow> = with_pool!(self, pool => {
                sqlx::query_as(&list_sql).bind(limit).bind(offset).fetch_all(pool).await?
            });
            let total = match rows.first() {
                Some(row) => row.total,
                // A page past the end still reports how many there are.
                None => self.count_students().await?,
            };
            (rows.into_iter().map(|r| r.student).collect(), total)
        };
        Ok(StudentPage {
            students: rows.into_iter().map(Student::from).collect(),
            total,
            query: query.clone(),
        })
    }

    /// How many students there are, from the trigger-maintained counter.
    pub async fn count_students(&self) -> Result<i64, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(TOTAL_SQL)
                .fetch_one(pool)
                .await?
        }))
    }

    pub async fn get_student(&self, id: i64) -> Result<Option<Student>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM students WHERE id = $1");
        let row = with_pool!(self, pool => {
            sqlx::query_as::<_, StudentRow>(&sql).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(Student::from))
    }

    /// Inserts a student.
    pub async fn create_student(&self, new: &NewStudent) -> Result<Student, DbError> {
        self.save_student(None, new).await
    }

    /// Replaces a student's editable fields; `NotFound` if there is no such student.
    pub async fn update_student(&self, id: i64, new: &NewStudent) -> Result<Student, DbError> {
        self.save_student(Some(id), new).await
    }

    /// Insert (`id` None) or update. The email check and the write run in one
    /// write transaction, so the check cannot go stale before the write; the
    /// unique index stays the final word should two instances race.
    async fn save_student(&self, id: Option<i64>, new: &NewStudent) -> Result<Student, DbError> {
        let sql = match id {
            None => format!(
                "INSERT INTO students (firstname, lastname, email, age, bio) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
            ),
            Some(_) => format!(
                "UPDATE students SET firstname = $1, lastname = $2, email = $3, age = $4, \
                 bio = $5 WHERE id = $6 RETURNING {COLUMNS}"
            ),
        };
        let row = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_write().await?;
            // Ids start at 1, so 0 excludes nobody when creating.
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM students WHERE lower(email) = lower($1) AND id <> $2",
            )
            .bind(new.email.as_str())
            .bind(id.unwrap_or(0))
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                return Err(DbError::EmailTaken);
            }
            let mut query = sqlx::query_as::<_, StudentRow>(&sql)
                .bind(new.firstname.as_str())
                .bind(new.lastname.as_str())
                .bind(new.email.as_str())
                .bind(new.age.map(|a| a.get()))
                .bind(new.bio.as_ref().map(|b| b.as_str()));
            if let Some(id) = id {
                query = query.bind(id);
            }
            let row = query
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_unique)?
                .ok_or(DbError::NotFound)?;
            tx.commit().await?;
            row
        });
        Ok(row.into())
    }

    /// Deletes a student; `NotFound` if there was none.
    pub async fn delete_student(&self, id: i64) -> Result<(), DbError> {
        let affected = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_write().await?;
            let done = sqlx::query("DELETE FROM students WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            done.rows_affected()
        });
        if affected == 0 {
            return Err(DbError::NotFound);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("Ann"), "%ann%");
        assert_eq!(like_pattern("50%_x\\"), "%50\\%\\_x\\\\%");
    }
}
