//! The students pages over plain HTTP, as a browser without JavaScript
//! uses them: GETs, form-encoded POSTs, redirects and status codes.

mod common;

use common::{field_error, location, spawn_app, student_form, LostUpdate};

#[tokio::test]
async fn home_lists_every_student_as_a_card() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    for expected in [
        "John Doe",
        "Sammy Shark",
        "Carl White",
        "href=\"/1/\"",
        "jd@example.com",
        "Marine geology student",
        "Joined",
        "href=\"/1/edit/\"",
        "action=\"/1/delete/\"",
        "3 students",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    // The nav bar is on every page.
    for path in ["/", "/create/", "/about/", "/1/", "/999/"] {
        let (_, html) = app.get_html(path).await;
        assert!(
            html.contains("href=\"/create/\"") && html.contains("href=\"/about/\""),
            "{path}"
        );
    }
}

#[tokio::test]
async fn student_page_shows_one_student_and_unknown_ids_are_404() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/2/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Sammy Shark") && html.contains("sammyshark@example.com"));
    assert!(!html.contains("John Doe"));
    for missing in [
        "/999/",
        "/0/",
        "/abc/",
        "/99999999999999999999/",
        "/1/nope/",
    ] {
        let (status, html) = app.get_html(missing).await;
        assert_eq!(status, 404, "{missing}");
        assert!(html.contains("not found"), "{missing}");
    }
    let (status, _) = app.get_html("/999/edit/").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn creating_without_js_redirects_to_the_list_with_a_confirmation() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/create/",
            &student_form("Ada", "Lovelace", "ada@example.com"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let next = location(&response);
    assert!(next.starts_with("/?created="), "{next}");
    let (status, html) = app.get_html(&next).await;
    assert_eq!(status, 200);
    assert!(html.contains("Added"), "no confirmation");
    assert!(html.contains("Ada Lovelace") && html.contains("Likes rivers."));
    assert_eq!(app.count().await, 1);
}

