use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::{
    list::with_query, urls, LoginInput, RegisterInput, EMAIL_MAX, PASSWORD_MAX, USERNAME_MAX,
};

use super::{
    get_site_settings, registration_open, SaveSettings, SettingsInput, SignIn, SignUp, SignedIn,
};
use crate::auth::use_viewer;
use crate::components::status::{set_status, Notice};
use crate::record::form::{action_form, FieldSpec, FormConfig, Then, Widget};

const LOGIN_FIELDS: &[FieldSpec] = &[
    FieldSpec::text("login", "Username or email", EMAIL_MAX).autocomplete("username"),
    FieldSpec::new("password", "Password", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("current-password"),
    FieldSpec::hidden("next"),
];

const REGISTER_FIELDS: &[FieldSpec] = &[
    FieldSpec::text("username", "Username", USERNAME_MAX)
        .autocomplete("username")
        .hint("3 to 32 letters, digits, _ or -."),
    FieldSpec::new("email", "Email", Widget::Email)
        .max(EMAIL_MAX)
        .autocomplete("email"),
    FieldSpec::new("password", "Password", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("new-password")
        .hint("10 to 128 characters. A few unrelated words make a good one."),
    FieldSpec::new("confirm", "Password again", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("new-password"),
    FieldSpec::hidden("next"),
];

/// With the wasm: the nav learns who signed in, and the browser goes on.
fn follow_sign_in() -> Then<SignedIn> {
    let viewer = use_viewer();
    let navigate = crate::components::nav::navigator();
    Then::Stay(Callback::new(move |signed_in: SignedIn| {
        viewer.set(Some(signed_in.viewer));
        navigate(&signed_in.next, Default::default());
    }))
}

/// The `next` the page was asked to return to.
fn asked_next() -> String {
    use_query_map().with_untracked(|q| q.get_str("next").unwrap_or_default().to_owned())
}

fn signed_in_already() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        viewer.get().map(|v| view! {
            <Notice kind="info">"You are signed in as "<strong>{v.user.display_name}</strong>". "
                <a href="/">"Go to the students"</a></Notice>
        })
    }
}

/// Sign in with a username or email.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = asked_next();
    let signed_out = query.with_untracked(|q| q.get_str("signed_out").is_some());
    let asked = !next.is_empty() && !signed_out;
    let register_href = if next.is_empty() {
        urls::register()
    } else {
        with_query(&urls::register(), &[("next", next.clone())])
    };
    let form = action_form::<SignIn>(FormConfig {
        ids: (),
        initial: LoginInput {
            next,
            ..Default::default()
        },
        fields: LOGIN_FIELDS,
        submit: "Sign in".into(),
        pending: "Signing in…".into(),
        cancel: None,
        class: "auth-form",
        id_prefix: "",
        then: follow_sign_in(),
        confirm: None,
    });
    view! {
        <Title text="Sign in"/>
        <section class="auth">
            <h1>"Sign in"</h1>
            {signed_out.then(|| view! { <Notice kind="success">"You have signed out."</Notice> })}
            {asked.then(|| view! { <Notice kind="info">"Please sign in to continue."</Notice> })}
            {signed_in_already()}
            {form}
            <p class="aside">"No account yet? "<a href=register_href>"Register"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let next = asked_next();
    let open = Resource::new(|| (), |_| registration_open());
    let login_href = if next.is_empty() {
        urls::login()
    } else {
        with_query(&urls::login(), &[("next", next.clone())])
    };
    let form = action_form::<SignUp>(FormConfig {
        ids: (),
        initial: RegisterInput {
            next,
            ..Default::default()
        },
        fields: REGISTER_FIELDS,
        submit: "Create account".into(),
        pending: "Creating account…".into(),
        cancel: None,
        class: "auth-form",
        id_prefix: "",
        then: follow_sign_in(),
        confirm: None,
    });
    view! {
        <Title text="Register"/>
        <section class="auth">
            <h1>"Create an account"</h1>
            {signed_in_already()}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    matches!(open.await, Ok(false)).then(|| view! {
                        <Notice kind="error">"Registration is closed. Ask an administrator for an account."</Notice>
                    })
                })}
            </Suspense>
            {form}
            <p class="aside">"Already registered? "<a href=login_href>"Sign in"</a></p>
        </section>
    }
}

