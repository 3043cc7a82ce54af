//! A course's teachers: listed on its page, assigned with a picker over the
//! accounts and taken off with a button, by whoever may change courses
//! (clerks, administrators). An account whose role has the teacher's grant
//! sets grades in the courses it teaches (checked where grades are written).

use leptos::prelude::*;
use roster_core::domain::{urls, FieldErrors, FormInput, Kind, NoFields, Op, Teacher};
use serde::{Deserialize, Serialize};

use crate::auth::use_viewer;
use crate::components::picker::{Choice, PickSource};
use crate::components::status::Notice;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldCtx, FieldSpec, FormConfig, Then, Widget};

/// Course `course`'s teachers.
#[leptos::server(prefix = "/api", endpoint = "courses/teachers")]
pub async fn course_teachers(course: i64) -> Result<Vec<Teacher>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(Kind::Course, Op::View)?;
        Ok(ctx.db.course_teachers(course).await?)
    })
    .await
}

/// Accounts to assign, for the picker: the chosen one first, then the
/// active accounts whose username or name holds what was typed. Only for
/// those who may assign.
#[leptos::server(prefix = "/api", endpoint = "courses/find-teachers")]
pub async fn find_teachers(chosen: Option<i64>, q: String) -> Result<Vec<Choice>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(Kind::Course, Op::Change)?;
        let q = roster_core::domain::list::search_text(&q, 100);
        let mut found: Vec<Teacher> = Vec::new();
        if let Some(id) = chosen {
            found.extend(
                ctx.db
                    .teacher_choices("", 1_000)
                    .await?
                    .into_iter()
                    .filter(|t| t.id == id),
            );
        }
        if !q.is_empty() {
            found.extend(
                ctx.db
                    .teacher_choices(&q, crate::components::picker::MATCHES)
                    .await?
                    .into_iter()
                    .filter(|t| Some(t.id) != chosen),
            );
        }
        Ok(found
            .into_iter()
            .map(|t| Choice {
                id: t.id,
                detail: format!("@{}", t.username),
                label: t.display_name,
            })
            .collect())
    })
    .await
}

/// The accounts, for the teacher picker.
pub struct Accounts;

impl PickSource for Accounts {
    const PLACEHOLDER: &'static str = "Type part of a name or username";

    fn find(
        chosen: Option<i64>,
        q: String,
    ) -> impl std::future::Future<Output = Result<Vec<Choice>, AppError>> + Send + 'static {
        find_teachers(chosen, q)
    }
}

fn teacher_picker(field: FieldCtx) -> AnyView {
    crate::components::picker::picker::<Accounts>(field)
}

/// The assign form: the account chosen and the picker's search box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeacherInput {
    pub teacher_id: String,
    pub teacher_q: String,
}

impl FormInput for TeacherInput {
    type Valid = i64;

    fn parse(&self) -> Result<i64, FieldErrors> {
        match self.teacher_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => Ok(id),
            _ if !self.teacher_q.trim().is_empty() => Err(FieldErrors::single(
                "teacher_id",
                format!(
                    "Choose one of the accounts that match “{}” (press Find).",
                    self.teacher_q.trim()
                ),
            )),
            _ => Err(FieldErrors::single("teacher_id", "Choose an account.")),
        }
    }
}

const TEACHER_FIELDS: &[FieldSpec] = &[FieldSpec::new(
    "teacher_id",
    "Teacher",
    Widget::Group(teacher_picker),
)];

/// Assigns an account to teach a course.
pub struct AssignTeacher;

impl FormAction for AssignTeacher {
    const ROUTE: urls::Pattern = urls::COURSE_TEACHERS;
    const GRANT: Option<(Kind, Op)> = Some((Kind::Course, Op::Change));
    type Ids = i64;
    type Input = TeacherInput;
    type Output = i64;
    type Call = AssignTeacherFn;

    fn call(course: i64, input: TeacherInput) -> AssignTeacherFn {
        AssignTeacherFn { course, input }
    }

    fn next(course: &i64, _: &i64) -> String {
        format!("{}#teachers", urls::course(*course))
    }

