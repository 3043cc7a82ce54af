//! Bulk actions, once for every record type with a list: rows ticked (or
//! the page, or every record the list's search and filters match), an
//! action chosen, a confirmation page (`/bulk/pets/`, …) that lists every
//! record and what goes with it, then one all-or-nothing write that is one
//! line of the activity log with a page of its own (`/bulk/{id}/`) and an
//! Undo for the whole.
//!
//! The rows' checkboxes belong to the list's bulk form by their `form`
//! attribute (each row holds forms of its own, and forms do not nest). The
//! bulk form GETs the confirmation page, so it works the same with
//! JavaScript off; with the wasm loaded the router goes there without a
//! reload. The confirmation's Apply is a [`FormAction`]: the same path for
//! a plain POST and a server function.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::bulk::{thousands, Batch, BulkAction, BulkInput, Scope};
use roster_core::domain::export::FileFormat;
use roster_core::domain::{urls, Kind, NoFields, QueryOf};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::components::status::{failed, Notice};
use crate::error::AppError;
use crate::form_state::submitted_form;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldSpec, FormConfig, Then};
use crate::record::list::ListView;
use crate::record::page::route_id;
use crate::record::view::RecordView;

/// The hidden fields every bulk confirmation sends (see [`BulkInput`]).
macro_rules! bulk_fields {
    ($($field:expr),* $(,)?) => {
        &[
            FieldSpec::hidden("action"),
            FieldSpec::hidden("scope"),
            FieldSpec::hidden("ids"),
            FieldSpec::hidden("query"),
            FieldSpec::hidden("count"),
            FieldSpec::hidden("version"),
            $($field),*
        ]
    };
}
pub(crate) use bulk_fields;

const DELETE_FIELDS: &[FieldSpec] = bulk_fields!();

/// A bulk action of a record type's own: one field of its form set to the
/// same value on every record chosen, through the form's own rules.
#[derive(Clone, Copy)]
pub struct BulkSet {
    /// The record form's field (named as the record's input names it).
    pub field: &'static str,
    /// In the action menu: "Set the category".
    pub label: &'static str,
    /// The confirmation's fields: [`bulk_fields!`] and the record form's
    /// own field.
    pub fields: &'static [FieldSpec],
    /// What the value is set on.
    pub on: SetOn,
}

impl BulkSet {
    /// An action of the list's own that needs no value (mark read).
    pub const fn plain(field: &'static str, label: &'static str) -> Self {
        BulkSet {
            field,
            label,
            fields: DELETE_FIELDS,
            on: SetOn::Records,
        }
    }
}

/// What a [`BulkSet`]'s value is set on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SetOn {
    /// The records chosen: their form's field.
    Records,
    /// The records of this kind that depend on each one chosen (a
    /// handler's pets): the field is the dependants' key to them
    /// (`Children::column`).
    Dependants(Kind),
    /// A link from each record chosen to the one record of this kind
    /// chosen (a student's enrolment in a course): the field names it.
    Links(Kind),
}

impl SetOn {
    pub fn dependants(self) -> Option<Kind> {
        match self {
            SetOn::Dependants(kind) => Some(kind),
            _ => None,
        }
    }
}

/// The id of list `kind`'s bulk form, which its rows' checkboxes name.
pub fn form_id(kind: Kind) -> String {
    format!("bulk-{}", kind.plural())
}

/// What the confirmation page is asked: from its URL (the list's bulk
/// form), or from a refused Apply shown again.
// Every field may be missing: a server function's arguments leave out an
// empty list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkRequest {
    pub action: String,
    pub scope: String,
    pub ids: Vec<i64>,
    /// The list's own query string (search, filters, sort, page).
    pub query: String,
    pub version: String,
}

/// The confirmation page's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPreview {
    pub action: String,
    pub heading: String,
    pub submit: String,
    pub count: usize,
    /// The records chosen, comma-separated (empty for "all that match",
    /// which the Apply finds again by the query).
    pub ids: String,
    pub scope: String,
    pub query: String,
    /// One `<li>` per record, escaped on the server.
    pub rows: String,
    /// What goes with them, in all.
    pub totals: Option<String>,
    /// Why it cannot be applied as it stands.
    pub blocked: Option<String>,
    /// The list the records were chosen from.
    pub back: String,
    /// For an export: the file's address.
    #[serde(default)]
    pub download: Option<String>,
}

/// A bulk action done, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch: Batch,
    /// One `<li>` per record's entry, escaped on the server.
    pub rows: String,
    /// Entries beyond those listed.
    pub more: i64,
}

/// Entries a bulk action's page lists, at most.
#[cfg(feature = "ssr")]
const BATCH_LISTED: u32 = 1_000;

/// The confirmation's contents for records of `kind`.
#[leptos::server(name = BulkPreviewFn, prefix = "/api", endpoint = "bulk/preview")]
pub async fn bulk_preview(kind: Kind, request: BulkRequest) -> Result<BulkPreview, AppError> {
    crate::service::read(|ctx| async move {
        macro_rules! by_kind {
            ($($record:ty => $list:ty),* $(,)?) => {
                $(
                    if kind == <$record as roster_core::domain::Record>::KIND {
                        return server::preview::<$record, $list>(&ctx, request).await;
                    }
                )*
            };
        }
        crate::record_types!(by_kind);
        Err(AppError::NotFound(kind))
    })
    .await
}

