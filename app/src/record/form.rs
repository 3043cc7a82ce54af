//! Forms from declarations: each record type lists its fields once
//! ([`FieldSpec`]) and one component renders them, checks them in the
//! browser, sends them (server function, or a plain POST without
//! JavaScript) and shows what came back: messages at the fields, a message
//! for the form, or another person's changes beside the ones typed.

use leptos::prelude::*;
use roster_core::domain::{from_fields, to_fields, Conflict, FieldErrors, FormInput};
use wasm_bindgen::JsCast;

use super::action::{FormAction, Ids};
use crate::auth::CsrfField;
use crate::error::AppError;
use crate::form_state::submitted_form;

/// How a field is entered.
#[derive(Clone, Copy)]
pub enum Widget {
    Text,
    Email,
    Tel,
    /// Digits, shown with a numeric keyboard.
    Number,
    Date,
    Password,
    /// Ticked sends "on"; unticked sends nothing.
    Checkbox,
    TextArea {
        rows: u32,
    },
    Hidden,
    /// Drawn by the record type itself (an input with suggestions), under the
    /// field's `<label>`: the drawing gives its input [`FieldCtx::id`].
    Custom(fn(FieldCtx) -> AnyView),
    /// Drawn by the record type itself as a group that names itself (a
    /// `<fieldset>` with a `<legend>`: the pickers), so without a `<label>`,
    /// which would name no element.
    Group(fn(FieldCtx) -> AnyView),
}

/// One field of a form.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    /// The input's name: a field of the form's input type.
    pub name: &'static str,
    pub label: &'static str,
    pub widget: Widget,
    pub autocomplete: &'static str,
    pub hint: &'static str,
    /// Most characters (0: no limit in the form itself).
    pub max: usize,
    /// Shares a row with the next half field.
    pub half: bool,
}

impl FieldSpec {
    pub const fn new(name: &'static str, label: &'static str, widget: Widget) -> Self {
        Self {
            name,
            label,
            widget,
            autocomplete: "off",
            hint: "",
            max: 0,
            half: false,
        }
    }

    pub const fn text(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, Widget::Text).max(max)
    }

    pub const fn hidden(name: &'static str) -> Self {
        Self::new(name, "", Widget::Hidden)
    }

    pub const fn max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    pub const fn half(mut self) -> Self {
        self.half = true;
        self
    }

    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    pub const fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }
}

/// What a form's fields share: the values shown, and what the server said.
#[derive(Clone, Copy)]
pub struct FormCtx {
    /// Put before every element id, so that two forms on one page (the
    /// account page's) never share one.
    pub prefix: &'static str,
    pub values: StoredValue<Vec<(String, String)>>,
    pub errors: RwSignal<FieldErrors>,
    pub message: RwSignal<Option<String>>,
    pub conflict: RwSignal<Option<Conflict>>,
    /// What was sent last (the values a conflict is compared with).
    pub sent: RwSignal<Vec<(String, String)>>,
}

impl FormCtx {
    pub fn value(&self, name: &str) -> String {
        self.values.with_value(|values| lookup(values, name))
    }

    /// The server's answer, shown at the fields and above the form.
    pub fn show(&self, error: &AppError) {
        self.errors
            .set(error.field_errors().cloned().unwrap_or_default());
        self.conflict.set(error.conflict().cloned());
        self.message.set(Some(error.to_string()));
    }

    pub fn clear(&self) {
        self.errors.set(FieldErrors::new());
        self.conflict.set(None);
        self.message.set(None);
    }
}

fn lookup(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// One field as a custom widget sees it.
#[derive(Clone, Copy)]
pub struct FieldCtx {
    pub spec: &'static FieldSpec,
    pub form: FormCtx,
}

impl FieldCtx {
    pub fn value(&self) -> String {
        self.form.value(self.spec.name)
    }

    pub fn invalid(&self) -> &'static str {
        if self.form.errors.with(|e| e.get(self.spec.name).is_some()) {
            "true"
        } else {
            "false"
        }
    }

    /// The input's element id.
    pub fn id(&self) -> String {
        format!("{}{}", self.form.prefix, self.spec.name)
    }

    /// The ids of the field's error message and, where it has one, its hint:
    /// every id named is on the page.
    pub fn described_by(&self) -> String {
        if self.spec.hint.is_empty() {
            format!("{}-error", self.id())
        } else {
            format!("{0}-error {0}-hint", self.id())
        }
    }
}

/// A `<textarea>` whose text is always escaped on the server (leptos writes
/// textarea children unescaped; see [`crate::html::unescaped_child`]). Every
/// multi-line field goes through here, so none can forget.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] id: String,
    value: String,
    #[prop(default = 4)] rows: u32,
    #[prop(default = 0)] max: usize,
    #[prop(into, default = Signal::stored("false"))] invalid: Signal<&'static str>,
    #[prop(optional, into)] described_by: String,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let maxlength = (max > 0).then(|| max.to_string());
    view! {
        <textarea id=id name=name rows=rows maxlength=maxlength required=required
            aria-invalid=invalid aria-describedby=described_by>
            {crate::html::unescaped_child(&value)}
        </textarea>
    }
}

