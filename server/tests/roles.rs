//! Roles over plain HTTP: what each built-in role may read and change,
//! checked where the write happens (a refused write changes nothing), and
//! a new role counting from the account's next request.

mod common;

use common::{session_cookie, spawn_app, student_form, TestApp};
use roster_core::domain::{urls::Pattern, Kind, Student};

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
    let enrolment = app.first_enrolment(course).await;
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
    assert!(
        html.contains("<td class=\"role\">Viewer</td>"),
        "the list shows the role"
    );
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

/// What a role gets from a route: `y` allowed (a GET answers 200, a POST
/// anything but 401, 403 or a server error: its empty or stale form is
/// refused for what it says, not for who sends it), `n` refused (403), `-`
/// anything but a server error (public pages, sign-in pages). The four
/// letters are administrator, clerk, teacher, viewer.
struct Row {
    pattern: Pattern,
    post: bool,
    path: String,
    want: &'static str,
}

fn row(pattern: Pattern, post: bool, path: String, want: &'static str) -> Row {
    Row {
        pattern,
        post,
        path,
        want,
    }
}

#[tokio::test]
async fn every_route_answers_each_built_in_role_as_its_grants_say() {
    use roster_core::domain::{urls, urls::*, ContactInput, FormInput};
    let app = spawn_app().await;
    let s = app
        .create_student("Ada", "Lovelace", "ada@example.com")
        .await;
    let s2 = app
        .create_student("Spare", "Student", "spare@example.com")
        .await;
    let c = app.create_course("CS101", "Computing", "").await;
    let c2 = app.create_course("CS102", "Spare", "").await;
    for (student, course) in [(s, c), (s, c2)] {
        let response = app
            .post_form(
                &urls::student_enrol(student),
                &[
                    ("course_id", &course.to_string()),
                    ("enrolled_on", "2026-09-01"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let (e, e2) = (app.first_enrolment(c).await, app.first_enrolment(c2).await);
    let h = app.create_handler("Ann").await;
    let h2 = app.create_handler("Spare").await;
    let p = app.create_pet("Rex", "Dog", h).await;
    let p2 = app.create_pet("Spare", "Dog", h).await;
    let p3 = app.create_pet("Batch", "Dog", h).await;
    let response = app
        .post_form(&urls::comment_create(p), &[("body", "Good dog")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let m: i64 = {
        let (_, html) = app.get_html(&urls::pet(p)).await;
        html.split(&format!("/pets/{p}/comments/"))
            .filter_map(|rest| rest.split('/').next()?.parse::<i64>().ok())
            .next()
            .expect("the comment's delete form")
    };
    let g = app
        .db
        .store_message(
            &Default::default(),
            &ContactInput {
                name: "Ada Parent".into(),
                email: "parent@example.com".into(),
                subject: "Open day".into(),
                message: "When is it?".into(),
                website: String::new(),
            }
            .parse()
            .unwrap(),
            "Open day",
            3600,
            100,
        )
        .await
        .unwrap()
        .unwrap();
    // A record in the trash, a batch and an import, each the administrator's.
    let trashed = app
        .create_student("Gone", "Student", "gone@example.com")
        .await;
    let response = app
        .post_form(&urls::student_delete(trashed), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let t = app
        .db
        .trash_of(Kind::Student, trashed)
        .await
        .unwrap()
        .expect("in the trash");
    let mark = common::bulk_mark(&app, "/pets/").await;
    let response = app
        .post_form(
            "/bulk/pets/",
            &[
                ("action", "delete"),
                ("scope", "selected"),
                ("ids", &p3.to_string()),
                ("count", "1"),
                ("version", &mark),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let b = common::batch_of(&common::location(&response));
    let part = reqwest::multipart::Part::bytes(
        b"firstname,lastname,email,age\nEve,New,eve@example.com,20\n".to_vec(),
    )
    .file_name("students.csv");
    let response = app
        .client
        .post(app.url("/import/students/"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let i = common::id_in(&common::location(&response));
    let (target, _) = account_as(&app, "target", "2").await;

    let clients = [
        app.client.clone(),
        account_as(&app, "cleo", "2").await.1,
        account_as(&app, "tess", "3").await.1,
        account_as(&app, "vera", "4").await.1,
    ];
    let now = common::bulk_mark(&app, "/users/").await;
    let confirm = |base: String, id: i64| {
        format!("{base}?action=delete&scope=selected&id={id}&version={now}")
    };
    // Pages that hold a form open to every signed-in role; only what they
    // send is refused (`-` for the roles that may not send it).
    let rows = [
        // Reads first: the writes below may change what they show.
        row(STUDENTS, false, students(), "yyyy"),
        row(STUDENT_CREATE, false, student_create(), "yy--"),
        row(STUDENT, false, student(s), "yyyy"),
        row(STUDENT_EDIT, false, student_edit(s), "yy--"),
        row(STUDENT_DELETE, false, student_delete(s), "yy--"),
        row(STUDENT_HISTORY, false, student_history(s), "yyyy"),
        row(STUDENT_TRANSCRIPT, false, student_transcript(s), "yyyy"),
        row(HANDLERS, false, handlers(), "yyny"),
        row(HANDLER_CREATE, false, handler_create(), "yy--"),
        row(HANDLER, false, handler(h), "yyny"),
        row(HANDLER_EDIT, false, handler_edit(h), "yy--"),
        row(HANDLER_DELETE, false, handler_delete(h), "yy--"),
        row(HANDLER_HISTORY, false, handler_history(h), "yyny"),
        row(PETS, false, pets(), "yyny"),
        row(PET_CREATE, false, pet_create(), "yy--"),
        row(PET, false, pet(p), "yyny"),
        row(PET_EDIT, false, pet_edit(p), "yy--"),
        row(PET_DELETE, false, pet_delete(p), "yy--"),
        row(PET_HISTORY, false, pet_history(p), "yyny"),
        row(
            PET_COMMENTS_BULK,
            false,
            confirm(pet_comments_bulk(p), m),
            "yynn",
        ),
        row(COURSES, false, courses(), "yyyy"),
        row(COURSE_CREATE, false, course_create(), "yy--"),
        row(COURSE, false, course(c), "yyyy"),
        row(COURSE_EDIT, false, course_edit(c), "yy--"),
        row(COURSE_DELETE, false, course_delete(c), "yy--"),
        row(COURSE_HISTORY, false, course_history(c), "yyyy"),
        row(COURSE_GRADES, false, course_grades(c), "yyyy"),
        row(COURSE_TRANSCRIPTS, false, course_transcripts(c), "yyyy"),
        row(
            COURSE_STUDENTS_BULK,
            false,
            confirm(course_students_bulk(c), e),
            "yynn",
        ),
        row(ACCOUNT, false, account(), "yyyy"),
        row(USERS, false, users(), "ynnn"),
        row(CONTACT, false, contact(), "----"),
        row(CONTACT_THANKS, false, contact_thanks(), "----"),
        row(MESSAGES, false, messages(), "ynnn"),
        row(MESSAGE, false, message(g), "ynnn"),
        row(DASHBOARD, false, dashboard(), "yyyy"),
        row(ACTIVITY, false, activity(), "ynnn"),
        row(TRASH, false, trash(), "yynn"),
        row(TRASH_ENTRY, false, trash_entry(t), "yynn"),
        row(IMPORT, false, import(), "yy--"),
        row(IMPORT_STUDENTS, false, import_students(), "yy--"),
        row(IMPORT_COURSES, false, import_courses(), "yy--"),
        row(IMPORT_ENROLMENTS, false, import_enrolments(), "yy--"),
        row(IMPORT_HANDLERS, false, import_handlers(), "yy--"),
        row(IMPORT_PETS, false, import_pets(), "yy--"),
        row(IMPORT_RUN, false, import_run(i), "yy--"),
        row(BULK_STUDENTS, false, confirm(bulk_students(), s), "yynn"),
        row(BULK_HANDLERS, false, confirm(bulk_handlers(), h), "yynn"),
        row(BULK_PETS, false, confirm(bulk_pets(), p), "yynn"),
        row(BULK_COURSES, false, confirm(bulk_courses(), c), "yynn"),
        row(BULK_MESSAGES, false, confirm(bulk_messages(), g), "ynnn"),
        row(
            BULK_ACCOUNTS,
            false,
            confirm(bulk_accounts(), target).replace("delete", "set:disable"),
            "ynnn",
        ),
        row(BATCH, false, batch(b), "yyny"),
        row(ABOUT, false, about(), "----"),
        row(LOGIN, false, login(), "----"),
        row(REGISTER, false, register(), "----"),
        row(SETTINGS, false, settings(), "ynnn"),
        // Writes, each with an empty or stale form (version 0).
        row(STUDENT_CREATE, true, student_create(), "yynn"),
        row(STUDENT_EDIT, true, student_edit(s), "yynn"),
        row(STUDENT_DELETE, true, student_delete(s2), "yynn"),
        row(STUDENT_HISTORY, true, student_history(s), "yynn"),
        row(STUDENT_ENROL, true, student_enrol(s), "yynn"),
        row(STUDENT_LEAVE, true, student_leave(s, e2), "yynn"),
        row(HANDLER_CREATE, true, handler_create(), "yynn"),
        row(HANDLER_EDIT, true, handler_edit(h), "yynn"),
        row(HANDLER_DELETE, true, handler_delete(h2), "yynn"),
        row(HANDLER_HISTORY, true, handler_history(h), "yynn"),
        row(PET_CREATE, true, pet_create(), "yynn"),
        row(PET_EDIT, true, pet_edit(p), "yynn"),
        row(PET_DELETE, true, pet_delete(p2), "yynn"),
        row(PET_HISTORY, true, pet_history(p), "yynn"),
        row(COMMENT_CREATE, true, comment_create(p), "yynn"),
        row(PET_COMMENTS_BULK, true, pet_comments_bulk(p), "yynn"),
        // A comment is its author's to delete, or an administrator's.
        row(COMMENT_DELETE, true, comment_delete(p, m), "ynnn"),
        row(COURSE_CREATE, true, course_create(), "yynn"),
        row(COURSE_EDIT, true, course_edit(c), "yynn"),
        row(COURSE_DELETE, true, course_delete(c2), "yynn"),
        row(COURSE_HISTORY, true, course_history(c), "yynn"),
        row(COURSE_ENROL, true, course_enrol(c), "yynn"),
        row(COURSE_GRADES, true, course_grades(c), "yynn"),
        row(COURSE_STUDENTS_BULK, true, course_students_bulk(c), "yynn"),
        row(COURSE_GRADE, true, course_grade(c, e), "yynn"),
        row(COURSE_UNENROL, true, course_unenrol(c, e), "yynn"),
        row(ACCOUNT_DETAILS, true, account_details(), "yyyy"),
        row(ACCOUNT_EMAIL, true, account_email(), "yyyy"),
        row(ACCOUNT_PASSWORD, true, account_password(), "yyyy"),
        row(USER_ROLE, true, user_role(target), "ynnn"),
        row(USER_STATUS, true, user_status(target), "ynnn"),
        row(MESSAGE_UNREAD, true, message_unread(g), "ynnn"),
        row(MESSAGE_DELETE, true, message_delete(g), "ynnn"),
        row(TRASH_ENTRY, true, trash_entry(t), "yynn"),
        row(IMPORT_STUDENTS, true, import_students(), "yynn"),
        row(IMPORT_COURSES, true, import_courses(), "yynn"),
        row(IMPORT_ENROLMENTS, true, import_enrolments(), "yynn"),
        row(IMPORT_HANDLERS, true, import_handlers(), "yynn"),
        row(IMPORT_PETS, true, import_pets(), "yynn"),
        row(IMPORT_RUN, true, import_run(i), "yynn"),
        row(BULK_STUDENTS, true, bulk_students(), "yynn"),
        row(BULK_HANDLERS, true, bulk_handlers(), "yynn"),
        row(BULK_PETS, true, bulk_pets(), "yynn"),
        row(BULK_COURSES, true, bulk_courses(), "yynn"),
        row(BULK_MESSAGES, true, bulk_messages(), "ynnn"),
        row(BULK_ACCOUNTS, true, bulk_accounts(), "ynnn"),
        row(BATCH_UNDO, true, batch_undo(b), "yynn"),
        row(TRASH_PURGE, true, trash_purge(), "ynnn"),
        row(SETTINGS, true, settings(), "ynnn"),
        row(LOGOUT, false, logout(), "----"),
    ];
    for pattern in urls::ALL {
        assert!(
            rows.iter().any(|r| r.pattern == *pattern),
            "no row for route {pattern:?}: add it to this table"
        );
    }

    let names = ["administrator", "clerk", "teacher", "viewer"];
    let mut wrong = Vec::new();
    for r in &rows {
        // The refused roles first: an allowed write may change what follows.
        for at in [3, 2, 1, 0] {
            let client = &clients[at];
            let request = if r.post {
                client.post(app.url(&r.path)).form(&[
                    ("version", "0"),
                    ("action", "delete"),
                    ("scope", "selected"),
                    ("ids", "0"),
                    ("count", "1"),
                ])
            } else {
                client.get(app.url(&r.path))
            };
            let status = request.send().await.unwrap().status().as_u16();
            let want = r.want.as_bytes()[at];
            let fine = match want {
                b'y' if r.post => !matches!(status, 401 | 403 | 500..),
                b'y' => status == 200,
                b'n' => status == 403,
                _ => status < 500,
            };
            if !fine {
                wrong.push(format!(
                    "{} {} as {}: {status}, wanted {}",
                    if r.post { "POST" } else { "GET" },
                    r.path,
                    names[at],
                    want as char
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
