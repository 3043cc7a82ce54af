//! One list for every record type: the search form, a dense table with
//! sortable column headers (like Django admin's changelist), the active
//! filters, the pager.
//!
//! The table's rows are written as plain markup on the server
//! ([`crate::html::Html`]) and reach the browser either inside the page or,
//! after a search or a page change with the wasm loaded, as one string from
//! the list's server function. The page's hydration data carries only the
//! total and the filters, not the rows: hydration leaves the rendered rows
//! as they are (`inner_html` is not re-applied when hydrating), and their
//! buttons work by delegation, so the browser never rebuilds them.

use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use roster_core::domain::export::FileFormat;
use roster_core::domain::list::{page_count, Listing};
use roster_core::domain::{ListFilter, QueryOf, SortKey, PAGE_SIZES};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::error::AppError;

/// A column of a list's table; `sort` is its (ascending, descending) pair
/// when the header sorts by it.
pub struct Column<S: 'static> {
    pub label: &'static str,
    pub class: &'static str,
    pub sort: Option<(S, S)>,
    /// Said to screen readers only (a column of buttons or of a mark needs a
    /// name, not a visible heading).
    pub hidden: bool,
}

impl<S> Column<S> {
    pub const fn plain(label: &'static str, class: &'static str) -> Self {
        Self {
            label,
            class,
            sort: None,
            hidden: false,
        }
    }

    /// A column whose heading only screen readers hear.
    pub const fn unlabelled(label: &'static str, class: &'static str) -> Self {
        Self {
            label,
            class,
            sort: None,
            hidden: true,
        }
    }

    /// The last column: each row's Edit and Delete.
    pub const fn actions() -> Self {
        Self::unlabelled("Actions", "row-actions")
    }

    pub const fn sorted(label: &'static str, class: &'static str, asc: S, desc: S) -> Self {
        Self {
            label,
            class,
            sort: Some((asc, desc)),
            hidden: false,
        }
    }
}

/// An active filter, with the link that drops it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chip {
    pub label: String,
    pub remove: String,
}

/// What a list's server function answers: the rows as markup, how many match
/// in all, the active filters by name, and markup for above the rows (the
/// pet list's categories: read with the rows, in the same call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListChunk {
    pub total: i64,
    /// The count stopped at `total` (see `Listed::COUNT_CAP`).
    #[serde(default)]
    pub capped: bool,
    pub chips: Vec<Chip>,
    pub rows: String,
    #[serde(default)]
    pub head: String,
    /// Where the history stood when the rows were read, for a list with
    /// bulk actions (see `Db::history_mark`).
    #[serde(default)]
    pub mark: i64,
    /// Its filters with their counts for the search shown.
    #[serde(default)]
    pub facets: Vec<roster_core::domain::FacetCounts>,
}

/// A list as the page keeps it: the rows are not part of the page's
/// hydration data (see the module notes). Shared strings: leptos hands out
/// a copy of a resource's value each time the page reads it, several times
/// per render on the server, and rows are the bulk of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListState {
    pub total: i64,
    pub capped: bool,
    pub chips: Vec<Chip>,
    #[serde(skip)]
    pub rows: Arc<str>,
    #[serde(skip)]
    pub head: Arc<str>,
    pub mark: i64,
    pub facets: Vec<roster_core::domain::FacetCounts>,
}

impl From<ListChunk> for ListState {
    fn from(chunk: ListChunk) -> Self {
        Self {
            total: chunk.total,
            capped: chunk.capped,
            chips: chunk.chips,
            rows: chunk.rows.into(),
            head: chunk.head.into(),
            mark: chunk.mark,
            facets: chunk.facets,
        }
    }
}

/// How a list's rows are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A table with a header row (`<tr>` rows).
    Table,
    /// A list of entries, newest first (`<li>` rows): comments.
    Feed,
}

