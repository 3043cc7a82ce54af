//! A course's grade sheet (`/courses/{id}/grades/`): every enrolled
//! student with their grade in an input, by name, saved at once. Each row
//! keeps the version it was shown at; a row someone else changed since is
//! left as it is and shown with its grade now beside what was typed, the
//! others are saved.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::{urls, Enrolment, FieldErrors, FormInput, GradeSheetInput};
use serde::{Deserialize, Serialize};

use crate::components::status::{failed, set_status};
use crate::error::AppError;
use crate::form_state::submitted_form;
use crate::record::action::FormAction;
use crate::record::page::route_id;

/// The sheet's field for the whole of it (what was and was not saved).
const SHEET: &str = "sheet";

/// A course's sheet: its name and its enrolments, by the students' names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeSheet {
    pub course: i64,
    pub title: String,
    pub rows: Vec<Enrolment>,
}

#[leptos::server(name = GradeSheetFn, prefix = "/api", endpoint = "courses/grade-sheet")]
pub async fn grade_sheet(course: i64) -> Result<Option<GradeSheet>, AppError> {
    crate::service::read(|ctx| async move {
        let Some(found) = ctx.db.get::<roster_core::domain::Course>(course).await? else {
            return Ok(None);
        };
        Ok(Some(GradeSheet {
            course,
            title: format!("{} {}", found.code, found.title),
            rows: ctx.db.grade_sheet(course).await?,
        }))
    })
    .await
}

#[leptos::server(name = SaveGradesFn, prefix = "/api", endpoint = "courses/save-grades")]
pub async fn save_grades(course: i64, input: GradeSheetInput) -> Result<usize, AppError> {
    crate::record::action::serve::<SaveGrades>(course, input).await
}

/// Saves a grade sheet: the rows whose grade was changed on it.
pub struct SaveGrades;

impl FormAction for SaveGrades {
    const ROUTE: urls::Pattern = urls::COURSE_GRADES;
    type Ids = i64;
    type Input = GradeSheetInput;
    /// How many grades were saved.
    type Output = usize;
    type Call = SaveGradesFn;

    fn call(course: i64, input: GradeSheetInput) -> SaveGradesFn {
        SaveGradesFn { course, input }
    }

    fn next(course: &i64, saved: &usize) -> String {
        format!("{}?saved={saved}", urls::course_grades(*course))
    }

    #[cfg(feature = "ssr")]
    async fn run(
        ctx: &crate::service::Ctx,
        course: i64,
        input: GradeSheetInput,
    ) -> Result<usize, AppError> {
        let user = ctx.actor.require_user()?.id;
        let changes = input.parse().map_err(AppError::Invalid)?;
        let left = ctx.db.set_grades(&ctx.by(), course, &changes).await?;
        let saved = changes.len() - left.len();
        tracing::info!(course, user, saved, left = left.len(), "grade sheet saved");
        if left.is_empty() {
            return Ok(saved);
        }
        // What the refused rows hold now, beside what was typed.
        let now: HashMap<i64, Enrolment> = ctx
            .db
            .grade_sheet(course)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut errors = FieldErrors::single(
            SHEET,
            format!(
                "Saved {saved} grade{}. {} row{} changed since you opened the sheet and {} not \
                 saved: each shows its grade now. Save again to keep what you typed.",
                if saved == 1 { "" } else { "s" },
                left.len(),
                if left.len() == 1 { "" } else { "s" },
                if left.len() == 1 { "was" } else { "were" },
            ),
        );
        for id in left {
            let message = match now.get(&id) {
                Some(e) => format!(
                    "Changed by someone else: now {}.",
                    e.grade
                        .map(|g| g.to_string())
                        .unwrap_or_else(|| "no grade".into())
                ),
                None => "No longer enrolled.".into(),
            };
            errors.add(&format!("grade-{id}"), message);
        }
        Err(AppError::Invalid(errors))
    }
}

