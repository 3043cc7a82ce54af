use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::status::Notice;
use crate::error::AppError;

/// What the About page shows. Never the database URL: it may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub version: String,
    pub database: String,
    /// Only for a signed-in user: the count is part of the records.
    pub students: Option<i64>,
}

#[leptos::server(prefix = "/api", endpoint = "about")]
pub async fn about_info() -> Result<About, AppError> {
    let ctx = crate::service::Ctx::from_context()?;
    let students = match ctx.actor.user() {
        Some(_) => Some(ctx.db.count_students().await?),
        None => None,
    };
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: ctx.db.backend().label().to_owned(),
        students,
    })
}

#[component]
pub fn AboutPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| about_info());
    view! {
        <Title text="About"/>
        <h1>"About Roster"</h1>
        <p>
            "Roster keeps student records, and the pets, handlers and comments of the "
            "registration tutorial: add them, find them, sort and page through them, "
            "edit and delete them. It is written in Rust, renders every page on the "
            "server, and works with or without JavaScript."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) => view! {
                        <dl class="facts about">
                            <dt>"Version"</dt>
                            <dd>{info.version}</dd>
                            <dt>"Database"</dt>
                            <dd class="database">{info.database}</dd>
                            {info.students.map(|n| view! {
                                <dt>"Students on record"</dt>
                                <dd>{n}</dd>
                            })}
                        </dl>
                    }
                    .into_any(),
                    Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
                }
            })}
        </Suspense>
    }
}
