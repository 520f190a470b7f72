--
-- stamp: migrate_stamp marks revisions applied or unapplied without running
-- a single statement of theirs
--
CREATE EXTENSION migrate;

-- the scripts would create their objects here (the caller's search_path)
CREATE SCHEMA regress_stamp;
SET search_path = regress_stamp, public;
SELECT current_user AS caller \gset

-- every script that runs bumps this sequence, which no rollback takes back
CREATE SEQUENCE regress_stamp.script_calls;
CREATE FUNCTION regress_stamp.script_count() RETURNS bigint
LANGUAGE sql
AS $$
	SELECT CASE WHEN is_called THEN last_value ELSE 0 END
	FROM regress_stamp.script_calls
$$;

-- applied revisions, objects the scripts left, scripts run, history rows,
-- and whether every applied revision has all its parents applied
CREATE FUNCTION regress_stamp.summary(OUT applied text, OUT objects text,
									  OUT scripts_run bigint,
									  OUT history bigint, OUT closed boolean)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_stamp'::regnamespace
			   AND relkind = 'r'),
		   regress_stamp.script_count(),
		   (SELECT count(*) FROM migrate_history()),
		   NOT EXISTS (SELECT FROM migrate_status() c, unnest(c.parents) p
						 JOIN migrate_status() s ON s.revision = p
						WHERE c.state = 'applied' AND s.state = 'pending')
$$;

-- one stamp: what it did (its rows, in order), then the summary after it
CREATE FUNCTION regress_stamp.step(target text, OUT did text,
								   OUT applied text, OUT objects text,
								   OUT scripts_run bigint, OUT history bigint,
								   OUT closed boolean)
LANGUAGE plpgsql
AS $$
BEGIN
	SELECT coalesce(string_agg(s.action || ' ' || s.revision, ', ' ORDER BY s.n), '-')
	  INTO did
	  FROM migrate_stamp(target) WITH ORDINALITY s (revision, message, action, n);
	SELECT * INTO applied, objects, scripts_run, history, closed
	  FROM regress_stamp.summary();
END
$$;

-- up scripts create a table, down scripts fail: if either ran it would show
SELECT migrate_add('create s1', $up$SELECT nextval('script_calls');
CREATE TABLE s1 (a int)$up$, $down$SELECT nextval('script_calls');
SELECT 1 / 0$down$, id => 's1');
SELECT migrate_add('create s2', $up$SELECT nextval('script_calls');
CREATE TABLE s2 (a int)$up$, $down$SELECT nextval('script_calls');
SELECT 1 / 0$down$, id => 's2');
-- an irreversible one in the middle
SELECT migrate_add('create s3', $up$SELECT nextval('script_calls');
CREATE TABLE s3 (a int)$up$, id => 's3');
SELECT migrate_add('create s4', $up$SELECT nextval('script_calls');
CREATE TABLE s4 (a int)$up$, $down$SELECT nextval('script_calls');
SELECT 1 / 0$down$, id => 's4');
SELECT * FROM summary();

--
-- Targets
--

-- +N: the next N pending revisions, in apply order; a row each
SELECT * FROM migrate_stamp('+2');
SELECT * FROM summary();

-- -N: the last N applied, latest first
SELECT * FROM migrate_stamp('-1');
SELECT * FROM summary();

-- heads: everything
SELECT * FROM step('heads');

-- an id (or a unique prefix) moves either way: its ancestors applied, what
-- builds on it unapplied, past an irreversible revision too
SELECT * FROM step('s2');
SELECT * FROM step('s4');
SELECT * FROM step('s1');

-- base: nothing applied
SELECT * FROM step('heads');
SELECT * FROM step('base');

-- already there: nothing to do
SELECT * FROM migrate_stamp('base');
SELECT * FROM step('s3');
SELECT * FROM step('s3');
SELECT * FROM step('head');
SELECT * FROM step('head');

-- the history: who stamped what, no duration
SELECT revision, action, run_by = :'caller' AS by_caller,
	   duration IS NULL AS untimed, error
FROM migrate_history() ORDER BY seq;
SELECT revision, state, applied_by = :'caller' AS by_caller,
	   applied_at IS NOT NULL AS dated
FROM migrate_status();

-- refused targets
SELECT * FROM migrate_stamp('-5');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('base');
SELECT * FROM migrate_stamp('-1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('+5');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('+0');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('s');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp('nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_stamp(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM summary();

--
-- A baseline: the schema exists already, the first revisions say how it
-- was made; stamp them, and a push runs only what comes after
--
CREATE TABLE s1 (a int);
CREATE TABLE s2 (a int);
SELECT * FROM step('s2');
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT * FROM summary();
-- and a stamp back to the baseline runs no down script either
SELECT * FROM step('s2');
SELECT * FROM step('base');
DROP TABLE s1, s2, s3, s4;

--
-- Branches: a stamp to an id leaves other branches alone
--
SELECT migrate_add('create b1', $up$SELECT nextval('script_calls');
CREATE TABLE b1 (a int)$up$, 'SELECT 1 / 0', id => 'b1', revises => '{}');
SELECT migrate_add('create b2', $up$SELECT nextval('script_calls');
CREATE TABLE b2 (a int)$up$, 'SELECT 1 / 0', id => 'b2', revises => ARRAY['b1']);
-- a merge of both branches
SELECT migrate_add('merge', 'SELECT 1 / 0', 'SELECT 1 / 0', id => 'm1',
				   revises => ARRAY['s4', 'b2']);
SELECT * FROM step('s3');
SELECT * FROM step('b2');
-- the merge needs both branches: all their pending ancestors come along
SELECT * FROM step('base');
SELECT * FROM step('m1');
-- back to one branch: what builds on b1 goes, the other branch stays
SELECT * FROM step('b1');
SELECT * FROM step('base');

--
-- Transactions
--

-- the caller rolls back: the stamp is undone
BEGIN;
SELECT revision, action FROM migrate_stamp('heads');
SELECT * FROM summary();
ROLLBACK;
SELECT * FROM summary();

-- refused where a push would be
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT * FROM migrate_stamp('heads');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM migrate_stamp('heads');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- with no target, everything registered is stamped
SET client_min_messages = warning;
SELECT revision, action FROM migrate_stamp('base');
RESET client_min_messages;
SELECT count(*) AS applied FROM migrate_status() WHERE state = 'applied';
SELECT revision, action FROM migrate_stamp();
SELECT count(*) AS pending FROM migrate_status() WHERE state = 'pending';
SELECT revision, action FROM migrate_stamp();

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_stamp CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
