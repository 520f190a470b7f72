/* sql/migrate--0.1--0.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION migrate UPDATE TO '0.2'" to load this file. \quit

/*
 * 0.2: revision files are read by the extension itself (src/core/revfile.c).
 * Exactly what sql/migrate--0.2.sql has that release 0.1 (tag v0.1) did not;
 * a database updated through this script and one created at 0.2 must be
 * identical (test/t/011_extension_update.pl checks it).
 */

-- migrate_export writes the revision file format now
COMMENT ON FUNCTION @extschema@.migrate_export()
IS 'every revision as a revision file, in apply order';

CREATE FUNCTION @extschema@.migrate_parse_file(name text, content text,
											   previous text DEFAULT NULL)
RETURNS TABLE (id text, message text, revises text[], up text, down text,
			   transactional boolean, merge boolean)
AS 'MODULE_PATHNAME', 'migrate_parse_file'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.migrate_parse_file(text, text, text)
IS 'what a revision file says, its defaults applied (previous: the id of the file before it), without registering it';

CREATE FUNCTION @extschema@.migrate_add_file(name text, content text,
											 previous text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_add_file'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_add_file(text, text, text)
IS 'register the revision a file holds (previous: the id of the file before it in the folder) and return its id';

-- registering is for the extension owner and the roles it grants, as
-- migrate_add is; parsing is for everyone
REVOKE ALL ON FUNCTION @extschema@.migrate_add_file(text, text, text) FROM PUBLIC;

-- 0.2's library writes the model of a view (on 15) and of a grant list as
-- every server version does, so that a fingerprint means the same on all of
-- them (README "PostgreSQL versions"). The expected state 0.1's library
-- saved is rewritten where it differs from the live schema only in that, so
-- the update shows no drift that is not real; real drift is left alone.
CREATE FUNCTION migrate._settle_snapshot()
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_settle_snapshot'
LANGUAGE C VOLATILE;
SELECT migrate._settle_snapshot();
DROP FUNCTION migrate._settle_snapshot();
