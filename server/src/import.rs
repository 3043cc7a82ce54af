//! Files in: reading a CSV or Excel file into a header and rows, with a
//! clear message for every way a file can be wrong, and the import's
//! steps (preview, keep, apply) for one record type chosen at run time.
//! What a row means is the record declaration's business
//! (`roster_core::db::import`).

use std::io::Cursor;
use std::sync::Arc;

use roster_core::db::import::{Applied, ImportError, Imported, Kept, Progress};
use roster_core::db::{By, Db};
use roster_core::domain::import::{
    ImportKind, Preview, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS,
};
use roster_core::domain::{Course, Handler, Pet, Student};

/// A file's header and its rows, each with its line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// What an Excel file may unpack to: far more than 200,000 rows need,
/// far less than a zip bomb's gigabytes.
const MAX_UNPACKED: u64 = 400 * 1024 * 1024;

/// Reads file `name`: Excel (`.xlsx`, its first sheet, formulas as their
/// values) when it is a zip, CSV otherwise (comma, semicolon or tab; a
/// byte-order mark or none; UTF-8).
pub fn read_file(name: &str, bytes: &[u8]) -> Result<Sheet, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let trimmed = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if trimmed.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("The file is empty.".into());
    }
    let sheet = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if name.to_ascii_lowercase().ends_with(".xlsx") || name.ends_with(".xls") {
        return Err(
            "This is not an Excel workbook (.xlsx) Roster can read: save it as \
                    .xlsx or as CSV UTF-8."
                .into(),
        );
    } else {
        read_csv(trimmed)?
    };
    if sheet.rows.is_empty() {
        return Err("The file has its header line and no rows.".into());
    }
    Ok(sheet)
}

pub fn too_large() -> String {
    format!(
        "The file is larger than {} MB. Split it into smaller files.",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, String> {
    if bytes.contains(&0) {
        return Err(
            "This is not a CSV file (it holds binary data). Upload a .csv or .xlsx file.".into(),
        );
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        let line = bytes[..error.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(format!(
            "The file is not UTF-8 text (line {line} has a character in another encoding). \
             In Excel, save it as \"CSV UTF-8\"; elsewhere choose UTF-8 when saving."
        ));
    }
    let delimiter = sniff_delimiter(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut sheet = Reading::default();
    let mut record = csv::StringRecord::new();
    let (mut line, mut counted_to) = (1, 0);
    loop {
        // Where the record starts (a quoted cell may hold newlines).
        let start = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(format!(
                    "Line {line} cannot be read as CSV: check its quotes."
                ));
            }
        }
        // The reader stops before a record's line end: the record starts
        // past it (and past any blank lines).
        let start = start
            + bytes[start.min(bytes.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        // Counted from the last record on: one pass over the file.
        let start = start.min(bytes.len()).max(counted_to);
        line += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        sheet.take(line, record.iter().map(str::to_owned).collect())?;
    }
    Ok(sheet.done())
}

/// A sheet as it is read: the first line that is not empty is the
/// header, blank rows are left out.
#[derive(Default)]
struct Reading {
    headers: Option<Vec<String>>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Reading {
    fn take(&mut self, line: usize, values: Vec<String>) -> Result<(), String> {
        check_row(line, &values)?;
        if values.iter().all(|v| v.trim().is_empty()) {
            return Ok(());
        }
        if self.headers.is_none() {
            self.headers = Some(values);
            return Ok(());
        }
        if self.rows.len() == MAX_ROWS {
            return Err(too_many_rows());
        }
        self.rows.push((line, values));
        Ok(())
    }

    fn done(self) -> Sheet {
        Sheet {
            headers: self.headers.unwrap_or_default(),
            rows: self.rows,
        }
    }
}

fn too_many_rows() -> String {
    format!("The file has more than {MAX_ROWS} rows. Split it into smaller files.")
}

fn check_row(line: usize, values: &[String]) -> Result<(), String> {
    if values.len() > MAX_COLUMNS {
        return Err(format!(
            "Line {line} has {} columns; a Roster file has at most {MAX_COLUMNS}.",
            values.len()
        ));
    }
    if let Some(column) = values
        .iter()
        .position(|v| v.len() > MAX_CELL_CHARS && v.chars().count() > MAX_CELL_CHARS)
    {
        return Err(format!(
            "Line {line}, column {} has more than {MAX_CELL_CHARS} characters.",
            column + 1
        ));
    }
    Ok(())
}

/// The delimiter the first line uses most, outside quotes.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes {
        if b == b'\n' && !quoted {
            break;
        }
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == b {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| *d)
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, String> {
    use calamine::{Data, Reader, Xlsx};
    let not_excel = || "This is not an Excel workbook (.xlsx) Roster can read.".to_owned();
    // What it says it unpacks to, before anything is unpacked.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_excel())?;
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| not_excel())?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(
            "This workbook unpacks to far more than 200,000 rows could need: \
                    it is not read."
                .into(),
        );
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_excel())?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(_)) | None => return Err("The workbook's first sheet cannot be read.".into()),
    };
    let text = |cell: &Data| match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // A day (no time of day) reads as the day, as a form takes it.
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| match d.time() == chrono::NaiveTime::MIN {
                true => d.format("%Y-%m-%d").to_string(),
                false => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
            })
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    };
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut sheet = Reading::default();
    for (i, cells) in range.rows().enumerate() {
        let line = first_row + i + 1;
        let mut values: Vec<String> = cells.iter().map(text).collect();
        while values.last().is_some_and(|v| v.is_empty()) {
            values.pop();
        }
        sheet.take(line, values)?;
    }
    Ok(sheet.done())
}

