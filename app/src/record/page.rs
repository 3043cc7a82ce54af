//! The pages every record type has — its list, its page, and the pages to
//! add, edit and delete one — written once. A record type says what is
//! particular to it ([`RecordView`], its [`ListView`]); these say the rest.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use roster_core::domain::urls::Pattern;
use roster_core::domain::{seen_fields, to_fields, DeleteInput, Kind, Op, Record, Timestamp};

use super::crud::{Create, Delete, Edit};
use super::form::{action_form, FormConfig, Then};
use super::list::{record_list, use_list_query, ListConfig, ListView};
use super::view::Calls;
pub use super::view::{RecordView, Related};
use crate::auth::{forbidden_view, viewer_may};
pub use crate::components::status::failed;
use crate::components::status::{set_status, Notice};
use crate::error::AppError;
use crate::trash::deleted_notice;

/// The `:name` of the current route, if it is a positive whole number.
pub fn route_id(name: &'static str) -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get_str(name)
                .and_then(|id| id.parse::<i64>().ok())
                .filter(|id| *id > 0)
        })
    })
}

/// The record `id` names (the route's `:id`).
fn record_resource<R: RecordView>(id: Memo<Option<i64>>) -> Resource<Result<Option<R>, AppError>> {
    Resource::new(
        move || id.try_get().flatten(),
        |id| async move {
            match id {
                Some(id) => R::fetch(id).await,
                None => Ok(None),
            }
        },
    )
}

/// The page for a record that is not there (a 404), linking to its list.
pub fn missing(kind: Kind, list: Pattern) -> AnyView {
    set_status(404);
    let title = format!("{} not found", kind.title());
    // Deleted records of the types with pages wait in the trash.
    let trash = super::declared(kind).map(|_| {
        roster_core::domain::list::with_query(
            &roster_core::domain::urls::trash(),
            &[("kind", kind.noun().to_owned())],
        )
    });
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <p>{format!("There is no {} with this number; it may have been deleted. ", kind.noun())}
            <a href=list.fill(&[])>{format!("See all {}", kind.plural())}</a>
            {trash.map(|href| view! { " · "<a href=href>"Look in the trash"</a> })}</p>
    }
    .into_any()
}

/// Renders `found` for the route's record, or the not-found page.
fn with_record<R: RecordView>(
    found: impl Fn(R) -> AnyView + Send + Sync + Copy + 'static,
) -> impl IntoView {
    with_record_of(record_resource::<R>(route_id("id")), found)
}

fn with_record_of<R: RecordView>(
    record: Resource<Result<Option<R>, AppError>>,
    found: impl Fn(R) -> AnyView + Send + Sync + Copy + 'static,
) -> impl IntoView {
    // A client that left while the record loaded (a closed tab, a load
    // generator stopping): leptos is disposing of the page's signals, and
    // drawing it would trip over them. Owners dispose of their children
    // first, so while this value lives, the signals around it do too.
    let alive = StoredValue::new(());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let record = record.await;
                if alive.try_get_value().is_none() {
                    return ().into_any();
                }
                match record {
                    Ok(Some(r)) => found(r),
                    Ok(None) => missing(R::KIND, R::LIST),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

/// A record's facts as a definition list: each label with its value ("—"
/// when there is none), then the day it was added.
pub fn facts(rows: Vec<(&'static str, Option<String>)>, added: Timestamp) -> AnyView {
    let rows = rows
        .into_iter()
        .map(|(label, value)| view! { <dt>{label}</dt><dd>{value.unwrap_or_else(|| "—".into())}</dd> })
        .collect_view();
    view! {
        <dl class="facts">
            {rows}
            <dt>"Added"</dt>
            <dd><time datetime=added.to_rfc3339()>{added.date_label()}</time></dd>
        </dl>
    }
    .into_any()
}

/// A record's page: its heading, a notice after it was added or saved, its
/// own body, and Edit and Delete.
pub fn detail_page<R: RecordView>() -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get_str("created").is_some() {
                Some("Added.")
            } else if q.get_str("updated").is_some() {
                Some("Changes saved.")
            } else if q.get_str("restored").is_some() {
                Some("Earlier version restored.")
            } else if q.get_str("undeleted").is_some() {
                Some("Restored from the trash, with what went with it.")
            } else {
                None
            }
        })
    };
    let id = route_id("id");
    let record = record_resource::<R>(id);
    let related = StoredValue::new(R::related(id));
    with_record_of(record, move |r: R| {
        let title = r.title();
        let actions = record_actions(&r);
        let below = related.try_with_value(|related| related.as_ref().map(|draw| draw(&r)));
        view! {
            <Title text=title.clone()/>
            {notice().map(|text| view! { <Notice kind="success">{text}</Notice> })}
            <article class=format!("detail {}", R::KIND.noun())>
                <p class="card-id">"#"{r.id()}</p>
                <h1>{title}</h1>
                {r.detail()}
                {below.flatten()}
                {actions}
            </article>
        }
        .into_any()
    })
}

