use serde::{Deserialize, Serialize};

use super::list::{Listing, NoFilter};
use super::text::{Line, Text};
use super::{urls, FieldErrors, FormInput, Kind, Record, Timestamp};

pub const NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 80;
pub const BIO_MAX: usize = 10_000;
pub const AGE_MIN: i32 = 1;
pub const AGE_MAX: i32 = 150;

/// A first or last name: trimmed, non-empty, at most [`NAME_MAX`] characters,
/// no control characters.
pub type PersonName = Line<NAME_MAX>;

/// An email address as browsers define a valid one (the WHATWG HTML rule), at
/// most [`EMAIL_MAX`] characters. Being ASCII, it compares case-insensitively
/// the same way on every database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("This field is required.".into());
        }
        if email.chars().count() > EMAIL_MAX {
            return Err(format!("Use at most {EMAIL_MAX} characters."));
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => valid_local(local) && valid_domain(domain),
            None => false,
        };
        if !valid {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Self(email.to_owned()))
    }

    /// Empty input means "not given".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b))
}

fn valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An age in whole years, 1 to 150.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Age(i32);

impl Age {
    /// Empty input means "not given".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let digits = raw.strip_prefix('-').unwrap_or(raw);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("Enter the age as a whole number, like 23.".into());
        }
        // A whole number too large for i64 is simply out of range.
        match raw.parse::<i64>() {
            Ok(n) if (i64::from(AGE_MIN)..=i64::from(AGE_MAX)).contains(&n) => {
                Ok(Some(Self(n as i32)))
            }
            _ => Err(format!("Enter an age from {AGE_MIN} to {AGE_MAX}.")),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Free text about a student, at most [`BIO_MAX`] characters.
pub type Bio = Text<BIO_MAX>;

/// What a student form sends, exactly as typed. Everything is a string so that
/// nothing the user typed is lost on the way back to a form with errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StudentInput {
    pub firstname: String,
    pub lastname: String,
    pub email: String,
    pub age: String,
    pub bio: String,
    /// The version the edit form was opened at (empty when creating).
    pub version: String,
}

