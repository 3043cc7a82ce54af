//! The `roster` command line: `serve`, `migrate`, `check`, `seed`,
//! `backup`, `restore`, `user …`. Parsing is in `parse.rs`, the server's
//! life in `serve.rs`, putting a backup in place in `restore.rs`.

mod parse;
mod restore;
mod serve;

use std::time::Instant;

use roster_app::service::accounts;
use roster_core::db::{AccountOrigin, Db, NewUser};
use roster_core::domain::{Email, Kind, Password, Username};

pub use parse::{parse, AccountChange, Command, USAGE};

use crate::config::Config;

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
        Command::Restore(path) => restore::restore(&path).await,
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
                "Added {} students, {} handlers, {} pets, {} comments, {} courses, {} \
                 enrolments and {} history entries in {:.2} s.",
                counts.students,
                counts.handlers,
                counts.pets,
                counts.comments,
                counts.courses,
                counts.enrolments,
                counts.history,
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
                    &roster_core::db::By::operator(),
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
                .set_password(&roster_core::db::By::operator(), id, &hash, None)
                .await
                .map_err(|e| e.to_string())?;
            println!("New password set for {username}; {ended} session(s) ended.");
            db.close().await;
            Ok(())
        }
        Command::UserSetRole { username, role } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let id = find_account(&db, &username).await?;
            let roles = db.roles().await.map_err(|e| e.to_string())?;
            let Some(found) = roles.iter().find(|r| r.name.eq_ignore_ascii_case(&role)) else {
                let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
                db.close().await;
                return Err(format!(
                    "no role {role:?}: choose one of {}",
                    names.join(", ")
                ));
            };
            db.set_account_flags(
                &roster_core::db::By::operator(),
                id,
                None,
                Some(found.id),
                None,
            )
            .await
            .map_err(account_refusal)?;
            println!(
                "{username} is now {}.",
                roster_core::domain::role::with_article(&found.name)
            );
            db.close().await;
            Ok(())
        }
        Command::UserChange { username, change } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let id = find_account(&db, &username).await?;
            let (admin, disabled) = change.flags();
            db.set_account_flags(&roster_core::db::By::operator(), id, None, admin, disabled)
                .await
                .map_err(account_refusal)?;
            println!("{username} {}.", change.done());
            db.close().await;
            Ok(())
        }
        Command::HistoryPrune { before } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let removed = db.prune_history(before).await.map_err(|e| e.to_string());
            db.close().await;
            println!(
                "Removed {} recorded before {before}.",
                Kind::Change.count(removed?)
            );
            Ok(())
        }
        Command::Export {
            list,
            format,
            query,
        } => {
            if !crate::export::CLI_LISTS.contains(&list.as_str()) {
                return Err(format!(
                    "export: no list named {list:?} (one of {})",
                    crate::export::CLI_LISTS.join(", ")
                ));
            }
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let started = Instant::now();
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout());
            let written = crate::export::write_list(&db, &list, format, &query, &mut out).await;
            drop(out);
            db.close().await;
            let rows = written?;
            eprintln!(
                "Exported {rows} rows of {list} in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            kind,
            file,
            dry_run,
            all,
        } => {
            let config = Config::from_env()?;
            let db = open_database(&config).await?;
            let report = crate::import::run_cli(&db, kind, &file, dry_run, all).await;
            db.close().await;
            print!("{}", report?);
            Ok(())
        }
        Command::Serve => serve::serve().await,
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

/// Why the database refused an account change, in the operator's words.
fn account_refusal(e: roster_core::db::DbError) -> String {
    match e {
        roster_core::db::DbError::LastAdmin => {
            "refused: Roster must keep at least one active administrator".to_owned()
        }
        other => other.to_string(),
    }
}