/// The label, the input, a hint, the error message and, after a conflict,
/// the other person's value.
fn field_view(field: FieldCtx) -> AnyView {
    let spec = field.spec;
    let name = spec.name;
    let id = field.id();
    let form = field.form;
    let value = field.value();
    let maxlength = (spec.max > 0).then(|| spec.max.to_string());
    let invalid = move || field.invalid();
    let input = match spec.widget {
        Widget::Hidden => {
            // The version (and the record as seen) follow a conflict:
            // saving or deleting again then names what was shown.
            let value = move || {
                form.conflict
                    .with(|c| {
                        c.as_ref().and_then(|c| match name {
                            "version" => Some(c.version.to_string()),
                            "seen" => Some(roster_core::domain::seen_fields(&c.theirs)),
                            // A bulk action's choice as it stands now.
                            _ => c.bulk.as_ref().and_then(|_| {
                                c.theirs
                                    .iter()
                                    .find(|(n, _)| n == name)
                                    .map(|(_, v)| v.clone())
                            }),
                        })
                    })
                    .unwrap_or_else(|| form.value(name))
            };
            return view! { <input type="hidden" name=name value=value prop:value=value/> }
                .into_any();
        }
        Widget::Custom(draw) | Widget::Group(draw) => draw(field),
        Widget::Checkbox => {
            return view! {
                <div class="field checkbox">
                    <input type="checkbox" id=id.clone() name=name value="on" checked=!value.is_empty()/>
                    <label for=id>{spec.label}</label>
                </div>
            }
            .into_any();
        }
        Widget::TextArea { rows } => view! {
            <TextArea name id=id.clone() value rows max=spec.max invalid=Signal::derive(invalid)
                described_by=field.described_by()/>
        }
        .into_any(),
        widget => {
            let (kind, mode) = match widget {
                Widget::Email => ("email", None),
                Widget::Tel => ("tel", None),
                Widget::Number => ("text", Some("numeric")),
                Widget::Date => ("date", None),
                Widget::Password => ("password", None),
                _ => ("text", None),
            };
            // A password is never shown again, not even to its owner.
            let value = (kind != "password").then_some(value);
            view! {
                <input type=kind id=id.clone() name=name value=value inputmode=mode maxlength=maxlength
                    autocomplete=spec.autocomplete aria-invalid=invalid
                    aria-describedby=field.described_by()/>
            }
            .into_any()
        }
    };
    let theirs = move || {
        form.conflict.with(|c| {
            let c = c.as_ref()?;
            let yours = form
                .sent
                .with(|sent| {
                    sent.iter()
                        .any(|(k, _)| k == name)
                        .then(|| lookup(sent, name))
                })
                .unwrap_or_else(|| form.value(name));
            c.differs(name, &yours).map(|theirs| {
                view! { <p class="theirs">"Saved meanwhile: "<strong>{shown(theirs.to_owned())}</strong></p> }
            })
        })
    };
    view! {
        <div class="field" class:half=spec.half class:invalid=move || field.invalid() == "true">
            {(!matches!(spec.widget, Widget::Group(_))).then(|| view! {
                <label for=id.clone()>{spec.label}</label>
            })}
            {input}
            {(!spec.hint.is_empty()).then(|| view! {
                <p class="hint" id=format!("{id}-hint")>{spec.hint}</p>
            })}
            {theirs}
            <p class="field-error" id=format!("{id}-error") aria-live="polite">
                {move || form.errors.with(|e| e.get(name).map(str::to_owned))}
            </p>
        </div>
    }
    .into_any()
}

/// A value in a conflict notice; an empty one said as such.
fn shown(value: String) -> String {
    if value.is_empty() {
        "(empty)".to_owned()
    } else {
        value
    }
}

/// The (name, value) pairs a submitted form would send.
pub fn submitted_pairs(ev: &leptos::ev::SubmitEvent) -> Option<Vec<(String, String)>> {
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let entries = js_sys::try_iter(&data).ok()??;
    let mut pairs = Vec::new();
    for entry in entries {
        let entry = entry.ok()?;
        let pair = entry.dyn_into::<js_sys::Array>().ok()?;
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((name, value));
        }
    }
    Some(pairs)
}

/// What happens after a write succeeded.
pub enum Then<O: 'static> {
    /// Go to the action's next page (without a reload).
    Navigate,
    /// Stay, and let the page react (a comment added below a pet).
    Stay(Callback<O>),
}

