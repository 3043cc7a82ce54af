//! Bringing records in from a file: `/import/` (what can be imported),
//! `/import/{students,…}/` (the file's columns, its template, the upload
//! form) and `/imports/{id}/` (what the dry run found, row by row, and the
//! form that applies it; then what it did).
//!
//! The upload and the apply are plain POST forms (a multipart file, then
//! a button), answered by the server (`server/src/import.rs` routes) with
//! a redirect to the import's page, or this page again with the reason.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::import::{ImportForm, ImportKind, ImportView, RowOutcome};
use roster_core::domain::import::{MAX_FILE_BYTES, MAX_ROWS};
use roster_core::domain::urls;

use crate::components::status::{failed, set_status};
use crate::error::AppError;
use crate::form_state::refused_notice;
use crate::record::page::route_id;

/// The columns of a kind's file, each with its template example.
#[leptos::server(name = ImportColumnsFn, prefix = "/api", endpoint = "import/columns")]
pub async fn import_columns(kind: ImportKind) -> Result<Vec<(String, String)>, AppError> {
    crate::service::read(|_| async move {
        Ok(roster_core::db::import::columns(kind)
            .into_iter()
            .map(|(name, example)| (name.to_owned(), example.to_owned()))
            .collect())
    })
    .await
}

/// Import `id`: what its preview found, or what it did.
#[leptos::server(name = ImportViewFn, prefix = "/api", endpoint = "import/view")]
pub async fn import_view(id: i64) -> Result<Option<ImportView>, AppError> {
    use roster_core::domain::import::PreviewRow;
    crate::service::read(|ctx| async move {
        let Some(kept) = ctx.db.import_kept(id).await? else {
            return Ok(None);
        };
        let worth = |row: &&PreviewRow, errors: bool| {
            matches!(row.outcome, RowOutcome::Error { .. }) == errors
                && !matches!(row.outcome, RowOutcome::Unchanged { .. })
        };
        let mut rows: Vec<PreviewRow> = kept
            .preview
            .rows
            .iter()
            .filter(|r| worth(r, true))
            .take(ImportView::SHOWN)
            .cloned()
            .collect();
        rows.extend(
            kept.preview
                .rows
                .iter()
                .filter(|r| worth(r, false))
                .take(ImportView::SHOWN)
                .cloned(),
        );
        Ok(Some(ImportView {
            id: kept.id,
            kind: kept.kind,
            file_name: kept.file_name,
            applied: kept.status != "previewed",
            undone: kept.status == "undone",
            counts: kept.counts,
            columns: kept.preview.columns,
            ignored: kept.preview.ignored,
            known: roster_core::db::import::columns(kept.kind)
                .into_iter()
                .map(|(name, _)| name.to_owned())
                .collect(),
            headers: kept.headers,
            rows,
        }))
    })
    .await
}

/// With the wasm loaded, an import form is sent from the page (no
/// reload): the file with its progress, then the page it leads to. The
/// server answers such a request (`Accept: application/json`) with
/// `{"location": …}` or `{"error": …}` instead of a redirect or a page.
#[derive(Clone, Copy)]
struct Sending {
    /// What is happening: sending (how much), checking; or what went wrong.
    progress: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
}

impl Sending {
    fn new() -> Self {
        Sending {
            progress: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    fn view(self) -> impl IntoView {
        view! {
            <p class="progress" aria-live="polite">{move || self.progress.get()}</p>
            {move || self.error.get().map(|message| view! {
                <div class="notice notice-error" role="alert">{message}</div>
            })}
        }
    }

    /// The form's submit handler: sends it, then `done` with the page to
    /// go to.
    fn on_submit(
        self,
        done: impl Fn(String) + Clone + 'static,
    ) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
        move |ev: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            {
                ev.prevent_default();
                send(&ev, self, done.clone());
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &done);
        }
    }
}

