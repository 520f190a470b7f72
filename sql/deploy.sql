--
-- deploy: CALL migrate_deploy applies pending revisions committing after
-- each one; a failure leaves the committed prefix and records itself
--
CREATE EXTENSION migrate;

-- the scripts create their objects here (the caller's search_path)
CREATE SCHEMA regress_deploy;
SET search_path = regress_deploy, public;

-- what the scripts saw while they ran
CREATE TABLE regress_deploy.seen (rev text, what text, val text);

-- applied revisions, tables the scripts left, rows in the history
CREATE FUNCTION regress_deploy.summary(OUT applied text, OUT tables text,
									   OUT history bigint)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_deploy'::regnamespace
			   AND relkind = 'r' AND relname <> 'seen'),
		   (SELECT count(*) FROM migrate_history())
$$;

-- a role for SET ROLE inside scripts
CREATE ROLE regress_deploy_other;
GRANT USAGE ON SCHEMA regress_deploy TO regress_deploy_other;
GRANT INSERT ON regress_deploy.seen TO regress_deploy_other;

SELECT migrate_add('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
				   'DROP TABLE users', id => 'r1');
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2');

--
-- Refused where it cannot commit, or where a push would be refused
--

-- inside a transaction block
BEGIN;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- from a function
CREATE FUNCTION regress_deploy.deploy_from_function() RETURNS void
LANGUAGE plpgsql
AS $$ BEGIN CALL migrate_deploy(); END $$;
SELECT deploy_from_function();
\echo :LAST_ERROR_SQLSTATE
-- from a DO block inside a transaction block
BEGIN;
DO $$ BEGIN CALL migrate_deploy(); END $$;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- under REPEATABLE READ or SERIALIZABLE
SET default_transaction_isolation = 'repeatable read';
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
SET default_transaction_isolation = 'serializable';
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET default_transaction_isolation;
-- in read-only mode
SET default_transaction_read_only = on;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET default_transaction_read_only;
-- a NULL or unknown target
CALL migrate_deploy(NULL);
\echo :LAST_ERROR_SQLSTATE
CALL migrate_deploy('nope');
\echo :LAST_ERROR_SQLSTATE
-- nothing ran
SELECT * FROM summary();

--
-- Deploying
--

-- one NOTICE per revision (DETAIL: the time taken), each in its own
-- transaction
\set VERBOSITY terse
CALL migrate_deploy();
\set VERBOSITY default
SELECT * FROM summary();
SELECT revision, action, dense_rank() OVER (ORDER BY xid) AS transaction,
	   duration IS NOT NULL AS timed, error, sqlstate, statement, line
FROM migrate_history() ORDER BY seq;
SELECT revision, state, applied_by = current_user AS by_me,
	   applied_at IS NOT NULL AS has_applied_at
FROM migrate_status();

-- nothing pending: nothing runs, no NOTICE
\set VERBOSITY terse
CALL migrate_deploy();
CALL migrate_deploy('heads');
\set VERBOSITY default
SELECT * FROM summary();

--
-- A failing third revision: the first two stay committed, the failure is
-- recorded, nothing of the third remains
--
SELECT migrate_add('create items', 'CREATE TABLE items (id int)',
				   'DROP TABLE items', id => 'f1');
SELECT migrate_add('fill items', 'INSERT INTO items VALUES (1), (2)',
				   'DELETE FROM items', id => 'f2');
-- a runtime error in statement 3, which starts on line 5
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
INSERT INTO prices VALUES (1, 10);

INSERT INTO prices
	SELECT 2, amount / 0 FROM prices;
$up$, 'DROP TABLE prices', id => 'f3');
SELECT max(seq) AS seq_before FROM migrate_history() \gset

SET client_min_messages = warning;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT * FROM summary();
SELECT * FROM items ORDER BY id;
SELECT to_regclass('regress_deploy.prices') AS prices;
SELECT revision, state FROM migrate_status() WHERE revision LIKE 'f%';
-- f1 and f2 committed one by one, then the failure, in a transaction of its own
SELECT revision, action, dense_rank() OVER (ORDER BY xid) AS transaction,
	   error, sqlstate, statement, line,
	   duration IS NOT NULL AS timed, started_at IS NOT NULL AS has_started_at,
	   run_by = current_user AS by_me
FROM migrate_history() WHERE seq > :seq_before ORDER BY seq;

-- the same failure again: one more failure row, nothing else changes
SET client_min_messages = warning;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT * FROM summary();
SELECT revision, action, error, sqlstate, statement, line
FROM migrate_history() WHERE seq > :seq_before ORDER BY seq;

-- an error with a position: the line it points at
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
CREATE VIEW cheap AS
	SELECT id
	  FROM cheap_prices
	 WHERE amount < 5;
