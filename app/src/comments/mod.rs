//! Comments on a pet: newest first under the pet, each by a signed-in user;
//! its author or an administrator may delete it.

use leptos::prelude::*;
use roster_core::domain::{
    urls, Comment, CommentInput, CommentList, CommentSort, CommentsOf, NoFields, Pet, QueryOf,
    COMMENT_MAX,
};

use crate::components::status::Notice;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldSpec, FormConfig, Then, Widget};
use crate::record::list::{changes, prepare_list, Column, Layout, ListChunk, ListConfig, ListView};
use crate::record::page::Related;

crate::list_api!(list_comments / ListComments = "comments/list" for CommentList);

#[leptos::server(prefix = "/api", endpoint = "comments/add")]
pub async fn add_comment(pet: i64, input: CommentInput) -> Result<i64, AppError> {
    crate::record::action::serve::<NewComment>(pet, input).await
}

#[leptos::server(prefix = "/api", endpoint = "comments/delete")]
pub async fn delete_comment(pet: i64, id: i64) -> Result<i64, AppError> {
    crate::record::action::serve::<RemoveComment>((pet, id), NoFields {}).await
}

/// Adds a comment under pet `pet`, by the signed-in user.
pub struct NewComment;

impl FormAction for NewComment {
    const ROUTE: urls::Pattern = urls::COMMENT_CREATE;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> = Some((
        roster_core::domain::Kind::Comment,
        roster_core::domain::Op::Add,
    ));
    type Ids = i64;
    type Input = CommentInput;
    type Output = i64;
    type Call = AddComment;

    fn call(pet: i64, input: CommentInput) -> AddComment {
        AddComment { pet, input }
    }

    fn next(pet: &i64, _: &i64) -> String {
        format!("{}#comments", urls::pet(*pet))
    }

    fn page(pet: &i64) -> String {
        urls::pet(*pet)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        pet: i64,
        input: CommentInput,
    ) -> Result<i64, AppError> {
        use roster_core::domain::FormInput;
        let user = ctx.actor.require_user()?;
        let body = input.parse().map_err(AppError::Invalid)?;
        let comment = ctx
            .db
            .create_comment(&ctx.by(), pet, user.id, &body)
            .await?;
        tracing::info!(pet, comment = comment.id, user = user.id, "comment added");
        Ok(comment.id)
    }
}

/// Deletes comment `id` under pet `pet`: its author or an administrator.
pub struct RemoveComment;

impl FormAction for RemoveComment {
    const ROUTE: urls::Pattern = urls::COMMENT_DELETE;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> = Some((
        roster_core::domain::Kind::Comment,
        roster_core::domain::Op::Delete,
    ));
    type Ids = (i64, i64);
    type Input = NoFields;
    type Output = i64;
    type Call = DeleteComment;

    fn call((pet, id): (i64, i64), _: NoFields) -> DeleteComment {
        DeleteComment { pet, id }
    }

    fn next((pet, _): &(i64, i64), _: &i64) -> String {
        format!("{}#comments", urls::pet(*pet))
    }

    fn page((pet, _): &(i64, i64)) -> String {
        urls::pet(*pet)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        (pet, id): (i64, i64),
        _: NoFields,
    ) -> Result<i64, AppError> {
        let user = ctx.actor.require_user()?;
        let comment = ctx
            .db
            .get_comment(id)
            .await?
            .filter(|c| c.pet_id == pet)
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Comment))?;
        if comment.author_id != user.id && !user.is_admin {
            return Err(AppError::Forbidden(
                "Only its author or an administrator can delete a comment.".into(),
            ));
        }
        ctx.db.delete_comment(&ctx.by(), id).await?;
        tracing::info!(pet, comment = id, user = user.id, "comment deleted");
        Ok(id)
    }
}

const FIELDS: &[FieldSpec] =
    &[
        FieldSpec::new("body", "Add a comment", Widget::TextArea { rows: 3 })
            .max(COMMENT_MAX)
            .hint("Up to 200 characters."),
    ];

/// The comments under the pet `pet` names: the form to add one, then the
/// newest first (see [`Related`]).
pub fn comments_section(pet: Memo<Option<i64>>) -> Related<Pet> {
    let added = RwSignal::new(0usize);
    let delete = ServerAction::<DeleteComment>::new();
    let refresh = changes(&[added, delete.version()]);
    let on_delete = Callback::new(move |(id, _, _): (i64, i64, String)| {
        let pet = pet.get_untracked().unwrap_or(0);
        delete.dispatch(DeleteComment { pet, id });
    });
    let query = Memo::new(move |_| QueryOf::<CommentList> {
        filter: CommentsOf {
            pet: pet.get().unwrap_or(0),
        },
        per_page: 50,
        ..Default::default()
    });
    let list = prepare_list::<CommentList>(
        query,
        ListConfig {
            search: false,
            empty: "No comments yet.",
            refresh,
            on_delete: Some(on_delete),
            on_action: None,
        },
    );
    std::sync::Arc::new(move |p: &Pet| {
        let may_comment = crate::auth::viewer_may(
            roster_core::domain::Kind::Comment,
            roster_core::domain::Op::Add,
        );
        let form = may_comment.then(|| {
            action_form::<NewComment>(FormConfig {
                ids: p.id,
                initial: CommentInput::default(),
                fields: FIELDS,
                submit: "Add comment".into(),
                pending: "Adding…".into(),
                cancel: None,
                class: "comment-form",
                id_prefix: "",
                then: Then::Stay(Callback::new(move |_| added.update(|n| *n += 1))),
                confirm: None,
            })
        });
        view! {
            <section class="comments" id="comments" aria-labelledby="comments-heading">
                <h2 id="comments-heading">"Comments"</h2>
                {form}
                {move || delete.value().get().and_then(Result::err).map(|e| view! {
                    <Notice kind="error">{e.to_string()}</Notice>
                })}
                {list.view()}
            </section>
        }
        .into_any()
    })
}

