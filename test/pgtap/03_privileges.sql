-- test/pgtap/03_privileges.sql
-- Who may do what: changing functions are revoked from PUBLIC, looking ones
-- are open, the catalog schema is closed to everyone but its owner.  A role
-- granted migrate_push can apply migrations, whose scripts run with its own
-- rights, yet can neither forge nor erase their record, nor the DDL log.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(58);
SET client_min_messages = warning;

-- what PUBLIC holds
SELECT function_privs_are(f, a, 'public', p)
  FROM (VALUES
	('migrate_add', ARRAY['text', 'text', 'text', 'text', 'text[]', 'boolean', 'text', 'integer', 'text[]'], ARRAY[]::text[]),
	('migrate_push', ARRAY['text'], ARRAY[]::text[]),
	('migrate_plan', ARRAY['text'], ARRAY[]::text[]),
	('migrate_downgrade', ARRAY['text'], ARRAY[]::text[]),
	('migrate_stamp', ARRAY['text'], ARRAY[]::text[]),
	('migrate_deploy', ARRAY['text'], ARRAY[]::text[]),
	('migrate_reset', ARRAY['boolean'], ARRAY[]::text[]),
	('migrate_merge', ARRAY['text', 'text[]', 'text'], ARRAY[]::text[]),
	('migrate_export', ARRAY[]::text[], ARRAY['EXECUTE']),
	('migrate_script', ARRAY['text', 'text'], ARRAY['EXECUTE']),
	('migrate_status', ARRAY[]::text[], ARRAY['EXECUTE']),
	('migrate_current', ARRAY[]::text[], ARRAY['EXECUTE']),
	('migrate_heads', ARRAY[]::text[], ARRAY['EXECUTE']),
	('migrate_show', ARRAY['text'], ARRAY['EXECUTE']),
	('migrate_history', ARRAY[]::text[], ARRAY['EXECUTE']),
	('migrate_ddl_log', ARRAY['timestamp with time zone', 'boolean'], ARRAY['EXECUTE']),
	('migrate_adopt', ARRAY['text', 'text'], ARRAY[]::text[]),
	('migrate_lint', ARRAY['text', 'boolean'], ARRAY['EXECUTE']),
	('migrate_lint_rules', ARRAY[]::text[], ARRAY['EXECUTE'])) AS v(f, a, p);
-- the event trigger functions are the triggers' alone
SELECT function_privs_are('migrate', f, ARRAY[]::text[], 'public', ARRAY[]::text[])
  FROM unnest(ARRAY['_ddl_command_end', '_sql_drop']) AS f;
SELECT schema_privs_are('migrate', 'public', ARRAY[]::text[]);
SELECT table_privs_are('migrate', t, 'public', ARRAY[]::text[])
  FROM unnest(ARRAY['revision', 'applied', 'history', 'ddl_log']) AS t;
SELECT sequence_privs_are('migrate', s, 'public', ARRAY[]::text[])
  FROM unnest(ARRAY['history_seq', 'ddl_log_seq']) AS s;

-- revisions registered by the owner
CREATE TABLE owners_only (id int);
SELECT migrate_add('create parts', $$CREATE TABLE parts (id int)$$, $$DROP TABLE parts$$,
				   id => 'p1') \g /dev/null

-- a role with nothing granted may look, not change
CREATE ROLE regress_pgtap_reader;
SET ROLE regress_pgtap_reader;
SELECT throws_ok(format($$SELECT %s$$, c), '42501', NULL, 'PUBLIC cannot call ' || c)
  FROM unnest(ARRAY[$$migrate_add('x', 'SELECT 1')$$, $$migrate_push()$$,
					$$migrate_downgrade()$$, $$migrate_stamp('p1')$$,
					$$migrate_reset(true)$$, $$migrate_merge('m')$$,
					$$migrate_adopt('x')$$]) AS c;
SELECT results_eq($$SELECT revision, state FROM migrate_status()$$,
				  $$VALUES ('p1', 'pending')$$, 'PUBLIC can read the status');
SELECT is((SELECT message || ': ' || up FROM migrate_show('p1')),
		  'create parts: <insufficient privilege>',
		  'PUBLIC reads a revision''s message, not its script');
