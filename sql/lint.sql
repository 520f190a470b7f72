--
-- lint: every rule of migrate_lint(), on a table the statistics say is
-- empty (advice) and on one they say is large (hazard, its size in the
-- detail); what migrate.lint does at registration; allowances with a
-- reason, kept in the catalog; a revision's own lock settings in its file
-- header and in migrate_add(); migrate_diff's lint column
--
CREATE EXTENSION migrate;
SET migrate.lint = warn;
SET migrate.lock_timeout = 0;
SET lock_timeout = 0;

-- the same tables twice: small ones, and large ones whose statistics say
-- 2.1 million rows in 20,000 pages (autovacuum kept off so that nothing
-- measures them again while the suite runs)
CREATE SCHEMA small;
CREATE SCHEMA big;
CREATE TABLE small.orders (id int PRIMARY KEY, customer bigint, total int,
						   note varchar(10), amount numeric(10,2))
	WITH (autovacuum_enabled = off);
CREATE TABLE big.orders (id int PRIMARY KEY, customer bigint, total int,
						 note varchar(10), amount numeric(10,2))
	WITH (autovacuum_enabled = off);
CREATE TABLE big.customers (id bigint PRIMARY KEY) WITH (autovacuum_enabled = off);
CREATE MATERIALIZED VIEW big.totals AS SELECT customer, count(*) FROM big.orders GROUP BY 1;
ANALYZE small.orders, big.orders, big.customers, big.totals;
UPDATE pg_class SET reltuples = 2100000, relpages = 20000
 WHERE oid IN ('big.orders'::regclass, 'big.customers'::regclass, 'big.totals'::regclass);
CREATE TABLE small.never_analyzed (id bigint) WITH (autovacuum_enabled = off);
CREATE TABLE small.filled_not_analyzed (id bigint) WITH (autovacuum_enabled = off);
INSERT INTO small.filled_not_analyzed SELECT generate_series(1, 1000);
CREATE TYPE small.mood AS ENUM ('sad', 'ok');

CREATE FUNCTION findings(script text, transactional boolean DEFAULT true)
RETURNS TABLE (line integer, rule text, severity text, message text)
LANGUAGE sql AS $$
	SELECT line, rule, severity, message FROM migrate_lint(script, transactional)
$$;

-- the rules
SELECT rule, severity FROM migrate_lint_rules();
SELECT count(*) = count(DISTINCT rule) AND bool_and(length(catches) > 20) AS described
FROM migrate_lint_rules();

-- with a lock timeout set, only the rules themselves (lock-timeout-missing
-- has its own section below)
SET migrate.lock_timeout = '2s';

-- table-rewrite: a volatile default, an identity, a stored generated
-- column; not a constant or a stable default
SELECT * FROM findings($$
ALTER TABLE big.orders ADD COLUMN seen timestamptz DEFAULT clock_timestamp();
ALTER TABLE big.orders ADD COLUMN token float8 DEFAULT random();
ALTER TABLE big.orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE big.orders ADD COLUMN twice int GENERATED ALWAYS AS (total * 2) STORED;
ALTER TABLE big.orders ADD COLUMN flag boolean DEFAULT false;
ALTER TABLE big.orders ADD COLUMN at timestamptz DEFAULT now();
ALTER TABLE small.orders ADD COLUMN seen timestamptz DEFAULT clock_timestamp();
$$);
-- the detail says how big the table is and why it is rewritten
SELECT detail, hint FROM migrate_lint(
	'ALTER TABLE big.orders ADD COLUMN seen timestamptz DEFAULT clock_timestamp()');
SELECT detail FROM migrate_lint(
	'ALTER TABLE small.orders ADD COLUMN seen timestamptz DEFAULT clock_timestamp()');

-- table-rewrite: type changes that are not binary compatible; a longer
-- varchar, varchar to text and a wider numeric are catalog changes
SELECT * FROM findings($$
ALTER TABLE big.orders ALTER COLUMN total TYPE bigint;
ALTER TABLE big.orders ALTER COLUMN note TYPE varchar(5);
ALTER TABLE big.orders ALTER COLUMN note TYPE varchar(20);
ALTER TABLE big.orders ALTER COLUMN note TYPE text;
ALTER TABLE big.orders ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE big.orders ALTER COLUMN amount TYPE numeric(12,3);
ALTER TABLE big.orders ALTER COLUMN total TYPE int USING total + 0;
$$);
SELECT detail FROM migrate_lint('ALTER TABLE big.orders ALTER COLUMN total TYPE bigint');

