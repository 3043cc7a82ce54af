-- What the dashboard counts, kept current by triggers as record_counts is:
-- how many of each kind's records were added on each day (the records
-- still here, by the day they were added: an enrolment's is its
-- enrolled_on), and how many enrolments have each grade. The dashboard
-- reads a few hundred of these rows instead of every record.
CREATE TABLE record_days (
    name TEXT    NOT NULL,
    day  TEXT    NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (name, day)
) WITHOUT ROWID;
CREATE TABLE grade_counts (
    grade INTEGER PRIMARY KEY,
    n     INTEGER NOT NULL
);

INSERT INTO record_days (name, day, n)
    SELECT 'students', substr(created_at, 1, 10), COUNT(*) FROM students GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'courses', substr(created_at, 1, 10), COUNT(*) FROM courses GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'handlers', substr(created_at, 1, 10), COUNT(*) FROM handlers GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'pets', substr(created_at, 1, 10), COUNT(*) FROM pets GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'enrolments', enrolled_on, COUNT(*) FROM enrolments GROUP BY 2;
INSERT INTO grade_counts (grade, n)
    SELECT grade, COUNT(*) FROM enrolments WHERE grade IS NOT NULL GROUP BY grade;

CREATE TRIGGER students_days_insert AFTER INSERT ON students BEGIN
    INSERT INTO record_days (name, day, n) VALUES ('students', substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER students_days_delete AFTER DELETE ON students BEGIN
    UPDATE record_days SET n = n - 1
        WHERE name = 'students' AND day = substr(OLD.created_at, 1, 10);
END;
CREATE TRIGGER courses_days_insert AFTER INSERT ON courses BEGIN
    INSERT INTO record_days (name, day, n) VALUES ('courses', substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER courses_days_delete AFTER DELETE ON courses BEGIN
    UPDATE record_days SET n = n - 1
        WHERE name = 'courses' AND day = substr(OLD.created_at, 1, 10);
END;
CREATE TRIGGER handlers_days_insert AFTER INSERT ON handlers BEGIN
    INSERT INTO record_days (name, day, n) VALUES ('handlers', substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER handlers_days_delete AFTER DELETE ON handlers BEGIN
    UPDATE record_days SET n = n - 1
        WHERE name = 'handlers' AND day = substr(OLD.created_at, 1, 10);
END;
CREATE TRIGGER pets_days_insert AFTER INSERT ON pets BEGIN
    INSERT INTO record_days (name, day, n) VALUES ('pets', substr(NEW.created_at, 1, 10), 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pets_days_delete AFTER DELETE ON pets BEGIN
    UPDATE record_days SET n = n - 1
        WHERE name = 'pets' AND day = substr(OLD.created_at, 1, 10);
END;

CREATE TRIGGER enrolments_days_insert AFTER INSERT ON enrolments BEGIN
    INSERT INTO record_days (name, day, n) VALUES ('enrolments', NEW.enrolled_on, 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
    INSERT INTO grade_counts (grade, n) SELECT NEW.grade, 1 WHERE NEW.grade IS NOT NULL
        ON CONFLICT (grade) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER enrolments_days_delete AFTER DELETE ON enrolments BEGIN
    UPDATE record_days SET n = n - 1 WHERE name = 'enrolments' AND day = OLD.enrolled_on;
    UPDATE grade_counts SET n = n - 1 WHERE grade = OLD.grade;
END;
CREATE TRIGGER enrolments_grade_update AFTER UPDATE OF grade ON enrolments
    WHEN OLD.grade IS NOT NEW.grade
BEGIN
    UPDATE grade_counts SET n = n - 1 WHERE grade = OLD.grade;
    INSERT INTO grade_counts (grade, n) SELECT NEW.grade, 1 WHERE NEW.grade IS NOT NULL
        ON CONFLICT (grade) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER enrolments_day_update AFTER UPDATE OF enrolled_on ON enrolments
    WHEN OLD.enrolled_on IS NOT NEW.enrolled_on
BEGIN
    UPDATE record_days SET n = n - 1 WHERE name = 'enrolments' AND day = OLD.enrolled_on;
    INSERT INTO record_days (name, day, n) VALUES ('enrolments', NEW.enrolled_on, 1)
        ON CONFLICT (name, day) DO UPDATE SET n = n + 1;
END;
