//! Every list as a file. A list's own URL with `format=csv` or
//! `format=xlsx` added answers every row its search, filters and sort
//! match, not one page (`/?q=ada&sort=name&format=csv`; with `ids=3,5,9`
//! only those of them: a bulk export), to whoever may
//! read the list, with the columns the list declares for files
//! (`roster_core::db::export::Exported`). One handler for every list:
//! which list a path shows is the only thing said per list, below.
//!
//! CSV is streamed as the rows are read: UTF-8 with a byte-order mark
//! (Excel otherwise reads accents wrong), RFC 4180 quoting, CRLF. An Excel
//! file cannot be sent before it is whole (its parts are zipped), so it is
//! written to a temporary file in rust_xlsxwriter's constant-memory mode and
//! sent from there. In both, a cell a spreadsheet would run as a formula
//! gets a `'` in front (`neutralise`).

use std::io::{Seek, SeekFrom, Write};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use roster_app::record::list::{ListView, Readers};
use roster_app::service::accounts::{ClientInfo, Session};
use roster_app::service::Actor;
use roster_core::db::export::{Exported, Rows};
use roster_core::db::{Db, DbError, Table};
use roster_core::domain::export::{neutralise, FileFormat, Value};
use roster_core::domain::{
    urls, AccountList, ActivityList, CommentList, CommentsOf, Course, CourseList, CourseStudents,
    EnrolmentsOf, HandlerList, MessageList, Pet, PetList, QueryOf, Student, StudentCourses,
    StudentList,
};

use crate::state::AppState;

/// Excel's last row (1,048,576), less the header.
const XLSX_ROWS: usize = 1_048_575;

/// Answers a GET of a list's URL with `format=` as the file; anything else
/// goes on to the page.
pub async fn downloads(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let params: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let Some((_, asked)) = params.iter().find(|(name, _)| name == "format") else {
        return next.run(req).await;
    };
    let format = FileFormat::parse(asked);
    let actor = Actor {
        session: req.extensions().get::<Session>().cloned(),
        client: req
            .extensions()
            .get::<ClientInfo>()
            .cloned()
            .unwrap_or(ClientInfo {
                addr: String::new(),
                https: false,
                request_id: None,
            }),
    };
    let path = req.uri().path().to_owned();
    let download = Download {
        db: &state.db,
        actor: &actor,
        format,
        params: &params,
    };
    let found = if urls::STUDENTS.matches(&path).is_some() {
        download.list::<StudentList>(None).await
    } else if urls::COURSES.matches(&path).is_some() {
        download.list::<CourseList>(None).await
    } else if urls::HANDLERS.matches(&path).is_some() {
        download.list::<HandlerList>(None).await
    } else if urls::PETS.matches(&path).is_some() {
        download.list::<PetList>(None).await
    } else if urls::MESSAGES.matches(&path).is_some() {
        download.list::<MessageList>(None).await
    } else if urls::USERS.matches(&path).is_some() {
        download.list::<AccountList>(None).await
    } else if urls::ACTIVITY.matches(&path).is_some() {
        download.list::<ActivityList>(None).await
    } else if let Some(id) = one_id(urls::COURSE.matches(&path)) {
        let of = EnrolmentsOf {
            course: Some(id),
            student: None,
        };
        download.of::<Course, CourseStudents>(id, of).await
    } else if let Some(id) = one_id(urls::STUDENT.matches(&path)) {
        let of = EnrolmentsOf {
            course: None,
            student: Some(id),
        };
        download.of::<Student, StudentCourses>(id, of).await
    } else if let Some(id) = one_id(urls::PET.matches(&path)) {
        download
            .of::<Pet, CommentList>(id, CommentsOf { pet: id })
            .await
    } else {
        // Not a list: the page, which has no file.
        None
    };
    match found {
        Some(response) => response,
        None => next.run(req).await,
    }
}

