--
-- reset: migrate_reset downgrades to base then pushes to heads, in one
-- transaction, and only when told it may destroy data
--
CREATE EXTENSION migrate;

CREATE SCHEMA regress_reset;
SET search_path = regress_reset, public;

-- applied revisions, tables the scripts left, rows in the history
CREATE FUNCTION regress_reset.summary(OUT applied text, OUT tables text,
									  OUT history bigint)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_reset'::regnamespace AND relkind = 'r'),
		   (SELECT count(*) FROM migrate_history())
$$;

SET client_min_messages = warning;
SELECT migrate_add('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
				   'DROP TABLE users', id => 'r1');
SELECT migrate_add('add name', 'ALTER TABLE users ADD name text',
				   'ALTER TABLE users DROP name', id => 'r2');
SELECT migrate_add('create orders', 'CREATE TABLE orders (id int, user_id int REFERENCES users)',
				   'DROP TABLE orders', id => 'r3');
SELECT revision FROM migrate_push();
RESET client_min_messages;
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO orders VALUES (10, 1);

--
-- Refused without confirm => true; nothing runs
--
SELECT * FROM migrate_reset();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_reset(false);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_reset(confirm => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();
SELECT count(*) AS users FROM users;

-- refused where a push would be
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM migrate_reset(confirm => true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM migrate_reset(confirm => true);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT * FROM summary();

--
-- confirm => true: a WARNING, the down scripts in reverse order, then the up
-- scripts in order, in one transaction
--
SET client_min_messages = warning;
SELECT revision, message, action, duration IS NOT NULL AS timed
FROM migrate_reset(confirm => true);
RESET client_min_messages;
SELECT * FROM summary();
-- the data in the dropped tables is gone
SELECT count(*) AS users FROM users;
SELECT count(*) AS orders FROM orders;
SELECT revision, action, dense_rank() OVER (ORDER BY xid) AS transaction,
	   duration IS NOT NULL AS timed, error
FROM migrate_history() WHERE seq > 3 ORDER BY seq;

-- the progress NOTICEs, one per revision and direction
\set VERBOSITY terse
SELECT count(*) FROM migrate_reset(confirm => true);
\set VERBOSITY default

-- from a partial state: only what is applied goes down, everything comes up
SET client_min_messages = warning;
SELECT revision FROM migrate_downgrade('r1');
SELECT revision, action FROM migrate_reset(true);
-- from nothing applied: a push
SELECT revision FROM migrate_downgrade('base');
SELECT revision, action FROM migrate_reset(true);
RESET client_min_messages;
SELECT * FROM summary();

-- the caller can still roll it back
INSERT INTO users VALUES (3, 'cy');
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT count(*) FROM migrate_reset(true);
SELECT count(*) AS users FROM users;
ROLLBACK;
SELECT count(*) AS users FROM users;

--
-- Atomic: a failing up script leaves everything as it was
--
SELECT max(seq) AS seq_before FROM migrate_history() \gset
SET client_min_messages = warning;
SELECT migrate_add('fill orders', 'INSERT INTO orders VALUES (20, 42)', 'DELETE FROM orders',
				   id => 'r4');
SELECT * FROM migrate_reset(true);
\echo :LAST_ERROR_SQLSTATE
RESET client_min_messages;
SELECT * FROM summary();
SELECT count(*) AS users FROM users;
SELECT count(*) FROM migrate_history() WHERE seq > :seq_before;

--
-- An irreversible revision stops it before anything runs
--
SET client_min_messages = warning;
SELECT migrate_add('fill orders', 'INSERT INTO orders VALUES (20, 3)', 'DELETE FROM orders',
				   id => 'r4');
SELECT migrate_add('backfill', 'UPDATE users SET name = upper(name)', id => 'i1');
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT max(seq) AS seq_before FROM migrate_history() \gset
-- no WARNING either: the refusal comes first
SELECT * FROM migrate_reset(true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();
SELECT * FROM users ORDER BY id;
SELECT count(*) FROM migrate_history() WHERE seq > :seq_before;

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_reset CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
