//! A record's history: every change, who made it and when, and each changed
//! field's form value before and after. Written in the same transaction as
//! the change (see `db::table`).

use serde::{Deserialize, Serialize};

use super::list::{id_param, ListFilter, Listing};
use super::{urls, Change, Date, Kind, Timestamp};

/// What a change did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Created,
    Edited,
    Deleted,
    /// On a student's page and its course's.
    Enrolled,
    Unenrolled,
    Graded,
    /// On a pet's page.
    Commented,
    CommentDeleted,
    /// The fact only: never a password or its hash.
    PasswordChanged,
    /// An earlier version put back.
    Restored,
    /// Brought back from the trash, with the same id.
    Undeleted,
    /// Taken out of the trash for good.
    Purged,
    /// A bulk action, or its undo: the activity log's one line for it
    /// (its records' own entries name the batch).
    Bulk,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Created,
        Action::Edited,
        Action::Deleted,
        Action::Enrolled,
        Action::Unenrolled,
        Action::Graded,
        Action::Commented,
        Action::CommentDeleted,
        Action::PasswordChanged,
        Action::Restored,
        Action::Undeleted,
        Action::Purged,
        Action::Bulk,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Edited => "edited",
            Action::Deleted => "deleted",
            Action::Enrolled => "enrolled",
            Action::Unenrolled => "unenrolled",
            Action::Graded => "graded",
            Action::Commented => "commented",
            Action::CommentDeleted => "comment deleted",
            Action::PasswordChanged => "password changed",
            Action::Restored => "restored",
            Action::Undeleted => "undeleted",
            Action::Purged => "purged",
            Action::Bulk => "bulk",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == stored)
    }

    /// For people: "Added".
    pub fn label(self) -> &'static str {
        match self {
            Action::Created => "Added",
            Action::Edited => "Edited",
            Action::Deleted => "Deleted",
            Action::Enrolled => "Enrolled",
            Action::Unenrolled => "Unenrolled",
            Action::Graded => "Grade set",
            Action::Commented => "Comment added",
            Action::CommentDeleted => "Comment deleted",
            Action::PasswordChanged => "Password changed",
            Action::Restored => "Earlier version restored",
            Action::Undeleted => "Restored from the trash",
            Action::Purged => "Deleted for good",
            Action::Bulk => "Bulk action",
        }
    }

    /// Whether the entry shows values as they were (and are, for [`Action::shows_now`]).
    pub fn shows_was(self) -> bool {
        !matches!(
            self,
            Action::Created | Action::Enrolled | Action::Commented | Action::Undeleted
        )
    }

    /// Whether the record as it was after this change can be put back.
    pub fn restorable(self) -> bool {
        matches!(
            self,
            Action::Created | Action::Edited | Action::Restored | Action::Undeleted
        )
    }

    pub fn shows_now(self) -> bool {
        !matches!(
            self,
            Action::Deleted | Action::Unenrolled | Action::CommentDeleted | Action::Purged
        )
    }
}

/// One entry of a record's history, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct HistoryEntry {
    pub id: i64,
    pub at: Timestamp,
    /// The record's kind ([`Kind::noun`]) and id.
    pub kind: String,
    pub record_id: i64,
    pub account_id: Option<i64>,
    /// Who, by display name; none for the command line (or an account
    /// since removed).
    pub who: Option<String>,
    /// As stored ([`Action::as_str`]).
    pub action: String,
    /// The record's title at the time.
    pub title: String,
    /// Each changed field, as JSON (see [`HistoryEntry::changes`]).
    pub changes: String,
    /// The import the change came from, if any.
    #[serde(default)]
    pub import_id: Option<i64>,
    /// The bulk action it was part of, if any.
    #[serde(default)]
    #[cfg_attr(feature = "db", sqlx(default))]
    pub batch_id: Option<i64>,
}

impl HistoryEntry {
    pub fn action(&self) -> Option<Action> {
        Action::parse(&self.action)
    }