/// Applies a bulk action to records of `kind`; answers the batch's id.
#[leptos::server(name = ApplyBulkFn, prefix = "/api", endpoint = "bulk/apply")]
pub async fn apply_bulk(kind: Kind, input: BulkInput) -> Result<i64, AppError> {
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if kind == <$record as roster_core::domain::Record>::KIND {
                    return crate::record::action::serve::<BulkApply<$record>>((), input).await;
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    Err(AppError::NotFound(kind))
}

/// Bulk action `id`, with its records' entries.
#[leptos::server(name = BatchFn, prefix = "/api", endpoint = "bulk/batch")]
pub async fn batch_view(id: i64) -> Result<Option<BatchView>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require_user()?;
        let Some(batch) = ctx.db.batch(id).await? else {
            return Ok(None);
        };
        // The inbox's and the accounts' are administrators' to see.
        if batch
            .kind()
            .is_some_and(|kind| matches!(kind, Kind::Message | Kind::Account))
        {
            ctx.actor.require_admin()?;
        }
        let entries = ctx.db.batch_entries(id, BATCH_LISTED).await?;
        let more = (batch.count - entries.len() as i64).max(0);
        let rows = server::entry_rows(&entries);
        Ok(Some(BatchView { batch, rows, more }))
    })
    .await
}

/// Undoes bulk action `id` as a whole.
#[leptos::server(name = UndoBatchFn, prefix = "/api", endpoint = "bulk/undo")]
pub async fn undo_batch(id: i64) -> Result<i64, AppError> {
    crate::record::action::serve::<UndoBatch>(id, NoFields {}).await
}

/// Applies the bulk action confirmed on records of `R`.
pub struct BulkApply<R>(PhantomData<R>);

impl<R: RecordView> FormAction for BulkApply<R> {
    const ROUTE: urls::Pattern = R::URLS.bulk;
    type Ids = ();
    type Input = BulkInput;
    type Output = i64;
    type Call = ApplyBulkFn;

    fn call(_: (), input: BulkInput) -> ApplyBulkFn {
        ApplyBulkFn {
            kind: R::KIND,
            input,
        }
    }

    fn next(_: &(), batch: &i64) -> String {
        format!("{}?done=1", urls::batch(*batch))
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: BulkInput) -> Result<i64, AppError> {
        macro_rules! by_kind {
            ($($record:ty => $list:ty),* $(,)?) => {
                $(
                    if R::KIND == <$record as roster_core::domain::Record>::KIND {
                        return server::apply::<$record, $list>(ctx, input).await;
                    }
                )*
            };
        }
        crate::record_types!(by_kind);
        Err(AppError::NotFound(R::KIND))
    }
}

/// Undoes a bulk action as a whole (posted from its page).
pub struct UndoBatch;

impl FormAction for UndoBatch {
    const ROUTE: urls::Pattern = urls::BATCH_UNDO;
    type Ids = i64;
    type Input = NoFields;
    type Output = i64;
    type Call = UndoBatchFn;

    fn call(id: i64, _: NoFields) -> UndoBatchFn {
        UndoBatchFn { id }
    }

    fn next(id: &i64, _: &i64) -> String {
        format!("{}?undone=1", urls::batch(*id))
    }

    fn page(id: &i64) -> String {
        urls::batch(*id)
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, _: NoFields) -> Result<i64, AppError> {
        let user = ctx.actor.require_user()?.id;
        let Some(batch) = ctx.db.batch(id).await? else {
            return Err(AppError::NotFound(Kind::Change));
        };
        let kind = batch.kind().ok_or(AppError::NotFound(Kind::Change))?;
        if roster_core::db::ROW_KINDS.contains(&kind) {
            // Comments: their own bulk delete is anyone's to undo; the
            // rest, administrators'.
            if kind != Kind::Comment || batch.account_id != Some(user) {
                ctx.actor.require_admin()?;
            }
            return match ctx.db.undo_row_batch(&ctx.by(), &batch).await {
                Ok(()) => {
                    tracing::info!(batch = id, user, "bulk action undone");
                    Ok(id)
                }
                Err(e) => Err(server::undo_refused(e)),
            };
        }
        macro_rules! by_kind {
            ($($record:ty => $list:ty),* $(,)?) => {
                $(
                    if kind == <$record as roster_core::domain::Record>::KIND {
                        let done = ctx.db.undo_batch::<$record>(&ctx.by(), &batch).await;
                        return match done {
                            Ok(()) => {
                                tracing::info!(batch = id, user, "bulk action undone");
                                Ok(id)
                            }
                            Err(e) => Err(server::undo_refused(e)),
                        };
                    }
                )*
            };
        }
        crate::record_types!(by_kind);
        Err(AppError::NotFound(kind))
    }
}

/// The list header's checkbox that ticks every row of the page (with the
/// wasm loaded; without, the bulk form's "all on this page" does it).
pub fn select_all_cell(kind: Kind) -> AnyView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_change = move |ev: leptos::ev::Event| {
        let Some(ticked) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.checked())
        else {
            return;
        };
        for input in row_boxes(kind, false) {
            input.set_checked(ticked);
        }
    };
    view! {
        <th scope="col" class="select">
            <input type="checkbox" aria-label="Select every row on this page"
                hidden=move || !live.get() on:change=on_change/>
        </th>
    }
    .into_any()
}