/// Edit and Delete for a record. Delete is a GET form to the confirmation
/// page; with the wasm loaded it asks in a dialog and deletes at once.
pub fn record_actions<R: RecordView>(record: &R) -> AnyView {
    let id = record.id();
    let version = record.version().to_string();
    let title = record.title();
    let delete = ServerAction::<R::DeleteCall>::new();
    let navigate = crate::components::nav::navigator();
    Effect::new(move |_| {
        if let Some(Ok(deleted)) = delete.value().get() {
            navigate(&R::deleted_href(&deleted), Default::default());
        }
    });
    let question = format!("Delete {title}? It goes to the trash, where it can be restored.");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if window().confirm_with_message(&question).unwrap_or(false) {
            let input = DeleteInput {
                version: version.clone(),
                ..Default::default()
            };
            delete.dispatch(R::delete_call(id, input));
        }
    };
    view! {
        {move || delete.value().get().and_then(Result::err).map(|e| view! {
            <Notice kind="error">{e.to_string()}</Notice>
        })}
        <div class="actions">
            {viewer_may(R::KIND, Op::Change).then(|| view! {
                <a class="button secondary" href=R::EDIT.fill(&[id])>"Edit"</a>
            })}
            <a class="button secondary" href=R::HISTORY.fill(&[id])>"History"</a>
            {viewer_may(R::KIND, Op::Delete).then(|| view! {
                <form method="get" action=R::DELETE.fill(&[id]) on:submit=on_submit>
                    <button type="submit" class="danger" disabled=move || delete.pending().get()>"Delete"</button>
                </form>
            })}
        </div>
    }
    .into_any()
}

/// The page that adds a record.
pub fn create_page<R: RecordView>() -> impl IntoView {
    if !viewer_may(R::KIND, Op::Add) {
        return forbidden_view(R::KIND, Op::Add);
    }
    let query = use_query_map();
    let noun = R::KIND.noun();
    let initial = query.with_untracked(R::new_input);
    let form = action_form::<Create<R>>(FormConfig {
        ids: (),
        initial,
        fields: R::FIELDS,
        submit: format!("Add {noun}"),
        pending: "Saving…".into(),
        cancel: Some(R::LIST.fill(&[])),
        class: noun,
        id_prefix: "",
        then: Then::Navigate,
        confirm: None,
    });
    view! {
        <Title text=format!("Add a {noun}")/>
        <h1>{format!("Add a new {noun}")}</h1>
        {form}
    }
    .into_any()
}

/// The page that edits a record: the form as stored, or as typed after a
/// refused plain POST.
pub fn edit_page<R: RecordView>() -> impl IntoView {
    if !viewer_may(R::KIND, Op::Change) {
        return forbidden_view(R::KIND, Op::Change);
    }
    with_record::<R>(|r| {
        let id = r.id();
        let title = r.title();
        let form = action_form::<Edit<R>>(FormConfig {
            ids: id,
            initial: r.to_input(),
            fields: R::FIELDS,
            submit: "Save changes".into(),
            pending: "Saving…".into(),
            cancel: Some(R::PAGE.fill(&[id])),
            class: R::KIND.noun(),
            id_prefix: "",
            then: Then::Navigate,
            confirm: None,
        });
        view! {
            <Title text=format!("Edit {title}")/>
            <h1>"Edit "{title}</h1>
            {form}
        }
        .into_any()
    })
    .into_any()
}

