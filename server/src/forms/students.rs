//! Students' forms: create, edit, delete at the seed's URLs.

use axum::Router;
use roster_core::domain::Student;

use crate::state::AppState;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    super::record::<Student>(router)
}
