//! Pages that belong to no record type, and the routes loaded on demand.

pub mod about;
pub mod lazy;
pub mod not_found;
