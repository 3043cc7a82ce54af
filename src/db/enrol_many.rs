//! Writes of many enrolments at once (a bulk action's, an undo's): the
//! same rules, version guards and history entries as one enrolment's
//! (`enrol_in!`, `grade_in!`), in a few statements per chunk of
//! enrolments rather than a few per enrolment. Each answers what it did,
//! in the order it was given, for the batch's undo; a refusal notes the
//! index of the enrolment it is about in a [`FailedAt`].
//!
//! [`FailedAt`]: super::write::FailedAt

use super::courses::{Did, EnrolWrite, EnrolmentWritten};

/// Enrolments per statement. An enrolment writes two history entries of
/// nine values each: a chunk stays far below either backend's limit on
/// bound values.
pub(super) const MANY: usize = 500;

/// `$from, $from+1, …` for `n` values, comma-separated.
pub(super) fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The INSERT of `n` history entries.
pub(super) fn entries_sql(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|row| format!("({})", marks(row * 9 + 1, 9)))
        .collect();
    format!(
        "INSERT INTO history \
         (account_id, action, kind, record_id, title, changes, request_id, import_id, batch_id) \
         VALUES {}",
        rows.join(", ")
    )
}

/// The INSERT of `n` enrolments, brought back with their ids and
/// versions (`again`) or new: (course, student, day or none for `$today`,
/// grade[, id, version]) each.
pub(super) fn insert_sql(n: usize, again: bool, today: &str) -> String {
    let width = if again { 6 } else { 4 };
    let rows: Vec<String> = (0..n)
        .map(|row| {
            let at = row * width + 1;
            let id = if again {
                format!(", ${}, ${}", at + 4, at + 5)
            } else {
                String::new()
            };
            format!(
                "(${}, ${}, COALESCE(${}, {today}), ${}{id})",
                at,
                at + 1,
                at + 2,
                at + 3
            )
        })
        .collect();
    let id = if again { ", id, version" } else { "" };
    format!(
        "INSERT INTO enrolments (course_id, student_id, enrolled_on, grade{id}) VALUES {}",
        rows.join(", ")
    )
}

/// An undo's writes, in the order they are undone: runs of one kind of
/// write, none touching an enrolment twice, each written a chunk at a time.
#[derive(Debug, PartialEq)]
pub(super) enum Run {
    /// Enrolments made (id, version): ended.
    End(Vec<(i64, i64)>),
    /// Grades set (id, version, the grade before): put back.
    Grade(Vec<(i64, i64, Option<i64>)>),
    /// Enrolments ended: made again as they were, each with the version
    /// it ended at.
    Enrol(Vec<EnrolWrite>, Vec<i64>),
}

/// The runs that undo `written` (last write first).
pub(super) fn undo_runs(written: &[EnrolmentWritten]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for w in written.iter().rev() {
        let fits = match (runs.last(), w.did) {
            (Some(Run::End(_)), Did::Enrolled)
            | (Some(Run::Grade(_)), Did::Graded { .. })
            | (Some(Run::Enrol(..)), Did::Unenrolled { .. }) => seen.insert(w.id),
            _ => false,
        };
        if !fits {
            seen.clear();
            seen.insert(w.id);
            runs.push(match w.did {
                Did::Enrolled => Run::End(Vec::new()),
                Did::Graded { .. } => Run::Grade(Vec::new()),
                Did::Unenrolled { .. } => Run::Enrol(Vec::new(), Vec::new()),
            });
        }
        match (runs.last_mut(), w.did) {
            (Some(Run::End(at)), _) => at.push((w.id, w.version)),
            (Some(Run::Grade(rows)), Did::Graded { was }) => rows.push((w.id, w.version, was)),
            (
                Some(Run::Enrol(rows, versions)),
                Did::Unenrolled {
                    course,
                    student,
                    on,
                    grade,
                },
            ) => {
                rows.push(EnrolWrite {
                    new: crate::domain::NewEnrolment {
                        course_id: course,
                        student_id: student,
                        enrolled_on: Some(on),
                    },
                    grade,
                    id: Some(w.id),
                });
                versions.push(w.version);
            }
            _ => {}
        }
    }
    runs
}

/// The rows of `$sql` (a query of `$row`s whose `{in}` is replaced by
/// the placeholders of `$ids`) in `$tx`.
macro_rules! fetch_in {
    ($tx:ident, $row:ty, $sql:expr, $ids:expr) => {{
        let ids: &[i64] = $ids;
        let sql = $sql.replace("{in}", &super::enrol_many::marks(1, ids.len()));
        let mut query = sqlx::query_as::<_, $row>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(&mut *$tx).await?
    }};
}
pub(super) use fetch_in;

