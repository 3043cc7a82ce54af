//! Create, edit and delete, once for every record type. A record type's
//! server functions (from [`crate::record_api!`]) call these actions, and
//! so do the plain form POSTs; the database work is the type's
//! [`crate::service::Store`].

use std::marker::PhantomData;

use roster_core::domain::{DeleteInput, Deleted, RestoreInput};

use super::action::FormAction;
use super::view::RecordView;
#[cfg(feature = "ssr")]
use crate::error::AppError;

/// Adds a record of type `R`; answers its id.
pub struct Create<R>(PhantomData<R>);
/// Saves a record of type `R` over the version the form was opened at.
pub struct Edit<R>(PhantomData<R>);
/// Deletes a record of type `R` that is still at the version confirmed,
/// into the trash; answers its title and trash entry (for the notice that
/// says so, with its Undo button).
pub struct Delete<R>(PhantomData<R>);
/// Puts back a record of type `R` as it was after an entry of its history
/// (posted to its history page); answers its id.
pub struct RestoreVersion<R>(PhantomData<R>);

impl<R: RecordView> FormAction for Create<R> {
    const ROUTE: roster_core::domain::urls::Pattern = R::CREATE;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> =
        Some((R::KIND, roster_core::domain::Op::Add));
    type Ids = ();
    type Input = R::Input;
    type Output = i64;
    type Call = R::CreateCall;

    fn call(_: (), input: R::Input) -> R::CreateCall {
        R::create_call(input)
    }

    fn next(_: &(), id: &i64) -> String {
        R::created_href(*id)
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: R::Input) -> Result<i64, AppError> {
        use roster_core::domain::FormInput;
        let user = ctx.actor.require(R::KIND, roster_core::domain::Op::Add)?.id;
        let valid = input.parse().map_err(AppError::Invalid)?;
        let record = ctx.db.create::<R>(&ctx.by(), &valid).await?;
        tracing::info!(kind = R::KIND.noun(), id = record.id(), user, "created");
        Ok(record.id())
    }
}

impl<R: RecordView> FormAction for Edit<R> {
    const ROUTE: roster_core::domain::urls::Pattern = R::EDIT;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> =
        Some((R::KIND, roster_core::domain::Op::Change));
    type Ids = i64;
    type Input = R::Input;
    type Output = i64;
    type Call = R::EditCall;

    fn call(id: i64, input: R::Input) -> R::EditCall {
        R::edit_call(id, input)
    }

    fn next(id: &i64, _: &i64) -> String {
        format!("{}?updated=1", R::PAGE.fill(&[*id]))
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, input: R::Input) -> Result<i64, AppError> {
        use roster_core::domain::{parse_version, FormInput};
        let user = ctx
            .actor
            .require(R::KIND, roster_core::domain::Op::Change)?
            .id;
        let valid = input.parse().map_err(AppError::Invalid)?;
        let version =
            parse_version(input.version().unwrap_or_default()).map_err(AppError::Refused)?;
        let edit = roster_core::domain::Action::Edited;
        match ctx
            .db
            .update::<R>(&ctx.by(), edit, (id, version), &valid)
            .await
        {
            Ok(record) => {
                tracing::info!(kind = R::KIND.noun(), id, user, "updated");
                Ok(record.id())
            }
            Err(e) => Err(crate::service::conflict(e, || ctx.db.get::<R>(id)).await),
        }
    }
}

impl<R: RecordView> FormAction for Delete<R> {
    const ROUTE: roster_core::domain::urls::Pattern = R::DELETE;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> =
        Some((R::KIND, roster_core::domain::Op::Delete));
    type Ids = i64;
    type Input = DeleteInput;
    type Output = Deleted;
    type Call = R::DeleteCall;

    fn call(id: i64, input: DeleteInput) -> R::DeleteCall {
        R::delete_call(id, input)
    }

