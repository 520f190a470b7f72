-- Three new tables that reference each other (and an existing one), so the
-- generated script must create them, and drop them, in an order their
-- foreign keys allow.
-- From: a school application adding courses, enrolments and grades.
-- @a
CREATE TABLE students (
    id integer PRIMARY KEY,
    full_name text NOT NULL
);
-- @b
CREATE TABLE students (
    id integer PRIMARY KEY,
    full_name text NOT NULL
);
CREATE TABLE courses (
    code text PRIMARY KEY,
    title text NOT NULL,
    prerequisite text REFERENCES courses (code)
);
CREATE TABLE enrolments (
    student_id integer NOT NULL REFERENCES students (id),
    course_code text NOT NULL REFERENCES courses (code),
    enrolled_on date NOT NULL DEFAULT current_date,
    PRIMARY KEY (student_id, course_code)
);
CREATE TABLE grades (
    student_id integer NOT NULL,
    course_code text NOT NULL,
    grade numeric(3,1) CHECK (grade BETWEEN 0 AND 20),
    FOREIGN KEY (student_id, course_code) REFERENCES enrolments (student_id, course_code) ON DELETE CASCADE
);
