--
-- drift: the model of the managed schemas against what the migrations left;
-- each kind of object changed out of band, reported and reverted;
-- migrate_check, migrate.managed_schemas, the expected state after adopt,
-- downgrade and stamp, and extension objects left out
--
CREATE EXTENSION migrate;
-- load the library: statements log their own text, migrate.guard is known
SELECT count(*) FROM migrate_status();
SET migrate.guard = log;

-- the migrations and the out-of-band changes are a plain role's: no name in
-- the output depends on the superuser running the suite
SELECT current_database() AS db \gset
CREATE ROLE regress_drift_dba;
CREATE ROLE regress_drift_owner;
CREATE ROLE regress_drift_reader;
GRANT regress_drift_owner TO regress_drift_dba;
GRANT CREATE ON DATABASE :"db" TO regress_drift_dba;
GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[], boolean, text, integer, text[]),
	migrate_push(text), migrate_downgrade(text), migrate_stamp(text),
	migrate_adopt(text, text) TO regress_drift_dba;
CREATE FOREIGN DATA WRAPPER regress_drift_fdw;
CREATE SERVER regress_drift_server FOREIGN DATA WRAPPER regress_drift_fdw;
GRANT USAGE ON FOREIGN SERVER regress_drift_server TO regress_drift_dba;

-- every difference, in full
\set drift 'SELECT kind, identity, change, expected, actual, changed_by, statement FROM migrate_drift();'
-- without the DDL log's columns
\set drift_def 'SELECT kind, identity, change, expected, actual FROM migrate_drift();'
-- for long definitions: whether each side is there
\set drift_short 'SELECT kind, identity, change, expected IS NOT NULL AS has_expected, actual IS NOT NULL AS has_actual, changed_by, statement FROM migrate_drift();'
-- a push, its progress NOTICEs (with their timings) left out
\set push 'SET client_min_messages = warning; SELECT revision FROM migrate_push(); RESET client_min_messages;'
-- the live fingerprint against the one the last history row saved
\set fingerprint_saved 'SELECT migrate_fingerprint() = (SELECT fingerprint FROM migrate_history() ORDER BY seq DESC LIMIT 1) AS fingerprint_saved;'

--
-- Before any migration nothing is expected: every managed object is drift,
-- and nothing of the migrate extension is in the model
--
SELECT DISTINCT change FROM migrate_drift();
SELECT kind, identity, change FROM migrate_drift() WHERE identity = 'public';
SELECT count(*) AS migrate_objects FROM migrate_drift()
 WHERE identity ~ '(^|[ .])(migrate|_ddl_command_end|_sql_drop)';

--
-- 1. A migration with every kind of object the model knows: no false drift
--
SET ROLE regress_drift_dba;
SELECT migrate_add('everything', id => 'd1', up => $up$
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'the application';
GRANT USAGE ON SCHEMA app TO regress_drift_reader;
GRANT USAGE, CREATE ON SCHEMA app TO regress_drift_owner;

CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN app.posint AS integer NOT NULL DEFAULT 1
	CONSTRAINT posint_positive CHECK (VALUE > 0);
CREATE TYPE app.pair AS (a integer, b text COLLATE "C");
CREATE TYPE app.span AS RANGE (SUBTYPE = numeric);
COMMENT ON TYPE app.mood IS 'feelings';

CREATE SEQUENCE app.counter AS integer START 10 INCREMENT 5 MAXVALUE 1000 CYCLE;

CREATE TABLE app.users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email varchar(200) COLLATE "C" NOT NULL,
	name text DEFAULT 'anon',
	mood app.mood DEFAULT 'ok',
	score numeric(10,2) CHECK (score >= 0),
	score2 numeric GENERATED ALWAYS AS (score * 2) STORED,
	created timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE app.orders (
	id serial PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES app.users ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	qty app.posint,
	area box,
	note text,
	code varchar(12),
	EXCLUDE USING gist (area WITH &&)
);
ALTER TABLE app.orders ADD CONSTRAINT orders_qty_small CHECK (qty < 1000) NOT VALID;
CREATE SEQUENCE app.orders_ref OWNED BY app.orders.note;
CREATE TABLE app.special_users (perk text) INHERITS (app.users);
CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v jsonb);
CREATE TABLE app.events (year integer NOT NULL, what text) PARTITION BY RANGE (year);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM (2024) TO (2025);
CREATE FOREIGN TABLE app.remote (id integer NOT NULL, label text) SERVER regress_drift_server;

