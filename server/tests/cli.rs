//! The `roster` binary's commands, run as a user would run them.

use std::process::Command;

fn roster(args: &[&str], database_url: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run roster");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_db() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "roster-cli-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("cli.db").display());
    (dir, url)
}

#[test]
fn migrate_and_seed_create_the_database_file() {
    let (dir, url) = temp_db();
    let (code, out, err) = roster(&["migrate"], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("up to date (SQLite)"));
    assert!(dir.join("cli.db").exists());

    let (code, out, _) = roster(&["seed", "--sample"], &url);
    assert_eq!(code, 0);
    assert!(out.contains("Added 3 sample students"), "{out}");
    let (_, out, _) = roster(&["seed", "--sample"], &url);
    assert!(
        out.contains("Added 0 sample students (3 already there)"),
        "{out}"
    );

    let (code, out, _) = roster(&["seed", "--count", "2500"], &url);
    assert_eq!(code, 0);
    assert!(out.contains("Added 2500 students"), "{out}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_urls_and_unreachable_databases_get_clear_errors_without_secrets() {
    let (code, _, err) = roster(&["migrate"], "mysql://root:hunter2@localhost/db");
    assert_eq!(code, 1);
    assert!(
        err.contains("DATABASE_URL must start with sqlite: or postgres://"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");

    let (code, _, err) = roster(&["migrate"], "postgres://roster:hunter2@127.0.0.1:1/roster");
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot reach the PostgreSQL database at 127.0.0.1:1/roster"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");

    let (code, _, err) = roster(&["migrate"], "sqlite:///nonexistent-dir/x/roster.db");
    assert_eq!(code, 1);
    assert!(err.contains("cannot open the SQLite database"), "{err}");
}

#[test]
fn usage_errors_exit_with_2() {
    let (code, _, err) = roster(&["seed", "--count", "lots"], "sqlite::memory:");
    assert_eq!(code, 2);
    assert!(
        err.contains("whole number") && err.contains("Usage: roster"),
        "{err}"
    );
    let (code, out, _) = roster(&["--help"], "sqlite::memory:");
    assert_eq!(code, 0);
    assert!(out.contains("seed --count N"));
}
