//! A record's history over plain HTTP: every create, edit and delete leaves
//! an entry with who and each changed field before and after, written in
//! the change's own transaction (a refused change leaves none), shown on
//! the record's history page.

mod common;

use common::{spawn_app, student_form, TestApp};
use roster_core::domain::{Action, Kind};

/// Record `id`'s entries (of type `kind`), newest first.
async fn entries(app: &TestApp, kind: Kind, id: i64) -> Vec<roster_core::domain::HistoryEntry> {
    app.db.history(kind, id, 100, 0).await.unwrap().rows
}

#[tokio::test]
async fn edits_show_each_changed_field_before_and_after_with_who_and_when() {
    let app = spawn_app().await;
    let id = app.create_handler("Ann Smith").await;
    let response = app
        .post_form(
            &format!("/handlers/{id}/edit/"),
            &[
                ("name", "Ann <Smith-Jones>"),
                ("email", "ann@example.com"),
                ("phone", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let found = entries(&app, Kind::Handler, id).await;
    let actions: Vec<_> = found.iter().map(|e| e.action()).collect();
    assert_eq!(actions, [Some(Action::Edited), Some(Action::Created)]);
    let edit = found[0].changes();
    assert_eq!(edit.len(), 2, "{edit:?}");
    assert!(edit
        .iter()
        .any(|c| c.field == "name" && c.was == "Ann Smith" && c.now == "Ann <Smith-Jones>"));
    assert!(edit
        .iter()
        .any(|c| c.field == "email" && c.was.is_empty() && c.now == "ann@example.com"));
    assert_eq!(found[0].title, "Ann <Smith-Jones>");
    assert!(found[0].who.is_some(), "the signed-in account");
    // What the load tests look entries up by: a value a change put in.
    let marked = |marker: &'static str| app.db.count_history_marked(Kind::Handler, marker);
    assert_eq!(marked("Ann Smith").await.unwrap(), 1);
    assert_eq!(marked("Ann <Smith-Jones>").await.unwrap(), 1);
    assert_eq!(marked("Ann").await.unwrap(), 0, "whole values only");
    assert_eq!(marked("%").await.unwrap(), 0, "wildcards taken literally");

    let (status, html) = app.get_html(&format!("/handlers/{id}/")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"/handlers/{id}/history/\"")),
        "linked from the record"
    );
    let (status, html) = app.get_html(&format!("/handlers/{id}/history/")).await;
    assert_eq!(status, 200);
    assert!(html.contains("2 changes"));
    assert!(
        html.contains("<del>Ann Smith</del>")
            && html.contains("<ins>Ann &lt;Smith-Jones&gt;</ins>")
    );
    assert!(html.contains("Email (optional)"), "fields by their labels");
    assert!(
        html.find("Edited").unwrap() < html.find("Added").unwrap(),
        "newest first"
    );
}

#[tokio::test]
async fn a_refused_change_leaves_no_entry() {
    let app = spawn_app().await;
    for email in ["ann@example.com", "ben@example.com"] {
        let response = app
            .post_form("/create/", &student_form("Ann", "Lee", email))
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let response = app
        .post_form("/create/", &student_form("Cy", "Ray", "cy@example.com"))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let query = roster_core::domain::QueryOf::<roster_core::domain::StudentList> {
        search: "cy@example.com".into(),
        ..Default::default()
    };
    let cy = app
        .db
        .list::<roster_core::domain::StudentList>(&query)
        .await
        .unwrap()
        .rows[0]
        .id;
    let before = entries(&app, Kind::Student, cy).await.len();
    // Taken email (422), then a stale version (409): neither is written.
    let mut taken = student_form("Cy", "Ray", "ann@example.com");
    taken.push(("version", "1"));
    let response = app.post_form(&format!("/{cy}/edit/"), &taken).await;
    assert_eq!(response.status().as_u16(), 422);
    let mut stale = student_form("Cy", "Ray", "cy2@example.com");
    stale.push(("version", "7"));
    let response = app.post_form(&format!("/{cy}/edit/"), &stale).await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(entries(&app, Kind::Student, cy).await.len(), before);
}

#[tokio::test]
async fn a_deleted_record_keeps_its_history_with_what_it_held() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let pet = app.create_pet("Rex", "Dog", handler).await;
    let response = app
        .post_form(&format!("/pets/{pet}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let found = entries(&app, Kind::Pet, pet).await;
    assert_eq!(found[0].action(), Some(Action::Deleted));
    let gone = found[0].changes();
    assert!(gone
        .iter()
        .any(|c| c.field == "name" && c.was == "Rex" && c.now.is_empty()));
    let (status, html) = app.get_html(&format!("/pets/{pet}/history/")).await;
    assert_eq!(status, 200, "the history outlives the record");
    assert!(html.contains("History of Rex") && html.contains("Deleted"));
    let (status, _) = app
        .get_html(&format!("/pets/{}/history/", pet + 1000))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_record_without_entries_has_an_empty_history() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/1/history/").await;
    assert_eq!(status, 200);
    assert!(html.contains("No changes recorded yet."));
}

/// The id a student's create answers with (`/?created=7`).
async fn create_student(app: &TestApp, last: &str) -> i64 {
    let email = format!("{last}@example.com");
    let response = app
        .post_form("/create/", &student_form("Ada", last, &email))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let next = common::location(&response);
    next.split("created=").nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn enrolling_and_grading_are_noted_on_both_records_each_naming_the_other() {
    use roster_core::domain::{CourseStudents, EnrolmentsOf, QueryOf};
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace").await;
    let response = app
        .post_form(
            "/courses/create/",
            &[("code", "BIO-101"), ("title", "Biology")],
        )
        .await;
    let course = common::id_in(&common::location(&response));
    let response = app
        .post_form(
            &format!("/courses/{course}/enrol/"),
            &[("student_id", &ada.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let query = QueryOf::<CourseStudents> {
        filter: EnrolmentsOf {
            course: Some(course),
            student: None,
        },
        ..Default::default()
    };
    let enrolment = app.db.list::<CourseStudents>(&query).await.unwrap().rows[0].id;
    let grade = format!("/courses/{course}/enrolments/{enrolment}/grade/");
    let response = app
        .post_form(&grade, &[("grade", "87"), ("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let stale = app
        .post_form(&grade, &[("grade", "90"), ("version", "1")])
        .await;
    assert_eq!(stale.status().as_u16(), 409);

    let student = entries(&app, Kind::Student, ada).await;
    let actions: Vec<_> = student.iter().map(|e| e.action()).collect();
    assert_eq!(
        actions,
        [
            Some(Action::Graded),
            Some(Action::Enrolled),
            Some(Action::Created)
        ]
    );
    let graded = &student[0].changes()[0];
    assert_eq!((graded.was.as_str(), graded.now.as_str()), ("", "87"));
    let enrolled = &student[1].changes()[0];
    assert_eq!(enrolled.now, "BIO-101 Biology");
    assert_eq!(
        enrolled.link.as_deref(),
        Some(&*format!("/courses/{course}/"))
    );
    let of_course = entries(&app, Kind::Course, course).await;
    assert_eq!(of_course[1].changes()[0].now, "Ada Lovelace");
    assert_eq!(
        of_course[1].changes()[0].link.as_deref(),
        Some(&*format!("/{ada}/"))
    );
    let (_, html) = app.get_html(&format!("/courses/{course}/history/")).await;
    assert!(
        html.contains(&format!("<a href=\"/{ada}/\">Ada Lovelace</a>")),
        "the student, linked"
    );

    let leave = format!("/courses/{course}/enrolments/{enrolment}/delete/");
    assert_eq!(app.post_form(&leave, &[]).await.status().as_u16(), 303);
    let student = entries(&app, Kind::Student, ada).await;
    assert_eq!(student[0].action(), Some(Action::Unenrolled));
    assert_eq!(student[0].changes()[0].was, "BIO-101 Biology");
}

#[tokio::test]
async fn comments_added_and_deleted_are_noted_on_their_pet() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", handler).await;
    let response = app.comment_as(&app.client, rex, "Good <dog>").await;
    assert!(response.status().is_success() || response.status().is_redirection());
    use roster_core::domain::{CommentList, CommentsOf, QueryOf};
    let query = QueryOf::<CommentList> {
        filter: CommentsOf { pet: rex },
        ..Default::default()
    };
    let id = app.db.list::<CommentList>(&query).await.unwrap().rows[0].id;
    let delete = format!("/pets/{rex}/comments/{id}/delete/");
    assert_eq!(app.post_form(&delete, &[]).await.status().as_u16(), 303);
    let found = entries(&app, Kind::Pet, rex).await;
    let actions: Vec<_> = found.iter().map(|e| e.action()).collect();
    assert_eq!(
        actions,
        [
            Some(Action::CommentDeleted),
            Some(Action::Commented),
            Some(Action::Created)
        ]
    );
    assert_eq!(found[1].changes()[0].now, "Good <dog>");
    let (_, html) = app.get_html(&format!("/pets/{rex}/history/")).await;
    assert!(html.contains("Comment added") && html.contains("<ins>Good &lt;dog&gt;</ins>"));
}

#[tokio::test]
async fn account_changes_are_noted_and_a_password_only_as_a_fact() {
    let app = spawn_app().await;
    let response = app
        .register("bea", "bea@example.com", "a long enough password")
        .await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let bea = app.db.user_id("bea").await.unwrap().unwrap();
    let role = format!("/users/{bea}/role/");
    let response = app
        .post_form(&role, &[("role", "1"), ("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let found = entries(&app, Kind::Account, bea).await;
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].action(), Some(Action::Created));
    assert_eq!(
        found[1].who.as_deref(),
        Some("bea"),
        "who registers is the account made"
    );
    let made = &found[0].changes()[0];
    assert_eq!(
        (made.field.as_str(), made.was.as_str(), made.now.as_str()),
        ("role", "viewer", "administrator")
    );

    let admin = app.db.user_id(common::ADMIN).await.unwrap().unwrap();
    let password = [
        ("current", common::ADMIN_PASSWORD),
        ("password", "certainly not the password"),
        ("confirm", "certainly not the password"),
    ];
    let response = app.post_form("/account/password/", &password).await;
    assert_eq!(response.status().as_u16(), 303);
    let found = entries(&app, Kind::Account, admin).await;
    assert_eq!(found[0].action(), Some(Action::PasswordChanged));
    assert_eq!(
        found[0].changes, "[]",
        "the fact, never the password or its hash"
    );
}

#[tokio::test]
async fn messages_and_settings_note_each_change() {
    let app = spawn_app().await;
    let response = app
        .anonymous()
        .post(app.url("/contact/"))
        .header("origin", app.address.clone())
        .form(&[
            ("name", "Sam"),
            ("email", "sam@example.com"),
            ("subject", "Opening hours"),
            ("message", "When are you open?"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let messages = app
        .db
        .list::<roster_core::domain::MessageList>(&Default::default())
        .await
        .unwrap();
    let id = messages.rows[0].id;
    let (status, _) = app.get_html(&format!("/messages/{id}/")).await;
    assert_eq!(status, 200);
    let (status, _) = app.get_html(&format!("/messages/{id}/")).await;
    assert_eq!(status, 200, "opened twice, read once");
    let delete = format!("/messages/{id}/delete/");
    assert_eq!(app.post_form(&delete, &[]).await.status().as_u16(), 303);
    let found = entries(&app, Kind::Message, id).await;
    let actions: Vec<_> = found.iter().map(|e| e.action()).collect();
    assert_eq!(
        actions,
        [
            Some(Action::Deleted),
            Some(Action::Edited),
            Some(Action::Created)
        ]
    );
    assert_eq!(found[2].who, None, "a visitor, not an account");
    assert_eq!(found[1].changes()[0].now, "yes");

    let response = app.post_form("/settings/", &[]).await;
    assert_eq!(response.status().as_u16(), 303, "registration closed");
    let found = entries(&app, Kind::Setting, 0).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].changes()[0].was, "yes");
}

#[tokio::test]
async fn an_earlier_version_is_restored_as_an_edit_and_a_stale_or_refused_one_changes_nothing() {
    use roster_core::domain::Student;
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace").await;
    let edit = format!("/{ada}/edit/");
    let mut form = student_form("Ada", "Lovelace", "ada@new.example");
    form.push(("version", "1"));
    assert_eq!(app.post_form(&edit, &form).await.status().as_u16(), 303);
    let mut form = student_form("Augusta", "Lovelace", "ada@new.example");
    form.push(("version", "2"));
    assert_eq!(app.post_form(&edit, &form).await.status().as_u16(), 303);
    let found = entries(&app, Kind::Student, ada).await;
    let (created, emailed) = (found[2].id.to_string(), found[1].id.to_string());

    let history = format!("/{ada}/history/");
    let (_, html) = app.get_html(&history).await;
    assert_eq!(
        html.matches("Restore this version").count(),
        2,
        "all but the current one"
    );
    // Opened at version 2, restored after a save: refused, nothing changes.
    let stale = [("entry", created.as_str()), ("version", "2")];
    assert_eq!(app.post_form(&history, &stale).await.status().as_u16(), 409);
    assert_eq!(
        app.db.get::<Student>(ada).await.unwrap().unwrap().version,
        3
    );

    let restore = [("entry", created.as_str()), ("version", "3")];
    let response = app.post_form(&history, &restore).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(common::location(&response), format!("/{ada}/?restored=1"));
    let student = app.db.get::<Student>(ada).await.unwrap().unwrap();
    assert_eq!(
        (student.firstname.as_str(), student.email.as_str()),
        ("Ada", "Lovelace@example.com")
    );
    let found = entries(&app, Kind::Student, ada).await;
    assert_eq!(found[0].action(), Some(Action::Restored));
    assert_eq!(found[0].changes().len(), 2, "first name and email back");

    // The email of that version is someone else's now: refused at once.
    let response = app
        .post_form("/create/", &student_form("Ben", "Ray", "ada@new.example"))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let taken = [("entry", emailed.as_str()), ("version", "4")];
    let response = app.post_form(&history, &taken).await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Another student already uses this email address."),
        "{html}"
    );
    let student = app.db.get::<Student>(ada).await.unwrap().unwrap();
    assert_eq!(
        (student.email.as_str(), student.version),
        ("Lovelace@example.com", 4)
    );
}

#[tokio::test]
async fn the_activity_log_shows_every_change_to_administrators_filtered_at_will() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann Smith").await;
    let rex = app.create_pet("Rex", "Dog", handler).await;
    let edit = format!("/handlers/{handler}/edit/");
    let response = app
        .post_form(&edit, &[("name", "Ann Jones"), ("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let (status, html) = app.get_html("/activity/").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(
        "<a href=\"/handlers/{handler}/history/\">Ann Jones</a>"
    )));
    assert!(html.contains(&format!("<a href=\"/pets/{rex}/history/\">Rex</a>")));
    assert!(
        html.contains("4 changes"),
        "the test's account, two creates and an edit"
    );
    let shows = |html: &str| (html.contains(">Rex</a>"), html.contains(">Ann Jones</a>"));
    let (_, html) = app.get_html("/activity/?kind=pet").await;
    assert_eq!(shows(&html), (true, false), "by record type");
    let (_, html) = app.get_html("/activity/?action=edited").await;
    assert_eq!(shows(&html), (false, true), "by action");
    let (_, html) = app.get_html("/activity/?to=2000-01-01").await;
    assert_eq!(shows(&html), (false, false), "by day");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let today = roster_core::domain::Date::of(roster_core::domain::Timestamp::from_micros(
        now.as_micros() as i64,
    ));
    let (_, html) = app
        .get_html(&format!("/activity/?from={today}&to={today}"))
        .await;
    assert_eq!(shows(&html), (true, true), "today, both ends included");
    let admin = app.db.user_id(common::ADMIN).await.unwrap().unwrap();
    let (_, html) = app.get_html(&format!("/activity/?account={admin}")).await;
    assert_eq!(shows(&html), (true, true), "by account");
    let (_, html) = app
        .get_html(&format!("/activity/?account={}", admin + 1))
        .await;
    assert_eq!(shows(&html), (false, false));

    let response = app
        .register_clerk("dora", "dora@example.com", "a long enough password")
        .await;
    let dora = app.client_with_cookie(&common::session_cookie(&response).unwrap());
    let response = app.get_as(&dora, "/activity/").await;
    assert_eq!(response.status().as_u16(), 403, "administrators only");
    let response = app.get_as(&app.anonymous(), "/activity/").await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "signed out: to the sign-in"
    );
}

#[tokio::test]
async fn pets_moved_when_their_handler_goes_each_note_the_move() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let ben = app.create_handler("Ben").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let (ann_s, ben_s) = (ann.to_string(), ben.to_string());
    let delete = format!("/handlers/{ann}/delete/");
    let response = app
        .post_form(&delete, &[("version", "1"), ("move_to", &ben_s)])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let found = entries(&app, Kind::Pet, rex).await;
    assert_eq!(found[0].action(), Some(Action::Edited));
    let moved = &found[0].changes()[0];
    assert_eq!(
        (moved.field.as_str(), moved.was.as_str(), moved.now.as_str()),
        ("handler_id", ann_s.as_str(), ben_s.as_str())
    );
    assert_eq!(found[0].title, "Rex");
    let (_, html) = app.get_html(&format!("/pets/{rex}/history/")).await;
    assert!(html.contains("Handler"), "the field by its label");
}

#[tokio::test]
async fn pruning_removes_only_the_entries_before_the_day() {
    use roster_core::domain::Date;
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let day = |d: &str| Date::parse(d).unwrap();
    assert_eq!(app.db.prune_history(day("2000-01-01")).await.unwrap(), 0);
    assert_eq!(entries(&app, Kind::Handler, ann).await.len(), 1);
    assert!(app.db.prune_history(day("2999-01-01")).await.unwrap() >= 1);
    assert!(entries(&app, Kind::Handler, ann).await.is_empty());
    let (status, html) = app.get_html(&format!("/handlers/{ann}/history/")).await;
    assert_eq!(status, 200, "the record is untouched");
    assert!(html.contains("No changes recorded yet."));
}

#[tokio::test]
async fn a_long_text_edit_shows_word_by_word_what_went_and_what_came() {
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace").await;
    let bio = |interest: &str| {
        format!("Likes {interest} and long walks by the sea, and reads a great deal of poetry.")
    };
    let mut form = student_form("Ada", "Lovelace", "Lovelace@example.com");
    let (old, new) = (bio("rivers"), bio("lakes"));
    form.retain(|(name, _)| *name != "bio");
    let mut first = form.clone();
    form.retain(|(name, _)| *name != "age");
    form.push(("age", "22"));
    first.extend([("bio", old.as_str()), ("version", "1")]);
    let response = app.post_form(&format!("/{ada}/edit/"), &first).await;
    assert_eq!(response.status().as_u16(), 303);
    form.extend([("bio", new.as_str()), ("version", "2")]);
    let response = app.post_form(&format!("/{ada}/edit/"), &form).await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html(&format!("/{ada}/history/")).await;
    assert!(
        html.contains(
            "<span class=\"diff\">Likes <del>rivers</del><ins>lakes</ins> and long walks"
        ),
        "{html}"
    );
    // Short values stay as they were → as they are.
    assert!(html.contains("<del>21</del> → <ins>22</ins>"), "{html}");
}

#[tokio::test]
async fn the_activity_log_counts_no_further_than_it_must() {
    let app = spawn_app().await;
    let counts = roster_core::db::SeedCounts {
        students: 1,
        history: 10_100,
        ..Default::default()
    };
    app.db.seed_fake(counts, 7).await.unwrap();
    let (status, html) = app.get_html("/activity/").await;
    assert_eq!(status, 200);
    // A page of 20, and at most 10,000 more counted.
    assert!(html.contains("More than 10020 changes"), "{html}");
    assert!(
        html.contains("Page 1<") && !html.contains("Page 1 of"),
        "{html}"
    );
    assert!(html.contains("rel=\"next\""));
    // Under the cap the count is exact.
    let (_, html) = app.get_html("/activity/?kind=course").await;
    assert!(html.contains("0 changes"), "{html}");
    let entries = app.db.history(Kind::Student, 1, 50, 0).await.unwrap();
    assert!(entries.total >= 1_000 && !entries.capped);
}
