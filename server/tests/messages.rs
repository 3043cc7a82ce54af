//! The public contact form and the administrators' inbox, over plain HTTP.

mod common;

use common::{field_error, location, session_cookie, spawn_app};

fn message<'a>(subject: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Ada Parent"),
        ("email", "ada@example.com"),
        ("subject", subject),
        ("message", body),
    ]
}

#[tokio::test]
async fn a_visitor_writes_and_an_administrator_reads() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    let (status, _) = app.get_html("/contact/").await;
    assert_eq!(status, 200);
    assert_eq!(
        app.get_as(&anonymous, "/contact/").await.status().as_u16(),
        200,
        "public"
    );
    let response = anonymous
        .post(app.url("/contact/"))
        .form(&message(
            "Open day",
            "When is it? <script>alert(1)</script>",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/contact/thanks/");
    assert_eq!(
        app.get_as(&anonymous, "/contact/thanks/")
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(app.counted("unread_messages").await, 1);

    let (_, html) = app.get_html("/messages/").await;
    assert!(html.contains("Open day") && html.contains("class=\"unread\""));
    assert!(
        html.contains("class=\"badge\""),
        "the nav counts the unread"
    );
    let id: i64 = html
        .split("href=\"/messages/")
        .filter_map(|rest| rest.split('/').next()?.parse().ok())
        .next()
        .expect("a link to the message");
    let (_, html) = app.get_html(&format!("/messages/{id}/")).await;
    assert!(html.contains("When is it? &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    assert_eq!(app.counted("unread_messages").await, 0, "opening reads it");
    let response = app.post_form(&format!("/messages/{id}/unread/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("unread_messages").await, 1);
    let (_, html) = app.get_html("/messages/?q=open").await;
    assert!(html.contains("1 message matches"));
    let response = app.post_form(&format!("/messages/{id}/delete/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("messages").await, 0);
    assert_eq!(app.counted("unread_messages").await, 0);
    app.assert_counters_agree().await;
}

#[tokio::test]
async fn bad_messages_keep_what_was_typed() {
    let app = spawn_app().await;
    let long = "m".repeat(5_001);
    let response = app
        .anonymous()
        .post(app.url("/contact/"))
        .form(&[
            ("name", ""),
            ("email", "nope"),
            ("subject", "Hi"),
            ("message", long.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(field_error(&html, "name").contains("required"));
    assert!(field_error(&html, "email").contains("name@example.com"));
    assert!(field_error(&html, "message").contains("at most 5000"));
    assert!(html.contains("value=\"Hi\"") && html.contains("value=\"nope\""));
    assert_eq!(app.counted("messages").await, 0);
}

#[tokio::test]
async fn the_honeypot_swallows_spam_silently() {
    let app = spawn_app().await;
    let mut spam = message("Cheap pills", "Buy now");
    spam.push(("website", "http://spam.example"));
    let response = app
        .anonymous()
        .post(app.url("/contact/"))
        .form(&spam)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        303,
        "looks like success to the robot"
    );
    assert_eq!(location(&response), "/contact/thanks/");
    assert_eq!(app.counted("messages").await, 0, "but nothing was stored");
}

#[tokio::test]
async fn five_messages_an_hour_per_address_then_429() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    for n in 0..5 {
        let subject = format!("Question {n}");
        let response = anonymous
            .post(app.url("/contact/"))
            .form(&message(&subject, "Hello"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "message {n}");
    }
    let response = anonymous
        .post(app.url("/contact/"))
        .form(&message("Sixth", "Hello again"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&retry), "{retry}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("too many messages") && html.contains("value=\"Sixth\""),
        "input kept"
    );
    assert_eq!(app.counted("messages").await, 5);
    // Through the server function alike.
    let api = anonymous
        .post(app.url("/api/contact/send"))
        .form(&[
            ("input[name]", "A"),
            ("input[email]", "a@example.com"),
            ("input[subject]", "S"),
            ("input[message]", "M"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 429);
}

#[tokio::test]
async fn only_administrators_read_messages() {
    let app = spawn_app().await;
    let response = app
        .register_clerk("dora", "dora@example.com", "a long enough password")
        .await;
    let dora = app.client_with_cookie(&session_cookie(&response).unwrap());
    for path in ["/messages/", "/messages/1/"] {
        let response = dora
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    let response = dora
        .post(app.url("/messages/1/delete/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = app.get_as(&app.anonymous(), "/messages/").await;
    assert_eq!(response.status().as_u16(), 303);
}
