-- A schema dropped with everything in it (a feature retired), while
-- public stays.
-- From: PostgreSQL docs, "DROP SCHEMA ... CASCADE"; a retired "legacy"
-- import area.
-- @a
CREATE TABLE users (
    id bigint PRIMARY KEY
);
CREATE SCHEMA legacy;
CREATE TABLE legacy.import_users (
    id bigint PRIMARY KEY,
    raw text
);
CREATE FUNCTION legacy.clean(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT trim($1) $$;
CREATE VIEW legacy.pending AS SELECT id FROM legacy.import_users;
-- @b
CREATE TABLE users (
    id bigint PRIMARY KEY
);
