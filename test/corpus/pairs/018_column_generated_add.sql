-- A stored generated column added.
-- From: PostgreSQL docs, "5.4. Generated Columns" (height in inches from
-- centimetres).
-- @a
CREATE TABLE people (
    id integer PRIMARY KEY,
    height_cm numeric
);
-- @b
CREATE TABLE people (
    id integer PRIMARY KEY,
    height_cm numeric,
    height_in numeric GENERATED ALWAYS AS (height_cm / 2.54) STORED
);