    pub fn changes(&self) -> Vec<Change> {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

crate::sort_keys! {
    pub enum ActivitySort {
        Newest => ("-at", "Newest first"),
        Oldest => ("at", "Oldest first"),
    }
}

/// `?account=3&kind=student&action=edited&from=2026-11-01&to=2026-11-30`:
/// what the activity log shows. A malformed value is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFilter {
    pub account: Option<i64>,
    pub kind: Option<Kind>,
    pub action: Option<Action>,
    /// From this day and up to this day, both included (UTC).
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl ListFilter for ActivityFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        let day = |name| get(name).and_then(|d| Date::parse(&d).ok());
        ActivityFilter {
            account: id_param(get("account")),
            kind: get("kind").and_then(|k| Kind::parse(&k)),
            action: get("action").and_then(|a| Action::parse(&a)),
            from: day("from"),
            to: day("to"),
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(account) = self.account {
            params.push(("account", account.to_string()));
        }
        if let Some(kind) = self.kind {
            params.push(("kind", kind.noun().to_owned()));
        }
        if let Some(action) = self.action {
            params.push(("action", action.as_str().to_owned()));
        }
        for (name, day) in [("from", self.from), ("to", self.to)] {
            if let Some(day) = day {
                params.push((name, day.to_string()));
            }
        }
        params
    }
}

/// `/activity/`: every change across Roster, newest first (administrators).
pub struct ActivityList;

impl Listing for ActivityList {
    type Sort = ActivitySort;
    type Filter = ActivityFilter;
    const KIND: Kind = Kind::Change;

    fn base(_: &ActivityFilter) -> String {
        urls::activity()
    }
}

/// "Restore this version" on an entry of a record's history: the entry, and
/// the record's version when the page was opened (a stale one is refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestoreInput {
    pub entry: String,
    pub version: String,
}

impl super::FormInput for RestoreInput {
    /// (the entry, the version).
    type Valid = (i64, i64);

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }

    fn parse(&self) -> Result<(i64, i64), super::FieldErrors> {
        let refused = |e: String| super::FieldErrors::single("version", e);
        let version = super::parse_version(&self.version).map_err(refused)?;
        let entry = super::list::id_param(Some(self.entry.clone()))
            .ok_or_else(|| refused("This form names no version to restore.".into()))?;
        Ok((entry, version))
    }
}

/// Each field whose value differs between two versions of a record's form
/// values (`before` empty: it was created; `after` empty: deleted). Not
/// the version, nor what a picker's search box held.
pub fn field_changes(before: &[(String, String)], after: &[(String, String)]) -> Vec<Change> {
    let value = |fields: &[(String, String)], name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut names: Vec<&String> = before.iter().chain(after).map(|(n, _)| n).collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(*n) && *n != "version" && !n.ends_with("_q"));
    names
        .into_iter()
        .filter_map(|name| {
            let (was, now) = (value(before, name), value(after, name));
            (was != now).then(|| Change {
                field: name.clone(),
                was,
                now,
                link: None,
                diff: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn changes_name_each_field_that_differs_but_not_the_version() {
        let before = fields(&[("name", "Rex"), ("category", "Dog"), ("version", "1")]);
        let after = fields(&[("name", "Rexy"), ("category", "Dog"), ("version", "2")]);
        let edit = field_changes(&before, &after);
        assert_eq!(edit.len(), 1);
        assert_eq!(
            (
                edit[0].field.as_str(),
                edit[0].was.as_str(),
                edit[0].now.as_str()
            ),
            ("name", "Rex", "Rexy")
        );
        let created = field_changes(
            &[],
            &fields(&[("name", "Rex"), ("handler_q", "An"), ("phone", "")]),
        );
        assert_eq!(
            created.len(),
            1,
            "empty fields and search boxes are left out"
        );
        let deleted = field_changes(&before, &[]);
        assert_eq!(
            deleted.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            ["name", "category"]
        );
        assert!(deleted.iter().all(|c| c.now.is_empty()));
    }

    #[test]
    fn actions_round_trip_as_stored() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("exploded"), None);
    }
}
