use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::CreateStudent;
use crate::components::student_form::StudentForm;
use crate::form_state::submitted_form;

#[component]
pub fn CreatePage() -> impl IntoView {
    let submitted = submitted_form().unwrap_or_default();
    let errors = RwSignal::new(submitted.errors);
    let message = RwSignal::new(submitted.message);
    let action = ServerAction::<CreateStudent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(id)) => navigate(&format!("/?created={id}"), Default::default()),
        Some(Err(e)) => {
            errors.set(e.field_errors().cloned().unwrap_or_default());
            message.set(Some(e.to_string()));
        }
        None => {}
    });
    view! {
        <Title text="Add a student"/>
        <h1>"Add a new student"</h1>
        <StudentForm
            action_url="/create/".to_owned()
            initial=submitted.input
            errors
            message
            pending=action.pending().into()
            submit_label="Add student"
            cancel_href="/".to_owned()
            on_valid=Callback::new(move |input| {
                action.dispatch(CreateStudent { input });
            })
        />
    }
}
