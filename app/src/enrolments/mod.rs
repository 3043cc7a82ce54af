//! Enrolments: the link between students and courses, with its own data
//! (when, the final grade). Shown from both sides: a course's students on
//! the course's page, a student's courses on the student's page, each with
//! a form to enrol (a picker) and a button to leave.

use std::marker::PhantomData;

use leptos::prelude::*;
use roster_core::domain::{
    urls, Course, CourseStudents, EnrolInput, Enrolment, EnrolmentSort, EnrolmentsOf, GradeInput,
    NoFields, QueryOf, Student, StudentCourses,
};

use crate::components::picker::{picker, Choice, PickSource};
use crate::components::status::Notice;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldCtx, FieldSpec, FormConfig, Then, Widget};
use crate::record::list::{
    changes, prepare_list, Column, ListChunk, ListConfig, ListView, RowAction,
};
use crate::record::page::Related;

#[leptos::server(prefix = "/api", endpoint = "courses/students")]
pub async fn list_course_students(query: QueryOf<CourseStudents>) -> Result<ListChunk, AppError> {
    crate::service::read(|ctx| async move {
        let page = ctx.db.course_students(&query.sanitized()).await?;
        Ok(crate::record::list::chunk::<CourseStudents>(
            page,
            Vec::new(),
            &ctx.actor,
        ))
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "students/courses")]
pub async fn list_student_courses(query: QueryOf<StudentCourses>) -> Result<ListChunk, AppError> {
    crate::service::read(|ctx| async move {
        let page = ctx.db.student_courses(&query.sanitized()).await?;
        Ok(crate::record::list::chunk::<StudentCourses>(
            page,
            Vec::new(),
            &ctx.actor,
        ))
    })
    .await
}

/// Students to enrol: the chosen one first, then those whose name or email
/// contains `q`.
#[leptos::server(prefix = "/api", endpoint = "students/find")]
pub async fn find_students(chosen: Option<i64>, q: String) -> Result<Vec<Choice>, AppError> {
    crate::service::read(|ctx| async move {
        let mut query = QueryOf::<roster_core::domain::StudentList> {
            search: q.chars().take(100).collect(),
            per_page: crate::components::picker::MATCHES as u32,
            sort: roster_core::domain::StudentSort::NameAsc,
            ..Default::default()
        };
        let mut choices = Vec::new();
        if let Some(student) = match chosen {
            Some(id) => ctx.db.get_student(id).await?,
            None => None,
        } {
            choices.push(Choice {
                id: student.id,
                label: student.full_name(),
                detail: student.email,
            });
        }
        if !query.search.trim().is_empty() {
            query.search = query.search.trim().to_owned();
            let page = ctx.db.list_students(&query).await?;
            choices.extend(
                page.rows
                    .into_iter()
                    .filter(|s| Some(s.id) != chosen)
                    .map(|s| Choice {
                        id: s.id,
                        label: s.full_name(),
                        detail: s.email,
                    }),
            );
        }
        Ok(choices)
    })
    .await
}

/// Courses to join: the chosen one first, then those whose code or title
/// contains `q`.
#[leptos::server(prefix = "/api", endpoint = "courses/find")]
pub async fn find_courses(chosen: Option<i64>, q: String) -> Result<Vec<Choice>, AppError> {
    crate::service::read(|ctx| async move {
        let mut choices = Vec::new();
        let choice = |c: roster_core::domain::Course| Choice {
            id: c.id,
            detail: format!("{} enrolled", c.places()),
            label: c.label(),
        };
        if let Some(course) = match chosen {
            Some(id) => ctx.db.get_course(id).await?,
            None => None,
        } {
            choices.push(choice(course));
        }
        let q: String = q.chars().take(100).collect();
        if !q.trim().is_empty() {
            let found = ctx
                .db
                .find_courses(q.trim(), crate::components::picker::MATCHES)
                .await?;
            choices.extend(
                found
                    .into_iter()
                    .filter(|c| Some(c.id) != chosen)
                    .map(choice),
            );
        }
        Ok(choices)
    })
    .await
}

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
    crate::record::action::serve::<Leave<CourseSide>>((course, id), NoFields {}).await
}

