//! Pages and server function answers, gzipped for clients that accept it
//! (static files come compressed already, brotli and gzip, and are left
//! alone).
//!
//! A page is rendered whole before it is sent, so it is compressed whole, in
//! one call: streaming encoders keep a 4 MiB window and its tables per
//! response in flight, which with sixteen concurrent pages cost tens of
//! megabytes. Level 4 gives most of the size gain for a fraction of the
//! default level's CPU time, spent on every page. Each worker thread keeps
//! one deflate state and resets it between answers, so a page costs no
//! allocation but its output.
//!
//! Not brotli: its encoder cannot be reused, and its tables were
//! allocated, zeroed and freed for every page. Under load that was most of
//! the server's peak memory and a good part of a compressed page's time,
//! for pages only slightly smaller. Every browser takes gzip; a client that
//! takes only brotli gets the page as it is.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Smaller answers are sent as they are: compressing them gains nothing.
const MIN_SIZE: usize = 1024;
/// Nothing Roster renders comes near this; a larger body is refused rather
/// than held in memory.
const MAX_SIZE: usize = 16 * 1024 * 1024;
const LEVEL: u32 = 4;

/// Whether the client takes gzip (`q=0` refuses).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            if name == "gzip" || name == "x-gzip" {
                gzip = !parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
            }
        }
    }
    gzip
}

fn compressible(response: &Response) -> bool {
    let headers = response.headers();
    let text = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/") || t.starts_with("application/json"));
    // A download is streamed (a list's file may be larger than any page).
    text && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::CONTENT_DISPOSITION)
        && response.status() != StatusCode::NO_CONTENT
        && response.status() != StatusCode::NOT_MODIFIED
}

thread_local! {
    /// This thread's deflate state (see the module notes).
    static DEFLATE: std::cell::RefCell<Option<flate2::Compress>> =
        const { std::cell::RefCell::new(None) };
}

/// `body` as a gzip member: header, raw deflate, CRC-32 and length.
fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use flate2::{FlushCompress, Status};
    /// Deflate, no name or comment, no time, OS unknown.
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut out = Vec::with_capacity(body.len() / 4 + 64);
    out.extend_from_slice(&HEADER);
    DEFLATE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let deflate = cell
            .get_or_insert_with(|| flate2::Compress::new(flate2::Compression::new(LEVEL), false));
        // Whatever the last use left (even a failure halfway) is dropped.
        deflate.reset();
        loop {
            let done = deflate.total_in() as usize;
            // Writes into the spare capacity only.
            match deflate.compress_vec(&body[done..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Ok(()),
                Ok(Status::Ok | Status::BufError) => out.reserve(out.len().max(4096)),
                Err(e) => return Err(std::io::Error::other(e)),
            }
        }
    })?;
    let mut crc = flate2::Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    Ok(out)
}

pub async fn compress_responses(req: Request, next: Next) -> Response {
    let gzip_ok = accepts_gzip(req.headers());
    let response = next.run(req).await;
    if !compressible(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !gzip_ok {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_SIZE).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "response body could not be read for compression");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if bytes.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match gzip(&bytes) {
        Ok(compressed) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Response::from_parts(parts, Body::from(compressed))
        }
        Err(e) => {
            tracing::warn!(error = %e, "compression failed; sending the page as it is");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &'static str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        accepts_gzip(&headers)
    }

    #[test]
    fn gzips_for_clients_that_take_it() {
        assert!(accepting("gzip, deflate, br"));
        assert!(accepting("br;q=0, GZIP;q=0.5"));
        assert!(accepting("x-gzip"));
        assert!(!accepting("br"));
        assert!(!accepting("gzip;q=0, br"));
        assert!(!accepting("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn a_reused_deflate_state_starts_afresh_for_each_page() {
        use std::io::Read;
        // Pages of every size, on one thread (one state): each must come
        // back whole, with nothing of the page before it.
        let mut seed = 7u32;
        for n in [0usize, 1, 100, 5_000, 70_000, 300_000, 10] {
            let page: String = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    char::from(b'a' + (seed >> 16) as u8 % 26)
                })
                .collect();
            let gz = gzip(page.as_bytes()).unwrap();
            let mut back = String::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, page, "{n}");
        }
    }
}