    fn next(_: &i64, deleted: &Deleted) -> String {
        R::deleted_href(deleted)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        id: i64,
        input: DeleteInput,
    ) -> Result<Deleted, AppError> {
        use roster_core::domain::FormInput;
        let user = ctx
            .actor
            .require(R::KIND, roster_core::domain::Op::Delete)?
            .id;
        let deletion = input.parse().map_err(|e| match e.get("version") {
            Some(message) => AppError::Refused(message.to_owned()),
            None => AppError::Invalid(e),
        })?;
        let Some(record) = ctx.db.get::<R>(id).await? else {
            return Err(AppError::NotFound(R::KIND));
        };
        match ctx
            .db
            .delete::<R>(&ctx.by(), id, deletion.version, deletion.move_to)
            .await
        {
            Ok(removed) => {
                let (to, moved, trash) = (deletion.move_to, removed.moved, removed.trash);
                tracing::info!(kind = R::KIND.noun(), id, user, moved, to, trash, "deleted");
                Ok(Deleted {
                    title: record.title(),
                    trash,
                })
            }
            Err(e) => Err(
                match crate::service::conflict(e, || ctx.db.get::<R>(id)).await {
                    AppError::Conflict(conflict) => {
                        let mut conflict = conflict.deleting(&input.seen);
                        // Fields by the labels the forms give them.
                        for change in &mut conflict.changed {
                            if let Some(spec) = R::FIELDS.iter().find(|f| f.name == change.field) {
                                change.field = spec.label.to_owned();
                            }
                        }
                        AppError::Conflict(conflict)
                    }
                    other => other,
                },
            ),
        }
    }
}

impl<R: RecordView> FormAction for RestoreVersion<R> {
    const ROUTE: roster_core::domain::urls::Pattern = R::HISTORY;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> =
        Some((R::KIND, roster_core::domain::Op::Change));
    type Ids = i64;
    type Input = RestoreInput;
    type Output = i64;
    type Call = R::RestoreCall;

    fn call(id: i64, input: RestoreInput) -> R::RestoreCall {
        R::restore_call(id, input)
    }

    fn next(id: &i64, _: &i64) -> String {
        format!("{}?restored=1", R::PAGE.fill(&[*id]))
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, input: RestoreInput) -> Result<i64, AppError> {
        use roster_core::domain::{from_fields, FormInput};
        let user = ctx.actor.require_user()?.id;
        let (entry, version) = input
            .parse()
            .map_err(|e| AppError::Refused(e.get("version").unwrap_or_default().to_owned()))?;
        let Some(mut fields) = ctx.db.version_at::<R>(id, entry).await? else {
            return Err(AppError::NotFound(R::KIND));
        };
        fields.retain(|(name, _)| name != "version");
        fields.push(("version".into(), version.to_string()));
        let values: R::Input = from_fields(fields);
        // A value the rules refuse now (an email taken since) is named with
        // its field's label: this page shows no fields.
        let valid = values
            .parse()
            .map_err(|errors| refused_fields::<R>(&errors))?;
        let restore = roster_core::domain::Action::Restored;
        match ctx
            .db
            .update::<R>(&ctx.by(), restore, (id, version), &valid)
            .await
        {
            Ok(_) => {
                tracing::info!(kind = R::KIND.noun(), id, entry, user, "version restored");
                Ok(id)
            }
            Err(e) => Err(
                match crate::service::conflict(e, || ctx.db.get::<R>(id)).await {
                    AppError::Invalid(errors) => refused_fields::<R>(&errors),
                    other => other,
                },
            ),
        }
    }
}

