//! Roles: what an account may see and change, as a matrix of record types ×
//! operations. The server checks it where every write happens; the pages
//! read the same value to leave out what the account cannot use.

use serde::{Deserialize, Serialize};

use super::Kind;

/// What an account may do with a record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    View,
    Add,
    Change,
    Delete,
    Import,
    Export,
}

impl Op {
    pub const ALL: [Op; 6] = [
        Op::View,
        Op::Add,
        Op::Change,
        Op::Delete,
        Op::Import,
        Op::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::View => "view",
            Op::Add => "add",
            Op::Change => "change",
            Op::Delete => "delete",
            Op::Import => "import",
            Op::Export => "export",
        }
    }

    fn index(self) -> u32 {
        self as u32
    }
}

/// The record types a role's matrix covers. Accounts, messages, settings,
/// the activity log and roles themselves are for administrators.
pub const MATRIX_KINDS: [Kind; 6] = [
    Kind::Student,
    Kind::Course,
    Kind::Enrolment,
    Kind::Handler,
    Kind::Pet,
    Kind::Comment,
];

fn kind_index(kind: Kind) -> Option<u32> {
    MATRIX_KINDS
        .iter()
        .position(|k| *k == kind)
        .map(|i| i as u32)
}

const ADMIN_BIT: u64 = 1 << 63;
const TEACH_BIT: u64 = 1 << 62;

/// A role's permissions: one bit per (record type, operation), and two
/// that stand apart: administrator (everything) and teacher (grades in the
/// courses the account teaches).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grants(u64);

impl Grants {
    /// Nothing at all.
    pub const NONE: Grants = Grants(0);

    fn bit(kind: Kind, op: Op) -> Option<u64> {
        kind_index(kind).map(|k| 1u64 << (k * Op::ALL.len() as u32 + op.index()))
    }

    /// Everything, accounts and settings included.
    pub fn administrator() -> Grants {
        Grants(ADMIN_BIT)
    }

    /// Every operation on every record type.
    pub fn clerk() -> Grants {
        MATRIX_KINDS
            .iter()
            .flat_map(|k| Op::ALL.iter().map(move |op| (*k, *op)))
            .fold(Grants::NONE, |g, (k, op)| g.with(k, op))
    }

    /// Students and courses (with their enrolments) to look at; grades in
    /// the courses they teach.
    pub fn teacher() -> Grants {
        let mut g = Grants::NONE
            .with(Kind::Student, Op::View)
            .with(Kind::Course, Op::View)
            .with(Kind::Enrolment, Op::View);
        g.0 |= TEACH_BIT;
        g
    }

    /// Every record type to look at, nothing to change.
    pub fn viewer() -> Grants {
        MATRIX_KINDS
            .iter()
            .fold(Grants::NONE, |g, k| g.with(*k, Op::View))
    }

    pub fn with(self, kind: Kind, op: Op) -> Grants {
        match Grants::bit(kind, op) {
            Some(bit) => Grants(self.0 | bit),
            None => self,
        }
    }

    pub fn without(self, kind: Kind, op: Op) -> Grants {
        match Grants::bit(kind, op) {
            Some(bit) => Grants(self.0 & !bit),
            None => self,
        }
    }

    /// The matrix and the teacher's grant, never the administrator's: what
    /// a form may give a role.
    pub fn matrix_only(self) -> Grants {
        Grants(self.0 & !ADMIN_BIT)
    }

    /// Gives or takes the teacher's grant.
    pub fn with_teach(self, teach: bool) -> Grants {
        if teach {
            Grants(self.0 | TEACH_BIT)
        } else {
            Grants(self.0 & !TEACH_BIT)
        }
    }

    pub fn is_admin(self) -> bool {
        self.0 & ADMIN_BIT != 0
    }

    /// Sets grades in the courses the account teaches, and only there.
    pub fn teaches(self) -> bool {
        self.0 & TEACH_BIT != 0
    }

    /// May the account do `op` with records of `kind`? Administrators may
    /// do everything; the kinds outside the matrix are theirs alone.
    pub fn may(self, kind: Kind, op: Op) -> bool {
        if self.is_admin() {
            return true;
        }
        match Grants::bit(kind, op) {
            Some(bit) => self.0 & bit != 0,
            None => false,
        }
    }

    /// May the account do `op` with at least one record type (whether to
    /// show the trash, say)?
    pub fn may_any(self, op: Op) -> bool {
        MATRIX_KINDS.iter().any(|k| self.may(*k, op))
    }

