--
-- push_rows: a push keeps its applied, history and DDL log rows in memory
-- and writes them at its end; they must come out as if each had been
-- written when its revision ran, and go with whatever rolls back
--
CREATE EXTENSION migrate;
CREATE SCHEMA regress_rows;
SET search_path = regress_rows, public;
SET client_min_messages = warning;

-- the log rows, history and applied set, without what changes run to run
CREATE FUNCTION regress_rows.logged()
RETURNS TABLE (n bigint, command_tag text, object_identity text,
			   dropped boolean, revision text)
LANGUAGE sql
AS $$
	SELECT row_number() OVER (ORDER BY seq), command_tag, object_identity,
		   dropped, revision
	  FROM migrate_ddl_log() ORDER BY seq
$$;
CREATE FUNCTION regress_rows.recorded()
RETURNS TABLE (n bigint, revision text, action text, applied boolean,
			   same_xact boolean)
LANGUAGE sql
AS $$
	SELECT row_number() OVER (ORDER BY h.seq), h.revision, h.action,
		   EXISTS (SELECT FROM migrate_status() s
				   WHERE s.revision = h.revision AND s.state = 'applied'),
		   h.xid = first_value(h.xid) OVER (ORDER BY h.seq)
	  FROM migrate_history() h ORDER BY h.seq
$$;

-- what the scripts saw of the catalog while the push ran
CREATE TABLE regress_rows.seen (rev text, applied text, history bigint);

SELECT migrate_add('one', 'CREATE TABLE t1 (id int PRIMARY KEY)',
				   'DROP TABLE t1', id => 'r1');
-- a script's own exception block takes the log row of what it undid
SELECT migrate_add('two', $up$
DO $do$
BEGIN
	CREATE TABLE undone (i int);
	PERFORM 1 / 0;
EXCEPTION WHEN division_by_zero THEN
	NULL;
END
$do$;
CREATE TABLE t2 (id int REFERENCES t1);
INSERT INTO seen
	SELECT 'r2', string_agg(revision, ' ' ORDER BY revision),
		   (SELECT count(*) FROM migrate_history())
	  FROM migrate_status() WHERE state = 'applied';
$up$, 'DROP TABLE t2', id => 'r2');
SELECT migrate_add('three', 'DROP TABLE t2; CREATE VIEW v3 AS SELECT id FROM t1',
				   'DROP VIEW v3; CREATE TABLE t2 (id int REFERENCES t1)', id => 'r3');
SELECT migrate_add('four', 'CREATE TABLE t4 (i int); SELECT 1 / 0',
				   'DROP TABLE t4', id => 'r4');

-- a failing push caught by an exception block leaves nothing; the push
-- after it, in the same transaction, writes its rows as a first push would
BEGIN;
DO $$
BEGIN
	PERFORM migrate_push();
EXCEPTION WHEN division_by_zero THEN
	RAISE WARNING 'push failed: %', SQLERRM;
END
$$;
SELECT * FROM logged();
SELECT * FROM recorded();
SELECT revision FROM migrate_push('r3');
COMMIT;

-- r2's script saw r1 applied and its history row, as if written at once
SELECT * FROM seen;
SELECT * FROM logged();
SELECT * FROM recorded();
SELECT to_regclass('undone') AS undone, to_regclass('t4') AS t4;

-- a deploy's failing revision leaves no log row, and commits its failure
CALL migrate_deploy();
SELECT * FROM logged();
SELECT * FROM recorded();

--
-- Clean up
--
DROP SCHEMA regress_rows CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
