use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::route_id;
use crate::api::{get_student, UpdateStudent};
use crate::components::status::Notice;
use crate::components::student_form::StudentForm;
use crate::form_state::submitted_form;
use crate::pages::not_found::MissingStudent;

#[component]
pub fn EditPage() -> impl IntoView {
    let id = route_id();
    let submitted = submitted_form();
    let errors = RwSignal::new(
        submitted
            .as_ref()
            .map(|s| s.errors.clone())
            .unwrap_or_default(),
    );
    let message = RwSignal::new(submitted.as_ref().and_then(|s| s.message.clone()));
    let student = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_student(id).await,
                None => Ok(None),
            }
        },
    );
    let action = ServerAction::<UpdateStudent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(id)) => navigate(&format!("/{id}/?updated=1"), Default::default()),
        Some(Err(e)) => {
            errors.set(e.field_errors().cloned().unwrap_or_default());
            message.set(Some(e.to_string()));
        }
        None => {}
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
