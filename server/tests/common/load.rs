//! Write load as people make it: clients that add, edit, comment on, enrol
//! and delete records through the no-JS forms (and a few server function
//! calls), each logging what the server said it saved. Used by the crash,
//! shutdown and backup tests and by `scripts/stress.sh` (through the
//! `stress` example).
//!
//! A create counts as acknowledged when the server answered it with its
//! success (303, or 200 from a server function); [`Report::acks`] lists
//! them with the marker that finds the record again (an email, a unique
//! name or comment text). A record whose delete was sent is no longer
//! expected, acknowledged or not: its delete may have happened.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One Roster instance and a session on it.
#[derive(Clone, Debug)]
pub struct Target {
    pub address: String,
    pub cookie: String,
}

#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub clients: usize,
    pub duration: Duration,
}

/// What the server said it saved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ack {
    /// "student", "handler", "pet", "comment"
    pub kind: &'static str,
    pub marker: String,
    /// The record this one goes with if that one is deleted (a comment's
    /// pet), by kind and marker.
    pub parent: Option<(&'static str, String)>,
    /// When the answer arrived.
    pub at: Instant,
}

#[derive(Default, Debug)]
pub struct Report {
    pub requests: u64,
    pub by_status: BTreeMap<u16, u64>,
    /// No answer at all (the server was down, or the connection refused).
    pub unanswered: u64,
    /// An answer whose body broke off: a response cut in the middle.
    pub cut: u64,
    /// Edits and deletes refused because the record had changed (409).
    pub conflicts: u64,
    /// Enrolments refused because the course was full (409).
    pub full: u64,
    pub acks: Vec<Ack>,
    /// Markers of records a delete was sent for.
    pub deleted: HashSet<(&'static str, String)>,
    /// The first few 5xx answers, for the failure message.
    pub server_errors: Vec<String>,
}

impl Report {
    pub fn count(&self, status: u16) -> u64 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    pub fn five_hundreds(&self) -> u64 {
        self.by_status
            .iter()
            .filter(|(status, _)| **status >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    /// The acknowledged records that must still exist.
    pub fn expected(&self) -> impl Iterator<Item = &Ack> {
        self.acks.iter().filter(|ack| {
            !self.deleted.contains(&(ack.kind, ack.marker.clone()))
                && ack
                    .parent
                    .as_ref()
                    .is_none_or(|parent| !self.deleted.contains(parent))
        })
    }

    /// One line for logs and the README.
    pub fn summary(&self) -> String {
        let statuses: Vec<String> = self
            .by_status
            .iter()
            .map(|(status, n)| format!("{status}: {n}"))
            .collect();
        format!(
            "{} requests ({}), {} unanswered, {} cut, {} conflicts, {} full, {} creates acknowledged",
            self.requests,
            statuses.join(", "),
            self.unanswered,
            self.cut,
            self.conflicts,
            self.full,
            self.acks.len()
        )
    }

    fn merge(&mut self, other: Report) {
        self.requests += other.requests;
        for (status, n) in other.by_status {
            *self.by_status.entry(status).or_default() += n;
        }
        self.unanswered += other.unanswered;
        self.cut += other.cut;
        self.conflicts += other.conflicts;
        self.full += other.full;
        self.acks.extend(other.acks);
        self.deleted.extend(other.deleted);
        for error in other.server_errors {
            if self.server_errors.len() < 5 {
                self.server_errors.push(error);
            }
        }
    }
}

/// Ids every client may pick from (what someone else made is fair game).
#[derive(Default)]
struct Known {
    handlers: Vec<i64>,
    pets: Vec<i64>,
    students: Vec<i64>,
    courses: Vec<i64>,
}

struct Shared {
    known: Mutex<Known>,
    counter: AtomicU64,
    /// Writes acknowledged so far, by every client.
    acked: AtomicU64,
    /// Set to end the load before its time.
    stop: std::sync::atomic::AtomicBool,
    tag: String,
}

impl Shared {
    fn new(tag: &str) -> Arc<Self> {
        Arc::new(Shared {
            known: Mutex::default(),
            counter: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            stop: Default::default(),
            tag: tag.to_owned(),
        })
    }
}

/// A small deterministic generator (xorshift): no `rand` needed.
pub struct Dice(pub u64);

impl Dice {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<T: Copy>(&mut self, list: &[T]) -> Option<T> {
        (!list.is_empty()).then(|| list[self.below(list.len())])
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// What one request came back as.
enum Outcome {
    Answer {
        status: u16,
        location: String,
        body: String,
    },
    Unanswered,
    Cut,
}

fn client(target: &Target) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", target.address.parse().unwrap());
    headers.insert("cookie", target.cookie.parse().unwrap());
    headers.insert("accept", "text/html".parse().unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The id in a success URL: `/pets/7/?created=1` (the path's), or
/// `/?created=7` (the student list's).
fn id_in(location: &str) -> Option<i64> {
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    path.split('/')
        .filter_map(|part| part.parse::<i64>().ok())
        .next_back()
        .or_else(|| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("created="))
                .and_then(|id| id.parse().ok())
        })
}

/// The `version` hidden field of a form page.
fn version_in(html: &str) -> Option<String> {
    let marker = "name=\"version\" value=\"";
    let at = html.find(marker)? + marker.len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

struct Client {
    http: reqwest::Client,
    address: String,
    shared: Arc<Shared>,
    dice: Dice,
    report: Report,
    /// Records this client made and may edit or delete: (kind, id, marker).
    mine: Vec<(&'static str, i64, String)>,
}

impl Client {
    async fn send(&mut self, request: reqwest::RequestBuilder) -> Outcome {
        self.report.requests += 1;
        let response = match request.send().await {
            Ok(response) => response,
            Err(_) => {
                self.report.unanswered += 1;
                return Outcome::Unanswered;
            }
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        match response.text().await {
            Ok(body) => {
                *self.report.by_status.entry(status).or_default() += 1;
                if status >= 500 && self.report.server_errors.len() < 5 {
                    let text: String = body.chars().take(300).collect();
                    self.report.server_errors.push(format!("{status}: {text}"));
                }
                Outcome::Answer {
                    status,
                    location,
                    body,
                }
            }
            Err(_) => {
                self.report.cut += 1;
                Outcome::Cut
            }
        }
    }

    fn unique(&self) -> String {
        let n = self.shared.counter.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n}", self.shared.tag)
    }

    fn ack(&mut self, kind: &'static str, marker: String, parent: Option<(&'static str, String)>) {
        self.shared.acked.fetch_add(1, Ordering::Relaxed);
        self.report.acks.push(Ack {
            kind,
            marker,
            parent,
            at: Instant::now(),
        });
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.address)).form(form)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.address))
    }

    async fn create_student(&mut self) {
        let unique = self.unique();
        let email = format!("load.{unique}@example.org");
        let age = (18 + self.dice.below(40)).to_string();
        // One in five through the server function, as with JavaScript on.
        if self.dice.below(5) == 0 {
            let request = self
                .http
                .post(format!("{}/api/students/create", self.address))
                .header("accept", "application/json")
                .form(&[
                    ("input[firstname]", "Load"),
                    ("input[lastname]", unique.as_str()),
                    ("input[email]", email.as_str()),
                    ("input[age]", age.as_str()),
                ]);
            if let Outcome::Answer {
                status: 200, body, ..
            } = self.send(request).await
            {
                if let Ok(id) = body.trim().parse::<i64>() {
                    self.made("student", id, email);
                }
            }
            return;
        }
        let request = self.post(
            "/create/",
            &[
                ("firstname", "Load"),
                ("lastname", &unique),
                ("email", &email),
                ("age", &age),
                ("bio", "Made under load."),
            ],
        );
        if let Outcome::Answer {
            status: 303,
            location,
            ..
        } = self.send(request).await
        {
            if let Some(id) = id_in(&location) {
                self.made("student", id, email);
            }
        }
    }

    fn made(&mut self, kind: &'static str, id: i64, marker: String) {
        {
            let mut known = self.shared.known.lock().unwrap();
            match kind {
                "student" => known.students.push(id),
                "handler" => known.handlers.push(id),
                "pet" => known.pets.push(id),
                _ => {}
            }
        }
        self.ack(kind, marker.clone(), None);
        self.mine.push((kind, id, marker));
    }

    async fn edit_student(&mut self) {
        let Some(id) = self.dice.pick(&self.shared.known.lock().unwrap().students) else {
            return;
        };
        let path = format!("/{id}/edit/");
        let Outcome::Answer {
            status: 200, body, ..
        } = self.send(self.get(&path)).await
        else {
            return;
        };
        let Some(version) = version_in(&body) else {
            return;
        };
        // Only the age changes: the email (the marker) stays.
        let field = |name: &str| {
            let marker = format!("name=\"{name}\" value=\"");
            body.find(&marker)
                .map(|at| {
                    let rest = &body[at + marker.len()..];
                    rest[..rest.find('"').unwrap_or(0)].to_owned()
                })
                .unwrap_or_default()
        };
        let (first, last, email) = (field("firstname"), field("lastname"), field("email"));
        let age = (18 + self.dice.below(60)).to_string();
        let request = self.post(
            &path,
            &[
                ("firstname", &first),
                ("lastname", &last),
                ("email", &email),
                ("age", &age),
                ("version", &version),
            ],
        );
        if let Outcome::Answer { status: 409, .. } = self.send(request).await {
            self.report.conflicts += 1;
        }
    }

    /// Posts a create form; on 303, notes the new record under `marker`.
    async fn create(
        &mut self,
        kind: &'static str,
        path: &str,
        form: &[(&str, &str)],
        marker: String,
    ) {
        let request = self.post(path, form);
        if let Outcome::Answer {
            status: 303,
            location,
            ..
        } = self.send(request).await
        {
            if let Some(id) = id_in(&location) {
                self.made(kind, id, marker);
            }
        }
    }

    async fn create_handler(&mut self) {
        let name = format!("Handler {}", self.unique());
        self.create(
            "handler",
            "/handlers/create/",
            &[("name", &name)],
            name.clone(),
        )
        .await;
    }

    async fn create_pet(&mut self) {
        let Some(handler) = self.dice.pick(&self.shared.known.lock().unwrap().handlers) else {
            return;
        };
        let name = format!("Pet {}", self.unique());
        let category = ["Dog", "Cat", "Parrot", "dog"][self.dice.below(4)];
        let handler = handler.to_string();
        let form = [
            ("name", name.as_str()),
            ("category", category),
            ("handler_id", &handler),
        ];
        self.create("pet", "/pets/create/", &form, name.clone())
            .await;
    }

    async fn comment(&mut self) {
        let Some(pet) = self.dice.pick(&self.shared.known.lock().unwrap().pets) else {
            return;
        };
        let body = format!("Comment {}", self.unique());
        let request = self.post(&format!("/pets/{pet}/comments/"), &[("body", &body)]);
        if let Outcome::Answer { status: 303, .. } = self.send(request).await {
            // The pet's marker is not known here when someone else made
            // it: its id stands in (deleted pets are noted by id too).
            self.ack("comment", body, Some(("pet-id", pet.to_string())));
        }
    }

    async fn enrol(&mut self) {
        let (student, course) = {
            let known = self.shared.known.lock().unwrap();
            (
                self.dice.pick(&known.students),
                self.dice.pick(&known.courses),
            )
        };
        let (Some(student), Some(course)) = (student, course) else {
            return;
        };
        let (student, course_s) = (student.to_string(), course.to_string());
        let request = self.post(
            &format!("/courses/{course}/enrol/"),
            &[("course_id", &course_s), ("student_id", &student)],
        );
        if let Outcome::Answer {
            status: 409, body, ..
        } = self.send(request).await
        {
            if body.contains("full") {
                self.report.full += 1;
            }
        }
    }

    /// Deletes one of this client's own students or pets, through its
    /// confirm page.
    async fn delete_own(&mut self) {
        let candidates: Vec<usize> = (0..self.mine.len())
            .filter(|&i| matches!(self.mine[i].0, "student" | "pet"))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let at = candidates[self.dice.below(candidates.len())];
        let (kind, id, marker) = self.mine.swap_remove(at);
        let path = match kind {
            "student" => format!("/{id}/delete/"),
            _ => format!("/pets/{id}/delete/"),
        };
        let Outcome::Answer {
            status: 200, body, ..
        } = self.send(self.get(&path)).await
        else {
            return;
        };
        let Some(version) = version_in(&body) else {
            return;
        };
        self.report.deleted.insert((kind, marker));
        if kind == "pet" {
            self.report.deleted.insert(("pet-id", id.to_string()));
        }
        {
            let mut known = self.shared.known.lock().unwrap();
            let list = match kind {
                "student" => &mut known.students,
                _ => &mut known.pets,
            };
            list.retain(|other| *other != id);
        }
        let request = self.post(&path, &[("version", &version)]);
        if let Outcome::Answer { status: 409, .. } = self.send(request).await {
            self.report.conflicts += 1;
        }
    }

    async fn read(&mut self) {
        let course = self.dice.pick(&self.shared.known.lock().unwrap().courses);
        let path = match (self.dice.below(4), course) {
            (0, _) => "/?per=50".to_owned(),
            (1, _) => "/pets/?category=dog".to_owned(),
            (2, Some(course)) => format!("/courses/{course}/"),
            _ => "/handlers/".to_owned(),
        };
        self.send(self.get(&path)).await;
    }

    async fn step(&mut self) {
        match self.dice.below(100) {
            0..=24 => self.create_student().await,
            25..=34 => self.edit_student().await,
            35..=42 => self.create_handler().await,
            43..=57 => self.create_pet().await,
            58..=72 => self.comment().await,
            73..=82 => self.enrol().await,
            83..=89 => self.delete_own().await,
            _ => self.read().await,
        }
    }
}

/// A few courses (two with few seats, so that some enrolments meet a full
/// course: two seats fill even in a slow run, a few dozen enrolments in
/// all) and handlers to start from, made through the forms.
async fn prepare(target: &Target, shared: &Shared) {
    let http = client(target);
    for (i, capacity) in ["2", "40", ""].iter().enumerate() {
        let code = format!("L{}-{i}", &shared.tag[..6.min(shared.tag.len())]).to_uppercase();
        let response = http
            .post(format!("{}/courses/create/", target.address))
            .form(&[
                ("code", code.as_str()),
                ("title", "Load testing"),
                ("capacity", capacity),
            ])
            .send()
            .await
            .expect("prepare: create a course");
        assert_eq!(response.status().as_u16(), 303, "prepare: course {code}");
        let location = response
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap();
        let id = id_in(location).unwrap();
        shared.known.lock().unwrap().courses.push(id);
    }
    for i in 0..3 {
        let name = format!("Handler {}-seed-{i}", shared.tag);
        let response = http
            .post(format!("{}/handlers/create/", target.address))
            .form(&[("name", name.as_str())])
            .send()
            .await
            .expect("prepare: create a handler");
        assert_eq!(response.status().as_u16(), 303);
        let location = response
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap();
        shared
            .known
            .lock()
            .unwrap()
            .handlers
            .push(id_in(location).unwrap());
    }
}

/// Runs `plan.clients` clients, spread over `targets`, for
/// `plan.duration`, after making a few courses and handlers on the first
/// [`run`] in a task of its own: the load goes on while the test does
/// things to the server.
pub fn start(target: Target, clients: usize, millis: u64, tag: &str) -> Running {
    let shared = Shared::new(tag);
    let plan = Plan {
        clients,
        duration: Duration::from_millis(millis),
    };
    let task = tokio::spawn(run_shared(vec![target], plan, shared.clone()));
    Running { task, shared }
}

/// A load started by [`start`], still running.
pub struct Running {
    task: tokio::task::JoinHandle<Report>,
    shared: Arc<Shared>,
}

impl Running {
    /// Waits until the server has acknowledged `writes` writes (instead of
    /// sleeping and hoping it did); panics after 30 s.
    pub async fn acknowledged(&self, writes: u64) {
        let started = Instant::now();
        while self.shared.acked.load(Ordering::Relaxed) < writes {
            assert!(
                started.elapsed() < Duration::from_secs(30) && !self.task.is_finished(),
                "only {} writes acknowledged",
                self.shared.acked.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Lets the load go on for `more`, then stops it; its report.
    pub async fn finish_after(self, more: Duration) -> Report {
        tokio::time::sleep(more).await;
        self.shared.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("the load panicked")
    }
}

/// target. `tag` keeps markers apart from other runs on the same database.
pub async fn run(targets: &[Target], plan: Plan, tag: &str) -> Report {
    let shared = Shared::new(tag);
    run_shared(targets.to_vec(), plan, shared).await
}

async fn run_shared(targets: Vec<Target>, plan: Plan, shared: Arc<Shared>) -> Report {
    let targets = &targets[..];
    prepare(&targets[0], &shared).await;
    let deadline = Instant::now() + plan.duration;
    let https: Vec<reqwest::Client> = targets.iter().map(client).collect();
    let mut tasks = Vec::new();
    for n in 0..plan.clients {
        let which = n % targets.len();
        let mut client = Client {
            http: https[which].clone(),
            address: targets[which].address.clone(),
            shared: shared.clone(),
            dice: Dice(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D)),
            report: Report::default(),
            mine: Vec::new(),
        };
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline && !client.shared.stop.load(Ordering::Relaxed) {
                let before = client.report.unanswered;
                client.step().await;
                if client.report.unanswered > before {
                    // The server is away (restarting): do not spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            client.report
        }));
    }
    let mut report = Report::default();
    for task in tasks {
        report.merge(task.await.expect("a load client panicked"));
    }
    report
}

/// The acknowledged records that are not in the database, or have no
/// history entry: each as "kind marker …". Empty when nothing was lost.
pub async fn missing(db: &roster_core::db::Db, report: &Report) -> Vec<String> {
    use roster_core::domain::Kind;
    let mut lost = Vec::new();
    for ack in report.expected() {
        let kind = match ack.kind {
            "student" => Kind::Student,
            "handler" => Kind::Handler,
            "pet" => Kind::Pet,
            _ => Kind::Comment,
        };
        let found = db
            .count_marked(kind, &ack.marker)
            .await
            .expect("look a record up");
        if found != 1 {
            lost.push(format!("{} {} (found {found})", ack.kind, ack.marker));
        }
    }
    // Every acknowledged write left its history entry (a comment's is its
    // pet's), kept or deleted since.
    for ack in &report.acks {
        let noted = match ack.kind {
            "student" => Kind::Student,
            "handler" => Kind::Handler,
            _ => Kind::Pet,
        };
        let entries = db
            .count_history_marked(noted, &ack.marker)
            .await
            .expect("look an entry up");
        if entries == 0 {
            lost.push(format!("{} {} has no history entry", ack.kind, ack.marker));
        }
    }
    lost
}