CREATE INDEX orders_user_idx ON app.orders (user_id);
CREATE UNIQUE INDEX orders_note_key ON app.orders (note) WHERE note IS NOT NULL;
CREATE INDEX users_created_desc ON app.users (created DESC);
CREATE INDEX users_lower_name ON app.users (lower(name));
CREATE INDEX users_id_incl ON app.users (id) INCLUDE (email);
CREATE INDEX events_what_idx ON app.events (what);

ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_self ON app.users FOR SELECT TO regress_drift_reader
	USING (name = current_user);

CREATE VIEW app.user_names AS SELECT id, name FROM app.users WHERE name <> 'anon';
CREATE MATERIALIZED VIEW app.order_counts AS
	SELECT user_id, count(*) AS n FROM app.orders GROUP BY user_id;

CREATE FUNCTION app.double(i integer) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT AS 'SELECT i * 2';
CREATE FUNCTION app.touch() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
	AS $$BEGIN NEW.created := now(); RETURN NEW; END$$;
CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE PROCEDURE app.purge(days integer)
	LANGUAGE sql AS $$DELETE FROM app.orders WHERE id < days$$;
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');

CREATE TRIGGER users_touch BEFORE UPDATE ON app.users
	FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE TRIGGER events_audit AFTER INSERT ON app.events
	FOR EACH ROW EXECUTE FUNCTION app.audit();

COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.email IS 'login';
COMMENT ON FUNCTION app.double(integer) IS 'twice';
COMMENT ON INDEX app.orders_user_idx IS 'by user';
COMMENT ON CONSTRAINT users_email_key ON app.users IS 'one account per address';

GRANT SELECT ON app.users TO regress_drift_reader;
GRANT UPDATE (name) ON app.users TO regress_drift_reader;
GRANT EXECUTE ON FUNCTION app.double(integer) TO regress_drift_reader;
REVOKE EXECUTE ON FUNCTION app.touch() FROM PUBLIC;
ALTER TABLE app.cache OWNER TO regress_drift_owner;
ALTER FUNCTION app.double(integer) OWNER TO regress_drift_owner;
$up$);
:push

:drift
SELECT migrate_check();
:fingerprint_saved
-- the model does not depend on the session's search_path
SET search_path = app, public;
:drift
RESET search_path;

-- what the model holds: every object of the migration, by kind and identity
RESET ROLE;
SELECT split_part(line, E'\t', 1) AS kind, split_part(line, E'\t', 2) AS identity
  FROM regexp_split_to_table((SELECT objects FROM migrate.snapshot), E'\n') AS line
 WHERE split_part(line, E'\t', 2) ~ '\mapp\M';
-- the migrate extension's own objects are never in it
SELECT count(*) AS migrate_objects
  FROM regexp_split_to_table((SELECT objects FROM migrate.snapshot), E'\n') AS line
 WHERE split_part(line, E'\t', 2) ~ '(^|[ .])(migrate|_ddl_command_end|_sql_drop)';
SET ROLE regress_drift_dba;


--
-- 2. Each kind changed out of band: reported with who did it and the
-- statement, from the DDL log, and gone once reverted.  For privileges
-- (GRANT and REVOKE are logged without an object), comments, triggers,
-- policies and renamed constraints only the difference itself is shown.
--

-- schema: added, owner (its privileges name the owner)
CREATE SCHEMA extra;
:drift
DROP SCHEMA extra;
ALTER SCHEMA app OWNER TO regress_drift_owner;
:drift_def
-- the new owner's grant merged into its ownership: granted again
ALTER SCHEMA app OWNER TO regress_drift_dba;
GRANT USAGE, CREATE ON SCHEMA app TO regress_drift_owner;
:drift

