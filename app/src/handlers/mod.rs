//! Pet handlers: the "one" side of the one-to-many example. A handler's page
//! lists its pets (the backref); a handler with pets is deleted only once
//! they have moved to another handler.

use leptos::prelude::*;
use roster_core::domain::list::with_query;
use roster_core::domain::{
    urls, Handler, HandlerInput, HandlerList, HandlerSort, PetFilter, PetList, QueryOf, EMAIL_MAX,
    HANDLER_NAME_MAX, PHONE_MAX,
};

use crate::components::picker::{picker, Choice, PickSource};
use crate::error::AppError;
use crate::record::form::{FieldCtx, FieldSpec, Widget};
use crate::record::list::{prepare_list, Column, ListChunk, ListConfig, ListView};
use crate::record::page::{ListPage, RecordView};

crate::record_api!(Handler, HandlerInput,
    get: get_handler / GetHandler = "handlers/get",
    create: create_handler / CreateHandler = "handlers/create",
    update: update_handler / UpdateHandler = "handlers/update",
    delete: delete_handler / DeleteHandler = "handlers/delete",
);

#[leptos::server(prefix = "/api", endpoint = "handlers/list")]
pub async fn list_handlers(query: QueryOf<HandlerList>) -> Result<ListChunk, AppError> {
    crate::service::read(|ctx| async move {
        let page = ctx.db.list_handlers(&query.sanitized()).await?;
        Ok(crate::record::list::chunk::<HandlerList>(
            page,
            Vec::new(),
            &ctx.actor,
        ))
    })
    .await
}

/// The handler picker's matches: the chosen handler first, then those whose
/// name contains `q`.
#[leptos::server(prefix = "/api", endpoint = "handlers/find")]
pub async fn find_handlers(chosen: Option<i64>, q: String) -> Result<Vec<Choice>, AppError> {
    crate::service::read(|ctx| async move {
        let mut choices = Vec::new();
        if let Some(handler) = match chosen {
            Some(id) => ctx.db.get_handler(id).await?,
            None => None,
        } {
            choices.push(choice(handler.id, handler.name, handler.pet_count));
        }
        let q: String = q.chars().take(100).collect();
        if !q.trim().is_empty() {
            let found = ctx
                .db
                .find_handlers(&q, crate::components::picker::MATCHES)
                .await?;
            choices.extend(
                found
                    .into_iter()
                    .filter(|h| Some(h.id) != chosen)
                    .map(|h| choice(h.id, h.name, h.pet_count)),
            );
        }
        Ok(choices)
    })
    .await
}

#[cfg(feature = "ssr")]
fn choice(id: i64, name: String, pets: i64) -> Choice {
    Choice {
        id,
        label: name,
        detail: format!("#{id} · {}", roster_core::domain::Kind::Pet.count(pets)),
    }
}

/// Handlers, for pickers.
pub struct Handlers;

impl PickSource for Handlers {
    const PLACEHOLDER: &'static str = "Type part of a handler's name";

    fn find(
        chosen: Option<i64>,
        q: String,
    ) -> impl std::future::Future<Output = Result<Vec<Choice>, AppError>> + Send + 'static {
        find_handlers(chosen, q)
    }
}

/// A handler picker, for any form field that names a handler.
pub fn handler_picker(field: FieldCtx) -> AnyView {
    picker::<Handlers>(field)
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec::text("name", "Name", HANDLER_NAME_MAX).autocomplete("name"),
    FieldSpec::new("email", "Email (optional)", Widget::Email)
        .max(EMAIL_MAX)
        .half()
        .autocomplete("email"),
    FieldSpec::new("phone", "Phone (optional)", Widget::Tel)
        .max(PHONE_MAX)
        .half()
        .autocomplete("tel"),
    FieldSpec::hidden("version"),
];

