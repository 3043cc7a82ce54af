//! Pets: the "many" side of the one-to-many example. Each has one handler
//! (the backref shown on its page and in every list row) and comments.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use roster_core::domain::list::id_param;
use roster_core::domain::{
    category_href, urls, Kind, Pet, PetInput, PetList, PetSort, QueryOf, CATEGORY_MAX, PET_NAME_MAX,
};

use crate::error::AppError;
use crate::handlers::handler_picker;
use crate::record::form::{FieldCtx, FieldSpec, Widget};
use crate::record::list::{Column, ListChunk, ListView};
use crate::record::page::RecordView;

crate::record_api!(Pet, PetInput,
    get: get_pet / GetPet = "pets/get",
    create: create_pet / CreatePet = "pets/create",
    update: update_pet / UpdatePet = "pets/update",
    delete: delete_pet / DeletePet = "pets/delete",
    restore: restore_pet / RestorePet = "pets/restore",
);

#[leptos::server(prefix = "/api", endpoint = "pets/list")]
pub async fn list_pets(query: QueryOf<PetList>) -> Result<ListChunk, AppError> {
    crate::service::read(|ctx| async move {
        <PetList as ListView>::READERS.check(&ctx.actor)?;
        let query = query.sanitized();
        // Read before the rows: a change after it is one the rows may miss.
        let mark = ctx.db.history_mark().await?;
        let (page, facets) = tokio::try_join!(
            ctx.db.list::<PetList>(&query),
            ctx.db.facets::<PetList>(&query)
        )?;
        let mut chips = Vec::new();
        if let Some(category) = &query.filter.category {
            let mut rest = query.clone();
            rest.filter.category = None;
            chips.push(crate::record::list::Chip {
                label: format!("Category: {category}"),
                remove: rest.href(&urls::pets(), 1),
            });
        }
        if let Some(handler) = query.filter.handler {
            let name = match ctx.db.get::<roster_core::domain::Handler>(handler).await? {
                Some(h) => h.name,
                None => format!("#{handler} (no such handler)"),
            };
            let mut rest = query.clone();
            rest.filter.handler = None;
            chips.push(crate::record::list::Chip {
                label: format!("Handler: {name}"),
                remove: rest.href(&urls::pets(), 1),
            });
        }
        let mut chunk = crate::record::list::chunk::<PetList>(page, chips, &ctx.actor);
        chunk.mark = mark;
        chunk.facets = facets;
        Ok(chunk)
    })
    .await
}

/// The most used categories, those starting with `prefix` when given: the
/// suggestions while typing a pet's category, and the filters above the list.
#[leptos::server(prefix = "/api", endpoint = "pets/categories")]
pub async fn pet_categories(prefix: String) -> Result<Vec<(String, i64)>, AppError> {
    crate::service::read(|ctx| async move {
        let prefix: String = prefix.chars().take(CATEGORY_MAX).collect();
        Ok(ctx.db.pet_categories(&prefix, 12).await?)
    })
    .await
}

/// The category: free text, with the categories in use suggested (a
/// `<datalist>`, which follows the typing when the wasm is loaded).
fn category_input(field: FieldCtx) -> AnyView {
    let typed = RwSignal::new(field.value());
    // `try_get`: see `record::list::changes`.
    let suggestions = Resource::new(move || typed.try_get().unwrap_or_default(), pet_categories);
    view! {
        <input type="text" id=field.id() name="category" list="category-suggestions"
            value=field.value() maxlength=CATEGORY_MAX.to_string() autocomplete="off"
            aria-invalid=move || field.invalid() aria-describedby=field.described_by()
            on:input=move |ev| typed.set(event_target_value(&ev))/>
        <datalist id="category-suggestions">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    suggestions.await.unwrap_or_default().into_iter().map(|(name, _)| view! {
                        <option value=name></option>
                    }).collect_view()
                })}
            </Transition>
        </datalist>
    }
    .into_any()
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec::text("name", "Name", PET_NAME_MAX).half(),
    FieldSpec::new(
        "category",
        "Category (species)",
        Widget::Custom(category_input),
    )
    .max(CATEGORY_MAX)
    .half()
    .hint("Dog, cat, parrot… Pick one in use or type a new one."),
    FieldSpec::new("handler_id", "Handler", Widget::Group(handler_picker)),
    FieldSpec::hidden("version"),
];

