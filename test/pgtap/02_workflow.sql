-- test/pgtap/02_workflow.sql
-- The workflow a DBA follows: register, push, look, downgrade, push again,
-- stamp a baseline; a failing push that leaves nothing behind; settings a
-- script changes that never outlive it; checksums that ignore formatting.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(47);
SET client_min_messages = warning;

-- register
SELECT is(migrate_add('create widgets',
					  $$CREATE TABLE widgets (id int PRIMARY KEY)$$,
					  $$DROP TABLE widgets$$,
					  id => 'w1'),
		  'w1', 'migrate_add returns the id it was given');
SELECT migrate_add('create gadgets',
				   $$CREATE TABLE gadgets (id int REFERENCES widgets)$$,
				   $$DROP TABLE gadgets$$) AS gen \gset
SELECT matches(:'gen'::text, '^[0-9a-f]{12}$', 'without an id, one of 12 hex digits is generated');
SELECT is((SELECT parents FROM migrate_status() WHERE revision = :'gen'),
		  ARRAY['w1'], 'a new revision revises the single head by default');
SELECT is((SELECT up FROM migrate_show('w1')),
		  $$CREATE TABLE widgets (id int PRIMARY KEY)$$,
		  'the up script is kept as written');
SELECT results_eq($$SELECT revision, state FROM migrate_status()$$,
				  format($$VALUES ('w1', 'pending'), (%L, 'pending')$$, :'gen'),
				  'registered revisions are pending, in apply order');
SELECT hasnt_table('widgets', 'registering runs nothing');

-- push
SELECT results_eq($$SELECT revision FROM migrate_push()$$,
				  ARRAY['w1', :'gen'],
				  'push returns the revisions it applied, in order');
SELECT results_eq($$SELECT revision, state FROM migrate_status()$$,
				  format($$VALUES ('w1', 'applied'), (%L, 'applied')$$, :'gen'),
				  'after the push, status says applied');
SELECT has_table('widgets', 'the first script ran');
SELECT has_table('gadgets', 'the second script ran');
SELECT is_empty($$SELECT * FROM migrate_push()$$, 'a second push has nothing to do');
SELECT results_eq($$SELECT revision FROM migrate_current()$$, ARRAY[:'gen'],
				  'current is the last revision applied');
SELECT results_eq($$SELECT revision, state FROM migrate_heads()$$,
				  format($$VALUES (%L, 'applied')$$, :'gen'),
				  'the head is applied');
SELECT results_eq($$SELECT revision, action FROM migrate_history()$$,
				  format($$VALUES ('w1', 'upgrade'), (%L, 'upgrade')$$, :'gen'),
				  'history records each upgrade');

-- downgrade, and back
SELECT results_eq($$SELECT revision FROM migrate_downgrade()$$, ARRAY[:'gen'],
				  'downgrade reverts the last revision by default');
SELECT hasnt_table('gadgets', 'its down script ran');
SELECT is((SELECT state FROM migrate_status() WHERE revision = :'gen'), 'pending',
		  'the reverted revision is pending again');
SELECT results_eq($$SELECT revision FROM migrate_current()$$, ARRAY['w1'],
				  'current moves back');
SELECT results_eq($$SELECT revision FROM migrate_push()$$, ARRAY[:'gen'],
				  'push applies it again');
SELECT results_eq($$SELECT revision FROM migrate_downgrade('base')$$,
				  ARRAY[:'gen', 'w1'],
				  'downgrade to base reverts everything in reverse order');
SELECT hasnt_table('widgets', 'every down script ran');
SELECT is_empty($$SELECT * FROM migrate_current()$$, 'nothing is current at base');
SELECT results_eq($$SELECT revision FROM migrate_push()$$, ARRAY['w1', :'gen'],
				  'the round trip ends where it started');
SELECT results_eq(
	$$SELECT action, count(*) FROM migrate_history() GROUP BY action ORDER BY action$$,
	$$VALUES ('downgrade', 3::bigint), ('upgrade', 5::bigint)$$,
	'history records every upgrade and downgrade');

-- stamp: a baseline for a schema that already exists
CREATE TABLE gizmos (id int);
SELECT migrate_add('create gizmos', $$CREATE TABLE gizmos (id int)$$,
				   $$DROP TABLE gizmos$$, id => 'g1') \g /dev/null
SELECT results_eq($$SELECT revision, action FROM migrate_stamp('g1')$$,
				  $$VALUES ('g1', 'stamp')$$,
				  'stamp marks the revision applied');
SELECT is((SELECT state FROM migrate_status() WHERE revision = 'g1'), 'applied',
		  'status says applied');
SELECT is((SELECT count(*) FROM pg_tables WHERE tablename = 'gizmos'), 1::bigint,
		  'stamp did not run the script (it would have failed on the existing table)');
