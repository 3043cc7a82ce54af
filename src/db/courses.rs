//! Queries on `courses` and `enrolments`. A course's `enrolled` (and a
//! student's `course_count`) are kept by triggers on `enrolments`; an
//! enrolment takes the course's row lock first, so that concurrent
//! enrolments cannot overfill it.

use super::import::{FileColumn, Imported, Use};
use crate::domain::import::ImportKind;

use super::export::{Cell, Column, Exported};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::history::{self, By};
use super::list::{bind_args, Arg, ListSql};
use super::{
    stale_or_missing, write_tx, Backend, Children, Db, DbError, Listed, Ref, Rule, Table, Valid,
};
use crate::domain::{
    Action, Course, CourseList, CourseSort, CourseStudents, Date, Enrolment, EnrolmentSort,
    EnrolmentsOf, Kind, NewEnrolment, StudentCourses,
};

pub(super) const ENROLMENT_SELECT: &str =
    "e.id, e.course_id, c.code AS course_code, c.title AS course_title, \
     e.student_id, s.firstname || ' ' || s.lastname AS student_name, s.email AS student_email, \
     e.enrolled_on, e.grade, e.version";
pub(super) const ENROLMENT_FROM: &str =
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
    const ADDED: Option<super::Added> = Some(super::Added::Time("created_at"));
    type Row = Course;
    const SELECT: &'static str = Course::SELECT;
    const FROM: &'static str = "courses";
    const COUNTER: Option<&'static str> = Some("courses");
    const SEARCH: &'static [&'static str] = &["code", "title"];
    const FACET_SQL: &'static [super::FacetSql] = &[super::FacetSql {
        param: "seats",
        key: COURSE_SEATS,
        shown: COURSE_SEATS,
    }];

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

    fn filter(filter: &crate::domain::CourseFilter, sql: &mut ListSql) {
        match filter.seats.as_deref() {
            Some("full") => sql.condition("capacity IS NOT NULL AND enrolled >= capacity"),
            Some("open") => sql.condition("(capacity IS NULL OR enrolled < capacity)"),
            _ => {}
        }
        if let Some(teacher) = filter.teacher {
            sql.filter(
                "id IN (SELECT course_id FROM course_teachers WHERE user_id = ?)",
                Arg::Int(teacher),
            );
        }
    }
}

/// Whether a course has a place left: `open` or `full`.
const COURSE_SEATS: &str =
    "CASE WHEN capacity IS NOT NULL AND enrolled >= capacity THEN 'full' ELSE 'open' END";

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
    // Grades may be missing; those go last both ways. A course's students
    // by name are read from the (course, student's name) index: each
    // enrolment carries its student's name (kept by triggers).
    match (sort, backend, by_course) {
        (EnrolmentSort::NameAsc, _, true) => {
            "e.student_lastname ASC, e.student_firstname ASC, e.id ASC"
        }
        (EnrolmentSort::NameDesc, _, true) => {
            "e.student_lastname DESC, e.student_firstname DESC, e.id DESC"
        }
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
pub(super) fn naive(date: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month(), date.day()).unwrap_or_default()
}

/// A course's students (on the course's page).
impl Listed for CourseStudents {
    const ADDED: Option<super::Added> = Some(super::Added::Day("e.enrolled_on"));
    const KEY: &'static str = "e.id";
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
    const ADDED: Option<super::Added> = Some(super::Added::Day("e.enrolled_on"));
    const KEY: &'static str = "e.id";
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

/// A new enrolment as written: the enrol form's, or a class list row's
/// (which may give its id, and its grade).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrolWrite {
    pub new: NewEnrolment,
    pub grade: Option<i64>,
    pub id: Option<i64>,
}

/// A class list row's write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentWrite {
    Enrol(EnrolWrite),
    /// A grade set on enrolment `id` still at `version`.
    Grade {
        id: i64,
        version: i64,
        grade: Option<i64>,
    },
}

/// What a write of [`Db::enrol_all`] did, kept for its undo: enrolment
/// `id` is at `version` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentWritten {
    pub id: i64,
    pub version: i64,
    pub did: Did,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Did {
    Enrolled,
    /// The grade was `was` before.
    Graded {
        was: Option<i64>,
    },
    /// It ended; it was this (put back with its id, day and grade).
    Unenrolled {
        course: i64,
        student: i64,
        on: Date,
        grade: Option<i64>,
    },
}

