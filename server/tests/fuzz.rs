//! Bad input, systematically: every POST route in the URL map and every
//! server function gets random and malformed bodies (invalid UTF-8, broken
//! percent escapes, wrong content types, JSON where a form belongs,
//! duplicated and missing fields, huge, negative and non-numeric ids), signed
//! in and signed out. Every request must get an answer below 500, no handler
//! may panic, and afterwards the database is sound (integrity, foreign keys,
//! every kept count) with no more new rows than requests that were told they
//! succeeded.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Once};

use common::load::Dice;
use common::{session_cookie, spawn_app, ADMIN, ADMIN_PASSWORD};
use roster_core::domain::urls;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics anywhere in this test process (the server runs in it).
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

/// Every field name a Roster form reads, taken from the form inputs
/// themselves (a new field is fuzzed as soon as it exists), and a few that
/// no form reads.
static FIELDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    use roster_core::domain::*;
    let mut names = std::collections::BTreeSet::new();
    macro_rules! inputs {
        ($($input:ty),* $(,)?) => {
            $(names.extend(to_fields(&<$input>::default()).into_iter().map(|(name, _)| name));)*
        };
    }
    inputs!(
        StudentInput,
        HandlerInput,
        PetInput,
        CourseInput,
        DeleteInput,
        CommentInput,
        EnrolInput,
        GradeInput,
        RegisterInput,
        LoginInput,
        DetailsInput,
        EmailInput,
        PasswordInput,
        AccountFlagInput,
        ContactInput,
    );
    names.extend(["csrf_token", "_find", "id", "unknown"].map(String::from));
    names.into_iter().collect()
});

/// Values that have broken parsers somewhere, some time.
const NASTY: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "1",
    "2",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "1e9",
    "NaN",
    "0x10",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u{0}",
    "\u{202e}rtl",
    "🙂🙂🙂",
    "2026-02-30",
    "{\"firstname\":\"x\"}",
    "[]",
    "%",
    "a@b",
];

fn nasty(dice: &mut Dice) -> &'static str {
    NASTY[dice.below(NASTY.len())]
}

const FORM: &str = "application/x-www-form-urlencoded";

/// (content type, body) pairs for a route whose fields are named as
/// `name(field)`: as a plain form they are bare, for a server function
/// they are `input[field]`.
fn bodies(dice: &mut Dice, name: &dyn Fn(&str) -> String) -> Vec<(Option<&'static str>, Vec<u8>)> {
    let mut out: Vec<(Option<&'static str>, Vec<u8>)> = vec![
        (None, Vec::new()),
        (Some(FORM), Vec::new()),
        (Some(FORM), b"&&=&==&a".to_vec()),
        (
            Some(FORM),
            b"firstname=%ZZ&email=%FF%FE%C3%28&bio=%".to_vec(),
        ),
        (Some(FORM), dice.bytes(64)),
        (
            Some("application/json"),
            br#"{"firstname": 5, "version": [], "name": null}"#.to_vec(),
        ),
        (Some("application/json"), b"{not json".to_vec()),
        (Some("text/plain"), b"name=Rex&category=dog".to_vec()),
        (
            Some("multipart/form-data; boundary=x"),
            b"--x\r\nbroken".to_vec(),
        ),
        (
            Some("application/x-www-form-urlencoded; charset=latin1"),
            vec![b'n', b'a', b'm', b'e', b'=', 0xe9],
        ),
        (Some("application/cbor"), dice.bytes(16)),
    ];
    // Every field at once with a NUL (PostgreSQL refuses one in any
    // string), then with markup.
    for value in ["a\u{0}b", "<script>alert(1)</script>"] {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(FIELDS.iter().map(|field| (name(field), value)))
            .finish();
        out.push((Some(FORM), body.into_bytes()));
    }
    // Every field with nasty values, some fields missing, some repeated.
    for round in 0..6 {
        let mut pairs = Vec::new();
        for field in FIELDS.iter() {
            if dice.below(4) == 0 {
                continue;
            }
            let value = nasty(dice);
            pairs.push((name(field), value.to_owned()));
            if round % 2 == 1 {
                pairs.push((name(field), nasty(dice).to_owned()));
            }
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        out.push((Some(FORM), body.into_bytes()));
    }
    // A long value in one field: past every limit but under the body limit.
    let long = format!(
        "{}={}",
        name(&FIELDS[dice.below(FIELDS.len())]),
        "x".repeat(20_000)
    );
    out.push((Some(FORM), long.into_bytes()));
    out
}

/// A path of `pattern` with each id `id`, which need not be a number.
fn path_with(pattern: &urls::Pattern, id: &str) -> String {
    let ids = [424_242_424; 4];
    pattern.fill(&ids).replace("424242424", id)
}

#[derive(Default)]
struct Tally {
    requests: usize,
    by_status: BTreeMap<u16, usize>,
    /// POSTs told they succeeded (2xx, or a 303 that is not back to a form).
    succeeded: usize,
    failures: Vec<String>,
}

impl Tally {
    async fn send(&mut self, what: String, request: reqwest::RequestBuilder) {
        self.requests += 1;
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                *self.by_status.entry(status).or_default() += 1;
                if (200..400).contains(&status) {
                    self.succeeded += 1;
                }
                let body = response.text().await;
                if status >= 500 || body.is_err() {
                    self.failures.push(format!("{what}: {status} {body:?}"));
                }
            }
            Err(error) => self.failures.push(format!("{what}: no answer ({error})")),
        }
    }
}

