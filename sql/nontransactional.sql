--
-- nontransactional: revisions whose statements must run outside a
-- transaction block (CREATE INDEX CONCURRENTLY and its family), marked with
-- migrate_add(..., transactional => false) or "-- transaction: no" in a
-- file.  What is registered and what is refused; the functions that run
-- every revision inside a transaction refuse a plan that holds one, and
-- change nothing; the offline script writes one as steps (test/t/018 runs
-- such scripts); status, show and export show the mark.
--
-- (lint warnings at registration are suite lint's subject, not this one's)
SET migrate.lint = off;
SET client_min_messages = warning;
CREATE EXTENSION migrate;
RESET client_min_messages;
CREATE SCHEMA regress_nontx;
SET search_path = regress_nontx, public;
CREATE TABLE account (id int PRIMARY KEY, email text);
CREATE TABLE event (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TYPE mood AS ENUM ('sad', 'ok');

--
-- Registering
--
-- a transactional revision still refuses the family, and says how to mark it
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	id => 'n0', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	id => 'n0', revises => '{}', transactional => true);
\echo :LAST_ERROR_SQLSTATE
-- the mark cannot be null
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	id => 'n0', revises => '{}', transactional => NULL);
\echo :LAST_ERROR_SQLSTATE
-- marked, it registers: a root first, transactional
SELECT migrate_add('base', 'CREATE TABLE base (i int)', 'DROP TABLE base', id => 'n1', revises => '{}');
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	'DROP INDEX CONCURRENTLY account_email', id => 'n2', transactional => false);
-- every statement of the family
SELECT migrate_add('the family', $$
DROP INDEX CONCURRENTLY IF EXISTS account_old;
REINDEX INDEX CONCURRENTLY account_pkey;
REINDEX (CONCURRENTLY) TABLE account;
ALTER TABLE event DETACH PARTITION event_2025 CONCURRENTLY;
VACUUM (ANALYZE) account;
VACUUM;
ALTER TYPE mood ADD VALUE 'happy';
$$, id => 'n3', transactional => false);
-- mixed with ordinary DDL and DML: each statement is a step of its own
SELECT migrate_add('backfill', $$
ALTER TABLE account ADD COLUMN verified boolean;
UPDATE account SET verified = false;
VACUUM account;
CREATE UNIQUE INDEX CONCURRENTLY account_email_key ON account (email);
$$, $$
DROP INDEX CONCURRENTLY account_email_key;
ALTER TABLE account DROP COLUMN verified;
$$, id => 'n4', transactional => false);
-- what can never work is refused still: transaction control, with a hint
-- that fits
SELECT migrate_add('commits', 'CREATE INDEX CONCURRENTLY a_i ON account (id); COMMIT;',
	id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
-- a BEGIN/COMMIT pair is not dropped: such a revision has no transaction
SELECT migrate_add('wrapped', 'BEGIN; CREATE INDEX CONCURRENTLY a_i ON account (id); COMMIT;',
	id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('savepoint', 'SAVEPOINT s', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
-- psql meta-commands
SELECT migrate_add('meta', $$CREATE INDEX CONCURRENTLY a_i ON account (id);
\gexec$$, id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
-- what is no schema migration stays refused, in the down script too
SELECT migrate_add('database', 'CREATE DATABASE regress_nontx_db', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('schema reindex', 'SELECT 1', 'REINDEX SCHEMA regress_nontx',
	id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('system', 'ALTER SYSTEM SET work_mem = ''8MB''', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
-- and the rules every revision follows
SELECT migrate_add('copy', 'COPY account FROM STDIN', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop me', 'DROP EXTENSION migrate', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('empty', '-- nothing', id => 'bad', transactional => false);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS refused_stored FROM migrate_status() WHERE revision = 'bad';

-- registering the same again is a no-op; the mark is part of the content
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	'DROP INDEX CONCURRENTLY account_email', id => 'n2', transactional => false);
SELECT migrate_add('base', 'CREATE TABLE base (i int)', 'DROP TABLE base', id => 'n5',
	revises => '{n4}', transactional => false);
-- an unapplied revision changes its mark with a NOTICE
SELECT migrate_add('base', 'CREATE TABLE base (i int)', 'DROP TABLE base', id => 'n5',
	revises => '{n4}');
SELECT revision, transactional FROM migrate_status() WHERE revision = 'n5';
SELECT migrate_add('base', 'CREATE TABLE base (i int)', 'DROP TABLE base', id => 'n5',
	revises => '{n4}', transactional => false);
SELECT revision, transactional FROM migrate_status() WHERE revision = 'n5';

--
-- Looking: status and show carry the mark
--
SELECT revision, state, is_head, parents, reversible, transactional FROM migrate_status();
SELECT revision, message, parents, up, down, transactional FROM migrate_show('n2');
SELECT revision, transactional FROM migrate_show('n1');

--
-- Running: every function that runs revisions inside a transaction refuses
-- a plan that holds one, before anything runs
--
CREATE TEMP TABLE history_before AS SELECT count(*) AS n FROM migrate_history();
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_push('n2');
\echo :LAST_ERROR_SQLSTATE
-- inside a transaction block the same
BEGIN;
SELECT revision FROM migrate_push();
ROLLBACK;
-- nothing ran: no table, no index, no history, nothing applied
SELECT to_regclass('regress_nontx.base') AS base, to_regclass('regress_nontx.account_email') AS index;
SELECT (SELECT count(*) FROM migrate_history()) - n AS new_history FROM history_before;
SELECT count(*) AS applied FROM migrate_status() WHERE state = 'applied';
-- up to the revision before it works
SET client_min_messages = warning;
SELECT revision FROM migrate_push('n1');
RESET client_min_messages;
-- (a deploy runs them in a background worker: see "Deploying" below)
-- nor can a proof
SELECT * FROM migrate_verify();
\echo :LAST_ERROR_SQLSTATE
-- an offline script can: it commits in steps, for psql -f without -1.  A
-- transaction checks the starting state of the whole plan and runs n1;
-- n2's statement runs at top level; a transaction of its own records it
\pset format unaligned
\pset tuples_only on
SELECT migrate_script('n2', start => 'base');
-- from the current state: four non-transactional revisions, each
-- statement alone, each revision recorded in a transaction that checks
-- the state again
SELECT migrate_script();
\pset format aligned
\pset tuples_only off
-- writing a script changed nothing
SELECT revision, state FROM migrate_status();

-- applied by hand and stamped (what the hint of a deploy says), a
-- non-transactional revision cannot be undone by a downgrade either
CREATE INDEX CONCURRENTLY account_email ON account (email);
SELECT * FROM migrate_stamp('n2');
SELECT migrate_add('after', 'CREATE TABLE after_n2 (i int)', 'DROP TABLE after_n2',
	id => 'n6', revises => '{n2}');
SET client_min_messages = warning;
SELECT revision FROM migrate_push('n6');
RESET client_min_messages;
SELECT revision FROM migrate_downgrade('base');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_downgrade(-2);
\echo :LAST_ERROR_SQLSTATE
-- the offline downgrade can: n6 in a transaction, n2's down script at top
-- level and its record, then n1 in a transaction that checks the state again
\pset format unaligned
\pset tuples_only on
SELECT migrate_script('base');
\pset format aligned
\pset tuples_only off
SELECT * FROM migrate_reset(confirm => true);
\echo :LAST_ERROR_SQLSTATE
-- only as far as it works
SET client_min_messages = warning;
SELECT revision FROM migrate_downgrade('n2');
RESET client_min_messages;
SELECT revision, state FROM migrate_status();
-- an applied revision keeps its mark: given without it, the scripts of
-- n2 are refused first; n1, applied, cannot become non-transactional
SELECT migrate_add('email index', 'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	'DROP INDEX CONCURRENTLY account_email', id => 'n2');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('base', 'CREATE TABLE base (i int)', 'DROP TABLE base', id => 'n1',
	revises => '{}', transactional => false);
\echo :LAST_ERROR_SQLSTATE

--
-- Files: "-- transaction: no" registers a non-transactional revision, and
-- migrate_export() writes the line back
--
SELECT migrate_add_file('0007_email_lower.sql', $f$-- revises: n6
-- transaction: no
-- migrate:up
CREATE INDEX CONCURRENTLY account_email_lower ON account (lower(email));
-- migrate:down
DROP INDEX CONCURRENTLY account_email_lower;
$f$);
SELECT revision, transactional FROM migrate_status() WHERE revision = '0007_email_lower';
-- a file without the line is transactional, and says how to mark it
SELECT migrate_add_file('0008_x.sql', $f$-- revises: 0007_email_lower
CREATE INDEX CONCURRENTLY account_x ON account (id);
$f$);
\echo :LAST_ERROR_SQLSTATE
-- with the line, a BEGIN/COMMIT pair is refused, at its line in the file
SELECT migrate_add_file('0008_x.sql', $f$-- revises: 0007_email_lower
-- transaction: no
BEGIN;
CREATE INDEX CONCURRENTLY account_x ON account (id);
COMMIT;
$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT filename, content FROM migrate_export() WHERE revision IN ('n2', 'n3', '0007_email_lower');
-- the round trip: every exported file reads back with its mark and
-- registers again as a no-op, checksums and all
CREATE TEMP TABLE exported AS SELECT * FROM migrate_export();
CREATE TEMP TABLE before AS
	SELECT revision, message, parents, checksum, transactional FROM migrate_status() JOIN
	LATERAL (SELECT checksum FROM migrate_show(revision)) s ON true;
SELECT e.revision, p.transactional
FROM exported e, migrate_parse_file(e.filename, e.content) p
WHERE NOT p.transactional ORDER BY e.revision;
SET client_min_messages = warning;
SELECT count(*) AS registered
FROM (SELECT migrate_add_file(filename, content) FROM exported ORDER BY filename) f;
RESET client_min_messages;
SELECT count(*) AS unchanged FROM before b
	JOIN migrate_show(b.revision) s USING (revision, message, parents, checksum, transactional);
SELECT count(*) AS revisions FROM before;

--
-- Deploying: a background worker runs each statement as a step of its own
-- (test/t/019_nontransactional_worker.pl kills it, and the server, midway).
-- Details (times, process ids) vary: terse.
--
\set VERBOSITY terse
-- every step of n2, n3 and n4 runs; n5 fails at its first statement
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT revision, state FROM migrate_status();
SELECT revision, direction, step, line, state, attempts, sqlstate, error, statement
FROM migrate_steps();
SELECT revision, action, sqlstate, statement, line FROM migrate_history()
WHERE revision IN ('n4', 'n5') ORDER BY seq;
SELECT indexrelid::regclass AS index, indisvalid FROM pg_index
WHERE indrelid = 'account'::regclass ORDER BY 1;
-- the steps of one revision; of one that has none, nothing
SELECT step, state FROM migrate_steps('n2');
SELECT count(*) FROM migrate_steps('n1');
-- wait must not be null, and a deploy only runs at top level
CALL migrate_deploy('heads', NULL);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
CALL migrate_deploy_downgrade('n3');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- a down script runs the same way; irreversible n3 stops a deeper downgrade
\set VERBOSITY terse
CALL migrate_deploy_downgrade('n3');
CALL migrate_deploy_downgrade('n1');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT revision, state FROM migrate_status();
SELECT revision, direction, step, state FROM migrate_steps('n4');
SELECT to_regclass('account_email_key') AS gone;
-- a stamp runs nothing, and the failed run's steps go with it
SELECT revision, action FROM migrate_stamp('n5');
SELECT count(*) AS steps_left FROM migrate_steps('n5');

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_nontx CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