/// Runs `$f` (a generic function of the record type) for the type an
/// import kind brings in; a class list (not a record type) runs
/// `$enrolments`.
macro_rules! for_kind {
    ($kind:expr, $f:ident($($arg:expr),*), $enrolments:expr) => {
        match $kind {
            ImportKind::Students => $f::<Student>($($arg),*).await,
            ImportKind::Courses => $f::<Course>($($arg),*).await,
            ImportKind::Handlers => $f::<Handler>($($arg),*).await,
            ImportKind::Pets => $f::<Pet>($($arg),*).await,
            ImportKind::Enrolments => $enrolments.await,
        }
    };
}

/// A dry run of `sheet` as records of `kind`.
pub async fn preview(db: &Db, kind: ImportKind, sheet: &Sheet) -> Result<Preview, ImportError> {
    async fn run<T: Imported>(db: &Db, sheet: &Sheet) -> Result<Preview, ImportError> {
        db.import_preview::<T>(&sheet.headers, &sheet.rows).await
    }
    for_kind!(
        kind,
        run(db, sheet),
        db.enrolments_preview(&sheet.headers, &sheet.rows)
    )
}

/// Applies kept import `kept` (all or nothing: `all`), noting it applied
/// in the same transaction; `progress` counts its writes as they are done.
pub async fn apply(
    db: &Db,
    by: &By,
    kept: &Kept,
    all: bool,
    progress: &Progress,
) -> Result<Applied, ImportError> {
    async fn run<T: Imported>(
        db: &Db,
        by: &By,
        kept: &Kept,
        rows: &[(usize, Vec<String>)],
        all: bool,
        progress: &Progress,
    ) -> Result<Applied, ImportError> {
        db.import_apply::<T>(by, &kept.headers, rows, &kept.preview, all, progress)
            .await
    }
    let rows: Vec<(usize, Vec<String>)> = kept
        .preview
        .rows
        .iter()
        .map(|r| (r.line, r.values.clone()))
        .collect();
    for_kind!(
        kept.kind,
        run(db, by, kept, &rows, all, progress),
        db.enrolments_apply(by, &kept.headers, &rows, &kept.preview, all, progress)
    )
}

