--
-- ddl_log: what the event triggers write to migrate.ddl_log for each kind of
-- DDL, one row per object, with the statement's own text and the revision
-- whose script ran it (NULL: out of band)
--
-- (lint warnings at registration are suite lint's subject, not this one's)
SET migrate.lint = off;
CREATE EXTENSION migrate;
-- load the library, so that every statement logs its own text from the start
SELECT count(*) FROM migrate_status();

-- the DDL runs as regress_ddl_owner in its own schema
CREATE ROLE regress_ddl_owner;
CREATE ROLE regress_ddl_other;
GRANT regress_ddl_other TO regress_ddl_owner;
CREATE SCHEMA regress_ddl AUTHORIZATION regress_ddl_owner;
GRANT USAGE, CREATE ON SCHEMA regress_ddl TO regress_ddl_other;
GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[], boolean, text, integer, text[]),
	migrate_push(text), migrate_downgrade(text) TO regress_ddl_owner;
GRANT EXECUTE ON PROCEDURE migrate_deploy(text) TO regress_ddl_owner;

SET SESSION AUTHORIZATION regress_ddl_owner;
SET search_path = regress_ddl, public;

-- the log rows since the last look; these helpers are temporary objects,
-- which are not logged
CREATE TEMP TABLE regress_seen AS SELECT coalesce(max(seq), 0) AS seq FROM migrate_ddl_log();
CREATE TEMP VIEW regress_new AS
	SELECT * FROM migrate_ddl_log() WHERE seq > (SELECT seq FROM regress_seen);
CREATE FUNCTION pg_temp.regress_log()
RETURNS TABLE (command_tag text, object_type text, object_identity text,
			   schema_name text, dropped boolean, statement text,
			   revision text, run_by name)
LANGUAGE sql
AS $$
	WITH l AS (SELECT * FROM regress_new),
		 mark AS (UPDATE regress_seen SET seq = coalesce((SELECT max(seq) FROM l), seq))
	SELECT command_tag, object_type, object_identity, schema_name, dropped,
		   statement, revision, run_by
	  FROM l ORDER BY seq;
$$;
SELECT * FROM pg_temp.regress_log();

--
-- Tables and columns
--

-- one statement, several objects: a row each, all with the statement's text,
-- in one transaction
CREATE TABLE accounts (id serial PRIMARY KEY, name text);
SELECT count(*) AS rows, count(DISTINCT xid) AS xids, bool_and(xid IS NOT NULL) AS has_xid,
	   bool_and(logged_at IS NOT NULL) AS has_time,
	   bool_and(backend_pid = pg_backend_pid()) AS this_backend,
	   bool_and(application_name = current_setting('application_name')) AS app,
	   bool_and(session_role = session_user) AS session_role
  FROM regress_new;
SELECT * FROM pg_temp.regress_log();

ALTER TABLE accounts ADD COLUMN email text;
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);
ALTER TABLE accounts DROP COLUMN email;
SELECT * FROM pg_temp.regress_log();

-- renames
ALTER TABLE accounts RENAME COLUMN name TO full_name;
CREATE TABLE scratch (i int);
ALTER TABLE scratch RENAME TO scratch2;
SELECT * FROM pg_temp.regress_log();

--
-- Indexes and constraints
--
CREATE INDEX accounts_name_idx ON accounts (full_name);
CREATE TABLE orders (id int, account_id int, amount numeric);
ALTER TABLE orders ADD PRIMARY KEY (id);
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount > 0);
ALTER TABLE orders ADD CONSTRAINT orders_unique UNIQUE (account_id, id);
SELECT * FROM pg_temp.regress_log();

--
-- Views, materialized views, functions, procedures
--
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;
CREATE MATERIALIZED VIEW order_totals AS
	SELECT account_id, sum(amount) AS total FROM orders GROUP BY account_id;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
CREATE PROCEDURE touch_orders() LANGUAGE sql AS 'UPDATE orders SET amount = amount';
-- refreshing changes data, not the schema
REFRESH MATERIALIZED VIEW order_totals;
SELECT * FROM pg_temp.regress_log();

--
-- Types and sequences
--
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b int);
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE SEQUENCE ticket_seq;
ALTER SEQUENCE ticket_seq RESTART WITH 100;
SELECT * FROM pg_temp.regress_log();

--
-- Row level security, triggers, comments, grants
--
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_orders ON orders USING (account_id = 1);
CREATE FUNCTION orders_stamp() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON orders
	FOR EACH ROW EXECUTE FUNCTION orders_stamp();
