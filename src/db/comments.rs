//! Queries on `comments`: a pet's comments, newest first, with their
//! authors' display names.

use super::list::{Arg, ListSql};
use super::{write_tx, Backend, Db, DbError, Listed};
use crate::domain::{Comment, CommentList, CommentSort, CommentText, CommentsOf, Kind};

impl Listed for CommentList {
    type Row = Comment;
    /// With the author's display name: one join, never a query per row.
    const SELECT: &'static str = "c.id, c.pet_id, c.author_id, \
         COALESCE(d.display_name, u.username) AS author, c.body, c.created_at";
    const FROM: &'static str = "comments c JOIN users u ON u.id = c.author_id \
         LEFT JOIN user_details d ON d.user_id = c.author_id";
    const COUNT_FROM: &'static str = "comments c";

    fn order(_: CommentSort, _: Backend) -> &'static str {
        "c.id DESC"
    }

    fn filter(filter: &CommentsOf, sql: &mut ListSql) {
        sql.filter("c.pet_id = ?", Arg::Int(filter.pet));
    }
}

impl Db {
    pub async fn get_comment(&self, id: i64) -> Result<Option<Comment>, DbError> {
        let (select, from) = (CommentList::SELECT, CommentList::FROM);
        let sql = format!("SELECT {select} FROM {from} WHERE c.id = $1");
        self.first_as(sql, vec![Arg::Int(id)]).await
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
