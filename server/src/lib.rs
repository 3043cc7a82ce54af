//! The Roster server: configuration, HTTP wiring, static assets and the
//! command line. Pages and server functions live in `roster-app`, SQL in
//! `roster-core`.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod compress;
pub mod config;
pub mod forms;
pub mod outage;
pub mod render;
pub mod security;
pub mod startup;
pub mod state;

pub use config::Config;
pub use startup::{build_router, serve};
pub use state::AppState;
