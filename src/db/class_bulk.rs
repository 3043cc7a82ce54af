//! Bulk actions on enrolments: students enrolled in a course, a class's
//! students unenrolled or given one grade. Each is one batch (one line of
//! the activity log, with its page) written with the rules, version
//! guards and history entries of one enrolment's form, a chunk of
//! enrolments at a time (`enrol_many!`, `grade_many!`, `end_many!`); what it did is
//! kept on the batch (`written`), as an import of a class list keeps it,
//! for one Undo of the whole.

use super::bulk::{changed_since, changed_sql, close_batch, mark_undone, note_written, open_batch};
use super::bulk::{BulkError, ChangedSince, Noted, CHUNK, NEW_BATCH};
use super::courses::{undo_enrolments, EnrolSql, EnrolWrite, EnrolmentWritten};
use super::enrol_many::{end_many, enrol_many, grade_many};
use super::history::{self, By};
use super::list::bind_args;
use super::write::FailedAt;
use super::{write_tx, Backend, Db, DbError};
use crate::domain::bulk::Batch;
use crate::domain::{Action, Enrolment, Kind, NewEnrolment};

/// The batch actions whose undo reads the batch's `written`.
pub const ENROLMENT_ACTIONS: [&str; 3] = ["enrol", "unenrol", "set:grade"];

/// The ids among `$students` already enrolled in course `$course`.
macro_rules! enrolled_among {
    ($tx:ident, $course:expr, $students:expr) => {{
        let mut found = std::collections::HashSet::new();
        for chunk in $students.chunks(CHUNK) {
            let marks: Vec<String> = (2..2 + chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT student_id FROM enrolments WHERE course_id = $1 AND student_id IN ({})",
                marks.join(", ")
            );
            let mut query = sqlx::query_scalar::<_, i64>(&sql).bind($course);
            for (id, _) in chunk {
                query = query.bind(*id);
            }
            found.extend(query.fetch_all(&mut *$tx).await?);
        }
        found
    }};
}

