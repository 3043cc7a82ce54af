//! Roster's core: the domain types that the browser and the server share, and
//! (behind the `db` feature, server only) the one module that speaks SQL.

#![forbid(unsafe_code)]

pub mod domain;

#[cfg(feature = "db")]
pub mod db;
