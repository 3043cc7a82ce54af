//! Pet handlers: the "one" side of the registration tutorial's one-to-many
//! example. A handler has pets; it cannot be deleted while it has any.

use serde::{Deserialize, Serialize};

use super::list::{Listing, NoFilter};
use super::text::{Line, Phone};
use super::{urls, Email, FieldErrors, FormInput, Kind, Record, Timestamp};

pub const HANDLER_NAME_MAX: usize = 150;
pub type HandlerName = Line<HANDLER_NAME_MAX>;

/// The handler form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandlerInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub version: String,
}

/// A handler that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHandler {
    pub name: HandlerName,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

impl FormInput for HandlerInput {
    type Valid = NewHandler;

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }

    fn parse(&self) -> Result<NewHandler, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", HandlerName::parse(&self.name));
        let email = errors.take("email", Email::parse_optional(&self.email));
        let phone = errors.take("phone", Phone::parse_optional(&self.phone));
        match (name, email, phone) {
            (Some(name), Some(email), Some(phone)) => Ok(NewHandler { name, email, phone }),
            _ => Err(errors),
        }
    }
}

/// A stored handler, with how many pets it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Handler {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: Timestamp,
    pub version: i64,
    pub pet_count: i64,
}

impl Record for Handler {
    const KIND: Kind = Kind::Handler;
    type Input = HandlerInput;

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn to_input(&self) -> HandlerInput {
        HandlerInput {
            name: self.name.clone(),
            email: self.email.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
}

crate::sort_keys! {
    pub enum HandlerSort {
        NameAsc => ("name", "Name A–Z"),
        NameDesc => ("-name", "Name Z–A"),
        MostPets => ("-pets", "Most pets first"),
        FewestPets => ("pets", "Fewest pets first"),
        Newest => ("-created", "Newest first"),
        Oldest => ("created", "Oldest first"),
    }
}

/// `/handlers/`.
pub struct HandlerList;

impl Listing for HandlerList {
    type Sort = HandlerSort;
    type Filter = NoFilter;
    const KIND: Kind = Kind::Handler;
    const DATED: bool = true;

    fn base(_: &NoFilter) -> String {
        urls::handlers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_rules() {
        let ok = HandlerInput {
            name: "  Ann Smith ".into(),
            email: "".into(),
            phone: "+1 555 0100".into(),
            version: String::new(),
        };
        let parsed = ok.parse().unwrap();
        assert_eq!(parsed.name.as_str(), "Ann Smith");
        assert_eq!(parsed.email, None);
        assert!(parsed.phone.is_some());
        let bad = HandlerInput {
            name: "x".repeat(151),
            email: "nope".into(),
            phone: "call".into(),
            version: String::new(),
        };
        let errors = bad.parse().unwrap_err();
        assert!(errors.get("name").unwrap().contains("at most 150"));
        assert!(errors.get("email").is_some() && errors.get("phone").is_some());
        assert!(HandlerInput {
            name: "h".repeat(150),
            ..Default::default()
        }
        .parse()
        .is_ok());
    }
}
