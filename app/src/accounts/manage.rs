//! An account's own page (details, email, password) and the administrators'
//! list of accounts (roles, disabling).

use roster_core::domain::{
    urls, Account, AccountFlagInput, AccountList, AccountSort, DetailsInput, EmailInput,
    PasswordInput, QueryOf, DISPLAY_NAME_MAX, EMAIL_MAX, PASSWORD_MAX, PHONE_MAX,
};

use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{FieldSpec, Widget};
use crate::record::list::{Column, ListChunk, ListView, Readers};

#[leptos::server(prefix = "/api", endpoint = "account/get")]
pub async fn get_account() -> Result<Account, AppError> {
    crate::service::read(|ctx| async move {
        let user = ctx.actor.require_user()?.id;
        ctx.db
            .get_account(user)
            .await?
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Account))
    })
    .await
}

/// The roles an account's row offers: the ones there are when the page is
/// read (administrators add their own on `/roles/`).
#[derive(Clone)]
#[cfg(feature = "ssr")]
struct RoleChoices(std::sync::Arc<Vec<(i64, String)>>);

/// A page of the accounts, as rows ready to show.
#[leptos::server(name = ListAccounts, prefix = "/api", endpoint = "users/list")]
pub async fn list_accounts(
    query: roster_core::domain::QueryOf<AccountList>,
) -> Result<crate::record::list::ListChunk, AppError> {
    let roles = crate::service::read(|ctx| async move {
        ctx.actor.require_admin()?;
        Ok(ctx.db.roles().await?)
    })
    .await?;
    leptos::prelude::provide_context(RoleChoices(std::sync::Arc::new(
        roles.into_iter().map(|r| (r.id, r.name)).collect(),
    )));
    crate::record::list::serve::<AccountList>(query).await
}

pub const DETAILS_FIELDS: &[FieldSpec] = &[
    FieldSpec::text("display_name", "Display name", DISPLAY_NAME_MAX)
        .autocomplete("name")
        .hint("Shown in the menu and on your comments."),
    FieldSpec::text("job_title", "Job title (optional)", DISPLAY_NAME_MAX)
        .half()
        .autocomplete("organization-title"),
    FieldSpec::new("phone", "Phone (optional)", Widget::Tel)
        .max(PHONE_MAX)
        .half()
        .autocomplete("tel"),
    FieldSpec::hidden("version"),
];

pub const EMAIL_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("email", "New email", Widget::Email)
        .max(EMAIL_MAX)
        .autocomplete("email"),
    FieldSpec::new("current", "Current password", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("current-password"),
];

