//! `roster serve`: the server from start to a drained stop.

use crate::config::Config;

use super::open_database;

pub(super) async fn serve() -> Result<(), String> {
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
    tokio::spawn(empty_trash(db.clone(), config.trash_days));
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
pub(super) fn hold_database(database_url: &str) -> Result<Option<std::fs::File>, String> {
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

/// Takes what was deleted more than `days` days ago out of the trash, at
/// start and every hour after. Each instance does it: a purge that finds
/// nothing left by another changes nothing.
async fn empty_trash(db: roster_core::db::Db, days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        every.tick().await;
        if db.is_read_only() {
            continue;
        }
        match db.purge_trash(&Default::default(), Some(days)).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, days, "trash: old entries deleted for good"),
            Err(e) => tracing::warn!(error = %e, "trash: could not delete old entries"),
        }
    }
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
