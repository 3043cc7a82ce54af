//! Bulk actions on a course's students: those ticked on the course's page
//! (or all on the page, or all its search matches) unenrolled, or given one
//! grade. The same bar, confirmation and batch as every list's bulk
//! actions (`crate::bulk`); what differs is what is chosen (enrolments of
//! one course) and the write (`Db::bulk_enrolments`).

use leptos::prelude::*;
use roster_core::domain::bulk::BulkInput;
use roster_core::domain::{urls, Kind};

use crate::bulk::{bulk_fields, BulkPreview, BulkRequest, BulkSet, SetOn};
use crate::components::status::failed;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{FieldSpec, Widget};
use crate::record::page::route_id;

/// A course's students' own bulk action: one grade for all.
pub const CLASS_SETS: &[BulkSet] = &[BulkSet {
    field: "grade",
    label: "Set the grade",
    fields: bulk_fields!(
        FieldSpec::new("grade", "Grade", Widget::Number).hint("From 0 to 100; empty: no grade.")
    ),
    on: SetOn::Records,
}];

/// The confirmation's contents for course `course`'s students.
#[leptos::server(name = ClassBulkPreviewFn, prefix = "/api", endpoint = "courses/bulk/preview")]
pub async fn class_bulk_preview(
    course: i64,
    request: BulkRequest,
) -> Result<BulkPreview, AppError> {
    crate::service::read(|ctx| async move { server::preview(&ctx, course, request).await }).await
}

/// Applies a bulk action to course `course`'s students; the batch's id.
#[leptos::server(name = ApplyClassBulkFn, prefix = "/api", endpoint = "courses/bulk/apply")]
pub async fn apply_class_bulk(course: i64, input: BulkInput) -> Result<i64, AppError> {
    crate::record::action::serve::<ClassBulkApply>(course, input).await
}

/// The Apply of a bulk action on a course's students.
pub struct ClassBulkApply;

impl FormAction for ClassBulkApply {
    const ROUTE: urls::Pattern = urls::COURSE_STUDENTS_BULK;
    type Ids = i64;
    type Input = BulkInput;
    type Output = i64;
    type Call = ApplyClassBulkFn;

    fn call(course: i64, input: BulkInput) -> ApplyClassBulkFn {
        ApplyClassBulkFn { course, input }
    }

    fn next(_: &i64, batch: &i64) -> String {
        format!("{}?done=1", urls::batch(*batch))
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        course: i64,
        input: BulkInput,
    ) -> Result<i64, AppError> {
        server::apply(ctx, course, input).await
    }
}

