//! A record's history page (`/pets/{id}/history/`, and the same under every
//! record type): each change, newest first, who made it, and each changed
//! field as it was and as it became. The entries are written by the
//! changes themselves (`roster_core::db::table`); the record's own page
//! only links here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::list::with_query;
use roster_core::domain::{Action, Edit, HistoryEntry, Kind, Page, RestoreInput};

use super::crud::RestoreVersion;
use super::form::{action_form, FieldSpec, FormConfig, Then};
use super::page::{failed, missing, route_id};
use super::view::RecordView;
use crate::error::AppError;

/// Entries per page.
pub const PER_PAGE: u32 = 50;

/// A page of a record's history, newest first.
#[leptos::server(prefix = "/api", endpoint = "history")]
pub async fn record_history(
    kind: Kind,
    id: i64,
    page: u32,
) -> Result<Page<HistoryEntry>, AppError> {
    crate::service::read(|ctx| async move {
        let offset = i64::from(page.max(1) - 1) * i64::from(PER_PAGE);
        Ok(ctx.db.history(kind, id, PER_PAGE, offset).await?)
    })
    .await
}

/// The history page of a record of type `R`.
pub fn history_page<R: RecordView>() -> impl IntoView {
    let id = route_id("id");
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query
            .with(|q| q.get_str("page").and_then(|p| p.parse::<u32>().ok()))
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    });
    // The record too: its title, and whether there is one. A record with
    // no entries yet (from before history was kept, or `roster seed`) has
    // an empty history; an id with neither is a 404.
    let found = Resource::new(
        move || (id.try_get().flatten(), page.try_get().unwrap_or(1)),
        |(id, page)| async move {
            let Some(id) = id else { return Ok(None) };
            let record = R::fetch(id).await?;
            let entries = record_history(R::KIND, id, page).await?;
            let record = record.map(|r| (r.title(), r.version()));
            // A deleted record's history says where the record went.
            let trash = match record {
                None if entries.total > 0 => crate::trash::trash_of(R::KIND, id).await?,
                _ => None,
            };
            Ok::<_, AppError>(Some((id, page, record, entries, trash)))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some((id, page, record, entries, trash))) if record.is_some() || entries.total > 0 => {
                        history_view::<R>(id, page, record, entries, trash)
                    }
                    Ok(_) => missing(R::KIND, R::LIST),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn history_view<R: RecordView>(
    id: i64,
    page: u32,
    record: Option<(String, i64)>,
    entries: Page<HistoryEntry>,
    trash: Option<i64>,
) -> AnyView {
    let deleted = record.is_none();
    let title = record
        .as_ref()
        .map(|(title, _)| title.clone())
        .or_else(|| entries.rows.first().map(|e| e.title.clone()))
        .unwrap_or_default();
    let version = record.map(|(_, version)| version);
    let empty = entries.total == 0;
    let here = R::HISTORY.fill(&[id]);
    let pages = entries.total.div_euclid(i64::from(PER_PAGE)) + 1;
    let link = move |to: u32, label: &'static str| {
        let href = match to {
            1 => here.clone(),
            n => with_query(&here, &[("page", n.to_string())]),
        };
        view! { <a href=href>{label}</a> }
    };
    let newer = (page > 1).then(|| link(page - 1, "Newer changes"));
    let older = (i64::from(page) < pages).then(|| link(page + 1, "Older changes"));
    // Every version but the current one (the newest entry) can be put back.
    let rows = entries
        .rows
        .into_iter()
        .enumerate()
        .map(|(n, entry)| {
            let current = page == 1 && n == 0;
            let restore = version.filter(|_| !current).map(|version| (id, version));
            entry_view::<R>(entry, restore)
        })
        .collect_view();
    view! {
        <Title text=format!("History of {title}")/>
        <h1>"History of "{title}</h1>
        {(!deleted).then(|| view! {
            <p><a href=R::PAGE.fill(&[id])>"Back to the "{R::KIND.noun()}</a>
                {format!(" · {}", Kind::Change.count(entries.total))}</p>
        })}
        {deleted.then(|| match trash {
            Some(trash) => view! {
                <p class="warning">{format!("This {} was deleted. ", R::KIND.noun())}
                    <a href=roster_core::domain::urls::trash_entry(trash)>"It is in the trash"</a>
                    ", where it can be restored."</p>
            }.into_any(),
            None => view! {
                <p class="warning">{format!("This {} was deleted for good.", R::KIND.noun())}</p>
            }.into_any(),
        })}
        {empty.then(|| view! { <p class="empty">"No changes recorded yet."</p> })}
        {(!empty).then(|| view! { <ol class="history">{rows}</ol> })}
        {(newer.is_some() || older.is_some()).then(|| view! {
            <nav class="pager" aria-label="History pages">{newer}" "{older}</nav>
        })}
    }
    .into_any()
}

