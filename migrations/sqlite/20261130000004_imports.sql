-- Files brought in (`/import/`): who, when, the file's name, which record
-- type, and the file's rows as read (JSON) from the preview until they are
-- applied, so that any instance can apply them; then what was done. The
-- history entries an import writes name it.
CREATE TABLE imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    account_id INTEGER
               CONSTRAINT imports_account_fkey REFERENCES users (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL,
    file_name  TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'previewed',
    columns    TEXT    NOT NULL,
    rows       TEXT    NOT NULL,
    counts     TEXT    NOT NULL,
    applied_at TEXT
);
CREATE INDEX imports_account_idx ON imports (account_id, id);
ALTER TABLE history ADD COLUMN import_id INTEGER
    CONSTRAINT history_import_fkey REFERENCES imports (id) ON DELETE SET NULL;
-- Only imported entries are in it: the writes that are not pay nothing.
CREATE INDEX history_import_idx ON history (import_id) WHERE import_id IS NOT NULL;
