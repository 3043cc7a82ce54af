//! Sample and bulk data, for trying Roster out and for benchmarks.

use super::{with_pool, BeginWrite, Db, DbError};

/// What a sample seed run wrote, per kind of record (skipped: already there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: u64,
    pub skipped: u64,
    pub handlers: u64,
    pub pets: u64,
    pub comments: u64,
    pub courses: u64,
    pub enrolments: u64,
    /// No account exists to write the sample comments.
    pub no_author: bool,
}

/// How many made-up records of each kind a bulk seed adds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub students: u64,
    pub handlers: u64,
    pub pets: u64,
    pub comments: u64,
    pub courses: u64,
    pub enrolments: u64,
    /// Made-up history entries (edits of existing records, over the last
    /// year); the first student gets a thousand of them.
    pub history: u64,
}

/// Entries the first student's history gets from `--history`.
const FIRST_HISTORY: u64 = 1_000;

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

/// Handlers, pets and comments in the registration tutorial's spirit.
const SAMPLE_HANDLERS: [&str; 3] = ["Amara Okafor", "Ben Castillo", "Chloé Dubois"];
/// (name, category, handler: index into SAMPLE_HANDLERS)
const SAMPLE_PETS: [(&str, &str, usize); 5] = [
    ("Rex", "Dog", 0),
    ("Whiskers", "Cat", 0),
    ("Bubbles", "Fish", 1),
    ("Kiwi", "Parrot", 2),
    ("Luna", "Dog", 2),
];
const SAMPLE_COMMENTS: [(&str, &str); 3] = [
    ("Rex", "Walked twice today, very happy."),
    ("Rex", "Needs his booster vaccination next month."),
    ("Kiwi", "Learnt to say “good morning”."),
];

/// (code, title, capacity) of the sample courses.
const SAMPLE_COURSES: [(&str, &str, Option<i32>); 3] = [
    ("BIO-101", "Introduction to Biology", Some(30)),
    ("MAR-201", "Marine Biology", Some(20)),
    ("GEO-110", "Marine Geology", None),
];
/// (student's email, course code, grade) of the sample enrolments.
const SAMPLE_ENROLMENTS: [(&str, &str, Option<i32>); 4] = [
    ("jd@example.com", "BIO-101", Some(88)),
    ("sammyshark@example.com", "BIO-101", None),
    ("sammyshark@example.com", "MAR-201", Some(92)),
    ("carlwhite@example.com", "GEO-110", None),
];

const SUBJECTS: [(&str, &str); 12] = [
    ("BIO", "Biology"),
    ("CHEM", "Chemistry"),
    ("PHYS", "Physics"),
    ("MATH", "Mathematics"),
    ("HIST", "History"),
    ("GEO", "Geology"),
    ("LIT", "Literature"),
    ("ECON", "Economics"),
    ("ART", "Art"),
    ("MUS", "Music"),
    ("CS", "Computing"),
    ("LANG", "Languages"),
];
const LEVELS: [&str; 4] = ["Introduction to", "Foundations of", "Topics in", "Advanced"];

const PET_NAMES: [&str; 16] = [
    "Rex", "Luna", "Max", "Bella", "Milo", "Coco", "Kiwi", "Nala", "Oscar", "Pepper", "Simba",
    "Tiger", "Willow", "Ziggy", "Bubbles", "Shadow",
];
const CATEGORIES: [&str; 10] = [
    "Dog",
    "Cat",
    "Rabbit",
    "Parrot",
    "Fish",
    "Hamster",
    "Guinea pig",
    "Tortoise",
    "Horse",
    "Ferret",
];
const COMMENTS: [&str; 6] = [
    "Fed and watered.",
    "Vet check-up went well.",
    "Played outside for an hour.",
    "A little quiet today.",
    "New collar fitted.",
    "Groomed and weighed.",
];

/// Rows per INSERT: at most 6 parameters each stays far below both
/// databases' limits.
const BATCH: usize = 500;

