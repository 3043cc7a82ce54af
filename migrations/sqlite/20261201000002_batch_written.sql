-- What a bulk action on enrolments wrote (each enrolment and its version
-- after it, or the enrolment it ended), for its undo: enrolments keep no
-- history of their own.
ALTER TABLE batches ADD COLUMN written TEXT;
