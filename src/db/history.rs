//! The history table: an entry per change, written by the change's own
//! transaction (see `table.rs`), read a page at a time per record.

use super::export::{Cell, Column, Exported};
use super::list::{Arg, ListSql};
use super::{Backend, Db, DbError, Listed};
use crate::domain::{
    urls, Action, ActivityFilter, ActivityList, ActivitySort, Change, Date, Edit, Enrolment,
    Grants, HistoryEntry, Kind, Op, Page,
};

/// Who made a change, and the request it came with: what the history
/// records beside the change itself. Never a secret: an account's id and
/// the request id the access log also shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct By {
    pub account: Option<i64>,
    pub request: Option<String>,
    /// The import the change comes from (`imports`), if any.
    pub import: Option<i64>,
    /// The bulk action the change is part of (`batches`), if any.
    pub batch: Option<i64>,
    /// What the writer's role allows. Every write helper checks it before
    /// it writes, so no path (page, server function, import, bulk action,
    /// restore) gets past it; the default allows nothing.
    pub grants: Grants,
}

impl By {
    /// The server's operator at the command line: everything.
    pub fn operator() -> By {
        By {
            grants: Grants::administrator(),
            ..By::default()
        }
    }

    /// Refuses unless the writer may do `op` with records of `kind`.
    pub fn require(&self, kind: Kind, op: Op) -> Result<(), DbError> {
        if self.grants.may(kind, op) {
            Ok(())
        } else {
            Err(DbError::Forbidden(kind, op))
        }
    }

    /// May the writer set grades: anywhere (`None`: the role changes
    /// enrolments), or only in the courses account `Some(user)` teaches
    /// (the teacher's grant; the write checks the course in its
    /// transaction)?
    pub fn grading(&self) -> Result<Option<i64>, DbError> {
        if self.grants.may(Kind::Enrolment, Op::Change) {
            Ok(None)
        } else if let (true, Some(user)) = (self.grants.teaches(), self.account) {
            Ok(Some(user))
        } else {
            Err(DbError::Forbidden(Kind::Enrolment, Op::Change))
        }
    }

    /// Refuses unless the writer is account `user` or an administrator.
    pub fn require_self(&self, user: i64) -> Result<(), DbError> {
        if self.account == Some(user) || self.grants.is_admin() {
            Ok(())
        } else {
            Err(DbError::Forbidden(Kind::Account, Op::Change))
        }
    }

    /// Refuses unless the writer may undo bulk action `batch` on `kind`:
    /// what the action itself needed.
    pub fn require_undo(&self, kind: Kind, action: &str) -> Result<(), DbError> {
        self.require(
            kind,
            if action == "delete" {
                Op::Delete
            } else {
                Op::Change
            },
        )
    }
}

/// The entry's INSERT; its values come from [`entry`].
pub(crate) const INSERT: &str = "INSERT INTO history \
     (account_id, action, kind, record_id, title, changes, request_id, import_id, batch_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// The values of an entry's INSERT.
pub(crate) fn entry(
    by: &By,
    action: Action,
    kind: Kind,
    id: i64,
    title: &str,
    changes: &[Change],
) -> Vec<Arg> {
    vec![
        Arg::opt_int(by.account),
        Arg::text(action.as_str()),
        Arg::text(kind.noun()),
        Arg::Int(id),
        Arg::text(title),
        Arg::Text(serde_json::to_string(changes).unwrap_or_else(|_| "[]".into())),
        Arg::opt_text(by.request.as_ref()),
        Arg::opt_int(by.import),
        Arg::opt_int(by.batch),
    ]
}

/// The values a create's entry is written with after the record's own
/// (see `table.rs`): the SQL supplies its id and title.
pub(crate) fn created(
    by: &By,
    action: Action,
    kind: Kind,
    fields: &[(String, String)],
) -> [Arg; 7] {
    let changes = crate::domain::field_changes(&[], fields);
    [
        Arg::opt_int(by.account),
        Arg::text(action.as_str()),
        Arg::text(kind.noun()),
        Arg::Text(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into())),
        Arg::opt_text(by.request.as_ref()),
        Arg::opt_int(by.import),
        Arg::opt_int(by.batch),
    ]
}

