-- A new table next to an existing one.
-- From: PostgreSQL docs, "5.1. Table Basics" (the products table), as a
-- catalog application grows an orders table.
-- @a
CREATE TABLE products (
    product_no integer,
    name text,
    price numeric
);
-- @b
CREATE TABLE products (
    product_no integer,
    name text,
    price numeric
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    product_no integer,
    quantity integer NOT NULL DEFAULT 1,
    placed_at timestamptz NOT NULL DEFAULT now()
);
