-- A course's teachers: accounts (of any role) assigned by a clerk or an
-- administrator. An account whose role has the `teach` grant sets grades
-- in these courses, and only there.
CREATE TABLE course_teachers (
    course_id  BIGINT      NOT NULL
               CONSTRAINT course_teachers_course_fkey REFERENCES courses (id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL
               CONSTRAINT course_teachers_user_fkey REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, user_id)
);
-- "My courses": a teacher's courses.
CREATE INDEX course_teachers_user_idx ON course_teachers (user_id, course_id);
