-- Messages sent with the public contact form, read by administrators.

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email      TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 80),
    subject    TEXT    NOT NULL CHECK (length(subject) BETWEEN 1 AND 150),
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    -- SHA-256 of the sender's address: enough to limit how often one client
    -- may write, without keeping the address itself.
    sender_key TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Unix seconds; NULL while unread.
    read_at    BIGINT,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX messages_sender_idx ON messages (sender_key, created_at);
CREATE INDEX messages_unread_idx ON messages (read_at, id);

-- The unread count in the administrators' nav, kept like the other counters
-- (its row counts unread messages, not rows of a table).
INSERT INTO record_counts (name, total) VALUES ('messages', 0), ('unread_messages', 0);
CREATE TRIGGER messages_insert AFTER INSERT ON messages
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'messages';
    UPDATE record_counts SET total = total + 1 WHERE name = 'unread_messages' AND NEW.read_at IS NULL;
END;
CREATE TRIGGER messages_delete AFTER DELETE ON messages
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'messages';
    UPDATE record_counts SET total = total - 1 WHERE name = 'unread_messages' AND OLD.read_at IS NULL;
END;
CREATE TRIGGER messages_read AFTER UPDATE OF read_at ON messages
    WHEN (OLD.read_at IS NULL) <> (NEW.read_at IS NULL)
BEGIN
    UPDATE record_counts SET total = total + (CASE WHEN NEW.read_at IS NULL THEN 1 ELSE -1 END)
        WHERE name = 'unread_messages';
END;
