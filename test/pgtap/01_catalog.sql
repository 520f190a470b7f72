-- test/pgtap/01_catalog.sql
-- The shape of what CREATE EXTENSION migrate installs: the catalog tables and
-- their keys, what pg_dump carries, the SQL functions with their
-- arguments, defaults, result columns and volatility, and the event triggers
-- that write the DDL log.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(243);

SELECT has_extension('migrate');
SELECT has_schema('migrate');

-- tables and their columns, as the install script sql/migrate--0.2.sql declares them
SELECT has_table('migrate', t, 'table migrate.' || t || ' exists')
  FROM unnest(ARRAY['revision', 'applied', 'history', 'ddl_log', 'step']) AS t;

SELECT columns_are('migrate', 'revision', ARRAY[
	'id', 'parents', 'message', 'up_sql', 'down_sql', 'checksum', 'position',
	'created_at', 'created_by', 'transactional', 'lock_timeout', 'lock_retries',
	'lint_allow']);
SELECT columns_are('migrate', 'applied', ARRAY[
	'id', 'applied_at', 'applied_by', 'duration']);
SELECT columns_are('migrate', 'history', ARRAY[
	'seq', 'revision', 'action', 'started_at', 'duration', 'session_role',
	'run_by', 'application_name', 'client_addr', 'backend_pid', 'xid',
	'wal_lsn', 'checksum', 'error', 'sqlstate', 'statement', 'line', 'fingerprint']);
SELECT columns_are('migrate', 'ddl_log', ARRAY[
	'seq', 'logged_at', 'session_role', 'run_by', 'application_name',
	'backend_pid', 'xid', 'command_tag', 'object_type', 'object_identity',
	'schema_name', 'dropped', 'statement', 'revision']);

SELECT col_type_is('migrate', t, c, ty, 'migrate.' || t || '.' || c || ' is ' || ty)
  FROM (VALUES
	('revision', 'id', 'text'),
	('revision', 'parents', 'text[]'),
	('revision', 'message', 'text'),
	('revision', 'up_sql', 'text'),
	('revision', 'down_sql', 'text'),
	('revision', 'checksum', 'text'),
	('revision', 'position', 'bigint'),
	('revision', 'created_at', 'timestamp with time zone'),
	('revision', 'created_by', 'name'),
	('revision', 'transactional', 'boolean'),
	('revision', 'lock_timeout', 'integer'),
	('revision', 'lock_retries', 'integer'),
	('revision', 'lint_allow', 'text[]'),
	('applied', 'id', 'text'),
	('applied', 'applied_at', 'timestamp with time zone'),
	('applied', 'applied_by', 'name'),
	('applied', 'duration', 'interval'),
	('history', 'seq', 'bigint'),
	('history', 'revision', 'text'),
	('history', 'action', 'text'),
	('history', 'started_at', 'timestamp with time zone'),
	('history', 'duration', 'interval'),
	('history', 'session_role', 'name'),
	('history', 'run_by', 'name'),
	('history', 'application_name', 'text'),
	('history', 'client_addr', 'inet'),
	('history', 'backend_pid', 'integer'),
	('history', 'xid', 'xid8'),
	('history', 'wal_lsn', 'pg_lsn'),
	('history', 'checksum', 'text'),
	('history', 'error', 'text'),
	('history', 'sqlstate', 'text'),
	('history', 'statement', 'integer'),
	('history', 'line', 'integer'),
	('history', 'fingerprint', 'text'),
	('ddl_log', 'seq', 'bigint'),
	('ddl_log', 'logged_at', 'timestamp with time zone'),
	('ddl_log', 'session_role', 'name'),
	('ddl_log', 'run_by', 'name'),
	('ddl_log', 'application_name', 'text'),
	('ddl_log', 'backend_pid', 'integer'),
	('ddl_log', 'xid', 'xid8'),
	('ddl_log', 'command_tag', 'text'),
	('ddl_log', 'object_type', 'text'),
	('ddl_log', 'object_identity', 'text'),
	('ddl_log', 'schema_name', 'text'),
	('ddl_log', 'dropped', 'boolean'),
	('ddl_log', 'statement', 'text'),
	('ddl_log', 'revision', 'text')) AS v(t, c, ty);

