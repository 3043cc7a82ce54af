//! Accounts, sessions and the protection of records, over plain HTTP as a
//! browser without JavaScript (and the browser app's server functions) speak it.

mod common;

use common::{
    field_error, location, session_cookie, spawn_anonymous_app, spawn_app, spawn_app_with,
    student_form, TestApp, ADMIN, ADMIN_PASSWORD,
};
use roster_core::db::Db;

const PASSWORD: &str = "correct horse battery";

/// Registers `username` and returns a client signed in as them.
async fn signed_in(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let response = app
        .register(username, &format!("{username}@example.com"), PASSWORD)
        .await;
    assert_eq!(response.status().as_u16(), 303, "register {username}");
    let cookie = session_cookie(&response).unwrap();
    (app.client_with_cookie(&cookie), cookie)
}

/// A form POST from a signed-out browser.
async fn post_anonymously(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.anonymous()
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

fn set_cookie_header(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Moves every stored time back by `secs`, as if that much time had passed.
async fn travel(db: &Db, table: &str, column: &str, secs: i64) {
    let sql = format!("UPDATE {table} SET {column} = {column} - {secs}");
    match db {
        Db::Sqlite(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
    }
    .unwrap();
}

async fn count_rows(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test]
async fn registering_signs_in_with_a_safe_cookie_and_the_first_user_is_admin() {
    let app = spawn_anonymous_app().await;
    let response = app.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/");
    let cookie = set_cookie_header(&response);
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let value = session_cookie(&response).unwrap();
    // 256 random bits, as hex.
    assert_eq!(value.len(), "roster_session=".len() + 64);

    let ada = app.client_with_cookie(&value);
    let (status, html) = get_html_as(&app, &ada, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Signed in as"), "nav shows the user");
    assert!(
        html.contains(">Ada</a>"),
        "the display name links to the account page"
    );
    assert!(
        html.contains("href=\"/settings/\""),
        "first account administers"
    );

    let (bob, _) = signed_in(&app, "bob").await;
    let (_, html) = get_html_as(&app, &bob, "/").await;
    assert!(html.contains(">bob</a>"));
    assert!(
        !html.contains("href=\"/settings/\""),
        "later accounts do not"
    );
    let settings = app.get_as(&bob, "/settings/").await;
    assert_eq!(settings.status().as_u16(), 403);
}

async fn get_html_as(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = app.get_as(client, path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap().replace("<!>", ""))
}

#[tokio::test]
async fn secure_cookies_behind_https() {
    let app = spawn_anonymous_app().await;
    let response = app
        .anonymous()
        .post(app.url("/register/"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("username", "ada"),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert!(set_cookie_header(&response).contains("; Secure"));

    let always = spawn_app_with(|c| c.secure_cookie = roster::config::SecureCookie::Always).await;
    let response = always.register("ada", "ada@example.com", PASSWORD).await;
    assert!(set_cookie_header(&response).contains("; Secure"));
}

#[tokio::test]
async fn registration_errors_are_shown_at_their_fields_with_input_kept() {
    let app = spawn_app().await;
    // Taken, ignoring case; the other fields stay, the passwords do not.
    let response = post_anonymously(
        &app,
        "/register/",
        &[
            ("username", "ADMIN"),
            ("email", "fresh@example.com"),
            ("password", "a secret password"),
            ("confirm", "a secret password"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(field_error(&html, "username"), "That username is taken.");
    assert!(html.contains("value=\"fresh@example.com\""), "email kept");
    assert!(html.contains("value=\"ADMIN\""), "username kept");
    assert!(!html.contains("a secret password"), "password never echoed");

    let response = app
        .register("someone", "Admin@Example.com", "a secret password")
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(
        field_error(&html, "email"),
        "An account with this email already exists."
    );
    assert!(html.contains("value=\"someone\""));

    let response = post_anonymously(
        &app,
        "/register/",
        &[
            ("username", "no spaces"),
            ("email", "not-an-email"),
            ("password", "short"),
            ("confirm", "shorter"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "username").contains("letters, digits"));
    assert!(field_error(&html, "email").contains("name@example.com"));
    assert!(field_error(&html, "password").contains("at least 10"));

    let response = post_anonymously(
        &app,
        "/register/",
        &[
            ("username", "carol"),
            ("email", "carol@example.com"),
            ("password", "0123456789"),
            ("confirm", "0123456780"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(field_error(&html, "confirm"), "The two passwords differ.");
    assert_eq!(app.db.count_users().await.unwrap(), 1, "nothing saved");
}

#[tokio::test]
async fn the_password_column_never_holds_the_password() {
    let app = spawn_app().await;
    let user = app.db.find_login(ADMIN).await.unwrap().unwrap().user;
    let hash = app.db.password_hash(user.id).await.unwrap().unwrap();
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains(ADMIN_PASSWORD));
    // The same password for a second account gets a different salt and hash.
    app.register("twin", "twin@example.com", ADMIN_PASSWORD)
        .await;
    let twin = app.db.find_login("twin").await.unwrap().unwrap().user;
    let twin_hash = app.db.password_hash(twin.id).await.unwrap().unwrap();
    assert_ne!(hash, twin_hash);
}

#[tokio::test]
async fn sign_in_by_name_or_email_and_wrong_or_unknown_look_the_same() {
    let app = spawn_app().await;
    for login in [ADMIN, "ADMIN", "admin@example.com", "Admin@Example.COM"] {
        let response = app.login(login, ADMIN_PASSWORD).await;
        assert_eq!(response.status().as_u16(), 303, "{login}");
        assert!(session_cookie(&response).is_some());
    }
    // Nothing typed: a message at each field, and no failure counted.
    let empty = app.login("", "").await;
    assert_eq!(empty.status().as_u16(), 422);
    let html = empty.text().await.unwrap();
    assert_eq!(field_error(&html, "login"), "Enter your username or email.");
    assert_eq!(field_error(&html, "password"), "Enter your password.");
    assert_eq!(count_rows(&app.db, "login_failures").await, 0);

    let wrong = app.login(ADMIN, "not the password").await;
    let unknown = app.login("nobody", "not the password").await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(unknown.status().as_u16(), 401);
    assert!(session_cookie(&wrong).is_none());
    let wrong = wrong.text().await.unwrap();
    let unknown = unknown.text().await.unwrap();
    let message = "That username or email and password do not match an account.";
    assert!(wrong.contains(message) && unknown.contains(message));
    assert!(!wrong.contains("not the password"), "password never echoed");
    assert!(wrong.contains("value=\"admin\""), "login kept");
}

#[tokio::test]
async fn five_failures_throttle_an_account_until_the_window_passes() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login(ADMIN, "wrong password").await.status().as_u16(),
            401
        );
    }
    // Now even the right password waits, with a clear message.
    let throttled = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(throttled.status().as_u16(), 429);
    let retry: i64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let html = throttled.text().await.unwrap();
    assert!(html.contains("Too many failed sign-in attempts. Try again in 15 minutes."));
    // Through the email too: it is the account that is throttled.
    let by_email = app.login("admin@example.com", ADMIN_PASSWORD).await;
    assert_eq!(by_email.status().as_u16(), 429);
    // The browser app's server function says the same.
    let api = post_anonymously(
        &app,
        "/api/auth/login",
        &[("input[login]", ADMIN), ("input[password]", ADMIN_PASSWORD)],
    )
    .await;
    assert_eq!(api.status().as_u16(), 429);
    assert!(api.headers().contains_key("retry-after"));

    travel(&app.db, "login_failures", "at", 15 * 60).await;
    let released = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(released.status().as_u16(), 303);
}

#[tokio::test]
async fn five_failures_from_one_address_throttle_it_for_every_account() {
    let app = spawn_app().await;
    for n in 0..5 {
        let response = app.login(&format!("guess{n}"), "wrong password").await;
        assert_eq!(response.status().as_u16(), 401);
    }
    let next = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(next.status().as_u16(), 429, "same client address");
    travel(&app.db, "login_failures", "at", 15 * 60).await;
    assert_eq!(
        app.login(ADMIN, ADMIN_PASSWORD).await.status().as_u16(),
        303
    );
}

#[tokio::test]
async fn anonymous_visitors_can_neither_read_nor_write_records() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let anonymous = app.anonymous();

    for (path, next) in [
        ("/", "/login/"),
        ("/1/", "/login/?next=/1/"),
        ("/1/edit/", "/login/?next=/1/edit/"),
        ("/create/", "/login/?next=/create/"),
        ("/?q=doe&sort=age", "/login/?next=/%3Fq%3Ddoe%26sort%3Dage"),
    ] {
        let response = app.get_as(&anonymous, path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert_eq!(location(&response), next, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("Sammy"), "{path} leaks records");
    }
    // Plain form posts change nothing.
    let create = anonymous
        .post(app.url("/create/"))
        .form(&student_form("Eve", "Intruder", "eve@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status().as_u16(), 303);
    assert!(location(&create).starts_with("/login/"));
    let delete = anonymous.post(app.url("/1/delete/")).send().await.unwrap();
    assert_eq!(delete.status().as_u16(), 303);

    // Server functions answer 401.
    for (endpoint, fields) in [
        ("/api/students/list", vec![("query[per_page]", "10")]),
        ("/api/students/get", vec![("id", "1")]),
        ("/api/students/delete", vec![("id", "1")]),
        (
            "/api/students/create",
            vec![
                ("input[firstname]", "Eve"),
                ("input[lastname]", "Intruder"),
                ("input[email]", "eve@example.com"),
            ],
        ),
        ("/api/settings/registration", vec![("open", "false")]),
    ] {
        let response = anonymous
            .post(app.url(endpoint))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "{endpoint}");
        assert_eq!(response.text().await.unwrap(), "\"Unauthorized\"");
    }
    assert_eq!(app.count().await, 3, "nothing created or deleted");

    // What stays public.
    for path in [
        "/login/",
        "/register/",
        "/about/",
        "/favicon.svg",
        "/healthz",
    ] {
        assert_eq!(
            app.get_as(&anonymous, path).await.status().as_u16(),
            200,
            "{path}"
        );
    }
    let (_, about) = get_html_as(&app, &anonymous, "/about/").await;
    assert!(about.contains("SQLite") || about.contains("PostgreSQL"));
    assert!(
        !about.contains("Students on record"),
        "the count is a record"
    );
}

#[tokio::test]
async fn sign_in_returns_to_the_page_that_asked() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = get_html_as(&app, &app.anonymous(), "/login/?next=/2/edit/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Please sign in to continue."));
    assert!(html.contains("name=\"next\" value=\"/2/edit/\""));

    let response = post_anonymously(
        &app,
        "/login/",
        &[
            ("login", ADMIN),
            ("password", ADMIN_PASSWORD),
            ("next", "/2/edit/"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/2/edit/");
    // Never off the site.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let response = post_anonymously(
            &app,
            "/login/",
            &[
                ("login", ADMIN),
                ("password", ADMIN_PASSWORD),
                ("next", evil),
            ],
        )
        .await;
        assert_eq!(location(&response), "/", "{evil}");
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_everywhere() {
    let app = spawn_app().await;
    let cookie = app.cookie.clone().unwrap();
    assert_eq!(count_rows(&app.db, "sessions").await, 1);
    let response = app.client.post(app.url("/logout/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login/?signed_out=1");
    assert!(set_cookie_header(&response).contains("roster_session=; "));
    assert!(set_cookie_header(&response).contains("Max-Age=0"));
    assert_eq!(count_rows(&app.db, "sessions").await, 0);

    // The old cookie, replayed, is worthless (and the browser is told to drop it).
    let replay = app.get_as(&app.client_with_cookie(&cookie), "/").await;
    assert_eq!(replay.status().as_u16(), 303);
    assert_eq!(location(&replay), "/login/");
    assert!(set_cookie_header(&replay).contains("Max-Age=0"));
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_id() {
    let app = spawn_app().await;
    let old = app.cookie.clone().unwrap();
    let response = app
        .client
        .post(app.url("/login/"))
        .form(&[("login", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let new = session_cookie(&response).unwrap();
    assert_ne!(new, old);
    assert_eq!(
        app.get_as(&app.client_with_cookie(&old), "/")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.get_as(&app.client_with_cookie(&new), "/")
            .await
            .status()
            .as_u16(),
        200
    );
    // The database holds a hash of the id, never the id itself.
    let raw = new.trim_start_matches("roster_session=");
    let sql = "SELECT COUNT(*) FROM sessions WHERE id_hash = $1";
    let stored: i64 = match &app.db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql)
            .bind(raw)
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql)
            .bind(raw)
            .fetch_one(pool)
            .await
            .unwrap(),
    };
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn two_server_processes_share_sessions() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (other, _db) = app.another_instance().await;
    let cookie = app.cookie.clone().unwrap();
    // Signed in on the first instance, recognised by the second…
    let client = app.client_with_cookie(&cookie);
    let response = client.get(format!("{other}/1/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("John"));
    // …and signed out on the second, gone on the first.
    let response = client
        .post(format!("{other}/logout/"))
        .header("origin", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.get_as(&client, "/1/").await.status().as_u16(), 303);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = spawn_app().await;
    travel(&app.db, "sessions", "last_seen", 6 * 24 * 3600).await;
    assert_eq!(
        app.get("/").await.status().as_u16(),
        200,
        "6 idle days: alive"
    );
    // That visit counted as activity; a week of silence after it ends the session.
    travel(&app.db, "sessions", "last_seen", 7 * 24 * 3600 + 1).await;
    let response = app.get("/").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(count_rows(&app.db, "sessions").await, 0, "removed");

    let short = spawn_app_with(|c| c.auth.idle_secs = 24 * 3600).await;
    let response = short.register("ada", "ada@example.com", PASSWORD).await;
    let client = short.client_with_cookie(&session_cookie(&response).unwrap());
    travel(&short.db, "sessions", "last_seen", 24 * 3600 + 1).await;
    assert_eq!(short.get_as(&client, "/").await.status().as_u16(), 303);
}

#[tokio::test]
async fn posts_without_origin_need_the_form_token() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let cookie = app.cookie.clone().unwrap();
    // A client that sends neither Origin nor Sec-Fetch-Site.
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let refused = bare
        .post(app.url("/1/delete/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let wrong = bare
        .post(app.url("/1/delete/"))
        .header("cookie", &cookie)
        .form(&[("csrf_token", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    assert_eq!(app.count().await, 3);

    // The token every form of the signed-in page carries.
    let (_, html) = app.get_html("/1/delete/").await;
    let marker = "name=\"csrf_token\" value=\"";
    let at = html.find(marker).expect("a token field") + marker.len();
    let token = &html[at..at + 64];
    let allowed = bare
        .post(app.url("/1/delete/"))
        .header("cookie", &cookie)
        .form(&[("csrf_token", token), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status().as_u16(), 303);
    assert_eq!(app.count().await, 2);
}

#[tokio::test]
async fn cross_origin_posts_are_refused_everywhere() {
    let app = spawn_app().await;
    for path in [
        "/logout/",
        "/login/",
        "/register/",
        "/api/auth/login",
        "/settings/",
    ] {
        let response = app
            .client
            .post(app.url(path))
            .header("origin", "https://evil.example")
            .form(&[("login", ADMIN), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    assert_eq!(count_rows(&app.db, "sessions").await, 1, "still signed in");
}

#[tokio::test]
async fn every_page_carries_a_csp_whose_nonce_matches_its_scripts() {
    let app = spawn_app().await;
    for (client, path) in [(app.client.clone(), "/"), (app.anonymous(), "/login/")] {
        let response = app.get_as(&client, path).await;
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers.contains_key("referrer-policy"));
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce")
            .to_owned();
        assert!(nonce.len() >= 16);
        let html = response.text().await.unwrap();
        // Every script carries this response's nonce.
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + html
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{path}"
        );
        // A fresh nonce per response.
        let again = app.get_as(&client, path).await;
        assert_ne!(
            again.headers()["content-security-policy"].to_str().unwrap(),
            csp
        );
    }
}

#[tokio::test]
async fn closed_registration_refuses_new_accounts() {
    // The operator's switch.
    let app = spawn_app_with(|c| c.auth.forced_open_registration = Some(false)).await;
    let (status, html) = get_html_as(&app, &app.anonymous(), "/register/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Registration is closed"));
    let response = app.register("ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.db.count_users().await.unwrap(), 0);

    // The administrators' switch.
    let app = spawn_app().await;
    let (bob, _) = signed_in(&app, "bob").await;
    let refused = bob
        .post(app.url("/settings/"))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403, "bob is no administrator");
    assert!(app.db.registration_open().await.unwrap());

    let saved = app.post_form("/settings/", &[]).await; // checkbox unticked
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(location(&saved), "/settings/?saved=1");
    let (_, html) = app.get_html("/settings/?saved=1").await;
    assert!(html.contains("Settings saved."));
    assert!(!html.contains("checked"), "{html}");
    let response = app.register("carol", "carol@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Registration is closed"));

    let reopened = app
        .post_form("/settings/", &[("open_registration", "on")])
        .await;
    assert_eq!(reopened.status().as_u16(), 303);
    let response = app.register("carol", "carol@example.com", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn the_browser_apps_sign_in_sets_the_cookie_and_names_the_user() {
    let app = spawn_app().await;
    let response = post_anonymously(
        &app,
        "/api/auth/login",
        &[("input[login]", ADMIN), ("input[password]", ADMIN_PASSWORD)],
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = session_cookie(&response).unwrap();
    assert!(set_cookie_header(&response).contains("HttpOnly"));
    let signed_in: serde_json::Value = response.json().await.unwrap();
    let viewer = &signed_in["viewer"];
    assert_eq!(viewer["user"]["username"], ADMIN);
    assert_eq!(viewer["user"]["is_admin"], true);
    assert!(viewer.get("password_hash").is_none());
    assert_eq!(signed_in["next"], "/");

    let client = app.client_with_cookie(&cookie);
    let list = client
        .post(app.url("/api/students/list"))
        .form(&[("query[per_page]", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(list.status().as_u16(), 200);

    let bad = post_anonymously(
        &app,
        "/api/auth/login",
        &[
            ("input[login]", ADMIN),
            ("input[password]", "nope nope nope"),
        ],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 401);
    assert_eq!(bad.text().await.unwrap(), "\"BadCredentials\"");

    let out = client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 200);
    let list = client
        .post(app.url("/api/students/list"))
        .form(&[("query[per_page]", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(list.status().as_u16(), 401);
}

#[tokio::test]
async fn oversized_sign_in_forms_get_413() {
    let app = spawn_anonymous_app().await;
    let huge = "x".repeat(100 * 1024);
    let response = post_anonymously(
        &app,
        "/login/",
        &[("login", huge.as_str()), ("password", "x")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn the_school_name_is_set_on_the_settings_page_and_a_long_one_is_refused_at_its_field() {
    let mut app = spawn_app_with(|c| c.auth.forced_open_registration = Some(true)).await;
    let response = app
        .register(ADMIN, "admin@example.com", ADMIN_PASSWORD)
        .await;
    app.client = app.client_with_cookie(&session_cookie(&response).unwrap());
    // With registration decided by the operator, the name is still the
    // administrators' to set.
    let (_, html) = app.get_html("/settings/").await;
    assert!(html.contains("name=\"school_name\""), "{html}");
    assert!(!html.contains("name=\"open_registration\""), "{html}");
    let long = "S".repeat(121);
    let response = app
        .post_form("/settings/", &[("school_name", long.as_str())])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(
        common::field_error(&html, "school_name"),
        "Use at most 120 characters."
    );
    assert!(html.contains(&long), "what was typed is kept");
    assert_eq!(app.db.school_name().await.unwrap(), None);

    let saved = app
        .post_form("/settings/", &[("school_name", "  Hill School ")])
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(
        app.db.school_name().await.unwrap().as_deref(),
        Some("Hill School")
    );
    let (_, html) = app.get_html("/settings/").await;
    assert!(html.contains("value=\"Hill School\""), "{html}");
    assert!(app.db.registration_open().await.unwrap());
    // Emptied: no name (transcripts print "Roster").
    let saved = app.post_form("/settings/", &[("school_name", "")]).await;
    assert_eq!(saved.status().as_u16(), 303);
    assert_eq!(app.db.school_name().await.unwrap(), None);
}
