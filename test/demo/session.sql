-- The migrate demo: one psql session, the whole workflow.
-- Run by `make demo` (test/demo.sh) against a throwaway cluster.
\pset pager off
\set VERBOSITY default

\echo
\echo '=== 1. Install the extension'
CREATE EXTENSION migrate;

\echo
\echo '=== 2. Register three revisions from files kept in git (psql -f each)'
\ir migrations/001_create_users.sql
\ir migrations/002_add_email.sql
\ir migrations/003_create_orders.sql
\echo '--- replaying a file is a no-op'
\ir migrations/001_create_users.sql
SELECT revision, message, state, is_head, parents FROM migrate_status();

\echo
\echo '=== 3. Push: every pending revision, in one transaction'
\echo '--- no statement waits more than 2 s for a lock; then the push is rolled back and retried, 3 times'
SET migrate.lock_timeout = '2s';
SET migrate.lock_retries = 3;
SELECT * FROM migrate_push();
SELECT revision, message, state, is_current, applied_by FROM migrate_status();
\d users

\echo
\echo '=== 4. A failing migration rolls back cleanly'
\ir migrations/004_order_status.sql
SELECT * FROM migrate_push();
\echo '--- nothing of the failed push remains: no status column, 004 still pending'
SELECT count(*) AS status_columns FROM information_schema.columns
 WHERE table_name = 'orders' AND column_name = 'status';
SELECT revision, state FROM migrate_status();
\echo '--- fix the script; the revision was never applied, so it is replaced'
\ir migrations/004_order_status_fixed.sql
SELECT * FROM migrate_push();

\echo
\echo '=== 5. Status, current, heads, show'
SELECT revision, message, state, is_head, is_current FROM migrate_status();
SELECT revision, message FROM migrate_current();
SELECT up, down FROM migrate_show('head');

\echo
\echo '=== 6. Downgrade -1'
SELECT * FROM migrate_downgrade('-1');
SELECT revision, state, is_current FROM migrate_status();
\d orders

\echo
\echo '=== 7. An irreversible revision stops a downgrade before anything runs'
SELECT migrate_add('seed reference data', $$CREATE TABLE countries (code text PRIMARY KEY); INSERT INTO countries VALUES ('FR'), ('DE')$$,
                   id => '005_countries', revises => '{004_order_status}');
SELECT revision FROM migrate_push();
SELECT * FROM migrate_downgrade('base');

\echo
\echo '=== 8. Review the exact SQL, then deploy committing after each revision'
\ir migrations/006_order_notes.sql
\pset format unaligned
\pset tuples_only on
SELECT migrate_script();
\pset format aligned
\pset tuples_only off
CALL migrate_deploy();
SELECT revision, state, is_current FROM migrate_status();

\echo
\echo '=== 9. The catalog as files for git'
SELECT filename, length(content) AS bytes FROM migrate_export();

\echo
\echo '=== 10. A change made by hand: seen by the event trigger, reported as drift, adopted'
SELECT migrate_check();
ALTER TABLE users ADD COLUMN nickname text;
SELECT kind, identity, change, actual, changed_by, statement FROM migrate_drift();
SELECT migrate_check();
SELECT command_tag, object_identity, revision IS NULL AS out_of_band, statement
  FROM migrate_ddl_log(out_of_band_only => true);
SELECT migrate_adopt('add nickname (hotfix)', down => 'ALTER TABLE users DROP COLUMN nickname') IS NOT NULL AS adopted;
SELECT kind, identity, change FROM migrate_drift();
SELECT revision ~ '^[0-9a-f]{12}$' AS generated_id, message, state, is_current FROM migrate_status() WHERE is_head;

