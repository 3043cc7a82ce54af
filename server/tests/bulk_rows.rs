//! Bulk actions on the inbox (mark read, mark unread, delete) and on the
//! accounts (disable, enable), over plain HTTP as a browser without
//! JavaScript sends them: administrators only, all or nothing, one line
//! in the activity log, undone as a whole.

mod common;

use common::{batch_of, bulk_mark, location, session_cookie, spawn_app, TestApp};
use roster_core::domain::{Action, ContactInput, FormInput, Kind};

async fn message(app: &TestApp, subject: &str) -> i64 {
    let input = ContactInput {
        name: "Ada Parent".into(),
        email: "ada@example.com".into(),
        subject: subject.into(),
        message: "Hello".into(),
        website: String::new(),
    };
    let new = input.parse().expect("a valid message");
    app.db
        .store_message(&Default::default(), &new, subject, 3600, 100)
        .await
        .unwrap()
        .expect("under the limit")
}

fn fields<'a>(
    action: &'a str,
    ids: &'a str,
    count: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("action", action),
        ("scope", "selected"),
        ("ids", ids),
        ("count", count),
        ("version", version),
    ]
}

#[tokio::test]
async fn messages_ticked_are_marked_read_unread_or_deleted_in_one_action_and_undone() {
    let app = spawn_app().await;
    let a = message(&app, "First <b>").await;
    let b = message(&app, "Second").await;
    let kept = message(&app, "Kept").await;
    let (_, inbox) = app.get_html("/messages/").await;
    assert!(inbox.contains(&format!(
        "name=\"id\" value=\"{a}\" form=\"bulk-messages\" aria-label=\"Select First &lt;b&gt;\""
    )));
    assert!(inbox.contains("value=\"set:read\"") && inbox.contains("value=\"delete\""));
    let version = bulk_mark(&app, "/messages/").await;
    let (status, page) = app
        .get_html(&format!(
            "/bulk/messages/?action=set:read&scope=selected&id={a}&id={b}&version={version}"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Mark read: 2 messages") && page.contains("First &lt;b&gt;"));
    let ids = format!("{a},{b}");
    let response = app
        .post_form("/bulk/messages/", &fields("set:read", &ids, "2", &version))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let read = batch_of(&location(&response));
    assert_eq!(app.counted("unread_messages").await, 1);
    let (_, activity) = app.get_html("/activity/").await;
    assert!(activity.contains(&format!(
        "href=\"/bulk/{read}/\">Marked 2 messages read</a>"
    )));

    // Downloaded: the confirmation links the list's own file, which holds
    // only the rows ticked.
    let (status, page) = app
        .get_html(&format!(
            "/bulk/messages/?action=export:csv&scope=selected&id={b}&version={version}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("href=\"/messages/?format=csv&amp;ids={b}\"")),
        "{page}"
    );
    let csv = app
        .get(&format!("/messages/?format=csv&ids={b}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("Second") && !csv.contains("Kept"));

    // Read again: nothing to do, said so.
    let version = bulk_mark(&app, "/messages/").await;
    let response = app
        .post_form("/bulk/messages/", &fields("set:read", &ids, "2", &version))
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response.text().await.unwrap().contains("read already"));

    // Deleted, and brought back whole by the Undo.
    let response = app
        .post_form("/bulk/messages/", &fields("delete", &ids, "2", &version))
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let deleted = batch_of(&location(&response));
    assert_eq!(app.counted("messages").await, 1);
    // The read batch's messages are gone: its undo is refused whole.
    let response = app.post_form(&format!("/bulk/{read}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 409);
    let response = app.post_form(&format!("/bulk/{deleted}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.counted("messages").await, 3);
    let back = app
        .db
        .get_message(a)
        .await
        .unwrap()
        .expect("back, with its id");
    assert_eq!((back.subject.as_str(), back.read), ("First <b>", true));
    app.assert_counters_agree().await;

    // Changed since the list was read (opened, so read): refused whole.
    let version = bulk_mark(&app, "/messages/").await;
    let (status, _) = app.get_html(&format!("/messages/{kept}/")).await;
    assert_eq!(status, 200);
    let both = format!("{a},{kept}");
    let response = app
        .post_form(
            "/bulk/messages/",
            &fields("set:unread", &both, "2", &version),
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("1 of these messages changed since you chose them"),
        "{html}"
    );
    assert_eq!(app.counted("unread_messages").await, 0);

    // Only administrators: a member's crafted POST and page are refused.
    let response = app
        .register_clerk("dora", "dora@example.com", "a long enough password")
        .await;
    let dora = app.client_with_cookie(&session_cookie(&response).unwrap());
    let response = dora
        .post(app.url("/bulk/messages/"))
        .header("accept", "text/html")
        .form(&fields("delete", &ids, "2", &version))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    for path in [
        format!("/bulk/{deleted}/"),
        "/bulk/messages/?action=delete".into(),
    ] {
        let response = app.get_as(&dora, &path).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    let response = dora
        .post(app.url(&format!("/bulk/{deleted}/undo/")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.counted("messages").await, 3);
}

#[tokio::test]
async fn accounts_ticked_are_disabled_and_enabled_but_never_the_last_administrator() {
    let app = spawn_app().await;
    let mut members = Vec::new();
    for name in ["dora", "eve"] {
        let response = app
            .register_clerk(
                name,
                &format!("{name}@example.com"),
                "a long enough password",
            )
            .await;
        members.push(session_cookie(&response).unwrap());
    }
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        for name in ["dora", "eve"] {
            ids.push(app.db.user_id(name).await.unwrap().unwrap());
        }
        ids
    };
    let (_, list) = app.get_html("/users/").await;
    assert!(list.contains("form=\"bulk-accounts\""));
    assert!(list.contains("value=\"set:disable\"") && !list.contains(">Delete…</option>"));
    let version = bulk_mark(&app, "/users/").await;
    let two = format!("{},{}", ids[0], ids[1]);
    let response = app
        .post_form(
            "/bulk/accounts/",
            &fields("set:disable", &two, "2", &version),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    // Their sessions ended at once.
    let dora = app.client_with_cookie(&members[0]);
    let response = app.get_as(&dora, "/").await;
    assert_eq!(response.status().as_u16(), 303, "signed out");
    // A crafted delete: accounts have none.
    let response = app
        .post_form("/bulk/accounts/", &fields("delete", &two, "2", &version))
        .await;
    assert_eq!(response.status().as_u16(), 409);

    // Every administrator disabled at once: refused whole.
    let admin = app.db.user_id(common::ADMIN).await.unwrap().unwrap();
    let version = bulk_mark(&app, "/users/").await;
    let all = format!("{admin},{}", ids[0]);
    let response = app
        .post_form(
            "/bulk/accounts/",
            &fields("set:disable", &all, "2", &version),
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("without an active administrator"));
    assert!(!app.db.get_account(admin).await.unwrap().unwrap().disabled);

    // The disable undone: both enabled again.
    let response = app.post_form(&format!("/bulk/{batch}/undo/"), &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    for id in &ids {
        assert!(!app.db.get_account(*id).await.unwrap().unwrap().disabled);
    }
}

/// The ids of pet `pet`'s comments, newest first.
async fn comments(app: &TestApp, pet: i64) -> Vec<i64> {
    use roster_core::domain::{CommentList, CommentsOf, QueryOf};
    let query = QueryOf::<CommentList> {
        filter: CommentsOf { pet },
        ..Default::default()
    };
    let page = app.db.list::<CommentList>(&query).await.unwrap();
    page.rows.iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn a_pets_comments_ticked_are_deleted_by_their_author_or_an_administrator_and_undone() {
    let app = spawn_app().await;
    let handler = app.create_handler("Ann").await;
    let rex = app.create_pet("Rex", "Dog", handler).await;
    let tom = app.create_pet("Tom", "Cat", handler).await;
    let response = app
        .register_clerk("dora", "dora@example.com", "a long enough password")
        .await;
    let dora = app.client_with_cookie(&session_cookie(&response).unwrap());
    let admin = app.client.clone();
    for (client, body) in [
        (&admin, "Admin's"),
        (&dora, "Dora's <one>"),
        (&dora, "Dora's two"),
    ] {
        let response = app.comment_as(client, rex, body).await;
        assert_eq!(response.status().as_u16(), 303);
    }
    assert_eq!(
        app.comment_as(&admin, tom, "On Tom")
            .await
            .status()
            .as_u16(),
        303
    );
    let on_rex = comments(&app, rex).await; // newest first
    let on_tom = comments(&app, tom).await;
    let page = format!("/pets/{rex}/");
    let (_, html) = app.get_html(&page).await;
    assert!(html.contains(&format!(
        "<span class=\"select\"><input type=\"checkbox\" name=\"id\" value=\"{}\" form=\"bulk-comments\"",
        on_rex[1]
    )));
    assert!(html.contains(&format!("action=\"/pets/{rex}/comments/bulk/\"")));

    // Dora ticks hers and the administrator's: refused whole.
    let (_, dora_page) = {
        let response = app.get_as(&dora, &page).await;
        (response.status(), response.text().await.unwrap())
    };
    let version = {
        let at = dora_page
            .find("<form id=\"bulk-comments\"")
            .expect("Dora's bulk form");
        let rest = &dora_page[at..];
        let marker = "name=\"version\" value=\"";
        let rest = &rest[rest.find(marker).unwrap() + marker.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    };
    let url = format!("/pets/{rex}/comments/bulk/");
    let post_as = |client: &reqwest::Client, ids: String, count: &'static str, version: String| {
        let request = client
            .post(app.url(&url))
            .header("accept", "text/html")
            .form(&[
                ("action", "delete".to_owned()),
                ("scope", "selected".to_owned()),
                ("ids", ids),
                ("count", count.to_owned()),
                ("version", version),
            ]);
        async move { request.send().await.unwrap() }
    };
    let all_three = format!("{},{},{}", on_rex[0], on_rex[1], on_rex[2]);
    let response = post_as(&dora, all_three.clone(), "3", version.clone()).await;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("1 of these is someone else's"));
    assert_eq!(comments(&app, rex).await.len(), 3, "nothing deleted");

    // Another pet's comment crafted in: not one of this list's.
    let crafted = format!("{},{}", on_rex[0], on_tom[0]);
    let response = post_as(&dora, crafted, "2", version.clone()).await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(comments(&app, tom).await.len(), 1);

    // Her own two: gone in one action, which she may undo.
    let hers = format!("{},{}", on_rex[0], on_rex[1]);
    let response = post_as(&dora, hers, "2", version).await;
    assert_eq!(response.status().as_u16(), 303);
    let batch = batch_of(&location(&response));
    assert_eq!(comments(&app, rex).await, vec![on_rex[2]]);
    // In the pet's history, each as part of the batch.
    let entries = app.db.history(Kind::Pet, rex, 10, 0).await.unwrap().rows;
    let deleted: Vec<_> = entries
        .iter()
        .filter(|e| e.action() == Some(Action::CommentDeleted))
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(deleted.iter().all(|e| e.batch_id == Some(batch)));
    let (_, batch_page) = app.get_html(&format!("/bulk/{batch}/")).await;
    assert!(batch_page.contains("Deleted 2 comments"), "{batch_page}");
    assert!(batch_page.contains("&lt;one&gt;"), "{batch_page}");
    let response = dora
        .post(app.url(&format!("/bulk/{batch}/undo/")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(comments(&app, rex).await, on_rex, "back, with their ids");
    app.assert_counters_agree().await;

    // The administrator deletes anyone's.
    let version = bulk_mark(&app, &page).await;
    let response = post_as(&admin, all_three, "3", version).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(comments(&app, rex).await.is_empty());
    app.assert_counters_agree().await;
}
