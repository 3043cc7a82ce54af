//! A record's history page (`/pets/{id}/history/`, and the same under every
//! record type): each change, newest first, who made it, and each changed
//! field as it was and as it became. The entries are written by the
//! changes themselves (`roster_core::db::table`); the record's own page
//! only links here.
//!
//! Entries are written as plain markup on the server, like a list's rows
//! (see `list.rs`): a page of fifty is the bulk of the page, and leptos's
//! views cost several times as much per entry. Their "Restore this version"
//! buttons are plain POST forms; with the wasm loaded the page catches
//! their submit and calls the server function instead.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::list::with_query;
use roster_core::domain::{Kind, RestoreInput};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::action::FormAction;
use super::crud::RestoreVersion;
use super::page::{failed, missing, route_id};
use super::view::RecordView;
use crate::components::status::Notice;
use crate::error::AppError;

/// Entries per page.
pub const PER_PAGE: u32 = 50;

/// A page of a record's entries, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryChunk {
    pub total: i64,
    /// The newest entry's record title (for a record deleted for good).
    pub title: Option<String>,
    /// The entries as markup (`<li>` each).
    pub rows: String,
}

/// A page of record `id`'s history (of type `kind`), newest first, as
/// markup; with `version` (the record's current version) each earlier
/// entry has its "Restore this version" form.
#[leptos::server(prefix = "/api", endpoint = "history")]
pub async fn record_history(
    kind: Kind,
    id: i64,
    page: u32,
    version: Option<i64>,
) -> Result<HistoryChunk, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(kind, roster_core::domain::Op::View)?;
        let page = page.max(1);
        let offset = i64::from(page - 1) * i64::from(PER_PAGE);
        let entries = ctx.db.history(kind, id, PER_PAGE, offset).await?;
        let mut html = crate::html::Html::with_capacity(entries.rows.len() * 600);
        if let Some(declared) = super::declared(kind) {
            for (n, entry) in entries.rows.iter().enumerate() {
                // Every version but the current one (the newest) can come back.
                let current = page == 1 && n == 0;
                let restore = version.filter(|_| !current);
                entry_row(&mut html, &declared, id, entry, restore, &ctx.actor);
            }
        }
        Ok(HistoryChunk {
            total: entries.total,
            title: entries.rows.first().map(|e| e.title.clone()),
            rows: html.into_string(),
        })
    })
    .await
}