/// A list with a table: its columns, how each row is written (server only)
/// and the server function that fetches a page.
pub trait ListView: Listing {
    type Row: Send + Sync + 'static;
    const COLUMNS: &'static [Column<Self::Sort>];
    /// The search box's placeholder: what it searches.
    const SEARCH_HINT: &'static str;
    const LAYOUT: Layout = Layout::Table;
    /// Its own page says this when there are none at all.
    const EMPTY: &'static str = "None yet.";
    /// Who may read it.
    const READERS: Readers = Readers::SignedIn;
    /// Its server function sends markup for above the rows ([`ListChunk::head`]).
    const HEAD: bool = false;
    /// It downloads as a file (CSV or Excel, its rows as its search,
    /// filters and sort choose them), named so (after its parent's name
    /// for a list on a record's page); `None`: it does not.
    const DOWNLOAD: Option<&'static str> = None;
    /// Files can bring its records in: the import page it links to.
    const IMPORT: Option<roster_core::domain::import::ImportKind> = None;
    /// Its rows can be ticked for a bulk action, confirmed on this page.
    const BULK: Option<roster_core::domain::urls::Pattern> = None;
    /// The bulk actions of its own (beyond delete): a field set on each.
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[];
    /// Its bulk delete, in the action menu (`None`: it has none).
    const BULK_DELETE: Option<&'static str> = Some("Delete…");

    /// The address of its bulk confirmation for the list `filter` shows
    /// (`None`: [`ListView::BULK`] as it is).
    fn bulk_href(filter: &<Self as Listing>::Filter) -> Option<String> {
        let _ = filter;
        None
    }

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl Future<Output = Result<ListChunk, AppError>> + Send + 'static;

    /// Writes one row; `actor` is who will see it (what they may do).
    #[cfg(feature = "ssr")]
    fn row(row: &Self::Row, actor: &crate::service::Actor, out: &mut crate::html::Html);

    /// A row's id and title, for its checkbox (a list with [`ListView::BULK`]).
    #[cfg(feature = "ssr")]
    fn ticked(row: &Self::Row) -> Option<(i64, String)> {
        let _ = row;
        None
    }
}

/// Who may read a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    SignedIn,
    Admins,
    /// Accounts whose role may view records of this kind.
    Of(roster_core::domain::Kind),
    /// Accounts whose role may do this to some kind of record.
    AnyOf(roster_core::domain::Op),
}

impl Readers {
    /// 401 or 403 unless `actor` is one of these readers.
    #[cfg(feature = "ssr")]
    pub fn check(self, actor: &crate::service::Actor) -> Result<(), AppError> {
        match self {
            Readers::SignedIn => actor.require_user().map(drop),
            Readers::Admins => actor.require_admin().map(drop),
            Readers::Of(kind) => actor.require(kind, roster_core::domain::Op::View).map(drop),
            Readers::AnyOf(op) => {
                let user = actor.require_user()?;
                if user.grants.may_any(op) {
                    Ok(())
                } else {
                    Err(AppError::Forbidden(
                        "Your role does not allow you to do that. Ask an administrator if you \
                         need to."
                            .into(),
                    ))
                }
            }
        }
    }
}

/// A list's server function (see [`crate::list_api!`]): who may read it
/// checked, one query for the page and its total, the rows as markup.
#[cfg(feature = "ssr")]
pub async fn serve<L>(query: QueryOf<L>) -> Result<ListChunk, AppError>
where
    L: ListView + roster_core::db::Listed<Row = <L as ListView>::Row>,
{
    crate::service::read(|ctx| async move {
        L::READERS.check(&ctx.actor)?;
        // Read before the rows: a change after it is one the rows may miss.
        let mark = match L::BULK {
            Some(_) => ctx.db.history_mark().await?,
            None => 0,
        };
        let query = query.sanitized();
        let (page, facets) =
            tokio::try_join!(ctx.db.list::<L>(&query), ctx.db.facets::<L>(&query))?;
        let mut chunk = chunk::<L>(page, Vec::new(), &ctx.actor);
        chunk.mark = mark;
        chunk.facets = facets;
        Ok(chunk)
    })
    .await
}

/// The server function that reads a page of list `$listing`.
#[macro_export]
macro_rules! list_api {
    ($list:ident / $List:ident = $url:literal for $listing:ty) => {
        /// A page of the list, as rows ready to show.
        #[leptos::server(name = $List, prefix = "/api", endpoint = $url)]
        pub async fn $list(
            query: roster_core::domain::QueryOf<$listing>,
        ) -> Result<$crate::record::list::ListChunk, $crate::error::AppError> {
            $crate::record::list::serve::<$listing>(query).await
        }
    };
}

