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
        if let Some(kind) = batch.kind() {
            ctx.actor.require(kind, roster_core::domain::Op::View)?;
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
    // Only the actions the role allows (the server refuses the others).
    use crate::auth::viewer_may;
    use roster_core::domain::Op;
    let may_delete = viewer_may(L::KIND, Op::Delete);
    let may_set = viewer_may(L::KIND, Op::Change)
        || (L::KIND == Kind::Enrolment && crate::auth::viewer_teaches());
    let may_export = viewer_may(L::KIND, Op::Export);
    let offered = (may_delete && L::BULK_DELETE.is_some())
        || (may_set && !L::BULK_SETS.is_empty())
        || (may_export && L::DOWNLOAD.is_some());
    if !offered {
        return ().into_any();
    }
    let sets = L::BULK_SETS
        .iter()
        .filter(|_| may_set)
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
                    {L::BULK_DELETE.filter(|_| may_delete).map(|label| view! {
                        <option value=BulkAction::Delete.param()>{label}</option>
                    })}
                    {sets}
                    {L::DOWNLOAD.filter(|_| may_export).map(|_| view! {
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
pub(crate) mod server;
