-- The unfiltered list shows how many students there are. COUNT(*) reads
-- every row (milliseconds at 100,000 students, on every page view); this
-- one-row table keeps the figure current instead. Existing rows are counted
-- once here.
CREATE TABLE student_count (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    total INTEGER NOT NULL
);
INSERT INTO student_count (id, total) SELECT 1, COUNT(*) FROM students;

CREATE TRIGGER students_count_insert AFTER INSERT ON students
BEGIN
    UPDATE student_count SET total = total + 1 WHERE id = 1;
END;

CREATE TRIGGER students_count_delete AFTER DELETE ON students
BEGIN
    UPDATE student_count SET total = total - 1 WHERE id = 1;
END;
