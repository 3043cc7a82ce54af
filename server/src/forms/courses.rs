//! Enrolments from either side (a course's page, a student's page); the
//! course's own forms come from the registry.

use axum::Router;
use roster_app::enrolments::{CourseSide, Enrol, Leave, SaveGrades, SetGrade, StudentSide};

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::action::<Enrol<CourseSide>>(router);
    let router = super::action::<Enrol<StudentSide>>(router);
    let router = super::action::<Leave<CourseSide>>(router);
    let router = super::action::<Leave<StudentSide>>(router);
    let router = super::action::<SaveGrades>(router);
    let router = super::action::<roster_app::courses::teachers::AssignTeacher>(router);
    let router = super::action::<roster_app::courses::teachers::RemoveTeacher>(router);
    super::action::<SetGrade>(router)
}
