-- A course's teachers: accounts (of any role) assigned by a clerk or an
-- administrator. An account whose role has the `teach` grant sets grades
-- in these courses, and only there.
CREATE TABLE course_teachers (
    course_id  INTEGER NOT NULL
               CONSTRAINT course_teachers_course_fkey REFERENCES courses (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL
               CONSTRAINT course_teachers_user_fkey REFERENCES users (id),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (course_id, user_id)
);
-- "My courses": a teacher's courses.
CREATE INDEX course_teachers_user_idx ON course_teachers (user_id, course_id);
