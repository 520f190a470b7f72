-- Overloaded functions: a variant added under the same name, one whose
-- argument types change (a drop and a create), one left alone.
-- From: PostgreSQL docs, "38.6. Function Overloading".
-- @a
CREATE FUNCTION surface(r double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * r * r $$;
CREATE FUNCTION surface(w integer, h integer) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT w * h $$;
-- @b
CREATE FUNCTION surface(r double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * r * r $$;
CREATE FUNCTION surface(w numeric, h numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT w * h $$;
CREATE FUNCTION surface(w numeric, h numeric, d numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT 2 * (w * h + h * d + w * d) $$;
