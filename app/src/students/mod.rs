//! Students: the first tutorial's records, at the seed's URLs (`/`, `/{id}/`,
//! `/create/`, `/{id}/edit/`, `/{id}/delete/`).

use leptos::prelude::*;
use roster_core::domain::{
    urls, QueryOf, Student, StudentInput, StudentList, StudentSort, BIO_MAX, EMAIL_MAX, NAME_MAX,
};

use crate::error::AppError;
use crate::record::form::{FieldSpec, Widget};
use crate::record::list::{Column, ListChunk, ListView};
use crate::record::page::RecordView;

crate::record_api!(Student, StudentInput,
    get: get_student / GetStudent = "students/get",
    create: create_student / CreateStudent = "students/create",
    update: update_student / UpdateStudent = "students/update",
    delete: delete_student / DeleteStudent = "students/delete",
    restore: restore_student / RestoreStudent = "students/restore",
    list: list_students / ListStudents = "students/list" for StudentList,
);

crate::components::picker::record_picker!(
    /// Students, for the picker on a course's page.
    Students over StudentList,
    find: find_students = "students/find",
    widget: student_picker,
    placeholder: "Type part of a name or email",
    sort: StudentSort::NameAsc,
    choice: |s: Student| crate::components::picker::Choice {
        id: s.id,
        label: s.full_name(),
        detail: s.email,
    },
);

const FIELDS: &[FieldSpec] = &[
    FieldSpec::text("firstname", "First name", NAME_MAX)
        .half()
        .autocomplete("given-name"),
    FieldSpec::text("lastname", "Last name", NAME_MAX)
        .half()
        .autocomplete("family-name"),
    FieldSpec::new("email", "Email", Widget::Email)
        .max(EMAIL_MAX)
        .half()
        .autocomplete("email"),
    FieldSpec::new("age", "Age (optional)", Widget::Number).half(),
    FieldSpec::new("bio", "Bio (optional)", Widget::TextArea { rows: 6 }).max(BIO_MAX),
    FieldSpec::hidden("version"),
];

impl RecordView for Student {
    const URLS: urls::RecordUrls = urls::STUDENT_PAGES;
    const FIELDS: &'static [FieldSpec] = FIELDS;

    /// The list says "Added …", as the tutorial's app did.
    fn created_href(id: i64) -> String {
        format!("{}?created={id}", urls::students())
    }

    fn detail(self) -> AnyView {
        let age = self
            .age
            .map(|a| a.to_string())
            .unwrap_or_else(|| "—".into());
        let bio = self.bio.unwrap_or_else(|| "No bio yet.".into());
        view! {
            <dl class="facts">
                <dt>"Email"</dt>
                <dd class="email">{self.email}</dd>
                <dt>"Age"</dt>
                <dd class="age">{age}</dd>
                <dt>"Joined"</dt>
                <dd><time datetime=self.created_at.to_rfc3339()>{self.created_at.date_label()}</time></dd>
            </dl>
            <h2>"Bio"</h2>
            <p class="bio full">{bio}</p>
        }
        .into_any()
    }

    fn related(id: Memo<Option<i64>>) -> Option<crate::record::page::Related<Self>> {
        Some(crate::enrolments::student_courses(id))
    }

    fn delete_note(&self) -> Option<String> {
        (self.course_count > 0).then(|| {
            format!(
                "Their {} with them (the courses stay).",
                roster_core::domain::Kind::Enrolment.count_go(self.course_count)
            )
        })
    }
}

/// A bio in the list: its start, cut at a word where it can be.
#[cfg(feature = "ssr")]
const LIST_BIO: usize = 80;

impl ListView for StudentList {
    const READERS: crate::record::list::Readers =
        crate::record::list::Readers::Of(roster_core::domain::Kind::Student);
    const IMPORT: Option<roster_core::domain::import::ImportKind> =
        Some(roster_core::domain::import::ImportKind::Students);
    const DOWNLOAD: Option<&'static str> = Some("students");
    type Row = Student;
    const BULK: Option<roster_core::domain::urls::Pattern> =
        Some(roster_core::domain::urls::BULK_STUDENTS);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[crate::bulk::BulkSet {
        field: "course_id",
        label: "Enrol in a course",
        fields: crate::bulk::bulk_fields!(FieldSpec::new(
            "course_id",
            "Course",
            Widget::Group(crate::courses::course_picker)
        )),
        on: crate::bulk::SetOn::Links(roster_core::domain::Kind::Course),
    }];
    const COLUMNS: &'static [Column<StudentSort>] = &[
        Column::plain("#", "id"),
        Column::sorted("Name", "name", StudentSort::NameAsc, StudentSort::NameDesc),
        Column::plain("Email", "email"),
        Column::sorted("Age", "num", StudentSort::AgeAsc, StudentSort::AgeDesc),
        Column::sorted(
            "Joined",
            "date",
            StudentSort::OldestFirst,
            StudentSort::NewestFirst,
        ),
        Column::plain("Bio", "bio"),
        Column::actions(),
    ];
    const SEARCH_HINT: &'static str = "Name or email";
    const EMPTY: &'static str = "No students yet.";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_students(query)
    }

    #[cfg(feature = "ssr")]
    fn ticked(row: &Student) -> Option<(i64, String)> {
        use roster_core::domain::Record;
        Some((row.id(), row.title()))
    }

    #[cfg(feature = "ssr")]
    fn row(s: &Student, actor: &crate::service::Actor, out: &mut crate::html::Html) {
        let name = s.full_name();
        let bio = s
            .bio
            .as_deref()
            .map(|bio| preview(bio, LIST_BIO))
            .unwrap_or_default();
        out.raw("<tr><td>")
            .number(s.id)
            .raw("</td>")
            .link_to("", urls::STUDENT, s.id, &name)
            .cell("", &s.email);
        match s.age {
            Some(age) => out.number_cell(i64::from(age)),
            None => out.raw("<td class=\"num\">—</td>"),
        };
        out.date_cell(s.created_at)
            .cell("", &bio)
            .actions_cell(
                actor.may_change_delete(roster_core::domain::Kind::Student),
                urls::STUDENT_EDIT,
                urls::STUDENT_DELETE,
                s.id,
                s.version,
                &name,
            )
            .raw("</tr>");
    }
}

/// The first `max` characters of `text`, with "…" when it goes on.
#[cfg(feature = "ssr")]
fn preview(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}
