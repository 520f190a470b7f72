-- A range type redefined: another subtype_diff and a multirange type
-- name, nothing uses it yet.
-- From: PostgreSQL docs, "CREATE TYPE ... AS RANGE" (multirange_type_name).
-- @a
CREATE FUNCTION time_subtype_diff(x time, y time) RETURNS float8 AS
'SELECT EXTRACT(EPOCH FROM (x - y))' LANGUAGE sql STRICT IMMUTABLE;
CREATE TYPE timerange AS RANGE (
    subtype = time
);
-- @b
CREATE FUNCTION time_subtype_diff(x time, y time) RETURNS float8 AS
'SELECT EXTRACT(EPOCH FROM (x - y))' LANGUAGE sql STRICT IMMUTABLE;
CREATE TYPE timerange AS RANGE (
    subtype = time,
    subtype_diff = time_subtype_diff,
    multirange_type_name = timemultirange
);
