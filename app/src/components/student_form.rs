use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use roster_core::domain::{FieldErrors, StudentInput};
use wasm_bindgen::JsCast;

use crate::auth::CsrfField;
use crate::error::AppError;

/// What happens once a save server function answered: go to `next(id)`, or
/// show the errors at the fields.
pub fn follow_save(
    result: Signal<Option<Result<i64, AppError>>>,
    errors: RwSignal<FieldErrors>,
    message: RwSignal<Option<String>>,
    next: fn(i64) -> String,
) {
    let navigate = use_navigate();
    Effect::new(move |_| match result.get() {
        Some(Ok(id)) => navigate(&next(id), Default::default()),
        Some(Err(e)) => {
            errors.set(e.field_errors().cloned().unwrap_or_default());
            message.set(Some(e.to_string()));
        }
        None => {}
    });
}

/// The student form, for both Create and Edit.
///
/// It is a real HTML form that POSTs to its page's own URL, so it works with
/// JavaScript off. With the wasm loaded, submitting checks the input in the
/// browser with the same rules as the server and then calls `on_valid`
/// (which dispatches a server function) without reloading the page.
#[component]
pub fn StudentForm(
    /// Where the plain POST goes.
    action_url: String,
    /// Values shown when the form appears.
    initial: StudentInput,
    /// Messages shown at the fields; the page and this form both write them.
    errors: RwSignal<FieldErrors>,
    /// A message for the whole form.
    message: RwSignal<Option<String>>,
    pending: Signal<bool>,
    submit_label: &'static str,
    cancel_href: String,
    on_valid: Callback<StudentInput>,
) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(input) = read_form(&ev) else {
            return;
        };
        match input.parse() {
            Ok(_) => {
                errors.set(FieldErrors::new());
                message.set(None);
                on_valid.run(input);
            }
            Err(found) => {
                errors.set(found);
                message.set(Some("Please correct the highlighted fields.".into()));
            }
        }
    };
    let field = move |name: &'static str| FieldMeta { name, errors };
    view! {
        <form class="student-form" method="post" action=action_url novalidate on:submit=on_submit>
            <CsrfField/>
            {move || message.get().map(|m| view! { <div class="notice notice-error" role="alert">{m}</div> })}
            <div class="row">
                <Field meta=field("firstname") label="First name">
                    <input type="text" id="firstname" name="firstname" autocomplete="given-name"
                        value=initial.firstname.clone() required
                        aria-invalid=move || field("firstname").invalid()
                        aria-describedby="firstname-error"/>
                </Field>
                <Field meta=field("lastname") label="Last name">
                    <input type="text" id="lastname" name="lastname" autocomplete="family-name"
                        value=initial.lastname.clone() required
                        aria-invalid=move || field("lastname").invalid()
                        aria-describedby="lastname-error"/>
                </Field>
            </div>
            <div class="row">
                <Field meta=field("email") label="Email">
                    <input type="email" id="email" name="email" autocomplete="email"
                        value=initial.email.clone() required
                        aria-invalid=move || field("email").invalid()
                        aria-describedby="email-error"/>
                </Field>
                <Field meta=field("age") label="Age (optional)">
                    <input type="text" inputmode="numeric" id="age" name="age"
                        value=initial.age.clone()
                        aria-invalid=move || field("age").invalid()
                        aria-describedby="age-error"/>
                </Field>
            </div>
            <Field meta=field("bio") label="Bio (optional)">
                <textarea id="bio" name="bio" rows="6"
                    aria-invalid=move || field("bio").invalid()
                    aria-describedby="bio-error">{crate::html::unescaped_child(&initial.bio)}</textarea>
            </Field>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()>
                    {move || if pending.get() { "Saving…" } else { submit_label }}
                </button>
                <a class="button secondary" href=cancel_href>"Cancel"</a>
            </div>
        </form>
    }
}

#[derive(Clone, Copy)]
pub struct FieldMeta {
    pub name: &'static str,
    pub errors: RwSignal<FieldErrors>,
}

impl FieldMeta {
    pub fn message(&self) -> Option<String> {
        self.errors.with(|e| e.get(self.name).map(str::to_owned))
    }

    pub fn invalid(&self) -> &'static str {
        if self.message().is_some() {
            "true"
        } else {
            "false"
        }
    }
}

#[component]
pub fn Field(meta: FieldMeta, label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || meta.message().is_some()>
            <label for=meta.name>{label}</label>
            {children()}
            <p class="field-error" id=format!("{}-error", meta.name) aria-live="polite">
                {move || meta.message()}
            </p>
        </div>
    }
}

/// Reads a submitted form's fields the way the browser would submit them.
pub fn form_reader(ev: &leptos::ev::SubmitEvent) -> Option<impl Fn(&str) -> String> {
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    Some(move |name: &str| data.get(name).as_string().unwrap_or_default())
}

/// The form's current values, read the way the browser would submit them.
fn read_form(ev: &leptos::ev::SubmitEvent) -> Option<StudentInput> {
    let get = form_reader(ev)?;
    Some(StudentInput {
        firstname: get("firstname"),
        lastname: get("lastname"),
        email: get("email"),
        age: get("age"),
        bio: get("bio"),
    })
}
