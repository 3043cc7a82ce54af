use leptos::prelude::*;
use leptos_meta::Title;

use super::{route_id, student_resource};
use crate::api::UpdateStudent;
use crate::components::status::Notice;
use crate::components::student_form::{follow_save, StudentForm};
use crate::form_state::submitted_form;
use crate::pages::not_found::MissingStudent;
use roster_core::domain::StudentInput;

#[component]
pub fn EditPage() -> impl IntoView {
    let id = route_id();
    let submitted = submitted_form::<StudentInput>();
    let errors = RwSignal::new(
        submitted
            .as_ref()
            .map(|s| s.errors.clone())
            .unwrap_or_default(),
    );
    let message = RwSignal::new(submitted.as_ref().and_then(|s| s.message.clone()));
    let student = student_resource(id);
    let action = ServerAction::<UpdateStudent>::new();
    follow_save(action.value().into(), errors, message, |id| {
        format!("/{id}/?updated=1")
    });

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let submitted = submitted.clone();
                Suspend::new(async move {
                    match student.await {
                        Ok(Some(student)) => {
                            let id = student.id;
                            let name = student.full_name();
                            // After a rejected plain POST, show what was typed, not what is stored.
                            let initial = submitted.map(|s| s.input).unwrap_or_else(|| student.to_input());
                            view! {
                                <Title text=format!("Edit {name}")/>
                                <h1>"Edit "{name}</h1>
                                <StudentForm
                                    action_url=format!("/{id}/edit/")
                                    initial
                                    errors
                                    message
                                    pending=action.pending().into()
                                    submit_label="Save changes"
                                    cancel_href=format!("/{id}/")
                                    on_valid=Callback::new(move |input| {
                                        action.dispatch(UpdateStudent { id, input });
                                    })
                                />
                            }
                            .into_any()
                        }
                        Ok(None) => view! { <MissingStudent/> }.into_any(),
                        Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
