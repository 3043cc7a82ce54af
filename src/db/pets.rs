//! How pets are stored, and the category list kept beside them.

use super::import::{FileColumn, Imported, Use};
use crate::domain::import::ImportKind;

use super::export::{Column, Exported};
use super::list::Arg;
use super::{Backend, Children, Db, DbError, ListSql, Listed, Ref, Rule, Table, Valid};
use crate::domain::{Kind, Pet, PetFilter, PetList, PetSort};

impl Table for Pet {
    const TABLE: &'static str = "pets";
    /// A pet with its handler's name: one join, never a query per row.
    const SELECT: &'static str = "p.id, p.name, p.category, p.handler_id, \
         h.name AS handler_name, p.created_at, p.version, p.comment_count";
    const FROM: &'static str = "pets p JOIN handlers h ON h.id = p.handler_id";
    const KEY: &'static str = "p.id";
    const WRITES: &'static [&'static str] = &["name", "category", "handler_id"];
    const TITLE: &'static str = "name";
    const RULES: &'static [Rule] = &[Rule::Parent {
        column: "handler_id",
        table: "handlers",
        constraint: "pets_handler_fkey",
    }];
    /// Its comments go with it.
    const CHILDREN: &'static [Children] = &[Children {
        kind: Kind::Comment,
        table: "comments",
        column: "pet_id",
        constraint: "comments_pet_fkey",
        title: "body",
        cascade: true,
        columns: &["id", "pet_id", "author_id", "body", "created_at"],
        refs: &[Ref {
            column: "author_id",
            table: "users",
            kind: Kind::Account,
        }],
        keeps: None,
    }];

    fn values(new: &Valid<Self>) -> Vec<Arg> {
        vec![
            Arg::text(&new.name),
            Arg::text(&new.category),
            Arg::Int(new.handler_id),
        ]
    }
}

/// A pet's handler comes by id, or by email when the id is left empty.
impl Imported for Pet {
    const IMPORT: ImportKind = ImportKind::Pets;
    const FILE: &'static [FileColumn] = &[
        FileColumn::new("id", Use::Id, ""),
        FileColumn::new("name", Use::Field, "Rex"),
        FileColumn::new("category", Use::Field, "Dog"),
        FileColumn::new("handler_id", Use::Field, ""),
        FileColumn::new(
            "handler_email",
            Use::Lookup {
                field: "handler_id",
                table: "handlers",
                column: "email",
            },
            "jo@example.org",
        ),
        FileColumn::new("handler_name", Use::Shown, "Jo Keeper"),
    ];
}

impl Listed for PetList {
    const ADDED: Option<super::Added> = Some(super::Added::Time("p.created_at"));
    type Row = Pet;
    const SELECT: &'static str = Pet::SELECT;
    const FROM: &'static str = Pet::FROM;
    const COUNT_FROM: &'static str = "pets p";
    const KEY: &'static str = "p.id";
    const COUNTER: Option<&'static str> = Some("pets");
    const SEARCH: &'static [&'static str] = &["p.name"];
    const FACET_SQL: &'static [super::FacetSql] = &[super::FacetSql {
        param: "category",
        key: "lower(p.category)",
        shown: "p.category",
    }];
    const FACET_COUNTER: Option<&'static str> = Some(
        "SELECT name, pets FROM pet_categories WHERE pets > 0 ORDER BY pets DESC, key LIMIT 12",
    );

    fn order(sort: PetSort, _: Backend) -> &'static str {
        // Indexes: the key, (lower(name), id), (lower(category), id).
        match sort {
            PetSort::Newest => "p.id DESC",
            PetSort::Oldest => "p.id ASC",
            PetSort::NameAsc => "lower(p.name) ASC, p.id ASC",
            PetSort::NameDesc => "lower(p.name) DESC, p.id DESC",
            PetSort::Category => "lower(p.category) ASC, p.id ASC",
        }
    }

    fn filter(filter: &PetFilter, sql: &mut ListSql) {
        if let Some(category) = &filter.category {
            sql.filter("lower(p.category) = lower(?)", Arg::Text(category.clone()));
        }
        if let Some(handler) = filter.handler {
            sql.filter("p.handler_id = ?", Arg::Int(handler));
        }
    }
}

impl Exported for PetList {
    const COLUMNS: &'static [Column] = &[
        Column::int("id", "p.id"),
        Column::text("name", "p.name"),
        Column::text("category", "p.category"),
        Column::int("handler_id", "p.handler_id"),
        Column::text("handler_email", "h.email"),
        Column::text("handler_name", "h.name"),
    ];
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct CategoryRow {
    name: String,
    pets: i64,
}

impl Db {
    /// The most used categories (one spelling each, grouped ignoring case),
    /// those starting with `prefix` when it is not empty.
    pub async fn pet_categories(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, DbError> {
        let prefix = prefix.trim();
        // Without a prefix, no LIKE: SQLite plans a LIKE anew for each
        // pattern bound to it, and the list page asks for all of them.
        let (sql, args) = if prefix.is_empty() {
            (
                "SELECT name, pets FROM pet_categories ORDER BY pets DESC, key LIMIT $1",
                vec![Arg::Int(limit)],
            )
        } else {
            (
                "SELECT name, pets FROM pet_categories WHERE key LIKE lower($1) ESCAPE '\\' \
                 ORDER BY pets DESC, key LIMIT $2",
                vec![
                    Arg::Text(super::list::prefix_pattern(prefix)),
                    Arg::Int(limit),
                ],
            )
        };
        let rows: Vec<CategoryRow> = self.all_as(sql.to_owned(), args).await?;
        Ok(rows.into_iter().map(|r| (r.name, r.pets)).collect())
    }
}