-- temporary objects are no drift
CREATE TEMPORARY TABLE scratch_temp (i integer);
:drift
DROP TABLE scratch_temp;

-- table: persistence, row level security enabled and forced
ALTER TABLE app.orders SET UNLOGGED;
:drift
ALTER TABLE app.orders SET LOGGED;
ALTER TABLE app.users NO FORCE ROW LEVEL SECURITY;
:drift
ALTER TABLE app.users DISABLE ROW LEVEL SECURITY;
:drift
ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
:drift

-- table: a partition detached (the DDL log names its parent only)
ALTER TABLE app.events DETACH PARTITION app.events_2024;
:drift
ALTER TABLE app.events ATTACH PARTITION app.events_2024 FOR VALUES FROM (2024) TO (2025);
:drift

-- table: added, removed
CREATE TABLE app.scratch (i integer);
:drift
DROP TABLE app.scratch;
DROP TABLE app.cache;
:drift
CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v jsonb);
ALTER TABLE app.cache OWNER TO regress_drift_owner;
:drift

-- table: owner (the sequences it owns follow it)
ALTER TABLE app.orders OWNER TO regress_drift_owner;
:drift
ALTER TABLE app.orders OWNER TO regress_drift_dba;
:drift

-- foreign table
ALTER FOREIGN TABLE app.remote ALTER label SET NOT NULL;
:drift
ALTER FOREIGN TABLE app.remote ALTER label DROP NOT NULL;
:drift

-- column: type modifier
ALTER TABLE app.orders ALTER code TYPE varchar(40);
:drift
ALTER TABLE app.orders ALTER code TYPE varchar(12);
:drift

-- column: collation
ALTER TABLE app.cache ALTER k TYPE text COLLATE "POSIX";
:drift
ALTER TABLE app.cache ALTER k TYPE text COLLATE "default";
:drift

-- column: default, not null
ALTER TABLE app.orders ALTER note SET DEFAULT 'none', ALTER note SET NOT NULL;
:drift
ALTER TABLE app.orders ALTER note DROP DEFAULT, ALTER note DROP NOT NULL;
:drift

-- column: identity
ALTER TABLE app.users ALTER id SET GENERATED BY DEFAULT;
:drift
ALTER TABLE app.users ALTER id SET GENERATED ALWAYS;
:drift

-- column: generated, on a table and the child that inherits it: one
-- difference, the parent's (the child's column repeats it); dropped and
-- added back at the end of the table, which is no drift
ALTER TABLE app.users ALTER score2 DROP EXPRESSION;
:drift
ALTER TABLE app.users DROP COLUMN score2;
ALTER TABLE app.users ADD COLUMN score2 numeric GENERATED ALWAYS AS (score * 2) STORED;
:drift

