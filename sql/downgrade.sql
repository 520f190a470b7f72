--
-- downgrade: migrate_downgrade runs down scripts in reverse order,
-- atomically, and never starts past an irreversible revision
--
-- (lint warnings at registration are suite lint's subject, not this one's)
SET migrate.lint = off;
CREATE EXTENSION migrate;

-- the scripts create their objects here (the caller's search_path)
CREATE SCHEMA regress_dg;
SET search_path = regress_dg, public;
SELECT current_user AS caller \gset

-- every down script that runs appends its revision here
CREATE TABLE regress_dg.ran (n serial, rev text);
-- and bumps this sequence, which no rollback takes back
CREATE SEQUENCE regress_dg.down_calls;

-- how many down scripts ran, rolled back or not
CREATE FUNCTION regress_dg.down_count() RETURNS bigint
LANGUAGE sql
AS $$
	SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM regress_dg.down_calls
$$;

-- applied revisions, objects the scripts left, rows in the history
CREATE FUNCTION regress_dg.summary(OUT applied text, OUT objects text,
								   OUT history bigint)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_dg'::regnamespace
			   AND relkind IN ('r', 'v') AND relname <> 'ran'),
		   (SELECT count(*) FROM migrate_history())
$$;

-- the down scripts that ran since the last call, in order
CREATE FUNCTION regress_dg.ran_since() RETURNS text
LANGUAGE sql
AS $$
	WITH d AS (DELETE FROM regress_dg.ran RETURNING n, rev)
	SELECT coalesce(string_agg(rev, ' ' ORDER BY n), '-') FROM d
$$;

-- four revisions, each building on the one before: a down script fails if
-- run before the down script of the revision after it
SELECT migrate_add('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
				   $down$DROP TABLE users;
INSERT INTO ran (rev) VALUES ('d1'); SELECT nextval('down_calls')$down$,
				   id => 'd1');
SELECT migrate_add('create orders',
				   'CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users)',
				   $down$DROP TABLE orders;
INSERT INTO ran (rev) VALUES ('d2'); SELECT nextval('down_calls')$down$,
				   id => 'd2');
SELECT migrate_add('create order view',
				   'CREATE VIEW order_users AS SELECT o.id, u.id AS user_id FROM orders o JOIN users u ON u.id = o.user_id',
				   $down$DROP VIEW order_users;
INSERT INTO ran (rev) VALUES ('d3'); SELECT nextval('down_calls')$down$,
				   id => 'd3');
SELECT migrate_add('add order note', 'ALTER TABLE orders ADD note text',
				   $down$ALTER TABLE orders DROP note;
INSERT INTO ran (rev) VALUES ('d4'); SELECT nextval('down_calls')$down$,
				   id => 'd4');

--
-- Nothing applied
--
SELECT * FROM migrate_downgrade('base');
SELECT * FROM migrate_downgrade();
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT * FROM summary();

--
-- Targets
--

-- the default is -1: the last applied revision; a NOTICE each
\set VERBOSITY terse
SELECT revision, message, duration >= interval '0' AS timed FROM migrate_downgrade();
\set VERBOSITY default
SELECT ran_since(), * FROM summary();

-- -2: the two before it, latest first
\set VERBOSITY terse
SELECT revision, message FROM migrate_downgrade('-2');
\set VERBOSITY default
SELECT ran_since(), * FROM summary();

-- base: everything left
SET client_min_messages = warning;
SELECT revision FROM migrate_downgrade('base');
SELECT ran_since(), * FROM summary();

-- to an id (or a unique prefix): what is built on it, not the revision itself
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade('d2');
SELECT ran_since(), * FROM summary();
SELECT revision FROM migrate_downgrade('d');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('d1');
SELECT ran_since(), * FROM summary();
-- to the current revision, or heads: nothing to do
SELECT revision FROM migrate_downgrade('d1');
SELECT revision FROM migrate_downgrade('heads');

-- refused targets
SELECT revision FROM migrate_downgrade('d3');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('-2');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('+1');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('-0');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('zz');
\echo :LAST_ERROR_SQLSTATE
SELECT ran_since(), * FROM summary();

-- the history, oldest first
SELECT revision, action, run_by = :'caller' AS by_caller,
	   duration IS NOT NULL AS timed, error
FROM migrate_history() ORDER BY seq;

--
-- Round trip: down then up again gives the same schema
--
SELECT revision FROM migrate_push();
INSERT INTO users VALUES (1);
INSERT INTO orders VALUES (10, 1, 'first');
SELECT revision FROM migrate_downgrade('-2');
SELECT ran_since(), * FROM summary();
SELECT * FROM orders;
SELECT revision FROM migrate_push();
SELECT * FROM order_users;
SELECT attname FROM pg_attribute
WHERE attrelid = 'orders'::regclass AND attnum > 0 AND NOT attisdropped
ORDER BY attnum;
SELECT revision, state FROM migrate_status();
DELETE FROM orders;
DELETE FROM users;
RESET client_min_messages;

