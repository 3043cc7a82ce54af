-- Each enrolment carries its student's name, so that a course's students
-- are read in name order from one index: a page of 50 reads 50 students,
-- not every student in the course to sort them (each on a page of its own
-- in a large table). Triggers keep the copy: an enrolment takes its
-- student's name when written, and a student's new name reaches every
-- enrolment in the same write. `roster check` compares them. (A student
-- that is not there leaves the name blank: the foreign key refuses the
-- row, with its own error.)
ALTER TABLE enrolments ADD COLUMN student_lastname TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN student_firstname TEXT NOT NULL DEFAULT '';

UPDATE enrolments SET (student_lastname, student_firstname) =
    (SELECT lastname, firstname FROM students s WHERE s.id = enrolments.student_id);

CREATE INDEX enrolments_student_name_idx
    ON enrolments (course_id, student_lastname, student_firstname, id);

CREATE TRIGGER enrolments_name_insert AFTER INSERT ON enrolments BEGIN
    UPDATE enrolments SET (student_lastname, student_firstname) =
        (SELECT lastname, firstname FROM students s WHERE s.id = NEW.student_id)
        WHERE id = NEW.id AND EXISTS (SELECT 1 FROM students s WHERE s.id = NEW.student_id);
END;
CREATE TRIGGER enrolments_name_student AFTER UPDATE OF student_id ON enrolments BEGIN
    UPDATE enrolments SET (student_lastname, student_firstname) =
        (SELECT lastname, firstname FROM students s WHERE s.id = NEW.student_id)
        WHERE id = NEW.id AND EXISTS (SELECT 1 FROM students s WHERE s.id = NEW.student_id);
END;
CREATE TRIGGER students_name_update AFTER UPDATE OF firstname, lastname ON students
    WHEN OLD.lastname IS NOT NEW.lastname OR OLD.firstname IS NOT NEW.firstname
BEGIN
    UPDATE enrolments SET student_lastname = NEW.lastname, student_firstname = NEW.firstname
        WHERE student_id = NEW.id;
END;
