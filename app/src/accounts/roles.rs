//! `/roles/` (administrators): what each role may do, as a matrix of
//! record types × operations, each role saved by its own form at the
//! version it was shown; roles of the administrators' own added and
//! deleted. Each form is a form action like every other write (JS on and
//! off), and the database writes each change's activity-log entry.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use roster_core::domain::{
    capitalise, urls, BuiltinRole, FieldErrors, FormInput, Grants, Kind, Line, Op, RoleRow,
    MATRIX_KINDS,
};
use serde::{Deserialize, Serialize};

use crate::components::status::{set_status, Notice};
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldCtx, FieldSpec, FormConfig, Then, Widget};

/// The longest role name (the table's check).
pub const ROLE_NAME_MAX: usize = 40;

/// A checkbox's name in the matrix: `pet.delete`.
fn grant_field(kind: Kind, op: Op) -> String {
    format!("{}.{}", kind.noun(), op.as_str())
}

/// The teacher's grant's checkbox.
const TEACH_FIELD: &str = "teach";

/// Every role, for administrators.
#[leptos::server(prefix = "/api", endpoint = "roles/list")]
pub async fn get_roles() -> Result<Vec<RoleRow>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require_admin()?;
        Ok(ctx.db.roles().await?)
    })
    .await
}

/// One role's form: its id and version (hidden), and a checkbox per
/// permission (ticked sends "on").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleInput {
    pub role: String,
    pub version: String,
    #[serde(flatten)]
    pub grants: BTreeMap<String, String>,
}

impl RoleInput {
    pub fn of(role: &RoleRow) -> RoleInput {
        let mut grants = BTreeMap::new();
        for kind in MATRIX_KINDS {
            for op in Op::ALL {
                if role.grants.may(kind, op) {
                    grants.insert(grant_field(kind, op), "on".into());
                }
            }
        }
        if role.grants.teaches() {
            grants.insert(TEACH_FIELD.into(), "on".into());
        }
        RoleInput {
            role: role.id.to_string(),
            version: role.version.to_string(),
            grants,
        }
    }
}

impl FormInput for RoleInput {
    type Valid = (i64, Grants);

    fn parse(&self) -> Result<(i64, Grants), FieldErrors> {
        let version = roster_core::domain::parse_version(&self.version)
            .map_err(|e| FieldErrors::single("version", e))?;
        let ticked = |name: &str| self.grants.get(name).is_some_and(|v| !v.is_empty());
        let mut grants = Grants::NONE.with_teach(ticked(TEACH_FIELD));
        for kind in MATRIX_KINDS {
            for op in Op::ALL {
                if ticked(&grant_field(kind, op)) {
                    grants = grants.with(kind, op);
                }
            }
        }
        Ok((version, grants))
    }

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }
}

/// The matrix, as one group of checkboxes: a row per record type, a
/// column per operation.
fn matrix(field: FieldCtx) -> AnyView {
    let form = field.form;
    let prefix = format!("role-{}", form.value("role"));
    let head = Op::ALL
        .iter()
        .map(|op| view! { <th scope="col">{capitalise(op.as_str())}</th> })
        .collect_view();
    let rows = MATRIX_KINDS
        .iter()
        .map(|kind| {
            let cells = Op::ALL
                .iter()
                .map(|op| {
                    let name = grant_field(*kind, *op);
                    let id = format!("{prefix}-{}-{}", kind.noun(), op.as_str());
                    let label = format!("{} {}", capitalise(op.as_str()), kind.plural());
                    let checked = !form.value(&name).is_empty();
                    view! {
                        <td><input type="checkbox" id=id name=name value="on" checked=checked
                            aria-label=label/></td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{capitalise(kind.plural())}</th>{cells}</tr> }
        })
        .collect_view();
    let teach_id = format!("{prefix}-teach");
    let teaches = !form.value(TEACH_FIELD).is_empty();
    view! {
        <fieldset class="role-matrix">
            <legend>"What this role may do"</legend>
            <table class="matrix">
                <thead><tr><th scope="col">"Records"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="field checkbox">
                <input type="checkbox" id=teach_id.clone() name=TEACH_FIELD value="on" checked=teaches/>
                <label for=teach_id>"Sets grades in the courses the account teaches"</label>
            </div>
        </fieldset>
    }
    .into_any()
}

const ROLE_FIELDS: &[FieldSpec] = &[
    FieldSpec::hidden("role"),
    FieldSpec::hidden("version"),
    FieldSpec::new("grants", "What this role may do", Widget::Group(matrix)),
];

/// Saves what a role may do.
pub struct SaveRole;

impl FormAction for SaveRole {
    const ROUTE: urls::Pattern = urls::ROLE;
    const GRANT: Option<(Kind, Op)> = Some((Kind::Role, Op::Change));
    type Ids = i64;
    type Input = RoleInput;
    type Output = ();
    type Call = SaveRoleFn;

    fn call(id: i64, input: RoleInput) -> SaveRoleFn {
        SaveRoleFn { id, input }
    }

    fn next(id: &i64, _: &()) -> String {
        format!("{}?saved={id}#role-{id}", urls::roles())
    }

    fn page(_: &i64) -> String {
        urls::roles()
    }

    /// One form per role: a refusal shows at the role it was for.
    fn same_form(submitted: &RoleInput, shown: &RoleInput) -> bool {
        submitted.role == shown.role
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, input: RoleInput) -> Result<(), AppError> {
        let (version, grants) = input.parse().map_err(AppError::Invalid)?;
        ctx.db.save_role(&ctx.by(), id, version, grants).await?;
        Ok(())
    }
}

#[leptos::server(name = SaveRoleFn, prefix = "/api", endpoint = "roles/save", input = leptos::server_fn::codec::Json)]
pub async fn save_role_fn(id: i64, input: RoleInput) -> Result<(), AppError> {
    crate::record::action::serve::<SaveRole>(id, input).await
}

/// A new role's form: its name and the role it starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRoleInput {
    pub name: String,
    pub from: String,
}

impl FormInput for NewRoleInput {
    type Valid = (Line<ROLE_NAME_MAX>, Option<i64>);

    fn parse(&self) -> Result<Self::Valid, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", Line::<ROLE_NAME_MAX>::parse(&self.name));
        let from = match self.from.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.add("from", "Choose one of the roles, or none.");
                    None
                }
            },
        };
        match name {
            Some(name) if errors.is_empty() => Ok((name, from)),
            _ => Err(errors),
        }
    }
}

