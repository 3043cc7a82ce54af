//! The `roster` binary's commands, run as a user would run them.

use std::process::Command;

use roster_core::domain::{Action, Kind};

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
    assert!(
        out.contains("3 handlers, 5 pets, 0 comments (no account to write them yet), 3 courses and 4 enrolments"),
        "{out}"
    );
    let (_, out, _) = roster(&["seed", "--sample"], &url);
    assert!(
        out.contains(
            "Added 0 sample students (3 already there), 0 handlers, 0 pets, 0 comments, \
             0 courses and 0 enrolments"
        ),
        "{out}"
    );

    // Bulk records of every kind, comments by a disabled stand-in author
    // when there is no account yet.
    let (code, out, err) = roster(
        &[
            "seed",
            "--handlers",
            "40",
            "--pets",
            "300",
            "--comments",
            "500",
            "--students",
            "400",
            "--courses",
            "30",
            "--enrolments",
            "2000",
            "--history",
            "1500",
        ],
        &url,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "40 handlers, 300 pets, 500 comments, 30 courses, 2000 enrolments and 1500 history entries"
        ),
        "{out}"
    );
    // More enrolments than there are free places: refused, nothing written.
    let (code, _, err) = roster(&["seed", "--courses", "1", "--enrolments", "100000"], &url);
    assert_eq!(code, 1);
    assert!(err.contains("need more room"), "{err}");
    let (code, _, err) = roster(&["seed", "--pets", "5", "--dogs", "3"], &url);
    assert_eq!(code, 2);
    assert!(err.contains("--dogs"), "{err}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = roster_core::db::Db::connect(&url, &Default::default())
            .await
            .unwrap();
        // No course over its capacity, no pair twice (the unique index
        // would have refused the insert), nothing broken.
        let report = db.check().await.unwrap();
        assert!(report.is_sound(), "{report}");
        assert!(report.checked >= 12, "{report:?}");
        // The first student has a thousand of the made-up entries, each
        // an edit, the newest last.
        let first = db.history(Kind::Student, 1, 1000, 0).await.unwrap();
        assert!(first.total >= 1000, "{}", first.total);
        assert!(first
            .rows
            .iter()
            .all(|e| e.action() == Some(Action::Edited)));
        assert!(first.rows.windows(2).all(|w| w[0].at >= w[1].at));
        // Nobody can sign in as the stand-in author.
        let writer = db.find_login("sample-writer").await.unwrap().unwrap();
        assert!(writer.disabled);
        db.close().await;
    });

    let (code, out, _) = roster(&["seed", "--count", "2500"], &url);
    assert_eq!(code, 0);
    assert!(out.contains("Added 2500 students"), "{out}");
    let (code, out, err) = roster(&["check"], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sound: integrity ok"), "{out}");
    // A counter set wrong behind Roster's back is found and named.
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("UPDATE courses SET enrolled = enrolled + 1 WHERE id = 1")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    });
    let (code, _, err) = roster(&["check"], &url);
    assert_eq!(code, 1);
    assert!(err.contains("courses.enrolled: wrong on 1 rows"), "{err}");
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
    assert!(out.contains("seed [--students N] [--handlers N] [--pets N] [--comments N]"));
}

