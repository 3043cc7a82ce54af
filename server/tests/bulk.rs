//! Bulk actions over plain HTTP, as a browser without JavaScript sends
//! them: rows ticked on a list, the confirmation page, Apply, the batch's
//! page, Undo. All or nothing, refused as a whole when a record chosen
//! changed since the list was read, one line in the activity log.

mod common;

use common::{batch_of, bulk_mark, location, spawn_app, TestApp};
use roster_core::domain::{Action, Kind};

/// Applies a bulk action on the pets; the response.
async fn apply(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/bulk/pets/", fields).await
}

async fn pet_count(app: &TestApp) -> i64 {
    app.counted("pets").await
}

#[tokio::test]
async fn deleting_the_rows_ticked_confirms_trashes_logs_once_and_undoes_as_a_whole() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", handler).await;
    let tom = app.create_pet("Tom <cat>", "Cat", handler).await;
    let kept = app.create_pet("Kept", "Dog", handler).await;
    let response = app
        .post_form(&format!("/pets/{rex}/comments/"), &[("body", "Good dog")])
        .await;
    assert_eq!(response.status().as_u16(), 303);

    // The list: a checkbox per row that belongs to the bulk form.
    let (_, list) = app.get_html("/pets/").await;
    assert!(list.contains(&format!(
        "name=\"id\" value=\"{rex}\" form=\"bulk-pets\" aria-label=\"Select Rex\""
    )));
    assert!(
        list.contains("aria-label=\"Select Tom &lt;cat&gt;\""),
        "escaped"
    );
    let version = bulk_mark(&app, "/pets/").await;

    // The confirmation lists every record and what goes with it.
    let (status, page) = app
        .get_html(&format!(
            "/bulk/pets/?action=delete&scope=selected&id={rex}&id={tom}&version={version}"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Delete 2 pets?"), "{page}");
    assert!(page.contains("Tom &lt;cat&gt;"));
    assert!(page.contains("1 comment"), "Rex's comment goes with it");
    assert!(!page.contains(">Kept<"));

    let ids = format!("{rex},{tom}");
    let response = apply(
        &app,
        &[
            ("action", "delete"),
            ("scope", "selected"),
            ("ids", &ids),
            ("count", "2"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    assert_eq!(pet_count(&app).await, 1);
    assert!(app
        .db
        .get::<roster_core::domain::Pet>(kept)
        .await
        .unwrap()
        .is_some());
    app.assert_counters_agree().await;

    // One line in the activity log, leading to the batch's page; each
    // record's own history has its delete.
    let (_, activity) = app.get_html("/activity/").await;
    assert!(activity.contains(&format!("href=\"/bulk/{batch}/\">Deleted 2 pets</a>")));
    assert!(
        !activity.contains("<td class=\"action\">Deleted</td>"),
        "its records' deletes are on its page"
    );
    let entries = app.db.history(Kind::Pet, rex, 10, 0).await.unwrap().rows;
    assert_eq!(entries[0].action(), Some(Action::Deleted));
    assert_eq!(entries[0].batch_id, Some(batch));
    let (status, page) = app.get_html(&format!("/bulk/{batch}/")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Deleted 2 pets") && page.contains("Tom &lt;cat&gt;"));
    assert!(page.contains(&format!("action=\"/bulk/{batch}/undo/\"")));

    // Undo brings both back, with the comment.
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/bulk/{batch}/?undone=1"));
    assert_eq!(pet_count(&app).await, 3);
    let (_, rex_page) = app.get_html(&format!("/pets/{rex}/")).await;
    assert!(rex_page.contains("Good dog"));
    app.assert_counters_agree().await;
    let again = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(again.status().as_u16(), 409);
    assert!(again.text().await.unwrap().contains("undone already"));
}

#[tokio::test]
async fn a_record_changed_since_the_list_was_read_refuses_it_all_and_says_how() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", handler).await;
    let tom = app.create_pet("Tom", "Cat", handler).await;
    let version = bulk_mark(&app, "/pets/").await;
    // Someone renames Rex meanwhile.
    let handler_id = handler.to_string();
    let response = app
        .post_form(
            &format!("/pets/{rex}/edit/"),
            &[
                ("name", "Rexy"),
                ("category", "Dog"),
                ("handler_id", &handler_id),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let ids = format!("{rex},{tom}");
    let fields = [
        ("action", "delete"),
        ("scope", "selected"),
        ("ids", ids.as_str()),
        ("count", "2"),
        ("version", version.as_str()),
    ];
    let response = apply(&app, &fields).await;
    assert_eq!(response.status().as_u16(), 409);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("1 of these pets changed since you chose them"),
        "{page}"
    );
    assert!(page.contains("name: Rex → Rexy"), "{page}");
    assert_eq!(pet_count(&app).await, 2, "nothing applied");
    // The page offers the same selection again, as things are now.
    let fresh = {
        let marker = "name=\"version\" value=\"";
        let at = page.find(marker).unwrap();
        let rest = &page[at + marker.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    };
    assert_ne!(fresh, version);
    assert!(page.contains(&format!("name=\"ids\" value=\"{ids}\"")));
    let again = [
        ("action", "delete"),
        ("scope", "selected"),
        ("ids", ids.as_str()),
        ("count", "2"),
        ("version", fresh.as_str()),
    ];
    let response = apply(&app, &again).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(pet_count(&app).await, 0);
}

#[tokio::test]
async fn setting_a_field_on_all_that_match_keeps_the_forms_rules_and_undoes() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    let mut dogs = Vec::new();
    for i in 0..5 {
        dogs.push(app.create_pet(&format!("Dog {i}"), "Dog", ann).await);
    }
    let cat = app.create_pet("Tom", "Cat", ann).await;
    let version = bulk_mark(&app, "/pets/?category=Dog").await;
    let (status, page) = app
        .get_html(&format!(
            "/bulk/pets/?category=Dog&action=set:handler_id&scope=all&version={version}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Move to another handler: 5 pets"), "{page}");
    assert!(!page.contains(">Tom<"));

    // A handler that is not there: at the field, nothing moved.
    let base = [
        ("action", "set:handler_id"),
        ("scope", "all"),
        ("query", "category=Dog"),
        ("count", "5"),
        ("version", version.as_str()),
    ];
    let mut missing = base.to_vec();
    missing.push(("handler_id", "999999"));
    let response = apply(&app, &missing).await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("class=\"field-error\">That handler does not exist"),
        "at the field"
    );

    let bob_id = bob.to_string();
    let mut to_bob = base.to_vec();
    to_bob.push(("handler_id", &bob_id));
    let response = apply(&app, &to_bob).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    for dog in &dogs {
        let pet = app
            .db
            .get::<roster_core::domain::Pet>(*dog)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pet.handler_id, bob);
        assert_eq!(pet.version, 2, "a versioned edit");
    }
    let tom = app
        .db
        .get::<roster_core::domain::Pet>(cat)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tom.handler_id, ann);
    app.assert_counters_agree().await;
    let entries = app.db.batch_entries(batch, 100).await.unwrap();
    assert_eq!(entries.len(), 5);
    assert!(entries.iter().all(|e| e.action() == Some(Action::Edited)));

    // Undo puts each back; refused once one of them changed since.
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    for dog in &dogs {
        let pet = app
            .db
            .get::<roster_core::domain::Pet>(*dog)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pet.handler_id, ann);
    }
    app.assert_counters_agree().await;

    // The same again, then a change by hand: the undo is refused whole.
    let version = bulk_mark(&app, "/pets/?category=Dog").await;
    let mut to_bob = to_bob.clone();
    to_bob[4] = ("version", version.as_str());
    let response = apply(&app, &to_bob).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    let ann_id = ann.to_string();
    let response = app
        .post_form(
            &format!("/pets/{}/edit/", dogs[0]),
            &[
                ("name", "Dog 0"),
                ("category", "Dog"),
                ("handler_id", &ann_id),
                ("version", "4"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 409);
    let text = response.text().await.unwrap();
    assert!(text.contains("changed since"), "{text}");
    let moved = app
        .db
        .get::<roster_core::domain::Pet>(dogs[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.handler_id, bob, "nothing undone");
}

#[tokio::test]
async fn all_that_match_refuses_when_more_match_than_were_confirmed() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    app.create_pet("Rex", "Dog", ann).await;
    app.create_pet("Max", "Dog", ann).await;
    let version = bulk_mark(&app, "/pets/").await;
    // A third dog arrives after the confirmation was read.
    let late = app.create_pet("Late", "Dog", ann).await;
    let response = apply(
        &app,
        &[
            ("action", "set:category"),
            ("scope", "all"),
            ("query", "category=Dog"),
            ("count", "2"),
            ("version", &version),
            ("category", "Wolf"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);
    let page = response.text().await.unwrap();
    assert!(page.contains("Late") && page.contains("added"), "{page}");
    let pet = app
        .db
        .get::<roster_core::domain::Pet>(late)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pet.category.as_str(), "Dog");
}

#[tokio::test]
async fn handlers_with_pets_cannot_be_deleted_in_bulk_and_bad_requests_are_refused() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    app.create_pet("Rex", "Dog", ann).await;
    let version = bulk_mark(&app, "/handlers/").await;
    let (status, page) = app
        .get_html(&format!(
            "/bulk/handlers/?action=delete&scope=selected&id={ann}&id={bob}&version={version}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Ann still has 1 pet"), "{page}");
    let ids = format!("{ann},{bob}");
    let response = app
        .post_form(
            "/bulk/handlers/",
            &[
                ("action", "delete"),
                ("scope", "selected"),
                ("ids", &ids),
                ("count", "2"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.counted("handlers").await, 2, "not even Bob");

    // Crafted requests: an action the type does not have, junk ids, no count.
    for fields in [
        vec![
            ("action", "set:name"),
            ("scope", "selected"),
            ("ids", "1"),
            ("count", "1"),
            ("version", "1"),
        ],
        vec![
            ("action", "delete"),
            ("scope", "selected"),
            ("ids", "1,x"),
            ("count", "1"),
            ("version", "1"),
        ],
        vec![
            ("action", "delete"),
            ("scope", "selected"),
            ("ids", "1"),
            ("version", "1"),
        ],
        vec![("action", "drop table"), ("scope", "everything")],
    ] {
        let response = app.post_form("/bulk/handlers/", &fields).await;
        let status = response.status().as_u16();
        assert!(status == 409 || status == 422, "{fields:?}: {status}");
    }
    // Signed out: nothing.
    let response = app
        .anonymous()
        .post(app.url("/bulk/handlers/"))
        .form(&[
            ("action", "delete"),
            ("scope", "selected"),
            ("ids", "1"),
            ("count", "1"),
            ("version", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        matches!(response.status().as_u16(), 401 | 403 | 303),
        "{}",
        response.status()
    );
    assert_eq!(app.counted("handlers").await, 2);
}

#[tokio::test]
async fn the_rows_ticked_download_as_the_lists_own_file() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    app.create_pet("Max", "Dog", ann).await;
    let tom = app.create_pet("Tom", "Cat", ann).await;
    let version = bulk_mark(&app, "/pets/").await;
    // Without JavaScript the confirmation offers the file.
    let (status, page) = app
        .get_html(&format!(
            "/bulk/pets/?action=export:csv&scope=selected&id={rex}&id={tom}&version={version}"
        ))
        .await;
    assert_eq!(status, 200);
    let href = format!("/pets/?format=csv&amp;ids={rex}%2C{tom}");
    assert!(page.contains(&href), "{page}");
    let response = app.get(&format!("/pets/?format=csv&ids={rex},{tom}")).await;
    assert_eq!(response.status().as_u16(), 200);
    let file = response.text().await.unwrap();
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines.len(), 3, "a header and the two rows: {file}");
    assert!(file.contains("Rex") && file.contains("Tom") && !file.contains("Max"));
    let bad = app.get("/pets/?format=csv&ids=1,x").await;
    assert_eq!(bad.status().as_u16(), 400);
    // A download changes nothing: there is no Apply for it.
    let response = apply(
        &app,
        &[
            ("action", "export:csv"),
            ("scope", "selected"),
            ("ids", &rex.to_string()),
            ("count", "1"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);
}

#[tokio::test]
async fn hundreds_of_records_are_written_a_chunk_at_a_time_each_with_its_history_and_trash_entry() {
    use roster_core::db::By;
    use roster_core::domain::{FormInput, Pet, PetInput};
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    let by = By::operator();
    let mut ids = Vec::new();
    for i in 0..450 {
        let input = PetInput {
            name: format!("Pet {i}"),
            category: "Dog".into(),
            handler_id: ann.to_string(),
            ..Default::default()
        };
        let pet = app
            .db
            .create::<Pet>(&by, &input.parse().unwrap())
            .await
            .unwrap();
        ids.push(pet.id);
    }
    // One pet past the first chunk has a comment, which goes with it.
    let with_comment = ids[333];
    let response = app
        .post_form(
            &format!("/pets/{with_comment}/comments/"),
            &[("body", "Chunked")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let version = bulk_mark(&app, "/pets/").await;
    let bob_id = bob.to_string();
    let response = apply(
        &app,
        &[
            ("action", "set:handler_id"),
            ("scope", "all"),
            ("query", ""),
            ("count", "450"),
            ("version", &version),
            ("handler_id", &bob_id),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    let entries = app.db.batch_entries(batch, 1000).await.unwrap();
    assert_eq!(entries.len(), 450);
    for entry in &entries {
        let changes = entry.changes();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].field, "handler_id");
        assert_eq!(
            (changes[0].was.as_str(), changes[0].now.as_str()),
            (ann.to_string().as_str(), bob_id.as_str())
        );
    }
    let pet = app.db.get::<Pet>(ids[449]).await.unwrap().unwrap();
    assert_eq!((pet.handler_id, pet.version), (bob, 2));
    app.assert_counters_agree().await;

    let version = bulk_mark(&app, "/pets/").await;
    let response = apply(
        &app,
        &[
            ("action", "delete"),
            ("scope", "all"),
            ("query", ""),
            ("count", "450"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    assert_eq!(pet_count(&app).await, 0);
    app.assert_counters_agree().await;
    let trash = app
        .db
        .trash_of(roster_core::domain::Kind::Pet, with_comment)
        .await
        .unwrap();
    let entry = app
        .db
        .trash_entry(trash.expect("in the trash"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        entry.summary.contains("1 comment (Chunked)"),
        "{}",
        entry.summary
    );
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(pet_count(&app).await, 450);
    let (_, page) = app.get_html(&format!("/pets/{with_comment}/")).await;
    assert!(page.contains("Chunked"), "its comment came back with it");
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn handlers_chosen_hand_all_their_pets_to_another_then_can_be_deleted() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    let cy = app.create_handler("Cy").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let tom = app.create_pet("Tom", "Cat", bob).await;
    let kept = app.create_pet("Kept", "Dog", cy).await;
    let version = bulk_mark(&app, "/handlers/").await;
    let (status, page) = app
        .get_html(&format!(
            "/bulk/handlers/?action=set:move_to&scope=selected&id={ann}&id={bob}&version={version}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Move all their pets to another handler: 2 handlers"),
        "{page}"
    );
    assert!(page.contains("2 pets move."));
    let ids = format!("{ann},{bob}");
    let base = [
        ("action", "set:move_to"),
        ("scope", "selected"),
        ("ids", ids.as_str()),
        ("count", "2"),
        ("version", version.as_str()),
    ];
    // To one of themselves, or to nobody: at the field.
    for target in [ann.to_string(), "999999".to_owned(), String::new()] {
        let mut fields = base.to_vec();
        fields.push(("move_to", &target));
        let response = app.post_form("/bulk/handlers/", &fields).await;
        assert_eq!(response.status().as_u16(), 422, "to {target:?}");
    }
    let cy_id = cy.to_string();
    let mut fields = base.to_vec();
    fields.push(("move_to", &cy_id));
    let response = app.post_form("/bulk/handlers/", &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    for pet in [rex, tom, kept] {
        let pet = app
            .db
            .get::<roster_core::domain::Pet>(pet)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(pet.handler_id, cy);
    }
    app.assert_counters_agree().await;
    let (_, page) = app.get_html(&format!("/bulk/{batch}/")).await;
    assert!(
        page.contains(">Rex</a>") && page.contains(">Tom</a>"),
        "the pets moved"
    );
    // Now the handlers have none, and go in one action.
    let version = bulk_mark(&app, "/handlers/").await;
    let response = app
        .post_form(
            "/bulk/handlers/",
            &[
                ("action", "delete"),
                ("scope", "selected"),
                ("ids", &ids),
                ("count", "2"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("handlers").await, 1);
    // The move is undone as a whole: each pet back with its handler...
    // once its handler is back.
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "their handlers are in the trash"
    );
}

/// What the browser's router asks with the wasm loaded: the confirmation
/// through its server function, for "all that match" (no ids at all).
#[tokio::test]
async fn the_confirmations_server_function_takes_a_request_without_ids() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    app.create_pet("Rex", "Dog", ann).await;
    app.create_pet("Max", "Cat", ann).await;
    let response = app
        .client
        .post(app.url("/api/bulk/preview"))
        .form(&[
            ("kind", "Pet"),
            ("request[action]", "set:category"),
            ("request[scope]", "all"),
            ("request[query]", "category=Dog"),
            ("request[version]", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let preview: serde_json::Value = response.json().await.unwrap();
    assert_eq!(preview["count"], 1, "{preview}");
    assert_eq!(preview["heading"], "Set the category: 1 pet");
}

async fn course(app: &TestApp, code: &str, capacity: &str) -> i64 {
    let fields = [
        ("code", code),
        ("title", "Marine biology"),
        ("capacity", capacity),
    ];
    let response = app.post_form("/courses/create/", &fields).await;
    assert_eq!(response.status().as_u16(), 303, "creating course {code}");
    common::id_in(&location(&response))
}

async fn student(app: &TestApp, n: usize) -> i64 {
    let email = format!("s{n}@example.com");
    app.create_student("Stu", &format!("Dent{n}"), &email).await
}

#[tokio::test]
async fn students_ticked_are_enrolled_in_a_course_as_far_as_its_seats_go_and_undone() {
    let app = spawn_app().await;
    let small = course(&app, "BIO101", "3").await;
    let large = course(&app, "BIO102", "10").await;
    let mut students = Vec::new();
    for n in 1..=4 {
        students.push(student(&app, n).await);
    }
    for course in [small, large] {
        let response = app
            .post_form(
                &format!("/courses/{course}/enrol/"),
                &[("student_id", &students[0].to_string())],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let version = bulk_mark(&app, "/").await;
    let query: String = students.iter().map(|id| format!("&id={id}")).collect();
    let (status, page) = app
        .get_html(&format!(
            "/bulk/students/?action=set:course_id&scope=selected{query}&version={version}"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Enrol in a course: 4 students"), "{page}");
    assert!(page.contains("name=\"course_q\""), "a course to find");

    let ids = students
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let base = [
        ("action", "set:course_id"),
        ("scope", "selected"),
        ("ids", ids.as_str()),
        ("count", "4"),
        ("version", version.as_str()),
    ];
    let with_course = |course: String| {
        let mut fields: Vec<(&str, String)> =
            base.iter().map(|(k, v)| (*k, v.to_string())).collect();
        fields.push(("course_id", course));
        fields
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/bulk/students/", &fields).await
        }
    };

    // Without JavaScript the picker's Find shows the matches, the
    // selection kept.
    let mut find = with_course(String::new());
    find.push(("course_q", "BIO102".into()));
    find.push(("_find", "course_id".into()));
    let response = post(find).await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"course_id\" id=\"course_id-{large}\"")),
        "{html}"
    );
    assert!(html.contains(&format!("name=\"ids\" value=\"{ids}\"")));

    // No course, or one that is not there: at the field.
    for course in [String::new(), "999999".to_owned()] {
        let response = post(with_course(course.clone())).await;
        assert_eq!(response.status().as_u16(), 422, "course {course:?}");
    }
    // Two seats left for three newcomers: the last did not fit, nothing
    // applied.
    let response = post(with_course(small.to_string())).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    let error = common::field_error(&html, "bulk-course_id");
    assert!(
        error.contains("BIO101 Marine biology has 2 seats left"),
        "{error}"
    );
    assert!(
        error.contains("1 student did not fit (Stu Dent4)"),
        "{error}"
    );
    assert_eq!(app.counted("enrolments").await, 2, "nothing applied");

    // Room enough: the three who were not enrolled are, in one action.
    let response = post(with_course(large.to_string())).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    assert_eq!(app.counted("enrolments").await, 5);
    app.assert_counters_agree().await;
    let (_, page) = app.get_html(&format!("/bulk/{batch}/")).await;
    assert!(
        page.contains("Enrolled 3 students in BIO102 Marine biology (1 already were)"),
        "{page}"
    );
    assert!(page.contains("Stu Dent4") && page.contains("course: BIO102 Marine biology"));
    let (_, activity) = app.get_html("/activity/").await;
    assert!(activity.contains(&format!("href=\"/bulk/{batch}/\">Enrolled 3 students")));
    let entries = app
        .db
        .history(Kind::Student, students[3], 10, 0)
        .await
        .unwrap()
        .rows;
    assert_eq!(entries[0].action(), Some(Action::Enrolled));
    assert_eq!(entries[0].batch_id, Some(batch));

    // Undone as a whole: the three leave, the one enrolled before stays.
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("enrolments").await, 2);
    app.assert_counters_agree().await;

    // Enrolled again, then one of them graded: the undo is refused whole.
    let version = bulk_mark(&app, "/").await;
    let mut fields = with_course(large.to_string());
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", version));
    let response = post(fields).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    let enrolment = app
        .db
        .list::<roster_core::domain::CourseStudents>(&roster_core::domain::QueryOf::<
            roster_core::domain::CourseStudents,
        > {
            filter: roster_core::domain::EnrolmentsOf {
                course: Some(large),
                student: None,
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|e| e.student_id == students[2])
        .unwrap();
    app.db
        .set_grade(
            &roster_core::db::By::operator(),
            enrolment.id,
            enrolment.version,
            Some(80),
        )
        .await
        .unwrap();
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response.text().await.unwrap().contains("changed since"));
    assert_eq!(app.counted("enrolments").await, 5, "nothing undone");
}

/// The enrolments of `course`, by student.
async fn class(app: &TestApp, course: i64) -> Vec<roster_core::domain::Enrolment> {
    use roster_core::domain::{CourseStudents, EnrolmentsOf, QueryOf};
    let query = QueryOf::<CourseStudents> {
        filter: EnrolmentsOf {
            course: Some(course),
            student: None,
        },
        ..Default::default()
    };
    app.db.list::<CourseStudents>(&query).await.unwrap().rows
}

#[tokio::test]
async fn a_courses_students_ticked_are_graded_or_unenrolled_in_one_action_and_undone() {
    let app = spawn_app().await;
    let bio = course(&app, "BIO201", "").await;
    let mut students = Vec::new();
    for n in 1..=3 {
        let id = student(&app, n).await;
        let response = app
            .post_form(
                &format!("/courses/{bio}/enrol/"),
                &[("student_id", &id.to_string())],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        students.push(id);
    }
    let page = format!("/courses/{bio}/");
    let (_, html) = app.get_html(&page).await;
    let enrolments = class(&app, bio).await;
    let first = &enrolments[0];
    assert!(
        html.contains(&format!(
            "name=\"id\" value=\"{}\" form=\"bulk-enrolments\"",
            first.id
        )),
        "a checkbox per row"
    );
    assert!(html.contains(&format!("action=\"/courses/{bio}/students/bulk/\"")));
    assert!(html.contains(">Unenrol…</option>") && html.contains("value=\"set:grade\""));
    let version = bulk_mark(&app, &page).await;
    let two = format!("{},{}", enrolments[0].id, enrolments[1].id);
    let (status, confirm) = app
        .get_html(&format!(
            "/courses/{bio}/students/bulk/?action=set:grade&scope=selected&id={}&id={}&version={version}",
            enrolments[0].id, enrolments[1].id
        ))
        .await;
    assert_eq!(status, 200, "{confirm}");
    assert!(
        confirm.contains("Set the grade: 2 students in BIO201"),
        "{confirm}"
    );
    let url = format!("/courses/{bio}/students/bulk/");
    let fields = |action: &'static str, grade: &'static str, version: String| {
        vec![
            ("action", action.to_owned()),
            ("scope", "selected".to_owned()),
            ("ids", two.clone()),
            ("count", "2".to_owned()),
            ("version", version),
            ("grade", grade.to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let (app, url) = (&app, &url);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(url, &fields).await
        }
    };
    // The grade form's own rules, at the field.
    let response = send(fields("set:grade", "101", version.clone())).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(common::field_error(&html, "bulk-grade").contains("from 0 to 100"));

    let response = send(fields("set:grade", "85", version.clone())).await;
    assert_eq!(response.status().as_u16(), 303);
    let graded = batch_of(&location(&response));
    let now = class(&app, bio).await;
    assert_eq!(
        now.iter().map(|e| e.grade).collect::<Vec<_>>(),
        vec![Some(85), Some(85), None]
    );
    let (_, batch_page) = app.get_html(&format!("/bulk/{graded}/")).await;
    assert!(
        batch_page.contains("Graded 2 students 85 in BIO201"),
        "{batch_page}"
    );

    // The same list, read before that: refused whole, saying what changed.
    let response = send(fields("delete", "", version.clone())).await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("2 of these students changed since you chose them"),
        "{html}"
    );
    assert!(html.contains("grade in BIO201"));
    assert_eq!(class(&app, bio).await.len(), 3, "nothing applied");

    // Read again: both leave, with their grades; undone as a whole.
    let version = bulk_mark(&app, &page).await;
    let response = send(fields("delete", "", version)).await;
    assert_eq!(response.status().as_u16(), 303);
    let left = batch_of(&location(&response));
    let now = class(&app, bio).await;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].student_id, students[2]);
    app.assert_counters_agree().await;
    let response = app.post_form(&format!("/bulk/{left}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let back = class(&app, bio).await;
    assert_eq!(back.len(), 3);
    let again = back
        .iter()
        .find(|e| e.id == enrolments[0].id)
        .expect("its own id back");
    assert_eq!(
        (again.grade, again.enrolled_on),
        (Some(85), enrolments[0].enrolled_on)
    );
    app.assert_counters_agree().await;
    // The grades' undo now: those enrolments left and came back since.
    let response = app.post_form(&format!("/bulk/{graded}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response.text().await.unwrap().contains("changed since"));
    assert_eq!(class(&app, bio).await[0].grade, Some(85), "nothing undone");

    // Someone else's course's enrolment, crafted in: refused whole.
    let other = course(&app, "BIO202", "").await;
    let response = app
        .post_form(
            &format!("/courses/{other}/enrol/"),
            &[("student_id", &students[0].to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let foreign = class(&app, other).await[0].id;
    let version = bulk_mark(&app, &page).await;
    let crafted = format!("{},{foreign}", enrolments[1].id);
    let response = app
        .post_form(
            &url,
            &[
                ("action", "delete"),
                ("scope", "selected"),
                ("ids", &crafted),
                ("count", "2"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(class(&app, bio).await.len(), 3);
    assert_eq!(class(&app, other).await.len(), 1);

    // Grades cleared, then put back by the Undo.
    let response = send(fields("set:grade", "", bulk_mark(&app, &page).await)).await;
    assert_eq!(response.status().as_u16(), 303);
    let cleared = batch_of(&location(&response));
    assert!(class(&app, bio).await.iter().all(|e| e.grade.is_none()));
    let response = app.post_form(&format!("/bulk/{cleared}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let grades: Vec<_> = class(&app, bio).await.iter().map(|e| e.grade).collect();
    assert_eq!(grades.iter().filter(|g| **g == Some(85)).count(), 2);
}

#[tokio::test]
async fn a_thousand_enrolments_are_written_a_chunk_at_a_time_graded_ended_and_undone_whole() {
    let app = spawn_app().await;
    let n: usize = 1_200;
    app.db
        .seed_fake(
            roster_core::db::SeedCounts {
                students: n as u64,
                ..Default::default()
            },
            7,
        )
        .await
        .unwrap();
    let bio = course(&app, "BIO301", "").await;
    let small = course(&app, "BIO302", "1199").await;
    let sheet = |course: i64| {
        let app = &app;
        async move { app.db.grade_sheet(course).await.unwrap() }
    };
    let all = |version: String, count: usize, more: &[(&'static str, String)]| {
        let mut fields = vec![
            ("scope", "all".to_owned()),
            ("query", String::new()),
            ("count", count.to_string()),
            ("version", version),
        ];
        fields.extend(more.iter().cloned());
        fields
    };
    let post = |url: String, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&url, &fields).await
        }
    };
    let enrol = |course: i64| {
        vec![
            ("action", "set:course_id".to_owned()),
            ("course_id", course.to_string()),
        ]
    };

    // One seat short, over several chunks: no one is enrolled.
    let version = bulk_mark(&app, "/").await;
    let response = post("/bulk/students/".into(), all(version, n, &enrol(small))).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        common::field_error(&html, "bulk-course_id").contains("1 student did not fit"),
        "{html}"
    );
    assert_eq!(app.counted("enrolments").await, 0, "nothing applied");

    // Every one of them, in one action: each with its history entries.
    let version = bulk_mark(&app, "/").await;
    let response = post("/bulk/students/".into(), all(version, n, &enrol(bio))).await;
    assert_eq!(response.status().as_u16(), 303);
    let enrolled = batch_of(&location(&response));
    let rows = sheet(bio).await;
    assert_eq!(rows.len(), n);
    app.assert_counters_agree().await;
    let entries = app.db.batch_entries(enrolled, 5_000).await.unwrap();
    assert_eq!(entries.len(), n, "one entry per student");
    assert!(entries
        .iter()
        .all(|e| e.action() == Some(Action::Enrolled) && e.changes()[0].now.contains("BIO301")));
    let course_side = app.db.history(Kind::Course, bio, 10, 0).await.unwrap();
    assert_eq!(
        course_side.total,
        n as i64 + 1,
        "and the course's, after its creation"
    );

    // Graded all that match on the course's page, then undone.
    let class = format!("/courses/{bio}/students/bulk/");
    let version = bulk_mark(&app, &format!("/courses/{bio}/")).await;
    let grade = [
        ("action", "set:grade".to_owned()),
        ("grade", "64".to_owned()),
    ];
    let response = post(class.clone(), all(version, n, &grade)).await;
    assert_eq!(response.status().as_u16(), 303);
    let graded = batch_of(&location(&response));
    let rows = sheet(bio).await;
    assert!(rows.iter().all(|r| r.grade == Some(64) && r.version == 2));
    let response = app.post_form(&format!("/bulk/{graded}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(sheet(bio)
        .await
        .iter()
        .all(|r| r.grade.is_none() && r.version == 3));

    // One graded by hand, then everyone unenrolled and brought back: the
    // same enrolments, with that grade.
    let kept = &rows[777];
    app.db
        .set_grade(&roster_core::db::By::operator(), kept.id, 3, Some(91))
        .await
        .unwrap();
    let version = bulk_mark(&app, &format!("/courses/{bio}/")).await;
    let unenrol = [("action", "delete".to_owned())];
    let response = post(class.clone(), all(version, n, &unenrol)).await;
    assert_eq!(response.status().as_u16(), 303);
    let ended = batch_of(&location(&response));
    assert_eq!(app.counted("enrolments").await, 0);
    app.assert_counters_agree().await;
    let response = app.post_form(&format!("/bulk/{ended}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let back = sheet(bio).await;
    assert_eq!(back.len(), n);
    let mut ids: Vec<i64> = back.iter().map(|r| r.id).collect();
    let mut before: Vec<i64> = rows.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    before.sort_unstable();
    assert_eq!(ids, before, "each with its own id");
    let again = back.iter().find(|r| r.id == kept.id).unwrap();
    assert_eq!(again.grade, Some(91));
    app.assert_counters_agree().await;

    // The first enrolment's undo now: they left and came back since.
    let response = app.post_form(&format!("/bulk/{enrolled}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.counted("enrolments").await, n as i64, "nothing undone");
}
