//! What a course's grades say: how many are graded, their mean, median,
//! range and spread, and how they fall in bands of ten. Grades are whole
//! numbers from 0 to 100, so the database hands over how many students
//! have each grade (at most 101 rows, read from the (course, grade)
//! index) and every figure is exact from those counts.

use serde::{Deserialize, Serialize};

/// Bands of ten: 0–9, 10–19, …, 80–89, and 90–100 (a hundred is in the
/// last).
pub const BANDS: usize = 10;

/// A course's grades summed up (see the module).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GradeStats {
    /// Students enrolled, graded or not.
    pub enrolled: i64,
    pub graded: i64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub lowest: Option<i64>,
    pub highest: Option<i64>,
    /// The population standard deviation (every graded student counted,
    /// not a sample of them).
    pub std_dev: Option<f64>,
    /// How many grades fall in each band of ten.
    pub bands: [i64; BANDS],
}

impl GradeStats {
    /// From `counts`: each grade given and how many have it (in any
    /// order; grades outside 0–100 and counts below one are left out).
    pub fn from_counts(enrolled: i64, counts: &[(i64, i64)]) -> Self {
        let mut counts: Vec<(i64, i64)> = counts
            .iter()
            .copied()
            .filter(|&(grade, n)| (0..=100).contains(&grade) && n > 0)
            .collect();
        counts.sort_unstable();
        let graded: i64 = counts.iter().map(|&(_, n)| n).sum();
        let mut stats = GradeStats {
            enrolled,
            graded,
            ..Default::default()
        };
        for &(grade, n) in &counts {
            stats.bands[band(grade)] += n;
        }
        if graded == 0 {
            return stats;
        }
        let sum: i64 = counts.iter().map(|&(grade, n)| grade * n).sum();
        let mean = sum as f64 / graded as f64;
        let squares: f64 = counts
            .iter()
            .map(|&(grade, n)| n as f64 * (grade as f64 - mean).powi(2))
            .sum();
        // The k-th grade in order (from 0), read off the counts.
        let nth = |k: i64| {
            let mut seen = 0;
            counts
                .iter()
                .find(|&&(_, n)| {
                    seen += n;
                    seen > k
                })
                .map_or(0, |&(grade, _)| grade)
        };
        let median = if graded % 2 == 1 {
            nth(graded / 2) as f64
        } else {
            (nth(graded / 2 - 1) + nth(graded / 2)) as f64 / 2.0
        };
        GradeStats {
            mean: Some(mean),
            median: Some(median),
            lowest: counts.first().map(|&(grade, _)| grade),
            highest: counts.last().map(|&(grade, _)| grade),
            std_dev: Some((squares / graded as f64).sqrt()),
            ..stats
        }
    }

    /// The bands' labels, in order: "0–9", …, "90–100".
    pub fn band_label(band: usize) -> String {
        let low = band * 10;
        let high = if band + 1 == BANDS { 100 } else { low + 9 };
        format!("{low}–{high}")
    }
}

/// The band grade `grade` (0–100) falls in.
pub fn band(grade: i64) -> usize {
    (grade.clamp(0, 100) as usize / 10).min(BANDS - 1)
}

/// Each grade's rank among `grades` (the ungraded have none): one more
/// than how many are higher, so equal grades share a rank and the next
/// one skips ("1, 2, 2, 4"); `true` when the rank is shared.
pub fn ranks(grades: &[Option<i64>]) -> Vec<Option<(usize, bool)>> {
    let mut counts = [0usize; 101];
    for g in grades.iter().flatten() {
        counts[(*g).clamp(0, 100) as usize] += 1;
    }
    // above[g]: how many grades are higher than g.
    let mut above = [0usize; 101];
    let mut higher = 0;
    for g in (0..=100).rev() {
        above[g] = higher;
        higher += counts[g];
    }
    grades
        .iter()
        .map(|g| {
            g.map(|g| {
                let g = g.clamp(0, 100) as usize;
                (above[g] + 1, counts[g] > 1)
            })
        })
        .collect()
}

/// A rank as the grade sheet shows it: "2", or "2=" when shared.
pub fn rank_label((rank, shared): (usize, bool)) -> String {
    if shared {
        format!("{rank}=")
    } else {
        rank.to_string()
    }
}

