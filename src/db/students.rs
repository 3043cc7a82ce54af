//! How students are stored.

use super::import::{FileColumn, Imported, Use};
use crate::domain::import::ImportKind;

use super::export::{Column, Exported};
use super::list::Arg;
use super::{Backend, Children, Db, DbError, Keep, Listed, Ref, Rule, Table, Valid};
use crate::domain::{Kind, Student, StudentList, StudentSort};

impl Table for Student {
    const TABLE: &'static str = "students";
    const SELECT: &'static str =
        "id, firstname, lastname, email, age, created_at, bio, version, course_count";
    const WRITES: &'static [&'static str] = &["firstname", "lastname", "email", "age", "bio"];
    const TITLE: &'static str = "firstname || ' ' || lastname";
    const RULES: &'static [Rule] = &[Rule::Unique {
        column: "email",
        fold: "lower",
        constraint: "students_email_key",
    }];
    /// Their enrolments go with them.
    const CHILDREN: &'static [Children] = &[Children {
        kind: Kind::Enrolment,
        table: "enrolments",
        column: "student_id",
        constraint: "enrolments_student_fkey",
        title: "(SELECT code FROM courses WHERE courses.id = enrolments.course_id)",
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
            column: "course_id",
            table: "courses",
            kind: Kind::Course,
        }],
        // Courses filled up meanwhile take no one back.
        keeps: Some(Keep {
            sql: "SELECT c.code FROM enrolments e JOIN courses c ON c.id = e.course_id \
                  WHERE e.student_id = $1 AND c.capacity IS NOT NULL AND c.enrolled > c.capacity",
            broken: "{} is full now",
        }),
    }];

    fn values(new: &Valid<Self>) -> Vec<Arg> {
        vec![
            Arg::text(&new.firstname),
            Arg::text(&new.lastname),
            Arg::text(&new.email),
            Arg::opt_int(new.age.map(|a| a.get())),
            Arg::opt_text(new.bio.as_ref()),
        ]
    }
}

impl Imported for Student {
    const IMPORT: ImportKind = ImportKind::Students;
    const FILE: &'static [FileColumn] = &[
        FileColumn::new("id", Use::Id, ""),
        FileColumn::new("firstname", Use::Field, "Ada"),
        FileColumn::new("lastname", Use::Field, "Lovelace"),
        FileColumn::new("email", Use::Field, "ada@example.org"),
        FileColumn::new("age", Use::Field, "36"),
        FileColumn::new("bio", Use::Field, "Writes the first programs."),
    ];
    const MATCH: Option<&'static str> = Some("email");
}

impl Listed for StudentList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("created_at"));
    type Row = Student;
    /// Bios are cut to one character more than the list shows, which tells
    /// the page that the bio goes on.
    const SELECT: &'static str = "id, firstname, lastname, email, age, created_at, \
         substr(bio, 1, 81) AS bio, version, course_count";
    const FROM: &'static str = "students";
    const COUNTER: Option<&'static str> = Some("students");
    const SEARCH: &'static [&'static str] = &["firstname || ' ' || lastname", "email"];

    fn order(sort: StudentSort, backend: Backend) -> &'static str {
        // Ages may be missing; those students go last in both directions.
        // SQLite has an index on exactly `(age IS NULL), age, id` for the
        // ascending case.
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
}

impl Exported for StudentList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "id"),
        Column::text("firstname", "firstname"),
        Column::text("lastname", "lastname"),
        Column::text("email", "email"),
        Column::int("age", "age"),
        Column::text("bio", "bio"),
    ];
}

impl Db {
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
}
