//! Roster's user interface: pages, components and server functions. Compiled
//! twice: with `ssr` into the server (rendering, server function bodies) and
//! with `hydrate` into the browser bundle.
//!
//! One folder per record type (`students`, `handlers`, `pets`, `comments`,
//! `accounts`), each with its server functions, fields, columns and page
//! body; `record` holds what they share.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod activity;
pub mod auth;
pub mod bulk;
pub mod comments;
mod components;
pub mod courses;
pub mod dashboard;
pub mod enrolments;
pub mod error;
pub mod form_state;
pub mod handlers;
mod html;
pub mod import;
pub mod messages;
mod pages;
pub mod pets;
pub mod record;
pub mod row_bulk;
#[cfg(feature = "ssr")]
pub mod service;
pub mod students;
pub mod transcripts;
pub mod trash;
pub mod urls;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::SsrMode;
use roster_core::domain::NoFields;

use accounts::{AccountPage, LoginPage, RegisterPage, SettingsPage, UsersPage};
use activity::ActivityPage;
use components::nav::Nav;
use import::{ImportIndexPage, ImportPage, ImportRunPage};
use messages::{ContactPage, MessagePage, MessagesPage, ThanksPage};
use pages::about::AboutPage;
use pages::not_found::NotFound;
use record::history::history_page;
use record::page::{create_page, delete_page, detail_page, edit_page, list_page, RecordView};
use roster_core::domain::import::ImportKind;
use trash::{TrashEntryPage, TrashPage};
use urls::RoutePath;

pub use components::picker::{search_field, FIND_FIELD};

/// Where the stylesheet, the JS glue and the wasm bundle are served, worked
/// out once at start (leptos's `HashedStylesheet` and `HydrationScripts`
/// would read cargo-leptos's hash file from disk for every page).
#[derive(Clone, Debug, PartialEq, Eq)]
///
/// Shared strings: each page links them, and a clone is a count increment.
pub struct AssetUrls {
    pub css: std::sync::Arc<str>,
    pub js: std::sync::Arc<str>,
    pub wasm: std::sync::Arc<str>,
    /// The hydration loader script (what leptos's HydrationScripts writes):
    /// load the JS glue, instantiate the wasm, hydrate. The same for every
    /// page, so written once.
    pub loader: std::sync::Arc<str>,
}

impl AssetUrls {
    /// `hashes`: cargo-leptos's `hash.txt` entries (`css`, `js`, `wasm`),
    /// when it fingerprinted the file names.
    pub fn new(pkg_dir: &str, output_name: &str, hashes: &[(String, String)]) -> Self {
        let url = |kind: &str| {
            let hash = hashes
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, h)| format!(".{h}"))
                .unwrap_or_default();
            format!("/{pkg_dir}/{output_name}{hash}.{kind}")
        };
        let (css, js, wasm) = (url("css"), url("js"), url("wasm"));
        let loader = format!(
            "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => m.hydrate()));"
        );
        Self {
            css: css.into(),
            js: js.into(),
            wasm: wasm.into(),
            loader: loader.into(),
        }
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(assets: std::sync::Arc<AssetUrls>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="roster-css" href=assets.css.clone()/>
                <link rel="modulepreload" href=assets.js.clone() crossorigin="anonymous"/>
                <link rel="preload" href=assets.wasm.clone() r#as="fetch" r#type="application/wasm"
                    crossorigin="anonymous"/>
                // The loader carries this response's CSP nonce.
                <script type="module" nonce=leptos::nonce::use_nonce()>{assets.loader.clone()}</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A Content-Security-Policy for this page: scripts only from this site or
/// inline with this response's nonce (leptos puts it on the hydration
/// scripts), wasm allowed to compile, no framing, forms post only here.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    service::accounts::add_response_header(http::header::CONTENT_SECURITY_POLICY, &policy);
}

