//! Accounts: sign-in, registration, sign-out and the site settings, each a
//! form action like every other write (cookies travel as response headers).

pub mod manage;
mod pages;
pub mod roles;

pub use manage::{ChangeEmail, ChangePassword, SaveDetails, SetRole, SetStatus};
pub use pages::{AccountPage, LoginPage, RegisterPage, SettingsPage, UsersPage};

use roster_core::domain::{urls, FieldErrors, FormInput, LoginInput, NoFields, RegisterInput};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::record::action::FormAction;

/// A session just started: who is signed in and where to go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub viewer: Viewer,
    pub next: String,
}

#[leptos::server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(input: LoginInput) -> Result<SignedIn, AppError> {
    crate::record::action::serve::<SignIn>((), input).await
}

#[leptos::server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(input: RegisterInput) -> Result<SignedIn, AppError> {
    crate::record::action::serve::<SignUp>((), input).await
}

#[leptos::server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::record::action::serve::<SignOut>((), NoFields {}).await
}

/// Whether `/register/` takes new accounts now (public).
#[leptos::server(prefix = "/api", endpoint = "auth/registration")]
pub async fn registration_open() -> Result<bool, AppError> {
    use crate::service::accounts as auth;
    let db = crate::service::db()?;
    auth::registration_open(&db, &auth::auth_settings()).await
}

/// What the administrators' settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub registration_open: bool,
    /// Set by `ROSTER_OPEN_REGISTRATION`, which the page cannot change.
    pub registration_forced: bool,
    pub users: i64,
    /// Printed on transcripts.
    pub school_name: Option<String>,
    /// The role self-registered accounts get, by id.
    pub registration_role: i64,
    /// The roles it may be (never the administrator's).
    pub roles: Vec<(i64, String)>,
}

#[leptos::server(prefix = "/api", endpoint = "settings/get")]
pub async fn get_site_settings() -> Result<SiteSettings, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require_admin()?;
        Ok(SiteSettings {
            registration_open: crate::service::accounts::registration_open(&ctx.db, &ctx.auth)
                .await?,
            registration_forced: ctx.auth.forced_open_registration.is_some(),
            users: ctx.db.count_users().await?,
            school_name: ctx.db.school_name().await?,
            registration_role: ctx.db.registration_role().await?,
            roles: ctx
                .db
                .roles()
                .await?
                .into_iter()
                .filter(|r| r.id != roster_core::domain::BuiltinRole::Administrator.id())
                .map(|r| (r.id, r.name))
                .collect(),
        })
    })
    .await
}

/// Signs in with a username or email and a password.
pub struct SignIn;

impl FormAction for SignIn {
    const ROUTE: urls::Pattern = urls::LOGIN;
    type Ids = ();
    type Input = LoginInput;
    type Output = SignedIn;
    type Call = Login;

    fn call(_: (), input: LoginInput) -> Login {
        Login { input }
    }

    fn next(_: &(), signed_in: &SignedIn) -> String {
        signed_in.next.clone()
    }

    /// The password is never sent back, not even to its owner.
    fn keep(input: &LoginInput) -> LoginInput {
        input.without_password()
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        _: (),
        input: LoginInput,
    ) -> Result<SignedIn, AppError> {
        use crate::service::accounts as auth;
        let session = auth::login(
            &ctx.db,
            &ctx.auth,
            &ctx.actor.client,
            &input,
            ctx.actor.session.as_ref(),
        )
        .await?;
        ctx.add_header(
            http::header::SET_COOKIE,
            auth::session_cookie(&session.cookie_value, &ctx.auth, ctx.actor.client.https),
        );
        Ok(SignedIn {
            viewer: session.viewer,
            next: roster_core::domain::safe_next(&input.next),
        })
    }
}

/// Creates an account and signs it in.
pub struct SignUp;

impl FormAction for SignUp {
    const ROUTE: urls::Pattern = urls::REGISTER;
    type Ids = ();
    type Input = RegisterInput;
    type Output = SignedIn;
    type Call = Register;

    fn call(_: (), input: RegisterInput) -> Register {
        Register { input }
    }

    fn next(_: &(), signed_in: &SignedIn) -> String {
        signed_in.next.clone()
    }

