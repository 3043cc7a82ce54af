//! A class list from a file: enrolments, each a course (by code) and a
//! student (by email), with an optional grade and day. Enrolments are not
//! records of their own (they are the link between two, with the
//! course's capacity rule), so this is the one import not driven by
//! [`Imported`](super::import::Imported); it shares everything else with
//! the others (the file's reading and matching, the preview, the kept
//! import, the refusals) and writes through the enrol form's own write
//! ([`Db::enrol_all`]).

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::courses::{EnrolWrite, EnrolmentWrite, EnrolmentWritten};
use super::history::By;
use super::import::{
    moved, refused, Applied, FileColumn, ImportError, Keyed, Matched, Progress, Undone, Use,
};
use super::list::Arg;
use super::{Db, DbError};
use crate::domain::import::{ImportCounts, Preview, PreviewRow, RowOutcome};
use crate::domain::{Date, FormInput, GradeInput, NewEnrolment, ALREADY_ENROLLED, COURSE_FULL};

/// A class list's columns: a course's students' export (so it imports
/// back unchanged).
pub const CLASS_LIST: &[FileColumn] = &[
    FileColumn::new("id", Use::Id, ""),
    FileColumn::new("course_code", Use::Field, "MATH-101"),
    FileColumn::new("course_title", Use::Shown, "Algebra I"),
    FileColumn::new("student_email", Use::Field, "ada@example.com"),
    FileColumn::new("student_name", Use::Shown, "Ada Lovelace"),
    FileColumn::new("grade", Use::Field, "91"),
    FileColumn::new("enrolled_on", Use::Field, "2026-09-01"),
];

/// An enrolment as the plan needs it.
#[derive(Debug, Clone, Deserialize, sqlx::FromRow)]
struct Held {
    id: i64,
    course_id: i64,
    student_id: i64,
    grade: Option<i64>,
    version: i64,
}

/// A course found by its code, with its seats.
#[derive(Debug, Clone, Deserialize, sqlx::FromRow)]
struct Seats {
    id: i64,
    key: String,
    capacity: Option<i64>,
    enrolled: i64,
}

const HELD: &str = "SELECT id, course_id, student_id, grade, version FROM enrolments";

struct Plan {
    preview: Preview,
    writes: Vec<Option<EnrolmentWrite>>,
}

fn ints(ids: impl IntoIterator<Item = i64>) -> Vec<Arg> {
    ids.into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .map(Arg::Int)
        .collect()
}

impl Db {
    /// What importing class list `rows` under `headers` would do, writing
    /// nothing.
    pub async fn enrolments_preview(
        &self,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
    ) -> Result<Preview, ImportError> {
        Ok(self.class_list(headers, rows).await?.preview)
    }

