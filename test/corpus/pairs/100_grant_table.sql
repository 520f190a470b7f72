-- Table privileges granted and revoked for several roles.
-- From: PostgreSQL docs, "5.7. Privileges" and "GRANT".
-- @a
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    balance numeric
);
CREATE TABLE audit (
    id bigint PRIMARY KEY,
    what text
);
GRANT SELECT, UPDATE ON accounts TO app_writer;
GRANT ALL ON audit TO app_admin;
-- @b
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    balance numeric
);
CREATE TABLE audit (
    id bigint PRIMARY KEY,
    what text
);
GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO app_writer;
GRANT SELECT ON accounts TO app_reader;
GRANT SELECT, INSERT ON audit TO app_service;
GRANT SELECT ON audit TO app_admin;