    fn keep(input: &RegisterInput) -> RegisterInput {
        input.without_passwords()
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        _: (),
        input: RegisterInput,
    ) -> Result<SignedIn, AppError> {
        use crate::service::accounts as auth;
        let session = auth::register(
            &ctx.db,
            &ctx.by(),
            &ctx.auth,
            &input,
            ctx.actor.session.as_ref(),
        )
        .await?;
        ctx.add_header(
            http::header::SET_COOKIE,
            auth::session_cookie(&session.cookie_value, &ctx.auth, ctx.actor.client.https),
        );
        Ok(SignedIn {
            viewer: session.viewer,
            next: roster_core::domain::safe_next(&input.next),
        })
    }
}

/// Ends this session.
pub struct SignOut;

impl FormAction for SignOut {
    const ROUTE: urls::Pattern = urls::LOGOUT;
    type Ids = ();
    type Input = NoFields;
    type Output = ();
    type Call = Logout;

    fn call(_: (), _: NoFields) -> Logout {
        Logout {}
    }

    fn next(_: &(), _: &()) -> String {
        format!("{}?signed_out=1", urls::login())
    }

    fn page(_: &()) -> String {
        urls::login()
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), _: NoFields) -> Result<(), AppError> {
        use crate::service::accounts as auth;
        auth::logout(&ctx.db, ctx.actor.session.as_ref()).await?;
        ctx.add_header(
            http::header::SET_COOKIE,
            auth::clear_cookie(ctx.actor.client.https),
        );
        Ok(())
    }
}

/// The longest school name.
pub const SCHOOL_NAME_MAX: usize = 120;

/// The settings form: a checkbox, present ("on") when ticked, and the
/// school's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub open_registration: String,
    pub school_name: String,
    /// The role new registrations get, by id.
    pub registration_role: String,
}

/// What the settings form says: registration open, the school's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteChoice {
    pub open: bool,
    pub school: Option<roster_core::domain::Line<SCHOOL_NAME_MAX>>,
    /// `None`: the form did not say (left as it is).
    pub role: Option<i64>,
}

impl FormInput for SettingsInput {
    type Valid = SiteChoice;

    fn parse(&self) -> Result<SiteChoice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let school = errors.take(
            "school_name",
            roster_core::domain::Line::parse_optional(&self.school_name),
        );
        let role = match self.registration_role.trim() {
            "" => Some(None),
            raw => errors.take(
                "registration_role",
                raw.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .map(Some)
                    .ok_or_else(|| "Choose one of the roles.".to_owned()),
            ),
        };
        match (school, role) {
            (Some(school), Some(role)) if errors.is_empty() => Ok(SiteChoice {
                open: !self.open_registration.is_empty(),
                school,
                role,
            }),
            _ => Err(errors),
        }
    }
}

/// Names the school and opens or closes registration; administrators
/// only, and registration only when the operator left it to them (no
/// `ROSTER_OPEN_REGISTRATION`: then the checkbox is not on the form).
pub struct SaveSettings;

impl FormAction for SaveSettings {
    const ROUTE: urls::Pattern = urls::SETTINGS;
    type Ids = ();
    type Input = SettingsInput;
    type Output = ();
    type Call = SaveSettingsCall;

    fn call(_: (), input: SettingsInput) -> SaveSettingsCall {
        SaveSettingsCall { input }
    }

    fn next(_: &(), _: &()) -> String {
        format!("{}?saved=1", urls::settings())
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: SettingsInput) -> Result<(), AppError> {
        let admin = ctx.actor.require_admin()?;
        let choice = input.parse().map_err(AppError::Invalid)?;
        let school = choice.school.as_ref().map(|s| s.as_str());
        ctx.db.set_school_name(&ctx.by(), school).await?;
        if ctx.auth.forced_open_registration.is_none() {
            ctx.db.set_registration_open(&ctx.by(), choice.open).await?;
        }
        if let Some(role) = choice.role {
            ctx.db.set_registration_role(&ctx.by(), role).await?;
        }
        tracing::info!(admin = admin.id, open = choice.open, "settings saved");
        Ok(())
    }
}

/// The settings server function's arguments (named apart from the action).
pub type SaveSettingsCall = SaveSettingsFn;

#[leptos::server(name = SaveSettingsFn, prefix = "/api", endpoint = "settings/registration")]
pub async fn save_settings_fn(input: SettingsInput) -> Result<(), AppError> {
    crate::record::action::serve::<SaveSettings>((), input).await
}
