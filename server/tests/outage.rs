//! The database goes away or stops taking writes while Roster serves:
//! PostgreSQL stopped, a SQLite file on a read-only disk, a full disk.
//! Pages answer 503 with a readable page, quickly; reads go on where the
//! database still reads; Roster recovers by itself when the database does.

mod common;

use std::time::{Duration, Instant};

use common::process::{browser, roster, sign_in, work_dir, Server};
use common::{spawn_app_with, student_form, using_postgres, ADMIN, ADMIN_PASSWORD};

use common::process::{create_clerk, CLERK_PASSWORD as PASSWORD};

/// Both SQLite tests run Roster in a mount namespace of its own, where its
/// data folder can be made read-only or small without touching the host.
fn in_namespace(script: &str, dir: &std::path::Path) -> Vec<String> {
    vec![
        "unshare".into(),
        "-rm".into(),
        "sh".into(),
        "-c".into(),
        format!("{script} && exec \"$@\""),
        dir.display().to_string(),
    ]
}

async fn post_student(client: &reqwest::Client, address: &str, first: &str) -> reqwest::Response {
    client
        .post(format!("{address}/create/"))
        .form(&student_form(
            first,
            "Lovelace",
            &format!("{first}@example.com"),
        ))
        .send()
        .await
        .unwrap()
}

/// Adds a student through the form and expects it saved (303).
async fn assert_saved(client: &reqwest::Client, address: &str, first: &str, server: &Server) {
    let status = post_student(client, address, first).await.status().as_u16();
    assert_eq!(status, 303, "{}", server.log_text());
}

fn assert_readable_503(status: u16, retry: Option<String>, html: &str) {
    assert_eq!(status, 503, "{html}");
    assert_eq!(retry.as_deref(), Some("5"), "Retry-After");
    assert!(html.contains("not available right now"), "{html}");
    assert!(
        !html.contains("panicked") && !html.contains("sqlx"),
        "{html}"
    );
}

async fn read(response: reqwest::Response) -> (u16, Option<String>, String) {
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (
        status,
        retry,
        response.text().await.unwrap().replace("<!>", ""),
    )
}