fn one_id(ids: Option<Vec<i64>>) -> Option<i64> {
    ids.and_then(|ids| ids.first().copied())
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

struct Download<'a> {
    db: &'a Db,
    actor: &'a Actor,
    /// `None`: a `format=` no file has.
    format: Option<FileFormat>,
    /// The query string's pairs: the list's search, sort and filters.
    params: &'a [(String, String)],
}

impl Download<'_> {
    /// The file of list `L`; `None` sends the request on to the page (which
    /// says what is wrong: the list is not there).
    async fn list<L: ListView + Exported>(
        &self,
        of: Option<(String, L::Filter)>,
    ) -> Option<Response> {
        let stem = L::DOWNLOAD?;
        let mut query = QueryOf::<L>::from_params(&|name| {
            self.params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        });
        let prefix = match of {
            Some((prefix, filter)) => {
                query.filter = filter;
                prefix
            }
            None => String::new(),
        };
        let Some(format) = self.format else {
            return Some(plain(
                StatusCode::BAD_REQUEST,
                "A list downloads as format=csv or format=xlsx.",
            ));
        };
        // Who may read the list, and (for a record type's list) whose role
        // may export it.
        let allowed = L::READERS
            .check(self.actor)
            .and_then(|()| match L::READERS {
                Readers::Of(kind) => self
                    .actor
                    .require(kind, roster_core::domain::Op::Export)
                    .map(drop),
                _ => Ok(()),
            });
        if let Err(e) = allowed {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
            return Some(plain(status, &e.to_string()));
        }
        // The rows ticked for a bulk export, when it names them.
        let only = match self.params.iter().find(|(n, _)| n == "ids") {
            Some((_, ids)) => match roster_core::domain::bulk::parse_ids([ids.as_str()]) {
                Ok(ids) => Some(ids),
                Err(why) => return Some(plain(StatusCode::BAD_REQUEST, &why)),
            },
            None => None,
        };
        let rows = self.db.export::<L>(&query.sanitized(), only.as_deref());
        let file = format!(
            "{prefix}{stem}-{}.{}",
            chrono::Utc::now().format("%Y-%m-%d"),
            format.extension()
        );
        let columns: Vec<&'static str> = <L as Exported>::COLUMNS.iter().map(|c| c.name).collect();
        Some(match format {
            FileFormat::Csv => csv_response(rows, columns, &file).await,
            FileFormat::Xlsx => xlsx_response(rows, columns, &file).await,
        })
    }

    /// The file of list `L` of record `id` of type `P` (a course's
    /// students): the page's "not found" when there is no such record.
    async fn of<P: Table, L: ListView + Exported>(
        &self,
        id: i64,
        filter: L::Filter,
    ) -> Option<Response> {
        match self.db.get::<P>(id).await {
            Ok(Some(_)) => {
                let prefix = format!("{}-{id}-", P::KIND.noun());
                self.list::<L>(Some((prefix, filter))).await
            }
            Ok(None) => None,
            Err(error) => Some(failed(&error)),
        }
    }
}

fn failed(error: &DbError) -> Response {
    tracing::error!(%error, "a download could not be read");
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "The list could not be read just now. Try again in a moment.",
    )
}

/// A file to download, named `file`.
pub(crate) fn attachment(format: FileFormat, file: &str, body: Body) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A CSV line per row, from the first batch on: the response starts as
/// soon as the first rows are read, and an error before then is an
/// answer of its own instead of a file cut short.
async fn csv_response(mut rows: Rows, columns: Vec<&'static str>, file: &str) -> Response {
    let first = match rows.recv().await {
        Some(Err(error)) => return failed(&error),
        first => first,
    };
    let mut head = csv_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = head.write_record(&columns);
    let head = head.into_inner().unwrap_or_default();
    let batches = futures_util::stream::unfold(
        (Some(head), first, rows),
        |(head, pending, mut rows)| async move {
            if let Some(head) = head {
                return Some((Ok(Bytes::from(head)), (None, pending, rows)));
            }
            let batch = match pending {
                Some(batch) => batch,
                None => rows.recv().await?,
            };
            let chunk = match batch {
                Ok(batch) => Ok(Bytes::from(csv_lines(&batch))),
                Err(error) => {
                    tracing::error!(%error, "a download stopped half way");
                    Err(std::io::Error::other(
                        "the list could not be read to the end",
                    ))
                }
            };
            Some((chunk, (None, None, rows)))
        },
    );
    attachment(FileFormat::Csv, file, Body::from_stream(batches))
}

