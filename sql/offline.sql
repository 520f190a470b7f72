--
-- offline: migrate_export writes revision files, migrate_script writes
-- the SQL a push or downgrade would run; running that SQL does what the
-- push does
--
CREATE EXTENSION migrate;
CREATE SCHEMA regress_offline;

-- applied revisions, objects the scripts left, history since :seq_before
CREATE FUNCTION regress_offline.summary(seq_before bigint, OUT applied text,
										OUT objects text, OUT history text)
LANGUAGE sql
AS $$
	SELECT (SELECT coalesce(string_agg(revision, ' '), '-')
			  FROM migrate_status() WHERE state = 'applied'),
		   (SELECT coalesce(string_agg(relname, ' ' ORDER BY relname), '-')
			  FROM pg_class
			 WHERE relnamespace = 'regress_offline'::regnamespace AND relkind = 'r'),
		   (SELECT coalesce(string_agg(revision || ':' || action, ' ' ORDER BY seq), '-')
			  FROM migrate_history() WHERE seq > seq_before)
$$;

-- every registered revision as migrate_show gives it, creation aside
CREATE FUNCTION regress_offline.registered()
RETURNS TABLE (revision text, message text, parents text[], up text, down text,
			   checksum text)
LANGUAGE sql
AS $$
	SELECT s.revision, s.message, s.parents, s.up, s.down, s.checksum
	FROM migrate_status() st, migrate_show(st.revision) s
$$;

-- register the exported files, in order, as the client does; returns how
-- many were registered
CREATE FUNCTION regress_offline.replay(names text[], files text[]) RETURNS int
LANGUAGE plpgsql
AS $$
BEGIN
	FOR i IN 1 .. cardinality(files) LOOP
		PERFORM migrate_add_file(names[i], files[i]);
	END LOOP;
	RETURN cardinality(files);
END
$$;

--
-- A small catalog:  o1 -- o2 --.
--                               m1 -- s1
--                         o3 --'
--
-- o1's message has a quote and a newline; o2's up script contains $up$ and
-- ends in a line comment; o3 is a second root, irreversible; m1 merges; s1
-- SETs things
SELECT migrate_add(E'create items\nit''s the first', $$CREATE TABLE regress_offline.items (
	id int PRIMARY KEY,
	note text
)$$, 'DROP TABLE regress_offline.items', id => 'o1');
SELECT migrate_add('add label function', $s$
CREATE FUNCTION regress_offline.label(i int) RETURNS text
LANGUAGE sql AS $up$ SELECT 'item ' || i $up$;
INSERT INTO regress_offline.items
	VALUES (1, regress_offline.label(1)) -- the first item
$s$, 'DROP FUNCTION regress_offline.label(int)', id => 'o2');
SELECT migrate_add('create settings', $$CREATE TABLE regress_offline.settings (k text, v text);
INSERT INTO regress_offline.settings VALUES ('mode', 'on')$$,
				   id => 'o3', revises => '{}');
SELECT migrate_merge('merge items and settings', id => 'm1');
SELECT migrate_add('notes, with settings', $$
SET search_path = regress_offline;
SET lock_timeout = '2s';
CREATE TABLE notes (id int, lock_timeout text DEFAULT current_setting('lock_timeout'));
INSERT INTO notes (id) VALUES (1);
$$, 'DROP TABLE regress_offline.notes', id => 's1');

--
-- Export: one file per revision, in apply order
--
SELECT revision, filename FROM migrate_export();
\pset format unaligned
\pset tuples_only on
SELECT content FROM migrate_export();
\pset format aligned
\pset tuples_only off

-- replaying the files is a no-op
CREATE TEMP TABLE exported AS SELECT * FROM migrate_export();
CREATE TEMP TABLE registered AS SELECT * FROM regress_offline.registered();
SELECT regress_offline.replay(array_agg(filename ORDER BY filename),
							  array_agg(content ORDER BY filename)) AS files FROM exported;
SELECT count(*) AS changed FROM (
	SELECT * FROM regress_offline.registered() EXCEPT SELECT * FROM registered) c;
