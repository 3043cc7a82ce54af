//! Account details (the one-to-one row), one's own email and password, and
//! the administrators' management of accounts, over plain HTTP.

mod common;

use common::{field_error, location, session_cookie, spawn_app, ADMIN, ADMIN_PASSWORD};

const PASSWORD: &str = "a good long password";

#[tokio::test]
async fn every_account_has_its_details_row_and_edits_it() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/account/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("value=\"admin\""),
        "display name starts as the username"
    );
    let response = app
        .post_form(
            "/account/details/",
            &[
                ("display_name", "Ada Admin"),
                ("job_title", "Office <manager>"),
                ("phone", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get_html("/").await;
    assert!(
        html.contains(">Ada Admin</a>"),
        "the nav shows the display name"
    );
    let (_, html) = app.get_html("/account/").await;
    assert!(html.contains("value=\"Office &lt;manager&gt;\""), "escaped");
    // Saving over a newer version is refused, with their values shown.
    let response = app
        .post_form(
            "/account/details/",
            &[("display_name", "Old tab"), ("version", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap().replace("<!>", "");
    assert!(
        html.contains("Saved meanwhile: <strong>Ada Admin</strong>"),
        "{html}"
    );
    assert!(html.contains("value=\"Old tab\""), "what was typed stays");
    let response = app
        .post_form(
            "/account/details/",
            &[("display_name", ""), ("version", "2")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(field_error(&response.text().await.unwrap(), "display_name").contains("required"));
    // Registering makes the row too.
    let response = app.register("newbie", "newbie@example.com", PASSWORD).await;
    let client = app.client_with_cookie(&session_cookie(&response).unwrap());
    let html = client
        .get(app.url("/account/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("value=\"newbie\""));
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_app().await;
    let other = app.login(ADMIN, ADMIN_PASSWORD).await;
    let other = app.client_with_cookie(&session_cookie(&other).unwrap());
    assert_eq!(
        other
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let response = app
        .post_form(
            "/account/password/",
            &[
                ("current", "wrong password!"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        field_error(&response.text().await.unwrap(), "password-current")
            .contains("not your current password")
    );
    let response = app
        .post_form(
            "/account/password/",
            &[
                ("current", ADMIN_PASSWORD),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    // This session goes on; the other one ended.
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let response = other.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        app.login(ADMIN, ADMIN_PASSWORD).await.status().as_u16(),
        401
    );
    assert_eq!(app.login(ADMIN, PASSWORD).await.status().as_u16(), 303);
}

#[tokio::test]
async fn changing_the_email_needs_the_password_and_a_free_address() {
    let app = spawn_app().await;
    app.register("bob", "bob@example.com", PASSWORD).await;
    let response = app
        .post_form(
            "/account/email/",
            &[("email", "BOB@example.com"), ("current", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(field_error(&response.text().await.unwrap(), "email-email").contains("already exists"));
    let response = app
        .post_form(
            "/account/email/",
            &[("email", "new@example.com"), ("current", "nope")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let response = app
        .post_form(
            "/account/email/",
            &[("email", "new@example.com"), ("current", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        app.login("new@example.com", ADMIN_PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn administrators_manage_accounts_and_one_active_administrator_always_remains() {
    let app = spawn_app().await;
    let response = app.register("carol", "carol@example.com", PASSWORD).await;
    let carol = app.client_with_cookie(&session_cookie(&response).unwrap());
    // Not for ordinary users.
    for path in ["/users/", "/messages/"] {
        let response = carol
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    let api = carol
        .post(app.url("/api/users/list"))
        .form(&[("query[per_page]", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 403);

    let (_, html) = app.get_html("/users/").await;
    assert!(html.contains("carol@example.com") && html.contains("2 accounts"));
    let carol_id = html
        .split("id=\"account-")
        .filter_map(|rest| rest.split('"').next()?.parse::<i64>().ok())
        .max()
        .unwrap();
    let admin_id = 1;
    // The only administrator cannot step down or be disabled.
    for (path, field, value) in [
        (format!("/users/{admin_id}/role/"), "role", "2"),
        (format!("/users/{admin_id}/status/"), "on", "on"),
    ] {
        let response = app
            .post_form(&path, &[(field, value), ("version", "1")])
            .await;
        assert_eq!(response.status().as_u16(), 409, "{path}");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("at least one active administrator"));
    }
    // Carol becomes one; then the first may step down.
    let response = app
        .post_form(
            &format!("/users/{carol_id}/role/"),
            &[("role", "1"), ("version", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    // Disabling Carol ends her session at once, and she cannot sign in.
    let response = app
        .post_form(
            &format!("/users/{carol_id}/status/"),
            &[("on", "on"), ("version", "2")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = carol.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).starts_with("/login/"));
    let response = app.login("carol", PASSWORD).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(response.text().await.unwrap().contains("has been disabled"));
    // A disabled administrator is not an active one.
    let response = app
        .post_form(
            &format!("/users/{admin_id}/role/"),
            &[("role", "4"), ("version", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    // Stale versions are refused.
    let response = app
        .post_form(
            &format!("/users/{carol_id}/status/"),
            &[("on", ""), ("version", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response.text().await.unwrap().contains(
            "carol changed since you opened this page: it is now an administrator and disabled"
        ),
        "the refusal says how the account is now"
    );
    let response = app
        .post_form(
            &format!("/users/{carol_id}/status/"),
            &[("on", ""), ("version", "3")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.login("carol", PASSWORD).await.status().as_u16(), 303);
}

#[tokio::test]
async fn account_text_is_escaped() {
    let app = spawn_app().await;
    app.post_form(
        "/account/details/",
        &[
            ("display_name", "<script>alert(1)</script>"),
            ("job_title", "</textarea>"),
            ("version", "1"),
        ],
    )
    .await;
    for path in ["/account/", "/users/", "/"] {
        let (_, html) = app.get_html(path).await;
        assert!(!html.contains("<script>alert(1)"), "{path}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
    }
}
