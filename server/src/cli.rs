//! `roster serve | migrate | seed`.

use std::time::Instant;

use roster_app::service::accounts;
use roster_core::db::{AccountOrigin, Db, NewUser, SeedCounts};
use roster_core::domain::{Email, Password, Username};

use crate::config::Config;

pub const USAGE: &str = "\
Usage: roster [COMMAND]

Commands:
  serve             Run the web server (the default)
  migrate           Apply database migrations, then exit
  check             Check the database: SQLite's integrity and foreign keys,
                    every kept count against a fresh one; exit 1 if not sound
  backup PATH       Write a consistent copy of the SQLite database to the new
                    file PATH, while Roster serves (PostgreSQL: use pg_dump)
  restore PATH      Replace the SQLite database with the backup PATH, after
                    checking it; refused while a Roster server uses the
                    database. The replaced one is kept beside it.
  seed --sample     Add the tutorials' sample records: three students (John Doe,
                    Sammy Shark, Carl White), a few handlers, pets, comments,
                    courses and enrolments
  seed [--students N] [--handlers N] [--pets N] [--comments N] [--courses N] [--enrolments N]
                    Add made-up records, for trying things out and benchmarks
                    (--count N is --students N). Pets go to existing handlers,
                    comments to existing pets, enrolments pair existing
                    students with existing courses.
  user create --username NAME --email EMAIL [--admin]
                    Create an account (the first one is always an administrator).
                    The password is asked for twice on a terminal, or read as
                    one line from standard input when piped; never an argument.
  user set-password --username NAME
                    Give an account a new password (read like the above); its
                    sessions end.
  user make-admin|remove-admin|disable|enable --username NAME
                    Change an account's role, or whether it may sign in (a
                    disabled account's sessions end at once). Roster keeps at
                    least one active administrator.

Environment:
  DATABASE_URL              sqlite://roster.db (default) or postgres://user:password@host/db
  LEPTOS_SITE_ADDR          address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT          folder with the built site (default target/site)
  ROSTER_DB_MAX_CONNECTIONS database connections (default 4 on SQLite, 10 on PostgreSQL)
  ROSTER_OPEN_REGISTRATION  true/false: overrides the administrators' setting
  ROSTER_SESSION_IDLE_DAYS  sessions end after this many idle days (default 7)
  ROSTER_SECURE_COOKIE      auto (default: when X-Forwarded-Proto is https), true, false
  ROSTER_TRUST_PROXY        true: client address from X-Forwarded-For (behind a proxy)
  ROSTER_METRICS_TOKEN      lets a scraper read /metrics as `Authorization: Bearer TOKEN`
  ROSTER_LOG_FORMAT         text (default) or json (one object per line)
  RUST_LOG                  log filter (default info,sqlx=warn)";

/// Upper bound for `seed --count`, to catch a slip of the finger.
const MAX_SEED: u64 = 10_000_000;

/// What `roster user …` changes on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    MakeAdmin,
    RemoveAdmin,
    Disable,
    Enable,
}

impl AccountChange {
    fn flags(self) -> (Option<bool>, Option<bool>) {
        match self {
            AccountChange::MakeAdmin => (Some(true), None),
            AccountChange::RemoveAdmin => (Some(false), None),
            AccountChange::Disable => (None, Some(true)),
            AccountChange::Enable => (None, Some(false)),
        }
    }