\echo
\echo '=== 11. Autogenerate: describe the schema you want, review the generated migration, apply it'
CREATE SCHEMA shop;
SELECT migrate_adopt('create schema shop', down => 'DROP SCHEMA shop') IS NOT NULL AS adopted;
\set desired 'CREATE TABLE product (id integer PRIMARY KEY, name text NOT NULL);'
SELECT migrate_dev('create product', :'desired', managed => 'shop', id => '007_product') IS NOT NULL AS registered;
\set desired 'CREATE TABLE product (id integer PRIMARY KEY, name text NOT NULL, sku text NOT NULL DEFAULT '''', price numeric(10,2)); CREATE UNIQUE INDEX product_sku ON product (sku);'
\pset format unaligned
\pset tuples_only on
SELECT up FROM migrate_diff(:'desired', 'shop');
\pset format aligned
\pset tuples_only off
SELECT changes, review, ok FROM migrate_diff(:'desired', 'shop');
SELECT migrate_dev('add sku and price', :'desired', managed => 'shop', id => '008_sku') IS NOT NULL AS registered;
SELECT changes FROM migrate_diff(:'desired', 'shop');
SELECT revision, message, state FROM migrate_status() WHERE revision IN ('007_product', '008_sku');
\echo '--- the whole database at once: its own pg_dump is a desired state with nothing to change;'
\echo '--- the same dump with a schema and an extension more is the next migration'
\set dump `pg_dump --schema-only demo`
\set desired :dump 'CREATE SCHEMA reports; CREATE EXTENSION pg_trgm SCHEMA reports; CREATE INDEX product_name_trgm ON shop.product USING gin (name reports.gin_trgm_ops);'
\echo '(the dump is long: the queries below are shown with :dump and :desired in place of its text)'
\set ECHO_SAVED :ECHO
\set ECHO none
\echo 'SELECT changes, ok FROM migrate_diff(:''dump'');'
SELECT changes, ok FROM migrate_diff(:'dump');
\echo 'SELECT up FROM migrate_diff(:''desired'');  -- :desired is :dump, then CREATE SCHEMA reports; CREATE EXTENSION pg_trgm SCHEMA reports; CREATE INDEX product_name_trgm ...'
\pset format unaligned
\pset tuples_only on
SELECT up FROM migrate_diff(:'desired');
\pset format aligned
\pset tuples_only off
\echo 'SELECT migrate_dev(''reports schema, trigram search'', :''desired'', id => ''009_reports'') IS NOT NULL AS registered;'
SELECT migrate_dev('reports schema, trigram search', :'desired', id => '009_reports') IS NOT NULL AS registered;
\set ECHO :ECHO_SAVED
SELECT kind, identity, change FROM migrate_drift();

\echo
\echo '=== 12. Lint: the hazards of a change, judged against this database'
\echo '--- 50,000 orders; the same statements on an empty table would only be advice'
WITH u AS (INSERT INTO users (name) VALUES ('ada') RETURNING id)
INSERT INTO orders (user_id, total) SELECT u.id, g FROM u, generate_series(1, 50000) g;
ANALYZE orders;
SELECT rule, severity, message FROM migrate_lint($$
ALTER TABLE orders ADD COLUMN placed timestamptz DEFAULT clock_timestamp();
CREATE INDEX orders_user ON orders (user_id);
ALTER TABLE orders ADD COLUMN shipped timestamp;
$$);
SELECT detail FROM migrate_lint('ALTER TABLE orders ADD COLUMN placed timestamptz DEFAULT clock_timestamp()');
\echo '--- migrate.lint = error refuses the revision; an allowance with its reason lets it in, and is kept'
SET migrate.lint = error;
SELECT migrate_add('index orders by user', 'CREATE INDEX orders_user ON orders (user_id)',
                   'DROP INDEX orders_user', id => '009_orders_user');
SELECT migrate_add('index orders by user', 'CREATE INDEX orders_user ON orders (user_id)',
                   'DROP INDEX orders_user', id => '009_orders_user',
                   allow => ARRAY['index-not-concurrent: built during the nightly maintenance window']);
SELECT revision, allow FROM migrate_show('009_orders_user');
RESET migrate.lint;

\echo
\echo '=== 13. History: who did what, when, from where'
SELECT seq, revision, action, run_by, application_name,
       round(extract(epoch FROM duration) * 1000, 3) AS ms
  FROM migrate_history();