/// The statements of an enrolment's writes, for a backend.
pub(super) struct EnrolSql {
    /// The course's seats, its row locked.
    pub(super) lock: &'static str,
    /// Today's date, in SQL.
    pub(super) today: &'static str,
    pub(super) insert: String,
    pub(super) insert_with_id: String,
    pub(super) read: String,
}

impl EnrolSql {
    pub(super) fn new(backend: Backend) -> Self {
        let (lock, today) = match backend {
            Backend::Sqlite => (
                "SELECT capacity, enrolled FROM courses WHERE id = $1",
                "date('now')",
            ),
            Backend::Postgres => (
                "SELECT capacity, enrolled FROM courses WHERE id = $1 FOR UPDATE",
                "CURRENT_DATE",
            ),
        };
        let columns = "course_id, student_id, enrolled_on, grade";
        let values = format!("$1, $2, COALESCE($3, {today}), $4");
        EnrolSql {
            lock,
            today,
            insert: format!("INSERT INTO enrolments ({columns}) VALUES ({values}) RETURNING id"),
            insert_with_id: format!(
                "INSERT INTO enrolments ({columns}, id) VALUES ({values}, $5) RETURNING id"
            ),
            read: format!("SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} WHERE e.id = $1"),
        }
    }
}

/// Enrols in transaction `$tx` as [`EnrolWrite`] `$write` says, with its
/// history entries (its grade's too, if it has one): the course's seats
/// read under its row lock, the student and the pair checked. Answers the
/// enrolment as written, or why not.
macro_rules! enrol_in {
    ($tx:ident, $sql:expr, $by:expr, $write:expr) => {{
        let (sql, w): (&EnrolSql, EnrolWrite) = (&$sql, $write);
        async {
            let new = w.new;
            let seats: Option<(Option<i64>, i64)> = sqlx::query_as(sql.lock)
                .bind(new.course_id)
                .fetch_optional(&mut *$tx)
                .await?;
            let Some((capacity, enrolled)) = seats else {
                return Err(DbError::Constraint("enrolments_course_fkey".into()));
            };
            let student: Option<i64> = sqlx::query_scalar("SELECT id FROM students WHERE id = $1")
                .bind(new.student_id)
                .fetch_optional(&mut *$tx)
                .await?;
            if student.is_none() {
                return Err(DbError::Constraint("enrolments_student_fkey".into()));
            }
            let already: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM enrolments WHERE course_id = $1 AND student_id = $2",
            )
            .bind(new.course_id)
            .bind(new.student_id)
            .fetch_optional(&mut *$tx)
            .await?;
            if already.is_some() {
                return Err(DbError::Constraint("enrolments_pair_key".into()));
            }
            if capacity.is_some_and(|capacity| enrolled >= capacity) {
                return Err(DbError::Full);
            }
            let insert = match w.id {
                Some(_) => &sql.insert_with_id,
                None => &sql.insert,
            };
            let mut query = sqlx::query_scalar::<_, i64>(insert)
                .bind(new.course_id)
                .bind(new.student_id)
                .bind(new.enrolled_on.map(naive))
                .bind(w.grade);
            if let Some(id) = w.id {
                query = query.bind(id);
            }
            let id = query.fetch_one(&mut *$tx).await?;
            let e = sqlx::query_as::<_, Enrolment>(&sql.read)
                .bind(id)
                .fetch_one(&mut *$tx)
                .await?;
            for entry in history::enrolment($by, Action::Enrolled, &e, None) {
                bind_args!(sqlx::query(history::INSERT), &entry)
                    .execute(&mut *$tx)
                    .await?;
            }
            if w.grade.is_some() {
                for entry in history::enrolment($by, Action::Graded, &e, Some((None, w.grade))) {
                    bind_args!(sqlx::query(history::INSERT), &entry)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            Ok::<Enrolment, DbError>(e)
        }
        .await
    }};
}

/// Sets grade `$grade` in transaction `$tx` on enrolment `$id` still at
/// `$version`, with its history entries (none when it is the grade it
/// has). Answers the grade it had.
macro_rules! grade_in {
    ($tx:ident, $sql:expr, $by:expr, $id:expr, $version:expr, $grade:expr) => {{
        let (sql, id, version, grade): (&EnrolSql, i64, i64, Option<i64>) =
            (&$sql, $id, $version, $grade);
        async {
            let before = sqlx::query_as::<_, Enrolment>(&sql.read)
                .bind(id)
                .fetch_optional(&mut *$tx)
                .await?;
            let done = sqlx::query(
                "UPDATE enrolments SET grade = $1, version = version + 1 \
                 WHERE id = $2 AND version = $3",
            )
            .bind(grade)
            .bind(id)
            .bind(version)
            .execute(&mut *$tx)
            .await?;
            let (1, Some(e)) = (done.rows_affected(), before) else {
                return Err(stale_or_missing!(
                    &mut *$tx,
                    "enrolments",
                    id,
                    Kind::Enrolment
                ));
            };
            if e.grade != grade {
                for entry in history::enrolment($by, Action::Graded, &e, Some((e.grade, grade))) {
                    bind_args!(sqlx::query(history::INSERT), &entry)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            Ok::<Option<i64>, DbError>(e.grade)
        }
        .await
    }};
}

/// Undoes `$written` (what writes of enrolments did, in order) in
/// transaction `$tx`, last first, each with its history entries: an
/// enrolment made is ended, a grade put back, an ended one made again as
/// it was, a run of alike writes at a time. Anything changed since
/// refuses it (`Stale` or `NotFound`; a course filled since, `Full`).
macro_rules! undo_enrolments {
    ($tx:ident, $sql:expr, $by:expr, $written:expr) => {{
        let (sql, written): (&EnrolSql, &[EnrolmentWritten]) = (&$sql, $written);
        async {
            use super::enrol_many::{end_many, enrol_many, grade_many, Run};
            let failed = super::write::FailedAt::default();
            for run in super::enrol_many::undo_runs(written) {
                match run {
                    Run::End(at) => match end_many!($tx, $by, &at, failed) {
                        Err(DbError::NotFound(_)) => return Err(DbError::Stale),
                        other => other.map(drop)?,
                    },
                    Run::Grade(rows) => grade_many!($tx, $by, &rows, failed).map(drop)?,
                    Run::Enrol(writes, ended) => {
                        match enrol_many!($tx, sql, $by, &writes, &ended, failed) {
                            Err(DbError::Constraint(_)) => return Err(DbError::Stale),
                            other => other.map(drop)?,
                        }
                    }
                }
            }
            Ok::<(), DbError>(())
        }
        .await
    }};
}

pub(super) use undo_enrolments;

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
        by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Add)?;
        let sql = EnrolSql::new(self.backend());
        let write = EnrolWrite {
            new: *new,
            grade: None,
            id: None,
        };
        write_tx!(self, tx => { enrol_in!(tx, sql, by, write)? })
    }

    /// Sets (or clears) a final grade on an enrolment still at `version`.
    pub async fn set_grade(
        &self,
        by: &By,
        id: i64,
        version: i64,
        grade: Option<i64>,
    ) -> Result<(), DbError> {
        let taught_by = by.grading()?;
        let sql = EnrolSql::new(self.backend());
        write_tx!(self, tx => {
            if let Some(user) = taught_by {
                if !super::roles::teaches!(tx, enrolment = id, user = user)? {
                    return Err(not_taught());
                }
            }
            grade_in!(tx, sql, by, id, version, grade)?;
        })
    }

    /// A course's grade sheet: every enrolment, by the student's name.
    pub async fn grade_sheet(&self, course: i64) -> Result<Vec<crate::domain::SheetRow>, DbError> {
        let sql = "SELECT e.id, s.firstname || ' ' || s.lastname AS student_name, \
                   s.email AS student_email, e.grade, e.version \
                   FROM enrolments e JOIN students s ON s.id = e.student_id \
                   WHERE e.course_id = $1 \
                   ORDER BY e.student_lastname, e.student_firstname, e.id";
        self.all_as(sql.into(), vec![Arg::Int(course)]).await
    }

    /// What course `course`'s grades say (none: no such course): how many
    /// students have each grade, counted on the (course, grade) index.
    pub async fn grade_stats(
        &self,
        course: i64,
    ) -> Result<Option<crate::domain::GradeStats>, DbError> {
        #[derive(sqlx::FromRow, serde::Deserialize)]
        struct Counted {
            grade: i64,
            n: i64,
        }
        #[derive(sqlx::FromRow, serde::Deserialize)]
        struct Enrolled {
            enrolled: i64,
        }
        let enrolled: Option<Enrolled> = self
            .first_as(
                "SELECT enrolled FROM courses WHERE id = $1".into(),
                vec![Arg::Int(course)],
            )
            .await?;
        let Some(Enrolled { enrolled }) = enrolled else {
            return Ok(None);
        };
        let counts: Vec<Counted> = self
            .all_as(
                "SELECT grade, COUNT(*) AS n FROM enrolments \
                 WHERE course_id = $1 AND grade IS NOT NULL GROUP BY grade"
                    .into(),
                vec![Arg::Int(course)],
            )
            .await?;
        let counts: Vec<(i64, i64)> = counts.into_iter().map(|c| (c.grade, c.n)).collect();
        Ok(Some(crate::domain::GradeStats::from_counts(
            enrolled, &counts,
        )))
    }

    /// Student `student`'s transcript: every course taken, in the order
    /// taken (none: no such student).
    pub async fn transcript(
        &self,
        student: i64,
    ) -> Result<Option<crate::domain::Transcript>, DbError> {
        let Some(found) = self.get::<crate::domain::Student>(student).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {ENROLMENT_SELECT} FROM {ENROLMENT_FROM} \
             WHERE e.student_id = $1 ORDER BY e.enrolled_on, c.code, e.id"
        );
        let rows: Vec<Enrolment> = self.all_as(sql, vec![Arg::Int(student)]).await?;
        let lines = crate::domain::Transcript::of_enrolments(rows)
            .pop()
            .map(|t| t.lines)
            .unwrap_or_default();
        Ok(Some(crate::domain::Transcript {
            student,
            name: format!("{} {}", found.firstname, found.lastname),
            email: found.email,
            lines,
        }))
    }

    /// The transcripts of everyone enrolled in course `course`, by name,
    /// each with all of the student's courses, read in one query (none: no
    /// such course).
    pub async fn course_transcripts(
        &self,
        course: i64,
    ) -> Result<Option<(Course, Vec<crate::domain::Transcript>)>, DbError> {
        let Some(found) = self.get::<Course>(course).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {ENROLMENT_SELECT} FROM enrolments x \
             JOIN enrolments e ON e.student_id = x.student_id \
             JOIN courses c ON c.id = e.course_id JOIN students s ON s.id = e.student_id \
             WHERE x.course_id = $1 \
             ORDER BY s.lastname, s.firstname, s.id, e.enrolled_on, c.code, e.id"
        );
        let rows: Vec<Enrolment> = self.all_as(sql, vec![Arg::Int(course)]).await?;
        Ok(Some((
            found,
            crate::domain::Transcript::of_enrolments(rows),
        )))
    }

    /// Sets the grades of a course's grade sheet, in one transaction: each
    /// as [`Db::set_grade`] would, on its enrolment still at its version.
    /// Rows changed since the sheet was opened are left as they are; the
    /// others are saved. Answers the ids of the ones left. An enrolment
    /// not in `course` refuses the whole sheet (`NotFound`).
    pub async fn set_grades(
        &self,
        by: &By,
        course: i64,
        changes: &[crate::domain::GradeChange],
    ) -> Result<Vec<i64>, DbError> {
        let taught_by = by.grading()?;
        let sql = EnrolSql::new(self.backend());
        #[derive(Debug, Deserialize, sqlx::FromRow)]
        struct Of {
            id: i64,
            course_id: i64,
        }
        let ids: Vec<Arg> = changes.iter().map(|c| Arg::Int(c.id)).collect();
        let of_course = "SELECT id, course_id FROM enrolments WHERE id IN ({in})";
        let found: std::collections::HashSet<i64> = self
            .chunked::<Of>(of_course, ids)
            .await?
            .into_iter()
            .filter(|e| e.course_id == course)
            .map(|e| e.id)
            .collect();
        if changes.iter().any(|c| !found.contains(&c.id)) {
            return Err(DbError::NotFound(Kind::Enrolment));
        }
        write_tx!(self, tx => {
            if let Some(user) = taught_by {
                if !super::roles::teaches!(tx, course = course, user = user)? {
                    return Err(not_taught());
                }
            }
            let mut left = Vec::new();
            for change in changes {
                match grade_in!(tx, sql, by, change.id, change.version, change.grade) {
                    Ok(_) => {}
                    Err(DbError::Stale) | Err(DbError::NotFound(_)) => left.push(change.id),
                    Err(error) => return Err(error),
                }
            }
            left
        })
    }

    /// Writes every one of `writes` (an enrolment, or a grade) in one
    /// transaction, each as [`Db::enrol`] or [`Db::set_grade`] would:
    /// all or none; import `by.import` noted applied with `counts` in it,
    /// and what each write did kept with it, for its undo. `progress`
    /// counts the writes done. A refusal says which write (its index)
    /// and why.
    pub(crate) async fn enrol_all(
        &self,
        by: &By,
        writes: &[EnrolmentWrite],
        counts: &crate::domain::import::ImportCounts,
        progress: &super::import::Progress,
    ) -> Result<(), (usize, DbError)> {
        let backend = self.backend();
        let sql = EnrolSql::new(backend);
        let given_ids = writes
            .iter()
            .any(|w| matches!(w, EnrolmentWrite::Enrol(EnrolWrite { id: Some(_), .. })));
        let failed = super::write::FailedAt::default();
        let done = write_tx!(self, tx => {
            progress.store(0, std::sync::atomic::Ordering::Relaxed);
            super::import::mark_applied!(tx, backend, by, counts, failed);
            let mut written = Vec::with_capacity(writes.len());
            for (i, write) in writes.iter().enumerate() {
                let did = match *write {
                    EnrolmentWrite::Enrol(w) => enrol_in!(tx, sql, by, w)
                        .map(|e| EnrolmentWritten { id: e.id, version: e.version, did: Did::Enrolled }),
                    EnrolmentWrite::Grade { id, version, grade } => {
                        grade_in!(tx, sql, by, id, version, grade).map(|was| EnrolmentWritten {
                            id,
                            version: version + 1,
                            did: Did::Graded { was },
                        })
                    }
                };
                match did {
                    Ok(did) => {
                        written.push(did);
                        progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Err(error) => {
                        failed.note(i);
                        return Err(error);
                    }
                }
            }
            if given_ids && backend == Backend::Postgres {
                sqlx::query(
                    "SELECT setval(pg_get_serial_sequence('enrolments', 'id'), \
                     GREATEST((SELECT MAX(id) FROM enrolments), 1))",
                )
                .execute(&mut *tx)
                .await?;
            }
            if let Some(import) = by.import {
                sqlx::query("UPDATE imports SET written = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&written).unwrap_or_else(|_| "[]".into()))
                    .bind(import)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        failed.name(done)
    }

    /// Undoes what [`Db::enrol_all`] wrote for import `import` (`written`),
    /// in one transaction: its enrolments ended, its grades put back, each
    /// with its history entries, and the import noted undone. Anything
    /// changed meanwhile refuses it all (`Stale`).
    pub(crate) async fn unenrol_all(
        &self,
        by: &By,
        import: i64,
        written: &[EnrolmentWritten],
    ) -> Result<(), DbError> {
        let sql = EnrolSql::new(self.backend());
        write_tx!(self, tx => {
            undo_enrolments!(tx, sql, by, written)?;
            super::import::mark_undone!(tx, import);
        })
    }

    /// Ends an enrolment (the student leaves the course).
    pub async fn unenrol(&self, by: &By, id: i64) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Delete)?;
        let sql = EnrolSql::new(self.backend());
        write_tx!(self, tx => {
            let found = sqlx::query_as::<_, Enrolment>(&sql.read).bind(id).fetch_optional(&mut *tx).await?;
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

/// A teacher grading outside the courses they teach.
pub fn not_taught() -> DbError {
    DbError::Denied(
        "You can set grades only in the courses you teach. Ask a clerk to add you as this course's teacher."
            .into(),
    )
}
