use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::{FieldErrors, LoginInput};

use crate::api::Login;
use crate::auth::{follow_sign_in, urlencode, use_viewer};
use crate::components::status::Notice;
use crate::components::student_form::{form_reader, Field, FieldMeta};
use crate::form_state::submitted_form;

/// Sign in with a username or email. Works as a plain POST to `/login/`
/// (the server answers 303 with the cookie), or, with the wasm loaded,
/// through the `login` server function without a reload.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let submitted = submitted_form::<LoginInput>().unwrap_or_default();
    let next = submitted.input.next.clone();
    let next = if next.is_empty() {
        query.with_untracked(|q| q.get_str("next").unwrap_or_default().to_owned())
    } else {
        next
    };
    let errors = RwSignal::new(submitted.errors);
    let message = RwSignal::new(submitted.message);
    let viewer = use_viewer();
    let action = ServerAction::<Login>::new();
    follow_sign_in(action.value().into(), next.clone(), errors, message);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        let Some(get) = form_reader(&ev) else { return };
        let input = LoginInput {
            login: get("login"),
            password: get("password"),
            next: get("next"),
        };
        match input.parse() {
            Ok(_) => {
                errors.set(FieldErrors::new());
                message.set(None);
                action.dispatch(Login { input });
            }
            Err(found) => {
                errors.set(found);
                message.set(None);
            }
        }
    };
    let field = move |name: &'static str| FieldMeta { name, errors };
    let signed_out = query.with_untracked(|q| q.get_str("signed_out").is_some());
    let asked = !next.is_empty() && !signed_out;
    let register_href = if next.is_empty() {
        "/register/".to_owned()
    } else {
        format!("/register/?next={}", urlencode(&next))
    };
    view! {
        <Title text="Sign in"/>
        <section class="auth">
            <h1>"Sign in"</h1>
            {signed_out.then(|| view! { <Notice kind="success">"You have signed out."</Notice> })}
            {asked.then(|| view! { <Notice kind="info">"Please sign in to continue."</Notice> })}
            {move || viewer.get().map(|v| view! {
                <Notice kind="info">"You are signed in as "<strong>{v.user.username}</strong>". "
                    <a href="/">"Go to the students"</a></Notice>
            })}
            <form class="auth-form" method="post" action="/login/" novalidate on:submit=on_submit>
                {move || message.get().map(|m| view! { <div class="notice notice-error" role="alert">{m}</div> })}
                <input type="hidden" name="next" value=next/>
                <Field meta=field("login") label="Username or email">
                    <input type="text" id="login" name="login" autocomplete="username" required
                        value=submitted.input.login autocapitalize="none" spellcheck="false"
                        aria-invalid=move || field("login").invalid()
                        aria-describedby="login-error"/>
                </Field>
                <Field meta=field("password") label="Password">
                    <input type="password" id="password" name="password"
                        autocomplete="current-password" required
                        aria-invalid=move || field("password").invalid()
                        aria-describedby="password-error"/>
                </Field>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()
                        aria-busy=move || action.pending().get().to_string()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </div>
            </form>
            <p class="aside">"No account yet? "<a href=register_href>"Register"</a></p>
        </section>
    }
}
