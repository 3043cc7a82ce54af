//! Bulk actions on the lists whose rows are not declared records: the
//! inbox (mark read, mark unread, delete), the accounts (disable, enable)
//! and a pet's comments (delete). The same bar, confirmation page, batch and Undo as every
//! list's (`crate::bulk`); a list declares its actions as
//! [`ListView::BULK_SETS`] and writes them in [`RowBulk::apply`].

use std::marker::PhantomData;

use leptos::prelude::*;
use roster_core::domain::bulk::BulkInput;
use roster_core::domain::{urls, AccountList, CommentList, Kind, Listing, MessageList};

use crate::bulk::{BulkPreview, BulkRequest};
use crate::components::status::failed;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::list::ListView;

/// Calls `$then!` with every list that has bulk actions of its own rows.
#[cfg_attr(not(feature = "ssr"), allow(unused_macros))]
macro_rules! row_bulk_lists {
    ($then:ident) => {
        $then! {
            roster_core::domain::MessageList,
            roster_core::domain::AccountList,
            roster_core::domain::CommentList
        }
    };
}

/// A list whose rows a bulk action writes by its own means.
pub trait RowBulk: ListView {
    /// Its confirmation page, where the Apply is posted.
    const ROUTE: urls::Pattern;
    /// The ids in [`RowBulk::ROUTE`] (a pet's, for its comments).
    type Path: crate::record::action::Ids;

    /// The list's filter, scoped to the records of `path`.
    fn scoped(filter: &mut <Self as Listing>::Filter, path: &Self::Path);

    /// A row's page.
    #[cfg(feature = "ssr")]
    fn href(row: &Self::Row) -> String;

    /// What the confirmation says beside a row ("unread").
    #[cfg(feature = "ssr")]
    fn note(row: &Self::Row) -> String;

    /// Whether `row` is one of the list of `path`'s.
    #[cfg(feature = "ssr")]
    fn within(row: &Self::Row, path: &Self::Path) -> bool {
        let _ = (row, path);
        true
    }

    /// Does `action` (one of the list's [`ListView::BULK_SETS`], or
    /// delete) to rows `ids`, none changed from history entry `mark` on;
    /// answers the batch's id.
    #[cfg(feature = "ssr")]
    fn apply(
        ctx: &crate::service::Ctx,
        action: &roster_core::domain::bulk::BulkAction,
        ids: &[i64],
        mark: i64,
    ) -> impl std::future::Future<Output = Result<i64, roster_core::db::BulkError>> + Send;
}

/// The confirmation's contents for list `kind`'s rows.
#[leptos::server(name = RowBulkPreviewFn, prefix = "/api", endpoint = "bulk/rows/preview")]
pub async fn row_bulk_preview(
    kind: Kind,
    path: Vec<i64>,
    request: BulkRequest,
) -> Result<BulkPreview, AppError> {
    crate::service::read(|ctx| async move {
        macro_rules! by_kind {
            ($($list:ty),*) => {
                $(
                    if kind == <$list as Listing>::KIND {
                        return server::preview::<$list>(&ctx, &path, request).await;
                    }
                )*
            };
        }
        row_bulk_lists!(by_kind);
        Err(AppError::NotFound(kind))
    })
    .await
}

/// Applies a bulk action to list `kind`'s rows; answers the batch's id.
#[leptos::server(name = ApplyRowBulkFn, prefix = "/api", endpoint = "bulk/rows/apply")]
pub async fn apply_row_bulk(kind: Kind, path: Vec<i64>, input: BulkInput) -> Result<i64, AppError> {
    use crate::record::action::Ids;
    macro_rules! by_kind {
        ($($list:ty),*) => {
            $(
                if kind == <$list as Listing>::KIND {
                    let Some(path) = <<$list as RowBulk>::Path as Ids>::from_path(&path) else {
                        return Err(AppError::NotFound(kind));
                    };
                    return crate::record::action::serve::<RowBulkApply<$list>>(path, input).await;
                }
            )*
        };
    }
    row_bulk_lists!(by_kind);
    Err(AppError::NotFound(kind))
}

/// The Apply of a bulk action on list `L`'s rows.
pub struct RowBulkApply<L>(PhantomData<L>);

impl<L: RowBulk> FormAction for RowBulkApply<L> {
    const ROUTE: urls::Pattern = L::ROUTE;
    type Ids = L::Path;
    type Input = BulkInput;
    type Output = i64;
    type Call = ApplyRowBulkFn;

    fn call(path: L::Path, input: BulkInput) -> ApplyRowBulkFn {
        use crate::record::action::Ids;
        ApplyRowBulkFn {
            kind: L::KIND,
            path: path.to_path(),
            input,
        }
    }

