//! How handlers are stored. A handler's `pet_count` is kept by triggers on
//! `pets`, so lists read it with the row (no count per handler). Pets never
//! go with their handler: they move to another one first.

use super::import::{FileColumn, Imported, Use};
use crate::domain::import::ImportKind;

use super::export::{Column, Exported};
use super::{Arg, Backend, Children, Listed, Table, Valid};
use crate::domain::{Handler, HandlerList, HandlerSort, Kind};

impl Table for Handler {
    const TABLE: &'static str = "handlers";
    const SELECT: &'static str = "id, name, email, phone, created_at, version, pet_count";
    const WRITES: &'static [&'static str] = &["name", "email", "phone"];
    const TITLE: &'static str = "name";
    const CHILDREN: &'static [Children] = &[Children {
        kind: Kind::Pet,
        table: "pets",
        column: "handler_id",
        constraint: "pets_handler_fkey",
        title: "name",
        cascade: false,
        columns: &[],
        refs: &[],
        keeps: None,
    }];

    fn values(new: &Valid<Self>) -> Vec<Arg> {
        vec![
            Arg::text(&new.name),
            Arg::opt_text(new.email.as_ref()),
            Arg::opt_text(new.phone.as_ref()),
        ]
    }
}

impl Imported for Handler {
    const IMPORT: ImportKind = ImportKind::Handlers;
    const FILE: &'static [FileColumn] = &[
        FileColumn::new("id", Use::Id, ""),
        FileColumn::new("name", Use::Field, "Jo Keeper"),
        FileColumn::new("email", Use::Field, "jo@example.org"),
        FileColumn::new("phone", Use::Field, "020 7946 0000"),
    ];
}

impl Listed for HandlerList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("created_at"));
    type Row = Handler;
    const SELECT: &'static str = Handler::SELECT;
    const FROM: &'static str = "handlers";
    const COUNTER: Option<&'static str> = Some("handlers");
    const SEARCH: &'static [&'static str] = &["name"];

    fn order(sort: HandlerSort, _: Backend) -> &'static str {
        // Each has an index: (lower(name), id), (pet_count, id), the key.
        match sort {
            HandlerSort::NameAsc => "lower(name) ASC, id ASC",
            HandlerSort::NameDesc => "lower(name) DESC, id DESC",
            HandlerSort::MostPets => "pet_count DESC, id DESC",
            HandlerSort::FewestPets => "pet_count ASC, id ASC",
            HandlerSort::Newest => "id DESC",
            HandlerSort::Oldest => "id ASC",
        }
    }
}

impl Exported for HandlerList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "id"),
        Column::text("name", "name"),
        Column::text("email", "email"),
        Column::text("phone", "phone"),
    ];
}
