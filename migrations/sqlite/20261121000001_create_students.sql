-- Students, as in the original tutorial, with the limits enforced in Rust
-- (roster_core::domain) and repeated here as a last line of defence.
CREATE TABLE students (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    firstname  TEXT    NOT NULL CHECK (length(firstname) BETWEEN 1 AND 100),
    lastname   TEXT    NOT NULL CHECK (length(lastname) BETWEEN 1 AND 100),
    email      TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 80),
    age        INTEGER CHECK (age BETWEEN 1 AND 150),
    -- UTC, RFC 3339 with milliseconds: sorts as text, decodes as a timestamp.
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    bio        TEXT    CHECK (length(bio) <= 10000)
);

-- Emails are ASCII (see Email::parse), so lower() folds them fully.
CREATE UNIQUE INDEX students_email_key ON students (lower(email));
CREATE INDEX students_name_idx ON students (lastname, firstname, id);
CREATE INDEX students_created_idx ON students (created_at, id);
CREATE INDEX students_age_idx ON students ((age IS NULL), age, id);
