//! Courses: each with a code, a title, a description and perhaps a limit
//! on places; its page lists its students (see `enrolments`).

use leptos::prelude::*;
use roster_core::domain::{
    urls, Course, CourseInput, CourseList, CourseSort, Kind, QueryOf, CODE_MAX, COURSE_TITLE_MAX,
    DESCRIPTION_MAX,
};

use crate::error::AppError;
use crate::record::form::{FieldSpec, Widget};
use crate::record::list::{Column, ListChunk, ListView};
use crate::record::page::{ListPage, RecordView};

crate::record_api!(Course, CourseInput,
    get: get_course / GetCourse = "courses/get",
    create: create_course / CreateCourse = "courses/create",
    update: update_course / UpdateCourse = "courses/update",
    delete: delete_course / DeleteCourse = "courses/delete",
);

#[leptos::server(prefix = "/api", endpoint = "courses/list")]
pub async fn list_courses(query: QueryOf<CourseList>) -> Result<ListChunk, AppError> {
    crate::service::read(|ctx| async move {
        let page = ctx.db.list_courses(&query.sanitized()).await?;
        Ok(crate::record::list::chunk::<CourseList>(
            page,
            Vec::new(),
            &ctx.actor,
        ))
    })
    .await
}

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
    const PAGE: urls::Pattern = urls::COURSE;
    const LIST: urls::Pattern = urls::COURSES;
    const CREATE: urls::Pattern = urls::COURSE_CREATE;
    const EDIT: urls::Pattern = urls::COURSE_EDIT;
    const DELETE: urls::Pattern = urls::COURSE_DELETE;
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
    type Row = Course;
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

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_courses(query)
    }

    /// A course, with its places taken out of its capacity.
    #[cfg(feature = "ssr")]
    fn row(c: &Course, _: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw("<tr>")
            .link_to("", urls::COURSE, c.id, &c.code)
            .link_to("", urls::COURSE, c.id, &c.title)
            .cell("num", &c.places())
            .actions_cell(
                urls::COURSE_EDIT,
                urls::COURSE_DELETE,
                c.id,
                c.version,
                &c.label(),
            )
            .raw("</tr>");
    }
}

impl ListPage for CourseList {
    type Record = Course;
    const EMPTY: &'static str = "No courses yet.";
}

#[cfg(feature = "ssr")]
mod store {
    use roster_core::db::{Db, DbError};
    use roster_core::domain::{Course, Deletion, NewCourse};

    use crate::error::AppError;
    use crate::service::{Ctx, Store};

    impl Store for Course {
        async fn get(db: &Db, id: i64) -> Result<Option<Course>, DbError> {
            db.get_course(id).await
        }
        async fn insert(ctx: &Ctx, new: &NewCourse) -> Result<Course, AppError> {
            Ok(ctx.db.create_course(new).await?)
        }
        async fn update(
            ctx: &Ctx,
            id: i64,
            version: i64,
            new: &NewCourse,
        ) -> Result<Course, DbError> {
            ctx.db.update_course(id, version, new).await
        }
        /// Its enrolments go with it (the foreign key cascades).
        async fn remove(ctx: &Ctx, id: i64, deletion: Deletion) -> Result<(), DbError> {
            ctx.db.delete_course(id, deletion.version).await
        }
    }
}
