//! What every record type gets from its declaration, checked for each type
//! in the registry (`roster_app::record_types!`): its pages (its history
//! too) answer, every
//! declared field is in its forms and in its input, its form routes answer
//! with the form's own errors, and a missing record is a 404.

mod common;

use common::{spawn_app, TestApp};
use roster_app::record::form::Widget;
use roster_app::record::page::RecordView;
use roster_core::db::Listed;
use roster_core::domain::{to_fields, Record};

/// Runs `$check::<Record, List>` for every registered record type.
macro_rules! for_each_record {
    ($($record:ty => $list:ty),* $(,)?) => {
        async fn every_type(app: &TestApp) {
            $(pages_and_forms::<$record, $list>(app).await;)*
        }

        fn every_input() {
            $(fields_are_the_input::<$record>();)*
        }
    };
}
roster_app::record_types!(for_each_record);

/// The name a field's control sends: a picker's search box is always there
/// (its radio buttons only once there are matches).
fn control_name(widget: &Widget, name: &str) -> String {
    match widget {
        Widget::Group(_) => roster_app::search_field(name),
        _ => name.to_owned(),
    }
}

async fn pages_and_forms<R: RecordView, L: Listed<Row = R>>(app: &TestApp) {
    let rows = app.db.list::<L>(&Default::default()).await.unwrap().rows;
    let id = rows
        .first()
        .map(Record::id)
        .expect("the sample data has one");
    let (list, create) = (R::LIST.fill(&[]), R::CREATE.fill(&[]));
    let (page, edit, delete) = (
        R::PAGE.fill(&[id]),
        R::EDIT.fill(&[id]),
        R::DELETE.fill(&[id]),
    );
    let history = R::HISTORY.fill(&[id]);
    for path in [&list, &create, &page, &edit, &delete, &history] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("<h1"), "{path}");
    }
    for path in [&create, &edit] {
        let (_, html) = app.get_html(path).await;
        for field in R::FIELDS {
            let name = control_name(&field.widget, field.name);
            assert!(html.contains(&format!("name=\"{name}\"")), "{path}: {name}");
            if !field.label.is_empty() && !matches!(field.widget, Widget::Hidden) {
                assert!(html.contains(field.label), "{path}: {}", field.label);
            }
        }
    }
    // Each form's POST route answers with the form's errors: nothing saved.
    let before = app.db.list::<L>(&Default::default()).await.unwrap().total;
    for (path, expected) in [(&create, 422), (&edit, 422), (&delete, 409)] {
        let status = app.post_form(path, &[]).await.status().as_u16();
        assert_eq!(status, expected, "POST {path}");
    }
    let after = app.db.list::<L>(&Default::default()).await.unwrap().total;
    assert_eq!(before, after, "{list}");
    for missing in [R::PAGE, R::HISTORY] {
        let (status, html) = app.get_html(&missing.fill(&[id + 1_000_000])).await;
        assert_eq!(status, 404);
        assert!(html.contains(&format!("{} not found", R::KIND.title())));
    }
}

/// Every declared field is a field of the type's input, and every field of
/// the input is declared (or is a picker's search box).
fn fields_are_the_input<R: RecordView>() {
    let input: Vec<String> = to_fields(&R::Input::default())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    for field in R::FIELDS {
        let name = control_name(&field.widget, field.name);
        assert!(input.contains(&name), "{}: {name}", R::KIND.noun());
        assert!(
            input.iter().any(|n| n == field.name),
            "{}: {}",
            R::KIND.noun(),
            field.name
        );
    }
    for name in &input {
        let declared = R::FIELDS
            .iter()
            .any(|f| f.name == name || control_name(&f.widget, f.name) == *name);
        assert!(declared, "{}: {name} has no field", R::KIND.noun());
    }
}

#[tokio::test]
async fn every_record_type_has_its_pages_fields_and_form_routes() {
    let app = spawn_app().await;
    app.seed_sample().await;
    every_type(&app).await;
}

#[test]
fn every_declared_field_is_a_field_of_the_input_and_back() {
    every_input();
}