const SCHOOL_FIELD: FieldSpec = FieldSpec::text(
    "school_name",
    "School name (optional)",
    super::SCHOOL_NAME_MAX,
)
.hint("Printed at the top of transcripts.");

/// The roles a new registration may get, for the settings' select.
#[derive(Clone)]
struct RegistrationRoles(Vec<(i64, String)>);

fn registration_role(field: crate::record::form::FieldCtx) -> AnyView {
    let chosen = field.value();
    let options = use_context::<RegistrationRoles>()
        .map(|r| r.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(id, name)| {
            let selected = chosen == id.to_string();
            view! { <option value=id.to_string() selected=selected>{roster_core::domain::capitalise(&name)}</option> }
        })
        .collect_view();
    view! {
        <select id=field.id() name=field.spec.name aria-describedby=field.described_by()>{options}</select>
    }
    .into_any()
}

const ROLE_FIELD: FieldSpec = FieldSpec::new(
    "registration_role",
    "New accounts' role",
    Widget::Custom(registration_role),
)
.hint("What a self-registered account may do until an administrator changes its role.");

const SETTINGS_FIELDS: &[FieldSpec] = &[
    SCHOOL_FIELD,
    FieldSpec::new(
        "open_registration",
        "Anyone may register an account",
        Widget::Checkbox,
    ),
    ROLE_FIELD,
];

/// When `ROSTER_OPEN_REGISTRATION` decides registration.
const SCHOOL_ONLY: &[FieldSpec] = &[SCHOOL_FIELD, ROLE_FIELD];