/// The chunk for one page of rows, as `actor` sees it (server only).
#[cfg(feature = "ssr")]
pub fn chunk<L: ListView>(
    page: roster_core::domain::Page<L::Row>,
    chips: Vec<Chip>,
    actor: &crate::service::Actor,
) -> ListChunk {
    let mut html = crate::html::Html::with_capacity(page.rows.len() * 400);
    for row in &page.rows {
        match L::ticked(row) {
            // Every row starts `<tr…>` (a feed's `<li…>`): its checkbox goes first.
            Some((id, title)) => {
                let mut one = crate::html::Html::with_capacity(400);
                L::row(row, actor, &mut one);
                let one = one.into_string();
                debug_assert!(
                    one.starts_with("<tr") || one.starts_with("<li"),
                    "{}",
                    L::KIND.noun()
                );
                let (tr, rest) = one.split_at(one.find('>').map_or(0, |at| at + 1));
                html.push_markup(tr);
                // A feed's item holds its checkbox in a span.
                let cell = match L::LAYOUT {
                    Layout::Table => "td",
                    Layout::Feed => "span",
                };
                html.raw("<")
                    .raw(cell)
                    .raw(" class=\"select\"><input type=\"checkbox\" name=\"id\" value=\"")
                    .number(id)
                    .raw("\" form=\"")
                    .text(&crate::bulk::form_id(L::KIND))
                    .raw("\" aria-label=\"Select ")
                    .text(&title)
                    .raw("\"></")
                    .raw(cell)
                    .raw(">");
                html.push_markup(rest);
            }
            None => L::row(row, actor, &mut html),
        }
    }
    ListChunk {
        total: page.total,
        capped: page.capped,
        chips,
        rows: html.into_string(),
        head: String::new(),
        mark: 0,
        facets: Vec::new(),
    }
}

/// The list query the page's URL asks for.
pub fn use_list_query<L: Listing>() -> Memo<QueryOf<L>> {
    let params = use_query_map();
    Memo::new(move |_| params.with(|p| QueryOf::<L>::from_params(&|k| p.get(k))))
}

/// A row's Delete button pressed with the wasm loaded: (id, version, title).
pub type RowDelete = (i64, i64, String);

/// The forms a list row may hold besides its Delete button, named by the
/// form's `data-action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowForm {
    /// An enrolment's grade.
    Grade,
    /// An account's role (administrator or not).
    Role,
    /// An account's status (active or disabled).
    Status,
    /// A trash entry's Restore button.
    Restore,
}

impl RowForm {
    const ALL: [RowForm; 4] = [
        RowForm::Grade,
        RowForm::Role,
        RowForm::Status,
        RowForm::Restore,
    ];