/// Undoes applied import `id` of `kind` as a whole.
pub async fn undo(
    db: &Db,
    by: &By,
    kind: ImportKind,
    id: i64,
) -> Result<roster_core::db::import::Undone, roster_core::db::DbError> {
    async fn run<T: Imported>(
        db: &Db,
        by: &By,
        id: i64,
    ) -> Result<roster_core::db::import::Undone, roster_core::db::DbError> {
        db.import_undo::<T>(by, id).await
    }
    for_kind!(kind, run(db, by, id), db.enrolments_undo(by, id))
}

/// The imports this instance is applying, each with how many of its
/// writes are done: what `/imports/{id}/progress` answers while its apply
/// runs. Several instances each know their own (the page asks again, and
/// shows "Working…" where an instance knows nothing).
#[derive(Default)]
pub struct Applying(std::sync::Mutex<std::collections::HashMap<i64, Arc<Progress>>>);

/// An apply under way: its progress, forgotten when it ends (also when
/// its request goes away).
pub struct Running<'a> {
    applying: &'a Applying,
    id: i64,
    progress: Arc<Progress>,
}

impl Applying {
    pub fn start(&self, id: i64) -> Running<'_> {
        let progress = Arc::new(Progress::default());
        self.lock().insert(id, progress.clone());
        Running {
            applying: self,
            id,
            progress,
        }
    }

    /// How many writes import `id`'s apply has done, if it runs here.
    pub fn done(&self, id: i64) -> Option<usize> {
        self.lock()
            .get(&id)
            .map(|p| p.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<i64, Arc<Progress>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::ops::Deref for Running<'_> {
    type Target = Progress;
    fn deref(&self) -> &Progress {
        &self.progress
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.applying.lock().remove(&self.id);
    }
}

/// `roster import KIND FILE`: reads the file, previews it, and unless
/// `dry_run` applies it; the report, for standard output.
pub async fn run_cli(
    db: &Db,
    kind: ImportKind,
    path: &std::path::Path,
    dry_run: bool,
    all: bool,
) -> Result<String, String> {
    use roster_core::domain::import::{ImportCounts, RowOutcome};
    use std::fmt::Write;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sheet = read_file(&name, &bytes)?;
    let failed = |e: ImportError| match e {
        ImportError::File(message) => message,
        ImportError::Db(error) => error.to_string(),
    };
    let preview = preview(db, kind, &sheet).await.map_err(failed)?;
    let counts = ImportCounts::of(&preview.rows);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}: {} new, {} to update, {} unchanged, {} with errors.",
        counts.new, counts.updated, counts.unchanged, counts.errors
    );
    if !preview.ignored.is_empty() {
        let _ = writeln!(out, "Columns not read: {}.", preview.ignored.join(", "));
    }
    for row in &preview.rows {
        if let RowOutcome::Error { cells } = &row.outcome {
            for (column, message) in cells {
                let _ = writeln!(out, "line {}: {column}: {message}", row.line);
            }
        }
    }
    if dry_run {
        let _ = writeln!(out, "Dry run: nothing was written.");
        return Ok(out);
    }
    let by = By::operator();
    let id = db
        .import_keep(&by, kind, &name, &sheet.headers, &preview)
        .await
        .map_err(|e| e.to_string())?;
    let kept = db
        .import_kept(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the import was not kept")?;
    let by = By {
        import: Some(id),
        ..By::operator()
    };
    let progress = Progress::default();
    match apply(db, &by, &kept, all, &progress)
        .await
        .map_err(failed)?
    {
        Applied::Done(counts) => {
            let _ = writeln!(
                out,
                "Import {id}: added {}, updated {}; {} rows with errors were left out.",
                counts.new, counts.updated, counts.errors
            );
            Ok(out)
        }
        other => Err(format!("{out}{}", applied_message(&other))),
    }
}

