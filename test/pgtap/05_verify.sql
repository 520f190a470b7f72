-- test/pgtap/05_verify.sql
-- What a project's own test suite does with migrate_verify() and
-- migrate_diff(): the README's pgTAP example, run for real.
BEGIN;
CREATE EXTENSION migrate;
SELECT plan(10);
SET client_min_messages = warning;

-- the project's revision files, as the README's example registers them
SELECT migrate_add_file('0001_create_account.sql', $f$-- id: 0001
CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL);
-- migrate:down
DROP TABLE account;
$f$);
SELECT migrate_add_file('0002_add_email.sql', $f$-- id: 0002
ALTER TABLE account ADD COLUMN email text;
CREATE UNIQUE INDEX account_email ON account (email);
-- migrate:down
ALTER TABLE account DROP COLUMN email;
$f$, '0001');

SELECT migrate_fingerprint() AS before \gset
SELECT is_empty($$SELECT revision, problem FROM migrate_verify() WHERE ok IS DISTINCT FROM true$$,
				'every down script undoes its up');
SELECT is(migrate_fingerprint(), :'before', 'migrate_verify() leaves the schema as it found it');
SELECT is((SELECT count(*)::integer FROM migrate_status() WHERE state = 'pending'), 2,
		  'and applies nothing');

-- a down script that forgets something is caught, with the object named
SELECT migrate_add('add audit', $$
	CREATE TABLE audit (at timestamptz DEFAULT now());
	CREATE SEQUENCE audit_seq;
$$, $$ DROP TABLE audit; $$, id => '0003');
SELECT results_eq(
	$$SELECT revision, ok, objects FROM migrate_verify()$$,
	$$VALUES ('0001', true, NULL::text[]), ('0002', true, NULL),
			 ('0003', false, ARRAY['sequence public.audit_seq (left behind)'])$$,
	'a down script that leaves a sequence behind is reported');
SELECT throws_ok($$SELECT * FROM migrate_verify('nope')$$, '42704', NULL,
				 'an unknown target is an error');

-- the migrations build exactly the schema the project describes (schema
-- public: the test database has pgTAP installed besides)
SELECT lives_ok($$SELECT migrate_push()$$, 'the revisions apply');
SELECT is((SELECT changes FROM migrate_diff($$
	CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL, email text);
	CREATE UNIQUE INDEX account_email ON account (email);
	CREATE TABLE audit (at timestamptz DEFAULT now());
	CREATE SEQUENCE audit_seq;
$$, 'public')), 0, 'the applied revisions match the desired schema');
SELECT is((SELECT changes FROM migrate_diff($$
	CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL);
$$, 'public')), 4, 'a desired schema that differs is reported');
-- the whole database: pgTAP is part of it, and a desired state without it
-- would drop it
SELECT is((SELECT changes FROM migrate_diff($$
	CREATE EXTENSION pgtap;
	CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL, email text);
	CREATE UNIQUE INDEX account_email ON account (email);
	CREATE TABLE audit (at timestamptz DEFAULT now());
	CREATE SEQUENCE audit_seq;
$$)), 0, 'the whole database matches a desired state that installs pgTAP');
SELECT ok((SELECT up LIKE '%DROP EXTENSION pgtap;%' FROM migrate_diff($$
	CREATE TABLE account (id integer PRIMARY KEY, name varchar(50) NOT NULL, email text);
	CREATE UNIQUE INDEX account_email ON account (email);
	CREATE TABLE audit (at timestamptz DEFAULT now());
	CREATE SEQUENCE audit_seq;
$$)), 'a desired state of the whole database without pgTAP drops it');

SELECT * FROM finish();
ROLLBACK;
