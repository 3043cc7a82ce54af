//! Pets: the "many" side of the tutorial's one-to-many example (its
//! `PetCategory`). Every pet has exactly one handler.

use serde::{Deserialize, Serialize};

use super::list::{id_param, search_text, ListFilter, Listing};
use super::text::Line;
use super::{urls, FieldErrors, FormInput, Kind, Record, Timestamp};

pub const PET_NAME_MAX: usize = 100;
pub const CATEGORY_MAX: usize = 50;
pub type PetName = Line<PET_NAME_MAX>;
/// A species or kind ("dog", "Cat"): free text, grouped ignoring case.
pub type Category = Line<CATEGORY_MAX>;

/// The pet form, as typed. `handler_id` is the handler chosen in the picker;
/// `handler_q` is what was typed into its search box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PetInput {
    pub name: String,
    pub category: String,
    pub handler_id: String,
    pub handler_q: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPet {
    pub name: PetName,
    pub category: Category,
    pub handler_id: i64,
}

impl FormInput for PetInput {
    type Valid = NewPet;

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }

    fn parse(&self) -> Result<NewPet, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", PetName::parse(&self.name));
        let category = errors.take("category", Category::parse(&self.category));
        let handler = match self.handler_id.trim() {
            "" if self.handler_q.trim().is_empty() => Err("Choose a handler.".to_owned()),
            "" => Err(format!(
                "Choose one of the handlers found for “{}”.",
                self.handler_q.trim()
            )),
            id => id_param(Some(id.to_owned())).ok_or_else(|| "Choose a handler.".to_owned()),
        };
        let handler_id = errors.take("handler_id", handler);
        match (name, category, handler_id) {
            (Some(name), Some(category), Some(handler_id)) => Ok(NewPet {
                name,
                category,
                handler_id,
            }),
            _ => Err(errors),
        }
    }
}

/// A stored pet, with its handler's name (the backref) and how many
/// comments it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Pet {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub handler_id: i64,
    pub handler_name: String,
    pub created_at: Timestamp,
    pub version: i64,
    pub comment_count: i64,
}

impl Record for Pet {
    const KIND: Kind = Kind::Pet;
    type Input = PetInput;

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn to_input(&self) -> PetInput {
        PetInput {
            name: self.name.clone(),
            category: self.category.clone(),
            handler_id: self.handler_id.to_string(),
            handler_q: String::new(),
            version: self.version.to_string(),
        }
    }
}

crate::sort_keys! {
    pub enum PetSort {
        Newest => ("-created", "Newest first"),
        Oldest => ("created", "Oldest first"),
        NameAsc => ("name", "Name A–Z"),
        NameDesc => ("-name", "Name Z–A"),
        Category => ("category", "Category"),
    }
}

/// `?category=dog&handler=7`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetFilter {
    pub category: Option<String>,
    pub handler: Option<i64>,
}

impl ListFilter for PetFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        PetFilter {
            category: get("category")
                .map(|c| search_text(&c, CATEGORY_MAX))
                .filter(|c| !c.is_empty()),
            handler: id_param(get("handler")),
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(category) = &self.category {
            params.push(("category", category.clone()));
        }
        if let Some(handler) = self.handler {
            params.push(("handler", handler.to_string()));
        }
        params
    }
}

/// `/pets/`.
pub struct PetList;

impl Listing for PetList {
    type Sort = PetSort;
    type Filter = PetFilter;
    const KIND: Kind = Kind::Pet;
    const DATED: bool = true;
    /// Categories are the pets' own: each one in use is a choice.
    const FACETS: &'static [super::list::Facet] = &[super::list::Facet {
        param: "category",
        label: "Categories",
        choices: &[],
    }];

    fn base(_: &PetFilter) -> String {
        urls::pets()
    }
}

/// The link to the pets of one category.
pub fn category_href(category: &str) -> String {
    super::list::with_query(&urls::pets(), &[("category", category.to_owned())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(handler_id: &str, handler_q: &str) -> PetInput {
        PetInput {
            name: "Rex".into(),
            category: "Dog".into(),
            handler_id: handler_id.into(),
            handler_q: handler_q.into(),
            version: String::new(),
        }
    }

    #[test]
    fn a_pet_needs_a_chosen_handler() {
        assert_eq!(input("7", "").parse().unwrap().handler_id, 7);
        assert_eq!(
            input("", "").parse().unwrap_err().get("handler_id"),
            Some("Choose a handler.")
        );
        assert!(input("", "ann")
            .parse()
            .unwrap_err()
            .get("handler_id")
            .unwrap()
            .contains("“ann”"));
        for bad in ["0", "-2", "x", "99999999999999999999"] {
            assert!(input(bad, "").parse().is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_categories_are_bounded() {
        let mut long = input("1", "");
        long.name = "n".repeat(101);
        long.category = "c".repeat(51);
        let errors = long.parse().unwrap_err();
        assert!(errors.get("name").unwrap().contains("at most 100"));
        assert!(errors.get("category").unwrap().contains("at most 50"));
    }

    #[test]
    fn filter_links() {
        assert_eq!(category_href("guinea pig"), "/pets/?category=guinea%20pig");
        let f = PetFilter::from_params(&|k| match k {
            "category" => Some("  dog ".into()),
            "handler" => Some("7".into()),
            _ => None,
        });
        assert_eq!(f.category.as_deref(), Some("dog"));
        assert_eq!(f.handler, Some(7));
    }
}
