use serde::{Deserialize, Serialize};

/// The kinds of records Roster keeps: what error messages, titles and the
/// generic list and form machinery call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Student,
    Handler,
    Pet,
    Comment,
    Course,
    Enrolment,
    Account,
    Message,
    /// An operator's setting (registration open or closed).
    Setting,
    /// A role: what its accounts may do.
    Role,
    /// An entry of the history (the activity log counts them).
    Change,
    /// A record in the trash (the trash counts them).
    Deleted,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Student,
        Kind::Handler,
        Kind::Pet,
        Kind::Comment,
        Kind::Course,
        Kind::Enrolment,
        Kind::Account,
        Kind::Message,
        Kind::Setting,
        Kind::Role,
        Kind::Change,
        Kind::Deleted,
    ];

    /// The kind [`Kind::noun`] names.
    pub fn parse(noun: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.noun() == noun)
    }

    /// "pet", as in "That pet does not exist".
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Student => "student",
            Kind::Handler => "handler",
            Kind::Pet => "pet",
            Kind::Comment => "comment",
            Kind::Course => "course",
            Kind::Enrolment => "enrolment",
            Kind::Account => "account",
            Kind::Message => "message",
            Kind::Setting => "setting",
            Kind::Role => "role",
            Kind::Change => "change",
            Kind::Deleted => "deleted record",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Student => "students",
            Kind::Handler => "handlers",
            Kind::Pet => "pets",
            Kind::Comment => "comments",
            Kind::Course => "courses",
            Kind::Enrolment => "enrolments",
            Kind::Account => "accounts",
            Kind::Message => "messages",
            Kind::Setting => "settings",
            Kind::Role => "roles",
            Kind::Change => "changes",
            Kind::Deleted => "deleted records",
        }
    }

    /// "Pet", for headings.
    pub fn title(self) -> String {
        capitalise(self.noun())
    }

    /// "1 comment goes", "3 comments go": for "Its … with it."
    pub fn count_go(self, n: i64) -> String {
        format!("{} {}", self.count(n), if n == 1 { "goes" } else { "go" })
    }

    /// "1 pet", "3 pets".
    pub fn count(self, n: i64) -> String {
        if n == 1 {
            format!("1 {}", self.noun())
        } else {
            format!("{n} {}", self.plural())
        }
    }
}

/// "pets" → "Pets".
pub fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_and_counts() {
        assert_eq!(Kind::Pet.title(), "Pet");
        assert_eq!(Kind::Handler.count(1), "1 handler");
        assert_eq!(Kind::Handler.count(0), "0 handlers");
        assert_eq!(Kind::Enrolment.count(2), "2 enrolments");
    }
}
