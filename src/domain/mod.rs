//! Domain types. Everything here compiles to wasm: the same parsing rules run in
//! the browser (instant feedback) and on the server (the rules that count).

mod account;
mod errors;
mod list;
mod student;
mod time;

pub use account::{
    safe_next, Credentials, CurrentUser, LoginInput, NewAccount, Password, RegisterInput, Username,
    PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN,
};
pub use errors::{FieldError, FieldErrors};
pub use list::{ListQuery, SortKey, StudentPage, PAGE_SIZES};
pub use student::{
    Age, Bio, Email, NewStudent, PersonName, Student, StudentInput, BIO_MAX, EMAIL_MAX, NAME_MAX,
};
pub use time::Timestamp;