-- keys: a revision is named by its id, applied points at a revision,
-- history is ordered by its sequence
SELECT col_is_pk('migrate', 'revision', 'id', 'a revision is named by its id');
SELECT col_is_pk('migrate', 'applied', 'id', 'a revision is applied at most once');
SELECT col_is_pk('migrate', 'history', 'seq', 'history rows are numbered');
SELECT col_is_pk('migrate', 'ddl_log', 'seq', 'log rows are numbered');
-- the expected schema: one row at most
SELECT has_table('migrate', 'snapshot', 'table migrate.snapshot exists');
SELECT columns_are('migrate', 'snapshot',
				   ARRAY['singleton', 'taken_at', 'fingerprint', 'objects']);
SELECT col_is_pk('migrate', 'snapshot', 'singleton', 'one snapshot at most');
SELECT function_returns('migrate_drift', ARRAY[]::text[], 'setof record');
SELECT function_returns('migrate_check', ARRAY[]::text[], 'void');
SELECT function_returns('migrate_fingerprint', ARRAY[]::text[], 'text');
SELECT fk_ok('migrate', 'applied', 'id', 'migrate', 'revision', 'id');
SELECT col_is_unique('migrate', 'revision', 'position',
					 'registration order has no ties');
SELECT has_sequence('migrate', 'history_seq', 'history numbers come from history_seq');
SELECT col_default_is('migrate', 'history', 'seq',
					  $$nextval('migrate.history_seq'::regclass)$$,
					  'history.seq is drawn from history_seq');
SELECT has_sequence('migrate', 'ddl_log_seq', 'log numbers come from ddl_log_seq');
SELECT col_default_is('migrate', 'ddl_log', 'seq',
					  $$nextval('migrate.ddl_log_seq'::regclass)$$,
					  'ddl_log.seq is drawn from ddl_log_seq');
SELECT has_index('migrate', 'ddl_log', 'ddl_log_revision_idx', 'revision',
				 'log rows are found by revision');

-- NULL means something: an irreversible revision, a stamped one
SELECT col_is_null('migrate', 'revision', 'down_sql',
				   'down_sql may be NULL: an irreversible revision');
SELECT col_is_null('migrate', 'applied', 'duration',
				   'applied.duration may be NULL: a stamped revision');
SELECT col_not_null('migrate', 'revision', 'up_sql', 'a revision has an up script');
SELECT col_not_null('migrate', 'revision', 'checksum', 'a revision has a checksum');
SELECT col_is_null('migrate', 'ddl_log', 'revision',
				   'ddl_log.revision may be NULL: DDL outside any migration');
SELECT col_not_null('migrate', 'ddl_log', c, 'a log row has its ' || c)
  FROM unnest(ARRAY['logged_at', 'session_role', 'run_by', 'command_tag',
					'dropped']) AS c;

-- pg_dump carries every table and the sequences, all rows
SELECT set_eq(
	$$SELECT c::regclass::text FROM pg_extension, unnest(extconfig) AS c
	   WHERE extname = 'migrate'$$,
	ARRAY['migrate.revision', 'migrate.applied', 'migrate.history',
		  'migrate.history_seq', 'migrate.ddl_log', 'migrate.ddl_log_seq',
		  'migrate.snapshot', 'migrate.step'],
	'the tables and their sequences are registered with pg_extension_config_dump');
SELECT columns_are('migrate', 'step', ARRAY[
	'revision', 'direction', 'step', 'line', 'statement', 'checksum',
	'search_path', 'run_by', 'state', 'attempts', 'started_at', 'finished_at',
	'backend_pid', 'xid', 'sqlstate', 'error', 'detail']);
SELECT is(
	(SELECT array_agg(DISTINCT w) FROM pg_extension, unnest(extcondition) AS w
	  WHERE extname = 'migrate'),
	ARRAY[''],
	'pg_dump keeps every row of them');

