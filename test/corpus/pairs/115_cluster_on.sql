-- CLUSTER ON: the index a table is clustered on is set, and moved to
-- another index.
-- From: PostgreSQL docs, "CLUSTER" and "ALTER TABLE ... CLUSTER ON".
-- @a
CREATE TABLE emp (
    id integer PRIMARY KEY,
    dept integer,
    hired date
);
CREATE INDEX emp_dept ON emp (dept);
CREATE INDEX emp_hired ON emp (hired);
ALTER TABLE emp CLUSTER ON emp_dept;
CREATE TABLE dept (
    id integer PRIMARY KEY
);
-- @b
CREATE TABLE emp (
    id integer PRIMARY KEY,
    dept integer,
    hired date
);
CREATE INDEX emp_dept ON emp (dept);
CREATE INDEX emp_hired ON emp (hired);
ALTER TABLE emp CLUSTER ON emp_hired;
CREATE TABLE dept (
    id integer PRIMARY KEY
);
ALTER TABLE dept CLUSTER ON dept_pkey;
