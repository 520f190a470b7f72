-- Columns added: a nullable one, one with a constant default, one with a
-- volatile default.
-- From: PostgreSQL docs, "5.6.1. Adding a Column" (the products table).
-- @a
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric
);
-- @b
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric,
    description text,
    in_stock boolean DEFAULT true,
    added_at timestamptz DEFAULT clock_timestamp()
);
