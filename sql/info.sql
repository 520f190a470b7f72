--
-- info: migrate_status, migrate_current, migrate_heads, migrate_show and
-- migrate_history, and who may call them
--
CREATE EXTENSION migrate;
-- the progress NOTICEs carry timings
SET client_min_messages = warning;

CREATE ROLE regress_info_deployer;
GRANT EXECUTE ON FUNCTION migrate_push(text), migrate_downgrade(text), migrate_stamp(text)
	TO regress_info_deployer;
GRANT CREATE ON SCHEMA public TO regress_info_deployer;
CREATE ROLE regress_info_nobody;

--
-- An empty catalog
--
SELECT * FROM migrate_status();
SELECT * FROM migrate_current();
SELECT * FROM migrate_heads();
SELECT * FROM migrate_history();
SELECT * FROM migrate_show('head');
\echo :LAST_ERROR_SQLSTATE

--
-- A branch and its merge:  a1 -- b1 -- m1
--                            \        /
--                             `- c1 -'      (c1 is irreversible)
--
SELECT migrate_add('create info_a', 'CREATE TABLE info_a (id int)', 'DROP TABLE info_a', 'a1');
SELECT migrate_add('add info_a.b', 'ALTER TABLE info_a ADD b text',
				   'ALTER TABLE info_a DROP b', 'b1');
SELECT migrate_add('create info_c', 'CREATE TABLE info_c (id int)', NULL, 'c1', '{a1}');
SELECT migrate_add('merge', $$CREATE VIEW info_v AS
	SELECT id, b FROM info_a$$, 'DROP VIEW info_v', 'm1', '{b1,c1}');

-- everything pending: no current revision, one head
SELECT revision, message, state, is_head, is_current, parents, reversible,
	   applied_at IS NULL AS no_applied_at, applied_by
FROM migrate_status();
SELECT * FROM migrate_current();
SELECT * FROM migrate_heads();

-- show: the scripts as written, the parents, a SHA-256 checksum
SELECT revision, message, parents, up, down FROM migrate_show('a1');
SELECT revision, message, parents, up, down FROM migrate_show('m1');
SELECT revision, down IS NULL AS irreversible FROM migrate_show('c1');
SELECT checksum ~ '^[0-9a-f]{64}$' AS sha256_hex, length(checksum),
	   created_at IS NOT NULL AS has_created_at, created_by = current_user AS created_by_me,
	   applied_at IS NULL AS no_applied_at
FROM migrate_show('a1');
-- different scripts, different checksums
SELECT count(DISTINCT s.checksum)
FROM migrate_status() st, migrate_show(st.revision) s;

--
-- A push by a granted role, under SET ROLE
--
SET application_name = 'regress_info_push';
SET ROLE regress_info_deployer;
SELECT revision FROM migrate_push('b1');
RESET ROLE;
SELECT revision, state, is_head, is_current, applied_at IS NOT NULL AS has_applied_at,
	   applied_by
FROM migrate_status();
SELECT revision, message, applied_at IS NOT NULL AS has_applied_at FROM migrate_current();
SELECT applied_at IS NOT NULL AS has_applied_at FROM migrate_show('b1');

-- a stamp on the other branch (nothing runs): one current revision per branch
SET application_name = 'regress_info_stamp';
SELECT revision, action FROM migrate_stamp('c1');
SELECT revision, state, is_current, applied_by = current_user AS applied_by_me
FROM migrate_status();
SELECT revision, message FROM migrate_current();
SELECT * FROM migrate_heads();

-- the merge: one current revision again
SET application_name = 'regress_info_merge';
SELECT revision FROM migrate_push();
SELECT revision, is_head, is_current FROM migrate_status();
SELECT revision, message FROM migrate_current();
SELECT * FROM migrate_heads();
SELECT applied_at IS NOT NULL AS has_applied_at FROM migrate_show('m1');

-- back down: the merge by its down script, c1 by a stamp, then b1 and a1
SET application_name = 'regress_info_down';
SELECT revision FROM migrate_downgrade();
SELECT revision, message FROM migrate_current();
SELECT revision, action FROM migrate_stamp('-1');
SELECT revision FROM migrate_downgrade('base');
SELECT * FROM migrate_current();
SELECT revision, state, is_current, applied_at IS NULL AS no_applied_at, applied_by
FROM migrate_status();
RESET application_name;

--
-- History: every action in order, who did it, from where, in which transaction
--
SELECT revision, action, session_role = session_user AS session_role_is_me,
	   CASE run_by WHEN session_user THEN '(session user)' ELSE run_by END
		   AS run_by,
	   application_name,
	   dense_rank() OVER (ORDER BY xid) AS transaction,
	   duration IS NOT NULL AS has_duration,
	   started_at IS NOT NULL AND started_at <= now() AS has_started_at,
	   backend_pid = pg_backend_pid() AS my_backend,
	   client_addr IS NOT DISTINCT FROM inet_client_addr() AS my_address,
	   xid IS NOT NULL AS has_xid, wal_lsn IS NOT NULL AS has_wal_lsn, error
FROM migrate_history()
ORDER BY seq;
-- seq only grows
SELECT bool_and(seq > prev) AS increasing
FROM (SELECT seq, lag(seq) OVER (ORDER BY seq) AS prev FROM migrate_history()) h;

-- looking works in a read-only transaction, at any isolation level
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM migrate_status();
SELECT count(*) FROM migrate_current();
SELECT revision FROM migrate_heads();
SELECT revision FROM migrate_show('m1');
SELECT count(*) FROM migrate_history();
COMMIT;

--
-- Anyone may look (scripts are shown to readers only: see security.sql);
-- nobody may read the catalog tables directly
--
SET ROLE regress_info_nobody;
SELECT has_function_privilege('migrate_status()', 'EXECUTE') AS may_status,
	   has_function_privilege('migrate_push(text)', 'EXECUTE') AS may_push;
SELECT count(*) FROM migrate_status();
SELECT count(*) FROM migrate_current();
SELECT revision FROM migrate_heads();
SELECT revision, parents, up FROM migrate_show('b1');
SELECT count(*) FROM migrate_history();
SELECT * FROM migrate.revision;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate.applied;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate.history;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_push();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- not even with USAGE on the schema
GRANT USAGE ON SCHEMA migrate TO regress_info_nobody;
SET ROLE regress_info_nobody;
SELECT count(*) FROM migrate.revision;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM migrate.history;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
REVOKE USAGE ON SCHEMA migrate FROM regress_info_nobody;

RESET client_min_messages;
DROP EXTENSION migrate;
REVOKE CREATE ON SCHEMA public FROM regress_info_deployer;
DROP ROLE regress_info_deployer;
DROP ROLE regress_info_nobody;