/// The two entries a change to enrolment `e` writes: in the student's
/// history, naming the course, and in the course's, naming the student.
/// `grade`: the grade before and after, for [`Action::Graded`].
pub(crate) fn enrolment(
    by: &By,
    action: Action,
    e: &Enrolment,
    grade: Option<(Option<i64>, Option<i64>)>,
) -> [Vec<Arg>; 2] {
    let course = format!("{} {}", e.course_code, e.course_title);
    let side = |field: String, other: &str, link: String| {
        let (was, now) = match (grade, action) {
            (Some((was, now)), _) => (grade_text(was), grade_text(now)),
            (None, Action::Unenrolled) => (other.to_owned(), String::new()),
            (None, _) => (String::new(), other.to_owned()),
        };
        let link = Some(link);
        vec![Change {
            field,
            was,
            now,
            link,
            diff: None,
        }]
    };
    let (of_student, of_course) = match grade {
        Some(_) => (
            format!("grade in {}", e.course_code),
            format!("grade of {}", e.student_name),
        ),
        None => ("course".to_owned(), "student".to_owned()),
    };
    let student = side(of_student, &course, urls::course(e.course_id));
    let course_side = side(of_course, &e.student_name, urls::student(e.student_id));
    [
        entry(
            by,
            action,
            Kind::Student,
            e.student_id,
            &e.student_name,
            &student,
        ),
        entry(by, action, Kind::Course, e.course_id, &course, &course_side),
    ]
}

fn grade_text(grade: Option<i64>) -> String {
    grade.map(|g| g.to_string()).unwrap_or_default()
}

/// The entry a comment added to (or deleted from) a pet writes in the
/// pet's history.
pub(crate) fn comment(by: &By, action: Action, pet: (i64, &str), body: &str) -> Vec<Arg> {
    let (was, now) = match action {
        Action::CommentDeleted => (body.to_owned(), String::new()),
        _ => (String::new(), body.to_owned()),
    };
    let change = Change {
        field: "comment".into(),
        was,
        now,
        link: None,
        diff: None,
    };
    entry(by, action, Kind::Pet, pet.0, pet.1, &[change])
}

/// A change to one field, for the entries written by hand.
pub(crate) fn change(field: &str, was: impl Into<String>, now: impl Into<String>) -> Change {
    Change {
        field: field.into(),
        was: was.into(),
        now: now.into(),
        link: None,
        diff: None,
    }
}

/// "yes" or "no", for a flag's change.
pub(crate) fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

/// Adds to each long text an entry changed its diff, word by word (see
/// [`Change::is_long_text`]).
fn with_diffs(entry: &mut HistoryEntry) {
    let mut changes = entry.changes();
    if !changes.iter().any(Change::is_long_text) {
        return;
    }
    for change in changes.iter_mut().filter(|c| c.is_long_text()) {
        change.diff = Some(words_diff(&change.was, &change.now));
    }
    if let Ok(json) = serde_json::to_string(&changes) {
        entry.changes = json;
    }
}

/// `was` → `now` as pieces that stayed, went or came, each a run of words
/// (with the spaces between them).
pub(crate) fn words_diff(was: &str, now: &str) -> Vec<(Edit, String)> {
    use similar::{ChangeTag, TextDiff};
    let mut pieces: Vec<(Edit, String)> = Vec::new();
    for change in TextDiff::from_words(was, now).iter_all_changes() {
        let edit = match change.tag() {
            ChangeTag::Equal => Edit::Same,
            ChangeTag::Delete => Edit::Gone,
            ChangeTag::Insert => Edit::Added,
        };
        match pieces.last_mut() {
            Some((last, text)) if *last == edit => text.push_str(change.value()),
            _ => pieces.push((edit, change.value().to_owned())),
        }
    }
    pieces
}

pub(crate) const SELECT: &str = "h.id, h.at, h.kind, h.record_id, h.account_id, \
     COALESCE(d.display_name, u.username) AS who, h.action, h.title, h.changes, h.import_id, \
     h.batch_id";
pub(crate) const FROM: &str = "history h LEFT JOIN users u ON u.id = h.account_id \
     LEFT JOIN user_details d ON d.user_id = h.account_id";

impl Db {
    /// Deletes the entries recorded before `day` (UTC); how many went.
    pub async fn prune_history(&self, day: Date) -> Result<i64, DbError> {
        let sql = match self.backend() {
            Backend::Sqlite => "DELETE FROM history WHERE at < $1",
            Backend::Postgres => {
                "DELETE FROM history WHERE at < (CAST($1 AS DATE)::timestamp AT TIME ZONE 'UTC')"
            }
        };
        let removed = self.execute(sql, &[Arg::Text(day.to_string())]).await?;
        Ok(i64::try_from(removed).unwrap_or(i64::MAX))
    }

    /// How many entries of records of `kind` put `marker` in as a value (a
    /// created student's email, a comment's text): for runs that check
    /// that every acknowledged write left its entry. Reads every entry.
    pub async fn count_history_marked(&self, kind: Kind, marker: &str) -> Result<i64, DbError> {
        let value = serde_json::to_string(marker).unwrap_or_default();
        let pattern = format!(
            "%{}",
            super::list::prefix_pattern(&format!("\"now\":{value}"))
        );
        let sql = "SELECT COUNT(*) FROM history WHERE kind = $1 AND changes LIKE $2 ESCAPE '\\'";
        let row: Option<(i64,)> = self
            .first_as(sql.into(), vec![Arg::text(kind.noun()), Arg::Text(pattern)])
            .await?;
        Ok(row.map_or(0, |(n,)| n))
    }

