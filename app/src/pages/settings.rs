use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{get_site_settings, SetRegistrationOpen};
use crate::auth::CsrfField;
use crate::components::status::Notice;
use crate::error::AppError;

/// Site settings, for administrators: whether anyone may register.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SetRegistrationOpen>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_site_settings());
    let saved_without_js = query.with_untracked(|q| q.get_str("saved").is_some());
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        {saved_without_js.then(|| view! { <Notice kind="success">"Settings saved."</Notice> })}
        {move || save.value().get().map(|result| match result {
            Ok(()) => view! { <Notice kind="success">"Settings saved."</Notice> }.into_any(),
            Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => {
                        let open = RwSignal::new(s.registration_open);
                        let on_submit = move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save.dispatch(SetRegistrationOpen { open: open.get_untracked() });
                        };
                        view! {
                            <form class="settings-form" method="post" action="/settings/" on:submit=on_submit>
                                <CsrfField/>
                                <div class="field checkbox">
                                    <input type="checkbox" id="open_registration" name="open_registration"
                                        value="on" checked=s.registration_open disabled=s.registration_forced
                                        on:change=move |ev| open.set(event_target_checked(&ev))/>
                                    <label for="open_registration">"Anyone may register an account"</label>
                                </div>
                                {s.registration_forced.then(|| view! {
                                    <p class="hint">"ROSTER_OPEN_REGISTRATION decides this on this server."</p>
                                })}
                                <p class="hint">{format!("{} account(s) so far.", s.users)}</p>
                                <div class="actions">
                                    <button type="submit" class="primary"
                                        disabled=move || s.registration_forced || save.pending().get()>
                                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                                    </button>
                                </div>
                            </form>
                        }
                        .into_any()
                    }
                    Err(e) => {
                        if let AppError::Forbidden = e {
                            crate::components::status::set_status(403);
                        }
                        view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
