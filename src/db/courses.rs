//! Queries on `courses` and `enrolments`. A course's `enrolled` (and a
//! student's `course_count`) are kept by triggers on `enrolments`; an
//! enrolment takes the course's row lock first, so that concurrent
//! enrolments cannot overfill it.

use super::import::{FileColumn, Imported, Use};
use crate::domain::import::ImportKind;

use super::export::{Cell, Column, Exported};
use chrono::NaiveDate;

use super::history::{self, By};
use super::list::{bind_args, Arg, ListSql};
use super::{
    stale_or_missing, write_tx, Backend, Children, Db, DbError, Listed, Ref, Rule, Table, Valid,
};
use crate::domain::{
    Action, Course, CourseList, CourseSort, CourseStudents, Date, Enrolment, EnrolmentSort,
    EnrolmentsOf, Kind, NewEnrolment, StudentCourses,
};

const ENROLMENT_SELECT: &str =
    "e.id, e.course_id, c.code AS course_code, c.title AS course_title, \
     e.student_id, s.firstname || ' ' || s.lastname AS student_name, s.email AS student_email, \
     e.enrolled_on, e.grade, e.version";
const ENROLMENT_FROM: &str =
    "enrolments e JOIN courses c ON c.id = e.course_id JOIN students s ON s.id = e.student_id";

impl Table for Course {
    const TABLE: &'static str = "courses";
    const SELECT: &'static str =
        "id, code, title, description, capacity, enrolled, created_at, version";
    const WRITES: &'static [&'static str] = &["code", "title", "description", "capacity"];
    const TITLE: &'static str = "code || ' ' || title";
    const RULES: &'static [Rule] = &[
        Rule::Unique {
            column: "code",
            fold: "upper",
            constraint: "courses_code_key",
        },
        Rule::Edit {
            column: "capacity",
            condition: "enrolled > ?",
            constraint: "courses_capacity_enrolled",
        },
    ];
    /// Its enrolments go with it.
    const CHILDREN: &'static [Children] = &[Children {
        kind: Kind::Enrolment,
        table: "enrolments",
        column: "course_id",
        constraint: "enrolments_course_fkey",
        title: "(SELECT firstname || ' ' || lastname FROM students \
                WHERE students.id = enrolments.student_id)",
        cascade: true,
        columns: &[
            "id",
            "course_id",
            "student_id",
            "enrolled_on",
            "grade",
            "version",
        ],
        refs: &[Ref {
            column: "student_id",
            table: "students",
            kind: Kind::Student,
        }],
        keeps: None,
    }];

    fn values(new: &Valid<Self>) -> Vec<Arg> {
        vec![
            Arg::text(&new.code),
            Arg::text(&new.title),
            Arg::opt_text(new.description.as_ref()),
            Arg::opt_int(new.capacity),
        ]
    }
}

impl Imported for Course {
    const IMPORT: ImportKind = ImportKind::Courses;
    const FILE: &'static [FileColumn] = &[
        FileColumn::new("id", Use::Id, ""),
        FileColumn::new("code", Use::Field, "BIO-101"),
        FileColumn::new("title", Use::Field, "Introduction to Biology"),
        FileColumn::new("description", Use::Field, "Cells, genes and ecosystems."),
        FileColumn::new("capacity", Use::Field, "30"),
    ];
    const MATCH: Option<&'static str> = Some("code");
}

impl Listed for CourseList {
    type Row = Course;
    const SELECT: &'static str = Course::SELECT;
    const FROM: &'static str = "courses";
    const COUNTER: Option<&'static str> = Some("courses");
    const SEARCH: &'static [&'static str] = &["code", "title"];

    fn order(sort: CourseSort, _: Backend) -> &'static str {
        // Indexes: (upper(code)) unique, (lower(title), id), (enrolled, id).
        match sort {
            CourseSort::CodeAsc => "upper(code) ASC",
            CourseSort::CodeDesc => "upper(code) DESC",
            CourseSort::TitleAsc => "lower(title) ASC, id ASC",
            CourseSort::TitleDesc => "lower(title) DESC, id DESC",
            CourseSort::MostEnrolled => "enrolled DESC, id DESC",
            CourseSort::FewestEnrolled => "enrolled ASC, id ASC",
        }
    }
}

