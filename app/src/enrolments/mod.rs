//! Enrolments: the link between students and courses, with its own data
//! (when, the final grade). Shown from both sides: a course's students on
//! the course's page, a student's courses on the student's page, each with
//! a form to enrol (a picker) and a button to leave.

use roster_core::domain::{
    urls, CourseStudents, EnrolInput, Enrolment, GradeInput, StudentCourses,
};

use crate::error::AppError;

mod actions;
mod bulk;
mod sheet;
pub mod stats;
mod views;

pub use actions::{Enrol, Leave, SetGrade};
pub use bulk::{ClassBulkApply, ClassBulkPage};
pub use sheet::{GradeSheetPage, SaveGrades};
pub use views::{course_students, student_courses};

crate::list_api!(list_course_students / ListCourseStudents = "courses/students" for CourseStudents);

crate::list_api!(list_student_courses / ListStudentCourses = "students/courses" for StudentCourses);

#[leptos::server(prefix = "/api", endpoint = "courses/enrol")]
pub async fn enrol_student(course: i64, input: EnrolInput) -> Result<i64, AppError> {
    crate::record::action::serve::<Enrol<CourseSide>>(course, input).await
}

#[leptos::server(prefix = "/api", endpoint = "students/enrol")]
pub async fn join_course(student: i64, input: EnrolInput) -> Result<i64, AppError> {
    crate::record::action::serve::<Enrol<StudentSide>>(student, input).await
}

#[leptos::server(prefix = "/api", endpoint = "courses/unenrol")]
pub async fn unenrol_student(course: i64, id: i64) -> Result<i64, AppError> {
    crate::record::action::serve::<Leave<CourseSide>>(
        (course, id),
        roster_core::domain::NoFields {},
    )
    .await
}

#[leptos::server(prefix = "/api", endpoint = "students/leave")]
pub async fn leave_course(student: i64, id: i64) -> Result<i64, AppError> {
    crate::record::action::serve::<Leave<StudentSide>>(
        (student, id),
        roster_core::domain::NoFields {},
    )
    .await
}

/// Which page an enrolment is seen from: the course's or the student's.
pub trait Side: Send + Sync + 'static {
    const ENROL: urls::Pattern;
    const LEAVE: urls::Pattern;
    /// The page, and its section of enrolments.
    const PAGE: urls::Pattern;
    /// The picker's field: the other side.
    const PICK: &'static str;
    type EnrolCall: leptos::server_fn::ServerFn<Output = i64, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static;
    type LeaveCall: leptos::server_fn::ServerFn<Output = i64, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static;

    fn enrol_call(parent: i64, input: EnrolInput) -> Self::EnrolCall;
    fn leave_call(parent: i64, id: i64) -> Self::LeaveCall;
    /// The form, with this side's id filled in.
    fn fill(input: &mut EnrolInput, parent: i64);
    /// Whether enrolment `e` belongs to `parent` on this side.
    fn owns(e: &Enrolment, parent: i64) -> bool;
}

pub struct CourseSide;
pub struct StudentSide;

impl Side for CourseSide {
    const ENROL: urls::Pattern = urls::COURSE_ENROL;
    const LEAVE: urls::Pattern = urls::COURSE_UNENROL;
    const PAGE: urls::Pattern = urls::COURSE;
    const PICK: &'static str = "student_id";
    type EnrolCall = EnrolStudent;
    type LeaveCall = UnenrolStudent;

    fn enrol_call(course: i64, input: EnrolInput) -> EnrolStudent {
        EnrolStudent { course, input }
    }
    fn leave_call(course: i64, id: i64) -> UnenrolStudent {
        UnenrolStudent { course, id }
    }
    fn fill(input: &mut EnrolInput, course: i64) {
        input.course_id = course.to_string();
    }
    fn owns(e: &Enrolment, course: i64) -> bool {
        e.course_id == course
    }
}

impl Side for StudentSide {
    const ENROL: urls::Pattern = urls::STUDENT_ENROL;
    const LEAVE: urls::Pattern = urls::STUDENT_LEAVE;
    const PAGE: urls::Pattern = urls::STUDENT;
    const PICK: &'static str = "course_id";
    type EnrolCall = JoinCourse;
    type LeaveCall = LeaveCourse;

    fn enrol_call(student: i64, input: EnrolInput) -> JoinCourse {
        JoinCourse { student, input }
    }
    fn leave_call(student: i64, id: i64) -> LeaveCourse {
        LeaveCourse { student, id }
    }
    fn fill(input: &mut EnrolInput, student: i64) {
        input.student_id = student.to_string();
    }
    fn owns(e: &Enrolment, student: i64) -> bool {
        e.student_id == student
    }
}

/// What course `course`'s grades say (its page's figures and chart).
#[leptos::server(prefix = "/api", endpoint = "courses/stats")]
pub async fn course_stats(course: i64) -> Result<roster_core::domain::GradeStats, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(
            roster_core::domain::Kind::Course,
            roster_core::domain::Op::View,
        )?;
        ctx.db
            .grade_stats(course)
            .await?
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Course))
    })
    .await
}

/// The grade server function's arguments (named apart from the action).
pub type SetGradeCall = SetGradeFn;

#[leptos::server(name = SetGradeFn, prefix = "/api", endpoint = "courses/set-grade")]
pub async fn set_grade_fn(course: i64, id: i64, input: GradeInput) -> Result<i64, AppError> {
    crate::record::action::serve::<SetGrade>((course, id), input).await
}
