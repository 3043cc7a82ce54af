-- Versions for edits (an edit names the version it started from), one table
-- of kept counters for every list, and the registration tutorial's
-- one-to-many records: handlers, their pets, and comments on pets.

ALTER TABLE students ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Totals that lists show without counting every row on every view, kept by
-- triggers. The students' figure moves here from its own table.
CREATE TABLE record_counts (
    name  TEXT    PRIMARY KEY,
    total INTEGER NOT NULL CHECK (total >= 0)
);
INSERT INTO record_counts (name, total) SELECT 'students', total FROM student_count;
DROP TRIGGER students_count_insert;
DROP TRIGGER students_count_delete;
DROP TABLE student_count;
CREATE TRIGGER students_count_insert AFTER INSERT ON students
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'students';
END;
CREATE TRIGGER students_count_delete AFTER DELETE ON students
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'students';
END;

CREATE TABLE handlers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
    email      TEXT    CHECK (length(email) BETWEEN 3 AND 80),
    phone      TEXT    CHECK (length(phone) BETWEEN 5 AND 30),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    version    INTEGER NOT NULL DEFAULT 1,
    -- Kept by the triggers on pets below.
    pet_count  INTEGER NOT NULL DEFAULT 0 CHECK (pet_count >= 0)
);
CREATE INDEX handlers_name_idx ON handlers (lower(name), id);
CREATE INDEX handlers_pets_idx ON handlers (pet_count, id);

CREATE TABLE pets (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    category      TEXT    NOT NULL CHECK (length(category) BETWEEN 1 AND 50),
    -- A handler with pets cannot be deleted: the pets move first.
    handler_id    INTEGER NOT NULL
                  CONSTRAINT pets_handler_fkey REFERENCES handlers (id) ON DELETE RESTRICT,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    version       INTEGER NOT NULL DEFAULT 1,
    comment_count INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
);
CREATE INDEX pets_handler_idx ON pets (handler_id, id);
CREATE INDEX pets_category_idx ON pets (lower(category), id);
CREATE INDEX pets_name_idx ON pets (lower(name), id);

-- Categories are free text, grouped ignoring case: one row per group with
-- the first spelling seen and how many pets have it, for suggestions and
-- the category filter.
CREATE TABLE pet_categories (
    key  TEXT    PRIMARY KEY,
    name TEXT    NOT NULL,
    pets INTEGER NOT NULL CHECK (pets >= 0)
);
CREATE INDEX pet_categories_pets_idx ON pet_categories (pets, key);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A pet's comments go with it.
    pet_id     INTEGER NOT NULL
               CONSTRAINT comments_pet_fkey REFERENCES pets (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL
               CONSTRAINT comments_author_fkey REFERENCES users (id) ON DELETE RESTRICT,
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 200),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX comments_pet_idx ON comments (pet_id, id);
CREATE INDEX comments_author_idx ON comments (author_id);

INSERT INTO record_counts (name, total) VALUES ('handlers', 0), ('pets', 0), ('comments', 0);

CREATE TRIGGER handlers_count_insert AFTER INSERT ON handlers
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'handlers';
END;
CREATE TRIGGER handlers_count_delete AFTER DELETE ON handlers
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'handlers';
END;

CREATE TRIGGER pets_insert AFTER INSERT ON pets
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'pets';
    UPDATE handlers SET pet_count = pet_count + 1 WHERE id = NEW.handler_id;
    INSERT INTO pet_categories (key, name, pets) VALUES (lower(NEW.category), NEW.category, 1)
        ON CONFLICT (key) DO UPDATE SET pets = pets + 1;
END;
CREATE TRIGGER pets_delete AFTER DELETE ON pets
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'pets';
    UPDATE handlers SET pet_count = pet_count - 1 WHERE id = OLD.handler_id;
    UPDATE pet_categories SET pets = pets - 1 WHERE key = lower(OLD.category);
    DELETE FROM pet_categories WHERE key = lower(OLD.category) AND pets = 0;
END;
CREATE TRIGGER pets_move AFTER UPDATE OF handler_id ON pets
    WHEN NEW.handler_id <> OLD.handler_id
BEGIN
    UPDATE handlers SET pet_count = pet_count - 1 WHERE id = OLD.handler_id;
    UPDATE handlers SET pet_count = pet_count + 1 WHERE id = NEW.handler_id;
END;
CREATE TRIGGER pets_recategorise AFTER UPDATE OF category ON pets
    WHEN lower(NEW.category) <> lower(OLD.category)
BEGIN
    UPDATE pet_categories SET pets = pets - 1 WHERE key = lower(OLD.category);
    DELETE FROM pet_categories WHERE key = lower(OLD.category) AND pets = 0;
    INSERT INTO pet_categories (key, name, pets) VALUES (lower(NEW.category), NEW.category, 1)
        ON CONFLICT (key) DO UPDATE SET pets = pets + 1;
END;

CREATE TRIGGER comments_insert AFTER INSERT ON comments
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'comments';
    UPDATE pets SET comment_count = comment_count + 1 WHERE id = NEW.pet_id;
END;
CREATE TRIGGER comments_delete AFTER DELETE ON comments
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'comments';
    UPDATE pets SET comment_count = comment_count - 1 WHERE id = OLD.pet_id;
END;