/// The label a form gives field `name` (a related change's own name,
/// capitalised, if the form has none).
fn label_of<R: RecordView>(name: &str) -> String {
    R::FIELDS
        .iter()
        .find(|f| f.name == name && !f.label.is_empty())
        .map_or_else(
            || roster_core::domain::capitalise(name),
            |f| f.label.to_owned(),
        )
}

const RESTORE_FIELDS: &[FieldSpec] = &[FieldSpec::hidden("entry"), FieldSpec::hidden("version")];

/// An entry; with `restore` (the record's id and current version), a form
/// that puts the record back as it was after this change.
fn entry_view<R: RecordView>(entry: HistoryEntry, restore: Option<(i64, i64)>) -> impl IntoView {
    let action = entry.action();
    let restore = restore
        .filter(|_| action.is_some_and(Action::restorable))
        .map(|(id, version)| {
            action_form::<RestoreVersion<R>>(FormConfig {
                ids: id,
                initial: RestoreInput {
                    entry: entry.id.to_string(),
                    version: version.to_string(),
                },
                fields: RESTORE_FIELDS,
                submit: "Restore this version".into(),
                pending: "Restoring…".into(),
                cancel: None,
                class: "restore",
                id_prefix: "",
                then: Then::Navigate,
                confirm: Some("Put the record back as it was after this change?".into()),
            })
        });
    let (shows_was, shows_now) = action.map_or((true, true), |a| (a.shows_was(), a.shows_now()));
    let changes = entry
        .changes()
        .into_iter()
        .map(|c| {
            // A value that names another record links to it.
            let shown = move |v: String| {
                let v = if v.is_empty() { "—".to_owned() } else { v };
                match c.link.clone() {
                    Some(href) => view! { <a href=href>{v}</a> }.into_any(),
                    None => v.into_any(),
                }
            };
            let label = label_of::<R>(&c.field);
            // A long text: what went and what came, in their place.
            if let Some(pieces) = c.diff.clone().filter(|_| shows_was && shows_now) {
                let pieces = pieces
                    .into_iter()
                    .map(|(edit, text)| match edit {
                        Edit::Same => text.into_any(),
                        Edit::Gone => view! { <del>{text}</del> }.into_any(),
                        Edit::Added => view! { <ins>{text}</ins> }.into_any(),
                    })
                    .collect_view();
                return view! {
                    <li><span class="field">{label}</span>": "<span class="diff">{pieces}</span></li>
                }
                .into_any();
            }
            let was = shows_was.then(|| view! { <del>{shown(c.was.clone())}</del> });
            let arrow = (shows_was && shows_now).then_some(" → ");
            let now = shows_now.then(|| view! { <ins>{shown(c.now.clone())}</ins> });
            view! { <li><span class="field">{label}</span>": "{was}{arrow}{now}</li> }.into_any()
        })
        .collect_view();
    let what = action.map_or("Changed", Action::label);
    view! {
        <li class="entry">
            <p class="meta">
                <strong>{what}</strong>" · "
                <time datetime=entry.at.to_rfc3339()>{entry.at.datetime_label()}</time>" · "
                {entry.who.unwrap_or_else(|| "Roster (command line)".into())}
            </p>
            <ul class="changes">{changes}</ul>
            {restore}
        </li>
    }
}
