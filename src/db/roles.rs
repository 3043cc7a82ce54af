//! Queries on `roles` (what each role may do, edited on `/roles/`), the
//! role new accounts get, and `course_teachers` (who teaches a course).
//! Every write is an administrator's (roles) or needs the course's change
//! grant (teachers), checked here, and writes its history entry in the same
//! transaction.

use serde::Deserialize;

use super::history::{self, By};
use super::list::{bind_args, Arg};
use super::{write_tx, Db, DbError};
use crate::domain::{Action, BuiltinRole, Grants, Kind, Op, RoleRow, Teacher, MATRIX_KINDS};

/// The settings key of the role self-registered accounts get.
pub(crate) const REGISTRATION_ROLE: &str = "registration_role";

/// Self-registered accounts look and do nothing else until an
/// administrator says otherwise.
pub(crate) const DEFAULT_REGISTRATION_ROLE: BuiltinRole = BuiltinRole::Viewer;

/// The history entry's changes between two grants: one line per
/// permission that changed ("pet.delete: no → yes").
fn grant_changes(was: Grants, now: Grants) -> Vec<crate::domain::Change> {
    let mut changes = Vec::new();
    if was.teaches() != now.teaches() {
        changes.push(history::change(
            "teach",
            history::yes_no(was.teaches()),
            history::yes_no(now.teaches()),
        ));
    }
    for kind in MATRIX_KINDS {
        for op in Op::ALL {
            let (a, b) = (was.may(kind, op), now.may(kind, op));
            if a != b {
                changes.push(history::change(
                    &format!("{}.{}", kind.noun(), op.as_str()),
                    history::yes_no(a),
                    history::yes_no(b),
                ));
            }
        }
    }
    changes
}

/// The role a registration setting names: a role that exists, never the
/// administrator (anyone may register).
pub(crate) fn registration_role_of(value: Option<&str>) -> i64 {
    value
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|id| *id != BuiltinRole::Administrator.id())
        .unwrap_or(DEFAULT_REGISTRATION_ROLE.id())
}