    fn next(_: &L::Path, batch: &i64) -> String {
        format!("{}?done=1", urls::batch(*batch))
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        path: L::Path,
        input: BulkInput,
    ) -> Result<i64, AppError> {
        use crate::record::action::Ids;
        let path = path.to_path();
        macro_rules! by_kind {
            ($($list:ty),*) => {
                $(
                    if L::KIND == <$list as Listing>::KIND {
                        let Some(path) = <<$list as RowBulk>::Path as Ids>::from_path(&path) else {
                            return Err(AppError::NotFound(L::KIND));
                        };
                        return server::apply::<$list>(ctx, &path, input).await;
                    }
                )*
            };
        }
        row_bulk_lists!(by_kind);
        Err(AppError::NotFound(L::KIND))
    }
}

/// The confirmation page of a bulk action on list `L`'s rows.
pub fn row_bulk_page<L: RowBulk>() -> impl IntoView {
    use crate::record::action::Ids;
    let params = leptos_router::hooks::use_params_map();
    // The ids the route names, in its order.
    let path = Memo::new(move |_| {
        params.with(|p| {
            L::ROUTE
                .0
                .iter()
                .filter_map(|seg| match seg {
                    urls::Seg::Id(name) => p.get_str(name)?.parse::<i64>().ok(),
                    urls::Seg::Lit(_) => None,
                })
                .collect::<Vec<i64>>()
        })
    });
    let asked = crate::bulk::asked();
    let preview = Resource::new(
        move || (path.try_get().unwrap_or_default(), asked()),
        |(path, request)| async move {
            let version = request.version.clone();
            let ids = L::Path::from_path(&path);
            row_bulk_preview(L::KIND, path, request)
                .await
                .map(|p| (p, version, ids))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok((preview, version, Some(ids))) => {
                        let fields = crate::bulk::fields_for(&preview.action, L::BULK_SETS);
                        crate::bulk::confirmation_form::<RowBulkApply<L>>(preview, version, fields, ids)
                    }
                    Ok((_, _, None)) => failed(AppError::NotFound(L::KIND)),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

/// The inbox's page of a bulk action.
pub fn messages_bulk_page() -> impl IntoView {
    row_bulk_page::<MessageList>()
}

/// The accounts' page of a bulk action.
pub fn accounts_bulk_page() -> impl IntoView {
    row_bulk_page::<AccountList>()
}

/// A pet's comments' page of a bulk action.
pub fn comments_bulk_page() -> impl IntoView {
    row_bulk_page::<CommentList>()
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use roster_core::db::{BulkError, Listed};
    use roster_core::domain::bulk::{too_many, Bulk, BulkAction, Scope, Target, BULK_MAX};
    use roster_core::domain::QueryOf;

    use super::{BulkInput, BulkPreview, BulkRequest, RowBulk};
    use crate::bulk::server::{changed_conflict, join, list_query, parsed, undo_refused, unfit};
    use crate::error::AppError;
    use crate::html::Html;
    use crate::record::list::ListView;
    use crate::service::Ctx;

    /// Who may: administrators for an administrators' list.
    fn allowed<L: ListView>(ctx: &Ctx) -> Result<(), AppError> {
        L::READERS.check(&ctx.actor)
    }

    /// Whether `L` offers `action`.
    fn offered<L: ListView>(action: &BulkAction) -> Result<(), AppError> {
        let offered = match action {
            BulkAction::Delete => L::BULK_DELETE.is_some(),
            BulkAction::Set(field) => L::BULK_SETS.iter().any(|s| s.field == field),
            BulkAction::Export(_) => L::DOWNLOAD.is_some(),
        };
        match offered {
            true => Ok(()),
            false => Err(AppError::Refused(format!(
                "{} have no such action.",
                L::KIND.title()
            ))),
        }
    }

    fn id_of<L: RowBulk>(row: &<L as ListView>::Row) -> i64 {
        L::ticked(row).map_or(0, |(id, _)| id)
    }

    /// The ids `scope` chooses from list `L`.
    async fn chosen<L>(
        ctx: &Ctx,
        scope: Scope,
        ids: Vec<i64>,
        query: &QueryOf<L>,
    ) -> Result<Vec<i64>, AppError>
    where
        L: RowBulk + Listed<Row = <L as ListView>::Row>,
    {
        Ok(match scope {
            Scope::Selected => ids,
            Scope::Page => {
                let page = ctx.db.list::<L>(query).await?;
                page.rows.iter().map(id_of::<L>).collect()
            }
            Scope::All => ctx.db.matching_ids::<L>(query, BULK_MAX + 1).await?,
        })
    }

    /// The list `query` (its query string) asks, scoped to `path`.
    fn scoped_query<L: RowBulk>(query: &str, path: &L::Path) -> QueryOf<L> {
        let mut query = list_query::<L>(query);
        L::scoped(&mut query.filter, path);
        query
    }

    pub(super) async fn preview<L>(
        ctx: &Ctx,
        path: &[i64],
        request: BulkRequest,
    ) -> Result<BulkPreview, AppError>
    where
        L: RowBulk + Listed<Row = <L as ListView>::Row>,
    {
        use crate::record::action::Ids;
        allowed::<L>(ctx)?;
        let kind = L::KIND;
        let path = L::Path::from_path(path).ok_or(AppError::NotFound(kind))?;
        let action = BulkAction::parse(&request.action)
            .ok_or_else(|| AppError::Refused("Choose an action from the list's menu.".into()))?;
        offered::<L>(&action)?;
        ctx.actor.require(L::KIND, action.op())?;
        let scope = Scope::parse(&request.scope).unwrap_or(Scope::Selected);
        let query = scoped_query::<L>(&request.query, &path);
        let back = query.href(&L::base(&query.filter), query.page);
        let ids = chosen::<L>(ctx, scope, request.ids, &query).await?;
        let blocked = unfit(kind, ids.len());
        let ids = &ids[..ids.len().min(BULK_MAX)];
        let mut rows = ctx.db.rows_of::<L>(ids, id_of::<L>).await?;
        rows.retain(|row| L::within(row, &path));
        let count = rows.len();
        let n = kind.count(count as i64);
        let mut shown = Html::with_capacity(count * 120);
        for row in &rows {
            let title = L::ticked(row).map(|(_, title)| title).unwrap_or_default();
            shown
                .raw("<li><a href=\"")
                .text(&L::href(row))
                .raw("\">")
                .text(&title)
                .raw("</a> <span class=\"muted\">")
                .text(&L::note(row))
                .raw("</span></li>");
        }
        let mut download = None;
        let (heading, submit) = match &action {
            BulkAction::Export(format) => {
                let only = match scope {
                    Scope::All => None,
                    _ => Some(join(rows.iter().map(id_of::<L>))),
                };
                download = Some(crate::bulk::export_href::<L>(&query, *format, only));
                (format!("Download {n}"), format!("Download {n}"))
            }
            BulkAction::Delete => (format!("Delete {n}?"), format!("Delete {n}")),
            BulkAction::Set(field) => {
                let label = L::BULK_SETS
                    .iter()
                    .find(|s| s.field == field)
                    .map_or("", |s| s.label);
                (format!("{label}: {n}"), format!("{label}: {n}"))
            }
        };
        Ok(BulkPreview {
            action: action.param(),
            heading,
            submit,
            count,
            ids: match scope {
                Scope::All => String::new(),
                _ => join(rows.iter().map(id_of::<L>)),
            },
            scope: scope.as_str().to_owned(),
            query: request.query,
            rows: shown.into_string(),
            totals: None,
            blocked,
            back,
            download,
        })
    }

    pub(super) async fn apply<L>(
        ctx: &Ctx,
        path: &L::Path,
        input: BulkInput,
    ) -> Result<i64, AppError>
    where
        L: RowBulk + Listed<Row = <L as ListView>::Row>,
    {
        allowed::<L>(ctx)?;
        let kind = L::KIND;
        let Bulk {
            action,
            target,
            count,
            mark,
        } = parsed(&input)?;
        offered::<L>(&action)?;
        ctx.actor.require(L::KIND, action.op())?;
        if let BulkAction::Export(_) = action {
            return Err(AppError::Refused(
                "A download changes nothing: it is a link on the confirmation page.".into(),
            ));
        }
        let ids = match &target {
            Target::Ids(ids) => ids.clone(),
            Target::Matching { query } => {
                let query = scoped_query::<L>(query, path);
                ctx.db.matching_ids::<L>(&query, BULK_MAX + 1).await?
            }
        };
        if ids.len() > BULK_MAX {
            return Err(AppError::Refused(too_many()));
        }
        let mut rows = ctx.db.rows_of::<L>(&ids, id_of::<L>).await?;
        // Only the list's own rows (a crafted id of another pet's comment
        // is a row gone from it).
        rows.retain(|row| L::within(row, path));
        let shown_ids = match target {
            Target::Ids(_) => join(rows.iter().map(id_of::<L>)),
            Target::Matching { .. } => String::new(),
        };
        // Rows gone, or (for "all that match") come or gone since the
        // confirmation.
        if rows.len() != count || rows.len() != ids.len() {
            let changed = ctx.db.changed_since(kind, &ids, mark).await?;
            return Err(changed_conflict(ctx, kind, shown_ids, rows.len().max(1), changed).await);
        }
        match L::apply(ctx, &action, &ids, mark).await {
            Ok(batch) => {
                tracing::info!(kind = kind.noun(), batch, count, "bulk action");
                Ok(batch)
            }
            Err(BulkError::Changed(changed)) => {
                Err(changed_conflict(ctx, kind, shown_ids, count, changed).await)
            }
            Err(other) => Err(undo_refused(other)),
        }
    }
}