/// Why an apply wrote nothing, in words.
pub fn applied_message(applied: &Applied) -> String {
    match applied {
        Applied::Done(_) => String::new(),
        Applied::Moved(lines) => format!(
            "Nothing was written: the records of line(s) {} changed since the preview. \
             Preview the file again.",
            lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Applied::HasErrors(n) => {
            format!("Nothing was written: all or nothing was asked for, and {n} rows have errors.")
        }
        Applied::Already => "This import was applied already.".into(),
        Applied::Refused {
            line,
            field,
            message,
        } => format!("Nothing was written: line {line}, {field}: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_files_read_with_any_delimiter_and_a_bom_or_none() {
        for text in [
            "\u{feff}id,name\r\n1,\"Rex, the dog\"\r\n",
            "id;name\n1;Rex, the dog\n",
            "id\tname\n1\tRex, the dog\n",
        ] {
            let sheet = read_file("x.csv", text.as_bytes()).unwrap();
            assert_eq!(sheet.headers, ["id", "name"]);
            assert_eq!(
                sheet.rows,
                vec![(2, vec!["1".to_owned(), "Rex, the dog".to_owned()])]
            );
        }
    }

    #[test]
    fn rows_know_their_line_in_the_file() {
        let sheet = read_file(
            "x.csv",
            "\u{feff}a;b\r\n1;2\r\n3;\"x\ny\"\r\n5;6\r\n".as_bytes(),
        )
        .unwrap();
        let lines: Vec<usize> = sheet.rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 3, 5]);
    }

    #[test]
    fn bad_files_get_a_message_each() {
        let err = |name: &str, bytes: &[u8]| read_file(name, bytes).unwrap_err();
        assert!(err("a.csv", b"").contains("empty"));
        assert!(err("a.csv", b"id,name\n").contains("no rows"));
        assert!(err("a.csv", b"id,name\n1,Caf\xe9\n").contains("not UTF-8"));
        assert!(err("a.csv", b"\x00\x01\x02binary").contains("not a CSV"));
        assert!(err("a.xlsx", b"id,name\n1,x\n").contains("not an Excel"));
        assert!(err("a.xlsx", b"PK\x03\x04garbage").contains("not an Excel"));
        let wide = format!("{}\n1\n", vec!["c"; MAX_COLUMNS + 1].join(","));
        assert!(err("a.csv", wide.as_bytes()).contains("columns"));
        let long = format!("id,bio\n1,{}\n", "x".repeat(MAX_CELL_CHARS + 1));
        assert!(err("a.csv", long.as_bytes()).contains("characters"));
    }
}

/// The import routes: each kind's upload, an import's apply, its error
/// rows, and the templates.
pub mod routes {
    use axum::body::Bytes;
    use axum::extract::{DefaultBodyLimit, Extension, Multipart, OriginalUri, Path, State};
    use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::Router;
    use leptos::prelude::provide_context;
    use roster_app::form_state::FormState;
    use roster_app::service::accounts::Session;
    use roster_core::db::import::{columns, Applied};
    use roster_core::db::By;
    use roster_core::domain::export::{neutralise, unneutralise, FileFormat, Value};
    use roster_core::domain::import::{ImportForm, ImportKind, RowOutcome, MAX_FILE_BYTES};
    use roster_core::domain::{urls, FieldErrors};

    use super::{applied_message, apply, preview, read_file, too_large, ImportError};
    use crate::render::render_page;
    use crate::state::AppState;

    /// How much of an upload is read at most: past the 20 MB a file may
    /// have, enough to say so to any upload a person makes by mistake.
    const UPLOAD_READ_LIMIT: usize = 64 * 1024 * 1024;