/// The document title; see [`html::unescaped_child`] for why it is escaped.
fn page_title(title: String) -> String {
    format!("{} · Roster", html::unescaped_child(&title))
}

/// A refused plain POST of a form without fields (a comment's Delete
/// button): its message, at the top of the page shown again.
#[component]
fn RefusedNotice() -> impl IntoView {
    form_state::refused_notice::<NoFields>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth::provide_viewer();
    macro_rules! app {
        ($($record:ty => $list:ty),* $(,)?) => {
            view! {
                <Title formatter=page_title/>
                <Router>
                    <Nav/>
                    <main id="main">
                        <RefusedNotice/>
                        <Routes fallback=NotFound>
                            <Route path=RoutePath(urls::DASHBOARD) view=dashboard::DashboardPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::ACCOUNT) view=AccountPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::ACTIVITY) view=ActivityPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::USERS) view=UsersPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::CONTACT) view=ContactPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::CONTACT_THANKS) view=ThanksPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::MESSAGES) view=MessagesPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::MESSAGE) view=MessagePage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::ABOUT) view=AboutPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::LOGIN) view=LoginPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::REGISTER) view=RegisterPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::SETTINGS) view=SettingsPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::ROLES) view=accounts::roles::RolesPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::TRASH) view=TrashPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT) view=ImportIndexPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_STUDENTS) view=|| view! { <ImportPage kind=ImportKind::Students/> } ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_COURSES) view=|| view! { <ImportPage kind=ImportKind::Courses/> } ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_ENROLMENTS) view=|| view! { <ImportPage kind=ImportKind::Enrolments/> } ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_HANDLERS) view=|| view! { <ImportPage kind=ImportKind::Handlers/> } ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_PETS) view=|| view! { <ImportPage kind=ImportKind::Pets/> } ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::IMPORT_RUN) view=ImportRunPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::TRASH_ENTRY) view=TrashEntryPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::COURSE_GRADES) view=enrolments::GradeSheetPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::COURSE_TRANSCRIPTS) view=transcripts::CourseTranscriptsPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::STUDENT_TRANSCRIPT) view=transcripts::StudentTranscriptPage ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::COURSE_STUDENTS_BULK) view=enrolments::ClassBulkPage ssr=SsrMode::Async/>
                            $(
                                <Route path={RoutePath(<$record as RecordView>::URLS.bulk)} view={bulk::bulk_page::<$record>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::LIST)} view={list_page::<$list>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::CREATE)} view={create_page::<$record>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::PAGE)} view={detail_page::<$record>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::EDIT)} view={edit_page::<$record>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::DELETE)} view={delete_page::<$record>} ssr=SsrMode::Async/>
                                <Route path={RoutePath(<$record as RecordView>::HISTORY)} view={history_page::<$record>} ssr=SsrMode::Async/>
                            )*
                            // After the bulk confirmations (`/bulk/pets/`), which its id
                            // would otherwise take.
                            <Route path=RoutePath(urls::BULK_MESSAGES) view=row_bulk::messages_bulk_page ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::BULK_ACCOUNTS) view=row_bulk::accounts_bulk_page ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::PET_COMMENTS_BULK) view=row_bulk::comments_bulk_page ssr=SsrMode::Async/>
                            <Route path=RoutePath(urls::BATCH) view=bulk::BatchPage ssr=SsrMode::Async/>
                        </Routes>
                    </main>
                    <footer class="site-footer">
                        <p>"Roster keeps student records. "<a href=urls::about()>"About Roster"</a>
                            " · "<a href=urls::contact()>"Contact us"</a></p>
                    </footer>
                </Router>
            }
        };
    }
    // Pages render completely before the first byte is sent
    // (`SsrMode::Async`): that is what lets a missing record answer with a
    // real 404 status, and what a browser without JavaScript needs anyway.
    // The record types' routes come after the fixed pages (see
    // `record_types!` for their order).
    record_types!(app)
}