fn roster_with_stdin(args: &[&str], database_url: &str, stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run roster");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_create_makes_accounts_with_hashed_passwords() {
    let (dir, url) = temp_db();
    let password = "a long admin password";
    let create = [
        "user",
        "create",
        "--username",
        "boss",
        "--email",
        "boss@example.com",
    ];
    let (code, out, err) = roster_with_stdin(
        &[&create[..], &["--admin"]].concat(),
        &url,
        &format!("{password}\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Created administrator boss"), "{out}");
    assert!(
        !out.contains(password) && !err.contains(password),
        "never printed"
    );

    // A second account: not an administrator unless asked.
    let (code, out, err) = roster_with_stdin(
        &[
            "user",
            "create",
            "--username",
            "clerk",
            "--email",
            "clerk@example.com",
        ],
        &url,
        "another long password\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Created user clerk"), "{out}");

    // Taken names, bad passwords and passwords as arguments are refused.
    let (code, _, err) = roster_with_stdin(&create, &url, "yet another password\n");
    assert_eq!(code, 1);
    assert!(err.contains("username: That username is taken."), "{err}");
    let (code, _, err) = roster_with_stdin(
        &[
            "user",
            "create",
            "--username",
            "shorty",
            "--email",
            "s@example.com",
        ],
        &url,
        "short\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("at least 10"), "{err}");
    let (code, _, err) = roster(
        &[
            "user",
            "create",
            "--username",
            "x1x",
            "--email",
            "x@e.com",
            "--password",
            "p",
        ],
        &url,
    );
    assert_eq!(code, 2);
    assert!(err.contains("never taken as arguments"), "{err}");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = roster_core::db::Db::connect(&url, &Default::default())
            .await
            .unwrap();
        let boss = db.find_login("BOSS").await.unwrap().unwrap();
        assert!(boss.user.is_admin);
        let hash = boss.password_hash;
        assert!(hash.starts_with("$argon2id$") && !hash.contains(password));
        let clerk = db.find_login("clerk@example.com").await.unwrap().unwrap();
        assert!(!clerk.user.is_admin);
        // Every account has its details row, named after it at first.
        assert_eq!(clerk.user.display_name, "clerk");
        db.close().await;
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn operators_change_accounts_without_the_web_page() {
    let (dir, url) = temp_db();
    let create = |name: &str, admin: bool| {
        let email = format!("{name}@example.com");
        let mut args = vec![
            "user",
            "create",
            "--username",
            name,
            "--email",
            email.as_str(),
        ];
        if admin {
            args.push("--admin");
        }
        let (code, _, err) = roster_with_stdin(&args, &url, "first long password\n");
        assert_eq!(code, 0, "{err}");
    };
    create("boss", true);
    create("clerk", false);
    let change = |verb: &str, name: &str| roster(&["user", verb, "--username", name], &url);
    // The only administrator stays one.
    let (code, _, err) = change("remove-admin", "boss");
    assert_eq!(code, 1);
    assert!(err.contains("at least one active administrator"), "{err}");
    let (code, _, err) = change("disable", "boss");
    assert_eq!(code, 1, "{err}");
    let (code, out, _) = change("make-admin", "clerk");
    assert_eq!(code, 0);
    assert!(out.contains("clerk is now an administrator"), "{out}");
    let (code, out, _) = change("disable", "boss");
    assert_eq!(code, 0);
    assert!(out.contains("boss is disabled"), "{out}");
    let (code, _, err) = change("enable", "nobody");
    assert_eq!(code, 1);
    assert!(err.contains("no account named"), "{err}");
    // A role by its name, any case; an unknown one lists those there are.
    create("tess", false);
    let (code, out, err) = roster(&["user", "set-role", "Teacher", "--username", "tess"], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("tess is now a teacher"), "{out}");
    let (code, _, err) = roster(&["user", "set-role", "dean", "--username", "tess"], &url);
    assert_eq!(code, 1);
    assert!(
        err.contains("no role \"dean\": choose one of administrator, clerk, teacher, viewer"),
        "{err}"
    );
    // A new password, read from standard input, never an argument.
    let (code, out, err) = roster_with_stdin(
        &["user", "set-password", "--username", "clerk"],
        &url,
        "second long password\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("New password set for clerk"), "{out}");
    let (code, _, err) = roster_with_stdin(
        &["user", "set-password", "--username", "clerk"],
        &url,
        "short\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("at least 10"), "{err}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = roster_core::db::Db::connect(&url, &Default::default())
            .await
            .unwrap();
        let boss = db.find_login("boss").await.unwrap().unwrap();
        assert!(boss.disabled);
        let clerk = db.find_login("clerk").await.unwrap().unwrap();
        assert!(clerk.user.is_admin && !clerk.disabled);
        let hash = clerk.password_hash;
        assert!(hash.starts_with("$argon2id$") && !hash.contains("second"));
        db.close().await;
    });
    std::fs::remove_dir_all(dir).unwrap();
}

/// `roster --help` and the README's "Command line" and "Configuration"
/// sections name the same commands and the same variables.
#[test]
fn help_and_readme_name_the_same_commands_and_variables() {
    let (code, help, _) = roster(&["--help"], "sqlite::memory:");
    assert_eq!(code, 0);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = |title: &str| {
        let start = readme.find(title).unwrap_or_else(|| panic!("no {title}"));
        let rest = &readme[start + title.len()..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
    };
    // Commands: the first word or two after "roster " in the README, the
    // indented command lines of the help.
    let readme_commands: std::collections::BTreeSet<String> = section("### Command line")
        .lines()
        .filter_map(|line| line.strip_prefix("roster "))
        .map(|rest| match rest.strip_prefix("[serve]") {
            Some(_) => "serve".to_owned(),
            None => command_words(rest),
        })
        .collect();
    let help_commands: std::collections::BTreeSet<String> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Environment:")
        .next()
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .map(|line| command_words(line.trim()))
        .collect();
    assert_eq!(readme_commands, help_commands);
    // Variables: every one in the help's list is in the README's table,
    // and the other way round.
    let names = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
            .filter(|w| {
                (w.starts_with("ROSTER_") || w.starts_with("LEPTOS_SITE_"))
                    || *w == "DATABASE_URL"
                    || *w == "RUST_LOG"
            })
            .map(str::to_owned)
            .collect()
    };
    let help_vars = names(help.split("Environment:").nth(1).unwrap());
    let readme_vars = names(&section("## Configuration"));
    assert_eq!(help_vars, readme_vars);
}

/// A command's words (`user make-admin|remove-admin…`, `seed`, `backup`):
/// before the description (two spaces), up to the first option or
/// placeholder.
fn command_words(line: &str) -> String {
    let head = line.split("  ").next().unwrap_or("");
    let words: Vec<&str> = head
        .split_whitespace()
        .take_while(|w| {
            !w.starts_with('-')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c == '|')
        })
        .take(2)
        .collect();
    words.join(" ")
}