    pub fn add(router: Router<AppState>) -> Router<AppState> {
        let mut router = router;
        for kind in ImportKind::ALL {
            let path = kind.page().axum();
            router = router.route(
                &path,
                post(move |state, session, uri, headers, body| {
                    upload(kind, state, session, uri, headers, body)
                })
                // The file and the form around it; a larger file is read
                // through (up to this) so that it is answered with a message.
                .layer(DefaultBodyLimit::max(UPLOAD_READ_LIMIT)),
            );
            router = router.route(
                &format!("{path}{{file}}"),
                get(move |file| template(kind, file)),
            );
        }
        router
            .route(&urls::IMPORT_RUN.axum(), post(apply_form))
            .route(&format!("{}columns/", urls::IMPORT_RUN.axum()), post(remap))
            .route(
                &format!("{}undo/", urls::IMPORT_RUN.axum()),
                post(undo_form),
            )
            .route(
                &format!("{}errors.csv", urls::IMPORT_RUN.axum()),
                get(error_rows),
            )
            .route(
                &format!("{}progress", urls::IMPORT_RUN.axum()),
                get(progress),
            )
    }

    /// Whether the page sent the form itself (with the wasm loaded): it
    /// takes JSON, not a redirect or a page.
    fn from_page(headers: &HeaderMap) -> bool {
        headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    }

    /// Where to go next: a redirect, or for the page `{"location": …}`.
    fn next(json: bool, location: &str) -> Response {
        if json {
            return axum::Json(serde_json::json!({ "location": location })).into_response();
        }
        see_other(location)
    }

    /// The page at `uri` again, with `message` at its top; for the page,
    /// `{"error": …}` with the same status.
    async fn again(
        json: bool,
        state: &AppState,
        uri: axum::http::Uri,
        session: Option<Session>,
        message: String,
        status: StatusCode,
    ) -> Response {
        if json {
            return (status, axum::Json(serde_json::json!({ "error": message }))).into_response();
        }
        let form = FormState {
            input: ImportForm::default(),
            errors: FieldErrors::new(),
            message: Some(message),
            conflict: None,
        };
        render_page(
            state,
            uri,
            session,
            move || provide_context(form.clone()),
            status,
        )
        .await
    }

