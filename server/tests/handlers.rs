//! Handlers over plain HTTP: create, read, edit, delete, and the rule that
//! a handler with pets is deleted only once its pets have moved.

mod common;

use common::{field_error, location, spawn_app, LostUpdate};

#[tokio::test]
async fn handlers_are_created_listed_edited_and_shown() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/handlers/create/",
            &[
                ("name", "  Ann Smith "),
                ("email", "ann@example.com"),
                ("phone", "+44 20 7946 0958"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let next = location(&response);
    assert!(
        next.starts_with("/handlers/") && next.ends_with("/?created=1"),
        "{next}"
    );
    let id = common::id_in(&next);
    let (status, html) = app.get_html(&next).await;
    assert_eq!(status, 200);
    assert!(html.contains("Added.") && html.contains("<h1>Ann Smith</h1>"));
    assert!(html.contains("ann@example.com") && html.contains("+44 20 7946 0958"));
    assert!(
        html.contains(&format!("href=\"/pets/create/?handler={id}\"")),
        "add a pet here"
    );

    app.create_handler("Ben Castillo").await;
    let (_, html) = app.get_html("/handlers/").await;
    assert!(html.contains("2 handlers"));
    assert!(html.find("Ann Smith").unwrap() < html.find("Ben Castillo").unwrap());
    let (_, html) = app.get_html("/handlers/?sort=-name").await;
    assert!(html.find("Ann Smith").unwrap() > html.find("Ben Castillo").unwrap());
    let (_, html) = app.get_html("/handlers/?q=CAST").await;
    assert!(html.contains("Ben Castillo") && !html.contains("Ann Smith"));

    let edit = format!("/handlers/{id}/edit/");
    let (_, html) = app.get_html(&edit).await;
    assert!(html.contains("value=\"Ann Smith\"") && html.contains("name=\"version\" value=\"1\""));
    let response = app
        .post_form(
            &edit,
            &[
                ("name", "Ann Smith-Jones"),
                ("email", ""),
                ("phone", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/handlers/{id}/?updated=1"));
    let (_, html) = app.get_html(&format!("/handlers/{id}/")).await;
    assert!(html.contains("Ann Smith-Jones") && !html.contains("ann@example.com"));
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn bad_handler_input_is_shown_at_the_fields() {
    let app = spawn_app().await;
    let long = "h".repeat(151);
    let response = app
        .post_form(
            "/handlers/create/",
            &[("name", &long), ("email", "nope"), ("phone", "call me")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "name").contains("at most 150"));
    assert!(field_error(&html, "email").contains("name@example.com"));
    assert!(field_error(&html, "phone").contains("phone number"));
    assert!(html.contains("value=\"nope\""), "input kept");
    let response = app.post_form("/handlers/create/", &[("name", "   ")]).await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(app.counted("handlers").await, 0);
    let max = "h".repeat(150);
    let response = app.post_form("/handlers/create/", &[("name", &max)]).await;
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn each_handler_row_shows_its_pet_count_and_sorts_by_it() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let ben = app.create_handler("Ben").await;
    for name in ["Rex", "Tom", "Kiwi"] {
        app.create_pet(name, "Dog", ben).await;
    }
    app.create_pet("Luna", "Cat", ann).await;
    let (_, html) = app.get_html("/handlers/?sort=-pets").await;
    assert!(
        html.find(">Ben<").unwrap() < html.find(">Ann<").unwrap(),
        "most pets first"
    );
    assert!(
        html.contains(&format!("<a href=\"/pets/?handler={ben}\">3</a>")),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"/pets/?handler={ann}\">1</a>")));
    let (_, html) = app.get_html(&format!("/handlers/{ben}/")).await;
    for pet in ["Rex", "Tom", "Kiwi"] {
        assert!(html.contains(pet), "the handler page lists {pet}");
    }
    assert!(!html.contains("Luna"));
}

#[tokio::test]
async fn a_handler_with_pets_is_deleted_only_after_they_move() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let ben = app.create_handler("Ben").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let tom = app.create_pet("Tom", "Cat", ann).await;

    let (status, html) = app.get_html(&format!("/handlers/{ann}/delete/")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ann still has 2 pets"),
        "the page says how many"
    );

    let response = app
        .post_form(&format!("/handlers/{ann}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("2 pets"), "the refusal says how many");
    assert_eq!(app.counted("handlers").await, 2);

    // Finding another handler without JavaScript saves nothing.
    let response = app
        .post_form(
            &format!("/handlers/{ann}/delete/"),
            &[("version", "1"), ("move_to_q", "be"), ("_find", "move_to")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"move_to\" id=\"move_to-{ben}\"")),
        "Ben offered"
    );
    assert_eq!(app.counted("handlers").await, 2);

    let ben_s = ben.to_string();
    let response = app
        .post_form(
            &format!("/handlers/{ann}/delete/"),
            &[("version", "1"), ("move_to", &ben_s)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/handlers/?deleted=Ann&undo="));
    let (status, _) = app.get_html(&format!("/handlers/{ann}/")).await;
    assert_eq!(status, 404);
    for pet in [rex, tom] {
        let (_, html) = app.get_html(&format!("/pets/{pet}/")).await;
        assert!(
            html.contains(&format!("href=\"/handlers/{ben}/\">Ben<")),
            "pet {pet} moved"
        );
    }
    let (_, html) = app.get_html(&format!("/handlers/{ben}/")).await;
    assert!(html.contains("Rex") && html.contains("Tom"));
    assert_eq!(app.counted("pets").await, 2, "no pet deleted");
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn a_handler_without_pets_is_deleted_and_missing_ones_are_404() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let (_, html) = app.get_html(&format!("/handlers/{ann}/delete/")).await;
    assert!(!html.contains("still has"));
    let response = app
        .post_form(&format!("/handlers/{ann}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    for path in [
        "/handlers/999/",
        "/handlers/0/",
        "/handlers/x/",
        "/handlers/999/edit/",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("not found"), "{path}");
    }
    let response = app
        .post_form(&format!("/handlers/{ann}/delete/"), &[("version", "1")])
        .await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn handler_text_is_escaped() {
    let app = spawn_app().await;
    let id = app.create_handler("<script>alert(1)</script>").await;
    for path in [
        "/handlers/".to_owned(),
        format!("/handlers/{id}/"),
        format!("/handlers/{id}/edit/"),
        format!("/handlers/{id}/delete/"),
    ] {
        let (_, html) = app.get_html(&path).await;
        assert!(
            !html.contains("<script>alert(1)"),
            "{path} has a live script"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} lost the name"
        );
    }
}

#[tokio::test]
async fn the_picker_finds_handlers_by_name() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann Smith").await;
    app.create_handler("Annabel Lee").await;
    app.create_handler("Ben").await;
    let response = app
        .client
        .post(app.url("/api/handlers/find"))
        .form(&[("q", "ANN")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let found: serde_json::Value = response.json().await.unwrap();
    let labels: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Ann Smith", "Annabel Lee"]);
    // The chosen one comes first, then the matches.
    let response = app
        .client
        .post(app.url("/api/handlers/find"))
        .form(&[("chosen", ann.to_string().as_str()), ("q", "be")])
        .send()
        .await
        .unwrap();
    let found: serde_json::Value = response.json().await.unwrap();
    let labels: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Ann Smith", "Annabel Lee", "Ben"]);
}

#[tokio::test]
async fn an_edit_over_a_newer_version_is_refused_and_loses_nothing() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann Smith").await;
    app.assert_no_lost_update(LostUpdate {
        edit: format!("/handlers/{ann}/edit/"),
        view: format!("/handlers/{ann}/"),
        delete: Some(format!("/handlers/{ann}/delete/")),
        first: vec![("name", "Ann Smythe"), ("email", ""), ("phone", "")],
        second: vec![("name", "Anne Smith"), ("email", ""), ("phone", "")],
        field: "name",
        first_value: "Ann Smythe",
        second_value: "Anne Smith",
    })
    .await;
}
