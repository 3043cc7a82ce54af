//! The command line's words, read into a [`Command`] (nothing runs here).

use roster_core::db::SeedCounts;
use roster_core::domain::role::BuiltinRole;

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
       [--history N]
                    Add made-up records, for trying things out and benchmarks
                    (--count N is --students N). Pets go to existing handlers,
                    comments to existing pets, enrolments pair existing
                    students with existing courses; history entries are edits
                    of existing records over the past minutes to years (the
                    first student gets 1,000 of them).
  user create --username NAME --email EMAIL [--admin]
                    Create an account (the first one is always an administrator).
                    The password is asked for twice on a terminal, or read as
                    one line from standard input when piped; never an argument.
  user set-password --username NAME
                    Give an account a new password (read like the above); its
                    sessions end.
  user set-role ROLE --username NAME     (administrator, clerk, teacher, viewer
                                         or a role added on /roles/)
  user make-admin|remove-admin|disable|enable --username NAME
                    Change an account's role, or whether it may sign in (a
                    disabled account's sessions end at once). Roster keeps at
                    least one active administrator.
  export LIST [--format csv|xlsx] [--query QUERY]
                    Write every row of a list (students, courses, handlers,
                    pets, messages, accounts, activity) to standard output as
                    CSV (the default) or Excel: the rows QUERY matches, a
                    list page's query string (--query 'q=ada&sort=name').
  import KIND FILE [--dry-run] [--all-or-nothing]
                    Bring in students, courses, enrolments (a class list:
                    course code, student email, grade), handlers or pets from
                    a CSV or Excel file (the columns an export has): every row
                    checked as the form checks it, matched by id or by
                    email/code, then written in one transaction; --dry-run
                    only reports.
  history prune --before DAY
                    Delete the history entries recorded before DAY (YYYY-MM-DD,
                    UTC). The records themselves are not touched.