pub const PASSWORD_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("current", "Current password", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("current-password"),
    FieldSpec::new("password", "New password", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("new-password")
        .hint("10 to 128 characters. Your other sessions end when it changes."),
    FieldSpec::new("confirm", "New password again", Widget::Password)
        .max(PASSWORD_MAX)
        .autocomplete("new-password"),
];

/// Saves the signed-in user's details (display name, job title, phone).
pub struct SaveDetails;

impl FormAction for SaveDetails {
    const ROUTE: urls::Pattern = urls::ACCOUNT_DETAILS;
    type Ids = ();
    type Input = DetailsInput;
    type Output = ();
    type Call = SaveDetailsCall;

    fn call(_: (), input: DetailsInput) -> SaveDetailsCall {
        SaveDetailsCall { input }
    }

    fn next(_: &(), _: &()) -> String {
        format!("{}?saved=details", urls::account())
    }

    fn page(_: &()) -> String {
        urls::account()
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: DetailsInput) -> Result<(), AppError> {
        use roster_core::domain::{Conflict, FormInput};
        let user = ctx.actor.require_user()?.id;
        let details = input.parse().map_err(AppError::Invalid)?;
        let version =
            roster_core::domain::parse_version(&input.version).map_err(AppError::Refused)?;
        match ctx
            .db
            .update_details(&ctx.by(), user, version, &details)
            .await
        {
            Ok(_) => {
                tracing::info!(user, "account details saved");
                Ok(())
            }
            Err(roster_core::db::DbError::Stale) => {
                let current = ctx
                    .db
                    .get_account(user)
                    .await?
                    .ok_or(AppError::NotFound(roster_core::domain::Kind::Account))?;
                Err(AppError::Conflict(Conflict {
                    kind: roster_core::domain::Kind::Account,
                    version: current.details_version,
                    theirs: roster_core::domain::to_fields(&current.details_input()),
                    deleting: false,
                    changed: Vec::new(),
                    bulk: None,
                }))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The details server function's arguments (named apart from the action).
pub type SaveDetailsCall = SaveDetailsFn;

#[leptos::server(name = SaveDetailsFn, prefix = "/api", endpoint = "account/save-details")]
pub async fn save_details_fn(input: DetailsInput) -> Result<(), AppError> {
    crate::record::action::serve::<SaveDetails>((), input).await
}

/// A new email for the signed-in user's account, with their password.
pub struct ChangeEmail;

impl FormAction for ChangeEmail {
    const ROUTE: urls::Pattern = urls::ACCOUNT_EMAIL;
    type Ids = ();
    type Input = EmailInput;
    type Output = ();
    type Call = ChangeEmailCall;

    fn call(_: (), input: EmailInput) -> ChangeEmailCall {
        ChangeEmailCall { input }
    }

    fn next(_: &(), _: &()) -> String {
        format!("{}?saved=email", urls::account())
    }

    fn page(_: &()) -> String {
        urls::account()
    }

    fn keep(input: &EmailInput) -> EmailInput {
        input.without_password()
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: EmailInput) -> Result<(), AppError> {
        use roster_core::domain::{FieldErrors, FormInput};
        let user = ctx.actor.require_user()?.id;
        let (email, current) = input.parse().map_err(AppError::Invalid)?;
        if !crate::service::accounts::password_matches(&ctx.db, user, &current).await? {
            return Err(AppError::Invalid(FieldErrors::single(
                "current",
                "That is not your current password.",
            )));
        }
        ctx.db.change_email(&ctx.by(), user, email.as_str()).await?;
        tracing::info!(user, "account email changed");
        Ok(())
    }
}

pub type ChangeEmailCall = ChangeEmailFn;

#[leptos::server(name = ChangeEmailFn, prefix = "/api", endpoint = "account/change-email")]
pub async fn change_email_fn(input: EmailInput) -> Result<(), AppError> {
    crate::record::action::serve::<ChangeEmail>((), input).await
}

/// A new password for the signed-in user; every other session of theirs
/// ends. Answers how many ended.
pub struct ChangePassword;

impl FormAction for ChangePassword {
    const ROUTE: urls::Pattern = urls::ACCOUNT_PASSWORD;
    type Ids = ();
    type Input = PasswordInput;
    type Output = u64;
    type Call = ChangePasswordCall;

    fn call(_: (), input: PasswordInput) -> ChangePasswordCall {
        ChangePasswordCall { input }
    }

    fn next(_: &(), _: &u64) -> String {
        format!("{}?saved=password", urls::account())
    }

    fn page(_: &()) -> String {
        urls::account()
    }

    /// No password is sent back.
    fn keep(_: &PasswordInput) -> PasswordInput {
        PasswordInput::default()
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: PasswordInput) -> Result<u64, AppError> {
        use roster_core::domain::{FieldErrors, FormInput};
        let session = ctx.actor.session.as_ref().ok_or(AppError::Unauthorized)?;
        let user = session.user.id;
        let change = input.parse().map_err(AppError::Invalid)?;
        if !crate::service::accounts::password_matches(&ctx.db, user, &change.current).await? {
            return Err(AppError::Invalid(FieldErrors::single(
                "current",
                "That is not your current password.",
            )));
        }
        let hash = crate::service::accounts::hash_password(&change.new).await?;
        let ended = ctx
            .db
            .set_password(&ctx.by(), user, &hash, Some(&session.id_hash))
            .await?;
        tracing::info!(user, ended, "password changed; other sessions ended");
        Ok(ended)
    }
}

pub type ChangePasswordCall = ChangePasswordFn;

#[leptos::server(name = ChangePasswordFn, prefix = "/api", endpoint = "account/change-password")]
pub async fn change_password_fn(input: PasswordInput) -> Result<u64, AppError> {
    crate::record::action::serve::<ChangePassword>((), input).await
}

/// What an administrator changes on an account: its role or its status.
pub trait AccountFlag: Send + Sync + 'static {
    const ROUTE: urls::Pattern;
    type Call: leptos::server_fn::ServerFn<Output = (), Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static;
    fn call(id: i64, input: AccountFlagInput) -> Self::Call;
    /// (role, disabled) to set, or why not.
    fn flags(
        input: &roster_core::domain::AccountFlags,
    ) -> Result<(Option<i64>, Option<bool>), AppError>;
    fn done(input: &roster_core::domain::AccountFlags) -> &'static str;
}

pub struct Role;
pub struct Status;

impl AccountFlag for Role {
    const ROUTE: urls::Pattern = urls::USER_ROLE;
    type Call = SetRoleCall;
    fn call(id: i64, input: AccountFlagInput) -> SetRoleCall {
        SetRoleCall { id, input }
    }
    fn flags(
        input: &roster_core::domain::AccountFlags,
    ) -> Result<(Option<i64>, Option<bool>), AppError> {
        match input.role {
            Some(role) => Ok((Some(role), None)),
            None => Err(AppError::Refused("Choose one of the roles.".into())),
        }
    }
    fn done(_: &roster_core::domain::AccountFlags) -> &'static str {
        "role set"
    }
}

impl AccountFlag for Status {
    const ROUTE: urls::Pattern = urls::USER_STATUS;
    type Call = SetStatusCall;
    fn call(id: i64, input: AccountFlagInput) -> SetStatusCall {
        SetStatusCall { id, input }
    }
    fn flags(
        input: &roster_core::domain::AccountFlags,
    ) -> Result<(Option<i64>, Option<bool>), AppError> {
        Ok((None, Some(input.on)))
    }
    fn done(input: &roster_core::domain::AccountFlags) -> &'static str {
        if input.on {
            "disabled"
        } else {
            "enabled"
        }
    }
}

/// Changes an account's role or status; administrators only.
pub struct SetFlag<F>(std::marker::PhantomData<F>);
pub type SetRole = SetFlag<Role>;
pub type SetStatus = SetFlag<Status>;

impl<F: AccountFlag> FormAction for SetFlag<F> {
    const ROUTE: urls::Pattern = F::ROUTE;
    type Ids = i64;
    type Input = AccountFlagInput;
    type Output = ();
    type Call = F::Call;

    fn call(id: i64, input: AccountFlagInput) -> F::Call {
        F::call(id, input)
    }

    fn next(_: &i64, _: &()) -> String {
        format!("{}?saved=1", urls::users())
    }

    fn page(_: &i64) -> String {
        urls::users()
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        id: i64,
        input: AccountFlagInput,
    ) -> Result<(), AppError> {
        use roster_core::db::DbError;
        use roster_core::domain::FormInput;
        let admin = ctx.actor.require_admin()?.id;
        let flags = input.parse().map_err(|e| {
            AppError::Refused(
                e.get("version")
                    .or_else(|| e.get("role"))
                    .unwrap_or("")
                    .to_owned(),
            )
        })?;
        let (role, disable) = F::flags(&flags)?;
        match ctx
            .db
            .set_account_flags(&ctx.by(), id, Some(flags.version), role, disable)
            .await
        {
            Ok(()) => {
                tracing::info!(
                    admin,
                    account = id,
                    change = F::done(&flags),
                    "account changed"
                );
                Ok(())
            }
            Err(DbError::LastAdmin) => Err(AppError::Refused(
                "Roster needs at least one active administrator: make someone else one first."
                    .into(),
            )),
            Err(DbError::Stale) => {
                let now = ctx
                    .db
                    .get_account(id)
                    .await?
                    .ok_or(AppError::NotFound(roster_core::domain::Kind::Account))?;
                Err(AppError::Refused(format!(
                    "{} changed since you opened this page: it is now {} and {}. Nothing was \
                     changed; look again and choose.",
                    now.username,
                    roster_core::domain::role::with_article(&now.role),
                    if now.disabled { "disabled" } else { "active" },
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}

pub type SetRoleCall = SetRoleFn;
pub type SetStatusCall = SetStatusFn;

#[leptos::server(name = SetRoleFn, prefix = "/api", endpoint = "users/set-role")]
pub async fn set_role_fn(id: i64, input: AccountFlagInput) -> Result<(), AppError> {
    crate::record::action::serve::<SetRole>(id, input).await
}

#[leptos::server(name = SetStatusFn, prefix = "/api", endpoint = "users/set-status")]
pub async fn set_status_fn(id: i64, input: AccountFlagInput) -> Result<(), AppError> {
    crate::record::action::serve::<SetStatus>(id, input).await
}

impl ListView for AccountList {
    const DOWNLOAD: Option<&'static str> = Some("accounts");
    type Row = Account;
    const READERS: Readers = Readers::Admins;
    const BULK: Option<urls::Pattern> = Some(<Self as crate::row_bulk::RowBulk>::ROUTE);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[
        crate::bulk::BulkSet::plain("disable", "Disable"),
        crate::bulk::BulkSet::plain("enable", "Enable"),
    ];
    // An account is never deleted: disabled, it keeps its history.
    const BULK_DELETE: Option<&'static str> = None;
    const COLUMNS: &'static [Column<AccountSort>] = &[
        Column::sorted(
            "Username",
            "name",
            AccountSort::NameAsc,
            AccountSort::NameDesc,
        ),
        Column::plain("Display name", "display"),
        Column::plain("Email", "email"),
        Column::plain("Role", "role"),
        Column::plain("Status", "status"),
        Column::sorted("Joined", "date", AccountSort::Oldest, AccountSort::Newest),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Username, name or email";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_accounts(query)
    }

    #[cfg(feature = "ssr")]
    fn ticked(a: &Account) -> Option<(i64, String)> {
        Some((a.id, a.username.clone()))
    }

    /// An account, with a button for each change an administrator makes.
    #[cfg(feature = "ssr")]
    fn row(a: &Account, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<tr id=\"account-")
            .number(a.id)
            .raw("\">")
            .cell("", &a.username)
            .cell("", &a.display_name)
            .cell("", &a.email)
            .raw("<td class=\"role\">")
            .text(&roster_core::domain::capitalise(&a.role))
            .raw("</td>")
            .raw(if a.disabled {
                "<td class=\"status\">Disabled</td>"
            } else {
                "<td class=\"status\">Active</td>"
            })
            .date_cell(a.created_at)
            .raw("<td class=\"row-actions\">");
        let status = if a.disabled {
            ("", "Enable")
        } else {
            ("on", "Disable")
        };
        // The role: a choice of the roles and its button.
        out.raw("<form method=\"post\" class=\"inline\" action=\"")
            .text(&urls::user_role(a.id))
            .raw("\" data-action=\"")
            .raw(crate::record::list::RowForm::Role.name())
            .raw("\" data-id=\"")
            .number(a.id)
            .raw("\">")
            .csrf_field(actor)
            .raw("<input type=\"hidden\" name=\"version\" value=\"")
            .number(a.version)
            .raw("\"><select name=\"role\" aria-label=\"Role of ")
            .text(&a.username)
            .raw("\">");
        let roles = leptos::prelude::use_context::<RoleChoices>()
            .map(|r| r.0)
            .unwrap_or_else(|| {
                std::sync::Arc::new(
                    roster_core::domain::BuiltinRole::ALL
                        .iter()
                        .map(|r| (r.id(), r.name().to_owned()))
                        .collect(),
                )
            });
        for (id, name) in roles.iter() {
            out.raw("<option value=\"")
                .number(*id)
                .raw(if *id == a.role_id {
                    "\" selected>"
                } else {
                    "\">"
                })
                .text(&roster_core::domain::capitalise(name))
                .raw("</option>");
        }
        out.raw(
            "</select> <button type=\"submit\" class=\"small secondary\" aria-label=\"Set role of ",
        )
        .text(&a.username)
        .raw("\">Set role</button></form>");
        let (on, label) = status;
        out.raw("<form method=\"post\" class=\"inline\" action=\"")
            .text(&urls::user_status(a.id))
            .raw("\" data-action=\"")
            .raw(crate::record::list::RowForm::Status.name())
            .raw("\" data-id=\"")
            .number(a.id)
            .raw("\">")
            .csrf_field(actor)
            .raw("<input type=\"hidden\" name=\"on\" value=\"")
            .raw(on)
            .raw("\"><input type=\"hidden\" name=\"version\" value=\"")
            .number(a.version)
            .raw("\"><button type=\"submit\" class=\"small secondary\" aria-label=\"")
            .raw(label)
            .raw(": ")
            .text(&a.username)
            .raw("\">")
            .raw(label)
            .raw("</button></form>");
        out.raw("</td></tr>");
    }
}

impl crate::row_bulk::RowBulk for AccountList {
    const ROUTE: urls::Pattern = urls::BULK_ACCOUNTS;
    type Path = ();

    fn scoped(_: &mut <Self as roster_core::domain::Listing>::Filter, _: &()) {}

    #[cfg(feature = "ssr")]
    fn href(a: &Account) -> String {
        roster_core::domain::list::with_query(&urls::users(), &[("q", a.username.clone())])
    }

    #[cfg(feature = "ssr")]
    fn note(a: &Account) -> String {
        let status = if a.disabled { "disabled" } else { "active" };
        format!("{} · {status}", a.role)
    }

    #[cfg(feature = "ssr")]
    async fn apply(
        ctx: &crate::service::Ctx,
        action: &roster_core::domain::bulk::BulkAction,
        ids: &[i64],
        mark: i64,
    ) -> Result<i64, roster_core::db::BulkError> {
        use roster_core::db::BulkError;
        use roster_core::domain::bulk::BulkAction;
        let disabled = match action {
            BulkAction::Set(field) if field == "disable" => true,
            BulkAction::Set(field) if field == "enable" => false,
            _ => return Err(BulkError::Refused("Accounts have no such action.".into())),
        };
        ctx.db.bulk_accounts(&ctx.by(), ids, disabled, mark).await
    }
}