-- table: an inheritance child cut off (after this, its columns are its own:
-- dropping one from the parent leaves the child's)
ALTER TABLE app.special_users NO INHERIT app.users;
:drift
ALTER TABLE app.special_users INHERIT app.users;
:drift

-- column: added, removed
ALTER TABLE app.orders ADD COLUMN extra integer;
:drift
ALTER TABLE app.orders DROP COLUMN extra;
:drift

-- constraint: primary key
ALTER TABLE app.cache DROP CONSTRAINT cache_pkey;
:drift
ALTER TABLE app.cache ADD PRIMARY KEY (k);
:drift

-- constraint: unique, renamed (its comment follows it)
ALTER TABLE app.users RENAME CONSTRAINT users_email_key TO users_email_uq;
:drift_def
ALTER TABLE app.users RENAME CONSTRAINT users_email_uq TO users_email_key;
:drift

-- constraint: foreign key deferrability and action
ALTER TABLE app.orders ALTER CONSTRAINT orders_user_id_fkey NOT DEFERRABLE;
:drift
ALTER TABLE app.orders ALTER CONSTRAINT orders_user_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE app.orders DROP CONSTRAINT orders_user_id_fkey,
	ADD FOREIGN KEY (user_id) REFERENCES app.users ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;
:drift
ALTER TABLE app.orders DROP CONSTRAINT orders_user_id_fkey,
	ADD FOREIGN KEY (user_id) REFERENCES app.users ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
:drift

-- constraint: check
ALTER TABLE app.orders ADD CONSTRAINT orders_note_short CHECK (length(note) < 100);
:drift
ALTER TABLE app.orders DROP CONSTRAINT orders_note_short;
:drift

-- constraint: exclusion
ALTER TABLE app.orders DROP CONSTRAINT orders_area_excl;
:drift
ALTER TABLE app.orders ADD EXCLUDE USING gist (area WITH &&);
:drift

-- constraint: NOT VALID, then validated
ALTER TABLE app.orders VALIDATE CONSTRAINT orders_qty_small;
:drift
ALTER TABLE app.orders DROP CONSTRAINT orders_qty_small,
	ADD CONSTRAINT orders_qty_small CHECK (qty < 1000) NOT VALID;
:drift

-- index: removed, changed, added
DROP INDEX app.users_created_desc;
:drift
CREATE INDEX users_created_desc ON app.users (created);
:drift
DROP INDEX app.users_created_desc;
CREATE INDEX users_created_desc ON app.users (created DESC);
CREATE INDEX orders_area_idx ON app.orders USING gist (area);
:drift
DROP INDEX app.orders_area_idx;
ALTER INDEX app.orders_user_idx SET (fillfactor = 50);
:drift
ALTER INDEX app.orders_user_idx RESET (fillfactor);
:drift

-- index: partial, expression, INCLUDE
DROP INDEX app.orders_note_key;
CREATE UNIQUE INDEX orders_note_key ON app.orders (note) WHERE note <> '';
:drift
DROP INDEX app.orders_note_key;
CREATE UNIQUE INDEX orders_note_key ON app.orders (note) WHERE note IS NOT NULL;
DROP INDEX app.users_lower_name;
CREATE INDEX users_lower_name ON app.users (upper(name));
:drift
DROP INDEX app.users_lower_name;
CREATE INDEX users_lower_name ON app.users (lower(name));
DROP INDEX app.users_id_incl;
CREATE INDEX users_id_incl ON app.users (id) INCLUDE (email, name);
:drift
DROP INDEX app.users_id_incl;
CREATE INDEX users_id_incl ON app.users (id) INCLUDE (email);
:drift

-- index: on a partitioned table, with the partition's (the DDL log names
-- the parent's only)
DROP INDEX app.events_what_idx;
:drift
CREATE INDEX events_what_idx ON app.events (what);
:drift

-- view
CREATE OR REPLACE VIEW app.user_names AS
	SELECT id, name FROM app.users WHERE name <> 'nobody';
:drift
CREATE OR REPLACE VIEW app.user_names AS
	SELECT id, name FROM app.users WHERE name <> 'anon';
:drift

-- materialized view: a refresh is no drift, a new query is
REFRESH MATERIALIZED VIEW app.order_counts;
:drift
DROP MATERIALIZED VIEW app.order_counts;
CREATE MATERIALIZED VIEW app.order_counts AS
	SELECT user_id, count(*) AS n FROM app.orders WHERE qty > 1 GROUP BY user_id;
:drift
DROP MATERIALIZED VIEW app.order_counts;
CREATE MATERIALIZED VIEW app.order_counts AS
	SELECT user_id, count(*) AS n FROM app.orders GROUP BY user_id;
:drift

-- sequence: using it is no drift; its options and owner column are
SELECT nextval('app.counter') AS nextval;
SELECT setval('app.counter', 500) AS setval;
:drift
ALTER SEQUENCE app.counter INCREMENT 10 NO CYCLE;
:drift
ALTER SEQUENCE app.counter INCREMENT 5 CYCLE;
ALTER SEQUENCE app.orders_ref OWNED BY NONE;
:drift
ALTER SEQUENCE app.orders_ref OWNED BY app.orders.note;
:drift

-- function: volatility and strictness; security and settings
\x on
ALTER FUNCTION app.double(integer) VOLATILE CALLED ON NULL INPUT;
:drift
ALTER FUNCTION app.double(integer) IMMUTABLE STRICT;
ALTER FUNCTION app.touch() SECURITY INVOKER RESET search_path;
:drift
\x off
ALTER FUNCTION app.touch() SECURITY DEFINER SET search_path = pg_catalog;
:drift

-- function: body, owner, and a new overload
CREATE OR REPLACE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql
	AS $$BEGIN RETURN NEW; END$$;
ALTER FUNCTION app.double(integer) OWNER TO regress_drift_dba;
CREATE FUNCTION app.double(i bigint) RETURNS bigint LANGUAGE sql AS 'SELECT i * 2';
:drift_short
DROP FUNCTION app.double(bigint);
ALTER FUNCTION app.double(integer) OWNER TO regress_drift_owner;
CREATE OR REPLACE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql
	AS $$BEGIN RETURN NULL; END$$;
:drift

-- procedure
\x on
ALTER PROCEDURE app.purge(integer) SET work_mem = '1MB';
:drift
\x off
ALTER PROCEDURE app.purge(integer) RESET work_mem;
:drift

-- aggregate
DROP AGGREGATE app.total(integer);
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '1');
:drift
DROP AGGREGATE app.total(integer);
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
:drift