/// What the page keeps: the entries' markup is not part of the page's
/// hydration data (hydration leaves the rendered entries as they are).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Shown {
    id: i64,
    page: u32,
    /// The record's title and version; none once it is deleted.
    record: Option<(String, i64)>,
    total: i64,
    title: Option<String>,
    #[serde(skip)]
    rows: Arc<str>,
    trash: Option<i64>,
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
            let record = R::fetch(id).await?.map(|r| (r.title(), r.version()));
            let version = record.as_ref().map(|(_, version)| *version);
            let chunk = record_history(R::KIND, id, page, version).await?;
            // A deleted record's history says where the record went.
            let trash = match record {
                None if chunk.total > 0 => crate::trash::trash_of(R::KIND, id).await?,
                _ => None,
            };
            Ok::<_, AppError>(Some(Shown {
                id,
                page,
                record,
                total: chunk.total,
                title: chunk.title,
                rows: chunk.rows.into(),
                trash,
            }))
        },
    );
    let restore = ServerAction::<R::RestoreCall>::new();
    let navigate = crate::components::nav::navigator();
    Effect::new(move |_| {
        if let (Some(Ok(restored)), Some(id)) = (restore.value().get(), id.get_untracked()) {
            navigate(
                &RestoreVersion::<R>::next(&id, &restored),
                Default::default(),
            );
        }
    });
    // With the wasm loaded, an entry's form asks first and calls the server
    // function; without it, the form posts (and the POST route asks nothing).
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some((entry, version)) = restore_form(&ev) else {
            return;
        };
        ev.prevent_default();
        let question = "Put the record back as it was after this change?";
        if window().confirm_with_message(question).unwrap_or(false) {
            if let Some(id) = id.get_untracked() {
                let input = RestoreInput { entry, version };
                restore.dispatch(R::restore_call(id, input));
            }
        }
    };
    view! {
        {crate::form_state::refused_notice::<RestoreInput>()}
        {move || restore.value().get().and_then(Result::err).map(|e| view! {
            <Notice kind="error">{e.to_string()}</Notice>
        })}
        <div class="history-page" on:submit=on_submit>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(Some(shown)) if shown.record.is_some() || shown.total > 0 => {
                            history_view::<R>(shown)
                        }
                        Ok(_) => missing(R::KIND, R::LIST),
                        Err(e) => failed(e),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// The entry and version an entry's restore form carries.
fn restore_form(ev: &leptos::ev::SubmitEvent) -> Option<(String, String)> {
    let form = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let entry = form.get_attribute("data-entry")?;
    let version = form.get_attribute("data-version")?;
    Some((entry, version))
}

fn history_view<R: RecordView>(shown: Shown) -> AnyView {
    let Shown {
        id,
        page,
        record,
        total,
        title: newest,
        rows,
        trash,
    } = shown;
    let deleted = record.is_none();
    let title = record
        .map(|(title, _)| title)
        .or(newest)
        .unwrap_or_default();
    let empty = total == 0;
    let here = R::HISTORY.fill(&[id]);
    let pages = total.div_euclid(i64::from(PER_PAGE)) + 1;
    let link = move |to: u32, label: &'static str| {
        let href = match to {
            1 => here.clone(),
            n => with_query(&here, &[("page", n.to_string())]),
        };
        view! { <a href=href>{label}</a> }
    };
    let newer = (page > 1).then(|| link(page - 1, "Newer changes"));
    let older = (i64::from(page) < pages).then(|| link(page + 1, "Older changes"));
    view! {
        <Title text=format!("History of {title}")/>
        <h1>"History of "{title}</h1>
        {(!deleted).then(|| view! {
            <p><a href=R::PAGE.fill(&[id])>"Back to the "{R::KIND.noun()}</a>
                {format!(" · {}", Kind::Change.count(total))}</p>
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
        // Always the element, so that hydration finds it.
        <ol class="history" inner_html=rows></ol>
        {(newer.is_some() || older.is_some()).then(|| view! {
            <nav class="pager" aria-label="History pages">{newer}" "{older}</nav>
        })}
    }
    .into_any()
}

/// An entry: what, when, who, each field it changed (as it was → as it
/// became; a long text word by word; a value that names another record
/// linked to it) and, with `restore` (the record's current version), the
/// form that puts the record back as it was after this change.
#[cfg(feature = "ssr")]
fn entry_row(
    out: &mut crate::html::Html,
    declared: &super::Declared,
    id: i64,
    entry: &roster_core::domain::HistoryEntry,
    restore: Option<i64>,
    actor: &crate::service::Actor,
) {
    use roster_core::domain::{Action, Edit};
    let action = entry.action();
    let (shows_was, shows_now) = action.map_or((true, true), |a| (a.shows_was(), a.shows_now()));
    out.raw("<li class=\"entry\"><p class=\"meta\"><strong>")
        .text(action.map_or("Changed", Action::label))
        .raw("</strong> · ")
        .time(entry.at)
        .raw(" · ")
        .text(entry.who.as_deref().unwrap_or("Roster (command line)"));
    if let Some(import) = entry.import_id {
        out.raw(" · <a href=\"")
            .text(&roster_core::domain::urls::import_run(import))
            .raw("\">from import ")
            .text(&import.to_string())
            .raw("</a>");
    }
    out.raw("</p><ul class=\"changes\">");
    let value = |out: &mut crate::html::Html, v: &str, link: Option<&str>| {
        let v = if v.is_empty() { "—" } else { v };
        match link {
            Some(href) => {
                out.raw("<a href=\"")
                    .text(href)
                    .raw("\">")
                    .text(v)
                    .raw("</a>");
            }
            None => {
                out.text(v);
            }
        }
    };
    for c in entry.changes() {
        out.raw("<li><span class=\"field\">")
            .text(&declared.label(&c.field))
            .raw("</span>: ");
        match c.diff.as_ref().filter(|_| shows_was && shows_now) {
            // A long text: what went and what came, in their place.
            Some(pieces) => {
                out.raw("<span class=\"diff\">");
                for (edit, text) in pieces {
                    match edit {
                        Edit::Same => out.text(text),
                        Edit::Gone => out.raw("<del>").text(text).raw("</del>"),
                        Edit::Added => out.raw("<ins>").text(text).raw("</ins>"),
                    };
                }
                out.raw("</span>");
            }
            None => {
                if shows_was {
                    out.raw("<del>");
                    value(out, &c.was, c.link.as_deref());
                    out.raw("</del>");
                }
                if shows_was && shows_now {
                    out.raw(" → ");
                }
                if shows_now {
                    out.raw("<ins>");
                    value(out, &c.now, c.link.as_deref());
                    out.raw("</ins>");
                }
            }
        }
        out.raw("</li>");
    }
    out.raw("</ul>");
    if let Some(version) = restore.filter(|_| action.is_some_and(Action::restorable)) {
        out.raw("<form method=\"post\" class=\"restore\" action=\"")
            .path(declared.urls.history, id)
            .raw("\" data-entry=\"")
            .number(entry.id)
            .raw("\" data-version=\"")
            .number(version)
            .raw("\">")
            .csrf_field(actor)
            .raw("<input type=\"hidden\" name=\"entry\" value=\"")
            .number(entry.id)
            .raw("\"><input type=\"hidden\" name=\"version\" value=\"")
            .number(version)
            .raw("\"><button type=\"submit\" class=\"secondary\">Restore this version</button></form>");
    }
    out.raw("</li>");
}