/// `/courses/{id}/grades/`.
#[component]
pub fn GradeSheetPage() -> impl IntoView {
    let id = route_id("id");
    // Bumped after a save from the page: read the sheet again.
    let reload = RwSignal::new(0u32);
    let sheet = Resource::new(
        move || (id.try_get().flatten(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => grade_sheet(id).await,
                None => Ok(None),
            }
        },
    );
    let query = leptos_router::hooks::use_query_map();
    let saved = move || {
        query
            .with(|q| q.get("saved"))
            .and_then(|n| n.parse::<usize>().ok())
    };
    // What the page shows of a save: its notice, the rows refused (with
    // what was typed) and the rows saved.
    let state = SheetState::new(saved());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(Some(sheet)) => sheet_view(sheet, state, reload),
                    Ok(None) => {
                        set_status(404);
                        view! {
                            <Title text="Course not found"/>
                            <h1>"Course not found"</h1>
                            <p>"There is no such course. "<a href=urls::courses()>"All courses"</a></p>
                        }
                        .into_any()
                    }
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct SheetState {
    errors: RwSignal<FieldErrors>,
    /// What was typed in the rows refused.
    typed: RwSignal<HashMap<i64, String>>,
    saved: RwSignal<HashSet<i64>>,
    notice: RwSignal<Option<String>>,
}

impl SheetState {
    fn new(saved: Option<usize>) -> Self {
        // A refused plain POST: this render shows it.
        let submitted = submitted_form::<GradeSheetInput>();
        let errors = submitted
            .as_ref()
            .map(|s| s.errors.clone())
            .unwrap_or_default();
        let typed = submitted
            .map(|s| typed_in(&s.input, &errors))
            .unwrap_or_default();
        SheetState {
            errors: RwSignal::new(errors),
            typed: RwSignal::new(typed),
            saved: RwSignal::new(HashSet::new()),
            notice: RwSignal::new(saved.map(saved_text)),
        }
    }
}

fn saved_text(n: usize) -> String {
    match n {
        0 => "Nothing to save: no grade was changed.".into(),
        1 => "Saved 1 grade.".into(),
        n => format!("Saved {n} grades."),
    }
}

/// What was typed in the rows that have a message.
fn typed_in(input: &GradeSheetInput, errors: &FieldErrors) -> HashMap<i64, String> {
    input
        .ids()
        .into_iter()
        .filter(|id| errors.get(&format!("grade-{id}")).is_some())
        .map(|id| (id, input.cell("grade", id).unwrap_or_default().to_owned()))
        .collect()
}

fn sheet_view(sheet: GradeSheet, state: SheetState, reload: RwSignal<u32>) -> AnyView {
    let course = sheet.course;
    let action = ServerAction::<SaveGradesFn>::new();
    let ids: Vec<i64> = sheet.rows.iter().map(|e| e.id).collect();
    let last = ids.last().copied();
    // The ids of the rows, in order: Enter moves down the column.
    let order = StoredValue::new(ids);
    let sent = StoredValue::new(Vec::<i64>::new());
    Effect::new(move |_| match action.value().get() {
        Some(Ok(n)) => {
            state.errors.set(FieldErrors::new());
            state.typed.set(HashMap::new());
            state.saved.set(sent.get_value().into_iter().collect());
            state.notice.set(Some(saved_text(n)));
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Invalid(errors))) => {
            let refused: HashSet<i64> = sent
                .get_value()
                .into_iter()
                .filter(|id| errors.get(&format!("grade-{id}")).is_some())
                .collect();
            state.saved.set(
                sent.get_value()
                    .into_iter()
                    .filter(|id| !refused.contains(id))
                    .collect(),
            );
            state.notice.set(None);
            state.errors.set(errors);
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => {
            state.notice.set(None);
            state.errors.set(FieldErrors::single(SHEET, e.to_string()));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        let Some(pairs) = crate::record::form::submitted_pairs(&ev) else {
            return;
        };
        let input: GradeSheetInput = roster_core::domain::from_fields(pairs);
        match input.parse() {
            Ok(changes) => {
                sent.set_value(changes.iter().map(|c| c.id).collect());
                state.typed.set(
                    changes
                        .iter()
                        .map(|c| {
                            (
                                c.id,
                                input.cell("grade", c.id).unwrap_or_default().to_owned(),
                            )
                        })
                        .collect(),
                );
                action.dispatch(SaveGradesFn { course, input });
            }
            Err(errors) => {
                state.typed.set(typed_in(&input, &errors));
                state.errors.set(errors);
            }
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent, id: i64| {
        if ev.key() != "Enter" || Some(id) == last {
            return;
        }
        ev.prevent_default();
        let next = order.with_value(|ids| {
            ids.iter()
                .position(|i| *i == id)
                .and_then(|at| ids.get(at + 1).copied())
        });
        if let Some(next) = next {
            if let Some(input) = document().get_element_by_id(&format!("grade-{next}")) {
                use wasm_bindgen::JsCast;
                if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                    let _ = input.focus();
                }
            }
        }
    };
    let count = sheet.rows.len();
    let rows = sheet
        .rows
        .into_iter()
        .map(|e| {
            let id = e.id;
            let field = format!("grade-{id}");
            let error_field = StoredValue::new(field.clone());
            let error = move || {
                error_field.with_value(|field| {
                    state.errors.with(|errors| errors.get(field).map(str::to_owned))
                })
            };
            let shown = e.grade.map(|g| g.to_string()).unwrap_or_default();
            let value = state
                .typed
                .with_untracked(|typed| typed.get(&id).cloned())
                .unwrap_or_else(|| shown.clone());
            let message_id = format!("grade-{id}-message");
            let described = message_id.clone();
            let class = move || {
                if error().is_some() {
                    "refused"
                } else if state.saved.with(|saved| saved.contains(&id)) {
                    "saved"
                } else {
                    ""
                }
            };
            view! {
                <tr class=class>
                    <th scope="row"><label for=field.clone()>{e.student_name}</label></th>
                    <td class="email">{e.student_email}</td>
                    <td class="grade">
                        <input type="text" inputmode="numeric" id=field.clone() name=field
                            value=value size="4" autocomplete="off"
                            aria-invalid=move || error().is_some().to_string()
                            aria-describedby=described
                            on:keydown=move |ev| on_key(ev, id)/>
                        <input type="hidden" name=format!("was-{id}") value=shown/>
                        <input type="hidden" name=format!("version-{id}") value=e.version.to_string()/>
                    </td>
                    <td class="row-status" id=message_id>
                        {move || match error() {
                            Some(message) => view! { <span class="field-error">{message}</span> }.into_any(),
                            None if state.saved.with(|saved| saved.contains(&id)) => view! { <span class="saved">"Saved"</span> }.into_any(),
                            None => ().into_any(),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let title = format!("Grades: {}", sheet.title);
    let back = urls::course(course);
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=back.clone()>{sheet.title.clone()}</a></p>
        <h1>{title}</h1>
        {move || state.notice.get().map(|text| view! { <div class="notice notice-success" role="status">{text}</div> })}
        {move || state.errors.with(|e| e.get(SHEET).map(str::to_owned)).map(|text| view! {
            <div class="notice notice-warning" role="alert">{text}</div>
        })}
        {move || {
            let other = state.errors.with(|e| e.0.iter().any(|f| f.field != SHEET))
                && state.errors.with(|e| e.get(SHEET).is_none());
            other.then(|| view! { <div class="notice notice-error" role="alert">"Please correct the highlighted grades."</div> })
        }}
        {if count == 0 {
            view! { <p class="empty">"Nobody is enrolled yet. "<a href=back>"Enrol students"</a></p> }.into_any()
        } else {
            view! {
                <p class="hint">"A grade from 0 to 100; blank is no grade. Enter moves down the column; \
                    only the grades you change are saved."</p>
                <form method="post" action=urls::course_grades(course) class="grade-sheet" on:submit=on_submit>
                    <crate::auth::CsrfField/>
                    <div class="table-wrap">
                        <table class="records grades">
                            <thead><tr>
                                <th scope="col">"Student"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Grade"</th>
                                <th scope="col"><span class="visually-hidden">"Status"</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || action.pending().get()
                            aria-busy=move || action.pending().get().to_string()>
                            {move || if action.pending().get() { "Saving…" } else { "Save grades" }}
                        </button>
                        <a class="button secondary" href=urls::course(course)>"Back to the course"</a>
                    </div>
                </form>
            }.into_any()
        }}
    }
    .into_any()
}
