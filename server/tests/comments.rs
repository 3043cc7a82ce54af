//! Comments over plain HTTP: added by the signed-in user under a pet,
//! newest first, 1 to 200 characters, deleted by their author or an
//! administrator and nobody else.

mod common;

use common::{field_error, location, session_cookie, spawn_app};

const PASSWORD: &str = "another password 1";

/// The ids of the comments on a page, in order.
fn comment_ids(html: &str) -> Vec<i64> {
    html.split("id=\"comment-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn comments_are_added_newest_first_with_their_author() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let response = app.comment_as(&app.client, rex, "First walk.").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/pets/{rex}/#comments"));
    app.comment_as(&app.client, rex, "Second\nwalk.").await;
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    assert!(html.contains("2 comments"));
    let first = html.find("First walk.").unwrap();
    let second = html.find("Second\nwalk.").unwrap();
    assert!(second < first, "newest first");
    assert!(
        html.contains("<span class=\"author\">admin</span>"),
        "the author's display name"
    );
    let (_, html) = app.get_html("/pets/").await;
    assert!(
        html.contains("<td class=\"num\">2</td>"),
        "the list counts them"
    );
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn empty_and_overlong_comments_are_refused() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    let long = "c".repeat(201);
    for (body, message) in [
        ("", "required"),
        ("  \r\n ", "required"),
        (long.as_str(), "at most 200"),
    ] {
        let response = app.comment_as(&app.client, rex, body).await;
        assert_eq!(response.status().as_u16(), 422, "{body:.10}");
        let html = response.text().await.unwrap().replace("<!>", "");
        assert!(
            field_error(&html, "body").contains(message),
            "{}",
            field_error(&html, "body")
        );
        assert!(html.contains("<h1>Rex</h1>"), "the pet's page again");
    }
    assert!(
        app.comment_as(&app.client, rex, &"c".repeat(200))
            .await
            .status()
            .as_u16()
            == 303
    );
    assert_eq!(app.counted("comments").await, 1);
    // A comment on a pet that is not there.
    let response = app.comment_as(&app.client, 999, "hello").await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn only_the_author_or_an_administrator_deletes_a_comment() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    // Two ordinary users (the first account, the test's admin, exists).
    let cookie = |r: &reqwest::Response| session_cookie(r).unwrap();
    let ada = app.client_with_cookie(&cookie(
        &app.register_clerk("ada", "ada@example.com", PASSWORD).await,
    ));
    let bob = app.client_with_cookie(&cookie(
        &app.register_clerk("bob", "bob@example.com", PASSWORD).await,
    ));
    app.comment_as(&ada, rex, "Ada was here").await;
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    let id = comment_ids(&html)[0];
    let delete = format!("/pets/{rex}/comments/{id}/delete/");
    // Bob sees no Delete button on Ada's comment, and may not delete it.
    let html = bob
        .get(app.url(&format!("/pets/{rex}/")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(&delete), "Bob is offered the button");
    let response = bob
        .post(app.url(&delete))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Only its author or an administrator"),
        "the refusal says why"
    );
    let api = bob
        .post(app.url("/api/comments/delete"))
        .form(&[("pet", rex.to_string()), ("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 403);
    assert_eq!(app.counted("comments").await, 1);
    // Ada sees it and may.
    let html = ada
        .get(app.url(&format!("/pets/{rex}/")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&delete));
    let response = ada.post(app.url(&delete)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("comments").await, 0);
    // An administrator may delete anyone's.
    app.comment_as(&bob, rex, "Bob was here").await;
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    let id = comment_ids(&html)[0];
    let response = app
        .post_form(&format!("/pets/{rex}/comments/{id}/delete/"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("comments").await, 0);
    // A comment under another pet's URL is not found.
    let response = app
        .post_form(&format!("/pets/{rex}/comments/{id}/delete/"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn comment_text_is_escaped() {
    let app = spawn_app().await;
    let ann = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", ann).await;
    app.comment_as(&app.client, rex, "</p><script>alert(1)</script>")
        .await;
    let (_, html) = app.get_html(&format!("/pets/{rex}/")).await;
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // And in a refused form, shown again.
    let response = app
        .comment_as(
            &app.client,
            rex,
            &format!("</textarea><script>x</script>{}", "c".repeat(200)),
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>x"));
    assert_eq!(html.matches("</textarea>").count(), 1);
}
