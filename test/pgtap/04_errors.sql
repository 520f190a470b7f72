-- test/pgtap/04_errors.sql
-- The main classes of error, by SQLSTATE (sql/*.sql pins the messages), and
-- that a refused call stores nothing.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(41);
SET client_min_messages = warning;

SELECT throws_ok($$SELECT * FROM migrate_push('head')$$, '42704', NULL,
				 'there is no head before anything is registered');

-- what registering refuses
SELECT throws_ok(format($$SELECT migrate_add('refused', %L)$$, up), code, NULL,
				 'an up script with ' || what || ' is refused')
  FROM (VALUES
	('a syntax error', E'CREATE TABLE t (\n  id int,\n)', '42601'),
	('a psql meta-command', E'\\set x 1\nSELECT 1', '42601'),
	('COMMIT', 'CREATE TABLE t (id int); COMMIT', '0A000'),
	('SAVEPOINT', 'SAVEPOINT s; CREATE TABLE t (id int)', '0A000'),
	('COPY FROM STDIN', 'COPY t FROM STDIN', '0A000'),
	('SET standard_conforming_strings', 'SET standard_conforming_strings = off', '0A000'),
	('CREATE INDEX CONCURRENTLY', 'CREATE INDEX CONCURRENTLY i ON t (id)', '25001'),
	('VACUUM', 'VACUUM', '25001'),
	('ALTER SYSTEM', 'ALTER SYSTEM SET work_mem = ''8MB''', '25001'),
	('CREATE DATABASE', 'CREATE DATABASE regress_pgtap_db', '25001'),
	('only comments', '-- nothing to do', '22023'),
	('only a BEGIN/COMMIT pair', 'BEGIN; COMMIT;', '22023')) AS v(what, up, code);
SELECT throws_ok($$SELECT migrate_add('refused', 'SELECT 1', 'DROP TABLE')$$, '42601', NULL,
				 'a down script with a syntax error is refused');
SELECT throws_ok(c, code, NULL, what)
  FROM (VALUES
	($$SELECT migrate_add(NULL, 'SELECT 1')$$, '22023', 'a revision needs a message'),
	($$SELECT migrate_add(' ', 'SELECT 1')$$, '22023', 'a blank message is refused'),
	($$SELECT migrate_add('refused', NULL)$$, '22004', 'a revision needs an up script'),
	($$SELECT migrate_add('refused', 'SELECT 1', id => 'no spaces')$$, '22023',
	 'a malformed id is refused'),
	($$SELECT migrate_add('refused', 'SELECT 1', id => 'base')$$, '42939',
	 'a target keyword is not an id'),
	($$SELECT migrate_add('refused', 'SELECT 1', revises => ARRAY['nope'])$$, '42704',
	 'an unknown parent is refused')) AS v(c, code, what);
SELECT is_empty($$SELECT * FROM migrate_status()$$, 'a refused registration stores nothing');

-- a1 is applied and irreversible, a2 applied, a3 pending
SELECT migrate_add('irreversible', 'CREATE TABLE e1 (id int)', id => 'a1') \g /dev/null
SELECT migrate_add('reversible', 'CREATE TABLE e2 (id int)', 'DROP TABLE e2', id => 'a2') \g /dev/null
SELECT migrate_push() \g /dev/null
SELECT migrate_add('pending', 'SELECT 1', 'SELECT 1', id => 'a3') \g /dev/null

SELECT throws_ok(c, code, NULL, what)
  FROM (VALUES
	($$SELECT migrate_add('irreversible', 'CREATE TABLE e1 (id bigint)', id => 'a1')$$,
	 '55000', 'an applied revision cannot be changed'),
	($$SELECT migrate_add('irreversible', 'CREATE TABLE e1 (id int)', id => 'a1',
						  revises => ARRAY['a3'])$$,
	 '22023', 'a cycle is refused'),
	($$SELECT migrate_add('pending', 'SELECT 1', id => 'a3', revises => ARRAY['a3'])$$,
	 '22023', 'a revision cannot revise itself'),
	($$SELECT migrate_add('root', 'SELECT 1', id => 'b1', revises => '{}');
	   SELECT migrate_add('where', 'SELECT 2')$$,
	 '55000', 'with several heads, the parent must be named'),
	($$SELECT migrate_add('root', 'SELECT 1', id => 'b1', revises => '{}');
	   SELECT * FROM migrate_push('head')$$,
	 '55000', 'with several heads, "head" is ambiguous'),
	($$SELECT * FROM migrate_push('zz')$$, '42704', 'an unknown target is refused'),
	($$SELECT * FROM migrate_show('zz')$$, '42704', 'show refuses an unknown revision'),
	($$SELECT * FROM migrate_push('a')$$, '22023', 'an ambiguous prefix is refused'),
	($$SELECT * FROM migrate_push('+x')$$, '22023', 'a malformed relative target is refused'),
	($$SELECT * FROM migrate_push('+2')$$, '22023', 'push cannot go past the last revision'),
	($$SELECT * FROM migrate_push('-1')$$, '22023', 'push does not move backwards'),
	($$SELECT * FROM migrate_downgrade('+1')$$, '22023', 'downgrade does not move forwards'),
	($$SELECT * FROM migrate_downgrade('a3')$$, '55000',
	 'downgrade refuses a target that is not applied'),
	($$SELECT * FROM migrate_downgrade('base')$$, '55000',
	 'an irreversible revision stops a downgrade'),
	($$SET LOCAL transaction_read_only = on; SELECT * FROM migrate_push()$$, '25006',
	 'a read-only transaction cannot push'),
	($$SET LOCAL transaction_read_only = on; SELECT migrate_add('x', 'SELECT 1')$$, '25006',
	 'a read-only transaction cannot register'),
	($$SELECT migrate_add('nested', 'SELECT * FROM migrate_push()', id => 'n1');
	   SELECT * FROM migrate_push()$$,
	 '55000', 'a script cannot push')) AS v(c, code, what);

SELECT has_table('e2', 'the refused downgrade ran nothing');
SELECT results_eq($$SELECT revision, state FROM migrate_status()$$,
				  $$VALUES ('a1', 'applied'), ('a2', 'applied'), ('a3', 'pending')$$,
				  'refused calls changed nothing');
SELECT is((SELECT count(*) FROM migrate_history()), 2::bigint, 'and logged nothing');

SELECT * FROM finish();
ROLLBACK;