#[tokio::test]
async fn bad_input_is_shown_at_each_field_with_everything_kept() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/create/",
            &[
                ("firstname", ""),
                ("lastname", "O'Brien <b>"),
                ("email", "not-an-email"),
                ("age", "twelve"),
                ("bio", "Keeps\nthis text"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(field_error(&html, "firstname"), "This field is required.");
    assert!(field_error(&html, "email").contains("name@example.com"));
    assert!(field_error(&html, "age").contains("whole number"));
    assert_eq!(field_error(&html, "lastname"), "");
    // What was typed comes back, escaped.
    assert!(
        html.contains("value=\"O&#39;Brien &lt;b&gt;\"")
            || html.contains("value=\"O'Brien &lt;b&gt;\""),
        "lastname lost"
    );
    assert!(html.contains("value=\"not-an-email\"") && html.contains("value=\"twelve\""));
    assert!(html.contains(">Keeps\nthis text</textarea>"), "bio lost");
    assert_eq!(app.count().await, 0, "nothing may be saved");
}

#[tokio::test]
async fn limits_on_every_field_are_enforced() {
    let app = spawn_app().await;
    let long_name = "n".repeat(101);
    let long_email = format!("{}@example.com", "e".repeat(70));
    let long_bio = "b".repeat(10_001);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("firstname", long_name.as_str(), "at most 100"),
        ("lastname", "   ", "required"),
        ("email", long_email.as_str(), "at most 80"),
        ("age", "0", "1 to 150"),
        ("age", "151", "1 to 150"),
        ("age", "12.5", "whole number"),
        ("bio", long_bio.as_str(), "at most 10000"),
    ];
    for (field, value, message) in cases {
        let mut form = student_form("Ann", "Lee", "ann@example.com");
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = app.post_form("/create/", &form).await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value:.20}");
        let html = response.text().await.unwrap();
        assert!(
            field_error(&html, field).contains(message),
            "{field}: {}",
            field_error(&html, field)
        );
    }
    assert_eq!(app.count().await, 0);

    // The largest allowed values are accepted.
    let max_name = "N".repeat(100);
    let max_email = format!("{}@example.com", "e".repeat(68));
    let max_bio = "b".repeat(10_000);
    let response = app
        .post_form(
            "/create/",
            &[
                ("firstname", &max_name),
                ("lastname", &max_name),
                ("email", &max_email),
                ("age", "150"),
                ("bio", &max_bio),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn an_email_in_use_is_refused_whatever_its_case() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let response = app
        .post_form("/create/", &student_form("Jo", "Doe", "JD@Example.COM"))
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "email").contains("already uses"));
    assert!(html.contains("value=\"JD@Example.COM\""));
    assert_eq!(app.count().await, 3);

    // Editing Sammy to John's address is refused too; keeping one's own is fine.
    let mut taken = student_form("Sammy", "Shark", "jd@EXAMPLE.com");
    taken.push(("version", "1"));
    let response = app.post_form("/2/edit/", &taken).await;
    assert_eq!(response.status().as_u16(), 422);
    let mut own = student_form("Sammy", "Shark", "SammyShark@example.com");
    own.push(("version", "1"));
    let response = app.post_form("/2/edit/", &own).await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn editing_shows_current_values_and_saves_changes() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/1/edit/").await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"John\"") && html.contains("value=\"jd@example.com\""));
    assert!(html.contains("value=\"23\""));
    assert!(
        html.contains(">Biology student</textarea>"),
        "bio not prefilled"
    );

    assert!(
        html.contains("name=\"version\" value=\"1\""),
        "the form names its version"
    );
    let response = app
        .post_form(
            "/1/edit/",
            &[
                ("firstname", "Johnny"),
                ("lastname", "Doe"),
                ("email", "johnny@example.com"),
                ("age", ""),
                ("bio", "Moved to chemistry"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/1/?updated=1");
    let (_, html) = app.get_html("/1/?updated=1").await;
    assert!(html.contains("Changes saved"));
    assert!(html.contains("Johnny Doe") && html.contains("johnny@example.com"));
    assert!(html.contains("Moved to chemistry"));

    // A bad edit changes nothing and keeps what was typed.
    let mut bad = student_form("", "Doe", "johnny@example.com");
    bad.push(("version", "2"));
    let response = app.post_form("/1/edit/", &bad).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains(">Likes rivers.</textarea>"));
    let (_, html) = app.get_html("/1/").await;
    assert!(html.contains("Johnny Doe"));

    // Editing a student that does not exist is a 404.
    let mut gone = student_form("A", "B", "ab@example.com");
    gone.push(("version", "1"));
    let response = app.post_form("/42/edit/", &gone).await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn deleting_takes_a_post_and_a_get_never_deletes() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/1/delete/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Delete John Doe?") && html.contains("method=\"post\""));
    assert_eq!(app.count().await, 3, "a GET deleted something");

    let response = app.post_form("/1/delete/", &[("version", "1")]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/?deleted=John%20Doe&undo="));
    let (_, html) = app.get_html(&location(&response)).await;
    assert!(html.contains("Deleted John Doe."), "no confirmation");
    let (status, _) = app.get_html("/1/").await;
    assert_eq!(status, 404);
    assert_eq!(app.count().await, 2);

    let response = app.post_form("/1/delete/", &[("version", "1")]).await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app.post_form("/abc/delete/", &[("version", "1")]).await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn user_text_is_escaped_everywhere() {
    let app = spawn_app().await;
    let script = "</textarea><script>alert(1)</script>";
    let response = app
        .post_form(
            "/create/",
            &[
                ("firstname", "</title><img src=x onerror=alert(1)>"),
                ("lastname", "Doe"),
                ("email", "x@example.com"),
                ("bio", script),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    for path in ["/", "/1/", "/1/edit/"] {
        let (_, html) = app.get_html(path).await;
        assert!(!html.contains(script), "{path} has a live script");
        assert!(!html.contains("<img src=x"), "{path} has a live image");
        assert_eq!(
            html.matches("</title>").count(),
            1,
            "{path}: the title was broken out of"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} lost the bio"
        );
        assert_eq!(
            html.matches("</textarea>").count(),
            usize::from(path.ends_with("edit/")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn search_sort_and_pages() {
    let app = spawn_app().await;
    app.seed_sample().await;
    app.db
        .seed_fake(
            roster_core::db::SeedCounts {
                students: 45,
                ..Default::default()
            },
            7,
        )
        .await
        .unwrap();

    let (_, html) = app.get_html("/?q=SHARK").await;
    assert!(html.contains("Sammy Shark") && !html.contains("John Doe"));
    assert!(html.contains("1 student matches"));
    let (_, html) = app.get_html("/?q=carlwhite%40example").await;
    assert!(html.contains("Carl White"));
    let (_, html) = app.get_html("/?q=%25").await;
    assert!(
        html.contains("0 students match"),
        "LIKE wildcards must be literal"
    );
    let (_, html) = app.get_html("/?q=john+doe").await;
    assert!(html.contains("John Doe"), "full-name search");

    let (_, html) = app.get_html("/?sort=name&per=100").await;
    let doe = html.find("John Doe").unwrap();
    let shark = html.find("Sammy Shark").unwrap();
    let white = html.find("Carl White").unwrap();
    assert!(doe < shark && shark < white, "not sorted by last name");

    let (_, html) = app.get_html("/?sort=-age&per=100").await;
    let john = html.find("John Doe").unwrap(); // 23
    let sammy = html.find("Sammy Shark").unwrap(); // 20
    assert!(john < sammy, "not sorted by age, oldest first");

    let rows = |html: &str| html.matches("<tr><td").count();
    let (_, html) = app.get_html("/?per=10").await;
    assert!(html.contains("48 students") && html.contains("Page 1 of 5"));
    assert_eq!(rows(&html), 10);
    let (_, html) = app.get_html("/?per=10&page=5").await;
    assert_eq!(rows(&html), 8);
    assert!(html.contains("rel=\"prev\"") && !html.contains("rel=\"next\""));
    // Past the last page: no rows, but still the total.
    let (_, html) = app.get_html("/?per=10&page=9").await;
    assert_eq!(rows(&html), 0);
    assert!(html.contains("48 students"), "{html}");
    // Nonsense parameters fall back to defaults rather than failing.
    let (status, html) = app.get_html("/?per=7&page=-3&sort=%00").await;
    assert_eq!(status, 200);
    assert_eq!(rows(&html), 20);
    // Column headers sort, and say how.
    let (_, html) = app.get_html("/?sort=name").await;
    assert!(
        html.contains("aria-sort=\"ascending\" class=\"name\"><a href=\"/?sort=-name\">Name ▲"),
        "{html}"
    );
}

#[tokio::test]
async fn about_names_the_database_but_never_its_url() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/about/").await;
    assert_eq!(status, 200);
    let kind = if common::using_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert!(html.contains(kind), "database kind missing");
    assert!(
        !html.contains(&app.database_url)
            && !html.contains("sqlite://")
            && !html.contains("postgres://")
    );
    // Signed in, it also counts the records.
    assert!(
        html.contains("<dt>Students on record</dt><dd>0</dd>"),
        "{html}"
    );
    app.seed_sample().await;
    let (_, html) = app.get_html("/about/").await;
    assert!(
        html.contains("<dt>Students on record</dt><dd>3</dd>"),
        "{html}"
    );
}

#[tokio::test]
async fn server_functions_answer_with_fitting_statuses() {
    let app = spawn_app().await;
    let create = |fields: Vec<(&'static str, String)>| {
        let client = app.client.clone();
        let url = app.url("/api/students/create");
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    let ok = create(vec![
        ("input[firstname]", "Grace".into()),
        ("input[lastname]", "Hopper".into()),
        ("input[email]", "grace@example.com".into()),
        ("input[age]", "85".into()),
    ])
    .await;
    assert_eq!(ok.status().as_u16(), 200);
    let id: i64 = ok.json().await.unwrap();
    assert!(id > 0);

    let bad = create(vec![
        ("input[firstname]", "".into()),
        ("input[email]", "grace@example.com".into()),
    ])
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    let errors = body["Invalid"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["firstname", "lastname"]);

    let missing = app
        .client
        .post(app.url("/api/students/delete"))
        .form(&[("id", "999"), ("input[version]", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(app.count().await, 1);

    // Arguments that do not decode are the caller's mistake: 400, not 500.
    let garbled = app
        .client
        .post(app.url("/api/students/delete"))
        .form(&[("id", "not-a-number"), ("input[version]", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status().as_u16(), 400);
}

#[tokio::test]
async fn oversized_requests_are_refused_with_413() {
    let app = spawn_app().await;
    let huge = "x".repeat(200 * 1024);
    let response = app
        .post_form("/create/", &student_form("A", "B", &huge))
        .await;
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn concurrent_creates_all_succeed() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = app.client.clone();
        let url = app.url("/create/");
        tasks.push(tokio::spawn(async move {
            let email = format!("student{i}@example.com");
            let form = [
                ("firstname", "Par"),
                ("lastname", "Allel"),
                ("email", email.as_str()),
            ];
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 303);
    }
    assert_eq!(app.count().await, 24);
}

#[tokio::test]
async fn data_survives_a_restart_and_migrations_rerun_cleanly() {
    let app = spawn_app().await;
    app.seed_sample().await;
    // A second instance on the same database migrates (a no-op) and sees the data.
    let (address, db) = app.another_instance().await;
    db.migrate().await.unwrap();
    let html = app
        .client
        .get(format!("{address}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("3 students"));
}

#[tokio::test]
async fn short_urls_redirect_to_their_canonical_form() {
    let app = spawn_app().await;
    let response = app.get("/create?x=1").await;
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(location(&response), "/create/?x=1");
    let (status, _) = app.get_html("/healthz").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let forged = app
        .client
        .post(app.url("/1/delete/"))
        .header("origin", "https://evil.example")
        .header("host", &host)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let forged = app
        .client
        .post(app.url("/api/students/delete"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(app.count().await, 3);

    // The same request from the site itself goes through.
    let own = app
        .client
        .post(app.url("/1/delete/"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 303);
    assert_eq!(app.count().await, 2);
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let plain = app.get("/?per=100").await;
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.text().await.unwrap();
    let ask = |encoding: &'static str| {
        app.client
            .get(app.url("/?per=100"))
            .header("accept", "text/html")
            .header("accept-encoding", encoding)
            .send()
    };
    for encoding in ["gzip", "br;q=0, gzip", "gzip, deflate, br"] {
        let response = ask(encoding).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-encoding"], "gzip", "{encoding}");
        assert_eq!(response.headers()["vary"], "accept-encoding");
        let body = response.bytes().await.unwrap();
        let mut html = String::new();
        use std::io::Read;
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut html)
            .unwrap();
        assert!(
            body.len() < html.len() / 2,
            "{encoding}: {} of {}",
            body.len(),
            html.len()
        );
        // The same page (but for the per-response CSP nonce).
        assert!(html.contains("Sammy Shark") && html.len().abs_diff(plain.len()) < 100);
    }
    // Pages are not brotli-compressed (see compress.rs): such a client gets
    // the page as it is.
    for encoding in ["br", "gzip;q=0, br"] {
        let response = ask(encoding).await.unwrap();
        assert_eq!(
            response.headers().get("content-encoding"),
            None,
            "{encoding}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("Sammy Shark") && html.len().abs_diff(plain.len()) < 100);
    }
}

#[tokio::test]
async fn an_edit_over_a_newer_version_is_refused_and_loses_nothing() {
    let app = spawn_app().await;
    app.seed_sample().await;
    app.assert_no_lost_update(LostUpdate {
        edit: "/1/edit/".into(),
        view: "/1/".into(),
        delete: Some("/1/delete/".into()),
        first: student_form("Joanna", "Doe", "jd@example.com"),
        second: student_form("Johan", "Doe", "jd@example.com"),
        field: "firstname",
        first_value: "Joanna",
        second_value: "Johan",
    })
    .await;
}

#[tokio::test]
async fn the_server_function_refuses_a_stale_edit_with_the_current_values() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let update = |first: &'static str, version: &'static str| {
        app.client
            .post(app.url("/api/students/update"))
            .form(&[
                ("id", "1"),
                ("input[firstname]", first),
                ("input[lastname]", "Doe"),
                ("input[email]", "jd@example.com"),
                ("input[version]", version),
            ])
            .send()
    };
    assert_eq!(update("Joanna", "1").await.unwrap().status().as_u16(), 200);
    let stale = update("Johan", "1").await.unwrap();
    assert_eq!(stale.status().as_u16(), 409);
    let body: serde_json::Value = stale.json().await.unwrap();
    let conflict = &body["Conflict"];
    assert_eq!(conflict["version"], 2, "{body}");
    let theirs = conflict["theirs"].as_array().unwrap();
    assert!(
        theirs.contains(&serde_json::json!(["firstname", "Joanna"])),
        "{body}"
    );
    let (_, html) = app.get_html("/1/").await;
    assert!(html.contains("Joanna Doe"));
}

#[tokio::test]
async fn two_instances_refuse_each_others_stale_edits() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (other, _db) = app.another_instance().await;
    // The same person signed in on both; each browser sends its own origin.
    let cookie = app.cookie.clone().unwrap();
    let there = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers({
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("cookie", cookie.parse().unwrap());
            headers.insert("origin", other.parse().unwrap());
            headers.insert("accept", "text/html".parse().unwrap());
            headers
        })
        .build()
        .unwrap();
    let mut form = student_form("Joanna", "Doe", "jd@example.com");
    form.push(("version", "1"));
    let response = there
        .post(format!("{other}/1/edit/"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let mut form = student_form("Johan", "Doe", "jd@example.com");
    form.push(("version", "1"));
    let response = app.post_form("/1/edit/", &form).await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap().replace("<!>", "");
    assert!(html.contains("Saved meanwhile: <strong>Joanna</strong>"));
    let html = there
        .get(format!("{other}/1/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Joanna Doe") && !html.contains("Johan"));
}