/// Site settings, for administrators: whether anyone may register.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new(|| (), |_| get_site_settings());
    let saved = query.with_untracked(|q| q.get_str("saved").is_some());
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        {saved.then(|| view! { <Notice kind="success">"Settings saved."</Notice> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => {
                        let forced = s.registration_forced;
                        provide_context(RegistrationRoles(s.roles.clone()));
                        let form = action_form::<SaveSettings>(FormConfig {
                            ids: (),
                            initial: SettingsInput {
                                open_registration: if s.registration_open { "on".into() } else { String::new() },
                                school_name: s.school_name.clone().unwrap_or_default(),
                                registration_role: s.registration_role.to_string(),
                            },
                            fields: if forced { SCHOOL_ONLY } else { SETTINGS_FIELDS },
                            submit: "Save".into(),
                            pending: "Saving…".into(),
                            cancel: None,
                            class: "settings-form",
                            id_prefix: "",
                            then: Then::Navigate,
                            confirm: None,
                        });
                        view! {
                            {form}
                            {forced.then(|| view! {
                                <p>{if s.registration_open { "Anyone may register an account." } else { "Registration is closed." }}</p>
                                <p class="hint">"ROSTER_OPEN_REGISTRATION decides this on this server."</p>
                            })}
                            <p class="hint">{format!("{} account(s) so far.", s.users)}</p>
                        }
                        .into_any()
                    }
                    Err(e) => {
                        set_status(e.status());
                        view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The signed-in user's own account: details, email, password.
#[component]
pub fn AccountPage() -> impl IntoView {
    use super::manage::{
        get_account, ChangeEmail, ChangePassword, SaveDetails, DETAILS_FIELDS, EMAIL_FIELDS,
        PASSWORD_FIELDS,
    };
    let query = use_query_map();
    let saved = Memo::new(move |_| query.with(|q| q.get("saved")));
    let account = Resource::new(
        move || saved.try_get().unwrap_or_default(),
        |_| get_account(),
    );
    let viewer = use_viewer();
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        {move || saved.get().map(|what| {
            let text = match what.as_str() {
                "password" => "Password changed. Your other sessions have ended.",
                "email" => "Email changed.",
                _ => "Details saved.",
            };
            view! { <Notice kind="success">{text}</Notice> }
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(a) => {
                        // The menu shows the display name: keep it current.
                        viewer.update(|v| {
                            if let Some(v) = v {
                                if v.user.display_name != a.display_name {
                                    v.user.display_name = a.display_name.clone();
                                }
                            }
                        });
                        let details = action_form::<SaveDetails>(FormConfig {
                            ids: (),
                            initial: a.details_input(),
                            fields: DETAILS_FIELDS,
                            submit: "Save details".into(),
                            pending: "Saving…".into(),
                            cancel: None,
                            class: "account-details",
                            id_prefix: "",
                            then: Then::Navigate,
                            confirm: None,
                        });
                        let email = action_form::<ChangeEmail>(FormConfig {
                            ids: (),
                            initial: Default::default(),
                            fields: EMAIL_FIELDS,
                            submit: "Change email".into(),
                            pending: "Saving…".into(),
                            cancel: None,
                            class: "account-email",
                            id_prefix: "email-",
                            then: Then::Navigate,
                            confirm: None,
                        });
                        let password = action_form::<ChangePassword>(FormConfig {
                            ids: (),
                            initial: Default::default(),
                            fields: PASSWORD_FIELDS,
                            submit: "Change password".into(),
                            pending: "Saving…".into(),
                            cancel: None,
                            class: "account-password",
                            id_prefix: "password-",
                            then: Then::Navigate,
                            confirm: None,
                        });
                        view! {
                            <dl class="facts">
                                <dt>"Username"</dt>
                                <dd class="username">{a.username}</dd>
                                <dt>"Email"</dt>
                                <dd class="email">{a.email}</dd>
                                <dt>"Role"</dt>
                                <dd>{roster_core::domain::capitalise(&a.role)}</dd>
                            </dl>
                            <h2>"Details"</h2>
                            {details}
                            <h2>"Email"</h2>
                            {email}
                            <h2>"Password"</h2>
                            {password}
                        }
                        .into_any()
                    }
                    Err(e) => {
                        set_status(e.status());
                        view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Every account, for administrators: make or remove administrators,
/// disable or enable accounts.
#[component]
pub fn UsersPage() -> impl IntoView {
    use super::manage::{SetRoleFn, SetStatusFn};
    use crate::record::list::{record_list, use_list_query, ListConfig, RowAction, RowForm};
    use roster_core::domain::{AccountFlagInput, AccountList};
    let query = use_list_query::<AccountList>();
    let role = ServerAction::<SetRoleFn>::new();
    let status = ServerAction::<SetStatusFn>::new();
    let refresh = crate::record::list::changes(&[role.version(), status.version()]);
    let on_action = Callback::new(move |action: RowAction| {
        let input: AccountFlagInput = roster_core::domain::from_fields(action.fields);
        match action.action {
            RowForm::Role => {
                role.dispatch(SetRoleFn {
                    id: action.id,
                    input,
                });
            }
            RowForm::Status => {
                status.dispatch(SetStatusFn {
                    id: action.id,
                    input,
                });
            }
            RowForm::Grade | RowForm::Restore => {}
        }
    });
    let error = move || {
        role.value()
            .get()
            .and_then(Result::err)
            .or_else(|| status.value().get().and_then(Result::err))
    };
    let saved = use_query_map().with_untracked(|q| q.get_str("saved").is_some());
    view! {
        <Title text="Accounts"/>
        <h1>"Accounts"</h1>
        {saved.then(|| view! { <Notice kind="success">"Account changed."</Notice> })}
        {crate::form_state::refused_notice::<AccountFlagInput>()}
        {move || error().map(|e| view! { <Notice kind="error">{e.to_string()}</Notice> })}
        {record_list::<AccountList>(query, ListConfig {
            search: true,
            empty: "No accounts yet.",
            refresh,
            on_delete: None,
            on_action: Some(on_action),
        })}
    }
}
