//! The no-JavaScript path for forms. A plain POST with bad input is answered
//! by rendering the page again, with the values as typed and a message at
//! each field. The server puts a [`FormState`] in context for that render; a
//! [`SharedValue`] carries it into the page's hydration data, so a browser
//! that loads the wasm afterwards sees the same form.

use leptos::prelude::*;
use roster_core::domain::{Conflict, FieldErrors};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A rejected submission of a form whose fields are `T` (never holding a
/// password: those are not sent back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState<T> {
    pub input: T,
    pub errors: FieldErrors,
    /// A message for the whole form (not tied to a field).
    pub message: Option<String>,
    /// The record changed since the form was opened: its values now.
    pub conflict: Option<Conflict>,
}

/// The message of a refused plain POST of a form with input `T` that no
/// form on the page shows itself (a button in a list row: a grade, a role),
/// as a notice for the top of the page.
pub fn refused_notice<T>() -> Option<impl IntoView>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    submitted_form::<T>()
        .and_then(|state| state.message)
        .map(|message| view! { <div class="notice notice-error" role="alert">{message}</div> })
}

/// The rejected submission this render answers, if any.
pub fn submitted_form<T>() -> Option<FormState<T>>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    SharedValue::new(use_context::<FormState<T>>).into_inner()
}
