-- NOT NULL set on some columns and dropped from others.
-- From: PostgreSQL docs, "5.4.2. Not-Null Constraints"; an orders table
-- tightened after a data clean-up.
-- @a
CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer text,
    placed_on date,
    coupon text NOT NULL DEFAULT ''
);
-- @b
CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer text NOT NULL,
    placed_on date NOT NULL,
    coupon text DEFAULT ''
);
