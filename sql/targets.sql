--
-- targets: how push, downgrade, stamp and show resolve head, heads, base, ids,
-- prefixes, +N and -N, on a graph with a branch and a merge
--
CREATE EXTENSION migrate;
-- the progress NOTICEs carry timings; the rows returned say what ran
SET client_min_messages = warning;

-- applied revisions in apply order, and the tables their scripts left
CREATE FUNCTION regress_state(OUT applied text, OUT tables text)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' ' ORDER BY ordinality), '-')
			FROM migrate_status() WITH ORDINALITY
			WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			FROM pg_class
			WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
			  AND relname LIKE 't\_%')
$$;

-- the SQLSTATE, message and detail of the error a query raises
CREATE FUNCTION regress_try(query text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
	state text;
	msg text;
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL;
	RETURN concat_ws(E'\n', state || ': ' || msg, 'DETAIL: ' || nullif(detail, ''));
END
$$;

-- one table per revision
CREATE FUNCTION regress_add(id text, revises text[])
RETURNS text
LANGUAGE sql
AS $$
	SELECT migrate_add('create t_' || id, format('CREATE TABLE %I (a int)', 't_' || id),
					   format('DROP TABLE %I', 't_' || id), id, revises)
$$;

--
-- The graph (registration order: r1a r2a side r3a r3b r4m r5a):
--
--   r1a -- r2a -- r3a -- r4m -- r5a
--    |      \          /
--    |       `- r3b --'
--    `- side
--
SELECT regress_add('r1a', '{}');
SELECT regress_add('r2a', '{r1a}');
SELECT regress_add('side', '{r1a}');
SELECT regress_add('r3a', '{r2a}');
SELECT regress_add('r3b', '{r2a}');
SELECT regress_add('r4m', '{r3a,r3b}');
SELECT regress_add('r5a', '{r4m}');
SELECT revision, parents, is_head FROM migrate_status();
SELECT revision FROM migrate_heads();

--
-- Targets that name nothing, or too much
--
SELECT * FROM migrate_push('head');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('r3');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('r');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('HEAD');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('r1a ');
\echo :LAST_ERROR_SQLSTATE
-- downgrade, stamp and show resolve them the same way
SELECT f, t, regress_try(format('SELECT * FROM %I(%L)', f, t))
FROM unnest(ARRAY['migrate_downgrade', 'migrate_stamp', 'migrate_show']) AS f,
	 unnest(ARRAY['head', 'r3', 'nope']) AS t;
SELECT * FROM migrate_push(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM regress_state();

--
-- Relative targets that are malformed, point the wrong way, or go too far
--
SELECT * FROM migrate_push('+0');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('-0');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('-1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('+1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push('+8');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade('-1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_downgrade();
\echo :LAST_ERROR_SQLSTATE
-- every function that takes a target refuses the same malformed ones
SELECT f, t, regress_try(format('SELECT * FROM %I(%L)', f, t))
FROM unnest(ARRAY['migrate_push', 'migrate_downgrade', 'migrate_stamp']) AS f,
	 unnest(ARRAY['+0', '-0', '+', '+x', '+1a', '++1', '+ 1', '+1.5', '+99999999999', '-',
				   '--1', '-1x']) AS t;
SELECT * FROM regress_state();

--
-- Pushing
--
-- nothing is pushed to base
SELECT revision FROM migrate_push('base');
-- an id: exactly its ancestors, in order (not r3b, not side)
SELECT revision FROM migrate_push('r3a');
SELECT * FROM regress_state();
-- +1: the next pending revision in apply order
SELECT revision FROM migrate_push('+1');
SELECT * FROM regress_state();
-- a unique prefix: r4 is r4m, which also needs r3b
SELECT revision FROM migrate_push('r4');
SELECT * FROM regress_state();
-- already applied: nothing to do
SELECT revision FROM migrate_push('r2a');
SELECT revision FROM migrate_push('si');
-- +N past the last pending revision
SELECT revision FROM migrate_push('+2');
\echo :LAST_ERROR_SQLSTATE
-- +N exactly to the end
SELECT revision FROM migrate_push('+1');
SELECT * FROM regress_state();
SELECT revision FROM migrate_push('heads');
SELECT revision FROM migrate_push();
SELECT revision FROM migrate_push('+1');
\echo :LAST_ERROR_SQLSTATE

--
-- Downgrading
--
-- nothing builds on a head
SELECT revision FROM migrate_downgrade('heads');
SELECT revision FROM migrate_downgrade('side');
SELECT revision FROM migrate_downgrade('r5a');
-- an id: only what builds on it, in reverse order (not r3a, not side)
SELECT revision FROM migrate_downgrade('r3b');
SELECT * FROM regress_state();
-- not applied any more
SELECT revision FROM migrate_downgrade('r4m');
\echo :LAST_ERROR_SQLSTATE
-- -1: the last applied revision in apply order
SELECT revision FROM migrate_downgrade('-1');
SELECT * FROM regress_state();
-- -N past the first applied revision
SELECT revision FROM migrate_downgrade('-5');
\echo :LAST_ERROR_SQLSTATE
-- a unique prefix: r2 is r2a; side builds on r1a, not on r2a
SELECT revision FROM migrate_downgrade('r2');
SELECT * FROM regress_state();
SELECT revision FROM migrate_downgrade('-2');
SELECT * FROM regress_state();
SELECT revision FROM migrate_push('heads');
SELECT revision FROM migrate_downgrade('base');
SELECT * FROM regress_state();
SELECT revision FROM migrate_downgrade('base');
SELECT revision FROM migrate_downgrade('-1');
\echo :LAST_ERROR_SQLSTATE
-- downgrade to a revision that is not applied
SELECT revision FROM migrate_downgrade('r1a');
\echo :LAST_ERROR_SQLSTATE

--
-- Stamping: the same targets, nothing runs
--
SELECT revision, action FROM migrate_stamp('r3a');
SELECT * FROM regress_state();
-- an id also unmarks what builds on it
SELECT revision, action FROM migrate_stamp('r4');
SELECT revision, action FROM migrate_stamp('r2a');
SELECT * FROM regress_state();
SELECT revision, action FROM migrate_stamp('+2');
SELECT revision, action FROM migrate_stamp('-1');
SELECT * FROM regress_state();
SELECT revision, action FROM migrate_stamp('heads');
SELECT revision, action FROM migrate_stamp('heads');
SELECT revision, action FROM migrate_stamp('-3');
SELECT * FROM regress_state();
SELECT revision, action FROM migrate_stamp('+4');
\echo :LAST_ERROR_SQLSTATE
SELECT revision, action FROM migrate_stamp('-5');
\echo :LAST_ERROR_SQLSTATE
SELECT revision, action FROM migrate_stamp('base');
SELECT * FROM regress_state();

--
-- Showing: one revision, by id, prefix or head
--
SELECT revision, parents FROM migrate_show('r4m');
SELECT revision, parents FROM migrate_show('r3b');
SELECT revision, parents FROM migrate_show('si');
-- show takes one revision: not heads, base or a relative target
SELECT t, regress_try(format('SELECT * FROM migrate_show(%L)', t))
FROM unnest(ARRAY['heads', 'base', '+1', '-1']) AS t;

--
-- One head again: a merge of r5a and side, whose id has r5a as a prefix
--
SELECT regress_add('r5a1', '{r5a,side}');
SELECT revision FROM migrate_heads();
-- an exact id wins over a longer id it is a prefix of
SELECT revision FROM migrate_show('r5a');
SELECT revision FROM migrate_show('r5a1');
SELECT revision FROM migrate_show('head');
SELECT revision FROM migrate_push('r5a');
SELECT revision FROM migrate_push('head');
SELECT * FROM regress_state();
SELECT revision FROM migrate_downgrade('head');
SELECT revision FROM migrate_downgrade('r5a');
-- a stamp runs nothing: r5a1 is marked applied, but t_r5a1 is not created
SELECT revision, action FROM migrate_stamp('head');
SELECT * FROM regress_state();
SELECT revision, action FROM migrate_stamp('head');
SELECT revision, action FROM migrate_stamp('r5a');
SELECT revision FROM migrate_downgrade('base');
SELECT * FROM regress_state();
SELECT revision, action FROM migrate_stamp('head');
SELECT revision, action FROM migrate_stamp('r1a');
SELECT revision, action FROM migrate_stamp('base');
SELECT * FROM regress_state();

RESET client_min_messages;
DROP FUNCTION regress_add(text, text[]);
DROP FUNCTION regress_state();
DROP FUNCTION regress_try(text);
DROP EXTENSION migrate;
