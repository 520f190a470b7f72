-- Privileges on a schema of its own: USAGE and CREATE granted, then
-- changed.
-- From: PostgreSQL docs, "5.9.4. The Schema Search Path" and "5.7.
-- Privileges" (USAGE, CREATE on schemas).
-- @a
CREATE SCHEMA api;
CREATE TABLE api.endpoints (
    path text PRIMARY KEY
);
GRANT USAGE ON SCHEMA api TO app_reader;
-- @b
CREATE SCHEMA api;
CREATE TABLE api.endpoints (
    path text PRIMARY KEY
);
GRANT USAGE ON SCHEMA api TO app_reader, app_writer;
GRANT CREATE ON SCHEMA api TO app_admin;
GRANT SELECT ON api.endpoints TO app_reader;