/// The list's bulk form: which records, which action, Continue.
pub fn bulk_bar<L: ListView>(
    query: &QueryOf<L>,
    confirm: urls::Pattern,
    mark: i64,
    on_page: i64,
    total: i64,
    capped: bool,
) -> AnyView {
    let navigate = crate::components::nav::navigator();
    let action = L::bulk_href(&query.filter).unwrap_or_else(|| confirm.fill(&[]));
    let to = action.clone();
    let list = query.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(pairs) = crate::record::form::submitted_pairs(&ev) else {
            return;
        };
        ev.prevent_default();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        // A download starts at once: the rows ticked, the page's, or all.
        if let Some(BulkAction::Export(format)) = BulkAction::parse(&get("action")) {
            let only = match Scope::parse(&get("scope")) {
                Some(Scope::All) => None,
                Some(Scope::Page) => Some(page_ids(L::KIND, false)),
                _ => Some(page_ids(L::KIND, true)),
            };
            if only.as_ref().is_none_or(|ids| !ids.is_empty()) {
                let href = export_href::<L>(&list, format, only.map(|ids| ids.join(",")));
                let _ = window().location().set_href(&href);
                return;
            }
        }
        let pairs: Vec<(&str, String)> =
            pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        navigate(
            &roster_core::domain::list::with_query(&to, &pairs),
            Default::default(),
        );
    };
    let list_params = query
        .params(query.page)
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    let all = match capped {
        true => format!("all that match (more than {})", thousands(total - 1)),
        false => format!("all {} that match", thousands(total)),
    };
    let sets = L::BULK_SETS
        .iter()
        .map(|set| {
            view! { <option value=format!("set:{}", set.field)>{format!("{}…", set.label)}</option> }
        })
        .collect_view();
    view! {
        <form id=form_id(L::KIND) class="bulk" method="get" action=action on:submit=on_submit>
            {list_params}
            <input type="hidden" name="version" value=mark.to_string()/>
            <label>
                <span>"With"</span>
                <select name="scope">
                    <option value=Scope::Selected.as_str()>"the rows ticked"</option>
                    <option value=Scope::Page.as_str()>{format!("all {on_page} on this page")}</option>
                    <option value=Scope::All.as_str()>{all}</option>
                </select>
            </label>
            <label>
                <span>"Do"</span>
                <select name="action">
                    {L::BULK_DELETE.map(|label| view! {
                        <option value=BulkAction::Delete.param()>{label}</option>
                    })}
                    {sets}
                    {L::DOWNLOAD.map(|_| view! {
                        <option value=BulkAction::Export(FileFormat::Csv).param()>"Download as CSV"</option>
                        <option value=BulkAction::Export(FileFormat::Xlsx).param()>"Download as Excel"</option>
                    })}
                </select>
            </label>
            <button type="submit" class="secondary">"Continue…"</button>
        </form>
    }
    .into_any()
}

/// The address of list `L`'s file (`format`): every row its query
/// matches, or only `only` (comma-separated ids).
pub fn export_href<L: ListView>(
    query: &QueryOf<L>,
    format: roster_core::domain::export::FileFormat,
    only: Option<String>,
) -> String {
    let mut params = query.params(1);
    params.retain(|(name, _)| *name != "page" && *name != "per");
    params.push(("format", format.extension().to_owned()));
    if let Some(ids) = only {
        params.push(("ids", ids));
    }
    roster_core::domain::list::with_query(&L::base(&query.filter), &params)
}

/// The ids of the rows on the page, ticked (`ticked`) or all.
fn page_ids(kind: Kind, ticked: bool) -> Vec<String> {
    row_boxes(kind, ticked)
        .iter()
        .map(|input| input.value())
        .collect()
}

/// The rows' checkboxes of list `kind` on the page, ticked (`ticked`) or all.
fn row_boxes(kind: Kind, ticked: bool) -> Vec<web_sys::HtmlInputElement> {
    let Some(document) = window().document() else {
        return Vec::new();
    };
    let checked = if ticked { ":checked" } else { "" };
    let selector = format!(
        "input[type=checkbox][name=id][form={}]{checked}",
        form_id(kind)
    );
    let Ok(boxes) = document.query_selector_all(&selector) else {
        return Vec::new();
    };
    (0..boxes.length())
        .filter_map(|i| boxes.item(i)?.dyn_into::<web_sys::HtmlInputElement>().ok())
        .collect()
}

/// What the page's URL asks (see [`BulkRequest`]).
fn request_from_url() -> Memo<BulkRequest> {
    let params = use_query_map();
    Memo::new(move |_| {
        params.with(|p| {
            let ids = p.get_all("id").unwrap_or_default();
            let ids = roster_core::domain::bulk::parse_ids(ids.iter().map(String::as_str))
                .unwrap_or_default();
            let own = ["action", "scope", "id", "version"];
            let list: Vec<(String, String)> = p
                .to_query_string()
                .trim_start_matches('?')
                .split('&')
                .filter(|pair| !pair.is_empty())
                .filter(|pair| {
                    let name = pair.split('=').next().unwrap_or_default();
                    !own.contains(&name)
                })
                .map(|pair| (pair.to_owned(), String::new()))
                .collect();
            let query = list
                .into_iter()
                .map(|(pair, _)| pair)
                .collect::<Vec<_>>()
                .join("&");
            BulkRequest {
                action: p.get("action").unwrap_or_default(),
                scope: p.get("scope").unwrap_or_default(),
                ids,
                query,
                version: p.get("version").unwrap_or_default(),
            }
        })
    })
}

/// What a confirmation page is asked: a refused Apply's input shown again
/// (without JavaScript), else its URL's.
pub(crate) fn asked() -> impl Fn() -> BulkRequest + Send + Sync + Clone + 'static {
    let from_url = request_from_url();
    let sent = submitted_form::<BulkInput>().map(|state| BulkRequest {
        action: state.input.action.clone(),
        scope: state.input.scope.clone(),
        ids: roster_core::domain::bulk::parse_ids([state.input.ids.as_str()]).unwrap_or_default(),
        query: state.input.query.clone(),
        version: state.input.version.clone(),
    });
    move || {
        sent.clone()
            .unwrap_or_else(|| from_url.try_get().unwrap_or_default())
    }
}

