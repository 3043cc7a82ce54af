//! Domain types. Everything here compiles to wasm: the same parsing rules run in
//! the browser (instant feedback) and on the server (the rules that count).

mod account;
pub mod bulk;
mod comment;
pub mod constraints;
mod course;
pub mod dashboard;
mod errors;
pub mod export;
pub mod grades;
mod handler;
mod history;
pub mod import;
mod kind;
pub mod list;
mod message;
mod pet;
mod record;
pub mod role;
mod student;
mod text;
mod time;
mod transcript;
mod trash;
pub mod urls;

pub use account::{
    safe_next, Account, AccountDetails, AccountFilter, AccountFlagInput, AccountFlags, AccountList,
    AccountSort, Credentials, CurrentUser, DetailsInput, DisplayName, EmailInput, LoginInput,
    NewAccount, Password, PasswordChange, PasswordInput, RegisterInput, Username, DISPLAY_NAME_MAX,
    PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN,
};
pub use comment::{
    Comment, CommentInput, CommentList, CommentSort, CommentText, CommentsOf, COMMENT_MAX,
};
pub use course::{
    whole_number, Course, CourseCode, CourseFilter, CourseInput, CourseList, CourseSort,
    CourseStudents, CourseTitle, Description, EnrolInput, Enrolment, EnrolmentSort, EnrolmentsOf,
    GradeChange, GradeInput, GradeSheetInput, NewCourse, NewEnrolment, SheetRow, StudentCourses,
    ALREADY_ENROLLED, CAPACITY_MAX, CODE_MAX, COURSE_FULL, COURSE_TITLE_MAX, DESCRIPTION_MAX,
    GRADE_MAX, SHEET_MAX,
};
pub use dashboard::{CourseFill, Dashboard, Total};
pub use errors::{FieldError, FieldErrors};
pub use grades::GradeStats;
pub use handler::{
    Handler, HandlerInput, HandlerList, HandlerName, HandlerSort, NewHandler, HANDLER_NAME_MAX,
};
pub use history::{
    field_changes, Action, ActivityFilter, ActivityList, ActivitySort, HistoryEntry, RestoreInput,
};
pub use kind::{capitalise, Kind};
pub use list::{
    AddedBetween, Facet, FacetChoice, FacetCounts, ListFilter, ListQuery, Listing, NoFilter, Page,
    QueryOf, SortKey, PAGE_SIZES,
};
pub use message::{
    ContactInput, Message, MessageFilter, MessageList, MessageSort, NewMessage, MESSAGE_MAX,
    SENDER_MAX, SUBJECT_MAX,
};
pub use pet::{
    category_href, Category, NewPet, Pet, PetFilter, PetInput, PetList, PetName, PetSort,
    CATEGORY_MAX, PET_NAME_MAX,
};
pub use record::{
    from_fields, parse_version, seen_fields, to_fields, Change, Conflict, DeleteInput, Deletion,
    Edit, FormInput, NoFields, Record,
};
pub use role::{BuiltinRole, Grants, Op, Role, RoleRow, Teacher, MATRIX_KINDS};
pub use student::{
    Age, Bio, Email, NewStudent, PersonName, Student, StudentInput, StudentList, StudentSort,
    BIO_MAX, EMAIL_MAX, NAME_MAX,
};
pub use text::{Line, Phone, Text, PHONE_MAX};
pub use time::{Date, Timestamp};
pub use transcript::{Transcript, TranscriptLine, Transcripts};
pub use trash::{Deleted, TrashEntry, TrashFilter, TrashList, TrashSort, TrashView, UndeleteInput};
