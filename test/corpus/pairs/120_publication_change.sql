-- A publication changed: a table added, the published operations
-- narrowed, and a second publication FOR TABLES IN SCHEMA.
-- From: PostgreSQL docs, "ALTER PUBLICATION" and "CREATE PUBLICATION ...
-- WITH (publish = ...)".
-- @a
CREATE TABLE products (
    id integer PRIMARY KEY,
    name text
);
CREATE TABLE prices (
    product_id integer PRIMARY KEY,
    price numeric
);
CREATE PUBLICATION catalog_pub FOR TABLE products;
-- @b
CREATE TABLE products (
    id integer PRIMARY KEY,
    name text
);
CREATE TABLE prices (
    product_id integer PRIMARY KEY,
    price numeric
);
CREATE PUBLICATION catalog_pub FOR TABLE products, prices WITH (publish = 'insert, update');
CREATE PUBLICATION everything_public FOR TABLES IN SCHEMA public;
