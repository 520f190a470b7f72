--
-- bad_input: every malformed call is refused with a clear error and a
-- fitting SQLSTATE, and leaves the catalog byte for byte as it was
--
CREATE EXTENSION migrate;

-- the scripts create their objects here (the caller's search_path)
CREATE SCHEMA regress_bad;
SET search_path = regress_bad, public;

-- every row of the catalog and the history sequence, as one hash: it changes
-- if any row, column or the sequence's position changes
CREATE FUNCTION regress_bad.catalog_fingerprint()
RETURNS text
LANGUAGE sql
AS $$
	SELECT md5(concat_ws(E'\n',
		(SELECT string_agg(r::text, E'\n' ORDER BY r.id COLLATE "C")
		   FROM migrate.revision r),
		(SELECT string_agg(a::text, E'\n' ORDER BY a.id COLLATE "C")
		   FROM migrate.applied a),
		(SELECT string_agg(h::text, E'\n' ORDER BY h.seq)
		   FROM migrate.history h),
		(SELECT last_value || ' ' || is_called FROM migrate.history_seq)))
$$;

-- every schema, relation, function and extension outside the system schemas
CREATE FUNCTION regress_bad.object_fingerprint()
RETURNS text
LANGUAGE sql
AS $$
	SELECT md5(concat_ws(E'\n',
		(SELECT string_agg(nspname, ' ' ORDER BY nspname COLLATE "C")
		   FROM pg_namespace),
		(SELECT string_agg(c.oid::regclass::text || ':' || c.relkind::text, ' '
						   ORDER BY c.oid::regclass::text COLLATE "C")
		   FROM pg_class c
		  WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace,
									   'information_schema'::regnamespace,
									   'pg_toast'::regnamespace)),
		(SELECT string_agg(p.oid::regprocedure::text, ' '
						   ORDER BY p.oid::regprocedure::text COLLATE "C")
		   FROM pg_proc p
		  WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace,
									   'information_schema'::regnamespace)),
		(SELECT string_agg(extname || ' ' || extversion, ' '
						   ORDER BY extname COLLATE "C")
		   FROM pg_extension)))
$$;

-- a plain role, for a setting only a superuser may raise
CREATE ROLE regress_bad_user;

-- a function that tries to deploy, which commits
CREATE FUNCTION regress_bad.deploy_from_function()
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
	CALL migrate_deploy();
END
$$;

--
-- The catalog the bad calls aim at:
--
--   a1 -- a2 ------ m1 -- a3 -- a4      (a1, a2, b1, m1 applied;
--     \            /                     a3, a4, c1 pending;
--      b1 --------                       b1 irreversible;
--                                        two heads: a4 and c1)
--   c1
--
SET client_min_messages = warning;
SELECT migrate_add('create t1', 'CREATE TABLE t1 (id int)', 'DROP TABLE t1', id => 'a1');
SELECT migrate_add('create t2', 'CREATE TABLE t2 (id int)', 'DROP TABLE t2', id => 'a2');
SELECT migrate_add('create u1', 'CREATE TABLE u1 (id int)', NULL, id => 'b1',
				   revises => ARRAY['a1']);
SELECT migrate_merge('join a and b', id => 'm1');
SELECT revision FROM migrate_push('m1');
SELECT migrate_add('create t3', 'CREATE TABLE t3 (id int)', 'DROP TABLE t3', id => 'a3');
SELECT migrate_add('create t4', 'CREATE TABLE t4 (id int)', 'DROP TABLE t4', id => 'a4');
SELECT migrate_add('create v1', 'CREATE TABLE v1 (id int)', 'DROP TABLE v1', id => 'c1',
				   revises => '{}');
RESET client_min_messages;
SELECT revision, state, parents, is_head, reversible FROM migrate_status();
SELECT relname FROM pg_class
WHERE relnamespace = 'regress_bad'::regnamespace AND relkind = 'r'
ORDER BY relname;