-- enum: labels, and their order (a label added cannot be dropped: rolled back)
ALTER TYPE app.mood RENAME VALUE 'happy' TO 'glad';
:drift
ALTER TYPE app.mood RENAME VALUE 'glad' TO 'happy';
BEGIN;
ALTER TYPE app.mood ADD VALUE 'meh' BEFORE 'ok';
:drift
ROLLBACK;
:drift

-- domain: constraints, default
ALTER DOMAIN app.posint ADD CONSTRAINT posint_small CHECK (VALUE < 10000);
:drift
ALTER DOMAIN app.posint DROP CONSTRAINT posint_small;
ALTER DOMAIN app.posint DROP DEFAULT;
:drift
ALTER DOMAIN app.posint SET DEFAULT 1;
:drift

-- composite type
ALTER TYPE app.pair ADD ATTRIBUTE c date;
:drift
ALTER TYPE app.pair DROP ATTRIBUTE c;
:drift

-- range type: owner
ALTER TYPE app.span OWNER TO regress_drift_owner;
:drift
ALTER TYPE app.span OWNER TO regress_drift_dba;
:drift

-- trigger: disabled; redefined
ALTER TABLE app.users DISABLE TRIGGER users_touch;
:drift
ALTER TABLE app.users ENABLE TRIGGER users_touch;
:drift
DROP TRIGGER users_touch ON app.users;
CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE ON app.users
	FOR EACH ROW EXECUTE FUNCTION app.touch();
:drift_def
DROP TRIGGER users_touch ON app.users;
CREATE TRIGGER users_touch BEFORE UPDATE ON app.users
	FOR EACH ROW EXECUTE FUNCTION app.touch();
:drift

-- trigger: a partition's clone of its parent's counts when it fires
-- differently
ALTER TABLE app.events_2024 DISABLE TRIGGER events_audit;
:drift
ALTER TABLE app.events_2024 ENABLE TRIGGER events_audit;
:drift

-- policy
ALTER POLICY users_self ON app.users TO PUBLIC USING (true);
:drift_def
ALTER POLICY users_self ON app.users TO regress_drift_reader USING (name = current_user);
:drift

