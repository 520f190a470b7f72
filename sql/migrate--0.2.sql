/* sql/migrate--0.2.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION migrate" to load this file. \quit

/*
 * Catalog.  The tables live in their own schema "migrate"; the functions live
 * in the extension's schema (public by default) so that
 * SELECT migrate_push() works on a default search_path.
 *
 * Nobody but the extension owner has any privilege on these tables: the C
 * code switches to the owner for its own reads and writes, and migration
 * scripts run with the caller's rights.  Nothing here stores an OID, so a
 * dump and restore keeps everything.
 */
CREATE SCHEMA migrate;
REVOKE ALL ON SCHEMA migrate FROM PUBLIC;
COMMENT ON SCHEMA migrate IS 'catalog of the migrate extension';

CREATE TABLE migrate.revision (
	id			text PRIMARY KEY
				CHECK (id OPERATOR(pg_catalog.~) '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
	parents		text[] NOT NULL DEFAULT '{}',
	message		text NOT NULL,
	up_sql		text NOT NULL,
	down_sql	text,				-- NULL: irreversible
	checksum	text NOT NULL,		-- over the scripts' tokens (see src/script.c)
	position	bigint NOT NULL UNIQUE,	-- registration order, breaks ties in topological order
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by	name NOT NULL,
	transactional boolean NOT NULL DEFAULT true,	-- false: its statements run one at a time, each committed on its own
	lock_timeout integer CHECK (lock_timeout OPERATOR(pg_catalog.>=) 0),	-- ms; NULL: the session's migrate.lock_timeout
	lock_retries integer CHECK (lock_retries OPERATOR(pg_catalog.>=) 0),	-- NULL: the session's migrate.lock_retries
	lint_allow	text[] NOT NULL DEFAULT '{}'	-- "rule: reason": lint rules this revision breaks on purpose
);
COMMENT ON TABLE migrate.revision IS 'every registered revision, applied or not';

CREATE TABLE migrate.applied (
	id			text PRIMARY KEY REFERENCES migrate.revision (id),
	applied_at	timestamptz NOT NULL,
	applied_by	name NOT NULL,
	duration	interval			-- NULL when stamped
);
COMMENT ON TABLE migrate.applied IS 'the set of revisions applied now';

CREATE SEQUENCE migrate.history_seq;
CREATE TABLE migrate.history (
	seq			bigint PRIMARY KEY
				DEFAULT pg_catalog.nextval('migrate.history_seq'::pg_catalog.regclass),
	revision	text NOT NULL,
	action		text NOT NULL
				CHECK (action OPERATOR(pg_catalog.=) ANY (ARRAY['upgrade', 'downgrade', 'stamp', 'unstamp', 'failure', 'adopt', 'retry'])),
	started_at	timestamptz NOT NULL,
	duration	interval,
	session_role name NOT NULL DEFAULT session_user,
	run_by	name NOT NULL,			-- current_user of the caller
	application_name text,
	client_addr	inet DEFAULT pg_catalog.inet_client_addr(),
	backend_pid	integer NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
	xid			xid8,
	wal_lsn		pg_lsn,
	checksum	text,
	error		text,				-- a failure: the message,
	sqlstate	text,				-- its SQLSTATE,
	statement	integer,			-- the statement of the script that failed,
	line		integer,			-- and its line
	fingerprint	text				-- of the managed schemas after the call
);
ALTER SEQUENCE migrate.history_seq OWNED BY migrate.history.seq;
COMMENT ON TABLE migrate.history IS 'append-only log of every upgrade, downgrade and stamp';

CREATE TABLE migrate.snapshot (
	singleton	boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	taken_at	timestamptz NOT NULL,
	fingerprint	text NOT NULL,
	objects		text NOT NULL			-- the model: kind, identity, definition a line
);
COMMENT ON TABLE migrate.snapshot IS 'the managed schemas as the last migration left them';

CREATE SEQUENCE migrate.ddl_log_seq;
CREATE TABLE migrate.ddl_log (
	seq			bigint PRIMARY KEY
				DEFAULT pg_catalog.nextval('migrate.ddl_log_seq'::pg_catalog.regclass),
	logged_at	timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	session_role name NOT NULL DEFAULT session_user,
	run_by	name NOT NULL,			-- current_user of the statement
	application_name text,
	backend_pid	integer NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
	xid			xid8,
	command_tag	text NOT NULL,
	object_type	text,
	object_identity text,
	schema_name	text,
	dropped		boolean NOT NULL DEFAULT false,	-- seen by sql_drop
	statement	text,					-- the statement that did it
	revision	text					-- the revision it belongs to; NULL: out of band
);
ALTER SEQUENCE migrate.ddl_log_seq OWNED BY migrate.ddl_log.seq;
CREATE INDEX ddl_log_revision_idx ON migrate.ddl_log (revision);
COMMENT ON TABLE migrate.ddl_log IS 'every schema change the event triggers saw';

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

REVOKE ALL ON ALL TABLES IN SCHEMA migrate FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA migrate FROM PUBLIC;

-- pg_dump carries the catalog's rows (not with --schema-only, which leaves
-- every table's data out)
SELECT pg_catalog.pg_extension_config_dump('migrate.revision', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.applied', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.history', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.history_seq', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.ddl_log', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.ddl_log_seq', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.step', '');

/*
 * Registering
 */
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

/*
 * Applying and rolling back
 */
CREATE FUNCTION @extschema@.migrate_push(target text DEFAULT 'heads')
RETURNS TABLE (revision text, message text, duration interval)
AS 'MODULE_PATHNAME', 'migrate_push'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_push(text)
IS 'apply every pending revision up to the target, atomically';

CREATE FUNCTION @extschema@.migrate_downgrade(target text DEFAULT '-1')
RETURNS TABLE (revision text, message text, duration interval)
AS 'MODULE_PATHNAME', 'migrate_downgrade'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_downgrade(text)
IS 'run down scripts back to the target, atomically';

CREATE FUNCTION @extschema@.migrate_downgrade(steps integer)
RETURNS TABLE (revision text, message text, duration interval)
AS 'MODULE_PATHNAME', 'migrate_downgrade_steps'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_downgrade(integer)
IS 'undo the last -steps applied revisions (steps is negative, as in ''-1''), atomically';

CREATE FUNCTION @extschema@.migrate_plan(target text DEFAULT 'heads')
RETURNS TABLE (revision text, statement integer, line integer, command text,
			   locks text[], rewritten text[], duration interval,
			   wal_bytes numeric)
AS 'MODULE_PATHNAME', 'migrate_plan'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_plan(text)
IS 'a dry run of the push to the target, always rolled back: for each statement, the locks it took, the relations it rewrote, its time and its WAL';

CREATE FUNCTION @extschema@.migrate_stamp(target text DEFAULT 'heads')
RETURNS TABLE (revision text, message text, action text)
AS 'MODULE_PATHNAME', 'migrate_stamp'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_stamp(text)
IS 'mark revisions applied or unapplied up to the target without running them';

CREATE PROCEDURE @extschema@.migrate_deploy(target text DEFAULT 'heads')
AS 'MODULE_PATHNAME', 'migrate_deploy'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.migrate_deploy(text)
IS 'apply every pending revision up to the target, committing after each one; a non-transactional one runs in a background worker';

CREATE PROCEDURE @extschema@.migrate_deploy(target text, wait boolean)
AS 'MODULE_PATHNAME', 'migrate_deploy'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.migrate_deploy(text, boolean)
IS 'migrate_deploy(target); wait => false: return once a non-transactional revision''s background worker is started';

CREATE PROCEDURE @extschema@.migrate_deploy_downgrade(target text DEFAULT '-1',
													  wait boolean DEFAULT true)
AS 'MODULE_PATHNAME', 'migrate_deploy_downgrade'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.migrate_deploy_downgrade(text, boolean)
IS 'run down scripts back to the target, committing after each revision; a non-transactional one runs in a background worker';

CREATE FUNCTION @extschema@.migrate_reset(confirm boolean DEFAULT false)
RETURNS TABLE (revision text, message text, action text, duration interval)
AS 'MODULE_PATHNAME', 'migrate_reset'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_reset(boolean)
IS 'downgrade to base, then push to heads, in one transaction: destroys data';

CREATE FUNCTION @extschema@.migrate_merge(message text,
										  revises text[] DEFAULT NULL,
										  id text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_merge'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_merge(text, text[], text)
IS 'register a revision that merges heads (all of them by default)';

/*
 * Files and offline SQL
 */
CREATE FUNCTION @extschema@.migrate_export()
RETURNS TABLE (revision text, filename text, content text)
AS 'MODULE_PATHNAME', 'migrate_export'
LANGUAGE C STABLE PARALLEL UNSAFE;
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

CREATE FUNCTION @extschema@.migrate_script(target text DEFAULT 'heads',
										   start text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_script'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_script(text, text)
IS 'the exact SQL a push or downgrade to the target would run, bookkeeping included';

/*
 * Autogenerate and proof (autogen.c, diff.c)
 */
CREATE FUNCTION @extschema@.migrate_diff(desired text, managed text DEFAULT NULL)
RETURNS TABLE (up text, down text, changes integer, review text[],
			   ok boolean, problems text[], lint text[])
AS 'MODULE_PATHNAME', 'migrate_diff'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_diff(text, text)
IS 'the up and down DDL from the managed schemas to the desired state (its SQL, built in a scratch database, or a schema standing for one managed schema), proved in a rolled-back subtransaction, with what migrate_lint() finds in the up script';

CREATE FUNCTION @extschema@.migrate_dev(message text, desired text,
										managed text DEFAULT NULL,
										id text DEFAULT NULL,
										force boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_dev'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_dev(text, text, text, text, boolean)
IS 'generate, register and apply the migration to the desired state; returns its registration file';

CREATE FUNCTION @extschema@.migrate_verify(target text DEFAULT 'heads')
RETURNS TABLE (revision text, ok boolean, problem text, objects text[])
AS 'MODULE_PATHNAME', 'migrate_verify'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_verify(text)
IS 'up, down and up again for every pending revision up to target, checking that down undoes up; all rolled back';

/*
 * Looking
 */
CREATE FUNCTION @extschema@.migrate_status()
RETURNS TABLE (revision text, message text, state text, is_head boolean,
			   is_current boolean, parents text[], applied_at timestamptz,
			   applied_by name, reversible boolean, transactional boolean)
AS 'MODULE_PATHNAME', 'migrate_status'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_status()
IS 'every revision in apply order: applied or pending, head, current';

CREATE FUNCTION @extschema@.migrate_current()
RETURNS TABLE (revision text, message text, applied_at timestamptz)
AS 'MODULE_PATHNAME', 'migrate_current'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_current()
IS 'the applied revisions that no applied revision builds on';

CREATE FUNCTION @extschema@.migrate_heads()
RETURNS TABLE (revision text, message text, state text)
AS 'MODULE_PATHNAME', 'migrate_heads'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_heads()
IS 'the revisions that no revision builds on';

CREATE FUNCTION @extschema@.migrate_show(target text)
RETURNS TABLE (revision text, message text, parents text[], up text,
			   down text, checksum text, created_at timestamptz,
			   created_by name, applied_at timestamptz, transactional boolean,
				   lock_timeout integer, lock_retries integer, allow text[])
AS 'MODULE_PATHNAME', 'migrate_show'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_show(text)
IS 'the SQL of one revision, up and down';

CREATE FUNCTION @extschema@.migrate_steps(revision text DEFAULT NULL)
RETURNS TABLE (revision text, direction text, step integer, line integer,
			   state text, attempts integer, started_at timestamptz,
			   finished_at timestamptz, run_by name, backend_pid integer,
			   sqlstate text, error text, statement text)
AS 'MODULE_PATHNAME', 'migrate_steps'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_steps(text)
IS 'the steps of non-transactional revisions (of one, or of all): each statement, its state, times and error';

CREATE FUNCTION @extschema@.migrate_history()
RETURNS TABLE (seq bigint, revision text, action text, started_at timestamptz,
			   duration interval, session_role name, run_by name,
			   application_name text, client_addr inet, backend_pid integer,
			   xid xid8, wal_lsn pg_lsn, error text, sqlstate text,
			   statement integer, line integer, fingerprint text)
AS 'MODULE_PATHNAME', 'migrate_history'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_history()
IS 'every upgrade, downgrade, stamp and failure, oldest first';

/*
 * The DDL log
 */
CREATE FUNCTION @extschema@.migrate_ddl_log(since timestamptz DEFAULT NULL,
											out_of_band_only boolean DEFAULT false)
RETURNS TABLE (seq bigint, logged_at timestamptz, revision text,
			   command_tag text, object_type text, object_identity text,
			   schema_name text, dropped boolean, statement text,
			   session_role name, run_by name, application_name text,
			   backend_pid integer, xid xid8)
AS 'MODULE_PATHNAME', 'migrate_ddl_log'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_ddl_log(timestamptz, boolean)
IS 'the schema changes the event triggers logged, oldest first';

CREATE FUNCTION @extschema@.migrate_adopt(message text, down text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_adopt'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_adopt(text, text)
IS 'turn the out-of-band DDL logged since the last migration into an applied revision';

/*
 * Drift
 */
CREATE FUNCTION @extschema@.migrate_drift()
RETURNS TABLE (kind text, identity text, change text, expected text,
			   actual text, changed_at timestamptz, changed_by name,
			   statement text)
AS 'MODULE_PATHNAME', 'migrate_drift'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_drift()
IS 'how the managed schemas differ from what the migrations left, and who changed them';

CREATE FUNCTION @extschema@.migrate_check()
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_check'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_check()
IS 'raise an error listing the drift, if there is any';

CREATE FUNCTION @extschema@.migrate_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_fingerprint'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.migrate_fingerprint()
IS 'a hash of the live model of the managed schemas, comparable across servers';

/*
 * Changing the catalog or the schema is for the extension owner and the roles
 * it grants; looking is for everyone (the text of scripts, logged statements
 * and errors only for the roles catalog_may_read_text() names).
 */
REVOKE ALL ON FUNCTION @extschema@.migrate_add(text, text, text, text, text[], boolean, text, integer, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_push(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_plan(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_downgrade(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_downgrade(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_stamp(text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.migrate_deploy(text) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.migrate_deploy(text, boolean) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.migrate_deploy_downgrade(text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_reset(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_merge(text, text[], text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_add_file(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_adopt(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_diff(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_dev(text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.migrate_verify(text) FROM PUBLIC;

/*
 * The event triggers, created last.  Their C functions never let a failure of
 * their own stop the user's DDL (it becomes a WARNING); only the "error"
 * guard refuses DDL.  They stand aside inside CREATE/ALTER EXTENSION scripts
 * and in binary upgrade.
 */
CREATE FUNCTION migrate._ddl_command_end()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'migrate_ddl_command_end'
LANGUAGE C;
COMMENT ON FUNCTION migrate._ddl_command_end()
IS 'event trigger: log DDL, attribute it to the running revision, apply migrate.guard';

CREATE FUNCTION migrate._sql_drop()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'migrate_sql_drop'
LANGUAGE C;
COMMENT ON FUNCTION migrate._sql_drop()
IS 'event trigger: log dropped objects';

REVOKE ALL ON FUNCTION migrate._ddl_command_end() FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate._sql_drop() FROM PUBLIC;

CREATE EVENT TRIGGER migrate_ddl_command_end ON ddl_command_end
	EXECUTE FUNCTION migrate._ddl_command_end();
CREATE EVENT TRIGGER migrate_sql_drop ON sql_drop
	EXECUTE FUNCTION migrate._sql_drop();
