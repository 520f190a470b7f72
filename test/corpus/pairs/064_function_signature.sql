-- A function's signature changed: a parameter renamed, a default added, and
-- a new return type (which CREATE OR REPLACE cannot do).
-- From: PostgreSQL docs, "38.5.6. SQL Functions with Default Values for
-- Arguments" (foo(a, b DEFAULT 2, c DEFAULT 3)).
-- @a
CREATE FUNCTION foo(a int, b int, c int) RETURNS int
LANGUAGE sql AS $$ SELECT $1 + $2 + $3 $$;
CREATE FUNCTION percent(part numeric, whole numeric) RETURNS integer
LANGUAGE sql AS $$ SELECT (100 * part / whole)::integer $$;
-- @b
CREATE FUNCTION foo(a int, b int DEFAULT 2, c int DEFAULT 3) RETURNS int
LANGUAGE sql AS $$ SELECT $1 + $2 + $3 $$;
CREATE FUNCTION percent(part numeric, total numeric) RETURNS numeric
LANGUAGE sql AS $$ SELECT round(100 * part / total, 2) $$;