SELECT throws_ok($$SELECT * FROM migrate.revision$$, '42501', NULL,
				 'PUBLIC cannot read the catalog tables directly');
SELECT is((SELECT string_agg(format('%s %s %s', command_tag, object_identity,
									 coalesce(revision, 'out of band')), '; ')
			 FROM migrate_ddl_log() WHERE schema_name = 'public'),
		  'CREATE TABLE public.owners_only out of band', 'PUBLIC can read the DDL log');
SELECT is((SELECT string_agg(statement, '; ') FROM migrate_ddl_log()
			WHERE schema_name = 'public'),
		  '<insufficient privilege>', 'but not the statements it logged');
RESET ROLE;

-- a role granted migrate_push applies migrations with its own rights
CREATE ROLE regress_pgtap_deployer;
GRANT EXECUTE ON FUNCTION migrate_push(text) TO regress_pgtap_deployer;
GRANT CREATE ON SCHEMA public TO regress_pgtap_deployer;
SET ROLE regress_pgtap_deployer;
SELECT results_eq($$SELECT revision FROM migrate_push()$$, ARRAY['p1'],
				  'a granted role can push');
SELECT is((SELECT tableowner::text FROM pg_tables WHERE tablename = 'parts'),
		  'regress_pgtap_deployer', 'the script ran as the pushing role');
SELECT is((SELECT applied_by::text FROM migrate_status() WHERE revision = 'p1'),
		  'regress_pgtap_deployer', 'status says who applied it');
SELECT is((SELECT format('%s as %s', session_role, run_by) FROM migrate_history()),
		  format('%s as regress_pgtap_deployer', session_user),
		  'history records the session and the acting role');
SELECT is((SELECT string_agg(format('%s %s %s', object_identity, revision, run_by), '; ')
			 FROM migrate_ddl_log() WHERE revision IS NOT NULL),
		  'public.parts p1 regress_pgtap_deployer',
		  'the log says which revision and which role made the table');
SELECT throws_ok(c, '42501', NULL, 'the pushing role cannot ' || lower(left(c, 6)) || ' catalog rows')
  FROM unnest(ARRAY[
	$$INSERT INTO migrate.applied VALUES ('p2', now(), current_user)$$,
	$$UPDATE migrate.revision SET up_sql = 'SELECT 1'$$,
	$$DELETE FROM migrate.history$$]) AS c;
SELECT throws_ok(c, '42501', NULL, 'the pushing role cannot ' || lower(left(c, 6)) || ' log rows')
  FROM unnest(ARRAY[
	$$INSERT INTO migrate.ddl_log (run_by, command_tag) VALUES (current_user, 'DROP TABLE')$$,
	$$UPDATE migrate.ddl_log SET revision = NULL$$,
	$$DELETE FROM migrate.ddl_log$$]) AS c;
SELECT throws_ok($$SELECT migrate_adopt('mine')$$, '42501', NULL,
				 'push alone does not grant adopt');
SELECT throws_ok($$SELECT * FROM migrate_downgrade()$$, '42501', NULL,
				 'push alone does not grant downgrade');
RESET ROLE;

-- a script has the pusher's rights, not the extension owner's
SELECT migrate_add('alter owners_only', $$ALTER TABLE owners_only ADD COLUMN note text$$,
				   id => 'p2') \g /dev/null
SET ROLE regress_pgtap_deployer;
SELECT throws_ok($$SELECT * FROM migrate_push()$$, '42501', NULL,
				 'a script fails on what the pushing role may not do');
SELECT is((SELECT state FROM migrate_status() WHERE revision = 'p2'), 'pending',
		  'and its revision stays pending');
RESET ROLE;
SELECT migrate_add('alter owners_only', $$DELETE FROM migrate.history$$, id => 'p2') \g /dev/null
SET ROLE regress_pgtap_deployer;
SELECT throws_ok($$SELECT * FROM migrate_push()$$, '42501', NULL,
				 'a script cannot reach the catalog through the push');
SELECT is((SELECT count(*) FROM migrate_history()), 1::bigint, 'the history is intact');
SELECT is((SELECT count(*) FROM migrate_ddl_log() WHERE schema_name = 'public'), 2::bigint,
		  'the DDL log is intact');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
