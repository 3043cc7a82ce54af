//! What every record type has in common: a form input of plain strings that
//! parses into checked values, a stored form with an id and a version, and
//! the conflict an edit meets when the record changed since it was opened.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{FieldErrors, Kind};

/// What a form sends, exactly as typed: every field a string, so nothing
/// typed is lost on the way back to a form with errors. The same rules run
/// in the browser (before a server function is called) and on the server.
pub trait FormInput:
    Clone + Default + PartialEq + Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// The checked values a valid input becomes.
    type Valid: Send + Sync;

    /// Every problem at once, keyed by field name.
    fn parse(&self) -> Result<Self::Valid, FieldErrors>;

    /// The version of the record the form was opened at (a hidden field),
    /// for a form that edits one.
    fn version(&self) -> Option<&str> {
        None
    }
}

/// A stored record as pages see it.
pub trait Record: Clone + Debug + Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: Kind;
    /// The form that creates and edits it.
    type Input: FormInput;

    fn id(&self) -> i64;
    /// Counts the saved changes; an edit names the version it started from.
    fn version(&self) -> i64;
    /// How a person names it: "Ada Lovelace", "Rex".
    fn title(&self) -> String;
    /// The form values that show the record as it is stored.
    fn to_input(&self) -> Self::Input;
}

/// A form's fields as (name, value) pairs, by name.
pub fn to_fields<T: Serialize>(value: &T) -> Vec<(String, String)> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A form input from submitted (name, value) pairs: the first value of a
/// repeated name counts, unknown names are ignored, missing ones are empty.
/// Used alike for a plain POST body on the server and the browser's
/// FormData, so a form reads the same way on both paths.
pub fn from_fields<T: DeserializeOwned + Default>(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> T {
    let mut map = serde_json::Map::new();
    for (name, value) in pairs {
        map.entry(name).or_insert(serde_json::Value::String(value));
    }
    serde_json::from_value(serde_json::Value::Object(map)).unwrap_or_default()
}

/// The version a form was opened at (a hidden field).
pub fn parse_version(raw: &str) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| "This form is missing its version; reload the page and try again.".into())
}

/// A form with nothing to fill in (a button that deletes a comment, say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoFields {}

impl FormInput for NoFields {
    type Valid = ();

    fn parse(&self) -> Result<(), FieldErrors> {
        Ok(())
    }
}

/// The confirmation of a delete: the version the person saw, and (for a
/// handler with pets) where its pets should go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteInput {
    pub version: String,
    pub move_to: String,
    /// What the picker's search box held (kept when the form comes back).
    pub move_to_q: String,
    /// The record as the confirm page showed it (its form fields as JSON),
    /// so that a refused delete can say what changed since.
    pub seen: String,
}

/// A delete that may go ahead: the version it names, and the record the
/// dependants move to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deletion {
    pub version: i64,
    pub move_to: Option<i64>,
}

impl FormInput for DeleteInput {
    type Valid = Deletion;

    fn parse(&self) -> Result<Deletion, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = errors.take("version", parse_version(&self.version));
        let move_to = match self.move_to.trim() {
            "" => Ok(None),
            id => super::list::id_param(Some(id.to_owned()))
                .map(Some)
                .ok_or_else(|| "Choose where they should go.".to_owned()),
        };
        let move_to = errors.take("move_to", move_to);
        match (version, move_to) {
            (Some(version), Some(move_to)) => Ok(Deletion { version, move_to }),
            _ => Err(errors),
        }
    }
}

/// A save or delete refused because the record changed (or went) since the
/// form was opened. `theirs` is the record as it is now, as form values, so
/// the page can show it beside what was typed; `version` is the current
/// one, which a deliberate second save then names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub kind: Kind,
    pub version: i64,
    pub theirs: Vec<(String, String)>,
    /// Refused a delete (rather than a save).
    #[serde(default)]
    pub deleting: bool,
    /// For a refused delete: each field that changed since the confirm
    /// page was opened.
    #[serde(default)]
    pub changed: Vec<Change>,
    /// A bulk action refused: what to say (its `changed` name records,
    /// each with what happened to it).
    #[serde(default)]
    pub bulk: Option<String>,
}

