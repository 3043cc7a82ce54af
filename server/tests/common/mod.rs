//! `spawn_app`: the real Roster router on a free port with a fresh database
//! for each test. SQLite by default; PostgreSQL when `TEST_DATABASE_URL`
//! points at a server (each test then gets a database of its own there).

#![allow(dead_code)]

pub mod load;
pub mod process;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use roster::AppState;
use roster::{build_router_with, serve, Config};

/// Routes a test adds to the app's own, inside its layers.
pub type Routes = fn(axum::Router<AppState>) -> axum::Router<AppState>;
use roster_core::db::{Db, PoolSettings};
use sqlx::Connection;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The administrator every [`spawn_app`] signs in as.
pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin password 123";

pub struct TestApp {
    pub address: String,
    /// Signed in (as [`ADMIN`] after [`spawn_app`]) and sending `Origin` like
    /// a browser does.
    pub client: reqwest::Client,
    /// The signed-in client's cookie (`roster_session=…`), if any.
    pub cookie: Option<String>,
    pub db: Db,
    pub database_url: String,
    pub site_root: PathBuf,
    _guard: Guard,
}

/// Removes the test's database (file or PostgreSQL database) when dropped.
pub struct Guard {
    dir: PathBuf,
    pg: Option<(String, String)>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop runs outside async context: a small runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .execute(&mut conn)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn using_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("roster_test_{}_{n}_{nanos}", std::process::id())
}

/// A fresh, empty database URL (SQLite file or PostgreSQL database).
async fn fresh_database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if admin_url.starts_with("postgres") => {
            let name = unique_name();
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL: cannot connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await
                .expect("cannot create a test database");
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(&format!("/{name}"));
            (url.to_string(), Some((admin_url, name)))
        }
        _ => (
            format!("sqlite://{}", dir.join("roster.db").display()),
            None,
        ),
    }
}

/// A fresh database for servers a test starts itself (in `dir`, or on the
/// PostgreSQL server of `TEST_DATABASE_URL`): its URL, and a guard that
/// removes it.
pub async fn fresh_store(dir: &std::path::Path) -> (String, Guard) {
    let (url, pg) = fresh_database(dir).await;
    let guard = Guard {
        dir: dir.to_owned(),
        pg,
    };
    (url, guard)
}

/// A site root with a stylesheet and an icon, the way cargo-leptos lays it out.
pub const TEST_CSS: &str = "body { color: #123456; }\n/* padding so that compression pays off */\n.card { margin: 0; } .card { margin: 0; } .card { margin: 0; } .card { margin: 0; }\n";
pub const TEST_HASH: &str = "Hx3kq9TestHash";

pub fn write_site(dir: &std::path::Path) -> PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(
        root.join("pkg").join(format!("roster.{TEST_HASH}.css")),
        TEST_CSS,
    )
    .unwrap();
    std::fs::write(
        root.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
    )
    .unwrap();
    std::fs::write(dir.join("hash.txt"), format!("css: {TEST_HASH}\n")).unwrap();
    root
}

/// Roster with a fresh database and one administrator, signed in.
pub async fn spawn_app() -> TestApp {
    let mut app = spawn_anonymous_app().await;
    let response = app
        .register(ADMIN, "admin@example.com", ADMIN_PASSWORD)
        .await;
    assert_eq!(response.status().as_u16(), 303, "registering the admin");
    let cookie = session_cookie(&response).expect("a session cookie");
    app.client = app.client_with_cookie(&cookie);
    app.cookie = Some(cookie);
    app
}