#[leptos::server(prefix = "/api", endpoint = "students/leave")]
pub async fn leave_course(student: i64, id: i64) -> Result<i64, AppError> {
    crate::record::action::serve::<Leave<StudentSide>>((student, id), NoFields {}).await
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

fn section(page: urls::Pattern, id: i64) -> String {
    format!("{}#enrolments", page.fill(&[id]))
}

/// Enrols a student in a course, from either side's page.
pub struct Enrol<S>(PhantomData<S>);

impl<S: Side> FormAction for Enrol<S> {
    const ROUTE: urls::Pattern = S::ENROL;
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
        match ctx.db.enrol(&new).await {
            Ok(enrolment) => {
                tracing::info!(course = new.course_id, student = new.student_id, user, "enrolled");
                Ok(enrolment.id)
            }
            Err(DbError::Constraint(name)) if name == "enrolments_pair_key" => Err(AppError::Invalid(
                FieldErrors::single(S::PICK, "Already enrolled: a student takes a course once."),
            )),
            Err(DbError::Full) => Err(AppError::Refused(
                "This course is full: every place is taken. Raise its capacity, or unenrol someone first."
                    .into(),
            )),
            Err(e) => Err(e.into()),
        }
    }
}

/// Ends an enrolment, from either side's page.
pub struct Leave<S>(PhantomData<S>);

impl<S: Side> FormAction for Leave<S> {
    const ROUTE: urls::Pattern = S::LEAVE;
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
        ctx.db.unenrol(id).await?;
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
        let user = ctx.actor.require_user()?.id;
        let grade = input.parse().map_err(AppError::Invalid)?;
        let version =
            roster_core::domain::parse_version(&input.version).map_err(AppError::Refused)?;
        let enrolment = ctx
            .db
            .get_enrolment(id)
            .await?
            .filter(|e| e.course_id == course)
            .ok_or(AppError::NotFound(roster_core::domain::Kind::Enrolment))?;
        match ctx.db.set_grade(id, version, grade).await {
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

/// The grade server function's arguments (named apart from the action).
pub type SetGradeCall = SetGradeFn;

#[leptos::server(name = SetGradeFn, prefix = "/api", endpoint = "courses/set-grade")]
pub async fn set_grade_fn(course: i64, id: i64, input: GradeInput) -> Result<i64, AppError> {
    crate::record::action::serve::<SetGrade>((course, id), input).await
}

/// Students, for the picker on a course's page.
pub struct Students;

impl PickSource for Students {
    const PLACEHOLDER: &'static str = "Type part of a name or email";
    fn find(
        chosen: Option<i64>,
        q: String,
    ) -> impl std::future::Future<Output = Result<Vec<Choice>, AppError>> + Send + 'static {
        find_students(chosen, q)
    }
}

/// Courses, for the picker on a student's page.
pub struct Courses;

impl PickSource for Courses {
    const PLACEHOLDER: &'static str = "Type part of a code or title";
    fn find(
        chosen: Option<i64>,
        q: String,
    ) -> impl std::future::Future<Output = Result<Vec<Choice>, AppError>> + Send + 'static {
        find_courses(chosen, q)
    }
}

fn student_picker(field: FieldCtx) -> AnyView {
    picker::<Students>(field)
}

fn course_picker(field: FieldCtx) -> AnyView {
    picker::<Courses>(field)
}

// Each form also carries its own side's id, so that the browser checks the
// same complete input as the server (which takes the id from the path).
const COURSE_SIDE_FIELDS: &[FieldSpec] = &[
    FieldSpec::hidden("course_id"),
    FieldSpec::new("student_id", "Student", Widget::Group(student_picker)),
    FieldSpec::new("enrolled_on", "Enrolled on (optional)", Widget::Date).hint("Empty: today."),
];

const STUDENT_SIDE_FIELDS: &[FieldSpec] = &[
    FieldSpec::hidden("student_id"),
    FieldSpec::new("course_id", "Course", Widget::Group(course_picker)),
    FieldSpec::new("enrolled_on", "Enrolled on (optional)", Widget::Date).hint("Empty: today."),
];

