--
-- attack: a role granted the changing functions tries to get the extension
-- owner (a superuser here) to run its code.  After every attempt: the
-- caller is still no superuser, and the spy below never reports the owner.
--
-- regress_mallory's spy says who called it and, called by a superuser,
-- makes regress_mallory one and leaves a file in the data directory (which
-- a rollback does not take back).  It warns "spy called by <role>": a line
-- with regress_mallory is the caller's own code run as the caller (fine);
-- a line with any other role is the hole.
--
SET client_min_messages = warning;
CREATE EXTENSION migrate;
-- CREATEDB: a desired state given as SQL is built in a scratch database,
-- created with the caller's own rights
CREATE ROLE regress_mallory LOGIN CREATEDB;
RESET client_min_messages;
-- the README's deployer recipe, and room to deploy into public
GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[], boolean, text, integer, text[]),
						  migrate_push(text), migrate_downgrade(text),
						  migrate_stamp(text), migrate_diff(text, text),
						  migrate_dev(text, text, text, text, boolean),
						  migrate_verify(text), migrate_plan(text)
	TO regress_mallory;
GRANT CREATE ON SCHEMA public TO regress_mallory;
DO $$ BEGIN
	EXECUTE format('GRANT CREATE ON DATABASE %I TO regress_mallory', current_database());
END $$;
CREATE SCHEMA regress_lair AUTHORIZATION regress_mallory;
-- the schema the changing functions manage below
CREATE SCHEMA regress_stage AUTHORIZATION regress_mallory;
GRANT USAGE ON SCHEMA regress_lair TO PUBLIC;
SET SESSION AUTHORIZATION regress_mallory;
CREATE FUNCTION regress_lair.spy() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE WARNING 'spy called by %', current_user;
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		EXECUTE 'ALTER ROLE regress_mallory SUPERUSER';
		-- a trace that outlives a rollback, as COPY ... TO PROGRAM would
		EXECUTE format('COPY (SELECT 1) TO %L',
					   current_setting('data_directory') || '/regress_attack_trace');
	END IF;
	RETURN true;
END $$;
RESET SESSION AUTHORIZATION;

-- the check after each attempt (outside public, which the diffs manage)
CREATE SCHEMA regress_judge;
CREATE FUNCTION regress_judge.mallory_got_out() RETURNS boolean
LANGUAGE sql AS $$
	SELECT rolsuper OR (pg_stat_file('regress_attack_trace', true)).size IS NOT NULL
	FROM pg_roles WHERE rolname = 'regress_mallory'
$$;

-- a SECURITY DEFINER function of the superuser's, pinned to public as the
-- documentation recommends, calling a helper there
CREATE FUNCTION public.regress_helper() RETURNS text
LANGUAGE sql AS $$ SELECT 'the real helper' $$;
CREATE FUNCTION public.regress_definer() RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT regress_helper() $$;
GRANT EXECUTE ON FUNCTION public.regress_definer() TO PUBLIC;

