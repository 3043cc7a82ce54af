//! The trash (`/trash/`): every deleted record with what went with it, who
//! deleted it and when, searchable and filtered by type; each entry's page
//! (`/trash/{id}/`) restores it with its id. The "Deleted X." notice after
//! every delete carries an Undo button that posts the same restore.
//! Administrators can empty it; it empties itself after `ROSTER_TRASH_DAYS`.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::{
    urls, Kind, NoFields, QueryOf, TrashEntry, TrashList, TrashSort, TrashView, UndeleteInput,
};

use crate::components::status::failed;
use crate::components::status::Notice;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FormConfig, Then};
use crate::record::list::{
    record_list, use_list_query, Column, ListChunk, ListConfig, ListView, RowAction, RowForm,
};
use crate::record::page::{missing, route_id};

crate::list_api!(list_trash / ListTrash = "trash/list" for TrashList);

/// Restores a trash entry; answers the record's page.
#[leptos::server(name = UndeleteFn, prefix = "/api", endpoint = "trash/restore")]
pub async fn undelete(id: i64, input: UndeleteInput) -> Result<String, AppError> {
    crate::record::action::serve::<Undelete>(id, input).await
}

/// Empties the trash (administrators); answers how many went.
#[leptos::server(name = PurgeTrashFn, prefix = "/api", endpoint = "trash/purge")]
pub async fn purge_trash() -> Result<u64, AppError> {
    crate::record::action::serve::<PurgeTrash>((), NoFields {}).await
}

/// A trash entry, and whether it needs a new parent to come back.
#[leptos::server(name = TrashEntryFn, prefix = "/api", endpoint = "trash/entry")]
pub async fn trash_entry(id: i64) -> Result<Option<TrashView>, AppError> {
    crate::service::read(|ctx| async move {
        crate::record::list::Readers::AnyOf(roster_core::domain::Op::Delete).check(&ctx.actor)?;
        let Some(entry) = ctx.db.trash_entry(id).await? else {
            return Ok(None);
        };
        if let Some(kind) = entry.kind() {
            ctx.actor.require(kind, roster_core::domain::Op::Delete)?;
        }
        let needs_parent = match entry.kind() {
            Some(kind) => crate::record::parent_gone(&ctx.db, kind, id).await?,
            None => false,
        };
        Ok(Some(TrashView {
            entry,
            needs_parent,
        }))
    })
    .await
}

/// The trash entry of record `id` of `kind`, if it is there.
#[leptos::server(name = TrashOfFn, prefix = "/api", endpoint = "trash/of")]
pub async fn trash_of(kind: Kind, id: i64) -> Result<Option<i64>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(kind, roster_core::domain::Op::View)?;
        Ok(ctx.db.trash_of(kind, id).await?)
    })
    .await
}

/// Brings a record back from the trash, with its id and what went with it
/// (posted to the entry's page, or from an Undo button).
pub struct Undelete;

impl FormAction for Undelete {
    const ROUTE: urls::Pattern = urls::TRASH_ENTRY;
    type Ids = i64;
    type Input = UndeleteInput;
    type Output = String;
    type Call = UndeleteFn;

    fn call(id: i64, input: UndeleteInput) -> UndeleteFn {
        UndeleteFn { id, input }
    }

    fn next(_: &i64, page: &String) -> String {
        format!("{page}?undeleted=1")
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        id: i64,
        input: UndeleteInput,
    ) -> Result<String, AppError> {
        use roster_core::domain::FormInput;
        ctx.actor.require_user()?;
        let parent = input.parse().map_err(AppError::Invalid)?;
        let Some(entry) = ctx.db.trash_entry(id).await? else {
            return Err(AppError::NotFound(Kind::Deleted));
        };
        let Some(kind) = entry.kind() else {
            return Err(AppError::NotFound(Kind::Deleted));
        };
        crate::record::undelete(ctx, kind, &entry, parent).await
    }
}

/// Empties the trash at once; administrators only.
pub struct PurgeTrash;

impl FormAction for PurgeTrash {
    const ROUTE: urls::Pattern = urls::TRASH_PURGE;
    type Ids = ();
    type Input = NoFields;
    type Output = u64;
    type Call = PurgeTrashFn;

    fn call(_: (), _: NoFields) -> PurgeTrashFn {
        PurgeTrashFn {}
    }

