-- Bulk actions (a list's selection deleted, or a field set on each): who,
-- when, which record type, what was done, to how many. The history and
-- trash entries each one writes name it, so that it is one line in the
-- activity log and can be undone as a whole.
CREATE TABLE batches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    account_id INTEGER
               CONSTRAINT batches_account_fkey REFERENCES users (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    count      INTEGER NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'applied',
    undone_at  TEXT
);
CREATE INDEX batches_account_idx ON batches (account_id, id);
ALTER TABLE history ADD COLUMN batch_id INTEGER
    CONSTRAINT history_batch_fkey REFERENCES batches (id) ON DELETE SET NULL;
-- Only a bulk action's entries are in it: other writes pay nothing.
CREATE INDEX history_batch_idx ON history (batch_id, id) WHERE batch_id IS NOT NULL;
ALTER TABLE trash ADD COLUMN batch_id INTEGER
    CONSTRAINT trash_batch_fkey REFERENCES batches (id) ON DELETE SET NULL;
CREATE INDEX trash_batch_idx ON trash (batch_id, id) WHERE batch_id IS NOT NULL;
