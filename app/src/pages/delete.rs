use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::route_id;
use crate::api::{get_student, DeleteStudent};
use crate::components::status::Notice;
use crate::pages::not_found::MissingStudent;

/// The confirmation step for browsers without JavaScript (with it, the
/// Delete buttons ask with a dialog instead). A GET here never deletes.
#[component]
pub fn DeletePage() -> impl IntoView {
    let id = route_id();
    let student = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_student(id).await,
                None => Ok(None),
            }
        },
    );
    let delete = ServerAction::<DeleteStudent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            if let Some(id) = id.get_untracked() {
                navigate(&format!("/?deleted={id}"), Default::default());
            }
        }
    });
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