async fn fuzz(app: &common::TestApp, clients: &[(&str, reqwest::Client)], seed: u64) -> Tally {
    let mut dice = Dice(seed);
    let mut tally = Tally::default();
    let ids = [
        "1",
        "2",
        "3",
        "-1",
        "0",
        "99999999999999999999",
        "9223372036854775807",
        "abc",
        "1.5",
    ];
    let bare = |field: &str| field.to_owned();
    for pattern in urls::ALL {
        // Signing out would end the session the rest of the run uses.
        if *pattern == urls::LOGOUT {
            continue;
        }
        for (who, client) in clients {
            let cases = bodies(&mut dice, &bare);
            for (n, (content_type, body)) in cases.into_iter().enumerate() {
                let id = if pattern.0.iter().any(|s| matches!(s, urls::Seg::Id(_))) {
                    ids[n % ids.len()]
                } else {
                    "1"
                };
                let path = path_with(pattern, id);
                let mut request = client.post(format!("{}{path}", app.address)).body(body);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                tally.send(format!("{who} POST {path} #{n}"), request).await;
            }
        }
    }
    // Every page with nasty query parameters (searches, filters, pickers).
    for pattern in urls::ALL {
        for (who, client) in clients {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for name in [
                "q",
                "sort",
                "page",
                "per",
                "category",
                "handler",
                "handler_q",
                "student_q",
                "course_q",
                "next",
                "unread",
                // A bulk confirmation's.
                "action",
                "scope",
                "id",
                "version",
            ] {
                query.append_pair(name, nasty(&mut dice));
            }
            let path = path_with(pattern, dice.pick(&ids).unwrap());
            let request = client.get(format!("{}{path}?{}", app.address, query.finish()));
            tally.send(format!("{who} GET {path}"), request).await;
        }
    }
    // A body over the limit, to a form and to a server function.
    for path in ["/create/", "/api/students/create", "/contact/"] {
        let request = clients[0]
            .1
            .post(format!("{}{path}", app.address))
            .header("content-type", FORM)
            .body(vec![b'a'; 3 * 1024 * 1024]);
        tally.send(format!("huge POST {path}"), request).await;
    }
    let input = |field: &str| format!("input[{field}]");
    // Signing out last: it ends the session the rest of the run uses.
    let mut functions: Vec<(&str, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path, method.to_string()))
        .collect();
    functions.sort_by_key(|(path, method)| (path.ends_with("/logout"), *path, method.clone()));
    assert!(
        functions.len() > 20,
        "only {} server functions found",
        functions.len()
    );
    for (path, method) in &functions {
        for (who, client) in clients {
            let cases = bodies(&mut dice, &input);
            for (n, (content_type, body)) in cases.into_iter().enumerate() {
                let accept = ["application/json", "text/html", "*/*"][n % 3];
                let request = if method == "GET" {
                    let query = String::from_utf8_lossy(&body).replace(['#', ' '], "");
                    client.get(format!("{}{path}?{query}", app.address))
                } else {
                    let mut request = client.post(format!("{}{path}", app.address)).body(body);
                    if let Some(content_type) = content_type {
                        request = request.header("content-type", content_type);
                    }
                    request
                };
                let request = request.header("accept", accept);
                tally
                    .send(format!("{who} {method} {path} #{n}"), request)
                    .await;
            }
        }
    }
    tally
}

#[tokio::test]
async fn every_post_route_and_server_function_answers_bad_input_without_a_5xx() {
    count_panics();
    let app = spawn_app().await;
    app.db.seed_sample().await.unwrap();
    let before = roster_core::db::record_counts(&app.db).await.unwrap();

    let with_cookie = |cookie: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", app.address.parse().unwrap());
        headers.insert("cookie", cookie.parse().unwrap());
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    };
    let admin = with_cookie(app.cookie.as_deref().unwrap());
    let anonymous = with_cookie("theme=dark");
    let tally = fuzz(
        &app,
        &[("admin", admin), ("anonymous", anonymous)],
        0x5eed_cafe,
    )
    .await;

    eprintln!(
        "{} requests, by status {:?}, {} told they succeeded",
        tally.requests, tally.by_status, tally.succeeded
    );
    assert!(
        tally.failures.is_empty(),
        "{:#?}",
        &tally.failures[..tally.failures.len().min(20)]
    );
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        0,
        "a handler panicked (see the log above)"
    );
    assert!(
        tally.by_status.contains_key(&413),
        "the huge bodies were not refused"
    );
    assert!(
        tally.by_status.contains_key(&422),
        "no field errors: the fuzz missed the forms"
    );

    // Nothing half-written: the database is sound, and no table grew by
    // more rows than there were requests told they succeeded.
    let report = app.db.check().await.unwrap();
    assert!(report.is_sound(), "{report}");
    let after = roster_core::db::record_counts(&app.db).await.unwrap();
    for ((name, _, was), (_, _, now)) in before.iter().zip(&after) {
        assert!(
            now - was <= tally.succeeded as i64,
            "{name}: {was} → {now} rows, {} requests succeeded",
            tally.succeeded
        );
    }

    // The administrator can still sign in: the fuzz locked nobody out.
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/login/", app.address))
        .header("origin", &app.address)
        .form(&[("login", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(session_cookie(&response).is_some() || response.status().as_u16() == 429);
}