#[tokio::test]
async fn a_read_only_sqlite_file_serves_reads_and_refuses_writes_with_503() {
    let dir = work_dir("read-only");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let url = format!("sqlite://{}", data.join("roster.db").display());
    roster(&url, &["seed", "--sample"], "");
    create_clerk(&url, false);
    // Signed in while the disk could still be written.
    let cookie = {
        let mut server = Server::start(&dir, &url, &[]).await;
        let cookie = sign_in(&server.address, "clerk", PASSWORD).await;
        server.terminate();
        assert!(server
            .exited_within(Duration::from_secs(10))
            .await
            .is_some());
        cookie
    };

    let wrapper = in_namespace(
        "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\"",
        &data,
    );
    let wrapper: Vec<&str> = wrapper.iter().map(String::as_str).collect();
    let server = Server::start(&dir, &url, &wrapper).await;
    let address = &server.address;
    let client = browser(address, &cookie);
    let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), "ok (read-only)");

    // Reads work.
    let (status, _, html) = read(client.get(format!("{address}/")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("John Doe") && html.contains("3 students"));
    let (status, _, _) = read(client.get(format!("{address}/pets/")).send().await.unwrap()).await;
    assert_eq!(status, 200);

    // Writes answer 503 with the form again, what was typed kept.
    let (status, retry, html) = read(post_student(&client, address, "Ada").await).await;
    assert_readable_503(status, retry, &html);
    assert!(html.contains("value=\"Ada\""), "the input is kept");
    // So does signing in, which writes a session.
    let response = reqwest::Client::new()
        .post(format!("{address}/login/"))
        .header("origin", address)
        .form(&[("login", "clerk"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let (status, retry, html) = read(response).await;
    assert_readable_503(status, retry, &html);
    assert!(
        !server.log_text().contains("panicked"),
        "{}",
        server.log_text()
    );
    drop(server);
    // Nothing was written, and the file is sound.
    assert!(roster(&url, &["check"], "").contains("sound"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_recovers() {
    let dir = work_dir("full-disk");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let url = format!("sqlite://{}", data.join("roster.db").display());
    let wrapper = in_namespace("mount -t tmpfs -o size=24m tmpfs \"$0\"", &data);
    let wrapper: Vec<&str> = wrapper.iter().map(String::as_str).collect();
    let server = Server::start(&dir, &url, &wrapper).await;
    let address = server.address.clone();
    // The first account, registered through the form, is signed in.
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{address}/register/"))
        .header("origin", &address)
        .form(&[
            ("username", "clerk"),
            ("email", "clerk@example.com"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let cookie = common::session_cookie(&response).unwrap();
    let client = browser(&address, &cookie);
    assert_saved(&client, &address, "Ada", &server).await;

    // Fill the namespace's disk, seen through the server's own root.
    let filler = std::path::PathBuf::from(format!("/proc/{}/root", server.pid()))
        .join(data.strip_prefix("/").unwrap())
        .join("filler");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![7u8; 256 * 1024];
        while file
            .write_all(&chunk)
            .and_then(|_| file.sync_data())
            .is_ok()
        {}
    }
    let (status, retry, html) = read(post_student(&client, &address, "Grace").await).await;
    assert_readable_503(status, retry, &html);
    assert!(html.contains("value=\"Grace\""), "the input is kept");
    let (status, _, html) = read(client.get(format!("{address}/")).send().await.unwrap()).await;
    assert_eq!(status, 200, "reads go on: {html}");
    assert!(html.contains("Ada Lovelace") && html.contains("1 student"));

    // Room again: the same server takes writes.
    std::fs::remove_file(&filler).unwrap();
    assert_saved(&client, &address, "Grace", &server).await;
    let (_, _, html) = read(client.get(format!("{address}/")).send().await.unwrap()).await;
    assert!(html.contains("Grace Lovelace") && html.contains("2 students"));
    assert!(!server.log_text().contains("panicked"));
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A TCP relay between Roster and PostgreSQL that can be cut: the
/// database stopping, as Roster sees it (connections close, new ones are
/// refused), and starting again.
mod relay {
    use std::sync::{Arc, Mutex};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::JoinHandle;

    pub struct Relay {
        pub port: u16,
        target: String,
        tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
        acceptor: Option<JoinHandle<()>>,
    }

    impl Relay {
        pub async fn start(target: &str) -> Relay {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let mut relay = Relay {
                port,
                target: target.to_owned(),
                tasks: Arc::default(),
                acceptor: None,
            };
            relay.accept(listener);
            relay
        }

        fn accept(&mut self, listener: TcpListener) {
            let target = self.target.clone();
            let tasks = self.tasks.clone();
            self.acceptor = Some(tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let target = target.clone();
                    let task = tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    tasks.lock().unwrap().push(task);
                }
            }));
        }

        /// The database goes away: every connection closes, new ones are
        /// refused (nothing listens on the port).
        pub fn cut(&mut self) {
            if let Some(acceptor) = self.acceptor.take() {
                acceptor.abort();
            }
            for task in self.tasks.lock().unwrap().drain(..) {
                task.abort();
            }
        }

        /// The database is back on the same port.
        pub async fn restore(&mut self) {
            let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
            self.accept(listener);
        }
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://… and --include-ignored (scripts/test.sh runs it so)"]
async fn postgres_stopping_answers_503_within_two_seconds_and_roster_recovers() {
    assert!(using_postgres(), "needs TEST_DATABASE_URL=postgres://…");
    let admin = url::Url::parse(&std::env::var("TEST_DATABASE_URL").unwrap()).unwrap();
    let target = format!(
        "{}:{}",
        admin.host_str().unwrap(),
        admin.port().unwrap_or(5432)
    );
    let mut relay = relay::Relay::start(&target).await;
    let port = relay.port;
    let app = spawn_app_with(move |config| {
        let mut url = url::Url::parse(&config.database_url).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(port)).unwrap();
        config.database_url = url.to_string();
    })
    .await;
    let response = app
        .register(ADMIN, "admin@example.com", ADMIN_PASSWORD)
        .await;
    let client = app.client_with_cookie(&common::session_cookie(&response).unwrap());
    let get = |path: &str| {
        client
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
    };
    assert_eq!(get("/").await.unwrap().status().as_u16(), 200);

    relay.cut();
    for path in ["/", "/pets/", "/about/"] {
        let started = Instant::now();
        let (status, retry, html) = read(get(path).await.unwrap()).await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path} took {:?}",
            started.elapsed()
        );
        assert_readable_503(status, retry, &html);
        assert!(html.contains("<h1>Roster is unavailable</h1>"));
    }
    let started = Instant::now();
    let response = client
        .post(app.url("/create/"))
        .header("accept", "text/html")
        .form(&student_form("Ada", "Lovelace", "ada@example.com"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.status().as_u16(), 503);
    let started = Instant::now();
    let response = client
        .post(app.url("/api/students/create"))
        .form(&[("input[firstname]", "Ada")])
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!("Unavailable")
    );
    // Signed out: the sign-in form is a page of its own (no data), but
    // signing in needs the database.
    let started = Instant::now();
    let response = app
        .anonymous()
        .post(app.url("/login/"))
        .header("accept", "text/html")
        .form(&[("login", ADMIN), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.status().as_u16(), 503);
    let started = Instant::now();
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(health.status().as_u16(), 503, "not ready");

    // Back, without a restart.
    relay.restore().await;
    let started = Instant::now();
    loop {
        if get("/").await.unwrap().status().as_u16() == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let response = client
        .post(app.url("/create/"))
        .header("accept", "text/html")
        .form(&student_form("Ada", "Lovelace", "ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        reqwest::get(app.url("/healthz"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}
