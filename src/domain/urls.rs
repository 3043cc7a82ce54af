//! Every URL Roster serves, stated once. The page router (leptos), the form
//! POST routes (axum), links and redirects all come from these patterns, so
//! a page cannot move without its forms and links moving with it.
//!
//! Every path ends in `/`; ids are positive whole numbers.

/// One piece of a path: a fixed word or an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    Lit(&'static str),
    Id(&'static str),
}

use Seg::{Id, Lit};

/// A path pattern such as `/pets/{id}/edit/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern(pub &'static [Seg]);

impl Pattern {
    /// axum's form of the pattern: `/pets/{id}/edit/`.
    pub fn axum(&self) -> String {
        let mut path = String::from("/");
        for seg in self.0 {
            match seg {
                Lit(word) => path.push_str(word),
                Id(name) => {
                    path.push('{');
                    path.push_str(name);
                    path.push('}');
                }
            }
            path.push('/');
        }
        path
    }

    /// The path with `ids` in place of the id segments, in order.
    pub fn fill(&self, ids: &[i64]) -> String {
        let mut path = String::with_capacity(24);
        self.write(&mut path, ids);
        path
    }

    /// Appends the path with `ids` in place (lists write thousands).
    pub fn write(&self, out: &mut String, ids: &[i64]) {
        out.push('/');
        let mut ids = ids.iter();
        for seg in self.0 {
            match seg {
                Lit(word) => out.push_str(word),
                Id(_) => push_id(out, ids.next().copied().unwrap_or(0)),
            }
            out.push('/');
        }
    }

    /// The ids in `path` if it matches this pattern.
    pub fn matches(&self, path: &str) -> Option<Vec<i64>> {
        let inner = path.strip_prefix('/')?.strip_suffix('/').unwrap_or("");
        let parts: Vec<&str> = if inner.is_empty() {
            Vec::new()
        } else {
            inner.split('/').collect()
        };
        if parts.len() != self.0.len() {
            return None;
        }
        let mut ids = Vec::new();
        for (seg, part) in self.0.iter().zip(parts) {
            match seg {
                Lit(word) if *word == part => {}
                Lit(_) => return None,
                Id(_) => ids.push(part.parse::<i64>().ok().filter(|id| *id > 0)?),
            }
        }
        Some(ids)
    }
}

