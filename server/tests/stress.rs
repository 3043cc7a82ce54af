//! Concurrent writers: 50 clients create, edit, comment, enrol and delete
//! against the real binary, one server on SQLite (or PostgreSQL), and two
//! servers on one PostgreSQL database. Holds when no answer is a 5xx, no
//! log says `database is locked` (or shows a panic), every acknowledged
//! create is still there, every counter Roster keeps equals a fresh count,
//! and each server stops cleanly on SIGTERM.
//!
//! Short here (a few seconds, in the test command); `scripts/stress.sh`
//! runs the same tests for 30 s through `STRESS_SECONDS` and
//! `STRESS_CLIENTS`.

mod common;

use std::time::{Duration, Instant};

use common::load::{missing, run, Plan, Target};
use common::process::{create_clerk, sign_in, work_dir, Server, CLERK_PASSWORD};
use common::{fresh_store, using_postgres};
use roster_core::db::Db;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn stress(name: &str, instances: usize) {
    let clients = setting("STRESS_CLIENTS", 50) as usize;
    let seconds = setting("STRESS_SECONDS", 4);
    let dir = work_dir(name);
    let (url, _guard) = fresh_store(&dir).await;
    create_clerk(&url, true);
    let mut servers = Vec::new();
    for _ in 0..instances {
        servers.push(Server::start(&dir, &url, &[]).await);
    }
    // One session, in the database: every instance knows it.
    let cookie = sign_in(&servers[0].address, "clerk", CLERK_PASSWORD).await;
    let targets: Vec<Target> = servers
        .iter()
        .map(|server| Target {
            address: server.address.clone(),
            cookie: cookie.clone(),
        })
        .collect();

    let started = Instant::now();
    let plan = Plan {
        clients,
        duration: Duration::from_secs(seconds),
    };
    let report = run(&targets, plan, name).await;
    let took = started.elapsed().as_secs_f64();

    let mut logs = String::new();
    for server in &mut servers {
        server.terminate();
        let status = server.exited_within(Duration::from_secs(12)).await;
        assert!(status.is_some_and(|s| s.success()), "{}", server.log_text());
        let log = server.log_text();
        assert!(!log.contains("database is locked"), "{log}");
        assert!(!log.contains("panicked"), "{log}");
        logs.push_str(&log);
    }

    let db = Db::connect(&url, &Default::default()).await.unwrap();
    let check = db.check().await.unwrap();
    let lost = missing(&db, &report).await;
    db.close().await;
    let backend = if using_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    eprintln!(
        "{name} ({backend}, {instances} server(s), {clients} clients, {took:.0} s): {}; {:.0} requests/s; {} lost; {check}",
        report.summary(),
        report.requests as f64 / took,
        lost.len(),
    );
    // What the servers logged says why (the answers hold only the page).
    let errors: Vec<&str> = logs.lines().filter(|l| l.contains("ERROR")).collect();
    assert_eq!(
        report.five_hundreds(),
        0,
        "{:?}\nserver errors:\n{}",
        report.server_errors,
        errors.join("\n")
    );
    assert_eq!(report.unanswered + report.cut, 0, "{}", report.summary());
    assert!(
        report.acks.len() > 20,
        "too little was written: {}",
        report.summary()
    );
    assert!(report.full > 0, "no enrolment met a full course");
    assert!(lost.is_empty(), "{lost:?}");
    assert!(check.is_sound(), "{check}");
    drop(servers);
}

#[tokio::test]
async fn fifty_clients_on_one_server_lose_nothing() {
    stress("stress-one", 1).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://… and --include-ignored (scripts/test.sh runs it so)"]
async fn two_servers_on_one_postgresql_database_lose_nothing() {
    assert!(using_postgres(), "needs TEST_DATABASE_URL=postgres://…");
    stress("stress-two", 2).await;
}