impl Db {
    /// Enrols each of `students` (id and name, none with a history entry
    /// from `mark` on) in `course`, as one batch: those enrolled already
    /// are left as they are; more than the seats left refuses it all,
    /// naming who did not fit. Answers the batch's id.
    pub async fn bulk_enrol(
        &self,
        by: &By,
        course: i64,
        students: &[(i64, String)],
        mark: i64,
    ) -> Result<i64, BulkError> {
        by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Add)?;
        let sql = EnrolSql::new(self.backend());
        let ids: Vec<i64> = students.iter().map(|(id, _)| *id).collect();
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            let by = open_batch!(tx, noted, by, Kind::Student, &ids, mark, "enrol", "Enrolled");
            let seats: Option<(Option<i64>, i64)> =
                sqlx::query_as(sql.lock).bind(course).fetch_optional(&mut *tx).await?;
            let named: Option<(String, String)> =
                sqlx::query_as("SELECT code, title FROM courses WHERE id = $1")
                    .bind(course)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (Some((capacity, enrolled)), Some((code, title))) = (seats, named) else {
                noted.note(BulkError::Db(DbError::Constraint("enrolments_course_fkey".into())));
                return Err(DbError::Stale);
            };
            let course_name = format!("{code} {title}");
            let already = enrolled_among!(tx, course, students);
            let joining: Vec<&(i64, String)> =
                students.iter().filter(|(id, _)| !already.contains(id)).collect();
            if joining.is_empty() {
                noted.note(BulkError::Refused(format!(
                    "{} enrolled in {course_name} already: there is nothing to do.",
                    match students.len() {
                        1 => "This student is".to_owned(),
                        n => format!("All {n} are"),
                    }
                )));
                return Err(DbError::Stale);
            }
            if let Some(capacity) = capacity {
                let free = usize::try_from(capacity - enrolled).unwrap_or(0);
                if joining.len() > free {
                    let left = joining[free..].iter().map(|(_, name)| name.clone()).collect();
                    noted.note(BulkError::Full { course: course_name, free, left });
                    return Err(DbError::Stale);
                }
            }
            let writes: Vec<EnrolWrite> = joining
                .iter()
                .map(|(student, _)| EnrolWrite {
                    new: NewEnrolment { course_id: course, student_id: *student, enrolled_on: None },
                    grade: None,
                    id: None,
                })
                .collect();
            let failed = FailedAt::default();
            let written = match enrol_many!(tx, sql, &by, &writes, &[], failed) {
                Ok(written) => written,
                Err(error) => {
                    let (at, error) = failed.at(error);
                    let (id, name) = joining.get(at).map(|(id, name)| (*id, name.clone())).unwrap_or_default();
                    noted.note(BulkError::At { id, title: name, error });
                    return Err(DbError::Stale);
                }
            };
            let mut label = format!("Enrolled {} in {course_name}", Kind::Student.count(written.len() as i64));
            if !already.is_empty() {
                label.push_str(&format!(" ({} already were)", already.len()));
            }
            note_written!(tx, by.batch, &label, &written);
            close_batch!(tx, by, Kind::Student, &label)
        });
        noted.name(done)
    }

    /// Ends each of `enrolments` of course `course` (its students none with
    /// a history entry from `mark` on), or sets each one's grade to
    /// `grade` (`Some`: the grade, itself maybe none), as one batch.
    /// Answers the batch's id.
    pub async fn bulk_enrolments(
        &self,
        by: &By,
        course: i64,
        enrolments: &[i64],
        grade: Option<Option<i64>>,
        mark: i64,
    ) -> Result<i64, BulkError> {
        // A grade is a change (a teacher's in the courses they teach); no
        // grade at all is unenrolling.
        let taught_by = match grade {
            Some(_) => by.grading()?,
            None => {
                by.require(crate::domain::Kind::Enrolment, crate::domain::Op::Delete)?;
                None
            }
        };
        let found: Vec<Enrolment> = self.enrolments_of(course, enrolments).await?;
        if found.len() != enrolments.len() {
            return Err(BulkError::Db(DbError::Stale));
        }
        let students: Vec<i64> = found.iter().map(|e| e.student_id).collect();
        let course_name = found
            .first()
            .map(|e| format!("{} {}", e.course_code, e.course_title))
            .unwrap_or_default();
        let n = Kind::Student.count(found.len() as i64);
        let (action, label) = match grade {
            None => ("unenrol", format!("Unenrolled {n} from {course_name}")),
            Some(Some(g)) => ("set:grade", format!("Graded {n} {g} in {course_name}")),
            Some(None) => (
                "set:grade",
                format!("Cleared the grades of {n} in {course_name}"),
            ),
        };
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            if let Some(user) = taught_by {
                if !super::roles::teaches!(tx, course = course, user = user)? {
                    return Err(super::courses::not_taught());
                }
            }
            // Grades and enrolments are in their students' histories.
            let by = open_batch!(tx, noted, by, Kind::Student, &students, mark, action, &label);
            let failed = FailedAt::default();
            let did = match grade {
                Some(grade) => {
                    let rows: Vec<(i64, i64, Option<i64>)> =
                        found.iter().map(|e| (e.id, e.version, grade)).collect();
                    grade_many!(tx, &by, &rows, failed)
                }
                None => {
                    let at: Vec<(i64, i64)> = found.iter().map(|e| (e.id, e.version)).collect();
                    end_many!(tx, &by, &at, failed)
                }
            };
            let written = match did {
                Ok(written) => written,
                Err(error) => {
                    let (at, error) = failed.at(error);
                    let (id, title) = found.get(at).map(|e| (e.id, e.student_name.clone())).unwrap_or_default();
                    noted.note(BulkError::At { id, title, error });
                    return Err(DbError::Stale);
                }
            };
            note_written!(tx, by.batch, &label, &written);
            close_batch!(tx, by, Kind::Student, &label)
        });
        noted.name(done)
    }

    /// Enrolments `ids` of course `course` (others left out), in order.
    pub async fn enrolments_of(&self, course: i64, ids: &[i64]) -> Result<Vec<Enrolment>, DbError> {
        use super::list::Arg;
        let sql = format!(
            "SELECT {} FROM {} WHERE e.id IN ({{in}})",
            super::courses::ENROLMENT_SELECT,
            super::courses::ENROLMENT_FROM
        );
        let found: Vec<Enrolment> = self
            .chunked(&sql, ids.iter().map(|id| Arg::Int(*id)).collect())
            .await?;
        let mut by_id: std::collections::HashMap<i64, Enrolment> = found
            .into_iter()
            .filter(|e| e.course_id == course)
            .map(|e| (e.id, e))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Undoes bulk action `batch` on enrolments as a whole, from what it
    /// wrote; refused whole once one of them changed since.
    pub async fn undo_enrolment_batch(&self, by: &By, batch: &Batch) -> Result<(), BulkError> {
        by.require_undo(crate::domain::Kind::Enrolment, &batch.action)?;
        if batch.undone() {
            return Err(BulkError::AlreadyUndone);
        }
        let backend = self.backend();
        let sql = EnrolSql::new(backend);
        let label = format!("Undone: {}", batch.label);
        let kind = batch.kind().unwrap_or(Kind::Student);
        let noted = Noted::default();
        let done = write_tx!(self, tx => {
            if !mark_undone!(tx, backend, batch.id) {
                noted.note(BulkError::AlreadyUndone);
                return Err(DbError::Stale);
            }
            let raw: Option<String> = sqlx::query_scalar("SELECT written FROM batches WHERE id = $1")
                .bind(batch.id)
                .fetch_one(&mut *tx)
                .await?;
            let written: Vec<EnrolmentWritten> =
                serde_json::from_str(raw.as_deref().unwrap_or("[]")).unwrap_or_default();
            let by = By { batch: Some(batch.id), ..by.clone() };
            match undo_enrolments!(tx, sql, &by, &written) {
                Ok(()) => {}
                Err(DbError::Stale) | Err(DbError::NotFound(_)) => {
                    noted.note(BulkError::Refused(
                        "It cannot be undone as a whole: one of its enrolments changed since \
                         (a grade set, or the student left or joined the course again). \
                         Nothing was undone."
                            .into(),
                    ));
                    return Err(DbError::Stale);
                }
                Err(DbError::Full) => {
                    noted.note(BulkError::Refused(
                        "It cannot be undone as a whole: the course has too few seats left for \
                         everyone to come back. Nothing was undone."
                            .into(),
                    ));
                    return Err(DbError::Stale);
                }
                Err(other) => return Err(other),
            }
            close_batch!(tx, by, kind, &label);
        });
        noted.name(done)
    }
}
