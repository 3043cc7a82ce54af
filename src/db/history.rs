//! The history table: an entry per change, written by the change's own
//! transaction (see `table.rs`), read a page at a time per record.

use super::list::{Arg, ListSql};
use super::{Db, DbError};
use crate::domain::{Action, Change, HistoryEntry, Kind, Page};

/// Who made a change, and the request it came with: what the history
/// records beside the change itself. Never a secret: an account's id and
/// the request id the access log also shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct By {
    pub account: Option<i64>,
    pub request: Option<String>,
}

/// The entry's INSERT; its values come from [`entry`].
pub(crate) const INSERT: &str = "INSERT INTO history \
     (account_id, action, kind, record_id, title, changes, request_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

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
    ]
}

const SELECT: &str = "h.id, h.at, COALESCE(d.display_name, u.username) AS who, h.action, \
     h.title, h.changes";
const FROM: &str = "history h LEFT JOIN users u ON u.id = h.account_id \
     LEFT JOIN user_details d ON d.user_id = h.account_id";

impl Db {
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
        sql.fetch(self, per_page, offset).await
    }
}
