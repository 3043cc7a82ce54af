-- Every change to a record, written in the same transaction as the change:
-- who, when, what, which record (its title then), each changed field's
-- form value before and after (JSON), and the request it came with.
CREATE TABLE history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    account_id INTEGER
               CONSTRAINT history_account_fkey REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    record_id  INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    changes    TEXT    NOT NULL,
    request_id TEXT
);
-- A record's history, newest first.
CREATE INDEX history_record_idx ON history (kind, record_id, id);
CREATE INDEX history_account_idx ON history (account_id, id);
