-- A publication added for logical replication of two tables, with a row
-- filter and a column list (PostgreSQL 15).
-- From: PostgreSQL docs, "31.1. Publication", "31.3. Row Filters" and
-- "31.4. Column Lists".
-- @a
CREATE TABLE orders (
    id integer PRIMARY KEY,
    region text NOT NULL,
    total numeric
);
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text,
    card_number text
);
-- @b
CREATE TABLE orders (
    id integer PRIMARY KEY,
    region text NOT NULL,
    total numeric
);
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text,
    card_number text
);
CREATE PUBLICATION to_warehouse FOR TABLE orders WHERE (region = 'EU'), customers (id, name);