-- table-rewrite: tablespace, persistence, VACUUM FULL, CLUSTER
SELECT * FROM findings($$
ALTER TABLE big.orders SET TABLESPACE pg_default;
ALTER TABLE big.orders SET UNLOGGED;
CLUSTER big.orders USING orders_pkey;
$$);
SELECT * FROM findings('VACUUM FULL big.orders; VACUUM big.orders', false);

-- what PostgreSQL does without a rewrite: a domain without checks over
-- the same type, the finest precision of a timestamp; and what it rewrites:
-- a serial column added, an interval's fields narrowed
CREATE DOMAIN big.plainint AS int;
ALTER TABLE big.orders ADD COLUMN placed_at timestamp, ADD COLUMN span interval month;
SELECT * FROM findings($$
ALTER TABLE big.orders ALTER COLUMN total TYPE big.plainint;
ALTER TABLE big.orders ALTER COLUMN placed_at TYPE timestamp(6);
ALTER TABLE big.orders ADD COLUMN seq bigserial;
ALTER TABLE big.orders ALTER COLUMN span TYPE interval year;
$$);
ALTER TABLE big.orders DROP COLUMN placed_at, DROP COLUMN span;
DROP DOMAIN big.plainint;
-- a composite type's attribute is no table's column
CREATE TYPE big.pair AS (a int, b int);
SELECT * FROM findings('ALTER TYPE big.pair ALTER ATTRIBUTE a TYPE bigint');
DROP TYPE big.pair;
-- statistics that say empty, taken before the table was filled, are not
-- believed: the pages are counted
CREATE TABLE small.stale (id bigint) WITH (autovacuum_enabled = off);
VACUUM small.stale;
INSERT INTO small.stale SELECT generate_series(1, 1000);
SELECT severity, detail FROM migrate_lint('CREATE INDEX ON small.stale (id)');
DROP TABLE small.stale;

-- long-exclusive-lock
SELECT * FROM findings($$
LOCK TABLE big.orders IN ACCESS EXCLUSIVE MODE;
LOCK TABLE big.customers IN SHARE MODE;
REFRESH MATERIALIZED VIEW big.totals;
$$);

-- set-not-null: not once a validated CHECK (col IS NOT NULL) proves it,
-- in the catalog or validated earlier in the script
SELECT * FROM findings('ALTER TABLE big.orders ALTER COLUMN customer SET NOT NULL');
SELECT detail, hint FROM migrate_lint('ALTER TABLE big.orders ALTER COLUMN customer SET NOT NULL');
SELECT rule FROM findings($$
ALTER TABLE big.orders ADD CONSTRAINT customer_nn CHECK (customer IS NOT NULL) NOT VALID;
ALTER TABLE big.orders VALIDATE CONSTRAINT customer_nn;
ALTER TABLE big.orders ALTER COLUMN customer SET NOT NULL;
$$, false);
ALTER TABLE big.orders ADD CONSTRAINT total_nn CHECK (total IS NOT NULL);
SELECT * FROM findings('ALTER TABLE big.orders ALTER COLUMN total SET NOT NULL');
ALTER TABLE big.orders DROP CONSTRAINT total_nn;
-- a column already NOT NULL: SET NOT NULL does nothing
SELECT * FROM findings('ALTER TABLE big.orders ALTER COLUMN id SET NOT NULL');
-- in one transaction the VALIDATE runs under the ADD's ACCESS EXCLUSIVE:
-- only a non-transactional revision (or a later revision) spares the scan
SELECT * FROM findings($$
ALTER TABLE big.orders ADD CONSTRAINT customer_nn CHECK (customer IS NOT NULL) NOT VALID;
ALTER TABLE big.orders VALIDATE CONSTRAINT customer_nn;
ALTER TABLE big.orders ALTER COLUMN customer SET NOT NULL;
$$);
-- (a check that is not validated proves nothing)
ALTER TABLE big.orders ADD CONSTRAINT total_nn CHECK (total IS NOT NULL) NOT VALID;
SELECT * FROM findings('ALTER TABLE big.orders ALTER COLUMN total SET NOT NULL');
ALTER TABLE big.orders DROP CONSTRAINT total_nn;