--
-- Atomicity: a failing down script leaves everything as it was
--
SET client_min_messages = warning;
-- a view made out of band depends on users: d1's down script fails, after
-- the down scripts of d4, d3 and d2 have run
CREATE VIEW user_ids AS SELECT id FROM users;
SELECT down_count() AS calls_before \gset
SELECT revision FROM migrate_downgrade('base');
\echo :LAST_ERROR_SQLSTATE
-- they ran (down_calls moved) but nothing of them remains
SELECT down_count() - :calls_before AS down_scripts_run;
SELECT ran_since(), * FROM summary();
SELECT revision, state FROM migrate_status();
-- caught by a PL/pgSQL handler: nothing of the downgrade remains either
DO $$
BEGIN
	PERFORM migrate_downgrade('base');
EXCEPTION WHEN dependent_objects_still_exist THEN
	RAISE WARNING 'caught: %', SQLERRM;
END
$$;
SELECT ran_since(), * FROM summary();
DROP VIEW user_ids;
-- the caller rolls back a downgrade that went through
BEGIN;
SELECT revision FROM migrate_downgrade('base');
SELECT ran_since(), * FROM summary();
ROLLBACK;
SELECT ran_since(), * FROM summary();
RESET client_min_messages;

--
-- Irreversible revisions
--
SET client_min_messages = warning;
SELECT migrate_add('backfill', 'INSERT INTO users VALUES (7)', id => 'i1');
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   $down$ALTER TABLE users DROP email;
INSERT INTO ran (rev) VALUES ('i2'); SELECT nextval('down_calls')$down$,
				   id => 'i2');
SELECT revision FROM migrate_push();
SELECT revision, reversible FROM migrate_status() WHERE revision LIKE 'i%';
SELECT down_count() AS calls_before \gset

-- i2 could be reverted, but i1 is on the way: nothing runs, not even i2's
-- down script (down_calls, which no rollback undoes, does not move)
SELECT revision FROM migrate_downgrade('base');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('-2');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade('d4');
\echo :LAST_ERROR_SQLSTATE
SELECT down_count() - :calls_before AS down_scripts_run;
SELECT ran_since(), * FROM summary();

-- downgrading to a target after it is fine
SELECT revision FROM migrate_downgrade('-1');
SELECT down_count() - :calls_before AS down_scripts_run;
SELECT ran_since(), * FROM summary();
SELECT revision FROM migrate_downgrade('i1');
RESET client_min_messages;

--
-- Branches: downgrading to an id leaves other branches alone
--
SET client_min_messages = warning;
SELECT migrate_add('create audit', 'CREATE TABLE audit (at timestamptz)',
				   'DROP TABLE audit', id => 'b1', revises => '{}');
SELECT migrate_add('index audit', 'CREATE INDEX audit_at ON audit (at)',
				   'DROP INDEX audit_at', id => 'b2', revises => ARRAY['b1']);
SELECT revision FROM migrate_push();
-- -1 is the last revision in apply order
SELECT revision FROM migrate_downgrade('-1');
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade('b1');
SELECT revision FROM migrate_downgrade('i1');
SELECT revision, state FROM migrate_status();
-- an irreversible revision built on the target stops a downgrade to an id too
SELECT revision FROM migrate_downgrade('d3');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_push();
RESET client_min_messages;

--
-- Refused where a push would be
--
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT revision FROM migrate_downgrade();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT revision FROM migrate_downgrade();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT revision FROM migrate_downgrade(NULL);
\echo :LAST_ERROR_SQLSTATE

--
-- A number of steps, written as a number; nothing to do says so
--
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT revision FROM migrate_status() WHERE state = 'applied';
\set VERBOSITY terse
SELECT revision FROM migrate_downgrade(-1);
SELECT revision FROM migrate_downgrade(-2);
\set VERBOSITY default
SELECT revision FROM migrate_downgrade(1);
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade(0);
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade(NULL::integer);
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
-- nothing builds on the head b2: nothing to undo, and the NOTICE says so
SELECT revision FROM migrate_downgrade('b2');

--
-- A failure names the revision, the statement and its line
--
SET client_min_messages = warning;
SELECT migrate_add('add code', 'ALTER TABLE users ADD code text', $down$
UPDATE users SET code = NULL;
ALTER TABLE users
	DROP COLUMN codes;
$down$, id => 'e1', revises => ARRAY['i1']);
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade('i1');
\echo :LAST_ERROR_SQLSTATE
SELECT revision, state FROM migrate_status() WHERE revision = 'e1';
RESET client_min_messages;

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_dg CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
