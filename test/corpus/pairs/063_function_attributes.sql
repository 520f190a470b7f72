-- A function's attributes changed: volatility, strictness, SECURITY
-- DEFINER with a pinned search_path, PARALLEL SAFE, COST.
-- From: PostgreSQL docs, "CREATE FUNCTION: Writing SECURITY DEFINER
-- Functions Safely".
-- @a
CREATE TABLE pwds (
    username text PRIMARY KEY,
    pwd text
);
CREATE FUNCTION check_password(uname text, pass text) RETURNS boolean
LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM pwds WHERE username = uname AND pwd = pass);
$$;
CREATE FUNCTION slugify(t text) RETURNS text
LANGUAGE sql AS $$ SELECT lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g')) $$;
-- @b
CREATE TABLE pwds (
    username text PRIMARY KEY,
    pwd text
);
CREATE FUNCTION check_password(uname text, pass text) RETURNS boolean
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM pwds WHERE username = uname AND pwd = pass);
$$;
CREATE FUNCTION slugify(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10 AS $$ SELECT lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g')) $$;
