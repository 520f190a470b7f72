--
-- merge: two branches from a common revision, migrate_merge, and how push
-- and downgrade walk a merge
--
CREATE EXTENSION migrate;

CREATE SCHEMA regress_merge;
SET search_path = regress_merge, public;

-- applied revisions and the tables the scripts left
CREATE FUNCTION regress_merge.summary(OUT applied text, OUT tables text)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_merge'::regnamespace AND relkind = 'r')
$$;

--
-- Two branches from b0:   b0 -- a1 -- a2
--                           \
--                            `-- c1
--
SELECT migrate_add('create base', 'CREATE TABLE base (id int)', 'DROP TABLE base', id => 'b0');
SELECT migrate_add('create a1', 'CREATE TABLE a1 (id int)', 'DROP TABLE a1', id => 'a1');
SELECT migrate_add('create a2', 'CREATE TABLE a2 (id int)', 'DROP TABLE a2', id => 'a2');
SELECT migrate_add('create c1', 'CREATE TABLE c1 (id int)', 'DROP TABLE c1', id => 'c1',
				   revises => '{b0}');
SELECT * FROM migrate_heads();

-- a new revision must name its parent now
SELECT migrate_add('create x', 'CREATE TABLE x (id int)', id => 'x1');
\echo :LAST_ERROR_SQLSTATE
-- and "head" is ambiguous
SELECT * FROM migrate_push('head');
\echo :LAST_ERROR_SQLSTATE

--
-- Refused merges; nothing is registered
--
-- one revision only, or the same one twice (terse: the HINT is written for
-- the default heads)
\set VERBOSITY terse
SELECT migrate_merge('merge', revises => '{a2}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('merge', revises => '{a2,a2}');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- an ambiguous prefix
SELECT migrate_merge('merge', revises => '{a2,a}');
\echo :LAST_ERROR_SQLSTATE
-- a revision with its own ancestor
SELECT migrate_merge('merge', revises => '{a2,a1}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('merge', revises => '{b0,c1}');
\echo :LAST_ERROR_SQLSTATE
-- an unknown revision
SELECT migrate_merge('merge', revises => '{a2,zz}');
\echo :LAST_ERROR_SQLSTATE
-- a null or empty message
SELECT migrate_merge(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge(' ');
\echo :LAST_ERROR_SQLSTATE
-- a bad id
SELECT migrate_merge('merge', id => 'no spaces');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('merge', id => 'heads');
\echo :LAST_ERROR_SQLSTATE
SELECT revision FROM migrate_status();

--
-- The merge, with the default heads: every head
--
SELECT migrate_merge('merge a and c', id => 'm1');
SELECT revision, message, parents, up, down FROM migrate_show('m1');
SELECT * FROM migrate_heads();
-- replaying the same call, or naming the same heads in any order: a no-op
SELECT max(created_at) AS created_before FROM migrate_show('m1') \gset
SELECT migrate_merge('merge a and c', id => 'm1');
SELECT migrate_merge('merge a and c', revises => '{a2,c1}', id => 'm1');
SELECT migrate_merge('merge a and c', revises => '{c1,a2}', id => 'm1');
SELECT parents, created_at = :'created_before' AS unchanged FROM migrate_show('m1');
-- one head now: nothing to merge
SELECT migrate_merge('merge again');
\echo :LAST_ERROR_SQLSTATE
-- the merge with something it builds on, or with itself
SELECT migrate_merge('merge', revises => '{m1,a2}');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_merge('merge a and c', revises => '{m1,a2}', id => 'm1');
\echo :LAST_ERROR_SQLSTATE
-- a new revision builds on the single head again
SELECT migrate_add('create after', 'CREATE TABLE after_m1 (id int)', 'DROP TABLE after_m1',
				   id => 'n1');
SELECT revision, parents FROM migrate_show('n1');

--
-- Push walks the merge
--
\set VERBOSITY terse
-- one branch first: b0 is applied with it
SELECT revision FROM migrate_push('a2');
\set VERBOSITY default
SELECT revision, state, is_head, is_current FROM migrate_status();
SELECT revision, message FROM migrate_current();
\set VERBOSITY terse
-- the other branch: b0 is not applied again
SELECT revision FROM migrate_push('c1');
\set VERBOSITY default
-- two current revisions, one per branch; the merge is pending
SELECT revision, state, is_head, is_current FROM migrate_status();
SELECT revision, message FROM migrate_current();
SELECT * FROM migrate_heads();
\set VERBOSITY terse
-- the merge runs nothing
SELECT revision, message FROM migrate_push('m1');
\set VERBOSITY default
SELECT revision, message FROM migrate_current();
SELECT * FROM summary();
SELECT revision, count(*) FROM migrate_history() WHERE action = 'upgrade'
GROUP BY revision ORDER BY min(seq);

-- an applied merge cannot change
SELECT migrate_merge('another message', id => 'm1');
\echo :LAST_ERROR_SQLSTATE

--
-- Downgrade walks back
--
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
-- back to the merge, then -1 from it: only the merge
SELECT revision FROM migrate_downgrade('m1');
SELECT revision FROM migrate_downgrade('-1');
SELECT revision, message FROM migrate_current();
SELECT * FROM summary();
SELECT revision FROM migrate_push('m1');

-- to a revision of one branch: the merge and what builds on that branch
-- only; the other branch stays
SELECT revision FROM migrate_downgrade('a1');
SELECT revision, message FROM migrate_current();
SELECT * FROM summary();

-- b0 goes only when nothing applied builds on it: -2 takes the tips of both
-- branches, not the revision they share
SELECT revision FROM migrate_downgrade('-2');
SELECT * FROM summary();
SELECT revision FROM migrate_downgrade('-1');
SELECT * FROM summary();

-- to the shared revision: both branches and the merge, not b0
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade('b0');
SELECT * FROM summary();

-- base: everything, b0 last
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_downgrade('base');
SELECT * FROM summary();
RESET client_min_messages;

-- from base, a push to the merge walks both branches, b0 once
\set VERBOSITY terse
SELECT revision FROM migrate_push('m1');
\set VERBOSITY default
SELECT revision, state, is_current FROM migrate_status();

--
-- Named heads, by id or by prefix:   n1 -- dev.1
--                                      |-- exp.1
--                                      `-- gen.1
--
SET client_min_messages = warning;
SELECT migrate_add('dev', 'CREATE TABLE dev (id int)', 'DROP TABLE dev', id => 'dev.1',
				   revises => '{n1}');
