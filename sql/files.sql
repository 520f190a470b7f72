--
-- files: a revision as a file, read and written by the extension alone
--
SET client_min_messages = warning;
CREATE EXTENSION migrate;
RESET client_min_messages;
CREATE SCHEMA regress_files;
SET search_path = regress_files, public;

--
-- What a file says, its defaults applied
--
-- no header at all: the id is the file name, the message comes from it,
-- the parent is the previous file, everything is up, and it is irreversible
SELECT id, message, revises, up, down, transactional, merge
FROM migrate_parse_file('migrations/0002_add_email.sql',
	'ALTER TABLE users ADD email text;', '0001_create_users');
-- every line of the header, both sections, a message of two lines; other
-- comments stay in the scripts
SELECT id, message, revises, up, down, transactional, merge
FROM migrate_parse_file('0003.sql', $f$-- message: add orders
-- message: and their status
-- id: orders
-- revises: 0001_create_users, 0002_add_email
-- plain comments are comments: Note this one
-- transaction: yes
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY);  -- the table
-- migrate:down
DROP TABLE orders;
$f$);
-- a root; an empty down section is a no-op down script
SELECT id, revises, down FROM migrate_parse_file('0001_base.sql', $f$-- revises: none
CREATE TABLE base (i int);
-- migrate:down
$f$, 'whatever');
-- a merge: two parents, no statements
SELECT id, message, revises, merge FROM migrate_parse_file('0004_merge.sql',
	'-- revises: a, b');
-- "transaction: no" is read (sql/nontransactional.sql registers such files)
SELECT id, transactional FROM migrate_parse_file('0005_index.sql', $f$-- transaction: no
CREATE INDEX CONCURRENTLY users_email ON users (email);
$f$);

--
-- Bad files: a clear error, with the file and the line
--
SELECT * FROM migrate_parse_file('x.sql', $f$-- mesage: typo
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$-- id: a
-- id: b
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$SELECT 1;
-- migrate:down
SELECT 2;
-- migrate:down
SELECT 3;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$-- migrate:down
SELECT 2;
-- migrate:up
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$-- migrate:downgrade
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$-- transaction: maybe
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file('x.sql', $f$-- revises: a,,b
SELECT 1;$f$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_parse_file(NULL, 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
-- an id or a message that registration would refuse (pg_migrate new
-- checks its template here)
SELECT id FROM migrate_parse_file('0009 bad id.sql', 'SELECT 1;');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM migrate_parse_file('0009_long.sql',
	'-- message: ' || repeat('x', 1001) || E'\nSELECT 1;');
\echo :LAST_ERROR_SQLSTATE

--
-- Registering files: the rules of migrate_add, for files too
--
SET client_min_messages = warning;
SELECT migrate_add_file('0001_create_users.sql',
	$f$CREATE TABLE users (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE users;$f$);
SELECT migrate_add_file('0002_add_email.sql', $f$ALTER TABLE users ADD email text;
-- migrate:down
ALTER TABLE users DROP email;$f$, '0001_create_users');
-- replaying a file is a no-op
SELECT migrate_add_file('0002_add_email.sql', $f$ALTER TABLE users ADD email text;
-- migrate:down
ALTER TABLE users DROP email;$f$, '0001_create_users');
RESET client_min_messages;
SELECT revision, message, parents, reversible FROM migrate_status();
-- a file with no up section
SELECT migrate_add_file('0003_nothing.sql', $f$-- message: nothing
-- migrate:down
SELECT 1;$f$, '0002_add_email');
\echo :LAST_ERROR_SQLSTATE
-- an unknown parent
SELECT migrate_add_file('0003_x.sql', '-- revises: 0009_missing
SELECT 1;');
\echo :LAST_ERROR_SQLSTATE
-- another file claiming the id of one not yet applied replaces it, as
-- migrate_add does (pg_migrate check reports two files with one id)
SELECT migrate_add_file('other_name.sql', $f$-- id: 0002_add_email
ALTER TABLE users ADD phone text;$f$, '0001_create_users');
SELECT revision, message FROM migrate_status() WHERE revision = '0002_add_email';
-- once applied, a file edited after it was pushed is refused
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT migrate_add_file('0002_add_email.sql', $f$ALTER TABLE users ADD email varchar(200);
-- migrate:down
ALTER TABLE users DROP email;$f$, '0001_create_users');
\echo :LAST_ERROR_SQLSTATE
-- a merge file registers a merge
SET client_min_messages = warning;
SELECT migrate_add_file('0003_a.sql', 'CREATE TABLE a (i int);', '0002_add_email');
SELECT migrate_add_file('0003_b.sql', 'CREATE TABLE b (i int);', '0002_add_email');
SELECT migrate_add_file('0004_merge.sql', '-- revises: 0003_a, 0003_b', '0003_b');
RESET client_min_messages;
SELECT revision, parents FROM migrate_heads() h JOIN migrate_status() s USING (revision);

--
-- migrate_export() writes this format; the files register again to the
-- same revisions, checksums and all
--
SELECT filename, content FROM migrate_export();
CREATE TEMP TABLE exported AS SELECT * FROM migrate_export();
CREATE TEMP TABLE before AS
	SELECT revision, message, parents, checksum FROM migrate_status() JOIN migrate_show(revision) USING (revision, message, parents);
SET client_min_messages = warning;
SELECT count(*) AS registered FROM (SELECT migrate_add_file(filename, content) FROM exported ORDER BY filename) f;
RESET client_min_messages;
SELECT count(*) AS unchanged FROM before b
	JOIN migrate_show(b.revision) s USING (revision, message, parents, checksum);

--
-- Clean up
--
SET client_min_messages = warning;
DROP SCHEMA regress_files CASCADE;
DROP EXTENSION migrate;
RESET client_min_messages;
RESET search_path;
