//! Comments on pets (the tutorial's `PetComment`), each by a signed-in user.

use serde::{Deserialize, Serialize};

use super::list::{ListFilter, Listing};
use super::text::Text;
use super::{urls, FieldErrors, FormInput, Kind, Timestamp};

pub const COMMENT_MAX: usize = 200;
pub type CommentText = Text<COMMENT_MAX>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommentInput {
    pub body: String,
}

impl FormInput for CommentInput {
    type Valid = CommentText;

    fn parse(&self) -> Result<CommentText, FieldErrors> {
        CommentText::parse(&self.body).map_err(|e| FieldErrors::single("body", e))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Comment {
    pub id: i64,
    pub pet_id: i64,
    pub author_id: i64,
    /// The author's display name.
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

crate::sort_keys! {
    /// Comments are shown newest first, and only that way.
    pub enum CommentSort {
        Newest => ("-created", "Newest first"),
    }
}

/// The comments of one pet: the pet's id comes from its page's path, not
/// from a query parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentsOf {
    pub pet: i64,
}

impl ListFilter for CommentsOf {
    fn from_params(_: &dyn Fn(&str) -> Option<String>) -> Self {
        CommentsOf::default()
    }
    fn to_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// The comments under a pet, on the pet's page.
pub struct CommentList;

impl Listing for CommentList {
    type Sort = CommentSort;
    type Filter = CommentsOf;
    const KIND: Kind = Kind::Comment;
    const DATED: bool = true;

    fn base(filter: &CommentsOf) -> String {
        urls::pet(filter.pet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_hold_1_to_200_characters() {
        let body = |s: String| CommentInput { body: s }.parse();
        assert!(body("".into())
            .unwrap_err()
            .get("body")
            .unwrap()
            .contains("required"));
        assert!(body(" \r\n ".into()).is_err());
        assert!(body("c".repeat(200)).is_ok());
        assert!(body("c".repeat(201))
            .unwrap_err()
            .get("body")
            .unwrap()
            .contains("at most 200"));
        assert_eq!(body("a\r\nb".into()).unwrap().as_str(), "a\nb");
    }
}
