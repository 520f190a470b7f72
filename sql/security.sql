--
-- security: who may change migrations, with whose rights scripts run, and
-- what the extension's own catalog access never calls
--

-- regress_attacker owns a schema of look-alikes of what catalog queries use
-- (= for text, + for bigint and integer, max, now, nextval, current_setting,
-- ...); each records who called it, then does the real thing
CREATE ROLE regress_attacker;
CREATE ROLE regress_deployer;
CREATE ROLE regress_nobody;
CREATE SCHEMA regress_evil AUTHORIZATION regress_attacker;
GRANT USAGE ON SCHEMA regress_evil TO PUBLIC;
SET ROLE regress_attacker;
CREATE TABLE regress_evil.calls (
	n int GENERATED ALWAYS AS IDENTITY,
	fn text,
	caller name
);
GRANT INSERT ON regress_evil.calls TO PUBLIC;
CREATE FUNCTION regress_evil.called(fn text) RETURNS void
LANGUAGE sql
AS $$ INSERT INTO regress_evil.calls (fn, caller) VALUES (fn, current_user) $$;
CREATE FUNCTION regress_evil.text_eq(a text, b text) RETURNS boolean
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('='); RETURN pg_catalog.texteq(a, b); END $$;
CREATE OPERATOR regress_evil.= (leftarg = text, rightarg = text,
								function = regress_evil.text_eq);
CREATE FUNCTION regress_evil.int84_pl(a bigint, b int) RETURNS bigint
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('+'); RETURN pg_catalog.int84pl(a, b); END $$;
CREATE OPERATOR regress_evil.+ (leftarg = bigint, rightarg = int,
								function = regress_evil.int84_pl);
CREATE FUNCTION regress_evil.max_step(s bigint, v bigint) RETURNS bigint
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('max'); RETURN pg_catalog.int8larger(s, v); END $$;
CREATE AGGREGATE regress_evil.max(bigint) (sfunc = regress_evil.max_step,
										   stype = bigint);
CREATE FUNCTION regress_evil.now() RETURNS timestamptz
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION regress_evil.nextval(s regclass) RETURNS bigint
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('nextval'); RETURN pg_catalog.nextval(s); END $$;
CREATE FUNCTION regress_evil.current_setting(s text) RETURNS text
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('current_setting'); RETURN pg_catalog.current_setting(s); END $$;
CREATE FUNCTION regress_evil.pg_current_xact_id() RETURNS xid8
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('pg_current_xact_id'); RETURN pg_catalog.pg_current_xact_id(); END $$;
CREATE FUNCTION regress_evil.pg_current_wal_insert_lsn() RETURNS pg_lsn
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('pg_current_wal_insert_lsn'); RETURN pg_catalog.pg_current_wal_insert_lsn(); END $$;
CREATE FUNCTION regress_evil.pg_extension_config_dump(regclass, text) RETURNS void
LANGUAGE plpgsql
AS $$ BEGIN PERFORM regress_evil.called('pg_extension_config_dump'); END $$;
RESET ROLE;

-- who called the look-alikes, in order
CREATE FUNCTION regress_calls() RETURNS TABLE (fn text, caller name)
LANGUAGE sql
AS $$ SELECT fn, caller FROM regress_evil.calls ORDER BY n $$;

--
-- Installing under a hostile search_path calls none of them
--
SET search_path = public, regress_evil, pg_catalog;
CREATE EXTENSION migrate;
SELECT * FROM regress_calls();
SELECT p.oid::regprocedure AS function,
	   has_function_privilege('regress_nobody', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')
ORDER BY p.proname, p.oid::regprocedure::text COLLATE "C";
SELECT c.oid::regclass AS catalog_object,
	   has_table_privilege('regress_nobody', c.oid, 'SELECT') AS public_select
FROM pg_class c
WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'S')
ORDER BY c.relname;
SELECT has_schema_privilege('regress_nobody', 'migrate', 'USAGE') AS public_usage;

-- a revision for the others to look at; the owner may do anything
SET client_min_messages = warning;
SELECT migrate_add('create base', 'CREATE SCHEMA regress_app', 'DROP SCHEMA regress_app',
				   id => 's1');
SELECT revision FROM migrate_push();
-- a change out of band
CREATE TABLE public.regress_oob (secret text DEFAULT 'hunter2');
RESET client_min_messages;

--
-- A role with no grants
--
SET SESSION AUTHORIZATION regress_nobody;