SELECT results_eq(format($$SELECT revision, action FROM migrate_stamp(%L)$$, :'gen'),
				  $$VALUES ('g1', 'unstamp')$$,
				  'stamping back marks it unapplied');
SELECT has_table('gizmos', 'unstamp did not run the down script');
SELECT is((SELECT state FROM migrate_status() WHERE revision = 'g1'), 'pending',
		  'status says pending');
DROP TABLE gizmos;

-- a failing push leaves nothing: not the revisions before the failure, not
-- the statements before it in the failing script
SELECT migrate_add('create sprockets', $$CREATE TABLE sprockets (id int)$$, id => 'f1') \g /dev/null
SELECT migrate_add('half done', $$CREATE TABLE cogs (id int); SELECT 1 / 0$$, id => 'f2') \g /dev/null
SELECT count(*) AS history_before FROM migrate_history() \gset
SELECT throws_ok($$SELECT * FROM migrate_push()$$, '22012', NULL,
				 'a failing script fails the push with its own error');
SELECT hasnt_table('gizmos', 'the revision before it is not applied');
SELECT hasnt_table('sprockets', 'nor the next one');
SELECT hasnt_table('cogs', 'nor the statements before the failure');
SELECT is((SELECT count(*) FROM migrate_status() WHERE state = 'applied'), 2::bigint,
		  'only what was applied before stays applied');
SELECT is((SELECT count(*) FROM migrate_history()), :'history_before'::bigint,
		  'the failed push left no history');
SELECT migrate_add('half done', $$CREATE TABLE cogs (id int)$$, id => 'f2') \g /dev/null

-- settings a script changes never outlive it; scripts run with the caller's
-- search_path and rights
CREATE ROLE regress_pgtap_builder;
GRANT CREATE ON SCHEMA public TO regress_pgtap_builder;
CREATE SCHEMA regress_pgtap_app;
SET search_path = regress_pgtap_app, public;
SET work_mem = '4MB';
SELECT migrate_add('settings',
				   $$CREATE TABLE placed (id int);
					 SET search_path = pg_catalog;
					 SET work_mem = '7MB';
					 SET ROLE regress_pgtap_builder;
					 CREATE TABLE public.built (id int)$$,
				   id => 's1') \g /dev/null
SELECT lives_ok($$SELECT * FROM migrate_push()$$, 'a push of scripts that SET things');
SELECT has_table('regress_pgtap_app', 'placed',
				 'an unqualified name lands in the caller''s search_path');
SELECT is((SELECT tableowner::text FROM pg_tables WHERE tablename = 'built'),
		  'regress_pgtap_builder', 'SET ROLE held inside the script');
SELECT is(current_setting('search_path'), 'regress_pgtap_app, public',
		  'SET search_path in a script does not leak');
SELECT is(current_setting('work_mem'), '4MB', 'SET work_mem in a script does not leak');
SELECT is(current_user::text, session_user::text, 'SET ROLE in a script does not leak');
RESET search_path;
RESET work_mem;

-- the checksum is over tokens: whitespace, comments, case and a BEGIN/COMMIT
-- wrapper do not count
SELECT migrate_add('checksummed', $$CREATE TABLE sums (id int, label text);$$, id => 'c1') \g /dev/null
SELECT checksum AS c1_sum FROM migrate_show('c1') \gset
SELECT migrate_add('checksummed',
				   E'BEGIN;\n-- reformatted\ncreate  table SUMS (\n\tID INT,\n\tlabel /* the name */ TEXT\n);\nCOMMIT;\n',
				   id => 'c1') \g /dev/null
SELECT is((SELECT checksum FROM migrate_show('c1')), :'c1_sum',
		  'a reformatted script has the same checksum');
SELECT is((SELECT up FROM migrate_show('c1')), $$CREATE TABLE sums (id int, label text);$$,
		  'registering it again is a no-op');
SELECT is(
	(SELECT checksum FROM migrate_show(migrate_add('checksummed', $$CREATE TABLE sums (id int, label text)$$,
												  id => 'c1'))),
	:'c1_sum', 'a final semicolon does not count');
SELECT migrate_add('checksummed', $$CREATE TABLE sums (id int, label varchar)$$, id => 'c1') \g /dev/null
SELECT isnt((SELECT checksum FROM migrate_show('c1')), :'c1_sum',
			'a changed script has another checksum');
SELECT lives_ok($$SELECT migrate_add('create widgets', 'create table WIDGETS (ID int primary key)',
									 'drop table widgets', id => 'w1')$$,
				'an applied revision may be registered again, reformatted');

SELECT * FROM finish();
ROLLBACK;