/// `/courses/{id}/students/bulk/`: the confirmation.
#[component]
pub fn ClassBulkPage() -> impl IntoView {
    let course = route_id("id");
    let asked = crate::bulk::asked();
    let preview = Resource::new(
        move || (course.try_get().flatten(), asked()),
        |(course, request)| async move {
            let version = request.version.clone();
            match course {
                Some(course) => class_bulk_preview(course, request)
                    .await
                    .map(|p| Some((course, p, version))),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(Some((course, preview, version))) => {
                        let fields = crate::bulk::fields_for(&preview.action, CLASS_SETS);
                        crate::bulk::confirmation_form::<ClassBulkApply>(preview, version, fields, course)
                    }
                    Ok(None) => crate::record::page::missing(Kind::Course, urls::COURSES),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[cfg(feature = "ssr")]
mod server {
    use roster_core::db::{BulkError, DbError};
    use roster_core::domain::bulk::{too_many, Bulk, BulkAction, Scope, Target, BULK_MAX};
    use roster_core::domain::{
        urls, Course, CourseStudents, Enrolment, EnrolmentsOf, FieldErrors, FormInput, GradeInput,
        Kind, QueryOf,
    };

    use super::{BulkInput, BulkPreview, BulkRequest, CLASS_SETS};
    use crate::bulk::server::{
        changed_conflict, join, list_query, parsed, shown_value, undo_refused,
    };
    use crate::error::AppError;
    use crate::html::Html;
    use crate::service::Ctx;

    /// The course's students the list `query` (its query string) shows.
    fn class_query(course: i64, query: &str) -> QueryOf<CourseStudents> {
        let mut query = list_query::<CourseStudents>(query);
        query.filter = EnrolmentsOf {
            course: Some(course),
            student: None,
        };
        query
    }

    /// The action asked, if the class list offers it: unenrol (`None`) or
    /// set the grade.
    fn offered(action: &BulkAction) -> Result<Option<&'static super::BulkSet>, AppError> {
        match action {
            BulkAction::Delete => Ok(None),
            BulkAction::Set(field) => CLASS_SETS
                .iter()
                .find(|s| s.field == field)
                .map(Some)
                .ok_or_else(|| {
                    AppError::Refused("A course's students have no such action.".into())
                }),
            // A download is a link on the confirmation page.
            BulkAction::Export(_) => Ok(None),
        }
    }

    /// The enrolments chosen, in the list's order.
    async fn chosen(
        ctx: &Ctx,
        course: i64,
        scope: Scope,
        ids: Vec<i64>,
        query: &QueryOf<CourseStudents>,
    ) -> Result<Vec<Enrolment>, AppError> {
        let ids = match scope {
            Scope::Selected => ids,
            Scope::Page => {
                let page = ctx.db.list::<CourseStudents>(query).await?;
                page.rows.iter().map(|e| e.id).collect()
            }
            Scope::All => {
                ctx.db
                    .matching_ids::<CourseStudents>(query, BULK_MAX + 1)
                    .await?
            }
        };
        if ids.len() > BULK_MAX {
            return Err(AppError::Refused(too_many()));
        }
        Ok(ctx.db.enrolments_of(course, &ids).await?)
    }

    pub(super) async fn preview(
        ctx: &Ctx,
        course: i64,
        request: BulkRequest,
    ) -> Result<BulkPreview, AppError> {
        ctx.actor
            .require(Kind::Enrolment, roster_core::domain::Op::View)?;
        let Some(found) = ctx.db.get::<Course>(course).await? else {
            return Err(AppError::NotFound(Kind::Course));
        };
        let action = BulkAction::parse(&request.action)
            .ok_or_else(|| AppError::Refused("Choose an action from the list's menu.".into()))?;
        let set = offered(&action)?;
        super::require_for(ctx, course, &action).await?;
        let scope = Scope::parse(&request.scope).unwrap_or(Scope::Selected);
        let query = class_query(course, &request.query);
        let chosen = chosen(ctx, course, scope, request.ids, &query).await?;
        let count = chosen.len();
        let n = Kind::Student.count(count as i64);
        let mut rows = Html::with_capacity(count * 120);
        for e in &chosen {
            let grade = e.grade.map(|g| g.to_string()).unwrap_or_default();
            rows.raw("<li><a href=\"")
                .path(urls::STUDENT, e.student_id)
                .raw("\">")
                .text(&e.student_name)
                .raw("</a> <span class=\"muted\">grade ")
                .text(&shown_value(&grade))
                .raw("</span></li>");
        }
        let mut download = None;
        let (heading, submit, totals) = match (set, &action) {
            (None, BulkAction::Export(format)) => {
                let only = match scope {
                    Scope::All => None,
                    _ => Some(join(chosen.iter().map(|e| e.id))),
                };
                download = Some(crate::bulk::export_href::<CourseStudents>(
                    &query, *format, only,
                ));
                let heading = format!("Download {n}");
                (heading.clone(), heading, None)
            }
            (None, _) => (
                format!("Unenrol {n} from {}?", found.code),
                format!("Unenrol {n}"),
                Some("Their grades in it go with them; one Undo puts everything back.".to_owned()),
            ),
            (Some(set), _) => (
                format!("{}: {n} in {}", set.label, found.code),
                format!("Apply to {n}"),
                None,
            ),
        };
        let blocked = (count == 0).then(|| {
            "No students were chosen: tick some rows, or choose “all that match”.".to_owned()
        });
        Ok(BulkPreview {
            action: action.param(),
            heading,
            submit,
            count,
            ids: match scope {
                Scope::All => String::new(),
                _ => join(chosen.iter().map(|e| e.id)),
            },
            scope: scope.as_str().to_owned(),
            query: request.query,
            rows: rows.into_string(),
            totals,
            blocked,
            back: format!("{}#enrolments", urls::course(course)),
            download,
        })
    }

    pub(super) async fn apply(ctx: &Ctx, course: i64, input: BulkInput) -> Result<i64, AppError> {
        let user = ctx.actor.require_user()?.id;
        let Bulk {
            action,
            target,
            count,
            mark,
        } = parsed(&input)?;
        let set = offered(&action)?;
        // Before any version check: a refused role learns nothing more.
        super::require_for(ctx, course, &action).await?;
        if let BulkAction::Export(_) = action {
            return Err(AppError::Refused(
                "A download changes nothing: it is a link on the confirmation page.".into(),
            ));
        }
        // The grade, through the grade form's own rules.
        let grade = match set {
            None => None,
            Some(set) => {
                let typed = input.values.get(set.field).cloned().unwrap_or_default();
                let form = GradeInput {
                    grade: typed,
                    version: String::new(),
                };
                Some(form.parse().map_err(|errors| {
                    let message = errors.messages().join(" ");
                    AppError::Invalid(FieldErrors::single(set.field, message))
                })?)
            }
        };
        let (scope, ids) = match &target {
            Target::Ids(ids) => (Scope::Selected, ids.clone()),
            Target::Matching { .. } => (Scope::All, Vec::new()),
        };
        let query = match &target {
            Target::Matching { query } => class_query(course, query),
            Target::Ids(_) => class_query(course, ""),
        };
        let chosen = chosen(ctx, course, scope, ids, &query).await?;
        let students: Vec<i64> = chosen.iter().map(|e| e.student_id).collect();
        let enrolments: Vec<i64> = chosen.iter().map(|e| e.id).collect();
        let shown_ids = match target {
            Target::Ids(_) => join(enrolments.iter().copied()),
            Target::Matching { .. } => String::new(),
        };
        // Enrolments ended, or (for "all that match") come or gone since
        // the confirmation.
        if chosen.len() != count {
            let changed = ctx.db.changed_since(Kind::Student, &students, mark).await?;
            return Err(
                changed_conflict(ctx, Kind::Student, shown_ids, count.max(1), changed).await,
            );
        }
        let done = ctx
            .db
            .bulk_enrolments(&ctx.by(), course, &enrolments, grade, mark)
            .await;
        match done {
            Ok(batch) => {
                tracing::info!(course, batch, count, user, "bulk action on a class");
                Ok(batch)
            }
            Err(BulkError::Changed(changed)) => {
                Err(changed_conflict(ctx, Kind::Student, shown_ids, count, changed).await)
            }
            Err(BulkError::Db(DbError::Stale)) | Err(BulkError::At { .. }) => {
                let changed = ctx.db.changed_since(Kind::Student, &students, mark).await?;
                Err(changed_conflict(ctx, Kind::Student, shown_ids, count, changed).await)
            }
            Err(other) => Err(undo_refused(other)),
        }
    }
}

/// What a class's bulk action needs: grading in course `course` (a
/// teacher's own courses included) or the action's grant.
#[cfg(feature = "ssr")]
async fn require_for(
    ctx: &crate::service::Ctx,
    course: i64,
    action: &roster_core::domain::bulk::BulkAction,
) -> Result<(), AppError> {
    use roster_core::domain::{bulk::BulkAction, Kind};
    match action {
        BulkAction::Set(_) => ctx.require_grading_in(course).await.map(|_| ()),
        other => ctx.actor.require(Kind::Enrolment, other.op()).map(|_| ()),
    }
}
