-- test/pgtap/01_catalog.sql
-- The shape of what CREATE EXTENSION migrate installs: the catalog tables and
-- their keys, what pg_dump carries, and the SQL functions with their
-- arguments, defaults, result columns and volatility.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(124);

SELECT has_extension('migrate');
SELECT has_schema('migrate');

-- tables and their columns, as sql/migrate--0.1.sql declares them
SELECT has_table('migrate', t, 'table migrate.' || t || ' exists')
  FROM unnest(ARRAY['revision', 'applied', 'history']) AS t;

SELECT columns_are('migrate', 'revision', ARRAY[
	'id', 'parents', 'message', 'up_sql', 'down_sql', 'checksum', 'position',
	'created_at', 'created_by']);
SELECT columns_are('migrate', 'applied', ARRAY[
	'id', 'applied_at', 'applied_by', 'duration']);
SELECT columns_are('migrate', 'history', ARRAY[
	'seq', 'revision', 'action', 'started_at', 'duration', 'session_role',
	'acting_role', 'application_name', 'client_addr', 'backend_pid', 'xid',
	'wal_lsn', 'checksum', 'error', 'sqlstate', 'statement', 'line']);

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
	('history', 'acting_role', 'name'),
	('history', 'application_name', 'text'),
	('history', 'client_addr', 'inet'),
	('history', 'backend_pid', 'integer'),
	('history', 'xid', 'xid8'),
	('history', 'wal_lsn', 'pg_lsn'),
	('history', 'checksum', 'text'),
	('history', 'error', 'text'),
	('history', 'sqlstate', 'text'),
	('history', 'statement', 'integer'),
	('history', 'line', 'integer')) AS v(t, c, ty);

-- keys: a revision is named by its id, applied points at a revision,
-- history is ordered by its sequence
SELECT col_is_pk('migrate', 'revision', 'id', 'a revision is named by its id');
SELECT col_is_pk('migrate', 'applied', 'id', 'a revision is applied at most once');
SELECT col_is_pk('migrate', 'history', 'seq', 'history rows are numbered');
SELECT fk_ok('migrate', 'applied', 'id', 'migrate', 'revision', 'id');
SELECT col_is_unique('migrate', 'revision', 'position',
					 'registration order has no ties');
SELECT has_sequence('migrate', 'history_seq', 'history numbers come from history_seq');
SELECT col_default_is('migrate', 'history', 'seq',
					  $$nextval('migrate.history_seq'::regclass)$$,
					  'history.seq is drawn from history_seq');

-- NULL means something: an irreversible revision, a stamped one
SELECT col_is_null('migrate', 'revision', 'down_sql',
				   'down_sql may be NULL: an irreversible revision');
SELECT col_is_null('migrate', 'applied', 'duration',
				   'applied.duration may be NULL: a stamped revision');
SELECT col_not_null('migrate', 'revision', 'up_sql', 'a revision has an up script');
SELECT col_not_null('migrate', 'revision', 'checksum', 'a revision has a checksum');

-- pg_dump carries every table and the sequence, all rows
SELECT set_eq(
	$$SELECT c::regclass::text FROM pg_extension, unnest(extconfig) AS c
	   WHERE extname = 'migrate'$$,
	ARRAY['migrate.revision', 'migrate.applied', 'migrate.history',
		  'migrate.history_seq'],
	'the three tables and history_seq are registered with pg_extension_config_dump');
SELECT is(
	(SELECT array_agg(DISTINCT w) FROM pg_extension, unnest(extcondition) AS w
	  WHERE extname = 'migrate'),
	ARRAY[''],
	'pg_dump keeps every row of them');

