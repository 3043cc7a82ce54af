use leptos::prelude::*;
use leptos_meta::Title;

use super::{delete_then_list, route_id, student_resource};
use crate::api::DeleteStudent;
use crate::auth::CsrfField;
use crate::components::status::Notice;
use crate::pages::not_found::MissingStudent;

/// The confirmation step for browsers without JavaScript (with it, the
/// Delete buttons ask with a dialog instead). A GET here never deletes.
#[component]
pub fn DeletePage() -> impl IntoView {
    let id = route_id();
    let student = student_resource(id);
    let delete = delete_then_list(id);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match student.await {
                    Ok(Some(s)) => {
                        let id = s.id;
                        let name = s.full_name();
                        let on_submit = move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            delete.dispatch(DeleteStudent { id });
                        };
                        view! {
                            <Title text=format!("Delete {name}")/>
                            <h1>"Delete "{name.clone()}"?"</h1>
                            {move || delete.value().get().and_then(Result::err).map(|e| view! {
                                <Notice kind="error">{e.to_string()}</Notice>
                            })}
                            <p>"This removes "{name.clone()}" ("{s.email.clone()}") and cannot be undone."</p>
                            <form method="post" action=format!("/{id}/delete/") on:submit=on_submit class="actions">
                                <CsrfField/>
                                <button type="submit" class="danger" disabled=move || delete.pending().get()>
                                    {move || if delete.pending().get() { "Deleting…" } else { "Delete student" }}
                                </button>
                                <a class="button secondary" href=format!("/{id}/")>"Cancel"</a>
                            </form>
                        }
                        .into_any()
                    }
                    Ok(None) => view! { <MissingStudent/> }.into_any(),
                    Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
                }
            })}
        </Suspense>
    }
}
