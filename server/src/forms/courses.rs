//! Courses' forms, and enrolments from either side (a course's page, a
//! student's page).

use axum::Router;
use roster_app::enrolments::{CourseSide, Enrol, Leave, SetGrade, StudentSide};
use roster_core::domain::Course;

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::record::<Course>(router);
    let router = super::action::<Enrol<CourseSide>>(router);
    let router = super::action::<Enrol<StudentSide>>(router);
    let router = super::action::<Leave<CourseSide>>(router);
    let router = super::action::<Leave<StudentSide>>(router);
    super::action::<SetGrade>(router)
}
