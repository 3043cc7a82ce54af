-- What a class list's import wrote (its enrolments and their versions
-- after it), for its undo: enrolments keep no history of their own.
ALTER TABLE imports ADD COLUMN written TEXT;