    fn done(self) -> &'static str {
        match self {
            AccountChange::MakeAdmin => "is now an administrator",
            AccountChange::RemoveAdmin => "is no longer an administrator",
            AccountChange::Disable => "is disabled; its sessions have ended",
            AccountChange::Enable => "may sign in again",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Check,
    Backup(std::path::PathBuf),
    Restore(std::path::PathBuf),
    SeedSample,
    Seed(SeedCounts),
    UserCreate {
        username: String,
        email: String,
        admin: bool,
    },
    UserSetPassword {
        username: String,
    },
    UserChange {
        username: String,
        change: AccountChange,
    },
    Help,
    Version,
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
        ["check"] => Ok(Command::Check),
        ["backup", path] => Ok(Command::Backup(path.into())),
        ["restore", path] => Ok(Command::Restore(path.into())),
        ["backup" | "restore", ..] => Err("backup and restore take one PATH".into()),
        ["seed", "--sample"] => Ok(Command::SeedSample),
        ["seed", rest @ ..] => parse_seed(rest),
        ["user", "create", rest @ ..] => parse_user_create(rest),
        ["user", "set-password", "--username", name] => Ok(Command::UserSetPassword {
            username: name.to_string(),
        }),
        ["user", verb @ ("make-admin" | "remove-admin" | "disable" | "enable"), "--username", name] =>
        {
            let change = match *verb {
                "make-admin" => AccountChange::MakeAdmin,
                "remove-admin" => AccountChange::RemoveAdmin,
                "disable" => AccountChange::Disable,
                _ => AccountChange::Enable,
            };
            Ok(Command::UserChange {
                username: name.to_string(),
                change,
            })
        }
        ["user", ..] => Err(
            "user needs: create --username NAME --email EMAIL [--admin], or \
             set-password|make-admin|remove-admin|disable|enable --username NAME"
                .into(),
        ),
        ["-h" | "--help" | "help"] => Ok(Command::Help),
        ["-V" | "--version"] => Ok(Command::Version),
        [other, ..] => Err(format!("unknown command or arguments: {other:?}")),
    }
}

fn parse_user_create(args: &[&str]) -> Result<Command, String> {
    let (mut username, mut email, mut admin) = (None, None, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--admin" => admin = true,
            "--username" => username = args.next().map(|v| v.to_string()),
            "--email" => email = args.next().map(|v| v.to_string()),
            "--password" => {
                return Err(
                    "passwords are never taken as arguments (other users can see those); \
                     type it when asked or pipe it on standard input"
                        .into(),
                )
            }
            other => return Err(format!("user create: unknown argument {other:?}")),
        }
    }
    match (username, email) {
        (Some(username), Some(email)) => Ok(Command::UserCreate {
            username,
            email,
            admin,
        }),
        _ => Err("user create needs --username NAME and --email EMAIL".into()),
    }
}

/// `seed --students N --handlers N --pets N --comments N --courses N
/// --enrolments N` (any of them,
/// `--flag=N` too; `--count` is `--students`).
fn parse_seed(args: &[&str]) -> Result<Command, String> {
    let mut counts = SeedCounts::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, value) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (*arg, args.next().copied()),
        };
        let slot = match flag {
            "--count" | "--students" => &mut counts.students,
            "--handlers" => &mut counts.handlers,
            "--pets" => &mut counts.pets,
            "--comments" => &mut counts.comments,
            "--courses" => &mut counts.courses,
            "--enrolments" => &mut counts.enrolments,
            other => {
                return Err(format!(
                    "seed: unknown argument {other:?} (--sample, or --students/--handlers/--pets/--comments/--courses/--enrolments N)"
                ))
            }
        };
        let value = value.unwrap_or("");
        *slot = match value.parse::<u64>() {
            Ok(n) if (1..=MAX_SEED).contains(&n) => n,
            _ => {
                return Err(format!(
                    "{flag} takes a whole number from 1 to {MAX_SEED} (got {value:?})"
                ))
            }
        };
    }
    if counts == SeedCounts::default() {
        return Err(
            "seed needs --sample, or one of --students/--handlers/--pets/--comments/--courses/--enrolments N".into(),
        );
    }
    Ok(Command::Seed(counts))
}

async fn open_database(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url, &config.pool)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

