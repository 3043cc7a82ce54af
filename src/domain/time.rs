use serde::{Deserialize, Serialize};

/// A point in time, UTC, in microseconds since the Unix epoch.
///
/// Kept as a plain integer so that the browser bundle needs no date library;
/// the server converts from the databases' own timestamp types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Timestamp(i64);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Timestamp {
    pub fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub fn as_micros(self) -> i64 {
        self.0
    }

    /// (year, month 1-12, day 1-31, seconds into the day)
    fn parts(self) -> (i64, u32, u32, i64) {
        let secs = self.0.div_euclid(1_000_000);
        let days = secs.div_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs.rem_euclid(86_400))
    }

    /// "2026-11-21T06:07:59Z", for `<time datetime=…>`.
    pub fn to_rfc3339(self) -> String {
        let (y, m, d, s) = self.parts();
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s % 3600 / 60,
            s % 60
        )
    }

    /// "Nov 21, 2026, 06:07 UTC", for things of the day (a comment).
    pub fn datetime_label(self) -> String {
        let (_, _, _, s) = self.parts();
        format!(
            "{}, {:02}:{:02} UTC",
            self.date_label(),
            s / 3600,
            s % 3600 / 60
        )
    }

    /// "Nov 21, 2026", the date people read.
    pub fn date_label(self) -> String {
        let (y, m, d, _) = self.parts();
        format!("{} {d}, {y}", MONTHS[(m - 1) as usize])
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm: exact for every i64 day count we can meet).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(
            Timestamp::from_micros(0).to_rfc3339(),
            "1970-01-01T00:00:00Z"
        );
        // 2026-11-21T06:07:59.5Z
        let t = Timestamp::from_micros(1_795_241_279_500_000);
        assert_eq!(t.to_rfc3339(), "2026-11-21T06:07:59Z");
        assert_eq!(t.date_label(), "Nov 21, 2026");
        assert_eq!(t.datetime_label(), "Nov 21, 2026, 06:07 UTC");
        // Leap day, and an instant before the epoch.
        assert_eq!(
            Timestamp::from_micros(951_782_400_000_000).date_label(),
            "Feb 29, 2000"
        );
        assert_eq!(
            Timestamp::from_micros(-1).to_rfc3339(),
            "1969-12-31T23:59:59Z"
        );
    }
}
