-- Deleted records, kept so that they can come back with the same id: the
-- row as it was (JSON, by column), the rows that went with it (JSON, by
-- table), and for people its title, its form values and a summary of what
-- went with it. Written by the delete's own transaction; a restore takes
-- the entry out again in its own. Purged after ROSTER_TRASH_DAYS.
CREATE TABLE trash (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    account_id INTEGER
               CONSTRAINT trash_account_fkey REFERENCES users (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL,
    record_id  INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    fields     TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    record     TEXT    NOT NULL,
    children   TEXT    NOT NULL
);
-- Ids are never reused, so a record is in the trash at most once.
CREATE UNIQUE INDEX trash_record_key ON trash (kind, record_id);
CREATE INDEX trash_kind_idx ON trash (kind, id);
CREATE INDEX trash_at_idx ON trash (at);
CREATE INDEX trash_title_idx ON trash (lower(title), id);
CREATE INDEX trash_account_idx ON trash (account_id);
