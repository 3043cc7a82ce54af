//! Accounts: who may use Roster. The rules here run in the browser (instant
//! feedback) and on the server (the rules that count), like the student ones.

use serde::{Deserialize, Serialize};

use super::{Email, FieldErrors, FormInput};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// 3 to 32 ASCII letters, digits, `_` or `-`. Unique ignoring case, so
/// "Ada" and "ada" cannot both exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("This field is required.".into());
        }
        let len = name.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
            return Err(format!(
                "Use {USERNAME_MIN} to {USERNAME_MAX} characters (this has {len})."
            ));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err("Use only letters, digits, _ and -.".into());
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: 10 to 128 characters, taken exactly (no trimming:
/// spaces are characters too). Its `Debug` never shows it, so it cannot leak
/// into a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("This field is required.".into());
        }
        let len = raw.chars().count();
        if len < PASSWORD_MIN {
            return Err(format!(
                "Use at least {PASSWORD_MIN} characters (this has {len})."
            ));
        }
        if len > PASSWORD_MAX {
            return Err(format!("Use at most {PASSWORD_MAX} characters."));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// The registration form as submitted, all strings.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm: String,
    /// Where to go once registered (a path on this site).
    #[serde(default)]
    pub next: String,
}

impl std::fmt::Debug for RegisterInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterInput")
            .field("username", &self.username)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A registration that passed every rule.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub email: Email,
    pub password: Password,
}

impl FormInput for RegisterInput {
    type Valid = NewAccount;

    fn parse(&self) -> Result<NewAccount, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = errors.take("username", Username::parse(&self.username));
        let email = errors.take("email", Email::parse(&self.email));
        let password = errors.take("password", Password::parse(&self.password));
        if password.is_some() && self.confirm != self.password {
            errors.add("confirm", "The two passwords differ.");
        }
        match (username, email, password) {
            (Some(username), Some(email), Some(password)) if errors.is_empty() => Ok(NewAccount {
                username,
                email,
                password,
            }),
            _ => Err(errors),
        }
    }
}

impl RegisterInput {
    /// The same input without the secrets, for showing the form again.
    pub fn without_passwords(&self) -> Self {
        Self {
            password: String::new(),
            confirm: String::new(),
            ..self.clone()
        }
    }
}

/// The sign-in form as submitted: a username or an email, and a password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

impl std::fmt::Debug for LoginInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginInput")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

/// A sign-in attempt worth checking against the database.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Trimmed; matched against usernames and emails ignoring case.
    pub login: String,
    pub password: String,
}

impl FormInput for LoginInput {
    type Valid = Credentials;

    /// Only emptiness and sheer size are checked: any other rule would tell
    /// an attacker something about which accounts exist.
    fn parse(&self) -> Result<Credentials, FieldErrors> {
        let mut errors = FieldErrors::new();
        let login = self.login.trim();
        if login.is_empty() {
            errors.add("login", "Enter your username or email.");
        } else if login.chars().count() > super::EMAIL_MAX.max(USERNAME_MAX) {
            errors.add("login", "No account has a name that long.");
        } else if login.chars().any(char::is_control) {
            // No username or email has one: this says nothing about accounts.
            errors.add("login", "No account has a name with control characters.");
        }
        if self.password.is_empty() {
            errors.add("password", "Enter your password.");
        } else if self.password.chars().count() > PASSWORD_MAX {
            errors.add(
                "password",
                format!("Passwords have at most {PASSWORD_MAX} characters."),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Credentials {
            login: login.to_owned(),
            password: self.password.clone(),
        })
    }
}

impl LoginInput {
    pub fn without_password(&self) -> Self {
        Self {
            password: String::new(),
            ..self.clone()
        }
    }
}

pub const DISPLAY_NAME_MAX: usize = 100;
pub type DisplayName = super::text::Line<DISPLAY_NAME_MAX>;
pub type JobTitle = super::text::Line<DISPLAY_NAME_MAX>;

/// The account details form (the one-to-one row beside each account).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsInput {
    pub display_name: String,
    pub job_title: String,
    pub phone: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDetails {
    pub display_name: DisplayName,
    pub job_title: Option<JobTitle>,
    pub phone: Option<super::Phone>,
}

impl FormInput for DetailsInput {
    type Valid = AccountDetails;