/// Appends a whole number without the formatting machinery.
pub fn push_id(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

macro_rules! urls {
    ($( $(#[$doc:meta])* $name:ident = [$($seg:expr),*] $(=> fn $f:ident($($id:ident),*))? ; )*) => {
        $(
            $(#[$doc])*
            pub const $name: Pattern = Pattern(&[$($seg),*]);
            $(
                pub fn $f($($id: i64),*) -> String {
                    $name.fill(&[$($id),*])
                }
            )?
        )*
        /// Every pattern, for checks that nothing is left out.
        pub const ALL: &[Pattern] = &[$($name),*];
    };
}

urls! {
    // Students: the seed's URLs, unchanged.
    STUDENTS = [] => fn students();
    STUDENT_CREATE = [Lit("create")] => fn student_create();
    STUDENT = [Id("id")] => fn student(id);
    STUDENT_EDIT = [Id("id"), Lit("edit")] => fn student_edit(id);
    STUDENT_DELETE = [Id("id"), Lit("delete")] => fn student_delete(id);
    STUDENT_HISTORY = [Id("id"), Lit("history")] => fn student_history(id);
    STUDENT_TRANSCRIPT = [Id("id"), Lit("transcript")] => fn student_transcript(id);

    HANDLERS = [Lit("handlers")] => fn handlers();
    HANDLER_CREATE = [Lit("handlers"), Lit("create")] => fn handler_create();
    HANDLER = [Lit("handlers"), Id("id")] => fn handler(id);
    HANDLER_EDIT = [Lit("handlers"), Id("id"), Lit("edit")] => fn handler_edit(id);
    HANDLER_DELETE = [Lit("handlers"), Id("id"), Lit("delete")] => fn handler_delete(id);
    HANDLER_HISTORY = [Lit("handlers"), Id("id"), Lit("history")] => fn handler_history(id);

    PETS = [Lit("pets")] => fn pets();
    PET_CREATE = [Lit("pets"), Lit("create")] => fn pet_create();
    PET = [Lit("pets"), Id("id")] => fn pet(id);
    PET_EDIT = [Lit("pets"), Id("id"), Lit("edit")] => fn pet_edit(id);
    PET_DELETE = [Lit("pets"), Id("id"), Lit("delete")] => fn pet_delete(id);
    PET_HISTORY = [Lit("pets"), Id("id"), Lit("history")] => fn pet_history(id);
    COMMENT_CREATE = [Lit("pets"), Id("pet"), Lit("comments")] => fn comment_create(pet);
    PET_COMMENTS_BULK = [Lit("pets"), Id("id"), Lit("comments"), Lit("bulk")]
        => fn pet_comments_bulk(id);
    COMMENT_DELETE = [Lit("pets"), Id("pet"), Lit("comments"), Id("id"), Lit("delete")]
        => fn comment_delete(pet, id);

    STUDENT_ENROL = [Id("id"), Lit("enrol")] => fn student_enrol(id);
    STUDENT_LEAVE = [Id("student"), Lit("enrolments"), Id("id"), Lit("delete")]
        => fn student_leave(student, id);

    COURSES = [Lit("courses")] => fn courses();
    COURSE_CREATE = [Lit("courses"), Lit("create")] => fn course_create();
    COURSE = [Lit("courses"), Id("id")] => fn course(id);
    COURSE_EDIT = [Lit("courses"), Id("id"), Lit("edit")] => fn course_edit(id);
    COURSE_DELETE = [Lit("courses"), Id("id"), Lit("delete")] => fn course_delete(id);
    COURSE_HISTORY = [Lit("courses"), Id("id"), Lit("history")] => fn course_history(id);
    COURSE_ENROL = [Lit("courses"), Id("id"), Lit("enrol")] => fn course_enrol(id);
    COURSE_GRADES = [Lit("courses"), Id("id"), Lit("grades")] => fn course_grades(id);
    COURSE_TEACHERS = [Lit("courses"), Id("id"), Lit("teachers")] => fn course_teachers(id);
    COURSE_TEACHER_REMOVE = [Lit("courses"), Id("course"), Lit("teachers"), Id("id"), Lit("delete")]
        => fn course_teacher_remove(course, id);
    COURSE_TRANSCRIPTS = [Lit("courses"), Id("id"), Lit("transcripts")]
        => fn course_transcripts(id);
    COURSE_STUDENTS_BULK = [Lit("courses"), Id("id"), Lit("students"), Lit("bulk")]
        => fn course_students_bulk(id);
    COURSE_GRADE = [Lit("courses"), Id("course"), Lit("enrolments"), Id("id"), Lit("grade")]
        => fn course_grade(course, id);
    COURSE_UNENROL = [Lit("courses"), Id("course"), Lit("enrolments"), Id("id"), Lit("delete")]
        => fn course_unenrol(course, id);

    ACCOUNT = [Lit("account")] => fn account();
    ACCOUNT_DETAILS = [Lit("account"), Lit("details")] => fn account_details();
    ACCOUNT_EMAIL = [Lit("account"), Lit("email")] => fn account_email();
    ACCOUNT_PASSWORD = [Lit("account"), Lit("password")] => fn account_password();
    USERS = [Lit("users")] => fn users();
    USER_ROLE = [Lit("users"), Id("id"), Lit("role")] => fn user_role(id);
    USER_STATUS = [Lit("users"), Id("id"), Lit("status")] => fn user_status(id);
    ROLES = [Lit("roles")] => fn roles();
    ROLE = [Lit("roles"), Id("id")] => fn role(id);
    ROLE_DELETE = [Lit("roles"), Id("id"), Lit("delete")] => fn role_delete(id);

    CONTACT = [Lit("contact")] => fn contact();
    CONTACT_THANKS = [Lit("contact"), Lit("thanks")] => fn contact_thanks();
    MESSAGES = [Lit("messages")] => fn messages();
    MESSAGE = [Lit("messages"), Id("id")] => fn message(id);
    MESSAGE_UNREAD = [Lit("messages"), Id("id"), Lit("unread")] => fn message_unread(id);
    MESSAGE_DELETE = [Lit("messages"), Id("id"), Lit("delete")] => fn message_delete(id);

    DASHBOARD = [Lit("dashboard")] => fn dashboard();
    ACTIVITY = [Lit("activity")] => fn activity();
    TRASH = [Lit("trash")] => fn trash();
    TRASH_ENTRY = [Lit("trash"), Id("id")] => fn trash_entry(id);
    TRASH_PURGE = [Lit("trash"), Lit("purge")] => fn trash_purge();
    IMPORT = [Lit("import")] => fn import();
    IMPORT_STUDENTS = [Lit("import"), Lit("students")] => fn import_students();
    IMPORT_COURSES = [Lit("import"), Lit("courses")] => fn import_courses();
    IMPORT_ENROLMENTS = [Lit("import"), Lit("enrolments")] => fn import_enrolments();
    IMPORT_HANDLERS = [Lit("import"), Lit("handlers")] => fn import_handlers();
    IMPORT_PETS = [Lit("import"), Lit("pets")] => fn import_pets();
    IMPORT_RUN = [Lit("imports"), Id("id")] => fn import_run(id);
    BULK_STUDENTS = [Lit("bulk"), Lit("students")] => fn bulk_students();
    BULK_HANDLERS = [Lit("bulk"), Lit("handlers")] => fn bulk_handlers();
    BULK_PETS = [Lit("bulk"), Lit("pets")] => fn bulk_pets();
    BULK_COURSES = [Lit("bulk"), Lit("courses")] => fn bulk_courses();
    BULK_MESSAGES = [Lit("bulk"), Lit("messages")] => fn bulk_messages();
    BULK_ACCOUNTS = [Lit("bulk"), Lit("accounts")] => fn bulk_accounts();
    BATCH = [Lit("bulk"), Id("id")] => fn batch(id);
    BATCH_UNDO = [Lit("bulk"), Id("id"), Lit("undo")] => fn batch_undo(id);
    ABOUT = [Lit("about")] => fn about();
    LOGIN = [Lit("login")] => fn login();
    LOGOUT = [Lit("logout")] => fn logout();
    REGISTER = [Lit("register")] => fn register();
    SETTINGS = [Lit("settings")] => fn settings();
}

/// A record type's pages: its list, and the pages that add one, show one,
/// edit one, delete one and show its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordUrls {
    pub list: Pattern,
    pub create: Pattern,
    pub page: Pattern,
    pub edit: Pattern,
    pub delete: Pattern,
    pub history: Pattern,
    /// The confirmation of a bulk action on records of the type.
    pub bulk: Pattern,
}

macro_rules! record_urls {
    ($($name:ident = $list:ident, $create:ident, $page:ident, $edit:ident, $delete:ident,
        $history:ident, $bulk:ident;)*) => {
        $(
            pub const $name: RecordUrls = RecordUrls {
                list: $list,
                create: $create,
                page: $page,
                edit: $edit,
                delete: $delete,
                history: $history,
                bulk: $bulk,
            };
        )*
    };
}

record_urls! {
    STUDENT_PAGES = STUDENTS, STUDENT_CREATE, STUDENT, STUDENT_EDIT, STUDENT_DELETE,
        STUDENT_HISTORY, BULK_STUDENTS;
    HANDLER_PAGES = HANDLERS, HANDLER_CREATE, HANDLER, HANDLER_EDIT, HANDLER_DELETE,
        HANDLER_HISTORY, BULK_HANDLERS;
    PET_PAGES = PETS, PET_CREATE, PET, PET_EDIT, PET_DELETE, PET_HISTORY, BULK_PETS;
    COURSE_PAGES = COURSES, COURSE_CREATE, COURSE, COURSE_EDIT, COURSE_DELETE, COURSE_HISTORY,
        BULK_COURSES;
}

/// The pages anyone may see and whose forms anyone may send, signed in or
/// not; every other page and action asks to sign in first.
pub const PUBLIC: &[Pattern] = &[ABOUT, LOGIN, LOGOUT, REGISTER, CONTACT, CONTACT_THANKS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_fill_match_and_speak_axum() {
        assert_eq!(PET_EDIT.axum(), "/pets/{id}/edit/");
        assert_eq!(pet_edit(7), "/pets/7/edit/");
        assert_eq!(students(), "/");
        assert_eq!(STUDENTS.axum(), "/");
        assert_eq!(comment_delete(3, 9), "/pets/3/comments/9/delete/");
        assert_eq!(
            COMMENT_DELETE.matches("/pets/3/comments/9/delete/"),
            Some(vec![3, 9])
        );
        assert_eq!(STUDENT.matches("/12/"), Some(vec![12]));
        assert_eq!(STUDENT.matches("/0/"), None);
        assert_eq!(STUDENT.matches("/pets/"), None);
        assert_eq!(STUDENTS.matches("/"), Some(vec![]));
    }

    #[test]
    fn no_two_patterns_are_the_same() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.axum(), b.axum());
            }
        }
    }
}