-- constraint-not-valid: CHECK and FOREIGN KEY; NOT VALID is fine
SELECT * FROM findings($$
ALTER TABLE big.orders ADD CONSTRAINT positive CHECK (total > 0);
ALTER TABLE big.orders ADD CONSTRAINT buyer FOREIGN KEY (customer) REFERENCES big.customers;
ALTER TABLE big.orders ADD CONSTRAINT positive2 CHECK (total > 0) NOT VALID;
ALTER TABLE big.orders ADD CONSTRAINT buyer2 FOREIGN KEY (customer) REFERENCES big.customers NOT VALID;
ALTER TABLE small.orders ADD CONSTRAINT positive CHECK (total > 0);
$$);
SELECT detail FROM migrate_lint(
	'ALTER TABLE big.orders ADD CONSTRAINT buyer FOREIGN KEY (customer) REFERENCES big.customers');

-- index-not-concurrent: on an existing table; not CONCURRENTLY, not on a
-- table the script creates
SELECT * FROM findings($$
CREATE INDEX ON big.orders (customer);
CREATE UNIQUE INDEX ON small.orders (note);
CREATE TABLE big.fresh (id bigint);
CREATE INDEX ON big.fresh (id);
$$);
SELECT * FROM findings('CREATE INDEX CONCURRENTLY ON big.orders (customer)', false);

-- unique-without-index: ADD PRIMARY KEY / UNIQUE, unless USING INDEX
SELECT * FROM findings($$
ALTER TABLE big.customers DROP CONSTRAINT customers_pkey, ADD PRIMARY KEY (id);
ALTER TABLE big.orders ADD UNIQUE (customer, id);
ALTER TABLE big.orders ADD CONSTRAINT u UNIQUE USING INDEX orders_pkey;
ALTER TABLE big.orders ADD COLUMN code text UNIQUE;
$$);

-- data-loss: DROP COLUMN, DROP TABLE, DROP SCHEMA, TRUNCATE
SELECT * FROM findings($$
ALTER TABLE big.orders DROP COLUMN note;
DROP TABLE big.customers, small.orders;
TRUNCATE big.orders;
DROP SCHEMA small CASCADE;
DROP TABLE IF EXISTS big.nothing_here;
$$);
SELECT detail FROM migrate_lint('DROP TABLE big.customers');
-- never analyzed: its pages say whether it is empty
SELECT severity, detail FROM migrate_lint('DROP TABLE small.never_analyzed');
SELECT severity, detail FROM migrate_lint('DROP TABLE small.filled_not_analyzed');

-- a table the script creates hides only the one it is: not a table of
-- the same name in another schema, and not one that exists already when
-- the script says IF NOT EXISTS
SELECT * FROM findings($$
CREATE TABLE small.customers (id bigint);
DROP TABLE big.customers;
CREATE TABLE IF NOT EXISTS big.orders (id int);
CREATE INDEX ON big.orders (total);
$$);
-- without CASCADE only an empty schema can be dropped: no data lost
SELECT * FROM findings('DROP SCHEMA small');

-- rename: a table or a column that exists
SELECT * FROM findings($$
ALTER TABLE big.orders RENAME COLUMN total TO amount_due;
ALTER TABLE big.customers RENAME TO clients;
CREATE TABLE big.scratch (id bigint);
ALTER TABLE big.scratch RENAME TO scratch2;
$$);

-- the advice: enum value position, int keys, timestamp, char(n)
SELECT * FROM findings($$
ALTER TYPE small.mood ADD VALUE 'happy';
ALTER TYPE small.mood ADD VALUE 'meh' AFTER 'sad';
CREATE TABLE big.t1 (id serial PRIMARY KEY, at timestamp, code char(3));
CREATE TABLE big.t2 (id int GENERATED ALWAYS AS IDENTITY, at timestamptz, code text);
CREATE TABLE big.t3 (id smallint, name text, PRIMARY KEY (id));
CREATE TABLE big.t4 (id bigint PRIMARY KEY, n int);
ALTER TABLE big.orders ADD COLUMN placed timestamp;
$$);