-- replayed into an empty catalog, they register the same revisions
DROP EXTENSION migrate;
CREATE EXTENSION migrate;
SELECT regress_offline.replay(array_agg(filename ORDER BY filename),
							  array_agg(content ORDER BY filename)) AS files FROM exported;
SELECT revision, parents FROM migrate_status();
(SELECT * FROM regress_offline.registered() EXCEPT SELECT * FROM registered)
UNION ALL
(SELECT * FROM registered EXCEPT SELECT * FROM regress_offline.registered());
SELECT * FROM migrate_export() EXCEPT SELECT * FROM exported;

--
-- Scripts
--
SET client_min_messages = warning;
SELECT revision FROM migrate_push('o1');
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

-- push to the heads from the current state (o1 applied)
SELECT migrate_script();
-- from base
SELECT migrate_script('heads', 'base');
-- from a revision: it and its ancestors applied
SELECT migrate_script('s1', 'o3');
-- downgrade to base (from a revision)
SELECT migrate_script('base', 'o2');
-- a target behind the current state: a downgrade
SELECT migrate_script('base');
-- nothing to do
SELECT migrate_script('o1');
SELECT migrate_script('heads', 'heads');
\pset format aligned
\pset tuples_only off

-- refused
SELECT migrate_script(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('nope');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('heads', 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_script('+5');
\echo :LAST_ERROR_SQLSTATE
-- a downgrade that passes the irreversible o3 is refused, as migrate_downgrade is
SELECT migrate_script('base', 'heads');
\echo :LAST_ERROR_SQLSTATE

--
-- Running a push script does what the push does
--
SELECT max(seq) AS seq_before FROM migrate_history() \gset
CREATE TEMP TABLE scripts AS SELECT migrate_script() AS push;

-- the push itself, rolled back
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT revision FROM migrate_push();
SELECT applied AS push_applied, objects AS push_objects, history AS push_history
FROM regress_offline.summary(:seq_before) \gset
ROLLBACK;

-- the script: the same revisions applied, the same objects, the same
-- history actions, with no duration
DO $$ BEGIN EXECUTE (SELECT push FROM scripts); END $$;
SELECT * FROM regress_offline.summary(:seq_before);
SELECT applied = :'push_applied' AS same_applied, objects = :'push_objects' AS same_objects,
	   history = :'push_history' AS same_history
FROM regress_offline.summary(:seq_before);
SELECT revision, action, run_by = current_user AS by_me, duration IS NULL AS no_duration,
	   started_at IS NOT NULL AS has_started_at, xid IS NOT NULL AS has_xid,
	   wal_lsn IS NOT NULL AS has_wal_lsn, error
FROM migrate_history() WHERE seq > :seq_before ORDER BY seq;
SELECT revision, state, is_current, applied_by = current_user AS by_me FROM migrate_status();
-- what the scripts did
SELECT * FROM regress_offline.items;
SELECT * FROM regress_offline.notes;
-- s1's settings were RESET after it
SELECT current_setting('lock_timeout') AS lock_timeout;

-- run again: the state check stops it
\set SHOW_CONTEXT never
DO $$ BEGIN EXECUTE (SELECT push FROM scripts); END $$;
\echo :LAST_ERROR_SQLSTATE
\set SHOW_CONTEXT errors
SELECT * FROM regress_offline.summary(:seq_before);

--
-- A downgrade script, and a script whose revisions changed since
--
SELECT max(seq) AS seq_before FROM migrate_history() \gset
DO $$ BEGIN EXECUTE migrate_script('m1'); END $$;
SELECT * FROM regress_offline.summary(:seq_before);
UPDATE scripts SET push = migrate_script();
SELECT migrate_add('notes, changed', 'CREATE TABLE regress_offline.notes (id int)',
				   'DROP TABLE regress_offline.notes', id => 's1');
\set SHOW_CONTEXT never
DO $$ BEGIN EXECUTE (SELECT push FROM scripts); END $$;
\echo :LAST_ERROR_SQLSTATE
\set SHOW_CONTEXT errors
SELECT * FROM regress_offline.summary(:seq_before);

--
-- Clean up
--
DROP TABLE exported, registered, scripts;
SET client_min_messages = warning;
DROP SCHEMA regress_offline CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
