-- A table switched between logged and unlogged: a scratch table for imports
-- made UNLOGGED, and a cache table made logged again.
-- From: PostgreSQL docs, "CREATE TABLE" (UNLOGGED); a nightly import job.
-- @a
CREATE TABLE import_rows (
    batch_id integer NOT NULL,
    line_no integer NOT NULL,
    payload text,
    PRIMARY KEY (batch_id, line_no)
);
CREATE UNLOGGED TABLE rate_cache (
    currency char(3) PRIMARY KEY,
    rate numeric(12,6) NOT NULL,
    fetched_at timestamptz NOT NULL
);
-- @b
CREATE UNLOGGED TABLE import_rows (
    batch_id integer NOT NULL,
    line_no integer NOT NULL,
    payload text,
    PRIMARY KEY (batch_id, line_no)
);
CREATE TABLE rate_cache (
    currency char(3) PRIMARY KEY,
    rate numeric(12,6) NOT NULL,
    fetched_at timestamptz NOT NULL
);