-- the SQL interface: one row a function, in the order of the install script
CREATE TEMP TABLE api (n serial, f name, args text[], result text, volatility text);
INSERT INTO api (f, args, result, volatility) VALUES
	('migrate_add', ARRAY['text', 'text', 'text', 'text', 'text[]', 'boolean', 'text', 'integer', 'text[]'], 'text', 'volatile'),
	('migrate_push', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_plan', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_downgrade', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_downgrade', ARRAY['integer'], 'setof record', 'volatile'),
	('migrate_stamp', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_reset', ARRAY['boolean'], 'setof record', 'volatile'),
	('migrate_merge', ARRAY['text', 'text[]', 'text'], 'text', 'volatile'),
	('migrate_export', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_parse_file', ARRAY['text', 'text', 'text'], 'setof record', 'stable'),
	('migrate_add_file', ARRAY['text', 'text', 'text'], 'text', 'volatile'),
	('migrate_lint', ARRAY['text', 'boolean'], 'setof record', 'volatile'),
	('migrate_lint_rules', ARRAY[]::text[], 'setof record', 'immutable'),
	('migrate_script', ARRAY['text', 'text'], 'text', 'stable'),
	('migrate_diff', ARRAY['text', 'text'], 'setof record', 'volatile'),
	('migrate_dev', ARRAY['text', 'text', 'text', 'text', 'boolean'], 'text', 'volatile'),
	('migrate_verify', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_status', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_current', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_heads', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_show', ARRAY['text'], 'setof record', 'stable'),
	('migrate_history', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_ddl_log', ARRAY['timestamp with time zone', 'boolean'], 'setof record', 'stable'),
	('migrate_adopt', ARRAY['text', 'text'], 'text', 'volatile');

SELECT has_function(f, args, f || '(' || array_to_string(args, ', ') || ') exists')
  FROM api ORDER BY n;
-- changing functions are volatile, looking ones stable
SELECT volatility_is(f, args, volatility) FROM api ORDER BY n;
SELECT function_returns(f, args, result) FROM api ORDER BY n;

-- arguments with their names and defaults
SELECT is(pg_get_function_arguments(f::regprocedure), a, f || ' takes ' || a)
  FROM (VALUES
	('migrate_add(text, text, text, text, text[], boolean, text, integer, text[])',
	 'message text, up text, down text DEFAULT NULL::text, id text DEFAULT NULL::text, revises text[] DEFAULT NULL::text[], transactional boolean DEFAULT true, lock_timeout text DEFAULT NULL::text, lock_retries integer DEFAULT NULL::integer, allow text[] DEFAULT NULL::text[]'),
	('migrate_lint(text, boolean)', 'script text, transactional boolean DEFAULT true'),
	('migrate_push(text)', $$target text DEFAULT 'heads'::text$$),
	('migrate_plan(text)', $$target text DEFAULT 'heads'::text$$),
	('migrate_downgrade(text)', $$target text DEFAULT '-1'::text$$),
	('migrate_stamp(text)', $$target text DEFAULT 'heads'::text$$),
	('migrate_downgrade(integer)', 'steps integer'),
	('migrate_deploy(text)', $$IN target text DEFAULT 'heads'::text$$),
	('migrate_reset(boolean)', 'confirm boolean DEFAULT false'),
	('migrate_merge(text, text[], text)',
	 'message text, revises text[] DEFAULT NULL::text[], id text DEFAULT NULL::text'),
	('migrate_script(text, text)',
	 $$target text DEFAULT 'heads'::text, start text DEFAULT NULL::text$$),
	('migrate_parse_file(text, text, text)', 'name text, content text, previous text DEFAULT NULL::text'),
	('migrate_add_file(text, text, text)', 'name text, content text, previous text DEFAULT NULL::text'),
	('migrate_show(text)', 'target text'),
	('migrate_diff(text, text)', 'desired text, managed text DEFAULT NULL::text'),
	('migrate_dev(text, text, text, text, boolean)',
	 'message text, desired text, managed text DEFAULT NULL::text, id text DEFAULT NULL::text, force boolean DEFAULT false'),
	('migrate_verify(text)', $$target text DEFAULT 'heads'::text$$),
	('migrate_ddl_log(timestamptz, boolean)',
	 'since timestamp with time zone DEFAULT NULL::timestamp with time zone, out_of_band_only boolean DEFAULT false'),
	('migrate_adopt(text, text)', 'message text, down text DEFAULT NULL::text')) AS v(f, a);

-- migrate_deploy is a procedure: it commits
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'migrate_deploy(text)'::regprocedure),
		  'p', 'migrate_deploy is a procedure');
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'migrate_deploy(text, boolean)'::regprocedure),
		  'p', 'migrate_deploy(target, wait) is a procedure');
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'migrate_deploy_downgrade(text, boolean)'::regprocedure),
		  'p', 'migrate_deploy_downgrade is a procedure');