impl RecordView for Handler {
    const PAGE: urls::Pattern = urls::HANDLER;
    const LIST: urls::Pattern = urls::HANDLERS;
    const CREATE: urls::Pattern = urls::HANDLER_CREATE;
    const EDIT: urls::Pattern = urls::HANDLER_EDIT;
    const DELETE: urls::Pattern = urls::HANDLER_DELETE;
    const FIELDS: &'static [FieldSpec] = FIELDS;
    const DELETE_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::hidden("version"),
        FieldSpec::hidden("seen"),
        FieldSpec::new("move_to", "Move its pets to", Widget::Group(handler_picker)),
    ];

    fn detail(self) -> AnyView {
        let contact = [("Email", self.email), ("Phone", self.phone)]
            .into_iter()
            .map(|(label, value)| {
                view! {
                    <dt>{label}</dt>
                    <dd>{value.unwrap_or_else(|| "—".into())}</dd>
                }
            })
            .collect_view();
        view! {
            <dl class="facts">
                {contact}
                <dt>"Added"</dt>
                <dd><time datetime=self.created_at.to_rfc3339()>{self.created_at.date_label()}</time></dd>
            </dl>
        }
        .into_any()
    }

    /// The handler's pets (the first ten, and a link to all).
    fn related(id: Memo<Option<i64>>) -> Option<crate::record::page::Related<Self>> {
        let query = Memo::new(move |_| QueryOf::<PetList> {
            filter: PetFilter {
                handler: Some(id.get().unwrap_or(0)),
                category: None,
            },
            per_page: 10,
            ..Default::default()
        });
        let list = prepare_list::<PetList>(
            query,
            ListConfig {
                search: false,
                empty: "No pets yet.",
                refresh: Signal::stored(0),
                on_delete: None,
                on_action: None,
            },
        );
        Some(std::sync::Arc::new(move |h: &Handler| {
            let pets = h.pet_count;
            let add_pet = with_query(&urls::pet_create(), &[("handler", h.id.to_string())]);
            let all_pets = with_query(&urls::pets(), &[("handler", h.id.to_string())]);
            view! {
                <section class="children" aria-labelledby="pets-heading">
                    <div class="page-head">
                        <h2 id="pets-heading">"Pets"</h2>
                        <a class="button primary" href=add_pet>"Add a pet for this handler"</a>
                    </div>
                    {list.view()}
                    {(pets > 10).then(|| view! { <p><a href=all_pets>{format!("See all {pets} pets")}</a></p> })}
                </section>
            }
            .into_any()
        }))
    }

    fn delete_note(&self) -> Option<String> {
        (self.pet_count > 0).then(|| {
            format!(
                "{} still has {}. Pets are never deleted with their handler: choose a handler \
                 to move them to, and they move and {} goes in one step.",
                self.name,
                roster_core::domain::Kind::Pet.count(self.pet_count),
                self.name
            )
        })
    }
}

impl ListView for HandlerList {
    type Row = Handler;
    const COLUMNS: &'static [Column<HandlerSort>] = &[
        Column::plain("#", "id"),
        Column::sorted("Name", "name", HandlerSort::NameAsc, HandlerSort::NameDesc),
        Column::plain("Email", "email"),
        Column::plain("Phone", "phone"),
        Column::sorted(
            "Pets",
            "num",
            HandlerSort::FewestPets,
            HandlerSort::MostPets,
        ),
        Column::sorted("Added", "date", HandlerSort::Oldest, HandlerSort::Newest),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Name";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_handlers(query)
    }

    #[cfg(feature = "ssr")]
    fn row(h: &Handler, _: &crate::service::Actor, out: &mut crate::html::Html) {
        let pets = with_query(&urls::pets(), &[("handler", h.id.to_string())]);
        out.raw("<tr><td>")
            .number(h.id)
            .raw("</td>")
            .link_to("", urls::HANDLER, h.id, &h.name)
            .cell("", h.email.as_deref().unwrap_or(""))
            .cell("", h.phone.as_deref().unwrap_or(""))
            .raw("<td class=\"num\"><a href=\"")
            .text(&pets)
            .raw("\">")
            .number(h.pet_count)
            .raw("</a></td>")
            .date_cell(h.created_at)
            .actions_cell(
                urls::HANDLER_EDIT,
                urls::HANDLER_DELETE,
                h.id,
                h.version,
                &h.name,
            )
            .raw("</tr>");
    }
}

impl ListPage for HandlerList {
    type Record = Handler;
    const EMPTY: &'static str = "No handlers yet.";
}

#[cfg(feature = "ssr")]
mod store {
    use roster_core::db::{Db, DbError};
    use roster_core::domain::{Deletion, Handler, NewHandler};

    use crate::error::AppError;
    use crate::service::{Ctx, Store};

    impl Store for Handler {
        async fn get(db: &Db, id: i64) -> Result<Option<Handler>, DbError> {
            db.get_handler(id).await
        }
        async fn insert(ctx: &Ctx, new: &NewHandler) -> Result<Handler, AppError> {
            Ok(ctx.db.create_handler(new).await?)
        }
        async fn update(
            ctx: &Ctx,
            id: i64,
            version: i64,
            new: &NewHandler,
        ) -> Result<Handler, DbError> {
            ctx.db.update_handler(id, version, new).await
        }
        /// Refused while pets remain, unless they move (see `Db::delete_handler`).
        async fn remove(ctx: &Ctx, id: i64, deletion: Deletion) -> Result<(), DbError> {
            let moved = ctx
                .db
                .delete_handler(id, deletion.version, deletion.move_to)
                .await?;
            if moved > 0 {
                tracing::info!(handler = id, moved, to = deletion.move_to, "pets moved");
            }
            Ok(())
        }
    }
}
