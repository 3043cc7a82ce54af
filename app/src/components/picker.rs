//! Choosing one record among thousands (a pet's handler, a course's new
//! student) without ever listing them all.
//!
//! The field is a group of radio buttons named after the field (its value,
//! the chosen id) and a search box named `{field}_q`. The group holds the
//! record chosen so far and the records that match the search box, at most
//! [`MATCHES`] of them. With the wasm loaded, the matches follow what is
//! typed (a server function per keystroke pause). Without it, the Find
//! button sends the form with `_find` set, and the server shows the same page
//! again with the typed values kept and the matches listed; nothing is
//! saved until the form's own button is pressed.

use std::future::Future;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::record::form::FieldCtx;

/// At most this many matches are offered at a time.
pub const MATCHES: i64 = 20;

/// The field name that asks the server for matches instead of saving.
pub const FIND_FIELD: &str = "_find";

/// One record to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
    /// A little more, to tell apart records with the same name.
    pub detail: String,
}

/// A picker's choices among list `L`'s records: the chosen one first
/// (named by id, if any), then those the list's own search finds for `q`,
/// in `sort` order, at most [`MATCHES`].
#[cfg(feature = "ssr")]
pub async fn find_choices<L>(
    db: &roster_core::db::Db,
    chosen: Option<i64>,
    q: &str,
    sort: L::Sort,
    choice: impl Fn(L::Row) -> Choice,
) -> Result<Vec<Choice>, AppError>
where
    L: roster_core::db::Listed,
    L::Row: roster_core::db::Table,
{
    use roster_core::domain::{list::search_text, QueryOf, Record};
    let mut choices = Vec::new();
    if let Some(id) = chosen {
        if let Some(record) = db.get::<L::Row>(id).await? {
            choices.push(choice(record));
        }
    }
    let search = search_text(q, 100);
    if !search.is_empty() {
        let query = QueryOf::<L> {
            search,
            sort,
            per_page: MATCHES as u32,
            ..Default::default()
        };
        let found = db.list::<L>(&query).await?.rows;
        choices.extend(
            found
                .into_iter()
                .filter(|r| Some(r.id()) != chosen)
                .map(choice),
        );
    }
    Ok(choices)
}

/// A picker over a record type's list, declared in one place: the server
/// function that finds the choices (see [`find_choices`]), the source, and
/// the widget a form field names (`Widget::Group(handler_picker)`).
macro_rules! record_picker {
    ($(#[$doc:meta])* $source:ident over $list:ty,
        find: $find:ident = $url:literal,
        widget: $widget:ident,
        placeholder: $placeholder:literal,
        sort: $sort:expr,
        choice: $choice:expr $(,)?
    ) => {
        #[leptos::server(prefix = "/api", endpoint = $url)]
        pub async fn $find(
            chosen: Option<i64>,
            q: String,
        ) -> Result<Vec<$crate::components::picker::Choice>, $crate::error::AppError> {
            $crate::service::read(|ctx| async move {
                <$list as $crate::record::list::ListView>::READERS.check(&ctx.actor)?;
                $crate::components::picker::find_choices::<$list>(&ctx.db, chosen, &q, $sort, $choice)
                    .await
            })
            .await
        }

        $(#[$doc])*
        pub struct $source;

        impl $crate::components::picker::PickSource for $source {
            const PLACEHOLDER: &'static str = $placeholder;

            fn find(
                chosen: Option<i64>,
                q: String,
            ) -> impl std::future::Future<
                Output = Result<Vec<$crate::components::picker::Choice>, $crate::error::AppError>,
            > + Send
                   + 'static {
                $find(chosen, q)
            }
        }

        /// The picker, for any form field that names one.
        pub fn $widget(field: $crate::record::form::FieldCtx) -> leptos::prelude::AnyView {
            $crate::components::picker::picker::<$source>(field)
        }
    };
}
pub(crate) use record_picker;

/// Where a picker finds its records.
pub trait PickSource: 'static {
    /// The search box's placeholder.
    const PLACEHOLDER: &'static str;
    /// The chosen record (by id, if any) and the records matching `q` (none
    /// when `q` is empty), the chosen one first.
    fn find(
        chosen: Option<i64>,
        q: String,
    ) -> impl Future<Output = Result<Vec<Choice>, AppError>> + Send + 'static;
}

/// The search box's name for picker field `name`: `handler_id` → `handler_q`.
pub fn search_field(name: &str) -> String {
    format!("{}_q", name.strip_suffix("_id").unwrap_or(name))
}

/// A picker for `field` (see the module notes).
pub fn picker<S: PickSource>(field: FieldCtx) -> AnyView {
    let name = field.spec.name;
    let q_name = search_field(name);
    let chosen = field
        .value()
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0);
    let typed = RwSignal::new(field.form.value(&q_name));
    // `try_get`: see `record::list::changes`.
    let choices = Resource::new(
        move || typed.try_get().unwrap_or_default(),
        move |q| async move { S::find(chosen, q.trim().to_owned()).await },
    );
    // Keystrokes settle for 250 ms before they ask the server.
    let pending = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || typed.set(text),
            std::time::Duration::from_millis(250),
        )
        .ok();
        pending.set_value(handle);
    };
    let search_box = NodeRef::<leptos::html::Input>::new();
    let find_now = move |ev: leptos::ev::MouseEvent| {
        // With the wasm, find at once instead of sending the form.
        ev.prevent_default();
        if let Some(input) = search_box.get_untracked() {
            typed.set(input.value());
        }
    };
    let invalid = move || field.invalid();
    view! {
        <fieldset class="picker" aria-describedby=field.described_by() aria-invalid=invalid>
            <legend>{field.spec.label}</legend>
            // While the first choices load (a page opened with the wasm
            // running), the chosen record is already the field's value: a
            // form sent meanwhile keeps it.
            <Transition fallback=move || view! {
                {chosen.map(|id| view! { <input type="hidden" name=name value=id.to_string()/> })}
                <p class="loading">"Looking…"</p>
            }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(list) if list.is_empty() => {
                            let text = if typed.with(|q| q.trim().is_empty()) {
                                "None chosen yet: find one below."
                            } else {
                                "Nothing matches that; try another part of the name."
                            };
                            view! { <p class="picker-empty">{text}</p> }.into_any()
                        }
                        Ok(list) => {
                            let only = list.len() == 1;
                            let more = list.len() as i64 >= MATCHES;
                            view! {
                                <ul class="choices">
                                    {list.into_iter().map(|c| {
                                        let id = format!("{name}-{}", c.id);
                                        let checked = Some(c.id) == chosen || (only && chosen.is_none());
                                        view! {
                                            <li>
                                                <input type="radio" name=name id=id.clone()
                                                    value=c.id.to_string() checked=checked/>
                                                <label for=id>{c.label}" "<span class="muted">{c.detail}</span></label>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {more.then(|| view! {
                                    <p class="hint">{format!("Showing the first {MATCHES}: type more of the name to narrow them down.")}</p>
                                })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <div class="find">
                <input type="search" name=q_name.clone() aria-label=format!("Find: {}", field.spec.label)
                    placeholder=S::PLACEHOLDER value=field.form.value(&q_name) autocomplete="off"
                    node_ref=search_box on:input=on_input/>
                <button type="submit" name=FIND_FIELD value=name class="secondary small"
                    formnovalidate=true on:click=find_now>"Find"</button>
            </div>
        </fieldset>
    }
    .into_any()
}
