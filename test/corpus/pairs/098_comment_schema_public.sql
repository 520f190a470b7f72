-- The comment on schema public changed, and the schema's privileges
-- narrowed (USAGE revoked from PUBLIC, granted to a role).
-- From: PostgreSQL docs, "5.9.6. Usage Patterns" (a secure schema usage
-- pattern).
-- @a
CREATE TABLE settings (
    key text PRIMARY KEY,
    value text
);
-- @b
COMMENT ON SCHEMA public IS 'application objects';
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO app_reader;
CREATE TABLE settings (
    key text PRIMARY KEY,
    value text
);
