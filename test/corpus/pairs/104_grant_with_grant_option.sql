-- Privileges WITH GRANT OPTION, added and taken back (the privilege kept).
-- From: PostgreSQL docs, "GRANT ... WITH GRANT OPTION" and "REVOKE GRANT
-- OPTION FOR".
-- @a
CREATE TABLE catalog (
    id integer PRIMARY KEY,
    title text
);
GRANT SELECT ON catalog TO app_admin WITH GRANT OPTION;
GRANT INSERT ON catalog TO app_writer;
-- @b
CREATE TABLE catalog (
    id integer PRIMARY KEY,
    title text
);
GRANT SELECT ON catalog TO app_admin;
GRANT INSERT ON catalog TO app_writer WITH GRANT OPTION;
GRANT UPDATE (title) ON catalog TO app_writer WITH GRANT OPTION;
