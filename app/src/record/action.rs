//! One shape for every form that writes: what it sends, what it gives back,
//! what it does (`run`, on the server, with the signed-in user) and where
//! the browser goes next. The server function (JavaScript on) and the plain
//! form POST (JavaScript off) both go through it, so the two paths cannot
//! drift apart and every success URL lives in one place.

use std::fmt::Debug;

use leptos::server_fn::ServerFn;
use roster_core::domain::urls::Pattern;
use roster_core::domain::FormInput;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;

/// The ids in a form's URL: none, one (`/pets/{id}/edit/`) or two.
pub trait Ids:
    Clone + Debug + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static
{
    fn from_path(ids: &[i64]) -> Option<Self>;
    fn to_path(&self) -> Vec<i64>;
}

impl Ids for () {
    fn from_path(ids: &[i64]) -> Option<Self> {
        ids.is_empty().then_some(())
    }
    fn to_path(&self) -> Vec<i64> {
        Vec::new()
    }
}

impl Ids for i64 {
    fn from_path(ids: &[i64]) -> Option<Self> {
        match ids {
            [id] => Some(*id),
            _ => None,
        }
    }
    fn to_path(&self) -> Vec<i64> {
        vec![*self]
    }
}

impl Ids for (i64, i64) {
    fn from_path(ids: &[i64]) -> Option<Self> {
        match ids {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }
    fn to_path(&self) -> Vec<i64> {
        vec![self.0, self.1]
    }
}

/// A form that writes.
pub trait FormAction: 'static {
    /// Where the form POSTs without JavaScript.
    const ROUTE: Pattern;
    type Ids: Ids;
    type Input: FormInput;
    type Output: Clone + Debug + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static;
    /// The server function the browser calls instead.
    type Call: ServerFn<Output = Self::Output, Error = AppError> + Clone + Send + Sync + 'static;

    fn call(ids: Self::Ids, input: Self::Input) -> Self::Call;

    /// What the role must allow (a record type and an operation), checked
    /// before the form is read: a refused role learns nothing of the
    /// record's state. The write helpers check again.
    const GRANT: Option<(roster_core::domain::Kind, roster_core::domain::Op)> = None;

    /// Where the browser goes once the write succeeded.
    fn next(ids: &Self::Ids, output: &Self::Output) -> String;

    /// The page the form is on, shown again when a plain POST is refused.
    fn page(ids: &Self::Ids) -> String {
        Self::ROUTE.fill(&ids.to_path())
    }

    /// Whether a refused submission belongs to the form showing `shown`
    /// (a page with one form per row shows a refusal at its own row only).
    fn same_form(submitted: &Self::Input, shown: &Self::Input) -> bool {
        let _ = (submitted, shown);
        true
    }

    /// What a refused form shows again (never a password).
    fn keep(input: &Self::Input) -> Self::Input {
        input.clone()
    }

    /// The write itself, on the server. Authorisation is checked here, where
    /// the write happens, with the signed-in user from `ctx`.
    #[cfg(feature = "ssr")]
    fn run(
        ctx: &crate::service::Ctx,
        ids: Self::Ids,
        input: Self::Input,
    ) -> impl std::future::Future<Output = Result<Self::Output, AppError>> + Send;
}

/// Runs action `A` for a server function: the request's context in, the
/// outcome's HTTP status and headers (cookies) out.
#[cfg(feature = "ssr")]
pub async fn serve<A: FormAction>(ids: A::Ids, input: A::Input) -> Result<A::Output, AppError> {
    let ctx = crate::service::Ctx::from_context()?;
    let result = run::<A>(&ctx, ids, input).await;
    ctx.send_headers();
    crate::service::respond(result)
}

/// Runs action `A` as `ctx`'s account: its grant checked first.
#[cfg(feature = "ssr")]
pub async fn run<A: FormAction>(
    ctx: &crate::service::Ctx,
    ids: A::Ids,
    input: A::Input,
) -> Result<A::Output, AppError> {
    if let Some((kind, op)) = A::GRANT {
        ctx.actor.require(kind, op)?;
    }
    A::run(ctx, ids, input).await
}
