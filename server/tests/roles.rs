//! Roles over plain HTTP: what each built-in role may read and change,
//! checked where the write happens (a refused write changes nothing), and
//! a new role counting from the account's next request.

mod common;

use common::{session_cookie, spawn_app, student_form, TestApp};
use roster_core::domain::{Kind, Student};

const PASSWORD: &str = "a long enough password";

/// Registers `name` (a clerk, as every self-registered account) and gives
/// the account the role `role` (by id: 1 administrator, 2 clerk, 3 teacher,
/// 4 viewer) as the administrator; its id and a client signed in as it.
async fn account_as(app: &TestApp, name: &str, role: &str) -> (i64, reqwest::Client) {
    let response = app
        .register(name, &format!("{name}@example.com"), PASSWORD)
        .await;
    assert_eq!(response.status().as_u16(), 303, "registering {name}");
    let client = app.client_with_cookie(&session_cookie(&response).unwrap());
    let id = app.db.user_id(name).await.unwrap().unwrap();
    if role != "2" {
        set_role(app, id, role, 1).await;
    }
    (id, client)
}

async fn set_role(app: &TestApp, id: i64, role: &str, version: i64) {
    let response = app
        .post_form(
            &format!("/users/{id}/role/"),
            &[("role", role), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "setting role {role}");
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Adds student `first last` as `client`: the status.
async fn add_student(client: &reqwest::Client, app: &TestApp, first: &str, last: &str) -> u16 {
    let email = format!("{first}@example.com").to_lowercase();
    let form = student_form(first, last, &email);
    post(client, app, "/create/", &form).await.0
}

#[tokio::test]
async fn a_viewer_reads_every_record_list_and_page_but_every_write_is_refused() {
    let app = spawn_app().await;
    let ada = app
        .create_student("Ada", "Lovelace", "ada@example.com")
        .await;
    let course = app.create_course("CS101", "Computing", "").await;
    let handler = app.create_handler("Ann").await;
    let pet = app.create_pet("Rex", "Dog", handler).await;
    let (_, viewer) = account_as(&app, "vera", "4").await;

    for path in [
        "/".to_owned(),
        format!("/{ada}/"),
        format!("/{ada}/history/"),
        "/courses/".to_owned(),
        format!("/courses/{course}/"),
        "/handlers/".to_owned(),
        format!("/handlers/{handler}/"),
        "/pets/".to_owned(),
        format!("/pets/{pet}/"),
    ] {
        assert_eq!(get(&viewer, &app, &path).await, 200, "{path}");
    }
    // Administrators' pages and exports stay closed.
    for path in [
        "/users/",
        "/activity/",
        "/messages/",
        "/?format=csv",
        "/trash/",
    ] {
        assert_eq!(get(&viewer, &app, path).await, 403, "{path}");
    }

    let students = app.counted("students").await;
    let (status, page) = post(
        &viewer,
        &app,
        "/create/",
        &student_form("Eve", "New", "eve@example.com"),
    )
    .await;
    assert_eq!(status, 403, "create");
    assert!(
        page.contains("Your role does not allow"),
        "the refusal says why"
    );
    let mut edit = student_form("Augusta", "Lovelace", "ada@example.com");
    edit.push(("version", "1"));
    let (status, _) = post(&viewer, &app, &format!("/{ada}/edit/"), &edit).await;
    assert_eq!(status, 403, "edit");
    let (status, _) = post(&viewer, &app, &format!("/{ada}/delete/"), &[]).await;
    assert_eq!(status, 403, "delete");
    let (status, _) = post(
        &viewer,
        &app,
        &format!("/handlers/{handler}/edit/"),
        &[
            ("name", "Changed"),
            ("email", ""),
            ("phone", ""),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(status, 403, "a handler's edit");
    let (status, _) = post(
        &viewer,
        &app,
        &format!("/pets/{pet}/comments/"),
        &[("body", "Good dog")],
    )
    .await;
    assert_eq!(status, 403, "a comment");
    let (status, _) = post(
        &viewer,
        &app,
        &format!("/{ada}/enrol/"),
        &[
            ("course_id", &course.to_string()),
            ("enrolled_on", "2026-09-01"),
        ],
    )
    .await;
    assert_eq!(status, 403, "an enrolment");
    let (status, _) = post(
        &viewer,
        &app,
        "/bulk/pets/",
        &[
            ("action", "delete"),
            ("scope", "selected"),
            ("id", &pet.to_string()),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(status, 403, "a bulk delete");
    let confirm = format!("/bulk/pets/?action=delete&scope=selected&id={pet}&version=0");
    assert_eq!(get(&viewer, &app, &confirm).await, 403, "its confirmation");
    let part = reqwest::multipart::Part::bytes(
        b"firstname,lastname,email,age\nEve,New,eve@example.com,20\n".to_vec(),
    )
    .file_name("students.csv");
    let response = viewer
        .post(app.url("/import/students/"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403, "an import");

    // Nothing changed.
    assert_eq!(app.counted("students").await, students);
    let kept = app.db.get::<Student>(ada).await.unwrap().unwrap();
    assert_eq!((kept.firstname.as_str(), kept.version), ("Ada", 1));
    assert_eq!(app.counted("pets").await, 1);
    assert_eq!(app.counted("comments").await, 0);
    assert_eq!(app.counted("enrolments").await, 0);
    let (_, html) = app.get_html(&format!("/handlers/{handler}/")).await;
    assert!(html.contains("Ann") && !html.contains("Changed"));
}

#[tokio::test]
async fn a_teacher_sees_students_and_courses_but_not_the_pets_and_grades_nothing_yet() {
    let app = spawn_app().await;
    let ada = app
        .create_student("Ada", "Lovelace", "ada@example.com")
        .await;
    let course = app.create_course("CS101", "Computing", "").await;
    let response = app
        .post_form(
            &format!("/{ada}/enrol/"),
            &[
                ("course_id", &course.to_string()),
                ("enrolled_on", "2026-09-01"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html(&format!("/courses/{course}/")).await;
    let enrolment = html
        .split("id=\"enrolment-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (_, teacher) = account_as(&app, "tess", "3").await;

    for path in ["/", "/courses/"] {
        assert_eq!(get(&teacher, &app, path).await, 200, "{path}");
    }
    assert_eq!(
        get(&teacher, &app, &format!("/courses/{course}/")).await,
        200
    );
    let handler = app.create_handler("Ann").await;
    for path in [
        "/handlers/".to_owned(),
        "/pets/".to_owned(),
        format!("/handlers/{handler}/"),
    ] {
        assert_eq!(get(&teacher, &app, &path).await, 403, "{path}");
    }
    let grade = format!("/courses/{course}/enrolments/{enrolment}/grade/");
    let (status, _) = post(&teacher, &app, &grade, &[("grade", "90"), ("version", "1")]).await;
    assert_eq!(status, 403, "grading");
    let (_, html) = app.get_html(&format!("/courses/{course}/")).await;
    assert!(!html.contains(">90<"), "no grade was written");
}

#[tokio::test]
async fn a_new_role_counts_from_the_next_request_and_is_noted_in_the_history() {
    let app = spawn_app().await;
    let (id, clerk) = account_as(&app, "cleo", "2").await;
    let status = add_student(&clerk, &app, "Ann", "First").await;
    assert_eq!(status, 303, "a clerk adds students");
    // Clerks do not manage accounts, themselves included.
    assert_eq!(get(&clerk, &app, "/users/").await, 403);
    let (status, _) = post(
        &clerk,
        &app,
        &format!("/users/{id}/role/"),
        &[("role", "1"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 403, "a clerk cannot make itself an administrator");

    set_role(&app, id, "4", 1).await;
    let status = add_student(&clerk, &app, "Bob", "Second").await;
    assert_eq!(status, 403, "the same session, now a viewer");
    assert_eq!(app.counted("students").await, 1);

    let (_, html) = app.get_html("/users/").await;
    assert!(html.contains("Viewer"), "the list shows the role");
    let (_, html) = app.get_html("/users/?role=viewer").await;
    assert!(html.contains("cleo") && html.contains("1 account"));
    let found = app.db.history(Kind::Account, id, 10, 0).await.unwrap().rows;
    let change = found[0]
        .changes()
        .into_iter()
        .find(|c| c.field == "role")
        .expect("the role change is noted");
    assert_eq!(
        (change.was.as_str(), change.now.as_str()),
        ("clerk", "viewer")
    );

    set_role(&app, id, "2", 2).await;
    let status = add_student(&clerk, &app, "Bob", "Second").await;
    assert_eq!(status, 303, "a clerk again");
}

#[tokio::test]
async fn the_last_administrator_keeps_the_role_and_an_unknown_role_is_refused() {
    let app = spawn_app().await;
    let admin = app.db.user_id(common::ADMIN).await.unwrap().unwrap();
    for role in ["2", "3", "4"] {
        let response = app
            .post_form(
                &format!("/users/{admin}/role/"),
                &[("role", role), ("version", "1")],
            )
            .await;
        assert_eq!(response.status().as_u16(), 409, "role {role}");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("at least one active administrator"));
    }
    let (_, clerk) = account_as(&app, "cleo", "2").await;
    let cleo = app.db.user_id("cleo").await.unwrap().unwrap();
    let response = app
        .post_form(
            &format!("/users/{cleo}/role/"),
            &[("role", "99"), ("version", "1")],
        )
        .await;
    let status = response.status().as_u16();
    assert!(matches!(status, 400 | 409 | 422), "{status}");
    assert!(response.text().await.unwrap().contains("no longer exists"));
    let status = add_student(&clerk, &app, "Ann", "First").await;
    assert_eq!(status, 303, "still a clerk");
    let account = app.db.get_account(admin).await.unwrap().unwrap();
    assert_eq!(
        (account.role.as_str(), account.version),
        ("administrator", 1)
    );
}
