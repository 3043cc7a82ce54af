use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{delete_then_list, route_id, student_resource};
use crate::api::DeleteStudent;
use crate::components::status::Notice;
use crate::components::student_card::StudentFacts;
use crate::pages::not_found::MissingStudent;

#[component]
pub fn StudentPage() -> impl IntoView {
    let id = route_id();
    let query = use_query_map();
    let updated = move || query.with(|q| q.get_str("updated").is_some());
    let student = student_resource(id);
    let delete = delete_then_list(id);

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match student.await {
                    Ok(Some(mut s)) => {
                        let id = s.id;
                        let name = s.full_name();
                        let bio = s.bio.take().unwrap_or_else(|| "No bio yet.".into());
                        let confirm_name = name.clone();
                        let on_delete = move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            let question = format!("Delete {confirm_name}? This cannot be undone.");
                            if window().confirm_with_message(&question).unwrap_or(false) {
                                delete.dispatch(DeleteStudent { id });
                            }
                        };
                        view! {
                            <Title text=name.clone()/>
                            {updated().then(|| view! { <Notice kind="success">"Changes saved."</Notice> })}
                            {move || delete.value().get().and_then(Result::err).map(|e| view! {
                                <Notice kind="error">{e.to_string()}</Notice>
                            })}
                            <article class="student-detail">
                                <p class="card-id">"#"{id}</p>
                                <h1>{name.clone()}</h1>
                                <StudentFacts student=s/>
                                <h2>"Bio"</h2>
                                <p class="bio full">{bio}</p>
                                <div class="actions">
                                    <a class="button secondary" href=format!("/{id}/edit/")>"Edit"</a>
                                    <form method="get" action=format!("/{id}/delete/") on:submit=on_delete>
                                        <button type="submit" class="danger" disabled=move || delete.pending().get()>
                                            "Delete"
                                        </button>
                                    </form>
                                    <a class="button secondary" href="/">"Back to all students"</a>
                                </div>
                            </article>
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
