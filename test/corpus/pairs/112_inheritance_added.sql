-- Table inheritance added: a table made a child of another (ALTER TABLE ...
-- INHERIT), and a new child table.
-- From: PostgreSQL docs, "5.10. Inheritance" (cities and capitals).
-- @a
CREATE TABLE cities (
    name text,
    population float,
    elevation int
);
CREATE TABLE capitals (
    name text,
    population float,
    elevation int,
    state char(2)
);
-- @b
CREATE TABLE cities (
    name text,
    population float,
    elevation int
);
CREATE TABLE capitals (
    state char(2)
) INHERITS (cities);
CREATE TABLE villages (
    mayor text
) INHERITS (cities);