    /// A page of record `id`'s history (of type `kind`), newest first, with
    /// how many entries it has.
    pub async fn history(
        &self,
        kind: Kind,
        id: i64,
        per_page: u32,
        offset: i64,
    ) -> Result<Page<HistoryEntry>, DbError> {
        let mut sql = ListSql::new(self, SELECT, FROM)
            .count_from("history h")
            .order("h.id DESC");
        sql.filter("h.kind = ?", Arg::text(kind.noun()));
        sql.filter("h.record_id = ?", Arg::Int(id));
        // A bulk action's line names its batch, not a record.
        sql.condition("h.action <> 'bulk'");
        let mut page: Page<HistoryEntry> = sql.fetch(self, per_page, offset).await?;
        for entry in &mut page.rows {
            with_diffs(entry);
        }
        Ok(page)
    }
}

impl Listed for ActivityList {
    type Row = HistoryEntry;
    const SELECT: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "history h";
    const COUNT_CAP: Option<i64> = Some(10_000);

    fn order(sort: ActivitySort, _: Backend) -> &'static str {
        match sort {
            ActivitySort::Newest => "h.id DESC",
            ActivitySort::Oldest => "h.id ASC",
        }
    }

    fn filter(filter: &ActivityFilter, sql: &mut ListSql) {
        // A bulk action is one line: its records' own entries are on its
        // page and in each record's history.
        sql.condition("(h.batch_id IS NULL OR h.action = 'bulk')");
        if let Some(account) = filter.account {
            sql.filter("h.account_id = ?", Arg::Int(account));
        }
        if let Some(kind) = filter.kind {
            sql.filter("h.kind = ?", Arg::text(kind.noun()));
        }
        if let Some(action) = filter.action {
            sql.filter("h.action = ?", Arg::text(action.as_str()));
        }
        // Days in UTC, both ends included. SQLite keeps `at` as ISO text,
        // which orders like the time it names.
        let (from, to) = match sql.backend() {
            Backend::Sqlite => ("h.at >= ?", "h.at < date(?, '+1 day')"),
            Backend::Postgres => (
                "h.at >= (CAST(? AS DATE)::timestamp AT TIME ZONE 'UTC')",
                "h.at < ((CAST(? AS DATE) + 1)::timestamp AT TIME ZONE 'UTC')",
            ),
        };
        if let Some(day) = filter.from {
            sql.filter(from, Arg::Text(day.to_string()));
        }
        if let Some(day) = filter.to {
            sql.filter(to, Arg::Text(day.to_string()));
        }
    }
}

impl Exported for ActivityList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "h.id"),
        Column::new("at", "h.at", Cell::Time),
        Column::int("account_id", "h.account_id"),
        Column::text("account", "COALESCE(d.display_name, u.username)"),
        Column::text("action", "h.action"),
        Column::text("kind", "h.kind"),
        Column::int("record_id", "h.record_id"),
        Column::text("title", "h.title"),
        Column::text("changes", "h.changes"),
        Column::text("request_id", "h.request_id"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_changes_word_by_word() {
        let was = "Likes rivers and long walks by the sea, and reads a great deal of poetry.";
        let now = "Likes lakes and long walks by the sea, and reads a great deal of history.";
        let pieces = words_diff(was, now);
        let gone: Vec<&str> = pieces
            .iter()
            .filter(|(e, _)| *e == Edit::Gone)
            .map(|(_, t)| t.as_str())
            .collect();
        let added: Vec<&str> = pieces
            .iter()
            .filter(|(e, _)| *e == Edit::Added)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(gone, ["rivers", "poetry."]);
        assert_eq!(added, ["lakes", "history."]);
        // Put together, the pieces that stayed and came are the new text.
        let rebuilt: String = pieces
            .iter()
            .filter(|(e, _)| *e != Edit::Gone)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(rebuilt, now);

        let mut entry = HistoryEntry {
            id: 1,
            at: crate::domain::Timestamp::from_micros(0),
            kind: "student".into(),
            record_id: 1,
            account_id: None,
            who: None,
            action: "edited".into(),
            title: "Ada".into(),
            changes: serde_json::to_string(&[change("bio", was, now), change("age", "20", "21")])
                .unwrap(),
            import_id: None,
            batch_id: None,
        };
        with_diffs(&mut entry);
        let changes = entry.changes();
        assert!(changes[0].diff.is_some() && changes[1].diff.is_none());
    }
}
