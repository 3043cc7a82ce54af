//! Sample and bulk data, for trying Roster out and for benchmarks.

use super::{with_pool, BeginWrite, Db, DbError};

/// What a seed run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: u64,
    pub skipped: u64,
}

/// The three students of the original tutorial.
const SAMPLE: [(&str, &str, &str, i32, &str); 3] = [
    ("John", "Doe", "jd@example.com", 23, "Biology student"),
    (
        "Sammy",
        "Shark",
        "sammyshark@example.com",
        20,
        "Marine biology student",
    ),
    (
        "Carl",
        "White",
        "carlwhite@example.com",
        22,
        "Marine geology student",
    ),
];

const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ibrahim", "Jun", "Kofi",
    "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Vera",
    "Wei", "Yara",
];
const LAST: [&str; 24] = [
    "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito",
    "Jansen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Zhang",
];
const BIOS: [&str; 5] = [
    "Biology student",
    "Marine biology student",
    "Exchange student, second year",
    "Studies history and plays the cello.",
    "",
];

/// Rows per INSERT: 6 parameters each stays far below both databases' limits.
const BATCH: usize = 500;

/// A small, fast, deterministic generator (SplitMix64): fake data needs no
/// cryptographic randomness, and repeatable runs make benchmarks comparable.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

impl Db {
    /// Inserts the tutorial's three students, skipping any whose email exists.
    pub async fn seed_sample(&self) -> Result<SeedReport, DbError> {
        let mut report = SeedReport {
            inserted: 0,
            skipped: 0,
        };
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_write().await?;
            for (first, last, email, age, bio) in SAMPLE {
                let done = sqlx::query(
                    "INSERT INTO students (firstname, lastname, email, age, bio) \
                     SELECT $1, $2, $3, $4, $5 \
                     WHERE NOT EXISTS (SELECT 1 FROM students WHERE lower(email) = lower($3))",
                )
                .bind(first)
                .bind(last)
                .bind(email)
                .bind(age)
                .bind(bio)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    report.inserted += 1;
                } else {
                    report.skipped += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// Inserts `count` made-up students in one transaction, in multi-row
    /// batches. Emails carry a per-run tag so that runs never collide.
    pub async fn seed_fake(&self, count: u64, seed: u64) -> Result<SeedReport, DbError> {
        let tag = format!("{:x}", seed & 0xff_ffff_ffff);
        let mut rng = SplitMix(seed);
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_write().await?;
            let mut done = 0u64;
            while done < count {
                let n = (count - done).min(BATCH as u64) as usize;
                let mut sql = String::from(
                    "INSERT INTO students (firstname, lastname, email, age, bio) VALUES ",
                );
                for i in 0..n {
                    let p = i * 5;
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4, p + 5));
                }
                let mut query = sqlx::query(&sql);
                for i in 0..n as u64 {
                    let first = rng.pick(&FIRST);
                    let last = rng.pick(&LAST);
                    let email = format!("student{}.{tag}@example.org", done + i + 1);
                    // About one in ten has no age on record.
                    let age = match rng.next() % 10 {
                        0 => None,
                        _ => Some(17 + (rng.next() % 40) as i32),
                    };
                    let bio = Some(rng.pick(&BIOS)).filter(|b| !b.is_empty());
                    query = query.bind(first).bind(last).bind(email).bind(age).bind(bio);
                }
                query.execute(&mut *tx).await?;
                done += n as u64;
            }
            tx.commit().await?;
        });
        Ok(SeedReport {
            inserted: count,
            skipped: 0,
        })
    }
}