#[cfg(feature = "hydrate")]
fn send(ev: &leptos::ev::SubmitEvent, sending: Sending, done: impl Fn(String) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return;
    };
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return;
    };
    let multipart = form.enctype() == "multipart/form-data";
    if xhr.open("POST", &form.action()).is_err() {
        return;
    }
    let _ = xhr.set_request_header("Accept", "application/json");
    sending.error.set(None);
    sending.progress.set(Some("Sending…".into()));
    if multipart {
        if let Ok(upload) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                move |ev: web_sys::ProgressEvent| {
                    if !ev.length_computable() || ev.total() <= 0.0 {
                        return;
                    }
                    let percent = (ev.loaded() / ev.total() * 100.0).round();
                    sending.progress.set(Some(if percent >= 100.0 {
                        "Checking every row…".to_owned()
                    } else {
                        format!("Sending the file: {percent}%")
                    }));
                },
            );
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();
        }
    } else {
        sending.progress.set(Some("Working…".into()));
    }
    // An apply says how far it is while it runs (`data-progress`: where
    // to ask; `data-total`: its writes).
    let polling = form
        .get_attribute("data-progress")
        .and_then(|url| poll_progress(sending, url, form.get_attribute("data-total")));
    let stop = move || {
        if let (Some(id), Some(window)) = (polling, web_sys::window()) {
            window.clear_interval_with_handle(id);
        }
    };
    let answer = xhr.clone();
    let on_load = Closure::once(move || {
        stop();
        sending.progress.set(None);
        let text = answer.response_text().ok().flatten().unwrap_or_default();
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        match body.get("location").and_then(|l| l.as_str()) {
            Some(location) => done(location.to_owned()),
            None => sending.error.set(Some(
                body.get("error")
                    .and_then(|e| e.as_str())
                    .unwrap_or("The server did not answer. Try again.")
                    .to_owned(),
            )),
        }
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::once(move || {
        stop();
        sending.progress.set(None);
        sending
            .error
            .set(Some("The server could not be reached. Try again.".into()));
    });
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let sent = if multipart {
        xhr.send_with_opt_form_data(Some(&data))
    } else {
        match web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) {
            Ok(params) => xhr.send_with_opt_url_search_params(Some(&params)),
            Err(e) => Err(e),
        }
    };
    if sent.is_err() {
        sending.progress.set(None);
        sending
            .error
            .set(Some("The form could not be sent. Try again.".into()));
    }
}

/// Asks `url` twice a second how many writes an apply has done, and says
/// so; the interval's handle, to stop it.
#[cfg(feature = "hydrate")]
fn poll_progress(sending: Sending, url: String, total: Option<String>) -> Option<i32> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let total = total.unwrap_or_default();
    let tick = Closure::<dyn FnMut()>::new(move || {
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            return;
        };
        if xhr.open("GET", &url).is_err() {
            return;
        }
        let answer = xhr.clone();
        let total = total.clone();
        let on_load = Closure::once(move || {
            if answer.status().unwrap_or(0) != 200 {
                return;
            }
            let text = answer.response_text().ok().flatten().unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let Some(written) = body.get("written").and_then(|n| n.as_u64()) else {
                return;
            };
            // Still the first answer's "Working…" once the apply ended.
            if sending.progress.get_untracked().is_none() {
                return;
            }
            sending.progress.set(Some(if written == 0 {
                "Checking every row again…".to_owned()
            } else {
                format!("Written {written} of {total} rows…")
            }));
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let _ = xhr.send();
    });
    let id = web_sys::window()?
        .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 500)
        .ok();
    tick.forget();
    id
}

fn label(kind: ImportKind) -> String {
    kind.kind().plural().to_owned()
}

/// `/import/`: what a file can bring in.
#[component]
pub fn ImportIndexPage() -> impl IntoView {
    let kinds = ImportKind::ALL
        .into_iter()
        .map(|kind| {
            let href = kind.page().fill(&[]);
            view! { <li><a href=href>{roster_core::domain::capitalise(&label(kind))}</a></li> }
        })
        .collect_view();
    view! {
        <Title text="Import"/>
        <h1>"Import"</h1>
        <p>"Bring records in from a spreadsheet: a CSV or Excel file whose first line names its columns. \
            You see what every row would do before anything is written."</p>
        <ul class="import-kinds">{kinds}</ul>
    }
}

