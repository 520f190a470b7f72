--
-- catalog_writes: the rows the catalog stores without SQL (catalog/direct.c:
-- the DDL log, applied, history) are checked as an INSERT's would be, and a
-- catalog table given what the direct path does not handle (a trigger, a
-- column this library does not know) is written with SQL instead.
--
SET client_min_messages = warning;
CREATE EXTENSION migrate;
RESET client_min_messages;
CREATE SCHEMA regress_cw;
-- (the catalog's own changes below are made with the log off)
-- a CHECK constraint on the log holds: the row that breaks it is refused,
-- out of band with a WARNING, and the DDL commits
SET migrate.guard = off;
ALTER TABLE migrate.ddl_log ADD CONSTRAINT regress_no_forbidden
	CHECK (object_identity IS DISTINCT FROM 'regress_cw.forbidden');
RESET migrate.guard;
CREATE TABLE regress_cw.forbidden (i int);
CREATE TABLE regress_cw.allowed (i int);
SELECT to_regclass('regress_cw.forbidden') IS NOT NULL AS committed;
SET migrate.guard = off;
ALTER TABLE migrate.ddl_log DROP CONSTRAINT regress_no_forbidden;
RESET migrate.guard;
-- the primary key holds: the sequence set back gives a number taken
SELECT setval('migrate.ddl_log_seq', 1, false);
CREATE TABLE regress_cw.duplicate (i int);
SELECT setval('migrate.ddl_log_seq', (SELECT max(seq) FROM migrate.ddl_log));
SELECT object_identity FROM migrate.ddl_log ORDER BY seq;
-- NOT NULL holds: with the log emptied, its revision made NOT NULL, the
-- row of out-of-band DDL (no revision) is refused
DELETE FROM migrate.ddl_log;
SET migrate.guard = off;
ALTER TABLE migrate.ddl_log ALTER COLUMN revision SET NOT NULL;
RESET migrate.guard;
CREATE TABLE regress_cw.no_revision (i int);
SET migrate.guard = off;
ALTER TABLE migrate.ddl_log ALTER COLUMN revision DROP NOT NULL;
RESET migrate.guard;
SELECT count(*) AS rows FROM migrate.ddl_log;
-- a trigger of the owner's on the log: the rows are written with SQL, as
-- the owner, and the trigger fires
CREATE FUNCTION regress_cw.saw_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'trigger saw %, as the owner: %', NEW.object_identity,
		current_user = (SELECT extowner::regrole::name FROM pg_extension
						WHERE extname = 'migrate');
	RETURN NEW;
END $$;
SET migrate.guard = off;
CREATE TRIGGER regress_saw_row BEFORE INSERT ON migrate.ddl_log
	FOR EACH ROW EXECUTE FUNCTION regress_cw.saw_row();
RESET migrate.guard;
CREATE TABLE regress_cw.triggered (i int);
SET migrate.guard = off;
DROP TRIGGER regress_saw_row ON migrate.ddl_log;
-- a column this library does not know, with a default: SQL, which fills it
ALTER TABLE migrate.ddl_log ADD COLUMN regress_extra text DEFAULT 'filled';
RESET migrate.guard;
CREATE TABLE regress_cw.extra (i int);
SELECT object_identity, regress_extra FROM migrate.ddl_log
WHERE object_identity = 'regress_cw.extra';
SET migrate.guard = off;
ALTER TABLE migrate.ddl_log DROP COLUMN regress_extra;
RESET migrate.guard;
-- a dropped column is no column: stored without SQL again, in a
-- transaction too, with the values SQL's defaults gave
BEGIN;
CREATE TABLE regress_cw.after_drop (i int);
CREATE VIEW regress_cw.after_drop_v AS SELECT 1 AS one;
COMMIT;
SELECT object_identity, session_role = session_user AS session_role,
	   run_by = current_user AS run_by, backend_pid = pg_backend_pid() AS pid,
	   xid IS NOT NULL AS xid, revision, statement
FROM migrate.ddl_log WHERE object_identity LIKE 'regress_cw.after_drop%'
ORDER BY seq;
-- a push: applied (its foreign key checked) and history, without SQL
SELECT migrate_add('one table', 'CREATE TABLE regress_cw.pushed (i int)',
				   'DROP TABLE regress_cw.pushed', id => 'cw1');
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT a.id, a.applied_by = current_user AS applied_by,
	   h.action, h.session_role = session_user AS session_role,
	   h.backend_pid = pg_backend_pid() AS pid, h.xid IS NOT NULL AS xid,
	   h.wal_lsn IS NOT NULL AS wal_lsn, h.checksum IS NOT NULL AS checksum
FROM migrate.applied a JOIN migrate.history h ON h.revision = a.id;
SELECT object_identity, revision FROM migrate.ddl_log
WHERE revision IS NOT NULL ORDER BY seq;
-- a registration stores the revision without SQL: the next position, the
-- transaction's time, the registering role
BEGIN;
SELECT migrate_add('two tables', 'CREATE TABLE regress_cw.second (i int)',
				   id => 'cw2') AS id \gset
SELECT id, parents, position, created_at = now() AS created_now,
	   created_by = current_user AS created_by, transactional, lock_timeout,
	   lint_allow
FROM migrate.revision ORDER BY position;
COMMIT;
-- the catalog's CHECK constraints hold for it: one the owner adds refuses
-- the row, and the registration with it
SET migrate.guard = off;
ALTER TABLE migrate.revision ADD CONSTRAINT regress_no_forbidden
	CHECK (message OPERATOR(pg_catalog.<>) 'forbidden');
RESET migrate.guard;
\set VERBOSITY terse
SELECT migrate_add('forbidden', 'CREATE TABLE regress_cw.forbidden2 (i int)',
				   id => 'cw3');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SET migrate.guard = off;
ALTER TABLE migrate.revision DROP CONSTRAINT regress_no_forbidden;
RESET migrate.guard;
-- nothing of the dropped constraint is kept: the same registration goes in
SELECT migrate_add('forbidden', 'CREATE TABLE regress_cw.forbidden2 (i int)',
				   id => 'cw3');
-- a constraint is judged by its function as it is now: replaced, the
-- function refuses what it let through before, in the same session
CREATE FUNCTION regress_cw.message_ok(m text) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$ SELECT m <> 'refused first' $$;
SET migrate.guard = off;
ALTER TABLE migrate.revision ADD CONSTRAINT regress_message_ok
	CHECK (regress_cw.message_ok(message));
RESET migrate.guard;
SELECT migrate_add('refused later', 'CREATE TABLE regress_cw.later1 (i int)',
				   id => 'cw4');
CREATE OR REPLACE FUNCTION regress_cw.message_ok(m text) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$ SELECT m <> 'refused later' $$;
\set VERBOSITY terse
SELECT migrate_add('refused later', 'CREATE TABLE regress_cw.later2 (i int)',
				   id => 'cw5');
\set VERBOSITY default
SET migrate.guard = off;
ALTER TABLE migrate.revision DROP CONSTRAINT regress_message_ok;
RESET migrate.guard;
-- a constraint through a domain follows the domain: a constraint added to
-- it refuses the next registration, in the same session
CREATE DOMAIN regress_cw.message_text AS text;
SET migrate.guard = off;
ALTER TABLE migrate.revision ADD CONSTRAINT regress_message_domain
	CHECK ((message::regress_cw.message_text) IS NOT NULL);
RESET migrate.guard;
SELECT migrate_add('refused by the domain', 'CREATE TABLE regress_cw.dom1 (i int)',
				   id => 'cw6');
ALTER DOMAIN regress_cw.message_text ADD CONSTRAINT regress_not_refused
	CHECK (VALUE <> 'refused by the domain');
\set VERBOSITY terse
SELECT migrate_add('refused by the domain', 'CREATE TABLE regress_cw.dom2 (i int)',
				   id => 'cw7');
\set VERBOSITY default
SET migrate.guard = off;
ALTER TABLE migrate.revision DROP CONSTRAINT regress_message_domain;
-- a constraint on the whole row: what it keeps while it runs is the
-- writer's own, registration after registration
ALTER TABLE migrate.revision ADD CONSTRAINT regress_whole_row
	CHECK (pg_catalog.length(revision::text) > 0);
RESET migrate.guard;
SELECT migrate_add('whole row 1', 'CREATE TABLE regress_cw.row1 (i int)', id => 'cw8');
SELECT migrate_add('whole row 2', 'CREATE TABLE regress_cw.row2 (i int)', id => 'cw9');
SELECT migrate_add('whole row 3', 'CREATE TABLE regress_cw.row3 (i int)', id => 'cw10');
SET migrate.guard = off;
ALTER TABLE migrate.revision DROP CONSTRAINT regress_whole_row;
RESET migrate.guard;
SELECT id FROM migrate.revision ORDER BY position;
SET client_min_messages = warning;
DROP EXTENSION migrate;
DROP SCHEMA regress_cw CASCADE;
RESET client_min_messages;
