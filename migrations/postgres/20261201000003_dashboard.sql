-- What the dashboard counts, kept current by triggers as record_counts is:
-- how many of each kind's records were added on each day (the records
-- still here, by the day they were added in UTC: an enrolment's is its
-- enrolled_on), and how many enrolments have each grade. The dashboard
-- reads a few hundred of these rows instead of every record.
-- Statement-level triggers with transition tables, as for record_counts.
CREATE TABLE record_days (
    name TEXT   NOT NULL,
    day  DATE   NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (name, day)
);
CREATE TABLE grade_counts (
    grade BIGINT PRIMARY KEY,
    n     BIGINT NOT NULL
);

INSERT INTO record_days (name, day, n)
    SELECT 'students', (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM students GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'courses', (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM courses GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'handlers', (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM handlers GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'pets', (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM pets GROUP BY 2;
INSERT INTO record_days (name, day, n)
    SELECT 'enrolments', enrolled_on, COUNT(*) FROM enrolments GROUP BY 2;
INSERT INTO grade_counts (grade, n)
    SELECT grade, COUNT(*) FROM enrolments WHERE grade IS NOT NULL GROUP BY grade;

-- Rows added or taken away, by day: TG_TABLE_NAME names the kind.
CREATE FUNCTION record_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_days (name, day, n)
        SELECT TG_TABLE_NAME, (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM inserted GROUP BY 2
        ON CONFLICT (name, day) DO UPDATE SET n = record_days.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION record_days_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE record_days k SET n = k.n - d.n
    FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, COUNT(*) AS n FROM deleted GROUP BY 1) d
    WHERE k.name = TG_TABLE_NAME AND k.day = d.day;
    RETURN NULL;
END;
$$;
CREATE TRIGGER students_days_insert AFTER INSERT ON students
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION record_days_inserted();
CREATE TRIGGER students_days_delete AFTER DELETE ON students
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION record_days_deleted();
CREATE TRIGGER courses_days_insert AFTER INSERT ON courses
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION record_days_inserted();
CREATE TRIGGER courses_days_delete AFTER DELETE ON courses
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION record_days_deleted();
CREATE TRIGGER handlers_days_insert AFTER INSERT ON handlers
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION record_days_inserted();
CREATE TRIGGER handlers_days_delete AFTER DELETE ON handlers
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION record_days_deleted();
CREATE TRIGGER pets_days_insert AFTER INSERT ON pets
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION record_days_inserted();
CREATE TRIGGER pets_days_delete AFTER DELETE ON pets
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION record_days_deleted();

-- Enrolments: by enrolled_on, and their grades.
CREATE FUNCTION enrolments_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_days (name, day, n)
        SELECT 'enrolments', enrolled_on, COUNT(*) FROM inserted GROUP BY 2
        ON CONFLICT (name, day) DO UPDATE SET n = record_days.n + excluded.n;
    INSERT INTO grade_counts (grade, n)
        SELECT grade, COUNT(*) FROM inserted WHERE grade IS NOT NULL GROUP BY 1
        ON CONFLICT (grade) DO UPDATE SET n = grade_counts.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION enrolments_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE record_days k SET n = k.n - d.n
    FROM (SELECT enrolled_on AS day, COUNT(*) AS n FROM deleted GROUP BY 1) d
    WHERE k.name = 'enrolments' AND k.day = d.day;
    UPDATE grade_counts k SET n = k.n - d.n
    FROM (SELECT grade, COUNT(*) AS n FROM deleted WHERE grade IS NOT NULL GROUP BY 1) d
    WHERE k.grade = d.grade;
    RETURN NULL;
END;
$$;
-- An update can move a row's day or grade: the rows as they were count
-- out, as they are count in, summed so that each key is written once.
CREATE FUNCTION enrolments_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_days (name, day, n)
        SELECT 'enrolments', day, SUM(n) FROM (
            SELECT enrolled_on AS day, -1 AS n FROM before_rows
            UNION ALL SELECT enrolled_on, 1 FROM after_rows
        ) m GROUP BY day HAVING SUM(n) <> 0
        ON CONFLICT (name, day) DO UPDATE SET n = record_days.n + excluded.n;
    INSERT INTO grade_counts (grade, n)
        SELECT grade, SUM(n) FROM (
            SELECT grade, -1 AS n FROM before_rows WHERE grade IS NOT NULL
            UNION ALL SELECT grade, 1 FROM after_rows WHERE grade IS NOT NULL
        ) m GROUP BY grade HAVING SUM(n) <> 0
        ON CONFLICT (grade) DO UPDATE SET n = grade_counts.n + excluded.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER enrolments_counts_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION enrolments_counts_inserted();
CREATE TRIGGER enrolments_counts_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION enrolments_counts_deleted();
CREATE TRIGGER enrolments_counts_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION enrolments_counts_updated();
