//! Static files: compressed, cached for a year when their name carries a
//! content hash, revalidated otherwise.

mod common;

use std::io::Read;

use common::{spawn_app, spawn_app_with, TEST_CSS, TEST_HASH};

#[tokio::test]
async fn hashed_assets_are_compressed_and_cached_for_a_year() {
    let app = spawn_app().await;
    let path = format!("/pkg/roster.{TEST_HASH}.css");

    let plain = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 200);
    assert_eq!(plain.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(plain.text().await.unwrap(), TEST_CSS);

    let gz = app
        .client
        .get(app.url(&path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["vary"], "accept-encoding");
    let body = gz.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, TEST_CSS);

    // Brotli is prepared in the background right after start.
    let mut encoding = String::new();
    for _ in 0..50 {
        let br = app
            .client
            .get(app.url(&path))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .unwrap();
        encoding = br
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        if encoding == "br" {
            let body = br.bytes().await.unwrap();
            let mut text = String::new();
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_string(&mut text)
                .unwrap();
            assert_eq!(text, TEST_CSS);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(encoding, "br");

    let cached = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status().as_u16(), 304);
}

#[tokio::test]
async fn unhashed_files_revalidate_and_missing_ones_are_404() {
    let app = spawn_app().await;
    let icon = app
        .client
        .get(app.url("/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["cache-control"], "no-cache");
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let missing = app
        .client
        .get(app.url("/pkg/nope.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let post = app
        .client
        .post(app.url("/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_ne!(post.status().as_u16(), 200);
}

/// The site folder keeps earlier builds' files: they are served, but read
/// when first asked for, not held in memory from the start. A precompressed
/// copy beside one is used.
#[tokio::test]
async fn other_files_are_read_when_first_asked_for() {
    let app = spawn_app_with(|config| {
        let pkg = config.site_root.join("pkg");
        std::fs::write(pkg.join("roster.OldBuild1.css"), "/* at start */").unwrap();
    })
    .await;
    let pkg = app.site_root.join("pkg");
    // Changed after the server started: what it serves is what is there
    // when the file is first asked for.
    std::fs::write(pkg.join("roster.OldBuild1.css"), "/* when asked */").unwrap();
    let mut br = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut br, 4096, 5, 20);
        std::io::Write::write_all(&mut encoder, TEST_CSS.as_bytes()).unwrap();
    }
    std::fs::write(pkg.join("roster.OldBuild1.css.br"), &br).unwrap();

    let old = app
        .client
        .get(app.url("/pkg/roster.OldBuild1.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status().as_u16(), 200);
    assert_eq!(old.headers()["cache-control"], "no-cache");
    assert_eq!(old.text().await.unwrap(), "/* when asked */");
    let compressed = app
        .client
        .get(app.url("/pkg/roster.OldBuild1.css"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "br");
    assert_eq!(compressed.bytes().await.unwrap().as_ref(), &br[..]);
}
