--
-- push: migrate_push applies pending revisions in order, atomically (all of
-- them in the caller's transaction), each in its own GUC nest level
--
CREATE EXTENSION migrate;

-- the scripts create their objects here (the caller's search_path)
CREATE SCHEMA regress_push;
SET search_path = regress_push, public;
SELECT current_user AS caller \gset

-- what the scripts saw while they ran
CREATE TABLE regress_push.seen (rev text, what text, val text);

-- applied revisions, objects the scripts left, rows in the history
CREATE FUNCTION regress_push.summary(OUT applied text, OUT objects text,
									 OUT history bigint)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_push'::regnamespace
			   AND relkind IN ('r', 'v') AND relname <> 'seen'),
		   (SELECT count(*) FROM migrate_history())
$$;

-- a role for SET ROLE inside scripts
CREATE ROLE regress_push_other;
GRANT USAGE ON SCHEMA regress_push TO regress_push_other;
GRANT INSERT ON regress_push.seen TO regress_push_other;

--
-- Pushing
--

-- nothing registered: nothing to do, no row
SELECT * FROM migrate_push();

SELECT migrate_add('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
				   'DROP TABLE users', id => 'r1');
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2');
SELECT migrate_add('create orders',
				   'CREATE TABLE orders (id int, user_id int REFERENCES users)',
				   'DROP TABLE orders', id => 'r3');

-- one row per revision, in order, with a NOTICE each (DETAIL: the time taken)
\set VERBOSITY terse
SELECT revision, message, duration >= interval '0' AS timed FROM migrate_push();
\set VERBOSITY default
SELECT * FROM summary();
SELECT revision, action, run_by = :'caller' AS by_caller,
	   duration IS NOT NULL AS timed, error
FROM migrate_history() ORDER BY seq;
SELECT revision, state, applied_by = :'caller' AS by_caller FROM migrate_status();

-- nothing pending: no row and no NOTICE
\set VERBOSITY terse
SELECT * FROM migrate_push();
SELECT * FROM migrate_push('heads');
\set VERBOSITY default
SELECT * FROM summary();

--
-- Atomicity: a failing third revision leaves nothing of the first two
--
SET client_min_messages = warning;
SELECT migrate_add('create items', 'CREATE TABLE items (id int)',
				   'DROP TABLE items', id => 'a1');
-- statement 2 uses what statement 1 created: statements run one by one
SELECT migrate_add('create tags', $up$
CREATE TABLE tags (id int, name text);
INSERT INTO tags VALUES (1, 'one');
CREATE VIEW tag_names AS SELECT name FROM tags;
$up$, 'DROP VIEW tag_names; DROP TABLE tags', id => 'a2');

-- a runtime error in statement 3, which starts on line 5
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
INSERT INTO prices VALUES (1, 10);

INSERT INTO prices
	SELECT 2, amount / 0 FROM prices;
$up$, 'DROP TABLE prices', id => 'a3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();
SELECT revision, state FROM migrate_status() WHERE revision LIKE 'a%';

-- an error found at execution, with a position: LINE and caret point into
-- the statement, CONTEXT gives the line of the script
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
CREATE VIEW cheap AS
	SELECT id
	  FROM cheap_prices
	 WHERE amount < 5;
$up$, 'DROP VIEW cheap; DROP TABLE prices', id => 'a3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();

-- statement 3 uses what statement 2 created, and statement 4 fails: the
-- table made by statement 2 is gone with the rest
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
CREATE TABLE price_log (id int REFERENCES users);
INSERT INTO price_log SELECT id FROM users;
INSERT INTO price_log VALUES (42);
$up$, 'DROP TABLE price_log; DROP TABLE prices', id => 'a3');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();

-- a syntax error cannot get this far: registering refuses it
SELECT migrate_add('fill prices', 'CREATE TABLE prices (id int,)', id => 'a3');
\echo :LAST_ERROR_SQLSTATE

-- fixed, the three go in together
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
INSERT INTO prices VALUES (1, 10);
$up$, 'DROP TABLE prices', id => 'a3');
SELECT revision, message FROM migrate_push();
RESET client_min_messages;
SELECT * FROM summary();
SELECT * FROM tag_names;