SELECT catalog_fingerprint() AS catalog_before,
	   object_fingerprint() AS objects_before \gset

--
-- Revision ids: 1 to 64 of [A-Za-z0-9_.-], starting with a letter or digit,
-- and not a target keyword
--
SELECT migrate_add('quote', 'CREATE TABLE x (id int)', id => 'it''s', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('space', 'CREATE TABLE x (id int)', id => 'a 5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('semicolon', 'CREATE TABLE x (id int)', id => 'a5;DROP TABLE t1',
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('slash', 'CREATE TABLE x (id int)', id => 'feature/a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('unicode', 'CREATE TABLE x (id int)', id => 'révision', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- 65 characters: one too many
SELECT migrate_add('long', 'CREATE TABLE x (id int)', id => repeat('x', 65),
				   revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('empty id', 'CREATE TABLE x (id int)', id => '', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- a leading "-" would read as a relative target
SELECT migrate_add('minus', 'CREATE TABLE x (id int)', id => '-1', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('underscore', 'CREATE TABLE x (id int)', id => '_a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reserved', 'CREATE TABLE x (id int)', id => 'head', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('reserved', 'CREATE TABLE x (id int)', id => 'base', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('reserved', ARRAY['a4', 'c1'], id => 'heads');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('quote', ARRAY['a4', 'c1'], id => 'm''2');
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- NULL where a value is needed
--
SELECT migrate_add(NULL, 'CREATE TABLE x (id int)', id => 'a5');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('no up', NULL, id => 'a5');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge(NULL, ARRAY['a4', 'c1']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_show(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script(NULL);
\echo :LAST_ERROR_SQLSTATE
CALL migrate_deploy(NULL);
\echo :LAST_ERROR_SQLSTATE
-- NULL is not a confirmation
SELECT * FROM migrate_reset(NULL);
\echo :LAST_ERROR_SQLSTATE
-- an empty or blank message is no message either
SELECT migrate_add('', 'CREATE TABLE x (id int)', id => 'a5');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge(E' \n\t', ARRAY['a4', 'c1']);
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Parents: revises and heads
--
SELECT migrate_add('empty parent', 'CREATE TABLE x (id int)', id => 'a5',
				   revises => ARRAY['']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('null parent', 'CREATE TABLE x (id int)', id => 'a5',
				   revises => ARRAY['a4', NULL]);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('2-D parents', 'CREATE TABLE x (id int)', id => 'a5',
				   revises => ARRAY[['a4'], ['c1']]);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('unknown parent', 'CREATE TABLE x (id int)', id => 'a5',
				   revises => ARRAY['nope']);
\echo :LAST_ERROR_SQLSTATE
-- parents are named by their full id, not a prefix
SELECT migrate_add('prefix parent', 'CREATE TABLE x (id int)', id => 'a5',
				   revises => ARRAY['c']);
\echo :LAST_ERROR_SQLSTATE
-- no parent named, and two heads to choose from
SELECT migrate_add('which parent', 'CREATE TABLE x (id int)', id => 'a5');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('unknown head', ARRAY['a4', 'nope']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('null head', ARRAY['a4', NULL]);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('2-D heads', ARRAY[['a4'], ['c1']]);
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Cycles and merges that are no merge
--
-- revising itself
SELECT migrate_add('create t3', 'CREATE TABLE t3 (id int)', 'DROP TABLE t3', id => 'a3',
				   revises => ARRAY['a3']);
\echo :LAST_ERROR_SQLSTATE
-- replacing a pending revision so that it revises its own child
SELECT migrate_add('create t3', 'CREATE TABLE t3 (id int)', 'DROP TABLE t3', id => 'a3',
				   revises => ARRAY['a4']);
\echo :LAST_ERROR_SQLSTATE
-- an applied revision revising a descendant through the merge
SELECT migrate_add('create t1', 'CREATE TABLE t1 (id int)', 'DROP TABLE t1', id => 'a1',
				   revises => ARRAY['m1']);
\echo :LAST_ERROR_SQLSTATE
-- a merge of a revision with its own descendant, through the merge m1
SELECT migrate_merge('loop', ARRAY['b1', 'a4'], id => 'm2');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('loop', ARRAY['a4', 'm1'], id => 'm2');
\echo :LAST_ERROR_SQLSTATE
-- a merge naming itself
SELECT migrate_merge('join a and b', ARRAY['m1', 'c1'], id => 'm1');
\echo :LAST_ERROR_SQLSTATE
-- a merge of one head, named once or twice
SELECT migrate_merge('one head', ARRAY['a4'], id => 'm2');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('one head', ARRAY['a4', 'a4'], id => 'm2');
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Targets
--
-- a prefix that matches several ids
SELECT * FROM migrate_push('a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('a');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_show('a');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('ambiguous', ARRAY['a', 'c1']);
\echo :LAST_ERROR_SQLSTATE
-- "head" with two heads
SELECT * FROM migrate_push('head');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_show('head');
\echo :LAST_ERROR_SQLSTATE
-- unknown, empty, and ids no revision can have
SELECT * FROM migrate_push('nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('a1''; DROP TABLE t1; --');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('a 1');
\echo :LAST_ERROR_SQLSTATE
-- relative targets: a sign and a positive count
SELECT * FROM migrate_push('+');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('-');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('+-1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('+1x');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('++1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('+99999999999');
\echo :LAST_ERROR_SQLSTATE
-- further than there is
SELECT * FROM migrate_push('+4');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('-5');
\echo :LAST_ERROR_SQLSTATE
-- back to a revision that is not applied, or past an irreversible one
SELECT * FROM migrate_downgrade('a3');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('base');
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Offline script, reset, deploy
--
SELECT migrate_script('heads', 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('heads', '');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('heads', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('+1x');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('-1', 'base');
\echo :LAST_ERROR_SQLSTATE
-- reset destroys data: it wants confirm => true
SELECT * FROM migrate_reset();
\echo :LAST_ERROR_SQLSTATE
-- confirmed, it still stops at the irreversible b1 before anything runs
SELECT * FROM migrate_reset(confirm => true);
\echo :LAST_ERROR_SQLSTATE
-- deploy commits: not inside a transaction block, nor from a function
BEGIN;
CALL migrate_deploy();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT deploy_from_function();
\echo :LAST_ERROR_SQLSTATE
-- at top level, a bad target stops it before its first commit
CALL migrate_deploy('nope');
\echo :LAST_ERROR_SQLSTATE
CALL migrate_deploy('-1');
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Scripts
--
-- empty: nothing but a comment, or nothing but the wrapper
SELECT migrate_add('empty', '', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('comment only', '-- TODO', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('wrapper only', 'BEGIN; COMMIT;', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- a syntax error in the down script, placed by line and column
SELECT migrate_add('syntax', 'CREATE TABLE x (id int)', E'DROP TABLE x;\nDROP TABLE (;',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- psql meta-commands: the server never sees psql
SELECT migrate_add('include', $$\i create_x.sql$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('set', $$CREATE TABLE x (id int);
\set ON_ERROR_STOP on
INSERT INTO x VALUES (1);$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('copy', 'CREATE TABLE x (id int)', $$\copy x to 'x.csv'$$,
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- COPY to or from the client
SELECT migrate_add('copy in', $$CREATE TABLE x (id int);
COPY x FROM STDIN;$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('copy out', 'CREATE TABLE x (id int)',
				   'COPY (SELECT * FROM x) TO STDOUT; DROP TABLE x',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- the extension that records the push
SELECT migrate_add('drop', 'DROP EXTENSION migrate', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop', 'DROP EXTENSION IF EXISTS plpgsql, migrate CASCADE',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('drop', 'CREATE TABLE x (id int)', 'DROP SCHEMA migrate CASCADE',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('update', 'ALTER EXTENSION migrate UPDATE', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('unpack', 'ALTER EXTENSION migrate DROP TABLE migrate.history',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- transaction control
SELECT migrate_add('commit', $$CREATE TABLE x (id int);
COMMIT;$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('savepoint', 'SAVEPOINT s1; CREATE TABLE x (id int)',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('prepare', $$CREATE TABLE x (id int); PREPARE TRANSACTION 'x'$$,
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- a wrapper with options is no plain wrapper
SELECT migrate_add('isolation', $$BEGIN ISOLATION LEVEL SERIALIZABLE;
CREATE TABLE x (id int);
COMMIT;$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- outside any transaction block only
SELECT migrate_add('vacuum', 'VACUUM t1', id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('scs', $$SET standard_conforming_strings = off;
CREATE TABLE x (id text DEFAULT 'a\b');$$, id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE

SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Graph shapes: a cycle through a replaced merge, a redundant parent, a merge
-- of nothing named (the first inside a transaction that is rolled back)
--
BEGIN;
SELECT migrate_merge('join the heads', id => 'm2');
SELECT migrate_add('on m2', 'CREATE TABLE t9 (id int)', id => 'a5', revises => '{m2}');
SELECT migrate_merge('join the heads', ARRAY['a5', 'c1'], id => 'm2');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT migrate_add('redundant', 'CREATE TABLE x (id int)', id => 'x1',
				   revises => ARRAY['a1', 'a2']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('nothing named', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT catalog_fingerprint() = :'catalog_before' AS unchanged;

--
-- Size and encoding
--
-- 5 MB: refused by migrate.max_script_size (1 MB) before it is parsed
SELECT migrate_add('big', rpad(E'CREATE TABLE big (id int);\n--', 5 * 1024 * 1024, ' padding'),
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('big', 'CREATE TABLE big (id int)',
				   rpad(E'DROP TABLE big;\n--', 5 * 1024 * 1024, ' padding'),
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
-- a superuser may raise the limit; the registration is rolled back here
SHOW migrate.max_script_size;
SET migrate.max_script_size = '8MB';
BEGIN;
SELECT migrate_add('big', rpad(E'CREATE TABLE big (id int);\n--', 5 * 1024 * 1024, ' padding'),
				   id => 'a5', revises => '{}');
ROLLBACK;
RESET migrate.max_script_size;
SHOW migrate.max_script_size;
-- an ordinary role may not; nor can anyone give it a non-size or invent a setting
SET ROLE regress_bad_user;
SET migrate.max_script_size = '8MB';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET migrate.max_script_size = 'lots';
\echo :LAST_ERROR_SQLSTATE
SET migrate.max_script_sise = '8MB';
\echo :LAST_ERROR_SQLSTATE
-- invalid UTF-8 never reaches the function: the server refuses the text
SELECT migrate_add('bad bytes', convert_from('\x435245415445205441424c4520c328'::bytea, 'UTF8'),
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('bad bytes', E'CREATE TABLE x (id int DEFAULT \'\xff\')',
				   id => 'a5', revises => '{}');
\echo :LAST_ERROR_SQLSTATE

--
-- The lock settings: off by default, a user's to set, bad values refused
-- by the server (a unitless range error reads the same on every version)
--
SHOW migrate.lock_timeout;
SHOW migrate.lock_retries;
SET migrate.lock_timeout = 'soon';
SET migrate.lock_retries = 1001;
SET migrate.lock_retries = -1;
SET ROLE regress_bad_user;
SET migrate.lock_timeout = '1.5s';
SHOW migrate.lock_timeout;
SET migrate.lock_retries = 0;
SHOW migrate.lock_retries;
RESET ROLE;
RESET migrate.lock_timeout;
RESET migrate.lock_retries;

--
-- Nothing changed: not the catalog, not the objects
--
SELECT catalog_fingerprint() = :'catalog_before' AS catalog_unchanged,
	   object_fingerprint() = :'objects_before' AS objects_unchanged;
SELECT revision, state FROM migrate_status();

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_bad CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_bad_user;
RESET client_min_messages;
RESET search_path;