    fn next(_: &(), _: &u64) -> String {
        format!("{}?emptied=1", urls::trash())
    }

    fn page(_: &()) -> String {
        urls::trash()
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), _: NoFields) -> Result<u64, AppError> {
        let admin = ctx.actor.require_admin()?.id;
        let purged = ctx.db.purge_trash(&ctx.by(), None).await?;
        tracing::info!(admin, purged, "trash emptied");
        Ok(purged)
    }
}

/// "Deleted X." after a delete, with an Undo button (a POST form: it works
/// without JavaScript too) when the delete made a trash entry.
pub fn deleted_notice(title: String, trash: Option<i64>) -> AnyView {
    let undo = trash.map(|trash| {
        action_form::<Undelete>(FormConfig {
            ids: trash,
            initial: UndeleteInput::default(),
            fields: &[],
            submit: "Undo".into(),
            pending: "Restoring…".into(),
            cancel: None,
            class: "inline-form undo",
            id_prefix: "undo-",
            then: Then::Navigate,
            confirm: None,
        })
    });
    view! {
        <Notice kind="success">{format!("Deleted {title}. ")}{undo}</Notice>
    }
    .into_any()
}

impl ListView for TrashList {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::AnyOf(roster_core::domain::Op::Delete);
    type Row = TrashEntry;
    const COLUMNS: &'static [Column<TrashSort>] = &[
        Column::sorted("Deleted", "date", TrashSort::Oldest, TrashSort::Newest),
        Column::plain("Record", "record"),
        Column::plain("Went with it", "summary"),
        Column::plain("Deleted by", "name"),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Title";
    const EMPTY: &'static str = "The trash is empty.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_trash(query)
    }

    /// An entry: when, the record (its type, and its title linking to the
    /// entry's page), what went with it, who, and a Restore button.
    #[cfg(feature = "ssr")]
    fn row(e: &TrashEntry, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        let kind = e.kind();
        out.raw("<tr><td class=\"date\">")
            .time(e.at)
            .raw("</td><td class=\"record\">")
            .text(&kind.map_or_else(|| e.kind.clone(), Kind::title))
            .raw(" <a href=\"")
            .path(urls::TRASH_ENTRY, e.id)
            .raw("\">")
            .text(&e.title)
            .raw("</a></td>")
            .cell("summary", &e.summary)
            .cell("name", e.who.as_deref().unwrap_or("Roster (command line)"))
            .raw("<td class=\"acts\"><form method=\"post\" class=\"inline\" action=\"")
            .path(urls::TRASH_ENTRY, e.id)
            .raw("\" data-action=\"")
            .raw(RowForm::Restore.name())
            .raw("\" data-id=\"")
            .number(e.id)
            .raw("\">")
            .csrf_field(actor)
            .raw("<button type=\"submit\" class=\"small secondary\" aria-label=\"Restore ")
            .text(&e.title)
            .raw("\">Restore</button></form></td></tr>");
    }
}

