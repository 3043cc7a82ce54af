//! The trash: every record type's delete keeps the record and what went
//! with it; a restore brings them back with the same ids, or changes
//! nothing and says why; Undo after a delete; emptying it.

mod common;

use common::{id_in, location, spawn_app, student_form, TestApp};
use roster_app::record::page::RecordView;
use roster_core::db::{Db, Listed, Table};
use roster_core::domain::{Action, Kind, Pet, Record, Student};

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn execute(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap();
}

/// How many rows of each dependant table that goes with record `id` of `R`
/// name it, and every value of theirs (as text, in id order).
async fn dependants<R: Table>(db: &Db, id: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for child in R::CHILDREN.iter().filter(|c| c.cascade) {
        let where_ = format!("FROM {} WHERE {} = {id}", child.table, child.column);
        let n = scalar(db, &format!("SELECT COUNT(*) {where_}")).await;
        let values: Vec<String> = child
            .columns
            .iter()
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '-')"))
            .collect();
        let sql = format!("SELECT {} {where_} ORDER BY id", values.join(" || '|' || "));
        let rows: Vec<String> = match db {
            Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await.unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await.unwrap(),
        };
        out.push((n, rows.join("\n")));
    }
    out
}

/// The trash entry a delete's redirect offers to undo (`…&undo=7`).
fn undo_in(location: &str) -> i64 {
    location
        .split("undo=")
        .nth(1)
        .and_then(|v| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no undo in {location:?}"))
}

/// Posts trash entry `trash`'s Restore form (without JavaScript): the
/// status and the page.
async fn restore(app: &TestApp, trash: i64, form: &[(&str, &str)]) -> (u16, String) {
    let response = app.post_form(&format!("/trash/{trash}/"), form).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Whether record `id` of `R` is there.
async fn exists<R: Table>(app: &TestApp, id: i64) -> bool {
    app.db.get::<R>(id).await.unwrap().is_some()
}

macro_rules! for_each_record {
    ($($record:ty => $list:ty),* $(,)?) => {
        async fn every_type(app: &TestApp) {
            $(round_trip::<$record, $list>(app).await;)*
        }
    };
}
roster_app::record_types!(for_each_record);

/// Deletes the sample record of `R` with the most dependants (without
/// JavaScript), finds it in the trash and nowhere else, restores it and
/// checks it is back as it was, with the same id and its dependants.
async fn round_trip<R: RecordView + Table, L: Listed<Row = R>>(app: &TestApp) {
    let noun = R::KIND.noun();
    let rows = app.db.list::<L>(&Default::default()).await.unwrap().rows;
    let mut best = None;
    for row in &rows {
        let n: i64 = dependants::<R>(&app.db, row.id())
            .await
            .iter()
            .map(|d| d.0)
            .sum();
        if best.as_ref().is_none_or(|(m, _)| n > *m) {
            best = Some((n, row.clone()));
        }
    }
    let (n, record) = best.expect("the sample data has one");
    let has_dependants = R::CHILDREN.iter().any(|c| c.cascade);
    assert_eq!(
        n > 0,
        has_dependants,
        "{noun}: the sample has dependants to bring back"
    );
    let id = record.id();
    let before = dependants::<R>(&app.db, id).await;
    let total = app.db.list::<L>(&Default::default()).await.unwrap().total;
    // Dependants that stay (a handler's pets) move to another record first.
    let other = rows
        .iter()
        .find(|r| r.id() != id)
        .map(|r| r.id().to_string());
    let version = record.version().to_string();
    let mut form = vec![("version", version.as_str())];
    if let Some(other) = &other {
        form.push(("move_to", other));
    }
    let response = app.post_form(&R::DELETE.fill(&[id]), &form).await;
    assert_eq!(response.status().as_u16(), 303, "{noun}: delete");
    let trash = undo_in(&location(&response));

    assert!(app.db.get::<R>(id).await.unwrap().is_none(), "{noun}: gone");
    let now = app.db.list::<L>(&Default::default()).await.unwrap().total;
    assert_eq!(now, total - 1, "{noun}: the list's count");
    assert!(dependants::<R>(&app.db, id).await.iter().all(|d| d.0 == 0));
    let (status, html) = app.get_html(&format!("/trash/?kind={noun}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/trash/{trash}/")), "{noun}: listed");
    let (status, _) = app.get_html(&R::PAGE.fill(&[id])).await;
    assert_eq!(status, 404, "{noun}: its page is gone");
    let (status, html) = app.get_html(&format!("/trash/{trash}/")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("Restore {noun}")),
        "{noun}: entry page"
    );

    let response = app.post_form(&format!("/trash/{trash}/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303, "{noun}: restore");
    assert_eq!(
        location(&response),
        format!("{}?undeleted=1", R::PAGE.fill(&[id])),
        "{noun}: back at its own URL"
    );
    let back = app.db.get::<R>(id).await.unwrap().expect("restored");
    assert_eq!(back.title(), record.title(), "{noun}");
    assert_eq!(back.to_input_fields(), record.to_input_fields(), "{noun}");
    assert_eq!(
        back.version(),
        record.version() + 1,
        "{noun}: a new version"
    );
    assert_eq!(
        dependants::<R>(&app.db, id).await,
        before,
        "{noun}: dependants back"
    );
    let now = app.db.list::<L>(&Default::default()).await.unwrap().total;
    assert_eq!(now, total, "{noun}: counted again");
    let history = app.db.history(R::KIND, id, 2, 0).await.unwrap().rows;
    let actions: Vec<_> = history.iter().map(|e| e.action()).collect();
    assert_eq!(
        actions,
        [Some(Action::Undeleted), Some(Action::Deleted)],
        "{noun}"
    );

    // Once only.
    let (again, _) = restore(app, trash, &[]).await;
    assert_eq!(again, 404, "{noun}: restored already");
    // A form opened before the delete is stale now.
    let stale = app
        .post_form(&R::DELETE.fill(&[id]), &[("version", version.as_str())])
        .await;
    assert_eq!(stale.status().as_u16(), 409, "{noun}: stale delete");
    // The counters the dependants keep were counted up again, not copied.
    for (name, kept, fresh) in roster_core::db::record_counts(&app.db).await.unwrap() {
        assert_eq!(kept, fresh, "{noun}: counter {name}");
    }
    let problems = roster_core::db::row_checks(&app.db).await.unwrap();
    assert!(
        problems.iter().all(|(_, n)| *n == 0),
        "{noun}: {problems:?}"
    );
}

/// A record's form values, for comparing a record before and after.
trait InputFields {
    fn to_input_fields(&self) -> Vec<(String, String)>;
}

impl<R: Record> InputFields for R {
    fn to_input_fields(&self) -> Vec<(String, String)> {
        let mut fields = roster_core::domain::to_fields(&self.to_input());
        fields.retain(|(name, _)| name != "version");
        fields
    }
}

#[tokio::test]
async fn every_record_type_comes_back_from_the_trash_with_its_id_and_dependants() {
    let app = spawn_app().await;
    app.seed_sample().await;
    every_type(&app).await;
}

async fn create_student(app: &TestApp, last: &str, email: &str) -> i64 {
    let response = app
        .post_form("/create/", &student_form("Ada", last, email))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let next = location(&response);
    next.split("created=").nth(1).unwrap().parse().unwrap()
}

async fn delete(app: &TestApp, path: &str) -> i64 {
    let version = path_version(app, path).await;
    let response = app.post_form(path, &[("version", &version)]).await;
    assert_eq!(response.status().as_u16(), 303, "delete {path}");
    undo_in(&location(&response))
}

/// The version a delete page's form carries.
async fn path_version(app: &TestApp, path: &str) -> String {
    let (_, html) = app.get_html(path).await;
    let at = html
        .find("name=\"version\" value=\"")
        .expect("a version field")
        + 22;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_deleted_students_email_is_free_and_then_its_restore_is_refused_changing_nothing() {
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    let trash = delete(&app, &format!("/{ada}/delete/")).await;
    // Deleted records are not in the uniqueness checks: the email is free.
    let other = create_student(&app, "Byron", "ADA@example.com").await;
    let (_, html) = app.get_html("/?q=ada%40example").await;
    assert!(html.contains(&format!("href=\"/{other}/\"")), "{html}");
    assert!(
        !html.contains(&format!("href=\"/{ada}/\"")),
        "not in searches"
    );

    let (status, html) = restore(&app, trash, &[]).await;
    assert_eq!(status, 409);
    assert!(
        html.contains("Ada Lovelace cannot be restored now") && html.contains("email"),
        "{html}"
    );
    assert!(!exists::<Student>(&app, ada).await);
    assert!(
        app.db.trash_entry(trash).await.unwrap().is_some(),
        "still in the trash"
    );
    let history = app.db.history(Kind::Student, ada, 5, 0).await.unwrap().rows;
    assert_eq!(
        history[0].action(),
        Some(Action::Deleted),
        "no entry for a refusal"
    );

    // Once the other student's email changes, it comes back.
    let other_version = path_version(&app, &format!("/{other}/edit/")).await;
    let mut form = student_form("Ada", "Byron", "ada.byron@example.com");
    form.push(("version", &other_version));
    let response = app.post_form(&format!("/{other}/edit/"), &form).await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, _) = restore(&app, trash, &[]).await;
    assert_eq!(status, 303);
    assert!(exists::<Student>(&app, ada).await);
}

#[tokio::test]
async fn a_pet_whose_handler_is_gone_comes_back_with_another_chosen() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let trash = delete(&app, &format!("/pets/{rex}/delete/")).await;
    delete(&app, &format!("/handlers/{ann}/delete/")).await;

    let (status, html) = app.get_html(&format!("/trash/{trash}/")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("New handler") && html.contains("name=\"parent_q\""),
        "{html}"
    );
    let (status, html) = restore(&app, trash, &[]).await;
    assert_eq!(status, 422);
    assert!(
        common::field_error(&html, "parent").contains("handler is no longer there"),
        "{html}"
    );
    assert!(!exists::<Pet>(&app, rex).await);
    // Nonsense for a handler: the field says so, nothing restored.
    let (status, html) = restore(&app, trash, &[("parent", "abc")]).await;
    assert_eq!(status, 422);
    assert!(
        common::field_error(&html, "parent").contains("Choose one"),
        "{html}"
    );
    assert!(!exists::<Pet>(&app, rex).await);

    let (status, _) = restore(&app, trash, &[("parent", &bob.to_string())]).await;
    assert_eq!(status, 303);
    let pet = app
        .db
        .get::<roster_core::domain::Pet>(rex)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((pet.handler_id, pet.name.as_str()), (bob, "Rex"));
    assert_eq!(app.counted("pets").await, 1);
}

#[tokio::test]
async fn enrolments_come_back_only_into_courses_that_are_there_and_not_full() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/courses/create/",
            &[("code", "BIO-1"), ("title", "Biology"), ("capacity", "1")],
        )
        .await;
    let course = id_in(&location(&response));
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    let cy = create_student(&app, "Young", "cy@example.com").await;
    let enrol = |student: i64| {
        let path = format!("/courses/{course}/enrol/");
        let app = &app;
        async move {
            let response = app
                .post_form(&path, &[("student_id", &student.to_string())])
                .await;
            assert_eq!(response.status().as_u16(), 303, "enrol {student}");
        }
    };
    enrol(ada).await;
    let trash = delete(&app, &format!("/{ada}/delete/")).await;
    // Her place went to someone else: the course is full now.
    enrol(cy).await;
    let (status, html) = restore(&app, trash, &[]).await;
    assert_eq!(status, 409);
    assert!(html.contains("BIO-1 is full now"), "{html}");
    assert!(!exists::<Student>(&app, ada).await);
    assert_eq!(app.counted("enrolments").await, 1);

    // The course itself deleted: restore it first.
    let course_trash = delete(&app, &format!("/courses/{course}/delete/")).await;
    let (status, html) = restore(&app, trash, &[]).await;
    assert_eq!(status, 409);
    assert!(
        html.contains("the course of its enrolment “BIO-1” is in the trash: restore it first"),
        "{html}"
    );
    let (status, _) = restore(&app, course_trash, &[]).await;
    assert_eq!(status, 303);
    // Cy came back with the course; unenrolled, Ada's place is free again.
    assert_eq!(app.counted("enrolments").await, 1);
    execute(&app.db, "DELETE FROM enrolments").await;
    let (status, _) = restore(&app, trash, &[]).await;
    assert_eq!(status, 303);
    let enrolled = scalar(
        &app.db,
        &format!(
            "SELECT COUNT(*) FROM enrolments WHERE student_id = {ada} AND course_id = {course}"
        ),
    )
    .await;
    assert_eq!(enrolled, 1);
    let problems = roster_core::db::row_checks(&app.db).await.unwrap();
    assert!(problems.iter().all(|(_, n)| *n == 0), "{problems:?}");
}

