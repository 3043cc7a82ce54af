use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::about_info;
use crate::components::status::Notice;

#[component]
pub fn AboutPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| about_info());
    view! {
        <Title text="About"/>
        <h1>"About Roster"</h1>
        <p>
            "Roster keeps student records: add students, find them by name or email, "
            "sort and page through them, edit and delete them. It is written in Rust, "
            "renders every page on the server, and works with or without JavaScript."
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
