//! Queries on `pets` and the category list kept beside them.

use chrono::{DateTime, Utc};

use super::list::{Arg, ListSql};
use super::{stale_or_missing, write_tx, Db, DbError};
use crate::domain::{Kind, NewPet, Page, Pet, PetList, PetSort, QueryOf, Timestamp};

/// A pet with its handler's name: one join, never a query per row.
const COLUMNS: &str = "p.id, p.name, p.category, p.handler_id, h.name AS handler_name, \
     p.created_at, p.version, p.comment_count";
const FROM: &str = "pets p JOIN handlers h ON h.id = p.handler_id";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct PetRow {
    id: i64,
    name: String,
    category: String,
    handler_id: i64,
    handler_name: String,
    #[serde(deserialize_with = "super::utc")]
    created_at: DateTime<Utc>,
    version: i64,
    comment_count: i64,
}

impl From<PetRow> for Pet {
    fn from(row: PetRow) -> Self {
        Pet {
            id: row.id,
            name: row.name,
            category: row.category,
            handler_id: row.handler_id,
            handler_name: row.handler_name,
            created_at: Timestamp::from_micros(row.created_at.timestamp_micros()),
            version: row.version,
            comment_count: row.comment_count,
        }
    }
}

fn order_by(sort: PetSort) -> &'static str {
    // Indexes: the key, (lower(name), id), (lower(category), id).
    match sort {
        PetSort::Newest => "p.id DESC",
        PetSort::Oldest => "p.id ASC",
        PetSort::NameAsc => "lower(p.name) ASC, p.id ASC",
        PetSort::NameDesc => "lower(p.name) DESC, p.id DESC",
        PetSort::Category => "lower(p.category) ASC, p.id ASC",
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct CategoryRow {
    name: String,
    pets: i64,
}

impl Db {
    pub async fn list_pets(&self, query: &QueryOf<PetList>) -> Result<Page<Pet>, DbError> {
        let mut sql = ListSql::new(self, COLUMNS, FROM)
            .count_from("pets p")
            .counter("pets")
            .order(order_by(query.sort));
        if let Some(category) = &query.filter.category {
            sql.filter("lower(p.category) = lower(?)", Arg::Text(category.clone()));
        }
        if let Some(handler) = query.filter.handler {
            sql.filter("p.handler_id = ?", Arg::Int(handler));
        }
        sql.search(&["p.name"], &query.search);
        let page = sql
            .fetch::<PetRow>(self, query.per_page, query.offset())
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(Pet::from).collect(),
            total: page.total,
        })
    }

    pub async fn get_pet(&self, id: i64) -> Result<Option<Pet>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE p.id = $1");
        let row: Option<PetRow> = self.first_as(sql, vec![Arg::Int(id)]).await?;
        Ok(row.map(Pet::from))
    }

    /// The most used categories (one spelling each, grouped ignoring case),
    /// those starting with `prefix` when it is not empty.
    pub async fn pet_categories(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let prefix = prefix.trim();
        // Without a prefix, no LIKE: SQLite plans a LIKE anew for each
        // pattern bound to it, and the list page asks for all of them.
        let (sql, args) = if prefix.is_empty() {
            (
                "SELECT name, pets FROM pet_categories ORDER BY pets DESC, key LIMIT $1",
                vec![Arg::Int(limit)],
            )
        } else {
            (
                "SELECT name, pets FROM pet_categories WHERE key LIKE lower($1) ESCAPE '\\' \
                 ORDER BY pets DESC, key LIMIT $2",
                vec![
                    Arg::Text(super::list::prefix_pattern(prefix)),
                    Arg::Int(limit),
                ],
            )
        };
        let rows: Vec<CategoryRow> = self.all_as(sql.to_owned(), args).await?;
        Ok(rows.into_iter().map(|r| (r.name, r.pets)).collect())
    }

    pub async fn create_pet(&self, new: &NewPet) -> Result<Pet, DbError> {
        self.save_pet(None, new).await
    }

    pub async fn update_pet(&self, id: i64, version: i64, new: &NewPet) -> Result<Pet, DbError> {
        self.save_pet(Some((id, version)), new).await
    }

    /// Insert or update; the handler is checked in the same transaction
    /// (SQLite does not say which foreign key failed), and the key stays the
    /// final word.
    async fn save_pet(&self, at: Option<(i64, i64)>, new: &NewPet) -> Result<Pet, DbError> {
        let write = match at {
            None => {
                "INSERT INTO pets (name, category, handler_id) VALUES ($1, $2, $3) RETURNING id"
            }
            Some(_) => {
                "UPDATE pets SET name = $1, category = $2, handler_id = $3, version = version + 1 \
                 WHERE id = $4 AND version = $5 RETURNING id"
            }
        };
        let read = format!("SELECT {COLUMNS} FROM {FROM} WHERE p.id = $1");
        let row = write_tx!(self, tx => {
            let handler: Option<i64> = sqlx::query_scalar("SELECT id FROM handlers WHERE id = $1")
                .bind(new.handler_id)
                .fetch_optional(&mut *tx)
                .await?;
            if handler.is_none() {
                return Err(DbError::Constraint("pets_handler_fkey".into()));
            }
            let mut query = sqlx::query_scalar::<_, i64>(write)
                .bind(new.name.as_str())
                .bind(new.category.as_str())
                .bind(new.handler_id);
            if let Some((id, version)) = at {
                query = query.bind(id).bind(version);
            }
            let Some(id) = query.fetch_optional(&mut *tx).await? else {
                let id = at.map(|(id, _)| id).unwrap_or(0);
                return Err(stale_or_missing!(&mut *tx, "pets", id, Kind::Pet));
            };
            let row = sqlx::query_as::<_, PetRow>(&read)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            row
        })?;
        Ok(row.into())
    }

    /// Deletes a pet still at `version`, and its comments with it.
    pub async fn delete_pet(&self, id: i64, version: i64) -> Result<(), DbError> {
        self.delete_versioned("pets", Kind::Pet, id, version).await
    }
}