/// `/import/{kind}/`: the file's columns, its template and the upload form.
#[component]
pub fn ImportPage(kind: ImportKind) -> impl IntoView {
    let columns = Resource::new(move || kind, import_columns);
    let sending = Sending::new();
    let navigate = leptos_router::hooks::use_navigate();
    let action = kind.page().fill(&[]);
    let template = |ext: &str| format!("{action}template.{ext}");
    let title = format!("Import {}", label(kind));
    let limits = format!(
        "Files up to {} MB and {} rows. Comma, semicolon or tab separated, UTF-8; or .xlsx (its first sheet).",
        MAX_FILE_BYTES / (1024 * 1024),
        MAX_ROWS
    );
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=urls::import()>"Import"</a></p>
        <h1>{title}</h1>
        {refused_notice::<ImportForm>()}
        {match kind {
            ImportKind::Enrolments => view! {
                <p>"A class list: each row enrols the student with that email in the course with that code \
                    (while it has places), with a grade if it has one. A row whose student is in that course \
                    already (or with that enrolment's " <code>"id"</code> ") sets its grade; \
                    an empty grade clears it. An export of a course's students imports back unchanged."</p>
            }.into_any(),
            _ => view! {
                <p>"A row with an " <code>"id"</code> " updates that record; "
                    {match kind {
                        ImportKind::Students => "without one, a row whose email a student has updates that student; ",
                        ImportKind::Courses => "without one, a row whose code a course has updates that course; ",
                        _ => "",
                    }}
                    "any other row adds one. An export of the list imports back unchanged."</p>
            }.into_any(),
        }}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match columns.await {
                    Ok(columns) => view! {
                        <table class="records import-columns">
                            <thead><tr><th scope="col">"Column"</th><th scope="col">"Example"</th></tr></thead>
                            <tbody>
                                {columns.into_iter().map(|(name, example)| view! {
                                    <tr><td><code>{name}</code></td><td>{example}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
        <p>"Template: "<a href=template("csv") download="">"CSV"</a>" · "<a href=template("xlsx") download="">"Excel"</a></p>
        {sending.view()}
        <form method="post" enctype="multipart/form-data" action=action class="import-upload"
            on:submit=sending.on_submit(move |location| navigate(&location, Default::default()))>
            <label>
                <span>"File"</span>
                <input type="file" name="file" required accept=".csv,.xlsx,.txt,text/csv"/>
            </label>
            <p class="hint">{limits}</p>
            <button type="submit">"Preview"</button>
        </form>
    }
}

/// `/imports/{id}/`: what the file's rows would do, and Apply; once
/// applied, what they did.
#[component]
pub fn ImportRunPage() -> impl IntoView {
    let id = route_id("id");
    // Bumped when a form of the page was sent from it: read it again.
    let reload = RwSignal::new(0u32);
    let found = Resource::new(
        move || (id.try_get().flatten(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => import_view(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Some(view)) => run_view(view, reload),
                    Ok(None) => {
                        set_status(404);
                        view! {
                            <Title text="Import not found"/>
                            <h1>"Import not found"</h1>
                            <p>"There is no such import. "<a href=urls::import()>"Import a file"</a></p>
                        }
                        .into_any()
                    }
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn run_view(view: ImportView, reload: RwSignal<u32>) -> AnyView {
    let sending = Sending::new();
    let navigate = leptos_router::hooks::use_navigate();
    let here = urls::import_run(view.id);
    let done = move |location: String| {
        if location.split('?').next() == Some(here.as_str()) {
            reload.update(|n| *n += 1);
        } else {
            navigate(&location, Default::default());
        }
    };
    let counts = view.counts;
    let list = view.kind.kind();
    let title = format!("Import of {}", view.file_name);
    let totals = format!(
        "{} new · {} to update · {} unchanged · {} with errors",
        counts.new, counts.updated, counts.unchanged, counts.errors
    );
    let class_list = view.kind == ImportKind::Enrolments;
    let undo = (view.applied && !view.undone).then(|| {
        let hint = if class_list {
            " Ends the enrolments it added and puts back the grades it changed, while none of them changed since."
        } else {
            " Deletes the records it added and puts back what it changed, while none of them changed since."
        };
        let action = format!("{}undo/", urls::import_run(view.id));
        view! {
            <form method="post" action=action class="import-undo" on:submit=sending.on_submit(done.clone())>
                <button type="submit" class="secondary">"Undo this import"</button>
                <span class="hint">{hint}</span>
            </form>
        }
    });
    let undone = view.undone.then(|| {
        let text = if class_list {
            "Undone: the enrolments it added are ended, the grades it changed are as they were."
        } else {
            "Undone: the records it added are deleted, the ones it changed are as they were."
        };
        view! { <div class="notice notice-info" role="status">{text}</div> }
    });
    let applied = view.applied.then(|| {
        let text = format!(
            "Applied: added {}, updated {}{}.",
            counts.new,
            counts.updated,
            if counts.errors > 0 {
                format!("; {} rows with errors were left out", counts.errors)
            } else {
                String::new()
            }
        );
        // A class list's enrolments are seen on their courses' pages.
        let list = match list {
            roster_core::domain::Kind::Enrolment => roster_core::domain::Kind::Course,
            list => list,
        };
        let href = crate::record::declared(list).map(|d| d.urls.list.fill(&[]));
        view! {
            <div class="notice notice-success" role="status">{text}" "
                {href.map(|href| view! { <a href=href>{format!("See the {}", list.plural())}</a> })}
            </div>
        }
    });
    let none_known = view.columns.iter().all(|c| c == "id");
    let none_known = none_known.then(|| {
        view! {
            <div class="notice notice-error" role="alert">
                "None of the file's columns is one Roster knows (its first line must name them). \
                 Say which column is which below, or use the template."
            </div>
        }
    });
    let ignored = (!view.ignored.is_empty()).then(|| {
        view! { <p class="hint">"Columns not read (not ones Roster knows): " {view.ignored.join(", ")}</p> }
    });
    // Which column is which: open when a column was not recognised or one
    // a file of this kind has is missing.
    let missing = view
        .known
        .iter()
        .any(|k| k != "id" && !view.columns.contains(k));
    let mapping = (!view.applied).then(|| {
        let open = !view.ignored.is_empty() || missing;
        let action = format!("{}columns/", urls::import_run(view.id));
        let known = view.known.clone();
        let columns = view.columns.clone();
        let selects = view
            .headers
            .iter()
            .enumerate()
            .map(|(i, header)| {
                let name = format!("col{i}");
                let chosen = roster_core::domain::import::header_key(header);
                let options = known
                    .iter()
                    .map(|k| {
                        let selected = roster_core::domain::import::header_key(k) == chosen
                            && columns.contains(k);
                        view! { <option value=k.clone() selected=selected>{k.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <label>
                        <span>{if header.is_empty() { format!("Column {}", i + 1) } else { header.clone() }}</span>
                        <select name=name>
                            <option value="">"— leave out —"</option>
                            {options}
                        </select>
                    </label>
                }
            })
            .collect_view();
        view! {
            <details class="import-mapping" open=open>
                <summary>"Which column is which?"</summary>
                <form method="post" action=action on:submit=sending.on_submit(done.clone())>
                    {selects}
                    <button type="submit">"Preview again"</button>
                </form>
            </details>
        }
    });
    let errors_href = format!("{}errors.csv", urls::import_run(view.id));
    let errors = (counts.errors > 0).then(|| {
        view! { <p><a href=errors_href download="">"Download the rows with errors"</a>" (CSV, with an "<code>"error"</code>" column) to fix them and import them again."</p> }
    });
    let writes = counts.new + counts.updated;
    let apply = (!view.applied).then(|| {
        let action = urls::import_run(view.id);
        let progress = format!("{action}progress");
        view! {
            <form method="post" action=action class="import-apply" data-progress=progress data-total=writes
                on:submit=sending.on_submit(done.clone())>
                <label class="check">
                    <input type="checkbox" name="all" value="true"/>
                    " Nothing at all unless every row is valid"
                </label>
                <button type="submit" disabled=writes == 0>
                    {if writes == 0 { "Nothing to apply".to_owned() } else { format!("Apply {writes} rows") }}
                </button>
            </form>
        }
    });
    let rows = view
        .rows
        .into_iter()
        .map(|row| {
            let (class, what, details) = match row.outcome {
                RowOutcome::New => ("new", "New".to_owned(), row.values.join(" · ")),
                RowOutcome::Update { id, changes, .. } => (
                    "update",
                    format!("Update #{id}"),
                    changes
                        .into_iter()
                        .map(|(field, was, now)| format!("{field}: {was} → {now}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                RowOutcome::Unchanged { id } => ("unchanged", format!("#{id}"), String::new()),
                RowOutcome::Error { cells } => (
                    "error",
                    "Error".to_owned(),
                    cells
                        .into_iter()
                        .map(|(column, message)| format!("{column}: {message}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            view! {
                <tr class=class><td>{row.line}</td><td>{what}</td><td>{details}</td></tr>
            }
        })
        .collect_view();
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=view.kind.page().fill(&[])>{format!("Import {}", label(view.kind))}</a></p>
        <h1>{title}</h1>
        {refused_notice::<ImportForm>()}
        {sending.view()}
        {applied}
        {undone}
        {undo}
        <p class="summary">{totals}</p>
        {none_known}
        {ignored}
        {mapping}
        {errors}
        {apply}
        <div class="table-wrap">
            <table class="records import-rows">
                <thead><tr><th scope="col">"Line"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
