-- An extension moved out of public into a schema of its own
-- (ALTER EXTENSION ... SET SCHEMA), the column using its type following.
-- From: PostgreSQL docs, "ALTER EXTENSION ... SET SCHEMA" and "38.17.2.
-- Extension Relocatability"; the common "extensions" schema layout.
-- @a
CREATE EXTENSION hstore;
CREATE TABLE items (
    id integer PRIMARY KEY,
    attrs hstore
);
-- @b
CREATE SCHEMA extensions;
CREATE EXTENSION hstore SCHEMA extensions;
CREATE TABLE items (
    id integer PRIMARY KEY,
    attrs extensions.hstore
);