-- looking is open: ids, messages, states, times and roles
SELECT revision, message, state FROM migrate_status();
SELECT revision FROM migrate_current();
SELECT revision, state FROM migrate_heads();
SELECT revision, action FROM migrate_history();
-- but not the text that can carry secrets: scripts, logged statements,
-- error messages (a CREATE USER MAPPING's password, a key in a function).
-- (These filters say LIKE: the look-alike = would log this session's own
-- calls below.)
SELECT revision, message, up, down, checksum FROM migrate_show('s1');
SELECT command_tag, object_identity, statement FROM migrate_ddl_log()
WHERE object_identity LIKE 'regress_app';
SELECT kind, identity, change, changed_by, statement FROM migrate_drift()
WHERE kind LIKE 'table';
SELECT migrate_script();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_export();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;
-- members of pg_read_all_stats read it, as they read every session's query
GRANT pg_read_all_stats TO regress_nobody;
SET SESSION AUTHORIZATION regress_nobody;
SELECT revision, up, down FROM migrate_show('s1');
SELECT command_tag, statement FROM migrate_ddl_log() WHERE object_identity LIKE 'regress_app';
SELECT identity, statement FROM migrate_drift() WHERE kind LIKE 'table';
SELECT count(*) FROM migrate_export();
SELECT migrate_script('base') LIKE '%DROP SCHEMA regress_app%' AS script_shown;
RESET SESSION AUTHORIZATION;
REVOKE pg_read_all_stats FROM regress_nobody;
DROP TABLE public.regress_oob;
SET SESSION AUTHORIZATION regress_nobody;

-- changing is not
SELECT migrate_add('nope', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('base');
\echo :LAST_ERROR_SQLSTATE

-- and the catalog is closed
SELECT * FROM migrate.revision;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM migrate.history;
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

--
-- What a DBA runs to let a role deploy, and the schema it deploys into
--
GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[], boolean),
						  migrate_push(text),
						  migrate_downgrade(text),
						  migrate_stamp(text)
	TO regress_deployer;
GRANT USAGE, CREATE ON SCHEMA regress_app TO regress_deployer;
-- a table the deployer does not own
CREATE TABLE regress_app.ledger (id int);
ALTER TABLE regress_app.ledger OWNER TO regress_nobody;

SET SESSION AUTHORIZATION regress_deployer;
-- the deployer's search_path puts the look-alikes before pg_catalog (and
-- creates in regress_app)
SET search_path = regress_app, regress_evil, pg_catalog, public;

-- the catalog stays closed to a role that may change migrations
SELECT * FROM migrate.revision;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate.applied;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO migrate.applied VALUES ('s9', pg_catalog.now(), 'x', NULL);
\echo :LAST_ERROR_SQLSTATE
UPDATE migrate.revision SET up_sql = 'SELECT 1';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM migrate.history;
\echo :LAST_ERROR_SQLSTATE
SELECT pg_catalog.nextval('migrate.history_seq');
\echo :LAST_ERROR_SQLSTATE

-- registering and pushing work
SET client_min_messages = warning;
SELECT migrate_add('create accounts', $up$
CREATE SEQUENCE account_ids;
CREATE TABLE accounts (id bigint, name text);
CREATE TABLE saw (what text, val text);
-- these resolve through the caller's search_path: the look-alikes
INSERT INTO saw VALUES ('search_path', pg_catalog.current_setting('search_path'));
SELECT now(), 'a'::text = 'b'::text, nextval('account_ids'),
	   current_setting('work_mem');
SELECT max(n) + 1 FROM (VALUES (1::bigint)) v (n);
$up$, 'DROP TABLE saw, accounts; DROP SEQUENCE account_ids', id => 's2');
SELECT revision, message FROM migrate_push();
RESET client_min_messages;

-- the script ran as the deployer, with the deployer's search_path
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner
FROM pg_class c
WHERE c.relnamespace = 'regress_app'::regnamespace AND c.relkind IN ('r', 'S')
ORDER BY 1;
SELECT what, val FROM saw;
-- the bookkeeping names the deployer
SELECT revision, action, session_role, run_by FROM migrate_history()
WHERE revision <> 's1';
SELECT revision, state, applied_by FROM migrate_status() WHERE revision <> 's1';
SELECT revision, created_by FROM migrate_show('s2');