/// One field of a record, as it was seen and as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub was: String,
    pub now: String,
    /// The page of the record a value names (a history entry's course).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A long text's change word by word, when a history page shows it
    /// (worked out on the server as it reads the entry; never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<(Edit, String)>>,
}

/// A piece of a long text's change: it stayed, went or came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    Same,
    Gone,
    Added,
}

impl Change {
    /// Whether its values are long enough to be shown word by word: both
    /// there, and one of them running over a line.
    pub fn is_long_text(&self) -> bool {
        const LONG: usize = 60;
        !self.was.is_empty()
            && !self.now.is_empty()
            && [&self.was, &self.now]
                .iter()
                .any(|v| v.chars().count() > LONG || v.contains('\n'))
    }
}

/// A record's form fields, written into a confirm page (see
/// [`DeleteInput::seen`]).
pub fn seen_fields(fields: &[(String, String)]) -> String {
    serde_json::to_string(fields).unwrap_or_default()
}

impl Conflict {
    pub fn new<R: Record>(current: &R) -> Self {
        Self {
            kind: R::KIND,
            version: current.version(),
            theirs: to_fields(&current.to_input()),
            deleting: false,
            changed: Vec::new(),
            bulk: None,
        }
    }

    /// A refused delete, with what changed since `seen` (see
    /// [`DeleteInput::seen`]; nothing is listed when it does not parse, as
    /// from a list row's delete button, which sends none).
    pub fn deleting(mut self, seen: &str) -> Self {
        self.deleting = true;
        let seen: Vec<(String, String)> = serde_json::from_str(seen).unwrap_or_default();
        self.changed = self
            .theirs
            .iter()
            .filter(|(name, _)| name != "version")
            .filter_map(|(name, now)| {
                let (_, was) = seen.iter().find(|(n, _)| n == name)?;
                (was.trim() != now.trim()).then(|| Change {
                    field: name.clone(),
                    was: was.clone(),
                    now: now.clone(),
                    link: None,
                    diff: None,
                })
            })
            .collect();
        self
    }

    /// Their value of `field`, if it differs from `yours`.
    pub fn differs(&self, field: &str, yours: &str) -> Option<&str> {
        self.theirs
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, theirs)| theirs.as_str())
            .filter(|theirs| theirs.trim() != yours.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Two {
        a: String,
        b: String,
    }

    #[test]
    fn fields_round_trip_and_first_value_wins() {
        let two = Two {
            a: "x".into(),
            b: "y & z".into(),
        };
        let pairs = to_fields(&two);
        assert_eq!(
            pairs,
            [("a".into(), "x".into()), ("b".into(), "y & z".into())]
        );
        assert_eq!(from_fields::<Two>(pairs), two);
        let read: Two = from_fields([
            ("b".into(), "first".into()),
            ("b".into(), "second".into()),
            ("csrf_token".into(), "t".into()),
        ]);
        assert_eq!(read.b, "first");
        assert_eq!(read.a, "");
    }

    #[test]
    fn a_refused_delete_lists_what_changed_since_it_was_seen() {
        let conflict = Conflict {
            kind: Kind::Pet,
            version: 3,
            theirs: vec![
                ("name".into(), "Rexy".into()),
                ("category".into(), "Dog".into()),
                ("version".into(), "3".into()),
            ],
            deleting: false,
            changed: Vec::new(),
            bulk: None,
        };
        let seen = seen_fields(&[
            ("name".into(), "Rex".into()),
            ("category".into(), "Dog ".into()),
            ("version".into(), "1".into()),
        ]);
        let refused = conflict.clone().deleting(&seen);
        assert!(refused.deleting);
        assert_eq!(
            refused.changed,
            [Change {
                field: "name".into(),
                was: "Rex".into(),
                now: "Rexy".into(),
                link: None,
                diff: None,
            }]
        );
        assert!(conflict.deleting("not json").changed.is_empty());
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version(" 3 "), Ok(3));
        for bad in ["", "0", "-1", "x", "99999999999999999999"] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
    }
}
