-- An extension added (hstore) and a column of its type with a GIN index.
-- From: PostgreSQL docs, "F.18. hstore" (indexes).
-- @a
CREATE TABLE products (
    id integer PRIMARY KEY,
    name text
);
-- @b
CREATE EXTENSION hstore;
CREATE TABLE products (
    id integer PRIMARY KEY,
    name text,
    attributes hstore
);
CREATE INDEX products_attributes ON products USING gin (attributes);
