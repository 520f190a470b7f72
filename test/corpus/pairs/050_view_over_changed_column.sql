-- A column read by a view changes type: the view must be dropped before
-- and created after the ALTER, with its grants and comments.
-- From: an orders view over an amount column moving to numeric.
-- @a
CREATE TABLE orders (
    id integer PRIMARY KEY,
    amount integer NOT NULL
);
CREATE VIEW big_orders AS
    SELECT id, amount FROM orders WHERE amount > 1000;
COMMENT ON VIEW big_orders IS 'orders above a thousand';
GRANT SELECT ON big_orders TO app_reader;
-- @b
CREATE TABLE orders (
    id integer PRIMARY KEY,
    amount numeric(12,2) NOT NULL
);
CREATE VIEW big_orders AS
    SELECT id, amount FROM orders WHERE amount > 1000;
COMMENT ON VIEW big_orders IS 'orders above a thousand';
GRANT SELECT ON big_orders TO app_reader;
