//! The dashboard's reads: counters the triggers keep (`record_counts`,
//! `record_days`, `grade_counts`, see the dashboard migration) and two
//! short index reads, a few hundred rows in all whatever the records
//! number.

use chrono::{Datelike, Duration, Utc};

use super::list::Arg;
use super::{Backend, Db, DbError};
use crate::domain::dashboard::{by_month, month_starts, RECENT_DAYS};
use crate::domain::{CourseFill, Dashboard, Date, GradeStats, HistoryEntry, Kind, Total};

/// The kinds the dashboard totals, in its order.
pub const TOTALLED: [Kind; 5] = [
    Kind::Student,
    Kind::Course,
    Kind::Enrolment,
    Kind::Handler,
    Kind::Pet,
];

/// How many courses the fullest list names, and how many changes show.
const FULLEST: i64 = 6;
const RECENT: i64 = 8;

impl Db {
    /// The dashboard as of now (UTC days). `admin`: with the latest
    /// changes and the unread messages.
    pub async fn dashboard(&self, admin: bool) -> Result<Dashboard, DbError> {
        let now = Utc::now().date_naive();
        let date = |d: chrono::NaiveDate| Date::from_ymd(d.year(), d.month(), d.day());
        let today = date(now).ok_or_else(|| DbError::Unavailable("no date today".into()))?;
        let since = date(now - Duration::days(RECENT_DAYS - 1)).unwrap_or(today);
        let starts = month_starts(today);
        let first = starts.first().copied().unwrap_or(today);
        // A day as the column holds it: text on SQLite, a date on PostgreSQL.
        let day_at = match self.backend() {
            Backend::Sqlite => "$1",
            Backend::Postgres => "CAST($1 AS date)",
        };

        let counts: Vec<(String, i64)> = self
            .all_as("SELECT name, total FROM record_counts".into(), vec![])
            .await?;
        let added: Vec<(String, i64)> = self
            .all_as(
                format!(
                    "SELECT name, CAST(SUM(n) AS BIGINT) FROM record_days \
                     WHERE day >= {day_at} GROUP BY name"
                ),
                vec![Arg::Text(since.to_string())],
            )
            .await?;
        let of = |rows: &[(String, i64)], name: &str| {
            rows.iter().find(|(n, _)| n == name).map_or(0, |(_, v)| *v)
        };
        let totals = TOTALLED
            .iter()
            .map(|&kind| Total {
                kind,
                total: of(&counts, kind.plural()),
                added: of(&added, kind.plural()),
            })
            .collect();

        let days: Vec<(Date, i64)> = self
            .all_as(
                format!(
                    "SELECT day, n FROM record_days WHERE name = 'students' AND day >= {day_at}"
                ),
                vec![Arg::Text(first.to_string())],
            )
            .await?;
        let months = by_month(&starts, &days);

        let fullest: Vec<CourseFill> = self
            .all_as(
                "SELECT id, code, title, enrolled, capacity FROM courses \
                 WHERE capacity > 0 \
                 ORDER BY CAST(enrolled AS REAL) / capacity DESC, enrolled DESC, id \
                 LIMIT $1"
                    .into(),
                vec![Arg::Int(FULLEST)],
            )
            .await?;

        let grade_counts: Vec<(i64, i64)> = self
            .all_as(
                "SELECT grade, n FROM grade_counts WHERE n > 0".into(),
                vec![],
            )
            .await?;
        let grades = GradeStats::from_counts(of(&counts, "enrolments"), &grade_counts);

        let (recent, unread) = if admin {
            let sql = format!(
                "SELECT {} FROM {} WHERE h.batch_id IS NULL OR h.action = 'bulk' \
                 ORDER BY h.id DESC LIMIT $1",
                super::history::SELECT,
                super::history::FROM
            );
            let recent: Vec<HistoryEntry> = self.all_as(sql, vec![Arg::Int(RECENT)]).await?;
            (Some(recent), Some(of(&counts, "unread_messages")))
        } else {
            (None, None)
        };

        Ok(Dashboard {
            today,
            totals,
            months,
            fullest,
            grades,
            recent,
            unread,
        })
    }
}
