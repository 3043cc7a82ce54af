//! What every record type shares: the form action shape, create/edit/delete,
//! forms from field declarations, the list with its table, and the pages.
//! A record type (students, handlers, pets, …) brings its domain type, its
//! SQL, its fields, its columns and its own page body; the rest is here.

pub mod action;
pub mod crud;
pub mod form;
pub mod history;
pub mod list;
pub mod page;
pub mod view;

/// Every record type with pages of its own, each with its list: the one
/// place a new type is registered. Calls `$then!` with the list, in route
/// order: the first route that matches wins, so the students' pages (the
/// seed's `/{id}/` URLs) come last. The page routes (`crate::App`), the
/// plain form POSTs (the server's `forms`) and the generic tests
/// (`server/tests/records.rs`) are made from it.
#[macro_export]
macro_rules! record_types {
    ($then:ident) => {
        $then! {
            roster_core::domain::Handler => roster_core::domain::HandlerList,
            roster_core::domain::Pet => roster_core::domain::PetList,
            roster_core::domain::Course => roster_core::domain::CourseList,
            roster_core::domain::Student => roster_core::domain::StudentList,
        }
    };
}

/// The history page of record `id` of `kind`, for the registered types
/// (the others have no page of their own).
pub fn history_href(kind: roster_core::domain::Kind, id: i64) -> Option<String> {
    use roster_core::domain::Record;
    use view::RecordView;
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if kind == <$record as Record>::KIND {
                    return Some(<$record as RecordView>::HISTORY.fill(&[id]));
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    None
}