-- lock-timeout-missing: the first statement on each table that takes
-- ACCESS EXCLUSIVE, when no lock timeout is in effect
SET migrate.lock_timeout = 0;
SELECT * FROM findings($$
ALTER TABLE big.orders ADD COLUMN memo text;
ALTER TABLE big.orders ADD COLUMN memo2 text;
CREATE INDEX ON small.orders (customer);
ALTER TABLE big.customers ADD COLUMN name text;
$$);
SELECT detail, hint FROM migrate_lint('ALTER TABLE big.orders ADD COLUMN memo text');
-- each statement of a non-transactional revision commits and lets go
SELECT * FROM findings($$
ALTER TABLE big.orders ADD COLUMN memo text;
ALTER TABLE big.orders ADD COLUMN memo2 text;
$$, false);
-- a lock timeout set by the script, the session or migrate.lock_timeout
SELECT * FROM findings($$
SET LOCAL lock_timeout = '3s';
ALTER TABLE big.orders ADD COLUMN memo text;
$$);
SELECT * FROM findings($$
SET lock_timeout = 0;
ALTER TABLE big.orders ADD COLUMN memo text;
$$);
-- setting migrate.lock_timeout in the script changes nothing for its own
-- statements: only lock_timeout does
SELECT * FROM findings($$
SET migrate.lock_timeout = '1s';
ALTER TABLE big.orders ADD COLUMN memo text;
$$);
SET lock_timeout = '1s';
SELECT count(*) FROM migrate_lint('ALTER TABLE big.orders ADD COLUMN memo text');
-- a non-transactional revision's steps run in the background worker,
-- without the session's timeout
SELECT rule FROM migrate_lint('ALTER TABLE big.orders ADD COLUMN memo text', false);
RESET lock_timeout;
SET migrate.lock_timeout = '500ms';
SELECT count(*) FROM migrate_lint('ALTER TABLE big.orders ADD COLUMN memo text');
SET migrate.lock_timeout = 0;

-- nothing runs: the tables are as they were
SELECT count(*) AS columns FROM pg_attribute
 WHERE attrelid = 'big.orders'::regclass AND attnum > 0 AND NOT attisdropped;
-- bad input
SELECT * FROM migrate_lint(NULL);
SELECT * FROM migrate_lint('ALTER TABLE big.orders ADD COLUMN');
SELECT * FROM migrate_lint('COMMIT');

--
-- Registration: migrate.lint decides; advice is never reported there
--
SET migrate.lock_timeout = '2s';
SELECT migrate_add('index orders', 'CREATE INDEX orders_customer ON big.orders (customer)',
				   'DROP INDEX big.orders_customer', id => 'r1');
SELECT id, lint_allow FROM migrate.revision;
SET migrate.lint = error;
SELECT migrate_add('rewrite orders', $$ALTER TABLE big.orders ALTER COLUMN total TYPE bigint;
ALTER TABLE big.orders ADD COLUMN at timestamp;
DROP TABLE big.customers CASCADE$$, id => 'r2');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS refused_left_nothing FROM migrate.revision WHERE id = 'r2';
-- allowed with a reason, the rule is accepted and the reason kept
SELECT migrate_add('rewrite orders', $$ALTER TABLE big.orders ALTER COLUMN total TYPE bigint;
DROP TABLE big.customers CASCADE$$, id => 'r2',
				   allow => ARRAY['table-rewrite: orders is rewritten at night by the batch anyway',
								  E'data-loss:  customers moved\n  to the crm database ']);
SELECT id, lint_allow FROM migrate.revision WHERE id = 'r2';
SELECT allow FROM migrate_show('r2');
-- a hazard the allowances do not cover is still refused
SELECT migrate_add('more', 'ALTER TABLE big.orders ALTER COLUMN note SET NOT NULL', id => 'r3',
				   allow => ARRAY['table-rewrite: not this one']);
-- allowances must name a rule and give a reason
SELECT migrate_add('x', 'SELECT 1', allow => ARRAY['table-rewrite']);
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('x', 'SELECT 1', allow => ARRAY['table-rewrite:   ']);
SELECT migrate_add('x', 'SELECT 1', allow => ARRAY['no-such-rule: because']);
SELECT migrate_add('x', 'SELECT 1', allow => ARRAY['rename: a', 'rename: b']);
SELECT migrate_add('x', 'SELECT 1', allow => ARRAY[NULL]);
-- a non-transactional revision runs without a lock timeout of its own
SELECT migrate_add('x', 'CREATE INDEX CONCURRENTLY ON big.orders (id)', transactional => false,
				   lock_timeout => '1s');
\echo :LAST_ERROR_SQLSTATE
-- warn: the registration goes through, with a WARNING per hazard
SET migrate.lint = warn;
SELECT migrate_add('more', 'ALTER TABLE big.orders ALTER COLUMN note SET NOT NULL', id => 'r3');
-- a script the lint cannot judge (here a type modifier the server refuses
-- only when the statement runs) registers all the same, with a WARNING;
-- migrate_lint() says the error itself
SELECT migrate_add('bad length', 'ALTER TABLE big.orders ALTER COLUMN note TYPE varchar(0)',
				   id => 'r3b', revises => '{}');
