use leptos::prelude::*;
use roster_core::domain::Student;

/// Email, age and joining date, as a definition list.
#[component]
pub fn StudentFacts(student: Student) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"Email"</dt>
            <dd class="email">{student.email}</dd>
            <dt>"Age"</dt>
            <dd class="age">{student.age.map(|a| a.to_string()).unwrap_or_else(|| "—".into())}</dd>
            <dt>"Joined"</dt>
            <dd>
                <time datetime=student.created_at.to_rfc3339()>{student.created_at.date_label()}</time>
            </dd>
        </dl>
    }
}

/// Bio text for a card: the list query sends at most one character more than
/// this, which tells us the bio went on.
const PREVIEW: usize = 300;

/// One student on the list: the tutorial's card, plus Edit and Delete.
#[component]
pub fn StudentCard(
    student: Student,
    /// Called when the user confirmed deletion in the browser. Without
    /// JavaScript the Delete button leads to a confirmation page instead.
    on_delete: Callback<(i64, String)>,
    #[prop(optional)] highlight: bool,
) -> impl IntoView {
    let mut student = student;
    let id = student.id;
    let name = student.full_name();
    let bio = student.bio.take().map(|bio| {
        if bio.chars().count() > PREVIEW {
            let cut: String = bio.chars().take(PREVIEW).collect();
            format!("{}…", cut.trim_end())
        } else {
            bio
        }
    });
    let confirm_name = name.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let question = format!("Delete {confirm_name}? This cannot be undone.");
        if window().confirm_with_message(&question).unwrap_or(false) {
            on_delete.run((id, confirm_name.clone()));
        }
    };
    view! {
        <article class="card" class:highlight=highlight id=format!("student-{id}")>
            <p class="card-id">"#"{id}</p>
            <h2 class="card-name">
                <a href=format!("/{id}/")>{name.clone()}</a>
            </h2>
            <StudentFacts student/>
            {bio.map(|bio| view! { <p class="bio">{bio}</p> })}
            <div class="actions">
                <a class="button secondary" href=format!("/{id}/edit/")>"Edit"</a>
                <form method="get" action=format!("/{id}/delete/") on:submit=on_submit>
                    <button type="submit" class="danger" aria-label=format!("Delete {name}")>
                        "Delete"
                    </button>
                </form>
            </div>
        </article>
    }
}