    fn page(course: &i64) -> String {
        urls::course(*course)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        course: i64,
        input: TeacherInput,
    ) -> Result<i64, AppError> {
        let user = input.parse().map_err(AppError::Invalid)?;
        ctx.db.set_teacher(&ctx.by(), course, user, true).await?;
        Ok(user)
    }
}

#[leptos::server(name = AssignTeacherFn, prefix = "/api", endpoint = "courses/assign-teacher")]
pub async fn assign_teacher_fn(course: i64, input: TeacherInput) -> Result<i64, AppError> {
    crate::record::action::serve::<AssignTeacher>(course, input).await
}

/// Takes an account off a course's teachers.
pub struct RemoveTeacher;

impl FormAction for RemoveTeacher {
    const ROUTE: urls::Pattern = urls::COURSE_TEACHER_REMOVE;
    const GRANT: Option<(Kind, Op)> = Some((Kind::Course, Op::Change));
    type Ids = (i64, i64);
    type Input = NoFields;
    type Output = ();
    type Call = RemoveTeacherFn;

    fn call((course, id): (i64, i64), _: NoFields) -> RemoveTeacherFn {
        RemoveTeacherFn { course, id }
    }

    fn next((course, _): &(i64, i64), _: &()) -> String {
        format!("{}#teachers", urls::course(*course))
    }

    fn page((course, _): &(i64, i64)) -> String {
        urls::course(*course)
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        (course, id): (i64, i64),
        _: NoFields,
    ) -> Result<(), AppError> {
        ctx.db.set_teacher(&ctx.by(), course, id, false).await?;
        Ok(())
    }
}

// An empty form leaves nothing to send: no `input` argument.
#[leptos::server(name = RemoveTeacherFn, prefix = "/api", endpoint = "courses/remove-teacher")]
pub async fn remove_teacher_fn(course: i64, id: i64) -> Result<(), AppError> {
    crate::record::action::serve::<RemoveTeacher>((course, id), NoFields {}).await
}

/// The course page's "Teachers" section: who teaches it, and (for those who
/// may change courses) the picker to assign one and a button to take each
/// off.
pub fn teachers_section(course: i64) -> impl IntoView {
    let viewer = use_viewer();
    let may_assign = viewer.with_untracked(|v| {
        v.as_ref()
            .is_some_and(|v| v.user.may(Kind::Course, Op::Change))
    });
    let changed = RwSignal::new(0usize);
    let remove = ServerAction::<RemoveTeacherFn>::new();
    let teachers = Resource::new(
        move || {
            (
                changed.try_get().unwrap_or(0),
                remove.version().try_get().unwrap_or(0),
            )
        },
        move |_| course_teachers(course),
    );
    let form = may_assign.then(|| {
        action_form::<AssignTeacher>(FormConfig {
            ids: course,
            initial: TeacherInput::default(),
            fields: TEACHER_FIELDS,
            submit: "Assign".into(),
            pending: "Assigning…".into(),
            cancel: None,
            class: "assign-teacher",
            id_prefix: "teacher-",
            then: Then::Stay(Callback::new(move |_| changed.update(|n| *n += 1))),
            confirm: None,
        })
    });
    view! {
        <section class="children teachers" id="teachers" aria-labelledby="teachers-heading">
            <h2 id="teachers-heading">"Teachers"</h2>
            {move || remove.value().get().and_then(Result::err).map(|e| view! { <Notice kind="error">{e.to_string()}</Notice> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match teachers.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No teacher is assigned yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="teachers-list">
                                {list.into_iter().map(|t| {
                                    let name = t.display_name.clone();
                                    let on_remove = move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        remove.dispatch(RemoveTeacherFn { course, id: t.id });
                                    };
                                    view! {
                                        <li>
                                            <span class="teacher">{t.display_name}</span>" "<span class="hint">"@"{t.username}</span>
                                            {may_assign.then(|| view! {
                                                " "
                                                <form method="post" class="inline" action=urls::course_teacher_remove(course, t.id) on:submit=on_remove>
                                                    <crate::auth::CsrfField/>
                                                    <button type="submit" class="small secondary" aria-label=format!("Remove {name} from this course's teachers")>"Remove"</button>
                                                </form>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
                    }
                })}
            </Transition>
            {form}
        </section>
    }
}