impl Exported for CourseList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "id"),
        Column::text("code", "code"),
        Column::text("title", "title"),
        Column::text("description", "description"),
        Column::int("capacity", "capacity"),
    ];
}

fn enrolment_order(backend: Backend, sort: EnrolmentSort, by_course: bool) -> &'static str {
    // Grades may be missing; those go last both ways.
    match (sort, backend, by_course) {
        (EnrolmentSort::NameAsc, _, true) => "s.lastname ASC, s.firstname ASC, e.id ASC",
        (EnrolmentSort::NameDesc, _, true) => "s.lastname DESC, s.firstname DESC, e.id DESC",
        (EnrolmentSort::NameAsc, _, false) => "upper(c.code) ASC",
        (EnrolmentSort::NameDesc, _, false) => "upper(c.code) DESC",
        (EnrolmentSort::GradeDesc, Backend::Sqlite, _) => "(e.grade IS NULL), e.grade DESC, e.id",
        (EnrolmentSort::GradeAsc, Backend::Sqlite, _) => "(e.grade IS NULL), e.grade ASC, e.id",
        (EnrolmentSort::GradeDesc, Backend::Postgres, _) => "e.grade DESC NULLS LAST, e.id",
        (EnrolmentSort::GradeAsc, Backend::Postgres, _) => "e.grade ASC NULLS LAST, e.id",
        (EnrolmentSort::Newest, _, _) => "e.enrolled_on DESC, e.id DESC",
        (EnrolmentSort::Oldest, _, _) => "e.enrolled_on ASC, e.id ASC",
    }
}

/// A day as each database stores it (SQLite: `YYYY-MM-DD` text).
fn naive(date: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month(), date.day()).unwrap_or_default()
}

/// A course's students (on the course's page).
impl Listed for CourseStudents {
    type Row = Enrolment;
    const SELECT: &'static str = ENROLMENT_SELECT;
    const FROM: &'static str = ENROLMENT_FROM;
    /// Without a search the total needs no names: counted on the
    /// enrolments' index alone.
    const COUNT_FROM: &'static str = "enrolments e";
    const SEARCH_NEEDS_FROM: bool = true;
    const SEARCH: &'static [&'static str] = &["s.firstname || ' ' || s.lastname", "s.email"];

    fn order(sort: EnrolmentSort, backend: Backend) -> &'static str {
        enrolment_order(backend, sort, true)
    }

    fn filter(filter: &EnrolmentsOf, sql: &mut ListSql) {
        sql.filter("e.course_id = ?", Arg::Int(filter.course.unwrap_or(0)));
    }
}

/// A class list: the enrolment, the keys it is imported by (course code,
/// student email), and the names that make it readable.
const ENROLMENT_COLUMNS: &[Column] = &[
    Column::int("id", "e.id"),
    Column::text("course_code", "c.code"),
    Column::text("course_title", "c.title"),
    Column::text("student_email", "s.email"),
    Column::text("student_name", "s.firstname || ' ' || s.lastname"),
    Column::int("grade", "e.grade"),
    Column::new("enrolled_on", "e.enrolled_on", Cell::Date),
];

impl Exported for CourseStudents {
    const COLUMNS: &'static [Column] = ENROLMENT_COLUMNS;
}

/// A student's courses (on the student's page).
impl Listed for StudentCourses {
    type Row = Enrolment;
    const SELECT: &'static str = ENROLMENT_SELECT;
    const FROM: &'static str = ENROLMENT_FROM;
    const COUNT_FROM: &'static str = "enrolments e";
    const SEARCH_NEEDS_FROM: bool = true;
    const SEARCH: &'static [&'static str] = &["c.code", "c.title"];

    fn order(sort: EnrolmentSort, backend: Backend) -> &'static str {
        enrolment_order(backend, sort, false)
    }

    fn filter(filter: &EnrolmentsOf, sql: &mut ListSql) {
        sql.filter("e.student_id = ?", Arg::Int(filter.student.unwrap_or(0)));
    }
}

impl Exported for StudentCourses {
    const COLUMNS: &'static [Column] = ENROLMENT_COLUMNS;
}

impl Db {
    pub async fn get_enrolment(&self, id: i64) -> Result<Option<Enrolment>, DbError> {
        let sql = format!("SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} WHERE e.id = $1");
        self.first_as(sql, vec![Arg::Int(id)]).await
    }

