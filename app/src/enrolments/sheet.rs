//! A course's grade sheet (`/courses/{id}/grades/`): every enrolled
//! student with their grade in an input, by name, saved at once. Each row
//! keeps the version it was shown at; a row someone else changed since is
//! left as it is and shown with its grade now beside what was typed, the
//! others are saved.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos_meta::Title;
#[cfg(feature = "ssr")]
use roster_core::domain::SheetRow;
use roster_core::domain::{urls, FieldErrors, FormInput, GradeSheetInput};
use serde::{Deserialize, Serialize};

use crate::components::status::{failed, set_status};
use crate::error::AppError;
use crate::form_state::submitted_form;
use crate::record::action::FormAction;
use crate::record::page::route_id;

/// The sheet's field for the whole of it (what was and was not saved).
const SHEET: &str = "sheet";

/// A course's sheet: its name and its enrolments, by the students' names.
/// The rows travel as tuples (the page carries a thousand of them in its
/// hydration data, where each field's name would be repeated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeSheet {
    pub course: i64,
    pub title: String,
    pub rows: Vec<Line>,
}

/// A sheet's row: (enrolment id, student's name, email, grade, version).
pub type Line = (i64, String, String, Option<i64>, i64);

#[cfg(feature = "ssr")]
fn line(row: SheetRow) -> Line {
    (
        row.id,
        row.student_name,
        row.student_email,
        row.grade,
        row.version,
    )
}