COMMENT ON TABLE orders IS 'what was ordered';
COMMENT ON COLUMN orders.amount IS 'in cents';
GRANT SELECT ON orders TO regress_ddl_other;
SELECT * FROM pg_temp.regress_log();

--
-- Drops: each object dropped, by name or by CASCADE, with its identity
--
DROP TABLE scratch2;
DROP POLICY own_orders ON orders;
DROP TRIGGER orders_stamp ON orders;
DROP FUNCTION orders_stamp();
DROP INDEX accounts_name_idx;
DROP TYPE pair;
DROP SEQUENCE ticket_seq;
SELECT * FROM pg_temp.regress_log();
-- the view goes with the table it reads
DROP TABLE orders CASCADE;
SELECT * FROM pg_temp.regress_log();

--
-- Statement text
--

-- several statements in one client query: each logs its own text
CREATE TABLE a1 (i int) \; CREATE TABLE a2 (i int);
SELECT * FROM pg_temp.regress_log();
SELECT count(DISTINCT xid) AS xids FROM migrate_ddl_log() WHERE statement LIKE 'CREATE TABLE a_ (i int)';

-- DDL run by a function or a DO block logs the inner statement
CREATE FUNCTION make_table(name text) RETURNS void LANGUAGE plpgsql
AS $$ BEGIN EXECUTE format('CREATE TABLE %I (i int)', name); END $$;
SELECT make_table('made_by_function');
DO $$ BEGIN CREATE TABLE made_by_do (i int); END $$;
SELECT * FROM pg_temp.regress_log();

-- temporary objects are not logged
CREATE TEMP TABLE temp_t (i int);
CREATE INDEX ON temp_t (i);
DROP TABLE temp_t;
SELECT * FROM pg_temp.regress_log();

-- a statement that changes nothing logs nothing
CREATE TABLE IF NOT EXISTS a1 (i int);
DROP TABLE IF EXISTS no_such_table;
SELECT * FROM pg_temp.regress_log();

--
-- Roles: the session role and the role the statement ran as
--
SET ROLE regress_ddl_other;
CREATE TABLE other_t (i int);
RESET ROLE;
SELECT object_identity, session_role, run_by FROM regress_new;
SELECT * FROM pg_temp.regress_log();

--
-- Extensions: CREATE EXTENSION is logged, not the objects its script creates
--
RESET SESSION AUTHORIZATION;
CREATE EXTENSION pg_trgm SCHEMA regress_ddl;
SELECT command_tag, object_type, object_identity, statement, run_by = current_user AS by_me
  FROM regress_new ORDER BY seq;
DROP EXTENSION pg_trgm;
SELECT command_tag, object_type, object_identity, dropped, statement
  FROM regress_new WHERE object_type = 'extension' ORDER BY seq;
SELECT count(*) > 0 AS logged FROM pg_temp.regress_log();
SET SESSION AUTHORIZATION regress_ddl_owner;
SET search_path = regress_ddl, public;

--
-- Attribution: DDL run by a revision's script carries the revision and the
-- script statement; DDL outside any migration carries NULL
--
\set VERBOSITY terse
SELECT migrate_add('create items', $up$
CREATE TABLE items (id int PRIMARY KEY, label text);
-- a comment between statements
CREATE INDEX items_label_idx
	ON items (label);
COMMENT ON TABLE items IS 'things';
$up$, $down$
DROP TABLE items;
$down$, id => 'r1');
SELECT revision FROM migrate_push();
SELECT * FROM pg_temp.regress_log();

SELECT migrate_add('add price', 'ALTER TABLE items ADD price numeric; CREATE VIEW priced AS SELECT id, price FROM items',
				   'DROP VIEW priced; ALTER TABLE items DROP price', id => 'r2');
CALL migrate_deploy();
SELECT * FROM pg_temp.regress_log();

SELECT revision FROM migrate_downgrade('-1');
SELECT * FROM pg_temp.regress_log();

-- after the migration, DDL is out of band again, even in the same transaction
BEGIN;
SELECT revision FROM migrate_push();
CREATE TABLE after_push (i int);
COMMIT;
SELECT * FROM pg_temp.regress_log();