/// A figure as the course page shows it: at most one decimal, none when
/// it is whole.
pub fn shown(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The figures computed straight from the list of grades.
    fn direct(grades: &[i64]) -> (f64, f64, i64, i64, f64) {
        let mut sorted = grades.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let mean = sorted.iter().sum::<i64>() as f64 / n as f64;
        let median = if n % 2 == 1 {
            sorted[n / 2] as f64
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
        };
        let variance = sorted
            .iter()
            .map(|&g| (g as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        (mean, median, sorted[0], sorted[n - 1], variance.sqrt())
    }

    fn counted(grades: &[i64]) -> Vec<(i64, i64)> {
        let mut counts = std::collections::BTreeMap::new();
        for &g in grades {
            *counts.entry(g).or_insert(0) += 1;
        }
        // The database's order is not promised: reversed here.
        counts.into_iter().rev().collect()
    }

    proptest! {
        #[test]
        fn the_figures_agree_with_a_direct_computation(
            grades in proptest::collection::vec(0i64..=100, 1..400),
            ungraded in 0i64..50,
        ) {
            let enrolled = grades.len() as i64 + ungraded;
            let stats = GradeStats::from_counts(enrolled, &counted(&grades));
            let (mean, median, lowest, highest, std_dev) = direct(&grades);
            prop_assert_eq!(stats.enrolled, enrolled);
            prop_assert_eq!(stats.graded, grades.len() as i64);
            prop_assert!((stats.mean.unwrap() - mean).abs() < 1e-9);
            prop_assert_eq!(stats.median, Some(median));
            prop_assert_eq!((stats.lowest, stats.highest), (Some(lowest), Some(highest)));
            prop_assert!((stats.std_dev.unwrap() - std_dev).abs() < 1e-9);
            for (b, &n) in stats.bands.iter().enumerate() {
                let low = b as i64 * 10;
                let high = if b == BANDS - 1 { 100 } else { low + 9 };
                let expected = grades.iter().filter(|&&g| (low..=high).contains(&g)).count();
                prop_assert_eq!(n, expected as i64, "band {}", b);
            }
        }
    }

    proptest! {
        #[test]
        fn a_rank_is_one_more_than_the_grades_above_it(
            grades in proptest::collection::vec(proptest::option::of(0i64..=100), 0..200),
        ) {
            let ranks = ranks(&grades);
            prop_assert_eq!(ranks.len(), grades.len());
            for (g, r) in grades.iter().zip(&ranks) {
                match (g, r) {
                    (None, None) => {}
                    (Some(g), Some((rank, shared))) => {
                        let higher = grades.iter().flatten().filter(|o| *o > g).count();
                        let same = grades.iter().flatten().filter(|o| *o == g).count();
                        prop_assert_eq!(*rank, higher + 1);
                        prop_assert_eq!(*shared, same > 1);
                    }
                    _ => prop_assert!(false, "{:?} ranked {:?}", g, r),
                }
            }
        }
    }

    #[test]
    fn equal_grades_share_a_rank_and_the_next_skips() {
        let shown: Vec<Option<String>> = ranks(&[Some(70), None, Some(90), Some(70), Some(50)])
            .into_iter()
            .map(|r| r.map(rank_label))
            .collect();
        let want = [Some("2="), None, Some("1"), Some("2="), Some("4")];
        assert_eq!(shown, want.map(|s| s.map(String::from)));
    }

    #[test]
    fn no_grades_give_counts_and_no_figures() {
        let stats = GradeStats::from_counts(4, &[]);
        assert_eq!((stats.enrolled, stats.graded), (4, 0));
        assert_eq!(
            (stats.mean, stats.median, stats.std_dev),
            (None, None, None)
        );
        assert_eq!(stats.bands, [0; BANDS]);
    }

    #[test]
    fn a_hundred_is_in_the_last_band_and_figures_show_one_decimal() {
        assert_eq!((band(100), band(90), band(89), band(0)), (9, 9, 8, 0));
        assert_eq!(GradeStats::band_label(9), "90–100");
        assert_eq!(GradeStats::band_label(0), "0–9");
        assert_eq!(
            (shown(72.0), shown(72.25), shown(7.96)),
            ("72".into(), "72.3".into(), "8".into())
        );
    }
}
