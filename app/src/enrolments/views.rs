//! The enrolment lists on a course's and a student's pages, with their
//! pickers, enrol forms and row actions.

use leptos::prelude::*;
use roster_core::domain::urls;
use roster_core::domain::{
    Course, CourseStudents, EnrolInput, Enrolment, EnrolmentSort, EnrolmentsOf, GradeInput,
    QueryOf, Student, StudentCourses,
};

use crate::components::status::Notice;
use crate::courses::course_picker;
use crate::error::AppError;
use crate::record::form::{action_form, FieldSpec, FormConfig, Then, Widget};
use crate::record::list::{
    changes, prepare_list, Column, ListChunk, ListConfig, ListView, RowAction, RowForm,
};
use crate::record::page::Related;
use crate::students::student_picker;

use super::{
    list_course_students, list_student_courses, CourseSide, Enrol, LeaveCourse, SetGradeFn, Side,
    StudentSide, UnenrolStudent,
};

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
        if action.action == RowForm::Grade {
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
    // Read with the list, and again whenever it changes.
    let stats = Resource::new(
        move || (course.try_get().flatten(), refresh.try_get().unwrap_or(0)),
        |(course, _)| async move {
            match course {
                Some(course) => super::course_stats(course).await.ok(),
                None => None,
            }
        },
    );
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
        let form = crate::auth::viewer_may(
            roster_core::domain::Kind::Enrolment,
            roster_core::domain::Op::Add,
        )
        .then(|| enrol_form::<CourseSide>(c.id, COURSE_SIDE_FIELDS, enrolled));
        view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { stats.await.map(super::stats::grade_stats_view) })}
            </Transition>
            {crate::courses::teachers::teachers_section(c.id)}
            <section class="children enrolments" id="enrolments" aria-labelledby="enrolments-heading">
                <h2 id="enrolments-heading">"Students"</h2>
                <p class="section-links"><a href=urls::course_grades(c.id)>"Grade sheet"</a>" (every grade on one page) · "
                    <a href=urls::course_transcripts(c.id)>"Transcripts"</a>" (each student's, to print)"</p>
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
        let form = crate::auth::viewer_may(
            roster_core::domain::Kind::Enrolment,
            roster_core::domain::Op::Add,
        )
        .then(|| enrol_form::<StudentSide>(s.id, STUDENT_SIDE_FIELDS, joined));
        view! {
            <section class="children enrolments" id="enrolments" aria-labelledby="enrolments-heading">
                <h2 id="enrolments-heading">"Courses"</h2>
                <p class="section-links"><a href=urls::student_transcript(s.id)>"Transcript"</a>" (courses, grades and average, to print)"</p>
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
    out.csrf_field(actor);
    out.raw("<button type=\"submit\" class=\"small danger\">")
        .raw(label)
        .raw("</button></form></td>");
}

impl ListView for CourseStudents {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Enrolment);
    const DOWNLOAD: Option<&'static str> = Some("students");
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Enrolments);
    type Row = Enrolment;
    const BULK: Option<urls::Pattern> = Some(urls::COURSE_STUDENTS_BULK);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = super::bulk::CLASS_SETS;
    const BULK_DELETE: Option<&'static str> = Some("Unenrol…");
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

    fn bulk_href(filter: &EnrolmentsOf) -> Option<String> {
        Some(urls::course_students_bulk(filter.course.unwrap_or(0)))
    }

    #[cfg(feature = "ssr")]
    fn ticked(e: &Enrolment) -> Option<(i64, String)> {
        Some((e.id, e.student_name.clone()))
    }

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
            .cell("", &e.enrolled_on.label());
        // The grade's form for whoever may grade (a teacher's refused
        // outside their courses when sent); the grade alone for the others.
        let may_grade = actor.user().is_some_and(|u| {
            u.may(
                roster_core::domain::Kind::Enrolment,
                roster_core::domain::Op::Change,
            ) || u.grants.teaches()
        });
        if !may_grade {
            out.cell("grade", &grade);
        } else {
            grade_form(e, &grade, actor, out);
        }
        if actor
            .may_change_delete(roster_core::domain::Kind::Enrolment)
            .1
        {
            let question = format!("Unenrol {} from {}?", e.student_name, e.course_code);
            leave_cell(
                &urls::course_unenrol(e.course_id, e.id),
                e,
                "Unenrol",
                &question,
                actor,
                out,
            );
        } else {
            out.raw("<td></td>");
        }
        out.raw("</tr>");
    }
}

/// A course's student row's grade form (one of the list's row forms).
#[cfg(feature = "ssr")]
fn grade_form(
    e: &Enrolment,
    grade: &str,
    actor: &crate::service::Actor,
    out: &mut crate::html::Html,
) {
    {
        out.raw("<td class=\"grade\"><form method=\"post\" class=\"grade-form\" action=\"")
            .text(&urls::course_grade(e.course_id, e.id))
            .raw("\" data-action=\"")
            .raw(RowForm::Grade.name())
            .raw("\" data-id=\"")
            .number(e.id)
            .raw("\">");
        out.csrf_field(actor);
        out.raw("<input type=\"hidden\" name=\"version\" value=\"")
            .number(e.version)
            .raw("\"><input type=\"text\" name=\"grade\" inputmode=\"numeric\" maxlength=\"3\" size=\"3\" value=\"")
            .text(grade)
            .raw("\" aria-label=\"Grade for ")
            .text(&e.student_name)
            .raw("\"><button type=\"submit\" class=\"small secondary\">Save</button></form></td>");
    }
}

impl ListView for StudentCourses {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Enrolment);
    const DOWNLOAD: Option<&'static str> = Some("courses");
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Enrolments);
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
