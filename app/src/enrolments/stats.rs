//! A course's grades summed up on its page: the figures, and how the
//! grades fall in bands of ten as a bar chart. The chart is SVG drawn on
//! the server (it needs no JavaScript, prints and scales) with a title, a
//! description and the same numbers as a table for screen readers and
//! anyone who would rather read them.

use leptos::prelude::*;
use roster_core::domain::grades::{shown, BANDS};
use roster_core::domain::GradeStats;

/// The chart's drawing area, in SVG units (it scales to the page).
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 160.0;
/// Room for the band labels under the bars and the counts above them.
const BELOW: f64 = 22.0;
const ABOVE: f64 = 16.0;

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
            {(stats.graded > 0).then(|| distribution(&stats.bands))}
        </section>
    }
    .into_any()
}

/// The bands as bars, tallest to scale, each with its count.
fn distribution(bands: &[i64; BANDS]) -> AnyView {
    let most = bands.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / BANDS as f64;
    let room = HEIGHT - BELOW - ABOVE;
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
            let height = room * n as f64 / most;
            let x = b as f64 * slot + slot * 0.15;
            let y = ABOVE + room - height;
            let tip = format!("{label}: {n} {}", if n == 1 { "grade" } else { "grades" });
            view! {
                <g class="bar">
                    <title>{tip}</title>
                    <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.7)
                        height=format!("{height:.1}")></rect>
                    <text class="count" x=format!("{:.1}", x + slot * 0.35) y=format!("{:.1}", y - 4.0)
                        text-anchor="middle">{(n > 0).then(|| n.to_string())}</text>
                    <text class="band" x=format!("{:.1}", x + slot * 0.35) y=format!("{:.1}", HEIGHT - 6.0)
                        text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let rows = bands
        .iter()
        .enumerate()
        .map(|(b, &n)| {
            view! { <tr><th scope="row">{GradeStats::band_label(b)}</th><td class="num">{n}</td></tr> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg class="bars" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-labelledby="grades-chart-title grades-chart-desc">
                <title id="grades-chart-title">"How the grades fall, in bands of ten"</title>
                <desc id="grades-chart-desc">{format!("{total} grades. {described}.")}</desc>
                <line class="axis" x1="0" x2=WIDTH.to_string() y1=format!("{:.1}", HEIGHT - BELOW)
                    y2=format!("{:.1}", HEIGHT - BELOW)></line>
                {bars}
            </svg>
            <figcaption>
                <details>
                    <summary>"The grades as a table"</summary>
                    <table class="chart-data">
                        <thead><tr><th scope="col">"Grade"</th><th scope="col" class="num">"Students"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </details>
            </figcaption>
        </figure>
    }
    .into_any()
}