/// `($1, $2, $3), ($4, $5, $6), …` for `rows` rows of `cols` values.
fn values(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", r * cols + c + 1));
        }
        sql.push(')');
    }
    sql
}

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
    /// Inserts the tutorial's three students (skipping any whose email
    /// exists), and a few handlers with pets (skipping handlers whose name
    /// exists) and comments, by the first administrator, if there is one.
    pub async fn seed_sample(&self) -> Result<SeedReport, DbError> {
        let mut report = SeedReport::default();
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
            let author: Option<i64> =
                sqlx::query_scalar("SELECT id FROM users WHERE is_admin ORDER BY id LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            let mut handler_ids = Vec::new();
            for name in SAMPLE_HANDLERS {
                let existing: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM handlers WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&mut *tx)
                        .await?;
                handler_ids.push(match existing {
                    Some(id) => (id, false),
                    None => {
                        report.handlers += 1;
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO handlers (name) VALUES ($1) RETURNING id",
                        )
                        .bind(name)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, true)
                    }
                });
            }
            let mut pet_ids = Vec::new();
            for (name, category, handler) in SAMPLE_PETS {
                let (handler_id, new) = handler_ids[handler];
                if !new {
                    continue;
                }
                report.pets += 1;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO pets (name, category, handler_id) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(name)
                .bind(category)
                .bind(handler_id)
                .fetch_one(&mut *tx)
                .await?;
                pet_ids.push((name, id));
            }
            report.no_author = author.is_none() && !pet_ids.is_empty();
            if let Some(author) = author {
                for (pet, body) in SAMPLE_COMMENTS {
                    let Some((_, pet_id)) = pet_ids.iter().find(|(name, _)| *name == pet) else {
                        continue;
                    };
                    report.comments += 1;
                    sqlx::query("INSERT INTO comments (pet_id, author_id, body) VALUES ($1, $2, $3)")
                        .bind(*pet_id)
                        .bind(author)
                        .bind(body)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for (code, title, capacity) in SAMPLE_COURSES {
                let done = sqlx::query(
                    "INSERT INTO courses (code, title, capacity) SELECT $1, $2, $3 \
                     WHERE NOT EXISTS (SELECT 1 FROM courses WHERE upper(code) = $1)",
                )
                .bind(code)
                .bind(title)
                .bind(capacity)
                .execute(&mut *tx)
                .await?;
                report.courses += done.rows_affected();
            }
            for (email, code, grade) in SAMPLE_ENROLMENTS {
                let done = sqlx::query(
                    "INSERT INTO enrolments (course_id, student_id, grade) \
                     SELECT c.id, s.id, $3 FROM courses c, students s \
                     WHERE upper(c.code) = $2 AND lower(s.email) = $1 \
                     AND NOT EXISTS (SELECT 1 FROM enrolments e \
                                     WHERE e.course_id = c.id AND e.student_id = s.id)",
                )
                .bind(email)
                .bind(code)
                .bind(grade)
                .execute(&mut *tx)
                .await?;
                report.enrolments += done.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// Inserts made-up records in one transaction, in multi-row batches:
    /// students (emails carry a per-run tag so that runs never collide),
    /// handlers, pets spread over all handlers, comments spread over all
    /// pets, written by existing accounts (or, with none, by a disabled
    /// account made for the purpose, which nobody can sign in as), courses
    /// (codes tagged like the emails; one in three without a capacity), and
    /// enrolments of existing students in existing courses, each pair at
    /// most once and no course over its capacity.
    pub async fn seed_fake(&self, counts: SeedCounts, seed: u64) -> Result<(), DbError> {
        let tag = format!("{:x}", seed & 0xff_ffff_ffff);
        let mut rng = SplitMix(seed);
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin_write().await?;
            let mut done = 0u64;
            while done < counts.students {
                let n = (counts.students - done).min(BATCH as u64) as usize;
                let sql = format!(
                    "INSERT INTO students (firstname, lastname, email, age, bio) VALUES {}",
                    values(n, 5)
                );
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

            done = 0;
            while done < counts.handlers {
                let n = (counts.handlers - done).min(BATCH as u64) as usize;
                let sql = format!("INSERT INTO handlers (name, email) VALUES {}", values(n, 2));
                let mut query = sqlx::query(&sql);
                for i in 0..n as u64 {
                    let name = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
                    let email = format!("handler{}.{tag}@example.org", done + i + 1);
                    query = query.bind(name).bind(email);
                }
                query.execute(&mut *tx).await?;
                done += n as u64;
            }

            if counts.pets > 0 {
                let handlers: Vec<i64> = sqlx::query_scalar("SELECT id FROM handlers")
                    .fetch_all(&mut *tx)
                    .await?;
                if handlers.is_empty() {
                    return Err(DbError::Config(
                        "pets need handlers: add some with --handlers N".into(),
                    ));
                }
                done = 0;
                while done < counts.pets {
                    let n = (counts.pets - done).min(BATCH as u64) as usize;
                    let sql = format!(
                        "INSERT INTO pets (name, category, handler_id) VALUES {}",
                        values(n, 3)
                    );
                    let mut query = sqlx::query(&sql);
                    for _ in 0..n {
                        let handler = handlers[(rng.next() % handlers.len() as u64) as usize];
                        query = query
                            .bind(rng.pick(&PET_NAMES))
                            .bind(rng.pick(&CATEGORIES))
                            .bind(handler);
                    }
                    query.execute(&mut *tx).await?;
                    done += n as u64;
                }
            }

            if counts.comments > 0 {
                let pets: Vec<i64> = sqlx::query_scalar("SELECT id FROM pets")
                    .fetch_all(&mut *tx)
                    .await?;
                if pets.is_empty() {
                    return Err(DbError::Config(
                        "comments need pets: add some with --pets N".into(),
                    ));
                }
                let mut authors: Vec<i64> = sqlx::query_scalar("SELECT id FROM users")
                    .fetch_all(&mut *tx)
                    .await?;
                if authors.is_empty() {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (username, email, password_hash, disabled) \
                         VALUES ('sample-writer', 'sample-writer@example.org', \
                         '$argon2id$v=19$m=7168,t=5,p=1$bm8tc2lnbi1pbg$', TRUE) RETURNING id",
                    )
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO user_details (user_id, display_name) VALUES ($1, 'Sample writer')",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    authors.push(id);
                }
                done = 0;
                while done < counts.comments {
                    let n = (counts.comments - done).min(BATCH as u64) as usize;
                    let sql = format!(
                        "INSERT INTO comments (pet_id, author_id, body) VALUES {}",
                        values(n, 3)
                    );
                    let mut query = sqlx::query(&sql);
                    for _ in 0..n {
                        let pet = pets[(rng.next() % pets.len() as u64) as usize];
                        let author = authors[(rng.next() % authors.len() as u64) as usize];
                        query = query.bind(pet).bind(author).bind(rng.pick(&COMMENTS));
                    }
                    query.execute(&mut *tx).await?;
                    done += n as u64;
                }
            }

            done = 0;
            let code_tag = tag[tag.len().saturating_sub(6)..].to_uppercase();
            while done < counts.courses {
                let n = (counts.courses - done).min(BATCH as u64) as usize;
                let sql = format!(
                    "INSERT INTO courses (code, title, description, capacity) VALUES {}",
                    values(n, 4)
                );
                let mut query = sqlx::query(&sql);
                for i in 0..n as u64 {
                    let (prefix, subject) = SUBJECTS[(rng.next() % SUBJECTS.len() as u64) as usize];
                    let code = format!("{prefix}{}-{code_tag}", done + i + 1);
                    let title = format!("{} {subject}", rng.pick(&LEVELS));
                    let capacity = match rng.next() % 3 {
                        0 => None,
                        _ => Some(200 + (rng.next() % 801) as i32),
                    };
                    query = query
                        .bind(code)
                        .bind(title)
                        .bind(format!("A made-up course in {}.", subject.to_lowercase()))
                        .bind(capacity);
                }
                query.execute(&mut *tx).await?;
                done += n as u64;
            }

            if counts.enrolments > 0 {
                let mut courses: Vec<(i64, Option<i64>, i64)> =
                    sqlx::query_as("SELECT id, capacity, enrolled FROM courses")
                        .fetch_all(&mut *tx)
                        .await?;
                let students: Vec<i64> = sqlx::query_scalar("SELECT id FROM students")
                    .fetch_all(&mut *tx)
                    .await?;
                let mut taken: std::collections::HashSet<(i64, i64)> =
                    sqlx::query_as("SELECT course_id, student_id FROM enrolments")
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                let seats: u64 = courses
                    .iter()
                    .map(|(_, capacity, enrolled)| match capacity {
                        Some(capacity) => (capacity - enrolled).max(0) as u64,
                        None => students.len() as u64,
                    })
                    .sum::<u64>()
                    .min(courses.len() as u64 * students.len() as u64)
                    .saturating_sub(taken.len() as u64);
                if courses.is_empty() || students.is_empty() || seats < counts.enrolments {
                    return Err(DbError::Config(format!(
                        "{} enrolments need more room: {} courses, {} students, about {seats} \
                         free places (add some with --courses N and --students N)",
                        counts.enrolments,
                        courses.len(),
                        students.len()
                    )));
                }
                done = 0;
                while done < counts.enrolments {
                    let n = (counts.enrolments - done).min(BATCH as u64) as usize;
                    let sql = format!(
                        "INSERT INTO enrolments (course_id, student_id, enrolled_on, grade) VALUES {}",
                        values(n, 4)
                    );
                    let mut query = sqlx::query(&sql);
                    for _ in 0..n {
                        // Random pairs until one is new and its course has a
                        // seat; the room check above keeps this short.
                        let mut tries = 0u32;
                        let (course, student) = loop {
                            tries += 1;
                            let at = (rng.next() % courses.len() as u64) as usize;
                            let (course, capacity, enrolled) = courses[at];
                            let student = students[(rng.next() % students.len() as u64) as usize];
                            let full = capacity.is_some_and(|c| enrolled >= c);
                            if !full && taken.insert((course, student)) {
                                courses[at].2 += 1;
                                break (course, student);
                            }
                            if tries > 10_000 {
                                return Err(DbError::Config(
                                    "enrolments: could not find free places; try fewer".into(),
                                ));
                            }
                        };
                        let day = 1 + rng.next() % 28;
                        let month = 1 + rng.next() % 9;
                        let grade = match rng.next() % 2 {
                            0 => None,
                            _ => Some((rng.next() % 101) as i32),
                        };
                        query = query
                            .bind(course)
                            .bind(student)
                            // A date, not text: PostgreSQL's column is a `date`.
                            .bind(chrono::NaiveDate::from_ymd_opt(2026, month as u32, day as u32))
                            .bind(grade);
                    }
                    query.execute(&mut *tx).await?;
                    done += n as u64;
                }
            }
            if counts.history > 0 {
                seed_history!(self, tx, counts.history, rng);
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

/// Adds `$n` made-up history entries in transaction `$tx`: edits of
/// existing students, handlers, pets and courses by existing accounts, one
/// a minute back from now, oldest first; the first student has the first
/// [`FIRST_HISTORY`].
macro_rules! seed_history {
    ($db:expr, $tx:ident, $n:expr, $rng:ident) => {{
        let mut records: Vec<(String, i64, String)> = Vec::new();
        for (kind, sql) in [
            ("student", "SELECT id, firstname || ' ' || lastname FROM students ORDER BY id LIMIT 10000"),
            ("handler", "SELECT id, name FROM handlers ORDER BY id LIMIT 10000"),
            ("pet", "SELECT id, name FROM pets ORDER BY id LIMIT 10000"),
            ("course", "SELECT id, code FROM courses ORDER BY id LIMIT 10000"),
        ] {
            let rows: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(&mut *$tx).await?;
            records.extend(rows.into_iter().map(|(id, title)| (kind.to_owned(), id, title)));
        }
        if records.is_empty() {
            return Err(DbError::Config(
                "history entries need records: add some with --students N".into(),
            ));
        }
        let accounts: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id LIMIT 100")
            .fetch_all(&mut *$tx)
            .await?;
        // Minutes back from now: `at` is worked out by the database.
        let at = match $db.backend() {
            super::Backend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ? || ' minutes')",
            super::Backend::Postgres => "now() - make_interval(mins => CAST(? AS INTEGER))",
        };
        let total: u64 = $n;
        let mut done = 0u64;
        while done < total {
            let rows = (total - done).min(BATCH as u64) as usize;
            let mut sql = String::from(
                "INSERT INTO history (at, account_id, action, kind, record_id, title, changes) VALUES ",
            );
            let mut p = 0;
            for r in 0..rows {
                if r > 0 {
                    sql.push(',');
                }
                sql.push('(');
                sql.push_str(&at.replace('?', &format!("${}", p + 1)));
                for _ in 0..6 {
                    p += 1;
                    sql.push_str(&format!(",${}", p + 1));
                }
                p += 1;
                sql.push(')');
            }
            let mut query = sqlx::query(&sql);
            for r in 0..rows as u64 {
                let i = done + r;
                let (kind, id, title) = if i < FIRST_HISTORY {
                    records[0].clone()
                } else {
                    records[($rng.next() % records.len() as u64) as usize].clone()
                };
                let account = match accounts.len() {
                    0 => None,
                    n => Some(accounts[($rng.next() % n as u64) as usize]),
                };
                let (was, now) = ($rng.next() % 90 + 10, $rng.next() % 90 + 10);
                let changes = format!(
                    "[{{\"field\":\"note\",\"was\":\"{was}\",\"now\":\"{now}\"}}]"
                );
                query = query
                    .bind((total - i) as i64)
                    .bind(account)
                    .bind("edited")
                    .bind(kind)
                    .bind(id)
                    .bind(title)
                    .bind(changes);
            }
            query.execute(&mut *$tx).await?;
            done += rows as u64;
        }
    }};
}
use seed_history;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_numbers_every_placeholder() {
        assert_eq!(values(2, 3), "($1,$2,$3),($4,$5,$6)");
    }
}
