-- Expression indexes: lower(), a concatenation, and a date_trunc on a
-- timestamp.
-- From: PostgreSQL docs, "11.7. Indexes on Expressions".
-- @a
CREATE TABLE people (
    id integer PRIMARY KEY,
    first_name text,
    last_name text,
    email text,
    created_at timestamp
);
-- @b
CREATE TABLE people (
    id integer PRIMARY KEY,
    first_name text,
    last_name text,
    email text,
    created_at timestamp
);
CREATE UNIQUE INDEX people_email_lower ON people (lower(email));
CREATE INDEX people_names ON people ((first_name || ' ' || last_name));
CREATE INDEX people_created_day ON people (date_trunc('day', created_at));
