//! Nothing acknowledged is lost: the server killed with `kill -9` in the
//! middle of writes, stopped with SIGTERM under load, backed up while it
//! writes. The real binary, a SQLite file, and load from
//! [`common::load`] (clients that log what the server said it saved).

mod common;

use std::time::{Duration, Instant};

use common::load::{missing, start, Target};
use common::process::{roster, sign_in, work_dir, Server};
use roster_core::db::Db;

use common::process::{create_clerk, CLERK_PASSWORD as PASSWORD};

/// A database with one administrator; its URL.
fn database(dir: &std::path::Path) -> String {
    let url = format!("sqlite://{}", dir.join("roster.db").display());
    create_clerk(&url, true);
    url
}

async fn assert_sound(url: &str) -> Db {
    let db = Db::connect(url, &Default::default()).await.unwrap();
    let report = db.check().await.unwrap();
    assert!(report.is_sound(), "{report}");
    db
}

#[tokio::test]
async fn kill_9_during_writes_five_times_loses_nothing_acknowledged() {
    let dir = work_dir("kill-9");
    let url = database(&dir);
    let mut cookie = None;
    let mut acknowledged = 0;
    for round in 0..5 {
        let mut server = Server::start(&dir, &url, &[]).await;
        // The session lives in the database: it outlives every restart.
        let cookie = match &cookie {
            Some(cookie) => cookie,
            None => cookie.insert(sign_in(&server.address, "clerk", PASSWORD).await),
        };
        let target = Target {
            address: server.address.clone(),
            cookie: cookie.clone(),
        };
        let load = start(target, 12, 30_000, &format!("k{round}"));
        load.acknowledged(20).await;
        server.kill_hard();
        // The clients find the server gone for a while, then stop.
        let report = load.finish_after(Duration::from_millis(500)).await;
        assert!(
            !report.acks.is_empty(),
            "round {round}: no writes went through"
        );
        assert_eq!(report.five_hundreds(), 0, "{:?}", report.server_errors);
        assert!(
            report.unanswered > 0,
            "round {round}: the kill came after the load"
        );
        acknowledged += report.acks.len();

        // SQLite recovers from its WAL when the file is opened again.
        let db = assert_sound(&url).await;
        let lost = missing(&db, &report).await;
        assert!(lost.is_empty(), "round {round}: {lost:?}");
        db.close().await;
        eprintln!("round {round}: {}", report.summary());
    }
    assert!(
        acknowledged > 50,
        "only {acknowledged} writes in five rounds"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn sigterm_under_load_finishes_what_it_took_and_exits_0() {
    let dir = work_dir("sigterm");
    let url = database(&dir);
    let mut server = Server::start(&dir, &url, &[]).await;
    let target = Target {
        address: server.address.clone(),
        cookie: sign_in(&server.address, "clerk", PASSWORD).await,
    };
    let load = start(target, 16, 60_000, "term");
    load.acknowledged(20).await;
    let stopping = Instant::now();
    server.terminate();
    let status = server
        .exited_within(Duration::from_secs(12))
        .await
        .expect("still running 12 s after SIGTERM");
    assert!(status.success(), "exit status {status}");
    assert!(stopping.elapsed() < Duration::from_secs(11));
    let report = load.finish_after(Duration::from_millis(300)).await;
    // Every request the server took got its whole answer; after the
    // signal, new connections are refused (unanswered), never cut.
    assert_eq!(report.cut, 0, "{}", report.summary());
    assert_eq!(report.five_hundreds(), 0, "{:?}", report.server_errors);
    assert!(report.unanswered > 0, "the load went on past the stop");
    let log = server.log_text();
    assert!(
        log.contains("finishing requests in flight") && log.contains("Roster stopped"),
        "{log}"
    );
    let db = assert_sound(&url).await;
    let lost = missing(&db, &report).await;
    assert!(lost.is_empty(), "{lost:?}");
    db.close().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_backup_under_write_load_holds_everything_acknowledged_before_it() {
    let dir = work_dir("backup");
    let url = database(&dir);
    let server = Server::start(&dir, &url, &[]).await;
    let target = Target {
        address: server.address.clone(),
        cookie: sign_in(&server.address, "clerk", PASSWORD).await,
    };
    let load = start(target, 12, 60_000, "backup");
    load.acknowledged(20).await;
    let backup = dir.join("backup.db");
    let started = Instant::now();
    let out = {
        let (url, backup) = (url.clone(), backup.clone());
        tokio::task::spawn_blocking(move || roster(&url, &["backup", backup.to_str().unwrap()], ""))
            .await
            .unwrap()
    };
    assert!(out.contains("Backed up"), "{out}");
    let report = load.finish_after(Duration::from_millis(300)).await;
    assert_eq!(report.five_hundreds(), 0, "{:?}", report.server_errors);
    let before: Vec<_> = report
        .expected()
        .filter(|ack| ack.at < started)
        .cloned()
        .collect();
    assert!(before.len() > 10, "too few writes before the backup");

    // The running server's database cannot be restored over.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["restore", backup.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use by a running Roster"));

    // Into a fresh file: every row acknowledged before the backup began.
    let fresh = format!("sqlite://{}", dir.join("restored.db").display());
    let out = roster(&fresh, &["restore", backup.to_str().unwrap()], "");
    assert!(out.contains("Restored"), "{out}");
    let db = assert_sound(&fresh).await;
    let only_before = common::load::Report {
        acks: before,
        ..Default::default()
    };
    let lost = missing(&db, &only_before).await;
    assert!(lost.is_empty(), "{lost:?}");
    db.close().await;
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}
