//! Courses: each with a code, a title, a description and perhaps a limit
//! on places; its page lists its students (see `enrolments`).

use leptos::prelude::*;
use roster_core::domain::{
    urls, Course, CourseInput, CourseList, CourseSort, Kind, QueryOf, CODE_MAX, COURSE_TITLE_MAX,
    DESCRIPTION_MAX,
};

pub mod teachers;

use crate::error::AppError;
use crate::record::form::{FieldSpec, Widget};
use crate::record::list::{Column, ListChunk, ListView};
use crate::record::page::RecordView;

crate::record_api!(Course, CourseInput,
    get: get_course / GetCourse = "courses/get",
    create: create_course / CreateCourse = "courses/create",
    update: update_course / UpdateCourse = "courses/update",
    delete: delete_course / DeleteCourse = "courses/delete",
    restore: restore_course / RestoreCourse = "courses/restore",
    list: list_courses / ListCourses = "courses/list" for CourseList,
);

crate::components::picker::record_picker!(
    /// Courses, for the picker on a student's page.
    Courses over CourseList,
    find: find_courses = "courses/find",
    widget: course_picker,
    placeholder: "Type part of a code or title",
    sort: CourseSort::CodeAsc,
    choice: |c: Course| crate::components::picker::Choice {
        id: c.id,
        detail: format!("{} enrolled", c.places()),
        label: c.label(),
    },
);

const FIELDS: &[FieldSpec] = &[
    FieldSpec::text("code", "Code", CODE_MAX)
        .half()
        .hint("Letters, digits and -, like BIO-101."),
    FieldSpec::new("capacity", "Places (optional)", Widget::Number)
        .half()
        .hint("Empty: no limit."),
    FieldSpec::text("title", "Title", COURSE_TITLE_MAX),
    FieldSpec::new(
        "description",
        "Description (optional)",
        Widget::TextArea { rows: 6 },
    )
    .max(DESCRIPTION_MAX),
    FieldSpec::hidden("version"),
];

impl RecordView for Course {
    const URLS: urls::RecordUrls = urls::COURSE_PAGES;
    const FIELDS: &'static [FieldSpec] = FIELDS;

    fn detail(self) -> AnyView {
        let places = match self.capacity {
            Some(capacity) => format!("{} of {capacity} taken", self.enrolled),
            None => format!("{} enrolled, no limit", self.enrolled),
        };
        view! {
            <dl class="facts">
                <dt>"Code"</dt>
                <dd class="code">{self.code.clone()}</dd>
                <dt>"Places"</dt>
                <dd class="places">{places}</dd>
                <dt>"Added"</dt>
                <dd><time datetime=self.created_at.to_rfc3339()>{self.created_at.date_label()}</time></dd>
            </dl>
            {self.description.map(|text| view! { <p class="bio full">{text}</p> })}
        }
        .into_any()
    }

    fn related(id: Memo<Option<i64>>) -> Option<crate::record::page::Related<Self>> {
        Some(crate::enrolments::course_students(id))
    }

    fn delete_note(&self) -> Option<String> {
        (self.enrolled > 0).then(|| {
            format!(
                "Its {} with it (the students stay).",
                Kind::Enrolment.count_go(self.enrolled)
            )
        })
    }
}

impl ListView for CourseList {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Course);
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Courses);
    const DOWNLOAD: Option<&'static str> = Some("courses");
    type Row = Course;
    const BULK: Option<roster_core::domain::urls::Pattern> =
        Some(roster_core::domain::urls::BULK_COURSES);
    const COLUMNS: &'static [Column<CourseSort>] = &[
        Column::sorted("Code", "code", CourseSort::CodeAsc, CourseSort::CodeDesc),
        Column::sorted("Title", "name", CourseSort::TitleAsc, CourseSort::TitleDesc),
        Column::sorted(
            "Enrolled",
            "num",
            CourseSort::FewestEnrolled,
            CourseSort::MostEnrolled,
        ),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Code or title";
    const EMPTY: &'static str = "No courses yet.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_courses(query)
    }

    /// A course, with its places taken out of its capacity.
    #[cfg(feature = "ssr")]
    fn ticked(row: &Course) -> Option<(i64, String)> {
        use roster_core::domain::Record;
        Some((row.id(), row.title()))
    }

    #[cfg(feature = "ssr")]
    fn row(c: &Course, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<tr>")
            .link_to("", urls::COURSE, c.id, &c.code)
            .link_to("", urls::COURSE, c.id, &c.title)
            .cell("num", &c.places())
            .actions_cell(
                actor.may_change_delete(roster_core::domain::Kind::Course),
                urls::COURSE_EDIT,
                urls::COURSE_DELETE,
                c.id,
                c.version,
                &c.label(),
            )
            .raw("</tr>");
    }
}
