--
-- plan: migrate_plan(target) runs the revisions a push to target would
-- apply, as the push runs them, in work that is always rolled back, and
-- says for each statement which locks it took, which relations it rewrote,
-- how long it took and how much WAL it wrote.  Times and byte counts vary
-- from run to run: what is printed is what does not (the locks, the
-- rewrites, whether WAL was written, which statement wrote more).
--
-- (lint warnings at registration are suite lint's subject, not this one's)
SET migrate.lint = off;
SET client_min_messages = warning;
CREATE EXTENSION migrate;
RESET client_min_messages;
CREATE SCHEMA regress_plan;
SET search_path = regress_plan, public;

-- orders: rows, a primary key and an index on total, which a type change
-- of total rewrites
CREATE TABLE orders (id int PRIMARY KEY, total int);
CREATE INDEX orders_total ON orders (total);
INSERT INTO orders SELECT g, g % 100 FROM generate_series(1, 2000) g;
-- notes: changed in the catalog only
CREATE TABLE notes (id int PRIMARY KEY, body varchar(100));
CREATE INDEX notes_body ON notes (body);
INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 500) g;
-- parts: indexed
CREATE TABLE parts (id int, name text);
INSERT INTO parts SELECT g, 'part ' || g FROM generate_series(1, 500) g;
CREATE SEQUENCE ticket;

-- What a dry run must leave as it found it: the files of every table and
-- index, the columns, the rows, what is applied, the history, the DDL log
-- and the expected state (compared, not printed: it holds OIDs and times)
CREATE FUNCTION regress_plan.state() RETURNS text
LANGUAGE sql
AS $$
	SELECT concat_ws(' | ',
		(SELECT string_agg(format('%s:%s', c.relname, pg_relation_filenode(c.oid)),
						   ' ' ORDER BY c.relname)
		   FROM pg_class c
		  WHERE c.relnamespace = 'regress_plan'::regnamespace AND c.relkind IN ('r', 'i')),
		(SELECT string_agg(format('%s.%s %s', a.attrelid::regclass, a.attname,
								  format_type(a.atttypid, a.atttypmod)),
						   ', ' ORDER BY a.attrelid::regclass::text, a.attnum)
		   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		  WHERE c.relnamespace = 'regress_plan'::regnamespace AND c.relkind = 'r'
			AND a.attnum > 0 AND NOT a.attisdropped),
		(SELECT format('%s orders, total %s', count(*), sum(total)) FROM orders),
		(SELECT coalesce(string_agg(revision, ' '), 'none applied')
		   FROM migrate_status() WHERE state = 'applied'),
		(SELECT format('%s history rows', count(*)) FROM migrate_history()),
		(SELECT format('%s DDL log rows', count(*)) FROM migrate_ddl_log()),
		(SELECT coalesce(max(taken_at)::text, 'no expected state') FROM migrate.snapshot))
$$;

--
-- Nothing registered: nothing to plan, no row
--
SELECT * FROM migrate_plan();

--
-- A rewrite, a change in the catalog only, an index
--
SELECT migrate_add('bigger totals', 'ALTER TABLE orders ALTER COLUMN total TYPE bigint',
				   id => 'p1', revises => '{}');
SELECT migrate_add('longer notes, with an author', $$ALTER TABLE notes ADD COLUMN author int;
ALTER TABLE notes ALTER COLUMN body TYPE varchar(200)$$, id => 'p2');
SELECT migrate_add('parts by name', 'CREATE INDEX parts_name ON parts (name)', id => 'p3');

SELECT regress_plan.state() AS before \gset
CREATE TEMP TABLE plan AS
	SELECT row_number() OVER () AS n, * FROM migrate_plan();
-- One row per statement, in the order a push runs them.  p1 rewrites orders
-- and both its indexes (orders_total is dropped and built again under its
-- name), under ACCESS EXCLUSIVE; p2 rewrites nothing: a new column without
-- a default and a longer varchar only change the catalog, and the index on
-- body keeps its file; its second statement takes no new lock on notes,
-- whose ACCESS EXCLUSIVE the first one holds already, as in the push.
-- CREATE INDEX takes SHARE on parts.  Every statement wrote some WAL.
SELECT n, revision, statement, line, command, locks, rewritten,
	   wal_bytes > 0 AS wrote_wal, duration >= '0' AS timed
  FROM plan ORDER BY n;
-- The rewrite wrote more WAL than any change in the catalog only: the WAL
-- is this backend's own, the rows of orders copied
SELECT (SELECT wal_bytes FROM plan WHERE revision = 'p1') >
	   (SELECT max(wal_bytes) FROM plan WHERE revision = 'p2') AS rewrite_wrote_more;
-- Nothing of it stayed: no table touched, nothing applied, no history, no
-- DDL log row, no expected state
SELECT regress_plan.state() = :'before' AS unchanged;
SELECT revision, state FROM migrate_status();
SELECT count(*) AS history FROM migrate_history();

