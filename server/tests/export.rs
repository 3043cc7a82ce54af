//! Lists as files: `format=csv` or `format=xlsx` on a list's own URL
//! answers every row its search, filters and sort match, with the columns
//! the list declares, formulas neutralised, to whoever may read the list.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::{spawn_app, student_form, TestApp};
use roster_core::db::SeedCounts;
use roster_core::domain::export::unneutralise;
use roster_core::domain::{ListQuery, StudentList, StudentSort};

/// A download's status, headers we check, and body.
struct File {
    status: u16,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

async fn download(app: &TestApp, client: &reqwest::Client, path: &str) -> File {
    let response = client.get(app.url(path)).send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    File {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        disposition: header("content-disposition"),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

/// A CSV file's records (its byte-order mark checked and taken off).
fn csv_rows(file: &File) -> Vec<Vec<String>> {
    assert_eq!(file.status, 200, "{}", String::from_utf8_lossy(&file.body));
    assert_eq!(file.content_type, "text/csv; charset=utf-8");
    let body = file
        .body
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The first sheet of an Excel file.
fn sheet(file: &File) -> Vec<Vec<Data>> {
    assert_eq!(file.status, 200, "{}", String::from_utf8_lossy(&file.body));
    assert_eq!(
        file.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(&file.body)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

#[tokio::test]
async fn a_list_downloads_every_row_its_search_and_sort_match_not_one_page() {
    let app = spawn_app().await;
    let counts = SeedCounts {
        students: 180,
        ..SeedCounts::default()
    };
    app.db.seed_fake(counts, 7).await.unwrap();
    // What the page shows, all of it: every page of the list.
    let mut query: ListQuery<StudentSort, _> = ListQuery {
        search: "a".into(),
        sort: StudentSort::NameDesc,
        per_page: 100,
        ..Default::default()
    };
    let mut expected = Vec::new();
    for page in 1.. {
        query.page = page;
        let rows = app.db.list::<StudentList>(&query).await.unwrap().rows;
        if rows.is_empty() {
            break;
        }
        expected.extend(rows.into_iter().map(|s| s.id.to_string()));
    }
    assert!(expected.len() > 100, "more than a page: {}", expected.len());

    let file = download(&app, &app.client, "/?q=a&sort=-name&page=2&format=csv").await;
    assert!(
        file.disposition
            .starts_with("attachment; filename=\"students-")
            && file.disposition.ends_with(".csv\""),
        "{}",
        file.disposition
    );
    let text = String::from_utf8(file.body.clone()).unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let rows = csv_rows(&file);
    assert_eq!(
        rows[0],
        ["id", "firstname", "lastname", "email", "age", "bio"]
    );
    let ids: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, expected, "every match, in the list's order");

    // The same rows as Excel, ids as numbers.
    let file = download(&app, &app.client, "/?q=a&sort=-name&format=xlsx").await;
    assert!(
        file.disposition.ends_with(".xlsx\""),
        "{}",
        file.disposition
    );
    let rows = sheet(&file);
    assert_eq!(rows[0][0], Data::String("id".into()));
    let ids: Vec<String> = rows[1..]
        .iter()
        .map(|r| match &r[0] {
            Data::Float(id) => (*id as i64).to_string(),
            other => panic!("an id that is not a number: {other:?}"),
        })
        .collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn cells_are_quoted_kept_whole_and_never_run_as_formulas() {
    let app = spawn_app().await;
    let bio = "=HYPERLINK(\"http://evil.example\"), \"quoted\"\nand a second line";
    let mut form = student_form("Zoë", "Müller", "zoe@example.com");
    form.retain(|(name, _)| *name != "bio");
    form.push(("bio", bio));
    let response = app.post_form("/create/", &form).await;
    assert_eq!(response.status().as_u16(), 303);
    let mut form = student_form("@Sum", "-Minus", "plus@example.com");
    form.retain(|(name, _)| *name != "bio");
    form.push(("bio", "+1 555 0100"));
    assert_eq!(app.post_form("/create/", &form).await.status(), 303);

    let rows = csv_rows(&download(&app, &app.client, "/?sort=name&format=csv").await);
    let zoe = rows.iter().find(|r| r[3] == "zoe@example.com").unwrap();
    assert_eq!(zoe[1], "Zoë", "UTF-8 kept");
    assert_eq!(zoe[2], "Müller");
    assert_eq!(zoe[4], "21");
    assert_eq!(
        zoe[5],
        format!("'{bio}"),
        "a formula is neutralised, its text whole"
    );
    assert_eq!(unneutralise(&zoe[5]), bio);
    let other = rows.iter().find(|r| r[3] == "plus@example.com").unwrap();
    assert_eq!(other[1], "'@Sum");
    assert_eq!(other[2], "'-Minus");
    assert_eq!(other[5], "'+1 555 0100");

    let rows = sheet(&download(&app, &app.client, "/?format=xlsx").await);
    let zoe = rows
        .iter()
        .find(|r| r[3] == Data::String("zoe@example.com".into()))
        .unwrap();
    assert_eq!(zoe[4], Data::Float(21.0), "a number is a number in Excel");
    assert_eq!(zoe[5], Data::String(format!("'{bio}")));
    let other = rows
        .iter()
        .find(|r| r[3] == Data::String("plus@example.com".into()))
        .unwrap();
    assert_eq!(other[1], Data::String("'@Sum".into()));
}

#[tokio::test]
async fn every_list_downloads_with_its_own_columns_and_a_records_list_only_its_rows() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let course = app
        .db
        .list::<roster_core::domain::CourseList>(&Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|c| c.code == "BIO-101")
        .unwrap();
    let sammy = app
        .db
        .list::<StudentList>(&ListQuery {
            search: "sammy".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .rows[0]
        .id;
    let pets = app
        .db
        .list::<roster_core::domain::PetList>(&Default::default())
        .await
        .unwrap()
        .rows;
    let pet = pets.iter().max_by_key(|p| p.comment_count).unwrap();
    let header = |path: String| {
        let app = &app;
        async move { csv_rows(&download(app, &app.client, &path).await) }
    };

    let rows = header(format!("/courses/{}/?format=csv", course.id)).await;
    assert_eq!(
        rows[0],
        [
            "id",
            "course_code",
            "course_title",
            "student_email",
            "student_name",
            "grade",
            "enrolled_on"
        ]
    );
    assert_eq!(rows.len() - 1, 2, "BIO-101's two students: {rows:?}");
    assert!(rows[1..].iter().all(|r| r[1] == "BIO-101"));
    let graded = rows.iter().find(|r| r[3] == "jd@example.com").unwrap();
    assert_eq!(graded[5], "88");
    assert_eq!(graded[6].len(), "2026-11-30".len(), "a day: {}", graded[6]);

    let rows = header(format!("/{sammy}/?format=csv")).await;
    let mut codes: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["BIO-101", "MAR-201"]);

    let rows = header(format!("/pets/{}/?format=csv", pet.id)).await;
    assert_eq!(rows[0], ["id", "pet_id", "author", "body", "created_at"]);
    assert_eq!(rows.len() - 1, pet.comment_count as usize);
    assert!(rows[1..].iter().all(|r| r[1] == pet.id.to_string()));
    // A moment, ISO 8601 with its offset.
    assert!(
        rows[1][4].ends_with("+00:00") && rows[1][4].contains('T'),
        "{}",
        rows[1][4]
    );

    let rows = header("/pets/?category=dog&format=csv".into()).await;
    assert_eq!(
        rows[0],
        [
            "id",
            "name",
            "category",
            "handler_id",
            "handler_email",
            "handler_name"
        ]
    );
    let dogs = pets
        .iter()
        .filter(|p| p.category.eq_ignore_ascii_case("dog"))
        .count();
    assert_eq!(rows.len() - 1, dogs);
    assert!(rows[1..].iter().all(|r| r[2].eq_ignore_ascii_case("dog")));

    assert_eq!(
        header("/handlers/?format=csv".into()).await[0],
        ["id", "name", "email", "phone"]
    );
    assert_eq!(
        header("/courses/?format=csv".into()).await[0],
        ["id", "code", "title", "description", "capacity"]
    );

    // A record that is not there has no list: the page's "not found".
    let missing = download(&app, &app.client, "/courses/99999/?format=csv").await;
    assert_eq!(missing.status, 404);
    assert!(missing.content_type.starts_with("text/html"));
}

#[tokio::test]
async fn administrators_lists_are_theirs_and_accounts_never_carry_a_password() {
    let app = spawn_app().await;
    let response = app
        .register_clerk("bob", "bob@example.com", "bob password 123")
        .await;
    let bob = app.client_with_cookie(&common::session_cookie(&response).unwrap());
    for list in ["/users/", "/messages/", "/activity/"] {
        let file = download(&app, &bob, &format!("{list}?format=csv")).await;
        assert_eq!(file.status, 403, "{list} as a non-administrator");
        assert!(!file.disposition.contains("attachment"));
    }
    // Everyone signed in may download the record lists.
    assert_eq!(download(&app, &bob, "/?format=csv").await.status, 200);

    let file = download(&app, &app.client, "/users/?format=csv").await;
    let text = String::from_utf8(file.body.clone()).unwrap();
    let rows = csv_rows(&file);
    assert_eq!(
        rows[0],
        [
            "id",
            "username",
            "email",
            "display_name",
            "job_title",
            "phone",
            "admin",
            "role",
            "disabled",
            "created_at"
        ]
    );
    assert_eq!(rows.len() - 1, 2);
    let admin = rows.iter().find(|r| r[1] == "admin").unwrap();
    assert_eq!(
        (admin[6].as_str(), admin[7].as_str(), admin[8].as_str()),
        ("true", "administrator", "false")
    );
    assert!(!text.contains("$argon2"), "no password hash");
    assert!(!text.to_lowercase().contains("password"));

    let rows = csv_rows(&download(&app, &app.client, "/activity/?kind=account&format=csv").await);
    assert_eq!(rows[0][..3], ["id", "at", "account_id"]);
    assert!(rows.len() > 2 && rows[1..].iter().all(|r| r[5] == "account"));
    assert!(!rows.iter().flatten().any(|cell| cell.contains("$argon2")));

    let rows = csv_rows(&download(&app, &app.client, "/messages/?format=csv").await);
    assert_eq!(rows.len(), 1, "no messages yet: the header alone");
}

#[tokio::test]
async fn a_format_no_file_has_is_refused_and_signed_out_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let file = download(&app, &app.client, "/?format=pdf").await;
    assert_eq!(file.status, 400);
    assert!(String::from_utf8_lossy(&file.body).contains("format=csv or format=xlsx"));
    // Not a list: the page, which ignores it.
    assert_eq!(
        download(&app, &app.client, "/about/?format=pdf")
            .await
            .status,
        200
    );

    let response = app
        .anonymous()
        .get(app.url("/?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(common::location(&response), "/login/?next=/%3Fformat%3Dcsv");
}

#[tokio::test]
async fn each_list_page_links_its_rows_as_files_with_its_search_and_sort() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let (status, html) = app.get_html("/?q=ada&sort=name&page=1").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"href="/?q=ada&amp;sort=name&amp;format=csv""#),
        "{}",
        common::visible_text(&html)
    );
    assert!(html.contains(r#"href="/?q=ada&amp;sort=name&amp;format=xlsx""#));
    for (page, link) in [
        ("/courses/", "/courses/?format=csv"),
        ("/handlers/", "/handlers/?format=csv"),
        ("/pets/?category=dog", "/pets/?category=dog&amp;format=csv"),
        ("/users/", "/users/?format=csv"),
        ("/messages/", "/messages/?format=csv"),
        ("/activity/", "/activity/?format=csv"),
    ] {
        let (status, html) = app.get_html(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{page} links {link}"
        );
    }
    let (_, html) = app.get_html("/courses/1/").await;
    assert!(
        html.contains("href=\"/courses/1/?format=csv\""),
        "a course's students"
    );
}

#[tokio::test]
async fn every_dated_list_chooses_its_rows_by_the_days_they_were_added() {
    let app = spawn_app().await;
    app.seed_sample().await;
    let today = chrono::Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let course = app.db.get_enrolment(1).await.unwrap().unwrap().course_id;
    let student = app.db.get_enrolment(1).await.unwrap().unwrap().student_id;
    let sent = app
        .anonymous()
        .post(app.url("/contact/"))
        .form(&[
            ("name", "Ada Parent"),
            ("email", "ada@example.com"),
            ("subject", "Open day"),
            ("message", "When is it?"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 303, "a message for the inbox");
    // A pet with comments: Rex.
    let pets = csv_rows(&download(&app, &app.client, "/pets/?q=Rex&format=csv").await);
    let rex = pets[1][0].clone();
    // Its own rows (a header line aside), as the list's download has them.
    let rows = |path: String| {
        let app = &app;
        async move {
            let file = download(app, &app.client, &path).await;
            csv_rows(&file).len() - 1
        }
    };
    for list in [
        "/?".to_owned(),
        "/courses/?".to_owned(),
        "/handlers/?".to_owned(),
        "/pets/?".to_owned(),
        "/users/?".to_owned(),
        format!("/courses/{course}/?"),
        format!("/{student}/?"),
        format!("/pets/{rex}/?"),
        "/messages/?".to_owned(),
    ] {
        let all = rows(format!("{list}format=csv")).await;
        assert!(all > 0, "{list}: something to choose from");
        for (range, expected) in [
            (format!("added_from={today}&added_to={today}"), all),
            (format!("added_from={yesterday}"), all),
            (format!("added_to={today}"), all),
            (format!("added_from={tomorrow}"), 0),
            (format!("added_to={yesterday}"), 0),
            // A day that is not one is left out, not an error.
            ("added_from=2026-02-30".to_owned(), all),
        ] {
            assert_eq!(
                rows(format!("{list}{range}&format=csv")).await,
                expected,
                "{list}{range}"
            );
        }
    }
    // The page: the range in its form and as a filter chip to take off.
    let (status, html) = app.get_html(&format!("/?added_to={yesterday}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("name=\"added_to\" value=\"{yesterday}\"")),
        "{html}"
    );
    let text = common::visible_text(&html);
    assert!(text.contains("No students were added then."), "{text}");
    assert!(text.contains("Added until "), "{text}");
}
