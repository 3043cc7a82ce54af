//! What the pools report to whoever watches (the server's `/metrics`):
//! how long each request waited for a connection, and how many writers
//! are queued for SQLite's one write connection. Process-wide, like a
//! metrics registry: the server installs one observer at start.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Which connections a wait was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pool {
    /// SQLite's write connection (writes queue for it in arrival order).
    SqliteWrite,
    /// SQLite's read connections.
    SqliteRead,
}

impl Pool {
    pub fn name(self) -> &'static str {
        match self {
            Pool::SqliteWrite => "sqlite_write",
            Pool::SqliteRead => "sqlite_read",
        }
    }
}

static OBSERVER: OnceLock<fn(Pool, Duration)> = OnceLock::new();
static WRITERS_WAITING: AtomicI64 = AtomicI64::new(0);

/// Calls `observer` with every wait for a connection from now on. The
/// first call wins; later ones are ignored (tests start many servers).
pub fn observe_acquire_waits(observer: fn(Pool, Duration)) {
    let _ = OBSERVER.set(observer);
}

/// Writers waiting for SQLite's write connection right now.
pub fn writers_waiting() -> i64 {
    WRITERS_WAITING.load(Ordering::Relaxed)
}

pub(crate) fn waited(pool: Pool, since: Instant) {
    if let Some(observer) = OBSERVER.get() {
        observer(pool, since.elapsed());
    }
}

/// Counts a writer as queued until it drops (also when its request is
/// cancelled while it waits).
pub(crate) struct Queued(());

impl Queued {
    pub(crate) fn join() -> Self {
        WRITERS_WAITING.fetch_add(1, Ordering::Relaxed);
        Queued(())
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        WRITERS_WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}
