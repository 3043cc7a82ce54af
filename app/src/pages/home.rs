use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use roster_core::domain::{ListQuery, SortKey, Student, StudentPage, PAGE_SIZES};

use crate::api::{get_student, list_students, DeleteStudent};
use crate::components::status::Notice;
use crate::components::student_card::StudentCard;
use crate::components::student_form::form_reader;
use crate::error::AppError;

#[component]
pub fn HomePage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| {
            ListQuery::from_params(
                p.get_str("q"),
                p.get_str("sort"),
                p.get_str("page"),
                p.get_str("per"),
            )
        })
    });
    let id_param =
        move |key: &str| params.with(|p| p.get_str(key).and_then(|v| v.parse::<i64>().ok()));
    let created = Memo::new(move |_| id_param("created"));
    let deleted = Memo::new(move |_| id_param("deleted"));

    let delete = ServerAction::<DeleteStudent>::new();
    let deleting_name = RwSignal::new(String::new());
    let on_delete = Callback::new(move |(id, name): (i64, String)| {
        deleting_name.set(name);
        delete.dispatch(DeleteStudent { id });
    });

    let data = Resource::new(
        move || (query.get(), created.get(), delete.version().get()),
        |(query, created, _)| async move {
            let page = list_students(query).await?;
            let created = match created {
                Some(id) => get_student(id).await.ok().flatten(),
                None => None,
            };
            Ok::<_, AppError>((page, created))
        },
    );

    let delete_notice = move || {
        delete.value().get().map(|result| match result {
            Ok(()) => view! { <Notice kind="success">"Deleted "{deleting_name.get()}"."</Notice> }
                .into_any(),
            Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
        })
    };

    view! {
        <Title text="Students"/>
        <div class="page-head">
            <h1>"Students"</h1>
            <a class="button primary" href="/create/">"Add a student"</a>
        </div>
        <SearchForm query/>
        {move || deleted.get().map(|id| view! { <Notice kind="success">"Student #"{id}" was deleted."</Notice> })}
        {delete_notice}
        <Transition fallback=|| view! { <p class="loading">"Loading students…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((page, created)) => view! { <StudentList page created on_delete/> }.into_any(),
                    Err(e) => view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SearchForm(query: Memo<ListQuery>) -> impl IntoView {
    // A plain GET form; with the wasm loaded the router goes to the same URL
    // without a reload.
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(get) = form_reader(&ev) else { return };
        let query =
            ListQuery::from_params(Some(&get("q")), Some(&get("sort")), None, Some(&get("per")));
        navigate(&query.href_for_page(1), Default::default());
    };
    view! {
        <form method="get" action="/" class="search" role="search" on:submit=on_submit>
            <label class="grow">
                <span>"Search"</span>
                <input type="search" name="q" placeholder="Name or email"
                    value=query.get_untracked().search
                    prop:value=move || query.get().search/>
            </label>
            <label>
                <span>"Sort by"</span>
                <select name="sort">
                    {SortKey::ALL.into_iter().map(|key| view! {
                        <option value=key.param() selected=move || query.get().sort == key>{key.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Per page"</span>
                <select name="per">
                    {PAGE_SIZES.into_iter().map(|size| view! {
                        <option value=size.to_string() selected=move || query.get().per_page == size>{size}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="secondary">"Show"</button>
        </form>
    }
}

#[component]
fn StudentList(
    mut page: StudentPage,
    created: Option<Student>,
    on_delete: Callback<(i64, String)>,
) -> impl IntoView {
    let highlight = created.as_ref().map(|s| s.id);
    let total = page.total;
    let searching = !page.query.search.is_empty();
    let summary = match (total, searching) {
        (1, false) => "1 student".to_owned(),
        (n, false) => format!("{n} students"),
        (1, true) => format!("1 student matches “{}”", page.query.search),
        (n, true) => format!("{n} students match “{}”", page.query.search),
    };
    // The cards take the students; the pager needs only the counts.
    let students = std::mem::take(&mut page.students);
    let empty = students.is_empty();
    let empty_text = if searching {
        "No students match your search."
    } else if page.query.page > 1 {
        "There is no such page."
    } else {
        "No students yet."
    };
    view! {
        {created.map(|s| view! {
            <Notice kind="success">"Added "<a href=format!("/{}/", s.id)>{s.full_name()}</a>"."</Notice>
        })}
        <p class="summary" aria-live="polite">{summary}</p>
        {empty.then(|| view! {
            <p class="empty">{empty_text}" "<a href="/create/">"Add a student"</a></p>
        })}
        <div class="cards">
            {students.into_iter().map(|student| {
                let lit = Some(student.id) == highlight;
                view! { <StudentCard student on_delete highlight=lit/> }
            }).collect_view()}
        </div>
        <Pager page/>
    }
}

#[component]
fn Pager(page: StudentPage) -> impl IntoView {
    let count = page.page_count();
    let current = page.query.page;
    if count <= 1 && current <= 1 {
        return ().into_any();
    }
    let prev = (current > 1).then(|| page.query.href_for_page((current - 1).min(count)));
    let next = (current < count).then(|| page.query.href_for_page(current + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {match prev {
                Some(href) => view! { <a href=href rel="prev">"← Previous"</a> }.into_any(),
                None => view! { <span class="disabled">"← Previous"</span> }.into_any(),
            }}
            <span class="page-of">"Page "{current}" of "{count}</span>
            {match next {
                Some(href) => view! { <a href=href rel="next">"Next →"</a> }.into_any(),
                None => view! { <span class="disabled">"Next →"</span> }.into_any(),
            }}
        </nav>
    }
    .into_any()
}
