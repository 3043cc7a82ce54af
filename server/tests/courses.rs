//! Courses and enrolments over plain HTTP: course rules, enrolling from
//! either side, grades, capacity under concurrency, cascades.

mod common;

use common::{field_error, location, spawn_app, LostUpdate, TestApp};
use roster_core::domain::{CourseStudents, EnrolmentSort, EnrolmentsOf, QueryOf};

async fn create_course(app: &TestApp, code: &str, capacity: &str) -> i64 {
    app.create_course(code, "Marine biology", capacity).await
}

async fn create_student(app: &TestApp, n: usize) -> i64 {
    let email = format!("s{n}@example.com");
    app.create_student("Stu", &format!("Dent{n}"), &email).await
}

async fn enrol(app: &TestApp, client: &reqwest::Client, course: i64, student: i64) -> u16 {
    client
        .post(app.url(&format!("/courses/{course}/enrol/")))
        .header("accept", "text/html")
        .form(&[("student_id", student.to_string())])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn course_rules_are_checked_at_their_fields() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/courses/create/",
            &[("code", " bio-101 "), ("title", "Marine biology")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let id = common::id_in(&location(&response));
    let (_, html) = app.get_html(&format!("/courses/{id}/")).await;
    assert!(html.contains("BIO-101"), "codes are shown upper-case");
    // The same code in another case is taken.
    let response = app
        .post_form(
            "/courses/create/",
            &[("code", "Bio-101"), ("title", "Again")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        field_error(&html, "code").contains("Another course"),
        "{}",
        field_error(&html, "code")
    );
    let long = "d".repeat(5_001);
    for (field, value, message) in [
        ("code", "b", "2 to 20"),
        ("code", "bio 101", "letters, digits"),
        ("title", "", "required"),
        ("description", long.as_str(), "at most 5000"),
        ("capacity", "0", "from 1 to 10000"),
        ("capacity", "10001", "from 1 to 10000"),
        ("capacity", "many", "from 1 to 10000"),
    ] {
        let mut form = vec![("code", "CHEM-1"), ("title", "Chemistry")];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = app.post_form("/courses/create/", &form).await;
        assert_eq!(response.status().as_u16(), 422, "{field}={value:.10}");
        let html = response.text().await.unwrap();
        assert!(
            field_error(&html, field).contains(message),
            "{field}: {}",
            field_error(&html, field)
        );
    }
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn students_are_enrolled_graded_and_unenrolled_from_both_sides() {
    let app = spawn_app().await;
    let course = create_course(&app, "BIO-101", "").await;
    let ada = create_student(&app, 1).await;
    let ben = create_student(&app, 2).await;
    assert_eq!(enrol(&app, &app.client, course, ada).await, 303);
    // Twice is refused, at the field.
    let response = app
        .post_form(
            &format!("/courses/{course}/enrol/"),
            &[("student_id", &ada.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(field_error(&response.text().await.unwrap(), "student_id").contains("Already enrolled"));
    // From the student's page, with a date.
    let response = app
        .post_form(
            &format!("/{ben}/enrol/"),
            &[
                ("course_id", &course.to_string()),
                ("enrolled_on", "2026-09-01"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/{ben}/#enrolments"));
    let (_, html) = app.get_html(&format!("/courses/{course}/")).await;
    assert!(html.contains("2 enrolments") && html.contains("Sep 1, 2026"));
    assert!(html.contains("2 enrolled, no limit"));

    // A grade, then the student's page shows it.
    let enrolment = html
        .split("id=\"enrolment-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let grade = format!("/courses/{course}/enrolments/{enrolment}/grade/");
    let response = app
        .post_form(&grade, &[("grade", "101"), ("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let response = app
        .post_form(&grade, &[("grade", "87"), ("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(&grade, &[("grade", "90"), ("version", "1")])
        .await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "a grade saved over a newer one"
    );
    let html = response.text().await.unwrap().replace("<!>", "");
    assert!(
        html.contains("since you opened this page (it is now 87), so yours (90) was not saved"),
        "both grades are shown: {html}"
    );
    let (_, html) = app.get_html(&format!("/{ada}/")).await;
    assert!(
        html.contains("BIO-101 Marine biology") && html.contains(">87<"),
        "{html}"
    );

    // Unenrol from the course's page, leave from the student's.
    let response = app
        .post_form(
            &format!("/courses/{course}/enrolments/{enrolment}/delete/"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html(&format!("/{ben}/")).await;
    let other = html
        .split("id=\"enrolment-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    // Not Ada's enrolment under Ben's URL.
    let response = app
        .post_form(&format!("/{ada}/enrolments/{other}/delete/"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app
        .post_form(&format!("/{ben}/enrolments/{other}/delete/"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("enrolments").await, 0);
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn ten_seats_and_fifty_at_once_make_ten_enrolled_and_forty_refused() {
    let app = spawn_app().await;
    let course = create_course(&app, "FULL-1", "10").await;
    let mut students = Vec::new();
    for n in 0..50 {
        students.push(create_student(&app, n).await);
    }
    let mut tasks = Vec::new();
    for student in students {
        let client = app.client.clone();
        let url = app.url(&format!("/courses/{course}/enrol/"));
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .header("accept", "text/html")
                .form(&[("student_id", student.to_string())])
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }));
    }
    let (mut enrolled, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (303, _) => enrolled += 1,
            (409, html) => {
                assert!(html.contains("This course is full"), "a clear answer");
                full += 1;
            }
            (status, _) => panic!("unexpected {status}"),
        }
    }
    assert_eq!((enrolled, full), (10, 40));
    let (_, html) = app.get_html(&format!("/courses/{course}/")).await;
    assert!(html.contains("10 of 10 taken"));
    // A capacity below the number enrolled is refused at the field.
    let response = app
        .post_form(
            &format!("/courses/{course}/edit/"),
            &[
                ("code", "FULL-1"),
                ("title", "Marine biology"),
                ("capacity", "9"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(field_error(&response.text().await.unwrap(), "capacity")
        .contains("More students are enrolled"));
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn deleting_a_course_or_a_student_takes_their_enrolments_and_nothing_else() {
    let app = spawn_app().await;
    let bio = create_course(&app, "BIO-101", "").await;
    let chem = create_course(&app, "CHEM-1", "").await;
    let ada = create_student(&app, 1).await;
    let ben = create_student(&app, 2).await;
    for (course, student) in [(bio, ada), (bio, ben), (chem, ada)] {
        assert_eq!(enrol(&app, &app.client, course, student).await, 303);
    }
    let (_, html) = app.get_html(&format!("/courses/{bio}/delete/")).await;
    assert!(html.contains("Its 2 enrolments go with it"), "{html}");
    let response = app
        .post_form(&format!("/courses/{bio}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("enrolments").await, 1);
    assert_eq!(app.count().await, 2, "students stay");
    let (_, html) = app.get_html(&format!("/{ada}/delete/")).await;
    assert!(html.contains("Their 1 enrolment goes with them"), "{html}");
    let response = app
        .post_form(&format!("/{ada}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("enrolments").await, 0);
    assert_eq!(app.counted("courses").await, 1, "courses stay");
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn course_text_is_escaped() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/courses/create/",
            &[
                ("code", "XSS-1"),
                ("title", "<script>alert(1)</script>"),
                ("description", "</textarea><script>alert(2)</script>"),
            ],
        )
        .await;
    let id = common::id_in(&location(&response));
    for path in [
        "/courses/".to_owned(),
        format!("/courses/{id}/"),
        format!("/courses/{id}/edit/"),
    ] {
        let (_, html) = app.get_html(&path).await;
        assert!(!html.contains("<script>alert"), "{path} has a live script");
        assert!(
            html.contains("&lt;script&gt;alert(1)"),
            "{path} lost the title"
        );
    }
}

#[tokio::test]
async fn the_course_list_counts_and_sorts() {
    let app = spawn_app().await;
    let big = create_course(&app, "BIG-1", "30").await;
    create_course(&app, "SMALL-1", "").await;
    for n in 0..3 {
        let student = create_student(&app, n).await;
        enrol(&app, &app.client, big, student).await;
    }
    let (_, html) = app.get_html("/courses/?sort=-enrolled").await;
    assert!(html.contains("3 / 30") && html.contains("2 courses"));
    assert!(html.find("BIG-1").unwrap() < html.find("SMALL-1").unwrap());
    let (_, html) = app.get_html("/courses/?q=small").await;
    assert!(html.contains("1 course matches") && !html.contains("BIG-1"));
    let anonymous = app.anonymous();
    let response = app.get_as(&anonymous, "/courses/").await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn an_edit_over_a_newer_version_is_refused_and_loses_nothing() {
    let app = spawn_app().await;
    let course = create_course(&app, "bio-101", "30").await;
    app.assert_no_lost_update(LostUpdate {
        edit: format!("/courses/{course}/edit/"),
        view: format!("/courses/{course}/"),
        delete: Some(format!("/courses/{course}/delete/")),
        first: vec![
            ("code", "BIO-101"),
            ("title", "Marine biology"),
            ("description", ""),
            ("capacity", "25"),
        ],
        second: vec![
            ("code", "BIO-101"),
            ("title", "Marine biology"),
            ("description", ""),
            ("capacity", "40"),
        ],
        field: "capacity",
        first_value: "25",
        second_value: "40",
    })
    .await;
}

/// Like the pet's page (see `pets.rs`): the course's students and the
/// student's courses are each read once per page.
#[tokio::test]
async fn course_and_student_pages_read_their_lists_once() {
    let app = spawn_app().await;
    let course = create_course(&app, "BIO-1", "").await;
    let student = create_student(&app, 1).await;
    assert_eq!(enrol(&app, &app.client, course, student).await, 303);
    let (_, html) = app.get_html(&format!("/courses/{course}/")).await;
    assert!(html.contains("Dent1"), "{html}");
    assert_eq!(common::list_payloads(&html), 1, "{html}");
    let (_, html) = app.get_html(&format!("/{student}/")).await;
    assert!(html.contains("BIO-1"), "{html}");
    assert_eq!(common::list_payloads(&html), 1, "{html}");
}

/// Where each of `names` first appears in `html` (in that order, or the
/// test fails).
fn in_order(html: &str, names: &[&str]) {
    let at: Vec<usize> = names
        .iter()
        .map(|name| {
            html.find(name)
                .unwrap_or_else(|| panic!("{name} not in {html}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{names:?} at {at:?}");
}

/// Course `course`'s students in the list's `sort` (its first page).
async fn names_by(app: &TestApp, course: i64, sort: EnrolmentSort) -> Vec<String> {
    let query = QueryOf::<CourseStudents> {
        sort,
        filter: EnrolmentsOf {
            course: Some(course),
            student: None,
        },
        ..Default::default()
    };
    let page = app.db.list::<CourseStudents>(&query).await.unwrap();
    page.rows.into_iter().map(|e| e.student_name).collect()
}

#[tokio::test]
async fn a_course_lists_its_students_by_their_names_now_after_a_rename() {
    let app = spawn_app().await;
    let course = create_course(&app, "BIO-1", "").await;
    let ada = app.create_student("Ada", "Adams", "ada@example.com").await;
    let bea = app.create_student("Bea", "Brown", "bea@example.com").await;
    let cy = app.create_student("Cy", "Brown", "cy@example.com").await;
    for student in [cy, ada, bea] {
        assert_eq!(enrol(&app, &app.client, course, student).await, 303);
    }
    let page = format!("/courses/{course}/");
    let sheet = format!("/courses/{course}/grades/");
    let (_, html) = app.get_html(&page).await;
    in_order(&html, &["Ada Adams", "Bea Brown", "Cy Brown"]);
    assert_eq!(
        names_by(&app, course, EnrolmentSort::NameDesc).await,
        ["Cy Brown", "Bea Brown", "Ada Adams"]
    );

    // Ada marries into the Zetas, and Bea is renamed Dee: the course's list,
    // both ways, and its grade sheet follow at once.
    for (id, first, last, email) in [
        (ada, "Ada", "Zeta", "ada@example.com"),
        (bea, "Dee", "Brown", "bea@example.com"),
    ] {
        let edit = format!("/{id}/edit/");
        let version = app.form_version(&edit).await.to_string();
        let mut form = common::student_form(first, last, email);
        form.push(("version", &version));
        assert_eq!(app.post_form(&edit, &form).await.status(), 303, "{edit}");
    }
    let (_, html) = app.get_html(&page).await;
    in_order(&html, &["Cy Brown", "Dee Brown", "Ada Zeta"]);
    assert!(!html.contains("Ada Adams"), "{html}");
    assert_eq!(
        names_by(&app, course, EnrolmentSort::NameAsc).await,
        ["Cy Brown", "Dee Brown", "Ada Zeta"]
    );
    assert_eq!(
        names_by(&app, course, EnrolmentSort::NameDesc).await,
        ["Ada Zeta", "Dee Brown", "Cy Brown"]
    );
    let (_, html) = app.get_html(&sheet).await;
    in_order(&html, &["Cy Brown", "Dee Brown", "Ada Zeta"]);
    // Every enrolment's copy of its student's name agrees (roster check).
    app.assert_counters_agree().await;
}

/// Enrolment `email` in course `code`: (id, version, grade).
async fn enrolment_of(app: &TestApp, email: &str, code: &str) -> (i64, i64, Option<i64>) {
    let sql = "SELECT e.id, e.version, e.grade FROM enrolments e \
               JOIN students s ON s.id = e.student_id JOIN courses c ON c.id = e.course_id \
               WHERE s.email = $1 AND c.code = $2";
    match &app.db {
        roster_core::db::Db::Sqlite(pool) => sqlx::query_as(sql)
            .bind(email)
            .bind(code)
            .fetch_one(pool)
            .await
            .unwrap(),
        roster_core::db::Db::Postgres(pool) => sqlx::query_as(sql)
            .bind(email)
            .bind(code)
            .fetch_one(pool)
            .await
            .unwrap(),
    }
}

#[tokio::test]
async fn a_grade_sheet_saves_the_grades_changed_on_it_and_leaves_rows_changed_since() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (jd, jd_version, _) = enrolment_of(&app, "jd@example.com", "BIO-101").await;
    let (sammy, sammy_version, _) = enrolment_of(&app, "sammyshark@example.com", "BIO-101").await;
    let (elsewhere, elsewhere_version, _) =
        enrolment_of(&app, "sammyshark@example.com", "MAR-201").await;
    let course = app.db.get_enrolment(jd).await.unwrap().unwrap().course_id;
    let sheet = format!("/courses/{course}/grades/");
    let (status, html) = app.get_html(&sheet).await;
    assert_eq!(status, 200);
    let (doe, shark) = (
        html.find("John Doe").unwrap(),
        html.find("Sammy Shark").unwrap(),
    );
    assert!(doe < shark, "by name");
    assert!(
        html.contains(&format!("name=\"grade-{jd}\" value=\"88\"")),
        "{html}"
    );
    let (_, page) = app.get_html(&format!("/courses/{course}/")).await;
    assert!(
        page.contains(&format!("href=\"{sheet}\"")),
        "the course links its sheet"
    );

    // Someone else grades Sammy meanwhile.
    app.db
        .set_grade(
            &roster_core::db::By::operator(),
            sammy,
            sammy_version,
            Some(50),
        )
        .await
        .unwrap();
    let (jd_v, sammy_v) = (jd_version.to_string(), sammy_version.to_string());
    let form = |jd_grade: &'static str, sammy_grade: &'static str| {
        vec![
            (format!("grade-{jd}"), jd_grade.to_owned()),
            (format!("was-{jd}"), "88".to_owned()),
            (format!("version-{jd}"), jd_v.clone()),
            (format!("grade-{sammy}"), sammy_grade.to_owned()),
            (format!("was-{sammy}"), String::new()),
            (format!("version-{sammy}"), sammy_v.clone()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let sheet = sheet.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_form(&sheet, &pairs).await
        }
    };

    // A grade out of range: nothing saved, the message at its row, and
    // every grade typed shown again, over the grade it was typed over (so
    // that Sammy's, changed meanwhile, is still caught when it is sent
    // again).
    let response = post(form("101", "70")).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    let text = common::visible_text(&html);
    assert!(
        text.contains("Enter a grade from 0 to 100, or leave it empty."),
        "{text}"
    );
    assert!(text.contains("Nothing was saved."), "{text}");
    assert!(html.contains(&format!("name=\"grade-{jd}\" value=\"101\"")));
    // The refused row's input names its message, for screen readers.
    assert!(html.contains(&format!(
        "name=\"grade-{jd}\" value=\"101\" aria-describedby=\"grade-{jd}-message\" aria-invalid=\"true\""
    )));
    assert!(html.contains(&format!(
        "id=\"grade-{jd}-message\"><span class=\"field-error\">"
    )));
    assert!(html.contains(&format!("name=\"grade-{sammy}\" value=\"70\"")));
    assert!(html.contains(&format!("name=\"was-{sammy}\" value=\"\"")));
    assert!(html.contains(&format!(
        "name=\"version-{sammy}\" value=\"{sammy_version}\""
    )));
    assert_eq!(
        enrolment_of(&app, "jd@example.com", "BIO-101").await.2,
        Some(88)
    );
    assert_eq!(
        enrolment_of(&app, "sammyshark@example.com", "BIO-101")
            .await
            .2,
        Some(50)
    );

    // John's saved; Sammy's (changed since) left, shown with its grade now
    // beside what was typed.
    let response = post(form("91", "70")).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    let text = common::visible_text(&html);
    assert!(
        text.contains("Saved 1 grade. 1 row changed since you opened the sheet and was not saved"),
        "{text}"
    );
    assert!(text.contains("Changed by someone else: now 50."), "{text}");
    assert!(
        html.contains(&format!("name=\"grade-{sammy}\" value=\"70\"")),
        "typed kept"
    );
    // Over its grade now: saving again keeps what was typed.
    assert!(
        html.contains(&format!("name=\"was-{sammy}\" value=\"50\"")),
        "{html}"
    );
    assert_eq!(
        enrolment_of(&app, "jd@example.com", "BIO-101").await.2,
        Some(91)
    );
    assert_eq!(
        enrolment_of(&app, "sammyshark@example.com", "BIO-101")
            .await
            .2,
        Some(50)
    );
    let graded = format!(
        "SELECT COUNT(*) FROM history WHERE action = 'graded' AND kind = 'student' \
         AND record_id = (SELECT student_id FROM enrolments WHERE id = {jd})"
    );
    let entries: i64 = match &app.db {
        roster_core::db::Db::Sqlite(pool) => {
            sqlx::query_scalar(&graded).fetch_one(pool).await.unwrap()
        }
        roster_core::db::Db::Postgres(pool) => {
            sqlx::query_scalar(&graded).fetch_one(pool).await.unwrap()
        }
    };
    assert_eq!(entries, 1, "the saved grade is in John's history");

    // Nothing changed on the sheet: nothing written.
    let (_, version, _) = enrolment_of(&app, "jd@example.com", "BIO-101").await;
    let unchanged = vec![
        (format!("grade-{jd}"), "91".to_owned()),
        (format!("was-{jd}"), "91".to_owned()),
        (format!("version-{jd}"), version.to_string()),
    ];
    let response = post(unchanged).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{sheet}?saved=0"));
    assert_eq!(
        enrolment_of(&app, "jd@example.com", "BIO-101").await.1,
        version
    );

    // A row of another course's: the whole sheet refused.
    let crafted = vec![
        (format!("grade-{jd}"), "60".to_owned()),
        (format!("was-{jd}"), "91".to_owned()),
        (format!("version-{jd}"), version.to_string()),
        (format!("grade-{elsewhere}"), "10".to_owned()),
        (format!("was-{elsewhere}"), "92".to_owned()),
        (
            format!("version-{elsewhere}"),
            elsewhere_version.to_string(),
        ),
    ];
    let response = post(crafted).await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        enrolment_of(&app, "jd@example.com", "BIO-101").await.2,
        Some(91)
    );
    assert_eq!(
        enrolment_of(&app, "sammyshark@example.com", "MAR-201")
            .await
            .2,
        Some(92)
    );
}

#[tokio::test]
async fn a_course_page_sums_up_its_grades_with_a_chart_and_its_table() {
    let app = spawn_app().await;
    let course = create_course(&app, "STA101", "").await;
    let empty = create_course(&app, "STA102", "").await;
    let client = app.client.clone();
    for (n, grade) in [(1, Some(50)), (2, Some(71)), (3, Some(100)), (4, None)] {
        let student = create_student(&app, n).await;
        assert_eq!(enrol(&app, &client, course, student).await, 303);
        if let Some(grade) = grade {
            set_grade(&app, course, n, "STA101", grade).await;
        }
    }
    let (status, html) = app.get_html(&format!("/courses/{course}/")).await;
    assert_eq!(status, 200);
    let html = html.replace("<!>", "");
    let figure = |class: &str| {
        html.split(&format!("<dd class=\"{class}\">"))
            .nth(1)
            .and_then(|rest| rest.split("</dd>").next())
            .unwrap_or_else(|| panic!("no {class} in {html}"))
            .to_owned()
    };
    // 50, 71 and 100: mean 73.67, population deviation 20.50.
    assert_eq!(figure("graded"), "3 of 4");
    assert_eq!(figure("mean"), "73.7");
    assert_eq!(figure("median"), "71");
    assert_eq!(
        (figure("lowest"), figure("highest")),
        ("50".into(), "100".into())
    );
    assert_eq!(figure("std-dev"), "20.5");
    assert!(html.contains("role=\"img\""), "{html}");
    assert!(html
        .contains("<title id=\"grades-chart-title\">How the grades fall, in bands of ten</title>"));
    assert!(
        html.contains("3 grades. 50–59: 1, 70–79: 1, 90–100: 1."),
        "{html}"
    );
    assert!(html.contains("<title>90–100: 1 grade</title>"), "{html}");
    assert!(
        html.contains("<th scope=\"row\">90–100</th><td class=\"num\">1</td>"),
        "the data table"
    );
    assert_eq!(html.matches("<rect ").count(), 10, "a bar per band");

    // The same figures from the server function; none for a course without
    // grades, and a 404 for no course.
    let stats: serde_json::Value = client
        .post(app.url("/api/courses/stats"))
        .form(&[("course", course.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["graded"], 3, "{stats}");
    assert_eq!(stats["bands"][9], 1, "{stats}");
    let (_, html) = app.get_html(&format!("/courses/{empty}/")).await;
    let html = html.replace("<!>", "");
    assert!(html.contains("<dd class=\"graded\">0 of 0</dd>"), "{html}");
    assert!(
        !html.contains("<svg class=\"bars\""),
        "no chart without grades"
    );
    let response = client
        .post(app.url("/api/courses/stats"))
        .form(&[("course", "999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

async fn set_grade(app: &TestApp, course: i64, n: usize, code: &str, grade: i64) {
    let (id, version, _) = enrolment_of(app, &format!("s{n}@example.com"), code).await;
    let response = app
        .post_form(
            &format!("/courses/{course}/enrolments/{id}/grade/"),
            &[
                ("grade", &grade.to_string()),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn a_transcript_lists_a_students_courses_and_average_and_a_course_prints_one_per_student() {
    let app = spawn_app().await;
    let saved = app
        .post_form("/settings/", &[("school_name", "Hill <School>")])
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let first = create_course(&app, "STA101", "").await;
    let second = create_course(&app, "STA102", "").await;
    let client = app.client.clone();
    let s1 = create_student(&app, 1).await;
    let s2 = create_student(&app, 2).await;
    let s3 = create_student(&app, 3).await;
    for (course, student) in [(first, s1), (second, s1), (first, s2), (second, s3)] {
        assert_eq!(enrol(&app, &client, course, student).await, 303);
    }
    set_grade(&app, first, 1, "STA101", 80).await;
    set_grade(&app, second, 1, "STA102", 91).await;
    set_grade(&app, second, 3, "STA102", 91).await;

    let (status, html) = app.get_html(&format!("/{s1}/transcript/")).await;
    assert_eq!(status, 200);
    let html = html.replace("<!>", "");
    assert_eq!(html.matches("class=\"transcript\"").count(), 1, "{html}");
    assert!(html.contains("<h1 id=\"transcript-"), "{html}");
    assert!(html.contains("Transcript: Stu Dent1"), "{html}");
    assert!(
        html.contains("<p class=\"school\">Hill &lt;School&gt;</p>"),
        "the settings' name, escaped: {html}"
    );
    assert!(html.contains(">STA101</a>") && html.contains(">STA102</a>"));
    assert!(html.contains("Average of 2 graded of 2 courses"), "{html}");
    assert!(
        html.contains("<td class=\"num average\">85.5</td>"),
        "{html}"
    );
    assert!(html.contains("<dd class=\"issued\">"), "the day issued");

    // A course's: everyone in it, by name, each with all of their courses;
    // a student not in it is not there.
    let (status, html) = app
        .get_html(&format!("/courses/{first}/transcripts/"))
        .await;
    assert_eq!(status, 200);
    let html = html.replace("<!>", "");
    let pages: Vec<&str> = html.split("class=\"transcript\"").skip(1).collect();
    assert_eq!(pages.len(), 2, "{html}");
    assert!(pages[0].contains("Transcript: Stu Dent1") && pages[0].contains("STA102"));
    assert!(pages[1].contains("Transcript: Stu Dent2"));
    assert!(pages[1].contains("Average of 0 graded of 1 courses"));
    assert!(!html.contains("Stu Dent3"), "not in the course");
    assert!(html.contains("2 students, each on a page of their own when printed."));

    // Linked from both pages.
    let (_, html) = app.get_html(&format!("/{s1}/")).await;
    assert!(html.contains(&format!("href=\"/{s1}/transcript/\"")));
    let (_, html) = app.get_html(&format!("/courses/{first}/")).await;
    assert!(html.contains(&format!("href=\"/courses/{first}/transcripts/\"")));

    // None for what is not there.
    let (status, _) = app.get_html("/999999/transcript/").await;
    assert_eq!(status, 404);
    let (status, _) = app.get_html("/courses/999999/transcripts/").await;
    assert_eq!(status, 404);

    // The grade sheet ranks by the grades saved: two share first place.
    let (_, html) = app.get_html(&format!("/courses/{second}/grades/")).await;
    assert_eq!(
        html.matches("<td class=\"rank\">1=</td>").count(),
        2,
        "{html}"
    );
}