    fn parse(&self) -> Result<AccountDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let display_name = errors.take("display_name", DisplayName::parse(&self.display_name));
        let job_title = errors.take("job_title", JobTitle::parse_optional(&self.job_title));
        let phone = errors.take("phone", super::Phone::parse_optional(&self.phone));
        match (display_name, job_title, phone) {
            (Some(display_name), Some(job_title), Some(phone)) => Ok(AccountDetails {
                display_name,
                job_title,
                phone,
            }),
            _ => Err(errors),
        }
    }
}

/// A new email for one's account, confirmed with the current password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailInput {
    pub email: String,
    pub current: String,
}

impl std::fmt::Debug for EmailInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailInput")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl FormInput for EmailInput {
    type Valid = (Email, String);

    fn parse(&self) -> Result<(Email, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.take("email", Email::parse(&self.email));
        if self.current.is_empty() {
            errors.add("current", "Enter your current password.");
        }
        match email {
            Some(email) if errors.is_empty() => Ok((email, self.current.clone())),
            _ => Err(errors),
        }
    }
}

impl EmailInput {
    pub fn without_password(&self) -> Self {
        Self {
            current: String::new(),
            ..self.clone()
        }
    }
}

/// A new password: the current one, and the new one twice.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordInput {
    pub current: String,
    pub password: String,
    pub confirm: String,
}

impl std::fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordInput(…)")
    }
}

/// A password change that may be checked against the stored hash.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub current: String,
    pub new: Password,
}

impl FormInput for PasswordInput {
    type Valid = PasswordChange;

    fn parse(&self) -> Result<PasswordChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current.is_empty() {
            errors.add("current", "Enter your current password.");
        }
        let new = errors.take("password", Password::parse(&self.password));
        if new.is_some() && self.confirm != self.password {
            errors.add("confirm", "The two passwords differ.");
        }
        match new {
            Some(new) if errors.is_empty() => Ok(PasswordChange {
                current: self.current.clone(),
                new,
            }),
            _ => Err(errors),
        }
    }
}

/// An account as its owner (the account page) and administrators (the
/// accounts list) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub is_admin: bool,
    /// The account's role: its id and name.
    pub role_id: i64,
    pub role: String,
    pub disabled: bool,
    pub created_at: super::Timestamp,
    /// The account's own version (role, status, email).
    pub version: i64,
    /// The details row's version.
    pub details_version: i64,
}

impl Account {
    pub fn details_input(&self) -> DetailsInput {
        DetailsInput {
            display_name: self.display_name.clone(),
            job_title: self.job_title.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            version: self.details_version.to_string(),
        }
    }
}

/// A change an administrator makes to an account: its role (`role`, a
/// role's id) or whether it may sign in (`on`: disable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountFlagInput {
    pub on: String,
    pub role: String,
    pub version: String,
}

/// [`AccountFlagInput`] read: disable or not, the role chosen (if any),
/// the version the page showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFlags {
    pub on: bool,
    pub role: Option<i64>,
    pub version: i64,
}

impl FormInput for AccountFlagInput {
    type Valid = AccountFlags;

    fn parse(&self) -> Result<AccountFlags, FieldErrors> {
        let version =
            super::parse_version(&self.version).map_err(|e| FieldErrors::single("version", e))?;
        let role = match self.role.trim() {
            "" => None,
            id => Some(
                id.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| FieldErrors::single("role", "Choose one of the roles."))?,
            ),
        };
        Ok(AccountFlags {
            on: matches!(self.on.as_str(), "on" | "true" | "1"),
            role,
            version,
        })
    }
}

crate::sort_keys! {
    /// How the accounts list is ordered.
    pub enum AccountSort {
        NameAsc => ("name", "Username A–Z"),
        NameDesc => ("-name", "Username Z–A"),
        Newest => ("-created", "Newest first"),
        Oldest => ("created", "Oldest first"),
    }
}

/// `/users/`, for administrators.
pub struct AccountList;

/// The accounts' filters: role, and whether they may sign in.
const ACCOUNT_FACETS: &[super::list::Facet] = &[
    super::list::Facet {
        param: "role",
        label: "Role",
        // The roles are the administrators' own (`/roles/`): each one held
        // is a choice.
        choices: &[],
    },
    super::list::Facet {
        param: "status",
        label: "Status",
        choices: &[("active", "Active"), ("disabled", "Disabled")],
    },
];

