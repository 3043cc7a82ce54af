//! What each database constraint means to the person filling in a form: the
//! field it belongs to and the message shown there. The constraint names are
//! the ones the migrations give (the same on SQLite and PostgreSQL).

/// The field and message for a violated constraint, if Roster knows it.
pub fn field_message(constraint: &str) -> Option<(&'static str, &'static str)> {
    Some(match constraint {
        "students_email_key" => ("email", "Another student already uses this email address."),
        "users_username_key" => ("username", "That username is taken."),
        "users_email_key" => ("email", "An account with this email already exists."),
        "pets_handler_fkey" => (
            "handler_id",
            "That handler does not exist (it may have been deleted). Choose another.",
        ),
        "comments_pet_fkey" => (
            "body",
            "That pet no longer exists; the comment was not saved.",
        ),
        "courses_code_key" => ("code", "Another course already has this code."),
        "courses_capacity_enrolled" => (
            "capacity",
            "More students are enrolled than that: raise it, or unenrol some first.",
        ),
        "enrolments_course_fkey" => (
            "course_id",
            "That course does not exist (it may have been deleted).",
        ),
        "enrolments_student_fkey" => (
            "student_id",
            "That student does not exist (they may have been deleted).",
        ),
        "users_role_id_fkey" => ("role", "That role no longer exists; choose another."),
        "roles_name_key" => ("name", "A role with this name already exists."),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_constraints_name_their_field() {
        assert_eq!(field_message("pets_handler_fkey").unwrap().0, "handler_id");
        assert_eq!(field_message("nope"), None);
    }
}