#[tokio::test]
async fn undo_after_a_delete_works_through_the_server_function_too() {
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    let response = app
        .client
        .post(app.url("/api/students/delete"))
        .form(&[("id", ada.to_string().as_str()), ("input[version]", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let deleted: serde_json::Value = response.json().await.unwrap();
    assert_eq!(deleted["title"], "Ada Lovelace");
    let trash = deleted["trash"].as_i64().unwrap();
    // The list the browser is sent to says so, with the Undo form.
    let (_, html) = app
        .get_html(&format!("/?deleted=Ada%20Lovelace&undo={trash}"))
        .await;
    assert!(html.contains("Deleted Ada Lovelace."));
    assert!(
        html.contains(&format!("action=\"/trash/{trash}/\"")),
        "{html}"
    );

    let response = app
        .client
        .post(app.url("/api/trash/restore"))
        .form(&[("id", trash.to_string().as_str()), ("input[parent]", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let page: String = response.json().await.unwrap();
    assert_eq!(page, format!("/{ada}/"));
    assert!(exists::<Student>(&app, ada).await);
    let history = app.db.history(Kind::Student, ada, 5, 0).await.unwrap().rows;
    assert_eq!(history[0].action(), Some(Action::Undeleted));
}

#[tokio::test]
async fn the_trash_is_searched_by_title_filtered_by_type_and_shows_who_and_what_went() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let client = app.client.clone();
    let response = app.comment_as(&client, rex, "Good dog").await;
    assert_eq!(response.status().as_u16(), 303);
    delete(&app, &format!("/pets/{rex}/delete/")).await;
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    delete(&app, &format!("/{ada}/delete/")).await;

    let (_, html) = app.get_html("/trash/").await;
    assert!(html.contains("Rex") && html.contains("Ada Lovelace"));
    assert!(html.contains("1 comment (Good dog)"), "{html}");
    let (_, html) = app.get_html("/trash/?kind=pet").await;
    assert!(html.contains("Rex") && !html.contains("Ada Lovelace"));
    let (_, html) = app.get_html("/trash/?q=lovel").await;
    assert!(!html.contains(">Rex<") && html.contains("Ada Lovelace"));
    // The deleted record's history says where it went.
    let (status, html) = app.get_html(&format!("/pets/{rex}/history/")).await;
    assert_eq!(status, 200);
    assert!(html.contains("It is in the trash"), "{html}");
}

#[tokio::test]
async fn administrators_empty_the_trash_and_old_entries_go_by_themselves() {
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    let cy = create_student(&app, "Young", "cy@example.com").await;
    delete(&app, &format!("/{ada}/delete/")).await;
    delete(&app, &format!("/{cy}/delete/")).await;

    // Forty days pass for Ada's entry only.
    let past = match app.db {
        Db::Sqlite(_) => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days')",
        Db::Postgres(_) => "now() - interval '40 days'",
    };
    execute(
        &app.db,
        &format!("UPDATE trash SET at = {past} WHERE record_id = {ada}"),
    )
    .await;
    let by = roster_core::db::By::operator();
    assert_eq!(app.db.purge_trash(&by, Some(30)).await.unwrap(), 1);
    assert_eq!(app.db.trash_of(Kind::Student, ada).await.unwrap(), None);
    assert!(app.db.trash_of(Kind::Student, cy).await.unwrap().is_some());
    let history = app.db.history(Kind::Student, ada, 5, 0).await.unwrap().rows;
    assert_eq!(history[0].action(), Some(Action::Purged));
    let (_, html) = app.get_html(&format!("/{ada}/history/")).await;
    assert!(html.contains("deleted for good"), "{html}");

    // Someone who is not an administrator may not empty it.
    let response = app
        .register_clerk("bea", "bea@example.com", "a long enough password")
        .await;
    let bea = app.client_with_cookie(&common::session_cookie(&response).unwrap());
    let refused = bea.post(app.url("/trash/purge/")).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    assert!(app.db.trash_of(Kind::Student, cy).await.unwrap().is_some());

    let response = app.post_form("/trash/purge/", &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/trash/?emptied=1");
    assert_eq!(app.db.trash_of(Kind::Student, cy).await.unwrap(), None);
    let (_, html) = app.get_html("/trash/?emptied=1").await;
    assert!(html.contains("The trash is empty"), "{html}");
}

#[tokio::test]
async fn another_instance_on_the_database_sees_the_trash_and_restores_from_it() {
    let app = spawn_app().await;
    let ada = create_student(&app, "Lovelace", "ada@example.com").await;
    let trash = delete(&app, &format!("/{ada}/delete/")).await;
    let (other, _db) = app.another_instance().await;
    let html = app
        .client
        .get(format!("{other}/trash/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ada Lovelace"), "{html}");
    let response = app
        .client
        .post(format!("{other}/trash/{trash}/"))
        .header("origin", &other)
        .form(&[("parent", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    // The first instance sees it back, and both entries in its history.
    let (status, html) = app.get_html(&format!("/{ada}/history/")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Restored from the trash") && html.contains("Deleted"));
}
