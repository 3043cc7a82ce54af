//! Static files (the wasm bundle, its JS loader, CSS, icons), served from
//! memory.
//!
//! The start-axum template serves them through `ServeDir`, which opens and
//! stats files on the blocking pool for every request, and through a listener
//! without `TCP_NODELAY`: a response written in two pieces then waits on
//! Nagle's algorithm and the client's delayed ACK, about 40 ms each, which
//! capped a 28-byte CSS file at ~450 requests/s over 16 connections. Here every
//! file is read once at start, compressed once (gzip at once, brotli in the
//! background), and answered from memory; the listener sets `TCP_NODELAY`
//! (see `startup`).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use sha2::{Digest, Sha256};

/// A year: the longest lifetime caches honour, for files whose names change
/// whenever their content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Other files may change under the same name: revalidate with the ETag.
const REVALIDATE: &str = "no-cache";

struct Asset {
    path: PathBuf,
    content_type: &'static str,
    compressible: bool,
    cache_control: HeaderValue,
    /// Read on first use; `None` when the file could not be read.
    content: OnceLock<Option<Arc<Content>>>,
}

struct Content {
    raw: Bytes,
    gzip: Option<Bytes>,
    brotli: OnceLock<Option<Bytes>>,
    etag: HeaderValue,
}

#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Arc<Asset>>,
}

impl Assets {
    /// Finds every file under `root`. Files whose names contain one of
    /// `hashes` (cargo-leptos's content hashes: this build's bundle, which
    /// every page loads) are read now and cached for a year; the rest when
    /// first asked for: the site folder keeps every earlier build's files
    /// too, which should not sit in memory unused. A missing root gives an empty set: the pages
    /// still work, unstyled and without JavaScript, and a warning says why.
    pub fn load(root: &Path, hashes: &[String]) -> std::io::Result<Self> {
        let mut assets = Assets::default();
        if !root.is_dir() {
            tracing::warn!(root = %root.display(), "site root not found: serving no static files (build with `cargo leptos build`)");
            return Ok(assets);
        }
        let mut paths = Vec::new();
        collect_files(root, &mut paths)?;
        for path in paths {
            if matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            let (content_type, compressible) = content_type(&path);
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let current = hashes
                .iter()
                .any(|h| !h.is_empty() && name.contains(h.as_str()));
            let asset = Arc::new(Asset {
                content_type,
                compressible,
                cache_control: HeaderValue::from_static(if current {
                    IMMUTABLE
                } else {
                    REVALIDATE
                }),
                path,
                content: OnceLock::new(),
            });
            if current && asset.content().is_none() {
                return Err(std::io::Error::other(format!(
                    "cannot read {}",
                    asset.path.display()
                )));
            }
            assets.files.insert(url, asset);
        }
        Ok(assets)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The response for `path`, or `None` when no such file exists.
    pub fn respond(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Option<Response<Body>> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let asset = self.files.get(path)?;
        let content = asset.content()?;
        let mut builder = Response::builder()
            .header(header::ETAG, content.etag.clone())
            .header(header::CACHE_CONTROL, asset.cache_control.clone())
            .header(header::VARY, "accept-encoding");
        if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
            if tags.to_str().is_ok_and(|t| etag_matches(t, &content.etag)) {
                return builder
                    .status(StatusCode::NOT_MODIFIED)
                    .body(Body::empty())
                    .ok();
            }
        }
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let brotli = content.brotli.get().and_then(Option::as_ref);
        let (body, encoding) = match (brotli, &content.gzip) {
            (Some(br), _) if accepts(accepted, "br") => (br.clone(), Some("br")),
            (_, Some(gz)) if accepts(accepted, "gzip") => (gz.clone(), Some("gzip")),
            _ => (content.raw.clone(), None),
        };
        builder = builder
            .header(header::CONTENT_TYPE, asset.content_type)
            .header(header::CONTENT_LENGTH, body.len());
        if let Some(encoding) = encoding {
            builder = builder.header(header::CONTENT_ENCODING, encoding);
        }
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        };
        builder.body(body).ok()
    }
}