pub async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Version => {
            println!("roster {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            println!("Database is up to date ({}).", db.backend().label());
            db.close().await;
            Ok(())
        }
        Command::Check => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let report = db.check().await.map_err(|e| e.to_string())?;
            db.close().await;
            if report.is_sound() {
                println!("Database is {report}.");
                Ok(())
            } else {
                Err(format!("the database is not sound:\n{report}"))
            }
        }
        Command::Backup(path) => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let started = Instant::now();
            let done = db.backup_into(&path).await;
            db.close().await;
            done.map_err(|e| e.to_string())?;
            let check = roster_core::db::check_file(&path)
                .await
                .map_err(|e| e.to_string())?;
            if !check.integrity.is_empty() {
                return Err(format!(
                    "the backup {} failed its integrity check: {}",
                    path.display(),
                    check.integrity.join("; ")
                ));
            }
            println!(
                "Backed up {} students and everything else to {} in {:.2} s.",
                check.students,
                path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore(path) => restore(&path).await,
        Command::SeedSample => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let report = db.seed_sample().await.map_err(|e| e.to_string())?;
            println!(
                "Added {} sample students ({} already there), {} handlers, {} pets, {} comments{}, \
                 {} courses and {} enrolments.",
                report.inserted,
                report.skipped,
                report.handlers,
                report.pets,
                report.comments,
                if report.no_author {
                    " (no account to write them yet)"
                } else {
                    ""
                },
                report.courses,
                report.enrolments
            );
            db.close().await;
            Ok(())
        }
        Command::Seed(counts) => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let started = Instant::now();
            let seed = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_micros() as u64)
                .unwrap_or(1);
            db.seed_fake(counts, seed)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Added {} students, {} handlers, {} pets, {} comments, {} courses and {} \
                 enrolments in {:.2} s.",
                counts.students,
                counts.handlers,
                counts.pets,
                counts.comments,
                counts.courses,
                counts.enrolments,
                started.elapsed().as_secs_f64()
            );
            db.close().await;
            Ok(())
        }
        Command::UserCreate {
            username,
            email,
            admin,
        } => {
            // Check the names before asking for a password.
            let username = Username::parse(&username).map_err(|e| format!("username: {e}"))?;
            let email = Email::parse(&email).map_err(|e| format!("email: {e}"))?;
            let password = read_password()?;
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let hash = accounts::hash_password(&password)
                .await
                .map_err(|e| e.to_string())?;
            let user = db
                .create_user(
                    &NewUser {
                        username: username.as_str(),
                        email: email.as_str(),
                        password_hash: &hash,
                    },
                    AccountOrigin::Command { admin },
                )
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Created {} {} (id {}).",
                if user.is_admin {
                    "administrator"
                } else {
                    "user"
                },
                user.username,
                user.id
            );
            db.close().await;
            Ok(())
        }
        Command::UserSetPassword { username } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let id = find_account(&db, &username).await?;
            let password = read_password()?;
            let hash = accounts::hash_password(&password)
                .await
                .map_err(|e| e.to_string())?;
            let ended = db
                .set_password(id, &hash, None)
                .await
                .map_err(|e| e.to_string())?;
            println!("New password set for {username}; {ended} session(s) ended.");
            db.close().await;
            Ok(())
        }
        Command::UserChange { username, change } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let id = find_account(&db, &username).await?;
            let (admin, disabled) = change.flags();
            db.set_account_flags(id, None, admin, disabled)
                .await
                .map_err(|e| match e {
                    roster_core::db::DbError::LastAdmin => {
                        "refused: Roster must keep at least one active administrator".to_owned()
                    }
                    other => other.to_string(),
                })?;
            println!("{username} {}.", change.done());
            db.close().await;
            Ok(())
        }
        Command::Serve => serve().await,
    }
}

async fn find_account(db: &Db, username: &str) -> Result<i64, String> {
    db.user_id(username)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no account named {username:?}"))
}