    /// Its `data-action`.
    pub fn name(self) -> &'static str {
        match self {
            RowForm::Grade => "grade",
            RowForm::Role => "role",
            RowForm::Status => "status",
            RowForm::Restore => "restore",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Another form in a row (a grade to save), sent with the wasm loaded:
/// which form, its `data-id`, and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct RowAction {
    pub action: RowForm,
    pub id: i64,
    pub fields: Vec<(String, String)>,
}

/// Reads the `data-` values of a row's delete form: what to delete, and
/// the question to ask first.
fn row_delete(ev: &leptos::ev::SubmitEvent) -> Option<(RowDelete, String)> {
    let form = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let id = form.get_attribute("data-delete")?.parse().ok()?;
    let version = form.get_attribute("data-version")?.parse().ok()?;
    let title = form.get_attribute("data-title").unwrap_or_default();
    let question = form
        .get_attribute("data-question")
        .unwrap_or_else(|| format!("Delete {title}? This cannot be undone."));
    Some(((id, version, title), question))
}

fn row_action(ev: &leptos::ev::SubmitEvent) -> Option<RowAction> {
    let form = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let action = RowForm::parse(&form.get_attribute("data-action")?)?;
    let id = form.get_attribute("data-id")?.parse().ok()?;
    let fields = super::form::submitted_pairs(ev)?;
    Some(RowAction { action, id, fields })
}

/// Options for [`record_list`].
#[derive(Clone, Copy)]
pub struct ListConfig {
    /// Show the search form (lists inside other pages may not).
    pub search: bool,
    /// Shown when the list is empty and nothing is searched.
    pub empty: &'static str,
    /// Changing it fetches the list again (after a delete, say).
    pub refresh: Signal<usize>,
    /// With the wasm loaded, a row's Delete button calls this once the
    /// person confirmed; without, it leads to the confirmation page.
    pub on_delete: Option<Callback<RowDelete>>,
    /// With the wasm loaded, a row's other forms call this.
    pub on_action: Option<Callback<RowAction>>,
}

/// A list's `refresh`: changes whenever one of `counters` does (a form's
/// "added" count, an action's version).
///
/// Resource sources, this among them, read with `try_get`: when a client
/// leaves in the middle of a page (a closed tab, a load generator stopping),
/// leptos disposes of the page's signals while a resource may still look at
/// its source once more, and a plain `get` panics there.
pub fn changes(counters: &[RwSignal<usize>]) -> Signal<usize> {
    let counters = counters.to_vec();
    Signal::derive(move || counters.iter().map(|c| c.try_get().unwrap_or(0)).sum())
}

/// The list, for query `query`.
pub fn record_list<L: ListView>(query: Memo<QueryOf<L>>, config: ListConfig) -> impl IntoView {
    prepare_list::<L>(query, config).view()
}

/// A list whose data is fetched once, drawn by [`PreparedList::view`] as
/// often as leptos asks. Lists under a record (its comments, its pets) are
/// drawn inside the record's Suspense, whose closure leptos runs several
/// times while it waits on the server; a resource made in there would be
/// made, fetched and sent to the browser each time.
pub struct PreparedList<L: ListView> {
    query: Memo<QueryOf<L>>,
    data: Resource<Result<ListState, AppError>>,
    config: ListConfig,
}

impl<L: ListView> Clone for PreparedList<L> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<L: ListView> Copy for PreparedList<L> {}

/// Starts fetching the list for `query` (see [`PreparedList`]).
pub fn prepare_list<L: ListView>(query: Memo<QueryOf<L>>, config: ListConfig) -> PreparedList<L> {
    let refresh = config.refresh;
    let data = Resource::new(
        move || {
            (
                query.try_get().unwrap_or_default(),
                refresh.try_get().unwrap_or(0),
            )
        },
        |(query, _)| async move { L::fetch(query).await.map(ListState::from) },
    );
    PreparedList {
        query,
        data,
        config,
    }
}

impl<L: ListView> PreparedList<L> {
    /// The list's markup: search form, table or feed, pager.
    pub fn view(self) -> AnyView {
        let PreparedList {
            query,
            data,
            config,
        } = self;
        let (on_delete, on_action) = (config.on_delete, config.on_action);
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            if let (Some(callback), Some((delete, question))) = (on_delete, row_delete(&ev)) {
                ev.prevent_default();
                if window().confirm_with_message(&question).unwrap_or(false) {
                    callback.run(delete);
                }
            } else if let (Some(callback), Some(action)) = (on_action, row_action(&ev)) {
                ev.prevent_default();
                callback.run(action);
            }
        };
        let empty = config.empty;
        view! {
            <div class="record-list" on:submit=on_submit>
                {config.search.then(|| search_form::<L>(query))}
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(state) => list_body::<L>(query.try_get_untracked().unwrap_or_default(), state, empty, config.search),
                            Err(e) => crate::components::status::failed(e),
                        }
                    })}
                </Transition>
            </div>
        }
        .into_any()
    }
}

