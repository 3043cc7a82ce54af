//! Charts drawn on the server as SVG inside the page: they need no
//! JavaScript, print, and scale. Each has a `<title>` and a `<desc>` (what
//! a screen reader says), a title on every bar, and the same numbers as a
//! table under it (shown on request), whose rows can link to the records
//! they count. One look for all: solid bars with a dark outline, which
//! read in greyscale print and without telling colours apart.

use leptos::prelude::*;

/// The drawing area, in SVG units (it scales to the page).
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 160.0;
/// Room for the labels under the bars and the counts above them.
const BELOW: f64 = 22.0;
const ABOVE: f64 = 16.0;

/// One bar: its label under it, its value, what its title says, and the
/// list its table row links to.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub tip: String,
    pub href: Option<String>,
}

/// A column chart and its table.
pub struct Columns {
    /// Unique on the page: the title's and description's ids.
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    /// The table's summary and its two headings.
    pub table: &'static str,
    pub headings: (&'static str, &'static str),
    pub bars: Vec<Bar>,
}

pub fn columns(chart: Columns) -> AnyView {
    let Columns {
        id,
        title,
        desc,
        table,
        headings,
        bars,
    } = chart;
    let most = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / bars.len().max(1) as f64;
    let room = HEIGHT - BELOW - ABOVE;
    let drawn = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let height = room * bar.value as f64 / most;
            let x = i as f64 * slot + slot * 0.15;
            let y = ABOVE + room - height;
            let middle = format!("{:.1}", x + slot * 0.35);
            view! {
                <g class="bar">
                    <title>{bar.tip.clone()}</title>
                    <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.7)
                        height=format!("{height:.1}")></rect>
                    <text class="count" x=middle.clone() y=format!("{:.1}", y - 4.0)
                        text-anchor="middle">{(bar.value > 0).then(|| bar.value.to_string())}</text>
                    <text class="band" x=middle y=format!("{:.1}", HEIGHT - 6.0)
                        text-anchor="middle">{bar.label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let rows = bars
        .into_iter()
        .map(|bar| {
            let label = match bar.href {
                Some(href) => view! { <a href=href>{bar.label}</a> }.into_any(),
                None => bar.label.into_any(),
            };
            view! { <tr><th scope="row">{label}</th><td class="num">{bar.value}</td></tr> }
        })
        .collect_view();
    let (title_id, desc_id, labelled) = ids(id);
    view! {
        <svg class="bars" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
            aria-labelledby=labelled>
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            <line class="axis" x1="0" x2=WIDTH.to_string() y1=format!("{:.1}", HEIGHT - BELOW)
                y2=format!("{:.1}", HEIGHT - BELOW)></line>
            {drawn}
        </svg>
        <details>
            <summary>{table}</summary>
            <table class="chart-data">
                <thead><tr><th scope="col">{headings.0}</th><th scope="col" class="num">{headings.1}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
    .into_any()
}

/// One row of a bar chart of shares: its label, how much of how much, and
/// its page.
pub struct Share {
    pub label: String,
    pub part: i64,
    pub whole: i64,
    pub href: String,
}

/// Horizontal bars, each a share of its whole ("12 of 30"), with the
/// whole's outline behind it.
pub fn shares(
    id: &'static str,
    title: String,
    desc: String,
    table: &'static str,
    rows: Vec<Share>,
) -> AnyView {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 90.0;
    const BAR: f64 = 220.0;
    let height = ROW * rows.len().max(1) as f64;
    let drawn = rows
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let share = if s.whole > 0 {
                (s.part as f64 / s.whole as f64).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let y = i as f64 * ROW;
            let text_y = format!("{:.1}", y + ROW * 0.65);
            view! {
                <g class="bar">
                    <title>{format!("{}: {} of {} places taken", s.label, s.part, s.whole)}</title>
                    <text class="band" x="0" y=text_y.clone()>{s.label.clone()}</text>
                    <rect class="whole" x=LABEL.to_string() y=format!("{:.1}", y + 4.0)
                        width=BAR.to_string() height=format!("{:.1}", ROW - 8.0)></rect>
                    <rect x=LABEL.to_string() y=format!("{:.1}", y + 4.0)
                        width=format!("{:.1}", BAR * share) height=format!("{:.1}", ROW - 8.0)></rect>
                    <text class="count" x=format!("{:.1}", LABEL + BAR + 6.0) y=text_y>
                        {format!("{} of {}", s.part, s.whole)}</text>
                </g>
            }
        })
        .collect_view();
    let table_rows = rows
        .into_iter()
        .map(|s| {
            view! {
                <tr><th scope="row"><a href=s.href>{s.label}</a></th>
                    <td class="num">{s.part}</td><td class="num">{s.whole}</td></tr>
            }
        })
        .collect_view();
    let (title_id, desc_id, labelled) = ids(id);
    view! {
        <svg class="bars shares" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-labelledby=labelled>
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {drawn}
        </svg>
        <details>
            <summary>{table}</summary>
            <table class="chart-data">
                <thead><tr><th scope="col">"Course"</th><th scope="col" class="num">"Taken"</th>
                    <th scope="col" class="num">"Places"</th></tr></thead>
                <tbody>{table_rows}</tbody>
            </table>
        </details>
    }
    .into_any()
}

/// A chart's title and description ids, and its `aria-labelledby`.
fn ids(id: &str) -> (String, String, String) {
    let (title, desc) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled = format!("{title} {desc}");
    (title, desc, labelled)
}