-- No lock stays either, even inside the caller's transaction: the dry run
-- released the tables and the migration lock when it rolled back
BEGIN;
SELECT count(*) AS statements FROM migrate_plan();
SELECT relation::regclass, mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype = 'relation'
   AND relation IN ('orders'::regclass, 'orders_pkey'::regclass, 'orders_total'::regclass,
					'notes'::regclass, 'parts'::regclass, 'migrate.applied'::regclass);
COMMIT;

--
-- Targets, as a push takes them
--
SELECT revision, statement, command FROM migrate_plan('p1');
SELECT revision, statement, command FROM migrate_plan('+2');
SELECT * FROM migrate_plan('+4');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_plan('nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_plan(NULL);
\echo :LAST_ERROR_SQLSTATE

--
-- What the plan said, the push does: the files of orders change, those of
-- notes, its index on body and parts do not
--
SELECT pg_relation_filenode('orders') AS orders_file,
	   pg_relation_filenode('notes') AS notes_file,
	   pg_relation_filenode('notes_body') AS notes_body_file,
	   pg_relation_filenode('parts') AS parts_file \gset
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT pg_relation_filenode('orders') <> :orders_file AS orders_rewritten,
	   pg_relation_filenode('notes') <> :notes_file AS notes_rewritten,
	   pg_relation_filenode('notes_body') <> :notes_body_file AS notes_body_rewritten,
	   pg_relation_filenode('parts') <> :parts_file AS parts_rewritten;

-- Nothing pending: nothing to plan, no row
SELECT * FROM migrate_plan();
SELECT * FROM migrate_plan('p3');

--
-- A failing statement ends the plan with the error the push gives, and
-- leaves nothing (the branch f1 keeps it away from the other tests' heads)
--
SELECT migrate_add('a column, then a missing table', $$ALTER TABLE parts ADD COLUMN extra int;
ALTER TABLE nosuch ADD COLUMN y int$$, id => 'f1', revises => '{p3}');
SELECT regress_plan.state() AS before \gset
SELECT * FROM migrate_plan('f1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('f1');
\echo :LAST_ERROR_SQLSTATE
SELECT regress_plan.state() = :'before' AS unchanged;

--
-- A non-transactional revision cannot run in work that is rolled back: its
-- statements are listed unmeasured, with a NOTICE, and the plan goes on
-- (a push refuses it before anything runs; a deploy runs it)
--
SELECT migrate_add('parts by id, concurrently', $$CREATE INDEX CONCURRENTLY parts_id ON parts (id);
ALTER TABLE parts ADD COLUMN weight int$$, id => 'n1', revises => '{p3}', transactional => false);
SELECT migrate_add('notes by author', 'CREATE INDEX notes_author ON notes (author)',
				   id => 'n2', revises => '{n1}');
SELECT revision, statement, line, command, locks, rewritten,
	   duration IS NULL AS not_run, wal_bytes > 0 AS wrote_wal
  FROM migrate_plan('n2');
-- what comes after it runs without what it would have done: a statement
-- that needs its index fails here, though a deploy would succeed
SELECT migrate_add('unique parts', 'ALTER TABLE parts ADD CONSTRAINT parts_id_key UNIQUE USING INDEX parts_id',
				   id => 'n3', revises => '{n2}');
SELECT * FROM migrate_plan('n3');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('n2');
\echo :LAST_ERROR_SQLSTATE
SELECT regress_plan.state() = :'before' AS unchanged;

--
-- What the rollback does not undo: a sequence the script advanced
--
SELECT migrate_add('take a ticket', $$SELECT nextval('ticket')$$, id => 's1', revises => '{p3}');
SELECT last_value, is_called FROM ticket;
SELECT revision, command, locks FROM migrate_plan('s1');
SELECT last_value, is_called FROM ticket;

--
-- Where it cannot run
--
-- from a revision's script
SELECT migrate_add('plan inside', 'SELECT count(*) FROM migrate_plan()', id => 'x1', revises => '{p3}');
SELECT * FROM migrate_plan('x1');
\echo :LAST_ERROR_SQLSTATE
-- in a transaction whose snapshot could predate the migration lock
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM migrate_plan('s1');
ROLLBACK;

--
-- Privileges: as migrate_push, not for PUBLIC; a role granted it runs the
-- scripts with its own rights
--
CREATE ROLE regress_plan_nobody;
CREATE ROLE regress_plan_deployer;
GRANT USAGE ON SCHEMA regress_plan TO regress_plan_deployer;
GRANT EXECUTE ON FUNCTION migrate_plan(text) TO regress_plan_deployer;
SELECT regress_plan.state() AS before \gset
SET ROLE regress_plan_nobody;
SELECT * FROM migrate_plan('n2');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE regress_plan_deployer;
SELECT * FROM migrate_plan('n2');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT regress_plan.state() = :'before' AS unchanged;

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_plan CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_plan_nobody;
DROP ROLE regress_plan_deployer;
RESET client_min_messages;
RESET search_path;