/// `full`: the list is a page of its own (with its head), not a section of
/// another page.
fn list_body<L: ListView>(
    query: QueryOf<L>,
    state: ListState,
    empty: &'static str,
    full: bool,
) -> AnyView {
    let kind = L::KIND;
    let base = L::base(&query.filter);
    let searching = !query.search.is_empty();
    let counted = match state.capped {
        true => format!("More than {}", kind.count(state.total - 1)),
        false => kind.count(state.total),
    };
    let summary = if searching {
        let verb = if state.total == 1 { "matches" } else { "match" };
        format!("{counted} {verb} “{}”", query.search)
    } else {
        counted
    };
    let pages = page_count(state.total, query.per_page);
    let empty_text = if searching {
        format!("No {} match your search.", kind.plural())
    } else if query.page > 1 {
        "There is no such page.".to_owned()
    } else {
        empty.to_owned()
    };
    let mut chips = state.chips;
    if let Some(label) = query.added.label() {
        let mut rest = query.clone();
        rest.added = Default::default();
        chips.push(Chip {
            label,
            remove: rest.href(&base, 1),
        });
    }
    let empty_text = if query.added.label().is_some() && !searching && query.page == 1 {
        format!("No {} were added then.", kind.plural())
    } else {
        empty_text
    };
    let header = L::COLUMNS
        .iter()
        .map(|column| header_cell(&query, &base, column))
        .collect_view();
    let bulk = L::BULK.filter(|_| state.total > 0);
    let on_page = state
        .total
        .saturating_sub(query.offset())
        .clamp(0, i64::from(query.per_page));
    let select_all = bulk.map(|_| crate::bulk::select_all_cell(L::KIND));
    let bulk_bar = bulk.map(|confirm| {
        crate::bulk::bulk_bar::<L>(
            &query,
            confirm,
            state.mark,
            on_page,
            state.total,
            state.capped,
        )
    });
    // Always the element (hydration cannot tell whether the server had a
    // head: the page's data does not carry it), filled as the server sent.
    let head =
        (full && L::HEAD).then(|| view! { <div class="list-head" inner_html=state.head></div> });
    view! {
        {head}
        <p class="summary" aria-live="polite">{summary}</p>
        {(!chips.is_empty()).then(|| view! {
            <ul class="chips" aria-label="Filters">
                {chips.into_iter().map(|chip| view! {
                    <li>{chip.label}" "<a href=chip.remove aria-label="Remove this filter">"×"</a></li>
                }).collect_view()}
            </ul>
        })}
        {facets_nav(&query, &base, &state.facets)}
        {(state.total == 0 || query.offset() >= state.total).then(|| view! { <p class="empty">{empty_text}</p> })}
        {match L::LAYOUT {
            Layout::Table => view! {
                <div class="table-wrap">
                    <table class=format!("records {}", kind.plural())>
                        <thead><tr>{select_all}{header}</tr></thead>
                        <tbody inner_html=state.rows></tbody>
                    </table>
                </div>
            }.into_any(),
            Layout::Feed => view! {
                <ol class=format!("feed {}", kind.plural()) inner_html=state.rows></ol>
            }.into_any(),
        }}
        {bulk_bar}
        {pager(&query, &base, pages, state.capped)}
        {L::DOWNLOAD
            .filter(|_| crate::auth::viewer_may(L::KIND, roster_core::domain::Op::Export))
            .map(|_| downloads(&query, &base, L::IMPORT.filter(|k| {
                crate::auth::viewer_may(k.kind(), roster_core::domain::Op::Import)
            })))}
    }
    .into_any()
}

/// Each facet's choices, with how many records each holds for the search
/// shown: a link that chooses it (or, chosen, drops it).
fn facets_nav<S: SortKey, F: ListFilter>(
    query: &roster_core::domain::ListQuery<S, F>,
    base: &str,
    facets: &[roster_core::domain::FacetCounts],
) -> AnyView {
    let params = query.params(1);
    facets
        .iter()
        .filter(|facet| !facet.choices.is_empty())
        .map(|facet| {
            let chosen = params
                .iter()
                .find(|(name, _)| *name == facet.param)
                .map(|(_, value)| value.clone());
            let choices = facet
                .choices
                .iter()
                .map(|choice| {
                    let on = chosen.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&choice.value));
                    let mut next: Vec<(&str, String)> = params
                        .iter()
                        .filter(|(name, _)| *name != facet.param && *name != "page")
                        .map(|(name, value)| (*name, value.clone()))
                        .collect();
                    if !on {
                        next.push((facet.param.as_str(), choice.value.clone()));
                    }
                    let href = roster_core::domain::list::with_query(base, &next);
                    view! {
                        " "
                        <a href=href class=on.then_some("chosen") aria-current=on.then_some("true")>
                            {choice.label.clone()}" "
                            <span class="muted">{roster_core::domain::bulk::thousands(choice.count)}</span>
                        </a>
                    }
                })
                .collect_view();
            view! {
                <nav class="categories facets" aria-label=facet.label.clone()>
                    <span>{format!("{}:", facet.label)}</span>
                    {choices}
                </nav>
            }
        })
        .collect_view()
        .into_any()
}

/// Links to the whole list (not this page) as files. `download`: the
/// browser fetches them, the router does not navigate.
fn downloads<S: SortKey, F: ListFilter>(
    query: &roster_core::domain::ListQuery<S, F>,
    base: &str,
    import: Option<roster_core::domain::import::ImportKind>,
) -> AnyView {
    let href = |format: FileFormat| {
        let mut params = query.params(1);
        params.retain(|(name, _)| *name != "page" && *name != "per");
        params.push(("format", format.extension().to_owned()));
        roster_core::domain::list::with_query(base, &params)
    };
    view! {
        <p class="downloads">
            "Download every row as "
            <a href=href(FileFormat::Csv) download="">"CSV"</a>
            " or "
            <a href=href(FileFormat::Xlsx) download="">"Excel"</a>
            {import.map(|kind| view! { " · " <a href=kind.page().fill(&[])>"Import from a file"</a> })}
        </p>
    }
    .into_any()
}

