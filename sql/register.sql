--
-- register: migrate_add, every way a revision is accepted or refused
--
CREATE EXTENSION migrate;

-- the graph as registered, in apply order
CREATE FUNCTION regress_graph()
RETURNS TABLE (revision text, message text, parents text[], is_head boolean,
			   state text, reversible boolean)
LANGUAGE sql
AS $$
	SELECT revision, message, parents, is_head, state, reversible
	FROM migrate_status()
$$;

-- an error as SQLSTATE, message, detail and hint, with the checksums that a
-- detail may name replaced, since this file does not print them
CREATE FUNCTION regress_add_error(message text, up text, down text, id text,
								  revises text[] DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
	state text;
	msg text;
	detail text;
	hint text;
	registered text := (SELECT left(s.checksum, 12)
						FROM migrate_status() st, migrate_show(st.revision) s
						WHERE st.revision = id);
BEGIN
	PERFORM migrate_add(message, up, down, id, revises);
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	IF registered IS NOT NULL THEN
		detail := replace(detail, registered, '<registered>');
		detail := regexp_replace(detail, '\m[0-9a-f]{12}\M', '<given>');
	END IF;
	RETURN concat_ws(E'\n', state || ': ' || msg, 'DETAIL: ' || nullif(detail, ''),
					 'HINT: ' || nullif(hint, ''));
END
$$;

-- nothing registered yet
SELECT count(*) FROM migrate_status();

--
-- Accepted
--

-- the first revision is a root
SELECT migrate_add('create users', 'CREATE TABLE users (id int)', 'DROP TABLE users', 'r1');
-- revises defaults to the single head
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2');
SELECT * FROM regress_graph();

-- a generated id is 12 hex digits, and revises the single head
BEGIN;
SELECT migrate_add('add name', 'ALTER TABLE users ADD name text') AS gen \gset
SELECT :'gen' ~ '^[0-9a-f]{12}$' AS twelve_hex_digits;
SELECT parents, is_head FROM migrate_status() WHERE revision = :'gen';
-- a second one differs
SELECT migrate_add('add age', 'ALTER TABLE users ADD age int') <> :'gen' AS differs;
ROLLBACK;

-- revises => '{}' registers a new root: now there are two heads
SELECT migrate_add('create audit', 'CREATE TABLE audit (at timestamptz)',
				   id => 'r3', revises => '{}');
SELECT * FROM regress_graph();
SELECT revision FROM migrate_heads();

-- with several heads, revises must be named
SELECT count(*) FROM migrate_status();
SELECT migrate_add('orphan', 'CREATE TABLE orphan ()', id => 'o1');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('orphan', 'CREATE TABLE orphan ()');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM migrate_status();

-- a merge names both parents (a repeated parent counts once)
SELECT migrate_add('merge', 'CREATE INDEX ON users (email)', 'DROP INDEX users_email_idx',
				   id => 'm1', revises => ARRAY['r2', 'r3', 'r2']);
SELECT * FROM regress_graph();

-- an explicit parent that is not a head starts a branch
SELECT migrate_add('branch off r1', 'CREATE TABLE side (id int)', 'DROP TABLE side',
				   id => 'b1', revises => ARRAY['r1']);
SELECT revision, parents FROM migrate_status() WHERE revision = 'b1';
SELECT revision FROM migrate_heads();

-- a NULL down script registers an irreversible revision
SELECT migrate_add('seed', 'INSERT INTO users VALUES (1)', NULL, 's1', ARRAY['m1']);
SELECT revision, reversible FROM migrate_status() WHERE revision IN ('s1', 'm1');
SELECT down IS NULL AS down_is_null FROM migrate_show('s1');

-- ids: 64 characters, and letters, digits, "_", "." and "-" after the first
BEGIN;
SELECT length(migrate_add('long id', 'SELECT 1', id => repeat('a', 64), revises => '{}'));
SELECT migrate_add('id characters', 'SELECT 1', id => '2024.01_add-Users', revises => '{}');
ROLLBACK;

-- statements that are close to refused ones, but can run in a migration
BEGIN;
SELECT migrate_add('allowed', $$
CREATE INDEX users_id ON users (id);
DROP INDEX users_id;
REINDEX TABLE users;
REINDEX (CONCURRENTLY false) INDEX users_pkey;
ANALYZE users;
CLUSTER users USING users_pkey;
ALTER TABLE users DETACH PARTITION users_2024;
CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p WITH (connect = false);
CREATE SUBSCRIPTION sub2 CONNECTION 'dbname=x' PUBLICATION p WITH (create_slot = false);
ALTER SUBSCRIPTION sub SET PUBLICATION p WITH (refresh = false);
ALTER SUBSCRIPTION sub ENABLE;
DISCARD PLANS;
DISCARD TEMP;
ALTER DATABASE regression SET work_mem = '8MB';
COPY users FROM '/tmp/users.csv';
SET LOCAL work_mem = '8MB';
SELECT 'C:\path', E'a\\b';
$$, id => 'allowed', revises => '{}');
ROLLBACK;

--
-- Refused: nothing is stored by a refused call
--
SELECT count(*) AS revisions_before FROM migrate_status();

-- message and up script are required
SELECT migrate_add(NULL, 'SELECT 1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('no up', NULL, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('', 'SELECT 1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add(E' \t\n', 'SELECT 1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- empty up scripts
SELECT migrate_add('empty', '', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT replace(up, E'\n', '\n') AS up, regress_add_error('empty', up, NULL, NULL, '{}')
FROM unnest(ARRAY[E'  \n\t ', E'-- nothing yet\n/* still nothing */\n', ' ; ; ',
				  'BEGIN; COMMIT;', E'BEGIN;\n-- todo\nCOMMIT;']) AS up;

-- syntax errors name the script, line and column (columns count characters)
SELECT migrate_add('syntax', $$CREATE TABLE t1 (a int);
CREATE TABLE t2 (b int);
  SELECT 'é', FROM t2;
$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('syntax', $$CREATE TABLE t1 (a int);
SELECT 'ééé' AS x, 'ü' AS y, a FRM t1;
$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('syntax', E'CREATE TABLE t1 (\n  a int,\n', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('syntax', E'SELECT 1;\nSELECT \'unterminated', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('syntax', 'CREATE TABLE t1 (a int)', E'DROP TABLE t1;\nDROP TABEL t2;',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- transaction control
SELECT migrate_add('commit', $$CREATE TABLE t1 (a int);
COMMIT;
CREATE TABLE t2 (a int);$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('rollback', E'CREATE TABLE t1 (a int);\nROLLBACK;', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('savepoint', $$CREATE TABLE t1 (a int);
SAVEPOINT s;
CREATE TABLE t2 (a int);
RELEASE SAVEPOINT s;$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('begin without commit', E'BEGIN;\nCREATE TABLE t1 (a int);',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('commit without begin', E'CREATE TABLE t1 (a int);\nCOMMIT;',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('wrapper with options', $$BEGIN ISOLATION LEVEL SERIALIZABLE;
CREATE TABLE t1 (a int);
COMMIT;$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('commit and chain', E'BEGIN;\nCREATE TABLE t1 (a int);\nCOMMIT AND CHAIN;',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('two wrappers', $$BEGIN;
CREATE TABLE t1 (a int);
COMMIT;
BEGIN;
CREATE TABLE t2 (a int);
COMMIT;$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('prepare', E'CREATE TABLE t1 (a int);\nPREPARE TRANSACTION \'x\';',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('in down', 'CREATE TABLE t1 (a int)', E'DROP TABLE t1;\nCOMMIT;',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- statements that cannot run inside a transaction block
SELECT migrate_add('cic', $$CREATE TABLE t1 (a int);
CREATE INDEX CONCURRENTLY t1_a ON t1 (a);$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('cuic', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t1_a ON t1 (a)',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('dic', 'DROP INDEX CONCURRENTLY t1_a', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('ric', 'REINDEX INDEX CONCURRENTLY t1_a', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('ric', 'REINDEX (CONCURRENTLY) TABLE t1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reindex schema', 'REINDEX SCHEMA public', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reindex system', 'REINDEX SYSTEM regression', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reindex database', 'REINDEX DATABASE regression', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('vacuum', 'VACUUM', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('vacuum', 'VACUUM (ANALYZE) users', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('vacuum', 'VACUUM FULL users', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('cluster', 'CLUSTER', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('cluster', 'CLUSTER VERBOSE', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('create database', 'CREATE DATABASE regress_x', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop database', 'DROP DATABASE IF EXISTS regress_x', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('create tablespace', $$CREATE TABLESPACE regress_ts LOCATION '/tmp/ts'$$,
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop tablespace', 'DROP TABLESPACE regress_ts', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('alter system', $$ALTER SYSTEM SET work_mem = '8MB'$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('alter system', 'ALTER SYSTEM RESET ALL', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('move database', 'ALTER DATABASE regression SET TABLESPACE regress_ts',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('detach', 'ALTER TABLE users DETACH PARTITION users_2024 CONCURRENTLY',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('subscription', $$CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p$$,
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('subscription', $$CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p
	WITH (connect = true, create_slot = true)$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('refresh', 'ALTER SUBSCRIPTION sub REFRESH PUBLICATION', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('refresh', 'ALTER SUBSCRIPTION sub SET PUBLICATION p', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('refresh', 'ALTER SUBSCRIPTION sub ADD PUBLICATION q WITH (refresh = true)',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('refresh', 'ALTER SUBSCRIPTION sub DROP PUBLICATION q', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('discard', 'DISCARD ALL', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('in down', 'CREATE TABLE t1 (a int)', 'VACUUM t1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- COPY to or from the client
SELECT migrate_add('copy in', $$CREATE TABLE t1 (a int);
COPY t1 FROM STDIN;$$, revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('copy out', 'COPY users TO STDOUT', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('copy out', 'COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)', revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- psql meta-commands
SELECT migrate_add('include', E'\\i create_users.sql', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('meta', E'CREATE TABLE t1 (a int);\n\n\\set ON_ERROR_STOP on\nSELECT 1;',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('gexec', E'SELECT format(\'CREATE TABLE %I ()\', \'t\' || g)\nFROM generate_series(1, 3) g \\gexec',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE

-- standard_conforming_strings
SELECT migrate_add('scs', E'SELECT 1;\nSET standard_conforming_strings = off;', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('scs', 'SET LOCAL Standard_Conforming_Strings TO default', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('scs', 'RESET standard_conforming_strings', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- setting it to the value the script is read with is a no-op, as pg_dump
-- writes it; so are the "\restrict KEY" / "\unrestrict KEY" lines pg_dump
-- 15.14 and later wrap a dump in (they only guard psql)
SELECT migrate_add('dump', E'--\n-- PostgreSQL database dump\n--\n\n\\restrict aB3xYz09\n\nSET standard_conforming_strings = on;\nSELECT pg_catalog.set_config(''search_path'', '''', false);\nCREATE TABLE public.dumped (s text DEFAULT ''a\\b'');\n\n\\unrestrict aB3xYz09\n',
				   id => 'dump', revises => '{}');
SELECT up FROM migrate_show('dump');
SELECT count(*) AS dumped_pending FROM migrate_status() WHERE revision = 'dump' AND state = 'pending';
-- only those two, alone on their line with one key
SELECT migrate_add('restrict', E'\\restrict\nSELECT 1;', revises => '{}');
SELECT migrate_add('restrict', E'\\restrict a b\nSELECT 1;', revises => '{}');
SELECT migrate_add('restrict', E'\\unrestrictX\nSELECT 1;', revises => '{}');
SELECT migrate_add('restrict', E'SELECT 1 \\restrict a', revises => '{}');
DELETE FROM migrate.revision WHERE id = 'dump';

-- parents
SELECT migrate_add('unknown parent', 'SELECT 1', id => 'x1', revises => ARRAY['nope']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('prefix is not a parent', 'SELECT 1', id => 'x1', revises => ARRAY['r']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('itself', 'SELECT 1', id => 'x1', revises => ARRAY['r1', 'x1']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('null parent', 'SELECT 1', id => 'x1', revises => ARRAY['r1', NULL]);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('2-D revises', 'SELECT 1', id => 'x1', revises => '{{r1},{r2}}');
\echo :LAST_ERROR_SQLSTATE
-- replacing r2 (unapplied) so that it revises m1, which builds on it: a cycle
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2', revises => ARRAY['m1']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2', revises => ARRAY['s1']);
\echo :LAST_ERROR_SQLSTATE

-- malformed ids
SELECT migrate_add('bad id', 'SELECT 1', id => 'bad id', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reserved', 'SELECT 1', id => 'head', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT regress_add_error('bad id', 'SELECT 1', NULL, id, '{}')
FROM unnest(ARRAY['a/b', 'café', '', repeat('a', 65), '-1', '+1', '_x', '.x', 'heads', 'base',
				   'HEADS', 'Head', 'BASE'])
	AS id;

-- a message is a line or two: 1,000 characters at most (counted as
-- characters, not bytes)
SELECT migrate_add(repeat('m', 1001), 'SELECT 1', id => 'long', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add(repeat('é', 1001), 'SELECT 1', id => 'long', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge(repeat('m', 1001), id => 'long');
\echo :LAST_ERROR_SQLSTATE

SELECT count(*) AS revisions_after FROM migrate_status();
SELECT * FROM regress_graph();

--
-- A BEGIN; ... COMMIT; wrapper is dropped, with a NOTICE, and does not change
-- the checksum
--
SELECT migrate_add('wrapped', $$BEGIN;
CREATE TABLE wrapped (a int);
COMMIT;$$, $$START TRANSACTION;
DROP TABLE wrapped;
END;$$, id => 'w1', revises => '{}');
SELECT migrate_add('unwrapped', 'CREATE TABLE wrapped (a int)', 'DROP TABLE wrapped',
				   id => 'w2', revises => '{}');
SELECT (SELECT checksum FROM migrate_show('w1')) = (SELECT checksum FROM migrate_show('w2'))
	AS same_checksum;
-- the registered text is kept as written
SELECT up, down FROM migrate_show('w1');
-- nor does a semicolon after the last statement
BEGIN;
SELECT migrate_add('semicolon', 'CREATE TABLE wrapped (a int);', 'DROP TABLE wrapped;',
				   id => 'w3', revises => '{}');
SELECT (SELECT checksum FROM migrate_show('w2')) = (SELECT checksum FROM migrate_show('w3'))
	AS same_checksum;
ROLLBACK;

--
-- Same id, same content: a no-op, whatever the layout
--
SELECT created_at AS r1_created_at FROM migrate_show('r1') \gset
SELECT migrate_add('create users', 'CREATE TABLE users (id int)', 'DROP TABLE users', 'r1');
SELECT migrate_add('create users', $$
-- the users
create   table
	Users ( ID   INT )    /* done */
$$, E'drop table USERS\n', 'r1');
-- replaying with several heads keeps the registered parents
SELECT revision FROM migrate_heads();
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2');
SELECT migrate_add('merge', 'CREATE INDEX ON users (email)', 'DROP INDEX users_email_idx',
				   id => 'm1', revises => ARRAY['r3', 'r2']);
-- the registered text and time are unchanged
SELECT up, down, created_at = :'r1_created_at' AS same_created_at FROM migrate_show('r1');
SELECT * FROM regress_graph();
-- a semicolon after the last statement is layout too
BEGIN;
SELECT migrate_add('create users', 'CREATE TABLE users (id int);', 'DROP TABLE users;', 'r1');
SELECT up, down FROM migrate_show('r1');
ROLLBACK;

--
-- Same id, new content, not applied: replaced with a NOTICE
--
-- a quoted identifier is not the same as an unquoted one
SELECT migrate_add('create users', 'CREATE TABLE "Users" (id int)', 'DROP TABLE "Users"', 'r1');
SELECT up, down FROM migrate_show('r1');
SELECT migrate_add('create users', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   'DROP TABLE users', 'r1');
SELECT message, parents, up, down FROM migrate_show('r1');
-- the message alone
SELECT migrate_add('create the users table', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   'DROP TABLE users', 'r1');
SELECT message FROM migrate_show('r1');
-- the down script alone: now irreversible
SELECT migrate_add('create the users table', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   NULL, 'r1');
SELECT reversible FROM migrate_status() WHERE revision = 'r1';
-- the parents alone: b1 moves from r1 to r3; it keeps its place in the order
SELECT migrate_add('branch off r1', 'CREATE TABLE side (id int)', 'DROP TABLE side',
				   id => 'b1', revises => ARRAY['r3']);
SELECT * FROM regress_graph();
-- a replacement with a refused script stores nothing
SELECT migrate_add('branch off r1', 'VACUUM side', 'DROP TABLE side', id => 'b1');
\echo :LAST_ERROR_SQLSTATE
SELECT message, parents, up FROM migrate_show('b1');

--
-- Same id, new content, applied: refused
--
SELECT migrate_add('create users', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   'DROP TABLE users', 'r1');
SET client_min_messages = warning;
SELECT revision FROM migrate_push('r2');
RESET client_min_messages;
SELECT revision, state FROM migrate_status() WHERE state = 'applied';

-- replaying the applied revisions is still a no-op
SELECT migrate_add('create users', 'create table users (id bigint primary key)',
				   'drop table users', 'r1');
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2', revises => ARRAY['r1']);

-- the scripts (the DETAIL names checksums, which regress_add_error replaces)
SELECT regress_add_error('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
						 'DROP TABLE users', 'r1');
-- the down script, and a down script dropped (irreversible)
SELECT regress_add_error('create users', 'CREATE TABLE users (id bigint PRIMARY KEY)',
						 'DROP TABLE users CASCADE', 'r1');
SELECT regress_add_error('add email', 'ALTER TABLE users ADD email text', NULL, 'r2');
-- the message and the parents
SELECT migrate_add('create the users table', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   'DROP TABLE users', 'r1');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('create users', 'CREATE TABLE users (id bigint PRIMARY KEY)',
				   'DROP TABLE users', 'r1', ARRAY['r3']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('add email', 'ALTER TABLE users ADD email text',
				   'ALTER TABLE users DROP email', id => 'r2', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT message, parents, up, down FROM migrate_show('r1');

SET client_min_messages = warning;
SELECT revision FROM migrate_downgrade('base');
RESET client_min_messages;

DROP FUNCTION regress_graph();
DROP FUNCTION regress_add_error(text, text, text, text, text[]);
DROP EXTENSION migrate;
