//! Queries on `handlers`. A handler's `pet_count` is kept by triggers on
//! `pets`, so lists read it with the row (no count per handler).

use chrono::{DateTime, Utc};

use super::list::{like_pattern, Arg, ListSql};
use super::{stale_or_missing, write_tx, Backend, Db, DbError};
use crate::domain::{
    Handler, HandlerChoice, HandlerList, HandlerSort, Kind, NewHandler, Page, QueryOf, Timestamp,
};

const COLUMNS: &str = "id, name, email, phone, created_at, version, pet_count";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct HandlerRow {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    #[serde(deserialize_with = "super::utc")]
    created_at: DateTime<Utc>,
    version: i64,
    pet_count: i64,
}

impl From<HandlerRow> for Handler {
    fn from(row: HandlerRow) -> Self {
        Handler {
            id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            created_at: Timestamp::from_micros(row.created_at.timestamp_micros()),
            version: row.version,
            pet_count: row.pet_count,
        }
    }
}

fn order_by(sort: HandlerSort) -> &'static str {
    // Each has an index: (lower(name), id), (pet_count, id), the key.
    match sort {
        HandlerSort::NameAsc => "lower(name) ASC, id ASC",
        HandlerSort::NameDesc => "lower(name) DESC, id DESC",
        HandlerSort::MostPets => "pet_count DESC, id DESC",
        HandlerSort::FewestPets => "pet_count ASC, id ASC",
        HandlerSort::Newest => "id DESC",
        HandlerSort::Oldest => "id ASC",
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct ChoiceRow {
    id: i64,
    name: String,
    pet_count: i64,
}

impl Db {
    pub async fn list_handlers(
        &self,
        query: &QueryOf<HandlerList>,
    ) -> Result<Page<Handler>, DbError> {
        let mut sql = ListSql::new(self, COLUMNS, "handlers")
            .counter("handlers")
            .order(order_by(query.sort));
        sql.search(&["name"], &query.search);
        let page = sql
            .fetch::<HandlerRow>(self, query.per_page, query.offset())
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(Handler::from).collect(),
            total: page.total,
        })
    }

    pub async fn get_handler(&self, id: i64) -> Result<Option<Handler>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM handlers WHERE id = $1");
        let row: Option<HandlerRow> = self.first_as(sql, vec![Arg::Int(id)]).await?;
        Ok(row.map(Handler::from))
    }

    /// Handlers whose name contains `text` (all, when it is empty), by
    /// name: what the pet form's picker offers. At most `limit`.
    pub async fn find_handlers(
        &self,
        text: &str,
        limit: i64,
    ) -> Result<Vec<HandlerChoice>, DbError> {
        let like = match self.backend() {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        };
        let sql = format!(
            "SELECT id, name, pet_count FROM handlers WHERE name {like} $1 ESCAPE '\\' \
             ORDER BY lower(name), id LIMIT $2"
        );
        let rows: Vec<ChoiceRow> = self
            .all_as(
                sql,
                vec![Arg::Text(like_pattern(text.trim())), Arg::Int(limit)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| HandlerChoice {
                id: r.id,
                name: r.name,
                pet_count: r.pet_count,
            })
            .collect())
    }

    pub async fn create_handler(&self, new: &NewHandler) -> Result<Handler, DbError> {
        let sql = format!(
            "INSERT INTO handlers (name, email, phone) VALUES ($1, $2, $3) RETURNING {COLUMNS}"
        );
        let row = write_tx!(self, tx => {
            sqlx::query_as::<_, HandlerRow>(&sql)
                .bind(new.name.as_str())
                .bind(new.email.as_ref().map(|e| e.as_str()))
                .bind(new.phone.as_ref().map(|p| p.as_str()))
                .fetch_one(&mut *tx)
                .await?
        })?;
        Ok(row.into())
    }

    pub async fn update_handler(
        &self,
        id: i64,
        version: i64,
        new: &NewHandler,
    ) -> Result<Handler, DbError> {
        let sql = format!(
            "UPDATE handlers SET name = $1, email = $2, phone = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 RETURNING {COLUMNS}"
        );
        let row = write_tx!(self, tx => {
            let row = sqlx::query_as::<_, HandlerRow>(&sql)
                .bind(new.name.as_str())
                .bind(new.email.as_ref().map(|e| e.as_str()))
                .bind(new.phone.as_ref().map(|p| p.as_str()))
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Err(stale_or_missing!(&mut *tx, "handlers", id, Kind::Handler));
            };
            row
        })?;
        Ok(Handler::from(row))
    }

    /// Deletes a handler still at `version`. With pets left it is refused
    /// (`InUse`), unless `move_to` names another handler: then its pets move
    /// there and the handler goes, in one transaction. Pets are never
    /// deleted with their handler.
    pub async fn delete_handler(
        &self,
        id: i64,
        version: i64,
        move_to: Option<i64>,
    ) -> Result<u64, DbError> {
        write_tx!(self, tx => {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM handlers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match current {
                None => return Err(DbError::NotFound(Kind::Handler)),
                Some(v) if v != version => return Err(DbError::Stale),
                Some(_) => {}
            }
            let mut moved = 0;
            if let Some(target) = move_to.filter(|t| *t != id) {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM handlers WHERE id = $1")
                        .bind(target)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err(DbError::Constraint("pets_handler_fkey".into()));
                }
                moved = sqlx::query(
                    "UPDATE pets SET handler_id = $1, version = version + 1 WHERE handler_id = $2",
                )
                    .bind(target)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pets WHERE handler_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if left > 0 {
                return Err(DbError::InUse { children: Kind::Pet, count: left });
            }
            sqlx::query("DELETE FROM handlers WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            moved
        })
    }
}
