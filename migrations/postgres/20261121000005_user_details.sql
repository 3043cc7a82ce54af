-- Account details, one row per account in a table of its own (the
-- tutorial's one-to-one `UserDetails`), and what administrators need to
-- manage accounts: a version for edits and a way to disable an account.

ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE user_details (
    user_id      BIGINT PRIMARY KEY
                 CONSTRAINT user_details_user_fkey REFERENCES users (id) ON DELETE CASCADE,
    -- Shown in the nav and on comments.
    display_name TEXT   NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    job_title    TEXT   CHECK (char_length(job_title) BETWEEN 1 AND 100),
    phone        TEXT   CHECK (char_length(phone) BETWEEN 5 AND 30),
    version      BIGINT NOT NULL DEFAULT 1
);
-- Every existing account gets its row, named after its username.
INSERT INTO user_details (user_id, display_name) SELECT id, username FROM users;
