//! What every record type shares: the form action shape, create/edit/delete,
//! forms from field declarations, the list with its table, and the pages.
//! A record type (students, handlers, pets, …) brings its domain type, its
//! SQL, its fields, its columns and its own page body; the rest is here.

pub mod action;
pub mod crud;
pub mod form;
pub mod list;
pub mod page;
pub mod view;