    /// Enrols a student in a course. The course's row is locked first
    /// (SQLite: the write lock of `BEGIN IMMEDIATE`; PostgreSQL: `FOR
    /// UPDATE`), so that of many concurrent enrolments exactly as many as
    /// there are seats succeed; the rest are refused with `Full`.
    pub async fn enrol(&self, by: &By, new: &NewEnrolment) -> Result<Enrolment, DbError> {
        let lock = match self.backend() {
            Backend::Sqlite => "SELECT capacity, enrolled FROM courses WHERE id = $1",
            Backend::Postgres => "SELECT capacity, enrolled FROM courses WHERE id = $1 FOR UPDATE",
        };
        let read = format!("SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} WHERE e.id = $1");
        let id = write_tx!(self, tx => {
            let seats: Option<(Option<i64>, i64)> = sqlx::query_as(lock)
                .bind(new.course_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((capacity, enrolled)) = seats else {
                return Err(DbError::Constraint("enrolments_course_fkey".into()));
            };
            let student: Option<i64> = sqlx::query_scalar("SELECT id FROM students WHERE id = $1")
                .bind(new.student_id)
                .fetch_optional(&mut *tx)
                .await?;
            if student.is_none() {
                return Err(DbError::Constraint("enrolments_student_fkey".into()));
            }
            let already: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM enrolments WHERE course_id = $1 AND student_id = $2",
            )
            .bind(new.course_id)
            .bind(new.student_id)
            .fetch_optional(&mut *tx)
            .await?;
            if already.is_some() {
                return Err(DbError::Constraint("enrolments_pair_key".into()));
            }
            if capacity.is_some_and(|capacity| enrolled >= capacity) {
                return Err(DbError::Full);
            }
            let id: i64 = match new.enrolled_on {
                Some(day) => {
                    sqlx::query_scalar(
                        "INSERT INTO enrolments (course_id, student_id, enrolled_on) \
                         VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(new.course_id)
                    .bind(new.student_id)
                    .bind(naive(day))
                    .fetch_one(&mut *tx)
                    .await?
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO enrolments (course_id, student_id) VALUES ($1, $2) RETURNING id",
                    )
                    .bind(new.course_id)
                    .bind(new.student_id)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let e = sqlx::query_as::<_, Enrolment>(&read).bind(id).fetch_one(&mut *tx).await?;
            for entry in history::enrolment(by, Action::Enrolled, &e, None) {
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
            id
        })?;
        self.get_enrolment(id)
            .await?
            .ok_or(DbError::NotFound(Kind::Enrolment))
    }

    /// Sets (or clears) a final grade on an enrolment still at `version`.
    pub async fn set_grade(
        &self,
        by: &By,
        id: i64,
        version: i64,
        grade: Option<i64>,
    ) -> Result<(), DbError> {
        let read = format!("SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} WHERE e.id = $1");
        write_tx!(self, tx => {
            let before = sqlx::query_as::<_, Enrolment>(&read).bind(id).fetch_optional(&mut *tx).await?;
            let done = sqlx::query(
                "UPDATE enrolments SET grade = $1, version = version + 1 WHERE id = $2 AND version = $3",
            )
            .bind(grade)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            let (1, Some(e)) = (done.rows_affected(), before) else {
                return Err(stale_or_missing!(&mut *tx, "enrolments", id, Kind::Enrolment));
            };
            if e.grade != grade {
                for entry in history::enrolment(by, Action::Graded, &e, Some((e.grade, grade))) {
                    bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
                }
            }
        })
    }

    /// Ends an enrolment (the student leaves the course).
    pub async fn unenrol(&self, by: &By, id: i64) -> Result<(), DbError> {
        let read = format!("SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} WHERE e.id = $1");
        write_tx!(self, tx => {
            let found = sqlx::query_as::<_, Enrolment>(&read).bind(id).fetch_optional(&mut *tx).await?;
            let Some(e) = found else {
                return Err(DbError::NotFound(Kind::Enrolment));
            };
            sqlx::query("DELETE FROM enrolments WHERE id = $1").bind(id).execute(&mut *tx).await?;
            for entry in history::enrolment(by, Action::Unenrolled, &e, None) {
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }
}
