//! The browser entry point: hydrates the server-rendered page.

#![forbid(unsafe_code)]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in the console while developing; a release build
    // aborts on panic without formatting anything, which keeps the bundle small.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Hydrated asynchronously: the marker `body[data-hydrated]` (which the
    // browser tests and scripts/bench.sh wait for) is set only once every
    // part of the page, Suspense bodies included, is live.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let app = leptos::mount::hydrate_from_async(body.clone(), roster_app::App).await;
        app.forget();
        let _ = body.set_attribute("data-hydrated", "");
    });
}
