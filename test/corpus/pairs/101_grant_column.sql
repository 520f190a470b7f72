-- Column privileges: SELECT on some columns only, UPDATE of one column,
-- next to a table-level grant.
-- From: PostgreSQL docs, "5.7. Privileges" (column privileges) and "GRANT
-- ... (column_name)".
-- @a
CREATE TABLE employees (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text,
    salary numeric
);
GRANT SELECT (id, name) ON employees TO app_reader;
-- @b
CREATE TABLE employees (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text,
    salary numeric
);
GRANT SELECT (id, name, email) ON employees TO app_reader;
GRANT UPDATE (email) ON employees TO app_writer;
GRANT SELECT ON employees TO app_admin;
GRANT REFERENCES (id) ON employees TO app_service;