    fn see_other(location: &str) -> Response {
        let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
        (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
    }

    /// A file sent from a kind's page: previewed, kept, and its page shown.
    async fn upload(
        kind: ImportKind,
        State(state): State<AppState>,
        session: Option<Extension<Session>>,
        OriginalUri(uri): OriginalUri,
        headers: HeaderMap,
        multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    ) -> Response {
        let json = from_page(&headers);
        let session = session.map(|s| s.0);
        // Before the file is read: a role that may not import learns nothing.
        if let Some(message) = refused(&session, kind) {
            return again(json, &state, uri, session, message, StatusCode::FORBIDDEN).await;
        }
        let by = By {
            account: session.as_ref().map(|s| s.user.id),
            grants: session.as_ref().map(|s| s.user.grants).unwrap_or_default(),
            ..By::default()
        };
        let file = match read_upload(multipart).await {
            Ok(file) => file,
            Err((status, message)) => {
                return again(json, &state, uri, session, message, status).await
            }
        };
        let (name, bytes) = file;
        let sheet = match read_file(&name, &bytes) {
            Ok(sheet) => sheet,
            Err(message) => {
                return again(
                    json,
                    &state,
                    uri,
                    session,
                    message,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        };
        let previewed = match preview(&state.db, kind, &sheet).await {
            Ok(previewed) => previewed,
            Err(ImportError::File(message)) => {
                return again(
                    json,
                    &state,
                    uri,
                    session,
                    message,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(ImportError::Db(error)) => {
                tracing::error!(%error, "an import could not be previewed");
                let message = "The file could not be checked just now. Try again in a moment.";
                return again(
                    json,
                    &state,
                    uri,
                    session,
                    message.into(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
                .await;
            }
        };
        match state
            .db
            .import_keep(&by, kind, &name, &sheet.headers, &previewed)
            .await
        {
            Ok(id) => next(json, &urls::import_run(id)),
            Err(error) => {
                tracing::error!(%error, "an import could not be kept");
                let message = "The file could not be kept just now. Try again in a moment.";
                again(
                    json,
                    &state,
                    uri,
                    session,
                    message.into(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
                .await
            }
        }
    }

    /// The form's file: its name and bytes, or why not.
    async fn read_upload(
        multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    ) -> Result<(String, Bytes), (StatusCode, String)> {
        let choose = || {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Choose a file to import.".to_owned(),
            )
        };
        let mut multipart = multipart.map_err(|_| choose())?;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => return Err(choose()),
                Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err((StatusCode::PAYLOAD_TOO_LARGE, too_large()))
                }
                Err(_) => return Err(choose()),
            };
            if field.name() != Some("file") {
                continue;
            }
            let name = field.file_name().unwrap_or("file").to_owned();
            // Read to its end even past the limit: a browser shown an
            // answer before its upload is through may see the connection
            // reset instead of the message.
            let mut field = field;
            let mut bytes = Vec::new();
            let mut over = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if over => drop(chunk),
                    Ok(Some(chunk)) => {
                        over = bytes.len() + chunk.len() > MAX_FILE_BYTES;
                        if !over {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err((StatusCode::PAYLOAD_TOO_LARGE, too_large()))
                    }
                    Err(_) => return Err(choose()),
                }
            }
            if over {
                return Err((StatusCode::PAYLOAD_TOO_LARGE, too_large()));
            }
            if bytes.is_empty() && name == "file" {
                return Err(choose());
            }
            return Ok((name, Bytes::from(bytes)));
        }
    }

    /// Apply, from an import's page.
    async fn apply_form(
        State(state): State<AppState>,
        session: Option<Extension<Session>>,
        OriginalUri(uri): OriginalUri,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let json = from_page(&headers);
        let session = session.map(|s| s.0);
        let Ok(id) = id.parse::<i64>() else {
            return render_page(&state, uri, session, || {}, StatusCode::NOT_FOUND).await;
        };
        let all = form_urlencoded::parse(&body).any(|(k, v)| k == "all" && v == "true");
        let kept = match state.db.import_kept(id).await {
            Ok(Some(kept)) => kept,
            Ok(None) => {
                return render_page(&state, uri, session, || {}, StatusCode::NOT_FOUND).await
            }
            Err(error) => {
                tracing::error!(%error, "an import could not be read");
                let message = "The import could not be read just now. Try again in a moment.";
                return again(
                    json,
                    &state,
                    uri,
                    session,
                    message.into(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
                .await;
            }
        };
        if let Some(message) = refused(&session, kept.kind) {
            return again(json, &state, uri, session, message, StatusCode::FORBIDDEN).await;
        }
        let page = urls::import_run(id);
        if kept.status == "applied" {
            return next(json, &page);
        }
        let by = By {
            account: session.as_ref().map(|s| s.user.id),
            request: None,
            import: Some(id),
            batch: None,
            grants: session.as_ref().map(|s| s.user.grants).unwrap_or_default(),
        };
        let running = state.applying.start(id);
        let applied = apply(&state.db, &by, &kept, all, &running).await;
        drop(running);
        let (message, status) = match applied {
            // Applied by this request or another: its page says what it did.
            Ok(Applied::Done(_)) | Ok(Applied::Already) => return next(json, &page),
            Ok(other @ Applied::Moved(_)) => (applied_message(&other), StatusCode::CONFLICT),
            Ok(other) => (applied_message(&other), StatusCode::UNPROCESSABLE_ENTITY),
            Err(ImportError::File(message)) => (message, StatusCode::UNPROCESSABLE_ENTITY),
            Err(ImportError::Db(error)) => {
                tracing::error!(%error, "an import could not be applied");
                (
                    "The import could not be applied just now. Try again in a moment.".into(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
            }
        };
        again(json, &state, uri, session, message, status).await
    }

    /// Which column is which, chosen on an import's page (`col0=email`…,
    /// empty: leave it out): the file previewed again under that header.
    async fn remap(
        State(state): State<AppState>,
        session: Option<Extension<Session>>,
        OriginalUri(uri): OriginalUri,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let json = from_page(&headers);
        let session = session.map(|s| s.0);
        let Some(kept) = named(&state, &id).await else {
            return render_page(&state, uri, session, || {}, StatusCode::NOT_FOUND).await;
        };
        let page = urls::import_run(kept.id);
        let page_uri: axum::http::Uri = page.parse().unwrap_or(uri);
        let known: Vec<&str> = columns(kept.kind).into_iter().map(|(n, _)| n).collect();
        let chosen: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let mut headers = kept.headers.clone();
        for (i, header) in headers.iter_mut().enumerate() {
            let Some((_, value)) = chosen.iter().find(|(k, _)| *k == format!("col{i}")) else {
                continue;
            };
            *header = match known.iter().find(|k| *k == value) {
                Some(k) => (*k).to_owned(),
                // Left out: a header no column has.
                None => format!("(left out) {header}"),
            };
        }
        let sheet = super::Sheet {
            headers,
            rows: kept
                .preview
                .rows
                .iter()
                .map(|r| (r.line, r.values.clone()))
                .collect(),
        };
        let message = match preview(&state.db, kept.kind, &sheet).await {
            Ok(previewed) => match state
                .db
                .import_remap(kept.id, &sheet.headers, &previewed)
                .await
            {
                Ok(_) => return next(json, &page),
                Err(error) => {
                    tracing::error!(%error, "an import's columns could not be kept");
                    "The columns could not be kept just now. Try again in a moment.".to_owned()
                }
            },
            Err(ImportError::File(message)) => message,
            Err(ImportError::Db(error)) => {
                tracing::error!(%error, "an import could not be previewed");
                "The file could not be checked just now. Try again in a moment.".to_owned()
            }
        };
        again(
            json,
            &state,
            page_uri,
            session,
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    }

    /// Why the session's role may not import records of `kind`, if it
    /// may not. The write helpers check again.
    fn refused(session: &Option<Session>, kind: ImportKind) -> Option<String> {
        use roster_core::domain::{role::not_allowed, Op};
        let grants = session.as_ref().map(|s| s.user.grants).unwrap_or_default();
        (!grants.may(kind.kind(), Op::Import)).then(|| not_allowed(kind.kind(), Op::Import))
    }

    /// The import a path names, if there is one.
    async fn named(state: &AppState, id: &str) -> Option<roster_core::db::import::Kept> {
        let id = id.parse::<i64>().ok()?;
        state.db.import_kept(id).await.ok().flatten()
    }

    /// Undo, from an applied import's page.
    async fn undo_form(
        State(state): State<AppState>,
        session: Option<Extension<Session>>,
        OriginalUri(uri): OriginalUri,
        Path(id): Path<String>,
        headers: HeaderMap,
    ) -> Response {
        use roster_core::db::import::Undone;
        let json = from_page(&headers);
        let session = session.map(|s| s.0);
        let Some(kept) = named(&state, &id).await else {
            return render_page(&state, uri, session, || {}, StatusCode::NOT_FOUND).await;
        };
        if let Some(message) = refused(&session, kept.kind) {
            return again(json, &state, uri, session, message, StatusCode::FORBIDDEN).await;
        }
        let page = urls::import_run(kept.id);
        let page_uri: axum::http::Uri = page.parse().unwrap_or(uri);
        let by = By {
            account: session.as_ref().map(|s| s.user.id),
            grants: session.as_ref().map(|s| s.user.grants).unwrap_or_default(),
            ..By::default()
        };
        let (message, status) = match super::undo(&state.db, &by, kept.kind, kept.id).await {
            Ok(Undone::Done { .. }) | Ok(Undone::NotApplied) => return next(json, &page),
            Ok(Undone::Changed(titles)) if titles.is_empty() => (
                "Nothing was undone: some of its records changed or were used since.".to_owned(),
                StatusCode::CONFLICT,
            ),
            Ok(Undone::Changed(titles)) => (
                format!(
                    "Nothing was undone: these records changed since the import: {}.",
                    titles.join(", ")
                ),
                StatusCode::CONFLICT,
            ),
            Err(error) => {
                tracing::error!(%error, "an import could not be undone");
                (
                    "The import could not be undone just now. Try again in a moment.".to_owned(),
                    StatusCode::SERVICE_UNAVAILABLE,
                )
            }
        };
        again(json, &state, page_uri, session, message, status).await
    }

    /// How many writes import `id`'s apply has done, while it runs on
    /// this instance: `{"written": n}`; 404 otherwise.
    async fn progress(State(state): State<AppState>, Path(id): Path<String>) -> Response {
        let done = id
            .parse::<i64>()
            .ok()
            .and_then(|id| state.applying.done(id));
        match done {
            Some(n) => (
                [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
                axum::Json(serde_json::json!({ "written": n })),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    /// An import's rows with errors, as a CSV file with an `error` column,
    /// to fix and upload again.
    async fn error_rows(State(state): State<AppState>, Path(id): Path<String>) -> Response {
        let Some(kept) = named(&state, &id).await else {
            return (StatusCode::NOT_FOUND, "There is no such import.\n").into_response();
        };
        let mut header: Vec<Value> = kept.headers.iter().cloned().map(Value::Text).collect();
        header.push(Value::Text("error".into()));
        let mut rows = vec![header];
        for row in &kept.preview.rows {
            if let RowOutcome::Error { cells } = &row.outcome {
                // As the file had them: written again, neutralised again.
                let mut values: Vec<Value> = row
                    .values
                    .iter()
                    .map(|v| Value::Text(unneutralise(v).to_owned()))
                    .collect();
                values.resize(kept.headers.len(), Value::Text(String::new()));
                let error = cells
                    .iter()
                    .map(|(column, message)| format!("{column}: {message}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                values.push(Value::Text(error));
                rows.push(values);
            }
        }
        let body = crate::export::csv_file(&rows);
        let stem = kept
            .file_name
            .rsplit_once('.')
            .map_or(kept.file_name.as_str(), |(s, _)| s);
        let file: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        file_response(FileFormat::Csv, &format!("{file}-errors.csv"), body)
    }

    fn file_response(format: FileFormat, name: &str, body: Vec<u8>) -> Response {
        crate::export::attachment(format, name, axum::body::Body::from(body))
    }

    /// `/import/{kind}/template.csv` or `.xlsx`: the header and one example.
    async fn template(kind: ImportKind, Path(file): Path<String>) -> Response {
        let format = match file.as_str() {
            "template.csv" => FileFormat::Csv,
            "template.xlsx" => FileFormat::Xlsx,
            _ => return (StatusCode::NOT_FOUND, "No such file.\n").into_response(),
        };
        let columns = columns(kind);
        let name = format!("{}-template.{}", kind.slug(), format.extension());
        match format {
            FileFormat::Csv => {
                let header = columns
                    .iter()
                    .map(|(n, _)| Value::Text((*n).into()))
                    .collect();
                let example = columns
                    .iter()
                    .map(|(_, e)| Value::Text((*e).into()))
                    .collect();
                let body = crate::export::csv_file(&[header, example]);
                file_response(format, &name, body)
            }
            FileFormat::Xlsx => {
                let mut book = rust_xlsxwriter::Workbook::new();
                let sheet = book.add_worksheet();
                let bold = rust_xlsxwriter::Format::new().set_bold();
                for (col, (header, example)) in columns.iter().enumerate() {
                    let col = col as u16;
                    let _ = sheet.write_string_with_format(0, col, *header, &bold);
                    let _ = match example.parse::<f64>() {
                        Ok(n) => sheet.write_number(1, col, n),
                        Err(_) => sheet.write_string(1, col, neutralise(example)),
                    };
                }
                match book.save_to_buffer() {
                    Ok(body) => file_response(format, &name, body),
                    Err(_) => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "The template could not be written.\n",
                    )
                        .into_response(),
                }
            }
        }
    }
}