/// The new account's password: asked twice on a terminal (not echoed), or
/// one line of standard input otherwise.
fn read_password() -> Result<Password, String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        Password::parse(&first)?;
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if again != first {
            return Err("the two passwords differ".into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    Password::parse(&password).map_err(|e| format!("password: {e}"))
}

async fn serve() -> Result<(), String> {
    let config = Config::from_env()?;
    // Held while serving: `roster restore` will not replace the file.
    let _in_use = hold_database(&config.database_url)?;
    let db = open_database(&config).await?;
    let router = crate::build_router(&config, db.clone())
        .map_err(|e| format!("cannot load the site files: {e}"))?;
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    tracing::info!(
        "Roster is running on http://{} (database: {})",
        config.site_addr,
        db.backend().label()
    );
    if db.count_users().await.is_ok_and(|n| n == 0) {
        tracing::info!(
            "No accounts yet: register at http://{}/register/ (the first account \
             becomes the administrator), or run `roster user create --username NAME \
             --email EMAIL --admin`",
            config.site_addr
        );
    }
    // On SIGTERM or Ctrl-C: stop accepting, let the requests in flight
    // finish, but not for longer than DRAIN.
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("stopping: no new connections; finishing requests in flight");
            stopping.notify_one();
        }
    };
    let server = crate::serve(listener, router, signal);
    tokio::pin!(server);
    let served = tokio::select! {
        served = &mut server => served,
        _ = stopping.notified() => match tokio::time::timeout(DRAIN, &mut server).await {
            Ok(served) => served,
            Err(_) => {
                tracing::warn!("requests still running after {} s: stopping anyway", DRAIN.as_secs());
                Ok(())
            }
        },
    };
    served.map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    tracing::info!("Roster stopped");
    Ok(())
}

/// A shared lock on the SQLite file for as long as the server runs (SQLite's
/// own locks are of another kind and not affected).
fn hold_database(database_url: &str) -> Result<Option<std::fs::File>, String> {
    if roster_core::db::Backend::of_url(database_url).map_err(|e| e.to_string())?
        != roster_core::db::Backend::Sqlite
    {
        return Ok(None);
    }
    let Some(path) = roster_core::db::sqlite_file(database_url).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let Ok(file) = std::fs::File::open(&path) else {
        // Not created yet: nothing to restore over.
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err("a restore is replacing the database right now; start again once it is done".into())
        }
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!(error = %e, "cannot lock the database file");
            Ok(None)
        }
    }
}

/// `roster restore PATH`: checks the backup, then puts it in place of the
/// database file, keeping the replaced one (and its WAL) beside it.
async fn restore(backup: &std::path::Path) -> Result<(), String> {
    let config = Config::from_env()?;
    let Some(target) =
        roster_core::db::sqlite_file(&config.database_url).map_err(|e| e.to_string())?
    else {
        return Err(
            "restore replaces a SQLite file; for PostgreSQL use pg_restore (see the README)".into(),
        );
    };
    let check = roster_core::db::check_file(backup)
        .await
        .map_err(|e| e.to_string())?;
    if !check.integrity.is_empty() {
        return Err(format!(
            "{} failed its integrity check, nothing was changed: {}",
            backup.display(),
            check.integrity.join("; ")
        ));
    }
    let newest = check.migrations.iter().copied().max();
    match newest {
        None => {
            return Err(format!(
                "{} is not a Roster database, nothing was changed",
                backup.display()
            ))
        }
        Some(version) if version > roster_core::db::latest_migration() => {
            return Err(format!(
                "{} comes from a newer Roster, nothing was changed",
                backup.display()
            ))
        }
        Some(_) => {}
    }
    // Nobody may use the database meanwhile: every server holds a shared
    // lock on it.
    let _lock = match std::fs::File::open(&target) {
        Ok(file) => match file.try_lock() {
            Ok(()) => Some(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "{} is in use by a running Roster server: stop it first, nothing was changed",
                    target.display()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", target.display()))
            }
        },
        Err(_) => None,
    };
    let with_suffix = |path: &std::path::Path, suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    let incoming = with_suffix(&target, ".restoring");
    std::fs::copy(backup, &incoming).map_err(|e| format!("cannot copy the backup: {e}"))?;
    std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot write the copy: {e}"))?;
    let kept = with_suffix(&target, ".before-restore");
    let mut kept_note = String::new();
    if target.exists() {
        std::fs::rename(&target, &kept).map_err(|e| format!("cannot move the old file: {e}"))?;
        let old = roster_core::db::companion_files(&target);
        let moved = roster_core::db::companion_files(&kept);
        for (from, to) in old.iter().zip(moved.iter()) {
            let _ = std::fs::remove_file(to);
            if from.exists() {
                std::fs::rename(from, to)
                    .map_err(|e| format!("cannot move {}: {e}", from.display()))?;
            }
        }
        kept_note = format!(" The database it replaced is kept as {}.", kept.display());
    }
    std::fs::rename(&incoming, &target)
        .map_err(|e| format!("cannot put the backup in place: {e}"))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    // Brought up to this version's schema, as a server would on start.
    let db = open_database(&config).await?;
    db.close().await;
    println!(
        "Restored {} ({} students) into {}.{kept_note}",
        backup.display(),
        check.students,
        target.display()
    );
    Ok(())
}