-- out of band in one transaction: the rows are written before it commits;
-- what a savepoint rolls back is not logged, and migrate's own functions
-- see the rows before the commit, at the level they were made at (inside
-- a savepoint, rows of the outer level stay unwritten: written there, a
-- rollback to the savepoint would erase them)
BEGIN;
CREATE TABLE in_block_1 (i int);
SAVEPOINT s;
CREATE TABLE in_block_undone (i int);
SELECT object_identity FROM migrate_ddl_log() WHERE object_identity LIKE '%in_block%' ORDER BY seq;
ROLLBACK TO s;
RELEASE s;
SELECT object_identity FROM migrate_ddl_log() WHERE object_identity LIKE '%in_block%' ORDER BY seq;
CREATE TABLE in_block_2 (i int);
COMMIT;
SELECT object_identity FROM migrate_ddl_log() WHERE object_identity LIKE '%in_block%' ORDER BY seq;
-- and a transaction that rolls back logs nothing
BEGIN;
CREATE TABLE in_block_3 (i int);
ROLLBACK;
SELECT count(*) FROM migrate_ddl_log() WHERE object_identity LIKE '%in_block_3%';
DROP TABLE in_block_1, in_block_2;

\set VERBOSITY default

--
-- Reading the log: since a time, out of band only
--
SELECT clock_timestamp() AS since \gset
CREATE TABLE late (i int);
SELECT command_tag, object_identity, revision FROM migrate_ddl_log(:'since');
SELECT command_tag, object_identity, revision FROM migrate_ddl_log(since => :'since', out_of_band_only => true);
SELECT count(*) > 0 AS all_rows, count(*) FILTER (WHERE revision IS NOT NULL) AS in_migrations
  FROM migrate_ddl_log();
SELECT count(*) > 0 AS out_of_band_rows, count(*) FILTER (WHERE revision IS NOT NULL) AS in_migrations
  FROM migrate_ddl_log(out_of_band_only => true);
SELECT count(*) FROM migrate_ddl_log(since => 'infinity');
SELECT count(*) = (SELECT count(*) FROM migrate_ddl_log()) AS same FROM migrate_ddl_log(NULL, NULL);
-- numbered in the order logged
SELECT bool_and(logged_at >= prev) AS in_order
  FROM (SELECT logged_at, lag(logged_at) OVER (ORDER BY seq) AS prev FROM migrate_ddl_log()) l;

--
-- Clean up
--
DROP FUNCTION pg_temp.regress_log();
DROP VIEW regress_new;
DROP TABLE regress_seen;
RESET SESSION AUTHORIZATION;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_ddl CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_ddl_owner;
DROP ROLE regress_ddl_other;
RESET client_min_messages;

--
-- A fresh session: the first DDL loads the library through its own trigger,
-- too late for the hook to see it; its own text is found in the client's
-- query all the same
--
CREATE EXTENSION migrate;
\c
CREATE TABLE regress_fresh1 (i int) \; CREATE TABLE regress_fresh2 (i int);
SELECT object_identity, statement FROM migrate_ddl_log()
 WHERE object_identity LIKE 'public.regress_fresh%' ORDER BY seq;
-- a user mapping or a server may hold a password: its statement is not logged
CREATE FOREIGN DATA WRAPPER regress_fdw;
CREATE SERVER regress_srv FOREIGN DATA WRAPPER regress_fdw OPTIONS (host 'db');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_srv OPTIONS (password 'hunter2');
SELECT command_tag, statement FROM migrate_ddl_log()
 WHERE command_tag ~ 'SERVER|MAPPING|WRAPPER' ORDER BY seq;
-- a session restoring a dump (pg_dump scripts turn check_function_bodies off)
-- brings the source's log: its own DDL is not logged
SET check_function_bodies = off;
CREATE TABLE regress_restored (i int);
RESET check_function_bodies;
SELECT count(*) AS logged FROM migrate_ddl_log()
 WHERE object_identity = 'public.regress_restored';
DROP TABLE regress_restored;
-- dropping another extension logs the extension, not each of its objects
CREATE EXTENSION pg_trgm;
DROP EXTENSION pg_trgm;
SELECT object_type, object_identity, dropped FROM migrate_ddl_log()
 WHERE command_tag = 'DROP EXTENSION' ORDER BY seq;
SET client_min_messages = warning;
DROP SERVER regress_srv CASCADE;
DROP FOREIGN DATA WRAPPER regress_fdw;
DROP TABLE regress_fresh1, regress_fresh2;
DROP EXTENSION migrate;
RESET client_min_messages;
