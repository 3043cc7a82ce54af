-- Each enrolment carries its student's name, so that a course's students
-- are read in name order from one index: a page of 50 reads 50 students,
-- not every student in the course to sort them. Triggers keep the copy: an
-- enrolment takes its student's name when written (the student's row
-- locked FOR SHARE, so that a rename under way finishes first and reaches
-- it), and a student's new name reaches every enrolment in the same
-- transaction. `roster check` compares them.
ALTER TABLE enrolments
    ADD COLUMN student_lastname TEXT NOT NULL DEFAULT '',
    ADD COLUMN student_firstname TEXT NOT NULL DEFAULT '';

UPDATE enrolments e SET student_lastname = s.lastname, student_firstname = s.firstname
    FROM students s WHERE s.id = e.student_id;

CREATE INDEX enrolments_student_name_idx
    ON enrolments (course_id, student_lastname, student_firstname, id);

CREATE FUNCTION enrolments_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT lastname, firstname INTO NEW.student_lastname, NEW.student_firstname
        FROM students WHERE id = NEW.student_id FOR SHARE;
    IF NOT FOUND THEN
        -- The foreign key refuses the row, with its own error.
        NEW.student_lastname := '';
        NEW.student_firstname := '';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER enrolments_name BEFORE INSERT OR UPDATE OF student_id ON enrolments
    FOR EACH ROW EXECUTE FUNCTION enrolments_named();

CREATE FUNCTION students_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrolments SET student_lastname = NEW.lastname, student_firstname = NEW.firstname
        WHERE student_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER students_renamed AFTER UPDATE OF firstname, lastname ON students
    FOR EACH ROW
    WHEN (OLD.lastname IS DISTINCT FROM NEW.lastname OR OLD.firstname IS DISTINCT FROM NEW.firstname)
    EXECUTE FUNCTION students_renamed();
