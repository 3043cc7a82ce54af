//! Queries on `users`, their details and `settings` (sessions and failed
//! sign-ins are in `sessions.rs`).
//!
//! This module stores what it is given: password hashes, hashed session ids
//! and times in Unix seconds come from the caller (`roster_app::service`),
//! which owns the cryptography and the clock.

use super::export::{Cell, Column, Exported};
use super::history::{self, By};
use super::list::{bind_args, Arg};
use super::{write_tx, Backend, Db, DbError, Listed, SerialiseRule};
use crate::domain::{
    Account, AccountDetails, AccountList, AccountSort, Action, BuiltinRole, CurrentUser, Grants,
    Kind,
};

/// How an account comes to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountOrigin {
    /// Someone filled in `/register/`. Allowed while registration is open;
    /// `forced_open` is the operator's `ROSTER_OPEN_REGISTRATION`, which
    /// overrides the administrators' setting when present.
    Registration { forced_open: Option<bool> },
    /// `roster user create` on the server's command line: always allowed.
    Command { admin: bool },
}

/// A new account, its password already hashed.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
}

pub const OPEN_REGISTRATION: &str = "open_registration";
/// The school's name, printed on transcripts (none: not set).
pub const SCHOOL_NAME: &str = "school_name";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct UserRow {
    id: i64,
    username: String,
    is_admin: bool,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct LoginRow {
    id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    disabled: bool,
    password_hash: String,
    role: String,
    grants: String,
}

/// An account found for a sign-in: who it is, whether it may sign in, and
/// the hash to check the password against.
#[derive(Clone, Debug)]
pub struct LoginRecord {
    pub user: CurrentUser,
    pub disabled: bool,
    pub password_hash: String,
}

/// Reads the open-registration setting; unset means open.
fn setting_is_open(value: Option<&str>) -> bool {
    value != Some("false")
}

impl Db {
    /// Creates an account. The first account of all is an administrator. The
    /// checks (is registration open, are the name and email free) and the
    /// insert share one write transaction; the unique indexes remain the final
    /// word should two instances race.
    pub async fn create_user(
        &self,
        by: &By,
        new: &NewUser<'_>,
        origin: AccountOrigin,
    ) -> Result<CurrentUser, DbError> {
        let row = write_tx!(self, tx => {
            tx.serialise("first account").await?;
            let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(&mut *tx)
                .await?;
            let admin = match origin {
                AccountOrigin::Command { admin } => admin || users == 0,
                AccountOrigin::Registration { forced_open } => {
                    let open = match forced_open {
                        Some(open) => open,
                        None => {
                            let value: Option<String> =
                                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                                    .bind(OPEN_REGISTRATION)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                            setting_is_open(value.as_deref())
                        }
                    };
                    if !open {
                        return Err(DbError::RegistrationClosed);
                    }
                    users == 0
                }
            };
            let taken: Option<(bool, bool)> = sqlx::query_as(
                "SELECT lower(username) = lower($1), lower(email) = lower($2) FROM users \
                 WHERE lower(username) = lower($1) OR lower(email) = lower($2) LIMIT 1",
            )
            .bind(new.username)
            .bind(new.email)
            .fetch_optional(&mut *tx)
            .await?;
            match taken {
                Some((true, _)) => return Err(DbError::Constraint("users_username_key".into())),
                Some((false, _)) => return Err(DbError::Constraint("users_email_key".into())),
                None => {}
            }
            // A registration gets the role the settings choose (a viewer
            // unless they say otherwise); an operator's account is a clerk.
            let builtin = |r: BuiltinRole| (r.id(), r.name().to_owned(), r.grants());
            let role: (i64, String, Grants) = match (admin, origin) {
                (true, _) => builtin(BuiltinRole::Administrator),
                (false, AccountOrigin::Command { .. }) => builtin(BuiltinRole::Clerk),
                (false, AccountOrigin::Registration { .. }) => {
                    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                        .bind(super::roles::REGISTRATION_ROLE)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let id = super::roles::registration_role_of(value.as_deref());
                    let row: Option<(i64, String, String)> =
                        sqlx::query_as("SELECT id, name, grants FROM roles WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    match row {
                        Some((id, name, grants)) => (id, name, Grants::from_text(&grants)),
                        None => builtin(super::roles::DEFAULT_REGISTRATION_ROLE),
                    }
                }
            };
            let row: UserRow = sqlx::query_as(
                "INSERT INTO users (username, email, password_hash, is_admin, role_id) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id, username, is_admin",
            )
            .bind(new.username)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(admin)
            .bind(role.0)
            .fetch_one(&mut *tx)
            .await?;
            // The one-to-one details row comes with every account.
            sqlx::query("INSERT INTO user_details (user_id, display_name) VALUES ($1, $2)")
                .bind(row.id)
                .bind(&row.username)
                .execute(&mut *tx)
                .await?;
            let changes = [
                history::change("username", "", new.username),
                history::change("email", "", new.email),
                history::change("role", "", &role.1),
            ];
            // Who registers is the account they make.
            let by = match (by.account, origin) {
                (None, AccountOrigin::Registration { .. }) => By { account: Some(row.id), ..by.clone() },
                _ => by.clone(),
            };
            let entry = history::entry(&by, Action::Created, Kind::Account, row.id, &row.username, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            (row, role)
        })?;
        let (row, role) = row;
        Ok(CurrentUser {
            id: row.id,
            display_name: row.username.clone(),
            username: row.username,
            is_admin: row.is_admin,
            unread: 0,
            role: role.1,
            grants: role.2,
        })
    }

    /// The account a username or email (either, ignoring case) names, with
    /// its password hash.
    pub async fn find_login(&self, login: &str) -> Result<Option<LoginRecord>, DbError> {
        // No username or email holds a control character (and PostgreSQL
        // refuses a NUL in any string it is sent).
        if login.chars().any(char::is_control) {
            return Ok(None);
        }
        let row: Option<LoginRow> = self
            .first_as(
                "SELECT u.id, u.username, d.display_name, u.is_admin, u.disabled, u.password_hash, \
                 r.name AS role, r.grants \
                 FROM users u JOIN user_details d ON d.user_id = u.id JOIN roles r ON r.id = u.role_id \
                 WHERE lower(u.username) = lower($1) OR lower(u.email) = lower($1) \
                 ORDER BY u.id LIMIT 1"
                    .into(),
                vec![Arg::Text(login.into())],
            )
            .await?;
        Ok(row.map(|r| LoginRecord {
            user: CurrentUser {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                is_admin: r.is_admin,
                unread: 0,
                role: r.role,
                grants: Grants::from_text(&r.grants),
            },
            disabled: r.disabled,
            password_hash: r.password_hash,
        }))
    }

    /// The stored password hash of `user_id`, for tests and audits.
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>, DbError> {
        let row: Option<(String,)> = self
            .first_as(
                "SELECT password_hash FROM users WHERE id = $1".into(),
                vec![Arg::Int(user_id)],
            )
            .await?;
        Ok(row.map(|(hash,)| hash))
    }

    pub async fn count_users(&self) -> Result<i64, DbError> {
        let row: Option<(i64,)> = self
            .first_as("SELECT COUNT(*) FROM users".into(), vec![])
            .await?;
        Ok(row.map_or(0, |(n,)| n))
    }

    /// Whether the administrators left registration open (the default).
    pub async fn registration_open(&self) -> Result<bool, DbError> {
        let value = self.setting(OPEN_REGISTRATION).await?;
        Ok(setting_is_open(value.as_deref()))
    }

    /// A site setting's value, if it was ever set.
    async fn setting(&self, key: &str) -> Result<Option<String>, DbError> {
        let value: Option<(String,)> = self
            .first_as(
                "SELECT value FROM settings WHERE key = $1".into(),
                vec![Arg::Text(key.into())],
            )
            .await?;
        Ok(value.map(|(v,)| v))
    }

    /// The school's name as the settings give it.
    pub async fn school_name(&self) -> Result<Option<String>, DbError> {
        Ok(self.setting(SCHOOL_NAME).await?.filter(|v| !v.is_empty()))
    }

    /// Names the school (`None`: no name), with a history entry when it
    /// changes.
    pub async fn set_school_name(&self, by: &By, name: Option<&str>) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Setting, crate::domain::Op::Change)?;
        let value = name.unwrap_or("");
        write_tx!(self, tx => {
            let was: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(SCHOOL_NAME)
                .fetch_optional(&mut *tx)
                .await?;
            let was = was.unwrap_or_default();
            if was != value {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(SCHOOL_NAME)
                .bind(value)
                .execute(&mut *tx)
                .await?;
                let change = history::change("school", was, value);
                let entry = history::entry(by, Action::Edited, Kind::Setting, 0, "School name", &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }

    pub async fn set_registration_open(&self, by: &By, open: bool) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Setting, crate::domain::Op::Change)?;
        let value = if open { "true" } else { "false" };
        write_tx!(self, tx => {
            let was: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(OPEN_REGISTRATION)
                .fetch_optional(&mut *tx)
                .await?;
            let was = setting_is_open(was.as_deref());
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(OPEN_REGISTRATION)
            .bind(value)
            .execute(&mut *tx)
            .await?;
            if was != open {
                let change = history::change("open", history::yes_no(was), history::yes_no(open));
                let entry = history::entry(by, Action::Edited, Kind::Setting, 0, "Registration", &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }
}

impl Listed for AccountList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("u.created_at"));
    const KEY: &'static str = "u.id";
    type Row = Account;
    const SELECT: &'static str = "u.id, u.username, u.email, d.display_name, d.job_title, \
         d.phone, u.is_admin, u.role_id, r.name AS role, u.disabled, u.created_at, u.version, \
         d.version AS details_version";
    const FROM: &'static str =
        "users u JOIN user_details d ON d.user_id = u.id JOIN roles r ON r.id = u.role_id";
    const SEARCH: &'static [&'static str] = &["u.username", "u.email", "d.display_name"];
    const FACET_SQL: &'static [super::FacetSql] = &[
        super::FacetSql {
            param: "role",
            key: "r.name",
            shown: "r.name",
        },
        super::FacetSql {
            param: "status",
            key: "CASE WHEN u.disabled THEN 'disabled' ELSE 'active' END",
            shown: "CASE WHEN u.disabled THEN 'disabled' ELSE 'active' END",
        },
    ];

    fn order(sort: AccountSort, _: Backend) -> &'static str {
        match sort {
            AccountSort::NameAsc => "lower(u.username) ASC",
            AccountSort::NameDesc => "lower(u.username) DESC",
            AccountSort::Newest => "u.id DESC",
            AccountSort::Oldest => "u.id ASC",
        }
    }

    fn filter(filter: &crate::domain::AccountFilter, sql: &mut super::ListSql) {
        if let Some(role) = &filter.role {
            sql.filter("lower(r.name) = lower(?)", Arg::Text(role.clone()));
        }
        match filter.status.as_deref() {
            Some("disabled") => sql.condition("u.disabled"),
            Some("active") => sql.condition("NOT u.disabled"),
            _ => {}
        }
    }
}

/// Never a password hash: the columns are named one by one.
impl Exported for AccountList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "u.id"),
        Column::text("username", "u.username"),
        Column::text("email", "u.email"),
        Column::text("display_name", "d.display_name"),
        Column::text("job_title", "d.job_title"),
        Column::text("phone", "d.phone"),
        Column::new("admin", "u.is_admin", Cell::Flag),
        Column::text("role", "r.name"),
        Column::new("disabled", "u.disabled", Cell::Flag),
        Column::new("created_at", "u.created_at", Cell::Time),
    ];
}

