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
        let mut out = String::with_capacity(20);
        self.write_rfc3339(&mut out);
        out
    }

    /// Appends "2026-11-21T06:07:59Z" (pages of comments write many).
    pub fn write_rfc3339(self, out: &mut String) {
        let (y, m, d, s) = self.parts();
        push_year(out, y);
        out.push('-');
        push_number(out, m, 2);
        out.push('-');
        push_number(out, d, 2);
        out.push('T');
        push_clock(out, s);
        out.push(':');
        push_number(out, (s % 60) as u32, 2);
        out.push('Z');
    }

    /// "Nov 21, 2026, 06:07 UTC", for things of the day (a comment).
    pub fn datetime_label(self) -> String {
        let mut out = String::with_capacity(24);
        self.write_datetime_label(&mut out);
        out
    }

    /// Appends "Nov 21, 2026, 06:07 UTC".
    pub fn write_datetime_label(self, out: &mut String) {
        let (_, _, _, s) = self.parts();
        self.write_date_label(out);
        out.push_str(", ");
        push_clock(out, s);
        out.push_str(" UTC");
    }

    /// "Nov 21, 2026", the date people read.
    pub fn date_label(self) -> String {
        let mut out = String::with_capacity(12);
        self.write_date_label(&mut out);
        out
    }

    fn write_date_label(self, out: &mut String) {
        let (y, m, d, _) = self.parts();
        out.push_str(MONTHS[(m - 1) as usize]);
        out.push(' ');
        push_number(out, d, 1);
        out.push_str(", ");
        push_year(out, y);
    }
}

/// Appends "06:07" for `s` seconds into the day.
fn push_clock(out: &mut String, s: i64) {
    push_number(out, (s / 3600) as u32, 2);
    out.push(':');
    push_number(out, (s % 3600 / 60) as u32, 2);
}

/// A year as `{:04}` writes it (a minus sign first, before year 0).
fn push_year(out: &mut String, y: i64) {
    if y < 0 {
        out.push('-');
    }
    push_number(out, u32::try_from(y.unsigned_abs()).unwrap_or(u32::MAX), 4);
}

/// A calendar day ("2026-11-21"), with no time or zone: when a student
/// enrolled, say. Travels as that string, and only a real day parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// `YYYY-MM-DD`, a day that exists, from year 1900 to 2999.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || "Enter a date like 2026-09-01.".to_owned();
        let raw = raw.trim();
        let mut parts = raw.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(bad());
        }
        let (year, month, day) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u8>().map_err(|_| bad())?,
            d.parse::<u8>().map_err(|_| bad())?,
        );
        if !(1900..=2999).contains(&year) {
            return Err("Enter a year from 1900 to 2999.".into());
        }
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(format!("{raw} is not a day of the calendar."));
        }
        Ok(Self { year, month, day })
    }

    /// Empty input means "not given".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        Self::parse(&format!("{year:04}-{month:02}-{day:02}")).ok()
    }

    /// The UTC day `at` falls on.
    pub fn of(at: Timestamp) -> Self {
        let (y, m, d, _) = at.parts();
        Self {
            year: y as i32,
            month: m as u8,
            day: d as u8,
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// The day after this one.
    pub fn next(self) -> Self {
        let (mut year, mut month, mut day) = (self.year, self.month, self.day + 1);
        if day > days_in_month(year, month) {
            day = 1;
            month += 1;
            if month > 12 {
                month = 1;
                year += 1;
            }
        }
        Self { year, month, day }
    }

    /// "Nov 21, 2026".
    pub fn label(self) -> String {
        let mut out = String::with_capacity(12);
        self.write_label(&mut out);
        out
    }

    /// Appends "Nov 21, 2026" (lists write thousands of these).
    pub fn write_label(self, out: &mut String) {
        out.push_str(MONTHS[usize::from(self.month) - 1]);
        out.push(' ');
        push_number(out, u32::from(self.day), 1);
        out.push_str(", ");
        push_number(out, self.year.unsigned_abs(), 4);
    }

    /// Appends "2026-11-21".
    pub fn write_iso(self, out: &mut String) {
        push_number(out, self.year.unsigned_abs(), 4);
        out.push('-');
        push_number(out, u32::from(self.month), 2);
        out.push('-');
        push_number(out, u32::from(self.day), 2);
    }
}

impl std::fmt::Display for Date {
    /// `2026-11-21`, as `<input type="date">` wants it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::with_capacity(10);
        self.write_iso(&mut out);
        f.write_str(&out)
    }
}

/// Appends `n` with at least `width` digits (zero-padded).
fn push_number(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    at = at.min(digits.len() - width.min(digits.len()));
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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

    #[test]
    fn the_next_day_rolls_over_months_years_and_leap_days() {
        let next = |raw: &str| Date::parse(raw).unwrap().next().to_string();
        assert_eq!(next("2026-11-30"), "2026-12-01");
        assert_eq!(next("2026-12-31"), "2027-01-01");
        assert_eq!(next("2028-02-28"), "2028-02-29");
        assert_eq!(next("2026-02-28"), "2026-03-01");
        assert_eq!(next("2026-05-09"), "2026-05-10");
    }

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

    #[test]
    fn dates_are_real_days() {
        let d = Date::parse(" 2024-02-29 ").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.label(), "Feb 29, 2024");
        assert_eq!(Date::parse("2026-01-05").unwrap().label(), "Jan 5, 2026");
        assert_eq!(Date::parse("2026-01-05").unwrap().to_string(), "2026-01-05");
        assert_eq!(Date::parse("2026-01-05").unwrap().label(), "Jan 5, 2026");
        assert_eq!(Date::parse("2026-01-05").unwrap().to_string(), "2026-01-05");
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-04-31",
            "26-01-01",
            "2026-1-1",
            "x",
            "1899-12-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::parse_optional(""), Ok(None));
        assert_eq!(
            Date::of(Timestamp::from_micros(1_795_241_279_500_000)).to_string(),
            "2026-11-21"
        );
    }
}
