//! `roster restore PATH`: checks the backup, then puts it in place of the
//! database file, keeping the replaced one (and its WAL) beside it.

use crate::config::Config;

use super::open_database;

pub(super) async fn restore(backup: &std::path::Path) -> Result<(), String> {
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