/// The roles a new one may start from (never the administrator's, which is
/// not a matrix), read from the page's context.
#[derive(Clone)]
struct StartFrom(Vec<(i64, String)>);

fn start_from(field: FieldCtx) -> AnyView {
    let chosen = field.value();
    let options = use_context::<StartFrom>()
        .map(|s| s.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(id, name)| {
            let selected = chosen == id.to_string();
            view! { <option value=id.to_string() selected=selected>{capitalise(&name)}</option> }
        })
        .collect_view();
    view! {
        <select id=field.id() name=field.spec.name aria-describedby=field.described_by()>
            <option value="">"Nothing (tick what it may do below, once added)"</option>
            {options}
        </select>
    }
    .into_any()
}

const NEW_ROLE_FIELDS: &[FieldSpec] = &[
    FieldSpec::text("name", "Name", ROLE_NAME_MAX).hint("A registrar, say."),
    FieldSpec::new(
        "from",
        "Starts with what this role may do",
        Widget::Custom(start_from),
    ),
];

/// Adds a role of the administrators' own.
pub struct AddRole;

impl FormAction for AddRole {
    const ROUTE: urls::Pattern = urls::ROLES;
    const GRANT: Option<(Kind, Op)> = Some((Kind::Role, Op::Add));
    type Ids = ();
    type Input = NewRoleInput;
    type Output = i64;
    type Call = AddRoleFn;

    fn call(_: (), input: NewRoleInput) -> AddRoleFn {
        AddRoleFn { input }
    }

    fn next(_: &(), id: &i64) -> String {
        format!("{}?added={id}#role-{id}", urls::roles())
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: NewRoleInput) -> Result<i64, AppError> {
        let (name, from) = input.parse().map_err(AppError::Invalid)?;
        let grants = match from {
            None => Grants::NONE,
            Some(from) => ctx
                .db
                .roles()
                .await?
                .into_iter()
                .find(|r| r.id == from)
                .map(|r| r.grants.matrix_only())
                .ok_or_else(|| {
                    AppError::Invalid(FieldErrors::single("from", "That role no longer exists."))
                })?,
        };
        Ok(ctx.db.create_role(&ctx.by(), name.as_str(), grants).await?)
    }
}

#[leptos::server(name = AddRoleFn, prefix = "/api", endpoint = "roles/add")]
pub async fn add_role_fn(input: NewRoleInput) -> Result<i64, AppError> {
    crate::record::action::serve::<AddRole>((), input).await
}

/// Deleting a role: the version it was shown at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleVersion {
    pub role: String,
    pub version: String,
}

impl FormInput for RoleVersion {
    type Valid = i64;

    fn parse(&self) -> Result<i64, FieldErrors> {
        roster_core::domain::parse_version(&self.version)
            .map_err(|e| FieldErrors::single("version", e))
    }

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }
}

/// Deletes a role of the administrators' own that no account holds.
pub struct DeleteRole;

impl FormAction for DeleteRole {
    const ROUTE: urls::Pattern = urls::ROLE_DELETE;
    const GRANT: Option<(Kind, Op)> = Some((Kind::Role, Op::Delete));
    type Ids = i64;
    type Input = RoleVersion;
    type Output = ();
    type Call = DeleteRoleFn;

    fn call(id: i64, input: RoleVersion) -> DeleteRoleFn {
        DeleteRoleFn { id, input }
    }

