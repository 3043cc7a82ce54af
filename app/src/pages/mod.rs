//! Pages that belong to no record type.

pub mod about;
pub mod not_found;
