//! Rules that read before they write, raced: the requests of each round are
//! sent at once. On SQLite every write transaction holds the write lock
//! from its start; on PostgreSQL (run with `TEST_DATABASE_URL`) the rules
//! take an advisory lock, without which these tests fail there.

mod common;

use common::{session_cookie, spawn_anonymous_app, spawn_app, ADMIN};

const PASSWORD: &str = "a good long password";
const ROUNDS: usize = 8;

async fn active_admins(app: &common::TestApp) -> Vec<String> {
    let page = app
        .db
        .list::<roster_core::domain::AccountList>(&Default::default())
        .await
        .unwrap();
    page.rows
        .into_iter()
        .filter(|a| a.is_admin && !a.disabled)
        .map(|a| a.username)
        .collect()
}

#[tokio::test]
async fn two_administrators_removing_each_others_role_at_once_leave_one() {
    let app = spawn_app().await;
    let response = app.register_clerk("bea", "bea@example.com", PASSWORD).await;
    let bea = app.client_with_cookie(&session_cookie(&response).unwrap());
    let admin_id = app.db.user_id(ADMIN).await.unwrap().unwrap();
    let bea_id = app.db.user_id("bea").await.unwrap().unwrap();
    for round in 0..ROUNDS {
        // Both administrators again.
        for id in [admin_id, bea_id] {
            app.db
                .set_account_flags(&roster_core::db::By::operator(), id, None, Some(1), None)
                .await
                .unwrap();
        }
        let version = |id| {
            let db = app.db.clone();
            async move {
                db.get_account(id)
                    .await
                    .unwrap()
                    .unwrap()
                    .version
                    .to_string()
            }
        };
        let (admin_version, bea_version) = (version(admin_id).await, version(bea_id).await);
        let admin_removes_bea = app
            .client
            .post(app.url(&format!("/users/{bea_id}/role/")))
            .form(&[("role", "2"), ("version", bea_version.as_str())])
            .send();
        let bea_removes_admin = bea
            .post(app.url(&format!("/users/{admin_id}/role/")))
            .form(&[("role", "2"), ("version", admin_version.as_str())])
            .send();
        let (first, second) = tokio::join!(admin_removes_bea, bea_removes_admin);
        let statuses = [
            first.unwrap().status().as_u16(),
            second.unwrap().status().as_u16(),
        ];
        assert_eq!(
            statuses.iter().filter(|&&s| s == 303).count(),
            1,
            "round {round}: one succeeds, one is refused: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|&s| matches!(s, 303 | 403 | 409)),
            "round {round}: {statuses:?}"
        );
        assert_eq!(
            active_admins(&app).await.len(),
            1,
            "round {round}: one administrator remains"
        );
    }
}

#[tokio::test]
async fn accounts_registered_at_once_on_an_empty_roster_make_one_administrator() {
    for round in 0..ROUNDS / 2 {
        let app = spawn_anonymous_app().await;
        let names: Vec<String> = (0..4).map(|n| format!("user{n}")).collect();
        let registrations = names.iter().map(|name| {
            let email = format!("{name}@example.com");
            let app = &app;
            async move { app.register(name, &email, PASSWORD).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(registrations).await;
        assert!(statuses.iter().all(|&s| s == 303), "{statuses:?}");
        assert_eq!(
            active_admins(&app).await.len(),
            1,
            "round {round}: the first account alone is an administrator"
        );
    }
}

#[tokio::test]
async fn the_contact_limit_holds_for_messages_sent_at_once() {
    let app = spawn_app().await;
    let anonymous = app.anonymous();
    let sends = (0..10).map(|n| {
        let subject = format!("Question {n}");
        let request = anonymous.post(app.url("/contact/")).form(&[
            ("name", "Ann"),
            ("email", "ann@example.com"),
            ("subject", subject.as_str()),
            ("message", "Hello"),
        ]);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(sends).await;
    assert_eq!(
        statuses.iter().filter(|&&s| s == 303).count(),
        5,
        "five an hour: {statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 5);
    assert_eq!(app.counted("messages").await, 5);
}