fn csv_writer(into: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(into)
}

/// Rows as a whole CSV file: the byte-order mark, then the lines.
pub(crate) fn csv_file(rows: &[Vec<Value>]) -> Vec<u8> {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend(csv_lines(rows));
    body
}

/// Rows as CSV lines.
pub fn csv_lines(rows: &[Vec<Value>]) -> Vec<u8> {
    let mut out = csv_writer(Vec::with_capacity(rows.len() * 96));
    let mut record: Vec<String> = Vec::new();
    for row in rows {
        record.clear();
        record.extend(row.iter().map(|value| match value {
            Value::Null => String::new(),
            Value::Int(v) => v.to_string(),
            Value::Text(text) => neutralise(text).into_owned(),
        }));
        let _ = out.write_record(&record);
    }
    out.into_inner().unwrap_or_default()
}

/// The rows as an Excel workbook, built on the blocking pool in a
/// temporary file, then sent from it.
async fn xlsx_response(rows: Rows, columns: Vec<&'static str>, file: &str) -> Response {
    let built = tokio::task::spawn_blocking(move || xlsx_file(rows, &columns)).await;
    let mut temp = match built {
        Ok(Ok((temp, _))) => temp,
        Ok(Err(XlsxError::Read(error))) => return failed(&error),
        Ok(Err(XlsxError::TooLong)) => {
            return plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "More rows match than an Excel sheet holds (1,048,575). \
                 Narrow the list with its search or filters, or download it as CSV.",
            )
        }
        Ok(Err(XlsxError::Write(error))) => {
            tracing::error!(%error, "an Excel file could not be written");
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The Excel file could not be written.",
            );
        }
        Err(error) => {
            tracing::error!(%error, "an Excel file could not be written");
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The Excel file could not be written.",
            );
        }
    };
    if let Err(error) = temp.seek(SeekFrom::Start(0)) {
        tracing::error!(%error, "an Excel file could not be read back");
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The Excel file could not be written.",
        );
    }
    let length = temp.metadata().map(|m| m.len()).ok();
    let stream = tokio_util_stream(tokio::fs::File::from_std(temp));
    let mut response = attachment(FileFormat::Xlsx, file, Body::from_stream(stream));
    if let Some(length) = length {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// A file's bytes as a stream, 64 KiB at a time.
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), file))
            }
            Err(error) => Some((Err(error), file)),
        }
    })
}

enum XlsxError {
    Read(DbError),
    Write(String),
    TooLong,
}

/// The workbook's file, and how many rows it has.
fn xlsx_file(mut rows: Rows, columns: &[&str]) -> Result<(std::fs::File, u64), XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let write = |e: rust_xlsxwriter::XlsxError| XlsxError::Write(e.to_string());
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(write)?;
    for (col, name) in columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *name, &bold)
            .map_err(write)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write)?;
    let mut row: u32 = 0;
    while let Some(batch) = rows.blocking_recv() {
        let batch = batch.map_err(XlsxError::Read)?;
        for values in batch {
            row += 1;
            if row as usize > XLSX_ROWS {
                return Err(XlsxError::TooLong);
            }
            for (col, value) in values.iter().enumerate() {
                let col = col as u16;
                match value {
                    Value::Null => {}
                    Value::Int(v) => {
                        sheet.write_number(row, col, *v as f64).map_err(write)?;
                    }
                    Value::Text(text) => {
                        sheet
                            .write_string(row, col, neutralise(text))
                            .map_err(write)?;
                    }
                }
            }
        }
    }
    let mut file = tempfile::tempfile().map_err(|e| XlsxError::Write(e.to_string()))?;
    workbook.save_to_writer(&mut file).map_err(write)?;
    file.flush().map_err(|e| XlsxError::Write(e.to_string()))?;
    Ok((file, u64::from(row)))
}