/// A course's students: enrol one, set grades, unenrol.
pub fn course_students(course: Memo<Option<i64>>) -> Related<Course> {
    let enrolled = RwSignal::new(0usize);
    let unenrol = ServerAction::<UnenrolStudent>::new();
    let grade = ServerAction::<SetGradeFn>::new();
    let refresh = changes(&[enrolled, unenrol.version(), grade.version()]);
    let query = Memo::new(move |_| QueryOf::<CourseStudents> {
        filter: EnrolmentsOf {
            course: Some(course.get().unwrap_or(0)),
            student: None,
        },
        ..Default::default()
    });
    let id = move || course.get_untracked().unwrap_or(0);
    let on_action = Callback::new(move |action: RowAction| {
        if action.action == "grade" {
            let input: GradeInput = roster_core::domain::from_fields(action.fields);
            grade.dispatch(SetGradeFn {
                course: id(),
                id: action.id,
                input,
            });
        }
    });
    let on_delete = Callback::new(move |(row, _, _): (i64, i64, String)| {
        unenrol.dispatch(UnenrolStudent {
            course: id(),
            id: row,
        });
    });
    let list = prepare_list::<CourseStudents>(
        query,
        ListConfig {
            search: true,
            empty: "Nobody is enrolled yet.",
            refresh,
            on_delete: Some(on_delete),
            on_action: Some(on_action),
        },
    );
    std::sync::Arc::new(move |c: &Course| {
        let form = enrol_form::<CourseSide>(c.id, COURSE_SIDE_FIELDS, enrolled);
        view! {
            <section class="children enrolments" id="enrolments" aria-labelledby="enrolments-heading">
                <h2 id="enrolments-heading">"Students"</h2>
                {crate::form_state::refused_notice::<GradeInput>()}
                {form}
                {move || grade.value().get().and_then(Result::err).map(|e| view! { <Notice kind="error">{e.to_string()}</Notice> })}
                {move || unenrol.value().get().and_then(Result::err).map(|e| view! { <Notice kind="error">{e.to_string()}</Notice> })}
                {list.view()}
            </section>
        }
        .into_any()
    })
}

/// A student's courses: join one, leave one, see the grades (see
/// [`Related`]).
pub fn student_courses(student: Memo<Option<i64>>) -> Related<Student> {
    let joined = RwSignal::new(0usize);
    let leave = ServerAction::<LeaveCourse>::new();
    let refresh = changes(&[joined, leave.version()]);
    let query = Memo::new(move |_| QueryOf::<StudentCourses> {
        filter: EnrolmentsOf {
            course: None,
            student: Some(student.get().unwrap_or(0)),
        },
        ..Default::default()
    });
    let on_delete = Callback::new(move |(id, _, _): (i64, i64, String)| {
        let student = student.get_untracked().unwrap_or(0);
        leave.dispatch(LeaveCourse { student, id });
    });
    let list = prepare_list::<StudentCourses>(
        query,
        ListConfig {
            search: false,
            empty: "Not enrolled in any course yet.",
            refresh,
            on_delete: Some(on_delete),
            on_action: None,
        },
    );
    std::sync::Arc::new(move |s: &Student| {
        let form = enrol_form::<StudentSide>(s.id, STUDENT_SIDE_FIELDS, joined);
        view! {
            <section class="children enrolments" id="enrolments" aria-labelledby="enrolments-heading">
                <h2 id="enrolments-heading">"Courses"</h2>
                {move || leave.value().get().and_then(Result::err).map(|e| view! { <Notice kind="error">{e.to_string()}</Notice> })}
                {list.view()}
                {form}
            </section>
        }
        .into_any()
    })
}

fn enrol_form<S: Side>(
    parent: i64,
    fields: &'static [FieldSpec],
    done: RwSignal<usize>,
) -> AnyView {
    let mut initial = EnrolInput::default();
    S::fill(&mut initial, parent);
    action_form::<Enrol<S>>(FormConfig {
        ids: parent,
        initial,
        fields,
        submit: "Enrol".into(),
        pending: "Enrolling…".into(),
        cancel: None,
        class: "enrol-form",
        id_prefix: "",
        then: Then::Stay(Callback::new(move |_| done.update(|n| *n += 1))),
        confirm: None,
    })
    .into_any()
}

/// The hidden CSRF field of a row's form.
#[cfg(feature = "ssr")]
fn row_form_token(actor: &crate::service::Actor, out: &mut crate::html::Html) {
    if let Some(session) = &actor.session {
        out.raw("<input type=\"hidden\" name=\"csrf_token\" value=\"")
            .text(&session.csrf_token)
            .raw("\">");
    }
}

