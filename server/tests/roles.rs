//! Roles over plain HTTP: what each built-in role may read and change,
//! checked where the write happens (a refused write changes nothing), and
//! a new role counting from the account's next request.

mod common;

use common::{session_cookie, spawn_app, student_form, TestApp};
use roster_core::domain::{urls::Pattern, Kind, Student};

const PASSWORD: &str = "a long enough password";

/// Registers `name` (a viewer, as self-registered accounts are unless the
/// settings say otherwise) and gives
/// the account the role `role` (by id: 1 administrator, 2 clerk, 3 teacher,
/// 4 viewer) as the administrator; its id and a client signed in as it.
async fn account_as(app: &TestApp, name: &str, role: &str) -> (i64, reqwest::Client) {
    let response = app
        .register(name, &format!("{name}@example.com"), PASSWORD)
        .await;
    assert_eq!(response.status().as_u16(), 303, "registering {name}");
    let client = app.client_with_cookie(&session_cookie(&response).unwrap());
    let id = app.db.user_id(name).await.unwrap().unwrap();
    if role != "4" {
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

    set_role(&app, id, "4", 2).await;
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

    set_role(&app, id, "2", 3).await;
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
            &[("role", "99"), ("version", "2")],
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
    // A record's add, edit and delete pages answer 403 to a role that may
    // not use them; the import pages open to every signed-in role and
    // refuse what they are sent (`-`).
    let rows = [
        // Reads first: the writes below may change what they show.
        row(STUDENTS, false, students(), "yyyy"),
        row(STUDENT_CREATE, false, student_create(), "yynn"),
        row(STUDENT, false, student(s), "yyyy"),
        row(STUDENT_EDIT, false, student_edit(s), "yynn"),
        row(STUDENT_DELETE, false, student_delete(s), "yynn"),
        row(STUDENT_HISTORY, false, student_history(s), "yyyy"),
        row(STUDENT_TRANSCRIPT, false, student_transcript(s), "yyyy"),
        row(HANDLERS, false, handlers(), "yyny"),
        row(HANDLER_CREATE, false, handler_create(), "yynn"),
        row(HANDLER, false, handler(h), "yyny"),
        row(HANDLER_EDIT, false, handler_edit(h), "yynn"),
        row(HANDLER_DELETE, false, handler_delete(h), "yynn"),
        row(HANDLER_HISTORY, false, handler_history(h), "yyny"),
        row(PETS, false, pets(), "yyny"),
        row(PET_CREATE, false, pet_create(), "yynn"),
        row(PET, false, pet(p), "yyny"),
        row(PET_EDIT, false, pet_edit(p), "yynn"),
        row(PET_DELETE, false, pet_delete(p), "yynn"),
        row(PET_HISTORY, false, pet_history(p), "yyny"),
        row(
            PET_COMMENTS_BULK,
            false,
            confirm(pet_comments_bulk(p), m),
            "yynn",
        ),
        row(COURSES, false, courses(), "yyyy"),
        row(COURSE_CREATE, false, course_create(), "yynn"),
        row(COURSE, false, course(c), "yyyy"),
        row(COURSE_EDIT, false, course_edit(c), "yynn"),
        row(COURSE_DELETE, false, course_delete(c), "yynn"),
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
        row(ROLES, false, roles(), "ynnn"),
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
        row(ROLES, true, roles(), "ynnn"),
        row(ROLE, true, role(2), "ynnn"),
        row(ROLE_DELETE, true, role_delete(2), "ynnn"),
        row(COURSE_TEACHERS, true, course_teachers(c), "yynn"),
        row(
            COURSE_TEACHER_REMOVE,
            true,
            course_teacher_remove(c, target),
            "yynn",
        ),
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

/// The history entries of record `id` of `kind`, newest first: their
/// titles and changed fields.
async fn logged(app: &TestApp, kind: Kind, id: i64) -> Vec<(String, Vec<String>)> {
    app.db
        .history(kind, id, 100, 0)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|e| {
            let fields = e.changes().into_iter().map(|c| c.field).collect();
            (e.title, fields)
        })
        .collect()
}

/// A page as `client` sees it.
async fn html_as(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn new_registrations_get_the_role_the_settings_choose_viewer_by_default() {
    let app = spawn_app().await;
    let (_, vera) = account_as(&app, "vera", "4").await;
    assert_eq!(add_student(&vera, &app, "Eve", "New").await, 403);
    let (status, page) = app.get_html("/settings/").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("name=\"registration_role\""),
        "the choice is on the page"
    );
    assert!(
        !page.contains("<option value=\"1\""),
        "never the administrator's role"
    );

    // The clerk's role from now on.
    let response = app
        .post_form(
            "/settings/",
            &[
                ("school_name", ""),
                ("open_registration", "on"),
                ("registration_role", "2"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app.register("cleo", "cleo@example.com", PASSWORD).await;
    let cleo = app.client_with_cookie(&session_cookie(&response).unwrap());
    assert_eq!(add_student(&cleo, &app, "Eve", "New").await, 303);
    let settings = logged(&app, Kind::Setting, 0).await;
    assert!(
        settings
            .iter()
            .any(|(title, fields)| title == "New accounts' role" && fields == &["role"]),
        "{settings:?}"
    );

    // Never the administrator's: anyone may register.
    let response = app
        .post_form(
            "/settings/",
            &[
                ("school_name", ""),
                ("open_registration", "on"),
                ("registration_role", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let response = app
        .post_form(
            "/settings/",
            &[
                ("school_name", ""),
                ("open_registration", "on"),
                ("registration_role", "x"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(app.db.registration_role().await.unwrap(), 2);
}

#[tokio::test]
async fn administrators_narrow_a_role_add_their_own_and_each_change_is_logged() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let pet = app.create_pet("Rex", "Dog", handler).await;
    let (cleo_id, cleo) = account_as(&app, "cleo", "2").await;

    let (status, page) = app.get_html("/roles/").await;
    assert_eq!(status, 200);
    for name in ["Administrator", "Clerk", "Teacher", "Viewer"] {
        assert!(page.contains(&format!(">{name}</h2>")), "{name}");
    }
    assert!(
        page.contains("name=\"pet.delete\""),
        "the matrix's checkboxes"
    );
    assert_eq!(
        get(&cleo, &app, "/roles/").await,
        403,
        "administrators only"
    );

    // The clerk's role without deleting pets: every clerk.* but pet.delete.
    let mut form: Vec<(String, String)> =
        vec![("role".into(), "2".into()), ("version".into(), "1".into())];
    for kind in [
        "student",
        "course",
        "enrolment",
        "handler",
        "pet",
        "comment",
    ] {
        for op in ["view", "add", "change", "delete", "import", "export"] {
            if (kind, op) != ("pet", "delete") {
                form.push((format!("{kind}.{op}"), "on".into()));
            }
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let response = app.post_form("/roles/2/", &pairs).await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, _) = post(
        &cleo,
        &app,
        &format!("/pets/{pet}/delete/"),
        &[("version", "1")],
    )
    .await;
    assert_eq!(status, 403, "the clerk's next request counts the change");
    assert_eq!(
        add_student(&cleo, &app, "Eve", "New").await,
        303,
        "the rest stays"
    );
    let roles = logged(&app, Kind::Role, 2).await;
    assert_eq!(roles, [("clerk".to_owned(), vec!["pet.delete".to_owned()])]);
    // The same form again is stale.
    let response = app.post_form("/roles/2/", &pairs).await;
    assert_eq!(response.status().as_u16(), 409);
    // The administrator's role is everything and stays so; a role's own
    // form never makes an administrator.
    let response = app
        .post_form(
            "/roles/1/",
            &[("role", "1"), ("version", "1"), ("student.view", "on")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let response = app
        .post_form(
            "/roles/4/",
            &[("role", "4"), ("version", "1"), ("admin", "on")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(!app.db.roles().await.unwrap()[3].grants.is_admin());

    // A registrar, starting from the clerk's role.
    let response = app
        .post_form("/roles/", &[("name", "Registrar"), ("from", "2")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let registrar = app
        .db
        .roles()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Registrar")
        .unwrap();
    assert!(registrar
        .grants
        .may(Kind::Student, roster_core::domain::Op::Add));
    assert!(!registrar
        .grants
        .may(Kind::Pet, roster_core::domain::Op::Delete));
    let response = app
        .post_form("/roles/", &[("name", "registrar"), ("from", "")])
        .await;
    assert_eq!(
        response.status().as_u16(),
        422,
        "names are unique ignoring case"
    );
    let response = app
        .post_form("/roles/", &[("name", ""), ("from", "")])
        .await;
    assert_eq!(response.status().as_u16(), 422);

    // Offered on /users/, given to cleo, then not deletable while held.
    let (_, users) = app.get_html("/users/").await;
    assert!(
        users.contains(">Registrar</option>"),
        "the accounts' role choice"
    );
    set_role(&app, cleo_id, &registrar.id.to_string(), 2).await;
    let path = format!("/roles/{}/delete/", registrar.id);
    let held = app
        .post_form(
            &path,
            &[("role", &registrar.id.to_string()), ("version", "1")],
        )
        .await;
    assert_eq!(held.status().as_u16(), 409, "still held");
    set_role(&app, cleo_id, "2", 3).await;
    let gone = app
        .post_form(
            &path,
            &[("role", &registrar.id.to_string()), ("version", "1")],
        )
        .await;
    assert_eq!(gone.status().as_u16(), 303);
    let response = app
        .post_form("/roles/2/delete/", &[("role", "2"), ("version", "2")])
        .await;
    assert_eq!(response.status().as_u16(), 409, "a built-in role stays");
    let entries = logged(&app, Kind::Role, registrar.id).await;
    assert_eq!(entries.len(), 2, "added and deleted: {entries:?}");
    assert!(
        entries[1].1.contains(&"name".to_owned())
            && entries[1].1.contains(&"student.add".to_owned())
    );
    assert!(
        logged(&app, Kind::Role, 3).await.is_empty(),
        "nothing changed: no entry"
    );
}

#[tokio::test]
async fn a_teacher_grades_only_the_courses_they_teach() {
    let app = spawn_app().await;
    let ada = app
        .create_student("Ada", "Lovelace", "ada@example.com")
        .await;
    let taught = app.create_course("CS101", "Computing", "").await;
    let other = app.create_course("BIO101", "Biology", "").await;
    for course in [taught, other] {
        let response = app
            .post_form(
                &format!("/courses/{course}/enrol/"),
                &[("student_id", &ada.to_string())],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let (tess_id, tess) = account_as(&app, "tess", "3").await;
    let (_, cleo) = account_as(&app, "cleo", "2").await;

    // A clerk assigns the teacher with the picker's form (no JavaScript).
    let (status, page) = post(
        &cleo,
        &app,
        &format!("/courses/{taught}/teachers/"),
        &[("teacher_id", ""), ("teacher_q", "tes"), ("_find", "1")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("@tess"), "the picker finds the account");
    let (status, _) = post(
        &cleo,
        &app,
        &format!("/courses/{taught}/teachers/"),
        &[("teacher_id", &tess_id.to_string())],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = app.get_html(&format!("/courses/{taught}/")).await;
    assert!(
        page.contains("class=\"teacher\">tess<"),
        "the course lists its teacher"
    );
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{other}/teachers/"),
        &[("teacher_id", &tess_id.to_string())],
    )
    .await;
    assert_eq!(status, 403, "a teacher does not assign");

    let e_taught = app.first_enrolment(taught).await;
    let e_other = app.first_enrolment(other).await;
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{taught}/enrolments/{e_taught}/grade/"),
        &[("grade", "91"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 303, "in a course they teach");
    let (status, page) = post(
        &tess,
        &app,
        &format!("/courses/{other}/enrolments/{e_other}/grade/"),
        &[("grade", "91"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 403, "not in another");
    assert!(page.contains("only in the courses you teach"));
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{other}/grades/"),
        &[
            (&format!("grade-{e_other}") as &str, "50"),
            (&format!("version-{e_other}"), "1"),
            (&format!("was-{e_other}"), ""),
        ],
    )
    .await;
    assert_eq!(status, 403, "nor on its grade sheet");
    // Crafted: the taught course's path with the other course's enrolment.
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{taught}/enrolments/{e_other}/grade/"),
        &[("grade", "10"), ("version", "1")],
    )
    .await;
    assert!(matches!(status, 403 | 404), "{status}");
    for (e, want) in [(e_taught, Some(91)), (e_other, None)] {
        let grade = app.db.get_enrolment(e).await.unwrap().unwrap().grade;
        assert_eq!(grade, want, "enrolment {e}");
    }
    // Everything else on the course stays read-only for them.
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{taught}/enrolments/{e_taught}/delete/"),
        &[],
    )
    .await;
    assert_eq!(status, 403);

    // "My courses".
    let (_, mine) = html_as(&tess, &app, &format!("/courses/?teacher={tess_id}")).await;
    assert!(mine.contains("CS101") && !mine.contains("BIO101"), "{mine}");
    assert!(mine.contains(">My courses<"), "in the nav");

    // Taken off the course, the teacher grades there no more.
    let (status, _) = post(
        &cleo,
        &app,
        &format!("/courses/{taught}/teachers/{tess_id}/delete/"),
        &[],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = post(
        &tess,
        &app,
        &format!("/courses/{taught}/enrolments/{e_taught}/grade/"),
        &[("grade", "92"), ("version", "2")],
    )
    .await;
    assert_eq!(status, 403);
    let course_log: Vec<Vec<String>> = logged(&app, Kind::Course, taught)
        .await
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    assert_eq!(
        course_log
            .iter()
            .filter(|f| f == &&["teacher".to_owned()])
            .count(),
        2
    );
}