/// The confirmation page of a bulk action on records of `R`.
pub fn bulk_page<R: RecordView>() -> impl IntoView {
    let preview = Resource::new(asked(), |request| async move {
        let version = request.version.clone();
        bulk_preview(R::KIND, request).await.map(|p| (p, version))
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok((preview, version)) => confirmation::<R>(preview, version),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn confirmation<R: RecordView>(preview: BulkPreview, version: String) -> AnyView {
    let fields = fields_for(&preview.action, sets_of::<R>());
    confirmation_form::<BulkApply<R>>(preview, version, fields, ())
}

/// The confirmation's fields for `action`, among `sets`.
pub(crate) fn fields_for(action: &str, sets: &'static [BulkSet]) -> &'static [FieldSpec] {
    let set = BulkAction::parse(action).and_then(|action| match action {
        BulkAction::Set(field) => Some(field),
        _ => None,
    });
    set.as_deref()
        .and_then(|field| sets.iter().find(|s| s.field == field))
        .map_or(DELETE_FIELDS, |s| s.fields)
}

/// The confirmation page's contents, its Apply sent by action `A`.
pub(crate) fn confirmation_form<A>(
    preview: BulkPreview,
    version: String,
    fields: &'static [FieldSpec],
    ids: A::Ids,
) -> AnyView
where
    A: FormAction<Input = BulkInput, Output = i64>,
{
    let initial = BulkInput {
        action: preview.action.clone(),
        scope: preview.scope.clone(),
        ids: preview.ids.clone(),
        query: preview.query.clone(),
        count: preview.count.to_string(),
        version,
        values: BTreeMap::new(),
    };
    let download = preview
        .download
        .clone()
        .filter(|_| preview.blocked.is_none());
    let form = (preview.blocked.is_none() && download.is_none()).then(|| {
        action_form::<A>(FormConfig {
            ids,
            initial,
            fields,
            submit: preview.submit.clone(),
            pending: "Working…".into(),
            cancel: Some(preview.back.clone()),
            class: "bulk-apply",
            id_prefix: "bulk-",
            then: Then::Navigate,
            confirm: None,
        })
    });
    view! {
        <Title text=preview.heading.clone()/>
        <h1>{preview.heading.clone()}</h1>
        {preview.blocked.clone().map(|why| {
            let back = preview.back.clone();
            view! { <Notice kind="error">{why}" "<a href=back>"Back to the list"</a></Notice> }
        })}
        {preview.totals.clone().map(|totals| view! { <p class="bulk-totals">{totals}</p> })}
        {download.map(|href| view! {
            <p class="actions">
                <a class="button primary" href=href download="">{preview.submit.clone()}</a>
                " "<a class="button secondary" href=preview.back.clone()>"Back to the list"</a>
            </p>
        })}
        {form}
        <ul class="bulk-records" inner_html=preview.rows></ul>
    }
    .into_any()
}

/// The bulk actions of `R`'s own, from its list's declaration.
fn sets_of<R: RecordView>() -> &'static [BulkSet] {
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if R::KIND == <$record as roster_core::domain::Record>::KIND {
                    return <$list as ListView>::BULK_SETS;
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    &[]
}

/// `/bulk/{id}/`: a bulk action done, its records, and its Undo.
#[component]
pub fn BatchPage() -> impl IntoView {
    let id = route_id("id");
    let params = use_query_map();
    // Read again after an Undo from the page (the same path, `?undone=1`).
    let found = Resource::new(
        move || {
            let flags = params
                .try_with(|p| (p.get("done").is_some(), p.get("undone").is_some()))
                .unwrap_or_default();
            (id.try_get().flatten(), flags)
        },
        |(id, flags)| async move {
            match id {
                Some(id) => batch_view(id).await.map(|view| view.map(|v| (v, flags))),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some((view, (done, undone)))) => batch_body(view, done, undone),
                    Ok(None) => crate::record::page::missing(Kind::Change, urls::ACTIVITY),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn batch_body(BatchView { batch, rows, more }: BatchView, done: bool, undone: bool) -> AnyView {
    let who = batch
        .who
        .clone()
        .unwrap_or_else(|| "Roster (command line)".into());
    let list = batch
        .kind()
        .and_then(crate::record::declared)
        .map(|d| d.urls.list.fill(&[]));
    let undo = (!batch.undone()).then(|| {
        action_form::<UndoBatch>(FormConfig {
            ids: batch.id,
            initial: NoFields {},
            fields: &[],
            submit: "Undo all of it".into(),
            pending: "Undoing…".into(),
            cancel: None,
            class: "undo-batch",
            id_prefix: "undo-",
            then: Then::Navigate,
            confirm: Some(format!("Undo “{}”?", batch.label)),
        })
    });
    let label = batch.label.clone();
    view! {
        <Title text=batch.label.clone()/>
        {done.then(|| view! { <Notice kind="success">"Done: "{label}"."</Notice> })}
        {undone.then(|| view! { <Notice kind="success">"Undone: every record is as it was before."</Notice> })}
        <h1>{batch.label.clone()}</h1>
        <p class="meta">
            <time datetime=batch.at.to_rfc3339()>{batch.at.datetime_label()}</time>
            " by "{who}
            {batch.undone().then_some(" · undone since")}
        </p>
        {undo}
        <ul class="bulk-records" inner_html=rows></ul>
        {(more > 0).then(|| view! { <p class="muted">{format!("…and {} more.", thousands(more))}</p> })}
        <p>
            <a href=urls::activity()>"Activity"</a>
            {list.map(|href| view! { " · " <a href=href>"Back to the list"</a> })}
        </p>
    }
    .into_any()
}

/// The server side: the records a request chooses, the preview, the apply.
#[cfg(feature = "ssr")]
pub(crate) mod server {
    use roster_core::db::{describe_change, BulkError, ChangedSince, DbError, Listed};
    use roster_core::domain::bulk::{too_many, Bulk, BulkAction, Target};
    use roster_core::domain::{
        from_fields, to_fields, Change, Conflict, FieldErrors, FormInput, HistoryEntry, Kind,
        QueryOf, Record,
    };

    use roster_core::domain::bulk::BULK_MAX;

    use super::{thousands, BulkInput, BulkPreview, BulkRequest, BulkSet, Scope, SetOn};
    use crate::error::AppError;
    use crate::html::Html;
    use crate::record::list::ListView;
    use crate::record::view::RecordView;
    use crate::service::Ctx;

    /// The list query a query string states.
    pub(crate) fn list_query<L: ListView>(query: &str) -> QueryOf<L> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        QueryOf::<L>::from_params(&|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .sanitized()
    }

    /// Whether `L` offers `action` (and the field it sets, for a set).
    fn offered<L: ListView>(action: &BulkAction) -> Option<Option<&'static BulkSet>> {
        match action {
            BulkAction::Delete => Some(None),
            BulkAction::Set(field) => L::BULK_SETS.iter().find(|s| s.field == field).map(Some),
            BulkAction::Export(_) => L::DOWNLOAD.map(|_| None),
        }
    }

    /// The ids `scope` chooses from list `L`.
    async fn chosen<R, L>(
        ctx: &Ctx,
        scope: Scope,
        ids: Vec<i64>,
        query: &QueryOf<L>,
    ) -> Result<Vec<i64>, AppError>
    where
        R: RecordView,
        L: ListView + Listed<Row = R>,
    {
        Ok(match scope {
            Scope::Selected => ids,
            Scope::Page => {
                let page = ctx.db.list::<L>(query).await?;
                page.rows.iter().map(Record::id).collect()
            }
            Scope::All => ctx.db.matching_ids::<L>(query, BULK_MAX + 1).await?,
        })
    }

    pub(super) async fn preview<R, L>(
        ctx: &Ctx,
        request: BulkRequest,
    ) -> Result<BulkPreview, AppError>
    where
        R: RecordView,
        L: ListView + Listed<Row = R>,
    {
        ctx.actor.require_user()?;
        let kind = R::KIND;
        let action = BulkAction::parse(&request.action)
            .ok_or_else(|| AppError::Refused("Choose an action from the list's menu.".into()))?;
        let set = offered::<L>(&action)
            .ok_or_else(|| AppError::Refused(format!("{} have no such action.", kind.title())))?;
        let scope = Scope::parse(&request.scope).unwrap_or(Scope::Selected);
        let query = list_query::<L>(&request.query);
        let back = query.href(&L::base(&query.filter), query.page);
        let ids = chosen::<R, L>(ctx, scope, request.ids, &query).await?;
        let mut blocked = unfit(kind, ids.len());
        let ids = &ids[..ids.len().min(BULK_MAX)];
        let records = ctx.db.records_of::<R>(ids).await?;
        let count = records.len();
        let mut rows = Html::with_capacity(count * 120);
        let mut totals = None;
        let mut download = None;
        let (heading, submit) = match (set, &action) {
            (None, BulkAction::Export(format)) => {
                for record in &records {
                    record_row::<R>(&mut rows, record, "");
                }
                let only = match scope {
                    Scope::All => None,
                    _ => Some(join(records.iter().map(Record::id))),
                };
                download = Some(super::export_href::<L>(&query, *format, only));
                let heading = format!("Download {}", kind.count(count as i64));
                (heading.clone(), heading)
            }
            (None, _) => {
                let dependants = ctx.db.dependants_of::<R>(ids).await?;
                let mut sums = vec![0i64; R::CHILDREN.len()];
                for record in &records {
                    let mut notes = Vec::new();
                    for (i, child) in R::CHILDREN.iter().enumerate() {
                        let n = dependants[i].get(&record.id()).copied().unwrap_or(0);
                        sums[i] += n;
                        if n > 0 && !child.cascade && blocked.is_none() {
                            blocked = Some(format!(
                                "{} still has {}: move them to another {} first (its page, or \
                                 the bulk action on its list).",
                                record.title(),
                                child.kind.count(n),
                                kind.noun()
                            ));
                        }
                        if n > 0 {
                            notes.push(child.kind.count(n));
                        }
                    }
                    record_row::<R>(&mut rows, record, &notes.join(", "));
                }
                let gone: Vec<String> = R::CHILDREN
                    .iter()
                    .zip(&sums)
                    .filter(|(child, n)| child.cascade && **n > 0)
                    .map(|(child, n)| child.kind.count(*n))
                    .collect();
                if !gone.is_empty() {
                    totals = Some(format!(
                        "With them go {}; all of it can be restored from the trash, or with \
                         one Undo.",
                        gone.join(" and ")
                    ));
                }
                (
                    format!("Delete {}?", kind.count(count as i64)),
                    format!("Delete {}", kind.count(count as i64)),
                )
            }
            (Some(set), _) if set.on.dependants().is_some() => {
                let dependants = ctx.db.dependants_of::<R>(ids).await?;
                let child = R::CHILDREN
                    .iter()
                    .position(|c| Some(c.kind) == set.on.dependants());
                let counts = child.map(|i| &dependants[i]);
                let of = |id: i64| counts.and_then(|c| c.get(&id)).copied().unwrap_or(0);
                let moving: i64 = records.iter().map(|r| of(r.id())).sum();
                let noun = set.on.dependants().unwrap_or(kind);
                for record in &records {
                    record_row::<R>(&mut rows, record, &noun.count(of(record.id())));
                }
                if moving == 0 && blocked.is_none() {
                    blocked = Some(format!(
                        "None of these {} has {}.",
                        kind.plural(),
                        noun.plural()
                    ));
                }
                totals = Some(format!("{} move.", noun.count(moving)));
                (
                    format!("{}: {}", set.label, kind.count(count as i64)),
                    format!("Move {}", noun.count(moving)),
                )
            }
            (Some(set), _) if matches!(set.on, SetOn::Links(_)) => {
                for record in &records {
                    record_row::<R>(&mut rows, record, "");
                }
                totals = Some(
                    "Those enrolled in it already are left as they are; if it has fewer seats \
                     left than students, nothing is applied and the page says who did not fit."
                        .into(),
                );
                (
                    format!("{}: {}", set.label, kind.count(count as i64)),
                    format!("Enrol {}", kind.count(count as i64)),
                )
            }
            (Some(set), _) => {
                for record in &records {
                    let fields = to_fields(&record.to_input());
                    let now = fields
                        .iter()
                        .find(|(k, _)| k == set.field)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    record_row::<R>(&mut rows, record, &shown_value(&now));
                }
                (
                    format!("{}: {}", set.label, kind.count(count as i64)),
                    format!("Apply to {}", kind.count(count as i64)),
                )
            }
        };
        Ok(BulkPreview {
            action: action.param(),
            heading,
            submit,
            count,
            ids: match scope {
                Scope::All => String::new(),
                _ => join(records.iter().map(Record::id)),
            },
            scope: scope.as_str().to_owned(),
            query: request.query,
            rows: rows.into_string(),
            totals,
            blocked,
            back,
            download,
        })
    }

    /// Why `n` records of `kind` chosen cannot be acted on, if they cannot.
    pub(crate) fn unfit(kind: Kind, n: usize) -> Option<String> {
        if n > BULK_MAX {
            Some(too_many())
        } else if n == 0 {
            Some(format!(
                "No {} were chosen: tick some rows, or choose “all that match”.",
                kind.plural()
            ))
        } else {
            None
        }
    }

    pub(crate) fn shown_value(value: &str) -> String {
        if value.is_empty() {
            "now: (empty)".to_owned()
        } else {
            format!("now: {value}")
        }
    }

    pub(crate) fn join(ids: impl Iterator<Item = i64>) -> String {
        ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
    }

    /// `<li>`: the record (a link to its page) and a note.
    fn record_row<R: RecordView>(out: &mut Html, record: &R, note: &str) {
        out.raw("<li><a href=\"")
            .path(R::PAGE, record.id())
            .raw("\">")
            .text(&record.title())
            .raw("</a>");
        if !note.is_empty() {
            out.raw(" <span class=\"muted\">").text(note).raw("</span>");
        }
        out.raw("</li>");
    }

    /// The entries of a bulk action's page.
    pub(crate) fn entry_rows(entries: &[HistoryEntry]) -> String {
        let mut out = Html::with_capacity(entries.len() * 120);
        for e in entries {
            let kind = Kind::parse(&e.kind);
            let page = kind
                .and_then(crate::record::declared)
                .map(|d| d.urls.page.fill(&[e.record_id]));
            out.raw("<li>");
            out.maybe_link(page.as_deref(), &e.title);
            let action = e.action().map_or(e.action.as_str(), |a| a.label());
            let changes: Vec<String> = e
                .changes()
                .into_iter()
                .filter(|c| c.field != "version")
                .map(|c| match (c.was.is_empty(), c.now.is_empty()) {
                    (false, false) => format!("{}: {} → {}", c.field, c.was, c.now),
                    (true, false) => format!("{}: {}", c.field, c.now),
                    (false, true) => format!("{}: {} (removed)", c.field, c.was),
                    (true, true) => c.field,
                })
                .collect();
            out.raw(" <span class=\"muted\">").text(action);
            if action != "Deleted" && !changes.is_empty() {
                out.raw(" · ").text(&changes.join("; "));
            }
            out.raw("</span></li>");
        }
        out.into_string()
    }

    pub(super) async fn apply<R, L>(ctx: &Ctx, input: BulkInput) -> Result<i64, AppError>
    where
        R: RecordView,
        L: ListView + Listed<Row = R>,
    {
        let user = ctx.actor.require_user()?.id;
        let kind = R::KIND;
        let Bulk {
            action,
            target,
            count,
            mark,
        } = parsed(&input)?;
        let set = offered::<L>(&action)
            .ok_or_else(|| AppError::Refused(format!("{} have no such action.", kind.title())))?;
        if let BulkAction::Export(_) = action {
            return Err(AppError::Refused(
                "A download changes nothing: it is a link on the confirmation page.".into(),
            ));
        }
        let ids = match &target {
            Target::Ids(ids) => ids.clone(),
            Target::Matching { query } => {
                let query = list_query::<L>(query);
                ctx.db.matching_ids::<L>(&query, BULK_MAX + 1).await?
            }
        };
        if ids.len() > BULK_MAX {
            return Err(AppError::Refused(too_many()));
        }
        let records = ctx.db.records_of::<R>(&ids).await?;
        // Records gone, or (for "all that match") come or gone from the
        // list since the confirmation: changes made since it was read.
        if records.len() != count || records.len() != ids.len() {
            let changed = ctx.db.changed_since(kind, &ids, mark).await?;
            return Err(changed_since::<R>(ctx, &records, changed, &target).await);
        }
        let by = ctx.by();
        let done = match set {
            None => {
                let chosen: Vec<(i64, i64, String)> = records
                    .iter()
                    .map(|r| (r.id(), r.version(), r.title()))
                    .collect();
                let label = format!("Deleted {}", kind.count(count as i64));
                ctx.db.bulk_delete::<R>(&by, &label, &chosen, mark).await
            }
            Some(set) if set.on.dependants().is_some() => {
                let value = input.values.get(set.field).cloned().unwrap_or_default();
                let chosen: Vec<i64> = records.iter().map(Record::id).collect();
                let changed = ctx.db.changed_since(kind, &chosen, mark).await?;
                if !changed.is_empty() {
                    return Err(changed_since::<R>(ctx, &records, changed, &target).await);
                }
                if chosen.iter().any(|id| id.to_string() == value.trim()) {
                    return Err(AppError::Invalid(FieldErrors::single(
                        set.field,
                        format!("Choose a {} other than those chosen.", kind.noun()),
                    )));
                }
                let label = format!("{}: {}", set.label, kind.count(count as i64));
                move_dependants::<R>(ctx, set, &chosen, &value, &label).await
            }
            Some(set) if matches!(set.on, SetOn::Links(_)) => {
                let value = input.values.get(set.field).cloned().unwrap_or_default();
                let course = roster_core::domain::list::id_param(Some(value)).ok_or_else(|| {
                    AppError::Invalid(FieldErrors::single(set.field, "Choose a course."))
                })?;
                let chosen: Vec<(i64, String)> =
                    records.iter().map(|r| (r.id(), r.title())).collect();
                ctx.db.bulk_enrol(&by, course, &chosen, mark).await
            }
            Some(set) => {
                let value = input.values.get(set.field).cloned().unwrap_or_default();
                let mut edits = Vec::with_capacity(records.len());
                let titles: Vec<String> = records.iter().map(Record::title).collect();
                for record in &records {
                    match with_value(record, set.field, &value).parse() {
                        Ok(valid) => edits.push((record.id(), record.version(), valid)),
                        Err(errors) => return Err(invalid::<R>(set.field, record, errors)),
                    }
                }
                let label = format!("{}: {}", set.label, kind.count(count as i64));
                ctx.db
                    .bulk_save::<R>(&by, &action.param(), &label, &edits, &titles, mark)
                    .await
            }
        };
        match done {
            Ok(batch) => {
                tracing::info!(kind = kind.noun(), batch, count, user, "bulk action");
                Ok(batch)
            }
            Err(BulkError::Changed(changed)) => {
                Err(changed_since::<R>(ctx, &records, changed, &target).await)
            }
            Err(BulkError::At { title, error, .. }) => match (set, AppError::from(error)) {
                // A dependant refused the value: it is the one asked for.
                (Some(set), AppError::Invalid(errors)) if set.on.dependants().is_some() => {
                    let message = errors.messages().join(" ");
                    Err(AppError::Invalid(FieldErrors::single(set.field, message)))
                }
                (_, error) => Err(at_record(&title, error, set)),
            },
            Err(BulkError::Invalid { errors, .. })
                if set.is_some_and(|s| s.on.dependants().is_some()) =>
            {
                Err(AppError::Invalid(errors))
            }
            // The course chosen: full, or not there.
            Err(BulkError::Full { course, free, left }) => {
                Err(AppError::Invalid(FieldErrors::single(
                    set.map_or("", |s| s.field),
                    not_fitting(&course, free, &left),
                )))
            }
            Err(BulkError::Db(DbError::Constraint(name))) if set.is_some() => {
                let message = match AppError::from(DbError::Constraint(name)) {
                    AppError::Invalid(errors) => errors.messages().join(" "),
                    other => other.to_string(),
                };
                Err(AppError::Invalid(FieldErrors::single(
                    set.map_or("", |s| s.field),
                    message,
                )))
            }
            Err(other) => Err(undo_refused(other)),
        }
    }

    /// The Apply's input, or why it cannot be (its hidden fields tampered
    /// with: said as a refusal, not at fields the page does not show).
    pub(crate) fn parsed(input: &BulkInput) -> Result<Bulk, AppError> {
        input.parse().map_err(|errors| {
            let all: Vec<String> = ["action", "ids", "count", "version"]
                .iter()
                .filter_map(|f| errors.get(f).map(str::to_owned))
                .collect();
            AppError::Refused(all.join(" "))
        })
    }

    /// `record`'s form as it is stored, with `field` set to `value`.
    fn with_value<R: roster_core::domain::Record>(
        record: &R,
        field: &str,
        value: &str,
    ) -> R::Input {
        let mut fields = to_fields(&record.to_input());
        match fields.iter_mut().find(|(k, _)| k == field) {
            Some((_, old)) => value.clone_into(old),
            None => fields.push((field.to_owned(), value.to_owned())),
        }
        from_fields(fields)
    }

    /// Sets, on every record of `set.on`'s kind that depends on one of `chosen`
    /// (of `R`), its key to them to `value`, as one batch of edits of
    /// those records.
    async fn move_dependants<R: RecordView>(
        ctx: &Ctx,
        set: &BulkSet,
        chosen: &[i64],
        value: &str,
        label: &str,
    ) -> Result<i64, BulkError> {
        let Some(child) = R::CHILDREN
            .iter()
            .find(|c| Some(c.kind) == set.on.dependants())
        else {
            return Err(BulkError::Db(DbError::NotFound(R::KIND)));
        };
        macro_rules! by_kind {
            ($($record:ty => $list:ty),* $(,)?) => {
                $(
                    if child.kind == <$record as roster_core::domain::Record>::KIND {
                        return move_to::<$record>(ctx, child, set, chosen, value, label).await;
                    }
                )*
            };
        }
        crate::record_types!(by_kind);
        Err(BulkError::Db(DbError::NotFound(child.kind)))
    }

    /// [`move_dependants`] for dependants of type `C`.
    async fn move_to<C: RecordView>(
        ctx: &Ctx,
        child: &roster_core::db::Children,
        set: &BulkSet,
        chosen: &[i64],
        value: &str,
        label: &str,
    ) -> Result<i64, BulkError> {
        let ids = ctx.db.dependant_ids(child, chosen).await?;
        let records = ctx.db.records_of::<C>(&ids).await?;
        let mut edits = Vec::with_capacity(records.len());
        let titles: Vec<String> = records.iter().map(Record::title).collect();
        for record in &records {
            match with_value(record, child.column, value).parse() {
                Ok(valid) => edits.push((record.id(), record.version(), valid)),
                Err(errors) => {
                    // The value chosen, at the confirmation's own field.
                    let message = errors.get(child.column).map(str::to_owned);
                    return Err(BulkError::Invalid {
                        id: record.id(),
                        title: record.title(),
                        errors: match message {
                            Some(m) => FieldErrors::single(set.field, m),
                            None => errors,
                        },
                    });
                }
            }
        }
        // The dependants were not on the list: only their versions guard them.
        let action = format!("set:{}", child.column);
        ctx.db
            .bulk_save::<C>(&ctx.by(), &action, label, &edits, &titles, i64::MAX)
            .await
    }

    /// A refusal by one record's rules: at the field for the value chosen
    /// (a handler that is not there), else naming the record.
    fn at_record(title: &str, error: AppError, set: Option<&BulkSet>) -> AppError {
        match error {
            AppError::Invalid(errors) => match set.and_then(|s| errors.get(s.field)) {
                Some(message) => AppError::Invalid(FieldErrors::single(
                    set.map_or("", |s| s.field),
                    message.to_owned(),
                )),
                None => AppError::Refused(format!(
                    "{title} cannot be saved as it is now: {}",
                    errors.messages().join(" ")
                )),
            },
            AppError::Refused(why) => {
                AppError::Refused(format!("{title}: {why} Nothing was applied."))
            }
            other => other,
        }
    }

    /// A value the form's rules refuse: at the field when it is the one
    /// being set, else naming the record that cannot take it.
    fn invalid<R: RecordView>(field: &str, record: &R, errors: FieldErrors) -> AppError {
        match errors.get(field) {
            Some(message) => AppError::Invalid(FieldErrors::single(field, message.to_owned())),
            None => AppError::Refused(format!(
                "{} cannot be saved as it is now ({}); edit it on its own page first. \
                 Nothing was applied.",
                record.title(),
                errors.messages().join(" ")
            )),
        }
    }

    /// "2 of these pets changed since you chose them": what changed, and
    /// the selection as it stands now, for the form to apply again.
    async fn changed_since<R: RecordView>(
        ctx: &Ctx,
        records: &[R],
        changed: Vec<ChangedSince>,
        target: &Target,
    ) -> AppError {
        let ids = match target {
            Target::Ids(_) => join(records.iter().map(Record::id)),
            Target::Matching { .. } => String::new(),
        };
        // "All that match" is found again by its query on the next Apply.
        let count = match target {
            Target::Ids(_) => records.len(),
            Target::Matching { .. } => records.len().max(1),
        };
        changed_conflict(ctx, R::KIND, ids, count, changed).await
    }

    /// [`changed_since`] for records of `kind`: `ids` (comma-separated)
    /// and `count` as the form should send them again.
    pub(crate) async fn changed_conflict(
        ctx: &Ctx,
        kind: Kind,
        ids: String,
        count: usize,
        changed: Vec<ChangedSince>,
    ) -> AppError {
        let mark = match ctx.db.history_mark().await {
            Ok(mark) => mark,
            Err(e) => return e.into(),
        };
        let mut seen = std::collections::HashSet::new();
        let mut changes = Vec::new();
        for c in &changed {
            let what = describe_change(c);
            let title = if c.title.is_empty() {
                format!("#{}", c.id)
            } else {
                c.title.clone()
            };
            seen.insert(c.id);
            changes.push(Change {
                field: title,
                was: String::new(),
                now: what,
                link: None,
                diff: None,
            });
        }
        let noun = kind.plural();
        let n = seen.len().max(1);
        AppError::Conflict(Conflict {
            kind,
            version: mark,
            theirs: vec![("ids".into(), ids), ("count".into(), count.to_string())],
            deleting: false,
            changed: changes,
            bulk: Some(format!(
                "{} of these {noun} changed since you chose them, so nothing was applied. \
                 What changed is listed below: review it, then apply again to go ahead.",
                thousands(n as i64)
            )),
        })
    }

    /// An undo (or an apply) that could not go ahead, in words.
    pub(crate) fn undo_refused(error: BulkError) -> AppError {
        match error {
            BulkError::Changed(changed) => {
                let named: Vec<String> = changed
                    .iter()
                    .take(10)
                    .map(|c| format!("{} ({})", c.title, describe_change(c)))
                    .collect();
                AppError::Refused(format!(
                    "It cannot be undone as a whole: {} changed since. {}",
                    count_records(changed.len()),
                    named.join("; ")
                ))
            }
            BulkError::At { title, error, .. } => match AppError::from(error) {
                AppError::Invalid(errors) => AppError::Refused(format!(
                    "It cannot be undone: {title} — {}",
                    errors.messages().join(" ")
                )),
                AppError::Refused(why) => {
                    AppError::Refused(format!("It cannot be undone: {title} — {why}"))
                }
                other => other,
            },
            BulkError::Invalid { title, errors, .. } => AppError::Refused(format!(
                "It cannot be undone: {title} — {}",
                errors.messages().join(" ")
            )),
            BulkError::AlreadyUndone => AppError::Refused("It was undone already.".into()),
            BulkError::Full { course, free, left } => {
                AppError::Refused(not_fitting(&course, free, &left))
            }
            BulkError::Refused(why) => AppError::Refused(why),
            BulkError::NotInTrash(n) => AppError::Refused(format!(
                "It cannot be undone as a whole: {} no longer in the trash (restored one by \
                 one, or emptied since).",
                match n {
                    1 => "1 of its records is".to_owned(),
                    n => format!("{} of its records are", thousands(n as i64)),
                }
            )),
            BulkError::Db(e) => e.into(),
        }
    }

    /// "CS101 Intro has 3 seats left: 2 did not fit (Ada, Alan)".
    fn not_fitting(course: &str, free: usize, left: &[String]) -> String {
        const NAMED: usize = 20;
        let mut names = left
            .iter()
            .take(NAMED)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if left.len() > NAMED {
            names.push_str(&format!(
                " and {} more",
                thousands((left.len() - NAMED) as i64)
            ));
        }
        let seats = match free {
            0 => "no seats left".to_owned(),
            1 => "1 seat left".to_owned(),
            n => format!("{} seats left", thousands(n as i64)),
        };
        format!(
            "{course} has {seats}: {} did not fit ({names}). Nothing was applied.",
            Kind::Student.count(left.len() as i64)
        )
    }

    fn count_records(n: usize) -> String {
        match n {
            1 => "1 record".to_owned(),
            n => format!("{} records", thousands(n as i64)),
        }
    }
}