impl RecordView for Pet {
    const URLS: urls::RecordUrls = urls::PET_PAGES;
    const FIELDS: &'static [FieldSpec] = FIELDS;
    /// A pet whose handler was deleted meanwhile comes back with another.
    const RESTORE_FIELDS: &'static [FieldSpec] = &[FieldSpec::new(
        "parent",
        "New handler",
        Widget::Group(handler_picker),
    )];

    /// `/pets/create/?handler=7` chooses handler 7 from the start.
    fn new_input(query: &ParamsMap) -> PetInput {
        PetInput {
            handler_id: id_param(query.get("handler"))
                .map(|id| id.to_string())
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    fn detail(self) -> AnyView {
        view! {
            <dl class="facts">
                <dt>"Category"</dt>
                <dd><a href=category_href(&self.category)>{self.category.clone()}</a></dd>
                <dt>"Handler"</dt>
                <dd class="handler"><a href=urls::handler(self.handler_id)>{self.handler_name.clone()}</a></dd>
                <dt>"Added"</dt>
                <dd><time datetime=self.created_at.to_rfc3339()>{self.created_at.date_label()}</time></dd>
            </dl>
        }
        .into_any()
    }

    fn related(id: Memo<Option<i64>>) -> Option<crate::record::page::Related<Self>> {
        Some(crate::comments::comments_section(id))
    }

    fn delete_note(&self) -> Option<String> {
        (self.comment_count > 0).then(|| {
            format!(
                "Its {} with it.",
                Kind::Comment.count_go(self.comment_count)
            )
        })
    }
}

impl ListView for PetList {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Pet);
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Pets);
    const DOWNLOAD: Option<&'static str> = Some("pets");
    type Row = Pet;
    const BULK: Option<roster_core::domain::urls::Pattern> =
        Some(roster_core::domain::urls::BULK_PETS);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[
        crate::bulk::BulkSet {
            field: "category",
            label: "Set the category",
            fields: crate::bulk::bulk_fields!(FIELDS[1]),
            on: crate::bulk::SetOn::Records,
        },
        crate::bulk::BulkSet {
            field: "handler_id",
            label: "Move to another handler",
            fields: crate::bulk::bulk_fields!(FIELDS[2]),
            on: crate::bulk::SetOn::Records,
        },
    ];
    const COLUMNS: &'static [Column<PetSort>] = &[
        Column::plain("#", "id"),
        Column::sorted("Name", "name", PetSort::NameAsc, PetSort::NameDesc),
        Column::sorted("Category", "category", PetSort::Category, PetSort::Category),
        Column::plain("Handler", "handler"),
        Column::plain("Comments", "num"),
        Column::sorted("Added", "date", PetSort::Oldest, PetSort::Newest),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Pet's name";
    const EMPTY: &'static str = "No pets yet.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_pets(query)
    }

    #[cfg(feature = "ssr")]
    fn ticked(row: &Pet) -> Option<(i64, String)> {
        use roster_core::domain::Record;
        Some((row.id(), row.title()))
    }

    #[cfg(feature = "ssr")]
    fn row(p: &Pet, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<tr><td>")
            .number(p.id)
            .raw("</td>")
            .link_to("", urls::PET, p.id, &p.name)
            .raw("<td><a href=\"/pets/?category=")
            .encoded(&p.category)
            .raw("\">")
            .text(&p.category)
            .raw("</a></td>")
            .link_to("", urls::HANDLER, p.handler_id, &p.handler_name)
            .number_cell(p.comment_count)
            .date_cell(p.created_at)
            .actions_cell(
                actor.may_change_delete(roster_core::domain::Kind::Pet),
                urls::PET_EDIT,
                urls::PET_DELETE,
                p.id,
                p.version,
                &p.name,
            )
            .raw("</tr>");
    }
}
