//! What the dashboard shows: totals and how many were added lately, the
//! students added month by month, the fullest courses, the grades across
//! every course, and (for administrators) the latest changes and the
//! unread messages. Read from counters the database keeps current, so it
//! costs the same at a hundred records as at a million.

use serde::{Deserialize, Serialize};

use super::{Date, GradeStats, HistoryEntry, Kind};

/// How many days "lately" is.
pub const RECENT_DAYS: i64 = 30;
/// How many months the students chart covers, this one included.
pub const MONTHS: usize = 12;

/// One kind's total and how many of its records were added lately (the
/// ones still here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub kind: Kind,
    pub total: i64,
    pub added: i64,
}

/// A course with a limit on its places, and how many are taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct CourseFill {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub enrolled: i64,
    pub capacity: i64,
}

impl CourseFill {
    /// Taken of the places, from 0 to 1.
    pub fn share(&self) -> f64 {
        if self.capacity <= 0 {
            0.0
        } else {
            (self.enrolled as f64 / self.capacity as f64).clamp(0.0, 1.0)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub today: Date,
    pub totals: Vec<Total>,
    /// The first day of each of the last [`MONTHS`] months, oldest first,
    /// with the students added in it.
    pub months: Vec<(Date, i64)>,
    pub fullest: Vec<CourseFill>,
    /// Every graded enrolment, across all courses.
    pub grades: GradeStats,
    /// The latest changes; `None` for those who may not read the log.
    pub recent: Option<Vec<HistoryEntry>>,
    /// Unread messages; `None` for those who may not read them.
    pub unread: Option<i64>,
}

/// The first days of the [`MONTHS`] months up to `today`'s, oldest first.
pub fn month_starts(today: Date) -> Vec<Date> {
    let (mut year, mut month) = (today.year(), today.month());
    let mut out = Vec::with_capacity(MONTHS);
    for _ in 0..MONTHS {
        out.push(Date::from_ymd(year, month, 1).unwrap_or(today));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    out.reverse();
    out
}

/// Days counted (each day and its count, any order) summed into the months
/// that start on `starts`; days outside them are left out.
pub fn by_month(starts: &[Date], days: &[(Date, i64)]) -> Vec<(Date, i64)> {
    let mut out: Vec<(Date, i64)> = starts.iter().map(|&s| (s, 0)).collect();
    for &(day, n) in days {
        if let Some(slot) = out
            .iter_mut()
            .find(|(s, _)| s.year() == day.year() && s.month() == day.month())
        {
            slot.1 += n;
        }
    }
    out
}

/// "Nov 2026".
pub fn month_label(start: Date) -> String {
    let label = start.label();
    let month = label.split(' ').next().unwrap_or("");
    format!("{month} {}", start.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn twelve_months_end_with_this_one_across_a_new_year() {
        let starts = month_starts(day("2026-03-15"));
        assert_eq!(starts.len(), MONTHS);
        assert_eq!(starts[0], day("2025-04-01"));
        assert_eq!(starts[9], day("2026-01-01"));
        assert_eq!(starts[11], day("2026-03-01"));
        assert_eq!(month_label(starts[11]), "Mar 2026");
    }

    #[test]
    fn days_sum_into_their_months_and_older_ones_are_left_out() {
        let starts = month_starts(day("2026-03-15"));
        let months = by_month(
            &starts,
            &[
                (day("2026-03-01"), 2),
                (day("2026-03-14"), 3),
                (day("2025-12-31"), 1),
                (day("2025-03-31"), 9),
            ],
        );
        assert_eq!(months[11], (day("2026-03-01"), 5));
        assert_eq!(months[8], (day("2025-12-01"), 1));
        assert_eq!(months.iter().map(|m| m.1).sum::<i64>(), 6);
    }
}
