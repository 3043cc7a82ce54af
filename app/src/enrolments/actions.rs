//! The enrolment writes as form actions: enrol and leave (from either
//! side), and the grade.

use std::marker::PhantomData;

use roster_core::domain::{urls, EnrolInput, GradeInput, NoFields};

#[cfg(feature = "ssr")]
use crate::error::AppError;
use crate::record::action::FormAction;

use super::{SetGradeCall, Side};

fn section(page: urls::Pattern, id: i64) -> String {
    format!("{}#enrolments", page.fill(&[id]))
}

/// Enrols a student in a course, from either side's page.
pub struct Enrol<S>(PhantomData<S>);

impl<S: Side> FormAction for Enrol<S> {
    const ROUTE: urls::Pattern = S::ENROL;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> = Some((
        roster_core::domain::Kind::Enrolment,
        roster_core::domain::Op::Add,
    ));
    type Ids = i64;
    type Input = EnrolInput;
    type Output = i64;
    type Call = S::EnrolCall;

    fn call(parent: i64, input: EnrolInput) -> S::EnrolCall {
        S::enrol_call(parent, input)
    }

    fn next(parent: &i64, _: &i64) -> String {
        section(S::PAGE, *parent)
    }

    fn page(parent: &i64) -> String {
        S::PAGE.fill(&[*parent])
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        parent: i64,
        mut input: EnrolInput,
    ) -> Result<i64, AppError> {
        use roster_core::db::DbError;
        use roster_core::domain::{FieldErrors, FormInput};
        let user = ctx.actor.require_user()?.id;
        S::fill(&mut input, parent);
        let new = input.parse().map_err(AppError::Invalid)?;
        match ctx.db.enrol(&ctx.by(), &new).await {
            Ok(enrolment) => {
                tracing::info!(
                    course = new.course_id,
                    student = new.student_id,
                    user,
                    "enrolled"
                );
                Ok(enrolment.id)
            }
            Err(DbError::Constraint(name)) if name == "enrolments_pair_key" => {
                Err(AppError::Invalid(FieldErrors::single(
                    S::PICK,
                    roster_core::domain::ALREADY_ENROLLED,
                )))
            }
            Err(DbError::Full) => Err(AppError::Refused(roster_core::domain::COURSE_FULL.into())),
            Err(e) => Err(e.into()),
        }
    }
}

/// Ends an enrolment, from either side's page.
pub struct Leave<S>(PhantomData<S>);

impl<S: Side> FormAction for Leave<S> {
    const ROUTE: urls::Pattern = S::LEAVE;
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> = Some((
        roster_core::domain::Kind::Enrolment,
        roster_core::domain::Op::Delete,
    ));
    type Ids = (i64, i64);
    type Input = NoFields;
    type Output = i64;
    type Call = S::LeaveCall;

    fn call((parent, id): (i64, i64), _: NoFields) -> S::LeaveCall {
        S::leave_call(parent, id)
    }

    fn next((parent, _): &(i64, i64), _: &i64) -> String {
        section(S::PAGE, *parent)
    }

    fn page((parent, _): &(i64, i64)) -> String {
        S::PAGE.fill(&[*parent])
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        (parent, id): (i64, i64),
        _: NoFields,
    ) -> Result<i64, AppError> {
        let user = ctx.actor.require_user()?.id;
        let enrolment = ctx
            .db
            .get_enrolment(id)
            .await?
            .filter(|e| S::owns(e, parent))
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Enrolment))?;
        ctx.db.unenrol(&ctx.by(), id).await?;
        tracing::info!(
            course = enrolment.course_id,
            student = enrolment.student_id,
            user,
            "unenrolled"
        );
        Ok(id)
    }
}

/// Sets the final grade of an enrolment, on the course's page.
pub struct SetGrade;

impl FormAction for SetGrade {
    const ROUTE: urls::Pattern = urls::COURSE_GRADE;
    // Grading is the role's enrolment change grant, or the teacher's in
    // the courses they teach: `run` checks the first, the write the course.
    type Ids = (i64, i64);
    type Input = GradeInput;
    type Output = i64;
    type Call = SetGradeCall;

    fn call((course, id): (i64, i64), input: GradeInput) -> SetGradeCall {
        SetGradeCall { course, id, input }
    }

    fn next((course, _): &(i64, i64), _: &i64) -> String {
        section(urls::COURSE, *course)
    }

    fn page((course, _): &(i64, i64)) -> String {
        urls::course(*course)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        (course, id): (i64, i64),
        input: GradeInput,
    ) -> Result<i64, AppError> {
        use roster_core::domain::FormInput;
        let user = ctx.require_grading_in(course).await?.id;
        let grade = input.parse().map_err(AppError::Invalid)?;
        let version =
            roster_core::domain::parse_version(&input.version).map_err(AppError::Refused)?;
        let enrolment = ctx
            .db
            .get_enrolment(id)
            .await?
            .filter(|e| e.course_id == course)
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Enrolment))?;
        match ctx.db.set_grade(&ctx.by(), id, version, grade).await {
            Ok(()) => {
                tracing::info!(course, enrolment = id, user, "grade set");
                Ok(id)
            }
            Err(roster_core::db::DbError::Stale) => {
                let shown = |grade: Option<i64>| {
                    grade
                        .map(|g| g.to_string())
                        .unwrap_or_else(|| "no grade".into())
                };
                let now = ctx.db.get_enrolment(id).await?.and_then(|e| e.grade);
                Err(AppError::Refused(format!(
                    "Someone else changed {}'s grade since you opened this page (it is now {}), \
                     so yours ({}) was not saved. Save it again to keep it.",
                    enrolment.student_name,
                    shown(now),
                    shown(grade),
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}
