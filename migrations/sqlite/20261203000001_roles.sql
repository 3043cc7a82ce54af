-- Roles: what an account may see and change. `grants` is the matrix as
-- roster_core::domain::Grants writes it ("admin", "teach", "student.view" …).
-- The four built-in roles have fixed ids (BuiltinRole in the domain).
CREATE TABLE roles (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    grants     TEXT    NOT NULL DEFAULT '',
    builtin    BOOLEAN NOT NULL DEFAULT FALSE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX roles_name_key ON roles (lower(name));
INSERT INTO roles (id, name, grants, builtin) VALUES
    (1, 'administrator', 'admin', TRUE),
    (2, 'clerk', 'student.view student.add student.change student.delete student.import student.export course.view course.add course.change course.delete course.import course.export enrolment.view enrolment.add enrolment.change enrolment.delete enrolment.import enrolment.export handler.view handler.add handler.change handler.delete handler.import handler.export pet.view pet.add pet.change pet.delete pet.import pet.export comment.view comment.add comment.change comment.delete comment.import comment.export', TRUE),
    (3, 'teacher', 'teach student.view course.view enrolment.view', TRUE),
    (4, 'viewer', 'student.view course.view enrolment.view handler.view pet.view comment.view', TRUE);

-- Every account has one role. Existing accounts keep what they could do:
-- administrators stay administrators, everyone else becomes a clerk.
-- (SQLite cannot add a column with a REFERENCES clause and a default, so
-- triggers stand for the foreign key.)
ALTER TABLE users ADD COLUMN role_id INTEGER NOT NULL DEFAULT 2;
UPDATE users SET role_id = CASE WHEN is_admin THEN 1 ELSE 2 END;
CREATE INDEX users_role_idx ON users (role_id);

CREATE TRIGGER users_role_insert BEFORE INSERT ON users
WHEN NOT EXISTS (SELECT 1 FROM roles WHERE id = NEW.role_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: users_role_id_fkey');
END;
CREATE TRIGGER users_role_update BEFORE UPDATE OF role_id ON users
WHEN NOT EXISTS (SELECT 1 FROM roles WHERE id = NEW.role_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: users_role_id_fkey');
END;
CREATE TRIGGER roles_in_use BEFORE DELETE ON roles
WHEN EXISTS (SELECT 1 FROM users WHERE role_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: users_role_id_fkey');
END;