impl ListView for CommentList {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Comment);
    const DOWNLOAD: Option<&'static str> = Some("comments");
    type Row = Comment;
    const COLUMNS: &'static [Column<CommentSort>] = &[];
    const SEARCH_HINT: &'static str = "";
    const LAYOUT: Layout = Layout::Feed;
    const BULK: Option<urls::Pattern> = Some(urls::PET_COMMENTS_BULK);

    fn bulk_href(filter: &CommentsOf) -> Option<String> {
        Some(urls::pet_comments_bulk(filter.pet))
    }

    #[cfg(feature = "ssr")]
    fn ticked(c: &Comment) -> Option<(i64, String)> {
        Some((c.id, format!("the comment “{}”", excerpt(&c.body))))
    }

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_comments(query)
    }

    /// A comment, with a Delete button for its author and administrators.
    #[cfg(feature = "ssr")]
    fn row(c: &Comment, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<li class=\"comment\" id=\"comment-")
            .number(c.id)
            .raw("\"><p class=\"body\">")
            .text(&c.body)
            .raw("</p><p class=\"meta\"><span class=\"author\">")
            .text(&c.author)
            .raw("</span> · ")
            .time(c.created_at);
        if let Some(session) = &actor.session {
            if session.user.id == c.author_id || session.user.is_admin {
                out.raw(" <form method=\"post\" class=\"inline\" action=\"")
                    .path_of(urls::COMMENT_DELETE, &[c.pet_id, c.id])
                    .raw("\" data-delete=\"")
                    .number(c.id)
                    .raw("\" data-version=\"0\" data-title=\"this comment\">")
                    .csrf_field(actor)
                    .raw("<button type=\"submit\" class=\"link danger\">Delete</button></form>");
            }
        }
        out.raw("</p></li>");
    }
}

/// A comment's start, for a checkbox's label and a confirmation.
#[cfg(feature = "ssr")]
fn excerpt(body: &str) -> String {
    const SHOWN: usize = 60;
    match body.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &body[..at]),
        None => body.to_owned(),
    }
}

impl crate::row_bulk::RowBulk for CommentList {
    const ROUTE: urls::Pattern = urls::PET_COMMENTS_BULK;
    type Path = i64;

    fn scoped(filter: &mut CommentsOf, pet: &i64) {
        filter.pet = *pet;
    }

    #[cfg(feature = "ssr")]
    fn within(c: &Comment, pet: &i64) -> bool {
        c.pet_id == *pet
    }

    #[cfg(feature = "ssr")]
    fn href(c: &Comment) -> String {
        format!("{}#comment-{}", urls::pet(c.pet_id), c.id)
    }

    #[cfg(feature = "ssr")]
    fn note(c: &Comment) -> String {
        format!("by {}", c.author)
    }

    #[cfg(feature = "ssr")]
    async fn apply(
        ctx: &crate::service::Ctx,
        action: &roster_core::domain::bulk::BulkAction,
        ids: &[i64],
        mark: i64,
    ) -> Result<i64, roster_core::db::BulkError> {
        use roster_core::db::BulkError;
        use roster_core::domain::bulk::BulkAction;
        if *action != BulkAction::Delete {
            return Err(BulkError::Refused("Comments have no such action.".into()));
        }
        let user = ctx
            .actor
            .require_user()
            .map_err(|e| BulkError::Refused(e.to_string()))?;
        // Checked where the write happens: each comment its author's, or
        // an administrator's to delete.
        let author = (!user.is_admin).then_some(user.id);
        let Some(first) = ids.first() else {
            return Err(BulkError::Refused("No comments were chosen.".into()));
        };
        let pet = match ctx.db.get_comment(*first).await {
            Ok(Some(c)) => c.pet_id,
            Ok(None) => {
                return Err(BulkError::Db(roster_core::db::DbError::NotFound(
                    roster_core::domain::Kind::Comment,
                )))
            }
            Err(e) => return Err(BulkError::Db(e)),
        };
        ctx.db
            .bulk_delete_comments(&ctx.by(), pet, ids, author, mark)
            .await
    }
}
