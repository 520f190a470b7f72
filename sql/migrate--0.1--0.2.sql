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
			   transactional boolean, merge boolean, lock_timeout integer,
			   lock_retries integer, allow text[])
AS 'MODULE_PATHNAME', 'migrate_parse_file'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.migrate_parse_file(text, text, text)
IS 'what a revision file says, its defaults applied (previous: the id of the file before it), without registering it';

-- Hazards judged with the catalog (README "Deploying without stalling
-- production"): anyone may ask; nothing of the script runs
CREATE FUNCTION @extschema@.migrate_lint(script text,
										 transactional boolean DEFAULT true)
RETURNS TABLE (rule text, statement text, line integer, severity text,
			   message text, detail text, hint text)
AS 'MODULE_PATHNAME', 'migrate_lint'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_lint(text, boolean)
IS 'the lint rules a script breaks, judged against this database now (table sizes, volatility, lock levels)';

CREATE FUNCTION @extschema@.migrate_lint_rules()
RETURNS TABLE (rule text, severity text, catches text)
AS 'MODULE_PATHNAME', 'migrate_lint_rules'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.migrate_lint_rules()
IS 'every lint rule, its severity and what it catches';

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

-- A revision can be non-transactional (README "Non-transactional
-- revisions"): the catalog keeps the mark, migrate_add takes it, and
-- migrate_status and migrate_show show it. The functions change their
-- arguments or results, so they are dropped and created again; what their
-- owner granted on them or revoked is carried over.
ALTER TABLE migrate.revision
	ADD COLUMN transactional boolean NOT NULL DEFAULT true;

-- A revision can carry its own lock timeout and retries, and allow lint
-- rules with a reason (README "Deploying without stalling production").
ALTER TABLE migrate.revision
	ADD COLUMN lock_timeout integer CHECK (lock_timeout OPERATOR(pg_catalog.>=) 0),
	ADD COLUMN lock_retries integer CHECK (lock_retries OPERATOR(pg_catalog.>=) 0),
	ADD COLUMN lint_allow text[] NOT NULL DEFAULT '{}';

-- A push or a revision that timed out on a lock and ran again leaves a
-- "retry" row in the history (README "Deploying without stalling
-- production").
ALTER TABLE migrate.history
	DROP CONSTRAINT history_action_check,
	ADD CONSTRAINT history_action_check
	CHECK (action OPERATOR(pg_catalog.=) ANY (ARRAY['upgrade', 'downgrade', 'stamp', 'unstamp', 'failure', 'adopt', 'retry']));

DO $update$
DECLARE
	add_acl pg_catalog.aclitem[];
	status_acl pg_catalog.aclitem[];
	show_acl pg_catalog.aclitem[];
	diff_acl pg_catalog.aclitem[];
	fn pg_catalog.regprocedure;
	acl pg_catalog.aclitem[];
	item record;
BEGIN
	SELECT p.proacl INTO add_acl FROM pg_catalog.pg_proc p
	WHERE p.oid OPERATOR(pg_catalog.=) '@extschema@.migrate_add(text, text, text, text, text[])'::pg_catalog.regprocedure;
	SELECT p.proacl INTO status_acl FROM pg_catalog.pg_proc p
	WHERE p.oid OPERATOR(pg_catalog.=) '@extschema@.migrate_status()'::pg_catalog.regprocedure;
	SELECT p.proacl INTO show_acl FROM pg_catalog.pg_proc p
	WHERE p.oid OPERATOR(pg_catalog.=) '@extschema@.migrate_show(text)'::pg_catalog.regprocedure;
	SELECT p.proacl INTO diff_acl FROM pg_catalog.pg_proc p
	WHERE p.oid OPERATOR(pg_catalog.=) '@extschema@.migrate_diff(text, text)'::pg_catalog.regprocedure;

	DROP FUNCTION @extschema@.migrate_add(text, text, text, text, text[]);
	CREATE FUNCTION @extschema@.migrate_add(message text,
											up text,
											down text DEFAULT NULL,
											id text DEFAULT NULL,
											revises text[] DEFAULT NULL,
											transactional boolean DEFAULT true,
											lock_timeout text DEFAULT NULL,
											lock_retries integer DEFAULT NULL,
											allow text[] DEFAULT NULL)
	RETURNS text
	AS 'MODULE_PATHNAME', 'migrate_add'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
	COMMENT ON FUNCTION @extschema@.migrate_add(text, text, text, text, text[], boolean, text, integer, text[])
	IS 'register a revision (up script, optional down script; transactional => false: its statements run one at a time outside a transaction block; lock_timeout, lock_retries: its own migrate.lock_timeout and migrate.lock_retries; allow: ''rule: reason'' for each lint rule it breaks on purpose) and return its id';

	DROP FUNCTION @extschema@.migrate_status();
	CREATE FUNCTION @extschema@.migrate_status()
	RETURNS TABLE (revision text, message text, state text, is_head boolean,
				   is_current boolean, parents text[], applied_at timestamptz,
				   applied_by name, reversible boolean, transactional boolean)
	AS 'MODULE_PATHNAME', 'migrate_status'
	LANGUAGE C STABLE PARALLEL UNSAFE;
	COMMENT ON FUNCTION @extschema@.migrate_status()
	IS 'every revision in apply order: applied or pending, head, current';

	DROP FUNCTION @extschema@.migrate_show(text);
	CREATE FUNCTION @extschema@.migrate_show(target text)
	RETURNS TABLE (revision text, message text, parents text[], up text,
				   down text, checksum text, created_at timestamptz,
				   created_by name, applied_at timestamptz, transactional boolean,
				   lock_timeout integer, lock_retries integer, allow text[])
	AS 'MODULE_PATHNAME', 'migrate_show'
	LANGUAGE C STABLE PARALLEL UNSAFE;
	COMMENT ON FUNCTION @extschema@.migrate_show(text)
	IS 'the SQL of one revision, up and down';

	-- migrate_diff says what the lint finds in the script it generates
	DROP FUNCTION @extschema@.migrate_diff(text, text);
	CREATE FUNCTION @extschema@.migrate_diff(desired text, managed text DEFAULT NULL)
	RETURNS TABLE (up text, down text, changes integer, review text[],
				   ok boolean, problems text[], lint text[])
	AS 'MODULE_PATHNAME', 'migrate_diff'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
	COMMENT ON FUNCTION @extschema@.migrate_diff(text, text)
	IS 'the up and down DDL from the managed schemas to the desired state (its SQL, built in a scratch database, or a schema standing for one managed schema), proved in a rolled-back subtransaction, with what migrate_lint() finds in the up script';

	-- the desired state covers every managed schema unless told otherwise
	CREATE OR REPLACE FUNCTION @extschema@.migrate_dev(message text, desired text,
											managed text DEFAULT NULL,
											id text DEFAULT NULL,
											force boolean DEFAULT false)
	RETURNS text
	AS 'MODULE_PATHNAME', 'migrate_dev'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;

	-- the grants as they were (NULL: the default, as a new function has)
	FOR fn, acl IN
		SELECT v.fn, v.acl FROM (VALUES
			('@extschema@.migrate_add(text, text, text, text, text[], boolean, text, integer, text[])'::pg_catalog.regprocedure, add_acl),
			('@extschema@.migrate_status()'::pg_catalog.regprocedure, status_acl),
			('@extschema@.migrate_show(text)'::pg_catalog.regprocedure, show_acl),
			('@extschema@.migrate_diff(text, text)'::pg_catalog.regprocedure, diff_acl)) AS v (fn, acl)
	LOOP
		CONTINUE WHEN acl IS NULL;
		EXECUTE pg_catalog.format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', fn);
		FOR item IN
			SELECT a.grantee, a.is_grantable
			FROM pg_catalog.aclexplode(acl) a, pg_catalog.pg_proc p
			WHERE p.oid OPERATOR(pg_catalog.=) fn
			  AND a.grantee OPERATOR(pg_catalog.<>) p.proowner
			  AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
		LOOP
			EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %s%s', fn,
				CASE WHEN item.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
					 ELSE item.grantee::pg_catalog.regrole::pg_catalog.text END,
				CASE WHEN item.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
	END LOOP;
END
$update$;

-- Non-transactional revisions run (README "Non-transactional revisions"):
-- each statement is a step with its state in migrate.step, run and committed
-- on its own by a background worker; migrate_deploy_downgrade runs down
-- scripts the same way, and migrate_steps shows the steps.
CREATE TABLE migrate.step (
	revision	text NOT NULL REFERENCES migrate.revision (id),
	direction	text NOT NULL
				CHECK (direction OPERATOR(pg_catalog.=) ANY (ARRAY['up', 'down'])),
	step		integer NOT NULL,	-- the statement's number in its script
	line		integer NOT NULL,
	statement	text NOT NULL,
	checksum	text NOT NULL,		-- of the revision the steps were made from
	search_path	text NOT NULL,		-- the deployer's, which the steps run with
	run_by		name NOT NULL,		-- the role the steps run as
	state		text NOT NULL DEFAULT 'pending'
				CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'running', 'done', 'failed'])),
	attempts	integer NOT NULL DEFAULT 0,
	started_at	timestamptz,
	finished_at	timestamptz,
	backend_pid	integer,			-- the background worker that ran it last
	xid			xid8,				-- the transaction its last attempt began in: what it left behind is what that transaction created
	sqlstate	text,				-- a failure: its SQLSTATE,
	error		text,				-- message
	detail		text,				-- and detail
	PRIMARY KEY (revision, direction, step)
);
COMMENT ON TABLE migrate.step IS 'the statements of non-transactional revisions, each run and committed on its own by a background worker';
REVOKE ALL ON TABLE migrate.step FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migrate.step', '');

