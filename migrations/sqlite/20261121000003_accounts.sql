-- Accounts, sessions and sign-in throttling. Times that Roster compares
-- itself (expiry, throttling windows) are Unix seconds in a BIGINT, read and
-- written the same way on both databases.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL CHECK (length(username) BETWEEN 3 AND 32),
    email         TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 80),
    -- An argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
    password_hash TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Usernames and emails are ASCII (see roster_core::domain), so lower()
-- makes both unique ignoring case.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The id in the cookie is never stored: only its SHA-256, so a copy of the
-- database does not hold live sessions.
CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen);

-- One row per failed sign-in, keyed by account and by client address.
CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT    NOT NULL,
    at  BIGINT  NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);

-- Site-wide settings an administrator can change.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
