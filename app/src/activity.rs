//! The activity log (`/activity/`, administrators): every history entry
//! across Roster, newest first, filtered by account, record type, action
//! and days; each entry links to its record's history.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::{urls, Action, ActivityList, ActivitySort, HistoryEntry, Kind, QueryOf};

use crate::error::AppError;
use crate::record::list::{
    record_list, use_list_query, Column, ListChunk, ListConfig, ListView, Readers,
};

crate::list_api!(list_activity / ListActivity = "activity/list" for ActivityList);

impl ListView for ActivityList {
    const DOWNLOAD: Option<&'static str> = Some("activity");
    type Row = HistoryEntry;
    const READERS: Readers = Readers::Admins;
    const COLUMNS: &'static [Column<ActivitySort>] = &[
        Column::sorted("When", "date", ActivitySort::Oldest, ActivitySort::Newest),
        Column::plain("Who", "name"),
        Column::plain("What", "action"),
        Column::plain("Record", "record"),
        Column::plain("Changed", "changes"),
    ];
    const SEARCH_HINT: &'static str = "";
    const EMPTY: &'static str = "No changes recorded yet.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_activity(query)
    }

    /// An entry: when, who (a link to their entries), what, the record (a
    /// link to its history, for the types that have pages) and the fields
    /// it changed.
    #[cfg(feature = "ssr")]
    fn row(e: &HistoryEntry, _: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<tr><td class=\"date\">")
            .time(e.at)
            .raw("</td><td class=\"name\">");
        match (e.account_id, &e.who) {
            (Some(account), Some(who)) => {
                let href = with_filter(|f| f.account = Some(account));
                out.raw("<a href=\"")
                    .text(&href)
                    .raw("\">")
                    .text(who)
                    .raw("</a>");
            }
            _ => {
                out.raw("<span class=\"muted\">Roster (command line)</span>");
            }
        }
        let action = match e.action() {
            Some(action) => action.label(),
            None => e.action.as_str(),
        };
        out.raw("</td>")
            .cell("action", action)
            .raw("<td class=\"record\">");
        let kind = Kind::parse(&e.kind);
        out.text(&kind.map_or_else(|| e.kind.clone(), Kind::title))
            .raw(" ");
        // A bulk action's line leads to its page (its records are there).
        let page = match e.action() {
            Some(Action::Bulk) => Some(urls::batch(e.record_id)),
            _ => kind.and_then(|k| crate::record::history_href(k, e.record_id)),
        };
        out.maybe_link(page.as_deref(), &e.title);
        let fields: Vec<String> = e.changes().into_iter().map(|c| c.field).collect();
        out.raw("</td>")
            .cell("changes", &fields.join(", "))
            .raw("</tr>");
    }
}

/// `/activity/` with one filter set.
#[cfg(feature = "ssr")]
fn with_filter(set: impl FnOnce(&mut roster_core::domain::ActivityFilter)) -> String {
    let mut query = QueryOf::<ActivityList>::default();
    set(&mut query.filter);
    query.href(&urls::activity(), 1)
}

/// The log, with a form that filters it (a GET form: it works the same with
/// JavaScript off).
#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_list_query::<ActivityList>();
    let filter = query.get_untracked().filter;
    let kinds = Kind::ALL
        .into_iter()
        .filter(|k| !matches!(k, Kind::Change | Kind::Deleted))
        .map(|k| {
            let selected = filter.kind == Some(k);
            view! { <option value=k.noun() selected=selected>{k.title()}</option> }
        })
        .collect_view();
    let actions = Action::ALL
        .into_iter()
        .map(|a| {
            let selected = filter.action == Some(a);
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let day = |d: Option<roster_core::domain::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <Title text="Activity"/>
        <h1>"Activity"</h1>
        <form class="filters" method="get" action=urls::activity()>
            {filter.account.map(|a| view! { <input type="hidden" name="account" value=a.to_string()/> })}
            <label for="activity-kind">"Record"</label>
            <select id="activity-kind" name="kind">
                <option value="">"Any"</option>
                {kinds}
            </select>
            <label for="activity-action">"Action"</label>
            <select id="activity-action" name="action">
                <option value="">"Any"</option>
                {actions}
            </select>
            <label for="activity-from">"From"</label>
            <input type="date" id="activity-from" name="from" value=day(filter.from)/>
            <label for="activity-to">"To"</label>
            <input type="date" id="activity-to" name="to" value=day(filter.to)/>
            <button type="submit" class="secondary">"Show"</button>
            <a href=urls::activity()>"All activity"</a>
        </form>
        {record_list::<ActivityList>(query, ListConfig {
            search: false,
            empty: ActivityList::EMPTY,
            refresh: Signal::stored(0),
            on_delete: None,
            on_action: None,
        })}
    }
}