/// Brings back trash entry `trash`, a record of type `R` (see
/// `Db::undelete`); answers the record's page. A parent that is gone is
/// asked for again at the `parent` field when the type offers a choice
/// ([`RecordView::RESTORE_FIELDS`]); any other refusal says what stands in
/// the way.
#[cfg(feature = "ssr")]
pub async fn undelete<R: RecordView>(
    ctx: &crate::service::Ctx,
    trash: &roster_core::domain::TrashEntry,
    parent: Option<i64>,
) -> Result<String, AppError> {
    use roster_core::db::{DbError, Rule};
    use roster_core::domain::{constraints::field_message, FieldErrors};
    let user = ctx.actor.require_user()?.id;
    let cannot =
        |why: String| AppError::Refused(format!("{} cannot be restored now: {why}.", trash.title));
    match ctx.db.undelete::<R>(&ctx.by(), trash.id, parent).await {
        Ok(id) => {
            tracing::info!(
                kind = R::KIND.noun(),
                id,
                trash = trash.id,
                user,
                "undeleted"
            );
            Ok(R::PAGE.fill(&[id]))
        }
        Err(DbError::CannotRestore(why)) => Err(cannot(why)),
        Err(DbError::Constraint(name)) => {
            let parent_rule = R::RULES.iter().find_map(|rule| match rule {
                Rule::Parent {
                    constraint, column, ..
                } if *constraint == name => Some(*column),
                _ => None,
            });
            let label = |field: &str| {
                R::FIELDS
                    .iter()
                    .find(|f| f.name == field)
                    .map_or(field.to_owned(), |f| f.label.to_lowercase())
            };
            match (parent_rule, R::RESTORE_FIELDS.first()) {
                (Some(column), Some(choice)) => Err(AppError::Invalid(FieldErrors::single(
                    choice.name,
                    format!("Its {} is no longer there: choose another.", label(column)),
                ))),
                (Some(column), None) => Err(cannot(format!("its {} is gone", label(column)))),
                (None, _) => match field_message(&name) {
                    Some((field, message)) => Err(cannot(format!(
                        "{} ({})",
                        message.trim_end_matches('.'),
                        label(field)
                    ))),
                    None => Err(DbError::Constraint(name).into()),
                },
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Field errors as one refusal that names each field by its label.
#[cfg(feature = "ssr")]
fn refused_fields<R: RecordView>(errors: &roster_core::domain::FieldErrors) -> AppError {
    let named: Vec<String> = R::FIELDS
        .iter()
        .filter_map(|f| errors.get(f.name).map(|e| format!("{}: {e}", f.label)))
        .collect();
    AppError::Refused(format!(
        "This version cannot be restored now. {}",
        named.join(" ")
    ))
}

/// The server functions of a record type: get, create, update, delete, each
/// a thin call into the shared actions, and (for a list without extras
/// around its rows) the list.
#[macro_export]
macro_rules! record_api {
    ($record:ty, $input:ty,
        get: $get:ident / $Get:ident = $get_url:literal,
        create: $create:ident / $Create:ident = $create_url:literal,
        update: $update:ident / $Update:ident = $update_url:literal,
        delete: $delete:ident / $Delete:ident = $delete_url:literal,
        restore: $restore:ident / $Restore:ident = $restore_url:literal
        $(, list: $list:ident / $List:ident = $list_url:literal for $listing:ty)? $(,)?
    ) => {
        $($crate::list_api!($list / $List = $list_url for $listing);)?

        #[leptos::server(name = $Get, prefix = "/api", endpoint = $get_url)]
        pub async fn $get(id: i64) -> Result<Option<$record>, $crate::error::AppError> {
            $crate::service::read(|ctx| async move {
                use roster_core::domain::Record as _;
                ctx.actor.require(<$record>::KIND, roster_core::domain::Op::View)?;
                Ok(ctx.db.get::<$record>(id).await?)
            })
            .await
        }

        #[leptos::server(name = $Create, prefix = "/api", endpoint = $create_url)]
        pub async fn $create(input: $input) -> Result<i64, $crate::error::AppError> {
            $crate::record::action::serve::<$crate::record::crud::Create<$record>>((), input).await
        }

        #[leptos::server(name = $Update, prefix = "/api", endpoint = $update_url)]
        pub async fn $update(id: i64, input: $input) -> Result<i64, $crate::error::AppError> {
            $crate::record::action::serve::<$crate::record::crud::Edit<$record>>(id, input).await
        }

        #[leptos::server(name = $Delete, prefix = "/api", endpoint = $delete_url)]
        pub async fn $delete(
            id: i64,
            input: roster_core::domain::DeleteInput,
        ) -> Result<roster_core::domain::Deleted, $crate::error::AppError> {
            $crate::record::action::serve::<$crate::record::crud::Delete<$record>>(id, input).await
        }

        #[leptos::server(name = $Restore, prefix = "/api", endpoint = $restore_url)]
        pub async fn $restore(
            id: i64,
            input: roster_core::domain::RestoreInput,
        ) -> Result<i64, $crate::error::AppError> {
            $crate::record::action::serve::<$crate::record::crud::RestoreVersion<$record>>(id, input)
                .await
        }

        impl $crate::record::view::Calls for $record {
            type CreateCall = $Create;
            type RestoreCall = $Restore;
            type EditCall = $Update;
            type DeleteCall = $Delete;

            fn create_call(input: $input) -> $Create {
                $Create { input }
            }
            fn edit_call(id: i64, input: $input) -> $Update {
                $Update { id, input }
            }
            fn delete_call(id: i64, input: roster_core::domain::DeleteInput) -> $Delete {
                $Delete { id, input }
            }
            fn restore_call(id: i64, input: roster_core::domain::RestoreInput) -> $Restore {
                $Restore { id, input }
            }
            fn fetch(
                id: i64,
            ) -> impl std::future::Future<Output = Result<Option<$record>, $crate::error::AppError>>
                   + Send
                   + 'static {
                $get(id)
            }
        }
    };
}