Environment:
  DATABASE_URL              sqlite://roster.db (default) or postgres://user:password@host/db
  LEPTOS_SITE_ADDR          address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT          folder with the built site (default target/site)
  ROSTER_DB_MAX_CONNECTIONS database connections (default 4 on SQLite, 10 on PostgreSQL)
  ROSTER_OPEN_REGISTRATION  true/false: overrides the administrators' setting
  ROSTER_SESSION_IDLE_DAYS  sessions end after this many idle days (default 7)
  ROSTER_TRASH_DAYS         deleted records stay in the trash this many days (default 30)
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
    /// The role id and the disabled flag to set (`None`: unchanged).
    pub(super) fn flags(self) -> (Option<i64>, Option<bool>) {
        match self {
            AccountChange::MakeAdmin => (Some(BuiltinRole::Administrator.id()), None),
            AccountChange::RemoveAdmin => (Some(BuiltinRole::Clerk.id()), None),
            AccountChange::Disable => (None, Some(true)),
            AccountChange::Enable => (None, Some(false)),
        }
    }

    pub(super) fn done(self) -> String {
        match self {
            AccountChange::MakeAdmin => "is now an administrator".into(),
            AccountChange::RemoveAdmin => "is no longer an administrator (now a clerk)".into(),
            AccountChange::Disable => "is disabled; its sessions have ended".into(),
            AccountChange::Enable => "may sign in again".into(),
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
    /// Gives an account a role, by the role's name (any case).
    UserSetRole {
        username: String,
        role: String,
    },
    UserChange {
        username: String,
        change: AccountChange,
    },
    HistoryPrune {
        before: roster_core::domain::Date,
    },
    Import {
        kind: roster_core::domain::import::ImportKind,
        file: std::path::PathBuf,
        dry_run: bool,
        all: bool,
    },
    Export {
        list: String,
        format: roster_core::domain::export::FileFormat,
        query: String,
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
        ["user", "set-role", role, "--username", name] => Ok(Command::UserSetRole {
            username: name.to_string(),
            role: role.to_string(),
        }),
        ["user", ..] => Err(
            "user needs: create --username NAME --email EMAIL [--admin], \
             set-role ROLE --username NAME, or \
             set-password|make-admin|remove-admin|disable|enable --username NAME"
                .into(),
        ),
        ["history", "prune", "--before", day] => roster_core::domain::Date::parse(day)
            .map(|before| Command::HistoryPrune { before })
            .map_err(|e| format!("history prune --before: {e}")),
        ["history", ..] => Err("history needs: prune --before YYYY-MM-DD".into()),
        ["export", list, rest @ ..] if !list.starts_with('-') => parse_export(list, rest),
        ["import", kind, file, rest @ ..] if !file.starts_with('-') => {
            let kind = roster_core::domain::import::ImportKind::parse(kind).ok_or_else(|| {
                format!("import: students, courses, enrolments, handlers or pets (got {kind:?})")
            })?;
            let (mut dry_run, mut all) = (false, false);
            for arg in rest {
                match *arg {
                    "--dry-run" => dry_run = true,
                    "--all-or-nothing" => all = true,
                    other => return Err(format!("import: unknown argument {other:?}")),
                }
            }
            Ok(Command::Import {
                kind,
                file: file.into(),
                dry_run,
                all,
            })
        }
        ["import", ..] => Err(
            "import needs KIND FILE: students, courses, enrolments, handlers or pets, \
             and a .csv or .xlsx file"
                .into(),
        ),
        ["export", ..] => Err("export needs a LIST: students, courses, handlers, pets, \
             messages, accounts or activity"
            .into()),
        ["-h" | "--help" | "help"] => Ok(Command::Help),
        ["-V" | "--version"] => Ok(Command::Version),
        [other, ..] => Err(format!("unknown command or arguments: {other:?}")),
    }
}

fn parse_export(list: &str, args: &[&str]) -> Result<Command, String> {
    use roster_core::domain::export::FileFormat;
    let (mut format, mut query) = (FileFormat::Csv, String::new());
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--format" => {
                let value = args.next().copied().unwrap_or("");
                format = FileFormat::parse(value)
                    .ok_or_else(|| format!("export --format: csv or xlsx (got {value:?})"))?;
            }
            "--query" => query = args.next().map(|v| v.to_string()).unwrap_or_default(),
            other => return Err(format!("export: unknown argument {other:?}")),
        }
    }
    Ok(Command::Export {
        list: list.to_owned(),
        format,
        query,
    })
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
            "--history" => &mut counts.history,
            other => {
                return Err(format!(
                    "seed: unknown argument {other:?} (--sample, or --students/--handlers/--pets/--comments/--courses/--enrolments/--history N)"
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
            "seed needs --sample, or one of --students/--handlers/--pets/--comments/--courses/--enrolments/--history N".into(),
        );
    }
    Ok(Command::Seed(counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_export() {
        use roster_core::domain::export::FileFormat;
        assert_eq!(
            parse(&args(&[
                "export", "students", "--format", "xlsx", "--query", "q=ada"
            ])),
            Ok(Command::Export {
                list: "students".into(),
                format: FileFormat::Xlsx,
                query: "q=ada".into(),
            })
        );
        assert_eq!(
            parse(&args(&["export", "pets"])),
            Ok(Command::Export {
                list: "pets".into(),
                format: FileFormat::Csv,
                query: String::new(),
            })
        );
        assert!(parse(&args(&["export", "students", "--format", "pdf"])).is_err());
        assert!(parse(&args(&["export"])).is_err());
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&args(&[])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["serve"])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(parse(&args(&["seed", "--sample"])), Ok(Command::SeedSample));
        assert_eq!(
            parse(&args(&["seed", "--history", "1000000"])),
            Ok(Command::Seed(SeedCounts {
                history: 1_000_000,
                ..Default::default()
            }))
        );
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