#[leptos::server(name = GradeSheetFn, prefix = "/api", endpoint = "courses/grade-sheet")]
pub async fn grade_sheet(course: i64) -> Result<Option<GradeSheet>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require(
            roster_core::domain::Kind::Enrolment,
            roster_core::domain::Op::View,
        )?;
        let Some(found) = ctx.db.get::<roster_core::domain::Course>(course).await? else {
            return Ok(None);
        };
        Ok(Some(GradeSheet {
            course,
            title: format!("{} {}", found.code, found.title),
            rows: ctx
                .db
                .grade_sheet(course)
                .await?
                .into_iter()
                .map(line)
                .collect(),
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
    // Grading is the role's enrolment change grant, or the teacher's in
    // the courses they teach: `run` checks the first, the write the course.
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
        let user = ctx.require_grading_in(course).await?.id;
        let changes = input.parse().map_err(AppError::Invalid)?;
        let left = ctx.db.set_grades(&ctx.by(), course, &changes).await?;
        let saved = changes.len() - left.len();
        tracing::info!(course, user, saved, left = left.len(), "grade sheet saved");
        if left.is_empty() {
            return Ok(saved);
        }
        // What the refused rows hold now, beside what was typed.
        let now: HashMap<i64, SheetRow> = ctx
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

/// A row changed on the sheet that is shown again as it was sent: what
/// was typed, and the grade and version it was typed over (`fresh`: the
/// row's grade and version now instead, once its refusal said what it is
/// now, so that saving again keeps what was typed).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    typed: String,
    was: String,
    version: String,
    fresh: bool,
}

#[derive(Clone, Copy)]
struct SheetState {
    errors: RwSignal<FieldErrors>,
    kept: RwSignal<HashMap<i64, Kept>>,
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
        let kept = submitted
            .map(|s| kept_rows(&s.input, &errors))
            .unwrap_or_default();
        SheetState {
            errors: RwSignal::new(errors),
            kept: RwSignal::new(kept),
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

/// The rows of a refused sheet to show as they were sent. Some rows
/// changed since the sheet was opened (the sheet's own message says so):
/// the others were saved, and those show what was typed beside their
/// grade now. Otherwise nothing was saved: every row changed on it keeps
/// what was typed, over the grade it was typed over. Nothing typed is lost.
fn kept_rows(input: &GradeSheetInput, errors: &FieldErrors) -> HashMap<i64, Kept> {
    let stale = errors.get(SHEET).is_some();
    input
        .ids()
        .into_iter()
        .filter_map(|id| {
            let cell = |what: &str| input.cell(what, id).unwrap_or_default().to_owned();
            let (typed, was) = (cell("grade"), cell("was"));
            let refused = errors.get(&format!("grade-{id}")).is_some();
            let keep = if stale {
                refused
            } else {
                typed.trim() != was.trim()
            };
            keep.then(|| {
                (
                    id,
                    Kept {
                        typed,
                        was,
                        version: cell("version"),
                        fresh: stale,
                    },
                )
            })
        })
        .collect()
}

/// The sheet's rows as markup: a thousand rows through the view machinery
/// cost far more than the rest of the page (as a list's rows, see
/// `record::list`). Text from records is escaped.
fn rows_html(rows: &[Line], state: SheetState) -> String {
    use crate::html::escape_into;
    use std::fmt::Write;
    let mut out = String::with_capacity(rows.len() * 480);
    // Each row's numbers as text, in buffers used again row after row.
    let (mut id, mut grade, mut version) = (String::new(), String::new(), String::new());
    // Ranked by the grades saved, not by what is being typed.
    let ranks = roster_core::domain::grades::ranks(
        &rows.iter().map(|(_, _, _, g, _)| *g).collect::<Vec<_>>(),
    );
    state.errors.with(|errors| {
        state.kept.with(|kept| {
            state.saved.with(|saved| {
                for ((row, name, email, shown, at), rank) in rows.iter().zip(ranks) {
                    id.clear();
                    grade.clear();
                    version.clear();
                    let _ = write!(id, "{row}");
                    if let Some(g) = shown {
                        let _ = write!(grade, "{g}");
                    }
                    let _ = write!(version, "{at}");
                    let error = match errors.is_empty() {
                        true => None,
                        false => errors.get(&format!("grade-{id}")),
                    };
                    let (value, was, version) = match kept.get(row) {
                        Some(k) if k.fresh => (k.typed.as_str(), grade.as_str(), version.as_str()),
                        Some(k) => (k.typed.as_str(), k.was.as_str(), k.version.as_str()),
                        None => (grade.as_str(), grade.as_str(), version.as_str()),
                    };
                    let done = error.is_none() && saved.contains(row);
                    out.push_str(match (error.is_some(), done) {
                        (true, _) => "<tr class=\"refused\">",
                        (false, true) => "<tr class=\"saved\">",
                        _ => "<tr>",
                    });
                    out.push_str("<th scope=\"row\"><label for=\"grade-");
                    out.push_str(&id);
                    out.push_str("\">");
                    escape_into(&mut out, name);
                    out.push_str("</label></th><td class=\"email\">");
                    escape_into(&mut out, email);
                    out.push_str(
                        "</td><td class=\"grade\"><input inputmode=\"numeric\" id=\"grade-",
                    );
                    out.push_str(&id);
                    out.push_str("\" name=\"grade-");
                    out.push_str(&id);
                    out.push_str("\" value=\"");
                    escape_into(&mut out, value);
                    // Only a row with something to say names its message
                    // (most rows have none: a thousand ids saved).
                    let said = error.is_some() || done;
                    out.push('"');
                    if said {
                        out.push_str(" aria-describedby=\"grade-");
                        out.push_str(&id);
                        out.push_str("-message\"");
                    }
                    if error.is_some() {
                        out.push_str(" aria-invalid=\"true\"");
                    }
                    out.push_str("><input type=\"hidden\" name=\"was-");
                    out.push_str(&id);
                    out.push_str("\" value=\"");
                    escape_into(&mut out, was);
                    out.push_str("\"><input type=\"hidden\" name=\"version-");
                    out.push_str(&id);
                    out.push_str("\" value=\"");
                    escape_into(&mut out, version);
                    out.push_str("\"></td><td class=\"rank\">");
                    if let Some(rank) = rank {
                        out.push_str(&roster_core::domain::grades::rank_label(rank));
                    }
                    out.push_str("</td><td class=\"row-status\"");
                    if said {
                        out.push_str(" id=\"grade-");
                        out.push_str(&id);
                        out.push_str("-message\"");
                    }
                    out.push('>');
                    match error {
                        Some(message) => {
                            out.push_str("<span class=\"field-error\">");
                            escape_into(&mut out, message);
                            out.push_str("</span>");
                        }
                        None if done => out.push_str("<span class=\"saved\">Saved</span>"),
                        None => {}
                    }
                    out.push_str("</td></tr>");
                }
            })
        })
    });
    out
}

fn sheet_view(sheet: GradeSheet, state: SheetState, reload: RwSignal<u32>) -> AnyView {
    let course = sheet.course;
    let action = ServerAction::<SaveGradesFn>::new();
    let count = sheet.rows.len();
    let rows = StoredValue::new(sheet.rows);
    // What the last save sent: the rows changed on the sheet, as sent.
    let sent = StoredValue::new(GradeSheetInput::default());
    Effect::new(move |_| match action.value().get() {
        Some(Ok(n)) => {
            state.errors.set(FieldErrors::new());
            state.kept.set(HashMap::new());
            let input = sent.get_value();
            state.saved.set(changed_ids(&input));
            state.notice.set(Some(saved_text(n)));
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Invalid(errors))) => {
            let input = sent.get_value();
            let kept = kept_rows(&input, &errors);
            let stale = errors.get(SHEET).is_some();
            state.saved.set(if stale {
                changed_ids(&input)
                    .into_iter()
                    .filter(|id| !kept.contains_key(id))
                    .collect()
            } else {
                HashSet::new()
            });
            state.notice.set(None);
            state.kept.set(kept);
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
            Ok(_) => {
                sent.set_value(input.clone());
                action.dispatch(SaveGradesFn { course, input });
            }
            Err(errors) => {
                state.notice.set(None);
                state.kept.set(kept_rows(&input, &errors));
                state.errors.set(errors);
            }
        }
    };
    // Enter moves down the column (on the last row it saves).
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        if ev.key() != "Enter" {
            return;
        }
        let next = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|input| input.closest("tr").ok().flatten())
            .and_then(|row| row.next_element_sibling())
            .and_then(|row| row.query_selector("input[inputmode]").ok().flatten())
            .and_then(|input| input.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(next) = next {
            ev.prevent_default();
            let _ = next.focus();
        }
    };
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
            other.then(|| view! { <div class="notice notice-error" role="alert">"Please correct the highlighted grades. Nothing was saved."</div> })
        }}
        {if count == 0 {
            view! { <p class="empty">"Nobody is enrolled yet. "<a href=back>"Enrol students"</a></p> }.into_any()
        } else {
            view! {
                <p class="hint">"A grade from 0 to 100; blank is no grade. Enter moves down the column; \
                    only the grades you change are saved. The rank is by the grades saved (2= is shared)."</p>
                <form method="post" action=urls::course_grades(course) class="grade-sheet" autocomplete="off" on:submit=on_submit>
                    <crate::auth::CsrfField/>
                    <div class="table-wrap">
                        <table class="records grades">
                            <thead><tr>
                                <th scope="col">"Student"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Grade"</th>
                                <th scope="col">"Rank"</th>
                                <th scope="col"><span class="visually-hidden">"Status"</span></th>
                            </tr></thead>
                            <tbody on:keydown=on_key inner_html=move || rows.with_value(|rows| rows_html(rows, state))></tbody>
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

/// The rows a sheet as sent changed.
fn changed_ids(input: &GradeSheetInput) -> HashSet<i64> {
    input
        .ids()
        .into_iter()
        .filter(|id| {
            input.cell("grade", *id).unwrap_or_default().trim()
                != input.cell("was", *id).unwrap_or_default().trim()
        })
        .collect()
}
