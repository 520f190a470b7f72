-- A range type added (float8 with a subtype_diff) and a column of it.
-- From: PostgreSQL docs, "8.17.8. Defining New Range Types" (floatrange).
-- @a
CREATE TABLE tolerances (
    part_no text PRIMARY KEY
);
-- @b
CREATE TYPE floatrange AS RANGE (
    subtype = float8,
    subtype_diff = float8mi
);
CREATE TABLE tolerances (
    part_no text PRIMARY KEY,
    allowed floatrange
);