fn header_cell<S: SortKey, F: ListFilter>(
    query: &roster_core::domain::ListQuery<S, F>,
    base: &str,
    column: &'static Column<S>,
) -> AnyView {
    let Some((asc, desc)) = column.sort else {
        if column.hidden {
            return view! {
                <th scope="col" class=column.class><span class="visually-hidden">{column.label}</span></th>
            }
            .into_any();
        }
        return view! { <th scope="col" class=column.class>{column.label}</th> }.into_any();
    };
    let (aria, next, mark) = if query.sort == asc {
        ("ascending", desc, " ▲")
    } else if query.sort == desc {
        ("descending", asc, " ▼")
    } else {
        ("none", asc, "")
    };
    let href = query.sorted_by(next).href(base, 1);
    view! {
        <th scope="col" class=column.class aria-sort=aria>
            <a href=href>{column.label}{mark}</a>
        </th>
    }
    .into_any()
}

fn pager<S: SortKey, F: ListFilter>(
    query: &roster_core::domain::ListQuery<S, F>,
    base: &str,
    pages: u32,
    capped: bool,
) -> AnyView {
    let current = query.page;
    if pages <= 1 && current <= 1 {
        return ().into_any();
    }
    let prev = (current > 1).then(|| query.href(base, (current - 1).min(pages)));
    let next = (current < pages).then(|| query.href(base, current + 1));
    let link = |href: Option<String>, rel: &'static str, label: &'static str| match href {
        Some(href) => view! { <a href=href rel=rel>{label}</a> }.into_any(),
        None => view! { <span class="disabled">{label}</span> }.into_any(),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {link(prev, "prev", "← Previous")}
            <span class="page-of">"Page "{current}{(!capped).then(|| format!(" of {pages}"))}</span>
            {link(next, "next", "Next →")}
        </nav>
    }
    .into_any()
}

/// Search, sort and page size: a plain GET form; with the wasm loaded the
/// router goes to the same URL without a reload. Filters travel along as
/// hidden fields.
fn search_form<L: ListView>(query: Memo<QueryOf<L>>) -> AnyView {
    let navigate = crate::components::nav::navigator();
    let base = L::base(&query.get_untracked().filter);
    let action = base.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pairs) = super::form::submitted_pairs(&ev) else {
            return;
        };
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let mut next = QueryOf::<L>::from_params(&get);
        next.page = 1;
        navigate(&next.href(&base, 1), Default::default());
    };
    // The options say which is chosen in the page as sent; with the wasm
    // loaded, the selects' values follow the query (one effect each, not
    // one per option).
    let initial = query.get_untracked();
    let hidden = query
        .get_untracked()
        .filter
        .to_params()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <form method="get" action=action class="search" role="search" on:submit=on_submit>
            {hidden}
            <label class="grow">
                <span>"Search"</span>
                <input type="search" name="q" placeholder=L::SEARCH_HINT
                    value=query.get_untracked().search
                    prop:value=move || query.get().search/>
            </label>
            {L::DATED.then(|| view! {
                <label>
                    <span>"Added from"</span>
                    <input type="date" name="added_from"
                        value=initial.added.from.map(|d| d.to_string())
                        prop:value=move || query.get().added.from.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
                <label>
                    <span>"Added to"</span>
                    <input type="date" name="added_to"
                        value=initial.added.to.map(|d| d.to_string())
                        prop:value=move || query.get().added.to.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
            })}
            <label>
                <span>"Sort by"</span>
                <select name="sort" prop:value=move || query.get().sort.param()>
                    {L::Sort::ALL.iter().map(|key| view! {
                        <option value=key.param() selected=*key == initial.sort>{key.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Per page"</span>
                <select name="per" prop:value=move || query.get().per_page.to_string()>
                    {PAGE_SIZES.into_iter().map(|size| view! {
                        <option value=size.to_string() selected=size == initial.per_page>{size}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="secondary">"Show"</button>
        </form>
    }
    .into_any()
}