-- comments: changed, removed, added
COMMENT ON TABLE app.users IS 'persons';
COMMENT ON COLUMN app.users.email IS NULL;
COMMENT ON VIEW app.user_names IS 'named users';
COMMENT ON INDEX app.orders_user_idx IS 'by customer';
COMMENT ON CONSTRAINT users_email_key ON app.users IS NULL;
COMMENT ON FUNCTION app.double(integer) IS 'times two';
COMMENT ON TYPE app.mood IS NULL;
COMMENT ON SCHEMA app IS 'the app';
:drift_def
COMMENT ON TABLE app.users IS 'people';
COMMENT ON COLUMN app.users.email IS 'login';
COMMENT ON VIEW app.user_names IS NULL;
COMMENT ON INDEX app.orders_user_idx IS 'by user';
COMMENT ON CONSTRAINT users_email_key ON app.users IS 'one account per address';
COMMENT ON FUNCTION app.double(integer) IS 'twice';
COMMENT ON TYPE app.mood IS 'feelings';
COMMENT ON SCHEMA app IS 'the application';
:drift

-- privileges: table, column, schema, function
GRANT INSERT ON app.users TO regress_drift_reader;
GRANT SELECT (email) ON app.users TO regress_drift_reader;
REVOKE USAGE ON SCHEMA app FROM regress_drift_reader;
REVOKE EXECUTE ON FUNCTION app.double(integer) FROM PUBLIC;
:drift_def
REVOKE INSERT ON app.users FROM regress_drift_reader;
REVOKE SELECT (email) ON app.users FROM regress_drift_reader;
GRANT USAGE ON SCHEMA app TO regress_drift_reader;
GRANT EXECUTE ON FUNCTION app.double(integer) TO PUBLIC;
:drift

--
-- 3. migrate_check: quiet without drift, an error listing it otherwise
--
SELECT migrate_check();
ALTER TABLE app.orders ADD COLUMN extra integer;
CREATE INDEX orders_extra_idx ON app.orders (extra);
SELECT migrate_check();
\echo :LAST_ERROR_SQLSTATE
:fingerprint_saved
-- past 20 differences, the first 20 and how many more
CREATE TABLE app.wide (c01 int, c02 int, c03 int, c04 int, c05 int, c06 int,
	c07 int, c08 int, c09 int, c10 int, c11 int, c12 int, c13 int, c14 int,
	c15 int, c16 int, c17 int, c18 int, c19 int, c20 int, c21 int, c22 int);
SELECT migrate_check();
\echo :LAST_ERROR_SQLSTATE
DROP TABLE app.wide;
ALTER TABLE app.orders DROP COLUMN extra;
SELECT migrate_check();

--
-- 4. migrate.managed_schemas narrows the model to a list of schemas
--
-- superuser only
SET migrate.managed_schemas = 'app';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT context, boot_val FROM pg_settings WHERE name = 'migrate.managed_schemas';
SET migrate.managed_schemas = 'app';
SET ROLE regress_drift_dba;
-- the next migration records the expected state of app alone
SELECT migrate_add('narrowed', 'CREATE TABLE app.d2 (i integer)', 'DROP TABLE app.d2', id => 'd2');
:push
:drift
:fingerprint_saved
-- outside the managed schemas nothing is drift; inside them, as before
CREATE SCHEMA other;
CREATE TABLE other.t (i integer);
CREATE TABLE app.t (i integer);
:drift
DROP TABLE app.t;
DROP SCHEMA other CASCADE;
-- back to every schema: what the narrowed expected state left out is drift
-- until the next migration
RESET ROLE;
RESET migrate.managed_schemas;
SET ROLE regress_drift_dba;
SELECT kind, identity, change FROM migrate_drift();

--
-- 5. Stamp, downgrade and adopt record the expected state too
--
-- stamp: a revision whose objects were made by hand
SELECT migrate_add('by hand', 'CREATE TABLE app.manual (i integer)', 'DROP TABLE app.manual',
				   id => 'd3');
CREATE TABLE app.manual (i integer);
SELECT kind, identity, change FROM migrate_drift();
SELECT revision, action FROM migrate_stamp('d3');
:drift
:fingerprint_saved