/// `/trash/`: the list, filtered by type (a GET form), each row with its
/// Restore button; administrators may empty it.
#[component]
pub fn TrashPage() -> impl IntoView {
    let query = use_list_query::<TrashList>();
    let filter = query.get_untracked().filter;
    let params = leptos_router::hooks::use_query_map();
    let emptied = params.with_untracked(|p| p.get_str("emptied").is_some());
    let restore = ServerAction::<UndeleteFn>::new();
    let navigate = crate::components::nav::navigator();
    Effect::new(move |_| {
        if let Some(Ok(page)) = restore.value().get() {
            navigate(&Undelete::next(&0, &page), Default::default());
        }
    });
    let on_action = Callback::new(move |action: RowAction| {
        if action.action == RowForm::Restore {
            let input = roster_core::domain::from_fields(action.fields);
            restore.dispatch(UndeleteFn {
                id: action.id,
                input,
            });
        }
    });
    let kinds = Kind::ALL
        .into_iter()
        .filter(|k| crate::record::declared(*k).is_some())
        .map(|k| {
            let selected = filter.kind == Some(k);
            view! { <option value=k.noun() selected=selected>{k.title()}</option> }
        })
        .collect_view();
    let viewer = crate::auth::use_viewer();
    let is_admin = move || viewer.with(|v| v.as_ref().is_some_and(|v| v.user.is_admin));
    let purge = move || {
        is_admin().then(|| {
            action_form::<PurgeTrash>(FormConfig {
                ids: (),
                initial: NoFields {},
                fields: &[],
                submit: "Empty the trash".into(),
                pending: "Emptying…".into(),
                cancel: None,
                class: "inline-form danger-form",
                id_prefix: "purge-",
                then: Then::Navigate,
                confirm: Some(
                    "Delete everything in the trash for good? This cannot be undone.".into(),
                ),
            })
        })
    };
    view! {
        <Title text="Trash"/>
        <div class="page-head">
            <h1>"Trash"</h1>
            {purge}
        </div>
        <p class="hint">"Deleted records stay here, with what went with them, until they are \
            restored or the trash is emptied."</p>
        {emptied.then(|| view! { <Notice kind="success">"The trash is empty now."</Notice> })}
        {move || restore.value().get().and_then(Result::err).map(|e| view! {
            <Notice kind="error">{e.to_string()}</Notice>
        })}
        <form class="filters" method="get" action=urls::trash()>
            <label for="trash-kind">"Type"</label>
            <select id="trash-kind" name="kind">
                <option value="">"Any"</option>
                {kinds}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {record_list::<TrashList>(query, ListConfig {
            search: true,
            empty: TrashList::EMPTY,
            refresh: crate::record::list::changes(&[restore.version()]),
            on_delete: None,
            on_action: Some(on_action),
        })}
    }
}

/// `/trash/{id}/`: what was deleted (its values, what went with it, who
/// and when) and the Restore form, with a choice of new parent when its
/// own is gone.
#[component]
pub fn TrashEntryPage() -> impl IntoView {
    let id = route_id("id");
    let found = Resource::new(
        move || id.try_get().flatten(),
        |id| async move {
            match id {
                Some(id) => trash_entry(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(view)) => entry_view(view),
                    Ok(None) => missing(Kind::Deleted, urls::TRASH),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn entry_view(
    TrashView {
        entry,
        needs_parent,
    }: TrashView,
) -> AnyView {
    let kind = entry.kind();
    let declared = kind.and_then(crate::record::declared);
    let noun = kind.map_or_else(|| entry.kind.clone(), |k| k.noun().to_owned());
    let fields = entry
        .fields()
        .into_iter()
        .map(|c| {
            let label = declared.map_or_else(
                || roster_core::domain::capitalise(&c.field),
                |d| d.label(&c.field),
            );
            let value = if c.was.is_empty() {
                "—".to_owned()
            } else {
                c.was
            };
            view! { <dt>{label}</dt><dd>{value}</dd> }
        })
        .collect_view();
    let choice = match (needs_parent, declared) {
        (true, Some(d)) => d.restore_fields,
        _ => &[],
    };
    let restore = action_form::<Undelete>(FormConfig {
        ids: entry.id,
        initial: UndeleteInput::default(),
        fields: choice,
        submit: format!("Restore {noun}"),
        pending: "Restoring…".into(),
        cancel: None,
        class: "restore",
        id_prefix: "",
        then: Then::Navigate,
        confirm: None,
    });
    let history = kind.and_then(|k| crate::record::history_href(k, entry.record_id));
    let who = entry
        .who
        .clone()
        .unwrap_or_else(|| "Roster (command line)".into());
    view! {
        <Title text=format!("{} (deleted)", entry.title)/>
        <article class="detail trash-entry">
            <p class="card-id">"#"{entry.record_id}</p>
            <h1>{entry.title.clone()}<span class="muted">{format!(" · deleted {noun}")}</span></h1>
            <p class="meta">"Deleted "
                <time datetime=entry.at.to_rfc3339()>{entry.at.datetime_label()}</time>
                " by "{who}</p>
            <dl class="facts">{fields}</dl>
            {(!entry.summary.is_empty()).then(|| view! {
                <p>"Went with it: "{entry.summary.clone()}</p>
            })}
            {needs_parent.then(|| view! {
                <p class="warning">"What it belonged to is gone: choose another to restore it."</p>
            })}
            {restore}
            <div class="actions">
                {history.map(|href| view! { <a class="button secondary" href=href>"History"</a> })}
                <a class="button secondary" href=urls::trash()>"Back to the trash"</a>
            </div>
        </article>
    }
    .into_any()
}
