//! "Does the database answer?", asked once for every slow request: the
//! answer stands for [`FRESH`] (see `outage.rs`).

use std::time::{Duration, Instant};

use roster_core::db::Db;
use tokio::sync::Mutex;

/// How long the question may take (a healthy database answers in
/// milliseconds, even when every pooled connection is busy).
const ASK_LIMIT: Duration = Duration::from_millis(600);
/// How long an answer stands for other slow requests.
const FRESH: Duration = Duration::from_millis(500);

/// The last answer to "does the database answer?".
#[derive(Default)]
pub struct Probe(Mutex<Option<(Instant, bool)>>);

impl Probe {
    pub async fn reachable(&self, db: &Db) -> bool {
        let mut last = self.0.lock().await;
        if let Some((at, answer)) = *last {
            if at.elapsed() < FRESH {
                return answer;
            }
        }
        let answer = db.reachable(ASK_LIMIT).await;
        if !answer {
            tracing::warn!("the database does not answer: slow requests get 503");
        }
        *last = Some((Instant::now(), answer));
        answer
    }
}
