-- EXECUTE revoked from PUBLIC on a function and granted to a role; a
-- procedure granted too.
-- From: PostgreSQL docs, "CREATE FUNCTION: Writing SECURITY DEFINER
-- Functions Safely" (REVOKE ALL ON FUNCTION ... FROM PUBLIC).
-- @a
CREATE FUNCTION reset_counters() RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE PROCEDURE rotate_keys() LANGUAGE sql AS $$ SELECT 1 $$;
-- @b
CREATE FUNCTION reset_counters() RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE PROCEDURE rotate_keys() LANGUAGE sql AS $$ SELECT 1 $$;
REVOKE ALL ON FUNCTION reset_counters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reset_counters() TO app_admin;
REVOKE EXECUTE ON PROCEDURE rotate_keys() FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE rotate_keys() TO app_service;
