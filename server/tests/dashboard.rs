//! The dashboard over plain HTTP: its figures against counts made here,
//! its charts labelled, what only administrators see, and the counters
//! behind it kept right through creates, grades, moves and deletes.

mod common;

use common::{spawn_app, TestApp};

async fn create_course(app: &TestApp, code: &str, capacity: &str) -> i64 {
    app.create_course(code, "Statistics", capacity).await
}

async fn create_student(app: &TestApp, n: usize) -> i64 {
    let email = format!("d{n}@example.com");
    app.create_student("Dash", &format!("Board{n}"), &email)
        .await
}

async fn enrol(app: &TestApp, course: i64, student: i64, on: &str) {
    let response = app
        .post_form(
            &format!("/courses/{course}/enrol/"),
            &[("student_id", &student.to_string()), ("enrolled_on", on)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

/// The text of the first element with `class` (its opening tag's end to
/// the next closing tag), without leptos's markers.
fn text_of(html: &str, class: &str) -> String {
    let at = html
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no .{class} in {html}"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find("</").unwrap() + start;
    rest[start..end].replace("<!>", "")
}

#[tokio::test]
async fn the_dashboard_sums_up_the_records_with_charts_that_link_to_their_lists() {
    let app = spawn_app().await;
    let full = create_course(&app, "DSH101", "2").await;
    let half = create_course(&app, "DSH102", "4").await;
    let open = create_course(&app, "DSH103", "").await;
    let mut students = Vec::new();
    for n in 0..5 {
        students.push(create_student(&app, n).await);
    }
    // An enrolment from long ago counts in the total, not among the new.
    enrol(&app, full, students[0], "").await;
    enrol(&app, full, students[1], "").await;
    enrol(&app, half, students[2], "").await;
    enrol(&app, open, students[3], "2020-01-15").await;
    for (course, student, grade) in [(full, 0, "95"), (full, 1, "42"), (half, 2, "95")] {
        let id: i64 = sqlx_scalar(
            &app,
            &format!(
                "SELECT id FROM enrolments WHERE course_id = {course} AND student_id = {}",
                students[student]
            ),
        )
        .await;
        let response = app
            .post_form(
                &format!("/courses/{course}/enrolments/{id}/grade/"),
                &[("grade", grade), ("version", "1")],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    // A student deleted is out of the totals and the months.
    let gone = students[4];
    let response = app
        .post_form(&format!("/{gone}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    app.assert_counters_agree().await;

    let (status, html) = app.get_html("/dashboard/").await;
    assert_eq!(status, 200);
    let html = html.replace("<!>", "");
    let students_now = app.count().await;
    assert_eq!(students_now, 4);
    // Totals, each linking to its list, with what was added lately.
    assert!(
        html.contains("<li class=\"total students\"><a href=\"/\"><span class=\"figure\">4</span>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"figure\">3</span><span class=\"what\">Courses</span>"));
    assert!(html.contains("<span class=\"figure\">4</span><span class=\"what\">Enrolments</span>"));
    let lately: Vec<&str> = html.split("<span class=\"lately\">").skip(1).collect();
    assert!(
        lately[0].starts_with("+4 in 30 days"),
        "students: {}",
        lately[0]
    );
    assert!(
        lately[2].starts_with("+3 in 30 days"),
        "enrolments: the 2020 one is old"
    );

    // Students month by month: this month holds the four still here, and
    // its table row links to the list narrowed to the month.
    assert!(html.contains("<title id=\"students-chart-title\">Students added in each of the last twelve months</title>"));
    assert!(html.contains("4 students added from"), "{html}");
    let chart = html
        .split_once("<title id=\"students-chart-title\">")
        .and_then(|(_, rest)| rest.split("</svg>").next())
        .unwrap();
    assert_eq!(
        chart.matches("<g class=\"bar\">").count(),
        12,
        "a bar a month: {chart}"
    );
    assert!(html.contains("href=\"/?added_from="), "{html}");

    // The fullest courses: DSH101 2 of 2 first, then DSH102 1 of 4; the
    // course without a limit is not among them.
    assert!(text_of(&html, "bars shares").contains("The fullest courses"));
    assert!(html.contains("DSH101: 2 of 2, DSH102: 1 of 4."), "{html}");
    assert!(!html.contains("DSH103: "), "no limit, no share");
    assert!(html.contains(&format!("<a href=\"/courses/{full}/\">DSH101</a>")));

    // Every grade: 95, 42 and 95 of four enrolments.
    assert!(html.contains("<dd class=\"graded\">3 of 4</dd>"), "{html}");
    assert!(html.contains("<dd class=\"mean\">77.3</dd>"), "{html}");
    assert!(html.contains("3 grades. 40–49: 1, 90–100: 2."), "{html}");

    // The administrator sees the latest changes and the unread messages.
    assert!(html.contains("<h2 id=\"recent-heading\">Latest changes</h2>"));
    assert!(
        html.contains("Dash Board4"),
        "the deletion is among the latest"
    );
    assert!(html.contains("No unread messages"));

    // Someone else signed in sees the figures, not the log.
    let response = app
        .register_clerk("member", "member@example.com", "correct horse battery")
        .await;
    let member = app.client_with_cookie(&common::session_cookie(&response).unwrap());
    let html = app
        .get_as(&member, "/dashboard/")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Students added, month by month"));
    assert!(!html.contains("Latest changes") && !html.contains("unread message"));
    // Signed out: sign in first.
    let response = app
        .anonymous()
        .get(app.url("/dashboard/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);

    // The dashboard is first in the navigation.
    let nav = html.split("<nav").nth(1).unwrap();
    let links: Vec<&str> = nav.split("<a href=\"").skip(1).collect();
    assert!(links[1].starts_with("/dashboard/"), "{nav}");

    // Unenrolled, regraded: the counters follow.
    let id: i64 = sqlx_scalar(
        &app,
        &format!(
            "SELECT id FROM enrolments WHERE course_id = {full} AND student_id = {}",
            students[1]
        ),
    )
    .await;
    let response = app
        .post_form(
            &format!("/courses/{full}/enrolments/{id}/delete/"),
            &[("version", "2")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    app.assert_counters_agree().await;
}

async fn sqlx_scalar(app: &TestApp, sql: &str) -> i64 {
    match &app.db {
        roster_core::db::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        roster_core::db::Db::Postgres(pool) => {
            sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
        }
    }
}