-- the SQL interface: one row a function, in the order of the install script
CREATE TEMP TABLE api (n serial, f name, args text[], result text, volatility text);
INSERT INTO api (f, args, result, volatility) VALUES
	('migrate_add', ARRAY['text', 'text', 'text', 'text', 'text[]'], 'text', 'volatile'),
	('migrate_push', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_downgrade', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_stamp', ARRAY['text'], 'setof record', 'volatile'),
	('migrate_reset', ARRAY['boolean'], 'setof record', 'volatile'),
	('migrate_merge', ARRAY['text', 'text[]', 'text'], 'text', 'volatile'),
	('migrate_export', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_script', ARRAY['text', 'text'], 'text', 'stable'),
	('migrate_status', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_current', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_heads', ARRAY[]::text[], 'setof record', 'stable'),
	('migrate_show', ARRAY['text'], 'setof record', 'stable'),
	('migrate_history', ARRAY[]::text[], 'setof record', 'stable');

SELECT has_function(f, args, f || '(' || array_to_string(args, ', ') || ') exists')
  FROM api ORDER BY n;
-- changing functions are volatile, looking ones stable
SELECT volatility_is(f, args, volatility) FROM api ORDER BY n;
SELECT function_returns(f, args, result) FROM api ORDER BY n;

-- arguments with their names and defaults
SELECT is(pg_get_function_arguments(f::regprocedure), a, f || ' takes ' || a)
  FROM (VALUES
	('migrate_add(text, text, text, text, text[])',
	 'message text, up text, down text DEFAULT NULL::text, id text DEFAULT NULL::text, revises text[] DEFAULT NULL::text[]'),
	('migrate_push(text)', $$target text DEFAULT 'heads'::text$$),
	('migrate_downgrade(text)', $$target text DEFAULT '-1'::text$$),
	('migrate_stamp(text)', 'target text'),
	('migrate_deploy(text)', $$IN target text DEFAULT 'heads'::text$$),
	('migrate_reset(boolean)', 'confirm boolean DEFAULT false'),
	('migrate_merge(text, text[], text)',
	 'message text, heads text[] DEFAULT NULL::text[], id text DEFAULT NULL::text'),
	('migrate_script(text, text)',
	 $$target text DEFAULT 'heads'::text, "from" text DEFAULT NULL::text$$),
	('migrate_show(text)', 'revision text')) AS v(f, a);

-- migrate_deploy is a procedure: it commits
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'migrate_deploy(text)'::regprocedure),
		  'p', 'migrate_deploy is a procedure');

-- the columns of each set of rows
SELECT is(pg_get_function_result(f::regprocedure), r, f || ' returns ' || r)
  FROM (VALUES
	('migrate_push(text)',
	 'TABLE(revision text, message text, duration interval)'),
	('migrate_downgrade(text)',
	 'TABLE(revision text, message text, duration interval)'),
	('migrate_stamp(text)',
	 'TABLE(revision text, message text, action text)'),
	('migrate_status()',
	 'TABLE(revision text, message text, state text, is_head boolean, is_current boolean, parents text[], applied_at timestamp with time zone, applied_by name, reversible boolean)'),
	('migrate_current()',
	 'TABLE(revision text, message text, applied_at timestamp with time zone)'),
	('migrate_heads()',
	 'TABLE(revision text, message text, applied boolean)'),
	('migrate_show(text)',
	 'TABLE(revision text, message text, parents text[], up text, down text, checksum text, created_at timestamp with time zone, created_by name, applied_at timestamp with time zone)'),
	('migrate_reset(boolean)',
	 'TABLE(revision text, message text, action text, duration interval)'),
	('migrate_export()',
	 'TABLE(revision text, filename text, content text)'),
	('migrate_history()',
	 'TABLE(seq bigint, revision text, action text, started_at timestamp with time zone, duration interval, session_role name, acting_role name, application_name text, client_addr inet, backend_pid integer, xid xid8, wal_lsn pg_lsn, error text, sqlstate text, statement integer, line integer)')
	) AS v(f, r);

-- every function says what it does
SELECT isnt(obj_description(p.oid, 'pg_proc'), NULL, p.proname || ' has a comment')
  FROM pg_depend d
  JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'migrate')
 ORDER BY p.proname;

SELECT * FROM finish();
ROLLBACK;