/// The accounts chosen by role and status (see [`AccountList`]'s facets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFilter {
    pub role: Option<String>,
    pub status: Option<String>,
}

impl super::ListFilter for AccountFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        AccountFilter {
            role: get(ACCOUNT_FACETS[0].param)
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
            status: ACCOUNT_FACETS[1].chosen(get).map(str::to_owned),
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(role) = &self.role {
            params.push(("role", role.clone()));
        }
        if let Some(status) = &self.status {
            params.push(("status", status.clone()));
        }
        params
    }
}

impl super::Listing for AccountList {
    type Sort = AccountSort;
    type Filter = AccountFilter;
    const KIND: super::Kind = super::Kind::Account;
    const DATED: bool = true;
    const FACETS: &'static [super::list::Facet] = ACCOUNT_FACETS;

    fn base(_: &AccountFilter) -> String {
        super::urls::users()
    }
}

/// The signed-in user, as every page and server function sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    /// How the account is shown (the nav, comments); its details row.
    pub display_name: String,
    pub is_admin: bool,
    /// For administrators: contact messages nobody has read yet.
    #[serde(default)]
    pub unread: i64,
    /// The account's role, by name ("clerk").
    #[serde(default)]
    pub role: String,
    /// What the role allows, read with the session on every request (so a
    /// changed role counts from the account's next request).
    #[serde(default)]
    pub grants: crate::domain::Grants,
}

impl CurrentUser {
    /// May this account do `op` with records of `kind`?
    pub fn may(&self, kind: crate::domain::Kind, op: crate::domain::Op) -> bool {
        self.grants.may(kind, op)
    }
}

/// Where to go after signing in: a path on this site, or `/`. Anything that
/// could lead elsewhere (`//evil.example`, `https://…`, `/\evil`) is refused,
/// so the login form cannot be used as an open redirect.
pub fn safe_next(next: &str) -> String {
    let next = next.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2000;
    let auth_page = ["/login", "/register", "/logout"]
        .iter()
        .any(|p| next.starts_with(p));
    if local && !auth_page {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("ada").is_ok());
        assert!(Username::parse("Ada_Lovelace-1815").is_ok());
        assert_eq!(Username::parse("  ada  ").unwrap().as_str(), "ada");
        assert!(Username::parse("ab").unwrap_err().contains("3 to 32"));
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse("ada lovelace")
            .unwrap_err()
            .contains("only"));
        assert!(Username::parse("adä").is_err());
        assert!(Username::parse("").unwrap_err().contains("required"));
    }

    #[test]
    fn passwords() {
        assert!(Password::parse("short")
            .unwrap_err()
            .contains("at least 10"));
        assert!(Password::parse("0123456789").is_ok());
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        // Characters, not bytes.
        assert!(Password::parse(&"é".repeat(10)).is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("hunter2hunter2").unwrap()),
            "Password(…)"
        );
    }

    #[test]
    fn registration_collects_every_problem() {
        let input = RegisterInput {
            username: "a".into(),
            email: "nope".into(),
            password: "0123456789".into(),
            confirm: "0123456788".into(),
            next: String::new(),
        };
        let errors = input.parse().unwrap_err();
        assert!(errors.get("username").is_some());
        assert!(errors.get("email").is_some());
        assert_eq!(errors.get("confirm"), Some("The two passwords differ."));
        let ok = RegisterInput {
            username: "ada".into(),
            email: "ada@example.com".into(),
            password: "correct horse".into(),
            confirm: "correct horse".into(),
            next: String::new(),
        };
        assert!(ok.parse().is_ok());
        assert!(!format!("{ok:?}").contains("horse"));
        assert_eq!(ok.without_passwords().password, "");
    }

    #[test]
    fn login_checks_only_presence() {
        let errors = LoginInput::default().parse().unwrap_err();
        assert!(errors.get("login").is_some() && errors.get("password").is_some());
        let input = LoginInput {
            login: " ada ".into(),
            password: "x".into(),
            next: String::new(),
        };
        assert_eq!(input.parse().unwrap().login, "ada");
        assert!(!format!("{input:?}").contains("\"x\""));
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/12/edit/?a=1"), "/12/edit/?a=1");
        assert_eq!(safe_next(""), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/login/?next=/"), "/");
        assert_eq!(safe_next("javascript:alert(1)"), "/");
    }
}
