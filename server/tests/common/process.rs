//! The `roster` binary as a process of its own, for what an in-process app
//! cannot show: `kill -9`, SIGTERM, a read-only or full disk.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub address: String,
    pub log: PathBuf,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A temporary folder of the test's own, with a site root in it.
pub fn work_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "roster-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    super::write_site(&dir);
    dir
}

/// Runs `roster ARGS` to the end (migrate, seed, user create…), with
/// `stdin` as its input; panics unless it succeeds.
/// The clerk's password in tests that drive the real binary.
pub const CLERK_PASSWORD: &str = "clerk password 123";

/// Creates the account `clerk` (an administrator if `admin`) through
/// `roster user create`, the password on standard input.
pub fn create_clerk(database_url: &str, admin: bool) {
    let mut args = vec![
        "user",
        "create",
        "--username",
        "clerk",
        "--email",
        "clerk@example.com",
    ];
    if admin {
        args.push("--admin");
    }
    roster(database_url, &args, &format!("{CLERK_PASSWORD}\n"));
}

pub fn roster(database_url: &str, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "roster {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Server {
    /// Starts `roster serve` on `database_url` in `dir` (its site root and
    /// log), optionally through `wrapper` (a command line that ends by
    /// running the program given after it, like `unshare`), and waits until
    /// it answers.
    pub async fn start(dir: &Path, database_url: &str, wrapper: &[&str]) -> Server {
        Self::start_with(dir, database_url, wrapper, &[]).await
    }

    /// [`Server::start`] with environment variables of the caller's
    /// (`RUST_LOG` among them, over the default).
    pub async fn start_with(
        dir: &Path,
        database_url: &str,
        wrapper: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let port = free_port();
        let log = dir.join(format!("server-{port}.log"));
        let bin = env!("CARGO_BIN_EXE_roster");
        let mut command = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut command = Command::new(program);
                command.args(rest).arg(bin);
                command
            }
            None => Command::new(bin),
        };
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ROOT", dir.join("site"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info,sqlx=warn")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::options().append(true).open(&log).unwrap());
        let child = command.spawn().expect("start roster");
        let mut server = Server {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = client.get(format!("{}/healthz", self.address)).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("roster exited with {status}: {}", self.log_text());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "roster did not answer: {}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill_hard(&mut self) {
        self.signal("KILL");
        let _ = self.child.wait();
    }

    /// SIGTERM, as a service manager stops a server.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// The exit status, if the process ends within `limit`.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs in at `address` through the form; the session cookie
/// (`roster_session=…`).
pub async fn sign_in(address: &str, login: &str, password: &str) -> String {
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = anonymous
        .post(format!("{address}/login/"))
        .header("origin", address)
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "signing in as {login}");
    super::session_cookie(&response).expect("a session cookie")
}

/// A browser without JavaScript at `address`, holding `cookie`: `Origin`
/// on every request, redirects not followed.
pub fn browser(address: &str, cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", address.parse().unwrap());
    headers.insert("cookie", cookie.parse().unwrap());
    headers.insert("accept", "text/html".parse().unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .default_headers(headers)
        .build()
        .unwrap()
}
