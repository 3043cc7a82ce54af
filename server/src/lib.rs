//! The Roster server: configuration, HTTP wiring, static assets and the
//! command line. Pages and server functions live in `roster-app`, SQL in
//! `roster-core`.

#![forbid(unsafe_code)]

pub mod assets;
pub mod auth;
pub mod cli;
pub mod compress;
pub mod config;
pub mod export;
pub mod forms;
pub mod import;
pub mod observe;
pub mod outage;
pub mod probe;
pub mod render;
pub mod security;
pub mod startup;
pub mod state;

pub use config::Config;
pub use startup::{build_router, build_router_with, serve};
pub use state::AppState;
