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

/// What a registered record type declares for its pages, found by its
/// kind (for pages that show records of any type: the activity log, the
/// trash).
#[derive(Clone, Copy)]
pub struct Declared {
    pub urls: roster_core::domain::urls::RecordUrls,
    pub fields: &'static [form::FieldSpec],
    pub restore_fields: &'static [form::FieldSpec],
}

impl Declared {
    /// The label a form gives field `name` (the name, capitalised, if the
    /// form has none).
    pub fn label(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.name == name && !f.label.is_empty())
            .map_or_else(
                || roster_core::domain::capitalise(name),
                |f| f.label.to_owned(),
            )
    }
}

/// The declaration of `kind`, if it is a registered type (the others have
/// no pages of their own).
pub fn declared(kind: roster_core::domain::Kind) -> Option<Declared> {
    use roster_core::domain::Record;
    use view::RecordView;
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if kind == <$record as Record>::KIND {
                    return Some(Declared {
                        urls: <$record as RecordView>::URLS,
                        fields: <$record as RecordView>::FIELDS,
                        restore_fields: <$record as RecordView>::RESTORE_FIELDS,
                    });
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    None
}

/// The history page of record `id` of `kind`, for the registered types.
pub fn history_href(kind: roster_core::domain::Kind, id: i64) -> Option<String> {
    declared(kind).map(|d| d.urls.history.fill(&[id]))
}

/// Brings trash entry `trash`, a record of `kind`, back (see
/// [`crud::undelete`]); answers the record's page.
#[cfg(feature = "ssr")]
pub async fn undelete(
    ctx: &crate::service::Ctx,
    kind: roster_core::domain::Kind,
    trash: &roster_core::domain::TrashEntry,
    parent: Option<i64>,
) -> Result<String, crate::error::AppError> {
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if kind == <$record as roster_core::domain::Record>::KIND {
                    return crud::undelete::<$record>(ctx, trash, parent).await;
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    Err(crate::error::AppError::NotFound(kind))
}

/// Whether trash entry `trash`, a record of `kind`, can only come back with
/// a new parent (see `Db::parent_gone`).
#[cfg(feature = "ssr")]
pub async fn parent_gone(
    db: &roster_core::db::Db,
    kind: roster_core::domain::Kind,
    trash: i64,
) -> Result<bool, crate::error::AppError> {
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if kind == <$record as roster_core::domain::Record>::KIND {
                    return Ok(db.parent_gone::<$record>(trash).await?);
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    Ok(false)
}
