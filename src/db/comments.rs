//! Queries on `comments`: a pet's comments, newest first, with their
//! authors' display names.

use super::export::{Cell, Column, Exported};
use super::history::{self, By};
use super::list::bind_args;
use super::list::{Arg, ListSql};
use super::{write_tx, Backend, Db, DbError, Listed};
use crate::domain::{Action, Comment, CommentList, CommentSort, CommentText, CommentsOf, Kind};

impl Listed for CommentList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("c.created_at"));
    const KEY: &'static str = "c.id";
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

impl Exported for CommentList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "c.id"),
        Column::int("pet_id", "c.pet_id"),
        Column::text("author", "COALESCE(d.display_name, u.username)"),
        Column::text("body", "c.body"),
        Column::new("created_at", "c.created_at", Cell::Time),
    ];
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
        by: &By,
        pet_id: i64,
        author: i64,
        body: &CommentText,
    ) -> Result<Comment, DbError> {
        by.require(crate::domain::Kind::Comment, crate::domain::Op::Add)?;
        let id = write_tx!(self, tx => {
            let pet: Option<String> = sqlx::query_scalar("SELECT name FROM pets WHERE id = $1")
                .bind(pet_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(pet) = pet else {
                return Err(DbError::NotFound(Kind::Pet));
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (pet_id, author_id, body) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(pet_id)
            .bind(author)
            .bind(body.as_str())
            .fetch_one(&mut *tx)
            .await?;
            let entry = history::comment(by, Action::Commented, (pet_id, &pet), body.as_str());
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
            id
        })?;
        self.get_comment(id)
            .await?
            .ok_or(DbError::NotFound(Kind::Comment))
    }

    /// Deletes a comment, noting it in its pet's history.
    pub async fn delete_comment(&self, by: &By, id: i64) -> Result<(), DbError> {
        by.require(crate::domain::Kind::Comment, crate::domain::Op::Delete)?;
        write_tx!(self, tx => {
            let found: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT c.pet_id, p.name, c.body FROM comments c JOIN pets p ON p.id = c.pet_id \
                 WHERE c.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((pet_id, pet, body)) = found else {
                return Err(DbError::NotFound(Kind::Comment));
            };
            sqlx::query("DELETE FROM comments WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let entry = history::comment(by, Action::CommentDeleted, (pet_id, &pet), &body);
            bind_args!(sqlx::query(history::INSERT), &entry).execute(&mut *tx).await?;
        })
    }
}