/// Roster with a fresh database and no accounts; `client` is signed out.
pub async fn spawn_anonymous_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_anonymous_app`], with the configuration changed by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_routed(adjust, |router| router).await
}

/// Like [`spawn_app_with`], with `extra` routes inside the app's layers.
pub async fn spawn_app_routed(adjust: impl FnOnce(&mut Config), extra: Routes) -> TestApp {
    let dir = std::env::temp_dir().join(unique_name());
    std::fs::create_dir_all(&dir).unwrap();
    let (database_url, pg) = fresh_database(&dir).await;
    spawn_app_on(database_url, Guard { dir, pg }, adjust, extra).await
}

/// Connects, migrates and serves `config` on a free port: one server
/// process's worth of Roster. Returns its address and database pool.
async fn start(config: &Config) -> (String, Db) {
    start_with(config, |router| router).await
}

async fn start_with(config: &Config, extra: Routes) -> (String, Db) {
    let db = Db::connect(&config.database_url, &config.pool)
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let router = build_router_with(config, db.clone(), extra).expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, router, std::future::pending()));
    (address, db)
}

fn config(database_url: &str, site_root: &std::path::Path, hash_file: Option<PathBuf>) -> Config {
    Config {
        database_url: database_url.to_owned(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: site_root.to_owned(),
        site_pkg_dir: "pkg".into(),
        hash_file,
        pool: PoolSettings::default(),
        auth: Default::default(),
        secure_cookie: roster::config::SecureCookie::Auto,
        trust_proxy: false,
        metrics_token: None,
        trash_days: roster::config::TRASH_DAYS,
    }
}

async fn spawn_app_on(
    database_url: String,
    guard: Guard,
    adjust: impl FnOnce(&mut Config),
    extra: Routes,
) -> TestApp {
    let site_root = write_site(&guard.dir);
    let hash_file = Some(guard.dir.join("hash.txt"));
    let mut config = config(&database_url, &site_root, hash_file);
    adjust(&mut config);
    let (address, db) = start_with(&config, extra).await;
    let client = browser(&address, None);
    TestApp {
        address,
        client,
        cookie: None,
        db,
        database_url,
        site_root,
        _guard: guard,
    }
}

/// A client that behaves like a browser without JavaScript: no redirects
/// followed, `Origin` sent (browsers send it with every form POST), and the
/// session cookie when there is one.
fn browser(address: &str, cookie: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", address.parse().unwrap());
    if let Some(cookie) = cookie {
        headers.insert("cookie", cookie.parse().unwrap());
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A request that never gets an answer is a failure, not a hung suite.
        .timeout(std::time::Duration::from_secs(30))
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The `roster_session=…` pair a response sets, if it sets a live one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with("roster_session=") && pair.len() > "roster_session=".len())
        .map(str::to_owned)
}

impl TestApp {
    /// A signed-out browser.
    pub fn anonymous(&self) -> reqwest::Client {
        browser(&self.address, None)
    }

    /// A browser holding `cookie` (`roster_session=…`).
    pub fn client_with_cookie(&self, cookie: &str) -> reqwest::Client {
        browser(&self.address, Some(cookie))
    }

    /// Registers through the no-JS form, signed out.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> reqwest::Response {
        self.anonymous()
            .post(self.url("/register/"))
            .form(&[
                ("username", username),
                ("email", email),
                ("password", password),
                ("confirm", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Registers through the no-JS form (a viewer, as registrations are by
    /// default), then makes the account a clerk, as an operator would: for
    /// tests whose second account writes.
    pub async fn register_clerk(
        &self,
        username: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let response = self.register(username, email, password).await;
        if response.status().as_u16() == 303 {
            let id = self
                .db
                .user_id(username)
                .await
                .unwrap()
                .expect("registered");
            self.db
                .set_account_flags(
                    &roster_core::db::By::operator(),
                    id,
                    None,
                    Some(roster_core::domain::BuiltinRole::Clerk.id()),
                    None,
                )
                .await
                .expect("made a clerk");
        }
        response
    }

    /// Signs in through the no-JS form, signed out.
    pub async fn login(&self, login: &str, password: &str) -> reqwest::Response {
        self.anonymous()
            .post(self.url("/login/"))
            .form(&[("login", login), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A second server process's worth of app on the same database.
    pub async fn another_instance(&self) -> (String, Db) {
        start(&config(&self.database_url, &self.site_root, None)).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.client, path).await
    }

    pub async fn get_as(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
    }

    /// Status and body; the body without leptos's `<!>` hydration markers,
    /// which split text nodes ("Page <!>1<!> of <!>5").
    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap().replace("<!>", ""))
    }

    /// A form POST as a browser without JavaScript sends it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "text/html")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn seed_sample(&self) {
        self.db.seed_sample().await.unwrap();
    }

    pub async fn count(&self) -> i64 {
        self.db
            .list::<roster_core::domain::StudentList>(&Default::default())
            .await
            .unwrap()
            .total
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A valid student form, as (field, value) pairs.
pub fn student_form<'a>(first: &'a str, last: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("firstname", first),
        ("lastname", last),
        ("email", email),
        ("age", "21"),
        ("bio", "Likes rivers."),
    ]
}

/// The text of the `<p class="field-error" id="{field}-error">` element.
pub fn field_error(html: &str, field: &str) -> String {
    let marker = format!("id=\"{field}-error\"");
    let Some(at) = html.find(&marker) else {
        return String::new();
    };
    let rest = &html[at..];
    let start = rest.find('>').map(|i| i + 1).unwrap_or(0);
    let end = rest.find("</p>").unwrap_or(rest.len());
    rest[start..end].replace("<!>", "").trim().to_owned()
}

/// The id in a location like `/pets/12/?created=1`.
pub fn id_in(location: &str) -> i64 {
    location
        .split('/')
        .filter_map(|part| part.parse::<i64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no id in {location:?}"))
}

impl TestApp {
    /// Adds a student through the no-JS form; its id.
    pub async fn create_student(&self, first: &str, last: &str, email: &str) -> i64 {
        let response = self
            .post_form("/create/", &student_form(first, last, email))
            .await;
        assert_eq!(response.status().as_u16(), 303, "creating student {email}");
        location(&response)
            .split("created=")
            .nth(1)
            .and_then(|id| id.parse().ok())
            .expect("the new student's id")
    }

    /// The id of the first enrolment course `course`'s page lists.
    pub async fn first_enrolment(&self, course: i64) -> i64 {
        let (_, html) = self.get_html(&format!("/courses/{course}/")).await;
        html.split("id=\"enrolment-")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|id| id.parse::<i64>().ok())
            .expect("an enrolment on the course's page")
    }

    /// Adds a course through the no-JS form; its id.
    pub async fn create_course(&self, code: &str, title: &str, capacity: &str) -> i64 {
        let response = self
            .post_form(
                "/courses/create/",
                &[("code", code), ("title", title), ("capacity", capacity)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "creating course {code}");
        id_in(&location(&response))
    }

    /// Adds a handler through the no-JS form; its id.
    pub async fn create_handler(&self, name: &str) -> i64 {
        let response = self.post_form("/handlers/create/", &[("name", name)]).await;
        assert_eq!(response.status().as_u16(), 303, "creating handler {name}");
        id_in(&location(&response))
    }

    /// Adds a pet through the no-JS form; its id.
    pub async fn create_pet(&self, name: &str, category: &str, handler: i64) -> i64 {
        let handler = handler.to_string();
        let response = self
            .post_form(
                "/pets/create/",
                &[
                    ("name", name),
                    ("category", category),
                    ("handler_id", &handler),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "creating pet {name}");
        id_in(&location(&response))
    }

    /// Comments on a pet through the no-JS form, as `client`; the response.
    pub async fn comment_as(
        &self,
        client: &reqwest::Client,
        pet: i64,
        body: &str,
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/pets/{pet}/comments/")))
            .header("accept", "text/html")
            .form(&[("body", body)])
            .send()
            .await
            .unwrap()
    }

    /// A value from `record_counts`: what the lists show as totals.
    pub async fn counted(&self, name: &str) -> i64 {
        roster_core::db::record_counts(&self.db)
            .await
            .unwrap()
            .into_iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, kept, fresh)| {
                assert_eq!(kept, fresh, "the {name} counter drifted");
                kept
            })
            .unwrap_or_else(|| panic!("no counter {name}"))
    }

    /// Every kept counter equals a fresh COUNT(*).
    pub async fn assert_counters_agree(&self) {
        for (name, kept, fresh) in roster_core::db::record_counts(&self.db).await.unwrap() {
            assert_eq!(kept, fresh, "the {name} counter drifted");
        }
        for (name, drifted) in roster_core::db::row_checks(&self.db).await.unwrap() {
            assert_eq!(drifted, 0, "{name} drifted on {drifted} rows");
        }
    }
}

/// Two people edit one record from the same version: the first save wins,
/// the second is refused (409) with the first one's value shown beside
/// what was typed, which stays. Saving again on purpose then keeps it;
/// deleting from a confirm page opened before that change is refused too.
pub struct LostUpdate<'a> {
    /// The edit form's path (its POST target too), e.g. `/3/edit/`.
    pub edit: String,
    /// The record's own page.
    pub view: String,
    /// The delete form's path, if the record type has one.
    pub delete: Option<String>,
    /// Every field of the first person's form, `version` left out.
    pub first: Vec<(&'a str, &'a str)>,
    /// Every field of the second person's form, `version` left out.
    pub second: Vec<(&'a str, &'a str)>,
    /// The field they disagree on, and each one's value as the pages show it.
    pub field: &'a str,
    pub first_value: &'a str,
    pub second_value: &'a str,
}

impl TestApp {
    /// The version the edit form at `path` names.
    pub async fn form_version(&self, path: &str) -> i64 {
        let (status, html) = self.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        let at = html
            .find("name=\"version\" value=\"")
            .unwrap_or_else(|| panic!("{path} names no version"));
        let rest = &html[at + "name=\"version\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    }

    /// The value of the hidden field `name` on the page at `path`.
    pub async fn hidden_value(&self, path: &str, name: &str) -> String {
        let (status, html) = self.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        let marker = format!("name=\"{name}\" value=\"");
        let at = html
            .find(&marker)
            .unwrap_or_else(|| panic!("{path} has no hidden {name}"));
        let rest = &html[at + marker.len()..];
        rest[..rest.find('"').unwrap()]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    pub async fn assert_no_lost_update(&self, case: LostUpdate<'_>) {
        let opened = self.form_version(&case.edit).await;
        let version = opened.to_string();
        let mut first = case.first.clone();
        first.push(("version", &version));
        let response = self.post_form(&case.edit, &first).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "the first save goes through"
        );

        // The second person's form still names the version both opened.
        let mut second = case.second.clone();
        second.push(("version", &version));
        let response = self.post_form(&case.edit, &second).await;
        assert_eq!(
            response.status().as_u16(),
            409,
            "{}: saved over a newer version",
            case.edit
        );
        let html = response.text().await.unwrap().replace("<!>", "");
        assert!(html.contains("since you opened it"), "the page says why");
        assert!(
            html.contains(&format!(
                "Saved meanwhile: <strong>{}</strong>",
                case.first_value
            )),
            "their value is shown: {html}"
        );
        assert!(
            html.contains(&format!("value=\"{}\"", case.second_value))
                || html.contains(&format!(">{}</textarea>", case.second_value)),
            "what was typed stays"
        );
        let newer = (opened + 1).to_string();
        assert!(
            html.contains(&format!("name=\"version\" value=\"{newer}\"")),
            "saving again names the version seen"
        );
        let (_, page) = self.get_html(&case.view).await;
        // What the page shows, not its tokens and nonces (random hex may
        // hold "40").
        let shown = visible_text(&page);
        assert!(shown.contains(case.first_value), "nothing was overwritten");
        assert!(!shown.contains(case.second_value), "{shown}");
        // Someone opens the confirm page now, and sends the record as it
        // showed it with the delete.
        let seen = match &case.delete {
            Some(delete) => self.hidden_value(delete, "seen").await,
            None => String::new(),
        };

        // Keeping one's own on purpose.
        let mut again = case.second.clone();
        again.push(("version", &newer));
        let response = self.post_form(&case.edit, &again).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "the deliberate second save"
        );
        let (_, page) = self.get_html(&case.view).await;
        assert!(page.contains(case.second_value));

        if let Some(delete) = &case.delete {
            // A confirm page opened at `newer` does not delete what is now
            // one version further on.
            let response = self
                .post_form(delete, &[("version", &newer), ("seen", &seen)])
                .await;
            assert_eq!(response.status().as_u16(), 409, "{delete}");
            let html = response.text().await.unwrap().replace("<!>", "");
            assert!(html.contains("since you opened this page"), "{html}");
            assert!(
                html.contains(&format!(
                    "was <del>{}</del>, now <ins>{}</ins>",
                    case.first_value, case.second_value
                )),
                "the page lists what changed: {html}"
            );
            assert_eq!(self.get(&case.view).await.status().as_u16(), 200);
            let current = (opened + 2).to_string();
            let response = self.post_form(delete, &[("version", &current)]).await;
            assert_eq!(response.status().as_u16(), 303);
            assert_eq!(self.get(&case.view).await.status().as_u16(), 404);
        }
    }
}

/// The text a person sees on `html`: no scripts, no tags, no attributes.
pub fn visible_text(html: &str) -> String {
    let mut rest = html;
    let mut text = String::with_capacity(html.len() / 2);
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        text.push(' ');
        rest = &rest[at..];
        let end = if rest.starts_with("<script") {
            rest.find("</script>").map(|i| i + "</script>".len())
        } else {
            rest.find('>').map(|i| i + 1)
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    text.push_str(rest);
    text
}

/// How many lists' data a page carries for hydration (each list's state
/// holds its filters, `chips`, even when there are none).
pub fn list_payloads(html: &str) -> usize {
    html.matches("\\\"chips\\\":").count()
}

/// The history mark the list at `path` hands its bulk form (see
/// `Db::history_mark`).
pub async fn bulk_mark(app: &TestApp, path: &str) -> String {
    let (status, html) = app.get_html(path).await;
    assert_eq!(status, 200, "{path}");
    let form = &html[html.find("<form id=\"bulk-").expect("a bulk form")..];
    let marker = "name=\"version\" value=\"";
    let at = form.find(marker).expect("the form's mark");
    let rest = &form[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The bulk action a `Location` (`/bulk/{id}/?done=1`) leads to.
pub fn batch_of(location: &str) -> i64 {
    location
        .strip_prefix("/bulk/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a batch's page: {location}"))
}