-- a script runs with no more than the caller's rights: nothing is applied
SET client_min_messages = warning;
SELECT migrate_add('drop ledger', 'CREATE TABLE notes (a int); DROP TABLE ledger',
				   id => 's3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop ledger', 'CREATE TABLE notes (a int); SET ROLE regress_attacker',
				   id => 's3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
-- not even the extension's own tables, from inside a push
SELECT migrate_add('drop ledger', 'CREATE TABLE notes (a int); DELETE FROM migrate.history',
				   id => 's3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT revision, state FROM migrate_status();
SELECT to_regclass('regress_app.notes') AS notes;

-- stamping, downgrading and looking, still under the hostile search_path
SET client_min_messages = warning;
SELECT migrate_add('add notes', 'CREATE TABLE notes (a int)', 'DROP TABLE notes',
				   id => 's3');
SELECT revision, action FROM migrate_stamp('s3');
SELECT revision, action FROM migrate_stamp('s2');
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade();
SELECT revision FROM migrate_current();
SELECT revision FROM migrate_heads();
SELECT count(*) FROM migrate_history();
RESET client_min_messages;
RESET search_path;
RESET SESSION AUTHORIZATION;

-- the look-alikes were called by the deployer's script, in its order, and
-- never by the extension
SELECT * FROM regress_calls();

-- without the grant, the deployer is refused again
REVOKE EXECUTE ON FUNCTION migrate_push(text) FROM regress_deployer;
SET SESSION AUTHORIZATION regress_deployer;
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
RESET SESSION AUTHORIZATION;

--
-- A role that only runs scripts sees them anyway (its own settings can
-- print what runs in its session): it reads them too
--
CREATE ROLE regress_verifier;
GRANT EXECUTE ON FUNCTION migrate_verify(text) TO regress_verifier;
SET SESSION AUTHORIZATION regress_verifier;
SELECT revision, up FROM migrate_show('s1');
RESET SESSION AUTHORIZATION;
DROP OWNED BY regress_verifier;
DROP ROLE regress_verifier;

--
-- The functions open to everyone that read the model leave no lock behind:
-- a role that may not even see a view cannot hold up a change to it
--
CREATE SCHEMA regress_hidden;
CREATE VIEW regress_hidden.v AS SELECT 1 AS one;
SELECT 'regress_hidden.v'::regclass::oid AS hidden_view \gset
SET SESSION AUTHORIZATION regress_nobody;
BEGIN;
SELECT length(migrate_fingerprint()) AS fingerprint_length;
SELECT count(*) >= 0 AS drift_read FROM migrate_drift();
SELECT count(*) AS locks_on_the_view FROM pg_locks
WHERE pid = pg_backend_pid() AND relation = :hidden_view;
COMMIT;
RESET SESSION AUTHORIZATION;
DROP SCHEMA regress_hidden CASCADE;

--
-- A subscription's connection string may hold a password: not logged
--
SET client_min_messages = error;
CREATE SUBSCRIPTION regress_sub CONNECTION 'dbname=nowhere password=S3cretRep'
	PUBLICATION p WITH (connect = false);
ALTER SUBSCRIPTION regress_sub SET (slot_name = NONE);
DROP SUBSCRIPTION regress_sub;
RESET client_min_messages;
SELECT command_tag, statement FROM migrate_ddl_log()
WHERE object_identity LIKE 'regress_sub' ORDER BY seq;

--
-- The error message of a failure in the history is such text too
--
SET client_min_messages = warning;
SELECT migrate_add('fails', $up$DO $do$ BEGIN RAISE 'key hunter2 refused'; END $do$$up$,
				   id => 's9', revises => '{}');
CALL migrate_deploy('s9');
RESET client_min_messages;
SELECT revision, error, sqlstate FROM migrate_history() WHERE action LIKE 'failure';
SET SESSION AUTHORIZATION regress_nobody;
SELECT revision, error, sqlstate FROM migrate_history() WHERE action LIKE 'failure';
RESET SESSION AUTHORIZATION;
-- and a role that may register revisions reads it: it writes scripts anyway
SET SESSION AUTHORIZATION regress_deployer;
SELECT revision, error FROM migrate_history() WHERE action LIKE 'failure';
SELECT revision, up FROM migrate_show('s9');
RESET SESSION AUTHORIZATION;

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_app CASCADE;
DROP SCHEMA regress_evil CASCADE;
DROP FUNCTION regress_calls();
DROP EXTENSION migrate;
DROP ROLE regress_attacker;
DROP ROLE regress_deployer;
DROP ROLE regress_nobody;
RESET client_min_messages;
RESET search_path;