/// The lists `roster export` writes, by the name it takes.
pub const CLI_LISTS: &[&str] = &[
    "students", "courses", "handlers", "pets", "messages", "accounts", "activity",
];

/// `roster export LIST`: every row of list `name` that `query` (a list
/// URL's query string: `q=ada&sort=name`) matches, as a file on `out`;
/// how many rows.
pub async fn write_list(
    db: &Db,
    name: &str,
    format: FileFormat,
    query: &str,
    out: &mut (dyn Write + Send),
) -> Result<u64, String> {
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match name {
        "students" => write_rows::<StudentList>(db, format, &get, out).await,
        "courses" => write_rows::<CourseList>(db, format, &get, out).await,
        "handlers" => write_rows::<HandlerList>(db, format, &get, out).await,
        "pets" => write_rows::<PetList>(db, format, &get, out).await,
        "messages" => write_rows::<MessageList>(db, format, &get, out).await,
        "accounts" => write_rows::<AccountList>(db, format, &get, out).await,
        "activity" => write_rows::<ActivityList>(db, format, &get, out).await,
        other => Err(format!(
            "export: no list named {other:?} (one of {})",
            CLI_LISTS.join(", ")
        )),
    }
}

async fn write_rows<L: Exported>(
    db: &Db,
    format: FileFormat,
    get: &dyn Fn(&str) -> Option<String>,
    out: &mut (dyn Write + Send),
) -> Result<u64, String> {
    let query = QueryOf::<L>::from_params(get).sanitized();
    let mut rows = db.export::<L>(&query, None);
    let columns: Vec<&'static str> = L::COLUMNS.iter().map(|c| c.name).collect();
    let io = |e: std::io::Error| format!("export: {e}");
    match format {
        FileFormat::Csv => {
            let mut head = csv_writer(b"\xEF\xBB\xBF".to_vec());
            head.write_record(&columns).map_err(|e| e.to_string())?;
            out.write_all(&head.into_inner().unwrap_or_default())
                .map_err(io)?;
            let mut count = 0;
            while let Some(batch) = rows.recv().await {
                let batch = batch.map_err(|e| e.to_string())?;
                count += batch.len() as u64;
                out.write_all(&csv_lines(&batch)).map_err(io)?;
            }
            out.flush().map_err(io)?;
            Ok(count)
        }
        FileFormat::Xlsx => {
            let built = tokio::task::spawn_blocking(move || xlsx_file(rows, &columns))
                .await
                .map_err(|e| e.to_string())?;
            let (mut file, count) = built.map_err(|e| match e {
                XlsxError::Read(e) => e.to_string(),
                XlsxError::TooLong => {
                    format!("more rows than an Excel sheet holds ({XLSX_ROWS}): use --format csv")
                }
                XlsxError::Write(e) => format!("the Excel file could not be written: {e}"),
            })?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            std::io::copy(&mut file, out).map_err(io)?;
            out.flush().map_err(io)?;
            Ok(count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            "\\PC{0,12}|[=+@'\t\r-].{0,6}|[\",\r\n ]{1,4}".prop_map(Value::Text),
        ]
    }

    proptest! {
        /// What a CSV file holds reads back as it was written: quoting,
        /// line ends in cells, formulas neutralised and taken off again.
        #[test]
        fn csv_lines_read_back_as_written(rows in prop::collection::vec(prop::collection::vec(value(), 3), 1..8)) {
            let bytes = csv_lines(&rows);
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(|c| roster_core::domain::export::unneutralise(c).to_owned()).collect())
                .collect();
            let expected: Vec<Vec<String>> = rows
                .iter()
                .map(|row| row.iter().map(|v| match v {
                    Value::Null => String::new(),
                    Value::Int(i) => i.to_string(),
                    Value::Text(t) => t.clone(),
                }).collect())
                .collect();
            prop_assert_eq!(read, expected);
        }
    }
}
