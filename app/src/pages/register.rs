use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::{FieldErrors, RegisterInput, PASSWORD_MAX, PASSWORD_MIN};

use crate::api::{registration_open, Register};
use crate::auth::{follow_sign_in, urlencode, use_viewer};
use crate::components::status::Notice;
use crate::components::student_form::{form_reader, Field, FieldMeta};
use crate::form_state::submitted_form;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let submitted = submitted_form::<RegisterInput>().unwrap_or_default();
    let next = if submitted.input.next.is_empty() {
        query.with_untracked(|q| q.get_str("next").unwrap_or_default().to_owned())
    } else {
        submitted.input.next.clone()
    };
    let errors = RwSignal::new(submitted.errors);
    let message = RwSignal::new(submitted.message);
    let viewer = use_viewer();
    let open = Resource::new(|| (), |_| registration_open());
    let action = ServerAction::<Register>::new();
    follow_sign_in(action.value().into(), next.clone(), errors, message);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        let Some(get) = form_reader(&ev) else { return };
        let input = RegisterInput {
            username: get("username"),
            email: get("email"),
            password: get("password"),
            confirm: get("confirm"),
            next: get("next"),
        };
        match input.parse() {
            Ok(_) => {
                errors.set(FieldErrors::new());
                message.set(None);
                action.dispatch(Register { input });
            }
            Err(found) => {
                errors.set(found);
                message.set(Some("Please correct the highlighted fields.".into()));
            }
        }
    };
    let field = move |name: &'static str| FieldMeta { name, errors };
    let input = submitted.input;
    let login_href = if next.is_empty() {
        "/login/".to_owned()
    } else {
        format!("/login/?next={}", urlencode(&next))
    };
    let form = view! {
        <form class="auth-form" method="post" action="/register/" novalidate on:submit=on_submit>
            {move || message.get().map(|m| view! { <div class="notice notice-error" role="alert">{m}</div> })}
            <input type="hidden" name="next" value=next/>
            <Field meta=field("username") label="Username">
                <input type="text" id="username" name="username" autocomplete="username" required
                    value=input.username autocapitalize="none" spellcheck="false"
                    aria-invalid=move || field("username").invalid()
                    aria-describedby="username-error username-hint"/>
                <p class="hint" id="username-hint">"3 to 32 letters, digits, _ or -."</p>
            </Field>
            <Field meta=field("email") label="Email">
                <input type="email" id="email" name="email" autocomplete="email" required
                    value=input.email
                    aria-invalid=move || field("email").invalid()
                    aria-describedby="email-error"/>
            </Field>
            <Field meta=field("password") label="Password">
                <input type="password" id="password" name="password" autocomplete="new-password"
                    required aria-invalid=move || field("password").invalid()
                    aria-describedby="password-error password-hint"/>
                <p class="hint" id="password-hint">
                    {format!("{PASSWORD_MIN} to {PASSWORD_MAX} characters. A few unrelated words make a good one.")}
                </p>
            </Field>
            <Field meta=field("confirm") label="Password again">
                <input type="password" id="confirm" name="confirm" autocomplete="new-password"
                    required aria-invalid=move || field("confirm").invalid()
                    aria-describedby="confirm-error"/>
            </Field>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || action.pending().get()
                    aria-busy=move || action.pending().get().to_string()>
                    {move || if action.pending().get() { "Creating account…" } else { "Create account" }}
                </button>
            </div>
        </form>
    };
    view! {
        <Title text="Register"/>
        <section class="auth">
            <h1>"Create an account"</h1>
            {move || viewer.get().map(|v| view! {
                <Notice kind="info">"You are signed in as "<strong>{v.user.username}</strong>". "
                    <a href="/">"Go to the students"</a></Notice>
            })}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match open.await {
                        Ok(false) => view! {
                            <Notice kind="error">"Registration is closed. Ask an administrator for an account."</Notice>
                        }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
            {form}
            <p class="aside">"Already registered? "<a href=login_href>"Sign in"</a></p>
        </section>
    }
}
