//! The no-JavaScript path for forms. A plain POST with bad input is answered
//! by rendering the page again, with the values as typed and a message at
//! each field. The server puts a [`FormState`] in context for that render; a
//! [`SharedValue`] carries it into the page's hydration data, so a browser
//! that loads the wasm afterwards sees the same form.

use leptos::prelude::*;
use roster_core::domain::{FieldErrors, StudentInput};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub input: StudentInput,
    pub errors: FieldErrors,
    /// A message for the whole form (not tied to a field).
    pub message: Option<String>,
}

/// The rejected submission this render answers, if any.
pub fn submitted_form() -> Option<FormState> {
    SharedValue::new(use_context::<FormState>).into_inner()
}