#[test]
fn history_prune_removes_the_entries_before_a_day_and_no_record() {
    let (dir, url) = temp_db();
    let create = [
        "user",
        "create",
        "--username",
        "ops",
        "--email",
        "ops@example.com",
    ];
    let (code, _, err) = roster_with_stdin(&create, &url, "first long password\n");
    assert_eq!(code, 0, "{err}");
    let prune = |day: &str| roster(&["history", "prune", "--before", day], &url);
    let (code, out, err) = prune("2000-01-01");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Removed 0 changes recorded before 2000-01-01."),
        "{out}"
    );
    let (code, out, _) = prune("2999-01-01");
    assert_eq!(code, 0);
    assert!(
        out.contains("Removed 1 change recorded before 2999-01-01."),
        "{out}"
    );
    let (code, out, _) = prune("2999-01-01");
    assert!(code == 0 && out.contains("Removed 0 changes"), "{out}");
    // The account is still there.
    let (code, out, _) = roster(&["user", "make-admin", "--username", "ops"], &url);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = prune("2026-02-30");
    assert_eq!(code, 2);
    assert!(err.contains("history prune --before"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn export_writes_every_matching_row_of_a_list_as_a_file() {
    let (_dir, url) = temp_db();
    assert_eq!(roster(&["seed", "--sample"], &url).0, 0);
    let (code, out, err) = roster(&["export", "students", "--query", "q=sammy"], &url);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Exported 1 rows of students"), "{err}");
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(lines[0], "\u{feff}id,firstname,lastname,email,age,bio");
    assert!(
        lines[1].contains(",Sammy,Shark,sammyshark@example.com,"),
        "{out}"
    );
    assert_eq!(
        lines.len(),
        3,
        "the header, one row and the last line end: {out:?}"
    );

    let (code, out, _) = roster(
        &["export", "pets", "--query", "category=dog&sort=name"],
        &url,
    );
    assert_eq!(code, 0);
    assert_eq!(out.matches("\r\n").count(), 3, "two dogs: {out}");

    let file = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["export", "courses", "--format", "xlsx"])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(file.status.success());
    assert!(file.stdout.starts_with(b"PK\x03\x04"), "a zip: an .xlsx");
    assert!(String::from_utf8_lossy(&file.stderr).contains("Exported 3 rows of courses"));

    let (code, _, err) = roster(&["export", "grades"], &url);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no list named \"grades\""), "{err}");
    let (code, _, err) = roster(&["export", "students", "--format", "pdf"], &url);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("csv or xlsx"), "{err}");
}

#[test]
fn import_reports_every_row_and_writes_only_without_dry_run() {
    let (dir, url) = temp_db();
    assert_eq!(roster(&["seed", "--sample"], &url).0, 0);
    let file = dir.join("class.csv");
    std::fs::write(
        &file,
        "email,firstname,lastname,age\njd@example.com,John,Doe,30\nada@example.org,Ada,Lovelace,36\nbad,Bad,Email,\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (code, out, err) = roster(&["import", "students", path, "--dry-run"], &url);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("class.csv: 1 new, 1 to update, 0 unchanged, 1 with errors."),
        "{out}"
    );
    assert!(out.contains("line 4: email: "), "{out}");
    assert!(out.contains("Dry run: nothing was written."), "{out}");
    let (_, csv, _) = roster(&["export", "students", "--query", "q=ada"], &url);
    assert!(!csv.contains("ada@example.org"), "nothing written: {csv}");

    let (code, out, _) = roster(&["import", "students", path, "--all-or-nothing"], &url);
    assert_eq!(code, 1, "{out}");
    let (code, out, err) = roster(&["import", "students", path], &url);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("added 1, updated 1; 1 rows with errors were left out."),
        "{out}"
    );
    let (_, csv, _) = roster(&["export", "students", "--query", "q=example"], &url);
    assert!(csv.contains(",Ada,Lovelace,ada@example.org,36,"), "{csv}");
    assert!(csv.contains(",John,Doe,jd@example.com,30,"), "{csv}");

    // A class list, by course code and student email.
    let class = dir.join("bio.csv");
    std::fs::write(
        &class,
        "course_code,student_email,grade\nBIO-101,ada@example.org,70\nBIO-101,jd@example.com,90\n",
    )
    .unwrap();
    let (code, out, err) = roster(&["import", "enrolments", class.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added 1, updated 1;"), "{out}");
    let (code, out, _) = roster(
        &["import", "enrolments", class.to_str().unwrap(), "--dry-run"],
        &url,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("bio.csv: 0 new, 0 to update, 2 unchanged, 0 with errors."),
        "written: {out}"
    );

    let (code, _, err) = roster(&["import", "grades", path], &url);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = roster(&["import", "students", "/nonexistent.csv"], &url);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent.csv"), "{err}");
}
