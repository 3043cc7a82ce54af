//! Records in from a file, over HTTP as a browser without JavaScript sends
//! it: a multipart upload, the preview page, Apply. Every row goes through
//! the form's own checks; nothing is written before Apply, or when a
//! file is wrong.

mod common;

use common::{location, spawn_app, visible_text, TestApp};
use roster_core::db::Db;
use roster_core::domain::{Student, StudentList};

/// Uploads `bytes` as `name` to `/import/{kind}/`: status, and the page
/// it leads to (the preview's path on success).
async fn upload(app: &TestApp, kind: &str, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = app
        .client
        .post(app.url(&format!("/import/{kind}/")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status == 303 {
        return (status, location(&response));
    }
    (status, visible_text(&response.text().await.unwrap()))
}

/// Uploads and checks it was previewed: the preview page's path and text.
async fn previewed(app: &TestApp, kind: &str, name: &str, text: &str) -> (String, String) {
    let (status, page) = upload(app, kind, name, text.as_bytes().to_vec()).await;
    assert_eq!(status, 303, "{page}");
    assert!(page.starts_with("/imports/"), "{page}");
    let (status, html) = app.get_html(&page).await;
    assert_eq!(status, 200);
    (page, visible_text(&html))
}

async fn apply(app: &TestApp, page: &str, all: bool) -> (u16, String) {
    let form: &[(&str, &str)] = if all { &[("all", "true")] } else { &[] };
    let response = app.post_form(page, form).await;
    let status = response.status().as_u16();
    let text = visible_text(&response.text().await.unwrap_or_default());
    (status, text)
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn student(app: &TestApp, email: &str) -> Option<Student> {
    let query = roster_core::domain::ListQuery {
        search: email.into(),
        ..Default::default()
    };
    app.db
        .list::<StudentList>(&query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|s| s.email.eq_ignore_ascii_case(email))
}

/// A list's CSV export, as bytes.
async fn export(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_students_file_is_previewed_row_by_row_then_applied_with_history() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let before = app.count().await;
    let john = student(&app, "jd@example.com").await.unwrap();
    let file = format!(
        "\u{feff}ID;First name;Last name;E-mail;Age;Bio;Shoe size\r\n\
         {};John;Doe;jd@example.com;24;Biology student;44\r\n\
         ;Grace;Hopper;grace@example.org;85;'=SUM(1);41\r\n\
         ;Bad;Age;bad@example.org;abc;;40\r\n\
         ;Again;Grace;GRACE@example.org;30;;39\r\n\
         ;Sammy;Shark;sammyshark@example.com;20;Marine biology student;38\r\n",
        john.id
    );
    let (page, text) = previewed(&app, "students", "class.csv", &file).await;
    assert!(
        text.contains("1 new · 1 to update · 1 unchanged · 2 with errors"),
        "{text}"
    );
    assert!(
        text.contains("Columns not read (not ones Roster knows): Shoe size"),
        "{text}"
    );
    // The form's own words, at their column.
    assert!(
        text.contains("age: Enter the age as a whole number, like 23."),
        "{text}"
    );
    assert!(text.contains("email: Line 3 has this email too."), "{text}");
    assert!(text.contains("age: 23 → 24"), "{text}");
    assert_eq!(app.count().await, before, "a preview writes nothing");

    let (status, _) = apply(&app, &page, false).await;
    assert_eq!(status, 303);
    let (_, html) = app.get_html(&page).await;
    assert!(
        visible_text(&html)
            .contains("Applied: added 1, updated 1; 2 rows with errors were left out."),
        "{}",
        visible_text(&html)
    );
    assert_eq!(app.count().await, before + 1);
    let grace = student(&app, "grace@example.org").await.unwrap();
    assert_eq!(
        grace.bio.as_deref(),
        Some("=SUM(1)"),
        "the export's quote is taken off"
    );
    assert_eq!(student(&app, "jd@example.com").await.unwrap().age, Some(24));
    // Each write's history entry names the import.
    let import: i64 = page
        .trim_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for (id, action) in [(grace.id, "created"), (john.id, "edited")] {
        let sql = format!(
            "SELECT COUNT(*) FROM history WHERE kind = 'student' AND record_id = {id} \
             AND action = '{action}' AND import_id = {import}"
        );
        assert_eq!(scalar(&app.db, &sql).await, 1, "{action} {id}");
    }
    // Applying twice does nothing more.
    assert_eq!(apply(&app, &page, false).await.0, 303);
    assert_eq!(app.count().await, before + 1);

    // The same file again changes nothing.
    let (_, text) = previewed(&app, "students", "class.csv", &file).await;
    assert!(
        text.contains("0 new · 0 to update · 3 unchanged · 2 with errors"),
        "{text}"
    );

    // The rows with errors, as a file to fix.
    let errors = String::from_utf8(export(&app, &format!("{page}errors.csv")).await).unwrap();
    let lines: Vec<&str> = errors.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}ID,First name,Last name,E-mail,Age,Bio,Shoe size,error"
    );
    assert_eq!(lines.len(), 4, "two rows and the last line end: {errors:?}");
    assert!(
        lines[1].starts_with(",Bad,Age,bad@example.org,abc,,40,"),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn all_or_nothing_and_records_changed_since_the_preview_write_nothing() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let john = student(&app, "jd@example.com").await.unwrap();
    let file = format!(
        "id,firstname,lastname,email,age\n{},John,Doe,jd@example.com,30\n,New,One,new@example.org,\n,Bad,,x,\n",
        john.id
    );
    let (page, _) = previewed(&app, "students", "a.csv", &file).await;
    let (status, text) = apply(&app, &page, true).await;
    assert_eq!(status, 422);
    assert!(
        text.contains("all or nothing was asked for, and 1 rows have errors"),
        "{text}"
    );
    assert!(student(&app, "new@example.org").await.is_none());

    // John is edited after the preview: the import does not overwrite it.
    let mut form = common::student_form("John", "Doe", "jd@example.com");
    let version = john.version.to_string();
    form.push(("version", &version));
    form.retain(|(name, _)| *name != "age");
    form.push(("age", "50"));
    assert_eq!(
        app.post_form(&format!("/{}/edit/", john.id), &form)
            .await
            .status(),
        303
    );
    let (status, text) = apply(&app, &page, false).await;
    assert_eq!(status, 409);
    assert!(text.contains("changed since the preview"), "{text}");
    assert_eq!(student(&app, "jd@example.com").await.unwrap().age, Some(50));
    assert!(
        student(&app, "new@example.org").await.is_none(),
        "all or none"
    );
}

#[tokio::test]
async fn pets_find_their_handler_by_email_and_courses_match_by_code() {
    let app = spawn_app().await;
    let handler = app.create_handler("Jo Keeper").await;
    let sql = format!("UPDATE handlers SET email = 'jo@example.org' WHERE id = {handler}");
    match &app.db {
        Db::Sqlite(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
    }
    .unwrap();
    let file = "name,category,handler_id,handler_email\n\
                Rex,Dog,,JO@example.org\n\
                Tom,Cat,,nobody@example.org\n\
                Kiwi,Parrot,999999,\n";
    let (page, text) = previewed(&app, "pets", "pets.csv", file).await;
    assert!(
        text.contains("1 new · 0 to update · 0 unchanged · 2 with errors"),
        "{text}"
    );
    assert!(text.contains("handler_email: Nothing has this"), "{text}");
    assert!(
        text.contains("handler_id: That handler does not exist"),
        "{text}"
    );
    assert_eq!(apply(&app, &page, false).await.0, 303);
    let pets = scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM pets WHERE handler_id = {handler}"),
    )
    .await;
    assert_eq!(pets, 1);

    let file = "code,title,capacity\nbio-101,Biology,30\nBIO-101,Biology again,\n";
    let (_, text) = previewed(&app, "courses", "c.csv", file).await;
    assert!(
        text.contains("1 new · 0 to update · 0 unchanged · 1 with errors"),
        "{text}"
    );
    assert!(text.contains("code: Line 2 has this code too."), "{text}");
}

#[tokio::test]
async fn an_export_imports_back_unchanged_into_an_empty_database() {
    let source = spawn_app().await;
    source.seed_sample().await;
    let counts = roster_core::db::SeedCounts {
        students: 40,
        handlers: 5,
        pets: 30,
        courses: 6,
        ..Default::default()
    };
    source.db.seed_fake(counts, 11).await.unwrap();
    let target = spawn_app().await;
    // Parents first: pets name their handlers. Each list in its default
    // order (students: newest first).
    for (kind, list) in [
        ("handlers", "/handlers/?"),
        ("pets", "/pets/?"),
        ("students", "/?"),
        ("courses", "/courses/?"),
    ] {
        for format in ["csv", "xlsx"] {
            let file = export(&source, &format!("{list}format={format}")).await;
            let (page, text) =
                previewed_bytes(&target, kind, &format!("{kind}.{format}"), file).await;
            if format == "csv" {
                assert!(text.contains(" 0 with errors"), "{kind}: {text}");
                assert_eq!(apply(&target, &page, true).await.0, 303, "{kind}");
            } else {
                // The Excel file is the same rows: nothing left to do.
                assert!(text.contains("0 new · 0 to update"), "{kind} xlsx: {text}");
            }
        }
        let csv = format!("{list}format=csv");
        assert_eq!(
            String::from_utf8(export(&target, &csv).await).unwrap(),
            String::from_utf8(export(&source, &csv).await).unwrap(),
            "{kind}: the same file again"
        );
    }
    // Records made afterwards get ids past the imported ones (PostgreSQL's
    // sequence was moved past them).
    let response = target
        .post_form("/handlers/create/", &[("name", "After the import")])
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "a new handler after the import"
    );
}

async fn previewed_bytes(
    app: &TestApp,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (String, String) {
    let (status, page) = upload(app, kind, name, bytes).await;
    assert_eq!(status, 303, "{name}: {page}");
    let (_, html) = app.get_html(&page).await;
    (page, visible_text(&html))
}

#[tokio::test]
async fn hostile_files_get_a_clear_message_and_write_nothing() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let before = app.count().await;
    let wide = format!("{}\n1\n", vec!["c"; 10_000].join(","));
    let big_cell = format!("firstname,bio\nAda,{}\n", "x".repeat(1024 * 1024));
    let zeros = bomb();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a.csv",
            b"\x00\x01\x02\x03binary\xff".to_vec(),
            "not a CSV file",
        ),
        (
            "a.csv",
            b"firstname,lastname\nCaf\xe9,Noir\n".to_vec(),
            "not UTF-8",
        ),
        ("a.csv", Vec::new(), "The file is empty."),
        ("a.csv", b"   \n".to_vec(), "The file is empty."),
        (
            "a.csv",
            b"firstname,lastname,email\n".to_vec(),
            "header line and no rows",
        ),
        ("a.csv", wide.into_bytes(), "at most 200"),
        ("a.csv", big_cell.into_bytes(), "more than 20000 characters"),
        (
            "a.xlsx",
            b"PK\x03\x04not a zip at all".to_vec(),
            "not an Excel workbook",
        ),
        ("bomb.xlsx", zeros, "unpacks to far more"),
    ];
    for (name, bytes, message) in cases {
        let (status, text) = upload(&app, "students", name, bytes).await;
        assert_eq!(status, 422, "{name} {message}: {text}");
        assert!(text.contains(message), "{message}: {text}");
        // The page again, with its form.
        assert!(text.contains("Import students"), "{text}");
    }
    // No file at all.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let response = app
        .client
        .post(app.url("/import/students/"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(visible_text(&response.text().await.unwrap()).contains("Choose a file to import."));
    // Past the size limit: the page says so, not a bare 413.
    let huge = vec![b'a'; 21 * 1024 * 1024];
    let (status, text) = upload(&app, "students", "huge.csv", huge).await;
    assert_eq!(status, 413);
    assert!(text.contains("larger than 20 MB"), "{text}");
    assert_eq!(app.count().await, before);
    let imports = scalar(&app.db, "SELECT COUNT(*) FROM imports").await;
    assert_eq!(imports, 0, "nothing kept");
    // Every other route keeps its small limit.
    let response = app
        .client
        .post(app.url("/create/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
}

/// A zip whose one entry unpacks to 450 MB of zeros (a few hundred KB
/// packed).
fn bomb() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let chunk = vec![b'0'; 1024 * 1024];
    for _ in 0..450 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn each_kind_has_its_page_template_and_a_link_from_its_list() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/import/").await;
    assert_eq!(status, 200);
    for kind in ["students", "courses", "enrolments", "handlers", "pets"] {
        assert!(
            html.contains(&format!("href=\"/import/{kind}/\"")),
            "{kind}"
        );
        let (status, html) = app.get_html(&format!("/import/{kind}/")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Files up to 20 MB and 200000 rows"), "{kind}");
        assert!(html.contains("enctype=\"multipart/form-data\""));
        let csv =
            String::from_utf8(export(&app, &format!("/import/{kind}/template.csv")).await).unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("\u{feff}id,"), "{csv}");
        assert_eq!(lines.len(), 3, "a header and one example: {csv:?}");
        let xlsx = export(&app, &format!("/import/{kind}/template.xlsx")).await;
        assert!(xlsx.starts_with(b"PK\x03\x04"));
    }
    let (_, html) = app.get_html("/pets/").await;
    assert!(
        html.contains("href=\"/import/pets/\""),
        "the list links its import"
    );
    app.seed_sample().await;
    let (_, html) = app.get_html("/courses/1/").await;
    assert!(
        html.contains("href=\"/import/enrolments/\""),
        "a course's students link the class list import"
    );
    assert_eq!(app.get_html("/imports/999/").await.0, 404);
}

#[tokio::test]
async fn columns_roster_does_not_know_are_chosen_on_the_preview_page() {
    let app = spawn_app().await;
    let file = "Surname,Given,Mail,Colour\nLovelace,Ada,ada@example.org,red\n";
    let (page, text) = previewed(&app, "students", "odd.csv", file).await;
    assert!(text.contains("Which column is which?"), "{text}");
    assert!(
        text.contains("Columns not read (not ones Roster knows): Surname, Given, Mail, Colour"),
        "{text}"
    );
    assert!(
        text.contains("0 new · 0 to update · 0 unchanged · 1 with errors"),
        "{text}"
    );
    let response = app
        .post_form(
            &format!("{page}columns/"),
            &[
                ("col0", "lastname"),
                ("col1", "firstname"),
                ("col2", "email"),
                ("col3", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), page);
    let (_, html) = app.get_html(&page).await;
    let text = visible_text(&html);
    assert!(
        text.contains("1 new · 0 to update · 0 unchanged · 0 with errors"),
        "{text}"
    );
    assert!(text.contains("(left out) Colour"), "{text}");
    assert_eq!(apply(&app, &page, true).await.0, 303);
    let ada = student(&app, "ada@example.org").await.unwrap();
    assert_eq!(
        (ada.firstname.as_str(), ada.lastname.as_str()),
        ("Ada", "Lovelace")
    );
    // Its history says where it came from.
    let (_, html) = app.get_html(&format!("/{}/history/", ada.id)).await;
    assert!(
        html.contains(&format!("href=\"{page}\"")),
        "the entry links its import"
    );

    // None known at all: the page asks, it does not fail.
    let (_, text) = previewed(&app, "students", "x.csv", "colour,size\nred,3\n").await;
    assert!(
        text.contains("None of the file's columns is one Roster knows"),
        "{text}"
    );
}

#[tokio::test]
async fn the_page_sending_its_forms_itself_gets_json_answers() {
    let app = spawn_app().await;
    let send = |name: &'static str, bytes: &'static [u8]| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        app.client
            .post(app.url("/import/handlers/"))
            .header("accept", "application/json")
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let response = send("h.csv", b"name,email\nJo,jo@example.org\n")
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let page = body["location"].as_str().unwrap().to_owned();
    assert!(page.starts_with("/imports/"), "{body}");

    let response = send("h.csv", b"name,email\n").await.unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "The file has its header line and no rows.");

    let response = app
        .client
        .post(app.url(&page))
        .header("accept", "application/json")
        .form(&[("all", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["location"], page.as_str());
    let (_, html) = app.get_html(&page).await;
    assert!(visible_text(&html).contains("Applied: added 1, updated 0."));
}

#[tokio::test]
async fn an_import_is_undone_as_a_whole_only_while_its_records_are_as_it_left_them() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let before = app.count().await;
    let file = "email,firstname,lastname,age\njd@example.com,John,Doe,40\nada@example.org,Ada,Lovelace,36\n";
    let (page, _) = previewed(&app, "students", "a.csv", file).await;
    assert_eq!(apply(&app, &page, false).await.0, 303);
    assert_eq!(student(&app, "jd@example.com").await.unwrap().age, Some(40));
    assert_eq!(app.count().await, before + 1);

    let undo = app.post_form(&format!("{page}undo/"), &[]).await;
    assert_eq!(undo.status().as_u16(), 303);
    assert_eq!(location(&undo), page);
    assert_eq!(app.count().await, before, "the added student is gone");
    assert!(student(&app, "ada@example.org").await.is_none());
    let john = student(&app, "jd@example.com").await.unwrap();
    assert_eq!(john.age, Some(23), "John's age is as it was");
    let (_, html) = app.get_html(&page).await;
    assert!(
        visible_text(&html).contains("Undone:"),
        "{}",
        visible_text(&html)
    );
    // Each undo is in the history: John's earlier values put back.
    let sql = format!(
        "SELECT COUNT(*) FROM history WHERE kind = 'student' AND record_id = {} AND action = 'restored'",
        john.id
    );
    assert_eq!(scalar(&app.db, &sql).await, 1);
    // Twice does nothing more.
    assert_eq!(
        app.post_form(&format!("{page}undo/"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(student(&app, "jd@example.com").await.unwrap().age, Some(23));

    // Applied again, then Ada edited: the import cannot be undone.
    let (page, _) = previewed(&app, "students", "a.csv", file).await;
    assert_eq!(apply(&app, &page, false).await.0, 303);
    let ada = student(&app, "ada@example.org").await.unwrap();
    let mut form = common::student_form("Ada", "King", "ada@example.org");
    let version = ada.version.to_string();
    form.push(("version", &version));
    assert_eq!(
        app.post_form(&format!("/{}/edit/", ada.id), &form)
            .await
            .status(),
        303
    );
    let undo = app.post_form(&format!("{page}undo/"), &[]).await;
    assert_eq!(undo.status().as_u16(), 409);
    let text = visible_text(&undo.text().await.unwrap());
    assert!(
        text.contains("changed since the import: Ada Lovelace"),
        "{text}"
    );
    assert_eq!(
        student(&app, "jd@example.com").await.unwrap().age,
        Some(40),
        "nothing undone"
    );
    assert!(student(&app, "ada@example.org").await.is_some());
}

async fn ids(db: &Db, sql: &str) -> Vec<i64> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

/// Enrolment `email` in `code`'s grade (-1: none), or `None` if there is
/// no such enrolment.
async fn grade(app: &TestApp, email: &str, code: &str) -> Option<i64> {
    let sql = format!(
        "SELECT COALESCE(e.grade, -1) FROM enrolments e JOIN students s ON s.id = e.student_id \
         JOIN courses c ON c.id = e.course_id WHERE s.email = '{email}' AND c.code = '{code}'"
    );
    ids(&app.db, &sql).await.pop()
}

#[tokio::test]
async fn a_class_list_enrols_and_grades_row_by_row_within_capacity_and_undoes_as_a_whole() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let created = app
        .post_form(
            "/courses/create/",
            &[("code", "TINY-1"), ("title", "One seat"), ("capacity", "1")],
        )
        .await;
    assert_eq!(created.status().as_u16(), 303);
    let file = "Course code;Student E-mail;Grade\n\
                bio-101;JD@example.com;91\n\
                BIO-101;sammyshark@example.com;\n\
                MAR-201;jd@example.com;75\n\
                GEO-110;nobody@example.com;\n\
                NOPE-1;jd@example.com;\n\
                MAR-201;carlwhite@example.com;101\n\
                TINY-1;carlwhite@example.com;\n\
                TINY-1;sammyshark@example.com;\n\
                MAR-201;JD@example.com;80\n";
    let (page, text) = previewed(&app, "enrolments", "class.csv", file).await;
    assert!(
        text.contains("2 new · 1 to update · 1 unchanged · 5 with errors"),
        "{text}"
    );
    assert!(text.contains("grade: 88 → 91"), "{text}");
    assert!(
        text.contains("student_email: No student has this email address."),
        "{text}"
    );
    assert!(
        text.contains("course_code: No course has this code."),
        "{text}"
    );
    // The grade form's own words.
    assert!(
        text.contains("grade: Enter a grade from 0 to 100, or leave it empty."),
        "{text}"
    );
    assert!(
        text.contains("course_code: This course is full: every place is taken."),
        "{text}"
    );
    assert!(
        text.contains("student_email: Line 4 has this student in this course too."),
        "{text}"
    );
    assert_eq!(
        grade(&app, "jd@example.com", "MAR-201").await,
        None,
        "a preview writes nothing"
    );

    assert_eq!(apply(&app, &page, false).await.0, 303);
    assert_eq!(grade(&app, "jd@example.com", "BIO-101").await, Some(91));
    assert_eq!(grade(&app, "jd@example.com", "MAR-201").await, Some(75));
    assert_eq!(
        grade(&app, "carlwhite@example.com", "TINY-1").await,
        Some(-1)
    );
    assert_eq!(grade(&app, "sammyshark@example.com", "TINY-1").await, None);
    // Two entries per change (the student's history and the course's),
    // each naming the import: two enrolments, one with its grade, and a
    // grade changed.
    let import = page.trim_matches('/').rsplit('/').next().unwrap();
    let sql = format!("SELECT COUNT(*) FROM history WHERE import_id = {import}");
    assert_eq!(scalar(&app.db, &sql).await, 8);

    // The same file again changes nothing.
    let (_, text) = previewed(&app, "enrolments", "class.csv", file).await;
    assert!(
        text.contains("0 new · 0 to update · 4 unchanged · 5 with errors"),
        "{text}"
    );

    // Undone: the enrolments it made ended, the grade it changed back.
    let undo = app.post_form(&format!("{page}undo/"), &[]).await;
    assert_eq!(undo.status().as_u16(), 303);
    assert_eq!(grade(&app, "jd@example.com", "BIO-101").await, Some(88));
    assert_eq!(grade(&app, "jd@example.com", "MAR-201").await, None);
    assert_eq!(grade(&app, "carlwhite@example.com", "TINY-1").await, None);
    let sql = "SELECT enrolled FROM courses WHERE code = 'TINY-1'";
    assert_eq!(scalar(&app.db, sql).await, 0, "its seat is free again");
    let (_, html) = app.get_html(&page).await;
    assert!(visible_text(&html).contains("Undone: the enrolments it added are ended"));

    // Applied again, then a grade changed by hand: not undone.
    let (page, _) = previewed(
        &app,
        "enrolments",
        "again.csv",
        "course_code,student_email,grade\nMAR-201,jd@example.com,75\n",
    )
    .await;
    assert_eq!(apply(&app, &page, false).await.0, 303);
    let enrolment = ids(
        &app.db,
        "SELECT e.id FROM enrolments e JOIN courses c ON c.id = e.course_id \
         JOIN students s ON s.id = e.student_id \
         WHERE c.code = 'MAR-201' AND s.email = 'jd@example.com'",
    )
    .await[0];
    app.db
        .set_grade(&roster_core::db::By::operator(), enrolment, 1, Some(60))
        .await
        .unwrap();
    let undo = app.post_form(&format!("{page}undo/"), &[]).await;
    assert_eq!(undo.status().as_u16(), 409);
    let text = visible_text(&undo.text().await.unwrap());
    assert!(text.contains("John Doe in MAR-201"), "{text}");
    assert_eq!(grade(&app, "jd@example.com", "MAR-201").await, Some(60));
}

#[tokio::test]
async fn a_course_s_class_list_exports_and_imports_back_unchanged() {
    let source = spawn_app().await;
    source.seed_sample().await;
    let counts = roster_core::db::SeedCounts {
        students: 30,
        courses: 4,
        enrolments: 40,
        ..Default::default()
    };
    source.db.seed_fake(counts, 7).await.unwrap();
    let target = spawn_app().await;
    // The students and the courses first (with their ids), then each
    // course's class list.
    for (kind, list) in [("students", "/?sort=name&"), ("courses", "/courses/?")] {
        let file = export(&source, &format!("{list}format=csv")).await;
        let (page, text) = previewed_bytes(&target, kind, "all.csv", file).await;
        assert!(text.contains(" 0 with errors"), "{kind}: {text}");
        assert_eq!(apply(&target, &page, true).await.0, 303, "{kind}");
    }
    let courses = ids(&source.db, "SELECT id FROM courses ORDER BY id").await;
    assert!(courses.len() >= 7);
    for course in courses {
        let list = format!("/courses/{course}/?format=");
        let file = export(&source, &format!("{list}csv")).await;
        let (page, text) = previewed_bytes(&target, "enrolments", "class.csv", file).await;
        assert!(text.contains(" 0 with errors"), "course {course}: {text}");
        let (status, text) = apply(&target, &page, true).await;
        assert!(status == 303, "course {course}: {text}");
        assert_eq!(
            String::from_utf8(export(&target, &format!("{list}csv")).await).unwrap(),
            String::from_utf8(export(&source, &format!("{list}csv")).await).unwrap(),
            "course {course}: the same file again"
        );
        // Its Excel file is the same rows: nothing left to do.
        let file = export(&source, &format!("{list}xlsx")).await;
        let (_, text) = previewed_bytes(&target, "enrolments", "class.xlsx", file).await;
        assert!(
            text.contains("0 new · 0 to update"),
            "course {course} xlsx: {text}"
        );
    }
    let sql = "SELECT COUNT(*) FROM enrolments";
    assert!(scalar(&source.db, sql).await >= 40);
    assert_eq!(scalar(&target.db, sql).await, scalar(&source.db, sql).await);
}

#[tokio::test]
async fn two_applies_of_one_import_at_once_write_its_rows_once() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let handler = ids(&app.db, "SELECT id FROM handlers ORDER BY id").await[0];
    let mut file = String::from("name,category,handler_id\n");
    for i in 0..300 {
        file += &format!("Pet {i},Dog,{handler}\n");
    }
    let before = scalar(&app.db, "SELECT COUNT(*) FROM pets").await;
    let (page, text) = previewed(&app, "pets", "pets.csv", &file).await;
    assert!(text.contains("300 new"), "{text}");
    let (a, b) = tokio::join!(apply(&app, &page, false), apply(&app, &page, false));
    assert_eq!((a.0, b.0), (303, 303), "both see the applied import");
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(*) FROM pets").await,
        before + 300,
        "pets have no natural key: only the import's own state keeps them single"
    );
    let import = page.trim_matches('/').rsplit('/').next().unwrap();
    let sql = format!("SELECT COUNT(*) FROM history WHERE import_id = {import}");
    assert_eq!(scalar(&app.db, &sql).await, 300);
}

#[tokio::test]
async fn an_apply_says_how_far_it_is_while_it_runs() {
    let app = spawn_app().await;
    let mut file = String::from("firstname,lastname,email\n");
    for i in 0..20_000 {
        file += &format!("Ada,Number {i},ada{i}@example.org\n");
    }
    let (page, _) = previewed(&app, "students", "many.csv", &file).await;
    let progress = format!("{page}progress");
    assert_eq!(
        app.get(&progress).await.status().as_u16(),
        404,
        "not running"
    );
    let finished = std::sync::atomic::AtomicBool::new(false);
    let applying = async {
        let answer = apply(&app, &page, false).await;
        finished.store(true, std::sync::atomic::Ordering::SeqCst);
        answer
    };
    let asking = async {
        // Asked until the apply is done; what it said while it ran.
        let mut said = Vec::new();
        loop {
            let done = finished.load(std::sync::atomic::Ordering::SeqCst);
            let response = app.get(&progress).await;
            match response.status().as_u16() {
                200 => {
                    let body: serde_json::Value = response.json().await.unwrap();
                    said.push(body["written"].as_u64().unwrap());
                }
                _ if done => return said,
                _ => {}
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let ((status, _), said) = tokio::join!(applying, asking);
    assert_eq!(status, 303);
    assert!(said.windows(2).all(|w| w[0] <= w[1]), "{said:?}");
    assert!(said.iter().all(|n| *n <= 20_000), "{said:?}");
    assert!(said.iter().any(|n| *n > 0), "{said:?}");
    assert_eq!(app.get(&progress).await.status().as_u16(), 404, "ended");
    assert_eq!(app.count().await, 20_000);
}
