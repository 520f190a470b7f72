--
-- guard: what migrate.guard does to DDL run outside a migration, the ways
-- out for a superuser, a logger that never stops DDL by its own failure, and
-- a log that cannot be forged
--
-- (lint warnings at registration are suite lint's subject, not this one's)
SET migrate.lint = off;
CREATE EXTENSION migrate;
-- load the library: statements log their own text, migrate.guard is known
SELECT count(*) FROM migrate_status();

CREATE SCHEMA regress_guard;
SET search_path = regress_guard, public;
CREATE ROLE regress_guard_user;
GRANT USAGE, CREATE ON SCHEMA regress_guard TO regress_guard_user;

-- the log rows since the last mark: SELECT ... \gset the mark, then :logged
SELECT coalesce(max(seq), 0) AS mark FROM migrate_ddl_log() \gset
\set logged 'SELECT command_tag, object_identity, dropped, statement, revision FROM migrate_ddl_log() WHERE seq > :mark ORDER BY seq;'
\set mark_now 'SELECT coalesce(max(seq), 0) AS mark FROM migrate_ddl_log() \\gset'

--
-- The setting: superuser only, log by default
--
SHOW migrate.guard;
SELECT boot_val, context FROM pg_settings WHERE name = 'migrate.guard';
SET migrate.guard = 'refuse';
\echo :LAST_ERROR_SQLSTATE
SET SESSION AUTHORIZATION regress_guard_user;
SET migrate.guard = off;
\echo :LAST_ERROR_SQLSTATE
SELECT set_config('migrate.guard', 'off', false);
\echo :LAST_ERROR_SQLSTATE
SHOW migrate.guard;
RESET SESSION AUTHORIZATION;
-- "inside a migration" is not a setting
SET migrate.in_migration = on;
\echo :LAST_ERROR_SQLSTATE

--
-- off: nothing is logged
--
SET migrate.guard = off;
CREATE TABLE g_off (i int);
DROP TABLE g_off;
:logged

--
-- log: logged, silently
--
SET migrate.guard = log;
CREATE TABLE g_log (i int);
CREATE MATERIALIZED VIEW g_mv AS SELECT 1 AS x;
:logged
:mark_now

--
-- warn: logged, with a WARNING naming the object and the way to make it a
-- migration
--
SET migrate.guard = warn;
CREATE TABLE g_warn (i int);
DROP TABLE g_log;
SET SESSION AUTHORIZATION regress_guard_user;
CREATE TABLE g_user (i int);
RESET SESSION AUTHORIZATION;
:logged
:mark_now

--
-- error: refused, the object is not there, nothing is logged
--
SET migrate.guard = error;
CREATE TABLE g_error (i int);
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('regress_guard.g_error') AS g_error;
ALTER TABLE g_warn ADD COLUMN j int;
\echo :LAST_ERROR_SQLSTATE
-- drops too
DROP TABLE g_warn;
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('regress_guard.g_warn') AS g_warn;
-- for every role
SET SESSION AUTHORIZATION regress_guard_user;
CREATE TABLE g_user2 (i int);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE g_user;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- inside a function or a DO block too
DO $$ BEGIN CREATE TABLE g_do (i int); END $$;
\echo :LAST_ERROR_SQLSTATE
:logged

-- what changes no schema passes, unlogged: temporary objects, refreshing a
-- materialized view, a statement that finds nothing to do
CREATE TEMP TABLE g_temp (i int);
DROP TABLE g_temp;
REFRESH MATERIALIZED VIEW g_mv;
CREATE TABLE IF NOT EXISTS g_warn (i int);
DROP TABLE IF EXISTS g_none;
:logged

-- inside a migration the DDL runs and is logged with the revision
SELECT migrate_add('create g_migrated', 'CREATE TABLE g_migrated (i int PRIMARY KEY)',
				   'DROP TABLE g_migrated', id => 'g1');
SELECT migrate_add('drop g_warn', 'DROP TABLE g_warn', 'CREATE TABLE g_warn (i int)', id => 'g2');
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
:logged
:mark_now

-- a session cannot look like a migration: not by its application name, not
-- in the transaction of a push, not after a failed push
SET application_name = 'migrate';
CREATE TABLE g_fake (i int);
\echo :LAST_ERROR_SQLSTATE
RESET application_name;
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT revision FROM migrate_downgrade('-1');
CREATE TABLE g_fake (i int);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT migrate_add('fails', 'CREATE TABLE g_fails (i int); SELECT 1/0', id => 'g3');
BEGIN;
SAVEPOINT before_push;
SELECT revision FROM migrate_push();
ROLLBACK TO SAVEPOINT before_push;
CREATE TABLE g_fake (i int);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT to_regclass('regress_guard.g_fake') AS g_fake;
:logged

--
-- A failure of the logger itself is a WARNING and the DDL goes on; only the
-- error guard refuses
--
SET migrate.guard = log;
ALTER TABLE migrate.ddl_log ADD CONSTRAINT regress_no_rows CHECK (false) NOT VALID;
CREATE TABLE g_unlogged (i int);
SELECT to_regclass('regress_guard.g_unlogged') AS g_unlogged;
SET migrate.guard = error;
\set VERBOSITY terse
CREATE TABLE g_unlogged2 (i int);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT to_regclass('regress_guard.g_unlogged2') AS g_unlogged2;
SET migrate.guard = log;
-- inside a migration the log row is part of the revision's record, like its
-- history row: a failure to write it fails the revision, and the push
SELECT migrate_add('logged or nothing', 'CREATE TABLE regress_guard.g_pushed (i int)',
				   id => 'g_log', revises => '{}') IS NOT NULL AS registered;