--
-- 1. The reported attack: managed => 'migrate' would rename the catalog
--    schema and let the caller's views stand in for its tables.  Refused
--    before anything is renamed or run.
--
SET SESSION AUTHORIZATION regress_mallory;
SELECT * FROM migrate_diff($d$
CREATE VIEW revision AS SELECT 'x'::text id, '{}'::text[] parents, 'm'::text message,
  'select 1'::text up_sql, null::text down_sql, 'c'::text checksum, 1::bigint position,
  now() created_at, 'x'::name created_by WHERE regress_lair.spy();
CREATE VIEW applied AS SELECT 'x'::text id, now() applied_at, 'x'::name applied_by,
  null::interval duration WHERE regress_lair.spy();
SELECT count(*) FROM migrate_status();
CREATE TABLE y (i int);
$d$, 'migrate');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_dev('take over', 'CREATE TABLE y (i int)', 'migrate');
\echo :LAST_ERROR_SQLSTATE
-- the other schemas that are never renamed, as managed or as desired
SELECT * FROM migrate_diff('CREATE TABLE y (i int)', 'pg_catalog');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_diff('CREATE TABLE y (i int)', 'information_schema');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_diff('CREATE TABLE y (i int)', 'pg_toast');
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE regress_tmp (i int);
DO $$
BEGIN
	PERFORM * FROM migrate_diff('CREATE TABLE y (i int)',
		(SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
EXCEPTION WHEN OTHERS THEN
	RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, 'pg_temp_\d+', 'pg_temp_N');
END $$;
SELECT * FROM migrate_diff('migrate', 'public');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_diff('pg_catalog', 'public');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
SELECT regress_judge.mallory_got_out();
-- a schema another extension created is refused too
CREATE SCHEMA regress_ext_schema;
ALTER EXTENSION plpgsql ADD SCHEMA regress_ext_schema;
SELECT count(*) FROM migrate_diff('CREATE TABLE y (i int)', 'regress_ext_schema');
\echo :LAST_ERROR_SQLSTATE
ALTER EXTENSION plpgsql DROP SCHEMA regress_ext_schema;
DROP SCHEMA regress_ext_schema;
-- a desired schema is one the caller owns: the renames are the owner's
CREATE SCHEMA regress_app;
SET SESSION AUTHORIZATION regress_mallory;
SELECT * FROM migrate_diff('regress_app', 'public');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

--
-- 2. The same look-alikes where they could work: a desired state for public
--    that builds views, tables with triggers, functions and an operator
--    named like the catalog's objects, and calls the extension meanwhile.
--    It runs in a scratch database of the caller's, where nothing of this
--    database is: the spy is not found, and none of it runs as the owner.
--
SET SESSION AUTHORIZATION regress_mallory;
SELECT up LIKE '%CREATE TABLE public.y%' AS creates_y FROM migrate_diff($d$
CREATE VIEW revision AS SELECT 'x'::text id WHERE regress_lair.spy();
CREATE VIEW applied AS SELECT 'x'::text id WHERE regress_lair.spy();
CREATE TABLE ddl_log (seq bigint, statement text);
CREATE FUNCTION log_spy() RETURNS trigger LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN NEW; END $f$;
CREATE TRIGGER log_spy BEFORE INSERT ON ddl_log FOR EACH ROW EXECUTE FUNCTION log_spy();
CREATE TABLE history (LIKE ddl_log);
CREATE TRIGGER log_spy BEFORE INSERT ON history FOR EACH ROW EXECUTE FUNCTION log_spy();
CREATE FUNCTION now() RETURNS timestamptz LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN pg_catalog.now(); END $f$;
CREATE FUNCTION text_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN pg_catalog.texteq(a, b); END $f$;
CREATE OPERATOR = (leftarg = text, rightarg = text, function = text_eq);
SELECT count(*) FROM migrate_status();
SELECT count(*) FROM migrate_history();
CREATE TABLE y (i int);
$d$);
RESET SESSION AUTHORIZATION;
SELECT regress_judge.mallory_got_out();

--
-- 3. A SECURITY DEFINER function pinned to search_path = public: the
--    desired state's SQL never runs in this database, so it cannot even
--    call the function.  (When the live schema was renamed while that SQL
--    ran, the caller's regress_helper() ran as the superuser.)
--
SET SESSION AUTHORIZATION regress_mallory;
SELECT up LIKE '%CREATE TABLE public.y%' AS creates_y FROM migrate_diff($d$
CREATE FUNCTION regress_helper() RETURNS text LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN 'the fake helper'; END $f$;
CREATE TABLE y AS SELECT regress_definer() AS said;
DO $do$ BEGIN RAISE NOTICE 'the definer said: %', regress_definer(); END $do$;
$d$);
RESET SESSION AUTHORIZATION;
SELECT regress_judge.mallory_got_out();
DROP FUNCTION public.regress_definer(), public.regress_helper();

--
-- 4. pg_temp first in search_path, with temporary look-alikes of the
--    catalog's tables; then the other look-alikes in a schema of the
--    caller's before pg_catalog.  Every function of the extension, looking
--    and changing, reaches its own catalog only.
--
SET SESSION AUTHORIZATION regress_mallory;
CREATE TEMP VIEW revision AS SELECT 'x'::text id WHERE regress_lair.spy();
CREATE TEMP VIEW applied AS SELECT 'x'::text id WHERE regress_lair.spy();
CREATE TEMP TABLE ddl_log (seq bigint);
CREATE TEMP TABLE snapshot (fingerprint text);
CREATE FUNCTION regress_lair.now() RETURNS timestamptz LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN pg_catalog.now(); END $f$;
CREATE FUNCTION regress_lair.text_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN pg_catalog.texteq(a, b); END $f$;
CREATE OPERATOR regress_lair.= (leftarg = text, rightarg = text,
								function = regress_lair.text_eq);
SET search_path = pg_temp, regress_lair, pg_catalog, public;
SET client_min_messages = warning;
SELECT migrate_add('create widgets', 'CREATE TABLE regress_stage.widgets (id int)',
				   'DROP TABLE regress_stage.widgets', id => 'w1');
SELECT revision FROM public.migrate_push();
SELECT count(*) FROM public.migrate_status();
SELECT count(*) FROM public.migrate_history();
SELECT count(*) FROM public.migrate_current();
SELECT count(*) FROM public.migrate_heads();
SELECT revision FROM public.migrate_show('w1');
SELECT count(*) FROM public.migrate_drift();
SELECT public.migrate_check();
SELECT length(public.migrate_fingerprint());
SELECT count(*) FROM public.migrate_export();
SELECT length(public.migrate_script('base')) > 0;
SELECT count(*) > 0 AS logged FROM public.migrate_ddl_log();
SELECT revision FROM public.migrate_downgrade();
SELECT revision, ok FROM public.migrate_verify();
SELECT revision, action FROM public.migrate_stamp('w1');
SELECT changes FROM public.migrate_diff('CREATE TABLE widgets (id int, name text)',
										'regress_stage');
SELECT public.migrate_dev('name widgets', 'CREATE TABLE widgets (id int, name text)',
						  'regress_stage', 'w2') IS NOT NULL AS registered;
RESET client_min_messages;
RESET search_path;
DROP VIEW pg_temp.revision, pg_temp.applied;
DROP TABLE pg_temp.ddl_log, pg_temp.snapshot, pg_temp.regress_tmp;
RESET SESSION AUTHORIZATION;
SELECT regress_judge.mallory_got_out();

--
-- 5. A desired state that creates a schema named like the extension's
--    catalog, or renames it, or reaches past its own schema
--
-- without CREATEDB there is no scratch database: refused before anything
-- runs
ALTER ROLE regress_mallory NOCREATEDB;
SET SESSION AUTHORIZATION regress_mallory;
SELECT * FROM migrate_diff('CREATE TABLE t (i int)');
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
ALTER ROLE regress_mallory CREATEDB;
SET SESSION AUTHORIZATION regress_mallory;
-- the catalog's name in the desired state is refused
SELECT * FROM migrate_diff('CREATE SCHEMA migrate; CREATE TABLE migrate.revision (id text)');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_diff('ALTER SCHEMA migrate RENAME TO elsewhere');
\echo :LAST_ERROR_SQLSTATE
-- what the SQL builds lands in the scratch database, never here: a table
-- created through EXECUTE, or after a SET search_path, is one more table of
-- the desired state, which only the migration would create
SELECT up LIKE '%CREATE TABLE regress_stage.sneaky%' AS sneaky_desired,
	   to_regclass('regress_stage.sneaky') IS NULL AS not_here
FROM migrate_diff($d$
CREATE TABLE widgets (id int, name text);
DO $do$ BEGIN EXECUTE 'CREATE TABLE regress_stage.sneaky (i int)'; END $do$;
$d$, 'regress_stage');
SELECT up LIKE '%CREATE TABLE regress_stage.gadgets%' AS gadgets_desired,
	   to_regclass('regress_stage.gadgets') IS NULL AS not_here
FROM migrate_diff('SET search_path = regress_stage; CREATE TABLE gadgets (id int)',
				  'regress_stage');
-- migrate_verify and migrate_plan (the dry run) run a pending revision's
-- scripts as the caller
SELECT migrate_add('look around', $up$
CREATE VIEW regress_stage.revision AS SELECT 'x'::text id WHERE regress_lair.spy();
SELECT count(*) FROM migrate_status();
$up$, 'DROP VIEW regress_stage.revision', id => 'w3');
SELECT revision, ok FROM migrate_verify();
SELECT revision, statement, command FROM migrate_plan();
RESET SESSION AUTHORIZATION;
SELECT regress_judge.mallory_got_out();
SELECT to_regclass('regress_stage.sneaky') AS sneaky,
	   to_regclass('regress_stage.gadgets') AS gadgets;
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'migrate%' ORDER BY 1;

--
-- 6. Keeping DDL out of the log.  A restore's DDL is not logged, but the
--    signs of a restore are settings any role can set: for a role that is
--    not a superuser they mean nothing.  A transaction made read-only
--    after its DDL still gets its rows.
--
SET SESSION AUTHORIZATION regress_mallory;
SET check_function_bodies = off;
CREATE TABLE regress_stage.hidden1 (i int);
RESET check_function_bodies;
SET application_name = 'pg_restore';
CREATE TABLE regress_stage.hidden2 (i int);
RESET application_name;
BEGIN;
CREATE TABLE regress_stage.hidden3 (i int);
SET TRANSACTION READ ONLY;
COMMIT;
RESET SESSION AUTHORIZATION;
SELECT object_identity, run_by, statement FROM migrate_ddl_log()
WHERE object_identity LIKE 'regress_stage.hidden%' AND command_tag = 'CREATE TABLE'
ORDER BY seq;

--
-- 7. A statement the log cannot know is logged as unknown, not guessed:
--    in a new session the first DDL loads the library from inside a DO
--    block, and the query holds another statement of the same kind
--
\c
SET client_min_messages = warning;
DO $$BEGIN EXECUTE 'CREATE TABLE regress_stage.forged (i int)'; END$$ \; CREATE TABLE IF NOT EXISTS regress_stage.forged (i int, note text DEFAULT 'forged');
RESET client_min_messages;
SELECT command_tag, object_identity, statement IS NULL AS statement_unknown
FROM migrate_ddl_log() WHERE object_identity = 'regress_stage.forged';
-- and adopting it is refused rather than made from the wrong text
SELECT migrate_adopt('adopt what happened');
\echo :LAST_ERROR_SQLSTATE

--
-- 8. A name with a line break cannot leave the comment a generated script
--    gives each step: the superuser's diff of a schema the caller can
--    create in runs none of the caller's code
--
SET SESSION AUTHORIZATION regress_mallory;
CREATE FUNCTION regress_stage."f
SELECT regress_lair.spy();--"() RETURNS int LANGUAGE sql AS 'SELECT 1';
RESET SESSION AUTHORIZATION;
-- (the proof runs the script as the superuser: no spy warning may appear)
SELECT ok FROM migrate_diff('CREATE TABLE widgets (id int, name text)', 'regress_stage');
SELECT regress_judge.mallory_got_out();

--
-- 9. Rows kept for the log and the history stay kept until their own
--    level writes them: a savepoint rolled back after a read of the
--    catalog, or a script's exception block, erases none of them
--
SET SESSION AUTHORIZATION regress_mallory;
BEGIN;
CREATE TABLE regress_stage.kept_sp (i int);
SAVEPOINT s;
SELECT count(*) > 0 AS read FROM migrate_status();
ROLLBACK TO s;
COMMIT;
SET client_min_messages = warning;
SELECT migrate_add('erase me', 'CREATE TABLE regress_stage.erase_me (i int)', id => 'e1');
SELECT migrate_add('erase the record', $s$CREATE TABLE regress_stage.e2 (i int);
DO $$BEGIN PERFORM count(*) FROM migrate_status(); RAISE EXCEPTION 'x';
EXCEPTION WHEN others THEN NULL; END$$;$s$, id => 'e2');
SELECT revision FROM migrate_push();
RESET client_min_messages;
RESET SESSION AUTHORIZATION;
SELECT object_identity FROM migrate_ddl_log()
WHERE object_identity IN ('regress_stage.kept_sp', 'regress_stage.erase_me', 'regress_stage.e2')
ORDER BY seq;
SELECT revision, state FROM migrate_status() WHERE revision IN ('e1', 'e2');
SELECT revision, action FROM migrate_history() WHERE revision IN ('e1', 'e2') ORDER BY seq;

--
-- 10. The desired state's workers run the SQL with the caller's rights, not
--     its session user's: a superuser who calls regress_mallory's SECURITY
--     DEFINER function, or whose REFRESH (or autovacuum's ANALYZE) runs
--     regress_mallory's code, lends no superuser to the scratch database
--
SET SESSION AUTHORIZATION regress_mallory;
CREATE FUNCTION regress_lair.lure(sql text) RETURNS bigint
LANGUAGE sql SECURITY DEFINER AS $$ SELECT changes FROM public.migrate_diff(sql) $$;
CREATE FUNCTION regress_lair.lure_volatile() RETURNS bigint
LANGUAGE sql AS $$ SELECT changes FROM public.migrate_diff('CREATE TABLE t (i int)') $$;
CREATE MATERIALIZED VIEW regress_lair.mv AS SELECT regress_lair.lure_volatile() WITH NO DATA;
RESET SESSION AUTHORIZATION;
-- the SQL says whether it runs as a superuser: in the definer's function it
-- runs as regress_mallory, and cannot go back to the superuser
\set whoami 'DO $do$BEGIN RAISE EXCEPTION ''superuser: %'', (SELECT rolsuper FROM pg_roles WHERE rolname = current_user); END $do$'
SELECT regress_lair.lure(:'whoami');
SELECT regress_lair.lure('RESET ROLE; ' || :'whoami');
SELECT regress_lair.lure('SET ROLE NONE; ' || :'whoami');
SELECT regress_lair.lure('SET SESSION AUTHORIZATION DEFAULT; ' || :'whoami');
-- (the caller's own SET ROLE is the caller's: the SQL may take it back)
SET ROLE regress_mallory;
SELECT count(*) FROM migrate_diff('RESET ROLE; ' || :'whoami');
RESET ROLE;
REFRESH MATERIALIZED VIEW regress_lair.mv;
SELECT regress_judge.mallory_got_out();
-- no one else can connect to the scratch database while the SQL runs, to
-- read what it builds or to keep it from being dropped
SELECT count(*) FROM migrate_diff($d$DO $do$BEGIN
	RAISE EXCEPTION 'the scratch database takes connections: %',
		(SELECT datallowconn FROM pg_database WHERE datname = current_database());
END $do$$d$);

--
-- 11. Rows the catalog stores as the owner without SQL (catalog/direct.c):
--     the DDL log of out-of-band DDL, in autocommit and in a transaction,
--     and a push's applied and history rows.  Look-alikes of those tables
--     in pg_temp and in a schema of the caller's, first in search_path,
--     each with a trigger that calls the spy, receive nothing: the rows go
--     to the extension's own tables, found by OID.
--
SET SESSION AUTHORIZATION regress_mallory;
CREATE FUNCTION regress_lair.row_spy() RETURNS trigger LANGUAGE plpgsql
  AS $f$ BEGIN PERFORM regress_lair.spy(); RETURN NEW; END $f$;
CREATE TABLE regress_lair.ddl_log (seq bigint, statement text, id text);
CREATE TABLE regress_lair.history (LIKE regress_lair.ddl_log);
CREATE TABLE regress_lair.applied (LIKE regress_lair.ddl_log);
CREATE TEMP TABLE ddl_log (LIKE regress_lair.ddl_log);
CREATE TEMP TABLE history (LIKE regress_lair.ddl_log);
CREATE TEMP TABLE applied (LIKE regress_lair.ddl_log);
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['ddl_log', 'history', 'applied'] LOOP
		EXECUTE format('CREATE TRIGGER row_spy BEFORE INSERT ON regress_lair.%I'
					   ' FOR EACH ROW EXECUTE FUNCTION regress_lair.row_spy()', t);
		EXECUTE format('CREATE TRIGGER row_spy BEFORE INSERT ON pg_temp.%I'
					   ' FOR EACH ROW EXECUTE FUNCTION regress_lair.row_spy()', t);
	END LOOP;
END $$;
SET search_path = pg_temp, regress_lair, pg_catalog, public;
CREATE TABLE regress_stage.direct_a (i int);
BEGIN;
CREATE TABLE regress_stage.direct_b (i int);
CREATE VIEW regress_stage.direct_c AS SELECT 1 AS one;
COMMIT;
SELECT public.migrate_add('direct rows', 'CREATE TABLE regress_stage.direct_d (i int)',
						  'DROP TABLE regress_stage.direct_d', id => 'd1',
						  revises => (SELECT pg_catalog.array_agg(revision)
									  FROM public.migrate_heads()));
SET client_min_messages = warning;
SELECT revision FROM public.migrate_push('d1');
RESET client_min_messages;
SELECT (SELECT pg_catalog.count(*) FROM pg_temp.ddl_log) +
	   (SELECT pg_catalog.count(*) FROM pg_temp.history) +
	   (SELECT pg_catalog.count(*) FROM pg_temp.applied) +
	   (SELECT pg_catalog.count(*) FROM regress_lair.ddl_log) +
	   (SELECT pg_catalog.count(*) FROM regress_lair.history) +
	   (SELECT pg_catalog.count(*) FROM regress_lair.applied) AS look_alike_rows;
RESET search_path;
DROP TABLE pg_temp.ddl_log, pg_temp.history, pg_temp.applied;
RESET SESSION AUTHORIZATION;
SELECT object_identity, run_by, revision, statement FROM migrate_ddl_log()
WHERE object_identity LIKE 'regress_stage.direct%' ORDER BY seq;
SELECT revision, action, run_by FROM migrate_history() WHERE revision = 'd1';
SELECT revision, state FROM migrate_status() WHERE revision = 'd1';
SELECT regress_judge.mallory_got_out();

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_lair CASCADE;
DROP SCHEMA regress_app CASCADE;
DROP SCHEMA regress_stage CASCADE;
DO $$ BEGIN
	EXECUTE format('REVOKE CREATE ON DATABASE %I FROM regress_mallory', current_database());
END $$;
DROP SCHEMA regress_judge CASCADE;
DROP EXTENSION migrate;
REVOKE CREATE ON SCHEMA public FROM regress_mallory;
DROP ROLE regress_mallory;
RESET client_min_messages;