/// A form for action `A`.
pub struct FormConfig<A: FormAction> {
    pub ids: A::Ids,
    /// The values shown when nothing was submitted yet.
    pub initial: A::Input,
    pub fields: &'static [FieldSpec],
    pub submit: String,
    /// The button's text while the server works ("Saving…").
    pub pending: String,
    /// A "Cancel" link.
    pub cancel: Option<String>,
    pub class: &'static str,
    /// Put before the ids of the form's elements (see [`FormCtx::prefix`]).
    pub id_prefix: &'static str,
    pub then: Then<A::Output>,
    /// With the wasm loaded, ask this first (a delete).
    pub confirm: Option<String>,
}

/// A real HTML form that POSTs to `A::ROUTE` (so it works with JavaScript
/// off); with the wasm loaded, submitting checks the input with the same
/// rules as the server and calls `A`'s server function without a reload.
pub fn action_form<A: FormAction>(config: FormConfig<A>) -> impl IntoView {
    let submitted =
        submitted_form::<A::Input>().filter(|state| A::same_form(&state.input, &config.initial));
    let values = submitted
        .as_ref()
        .map(|s| to_fields(&s.input))
        .unwrap_or_else(|| to_fields(&config.initial));
    let form = FormCtx {
        prefix: config.id_prefix,
        values: StoredValue::new(values),
        errors: RwSignal::new(
            submitted
                .as_ref()
                .map(|s| s.errors.clone())
                .unwrap_or_default(),
        ),
        message: RwSignal::new(submitted.as_ref().and_then(|s| s.message.clone())),
        conflict: RwSignal::new(submitted.and_then(|s| s.conflict)),
        sent: RwSignal::new(Vec::new()),
    };
    let action = ServerAction::<A::Call>::new();
    let ids = config.ids;
    let navigate = crate::components::nav::navigator();
    let then = config.then;
    let next_ids = ids.clone();
    let element = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(output)) => {
            form.clear();
            match &then {
                Then::Navigate => navigate(&A::next(&next_ids, &output), Default::default()),
                Then::Stay(callback) => {
                    // Ready for the next one (a second comment, say).
                    if let Some(element) = element.get_untracked() {
                        element.reset();
                    }
                    callback.run(output)
                }
            }
        }
        Some(Err(e)) => form.show(&e),
        None => {}
    });
    let call_ids = ids.clone();
    let question = config.confirm;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        if let Some(question) = &question {
            if !window().confirm_with_message(question).unwrap_or(false) {
                return;
            }
        }
        let Some(pairs) = submitted_pairs(&ev) else {
            return;
        };
        let input: A::Input = from_fields(pairs.clone());
        match input.parse() {
            Ok(_) => {
                form.errors.set(FieldErrors::new());
                form.message.set(None);
                form.sent.set(pairs);
                action.dispatch(A::call(call_ids.clone(), input));
            }
            Err(found) => {
                form.errors.set(found);
                form.message
                    .set(Some("Please correct the highlighted fields.".into()));
            }
        }
    };
    let fields = config
        .fields
        .iter()
        .map(|spec| field_view(FieldCtx { spec, form }))
        .collect_view();
    let (submit, pending_label) = (config.submit, config.pending);
    let label = move || {
        if action.pending().get() {
            pending_label.clone()
        } else {
            submit.clone()
        }
    };
    view! {
        <form class=format!("record-form {}", config.class) method="post"
            action=A::ROUTE.fill(&ids.to_path()) novalidate on:submit=on_submit node_ref=element>
            <CsrfField/>
            {move || form.message.get().map(|m| {
                let kind = if form.conflict.with(Option::is_some) { "notice-warning" } else { "notice-error" };
                let changed = form.conflict.with(|c| {
                    c.as_ref().map(|c| c.changed.clone()).unwrap_or_default()
                });
                let changed = (!changed.is_empty()).then(|| view! {
                    <ul class="changes">
                        {changed.into_iter().map(|c| match c.was.is_empty() && c.link.is_none() && form.conflict.with_untracked(|c| c.as_ref().is_some_and(|c| c.bulk.is_some())) {
                            // A bulk action's: the record, and what happened to it.
                            true => view! { <li><strong>{c.field}</strong>": "{c.now}</li> }.into_any(),
                            false => view! {
                                <li>{c.field}": was "<del>{shown(c.was)}</del>", now "<ins>{shown(c.now)}</ins></li>
                            }.into_any(),
                        }).collect_view()}
                    </ul>
                });
                view! { <div class=format!("notice {kind}") role="alert">{m}{changed}</div> }
            })}
            <div class="fields">{fields}</div>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || action.pending().get()
                    aria-busy=move || action.pending().get().to_string()>
                    {label}
                </button>
                {config.cancel.map(|href| view! { <a class="button secondary" href=href>"Cancel"</a> })}
            </div>
        </form>
    }
}
