//! Messages from the public contact form (the registration tutorial's
//! practice task), read by administrators.

use serde::{Deserialize, Serialize};

use super::list::{ListFilter, Listing};
use super::text::{Line, Text};
use super::{urls, Email, FieldErrors, FormInput, Kind, Timestamp};

pub const SENDER_MAX: usize = 100;
pub const SUBJECT_MAX: usize = 150;
pub const MESSAGE_MAX: usize = 5_000;

/// The contact form, as typed. `website` is a field people never see (a
/// honeypot): only programs that fill in every field put something there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub website: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub name: Line<SENDER_MAX>,
    pub email: Email,
    pub subject: Line<SUBJECT_MAX>,
    pub body: Text<MESSAGE_MAX>,
}

impl FormInput for ContactInput {
    type Valid = NewMessage;

    fn parse(&self) -> Result<NewMessage, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", Line::parse(&self.name));
        let email = errors.take("email", Email::parse(&self.email));
        let subject = errors.take("subject", Line::parse(&self.subject));
        let body = errors.take("message", Text::parse(&self.message));
        match (name, email, subject, body) {
            (Some(name), Some(email), Some(subject), Some(body)) => Ok(NewMessage {
                name,
                email,
                subject,
                body,
            }),
            _ => Err(errors),
        }
    }
}

impl ContactInput {
    /// Whether a program filled in the field people cannot see.
    pub fn is_spam(&self) -> bool {
        !self.website.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Message {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
    pub read: bool,
    pub version: i64,
}

crate::sort_keys! {
    pub enum MessageSort {
        Newest => ("-received", "Newest first"),
        Oldest => ("received", "Oldest first"),
    }
}

/// `?unread=1`: only the messages nobody has read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFilter {
    /// Unread ones only (`unread=1`), read ones only (`unread=0`), or all.
    pub unread: Option<bool>,
}

impl ListFilter for MessageFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        MessageFilter {
            unread: match get("unread").as_deref().map(str::trim) {
                Some("1") => Some(true),
                Some("0") => Some(false),
                _ => None,
            },
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        match self.unread {
            Some(unread) => vec![("unread", if unread { "1" } else { "0" }.into())],
            None => Vec::new(),
        }
    }
}

/// `/messages/`.
pub struct MessageList;

impl Listing for MessageList {
    type Sort = MessageSort;
    type Filter = MessageFilter;
    const KIND: Kind = Kind::Message;
    const DATED: bool = true;
    const FACETS: &'static [super::list::Facet] = &[super::list::Facet {
        param: "unread",
        label: "Show",
        choices: &[("1", "Unread"), ("0", "Read")],
    }];

    fn base(_: &MessageFilter) -> String {
        urls::messages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContactInput {
        ContactInput {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            subject: "Open day".into(),
            message: "When is it?".into(),
            website: String::new(),
        }
    }

    #[test]
    fn contact_rules() {
        assert!(input().parse().is_ok());
        let bad = ContactInput {
            name: "n".repeat(101),
            email: "nope".into(),
            subject: "s".repeat(151),
            message: "m".repeat(5_001),
            website: String::new(),
        };
        let errors = bad.parse().unwrap_err();
        for field in ["name", "email", "subject", "message"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let empty = ContactInput::default().parse().unwrap_err();
        assert_eq!(empty.get("message"), Some("This field is required."));
        assert!(!input().is_spam());
        assert!(ContactInput {
            website: "http://spam.example".into(),
            ..input()
        }
        .is_spam());
    }
}