-- downgrade: each down script, then the schema as it leaves it
SET client_min_messages = warning;
SELECT revision FROM migrate_downgrade('d1');
RESET client_min_messages;
SELECT to_regclass('app.manual') AS manual, to_regclass('app.d2') AS d2;
:drift
:fingerprint_saved

-- adopt: the change made by hand becomes an applied revision, and expected
CREATE TABLE app.hotfix (id integer PRIMARY KEY);
:drift
SELECT length(migrate_adopt('hotfix', down => 'DROP TABLE app.hotfix')) = 12 AS adopted;
:drift
:fingerprint_saved

--
-- 6. An extension installed, moved or updated out of band is drift (its
--    schema and version); the objects it creates are not, wherever they are
--
RESET ROLE;
CREATE EXTENSION citext VERSION '1.6';
CREATE EXTENSION pg_trgm SCHEMA app;
:drift
-- a column of an extension's type is the table's, and drift
SET ROLE regress_drift_dba;
CREATE TABLE app.tagged (tag public.citext);
:drift
DROP TABLE app.tagged;
RESET ROLE;
ALTER EXTENSION pg_trgm SET SCHEMA public;
SELECT kind, identity, change, actual FROM migrate_drift() WHERE identity = 'pg_trgm';
DROP EXTENSION pg_trgm;
DROP EXTENSION citext;
:drift
-- so are a collation, an event trigger and a publication
SET client_min_messages = error;
CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE FUNCTION app.et() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER regress_et ON ddl_command_end EXECUTE FUNCTION app.et();
CREATE PUBLICATION regress_pub FOR TABLES IN SCHEMA app;
RESET client_min_messages;
SELECT kind, identity, change, actual FROM migrate_drift() ORDER BY kind, identity;
DROP PUBLICATION regress_pub;
DROP EVENT TRIGGER regress_et;
DROP FUNCTION app.et();
DROP COLLATION app.ci;
:drift

--
-- 7. Storage options, display settings, revoked grants, the log's names
--
SET ROLE regress_drift_dba;
-- storage options are part of a table's definition
ALTER TABLE app.users SET (fillfactor = 70);
SELECT kind, identity, change, expected, actual FROM migrate_drift();
ALTER TABLE app.users RESET (fillfactor);
:drift
-- constants print the same whatever the session's date and interval styles
CREATE TABLE app.dated (d date DEFAULT '2024-01-31', i interval DEFAULT '26 hours');
SELECT count(*) FROM migrate_stamp('heads');
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'sql_standard';
:drift
RESET DateStyle;
RESET IntervalStyle;
DROP TABLE app.dated;
SELECT count(*) FROM migrate_stamp('heads');
-- a grant revoked again leaves the default privileges: no drift
GRANT SELECT ON app.users TO PUBLIC;
SELECT kind, identity, change FROM migrate_drift();
REVOKE SELECT ON app.users FROM PUBLIC;
:drift
-- the log names constraints, triggers and policies "name on table", and
-- comments under their object: each drift row finds its own statement
-- (a renamed constraint's old name was logged nowhere: the newest DDL on
-- its table stands in)
COMMENT ON TABLE app.users IS 'someone';
ALTER TABLE app.users RENAME CONSTRAINT users_pkey TO users_key;
SELECT kind, identity, change, changed_by IS NOT NULL AS known, statement
  FROM migrate_drift();
ALTER TABLE app.users RENAME CONSTRAINT users_key TO users_pkey;
COMMENT ON TABLE app.users IS 'people';
:drift
RESET ROLE;
-- the list of managed schemas is checked when set
SET migrate.managed_schemas = 'public,,app';
\echo :LAST_ERROR_SQLSTATE

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
RESET client_min_messages;
DROP EXTENSION migrate;
DROP SERVER regress_drift_server;
DROP FOREIGN DATA WRAPPER regress_drift_fdw;
DROP OWNED BY regress_drift_dba, regress_drift_owner, regress_drift_reader;
DROP ROLE regress_drift_dba;
DROP ROLE regress_drift_owner;
DROP ROLE regress_drift_reader;
