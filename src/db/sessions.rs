//! Queries on `sessions` and `login_failures`.
//!
//! Like `accounts.rs`, this stores what it is given: hashed session ids and
//! times in Unix seconds come from the caller (`roster_app::service`).

use super::list::Arg;
use super::{write_tx, Db, DbError};
use crate::domain::CurrentUser;

/// A session as stored, with the user it belongs to.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user: CurrentUser,
    pub csrf_token: String,
    pub last_seen: i64,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct SessionRow {
    user_id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    csrf_token: String,
    last_seen: i64,
    unread: i64,
    role: String,
    grants: String,
}

impl Db {
    /// Sessions used since `since` (Unix seconds): the ones still open.
    pub async fn count_sessions(&self, since: i64) -> Result<i64, DbError> {
        let row: Option<(i64,)> = self
            .first_as(
                "SELECT COUNT(*) FROM sessions WHERE last_seen >= $1".into(),
                vec![Arg::Int(since)],
            )
            .await?;
        Ok(row.map_or(0, |(n,)| n))
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: i64,
    ) -> Result<(), DbError> {
        self.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen) \
             VALUES ($1, $2, $3, $4, $4)",
            &[
                Arg::Text(id_hash.into()),
                Arg::Int(user_id),
                Arg::Text(csrf_token.into()),
                Arg::Int(now),
            ],
        )
        .await?;
        Ok(())
    }

    /// The live session with this id hash: one seen within `idle_secs`.
    /// An expired one is deleted on the way.
    pub async fn find_session(
        &self,
        id_hash: &str,
        now: i64,
        idle_secs: i64,
    ) -> Result<Option<SessionRecord>, DbError> {
        // A disabled account's sessions stop working at once, here, even
        // before the rows are gone.
        let row: Option<SessionRow> = self
            .first_as(
                "SELECT s.user_id, u.username, d.display_name, u.is_admin, s.csrf_token, \
                 s.last_seen, CASE WHEN u.is_admin THEN (SELECT total FROM record_counts \
                 WHERE name = 'unread_messages') ELSE 0 END AS unread, \
                 r.name AS role, r.grants \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN user_details d ON d.user_id = u.id JOIN roles r ON r.id = u.role_id \
                 WHERE s.id_hash = $1 AND NOT u.disabled"
                    .to_owned(),
                vec![Arg::Text(id_hash.to_owned())],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        if row.last_seen < now - idle_secs {
            self.delete_session(id_hash).await?;
            return Ok(None);
        }
        Ok(Some(SessionRecord {
            user: CurrentUser {
                id: row.user_id,
                username: row.username,
                display_name: row.display_name,
                is_admin: row.is_admin,
                unread: row.unread,
                role: row.role,
                grants: crate::domain::Grants::from_text(&row.grants),
            },
            csrf_token: row.csrf_token,
            last_seen: row.last_seen,
        }))
    }

    /// Records activity, which pushes the idle expiry back.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), DbError> {
        self.execute(
            "UPDATE sessions SET last_seen = $2 WHERE id_hash = $1",
            &[Arg::Text(id_hash.into()), Arg::Int(now)],
        )
        .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), DbError> {
        self.execute(
            "DELETE FROM sessions WHERE id_hash = $1",
            &[Arg::Text(id_hash.into())],
        )
        .await?;
        Ok(())
    }

    /// Removes sessions idle since before `cutoff`; returns how many.
    pub async fn delete_idle_sessions(&self, cutoff: i64) -> Result<u64, DbError> {
        self.execute(
            "DELETE FROM sessions WHERE last_seen < $1",
            &[Arg::Int(cutoff)],
        )
        .await
    }

    /// When the throttle on `key` lifts, if `limit` failures happened since
    /// `since` (Unix seconds): the time of the `limit`-th most recent failure,
    /// which must leave the window first.
    pub async fn throttled_since(
        &self,
        key: &str,
        since: i64,
        limit: i64,
    ) -> Result<Option<i64>, DbError> {
        let row: Option<(i64,)> = self
            .first_as(
                "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 \
                 ORDER BY at DESC LIMIT 1 OFFSET $3"
                    .into(),
                vec![Arg::Text(key.into()), Arg::Int(since), Arg::Int(limit - 1)],
            )
            .await?;
        Ok(row.map(|(at,)| at))
    }

    /// Records one failed sign-in under each key, and forgets failures older
    /// than `forget_before`.
    pub async fn record_login_failure(
        &self,
        keys: &[&str],
        now: i64,
        forget_before: i64,
    ) -> Result<(), DbError> {
        write_tx!(self, tx => {
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                    .bind(*key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        })
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<(), DbError> {
        self.execute(
            "DELETE FROM login_failures WHERE key = $1",
            &[Arg::Text(key.into())],
        )
        .await?;
        Ok(())
    }
}