$up$, 'DROP VIEW cheap; DROP TABLE prices', id => 'f3');
SET client_min_messages = warning;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT revision, action, error, sqlstate, statement, line
FROM migrate_history() WHERE seq > :seq_before ORDER BY seq DESC LIMIT 1;

-- fixed (the same id registered again), a second CALL finishes the job
SELECT migrate_add('fill prices', $up$
CREATE TABLE prices (id int, amount numeric);
INSERT INTO prices VALUES (1, 10);
$up$, 'DROP TABLE prices', id => 'f3');
\set VERBOSITY terse
CALL migrate_deploy();
\set VERBOSITY default
SELECT * FROM summary();
SELECT * FROM prices;
SELECT revision, action, error IS NULL AS no_error, sqlstate, statement, line
FROM migrate_history() WHERE seq > :seq_before ORDER BY seq;

--
-- Targets
--
SET client_min_messages = warning;
SELECT migrate_add('t1', 'CREATE TABLE t1 (id int)', 'DROP TABLE t1', id => 't1');
SELECT migrate_add('t2', 'CREATE TABLE t2 (id int)', 'DROP TABLE t2', id => 't2');
SELECT migrate_add('t3', 'CREATE TABLE t3 (id int)', 'DROP TABLE t3', id => 't3');
SELECT migrate_add('t4', 'CREATE TABLE t4 (id int)', 'DROP TABLE t4', id => 't4');
RESET client_min_messages;
\set VERBOSITY terse
-- +N: the next N pending revisions
CALL migrate_deploy('+1');
-- an id: it and what it builds on
CALL migrate_deploy('t3');
\set VERBOSITY default
SELECT revision, state FROM migrate_status() WHERE revision LIKE 't%';
-- further than the heads, or backwards: refused, nothing runs
CALL migrate_deploy('+2');
\echo :LAST_ERROR_SQLSTATE
CALL migrate_deploy('-1');
\echo :LAST_ERROR_SQLSTATE
-- base: nothing to push
CALL migrate_deploy('base');
SELECT revision, state FROM migrate_status() WHERE revision LIKE 't%';
\set VERBOSITY terse
CALL migrate_deploy('head');
\set VERBOSITY default
SELECT * FROM summary();

--
-- Settings: whatever a script SETs does not outlive the CALL
--
SET work_mem = '3MB';
SELECT current_user AS caller \gset
SELECT migrate_add('settings', $up$
SET search_path = pg_catalog;
SET work_mem = '7MB';
SET ROLE regress_deploy_other;
INSERT INTO regress_deploy.seen
	VALUES ('s1', 'role', current_user),
		   ('s1', 'settings', concat_ws(' ', current_setting('search_path'),
				current_setting('work_mem')));
$up$, 'SELECT 1', id => 's1');
-- the next revision, in the next transaction, starts from the caller's settings
SELECT migrate_add('settings seen next', $up$
INSERT INTO seen
	VALUES ('s2', 'role', current_user),
		   ('s2', 'settings', concat_ws(' ', current_setting('search_path'),
				current_setting('work_mem')));
$up$, 'SELECT 1', id => 's2');
-- and a failing revision that SETs first
SELECT migrate_add('settings then failure', $up$
SET search_path = pg_catalog;
SET ROLE regress_deploy_other;
SELECT 1 / 0;
$up$, 'SELECT 1', id => 's3');
SET client_min_messages = warning;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT rev, what, replace(val, :'caller', '(caller)') AS val FROM seen ORDER BY rev, what;
SELECT current_user = :'caller' AS still_caller, current_setting('search_path'),
	   current_setting('work_mem');
SELECT revision, state FROM migrate_status() WHERE revision LIKE 's%';
SELECT revision, action, error, sqlstate, statement, line,
	   run_by = :'caller' AS by_caller
FROM migrate_history() WHERE revision = 's3';
RESET work_mem;

--
-- A DO block or a procedure at top level can commit, so they may deploy
--
SELECT migrate_add('s3 fixed', 'CREATE TABLE s3 (id int)', 'DROP TABLE s3', id => 's3');
SELECT migrate_add('p1', 'CREATE TABLE p1 (id int)', 'DROP TABLE p1', id => 'p1');
\set VERBOSITY terse
DO $$ BEGIN CALL migrate_deploy('s3'); END $$;
CREATE PROCEDURE regress_deploy.deploy_from_procedure()
LANGUAGE plpgsql
AS $$ BEGIN CALL migrate_deploy(); END $$;
CALL deploy_from_procedure();
\set VERBOSITY default
SELECT * FROM summary();

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_deploy CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_deploy_other;
RESET client_min_messages;
RESET search_path;