SELECT migrate_add('exp', 'CREATE TABLE exp (id int)', 'DROP TABLE exp', id => 'exp.1',
				   revises => '{n1}');
SELECT migrate_add('gen', 'CREATE TABLE gen (id int)', 'DROP TABLE gen', id => 'gen.1',
				   revises => '{n1}');
RESET client_min_messages;
SELECT * FROM migrate_heads();
-- prefixes name two of the three heads; the third stays a head
SELECT migrate_merge('merge dev and exp', revises => '{dev,ex}', id => 'm2');
SELECT revision, parents FROM migrate_show('m2');
SELECT * FROM migrate_heads();
-- replayed: a no-op
SELECT migrate_merge('merge dev and exp', revises => '{dev,ex}', id => 'm2');
-- ids name the remaining two
SELECT migrate_merge('merge all', revises => ARRAY['gen.1', 'm2'], id => 'm3');
SELECT revision, parents FROM migrate_show('m3');
SELECT * FROM migrate_heads();
-- a generated id
SELECT migrate_add('create late', 'CREATE TABLE late (id int)', 'DROP TABLE late',
				   id => 'l1', revises => '{n1}');
SELECT migrate_merge('merge late') AS late \gset
SELECT :'late' ~ '^[0-9a-f]{12}$' AS generated_id;
SELECT s.revision = :'late' AS is_late, s.message, s.parents
FROM migrate_heads() h, migrate_show(h.revision) s;

SET client_min_messages = warning;
SELECT replace(revision, :'late', '(late)') AS revision FROM migrate_push();
RESET client_min_messages;
SELECT replace(revision, :'late', '(late)') AS revision, state, is_head, is_current
FROM migrate_status()
WHERE revision NOT IN ('b0', 'a1', 'a2', 'c1', 'm1', 'n1');
SELECT replace(applied, :'late', '(late)') AS applied, tables FROM summary();

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_merge CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
