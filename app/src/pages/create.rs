use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::CreateStudent;
use crate::components::student_form::{follow_save, StudentForm};
use crate::form_state::submitted_form;
use roster_core::domain::StudentInput;

#[component]
pub fn CreatePage() -> impl IntoView {
    let submitted = submitted_form::<StudentInput>().unwrap_or_default();
    let errors = RwSignal::new(submitted.errors);
    let message = RwSignal::new(submitted.message);
    let action = ServerAction::<CreateStudent>::new();
    follow_save(action.value().into(), errors, message, |id| {
        format!("/?created={id}")
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
