//! Pet handlers: the "one" side of the one-to-many example. A handler's page
//! lists its pets (the backref); a handler with pets is deleted only once
//! they have moved to another handler.

use leptos::prelude::*;
use roster_core::domain::list::with_query;
use roster_core::domain::{
    urls, Handler, HandlerInput, HandlerList, HandlerSort, PetFilter, PetList, QueryOf, EMAIL_MAX,
    HANDLER_NAME_MAX, PHONE_MAX,
};

use crate::error::AppError;
use crate::record::form::{FieldSpec, Widget};
use crate::record::list::{prepare_list, Column, ListChunk, ListConfig, ListView};
use crate::record::page::{facts, RecordView};

crate::record_api!(Handler, HandlerInput,
    get: get_handler / GetHandler = "handlers/get",
    create: create_handler / CreateHandler = "handlers/create",
    update: update_handler / UpdateHandler = "handlers/update",
    delete: delete_handler / DeleteHandler = "handlers/delete",
    restore: restore_handler / RestoreHandler = "handlers/restore",
    list: list_handlers / ListHandlers = "handlers/list" for HandlerList,
);

crate::components::picker::record_picker!(
    /// Handlers, for pickers: the chosen one first, then those whose name
    /// contains what was typed.
    Handlers over HandlerList,
    find: find_handlers = "handlers/find",
    widget: handler_picker,
    placeholder: "Type part of a handler's name",
    sort: HandlerSort::NameAsc,
    choice: |h: Handler| crate::components::picker::Choice {
        detail: format!("#{} · {}", h.id, roster_core::domain::Kind::Pet.count(h.pet_count)),
        id: h.id,
        label: h.name,
    },
);

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
    const URLS: urls::RecordUrls = urls::HANDLER_PAGES;
    const FIELDS: &'static [FieldSpec] = FIELDS;
    const DELETE_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::hidden("version"),
        FieldSpec::hidden("seen"),
        FieldSpec::new("move_to", "Move its pets to", Widget::Group(handler_picker)),
    ];

    fn detail(self) -> AnyView {
        facts(
            vec![("Email", self.email), ("Phone", self.phone)],
            self.created_at,
        )
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
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Handler);
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Handlers);
    const DOWNLOAD: Option<&'static str> = Some("handlers");
    type Row = Handler;
    const BULK: Option<roster_core::domain::urls::Pattern> =
        Some(roster_core::domain::urls::BULK_HANDLERS);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[crate::bulk::BulkSet {
        field: "move_to",
        label: "Move all their pets to another handler",
        fields: crate::bulk::bulk_fields!(FieldSpec::new(
            "move_to",
            "Move their pets to",
            Widget::Group(handler_picker)
        )),
        on: crate::bulk::SetOn::Dependants(roster_core::domain::Kind::Pet),
    }];
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
    const EMPTY: &'static str = "No handlers yet.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_handlers(query)
    }

    #[cfg(feature = "ssr")]
    fn ticked(row: &Handler) -> Option<(i64, String)> {
        use roster_core::domain::Record;
        Some((row.id(), row.title()))
    }

    #[cfg(feature = "ssr")]
    fn row(h: &Handler, actor: &crate::service::Actor, out: &mut crate::html::Html) {
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
                actor.may_change_delete(roster_core::domain::Kind::Handler),
                urls::HANDLER_EDIT,
                urls::HANDLER_DELETE,
                h.id,
                h.version,
                &h.name,
            )
            .raw("</tr>");
    }
}