-- the columns of each set of rows
SELECT is(pg_get_function_result(f::regprocedure), r, f || ' returns ' || r)
  FROM (VALUES
	('migrate_push(text)',
	 'TABLE(revision text, message text, duration interval)'),
	('migrate_plan(text)',
	 'TABLE(revision text, statement integer, line integer, command text, locks text[], rewritten text[], duration interval, wal_bytes numeric)'),
	('migrate_downgrade(text)',
	 'TABLE(revision text, message text, duration interval)'),
	('migrate_downgrade(integer)',
	 'TABLE(revision text, message text, duration interval)'),
	('migrate_stamp(text)',
	 'TABLE(revision text, message text, action text)'),
	('migrate_status()',
	 'TABLE(revision text, message text, state text, is_head boolean, is_current boolean, parents text[], applied_at timestamp with time zone, applied_by name, reversible boolean, transactional boolean)'),
	('migrate_current()',
	 'TABLE(revision text, message text, applied_at timestamp with time zone)'),
	('migrate_heads()',
	 'TABLE(revision text, message text, state text)'),
	('migrate_show(text)',
	 'TABLE(revision text, message text, parents text[], up text, down text, checksum text, created_at timestamp with time zone, created_by name, applied_at timestamp with time zone, transactional boolean, lock_timeout integer, lock_retries integer, allow text[])'),
	('migrate_reset(boolean)',
	 'TABLE(revision text, message text, action text, duration interval)'),
	('migrate_export()',
	 'TABLE(revision text, filename text, content text)'),
	('migrate_parse_file(text, text, text)',
	 'TABLE(id text, message text, revises text[], up text, down text, transactional boolean, merge boolean, lock_timeout integer, lock_retries integer, allow text[])'),
	('migrate_lint(text, boolean)',
	 'TABLE(rule text, statement text, line integer, severity text, message text, detail text, hint text)'),
	('migrate_lint_rules()',
	 'TABLE(rule text, severity text, catches text)'),
	('migrate_diff(text, text)',
	 'TABLE(up text, down text, changes integer, review text[], ok boolean, problems text[], lint text[])'),
	('migrate_verify(text)',
	 'TABLE(revision text, ok boolean, problem text, objects text[])'),
	('migrate_history()',
	 'TABLE(seq bigint, revision text, action text, started_at timestamp with time zone, duration interval, session_role name, run_by name, application_name text, client_addr inet, backend_pid integer, xid xid8, wal_lsn pg_lsn, error text, sqlstate text, statement integer, line integer, fingerprint text)'),
	('migrate_ddl_log(timestamptz, boolean)',
	 'TABLE(seq bigint, logged_at timestamp with time zone, revision text, command_tag text, object_type text, object_identity text, schema_name text, dropped boolean, statement text, session_role name, run_by name, application_name text, backend_pid integer, xid xid8)')
	) AS v(f, r);

-- every function says what it does
SELECT isnt(obj_description(p.oid, 'pg_proc'), NULL, p.proname || ' has a comment')
  FROM pg_depend d
  JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')
 ORDER BY p.proname;

-- the event triggers: on their events, enabled, running the extension's
-- functions, and dropped with the extension
SELECT is((SELECT format('%s %s %s', evtevent, evtenabled, evtfoid::regproc)
			 FROM pg_event_trigger WHERE evtname = t),
		  e, 'event trigger ' || t || ': ' || e)
  FROM (VALUES
	('migrate_ddl_command_end', 'ddl_command_end O migrate._ddl_command_end'),
	('migrate_sql_drop', 'sql_drop O migrate._sql_drop')) AS v(t, e);
SELECT is((SELECT evttags FROM pg_event_trigger WHERE evtname = t), NULL,
		  t || ' fires for every command tag')
  FROM unnest(ARRAY['migrate_ddl_command_end', 'migrate_sql_drop']) AS t;
SELECT set_eq(
	$$SELECT e.evtname::text FROM pg_event_trigger e
	   JOIN pg_depend d ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid
	  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')$$,
	ARRAY['migrate_ddl_command_end', 'migrate_sql_drop'],
	'both event triggers belong to the extension');
SELECT is(format('%s %s', f.prorettype::regtype, l.lanname), 'event_trigger c',
		  p::text || ' is a C event trigger function')
  FROM unnest(ARRAY['migrate._ddl_command_end()'::regprocedure,
					'migrate._sql_drop()'::regprocedure]) AS p
  JOIN pg_proc f ON f.oid = p
  JOIN pg_language l ON l.oid = f.prolang;

-- migrate.guard: superuser only, log by default
SELECT is((SELECT format('%s %s %s', boot_val, context, array_to_string(enumvals, ','))
			 FROM pg_settings WHERE name = 'migrate.guard'),
		  'log superuser off,log,warn,error', 'migrate.guard: log by default, superuser only');

SELECT * FROM finish();
ROLLBACK;