/// The confirmation step before a delete (with the wasm, the Delete buttons
/// ask in a dialog instead). A GET here never deletes.
pub fn delete_page<R: RecordView>() -> impl IntoView {
    if !viewer_may(R::KIND, Op::Delete) {
        return forbidden_view(R::KIND, Op::Delete);
    }
    with_record::<R>(|r| {
        let id = r.id();
        let title = r.title();
        let noun = R::KIND.noun();
        let note = r.delete_note();
        let form = action_form::<Delete<R>>(FormConfig {
            ids: id,
            initial: DeleteInput {
                version: r.version().to_string(),
                seen: seen_fields(&to_fields(&r.to_input())),
                ..Default::default()
            },
            fields: R::DELETE_FIELDS,
            submit: format!("Delete {noun}"),
            pending: "Deleting…".into(),
            cancel: Some(R::PAGE.fill(&[id])),
            class: "delete",
            id_prefix: "",
            then: Then::Navigate,
            confirm: None,
        });
        view! {
            <Title text=format!("Delete {title}")/>
            <h1>"Delete "{title.clone()}"?"</h1>
            <p>"This moves "{title}" to the trash, where it can be restored for a while."</p>
            {note.map(|note| view! { <p class="warning">{note}</p> })}
            {form}
        }
        .into_any()
    })
    .into_any()
}

/// A list page: heading, "Add" link, notices after an add or a delete, the
/// list.
pub fn list_page<L: ListView>() -> impl IntoView
where
    L::Row: RecordView,
{
    let query = use_list_query::<L>();
    let params = use_query_map();
    let kind = L::KIND;
    let created = Memo::new(move |_| {
        params.with(|p| p.get_str("created").and_then(|v| v.parse::<i64>().ok()))
    });
    let deleted = Memo::new(move |_| {
        params.with(|p| {
            let trash = p.get_str("undo").and_then(|t| t.parse::<i64>().ok());
            p.get("deleted").map(|title| (title, trash))
        })
    });
    let added = Resource::new(
        move || created.try_get().flatten(),
        |id| async move {
            match id {
                Some(id) => L::Row::fetch(id).await.ok().flatten(),
                None => None,
            }
        },
    );
    let delete = ServerAction::<<L::Row as Calls>::DeleteCall>::new();
    let on_delete = Callback::new(move |(id, version, _title): (i64, i64, String)| {
        let input = DeleteInput {
            version: version.to_string(),
            ..Default::default()
        };
        delete.dispatch(<L::Row as Calls>::delete_call(id, input));
    });
    let refresh = super::list::changes(&[delete.version()]);
    let plural = roster_core::domain::capitalise(kind.plural());
    let add_href = <L::Row as RecordView>::CREATE.fill(&[]);
    view! {
        <Title text=plural.clone()/>
        <div class="page-head">
            <h1>{plural}</h1>
            {viewer_may(kind, Op::Add).then(|| view! {
                <a class="button primary" href=add_href>{format!("Add a {}", kind.noun())}</a>
            })}
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                added.await.map(|r| {
                    let href = <L::Row as RecordView>::PAGE.fill(&[r.id()]);
                    view! { <Notice kind="success">"Added "<a href=href>{r.title()}</a>"."</Notice> }
                })
            })}
        </Suspense>
        {move || deleted.get().map(|(title, trash)| deleted_notice(title, trash))}
        {move || delete.value().get().map(|result| match result {
            Ok(deleted) => deleted_notice(deleted.title, Some(deleted.trash)),
            Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
        })}
        {record_list::<L>(query, ListConfig {
            search: true,
            empty: L::EMPTY,
            refresh,
            on_delete: Some(on_delete),
            on_action: None,
        })}
    }
}
