//! Pets over plain HTTP: create, read, edit (moving to another handler),
//! delete with their comments, filters and the handler picker's no-JS step.

mod common;

use common::{field_error, location, spawn_app, LostUpdate};

#[tokio::test]
async fn pets_are_created_shown_edited_and_moved() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let ben = app.create_handler("Ben").await;

    // The form opened from the handler's page has the handler chosen.
    let (status, html) = app.get_html(&format!("/pets/create/?handler={ann}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("value=\"{ann}\" checked")),
        "handler chosen: {html}"
    );

    let ann_s = ann.to_string();
    let response = app
        .post_form(
            "/pets/create/",
            &[("name", "Rex"), ("category", "Dog"), ("handler_id", &ann_s)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let next = location(&response);
    let rex = common::id_in(&next);
    let (_, html) = app.get_html(&next).await;
    assert!(html.contains("Added.") && html.contains("<h1>Rex</h1>"));
    assert!(
        html.contains(&format!("href=\"/handlers/{ann}/\">Ann<")),
        "the backref"
    );
    assert!(html.contains("href=\"/pets/?category=Dog\">Dog<"));

    let ben_s = ben.to_string();
    let response = app
        .post_form(
            &format!("/pets/{rex}/edit/"),
            &[
                ("name", "Rex II"),
                ("category", "dog"),
                ("handler_id", &ben_s),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    assert!(html.contains("Rex II") && html.contains(&format!("href=\"/handlers/{ben}/\">Ben<")));
    let (_, html) = app.get_html(&format!("/handlers/{ann}/")).await;
    assert!(!html.contains("Rex II"), "moved away from Ann");
    let (_, html) = app.get_html("/handlers/?sort=-pets").await;
    assert!(html.contains(&format!("<a href=\"/pets/?handler={ben}\">1</a>")));
    assert!(html.contains(&format!("<a href=\"/pets/?handler={ann}\">0</a>")));
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn a_missing_handler_is_a_message_at_the_field() {
    let app = spawn_app().await;
    for (handler, message) in [
        ("999", "does not exist"),
        ("", "Choose a handler"),
        ("abc", "Choose a handler"),
        ("-1", "Choose a handler"),
    ] {
        let response = app
            .post_form(
                "/pets/create/",
                &[
                    ("name", "Rex"),
                    ("category", "Dog"),
                    ("handler_id", handler),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422, "handler {handler:?}");
        let html = response.text().await.unwrap();
        assert!(
            field_error(&html, "handler_id").contains(message),
            "{handler:?}: {}",
            field_error(&html, "handler_id")
        );
        assert!(html.contains("value=\"Rex\""), "input kept");
    }
    assert_eq!(app.counted("pets").await, 0);
}

#[tokio::test]
async fn bad_pet_input_is_shown_at_each_field() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await.to_string();
    let long_name = "n".repeat(101);
    let long_category = "c".repeat(51);
    let response = app
        .post_form(
            "/pets/create/",
            &[
                ("name", &long_name),
                ("category", &long_category),
                ("handler_id", &ann),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "name").contains("at most 100"));
    assert!(field_error(&html, "category").contains("at most 50"));
    let response = app
        .post_form(
            "/pets/create/",
            &[("name", ""), ("category", " "), ("handler_id", &ann)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "name").contains("required"));
    assert!(field_error(&html, "category").contains("required"));
    assert_eq!(app.counted("pets").await, 0);
}

#[tokio::test]
async fn the_handler_picker_works_without_javascript() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann Smith").await;
    app.create_handler("Annabel Lee").await;
    app.create_handler("Ben").await;
    // The form lists no handlers until asked: never every handler.
    let (_, html) = app.get_html("/pets/create/").await;
    assert!(!html.contains("Ann Smith") && !html.contains("Ben"));
    // Find: the form comes back with the matches and the input kept.
    let response = app
        .post_form(
            "/pets/create/",
            &[
                ("name", "Rex"),
                ("category", "Dog"),
                ("handler_q", "ann"),
                ("_find", "handler_id"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ann Smith") && html.contains("Annabel Lee") && !html.contains(">Ben"));
    assert!(html.contains("value=\"Rex\"") && html.contains("value=\"ann\""));
    assert_eq!(app.counted("pets").await, 0, "finding saves nothing");
    // Choosing one and saving.
    let ann_s = ann.to_string();
    let response = app
        .post_form(
            "/pets/create/",
            &[
                ("name", "Rex"),
                ("category", "Dog"),
                ("handler_q", "ann"),
                ("handler_id", &ann_s),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("pets").await, 1);
}

#[tokio::test]
async fn filters_by_category_and_handler_and_counts() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let ben = app.create_handler("Ben").await;
    app.create_pet("Rex", "Dog", ann).await;
    app.create_pet("Fido", "dog", ben).await;
    app.create_pet("Tom", "Cat", ann).await;
    app.create_pet("Kiwi", "Parrot", ben).await;

    let (_, html) = app.get_html("/pets/").await;
    assert!(html.contains("4 pets"));
    // Categories group ignoring case; the most common come first.
    let nav = &html[html
        .find("aria-label=\"Categories\"")
        .expect("the categories")..];
    let nav = &nav[nav.find('>').unwrap() + 1..nav.find("</nav>").unwrap()];
    assert!(nav.contains("href=\"/pets/?category=Dog\""), "{nav}");
    let counted = common::visible_text(nav);
    let counted: Vec<&str> = counted.split_whitespace().collect();
    assert_eq!(counted[1..5], ["Dog", "2", "Cat", "1"], "{nav}");
    let (_, html) = app.get_html("/pets/?category=DOG").await;
    assert!(html.contains("2 pets") && html.contains("Rex") && html.contains("Fido"));
    assert!(!html.contains(">Tom<") && html.contains("Category: DOG"));
    let (_, html) = app.get_html(&format!("/pets/?handler={ann}")).await;
    assert!(html.contains("2 pets") && html.contains(">Rex<") && html.contains(">Tom<"));
    assert!(
        html.contains("Handler: Ann"),
        "the filter names the handler"
    );
    let (_, html) = app
        .get_html(&format!("/pets/?category=dog&handler={ben}"))
        .await;
    assert!(html.contains("1 pet") && html.contains(">Fido<"));
    // Each row names its handler.
    assert!(html.contains(&format!("href=\"/handlers/{ben}/\">Ben<")));
    let (_, html) = app.get_html("/pets/?q=KI").await;
    assert!(html.contains("1 pet matches") && html.contains(">Kiwi<"));
    let (status, html) = app.get_html("/pets/?handler=abc&category=&sort=zz").await;
    assert_eq!(status, 200);
    assert!(html.contains("4 pets"), "nonsense filters are ignored");
    // The picker's suggestions for the category field.
    let response = app
        .client
        .post(app.url("/api/pets/categories"))
        .form(&[("prefix", "d")])
        .send()
        .await
        .unwrap();
    let categories: serde_json::Value = response.json().await.unwrap();
    assert_eq!(categories, serde_json::json!([["Dog", 2]]));
}

#[tokio::test]
async fn deleting_a_pet_takes_its_comments() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let tom = app.create_pet("Tom", "Cat", ann).await;
    for body in ["one", "two", "three"] {
        let response = app.comment_as(&app.client, rex, body).await;
        assert_eq!(response.status().as_u16(), 303);
    }
    app.comment_as(&app.client, tom, "stays").await;
    let (_, html) = app.get_html(&format!("/pets/{rex}/delete/")).await;
    assert!(html.contains("Its 3 comments go with it."), "{html}");
    let response = app
        .post_form(&format!("/pets/{rex}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/pets/?deleted=Rex&undo="));
    assert_eq!(app.counted("comments").await, 1);
    assert_eq!(app.counted("pets").await, 1);
    let (_, html) = app.get_html(&format!("/handlers/{ann}/")).await;
    assert!(!html.contains(">Rex<") && html.contains(">Tom<"));
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn pet_text_is_escaped() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let pet = app
        .create_pet("<script>alert(1)</script>", "<b>cat</b>", ann)
        .await;
    for path in [
        "/pets/".to_owned(),
        format!("/pets/{pet}/"),
        format!("/pets/{pet}/edit/"),
        format!("/pets/{pet}/delete/"),
        format!("/handlers/{ann}/"),
    ] {
        let (_, html) = app.get_html(&path).await;
        assert!(
            !html.contains("<script>alert(1)"),
            "{path} has a live script"
        );
        assert!(!html.contains("<b>cat</b>"), "{path} has live markup");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} lost the name"
        );
    }
}

#[tokio::test]
async fn anonymous_visitors_see_no_pets_or_handlers() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let anonymous = app.anonymous();
    for path in [
        "/pets/".to_owned(),
        format!("/pets/{rex}/"),
        "/handlers/".to_owned(),
        format!("/handlers/{ann}/"),
        "/pets/create/".to_owned(),
    ] {
        let response = app.get_as(&anonymous, &path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert!(location(&response).starts_with("/login/"), "{path}");
    }
    for (path, fields) in [
        ("/handlers/create/", vec![("name", "Eve")]),
        ("/pets/create/", vec![("name", "Eve"), ("category", "Dog")]),
    ] {
        let response = anonymous
            .post(app.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "{path}");
    }
    for endpoint in [
        "/api/pets/list",
        "/api/pets/get",
        "/api/handlers/list",
        "/api/handlers/find",
        "/api/comments/add",
        "/api/pets/categories",
    ] {
        let response = anonymous
            .post(app.url(endpoint))
            .form(&[("id", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "{endpoint}");
    }
    assert_eq!(app.counted("handlers").await, 1);
    assert_eq!(app.counted("pets").await, 1);
}

#[tokio::test]
async fn an_edit_over_a_newer_version_is_refused_and_loses_nothing() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann Smith").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let ann = ann.to_string();
    app.assert_no_lost_update(LostUpdate {
        edit: format!("/pets/{rex}/edit/"),
        view: format!("/pets/{rex}/"),
        delete: Some(format!("/pets/{rex}/delete/")),
        first: vec![
            ("name", "Rex"),
            ("category", "Wolfhound"),
            ("handler_id", &ann),
        ],
        second: vec![
            ("name", "Rex"),
            ("category", "Beagle"),
            ("handler_id", &ann),
        ],
        field: "category",
        first_value: "Wolfhound",
        second_value: "Beagle",
    })
    .await;
}

/// A record's page reads each list under it once: leptos runs a Suspense's
/// closure several times while it waits on the server, and a list made in
/// there was fetched, rendered and sent to the browser each time.
#[tokio::test]
async fn record_pages_read_their_lists_once() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    for body in ["first", "second"] {
        app.comment_as(&app.client, rex, body).await;
    }
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    assert!(
        html.contains(">first<") && html.contains(">second<"),
        "{html}"
    );
    assert_eq!(common::list_payloads(&html), 1, "{html}");
    let (_, html) = app.get_html(&format!("/handlers/{ann}/")).await;
    assert!(html.contains(">Rex<"), "{html}");
    assert_eq!(common::list_payloads(&html), 1, "{html}");
}
