-- Courses and enrolments: students and courses, many to many, with data on
-- the link (when, and the final grade). Deleting a course or a student takes
-- their enrolments with it, and nothing else.

CREATE TABLE courses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Letters, digits and -, kept upper-case (see CourseCode).
    code        TEXT    NOT NULL CHECK (length(code) BETWEEN 2 AND 20),
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 150),
    description TEXT    CHECK (length(description) <= 5000),
    capacity    INTEGER CHECK (capacity BETWEEN 1 AND 10000),
    -- Kept by the triggers on enrolments below.
    enrolled    INTEGER NOT NULL DEFAULT 0 CHECK (enrolled >= 0),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX courses_code_key ON courses (upper(code));
CREATE INDEX courses_title_idx ON courses (lower(title), id);
CREATE INDEX courses_enrolled_idx ON courses (enrolled, id);

CREATE TABLE enrolments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL
                CONSTRAINT enrolments_course_fkey REFERENCES courses (id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL
                CONSTRAINT enrolments_student_fkey REFERENCES students (id) ON DELETE CASCADE,
    -- A calendar day, YYYY-MM-DD.
    enrolled_on TEXT    NOT NULL DEFAULT (date('now'))
                CHECK (enrolled_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    grade       INTEGER CHECK (grade BETWEEN 0 AND 100),
    version     INTEGER NOT NULL DEFAULT 1
);
-- One student in one course at most once.
CREATE UNIQUE INDEX enrolments_pair_key ON enrolments (course_id, student_id);
CREATE INDEX enrolments_student_idx ON enrolments (student_id, course_id);
CREATE INDEX enrolments_grade_idx ON enrolments (course_id, grade);
CREATE INDEX enrolments_enrolled_on_idx ON enrolments (course_id, enrolled_on);

-- How many courses each student is in (for the confirmation before a
-- student is deleted), kept like the other counters.
ALTER TABLE students ADD COLUMN course_count INTEGER NOT NULL DEFAULT 0;

INSERT INTO record_counts (name, total) VALUES ('courses', 0), ('enrolments', 0);

CREATE TRIGGER courses_count_insert AFTER INSERT ON courses
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'courses';
END;
CREATE TRIGGER courses_count_delete AFTER DELETE ON courses
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'courses';
END;
CREATE TRIGGER enrolments_insert AFTER INSERT ON enrolments
BEGIN
    UPDATE record_counts SET total = total + 1 WHERE name = 'enrolments';
    UPDATE courses SET enrolled = enrolled + 1 WHERE id = NEW.course_id;
    UPDATE students SET course_count = course_count + 1 WHERE id = NEW.student_id;
END;
CREATE TRIGGER enrolments_delete AFTER DELETE ON enrolments
BEGIN
    UPDATE record_counts SET total = total - 1 WHERE name = 'enrolments';
    UPDATE courses SET enrolled = enrolled - 1 WHERE id = OLD.course_id;
    UPDATE students SET course_count = course_count - 1 WHERE id = OLD.student_id;
END;