COMMENT ON PROCEDURE @extschema@.migrate_deploy(text)
IS 'apply every pending revision up to the target, committing after each one; a non-transactional one runs in a background worker';

CREATE PROCEDURE @extschema@.migrate_deploy(target text, wait boolean)
AS 'MODULE_PATHNAME', 'migrate_deploy'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.migrate_deploy(text, boolean)
IS 'migrate_deploy(target); wait => false: return once a non-transactional revision''s background worker is started';
REVOKE ALL ON PROCEDURE @extschema@.migrate_deploy(text, boolean) FROM PUBLIC;

CREATE PROCEDURE @extschema@.migrate_deploy_downgrade(target text DEFAULT '-1',
													  wait boolean DEFAULT true)
AS 'MODULE_PATHNAME', 'migrate_deploy_downgrade'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.migrate_deploy_downgrade(text, boolean)
IS 'run down scripts back to the target, committing after each revision; a non-transactional one runs in a background worker';
REVOKE ALL ON PROCEDURE @extschema@.migrate_deploy_downgrade(text, boolean) FROM PUBLIC;

CREATE FUNCTION @extschema@.migrate_steps(revision text DEFAULT NULL)
RETURNS TABLE (revision text, direction text, step integer, line integer,
			   state text, attempts integer, started_at timestamptz,
			   finished_at timestamptz, run_by name, backend_pid integer,
			   sqlstate text, error text, statement text)
AS 'MODULE_PATHNAME', 'migrate_steps'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_steps(text)
IS 'the steps of non-transactional revisions (of one, or of all): each statement, its state, times and error';

-- The dry run that measures (README "Dry run: migrate_plan"): the push to a
-- target run in work that is always rolled back, each statement's locks,
-- rewrites, time and WAL reported. It runs scripts, so it is granted as
-- migrate_push is.
CREATE FUNCTION @extschema@.migrate_plan(target text DEFAULT 'heads')
RETURNS TABLE (revision text, statement integer, line integer, command text,
			   locks text[], rewritten text[], duration interval,
			   wal_bytes numeric)
AS 'MODULE_PATHNAME', 'migrate_plan'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_plan(text)
IS 'a dry run of the push to the target, always rolled back: for each statement, the locks it took, the relations it rewrote, its time and its WAL';
REVOKE ALL ON FUNCTION @extschema@.migrate_plan(text) FROM PUBLIC;
