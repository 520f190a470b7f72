--
-- adopt: migrate_adopt turns the DDL made by hand since the last migration
-- into a new applied revision, one script statement per logged statement
--
CREATE EXTENSION migrate;
-- load the library, so that every statement logs its own text
SELECT count(*) FROM migrate_status();

CREATE SCHEMA regress_adopt;
SET search_path = regress_adopt, public;

-- DDL before the first migration: the migration supersedes it
CREATE TABLE before_base (i int);

SET client_min_messages = warning;
SELECT migrate_add('create users', 'CREATE TABLE users (id int PRIMARY KEY)',
				   'DROP TABLE users', id => 'a1');
SELECT revision FROM migrate_push();
RESET client_min_messages;

--
-- A hotfix made by hand, then adopted
--
CREATE INDEX users_id_desc ON users (id DESC);
ALTER TABLE users ADD COLUMN email text \; COMMENT ON COLUMN users.email IS 'login';
CREATE TABLE audit (id serial PRIMARY KEY, at timestamptz);
SELECT command_tag, object_identity, revision FROM migrate_ddl_log(out_of_band_only => true) ORDER BY seq;

SELECT migrate_adopt('hotfix', down => $$
DROP TABLE audit;
ALTER TABLE users DROP COLUMN email;
DROP INDEX users_id_desc;
$$) AS adopted \gset
SELECT length(:'adopted') = 12 AS generated_id;

-- applied, on top of the current revision
SELECT revision = :'adopted' AS adopted, message, state, is_head, is_current, parents, reversible
  FROM migrate_status() ORDER BY revision = :'adopted';
SELECT revision = :'adopted' AS adopted FROM migrate_current();
-- its up script: each statement once, in order, even one that made several objects
SELECT up, down FROM migrate_show(:'adopted');
SELECT revision = :'adopted' AS adopted, action FROM migrate_history() ORDER BY seq;
-- the log rows now belong to it
SELECT command_tag, object_identity, revision = :'adopted' AS adopted
  FROM migrate_ddl_log() ORDER BY seq;
-- what came before the last migration stays out of band
SELECT command_tag, object_identity FROM migrate_ddl_log(out_of_band_only => true) ORDER BY seq;

-- nothing new: nothing to adopt
SELECT migrate_adopt('again');
\echo :LAST_ERROR_SQLSTATE

-- its down script undoes the hotfix, and its up script replays it
SET client_min_messages = warning;
SELECT revision = :'adopted' AS adopted FROM migrate_downgrade('-1');
RESET client_min_messages;
SELECT revision = :'adopted' AS adopted, state FROM migrate_status() ORDER BY revision = :'adopted';
SELECT to_regclass('regress_adopt.audit') AS audit,
	   to_regclass('regress_adopt.users_id_desc') AS users_id_desc;
SET client_min_messages = warning;
SELECT revision = :'adopted' AS adopted FROM migrate_push();
RESET client_min_messages;
SELECT col_description(attrelid, attnum) AS email_comment
  FROM pg_attribute WHERE attrelid = 'regress_adopt.users'::regclass AND attname = 'email';
SELECT command_tag, object_identity, revision = :'adopted' AS adopted
  FROM migrate_ddl_log() WHERE statement LIKE 'CREATE TABLE audit%' ORDER BY seq;

-- DDL made by hand before the last migration (here, in the same transaction
-- as a push) is not adopted
BEGIN;
CREATE TABLE stray (i int);
SELECT migrate_add('create tags', 'CREATE TABLE tags (id int)', 'DROP TABLE tags', id => 'b1');
SET LOCAL client_min_messages = warning;
SELECT revision FROM migrate_push();
COMMIT;
SELECT migrate_adopt('stray');
\echo :LAST_ERROR_SQLSTATE

--
-- After a branch: the adopted revision builds on both current revisions
--
SELECT migrate_add('create notes', 'CREATE TABLE notes (id int)', 'DROP TABLE notes', id => 'b2',
				   revises => ARRAY[:'adopted']);
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT revision FROM migrate_current() ORDER BY revision;
CREATE VIEW tagged_notes AS SELECT n.id FROM notes n JOIN tags t USING (id);
-- no down script: irreversible
SELECT migrate_adopt(message => 'tagged notes view') AS merged \gset
SELECT parents, reversible, state, is_head FROM migrate_status() WHERE revision = :'merged';
SELECT revision = :'merged' AS merged FROM migrate_current();
SELECT up FROM migrate_show(:'merged');

-- a revision needs a message
CREATE TABLE unnamed (i int);
SELECT migrate_adopt(NULL);
\echo :LAST_ERROR_SQLSTATE
-- a bad down script is refused, and nothing is adopted
SELECT migrate_adopt('bad down', down => 'DROP TABLE unnamed; VACUUM');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS out_of_band FROM migrate_ddl_log(out_of_band_only => true)
 WHERE object_identity = 'regress_adopt.unnamed';

--
-- Who may adopt: not PUBLIC
--
CREATE ROLE regress_adopt_user;
SELECT has_function_privilege('regress_adopt_user', 'migrate_adopt(text, text)', 'EXECUTE') AS can_adopt;
SET ROLE regress_adopt_user;
SELECT migrate_adopt('not mine');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

--
-- Clean up
--
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_adopt CASCADE;
DROP EXTENSION migrate;
DROP ROLE regress_adopt_user;
RESET client_min_messages;