--
-- Settings: whatever a script SETs never outlives it, on success or failure
--
SET client_min_messages = warning;
SELECT migrate_add('settings', $up$
SET search_path = pg_catalog;
SET work_mem = '7MB';
SET LOCAL statement_timeout = '5s';
SELECT pg_catalog.set_config('lock_timeout', '3s', false);
SET ROLE regress_push_other;
INSERT INTO regress_push.seen
	VALUES ('g1', 'role', current_user),
		   ('g1', 'settings', concat_ws(' ', current_setting('search_path'),
				current_setting('work_mem'), current_setting('statement_timeout'),
				current_setting('lock_timeout')));
$up$, 'SELECT 1', id => 'g1');
-- the next revision of the same push starts from the caller's settings
SELECT migrate_add('settings seen next', $up$
INSERT INTO seen
	VALUES ('g2', 'role', current_user = session_user),
		   ('g2', 'settings', concat_ws(' ', current_setting('search_path'),
				current_setting('work_mem'), current_setting('statement_timeout'),
				current_setting('lock_timeout')));
$up$, 'SELECT 1', id => 'g2');
SELECT revision FROM migrate_push();
SELECT rev, what, val FROM seen ORDER BY rev, what;
SELECT current_user = :'caller' AS caller_again, current_setting('search_path'),
	   current_setting('work_mem'), current_setting('statement_timeout'),
	   current_setting('lock_timeout');

-- the caller's own transaction-local settings come back, not the defaults
BEGIN;
SET LOCAL work_mem = '5MB';
SET LOCAL search_path = regress_push, public, pg_catalog;
SELECT migrate_add('settings again', $up$
SET work_mem = '9MB';
SET search_path = public;
RESET ALL;
$up$, 'SELECT 1', id => 'g3');
SELECT revision FROM migrate_push();
SELECT current_setting('work_mem'), current_setting('search_path');
ROLLBACK;

-- SET SESSION AUTHORIZATION (allowed to a superuser) lasts as long as the
-- script too
SELECT migrate_add('session authorization', $up$
SET SESSION AUTHORIZATION regress_push_other;
INSERT INTO regress_push.seen
	VALUES ('g4', 'session', session_user), ('g4', 'current', current_user);
$up$, 'SELECT 1', id => 'g4');
SELECT revision FROM migrate_push();
SELECT rev, what, val FROM seen WHERE rev = 'g4' ORDER BY what;
SELECT session_user = :'caller' AS session_again,
	   current_user = :'caller' AS current_again;
-- the bookkeeping names the caller, whatever role the scripts took
SELECT revision, session_role = :'caller' AS session_caller,
	   run_by = :'caller' AS acting_caller
FROM migrate_history() WHERE revision IN ('g1', 'g4') ORDER BY seq;
SELECT revision, applied_by = :'caller' AS by_caller
FROM migrate_status() WHERE revision IN ('g1', 'g4');

-- a failing script's settings go too (the push fails as a whole)
SELECT migrate_add('settings then failure', $up$
SET search_path = pg_catalog;
SET work_mem = '7MB';
SET ROLE regress_push_other;
CREATE TABLE regress_push.forbidden (a int);
$up$, 'SELECT 1', id => 'g5');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT current_user = :'caller' AS caller_again, current_setting('search_path'),
	   current_setting('work_mem');
-- caught by a PL/pgSQL handler, within the same transaction
DO $$
BEGIN
	PERFORM migrate_push();
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'caught: %', SQLERRM;
	RAISE WARNING 'role %, search_path %, work_mem %',
		current_user = session_user, current_setting('search_path'),
		current_setting('work_mem');
END
$$;
SELECT migrate_add('settings then failure', 'SELECT 1', 'SELECT 1', id => 'g5');
SELECT revision FROM migrate_push();
RESET client_min_messages;

--
-- Transactions around the push
--
SET client_min_messages = warning;
SELECT migrate_add('create t1', 'CREATE TABLE t1 (a int)', 'DROP TABLE t1', id => 't1');
SELECT migrate_add('create t2', 'CREATE TABLE t2 (a int)', 'DROP TABLE t2', id => 't2');
SELECT migrate_add('create t3', 'CREATE TABLE t3 (a int)', 'DROP TABLE t3', id => 't3');

-- the caller rolls back its transaction: nothing of the push remains
SELECT * FROM summary();
BEGIN;
SELECT revision FROM migrate_push();
SELECT * FROM summary();
ROLLBACK;
SELECT * FROM summary();

