//! The dashboard (`/dashboard/`, first in the navigation): totals with
//! what was added lately, students added month by month, the fullest
//! courses, the grades across every course and, for administrators, the
//! latest changes and the unread messages. Every chart links to the list
//! it sums up.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::dashboard::{month_label, RECENT_DAYS};
use roster_core::domain::grades::shown;
use roster_core::domain::list::with_query;
use roster_core::domain::{urls, Dashboard, Date, HistoryEntry, Kind};

use crate::components::chart::{columns, shares, Bar, Columns, Share};
use crate::components::status::failed;
use crate::error::AppError;

#[leptos::server(name = DashboardFn, prefix = "/api", endpoint = "dashboard")]
pub async fn dashboard() -> Result<Dashboard, AppError> {
    crate::service::read(|ctx| async move {
        let admin = ctx.actor.user().is_some_and(|u| u.is_admin);
        Ok(ctx.db.dashboard(admin).await?)
    })
    .await
}

/// The list a kind's total sums up.
fn list_of(kind: Kind) -> String {
    match kind {
        Kind::Student => urls::students(),
        Kind::Course => urls::courses(),
        Kind::Handler => urls::handlers(),
        Kind::Pet => urls::pets(),
        // Enrolments are listed on their courses' pages.
        _ => urls::courses(),
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let found = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Dashboard"/>
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(d) => dashboard_view(d),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn dashboard_view(d: Dashboard) -> AnyView {
    let totals = d
        .totals
        .iter()
        .map(|t| {
            let noun = t.kind.plural();
            view! {
                <li class=format!("total {noun}")>
                    <a href=list_of(t.kind)>
                        <span class="figure">{t.total}</span>
                        <span class="what">{roster_core::domain::capitalise(noun)}</span>
                    </a>
                    <span class="lately">{format!("+{} in {RECENT_DAYS} days", t.added)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="totals" aria-label="Totals">{totals}</ul>
        {d.unread.map(|n| view! {
            <p class="unread"><a href=with_query(&urls::messages(), &[("unread", "1".to_owned())])>
                {match n { 0 => "No unread messages".to_owned(), 1 => "1 unread message".to_owned(), n => format!("{n} unread messages") }}
            </a></p>
        })}
        <div class="panels">
            {students_panel(&d.months)}
            {fullest_panel(&d.fullest)}
            {grades_panel(&d)}
            {d.recent.map(recent_panel)}
        </div>
    }
    .into_any()
}

fn students_panel(months: &[(Date, i64)]) -> AnyView {
    let total: i64 = months.iter().map(|m| m.1).sum();
    let bars = months
        .iter()
        .map(|&(start, n)| {
            let label = month_label(start);
            let short = label.split(' ').next().unwrap_or("").to_owned();
            let end = months
                .iter()
                .map(|m| m.0)
                .find(|m| *m > start)
                .map(last_day_before);
            let mut range = vec![("added_from", start.to_string())];
            if let Some(end) = end {
                range.push(("added_to", end));
            }
            Bar {
                tip: format!("{label}: {n} added"),
                label: short,
                value: n,
                href: Some(with_query(&urls::students(), &range)),
            }
        })
        .collect();
    let first = months.first().map(|m| month_label(m.0)).unwrap_or_default();
    let last = months.last().map(|m| month_label(m.0)).unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="students-added-heading">
            <h2 id="students-added-heading">"Students added, month by month"</h2>
            <figure class="chart">
                {columns(Columns {
                    id: "students-chart",
                    title: "Students added in each of the last twelve months".into(),
                    desc: format!("{total} students added from {first} to {last}."),
                    table: "The months as a table",
                    headings: ("Month", "Students"),
                    bars,
                })}
            </figure>
            <p class="more"><a href=urls::students()>"All students"</a></p>
        </section>
    }
    .into_any()
}

/// The day before `next` (the first of a month), as the list's filter
/// takes it.
fn last_day_before(next: Date) -> String {
    let (year, month) = match next.month() {
        1 => (next.year() - 1, 12),
        m => (next.year(), m - 1),
    };
    let last = (28..=31)
        .rev()
        .find_map(|d| Date::from_ymd(year, month, d))
        .unwrap_or(next);
    last.to_string()
}

fn fullest_panel(fullest: &[roster_core::domain::CourseFill]) -> AnyView {
    let body = if fullest.is_empty() {
        view! { <p class="empty">"No course has a limit on its places yet."</p> }.into_any()
    } else {
        let desc = fullest
            .iter()
            .map(|c| format!("{}: {} of {}", c.code, c.enrolled, c.capacity))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = fullest
            .iter()
            .map(|c| Share {
                label: c.code.clone(),
                part: c.enrolled,
                whole: c.capacity,
                href: urls::course(c.id),
            })
            .collect();
        view! {
            <figure class="chart">
                {shares("fullest-chart", "The fullest courses: places taken".into(), format!("{desc}."),
                    "The courses as a table", rows)}
            </figure>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="fullest-heading">
            <h2 id="fullest-heading">"Fullest courses"</h2>
            {body}
            <p class="more"><a href=urls::courses()>"All courses"</a></p>
        </section>
    }
    .into_any()
}

fn grades_panel(d: &Dashboard) -> AnyView {
    let g = &d.grades;
    let figure = |value: Option<f64>| value.map(shown).unwrap_or_else(|| "–".into());
    view! {
        <section class="panel" aria-labelledby="all-grades-heading">
            <h2 id="all-grades-heading">"Grades across all courses"</h2>
            <dl class="facts stats">
                <dt>"Graded"</dt><dd class="graded">{format!("{} of {}", g.graded, g.enrolled)}</dd>
                <dt>"Mean"</dt><dd class="mean">{figure(g.mean)}</dd>
                <dt>"Median"</dt><dd class="median">{figure(g.median)}</dd>
            </dl>
            {if g.graded > 0 {
                crate::enrolments::stats::distribution(&g.bands, "all-grades-chart",
                    "How every grade falls, in bands of ten")
            } else {
                view! { <p class="empty">"No grades yet."</p> }.into_any()
            }}
            <p class="more"><a href=urls::courses()>"Courses and their grades"</a></p>
        </section>
    }
    .into_any()
}

fn recent_panel(recent: Vec<HistoryEntry>) -> AnyView {
    let items = recent
        .into_iter()
        .map(|e| {
            let action = e
                .action()
                .map(|a| a.label().to_owned())
                .unwrap_or_else(|| e.action.clone());
            let who = e
                .who
                .clone()
                .unwrap_or_else(|| "Roster (command line)".into());
            view! {
                <li>
                    <time datetime=e.at.to_rfc3339()>{e.at.datetime_label()}</time>" · "
                    {who}" · "{action}" "<span class="kind">{e.kind.clone()}</span>" "
                    <strong>{e.title.clone()}</strong>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="recent-heading">
            <h2 id="recent-heading">"Latest changes"</h2>
            <ul class="recent">{items}</ul>
            <p class="more"><a href=urls::activity()>"The activity log"</a></p>
        </section>
    }
    .into_any()
}
