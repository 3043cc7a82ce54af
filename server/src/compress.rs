//! Pages and server function answers, compressed for clients that accept it
//! (static files come compressed already and are left alone).
//!
//! A page is rendered whole before it is sent, so it is compressed whole, in
//! one call, with a window sized to it: streaming encoders keep a 4 MiB
//! window and its tables per response in flight, which with sixteen
//! concurrent pages cost tens of megabytes. Level 4 of brotli and gzip
//! gives most of the size gain for a fraction of their default levels' CPU
//! time, spent on every page.

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The best encoding the client accepts: brotli, then gzip; `q=0` refuses.
fn accepted(headers: &HeaderMap) -> Option<Encoding> {
    let mut brotli = false;
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            match name.as_str() {
                "br" => brotli = !refused,
                "gzip" | "x-gzip" => gzip = !refused,
                _ => {}
            }
        }
    }
    if brotli {
        Some(Encoding::Brotli)
    } else if gzip {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

fn compressible(response: &Response) -> bool {
    let headers = response.headers();
    let text = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/") || t.starts_with("application/json"));
    text && !headers.contains_key(header::CONTENT_ENCODING)
        && response.status() != StatusCode::NO_CONTENT
        && response.status() != StatusCode::NOT_MODIFIED
}

fn compress(encoding: Encoding, body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    match encoding {
        Encoding::Brotli => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: LEVEL as i32,
                // A window just big enough for the page (at least 1 KiB).
                lgwin: (body.len().max(1024).next_power_of_two().trailing_zeros() as i32)
                    .clamp(10, 22),
                size_hint: body.len(),
                ..Default::default()
            };
            let mut out = Vec::with_capacity(body.len() / 4);
            brotli::BrotliCompress(&mut &body[..], &mut out, &params)?;
            Ok(out)
        }
        Encoding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 4),
                flate2::Compression::new(LEVEL),
            );
            encoder.write_all(body)?;
            encoder.finish()
        }
    }
}

pub async fn compress_responses(req: Request, next: Next) -> Response {
    let encoding = accepted(req.headers());
    let response = next.run(req).await;
    if !compressible(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let Some(encoding) = encoding else {
        return Response::from_parts(parts, body);
    };
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
    match compress(encoding, &bytes) {
        Ok(compressed) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(encoding.name()),
            );
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

    fn accepting(value: &'static str) -> Option<Encoding> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        accepted(&headers)
    }

    #[test]
    fn picks_what_the_client_accepts() {
        assert_eq!(accepting("gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(accepting("gzip"), Some(Encoding::Gzip));
        assert_eq!(accepting("br;q=0, gzip;q=0.5"), Some(Encoding::Gzip));
        assert_eq!(accepting("identity"), None);
        assert_eq!(accepted(&HeaderMap::new()), None);
    }

    #[test]
    fn both_round_trip() {
        use std::io::Read;
        let page = "<tr><td>Ada</td></tr>".repeat(500);
        let br = compress(Encoding::Brotli, page.as_bytes()).unwrap();
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, page);
        let gz = compress(Encoding::Gzip, page.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, page);
        assert!(br.len() < page.len() / 10 && gz.len() < page.len() / 10);
    }
}