    async fn class_list(
        &self,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
    ) -> Result<Plan, ImportError> {
        let matched = Matched::new(CLASS_LIST, headers);
        let cell = |values: &[String], name: &str| matched.cell(values, name);
        let key = |values: &[String], name: &str| {
            cell(values, name)
                .map(|v| v.to_lowercase())
                .filter(|v| !v.is_empty())
        };

        // Everything the rows name, read a chunk at a time.
        let codes: HashSet<String> = rows
            .iter()
            .filter_map(|(_, v)| key(v, "course_code"))
            .collect();
        let emails: HashSet<String> = rows
            .iter()
            .filter_map(|(_, v)| key(v, "student_email"))
            .collect();
        let given = rows
            .iter()
            .filter_map(|(_, v)| cell(v, "id").and_then(|id| id.parse::<i64>().ok()));
        let sql = "SELECT id, lower(code) AS key, capacity, enrolled FROM courses \
                   WHERE lower(code) IN ({in})";
        let courses: HashMap<String, Seats> = self
            .chunked::<Seats>(sql, codes.iter().map(Arg::text).collect())
            .await?
            .into_iter()
            .map(|c| (c.key.clone(), c))
            .collect();
        let students: HashMap<String, i64> = self
            .keyed("students", "email", &emails)
            .await?
            .into_iter()
            .map(|Keyed { id, key }| (key, id))
            .collect();
        let by_id: HashMap<i64, Held> = self
            .chunked::<Held>(&format!("{HELD} WHERE id IN ({{in}})"), ints(given))
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let by_pair: HashMap<(i64, i64), Held> = self
            .chunked::<Held>(
                &format!("{HELD} WHERE student_id IN ({{in}})"),
                ints(students.values().copied()),
            )
            .await?
            .into_iter()
            .map(|e| ((e.course_id, e.student_id), e))
            .collect();

        let mut out = Vec::with_capacity(rows.len());
        let mut writes = Vec::with_capacity(rows.len());
        let mut lines_by_pair: HashMap<(i64, i64), usize> = HashMap::new();
        let mut lines_by_id: HashMap<i64, usize> = HashMap::new();
        // Seats the file's earlier rows take, by course.
        let mut taken: HashMap<i64, i64> = HashMap::new();
        for (line, values) in rows {
            let mut cells: Vec<(String, String)> = Vec::new();
            let mut error = |column: &str, message: String| cells.push((column.into(), message));
            let given_id = match cell(values, "id").filter(|v| !v.is_empty()) {
                None => None,
                Some(v) => match v.parse::<i64>() {
                    Ok(id) if id > 0 => Some(id),
                    _ => {
                        error(
                            "id",
                            "Enter a record's id (a whole number), or leave it empty for a new one."
                                .into(),
                        );
                        None
                    }
                },
            };
            let by_given = given_id.and_then(|id| by_id.get(&id));
            // The course and the student: named, or (by an id alone) the
            // enrolment's own.
            let course = match key(values, "course_code") {
                Some(code) => match courses.get(&code) {
                    Some(c) => Some(c.id),
                    None => {
                        error("course_code", "No course has this code.".into());
                        None
                    }
                },
                None => match by_given {
                    Some(e) => Some(e.course_id),
                    None => {
                        error("course_code", "Enter the course's code.".into());
                        None
                    }
                },
            };
            let student = match key(values, "student_email") {
                Some(email) => match students.get(&email) {
                    Some(id) => Some(*id),
                    None => {
                        error("student_email", "No student has this email address.".into());
                        None
                    }
                },
                None => match by_given {
                    Some(e) => Some(e.student_id),
                    None => {
                        error("student_email", "Enter the student's email address.".into());
                        None
                    }
                },
            };
            // The form's own parsers, and so its words.
            let grade = cell(values, "grade").map(|grade| {
                GradeInput {
                    grade,
                    version: String::new(),
                }
                .parse()
            });
            let grade = match grade {
                Some(Ok(grade)) => Some(grade),
                Some(Err(errors)) => {
                    for e in errors.0 {
                        error(&e.field, e.message);
                    }
                    None
                }
                None => None,
            };
            let enrolled_on =
                match Date::parse_optional(&cell(values, "enrolled_on").unwrap_or_default()) {
                    Ok(day) => day,
                    Err(message) => {
                        error("enrolled_on", message);
                        None
                    }
                };
            // Its enrolment: by id, else by the pair.
            let current = match (given_id, course, student) {
                (Some(id), _, _) => by_id.get(&id),
                (None, Some(c), Some(s)) => by_pair.get(&(c, s)),
                _ => None,
            };
            if let (Some(e), Some(c), Some(s)) = (current, course, student) {
                if e.course_id != c {
                    error(
                        "course_code",
                        format!("Enrolment {} is in another course.", e.id),
                    );
                }
                if e.student_id != s {
                    error(
                        "student_email",
                        format!("Enrolment {} is another student's.", e.id),
                    );
                }
            }
            if let (None, Some(c), Some(s)) = (current, course, student) {
                if by_pair.contains_key(&(c, s)) {
                    error("student_email", ALREADY_ENROLLED.into());
                }
            }
            if let Some(id) = given_id {
                if let Some(first) = lines_by_id.insert(id, *line) {
                    error("id", format!("Line {first} is this enrolment too."));
                }
            }
            if let (Some(c), Some(s)) = (course, student) {
                if let Some(first) = lines_by_pair.insert((c, s), *line) {
                    error(
                        "student_email",
                        format!("Line {first} has this student in this course too."),
                    );
                }
            }
            let outcome = match (cells.is_empty(), current, course, student) {
                (true, Some(e), _, _) => match grade {
                    Some(grade) if grade != e.grade => {
                        writes.push(Some(EnrolmentWrite::Grade {
                            id: e.id,
                            version: e.version,
                            grade,
                        }));
                        let text = |g: Option<i64>| g.map(|g| g.to_string()).unwrap_or_default();
                        RowOutcome::Update {
                            id: e.id,
                            version: e.version,
                            changes: vec![("grade".into(), text(e.grade), text(grade))],
                        }
                    }
                    _ => {
                        writes.push(None);
                        RowOutcome::Unchanged { id: e.id }
                    }
                },
                (true, None, Some(course_id), Some(student_id)) => {
                    let seats = courses.values().find(|c| c.id == course_id);
                    let after = taken.get(&course_id).copied().unwrap_or(0) + 1;
                    let full = seats
                        .and_then(|c| c.capacity.map(|cap| c.enrolled + after > cap))
                        .unwrap_or(false);
                    if full {
                        writes.push(None);
                        RowOutcome::Error {
                            cells: vec![("course_code".into(), COURSE_FULL.into())],
                        }
                    } else {
                        taken.insert(course_id, after);
                        writes.push(Some(EnrolmentWrite::Enrol(EnrolWrite {
                            new: NewEnrolment {
                                student_id,
                                course_id,
                                enrolled_on,
                            },
                            grade: grade.flatten(),
                            id: given_id,
                        })));
                        RowOutcome::New
                    }
                }
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
        Ok(Plan {
            preview: matched.preview(out),
            writes,
        })
    }

    /// Writes what a preview of class list `rows` found, now, in one
    /// transaction ([`Db::enrol_all`]); as [`Db::import_apply`] does for
    /// records.
    pub async fn enrolments_apply(
        &self,
        by: &By,
        headers: &[String],
        rows: &[(usize, Vec<String>)],
        earlier: &Preview,
        all: bool,
        progress: &Progress,
    ) -> Result<Applied, ImportError> {
        by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Import)?;
        let plan = self.class_list(headers, rows).await?;
        let counts = ImportCounts::of(&plan.preview.rows);
        let moved = moved(&plan.preview.rows, &earlier.rows);
        if !moved.is_empty() {
            return Ok(Applied::Moved(moved));
        }
        if all && counts.errors > 0 {
            return Ok(Applied::HasErrors(counts.errors));
        }
        let lines: Vec<usize> = plan
            .writes
            .iter()
            .zip(&plan.preview.rows)
            .filter(|(w, _)| w.is_some())
            .map(|(_, row)| row.line)
            .collect();
        let writes: Vec<EnrolmentWrite> = plan.writes.into_iter().flatten().collect();
        let written = self.enrol_all(by, &writes, &counts, progress).await;
        refused(written.map(|_| counts), &lines)
    }

    /// Undoes applied class list import `import` as a whole, in one
    /// transaction: its enrolments ended, its grades put back; only while
    /// none of them changed since (otherwise they are named, and nothing
    /// is undone).
    pub async fn enrolments_undo(&self, by: &By, import: i64) -> Result<Undone, DbError> {
        by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Import)?;
        #[derive(Debug, Deserialize, sqlx::FromRow)]
        struct Import {
            status: String,
            written: Option<String>,
        }
        let found: Option<Import> = self
            .first_as(
                "SELECT status, written FROM imports WHERE id = $1".into(),
                vec![Arg::Int(import)],
            )
            .await?;
        let Some(Import {
            status,
            written: Some(written),
        }) = found
        else {
            return Ok(Undone::NotApplied);
        };
        if status != "applied" {
            return Ok(Undone::NotApplied);
        }
        let written: Vec<EnrolmentWritten> = serde_json::from_str(&written).map_err(|_| {
            DbError::Unavailable(format!("import {import}: what it wrote does not read"))
        })?;
        // Named when changed since: the student and the course.
        #[derive(Debug, Deserialize, sqlx::FromRow)]
        struct Now {
            id: i64,
            version: i64,
            title: String,
        }
        let sql = "SELECT e.id, e.version, s.firstname || ' ' || s.lastname || ' in ' || c.code AS title \
                   FROM enrolments e JOIN courses c ON c.id = e.course_id \
                   JOIN students s ON s.id = e.student_id WHERE e.id IN ({in})";
        let now: HashMap<i64, Now> = self
            .chunked::<Now>(sql, ints(written.iter().map(|w| w.id)))
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect();
        let changed: Vec<String> = written
            .iter()
            .filter_map(|w| match now.get(&w.id) {
                Some(n) if n.version == w.version => None,
                Some(n) => Some(n.title.clone()),
                None => Some(format!("enrolment {} (ended since)", w.id)),
            })
            .collect();
        if !changed.is_empty() {
            return Ok(Undone::Changed(changed));
        }
        let removed = written
            .iter()
            .filter(|w| w.did == super::courses::Did::Enrolled)
            .count();
        match self.unenrol_all(by, import, &written).await {
            Ok(()) => Ok(Undone::Done {
                removed,
                restored: written.len() - removed,
            }),
            Err(DbError::Stale) | Err(DbError::NotFound(_)) => Ok(Undone::Changed(Vec::new())),
            Err(error) => Err(error),
        }
    }
}