-- a PL/pgSQL block catches a failure of the push: nothing of it remains
SELECT migrate_add('create t3', 'CREATE TABLE t3 (a int); SELECT 1 / 0',
				   'DROP TABLE t3', id => 't3');
DO $$
BEGIN
	PERFORM migrate_push();
EXCEPTION WHEN division_by_zero THEN
	RAISE WARNING 'caught: %', SQLERRM;
END
$$;
SELECT * FROM summary();
SELECT migrate_add('create t3', 'CREATE TABLE t3 (a int)', 'DROP TABLE t3', id => 't3');

-- refused where a concurrent push could be missed, or nothing can be written
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SET default_transaction_read_only = on;
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
RESET default_transaction_read_only;
SELECT * FROM summary();

-- at READ COMMITTED, in a transaction block or not, it goes
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT revision FROM migrate_push('t2');
COMMIT;
SELECT revision FROM migrate_push();
RESET client_min_messages;

--
-- A script cannot change migrations
--
SET client_min_messages = warning;
SELECT migrate_add('nested', 'SELECT * FROM migrate_push()', 'SELECT 1', id => 'n1');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('nested', $up$SELECT migrate_add('inner', 'SELECT 1')$up$,
				   'SELECT 1', id => 'n1');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('nested', $up$SELECT * FROM migrate_downgrade()$up$,
				   'SELECT 1', id => 'n1');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('nested', $up$SELECT * FROM migrate_stamp('base')$up$,
				   'SELECT 1', id => 'n1');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
-- looking is fine: the running revision is still pending
SELECT migrate_add('nested', $up$
INSERT INTO seen SELECT 'n1', 'status', state FROM migrate_status()
	WHERE revision = 'n1'$up$, 'SELECT 1', id => 'n1');
SELECT revision FROM migrate_push();
SELECT rev, what, val FROM seen WHERE rev = 'n1';
RESET client_min_messages;

--
-- What a script may hold
--
SET client_min_messages = warning;

-- statements that return rows
SELECT migrate_add('queries', $up$
SELECT * FROM generate_series(1, 1000);
SELECT id FROM users;
VALUES (1), (2);
CREATE TABLE counted AS SELECT count(*) AS n FROM generate_series(1, 1000);
$up$, 'DROP TABLE counted', id => 'q1');

-- a dollar-quoted body with semicolons is one statement: a failing
-- statement after it is number 3
SELECT $up$
CREATE FUNCTION add_one(a int) RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE
	b int;
BEGIN
	b := a + 1;
	RETURN b;
END;
$fn$;
SELECT add_one(1);
$up$ AS function_up \gset
SELECT migrate_add('function', :'function_up' || $$SELECT add_one('x');$$,
				   'DROP FUNCTION add_one(int)', id => 'q2');
SELECT revision FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('function', :'function_up', 'DROP FUNCTION add_one(int)',
				   id => 'q2');
SELECT revision FROM migrate_push();
SELECT * FROM counted;
SELECT add_one(41);

-- an outer BEGIN/COMMIT pair is dropped when registering (NOTICE) and never
-- runs: the caller's ROLLBACK undoes the push
RESET client_min_messages;
\set VERBOSITY terse
SELECT migrate_add('wrapped', $up$
BEGIN;
CREATE TABLE wrapped (a int);
INSERT INTO wrapped VALUES (1);
COMMIT;
$up$, $down$
BEGIN;
DROP TABLE wrapped;
COMMIT;
$down$, id => 'w1');
BEGIN;
SELECT revision, message FROM migrate_push();
SELECT * FROM wrapped;
ROLLBACK;
\set VERBOSITY default
SELECT * FROM summary();
-- statements are numbered as written, wrapper included
SET client_min_messages = warning;
SELECT migrate_add('wrapped', $up$
BEGIN;
CREATE TABLE wrapped (a int);
INSERT INTO wrapped VALUES ('x');
COMMIT;
$up$, 'DROP TABLE wrapped', id => 'w1');
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;

-- an error inside a DO block reports the line where the statement starts:
-- the position of PL/pgSQL's inner query says nothing about the script's lines
SET client_min_messages = warning;
SELECT migrate_add('plpgsql', $up$CREATE TABLE in_do (a int);
DO $do$
BEGIN
  RAISE NOTICE 'x';
  PERFORM * FROM nope;
END
$do$;$up$, id => 'p1', revises => '{}');
SELECT * FROM migrate_push('p1');
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_push CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_push_other;
RESET client_min_messages;
RESET search_path;
