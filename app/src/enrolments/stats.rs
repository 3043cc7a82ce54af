//! A course's grades summed up on its page: the figures, and how the
//! grades fall in bands of ten as a bar chart. The chart is SVG drawn on
//! the server (it needs no JavaScript, prints and scales) with a title, a
//! description and the same numbers as a table for screen readers and
//! anyone who would rather read them.

use leptos::prelude::*;
use roster_core::domain::grades::{shown, BANDS};

use crate::components::chart::{columns, Bar, Columns};
use roster_core::domain::GradeStats;

pub fn grade_stats_view(stats: GradeStats) -> AnyView {
    let figure = |value: Option<f64>| value.map(shown).unwrap_or_else(|| "–".into());
    let whole = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    let graded = format!("{} of {}", stats.graded, stats.enrolled);
    view! {
        <section class="grade-stats" id="grades" aria-labelledby="grades-heading">
            <h2 id="grades-heading">"Grades"</h2>
            <dl class="facts stats">
                <dt>"Graded"</dt><dd class="graded">{graded}</dd>
                <dt>"Mean"</dt><dd class="mean">{figure(stats.mean)}</dd>
                <dt>"Median"</dt><dd class="median">{figure(stats.median)}</dd>
                <dt>"Lowest"</dt><dd class="lowest">{whole(stats.lowest)}</dd>
                <dt>"Highest"</dt><dd class="highest">{whole(stats.highest)}</dd>
                <dt>"Standard deviation"</dt><dd class="std-dev">{figure(stats.std_dev)}</dd>
            </dl>
            {(stats.graded > 0).then(|| {
                distribution(&stats.bands, "grades-chart", "How the grades fall, in bands of ten")
            })}
        </section>
    }
    .into_any()
}

/// The bands as columns, each with its count (`id`: unique on the page).
pub fn distribution(bands: &[i64; BANDS], id: &'static str, title: &str) -> AnyView {
    let total: i64 = bands.iter().sum();
    let described = bands
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(b, n)| format!("{}: {n}", GradeStats::band_label(b)))
        .collect::<Vec<_>>()
        .join(", ");
    let bars = bands
        .iter()
        .enumerate()
        .map(|(b, &n)| {
            let label = GradeStats::band_label(b);
            Bar {
                tip: format!("{label}: {n} {}", if n == 1 { "grade" } else { "grades" }),
                label,
                value: n,
                href: None,
            }
        })
        .collect();
    view! {
        <figure class="chart">
            {columns(Columns {
                id,
                title: title.to_owned(),
                desc: format!("{total} grades. {described}."),
                table: "The grades as a table",
                headings: ("Grade", "Students"),
                bars,
            })}
        </figure>
    }
    .into_any()
}