    fn next(_: &i64, _: &()) -> String {
        format!("{}?deleted=1", urls::roles())
    }

    fn page(_: &i64) -> String {
        urls::roles()
    }

    fn same_form(submitted: &RoleVersion, shown: &RoleVersion) -> bool {
        submitted.role == shown.role
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, input: RoleVersion) -> Result<(), AppError> {
        let version = input.parse().map_err(AppError::Invalid)?;
        ctx.db.delete_role(&ctx.by(), id, version).await?;
        Ok(())
    }
}

#[leptos::server(name = DeleteRoleFn, prefix = "/api", endpoint = "roles/delete")]
pub async fn delete_role_fn(id: i64, input: RoleVersion) -> Result<(), AppError> {
    crate::record::action::serve::<DeleteRole>(id, input).await
}

const DELETE_FIELDS: &[FieldSpec] = &[FieldSpec::hidden("role"), FieldSpec::hidden("version")];

/// "3 accounts", "no account".
fn holders(n: i64) -> String {
    match n {
        0 => "No account has it".into(),
        1 => "1 account has it".into(),
        n => format!("{n} accounts have it"),
    }
}

/// One role: its name, who holds it, and its matrix (the administrator's
/// is everything, and says so).
fn role_section(role: RoleRow) -> impl IntoView {
    let id = role.id;
    let anchor = format!("role-{id}");
    let heading = format!("role-{id}-heading");
    let admin = id == BuiltinRole::Administrator.id();
    let note = format!(
        "{}{}.",
        holders(role.accounts),
        if role.builtin { " · built in" } else { "" }
    );
    let body = if admin {
        view! {
            <p>"Everything: every record type, accounts, messages, settings, the activity log and these roles. It cannot be narrowed."</p>
        }
        .into_any()
    } else {
        let form = action_form::<SaveRole>(FormConfig {
            ids: id,
            initial: RoleInput::of(&role),
            fields: ROLE_FIELDS,
            submit: format!("Save {}", role.name),
            pending: "Saving…".into(),
            cancel: None,
            class: "role-form",
            id_prefix: "",
            then: Then::Navigate,
            confirm: None,
        });
        let delete = (!role.builtin && role.accounts == 0).then(|| {
            action_form::<DeleteRole>(FormConfig {
                ids: id,
                initial: RoleVersion {
                    role: id.to_string(),
                    version: role.version.to_string(),
                },
                fields: DELETE_FIELDS,
                submit: format!("Delete {}", role.name),
                pending: "Deleting…".into(),
                cancel: None,
                class: "inline delete-role",
                id_prefix: "",
                then: Then::Navigate,
                confirm: Some(format!("Delete the role {}?", role.name)),
            })
        });
        view! { {form}{delete} }.into_any()
    };
    view! {
        <section class="role" id=anchor aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{capitalise(&role.name)}</h2>
            <p class="hint">{note}</p>
            {body}
        </section>
    }
}

/// The roles and what each may do, for administrators.
#[component]
pub fn RolesPage() -> impl IntoView {
    let query = use_query_map();
    let shown =
        Memo::new(move |_| query.with(|q| (q.get("saved"), q.get("added"), q.get("deleted"))));
    let roles = Resource::new(move || shown.try_get(), |_| get_roles());
    view! {
        <Title text="Roles"/>
        <h1>"Roles"</h1>
        <p class="lead">"What the accounts of each role may see and change. A change counts from each account's next request. Roles are given to accounts on "<a href=urls::users()>"Accounts"</a>"; new registrations get the one chosen in "<a href=urls::settings()>"Settings"</a>"."</p>
        {move || {
            let (saved, added, deleted) = shown.get();
            let text = if saved.is_some() {
                Some("Role saved.")
            } else if added.is_some() {
                Some("Role added: tick what it may do.")
            } else if deleted.is_some() {
                Some("Role deleted.")
            } else {
                None
            };
            text.map(|t| view! { <Notice kind="success">{t}</Notice> })
        }}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match roles.await {
                    Ok(list) => {
                        provide_context(StartFrom(
                            list.iter()
                                .filter(|r| r.id != BuiltinRole::Administrator.id())
                                .map(|r| (r.id, r.name.clone()))
                                .collect(),
                        ));
                        let add = action_form::<AddRole>(FormConfig {
                            ids: (),
                            initial: NewRoleInput::default(),
                            fields: NEW_ROLE_FIELDS,
                            submit: "Add role".into(),
                            pending: "Adding…".into(),
                            cancel: None,
                            class: "add-role",
                            id_prefix: "new-role-",
                            then: Then::Navigate,
                            confirm: None,
                        });
                        let sections = list.into_iter().map(role_section).collect_view();
                        view! {
                            {sections}
                            <section class="role" id="add-role" aria-labelledby="add-role-heading">
                                <h2 id="add-role-heading">"Add a role"</h2>
                                {add}
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => {
                        set_status(e.status());
                        view! { <Notice kind="error">{e.to_string()}</Notice> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
