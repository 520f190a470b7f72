-- Storage parameters of a table changed, added and removed
-- (fillfactor, autovacuum settings, toast options).
-- From: PostgreSQL docs, "CREATE TABLE: Storage Parameters"; a hot counters
-- table tuned for HOT updates.
-- @a
CREATE TABLE page_counters (
    page_id bigint PRIMARY KEY,
    hits bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.2);
CREATE TABLE documents (
    id bigint PRIMARY KEY,
    body text
) WITH (toast_tuple_target = 4096);
-- @b
CREATE TABLE page_counters (
    page_id bigint PRIMARY KEY,
    hits bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02);
CREATE TABLE documents (
    id bigint PRIMARY KEY,
    body text
);
