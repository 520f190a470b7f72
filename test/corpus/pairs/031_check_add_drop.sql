-- Check constraints added (column and table constraints) and one dropped.
-- From: PostgreSQL docs, "5.4.1. Check Constraints" (prices and discounts).
-- @a
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric,
    discounted_price numeric,
    CONSTRAINT name_not_blank CHECK (name <> '')
);
-- @b
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric CHECK (price > 0),
    discounted_price numeric CHECK (discounted_price > 0),
    CONSTRAINT valid_discount CHECK (price > discounted_price)
);