impl Asset {
    /// The file's bytes and their compressed forms, read (and compressed,
    /// unless the build did) the first time.
    fn content(&self) -> Option<Arc<Content>> {
        self.content
            .get_or_init(|| match self.read() {
                Ok(content) => Some(content),
                Err(e) => {
                    tracing::warn!(path = %self.path.display(), error = %e, "cannot read a site file");
                    None
                }
            })
            .clone()
    }

    fn read(&self) -> std::io::Result<Arc<Content>> {
        let raw = Bytes::from(std::fs::read(&self.path)?);
        let beside = |ext: &str| {
            let mut p = self.path.clone().into_os_string();
            p.push(ext);
            std::fs::read(PathBuf::from(p)).ok().map(Bytes::from)
        };
        let gzip = if self.compressible {
            beside(".gz")
                .or_else(|| gzip(&raw))
                .filter(|gz| gz.len() < raw.len())
        } else {
            None
        };
        let compressed = OnceLock::new();
        if !self.compressible {
            let _ = compressed.set(None);
        } else if let Some(br) = beside(".br") {
            let _ = compressed.set(Some(br));
        }
        let content = Arc::new(Content {
            etag: etag(&raw),
            raw,
            gzip,
            brotli: compressed,
        });
        if content.brotli.get().is_none() {
            // Brotli at full strength takes a second or more for a large
            // bundle: do it off the request path; gzip is served meanwhile.
            let content = content.clone();
            std::thread::spawn(move || {
                let br = brotli(&content.raw).filter(|br| br.len() < content.raw.len());
                let _ = content.brotli.set(br);
            });
        }
        Ok(content)
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

fn content_type(path: &Path) -> (&'static str, bool) {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "wasm" => ("application/wasm", true),
        "js" | "mjs" => ("text/javascript; charset=utf-8", true),
        "css" => ("text/css; charset=utf-8", true),
        "html" => ("text/html; charset=utf-8", true),
        "json" | "map" => ("application/json", true),
        "svg" => ("image/svg+xml", true),
        "txt" => ("text/plain; charset=utf-8", true),
        "ico" => ("image/x-icon", true),
        "png" => ("image/png", false),
        "jpg" | "jpeg" => ("image/jpeg", false),
        "webp" => ("image/webp", false),
        "woff2" => ("font/woff2", false),
        _ => ("application/octet-stream", false),
    }
}

fn etag(content: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(content);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
}

fn etag_matches(if_none_match: &str, etag: &HeaderValue) -> bool {
    let etag = etag.to_str().unwrap_or("");
    if_none_match
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// Whether an Accept-Encoding header allows `coding` (absent, or q > 0).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

fn gzip(data: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(data: &[u8]) -> Option<Bytes> {
    // Full strength where it is affordable; a debug build's bundle is tens of
    // megabytes, for which quality 5 is nearly as small and far faster. The
    // window is no larger than the file: the encoder's memory grows with it
    // (a 4 MiB window at quality 11 cost ~70 MB of peak RSS). Release builds
    // ship precompressed files (`cargo leptos build --release -P`) and skip
    // this entirely.
    let quality = if data.len() <= 4 << 20 { 11 } else { 5 };
    let lgwin = (usize::BITS - data.len().max(1).leading_zeros()).clamp(16, 22) as i32;
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        lgwin,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_parsed() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("br;q=0.5, gzip", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
        assert!(accepts("GZIP", "gzip"));
    }

    #[test]
    fn etags_compare_weakly() {
        let tag = etag(b"hello");
        let t = tag.to_str().unwrap().to_owned();
        assert!(etag_matches(&t, &tag));
        assert!(etag_matches(&format!("W/{t}, \"other\""), &tag));
        assert!(!etag_matches("\"other\"", &tag));
    }
}