    /// As stored: `admin`, `teach` and `student.view`-like words, space
    /// separated, in a fixed order.
    pub fn to_text(self) -> String {
        let mut words = Vec::new();
        if self.is_admin() {
            words.push("admin".to_owned());
        }
        if self.teaches() {
            words.push("teach".to_owned());
        }
        for kind in MATRIX_KINDS {
            for op in Op::ALL {
                if Grants::bit(kind, op).is_some_and(|b| self.0 & b != 0) {
                    words.push(format!("{}.{}", kind.noun(), op.as_str()));
                }
            }
        }
        words.join(" ")
    }

    /// Reads [`Grants::to_text`]. A word this version does not know grants
    /// nothing (a newer release's permission stays closed here).
    pub fn from_text(text: &str) -> Grants {
        text.split_whitespace()
            .fold(Grants::NONE, |g, word| match word {
                "admin" => Grants(g.0 | ADMIN_BIT),
                "teach" => Grants(g.0 | TEACH_BIT),
                _ => match word.split_once('.') {
                    Some((kind, op)) => {
                        match (
                            Kind::parse(kind),
                            Op::ALL.into_iter().find(|o| o.as_str() == op),
                        ) {
                            (Some(kind), Some(op)) => g.with(kind, op),
                            _ => g,
                        }
                    }
                    None => g,
                },
            })
    }
}

/// The roles Roster comes with; their ids are fixed by the migration that
/// made them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BuiltinRole {
    Administrator = 1,
    Clerk = 2,
    Teacher = 3,
    Viewer = 4,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 4] = [
        BuiltinRole::Administrator,
        BuiltinRole::Clerk,
        BuiltinRole::Teacher,
        BuiltinRole::Viewer,
    ];

    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltinRole::Administrator => "administrator",
            BuiltinRole::Clerk => "clerk",
            BuiltinRole::Teacher => "teacher",
            BuiltinRole::Viewer => "viewer",
        }
    }

    pub fn grants(self) -> Grants {
        match self {
            BuiltinRole::Administrator => Grants::administrator(),
            BuiltinRole::Clerk => Grants::clerk(),
            BuiltinRole::Teacher => Grants::teacher(),
            BuiltinRole::Viewer => Grants::viewer(),
        }
    }
}

/// A role as `/users/` offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: i64,
    pub name: String,
    pub grants: Grants,
}

/// A role as `/roles/` shows it: what it may do and how many accounts
/// hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: i64,
    pub name: String,
    pub grants: Grants,
    pub builtin: bool,
    pub version: i64,
    pub accounts: i64,
}

/// An account assigned to teach a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Teacher {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

/// "a clerk", "an administrator": a role's name in a sentence.
pub fn with_article(role: &str) -> String {
    let vowel = role
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {role}", if vowel { "an" } else { "a" })
}

/// Why an account may not do something, in the words the 403 page shows.
pub fn not_allowed(kind: Kind, op: Op) -> String {
    let what = match op {
        Op::View => format!("see {}", kind.plural()),
        Op::Add => format!("add {}", kind.plural()),
        Op::Change => format!("change {}", kind.plural()),
        Op::Delete => format!("delete {}", kind.plural()),
        Op::Import => format!("import {}", kind.plural()),
        Op::Export => format!("export {}", kind.plural()),
    };
    format!("Your role does not allow you to {what}. Ask an administrator if you need to.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_roles_grant_what_the_office_expects() {
        let clerk = Grants::clerk();
        for kind in MATRIX_KINDS {
            for op in Op::ALL {
                assert!(clerk.may(kind, op), "clerk {kind:?} {op:?}");
                assert_eq!(Grants::viewer().may(kind, op), op == Op::View);
            }
        }
        for kind in [Kind::Account, Kind::Message, Kind::Setting, Kind::Change] {
            assert!(!clerk.may(kind, Op::View));
            assert!(Grants::administrator().may(kind, Op::Delete));
        }
        let teacher = Grants::teacher();
        assert!(teacher.may(Kind::Student, Op::View) && teacher.may(Kind::Course, Op::View));
        assert!(!teacher.may(Kind::Handler, Op::View));
        assert!(!teacher.may(Kind::Enrolment, Op::Change) && teacher.teaches());
        assert!(!teacher.may(Kind::Student, Op::Delete));
        assert!(!clerk.is_admin() && !clerk.teaches());
    }

    #[test]
    fn grants_read_back_what_they_wrote_and_ignore_words_they_do_not_know() {
        for role in BuiltinRole::ALL {
            let g = role.grants();
            assert_eq!(Grants::from_text(&g.to_text()), g, "{role:?}");
        }
        let odd = Grants::viewer().with(Kind::Pet, Op::Delete);
        assert_eq!(Grants::from_text(&odd.to_text()), odd);
        assert_eq!(
            Grants::from_text("student.view pet.fly robot.view nonsense"),
            Grants::NONE.with(Kind::Student, Op::View)
        );
        assert_eq!(
            Grants::teacher().to_text(),
            "teach student.view course.view enrolment.view"
        );
    }
}