/// Enrolments read with their course and student, `{in}` to fill.
pub(super) fn read_sql(by: &str) -> String {
    format!(
        "SELECT {} FROM {} WHERE {by} IN ({{in}})",
        super::courses::ENROLMENT_SELECT,
        super::courses::ENROLMENT_FROM
    )
}

/// The enrolments `$ids` as read in transaction `$tx`, by id.
macro_rules! enrolments_in {
    ($tx:ident, $ids:expr) => {{
        let sql = super::enrol_many::read_sql("e.id");
        super::enrol_many::fetch_in!($tx, crate::domain::Enrolment, sql, $ids)
            .into_iter()
            .map(|e| (e.id, e))
            .collect::<std::collections::HashMap<i64, crate::domain::Enrolment>>()
    }};
}
pub(super) use enrolments_in;

/// Writes history entries `$entries` (each one's values) in `$tx`, many
/// to a statement.
macro_rules! write_entries {
    ($tx:ident, $entries:expr) => {{
        let entries: Vec<Vec<super::list::Arg>> = $entries;
        for chunk in entries.chunks(super::enrol_many::MANY) {
            let sql = super::enrol_many::entries_sql(chunk.len());
            super::list::bind_args!(sqlx::query(&sql), chunk.iter().flatten())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(super) use write_entries;

/// Chunk `$chunk` (of the enrolments' (id, version, …) as expected,
/// starting at index `$start`) read in `$tx`: their ids, and each one by
/// id. One gone or at another version refuses it (`NotFound`, `Stale`),
/// noted in `$failed`.
macro_rules! read_unchanged {
    ($tx:ident, $chunk:expr, $start:expr, $failed:expr) => {{
        let ids: Vec<i64> = $chunk.iter().map(|r| r.0).collect();
        let before = super::enrol_many::enrolments_in!($tx, &ids);
        let changed = $chunk
            .iter()
            .enumerate()
            .find_map(|(i, row)| match before.get(&row.0) {
                None => Some((i, super::DbError::NotFound(crate::domain::Kind::Enrolment))),
                Some(e) if e.version != row.1 => Some((i, super::DbError::Stale)),
                Some(_) => None,
            });
        if let Some((i, why)) = changed {
            $failed.note($start + i);
            return Err(why);
        }
        (ids, before)
    }};
}
pub(super) use read_unchanged;

/// Runs `$query` (answering each enrolment written's id and version),
/// its last values `$ids` bound, in `$tx`: each of `$chunk` (from index `$start`) must be at the version
/// `$expected` gives it. A write between the read and this one
/// (PostgreSQL's READ COMMITTED) shows as a version moved on further:
/// `Stale`, noted in `$failed`.
macro_rules! expect_versions {
    ($tx:ident, $query:expr, $ids:expr, $chunk:expr, $start:expr, $failed:expr, $expected:expr) => {{
        let mut query = $query;
        for id in $ids {
            query = query.bind(*id);
        }
        let done: std::collections::HashMap<i64, i64> =
            query.fetch_all(&mut *$tx).await?.into_iter().collect();
        if let Some(i) = $chunk
            .iter()
            .position(|row| done.get(&row.0) != Some(&$expected(row)))
        {
            $failed.note($start + i);
            return Err(super::DbError::Stale);
        }
    }};
}
pub(super) use expect_versions;

/// Sets each of `$rows` (enrolment, its version, the grade to set) in
/// `$tx`, with the history entries of those whose grade changes. Answers
/// what it did; a refusal (`Stale`, `NotFound`) notes the row in `$failed`.
macro_rules! grade_many {
    ($tx:ident, $by:expr, $rows:expr, $failed:expr) => {{
        let (by, rows): (&super::history::By, &[(i64, i64, Option<i64>)]) = ($by, $rows);
        async {
            let mut written = Vec::with_capacity(rows.len());
            for (c, chunk) in rows.chunks(super::enrol_many::MANY).enumerate() {
                let start = c * super::enrol_many::MANY;
                let (ids, before) = super::enrol_many::read_unchanged!($tx, chunk, start, $failed);
                let n = chunk.len();
                let cases: String = (0..n)
                    .map(|i| format!(" WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2))
                    .collect();
                let sql = format!(
                    "UPDATE enrolments SET grade = CASE id{cases} END, version = version + 1 \
                     WHERE id IN ({}) RETURNING id, version",
                    super::enrol_many::marks(2 * n + 1, n)
                );
                let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
                for (id, _, grade) in chunk {
                    query = query.bind(*id).bind(*grade);
                }
                super::enrol_many::expect_versions!(
                    $tx,
                    query,
                    &ids,
                    chunk,
                    start,
                    $failed,
                    |row: &(i64, i64, Option<i64>)| row.1 + 1
                );
                let mut entries = Vec::new();
                for (id, version, grade) in chunk {
                    let e = &before[id];
                    if e.grade != *grade {
                        entries.extend(super::history::enrolment(
                            by,
                            crate::domain::Action::Graded,
                            e,
                            Some((e.grade, *grade)),
                        ));
                    }
                    written.push(super::courses::EnrolmentWritten {
                        id: *id,
                        version: version + 1,
                        did: super::courses::Did::Graded { was: e.grade },
                    });
                }
                super::enrol_many::write_entries!($tx, entries);
            }
            Ok::<Vec<super::courses::EnrolmentWritten>, super::DbError>(written)
        }
        .await
    }};
}
pub(super) use grade_many;

/// Ends each of enrolments `$at` (id, version) in `$tx`, with its history
/// entries. Answers what it did; a refusal notes the enrolment in
/// `$failed`.
macro_rules! end_many {
    ($tx:ident, $by:expr, $at:expr, $failed:expr) => {{
        let (by, at): (&super::history::By, &[(i64, i64)]) = ($by, $at);
        async {
            let mut written = Vec::with_capacity(at.len());
            for (c, chunk) in at.chunks(super::enrol_many::MANY).enumerate() {
                let start = c * super::enrol_many::MANY;
                let (ids, before) = super::enrol_many::read_unchanged!($tx, chunk, start, $failed);
                let sql = format!(
                    "DELETE FROM enrolments WHERE id IN ({}) RETURNING id, version",
                    super::enrol_many::marks(1, ids.len())
                );
                let query = sqlx::query_as::<_, (i64, i64)>(&sql);
                super::enrol_many::expect_versions!(
                    $tx,
                    query,
                    &ids,
                    chunk,
                    start,
                    $failed,
                    |row: &(i64, i64)| row.1
                );
                let mut entries = Vec::with_capacity(2 * chunk.len());
                for (id, version) in chunk {
                    let e = &before[id];
                    entries.extend(super::history::enrolment(
                        by,
                        crate::domain::Action::Unenrolled,
                        e,
                        None,
                    ));
                    written.push(super::courses::EnrolmentWritten {
                        id: *id,
                        version: *version,
                        did: super::courses::Did::Unenrolled {
                            course: e.course_id,
                            student: e.student_id,
                            on: e.enrolled_on,
                            grade: e.grade,
                        },
                    });
                }
                super::enrol_many::write_entries!($tx, entries);
            }
            Ok::<Vec<super::courses::EnrolmentWritten>, super::DbError>(written)
        }
        .await
    }};
}
pub(super) use end_many;

/// Makes each of enrolments `$writes` in `$tx`, with its history entries
/// (its grade's too). `$again`: none for new enrolments; for enrolments
/// brought back (each with its id), the version each ended at, which it
/// comes back one past, so that what was read of it before is stale. Each
/// course's seats
/// read under its row lock, the students and the pairs checked, as
/// `enrol_in!` does for one. Answers what it did; a refusal (`Full`, a
/// `Constraint`) notes the write in `$failed`.
macro_rules! enrol_many {
    ($tx:ident, $sql:expr, $by:expr, $writes:expr, $again:expr, $failed:expr) => {{
        let (sql, by, writes, again): (
            &super::courses::EnrolSql,
            &super::history::By,
            &[super::courses::EnrolWrite],
            &[i64],
        ) = (&$sql, $by, $writes, $again);
        async {
            use std::collections::{HashMap, HashSet};
            let mut joining: HashMap<i64, usize> = HashMap::new();
            for w in writes {
                *joining.entry(w.new.course_id).or_default() += 1;
            }
            let mut courses: Vec<(i64, usize)> = joining.into_iter().collect();
            courses.sort_unstable();
            for (course, n) in courses {
                let seats: Option<(Option<i64>, i64)> = sqlx::query_as(sql.lock)
                    .bind(course)
                    .fetch_optional(&mut *$tx)
                    .await?;
                let at = writes
                    .iter()
                    .position(|w| w.new.course_id == course)
                    .unwrap_or(0);
                let Some((capacity, enrolled)) = seats else {
                    $failed.note(at);
                    return Err(super::DbError::Constraint("enrolments_course_fkey".into()));
                };
                if capacity.is_some_and(|capacity| enrolled + n as i64 > capacity) {
                    $failed.note(at);
                    return Err(super::DbError::Full);
                }
            }
            let mut written = Vec::with_capacity(writes.len());
            for (c, chunk) in writes.chunks(super::enrol_many::MANY).enumerate() {
                let start = c * super::enrol_many::MANY;
                let students: Vec<i64> = chunk.iter().map(|w| w.new.student_id).collect();
                let found: HashSet<(i64,)> = super::enrol_many::fetch_in!(
                    $tx,
                    (i64,),
                    "SELECT id FROM students WHERE id IN ({in})",
                    &students
                )
                .into_iter()
                .collect();
                if let Some(i) = students.iter().position(|id| !found.contains(&(*id,))) {
                    $failed.note(start + i);
                    return Err(super::DbError::Constraint("enrolments_student_fkey".into()));
                }
                let pairs: HashSet<(i64, i64)> = super::enrol_many::fetch_in!(
                    $tx,
                    (i64, i64),
                    "SELECT course_id, student_id FROM enrolments WHERE student_id IN ({in})",
                    &students
                )
                .into_iter()
                .collect();
                if let Some(i) = chunk
                    .iter()
                    .position(|w| pairs.contains(&(w.new.course_id, w.new.student_id)))
                {
                    $failed.note(start + i);
                    return Err(super::DbError::Constraint("enrolments_pair_key".into()));
                }
                let back = !again.is_empty();
                let query = super::enrol_many::insert_sql(chunk.len(), back, sql.today);
                let mut insert = sqlx::query(&query);
                for (i, w) in chunk.iter().enumerate() {
                    insert = insert
                        .bind(w.new.course_id)
                        .bind(w.new.student_id)
                        .bind(w.new.enrolled_on.map(super::courses::naive))
                        .bind(w.grade);
                    if back {
                        let ended = again.get(start + i).copied().unwrap_or_default();
                        insert = insert.bind(w.id.unwrap_or_default()).bind(ended + 1);
                    }
                }
                insert.execute(&mut *$tx).await?;
                let read = super::enrol_many::read_sql("e.student_id");
                let mut made: HashMap<(i64, i64), crate::domain::Enrolment> =
                    super::enrol_many::fetch_in!($tx, crate::domain::Enrolment, read, &students)
                        .into_iter()
                        .map(|e| ((e.course_id, e.student_id), e))
                        .collect();
                let mut entries = Vec::with_capacity(2 * chunk.len());
                for w in chunk {
                    let Some(e) = made.remove(&(w.new.course_id, w.new.student_id)) else {
                        return Err(super::DbError::Stale);
                    };
                    entries.extend(super::history::enrolment(
                        by,
                        crate::domain::Action::Enrolled,
                        &e,
                        None,
                    ));
                    if w.grade.is_some() {
                        entries.extend(super::history::enrolment(
                            by,
                            crate::domain::Action::Graded,
                            &e,
                            Some((None, w.grade)),
                        ));
                    }
                    written.push(super::courses::EnrolmentWritten {
                        id: e.id,
                        version: e.version,
                        did: super::courses::Did::Enrolled,
                    });
                }
                super::enrol_many::write_entries!($tx, entries);
            }
            Ok::<Vec<super::courses::EnrolmentWritten>, super::DbError>(written)
        }
        .await
    }};
}
pub(super) use enrol_many;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Date;

    fn w(id: i64, did: Did) -> EnrolmentWritten {
        EnrolmentWritten {
            id,
            version: 1,
            did,
        }
    }

    #[test]
    fn an_undo_runs_last_first_in_runs_that_touch_an_enrolment_once() {
        let on = Date::parse("2026-01-05").unwrap();
        let gone = Did::Unenrolled {
            course: 3,
            student: 4,
            on,
            grade: Some(70),
        };
        let written = [
            w(1, Did::Enrolled),
            w(2, Did::Enrolled),
            w(1, Did::Graded { was: None }),
            w(2, Did::Graded { was: Some(5) }),
            w(2, Did::Graded { was: Some(6) }),
            w(9, gone),
        ];
        let runs = undo_runs(&written);
        assert_eq!(runs.len(), 4, "{runs:?}");
        let Run::Enrol(back, ended) = &runs[0] else {
            panic!("{runs:?}")
        };
        assert_eq!(back[0].id, Some(9));
        assert_eq!(back[0].new.enrolled_on, Some(on));
        assert_eq!(back[0].grade, Some(70));
        assert_eq!(ended, &[1]);
        assert_eq!(runs[1], Run::Grade(vec![(2, 1, Some(6))]));
        assert_eq!(runs[2], Run::Grade(vec![(2, 1, Some(5)), (1, 1, None)]));
        assert_eq!(runs[3], Run::End(vec![(2, 1), (1, 1)]));
    }
}
