//! Bulk actions: what a list's selection form asks (the records ticked,
//! every row of the page, or every record its search and filters match,
//! and what to do to them), the confirmation that applies it, and the
//! batch it becomes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::export::FileFormat;
use super::{parse_version, FieldErrors, FormInput, Kind, Timestamp};

/// Records one bulk action may touch: more is refused with a hint to
/// narrow the list, so that one transaction stays short.
pub const BULK_MAX: usize = 10_000;

/// Which records of a list an action is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// The rows ticked.
    Selected,
    /// Every row of the page shown.
    Page,
    /// Every record the list's search and filters match, on every page.
    All,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Selected, Scope::Page, Scope::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Selected => "selected",
            Scope::Page => "page",
            Scope::All => "all",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// What is done to the records chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// Into the trash, with what goes with each (one Undo for all).
    Delete,
    /// One field set to the same value on each (a pet's category), through
    /// the record's own form rules.
    Set(String),
    /// Downloaded, as the list's own export.
    Export(FileFormat),
}

impl BulkAction {
    /// What a role needs on the records to take this action.
    pub fn op(&self) -> super::role::Op {
        match self {
            BulkAction::Delete => super::role::Op::Delete,
            BulkAction::Set(_) => super::role::Op::Change,
            BulkAction::Export(_) => super::role::Op::Export,
        }
    }

    /// The action's form value: `delete`, `set:category`, `export:csv`.
    pub fn param(&self) -> String {
        match self {
            BulkAction::Delete => "delete".into(),
            BulkAction::Set(field) => format!("set:{field}"),
            BulkAction::Export(format) => format!("export:{}", format.extension()),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw == "delete" {
            return Some(BulkAction::Delete);
        }
        if let Some(field) = raw.strip_prefix("set:") {
            let plain = !field.is_empty()
                && field.len() <= 40
                && field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            return plain.then(|| BulkAction::Set(field.to_owned()));
        }
        let format = raw.strip_prefix("export:")?;
        [FileFormat::Csv, FileFormat::Xlsx]
            .into_iter()
            .find(|f| f.extension() == format)
            .map(BulkAction::Export)
    }
}

/// The records an action is for, as the confirmation names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// These, by id (the rows ticked, or the page's rows).
    Ids(Vec<i64>),
    /// Every record the list's query (its URL's query string) matches; the
    /// confirmation showed `count` of them.
    Matching { query: String },
}

/// A bulk action as its confirmation form sends it. The fields of a
/// [`BulkAction::Set`] come under their own names (the record form's), in
/// `values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkInput {
    pub action: String,
    pub scope: String,
    /// The ids chosen, comma-separated (for the ticked rows and the page).
    pub ids: String,
    /// The list's query string (search, filters, sort, page).
    pub query: String,
    /// How many records the confirmation listed.
    pub count: String,
    /// Where the history stood when the records were chosen: any change to
    /// one of them since refuses the action (see `Db::history_mark`).
    pub version: String,
    #[serde(flatten)]
    pub values: BTreeMap<String, String>,
}

/// A bulk action that may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    pub action: BulkAction,
    pub target: Target,
    pub count: usize,
    pub mark: i64,
}

/// Ids as a form sends them: comma-separated (or repeated) positive whole
/// numbers, each kept once, in order.
pub fn parse_ids<'a>(raw: impl IntoIterator<Item = &'a str>) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for part in raw.into_iter().flat_map(|r| r.split(',')) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let id = super::list::id_param(Some(part.to_owned()))
            .ok_or_else(|| format!("“{part}” is not a record's id."))?;
        if seen.insert(id) {
            ids.push(id);
        }
        if ids.len() > BULK_MAX {
            return Err(too_many());
        }
    }
    Ok(ids)
}

/// Said when a selection holds more than [`BULK_MAX`] records.
pub fn too_many() -> String {
    format!(
        "At most {} records can be changed at once: narrow the search or the filters.",
        thousands(BULK_MAX as i64)
    )
}