/// How long a stopping server lets requests in flight finish.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&args(&[])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["serve"])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(parse(&args(&["seed", "--sample"])), Ok(Command::SeedSample));
        assert_eq!(
            parse(&args(&["seed", "--count", "100000"])),
            Ok(Command::Seed(SeedCounts {
                students: 100_000,
                ..Default::default()
            }))
        );
        assert_eq!(
            parse(&args(&[
                "seed",
                "--handlers=5",
                "--pets",
                "50",
                "--comments",
                "7"
            ])),
            Ok(Command::Seed(SeedCounts {
                handlers: 5,
                pets: 50,
                comments: 7,
                ..Default::default()
            }))
        );
        assert_eq!(
            parse(&args(&[
                "user",
                "create",
                "--admin",
                "--username",
                "ada",
                "--email",
                "a@b.c"
            ])),
            Ok(Command::UserCreate {
                username: "ada".into(),
                email: "a@b.c".into(),
                admin: true
            })
        );
    }

    #[test]
    fn parses_backup_and_restore() {
        assert_eq!(
            parse(&args(&["backup", "/tmp/copy.db"])),
            Ok(Command::Backup("/tmp/copy.db".into()))
        );
        assert_eq!(
            parse(&args(&["restore", "copy.db"])),
            Ok(Command::Restore("copy.db".into()))
        );
        assert!(parse(&args(&["backup"])).unwrap_err().contains("one PATH"));
        assert!(parse(&args(&["restore", "a", "b"]))
            .unwrap_err()
            .contains("one PATH"));
    }

    #[test]
    fn parses_account_changes() {
        assert_eq!(
            parse(&args(&["user", "disable", "--username", "ada"])),
            Ok(Command::UserChange {
                username: "ada".into(),
                change: AccountChange::Disable
            })
        );
        assert_eq!(
            parse(&args(&["user", "set-password", "--username", "ada"])),
            Ok(Command::UserSetPassword {
                username: "ada".into()
            })
        );
    }

    #[test]
    fn refuses_bad_arguments() {
        assert!(parse(&args(&["seed"])).unwrap_err().contains("--sample"));
        assert!(parse(&args(&["seed", "--count", "many"]))
            .unwrap_err()
            .contains("whole number"));
        assert!(parse(&args(&["seed", "--count", "0"])).is_err());
        assert!(parse(&args(&["seed", "--pets"]))
            .unwrap_err()
            .contains("whole number"));
        assert!(parse(&args(&["seed", "--dogs", "3"]))
            .unwrap_err()
            .contains("--dogs"));
        assert!(parse(&args(&["user", "create", "--username", "ada"]))
            .unwrap_err()
            .contains("--email"));
        assert!(parse(&args(&[
            "user",
            "create",
            "--username",
            "a",
            "--email",
            "e",
            "--password",
            "p"
        ]))
        .unwrap_err()
        .contains("never taken as arguments"));
        assert!(parse(&args(&["user", "disable"]))
            .unwrap_err()
            .contains("--username"));
        assert!(parse(&args(&[
            "user",
            "set-password",
            "--username",
            "a",
            "--password",
            "x"
        ]))
        .is_err());
        assert!(parse(&args(&["frobnicate"]))
            .unwrap_err()
            .contains("frobnicate"));
    }
}