impl Db {
    /// Every role with how many accounts hold it, built-in ones first.
    pub async fn roles(&self) -> Result<Vec<RoleRow>, DbError> {
        #[derive(Deserialize, sqlx::FromRow)]
        struct Row {
            id: i64,
            name: String,
            grants: String,
            builtin: bool,
            version: i64,
            accounts: i64,
        }
        let rows: Vec<Row> = self
            .all_as(
                "SELECT r.id, r.name, r.grants, r.builtin, r.version, \
                 (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id) AS accounts \
                 FROM roles r ORDER BY r.builtin DESC, r.id"
                    .into(),
                Vec::new(),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| RoleRow {
                id: r.id,
                name: r.name,
                grants: Grants::from_text(&r.grants),
                builtin: r.builtin,
                version: r.version,
                accounts: r.accounts,
            })
            .collect())
    }

    /// Sets what role `id` may do, if it is still at `version`. The
    /// administrator's role is everything and stays so.
    pub async fn save_role(
        &self,
        by: &By,
        id: i64,
        version: i64,
        grants: Grants,
    ) -> Result<(), DbError> {
        by.require(Kind::Role, Op::Change)?;
        if id == BuiltinRole::Administrator.id() {
            return Err(DbError::Refused(
                "The administrator's role is everything; it cannot be narrowed.".into(),
            ));
        }
        // Only the matrix and `teach`: never `admin` from a form.
        let grants = grants.matrix_only();
        write_tx!(self, tx => {
            let current: Option<(String, String, i64)> =
                sqlx::query_as("SELECT name, grants, version FROM roles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((name, was, current_version)) = current else {
                return Err(DbError::NotFound(Kind::Role));
            };
            if current_version != version {
                return Err(DbError::Stale);
            }
            let was = Grants::from_text(&was);
            let changes = grant_changes(was, grants);
            if !changes.is_empty() {
                sqlx::query("UPDATE roles SET grants = $1, version = version + 1 WHERE id = $2")
                    .bind(grants.to_text())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let entry = history::entry(by, Action::Edited, Kind::Role, id, &name, &changes);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }

    /// Adds a role named `name` that may do what `grants` say. Answers its id.
    pub async fn create_role(&self, by: &By, name: &str, grants: Grants) -> Result<i64, DbError> {
        by.require(Kind::Role, Op::Add)?;
        let grants = grants.matrix_only();
        write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO roles (name, grants) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(grants.to_text())
            .fetch_one(&mut *tx)
            .await?;
            let mut changes = vec![history::change("name", "", name)];
            changes.extend(grant_changes(Grants::NONE, grants));
            let entry = history::entry(by, Action::Created, Kind::Role, id, name, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            id
        })
    }

    /// Deletes a role of the administrators' own that no account holds.
    pub async fn delete_role(&self, by: &By, id: i64, version: i64) -> Result<(), DbError> {
        by.require(Kind::Role, Op::Delete)?;
        write_tx!(self, tx => {
            let current: Option<(String, bool, i64)> =
                sqlx::query_as("SELECT name, builtin, version FROM roles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((name, builtin, current_version)) = current else {
                return Err(DbError::NotFound(Kind::Role));
            };
            if builtin {
                return Err(DbError::Refused(
                    "A built-in role cannot be deleted.".into(),
                ));
            }
            if current_version != version {
                return Err(DbError::Stale);
            }
            let holders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if holders > 0 {
                return Err(DbError::InUse { children: Kind::Account, count: holders });
            }
            let registration: Option<String> =
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(REGISTRATION_ROLE)
                    .fetch_optional(&mut *tx)
                    .await?;
            if registration_role_of(registration.as_deref()) == id {
                return Err(DbError::Refused(
                    "New accounts get this role (see Settings); choose another there first.".into(),
                ));
            }
            sqlx::query("DELETE FROM roles WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let changes = [history::change("name", &name, "")];
            let entry = history::entry(by, Action::Deleted, Kind::Role, id, &name, &changes);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
        })
    }

    /// The role self-registered accounts get (viewer unless the settings
    /// chose another).
    pub async fn registration_role(&self) -> Result<i64, DbError> {
        let value: Option<(String,)> = self
            .first_as(
                "SELECT value FROM settings WHERE key = $1".into(),
                vec![Arg::Text(REGISTRATION_ROLE.into())],
            )
            .await?;
        Ok(registration_role_of(value.as_ref().map(|(v,)| v.as_str())))
    }

    /// Chooses the role self-registered accounts get; never the
    /// administrator's.
    pub async fn set_registration_role(&self, by: &By, role: i64) -> Result<(), DbError> {
        by.require(Kind::Setting, Op::Change)?;
        if role == BuiltinRole::Administrator.id() {
            return Err(DbError::Refused(
                "Anyone may register: new accounts cannot be administrators.".into(),
            ));
        }
        write_tx!(self, tx => {
            let was: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(REGISTRATION_ROLE)
                .fetch_optional(&mut *tx)
                .await?;
            let was = registration_role_of(was.as_deref());
            let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM roles WHERE id IN ($1, $2)")
                .bind(was)
                .bind(role)
                .fetch_all(&mut *tx)
                .await?;
            let name_of = |id: i64| names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone());
            let Some(now_name) = name_of(role) else {
                return Err(DbError::Constraint("users_role_id_fkey".into()));
            };
            if was != role {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(REGISTRATION_ROLE)
                .bind(role.to_string())
                .execute(&mut *tx)
                .await?;
                let change = history::change("role", name_of(was).unwrap_or_default(), now_name);
                let entry = history::entry(by, Action::Edited, Kind::Setting, 0, "New accounts' role", &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }

    /// Course `course`'s teachers, by name.
    pub async fn course_teachers(&self, course: i64) -> Result<Vec<Teacher>, DbError> {
        self.all_as(
            "SELECT u.id, u.username, d.display_name FROM course_teachers t \
             JOIN users u ON u.id = t.user_id JOIN user_details d ON d.user_id = u.id \
             WHERE t.course_id = $1 ORDER BY lower(d.display_name), u.id"
                .into(),
            vec![Arg::Int(course)],
        )
        .await
    }

    /// Does account `user` teach course `course`?
    pub async fn teaches(&self, user: i64, course: i64) -> Result<bool, DbError> {
        let found: Option<(i64,)> = self
            .first_as(
                "SELECT user_id FROM course_teachers WHERE course_id = $1 AND user_id = $2".into(),
                vec![Arg::Int(course), Arg::Int(user)],
            )
            .await?;
        Ok(found.is_some())
    }

    /// Accounts that may be assigned to teach: every active one whose
    /// username or display name holds `search`, at most `limit`.
    pub async fn teacher_choices(&self, search: &str, limit: i64) -> Result<Vec<Teacher>, DbError> {
        let pattern = super::list::like_pattern(search);
        self.all_as(
            "SELECT u.id, u.username, d.display_name FROM users u \
             JOIN user_details d ON d.user_id = u.id \
             WHERE NOT u.disabled AND (lower(u.username) LIKE $1 ESCAPE '\\' \
             OR lower(d.display_name) LIKE $1 ESCAPE '\\') \
             ORDER BY lower(d.display_name), u.id LIMIT $2"
                .into(),
            vec![Arg::Text(pattern), Arg::Int(limit)],
        )
        .await
    }

    /// Assigns account `user` to teach course `course` (`assign`), or takes
    /// them off it, with a history entry on the course.
    pub async fn set_teacher(
        &self,
        by: &By,
        course: i64,
        user: i64,
        assign: bool,
    ) -> Result<(), DbError> {
        by.require(Kind::Course, Op::Change)?;
        write_tx!(self, tx => {
            let title: Option<(String, String)> =
                sqlx::query_as("SELECT code, title FROM courses WHERE id = $1")
                    .bind(course)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((code, title)) = title else {
                return Err(DbError::NotFound(Kind::Course));
            };
            let account: Option<(String, bool)> =
                sqlx::query_as("SELECT username, disabled FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((username, disabled)) = account else {
                return Err(DbError::NotFound(Kind::Account));
            };
            let changed = if assign {
                if disabled {
                    return Err(DbError::Refused(format!("{username}'s account is disabled.")));
                }
                sqlx::query(
                    "INSERT INTO course_teachers (course_id, user_id) VALUES ($1, $2) \
                     ON CONFLICT (course_id, user_id) DO NOTHING",
                )
                .bind(course)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                sqlx::query("DELETE FROM course_teachers WHERE course_id = $1 AND user_id = $2")
                    .bind(course)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            if changed > 0 {
                let change = if assign {
                    history::change("teacher", "", &username)
                } else {
                    history::change("teacher", &username, "")
                };
                let name = format!("{code} {title}");
                let entry = history::entry(by, Action::Edited, Kind::Course, course, &name, &[change]);
                bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            }
        })
    }
}

/// Whether account `user` teaches the course of enrolment `enrolment` (or
/// course `course`), read inside the write's transaction `$tx`.
macro_rules! teaches {
    ($tx:expr, course = $course:expr, user = $user:expr) => {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM course_teachers WHERE course_id = $1 AND user_id = $2",
        )
        .bind($course)
        .bind($user)
        .fetch_one(&mut *$tx)
        .await
        .map(|n| n > 0)
    };
    ($tx:expr, enrolment = $enrolment:expr, user = $user:expr) => {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM enrolments e JOIN course_teachers t ON t.course_id = e.course_id \
             WHERE e.id = $1 AND t.user_id = $2",
        )
        .bind($enrolment)
        .bind($user)
        .fetch_one(&mut *$tx)
        .await
        .map(|n| n > 0)
    };
}
pub(crate) use teaches;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_setting_never_names_the_administrator() {
        assert_eq!(registration_role_of(None), BuiltinRole::Viewer.id());
        assert_eq!(registration_role_of(Some("2")), 2);
        assert_eq!(registration_role_of(Some("1")), BuiltinRole::Viewer.id());
        assert_eq!(registration_role_of(Some("x")), BuiltinRole::Viewer.id());
    }

    #[test]
    fn a_role_change_lists_each_permission_that_changed() {
        let was = Grants::viewer();
        let now = was
            .with(Kind::Pet, Op::Delete)
            .without(Kind::Comment, Op::View);
        let changes = grant_changes(was, now);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["pet.delete", "comment.view"]);
        assert_eq!(
            (changes[0].was.as_str(), changes[0].now.as_str()),
            ("no", "yes")
        );
    }
}
