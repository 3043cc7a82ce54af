//! Queries on `comments`: a pet's comments, newest first, with their
//! authors' display names.

use chrono::{DateTime, Utc};

use super::list::{Arg, ListSql};
use super::{write_tx, Db, DbError};
use crate::domain::{Comment, CommentList, CommentText, Kind, Page, QueryOf, Timestamp};

const COLUMNS: &str = "c.id, c.pet_id, c.author_id, \
     COALESCE(d.display_name, u.username) AS author, c.body, c.created_at";
const FROM: &str = "comments c JOIN users u ON u.id = c.author_id \
     LEFT JOIN user_details d ON d.user_id = c.author_id";

#[derive(sqlx::FromRow, serde::Deserialize)]
struct CommentRow {
    id: i64,
    pet_id: i64,
    author_id: i64,
    author: String,
    body: String,
    #[serde(deserialize_with = "super::utc")]
    created_at: DateTime<Utc>,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Comment {
            id: row.id,
            pet_id: row.pet_id,
            author_id: row.author_id,
            author: row.author,
            body: row.body,
            created_at: Timestamp::from_micros(row.created_at.timestamp_micros()),
        }
    }
}

impl Db {
    /// A page of one pet's comments, newest first.
    pub async fn list_comments(
        &self,
        query: &QueryOf<CommentList>,
    ) -> Result<Page<Comment>, DbError> {
        let mut sql = ListSql::new(self, COLUMNS, FROM)
            .count_from("comments c")
            .order("c.id DESC");
        sql.filter("c.pet_id = ?", Arg::Int(query.filter.pet));
        let page = sql
            .fetch::<CommentRow>(self, query.per_page, query.offset())
            .await?;
        Ok(Page {
            rows: page.rows.into_iter().map(Comment::from).collect(),
            total: page.total,
        })
    }

    pub async fn get_comment(&self, id: i64) -> Result<Option<Comment>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1");
        let row: Option<CommentRow> = self.first_as(sql, vec![Arg::Int(id)]).await?;
        Ok(row.map(Comment::from))
    }

    /// Adds a comment by `author` to pet `pet_id`; `NotFound` when the pet
    /// is gone.
    pub async fn create_comment(
        &self,
        pet_id: i64,
        author: i64,
        body: &CommentText,
    ) -> Result<Comment, DbError> {
        let id = write_tx!(self, tx => {
            let pet: Option<i64> = sqlx::query_scalar("SELECT id FROM pets WHERE id = $1")
                .bind(pet_id)
                .fetch_optional(&mut *tx)
                .await?;
            if pet.is_none() {
                return Err(DbError::NotFound(Kind::Pet));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (pet_id, author_id, body) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(pet_id)
            .bind(author)
            .bind(body.as_str())
            .fetch_one(&mut *tx)
            .await?;
            id
        })?;
        self.get_comment(id)
            .await?
            .ok_or(DbError::NotFound(Kind::Comment))
    }

    pub async fn delete_comment(&self, id: i64) -> Result<(), DbError> {
        let done = self
            .execute("DELETE FROM comments WHERE id = $1", &[Arg::Int(id)])
            .await?;
        if done == 0 {
            return Err(DbError::NotFound(Kind::Comment));
        }
        Ok(())
    }
}
