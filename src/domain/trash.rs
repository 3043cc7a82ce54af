//! The trash: deleted records, each with what went with it, kept a while so
//! that a delete can be undone with the record's own id (see `db::trash`).

use serde::{Deserialize, Serialize};

use super::list::{id_param, ListFilter, Listing};
use super::{urls, Change, FieldErrors, Kind, Timestamp};

/// A deleted record as the trash shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct TrashEntry {
    pub id: i64,
    /// When it was deleted.
    pub at: Timestamp,
    /// Its kind ([`Kind::noun`]) and id, which it gets back.
    pub kind: String,
    pub record_id: i64,
    pub account_id: Option<i64>,
    /// Who deleted it, by display name; none for the command line (or an
    /// account since removed).
    pub who: Option<String>,
    pub title: String,
    /// Its form values when deleted, as changes from them to nothing (JSON,
    /// see [`TrashEntry::fields`]).
    pub fields: String,
    /// What went with it: "2 comments (Good dog, Vaccinated)".
    pub summary: String,
}

impl TrashEntry {
    pub fn kind(&self) -> Option<Kind> {
        Kind::parse(&self.kind)
    }

    pub fn fields(&self) -> Vec<Change> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
}

/// A trash entry's page: the entry, and whether the record can only come
/// back once a new parent is chosen (its pet's handler is gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashView {
    pub entry: TrashEntry,
    pub needs_parent: bool,
}

crate::sort_keys! {
    pub enum TrashSort {
        Newest => ("-deleted", "Deleted last first"),
        Oldest => ("deleted", "Deleted first first"),
        Title => ("title", "Title"),
    }
}

/// `?kind=pet`: one type of record only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashFilter {
    pub kind: Option<Kind>,
}

impl ListFilter for TrashFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        TrashFilter {
            kind: get("kind").and_then(|k| Kind::parse(&k)),
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        self.kind
            .map(|k| ("kind", k.noun().to_owned()))
            .into_iter()
            .collect()
    }
}

/// `/trash/`: deleted records, newest first, searched by title.
pub struct TrashList;

impl Listing for TrashList {
    type Sort = TrashSort;
    type Filter = TrashFilter;
    const KIND: Kind = Kind::Deleted;

    fn base(_: &TrashFilter) -> String {
        urls::trash()
    }
}

/// "Restore" on a trash entry. Nothing to fill in, unless the record's
/// parent is gone: then the new one (`parent`, from a picker whose search
/// box is `parent_q`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UndeleteInput {
    pub parent: String,
    pub parent_q: String,
}

impl super::FormInput for UndeleteInput {
    /// The new parent, if one was chosen.
    type Valid = Option<i64>;

    fn parse(&self) -> Result<Option<i64>, FieldErrors> {
        if self.parent.trim().is_empty() {
            return Ok(None);
        }
        id_param(Some(self.parent.clone()))
            .map(Some)
            .ok_or_else(|| FieldErrors::single("parent", "Choose one of the matches."))
    }
}

/// What a delete answers: the record's title (for "Deleted X.") and its
/// trash entry (for the Undo button).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    pub title: String,
    pub trash: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FormInput;

    #[test]
    fn a_restore_names_a_new_parent_or_none() {
        let none = UndeleteInput::default();
        assert_eq!(none.parse(), Ok(None));
        let chosen = UndeleteInput {
            parent: " 7 ".into(),
            ..Default::default()
        };
        assert_eq!(chosen.parse(), Ok(Some(7)));
        let bad = UndeleteInput {
            parent: "x".into(),
            ..Default::default()
        };
        assert!(bad.parse().unwrap_err().get("parent").is_some());
    }

    #[test]
    fn the_filter_reads_and_writes_its_parameter() {
        let get = |name: &str| (name == "kind").then(|| "pet".to_owned());
        let filter = TrashFilter::from_params(&get);
        assert_eq!(filter.kind, Some(Kind::Pet));
        assert_eq!(filter.to_params(), vec![("kind", "pet".to_owned())]);
        let nothing = TrashFilter::from_params(&|_| Some("nonsense".into()));
        assert_eq!(nothing, TrashFilter::default());
    }
}