SELECT * FROM migrate_lint('ALTER TABLE big.orders ALTER COLUMN note TYPE varchar(0)');
DELETE FROM migrate.revision WHERE id = 'r3b';
-- off: nothing is said
SET migrate.lint = off;
SELECT migrate_add('more still', 'ALTER TABLE big.orders RENAME COLUMN note TO remark', id => 'r4');
-- replaying the same revision is a no-op, judged again never
SET migrate.lint = error;
SELECT migrate_add('more still', 'ALTER TABLE big.orders RENAME COLUMN note TO remark', id => 'r4');
SET migrate.lint = warn;
SET migrate.lint = 'loud';

--
-- A revision's own lock settings
--
SELECT migrate_add('settings', 'CREATE TABLE big.t5 (id bigint)', id => 'r5',
				   lock_timeout => '1.5s', lock_retries => 7);
SELECT id, lock_timeout, lock_retries FROM migrate.revision WHERE id IN ('r1', 'r5') ORDER BY id;
SELECT lock_timeout, lock_retries FROM migrate_show('r5');
SELECT migrate_add('bad', 'SELECT 1', lock_timeout => '5 parsecs');
\echo :LAST_ERROR_SQLSTATE
SELECT migrate_add('bad', 'SELECT 1', lock_timeout => '-1');
SELECT migrate_add('bad', 'SELECT 1', lock_retries => 1001);
SELECT migrate_add('bad', 'SELECT 1', lock_retries => -1);
-- changing them changes the revision: replaced while pending, refused once applied
SELECT migrate_add('settings', 'CREATE TABLE big.t5 (id bigint)', id => 'r5',
				   lock_timeout => '3s', lock_retries => 7);
SELECT lock_timeout FROM migrate.revision WHERE id = 'r5';
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
SELECT migrate_add('settings', 'CREATE TABLE big.t5 (id bigint)', id => 'r5',
				   lock_timeout => '4s', lock_retries => 7);
SELECT migrate_add('settings', 'CREATE TABLE big.t5 (id bigint)', id => 'r5',
				   lock_timeout => '3s', lock_retries => 7);

--
-- The file header
--
SELECT id, lock_timeout, lock_retries, allow
FROM migrate_parse_file('0006_wide.sql', $f$-- message: widen
-- lock_timeout: 250ms
-- lock_retries: 2
-- allow: table-rewrite: the table is small in every deployment
-- allow: rename: the application reads both names since release 12
ALTER TABLE big.orders ALTER COLUMN total TYPE numeric;
ALTER TABLE big.orders RENAME COLUMN customer TO buyer;
$f$);
SELECT migrate_parse_file('x.sql', '-- lock_timeout: soon
SELECT 1');
SELECT migrate_parse_file('x.sql', '-- lock_retries: many
SELECT 1');
SELECT migrate_parse_file('x.sql', '-- lock_retries: 5000
SELECT 1');
SELECT migrate_parse_file('x.sql', '-- lock_timeout: 1s
-- lock_timeout: 2s
SELECT 1');
SELECT migrate_add_file('0006_wide.sql', $f$-- message: widen
-- lock_timeout: 250ms
-- lock_retries: 2
-- allow: table-rewrite: the table is small in every deployment
-- allow: rename: the application reads both names since release 12
ALTER TABLE big.orders ALTER COLUMN total TYPE numeric;
ALTER TABLE big.orders RENAME COLUMN customer TO buyer;
$f$, 'r5');
-- an unknown rule in a file is refused like in migrate_add
SELECT migrate_add_file('0007_typo.sql', $f$-- allow: tabel-rewrite: typo
SELECT 1;
$f$, '0006_wide');
-- the file written back carries them
SELECT content FROM migrate_export() WHERE revision = '0006_wide';

--
-- migrate_diff says what the lint finds in what it generates
--
SET migrate.lint = off;
SET client_min_messages = warning;
SELECT revision FROM migrate_push();
RESET client_min_messages;
CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text);
ANALYZE public.accounts;
UPDATE pg_class SET reltuples = 50000, relpages = 400 WHERE oid = 'public.accounts'::regclass;
SELECT changes, lint FROM migrate_diff($$
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, created timestamp);
CREATE INDEX ON accounts (email);
$$, managed => 'public');
-- a revision's settings went with it: the push ran r5 and 0006_wide
SELECT revision FROM migrate_status() WHERE state = 'applied' ORDER BY revision;
SELECT attname FROM pg_attribute WHERE attrelid = 'big.orders'::regclass
   AND attname IN ('buyer', 'remark') ORDER BY 1;

SET client_min_messages = warning;
DROP SCHEMA big, small CASCADE;
DROP TABLE public.accounts;
DROP FUNCTION findings(text, boolean);
DROP EXTENSION migrate;
RESET client_min_messages;