impl Db {
    pub async fn get_account(&self, id: i64) -> Result<Option<Account>, DbError> {
        let (select, from) = (AccountList::SELECT, AccountList::FROM);
        let sql = format!("SELECT {select} FROM {from} WHERE u.id = $1");
        self.first_as(sql, vec![Arg::Int(id)]).await
    }

    /// An account's id by its username (ignoring case), for the command line.
    pub async fn user_id(&self, username: &str) -> Result<Option<i64>, DbError> {
        let row: Option<(i64,)> = self
            .first_as(
                "SELECT id FROM users WHERE lower(username) = lower($1)".into(),
                vec![Arg::Text(username.into())],
            )
            .await?;
        Ok(row.map(|(id,)| id))
    }

    /// Saves an account's details row if it is still at `version`.
    pub async fn update_details(
        &self,
        by: &By,
        user: i64,
        version: i64,
        details: &AccountDetails,
    ) -> Result<Account, DbError> {
        by.require_self(user)?;
        let read = format!(
            "SELECT {} FROM {} WHERE u.id = $1",
            AccountList::SELECT,
            AccountList::FROM
        );
        write_tx!(self, tx => {
            let before = sqlx::query_as::<_, Account>(&read).bind(user).fetch_optional(&mut *tx).await?;
            let done = sqlx::query(
                "UPDATE user_details SET display_name = $1, job_title = $2, phone = $3, \
                 version = version + 1 WHERE user_id = $4 AND version = $5",
            )
            .bind(details.display_name.as_str())
            .bind(details.job_title.as_ref().map(|t| t.as_str()))
            .bind(details.phone.as_ref().map(|p| p.as_str()))
            .bind(user)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT user_id FROM user_details WHERE user_id = $1")
                        .bind(user)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match found {
                    Some(_) => DbError::Stale,
                    None => DbError::NotFound(Kind::Account),
                });
            }
            if let Some(was) = before {
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                let now = [
                    ("display_name", was.display_name.clone(), details.display_name.as_str().to_owned()),
                    ("job_title", opt(&was.job_title), details.job_title.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default()),
                    ("phone", opt(&was.phone), details.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default()),
                ];
                let changes: Vec<_> = now
                    .into_iter()
                    .filter(|(_, was, now)| was != now)
                    .map(|(field, was, now)| history::change(field, was, now))
                    .collect();
                let entry = history::entry(by, Action::Edited, Kind::Account, user, &was.username, &changes);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })?;
        self.get_account(user)
            .await?
            .ok_or(DbError::NotFound(Kind::Account))
    }

    /// A new email for an account (unique ignoring case, like at
    /// registration).
    pub async fn change_email(&self, by: &By, user: i64, email: &str) -> Result<(), DbError> {
        by.require_self(user)?;
        write_tx!(self, tx => {
            let before: Option<(String, String)> =
                sqlx::query_as("SELECT username, email FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((username, was)) = before else {
                return Err(DbError::NotFound(Kind::Account));
            };
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = lower($1) AND id <> $2")
                    .bind(email)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(DbError::Constraint("users_email_key".into()));
            }
            sqlx::query("UPDATE users SET email = $1, version = version + 1 WHERE id = $2")
                .bind(email)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            let changes = [history::change("email", was, email)];
            let entry = history::entry(by, Action::Edited, Kind::Account, user, &username, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
        })
    }

    /// Stores a new password hash; every session of the account but
    /// `keep` (the hash of the session making the change) ends with it.
    pub async fn set_password(
        &self,
        by: &By,
        user: i64,
        hash: &str,
        keep: Option<&str>,
    ) -> Result<u64, DbError> {
        by.require_self(user)?;
        write_tx!(self, tx => {
            let username: Option<String> = sqlx::query_scalar(
                "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2 \
                 RETURNING username",
            )
            .bind(hash)
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(username) = username else {
                return Err(DbError::NotFound(Kind::Account));
            };
            // The fact, never the password or its hash.
            let entry = history::entry(by, Action::PasswordChanged, Kind::Account, user, &username, &[]);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                .bind(user)
                .bind(keep.unwrap_or(""))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            ended
        })
    }

    /// Gives an account a role (`role`, by id), or disables it or not
    /// (`disabled`), if it is still at `version` (`None`: whatever its
    /// version, for the command line). Never leaves Roster without an active
    /// administrator (`LastAdmin`). A disabled account's sessions end at
    /// once; a new role counts from the account's next request.
    pub async fn set_account_flags(
        &self,
        by: &By,
        user: i64,
        version: Option<i64>,
        role: Option<i64>,
        disabled: Option<bool>,
    ) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Account, crate::domain::Op::Change)?;
        write_tx!(self, tx => {
            tx.serialise("active administrators").await?;
            let current: Option<(bool, bool, i64, String, i64, String)> = sqlx::query_as(
                "SELECT u.is_admin, u.disabled, u.version, u.username, u.role_id, r.name \
                 FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1",
            )
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((is_admin, is_disabled, current_version, username, role_was, role_name_was)) = current else {
                return Err(DbError::NotFound(Kind::Account));
            };
            if version.is_some_and(|v| v != current_version) {
                return Err(DbError::Stale);
            }
            let role = role.unwrap_or(role_was);
            let role_name: Option<String> = sqlx::query_scalar("SELECT name FROM roles WHERE id = $1")
                .bind(role)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(role_name) = role_name else {
                return Err(DbError::Constraint("users_role_id_fkey".into()));
            };
            let admin = role == BuiltinRole::Administrator.id();
            let disabled = disabled.unwrap_or(is_disabled);
            let stays_active_admin = admin && !disabled;
            if is_admin && !is_disabled && !stays_active_admin {
                let others: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE is_admin AND NOT disabled AND id <> $1",
                )
                .bind(user)
                .fetch_one(&mut *tx)
                .await?;
                if others == 0 {
                    return Err(DbError::LastAdmin);
                }
            }
            sqlx::query(
                "UPDATE users SET is_admin = $1, role_id = $2, disabled = $3, version = version + 1 \
                 WHERE id = $4",
            )
            .bind(admin)
            .bind(role)
            .bind(disabled)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            let mut changes = Vec::new();
            if role != role_was {
                changes.push(history::change("role", role_name_was, role_name));
            }
            if disabled != is_disabled {
                changes.push(history::change("disabled", history::yes_no(is_disabled), history::yes_no(disabled)));
            }
            let entry = history::entry(by, Action::Edited, Kind::Account, user, &username, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
        })
    }
}