impl FormInput for StudentInput {
    type Valid = NewStudent;

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }

    /// Parses every field, collecting every problem (not just the first).
    fn parse(&self) -> Result<NewStudent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let firstname = errors.take("firstname", PersonName::parse(&self.firstname));
        let lastname = errors.take("lastname", PersonName::parse(&self.lastname));
        let email = errors.take("email", Email::parse(&self.email));
        let age = errors.take("age", Age::parse_optional(&self.age));
        let bio = errors.take("bio", Bio::parse_optional(&self.bio));
        match (firstname, lastname, email, age, bio) {
            (Some(firstname), Some(lastname), Some(email), Some(age), Some(bio)) => {
                Ok(NewStudent {
                    firstname,
                    lastname,
                    email,
                    age,
                    bio,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A student that passed every rule and may be written to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStudent {
    pub firstname: PersonName,
    pub lastname: PersonName,
    pub email: Email,
    pub age: Option<Age>,
    pub bio: Option<Bio>,
}

/// A stored student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Student {
    pub id: i64,
    pub firstname: String,
    pub lastname: String,
    pub email: String,
    pub age: Option<i32>,
    pub created_at: Timestamp,
    pub bio: Option<String>,
    pub version: i64,
    /// How many courses the student is enrolled in.
    pub course_count: i64,
}

impl Student {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.firstname, self.lastname)
    }
}

impl Record for Student {
    const KIND: Kind = Kind::Student;
    type Input = StudentInput;

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn title(&self) -> String {
        self.full_name()
    }

    fn to_input(&self) -> StudentInput {
        StudentInput {
            firstname: self.firstname.clone(),
            lastname: self.lastname.clone(),
            email: self.email.clone(),
            age: self.age.map(|a| a.to_string()).unwrap_or_default(),
            bio: self.bio.clone().unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
}

crate::sort_keys! {
    /// How the student list is ordered.
    pub enum StudentSort {
        NewestFirst => ("-joined", "Newest first"),
        OldestFirst => ("joined", "Oldest first"),
        NameAsc => ("name", "Name A–Z"),
        NameDesc => ("-name", "Name Z–A"),
        AgeAsc => ("age", "Youngest first"),
        AgeDesc => ("-age", "Oldest in age first"),
    }
}

/// The student list at `/`.
pub struct StudentList;

impl Listing for StudentList {
    type Sort = StudentSort;
    type Filter = NoFilter;
    const KIND: Kind = Kind::Student;
    const DATED: bool = true;

    fn base(_: &NoFilter) -> String {
        urls::students()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> StudentInput {
        StudentInput {
            firstname: "Sammy".into(),
            lastname: "Shark".into(),
            email: "sammyshark@example.com".into(),
            age: "20".into(),
            bio: "Marine biology student".into(),
            version: String::new(),
        }
    }

    #[test]
    fn valid_input_parses_and_trims() {
        let mut raw = input();
        raw.firstname = "  Sammy ".into();
        raw.bio = "line one\r\nline two\r\n".into();
        let s = raw.parse().unwrap();
        assert_eq!(s.firstname.as_str(), "Sammy");
        assert_eq!(s.age.map(Age::get), Some(20));
        assert_eq!(s.bio.unwrap().as_str(), "line one\nline two");
    }

    #[test]
    fn optional_fields_may_be_empty() {
        let mut raw = input();
        raw.age = " ".into();
        raw.bio = "\r\n".into();
        let s = raw.parse().unwrap();
        assert_eq!(s.age, None);
        assert_eq!(s.bio, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let raw = StudentInput {
            firstname: "".into(),
            lastname: "x".repeat(NAME_MAX + 1),
            email: "not-an-email".into(),
            age: "twelve".into(),
            bio: "b".repeat(BIO_MAX + 1),
            version: String::new(),
        };
        let errors = raw.parse().unwrap_err();
        assert_eq!(errors.get("firstname"), Some("This field is required."));
        assert!(errors.get("lastname").unwrap().contains("at most 100"));
        assert!(errors.get("email").unwrap().contains("name@example.com"));
        assert!(errors.get("age").unwrap().contains("whole number"));
        assert!(errors.get("bio").unwrap().contains("at most 10000"));
    }

    #[test]
    fn names_count_characters_not_bytes() {
        assert!(PersonName::parse(&"é".repeat(NAME_MAX)).is_ok());
        assert!(PersonName::parse(&"é".repeat(NAME_MAX + 1)).is_err());
        assert!(PersonName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn ages_outside_range_or_not_whole_are_refused() {
        for bad in [
            "0",
            "151",
            "-3",
            "12.5",
            "1e2",
            "99999999999999999999",
            "+5",
        ] {
            assert!(Age::parse_optional(bad).is_err(), "{bad} should be refused");
        }
        assert!(Age::parse_optional("151").unwrap_err().contains("1 to 150"));
        assert!(Age::parse_optional("12.5")
            .unwrap_err()
            .contains("whole number"));
        assert_eq!(
            Age::parse_optional(" 150 ").unwrap().map(Age::get),
            Some(150)
        );
        assert_eq!(Age::parse_optional("1").unwrap().map(Age::get), Some(1));
    }

    #[test]
    fn emails_follow_the_html_rule() {
        for good in ["a@b", "john.doe+tag@example.co.uk", "X_Y@EXAMPLE.COM"] {
            assert!(Email::parse(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b@c",
            "a b@example.com",
            "a@-example.com",
            "a@example..com",
            "é@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(EMAIL_MAX));
        assert!(Email::parse(&long).unwrap_err().contains("at most 80"));
    }

    #[test]
    fn student_round_trips_to_form_values() {
        let s = Student {
            id: 1,
            firstname: "John".into(),
            lastname: "Doe".into(),
            email: "jd@example.com".into(),
            age: Some(23),
            created_at: Timestamp::from_micros(0),
            bio: None,
            version: 4,
            course_count: 0,
        };
        let input = s.to_input();
        assert_eq!(input.age, "23");
        assert_eq!(input.bio, "");
        assert_eq!(input.version, "4");
        assert_eq!(input.parse().unwrap().email.as_str(), "jd@example.com");
    }
}
