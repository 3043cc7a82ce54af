//! Transcripts to print: a student's (`/{id}/transcript/`) and those of
//! everyone in a course (`/courses/{id}/transcripts/`), one student to a
//! printed page. The school's name comes from the settings; the print
//! style (`style/main.css`, `@media print`) leaves out the navigation and
//! the buttons and starts each student on a new page.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::grades::shown;
use roster_core::domain::{urls, Kind, Transcript, Transcripts};

use crate::error::AppError;
use crate::record::page::{failed, missing, route_id};

#[cfg(feature = "ssr")]
fn today() -> roster_core::domain::Date {
    use roster_core::domain::{Date, Timestamp};
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    Date::of(Timestamp::from_micros(micros))
}

#[leptos::server(prefix = "/api", endpoint = "students/transcript")]
pub async fn student_transcript(student: i64) -> Result<Option<Transcripts>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor
            .require(Kind::Student, roster_core::domain::Op::View)?;
        ctx.actor
            .require(Kind::Enrolment, roster_core::domain::Op::View)?;
        let Some(transcript) = ctx.db.transcript(student).await? else {
            return Ok(None);
        };
        Ok(Some(Transcripts {
            school: ctx.db.school_name().await?,
            issued: today(),
            course: None,
            students: vec![transcript],
        }))
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "courses/transcripts")]
pub async fn course_transcripts(course: i64) -> Result<Option<Transcripts>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor
            .require(Kind::Course, roster_core::domain::Op::View)?;
        ctx.actor
            .require(Kind::Enrolment, roster_core::domain::Op::View)?;
        let Some((found, students)) = ctx.db.course_transcripts(course).await? else {
            return Ok(None);
        };
        Ok(Some(Transcripts {
            school: ctx.db.school_name().await?,
            issued: today(),
            course: Some((course, format!("{} {}", found.code, found.title))),
            students,
        }))
    })
    .await
}

/// `/{id}/transcript/`.
#[component]
pub fn StudentTranscriptPage() -> impl IntoView {
    transcripts_page(
        Kind::Student,
        |id| async move { student_transcript(id).await },
    )
}

/// `/courses/{id}/transcripts/`.
#[component]
pub fn CourseTranscriptsPage() -> impl IntoView {
    transcripts_page(
        Kind::Course,
        |id| async move { course_transcripts(id).await },
    )
}

fn transcripts_page<Fut>(kind: Kind, read: fn(i64) -> Fut) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<Option<Transcripts>, AppError>> + Send + 'static,
{
    let id = route_id("id");
    let found = Resource::new(
        move || id.try_get().flatten(),
        move |id| async move {
            match id {
                Some(id) => read(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(t)) => transcripts_view(t),
                    Ok(None) if kind == Kind::Course => missing(kind, urls::COURSES),
                    Ok(None) => missing(kind, urls::STUDENTS),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn transcripts_view(all: Transcripts) -> AnyView {
    let Transcripts {
        school,
        issued,
        course,
        students,
    } = all;
    let (title, back, back_label) = match (&course, students.first()) {
        (Some((id, name)), _) => (
            format!("Transcripts: {name}"),
            urls::course(*id),
            name.clone(),
        ),
        (None, Some(t)) => (
            format!("Transcript: {}", t.name),
            urls::student(t.student),
            t.name.clone(),
        ),
        (None, None) => ("Transcript".into(), urls::students(), "Students".into()),
    };
    let many = course.is_some();
    let count = students.len();
    let pages = students
        .into_iter()
        .map(|t| transcript_view(t, school.clone(), issued.label(), many))
        .collect_view();
    view! {
        <Title text=title.clone()/>
        <div class="print-bar no-print">
            <p class="breadcrumb"><a href=back>{back_label}</a></p>
            <PrintButton/>
        </div>
        {many.then(|| view! {
            <h1 class="no-print">{title.clone()}</h1>
            <p class="hint no-print">{match count {
                0 => "Nobody is enrolled yet.".to_owned(),
                1 => "One student, on a page of its own when printed.".to_owned(),
                n => format!("{n} students, each on a page of their own when printed."),
            }}</p>
        })}
        {pages}
    }
    .into_any()
}

/// One student's transcript: a printed page. `many`: one of a course's
/// (the page has its own heading then, and this is a section under it).
fn transcript_view(t: Transcript, school: Option<String>, issued: String, many: bool) -> AnyView {
    let heading_id = format!("transcript-{}", t.student);
    let heading = format!("Transcript: {}", t.name);
    let heading = if many {
        view! { <h2 id=heading_id.clone()>{heading}</h2> }.into_any()
    } else {
        view! { <h1 id=heading_id.clone()>{heading}</h1> }.into_any()
    };
    let average = t.average().map(shown).unwrap_or_else(|| "–".into());
    let summary = format!(
        "Average of {} graded of {} courses",
        t.graded(),
        t.lines.len()
    );
    let rows = t
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <td class="code"><a href=urls::course(l.course)>{l.code.clone()}</a></td>
                    <td>{l.title.clone()}</td>
                    <td><time datetime=l.enrolled_on.to_string()>{l.enrolled_on.label()}</time></td>
                    <td class="num">{l.grade.map(|g| g.to_string()).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = t.lines.is_empty();
    view! {
        <article class="transcript" aria-labelledby=heading_id>
            <header>
                <p class="school">{school.unwrap_or_else(|| "Roster".into())}</p>
                {heading}
                <dl class="facts">
                    <dt>"Student"</dt><dd class="name">{t.name.clone()}</dd>
                    <dt>"Student number"</dt><dd>{t.student}</dd>
                    <dt>"Email"</dt><dd>{t.email.clone()}</dd>
                    <dt>"Issued"</dt><dd class="issued">{issued}</dd>
                </dl>
            </header>
            {if empty {
                view! { <p class="empty">"No courses taken yet."</p> }.into_any()
            } else {
                view! {
                    <table class="records transcript-courses">
                        <thead><tr>
                            <th scope="col">"Course"</th>
                            <th scope="col">"Title"</th>
                            <th scope="col">"Enrolled"</th>
                            <th scope="col" class="num">"Grade"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr>
                            <th scope="row" colspan="3">{summary}</th>
                            <td class="num average">{average}</td>
                        </tr></tfoot>
                    </table>
                }.into_any()
            }}
        </article>
    }
    .into_any()
}

/// Print, once the page's script runs; before that (or without it) a
/// hint names the browser's own command.
#[component]
fn PrintButton() -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    move || {
        if ready.get() {
            view! { <button type="button" class="primary" on:click=print>"Print"</button> }
                .into_any()
        } else {
            view! { <p class="hint">"To print, use your browser's Print (Ctrl+P, or ⌘P on a Mac)."</p> }
                .into_any()
        }
    }
}
