//! Queries on the `students` table.

use chrono::{DateTime, Utc};

use super::list::{Arg, ListSql};
use super::{stale_or_missing, write_tx, Backend, Db, DbError};
use crate::domain::{
    Kind, NewStudent, Page, QueryOf, Student, StudentList, StudentSort, Timestamp,
};

const COLUMNS: &str = "id, firstname, lastname, email, age, created_at, bio, version, course_count";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct StudentRow {
    id: i64,
    firstname: String,
    lastname: String,
    email: String,
    age: Option<i32>,
    #[serde(deserialize_with = "super::utc")]
    created_at: DateTime<Utc>,
    bio: Option<String>,
    version: i64,
    course_count: i64,
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
            version: row.version,
            course_count: row.course_count,
        }
    }
}

fn order_by(backend: Backend, sort: StudentSort) -> &'static str {
    // Ages may be missing; those students go last in both directions. SQLite
    // has an index on exactly `(age IS NULL), age, id` for the ascending case.
    match (sort, backend) {
        (StudentSort::NewestFirst, _) => "created_at DESC, id DESC",
        (StudentSort::OldestFirst, _) => "created_at ASC, id ASC",
        (StudentSort::NameAsc, _) => "lastname ASC, firstname ASC, id ASC",
        (StudentSort::NameDesc, _) => "lastname DESC, firstname DESC, id DESC",
        (StudentSort::AgeAsc, Backend::Sqlite) => "(age IS NULL) ASC, age ASC, id ASC",
        (StudentSort::AgeDesc, Backend::Sqlite) => "(age IS NULL) ASC, age DESC, id DESC",
        (StudentSort::AgeAsc, Backend::Postgres) => "age ASC NULLS LAST, id ASC",
        (StudentSort::AgeDesc, Backend::Postgres) => "age DESC NULLS LAST, id DESC",
    }
}

impl Db {
    /// One page of students, with the total that match. Bios are cut to
    /// one character more than the list shows, which tells the page that
    /// the bio goes on.
    pub async fn list_students(
        &self,
        query: &QueryOf<StudentList>,
    ) -> Result<Page<Student>, DbError> {
        const LIST_COLUMNS: &str = "id, firstname, lastname, email, age, created_at, \
             substr(bio, 1, 81) AS bio, version, course_count";
        let mut sql = ListSql::new(self, LIST_COLUMNS, "students")
            .counter("students")
            .order(order_by(self.backend(), query.sort));
        sql.search(&["firstname || ' ' || lastname", "email"], &query.search);
        let page = sql
            .fetch::<StudentRow>(self, query.per_page, query.offset())
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(Student::from).collect(),
            total: page.total,
        })
    }

    /// How many students there are, from the trigger-maintained counter.
    pub async fn count_students(&self) -> Result<i64, DbError> {
        self.counted("students").await
    }

    /// A `record_counts` total.
    pub(crate) async fn counted(&self, name: &str) -> Result<i64, DbError> {
        let row: Option<(i64,)> = self
            .first_as(
                "SELECT total FROM record_counts WHERE name = $1".into(),
                vec![Arg::Text(name.into())],
            )
            .await?;
        Ok(row.map_or(0, |(n,)| n))
    }

    pub async fn get_student(&self, id: i64) -> Result<Option<Student>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM students WHERE id = $1");
        let row: Option<StudentRow> = self.first_as(sql, vec![Arg::Int(id)]).await?;
        Ok(row.map(Student::from))
    }

    /// Inserts a student.
    pub async fn create_student(&self, new: &NewStudent) -> Result<Student, DbError> {
        self.save_student(None, new).await
    }

    /// Replaces a student's editable fields if it is still at `version`:
    /// `Stale` if it changed since, `NotFound` if it is gone.
    pub async fn update_student(
        &self,
        id: i64,
        version: i64,
        new: &NewStudent,
    ) -> Result<Student, DbError> {
        self.save_student(Some((id, version)), new).await
    }

    /// Insert (`at` None) or update. The email check and the write run in one
    /// write transaction, so the check cannot go stale before the write; the
    /// unique index stays the final word should two instances race.
    async fn save_student(
        &self,
        at: Option<(i64, i64)>,
        new: &NewStudent,
    ) -> Result<Student, DbError> {
        let sql = match at {
            None => format!(
                "INSERT INTO students (firstname, lastname, email, age, bio) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
            ),
            Some(_) => format!(
                "UPDATE students SET firstname = $1, lastname = $2, email = $3, age = $4, \
                 bio = $5, version = version + 1 WHERE id = $6 AND version = $7 RETURNING {COLUMNS}"
            ),
        };
        let id = at.map(|(id, _)| id);
        let row = write_tx!(self, tx => {
            // Ids start at 1, so 0 excludes nobody when creating.
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM students WHERE lower(email) = lower($1) AND id <> $2",
            )
            .bind(new.email.as_str())
            .bind(id.unwrap_or(0))
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                return Err(DbError::Constraint("students_email_key".into()));
            }
            let mut query = sqlx::query_as::<_, StudentRow>(&sql)
                .bind(new.firstname.as_str())
                .bind(new.lastname.as_str())
                .bind(new.email.as_str())
                .bind(new.age.map(|a| a.get()))
                .bind(new.bio.as_ref().map(|b| b.as_str()));
            if let Some((id, version)) = at {
                query = query.bind(id).bind(version);
            }
            let Some(row) = query.fetch_optional(&mut *tx).await? else {
                return Err(stale_or_missing!(&mut *tx, "students", id.unwrap_or(0), Kind::Student));
            };
            row
        })?;
        Ok(row.into())
    }

    /// Deletes a student that is still at `version`.
    pub async fn delete_student(&self, id: i64, version: i64) -> Result<(), DbError> {
        self.delete_versioned("students", Kind::Student, id, version)
            .await
    }

    /// Deletes row `id` of `table` if it is still at `version`; `Stale` if it
    /// changed since, `NotFound` if it is gone. Rows that depend on it go
    /// as the foreign keys say (CASCADE), or the key refuses.
    pub(crate) async fn delete_versioned(
        &self,
        table: &'static str,
        kind: Kind,
        id: i64,
        version: i64,
    ) -> Result<(), DbError> {
        let sql = format!("DELETE FROM {table} WHERE id = $1 AND version = $2");
        write_tx!(self, tx => {
            let done = sqlx::query(&sql)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(stale_or_missing!(&mut *tx, table, id, kind));
            }
        })
    }
}