/// "12,345".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl FormInput for BulkInput {
    type Valid = Bulk;

    fn parse(&self) -> Result<Bulk, FieldErrors> {
        let mut errors = FieldErrors::new();
        let action = BulkAction::parse(&self.action).ok_or_else(|| "Choose an action.".to_owned());
        let action = errors.take("action", action);
        let target = match Scope::parse(&self.scope) {
            Some(Scope::All) => Ok(Target::Matching {
                query: self.query.clone(),
            }),
            Some(_) => match parse_ids([self.ids.as_str()]) {
                Ok(ids) if ids.is_empty() => Err("Choose at least one record.".to_owned()),
                Ok(ids) => Ok(Target::Ids(ids)),
                Err(e) => Err(e),
            },
            None => Err(
                "Choose which records: the selected ones, this page, or all that match.".to_owned(),
            ),
        };
        let target = errors.take("ids", target);
        let count = self
            .count
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=BULK_MAX).contains(n))
            .ok_or_else(|| "This form is missing its count; go back to the list.".to_owned());
        let count = errors.take("count", count);
        let mark = errors.take("version", parse_version(&self.version));
        match (action, target, count, mark) {
            (Some(action), Some(target), Some(count), Some(mark)) => Ok(Bulk {
                action,
                target,
                count,
                mark,
            }),
            _ => Err(errors),
        }
    }

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }
}

/// A bulk action done: one line of the activity log, and the page that
/// lists its records and can undo it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Batch {
    pub id: i64,
    pub at: Timestamp,
    pub account_id: Option<i64>,
    pub who: Option<String>,
    /// The records' kind ([`Kind::noun`]).
    pub kind: String,
    /// As [`BulkAction::param`] gives it.
    pub action: String,
    /// "Deleted 40 pets".
    pub label: String,
    pub count: i64,
    /// `applied` or `undone`.
    pub status: String,
}

impl Batch {
    pub fn kind(&self) -> Option<Kind> {
        Kind::parse(&self.kind)
    }

    pub fn undone(&self) -> bool {
        self.status == "undone"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_and_nothing_else_parses() {
        for action in [
            BulkAction::Delete,
            BulkAction::Set("category".into()),
            BulkAction::Set("handler_id".into()),
            BulkAction::Export(FileFormat::Csv),
            BulkAction::Export(FileFormat::Xlsx),
        ] {
            assert_eq!(BulkAction::parse(&action.param()), Some(action));
        }
        for bad in ["", "drop", "set:", "set:Name", "set:a;b", "export:pdf"] {
            assert_eq!(BulkAction::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_are_kept_once_in_order_and_bad_ones_said() {
        assert_eq!(parse_ids(["3, 1,3", "", "7"]), Ok(vec![3, 1, 7]));
        assert!(parse_ids(["1,x"]).unwrap_err().contains("“x”"));
        assert!(parse_ids(["0"]).is_err());
        let many: Vec<String> = (1..=BULK_MAX as i64 + 1).map(|i| i.to_string()).collect();
        assert_eq!(parse_ids([many.join(",").as_str()]), Err(too_many()));
    }

    #[test]
    fn a_confirmation_parses_into_its_target() {
        let input = BulkInput {
            action: "set:category".into(),
            scope: "selected".into(),
            ids: "4,5".into(),
            count: "2".into(),
            version: "17".into(),
            ..Default::default()
        };
        let bulk = input.parse().unwrap();
        assert_eq!(bulk.target, Target::Ids(vec![4, 5]));
        assert_eq!(bulk.action, BulkAction::Set("category".into()));
        assert_eq!(bulk.mark, 17);
        let all = BulkInput {
            scope: "all".into(),
            query: "q=rex".into(),
            ids: String::new(),
            ..input.clone()
        };
        assert!(matches!(
            all.parse().unwrap().target,
            Target::Matching { .. }
        ));
        let none = BulkInput {
            ids: String::new(),
            ..input
        };
        let errors = none.parse().unwrap_err();
        assert_eq!(errors.get("ids"), Some("Choose at least one record."));
        assert!(BulkInput::default()
            .parse()
            .unwrap_err()
            .get("action")
            .is_some());
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