\set VERBOSITY terse
SELECT count(*) FROM migrate_push('g_log');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT to_regclass('regress_guard.g_pushed') AS g_pushed,
	   (SELECT state FROM migrate_status() WHERE revision = 'g_log') AS state;
ALTER TABLE migrate.ddl_log DROP CONSTRAINT regress_no_rows;
:logged
:mark_now

--
-- Ways out for a superuser under guard = error
--
SET migrate.guard = error;

-- the setting, for the session
SET migrate.guard = off;
CREATE TABLE g_hatch1 (i int);
SET migrate.guard = error;

-- the event triggers, for everyone (until enabled again)
ALTER EVENT TRIGGER migrate_ddl_command_end DISABLE;
CREATE TABLE g_hatch2 (i int);
-- drops are guarded by the other trigger
DROP TABLE g_hatch2;
\echo :LAST_ERROR_SQLSTATE
ALTER EVENT TRIGGER migrate_sql_drop DISABLE;
DROP TABLE g_hatch2;
ALTER EVENT TRIGGER migrate_ddl_command_end ENABLE;
ALTER EVENT TRIGGER migrate_sql_drop ENABLE;
SELECT evtname, evtenabled FROM pg_event_trigger ORDER BY evtname;
CREATE TABLE g_hatch3 (i int);
\echo :LAST_ERROR_SQLSTATE

-- replication role replica: event triggers do not fire, nothing is logged
SET session_replication_role = replica;
CREATE TABLE g_hatch4 (i int);
DROP TABLE g_hatch4;
RESET session_replication_role;
SELECT to_regclass('regress_guard.g_hatch1') AS g_hatch1,
	   to_regclass('regress_guard.g_hatch3') AS g_hatch3;
:logged

--
-- Forgery
--
SET migrate.guard = log;

-- a plain role cannot write the log
SET SESSION AUTHORIZATION regress_guard_user;
INSERT INTO migrate.ddl_log (run_by, command_tag) VALUES ('postgres', 'CREATE TABLE');
\echo :LAST_ERROR_SQLSTATE
UPDATE migrate.ddl_log SET revision = 'g1';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM migrate.ddl_log;
\echo :LAST_ERROR_SQLSTATE
-- nor call the trigger functions
SELECT migrate._ddl_command_end();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

-- look-alikes of what the log writer uses, in a schema searched before
-- pg_catalog: each raises an error if it is ever called
CREATE SCHEMA regress_evil;
GRANT USAGE ON SCHEMA regress_evil TO PUBLIC;
CREATE FUNCTION regress_evil.trap(fn text) RETURNS void LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'look-alike % was called', fn; END $$;
CREATE FUNCTION regress_evil.current_setting(text) RETURNS text LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('current_setting'); RETURN 'forged'; END $$;
CREATE FUNCTION regress_evil.pg_current_xact_id() RETURNS xid8 LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('pg_current_xact_id'); RETURN '1'; END $$;
CREATE FUNCTION regress_evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('clock_timestamp'); RETURN 'epoch'; END $$;
CREATE FUNCTION regress_evil.nextval(regclass) RETURNS bigint LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('nextval'); RETURN 1; END $$;
CREATE FUNCTION regress_evil.pg_event_trigger_ddl_commands()
RETURNS TABLE (command_tag text, object_type text, schema_name text,
			   object_identity text, in_extension boolean)
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('pg_event_trigger_ddl_commands'); END $$;
CREATE FUNCTION regress_evil.pg_event_trigger_dropped_objects()
RETURNS TABLE (object_type text, object_identity text, schema_name text,
			   original boolean, normal boolean, is_temporary boolean)
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('pg_event_trigger_dropped_objects'); END $$;
CREATE FUNCTION regress_evil.text_not_match(text, text) RETURNS boolean LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.trap('!~'); RETURN true; END $$;
CREATE OPERATOR regress_evil.!~ (leftarg = text, rightarg = text,
								 function = regress_evil.text_not_match);
:mark_now

-- the traps are live for whoever calls them by their bare names
SET search_path = regress_evil, pg_catalog, regress_guard;
\set VERBOSITY terse
SELECT current_setting('application_name');
SELECT 'a' !~ 'b';
\set VERBOSITY default

-- the log writer calls none of them, for a plain role's DDL
SET SESSION AUTHORIZATION regress_guard_user;
SET search_path = regress_evil, pg_catalog, regress_guard;
CREATE TABLE regress_guard.g_evil (id int PRIMARY KEY);
ALTER TABLE regress_guard.g_evil ADD COLUMN note text;
DROP TABLE regress_guard.g_evil;
RESET SESSION AUTHORIZATION;
-- nor for a migration's
SET search_path = regress_evil, pg_catalog, regress_guard, public;
SELECT migrate_add('evil path', 'CREATE TABLE regress_guard.g_evil_mig (i int); DROP TABLE regress_guard.g_evil_mig',
				   id => 'g4', revises => ARRAY['g2']);
SET client_min_messages = warning;
SELECT revision FROM migrate_push('g4');
RESET client_min_messages;
SET search_path = regress_guard, public;
SELECT command_tag, object_identity, dropped, statement, revision,
	   application_name = current_setting('application_name') AS app, xid IS NOT NULL AS xid
  FROM migrate_ddl_log() WHERE seq > :mark ORDER BY seq;

--
-- Clean up
--
RESET migrate.guard;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_guard CASCADE;
DROP SCHEMA regress_evil CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_guard_user;
RESET client_min_messages;