/// The Unenrol (or Leave) button of a row: a POST form the list answers
/// in place when the wasm is loaded.
#[cfg(feature = "ssr")]
fn leave_cell(
    action: &str,
    e: &Enrolment,
    label: &'static str,
    question: &str,
    actor: &crate::service::Actor,
    out: &mut crate::html::Html,
) {
    out.raw("<td class=\"acts\"><form method=\"post\" action=\"")
        .text(action)
        .raw("\" data-delete=\"")
        .number(e.id)
        .raw("\" data-version=\"")
        .number(e.version)
        .raw("\" data-title=\"")
        .text(&e.student_name)
        .raw("\" data-question=\"")
        .text(question)
        .raw("\">");
    row_form_token(actor, out);
    out.raw("<button type=\"submit\" class=\"small danger\">")
        .raw(label)
        .raw("</button></form></td>");
}

impl ListView for CourseStudents {
    type Row = Enrolment;
    const COLUMNS: &'static [Column<EnrolmentSort>] = &[
        Column::sorted(
            "Student",
            "name",
            EnrolmentSort::NameAsc,
            EnrolmentSort::NameDesc,
        ),
        Column::plain("Email", "email"),
        Column::sorted(
            "Enrolled on",
            "date",
            EnrolmentSort::Oldest,
            EnrolmentSort::Newest,
        ),
        Column::sorted(
            "Grade",
            "grade",
            EnrolmentSort::GradeAsc,
            EnrolmentSort::GradeDesc,
        ),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Student's name or email";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_course_students(query)
    }

    /// A student of the course, with the grade as a small form.
    #[cfg(feature = "ssr")]
    fn row(e: &Enrolment, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        let grade = e.grade.map(|g| g.to_string()).unwrap_or_default();
        out.raw("<tr id=\"enrolment-")
            .number(e.id)
            .raw("\">")
            .link_to("", urls::STUDENT, e.student_id, &e.student_name)
            .cell("", &e.student_email)
            .cell("", &e.enrolled_on.label())
            .raw("<td class=\"grade\"><form method=\"post\" class=\"grade-form\" action=\"")
            .text(&urls::course_grade(e.course_id, e.id))
            .raw("\" data-action=\"grade\" data-id=\"")
            .number(e.id)
            .raw("\">");
        row_form_token(actor, out);
        out.raw("<input type=\"hidden\" name=\"version\" value=\"")
            .number(e.version)
            .raw("\"><input type=\"text\" name=\"grade\" inputmode=\"numeric\" maxlength=\"3\" size=\"3\" value=\"")
            .text(&grade)
            .raw("\" aria-label=\"Grade for ")
            .text(&e.student_name)
            .raw("\"><button type=\"submit\" class=\"small secondary\">Save</button></form></td>");
        let question = format!("Unenrol {} from {}?", e.student_name, e.course_code);
        leave_cell(
            &urls::course_unenrol(e.course_id, e.id),
            e,
            "Unenrol",
            &question,
            actor,
            out,
        );
        out.raw("</tr>");
    }
}

impl ListView for StudentCourses {
    type Row = Enrolment;
    const COLUMNS: &'static [Column<EnrolmentSort>] = &[
        Column::sorted(
            "Course",
            "name",
            EnrolmentSort::NameAsc,
            EnrolmentSort::NameDesc,
        ),
        Column::sorted(
            "Enrolled on",
            "date",
            EnrolmentSort::Oldest,
            EnrolmentSort::Newest,
        ),
        Column::sorted(
            "Grade",
            "num",
            EnrolmentSort::GradeAsc,
            EnrolmentSort::GradeDesc,
        ),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Course code or title";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_student_courses(query)
    }

    #[cfg(feature = "ssr")]
    fn row(e: &Enrolment, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        let course = format!("{} {}", e.course_code, e.course_title);
        out.raw("<tr id=\"enrolment-")
            .number(e.id)
            .raw("\">")
            .link_to("", urls::COURSE, e.course_id, &course)
            .cell("", &e.enrolled_on.label())
            .cell(
                "num",
                &e.grade.map(|g| g.to_string()).unwrap_or_else(|| "—".into()),
            );
        let question = format!("Take {} out of {}?", e.student_name, e.course_code);
        leave_cell(
            &urls::student_leave(e.student_id, e.id),
            e,
            "Leave",
            &question,
            actor,
            out,
        );
        out.raw("</tr>");
    }
}
