//! Filters that show counts, over plain HTTP: each choice with how many
//! records it holds for the search shown, read with the rows, the choice
//! kept in the URL.

mod common;

use common::{location, spawn_app, visible_text, TestApp};

/// The text of the list's facet nav named `label`.
fn facet(html: &str, label: &str) -> String {
    let marker = format!("aria-label=\"{label}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {label} filter"));
    let rest = &html[at..];
    let nav = &rest[rest.find('>').unwrap() + 1..rest.find("</nav>").unwrap()];
    visible_text(nav)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn course(app: &TestApp, code: &str, capacity: &str) -> i64 {
    let response = app
        .post_form(
            "/courses/create/",
            &[("code", code), ("title", "Course"), ("capacity", capacity)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    common::id_in(&location(&response))
}

#[tokio::test]
async fn pet_categories_count_what_the_search_matches() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let bob = app.create_handler("Bob").await;
    for name in ["Rex", "Rover", "Fido"] {
        app.create_pet(name, "Dog", ann).await;
    }
    app.create_pet("Rex the cat", "cat", bob).await;

    let (status, html) = app.get_html("/pets/").await;
    assert_eq!(status, 200);
    assert_eq!(facet(&html, "Categories"), "Categories: Dog 3 cat 1");
    // Searched: the counts are those of the matches.
    let (_, html) = app.get_html("/pets/?q=rex").await;
    assert_eq!(facet(&html, "Categories"), "Categories: Dog 1 cat 1");
    // One handler's pets: theirs.
    let (_, html) = app.get_html(&format!("/pets/?handler={bob}")).await;
    assert_eq!(facet(&html, "Categories"), "Categories: cat 1");
    // A choice keeps the others' counts, marked chosen, and drops itself.
    let (_, html) = app.get_html("/pets/?category=dog").await;
    assert_eq!(facet(&html, "Categories"), "Categories: Dog 3 cat 1");
    let chosen = &html[..html.find("aria-current=\"true\"").expect("a chosen choice")];
    let tag = &chosen[chosen.rfind("<a ").unwrap()..];
    assert!(
        tag.contains("href=\"/pets/\""),
        "choosing it again drops it: {tag}"
    );
    assert!(html.contains("3 pets"));
}

#[tokio::test]
async fn courses_count_full_and_open_and_filter_by_either() {
    let app = spawn_app().await;
    let full = course(&app, "FULL-1", "1").await;
    course(&app, "OPEN-1", "2").await;
    course(&app, "OPEN-2", "").await;
    let student = {
        let response = app
            .post_form(
                "/create/",
                &common::student_form("Ada", "Full", "ada@example.com"),
            )
            .await;
        location(&response)
            .split("created=")
            .nth(1)
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    let response = app
        .post_form(
            &format!("/courses/{full}/enrol/"),
            &[("student_id", &student.to_string())],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let (_, html) = app.get_html("/courses/").await;
    assert_eq!(facet(&html, "Places"), "Places: Has places 2 Full 1");
    let (_, html) = app.get_html("/courses/?seats=full").await;
    assert!(html.contains("FULL-1") && !html.contains("OPEN-1"));
    let (_, html) = app.get_html("/courses/?seats=open&q=open-2").await;
    assert!(html.contains("OPEN-2") && !html.contains("OPEN-1"));
    assert_eq!(facet(&html, "Places"), "Places: Has places 1 Full 0");
    // A choice that is not one is no filter.
    let (_, html) = app.get_html("/courses/?seats=%3Cx%3E").await;
    assert!(html.contains("3 courses"));
}

#[tokio::test]
async fn messages_count_read_and_unread_and_accounts_by_role_and_status() {
    let app = spawn_app().await;
    for subject in ["One", "Two", "Three"] {
        let response = app
            .anonymous()
            .post(app.url("/contact/"))
            .form(&[
                ("name", "Sender"),
                ("email", "sender@example.com"),
                ("subject", subject),
                ("message", "Hello there, a question."),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
    }
    let (_, html) = app.get_html("/messages/").await;
    assert_eq!(facet(&html, "Show"), "Show: Unread 3 Read 0");
    let first = html
        .split("href=\"/messages/")
        .filter_map(|rest| rest.split('/').next())
        .find(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .expect("a message's link")
        .to_owned();
    let (status, _) = app.get_html(&format!("/messages/{first}/")).await;
    assert_eq!(status, 200);
    let (_, html) = app.get_html("/messages/").await;
    assert_eq!(facet(&html, "Show"), "Show: Unread 2 Read 1");
    let (_, html) = app.get_html("/messages/?unread=0").await;
    assert!(html.contains("1 message"), "the read one only");

    let response = app
        .register_clerk("second", "second@example.com", "a long enough password")
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html("/users/").await;
    assert_eq!(facet(&html, "Role"), "Role: administrator 1 clerk 1");
    assert_eq!(facet(&html, "Status"), "Status: Active 2 Disabled 0");
    let (_, html) = app.get_html("/users/?role=clerk").await;
    assert!(html.contains("second") && html.contains("1 account"));
}
